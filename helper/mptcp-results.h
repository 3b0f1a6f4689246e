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
 * half-written data; with Commit() or SetCommitInterval() it keeps what
 * was committed, still in status "running". OpenAppend() adds runs to an
 * existing file (keyed by campaign, parameters, seed and run number). Statements are prepared once and the page cache holds
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
     * \brief Open a results file to add runs to it, or create it when it
     *        does not exist. Runs already in it are kept.
     *
     * An existing file must be a results file of this schema version. A
     * rollback journal left by a writer that was killed is rolled back by
     * SQLite here (what that writer had committed stays).
     *
     * Open() and OpenAppend() hold an exclusive lock (flock) on the file
     * until Close(): a second writer is refused with a clear message, and
     * a run row in status "running" found while holding the lock belongs
     * to a process that died.
     *
     * \param path the file
     * \param error receives the reason on failure (may be null)
     * \return true on success
     */
    bool OpenAppend(const std::string& path, std::string* error);

    /**
     * \brief Look a run up by its key (campaign, scenario, parameters, RNG
     *        seed and run number).
     * \param campaign the campaign name
     * \param scenario the scenario program
     * \param params the parameters, as given to BeginRun()
     * \param rngSeed the RNG seed
     * \param rngRun the RNG run number
     * \return its status ("ok", "running", "failed: ..."), or empty when
     *         the file has no such run
     */
    std::string FindRun(const std::string& campaign,
                        const std::string& scenario,
                        const std::vector<Param>& params,
                        uint32_t rngSeed,
                        uint64_t rngRun);

    /**
     * \brief What BeginRun() does when the file holds a run with the same
     *        key already.
     * \param replace false (the default): BeginRun() fails and the old
     *        run stays; true: the old run and all of its data are deleted
     *        in the transaction that records the new run
     */
    void SetReplaceRun(bool replace);

    /**
     * \brief Commit the data added so far, and go on in a new transaction.
     *
     * Without it, the data of a run is one transaction until EndRun(). With
     * it (or SetCommitInterval()), a process that is killed leaves its run
     * "running" with what was committed: visible, never merged as a result.
     * \return true on success (else see GetError())
     */
    bool Commit();

    /**
     * \brief Commit by itself from the Add*() functions whenever this much
     *        wall-clock time has passed since the last commit.
     * \param seconds the interval; 0 (the default): never (one transaction)
     */
    void SetCommitInterval(double seconds);

    /**
     * \brief The configuration a program got besides its own options: each
     *        attribute whose default differs from the one its TypeId
     *        declares (set with --ns3::Type::Attribute=... on the command
     *        line, or Config::SetDefault), named "ns3::Type::Attribute";
     *        every global value except RngSeed and RngRun (stored in the
     *        run row), under its name (SchedulerType, ChecksumEnabled, ...);
     *        and the NS_ATTRIBUTE_DEFAULT environment variable when set.
     *        Call it after CommandLine::Parse and before the program sets
     *        defaults of its own.
     * \return the parameters, sorted by name
     */
    static std::vector<Param> ConfigParams();

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
     * \brief Set the five-tuple of an entity of the run in progress (known
     *        only after the entity was added, e.g. a subflow's ports).
     * \param entityId an id from AddEntity()
     * \param fiveTuple the addresses and ports (empty: NULL)
     */
    void SetFiveTuple(int64_t entityId, const std::string& fiveTuple);

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
     * \brief Start a time series whose samples have a unit.
     * \param entityId an id from AddEntity(), or -1 for a run-level series
     * \param name e.g. "cwnd"
     * \param unit e.g. "byte" (may be empty: NULL)
     * \return the series id, or -1 on failure
     */
    int64_t AddSeries(int64_t entityId, const std::string& name, const std::string& unit);

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
    /**
     * \brief Take the exclusive lock of m_path (m_lockFd).
     * \param error receives the reason on failure
     * \return true when this object holds the lock
     */
    bool Lock(std::string* error);
    /** \brief Release the lock taken by Lock(). */
    void Unlock();
    /**
     * \brief What every Open* checks first: no file open yet, a path given;
     *        clears the last error and the current run.
     * \param path the results file
     * \param err receives the reason on failure
     * \return true when opening may go on
     */
    bool StartOpen(const std::string& path, std::string& err);
    /**
     * \brief Open m_path with SQLite, set the pragmas, prepare statements.
     * \param create true to write the schema (a new, empty file)
     * \param error receives the reason on failure
     * \return true on success
     */
    bool OpenDb(bool create, std::string* error);
    /**
     * \brief Delete the rows of a run (samples, series, metrics, entities;
     *        the run row itself when withRun), in the open transaction.
     * \param runId the run
     * \param withRun true to delete the run row too
     * \return true on success
     */
    bool DeleteRun(int64_t runId, bool withRun);
    /**
     * \brief Commit when the commit interval has passed.
     * \return false when that commit failed (see GetError())
     */
    bool MaybeCommit();

    sqlite3* m_db;                //!< the open file, or null
    std::string m_path;           //!< its path
    std::string m_error;          //!< the first error, sticky
    RunInfo m_info;               //!< facts for the next BeginRun()
    int64_t m_runId;              //!< the run in progress, or -1
    sqlite3_stmt* m_insEntity;    //!< INSERT INTO entity
    sqlite3_stmt* m_insMetric;    //!< INSERT INTO metric
    sqlite3_stmt* m_insSeries;    //!< INSERT INTO series
    sqlite3_stmt* m_insSample;    //!< INSERT INTO sample
    int m_lockFd;                 //!< the locked descriptor of m_path, or -1
    bool m_replaceRun;            //!< see SetReplaceRun()
    double m_commitInterval;      //!< see SetCommitInterval()
    int64_t m_lastCommitNs;       //!< steady clock at the last commit
    uint32_t m_addsSinceCheck;    //!< Add*() calls since the clock was read
};

} // namespace ns3

#endif /* MPTCP_RESULTS_H */
