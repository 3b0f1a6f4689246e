/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * End-to-end tests of the ns-3 socket model: unchanged ns-3 applications
 * over MPTCP, byte-exact transfers with 1, 2 and 4 subflows (ndiffports)
 * and over two NICs (fullmesh), and interoperation with ns-3's own TCP in
 * both directions; the same over IPv6, and IPv4 and IPv6, MPTCP and ns-3
 * TCP side by side on one node.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"

#include <functional>
#include <iostream>
#include <set>
#include <sstream>

using namespace ns3;

namespace
{

/** Byte i of the test stream: not periodic in any segment size. */
uint8_t
PatternByte(uint64_t i)
{
    return static_cast<uint8_t>((i * 131 + (i >> 9) * 7 + 11) % 251);
}

/**
 * A client C with `nics` point-to-point links to a router L, and L linked
 * to a server S. Each C–L link has its own /24; global routing.
 */
struct Topology
{
    NodeContainer nodes; //!< C, L, S
    Ipv4Address server;  //!< S's address
    std::vector<Ipv4Address> client; //!< C's addresses

    Ptr<Node> C() const
    {
        return nodes.Get(0);
    }

    Ptr<Node> S() const
    {
        return nodes.Get(2);
    }

    Topology(uint32_t nics, bool mptcpClient, bool mptcpServer, double loss, uint32_t seed)
    {
        nodes.Create(3);
        InternetStackHelper internet;
        internet.Install(nodes);
        PointToPointHelper access;
        access.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        access.SetChannelAttribute("Delay", StringValue("5ms"));
        Ipv4AddressHelper ip;
        for (uint32_t i = 0; i < nics; i++)
        {
            NetDeviceContainer d = access.Install(nodes.Get(0), nodes.Get(1));
            std::ostringstream net;
            net << "10.1." << i + 1 << ".0";
            ip.SetBase(net.str().c_str(), "255.255.255.0");
            Ipv4InterfaceContainer ifs = ip.Assign(d);
            client.push_back(ifs.GetAddress(0));
            if (loss > 0)
            {
                Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
                em->SetAttribute("ErrorRate", DoubleValue(loss));
                em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
                em->AssignStreams(static_cast<int64_t>(seed * 10 + i));
                d.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));
            }
        }
        PointToPointHelper core;
        core.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
        core.SetChannelAttribute("Delay", StringValue("5ms"));
        NetDeviceContainer d = core.Install(nodes.Get(1), nodes.Get(2));
        ip.SetBase("10.2.1.0", "255.255.255.0");
        server = ip.Assign(d).GetAddress(1);
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();

        MptcpStackHelper mptcp;
        if (mptcpClient)
        {
            mptcp.Install(nodes.Get(0));
        }
        if (mptcpServer)
        {
            mptcp.Install(nodes.Get(2));
        }
    }
};

/** Sends `total` pattern bytes on a connected socket, then closes. */
class PatternSender
{
  public:
    PatternSender(Ptr<Socket> s, uint64_t total)
        : m_socket(s),
          m_total(total),
          m_sent(0)
    {
        m_socket->SetConnectCallback(MakeCallback(&PatternSender::Connected, this),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetSendCallback(MakeCallback(&PatternSender::Writable, this));
    }

    void Connected(Ptr<Socket>)
    {
        Push();
    }

    void Writable(Ptr<Socket>, uint32_t)
    {
        Push();
    }

    void Push()
    {
        while (m_sent < m_total)
        {
            uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(m_total - m_sent, 3000));
            n = std::min(n, m_socket->GetTxAvailable());
            if (n == 0)
            {
                return;
            }
            std::vector<uint8_t> b(n);
            for (uint32_t i = 0; i < n; i++)
            {
                b[i] = PatternByte(m_sent + i);
            }
            int rv = m_socket->Send(Create<Packet>(b.data(), n));
            if (rv <= 0)
            {
                return;
            }
            m_sent += static_cast<uint64_t>(rv);
        }
        m_socket->Close();
    }

    Ptr<Socket> m_socket;
    uint64_t m_total;
    uint64_t m_sent;
};

/** Accepts connections and checks every byte against the pattern. */
class PatternSink
{
  public:
    explicit PatternSink(Ptr<Socket> listener)
        : m_received(0),
          m_errors(0),
          m_closed(false)
    {
        listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                    MakeCallback(&PatternSink::Accept, this));
    }

    void Accept(Ptr<Socket> s, const Address&)
    {
        m_accepted = s;
        s->SetRecvCallback(MakeCallback(&PatternSink::Read, this));
        s->SetCloseCallbacks(MakeCallback(&PatternSink::Closed, this),
                             MakeCallback(&PatternSink::Closed, this));
    }

    void Read(Ptr<Socket> s)
    {
        Ptr<Packet> p;
        while ((p = s->Recv()))
        {
            std::vector<uint8_t> b(p->GetSize());
            p->CopyData(b.data(), b.size());
            for (size_t i = 0; i < b.size(); i++)
            {
                if (b[i] != PatternByte(m_received + i))
                {
                    m_errors++;
                }
            }
            m_received += b.size();
        }
    }

    void Closed(Ptr<Socket>)
    {
        m_closed = true;
    }

    Ptr<Socket> m_accepted;
    uint64_t m_received;
    uint64_t m_errors;
    bool m_closed;
};

/** Byte-exact transfer over the socket API between two MPTCP hosts. */
class PatternTransferTestCase : public TestCase
{
  public:
    PatternTransferTestCase(std::string pm, uint32_t subflows, uint32_t nics, double loss,
                            uint32_t seed)
        : TestCase(Describe(pm, subflows, nics, loss, seed)),
          m_pm(pm),
          m_subflows(subflows),
          m_nics(nics),
          m_loss(loss),
          m_seed(seed)
    {
    }

