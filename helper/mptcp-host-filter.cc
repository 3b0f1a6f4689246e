/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-host-filter.h"

#include "ns3/hash.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(MptcpHostPacketFilter);

TypeId
MptcpHostPacketFilter::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpHostPacketFilter")
            .SetParent<Ipv4PacketFilter>()
            .SetGroupName("Mptcp")
            .AddConstructor<MptcpHostPacketFilter>()
            .AddAttribute("Perturbation",
                          "Perturbation of the hash of the source address.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&MptcpHostPacketFilter::m_perturbation),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

MptcpHostPacketFilter::MptcpHostPacketFilter()
    : m_perturbation(0)
{
}

MptcpHostPacketFilter::~MptcpHostPacketFilter() = default;

int32_t
MptcpHostPacketFilter::ClassOf(Ipv4Address source, uint32_t perturbation)
{
    uint8_t buf[8];
    source.Serialize(buf);
    for (int i = 0; i < 4; i++)
    {
        buf[4 + i] = static_cast<uint8_t>(perturbation >> (8 * i));
    }
    return static_cast<int32_t>(Hash32(reinterpret_cast<const char*>(buf), sizeof(buf)) &
                                0x7fffffffu);
}

int32_t
MptcpHostPacketFilter::DoClassify(Ptr<QueueDiscItem> item) const
{
    Ptr<Ipv4QueueDiscItem> ip = DynamicCast<Ipv4QueueDiscItem>(item);
    if (!ip)
    {
        return PF_NO_MATCH;
    }
    return ClassOf(ip->GetHeader().GetSource(), m_perturbation);
}

} // namespace ns3
