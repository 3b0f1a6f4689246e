/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_SCENARIO_H
#define MPTCP_SCENARIO_H

#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Parameters of the shared-bottleneck scenario (the flagship
 *        example's command line; a test or sweep fills it directly).
 *
 * Topology (a dumbbell): the multipath host M has `interfaces` NICs to
 * the left router L (1 Gbit/s, 1 ms each); K single-path hosts T1..TK
 * have one NIC each to L; L--R is the bottleneck (rate, delay, queue,
 * queue discipline); R has one 1 Gbit/s, 1 ms link to the receiver D,
 * which serves every flow on its own port. RTT = 2 (2 ms + delay).
 */
struct MptcpScenarioParams
{
    uint32_t subflows = 2;         //!< subflows (ndiffports; fullmesh: = interfaces) / ns-3
                                   //!< flows (transport ns3tcp)
    std::string pm = "ndiffports"; //!< ndiffports | fullmesh | default
    uint32_t interfaces = 1;       //!< NICs of the multipath host (fullmesh: one subflow each)
    std::string cc = "lia";        //!< MPTCP congestion control
    std::string scheduler = "minrtt"; //!< MPTCP scheduler
    uint32_t tcpFlows = 1;         //!< competing single-path flows
    std::string competitor = "ns3"; //!< ns3 (TcpSocketBase) | core (our engine, MPTCP off)
    std::string competitorCc = "ns3::TcpLinuxReno"; //!< TCP variant of the competitors
    std::string transport = "mptcp"; //!< mptcp | ns3tcp (one ns-3 TCP flow per subflow)
    std::string peer = "mptcp";    //!< mptcp | ns3tcp (the receiver has no MPTCP: fallback)
    std::string bottleneckRate = "10Mbps"; //!< bottleneck rate, ns-3's units (MptcpRateBps)
    Time bottleneckDelay = MilliSeconds(18); //!< bottleneck one-way delay, 0..10 s
    uint32_t queue = 0;            //!< bottleneck queue in packets (0: one BDP)
    std::string queueDisc = "droptail"; //!< droptail | red | fqcodel | fqcodel-host
    Time duration = Seconds(60);   //!< simulated time
    Time warmup = Seconds(5);      //!< goodput is measured after this
    Time sampleInterval = MilliSeconds(100); //!< time-series period
    uint32_t segmentSize = 1448;   //!< MSS of every flow
    Time minRto = MilliSeconds(200); //!< minimum RTO of every flow (both TCPs)
    Time delAckTimeout = MilliSeconds(40); //!< delayed-ACK timeout of every flow
    uint32_t delAckCount = 2;      //!< ACK every Nth full segment (every flow)
    uint32_t bufferSize = 1 << 20; //!< send and receive buffers of every flow
    bool virtualPayload = true;    //!< MPTCP segments carry payload lengths only
    bool pcap = false;             //!< write pcap files of the multipath host and D
    bool flowMonitor = false;      //!< attach FlowMonitor and report its flows
    bool flowMonitorXml = false;   //!< also write FlowMonitor's XML (flowmon.xml; implies it)
    std::string outputDir = ".";   //!< where pcap files go
    bool progress = false;         //!< show progress on stderr
    /** ns3 (ns-3's simulator) | fast (the core in utils/fastsim, the same
     *  dumbbell: MptcpFastScenarioRun, doc/fast-mode.md) */
    std::string engine = "ns3";
    /** Campaign name the run is recorded under in results.db. */
    std::string campaign = "mptcp-shared-bottleneck";
    /** Leave out of results.db what differs between two executions of the
     *  same run (run.host, run.started_at, run.wall_s), for byte-for-byte
     *  comparisons of the whole file. */
    bool deterministicOutput = false;
    /** Attributes and global values set besides these options, by name
     *  (MptcpResults::ConfigParams()): part of the recorded parameters. */
    std::vector<std::pair<std::string, std::string>> config;
};

/** One subflow (or one ns-3 flow of the multipath host with ns3tcp). */
struct MptcpScenarioSubflow
{
    std::string entity;     //!< its label in the series and results.db ("subflow 0")
    std::string local;      //!< address:port
    std::string remote;     //!< address:port
    double goodputBps = 0;  //!< payload acknowledged per second after the warm-up
    uint64_t bytesAcked = 0; //!< payload acknowledged in the whole run
    uint64_t retransmissions = 0; //!< segments retransmitted
    double srttMs = 0;      //!< smoothed RTT at the end
    uint64_t cwnd = 0;      //!< congestion window at the end (bytes)
    uint64_t flowMonitorRxBytes = 0; //!< FlowMonitor's rx bytes of the data direction
    uint64_t l4RxBytes = 0;  //!< IP bytes of the data direction counted at D
    int32_t interface = -1;  //!< ns-3 interface index its data left by (-1: unknown)
    int32_t device = -1;     //!< that interface's device index on the node (-1: unknown)
};

/** One flow: the multipath host's connection, or a competing TCP flow. */
struct MptcpScenarioFlow
{
    std::string kind;       //!< "mptcp" or "tcp"
    std::string entity;     //!< its label in the series and results.db ("mptcp", "tcp 0")
    double goodputBps = 0;  //!< bytes received by the application per second after warm-up
    uint64_t bytesReceived = 0; //!< bytes received in the whole run
    std::vector<MptcpScenarioSubflow> subflows; //!< for kind "mptcp"
    bool fallback = false;  //!< an MPTCP flow that runs plain TCP
    uint64_t localKey = 0;  //!< MPTCP key of the sender (0: none)
    uint64_t remoteKey = 0; //!< MPTCP key of the receiver (0: none)
};

