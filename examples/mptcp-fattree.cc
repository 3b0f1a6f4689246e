/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A k-ary FatTree with flow-hash ECMP and a permutation traffic matrix:
 * the datacenter experiment of Raiciu, Barré, Pluntke, Greenhalgh,
 * Wischik, Handley, "Improving Datacenter Performance and Robustness with
 * Multipath TCP", SIGCOMM 2011 (FatTree: Al-Fares, Loukissas, Vahdat,
 * SIGCOMM 2008). With single-path TCP, flows that hash onto the same link
 * share it while other links idle; MPTCP with several subflows (each its
 * own ports, so its own ECMP path) moves traffic off the collisions.
 *
 * Workloads (--traffic): the permutation of long flows (the paper's);
 * poisson, fixed-size flows arriving at every host (exponential gaps,
 * --load of its link, sizes of mean --flowSize, fixed, exponential or
 * Pareto) to uniform destinations, reporting flow completion times; onoff,
 * every connection an OnOffApplication at the link's rate. Both engines
 * draw the same flows for one --RngRun (doc/fast-mode.md, "Applications").
 *
 * Topology (MptcpNetworkHelper): (k/2)^2 core switches; k pods of k/2
 * aggregation and k/2 edge switches, every edge switch joined to every
 * aggregation switch of its pod; aggregation switch i of each pod joined
 * to core switches i k/2 .. i k/2 + k/2 - 1; k/2 hosts per edge switch:
 * k^3/4 hosts. Every link --rate (100 Mbit/s) and --delayUs (20 us), a
 * drop-tail queue of --queue packets. Routing: MptcpFlowEcmpRouting (a
 * hash of the five-tuple picks among every shortest path), installed by
 * MptcpNetworkHelper::InstallFlowEcmpRouting. Traffic: a random
 * permutation drawn from --RngRun (no host sends to itself), every host a
 * long flow to its partner.
 *
 * One run per entry of --subflows (MPTCP, ndiffports, --cc) and, with
 * --tcp=true, single-path TCP (our engine, MPTCP off, Reno). Each reports,
 * after the warm-up, the aggregate goodput as a fraction of the optimum
 * (every host at its link rate, which a FatTree's full bisection allows
 * for a permutation: hosts x rate x 1448/1500 of payload) and the
 * distribution of per-flow goodput (min, 10th percentile, median, 90th,
 * max, Jain's index, and every flow's, sorted). Each run is recorded in
 * <outputDir>/results.db (scenario "mptcp-fattree", parameter config);
 * --plot=true draws mptcp-fattree.{plt,dat,png,svg}: each run's flows
 * ranked by goodput, as a fraction of the link rate (the SIGCOMM 2011
 * figure). Beside the aggregate, the fluid model's (theory_fraction;
 * helper/mptcp-fluid.h) for the paths the run's subflows took: each
 * subflow traced hop by hop through MptcpFlowEcmpRouting::Lookup, every
 * directed link it crosses a drop-tail link of --rate and --queue, each
 * host's flow a user of --cc (single-path TCP for the tcp run) with one
 * path per subflow, its base RTT the links' propagation delays and one
 * data packet's and one ACK's transmission time per hop. It predicts the
 * cost of hash collisions where the flows settle; the run adds what the
 * model leaves out (slow start, synchronised losses, timeouts). The last
 * stdout line is JSON.
 *
 *   ./mptcp-fattree [--k=4] [--subflows=1,2,4,8] [--tcp=true] [--cc=lia]
 *                   [--duration=10] [--warmup=2] [--RngRun=1]
 *
 * Exit status: 0 when every run finished; 2 for a bad option or a run
 * already recorded; 1 when an output cannot be written.
 */
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-module.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <sys/resource.h>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char kProg[] = "mptcp-fattree";
const size_t kMaxFlows = 200000; // --traffic=poisson

int
Fail(const std::string& why)
{
    std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
    return 2;
}

/** The options, checked. */
struct Options
{
    uint32_t k = 4;
    std::string rate = "100Mbps";
    double delayUs = 20;
    uint32_t queue = 100;
    std::string cc = "lia";
    double duration = 10;
    double warmup = 2;
    std::string engine = "ns3";   //!< ns3 | fast (doc/fast-mode.md)
    uint32_t connections = 0;     //!< 0: one per host (the permutation)
    std::string traffic = "permutation"; //!< permutation | poisson | onoff
    double flowSize = 1e6;        //!< poisson: mean flow size (bytes)
    std::string sizeDist = "fixed"; //!< poisson: fixed | exponential | pareto
    double paretoShape = 1.5;     //!< poisson, pareto: shape (> 1)
    double load = 0.3;            //!< poisson: offered load per host (of its link's rate)
    double onMs = 100;            //!< onoff: mean on period (ms)
    double offMs = 100;           //!< onoff: mean off period (ms)
};

/** One fixed-size flow of the Poisson workload. */
struct Arrival
{
    double t = 0;       //!< start (s)
    uint32_t src = 0;   //!< source host (index)
    uint32_t dst = 0;   //!< destination host
    uint64_t bytes = 0; //!< size
    uint16_t port = 0;  //!< destination port (its own per destination)
};

/** A flow size of --sizeDist with mean --flowSize (bytes, at least 1). */
uint64_t
FlowSize(const Options& o, Ptr<UniformRandomVariable> rng)
{
    if (o.sizeDist == "fixed")
    {
        return static_cast<uint64_t>(std::llround(o.flowSize));
    }
    const double u = rng->GetValue(); // [0, 1)
    double x = 0;
    if (o.sizeDist == "exponential")
    {
        x = -o.flowSize * std::log1p(-u);
    }
    else
    {
        // Pareto with shape a and mean m: scale m (a - 1) / a, x = scale
        // (1 - u)^(-1/a)
        const double a = o.paretoShape;
        x = o.flowSize * (a - 1) / a * std::pow(1 - u, -1 / a);
    }
    return std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(std::min(x, 1e15))));
}

