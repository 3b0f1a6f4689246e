/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-scenario.h"

#include "mptcp-experiment.h"
#include "mptcp-fast.h"

// Single headers, not the *-module.h aggregates: ns-3 refuses those inside
// a module's own sources (NS3_MODULE_COMPILATION).
#include "ns3/boolean.h"
#include "ns3/bulk-send-application.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-flow-classifier.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

namespace ns3
{

namespace
{

// Receivers' ports: ranges no Wireshark/tshark dissector registers (5000
// would make tshark decode every payload as GSM A-bis RSL, "Malformed
// Packet"), below the ephemeral range (49152-65535) that clients use, so
// tshark names the stream by the receiver's port.
const uint16_t MPTCP_PORT = 40000;
const uint16_t TCP_PORT = 41000;

bool
OneOf(const std::string& v, std::initializer_list<const char*> set)
{
    for (const char* s : set)
    {
        if (v == s)
        {
            return true;
        }
    }
    return false;
}

} // namespace

std::string
MptcpCoreCcName(const std::string& ns3Cc)
{
    if (ns3Cc == "ns3::TcpNewReno" || ns3Cc == "ns3::TcpLinuxReno")
    {
        return "reno";
    }
    if (ns3Cc == "ns3::TcpCubic")
    {
        return "cubic";
    }
    return ns3Cc;
}

double
MptcpJain(const std::vector<double>& x)
{
    double sum = 0;
    double sq = 0;
    for (double v : x)
    {
        sum += v;
        sq += v * v;
    }
    if (x.empty() || sq <= 0)
    {
        return 0;
    }
    return sum * sum / (static_cast<double>(x.size()) * sq);
}

bool
MptcpScenarioCheck(const MptcpScenarioParams& p, std::string& why)
{
    if (!OneOf(p.engine, {"ns3", "fast"}))
    {
        why = "--engine must be ns3 or fast (got \"" + p.engine + "\")";
        return false;
    }
    if (p.subflows < 1 || p.subflows > 8)
    {
        why = "--subflows must be 1..8 (got " + std::to_string(p.subflows) + ")";
        return false;
    }
    if (mptcp_algo_check(MPTCP_ALGO_PM, p.pm.c_str()) != MPTCP_OK)
    {
        why = "--pm must be one of " + MptcpSocket::AlgorithmNames(MPTCP_ALGO_PM) +
              " (got \"" + p.pm + "\")";
        return false;
    }
    if (p.interfaces < 1 || p.interfaces > 8)
    {
        why = "--interfaces must be 1..8 (got " + std::to_string(p.interfaces) + ")";
        return false;
    }
    if (p.tcpFlows > 64)
    {
        why = "--tcpFlows must be 0..64 (got " + std::to_string(p.tcpFlows) + ")";
        return false;
    }
    if (!OneOf(p.competitor, {"ns3", "core"}))
    {
        why = "--competitor must be ns3 or core (got \"" + p.competitor + "\")";
        return false;
    }
    if (!OneOf(p.transport, {"mptcp", "ns3tcp"}))
    {
        why = "--transport must be mptcp or ns3tcp (got \"" + p.transport + "\")";
        return false;
    }
    if (!OneOf(p.peer, {"mptcp", "ns3tcp"}))
    {
        why = "--peer must be mptcp or ns3tcp (got \"" + p.peer + "\")";
        return false;
    }
    if (!OneOf(p.queueDisc, {"droptail", "red", "fqcodel", "fqcodel-host"}))
    {
        why = "--queueDisc must be droptail, red, fqcodel (a queue per flow) or fqcodel-host "
              "(a queue per host) (got \"" + p.queueDisc + "\")";
        return false;
    }
    if (MptcpRateBps(p.bottleneckRate) <= 0)
    {
        why = "--bottleneckRate must be a rate of 1 bit/s to 10 Tbit/s with ns-3's units, "
              "case included: 10Mbps, 1.5Gbps, 800kbps, 2MBps (bytes), 500000 (bit/s) (got \"" +
              p.bottleneckRate + "\")";
        return false;
    }
    if (p.bottleneckDelay.IsStrictlyNegative() || p.bottleneckDelay > Seconds(10))
    {
        why = "--bottleneckDelay must be 0..10000 ms";
        return false;
    }
    // (ns-3's Time::IsNegative() is "<= 0": a warm-up of 0 is allowed)
    if (!p.duration.IsStrictlyPositive() || p.warmup.IsStrictlyNegative() ||
        p.warmup >= p.duration)
    {
        why = "--duration must be positive and longer than the warm-up (" +
              std::to_string(p.warmup.GetSeconds()) + " s)";
        return false;
    }
    if (!p.sampleInterval.IsStrictlyPositive())
    {
        why = "the sample interval must be positive";
        return false;
    }
    if (p.delAckCount < 1)
    {
        why = "--delAckCount must be at least 1";
        return false;
    }
    if (p.segmentSize < 64 || p.segmentSize > 65000)
    {
        why = "--segmentSize must be 64..65000";
        return false;
    }
    // Options one setting makes meaningless (the front end refuses them
    // when given and fills in the effective values otherwise).
    if (p.transport == "ns3tcp" && (p.pm != "ndiffports" || p.interfaces != 1))
    {
        why = "--transport=ns3tcp runs ns-3's TCP over one interface: no --pm, --interfaces=1";
        return false;
    }
    if (p.transport == "mptcp" && p.peer == "ns3tcp" && (p.subflows != 1 || p.interfaces != 1))
    {
        why = "--peer=ns3tcp falls back to TCP: one subflow (--subflows=1, --interfaces=1)";
        return false;
    }
    if (p.transport == "mptcp" && p.pm == "default" && (p.subflows != 1 || p.interfaces != 1))
    {
        why = "--pm=default opens one subflow here (the receiver announces no other address): "
              "--subflows=1, --interfaces=1";
        return false;
    }
    if (p.transport == "mptcp" && p.pm == "fullmesh" && p.subflows != p.interfaces)
    {
        why = "--pm=fullmesh opens one subflow per interface: --subflows must equal "
              "--interfaces (" + std::to_string(p.interfaces) + ")";
        return false;
    }
    if (p.pm == "ndiffports" && p.interfaces != 1)
    {
        why = "--interfaces=" + std::to_string(p.interfaces) +
              " needs --pm=fullmesh (ndiffports opens every subflow from one interface)";
        return false;
    }
    TypeId tid;
    bool variant = TypeId::LookupByNameFailSafe(p.competitorCc, &tid) &&
                   tid.IsChildOf(TcpCongestionOps::GetTypeId());
    if (!variant && tid.GetUid() != 0 && tid.HasConstructor() &&
        tid.IsChildOf(TcpSocketBase::GetTypeId()))
    {
        // ns-3 3.37 declares TcpCubic's TypeId parent as TcpSocketBase,
        // though the class is a TcpCongestionOps: ask the object itself.
        ObjectFactory f;
        f.SetTypeId(tid);
        variant = DynamicCast<TcpCongestionOps>(f.Create<Object>()) != nullptr;
    }
    if (!variant)
    {
        why = "--competitorCc: no TCP variant (ns3::TcpCongestionOps) named \"" +
              p.competitorCc + "\"";
        return false;
    }
    // Variants this scenario cannot run as they are meant to run.
    if (p.competitorCc == "ns3::TcpBbr")
    {
        // Measured on this dumbbell with ns-3 3.37: BBR (which turns pacing
        // on itself) falls into repeated retransmission timeouts after its
        // first loss episode and keeps 0.02-0.4 Mbit/s of 10 on most seeds,
        // with PaceInitialWindow or a 1 s MinRto as well.
        why = "--competitorCc=ns3::TcpBbr is not supported: ns-3's TcpBbr stalls in "
              "repeated retransmission timeouts when it shares this drop-tail bottleneck "
              "with loss-based flows (a few hundred kbit/s of 10 Mbit/s)";
        return false;
    }
    if (p.competitorCc == "ns3::TcpDctcp")
    {
        why = "--competitorCc=ns3::TcpDctcp needs ECN marking, which this bottleneck does not do";
        return false;
    }
    mptcp_config c;
    mptcp_config_default(&c);
    std::string cc = p.cc;
    std::string ccCore = MptcpCoreCcName(p.competitorCc);
    c.cc = cc.c_str();
    c.scheduler = p.scheduler.c_str();
    c.pm = p.pm.c_str();
    int rv = mptcp_config_check(&c);
    if (rv != MPTCP_OK)
    {
        // the core says which name it does not know
        if (rv == MPTCP_ERR_UNKNOWN_CC)
        {
            why = "unknown --cc \"" + p.cc + "\" (" +
                  MptcpSocket::AlgorithmNames(MPTCP_ALGO_CC) + ")";
        }
        else if (rv == MPTCP_ERR_UNKNOWN_SCHED)
        {
            why = "unknown --scheduler \"" + p.scheduler + "\" (" +
                  MptcpSocket::AlgorithmNames(MPTCP_ALGO_SCHED) + ")";
        }
        else
        {
            why = std::string("the MPTCP configuration is refused: ") +
                  mptcp_strerror_name(rv);
        }
        return false;
    }
    c.cc = ccCore.c_str();
    if (p.competitor == "core" && mptcp_config_check(&c) != MPTCP_OK)
    {
        why = "--competitor=core supports --competitorCc ns3::TcpNewReno or ns3::TcpCubic";
        return false;
    }
    if (p.engine == "fast")
    {
        return MptcpFastScenarioCheck(p, why);
    }
    return true;
}

uint32_t
MptcpScenarioQueuePackets(const MptcpScenarioParams& p)
{
    MptcpBottleneckSpec spec;
    spec.rate = p.bottleneckRate;
    spec.delay = p.bottleneckDelay;
    spec.queue = p.queue;
    spec.segmentSize = p.segmentSize;
    // The dumbbell's access links (MptcpDumbbellHelper's default, 1 ms) on
    // either side of the bottleneck.
    return spec.QueuePackets(MilliSeconds(2));
}

MptcpScenarioResult
MptcpScenarioRun(const MptcpScenarioParams& p, const MptcpScenarioSampleSink& onSample)
{
    if (p.engine == "fast")
    {
        return MptcpFastScenarioRun(p, onSample);
    }
    MptcpScenarioResult r;
    MptcpExperiment x(p.duration, p.warmup, p.sampleInterval);
    x.SetSampleSink(onSample);
    x.SetProgress(p.progress);
    const bool mpHost = p.transport == "mptcp";
    const bool mpPeer = p.peer == "mptcp";
    const bool coreComp = p.competitor == "core";
    const uint32_t nics = p.pm == "fullmesh" ? p.interfaces : std::max(1u, p.interfaces);

    // Settings shared by both TCP implementations (TcpSocket attributes are
    // read by ns-3's TcpSocketBase and by MptcpSocket alike).
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(p.segmentSize));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(p.delAckCount));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(p.delAckTimeout));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(p.minRto));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue(p.competitorCc));
    Config::SetDefault("ns3::MptcpSocket::MinRto", TimeValue(p.minRto));

    // The dumbbell: the multipath host's NICs and the competing hosts on
    // access links to L, the bottleneck L--R, R--D.
    MptcpBottleneckSpec spec;
    spec.rate = p.bottleneckRate;
    spec.delay = p.bottleneckDelay;
    spec.queue = p.queue;
    spec.queueDisc = p.queueDisc;
    spec.segmentSize = p.segmentSize;
    MptcpDumbbellHelper dumbbell;
    dumbbell.SetMultipathNics(nics);
    dumbbell.SetSingleHomedHosts(p.tcpFlows);
    dumbbell.SetBottleneck(spec);
    dumbbell.Build();
    r.queuePackets = dumbbell.GetQueuePackets();
    r.baseRtt = 2 * (p.bottleneckDelay + 2 * dumbbell.GetAccessDelay());
    NodeContainer mpNode(dumbbell.GetMultipathHost());
    NodeContainer tcpNodes = dumbbell.GetSingleHomedHosts();
    NodeContainer dst(dumbbell.GetDestination());
    const Ipv4Address dstAddr = dumbbell.GetDestinationAddress();

    // MPTCP where it runs.
    MptcpStackHelper mptcp;
    mptcp.SetAttribute("VirtualPayload", BooleanValue(p.virtualPayload));
    mptcp.SetSocketAttribute("CongestionControl", StringValue(p.cc));
    mptcp.SetSocketAttribute("Scheduler", StringValue(p.scheduler));
    mptcp.SetSocketAttribute("PathManager", StringValue(p.pm));
    mptcp.SetSocketAttribute("Subflows", UintegerValue(p.subflows));
    if (mpHost)
    {
        mptcp.Install(mpNode);
    }
    if (mpPeer || coreComp)
    {
        mptcp.Install(dst);
    }
    if (coreComp)
    {
        MptcpStackHelper plain;
        plain.SetAttribute("VirtualPayload", BooleanValue(p.virtualPayload));
        plain.SetSocketAttribute("Mptcp", BooleanValue(false));
        plain.SetSocketAttribute("CongestionControl", StringValue(MptcpCoreCcName(p.competitorCc)));
        plain.Install(tcpNodes);
    }
    int64_t stream = 1000;
    stream += mptcp.AssignStreams(mpNode, stream);
    stream += mptcp.AssignStreams(dst, stream);
    stream += mptcp.AssignStreams(tcpNodes, stream);

    Ptr<UniformRandomVariable> start = CreateObject<UniformRandomVariable>();
    start->SetStream(stream++);

    const std::string mpTid = "ns3::MptcpSocketFactory";
    const std::string nsTid = "ns3::TcpSocketFactory";

    // Receivers on D.
    const uint32_t mpFlows = mpHost ? 1 : p.subflows;
    std::vector<Ptr<PacketSink>> mptcpSinks;
    std::vector<InetSocketAddress> mptcpRemotes;
    for (uint32_t i = 0; i < mpFlows; i++)
    {
        PacketSinkHelper sh(mpHost && mpPeer ? mpTid : nsTid,
                            InetSocketAddress(Ipv4Address::GetAny(), MPTCP_PORT + i));
        ApplicationContainer a = sh.Install(dst.Get(0));
        a.Start(Seconds(0));
        mptcpSinks.push_back(DynamicCast<PacketSink>(a.Get(0)));
        mptcpRemotes.emplace_back(dstAddr, MPTCP_PORT + i);
    }
    const uint32_t mpFlow = x.AddFlow("mptcp", "mptcp", mptcpSinks);
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        PacketSinkHelper sh(coreComp && (mpPeer || coreComp) ? mpTid : nsTid,
                            InetSocketAddress(Ipv4Address::GetAny(), TCP_PORT + k));
        ApplicationContainer a = sh.Install(dst.Get(0));
        a.Start(Seconds(0));
        x.AddFlow("tcp", "tcp " + std::to_string(k), {DynamicCast<PacketSink>(a.Get(0))});
    }

    // Senders, each starting at a random time in [0.1 s, 1.1 s): identical
    // start times lock drop-tail queues into phase patterns.
    ApplicationContainer mptcpSenders;
    for (uint32_t i = 0; i < mpFlows; i++)
    {
        BulkSendHelper b(mpHost ? mpTid : nsTid, InetSocketAddress(dstAddr, MPTCP_PORT + i));
        b.SetAttribute("MaxBytes", UintegerValue(0));
        b.SetAttribute("SendSize", UintegerValue(16384));
        ApplicationContainer a = b.Install(mpNode.Get(0));
        a.Start(Seconds(0.1 + start->GetValue(0, 1)));
        mptcpSenders.Add(a);
    }
    if (mpHost)
    {
        x.SetSubflowsOf(mpFlow, mptcpSenders.Get(0), "subflow ");
    }
    else
    {
        // --transport=ns3tcp: one ns-3 TCP connection per "subflow".
        x.SetSubflowsAreSinks(mpFlow, mptcpSenders, mptcpRemotes, "subflow ");
    }
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        BulkSendHelper b(coreComp ? mpTid : nsTid, InetSocketAddress(dstAddr, TCP_PORT + k));
        b.SetAttribute("MaxBytes", UintegerValue(0));
        b.SetAttribute("SendSize", UintegerValue(16384));
        ApplicationContainer a = b.Install(tcpNodes.Get(k));
        a.Start(Seconds(0.1 + start->GetValue(0, 1)));
    }

    x.CountDeliveries(dst.Get(0));
    if (p.flowMonitor)
    {
        x.EnableFlowMonitor(p.flowMonitorXml ? p.outputDir + "/flowmon.xml" : "");
    }
    if (p.pcap)
    {
        PointToPointHelper pcap;
        for (uint32_t i = 0; i < nics; i++)
        {
            pcap.EnablePcap(p.outputDir + "/mptcp-host",
                            dumbbell.GetMultipathHostDevices(i).Get(0),
                            true);
        }
        pcap.EnablePcap(p.outputDir + "/mptcp-receiver",
                        dumbbell.GetDestinationDevices().Get(1),
                        true);
    }

    x.Run();

    // Results.
    for (const std::string& w : x.GetWarnings())
    {
        std::cerr << "mptcp-shared-bottleneck: warning: " << w << "\n";
    }
    r.flows = x.GetFlows();
    r.series = x.GetSeries();
    r.deliveredPackets = x.GetDeliveredPackets();
    r.flowMonitorFlows = x.GetFlowMonitorFlows();
    r.ipFlows = x.GetIpFlows();
    NS_ASSERT(mpFlow == 0);
    MptcpScenarioSummarise(p, r);
    r.events = Simulator::GetEventCount();
    Simulator::Destroy();
    return r;
}

