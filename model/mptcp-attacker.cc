/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-attacker.h"

#include "mptcp-l4-protocol.h"
#include "mptcp-tcp-header.h"

#include "ns3/boolean.h"
#include "ns3/integer.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/log.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/ppp-header.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpAttacker");
NS_OBJECT_ENSURE_REGISTERED(MptcpAttacker);
NS_OBJECT_ENSURE_REGISTERED(MptcpRelay);

namespace
{

uint64_t
NowNs()
{
    return static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
}

mptcp_addr
Addr4(Ipv4Address a, uint16_t port)
{
    mptcp_addr m{};
    m.family = 4;
    a.Serialize(m.ip);
    m.port = port;
    return m;
}

/* PPP's protocol number for IPv4 (RFC 1661, as ns-3's PppHeader writes it) */
constexpr uint16_t PPP_IPV4 = 0x0021;

} // namespace

TypeId
MptcpAttacker::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpAttacker")
            .SetParent<Object>()
            .SetGroupName("Mptcp")
            .AddConstructor<MptcpAttacker>()
            .AddAttribute("Attack",
                          "The attack, by the core's name (mptcp_attack_name): rst, "
                          "mp-tcprst, remove-addr, mp-prio, fastclose, dsn-inject, "
                          "join-guess, join-flood, add-addr.",
                          StringValue("rst"),
                          MakeStringAccessor(&MptcpAttacker::m_attack),
                          MakeStringChecker())
            .AddAttribute("OnPath",
                          "true: learns from the tapped link's segments and forges exactly "
                          "in sequence; false: blind, told only the 4-tuple (SetTarget).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpAttacker::m_onPath),
                          MakeBooleanChecker())
            .AddAttribute("Victim",
                          "Which end of the connection is struck: client (the end that "
                          "sent the SYN) or server.",
                          StringValue("client"),
                          MakeStringAccessor(&MptcpAttacker::m_victim),
                          MakeStringChecker())
            .AddAttribute("Start",
                          "The first forgery is not sent before this time (on-path, it "
                          "also waits to have seen the victim on an established subflow).",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&MptcpAttacker::m_start),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Guesses",
                          "Forgeries to send: on-path, copies of the one exact forgery; "
                          "off-path, blind guesses. 0: the core's default (1 on-path, "
                          "enough guesses to cover the 32-bit sequence space off-path).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&MptcpAttacker::m_guesses),
                          MakeUintegerChecker<uint32_t>(0, 1u << 24))
            .AddAttribute("Interval",
                          "Time between two forgeries.",
                          TimeValue(MicroSeconds(10)),
                          MakeTimeAccessor(&MptcpAttacker::m_interval),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("GuessStep",
                          "Off-path: sequence-number distance between two guesses.",
                          UintegerValue(65535),
                          MakeUintegerAccessor(&MptcpAttacker::m_guessStep),
                          MakeUintegerChecker<uint32_t>(1, 1u << 31))
            .AddAttribute("UseKeys",
                          "fastclose: use the victim's key learnt on-path from the "
                          "MP_CAPABLE handshake instead of a random, wrong one.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&MptcpAttacker::m_useKeys),
                          MakeBooleanChecker())
            .AddAttribute("AddrId",
                          "Off-path remove-addr: the address id to name; add-addr: the id "
                          "of the announced address.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&MptcpAttacker::m_addrId),
                          MakeUintegerChecker<uint8_t>())
            .AddAttribute("DsnLead",
                          "dsn-inject: where each forged mapping starts, in bytes from the "
                          "victim's last Data ACK (>= 0 ahead of the real data, < 0 "
                          "behind it).",
                          IntegerValue(0),
                          MakeIntegerAccessor(&MptcpAttacker::m_dsnLead),
                          MakeIntegerChecker<int64_t>(-(int64_t{1} << 30), int64_t{1} << 30))
            .AddAttribute("PayloadLen",
                          "dsn-inject: payload bytes per forgery (each 0xA5).",
                          UintegerValue(100),
                          MakeUintegerAccessor(&MptcpAttacker::m_payloadLen),
                          MakeUintegerChecker<uint16_t>(1, 1400))
            .AddAttribute("SpoofedSource",
                          "join-guess, join-flood: the source address of the MP_JOIN SYNs "
                          "(one the victim's SYN/ACKs never reach); 0.0.0.0: on-path, the "
                          "victim's peer's address; off-path, the peer address of SetTarget.",
                          Ipv4AddressValue(Ipv4Address::GetAny()),
                          MakeIpv4AddressAccessor(&MptcpAttacker::m_spoofed),
                          MakeIpv4AddressChecker())
            .AddAttribute("Announce",
                          "add-addr: the address the forged ADD_ADDR announces (the "
                          "attacker's, where an MptcpRelay waits), with id AddrId.",
                          Ipv4AddressValue(Ipv4Address::GetAny()),
                          MakeIpv4AddressAccessor(&MptcpAttacker::m_announce),
                          MakeIpv4AddressChecker())
            .AddTraceSource("Forge",
                            "A forged TCP segment leaves the injection node.",
                            MakeTraceSourceAccessor(&MptcpAttacker::m_forgeTrace),
                            "ns3::MptcpAttacker::ForgeTracedCallback");
    return tid;
}

