/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-socket.h"

#include "ns3/object-vector.h"

#include "mptcp-l4-protocol.h"
#include "mptcp-socket-addr.h"

#include "ns3/boolean.h"
#include "ns3/inet6-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpSocket");

NS_OBJECT_ENSURE_REGISTERED(MptcpSocket);

std::string
MptcpSocket::AlgorithmNames(int kind, int coupled)
{
    std::string list;
    const char* n;
    for (unsigned i = 0; (n = mptcp_algo_name(kind, i)); i++)
    {
        if (coupled < 0 || mptcp_cc_is_coupled(n) == coupled)
        {
            list += (list.empty() ? "" : ", ") + std::string(n);
        }
    }
    return list;
}

namespace
{

/**
 * The core keeps the algorithm names of a configuration for the life of
 * its connections: give it strings that never go away.
 */
const char*
Intern(const std::string& s)
{
    static std::set<std::string> names;
    return names.insert(s).first->c_str();
}

/**
 * Congestion control by name, or by the TypeId of the ns-3 TCP variant it
 * corresponds to, as TcpL4Protocol::SocketType names them.
 */
std::string
CcName(const std::string& s)
{
    if (s == "ns3::TcpNewReno" || s == "ns3::TcpLinuxReno")
    {
        return "reno";
    }
    if (s == "ns3::TcpCubic")
    {
        return "cubic";
    }
    return s;
}

/** The names the core registers for an algorithm kind (MptcpSocket::AlgorithmNames). */
std::string
AlgoNames(int kind, int coupled = -1)
{
    return MptcpSocket::AlgorithmNames(kind, coupled);
}

/**
 * A StringValue checker that asks the core's registry: an algorithm name
 * the core does not know is refused when the attribute is set (SetAttribute,
 * Config::SetDefault, the command line, a helper), with the valid names on
 * stderr, instead of failing later when a socket connects.
 */
class AlgoChecker : public StringChecker
{
  public:
    /**
     * \param kind enum mptcp_algo_kind
     * \param attribute the attribute's name, for the message
     */
    AlgoChecker(int kind, std::string attribute)
        : m_kind(kind),
          m_attribute(std::move(attribute))
    {
    }

    bool Check(const AttributeValue& value) const override
    {
        const auto* v = dynamic_cast<const StringValue*>(&value);
        if (!v)
        {
            return false;
        }
        std::string name = v->Get();
        if (m_kind == MPTCP_ALGO_CC || m_kind == MPTCP_ALGO_TCP_CC)
        {
            name = CcName(name);
        }
        if (mptcp_algo_check(m_kind, name.c_str()) == MPTCP_OK)
        {
            return true;
        }
        // ns-3 checks a StringValue twice (as given, then as parsed back):
        // say it once
        static std::string s_said;
        std::string msg = "ns3::MptcpSocket::" + m_attribute + ": invalid name \"" + v->Get() +
                          "\"; valid names: " + Valid();
        if (msg != s_said)
        {
            std::cerr << msg << std::endl;
            s_said = msg;
        }
        return false;
    }

    std::string GetValueTypeName() const override
    {
        return "ns3::StringValue";
    }

    bool HasUnderlyingTypeInformation() const override
    {
        return true;
    }

    std::string GetUnderlyingTypeInformation() const override
    {
        return "one of: " + Valid();
    }

    Ptr<AttributeValue> Create() const override
    {
        return ns3::Create<StringValue>();
    }

    bool Copy(const AttributeValue& source, AttributeValue& destination) const override
    {
        const auto* src = dynamic_cast<const StringValue*>(&source);
        auto* dst = dynamic_cast<StringValue*>(&destination);
        if (!src || !dst)
        {
            return false;
        }
        *dst = *src;
        return true;
    }

  private:
    /** \return the valid names, ns-3 aliases included */
    std::string Valid() const
    {
        std::string list = AlgoNames(m_kind);
        if (m_kind == MPTCP_ALGO_CC || m_kind == MPTCP_ALGO_TCP_CC)
        {
            list += " (or ns3::TcpNewReno, ns3::TcpLinuxReno, ns3::TcpCubic)";
        }
        return list;
    }

    int m_kind;              //!< enum mptcp_algo_kind
    std::string m_attribute; //!< attribute name
};

/**
 * \param kind enum mptcp_algo_kind
 * \param attribute the attribute's name
 * \return a checker of algorithm names of that kind
 */
Ptr<const AttributeChecker>
MakeAlgoChecker(int kind, const std::string& attribute)
{
    return Ptr<const AttributeChecker>(new AlgoChecker(kind, attribute), false);
}

uint64_t
Ns(Time t)
{
    return t.IsStrictlyPositive() ? static_cast<uint64_t>(t.GetNanoSeconds()) : 0;
}

/** The any address of \p family (4 or 6) with \p port. */
mptcp_addr
AnyAddress(uint8_t family, uint16_t port)
{
    mptcp_addr a{};
    a.family = family;
    a.port = port;
    return a;
}

bool
IsAny(const mptcp_addr& a)
{
    static const uint8_t zero[16] = {};
    return std::memcmp(a.ip, zero, a.family == 6 ? 16 : 4) == 0;
}

} // namespace

namespace mptcpsock
{

InetSocketAddress
FromCore(const mptcp_addr& a)
{
    if (a.family != 4)
    {
        return InetSocketAddress(Ipv4Address::GetAny(), a.port);
    }
    return InetSocketAddress(Ipv4Address::Deserialize(a.ip), a.port);
}

Address
ToSocketAddress(const mptcp_addr& a)
{
    if (a.family == 6)
    {
        return Inet6SocketAddress(Ipv6Address::Deserialize(a.ip), a.port);
    }
    return FromCore(a);
}

} // namespace mptcpsock

using mptcpsock::ToSocketAddress;

