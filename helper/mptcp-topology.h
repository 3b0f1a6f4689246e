/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_TOPOLOGY_H
#define MPTCP_TOPOLOGY_H

#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Bits per second of a rate string such as "10Mbps", with ns-3's
 *        meaning of the units ("Bps" bytes, "bps" bits; k/K 1000, Ki 1024,
 *        ...): the core's mptcp_rate_parse(), which mptcp-loopback uses too.
 * \param s the string
 * \return the rate, or -1 when the string is not a number followed by a
 *         unit ns-3's DataRate knows (or a bare integer of bit/s), or is
 *         below 1 bit/s or above 10 Tbit/s
 */
double MptcpRateBps(const std::string& s);

/**
 * \ingroup mptcp
 * \brief One bottleneck link: a point-to-point link whose device queue
 *        holds a single packet, so that the buffering is the queue
 *        discipline's (installed on both ends).
 *
 * The queue discipline is "droptail" (ns3::FifoQueueDisc), "red"
 * (ns3::RedQueueDisc, MinTh queue/4, MaxTh 3 queue/4), "fqcodel"
 * (ns3::FqCoDelQueueDisc: a queue per five-tuple) or "fqcodel-host"
 * (FqCoDel with MptcpHostPacketFilter: a queue per source host), each
 * limited to `queue` packets. A queue of 0
 * means one bandwidth-delay product: rate x RTT / (segmentSize + 52) packets
 * (52 bytes of IPv4, TCP and timestamp headers), at least 2, where RTT is
 * twice the one-way delay of the path (this link plus the helper's access
 * links).
 */
struct MptcpBottleneckSpec
{
    std::string rate = "10Mbps";        //!< rate, an ns-3 DataRate string ("10Mbps")
    Time delay = MilliSeconds(10);      //!< one-way propagation delay
    uint32_t queue = 0;                 //!< queue in packets; 0: one BDP
    std::string queueDisc = "droptail"; //!< droptail | red | fqcodel | fqcodel-host
    uint32_t segmentSize = 1448;        //!< segment size used for the BDP

    /**
     * \brief Check the values.
     * \param why set to a message naming the bad value when one is bad
     * \return true when the spec can be built
     */
    bool Check(std::string& why) const;

    /**
     * \brief The queue limit in packets: `queue`, or one BDP when it is 0.
     * \param otherDelay the one-way delay of the rest of the path (access
     *        links), added to `delay` for the RTT
     * \return packets
     */
    uint32_t QueuePackets(Time otherDelay) const;
};

/**
 * \ingroup mptcp
 * \brief Builds the dumbbell of the shared-bottleneck scenario.
 *
 * \verbatim
 *   M (nics NICs) ==\
 *   H_0 ------------ L ===bottleneck=== R ------ D
 *   H_k ------------/
 * \endverbatim
 *
 * A multipath host M with `nics` NICs and `hosts` single-homed hosts H_k
 * have access links to the router L; L--R is the bottleneck; R has an
 * access link to the destination D. Nodes are created in the order M, H_0
 * .. H_{k-1}, L, R, D. Addresses (i and k from 0):
 *  - M's NIC i -- L: 10.1.(i+1).0/24 (M .1, L .2)
 *  - H_k -- L: 10.2.(k+1).0/24 (H_k .1, L .2)
 *  - L -- R (bottleneck): 10.3.1.0/24 (L .1, R .2)
 *  - R -- D: 10.4.1.0/24 (R .1, D .2)
 *
 * Build() installs the internet stack and global routing, not MPTCP: call
 * MptcpStackHelper on the nodes that should have it.
 *
 * \code
 *   MptcpDumbbellHelper dumbbell;
 *   dumbbell.SetMultipathNics(2);
 *   dumbbell.SetSingleHomedHosts(1);
 *   dumbbell.SetBottleneck(spec);
 *   dumbbell.Build();
 *   MptcpStackHelper mptcp;
 *   mptcp.Install(dumbbell.GetMultipathHost());
 *   mptcp.Install(dumbbell.GetDestination());
 *   BulkSendHelper bulk("ns3::MptcpSocketFactory",
 *                       InetSocketAddress(dumbbell.GetDestinationAddress(), 5000));
 * \endcode
 */
class MptcpDumbbellHelper
{
  public:
    MptcpDumbbellHelper();

    /**
     * \brief Number of NICs of the multipath host (default 1; at least 1).
     * \param nics NICs
     */
    void SetMultipathNics(uint32_t nics);

    /**
     * \brief Number of single-homed hosts (default 0).
     * \param hosts hosts
     */
    void SetSingleHomedHosts(uint32_t hosts);

