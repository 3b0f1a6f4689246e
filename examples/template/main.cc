// SPDX-License-Identifier: GPL-2.0-only
//
// A program of one's own against the installed mptcp module: host A sends
// to host B over two disjoint paths with MPTCP (fullmesh path manager,
// coupled LIA congestion control), and prints what B received, each
// subflow's share, and a line per second from a trace. Copy this folder,
// then:
//   cmake -S . -B build -DCMAKE_PREFIX_PATH=<where the module is installed>
//   cmake --build build && ./build/my-mptcp --duration=5
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-module.h"

#include <iostream>

using namespace ns3;

namespace
{
uint64_t g_rxBytes = 0;

// PacketSink's "Rx" trace: every chunk the application reads.
void
OnRx(Ptr<const Packet> packet, const Address& from)
{
    g_rxBytes += packet->GetSize();
}

void
PrintProgress()
{
    std::cout << "t=" << Simulator::Now().GetSeconds() << " s received " << g_rxBytes
              << " bytes" << std::endl;
    Simulator::Schedule(Seconds(1), &PrintProgress);
}
} // namespace

int
main(int argc, char* argv[])
{
    double duration = 5;
    CommandLine cmd(__FILE__);
    cmd.AddValue("duration", "simulated seconds of transfer", duration);
    cmd.Parse(argc, argv);
    if (!(duration > 0 && duration <= 3600))
    {
        std::cerr << "my-mptcp: --duration must be in (0, 3600] seconds" << std::endl;
        return 2;
    }

    // Two disjoint paths, 4 and 6 Mbit/s, between hosts A and B.
    MptcpBottleneckSpec slow;
    slow.rate = "4Mbps";
    slow.delay = MilliSeconds(10);
    MptcpBottleneckSpec fast;
    fast.rate = "6Mbps";
    fast.delay = MilliSeconds(30);
    MptcpDisjointPathsHelper paths;
    paths.SetBottleneck(0, slow);
    paths.SetBottleneck(1, fast);
    paths.Build();

    MptcpStackHelper mptcp;
    mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
    mptcp.Install(NodeContainer(paths.GetA(), paths.GetB()));

    // Receiver on B, sender on A: both name the MPTCP socket factory.
    const uint16_t port = 40000;
    PacketSinkHelper sink("ns3::MptcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApp = sink.Install(paths.GetB());
    BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(paths.GetBAddress(0), port));
    ApplicationContainer bulkApp = bulk.Install(paths.GetA());
    sinkApp.Start(Seconds(0));
    bulkApp.Start(Seconds(0.1));
    bulkApp.Stop(Seconds(duration));
    sinkApp.Stop(Seconds(duration + 1));

    sinkApp.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&OnRx));
    Simulator::Schedule(Seconds(1), &PrintProgress);

    Simulator::Stop(Seconds(duration + 1));
    Simulator::Run();

    Ptr<PacketSink> receiver = DynamicCast<PacketSink>(sinkApp.Get(0));
    const double mbps = receiver->GetTotalRx() * 8.0 / duration / 1e6;
    std::cout << "received " << receiver->GetTotalRx() << " bytes, " << mbps << " Mbit/s"
              << std::endl;
    Simulator::Destroy();
    return receiver->GetTotalRx() > 0 ? 0 : 1;
}
