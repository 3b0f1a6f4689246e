/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-ecmp-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/net-device.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/packet.h"

#include <iomanip>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpFlowEcmpRouting");
NS_OBJECT_ENSURE_REGISTERED(MptcpFlowEcmpRouting);

namespace
{

/** Prefix length of a contiguous mask. */
int
PrefixLength(Ipv4Mask mask)
{
    return static_cast<int>(mask.GetPrefixLength());
}

/** The source and destination ports of a TCP or UDP packet whose first
 *  bytes are its transport header (0 when they are not there). */
void
Ports(Ptr<const Packet> p, uint8_t proto, uint16_t& sport, uint16_t& dport)
{
    sport = dport = 0;
    if (!p || (proto != 6 && proto != 17) || p->GetSize() < 4)
    {
        return;
    }
    uint8_t b[4];
    p->CopyData(b, 4);
    sport = static_cast<uint16_t>(b[0] << 8 | b[1]);
    dport = static_cast<uint16_t>(b[2] << 8 | b[3]);
}

} // namespace

TypeId
MptcpFlowEcmpRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MptcpFlowEcmpRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Mptcp")
                            .AddConstructor<MptcpFlowEcmpRouting>();
    return tid;
}

MptcpFlowEcmpRouting::MptcpFlowEcmpRouting()
    : m_salt(0)
{
}

void
MptcpFlowEcmpRouting::AddRoute(Ipv4Address network,
                               Ipv4Mask mask,
                               uint32_t interface,
                               Ipv4Address gateway)
{
    m_routes[{PrefixLength(mask), network.CombineMask(mask).Get()}].emplace_back(interface,
                                                                                 gateway);
}

void
MptcpFlowEcmpRouting::SetSalt(uint32_t salt)
{
    m_salt = salt;
}

const std::vector<std::pair<uint32_t, Ipv4Address>>*
MptcpFlowEcmpRouting::GetGroup(Ipv4Address destination) const
{
    for (int len : {32, 24})
    {
        const uint32_t mask = len == 32 ? 0xffffffffu : 0xffffff00u;
        auto it = m_routes.find({len, destination.Get() & mask});
        if (it != m_routes.end())
        {
            return &it->second;
        }
    }
    return nullptr;
}

