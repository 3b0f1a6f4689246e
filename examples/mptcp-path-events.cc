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
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/network-module.h"

#include <cstdio>
#include <sstream>
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

} // namespace

int
main(int argc, char* argv[])
{
    double duration = 20;
    double backupAt = 4;
    double regularAt = 8;
    double failAt = 12;
    CommandLine cmd(__FILE__);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("backupAt", "when subflow 1 becomes a backup (s)", backupAt);
    cmd.AddValue("regularAt", "when subflow 1 becomes regular again (s)", regularAt);
    cmd.AddValue("failAt", "when path 0 fails (s)", failAt);
    cmd.Parse(argc, argv);
    if (!(duration > 0 && backupAt > 1 && regularAt > backupAt && failAt > regularAt &&
          duration > failAt && duration <= 3600))
    {
        std::fprintf(stderr,
                     "mptcp-path-events: need 1 < backupAt < regularAt < failAt < duration "
                     "<= 3600\n");
        return 2;
    }
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

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