MptcpAttacker::MptcpAttacker()
    : m_onPath(true),
      m_guesses(0),
      m_guessStep(65535),
      m_useKeys(false),
      m_addrId(0),
      m_dsnLead(0),
      m_payloadLen(100),
      m_core(nullptr),
      m_haveTarget(false),
      m_victimAddr{},
      m_peerAddr{},
      m_timerAt(MPTCP_TIME_NEVER),
      m_unrouted(0),
      m_buf(MPTCP_TCP_HDR_MAX + 1500)
{
    m_rng = CreateObject<UniformRandomVariable>();
}

MptcpAttacker::~MptcpAttacker()
{
    mptcp_attacker_del(m_core);
}

namespace
{

/* The attacker's own endpoint: what comes to its address goes to it. */
class AttackerEndpoint : public MptcpTcpHook
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::MptcpAttackerEndpoint")
                                .SetParent<MptcpTcpHook>()
                                .SetGroupName("Mptcp")
                                .AddConstructor<AttackerEndpoint>();
        return tid;
    }

    Callback<void, Ptr<Packet>, const Ipv4Header&> m_to;

  protected:
    enum RxStatus Handle(Ptr<Packet> p, const Ipv4Header& header) override
    {
        m_to(p, header);
        return IpL4Protocol::RX_OK;
    }

    void DoDispose() override
    {
        m_to = Callback<void, Ptr<Packet>, const Ipv4Header&>();
        MptcpTcpHook::DoDispose();
    }
};

} // namespace

void
MptcpAttacker::DoDispose()
{
    m_timer.Cancel();
    mptcp_attacker_del(m_core);
    m_core = nullptr;
    m_inject = nullptr;
    m_tapped.clear();
    if (Ptr<AttackerEndpoint> e = DynamicCast<AttackerEndpoint>(m_endpoint))
    {
        e->m_to = Callback<void, Ptr<Packet>, const Ipv4Header&>(); // nothing to call now
    }
    m_endpoint = nullptr;
    Object::DoDispose();
}

int64_t
MptcpAttacker::AssignStreams(int64_t stream)
{
    m_rng->SetStream(stream);
    return 1;
}

void
MptcpAttacker::RandBytes(uint8_t* dest, size_t len, void* user)
{
    MptcpL4Protocol::FillRandom(static_cast<MptcpAttacker*>(user)->m_rng, dest, len);
}

