/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_FAST_H
#define MPTCP_FAST_H

#include "mptcp-network.h"
#include "mptcp-scenario.h"

#include "mptcp/mptcp.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief What a fast-engine run cost (doc/fast-mode.md).
 */
struct MptcpFastRunStats
{
    uint64_t events = 0;       //!< events the network processed
    uint64_t delivered = 0;    //!< segments handed to hosts (every hop's end)
    uint64_t networkBytes = 0; //!< memory the network allocated (pool, heap, routes)
    uint64_t stackBytes = 0;   //!< memory the hosts' stacks hold at the end
};

/** RED's settings on a fast-engine link, as RedQueueDisc's attributes. */
struct MptcpFastRed
{
    double minTh = 5;          //!< MinTh (packets)
    double maxTh = 15;         //!< MaxTh (packets)
    double maxP = 1.0 / 50;    //!< 1 / LInterm
    double qW = 0.002;         //!< QW
    bool gentle = true;        //!< Gentle
    double linkBps = 1.5e6;    //!< LinkBandwidth (ns-3's default 1.5 Mbit/s)
    uint32_t meanPacket = 500; //!< MeanPktSize (bytes)
};

/** FQ-CoDel's settings on a fast-engine link, as FqCoDelQueueDisc's
 *  attributes (its defaults; the quantum is the devices' MTU). */
struct MptcpFastFq
{
    bool byHost = false;                //!< one queue per source address (MptcpHostPacketFilter)
    uint32_t flows = 1024;              //!< Flows
    uint32_t quantum = 1500;            //!< Quantum (bytes)
    Time target = MilliSeconds(5);      //!< Target
    Time interval = MilliSeconds(100);  //!< Interval
};

/**
 * \brief What a flow's sender does beyond a bulk transfer (fast engine;
 *        doc/fast-mode.md "Applications").
 *
 * bytes > 0: a fixed-size flow. The sender writes that many bytes and
 * shuts down (BulkSendApplication's MaxBytes); the receiver reads them,
 * shuts down at the sender's FIN, and the flow's completion time is when
 * it read the last byte. Both ends are released when they close (a
 * closed end does not hold its TIME-WAIT).
 *
 * onOffRateBps > 0: an on/off source as ns-3's OnOffApplication: an off
 * period first, then writes of packetBytes every packetBytes x 8 /
 * onOffRateBps seconds for an on period, and so on; periods exponential
 * with the given means; a write the send buffer refuses waits and goes
 * first at the next tick (at most one waits). With bytes > 0 it stops
 * after that many bytes, as OnOffApplication's MaxBytes.
 */
struct MptcpFastApp
{
    uint64_t bytes = 0;        //!< 0: no end
    double onOffRateBps = 0;   //!< 0: write whenever there is room (bulk)
    double onMeanS = 1;        //!< mean on period (exponential), seconds
    double offMeanS = 1;       //!< mean off period (exponential), seconds
    uint32_t packetBytes = 1448; //!< on/off write size (bytes)
};

/**
 * \brief A network on the fast engine (utils/fastsim) with the core as
 *        every host's transport, bulk flows between hosts, and the
 *        measurements of MptcpExperiment (warm-up, samples, flows with
 *        their subflows), for scenario programs that offer --engine=fast.
 *
 * Links are point-to-point links as ns-3's PointToPointNetDevice sends
 * them: every packet counts 20 bytes of IPv4 header and 2 of PPP header
 * on the wire. Routes are the shortest paths, ECMP by a flow hash.
 */
class MptcpFastNetwork
{
  public:
    /** \param seed the seed of every random stream (links, hosts) */
    explicit MptcpFastNetwork(uint64_t seed);
    ~MptcpFastNetwork();
    MptcpFastNetwork(const MptcpFastNetwork&) = delete;
    MptcpFastNetwork& operator=(const MptcpFastNetwork&) = delete;