TypeId
MptcpSocket::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpSocket")
            .SetParent<TcpSocket>()
            .SetGroupName("Mptcp")
            .AddConstructor<MptcpSocket>()
            .AddAttribute("Mptcp",
                          "Offer (client) or accept (server) MPTCP v1; false: plain TCP "
                          "through the same engine.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_mptcp),
                          MakeBooleanChecker())
            .AddAttribute("CongestionControl",
                          "Congestion control by name: " + AlgoNames(MPTCP_ALGO_CC, 1) +
                              " (coupled: they run while the connection is MPTCP; a plain "
                              "TCP connection runs TcpCongestionControl), " +
                              AlgoNames(MPTCP_ALGO_CC, 0) +
                              " (uncoupled, in every case); ns3::TcpNewReno, "
                              "ns3::TcpLinuxReno and ns3::TcpCubic are accepted for reno "
                              "and cubic. Default lia (RFC 6356).",
                          StringValue("lia"),
                          MakeStringAccessor(&MptcpSocket::m_cc),
                          MakeAlgoChecker(MPTCP_ALGO_CC, "CongestionControl"))
            .AddAttribute("TcpCongestionControl",
                          "Congestion control of a plain TCP connection (Mptcp false, a peer "
                          "without MPTCP, or after a fallback) when CongestionControl is "
                          "coupled: " +
                              AlgoNames(MPTCP_ALGO_TCP_CC) + ".",
                          StringValue("cubic"),
                          MakeStringAccessor(&MptcpSocket::m_tcpCc),
                          MakeAlgoChecker(MPTCP_ALGO_TCP_CC, "TcpCongestionControl"))
            .AddAttribute("Scheduler",
                          "Packet scheduler by name: " + AlgoNames(MPTCP_ALGO_SCHED) +
                              ". Default minrtt (lowest smoothed RTT).",
                          StringValue("minrtt"),
                          MakeStringAccessor(&MptcpSocket::m_scheduler),
                          MakeAlgoChecker(MPTCP_ALGO_SCHED, "Scheduler"))
            .AddAttribute("PathManager",
                          "Path manager by name: " + AlgoNames(MPTCP_ALGO_PM) +
                              ". Default default (the initial subflow; follows the peer's "
                              "announcements).",
                          StringValue("default"),
                          MakeStringAccessor(&MptcpSocket::m_pm),
                          MakeAlgoChecker(MPTCP_ALGO_PM, "PathManager"))
            .AddAttribute("Subflows",
                          "Number of subflows for a path manager that opens several over "
                          "one address pair (ndiffports).",
                          UintegerValue(2),
                          MakeUintegerAccessor(&MptcpSocket::m_subflows),
                          MakeUintegerChecker<uint32_t>(1, 8))
            .AddAttribute("MaxSubflows",
                          "Most subflows per connection (initial one included).",
                          UintegerValue(8),
                          MakeUintegerAccessor(&MptcpSocket::m_maxSubflows),
                          MakeUintegerChecker<uint32_t>(1, 8))
            .AddAttribute("MaxHalfOpenJoins",
                          "Most MP_JOIN handshakes in progress per connection.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&MptcpSocket::m_maxHalfOpen),
                          MakeUintegerChecker<uint32_t>(1, 255))
            .AddAttribute("ListenBacklog",
                          "A listening socket's node holds at most this many connections "
                          "half-open (SYN received, handshake not complete) for its "
                          "listeners; a SYN beyond it is dropped (0: no bound).",
                          UintegerValue(4096),
                          MakeUintegerAccessor(&MptcpSocket::m_listenBacklog),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("JoinRetry",
                          "A join the peer refused as transient (MP_TCPRST with the T flag, "
                          "RFC 8684 section 3.6) is opened again after this delay, doubled "
                          "at each refusal, up to 4 times (0: never, as Linux).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&MptcpSocket::m_joinRetry),
                          MakeTimeChecker(Seconds(0), Seconds(3600)))
            .AddAttribute("DssChecksum",
                          "Ask for DSS checksums (RFC 8684 section 3.3.1).",
                          BooleanValue(false),
                          MakeBooleanAccessor(&MptcpSocket::m_dssChecksum),
                          MakeBooleanChecker())
            .AddAttribute("Sack",
                          "Offer SACK (RFC 2018) and use RFC 6675 recovery.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_sack),
                          MakeBooleanChecker())
            .AddAttribute("Timestamp",
                          "Offer timestamps (RFC 7323).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_timestamps),
                          MakeBooleanChecker())
            .AddAttribute("WindowScaling",
                          "Offer window scaling (RFC 7323).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_windowScaling),
                          MakeBooleanChecker())
            .AddAttribute("MinRto",
                          "Minimum retransmission timeout (Linux 200 ms; ns-3's "
                          "TcpSocketBase uses 1 s).",
                          TimeValue(MilliSeconds(200)),
                          MakeTimeAccessor(&MptcpSocket::m_minRto),
                          MakeTimeChecker())
            .AddAttribute("MaxRto",
                          "Maximum retransmission timeout.",
                          TimeValue(Seconds(60)),
                          MakeTimeAccessor(&MptcpSocket::m_maxRto),
                          MakeTimeChecker())
            .AddAttribute("ClockGranularity",
                          "Clock granularity G of RFC 6298.",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&MptcpSocket::m_clockGranularity),
                          MakeTimeChecker())
            .AddAttribute("TimeWait",
                          "Time spent in TIME-WAIT (2 MSL).",
                          TimeValue(Seconds(60)),
                          MakeTimeAccessor(&MptcpSocket::m_timeWait),
                          MakeTimeChecker())
            .AddAttribute("ReTxThreshold",
                          "Duplicate-ACK threshold for fast retransmit.",
                          UintegerValue(3),
                          MakeUintegerAccessor(&MptcpSocket::m_dupThresh),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("OpportunisticRetransmission",
                          "When the receive window stops new data, resend the data holding it "
                          "up on a faster subflow and penalise the slow one (Raiciu et al., "
                          "NSDI 2012).",
                          BooleanValue(false),
                          MakeBooleanAccessor(&MptcpSocket::m_opportunistic),
                          MakeBooleanChecker())
            .AddAttribute("CoupledMinSsthresh",
                          "Least ssthresh (segments) OLIA and BALIA set on a loss with two or "
                          "more subflows: 2 (RFC 5681; Linux's mptcp_olia.c) or 1 (the OLIA "
                          "and BALIA drafts: 1 MSS when several paths are established).",
                          UintegerValue(2),
                          MakeUintegerAccessor(&MptcpSocket::m_coupledMinSsthresh),
                          MakeUintegerChecker<uint32_t>(1, 2))
            .AddAttribute("CubicTcpFriendliness",
                          "CUBIC's Reno-friendly region (RFC 9438 section 4.3; Linux's "
                          "tcp_friendliness). false: the cubic function alone, as ns-3 3.37's "
                          "TcpCubic.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_cubicFriendliness),
                          MakeBooleanChecker())
            .AddAttribute("CubicHyStart",
                          "CUBIC's hybrid slow start (Linux's hystart: ACK-train and delay "
                          "detection).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_cubicHyStart),
                          MakeBooleanChecker())
            .AddAttribute("AddAddrHmacCheck",
                          "Security switch: check the HMAC of received ADD_ADDR (false: accept "
                          "any, as MPTCP v0; threat A4).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_addAddrHmacCheck),
                          MakeBooleanChecker())
            .AddAttribute("EnforceConnWindow",
                          "Security switch: drop data beyond DATA_ACK + receive window "
                          "(false: keep it).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_enforceConnWindow),
                          MakeBooleanChecker())
            .AddAttribute("EnforceLimits",
                          "Security switch: apply MaxSubflows and MaxHalfOpenJoins to the "
                          "peer's joins (threat A5).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_enforceLimits),
                          MakeBooleanChecker())
            .AddAttribute("FastcloseKeyCheck",
                          "Security switch: act on MP_FASTCLOSE only with our key.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_fastcloseKeyCheck),
                          MakeBooleanChecker())
            .AddAttribute("RemoveAddrProbe",
                          "Security switch: before closing the subflows a REMOVE_ADDR names, "
                          "probe them and keep those the peer still uses (RFC 8684 section "
                          "3.4.2; false: close at once, as Linux).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_removeAddrProbe),
                          MakeBooleanChecker())
            .AddAttribute("OverlapCheck",
                          "Compare data received twice at the same DSNs with the stored copy "
                          "and count mismatches (threat A2; the first copy is kept).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_overlapCheck),
                          MakeBooleanChecker())
            .AddAttribute("OverlapReset",
                          "With OverlapCheck: a mismatch between two copies of the data at "
                          "the same DSNs resets the connection (threat A2; MP_TCPRST reason "
                          "0x01 on every subflow). Trades availability for integrity: off by "
                          "default, as Linux keeps the first copy and says nothing.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&MptcpSocket::m_overlapReset),
                          MakeBooleanChecker())
            .AddAttribute("RstSeqCheck",
                          "Security switch (threat A6): RFC 5961 section 3.2 for a received RST; "
                          "one elsewhere in the window than RCV.NXT draws a challenge ACK. "
                          "false: any in-window RST resets the subflow.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_rstSeqCheck),
                          MakeBooleanChecker())
            .AddAttribute("OptionAckCheck",
                          "Security switch (threat A6): act on a segment's MPTCP options "
                          "(MP_PRIO, REMOVE_ADDR, ADD_ADDR, MP_FASTCLOSE, DSS) only when its "
                          "ACK field is acceptable (RFC 5961 section 5.2), as Linux does. "
                          "false: options are acted on before the ACK field is checked.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_optAckCheck),
                          MakeBooleanChecker())
            .AddAttribute("SynCookies",
                          "Security switch (threat A5): answer a SYN that finds ListenBacklog "
                          "full, or a join beyond MaxHalfOpenJoins, with a SYN cookie and no "
                          "state; the third ACK makes the connection or subflow (RFC 4987 "
                          "section 3.6, as Linux's tcp_syncookies=1). false: such a SYN is "
                          "dropped, such a join refused.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&MptcpSocket::m_synCookies),
                          MakeBooleanChecker())
            .AddAttribute("SubflowList",
                          "The connection's subflows (ns3::MptcpSubflow), in the core's "
                          "order: Config paths reach each one's CongestionWindow, "
                          "SlowStartThreshold, RTT, CongState and BytesInFlight.",
                          ObjectVectorValue(),
                          MakeObjectVectorAccessor(&MptcpSocket::m_subflowObjects),
                          MakeObjectVectorChecker<MptcpSubflow>())
            .AddAttribute("MaxOfoRanges",
                          "Most out-of-order ranges a subflow, and the connection at the data "
                          "level, keep (threat A1); a segment that would open one more is "
                          "dropped and counted. 0: no bound.",
                          UintegerValue(MPTCP_OFO_RANGES_DEFAULT),
                          MakeUintegerAccessor(&MptcpSocket::m_maxOfoRanges),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("CongestionWindow",
                            "The connection's congestion window: the sum of its subflows' "
                            "(bytes), as TcpSocketBase's CongestionWindow.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_cwndTotalTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("SlowStartThreshold",
                            "The connection's slow-start threshold: the sum of its "
                            "established subflows' (bytes, at most 2^32 - 1), as "
                            "TcpSocketBase's SlowStartThreshold.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_ssthreshTotalTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("RTT",
                            "The connection's RTT: the lowest smoothed RTT of its "
                            "established subflows (the one minRTT schedules first; kept "
                            "while none is established), as TcpSocketBase's RTT.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_rttMinTrace),
                            "ns3::TracedValueCallback::Time")
            .AddTraceSource("CongState",
                            "The connection's congestion state, as TcpSocketBase's "
                            "CongState: CA_LOSS when every established subflow is in loss "
                            "(after a retransmission timeout), CA_RECOVERY when one is in "
                            "loss or fast recovery, CA_OPEN otherwise.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_congStateTrace),
                            "ns3::TcpSocketState::TcpCongStatesTracedValueCallback")
            .AddTraceSource("Tx",
                            "A segment sent on any subflow: the payload, the TCP header "
                            "(MPTCP options as TcpOptionUnknown, kind 30), this socket; as "
                            "TcpSocketBase's Tx.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_segTxTrace),
                            "ns3::MptcpSocket::TxRxTracedCallback")
            .AddTraceSource("Rx",
                            "A segment received on any subflow, before the core reads it: "
                            "the payload, the TCP header, this socket; as TcpSocketBase's Rx.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_segRxTrace),
                            "ns3::MptcpSocket::TxRxTracedCallback")
            .AddTraceSource("SubflowCongState",
                            "Congestion state of a subflow (enum mptcp_ca_state: 0 open, "
                            "1 fast recovery, 2 loss).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_caStateTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("SubflowCwnd",
                            "Congestion window of a subflow (bytes).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_cwndTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("SubflowSsThresh",
                            "Slow-start threshold of a subflow (bytes).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_ssthreshTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("SubflowRtt",
                            "Smoothed RTT of a subflow (ns).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_srttTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("SubflowBytesInFlight",
                            "Bytes in flight on a subflow (RFC 6675 pipe).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_inflightTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("SubflowState",
                            "TCP state of a subflow (enum mptcp_tcp_state).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_stateTrace),
                            "ns3::MptcpSocket::SubflowTracedCallback")
            .AddTraceSource("DataSent",
                            "Payload bytes sent by all subflows (retransmissions included).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_dataSentTrace),
                            "ns3::MptcpSocket::ValueTracedCallback")
            .AddTraceSource("DataAcked",
                            "Payload bytes acknowledged over all subflows.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_dataAckedTrace),
                            "ns3::MptcpSocket::ValueTracedCallback")
            .AddTraceSource("RcvBuffered",
                            "Bytes held by the receiver (unread plus out of order).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_rcvBufTrace),
                            "ns3::MptcpSocket::ValueTracedCallback")
            .AddTraceSource("OutOfOrderBytes",
                            "Bytes held out of order at the connection level.",
                            MakeTraceSourceAccessor(&MptcpSocket::m_oooTrace),
                            "ns3::MptcpSocket::ValueTracedCallback")
            .AddTraceSource("Reinjections",
                            "Segments reinjected on this node (MPTcpExtReinject).",
                            MakeTraceSourceAccessor(&MptcpSocket::m_reinjectTrace),
                            "ns3::MptcpSocket::ValueTracedCallback");
    return tid;
}

MptcpSocket::MptcpSocket()
    : m_conn(nullptr),
      m_errno(ERROR_NOTERROR),
      m_bound(false),
      m_listening(false),
      m_shutdownSend(false),
      m_shutdownRecv(false),
      m_closeNotified(false),
      m_peerClosed(false),
      m_hadConn(false),
      m_wasMptcp(false),
      m_local(AnyAddress(4, 0)),
      m_peer(AnyAddress(4, 0)),
      m_lastSndBuffered(0),
      m_keyLocal(0),
      m_keyRemote(0),
      m_sndBufSize(131072),
      m_rcvBufSize(131072),
      m_segSize(536),
      m_initialSsThresh(UINT32_MAX),
      m_initialCwnd(10),
      m_synRetries(6),
      m_dataRetries(6),
      m_delAckCount(2),
      m_noDelay(true),
      m_mptcp(true),
      m_subflows(2),
      m_maxSubflows(8),
      m_maxHalfOpen(4),
      m_listenBacklog(4096),
      m_joinRetry(Seconds(0)),
      m_dssChecksum(false),
      m_sack(true),
      m_timestamps(true),
      m_windowScaling(true),
      m_dupThresh(3),
      m_opportunistic(false),
      m_coupledMinSsthresh(2),
      m_cubicFriendliness(true),
      m_cubicHyStart(true),
      m_addAddrHmacCheck(true),
      m_enforceConnWindow(true),
      m_enforceLimits(true),
      m_fastcloseKeyCheck(true),
      m_removeAddrProbe(true),
      m_overlapCheck(true),
      m_overlapReset(false),
      m_rstSeqCheck(true),
      m_optAckCheck(true),
      m_synCookies(true),
      m_maxOfoRanges(MPTCP_OFO_RANGES_DEFAULT),
      m_finalStats{},
      m_tracedConn{},
      m_tracedReinject(0)
{
    NS_LOG_FUNCTION(this);
}

MptcpSocket::MptcpSocket(const MptcpSocket& sock)
    : TcpSocket(sock),
      m_node(sock.m_node),
      m_l4(sock.m_l4),
      m_conn(nullptr),
      m_errno(ERROR_NOTERROR),
      m_bound(true),
      m_listening(false),
      m_shutdownSend(sock.m_shutdownSend),
      m_shutdownRecv(sock.m_shutdownRecv),
      m_closeNotified(false),
      m_peerClosed(false),
      m_hadConn(false),
      m_wasMptcp(false),
      m_local(sock.m_local),
      m_peer(AnyAddress(sock.m_local.family, 0)),
      m_lastSndBuffered(0),
      m_keyLocal(0),
      m_keyRemote(0),
      m_sndBufSize(sock.m_sndBufSize),
      m_rcvBufSize(sock.m_rcvBufSize),
      m_segSize(sock.m_segSize),
      m_initialSsThresh(sock.m_initialSsThresh),
      m_initialCwnd(sock.m_initialCwnd),
      m_connTimeout(sock.m_connTimeout),
      m_synRetries(sock.m_synRetries),
      m_dataRetries(sock.m_dataRetries),
      m_delAckTimeout(sock.m_delAckTimeout),
      m_delAckCount(sock.m_delAckCount),
      m_noDelay(sock.m_noDelay),
      m_persistTimeout(sock.m_persistTimeout),
      m_mptcp(sock.m_mptcp),
      m_cc(sock.m_cc),
      m_tcpCc(sock.m_tcpCc),
      m_scheduler(sock.m_scheduler),
      m_pm(sock.m_pm),
      m_subflows(sock.m_subflows),
      m_maxSubflows(sock.m_maxSubflows),
      m_maxHalfOpen(sock.m_maxHalfOpen),
      m_listenBacklog(sock.m_listenBacklog),
      m_joinRetry(sock.m_joinRetry),
      m_dssChecksum(sock.m_dssChecksum),
      m_sack(sock.m_sack),
      m_timestamps(sock.m_timestamps),
      m_windowScaling(sock.m_windowScaling),
      m_minRto(sock.m_minRto),
      m_maxRto(sock.m_maxRto),
      m_clockGranularity(sock.m_clockGranularity),
      m_timeWait(sock.m_timeWait),
      m_dupThresh(sock.m_dupThresh),
      m_opportunistic(sock.m_opportunistic),
      m_coupledMinSsthresh(sock.m_coupledMinSsthresh),
      m_cubicFriendliness(sock.m_cubicFriendliness),
      m_cubicHyStart(sock.m_cubicHyStart),
      m_addAddrHmacCheck(sock.m_addAddrHmacCheck),
      m_enforceConnWindow(sock.m_enforceConnWindow),
      m_enforceLimits(sock.m_enforceLimits),
      m_fastcloseKeyCheck(sock.m_fastcloseKeyCheck),
      m_removeAddrProbe(sock.m_removeAddrProbe),
      m_overlapCheck(sock.m_overlapCheck),
      m_overlapReset(sock.m_overlapReset),
      m_rstSeqCheck(sock.m_rstSeqCheck),
      m_optAckCheck(sock.m_optAckCheck),
      m_synCookies(sock.m_synCookies),
      m_maxOfoRanges(sock.m_maxOfoRanges),
      m_finalStats{},
      m_tracedConn{},
      m_tracedReinject(0)
{
    NS_LOG_FUNCTION(this);
}

MptcpSocket::~MptcpSocket()
{
    NS_LOG_FUNCTION(this);
}

void
MptcpSocket::DoDispose()
{
    NS_LOG_FUNCTION(this);
    if (m_conn && m_l4)
    {
        Release(false);
    }
    m_l4 = nullptr;
    m_node = nullptr;
    m_subflowObjects.clear();
    TcpSocket::DoDispose();
}

void
MptcpSocket::SetNode(Ptr<Node> node, Ptr<MptcpL4Protocol> l4)
{
    m_node = node;
    m_l4 = l4;
}

// ---------------------------------------------------------------- config

void
MptcpSocket::BuildConfig(mptcp_config& c) const
{
    mptcp_config_default(&c);
    c.mss = static_cast<uint16_t>(std::min<uint32_t>(m_segSize, 65535));
    // ns-3's TcpSocketBase sends no MSS option and sends segments of its
    // own SegmentSize: against it, the send MSS is ours (the smaller of the
    // two), as between two ns-3 TCPs, not RFC 9293's 536.
    c.peer_mss_default = c.mss;
    c.sndbuf = m_sndBufSize;
    c.rcvbuf = m_rcvBufSize;
    c.init_cwnd = m_initialCwnd;
    c.sack = m_sack;
    c.timestamps = m_timestamps;
    c.window_scaling = m_windowScaling;
    c.tcp_checksum = 0;
    c.min_rto_ns = Ns(m_minRto);
    c.max_rto_ns = Ns(m_maxRto);
    c.initial_rto_ns = Ns(m_connTimeout);
    c.clock_granularity_ns = Ns(m_clockGranularity);
    c.delack_count = m_delAckCount;
    c.delack_timeout_ns = Ns(m_delAckTimeout);
    c.syn_retries = m_synRetries;
    c.rto_retries = m_dataRetries;
    c.time_wait_ns = Ns(m_timeWait);
    c.dupthresh = m_dupThresh;
    c.nodelay = m_noDelay;
    c.cc = Intern(CcName(m_cc));
    c.tcp_cc = Intern(CcName(m_tcpCc));
    c.mptcp = m_mptcp;
    c.dss_checksum = m_dssChecksum;
    c.pm = Intern(m_pm);
    c.subflows = static_cast<uint8_t>(m_subflows);
    c.scheduler = Intern(m_scheduler);
    c.max_subflows = static_cast<uint8_t>(m_maxSubflows);
    c.max_half_open_joins = static_cast<uint8_t>(m_maxHalfOpen);
    c.listen_backlog = m_listenBacklog;
    c.join_retry_ns = Ns(m_joinRetry);
    c.virtual_payload = m_l4 && m_l4->IsVirtualPayload();
    c.opportunistic = m_opportunistic;
    c.coupled_min_ssthresh = static_cast<uint8_t>(m_coupledMinSsthresh);
    c.cubic_tcp_friendliness = m_cubicFriendliness;
    c.cubic_hystart = m_cubicHyStart;
    c.add_addr_hmac_check = m_addAddrHmacCheck;
    c.enforce_conn_window = m_enforceConnWindow;
    c.enforce_limits = m_enforceLimits;
    c.fastclose_key_check = m_fastcloseKeyCheck;
    c.remove_addr_probe = m_removeAddrProbe;
    c.overlap_check = m_overlapCheck;
    c.overlap_reset = m_overlapReset;
    c.rst_seq_check = m_rstSeqCheck;
    c.opt_ack_check = m_optAckCheck;
    c.syn_cookies = m_synCookies;
    c.max_ofo_ranges = m_maxOfoRanges;
}

bool
MptcpSocket::CheckConfig(std::string& why) const
{
    mptcp_config c;
    BuildConfig(c);
    // ns-3's TcpSocket attributes the core has no setting for: refused
    // unless left at their defaults, rather than ignored
    if (m_initialSsThresh != UINT32_MAX)
    {
        why = "InitialSlowStartThreshold=" + std::to_string(m_initialSsThresh) +
              " is not supported: the core's congestion controls start with an unbounded "
              "slow-start threshold (leave it at 4294967295)";
        return false;
    }
    if (m_persistTimeout != Seconds(6))
    {
        std::ostringstream t;
        t << m_persistTimeout.As(Time::S);
        why = "PersistTimeout=" + t.str() +
              " is not supported: the core probes a zero window from the retransmission "
              "timer, backed off as RFC 9293 section 3.8.6.1 allows (leave it at 6 s)";
        return false;
    }
    int rv = mptcp_config_check(&c);
    if (rv == MPTCP_OK)
    {
        return true;
    }
    if (MPTCP_ERR_IS_UNKNOWN_ALGO(rv))
    {
        why = "unknown algorithm name among CongestionControl=\"" + m_cc +
              "\" (valid: " + AlgoNames(MPTCP_ALGO_CC) + "), TcpCongestionControl=\"" + m_tcpCc +
              "\" (valid: " + AlgoNames(MPTCP_ALGO_TCP_CC) + "), Scheduler=\"" + m_scheduler +
              "\" (valid: " + AlgoNames(MPTCP_ALGO_SCHED) + "), PathManager=\"" + m_pm +
              "\" (valid: " + AlgoNames(MPTCP_ALGO_PM) + ")";
    }
    else
    {
        why = std::string("a socket attribute is out of range (") + mptcp_strerror(rv) +
              "): SegmentSize 64..65495, SndBufSize and RcvBufSize at least SegmentSize, "
              "InitialCwnd, DelAckCount and ReTxThreshold above 0, 0 < MinRto <= MaxRto, "
              "ConnTimeout above 0, Subflows <= MaxSubflows";
    }
    return false;
}

// ---------------------------------------------------------------- Socket

enum Socket::SocketErrno
MptcpSocket::GetErrno() const
{
    return m_errno;
}

enum Socket::SocketType
MptcpSocket::GetSocketType() const
{
    return NS3_SOCK_STREAM;
}

Ptr<Node>
MptcpSocket::GetNode() const
{
    return m_node;
}

int
MptcpSocket::Bind()
{
    m_bound = true;
    m_local = AnyAddress(4, 0);
    return 0;
}

int
MptcpSocket::Bind6()
{
    m_bound = true;
    m_local = AnyAddress(6, 0);
    return 0;
}

int
MptcpSocket::Bind(const Address& address)
{
    if (InetSocketAddress::IsMatchingType(address))
    {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(address);
        m_local = AnyAddress(4, a.GetPort());
        a.GetIpv4().Serialize(m_local.ip);
    }
    else if (Inet6SocketAddress::IsMatchingType(address))
    {
        Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(address);
        m_local = AnyAddress(6, a.GetPort());
        a.GetIpv6().Serialize(m_local.ip);
    }
    else
    {
        m_errno = ERROR_AFNOSUPPORT;
        return -1;
    }
    m_bound = true;
    return 0;
}

int
MptcpSocket::Connect(const Address& address)
{
    NS_LOG_FUNCTION(this << address);
    mptcp_addr remote = AnyAddress(4, 0);
    if (InetSocketAddress::IsMatchingType(address))
    {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(address);
        remote.port = a.GetPort();
        a.GetIpv4().Serialize(remote.ip);
    }
    else if (Inet6SocketAddress::IsMatchingType(address))
    {
        Inet6SocketAddress a = Inet6SocketAddress::ConvertFrom(address);
        remote = AnyAddress(6, a.GetPort());
        a.GetIpv6().Serialize(remote.ip);
    }
    else
    {
        m_errno = ERROR_AFNOSUPPORT;
        return -1;
    }
    if (m_conn || m_listening)
    {
        m_errno = ERROR_ISCONN;
        return -1;
    }
    if (!m_bound)
    {
        Bind();
    }
    std::string why;
    if (!CheckConfig(why))
    {
        // a misconfigured socket would carry nothing and the run would end
        // "normally" with no data: stop it here
        NS_FATAL_ERROR("MptcpSocket::Connect: " << why);
    }
    mptcp_addr local = m_local;
    if (local.family != remote.family)
    {
        // A socket bound to the any address (Bind() or Bind6(), as ns-3's
        // applications do) takes the family of its peer; one bound to a
        // given address of the other family cannot reach it.
        if (!IsAny(local))
        {
            m_errno = ERROR_AFNOSUPPORT;
            return -1;
        }
        local = AnyAddress(remote.family, local.port);
    }
    if (IsAny(local))
    {
        bool routed = false;
        if (remote.family == 4)
        {
            Ipv4Address src;
            routed = m_l4->SelectSource(Ipv4Address::Deserialize(remote.ip), src);
            src.Serialize(local.ip);
        }
        else
        {
            Ipv6Address src;
            routed = m_l4->SelectSource(Ipv6Address::Deserialize(remote.ip), src);
            src.Serialize(local.ip);
        }
        if (!routed)
        {
            m_errno = ERROR_NOROUTETOHOST;
            return -1;
        }
    }
    m_peer = remote;
    mptcp_config cfg;
    BuildConfig(cfg);
    m_l4->Enter();
    m_l4->SyncAddresses();
    int rv = mptcp_connect(m_l4->GetStack(), &m_conn, &local, &remote, &cfg, this,
                           MptcpL4Protocol::Now());
    if (rv == MPTCP_OK)
    {
        m_hadConn = true;
        m_l4->AddSocket(this);
        mptcp_conn_get_addrs(m_conn, &m_local, nullptr);
    }
    m_l4->Leave();
    if (rv != MPTCP_OK)
    {
        m_conn = nullptr;
        m_errno = rv == MPTCP_ERR_ADDR_IN_USE ? ERROR_ADDRINUSE : ERROR_INVAL;
        return -1;
    }
    return 0;
}

int
MptcpSocket::Listen()
{
    NS_LOG_FUNCTION(this);
    if (m_conn || m_listening)
    {
        m_errno = ERROR_ISCONN;
        return -1;
    }
    if (!m_bound || m_local.port == 0)
    {
        m_errno = ERROR_INVAL; // a listener needs a port
        return -1;
    }
    std::string why;
    if (!CheckConfig(why))
    {
        NS_FATAL_ERROR("MptcpSocket::Listen: " << why);
    }
    mptcp_config cfg;
    BuildConfig(cfg);
    // Any address of the bound family only (an all-zero address of family
    // 4 or 6 in the core): an IPv4 listener gets no IPv6 connection and an
    // IPv6 one no IPv4 connection, as with IPV6_V6ONLY.
    mptcp_addr local = m_local;
    m_l4->Enter();
    m_l4->SyncAddresses();
    int rv = mptcp_stack_listen_cfg(m_l4->GetStack(), &local, &cfg);
    m_l4->Leave();
    if (rv != MPTCP_OK)
    {
        m_errno = rv == MPTCP_ERR_ADDR_IN_USE ? ERROR_ADDRINUSE : ERROR_INVAL;
        return -1;
    }
    m_listening = true;
    m_l4->AddListener(local, this);
    return 0;
}

Ptr<MptcpSocket>
MptcpSocket::Fork(mptcp_conn* conn)
{
    mptcp_addr local;
    mptcp_addr remote;
    mptcp_conn_get_addrs(conn, &local, &remote);
    Address from = ToSocketAddress(remote);
    if (!NotifyConnectionRequest(from))
    {
        return nullptr;
    }
    Ptr<MptcpSocket> child = CopyObject<MptcpSocket>(this);
    child->m_conn = conn;
    child->m_hadConn = true;
    child->m_local = local;
    child->m_peer = remote;
    child->NoteMptcp();
    mptcp_conn_set_user_data(conn, PeekPointer(child));
    m_l4->AddSocket(child);
    NotifyNewConnectionCreated(child, from);
    return child;
}

int
MptcpSocket::Close()
{
    NS_LOG_FUNCTION(this);
    if (m_listening)
    {
        mptcp_stack_unlisten(m_l4->GetStack(), &m_local);
        m_l4->RemoveListener(m_local);
        m_listening = false;
        return 0;
    }
    m_shutdownRecv = true;
    return ShutdownSend();
}

int
MptcpSocket::ShutdownSend()
{
    NS_LOG_FUNCTION(this);
    if (m_shutdownSend)
    {
        return 0;
    }
    m_shutdownSend = true;
    if (m_conn)
    {
        m_l4->Enter();
        mptcp_conn_shutdown(m_conn, MptcpL4Protocol::Now());
        m_l4->Leave();
    }
    return 0;
}

int
MptcpSocket::ShutdownRecv()
{
    m_shutdownRecv = true;
    return 0;
}

uint32_t
MptcpSocket::GetTxAvailable() const
{
    if (!m_conn)
    {
        return 0;
    }
    mptcp_conn_stats st;
    mptcp_conn_get_stats(m_conn, &st);
    return st.snd_buffered >= m_sndBufSize ? 0
                                           : static_cast<uint32_t>(m_sndBufSize - st.snd_buffered);
}

int
MptcpSocket::Send(Ptr<Packet> p, uint32_t /* flags */)
{
    NS_LOG_FUNCTION(this << p);
    if (!m_conn)
    {
        m_errno = m_hadConn ? ERROR_SHUTDOWN : ERROR_NOTCONN;
        return -1;
    }
    if (m_shutdownSend)
    {
        m_errno = ERROR_SHUTDOWN;
        return -1;
    }
    const uint32_t size = p->GetSize();
    if (size == 0)
    {
        return 0;
    }
    if (size > GetTxAvailable())
    {
        // Refused whole, as TcpSocketBase does; the send callback fires
        // once this much space is free.
        mptcp_conn_want_send(m_conn, std::min<uint32_t>(size, m_sndBufSize));
        m_errno = ERROR_MSGSIZE;
        return -1;
    }
    long n;
    m_l4->Enter();
    if (m_l4->IsVirtualPayload())
    {
        n = mptcp_conn_send(m_conn, nullptr, size, MptcpL4Protocol::Now());
    }
    else
    {
        std::vector<uint8_t> data(size);
        p->CopyData(data.data(), size);
        n = mptcp_conn_send(m_conn, data.data(), size, MptcpL4Protocol::Now());
    }
    m_l4->Leave();
    if (n < 0)
    {
        // the node's MemoryCap leaves no room for the send buffer to grow
        m_errno = n == MPTCP_ERR_NOMEM ? ERROR_AGAIN : ERROR_SHUTDOWN;
        return -1;
    }
    return static_cast<int>(n);
}

int
MptcpSocket::SendTo(Ptr<Packet> p, uint32_t flags, const Address& /* toAddress */)
{
    return Send(p, flags); // connected socket: the address is ignored
}

uint32_t
MptcpSocket::GetRxAvailable() const
{
    if (!m_conn)
    {
        return 0;
    }
    mptcp_conn_stats st;
    mptcp_conn_get_stats(m_conn, &st);
    uint64_t n = st.rcv_buffered - st.ooo_bytes;
    return static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX));
}

