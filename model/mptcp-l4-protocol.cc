/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-l4-protocol.h"

#include "mptcp-socket-factory.h"
#include "mptcp-socket.h"
#include "mptcp-tcp-header.h"

#include "ns3/boolean.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv6-l3-protocol.h"
#include "ns3/ipv6-route.h"
#include "ns3/ipv6-routing-protocol.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/object-vector.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"
#include "ns3/simulator.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpL4Protocol");

NS_OBJECT_ENSURE_REGISTERED(MptcpL4Protocol);

namespace
{

void
CbAccepted(mptcp_conn* conn, void* stackUser)
{
    static_cast<MptcpL4Protocol*>(stackUser)->Accepted(conn);
}

void
CbConnected(mptcp_conn* /* conn */, void* user)
{
    if (user)
    {
        static_cast<MptcpSocket*>(user)->CoreConnected();
    }
}

void
CbReadable(mptcp_conn* /* conn */, void* user)
{
    if (user)
    {
        static_cast<MptcpSocket*>(user)->CoreReadable();
    }
}

void
CbWritable(mptcp_conn* /* conn */, void* user)
{
    if (user)
    {
        static_cast<MptcpSocket*>(user)->CoreWritable();
    }
}

void
CbClosed(mptcp_conn* /* conn */, int reason, void* user)
{
    if (user)
    {
        static_cast<MptcpSocket*>(user)->CoreClosed(reason);
    }
}

const mptcp_callbacks g_callbacks = {CbAccepted, CbConnected, CbReadable, CbWritable, CbClosed};

/** Largest segment the core writes: header plus a payload of at most 64 KiB. */
const size_t SCRATCH = MPTCP_TCP_HDR_MAX + 65536;

void
ToCore(Ipv4Address ip, uint16_t port, mptcp_addr& a)
{
    a = mptcp_addr{};
    a.family = 4;
    ip.Serialize(a.ip);
    a.port = port;
}

void
ToCore(Ipv6Address ip, uint16_t port, mptcp_addr& a)
{
    a = mptcp_addr{};
    a.family = 6;
    ip.Serialize(a.ip);
    a.port = port;
}

bool
IsAnyAddress(const mptcp_addr& a)
{
    static const uint8_t zero[16] = {};
    return a.family == 0 || std::memcmp(a.ip, zero, a.family == 6 ? 16 : 4) == 0;
}

bool
SameAddress(const mptcp_addr& a, const mptcp_addr& b)
{
    return a.family == b.family && a.port == b.port &&
           std::memcmp(a.ip, b.ip, a.family == 6 ? 16 : 4) == 0;
}

/** Whether a listener on \p l gets connections to \p local (the core's rule). */
bool
ListenerMatches(const mptcp_addr& l, const mptcp_addr& local)
{
    if (l.port != local.port)
    {
        return false;
    }
    return l.family == 0 ||
           (l.family == local.family && (IsAnyAddress(l) || SameAddress(l, local)));
}

/**
 * The route of a segment, for IPv4 and IPv6 alike. A subflow leaves by the
 * interface of its source address: the lookup is constrained to that
 * interface's device. When nothing routes through it (global routing keeps
 * one best path per destination) and it is point-to-point, the segment
 * goes out of it with `onLinkGateway` as gateway: on such a link the peer
 * is the next hop whatever its address, and the router at the other end
 * forwards. Otherwise any route will do; null when there is none.
 */
template <class Route, class Ip, class Header, class Addr>
Ptr<Route>
RouteFromSource(Ptr<Ip> ip, Ptr<Packet> p, const Header& h, Addr src, Addr dst, Addr onLinkGateway)
{
    Ptr<NetDevice> oif;
    int32_t ifIndex = ip->GetInterfaceForAddress(src);
    if (ifIndex >= 0)
    {
        oif = ip->GetNetDevice(static_cast<uint32_t>(ifIndex));
    }
    Socket::SocketErrno err;
    auto rp = ip->GetRoutingProtocol();
    Ptr<Route> route = rp ? rp->RouteOutput(p, h, oif, err) : nullptr;
    if (!route && oif && oif->IsPointToPoint())
    {
        route = Create<Route>();
        route->SetSource(src);
        route->SetDestination(dst);
        route->SetGateway(onLinkGateway);
        route->SetOutputDevice(oif);
    }
    if (!route && rp)
    {
        route = rp->RouteOutput(p, h, nullptr, err); // any interface
    }
    return route;
}

/** The 4-tuple of a subflow as a map key: family, addresses, ports. */
std::string
TupleKey(const mptcp_addr& local, const mptcp_addr& remote)
{
    std::string k;
    for (const mptcp_addr* a : {&local, &remote})
    {
        k.push_back(static_cast<char>(a->family));
        k.append(reinterpret_cast<const char*>(a->ip), a->family == 6 ? 16 : 4);
        k.push_back(static_cast<char>(a->port >> 8));
        k.push_back(static_cast<char>(a->port & 0xff));
    }
    return k;
}

} // namespace