  private:
    static std::string Describe(std::string pm, uint32_t subflows, uint32_t nics, double loss,
                                uint32_t seed)
    {
        std::ostringstream os;
        os << "pattern transfer, pm " << pm << ", " << subflows << " subflow(s), " << nics
           << " NIC(s), loss " << loss << ", seed " << seed;
        return os.str();
    }

    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(m_seed);
        Topology t(m_nics, true, true, m_loss, m_seed);
        TypeId tid = TypeId::LookupByName("ns3::MptcpSocketFactory");
        Ptr<Socket> listener = Socket::CreateSocket(t.S(), tid);
        NS_TEST_ASSERT_MSG_EQ(listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 5000)),
                              0,
                              "bind");
        NS_TEST_ASSERT_MSG_EQ(listener->Listen(), 0, "listen");
        PatternSink sink(listener);

        Ptr<Socket> client = Socket::CreateSocket(t.C(), tid);
        client->SetAttribute("PathManager", StringValue(m_pm));
        client->SetAttribute("Subflows", UintegerValue(m_subflows));
        client->SetAttribute("SegmentSize", UintegerValue(1400));
        const uint64_t total = 2 * 1024 * 1024 + 12345;
        PatternSender sender(client, total);
        Simulator::Schedule(Seconds(0.1), [client, &t]() {
            client->Connect(InetSocketAddress(t.server, 5000));
        });
        Simulator::Stop(Seconds(60));
        Simulator::Run();

        Ptr<MptcpSocket> c = DynamicCast<MptcpSocket>(client);
        NS_TEST_ASSERT_MSG_EQ(sink.m_received, total, "every byte delivered");
        NS_TEST_ASSERT_MSG_EQ(sink.m_errors, 0, "every byte equal to the pattern");
        NS_TEST_ASSERT_MSG_EQ(sink.m_closed, true, "closed normally");
        NS_TEST_ASSERT_MSG_EQ(c->FellBack(), false, "MPTCP, no fallback");
        uint32_t expect = m_pm == "fullmesh" ? m_nics : m_subflows;
        NS_TEST_ASSERT_MSG_EQ(c->GetSubflowCount(), expect, "subflows opened");
        // Every subflow carried data.
        for (uint32_t i = 0; i < c->GetSubflowCount(); i++)
        {
            mptcp_conn_stats st;
            InetSocketAddress local(Ipv4Address::GetAny(), 0);
            c->GetSubflowStats(i, st, &local, nullptr);
            NS_TEST_ASSERT_MSG_GT(st.bytes_acked, 0, "subflow " << i << " carried data");
            if (m_pm == "fullmesh")
            {
                NS_TEST_ASSERT_MSG_EQ(local.GetIpv4(), t.client[i], "subflow from NIC " << i);
            }
        }
        Simulator::Destroy();
    }

    std::string m_pm;
    uint32_t m_subflows;
    uint32_t m_nics;
    double m_loss;
    uint32_t m_seed;
};

/**
 * Unchanged BulkSendApplication and PacketSink, choosing their transport by
 * factory name. `clientTid`/`serverTid` name the factories; the MPTCP
 * stack is installed where an MPTCP factory is used, and (coexistence) on
 * the client also when it uses ns-3's TCP.
 */
class BulkSendTestCase : public TestCase
{
  public:
    BulkSendTestCase(std::string clientTid, std::string serverTid, uint32_t subflows,
                     bool expectFallback)
        : TestCase("BulkSend (" + clientTid + ") -> PacketSink (" + serverTid + "), " +
                   std::to_string(subflows) + " subflow(s)"),
          m_clientTid(clientTid),
          m_serverTid(serverTid),
          m_subflows(subflows),
          m_expectFallback(expectFallback)
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(3);
        bool serverMptcp = m_serverTid == "ns3::MptcpSocketFactory";
        Topology t(1, true, serverMptcp, 0.0, 3);
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        Config::SetDefault("ns3::MptcpSocket::PathManager", StringValue("ndiffports"));
        Config::SetDefault("ns3::MptcpSocket::Subflows", UintegerValue(m_subflows));
        const uint64_t total = 3 * 1000 * 1000;
        PacketSinkHelper sinkHelper(m_serverTid, InetSocketAddress(Ipv4Address::GetAny(), 9));
        ApplicationContainer sinkApp = sinkHelper.Install(t.S());
        BulkSendHelper bulk(m_clientTid, InetSocketAddress(t.server, 9));
        bulk.SetAttribute("MaxBytes", UintegerValue(total));
        ApplicationContainer bulkApp = bulk.Install(t.C());
        sinkApp.Start(Seconds(0));
        bulkApp.Start(Seconds(0.2));
        Simulator::Stop(Seconds(30));
        Simulator::Run();

        Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkApp.Get(0));
        NS_TEST_ASSERT_MSG_EQ(sink->GetTotalRx(), total, "PacketSink got every byte");
        Ptr<Socket> s = DynamicCast<BulkSendApplication>(bulkApp.Get(0))->GetSocket();
        Ptr<MptcpSocket> ms = DynamicCast<MptcpSocket>(s);
        if (ms)
        {
            NS_TEST_ASSERT_MSG_EQ(ms->FellBack(), m_expectFallback, "fallback as expected");
            uint32_t expect = m_expectFallback ? 1 : m_subflows;
            NS_TEST_ASSERT_MSG_EQ(ms->GetSubflowCount(), expect, "subflows");
            mptcp_conn_stats st;
            ms->GetStats(st);
            // bytes_acked adds up the subflows': data reinjected after a
            // subflow's timeout is acknowledged on two of them
            NS_TEST_ASSERT_MSG_GT_OR_EQ(st.bytes_acked, total, "all data acknowledged");
            NS_TEST_ASSERT_MSG_EQ(st.snd_buffered, 0, "nothing unacknowledged at the data level");
            if (m_expectFallback)
            {
                // ns-3's TcpSocketBase sends no MSS option: the segments are
                // SegmentSize, as between two ns-3 TCPs, not RFC 9293's 536.
                NS_TEST_ASSERT_MSG_EQ(st.mss, 1448, "send MSS after fallback");
            }
        }
        Ptr<MptcpL4Protocol> cl4 = t.C()->GetObject<MptcpL4Protocol>();
        if (m_expectFallback)
        {
            NS_TEST_ASSERT_MSG_GT(cl4->GetCounter(MPTCP_MIB_FALLBACK), 0, "fallback counted");
        }
        Config::Reset();
        Simulator::Destroy();
    }

    std::string m_clientTid;
    std::string m_serverTid;
    uint32_t m_subflows;
    bool m_expectFallback;
};

