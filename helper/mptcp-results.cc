// SPDX-License-Identifier: GPL-2.0-only

#include "mptcp-results.h"

#include "mptcp-results-schema.h"

#include "ns3/global-value.h"
#include "ns3/log.h"
#include "ns3/type-id.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/**
 * \brief The version the embedded schema declares (its schema_version row).
 * \return the version, or -1 when the schema cannot be run
 */
int
SchemaVersion()
{
    static int version = [] {
        int v = -1;
        sqlite3* db = nullptr;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
            sqlite3_exec(db, mptcpresults::kSchemaSql, nullptr, nullptr, nullptr) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
        {
            v = sqlite3_column_int(st, 0);
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
    }();
    return version;
}

/**
 * \brief SQLite's message, with a plain reading of the one that puzzles.
 * \param msg SQLite's message
 * \param path the results file
 * \return the text to report
 */
std::string
Explain(const std::string& msg, const std::string& path)
{
    if (msg.find("attempt to write a readonly database") != std::string::npos)
    {
        return msg + " (the file or its folder is not writable; if '" + path +
               "-journal' exists, a process writing the file was killed and SQLite must "
               "roll that journal back before the file can be used, which needs write "
               "access to the file and its folder)";
    }
    return msg;
}

} // namespace

MptcpResults::MptcpResults()
    : m_db(nullptr),
      m_runId(-1),
      m_insEntity(nullptr),
      m_insMetric(nullptr),
      m_insSeries(nullptr),
      m_insSample(nullptr),
      m_lockFd(-1),
      m_replaceRun(false),
      m_commitInterval(0),
      m_lastCommitNs(0),
      m_addsSinceCheck(0)
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
    Fail(what + ": " + Explain(m_db ? sqlite3_errmsg(m_db) : "no database", m_path) +
         " (results file '" + m_path + "')");
}

