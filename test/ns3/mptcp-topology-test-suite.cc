/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of the topology helpers (helper/mptcp-topology.h): bad bottleneck
 * specs and helper settings are refused with a message naming the value;
 * the dumbbell has the nodes, addresses, queue and queue discipline it
 * documents and carries MPTCP and TCP transfers; over two disjoint paths of
 * different capacity, an MPTCP connection (fullmesh, LIA) uses both
 * bottlenecks and beats single-path TCP over the better one.
 *
 * The general network builder (helper/mptcp-network.h): bad networks
 * (disconnected, unknown node, bad RED) are refused by name; RED's
 * profile; on an access network with a multipath user homed on two APs
 * and a single-path user on one, addresses follow the plan, RED gets every
 * parameter, and the multipath user's two subflows each cross their own
 * AP.
 *
 * NS_LOG="MptcpTopologyTestSuite=info" prints the measured goodputs.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-ecmp-routing.h"
#include "ns3/mptcp-network.h"
#include "ns3/mptcp-topology.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <string>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("MptcpTopologyTestSuite");

namespace
{

/** \return true when `text` contains `part` */
bool
Has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/** \return the address of `node` on the interface of `device` */
Ipv4Address
AddressOn(Ptr<NetDevice> device)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    int32_t i = ipv4->GetInterfaceForDevice(device);
    NS_ABORT_MSG_IF(i < 0, "device without IPv4 interface");
    return ipv4->GetAddress(static_cast<uint32_t>(i), 0).GetLocal();
}

/** Counts the bytes of data frames (larger than 500 bytes) a device sends. */
struct TxCounter
{
    bool counting = false; //!< inside the measurement window
    uint64_t bytes = 0;    //!< frame bytes counted
    uint64_t frames = 0;   //!< frames counted

    /**
     * \brief PhyTxEnd sink.
     * \param c the counter
     * \param p the frame
     */
    static void Tx(TxCounter* c, Ptr<const Packet> p)
    {
        if (c->counting && p->GetSize() > 500)
        {
            c->bytes += p->GetSize();
            c->frames++;
        }
    }
};

/** Settings shared by the transfers: full segments, large buffers. */
void
SetTcpDefaults()
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 20));
}

// ------------------------------------------------------------------ (a)

/** Bad specs and helper settings are refused with clear messages. */
class BadSpecTestCase : public TestCase
{
  public:
    BadSpecTestCase()
        : TestCase("bad bottleneck specs and helper settings are refused with a message")
    {
    }

  private:
    /**
     * \brief Expect `spec` to be refused with a message containing `part`.
     * \param spec the spec
     * \param part expected part of the message
     */
    void Refused(const MptcpBottleneckSpec& spec, const std::string& part)
    {
        std::string why;
        NS_TEST_EXPECT_MSG_EQ(spec.Check(why), false, "refused: " << part);
        NS_TEST_EXPECT_MSG_EQ(Has(why, part), true, "message \"" << why << "\" names " << part);
    }