void
MptcpAttacker::TapLink(Ptr<NetDevice> a, Ptr<NetDevice> b)
{
    for (const auto& d : {a, b})
    {
        NS_ABORT_MSG_UNLESS(d && d->TraceConnectWithoutContext(
                                     "PhyTxBegin",
                                     MakeCallback(&MptcpAttacker::Observe, this)),
                            "MptcpAttacker::TapLink: a point-to-point device is needed");
        m_tapped.push_back(d);
    }
}

void
MptcpAttacker::SetInjectionNode(Ptr<Node> node)
{
    m_inject = node;
}

void
MptcpAttacker::SetTarget(Ipv4Address victimAddr,
                         uint16_t victimPort,
                         Ipv4Address peerAddr,
                         uint16_t peerPort)
{
    m_victimAddr = Addr4(victimAddr, victimPort);
    m_peerAddr = Addr4(peerAddr, peerPort);
    m_haveTarget = true;
}

bool
MptcpAttacker::Start(std::string& why)
{
    if (m_core)
    {
        why = "the attacker was started already";
        return false;
    }
    if (!m_inject || !m_inject->GetObject<Ipv4L3Protocol>())
    {
        why = "the attacker has no injection node with IPv4 (SetInjectionNode)";
        return false;
    }
    if (m_victim != "client" && m_victim != "server")
    {
        why = "Victim must be client or server, not '" + m_victim + "'";
        return false;
    }
    if (!m_onPath && !m_haveTarget)
    {
        why = "an off-path attacker must be told its target (SetTarget)";
        return false;
    }
    mptcp_attack_config cfg;
    mptcp_attack_config_default(&cfg);
    cfg.name = m_attack.c_str();
    cfg.on_path = m_onPath ? 1 : 0;
    cfg.victim = m_victim == "server" ? MPTCP_VICTIM_SERVER : MPTCP_VICTIM_CLIENT;
    cfg.start_ns = static_cast<uint64_t>(m_start.GetNanoSeconds());
    if (m_guesses)
    {
        cfg.guesses = m_guesses;
    }
    else if (!m_onPath)
    {
        // enough guesses, GuessStep apart, to cover the 32-bit space
        cfg.guesses = static_cast<uint32_t>(
            std::min<uint64_t>((uint64_t{1} << 32) / m_guessStep + 1, 1u << 24));
    }
    cfg.interval_ns = static_cast<uint64_t>(m_interval.GetNanoSeconds());
    cfg.guess_step = m_guessStep;
    cfg.use_keys = m_useKeys ? 1 : 0;
    cfg.addr_id = m_addrId;
    cfg.dsn_lead = m_dsnLead;
    cfg.payload_len = m_payloadLen;
    if (m_haveTarget)
    {
        cfg.victim_addr = m_victimAddr;
        cfg.peer_addr = m_peerAddr;
    }
    if (m_announce != Ipv4Address::GetAny())
    {
        cfg.announce_addr = Addr4(m_announce, 0);
    }
    if (m_spoofed != Ipv4Address::GetAny())
    {
        cfg.peer_addr = Addr4(m_spoofed, m_haveTarget ? m_peerAddr.port : 0);
    }
    int rv = mptcp_attacker_new(&m_core, &cfg, nullptr, &MptcpAttacker::RandBytes, this);
    if (rv != MPTCP_OK)
    {
        m_core = nullptr;
        why = std::string("attacker refused (") + mptcp_strerror(rv) + "): attack '" +
              m_attack + "'";
        return false;
    }
    Drain();
    return true;
}

void
MptcpAttacker::GetStats(mptcp_attacker_stats& st) const
{
    st = mptcp_attacker_stats{};
    if (m_core)
    {
        mptcp_attacker_get_stats(m_core, &st);
    }
}

uint64_t
MptcpAttacker::GetUnrouted() const
{
    return m_unrouted;
}

