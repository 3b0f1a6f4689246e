/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_EXPERIMENT_H
#define MPTCP_EXPERIMENT_H

#include "ns3/application-container.h"
#include "ns3/flow-monitor.h"
#include "ns3/inet-socket-address.h"
#include "ns3/mptcp-scenario.h"
#include "ns3/mptcp-socket.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet-sink.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace ns3
{

class FlowMonitorHelper;
class Ipv4Header;

/**
 * \ingroup mptcp
 * \brief The measurement loop every scenario shares: warm-up, goodput per
 *        flow and per subflow, time series, packets delivered, FlowMonitor,
 *        progress. A scenario builds its topology and applications, tells
 *        the experiment which receivers make each flow, runs it, and
 *        reports what it measured (MptcpExperimentJson, MptcpRunRecorder in
 *        mptcp-output.h, MptcpPlot).
 *
 * A flow is what one user gets: the bytes its receivers (PacketSinks)
 * delivered to the application. Its goodput counts what they received
 * after the warm-up, over (duration - warm-up). An MPTCP flow also has
 * subflows, read from the sending MptcpSocket: the payload acknowledged on
 * each (goodput after the warm-up), retransmissions, smoothed RTT, window,
 * addresses, the interface it left by. A baseline made of several ns-3 TCP
 * connections (one per "subflow") has one sink per connection instead.
 *
 * Every sampleInterval, the end of the run included (a shorter last
 * interval when the duration is not a multiple of it), it samples, for each flow in the order
 * added: each subflow's goodput over the interval (and cwnd in bytes and
 * srtt in ms when it is MPTCP), then the flow's goodput, as series
 * (entity, name). The series cover the whole run: a flow's goodput samples
 * times their intervals add up to the bytes it received. The series' entities
 * are the labels given here ("mptcp", "tcp 0", "subflow 1", ...).
 *
 * \code
 *   MptcpExperiment x(Seconds(60), Seconds(5), MilliSeconds(100));
 *   uint32_t f = x.AddFlow("mptcp", "mptcp", {sink});
 *   x.SetSubflowsOf(f, sender, "subflow ");      // a BulkSendApplication
 *   x.AddFlow("tcp", "tcp 0", {tcpSink});
 *   x.CountDeliveries(receiverNode);
 *   x.Run();                                      // Simulator::Run until 60 s
 *   double g = x.GetFlows()[f].goodputBps;
 *   Simulator::Destroy();
 * \endcode
 */
class MptcpExperiment
{
  public:
    /**
     * \param duration simulated time (the simulation stops there)
     * \param warmup goodput is measured after this (< duration)
     * \param sampleInterval the series' period (> 0)
     */
    MptcpExperiment(Time duration, Time warmup, Time sampleInterval);
    ~MptcpExperiment();

    /**
     * \brief A flow measured at its receivers.
     * \param kind "mptcp" or "tcp" (MptcpScenarioFlow::kind)
     * \param entity its label in the series and results.db ("mptcp", "tcp 0")
     * \param sinks its receivers (their bytes are summed)
     * \return the flow's index in GetFlows()
     */
    uint32_t AddFlow(const std::string& kind,
                     const std::string& entity,
                     const std::vector<Ptr<PacketSink>>& sinks);

    /**
     * \brief The flow's subflows are those of the MptcpSocket of this
     *        sending application (found when measured: a BulkSendApplication
     *        creates its socket when it starts).
     * \param flow the flow
     * \param sender a BulkSendApplication or OnOffApplication whose socket is an
     *        MptcpSocket
     * \param entityPrefix subflow i is labelled entityPrefix + i
     */
    void SetSubflowsOf(uint32_t flow, Ptr<Application> sender, const std::string& entityPrefix);

    /**
     * \brief The flow's "subflows" are separate TCP connections, one per
     *        sink of the flow (in the order given to AddFlow): each one's
     *        goodput is what its sink received.
     * \param flow the flow
     * \param senders the sending BulkSendApplications, one per sink (their
     *        sockets name the local addresses)
     * \param remotes the sinks' addresses, one per sink
     * \param entityPrefix subflow i is labelled entityPrefix + i
     */
    void SetSubflowsAreSinks(uint32_t flow,
                             const ApplicationContainer& senders,
                             const std::vector<InetSocketAddress>& remotes,
                             const std::string& entityPrefix);

    /**
     * \brief Count the TCP data packets (IP payload over 60 bytes)
     *        delivered to this node's IPv4, and the IP bytes per
     *        four-tuple (MptcpScenarioSubflow::l4RxBytes, with FlowMonitor).
     * \param node the receiving node
     */
    void CountDeliveries(Ptr<Node> node);

    /**
     * \brief Attach FlowMonitor to every node (call after the topology is
     *        built, before Run).
     * \param xmlPath where to write FlowMonitor's XML ("" for none)
     */
    void EnableFlowMonitor(const std::string& xmlPath);

    /** \param sink receives every sample as it is taken (may be empty) */
    void SetSampleSink(const MptcpScenarioSampleSink& sink);

    /** \param on show progress on stderr while running */
    void SetProgress(bool on);

    /**
     * \brief Run the simulation until the duration, then collect the
     *        results. It does not call Simulator::Destroy(), so that the
     *        caller can still read its sockets.
     */
    void Run();

    /** \return the flows, in the order added (after Run) */
    const std::vector<MptcpScenarioFlow>& GetFlows() const;
    /** \return the sampled series, in the order first sampled */
    const std::vector<MptcpScenarioSeries>& GetSeries() const;
    /** \return TCP data packets delivered to the CountDeliveries node */
    uint64_t GetDeliveredPackets() const;
    /** \return FlowMonitor's flows, by flow id (after Run; empty without it) */
    const std::vector<MptcpScenarioIpFlow>& GetIpFlows() const;
    /** \return how many flows FlowMonitor classified */
    uint64_t GetFlowMonitorFlows() const;
    /** \return whether FlowMonitor was attached */
    bool HasFlowMonitor() const;
    /**
     * \param flow a flow given SetSubflowsOf
     * \return its MptcpSocket (null before the sender started, or for a
     *         flow without one)
     */
    Ptr<MptcpSocket> GetMptcpSocket(uint32_t flow) const;
    /**
     * \return warnings found while collecting (subflows meant to be
     *         disjoint that left by one interface), for the user
     */
    const std::vector<std::string>& GetWarnings() const;

    /**
     * \brief The flows as a JSON array, as the flagship prints them.
     * \param flows the flows
     * \param flowMonitor add each subflow's FlowMonitor and IP byte counts
     * \return the text, "[...]"
     */
    static std::string FlowsJson(const std::vector<MptcpScenarioFlow>& flows, bool flowMonitor);

  private:
    /** One flow while the run goes. */
    struct Flow
    {
        std::string kind;                   //!< mptcp | tcp
        std::string entity;                 //!< series label
        std::vector<Ptr<PacketSink>> sinks; //!< receivers
        Ptr<Application> mptcpSender;       //!< SetSubflowsOf
        ApplicationContainer tcpSenders;    //!< SetSubflowsAreSinks
        std::vector<InetSocketAddress> remotes; //!< SetSubflowsAreSinks
        std::string subflowPrefix;          //!< subflow labels
        bool subflowsAreSinks = false;      //!< SetSubflowsAreSinks was called
        std::vector<uint64_t> sinkAtWarmup; //!< per sink
        std::vector<uint64_t> subflowAtWarmup; //!< per subflow
        std::vector<uint64_t> lastSubflow;  //!< per subflow, last sample
        uint64_t lastRx = 0;                //!< last sample
    };

    uint64_t Received(const Flow& f) const;
    std::vector<uint64_t> PerSubflow(const Flow& f) const;
    Ptr<MptcpSocket> SocketOf(const Flow& f) const;
    void Add(const std::string& entity, const std::string& name, double value);
    void Sample();
    void TakeSample();
    void Warmup();
    void Deliver(const Ipv4Header& h, Ptr<const Packet> pkt, uint32_t iface);
    void Collect();
    void CollectSubflows(const Flow& f, MptcpScenarioFlow& out);
    void CollectFlowMonitor();

    Time m_duration;                        //!< simulated time
    Time m_warmup;                          //!< warm-up
    Time m_interval;                        //!< sample period
    bool m_progress = false;                //!< progress on stderr
    Time m_lastSample;                      //!< when the last sample was taken
    std::vector<Flow> m_run;                //!< flows while running
    std::vector<MptcpScenarioFlow> m_flows; //!< results
    std::vector<MptcpScenarioSeries> m_series; //!< series
    std::map<std::string, size_t> m_seriesIndex; //!< label/name -> index
    MptcpScenarioSampleSink m_sink;         //!< may be empty
    uint64_t m_delivered = 0;               //!< data packets delivered
    std::map<std::tuple<uint32_t, uint16_t, uint32_t, uint16_t>, uint64_t>
        m_ipBytes;                          //!< IP bytes per four-tuple at the counted node
    std::unique_ptr<FlowMonitorHelper> m_fmh; //!< FlowMonitor, when enabled
    Ptr<FlowMonitor> m_monitor;             //!< FlowMonitor, when enabled
    std::string m_flowmonXml;               //!< FlowMonitor's XML file ("" none)
    std::vector<MptcpScenarioIpFlow> m_ipFlows; //!< FlowMonitor's flows
    uint64_t m_flowMonitorFlows = 0;        //!< flows it classified
    std::vector<std::string> m_warnings;    //!< see GetWarnings()
};

/**
 * \ingroup mptcp
 * \brief A number as the scenarios' JSON writes it: fixed, 6 decimals,
 *        the same text on every run; "null" when not finite.
 * \param v the value
 * \return the text
 */
std::string MptcpJsonNumber(double v);

/**
 * \ingroup mptcp
 * \brief A JSON string literal (quotes and backslashes escaped).
 * \param s the text
 * \return the literal, quotes included
 */
std::string MptcpJsonString(const std::string& s);

} // namespace ns3

#endif /* MPTCP_EXPERIMENT_H */
