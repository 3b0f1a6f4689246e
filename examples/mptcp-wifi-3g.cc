/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * WiFi plus 3G: heterogeneous paths and a small receive buffer (Raiciu
 * et al., "How Hard Can It Be? Designing and Implementing a Deployable
 * Multipath TCP", NSDI 2012, section 5: receive-buffer-limited MPTCP
 * over a fast lossy WiFi path and a slow 3G path, where head-of-line
 * blocking at the receiver stalls the connection unless the sender
 * retransmits opportunistically and penalises the slow subflow).
 *
 * A mobile client sends to a server over two access links (the
 * parameters of the NSDI experiment as reproduced by Stanford CS244):
 *   WiFi  --wifiRate 8 Mbit/s, --wifiDelayMs 10 ms, --wifiLoss 2%, queue --wifiQueue 10
 *   3G    --cellRate 2 Mbit/s, --cellDelayMs 75 ms, --cellLoss 1%, queue --cellQueue 64
 * each to its own access router, then a 1 Gbit/s core to the server.
 * Losses hit packets in both directions. The client's send buffer is
 * --sndBuf (200 KB); the server's receive buffer is each value of
 * --rcvBufs (30 KB by default): the buffer the connection-level window
 * is made of, and what a segment waiting behind a 3G hole fills.
 *
 * One run per combination of --schedulers (minrtt, roundrobin, redundant, blest,
 * ecf), --opportunistic (opportunistic retransmission and penalisation
 * off and on) and --rcvBufs, plus, with --baselines=true, single-path TCP
 * (our engine, MPTCP off, Reno... the CongestionControl of the runs:
 * --cc) over WiFi only and over 3G only. Each reports, after the
 * warm-up: goodput, the goodput of each path, retransmitted segments,
 * opportunistic retransmissions and penalisations (the client's
 * counters), and the server's mean receive-buffer stall rate: the share
 * of 100 ms samples in which the application received nothing.
 *
 * Beside the measurements, the fluid model's prediction (helper/
 * mptcp-fluid.h) with an unlimited receive buffer, which the model does
 * not have: each access link a drop-tail link of its rate and queue
 * behind its random loss (on the data; lost ACKs are not modelled), the
 * paths' propagation RTTs (the access delay plus two 1 ms core links,
 * each way); theory_mbps per run (the connection's --cc over both
 * paths, or one TCP over its path), and in "theory" the per-path rates
 * and the receive buffer the paper says such a connection needs,
 * 2 x (sum of the path rates) x (largest RTT) (NSDI 2012, on receive
 * buffers), to compare with --rcvBufs: below it, the buffer, not the paths,
 * bounds the goodput, and the prediction is only an upper bound.
 *
 * Each run is recorded in <outputDir>/results.db (scenario
 * "mptcp-wifi-3g", parameters scheduler, opportunistic, rcvBuf); with
 * --plot=true, mptcp-wifi-3g.{plt,dat,png,svg} show goodput per
 * scheduler, one line per receive buffer and opportunistic setting. The
 * last stdout line is JSON.
 *
 *   ./mptcp-wifi-3g [--schedulers=minrtt,blest] [--opportunistic=false,true]
 *                   [--rcvBufs=30000,200000] [--duration=60] [--RngRun=1]
 *
 * Exit status: 0 when every run finished; 2 for a bad option or a run
 * already recorded; 1 when an output cannot be written.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-module.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char kProg[] = "mptcp-wifi-3g";

int
Fail(const std::string& why)
{
    std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
    return 2;
}

/** One access path's settings. */
struct Access
{
    std::string rate;      //!< rate
    double delayMs = 0;    //!< one-way delay
    double loss = 0;       //!< loss probability per packet
    uint32_t queue = 0;    //!< drop-tail queue (packets)
};

/** The options, checked. */
struct Options
{
    Access wifi{"8Mbps", 10, 0.02, 10};
    Access cell{"2Mbps", 75, 0.01, 64};
    std::string cc = "lia";
    uint32_t sndBuf = 200000;
    double duration = 60;
    double warmup = 5;
    std::string engine = "ns3"; //!< ns3 | fast (doc/fast-mode.md)
};