uint32_t
MptcpFlowEcmpRouting::Hash(Ipv4Address src,
                           Ipv4Address dst,
                           uint8_t proto,
                           uint16_t sport,
                           uint16_t dport) const
{
    // FNV-1a, 32 bits (Fowler, Noll, Vo), over the tuple and the salt,
    // then a finaliser
    uint8_t key[17];
    const uint32_t words[3] = {src.Get(), dst.Get(), m_salt};
    for (int w = 0; w < 3; w++)
    {
        for (int i = 0; i < 4; i++)
        {
            key[4 * w + i] = static_cast<uint8_t>(words[w] >> (24 - 8 * i));
        }
    }
    key[12] = proto;
    key[13] = static_cast<uint8_t>(sport >> 8);
    key[14] = static_cast<uint8_t>(sport);
    key[15] = static_cast<uint8_t>(dport >> 8);
    key[16] = static_cast<uint8_t>(dport);
    uint32_t h = 2166136261u;
    for (uint8_t b : key)
    {
        h = (h ^ b) * 16777619u;
    }
    // FNV's low bits are the parity of the bytes' low bits (a source and a
    // destination port one apart cancel out in h mod 2): finish with
    // MurmurHash3's 32-bit finaliser (Appleby), which mixes every bit into
    // every other.
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

Ptr<Ipv4Route>
MptcpFlowEcmpRouting::Choose(const Ipv4Header& header, uint16_t sport, uint16_t dport) const
{
    const std::vector<std::pair<uint32_t, Ipv4Address>>* group =
        GetGroup(header.GetDestination());
    if (!group || group->empty() || !m_ipv4)
    {
        return nullptr;
    }
    const auto& hop = (*group)[Hash(header.GetSource(),
                                    header.GetDestination(),
                                    header.GetProtocol(),
                                    sport,
                                    dport) %
                               group->size()];
    Ptr<Ipv4Route> r = Create<Ipv4Route>();
    r->SetDestination(header.GetDestination());
    r->SetGateway(hop.second);
    r->SetOutputDevice(m_ipv4->GetNetDevice(hop.first));
    r->SetSource(m_ipv4->GetAddress(hop.first, 0).GetLocal());
    return r;
}

Ptr<Ipv4Route>
MptcpFlowEcmpRouting::Lookup(Ipv4Address src, Ipv4Address dst, uint16_t sport, uint16_t dport) const
{
    Ipv4Header header;
    header.SetSource(src);
    header.SetDestination(dst);
    header.SetProtocol(6);
    return Choose(header, sport, dport);
}

Ptr<Ipv4Route>
MptcpFlowEcmpRouting::RouteOutput(Ptr<Packet> p,
                                  const Ipv4Header& header,
                                  Ptr<NetDevice> oif,
                                  Socket::SocketErrno& sockerr)
{
    uint16_t sport = 0;
    uint16_t dport = 0;
    Ports(p, header.GetProtocol(), sport, dport);
    Ptr<Ipv4Route> r = Choose(header, sport, dport);
    if (r && oif && r->GetOutputDevice() != oif)
    {
        // bound to an interface: only a next hop out of it will do
        for (const auto& hop : *GetGroup(header.GetDestination()))
        {
            if (m_ipv4->GetNetDevice(hop.first) == oif)
            {
                r->SetGateway(hop.second);
                r->SetOutputDevice(oif);
                r->SetSource(m_ipv4->GetAddress(hop.first, 0).GetLocal());
                sockerr = Socket::ERROR_NOTERROR;
                return r;
            }
        }
        r = nullptr;
    }
    sockerr = r ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return r;
}

bool
MptcpFlowEcmpRouting::RouteInput(MptcpRouteInputArg<0> p,
                                 MptcpRouteInputArg<1> header,
                                 MptcpRouteInputArg<2> idev,
                                 MptcpRouteInputArg<3> ucb,
                                 MptcpRouteInputArg<4> mcb,
                                 MptcpRouteInputArg<5> lcb,
                                 MptcpRouteInputArg<6> ecb)
{
    (void)mcb;
    (void)ecb;
    const int32_t iif = m_ipv4->GetInterfaceForDevice(idev);
    if (m_ipv4->IsDestinationAddress(header.GetDestination(), iif))
    {
        if (!lcb.IsNull())
        {
            lcb(p, header, iif);
            return true;
        }
        return false;
    }
    if (header.GetDestination().IsMulticast() || header.GetDestination().IsBroadcast() ||
        !m_ipv4->IsForwarding(iif))
    {
        return false;
    }
    uint16_t sport = 0;
    uint16_t dport = 0;
    if (header.GetFragmentOffset() == 0)
    {
        Ports(p, header.GetProtocol(), sport, dport);
    }
    Ptr<Ipv4Route> r = Choose(header, sport, dport);
    if (!r)
    {
        return false;
    }
    ucb(r, p, header);
    return true;
}

void
MptcpFlowEcmpRouting::NotifyInterfaceUp(uint32_t)
{
}

void
MptcpFlowEcmpRouting::NotifyInterfaceDown(uint32_t)
{
}

void
MptcpFlowEcmpRouting::NotifyAddAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
MptcpFlowEcmpRouting::NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
MptcpFlowEcmpRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
MptcpFlowEcmpRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit) const
{
    std::ostream* os = stream->GetStream();
    *os << "MptcpFlowEcmpRouting, salt " << m_salt << "\n";
    for (const auto& [key, group] : m_routes)
    {
        *os << Ipv4Address(key.second) << "/" << key.first << ":";
        for (const auto& hop : group)
        {
            *os << " if " << hop.first << " via " << hop.second;
        }
        *os << "\n";
    }
}

} // namespace ns3
