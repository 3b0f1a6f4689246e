/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-helper.h"

#include "ns3/abort.h"
#include "ns3/config.h"
#include "ns3/inet-socket-address.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/tcp-socket.h"

#include <sstream>

namespace ns3
{

MptcpStackHelper::MptcpStackHelper()
{
    m_l4Factory.SetTypeId("ns3::MptcpL4Protocol");
}

void
MptcpStackHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_l4Factory.Set(name, value);
}

void
MptcpStackHelper::SetSocketAttribute(const std::string& name, const AttributeValue& value)
{
    // refused here, where the mistake is, not when a socket is created
    TypeId::AttributeInformation info;
    NS_ABORT_MSG_UNLESS(MptcpSocket::GetTypeId().LookupAttributeByName(name, &info),
                        "MptcpStackHelper::SetSocketAttribute: ns3::MptcpSocket has no "
                        "attribute \""
                            << name << "\"");
    Ptr<AttributeValue> v = info.checker->CreateValidValue(value);
    NS_ABORT_MSG_UNLESS(v,
                        "MptcpStackHelper::SetSocketAttribute: invalid value for ns3::MptcpSocket::"
                            << name << " (expected "
                            << (info.checker->HasUnderlyingTypeInformation()
                                    ? info.checker->GetUnderlyingTypeInformation()
                                    : info.checker->GetValueTypeName())
                            << ")");
    m_socketAttributes.emplace_back(name, v);
}

void
MptcpStackHelper::SetLinuxDelayedAck(bool enable)
{
    m_linuxDelAck = enable;
}

namespace
{

/** ns-3's own default of ns3::TcpSocket::DelAckTimeout (tcp-socket.cc). */
const Time kNs3DelAck = MilliSeconds(200);
/** Linux's delayed-ACK timeout (TCP_DELACK_MIN), the core's default. */
const Time kLinuxDelAck = MilliSeconds(40);

/** Sets ns3::TcpSocket::DelAckTimeout to 40 ms if it is still ns-3's 200 ms. */
void
ApplyLinuxDelayedAck()
{
    TypeId::AttributeInformation info;
    if (!TcpSocket::GetTypeId().LookupAttributeByName("DelAckTimeout", &info))
    {
        return;
    }
    const auto* t = dynamic_cast<const TimeValue*>(PeekPointer(info.initialValue));
    if (t && t->Get() == kNs3DelAck)
    {
        Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(kLinuxDelAck));
    }
}

} // namespace

Ptr<MptcpL4Protocol>
MptcpStackHelper::Install(Ptr<Node> node) const
{
    NS_ABORT_MSG_UNLESS(node->GetObject<Ipv4>(),
                        "MptcpStackHelper: node " << node->GetId()
                                                  << " has no IPv4 stack; install "
                                                     "InternetStackHelper first");
    NS_ABORT_MSG_IF(node->GetObject<MptcpL4Protocol>(),
                    "MptcpStackHelper: node " << node->GetId() << " already has MPTCP");
    if (m_linuxDelAck)
    {
        ApplyLinuxDelayedAck();
    }
    Ptr<MptcpL4Protocol> l4 = m_l4Factory.Create<MptcpL4Protocol>();
    for (const auto& a : m_socketAttributes)
    {
        l4->SetSocketAttribute(a.first, *a.second);
    }
    node->AggregateObject(l4);
    return l4;
}

void
MptcpStackHelper::Install(NodeContainer nodes) const
{
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Install(*it);
    }
}

int64_t
MptcpStackHelper::AssignStreams(NodeContainer nodes, int64_t stream) const
{
    int64_t used = 0;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        Ptr<MptcpL4Protocol> l4 = (*it)->GetObject<MptcpL4Protocol>();
        if (l4)
        {
            used += l4->AssignStreams(stream + used);
        }
    }
    return used;
}

void
MptcpStackHelper::PinRoute(Ptr<Node> node,
                           Ptr<NetDevice> device,
                           Ipv4Address gateway,
                           Ipv4Address network,
                           Ipv4Mask mask)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_UNLESS(ipv4, "MptcpStackHelper::PinRoute: node " << node->GetId()
                                                                  << " has no IPv4 stack");
    const int32_t ifIndex = ipv4->GetInterfaceForDevice(device);
    NS_ABORT_MSG_IF(ifIndex < 0, "MptcpStackHelper::PinRoute: the device is not an IPv4 "
                                 "interface of node "
                                     << node->GetId());
    Ipv4StaticRoutingHelper helper;
    Ptr<Ipv4StaticRouting> routes = helper.GetStaticRouting(ipv4);
    NS_ABORT_MSG_UNLESS(routes, "MptcpStackHelper::PinRoute: node " << node->GetId()
                                                                    << " has no static routing");
    routes->AddNetworkRouteTo(network.CombineMask(mask),
                              mask,
                              gateway,
                              static_cast<uint32_t>(ifIndex));
}

namespace
{

/** "address:port" of an InetSocketAddress or an Inet6SocketAddress. */
std::string
Endpoint(const Address& a)
{
    std::ostringstream o;
    if (InetSocketAddress::IsMatchingType(a))
    {
        InetSocketAddress s = InetSocketAddress::ConvertFrom(a);
        o << s.GetIpv4() << ":" << s.GetPort();
    }
    else if (Inet6SocketAddress::IsMatchingType(a))
    {
        Inet6SocketAddress s = Inet6SocketAddress::ConvertFrom(a);
        o << "[" << s.GetIpv6() << "]:" << s.GetPort();
    }
    return o.str();
}

/** The address part of "address:port". */
std::string
Host(const std::string& endpoint)
{
    return endpoint.substr(0, endpoint.rfind(':'));
}

} // namespace

std::vector<std::string>
MptcpStackHelper::CheckDisjointSubflows(Ptr<MptcpSocket> socket)
{
    std::vector<std::string> warnings;
    if (!socket)
    {
        return warnings;
    }
    std::vector<MptcpSocket::SubflowInfo> sf(socket->GetSubflowCount());
    for (uint32_t i = 0; i < sf.size(); i++)
    {
        socket->GetSubflowStats(i, sf[i]);
    }
    for (size_t i = 0; i < sf.size(); i++)
    {
        for (size_t j = i + 1; j < sf.size(); j++)
        {
            const std::string li = Endpoint(sf[i].local);
            const std::string lj = Endpoint(sf[j].local);
            if (sf[i].interface < 0 || sf[i].interface != sf[j].interface ||
                Host(li) == Host(lj))
            {
                continue;
            }
            std::ostringstream o;
            o << "subflows " << i << " (" << li << " > " << Endpoint(sf[i].remote) << ") and "
              << j << " (" << lj << " > " << Endpoint(sf[j].remote)
              << ") have different local addresses but both leave node "
              << (socket->GetNode() ? socket->GetNode()->GetId() : 0) << " by interface "
              << sf[i].interface
              << ": the routes send them over one path. Pin a route per interface "
                 "(MptcpStackHelper::PinRoute).";
            warnings.push_back(o.str());
        }
    }
    return warnings;
}

} // namespace ns3