Ptr<Packet>
MptcpSocket::Recv(uint32_t maxSize, uint32_t /* flags */)
{
    NS_LOG_FUNCTION(this << maxSize);
    if (!m_conn)
    {
        m_errno = ERROR_NOTCONN;
        return nullptr;
    }
    uint32_t avail = GetRxAvailable();
    uint32_t want = std::min(avail, maxSize);
    if (want == 0)
    {
        m_errno = ERROR_AGAIN;
        CheckPeerClose();
        return nullptr;
    }
    Ptr<Packet> p;
    m_l4->Enter();
    long n;
    if (m_l4->IsVirtualPayload())
    {
        n = mptcp_conn_recv(m_conn, nullptr, want, MptcpL4Protocol::Now());
        if (n > 0)
        {
            p = Create<Packet>(static_cast<uint32_t>(n));
        }
    }
    else
    {
        std::vector<uint8_t> data(want);
        n = mptcp_conn_recv(m_conn, data.data(), want, MptcpL4Protocol::Now());
        if (n > 0)
        {
            p = Create<Packet>(data.data(), static_cast<uint32_t>(n));
        }
    }
    m_l4->Leave();
    if (!p)
    {
        m_errno = ERROR_AGAIN;
    }
    return p;
}

Ptr<Packet>
MptcpSocket::RecvFrom(uint32_t maxSize, uint32_t flags, Address& fromAddress)
{
    Ptr<Packet> p = Recv(maxSize, flags);
    if (p)
    {
        fromAddress = ToSocketAddress(m_peer);
    }
    return p;
}

