/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The MPTCP transport of a node: serves IP protocol 6 (over IPv4 and, where
 * the node has it, IPv6) with the C core and passes every segment that none
 * of its endpoints owns on to ns-3's own TcpL4Protocol, so ns-3 TCP sockets
 * and MPTCP sockets share one node.
 */
#ifndef MPTCP_L4_PROTOCOL_H
#define MPTCP_L4_PROTOCOL_H

#include "ns3/event-id.h"
#include "ns3/ip-l4-protocol.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv6-address.h"
#include "ns3/ipv6-interface.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traced-callback.h"

#include "mptcp/mptcp.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class MptcpSocket;

/**
 * \ingroup mptcp
 * \brief IP protocol 6 on an MPTCP host, over the sans-IO core.
 *
 * MptcpStackHelper aggregates it to a node that already has the internet
 * stack. It then inserts itself into Ipv4L3Protocol as protocol 6 and
 * keeps ns-3's TcpL4Protocol behind it: a received segment goes to the
 * core when mptcp_stack_owns() says it is the core's (one of its
 * connections, a SYN for one of its listeners, an MP_JOIN SYN), otherwise
 * to ns-3's TCP with the same arguments. Nothing of ns-3 is patched.
 *
 * IPv6 is served the same way: when the node has Ipv6L3Protocol (whether
 * it was aggregated before or after this object) the transport inserts
 * itself there as protocol 6 too, sends through Ipv6::Send and hands
 * IPv6 segments that are not the core's to ns-3's TCP. The core gets the
 * node's global IPv6 addresses (not ::1, not link-local fe80::/10) along
 * with the IPv4 ones; its path managers only pair addresses of a
 * connection's own family. The Tx and Rx trace sources carry IPv4
 * segments, Tx6 and Rx6 IPv6 ones. ICMP (v4 and v6) goes to ns-3's TCP.
 *
 * The core is driven the sans-IO way: simulator time goes in as
 * nanoseconds, segments come out of mptcp_stack_write() after every call
 * into the core, and one EventId tracks mptcp_stack_get_expiry().
 * Randomness (keys, nonces, ISNs, ephemeral ports) comes from a
 * UniformRandomVariable, so --RngRun changes them; memory goes through
 * hooks that count this node's bytes.
 */
class MptcpL4Protocol : public IpL4Protocol
{
  public:
    /** IP protocol number served (TCP). */
    static const uint8_t PROT_NUMBER = 6;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpL4Protocol();
    ~MptcpL4Protocol() override;

    /**
     * \brief Create an MPTCP socket (an ns3::TcpSocket) on this node, with
     *        the attributes of the socket factory (see SetSocketAttribute).
     * \return the socket
     */
    Ptr<Socket> CreateSocket();

    /**
     * \brief Set an attribute on every socket this node creates from now.
     * \param name attribute name of ns3::MptcpSocket
     * \param value its value
     */
    void SetSocketAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Use fixed random-stream numbers (see ns-3's AssignStreams).
     * \param stream first stream number
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

    // IpL4Protocol
    int GetProtocolNumber() const override;
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv4Header& header,
                                        Ptr<Ipv4Interface> incomingInterface) override;
    enum IpL4Protocol::RxStatus Receive(Ptr<Packet> p,
                                        const Ipv6Header& header,
                                        Ptr<Ipv6Interface> incomingInterface) override;
    void ReceiveIcmp(Ipv4Address icmpSource,
                     uint8_t icmpTtl,
                     uint8_t icmpType,
                     uint8_t icmpCode,
                     uint32_t icmpInfo,
                     Ipv4Address payloadSource,
                     Ipv4Address payloadDestination,
                     const uint8_t payload[8]) override;
    void ReceiveIcmp(Ipv6Address icmpSource,
                     uint8_t icmpTtl,
                     uint8_t icmpType,
                     uint8_t icmpCode,
                     uint32_t icmpInfo,
                     Ipv6Address payloadSource,
                     Ipv6Address payloadDestination,
                     const uint8_t payload[8]) override;
    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override;
    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override;
    IpL4Protocol::DownTargetCallback GetDownTarget() const override;
    IpL4Protocol::DownTargetCallback6 GetDownTarget6() const override;

    /**
     * \brief The core stack of this node, created on first use.
     * \return the stack (never null once the node has IPv4)
     */
    mptcp_stack* GetStack();

    /**
     * \brief Value of a core counter (enum mptcp_mib) on this node.
     * \param id counter id
     * \return its value (0 before the stack exists)
     */
    uint64_t GetCounter(int id) const;

