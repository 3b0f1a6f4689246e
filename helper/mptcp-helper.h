/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_HELPER_H
#define MPTCP_HELPER_H

#include "ns3/mptcp-l4-protocol.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Installs the MPTCP transport on nodes that already have the
 *        internet stack (InternetStackHelper first).
 *
 * After Install, applications on these nodes get MPTCP sockets from the
 * factory "ns3::MptcpSocketFactory" and ns-3 TCP sockets, as before, from
 * "ns3::TcpSocketFactory"; both coexist on the node, over IPv4 and, where
 * the node has IPv6 (InternetStackHelper installs both by default), over
 * IPv6: the applications' Inet6SocketAddress selects it.
 *
 * \code
 *   InternetStackHelper internet;
 *   internet.Install(nodes);
 *   MptcpStackHelper mptcp;
 *   mptcp.SetSocketAttribute("CongestionControl", StringValue("lia"));
 *   mptcp.Install(nodes);
 *   BulkSendHelper bulk("ns3::MptcpSocketFactory", remote);
 * \endcode
 */
class MptcpStackHelper
{
  public:
    MptcpStackHelper();

    /**
     * \brief Set an attribute of the ns3::MptcpL4Protocol of each node
     *        (VirtualPayload, MemoryCap).
     * \param name attribute name
     * \param value value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Set an attribute of the ns3::MptcpSocket objects the nodes
     *        create (CongestionControl, Scheduler, PathManager, Subflows,
     *        SegmentSize, ...). Config::SetDefault on ns3::MptcpSocket
     *        or ns3::TcpSocket works as well.
     * \param name attribute name
     * \param value value
     */
    void SetSocketAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Install on each node. Aborts with a message when a node has no
     *        IPv4 stack or already has the MPTCP transport.
     * \param nodes the nodes
     */
    void Install(NodeContainer nodes) const;

    /**
     * \brief Install on one node.
     * \param node the node
     * \return its transport
     */
    Ptr<MptcpL4Protocol> Install(Ptr<Node> node) const;

    /**
     * \brief Fix the random streams of the installed transports.
     * \param nodes the nodes
     * \param stream first stream number
     * \return the number of streams used
     */
    int64_t AssignStreams(NodeContainer nodes, int64_t stream) const;

  private:
    ObjectFactory m_l4Factory; //!< creates MptcpL4Protocol
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_socketAttributes; //!< for sockets
};

} // namespace ns3

#endif /* MPTCP_HELPER_H */