int
MptcpSocket::GetSockName(Address& address) const
{
    address = ToSocketAddress(m_local);
    return 0;
}

int
MptcpSocket::GetPeerName(Address& address) const
{
    if (!m_hadConn)
    {
        m_errno = ERROR_NOTCONN;
        return -1;
    }
    address = ToSocketAddress(m_peer);
    return 0;
}

bool
MptcpSocket::SetAllowBroadcast(bool allowBroadcast)
{
    return !allowBroadcast;
}

bool
MptcpSocket::GetAllowBroadcast() const
{
    return false;
}

// ------------------------------------------------------------ callbacks

void
MptcpSocket::NoteMptcp()
{
    if (m_conn && mptcp_conn_is_mptcp(m_conn))
    {
        m_wasMptcp = true;
        mptcp_conn_get_keys(m_conn, &m_keyLocal, &m_keyRemote);
    }
}

bool
MptcpSocket::GetKeys(uint64_t& local, uint64_t& remote) const
{
    local = m_keyLocal;
    remote = m_keyRemote;
    return m_wasMptcp;
}

void
MptcpSocket::CoreConnected()
{
    NoteMptcp();
    NotifyConnectionSucceeded();
}

void
MptcpSocket::CheckPeerClose()
{
    if (m_conn && !m_peerClosed && mptcp_conn_peer_closed(m_conn))
    {
        m_peerClosed = true;
        // As TcpSocketBase: the application hears of the peer's close when
        // the FIN is read, and one that will not send (shut down for
        // sending, e.g. PacketSink) closes at once.
        if (!m_closeNotified)
        {
            m_closeNotified = true;
            NotifyNormalClose();
        }
        if (m_conn && m_shutdownSend)
        {
            m_l4->Enter();
            mptcp_conn_shutdown(m_conn, MptcpL4Protocol::Now());
            m_l4->Leave();
        }
    }
}