/** One run: a configuration and what it measured. */
struct Row
{
    std::string scheduler;          //!< scheduler, or tcp-wifi / tcp-3g
    bool opportunistic = false;     //!< opportunistic retransmission on
    uint32_t rcvBuf = 0;            //!< server receive buffer
    double goodputBps = 0;          //!< application goodput
    double pathBps[2] = {0, 0};     //!< per path (WiFi, 3G)
    uint64_t retransmissions = 0;   //!< segments retransmitted (all subflows)
    uint64_t oppRetrans = 0;        //!< opportunistic retransmissions
    uint64_t penalised = 0;         //!< penalisations
    double stallShare = 0;          //!< share of 100 ms samples with no delivery
    double theoryBps = 0;           //!< fluid model, unlimited buffer (NaN: none)
};

/** The fluid model's prediction, unlimited receive buffer (bit/s). */
struct Theory
{
    double mptcp = 0;        //!< the connection
    double path[2] = {0, 0}; //!< its WiFi and 3G rates
    double tcp[2] = {0, 0};  //!< one TCP over WiFi, over 3G
    double rcvBufNeeded = 0; //!< bytes: 2 x sum of rates x largest RTT
    std::string note;        //!< why there is none ("" when there is)
};

/** One path's links in the fluid model: its loss, then its queue. */
std::vector<int>
FluidPath(MptcpFluidModel& m, const Access& a)
{
    const double bps = MptcpRateBps(a.rate);
    return {m.AddExogenous(bps, a.loss), m.AddDropTail(bps, a.queue)};
}

Theory
Predict(const Options& o)
{
    Theory t;
    const double nan = std::nan("");
    t.mptcp = t.path[0] = t.path[1] = t.tcp[0] = t.tcp[1] = t.rcvBufNeeded = nan;
    const Access* acc[2] = {&o.wifi, &o.cell};
    double rtt[2];
    for (int k = 0; k < 2; k++)
    {
        rtt[k] = 2 * (acc[k]->delayMs / 1e3 + 2e-3);
        MptcpFluidModel m(1448);
        const int u = m.AddUser("tcp");
        if (u >= 0 && m.AddPath(u, rtt[k], FluidPath(m, *acc[k])) >= 0 && m.Solve())
        {
            t.tcp[k] = m.UserBps(u);
        }
    }
    MptcpFluidModel m(1448);
    const int u = m.AddUser(o.cc);
    const int p0 = u >= 0 ? m.AddPath(u, rtt[0], FluidPath(m, o.wifi)) : -1;
    const int p1 = u >= 0 ? m.AddPath(u, rtt[1], FluidPath(m, o.cell)) : -1;
    if (u < 0 || p0 < 0 || p1 < 0 || !m.Solve())
    {
        t.note = m.Why();
        return t;
    }
    t.mptcp = m.UserBps(u);
    t.path[0] = m.PathBps(p0);
    t.path[1] = m.PathBps(p1);
    t.rcvBufNeeded = 2 * (t.mptcp / 8) * std::max(m.PathRttS(p0), m.PathRttS(p1));
    return t;
}

MptcpLinkSpec
AccessSpec(const Access& a)
{
    MptcpLinkSpec s;
    s.rate = a.rate;
    s.delay = MicroSeconds(std::llround(a.delayMs * 1000));
    s.loss = a.loss;
    s.queue.disc = "droptail";
    s.queue.packets = a.queue;
    return s;
}

/** The row's figures from a run (either engine): the connection's flow,
 *  the series, the client's addresses, its counters. */
