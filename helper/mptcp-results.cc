// SPDX-License-Identifier: GPL-2.0-only

#include "mptcp-results.h"

#include "mptcp-results-schema.h"

#include "ns3/log.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpResults");

namespace
{

/**
 * \brief Bind a text, or NULL when it is empty.
 * \param stmt the statement
 * \param idx the parameter index (from 1)
 * \param s the text
 * \return the SQLite result code
 */
int
BindTextOrNull(sqlite3_stmt* stmt, int idx, const std::string& s)
{
    if (s.empty())
    {
        return sqlite3_bind_null(stmt, idx);
    }
    return sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

/**
 * \brief Bind a text that may be empty (stored as '').
 * \param stmt the statement
 * \param idx the parameter index (from 1)
 * \param s the text
 * \return the SQLite result code
 */
int
BindText(sqlite3_stmt* stmt, int idx, const std::string& s)
{
    return sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

/**
 * \brief Bind a double, or NULL for NaN.
 * \param stmt the statement
 * \param idx the parameter index (from 1)
 * \param v the value
 * \return the SQLite result code
 */
int
BindDoubleOrNull(sqlite3_stmt* stmt, int idx, double v)
{
    if (std::isnan(v))
    {
        return sqlite3_bind_null(stmt, idx);
    }
    return sqlite3_bind_double(stmt, idx, v);
}

/**
 * \brief Bind an entity id, or NULL for a negative one (run level).
 * \param stmt the statement
 * \param idx the parameter index (from 1)
 * \param id the id
 * \return the SQLite result code
 */
int
BindEntity(sqlite3_stmt* stmt, int idx, int64_t id)
{
    if (id < 0)
    {
        return sqlite3_bind_null(stmt, idx);
    }
    return sqlite3_bind_int64(stmt, idx, id);
}

/**
 * \brief Finalize a statement and clear the pointer.
 * \param stmt the statement pointer
 */
void
FinalizeStatement(sqlite3_stmt** stmt)
{
    if (*stmt != nullptr)
    {
        sqlite3_finalize(*stmt);
        *stmt = nullptr;
    }
}

/**
 * \brief Remove a file, ignoring a missing one.
 * \param path the file
 * \param error receives the reason on failure
 * \return true when the file no longer exists
 */
bool
RemoveIfExists(const std::string& path, std::string* error)
{
    if (unlink(path.c_str()) == 0 || errno == ENOENT)
    {
        return true;
    }
    *error = "cannot remove '" + path + "': " + std::strerror(errno);
    return false;
}

} // namespace

MptcpResults::MptcpResults()
    : m_db(nullptr),
      m_runId(-1),
      m_insEntity(nullptr),
      m_insMetric(nullptr),
      m_insSeries(nullptr),
      m_insSample(nullptr)
{
}

MptcpResults::~MptcpResults()
{
    Close();
}

bool
MptcpResults::IsOpen() const
{
    return m_db != nullptr;
}

const std::string&
MptcpResults::GetError() const
{
    return m_error;
}

void
MptcpResults::Fail(const std::string& what)
{
    if (m_error.empty())
    {
        m_error = what;
        NS_LOG_WARN("results " << m_path << ": " << what);
    }
}

void
MptcpResults::FailDb(const std::string& what)
{
    Fail(what + ": " + (m_db ? sqlite3_errmsg(m_db) : "no database") + " (results file '" +
         m_path + "')");
}

bool
MptcpResults::Exec(const char* sql)
{
    char* msg = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    {
        std::string text = msg ? msg : sqlite3_errmsg(m_db);
        sqlite3_free(msg);
        Fail(text + " (results file '" + m_path + "')");
        return false;
    }
    return true;
}

bool
MptcpResults::Prepare(const char* sql, sqlite3_stmt** stmt)
{
    if (sqlite3_prepare_v2(m_db, sql, -1, stmt, nullptr) != SQLITE_OK)
    {
        FailDb(std::string("cannot prepare '") + sql + "'");
        return false;
    }
    return true;
}

bool
MptcpResults::StepDone(sqlite3_stmt* stmt, const char* what)
{
    int rc = sqlite3_step(stmt);
    bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok)
    {
        FailDb(std::string("cannot write ") + what);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return ok;
}

void
MptcpResults::FinalizeStatements()
{
    FinalizeStatement(&m_insEntity);
    FinalizeStatement(&m_insMetric);
    FinalizeStatement(&m_insSeries);
    FinalizeStatement(&m_insSample);
}

bool
MptcpResults::Open(const std::string& path, bool replace, std::string* error)
{
    NS_LOG_FUNCTION(this << path << replace);
    std::string dummy;
    std::string& err = error ? *error : dummy;
    if (m_db != nullptr)
    {
        err = "results file '" + m_path + "' is already open";
        return false;
    }
    m_error.clear();
    m_runId = -1;
    if (path.empty())
    {
        err = "results file: empty path";
        return false;
    }
    if (replace)
    {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        {
            if (!RemoveIfExists(path + suffix, &err))
            {
                return false;
            }
        }
    }
    // Create the file exclusively: an existing file is never overwritten by
    // accident, and two processes cannot both believe they created it.
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
    {
        if (errno == EEXIST)
        {
            err = "results file '" + path +
                  "' already exists (remove it, choose another path, or ask for it to be "
                  "replaced)";
        }
        else
        {
            err = "cannot create results file '" + path + "': " + std::strerror(errno);
        }
        return false;
    }
    close(fd);

    m_path = path;
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        err = "cannot open results file '" + path + "': " +
              (m_db ? sqlite3_errmsg(m_db) : "out of memory");
        sqlite3_close(m_db);
        m_db = nullptr;
        unlink(path.c_str());
        return false;
    }
    // A run's data is one transaction: a page cache of up to 64 MiB keeps
    // its pages (about 2 million samples) out of the rollback journal.
    bool ok = Exec("PRAGMA foreign_keys = ON;") && Exec("PRAGMA cache_size = -65536;") &&
              Exec("BEGIN;") &&
              Exec(mptcpresults::kSchemaSql) && Exec("COMMIT;") &&
              Prepare("INSERT INTO entity (run_id, kind, label, five_tuple) VALUES (?, ?, ?, ?)",
                      &m_insEntity) &&
              Prepare("INSERT INTO metric (run_id, entity_id, name, value, unit) "
                      "VALUES (?, ?, ?, ?, ?)",
                      &m_insMetric) &&
              Prepare("INSERT INTO series (run_id, entity_id, name) VALUES (?, ?, ?)",
                      &m_insSeries) &&
              Prepare("INSERT INTO sample (series_id, t_ns, value) VALUES (?, ?, ?)",
                      &m_insSample);
    if (!ok)
    {
        err = m_error;
        FinalizeStatements();
        sqlite3_close(m_db);
        m_db = nullptr;
        unlink(path.c_str());
        return false;
    }
    return true;
}

void
MptcpResults::SetRunInfo(const RunInfo& info)
{
    m_info = info;
}

std::string
MptcpResults::CanonicalParamsJson(std::vector<Param> params)
{
    std::sort(params.begin(), params.end());
    auto quote = [](const std::string& s) {
        static const char hex[] = "0123456789abcdef";
        std::string out = "\"";
        for (char ch : s)
        {
            auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\')
            {
                out += '\\';
                out += ch;
            }
            else if (c < 0x20 || c == 0x7f)
            {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0x0f];
            }
            else
            {
                out += ch;
            }
        }
        out += '"';
        return out;
    };
    std::string json = "{";
    for (size_t i = 0; i < params.size(); i++)
    {
        if (i > 0)
        {
            json += ',';
        }
        json += quote(params[i].first);
        json += ':';
        json += quote(params[i].second);
    }
    json += '}';
    return json;
}

