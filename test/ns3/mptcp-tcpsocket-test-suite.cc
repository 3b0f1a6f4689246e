// SPDX-License-Identifier: GPL-2.0-only
/*
 * MptcpSocket against the ns3::TcpSocket contract. TcpNoDelay: a
 * small-write application sees Nagle's algorithm off by default (ns-3's
 * default) and on with TcpNoDelay=false, with the same number of data
 * segments as ns-3's own TCP on the same workload, over MPTCP and over
 * plain TCP (Mptcp=false). InitialSlowStartThreshold and PersistTimeout,
 * which the core has no setting for, are refused unless at their defaults.
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-socket.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <algorithm>
#include <string>

using namespace ns3;

namespace
{

const uint32_t kWrites = 200;    //!< writes of the application
const uint32_t kWriteSize = 100; //!< bytes per write

/** Writes kWrites times kWriteSize bytes, one write per millisecond. */
class SmallWriter
{
  public:
    explicit SmallWriter(Ptr<Socket> s)
        : m_socket(s),
          m_done(0),
          m_refused(0)
    {
    }

    void Write()
    {
        if (m_socket->Send(Create<Packet>(kWriteSize)) != static_cast<int>(kWriteSize))
        {
            m_refused++;
        }
        if (++m_done < kWrites)
        {
            Simulator::Schedule(MilliSeconds(1), &SmallWriter::Write, this);
        }
    }

    Ptr<Socket> m_socket;
    uint32_t m_done;
    uint32_t m_refused;
};

/** Counts the TCP segments with payload a point-to-point device sends. */
void
CountData(uint32_t* n, Ptr<const Packet> p)
{
    Ptr<Packet> q = p->Copy();
    PppHeader ppp;
    q->RemoveHeader(ppp);
    Ipv4Header ip;
    q->RemoveHeader(ip);
    if (ip.GetProtocol() != 6)
    {
        return;
    }
    uint8_t th[13];
    if (q->CopyData(th, sizeof(th)) != sizeof(th))
    {
        return;
    }
    uint32_t hlen = (th[12] >> 4) * 4u;
    if (ip.GetPayloadSize() > hlen)
    {
        (*n)++;
    }
}

/**
 * Returns the number of data segments the sender sent for the workload,
 * with socket type `tid` (MptcpSocketFactory or TcpSocketFactory) at both
 * ends; `mptcp` is MptcpSocket's Mptcp attribute.
 */
uint32_t
RunSmallWrites(const std::string& tid, bool noDelay, bool mptcp, uint64_t* received)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    // an ACK for every segment at both TCPs: their delayed-ACK rules
    // differ for short segments, Nagle's algorithm is what is compared
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(1));
    Config::SetDefault("ns3::MptcpSocket::Mptcp", BooleanValue(mptcp));
    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    link.SetChannelAttribute("Delay", StringValue("10ms"));
    NetDeviceContainer d = link.Install(nodes);
    InternetStackHelper internet;
    internet.Install(nodes);
    Ipv4AddressHelper ip;
    ip.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = ip.Assign(d);
    if (tid == "ns3::MptcpSocketFactory")
    {
        MptcpStackHelper().Install(nodes);
    }
    uint32_t segments = 0;
    d.Get(0)->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(&CountData, &segments));

    PacketSinkHelper sinkHelper(tid, InetSocketAddress(Ipv4Address::GetAny(), 9));
    ApplicationContainer sinkApp = sinkHelper.Install(nodes.Get(1));
    sinkApp.Start(Seconds(0));
    Ptr<Socket> s = Socket::CreateSocket(nodes.Get(0), TypeId::LookupByName(tid));
    s->SetAttribute("TcpNoDelay", BooleanValue(noDelay));
    s->Bind();
    // after the nodes are initialised (the traffic-control layer scans its
    // devices then)
    InetSocketAddress to(ifs.GetAddress(1), 9);
    Simulator::Schedule(Seconds(0.5), [s, to]() { s->Connect(to); });
    SmallWriter w(s);
    Simulator::Schedule(Seconds(1), &SmallWriter::Write, &w);
    Simulator::Schedule(Seconds(5), &Socket::Close, s);
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    *received = DynamicCast<PacketSink>(sinkApp.Get(0))->GetTotalRx();
    NS_ABORT_MSG_IF(w.m_refused != 0, "a write was refused");
    Simulator::Destroy();
    Config::Reset();
    return segments;
}