/**
 * The Poisson workload: every host starts fixed-size flows at rate
 * load x link rate / (8 x mean size) per second (exponential gaps) from
 * 0.01 s to the end of the run, each to a host drawn uniformly among the
 * others, its size from --sizeDist; sorted by start. Drawn from ns-3's
 * stream after the permutation, the same for both engines.
 */
void
Arrivals(const Options& o, uint32_t n, Ptr<UniformRandomVariable> rng, std::vector<Arrival>& v)
{
    const double lambda = o.load * MptcpRateBps(o.rate) / (8.0 * o.flowSize);
    for (uint32_t h = 0; h < n; h++)
    {
        for (double t = 0.01;;)
        {
            t += -std::log1p(-rng->GetValue()) / lambda;
            if (t >= o.duration)
            {
                break;
            }
            Arrival a;
            a.t = t;
            a.src = h;
            a.dst = rng->GetInteger(0, n - 2);
            a.dst += a.dst >= h ? 1 : 0;
            a.bytes = FlowSize(o, rng);
            v.push_back(a);
            if (v.size() > kMaxFlows)
            {
                throw std::runtime_error("the workload has more than " +
                                         std::to_string(kMaxFlows) +
                                         " flows: lower --load or --duration, or raise --flowSize");
            }
        }
    }
    std::stable_sort(v.begin(), v.end(),
                     [](const Arrival& a, const Arrival& b) { return a.t < b.t; });
    std::vector<uint32_t> next(n, 0);
    for (Arrival& a : v)
    {
        if (next[a.dst] >= 60000)
        {
            throw std::runtime_error("more than 60000 flows to one host: lower --load or "
                                     "--duration");
        }
        a.port = static_cast<uint16_t>(5000 + next[a.dst]++);
    }
}

/** ns-3's exponential random variable with this mean in ms, as an
 *  attribute value. */
std::string
ExpVariable(double meanMs)
{
    char b[96];
    std::snprintf(b, sizeof(b), "ns3::ExponentialRandomVariable[Mean=%.9g]", meanMs / 1e3);
    return b;
}

/** ns-3 mode: what a fixed-size flow's sink received, and when the last
 *  byte arrived (ns; -1: not yet). */
struct SinkDone
{
    uint64_t need = 0;
    uint64_t got = 0;
    int64_t at = -1;
};

void
SinkRx(SinkDone* d, Ptr<const Packet> p, const Address&)
{
    d->got += p->GetSize();
    if (d->at < 0 && d->got >= d->need)
    {
        d->at = Simulator::Now().GetNanoSeconds();
    }
}

/** The connections of a run: (source host, destination host) by index.
 *  Connection c leaves host c mod n for perm applied 1 + (c / n) mod
 *  (n - 1) times: one permutation when there are n, and with more, every
 *  host sends and receives the same number (to within one), never to
 *  itself (perm is one cycle through the n hosts); past n (n - 1)
 *  connections, pairs repeat on other ports. */
std::vector<std::pair<uint32_t, uint32_t>>
Connections(const std::vector<uint32_t>& perm, uint32_t count)
{
    const uint32_t n = static_cast<uint32_t>(perm.size());
    std::vector<std::pair<uint32_t, uint32_t>> v;
    for (uint32_t c = 0; c < (count ? count : n); c++)
    {
        uint32_t d = c % n;
        for (uint32_t m = 0; m <= (c / n) % (n - 1); m++)
        {
            d = perm[d];
        }
        v.emplace_back(c % n, d);
    }
    return v;
}

/** One run's figures. */
struct Row
{
    std::string config;              //!< "tcp" or "mptcp-N"
    uint32_t subflows = 1;           //!< subflows per connection (tcp: 1)
    double fraction = 0;             //!< aggregate goodput / optimum
    double meanBps = 0;              //!< mean per-flow goodput
    double jain = 0;                 //!< Jain over the flows
    std::vector<double> sortedBps;   //!< per-flow goodput, ascending
    double theoryFraction = 0;       //!< fluid model's aggregate / optimum (NaN: none)
    std::string theoryNote;          //!< why there is none ("" when there is)
    uint64_t events = 0;             //!< events the simulator executed
    uint64_t networkBytes = 0;       //!< fast engine: the network's memory
    uint64_t stackBytes = 0;         //!< fast engine: the stacks' memory at the end
    double wallS = 0;                //!< wall time of the run
    // poisson: the flows that started after the warm-up
    uint64_t arrived = 0;            //!< flows started
    uint64_t completed = 0;          //!< of them, flows whose last byte arrived
    std::vector<double> fctMs;       //!< their completion times (ms), ascending
};

/** "a.b.c.d:port" into its parts; false when it is not one. */
bool
SplitEndpoint(const std::string& s, Ipv4Address& a, uint16_t& port)
{
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos)
    {
        return false;
    }
    a = Ipv4Address(s.substr(0, colon).c_str());
    port = static_cast<uint16_t>(std::strtoul(s.c_str() + colon + 1, nullptr, 10));
    return true;
}

/** The node's MptcpFlowEcmpRouting, or null. */
Ptr<MptcpFlowEcmpRouting>
EcmpOf(Ptr<Node> node)
{
    Ptr<Ipv4ListRouting> list =
        DynamicCast<Ipv4ListRouting>(node->GetObject<Ipv4>()->GetRoutingProtocol());
    for (uint32_t i = 0; list && i < list->GetNRoutingProtocols(); i++)
    {
        int16_t prio = 0;
        Ptr<MptcpFlowEcmpRouting> e =
            DynamicCast<MptcpFlowEcmpRouting>(list->GetRoutingProtocol(i, prio));
        if (e)
        {
            return e;
        }
    }
    return nullptr;
}

/** The directed links (each an integer of the engine's) a subflow from
 *  local to remote ("a.b.c.d:port") crosses; false when there is none. */
typedef std::function<bool(const std::string&, const std::string&, std::vector<int>&)> Tracer;

/**
 * The fluid model's aggregate over the optimum for the paths the flows'
 * subflows took (see the file's comment); NaN and `why` when there is none.
 */