void
MptcpAttacker::Observe(Ptr<const Packet> pkt)
{
    if (!m_core)
    {
        return;
    }
    if (m_own.erase(pkt->GetUid()))
    {
        return; // our own forgery crossing the link
    }
    Ptr<Packet> p = pkt->Copy();
    uint8_t head[2];
    if (p->CopyData(head, 2) < 2)
    {
        return;
    }
    if ((head[0] >> 4) != 4)
    {
        if ((head[0] << 8 | head[1]) != PPP_IPV4)
        {
            return; // not IPv4
        }
        p->RemoveAtStart(2);
    }
    Ipv4Header ih;
    if (p->GetSize() < 20 || p->RemoveHeader(ih) == 0 || ih.GetProtocol() != 6)
    {
        return;
    }
    ObserveTcp(p, ih);
}

void
MptcpAttacker::ObserveTcp(Ptr<Packet> p, const Ipv4Header& ih)
{
    if (!m_core)
    {
        return;
    }
    const uint32_t size = p->GetSize();
    uint32_t got = p->CopyData(m_buf.data(), std::min<uint32_t>(size, MPTCP_TCP_HDR_MAX));
    if (got < 20)
    {
        return;
    }
    uint32_t hl = static_cast<uint32_t>(m_buf[12] >> 4) * 4;
    if (hl < 20 || hl > got)
    {
        return; // malformed: the core would ignore it too
    }
    mptcp_addr src = Addr4(ih.GetSource(), 0);
    mptcp_addr dst = Addr4(ih.GetDestination(), 0);
    src.port = static_cast<uint16_t>(m_buf[0] << 8 | m_buf[1]);
    dst.port = static_cast<uint16_t>(m_buf[2] << 8 | m_buf[3]);
    // the header only: the payload counts by its length (the attacker
    // forges from sequence numbers, never from the bytes)
    mptcp_attacker_observe(m_core, &src, &dst, m_buf.data(), hl, size - hl, NowNs());
    Drain();
}

void
MptcpAttacker::Drain()
{
    const uint64_t now = NowNs();
    mptcp_segment seg;
    int rv;
    while ((rv = mptcp_attacker_write(m_core, &seg, m_buf.data(), m_buf.size(), now)) == 1)
    {
        Send(seg, m_buf.data());
    }
    NS_ABORT_MSG_IF(rv < 0, "mptcp_attacker_write failed: " << mptcp_strerror(rv));
    uint64_t next = mptcp_attacker_get_expiry(m_core);
    if (next <= now)
    {
        next = MPTCP_TIME_NEVER; // nothing more now: the next observation drains again
    }
    if (next == m_timerAt && !m_timer.IsExpired())
    {
        return;
    }
    m_timer.Cancel();
    m_timerAt = next;
    if (next != MPTCP_TIME_NEVER)
    {
        uint64_t delay = next > now ? next - now : 0;
        m_timer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(delay)),
                                      &MptcpAttacker::Expire,
                                      this);
    }
}

void
MptcpAttacker::Expire()
{
    m_timerAt = MPTCP_TIME_NEVER;
    mptcp_attacker_handle_expiry(m_core, NowNs());
    Drain();
}