/** One socket type against ns-3's TCP, Nagle off and on. */
class NagleTestCase : public TestCase
{
  public:
    explicit NagleTestCase(bool mptcp)
        : TestCase(std::string("small writes, Nagle off and on, against ns-3 TCP, ") +
                   (mptcp ? "MPTCP" : "Mptcp=false")),
          m_mptcp(mptcp)
    {
    }

  private:
    void DoRun() override
    {
        const uint64_t total = uint64_t{kWrites} * kWriteSize;
        Ptr<MptcpSocket> probe = CreateObject<MptcpSocket>();
        BooleanValue def;
        probe->GetAttribute("TcpNoDelay", def);
        NS_TEST_ASSERT_MSG_EQ(def.Get(), true, "TcpNoDelay is true by default, as ns-3's");
        uint64_t got = 0;
        uint32_t ns3Off = RunSmallWrites("ns3::TcpSocketFactory", true, true, &got);
        NS_TEST_ASSERT_MSG_EQ(got, total, "ns-3 TCP, Nagle off: every byte");
        uint32_t ns3On = RunSmallWrites("ns3::TcpSocketFactory", false, true, &got);
        NS_TEST_ASSERT_MSG_EQ(got, total, "ns-3 TCP, Nagle on: every byte");
        uint32_t off = RunSmallWrites("ns3::MptcpSocketFactory", true, m_mptcp, &got);
        NS_TEST_ASSERT_MSG_EQ(got, total, "MptcpSocket, Nagle off: every byte");
        uint32_t on = RunSmallWrites("ns3::MptcpSocketFactory", false, m_mptcp, &got);
        NS_TEST_ASSERT_MSG_EQ(got, total, "MptcpSocket, Nagle on: every byte");
        std::cout << "data segments for " << kWrites << " writes of " << kWriteSize
                  << " bytes: ns-3 TCP off " << ns3Off << " on " << ns3On << "; MptcpSocket ("
                  << (m_mptcp ? "MPTCP" : "TCP") << ") off " << off << " on " << on << "\n";
        NS_TEST_ASSERT_MSG_EQ(ns3Off, kWrites, "ns-3 TCP without Nagle: a segment per write");
        NS_TEST_ASSERT_MSG_EQ(off, kWrites, "TcpNoDelay=true: a segment per write");
        NS_TEST_ASSERT_MSG_LT(on, kWrites / 4, "TcpNoDelay=false: writes coalesced");
        NS_TEST_ASSERT_MSG_EQ(on, ns3On, "TcpNoDelay=false: as many segments as ns-3 TCP");
    }

    bool m_mptcp;
};

/** InitialSlowStartThreshold and PersistTimeout: defaults accepted, others refused. */
class UnsupportedAttributeTestCase : public TestCase
{
  public:
    UnsupportedAttributeTestCase()
        : TestCase("InitialSlowStartThreshold and PersistTimeout only at their defaults")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<MptcpSocket> s = CreateObject<MptcpSocket>();
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(s->CheckConfig(why), true, "defaults accepted: " + why);
        s->SetAttribute("InitialSlowStartThreshold", UintegerValue(65535));
        NS_TEST_ASSERT_MSG_EQ(s->CheckConfig(why), false, "InitialSlowStartThreshold refused");
        NS_TEST_ASSERT_MSG_NE(why.find("InitialSlowStartThreshold=65535 is not supported"),
                              std::string::npos,
                              "the reason names it: " + why);
        s->SetAttribute("InitialSlowStartThreshold", UintegerValue(UINT32_MAX));
        NS_TEST_ASSERT_MSG_EQ(s->CheckConfig(why), true, "back at the default");
        s->SetAttribute("PersistTimeout", TimeValue(Seconds(1)));
        why.clear();
        NS_TEST_ASSERT_MSG_EQ(s->CheckConfig(why), false, "PersistTimeout refused");
        NS_TEST_ASSERT_MSG_NE(why.find("PersistTimeout=+1s is not supported"),
                              std::string::npos,
                              "the reason names it: " + why);
        s->SetAttribute("PersistTimeout", TimeValue(Seconds(6)));
        NS_TEST_ASSERT_MSG_EQ(s->CheckConfig(why), true, "back at the default");
    }
};