/**
 * Algorithm names are checked against the core's registry when the
 * attribute is set: an unknown one ("LIA", "foo") is refused and the value
 * in place stays; every registered name is accepted. A configuration the
 * core refuses otherwise (a value out of range) is reported by CheckConfig
 * (Connect and Listen stop the simulation with that message: checked in a
 * separate process by ns3.scenario_config).
 */
class BadAttributeTestCase : public TestCase
{
  public:
    BadAttributeTestCase()
        : TestCase("algorithm names checked by the core's registry when set")
    {
    }

  private:
    void Names(Ptr<Socket> s, const std::string& attr, int kind)
    {
        const char* n;
        unsigned count = 0;
        for (unsigned i = 0; (n = mptcp_algo_name(kind, i)); i++, count++)
        {
            NS_TEST_ASSERT_MSG_EQ(s->SetAttributeFailSafe(attr, StringValue(n)), true,
                                  attr << " accepts " << n);
        }
        NS_TEST_ASSERT_MSG_GT(count, 1u, attr << ": registry listed");
        for (const char* bad : {"foo", "", "LIA", "MinRtt", "Default", "cubic,lia"})
        {
            StringValue before;
            s->GetAttribute(attr, before);
            NS_TEST_ASSERT_MSG_EQ(s->SetAttributeFailSafe(attr, StringValue(bad)), false,
                                  attr << " refuses \"" << bad << "\"");
            StringValue after;
            s->GetAttribute(attr, after);
            NS_TEST_ASSERT_MSG_EQ(after.Get(), before.Get(), attr << " unchanged");
        }
        NS_TEST_ASSERT_MSG_EQ(
            Config::SetDefaultFailSafe("ns3::MptcpSocket::" + attr, StringValue("foo")),
            false,
            "Config::SetDefault refuses it too");
    }

    void DoRun() override
    {
        Topology t(1, true, true, 0.0, 1);
        Ptr<Socket> s = Socket::CreateSocket(t.C(), MptcpSocketFactory_Tid());
        Names(s, "CongestionControl", MPTCP_ALGO_CC);
        Names(s, "TcpCongestionControl", MPTCP_ALGO_TCP_CC);
        Names(s, "Scheduler", MPTCP_ALGO_SCHED);
        Names(s, "PathManager", MPTCP_ALGO_PM);
        // ns-3's TypeIds of Reno and CUBIC name the same algorithms
        for (const char* alias : {"ns3::TcpNewReno", "ns3::TcpLinuxReno", "ns3::TcpCubic"})
        {
            NS_TEST_ASSERT_MSG_EQ(s->SetAttributeFailSafe("CongestionControl", StringValue(alias)),
                                  true,
                                  alias);
        }
        // a coupled algorithm cannot be the plain-TCP one
        for (const char* coupled : {"lia", "olia", "balia", "wvegas", "ns3::TcpBbr"})
        {
            NS_TEST_ASSERT_MSG_EQ(
                s->SetAttributeFailSafe("TcpCongestionControl", StringValue(coupled)),
                false,
                coupled);
        }
        // out of range: refused by the core, with the reason
        s->SetAttribute("MaxRto", TimeValue(MilliSeconds(1)));
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(DynamicCast<MptcpSocket>(s)->CheckConfig(why), false, "invalid");
        NS_TEST_ASSERT_MSG_NE(why.find("MinRto <= MaxRto"), std::string::npos, why);
        Simulator::Destroy();
    }

    static TypeId MptcpSocketFactory_Tid()
    {
        return TypeId::LookupByName("ns3::MptcpSocketFactory");
    }
};

/**
 * RFC 6356: MPTCP's congestion control defaults to the coupled LIA; a plain
 * TCP connection runs CUBIC (TcpCongestionControl). The core picks between
 * them per connection (loop.default_cc checks the runs).
 */
class DefaultCcTestCase : public TestCase
{
  public:
    DefaultCcTestCase()
        : TestCase("defaults: CongestionControl lia, TcpCongestionControl cubic")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<MptcpSocket> s = CreateObject<MptcpSocket>();
        StringValue cc;
        StringValue tcpCc;
        s->GetAttribute("CongestionControl", cc);
        s->GetAttribute("TcpCongestionControl", tcpCc);
        NS_TEST_ASSERT_MSG_EQ(cc.Get(), "lia", "MPTCP default");
        NS_TEST_ASSERT_MSG_EQ(tcpCc.Get(), "cubic", "plain TCP default");
        NS_TEST_ASSERT_MSG_EQ(mptcp_cc_is_coupled("lia"), 1, "lia is coupled");
        NS_TEST_ASSERT_MSG_EQ(mptcp_cc_is_coupled("cubic"), 0, "cubic is not");
    }
};

/**
 * MptcpStackHelper::Install gives every TCP created afterwards Linux's
 * 40 ms delayed-ACK timeout instead of ns-3's 200 ms, unless the program
 * set its own value or turned it off.
 */
class DelayedAckDefaultTestCase : public TestCase
{
  public:
    DelayedAckDefaultTestCase()
        : TestCase("MptcpStackHelper: 40 ms delayed ACK for both TCPs unless set")
    {
    }

  private:
    Time Current(Ptr<Node> n, const std::string& factory)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, TypeId::LookupByName(factory));
        TimeValue v;
        s->GetAttribute("DelAckTimeout", v);
        return v.Get();
    }

    Time InstallOnFresh(bool enable)
    {
        NodeContainer n(1);
        InternetStackHelper internet;
        internet.Install(n);
        MptcpStackHelper mptcp;
        mptcp.SetLinuxDelayedAck(enable);
        mptcp.Install(n);
        Time a = Current(n.Get(0), "ns3::TcpSocketFactory");
        Time b = Current(n.Get(0), "ns3::MptcpSocketFactory");
        NS_TEST_EXPECT_MSG_EQ(a, b, "both TCPs read the same default");
        return b;
    }

    void DoRun() override
    {
        Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(200)));
        NS_TEST_ASSERT_MSG_EQ(InstallOnFresh(false), MilliSeconds(200), "off: ns-3's 200 ms");
        NS_TEST_ASSERT_MSG_EQ(InstallOnFresh(true), MilliSeconds(40), "Linux's 40 ms");
        Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(100)));
        NS_TEST_ASSERT_MSG_EQ(InstallOnFresh(true), MilliSeconds(100), "the program's value");
        Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
        Simulator::Destroy();
    }
};