TypeId
MptcpL4Protocol::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpL4Protocol")
            .SetParent<IpL4Protocol>()
            .SetGroupName("Mptcp")
            .AddConstructor<MptcpL4Protocol>()
            .AddAttribute("SocketList",
                          "The MptcpSockets with a connection on this node (as "
                          "TcpL4Protocol's SocketList: Config paths reach their trace "
                          "sources).",
                          ObjectVectorValue(),
                          MakeObjectVectorAccessor(&MptcpL4Protocol::m_sockets),
                          MakeObjectVectorChecker<MptcpSocket>())
            .AddAttribute("VirtualPayload",
                          "Segments carry payload lengths, not bytes: applications send and "
                          "receive zero-filled packets, the core copies no data. Faster; "
                          "byte-exact checks need it off.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&MptcpL4Protocol::m_virtualPayload),
                          MakeBooleanChecker())
            .AddAttribute("MemoryCap",
                          "Most bytes the core may hold on this node (0: no cap; default the "
                          "core's MPTCP_MEM_CAP_DEFAULT, 20 GiB: 2048 connections with the "
                          "default buffers). At the cap received data is dropped and counted "
                          "and new connections are refused, never the simulation.",
                          UintegerValue(MPTCP_MEM_CAP_DEFAULT),
                          MakeUintegerAccessor(&MptcpL4Protocol::m_memCap),
                          MakeUintegerChecker<uint64_t>())
            .AddTraceSource("Tx",
                            "A segment handed to IPv4 (packet with its TCP header).",
                            MakeTraceSourceAccessor(&MptcpL4Protocol::m_txTrace),
                            "ns3::MptcpL4Protocol::SegmentTracedCallback")
            .AddTraceSource("Rx",
                            "An IPv4 segment given to the core.",
                            MakeTraceSourceAccessor(&MptcpL4Protocol::m_rxTrace),
                            "ns3::MptcpL4Protocol::SegmentTracedCallback")
            .AddTraceSource("Tx6",
                            "A segment handed to IPv6 (packet with its TCP header).",
                            MakeTraceSourceAccessor(&MptcpL4Protocol::m_tx6Trace),
                            "ns3::MptcpL4Protocol::Segment6TracedCallback")
            .AddTraceSource("Rx6",
                            "An IPv6 segment given to the core.",
                            MakeTraceSourceAccessor(&MptcpL4Protocol::m_rx6Trace),
                            "ns3::MptcpL4Protocol::Segment6TracedCallback");
    return tid;
}

MptcpL4Protocol::MptcpL4Protocol()
    : m_stack(nullptr),
      m_mem{},
      m_timerAt(MPTCP_TIME_NEVER),
      m_depth(0),
      m_flushing(false),
      m_virtualPayload(false),
      m_memCap(MPTCP_MEM_CAP_DEFAULT),
      m_memUsed(0),
      m_memPeak(0),
      m_noRoute(0),
      m_buf(SCRATCH)
{
    NS_LOG_FUNCTION(this);
    m_socketFactory.SetTypeId("ns3::MptcpSocket");
    m_rng = CreateObject<UniformRandomVariable>();
    m_mem.user_data = this;
    m_mem.malloc_fn = &MptcpL4Protocol::MemAlloc;
    m_mem.free_fn = &MptcpL4Protocol::MemFree;
}

