/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_HELPER_H
#define MPTCP_HELPER_H

#include "ns3/ipv4-address.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/net-device.h"
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
     *        or ns3::TcpSocket works as well. Aborts with a message when
     *        ns3::MptcpSocket has no such attribute or refuses the value
     *        (an unknown algorithm name: the message lists the valid ones).
     * \param name attribute name
     * \param value value
     */
    void SetSocketAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Whether Install gives both TCPs Linux's delayed-ACK timeout.
     *
     * MptcpSocket, like ns-3's TcpSocketBase, reads its delayed-ACK timeout
     * from ns3::TcpSocket::DelAckTimeout, whose ns-3 default is 200 ms.
     * Linux uses 40 ms; with 200 ms and a 200 ms minimum RTO a TCP on a
     * long-RTT path can fall to one segment per timeout. By default
     * (true) Install sets that default to 40 ms for every TCP socket
     * created afterwards, ns-3's and MPTCP's alike, unless the program
     * already changed it (Config::SetDefault, --ns3::TcpSocket::DelAckTimeout);
     * false leaves ns-3's default alone.
     * \param enable true to apply 40 ms
     */
    void SetLinuxDelayedAck(bool enable);

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

    /**
     * \brief Pin a route on a multi-homed host: packets for
     *        \p network / \p mask that leave by \p device go to \p gateway.
     *
     * MptcpSocket sends each subflow out of the interface of its source
     * address, by a route lookup restricted to that interface. Global
     * routing keeps one next hop per destination, so on a host with two
     * access networks it has no route out of the other one; on a
     * point-to-point link the subflow still goes out of its own interface,
     * but on a shared medium (CSMA, Wi-Fi: an access point) it silently
     * leaves by the interface global routing chose. One pinned route per
     * interface to the peer (a static route, which the host's
     * Ipv4ListRouting consults before global routing) gives each interface
     * its own way out:
     *
     * \code
     *   Ipv4GlobalRoutingHelper::PopulateRoutingTables();
     *   MptcpStackHelper::PinRoute(host, nic0, ap0Address, server, "255.255.255.255");
     *   MptcpStackHelper::PinRoute(host, nic1, ap1Address, server, "255.255.255.255");
     * \endcode
     *
     * Aborts when the node has no IPv4 static routing (InternetStackHelper
     * installs it) or \p device is not one of its IPv4 interfaces.
     * MptcpDisjointPathsHelper pins its paths this way.
     * \param node the host
     * \param device its device the route leaves by
     * \param gateway next hop on that device's link
     * \param network destination network (or host)
     * \param mask its mask ("255.255.255.255": one host)
     */
    static void PinRoute(Ptr<Node> node,
                         Ptr<NetDevice> device,
                         Ipv4Address gateway,
                         Ipv4Address network,
                         Ipv4Mask mask);

    /**
     * \brief Subflows meant to be disjoint that leave by one interface.
     *
     * Two subflows of a connection with different local addresses (the
     * fullmesh path manager, or subflows bound to several interfaces) are
     * meant to use different interfaces; the interface of each is the one
     * its last segment left by (MptcpSocket::GetSubflowStats). Returns one
     * message per such pair, naming both subflows, their addresses and the
     * interface, and what to do about it (PinRoute). Empty when every
     * subflow left by its own interface, and for subflows that share a
     * local address (ndiffports), which share an interface by design.
     * \param socket the connection's socket
     * \return the warnings
     */
    static std::vector<std::string> CheckDisjointSubflows(Ptr<MptcpSocket> socket);

  private:
    ObjectFactory m_l4Factory; //!< creates MptcpL4Protocol
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_socketAttributes; //!< for sockets
    bool m_linuxDelAck{true}; //!< SetLinuxDelayedAck
};

} // namespace ns3

#endif /* MPTCP_HELPER_H */