std::string
MptcpResults::ParamsHash(const std::string& text)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char ch : text)
    {
        h ^= static_cast<unsigned char>(ch);
        h *= 0x100000001b3ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

int64_t
MptcpResults::BeginRun(const std::string& campaign,
                       const std::string& scenario,
                       const std::vector<Param>& params,
                       uint32_t rngSeed,
                       uint64_t rngRun,
                       const std::string& cmdline)
{
    NS_LOG_FUNCTION(this << campaign << scenario << rngSeed << rngRun);
    if (m_db == nullptr)
    {
        m_error = "BeginRun: no results file is open";
        return -1;
    }
    if (m_runId >= 0)
    {
        Fail("BeginRun: run " + std::to_string(m_runId) + " is still in progress");
        return -1;
    }
    m_error.clear();
    if (campaign.empty() || scenario.empty())
    {
        Fail("BeginRun: the campaign and scenario names must not be empty");
        return -1;
    }
    std::vector<Param> sorted = params;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 1; i < sorted.size(); i++)
    {
        if (sorted[i].first == sorted[i - 1].first)
        {
            Fail("BeginRun: parameter '" + sorted[i].first + "' is given twice");
            return -1;
        }
    }
    if (rngRun > static_cast<uint64_t>(INT64_MAX))
    {
        Fail("BeginRun: rngRun " + std::to_string(rngRun) + " does not fit in an SQLite integer");
        return -1;
    }
    std::string json = CanonicalParamsJson(sorted);
    std::string hash = ParamsHash(json);

    if (!Exec("BEGIN;"))
    {
        return -1;
    }
    sqlite3_stmt* st = nullptr;
    bool ok = Prepare("INSERT INTO campaign (name, scenario, module_version, ns3_version, "
                      "created_at, schema_version) "
                      "VALUES (?, ?, ?, ?, ?, (SELECT version FROM schema_version))",
                      &st);
    if (ok)
    {
        BindText(st, 1, campaign);
        BindText(st, 2, scenario);
        BindTextOrNull(st, 3, m_info.moduleVersion);
        BindTextOrNull(st, 4, m_info.ns3Version);
        BindTextOrNull(st, 5, m_info.createdAt);
        ok = StepDone(st, "the campaign row");
    }
    FinalizeStatement(&st);
    int64_t campaignId = sqlite3_last_insert_rowid(m_db);

    ok = ok && Prepare("INSERT INTO point (campaign_id, params_json, params_hash) "
                       "VALUES (?, ?, ?)",
                       &st);
    if (ok)
    {
        sqlite3_bind_int64(st, 1, campaignId);
        BindText(st, 2, json);
        BindText(st, 3, hash);
        ok = StepDone(st, "the point row");
    }
    FinalizeStatement(&st);
    int64_t pointId = sqlite3_last_insert_rowid(m_db);

    ok = ok && Prepare("INSERT INTO param (point_id, name, value) VALUES (?, ?, ?)", &st);
    for (size_t i = 0; ok && i < sorted.size(); i++)
    {
        sqlite3_bind_int64(st, 1, pointId);
        BindText(st, 2, sorted[i].first);
        BindText(st, 3, sorted[i].second);
        ok = StepDone(st, "a param row");
    }
    FinalizeStatement(&st);

    ok = ok && Prepare("INSERT INTO run (point_id, rng_seed, rng_run, status, host, engine, "
                       "engine_job_id, cmdline, started_at) "
                       "VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)",
                       &st);
    if (ok)
    {
        sqlite3_bind_int64(st, 1, pointId);
        sqlite3_bind_int64(st, 2, rngSeed);
        sqlite3_bind_int64(st, 3, static_cast<int64_t>(rngRun));
        BindTextOrNull(st, 4, m_info.host);
        BindTextOrNull(st, 5, m_info.engine);
        BindTextOrNull(st, 6, m_info.engineJobId);
        BindTextOrNull(st, 7, cmdline);
        BindTextOrNull(st, 8, m_info.startedAt);
        ok = StepDone(st, "the run row");
    }
    FinalizeStatement(&st);
    int64_t runId = sqlite3_last_insert_rowid(m_db);

    if (!ok || !Exec("COMMIT;"))
    {
        sqlite3_exec(m_db, "ROLLBACK;", nullptr, nullptr, nullptr);
        return -1;
    }
    // The data of the run: one transaction until EndRun().
    if (!Exec("BEGIN;"))
    {
        return -1;
    }
    m_runId = runId;
    return runId;
}