MptcpL4Protocol::~MptcpL4Protocol()
{
    NS_LOG_FUNCTION(this);
}

void*
MptcpL4Protocol::MemAlloc(size_t size, void* user)
{
    auto self = static_cast<MptcpL4Protocol*>(user);
    void* p = std::malloc(size);
    if (p)
    {
        self->m_memUsed += size;
        self->m_memPeak = std::max(self->m_memPeak, self->m_memUsed);
    }
    return p;
}

void
MptcpL4Protocol::MemFree(void* ptr, size_t size, void* user)
{
    if (!ptr)
    {
        return;
    }
    auto self = static_cast<MptcpL4Protocol*>(user);
    self->m_memUsed -= size;
    std::free(ptr);
}

void
MptcpL4Protocol::RandBytes(uint8_t* dest, size_t len, void* user)
{
    FillRandom(static_cast<MptcpL4Protocol*>(user)->m_rng, dest, len);
}

void
MptcpL4Protocol::FillRandom(Ptr<UniformRandomVariable> rng, uint8_t* dest, size_t len)
{
    size_t i = 0;
    while (i < len)
    {
        uint32_t v = rng->GetInteger(0, 0xffffffffu);
        for (int k = 0; k < 4 && i < len; k++, i++)
        {
            dest[i] = static_cast<uint8_t>(v >> (8 * k));
        }
    }
}

int64_t
MptcpL4Protocol::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

void
MptcpL4Protocol::NotifyNewAggregate()
{
    NS_LOG_FUNCTION(this);
    Ptr<Node> node = GetObject<Node>();
    Ptr<Ipv4> ipv4 = GetObject<Ipv4>();
    if (!m_node && node && ipv4)
    {
        m_node = node;
        m_tcp = node->GetObject<TcpL4Protocol>();
        // Protocol 6 is ours from now on; ns-3's TCP stays behind us and
        // gets every segment that is not ours (see Receive).
        Ptr<Ipv4L3Protocol> l3 = ipv4->GetObject<Ipv4L3Protocol>();
        NS_ABORT_MSG_UNLESS(l3, "MptcpL4Protocol needs Ipv4L3Protocol on the node");
        l3->Insert(this);
        m_downTarget = MakeCallback(&Ipv4::Send, ipv4);
        Ptr<MptcpSocketFactory> factory = CreateObject<MptcpSocketFactory>();
        factory->SetL4(this);
        node->AggregateObject(factory);
    }
    if (m_node && !m_tcp)
    {
        m_tcp = m_node->GetObject<TcpL4Protocol>();
    }
    AttachIpv6();
    IpL4Protocol::NotifyNewAggregate();
}

void
MptcpL4Protocol::AttachIpv6()
{
    // Called on every aggregation and again before the transport is used:
    // IPv6 may arrive after us, and ns-3's TCP, when it is notified of
    // IPv6 after us, inserts itself as protocol 6 over us.
    if (!m_node)
    {
        return;
    }
    Ptr<Ipv6L3Protocol> l3 = m_node->GetObject<Ipv6L3Protocol>();
    if (!l3 || l3->GetProtocol(PROT_NUMBER) == this)
    {
        return;
    }
    if (!m_tcp)
    {
        m_tcp = m_node->GetObject<TcpL4Protocol>();
    }
    l3->Insert(this);
    m_downTarget6 = MakeCallback(&Ipv6L3Protocol::Send, l3);
}

bool
MptcpL4Protocol::HasIpv6()
{
    AttachIpv6();
    return m_node && m_node->GetObject<Ipv6L3Protocol>() && !m_downTarget6.IsNull();
}

