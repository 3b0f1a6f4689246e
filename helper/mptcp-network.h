/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_NETWORK_H
#define MPTCP_NETWORK_H

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/error-model.h"
#include "ns3/queue-disc.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief The queue discipline of one link, every parameter settable.
 *
 * "droptail" (ns3::FifoQueueDisc), "red" (ns3::RedQueueDisc), "fqcodel"
 * (ns3::FqCoDelQueueDisc: a queue per five-tuple) or "fqcodel-host"
 * (FqCoDel with MptcpHostPacketFilter: a queue per source host), limited
 * to `packets` packets. RED works on packets (its thresholds are in
 * packets, its average queue is an EWMA of weight `qW`); the drop
 * probability rises linearly from 0 at `minTh` to `maxP` at `maxTh`,
 * then, with `gentle`, from `maxP` to 1 at 2 `maxTh` (without: 1 above
 * `maxTh`). RED is also told the link's rate and delay and the mean
 * packet size (`meanPacket`), for its idle-time estimate. The same
 * discipline is installed at both ends of the link, each direction with
 * its own queue.
 */
struct MptcpQueueSpec
{
    std::string disc = "droptail"; //!< droptail | red | fqcodel | fqcodel-host
    uint32_t packets = 100;        //!< limit in packets
    double minTh = 5;              //!< RED: minimum threshold (packets)
    double maxTh = 15;             //!< RED: maximum threshold (packets)
    double maxP = 0.02;            //!< RED: drop probability at maxTh (0..1]
    bool gentle = true;            //!< RED: gentle mode
    double qW = 0.002;             //!< RED: weight of the average queue (0..1]
    uint32_t meanPacket = 1500;    //!< RED: mean packet size in bytes

    /**
     * \brief Check the values.
     * \param why set to a message naming the bad value when one is bad
     * \return true when the spec can be installed
     */
    bool Check(std::string& why) const;

    /**
     * \brief RED's drop probability at an average queue of `avg` packets
     *        (the profile above; 0 for disciplines other than RED).
     * \param avg average queue in packets
     * \return the probability
     */
    double RedProbability(double avg) const;
};

/**
 * \ingroup mptcp
 * \brief One point-to-point link: rate, one-way delay, queue discipline.
 *        The device queue holds one packet, so the buffering is the
 *        queue discipline's.
 */
struct MptcpLinkSpec
{
    std::string rate = "1Gbps";    //!< ns-3 DataRate string
    Time delay = MilliSeconds(1);  //!< one-way propagation delay
    MptcpQueueSpec queue;          //!< queue discipline, both ends
    /** Random loss: each packet arriving at either end is dropped with
     *  this probability (ns3::RateErrorModel per packet, its stream from
     *  AssignStreams), 0..1. */
    double loss = 0;

    /**
     * \brief Check the values.
     * \param why set to a message naming the bad value when one is bad
     * \return true when the link can be built
     */
    bool Check(std::string& why) const;
};

/**
 * \ingroup mptcp
 * \brief Builds any network of named nodes and point-to-point links:
 *        many hosts per access network, several access networks per host,
 *        a queue discipline per link, and routes pinned per interface.
 *
 * Nodes and links are declared first (AddNode, AddLink), then Build()
 * creates them, installs the internet stack, the queue disciplines,
 * addresses and global routing. Link k (from 0) is the subnet
 * 10.(1 + k / 256).(k % 256).0/24, its first node .1, its second .2; so
 * every interface of a multi-homed host has its own address, and global
 * routing reaches each address over its own link. For the other
 * direction (a multi-homed host sending from one of its addresses),
 * PinHostRoutes() gives each of the host's interfaces its own static
 * route to a destination (MptcpStackHelper::PinRoute). Global routing
 * counts hops: a multi-homed host's address on one link is as near
 * through its other links, so routers may reach it the wrong way;
 * PinPath() fixes the path to such an address, hop by hop.
 * \code
 *   MptcpNetworkHelper net;
 *   uint32_t server = net.AddNode("server"), core = net.AddNode("core");
 *   uint32_t ap1 = net.AddNode("ap1"), user = net.AddNode("user");
 *   net.AddLink(server, core, fast);
 *   net.AddLink(core, ap1, bottleneck);   // RED, thresholds set
 *   uint32_t l = net.AddLink(ap1, user, access);
 *   net.Build();
 *   Ipv4Address userAddr = net.GetAddress(l, 1);
 * \endcode
 * Build() does not install MPTCP: call MptcpStackHelper on the nodes that
 * should have it.
 */
class MptcpNetworkHelper
{
  public:
    MptcpNetworkHelper();

    /**
     * \brief Declare a node.
     * \param name its name (unique, not empty; also its ns-3 Names entry
     *        is not set, so several networks may use the same names)
     * \return its index, from 0 in the order of the calls
     */
    uint32_t AddNode(const std::string& name);