void
MptcpScenarioSummarise(const MptcpScenarioParams& p, MptcpScenarioResult& r)
{
    const MptcpScenarioFlow& mf = r.flows[0];
    r.fallback = mf.fallback;
    r.localKey = mf.localKey;
    r.remoteKey = mf.remoteKey;
    std::vector<double> all{mf.goodputBps};
    double tcpSum = 0;
    for (size_t k = 1; k < r.flows.size(); k++)
    {
        tcpSum += r.flows[k].goodputBps;
        all.push_back(r.flows[k].goodputBps);
    }
    // No competitor, or competitors that carried nothing: no ratio (JSON
    // null, SQL NULL), as the goodput_ratio view says.
    r.mptcpTcpRatio = p.tcpFlows && tcpSum > 0 ? mf.goodputBps / (tcpSum / p.tcpFlows)
                                               : std::nan("");
    r.jain = MptcpJain(all);
}

std::string
MptcpScenarioJson(const MptcpScenarioParams& p, const MptcpScenarioResult& r)
{
    std::ostringstream o;
    char key[64];
    o << "{\"scenario\":\"mptcp-shared-bottleneck\"";
    o << ",\"params\":{\"engine\":" << MptcpJsonString(p.engine) << ",\"subflows\":" << p.subflows << ",\"pm\":" << MptcpJsonString(p.pm)
      << ",\"interfaces\":" << p.interfaces << ",\"cc\":" << MptcpJsonString(p.cc)
      << ",\"scheduler\":" << MptcpJsonString(p.scheduler) << ",\"tcpFlows\":" << p.tcpFlows
      << ",\"competitor\":" << MptcpJsonString(p.competitor)
      << ",\"competitorCc\":" << MptcpJsonString(p.competitorCc) << ",\"transport\":" << MptcpJsonString(p.transport)
      << ",\"peer\":" << MptcpJsonString(p.peer) << ",\"bottleneckRate\":" << MptcpJsonString(p.bottleneckRate)
      << ",\"bottleneckRate_bps\":"
      << static_cast<uint64_t>(std::max(0.0, MptcpRateBps(p.bottleneckRate)))
      << ",\"bottleneckDelay_ms\":" << MptcpJsonNumber(p.bottleneckDelay.GetSeconds() * 1e3)
      << ",\"queue\":" << r.queuePackets << ",\"queueDisc\":" << MptcpJsonString(p.queueDisc)
      << ",\"duration_s\":" << MptcpJsonNumber(p.duration.GetSeconds())
      << ",\"warmup_s\":" << MptcpJsonNumber(p.warmup.GetSeconds())
      << ",\"delAckCount\":" << p.delAckCount << ",\"segmentSize\":" << p.segmentSize;
    o << ",\"config\":{";
    for (size_t i = 0; i < p.config.size(); i++)
    {
        o << (i ? "," : "") << MptcpJsonString(p.config[i].first) << ":" << MptcpJsonString(p.config[i].second);
    }
    o << "}}";
    o << ",\"mptcp_tcp_ratio\":" << MptcpJsonNumber(r.mptcpTcpRatio) << ",\"jain\":" << MptcpJsonNumber(r.jain)
      << ",\"fallback\":" << (r.fallback ? "true" : "false")
      << ",\"delivered_packets\":" << r.deliveredPackets;
    std::snprintf(key, sizeof(key), "\"%016llx\"", static_cast<unsigned long long>(r.localKey));
    o << ",\"mptcp_key_local\":" << key;
    std::snprintf(key, sizeof(key), "\"%016llx\"", static_cast<unsigned long long>(r.remoteKey));
    o << ",\"mptcp_key_remote\":" << key;
    o << ",\"flows\":" << MptcpExperiment::FlowsJson(r.flows, p.flowMonitor);
    if (p.flowMonitor)
    {
        o << ",\"flowmonitor_flows\":" << r.flowMonitorFlows;
    }
    o << "}";
    return o.str();
}

} // namespace ns3