void
MptcpL4Protocol::DoDispose()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_timer);
    for (auto& s : m_sockets)
    {
        s->Release(true);
    }
    m_sockets.clear();
    m_listeners.clear();
    m_orphans.clear(); // freed with the stack
    if (m_stack)
    {
        mptcp_stack_del(m_stack);
        m_stack = nullptr;
    }
    m_node = nullptr;
    m_tcp = nullptr;
    m_downTarget.Nullify();
    m_downTarget6.Nullify();
    IpL4Protocol::DoDispose();
}

void
MptcpL4Protocol::CreateStack()
{
    mptcp_config cfg;
    mptcp_config_default(&cfg);
    cfg.virtual_payload = m_virtualPayload ? 1 : 0;
    // ns-3's TCP computes and checks checksums only when the global
    // ChecksumEnabled is set; the core follows it so that both interwork.
    cfg.tcp_checksum = 0;
    int rv = mptcp_stack_new(&m_stack, &cfg, &m_mem, &MptcpL4Protocol::RandBytes, &g_callbacks,
                             this);
    NS_ABORT_MSG_IF(rv != MPTCP_OK,
                    "MptcpL4Protocol: cannot create the core stack: " << mptcp_strerror(rv));
    mptcp_stack_set_mem_cap(m_stack, m_memCap);
}

mptcp_stack*
MptcpL4Protocol::GetStack()
{
    if (!m_stack)
    {
        CreateStack();
    }
    return m_stack;
}

uint64_t
MptcpL4Protocol::GetCounter(int id) const
{
    return m_stack ? mptcp_stack_counter(m_stack, id) : 0;
}

uint64_t
MptcpL4Protocol::GetMemoryUsed() const
{
    return m_memUsed;
}

uint64_t
MptcpL4Protocol::GetMemoryPeak() const
{
    return m_memPeak;
}

int32_t
MptcpL4Protocol::GetOutInterface(const mptcp_addr& local, const mptcp_addr& remote) const
{
    auto it = m_outInterface.find(TupleKey(local, remote));
    return it == m_outInterface.end() ? -1 : it->second;
}

void
MptcpL4Protocol::ForgetOutInterface(const mptcp_addr& local, const mptcp_addr& remote)
{
    m_outInterface.erase(TupleKey(local, remote));
}

Ptr<Node>
MptcpL4Protocol::GetNode() const
{
    return m_node;
}

uint64_t
MptcpL4Protocol::Now()
{
    return static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
}

Ptr<Socket>
MptcpL4Protocol::CreateSocket()
{
    AttachIpv6();
    Ptr<MptcpSocket> s = m_socketFactory.Create<MptcpSocket>();
    s->SetNode(m_node, this);
    return s;
}

void
MptcpL4Protocol::SetSocketAttribute(const std::string& name, const AttributeValue& value)
{
    m_socketFactory.Set(name, value);
}

void
MptcpL4Protocol::SyncAddresses()
{
    Ptr<Ipv4> ipv4 = m_node->GetObject<Ipv4>();
    for (uint32_t i = 0; i < ipv4->GetNInterfaces(); i++)
    {
        for (uint32_t j = 0; j < ipv4->GetNAddresses(i); j++)
        {
            Ipv4Address a = ipv4->GetAddress(i, j).GetLocal();
            if (a.IsLocalhost() || a == Ipv4Address::GetAny() ||
                std::find(m_declared.begin(), m_declared.end(), a) != m_declared.end() ||
                std::find(m_withdrawn.begin(), m_withdrawn.end(), a) != m_withdrawn.end())
            {
                continue;
            }
            mptcp_addr ca;
            ToCore(a, 0, ca);
            if (mptcp_stack_add_address(GetStack(), &ca) == MPTCP_OK)
            {
                m_declared.push_back(a);
            }
        }
    }
    AttachIpv6();
    Ptr<Ipv6> ipv6 = m_node->GetObject<Ipv6>();
    if (!ipv6)
    {
        return;
    }
    for (uint32_t i = 0; i < ipv6->GetNInterfaces(); i++)
    {
        for (uint32_t j = 0; j < ipv6->GetNAddresses(i); j++)
        {
            Ipv6Address a = ipv6->GetAddress(i, j).GetAddress();
            // Global scope only: the loopback, the unspecified address and
            // link-local addresses (fe80::/10) name no path to a peer.
            if (a.IsLocalhost() || a.IsAny() || a.IsLinkLocal() || a.IsMulticast() ||
                std::find(m_declared6.begin(), m_declared6.end(), a) != m_declared6.end())
            {
                continue;
            }
            mptcp_addr ca;
            ToCore(a, 0, ca);
            if (mptcp_stack_add_address(GetStack(), &ca) == MPTCP_OK)
            {
                m_declared6.push_back(a);
            }
        }
    }
}