void
Finish(const Options& o,
       Row& row,
       const std::vector<MptcpScenarioFlow>& flows,
       const std::vector<MptcpScenarioIpFlow>& ipFlows,
       const std::vector<MptcpScenarioSeries>& series,
       const std::string clientAddr[2],
       uint64_t oppRetrans,
       uint64_t penalised,
       MptcpRunRecorder* rec)
{
    const MptcpScenarioFlow& flow = flows[0];
    row.goodputBps = flow.goodputBps;
    for (const MptcpScenarioSubflow& sf : flow.subflows)
    {
        for (int k = 0; k < 2; k++)
        {
            const std::string prefix = clientAddr[k] + ":";
            if (sf.local.compare(0, prefix.size(), prefix) == 0)
            {
                row.pathBps[k] += sf.goodputBps;
            }
        }
        row.retransmissions += sf.retransmissions;
    }
    // Stalls: 100 ms samples after the warm-up in which nothing arrived.
    uint32_t samples = 0;
    uint32_t empty = 0;
    for (const MptcpScenarioSeries& ser : series)
    {
        if (ser.entity != "mptcp" || ser.name != "goodput")
        {
            continue;
        }
        for (const auto& kv : ser.samples)
        {
            if (kv.first > static_cast<int64_t>(o.warmup * 1e9))
            {
                samples++;
                empty += kv.second <= 0 ? 1 : 0;
            }
        }
    }
    row.stallShare = samples ? static_cast<double>(empty) / samples : 0;
    row.oppRetrans = oppRetrans;
    row.penalised = penalised;
    if (rec)
    {
        rec->AddMetric("mptcp", "wifi_goodput_bps", row.pathBps[0], "bit/s");
        rec->AddMetric("mptcp", "cell_goodput_bps", row.pathBps[1], "bit/s");
        rec->AddMetric("mptcp", "retransmissions", static_cast<double>(row.retransmissions), "");
        rec->AddMetric("mptcp", "opportunistic_retransmissions", static_cast<double>(row.oppRetrans), "");
        rec->AddMetric("mptcp", "penalisations", static_cast<double>(row.penalised), "");
        rec->AddMetric("mptcp", "stall_share", row.stallShare, "");
        rec->AddFlows(flows, ipFlows);
    }
}

/**
 * The run on the fast engine (doc/fast-mode.md): the description `net`
 * mirrored (the same nodes, links, queues and losses at arrival, the same
 * addresses), the client's addresses bound to their access links, the
 * same socket attributes, the same start time (ns-3's stream, as in ns-3
 * mode: after the stacks' and the error models' streams).
 */
Row
RunFast(const Options& o,
        Row row,
        int path,
        MptcpRunRecorder* rec,
        const MptcpNetworkHelper& desc,
        uint32_t client,
        uint32_t server,
        uint32_t lWifi,
        uint32_t lCell,
        uint32_t lServer)
{
    std::vector<std::pair<std::string, std::string>> attrs = {{"CongestionControl", o.cc}};
    if (path < 0)
    {
        attrs.push_back({"PathManager", "fullmesh"});
        attrs.push_back({"Scheduler", row.scheduler});
        attrs.push_back({"OpportunisticRetransmission", row.opportunistic ? "true" : "false"});
    }
    else
    {
        attrs.push_back({"TcpCongestionControl", "reno"});
    }
    const mptcp_config cfg = MptcpFastSocketConfig(attrs, path < 0);
    MptcpFastNetwork net(MptcpFastSeed());
    net.Mirror(desc);
    const std::string clientAddr[2] = {MptcpFastNetwork::LinkAddress(lWifi, 0),
                                       MptcpFastNetwork::LinkAddress(lCell, 0)};
    const std::string serverAddr = MptcpFastNetwork::LinkAddress(lServer, 1);
    net.AddAddress(static_cast<int>(client), clientAddr[0], static_cast<int>(lWifi));
    net.AddAddress(static_cast<int>(client), clientAddr[1], static_cast<int>(lCell));
    net.AddAddress(static_cast<int>(server), serverAddr, static_cast<int>(lServer));
    net.InstallStack(static_cast<int>(client), cfg);
    net.InstallStack(static_cast<int>(server), cfg);
    net.DeclareAddress(static_cast<int>(client), clientAddr[0]);
    net.DeclareAddress(static_cast<int>(client), clientAddr[1]);
    net.CountDeliveries(static_cast<int>(server));
    // ns-3 mode's stream: 100 + the two stacks' + one per error model
    // (each lossy link has one at each end)
    int64_t stream = 102;
    for (uint32_t k = 0; k < desc.GetNLinks(); k++)
    {
        stream += desc.GetLinkSpec(k).loss > 0 ? 2 : 0;
    }
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(stream);
    net.AddBulkFlow("mptcp", "mptcp", "subflow ", static_cast<int>(client),
                    clientAddr[path < 0 ? 0 : path], static_cast<int>(server), serverAddr, 5001,
                    Seconds(0.1 + start->GetValue(0, 0.5)));
    net.Run(Seconds(o.duration), Seconds(o.warmup), MilliSeconds(100),
            rec ? rec->Sink() : MptcpScenarioSampleSink());
    Finish(o, row, net.GetFlows(), {}, net.GetSeries(), clientAddr,
           net.GetCounter(static_cast<int>(client), MPTCP_MIB_OPP_RETRANS),
           net.GetCounter(static_cast<int>(client), MPTCP_MIB_PENALISE), rec);
    return row;
}