/** Counts CongestionWindow changes and keeps the largest value. */
void
CwndChanged(uint32_t* calls, uint32_t* peak, std::string, uint32_t, uint32_t now)
{
    (*calls)++;
    *peak = std::max(*peak, now);
}

/** Counts SlowStartThreshold changes and keeps the last value. */
void
SsthreshChanged(uint32_t* calls, uint32_t* last, std::string, uint32_t, uint32_t now)
{
    (*calls)++;
    *last = now;
}

/** Counts RTT changes and keeps the last value. */
void
RttChanged(uint32_t* calls, Time* last, std::string, Time, Time now)
{
    (*calls)++;
    *last = now;
}

/**
 * Config::Connect through MptcpL4Protocol's SocketList reaches every
 * socket's CongestionWindow, SlowStartThreshold and RTT, as with
 * TcpL4Protocol's SocketList and TcpSocketBase's sources of those names.
 */
class SocketListTestCase : public TestCase
{
  public:
    SocketListTestCase()
        : TestCase("Config paths of SocketList: CongestionWindow, SlowStartThreshold, RTT, "
                   "CongState, SubflowCongState, Tx, Rx")
    {
    }

  private:
    struct Seen
    {
        uint32_t cwndCalls = 0;
        uint32_t cwndPeak = 0;
        uint32_t ssCalls = 0;
        uint32_t ssLast = 0;
        uint32_t rttCalls = 0;
        Time rttLast;
        std::vector<std::pair<int, int>> cong;    //!< CongState (old, new)
        std::vector<std::pair<int, int>> sfCong;  //!< SubflowCongState of subflow 0
        uint64_t txPayload = 0;                   //!< Tx: payload bytes
        uint32_t txMptcp = 0;                     //!< Tx: headers with an MPTCP option
        uint32_t rx = 0;                          //!< Rx: segments
        uint32_t rxAck = 0;                       //!< Rx: segments with ACK
    };

    static void Tx(Seen* seen,
                   std::string,
                   Ptr<const Packet> p,
                   const TcpHeader& h,
                   Ptr<const MptcpSocket> socket)
    {
        seen->txPayload += p->GetSize();
        seen->txMptcp += h.HasOption(30) && socket != nullptr;
    }

    static void Rx(Seen* seen,
                   std::string,
                   Ptr<const Packet>,
                   const TcpHeader& h,
                   Ptr<const MptcpSocket>)
    {
        seen->rx++;
        seen->rxAck += (h.GetFlags() & TcpHeader::ACK) != 0;
    }

    static void CongChanged(std::vector<std::pair<int, int>>* v,
                            std::string,
                            TcpSocketState::TcpCongState_t oldValue,
                            TcpSocketState::TcpCongState_t newValue)
    {
        v->emplace_back(oldValue, newValue);
    }

    static void SubflowCongChanged(std::vector<std::pair<int, int>>* v,
                                   std::string,
                                   uint32_t subflow,
                                   uint64_t oldValue,
                                   uint64_t newValue)
    {
        if (subflow == 0)
        {
            v->emplace_back(static_cast<int>(oldValue), static_cast<int>(newValue));
        }
    }