    void DoRun() override
    {
        MptcpBottleneckSpec good;
        std::string why;
        NS_TEST_EXPECT_MSG_EQ(good.Check(why), true, "the default spec is valid: " << why);
        for (const char* rate : {"1Gbps", "2.5Mbps", "800kbps", "1MB/s"})
        {
            MptcpBottleneckSpec s;
            s.rate = rate;
            NS_TEST_EXPECT_MSG_EQ(s.Check(why), true, rate << " is a rate: " << why);
        }

        for (const char* rate : {"fast",
                                 "",
                                 "10.5",
                                 "10mbps",
                                 "0Mbps",
                                 "-5Mbps",
                                 "10 Mbps",
                                 "10Mbps x",
                                 "10furlongs",
                                 "Mbps",
                                 "1e3Mbps"})
        {
            MptcpBottleneckSpec s;
            s.rate = rate;
            Refused(s, "rate must be a positive rate");
            Refused(s, std::string("\"") + rate + "\"");
        }
        MptcpBottleneckSpec s = good;
        s.delay = MilliSeconds(-1);
        Refused(s, "delay must not be negative");
        s = good;
        s.delay = Seconds(0);
        NS_TEST_EXPECT_MSG_EQ(s.Check(why), true, "zero delay is allowed");
        s = good;
        s.queueDisc = "codel";
        Refused(s, "queue disc must be droptail, red, fqcodel or fqcodel-host (got \"codel\")");
        s.queueDisc = "DropTail";
        Refused(s, "(got \"DropTail\")");
        s = good;
        s.segmentSize = 0;
        Refused(s, "segment size must be 64..65000");

        // Queue limits: one BDP when 0, at least 2.
        s = good;
        s.rate = "10Mbps";
        s.delay = MilliSeconds(10);
        // RTT 2 x (10 + 2) ms; 10 Mbit/s x 24 ms / (1500 x 8 bit) = 20
        NS_TEST_EXPECT_MSG_EQ(s.QueuePackets(MilliSeconds(2)), 20, "one BDP");
        s.queue = 50;
        NS_TEST_EXPECT_MSG_EQ(s.QueuePackets(MilliSeconds(2)), 50, "explicit queue");
        s.queue = 0;
        s.rate = "10kbps";
        NS_TEST_EXPECT_MSG_EQ(s.QueuePackets(MilliSeconds(2)), 2, "at least 2 packets");

        // The dumbbell.
        MptcpDumbbellHelper d;
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), true, "default dumbbell: " << why);
        d.SetMultipathNics(0);
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), false, "no NIC");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "1..254 NICs (got 0)"), true, why);
        d.SetMultipathNics(2);
        d.SetSingleHomedHosts(300);
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), false, "too many hosts");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "254 single-homed hosts (got 300)"), true, why);
        d.SetSingleHomedHosts(3);
        d.SetAccessLink("quick", MilliSeconds(1));
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), false, "bad access rate");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "access link rate"), true, why);
        d.SetAccessLink("1Gbps", MilliSeconds(-2));
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), false, "bad access delay");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "access link delay must not be negative"), true, why);
        d.SetAccessLink("1Gbps", MilliSeconds(1));
        s = good;
        s.queueDisc = "pie";
        d.SetBottleneck(s);
        NS_TEST_EXPECT_MSG_EQ(d.Check(why), false, "bad bottleneck");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "(got \"pie\")"), true, why);

        // Disjoint paths.
        MptcpDisjointPathsHelper p;
        NS_TEST_EXPECT_MSG_EQ(p.Check(why), true, "default paths: " << why);
        NS_TEST_EXPECT_MSG_EQ(p.GetPaths(), 2, "two paths by default");
        p.SetPaths(0);
        NS_TEST_EXPECT_MSG_EQ(p.Check(why), false, "no path");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "number of paths must be 1..254 (got 0)"), true, why);
        p.SetPaths(3);
        s = good;
        s.rate = "0bps";
        p.SetBottleneck(2, s);
        NS_TEST_EXPECT_MSG_EQ(p.Check(why), false, "bad path 2");
        NS_TEST_EXPECT_MSG_EQ(
            Has(why, "path 2: bottleneck rate must be a positive rate"), true, why);
        p.SetBottleneck(2, good);
        p.SetAccessLink("1Gbps", MilliSeconds(-1));
        NS_TEST_EXPECT_MSG_EQ(p.Check(why), false, "bad access delay");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "access link delay"), true, why);
    }
};

// ------------------------------------------------------------------ (c)

/** The dumbbell: nodes, addresses, queues; MPTCP and TCP transfers. */
class DumbbellTestCase : public TestCase
{
  public:
    DumbbellTestCase()
        : TestCase("dumbbell: documented nodes, addresses and queue; MPTCP over 2 NICs and "
                   "TCP deliver")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(3);
        SetTcpDefaults();
        const uint32_t first = NodeList::GetNNodes();
        MptcpBottleneckSpec spec;
        spec.rate = "10Mbps";
        spec.delay = MilliSeconds(10);
        spec.queueDisc = "red";
        MptcpDumbbellHelper d;
        d.SetMultipathNics(2);
        d.SetSingleHomedHosts(2);
        d.SetBottleneck(spec);
        d.Build();

        // Nodes, in creation order M, H_0, H_1, L, R, D.
        NS_TEST_ASSERT_MSG_EQ(NodeList::GetNNodes(), first + 6, "six nodes");
        NS_TEST_EXPECT_MSG_EQ(d.GetMultipathHost()->GetId(), first, "M first");
        NS_TEST_ASSERT_MSG_EQ(d.GetSingleHomedHosts().GetN(), 2, "two hosts");
        NS_TEST_EXPECT_MSG_EQ(d.GetSingleHomedHosts().Get(1)->GetId(), first + 2, "then H_k");
        NS_TEST_ASSERT_MSG_EQ(d.GetRouters().GetN(), 2, "two routers");
        NS_TEST_EXPECT_MSG_EQ(d.GetRouters().Get(0)->GetId(), first + 3, "then L");
        NS_TEST_EXPECT_MSG_EQ(d.GetDestination()->GetId(), first + 5, "D last");
        NS_TEST_EXPECT_MSG_EQ(d.GetMultipathHost()->GetNDevices(), 3, "loopback and 2 NICs");