    /**
     * \brief Rate and delay of every access link (default 1Gbps, 1 ms).
     * \param rate ns-3 DataRate string
     * \param delay one-way delay
     */
    void SetAccessLink(const std::string& rate, Time delay);

    /**
     * \brief The bottleneck L--R.
     * \param spec its rate, delay, queue and queue discipline
     */
    void SetBottleneck(const MptcpBottleneckSpec& spec);

    /**
     * \brief Check the configuration.
     * \param why set to a message naming the bad value when one is bad
     * \return true when Build() can run
     */
    bool Check(std::string& why) const;

    /**
     * \brief Create the nodes, links, queue discipline, addresses and
     *        routes. Aborts with the message of Check() on a bad
     *        configuration, and when called twice.
     */
    void Build();

    /** \return the multipath host M */
    Ptr<Node> GetMultipathHost() const;
    /** \return the single-homed hosts H_k */
    NodeContainer GetSingleHomedHosts() const;
    /** \return L and R */
    NodeContainer GetRouters() const;
    /** \return the destination D */
    Ptr<Node> GetDestination() const;
    /** \return D's address, 10.4.1.2 */
    Ipv4Address GetDestinationAddress() const;

    /**
     * \param i NIC index, from 0
     * \return M's device (Get(0)) and L's device (Get(1)) of NIC i's link
     */
    NetDeviceContainer GetMultipathHostDevices(uint32_t i) const;

    /**
     * \param i NIC index, from 0
     * \return M's address on NIC i, 10.1.(i+1).1
     */
    Ipv4Address GetMultipathHostAddress(uint32_t i) const;

    /**
     * \param k host index, from 0
     * \return H_k's address, 10.2.(k+1).1
     */
    Ipv4Address GetSingleHomedHostAddress(uint32_t k) const;

    /** \return L's device (Get(0)) and R's device (Get(1)) of the bottleneck */
    NetDeviceContainer GetBottleneckDevices() const;
    /** \return R's device (Get(0)) and D's device (Get(1)) of the last link */
    NetDeviceContainer GetDestinationDevices() const;
    /** \return the bottleneck queue limit used, in packets */
    uint32_t GetQueuePackets() const;
    /** \return the one-way delay of each access link */
    Time GetAccessDelay() const;

  private:
    /** Aborts unless Build() has run. */
    void AssertBuilt() const;

    uint32_t m_nics;                             //!< NICs of M
    uint32_t m_hosts;                            //!< single-homed hosts
    std::string m_accessRate;                    //!< access link rate
    Time m_accessDelay;                          //!< access link delay
    MptcpBottleneckSpec m_bottleneck;            //!< the bottleneck
    bool m_built;                                //!< Build() has run
    Ptr<Node> m_mpHost;                          //!< M
    NodeContainer m_hostNodes;                   //!< H_k
    NodeContainer m_routers;                     //!< L, R
    Ptr<Node> m_dst;                             //!< D
    Ipv4Address m_dstAddress;                    //!< D's address
    std::vector<NetDeviceContainer> m_mpDevices; //!< M's links
    std::vector<Ipv4Address> m_mpAddresses;      //!< M's addresses
    std::vector<Ipv4Address> m_hostAddresses;    //!< H_k's addresses
    NetDeviceContainer m_bottleneckDevices;      //!< L--R
    NetDeviceContainer m_dstDevices;             //!< R--D
    uint32_t m_queuePackets;                     //!< queue limit used
};

/**
 * \ingroup mptcp
 * \brief Builds N disjoint paths between two hosts A and B.
 *
 * \verbatim
 *   A NIC 0 ---access--- R_0 ===bottleneck 0=== B NIC 0
 *   A NIC 1 ---access--- R_1 ===bottleneck 1=== B NIC 1
 *   ...
 * \endverbatim
 *
 * Path i (from 0) is A's NIC i, an access link to the router R_i, and the
 * bottleneck i from R_i to B's NIC i, each path with its own bottleneck
 * spec (rate, delay, queue, queue discipline; the BDP counts the access
 * link's delay). Nodes are created in the order A, B, R_0 .. R_{N-1}.
 * Addresses:
 *  - A -- R_i: 10.10.(i+1).0/24 (A .1, R_i .2)
 *  - R_i -- B (bottleneck i): 10.20.(i+1).0/24 (R_i .1, B .2)
 *
 * Routing: global routing everywhere, and on A and B a pinned route
 * (MptcpStackHelper::PinRoute: a static route)
 * (consulted before global routing) per path: B's path-i network via R_i
 * out of A's NIC i, and A's path-i network via R_i out of B's NIC i. So a
 * packet addressed to the other host's path-i address crosses path i,
 * whatever its source (global routing alone sends everything for B through
 * one shortest path). MptcpSocket sends each subflow out of the interface
 * of its source address: with fullmesh, the subflow from A's path-j
 * address to B's path-i address leaves by NIC j and crosses bottleneck j
 * (R_j forwards to B directly). Build() does not install MPTCP: call
 * MptcpStackHelper on A and B.
 *
 * \code
 *   MptcpDisjointPathsHelper paths;
 *   paths.SetPaths(2);
 *   paths.SetBottleneck(0, slowSpec);
 *   paths.SetBottleneck(1, fastSpec);
 *   paths.Build();
 *   MptcpStackHelper mptcp;
 *   mptcp.SetSocketAttribute("PathManager", StringValue("fullmesh"));
 *   mptcp.Install(NodeContainer(paths.GetA(), paths.GetB()));
 *   BulkSendHelper bulk("ns3::MptcpSocketFactory",
 *                       InetSocketAddress(paths.GetBAddress(0), 5000));
 * \endcode
 */