bool
MptcpResults::CanAdd(const char* what)
{
    if (!m_error.empty())
    {
        return false;
    }
    if (m_db == nullptr || m_runId < 0)
    {
        Fail(std::string(what) + ": no run in progress (call Open() and BeginRun() first)");
        return false;
    }
    return true;
}

int64_t
MptcpResults::AddEntity(const std::string& kind,
                        const std::string& label,
                        const std::string& fiveTuple)
{
    if (!CanAdd("AddEntity"))
    {
        return -1;
    }
    sqlite3_bind_int64(m_insEntity, 1, m_runId);
    BindText(m_insEntity, 2, kind);
    BindText(m_insEntity, 3, label);
    BindTextOrNull(m_insEntity, 4, fiveTuple);
    if (!StepDone(m_insEntity, "an entity row"))
    {
        return -1;
    }
    return sqlite3_last_insert_rowid(m_db);
}

void
MptcpResults::AddMetric(int64_t entityId,
                        const std::string& name,
                        double value,
                        const std::string& unit)
{
    if (!CanAdd("AddMetric"))
    {
        return;
    }
    sqlite3_bind_int64(m_insMetric, 1, m_runId);
    BindEntity(m_insMetric, 2, entityId);
    BindText(m_insMetric, 3, name);
    BindDoubleOrNull(m_insMetric, 4, value);
    BindTextOrNull(m_insMetric, 5, unit);
    StepDone(m_insMetric, ("metric '" + name + "'").c_str());
}