        // Addresses.
        NS_TEST_EXPECT_MSG_EQ(d.GetMultipathHostAddress(0), Ipv4Address("10.1.1.1"), "NIC 0");
        NS_TEST_EXPECT_MSG_EQ(d.GetMultipathHostAddress(1), Ipv4Address("10.1.2.1"), "NIC 1");
        NS_TEST_EXPECT_MSG_EQ(AddressOn(d.GetMultipathHostDevices(1).Get(0)),
                              Ipv4Address("10.1.2.1"),
                              "NIC 1's device");
        NS_TEST_EXPECT_MSG_EQ(AddressOn(d.GetMultipathHostDevices(1).Get(1)),
                              Ipv4Address("10.1.2.2"),
                              "L on NIC 1's link");
        NS_TEST_EXPECT_MSG_EQ(d.GetSingleHomedHostAddress(1), Ipv4Address("10.2.2.1"), "H_1");
        NS_TEST_EXPECT_MSG_EQ(AddressOn(d.GetBottleneckDevices().Get(0)),
                              Ipv4Address("10.3.1.1"),
                              "L on the bottleneck");
        NS_TEST_EXPECT_MSG_EQ(AddressOn(d.GetBottleneckDevices().Get(1)),
                              Ipv4Address("10.3.1.2"),
                              "R on the bottleneck");
        NS_TEST_EXPECT_MSG_EQ(d.GetDestinationAddress(), Ipv4Address("10.4.1.2"), "D");
        NS_TEST_EXPECT_MSG_EQ(
            AddressOn(d.GetDestinationDevices().Get(1)), Ipv4Address("10.4.1.2"), "D's device");

        // The bottleneck: 1-packet device queue, RED of one BDP (20 packets)
        // on both ends.
        NS_TEST_EXPECT_MSG_EQ(d.GetQueuePackets(), 20, "one BDP");
        for (uint32_t i = 0; i < 2; i++)
        {
            Ptr<NetDevice> dev = d.GetBottleneckDevices().Get(i);
            Ptr<PointToPointNetDevice> p2p = DynamicCast<PointToPointNetDevice>(dev);
            NS_TEST_ASSERT_MSG_NE(p2p, nullptr, "point-to-point");
            NS_TEST_EXPECT_MSG_EQ(p2p->GetQueue()->GetMaxSize(), QueueSize("1p"), "device queue");
            DataRateValue rate;
            p2p->GetAttribute("DataRate", rate);
            NS_TEST_EXPECT_MSG_EQ(rate.Get(), DataRate("10Mbps"), "bottleneck rate");
            Ptr<QueueDisc> qd =
                dev->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(dev);
            NS_TEST_ASSERT_MSG_NE(qd, nullptr, "queue disc installed");
            NS_TEST_EXPECT_MSG_EQ(qd->GetInstanceTypeId().GetName(), "ns3::RedQueueDisc", "RED");
            NS_TEST_EXPECT_MSG_EQ(qd->GetMaxSize(), QueueSize("20p"), "queue disc size");
        }

        // MPTCP over both NICs (fullmesh) and ns-3 TCP from H_0, to D.
        MptcpStackHelper mptcp;
        mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
        mptcp.Install(d.GetMultipathHost());
        mptcp.Install(d.GetDestination());
        mptcp.AssignStreams(NodeContainer(d.GetMultipathHost(), d.GetDestination()), 100);
        std::vector<TxCounter> nic(2);
        for (uint32_t i = 0; i < 2; i++)
        {
            nic[i].counting = true;
            d.GetMultipathHostDevices(i).Get(0)->TraceConnectWithoutContext(
                "PhyTxEnd", MakeBoundCallback(&TxCounter::Tx, &nic[i]));
        }
        const uint64_t total = 2000000;
        PacketSinkHelper mpSink("ns3::MptcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 5000));
        PacketSinkHelper tcpSink("ns3::TcpSocketFactory",
                                 InetSocketAddress(Ipv4Address::GetAny(), 6000));
        ApplicationContainer sinks;
        sinks.Add(mpSink.Install(d.GetDestination()));
        sinks.Add(tcpSink.Install(d.GetDestination()));
        BulkSendHelper mpBulk("ns3::MptcpSocketFactory",
                              InetSocketAddress(d.GetDestinationAddress(), 5000));
        mpBulk.SetAttribute("MaxBytes", UintegerValue(total));
        BulkSendHelper tcpBulk("ns3::TcpSocketFactory",
                               InetSocketAddress(d.GetDestinationAddress(), 6000));
        tcpBulk.SetAttribute("MaxBytes", UintegerValue(total));
        ApplicationContainer senders = mpBulk.Install(d.GetMultipathHost());
        senders.Add(tcpBulk.Install(d.GetSingleHomedHosts().Get(0)));
        sinks.Start(Seconds(0));
        senders.Start(Seconds(0.5));
        Simulator::Stop(Seconds(15));
        Simulator::Run();

        NS_TEST_EXPECT_MSG_EQ(
            DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx(), total, "MPTCP: every byte");
        NS_TEST_EXPECT_MSG_EQ(
            DynamicCast<PacketSink>(sinks.Get(1))->GetTotalRx(), total, "TCP from H_0: every byte");
        Ptr<MptcpSocket> ms =
            DynamicCast<MptcpSocket>(DynamicCast<BulkSendApplication>(senders.Get(0))->GetSocket());
        NS_TEST_ASSERT_MSG_NE(ms, nullptr, "MPTCP socket");
        NS_TEST_EXPECT_MSG_EQ(ms->FellBack(), false, "MPTCP, not a fallback");
        NS_TEST_EXPECT_MSG_EQ(ms->GetSubflowCount(), 2, "one subflow per NIC");
        for (uint32_t i = 0; i < 2; i++)
        {
            NS_TEST_EXPECT_MSG_GT(nic[i].frames, 50, "NIC " << i << " sent data");
        }
        NS_LOG_INFO("dumbbell: data frames by NIC 0 " << nic[0].frames << ", NIC 1 "
                                                      << nic[1].frames);
        Config::Reset();
        Simulator::Destroy();
    }
};