    /**
     * \brief The core's randomness hook (mptcp_rand_fn) over an ns-3
     *        random stream: each 32-bit draw gives four bytes, low first.
     * \param rng the stream
     * \param dest where the bytes go
     * \param len how many
     */
    static void FillRandom(Ptr<UniformRandomVariable> rng, uint8_t* dest, size_t len);

    /** \return bytes the core holds on this node now */
    uint64_t GetMemoryUsed() const;
    /** \return the most bytes the core held on this node at once */
    uint64_t GetMemoryPeak() const;
    /** \return the value of the VirtualPayload attribute */
    bool IsVirtualPayload() const
    {
        return m_virtualPayload;
    }

    /** \return segments dropped because no route led to their destination */
    uint64_t GetNoRouteDrops() const
    {
        return m_noRoute;
    }

    /**
     * \brief The interface a subflow's segments leave by.
     * \param local the subflow's local address and port
     * \param remote its remote address and port
     * \return the ns-3 interface index (Ipv4 or Ipv6, by the family) of
     *         the route of its last segment sent; -1 when none was sent
     */
    int32_t GetOutInterface(const mptcp_addr& local, const mptcp_addr& remote) const;

    /**
     * \brief Drop what GetOutInterface() knows of a subflow (its socket
     *        keeps its own copy once the connection is freed).
     * \param local the subflow's local address and port
     * \param remote its remote address and port
     */
    void ForgetOutInterface(const mptcp_addr& local, const mptcp_addr& remote);

    /** \return the node */
    Ptr<Node> GetNode() const;

    /**
     * \brief Current simulator time in the core's unit (ns).
     * \return nanoseconds since the start of the simulation
     */
    static uint64_t Now();

    /**
     * \brief Declare every IPv4 address and every global IPv6 address of
     *        the node to the core (for the fullmesh path manager and
     *        address ids). Idempotent.
     */
    void SyncAddresses();

    /**
     * \brief Withdraw one of the node's IPv4 addresses from MPTCP
     *        (mptcp_stack_remove_address): every MPTCP connection sends
     *        REMOVE_ADDR and resets its subflows from it, their data going
     *        again on the others; later connections do not use it, and
     *        SyncAddresses no longer declares it.
     * \param a the address
     * \return MPTCP_OK or the core's negative error code
     */
    int RemoveLocalAddress(Ipv4Address a);
    /**
     * \brief Declare an IPv4 address to MPTCP again, or for the first time
     *        (mptcp_stack_add_address): the fullmesh path manager and the
     *        side that accepts connections use it from then on.
     * \param a the address
     * \return MPTCP_OK or the core's negative error code
     */
    int AddLocalAddress(Ipv4Address a);

    /**
     * \brief Source address to reach \p dst, by route lookup.
     * \param dst destination
     * \param src out: the source address
     * \return true when a route exists
     */
    bool SelectSource(Ipv4Address dst, Ipv4Address& src);

    /**
     * \brief Source address to reach \p dst, by IPv6 route lookup.
     * \param dst destination
     * \param src out: the source address
     * \return true when the node has IPv6 and a route exists
     */
    bool SelectSource(Ipv6Address dst, Ipv6Address& src);

    /** \return true when this transport serves IPv6 on its node */
    bool HasIpv6();

    /**
     * \brief Brackets every call into the core: the outermost Leave()
     *        sends what the core has to send and re-arms the timer.
     */
    void Enter();
    /** \copydoc Enter */
    void Leave();

    /**
     * \brief Remember a socket for the node's lifetime of its connection.
     * \param socket the socket
     */
    void AddSocket(Ptr<MptcpSocket> socket);
    /**
     * \brief Forget a socket (its connection is over).
     * \param socket the socket
     */
    void RemoveSocket(Ptr<MptcpSocket> socket);

    /**
     * \brief Register a listening socket: it gets the connections the
     *        core accepts for \p local (as given to mptcp_stack_listen).
     * \param local listening address (family 4 or 6; all-zero address:
     *        any address of that family; family 0: any address)
     * \param socket listener
     */
    void AddListener(const mptcp_addr& local, Ptr<MptcpSocket> socket);
    /**
     * \brief Drop the listener of exactly \p local.
     * \param local listening address as given to AddListener
     */
    void RemoveListener(const mptcp_addr& local);