int
MptcpL4Protocol::RemoveLocalAddress(Ipv4Address a)
{
    SyncAddresses();
    mptcp_addr ca;
    ToCore(a, 0, ca);
    Enter();
    int rv = mptcp_stack_remove_address(GetStack(), &ca, Now());
    Leave();
    if (rv == MPTCP_OK)
    {
        m_declared.erase(std::remove(m_declared.begin(), m_declared.end(), a), m_declared.end());
        m_withdrawn.push_back(a);
    }
    return rv;
}

int
MptcpL4Protocol::AddLocalAddress(Ipv4Address a)
{
    if (std::find(m_declared.begin(), m_declared.end(), a) != m_declared.end())
    {
        return MPTCP_OK;
    }
    mptcp_addr ca;
    ToCore(a, 0, ca);
    Enter();
    int rv = mptcp_stack_add_address(GetStack(), &ca);
    Leave();
    if (rv == MPTCP_OK)
    {
        m_withdrawn.erase(std::remove(m_withdrawn.begin(), m_withdrawn.end(), a),
                          m_withdrawn.end());
        m_declared.push_back(a);
    }
    return rv;
}

bool
MptcpL4Protocol::SelectSource(Ipv4Address dst, Ipv4Address& src)
{
    Ptr<Ipv4> ipv4 = m_node->GetObject<Ipv4>();
    Ptr<Ipv4RoutingProtocol> rp = ipv4->GetRoutingProtocol();
    if (!rp)
    {
        return false;
    }
    Ipv4Header h;
    h.SetDestination(dst);
    h.SetProtocol(PROT_NUMBER);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = rp->RouteOutput(Ptr<Packet>(), h, nullptr, err);
    if (!route)
    {
        return false;
    }
    src = route->GetSource();
    return true;
}

bool
MptcpL4Protocol::SelectSource(Ipv6Address dst, Ipv6Address& src)
{
    if (!HasIpv6())
    {
        return false;
    }
    Ptr<Ipv6> ipv6 = m_node->GetObject<Ipv6>();
    Ptr<Ipv6RoutingProtocol> rp = ipv6->GetRoutingProtocol();
    if (!rp)
    {
        return false;
    }
    Ipv6Header h;
    h.SetDestination(dst);
    h.SetNextHeader(PROT_NUMBER);
    Socket::SocketErrno err;
    Ptr<Ipv6Route> route = rp->RouteOutput(Ptr<Packet>(), h, nullptr, err);
    if (!route || route->GetSource().IsAny())
    {
        return false;
    }
    src = route->GetSource();
    return true;
}

void
MptcpL4Protocol::Enter()
{
    m_depth++;
}

void
MptcpL4Protocol::Leave()
{
    NS_ASSERT(m_depth > 0);
    if (m_depth == 1 && !m_flushing && m_stack)
    {
        Flush();
        for (mptcp_conn* c : m_orphans)
        {
            mptcp_conn_free(c);
        }
        m_orphans.clear();
    }
    m_depth--;
}

void
MptcpL4Protocol::Flush()
{
    m_flushing = true;
    const uint64_t now = Now();
    mptcp_segment seg;
    int rv;
    while ((rv = mptcp_stack_write(m_stack, &seg, m_buf.data(), m_buf.size(), now)) == 1)
    {
        SendSegment(seg, m_buf.data());
    }
    NS_ABORT_MSG_IF(rv < 0, "mptcp_stack_write failed: " << mptcp_strerror(rv));
    for (auto& s : m_sockets)
    {
        s->SampleTraces();
    }
    m_flushing = false;
    ArmTimer();
}