/**
 * Multi-homing with static routing only (no global routing): two parallel
 * point-to-point links between C and S, each /24 its own. The fullmesh
 * subflow from C's second address must leave by C's second NIC.
 */
class StaticRoutingFullmeshTestCase : public TestCase
{
  public:
    StaticRoutingFullmeshTestCase()
        : TestCase("fullmesh over two NICs with static routing: each subflow leaves by its "
                   "own NIC")
    {
    }

  private:
    static void CountTx(uint64_t* n, Ptr<const Packet> p)
    {
        if (p->GetSize() > 500)
        {
            (*n)++;
        }
    }

    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(8);
        NodeContainer nodes;
        nodes.Create(2);
        InternetStackHelper internet;
        internet.SetRoutingHelper(Ipv4StaticRoutingHelper());
        internet.Install(nodes);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        link.SetChannelAttribute("Delay", StringValue("5ms"));
        Ipv4AddressHelper ip;
        NetDeviceContainer d1 = link.Install(nodes);
        ip.SetBase("10.7.1.0", "255.255.255.0");
        Ipv4InterfaceContainer i1 = ip.Assign(d1);
        NetDeviceContainer d2 = link.Install(nodes);
        ip.SetBase("10.7.2.0", "255.255.255.0");
        Ipv4InterfaceContainer i2 = ip.Assign(d2);
        MptcpStackHelper mptcp;
        mptcp.Install(nodes);
        uint64_t tx1 = 0;
        uint64_t tx2 = 0;
        d1.Get(0)->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&CountTx, &tx1));
        d2.Get(0)->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&CountTx, &tx2));

        TypeId tid = TypeId::LookupByName("ns3::MptcpSocketFactory");
        Ptr<Socket> listener = Socket::CreateSocket(nodes.Get(1), tid);
        listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 7000));
        listener->Listen();
        PatternSink sink(listener);
        Ptr<Socket> client = Socket::CreateSocket(nodes.Get(0), tid);
        client->SetAttribute("PathManager", StringValue("fullmesh"));
        const uint64_t total = 1024 * 1024;
        PatternSender sender(client, total);
        Ipv4Address server = i1.GetAddress(1);
        Simulator::Schedule(Seconds(0.1), [client, server]() {
            client->Connect(InetSocketAddress(server, 7000));
        });
        Simulator::Stop(Seconds(30));
        Simulator::Run();

        Ptr<MptcpSocket> c = DynamicCast<MptcpSocket>(client);
        NS_TEST_ASSERT_MSG_EQ(sink.m_received, total, "every byte delivered");
        NS_TEST_ASSERT_MSG_EQ(sink.m_errors, 0, "byte-exact");
        // fullmesh: one subflow per local x remote address pair; S announces
        // its second address (ADD_ADDR), so 2 x 2.
        NS_TEST_ASSERT_MSG_EQ(c->GetSubflowCount(), 4, "one subflow per address pair");
        std::set<std::pair<uint32_t, uint32_t>> pairs;
        uint64_t fromNic2 = 0;
        for (uint32_t i = 0; i < c->GetSubflowCount(); i++)
        {
            mptcp_conn_stats st;
            InetSocketAddress local(Ipv4Address::GetAny(), 0);
            InetSocketAddress remote(Ipv4Address::GetAny(), 0);
            c->GetSubflowStats(i, st, &local, &remote);
            pairs.emplace(local.GetIpv4().Get(), remote.GetIpv4().Get());
            if (local.GetIpv4() == i2.GetAddress(0))
            {
                fromNic2 += st.bytes_acked;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(pairs.size(), 4, "every address pair once");
        NS_TEST_ASSERT_MSG_GT(fromNic2, 100000, "subflows from NIC 2 carried data");
        // Data segments left by both NICs, in proportion to what each
        // subflow carried.
        NS_TEST_ASSERT_MSG_GT(tx1, 50, "data on NIC 1");
        NS_TEST_ASSERT_MSG_GT(tx2, 50, "data on NIC 2");
        Simulator::Destroy();
    }
};

/**
 * A two-homed client C on two shared access networks (a SimpleChannel each,
 * not point-to-point), each with its own access point AP_i; both access
 * points reach the server S through a router R:
 *
 *   C NIC 0 ~~ AP_0 --\
 *                      R -- S
 *   C NIC 1 ~~ AP_1 --/
 *
 * NIC 1 has the higher routing metric. Global routing keeps one next hop
 * from C to S (through AP_0), so without pinned routes
 * both fullmesh subflows leave by the same NIC: the subflow statistics say
 * so and MptcpStackHelper::CheckDisjointSubflows warns. With a route pinned
 * per NIC (MptcpStackHelper::PinRoute) each subflow leaves by the NIC of
 * its own address and nothing is reported.
 */