bool
MptcpResults::Exec(const char* sql)
{
    char* msg = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK)
    {
        std::string text = Explain(msg ? msg : sqlite3_errmsg(m_db), m_path);
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
MptcpResults::Lock(std::string* error)
{
    m_lockFd = open(m_path.c_str(), O_RDWR | O_CLOEXEC);
    if (m_lockFd < 0)
    {
        *error = "cannot open results file '" + m_path + "': " + std::strerror(errno);
        return false;
    }
    // flock, not fcntl: SQLite's own locks are fcntl locks, which this
    // descriptor must not disturb; it stays open until after sqlite3_close.
    if (flock(m_lockFd, LOCK_EX | LOCK_NB) != 0)
    {
        *error = errno == EWOULDBLOCK
                     ? "results file '" + m_path +
                           "' is being written by another process (a run into the same "
                           "output folder is still going on)"
                     : "cannot lock results file '" + m_path + "': " + std::strerror(errno);
        Unlock();
        return false;
    }
    return true;
}

void
MptcpResults::Unlock()
{
    if (m_lockFd >= 0)
    {
        close(m_lockFd);
        m_lockFd = -1;
    }
}

bool
MptcpResults::OpenDb(bool create, std::string* error)
{
    if (sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    {
        *error = "cannot open results file '" + m_path + "': " +
                 Explain(m_db ? sqlite3_errmsg(m_db) : "out of memory", m_path);
        sqlite3_close(m_db);
        m_db = nullptr;
        return false;
    }
    // A run's data is one transaction: a page cache of up to 64 MiB keeps
    // its pages (about 2 million samples) out of the rollback journal.
    // Readers (a merge, someone looking with sqlite3) hold their lock for a
    // moment: a commit waits for them rather than failing the run.
    sqlite3_busy_timeout(m_db, 10000);
    bool ok = Exec("PRAGMA foreign_keys = ON;") && Exec("PRAGMA cache_size = -65536;");
    if (ok && create)
    {
        ok = Exec("BEGIN;") && Exec(mptcpresults::kSchemaSql) && Exec("COMMIT;");
    }
    else if (ok)
    {
        // An existing file: the first read rolls back a journal left by a
        // writer that was killed; then it must be ours, in this version.
        sqlite3_stmt* st = nullptr;
        ok = Prepare("SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                     "name IN ('schema_version', 'campaign', 'point', 'param', 'run', "
                     "'entity', 'metric', 'series', 'sample')), "
                     "(SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version')",
                     &st);
        if (ok && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 9)
        {
            sqlite3_finalize(st);
            st = nullptr;
            ok = Prepare("SELECT version FROM schema_version", &st);
            int version = ok && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
            if (ok && version != SchemaVersion())
            {
                Fail("results file '" + m_path + "' has schema version " +
                     std::to_string(version) + "; this program writes version " +
                     std::to_string(SchemaVersion()) +
                     " (write to another output folder)");
                ok = false;
            }
        }
        else if (ok)
        {
            if (m_error.empty() && sqlite3_errcode(m_db) != SQLITE_OK &&
                sqlite3_errcode(m_db) != SQLITE_ROW && sqlite3_errcode(m_db) != SQLITE_DONE)
            {
                FailDb("cannot read results file");
            }
            Fail("'" + m_path + "' exists but is not a results file of this module " +
                 "(write to another output folder)");
            ok = false;
        }
        sqlite3_finalize(st);
    }
    ok = ok &&
         Prepare("INSERT INTO entity (run_id, kind, label, five_tuple) VALUES (?, ?, ?, ?)",
                 &m_insEntity) &&
         Prepare("INSERT INTO metric (run_id, entity_id, name, value, unit) "
                 "VALUES (?, ?, ?, ?, ?)",
                 &m_insMetric) &&
         Prepare("INSERT INTO series (run_id, entity_id, name, unit) VALUES (?, ?, ?, ?)",
                 &m_insSeries) &&
         Prepare("INSERT INTO sample (series_id, t_ns, value) VALUES (?, ?, ?)", &m_insSample);
    if (!ok)
    {
        *error = m_error;
        FinalizeStatements();
        sqlite3_close(m_db);
        m_db = nullptr;
        return false;
    }
    return true;
}

bool
MptcpResults::StartOpen(const std::string& path, std::string& err)
{
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
    return true;
}

bool
MptcpResults::Open(const std::string& path, bool replace, std::string* error)
{
    NS_LOG_FUNCTION(this << path << replace);
    std::string dummy;
    std::string& err = error ? *error : dummy;
    if (!StartOpen(path, err))
    {
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
    if (!Lock(&err) || !OpenDb(true, &err))
    {
        Unlock();
        unlink(path.c_str());
        return false;
    }
    return true;
}

bool
MptcpResults::OpenAppend(const std::string& path, std::string* error)
{
    NS_LOG_FUNCTION(this << path);
    std::string dummy;
    std::string& err = error ? *error : dummy;
    if (!StartOpen(path, err))
    {
        return false;
    }
    // Create it when missing (O_EXCL: of two processes, one creates it).
    bool created = false;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0)
    {
        close(fd);
        created = true;
    }
    else if (errno != EEXIST)
    {
        err = "cannot create results file '" + path + "': " + std::strerror(errno);
        return false;
    }
    m_path = path;
    if (!Lock(&err))
    {
        return false;
    }
    // A file that another process created but has not filled yet is empty:
    // it gets the schema like a new one (we hold the lock now).
    struct stat st;
    if (!created && stat(path.c_str(), &st) == 0 && st.st_size == 0)
    {
        created = true;
    }
    if (!OpenDb(created, &err))
    {
        Unlock();
        if (created)
        {
            unlink(path.c_str());
        }
        return false;
    }
    return true;
}

std::string
MptcpResults::FindRun(const std::string& campaign,
                      const std::string& scenario,
                      const std::vector<Param>& params,
                      uint32_t rngSeed,
                      uint64_t rngRun)
{
    if (m_db == nullptr)
    {
        return "";
    }
    std::string status;
    sqlite3_stmt* st = nullptr;
    if (!Prepare("SELECT r.status FROM run AS r JOIN point AS p ON p.id = r.point_id "
                 "JOIN campaign AS c ON c.id = p.campaign_id "
                 "WHERE c.name = ? AND c.scenario = ? AND p.params_hash = ? "
                 "AND r.rng_seed = ? AND r.rng_run = ?",
                 &st))
    {
        return "";
    }
    BindText(st, 1, campaign);
    BindText(st, 2, scenario);
    BindText(st, 3, ParamsHash(CanonicalParamsJson(params)));
    sqlite3_bind_int64(st, 4, rngSeed);
    sqlite3_bind_int64(st, 5, static_cast<int64_t>(rngRun));
    if (sqlite3_step(st) == SQLITE_ROW)
    {
        const unsigned char* t = sqlite3_column_text(st, 0);
        status = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(st);
    return status;
}

void
MptcpResults::SetReplaceRun(bool replace)
{
    m_replaceRun = replace;
}

void
MptcpResults::SetCommitInterval(double seconds)
{
    m_commitInterval = seconds > 0 ? seconds : 0;
}

bool
MptcpResults::Commit()
{
    if (!CanAdd("Commit"))
    {
        return false;
    }
    if (!Exec("COMMIT;") || !Exec("BEGIN;"))
    {
        return false;
    }
    m_lastCommitNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    return true;
}

bool
MptcpResults::MaybeCommit()
{
    // Read the clock every 256 calls only: samples come by the million.
    if (m_commitInterval <= 0 || ++m_addsSinceCheck < 256)
    {
        return true;
    }
    m_addsSinceCheck = 0;
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
    if (static_cast<double>(now - m_lastCommitNs) >= m_commitInterval * 1e9)
    {
        return Commit();
    }
    return true;
}

bool
MptcpResults::DeleteRun(int64_t runId, bool withRun)
{
    static const char* const kDelete[] = {
        "DELETE FROM sample WHERE series_id IN (SELECT id FROM series WHERE run_id = ?)",
        "DELETE FROM series WHERE run_id = ?",
        "DELETE FROM metric WHERE run_id = ?",
        "DELETE FROM entity WHERE run_id = ?",
        "DELETE FROM run WHERE id = ?",
    };
    for (size_t i = 0; i < sizeof(kDelete) / sizeof(kDelete[0]) - (withRun ? 0 : 1); i++)
    {
        sqlite3_stmt* st = nullptr;
        if (!Prepare(kDelete[i], &st))
        {
            return false;
        }
        sqlite3_bind_int64(st, 1, runId);
        bool ok = StepDone(st, "the deletion of an old run");
        sqlite3_finalize(st);
        if (!ok)
        {
            return false;
        }
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

std::vector<MptcpResults::Param>
MptcpResults::ConfigParams()
{
    std::vector<Param> out;
    // Attributes: CommandLine (--ns3::Type::Attribute=v) and Config::SetDefault
    // replace a TypeId's initialValue; originalInitialValue keeps the declared
    // default. Only the changed ones are parameters.
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); i++)
    {
        TypeId tid = TypeId::GetRegistered(i);
        for (std::size_t j = 0; j < tid.GetAttributeN(); j++)
        {
            TypeId::AttributeInformation info = tid.GetAttribute(j);
            if (!info.initialValue || !info.originalInitialValue ||
                info.initialValue == info.originalInitialValue)
            {
                continue;
            }
            std::string now = info.initialValue->SerializeToString(info.checker);
            if (now != info.originalInitialValue->SerializeToString(info.checker))
            {
                out.emplace_back(tid.GetName() + "::" + info.name, now);
            }
        }
    }
    // Global values: every one (an initial value given by NS_GLOBAL_VALUE is
    // not told apart from the declared one), except the RNG seed and run
    // number, which are the run's key.
    for (auto it = GlobalValue::Begin(); it != GlobalValue::End(); ++it)
    {
        const std::string name = (*it)->GetName();
        if (name == "RngSeed" || name == "RngRun")
        {
            continue;
        }
        Ptr<const AttributeChecker> checker = (*it)->GetChecker();
        Ptr<AttributeValue> v = checker->Create();
        (*it)->GetValue(*v);
        out.emplace_back(name, v->SerializeToString(checker));
    }
    // Defaults from the environment apply when objects are constructed,
    // without changing initialValue: record the variable itself.
    if (const char* env = std::getenv("NS_ATTRIBUTE_DEFAULT"))
    {
        if (*env != '\0')
        {
            out.emplace_back("NS_ATTRIBUTE_DEFAULT", env);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
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
    // The campaign and the point may be in the file already (OpenAppend).
    bool ok = Prepare("INSERT OR IGNORE INTO campaign (name, scenario, module_version, "
                      "ns3_version, created_at, schema_version) "
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
    int64_t campaignId = -1;
    ok = ok && Prepare("SELECT id FROM campaign WHERE name = ? AND scenario = ?", &st);
    if (ok)
    {
        BindText(st, 1, campaign);
        BindText(st, 2, scenario);
        if (sqlite3_step(st) == SQLITE_ROW)
        {
            campaignId = sqlite3_column_int64(st, 0);
        }
    }
    FinalizeStatement(&st);

    ok = ok && Prepare("INSERT OR IGNORE INTO point (campaign_id, params_json, params_hash) "
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
    int64_t pointId = -1;
    ok = ok && Prepare("SELECT id, params_json FROM point WHERE campaign_id = ? AND "
                       "params_hash = ?",
                       &st);
    if (ok)
    {
        sqlite3_bind_int64(st, 1, campaignId);
        BindText(st, 2, hash);
        if (sqlite3_step(st) == SQLITE_ROW)
        {
            pointId = sqlite3_column_int64(st, 0);
            const unsigned char* t = sqlite3_column_text(st, 1);
            if (json != (t ? reinterpret_cast<const char*>(t) : ""))
            {
                Fail("BeginRun: params_hash " + hash + " names two parameter sets in '" +
                     m_path + "'");
                ok = false;
            }
        }
    }
    FinalizeStatement(&st);

    ok = ok && Prepare("INSERT OR IGNORE INTO param (point_id, name, value) VALUES (?, ?, ?)",
                       &st);
    for (size_t i = 0; ok && i < sorted.size(); i++)
    {
        sqlite3_bind_int64(st, 1, pointId);
        BindText(st, 2, sorted[i].first);
        BindText(st, 3, sorted[i].second);
        ok = StepDone(st, "a param row");
    }
    FinalizeStatement(&st);

    // A run with the same key: refused, or replaced with all of its data.
    ok = ok && Prepare("SELECT id, status FROM run WHERE point_id = ? AND rng_seed = ? AND "
                       "rng_run = ?",
                       &st);
    if (ok)
    {
        sqlite3_bind_int64(st, 1, pointId);
        sqlite3_bind_int64(st, 2, rngSeed);
        sqlite3_bind_int64(st, 3, static_cast<int64_t>(rngRun));
        if (sqlite3_step(st) == SQLITE_ROW)
        {
            int64_t oldId = sqlite3_column_int64(st, 0);
            const unsigned char* t = sqlite3_column_text(st, 1);
            std::string oldStatus = t ? reinterpret_cast<const char*>(t) : "";
            FinalizeStatement(&st);
            if (!m_replaceRun)
            {
                Fail("BeginRun: '" + m_path + "' holds this run already (same parameters, " +
                     "RngSeed " + std::to_string(rngSeed) + " and RngRun " +
                     std::to_string(rngRun) + ", status '" + oldStatus + "')");
                ok = false;
            }
            else
            {
                ok = DeleteRun(oldId, true);
            }
        }
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
    m_addsSinceCheck = 0;
    m_lastCommitNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
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
    if (!MaybeCommit())
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
MptcpResults::SetFiveTuple(int64_t entityId, const std::string& fiveTuple)
{
    if (!CanAdd("SetFiveTuple") || !MaybeCommit())
    {
        return;
    }
    sqlite3_stmt* st = nullptr;
    if (!Prepare("UPDATE entity SET five_tuple = ? WHERE id = ? AND run_id = ?", &st))
    {
        return;
    }
    BindTextOrNull(st, 1, fiveTuple);
    sqlite3_bind_int64(st, 2, entityId);
    sqlite3_bind_int64(st, 3, m_runId);
    if (StepDone(st, "a five-tuple") && sqlite3_changes(m_db) != 1)
    {
        Fail("SetFiveTuple: entity " + std::to_string(entityId) + " is not one of the run's");
    }
    sqlite3_finalize(st);
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
    if (!MaybeCommit())
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
    return AddSeries(entityId, name, "");
}

int64_t
MptcpResults::AddSeries(int64_t entityId, const std::string& name, const std::string& unit)
{
    if (!CanAdd("AddSeries"))
    {
        return -1;
    }
    if (!MaybeCommit())
    {
        return -1;
    }
    sqlite3_bind_int64(m_insSeries, 1, m_runId);
    BindEntity(m_insSeries, 2, entityId);
    BindText(m_insSeries, 3, name);
    BindTextOrNull(m_insSeries, 4, unit);
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
    if (!MaybeCommit())
    {
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
    // What Commit() had written of a failed run goes too.
    bool ok = (dataOk || DeleteRun(runId, false)) &&
              Prepare("UPDATE run SET status = ?, exit_code = ?, wall_s = ? WHERE id = ?", &st);
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
    Unlock();
}

} // namespace ns3
