/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_ATTACKER_HELPER_H
#define MPTCP_ATTACKER_HELPER_H

#include "ns3/attribute.h"
#include "ns3/mptcp-attacker.h"
#include "ns3/net-device-container.h"
#include "ns3/node.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Places an MptcpAttacker (threat model, doc/security.md).
 *
 * \code
 *   MptcpAttackerHelper h;
 *   h.SetAttribute("Attack", StringValue("mp-prio"));
 *   Ptr<MptcpAttacker> a = h.InstallOnPath(link, router);  // sees `link`
 *   std::string why;
 *   if (!a->Start(why)) { ... }
 * \endcode
 * The helper keeps no reference: the caller holds the attacker for as
 * long as it should run.
 */
class MptcpAttackerHelper
{
  public:
    MptcpAttackerHelper();

    /**
     * \brief Set an attribute of the attackers to create.
     * \param name attribute name
     * \param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief An on-path attacker: a tap on the point-to-point link (both
     *        devices), forging from one end of it.
     * \param link the link's two devices
     * \param injectFrom the node the forgeries leave from (an end of the
     *        link, so that forgeries toward the far end cross it)
     * \return the attacker, not started
     */
    Ptr<MptcpAttacker> InstallOnPath(const NetDeviceContainer& link, Ptr<Node> injectFrom);

    /**
     * \brief An off-path attacker: sees nothing, forges from `node`
     *        (target set later with MptcpAttacker::SetTarget).
     * \param node the attacker's node
     * \return the attacker, not started
     */
    Ptr<MptcpAttacker> InstallOffPath(Ptr<Node> node);

    /**
     * \brief The relay of threat A4 on the attacker's node (MptcpRelay).
     * \param node the attacker's node
     * \param relayAddr its address that the forged ADD_ADDR announces
     * \param server the server the relayed subflows go to
     * \return the relay
     */
    Ptr<MptcpRelay> InstallRelay(Ptr<Node> node, Ipv4Address relayAddr, Ipv4Address server);

  private:
    ObjectFactory m_factory;
};

} // namespace ns3

#endif /* MPTCP_ATTACKER_HELPER_H */