void
MptcpL4Protocol::SendSegment(const mptcp_segment& seg, const uint8_t* buf)
{
    if (seg.src.family != 4 && seg.src.family != 6)
    {
        return;
    }
    Ptr<Packet> p = seg.payload_virtual
                        ? Create<Packet>(static_cast<uint32_t>(seg.payload_len))
                        : Create<Packet>(buf + seg.hdr_len, static_cast<uint32_t>(seg.payload_len));
    if (seg.conn_user_data)
    {
        MptcpSocket* owner = static_cast<MptcpSocket*>(seg.conn_user_data);
        if (owner->TracesSegments())
        {
            owner->NotifySegment(true, p, buf, static_cast<uint32_t>(seg.hdr_len));
        }
    }
    MptcpTcpHeader h;
    h.SetRawBytes(buf, static_cast<uint32_t>(seg.hdr_len));
    p->AddHeader(h);
    if (seg.src.family == 4)
    {
        SendSegment4(p, seg);
    }
    else
    {
        SendSegment6(p, seg);
    }
}

void
MptcpL4Protocol::SendSegment4(Ptr<Packet> p, const mptcp_segment& seg)
{
    Ipv4Address src = Ipv4Address::Deserialize(seg.src.ip);
    Ipv4Address dst = Ipv4Address::Deserialize(seg.dst.ip);
    Ipv4Header ih;
    ih.SetSource(src);
    ih.SetDestination(dst);
    ih.SetProtocol(PROT_NUMBER);
    Ptr<Ipv4Route> route =
        RouteFromSource<Ipv4Route>(m_node->GetObject<Ipv4>(), p, ih, src, dst,
                                   Ipv4Address::GetZero());
    if (!route)
    {
        m_noRoute++;
        NS_LOG_LOGIC("no route from " << src << " to " << dst << ": segment dropped");
        return;
    }
    if (route->GetOutputDevice())
    {
        m_outInterface[TupleKey(seg.src, seg.dst)] =
            m_node->GetObject<Ipv4>()->GetInterfaceForDevice(route->GetOutputDevice());
    }
    m_txTrace(p, src, dst);
    m_downTarget(p, src, dst, PROT_NUMBER, route);
}

void
MptcpL4Protocol::SendSegment6(Ptr<Packet> p, const mptcp_segment& seg)
{
    Ipv6Address src = Ipv6Address::Deserialize(seg.src.ip);
    Ipv6Address dst = Ipv6Address::Deserialize(seg.dst.ip);
    Ptr<Ipv6> ipv6 = m_node->GetObject<Ipv6>();
    if (!ipv6 || m_downTarget6.IsNull())
    {
        m_noRoute++;
        NS_LOG_LOGIC("no IPv6 on the node: segment to " << dst << " dropped");
        return;
    }
    Ipv6Header ih;
    ih.SetSource(src);
    ih.SetDestination(dst);
    ih.SetNextHeader(PROT_NUMBER);
    // The unspecified gateway means on-link.
    Ptr<Ipv6Route> route =
        RouteFromSource<Ipv6Route>(ipv6, p, ih, src, dst, Ipv6Address::GetAny());
    if (!route)
    {
        m_noRoute++;
        NS_LOG_LOGIC("no route from " << src << " to " << dst << ": segment dropped");
        return;
    }
    if (route->GetOutputDevice())
    {
        m_outInterface[TupleKey(seg.src, seg.dst)] =
            ipv6->GetInterfaceForDevice(route->GetOutputDevice());
    }
    m_tx6Trace(p, src, dst);
    m_downTarget6(p, src, dst, PROT_NUMBER, route);
}

