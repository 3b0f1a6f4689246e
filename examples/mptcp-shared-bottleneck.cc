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
#include "ns3/mptcp-options.h"
#include "ns3/mptcp-output.h"
#include "ns3/mptcp-scenario.h"
#include "ns3/mptcp-socket.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <vector>

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

namespace
{

const char* const PROG = "mptcp-shared-bottleneck";

/** Whether the command line changed the default of an attribute. */
bool
AttributeChanged(const std::string& type, const std::string& attr)
{
    TypeId tid;
    TypeId::AttributeInformation info;
    if (!TypeId::LookupByNameFailSafe(type, &tid) || !tid.LookupAttributeByName(attr, &info))
    {
        return false;
    }
    return info.initialValue->SerializeToString(info.checker) !=
           info.originalInitialValue->SerializeToString(info.checker);
}

/**
 * Attributes the scenario sets itself (MptcpScenarioRun): a different
 * value given as --ns3::Type::Attribute would be overwritten without a
 * word, so it is refused, naming the option that sets it (or saying the
 * scenario fixes it). The same value is accepted.
 */
bool
CheckOverriddenAttributes(int argc, char* argv[], const MptcpScenarioParams& p, std::string& why)
{
    struct Row
    {
        const char* type;
        const char* attr;
        Ptr<const AttributeValue> value; // what the scenario sets
        const char* hint;
    };
    const Row table[] = {
        {"ns3::TcpSocket", "SegmentSize", Create<UintegerValue>(p.segmentSize),
         "use --segmentSize"},
        {"ns3::TcpSocket", "DelAckCount", Create<UintegerValue>(p.delAckCount),
         "use --delAckCount"},
        {"ns3::TcpSocket", "SndBufSize", Create<UintegerValue>(p.bufferSize),
         "the scenario sets every buffer"},
        {"ns3::TcpSocket", "RcvBufSize", Create<UintegerValue>(p.bufferSize),
         "the scenario sets every buffer"},
        {"ns3::TcpSocket", "InitialCwnd", Create<UintegerValue>(10),
         "the scenario fixes 10 segments"},
        {"ns3::TcpSocket", "DelAckTimeout", Create<TimeValue>(p.delAckTimeout),
         "the scenario fixes it for every flow"},
        {"ns3::TcpSocketBase", "MinRto", Create<TimeValue>(p.minRto),
         "the scenario fixes it for every flow"},
        {"ns3::TcpSocketBase", "Sack", Create<BooleanValue>(true), "the scenario turns it on"},
        {"ns3::TcpSocketBase", "Timestamp", Create<BooleanValue>(true),
         "the scenario turns it on"},
        {"ns3::TcpL4Protocol", "SocketType",
         Create<TypeIdValue>(TypeId::LookupByName(p.competitorCc)), "use --competitorCc"},
        {"ns3::MptcpSocket", "MinRto", Create<TimeValue>(p.minRto),
         "the scenario fixes it for every flow"},
        {"ns3::MptcpSocket", "CongestionControl", Create<StringValue>(p.cc), "use --cc"},
        {"ns3::MptcpSocket", "Scheduler", Create<StringValue>(p.scheduler), "use --scheduler"},
        {"ns3::MptcpSocket", "PathManager", Create<StringValue>(p.pm), "use --pm"},
        {"ns3::MptcpSocket", "Subflows", Create<UintegerValue>(p.subflows), "use --subflows"},
        {"ns3::MptcpL4Protocol", "VirtualPayload", Create<BooleanValue>(p.virtualPayload),
         "use --virtualPayload"},
    };
    auto given = [argc, argv](const std::string& name) {
        for (int i = 1; i < argc; i++)
        {
            std::string a = argv[i];
            if (a.rfind("--" + name, 0) == 0 &&
                (a.size() == name.size() + 2 || a[name.size() + 2] == '='))
            {
                return true;
            }
        }
        return false;
    };
    for (const Row& row : table)
    {
        TypeId tid;
        TypeId::AttributeInformation info;
        if (!TypeId::LookupByNameFailSafe(row.type, &tid) ||
            !tid.LookupAttributeByName(row.attr, &info))
        {
            continue;
        }
        const std::string now = info.initialValue->SerializeToString(info.checker);
        const bool set = given(std::string(row.type) + "::" + row.attr) ||
                         now != info.originalInitialValue->SerializeToString(info.checker);
        if (set && now != row.value->SerializeToString(info.checker))
        {
            why = std::string("--") + row.type + "::" + row.attr + "=" + now +
                  " would be overwritten by the scenario (" +
                  row.value->SerializeToString(info.checker) + "): " + row.hint;
            return false;
        }
    }
    return true;
}

/**
 * Every --name=value that ns-3's CommandLine would refuse (printing its
 * help and exiting with 1), refused here with one line and exit 2: an
 * unknown option, a bad boolean, an attribute or global value that does
 * not exist or does not take the value (a sign on an unsigned value
 * included, which ns-3 would wrap around).
 */
bool
CheckArguments(int argc,
               char* argv[],
               const std::set<std::string>& options,
               const std::set<std::string>& flags,
               std::string& why)
{
    for (int i = 1; i < argc; i++)
    {
        std::string a = argv[i];
        if (a.empty() || a[0] != '-')
        {
            continue; // not an option: refused after parsing
        }
        a = a.substr(a.rfind("--", 0) == 0 ? 2 : 1);
        const size_t eq = a.find('=');
        const std::string name = a.substr(0, eq);
        const bool hasValue = eq != std::string::npos;
        const std::string value = hasValue ? a.substr(eq + 1) : "";
        if (name.rfind("Print", 0) == 0 || name == "help" || name == "version" ||
            options.count(name))
        {
            continue;
        }
        if (flags.count(name))
        {
            std::string v = value;
            std::transform(v.begin(), v.end(), v.begin(), ::tolower);
            if (hasValue && v != "true" && v != "false" && v != "t" && v != "f" && v != "1" &&
                v != "0")
            {
                why = "--" + name + " must be true or false (got \"" + value + "\")";
                return false;
            }
            continue;
        }
        Ptr<const AttributeChecker> checker;
        const size_t sep = name.rfind("::");
        TypeId tid;
        TypeId::AttributeInformation info;
        if (sep != std::string::npos && TypeId::LookupByNameFailSafe(name.substr(0, sep), &tid) &&
            tid.LookupAttributeByName(name.substr(sep + 2), &info))
        {
            checker = info.checker;
        }
        for (auto g = GlobalValue::Begin(); !checker && g != GlobalValue::End(); ++g)
        {
            if ((*g)->GetName() == name)
            {
                checker = (*g)->GetChecker();
            }
        }
        if (!checker)
        {
            why = "unknown option --" + name + " (see --PrintHelp, --PrintGlobals, "
                  "--PrintAttributes=TypeId)";
            return false;
        }
        // ns-3 aborts on an integer that is not one ("abc"), and wraps a
        // negative unsigned one: check their shape before asking it.
        const std::string type = checker->GetValueTypeName();
        const size_t digits = type == "ns3::IntegerValue" && value.rfind('-', 0) == 0 ? 1 : 0;
        const bool integer = type == "ns3::UintegerValue" || type == "ns3::IntegerValue";
        bool shape = !integer ||
                     (value.size() > digits &&
                      value.find_first_not_of("0123456789", digits) == std::string::npos);
        if (type == "ns3::DoubleValue" || type == "ns3::TimeValue")
        {
            // a finite number, then (a Time) nothing or one of ns-3's units
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            const std::string unit = end ? std::string(end) : "";
            shape = end != value.c_str() && std::isfinite(v) &&
                    value.find_first_of("xXnN") >= static_cast<size_t>(end - value.c_str()) &&
                    (unit.empty() ||
                     (type == "ns3::TimeValue" &&
                      std::set<std::string>{"s", "ms", "us", "ns", "ps", "fs", "min", "h", "d", "y"}
                          .count(unit)));
        }
        if (!hasValue || !shape || !checker->CreateValidValue(StringValue(value)))
        {
            why = "--" + name + ": \"" + value + "\" is not a valid value (" +
                  checker->GetUnderlyingTypeInformation() + ")";
            return false;
        }
    }
    return true;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::atexit(CheckStdoutAtExit);
    MptcpScenarioParams p;
    // Numbers are read as text and checked here: ns-3 would turn -1 into
    // 4294967295 and 1e300 ms into an overflowing Time.
    std::string subflows;
    std::string interfaces;
    std::string tcpFlows = std::to_string(p.tcpFlows);
    std::string queue = "0";
    std::string segmentSize = std::to_string(p.segmentSize);
    std::string delAckCount = std::to_string(p.delAckCount);
    std::string delay = "18";
    std::string duration = "60";
    std::string warmup = "5";
    // Empty: not given (the effective value depends on other options).
    std::string pm;
    std::string cc;
    std::string scheduler;
    std::string peer;
    bool progress = true;
    bool plot = true;
    bool results = true;
    bool overwrite = false;
    bool deterministicOutput = false;
    std::string campaign = "mptcp-shared-bottleneck";
    std::string outputDir = "mptcp-shared-bottleneck-out";

    CommandLine cmd(__FILE__);
    cmd.Usage("One multipath host and K single-path TCP flows share a bottleneck; reports "
              "the MPTCP/TCP goodput ratio and Jain's index (last line of stdout: JSON).");
    // Each option is registered once: with ns-3's CommandLine, and in the
    // names CheckArguments accepts (booleans as flags).
    std::set<std::string> options;
    std::set<std::string> flags;
    auto add = [&cmd, &options, &flags](const std::string& name,
                                        const std::string& help,
                                        auto& value) {
        using T = std::decay_t<decltype(value)>;
        (std::is_same_v<T, bool> ? flags : options).insert(name);
        cmd.AddValue(name, help, value);
    };
    add("subflows",
                 "Subflows of the MPTCP connection (ndiffports), 1..8 [2]; with fullmesh one per "
                 "interface, with default, fallback or Mptcp=false one",
                 subflows);
    add("pm", "Path manager: " + MptcpSocket::AlgorithmNames(MPTCP_ALGO_PM) +
                 " (fullmesh: one subflow per NIC) [ndiffports]", pm);
    add("interfaces", "NICs of the multipath host, 1..8 (more than 1: fullmesh) [1]",
                 interfaces);
    add("cc", "MPTCP congestion control: " + MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) +
                 " [lia]", cc);
    add("scheduler", "MPTCP scheduler: " + MptcpSocket::AlgorithmNames(MPTCP_ALGO_SCHED) +
                 " [minrtt]", scheduler);
    add("tcpFlows", "Competing single-path TCP flows, 0..64", tcpFlows);
    add("competitor", "Competing TCP: ns3 (ns-3's TcpSocketBase) or core (ours)",
                 p.competitor);
    add("competitorCc",
                 "TCP variant of the competitors (an ns-3 TcpCongestionOps TypeId; not "
                 "ns3::TcpBbr, ns3::TcpDctcp)",
                 p.competitorCc);
    add("transport",
                 "Multipath host: mptcp, or ns3tcp (one ns-3 TCP flow per would-be subflow, "
                 "variant --competitorCc)",
                 p.transport);
    add("peer", "Receiver: mptcp, or ns3tcp (ns-3's TCP only: fallback) [mptcp]", peer);
    add("bottleneckRate", "Bottleneck rate, ns-3's units (10Mbps; 10MBps is bytes)",
                 p.bottleneckRate);
    add("bottleneckDelay",
                 "Bottleneck one-way delay in ms, 0..10000 (RTT = 2*(delay+2))", delay);
    add("queue", "Bottleneck queue in packets, 0..1000000 (0: one bandwidth-delay "
                 "product)", queue);
    add("queueDisc",
        "Bottleneck queue discipline: droptail, red, fqcodel (a queue per flow), "
        "fqcodel-host (a queue per source host)",
        p.queueDisc);
    add("duration", "Simulated seconds, up to 1000000", duration);
    add("warmup", "Seconds before goodput is measured (less than --duration)", warmup);
    add("segmentSize", "MSS of every flow (bytes), 64..65000", segmentSize);
    add("delAckCount", "Every flow ACKs every Nth full segment, 1..64", delAckCount);
    add("virtualPayload", "MPTCP segments carry lengths, not bytes (faster)",
                 p.virtualPayload);
    add("flowMonitor",
        "Attach FlowMonitor: per-subflow byte counts in the JSON, every flow's statistics "
        "in results.db",
        p.flowMonitor);
    add("flowMonitorXml",
        "Also write FlowMonitor's own XML to flowmon.xml in --outputDir (implies "
        "--flowMonitor)",
        p.flowMonitorXml);
    add("engine",
        "Simulator: ns3, or fast (the same dumbbell in the core's own packet network, "
        "doc/fast-mode.md; needs --competitor=core)",
        p.engine);
    add("pcap", "Write pcap files of the multipath host and the receiver", p.pcap);
    add("results",
                 "Record the run in results.db (SQLite; runs already there are kept)",
                 results);
    add("overwrite",
                 "Replace a finished run with the same parameters and RngRun in results.db "
                 "(without it, such a run is refused)",
                 overwrite);
    add("plot", "Write the plot (gnuplot script, data, PNG and SVG)", plot);
    add("progress", "Show progress on stderr", progress);
    add("campaign", "Campaign name the run is recorded under in results.db", campaign);
    add("deterministicOutput",
        "Leave run.host, run.started_at and run.wall_s NULL in results.db, so that two "
        "executions of the same run give identical files",
        deterministicOutput);
    add("outputDir", "Where results.db, the plot and pcap files go", outputDir);
    std::string why;
    auto fail = [](const std::string& msg) {
        std::cerr << PROG << ": " << msg << "\n";
        return 2;
    };
    // ns-3's CommandLine keeps a value only up to its first space ("10 Mbps"
    // would be 10 bit/s) and exits with its help on an empty value.
    for (int i = 1; i < argc; i++)
    {
        const std::string a = argv[i];
        const size_t eq = a.find('=');
        if (a.rfind("--", 0) != 0 || eq == std::string::npos)
        {
            continue;
        }
        if (eq + 1 == a.size())
        {
            return fail(a.substr(0, eq) + " needs a value");
        }
        if (a.find_first_of(" \t\n\r\v\f", eq) != std::string::npos)
        {
            return fail(a.substr(0, eq) + ": a value must not contain spaces (got \"" +
                        a.substr(eq + 1) + "\")");
        }
    }
    if (!CheckArguments(argc, argv, options, flags, why))
    {
        return fail(why);
    }
    cmd.Parse(argc, argv);
    // Attributes set with --ns3::Type::Attribute=... and the global values:
    // part of the run's parameters (and of its hash), taken before the
    // scenario sets defaults of its own.
    p.config = MptcpResults::ConfigParams();

