/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-network.h"

// Single headers, not the *-module.h aggregates (NS3_MODULE_COMPILATION).
#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/mptcp-ecmp-routing.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-topology.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-size.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace ns3
{

namespace
{

/** The most links the addressing plan 10.(1 + k/256).(k%256).0/24 holds. */
constexpr uint32_t kMaxLinks = 254 * 256;

} // namespace

// ----------------------------------------------------------------- specs

bool
MptcpQueueSpec::Check(std::string& why) const
{
    if (disc != "droptail" && disc != "red" && disc != "fqcodel" && disc != "fqcodel-host")
    {
        why = "queue disc must be droptail, red, fqcodel or fqcodel-host (got \"" + disc + "\")";
        return false;
    }
    if (packets < 1 || packets > 1000000)
    {
        why = "queue limit must be 1..1000000 packets (got " + std::to_string(packets) + ")";
        return false;
    }
    if (disc != "red")
    {
        return true;
    }
    std::ostringstream o;
    if (!(minTh >= 0) || !(maxTh > minTh))
    {
        o << "RED thresholds must satisfy 0 <= minTh < maxTh (got minTh " << minTh << ", maxTh "
          << maxTh << ")";
    }
    else if (!(maxP > 0 && maxP <= 1))
    {
        o << "RED maxP must be in (0, 1] (got " << maxP << ")";
    }
    else if (!(qW > 0 && qW <= 1))
    {
        o << "RED queue weight qW must be in (0, 1] (got " << qW << ")";
    }
    else if (meanPacket < 1 || meanPacket > 65535)
    {
        o << "RED mean packet size must be 1..65535 bytes (got " << meanPacket << ")";
    }
    else if (maxTh > packets)
    {
        o << "RED maxTh (" << maxTh << ") is above the queue limit (" << packets << " packets)";
    }
    if (!o.str().empty())
    {
        why = o.str();
        return false;
    }
    return true;
}

double
MptcpQueueSpec::RedProbability(double avg) const
{
    if (disc != "red" || avg < minTh)
    {
        return 0;
    }
    if (avg < maxTh)
    {
        return maxP * (avg - minTh) / (maxTh - minTh);
    }
    if (gentle && avg < 2 * maxTh)
    {
        return maxP + (1 - maxP) * (avg - maxTh) / maxTh;
    }
    return 1;
}

bool
MptcpLinkSpec::Check(std::string& why) const
{
    if (!(MptcpRateBps(rate) > 0))
    {
        why = "link rate must be a positive rate such as 10Mbps (got \"" + rate + "\")";
        return false;
    }
    if (delay.IsStrictlyNegative())
    {
        why = "link delay must not be negative (got " + std::to_string(delay.GetNanoSeconds()) +
              " ns)";
        return false;
    }
    if (!(loss >= 0 && loss <= 1))
    {
        why = "link loss must be a probability in [0, 1]";
        return false;
    }
    return queue.Check(why);
}

// --------------------------------------------------------------- network

MptcpNetworkHelper::MptcpNetworkHelper()
    : m_built(false)
{
}

uint32_t
MptcpNetworkHelper::AddNode(const std::string& name)
{
    NS_ABORT_MSG_IF(m_built, "MptcpNetworkHelper::AddNode after Build()");
    m_names.push_back(name);
    return static_cast<uint32_t>(m_names.size() - 1);
}

uint32_t
MptcpNetworkHelper::AddLink(uint32_t a, uint32_t b, const MptcpLinkSpec& spec)
{
    NS_ABORT_MSG_IF(m_built, "MptcpNetworkHelper::AddLink after Build()");
    m_links.push_back(Link{a, b, spec});
    return static_cast<uint32_t>(m_links.size() - 1);
}

bool
MptcpNetworkHelper::Check(std::string& why) const
{
    const uint32_t n = static_cast<uint32_t>(m_names.size());
    if (n == 0)
    {
        why = "the network has no node";
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
    {
        if (m_names[i].empty())
        {
            why = "node " + std::to_string(i) + " has an empty name";
            return false;
        }
        for (uint32_t j = 0; j < i; j++)
        {
            if (m_names[i] == m_names[j])
            {
                why = "two nodes are named \"" + m_names[i] + "\"";
                return false;
            }
        }
    }
    if (m_links.size() > kMaxLinks)
    {
        why = "at most " + std::to_string(kMaxLinks) + " links (got " +
              std::to_string(m_links.size()) + ")";
        return false;
    }
    std::vector<std::vector<uint32_t>> adj(n);
    for (size_t k = 0; k < m_links.size(); k++)
    {
        const Link& l = m_links[k];
        const std::string what = "link " + std::to_string(k);
        if (l.a >= n || l.b >= n)
        {
            why = what + " names node " + std::to_string(l.a >= n ? l.a : l.b) +
                  ", which was not declared (" + std::to_string(n) + " nodes)";
            return false;
        }
        if (l.a == l.b)
        {
            why = what + " joins node \"" + m_names[l.a] + "\" to itself";
            return false;
        }
        std::string w;
        if (!l.spec.Check(w))
        {
            why = what + " (" + m_names[l.a] + " -- " + m_names[l.b] + "): " + w;
            return false;
        }
        adj[l.a].push_back(l.b);
        adj[l.b].push_back(l.a);
    }
    std::vector<bool> seen(n, false);
    std::vector<uint32_t> stack{0};
    seen[0] = true;
    while (!stack.empty())
    {
        const uint32_t u = stack.back();
        stack.pop_back();
        for (uint32_t v : adj[u])
        {
            if (!seen[v])
            {
                seen[v] = true;
                stack.push_back(v);
            }
        }
    }
    for (uint32_t i = 0; i < n; i++)
    {
        if (!seen[i])
        {
            why = "the network is disconnected: node \"" + m_names[i] +
                  "\" cannot be reached from \"" + m_names[0] + "\"";
            return false;
        }
    }
    return true;
}

void
MptcpNetworkHelper::Build()
{
    NS_ABORT_MSG_IF(m_built, "MptcpNetworkHelper::Build called twice");
    std::string why;
    NS_ABORT_MSG_UNLESS(Check(why), "MptcpNetworkHelper: " << why);
    m_nodes.Create(static_cast<uint32_t>(m_names.size()));
    InternetStackHelper internet;
    internet.Install(m_nodes);
    Ipv4AddressHelper ip;
    for (size_t k = 0; k < m_links.size(); k++)
    {
        const Link& l = m_links[k];
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate",
                               DataRateValue(DataRate(
                                   static_cast<uint64_t>(MptcpRateBps(l.spec.rate)))));
        p2p.SetChannelAttribute("Delay", TimeValue(l.spec.delay));
        p2p.SetQueue("ns3::DropTailQueue", "MaxSize", QueueSizeValue(QueueSize("1p")));
        NetDeviceContainer d = p2p.Install(m_nodes.Get(l.a), m_nodes.Get(l.b));
        // The queue discipline before the addresses, or Ipv4AddressHelper
        // installs ns-3's default one.
        const MptcpQueueSpec& q = l.spec.queue;
        TrafficControlHelper tch;
        QueueSizeValue size(QueueSize(QueueSizeUnit::PACKETS, q.packets));
        if (q.disc == "droptail")
        {
            tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", size);
        }
        else if (q.disc == "red")
        {
            tch.SetRootQueueDisc(
                "ns3::RedQueueDisc",
                "MaxSize",
                size,
                "MinTh",
                DoubleValue(q.minTh),
                "MaxTh",
                DoubleValue(q.maxTh),
                // ns-3 takes max_p as its inverse
                "LInterm",
                DoubleValue(1.0 / q.maxP),
                "Gentle",
                BooleanValue(q.gentle),
                "QW",
                DoubleValue(q.qW),
                "MeanPktSize",
                UintegerValue(q.meanPacket),
                "LinkBandwidth",
                DataRateValue(DataRate(static_cast<uint64_t>(MptcpRateBps(l.spec.rate)))),
                "LinkDelay",
                TimeValue(l.spec.delay));
        }
        else
        {
            const uint16_t handle = tch.SetRootQueueDisc("ns3::FqCoDelQueueDisc", "MaxSize", size);
            if (q.disc == "fqcodel-host")
            {
                tch.AddPacketFilter(handle, "ns3::MptcpHostPacketFilter");
            }
        }
        QueueDiscContainer qd = tch.Install(d);
        m_queueDiscs.push_back(qd.Get(0));
        m_queueDiscs.push_back(qd.Get(1));
        std::ostringstream net;
        net << "10." << (1 + k / 256) << "." << (k % 256) << ".0";
        ip.SetBase(net.str().c_str(), "255.255.255.0");
        Ipv4InterfaceContainer ifs = ip.Assign(d);
        m_addresses.push_back(ifs.GetAddress(0));
        m_addresses.push_back(ifs.GetAddress(1));
        m_devices.push_back(d);
        if (l.spec.loss > 0)
        {
            for (uint32_t side = 0; side < 2; side++)
            {
                Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
                em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
                em->SetRate(l.spec.loss);
                d.Get(side)->SetAttribute("ReceiveErrorModel", PointerValue(em));
                m_errorModels.push_back(em);
            }
        }
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    m_built = true;
}

void
MptcpNetworkHelper::AssertBuilt() const
{
    NS_ABORT_MSG_UNLESS(m_built, "MptcpNetworkHelper: call Build() first");
}

uint32_t
MptcpNetworkHelper::GetNNodes() const
{
    return static_cast<uint32_t>(m_names.size());
}

uint32_t
MptcpNetworkHelper::GetNLinks() const
{
    return static_cast<uint32_t>(m_links.size());
}

int32_t
MptcpNetworkHelper::FindNode(const std::string& name) const
{
    for (size_t i = 0; i < m_names.size(); i++)
    {
        if (m_names[i] == name)
        {
            return static_cast<int32_t>(i);
        }
    }
    return -1;
}

std::string
MptcpNetworkHelper::GetName(uint32_t node) const
{
    NS_ABORT_MSG_IF(node >= m_names.size(), "MptcpNetworkHelper: no node " << node);
    return m_names[node];
}

Ptr<Node>
MptcpNetworkHelper::GetNode(uint32_t node) const
{
    AssertBuilt();
    NS_ABORT_MSG_IF(node >= m_names.size(), "MptcpNetworkHelper: no node " << node);
    return m_nodes.Get(node);
}

NodeContainer
MptcpNetworkHelper::GetNodes() const
{
    AssertBuilt();
    return m_nodes;
}

Ipv4Address
MptcpNetworkHelper::GetAddress(uint32_t link, uint32_t side) const
{
    AssertBuilt();
    NS_ABORT_MSG_IF(link >= m_links.size() || side > 1,
                    "MptcpNetworkHelper: no link " << link << " side " << side);
    return m_addresses[2 * link + side];
}

NetDeviceContainer
MptcpNetworkHelper::GetDevices(uint32_t link) const
{
    AssertBuilt();
    NS_ABORT_MSG_IF(link >= m_links.size(), "MptcpNetworkHelper: no link " << link);
    return m_devices[link];
}

Ptr<QueueDisc>
MptcpNetworkHelper::GetQueueDisc(uint32_t link, uint32_t side) const
{
    AssertBuilt();
    NS_ABORT_MSG_IF(link >= m_links.size() || side > 1,
                    "MptcpNetworkHelper: no link " << link << " side " << side);
    return m_queueDiscs[2 * link + side];
}

const MptcpLinkSpec&
MptcpNetworkHelper::GetLinkSpec(uint32_t link) const
{
    NS_ABORT_MSG_IF(link >= m_links.size(), "MptcpNetworkHelper: no link " << link);
    return m_links[link].spec;
}

std::pair<uint32_t, uint32_t>
MptcpNetworkHelper::GetLinkEnds(uint32_t link) const
{
    NS_ABORT_MSG_UNLESS(link < m_links.size(), "MptcpNetworkHelper: no link " << link);
    return {m_links[link].a, m_links[link].b};
}

void
MptcpNetworkHelper::PinHostRoutes(uint32_t node, Ipv4Address destination) const
{
    AssertBuilt();
    NS_ABORT_MSG_IF(node >= m_names.size(), "MptcpNetworkHelper: no node " << node);
    for (size_t k = 0; k < m_links.size(); k++)
    {
        const Link& l = m_links[k];
        if (l.a != node && l.b != node)
        {
            continue;
        }
        const uint32_t side = l.a == node ? 0 : 1;
        MptcpStackHelper::PinRoute(m_nodes.Get(node),
                                   m_devices[k].Get(side),
                                   m_addresses[2 * k + (1 - side)],
                                   destination,
                                   Ipv4Mask("255.255.255.255"));
    }
}

void
MptcpNetworkHelper::InstallFlowEcmpRouting() const
{
    AssertBuilt();
    const uint32_t n = static_cast<uint32_t>(m_names.size());
    // adjacency: (neighbour, link)
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> adj(n);
    for (uint32_t k = 0; k < m_links.size(); k++)
    {
        adj[m_links[k].a].emplace_back(m_links[k].b, k);
        adj[m_links[k].b].emplace_back(m_links[k].a, k);
    }
    // hop counts between every two nodes (breadth first from each)
    std::vector<std::vector<uint32_t>> d(n, std::vector<uint32_t>(n, UINT32_MAX));
    for (uint32_t s = 0; s < n; s++)
    {
        std::vector<uint32_t> queue{s};
        d[s][s] = 0;
        for (size_t i = 0; i < queue.size(); i++)
        {
            for (const auto& [v, k] : adj[queue[i]])
            {
                (void)k;
                if (d[s][v] == UINT32_MAX)
                {
                    d[s][v] = d[s][queue[i]] + 1;
                    queue.push_back(v);
                }
            }
        }
    }
    auto ifOf = [this](uint32_t node, uint32_t link) {
        const uint32_t side = m_links[link].a == node ? 0 : 1;
        Ptr<Ipv4> ipv4 = m_nodes.Get(node)->GetObject<Ipv4>();
        return static_cast<uint32_t>(ipv4->GetInterfaceForDevice(m_devices[link].Get(side)));
    };
    for (uint32_t u = 0; u < n; u++)
    {
        Ptr<MptcpFlowEcmpRouting> ecmp = CreateObject<MptcpFlowEcmpRouting>();
        ecmp->SetSalt(u);
        for (uint32_t k = 0; k < m_links.size(); k++)
        {
            const Link& l = m_links[k];
            const Ipv4Address net = m_addresses[2 * k].CombineMask(Ipv4Mask("255.255.255.0"));
            if (l.a == u || l.b == u)
            {
                ecmp->AddRoute(net, Ipv4Mask("255.255.255.0"), ifOf(u, k), Ipv4Address::GetZero());
                continue;
            }
            const uint32_t du = std::min(d[u][l.a], d[u][l.b]);
            for (const auto& [v, j] : adj[u])
            {
                if (std::min(d[v][l.a], d[v][l.b]) + 1 == du)
                {
                    const uint32_t vside = m_links[j].a == v ? 0 : 1;
                    ecmp->AddRoute(net,
                                   Ipv4Mask("255.255.255.0"),
                                   ifOf(u, j),
                                   m_addresses[2 * j + vside]);
                }
            }
        }
        Ptr<Ipv4> ipv4 = m_nodes.Get(u)->GetObject<Ipv4>();
        Ptr<Ipv4ListRouting> list = DynamicCast<Ipv4ListRouting>(ipv4->GetRoutingProtocol());
        NS_ABORT_MSG_UNLESS(list, "MptcpNetworkHelper::InstallFlowEcmpRouting: node \""
                                      << m_names[u] << "\" has no Ipv4ListRouting");
        ecmp->SetIpv4(ipv4);
        list->AddRoutingProtocol(ecmp, 20);
    }
}

int64_t
MptcpNetworkHelper::AssignStreams(int64_t stream)
{
    AssertBuilt();
    for (size_t i = 0; i < m_errorModels.size(); i++)
    {
        DynamicCast<RateErrorModel>(m_errorModels[i])->AssignStreams(stream + i);
    }
    return static_cast<int64_t>(m_errorModels.size());
}


void
MptcpNetworkHelper::PinPath(const std::vector<uint32_t>& nodes, Ipv4Address destination) const
{
    AssertBuilt();
    for (size_t i = 0; i + 1 < nodes.size(); i++)
    {
        bool found = false;
        for (size_t k = 0; k < m_links.size() && !found; k++)
        {
            const Link& l = m_links[k];
            uint32_t side;
            if (l.a == nodes[i] && l.b == nodes[i + 1])
            {
                side = 0;
            }
            else if (l.b == nodes[i] && l.a == nodes[i + 1])
            {
                side = 1;
            }
            else
            {
                continue;
            }
            found = true;
            MptcpStackHelper::PinRoute(m_nodes.Get(nodes[i]),
                                       m_devices[k].Get(side),
                                       m_addresses[2 * k + (1 - side)],
                                       destination,
                                       Ipv4Mask("255.255.255.255"));
        }
        NS_ABORT_MSG_UNLESS(found,
                            "MptcpNetworkHelper::PinPath: no link between \""
                                << m_names.at(nodes[i]) << "\" and \"" << m_names.at(nodes[i + 1])
                                << "\"");
    }
}

} // namespace ns3