// ------------------------------------------------------------------ (b)

/**
 * MPTCP (fullmesh, LIA) over two disjoint paths of 4 Mbit/s, 10 ms and
 * 6 Mbit/s, 30 ms (queues of one BDP), against ns-3 TCP over the 6 Mbit/s
 * path alone, in the same topology.
 *
 * Goodput is measured from 5 s to 25 s. One path carries at most its rate,
 * 6 Mbit/s of frames, less than 5.8 Mbit/s of payload; the aggregate must
 * exceed 1.2 x 6 = 7.2 Mbit/s, which only the use of both paths allows (the
 * sum of both, 10 Mbit/s, is about 9.6 Mbit/s of payload). Each bottleneck
 * must have carried at least half its capacity in data frames, and the
 * MPTCP goodput must be at least 1.25 times the TCP baseline's, which in
 * turn must reach 80 % of its path (the path works for a single flow).
 */
class DisjointPathsTestCase : public TestCase
{
  public:
    DisjointPathsTestCase()
        : TestCase("two disjoint paths (4 Mbps 10 ms, 6 Mbps 30 ms): MPTCP fullmesh LIA "
                   "uses both and beats single-path TCP on the better one")
    {
    }

  private:
    /** What one run measured between 5 s and 25 s. */
    struct Measured
    {
        double goodputBps = 0;              //!< sink goodput
        std::vector<double> bottleneckBps;  //!< data frame rate per bottleneck
        std::vector<double> subflowBps;     //!< MPTCP payload by A's address
        uint32_t subflows = 0;              //!< MPTCP subflows
        bool fellBack = true;               //!< MPTCP fell back to TCP
        std::vector<Ipv4Address> addresses; //!< A's, then B's addresses
        std::vector<uint32_t> queues;       //!< queue limits
    };

    static MptcpBottleneckSpec Spec(const char* rate, uint32_t delayMs)
    {
        MptcpBottleneckSpec s;
        s.rate = rate;
        s.delay = MilliSeconds(delayMs);
        s.queue = 0;
        return s;
    }

    /**
     * \brief Per-subflow acknowledged payload, summed by A's address index.
     * \param ms the connection
     * \param paths the helper
     * \return bytes per path
     */
    static std::vector<uint64_t> AckedByPath(Ptr<MptcpSocket> ms,
                                             const MptcpDisjointPathsHelper& paths)
    {
        std::vector<uint64_t> acked(paths.GetPaths(), 0);
        for (uint32_t i = 0; ms && i < ms->GetSubflowCount(); i++)
        {
            mptcp_conn_stats st;
            InetSocketAddress local(Ipv4Address::GetAny(), 0);
            InetSocketAddress remote(Ipv4Address::GetAny(), 0);
            ms->GetSubflowStats(i, st, &local, &remote);
            for (uint32_t k = 0; k < paths.GetPaths(); k++)
            {
                if (local.GetIpv4() == paths.GetAAddress(k))
                {
                    acked[k] += st.bytes_acked;
                }
            }
        }
        return acked;
    }

    /**
     * \brief One run over the two paths.
     * \param useMptcp MPTCP to B's path-0 address, else ns-3 TCP to B's
     *        path-1 address
     * \return the measurements
     */
    Measured RunOnce(bool useMptcp)
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        SetTcpDefaults();
        MptcpDisjointPathsHelper paths;
        paths.SetPaths(2);
        paths.SetBottleneck(0, Spec("4Mbps", 10));
        paths.SetBottleneck(1, Spec("6Mbps", 30));
        paths.Build();

        Measured m;
        for (uint32_t i = 0; i < 2; i++)
        {
            m.addresses.push_back(paths.GetAAddress(i));
        }
        for (uint32_t i = 0; i < 2; i++)
        {
            m.addresses.push_back(paths.GetBAddress(i));
            m.queues.push_back(paths.GetQueuePackets(i));
        }