    if (cmd.GetNExtraNonOptions() > 0)
    {
        return fail("unexpected argument \"" + cmd.GetExtraNonOption(0) +
                    "\" (options are --name=value; see --PrintHelp)");
    }
    uint32_t nSubflows = 0;
    uint32_t nInterfaces = 1;
    double delayMs = 0;
    double durationS = 0;
    double warmupS = 0;
    if ((!subflows.empty() && !MptcpParseUint("subflows", subflows, 1, 8, nSubflows, why)) ||
        (!interfaces.empty() && !MptcpParseUint("interfaces", interfaces, 1, 8, nInterfaces, why)) ||
        !MptcpParseUint("tcpFlows", tcpFlows, 0, 64, p.tcpFlows, why) ||
        !MptcpParseUint("queue", queue, 0, 1000000, p.queue, why) ||
        !MptcpParseUint("segmentSize", segmentSize, 64, 65000, p.segmentSize, why) ||
        !MptcpParseUint("delAckCount", delAckCount, 1, 64, p.delAckCount, why) ||
        !MptcpParseReal("bottleneckDelay", delay, 0, 10000, "ms", delayMs, why) ||
        !MptcpParseReal("duration", duration, 0, 1e6, "seconds", durationS, why) ||
        !MptcpParseReal("warmup", warmup, 0, 1e6, "seconds", warmupS, why))
    {
        return fail(why);
    }
    p.pm = pm.empty() ? p.pm : pm;
    p.cc = cc.empty() ? p.cc : cc;
    p.scheduler = scheduler.empty() ? p.scheduler : scheduler;
    p.peer = peer.empty() ? p.peer : peer;
    p.interfaces = nInterfaces;