class AccessPointRoutingTestCase : public TestCase
{
  public:
    explicit AccessPointRoutingTestCase(bool pin)
        : TestCase(std::string("two-homed host behind two access points, global routing, ") +
                   (pin ? "pinned routes: one NIC per subflow"
                        : "no pinned routes: one NIC for both subflows, warned")),
          m_pin(pin)
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(4);
        NodeContainer n;
        n.Create(5); // C, AP_0, AP_1, R, S
        Ptr<Node> c = n.Get(0);
        Ptr<Node> s = n.Get(4);
        InternetStackHelper internet;
        internet.Install(n);
        Ipv4AddressHelper ip;
        std::vector<Ptr<NetDevice>> nic;
        std::vector<Ipv4Address> local;
        std::vector<Ipv4Address> ap;
        for (uint32_t i = 0; i < 2; i++)
        {
            Ptr<SimpleChannel> ch = CreateObject<SimpleChannel>();
            ch->SetAttribute("Delay", TimeValue(MilliSeconds(2)));
            NetDeviceContainer d;
            for (Ptr<Node> node : {c, n.Get(1 + i)})
            {
                Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
                dev->SetAddress(Mac48Address::Allocate());
                dev->SetAttribute("DataRate", DataRateValue(DataRate("10Mbps")));
                dev->SetChannel(ch);
                node->AddDevice(dev);
                d.Add(dev);
            }
            std::ostringstream net;
            net << "10.30." << i + 1 << ".0";
            ip.SetBase(net.str().c_str(), "255.255.255.0");
            Ipv4InterfaceContainer ifs = ip.Assign(d);
            nic.push_back(d.Get(0));
            local.push_back(ifs.GetAddress(0));
            ap.push_back(ifs.GetAddress(1));
        }
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
        link.SetChannelAttribute("Delay", StringValue("2ms"));
        const char* nets[] = {"10.40.1.0", "10.40.2.0", "10.40.3.0"};
        const std::pair<uint32_t, uint32_t> links[] = {{1, 3}, {2, 3}, {3, 4}};
        Ipv4Address server;
        for (uint32_t k = 0; k < 3; k++)
        {
            ip.SetBase(nets[k], "255.255.255.0");
            Ipv4InterfaceContainer ifs =
                ip.Assign(link.Install(n.Get(links[k].first), n.Get(links[k].second)));
            server = ifs.GetAddress(1); // the last one: R -- S
        }
        // NIC 1 costs more: the shortest path to S is through AP_0 only.
        Ptr<Ipv4> cIp = c->GetObject<Ipv4>();
        cIp->SetMetric(static_cast<uint32_t>(cIp->GetInterfaceForDevice(nic[1])), 10);
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        if (m_pin)
        {
            for (uint32_t i = 0; i < 2; i++)
            {
                MptcpStackHelper::PinRoute(c, nic[i], ap[i], server, Ipv4Mask("255.255.255.255"));
            }
        }
        MptcpStackHelper mptcp;
        mptcp.Install(NodeContainer(c, s));

        TypeId tid = TypeId::LookupByName("ns3::MptcpSocketFactory");
        Ptr<Socket> listener = Socket::CreateSocket(s, tid);
        listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 7000));
        listener->Listen();
        PatternSink sink(listener);
        Ptr<Socket> client = Socket::CreateSocket(c, tid);
        client->SetAttribute("PathManager", StringValue("fullmesh"));
        const uint64_t total = 512 * 1024;
        PatternSender sender(client, total);
        Simulator::Schedule(Seconds(0.1), [client, server]() {
            client->Bind(InetSocketAddress(Ipv4Address::GetAny(), 0));
            client->Connect(InetSocketAddress(server, 7000));
        });
        Simulator::Stop(Seconds(20));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(sink.m_received, total, "every byte delivered");
        NS_TEST_ASSERT_MSG_EQ(sink.m_errors, 0, "byte-exact");
        Ptr<MptcpSocket> ms = DynamicCast<MptcpSocket>(client);
        NS_TEST_ASSERT_MSG_EQ(ms->GetSubflowCount(), 2, "one subflow per client address");
        Ptr<Ipv4> ipv4 = c->GetObject<Ipv4>();
        std::set<int32_t> used;
        for (uint32_t i = 0; i < ms->GetSubflowCount(); i++)
        {
            MptcpSocket::SubflowInfo info;
            NS_TEST_ASSERT_MSG_EQ(ms->GetSubflowStats(i, info), true, "stats");
            InetSocketAddress l = InetSocketAddress::ConvertFrom(info.local);
            InetSocketAddress r = InetSocketAddress::ConvertFrom(info.remote);
            NS_TEST_ASSERT_MSG_EQ(r.GetIpv4(), server, "remote address");
            NS_TEST_ASSERT_MSG_GT(info.interface, 0, "an interface (not loopback)");
            NS_TEST_ASSERT_MSG_EQ(info.device, ipv4->GetNetDevice(info.interface), "its device");
            if (m_pin)
            {
                NS_TEST_ASSERT_MSG_EQ(info.interface, ipv4->GetInterfaceForAddress(l.GetIpv4()),
                                      "the subflow leaves by the NIC of its address");
            }
            used.insert(info.interface);
        }
        std::vector<std::string> warnings = MptcpStackHelper::CheckDisjointSubflows(ms);
        for (const auto& w : warnings)
        {
            std::cout << "    warning: " << w << "\n";
        }
        if (m_pin)
        {
            NS_TEST_ASSERT_MSG_EQ(used.size(), 2, "two NICs");
            NS_TEST_ASSERT_MSG_EQ(warnings.size(), 0, "nothing to report");
        }
        else
        {
            NS_TEST_ASSERT_MSG_EQ(used.size(), 1, "global routing alone: one NIC");
            NS_TEST_ASSERT_MSG_EQ(warnings.size(), 1, "warned");
            NS_TEST_ASSERT_MSG_NE(warnings.empty() ? std::string::npos
                                                   : warnings[0].find("PinRoute"),
                                  std::string::npos,
                                  "the warning says what to do");
        }
        Simulator::Destroy();
    }

    bool m_pin; //!< pin a route per NIC
};

/**
 * IPv6 (with IPv4 alongside) between a client C and a server S: `nics`
 * parallel point-to-point links, either straight from C to S or from C to
 * a router R that has one link to S. Each link has its own /64 (2001:N::; ns-3 does not forward the
 * documentation prefix 2001:db8::/32)
 * and /24; IPv6 routes are static: C's and S's default routes point at R,
 * which forwards.
 */
struct Topology6
{
    NodeContainer nodes;               //!< C, S (and R)
    std::vector<Ipv6Address> client;   //!< C's global addresses, one per link
    std::vector<Ipv6Address> server;   //!< S's global addresses, one per link
    Ipv4Address server4;               //!< S's first IPv4 address
    std::vector<NetDeviceContainer> clientLinks; //!< C's links (C's device first)

    Ptr<Node> C() const
    {
        return nodes.Get(0);
    }

    Ptr<Node> S() const
    {
        return nodes.Get(1);
    }