double
PredictFraction(const Options& o,
                bool tcp,
                const std::vector<MptcpScenarioFlow>& flows,
                const Tracer& trace,
                double optimumBps,
                std::string& why)
{
    const double nan = std::nan("");
    const double bps = MptcpRateBps(o.rate);
    const double hopRtt = 2 * o.delayUs * 1e-6 + 8.0 * (1500 + 52) / bps;
    MptcpFluidModel model(1448);
    std::map<int, int> linkOf; // the model's link of each directed link of the network
    std::vector<int> users;
    for (const MptcpScenarioFlow& f : flows)
    {
        const int user = model.AddUser(tcp ? "tcp" : o.cc);
        if (user < 0)
        {
            why = model.Why();
            return nan;
        }
        users.push_back(user);
        for (const MptcpScenarioSubflow& sf : f.subflows)
        {
            std::vector<int> hops;
            if (!trace(sf.local, sf.remote, hops))
            {
                why = "no route for subflow " + sf.local + " -> " + sf.remote;
                return nan;
            }
            std::vector<int> links;
            for (int h : hops)
            {
                auto it = linkOf.find(h);
                if (it == linkOf.end())
                {
                    it = linkOf.emplace(h, model.AddDropTail(bps, o.queue)).first;
                }
                links.push_back(it->second);
            }
            if (model.AddPath(user, hopRtt * links.size(), links) < 0)
            {
                why = model.Why();
                return nan;
            }
        }
    }
    if (!model.Solve())
    {
        why = model.Why();
        return nan;
    }
    double sum = 0;
    for (int u : users)
    {
        sum += model.UserBps(u);
    }
    return optimumBps > 0 ? sum / optimumBps : nan;
}

/** The q-quantile (0..1) of ascending values, by linear interpolation. */
double
Quantile(const std::vector<double>& v, double q)
{
    if (v.empty())
    {
        return std::nan("");
    }
    const double pos = q * (v.size() - 1);
    const size_t i = static_cast<size_t>(std::floor(pos));
    const size_t j = std::min(i + 1, v.size() - 1);
    return v[i] + (v[j] - v[i]) * (pos - i);
}

/** The mean of the values (NaN: none). */
double
Mean(const std::vector<double>& v)
{
    double sum = 0;
    for (double x : v)
    {
        sum += x;
    }
    return v.empty() ? std::nan("") : sum / v.size();
}

/** The row's figures from the flows (either engine). */
void
Finish(const Options& o, bool tcp, const std::vector<MptcpScenarioFlow>& flows,
       const Tracer& trace, uint32_t hosts, Row& row)
{
    double sum = 0;
    for (const MptcpScenarioFlow& f : flows)
    {
        row.sortedBps.push_back(f.goodputBps);
        sum += f.goodputBps;
    }
    std::sort(row.sortedBps.begin(), row.sortedBps.end());
    row.meanBps = flows.empty() ? 0 : sum / flows.size();
    row.jain = MptcpJain(row.sortedBps);
    // every host at its link's rate: what a FatTree allows a permutation
    const double optimum = hosts * MptcpRateBps(o.rate) * 1448.0 / 1500.0;
    row.fraction = optimum > 0 ? sum / optimum : 0;
    if (o.traffic == "onoff")
    {
        row.theoryFraction = std::nan("");
        row.theoryNote = "the fluid model is for long flows, not on/off sources";
    }
    else if (flows.size() > hosts)
    {
        row.theoryFraction = std::nan("");
        row.theoryNote = "the fluid model is computed for one connection per host";
    }
    else
    {
        row.theoryFraction = PredictFraction(o, tcp, flows, trace, optimum, row.theoryNote);
    }
}

/**
 * The row's figures for the Poisson workload (either engine): the
 * aggregate over the optimum from every flow's bytes after the warm-up;
 * for the flows that started after it, how many completed, their
 * completion times and their rates (size / completion time), which
 * stand for the per-flow goodput. No fluid model: it is for long flows.
 */
void
FinishPoisson(const Options& o, const std::vector<Arrival>& arrivals,
              const std::vector<int64_t>& completedAt, const std::vector<MptcpScenarioFlow>& flows,
              uint32_t hosts, Row& row)
{
    double sum = 0;
    for (const MptcpScenarioFlow& f : flows)
    {
        sum += f.goodputBps;
    }
    const double optimum = hosts * MptcpRateBps(o.rate) * 1448.0 / 1500.0;
    row.fraction = optimum > 0 ? sum / optimum : 0;
    for (size_t c = 0; c < arrivals.size(); c++)
    {
        if (arrivals[c].t < o.warmup)
        {
            continue;
        }
        row.arrived++;
        const double fct = completedAt[c] >= 0 ? completedAt[c] * 1e-9 - arrivals[c].t : -1;
        if (fct > 0)
        {
            row.completed++;
            row.fctMs.push_back(fct * 1e3);
            row.sortedBps.push_back(8.0 * arrivals[c].bytes / fct);
        }
    }
    std::sort(row.fctMs.begin(), row.fctMs.end());
    std::sort(row.sortedBps.begin(), row.sortedBps.end());
    double rates = 0;
    for (double b : row.sortedBps)
    {
        rates += b;
    }
    row.meanBps = row.sortedBps.empty() ? std::nan("") : rates / row.sortedBps.size();
    row.jain = row.sortedBps.empty() ? std::nan("") : MptcpJain(row.sortedBps);
    row.theoryFraction = std::nan("");
    row.theoryNote = "the fluid model is for long flows, not a Poisson workload";
}

