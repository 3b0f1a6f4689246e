/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The flagship scenario: one multipath host and K single-path TCP flows
 * through one bottleneck. Does MPTCP take more than its share (RFC 6356
 * goal 2, "do no harm")?
 *
 *   mptcp-shared-bottleneck --subflows=2 --tcpFlows=1 --cc=lia --RngRun=1
 *
 * It prints its effective parameters, progress on stderr, and one JSON
 * object as the last line of stdout; it records the run in results.db
 * (SQLite; every run written into the folder is kept, see doc/results.md)
 * and writes a plot of per-subflow cwnd and goodput under --outputDir.
 */
#include "ns3/core-module.h"
#include "ns3/mptcp-output.h"
#include "ns3/mptcp-scenario.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sys/stat.h>

using namespace ns3;

/**
 * Flushes standard output. Output that cannot be written (a full disk,
 * /dev/full) is lost, so it is an error with a message, never exit 0.
 * \param status the exit status otherwise
 * \return status, or 1 if it was 0 and the output failed
 */
static int
FlushStdout(int status)
{
    static bool reported = false;
    std::cout.flush();
    if (std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout))
    {
        return status;
    }
    if (!reported)
    {
        std::cerr << "mptcp-shared-bottleneck: writing standard output failed\n";
        reported = true;
    }
    return status ? status : 1;
}

/**
 * At exit, whatever path led there (ns-3's CommandLine exits by itself
 * after --PrintHelp and friends): output that could not be written turns
 * a successful exit into status 1.
 */
static void
CheckStdoutAtExit()
{
    if (FlushStdout(0) != 0)
    {
        std::_Exit(1);
    }
}