    Topology6(uint32_t nics, bool router)
    {
        nodes.Create(router ? 3 : 2);
        InternetStackHelper internet;
        internet.Install(nodes);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        link.SetChannelAttribute("Delay", StringValue("5ms"));
        Ipv4AddressHelper ip4;
        Ipv6AddressHelper ip6;
        Ptr<Node> peer = router ? nodes.Get(2) : S();
        uint32_t net = 1;
        for (uint32_t i = 0; i < nics; i++, net++)
        {
            NetDeviceContainer d = link.Install(C(), peer);
            clientLinks.push_back(d);
            std::ostringstream n4;
            n4 << "10.6." << net << ".0";
            ip4.SetBase(n4.str().c_str(), "255.255.255.0");
            Ipv4InterfaceContainer i4 = ip4.Assign(d);
            std::ostringstream n6;
            n6 << "2001:" << net << "::"; // not 2001:db8::/32: ns-3 routers drop it
            ip6.SetBase(Ipv6Address(n6.str().c_str()), Ipv6Prefix(64));
            Ipv6InterfaceContainer i6 = ip6.Assign(d);
            client.push_back(i6.GetAddress(0, 1)); // 0 is the link-local one
            if (router)
            {
                i6.SetForwarding(1, true);
                if (i == 0)
                {
                    i6.SetDefaultRouteInAllNodes(1);
                }
            }
            else
            {
                server.push_back(i6.GetAddress(1, 1));
                if (i == 0)
                {
                    server4 = i4.GetAddress(1);
                }
            }
        }
        if (router)
        {
            NetDeviceContainer d = link.Install(peer, S());
            std::ostringstream n4;
            n4 << "10.6." << net << ".0";
            ip4.SetBase(n4.str().c_str(), "255.255.255.0");
            server4 = ip4.Assign(d).GetAddress(1);
            std::ostringstream n6;
            n6 << "2001:" << net << "::"; // not 2001:db8::/32: ns-3 routers drop it
            ip6.SetBase(Ipv6Address(n6.str().c_str()), Ipv6Prefix(64));
            Ipv6InterfaceContainer i6 = ip6.Assign(d);
            i6.SetForwarding(0, true);
            i6.SetDefaultRouteInAllNodes(0);
            server.push_back(i6.GetAddress(1, 1));
        }
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        MptcpStackHelper mptcp;
        mptcp.Install(C());
        mptcp.Install(S());
    }
};

void
CountSegment6(uint64_t* n, Ptr<const Packet>, Ipv6Address, Ipv6Address)
{
    (*n)++;
}

void
NoteFrom(Address* where, Ptr<const Packet>, const Address& from)
{
    *where = from;
}

void
CountSegment4(uint64_t* n, Ptr<const Packet>, Ipv4Address, Ipv4Address)
{
    (*n)++;
}

/**
 * Byte-exact MPTCP transfer over IPv6: ndiffports through a router, or
 * fullmesh over two parallel links (one subflow per address pair, each
 * leaving by the NIC of its source address).
 */
class Ipv6PatternTransferTestCase : public TestCase
{
  public:
    Ipv6PatternTransferTestCase(std::string pm, uint32_t nics, bool router)
        : TestCase("IPv6 pattern transfer, pm " + pm + ", " + std::to_string(nics) +
                   " link(s)" + (router ? " via a router" : " direct")),
          m_pm(pm),
          m_nics(nics),
          m_router(router)
    {
    }

  private:
    static void CountData(uint64_t* n, Ptr<const Packet> p)
    {
        if (p->GetSize() > 500)
        {
            (*n)++;
        }
    }

    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(11);
        Topology6 t(m_nics, m_router);
        std::vector<uint64_t> tx(m_nics, 0);
        for (uint32_t i = 0; i < m_nics; i++)
        {
            t.clientLinks[i].Get(0)->TraceConnectWithoutContext(
                "PhyTxEnd",
                MakeBoundCallback(&CountData, &tx[i]));
        }
        uint64_t tx6 = 0;
        uint64_t tx4 = 0;
        uint64_t rx6 = 0;
        Ptr<MptcpL4Protocol> cl4 = t.C()->GetObject<MptcpL4Protocol>();
        cl4->TraceConnectWithoutContext("Tx6", MakeBoundCallback(&CountSegment6, &tx6));
        cl4->TraceConnectWithoutContext("Tx", MakeBoundCallback(&CountSegment4, &tx4));
        cl4->TraceConnectWithoutContext("Rx6", MakeBoundCallback(&CountSegment6, &rx6));

