/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_OUTPUT_H
#define MPTCP_OUTPUT_H

#include "ns3/mptcp-options.h"
#include "ns3/mptcp-results.h"
#include "ns3/mptcp-scenario.h"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Records one run of any scenario in OUTPUTDIR/results.db as it
 *        goes (see MptcpResults and doc/results.md).
 *
 * results.db keeps every run written into the folder, keyed by campaign,
 * scenario, parameters, RngSeed and RngRun. Begin() refuses a run whose key
 * is there with status "ok" unless overwrite is set; a run of that key that
 * never finished (its process was killed) or failed is replaced. The run
 * row is committed in status "running" before the simulation starts, and
 * samples are committed at least every second of wall time, so that a
 * killed run is visible as such with what it had measured.
 *
 * \code
 *   MptcpRunRecorder rec;
 *   MptcpRunRecorder::Setup s;
 *   s.outputDir = dir; s.campaign = "my-study"; s.scenario = "my-scenario";
 *   s.params = {{"users", "10"}};                  // the scenario's options
 *   for (const auto& kv : MptcpResults::ConfigParams()) // after CommandLine::Parse
 *       s.params.push_back(kv);
 *   s.entities = {{"mptcp 0", "connection"}, {"tcp 0", "tcp_flow"}};
 *   if (!rec.Begin(s, &err, &refused)) ...
 *   experiment.SetSampleSink(rec.Sink());
 *   experiment.Run();
 *   rec.AddFlows(experiment.GetFlows(), experiment.GetIpFlows());
 *   rec.AddMetric("", "loss_rate", 0.01, "");
 *   if (!rec.Finish(&err)) ...
 * \endcode
 */
class MptcpRunRecorder
{
  public:
    /** What identifies and describes the run. */
    struct Setup
    {
        std::string outputDir = ".";       //!< results.db goes there
        std::string campaign;              //!< the campaign it belongs to
        std::string scenario;              //!< the scenario's name
        std::vector<MptcpResults::Param> params; //!< every parameter, config included
        std::string cmdline;               //!< stored with the run
        bool overwrite = false;            //!< replace a finished run with the same key
        bool deterministic = false;        //!< leave out host, start time, wall time
        /** Entities known before the run, (label, kind): kind is one of
         *  connection, subflow, tcp_flow, ip_flow, host, attacker. Others
         *  are added on first use, their kind guessed from the label
         *  ("mptcp" connection, "tcp N" tcp_flow, "ip flow N" ip_flow,
         *  anything else subflow). */
        std::vector<std::pair<std::string, std::string>> entities;
    };

    /**
     * \brief Open (or create) s.outputDir/results.db and record the run in
     *        status "running".
     * \param s the run
     * \param error receives the reason on failure
     * \param refused set to true when the failure is a finished run with
     *        the same key (without overwrite): a usage error, not an I/O one
     * \return true when the run is recorded as "running"
     */
    bool Begin(const Setup& s, std::string* error, bool* refused);

    /** \return what Begin() replaced, for the user (empty when nothing) */
    const std::string& GetNote() const;

    /** \return a sink for MptcpExperiment::SetSampleSink: it writes each sample */
    MptcpScenarioSampleSink Sink();

    /**
     * \brief Add a metric.
     * \param entity its entity's label ("" for the run as a whole)
     * \param name metric name
     * \param value its value (NaN is stored as NULL)
     * \param unit its unit ("" for none)
     */
    void AddMetric(const std::string& entity,
                   const std::string& name,
                   double value,
                   const std::string& unit);

    /**
     * \brief Add the flows' and subflows' metrics (goodput, bytes, and per
     *        subflow retransmissions, srtt, interface, device, five-tuple)
     *        and FlowMonitor's flows, as MptcpExperiment measured them.
     * \param flows the flows
     * \param ipFlows FlowMonitor's flows (may be empty)
     */
    void AddFlows(const std::vector<MptcpScenarioFlow>& flows,
                  const std::vector<MptcpScenarioIpFlow>& ipFlows);

    /**
     * \brief Mark the run "ok" and close the file.
     * \param error receives the reason on failure
     * \return true when the run is committed
     */
    bool Finish(std::string* error);

    /**
     * \brief Mark the run failed, with the reason, and close the file.
     * \param why the reason
     */
    void Fail(const std::string& why);

  private:
    /**
     * \brief The entity of a label, added on first use.
     * \param label e.g. "subflow 0"
     * \return its id
     */
    int64_t EntityOf(const std::string& label);

