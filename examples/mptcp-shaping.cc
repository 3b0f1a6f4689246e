/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Does MPTCP need traffic shaping to be fair? (doc/security.md, threats
 * F2/F3: a host that opens many subflows at a shared bottleneck.)
 *
 * A greedy multipath host with --subflows subflows (ndiffports, uncoupled
 * Reno by default: --cc) and --tcpHosts well-behaved hosts, each with one
 * ns-3 TCP flow (TcpLinuxReno), share one bottleneck: the flagship's
 * dumbbell (helper/mptcp-scenario.h). The same run is repeated, same
 * --RngRun, for each queue discipline of --queueDiscs:
 *   droptail      a FIFO (ns3::FifoQueueDisc)
 *   red           ns3::RedQueueDisc (MinTh queue/4, MaxTh 3 queue/4)
 *   fqcodel       ns3::FqCoDelQueueDisc, a queue per five-tuple: per-flow
 *                 fairness, which counts each subflow as a flow
 *   fqcodel-host  FqCoDel with ns3::MptcpHostPacketFilter, a queue per
 *                 source host: per-host fairness
 * and reports, after the warm-up, the multipath host's share of what the
 * bottleneck delivered against the fair share 1 / (tcpHosts + 1):
 *   host_share, fair_share, share_ratio (host_share / fair_share: 1 is
 *   fair, about the number of subflows when each subflow takes a flow's
 *   share), jain_hosts (Jain's index over the hosts' goodputs),
 *   utilisation (all goodput over the bottleneck rate), and each host's
 *   goodput.
 * Beside each, the prediction (theory_host_share, theory_share_ratio,
 * theory_basis): for droptail and red the fluid model (helper/
 * mptcp-fluid.h: the greedy host's congestion control over its subflows
 * and one TCP per host, all at the dumbbell's propagation RTT, on a
 * drop-tail link with the run's buffer or RED's drop profile); for the
 * fair queues the allocation of the scheduler itself when every queue is
 * backlogged (max-min: a flow's share, or a host's). cubic and wvegas
 * have no fluid model: the prediction is null and theory_basis says so.
 *
 * With --results=true (default) each discipline is a run in
 * <outputDir>/results.db (scenario "mptcp-shaping", parameter queueDisc),
 * with the flagship's per-flow metrics and series and the ones above; a
 * finished run with the same parameters and --RngRun is refused unless
 * --overwrite=true. With --plot=true (default) mptcp-shaping.{plt,dat,png,
 * svg} show share_ratio and jain_hosts per discipline. The last stdout line
 * is JSON.
 *
 *   ./mptcp-shaping [--subflows=4] [--cc=reno] [--tcpHosts=4]
 *                   [--queueDiscs=droptail,red,fqcodel,fqcodel-host]
 *                   [--duration=60] [--RngRun=1]
 *
 * Exit status: 0 when every run finished; 2 for a bad option or a run
 * already recorded; 1 when an output cannot be written.
 */
#include "ns3/core-module.h"
#include "ns3/mptcp-module.h"

#include <algorithm>
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

const char kProg[] = "mptcp-shaping";

/** What one discipline gave. */
struct Row
{
    std::string queueDisc;        //!< the discipline
    double hostShare = 0;         //!< the multipath host's share
    double shareRatio = 0;        //!< hostShare / fair share
    double jainHosts = 0;         //!< Jain over the hosts
    double utilisation = 0;       //!< total goodput / rate
    double mptcpBps = 0;          //!< the multipath host's goodput
    std::vector<double> tcpBps;   //!< each TCP host's goodput
    uint32_t subflows = 0;        //!< subflows the connection had
    double theoryShare = 0;       //!< predicted host share (NaN: none)
    std::string theoryBasis;      //!< what the prediction rests on
};

/**
 * The multipath host's predicted share (NaN when there is none; `basis`
 * says what it rests on, or why there is none).
 */
