/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-attacker-helper.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"

namespace ns3
{

MptcpAttackerHelper::MptcpAttackerHelper()
{
    m_factory.SetTypeId(MptcpAttacker::GetTypeId());
}

void
MptcpAttackerHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

Ptr<MptcpAttacker>
MptcpAttackerHelper::InstallOnPath(const NetDeviceContainer& link, Ptr<Node> injectFrom)
{
    NS_ABORT_MSG_UNLESS(link.GetN() == 2, "MptcpAttackerHelper: a link has two devices");
    Ptr<MptcpAttacker> a = m_factory.Create<MptcpAttacker>();
    a->SetAttribute("OnPath", BooleanValue(true));
    a->TapLink(link.Get(0), link.Get(1));
    a->SetInjectionNode(injectFrom);
    return a;
}

Ptr<MptcpAttacker>
MptcpAttackerHelper::InstallOffPath(Ptr<Node> node)
{
    Ptr<MptcpAttacker> a = m_factory.Create<MptcpAttacker>();
    a->SetAttribute("OnPath", BooleanValue(false));
    a->SetInjectionNode(node);
    return a;
}

Ptr<MptcpRelay>
MptcpAttackerHelper::InstallRelay(Ptr<Node> node, Ipv4Address relayAddr, Ipv4Address server)
{
    Ptr<MptcpRelay> r = CreateObject<MptcpRelay>();
    r->Install(node, relayAddr, server);
    return r;
}

} // namespace ns3