int64_t
MptcpResults::AddSeries(int64_t entityId, const std::string& name)
{
    if (!CanAdd("AddSeries"))
    {
        return -1;
    }
    sqlite3_bind_int64(m_insSeries, 1, m_runId);
    BindEntity(m_insSeries, 2, entityId);
    BindText(m_insSeries, 3, name);
    if (!StepDone(m_insSeries, "a series row"))
    {
        return -1;
    }
    return sqlite3_last_insert_rowid(m_db);
}

void
MptcpResults::AddSample(int64_t seriesId, int64_t tNs, double value)
{
    if (!m_error.empty() || m_runId < 0)
    {
        CanAdd("AddSample");
        return;
    }
    sqlite3_bind_int64(m_insSample, 1, seriesId);
    sqlite3_bind_int64(m_insSample, 2, tNs);
    BindDoubleOrNull(m_insSample, 3, value);
    int rc = sqlite3_step(m_insSample);
    if (rc != SQLITE_DONE)
    {
        FailDb("cannot write a sample of series " + std::to_string(seriesId));
    }
    sqlite3_reset(m_insSample);
}

void
MptcpResults::AddSample(int64_t seriesId, Time t, double value)
{
    AddSample(seriesId, t.GetNanoSeconds(), value);
}

bool
MptcpResults::EndRun(const std::string& status, int exitCode, double wallS, std::string* error)
{
    NS_LOG_FUNCTION(this << status << exitCode << wallS);
    std::string dummy;
    std::string& err = error ? *error : dummy;
    if (m_db == nullptr || m_runId < 0)
    {
        err = "EndRun: no run in progress";
        return false;
    }
    int64_t runId = m_runId;
    m_runId = -1;
    bool dataOk = m_error.empty();
    std::string finalStatus = status;
    if (!dataOk)
    {
        // Keep the database consistent: drop the partial data, keep the run
        // row and say why it failed.
        sqlite3_exec(m_db, "ROLLBACK;", nullptr, nullptr, nullptr);
        finalStatus = "failed: " + m_error;
        if (sqlite3_exec(m_db, "BEGIN;", nullptr, nullptr, nullptr) != SQLITE_OK)
        {
            err = m_error;
            return false;
        }
    }
    sqlite3_stmt* st = nullptr;
    std::string saved = m_error;
    m_error.clear();
    bool ok = Prepare("UPDATE run SET status = ?, exit_code = ?, wall_s = ? WHERE id = ?", &st);
    if (ok)
    {
        BindText(st, 1, finalStatus);
        sqlite3_bind_int(st, 2, exitCode);
        if (wallS < 0 || std::isnan(wallS))
        {
            sqlite3_bind_null(st, 3);
        }
        else
        {
            sqlite3_bind_double(st, 3, wallS);
        }
        sqlite3_bind_int64(st, 4, runId);
        ok = StepDone(st, "the run status");
    }
    FinalizeStatement(&st);
    ok = ok && Exec("COMMIT;");
    if (!ok)
    {
        sqlite3_exec(m_db, "ROLLBACK;", nullptr, nullptr, nullptr);
    }
    if (!saved.empty())
    {
        m_error = saved;
    }
    if (!m_error.empty())
    {
        err = m_error;
        return false;
    }
    return true;
}

void
MptcpResults::Close()
{
    if (m_db == nullptr)
    {
        return;
    }
    if (m_runId >= 0)
    {
        // An unfinished run: its data is rolled back, its "running" row
        // stays, committed by BeginRun().
        sqlite3_exec(m_db, "ROLLBACK;", nullptr, nullptr, nullptr);
        m_runId = -1;
    }
    FinalizeStatements();
    if (sqlite3_close(m_db) != SQLITE_OK)
    {
        NS_LOG_WARN("results " << m_path << ": close: " << sqlite3_errmsg(m_db));
    }
    m_db = nullptr;
}

} // namespace ns3
