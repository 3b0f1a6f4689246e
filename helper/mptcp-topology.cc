/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-topology.h"

// Single headers, not the *-module.h aggregates (NS3_MODULE_COMPILATION).
#include "ns3/abort.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/ipv4.h"
#include "ns3/mptcp-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/queue-size.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"

#include "mptcp/mptcp.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ns3
{

namespace
{

/** The network a.b.c.0, with c from 1. */
std::string
Subnet(uint32_t a, uint32_t b, uint32_t c)
{
    return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + ".0";
}

/** The link rate of a checked rate string, as MptcpRateBps parsed it. */
DataRateValue
RateValue(const std::string& rate)
{
    const double bps = MptcpRateBps(rate);
    NS_ABORT_MSG_IF(bps <= 0, "not a rate: \"" << rate << "\"");
    return DataRateValue(DataRate(static_cast<uint64_t>(bps)));
}

bool
CheckAccess(const std::string& rate, Time delay, std::string& why)
{
    if (MptcpRateBps(rate) <= 0)
    {
        why = "access link rate must be a positive rate such as 1Gbps (got \"" + rate + "\")";
        return false;
    }
    if (delay.IsStrictlyNegative())
    {
        why = "access link delay must not be negative";
        return false;
    }
    return true;
}

/**
 * Install the bottleneck a -- b of `spec`: a one-packet device queue, then
 * the queue discipline on both devices (before addresses are assigned, or
 * Ipv4AddressHelper installs ns-3's default one).
 */
NetDeviceContainer
InstallBottleneck(const MptcpBottleneckSpec& spec, uint32_t queuePackets, Ptr<Node> a, Ptr<Node> b)
{
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", RateValue(spec.rate));
    link.SetChannelAttribute("Delay", TimeValue(spec.delay));
    link.SetQueue("ns3::DropTailQueue", "MaxSize", QueueSizeValue(QueueSize("1p")));
    NetDeviceContainer devices = link.Install(a, b);
    TrafficControlHelper tch;
    const uint32_t q = queuePackets;
    QueueSizeValue size(QueueSize(QueueSizeUnit::PACKETS, q));
    if (spec.queueDisc == "droptail")
    {
        tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", size);
    }
    else if (spec.queueDisc == "red")
    {
        tch.SetRootQueueDisc("ns3::RedQueueDisc",
                             "MaxSize",
                             size,
                             "MinTh",
                             DoubleValue(std::max(1.0, q / 4.0)),
                             "MaxTh",
                             DoubleValue(std::max(2.0, 3.0 * q / 4.0)));
    }
    else
    {
        const uint16_t handle = tch.SetRootQueueDisc("ns3::FqCoDelQueueDisc", "MaxSize", size);
        if (spec.queueDisc == "fqcodel-host")
        {
            // one flow queue per source host, not per five-tuple
            tch.AddPacketFilter(handle, "ns3::MptcpHostPacketFilter");
        }
    }
    tch.Install(devices);
    return devices;
}

} // namespace

/**
 * Bits per second of a rate string such as "10Mbps", or -1 when the string
 * is not one. The core's parser (mptcp_rate_parse) gives each unit ns-3's
 * meaning and refuses what ns-3 would read as garbage; the loopback tool
 * parses with it too, so a string means one rate everywhere.
 */
double
MptcpRateBps(const std::string& s)
{
    uint64_t bps = 0;
    if (mptcp_rate_parse(s.c_str(), &bps) != MPTCP_OK)
    {
        return -1;
    }
    return static_cast<double>(bps);
}

// ------------------------------------------------------------ bottleneck spec

bool
MptcpBottleneckSpec::Check(std::string& why) const
{
    if (MptcpRateBps(rate) <= 0)
    {
        why = "bottleneck rate must be a positive rate such as 10Mbps (got \"" + rate + "\")";
        return false;
    }
    if (delay.IsStrictlyNegative())
    {
        // Integer nanoseconds: ns-3 3.37's conversion of a negative Time to
        // double shifts a negative value (undefined behaviour).
        why = "bottleneck delay must not be negative (got " +
              std::to_string(delay.GetNanoSeconds()) + " ns)";
        return false;
    }
    if (queueDisc != "droptail" && queueDisc != "red" && queueDisc != "fqcodel" &&
        queueDisc != "fqcodel-host")
    {
        why = "bottleneck queue disc must be droptail, red, fqcodel or fqcodel-host (got \"" +
              queueDisc + "\")";
        return false;
    }
    if (segmentSize < 64 || segmentSize > 65000)
    {
        why = "bottleneck segment size must be 64..65000 (got " + std::to_string(segmentSize) + ")";
        return false;
    }
    return true;
}

uint32_t
MptcpBottleneckSpec::QueuePackets(Time otherDelay) const
{
    if (queue > 0)
    {
        return queue;
    }
    const double rtt = 2 * (otherDelay.GetSeconds() + delay.GetSeconds());
    const double packets = MptcpRateBps(rate) * rtt / 8.0 / (segmentSize + 52);
    return std::max<uint32_t>(2, static_cast<uint32_t>(std::ceil(packets)));
}

// ------------------------------------------------------------------ dumbbell

MptcpDumbbellHelper::MptcpDumbbellHelper()
    : m_nics(1),
      m_hosts(0),
      m_accessRate("1Gbps"),
      m_accessDelay(MilliSeconds(1)),
      m_built(false),
      m_queuePackets(0)
{
}

void
MptcpDumbbellHelper::SetMultipathNics(uint32_t nics)
{
    m_nics = nics;
}

void
MptcpDumbbellHelper::SetSingleHomedHosts(uint32_t hosts)
{
    m_hosts = hosts;
}

void
MptcpDumbbellHelper::SetAccessLink(const std::string& rate, Time delay)
{
    m_accessRate = rate;
    m_accessDelay = delay;
}

void
MptcpDumbbellHelper::SetBottleneck(const MptcpBottleneckSpec& spec)
{
    m_bottleneck = spec;
}

bool
MptcpDumbbellHelper::Check(std::string& why) const
{
    if (m_nics < 1 || m_nics > 254)
    {
        why = "the multipath host needs 1..254 NICs (got " + std::to_string(m_nics) + ")";
        return false;
    }
    if (m_hosts > 254)
    {
        why = "at most 254 single-homed hosts (got " + std::to_string(m_hosts) + ")";
        return false;
    }
    return CheckAccess(m_accessRate, m_accessDelay, why) && m_bottleneck.Check(why);
}

void
MptcpDumbbellHelper::Build()
{
    NS_ABORT_MSG_IF(m_built, "MptcpDumbbellHelper::Build: called twice");
    std::string why;
    NS_ABORT_MSG_UNLESS(Check(why), "MptcpDumbbellHelper: " << why);
    m_built = true;

    // The order of node creation, links and addresses is part of the
    // helper's contract: node ids, interface indexes and random streams
    // follow it (the shared-bottleneck scenario's results depend on it).
    NodeContainer mp;
    mp.Create(1);
    m_mpHost = mp.Get(0);
    m_hostNodes.Create(m_hosts);
    m_routers.Create(2);
    NodeContainer dst;
    dst.Create(1);
    m_dst = dst.Get(0);
    InternetStackHelper internet;
    internet.Install(mp);
    internet.Install(m_hostNodes);
    internet.Install(m_routers);
    internet.Install(dst);

    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", RateValue(m_accessRate));
    access.SetChannelAttribute("Delay", TimeValue(m_accessDelay));
    Ipv4AddressHelper ip;
    for (uint32_t i = 0; i < m_nics; i++)
    {
        NetDeviceContainer d = access.Install(m_mpHost, m_routers.Get(0));
        ip.SetBase(Subnet(10, 1, i + 1).c_str(), "255.255.255.0");
        m_mpAddresses.push_back(ip.Assign(d).GetAddress(0));
        m_mpDevices.push_back(d);
    }
    for (uint32_t k = 0; k < m_hosts; k++)
    {
        NetDeviceContainer d = access.Install(m_hostNodes.Get(k), m_routers.Get(0));
        ip.SetBase(Subnet(10, 2, k + 1).c_str(), "255.255.255.0");
        m_hostAddresses.push_back(ip.Assign(d).GetAddress(0));
    }

    // One-way delay of the rest of the path: M -- L and R -- D.
    m_queuePackets = m_bottleneck.QueuePackets(m_accessDelay + m_accessDelay);
    m_bottleneckDevices =
        InstallBottleneck(m_bottleneck, m_queuePackets, m_routers.Get(0), m_routers.Get(1));
    ip.SetBase("10.3.1.0", "255.255.255.0");
    ip.Assign(m_bottleneckDevices);
    m_dstDevices = access.Install(m_routers.Get(1), m_dst);
    ip.SetBase("10.4.1.0", "255.255.255.0");
    m_dstAddress = ip.Assign(m_dstDevices).GetAddress(1);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

void
MptcpDumbbellHelper::AssertBuilt() const
{
    NS_ABORT_MSG_UNLESS(m_built, "MptcpDumbbellHelper: call Build() first");
}

Ptr<Node>
MptcpDumbbellHelper::GetMultipathHost() const
{
    AssertBuilt();
    return m_mpHost;
}

NodeContainer
MptcpDumbbellHelper::GetSingleHomedHosts() const
{
    AssertBuilt();
    return m_hostNodes;
}

NodeContainer
MptcpDumbbellHelper::GetRouters() const
{
    AssertBuilt();
    return m_routers;
}

Ptr<Node>
MptcpDumbbellHelper::GetDestination() const
{
    AssertBuilt();
    return m_dst;
}

Ipv4Address
MptcpDumbbellHelper::GetDestinationAddress() const
{
    AssertBuilt();
    return m_dstAddress;
}

NetDeviceContainer
MptcpDumbbellHelper::GetMultipathHostDevices(uint32_t i) const
{
    AssertBuilt();
    NS_ABORT_MSG_UNLESS(i < m_nics,
                        "MptcpDumbbellHelper: no NIC " << i << " (the host has " << m_nics << ")");
    return m_mpDevices[i];
}

Ipv4Address
MptcpDumbbellHelper::GetMultipathHostAddress(uint32_t i) const
{
    AssertBuilt();
    NS_ABORT_MSG_UNLESS(i < m_nics,
                        "MptcpDumbbellHelper: no NIC " << i << " (the host has " << m_nics << ")");
    return m_mpAddresses[i];
}

Ipv4Address
MptcpDumbbellHelper::GetSingleHomedHostAddress(uint32_t k) const
{
    AssertBuilt();
    NS_ABORT_MSG_UNLESS(k < m_hosts,
                        "MptcpDumbbellHelper: no single-homed host " << k << " (there are "
                                                                     << m_hosts << ")");
    return m_hostAddresses[k];
}

NetDeviceContainer
MptcpDumbbellHelper::GetBottleneckDevices() const
{
    AssertBuilt();
    return m_bottleneckDevices;
}

NetDeviceContainer
MptcpDumbbellHelper::GetDestinationDevices() const
{
    AssertBuilt();
    return m_dstDevices;
}

uint32_t
MptcpDumbbellHelper::GetQueuePackets() const
{
    AssertBuilt();
    return m_queuePackets;
}

Time
MptcpDumbbellHelper::GetAccessDelay() const
{
    return m_accessDelay;
}

// ------------------------------------------------------------ disjoint paths

MptcpDisjointPathsHelper::MptcpDisjointPathsHelper()
    : m_accessRate("1Gbps"),
      m_accessDelay(MilliSeconds(1)),
      m_specs(2),
      m_built(false)
{
}

void
MptcpDisjointPathsHelper::SetPaths(uint32_t paths)
{
    m_specs.resize(paths);
}

void
MptcpDisjointPathsHelper::SetAccessLink(const std::string& rate, Time delay)
{
    m_accessRate = rate;
    m_accessDelay = delay;
}

void
MptcpDisjointPathsHelper::SetBottleneck(uint32_t i, const MptcpBottleneckSpec& spec)
{
    NS_ABORT_MSG_UNLESS(i < m_specs.size(),
                        "MptcpDisjointPathsHelper::SetBottleneck: no path "
                            << i << " (there are " << m_specs.size() << "; SetPaths first)");
    m_specs[i] = spec;
}

bool
MptcpDisjointPathsHelper::Check(std::string& why) const
{
    if (m_specs.empty() || m_specs.size() > 254)
    {
        why = "the number of paths must be 1..254 (got " + std::to_string(m_specs.size()) + ")";
        return false;
    }
    if (!CheckAccess(m_accessRate, m_accessDelay, why))
    {
        return false;
    }
    for (size_t i = 0; i < m_specs.size(); i++)
    {
        if (!m_specs[i].Check(why))
        {
            why = "path " + std::to_string(i) + ": " + why;
            return false;
        }
    }
    return true;
}

void
MptcpDisjointPathsHelper::Build()
{
    NS_ABORT_MSG_IF(m_built, "MptcpDisjointPathsHelper::Build: called twice");
    std::string why;
    NS_ABORT_MSG_UNLESS(Check(why), "MptcpDisjointPathsHelper: " << why);
    m_built = true;

    const auto n = static_cast<uint32_t>(m_specs.size());
    NodeContainer hosts;
    hosts.Create(2);
    m_a = hosts.Get(0);
    m_b = hosts.Get(1);
    m_routers.Create(n);
    InternetStackHelper internet;
    internet.Install(hosts);
    internet.Install(m_routers);

    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", RateValue(m_accessRate));
    access.SetChannelAttribute("Delay", TimeValue(m_accessDelay));
    Ipv4AddressHelper ip;
    for (uint32_t i = 0; i < n; i++)
    {
        NetDeviceContainer a = access.Install(m_a, m_routers.Get(i));
        ip.SetBase(Subnet(10, 10, i + 1).c_str(), "255.255.255.0");
        m_aAddresses.push_back(ip.Assign(a).GetAddress(0));
        m_accessDevices.push_back(a);

        const uint32_t q = m_specs[i].QueuePackets(m_accessDelay);
        m_queuePackets.push_back(q);
        NetDeviceContainer b = InstallBottleneck(m_specs[i], q, m_routers.Get(i), m_b);
        ip.SetBase(Subnet(10, 20, i + 1).c_str(), "255.255.255.0");
        m_bAddresses.push_back(ip.Assign(b).GetAddress(1));
        m_bottleneckDevices.push_back(b);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // Global routing gives each host one next hop for all of the other
    // host's addresses (host routes through the first shortest path). The
    // hosts' pinned routes, consulted first, send what is addressed to the
    // other host's path-i network over path i.
    const Ipv4Mask mask("255.255.255.0");
    for (uint32_t i = 0; i < n; i++)
    {
        MptcpStackHelper::PinRoute(m_a,
                                   m_accessDevices[i].Get(0),
                                   Ipv4Address(m_aAddresses[i].Get() + 1), // R_i, .2
                                   m_bAddresses[i],
                                   mask);
        MptcpStackHelper::PinRoute(m_b,
                                   m_bottleneckDevices[i].Get(1),
                                   Ipv4Address(m_bAddresses[i].Get() - 1), // R_i, .1
                                   m_aAddresses[i],
                                   mask);
    }
}

void
MptcpDisjointPathsHelper::AssertPath(uint32_t i) const
{
    NS_ABORT_MSG_UNLESS(m_built, "MptcpDisjointPathsHelper: call Build() first");
    NS_ABORT_MSG_UNLESS(i < m_specs.size(),
                        "MptcpDisjointPathsHelper: no path " << i << " (there are "
                                                             << m_specs.size() << ")");
}

uint32_t
MptcpDisjointPathsHelper::GetPaths() const
{
    return static_cast<uint32_t>(m_specs.size());
}

Ptr<Node>
MptcpDisjointPathsHelper::GetA() const
{
    AssertPath(0);
    return m_a;
}

Ptr<Node>
MptcpDisjointPathsHelper::GetB() const
{
    AssertPath(0);
    return m_b;
}

NodeContainer
MptcpDisjointPathsHelper::GetRouters() const
{
    AssertPath(0);
    return m_routers;
}

Ipv4Address
MptcpDisjointPathsHelper::GetAAddress(uint32_t i) const
{
    AssertPath(i);
    return m_aAddresses[i];
}

Ipv4Address
MptcpDisjointPathsHelper::GetBAddress(uint32_t i) const
{
    AssertPath(i);
    return m_bAddresses[i];
}

NetDeviceContainer
MptcpDisjointPathsHelper::GetAccessDevices(uint32_t i) const
{
    AssertPath(i);
    return m_accessDevices[i];
}

NetDeviceContainer
MptcpDisjointPathsHelper::GetBottleneckDevices(uint32_t i) const
{
    AssertPath(i);
    return m_bottleneckDevices[i];
}

uint32_t
MptcpDisjointPathsHelper::GetQueuePackets(uint32_t i) const
{
    AssertPath(i);
    return m_queuePackets[i];
}

Time
MptcpDisjointPathsHelper::GetAccessDelay() const
{
    return m_accessDelay;
}

} // namespace ns3
