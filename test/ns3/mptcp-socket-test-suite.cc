/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * End-to-end tests of the ns-3 socket model: unchanged ns-3 applications
 * over MPTCP, byte-exact transfers with 1, 2 and 4 subflows (ndiffports)
 * and over two NICs (fullmesh), and interoperation with ns-3's own TCP in
 * both directions.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <functional>
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
            NS_TEST_ASSERT_MSG_EQ(st.bytes_acked, total, "all data acknowledged");
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

/** A bad attribute value is refused with an error, not a crash. */
class BadAttributeTestCase : public TestCase
{
  public:
    BadAttributeTestCase()
        : TestCase("unknown congestion control: Connect fails with ERROR_INVAL")
    {
    }

  private:
    void DoRun() override
    {
        Topology t(1, true, true, 0.0, 1);
        Ptr<Socket> s = Socket::CreateSocket(t.C(), MptcpSocketFactory_Tid());
        s->SetAttribute("CongestionControl", StringValue("no-such-cc"));
        NS_TEST_ASSERT_MSG_EQ(s->Connect(InetSocketAddress(t.server, 80)), -1, "refused");
        NS_TEST_ASSERT_MSG_EQ(s->GetErrno(), Socket::ERROR_INVAL, "ERROR_INVAL");
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(DynamicCast<MptcpSocket>(s)->CheckConfig(why), false, "invalid");
        NS_TEST_ASSERT_MSG_NE(why.find("no-such-cc"), std::string::npos, "names the value");
        Simulator::Destroy();
    }

    static TypeId MptcpSocketFactory_Tid()
    {
        return TypeId::LookupByName("ns3::MptcpSocketFactory");
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
        AddTestCase(new StaticRoutingFullmeshTestCase());
    }
};

MptcpSocketTestSuite g_mptcpSocketTestSuite;

} // namespace