        std::string factory = "ns3::TcpSocketFactory";
        Ipv4Address to = paths.GetBAddress(1);
        if (useMptcp)
        {
            MptcpStackHelper mptcp;
            mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
            mptcp.SetSocketAttribute("CongestionControl", StringValue("lia"));
            NodeContainer hosts(paths.GetA(), paths.GetB());
            mptcp.Install(hosts);
            mptcp.AssignStreams(hosts, 100);
            factory = "ns3::MptcpSocketFactory";
            to = paths.GetBAddress(0);
        }
        std::vector<TxCounter> bottleneck(2);
        for (uint32_t i = 0; i < 2; i++)
        {
            paths.GetBottleneckDevices(i).Get(0)->TraceConnectWithoutContext(
                "PhyTxEnd", MakeBoundCallback(&TxCounter::Tx, &bottleneck[i]));
        }
        PacketSinkHelper sinkHelper(factory, InetSocketAddress(Ipv4Address::GetAny(), 5000));
        Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(paths.GetB()).Get(0));
        sink->SetStartTime(Seconds(0));
        BulkSendHelper bulk(factory, InetSocketAddress(to, 5000));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        Ptr<BulkSendApplication> sender =
            DynamicCast<BulkSendApplication>(bulk.Install(paths.GetA()).Get(0));
        sender->SetStartTime(Seconds(0.5));

        const Time from = Seconds(5);
        const Time until = Seconds(25);
        const double span = (until - from).GetSeconds();
        uint64_t rxAtStart = 0;
        std::vector<uint64_t> ackedAtStart;
        Simulator::Schedule(from, [&]() {
            rxAtStart = sink->GetTotalRx();
            ackedAtStart = AckedByPath(DynamicCast<MptcpSocket>(sender->GetSocket()), paths);
            for (auto& c : bottleneck)
            {
                c.counting = true;
            }
        });
        Simulator::Stop(until);
        Simulator::Run();

        m.goodputBps = 8.0 * static_cast<double>(sink->GetTotalRx() - rxAtStart) / span;
        for (auto& c : bottleneck)
        {
            m.bottleneckBps.push_back(8.0 * static_cast<double>(c.bytes) / span);
        }
        Ptr<MptcpSocket> ms = DynamicCast<MptcpSocket>(sender->GetSocket());
        if (ms)
        {
            std::vector<uint64_t> acked = AckedByPath(ms, paths);
            for (size_t i = 0; i < acked.size(); i++)
            {
                uint64_t before = i < ackedAtStart.size() ? ackedAtStart[i] : 0;
                m.subflowBps.push_back(8.0 * static_cast<double>(acked[i] - before) / span);
            }
            m.subflows = ms->GetSubflowCount();
            m.fellBack = ms->FellBack();
        }
        Config::Reset();
        Simulator::Destroy();
        return m;
    }

    void DoRun() override
    {
        Measured mp = RunOnce(true);
        Measured tcp = RunOnce(false);

        // The addressing plan and the queues (one BDP: RTT 2 x (1 + 10) ms
        // and 2 x (1 + 30) ms).
        NS_TEST_EXPECT_MSG_EQ(mp.addresses[0], Ipv4Address("10.10.1.1"), "A on path 0");
        NS_TEST_EXPECT_MSG_EQ(mp.addresses[1], Ipv4Address("10.10.2.1"), "A on path 1");
        NS_TEST_EXPECT_MSG_EQ(mp.addresses[2], Ipv4Address("10.20.1.2"), "B on path 0");
        NS_TEST_EXPECT_MSG_EQ(mp.addresses[3], Ipv4Address("10.20.2.2"), "B on path 1");
        NS_TEST_EXPECT_MSG_EQ(mp.queues[0], 8, "4 Mbit/s x 22 ms / 1500 B, rounded up");
        NS_TEST_EXPECT_MSG_EQ(mp.queues[1], 31, "6 Mbit/s x 62 ms / 1500 B");

        NS_LOG_INFO("MPTCP: goodput "
                    << mp.goodputBps / 1e6 << " Mbit/s; data frames on "
                    << "bottleneck 0 " << mp.bottleneckBps[0] / 1e6 << " Mbit/s, bottleneck 1 "
                    << mp.bottleneckBps[1] / 1e6 << " Mbit/s; payload from A's path-0 address "
                    << mp.subflowBps[0] / 1e6 << " Mbit/s, path-1 address "
                    << mp.subflowBps[1] / 1e6 << " Mbit/s; " << mp.subflows << " subflows");
        NS_LOG_INFO("TCP over path 1: goodput " << tcp.goodputBps / 1e6 << " Mbit/s; frames on "
                                                << "bottleneck 0 " << tcp.bottleneckBps[0] / 1e6
                                                << " Mbit/s, bottleneck 1 "
                                                << tcp.bottleneckBps[1] / 1e6 << " Mbit/s");

        NS_TEST_EXPECT_MSG_EQ(mp.fellBack, false, "MPTCP, not a fallback");
        NS_TEST_EXPECT_MSG_EQ(mp.subflows, 4, "fullmesh: 2 x 2 address pairs");
        NS_TEST_EXPECT_MSG_GT(mp.bottleneckBps[0], 0.5 * 4e6, "bottleneck 0 carried data");
        NS_TEST_EXPECT_MSG_GT(mp.bottleneckBps[1], 0.5 * 6e6, "bottleneck 1 carried data");
        NS_TEST_EXPECT_MSG_GT(mp.goodputBps, 1.2 * 6e6, "more than the better path alone");
        NS_TEST_EXPECT_MSG_GT(tcp.goodputBps, 0.8 * 6e6, "TCP fills the 6 Mbit/s path");
        NS_TEST_EXPECT_MSG_LT(tcp.bottleneckBps[0], 1e5, "TCP stays on path 1");
        NS_TEST_EXPECT_MSG_GT(mp.goodputBps, 1.25 * tcp.goodputBps, "MPTCP beats TCP");
    }
};

