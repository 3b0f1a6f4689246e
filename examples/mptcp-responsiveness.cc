/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Responsiveness of the coupled congestion controls (the test of BALIA's
 * authors: Peng, Walid, Hwang, Low, "Multipath TCP: Analysis, Design, and
 * Implementation", IEEE/ACM ToN 24(1), 2016, and
 * draft-walid-mptcp-congestion-control): how fast an MPTCP connection
 * moves its traffic off a path when single-path flows arrive there, and
 * back when they leave.
 *
 * Hosts A and B are joined by two disjoint paths (MptcpDisjointPathsHelper:
 * --rate and --delayMs each, one-BDP drop-tail queues). A sends to B over
 * MPTCP, fullmesh (A's path-k address carries path k's traffic). From
 * --joinAt (each within the second after it, at a time drawn from --RngRun)
 * to --leaveAt seconds, --tcpFlows ns-3 TCP flows (TcpLinuxReno) from A to
 * B's path-1 address share path 1. For each congestion control
 * of --ccs, same --RngRun, it reports the MPTCP connection's goodput on
 * each path, averaged over the last --settleWindow seconds before each
 * event (steady states: "before", "during", "after"), and the settling
 * time after each event: how long after it the 1 s trailing mean of the
 * path-1 goodput enters, for good, a band around the level it settles at
 * (the mean of the phase's last --settleWindow seconds) of +-band times
 * the step (the change from the previous level): the settling time of a
 * step response in control theory, with a 20% band by default. The run ends --leaveAt + (--leaveAt -
 * --joinAt) seconds in.
 *
 * Each congestion control is a run in <outputDir>/results.db (scenario
 * "mptcp-responsiveness", parameter cc), recorded through MptcpRunRecorder
 * and measured by MptcpExperiment, with the series of every subflow and
 * flow. With --plot=true, mptcp-responsiveness.{plt,dat,png,svg} show the
 * path-1 goodput of each congestion control over time. The last stdout
 * line is JSON.
 *
 *   ./mptcp-responsiveness [--ccs=lia,olia,balia,wvegas] [--tcpFlows=5]
 *                          [--joinAt=40] [--leaveAt=80] [--RngRun=1]
 *
 * Exit status: 0 when every run finished; 2 for a bad option or a run
 * already recorded; 1 when an output cannot be written.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-module.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char kProg[] = "mptcp-responsiveness";

int
Fail(const std::string& why)
{
    std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
    return 2;
}

/** The options, checked. */
struct Options
{
    uint32_t tcpFlows = 5;
    std::string rate = "10Mbps";
    double delayMs = 20;
    double joinAt = 40;
    double leaveAt = 80;
    double settleWindow = 10;
    double band = 0.2;
    double interval = 0.1;
    std::string engine = "ns3"; //!< ns3 | fast (doc/fast-mode.md)
};

/** What one congestion control gave. */
struct Row
{
    std::string cc;                 //!< congestion control
    double path[2][3] = {};         //!< goodput per path: before, during, after
    double tcpDuring = 0;           //!< mean goodput of a TCP flow while they run
    double settleJoin = 0;          //!< settling time after the join (s; NaN: never)
    double settleLeave = 0;         //!< settling time after the leave
    uint32_t subflows = 0;          //!< subflows of the connection
    std::vector<double> t;          //!< sample times (s)
    std::vector<double> path1Mean;  //!< 1 s trailing mean of path 1 (bit/s)
    double theory[2][2] = {};       //!< fluid model: per path, before and during
    double theoryTcp = 0;           //!< fluid model: one TCP flow during
    std::string theoryNote;         //!< why there is no prediction (or "")
};

/**
 * The fluid model's rates (bit/s): the connection alone (phase 0) and
 * with the TCP flows on path 1 (phase 1). `subflows[k]` of the
 * connection's subflows cross path k, each a path of the model with a
 * window floor of 2 segments (the core's, as Linux's: ssthresh and cwnd
 * never below 2 after a loss), which holds a subflow on a congested path
 * at 2 segments per RTT where the coupled algorithms' equilibria alone
 * would leave it nothing. \return "" or why there are none
 */
std::string
Theory(const Options& o,
       const std::string& cc,
       const uint32_t queue[2],
       const uint32_t subflows[2],
       double accessDelayS,
       Row& row)
{
    const double nan = std::nan("");
    for (auto& path : row.theory)
    {
        path[0] = path[1] = nan;
    }
    row.theoryTcp = nan;
    const double bps = MptcpRateBps(o.rate);
    const double rtt = 2 * (o.delayMs / 1e3 + accessDelayS);
    for (int phase = 0; phase < 2; phase++)
    {
        MptcpFluidModel m(1448);
        const int link[2] = {m.AddDropTail(bps, queue[0]), m.AddDropTail(bps, queue[1])};
        const int u = m.AddUser(cc, 1, 2);
        std::vector<int> pathsOf[2];
        for (int k = 0; k < 2 && u >= 0; k++)
        {
            for (uint32_t i = 0; i < subflows[k]; i++)
            {
                pathsOf[k].push_back(m.AddPath(u, rtt, {link[k]}));
            }
        }
        int tcp = -1;
        if (phase == 1 && o.tcpFlows > 0)
        {
            tcp = m.AddUser("tcp", o.tcpFlows);
            m.AddPath(tcp, rtt, {link[1]});
        }
        if (u < 0 || !m.Solve())
        {
            return m.Why();
        }
        for (int k = 0; k < 2; k++)
        {
            row.theory[k][phase] = 0;
            for (int id : pathsOf[k])
            {
                row.theory[k][phase] += m.PathBps(id);
            }
        }
        if (tcp >= 0)
        {
            row.theoryTcp = m.UserBps(tcp);
        }
    }
    return "";
}

/** Mean of y over samples with t in (from, to]. */
double
MeanOver(const std::vector<double>& t, const std::vector<double>& y, double from, double to)
{
    double s = 0;
    size_t n = 0;
    for (size_t i = 0; i < t.size(); i++)
    {
        if (t[i] > from + 1e-9 && t[i] <= to + 1e-9)
        {
            s += y[i];
            n++;
        }
    }
    return n ? s / n : std::nan("");
}

/**
 * Settling time of a step response: after `event`, the first time from
 * which the trailing mean stays within `band` times the step
 * (|level - previous|) of `level` until `end`; NaN when it never does, or
 * when there is no step.
 */
double
Settling(const std::vector<double>& t,
         const std::vector<double>& mean,
         double event,
         double end,
         double previous,
         double level,
         double band)
{
    const double step = std::fabs(level - previous);
    double last = event;
    bool any = false;
    for (size_t i = 0; i < t.size(); i++)
    {
        if (t[i] <= event + 1e-9 || t[i] > end + 1e-9)
        {
            continue;
        }
        any = true;
        if (std::fabs(mean[i] - level) > band * step)
        {
            last = t[i];
        }
    }
    if (!any || !(step > 0) || last >= end - 1e-9)
    {
        return std::nan("");
    }
    return last - event;
}

/** What a run measured, on either engine, for the analysis. */
struct RunData
{
    std::vector<MptcpScenarioFlow> flows;     //!< flows[0] the connection, then TCP
    std::vector<MptcpScenarioSeries> series;  //!< sampled series
    std::vector<MptcpScenarioIpFlow> ipFlows; //!< FlowMonitor's (none here)
    std::string a1Prefix;                     //!< "a.b.c.d:" of A's path-1 address
    uint32_t queue[2] = {0, 0};               //!< each bottleneck's queue (packets)
    double accessDelayS = 0;                  //!< the access links' delay
};

/** The run in ns-3. */
RunData
RunNs3(const Options& o, const std::string& cc, MptcpRunRecorder* rec)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 21));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 21));
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue("ns3::TcpLinuxReno"));
    MptcpBottleneckSpec spec;
    spec.rate = o.rate;
    spec.delay = MicroSeconds(static_cast<int64_t>(std::llround(o.delayMs * 1000)));
    MptcpDisjointPathsHelper paths;
    paths.SetPaths(2);
    paths.SetBottleneck(0, spec);
    paths.SetBottleneck(1, spec);
    paths.Build();
    MptcpStackHelper mptcp;
    mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
    mptcp.SetSocketAttribute("CongestionControl", StringValue(cc));
    NodeContainer hosts(paths.GetA(), paths.GetB());
    mptcp.Install(hosts);
    const int64_t stream = 100 + mptcp.AssignStreams(hosts, 100);
    // Start times drawn from --RngRun: the MPTCP connection in [0.1, 1.1)
    // s, each TCP flow within 1 s after --joinAt (never in lockstep).
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(stream);

    const double end = o.leaveAt + (o.leaveAt - o.joinAt);
    MptcpExperiment x(Seconds(end), Seconds(0), MicroSeconds(std::llround(o.interval * 1e6)));
    PacketSinkHelper mpSink("ns3::MptcpSocketFactory",
                            InetSocketAddress(Ipv4Address::GetAny(), 40000));
    ApplicationContainer sink = mpSink.Install(paths.GetB());
    BulkSendHelper mpBulk("ns3::MptcpSocketFactory",
                          InetSocketAddress(paths.GetBAddress(0), 40000));
    mpBulk.SetAttribute("MaxBytes", UintegerValue(0));
    ApplicationContainer sender = mpBulk.Install(paths.GetA());
    sender.Start(Seconds(0.1 + start->GetValue(0, 1)));
    const uint32_t mf = x.AddFlow("mptcp", "mptcp", {DynamicCast<PacketSink>(sink.Get(0))});
    x.SetSubflowsOf(mf, sender.Get(0), "subflow ");
    for (uint32_t k = 0; k < o.tcpFlows; k++)
    {
        const uint16_t port = static_cast<uint16_t>(41000 + k);
        PacketSinkHelper sh("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
        ApplicationContainer s = sh.Install(paths.GetB());
        BulkSendHelper bh("ns3::TcpSocketFactory", InetSocketAddress(paths.GetBAddress(1), port));
        bh.SetAttribute("MaxBytes", UintegerValue(0));
        ApplicationContainer a = bh.Install(paths.GetA());
        a.Start(Seconds(o.joinAt + start->GetValue(0, 1)));
        a.Stop(Seconds(o.leaveAt));
        x.AddFlow("tcp", "tcp " + std::to_string(k), {DynamicCast<PacketSink>(s.Get(0))});
    }
    x.CountDeliveries(paths.GetB());
    if (rec)
    {
        x.SetSampleSink(rec->Sink());
    }
    x.Run();

    RunData d;
    d.flows = x.GetFlows();
    d.series = x.GetSeries();
    d.ipFlows = x.GetIpFlows();
    std::ostringstream a1;
    a1 << paths.GetAAddress(1) << ":";
    d.a1Prefix = a1.str();
    d.queue[0] = paths.GetQueuePackets(0);
    d.queue[1] = paths.GetQueuePackets(1);
    d.accessDelayS = paths.GetAccessDelay().GetSeconds();
    Simulator::Destroy();
    return d;
}