double
TheoryShare(const MptcpScenarioParams& q, double rateBps, double rttS, uint32_t queuePackets,
            std::string& basis)
{
    const double n = q.subflows;
    const double m = q.tcpFlows;
    if (q.queueDisc == "fqcodel")
    {
        basis = "per-flow fair queueing, every flow backlogged: subflows / flows";
        return n / (n + m);
    }
    if (q.queueDisc == "fqcodel-host")
    {
        basis = "per-host fair queueing, every host backlogged: 1 / hosts";
        return 1 / (m + 1);
    }
    MptcpFluidModel model(q.segmentSize);
    int link;
    if (q.queueDisc == "red")
    {
        // MptcpBottleneckSpec's thresholds; RedQueueDisc's LInterm 50
        // (max_p 1/50) and gentle mode, its defaults
        link = model.AddRed(rateBps,
                            std::max(1.0, queuePackets / 4.0),
                            std::max(2.0, 3.0 * queuePackets / 4.0),
                            1.0 / 50,
                            true);
    }
    else
    {
        link = model.AddDropTail(rateBps, queuePackets);
    }
    const int host = model.AddUser(q.cc);
    const int tcp = model.AddUser("tcp", q.tcpFlows);
    for (uint32_t k = 0; k < q.subflows && host >= 0 && link >= 0; k++)
    {
        model.AddPath(host, rttS, {link});
    }
    if (tcp >= 0 && link >= 0)
    {
        model.AddPath(tcp, rttS, {link});
    }
    if (host < 0 || tcp < 0 || !model.Solve())
    {
        basis = model.Why();
        return std::nan("");
    }
    basis = "fluid model (helper/mptcp-fluid.h)";
    const double h = model.UserBps(host);
    return h / (h + m * model.UserBps(tcp));
}