    static void Hook(Seen* seen)
    {
        const std::string base = "/NodeList/*/$ns3::MptcpL4Protocol/SocketList/*/";
        Config::Connect(base + "CongestionWindow",
                        MakeBoundCallback(&CwndChanged, &seen->cwndCalls, &seen->cwndPeak));
        Config::Connect(base + "SlowStartThreshold",
                        MakeBoundCallback(&SsthreshChanged, &seen->ssCalls, &seen->ssLast));
        Config::Connect(base + "RTT",
                        MakeBoundCallback(&RttChanged, &seen->rttCalls, &seen->rttLast));
        Config::Connect(base + "CongState", MakeBoundCallback(&CongChanged, &seen->cong));
        Config::Connect(base + "SubflowCongState",
                        MakeBoundCallback(&SubflowCongChanged, &seen->sfCong));
        Config::Connect(base + "Tx", MakeBoundCallback(&Tx, seen));
        Config::Connect(base + "Rx", MakeBoundCallback(&Rx, seen));
    }

    void DoRun() override
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        NodeContainer nodes;
        nodes.Create(2);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        link.SetChannelAttribute("Delay", StringValue("10ms"));
        // a queue of 10 packets beside a 17-packet pipe: the window
        // overflows it, and the losses are repaired in fast recovery
        link.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("10p"));
        NetDeviceContainer d = link.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);
        Ipv4AddressHelper ip;
        ip.SetBase("10.1.1.0", "255.255.255.0");
        Ipv4InterfaceContainer ifs = ip.Assign(d);
        MptcpStackHelper().Install(nodes);
        PacketSinkHelper sinkHelper("ns3::MptcpSocketFactory",
                                    InetSocketAddress(Ipv4Address::GetAny(), 9));
        sinkHelper.Install(nodes.Get(1));
        BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(ifs.GetAddress(1), 9));
        bulk.SetAttribute("MaxBytes", UintegerValue(2000000));
        ApplicationContainer app = bulk.Install(nodes.Get(0));
        app.Start(Seconds(0.5));
        Seen seen;
        // the sockets exist once connected: connect the path then
        Simulator::Schedule(Seconds(0.7), &SocketListTestCase::Hook, &seen);
        Simulator::Stop(Seconds(3));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_GT(seen.cwndCalls, 5, "CongestionWindow fired through SocketList");
        NS_TEST_ASSERT_MSG_GT(seen.cwndPeak,
                              10 * 1448,
                              "the window grew past the initial one (largest value)");
        // 2 MB through a 10 Mbit/s link with a 10-packet queue: losses set
        // a finite threshold; the RTT is at least the 20 ms of the path
        NS_TEST_ASSERT_MSG_GT(seen.ssCalls, 0, "SlowStartThreshold fired through SocketList");
        NS_TEST_ASSERT_MSG_GT(seen.rttCalls, 0, "RTT fired through SocketList");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(seen.rttLast, MilliSeconds(20), "RTT at least the path's");
        NS_TEST_ASSERT_MSG_LT(seen.rttLast, Seconds(1), "RTT in range");
        // The losses that set the threshold are repaired in fast recovery:
        // the connection's CongState (one subflow: the subflow's) leaves
        // CA_OPEN for CA_RECOVERY and comes back, each change starting
        // from the state the previous one reached.
        NS_TEST_ASSERT_MSG_GT_OR_EQ(seen.cong.size(), 2, "CongState fired through SocketList");
        if (seen.cong.empty())
        {
            return;
        }
        NS_TEST_ASSERT_MSG_EQ(seen.cong.front().first, TcpSocketState::CA_OPEN, "from CA_OPEN");
        bool recovery = false;
        for (size_t i = 0; i < seen.cong.size(); i++)
        {
            recovery = recovery || seen.cong[i].second == TcpSocketState::CA_RECOVERY;
            NS_TEST_ASSERT_MSG_NE(seen.cong[i].first, seen.cong[i].second, "a change");
            if (i > 0)
            {
                NS_TEST_ASSERT_MSG_EQ(seen.cong[i].first, seen.cong[i - 1].second, "continuous");
            }
        }
        NS_TEST_ASSERT_MSG_EQ(recovery, true, "fast recovery seen");
        // Tx and Rx: every segment of both ends' connections from 0.7 s on,
        // their headers read by ns-3's TcpHeader (MPTCP's DSS as option 30)
        NS_TEST_ASSERT_MSG_GT(seen.txPayload, 1500000, "Tx: the bulk of the 2 MB (and ACKs)");
        NS_TEST_ASSERT_MSG_GT(seen.txMptcp, 1000, "Tx: headers carry MPTCP options");
        NS_TEST_ASSERT_MSG_GT(seen.rx, 1000, "Rx fired");
        NS_TEST_ASSERT_MSG_EQ(seen.rxAck, seen.rx, "Rx: every segment after the SYN has ACK");
        NS_TEST_ASSERT_MSG_EQ(seen.sfCong.size(), seen.cong.size(), "one subflow: the same changes");
        for (size_t i = 0; i < seen.sfCong.size() && i < seen.cong.size(); i++)
        {
            const int map[] = {TcpSocketState::CA_OPEN,
                               TcpSocketState::CA_RECOVERY,
                               TcpSocketState::CA_LOSS};
            NS_TEST_ASSERT_MSG_EQ(map[seen.sfCong[i].second], seen.cong[i].second, "same states");
        }
        Simulator::Destroy();
        Config::Reset();
    }
};

