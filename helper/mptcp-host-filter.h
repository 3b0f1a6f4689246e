/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_HOST_FILTER_H
#define MPTCP_HOST_FILTER_H

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-packet-filter.h"
#include "ns3/queue-item.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief A packet filter that classifies IPv4 packets by their source
 *        address only, so that a flow-queueing discipline
 *        (ns3::FqCoDelQueueDisc) queues per host instead of per five-tuple:
 *        a host's subflows and connections share one queue and one
 *        deficit-round-robin quantum.
 *
 * This is the per-host fair queueing of the traffic-shaping question
 * (doc/security.md, threats F2/F3): does a host that opens many subflows
 * (or connections) take more than its share of a bottleneck, and does
 * fair queueing per host, rather than per flow, take it back?
 *
 * The class is a hash of the four address bytes and the Perturbation
 * attribute (ns-3's Hash32, murmur3), at most 2^31 - 1; FqCoDel takes it
 * modulo its number of flow queues, so two hosts can share a queue as two
 * five-tuples can. Packets other than IPv4 are not classified
 * (PF_NO_MATCH): FqCoDel drops them, so use it on IPv4 links only.
 *
 * \code
 *   TrafficControlHelper tch;
 *   uint16_t h = tch.SetRootQueueDisc("ns3::FqCoDelQueueDisc");
 *   tch.AddPacketFilter(h, "ns3::MptcpHostPacketFilter");
 *   tch.Install(devices);
 * \endcode
 * MptcpBottleneckSpec::queueDisc "fqcodel-host" installs exactly that.
 */
class MptcpHostPacketFilter : public Ipv4PacketFilter
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpHostPacketFilter();
    ~MptcpHostPacketFilter() override;

    /**
     * \brief The class of a source address (what DoClassify returns).
     * \param source the packet's source address
     * \param perturbation the hash's perturbation
     * \return the class, 0 .. 2^31 - 1
     */
    static int32_t ClassOf(Ipv4Address source, uint32_t perturbation);

  private:
    int32_t DoClassify(Ptr<QueueDiscItem> item) const override;

    uint32_t m_perturbation; //!< hash perturbation
};

} // namespace ns3

#endif /* MPTCP_HOST_FILTER_H */
