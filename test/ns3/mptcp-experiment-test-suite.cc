/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Tests of the scenario harness (helper/mptcp-experiment.h) and the
 * generic run recorder (MptcpRunRecorder, helper/mptcp-output.h), on two
 * disjoint paths: an MPTCP connection (fullmesh, two subflows) and an ns-3
 * TCP connection measured side by side. Every figure the harness reports
 * is recomputed here from the sinks and sockets themselves: the bytes
 * received, the goodput after the warm-up, the series (whose samples must
 * add up to the bytes received), the subflows, the packets delivered; and
 * what the recorder writes into results.db is read back with SQLite.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-experiment.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-output.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/network-module.h"

#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

/** Reads one value of an SQL query (the first column of the first row). */
std::string
QueryOne(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    std::string out = "ERROR: open";
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
    {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
        {
            out = std::string("ERROR: ") + sqlite3_errmsg(db);
        }
        else
        {
            out = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                      ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                      : "(none)";
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
    return out;
}

/** The bytes a sink had received at some time. */
struct RxAt
{
    Ptr<PacketSink> sink; //!< the sink
    uint64_t rx = 0;      //!< its total when Take ran

    /** \param r where to store the sink's total */
    static void Take(RxAt* r)
    {
        r->rx = r->sink->GetTotalRx();
    }
};

class ExperimentTestCase : public TestCase
{
  public:
    ExperimentTestCase()
        : TestCase("MptcpExperiment: goodput, series, subflows and deliveries agree with the "
                   "sinks and sockets; MptcpRunRecorder writes them")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(3);
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        MptcpBottleneckSpec a;
        a.rate = "4Mbps";
        a.delay = MilliSeconds(10);
        MptcpBottleneckSpec b;
        b.rate = "6Mbps";
        b.delay = MilliSeconds(20);
        MptcpDisjointPathsHelper paths;
        paths.SetPaths(2);
        paths.SetBottleneck(0, a);
        paths.SetBottleneck(1, b);
        paths.Build();
        MptcpStackHelper mptcp;
        mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
        NodeContainer hosts(paths.GetA(), paths.GetB());
        mptcp.Install(hosts);
        mptcp.AssignStreams(hosts, 100);

        const Time duration = Seconds(6);
        const Time warmup = Seconds(2);
        const Time interval = MilliSeconds(250);
        MptcpExperiment x(duration, warmup, interval);

        PacketSinkHelper mpSinkHelper("ns3::MptcpSocketFactory",
                                      InetSocketAddress(Ipv4Address::GetAny(), 40000));
        Ptr<PacketSink> mpSink =
            DynamicCast<PacketSink>(mpSinkHelper.Install(paths.GetB()).Get(0));
        PacketSinkHelper tcpSinkHelper("ns3::TcpSocketFactory",
                                       InetSocketAddress(Ipv4Address::GetAny(), 41000));
        Ptr<PacketSink> tcpSink =
            DynamicCast<PacketSink>(tcpSinkHelper.Install(paths.GetB()).Get(0));
        BulkSendHelper mpBulk("ns3::MptcpSocketFactory",
                              InetSocketAddress(paths.GetBAddress(0), 40000));
        mpBulk.SetAttribute("MaxBytes", UintegerValue(0));
        ApplicationContainer mpSender = mpBulk.Install(paths.GetA());
        mpSender.Start(Seconds(0.2));
        BulkSendHelper tcpBulk("ns3::TcpSocketFactory",
                               InetSocketAddress(paths.GetBAddress(1), 41000));
        tcpBulk.SetAttribute("MaxBytes", UintegerValue(0));
        ApplicationContainer tcpSender = tcpBulk.Install(paths.GetA());
        tcpSender.Start(Seconds(0.3));

        uint32_t mf = x.AddFlow("mptcp", "mptcp 0", {mpSink});
        x.SetSubflowsOf(mf, mpSender.Get(0), "mptcp 0 subflow ");
        uint32_t tf = x.AddFlow("tcp", "tcp 0", {tcpSink});
        x.CountDeliveries(paths.GetB());

        // The recorder, in a fresh folder.
        char dir[] = "/tmp/mptcp-experiment-XXXXXX";
        NS_TEST_ASSERT_MSG_NE(mkdtemp(dir), nullptr, "mkdtemp");
        MptcpRunRecorder rec;
        MptcpRunRecorder::Setup setup;
        setup.outputDir = dir;
        setup.campaign = "test";
        setup.scenario = "experiment-test";
        setup.params = {{"paths", "2"}};
        setup.deterministic = true;
        setup.entities = {{"mptcp 0", "connection"}, {"tcp 0", "tcp_flow"}};
        std::string err;
        bool refused = false;
        NS_TEST_ASSERT_MSG_EQ(rec.Begin(setup, &err, &refused), true, err);
        uint64_t sinkCalls = 0;
        MptcpScenarioSampleSink recSink = rec.Sink();
        x.SetSampleSink([&](const std::string& e, const std::string& n, int64_t t, double v) {
            sinkCalls++;
            recSink(e, n, t, v);
        });

        // Independent readings: the sinks at the warm-up and at the last sample.
        RxAt mpWarm{mpSink};
        RxAt tcpWarm{tcpSink};
        Simulator::Schedule(warmup, &RxAt::Take, &mpWarm);
        Simulator::Schedule(warmup, &RxAt::Take, &tcpWarm);
        x.Run();

        const std::vector<MptcpScenarioFlow>& flows = x.GetFlows();
        NS_TEST_ASSERT_MSG_EQ(flows.size(), 2, "two flows");
        const double span = (duration - warmup).GetSeconds();
        NS_TEST_ASSERT_MSG_EQ(flows[mf].bytesReceived, mpSink->GetTotalRx(), "mptcp bytes");
        NS_TEST_ASSERT_MSG_EQ(flows[tf].bytesReceived, tcpSink->GetTotalRx(), "tcp bytes");
        NS_TEST_ASSERT_MSG_EQ_TOL(flows[mf].goodputBps,
                                  8.0 * (mpSink->GetTotalRx() - mpWarm.rx) / span,
                                  1e-6,
                                  "mptcp goodput after the warm-up");
        NS_TEST_ASSERT_MSG_EQ_TOL(flows[tf].goodputBps,
                                  8.0 * (tcpSink->GetTotalRx() - tcpWarm.rx) / span,
                                  1e-6,
                                  "tcp goodput after the warm-up");
        // Both paths carry something: 4 + 6 Mbit/s shared by the two flows.
        NS_TEST_ASSERT_MSG_GT(flows[mf].goodputBps, 1e6, "mptcp moves data");
        NS_TEST_ASSERT_MSG_GT(flows[tf].goodputBps, 1e6, "tcp moves data");
        NS_TEST_ASSERT_MSG_LT(flows[mf].goodputBps + flows[tf].goodputBps,
                              10e6,
                              "no more than the two paths");

        // Subflows: fullmesh over two addresses on each side (4), labelled
        // with the prefix, their acknowledged payload at least what the
        // application got.
        NS_TEST_ASSERT_MSG_EQ(flows[mf].subflows.size(), 4, "four subflows");
        uint64_t acked = 0;
        double subflowGoodput = 0;
        for (size_t i = 0; i < flows[mf].subflows.size(); i++)
        {
            const MptcpScenarioSubflow& s = flows[mf].subflows[i];
            NS_TEST_ASSERT_MSG_EQ(s.entity, "mptcp 0 subflow " + std::to_string(i), "label");
            NS_TEST_ASSERT_MSG_NE(s.local, "0.0.0.0:0", "local address");
            subflowGoodput += s.goodputBps;
            acked += s.bytesAcked;
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(acked, mpSink->GetTotalRx(), "subflows acked >= received");
        NS_TEST_ASSERT_MSG_GT(subflowGoodput, 0.9 * flows[mf].goodputBps, "subflow goodput");
        NS_TEST_ASSERT_MSG_EQ(flows[tf].subflows.size(), 0, "a TCP flow has no subflows");
        NS_TEST_ASSERT_MSG_EQ(flows[mf].fallback, false, "no fallback");
        NS_TEST_ASSERT_MSG_NE(flows[mf].localKey, 0, "keys");
        NS_TEST_ASSERT_MSG_EQ((x.GetMptcpSocket(mf) != nullptr), true, "socket");

        // Series: one sample per interval, the last one at the end of the
        // run; the goodput samples add up to the bytes received.
        const size_t samples = static_cast<size_t>(duration.GetMilliSeconds() /
                                                   interval.GetMilliSeconds());
        uint64_t total = 0;
        for (const MptcpScenarioSeries& s : x.GetSeries())
        {
            NS_TEST_ASSERT_MSG_LT_OR_EQ(s.samples.size(), samples, s.entity + "/" + s.name);
            total += s.samples.size();
            if (s.name == "goodput" && (s.entity == "mptcp 0" || s.entity == "tcp 0"))
            {
                NS_TEST_ASSERT_MSG_EQ(s.samples.size(), samples, s.entity);
                double bits = 0;
                for (const auto& kv : s.samples)
                {
                    bits += kv.second * interval.GetSeconds();
                }
                Ptr<PacketSink> k = s.entity == "tcp 0" ? tcpSink : mpSink;
                NS_TEST_ASSERT_MSG_EQ_TOL(bits / 8, k->GetTotalRx(), 1e-3, s.entity + " sum");
                NS_TEST_ASSERT_MSG_EQ(s.samples.back().first,
                                      duration.GetNanoSeconds(),
                                      "last sample at the end");
            }
        }
        NS_TEST_ASSERT_MSG_EQ(total, sinkCalls, "every sample went to the sink");
        // Data segments delivered to B: at least the payload over full segments.
        NS_TEST_ASSERT_MSG_GT_OR_EQ(x.GetDeliveredPackets(),
                                    (mpSink->GetTotalRx() + tcpSink->GetTotalRx()) / 1448,
                                    "delivered packets");

        rec.AddFlows(flows, x.GetIpFlows());
        rec.AddMetric("", "answer", 42, "");
        NS_TEST_ASSERT_MSG_EQ(rec.Finish(&err), true, err);
        Simulator::Destroy();

        const std::string db = std::string(dir) + "/results.db";
        NS_TEST_ASSERT_MSG_EQ(QueryOne(db, "SELECT status FROM run"), "ok", "run ok");
        NS_TEST_ASSERT_MSG_EQ(QueryOne(db, "SELECT scenario FROM campaign"), "experiment-test", "");
        NS_TEST_ASSERT_MSG_EQ(QueryOne(db, "SELECT kind FROM entity WHERE label='mptcp 0'"),
                              "connection",
                              "declared kind");
        NS_TEST_ASSERT_MSG_EQ(
            QueryOne(db, "SELECT kind FROM entity WHERE label='mptcp 0 subflow 1'"),
            "subflow",
            "guessed kind");
        NS_TEST_ASSERT_MSG_EQ(
            std::atof(QueryOne(db,
                               "SELECT m.value FROM metric m JOIN entity e ON "
                               "m.entity_id=e.id WHERE e.label='tcp 0' AND "
                               "m.name='goodput_bps'")
                          .c_str()),
            flows[tf].goodputBps,
            "goodput stored");
        NS_TEST_ASSERT_MSG_EQ(
            QueryOne(db, "SELECT value FROM metric WHERE name='answer' AND entity_id IS NULL"),
            "42.0",
            "run metric");
        NS_TEST_ASSERT_MSG_EQ(QueryOne(db, "SELECT count(*) FROM sample"),
                              std::to_string(total),
                              "every sample stored");

        // The same key again is refused without overwrite, and nothing is lost.
        MptcpRunRecorder again;
        NS_TEST_ASSERT_MSG_EQ(again.Begin(setup, &err, &refused), false, "refused");
        NS_TEST_ASSERT_MSG_EQ(refused, true, "a usage error");
        NS_TEST_ASSERT_MSG_EQ(QueryOne(db, "SELECT count(*) FROM run"), "1", "one run kept");
        unlink(db.c_str());
        rmdir(dir);
    }
};

class BaselineTestCase : public TestCase
{
  public:
    BaselineTestCase()
        : TestCase("MptcpExperiment: a flow of separate TCP connections has one subflow per "
                   "sink, named by its sender's address")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
        MptcpDisjointPathsHelper paths;
        paths.SetPaths(1);
        MptcpBottleneckSpec a;
        a.rate = "5Mbps";
        a.delay = MilliSeconds(5);
        paths.SetBottleneck(0, a);
        paths.Build();
        MptcpExperiment x(Seconds(3), Seconds(1), MilliSeconds(100));
        std::vector<Ptr<PacketSink>> sinks;
        std::vector<InetSocketAddress> remotes;
        ApplicationContainer senders;
        for (uint16_t i = 0; i < 2; i++)
        {
            PacketSinkHelper sh("ns3::TcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 40000 + i));
            sinks.push_back(DynamicCast<PacketSink>(sh.Install(paths.GetB()).Get(0)));
            remotes.emplace_back(paths.GetBAddress(0), 40000 + i);
            BulkSendHelper bh("ns3::TcpSocketFactory", remotes.back());
            bh.SetAttribute("MaxBytes", UintegerValue(0));
            senders.Add(bh.Install(paths.GetA()));
        }
        senders.Start(Seconds(0.1));
        uint32_t f = x.AddFlow("mptcp", "ns3tcp", sinks);
        x.SetSubflowsAreSinks(f, senders, remotes, "conn ");
        x.EnableFlowMonitor("");
        x.CountDeliveries(paths.GetB());
        x.Run();
        const MptcpScenarioFlow& r = x.GetFlows()[f];
        NS_TEST_ASSERT_MSG_EQ(r.subflows.size(), 2, "one per sink");
        NS_TEST_ASSERT_MSG_EQ(r.bytesReceived,
                              sinks[0]->GetTotalRx() + sinks[1]->GetTotalRx(),
                              "sum of the sinks");
        for (size_t i = 0; i < 2; i++)
        {
            const MptcpScenarioSubflow& s = r.subflows[i];
            NS_TEST_ASSERT_MSG_EQ(s.bytesAcked, sinks[i]->GetTotalRx(), "per sink");
            std::ostringstream remote;
            remote << paths.GetBAddress(0) << ":" << 40000 + i;
            NS_TEST_ASSERT_MSG_EQ(s.remote, remote.str(), "remote");
            NS_TEST_ASSERT_MSG_NE(s.local.find(':'), std::string::npos, "local named");
            // FlowMonitor and the receiver's IP count the same data direction.
            NS_TEST_ASSERT_MSG_GT(s.flowMonitorRxBytes, sinks[i]->GetTotalRx(), "FlowMonitor");
            NS_TEST_ASSERT_MSG_EQ(s.flowMonitorRxBytes, s.l4RxBytes, "same bytes counted");
        }
        NS_TEST_ASSERT_MSG_GT(x.GetIpFlows().size(), 3, "both directions of both");
        Simulator::Destroy();
    }
};

class MptcpExperimentTestSuite : public TestSuite
{
  public:
    MptcpExperimentTestSuite()
        : TestSuite("mptcp-experiment", TestSuite::Type::UNIT)
    {
        AddTestCase(new ExperimentTestCase());
        AddTestCase(new BaselineTestCase());
    }
};

MptcpExperimentTestSuite g_mptcpExperimentTestSuite; //!< registers the suite

} // namespace