void
MptcpSocket::CoreReadable()
{
    NoteMptcp();
    if (m_shutdownRecv)
    {
        // Nobody reads: consume so that the window stays open, as a
        // socket shut down for reading discards what arrives.
        uint32_t n = GetRxAvailable();
        if (n)
        {
            if (m_l4->IsVirtualPayload())
            {
                mptcp_conn_recv(m_conn, nullptr, n, MptcpL4Protocol::Now());
            }
            else
            {
                std::vector<uint8_t> sink(n);
                mptcp_conn_recv(m_conn, sink.data(), n, MptcpL4Protocol::Now());
            }
        }
    }
    else if (GetRxAvailable() > 0)
    {
        NotifyDataRecv();
    }
    CheckPeerClose();
}

void
MptcpSocket::CoreWritable()
{
    mptcp_conn_stats st;
    mptcp_conn_get_stats(m_conn, &st);
    if (st.snd_buffered < m_lastSndBuffered)
    {
        NotifyDataSent(static_cast<uint32_t>(m_lastSndBuffered - st.snd_buffered));
    }
    m_lastSndBuffered = st.snd_buffered;
    NotifySend(GetTxAvailable());
}

void
MptcpSocket::CoreClosed(int reason)
{
    NS_LOG_FUNCTION(this << reason);
    Ptr<MptcpSocket> self = this;
    if (!m_closeNotified)
    {
        m_closeNotified = true;
        if (reason == MPTCP_CLOSE_NORMAL)
        {
            NotifyNormalClose();
        }
        else
        {
            NotifyErrorClose();
        }
    }
    // Free the connection once out of the core's callback.
    Simulator::ScheduleNow(&MptcpSocket::Release, self, false);
}