/** One run; `path` -1 for MPTCP over both, 0 WiFi only, 1 3G only. */
Row
RunOnce(const Options& o, Row row, int path, MptcpRunRecorder* rec)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(o.sndBuf));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(row.rcvBuf));
    MptcpNetworkHelper net;
    const uint32_t client = net.AddNode("client");
    const uint32_t server = net.AddNode("server");
    const uint32_t wifiAp = net.AddNode("wifi-ap");
    const uint32_t cellAp = net.AddNode("3g-ap");
    const uint32_t core = net.AddNode("core");
    MptcpLinkSpec fast;
    fast.rate = "1Gbps";
    fast.queue.packets = 1000;
    const uint32_t lWifi = net.AddLink(client, wifiAp, AccessSpec(o.wifi));
    const uint32_t lCell = net.AddLink(client, cellAp, AccessSpec(o.cell));
    net.AddLink(wifiAp, core, fast);
    net.AddLink(cellAp, core, fast);
    const uint32_t lServer = net.AddLink(core, server, fast);
    if (o.engine == "fast")
    {
        return RunFast(o, row, path, rec, net, client, server, lWifi, lCell, lServer);
    }
    net.Build();
    const Ipv4Address serverAddr = net.GetAddress(lServer, 1);
    const Ipv4Address clientAddr[2] = {net.GetAddress(lWifi, 0), net.GetAddress(lCell, 0)};
    net.PinHostRoutes(client, serverAddr);
    net.PinPath({server, core, wifiAp, client}, clientAddr[0]);
    net.PinPath({server, core, cellAp, client}, clientAddr[1]);

    MptcpStackHelper mptcp;
    mptcp.SetSocketAttribute("CongestionControl", StringValue(o.cc));
    if (path < 0)
    {
        mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
        mptcp.SetSocketAttribute("Scheduler", StringValue(row.scheduler));
        mptcp.SetSocketAttribute("OpportunisticRetransmission", BooleanValue(row.opportunistic));
    }
    else
    {
        mptcp.SetSocketAttribute("Mptcp", BooleanValue(false));
        mptcp.SetSocketAttribute("TcpCongestionControl", StringValue("reno"));
    }
    NodeContainer hosts(net.GetNode(client), net.GetNode(server));
    mptcp.Install(hosts);
    int64_t stream = 100 + mptcp.AssignStreams(hosts, 100);
    stream += net.AssignStreams(stream);
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(stream++);

    MptcpExperiment x(Seconds(o.duration), Seconds(o.warmup), MilliSeconds(100));
    PacketSinkHelper sink("ns3::MptcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5001));
    ApplicationContainer s = sink.Install(net.GetNode(server));
    BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(serverAddr, 5001));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));
    bulk.SetAttribute("SendSize", UintegerValue(16384));
    if (path >= 0)
    {
        // single-path TCP bound to the path's address
        bulk.SetAttribute("Local", AddressValue(InetSocketAddress(clientAddr[path], 0)));
    }
    ApplicationContainer a = bulk.Install(net.GetNode(client));
    a.Start(Seconds(0.1 + start->GetValue(0, 0.5)));
    const uint32_t f = x.AddFlow("mptcp", "mptcp", {DynamicCast<PacketSink>(s.Get(0))});
    x.SetSubflowsOf(f, a.Get(0), "subflow ");
    if (rec)
    {
        x.SetSampleSink(rec->Sink());
    }
    x.Run();

    std::string clientText[2];
    for (int k = 0; k < 2; k++)
    {
        std::ostringstream text;
        text << clientAddr[k];
        clientText[k] = text.str();
    }
    Ptr<MptcpL4Protocol> l4 = net.GetNode(client)->GetObject<MptcpL4Protocol>();
    Finish(o, row, x.GetFlows(), x.GetIpFlows(), x.GetSeries(), clientText,
           l4->GetCounter(MPTCP_MIB_OPP_RETRANS), l4->GetCounter(MPTCP_MIB_PENALISE), rec);
    Simulator::Destroy();
    return row;
}