class SubflowListTestCase : public TestCase
{
  public:
    SubflowListTestCase()
        : TestCase("Config paths of SubflowList: each subflow's CongestionWindow, "
                   "SlowStartThreshold, RTT, CongState, BytesInFlight")
    {
    }

  private:
    /** What the sources of one subflow fired. */
    struct Seen
    {
        uint32_t cwndCalls = 0;      //!< CongestionWindow calls
        uint32_t cwndLast = 0;       //!< its last value
        uint32_t ssCalls = 0;        //!< SlowStartThreshold calls
        uint32_t rttCalls = 0;       //!< RTT calls
        Time rttLast;                //!< its last value
        uint32_t recoveries = 0;     //!< CongState changes into CA_RECOVERY
        uint32_t inflightCalls = 0;  //!< BytesInFlight calls
    };

    static void Cwnd(Seen* s, std::string, uint32_t, uint32_t v)
    {
        s->cwndCalls++;
        s->cwndLast = v;
    }

    static void Ss(Seen* s, std::string, uint32_t, uint32_t)
    {
        s->ssCalls++;
    }

    static void Rtt(Seen* s, std::string, Time, Time v)
    {
        s->rttCalls++;
        s->rttLast = v;
    }

    static void Cong(Seen* s,
                     std::string,
                     TcpSocketState::TcpCongState_t,
                     TcpSocketState::TcpCongState_t v)
    {
        s->recoveries += v == TcpSocketState::CA_RECOVERY;
    }

    static void Inflight(Seen* s, std::string, uint32_t, uint32_t)
    {
        s->inflightCalls++;
    }

    static void Hook(Seen* seen, Ptr<Socket> socket, uint32_t* objects)
    {
        ObjectVectorValue list;
        socket->GetAttribute("SubflowList", list);
        *objects = static_cast<uint32_t>(list.GetN());
        for (uint32_t i = 0; i < 2; i++)
        {
            const std::string base = "/NodeList/0/$ns3::MptcpL4Protocol/SocketList/*/SubflowList/" +
                                     std::to_string(i) + "/";
            Config::Connect(base + "CongestionWindow", MakeBoundCallback(&Cwnd, &seen[i]));
            Config::Connect(base + "SlowStartThreshold", MakeBoundCallback(&Ss, &seen[i]));
            Config::Connect(base + "RTT", MakeBoundCallback(&Rtt, &seen[i]));
            Config::Connect(base + "CongState", MakeBoundCallback(&Cong, &seen[i]));
            Config::Connect(base + "BytesInFlight", MakeBoundCallback(&Inflight, &seen[i]));
        }
    }