        TypeId tid = TypeId::LookupByName("ns3::MptcpSocketFactory");
        Ptr<Socket> listener = Socket::CreateSocket(t.S(), tid);
        NS_TEST_ASSERT_MSG_EQ(listener->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), 5000)),
                              0,
                              "bind");
        NS_TEST_ASSERT_MSG_EQ(listener->Listen(), 0, "listen");
        PatternSink sink(listener);
        Ptr<Socket> client = Socket::CreateSocket(t.C(), tid);
        client->SetAttribute("PathManager", StringValue(m_pm));
        client->SetAttribute("Subflows", UintegerValue(2));
        client->SetAttribute("SegmentSize", UintegerValue(1400));
        const uint64_t total = 1024 * 1024 + 4321;
        PatternSender sender(client, total);
        Ipv6Address server = t.server[0];
        // Past duplicate address detection of the addresses.
        Simulator::Schedule(Seconds(2), [client, server]() {
            client->Bind6();
            client->Connect(Inet6SocketAddress(server, 5000));
        });
        Simulator::Stop(Seconds(60));
        Simulator::Run();

        Ptr<MptcpSocket> c = DynamicCast<MptcpSocket>(client);
        NS_TEST_ASSERT_MSG_EQ(sink.m_received, total, "every byte delivered");
        NS_TEST_ASSERT_MSG_EQ(sink.m_errors, 0, "every byte equal to the pattern");
        NS_TEST_ASSERT_MSG_EQ(sink.m_closed, true, "closed normally");
        NS_TEST_ASSERT_MSG_EQ(c->FellBack(), false, "MPTCP, no fallback");
        const uint32_t expect = m_pm == "fullmesh" ? m_nics * m_nics : 2;
        NS_TEST_ASSERT_MSG_EQ(c->GetSubflowCount(), expect, "subflows opened");
        std::set<std::pair<Ipv6Address, Ipv6Address>> pairs;
        std::vector<uint64_t> fromNic(m_nics, 0);
        for (uint32_t i = 0; i < c->GetSubflowCount(); i++)
        {
            mptcp_conn_stats st;
            Address local;
            Address remote;
            NS_TEST_ASSERT_MSG_EQ(c->GetSubflowStats(i, st, local, remote), true, "stats");
            NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(local), true, "IPv6 local");
            NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(remote), true, "IPv6 peer");
            Ipv6Address l = Inet6SocketAddress::ConvertFrom(local).GetIpv6();
            pairs.emplace(l, Inet6SocketAddress::ConvertFrom(remote).GetIpv6());
            for (uint32_t k = 0; k < m_nics; k++)
            {
                if (l == t.client[k])
                {
                    fromNic[k] += st.bytes_acked;
                }
            }
            if (m_pm != "fullmesh")
            {
                // ndiffports: every subflow is up from the start.
                NS_TEST_ASSERT_MSG_GT(st.bytes_acked, 0, "subflow " << i << " carried data");
            }
        }
        const size_t expectPairs = m_pm == "fullmesh" ? expect : 1;
        NS_TEST_ASSERT_MSG_EQ(pairs.size(), expectPairs, "address pairs");
        NS_TEST_ASSERT_MSG_EQ(pairs.count({t.client[0], t.server[0]}), 1, "initial pair");
        for (uint32_t k = 0; k < m_nics; k++)
        {
            NS_TEST_ASSERT_MSG_GT(fromNic[k],
                                  100000,
                                  "subflows from address " << k << " carried data");
        }
        for (uint32_t i = 0; i < m_nics; i++)
        {
            NS_TEST_ASSERT_MSG_GT(tx[i], 50, "data segments left by NIC " << i);
        }
        Address name;
        client->GetSockName(name);
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(name), true, "IPv6 sockname");
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::ConvertFrom(name).GetIpv6(),
                              t.client[0],
                              "bound to the routed source");
        NS_TEST_ASSERT_MSG_NE(sink.m_accepted, nullptr, "accepted");
        sink.m_accepted->GetPeerName(name);
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(name), true, "IPv6 child peer");
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::ConvertFrom(name).GetIpv6(),
                              t.client[0],
                              "child's peer is the client");
        NS_TEST_ASSERT_MSG_GT(tx6, 700, "IPv6 segments traced (Tx6)");
        NS_TEST_ASSERT_MSG_GT(rx6, 300, "IPv6 segments traced (Rx6)");
        NS_TEST_ASSERT_MSG_EQ(tx4, 0, "no IPv4 segment");
        NS_TEST_ASSERT_MSG_EQ(cl4->GetNoRouteDrops(), 0, "no segment without a route");
        Simulator::Destroy();
    }

    std::string m_pm;
    uint32_t m_nics;
    bool m_router;
};

/**
 * Unchanged BulkSendApplication and PacketSink over IPv6 between two MPTCP
 * nodes: MPTCP to MPTCP, ns-3 TCP to an MPTCP server (which runs plain
 * TCP), MPTCP to an ns-3 TCP server (fallback).
 */
class Ipv6BulkSendTestCase : public TestCase
{
  public:
    Ipv6BulkSendTestCase(std::string clientTid, std::string serverTid, bool expectFallback)
        : TestCase("IPv6 BulkSend (" + clientTid + ") -> PacketSink (" + serverTid + ")"),
          m_clientTid(clientTid),
          m_serverTid(serverTid),
          m_expectFallback(expectFallback)
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(12);
        Topology6 t(1, true);
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1400));
        Config::SetDefault("ns3::MptcpSocket::PathManager", StringValue("ndiffports"));
        Config::SetDefault("ns3::MptcpSocket::Subflows", UintegerValue(2));
        const uint64_t total = 2 * 1000 * 1000;
        PacketSinkHelper sinkHelper(m_serverTid, Inet6SocketAddress(Ipv6Address::GetAny(), 9));
        ApplicationContainer sinkApp = sinkHelper.Install(t.S());
        Address from;
        sinkApp.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&NoteFrom, &from));
        BulkSendHelper bulk(m_clientTid, Inet6SocketAddress(t.server[0], 9));
        bulk.SetAttribute("MaxBytes", UintegerValue(total));
        ApplicationContainer bulkApp = bulk.Install(t.C());
        sinkApp.Start(Seconds(0));
        bulkApp.Start(Seconds(2));
        Simulator::Stop(Seconds(30));
        Simulator::Run();

        Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkApp.Get(0));
        NS_TEST_ASSERT_MSG_EQ(sink->GetTotalRx(), total, "PacketSink got every byte");
        Ptr<Socket> s = DynamicCast<BulkSendApplication>(bulkApp.Get(0))->GetSocket();
        Ptr<MptcpSocket> ms = DynamicCast<MptcpSocket>(s);
        if (ms)
        {
            NS_TEST_ASSERT_MSG_EQ(ms->FellBack(), m_expectFallback, "fallback as expected");
            const uint32_t expect = m_expectFallback ? 1 : 2;
            NS_TEST_ASSERT_MSG_EQ(ms->GetSubflowCount(), expect, "subflows");
            mptcp_conn_stats st;
            ms->GetStats(st);
            NS_TEST_ASSERT_MSG_EQ(st.bytes_acked, total, "all data acknowledged");
        }
        else
        {
            NS_TEST_ASSERT_MSG_NE(DynamicCast<TcpSocketBase>(s), nullptr, "ns-3 TCP client");
        }
        NS_TEST_ASSERT_MSG_EQ(sink->GetAcceptedSockets().size(), 1, "one connection");
        // RecvFrom's address, as the sink saw it.
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(from), true, "IPv6 peer");
        NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::ConvertFrom(from).GetIpv6(),
                              t.client[0],
                              "peer is the client");
        Config::Reset();
        Simulator::Destroy();
    }

    std::string m_clientTid;
    std::string m_serverTid;
    bool m_expectFallback;
};

/**
 * One dual-stack MPTCP server node at once: an MPTCP listener on 0.0.0.0
 * and one on :: share port 10 (each gets only its family), ns-3's TCP
 * listens on [::]:9 next to them; a client node runs an MPTCP client of
 * each family and an ns-3 TCP client over IPv6.
 */