void
MptcpSocket::Release(bool stackGone)
{
    if (!m_conn)
    {
        return;
    }
    mptcp_conn_get_stats(m_conn, &m_finalStats);
    int n = mptcp_conn_subflow_count(m_conn);
    m_finalSubflows.assign(static_cast<size_t>(n), mptcp_conn_stats{});
    m_finalAddrs.clear();
    m_finalInterfaces.clear();
    for (int i = 0; i < n; i++)
    {
        mptcp_addr l;
        mptcp_addr r;
        mptcp_conn_get_subflow_stats(m_conn, i, &m_finalSubflows[static_cast<size_t>(i)], &l, &r);
        m_finalAddrs.emplace_back(l, r);
        m_finalInterfaces.push_back(m_l4 ? m_l4->GetOutInterface(l, r) : -1);
        if (m_l4)
        {
            m_l4->ForgetOutInterface(l, r);
        }
    }
    NoteMptcp();
    mptcp_conn* c = m_conn;
    m_conn = nullptr;
    if (!stackGone && m_l4)
    {
        mptcp_conn_set_user_data(c, nullptr);
        m_l4->Enter();
        mptcp_conn_free(c);
        m_l4->Leave();
        m_l4->RemoveSocket(this);
    }
}

// ------------------------------------------------- TcpSocket attributes

