// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path events scripted from ns-3: an MPTCP bulk transfer over two disjoint
 * paths (fullmesh) where
 *   - at --backupAt, subflow 1 becomes a backup (MptcpSocket::SetSubflowBackup:
 *     MP_PRIO), and a regular subflow again at --regularAt;
 *   - at --failAt, path 0 fails: its bottleneck drops every packet, and
 *     host A withdraws its path-0 address (MptcpL4Protocol::
 *     RemoveLocalAddress: REMOVE_ADDR, the subflows from it reset, their
 *     data sent again on path 1).
 * Prints, for each second, the goodput acknowledged on each subflow, then
 * each subflow's addresses, the bytes the receiver got, the core's return
 * codes of the three calls (0: MPTCP_OK) and B's MP_PRIO and REMOVE_ADDR
 * counters:
 *   t=<end of second> sf0=<Mbit/s> sf1=<Mbit/s> ...
 *   subflow <i> <local> -> <remote> <TCP state at the end>
 *   received=<bytes> backup_rv=<rv> regular_rv=<rv> remove_rv=<rv> mp_prio_rx=<n> rm_addr_rx=<n>
 *
 *   ./mptcp-path-events [--duration=20] [--backupAt=4] [--regularAt=8] [--failAt=12]
 *                       [--engine=ns3|fast]
 *
 * --engine=fast runs the same paths, calls and output on the fast engine
 * (doc/fast-mode.md): the failed bottleneck drops every packet at its far
 * end in both directions, as the ReceiveErrorModel does here.
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-fast.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/network-module.h"

#include <cstdio>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

struct Run
{
    Ptr<BulkSendApplication> sender;
    std::vector<uint64_t> lastAcked;
    int backupRv = 1;
    int regularRv = 1;
    int removeRv = 1;
};

std::string
AddressString(const Address& a)
{
    std::ostringstream o;
    InetSocketAddress i = InetSocketAddress::ConvertFrom(a);
    o << i.GetIpv4() << ":" << i.GetPort();
    return o.str();
}

Ptr<MptcpSocket>
SocketOf(const Run& r)
{
    return DynamicCast<MptcpSocket>(r.sender->GetSocket());
}

void
Sample(Run* r)
{
    Ptr<MptcpSocket> s = SocketOf(*r);
    std::printf("t=%.0f", Simulator::Now().GetSeconds());
    uint32_t n = s ? s->GetSubflowCount() : 0;
    r->lastAcked.resize(n, 0);
    for (uint32_t i = 0; i < n; i++)
    {
        mptcp_conn_stats st;
        s->GetSubflowStats(i, st, nullptr, nullptr);
        std::printf(" sf%u=%.2f", i, (st.bytes_acked - r->lastAcked[i]) * 8 / 1e6);
        r->lastAcked[i] = st.bytes_acked;
    }
    std::printf("\n");
    Simulator::Schedule(Seconds(1), &Sample, r);
}

void
MakeBackup(Run* r, bool backup)
{
    Ptr<MptcpSocket> s = SocketOf(*r);
    int rv = s ? s->SetSubflowBackup(1, backup) : MPTCP_ERR_INVALID_ARGUMENT;
    (backup ? r->backupRv : r->regularRv) = rv;
}

void
FailPath(Run* r, NetDeviceContainer bottleneck, Ptr<MptcpL4Protocol> l4, Ipv4Address a)
{
    for (uint32_t i = 0; i < bottleneck.GetN(); i++)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorRate", DoubleValue(1.0));
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        bottleneck.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
    }
    r->removeRv = l4->RemoveLocalAddress(a);
}

/** The same run on the fast engine: the disjoint paths of
 *  MptcpDisjointPathsHelper (1 Gbit/s, 1 ms access links with ns-3's
 *  default queues; the bottlenecks with their queues and addresses), the
 *  same calls at the same times, the same lines. */