bool
ParseAccess(const std::string& name,
            const std::string& rate,
            const std::string& delay,
            const std::string& loss,
            const std::string& queue,
            Access& a,
            std::string& why)
{
    if (!(MptcpRateBps(rate) > 0))
    {
        why = "--" + name + "Rate must be a data rate with ns-3's units, e.g. 8Mbps (got \"" +
              rate + "\")";
        return false;
    }
    a.rate = rate;
    return MptcpParseReal(name + "DelayMs", delay, 0, 10000, "ms", a.delayMs, why) &&
           MptcpParseReal(name + "Loss", loss, 0, 0.5, "", a.loss, why) &&
           MptcpParseUint(name + "Queue", queue, 1, 100000, a.queue, why);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string schedulers = "minrtt,roundrobin,redundant,blest,ecf";
    std::string opportunistic = "false,true";
    std::string rcvBufs = "30000";
    std::string baselines = "true";
    std::string wifiRate = "8Mbps", wifiDelay = "10", wifiLoss = "0.02", wifiQueue = "10";
    std::string cellRate = "2Mbps", cellDelay = "75", cellLoss = "0.01", cellQueue = "64";
    std::string sndBuf = "200000";
    std::string duration = "60";
    std::string warmup = "5";
    Options o;
    CommandLine cmd(__FILE__);
    cmd.Usage("WiFi plus 3G (Raiciu et al., NSDI 2012, section 5): MPTCP over a fast lossy "
              "path and a slow one with a small receive buffer; goodput per scheduler, with "
              "and without opportunistic retransmission and penalisation, per buffer size.");
    cmd.AddValue("schedulers", "comma list of schedulers to compare", schedulers);
    cmd.AddValue("opportunistic", "comma list of true/false: opportunistic retransmission",
                 opportunistic);
    cmd.AddValue("rcvBufs", "comma list of server receive buffers (bytes)", rcvBufs);
    cmd.AddValue("baselines", "also run single-path TCP over WiFi and over 3G", baselines);
    cmd.AddValue("cc", "congestion control", o.cc);
    cmd.AddValue("wifiRate", "WiFi rate", wifiRate);
    cmd.AddValue("wifiDelayMs", "WiFi one-way delay (ms)", wifiDelay);
    cmd.AddValue("wifiLoss", "WiFi loss probability per packet (0..0.5)", wifiLoss);
    cmd.AddValue("wifiQueue", "WiFi drop-tail queue (packets)", wifiQueue);
    cmd.AddValue("cellRate", "3G rate", cellRate);
    cmd.AddValue("cellDelayMs", "3G one-way delay (ms)", cellDelay);
    cmd.AddValue("cellLoss", "3G loss probability per packet (0..0.5)", cellLoss);
    cmd.AddValue("cellQueue", "3G drop-tail queue (packets)", cellQueue);
    cmd.AddValue("sndBuf", "client send buffer (bytes)", sndBuf);
    cmd.AddValue("duration", "simulated seconds per run", duration);
    cmd.AddValue("warmup", "seconds before the measurement starts", warmup);
    cmd.AddValue("engine", "simulator: ns3, or fast (the core in its own packet network, "
                 "doc/fast-mode.md)", o.engine);
    MptcpOutputOptions out(kProg);
    out.AddTo(cmd);
    cmd.Parse(argc, argv);
    const std::vector<MptcpResults::Param> config = MptcpResults::ConfigParams();
    std::vector<std::string> scheds, opps, bufs;
    std::string why;
    bool withBaselines = true;
    if (!MptcpNoPositionalArguments(argc, argv, why) ||
        !ParseAccess("wifi", wifiRate, wifiDelay, wifiLoss, wifiQueue, o.wifi, why) ||
        !ParseAccess("cell", cellRate, cellDelay, cellLoss, cellQueue, o.cell, why) ||
        !MptcpParseUint("sndBuf", sndBuf, 1448, 1u << 30, o.sndBuf, why) ||
        !MptcpParseReal("duration", duration, 1, 100000, "s", o.duration, why) ||
        !MptcpParseReal("warmup", warmup, 0, 100000, "s", o.warmup, why) ||
        !MptcpParseBool("baselines", baselines, withBaselines, why) ||
        !MptcpParseList("schedulers", schedulers, scheds, why) ||
        !MptcpParseList("opportunistic", opportunistic, opps, why) ||
        !MptcpParseList("rcvBufs", rcvBufs, bufs, why))
    {
        return Fail(why);
    }
    if (o.warmup >= o.duration)
    {
        return Fail("--warmup must be below --duration");
    }
    if (o.engine != "ns3" && o.engine != "fast")
    {
        return Fail("--engine must be ns3 or fast (got \"" + o.engine + "\")");
    }
    if (mptcp_algo_check(MPTCP_ALGO_CC, o.cc.c_str()) != MPTCP_OK)
    {
        return Fail("--cc: unknown congestion control \"" + o.cc + "\" (" +
                    MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) + ")");
    }
    for (const std::string& s : scheds)
    {
        if (mptcp_algo_check(MPTCP_ALGO_SCHED, s.c_str()) != MPTCP_OK)
        {
            return Fail("--schedulers: unknown scheduler \"" + s + "\" (" +
                        MptcpSocket::AlgorithmNames(MPTCP_ALGO_SCHED) + ")");
        }
    }
    std::vector<bool> oppValues;
    for (const std::string& v : opps)
    {
        bool b = false;
        if (!MptcpParseBool("opportunistic", v, b, why))
        {
            return Fail(why);
        }
        oppValues.push_back(b);
    }
    std::vector<uint32_t> bufValues;
    for (const std::string& v : bufs)
    {
        uint32_t b = 0;
        if (!MptcpParseUint("rcvBufs", v, 1448, 1u << 30, b, why))
        {
            return Fail(why);
        }
        bufValues.push_back(b);
    }
    if (!out.Check(why))
    {
        return Fail(why);
    }
    const std::string cmdline = MptcpCommandLineText(argc, argv);

    // The runs: every combination, then the baselines (one per buffer).
    std::vector<std::pair<Row, int>> plan;
    for (uint32_t buf : bufValues)
    {
        for (const std::string& s : scheds)
        {
            for (bool opp : oppValues)
            {
                Row r;
                r.scheduler = s;
                r.opportunistic = opp;
                r.rcvBuf = buf;
                plan.emplace_back(r, -1);
            }
        }
        for (int path = 0; withBaselines && path < 2; path++)
        {
            Row r;
            r.scheduler = path == 0 ? "tcp-wifi" : "tcp-3g";
            r.rcvBuf = buf;
            plan.emplace_back(r, path);
        }
    }
    const Theory theory = Predict(o);
    std::vector<Row> rows;
    for (const auto& [planned, path] : plan)
    {
        std::vector<MptcpResults::Param> params = {
            {"scheduler", planned.scheduler},
            {"opportunistic", planned.opportunistic ? "true" : "false"},
            {"rcvBuf", std::to_string(planned.rcvBuf)},
            {"cc", o.cc},
            {"sndBuf", std::to_string(o.sndBuf)},
            {"wifi", o.wifi.rate + "/" + MptcpJsonNumber(o.wifi.delayMs) + "ms/" +
                         MptcpJsonNumber(o.wifi.loss) + "/" + std::to_string(o.wifi.queue) + "p"},
            {"cell", o.cell.rate + "/" + MptcpJsonNumber(o.cell.delayMs) + "ms/" +
                         MptcpJsonNumber(o.cell.loss) + "/" + std::to_string(o.cell.queue) + "p"},
            {"duration", MptcpJsonNumber(o.duration)},
            {"warmup", MptcpJsonNumber(o.warmup)}};
        // recorded when not the default: earlier runs keep their identity
        if (o.engine != "ns3")
        {
            params.push_back({"engine", o.engine});
        }
        params.insert(params.end(), config.begin(), config.end());
        const int rc = MptcpRecordRun(
            out,
            kProg,
            params,
            cmdline,
            [&, planned = planned, path = path](MptcpRunRecorder* rec) {
                rows.push_back(RunOnce(o, planned, path, rec));
                rows.back().theoryBps = path < 0 ? theory.mptcp : theory.tcp[path];
                if (rec && std::isfinite(rows.back().theoryBps))
                {
                    rec->AddMetric("", "theory_goodput_bps", rows.back().theoryBps, "bit/s");
                }
            },
            {{"mptcp", "connection"}});
        if (rc != 0)
        {
            return rc;
        }
    }

    if (out.draw)
    {
        MptcpPlot fig("WiFi (" + o.wifi.rate + ") plus 3G (" + o.cell.rate +
                      "): goodput per scheduler");
        const size_t g = fig.AddPanel("goodput", "scheduler", "Mbit/s");
        std::vector<std::pair<double, std::string>> tics;
        for (size_t i = 0; i < scheds.size(); i++)
        {
            tics.emplace_back(static_cast<double>(i + 1), scheds[i]);
        }
        std::string err;
        bool ok = fig.SetXTics(g, tics) && fig.SetYMin(g, 0);
        for (uint32_t buf : bufValues)
        {
            for (bool opp : oppValues)
            {
                std::vector<double> xs, ys;
                for (size_t i = 0; i < scheds.size(); i++)
                {
                    for (const Row& r : rows)
                    {
                        if (r.scheduler == scheds[i] && r.opportunistic == opp && r.rcvBuf == buf)
                        {
                            xs.push_back(static_cast<double>(i + 1));
                            ys.push_back(r.goodputBps / 1e6);
                        }
                    }
                }
                ok = ok && fig.AddSeries(g,
                                         "buffer " + std::to_string(buf) + " B" +
                                             (opp ? ", opportunistic" : ""),
                                         xs,
                                         ys,
                                         &err);
            }
        }
        if (!ok || !fig.Write(out.outputDir, kProg, &err))
        {
            std::fprintf(stderr, "%s: plot: %s\n", kProg, err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{\"scenario\":\"" << kProg << "\",\"params\":{\"cc\":" << MptcpJsonString(o.cc)
       << ",\"sndBuf\":" << o.sndBuf << ",\"wifi\":{\"rate\":" << MptcpJsonString(o.wifi.rate)
       << ",\"delay_ms\":" << MptcpJsonNumber(o.wifi.delayMs)
       << ",\"loss\":" << MptcpJsonNumber(o.wifi.loss) << ",\"queue\":" << o.wifi.queue
       << "},\"cell\":{\"rate\":" << MptcpJsonString(o.cell.rate)
       << ",\"delay_ms\":" << MptcpJsonNumber(o.cell.delayMs)
       << ",\"loss\":" << MptcpJsonNumber(o.cell.loss) << ",\"queue\":" << o.cell.queue
       << "},\"duration_s\":" << MptcpJsonNumber(o.duration)
       << ",\"warmup_s\":" << MptcpJsonNumber(o.warmup)
       << ",\"engine\":" << MptcpJsonString(o.engine) << "},\"theory\":{\"mptcp_mbps\":"
       << MptcpJsonNumber(theory.mptcp / 1e6)
       << ",\"wifi_mbps\":" << MptcpJsonNumber(theory.path[0] / 1e6)
       << ",\"cell_mbps\":" << MptcpJsonNumber(theory.path[1] / 1e6)
       << ",\"tcp_wifi_mbps\":" << MptcpJsonNumber(theory.tcp[0] / 1e6)
       << ",\"tcp_3g_mbps\":" << MptcpJsonNumber(theory.tcp[1] / 1e6)
       << ",\"rcvbuf_needed_bytes\":" << MptcpJsonNumber(std::round(theory.rcvBufNeeded));
    if (!theory.note.empty())
    {
        js << ",\"note\":" << MptcpJsonString(theory.note);
    }
    js << "},\"runs\":[";
    for (size_t i = 0; i < rows.size(); i++)
    {
        const Row& r = rows[i];
        js << (i ? "," : "") << "{\"scheduler\":" << MptcpJsonString(r.scheduler)
           << ",\"opportunistic\":" << (r.opportunistic ? "true" : "false")
           << ",\"rcvBuf\":" << r.rcvBuf << ",\"goodput_mbps\":" << MptcpJsonNumber(r.goodputBps / 1e6)
           << ",\"wifi_mbps\":" << MptcpJsonNumber(r.pathBps[0] / 1e6)
           << ",\"cell_mbps\":" << MptcpJsonNumber(r.pathBps[1] / 1e6)
           << ",\"retransmissions\":" << r.retransmissions
           << ",\"opportunistic_retransmissions\":" << r.oppRetrans
           << ",\"penalisations\":" << r.penalised
           << ",\"stall_share\":" << MptcpJsonNumber(r.stallShare)
           << ",\"theory_mbps\":" << MptcpJsonNumber(r.theoryBps / 1e6) << "}";
    }
    js << "]}";
    std::cout << js.str() << std::endl;
    return std::cout ? 0 : 1;
}