void
MptcpSocket::SetSndBufSize(uint32_t size)
{
    m_sndBufSize = size;
}

uint32_t
MptcpSocket::GetSndBufSize() const
{
    return m_sndBufSize;
}

void
MptcpSocket::SetRcvBufSize(uint32_t size)
{
    m_rcvBufSize = size;
}

uint32_t
MptcpSocket::GetRcvBufSize() const
{
    return m_rcvBufSize;
}

void
MptcpSocket::SetSegSize(uint32_t size)
{
    m_segSize = size;
}

uint32_t
MptcpSocket::GetSegSize() const
{
    return m_segSize;
}

void
MptcpSocket::SetInitialSSThresh(uint32_t threshold)
{
    m_initialSsThresh = threshold;
}

uint32_t
MptcpSocket::GetInitialSSThresh() const
{
    return m_initialSsThresh;
}

void
MptcpSocket::SetInitialCwnd(uint32_t cwnd)
{
    m_initialCwnd = cwnd;
}

uint32_t
MptcpSocket::GetInitialCwnd() const
{
    return m_initialCwnd;
}

void
MptcpSocket::SetConnTimeout(Time timeout)
{
    m_connTimeout = timeout;
}

Time
MptcpSocket::GetConnTimeout() const
{
    return m_connTimeout;
}