/**
 * The run on the fast engine (doc/fast-mode.md): MptcpDisjointPathsHelper's
 * topology (1 Gbit/s 1 ms access links A - R_k, the bottlenecks R_k - B
 * with one-BDP drop-tail queues behind a one-packet device queue, the same
 * addresses), the same socket attributes, the TCP flows on the core's TCP
 * (Reno) from A's path-1 address, the start times drawn from ns-3's stream
 * as in ns-3 mode.
 */
RunData
RunFast(const Options& o, const std::string& cc, MptcpRunRecorder* rec)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 21));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 21));
    const mptcp_config mpCfg =
        MptcpFastSocketConfig({{"PathManager", "fullmesh"}, {"CongestionControl", cc}}, true);
    const mptcp_config tcpCfg = MptcpFastSocketConfig({{"CongestionControl", "reno"}}, false);
    MptcpBottleneckSpec spec;
    spec.rate = o.rate;
    spec.delay = MicroSeconds(static_cast<int64_t>(std::llround(o.delayMs * 1000)));
    const Time access = MilliSeconds(1);
    RunData d;
    d.accessDelayS = access.GetSeconds();
    MptcpFastNetwork net(MptcpFastSeed());
    const int a = net.AddNode("A");
    const int b = net.AddNode("B");
    std::string aAddr[2];
    std::string bAddr[2];
    for (int k = 0; k < 2; k++)
    {
        const int r = net.AddNode("R" + std::to_string(k));
        // ns-3's default queues on the access links (100 + 1000 packets)
        const int la = net.AddLink(a, r, 1e9, access, 1100);
        aAddr[k] = "10.10." + std::to_string(k + 1) + ".1";
        net.AddAddress(a, aAddr[k], la);
        d.queue[k] = spec.QueuePackets(access);
        const int lb = net.AddLink(r, b, MptcpRateBps(o.rate), spec.delay, d.queue[k] + 1);
        bAddr[k] = "10.20." + std::to_string(k + 1) + ".2";
        net.AddAddress(b, bAddr[k], lb);
    }
    net.InstallStack(a, mpCfg);
    net.InstallStack(b, mpCfg);
    for (int k = 0; k < 2; k++)
    {
        net.DeclareAddress(a, aAddr[k]);
        net.DeclareAddress(b, bAddr[k]);
    }
    net.CountDeliveries(b);
    // ns-3 mode's stream: 100 + the two stacks'
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(102);
    const double end = o.leaveAt + (o.leaveAt - o.joinAt);
    net.AddBulkFlow("mptcp", "mptcp", "subflow ", a, aAddr[0], b, bAddr[0], 40000,
                    Seconds(0.1 + start->GetValue(0, 1)));
    for (uint32_t k = 0; k < o.tcpFlows; k++)
    {
        net.AddBulkFlow("tcp", "tcp " + std::to_string(k), "", a, aAddr[1], b, bAddr[1],
                        static_cast<uint16_t>(41000 + k), Seconds(o.joinAt + start->GetValue(0, 1)),
                        &tcpCfg, Seconds(o.leaveAt));
    }
    net.Run(Seconds(end), Seconds(0), MicroSeconds(std::llround(o.interval * 1e6)),
            rec ? rec->Sink() : MptcpScenarioSampleSink());
    d.flows = net.GetFlows();
    d.series = net.GetSeries();
    d.a1Prefix = aAddr[1] + ":";
    return d;
}