int
main(int argc, char* argv[])
{
    std::atexit(CheckStdoutAtExit);
    MptcpScenarioParams p;
    uint32_t queue = 0;
    double delayMs = p.bottleneckDelay.GetSeconds() * 1e3;
    double durationS = p.duration.GetSeconds();
    double warmupS = p.warmup.GetSeconds();
    bool progress = true;
    bool plot = true;
    bool results = true;
    bool overwrite = false;
    std::string outputDir = "mptcp-shared-bottleneck-out";

    CommandLine cmd(__FILE__);
    cmd.Usage("One multipath host and K single-path TCP flows share a bottleneck; reports "
              "the MPTCP/TCP goodput ratio and Jain's index (last line of stdout: JSON).");
    cmd.AddValue("subflows", "Subflows of the MPTCP connection (ndiffports), 1..8", p.subflows);
    cmd.AddValue("pm", "Path manager: ndiffports, fullmesh (one subflow per NIC), default", p.pm);
    cmd.AddValue("interfaces", "NICs of the multipath host (fullmesh)", p.interfaces);
    cmd.AddValue("cc", "MPTCP congestion control: lia, olia, balia, wvegas, reno, cubic", p.cc);
    cmd.AddValue("scheduler", "MPTCP scheduler: minrtt, roundrobin, redundant, blest, ecf", p.scheduler);
    cmd.AddValue("tcpFlows", "Competing single-path TCP flows", p.tcpFlows);
    cmd.AddValue("competitor", "Competing TCP: ns3 (ns-3's TcpSocketBase) or core (ours)",
                 p.competitor);
    cmd.AddValue("competitorCc", "TCP variant of the competitors (ns-3 TypeId)", p.competitorCc);
    cmd.AddValue("transport",
                 "Multipath host: mptcp, or ns3tcp (one ns-3 TCP flow per would-be subflow)",
                 p.transport);
    cmd.AddValue("peer", "Receiver: mptcp, or ns3tcp (ns-3's TCP only: fallback)", p.peer);
    cmd.AddValue("bottleneckRate", "Bottleneck rate", p.bottleneckRate);
    cmd.AddValue("bottleneckDelay", "Bottleneck one-way delay in ms (RTT = 2*(delay+2))",
                 delayMs);
    cmd.AddValue("queue", "Bottleneck queue in packets (0: one bandwidth-delay product)", queue);
    cmd.AddValue("queueDisc", "Bottleneck queue discipline: droptail, red, fqcodel", p.queueDisc);
    cmd.AddValue("duration", "Simulated seconds", durationS);
    cmd.AddValue("warmup", "Seconds before goodput is measured", warmupS);
    cmd.AddValue("segmentSize", "MSS of every flow (bytes)", p.segmentSize);
    cmd.AddValue("delAckCount", "Every flow ACKs every Nth full segment", p.delAckCount);
    cmd.AddValue("virtualPayload", "MPTCP segments carry lengths, not bytes (faster)",
                 p.virtualPayload);
    cmd.AddValue("flowMonitor", "Attach FlowMonitor and report its per-subflow byte counts",
                 p.flowMonitor);
    cmd.AddValue("pcap", "Write pcap files of the multipath host and the receiver", p.pcap);
    cmd.AddValue("results",
                 "Record the run in results.db (SQLite; runs already there are kept)",
                 results);
    cmd.AddValue("overwrite",
                 "Replace a finished run with the same parameters and RngRun in results.db "
                 "(without it, such a run is refused)",
                 overwrite);
    cmd.AddValue("plot", "Write the plot (gnuplot script, data, PNG and SVG)", plot);
    cmd.AddValue("progress", "Show progress on stderr", progress);
    cmd.AddValue("outputDir", "Where results.db, the plot and pcap files go", outputDir);
    cmd.Parse(argc, argv);
    // Attributes set with --ns3::Type::Attribute=... and the global values:
    // part of the run's parameters (and of its hash), taken before the
    // scenario sets defaults of its own.
    p.config = MptcpResults::ConfigParams();

    p.queue = queue;
    p.bottleneckDelay = Seconds(delayMs / 1e3);
    p.duration = Seconds(durationS);
    p.warmup = Seconds(warmupS);
    p.outputDir = outputDir;
    p.progress = progress;
    if (delayMs < 0)
    {
        std::cerr << "mptcp-shared-bottleneck: --bottleneckDelay must not be negative\n";
        return 2;
    }
    std::string why;
    if (!MptcpScenarioCheck(p, why) || !MptcpScenarioCheckConfig(p, why))
    {
        std::cerr << "mptcp-shared-bottleneck: " << why << "\n";
        return 2;
    }
    if (mkdir(outputDir.c_str(), 0755) != 0 && errno != EEXIST)
    {
        std::cerr << "mptcp-shared-bottleneck: cannot create --outputDir " << outputDir << ": "
                  << std::strerror(errno) << "\n";
        return 2;
    }

    MptcpScenarioRecorder recorder;
    if (results)
    {
        std::string cmdline;
        for (int i = 0; i < argc; i++)
        {
            cmdline += (i ? " " : "") + std::string(argv[i]);
        }
        std::string err;
        bool refused = false;
        if (!recorder.Begin(p, cmdline, overwrite, &err, &refused))
        {
            std::cerr << "mptcp-shared-bottleneck: " << err << "\n";
            return refused ? 2 : 1;
        }
        if (!recorder.GetNote().empty())
        {
            std::cerr << "mptcp-shared-bottleneck: " << recorder.GetNote() << "\n";
        }
    }

    std::cout << "mptcp-shared-bottleneck parameters:";
    std::cout << " subflows=" << p.subflows << " pm=" << p.pm << " interfaces=" << p.interfaces
              << " cc=" << p.cc << " scheduler=" << p.scheduler << " tcpFlows=" << p.tcpFlows
              << " competitor=" << p.competitor << " competitorCc=" << p.competitorCc
              << " transport=" << p.transport << " peer=" << p.peer
              << " bottleneckRate=" << p.bottleneckRate << " bottleneckDelay=" << delayMs
              << "ms queue=" << (queue ? std::to_string(queue) : std::string("BDP"))
              << " queueDisc=" << p.queueDisc << " duration=" << durationS
              << "s warmup=" << warmupS << "s segmentSize=" << p.segmentSize << " delAckCount=" << p.delAckCount
              << " RngSeed=" << RngSeedManager::GetSeed() << " RngRun=" << RngSeedManager::GetRun()
              << " outputDir=" << outputDir;
    for (const auto& c : p.config)
    {
        std::cout << " " << c.first << "=" << c.second;
    }
    std::cout << std::endl;
    if (FlushStdout(0) != 0)
    {
        return 1; // nothing could be reported: do not run
    }

    auto t0 = std::chrono::steady_clock::now();
    MptcpScenarioResult r =
        MptcpScenarioRun(p, results ? recorder.Sink() : MptcpScenarioSampleSink());
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "mptcp-shared-bottleneck: " << r.deliveredPackets << " data packets delivered in "
              << wall << " s of wall time (" << (r.deliveredPackets ? wall * 1e6 / r.deliveredPackets : 0)
              << " us per packet)" << std::endl;

    std::string err;
    if ((results && !recorder.Finish(r, &err)) || (plot && !MptcpWritePlot(p, r, &err)))
    {
        std::cerr << "mptcp-shared-bottleneck: " << err << "\n";
        std::cout << MptcpScenarioJson(p, r) << std::endl;
        return FlushStdout(1);
    }
    std::cout << MptcpScenarioJson(p, r) << std::endl;
    return FlushStdout(0);
}
