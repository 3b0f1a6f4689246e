// SPDX-License-Identifier: GPL-2.0-only

#ifndef MPTCP_RESULTS_H
#define MPTCP_RESULTS_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Writes the results of one run to its own small SQLite file.
 *
 * The file has the schema of scripts/results_schema.sql (tables
 * schema_version, campaign, point, param, run, entity, metric, series,
 * sample, and the views goodput, goodput_ratio, jain_goodput and run_point);
 * scripts/merge_results.py merges such files into a campaign database.
 * A run never writes a shared database: each process writes its own file.
 *
 * Use:
 * \code
 *   MptcpResults results;
 *   std::string err;
 *   if (!results.Open(outputDir + "/run.db", false, &err)) { ... err ... }
 *   results.BeginRun("fairness", "mptcp-shared-bottleneck", params,
 *                    RngSeedManager::GetSeed(), RngSeedManager::GetRun(), cmdline);
 *   int64_t conn = results.AddEntity("connection", "mptcp0", "10.0.0.1:49153>10.0.1.1:5001/tcp");
 *   int64_t cwnd = results.AddSeries(conn, "cwnd");
 *   results.AddSample(cwnd, Simulator::Now(), 14480);       // from a trace sink
 *   results.AddMetric(conn, "goodput_bps", 4.2e6, "bit/s");
 *   if (!results.EndRun("ok", 0, -1, &err)) { ... err ... }
 *   results.Close();
 * \endcode
 *
 * Transactions: Open() commits the schema; BeginRun() commits the campaign,
 * point, param and run rows (status "running", so that a run that dies is
 * visible as such) and opens one transaction that holds everything added
 * until EndRun(), which writes the final status and commits. A run that
 * crashes therefore leaves a file with its run row and none of its
 * half-written data. Statements are prepared once and the page cache holds
 * the transaction: a million samples take one to two seconds of CPU.
 *
 * Errors: Open(), BeginRun() and EndRun() report errors directly. The
 * Add*() functions are called from trace sinks, where there is nobody to
 * tell: the first failure is kept (GetError()), later calls do nothing,
 * and EndRun() returns false with that error, after rolling back the data
 * transaction and marking the run "failed: <error>".
 *
 * Determinism: nothing is written from the wall clock or the machine
 * unless the caller asks (RunInfo, EndRun's wallS), so two executions of
 * the same run give files whose query output is identical.
 */
class MptcpResults
{
  public:
    /**
     * \brief Optional facts about the run, stored in the campaign and run
     *        rows. Empty strings are stored as NULL.
     */
    struct RunInfo
    {
        std::string moduleVersion; //!< campaign.module_version
        std::string ns3Version;    //!< campaign.ns3_version
        std::string createdAt;     //!< campaign.created_at (wall clock)
        std::string host;          //!< run.host
        std::string engine;        //!< run.engine, e.g. "local" or "slurm"
        std::string engineJobId;   //!< run.engine_job_id
        std::string startedAt;     //!< run.started_at (wall clock)
    };

    /** A parameter name and its value, as given on the command line. */
    typedef std::pair<std::string, std::string> Param;

    MptcpResults();
    /** \brief Closes the file; an unfinished run is rolled back first. */
    ~MptcpResults();

    MptcpResults(const MptcpResults&) = delete;
    MptcpResults& operator=(const MptcpResults&) = delete;

    /**
     * \brief Create the results file and its schema.
     * \param path the file to create
     * \param replace true to replace a file that already exists (with its
     *        -journal and -wal companions); false to fail instead
     * \param error receives the reason on failure (may be null)
     * \return true on success
     */
    bool Open(const std::string& path, bool replace, std::string* error);

    /**
     * \brief Set the optional facts of the next BeginRun().
     * \param info the facts
     */
    void SetRunInfo(const RunInfo& info);

    /**
     * \brief Record the campaign, the point and a run in status "running".
     *
     * \param campaign the campaign name
     * \param scenario the scenario program
     * \param params every parameter of the run with its effective value;
     *        names must be distinct. They are stored sorted, as the
     *        canonical JSON object CanonicalParamsJson() and as param rows.
     * \param rngSeed the ns-3 RNG seed (RngSeedManager::GetSeed())
     * \param rngRun the ns-3 run number (RngSeedManager::GetRun())
     * \param cmdline the command line (may be empty: NULL)
     * \return the run id (> 0), or -1 on failure (see GetError())
     */
    int64_t BeginRun(const std::string& campaign,
                     const std::string& scenario,
                     const std::vector<Param>& params,
                     uint32_t rngSeed,
                     uint64_t rngRun,
                     const std::string& cmdline);

    /**
     * \brief Record something measured in the run.
     * \param kind "connection", "subflow", "tcp_flow" or "attacker"
     * \param label a name unique in the run, e.g. "mptcp0/sf1"
     * \param fiveTuple the addresses and ports (may be empty: NULL)
     * \return the entity id, or -1 on failure
     */
    int64_t AddEntity(const std::string& kind,
                      const std::string& label,
                      const std::string& fiveTuple);

    /**
     * \brief Record one value.
     * \param entityId an id from AddEntity(), or -1 for a run-level metric
     * \param name e.g. "goodput_bps" (the goodput views read this name)
     * \param value the value (NaN is stored as NULL)
     * \param unit e.g. "bit/s" (may be empty: NULL)
     */
    void AddMetric(int64_t entityId,
                   const std::string& name,
                   double value,
                   const std::string& unit);

    /**
     * \brief Start a time series.
     * \param entityId an id from AddEntity(), or -1 for a run-level series
     * \param name e.g. "cwnd"
     * \return the series id, or -1 on failure
     */
    int64_t AddSeries(int64_t entityId, const std::string& name);

    /**
     * \brief Add a sample to a series.
     * \param seriesId an id from AddSeries()
     * \param tNs the simulation time in nanoseconds
     * \param value the value (NaN is stored as NULL)
     */
    void AddSample(int64_t seriesId, int64_t tNs, double value);

    /**
     * \brief Add a sample to a series, at a simulation time.
     * \param seriesId an id from AddSeries()
     * \param t the simulation time
     * \param value the value
     */
    void AddSample(int64_t seriesId, Time t, double value);

    /**
     * \brief Finish the run and commit everything added since BeginRun().
     * \param status "ok" for a run that succeeded, anything else otherwise
     * \param exitCode the exit code of the program
     * \param wallS the wall-clock duration in seconds; negative: NULL
     * \param error receives the reason on failure (may be null)
     * \return true when the run and its data are committed
     */
    bool EndRun(const std::string& status, int exitCode, double wallS, std::string* error);

    /**
     * \brief Close the file. An unfinished run is rolled back to its
     *        "running" row. Called by the destructor.
     */
    void Close();

    /** \return true between a successful Open() and Close() */
    bool IsOpen() const;

    /** \return the first error since Open() or BeginRun(); empty if none */
    const std::string& GetError() const;

    /**
     * \brief The canonical JSON object of a parameter list: keys sorted by
     *        byte value, every value a JSON string, no spaces, control
     *        characters escaped as \\u00XX and other bytes kept as they are.
     * \param params the parameters
     * \return e.g. {"nSubflows":"2","rate":"10Mbps"}
     */
    static std::string CanonicalParamsJson(std::vector<Param> params);

    /**
     * \brief The FNV-1a 64-bit hash of a text, as 16 lower-case hex digits.
     * \param text the bytes to hash (params_json)
     * \return the hash, the params_hash of the point
     */
    static std::string ParamsHash(const std::string& text);

  private:
    /**
     * \brief Run SQL without results.
     * \param sql the statements
     * \return true on success; else the error is recorded
     */
    bool Exec(const char* sql);
    /**
     * \brief Prepare a statement.
     * \param sql the statement
     * \param stmt receives the statement
     * \return true on success; else the error is recorded
     */
    bool Prepare(const char* sql, sqlite3_stmt** stmt);
    /**
     * \brief Step a prepared INSERT or UPDATE to completion and reset it.
     * \param stmt the statement
     * \param what names the statement in the error text
     * \return true on success; else the error is recorded
     */
    bool StepDone(sqlite3_stmt* stmt, const char* what);
    /**
     * \brief Record an error unless one is recorded already.
     * \param what the error text
     */
    void Fail(const std::string& what);
    /**
     * \brief Record an SQLite error with its message.
     * \param what what was being done
     */
    void FailDb(const std::string& what);
    /**
     * \brief Check that data may be added now.
     * \param what the function, for the error text
     * \return true when a run is in progress and no error is recorded
     */
    bool CanAdd(const char* what);
    /** \brief Finalize every prepared statement. */
    void FinalizeStatements();

    sqlite3* m_db;                //!< the open file, or null
    std::string m_path;           //!< its path
    std::string m_error;          //!< the first error, sticky
    RunInfo m_info;               //!< facts for the next BeginRun()
    int64_t m_runId;              //!< the run in progress, or -1
    sqlite3_stmt* m_insEntity;    //!< INSERT INTO entity
    sqlite3_stmt* m_insMetric;    //!< INSERT INTO metric
    sqlite3_stmt* m_insSeries;    //!< INSERT INTO series
    sqlite3_stmt* m_insSample;    //!< INSERT INTO sample
};

} // namespace ns3

#endif /* MPTCP_RESULTS_H */
