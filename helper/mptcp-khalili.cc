/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Khalili et al.'s scenarios A, B and C (helper/mptcp-khalili.h). The
 * parameters and the text behind each are in doc/validation.md; the
 * draft that states them is draft-khalili-mptcp-performance-issues-06
 * ("D06" below), the authors' summary of the CoNEXT 2012 testbed.
 */
#include "mptcp-khalili.h"

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-experiment.h"
#include "ns3/mptcp-fast.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-network.h"
#include "ns3/mptcp-options.h"
#include "ns3/mptcp-output.h"
#include "ns3/mptcp-plot.h"
#include "ns3/mptcp-results.h"
#include "ns3/mptcp-scenario.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/traffic-control-module.h"

#include "mptcp/mptcp.h"

extern "C"
{
#include "theory.h"
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <cstring>
#include <sstream>

namespace ns3
{

namespace
{

/** Bytes on the wire per full segment: IPv4, TCP, timestamps. */
constexpr uint32_t kHeaderBytes = 52;

/** The fast links: access, servers, core (never a bottleneck). */
MptcpLinkSpec
Fast(double delayMs)
{
    MptcpLinkSpec s;
    s.rate = "1Gbps";
    s.delay = MicroSeconds(std::llround(delayMs * 1000));
    s.queue.disc = "droptail";
    s.queue.packets = 1000;
    return s;
}

/**
 * A bottleneck of `mbps`: RED as D06 section 3 sets it for 10 Mbit/s (0
 * up to 25 MSS, 0.1 at 50 MSS, 1 at 100 MSS), "proportionally adapted
 * when the link capacity changes"; the queue holds up to where the drop
 * probability reaches 1 (2 maxTh, gentle).
 */
MptcpLinkSpec
Bottleneck(const MptcpKhaliliParams& p, double mbps, double delayMs)
{
    MptcpLinkSpec s;
    std::ostringstream r;
    r << std::llround(mbps * 1e6) << "bps";
    s.rate = r.str();
    s.delay = MicroSeconds(std::llround(delayMs * 1000));
    const double scale = mbps / 10.0;
    s.queue.disc = "red";
    s.queue.minTh = p.redMinMss * scale;
    s.queue.maxTh = p.redMaxMss * scale;
    s.queue.maxP = p.redMaxP;
    s.queue.gentle = p.redGentle;
    s.queue.qW = p.redQw;
    s.queue.meanPacket = p.segmentSize + kHeaderBytes;
    s.queue.packets =
        std::max<uint32_t>(4, static_cast<uint32_t>(std::ceil(2 * s.queue.maxTh)));
    return s;
}

/** A user as built: its node and its address on each path. */
struct User
{
    uint32_t cls = 0;                    //!< its class
    uint32_t node = 0;                   //!< network node index
    std::vector<uint32_t> links;         //!< per path, its access link (the user is side 1)
    std::vector<std::vector<uint32_t>> routes; //!< per path, its nodes from the server
    std::vector<Ipv4Address> addresses;  //!< per path, its address (after Build)
    uint32_t server = 0;                 //!< the node it downloads from
};

/** The network of a scenario and where its bottlenecks are. */
struct Built
{
    MptcpNetworkHelper net;              //!< nodes and links
    std::vector<uint32_t> links;         //!< per bottleneck: its link (side 0 sends to users)
    std::vector<User> users;             //!< every user
    std::vector<uint32_t> servers;       //!< server nodes
    std::vector<uint32_t> serverLinks;   //!< per server, its link (the server is side 0)
};

/**
 * One-way delays: the propagation RTT is split so that every path has the
 * same RTT: 1 ms per access and server link, the rest on the path's
 * bottlenecks (a path crossing two gets half each), as the draft gives
 * one RTT for every path.
 */
double
BottleneckDelayMs(const MptcpKhaliliParams& p, uint32_t bottlenecksOnPath, uint32_t fastLinks)
{
    return (p.rttMs / 2 - fastLinks * 1.0) / bottlenecksOnPath;
}

/**
 * Scenario C (D06 section 6, figure 3): AP1 of N1 C1 and AP2 of N2 C2;
 * multipath users on both APs, single-path users on AP2 only, everyone
 * downloading from servers behind a fast core.
 *   server -- core -- ap1 ==N1 C1== -- multipath users
 *                  -- ap2 ==N2 C2== -- multipath and single-path users
 */
void
BuildC(const MptcpKhaliliParams& p, const MptcpKhaliliScenario& sc, Built& b)
{
    MptcpNetworkHelper& net = b.net;
    const uint32_t server = net.AddNode("server");
    const uint32_t core = net.AddNode("core");
    const uint32_t ap[2] = {net.AddNode("ap1"), net.AddNode("ap2")};
    b.serverLinks.push_back(net.AddLink(server, core, Fast(1)));
    const double d = BottleneckDelayMs(p, 1, 2);
    b.links.push_back(net.AddLink(core, ap[0], Bottleneck(p, sc.bottlenecks[0].rateBps / 1e6, d)));
    b.links.push_back(net.AddLink(core, ap[1], Bottleneck(p, sc.bottlenecks[1].rateBps / 1e6, d)));
    b.servers.push_back(server);
    for (uint32_t c = 0; c < sc.classes.size(); c++)
    {
        for (uint32_t u = 0; u < sc.classes[c].users; u++)
        {
            User user;
            user.cls = c;
            user.node = net.AddNode(sc.classes[c].name + "-" + std::to_string(u));
            user.server = server;
            for (const std::vector<uint32_t>& path : sc.classes[c].paths)
            {
                user.links.push_back(net.AddLink(ap[path[0]], user.node, Fast(1)));
                user.routes.push_back({server, core, ap[path[0]], user.node});
            }
            b.users.push_back(user);
        }
    }
}

/**
 * Scenario A (D06 section 4, figure 1): the type1 users' servers sit
 * behind a server-side bottleneck of N1 C1; each type1 user has a fast
 * private connection and can open a second subflow through a shared AP
 * of N2 C2, where the N2 type2 users download from their own servers.
 *   server1 ==N1 C1== core -- private links ------------- type1 users
 *   server2 ---------- core ==N2 C2== ap -- type1 and type2 users
 */
void
BuildA(const MptcpKhaliliParams& p, const MptcpKhaliliScenario& sc, Built& b)
{
    MptcpNetworkHelper& net = b.net;
    const uint32_t server1 = net.AddNode("server1");
    const uint32_t server2 = net.AddNode("server2");
    const uint32_t core = net.AddNode("core");
    const uint32_t ap = net.AddNode("ap");
    // Type1's private path crosses the server bottleneck only; its AP path
    // crosses both; type2's crosses the AP only: every path 2 fast links
    // plus its bottlenecks, the delays chosen so every RTT is p.rttMs.
    const double dServer = BottleneckDelayMs(p, 2, 1);
    const double dAp = dServer;
    b.links.push_back(
        net.AddLink(server1, core, Bottleneck(p, sc.bottlenecks[0].rateBps / 1e6, dServer)));
    b.links.push_back(net.AddLink(core, ap, Bottleneck(p, sc.bottlenecks[1].rateBps / 1e6, dAp)));
    // server2's link and the private links carry the delay of the
    // bottleneck their paths do not cross
    b.serverLinks = {b.links[0], net.AddLink(server2, core, Fast(dServer))};
    b.servers = {server1, server2};
    for (uint32_t c = 0; c < sc.classes.size(); c++)
    {
        for (uint32_t u = 0; u < sc.classes[c].users; u++)
        {
            User user;
            user.cls = c;
            user.node = net.AddNode(sc.classes[c].name + "-" + std::to_string(u));
            user.server = c == 0 ? server1 : server2;
            for (const std::vector<uint32_t>& path : sc.classes[c].paths)
            {
                const bool viaAp = std::find(path.begin(), path.end(), 1u) != path.end();
                user.links.push_back(viaAp ? net.AddLink(ap, user.node, Fast(1))
                                           : net.AddLink(core, user.node, Fast(1 + dAp)));
                if (viaAp)
                {
                    user.routes.push_back({user.server, core, ap, user.node});
                }
                else
                {
                    user.routes.push_back({user.server, core, user.node});
                }
            }
            b.users.push_back(user);
        }
    }
}

/**
 * Scenario B (D06 section 5, figure 2): ISPs X, Y, Z, T; Blue users
 * download from servers in Z over X (b1) and over Y, which reaches the
 * Internet through T (b2); Red users download from servers in T over Y
 * (r1) and, upgraded, also over X (r2). The cut-set bound CX + CT
 * (63 Mbit/s) that D06 quotes makes X and T the bottlenecks; Y and Z
 * (100 Mbit/s) are on the paths too.
 *   blue servers ==Z== inet ==X== ispX -- users
 *   red servers ------ inet ==T== ispT ==Y== ispY -- users
 */
void
BuildB(const MptcpKhaliliParams& p, const MptcpKhaliliScenario& sc, Built& b)
{
    MptcpNetworkHelper& net = b.net;
    const uint32_t blueServer = net.AddNode("blue-server");
    const uint32_t redServer = net.AddNode("red-server");
    const uint32_t inet = net.AddNode("internet");
    const uint32_t ispX = net.AddNode("isp-x");
    const uint32_t ispT = net.AddNode("isp-t");
    const uint32_t ispY = net.AddNode("isp-y");
    // Paths: b1 Z X; b2 Z T Y; r1 T Y; r2 X (and the red servers' link).
    // Each of these links, the red servers' too, has the one-way delay
    // dl; a path's access link makes up the rest of half the RTT (b2 and
    // r1, with three such links, have 3 ms left).
    const double dl = (p.rttMs / 2 - 3.0) / 3;
    b.links.push_back(net.AddLink(inet, ispX, Bottleneck(p, p.cxMbps, dl)));   // X
    b.links.push_back(net.AddLink(inet, ispT, Bottleneck(p, p.ctMbps, dl)));   // T
    b.links.push_back(net.AddLink(ispT, ispY, Bottleneck(p, p.cyzMbps, dl)));  // Y
    b.links.push_back(net.AddLink(blueServer, inet, Bottleneck(p, p.cyzMbps, dl))); // Z
    b.serverLinks = {b.links[3], net.AddLink(redServer, inet, Fast(dl))};
    b.servers = {blueServer, redServer};
    for (uint32_t c = 0; c < sc.classes.size(); c++)
    {
        for (uint32_t u = 0; u < sc.classes[c].users; u++)
        {
            User user;
            user.cls = c;
            user.node = net.AddNode(sc.classes[c].name + "-" + std::to_string(u));
            user.server = c == 0 ? blueServer : redServer;
            for (const std::vector<uint32_t>& path : sc.classes[c].paths)
            {
                // via X (bottleneck 0) or via T and Y (1, 2); the red
                // servers' link is not a listed bottleneck but has delay dl
                const bool viaX = std::find(path.begin(), path.end(), 0u) != path.end();
                const uint32_t crossed = static_cast<uint32_t>(path.size()) + (c == 1 ? 1 : 0);
                const double access = p.rttMs / 2 - crossed * dl;
                user.links.push_back(net.AddLink(viaX ? ispX : ispY, user.node, Fast(access)));
                if (viaX)
                {
                    user.routes.push_back({user.server, inet, ispX, user.node});
                }
                else
                {
                    user.routes.push_back({user.server, inet, ispT, ispY, user.node});
                }
            }
            b.users.push_back(user);
        }
    }
}

/** Mean, min, max, Jain of a set. */
void
Summarise(const std::vector<double>& x, MptcpKhaliliResult::Class& c)
{
    double s = 0;
    c.minBps = x.empty() ? 0 : x[0];
    c.maxBps = c.minBps;
    for (double v : x)
    {
        s += v;
        c.minBps = std::min(c.minBps, v);
        c.maxBps = std::max(c.maxBps, v);
    }
    c.meanBps = x.empty() ? 0 : s / x.size();
    c.jain = MptcpJain(x);
}

/** Queue samples of the bottlenecks after the warm-up. */
struct QueueWatch
{
    std::vector<Ptr<QueueDisc>> queues; //!< one per bottleneck
    std::vector<double> sum;            //!< summed lengths
    uint64_t samples = 0;               //!< samples taken
    std::vector<uint64_t> dropped0;     //!< drops at the warm-up
    std::vector<uint64_t> received0;    //!< arrivals at the warm-up

    void Mark()
    {
        for (size_t i = 0; i < queues.size(); i++)
        {
            const QueueDisc::Stats& st = queues[i]->GetStats();
            dropped0[i] = st.nTotalDroppedPackets;
            received0[i] = st.nTotalReceivedPackets;
        }
        Sample();
    }

    void Sample()
    {
        for (size_t i = 0; i < queues.size(); i++)
        {
            sum[i] += queues[i]->GetNPackets();
        }
        samples++;
        Simulator::Schedule(MilliSeconds(10), &QueueWatch::Sample, this);
    }
};

/**
 * The figures of a run (either engine): per class and per bottleneck, from
 * the flows (flowOf[i]: user i's), each user's address per path, the
 * bottlenecks' arrivals, drops and mean queue after the warm-up.
 */
MptcpKhaliliResult
Collect(const MptcpKhaliliScenario& sc,
        const Built& b,
        const std::vector<MptcpScenarioFlow>& flows,
        const std::vector<MptcpScenarioIpFlow>& ipFlows,
        const std::vector<uint32_t>& flowOf,
        const std::vector<std::vector<std::string>>& addresses,
        const std::vector<double>& arrived,
        const std::vector<double>& dropped,
        const std::vector<double>& meanQueue,
        uint64_t delivered,
        MptcpRunRecorder* rec)
{
    MptcpKhaliliResult r;
    std::vector<std::vector<double>> perClass(sc.classes.size());
    r.classes.resize(sc.classes.size());
    r.bottlenecks.resize(sc.bottlenecks.size());
    std::vector<double> rttSum(sc.classes.size(), 0);
    std::vector<uint32_t> rttN(sc.classes.size(), 0);
    for (size_t c = 0; c < sc.classes.size(); c++)
    {
        r.classes[c].name = sc.classes[c].name;
        r.classes[c].users = sc.classes[c].users;
        r.classes[c].multipath = sc.classes[c].multipath;
        r.classes[c].perBottleneckBps.assign(sc.bottlenecks.size(), 0);
    }
    for (size_t i = 0; i < b.users.size(); i++)
    {
        const User& u = b.users[i];
        const MptcpScenarioFlow& f = flows[flowOf[i]];
        MptcpKhaliliResult::Class& rc = r.classes[u.cls];
        perClass[u.cls].push_back(f.goodputBps);
        const std::vector<std::vector<uint32_t>>& paths = sc.classes[u.cls].paths;
        // A subflow's path is the one whose address it was sent to.
        auto account = [&](uint32_t path, double bps) {
            for (uint32_t bn : paths[path])
            {
                rc.perBottleneckBps[bn] += bps;
                r.bottlenecks[bn].goodputBps += bps;
            }
        };
        if (f.subflows.empty())
        {
            account(0, f.goodputBps);
            continue;
        }
        for (const MptcpScenarioSubflow& s : f.subflows)
        {
            const std::string host = s.remote.substr(0, s.remote.rfind(':'));
            for (uint32_t k = 0; k < addresses[i].size(); k++)
            {
                if (addresses[i][k] == host)
                {
                    account(k, s.goodputBps);
                }
            }
            if (s.srttMs > 0)
            {
                rttSum[u.cls] += s.srttMs;
                rttN[u.cls]++;
            }
        }
    }
    for (size_t c = 0; c < sc.classes.size(); c++)
    {
        Summarise(perClass[c], r.classes[c]);
        r.classes[c].srttMs = rttN[c] ? rttSum[c] / rttN[c] : std::nan("");
    }
    for (size_t k = 0; k < sc.bottlenecks.size(); k++)
    {
        MptcpKhaliliResult::Bottleneck& rb = r.bottlenecks[k];
        rb.name = sc.bottlenecks[k].name;
        rb.rateBps = sc.bottlenecks[k].rateBps;
        rb.loss = arrived[k] > 0 ? dropped[k] / arrived[k] : 0;
        rb.meanQueue = meanQueue[k];
    }
    r.deliveredPackets = delivered;
    if (rec)
    {
        for (const MptcpKhaliliResult::Class& c : r.classes)
        {
            rec->AddMetric("", c.name + "_mean_goodput_bps", c.meanBps, "bit/s");
            rec->AddMetric("", c.name + "_min_goodput_bps", c.minBps, "bit/s");
            rec->AddMetric("", c.name + "_max_goodput_bps", c.maxBps, "bit/s");
            rec->AddMetric("", c.name + "_jain", c.jain, "");
            for (size_t k = 0; k < r.bottlenecks.size(); k++)
            {
                rec->AddMetric("",
                               c.name + "_via_" + r.bottlenecks[k].name + "_bps",
                               c.perBottleneckBps[k],
                               "bit/s");
            }
        }
        for (const MptcpKhaliliResult::Bottleneck& bn : r.bottlenecks)
        {
            rec->AddMetric("", bn.name + "_loss", bn.loss, "");
            rec->AddMetric("", bn.name + "_goodput_bps", bn.goodputBps, "bit/s");
            rec->AddMetric("", bn.name + "_mean_queue", bn.meanQueue, "packets");
        }
        rec->AddFlows(flows, ipFlows);
    }
    return r;
}

/**
 * The run on the fast engine (doc/fast-mode.md): the same description
 * (nodes, links, RED as MptcpNetworkHelper installs it: the queue disc
 * of `packets` behind a one-packet device queue, LinkBandwidth the link's
 * rate), the same addresses (link k is 10.(1 + k / 256).(k % 256).0/24),
 * each user's address bound to its access link, the same socket
 * attributes and start times (ns-3's stream, as in ns-3 mode), the same
 * measurements (the bottleneck's arrivals and drops after the warm-up,
 * its queue discipline's length every 10 ms).
 */
MptcpKhaliliResult
RunFast(const MptcpKhaliliParams& p, const MptcpKhaliliScenario& sc, Built& b,
        MptcpRunRecorder* rec)
{
    const mptcp_config mpCfg =
        MptcpFastSocketConfig({{"PathManager", "fullmesh"},
                               {"CongestionControl", p.cc},
                               {"TcpCongestionControl", "reno"},
                               {"CoupledMinSsthresh", std::to_string(p.coupledMinSsthresh)}},
                              true);
    const mptcp_config spCfg = MptcpFastSocketConfig({{"CongestionControl", "reno"}}, false);
    MptcpFastNetwork net(MptcpFastSeed());
    net.Mirror(b.net);
    auto address = [](uint32_t link, uint32_t side) {
        return MptcpFastNetwork::LinkAddress(link, side);
    };
    std::vector<std::string> serverAddr(b.net.GetNNodes());
    for (size_t k = 0; k < b.servers.size(); k++)
    {
        serverAddr[b.servers[k]] = address(b.serverLinks[k], 0);
        net.AddAddress(static_cast<int>(b.servers[k]), serverAddr[b.servers[k]],
                       static_cast<int>(b.serverLinks[k]));
        net.InstallStack(static_cast<int>(b.servers[k]), mpCfg);
    }
    std::vector<std::vector<std::string>> addresses;
    uint32_t stacks = static_cast<uint32_t>(b.servers.size());
    for (const User& u : b.users)
    {
        const bool mp = sc.classes[u.cls].multipath;
        addresses.emplace_back();
        for (uint32_t l : u.links)
        {
            addresses.back().push_back(address(l, 1));
            net.AddAddress(static_cast<int>(u.node), addresses.back().back(), static_cast<int>(l));
        }
        net.InstallStack(static_cast<int>(u.node), mp ? mpCfg : spCfg);
        if (mp)
        {
            for (const std::string& a : addresses.back())
            {
                net.DeclareAddress(static_cast<int>(u.node), a);
            }
        }
        net.CountDeliveries(static_cast<int>(u.node));
        stacks++;
    }
    // ns-3 mode's start-time stream: 1000 + one per stack
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(1000 + stacks);
    std::vector<uint32_t> flowOf;
    for (size_t i = 0; i < b.users.size(); i++)
    {
        const User& u = b.users[i];
        const bool mp = sc.classes[u.cls].multipath;
        const std::string entity = sc.classes[u.cls].name + " " + std::to_string(i);
        flowOf.push_back(net.AddBulkFlow(mp ? "mptcp" : "tcp", entity, entity + " subflow ",
                                         static_cast<int>(u.server), serverAddr[u.server],
                                         static_cast<int>(u.node), addresses[i][0],
                                         static_cast<uint16_t>(5000 + i),
                                         Seconds(0.1 + start->GetValue(0, 1))));
    }
    // the bottlenecks' queues, as QueueWatch: from the warm-up, every 10 ms
    const size_t nb = b.links.size();
    std::vector<uint64_t> arrived0(nb, 0);
    std::vector<uint64_t> dropped0(nb, 0);
    std::vector<double> sum(nb, 0);
    uint64_t samples = 0;
    std::function<void()> sample = [&]() {
        for (size_t k = 0; k < nb; k++)
        {
            uint64_t a = 0;
            uint64_t dr = 0;
            uint32_t w = 0;
            net.GetLinkCounts(static_cast<int>(b.links[k]), 0, a, dr, w);
            sum[k] += w > 0 ? w - 1 : 0; // the queue disc's: not the device's packet
        }
        samples++;
        net.Schedule(net.Now() + MilliSeconds(10), sample);
    };
    net.Schedule(p.warmup, [&]() {
        for (size_t k = 0; k < nb; k++)
        {
            uint32_t w = 0;
            net.GetLinkCounts(static_cast<int>(b.links[k]), 0, arrived0[k], dropped0[k], w);
        }
        sample();
    });
    net.Run(p.duration, p.warmup, MilliSeconds(500), rec ? rec->Sink() : MptcpScenarioSampleSink());
    std::vector<double> arrived;
    std::vector<double> dropped;
    std::vector<double> meanQueue;
    for (size_t k = 0; k < nb; k++)
    {
        uint64_t a = 0;
        uint64_t dr = 0;
        uint32_t w = 0;
        net.GetLinkCounts(static_cast<int>(b.links[k]), 0, a, dr, w);
        arrived.push_back(static_cast<double>(a - arrived0[k]));
        dropped.push_back(static_cast<double>(dr - dropped0[k]));
        meanQueue.push_back(samples ? sum[k] / samples : 0);
    }
    return Collect(sc, b, net.GetFlows(), {}, flowOf, addresses, arrived, dropped, meanQueue,
                   net.GetDeliveredPackets(), rec);
}

} // namespace

bool
MptcpKhaliliDescribe(const MptcpKhaliliParams& p, MptcpKhaliliScenario& s, std::string& why)
{
    s = MptcpKhaliliScenario();
    s.id = p.scenario;
    if (p.scenario == "a")
    {
        s.bottlenecks = {{"server", p.n1 * p.c1Mbps * 1e6}, {"ap", p.n2 * p.c2Mbps * 1e6}};
        MptcpKhaliliClass t1{"type1", p.n1, p.multipath, {{0}}};
        if (p.multipath)
        {
            t1.paths.push_back({0, 1});
        }
        s.classes = {t1, {"type2", p.n2, false, {{1}}}};
    }
    else if (p.scenario == "b")
    {
        // bottleneck indices: 0 X, 1 T, 2 Y, 3 Z
        s.bottlenecks = {{"x", p.cxMbps * 1e6},
                         {"t", p.ctMbps * 1e6},
                         {"y", p.cyzMbps * 1e6},
                         {"z", p.cyzMbps * 1e6}};
        MptcpKhaliliClass blue{"blue", p.n1, true, {{3, 0}, {3, 1, 2}}};
        MptcpKhaliliClass red{"red", p.n2, p.multipath, {{1, 2}}};
        if (p.multipath)
        {
            red.paths.push_back({0});
        }
        s.classes = {blue, red};
    }
    else if (p.scenario == "c")
    {
        s.bottlenecks = {{"ap1", p.n1 * p.c1Mbps * 1e6}, {"ap2", p.n2 * p.c2Mbps * 1e6}};
        MptcpKhaliliClass mp{"multipath", p.n1, p.multipath, {{0}}};
        if (p.multipath)
        {
            mp.paths.push_back({1});
        }
        s.classes = {mp, {"single-path", p.n2, false, {{1}}}};
    }
    else
    {
        why = "scenario must be a, b or c (got \"" + p.scenario + "\")";
        return false;
    }
    return true;
}

std::string
MptcpKhaliliTheory(const MptcpKhaliliParams& p, double wmin, MptcpKhaliliResult& r)
{
    MptcpKhaliliScenario sc;
    std::string why;
    if (!MptcpKhaliliDescribe(p, sc, why))
    {
        return why;
    }
    r.classes.resize(sc.classes.size());
    r.bottlenecks.resize(sc.bottlenecks.size());
    const double nan = std::nan("");
    for (auto& c : r.classes)
    {
        (wmin > 0 ? c.theoryFloorBps : c.theoryBps) = nan;
    }
    if (wmin <= 0)
    {
        for (auto& b : r.bottlenecks)
        {
            b.theoryLoss = nan;
            b.theoryQueue = nan;
        }
    }
    enum theory_alg alg;
    if (p.cc == "lia")
    {
        alg = THEORY_LIA;
    }
    else if (p.cc == "olia")
    {
        alg = THEORY_OLIA;
    }
    else if (p.cc == "balia")
    {
        alg = THEORY_BALIA;
    }
    else if (p.cc == "reno")
    {
        alg = THEORY_RENO;
    }
    else
    {
        return "no fluid model of " + p.cc;
    }
    theory_gsl_handler_off();
    theory_net* net = theory_new();
    if (!net)
    {
        return "out of memory";
    }
    const double wire = 8.0 * (p.segmentSize + kHeaderBytes);
    int rc = 0;
    std::vector<int> link;
    for (const MptcpKhaliliBottleneck& b : sc.bottlenecks)
    {
        const MptcpLinkSpec spec = Bottleneck(p, b.rateBps / 1e6, 1);
        struct theory_red red;
        red.min_th = spec.queue.minTh;
        red.max_th = spec.queue.maxTh;
        red.max_p = spec.queue.maxP;
        red.gentle = spec.queue.gentle ? 1 : 0;
        const int id = theory_add_link_red(net, b.rateBps / wire, &red);
        rc = id < 0 ? id : rc;
        link.push_back(id);
    }
    for (const MptcpKhaliliClass& c : sc.classes)
    {
        struct theory_user_spec u;
        theory_user_spec_init(&u, c.multipath ? alg : THEORY_TCP);
        u.resp.kind = THEORY_RESP_MATHIS;
        u.resp.b = 1;
        u.count = c.users;
        u.wmin = c.multipath && (alg == THEORY_OLIA || alg == THEORY_BALIA) ? wmin : 0;
        const int user = theory_add_user(net, &u);
        rc = user < 0 ? user : rc;
        for (size_t k = 0; rc == 0 && k < (c.multipath ? c.paths.size() : 1); k++)
        {
            std::vector<int> links;
            for (uint32_t bn : c.paths[k])
            {
                links.push_back(link[bn]);
            }
            const int id = theory_add_path(net, user, p.rttMs / 1e3, links.data(), links.size());
            rc = id < 0 ? id : rc;
        }
    }
    struct theory_report rep;
    std::memset(&rep, 0, sizeof(rep));
    if (rc == 0)
    {
        rc = theory_solve(net, &rep);
    }
    if (rc != 0)
    {
        why = std::string(theory_strerror(rc)) + (rep.detail[0] ? std::string(": ") + rep.detail : "");
        theory_report_free(&rep);
        theory_free(net);
        return why;
    }
    const double payload = 8.0 * p.segmentSize;
    for (size_t c = 0; c < sc.classes.size(); c++)
    {
        (wmin > 0 ? r.classes[c].theoryFloorBps : r.classes[c].theoryBps) =
            rep.users[c].rate_pps * payload;
    }
    if (wmin <= 0)
    {
        for (size_t b = 0; b < sc.bottlenecks.size(); b++)
        {
            r.bottlenecks[b].theoryLoss = rep.links[link[b]].loss;
            r.bottlenecks[b].theoryQueue = rep.links[link[b]].queue_pkts;
        }
    }
    theory_report_free(&rep);
    theory_free(net);
    return "";
}

bool
MptcpKhaliliCheck(const MptcpKhaliliParams& p, std::string& why)
{
    MptcpKhaliliScenario s;
    if (!MptcpKhaliliDescribe(p, s, why))
    {
        return false;
    }
    std::ostringstream o;
    if (p.n1 < 1 || p.n1 > 200 || p.n2 < 1 || p.n2 > 200)
    {
        o << "--n1 and --n2 must be 1..200 users (got " << p.n1 << ", " << p.n2 << ")";
    }
    else if (!(p.c1Mbps >= 0.01 && p.c1Mbps <= 1000 && p.c2Mbps >= 0.01 && p.c2Mbps <= 1000))
    {
        o << "--c1 and --c2 must be 0.01..1000 Mbit/s per user";
    }
    else if (!(p.cxMbps >= 0.1 && p.cxMbps <= 10000 && p.ctMbps >= 0.1 && p.ctMbps <= 10000 &&
               p.cyzMbps >= 0.1 && p.cyzMbps <= 10000))
    {
        o << "--cx, --ct and --cyz must be 0.1..10000 Mbit/s";
    }
    else if (!(p.rttMs >= 20 && p.rttMs <= 2000))
    {
        o << "--rttMs must be 20..2000 ms (the paths' fixed links take 6 ms)";
    }
    else if (!(p.redMinMss >= 0 && p.redMaxMss > p.redMinMss && p.redMaxMss <= 10000))
    {
        o << "RED thresholds need 0 <= --redMin < --redMax <= 10000 MSS";
    }
    else if (!(p.redMaxP > 0 && p.redMaxP <= 1))
    {
        o << "--redMaxP must be in (0, 1]";
    }
    else if (!(p.redQw > 0 && p.redQw <= 1))
    {
        o << "--redQw must be in (0, 1]";
    }
    else if (p.tcp != "core" && p.tcp != "ns3")
    {
        o << "--tcp must be core or ns3 (got \"" << p.tcp << "\")";
    }
    else if (p.engine != "ns3" && p.engine != "fast")
    {
        o << "--engine must be ns3 or fast (got \"" << p.engine << "\")";
    }
    else if (p.engine == "fast" && p.tcp != "core")
    {
        o << "--engine=fast runs the single-path users on the core's TCP: --tcp=core (ns-3's "
             "own TCP exists only in ns-3 mode)";
    }
    else if (mptcp_algo_check(MPTCP_ALGO_CC, p.cc.c_str()) != MPTCP_OK)
    {
        o << "--ccs: unknown congestion control \"" << p.cc
          << "\" (" << MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) << ")";
    }
    else if (!(p.warmup < p.duration) || p.warmup.IsStrictlyNegative())
    {
        o << "--warmup must be below --duration";
    }
    if (!o.str().empty())
    {
        why = o.str();
        return false;
    }
    return true;
}

MptcpKhaliliResult
MptcpKhaliliRun(const MptcpKhaliliParams& p, MptcpRunRecorder* rec)
{
    MptcpKhaliliScenario sc;
    std::string why;
    NS_ABORT_MSG_UNLESS(MptcpKhaliliCheck(p, why), why);
    MptcpKhaliliDescribe(p, sc, why);

    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(p.segmentSize));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue("ns3::TcpLinuxReno"));

    Built b;
    if (p.scenario == "a")
    {
        BuildA(p, sc, b);
    }
    else if (p.scenario == "b")
    {
        BuildB(p, sc, b);
    }
    else
    {
        BuildC(p, sc, b);
    }
    if (p.engine == "fast")
    {
        return RunFast(p, sc, b, rec);
    }
    b.net.Build();
    // A user's address on a path: its end (side 1) of the access link.
    // A multi-homed user answers each subflow out of that subflow's link.
    for (User& u : b.users)
    {
        for (size_t k = 0; k < u.links.size(); k++)
        {
            u.addresses.push_back(b.net.GetAddress(u.links[k], 1));
            // global routing may reach it through another of its links
            b.net.PinPath(u.routes[k], u.addresses.back());
        }
        for (size_t k = 0; k < b.servers.size() && u.links.size() > 1; k++)
        {
            if (b.servers[k] == u.server)
            {
                b.net.PinHostRoutes(u.node, b.net.GetAddress(b.serverLinks[k], 0));
            }
        }
    }

    // MPTCP on the servers and the multipath users; the servers' plain
    // connections (to single-path users on our TCP) run Reno.
    MptcpStackHelper mptcp;
    mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
    mptcp.SetSocketAttribute("CongestionControl", StringValue(p.cc));
    mptcp.SetSocketAttribute("TcpCongestionControl", StringValue("reno"));
    mptcp.SetSocketAttribute("CoupledMinSsthresh", UintegerValue(p.coupledMinSsthresh));
    NodeContainer servers;
    for (uint32_t s : b.servers)
    {
        servers.Add(b.net.GetNode(s));
    }
    NodeContainer mpUsers;
    NodeContainer spUsers;
    for (const User& u : b.users)
    {
        (sc.classes[u.cls].multipath ? mpUsers : spUsers).Add(b.net.GetNode(u.node));
    }
    mptcp.Install(servers);
    mptcp.Install(mpUsers);
    if (p.tcp == "core")
    {
        MptcpStackHelper plain;
        plain.SetSocketAttribute("Mptcp", BooleanValue(false));
        plain.SetSocketAttribute("CongestionControl", StringValue("reno"));
        plain.Install(spUsers);
    }
    int64_t stream = 1000;
    stream += mptcp.AssignStreams(servers, stream);
    stream += mptcp.AssignStreams(mpUsers, stream);
    stream += mptcp.AssignStreams(spUsers, stream);
    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(stream++);

    // Every user downloads for the whole run: the server connects to the
    // user's first address (BulkSend), the user's sink accepts and, being
    // multipath, announces its other addresses, which the server's
    // fullmesh path manager joins.
    MptcpExperiment x(p.duration, p.warmup, MilliSeconds(500));
    std::vector<uint32_t> flowOf;
    for (size_t i = 0; i < b.users.size(); i++)
    {
        const User& u = b.users[i];
        const bool mp = sc.classes[u.cls].multipath;
        const bool core = mp || p.tcp == "core";
        const std::string tid = core ? "ns3::MptcpSocketFactory" : "ns3::TcpSocketFactory";
        const uint16_t port = static_cast<uint16_t>(5000 + i);
        PacketSinkHelper sink(tid, InetSocketAddress(Ipv4Address::GetAny(), port));
        ApplicationContainer s = sink.Install(b.net.GetNode(u.node));
        BulkSendHelper bulk(tid, InetSocketAddress(u.addresses[0], port));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        bulk.SetAttribute("SendSize", UintegerValue(16384));
        ApplicationContainer a = bulk.Install(b.net.GetNode(u.server));
        a.Start(Seconds(0.1 + start->GetValue(0, 1)));
        const std::string entity = sc.classes[u.cls].name + " " + std::to_string(i);
        const uint32_t f =
            x.AddFlow(mp ? "mptcp" : "tcp", entity, {DynamicCast<PacketSink>(s.Get(0))});
        if (core)
        {
            x.SetSubflowsOf(f, a.Get(0), entity + " subflow ");
        }
        flowOf.push_back(f);
    }
    if (rec)
    {
        x.SetSampleSink(rec->Sink());
    }
    QueueWatch watch;
    for (uint32_t l : b.links)
    {
        watch.queues.push_back(b.net.GetQueueDisc(l, 0));
    }
    watch.sum.assign(b.links.size(), 0);
    watch.dropped0.assign(b.links.size(), 0);
    watch.received0.assign(b.links.size(), 0);
    Simulator::Schedule(p.warmup, &QueueWatch::Mark, &watch);
    x.Run();

    std::vector<std::vector<std::string>> addresses;
    for (const User& u : b.users)
    {
        addresses.emplace_back();
        for (const Ipv4Address& a : u.addresses)
        {
            std::ostringstream o;
            o << a;
            addresses.back().push_back(o.str());
        }
    }
    std::vector<double> arrived;
    std::vector<double> dropped;
    std::vector<double> meanQueue;
    for (size_t k = 0; k < watch.queues.size(); k++)
    {
        const QueueDisc::Stats& st = watch.queues[k]->GetStats();
        arrived.push_back(static_cast<double>(st.nTotalReceivedPackets - watch.received0[k]));
        dropped.push_back(static_cast<double>(st.nTotalDroppedPackets - watch.dropped0[k]));
        meanQueue.push_back(watch.samples ? watch.sum[k] / watch.samples : 0);
    }
    MptcpKhaliliResult r = Collect(sc, b, x.GetFlows(), x.GetIpFlows(), flowOf, addresses,
                                   arrived, dropped, meanQueue, x.GetDeliveredPackets(), rec);
    Simulator::Destroy();
    return r;
}

} // namespace ns3