void
MptcpAttacker::Send(const mptcp_segment& seg, const uint8_t* buf)
{
    if (seg.src.family != 4 || seg.dst.family != 4)
    {
        m_unrouted++; // the ns-3 attacker forges IPv4 only
        return;
    }
    Ptr<Packet> p = Create<Packet>(buf + seg.hdr_len, static_cast<uint32_t>(seg.payload_len));
    MptcpTcpHeader h;
    h.SetRawBytes(buf, static_cast<uint32_t>(seg.hdr_len));
    p->AddHeader(h);
    Ipv4Address src = Ipv4Address::Deserialize(seg.src.ip);
    Ipv4Address dst = Ipv4Address::Deserialize(seg.dst.ip);
    Ipv4Header ih;
    ih.SetSource(src);
    ih.SetDestination(dst);
    ih.SetProtocol(6);
    ih.SetTtl(64);
    ih.SetPayloadSize(p->GetSize());
    if (Node::ChecksumEnabled())
    {
        ih.EnableChecksum();
    }
    if (DeliverAtLinkEnd(p, ih))
    {
        return;
    }
    Ptr<Ipv4L3Protocol> l3 = m_inject->GetObject<Ipv4L3Protocol>();
    Ptr<Ipv4RoutingProtocol> rp = l3->GetRoutingProtocol();
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = rp ? rp->RouteOutput(p, ih, nullptr, err) : nullptr;
    if (!route)
    {
        m_unrouted++;
        return;
    }
    m_forgeTrace(p, src, dst);
    if (m_own.size() > 4096)
    {
        m_own.clear(); // forgeries that never crossed the tapped link
    }
    m_own.insert(p->GetUid());
    l3->SendWithHeader(p, ih, route);
}

bool
MptcpAttacker::DeliverAtLinkEnd(Ptr<Packet> p, const Ipv4Header& ih)
{
    for (const auto& d : m_tapped)
    {
        Ptr<Ipv4> ip = d->GetNode()->GetObject<Ipv4>();
        Ptr<PointToPointNetDevice> ppp = DynamicCast<PointToPointNetDevice>(d);
        if (!ip || !ppp || ip->GetInterfaceForAddress(ih.GetDestination()) < 0)
        {
            continue;
        }
        m_forgeTrace(p, ih.GetSource(), ih.GetDestination());
        Ptr<Packet> wire = p->Copy();
        wire->AddHeader(ih);
        PppHeader h;
        h.SetProtocol(PPP_IPV4);
        wire->AddHeader(h);
        ppp->Receive(wire);
        return true;
    }
    return false;
}

// ---- MptcpTcpHook ----

NS_OBJECT_ENSURE_REGISTERED(MptcpTcpHook);

TypeId
MptcpTcpHook::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpTcpHook").SetParent<IpL4Protocol>().SetGroupName("Mptcp");
    return tid;
}

MptcpTcpHook::MptcpTcpHook() = default;

void
MptcpTcpHook::DoDispose()
{
    m_node = nullptr;
    m_down = IpL4Protocol::DownTargetCallback();
    m_down6 = IpL4Protocol::DownTargetCallback6();
    IpL4Protocol::DoDispose();
}

void
MptcpTcpHook::Hook(Ptr<Node> node, Ipv4Address addr)
{
    Ptr<Ipv4L3Protocol> l3 = node->GetObject<Ipv4L3Protocol>();
    NS_ABORT_MSG_UNLESS(l3, "MptcpTcpHook: the node has no IPv4");
    m_node = node;
    m_addr = addr;
    l3->Insert(this); // protocol 6 of this node is this hook's now
}

int
MptcpTcpHook::GetProtocolNumber() const
{
    return 6;
}

enum IpL4Protocol::RxStatus
MptcpTcpHook::Receive(Ptr<Packet> p, const Ipv4Header& header, Ptr<Ipv4Interface>)
{
    if (header.GetDestination() != m_addr || p->GetSize() < 20)
    {
        return IpL4Protocol::RX_ENDPOINT_UNREACH;
    }
    return Handle(p, header);
}

enum IpL4Protocol::RxStatus
MptcpTcpHook::Receive(Ptr<Packet>, const Ipv6Header&, Ptr<Ipv6Interface>)
{
    return IpL4Protocol::RX_ENDPOINT_UNREACH; // IPv4 only
}

void
MptcpTcpHook::SetDownTarget(IpL4Protocol::DownTargetCallback cb)
{
    m_down = cb;
}

void
MptcpTcpHook::SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb)
{
    m_down6 = cb;
}

IpL4Protocol::DownTargetCallback
MptcpTcpHook::GetDownTarget() const
{
    return m_down;
}

