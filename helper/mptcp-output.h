/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_OUTPUT_H
#define MPTCP_OUTPUT_H

#include "ns3/mptcp-results.h"
#include "ns3/mptcp-scenario.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Records shared-bottleneck runs in p.outputDir/results.db as they
 *        go (see MptcpResults).
 *
 * results.db keeps every run written into the folder, keyed by the
 * parameters (the scenario's options and p.config),
 * RngSeed and RngRun. Begin() refuses a run whose key is there with status
 * "ok" unless overwrite is set; a run of that key that never finished (its
 * process was killed) or failed is replaced. The run row is committed in
 * status "running" before the simulation starts, and samples are committed
 * at least every second of wall time, so that a killed run is visible as
 * such with what it had measured.
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
     *        status "running".
     * \param p parameters (p.config included)
     * \param cmdline the command line stored with the run
     * \param overwrite replace a finished run with the same key
     * \param error receives the reason on failure
     * \param refused set to true when the failure is a finished run with
     *        the same key (without overwrite): a usage error, not an I/O one
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
    /**
     * \brief The entity of a series label, added on first use.
     * \param label "subflow i" or "tcp k"
     * \return its id
     */
    int64_t EntityOf(const std::string& label);

    MptcpResults m_db;                        //!< results.db
    std::map<std::string, int64_t> m_entity;  //!< label -> entity id
    std::map<std::string, int64_t> m_series;  //!< label/name -> series id
    std::string m_note;                       //!< see GetNote()
    uint32_t m_queue = 0;                     //!< queue stored in the parameters
    bool m_wallClock = false;                 //!< record run.wall_s (not deterministic)
    std::chrono::steady_clock::time_point m_wallStart; //!< when Begin() ran
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

} // namespace ns3

#endif /* MPTCP_OUTPUT_H */