void
MptcpSocket::SetSynRetries(uint32_t count)
{
    m_synRetries = count;
}

uint32_t
MptcpSocket::GetSynRetries() const
{
    return m_synRetries;
}

void
MptcpSocket::SetDataRetries(uint32_t retries)
{
    m_dataRetries = retries;
}

uint32_t
MptcpSocket::GetDataRetries() const
{
    return m_dataRetries;
}

void
MptcpSocket::SetDelAckTimeout(Time timeout)
{
    m_delAckTimeout = timeout;
}

Time
MptcpSocket::GetDelAckTimeout() const
{
    return m_delAckTimeout;
}

void
MptcpSocket::SetDelAckMaxCount(uint32_t count)
{
    m_delAckCount = count;
}

uint32_t
MptcpSocket::GetDelAckMaxCount() const
{
    return m_delAckCount;
}

void
MptcpSocket::SetTcpNoDelay(bool noDelay)
{
    m_noDelay = noDelay;
}

bool
MptcpSocket::GetTcpNoDelay() const
{
    return m_noDelay;
}

void
MptcpSocket::SetPersistTimeout(Time timeout)
{
    m_persistTimeout = timeout;
}

Time
MptcpSocket::GetPersistTimeout() const
{
    return m_persistTimeout;
}

} // namespace ns3