int
Fail(const std::string& why)
{
    std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
    return 2;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string subflows = "4";
    std::string cc = "reno";
    std::string tcpHosts = "4";
    std::string queueDiscs = "droptail,red,fqcodel,fqcodel-host";
    std::string rate = "10Mbps";
    std::string delayMs = "18";
    std::string duration = "60";
    std::string warmup = "10";
    std::string progress = "false";

    CommandLine cmd(__FILE__);
    cmd.Usage("Does MPTCP need traffic shaping? A multipath host with many uncoupled "
              "subflows and single-path TCP hosts at one bottleneck, under each queue "
              "discipline: the host's share against the fair share.");
    cmd.AddValue("subflows", "subflows of the multipath host (1..8)", subflows);
    cmd.AddValue("cc",
                 "its congestion control: uncoupled reno or cubic (greedy), or a coupled "
                 "one (lia, olia, balia, wvegas) to compare",
                 cc);
    cmd.AddValue("tcpHosts", "single-path TCP hosts, one ns-3 TCP flow each (1..64)", tcpHosts);
    cmd.AddValue("queueDiscs",
                 "comma list of bottleneck disciplines: droptail, red, fqcodel (a queue per "
                 "flow), fqcodel-host (a queue per source host)",
                 queueDiscs);
    cmd.AddValue("bottleneckRate", "bottleneck rate, ns-3's units (10Mbps)", rate);
    cmd.AddValue("bottleneckDelay", "bottleneck one-way delay in ms (0..10000)", delayMs);
    cmd.AddValue("duration", "simulated seconds per discipline (longer than the warm-up)", duration);
    cmd.AddValue("warmup", "seconds before goodput is measured", warmup);
    cmd.AddValue("progress", "true|false: progress on stderr", progress);
    std::string engine = "ns3";
    cmd.AddValue("engine",
                 "simulator: ns3, or fast (the core in its own packet network, "
                 "doc/fast-mode.md: the TCP hosts on the core's TCP)",
                 engine);
    MptcpOutputOptions out(kProg);
    out.AddTo(cmd);
    cmd.Parse(argc, argv);
    const std::vector<MptcpResults::Param> config = MptcpResults::ConfigParams();

    MptcpScenarioParams p;
    bool prog = false;
    double delay = 0;
    double dur = 0;
    double warm = 0;
    std::vector<std::string> discs;
    std::string why;
    if (!MptcpNoPositionalArguments(argc, argv, why) ||
        !MptcpParseUint("subflows", subflows, 1, 8, p.subflows, why) ||
        !MptcpParseUint("tcpHosts", tcpHosts, 1, 64, p.tcpFlows, why) ||
        !MptcpParseReal("bottleneckDelay", delayMs, 0, 10000, "ms", delay, why) ||
        !MptcpParseReal("duration", duration, 1, 36000, "s", dur, why) ||
        !MptcpParseReal("warmup", warmup, 0, 36000, "s", warm, why) ||
        !MptcpParseBool("progress", progress, prog, why) ||
        !MptcpParseList("queueDiscs", queueDiscs, discs, why))
    {
        return Fail(why);
    }
    if (warm >= dur)
    {
        return Fail("--duration must be longer than --warmup");
    }
    p.pm = "ndiffports";
    p.cc = cc;
    p.bottleneckRate = rate;
    p.bottleneckDelay = MicroSeconds(static_cast<int64_t>(std::llround(delay * 1000)));
    p.duration = MicroSeconds(static_cast<int64_t>(std::llround(dur * 1e6)));
    p.warmup = MicroSeconds(static_cast<int64_t>(std::llround(warm * 1e6)));
    p.competitor = "ns3";
    p.competitorCc = "ns3::TcpLinuxReno";
    p.engine = engine;
    if (engine == "fast")
    {
        // the same Reno, the core's: ns-3's TCP exists only in ns-3 mode
        p.competitor = "core";
        p.competitorCc = "ns3::TcpNewReno";
    }
    p.outputDir = out.outputDir;
    p.progress = prog;
    p.campaign = out.campaign;
    p.config = config;
    for (const std::string& d : discs)
    {
        MptcpScenarioParams q = p;
        q.queueDisc = d;
        if (!MptcpScenarioCheck(q, why))
        {
            return Fail(why);
        }
    }
    if (!out.Check(why))
    {
        return Fail(why);
    }
    const std::string cmdline = MptcpCommandLineText(argc, argv);

    const double rateBps = MptcpRateBps(rate);
    const double fair = 1.0 / (p.tcpFlows + 1);
    std::vector<Row> rows;
    for (const std::string& d : discs)
    {
        MptcpScenarioParams q = p;
        q.queueDisc = d;
        MptcpRunRecorder recorder;
        if (out.record)
        {
            MptcpRunRecorder::Setup s;
            s.outputDir = out.outputDir;
            s.campaign = out.campaign;
            s.scenario = kProg;
            s.params = MptcpScenarioRecorder::Params(q);
            s.cmdline = cmdline;
            s.overwrite = out.replace;
            s.entities.emplace_back("mptcp", "connection");
            for (uint32_t k = 0; k < q.tcpFlows; k++)
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
            if (!recorder.GetNote().empty())
            {
                std::fprintf(stderr, "%s: %s\n", kProg, recorder.GetNote().c_str());
            }
        }
        MptcpScenarioResult r =
            MptcpScenarioRun(q, out.record ? recorder.Sink() : MptcpScenarioSampleSink());
        Row row;
        row.queueDisc = d;
        double total = 0;
        for (const MptcpScenarioFlow& f : r.flows)
        {
            total += f.goodputBps;
            if (f.kind == "tcp")
            {
                row.tcpBps.push_back(f.goodputBps);
            }
        }
        row.mptcpBps = r.flows[0].goodputBps;
        row.subflows = static_cast<uint32_t>(r.flows[0].subflows.size());
        row.hostShare = total > 0 ? row.mptcpBps / total : std::nan("");
        row.shareRatio = row.hostShare / fair;
        row.jainHosts = MptcpJainIndex([&] {
            std::vector<double> v{row.mptcpBps};
            v.insert(v.end(), row.tcpBps.begin(), row.tcpBps.end());
            return v;
        }());
        row.utilisation = total / rateBps;
        row.theoryShare =
            TheoryShare(q, rateBps, r.baseRtt.GetSeconds(), r.queuePackets, row.theoryBasis);
        rows.push_back(row);
        if (out.record)
        {
            recorder.AddMetric("", "host_share", row.hostShare, "");
            recorder.AddMetric("", "fair_share", fair, "");
            recorder.AddMetric("", "share_ratio", row.shareRatio, "");
            recorder.AddMetric("", "jain_hosts", row.jainHosts, "");
            recorder.AddMetric("", "utilisation", row.utilisation, "");
            if (std::isfinite(row.theoryShare))
            {
                recorder.AddMetric("", "theory_host_share", row.theoryShare, "");
            }
            recorder.AddFlows(r.flows, r.ipFlows);
            std::string err;
            if (!recorder.Finish(&err))
            {
                std::fprintf(stderr, "%s: %s/results.db: %s\n", kProg, out.outputDir.c_str(),
                             err.c_str());
                return 1;
            }
        }
    }

    if (out.draw)
    {
        std::vector<std::pair<double, std::string>> tics;
        std::vector<double> x;
        std::vector<double> ratio;
        std::vector<double> jain;
        std::vector<double> one;
        for (size_t i = 0; i < rows.size(); i++)
        {
            tics.emplace_back(static_cast<double>(i + 1), rows[i].queueDisc);
            x.push_back(static_cast<double>(i + 1));
            ratio.push_back(rows[i].shareRatio);
            jain.push_back(rows[i].jainHosts);
            one.push_back(1);
        }
        MptcpPlot fig("a host with " + std::to_string(p.subflows) + " " + cc +
                      " subflows and " + std::to_string(p.tcpFlows) + " TCP hosts through " +
                      rate);
        size_t a = fig.AddPanel("the multipath host's share / fair share (1 / " +
                                    std::to_string(p.tcpFlows + 1) + ")",
                                "queue discipline",
                                "share / fair share");
        size_t b = fig.AddPanel("Jain's index over the hosts", "queue discipline", "index");
        MptcpPlot::LineStyle ref;
        ref.color = "#7f7f7f";
        ref.dashed = true;
        std::string err;
        bool ok = fig.AddSeries(a, "multipath host", x, ratio, &err) &&
                  fig.AddSeries(a, "fair", x, one, ref, &err) &&
                  fig.AddSeries(b, "hosts", x, jain, &err) && fig.SetYMin(a, 0) &&
                  fig.SetYRange(b, 0, 1.05) && fig.SetXTics(a, tics) && fig.SetXTics(b, tics) &&
                  fig.AlignPanels(0.1, 0.75) && fig.Write(out.outputDir, kProg, &err);
        if (!ok)
        {
            std::fprintf(stderr, "%s: plot: %s\n", kProg, err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{\"scenario\":\"" << kProg << "\",\"params\":{\"subflows\":" << p.subflows
       << ",\"cc\":" << MptcpJsonString(cc) << ",\"tcpHosts\":" << p.tcpFlows
       << ",\"bottleneckRate\":" << MptcpJsonString(rate)
       << ",\"bottleneckDelay_ms\":" << MptcpJsonNumber(delay)
       << ",\"duration_s\":" << MptcpJsonNumber(dur) << ",\"warmup_s\":" << MptcpJsonNumber(warm)
       << ",\"engine\":" << MptcpJsonString(p.engine) << "},\"fair_share\":" << MptcpJsonNumber(fair) << ",\"queue_discs\":[";
    for (size_t i = 0; i < rows.size(); i++)
    {
        const Row& w = rows[i];
        js << (i ? "," : "") << "{\"queueDisc\":" << MptcpJsonString(w.queueDisc)
           << ",\"subflows\":" << w.subflows << ",\"host_share\":" << MptcpJsonNumber(w.hostShare)
           << ",\"share_ratio\":" << MptcpJsonNumber(w.shareRatio)
           << ",\"jain_hosts\":" << MptcpJsonNumber(w.jainHosts)
           << ",\"utilisation\":" << MptcpJsonNumber(w.utilisation)
           << ",\"theory_host_share\":" << MptcpJsonNumber(w.theoryShare)
           << ",\"theory_share_ratio\":" << MptcpJsonNumber(w.theoryShare / fair)
           << ",\"theory_basis\":" << MptcpJsonString(w.theoryBasis)
           << ",\"mptcp_goodput_bps\":" << MptcpJsonNumber(w.mptcpBps) << ",\"tcp_goodput_bps\":[";
        for (size_t k = 0; k < w.tcpBps.size(); k++)
        {
            js << (k ? "," : "") << MptcpJsonNumber(w.tcpBps[k]);
        }
        js << "]}";
    }
    js << "]}";
    std::cout << js.str() << std::endl;
    return std::cout ? 0 : 1;
}