void
MptcpL4Protocol::ArmTimer()
{
    uint64_t at = mptcp_stack_get_expiry(m_stack);
    if (at == MPTCP_TIME_NEVER)
    {
        return; // a pending event finds nothing due and stops
    }
    // Lazy re-arming: the retransmission timer moves later with almost
    // every ACK; an event already due earlier stays, and when it fires it
    // runs what is due and re-arms for the real deadline. Only an earlier
    // deadline reschedules.
    if (!m_timer.IsExpired() && m_timerAt <= at)
    {
        return;
    }
    Simulator::Cancel(m_timer);
    m_timerAt = at;
    uint64_t now = Now();
    uint64_t delay = at > now ? at - now : 0;
    m_timer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(delay)),
                                  &MptcpL4Protocol::Expire,
                                  this);
}

void
MptcpL4Protocol::Expire()
{
    m_timerAt = MPTCP_TIME_NEVER;
    Enter();
    mptcp_stack_handle_expiry(m_stack, Now());
    Leave();
}

uint32_t
MptcpL4Protocol::Peek(Ptr<Packet> p)
{
    return p->CopyData(m_buf.data(), std::min<uint32_t>(p->GetSize(), MPTCP_TCP_HDR_MAX));
}

void
MptcpL4Protocol::Deliver(Ptr<Packet> p, uint32_t head, const mptcp_addr& src, const mptcp_addr& dst)
{
    const uint32_t size = p->GetSize();
    uint8_t* buf = m_buf.data();
    uint32_t hdrLen = head >= 13 ? static_cast<uint32_t>(buf[12] >> 4) * 4 : head;
    size_t len = head;
    size_t virt = 0;
    if (size > head)
    {
        if (m_virtualPayload && hdrLen <= head)
        {
            len = hdrLen;
            virt = size - hdrLen;
        }
        else
        {
            len = p->CopyData(buf, std::min<uint32_t>(size, static_cast<uint32_t>(m_buf.size())));
        }
    }
    else if (m_virtualPayload && hdrLen < head)
    {
        len = hdrLen;
        virt = head - hdrLen;
    }
    if (hdrLen <= len && hdrLen >= 20)
    {
        // Rx of the connection's socket, when something listens to it
        mptcp_addr local = dst;
        mptcp_addr remote = src;
        remote.port = static_cast<uint16_t>((buf[0] << 8) | buf[1]);
        local.port = static_cast<uint16_t>((buf[2] << 8) | buf[3]);
        void* ud = mptcp_stack_conn_user_data(m_stack, &local, &remote);
        MptcpSocket* owner = static_cast<MptcpSocket*>(ud);
        mptcp_tcphdr th;
        if (owner && owner->TracesSegments() &&
            mptcp_tcphdr_decode(&th, buf, hdrLen) == static_cast<int>(hdrLen))
        {
            owner->NotifySegment(false, p->CreateFragment(hdrLen, size - hdrLen), buf, hdrLen);
        }
    }
    Enter();
    mptcp_stack_read(m_stack, &src, &dst, buf, len, virt, Now());
    Leave();
}

template <typename IpHeader, typename IpInterface, typename RxTrace>
enum IpL4Protocol::RxStatus
MptcpL4Protocol::ReceiveAny(Ptr<Packet> p,
                            const IpHeader& header,
                            Ptr<IpInterface> incomingInterface,
                            const RxTrace& rxTrace)
{
    uint32_t head = Peek(p);
    mptcp_addr src;
    mptcp_addr dst;
    ToCore(header.GetSource(), 0, src);
    ToCore(header.GetDestination(), 0, dst);
    if (!m_stack || !mptcp_stack_owns(m_stack, &src, &dst, m_buf.data(), head))
    {
        if (m_tcp)
        {
            return m_tcp->Receive(p, header, incomingInterface);
        }
        return IpL4Protocol::RX_ENDPOINT_UNREACH;
    }
    rxTrace(p, header.GetSource(), header.GetDestination());
    Deliver(p, head, src, dst);
    return IpL4Protocol::RX_OK;
}