/**
 * \ingroup mptcp-tests
 * \brief MptcpNetworkHelper: checks, RED's profile, and a two-AP network.
 */
class NetworkTestCase : public TestCase
{
  public:
    NetworkTestCase()
        : TestCase("network builder: bad networks refused, RED profile, a user homed on two "
                   "APs sends through both")
    {
    }

  private:
    static MptcpLinkSpec Red(const char* rate)
    {
        MptcpLinkSpec s;
        s.rate = rate;
        s.delay = MilliSeconds(20);
        s.queue.disc = "red";
        s.queue.packets = 200;
        s.queue.minTh = 25;
        s.queue.maxTh = 50;
        s.queue.maxP = 0.1;
        s.queue.gentle = true;
        s.queue.qW = 0.01;
        return s;
    }

    void Refusals()
    {
        std::string why;
        MptcpNetworkHelper empty;
        NS_TEST_EXPECT_MSG_EQ(empty.Check(why), false, "no node");
        MptcpNetworkHelper split;
        uint32_t a = split.AddNode("a");
        uint32_t b = split.AddNode("b");
        split.AddNode("island");
        split.AddLink(a, b, MptcpLinkSpec());
        NS_TEST_EXPECT_MSG_EQ(split.Check(why), false, "disconnected");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "disconnected") && Has(why, "island"), true, why);
        MptcpNetworkHelper unknown;
        unknown.AddNode("a");
        unknown.AddLink(0, 7, MptcpLinkSpec());
        NS_TEST_EXPECT_MSG_EQ(unknown.Check(why), false, "unknown node");
        NS_TEST_EXPECT_MSG_EQ(Has(why, "node 7"), true, why);
        MptcpNetworkHelper dup;
        dup.AddNode("x");
        dup.AddNode("x");
        dup.AddLink(0, 1, MptcpLinkSpec());
        NS_TEST_EXPECT_MSG_EQ(dup.Check(why) || !Has(why, "\"x\""), false, why);
        MptcpNetworkHelper self;
        self.AddNode("s");
        self.AddLink(0, 0, MptcpLinkSpec());
        NS_TEST_EXPECT_MSG_EQ(self.Check(why) || !Has(why, "itself"), false, why);
        MptcpLinkSpec bad = Red("10Mbps");
        bad.queue.maxTh = 500;
        NS_TEST_EXPECT_MSG_EQ(bad.Check(why) || !Has(why, "maxTh"), false, why);
        bad = Red("10Mbps");
        bad.queue.maxP = 0;
        NS_TEST_EXPECT_MSG_EQ(bad.Check(why) || !Has(why, "maxP"), false, why);
        bad = Red("0bps");
        NS_TEST_EXPECT_MSG_EQ(bad.Check(why) || !Has(why, "rate"), false, why);
        bad = Red("10Mbps");
        bad.queue.disc = "codel";
        NS_TEST_EXPECT_MSG_EQ(bad.Check(why) || !Has(why, "codel"), false, why);
    }

    void Profile()
    {
        MptcpQueueSpec q = Red("10Mbps").queue;
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(10), 0.0, 1e-12, "below minTh");
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(37.5), 0.05, 1e-12, "halfway to maxTh");
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(75), 0.55, 1e-12, "gentle, halfway to 2 maxTh");
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(100), 1.0, 1e-12, "at 2 maxTh");
        q.gentle = false;
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(51), 1.0, 1e-12, "not gentle: 1 above maxTh");
        q.disc = "droptail";
        NS_TEST_EXPECT_MSG_EQ_TOL(q.RedProbability(99), 0.0, 1e-12, "not RED");
    }

    void DoRun() override
    {
        Refusals();
        Profile();
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        // server -- core; core -- ap1 (RED, 4 Mbit/s), core -- ap2 (drop-tail,
        // 4 Mbit/s); the multipath user on ap1 and ap2, a TCP user on ap2.
        MptcpNetworkHelper net;
        const uint32_t server = net.AddNode("server");
        const uint32_t core = net.AddNode("core");
        const uint32_t ap1 = net.AddNode("ap1");
        const uint32_t ap2 = net.AddNode("ap2");
        const uint32_t mp = net.AddNode("mp");
        const uint32_t tcp = net.AddNode("tcp");
        MptcpLinkSpec fast;
        fast.rate = "1Gbps";
        fast.queue.packets = 1000;
        MptcpLinkSpec thin = Red("4Mbps");
        MptcpLinkSpec tail = thin;
        tail.queue.disc = "droptail";
        tail.queue.packets = 50;
        const uint32_t lServer = net.AddLink(server, core, fast);
        const uint32_t lAp1 = net.AddLink(ap1, core, thin);
        const uint32_t lAp2 = net.AddLink(ap2, core, tail);
        const uint32_t lMp1 = net.AddLink(mp, ap1, fast);
        const uint32_t lMp2 = net.AddLink(mp, ap2, fast);
        net.AddLink(tcp, ap2, fast);
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(net.Check(why), true, why);
        net.Build();
        NS_TEST_EXPECT_MSG_EQ(net.GetAddress(lServer, 1), Ipv4Address("10.1.0.2"), "link 0");
        NS_TEST_EXPECT_MSG_EQ(net.GetAddress(lMp2, 0), Ipv4Address("10.1.4.1"), "link 4");
        NS_TEST_EXPECT_MSG_EQ(net.FindNode("ap2"), static_cast<int32_t>(ap2), "by name");
        NS_TEST_EXPECT_MSG_EQ(net.FindNode("nobody"), -1, "no such name");
        Ptr<QueueDisc> red = net.GetQueueDisc(lAp1, 0);
        NS_TEST_ASSERT_MSG_EQ(red->GetInstanceTypeId().GetName(), "ns3::RedQueueDisc", "RED");
        DoubleValue v;
        red->GetAttribute("MaxTh", v);
        NS_TEST_EXPECT_MSG_EQ_TOL(v.Get(), 50.0, 1e-12, "MaxTh");
        red->GetAttribute("LInterm", v);
        NS_TEST_EXPECT_MSG_EQ_TOL(v.Get(), 10.0, 1e-12, "LInterm = 1 / maxP");
        red->GetAttribute("QW", v);
        NS_TEST_EXPECT_MSG_EQ_TOL(v.Get(), 0.01, 1e-12, "QW");
        const Ipv4Address dst = net.GetAddress(lServer, 0);
        net.PinHostRoutes(mp, dst);

        MptcpStackHelper mptcp;
        mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
        NodeContainer hosts(net.GetNode(mp), net.GetNode(server));
        mptcp.Install(hosts);
        mptcp.AssignStreams(hosts, 10);
        PacketSinkHelper sink("ns3::MptcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 9));
        ApplicationContainer sinks = sink.Install(net.GetNode(server));
        PacketSinkHelper tsink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 10));
        sinks.Add(tsink.Install(net.GetNode(server)));
        BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(dst, 9));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        ApplicationContainer apps = bulk.Install(net.GetNode(mp));
        BulkSendHelper tbulk("ns3::TcpSocketFactory", InetSocketAddress(dst, 10));
        tbulk.SetAttribute("MaxBytes", UintegerValue(0));
        apps.Add(tbulk.Install(net.GetNode(tcp)));
        apps.Start(Seconds(0.1));
        Simulator::Stop(Seconds(10));
        Simulator::Run();
        const uint64_t through1 = net.GetQueueDisc(lAp1, 0)->GetStats().nTotalReceivedPackets;
        const uint64_t through2 = net.GetQueueDisc(lAp2, 0)->GetStats().nTotalReceivedPackets;
        const uint64_t mpRx = DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx();
        const uint64_t tcpRx = DynamicCast<PacketSink>(sinks.Get(1))->GetTotalRx();
        NS_LOG_INFO("ap1 " << through1 << " packets, ap2 " << through2 << "; mptcp " << mpRx
                           << " B, tcp " << tcpRx << " B; " << net.GetAddress(lMp1, 0));
        // The multipath user's ap1 subflow is alone on ap1: ap1 carries
        // most of 4 Mbit/s x 10 s (about 3,300 packets); ap2 carries the
        // TCP user and the second subflow.
        NS_TEST_EXPECT_MSG_GT(through1, 2000u, "the subflow over ap1");
        NS_TEST_EXPECT_MSG_GT(through2, 2000u, "ap2");
        NS_TEST_EXPECT_MSG_GT(mpRx, 3000000u, "the MPTCP user");
        NS_TEST_EXPECT_MSG_GT(tcpRx, 1000000u, "the TCP user");
        Simulator::Destroy();
    }
};