int
RunFast(double duration, double backupAt, double regularAt, double failAt)
{
    const mptcp_config cfg = MptcpFastSocketConfig({{"PathManager", "fullmesh"}}, true);
    MptcpFastNetwork net(MptcpFastSeed());
    const int a = net.AddNode("A");
    const int b = net.AddNode("B");
    const Time access = MilliSeconds(1);
    std::string aAddr[2];
    std::string bAddr[2];
    int bottleneck[2];
    for (int k = 0; k < 2; k++)
    {
        MptcpBottleneckSpec spec;
        spec.rate = "5Mbps";
        spec.delay = MilliSeconds(k ? 20 : 10);
        const int r = net.AddNode("R" + std::to_string(k));
        const int la = net.AddLink(a, r, 1e9, access, 1100);
        aAddr[k] = "10.10." + std::to_string(k + 1) + ".1";
        net.AddAddress(a, aAddr[k], la);
        bottleneck[k] = net.AddLink(r, b, MptcpRateBps(spec.rate), spec.delay,
                                    spec.QueuePackets(access) + 1);
        bAddr[k] = "10.20." + std::to_string(k + 1) + ".2";
        net.AddAddress(b, bAddr[k], bottleneck[k]);
    }
    net.InstallStack(a, cfg);
    net.InstallStack(b, cfg);
    for (int k = 0; k < 2; k++)
    {
        net.DeclareAddress(a, aAddr[k]);
        net.DeclareAddress(b, bAddr[k]);
    }
    const uint32_t flow = net.AddBulkFlow("mptcp", "mptcp", "subflow ", a, aAddr[0], b, bAddr[0],
                                          5000, Seconds(0.5));
    Run r;
    std::function<void()> sample = [&]() {
        std::printf("t=%.0f", net.Now().GetSeconds());
        const int n = net.GetSubflowCount(flow);
        r.lastAcked.resize(n, 0);
        for (int i = 0; i < n; i++)
        {
            mptcp_conn_stats st{};
            net.GetSubflowStats(flow, i, st, nullptr, nullptr);
            std::printf(" sf%d=%.2f", i, (st.bytes_acked - r.lastAcked[i]) * 8 / 1e6);
            r.lastAcked[i] = st.bytes_acked;
        }
        std::printf("\n");
        net.Schedule(net.Now() + Seconds(1), sample);
    };
    net.Schedule(Seconds(1), sample);
    net.Schedule(Seconds(backupAt), [&]() { r.backupRv = net.SetSubflowBackup(flow, 1, true); });
    net.Schedule(Seconds(regularAt),
                 [&]() { r.regularRv = net.SetSubflowBackup(flow, 1, false); });
    net.Schedule(Seconds(failAt), [&]() {
        net.SetLinkLoss(bottleneck[0], 1.0);
        r.removeRv = net.RemoveAddress(a, aAddr[0]);
    });
    net.Run(Seconds(duration) + MilliSeconds(1), Seconds(0), Seconds(0));
    for (int i = 0; i < net.GetSubflowCount(flow); i++)
    {
        mptcp_conn_stats st{};
        std::string local;
        std::string remote;
        net.GetSubflowStats(flow, i, st, &local, &remote);
        std::printf("subflow %d %s -> %s %s\n", i, local.c_str(), remote.c_str(),
                    mptcp_tcp_state_name(st.state));
    }
    std::printf("received=%llu backup_rv=%d regular_rv=%d remove_rv=%d mp_prio_rx=%llu "
                "rm_addr_rx=%llu\n",
                static_cast<unsigned long long>(net.GetReceived(flow)), r.backupRv, r.regularRv,
                r.removeRv,
                static_cast<unsigned long long>(net.GetCounter(b, MPTCP_MIB_MP_PRIO_RX)),
                static_cast<unsigned long long>(net.GetCounter(b, MPTCP_MIB_RM_ADDR_RX)));
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    double duration = 20;
    double backupAt = 4;
    double regularAt = 8;
    double failAt = 12;
    std::string engine = "ns3";
    CommandLine cmd(__FILE__);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("backupAt", "when subflow 1 becomes a backup (s)", backupAt);
    cmd.AddValue("regularAt", "when subflow 1 becomes regular again (s)", regularAt);
    cmd.AddValue("failAt", "when path 0 fails (s)", failAt);
    cmd.AddValue("engine", "simulator: ns3, or fast (doc/fast-mode.md)", engine);
    cmd.Parse(argc, argv);
    if (engine != "ns3" && engine != "fast")
    {
        std::fprintf(stderr, "mptcp-path-events: --engine must be ns3 or fast (got \"%s\")\n",
                     engine.c_str());
        return 2;
    }
    if (!(duration > 0 && backupAt > 1 && regularAt > backupAt && failAt > regularAt &&
          duration > failAt && duration <= 3600))
    {
        std::fprintf(stderr,
                     "mptcp-path-events: need 1 < backupAt < regularAt < failAt < duration "
                     "<= 3600\n");
        return 2;
    }
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    if (engine == "fast")
    {
        try
        {
            return RunFast(duration, backupAt, regularAt, failAt);
        }
        catch (const std::runtime_error& e)
        {
            std::fprintf(stderr, "mptcp-path-events: %s\n", e.what());
            return 1;
        }
    }

    MptcpDisjointPathsHelper paths;
    paths.SetPaths(2);
    MptcpBottleneckSpec spec;
    spec.rate = "5Mbps";
    spec.delay = MilliSeconds(10);
    paths.SetBottleneck(0, spec);
    spec.delay = MilliSeconds(20);
    paths.SetBottleneck(1, spec);
    paths.Build();

    MptcpStackHelper mptcp;
    mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
    NodeContainer hosts(paths.GetA(), paths.GetB());
    mptcp.Install(hosts);
    mptcp.AssignStreams(hosts, 1);

    PacketSinkHelper sinkHelper("ns3::MptcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 5000));
    Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(paths.GetB()).Get(0));
    BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(paths.GetBAddress(0), 5000));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));
    Run r;
    r.sender = DynamicCast<BulkSendApplication>(bulk.Install(paths.GetA()).Get(0));
    r.sender->SetStartTime(Seconds(0.5));

    Simulator::Schedule(Seconds(1), &Sample, &r);
    Simulator::Schedule(Seconds(backupAt), &MakeBackup, &r, true);
    Simulator::Schedule(Seconds(regularAt), &MakeBackup, &r, false);
    Simulator::Schedule(Seconds(failAt),
                        &FailPath,
                        &r,
                        paths.GetBottleneckDevices(0),
                        paths.GetA()->GetObject<MptcpL4Protocol>(),
                        paths.GetAAddress(0));
    Simulator::Stop(Seconds(duration) + MilliSeconds(1));
    Simulator::Run();
    Ptr<MptcpSocket> s = SocketOf(r);
    for (uint32_t i = 0; s && i < s->GetSubflowCount(); i++)
    {
        MptcpSocket::SubflowInfo info;
        s->GetSubflowStats(i, info);
        std::printf("subflow %u %s -> %s %s\n",
                    i,
                    AddressString(info.local).c_str(),
                    AddressString(info.remote).c_str(),
                    mptcp_tcp_state_name(info.stats.state));
    }
    Ptr<MptcpL4Protocol> b = paths.GetB()->GetObject<MptcpL4Protocol>();
    std::printf("received=%llu backup_rv=%d regular_rv=%d remove_rv=%d mp_prio_rx=%llu "
                "rm_addr_rx=%llu\n",
                static_cast<unsigned long long>(sink->GetTotalRx()),
                r.backupRv,
                r.regularRv,
                r.removeRv,
                static_cast<unsigned long long>(b->GetCounter(MPTCP_MIB_MP_PRIO_RX)),
                static_cast<unsigned long long>(b->GetCounter(MPTCP_MIB_RM_ADDR_RX)));
    Simulator::Destroy();
    return 0;
}