class MptcpDisjointPathsHelper
{
  public:
    MptcpDisjointPathsHelper();

    /**
     * \brief Number of paths (default 2; 1 to 254). Paths added by this
     *        call get the default MptcpBottleneckSpec.
     * \param paths N
     */
    void SetPaths(uint32_t paths);

    /**
     * \brief Rate and delay of every access link A -- R_i (default 1Gbps,
     *        1 ms).
     * \param rate ns-3 DataRate string
     * \param delay one-way delay
     */
    void SetAccessLink(const std::string& rate, Time delay);

    /**
     * \brief The bottleneck of path i. Aborts when i >= the number of paths.
     * \param i path index, from 0
     * \param spec its rate, delay, queue and queue discipline
     */
    void SetBottleneck(uint32_t i, const MptcpBottleneckSpec& spec);

    /**
     * \brief Check the configuration.
     * \param why set to a message naming the bad value when one is bad
     * \return true when Build() can run
     */
    bool Check(std::string& why) const;

    /**
     * \brief Create the nodes, links, queue disciplines, addresses and
     *        routes. Aborts with the message of Check() on a bad
     *        configuration, and when called twice.
     */
    void Build();

    /** \return the number of paths */
    uint32_t GetPaths() const;
    /** \return host A */
    Ptr<Node> GetA() const;
    /** \return host B */
    Ptr<Node> GetB() const;
    /** \return the routers R_0 .. R_{N-1} */
    NodeContainer GetRouters() const;

    /**
     * \param i path index, from 0
     * \return A's address on path i, 10.10.(i+1).1
     */
    Ipv4Address GetAAddress(uint32_t i) const;

    /**
     * \param i path index, from 0
     * \return B's address on path i, 10.20.(i+1).2
     */
    Ipv4Address GetBAddress(uint32_t i) const;

    /**
     * \param i path index, from 0
     * \return A's device (Get(0)) and R_i's device (Get(1)) of the access link
     */
    NetDeviceContainer GetAccessDevices(uint32_t i) const;

    /**
     * \param i path index, from 0
     * \return R_i's device (Get(0)) and B's device (Get(1)) of bottleneck i
     */
    NetDeviceContainer GetBottleneckDevices(uint32_t i) const;

    /**
     * \param i path index, from 0
     * \return the queue limit of bottleneck i, in packets
     */
    uint32_t GetQueuePackets(uint32_t i) const;

    /** \return the one-way delay of each access link */
    Time GetAccessDelay() const;

  private:
    /**
     * \brief Aborts unless Build() has run and i names a path.
     * \param i path index
     */
    void AssertPath(uint32_t i) const;

    std::string m_accessRate;                            //!< access link rate
    Time m_accessDelay;                                  //!< access link delay
    std::vector<MptcpBottleneckSpec> m_specs;            //!< one per path
    bool m_built;                                        //!< Build() has run
    Ptr<Node> m_a;                                       //!< A
    Ptr<Node> m_b;                                       //!< B
    NodeContainer m_routers;                             //!< R_i
    std::vector<Ipv4Address> m_aAddresses;               //!< A's addresses
    std::vector<Ipv4Address> m_bAddresses;               //!< B's addresses
    std::vector<NetDeviceContainer> m_accessDevices;     //!< A--R_i
    std::vector<NetDeviceContainer> m_bottleneckDevices; //!< R_i--B
    std::vector<uint32_t> m_queuePackets;                //!< queue limits used
};

} // namespace ns3

#endif /* MPTCP_TOPOLOGY_H */