/** Record a run's figures (either engine). */
void
Record(MptcpRunRecorder* rec, const Row& row, const std::vector<MptcpScenarioFlow>& flows,
       const std::vector<MptcpScenarioIpFlow>& ipFlows)
{
    rec->AddMetric("", "aggregate_fraction", row.fraction, "");
    if (std::isfinite(row.theoryFraction))
    {
        rec->AddMetric("", "theory_aggregate_fraction", row.theoryFraction, "");
    }
    rec->AddMetric("", "flow_goodput_mean_bps", row.meanBps, "bit/s");
    rec->AddMetric("", "flow_goodput_min_bps", Quantile(row.sortedBps, 0), "bit/s");
    rec->AddMetric("", "flow_goodput_p10_bps", Quantile(row.sortedBps, 0.1), "bit/s");
    rec->AddMetric("", "flow_goodput_median_bps", Quantile(row.sortedBps, 0.5), "bit/s");
    rec->AddMetric("", "flow_goodput_p90_bps", Quantile(row.sortedBps, 0.9), "bit/s");
    rec->AddMetric("", "flow_goodput_max_bps", Quantile(row.sortedBps, 1), "bit/s");
    rec->AddMetric("", "jain_flows", row.jain, "");
    if (row.arrived)
    {
        rec->AddMetric("", "flows_arrived", static_cast<double>(row.arrived), "");
        rec->AddMetric("", "flows_completed", static_cast<double>(row.completed), "");
        if (!row.fctMs.empty())
        {
            rec->AddMetric("", "fct_mean_ms", Mean(row.fctMs), "ms");
            rec->AddMetric("", "fct_p50_ms", Quantile(row.fctMs, 0.5), "ms");
            rec->AddMetric("", "fct_p99_ms", Quantile(row.fctMs, 0.99), "ms");
        }
    }
    rec->AddFlows(flows, ipFlows);
}

/** Sattolo's algorithm: a random permutation that is one cycle through
 *  every host (no host sends to itself), from ns-3's stream. */
std::vector<uint32_t>
Permutation(uint32_t n, Ptr<UniformRandomVariable> rng)
{
    std::vector<uint32_t> perm(n);
    for (uint32_t i = 0; i < n; i++)
    {
        perm[i] = i;
    }
    for (uint32_t i = n - 1; i > 0; i--)
    {
        const uint32_t j = rng->GetInteger(0, i - 1);
        std::swap(perm[i], perm[j]);
    }
    return perm;
}

Row
RunOnce(const Options& o, bool tcp, uint32_t subflows, MptcpRunRecorder* rec)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 21));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 21));
    const uint32_t h = o.k / 2;
    MptcpLinkSpec link;
    link.rate = o.rate;
    link.delay = NanoSeconds(std::llround(o.delayUs * 1000));
    link.queue.disc = "droptail";
    link.queue.packets = o.queue;
    MptcpNetworkHelper net;
    std::vector<uint32_t> core;
    std::vector<uint32_t> hosts;
    for (uint32_t c = 0; c < h * h; c++)
    {
        core.push_back(net.AddNode("core-" + std::to_string(c)));
    }
    for (uint32_t p = 0; p < o.k; p++)
    {
        std::vector<uint32_t> agg;
        for (uint32_t i = 0; i < h; i++)
        {
            const std::string tag = std::to_string(p) + "-" + std::to_string(i);
            agg.push_back(net.AddNode("agg-" + tag));
            for (uint32_t c = 0; c < h; c++)
            {
                net.AddLink(core[i * h + c], agg[i], link);
            }
        }
        for (uint32_t e = 0; e < h; e++)
        {
            const std::string tag = std::to_string(p) + "-" + std::to_string(e);
            const uint32_t edge = net.AddNode("edge-" + tag);
            for (uint32_t i = 0; i < h; i++)
            {
                net.AddLink(agg[i], edge, link);
            }
            for (uint32_t j = 0; j < h; j++)
            {
                const uint32_t host = net.AddNode("host-" + tag + "-" + std::to_string(j));
                net.AddLink(edge, host, link);
                hosts.push_back(host);
            }
        }
    }
    net.Build();
    net.InstallFlowEcmpRouting();
    // each host's address: its end of its edge link (the host is side 1)
    std::vector<Ipv4Address> address;
    for (uint32_t host : hosts)
    {
        Ptr<Ipv4> ipv4 = net.GetNode(host)->GetObject<Ipv4>();
        address.push_back(ipv4->GetAddress(1, 0).GetLocal());
    }

    NodeContainer hostNodes;
    for (uint32_t host : hosts)
    {
        hostNodes.Add(net.GetNode(host));
    }
    MptcpStackHelper mptcp;
    if (tcp)
    {
        mptcp.SetSocketAttribute("Mptcp", BooleanValue(false));
        mptcp.SetSocketAttribute("CongestionControl", StringValue("reno"));
    }
    else
    {
        mptcp.SetSocketAttribute("PathManager", StringValue("ndiffports"));
        mptcp.SetSocketAttribute("Subflows", UintegerValue(subflows));
        mptcp.SetSocketAttribute("CongestionControl", StringValue(o.cc));
    }
    mptcp.Install(hostNodes);
    int64_t stream = 100 + mptcp.AssignStreams(hostNodes, 100);
    Ptr<UniformRandomVariable> rng = CreateObject<UniformRandomVariable>();
    rng->SetStream(stream++);
    // the same for every run of one --RngRun
    const uint32_t n = static_cast<uint32_t>(hosts.size());
    const std::vector<uint32_t> perm = Permutation(n, rng);

    const bool poisson = o.traffic == "poisson";
    // poisson: one sample at the end (no series of thousands of short flows)
    MptcpExperiment x(Seconds(o.duration), Seconds(o.warmup),
                      poisson ? Seconds(o.duration) : MilliSeconds(500));
    const auto conns = Connections(perm, o.connections);
    std::vector<Arrival> arrivals;
    std::vector<SinkDone> done;
    if (poisson)
    {
        Arrivals(o, n, rng, arrivals);
        done.resize(arrivals.size());
    }
    const size_t count = poisson ? arrivals.size() : conns.size();
    for (uint32_t c = 0; c < count; c++)
    {
        const uint16_t port = poisson ? arrivals[c].port : static_cast<uint16_t>(5000 + c);
        const uint32_t src = poisson ? arrivals[c].src : conns[c].first;
        const uint32_t dst = poisson ? arrivals[c].dst : conns[c].second;
        PacketSinkHelper sink("ns3::MptcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
        ApplicationContainer s = sink.Install(hostNodes.Get(dst));
        ApplicationContainer a;
        if (o.traffic == "onoff")
        {
            OnOffHelper onoff("ns3::MptcpSocketFactory", InetSocketAddress(address[dst], port));
            onoff.SetAttribute("DataRate", DataRateValue(DataRate(o.rate)));
            onoff.SetAttribute("PacketSize", UintegerValue(1448));
            onoff.SetAttribute("OnTime", StringValue(ExpVariable(o.onMs)));
            onoff.SetAttribute("OffTime", StringValue(ExpVariable(o.offMs)));
            a = onoff.Install(hostNodes.Get(src));
        }
        else
        {
            BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(address[dst], port));
            bulk.SetAttribute("MaxBytes", UintegerValue(poisson ? arrivals[c].bytes : 0));
            bulk.SetAttribute("SendSize", UintegerValue(16384));
            a = bulk.Install(hostNodes.Get(src));
        }
        a.Start(Seconds(poisson ? arrivals[c].t : 0.01 + rng->GetValue(0, 0.1)));
        if (poisson)
        {
            done[c].need = arrivals[c].bytes;
            s.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&SinkRx, &done[c]));
        }
        const std::string entity = (tcp ? "tcp " : "mptcp ") + std::to_string(c);
        const uint32_t f = x.AddFlow(tcp ? "tcp" : "mptcp", entity, {DynamicCast<PacketSink>(s.Get(0))});
        x.SetSubflowsOf(f, a.Get(0), entity + " subflow ");
    }
    if (rec && !poisson)
    {
        x.SetSampleSink(rec->Sink());
    }
    x.Run();

    Row row;
    row.config = tcp ? "tcp" : "mptcp-" + std::to_string(subflows);
    std::map<uint32_t, Ptr<Node>> hostOf;
    for (uint32_t i = 0; i < n; i++)
    {
        hostOf[address[i].Get()] = hostNodes.Get(i);
    }
    row.subflows = tcp ? 1 : subflows;
    std::map<Ptr<NetDevice>, int> deviceId;
    Tracer trace = [&hostOf, &deviceId](const std::string& local, const std::string& remote,
                                        std::vector<int>& hops) {
        Ipv4Address src;
        Ipv4Address dst;
        uint16_t sport = 0;
        uint16_t dport = 0;
        hops.clear();
        if (!SplitEndpoint(local, src, sport) || !SplitEndpoint(remote, dst, dport) ||
            hostOf.count(src.Get()) == 0)
        {
            return false;
        }
        Ptr<Node> node = hostOf.at(src.Get());
        for (int hop = 0; node->GetObject<Ipv4>()->GetInterfaceForAddress(dst) < 0; hop++)
        {
            Ptr<MptcpFlowEcmpRouting> ecmp = EcmpOf(node);
            Ptr<Ipv4Route> r = ecmp ? ecmp->Lookup(src, dst, sport, dport) : nullptr;
            Ptr<NetDevice> dev = r ? r->GetOutputDevice() : nullptr;
            Ptr<Channel> ch = dev ? dev->GetChannel() : nullptr;
            if (!ch || ch->GetNDevices() != 2 || hop > 64)
            {
                return false;
            }
            const int id = deviceId.emplace(dev, static_cast<int>(deviceId.size())).first->second;
            hops.push_back(id);
            Ptr<NetDevice> peer = ch->GetDevice(0) == dev ? ch->GetDevice(1) : ch->GetDevice(0);
            node = peer->GetNode();
        }
        return true;
    };
    if (poisson)
    {
        std::vector<int64_t> at;
        for (const SinkDone& d : done)
        {
            at.push_back(d.at);
        }
        FinishPoisson(o, arrivals, at, x.GetFlows(), n, row);
    }
    else
    {
        Finish(o, tcp, x.GetFlows(), trace, n, row);
    }
    if (rec)
    {
        Record(rec, row, x.GetFlows(), x.GetIpFlows());
    }
    row.events = Simulator::GetEventCount();
    Simulator::Destroy();
    return row;
}