class DualStackTestCase : public TestCase
{
  public:
    DualStackTestCase()
        : TestCase("dual stack: MPTCP over IPv4 and IPv6 on one port, ns-3 TCP over IPv6 "
                   "beside them")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(13);
        Topology6 t(1, false);
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1400));
        Config::SetDefault("ns3::MptcpSocket::PathManager", StringValue("ndiffports"));
        Config::SetDefault("ns3::MptcpSocket::Subflows", UintegerValue(2));
        const uint64_t total = 500 * 1000;
        const std::string mptcp = "ns3::MptcpSocketFactory";
        const std::string tcp = "ns3::TcpSocketFactory";
        PacketSinkHelper sink4(mptcp, InetSocketAddress(Ipv4Address::GetAny(), 10));
        PacketSinkHelper sink6(mptcp, Inet6SocketAddress(Ipv6Address::GetAny(), 10));
        PacketSinkHelper sinkTcp(tcp, Inet6SocketAddress(Ipv6Address::GetAny(), 9));
        ApplicationContainer sinks;
        sinks.Add(sink4.Install(t.S()));
        sinks.Add(sink6.Install(t.S()));
        sinks.Add(sinkTcp.Install(t.S()));
        BulkSendHelper bulk4(mptcp, InetSocketAddress(t.server4, 10));
        BulkSendHelper bulk6(mptcp, Inet6SocketAddress(t.server[0], 10));
        BulkSendHelper bulkTcp(tcp, Inet6SocketAddress(t.server[0], 9));
        ApplicationContainer bulks;
        for (BulkSendHelper* b : {&bulk4, &bulk6, &bulkTcp})
        {
            b->SetAttribute("MaxBytes", UintegerValue(total));
            bulks.Add(b->Install(t.C()));
        }
        sinks.Start(Seconds(0));
        bulks.Start(Seconds(2));
        Simulator::Stop(Seconds(30));
        Simulator::Run();

        const char* names[] = {"MPTCP over IPv4", "MPTCP over IPv6", "ns-3 TCP over IPv6"};
        for (uint32_t i = 0; i < 3; i++)
        {
            Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinks.Get(i));
            NS_TEST_ASSERT_MSG_EQ(sink->GetTotalRx(), total, names[i] << ": every byte");
            NS_TEST_ASSERT_MSG_EQ(sink->GetAcceptedSockets().size(), 1, names[i] << ": one peer");
        }
        for (uint32_t i = 0; i < 2; i++)
        {
            Ptr<Socket> s = DynamicCast<BulkSendApplication>(bulks.Get(i))->GetSocket();
            Ptr<MptcpSocket> ms = DynamicCast<MptcpSocket>(s);
            NS_TEST_ASSERT_MSG_NE(ms, nullptr, "MPTCP client");
            NS_TEST_ASSERT_MSG_EQ(ms->FellBack(), false, names[i] << ": MPTCP");
            NS_TEST_ASSERT_MSG_EQ(ms->GetSubflowCount(), 2, names[i] << ": subflows");
            Address peer;
            ms->GetPeerName(peer);
            const bool v6 = i == 1;
            NS_TEST_ASSERT_MSG_EQ(Inet6SocketAddress::IsMatchingType(peer), v6, "family");
        }
        Ptr<Socket> s4 = DynamicCast<PacketSink>(sinks.Get(0))->GetAcceptedSockets().front();
        Address from;
        s4->GetPeerName(from);
        NS_TEST_ASSERT_MSG_EQ(InetSocketAddress::IsMatchingType(from), true, "IPv4 child");
        Config::Reset();
        Simulator::Destroy();
    }
};

class MptcpSocketTestSuite : public TestSuite
{
  public:
    MptcpSocketTestSuite()
        : TestSuite("mptcp-socket", TestSuite::Type::UNIT)
    {
        AddTestCase(new PatternTransferTestCase("ndiffports", 1, 1, 0.0, 1));
        AddTestCase(new PatternTransferTestCase("ndiffports", 2, 1, 0.0, 2));
        AddTestCase(new PatternTransferTestCase("ndiffports", 4, 1, 0.0, 3));
        AddTestCase(new PatternTransferTestCase("ndiffports", 2, 1, 0.01, 4));
        AddTestCase(new PatternTransferTestCase("ndiffports", 4, 1, 0.02, 5));
        AddTestCase(new PatternTransferTestCase("fullmesh", 2, 2, 0.0, 6));
        AddTestCase(new PatternTransferTestCase("fullmesh", 2, 2, 0.01, 7));
        AddTestCase(new BulkSendTestCase("ns3::MptcpSocketFactory", "ns3::MptcpSocketFactory",
                                         1, false));
        AddTestCase(new BulkSendTestCase("ns3::MptcpSocketFactory", "ns3::MptcpSocketFactory",
                                         2, false));
        AddTestCase(new BulkSendTestCase("ns3::MptcpSocketFactory", "ns3::MptcpSocketFactory",
                                         4, false));
        // Interoperation with an independent TCP, both directions.
        AddTestCase(new BulkSendTestCase("ns3::MptcpSocketFactory", "ns3::TcpSocketFactory", 2,
                                         true));
        AddTestCase(
            new BulkSendTestCase("ns3::TcpSocketFactory", "ns3::MptcpSocketFactory", 2, false));
        AddTestCase(new BadAttributeTestCase());
        AddTestCase(new DefaultCcTestCase());
        AddTestCase(new DelayedAckDefaultTestCase());
        AddTestCase(new StaticRoutingFullmeshTestCase());
        AddTestCase(new AccessPointRoutingTestCase(false));
        AddTestCase(new AccessPointRoutingTestCase(true));
        AddTestCase(new Ipv6PatternTransferTestCase("ndiffports", 1, true));
        AddTestCase(new Ipv6PatternTransferTestCase("fullmesh", 2, false));
        AddTestCase(new Ipv6BulkSendTestCase("ns3::MptcpSocketFactory",
                                             "ns3::MptcpSocketFactory",
                                             false));
        AddTestCase(new Ipv6BulkSendTestCase("ns3::TcpSocketFactory",
                                             "ns3::MptcpSocketFactory",
                                             false));
        AddTestCase(new Ipv6BulkSendTestCase("ns3::MptcpSocketFactory",
                                             "ns3::TcpSocketFactory",
                                             true));
        AddTestCase(new Ipv6BulkSendTestCase("ns3::TcpSocketFactory",
                                             "ns3::TcpSocketFactory",
                                             false));
        AddTestCase(new DualStackTestCase());
    }
};

MptcpSocketTestSuite g_mptcpSocketTestSuite;

} // namespace