    /** \return the new node's index */
    int AddNode(const std::string& name);
    /**
     * \brief Join two nodes (both directions alike).
     * \param waiting packets that may wait behind the one being sent
     *        (with fq: the discipline's limit, in front of a one-packet
     *        device queue)
     * \param red RED with these settings (null: drop-tail)
     * \param loss random loss probability per packet, at arrival
     * \param fq FQ-CoDel with these settings (null: drop-tail or RED)
     * \return the link's index
     */
    int AddLink(int a, int b, double rateBps, Time delay, uint32_t waiting,
                const MptcpFastRed* red = nullptr, double loss = 0,
                const MptcpFastFq* fq = nullptr);
    /**
     * \brief The nodes and links of a description (before its Build()), as
     *        MptcpNetworkHelper would build them: node i and link k keep
     *        their indices; a link's queue is its discipline's packets
     *        behind a one-packet device queue; RED with LinkBandwidth the
     *        link's rate; loss at arrival. Addresses are not given: see
     *        LinkAddress.
     * \param d the description
     */
    void Mirror(const MptcpNetworkHelper& d);
    /**
     * \return the address MptcpNetworkHelper gives side `side` (0, 1) of
     *         link `link`: 10.(1 + link / 256).(link % 256).(side + 1)
     */
    static std::string LinkAddress(uint32_t link, uint32_t side);
    /** \brief Give a node an IPv4 address ("10.1.1.1"), bound to a link
     *         of that node (-1: none; the routes decide). */
    void AddAddress(int node, const std::string& ip, int link);
    /** \brief Run the core on `node` with this default configuration. */
    void InstallStack(int node, const mptcp_config& cfg);
    /** \brief Declare one of the node's addresses to its stack (for the
     *         fullmesh path manager). */
    void DeclareAddress(int node, const std::string& ip);
    /**
     * \brief A long flow from `src` (address srcIp) to `dst` (dstIp, port),
     *        opened at `start` and sending until `stop`.
     * \param subflowPrefix entity prefix of its subflows ("subflow ");
     *        empty: no subflows reported (single-path flows)
     * \param cfg its configuration (null: the source stack's)
     * \param stop when the sender stops writing and closes (as
     *        BulkSendApplication's StopApplication); zero: never
     * \return the flow's index
     */
    uint32_t AddBulkFlow(const std::string& kind, const std::string& entity,
                         const std::string& subflowPrefix, int src, const std::string& srcIp,
                         int dst, const std::string& dstIp, uint16_t port, Time start,
                         const mptcp_config* cfg = nullptr, Time stop = Time(0));
    /**
     * \brief Give a flow (before Run) a fixed size, or make it an on/off
     *        source (MptcpFastApp). Throws std::runtime_error on a bad
     *        setting.
     */
    void SetFlowApp(uint32_t flow, const MptcpFastApp& app);
    /**
     * \return when flow `flow`'s receiver read its last byte (ns since the
     *         start of the run), or -1 when it did not (not fixed-size,
     *         or not done)
     */
    int64_t GetCompletion(uint32_t flow) const;
    /**
     * \brief Write every segment the node sends or receives to a pcap
     *        file (LINKTYPE_RAW IPv4, nanosecond timestamps; a virtual
     *        payload as that many zero bytes, so that lengths and sequence
     *        numbers read right). Throws std::runtime_error when the file
     *        cannot be created.
     */
    void EnablePcap(int node, const std::string& path);
    /** \brief Count data segments (TCP length > 60) handed to this node. */
    void CountDeliveries(int node);
    /** \brief Call `fn` at simulated time `t` during Run() (it may call
     *         Schedule again; each call keeps a few bytes until the
     *         network is destroyed). */
    void Schedule(Time t, std::function<void()> fn);
    /** \return the current simulated time */
    Time Now() const;
    /** \brief Set the random loss probability of both directions of a
     *         link, before or during Run (1: the path fails, as a
     *         ReceiveErrorModel dropping every packet). */
    void SetLinkLoss(int link, double loss);
    /**
     * \brief During Run: make subflow `i` of a flow's sender a backup or
     *        a regular subflow (mptcp_conn_set_backup: MP_PRIO).
     * \return the core's return code (MPTCP_ERR_STATE before the flow
     *         started)
     */
    int SetSubflowBackup(uint32_t flow, int i, bool backup);
    /**
     * \brief During Run: withdraw an address the node declared
     *        (mptcp_stack_remove_address: REMOVE_ADDR, its subflows
     *        reset), as MptcpL4Protocol::RemoveLocalAddress.
     * \return the core's return code
     */
    int RemoveAddress(int node, const std::string& ip);
    /** \return the subflows a flow's sender has now (closed ones
     *          included) */
    int GetSubflowCount(uint32_t flow) const;
    /**
     * \brief Subflow `i` of a flow's sender now.
     * \param local out: its local "a.b.c.d:port" (may be null)
     * \param remote out: its remote end (may be null)
     * \return false when there is no such subflow
     */
    bool GetSubflowStats(uint32_t flow, int i, mptcp_conn_stats& st, std::string* local,
                         std::string* remote) const;
    /** \return the bytes a flow's receiver read so far */
    uint64_t GetReceived(uint32_t flow) const;
    /** \return a counter (MPTCP_MIB_*) of the stack on `node` */
    uint64_t GetCounter(int node, int id) const;
    /**
     * \brief A link direction's counters (dir 0: as AddLink's a to b).
     * \param arrived out: packets offered to its queue
     * \param dropped out: packets its queue dropped (full, or RED)
     * \param waiting out: packets waiting now behind the one on the wire
     */
    void GetLinkCounts(int link, int dir, uint64_t& arrived, uint64_t& dropped,
                       uint32_t& waiting) const;
    /** \brief Run for `duration`, measuring after `warmup`, sampling every
     *         `interval` (0: no samples). Throws std::runtime_error. */
    void Run(Time duration, Time warmup, Time interval, const MptcpScenarioSampleSink& sink = {});

