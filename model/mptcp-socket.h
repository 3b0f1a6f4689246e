/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * An MPTCP connection of the C core seen as an ns3::TcpSocket.
 */
#ifndef MPTCP_SOCKET_H
#define MPTCP_SOCKET_H

#include "ns3/address.h"
#include "ns3/inet-socket-address.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-subflow.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-state.h"
#include "ns3/tcp-socket.h"
#include "ns3/traced-callback.h"

#include "mptcp/mptcp.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief One MPTCP (or, with Mptcp=false, plain TCP) connection of the core
 *        behind the ns3::TcpSocket interface.
 *
 * Applications create it through ns3::MptcpSocketFactory and use it as any
 * TCP socket (BulkSendApplication, PacketSink, OnOffApplication work
 * unchanged). The TcpSocket attributes (SegmentSize, SndBufSize,
 * RcvBufSize, InitialCwnd, DelAckTimeout, DelAckCount, ConnCount,
 * DataRetries, TcpNoDelay: Nagle off, as ns-3's default) map to the
 * core's configuration; InitialSlowStartThreshold and PersistTimeout are
 * accepted only at their defaults (Connect and Listen stop the simulation
 * otherwise); the MPTCP ones
 * (CongestionControl, Scheduler, PathManager, Subflows, ...) are this
 * class's. The socket decides nothing about the protocol: every decision
 * is the core's. Algorithm names are checked against the core's registry
 * when set (an unknown one is refused, with the valid names on stderr);
 * Connect and Listen stop the simulation (NS_FATAL_ERROR) on any other
 * configuration the core refuses. Congestion control: CongestionControl
 * (default lia, RFC 6356) on MPTCP connections, TcpCongestionControl
 * (default cubic) on plain TCP ones when CongestionControl is coupled.
 * DelAckTimeout is ns3::TcpSocket's (ns-3 default 200 ms;
 * MptcpStackHelper::Install makes it 40 ms unless the program set it).
 *
 * Send() is all-or-nothing as in TcpSocketBase: a packet that does not fit
 * in the send buffer is refused (-1, ERROR_MSGSIZE) and the application
 * waits for the send callback.
 *
 * IPv4 and IPv6: Bind, Connect and Listen take InetSocketAddress or
 * Inet6SocketAddress; GetSockName, GetPeerName, RecvFrom and the accept
 * callbacks give back an address of the connection's family. A socket
 * bound to the any address (Bind(), Bind6(), or an any address with a
 * port) connects to a peer of either family, taking the peer's; one bound
 * to a given address only reaches peers of that address's family. A
 * listener serves one family: bound to 0.0.0.0 it accepts IPv4
 * connections to any local IPv4 address, bound to :: IPv6 connections to
 * any local IPv6 address (as Linux with IPV6_V6ONLY), so an IPv4 and an
 * IPv6 listener can share a port. A connection's subflows all stay in its
 * family (the core's path managers pair addresses of one family only).
 */
class MptcpSocket : public TcpSocket
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    /**
     * The names of the algorithms of one kind the core registers, "a, b, c"
     * (help strings and messages ask the registry, never a list of their own).
     * \param kind enum mptcp_algo_kind (MPTCP_ALGO_CC, _TCP_CC, _SCHED, _PM)
     * \param coupled for MPTCP_ALGO_CC: 1 the coupled ones only, 0 the
     *        uncoupled ones only, -1 all
     * \return the names, in registry order
     */
    static std::string AlgorithmNames(int kind, int coupled = -1);

    MptcpSocket();
    /**
     * \brief Copy the configuration of a listener (for accepted sockets).
     * \param sock the listener
     */
    MptcpSocket(const MptcpSocket& sock);
    ~MptcpSocket() override;

    /**
     * \brief Attach to a node's MPTCP transport.
     * \param node the node
     * \param l4 its MptcpL4Protocol
     */
    void SetNode(Ptr<Node> node, Ptr<MptcpL4Protocol> l4);

    // Socket
    enum SocketErrno GetErrno() const override;
    enum SocketType GetSocketType() const override;
    Ptr<Node> GetNode() const override;
    int Bind() override;
    int Bind6() override;
    int Bind(const Address& address) override;
    int Close() override;
    int ShutdownSend() override;
    int ShutdownRecv() override;
    int Connect(const Address& address) override;
    int Listen() override;
    uint32_t GetTxAvailable() const override;
    int Send(Ptr<Packet> p, uint32_t flags) override;
    int SendTo(Ptr<Packet> p, uint32_t flags, const Address& toAddress) override;
    uint32_t GetRxAvailable() const override;
    Ptr<Packet> Recv(uint32_t maxSize, uint32_t flags) override;
    Ptr<Packet> RecvFrom(uint32_t maxSize, uint32_t flags, Address& fromAddress) override;
    int GetSockName(Address& address) const override;
    int GetPeerName(Address& address) const override;
    bool SetAllowBroadcast(bool allowBroadcast) override;
    bool GetAllowBroadcast() const override;

    /** \return true while the connection runs MPTCP (not after fallback) */
    bool IsMptcp() const;
    /** \return true when MPTCP was asked for but the connection is plain TCP */
    bool FellBack() const;
    /**
     * \brief The MPTCP keys of the connection (kept after it closes).
     * \param local out: this end's key
     * \param remote out: the peer's key
     * \return false when the connection never ran MPTCP
     */
    bool GetKeys(uint64_t& local, uint64_t& remote) const;

    /** \return the number of subflows (closed ones included) */
    uint32_t GetSubflowCount() const;
    /**
     * \brief Make subflow \p i a backup or a regular subflow, here and at
     *        the peer (MP_PRIO; mptcp_conn_set_backup): schedulers send on
     *        a backup only when no regular subflow is available.
     * \return MPTCP_OK, or MPTCP_ERR_INVALID_ARGUMENT (no such subflow,
     *         no connection), MPTCP_ERR_STATE (not MPTCP, or the subflow
     *         is not established)
     */
    int SetSubflowBackup(uint32_t i, bool backup);
    /**
     * \brief Transport state of the connection (totals over subflows).
     * \param st out
     * \return false when the socket never had a connection
     */
    bool GetStats(mptcp_conn_stats& st) const;
    /**
     * \brief Transport state of one subflow, with its IPv4 addresses.
     * \param i subflow index (0: the initial one)
     * \param st out
     * \param local out (may be null; 0.0.0.0 and the port for an IPv6
     *        subflow: use the Address overload)
     * \param remote out (may be null; as \p local)
     * \return false for an index out of range
     */
    bool GetSubflowStats(uint32_t i,
                         mptcp_conn_stats& st,
                         InetSocketAddress* local,
                         InetSocketAddress* remote) const;
    /**
     * \brief Transport state of one subflow, with its addresses of either
     *        family.
     * \param i subflow index (0: the initial one)
     * \param st out
     * \param local out: an InetSocketAddress or an Inet6SocketAddress
     * \param remote out: as \p local
     * \return false for an index out of range
     */
    bool GetSubflowStats(uint32_t i, mptcp_conn_stats& st, Address& local, Address& remote) const;

    /** One subflow: its transport state, addresses and outgoing interface. */
    struct SubflowInfo
    {
        mptcp_conn_stats stats{}; //!< transport state
        Address local;            //!< InetSocketAddress or Inet6SocketAddress
        Address remote;           //!< as local
        /** ns-3 interface index (Ipv4, or Ipv6 for an IPv6 subflow) by which
         *  its last segment left; -1 when it sent none */
        int32_t interface = -1;
        Ptr<NetDevice> device; //!< that interface's device (null with -1)
    };

    /**
     * \brief Transport state, addresses and outgoing interface of one
     *        subflow (kept after the connection is freed).
     * \param i subflow index (0: the initial one)
     * \param info out
     * \return false for an index out of range
     */
    bool GetSubflowStats(uint32_t i, SubflowInfo& info) const;

    /**
     * \brief Fill a core configuration from this socket's attributes.
     * \param cfg out
     */
    void BuildConfig(mptcp_config& cfg) const;

    /**
     * \brief Check the attributes against the core (unknown algorithm names,
     *        values out of range).
     * \param why out: a message naming the bad attribute
     * \return true when the configuration is valid
     */
    bool CheckConfig(std::string& why) const;

    /**
     * \brief Adopt a connection accepted by this socket's listener.
     * \param conn the core connection
     * \return the new socket
     */
    Ptr<MptcpSocket> Fork(mptcp_conn* conn);

    /** \name Core callbacks (called by MptcpL4Protocol)
     *  @{ */
    void CoreConnected();
    void CoreReadable();
    void CoreWritable();
    void CoreClosed(int reason);
    /** @} */

    /**
     * \brief Free the core connection, keeping its last statistics.
     *        Called by the L4 once the closed callback has returned, and
     *        when the node goes away (\p stackGone: the core is freed).
     * \param stackGone true when the core stack is being deleted
     */
    void Release(bool stackGone);

    /**
     * \brief Fire the per-subflow trace sources whose value changed.
     */
    void SampleTraces();

    /** \return whether the Tx or Rx trace source has a sink (the L4 then
     *          hands each segment of this connection to NotifySegment) */
    bool TracesSegments() const;

    /**
     * \brief Fire Tx or Rx with a segment of this connection (any subflow).
     * \param sent true: a segment sent (Tx); false: one received (Rx)
     * \param payload the payload, without the TCP header
     * \param header the TCP header's wire bytes (options included)
     * \param headerLen their length
     */
    void NotifySegment(bool sent, Ptr<const Packet> payload, const uint8_t* header, uint32_t headerLen);

    /** TracedCallback signature of Tx and Rx, as TcpSocketBase's but with
     *  this socket. */
    typedef void (*TxRxTracedCallback)(Ptr<const Packet> packet,
                                       const TcpHeader& header,
                                       Ptr<const MptcpSocket> socket);

    /** TracedCallback signature of per-subflow values. */
    typedef void (*SubflowTracedCallback)(uint32_t subflow, uint64_t oldValue, uint64_t newValue);
    /** TracedCallback signature of counters and connection values. */
    typedef void (*ValueTracedCallback)(uint64_t oldValue, uint64_t newValue);

  private:
    // TcpSocket attributes
    void SetSndBufSize(uint32_t size) override;
    uint32_t GetSndBufSize() const override;
    void SetRcvBufSize(uint32_t size) override;
    uint32_t GetRcvBufSize() const override;
    void SetSegSize(uint32_t size) override;
    uint32_t GetSegSize() const override;
    void SetInitialSSThresh(uint32_t threshold) override;
    uint32_t GetInitialSSThresh() const override;
    void SetInitialCwnd(uint32_t cwnd) override;
    uint32_t GetInitialCwnd() const override;
    void SetConnTimeout(Time timeout) override;
    Time GetConnTimeout() const override;
    void SetSynRetries(uint32_t count) override;
    uint32_t GetSynRetries() const override;
    void SetDataRetries(uint32_t retries) override;
    uint32_t GetDataRetries() const override;
    void SetDelAckTimeout(Time timeout) override;
    Time GetDelAckTimeout() const override;
    void SetDelAckMaxCount(uint32_t count) override;
    uint32_t GetDelAckMaxCount() const override;
    void SetTcpNoDelay(bool noDelay) override;
    bool GetTcpNoDelay() const override;
    void SetPersistTimeout(Time timeout) override;
    Time GetPersistTimeout() const override;

    void DoDispose() override;
    void CheckPeerClose();
    void NoteMptcp();

    Ptr<Node> m_node;          //!< the node
    Ptr<MptcpL4Protocol> m_l4; //!< the node's MPTCP transport
    mptcp_conn* m_conn;        //!< the core connection (null before/after)
    mutable enum SocketErrno m_errno; //!< last error
    bool m_bound;              //!< Bind called
    bool m_listening;          //!< Listen called
    bool m_shutdownSend;       //!< ShutdownSend or Close called
    bool m_shutdownRecv;       //!< ShutdownRecv called
    bool m_closeNotified;      //!< the application heard of the close
    bool m_peerClosed;         //!< the peer's FIN was read
    bool m_hadConn;            //!< a connection existed
    bool m_wasMptcp;           //!< the connection ran MPTCP at some point
    mptcp_addr m_local;        //!< bound (then connected) address and port, with its family
    mptcp_addr m_peer;         //!< remote endpoint (family 4 or 6)
    uint64_t m_lastSndBuffered; //!< for NotifyDataSent
    uint64_t m_keyLocal;       //!< MPTCP key of this end (0: none yet)
    uint64_t m_keyRemote;      //!< MPTCP key of the peer

    // Configuration (attributes)
    uint32_t m_sndBufSize;     //!< SndBufSize
    uint32_t m_rcvBufSize;     //!< RcvBufSize
    uint32_t m_segSize;        //!< SegmentSize (payload per segment)
    uint32_t m_initialSsThresh; //!< InitialSlowStartThreshold (only the default accepted)
    uint32_t m_initialCwnd;    //!< InitialCwnd (segments)
    Time m_connTimeout;        //!< ConnTimeout: initial RTO
    uint32_t m_synRetries;     //!< ConnCount
    uint32_t m_dataRetries;    //!< DataRetries
    Time m_delAckTimeout;      //!< DelAckTimeout
    uint32_t m_delAckCount;    //!< DelAckCount
    bool m_noDelay;            //!< TcpNoDelay: Nagle off (mptcp_config.nodelay)
    Time m_persistTimeout;     //!< PersistTimeout (only the default accepted; the core backs off from the RTO)
    bool m_mptcp;              //!< Mptcp
    std::string m_cc;          //!< CongestionControl
    std::string m_tcpCc;       //!< TcpCongestionControl
    std::string m_scheduler;   //!< Scheduler
    std::string m_pm;          //!< PathManager
    uint32_t m_subflows;       //!< Subflows (ndiffports)
    uint32_t m_maxSubflows;    //!< MaxSubflows
    uint32_t m_maxHalfOpen;    //!< MaxHalfOpenJoins
    uint32_t m_listenBacklog;  //!< ListenBacklog
    Time m_joinRetry;          //!< JoinRetry
    bool m_dssChecksum;        //!< DssChecksum
    bool m_sack;               //!< Sack
    bool m_timestamps;         //!< Timestamp
    bool m_windowScaling;      //!< WindowScaling
    Time m_minRto;             //!< MinRto
    Time m_maxRto;             //!< MaxRto
    Time m_clockGranularity;   //!< ClockGranularity
    Time m_timeWait;           //!< TimeWait
    uint32_t m_dupThresh;      //!< ReTxThreshold
    bool m_opportunistic;      //!< OpportunisticRetransmission
    uint32_t m_coupledMinSsthresh; //!< CoupledMinSsthresh
    bool m_cubicFriendliness;  //!< CubicTcpFriendliness
    bool m_cubicHyStart;       //!< CubicHyStart
    bool m_addAddrHmacCheck;   //!< AddAddrHmacCheck
    bool m_enforceConnWindow;  //!< EnforceConnWindow
    bool m_enforceLimits;      //!< EnforceLimits
    bool m_fastcloseKeyCheck;  //!< FastcloseKeyCheck
    bool m_removeAddrProbe;    //!< RemoveAddrProbe
    bool m_overlapCheck;       //!< OverlapCheck
    bool m_overlapReset;       //!< OverlapReset
    bool m_rstSeqCheck;        //!< RstSeqCheck
    bool m_optAckCheck;        //!< OptionAckCheck
    bool m_synCookies;         //!< SynCookies
    uint32_t m_maxOfoRanges;   //!< MaxOfoRanges

    // Statistics kept after the connection is freed
    mptcp_conn_stats m_finalStats;                //!< connection totals
    std::vector<mptcp_conn_stats> m_finalSubflows; //!< per subflow
    std::vector<std::pair<mptcp_addr, mptcp_addr>> m_finalAddrs; //!< per subflow (local, remote)
    std::vector<int32_t> m_finalInterfaces; //!< per subflow: last outgoing interface

    // Trace sources
    std::vector<Ptr<MptcpSubflow>> m_subflowObjects; //!< SubflowList: one per subflow
    std::vector<mptcp_conn_stats> m_traced; //!< last values reported
    TracedCallback<uint32_t, uint32_t> m_cwndTotalTrace;          //!< CongestionWindow (sum)
    uint32_t m_tracedCwndTotal = 0;                               //!< last CongestionWindow fired
    TracedCallback<uint32_t, uint32_t> m_ssthreshTotalTrace;      //!< SlowStartThreshold (sum)
    uint32_t m_tracedSsthreshTotal = 0;                           //!< last SlowStartThreshold fired
    TracedCallback<Time, Time> m_rttMinTrace;                     //!< RTT (lowest smoothed)
    Time m_tracedRttMin;                                          //!< last RTT fired
    TracedCallback<uint32_t, uint64_t, uint64_t> m_cwndTrace;     //!< SubflowCwnd
    TracedCallback<uint32_t, uint64_t, uint64_t> m_ssthreshTrace; //!< SubflowSsThresh
    TracedCallback<uint32_t, uint64_t, uint64_t> m_srttTrace;     //!< SubflowRtt (ns)
    TracedCallback<uint32_t, uint64_t, uint64_t> m_inflightTrace; //!< SubflowBytesInFlight
    TracedCallback<uint32_t, uint64_t, uint64_t> m_stateTrace;    //!< SubflowState
    TracedCallback<uint32_t, uint64_t, uint64_t> m_caStateTrace;  //!< SubflowCongState
    TracedCallback<Ptr<const Packet>, const TcpHeader&, Ptr<const MptcpSocket>>
        m_segTxTrace; //!< Tx: segments sent, every subflow
    TracedCallback<Ptr<const Packet>, const TcpHeader&, Ptr<const MptcpSocket>>
        m_segRxTrace; //!< Rx: segments received, every subflow
    /** CongState: the connection's congestion state */
    TracedCallback<TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t>
        m_congStateTrace;
    TcpSocketState::TcpCongState_t m_tracedCongState = TcpSocketState::CA_OPEN; //!< last fired
    TracedCallback<uint64_t, uint64_t> m_dataSentTrace;   //!< DataSent (connection bytes queued and sent)
    TracedCallback<uint64_t, uint64_t> m_dataAckedTrace;  //!< DataAcked
    TracedCallback<uint64_t, uint64_t> m_rcvBufTrace;     //!< RcvBuffered
    TracedCallback<uint64_t, uint64_t> m_oooTrace;        //!< OutOfOrderBytes
    TracedCallback<uint64_t, uint64_t> m_reinjectTrace;   //!< Reinjections (node counter)
    mptcp_conn_stats m_tracedConn;                        //!< last connection values
    uint64_t m_tracedReinject;                            //!< last reinjection count
};

} // namespace ns3

#endif /* MPTCP_SOCKET_H */
