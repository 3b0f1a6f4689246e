/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ns3::MptcpAttacker: the core's sans-IO attacker (mptcp.h, "Attacker")
 * placed in an ns-3 network. It watches a point-to-point link (on-path)
 * or nothing (off-path) and sends its forged segments, with their spoofed
 * IPv4 source, from a node of the network, as raw IP packets that no
 * socket of that node sent.
 */
#ifndef MPTCP_ATTACKER_H
#define MPTCP_ATTACKER_H

#include "mptcp/mptcp.h"

#include "ns3/event-id.h"
#include "ns3/ip-l4-protocol.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv6-header.h"
#include "ns3/ipv6-interface.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <string>
#include <map>
#include <unordered_set>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief IPv4 protocol 6 of an attacker's node: the TCP segments sent to
 *        one address of the node go to Handle(), everything else is
 *        refused (the node's own TCP, a router's, is replaced). The base
 *        of MptcpRelay and of the attacker's own endpoint
 *        (MptcpAttacker::ListenOn).
 */
class MptcpTcpHook : public IpL4Protocol
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpTcpHook();

    /**
     * \brief Become the node's IPv4 protocol 6, for segments to `addr`.
     * \param node the attacker's node (IPv4)
     * \param addr the node's address whose segments Handle() takes
     */
    void Hook(Ptr<Node> node, Ipv4Address addr);

    int GetProtocolNumber() const override;
    enum RxStatus Receive(Ptr<Packet> p,
                          const Ipv4Header& header,
                          Ptr<Ipv4Interface> incomingInterface) override;
    enum RxStatus Receive(Ptr<Packet> p,
                          const Ipv6Header& header,
                          Ptr<Ipv6Interface> incomingInterface) override;
    void SetDownTarget(IpL4Protocol::DownTargetCallback cb) override;
    void SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb) override;
    IpL4Protocol::DownTargetCallback GetDownTarget() const override;
    IpL4Protocol::DownTargetCallback6 GetDownTarget6() const override;

  protected:
    void DoDispose() override;

    /**
     * \brief A TCP segment (header and payload) sent to the address.
     * \param p the segment
     * \param header its IPv4 header
     * \return RX_OK when taken, RX_ENDPOINT_UNREACH otherwise
     */
    virtual enum RxStatus Handle(Ptr<Packet> p, const Ipv4Header& header) = 0;

    Ptr<Node> m_node;    //!< the node
    Ipv4Address m_addr;  //!< the address served

  private:
    IpL4Protocol::DownTargetCallback m_down;
    IpL4Protocol::DownTargetCallback6 m_down6;
};

/**
 * \ingroup mptcp
 * \brief An attacker of the threat model (doc/security.md) in an ns-3
 *        network.
 *
 * The attack and its parameters are attributes (their defaults are the
 * core's, mptcp_attack_config_default). Place it with
 * MptcpAttackerHelper, or by hand:
 *   - TapLink(a, b): on-path, it sees every IPv4 TCP segment that either
 *     end of the point-to-point link puts on the wire;
 *   - SetInjectionNode(n): its forgeries leave from node n, routed by n's
 *     IPv4 routing toward their destination (on-path: an end of the
 *     tapped link). A forgery for the node at either end of the tapped
 *     link is instead put on the wire where the link meets that node (it
 *     arrives at once, ahead of the packets queued or in flight on the
 *     link, as a tap spliced into the wire would deliver it);
 *   - SetTarget(victim, peer): off-path, the 4-tuple it is told (the
 *     blind-attack assumption: addresses known, ports guessable);
 *   - Start(): checks the configuration and arms the attacker; the core
 *     waits for the attack's start time itself.
 * The trace source "Forge" fires with each forged packet (its TCP header
 * and payload) as it leaves.
 */