    void DoRun() override
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        NodeContainer nodes;
        nodes.Create(2);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        link.SetChannelAttribute("Delay", StringValue("10ms"));
        link.SetQueue("ns3::DropTailQueue", "MaxSize", StringValue("10p"));
        NetDeviceContainer d = link.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);
        Ipv4AddressHelper ip;
        ip.SetBase("10.1.1.0", "255.255.255.0");
        Ipv4InterfaceContainer ifs = ip.Assign(d);
        MptcpStackHelper mptcp;
        mptcp.SetSocketAttribute("PathManager", StringValue("ndiffports"));
        mptcp.SetSocketAttribute("Subflows", UintegerValue(2));
        mptcp.Install(nodes);
        PacketSinkHelper sinkHelper("ns3::MptcpSocketFactory",
                                    InetSocketAddress(Ipv4Address::GetAny(), 9));
        sinkHelper.Install(nodes.Get(1));
        BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(ifs.GetAddress(1), 9));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        Ptr<BulkSendApplication> app =
            DynamicCast<BulkSendApplication>(bulk.Install(nodes.Get(0)).Get(0));
        app->SetStartTime(Seconds(0.5));
        Seen seen[2];
        uint32_t objects = 0;
        // once both subflows are open (a Config path reaches the objects
        // that exist when it is connected)
        Simulator::Schedule(Seconds(1), [&seen, app, &objects]() {
            Hook(seen, app->GetSocket(), &objects);
        });
        Simulator::Stop(Seconds(4));
        Simulator::Run();
        Ptr<MptcpSocket> s = DynamicCast<MptcpSocket>(app->GetSocket());
        NS_TEST_ASSERT_MSG_NE(s, nullptr, "the MPTCP socket");
        NS_TEST_ASSERT_MSG_EQ(s->GetSubflowCount(), 2, "two subflows");
        NS_TEST_ASSERT_MSG_EQ(objects, 2, "SubflowList holds one object per subflow");
        for (uint32_t i = 0; i < 2; i++)
        {
            mptcp_conn_stats st;
            s->GetSubflowStats(i, st, nullptr, nullptr);
            NS_TEST_ASSERT_MSG_GT(seen[i].cwndCalls, 3, "CongestionWindow of subflow " << i);
            // the last value fired is the subflow's window (sampled after
            // the last event before the end)
            NS_TEST_ASSERT_MSG_EQ(seen[i].cwndLast, st.cwnd, "its value, subflow " << i);
            NS_TEST_ASSERT_MSG_GT(seen[i].ssCalls, 0, "SlowStartThreshold of subflow " << i);
            NS_TEST_ASSERT_MSG_GT(seen[i].rttCalls, 0, "RTT of subflow " << i);
            NS_TEST_ASSERT_MSG_EQ(seen[i].rttLast, NanoSeconds(st.srtt_ns), "RTT value " << i);
            NS_TEST_ASSERT_MSG_GT(seen[i].inflightCalls, 0, "BytesInFlight of subflow " << i);
        }
        // the two subflows share the 10-packet queue: losses on both
        NS_TEST_ASSERT_MSG_GT(seen[0].recoveries + seen[1].recoveries, 0, "CongState");
        Simulator::Destroy();
        Config::Reset();
    }
};

class MptcpTcpSocketTestSuite : public TestSuite
{
  public:
    MptcpTcpSocketTestSuite()
        : TestSuite("mptcp-tcpsocket", TestSuite::Type::UNIT)
    {
        AddTestCase(new NagleTestCase(true));
        AddTestCase(new NagleTestCase(false));
        AddTestCase(new UnsupportedAttributeTestCase());
        AddTestCase(new SocketListTestCase());
        AddTestCase(new SubflowListTestCase());
    }
};

MptcpTcpSocketTestSuite g_mptcpTcpSocketTestSuite;

} // namespace