// ------------------------------------------------------------------ main

namespace ns3
{

namespace
{

/** Formats bit/s as Mbit/s for JSON. */
std::string
Mbps(double bps)
{
    return MptcpJsonNumber(std::round(bps / 1e3) / 1e3);
}

/** One congestion control's run as JSON. */
std::string
RunJson(const std::string& cc, const MptcpKhaliliResult& r)
{
    std::ostringstream js;
    js << "{\"cc\":" << MptcpJsonString(cc) << ",\"classes\":[";
    for (size_t c = 0; c < r.classes.size(); c++)
    {
        const MptcpKhaliliResult::Class& k = r.classes[c];
        js << (c ? "," : "") << "{\"name\":" << MptcpJsonString(k.name) << ",\"users\":" << k.users
           << ",\"multipath\":" << (k.multipath ? "true" : "false")
           << ",\"mean_mbps\":" << Mbps(k.meanBps) << ",\"min_mbps\":" << Mbps(k.minBps)
           << ",\"max_mbps\":" << Mbps(k.maxBps) << ",\"jain\":" << MptcpJsonNumber(k.jain)
           << ",\"srtt_ms\":" << MptcpJsonNumber(k.srttMs)
           << ",\"theory_mean_mbps\":" << Mbps(k.theoryBps)
           << ",\"theory_floor_mean_mbps\":" << Mbps(k.theoryFloorBps) << ",\"via_mbps\":{";
        for (size_t b = 0; b < r.bottlenecks.size(); b++)
        {
            js << (b ? "," : "") << MptcpJsonString(r.bottlenecks[b].name) << ":"
               << Mbps(k.perBottleneckBps[b]);
        }
        js << "}}";
    }
    js << "],\"bottlenecks\":[";
    for (size_t b = 0; b < r.bottlenecks.size(); b++)
    {
        const MptcpKhaliliResult::Bottleneck& n = r.bottlenecks[b];
        js << (b ? "," : "") << "{\"name\":" << MptcpJsonString(n.name)
           << ",\"rate_mbps\":" << Mbps(n.rateBps) << ",\"loss\":" << MptcpJsonNumber(n.loss)
           << ",\"goodput_mbps\":" << Mbps(n.goodputBps)
           << ",\"mean_queue_pkts\":" << MptcpJsonNumber(std::round(n.meanQueue * 10) / 10)
           << ",\"theory_loss\":" << MptcpJsonNumber(n.theoryLoss)
           << ",\"theory_queue_pkts\":" << MptcpJsonNumber(std::round(n.theoryQueue * 10) / 10)
           << "}";
    }
    js << "],\"delivered_packets\":" << r.deliveredPackets << "}";
    return js.str();
}

} // namespace

int
MptcpKhaliliMain(int argc, char* argv[], const std::string& scenario)
{
    const std::string prog = "mptcp-khalili-" + scenario;
    auto fail = [&prog](const std::string& why) {
        std::fprintf(stderr, "%s: %s\n", prog.c_str(), why.c_str());
        return 2;
    };
    MptcpKhaliliParams p;
    p.scenario = scenario;
    if (scenario == "b")
    {
        p.n1 = 15;
        p.n2 = 15;
    }
    std::string ccs = "lia,olia";
    std::string n1 = std::to_string(p.n1);
    std::string n2 = std::to_string(p.n2);
    std::string c1 = "1";
    std::string c2 = "1";
    std::string cx = "27";
    std::string ct = "36";
    std::string cyz = "100";
    std::string multipath = "true";
    std::string rttMs = "110";
    std::string redMin = "25";
    std::string redMax = "50";
    std::string redMaxP = "0.1";
    std::string redQw = "0.002";
    std::string duration = "300";
    std::string warmup = "150";
    std::string minSsthresh = "2";
    CommandLine cmd(prog + ".cc"); // the program's name in its help
    const char* what[3] = {
        "Scenario A (MPTCP can penalize regular TCP users): type1 users with a private link "
        "behind a server bottleneck of n1*c1 open a second subflow through an AP of n2*c2 "
        "shared with n2 type2 users.",
        "Scenario B (MPTCP can penalize other MPTCP users): Blue users multipath over ISPs X "
        "and Y (through T), Red users over Y (through T) and, with --multipath, over X.",
        "Scenario C (MPTCP is excessively aggressive towards TCP users): n1 multipath users on "
        "AP1 (n1*c1) and AP2 (n2*c2), n2 single-path users on AP2."};
    cmd.Usage(std::string("Khalili et al., \"MPTCP is not Pareto-optimal\" (CoNEXT 2012). ") +
              what[scenario[0] - 'a'] +
              " Every user downloads for the whole run; RED as the paper sets it. One run per "
              "congestion control of --ccs; JSON on the last line.");
    cmd.AddValue("ccs", "comma list of congestion controls of the multipath users", ccs);
    cmd.AddValue("n1",
                 scenario == "b" ? "Blue users (1..200)"
                                 : (scenario == "a" ? "type1 users (1..200)"
                                                    : "multipath users (1..200)"),
                 n1);
    cmd.AddValue("n2",
                 scenario == "b" ? "Red users (1..200)"
                                 : (scenario == "a" ? "type2 users (1..200)"
                                                    : "single-path users (1..200)"),
                 n2);
    if (scenario == "b")
    {
        cmd.AddValue("cx", "capacity of ISP X (Mbit/s)", cx);
        cmd.AddValue("ct", "capacity of ISP T (Mbit/s)", ct);
        cmd.AddValue("cyz", "capacity of ISPs Y and Z (Mbit/s)", cyz);
        cmd.AddValue("multipath", "Red users are multipath (upgraded)", multipath);
    }
    else
    {
        cmd.AddValue("c1", "capacity per user C1 (Mbit/s): the first bottleneck is n1*c1", c1);
        cmd.AddValue("c2", "capacity per user C2 (Mbit/s): the second bottleneck is n2*c2", c2);
        cmd.AddValue("multipath",
                     scenario == "a" ? "type1 users are multipath (upgraded)"
                                     : "multipath users use AP2 too",
                     multipath);
    }
    cmd.AddValue("rttMs", "propagation RTT of every path in ms (20..2000)", rttMs);
    cmd.AddValue("tcp", "single-path users: core (our TCP, Reno) or ns3 (TcpLinuxReno)", p.tcp);
    cmd.AddValue("engine", "simulator: ns3, or fast (the core in its own packet network, "
                 "doc/fast-mode.md; needs --tcp=core)", p.engine);
    cmd.AddValue("redMin", "RED min threshold in MSS for 10 Mbit/s (scaled with capacity)", redMin);
    cmd.AddValue("redMax", "RED max threshold in MSS for 10 Mbit/s (scaled)", redMax);
    cmd.AddValue("redMaxP", "RED drop probability at the max threshold", redMaxP);
    cmd.AddValue("redQw", "RED queue weight", redQw);
    cmd.AddValue("coupledMinSsthresh",
                 "least ssthresh (segments) of OLIA and BALIA with several subflows: 2 "
                 "(Linux) or 1 (their drafts)",
                 minSsthresh);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("warmup", "seconds before the measurement starts", warmup);
    MptcpOutputOptions out(prog);
    out.AddTo(cmd);
    cmd.Parse(argc, argv);
    const std::vector<MptcpResults::Param> config = MptcpResults::ConfigParams();
    std::vector<std::string> names;
    std::string why;
    double dur = 0;
    double warm = 0;
    if (!MptcpNoPositionalArguments(argc, argv, why) ||
        !MptcpParseUint("n1", n1, 1, 200, p.n1, why) ||
        !MptcpParseUint("n2", n2, 1, 200, p.n2, why) ||
        !MptcpParseReal("c1", c1, 0.01, 1000, "Mbit/s", p.c1Mbps, why) ||
        !MptcpParseReal("c2", c2, 0.01, 1000, "Mbit/s", p.c2Mbps, why) ||
        !MptcpParseReal("cx", cx, 0.1, 10000, "Mbit/s", p.cxMbps, why) ||
        !MptcpParseReal("ct", ct, 0.1, 10000, "Mbit/s", p.ctMbps, why) ||
        !MptcpParseReal("cyz", cyz, 0.1, 10000, "Mbit/s", p.cyzMbps, why) ||
        !MptcpParseBool("multipath", multipath, p.multipath, why) ||
        !MptcpParseReal("rttMs", rttMs, 20, 2000, "ms", p.rttMs, why) ||
        !MptcpParseReal("redMin", redMin, 0, 10000, "MSS", p.redMinMss, why) ||
        !MptcpParseReal("redMax", redMax, 0, 10000, "MSS", p.redMaxMss, why) ||
        !MptcpParseReal("redMaxP", redMaxP, 0, 1, "", p.redMaxP, why) ||
        !MptcpParseReal("redQw", redQw, 0, 1, "", p.redQw, why) ||
        !MptcpParseUint("coupledMinSsthresh", minSsthresh, 1, 2, p.coupledMinSsthresh, why) ||
        !MptcpParseReal("duration", duration, 1, 100000, "s", dur, why) ||
        !MptcpParseReal("warmup", warmup, 0, 100000, "s", warm, why) ||
        !MptcpParseList("ccs", ccs, names, why))
    {
        return fail(why);
    }
    p.duration = MicroSeconds(std::llround(dur * 1e6));
    p.warmup = MicroSeconds(std::llround(warm * 1e6));
    for (const std::string& cc : names)
    {
        MptcpKhaliliParams q = p;
        q.cc = cc;
        if (!MptcpKhaliliCheck(q, why))
        {
            return fail(why);
        }
    }
    if (!out.Check(why))
    {
        return fail(why);
    }
    const std::string cmdline = MptcpCommandLineText(argc, argv);
    MptcpKhaliliScenario sc;
    MptcpKhaliliDescribe(p, sc, why);

    std::vector<MptcpKhaliliResult> results;
    for (const std::string& cc : names)
    {
        MptcpKhaliliParams q = p;
        q.cc = cc;
        std::vector<MptcpResults::Param> params = {{"cc", cc},
                                                   {"n1", std::to_string(p.n1)},
                                                   {"n2", std::to_string(p.n2)},
                                                   {"multipath", p.multipath ? "true" : "false"},
                                                   {"rttMs", MptcpJsonNumber(p.rttMs)},
                                                   {"tcp", p.tcp},
                                                   {"redMin", MptcpJsonNumber(p.redMinMss)},
                                                   {"redMax", MptcpJsonNumber(p.redMaxMss)},
                                                   {"redMaxP", MptcpJsonNumber(p.redMaxP)},
                                                   {"redQw", MptcpJsonNumber(p.redQw)},
                                                   {"coupledMinSsthresh",
                                                    std::to_string(p.coupledMinSsthresh)},
                                                   {"duration", MptcpJsonNumber(dur)},
                                                   {"warmup", MptcpJsonNumber(warm)}};
        if (scenario == "b")
        {
            params.push_back({"cx", MptcpJsonNumber(p.cxMbps)});
            params.push_back({"ct", MptcpJsonNumber(p.ctMbps)});
            params.push_back({"cyz", MptcpJsonNumber(p.cyzMbps)});
        }
        else
        {
            params.push_back({"c1", MptcpJsonNumber(p.c1Mbps)});
            params.push_back({"c2", MptcpJsonNumber(p.c2Mbps)});
        }
        // recorded when not the default: earlier runs keep their identity
        if (p.engine != "ns3")
        {
            params.push_back({"engine", p.engine});
        }
        params.insert(params.end(), config.begin(), config.end());
        const int rc = MptcpRecordRun(out, prog, params, cmdline, [&](MptcpRunRecorder* rec) {
            results.push_back(MptcpKhaliliRun(q, rec));
            // The fluid model beside the measurement: without and with the
            // coupled algorithms' window floor (CoupledMinSsthresh segments).
            MptcpKhaliliResult& res = results.back();
            const std::string note = MptcpKhaliliTheory(q, 0, res);
            MptcpKhaliliTheory(q, q.coupledMinSsthresh, res);
            if (!note.empty())
            {
                std::fprintf(stderr,
                             "%s: %s: no fluid-model prediction (%s)\n",
                             prog.c_str(),
                             cc.c_str(),
                             note.c_str());
            }
            if (rec)
            {
                for (const MptcpKhaliliResult::Class& c : res.classes)
                {
                    rec->AddMetric("", c.name + "_theory_goodput_bps", c.theoryBps, "bit/s");
                }
                for (const MptcpKhaliliResult::Bottleneck& b : res.bottlenecks)
                {
                    rec->AddMetric("", b.name + "_theory_loss", b.theoryLoss, "");
                }
            }
        });
        if (rc != 0)
        {
            return rc;
        }
    }

    if (out.draw)
    {
        MptcpPlot fig("Khalili scenario " + scenario + ": mean goodput per user and loss per "
                      "bottleneck, per congestion control");
        fig.SetLayout(1, 2);
        const size_t g = fig.AddPanel("goodput per user", "user class", "Mbit/s");
        const size_t l = fig.AddPanel("loss rate", "bottleneck", "dropped / arrived");
        std::vector<std::pair<double, std::string>> ct_, bt;
        for (size_t c = 0; c < sc.classes.size(); c++)
        {
            ct_.emplace_back(static_cast<double>(c + 1), sc.classes[c].name);
        }
        for (size_t b = 0; b < sc.bottlenecks.size(); b++)
        {
            bt.emplace_back(static_cast<double>(b + 1), sc.bottlenecks[b].name);
        }
        std::string err;
        bool ok = fig.SetXTics(g, ct_) && fig.SetXTics(l, bt) && fig.SetYMin(g, 0) &&
                  fig.SetYMin(l, 0);
        for (size_t i = 0; ok && i < results.size(); i++)
        {
            std::vector<double> x, y, xb, yb;
            for (size_t c = 0; c < results[i].classes.size(); c++)
            {
                x.push_back(static_cast<double>(c + 1));
                y.push_back(results[i].classes[c].meanBps / 1e6);
            }
            for (size_t b = 0; b < results[i].bottlenecks.size(); b++)
            {
                xb.push_back(static_cast<double>(b + 1));
                yb.push_back(results[i].bottlenecks[b].loss);
            }
            ok = fig.AddSeries(g, names[i], x, y, &err) && fig.AddSeries(l, names[i], xb, yb, &err);
        }
        if (!ok || !fig.Write(out.outputDir, prog, &err))
        {
            std::fprintf(stderr, "%s: plot: %s\n", prog.c_str(), err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{\"scenario\":" << MptcpJsonString(prog) << ",\"params\":{\"n1\":" << p.n1
       << ",\"n2\":" << p.n2;
    if (scenario == "b")
    {
        js << ",\"cx_mbps\":" << MptcpJsonNumber(p.cxMbps)
           << ",\"ct_mbps\":" << MptcpJsonNumber(p.ctMbps)
           << ",\"cyz_mbps\":" << MptcpJsonNumber(p.cyzMbps);
    }
    else
    {
        js << ",\"c1_mbps\":" << MptcpJsonNumber(p.c1Mbps)
           << ",\"c2_mbps\":" << MptcpJsonNumber(p.c2Mbps);
    }
    js << ",\"multipath\":" << (p.multipath ? "true" : "false")
       << ",\"rtt_ms\":" << MptcpJsonNumber(p.rttMs) << ",\"tcp\":" << MptcpJsonString(p.tcp)
       << ",\"engine\":" << MptcpJsonString(p.engine)
       << ",\"red_min_mss\":" << MptcpJsonNumber(p.redMinMss)
       << ",\"red_max_mss\":" << MptcpJsonNumber(p.redMaxMss)
       << ",\"red_max_p\":" << MptcpJsonNumber(p.redMaxP)
       << ",\"red_qw\":" << MptcpJsonNumber(p.redQw)
       << ",\"coupled_min_ssthresh\":" << p.coupledMinSsthresh << ",\"duration_s\":" << MptcpJsonNumber(dur)
       << ",\"warmup_s\":" << MptcpJsonNumber(warm) << "},\"runs\":[";
    for (size_t i = 0; i < results.size(); i++)
    {
        js << (i ? "," : "") << RunJson(names[i], results[i]);
    }
    js << "]}";
    std::cout << js.str() << std::endl;
    return std::cout ? 0 : 1;
}

} // namespace ns3
