/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-experiment.h"

#include "mptcp-helper.h"
#include "mptcp-progress.h"

#include "ns3/abort.h"
#include "ns3/bulk-send-application.h"
#include "ns3/onoff-application.h"
#include "ns3/config.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"
#include "ns3/ipv4-flow-classifier.h"
#include "ns3/ipv4-header.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace ns3
{

namespace
{

std::string
AddrPort(Ipv4Address a, uint16_t port)
{
    std::ostringstream os;
    os << a << ":" << port;
    return os.str();
}

Ptr<Socket>
SocketOfApp(Ptr<Application> app)
{
    Ptr<BulkSendApplication> b = DynamicCast<BulkSendApplication>(app);
    if (b)
    {
        return b->GetSocket();
    }
    Ptr<OnOffApplication> o = DynamicCast<OnOffApplication>(app);
    return o ? o->GetSocket() : nullptr;
}

} // namespace

std::string
MptcpJsonNumber(double v)
{
    if (!std::isfinite(v))
    {
        return "null";
    }
    char b[64];
    std::snprintf(b, sizeof(b), "%.6f", v);
    return b;
}

std::string
MptcpJsonString(const std::string& s)
{
    std::string o = "\"";
    for (char c : s)
    {
        if (c == '"' || c == '\\')
        {
            o += '\\';
            o += c;
        }
        else if (static_cast<unsigned char>(c) < 0x20)
        {
            char b[8];
            std::snprintf(b, sizeof(b), "\\u%04x", static_cast<unsigned>(c));
            o += b;
        }
        else
        {
            o += c;
        }
    }
    return o + "\"";
}

MptcpExperiment::MptcpExperiment(Time duration, Time warmup, Time sampleInterval)
    : m_duration(duration),
      m_warmup(warmup),
      m_interval(sampleInterval)
{
}

MptcpExperiment::~MptcpExperiment() = default;

uint32_t
MptcpExperiment::AddFlow(const std::string& kind,
                         const std::string& entity,
                         const std::vector<Ptr<PacketSink>>& sinks)
{
    Flow f;
    f.kind = kind;
    f.entity = entity;
    f.sinks = sinks;
    m_run.push_back(f);
    return static_cast<uint32_t>(m_run.size() - 1);
}

void
MptcpExperiment::SetSubflowsOf(uint32_t flow,
                               Ptr<Application> sender,
                               const std::string& entityPrefix)
{
    NS_ABORT_MSG_IF(flow >= m_run.size(), "MptcpExperiment: no flow " << flow);
    m_run[flow].mptcpSender = sender;
    m_run[flow].subflowPrefix = entityPrefix;
}

void
MptcpExperiment::SetSubflowsAreSinks(uint32_t flow,
                                     const ApplicationContainer& senders,
                                     const std::vector<InetSocketAddress>& remotes,
                                     const std::string& entityPrefix)
{
    NS_ABORT_MSG_IF(flow >= m_run.size(), "MptcpExperiment: no flow " << flow);
    Flow& f = m_run[flow];
    NS_ABORT_MSG_IF(remotes.size() != f.sinks.size(),
                    "MptcpExperiment: one remote address per sink");
    f.tcpSenders = senders;
    f.remotes = remotes;
    f.subflowPrefix = entityPrefix;
    f.subflowsAreSinks = true;
}

void
MptcpExperiment::CountDeliveries(Ptr<Node> node)
{
    Config::ConnectWithoutContextFailSafe("/NodeList/" + std::to_string(node->GetId()) +
                                              "/$ns3::Ipv4L3Protocol/LocalDeliver",
                                          MakeCallback(&MptcpExperiment::Deliver, this));
}

void
MptcpExperiment::EnableFlowMonitor(const std::string& xmlPath)
{
    m_fmh = std::make_unique<FlowMonitorHelper>();
    m_monitor = m_fmh->InstallAll();
    m_flowmonXml = xmlPath;
}

void
MptcpExperiment::SetSampleSink(const MptcpScenarioSampleSink& sink)
{
    m_sink = sink;
}

void
MptcpExperiment::SetProgress(bool on)
{
    m_progress = on;
}

Ptr<MptcpSocket>
MptcpExperiment::SocketOf(const Flow& f) const
{
    return f.mptcpSender ? DynamicCast<MptcpSocket>(SocketOfApp(f.mptcpSender)) : nullptr;
}

Ptr<MptcpSocket>
MptcpExperiment::GetMptcpSocket(uint32_t flow) const
{
    return flow < m_run.size() ? SocketOf(m_run[flow]) : nullptr;
}

uint64_t
MptcpExperiment::Received(const Flow& f) const
{
    uint64_t rx = 0;
    for (const auto& k : f.sinks)
    {
        rx += k->GetTotalRx();
    }
    return rx;
}

std::vector<uint64_t>
MptcpExperiment::PerSubflow(const Flow& f) const
{
    std::vector<uint64_t> v;
    if (f.subflowsAreSinks)
    {
        for (const auto& k : f.sinks)
        {
            v.push_back(k->GetTotalRx());
        }
    }
    else if (Ptr<MptcpSocket> s = SocketOf(f))
    {
        for (uint32_t i = 0; i < s->GetSubflowCount(); i++)
        {
            mptcp_conn_stats st;
            s->GetSubflowStats(i, st, nullptr, nullptr);
            v.push_back(st.bytes_acked);
        }
    }
    return v;
}

void
MptcpExperiment::Add(const std::string& entity, const std::string& name, double value)
{
    const std::string key = entity + "/" + name;
    auto it = m_seriesIndex.find(key);
    if (it == m_seriesIndex.end())
    {
        MptcpScenarioSeries s;
        s.entity = entity;
        s.name = name;
        m_series.push_back(s);
        it = m_seriesIndex.emplace(key, m_series.size() - 1).first;
    }
    const int64_t t = Simulator::Now().GetNanoSeconds();
    m_series[it->second].samples.emplace_back(t, value);
    if (m_sink)
    {
        m_sink(entity, name, t, value);
    }
}

void
MptcpExperiment::Sample()
{
    TakeSample();
    if (Simulator::Now() + m_interval <= m_duration)
    {
        Simulator::Schedule(m_interval, &MptcpExperiment::Sample, this);
    }
}

void
MptcpExperiment::TakeSample()
{
    const Time now = Simulator::Now();
    const double dt = (now - m_lastSample).GetSeconds();
    m_lastSample = now;
    for (Flow& f : m_run)
    {
        std::vector<uint64_t> acked = PerSubflow(f);
        f.lastSubflow.resize(acked.size(), 0);
        Ptr<MptcpSocket> s = SocketOf(f);
        for (size_t i = 0; i < acked.size(); i++)
        {
            const std::string e = f.subflowPrefix + std::to_string(i);
            Add(e, "goodput", 8.0 * static_cast<double>(acked[i] - f.lastSubflow[i]) / dt);
            f.lastSubflow[i] = acked[i];
            if (s)
            {
                mptcp_conn_stats st;
                s->GetSubflowStats(static_cast<uint32_t>(i), st, nullptr, nullptr);
                Add(e, "cwnd", static_cast<double>(st.cwnd));
                Add(e, "srtt", static_cast<double>(st.srtt_ns) / 1e6);
            }
        }
        const uint64_t rx = Received(f);
        Add(f.entity, "goodput", 8.0 * static_cast<double>(rx - f.lastRx) / dt);
        f.lastRx = rx;
    }
}

void
MptcpExperiment::Warmup()
{
    for (Flow& f : m_run)
    {
        f.sinkAtWarmup.clear();
        for (const auto& k : f.sinks)
        {
            f.sinkAtWarmup.push_back(k->GetTotalRx());
        }
        f.subflowAtWarmup = PerSubflow(f);
    }
}

void
MptcpExperiment::Deliver(const Ipv4Header& h, Ptr<const Packet> pkt, uint32_t)
{
    if (h.GetProtocol() != 6)
    {
        return;
    }
    const uint32_t size = pkt->GetSize();
    if (size > 60) // more than any TCP header: a data segment
    {
        m_delivered++;
    }
    if (m_monitor)
    {
        uint8_t b[4];
        if (pkt->CopyData(b, 4) == 4)
        {
            auto key = std::make_tuple(h.GetSource().Get(),
                                       static_cast<uint16_t>((b[0] << 8) | b[1]),
                                       h.GetDestination().Get(),
                                       static_cast<uint16_t>((b[2] << 8) | b[3]));
            m_ipBytes[key] += size + h.GetSerializedSize();
        }
    }
}

void
MptcpExperiment::Run()
{
    NS_ABORT_MSG_IF(!m_duration.IsStrictlyPositive() || m_warmup.IsStrictlyNegative() ||
                        m_warmup >= m_duration || !m_interval.IsStrictlyPositive(),
                    "MptcpExperiment: needs 0 <= warm-up < duration and a positive interval");
    // The warm-up is scheduled first, so that at the same instant it runs
    // before the sample (ns-3 runs events of equal time in schedule order).
    Simulator::Schedule(m_warmup, &MptcpExperiment::Warmup, this);
    Simulator::Schedule(m_interval, &MptcpExperiment::Sample, this);
    std::unique_ptr<MptcpProgress> progress;
    if (m_progress)
    {
        progress = std::make_unique<MptcpProgress>(m_duration,
                                                   std::cerr,
                                                   MptcpProgress::StderrIsTerminal());
        progress->Start();
    }
    Simulator::Stop(m_duration);
    Simulator::Run();
    progress.reset();
    // The stop event, scheduled first, runs before a sample due at the same
    // instant: the last interval is sampled here, so that the series cover
    // the whole run (their goodput samples add up to the bytes received).
    if (Simulator::Now() > m_lastSample)
    {
        TakeSample();
    }
    Collect();
}

void
MptcpExperiment::CollectSubflows(const Flow& f, MptcpScenarioFlow& out)
{
    const double span = (m_duration - m_warmup).GetSeconds();
    std::vector<uint64_t> acked = PerSubflow(f);
    Ptr<MptcpSocket> ms = SocketOf(f);
    for (size_t i = 0; i < acked.size(); i++)
    {
        MptcpScenarioSubflow sf;
        sf.entity = f.subflowPrefix + std::to_string(i);
        const uint64_t before = i < f.subflowAtWarmup.size() ? f.subflowAtWarmup[i] : 0;
        sf.bytesAcked = acked[i];
        sf.goodputBps = 8.0 * static_cast<double>(acked[i] - before) / span;
        if (ms)
        {
            mptcp_conn_stats st;
            InetSocketAddress l(Ipv4Address::GetAny(), 0);
            InetSocketAddress rem(Ipv4Address::GetAny(), 0);
            ms->GetSubflowStats(static_cast<uint32_t>(i), st, &l, &rem);
            sf.local = AddrPort(l.GetIpv4(), l.GetPort());
            sf.remote = AddrPort(rem.GetIpv4(), rem.GetPort());
            sf.retransmissions = st.retransmissions;
            sf.srttMs = static_cast<double>(st.srtt_ns) / 1e6;
            sf.cwnd = st.cwnd;
            auto it = m_ipBytes.find(std::make_tuple(l.GetIpv4().Get(),
                                                     l.GetPort(),
                                                     rem.GetIpv4().Get(),
                                                     rem.GetPort()));
            sf.l4RxBytes = it == m_ipBytes.end() ? 0 : it->second;
            MptcpSocket::SubflowInfo info;
            if (ms->GetSubflowStats(static_cast<uint32_t>(i), info))
            {
                sf.interface = info.interface;
                sf.device = info.device ? static_cast<int32_t>(info.device->GetIfIndex()) : -1;
            }
        }
        else if (i < f.remotes.size())
        {
            // Separate TCP connections: the socket names its local address,
            // so that FlowMonitor's and the receiver's counts can be matched.
            const InetSocketAddress& r = f.remotes[i];
            sf.remote = AddrPort(r.GetIpv4(), r.GetPort());
            Ptr<Socket> so = i < f.tcpSenders.GetN() ? SocketOfApp(f.tcpSenders.Get(i)) : nullptr;
            Address a;
            if (so && so->GetSockName(a) == 0 && InetSocketAddress::IsMatchingType(a))
            {
                InetSocketAddress l = InetSocketAddress::ConvertFrom(a);
                sf.local = AddrPort(l.GetIpv4(), l.GetPort());
                auto it = m_ipBytes.find(std::make_tuple(l.GetIpv4().Get(),
                                                         l.GetPort(),
                                                         r.GetIpv4().Get(),
                                                         r.GetPort()));
                sf.l4RxBytes = it == m_ipBytes.end() ? 0 : it->second;
            }
        }
        out.subflows.push_back(sf);
    }
    if (ms)
    {
        // Subflows meant to be disjoint (several local addresses) that
        // left by one interface: the routes defeat the path manager.
        for (const std::string& w : MptcpStackHelper::CheckDisjointSubflows(ms))
        {
            m_warnings.push_back(w);
        }
        out.fallback = ms->FellBack();
        ms->GetKeys(out.localKey, out.remoteKey);
    }
}

void
MptcpExperiment::Collect()
{
    const double span = (m_duration - m_warmup).GetSeconds();
    m_flows.clear();
    for (const Flow& f : m_run)
    {
        MptcpScenarioFlow out;
        out.kind = f.kind;
        out.entity = f.entity;
        for (size_t i = 0; i < f.sinks.size(); i++)
        {
            const uint64_t rx = f.sinks[i]->GetTotalRx();
            const uint64_t before = i < f.sinkAtWarmup.size() ? f.sinkAtWarmup[i] : 0;
            out.bytesReceived += rx;
            out.goodputBps += 8.0 * static_cast<double>(rx - before) / span;
        }
        if (f.mptcpSender || f.subflowsAreSinks)
        {
            CollectSubflows(f, out);
        }
        m_flows.push_back(out);
    }
    if (m_monitor)
    {
        CollectFlowMonitor();
    }
}

void
MptcpExperiment::CollectFlowMonitor()
{
    m_monitor->CheckForLostPackets();
    Ptr<Ipv4FlowClassifier> cls = DynamicCast<Ipv4FlowClassifier>(m_fmh->GetClassifier());
    const auto& stats = m_monitor->GetFlowStats();
    m_flowMonitorFlows = stats.size();
    m_ipFlows.clear();
    for (const auto& fs : stats)
    {
        Ipv4FlowClassifier::FiveTuple t = cls->FindFlow(fs.first);
        const FlowMonitor::FlowStats& f = fs.second;
        MptcpScenarioIpFlow ip;
        ip.id = fs.first;
        ip.fiveTuple = AddrPort(t.sourceAddress, t.sourcePort) + " > " +
                       AddrPort(t.destinationAddress, t.destinationPort) + " " +
                       (t.protocol == 6    ? std::string("tcp")
                        : t.protocol == 17 ? std::string("udp")
                                           : "proto " + std::to_string(t.protocol));
        ip.txPackets = f.txPackets;
        ip.rxPackets = f.rxPackets;
        ip.txBytes = f.txBytes;
        ip.rxBytes = f.rxBytes;
        ip.lostPackets = f.lostPackets;
        ip.delayMeanMs =
            f.rxPackets ? f.delaySum.GetDouble() / 1e6 / f.rxPackets : std::nan("");
        ip.jitterMeanMs =
            f.rxPackets > 1 ? f.jitterSum.GetDouble() / 1e6 / (f.rxPackets - 1) : std::nan("");
        m_ipFlows.push_back(ip);
    }
    if (!m_flowmonXml.empty())
    {
        m_monitor->SerializeToXmlFile(m_flowmonXml, true, true);
    }
    for (MptcpScenarioFlow& flow : m_flows)
    {
        for (MptcpScenarioSubflow& sf : flow.subflows)
        {
            for (const auto& fs : stats)
            {
                Ipv4FlowClassifier::FiveTuple t = cls->FindFlow(fs.first);
                if (t.protocol == 6 && AddrPort(t.sourceAddress, t.sourcePort) == sf.local &&
                    AddrPort(t.destinationAddress, t.destinationPort) == sf.remote)
                {
                    sf.flowMonitorRxBytes = fs.second.rxBytes;
                }
            }
        }
    }
}

const std::vector<MptcpScenarioFlow>&
MptcpExperiment::GetFlows() const
{
    return m_flows;
}

const std::vector<MptcpScenarioSeries>&
MptcpExperiment::GetSeries() const
{
    return m_series;
}

uint64_t
MptcpExperiment::GetDeliveredPackets() const
{
    return m_delivered;
}

const std::vector<MptcpScenarioIpFlow>&
MptcpExperiment::GetIpFlows() const
{
    return m_ipFlows;
}

uint64_t
MptcpExperiment::GetFlowMonitorFlows() const
{
    return m_flowMonitorFlows;
}

bool
MptcpExperiment::HasFlowMonitor() const
{
    return m_monitor != nullptr;
}

const std::vector<std::string>&
MptcpExperiment::GetWarnings() const
{
    return m_warnings;
}

std::string
MptcpExperiment::FlowsJson(const std::vector<MptcpScenarioFlow>& flows, bool flowMonitor)
{
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < flows.size(); i++)
    {
        const MptcpScenarioFlow& f = flows[i];
        o << (i ? "," : "") << "{\"kind\":" << MptcpJsonString(f.kind)
          << ",\"goodput_bps\":" << MptcpJsonNumber(f.goodputBps)
          << ",\"bytes_received\":" << f.bytesReceived;
        if (f.kind == "mptcp")
        {
            o << ",\"subflows\":[";
            for (size_t j = 0; j < f.subflows.size(); j++)
            {
                const MptcpScenarioSubflow& s = f.subflows[j];
                o << (j ? "," : "") << "{\"local\":" << MptcpJsonString(s.local)
                  << ",\"remote\":" << MptcpJsonString(s.remote)
                  << ",\"goodput_bps\":" << MptcpJsonNumber(s.goodputBps)
                  << ",\"bytes_acked\":" << s.bytesAcked
                  << ",\"retransmissions\":" << s.retransmissions
                  << ",\"srtt_ms\":" << MptcpJsonNumber(s.srttMs) << ",\"cwnd\":" << s.cwnd
                  << ",\"interface\":" << s.interface << ",\"device\":" << s.device;
                if (flowMonitor)
                {
                    o << ",\"flowmonitor_rx_bytes\":" << s.flowMonitorRxBytes
                      << ",\"ip_rx_bytes\":" << s.l4RxBytes;
                }
                o << "}";
            }
            o << "]";
        }
        o << "}";
    }
    o << "]";
    return o.str();
}

} // namespace ns3