enum IpL4Protocol::RxStatus
MptcpL4Protocol::Receive(Ptr<Packet> p,
                         const Ipv4Header& header,
                         Ptr<Ipv4Interface> incomingInterface)
{
    return ReceiveAny(p, header, incomingInterface, m_rxTrace);
}

enum IpL4Protocol::RxStatus
MptcpL4Protocol::Receive(Ptr<Packet> p,
                         const Ipv6Header& header,
                         Ptr<Ipv6Interface> incomingInterface)
{
    return ReceiveAny(p, header, incomingInterface, m_rx6Trace);
}

void
MptcpL4Protocol::ReceiveIcmp(Ipv4Address icmpSource,
                             uint8_t icmpTtl,
                             uint8_t icmpType,
                             uint8_t icmpCode,
                             uint32_t icmpInfo,
                             Ipv4Address payloadSource,
                             Ipv4Address payloadDestination,
                             const uint8_t payload[8])
{
    if (m_tcp)
    {
        m_tcp->ReceiveIcmp(icmpSource,
                           icmpTtl,
                           icmpType,
                           icmpCode,
                           icmpInfo,
                           payloadSource,
                           payloadDestination,
                           payload);
    }
}

void
MptcpL4Protocol::ReceiveIcmp(Ipv6Address icmpSource,
                             uint8_t icmpTtl,
                             uint8_t icmpType,
                             uint8_t icmpCode,
                             uint32_t icmpInfo,
                             Ipv6Address payloadSource,
                             Ipv6Address payloadDestination,
                             const uint8_t payload[8])
{
    if (m_tcp)
    {
        m_tcp->ReceiveIcmp(icmpSource,
                           icmpTtl,
                           icmpType,
                           icmpCode,
                           icmpInfo,
                           payloadSource,
                           payloadDestination,
                           payload);
    }
}

int
MptcpL4Protocol::GetProtocolNumber() const
{
    return PROT_NUMBER;
}

void
MptcpL4Protocol::SetDownTarget(IpL4Protocol::DownTargetCallback cb)
{
    m_downTarget = cb;
}

void
MptcpL4Protocol::SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb)
{
    m_downTarget6 = cb;
}

IpL4Protocol::DownTargetCallback
MptcpL4Protocol::GetDownTarget() const
{
    return m_downTarget;
}

IpL4Protocol::DownTargetCallback6
MptcpL4Protocol::GetDownTarget6() const
{
    return m_downTarget6;
}

void
MptcpL4Protocol::AddSocket(Ptr<MptcpSocket> socket)
{
    if (std::find(m_sockets.begin(), m_sockets.end(), socket) == m_sockets.end())
    {
        m_sockets.push_back(socket);
    }
}

void
MptcpL4Protocol::RemoveSocket(Ptr<MptcpSocket> socket)
{
    auto it = std::find(m_sockets.begin(), m_sockets.end(), socket);
    if (it != m_sockets.end())
    {
        m_sockets.erase(it);
    }
}

void
MptcpL4Protocol::AddListener(const mptcp_addr& local, Ptr<MptcpSocket> socket)
{
    RemoveListener(local);
    m_listeners.emplace_back(local, socket);
}

void
MptcpL4Protocol::RemoveListener(const mptcp_addr& local)
{
    for (auto it = m_listeners.begin(); it != m_listeners.end(); ++it)
    {
        if (it->first.family == local.family && SameAddress(it->first, local))
        {
            m_listeners.erase(it);
            return;
        }
    }
}

void
MptcpL4Protocol::Accepted(mptcp_conn* conn)
{
    mptcp_addr local;
    mptcp_addr remote;
    mptcp_conn_get_addrs(conn, &local, &remote);
    Ptr<MptcpSocket> child;
    for (const auto& l : m_listeners)
    {
        if (ListenerMatches(l.first, local))
        {
            Ptr<MptcpSocket> listener = l.second; // the callbacks may close it
            child = listener->Fork(conn);
            break;
        }
    }
    if (!child)
    {
        // Refused: reset now, free once out of the core's callback.
        mptcp_conn_abort(conn, Now());
        m_orphans.push_back(conn);
    }
}

} // namespace ns3