IpL4Protocol::DownTargetCallback6
MptcpTcpHook::GetDownTarget6() const
{
    return m_down6;
}


void
MptcpAttacker::ListenOn(Ptr<Node> node)
{
    NS_ABORT_MSG_IF(m_spoofed == Ipv4Address::GetAny(),
                    "MptcpAttacker::ListenOn: set SpoofedSource (the attacker's own address)");
    Ptr<AttackerEndpoint> e = CreateObject<AttackerEndpoint>();
    e->m_to = MakeCallback(&MptcpAttacker::ObserveTcp, this);
    e->Hook(node, m_spoofed);
    m_endpoint = e;
}

// ---- MptcpRelay ----

TypeId
MptcpRelay::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MptcpRelay")
                            .SetParent<MptcpTcpHook>()
                            .SetGroupName("Mptcp")
                            .AddConstructor<MptcpRelay>();
    return tid;
}

MptcpRelay::MptcpRelay()
    : m_bytesToServer(0),
      m_segments(0),
      m_buf(MPTCP_TCP_HDR_MAX + 65536)
{
}

void
MptcpRelay::Install(Ptr<Node> node, Ipv4Address relayAddr, Ipv4Address server)
{
    m_server = server;
    Hook(node, relayAddr);
}

uint64_t
MptcpRelay::GetBytesToServer() const
{
    return m_bytesToServer;
}

uint64_t
MptcpRelay::GetSegments() const
{
    return m_segments;
}

enum IpL4Protocol::RxStatus
MptcpRelay::Handle(Ptr<Packet> p, const Ipv4Header& header)
{
    const uint32_t size = p->GetSize();
    if (size > m_buf.size())
    {
        return IpL4Protocol::RX_ENDPOINT_UNREACH;
    }
    p->CopyData(m_buf.data(), size);
    const uint16_t sport = static_cast<uint16_t>(m_buf[0] << 8 | m_buf[1]);
    const uint16_t dport = static_cast<uint16_t>(m_buf[2] << 8 | m_buf[3]);
    const uint32_t hl = static_cast<uint32_t>(m_buf[12] >> 4) * 4;
    Ipv4Address to;
    if (header.GetSource() == m_server)
    {
        auto it = m_clients.find(dport);
        if (it == m_clients.end())
        {
            return IpL4Protocol::RX_ENDPOINT_UNREACH; // nobody it relays for
        }
        to = it->second;
    }
    else
    {
        m_clients[sport] = header.GetSource();
        to = m_server;
        m_bytesToServer += size > hl ? size - hl : 0;
    }
    // the segment as it leaves: from the relay, to `to`; only the TCP
    // checksum changes (its pseudo-header holds the addresses)
    uint8_t src[4];
    uint8_t dst[4];
    m_addr.Serialize(src);
    to.Serialize(dst);
    m_buf[16] = m_buf[17] = 0;
    uint16_t c = mptcp_tcp_checksum_ipv4(src, dst, m_buf.data(), size);
    m_buf[16] = static_cast<uint8_t>(c >> 8);
    m_buf[17] = static_cast<uint8_t>(c);
    Ptr<Packet> out = Create<Packet>(m_buf.data(), size);
    Ipv4Header ih;
    ih.SetSource(m_addr);
    ih.SetDestination(to);
    ih.SetProtocol(6);
    ih.SetTtl(64);
    ih.SetPayloadSize(size);
    if (Node::ChecksumEnabled())
    {
        ih.EnableChecksum();
    }
    Ptr<Ipv4L3Protocol> l3 = m_node->GetObject<Ipv4L3Protocol>();
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = l3->GetRoutingProtocol()->RouteOutput(out, ih, nullptr, err);
    if (!route)
    {
        return IpL4Protocol::RX_ENDPOINT_UNREACH;
    }
    m_segments++;
    l3->SendWithHeader(out, ih, route);
    return IpL4Protocol::RX_OK;
}

} // namespace ns3
