/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_ECMP_ROUTING_H
#define MPTCP_ECMP_ROUTING_H

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-routing-protocol.h"

#include <cstddef>
#include <map>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ns3
{

/** \cond HIDDEN: RouteInput's parameter types, which changed from values to
 *  const references between ns-3 releases; the override takes whichever
 *  the base class declares. */
template <typename>
struct MptcpMemFnArgs;

template <typename R, typename C, typename... A>
struct MptcpMemFnArgs<R (C::*)(A...)>
{
    using type = std::tuple<A...>;
};

template <std::size_t I>
using MptcpRouteInputArg =
    std::tuple_element_t<I, typename MptcpMemFnArgs<decltype(&Ipv4RoutingProtocol::RouteInput)>::type>;
/** \endcond */

/**
 * \ingroup mptcp
 * \brief Equal-cost multipath routing by flow hash: each destination
 *        network has a group of next hops, and a packet takes the one its
 *        five-tuple (addresses, protocol, ports) hashes to, so that a flow
 *        keeps one path and the subflows of an MPTCP connection (different
 *        ports) spread over the paths, as a datacenter's ECMP switches do
 *        (Raiciu et al., "Improving Datacenter Performance and Robustness
 *        with Multipath TCP", SIGCOMM 2011). ns-3's global routing offers
 *        per-packet random ECMP only, which reorders every flow.
 *
 * The hash is FNV-1a over the five-tuple and a per-node salt (so that
 * successive switches do not make the same choice), finished with
 * MurmurHash3's 32-bit finaliser so that every bit of the tuple moves the
 * group index. Routes are per /24 or
 * /32 network; the longest match wins. MptcpNetworkHelper::
 * InstallFlowEcmpRouting() fills the tables with every shortest path by
 * hop count and installs the protocol above static and global routing.
 */
class MptcpFlowEcmpRouting : public Ipv4RoutingProtocol
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpFlowEcmpRouting();

    /**
     * \brief Add a next hop to the group of a network.
     * \param network the network
     * \param mask its mask (/24 or /32)
     * \param interface the interface to leave by
     * \param gateway the next hop (0.0.0.0: the network is on that link)
     */
    void AddRoute(Ipv4Address network, Ipv4Mask mask, uint32_t interface, Ipv4Address gateway);

    /** \param salt this node's salt of the hash (the helper uses the node id) */
    void SetSalt(uint32_t salt);

    /**
     * \brief The next hops of a destination (its longest match).
     * \param destination the address
     * \return the group, or null when there is no route
     */
    const std::vector<std::pair<uint32_t, Ipv4Address>>* GetGroup(Ipv4Address destination) const;

    /**
     * \brief The flow hash of a five-tuple with this node's salt.
     * \return the hash
     */
    uint32_t Hash(Ipv4Address src, Ipv4Address dst, uint8_t proto, uint16_t sport, uint16_t dport)
        const;

    /**
     * \brief The route a TCP segment of this five-tuple takes from this
     *        node: for programs that trace a flow's path (the FatTree's
     *        fluid prediction).
     * \return the route, or null when there is none
     */
    Ptr<Ipv4Route> Lookup(Ipv4Address src, Ipv4Address dst, uint16_t sport, uint16_t dport) const;

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(MptcpRouteInputArg<0> p,
                    MptcpRouteInputArg<1> header,
                    MptcpRouteInputArg<2> idev,
                    MptcpRouteInputArg<3> ucb,
                    MptcpRouteInputArg<4> mcb,
                    MptcpRouteInputArg<5> lcb,
                    MptcpRouteInputArg<6> ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  private:
    /** \return the route a packet of this header and ports takes, or null */
    Ptr<Ipv4Route> Choose(const Ipv4Header& header, uint16_t sport, uint16_t dport) const;

    Ptr<Ipv4> m_ipv4; //!< the node's IPv4
    uint32_t m_salt;  //!< hash salt
    /** Next hops by (prefix length, network). */
    std::map<std::pair<int, uint32_t>, std::vector<std::pair<uint32_t, Ipv4Address>>> m_routes;
};

} // namespace ns3

#endif /* MPTCP_ECMP_ROUTING_H */