    /** \return the flows, as MptcpExperiment::GetFlows */
    const std::vector<MptcpScenarioFlow>& GetFlows() const;
    /** \return the sampled series */
    const std::vector<MptcpScenarioSeries>& GetSeries() const;
    /** \return data segments counted by CountDeliveries */
    uint64_t GetDeliveredPackets() const;
    /** \return what the run cost */
    MptcpFastRunStats GetStats() const;
    /**
     * \brief The directed links (2 x link + direction, 0: as AddLink's
     *         a to b) a segment from `local` to `remote` ("a.b.c.d:port")
     *         crosses, as the routes and the flow hash send it.
     * \return false when there is no such path
     */
    bool TracePath(const std::string& local, const std::string& remote,
                   std::vector<int>& links) const;

    /** The implementation (mptcp-fast.cc). */
    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl; //!< the implementation
};

/**
 * \brief The core configuration an MptcpSocket builds with these socket
 *        attributes (name, value) and the attribute defaults in force
 *        (Config::SetDefault), as in ns-3 mode.
 * \param attrs socket attributes (name, value as ns-3 parses it from text)
 * \param mptcp the Mptcp attribute
 * \return the configuration, virtual payload on
 */
mptcp_config MptcpFastSocketConfig(const std::vector<std::pair<std::string, std::string>>& attrs,
                                   bool mptcp);

/**
 * \brief One seed for the fast engine from ns-3's RngSeed and RngRun.
 * \return the seed
 */
uint64_t MptcpFastSeed();

/**
 * \brief Whether the shared-bottleneck parameters can run on the fast
 *        engine (--engine=fast): the core on both ends of every flow
 *        (--competitor=core, no ns-3 TCP), a virtual payload, a drop-tail
 *        or RED bottleneck, no FlowMonitor.
 * \param p parameters (already accepted by MptcpScenarioCheck)
 * \param why out: what is not supported, and what to use
 * \return true when they can run
 */
bool MptcpFastScenarioCheck(const MptcpScenarioParams& p, std::string& why);

/**
 * \brief The shared-bottleneck scenario on the fast engine: the same
 *        dumbbell as MptcpScenarioRun (the same links, queues, addresses,
 *        ports, start times drawn the same way, the core configured from
 *        the same MptcpSocket attributes), in utils/fastsim instead of
 *        ns-3's simulator. The result has the same structure.
 * \param p parameters (checked with MptcpFastScenarioCheck)
 * \param onSample called with every sample (may be empty)
 * \return the results
 */
MptcpScenarioResult MptcpFastScenarioRun(const MptcpScenarioParams& p,
                                         const MptcpScenarioSampleSink& onSample = {});

} // namespace ns3

#endif /* MPTCP_FAST_H */