/** One run with congestion control `cc`, and its analysis. */
Row
RunOnce(const Options& o, const std::string& cc, MptcpRunRecorder* rec)
{
    const RunData d = o.engine == "fast" ? RunFast(o, cc, rec) : RunNs3(o, cc, rec);
    const double end = o.leaveAt + (o.leaveAt - o.joinAt);
    const uint32_t mf = 0;
    Row row;
    row.cc = cc;
    const std::vector<MptcpScenarioFlow>& flows = d.flows;
    row.subflows = static_cast<uint32_t>(flows[mf].subflows.size());
    // Per path: the subflows leaving by A's path-k address (fullmesh: a
    // subflow from A's path-k address crosses bottleneck k).
    std::vector<int> pathOf;
    for (const MptcpScenarioSubflow& s : flows[mf].subflows)
    {
        pathOf.push_back(s.local.compare(0, d.a1Prefix.size(), d.a1Prefix) == 0 ? 1 : 0);
    }
    const uint32_t queue[2] = {d.queue[0], d.queue[1]};
    uint32_t perPath[2] = {0, 0};
    for (int k : pathOf)
    {
        perPath[k]++;
    }
    row.theoryNote = Theory(o, cc, queue, perPath, d.accessDelayS, row);
    // The times: the flow's own series, sampled from the first interval
    // on (a subflow's starts when the subflow exists).
    std::vector<double> t;
    for (const MptcpScenarioSeries& s : d.series)
    {
        if (s.entity == "mptcp" && s.name == "goodput")
        {
            for (const auto& kv : s.samples)
            {
                t.push_back(static_cast<double>(kv.first) / 1e9);
            }
        }
    }
    std::vector<double> byPath[2] = {std::vector<double>(t.size(), 0),
                                     std::vector<double>(t.size(), 0)};
    std::vector<double> tcpSum(t.size(), 0);
    for (const MptcpScenarioSeries& s : d.series)
    {
        if (s.name != "goodput")
        {
            continue;
        }
        int path = -1;
        bool tcp = s.entity.compare(0, 4, "tcp ") == 0;
        if (s.entity.compare(0, 8, "subflow ") == 0)
        {
            const size_t i = std::strtoul(s.entity.c_str() + 8, nullptr, 10);
            path = i < pathOf.size() ? pathOf[i] : -1;
        }
        if (path < 0 && !tcp)
        {
            continue;
        }
        // A subflow opened later has fewer samples: they are the last ones.
        const size_t off = t.size() - std::min(t.size(), s.samples.size());
        for (size_t i = 0; i + off < t.size() && i < s.samples.size(); i++)
        {
            (tcp ? tcpSum : byPath[path])[i + off] += s.samples[i].second;
        }
    }
    // The 1 s trailing mean of path 1.
    const size_t w = static_cast<size_t>(std::llround(1.0 / o.interval));
    double acc = 0;
    for (size_t i = 0; i < t.size(); i++)
    {
        acc += byPath[1][i] - (i >= w ? byPath[1][i - w] : 0);
        row.path1Mean.push_back(acc / std::min(i + 1, w));
    }
    row.t = t;
    const double events[3] = {o.joinAt, o.leaveAt, end};
    for (int p = 0; p < 2; p++)
    {
        for (int e = 0; e < 3; e++)
        {
            row.path[p][e] = MeanOver(t, byPath[p], events[e] - o.settleWindow, events[e]);
        }
    }
    row.tcpDuring = o.tcpFlows ? MeanOver(t, tcpSum, o.leaveAt - o.settleWindow, o.leaveAt) /
                                     o.tcpFlows
                               : std::nan("");
    row.settleJoin =
        Settling(t, row.path1Mean, o.joinAt, o.leaveAt, row.path[1][0], row.path[1][1], o.band);
    row.settleLeave =
        Settling(t, row.path1Mean, o.leaveAt, end, row.path[1][1], row.path[1][2], o.band);
    if (rec)
    {
        const char* phase[3] = {"before", "during", "after"};
        for (int p = 0; p < 2; p++)
        {
            for (int e = 0; e < 3; e++)
            {
                rec->AddMetric("mptcp",
                               "path" + std::to_string(p) + "_goodput_" + phase[e] + "_bps",
                               row.path[p][e],
                               "bit/s");
            }
        }
        rec->AddMetric("", "tcp_goodput_during_bps", row.tcpDuring, "bit/s");
        for (int p = 0; p < 2 && row.theoryNote.empty(); p++)
        {
            for (int e = 0; e < 2; e++)
            {
                rec->AddMetric("mptcp",
                               "theory_path" + std::to_string(p) + "_bps_" + phase[e],
                               row.theory[p][e],
                               "bit/s");
            }
        }
        if (row.theoryNote.empty() && std::isfinite(row.theoryTcp))
        {
            rec->AddMetric("", "theory_tcp_during_bps", row.theoryTcp, "bit/s");
        }
        rec->AddMetric("", "settling_join_s", row.settleJoin, "s");
        rec->AddMetric("", "settling_leave_s", row.settleLeave, "s");
        rec->AddFlows(flows, d.ipFlows);
    }
    return row;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string ccs = "lia,olia,balia,wvegas";
    std::string tcpFlows = "5";
    std::string rate = "10Mbps";
    std::string delayMs = "20";
    std::string joinAt = "40";
    std::string leaveAt = "80";
    std::string settleWindow = "10";
    std::string band = "0.2";
    CommandLine cmd(__FILE__);
    cmd.Usage("Responsiveness of MPTCP congestion controls: single-path TCP flows join one "
              "of two paths and leave; how fast the MPTCP connection moves off the path and "
              "back (settling time), per congestion control.");
    cmd.AddValue("ccs", "comma list of congestion controls to compare", ccs);
    cmd.AddValue("tcpFlows", "TCP flows that join path 1 (0..64)", tcpFlows);
    cmd.AddValue("rate", "rate of each path's bottleneck, ns-3's units", rate);
    cmd.AddValue("delayMs", "one-way delay of each path's bottleneck in ms (0..1000)", delayMs);
    cmd.AddValue("joinAt", "when the TCP flows start (s)", joinAt);
    cmd.AddValue("leaveAt", "when they stop (s); the run ends as long after", leaveAt);
    cmd.AddValue("settleWindow",
                 "seconds before each event over which the steady level is averaged",
                 settleWindow);
    cmd.AddValue("band", "settling band, a fraction of the step between the levels (0..1)", band);
    std::string engine = "ns3";
    cmd.AddValue("engine", "simulator: ns3, or fast (the core in its own packet network, "
                 "doc/fast-mode.md; the TCP flows on the core's TCP)", engine);
    MptcpOutputOptions out(kProg);
    out.AddTo(cmd);
    cmd.Parse(argc, argv);
    const std::vector<MptcpResults::Param> config = MptcpResults::ConfigParams();
    Options o;
    std::vector<std::string> names;
    std::string why;
    if (!MptcpNoPositionalArguments(argc, argv, why) ||
        !MptcpParseUint("tcpFlows", tcpFlows, 0, 64, o.tcpFlows, why) ||
        !MptcpParseReal("delayMs", delayMs, 0, 1000, "ms", o.delayMs, why) ||
        !MptcpParseReal("settleWindow", settleWindow, 1, 3600, "s", o.settleWindow, why) ||
        !MptcpParseReal("band", band, 0.01, 1, "fractions of the step", o.band, why) ||
        !MptcpParseReal("joinAt", joinAt, 0, 36000, "s", o.joinAt, why) ||
        !MptcpParseReal("leaveAt", leaveAt, 0, 36000, "s", o.leaveAt, why) ||
        !MptcpParseList("ccs", ccs, names, why))
    {
        return Fail(why);
    }
    if (!(MptcpRateBps(rate) > 0))
    {
        return Fail("--rate must be a data rate with ns-3's units, e.g. 10Mbps (got \"" + rate +
                    "\")");
    }
    o.rate = rate;
    if (engine != "ns3" && engine != "fast")
    {
        return Fail("--engine must be ns3 or fast (got \"" + engine + "\")");
    }
    o.engine = engine;
    if (o.joinAt < o.settleWindow || o.leaveAt - o.joinAt < o.settleWindow)
    {
        return Fail("--joinAt and --leaveAt must leave at least --settleWindow (" + settleWindow +
                    " s) before the join and between the join and the leave");
    }
    for (const std::string& c : names)
    {
        if (mptcp_algo_check(MPTCP_ALGO_CC, c.c_str()) != MPTCP_OK)
        {
            return Fail("--ccs: unknown congestion control \"" + c + "\" (" +
                        MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) + ")");
        }
    }
    if (!out.Check(why))
    {
        return Fail(why);
    }
    const std::string cmdline = MptcpCommandLineText(argc, argv);

    std::vector<Row> rows;
    for (const std::string& cc : names)
    {
        MptcpRunRecorder recorder;
        if (out.record)
        {
            MptcpRunRecorder::Setup s;
            s.outputDir = out.outputDir;
            s.campaign = out.campaign;
            s.scenario = kProg;
            s.params = {{"cc", cc},
                        {"tcpFlows", std::to_string(o.tcpFlows)},
                        {"rate", o.rate},
                        {"delayMs", MptcpJsonNumber(o.delayMs)},
                        {"joinAt", MptcpJsonNumber(o.joinAt)},
                        {"leaveAt", MptcpJsonNumber(o.leaveAt)},
                        {"settleWindow", MptcpJsonNumber(o.settleWindow)},
                        {"band", MptcpJsonNumber(o.band)}};
            // recorded when not the default: earlier runs keep their identity
            if (o.engine != "ns3")
            {
                s.params.push_back({"engine", o.engine});
            }
            s.params.insert(s.params.end(), config.begin(), config.end());
            s.cmdline = cmdline;
            s.overwrite = out.replace;
            s.entities.emplace_back("mptcp", "connection");
            for (uint32_t k = 0; k < o.tcpFlows; k++)
            {
                s.entities.emplace_back("tcp " + std::to_string(k), "tcp_flow");
            }
            std::string err;
            bool refused = false;
            if (!recorder.Begin(s, &err, &refused))
            {
                std::fprintf(stderr, "%s: %s\n", kProg, err.c_str());
                return refused ? 2 : 1;
            }
        }
        rows.push_back(RunOnce(o, cc, out.record ? &recorder : nullptr));
        std::string err;
        if (out.record && !recorder.Finish(&err))
        {
            std::fprintf(stderr, "%s: %s/results.db: %s\n", kProg, out.outputDir.c_str(), err.c_str());
            return 1;
        }
    }

    if (out.draw)
    {
        MptcpPlot fig("MPTCP over two " + o.rate + " paths; " + std::to_string(o.tcpFlows) +
                      " TCP flows on path 1 from " + joinAt + " s to " + leaveAt + " s");
        size_t a = fig.AddPanel("MPTCP goodput on path 1 (1 s trailing mean)",
                                "time (s)",
                                "goodput (Mbit/s)");
        std::string err;
        bool ok = fig.SetYMin(a, 0);
        for (const Row& r : rows)
        {
            std::vector<double> mbps;
            for (double v : r.path1Mean)
            {
                mbps.push_back(v / 1e6);
            }
            ok = ok && fig.AddSeries(a, r.cc, r.t, mbps, &err);
        }
        if (!ok || !fig.Write(out.outputDir, kProg, &err))
        {
            std::fprintf(stderr, "%s: plot: %s\n", kProg, err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{\"scenario\":\"" << kProg << "\",\"params\":{\"tcpFlows\":" << o.tcpFlows
       << ",\"rate\":" << MptcpJsonString(o.rate) << ",\"delayMs\":" << MptcpJsonNumber(o.delayMs)
       << ",\"joinAt_s\":" << MptcpJsonNumber(o.joinAt)
       << ",\"leaveAt_s\":" << MptcpJsonNumber(o.leaveAt)
       << ",\"settleWindow_s\":" << MptcpJsonNumber(o.settleWindow)
       << ",\"band\":" << MptcpJsonNumber(o.band) << ",\"engine\":" << MptcpJsonString(o.engine)
       << "},\"ccs\":[";
    const char* phase[3] = {"before", "during", "after"};
    for (size_t i = 0; i < rows.size(); i++)
    {
        const Row& r = rows[i];
        js << (i ? "," : "") << "{\"cc\":" << MptcpJsonString(r.cc) << ",\"subflows\":" << r.subflows;
        for (int p = 0; p < 2; p++)
        {
            for (int e = 0; e < 3; e++)
            {
                js << ",\"path" << p << "_goodput_" << phase[e]
                   << "_bps\":" << MptcpJsonNumber(r.path[p][e]);
            }
        }
        for (int p = 0; p < 2; p++)
        {
            for (int e = 0; e < 2; e++)
            {
                js << ",\"theory_path" << p << "_bps_" << phase[e]
                   << "\":" << MptcpJsonNumber(r.theory[p][e]);
            }
        }
        js << ",\"theory_tcp_during_bps\":" << MptcpJsonNumber(r.theoryTcp);
        if (!r.theoryNote.empty())
        {
            js << ",\"theory_note\":" << MptcpJsonString(r.theoryNote);
        }
        js << ",\"tcp_goodput_during_bps\":" << MptcpJsonNumber(r.tcpDuring)
           << ",\"settling_join_s\":" << MptcpJsonNumber(r.settleJoin)
           << ",\"settling_leave_s\":" << MptcpJsonNumber(r.settleLeave) << "}";
    }
    js << "]}";
    std::cout << js.str() << std::endl;
    return std::cout ? 0 : 1;
}
