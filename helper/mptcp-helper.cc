/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-helper.h"

#include "ns3/abort.h"
#include "ns3/ipv4.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/node.h"

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
    m_socketAttributes.emplace_back(name, value.Copy());
}

Ptr<MptcpL4Protocol>
MptcpStackHelper::Install(Ptr<Node> node) const
{
    NS_ABORT_MSG_UNLESS(node->GetObject<Ipv4>(),
                        "MptcpStackHelper: node " << node->GetId()
                                                  << " has no IPv4 stack; install "
                                                     "InternetStackHelper first");
    NS_ABORT_MSG_IF(node->GetObject<MptcpL4Protocol>(),
                    "MptcpStackHelper: node " << node->GetId() << " already has MPTCP");
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
