/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-helper.h"

#include "ns3/abort.h"
#include "ns3/config.h"
#include "ns3/ipv4.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/tcp-socket.h"

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

} // namespace ns3