/**
 * \ingroup mptcp-tests
 * \brief Flow-hash ECMP on a diamond of switches: h -- s, s -- b1 -- t,
 *        s -- b2 -- t, t -- d. s's group for d's network holds b1 and b2;
 *        eight TCP flows from h to d spread over both; the hash of one
 *        five-tuple is the same every time.
 */
class EcmpTestCase : public TestCase
{
  public:
    EcmpTestCase()
        : TestCase("flow-hash ECMP: both equal-cost paths in the group, flows spread over both")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        MptcpNetworkHelper net;
        const uint32_t h = net.AddNode("h");
        const uint32_t sw = net.AddNode("s");
        const uint32_t b1 = net.AddNode("b1");
        const uint32_t b2 = net.AddNode("b2");
        const uint32_t t = net.AddNode("t");
        const uint32_t d = net.AddNode("d");
        MptcpLinkSpec l;
        l.rate = "10Mbps";
        net.AddLink(h, sw, l);
        const uint32_t sb1 = net.AddLink(sw, b1, l);
        const uint32_t sb2 = net.AddLink(sw, b2, l);
        net.AddLink(b1, t, l);
        net.AddLink(b2, t, l);
        const uint32_t td = net.AddLink(t, d, l);
        net.Build();
        net.InstallFlowEcmpRouting();
        const Ipv4Address dst = net.GetAddress(td, 1);
        Ptr<Ipv4ListRouting> list =
            DynamicCast<Ipv4ListRouting>(net.GetNode(sw)->GetObject<Ipv4>()->GetRoutingProtocol());
        int16_t priority = 0;
        Ptr<MptcpFlowEcmpRouting> ecmp =
            DynamicCast<MptcpFlowEcmpRouting>(list->GetRoutingProtocol(0, priority));
        NS_TEST_ASSERT_MSG_NE(ecmp, nullptr, "ECMP first in s's list");
        NS_TEST_EXPECT_MSG_EQ(priority, 20, "above static routing");
        NS_TEST_ASSERT_MSG_NE(ecmp->GetGroup(dst), nullptr, "a route to d");
        NS_TEST_EXPECT_MSG_EQ(ecmp->GetGroup(dst)->size(), 2u, "two equal-cost next hops");
        NS_TEST_EXPECT_MSG_EQ(ecmp->Hash(Ipv4Address("10.0.0.1"), dst, 6, 49152, 80),
                              ecmp->Hash(Ipv4Address("10.0.0.1"), dst, 6, 49152, 80),
                              "one hash per five-tuple");
        MptcpStackHelper mptcp;
        mptcp.SetSocketAttribute("Mptcp", BooleanValue(false));
        NodeContainer ends(net.GetNode(h), net.GetNode(d));
        mptcp.Install(ends);
        mptcp.AssignStreams(ends, 10);
        for (uint16_t i = 0; i < 8; i++)
        {
            PacketSinkHelper sink("ns3::MptcpSocketFactory",
                                  InetSocketAddress(Ipv4Address::GetAny(), 9000 + i));
            sink.Install(net.GetNode(d));
            BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(dst, 9000 + i));
            bulk.SetAttribute("MaxBytes", UintegerValue(200000));
            bulk.Install(net.GetNode(h)).Start(Seconds(0.1));
        }
        Simulator::Stop(Seconds(5));
        Simulator::Run();
        const uint64_t via1 = net.GetQueueDisc(sb1, 0)->GetStats().nTotalReceivedPackets;
        const uint64_t via2 = net.GetQueueDisc(sb2, 0)->GetStats().nTotalReceivedPackets;
        NS_LOG_INFO("ECMP: " << via1 << " packets via b1, " << via2 << " via b2");
        NS_TEST_EXPECT_MSG_GT(via1, 100u, "flows via b1");
        NS_TEST_EXPECT_MSG_GT(via2, 100u, "flows via b2");
        Simulator::Destroy();
    }
};

class MptcpTopologyTestSuite : public TestSuite
{
  public:
    MptcpTopologyTestSuite()
        : TestSuite("mptcp-topology", TestSuite::Type::UNIT)
    {
        AddTestCase(new BadSpecTestCase());
        AddTestCase(new DumbbellTestCase());
        AddTestCase(new DisjointPathsTestCase());
        AddTestCase(new NetworkTestCase());
        AddTestCase(new EcmpTestCase());
    }
};

MptcpTopologyTestSuite g_mptcpTopologyTestSuite;

} // namespace