    MptcpResults m_db;                        //!< results.db
    std::map<std::string, int64_t> m_entity;  //!< label -> entity id
    std::map<std::string, int64_t> m_series;  //!< label/name -> series id
    std::map<std::string, std::string> m_kind; //!< declared label -> kind
    std::string m_note;                       //!< see GetNote()
    bool m_wallClock = false;                 //!< record run.wall_s (not deterministic)
    std::chrono::steady_clock::time_point m_wallStart; //!< when Begin() ran
};

/**
 * \ingroup mptcp
 * \brief Records shared-bottleneck runs in p.outputDir/results.db as they
 *        go: MptcpRunRecorder with the flagship's parameters and metrics.
 *
 * \code
 *   MptcpScenarioRecorder rec;
 *   p.config = MptcpResults::ConfigParams(); // after CommandLine::Parse
 *   if (!rec.Begin(p, cmdline, false, &err, &refused)) ...
 *   MptcpScenarioResult r = MptcpScenarioRun(p, rec.Sink());
 *   if (!rec.Finish(r, &err)) ...
 * \endcode
 */
class MptcpScenarioRecorder
{
  public:
    /**
     * \brief Open (or create) p.outputDir/results.db and record the run in
     *        status "running" (MptcpRunRecorder::Begin).
     * \param p parameters (p.config included)
     * \param cmdline the command line stored with the run
     * \param overwrite replace a finished run with the same key
     * \param error receives the reason on failure
     * \param refused set to true when the failure is a finished run with
     *        the same key (without overwrite)
     * \return true when the run is recorded as "running"
     */
    bool Begin(const MptcpScenarioParams& p,
               const std::string& cmdline,
               bool overwrite,
               std::string* error,
               bool* refused);

    /** \return what Begin() replaced, for the user (empty when nothing) */
    const std::string& GetNote() const;

    /** \return the sink to give MptcpScenarioRun(): it writes each sample */
    MptcpScenarioSampleSink Sink();

    /**
     * \brief Write the results (metrics, five-tuples) and mark the run "ok".
     * \param r results
     * \param error receives the reason on failure
     * \return true when the run is committed
     */
    bool Finish(const MptcpScenarioResult& r, std::string* error);

    /**
     * \brief The stored parameters of a run: the scenario's options (with
     *        the queue in packets actually used) and p.config.
     * \param p parameters
     * \return the parameters
     */
    static std::vector<MptcpResults::Param> Params(const MptcpScenarioParams& p);

  private:
    MptcpRunRecorder m_rec; //!< the generic recorder
    uint32_t m_queue = 0;   //!< queue stored in the parameters
};

/**
 * \ingroup mptcp
 * \brief Write the plot mptcp-shared-bottleneck.{plt,dat,png,svg} under
 *        p.outputDir: per-subflow cwnd and goodput over time, and the
 *        competing flows' goodput.
 * \param p parameters
 * \param r results
 * \param error receives the reason on failure
 * \return true when written (the images only when gnuplot exists)
 */
bool MptcpWritePlot(const MptcpScenarioParams& p, const MptcpScenarioResult& r, std::string* error);

/**
 * \ingroup mptcp
 * \brief Check that files can be created in a program's --outputDir:
 *        create the directory if needed, then a probe file.
 * \param dir the directory
 * \param why receives the reason, naming --outputDir, on failure
 * \return true when files can be written there
 */
bool MptcpCheckOutputDir(const std::string& dir, std::string& why);

/**
 * \ingroup mptcp
 * \brief One run of a scenario program, recorded when `out.record`: a
 *        MptcpRunRecorder is begun for (out, scenario, params, cmdline), the
 *        run is called with it (with null when not recording), then the
 *        recorder is finished. A message is printed on stderr, prefixed
 *        with `out.program`, for a run that cannot be recorded.
 * \param out the program's output options (checked)
 * \param scenario the scenario's name in results.db
 * \param params every parameter of the run, configuration included
 * \param cmdline the command line (MptcpCommandLineText)
 * \param run the run
 * \param entities entities known before the run (MptcpRunRecorder::Setup)
 * \return 0; 2 for a finished run with the same parameters and RngRun
 *         (without --overwrite); 1 when results.db cannot be written
 */
int MptcpRecordRun(const MptcpOutputOptions& out,
                   const std::string& scenario,
                   const std::vector<MptcpResults::Param>& params,
                   const std::string& cmdline,
                   const std::function<void(MptcpRunRecorder*)>& run,
                   const std::vector<std::pair<std::string, std::string>>& entities = {});

} // namespace ns3

#endif /* MPTCP_OUTPUT_H */