    // Options another option makes meaningless are refused when given;
    // left out, they take the value that will be in effect, which is the
    // value recorded (JSON, results.db).
    const bool plainTcp = AttributeChanged("ns3::MptcpSocket", "Mptcp");
    std::string oneSubflow; // why the connection has exactly one subflow
    if (p.transport == "ns3tcp")
    {
        for (const auto& [name, given] : {std::pair<const char*, const std::string&>{"cc", cc},
                                          {"scheduler", scheduler},
                                          {"pm", pm},
                                          {"peer", peer}})
        {
            if (!given.empty())
            {
                return fail(std::string("--") + name + " does not apply to --transport=ns3tcp " +
                            "(ns-3's TCP, variant --competitorCc, to ns-3's TCP receivers)");
            }
        }
        if (!interfaces.empty() && nInterfaces != 1)
        {
            return fail("--transport=ns3tcp uses one interface (--interfaces=1)");
        }
    }
    else if (p.peer == "ns3tcp")
    {
        oneSubflow = "--peer=ns3tcp falls back to TCP: one subflow";
    }
    else if (plainTcp)
    {
        oneSubflow = "--ns3::MptcpSocket::Mptcp=false runs plain TCP: one subflow";
    }
    else if (p.pm == "default")
    {
        oneSubflow = "--pm=default opens one subflow (the receiver announces no other address)";
    }
    if (!oneSubflow.empty())
    {
        if (!subflows.empty() && nSubflows != 1)
        {
            return fail(oneSubflow + "; --subflows=" + subflows + " cannot apply");
        }
        if (nInterfaces != 1)
        {
            return fail(oneSubflow + "; --interfaces=" + interfaces +
                        " would leave interfaces unused");
        }
        // No MPTCP runs after a fallback or with Mptcp=false: no scheduler,
        // no path manager.
        const bool noMptcp = p.peer == "ns3tcp" || plainTcp;
        if (noMptcp && !scheduler.empty())
        {
            return fail(oneSubflow + ": --scheduler does not apply");
        }
        if (noMptcp && !pm.empty())
        {
            return fail(oneSubflow + ": --pm does not apply");
        }
        nSubflows = 1;
    }
    else if (p.transport == "mptcp" && p.pm == "fullmesh")
    {
        if (!subflows.empty() && nSubflows != nInterfaces)
        {
            return fail("--pm=fullmesh opens one subflow per interface (--interfaces=" +
                        std::to_string(nInterfaces) + "); --subflows=" + subflows +
                        " cannot apply: set --interfaces instead");
        }
        nSubflows = nInterfaces;
    }
    else if (nInterfaces != 1)
    {
        return fail("--interfaces=" + interfaces + " needs --pm=fullmesh (--pm=" + p.pm +
                    " opens every subflow from the first interface)");
    }
    p.subflows = nSubflows ? nSubflows : p.subflows;
    if (p.transport == "mptcp" && p.peer == "mptcp" && !plainTcp && p.subflows == 1 &&
        !scheduler.empty())
    {
        std::cerr << PROG << ": warning: one subflow: --scheduler=" << p.scheduler
                  << " has no choice to make\n";
    }
    if (p.transport == "ns3tcp" && p.competitor == "ns3")
    {
        for (int i = 1; i < argc; i++)
        {
            if (std::string(argv[i]).rfind("--virtualPayload", 0) == 0)
            {
                std::cerr << PROG << ": warning: --virtualPayload has no effect: every flow "
                          << "runs ns-3's TCP\n";
            }
        }
    }
    if (p.tcpFlows == 0 && (p.competitor != "ns3" || p.competitorCc != "ns3::TcpLinuxReno") &&
        p.transport == "mptcp")
    {
        std::cerr << PROG << ": warning: --tcpFlows=0: --competitor and --competitorCc have no "
                  << "effect\n";
    }
    if (warmupS >= durationS)
    {
        return fail("--warmup (" + warmup + " s) must be shorter than --duration (" + duration +
                    " s)");
    }
    p.bottleneckDelay = NanoSeconds(static_cast<int64_t>(std::llround(delayMs * 1e6)));
    p.duration = NanoSeconds(static_cast<int64_t>(std::llround(durationS * 1e9)));
    p.warmup = NanoSeconds(static_cast<int64_t>(std::llround(warmupS * 1e9)));
    p.outputDir = outputDir;
    p.progress = progress;
    p.deterministicOutput = deterministicOutput;
    if (campaign.empty() || campaign.size() > 200 ||
        campaign.find_first_of("\n\r\t") != std::string::npos)
    {
        return fail("--campaign must be a name of 1 to 200 characters on one line");
    }
    p.campaign = campaign;
    p.flowMonitor = p.flowMonitor || p.flowMonitorXml;
    if (!MptcpScenarioCheck(p, why) || !CheckOverriddenAttributes(argc, argv, p, why))
    {
        return fail(why);
    }
    if ((results || plot || p.pcap || p.flowMonitorXml) && !MptcpCheckOutputDir(outputDir, why))
    {
        return fail(why);
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
    std::cout << " engine=" << p.engine << " subflows=" << p.subflows << " pm=" << p.pm << " interfaces=" << p.interfaces
              << " cc=" << p.cc << " scheduler=" << p.scheduler << " tcpFlows=" << p.tcpFlows
              << " competitor=" << p.competitor << " competitorCc=" << p.competitorCc
              << " transport=" << p.transport << " peer=" << p.peer
              << " bottleneckRate=" << p.bottleneckRate << " bottleneckDelay=" << delayMs
              << "ms queue=" << (p.queue ? std::to_string(p.queue) : std::string("BDP"))
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
              << " us per packet; " << r.events << " events, "
              << (wall > 0 ? static_cast<double>(r.events) / wall : 0) << " per second)" << std::endl;

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