    /**
     * \brief Declare a link between two declared nodes.
     * \param a first node (address .1)
     * \param b second node (address .2)
     * \param spec rate, delay, queue discipline
     * \return its index, from 0 in the order of the calls
     */
    uint32_t AddLink(uint32_t a, uint32_t b, const MptcpLinkSpec& spec);

    /**
     * \brief Check the declarations: every link's spec, its ends declared
     *        and distinct, names unique, at most 65,024 links, and every
     *        node reachable from node 0 (a disconnected network is an
     *        error, naming a node that cannot be reached).
     * \param why set to a message naming the problem
     * \return true when Build() can run
     */
    bool Check(std::string& why) const;

    /**
     * \brief Create the nodes, links, queue disciplines, addresses and
     *        global routes. Aborts with the message of Check() on a bad
     *        network, and when called twice.
     */
    void Build();

    /** \return the number of nodes declared */
    uint32_t GetNNodes() const;
    /** \return the number of links declared */
    uint32_t GetNLinks() const;
    /**
     * \param name a node's name
     * \return its index, or -1 when no node has it
     */
    int32_t FindNode(const std::string& name) const;
    /**
     * \param node index
     * \return its name
     */
    std::string GetName(uint32_t node) const;
    /**
     * \param node index
     * \return the node (after Build)
     */
    Ptr<Node> GetNode(uint32_t node) const;
    /** \return every node, in index order (after Build) */
    NodeContainer GetNodes() const;
    /**
     * \param link index
     * \param side 0: its first node's end, 1: its second's
     * \return that end's address (after Build)
     */
    Ipv4Address GetAddress(uint32_t link, uint32_t side) const;
    /**
     * \param link index
     * \return the devices of its first (Get(0)) and second (Get(1)) node
     */
    NetDeviceContainer GetDevices(uint32_t link) const;
    /**
     * \param link index
     * \param side 0: the queue of traffic its first node sends, 1: its
     *        second node's
     * \return the queue discipline at that end
     */
    Ptr<QueueDisc> GetQueueDisc(uint32_t link, uint32_t side) const;
    /**
     * \param link index
     * \return its spec
     */
    const MptcpLinkSpec& GetLinkSpec(uint32_t link) const;
    /**
     * \brief The nodes a link joins (before Build() too: the description,
     *        for another engine to build).
     * \param link index
     * \return its first and second node
     */
    std::pair<uint32_t, uint32_t> GetLinkEnds(uint32_t link) const;

    /**
     * \brief On a host with several links, pin for each of them a route to
     *        `destination` (a host route) out of that link, via the
     *        link's other end: a subflow from the host's address on link
     *        k leaves by link k whatever global routing chose. Call after
     *        Build() (and after Ipv4GlobalRoutingHelper populated the
     *        tables, which Build() does).
     * \param node the host
     * \param destination the address to reach
     */
    void PinHostRoutes(uint32_t node, Ipv4Address destination) const;

    /**
     * \brief Pin a path: at each node of `nodes` but the last, a host
     *        route to `destination` out of the link to the next node.
     *        Global routing keeps one shortest path per destination; where
     *        several are equally short (an address of a multi-homed host is
     *        as close through each of its links), the path a scenario
     *        means is pinned this way. Consecutive nodes must share a link
     *        (aborts otherwise). Call after Build().
     * \param nodes the path, first node to last
     * \param destination the address (normally on the last node)
     */
    void PinPath(const std::vector<uint32_t>& nodes, Ipv4Address destination) const;

    /**
     * \brief Route by flow-hash ECMP: on every node, an
     *        MptcpFlowEcmpRouting whose group for each link's network holds
     *        every neighbour on a shortest path (by hop count) to that link,
     *        installed above static and global routing. A flow keeps one
     *        path; flows, and the subflows of an MPTCP connection, spread
     *        over the equal-cost ones (a FatTree's). Call after Build().
     */
    void InstallFlowEcmpRouting() const;

    /**
     * \brief Fix the random streams of the links' loss models.
     * \param stream first stream number
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    /** Aborts unless Build() has run. */
    void AssertBuilt() const;

    /** One declared link. */
    struct Link
    {
        uint32_t a;           //!< first node
        uint32_t b;           //!< second node
        MptcpLinkSpec spec;   //!< its spec
    };

    std::vector<std::string> m_names;             //!< node names
    std::vector<Link> m_links;                    //!< declared links
    bool m_built;                                 //!< Build() has run
    NodeContainer m_nodes;                        //!< the nodes
    std::vector<NetDeviceContainer> m_devices;    //!< per link
    std::vector<Ipv4Address> m_addresses;         //!< per link, 2 each
    std::vector<Ptr<QueueDisc>> m_queueDiscs;     //!< per link, 2 each
    std::vector<Ptr<ErrorModel>> m_errorModels;   //!< the lossy links' models
};

} // namespace ns3

#endif /* MPTCP_NETWORK_H */