/**
 * The same run on the fast engine (doc/fast-mode.md): the same switches
 * and links in the same order (so the same addresses: link k is
 * 10.(1 + k / 256).(k % 256).0/24, a host its side .2), each link a
 * one-packet device queue behind --queue packets, the core configured
 * from the same socket attributes, the same permutation and start times
 * (drawn from ns-3's stream as in ns-3 mode); ECMP by the fast engine's
 * flow hash (another hash than MptcpFlowEcmpRouting's: the same flow may
 * take another of the equal paths).
 */
Row
RunOnceFast(const Options& o, bool tcp, uint32_t subflows, MptcpRunRecorder* rec)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 21));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 21));
    const mptcp_config cfg =
        tcp ? MptcpFastSocketConfig({{"CongestionControl", "reno"}}, false)
            : MptcpFastSocketConfig({{"PathManager", "ndiffports"},
                                     {"Subflows", std::to_string(subflows)},
                                     {"CongestionControl", o.cc}},
                                    true);
    const uint32_t h = o.k / 2;
    const double bps = MptcpRateBps(o.rate);
    const Time delay = NanoSeconds(std::llround(o.delayUs * 1000));
    MptcpFastNetwork net(MptcpFastSeed());
    int links = 0;
    auto link = [&](int a, int b) {
        net.AddLink(a, b, bps, delay, o.queue + 1);
        return links++;
    };
    std::vector<int> core;
    std::vector<int> hosts;
    std::vector<std::string> address;
    for (uint32_t c = 0; c < h * h; c++)
    {
        core.push_back(net.AddNode("core-" + std::to_string(c)));
    }
    for (uint32_t p = 0; p < o.k; p++)
    {
        std::vector<int> agg;
        for (uint32_t i = 0; i < h; i++)
        {
            agg.push_back(net.AddNode("agg-" + std::to_string(p) + "-" + std::to_string(i)));
            for (uint32_t c = 0; c < h; c++)
            {
                link(core[i * h + c], agg[i]);
            }
        }
        for (uint32_t e = 0; e < h; e++)
        {
            const std::string tag = std::to_string(p) + "-" + std::to_string(e);
            const int edge = net.AddNode("edge-" + tag);
            for (uint32_t i = 0; i < h; i++)
            {
                link(agg[i], edge);
            }
            for (uint32_t j = 0; j < h; j++)
            {
                const int host = net.AddNode("host-" + tag + "-" + std::to_string(j));
                const int l = link(edge, host);
                address.push_back("10." + std::to_string(1 + l / 256) + "." +
                                  std::to_string(l % 256) + ".2");
                net.AddAddress(host, address.back(), l);
                net.InstallStack(host, cfg);
                hosts.push_back(host);
            }
        }
    }
    // ns-3 mode draws the permutation and start times from stream 100 +
    // the streams its stacks take (one per host)
    Ptr<UniformRandomVariable> rng = CreateObject<UniformRandomVariable>();
    rng->SetStream(100 + static_cast<int64_t>(hosts.size()));
    const uint32_t n = static_cast<uint32_t>(hosts.size());
    const std::vector<uint32_t> perm = Permutation(n, rng);
    const bool poisson = o.traffic == "poisson";
    const auto conns = Connections(perm, o.connections);
    std::vector<Arrival> arrivals;
    if (poisson)
    {
        Arrivals(o, n, rng, arrivals);
    }
    const size_t count = poisson ? arrivals.size() : conns.size();
    for (uint32_t c = 0; c < count; c++)
    {
        const std::string entity = (tcp ? "tcp " : "mptcp ") + std::to_string(c);
        const uint32_t src = poisson ? arrivals[c].src : conns[c].first;
        const uint32_t dst = poisson ? arrivals[c].dst : conns[c].second;
        const uint16_t port = poisson ? arrivals[c].port : static_cast<uint16_t>(5000 + c);
        const Time start = Seconds(poisson ? arrivals[c].t : 0.01 + rng->GetValue(0, 0.1));
        const uint32_t f = net.AddBulkFlow(tcp ? "tcp" : "mptcp", entity, entity + " subflow ",
                                           hosts[src], address[src], hosts[dst], address[dst],
                                           port, start);
        MptcpFastApp app;
        if (poisson)
        {
            app.bytes = arrivals[c].bytes;
            net.SetFlowApp(f, app);
        }
        else if (o.traffic == "onoff")
        {
            app.onOffRateBps = bps;
            app.onMeanS = o.onMs / 1e3;
            app.offMeanS = o.offMs / 1e3;
            net.SetFlowApp(f, app);
        }
    }
    net.Run(Seconds(o.duration), Seconds(o.warmup),
            poisson ? Seconds(o.duration) : MilliSeconds(500),
            rec && !poisson ? rec->Sink() : MptcpScenarioSampleSink());

    Row row;
    row.config = tcp ? "tcp" : "mptcp-" + std::to_string(subflows);
    row.subflows = tcp ? 1 : subflows;
    Tracer trace = [&net](const std::string& local, const std::string& remote,
                          std::vector<int>& hops) { return net.TracePath(local, remote, hops); };
    if (poisson)
    {
        std::vector<int64_t> at;
        for (uint32_t c = 0; c < arrivals.size(); c++)
        {
            at.push_back(net.GetCompletion(c));
        }
        FinishPoisson(o, arrivals, at, net.GetFlows(), n, row);
    }
    else
    {
        Finish(o, tcp, net.GetFlows(), trace, n, row);
    }
    if (rec)
    {
        Record(rec, row, net.GetFlows(), {});
    }
    const MptcpFastRunStats st = net.GetStats();
    row.events = st.events;
    row.networkBytes = st.networkBytes;
    row.stackBytes = st.stackBytes;
    return row;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string k = "4";
    std::string subflows = "1,2,4,8";
    std::string tcp = "true";
    std::string delayUs = "20";
    std::string queue = "100";
    std::string duration = "10";
    std::string warmup = "2";
    std::string connections = "0";
    std::string flowSize = "1000000";
    std::string paretoShape = "1.5";
    std::string load = "0.3";
    std::string onMs = "100";
    std::string offMs = "100";
    Options o;
    CommandLine cmd(__FILE__);
    cmd.Usage("A k-ary FatTree with flow-hash ECMP and a permutation traffic matrix (Raiciu "
              "et al., SIGCOMM 2011): aggregate goodput against the optimum and the per-flow "
              "distribution, for MPTCP with each number of subflows and single-path TCP.");
    cmd.AddValue("k", "FatTree arity (even, 4..16): k^3/4 hosts", k);
    cmd.AddValue("subflows", "comma list of MPTCP subflow counts (1..8), one run each", subflows);
    cmd.AddValue("tcp", "also run single-path TCP", tcp);
    cmd.AddValue("cc", "congestion control of MPTCP", o.cc);
    cmd.AddValue("rate", "rate of every link", o.rate);
    cmd.AddValue("delayUs", "one-way delay of every link in microseconds (0..100000)", delayUs);
    cmd.AddValue("queue", "drop-tail queue of every link in packets", queue);
    cmd.AddValue("duration", "simulated seconds per run", duration);
    cmd.AddValue("warmup", "seconds before the measurement starts", warmup);
    cmd.AddValue("engine", "simulator: ns3, or fast (the core in its own packet network, "
                 "doc/fast-mode.md)", o.engine);
    cmd.AddValue("connections", "connections, 0..40000 (0: one per host, the permutation; "
                 "more: host i mod n sends connection i, every host the same number)",
                 connections);
    cmd.AddValue("traffic", "permutation (a long flow per connection), poisson (fixed-size "
                 "flows, Poisson arrivals at every host, uniform destinations: flow "
                 "completion times) or onoff (each connection an on/off source)", o.traffic);
    cmd.AddValue("flowSize", "poisson: mean flow size in bytes (1..1e12)", flowSize);
    cmd.AddValue("sizeDist", "poisson: flow sizes fixed, exponential or pareto", o.sizeDist);
    cmd.AddValue("paretoShape", "poisson, pareto: the shape (1.05..10)", paretoShape);
    cmd.AddValue("load", "poisson: offered load per host, a fraction of its link's rate "
                 "(0.001..2)", load);
    cmd.AddValue("onMs", "onoff: mean on period in ms (exponential; 0.001..1e6)", onMs);
    cmd.AddValue("offMs", "onoff: mean off period in ms (exponential; 0..1e6)", offMs);
    MptcpOutputOptions out(kProg);
    out.AddTo(cmd);
    cmd.Parse(argc, argv);
    const std::vector<MptcpResults::Param> config = MptcpResults::ConfigParams();
    std::vector<std::string> counts;
    bool withTcp = true;
    std::string why;
    if (!MptcpNoPositionalArguments(argc, argv, why) ||
        !MptcpParseUint("k", k, 4, 16, o.k, why) ||
        !MptcpParseReal("delayUs", delayUs, 0, 100000, "us", o.delayUs, why) ||
        !MptcpParseUint("queue", queue, 1, 100000, o.queue, why) ||
        !MptcpParseReal("duration", duration, 0.1, 100000, "s", o.duration, why) ||
        !MptcpParseReal("warmup", warmup, 0, 100000, "s", o.warmup, why) ||
        !MptcpParseBool("tcp", tcp, withTcp, why) ||
        !MptcpParseUint("connections", connections, 0, 40000, o.connections, why) ||
        !MptcpParseReal("flowSize", flowSize, 1, 1e12, "bytes", o.flowSize, why) ||
        !MptcpParseReal("paretoShape", paretoShape, 1.05, 10, "", o.paretoShape, why) ||
        !MptcpParseReal("load", load, 0.001, 2, "", o.load, why) ||
        !MptcpParseReal("onMs", onMs, 0.001, 1e6, "ms", o.onMs, why) ||
        !MptcpParseReal("offMs", offMs, 0, 1e6, "ms", o.offMs, why) ||
        !MptcpParseList("subflows", subflows, counts, why))
    {
        return Fail(why);
    }
    if (o.k % 2)
    {
        return Fail("--k must be even (got " + k + ")");
    }
    if (o.engine != "ns3" && o.engine != "fast")
    {
        return Fail("--engine must be ns3 or fast (got \"" + o.engine + "\")");
    }
    if (!(MptcpRateBps(o.rate) > 0))
    {
        return Fail("--rate must be a data rate with ns-3's units, e.g. 100Mbps (got \"" + o.rate +
                    "\")");
    }
    if (o.warmup >= o.duration)
    {
        return Fail("--warmup must be below --duration");
    }
    if (o.traffic != "permutation" && o.traffic != "poisson" && o.traffic != "onoff")
    {
        return Fail("--traffic must be permutation, poisson or onoff (got \"" + o.traffic + "\")");
    }
    if (o.sizeDist != "fixed" && o.sizeDist != "exponential" && o.sizeDist != "pareto")
    {
        return Fail("--sizeDist must be fixed, exponential or pareto (got \"" + o.sizeDist +
                    "\")");
    }
    if (o.traffic == "poisson" && o.connections)
    {
        return Fail("--connections is for the permutation and onoff workloads; --traffic=poisson "
                    "draws its flows from --load");
    }
    if (o.traffic == "poisson")
    {
        // the expected number of flows, against the limit the workload keeps
        const double expected = o.k * o.k * o.k / 4.0 * o.load * MptcpRateBps(o.rate) /
                                (8.0 * o.flowSize) * o.duration;
        if (expected > 0.9 * kMaxFlows)
        {
            return Fail("--traffic=poisson would start about " +
                        std::to_string(static_cast<uint64_t>(expected)) + " flows (at most " +
                        std::to_string(kMaxFlows) +
                        "): lower --load or --duration, or raise --flowSize");
        }
    }
    if (mptcp_algo_check(MPTCP_ALGO_CC, o.cc.c_str()) != MPTCP_OK)
    {
        return Fail("--cc: unknown congestion control \"" + o.cc + "\" (" +
                    MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) + ")");
    }
    std::vector<uint32_t> subflowCounts;
    for (const std::string& c : counts)
    {
        uint32_t v = 0;
        if (!MptcpParseUint("subflows", c, 1, 8, v, why))
        {
            return Fail(why);
        }
        subflowCounts.push_back(v);
    }
    if (!out.Check(why))
    {
        return Fail(why);
    }
    const std::string cmdline = MptcpCommandLineText(argc, argv);

    std::vector<std::pair<bool, uint32_t>> plan;
    if (withTcp)
    {
        plan.emplace_back(true, 1);
    }
    for (uint32_t s : subflowCounts)
    {
        plan.emplace_back(false, s);
    }
    std::vector<Row> rows;
    try
    {
        for (const auto& [isTcp, s] : plan)
        {
            std::vector<MptcpResults::Param> params = {
                {"config", isTcp ? "tcp" : "mptcp-" + std::to_string(s)},
                {"k", std::to_string(o.k)},
                {"cc", isTcp ? "reno" : o.cc},
                {"rate", o.rate},
                {"delayUs", MptcpJsonNumber(o.delayUs)},
                {"queue", std::to_string(o.queue)},
                {"duration", MptcpJsonNumber(o.duration)},
                {"warmup", MptcpJsonNumber(o.warmup)}};
            // recorded when not the default, so that earlier runs keep their
            // identity
            if (o.engine != "ns3")
            {
                params.push_back({"engine", o.engine});
            }
            if (o.connections)
            {
                params.push_back({"connections", std::to_string(o.connections)});
            }
            if (o.traffic == "poisson")
            {
                params.push_back({"traffic", o.traffic});
                params.push_back({"flowSize", MptcpJsonNumber(o.flowSize)});
                params.push_back({"sizeDist", o.sizeDist});
                if (o.sizeDist == "pareto")
                {
                    params.push_back({"paretoShape", MptcpJsonNumber(o.paretoShape)});
                }
                params.push_back({"load", MptcpJsonNumber(o.load)});
            }
            else if (o.traffic == "onoff")
            {
                params.push_back({"traffic", o.traffic});
                params.push_back({"onMs", MptcpJsonNumber(o.onMs)});
                params.push_back({"offMs", MptcpJsonNumber(o.offMs)});
            }
            params.insert(params.end(), config.begin(), config.end());
            const int rc = MptcpRecordRun(out, kProg, params, cmdline, [&](MptcpRunRecorder* rec) {
                const auto t0 = std::chrono::steady_clock::now();
                rows.push_back(o.engine == "fast" ? RunOnceFast(o, isTcp, s, rec)
                                                  : RunOnce(o, isTcp, s, rec));
                Row& r = rows.back();
                r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                struct rusage ru;
                getrusage(RUSAGE_SELF, &ru);
                // what a run cost, on stderr: it differs between executions
                std::fprintf(stderr,
                             "%s: %s on %s: %zu connections, %.3f s of wall time, %llu events "
                             "(%.0f per second), peak RSS %.1f MB",
                             kProg, r.config.c_str(), o.engine.c_str(), r.sortedBps.size(), r.wallS,
                             static_cast<unsigned long long>(r.events),
                             r.wallS > 0 ? r.events / r.wallS : 0.0, ru.ru_maxrss / 1024.0);
                if (o.engine == "fast")
                {
                    std::fprintf(stderr, "; network %.1f MB, stacks %.1f MB",
                                 r.networkBytes / 1048576.0, r.stackBytes / 1048576.0);
                }
                std::fprintf(stderr, "\n");
            });
            if (rc != 0)
            {
                return rc;
            }
        }
    }
    catch (const std::runtime_error& e)
    {
        // a workload over its limits, or a failure of the fast engine
        std::fprintf(stderr, "%s: %s\n", kProg, e.what());
        return 1;
    }

    const double rate = MptcpRateBps(o.rate);
    if (out.draw)
    {
        MptcpPlot fig("FatTree k=" + k + ", " + o.rate + " links, permutation traffic");
        const size_t g = fig.AddPanel("per-flow goodput, flows ranked", "flow rank",
                                      "goodput / link rate");
        std::string err;
        bool ok = fig.SetYRange(g, 0, 1.05);
        for (const Row& r : rows)
        {
            std::vector<double> xs, ys;
            for (size_t i = 0; i < r.sortedBps.size(); i++)
            {
                xs.push_back(static_cast<double>(i + 1));
                ys.push_back(r.sortedBps[i] / rate);
            }
            if (!xs.empty())
            {
                ok = ok && fig.AddSeries(g, r.config, xs, ys, &err);
            }
        }
        if (!ok || !fig.Write(out.outputDir, kProg, &err))
        {
            std::fprintf(stderr, "%s: plot: %s\n", kProg, err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{\"scenario\":\"" << kProg << "\",\"params\":{\"k\":" << o.k
       << ",\"hosts\":" << o.k * o.k * o.k / 4 << ",\"rate\":" << MptcpJsonString(o.rate)
       << ",\"delay_us\":" << MptcpJsonNumber(o.delayUs) << ",\"queue\":" << o.queue
       << ",\"cc\":" << MptcpJsonString(o.cc) << ",\"duration_s\":" << MptcpJsonNumber(o.duration)
       << ",\"warmup_s\":" << MptcpJsonNumber(o.warmup) << ",\"engine\":" << MptcpJsonString(o.engine)
       << ",\"connections\":" << (o.connections ? o.connections : o.k * o.k * o.k / 4)
       << ",\"traffic\":" << MptcpJsonString(o.traffic);
    if (o.traffic == "poisson")
    {
        js << ",\"flow_size\":" << MptcpJsonNumber(o.flowSize)
           << ",\"size_dist\":" << MptcpJsonString(o.sizeDist)
           << ",\"pareto_shape\":" << MptcpJsonNumber(o.paretoShape)
           << ",\"load\":" << MptcpJsonNumber(o.load);
    }
    else if (o.traffic == "onoff")
    {
        js << ",\"on_ms\":" << MptcpJsonNumber(o.onMs) << ",\"off_ms\":" << MptcpJsonNumber(o.offMs);
    }
    js << "},\"runs\":[";
    for (size_t i = 0; i < rows.size(); i++)
    {
        const Row& r = rows[i];
        js << (i ? "," : "") << "{\"config\":" << MptcpJsonString(r.config)
           << ",\"subflows\":" << r.subflows
           << ",\"aggregate_fraction\":" << MptcpJsonNumber(r.fraction)
           << ",\"theory_fraction\":" << MptcpJsonNumber(r.theoryFraction);
        if (!r.theoryNote.empty())
        {
            js << ",\"theory_note\":" << MptcpJsonString(r.theoryNote);
        }
        js << ",\"mean_mbps\":" << MptcpJsonNumber(r.meanBps / 1e6)
           << ",\"min_mbps\":" << MptcpJsonNumber(Quantile(r.sortedBps, 0) / 1e6)
           << ",\"p10_mbps\":" << MptcpJsonNumber(Quantile(r.sortedBps, 0.1) / 1e6)
           << ",\"median_mbps\":" << MptcpJsonNumber(Quantile(r.sortedBps, 0.5) / 1e6)
           << ",\"p90_mbps\":" << MptcpJsonNumber(Quantile(r.sortedBps, 0.9) / 1e6)
           << ",\"max_mbps\":" << MptcpJsonNumber(Quantile(r.sortedBps, 1) / 1e6)
           << ",\"jain\":" << MptcpJsonNumber(r.jain);
        if (o.traffic == "poisson")
        {
            js << ",\"flows_arrived\":" << r.arrived << ",\"flows_completed\":" << r.completed
               << ",\"fct_mean_ms\":" << MptcpJsonNumber(Mean(r.fctMs))
               << ",\"fct_p50_ms\":" << MptcpJsonNumber(Quantile(r.fctMs, 0.5))
               << ",\"fct_p99_ms\":" << MptcpJsonNumber(Quantile(r.fctMs, 0.99));
        }
        js << ",\"flows_mbps\":[";
        for (size_t j = 0; j < r.sortedBps.size(); j++)
        {
            js << (j ? "," : "") << MptcpJsonNumber(std::round(r.sortedBps[j] / 1e3) / 1e3);
        }
        js << "]}";
    }
    js << "]}";
    std::cout << js.str() << std::endl;
    return std::cout ? 0 : 1;
}