    /**
     * \brief A core connection accepted by a listener (core callback).
     * \param conn the connection
     */
    void Accepted(mptcp_conn* conn);

    /** TracedCallback signature for segments going down or up. */
    typedef void (*SegmentTracedCallback)(Ptr<const Packet> packet,
                                          Ipv4Address src,
                                          Ipv4Address dst);
    /** TracedCallback signature for IPv6 segments going down or up. */
    typedef void (*Segment6TracedCallback)(Ptr<const Packet> packet,
                                           Ipv6Address src,
                                           Ipv6Address dst);

  protected:
    void DoDispose() override;
    void NotifyNewAggregate() override;

  private:
    void CreateStack();
    void AttachIpv6();
    void Flush();
    void SendSegment(const mptcp_segment& seg, const uint8_t* buf);
    void SendSegment4(Ptr<Packet> p, const mptcp_segment& seg);
    void SendSegment6(Ptr<Packet> p, const mptcp_segment& seg);
    uint32_t Peek(Ptr<Packet> p);
    void Deliver(Ptr<Packet> p, uint32_t head, const mptcp_addr& src, const mptcp_addr& dst);
    /**
     * \brief Receive for either IP version: a segment the core owns goes to
     *        it (after `rxTrace`), any other to ns-3's TCP when installed.
     */
    template <typename IpHeader, typename IpInterface, typename RxTrace>
    enum IpL4Protocol::RxStatus ReceiveAny(Ptr<Packet> p,
                                           const IpHeader& header,
                                           Ptr<IpInterface> incomingInterface,
                                           const RxTrace& rxTrace);
    void ArmTimer();
    void Expire();

    static void* MemAlloc(size_t size, void* user);
    static void MemFree(void* ptr, size_t size, void* user);
    static void RandBytes(uint8_t* dest, size_t len, void* user);

    Ptr<Node> m_node;               //!< the node
    Ptr<TcpL4Protocol> m_tcp;       //!< ns-3's TCP, for segments not ours
    mptcp_stack* m_stack;           //!< the core
    mptcp_mem m_mem;                //!< memory hooks over this object
    ObjectFactory m_socketFactory;  //!< creates MptcpSocket
    Ptr<UniformRandomVariable> m_rng; //!< the random hook's source
    IpL4Protocol::DownTargetCallback m_downTarget;   //!< IPv4 send
    IpL4Protocol::DownTargetCallback6 m_downTarget6; //!< IPv6 send
    EventId m_timer;                //!< the core's next expiry
    uint64_t m_timerAt;             //!< when m_timer fires (ns)
    uint32_t m_depth;               //!< nesting of Enter/Leave
    bool m_flushing;                //!< inside Flush
    bool m_virtualPayload;          //!< attribute VirtualPayload
    uint64_t m_memCap;              //!< attribute MemoryCap
    uint64_t m_memUsed;             //!< bytes held by the core
    uint64_t m_memPeak;             //!< most bytes held at once
    uint64_t m_noRoute;             //!< segments dropped for lack of a route
    std::map<std::string, int32_t> m_outInterface; //!< by 4-tuple (TupleKey): last out interface
    std::vector<Ipv4Address> m_declared; //!< IPv4 addresses given to the core
    std::vector<Ipv6Address> m_declared6; //!< IPv6 addresses given to the core
    std::vector<Ipv4Address> m_withdrawn; //!< IPv4 addresses removed by RemoveLocalAddress
    std::vector<Ptr<MptcpSocket>> m_sockets; //!< sockets with a connection
    std::vector<std::pair<mptcp_addr, Ptr<MptcpSocket>>> m_listeners; //!< by listening address
    std::vector<mptcp_conn*> m_orphans; //!< refused connections to free
    std::vector<uint8_t> m_buf;     //!< scratch for segments
    TracedCallback<Ptr<const Packet>, Ipv4Address, Ipv4Address> m_txTrace; //!< Tx
    TracedCallback<Ptr<const Packet>, Ipv4Address, Ipv4Address> m_rxTrace; //!< Rx
    TracedCallback<Ptr<const Packet>, Ipv6Address, Ipv6Address> m_tx6Trace; //!< Tx6
    TracedCallback<Ptr<const Packet>, Ipv6Address, Ipv6Address> m_rx6Trace; //!< Rx6
};

} // namespace ns3

// MptcpSocket, which this header hands out, complete for its users. The
// two headers include each other; the guards make either order work.
#include "ns3/mptcp-socket.h"

#endif /* MPTCP_L4_PROTOCOL_H */