/** A time series: (t in ns, value). */
struct MptcpScenarioSeries
{
    std::string entity;     //!< e.g. "subflow 0", "tcp 1"
    std::string name;       //!< cwnd | goodput
    std::vector<std::pair<int64_t, double>> samples; //!< (t_ns, value)
};

/** One flow as FlowMonitor classified it (one direction of a 5-tuple). */
struct MptcpScenarioIpFlow
{
    uint32_t id = 0;            //!< FlowMonitor's flow id
    std::string fiveTuple;      //!< "src:port > dst:port tcp|udp|proto N"
    uint64_t txPackets = 0;     //!< packets sent
    uint64_t rxPackets = 0;     //!< packets received
    uint64_t txBytes = 0;       //!< IP bytes sent
    uint64_t rxBytes = 0;       //!< IP bytes received
    uint64_t lostPackets = 0;   //!< packets FlowMonitor declared lost
    double delayMeanMs = 0;     //!< mean one-way delay of received packets (NaN: none)
    double jitterMeanMs = 0;    //!< mean delay variation (NaN: fewer than 2 received)
};

/** What a run measured. */
struct MptcpScenarioResult
{
    std::vector<MptcpScenarioFlow> flows; //!< flows[0] is the multipath host's
    double mptcpTcpRatio = 0;  //!< mptcp goodput / mean tcp goodput (NaN without tcp
                               //!< flows or when they carried nothing: JSON null)
    double jain = 0;           //!< Jain's index over the flows' goodputs
    bool fallback = false;     //!< the multipath connection runs plain TCP
    uint64_t deliveredPackets = 0; //!< data packets delivered to D
    uint64_t events = 0;       //!< events the simulator executed (either engine)
    uint64_t localKey = 0;     //!< MPTCP key of the multipath host (0: none)
    uint64_t remoteKey = 0;    //!< MPTCP key of D
    uint32_t queuePackets = 0; //!< the bottleneck queue used
    Time baseRtt;              //!< propagation RTT through the bottleneck (access links both sides)
    std::vector<MptcpScenarioSeries> series; //!< sampled time series
    uint64_t flowMonitorFlows = 0; //!< flows FlowMonitor classified
    std::vector<MptcpScenarioIpFlow> ipFlows; //!< FlowMonitor's statistics, by flow id
};

/**
 * \brief Check parameters: each in range, and no combination in which
 *        one makes another meaningless (fullmesh: subflows == interfaces;
 *        default PM or an ns-3 TCP receiver: one subflow over one
 *        interface; ndiffports or transport ns3tcp: one interface), and a
 *        competitor variant the scenario can run (a TcpCongestionOps other
 *        than ns3::TcpBbr and ns3::TcpDctcp).
 * \param p parameters
 * \param why out: what is wrong, naming the parameter
 * \return true when they can run
 */
bool MptcpScenarioCheck(const MptcpScenarioParams& p, std::string& why);

/**
 * \brief Receives each sample of a time series when it is taken:
 *        (entity, name, t_ns, value), as in MptcpScenarioSeries.
 */
typedef std::function<void(const std::string&, const std::string&, int64_t, double)>
    MptcpScenarioSampleSink;

/**
 * \brief Build the topology, run the simulation, collect the results,
 *        destroy the simulation. The RNG run must be set by the caller.
 * \param p parameters (checked with MptcpScenarioCheck first)
 * \param onSample called with every sample as the run goes (may be empty);
 *        the samples are in the result's series as well
 * \return the results
 */
MptcpScenarioResult MptcpScenarioRun(const MptcpScenarioParams& p,
                                     const MptcpScenarioSampleSink& onSample = {});

/**
 * \brief The bottleneck queue a run of these parameters uses, in packets
 *        (p.queue, or one BDP of the dumbbell when it is 0), known before
 *        the run; MptcpScenarioResult::queuePackets after it.
 * \param p parameters
 * \return the queue limit in packets
 */
uint32_t MptcpScenarioQueuePackets(const MptcpScenarioParams& p);

/**
 * \brief The core's congestion control that stands for an ns-3 TCP
 *        variant (--competitor=core): reno for ns3::TcpNewReno and
 *        ns3::TcpLinuxReno, cubic for ns3::TcpCubic; other names unchanged.
 * \param ns3Cc a TcpCongestionOps TypeId name
 * \return the core's name
 */
std::string MptcpCoreCcName(const std::string& ns3Cc);

/**
 * \brief Jain's fairness index (sum x)^2 / (n sum x^2).
 * \param x the values
 * \return the index in (0, 1], or 0 for an empty or all-zero set
 */
double MptcpJain(const std::vector<double>& x);

/**
 * \brief The run's summary from its flows (either engine): the multipath
 *        connection's (flows[0]) fallback and keys, the MPTCP/TCP goodput
 *        ratio (NaN without competitors or when they carried nothing) and
 *        Jain's index over every flow.
 * \param p parameters
 * \param r results with their flows; the summary fields are set
 */
void MptcpScenarioSummarise(const MptcpScenarioParams& p, MptcpScenarioResult& r);

/**
 * \brief The result as one JSON object (one line), parameters included.
 * \param p parameters
 * \param r results
 * \return the JSON text
 */
std::string MptcpScenarioJson(const MptcpScenarioParams& p, const MptcpScenarioResult& r);

} // namespace ns3

#endif /* MPTCP_SCENARIO_H */