class MptcpAttacker : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpAttacker();
    ~MptcpAttacker() override;

    /**
     * \brief Watch both devices of a point-to-point link (on-path).
     * \param a one end
     * \param b the other end
     */
    void TapLink(Ptr<NetDevice> a, Ptr<NetDevice> b);

    /**
     * \brief The node the forgeries leave from.
     * \param node a node with IPv4
     */
    void SetInjectionNode(Ptr<Node> node);

    /**
     * \brief Off-path: the subflow to attack.
     * \param victimAddr the victim's address
     * \param victimPort the victim's port
     * \param peerAddr the address the forgeries claim as source
     * \param peerPort the port they claim
     */
    void SetTarget(Ipv4Address victimAddr,
                   uint16_t victimPort,
                   Ipv4Address peerAddr,
                   uint16_t peerPort);

    /**
     * \brief Receive at the attacker's own address: the TCP segments sent
     *        to SpoofedSource on `node` go to the attacker (as observed
     *        segments), and no longer to the node's TCP. For
     *        "eavesdrop-join", whose subflow runs to that address.
     * \param node the node that has the SpoofedSource address
     */
    void ListenOn(Ptr<Node> node);

    /**
     * \brief Build the core's attacker from the attributes and arm it.
     * \param why set to a message naming the bad value on failure
     * \return true when the attacker runs
     */
    bool Start(std::string& why);

    /**
     * \brief What the attacker did and learnt (zeros before Start()).
     * \param st out
     */
    void GetStats(mptcp_attacker_stats& st) const;

    /**
     * \brief Forged packets that could not be routed from the injection node.
     * \return their number
     */
    uint64_t GetUnrouted() const;

    /**
     * \brief Assign a fixed random stream.
     * \param stream first stream index
     * \return streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

    /** Signature of the "Forge" trace source: a forged TCP segment. */
    typedef void (*ForgeTracedCallback)(Ptr<const Packet> segment,
                                        Ipv4Address src,
                                        Ipv4Address dst);

  protected:
    void DoDispose() override;

  private:
    static void RandBytes(uint8_t* dest, size_t len, void* user);
    void Observe(Ptr<const Packet> p);
    void ObserveTcp(Ptr<Packet> segment, const Ipv4Header& ih);
    void Drain();
    void Expire();
    void Send(const mptcp_segment& seg, const uint8_t* buf);
    bool DeliverAtLinkEnd(Ptr<Packet> p, const Ipv4Header& ih);

    // attributes
    std::string m_attack;
    bool m_onPath;
    std::string m_victim;
    Time m_start;
    uint32_t m_guesses;
    Time m_interval;
    uint32_t m_guessStep;
    bool m_useKeys;
    uint8_t m_addrId;
    int64_t m_dsnLead;
    uint16_t m_payloadLen;
    Ipv4Address m_spoofed;
    Ipv4Address m_announce;

    mptcp_attacker* m_core;
    Ptr<Node> m_inject;
    Ptr<UniformRandomVariable> m_rng;
    bool m_haveTarget;
    mptcp_addr m_victimAddr;
    mptcp_addr m_peerAddr;
    EventId m_timer;
    uint64_t m_timerAt;
    uint64_t m_unrouted;
    std::vector<uint8_t> m_buf;
    std::unordered_set<uint64_t> m_own; //!< uids of our forgeries on the tapped link
    std::vector<Ptr<NetDevice>> m_tapped; //!< the tapped link's two devices
    Ptr<MptcpTcpHook> m_endpoint;         //!< ListenOn(): the attacker's own address
    TracedCallback<Ptr<const Packet>, Ipv4Address, Ipv4Address> m_forgeTrace;
};

/**
 * \ingroup mptcp
 * \brief The man in the middle of threat A4: on the attacker's node it
 *        takes the TCP segments sent to the attacker's address (the one a
 *        forged ADD_ADDR announced) and relays them to the server, and the
 *        server's answers back, as a NAT would: addresses rewritten, the
 *        TCP checksum recomputed, every other byte (MPTCP options, HMACs,
 *        payload) unchanged, so the victim's join, whose HMACs do not
 *        cover addresses, succeeds through it.
 *
 * Install() registers it as the node's IPv4 protocol 6 (replacing the
 * node's own TCP: a router's). It counts the payload bytes it relays from
 * the clients to the server.
 */
class MptcpRelay : public MptcpTcpHook
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpRelay();

    /**
     * \brief Serve TCP on the node for the relay.
     * \param node the attacker's node (IPv4)
     * \param relayAddr the node's address that the ADD_ADDR announced
     * \param server where segments from the clients go
     */
    void Install(Ptr<Node> node, Ipv4Address relayAddr, Ipv4Address server);

    /** \return payload bytes relayed from the clients to the server */
    uint64_t GetBytesToServer() const;
    /** \return segments relayed, both ways */
    uint64_t GetSegments() const;

  protected:
    enum RxStatus Handle(Ptr<Packet> p, const Ipv4Header& header) override;

  private:
    Ipv4Address m_server;
    std::map<uint16_t, Ipv4Address> m_clients; //!< client port -> client address
    uint64_t m_bytesToServer;
    uint64_t m_segments;
    std::vector<uint8_t> m_buf;
};

} // namespace ns3

#endif /* MPTCP_ATTACKER_H */
