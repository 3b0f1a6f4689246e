// SPDX-License-Identifier: GPL-2.0-only

// Tests of the results helpers: ns3::MptcpResults writes a run file that
// SQLite's C API reads back row for row, with a stable params_hash and
// identical query output for identical runs; errors are reported, not
// fatal, and never leave half a run behind; the statistics match hand
// computations; ns3::MptcpPlot writes the expected data and script, and
// images when gnuplot is installed.

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/mptcp-plot.h"
#include "ns3/mptcp-results.h"
#include "ns3/mptcp-stats.h"
#include "ns3/nstime.h"
#include "ns3/test.h"

#include <sqlite3.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

/** The parameters of the runs under test, deliberately not sorted. */
const std::vector<MptcpResults::Param> kParams = {
    {"rate", "10Mbps"},
    {"nSubflows", "2"},
    {"cc", "lia"},
    {"label", "a \"q\"\\b\tz"},
};

/** Their canonical JSON, worked out by hand. */
const char kParamsJson[] =
    R"({"cc":"lia","label":"a \"q\"\\b\u0009z","nSubflows":"2","rate":"10Mbps"})";

/** FNV-1a 64 of kParamsJson, computed independently of the module. */
const char kParamsHash[] = "6103b31f61e10139";

/** Samples written to the cwnd series of the full run. */
const int64_t kSamples = 200000;

/**
 * \brief Create a fresh temporary folder.
 * \return its path, or empty on failure
 */
std::string
MakeTempDir()
{
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mptcp-results-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr)
    {
        return "";
    }
    return std::string(buf.data());
}

/**
 * \brief Remove a folder and everything in it (no symbolic links followed).
 * \param path the folder
 */
void
RemoveTree(const std::string& path)
{
    DIR* d = opendir(path.c_str());
    if (d == nullptr)
    {
        unlink(path.c_str());
        return;
    }
    std::vector<std::string> names;
    while (struct dirent* e = readdir(d))
    {
        std::string n = e->d_name;
        if (n != "." && n != "..")
        {
            names.push_back(n);
        }
    }
    closedir(d);
    for (const auto& n : names)
    {
        std::string p = path + "/" + n;
        struct stat st;
        if (lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        {
            RemoveTree(p);
        }
        else
        {
            unlink(p.c_str());
        }
    }
    rmdir(path.c_str());
}

/**
 * \brief Read a whole file.
 * \param path the file
 * \return its bytes (empty when it cannot be read)
 */
std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream oss;
    oss << in.rdbuf();
    return oss.str();
}

/**
 * \brief Whether a file exists.
 * \param path the file
 * \return true if so
 */
bool
Exists(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

/**
 * \brief A read-only connection to a results file, with one-value queries.
 */
class Reader
{
  public:
    /**
     * \brief Open a file read-only.
     * \param path the file
     */
    explicit Reader(const std::string& path)
        : m_db(nullptr)
    {
        if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        {
            sqlite3_close(m_db);
            m_db = nullptr;
        }
    }

    ~Reader()
    {
        sqlite3_close(m_db);
    }

    /** \return true when the file is open */
    bool Ok() const
    {
        return m_db != nullptr;
    }

    /**
     * \brief Every row of a query, columns separated by '|', NULL as
     *        "NULL", numbers as SQLite prints them; rows end with '\n'.
     * \param sql the query
     * \return the text, or "ERROR: <message>"
     */
    std::string Rows(const std::string& sql)
    {
        if (!m_db)
        {
            return "ERROR: not open";
        }
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
        {
            return std::string("ERROR: ") + sqlite3_errmsg(m_db);
        }
        std::string out;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        {
            for (int i = 0; i < sqlite3_column_count(st); i++)
            {
                if (i > 0)
                {
                    out += '|';
                }
                if (sqlite3_column_type(st, i) == SQLITE_NULL)
                {
                    out += "NULL";
                }
                else
                {
                    out += reinterpret_cast<const char*>(sqlite3_column_text(st, i));
                }
            }
            out += '\n';
        }
        if (rc != SQLITE_DONE)
        {
            out = std::string("ERROR: ") + sqlite3_errmsg(m_db);
        }
        sqlite3_finalize(st);
        return out;
    }

    /**
     * \brief The first column of the first row, as a double.
     * \param sql the query
     * \return the value; NaN when there is no row, an error, or NULL
     */
    double Value(const std::string& sql)
    {
        double v = std::nan("");
        sqlite3_stmt* st = nullptr;
        if (m_db && sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        {
            v = sqlite3_column_double(st, 0);
        }
        sqlite3_finalize(st);
        return v;
    }

  private:
    sqlite3* m_db; //!< the connection
};

/**
 * \brief Write the reference run: two MPTCP subflows of one connection,
 *        two TCP flows, metrics and a long cwnd series.
 * \param path the file
 * \param error receives the reason on failure
 * \return true on success
 */
bool
WriteReferenceRun(const std::string& path, std::string* error)
{
    MptcpResults r;
    if (!r.Open(path, false, error))
    {
        return false;
    }
    MptcpResults::RunInfo info;
    info.moduleVersion = "0.1.0";
    info.ns3Version = "3.37";
    r.SetRunInfo(info);
    if (r.BeginRun("fairness", "mptcp-shared-bottleneck", kParams, 7, 3, "prog --rate=10Mbps") < 0)
    {
        *error = r.GetError();
        return false;
    }
    int64_t conn = r.AddEntity("connection", "mptcp0", "10.1.1.1:49153>10.2.2.2:5001");
    int64_t sf0 = r.AddEntity("subflow", "mptcp0/sf0", "10.1.1.1:49153>10.2.2.2:5001");
    int64_t sf1 = r.AddEntity("subflow", "mptcp0/sf1", "");
    int64_t tcp0 = r.AddEntity("tcp_flow", "tcp0", "");
    int64_t tcp1 = r.AddEntity("tcp_flow", "tcp1", "");
    r.AddMetric(conn, "goodput_bps", 6e6, "bit/s");
    r.AddMetric(sf0, "goodput_bps", 4e6, "bit/s");
    r.AddMetric(sf1, "goodput_bps", 2e6, "bit/s");
    r.AddMetric(tcp0, "goodput_bps", 5e6, "bit/s");
    r.AddMetric(tcp1, "goodput_bps", 3e6, "bit/s");
    r.AddMetric(-1, "events", 12345, "");
    r.AddMetric(-1, "undefined", std::nan(""), "");
    int64_t cwnd = r.AddSeries(sf0, "cwnd", "byte");
    int64_t q = r.AddSeries(-1, "queue");
    for (int64_t i = 0; i < kSamples; i++)
    {
        r.AddSample(cwnd, i * 1000, static_cast<double>(i % 100));
    }
    r.AddSample(q, MilliSeconds(5), 1.5);
    r.AddSample(q, Seconds(1), 2.5);
    return r.EndRun("ok", 0, -1, error);
}

/**
 * \brief Every table of a results file, ordered, as text.
 * \param path the file
 * \return the text
 */
std::string
DumpAll(const std::string& path)
{
    Reader db(path);
    std::string out;
    for (const char* table : {"schema_version", "campaign", "point", "param", "run", "entity",
                              "metric", "series", "sample"})
    {
        out += std::string("-- ") + table + "\n";
        out += db.Rows(std::string("SELECT * FROM ") + table + " ORDER BY rowid");
    }
    return out;
}

} // namespace

/**
 * \ingroup mptcp-test
 * \brief A test case with its own temporary folder.
 */
class MptcpResultsTempDirTestCase : public TestCase
{
  public:
    /**
     * \brief Constructor.
     * \param name the test case name
     */
    explicit MptcpResultsTempDirTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    void DoSetup() override
    {
        m_dir = MakeTempDir();
    }

    void DoTeardown() override
    {
        if (!m_dir.empty())
        {
            RemoveTree(m_dir);
        }
    }

    std::string m_dir; //!< the temporary folder, removed afterwards
};

/**
 * \ingroup mptcp-test
 * \brief A run is written and read back, row for row.
 */
class MptcpResultsRoundTripTest : public MptcpResultsTempDirTestCase
{
  public:
    MptcpResultsRoundTripTest()
        : MptcpResultsTempDirTestCase("run file written and read back with the sqlite3 C API")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_NE(m_dir, "", "temporary folder: " << std::strerror(errno));
        std::string path = m_dir + "/run.db";
        std::string err;
        bool ok = WriteReferenceRun(path, &err);
        NS_TEST_ASSERT_MSG_EQ(ok, true, "write: " << err);

        NS_TEST_EXPECT_MSG_EQ(MptcpResults::CanonicalParamsJson(kParams),
                              kParamsJson,
                              "canonical JSON");
        NS_TEST_EXPECT_MSG_EQ(MptcpResults::ParamsHash(kParamsJson), kParamsHash, "hash");
        NS_TEST_EXPECT_MSG_EQ(MptcpResults::ParamsHash(""), "cbf29ce484222325", "FNV offset");

        Reader db(path);
        NS_TEST_ASSERT_MSG_EQ(db.Ok(), true, "reopen");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT version FROM schema_version"), "2\n", "version");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT id, name, scenario, module_version, ns3_version, "
                                      "created_at, schema_version FROM campaign"),
                              "1|fairness|mptcp-shared-bottleneck|0.1.0|3.37|NULL|2\n",
                              "campaign row");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT campaign_id, params_json, params_hash FROM point"),
                              std::string("1|") + kParamsJson + "|" + kParamsHash + "\n",
                              "point row");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT name, value FROM param ORDER BY rowid"),
                              "cc|lia\nlabel|a \"q\"\\b\tz\nnSubflows|2\nrate|10Mbps\n",
                              "param rows, sorted");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT point_id, rng_seed, rng_run, status, exit_code, "
                                      "host, engine, engine_job_id, cmdline, started_at, wall_s "
                                      "FROM run"),
                              "1|7|3|ok|0|NULL|NULL|NULL|prog --rate=10Mbps|NULL|NULL\n",
                              "run row");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT id, run_id, kind, label, five_tuple FROM entity"),
                              "1|1|connection|mptcp0|10.1.1.1:49153>10.2.2.2:5001\n"
                              "2|1|subflow|mptcp0/sf0|10.1.1.1:49153>10.2.2.2:5001\n"
                              "3|1|subflow|mptcp0/sf1|NULL\n"
                              "4|1|tcp_flow|tcp0|NULL\n"
                              "5|1|tcp_flow|tcp1|NULL\n",
                              "entity rows");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT run_id, entity_id, name, value, unit FROM metric "
                                      "ORDER BY rowid"),
                              "1|1|goodput_bps|6000000.0|bit/s\n"
                              "1|2|goodput_bps|4000000.0|bit/s\n"
                              "1|3|goodput_bps|2000000.0|bit/s\n"
                              "1|4|goodput_bps|5000000.0|bit/s\n"
                              "1|5|goodput_bps|3000000.0|bit/s\n"
                              "1|NULL|events|12345.0|NULL\n"
                              "1|NULL|undefined|NULL|NULL\n",
                              "metric rows");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT id, run_id, entity_id, name, unit FROM series"),
                              "1|1|2|cwnd|byte\n2|1|NULL|queue|NULL\n",
                              "series rows");
        NS_TEST_EXPECT_MSG_EQ(db.Value("SELECT COUNT(*) FROM sample WHERE series_id = 1"),
                              kSamples,
                              "sample count");
        // sum over i of (i mod 100): 2000 full cycles of 0..99.
        NS_TEST_EXPECT_MSG_EQ(db.Value("SELECT SUM(value) FROM sample WHERE series_id = 1"),
                              (kSamples / 100) * 4950.0,
                              "sample sum");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT MIN(t_ns), MAX(t_ns) FROM sample "
                                      "WHERE series_id = 1"),
                              "0|" + std::to_string((kSamples - 1) * 1000) + "\n",
                              "sample times");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT t_ns, value FROM sample WHERE series_id = 2 "
                                      "ORDER BY t_ns"),
                              "5000000|1.5\n1000000000|2.5\n",
                              "samples at ns-3 times");

        // The views agree with the C++ statistics.
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT kind, label, goodput_bps FROM goodput "
                                      "ORDER BY entity_id"),
                              "connection|mptcp0|6000000.0\nsubflow|mptcp0/sf0|4000000.0\n"
                              "subflow|mptcp0/sf1|2000000.0\ntcp_flow|tcp0|5000000.0\n"
                              "tcp_flow|tcp1|3000000.0\n",
                              "goodput view");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT n_mptcp, n_tcp, mptcp_mean_bps, tcp_mean_bps, ratio "
                                      "FROM goodput_ratio"),
                              "1|2|6000000.0|4000000.0|1.5\n",
                              "goodput_ratio view");
        NS_TEST_EXPECT_MSG_EQ_TOL(db.Value("SELECT ratio FROM goodput_ratio"),
                                  MptcpGoodputRatio(6e6, {5e6, 3e6}),
                                  1e-12,
                                  "ratio view = MptcpGoodputRatio");
        double jain = MptcpJainIndex({6e6, 5e6, 3e6});
        NS_TEST_EXPECT_MSG_EQ_TOL(db.Value("SELECT jain FROM jain_goodput WHERE run_id = 1"),
                                  jain,
                                  1e-12,
                                  "jain view = MptcpJainIndex over connection and tcp flows");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT campaign, scenario, params_hash, rng_seed, rng_run, "
                                      "status FROM run_point"),
                              std::string("fairness|mptcp-shared-bottleneck|") + kParamsHash +
                                  "|7|3|ok\n",
                              "run_point view");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("PRAGMA integrity_check"), "ok\n", "integrity");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("PRAGMA foreign_key_check"), "", "foreign keys");
    }
};

/**
 * \ingroup mptcp-test
 * \brief The same run written twice gives the same rows, and wall-clock
 *        facts appear only when given.
 */
class MptcpResultsDeterminismTest : public MptcpResultsTempDirTestCase
{
  public:
    MptcpResultsDeterminismTest()
        : MptcpResultsTempDirTestCase("identical runs give identical query output")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_NE(m_dir, "", "temporary folder");
        std::string err;
        NS_TEST_ASSERT_MSG_EQ(WriteReferenceRun(m_dir + "/a.db", &err), true, err);
        NS_TEST_ASSERT_MSG_EQ(WriteReferenceRun(m_dir + "/b.db", &err), true, err);
        std::string a = DumpAll(m_dir + "/a.db");
        std::string b = DumpAll(m_dir + "/b.db");
        NS_TEST_EXPECT_MSG_EQ(a.find("ERROR"), std::string::npos, "dump: " << a.substr(0, 300));
        NS_TEST_EXPECT_MSG_GT(a.size(), 1000u, "dump has the samples");
        NS_TEST_EXPECT_MSG_EQ((a == b), true, "the two dumps differ");

        // Parameter order does not matter for the point.
        std::vector<MptcpResults::Param> reversed(kParams.rbegin(), kParams.rend());
        NS_TEST_EXPECT_MSG_EQ(MptcpResults::CanonicalParamsJson(reversed),
                              kParamsJson,
                              "order-independent JSON");

        // Wall-clock facts, when given, land in their own columns.
        MptcpResults r;
        NS_TEST_ASSERT_MSG_EQ(r.Open(m_dir + "/c.db", false, &err), true, err);
        MptcpResults::RunInfo info;
        info.host = "node7";
        info.engine = "slurm";
        info.engineJobId = "1234_5";
        info.startedAt = "2024-01-02T03:04:05Z";
        info.createdAt = "2024-01-01T00:00:00Z";
        r.SetRunInfo(info);
        NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", {}, 1, 1, ""), 1, r.GetError());
        NS_TEST_ASSERT_MSG_EQ(r.EndRun("ok", 0, 12.5, &err), true, err);
        r.Close();
        Reader db(m_dir + "/c.db");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT host, engine, engine_job_id, cmdline, started_at, "
                                      "wall_s FROM run"),
                              "node7|slurm|1234_5|NULL|2024-01-02T03:04:05Z|12.5\n",
                              "run facts");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT created_at FROM campaign"),
                              "2024-01-01T00:00:00Z\n",
                              "campaign created_at");
        NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT params_json, params_hash FROM point"),
                              "{}|08f44b07b5901a25\n",
                              "no parameters");
    }
};

/**
 * \ingroup mptcp-test
 * \brief Bad paths, misuse and failed inserts give error texts, and what
 *        is recorded stays consistent.
 */
class MptcpResultsErrorTest : public MptcpResultsTempDirTestCase
{
  public:
    MptcpResultsErrorTest()
        : MptcpResultsTempDirTestCase("errors are reported and leave consistent files")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_NE(m_dir, "", "temporary folder");
        std::string err;

        // A path below a regular file cannot be created, even by root.
        std::string plain = m_dir + "/plain";
        std::ofstream(plain) << "x";
        {
            MptcpResults r;
            NS_TEST_EXPECT_MSG_EQ(r.Open(plain + "/run.db", false, &err), false, "under a file");
            NS_TEST_EXPECT_MSG_NE(err.find(plain + "/run.db"), std::string::npos, err);
            NS_TEST_EXPECT_MSG_NE(err.find("Not a directory"), std::string::npos, err);
            NS_TEST_EXPECT_MSG_EQ(r.IsOpen(), false, "not open");
            NS_TEST_EXPECT_MSG_EQ(r.BeginRun("c", "s", {}, 1, 1, ""), -1, "BeginRun unopened");
            NS_TEST_EXPECT_MSG_NE(r.GetError(), "", "error text");
            NS_TEST_EXPECT_MSG_EQ(r.Open("", false, &err), false, "empty path");
        }

        // An existing file is kept unless replacing is asked for.
        {
            MptcpResults r;
            NS_TEST_EXPECT_MSG_EQ(r.Open(plain, false, &err), false, "existing file");
            NS_TEST_EXPECT_MSG_NE(err.find("already exists"), std::string::npos, err);
            NS_TEST_EXPECT_MSG_EQ(ReadFile(plain), "x", "existing file untouched");
            NS_TEST_EXPECT_MSG_EQ(r.Open(plain, true, &err), true, "replace: " << err);
            NS_TEST_EXPECT_MSG_EQ(r.Open(plain, true, &err), false, "open twice");
        }
        NS_TEST_EXPECT_MSG_EQ(ReadFile(plain).substr(0, 15), "SQLite format 3", "replaced");

        // Data before BeginRun: sticky error, nothing written.
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.Open(m_dir + "/early.db", false, &err), true, err);
            NS_TEST_EXPECT_MSG_EQ(r.AddEntity("connection", "x", ""), -1, "entity before run");
            NS_TEST_EXPECT_MSG_NE(r.GetError().find("no run in progress"), std::string::npos,
                                  r.GetError());
            NS_TEST_EXPECT_MSG_EQ(r.EndRun("ok", 0, -1, &err), false, "EndRun without run");
        }

        // Duplicate parameter names are refused.
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.Open(m_dir + "/dup.db", false, &err), true, err);
            NS_TEST_EXPECT_MSG_EQ(r.BeginRun("c", "s", {{"a", "1"}, {"a", "2"}}, 1, 1, ""),
                                  -1,
                                  "duplicate parameter");
            NS_TEST_EXPECT_MSG_NE(r.GetError().find("'a' is given twice"), std::string::npos,
                                  r.GetError());
        }

        // A sample of a series that does not exist: the data is rolled back,
        // the run row says why.
        std::string bad = m_dir + "/bad.db";
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.Open(bad, false, &err), true, err);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", {{"k", "v"}}, 1, 2, ""), 1, r.GetError());
            int64_t s = r.AddSeries(-1, "x");
            r.AddSample(s, 1, 1.0);
            r.AddSample(s + 99, 2, 2.0);
            r.AddSample(s, 3, 3.0);
            NS_TEST_EXPECT_MSG_NE(r.GetError().find("series " + std::to_string(s + 99)),
                                  std::string::npos,
                                  r.GetError());
            NS_TEST_EXPECT_MSG_EQ(r.EndRun("ok", 0, -1, &err), false, "EndRun after failure");
            NS_TEST_EXPECT_MSG_NE(err.find("FOREIGN KEY"), std::string::npos, err);
        }
        {
            Reader db(bad);
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT substr(status, 1, 7), exit_code FROM run"),
                                  "failed:|0\n",
                                  "run marked failed");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT COUNT(*) FROM series"), "0\n", "no series");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT COUNT(*) FROM sample"), "0\n", "no samples");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT name, value FROM param"), "k|v\n", "params");
        }

        // A run that never ends keeps its "running" row and none of its data.
        std::string crashed = m_dir + "/crashed.db";
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.Open(crashed, false, &err), true, err);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", {}, 1, 9, ""), 1, r.GetError());
            int64_t e = r.AddEntity("connection", "x", "");
            r.AddMetric(e, "goodput_bps", 1, "bit/s");
            int64_t s = r.AddSeries(e, "cwnd");
            r.AddSample(s, 1, 1.0);
        }
        {
            Reader db(crashed);
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT rng_run, status, exit_code FROM run"),
                                  "9|running|NULL\n",
                                  "run left running");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT (SELECT COUNT(*) FROM entity) + "
                                          "(SELECT COUNT(*) FROM metric) + "
                                          "(SELECT COUNT(*) FROM sample)"),
                                  "0\n",
                                  "no data of the unfinished run");
        }
    }
};

/**
 * \ingroup mptcp-test
 * \brief OpenAppend keeps the runs of a file and adds others; a run of the
 *        same key is refused or replaced; a second writer is locked out;
 *        Commit() keeps what was committed of a run that never ends;
 *        ConfigParams() lists changed attribute defaults and global values.
 */
class MptcpResultsAppendTest : public MptcpResultsTempDirTestCase
{
  public:
    MptcpResultsAppendTest()
        : MptcpResultsTempDirTestCase("append, replace, lock, commit, configuration")
    {
    }

  private:
    void DoRun() override
    {
        std::string err;
        const std::string path = m_dir + "/append.db";
        const std::vector<MptcpResults::Param> other = {{"cc", "olia"}};
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.OpenAppend(path, &err), true, err);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", kParams, 1, 1, ""), 1, r.GetError());
            r.AddMetric(-1, "m", 1, "");
            NS_TEST_ASSERT_MSG_EQ(r.EndRun("ok", 0, -1, &err), true, err);
            // A second writer of the same file is refused while this one has it.
            MptcpResults second;
            NS_TEST_EXPECT_MSG_EQ(second.OpenAppend(path, &err), false, "second writer");
            NS_TEST_EXPECT_MSG_NE(err.find("being written by another process"),
                                  std::string::npos,
                                  err);
        }
        {
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.OpenAppend(path, &err), true, err);
            NS_TEST_EXPECT_MSG_EQ(r.FindRun("c", "s", kParams, 1, 1), "ok", "found");
            NS_TEST_EXPECT_MSG_EQ(r.FindRun("c", "s", kParams, 1, 2), "", "other run number");
            NS_TEST_EXPECT_MSG_EQ(r.FindRun("c", "s", other, 1, 1), "", "other parameters");
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", kParams, 1, 2, ""), 2, r.GetError());
            r.AddMetric(-1, "m", 2, "");
            NS_TEST_ASSERT_MSG_EQ(r.EndRun("ok", 0, -1, &err), true, err);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", other, 1, 1, ""), 3, r.GetError());
            r.AddMetric(-1, "m", 3, "");
            NS_TEST_ASSERT_MSG_EQ(r.EndRun("ok", 0, -1, &err), true, err);
        }
        const std::string before = DumpAll(path);
        {
            Reader db(path);
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT COUNT(*) FROM campaign"), "1\n", "campaign");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT point_id, rng_run, status FROM run"),
                                  "1|1|ok\n1|2|ok\n2|1|ok\n",
                                  "three runs, two points");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT COUNT(*) FROM param"), "5\n", "params");
        }
        {
            // The same key: refused, nothing changes.
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.OpenAppend(path, &err), true, err);
            NS_TEST_EXPECT_MSG_EQ(r.BeginRun("c", "s", kParams, 1, 2, ""), -1, "same key");
            NS_TEST_EXPECT_MSG_NE(r.GetError().find("holds this run already"),
                                  std::string::npos,
                                  r.GetError());
        }
        NS_TEST_EXPECT_MSG_EQ(DumpAll(path), before, "file unchanged by a refused run");
        {
            // Replaced: the old run and its data go, the others stay.
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.OpenAppend(path, &err), true, err);
            r.SetReplaceRun(true);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", kParams, 1, 2, ""), 4, r.GetError());
            r.AddMetric(-1, "m", 4, "");
            NS_TEST_ASSERT_MSG_EQ(r.EndRun("ok", 0, -1, &err), true, err);
        }
        {
            Reader db(path);
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT r.id, r.rng_run, m.value FROM run AS r "
                                          "JOIN metric AS m ON m.run_id = r.id ORDER BY r.id"),
                                  "1|1|1.0\n3|1|3.0\n4|2|4.0\n",
                                  "run 2 replaced by run 4");
        }
        {
            // Commit(): a run that never ends keeps what was committed.
            MptcpResults r;
            NS_TEST_ASSERT_MSG_EQ(r.OpenAppend(path, &err), true, err);
            NS_TEST_ASSERT_MSG_EQ(r.BeginRun("c", "s", kParams, 1, 9, ""), 5, r.GetError());
            int64_t s = r.AddSeries(-1, "cwnd");
            r.AddSample(s, 1, 1.0);
            r.AddSample(s, 2, 2.0);
            NS_TEST_EXPECT_MSG_EQ(r.Commit(), true, r.GetError());
            r.AddSample(s, 3, 3.0);
        }
        {
            Reader db(path);
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT status FROM run WHERE id = 5"),
                                  "running\n",
                                  "left running");
            NS_TEST_EXPECT_MSG_EQ(db.Rows("SELECT t_ns FROM sample ORDER BY t_ns"),
                                  "1\n2\n",
                                  "the committed samples stay");
        }
        {
            // Another program's file is not appended to.
            const std::string foreign = m_dir + "/foreign.db";
            sqlite3* db = nullptr;
            sqlite3_open(foreign.c_str(), &db);
            sqlite3_exec(db, "CREATE TABLE t (x);", nullptr, nullptr, nullptr);
            sqlite3_close(db);
            MptcpResults r;
            NS_TEST_EXPECT_MSG_EQ(r.OpenAppend(foreign, &err), false, "foreign file");
            NS_TEST_EXPECT_MSG_NE(err.find("not a results file"), std::string::npos, err);
        }

        // ConfigParams: a changed default is listed under its full name, a
        // default set back to its declared value is not; global values are
        // listed, the RNG seed and run are not.
        auto has = [](const std::vector<MptcpResults::Param>& v, const std::string& name) {
            for (const auto& x : v)
            {
                if (x.first == name)
                {
                    return x.second;
                }
            }
            return std::string("(none)");
        };
        std::vector<MptcpResults::Param> plain = MptcpResults::ConfigParams();
        Config::SetDefault("ns3::MptcpSocket::Sack", BooleanValue(false));
        std::vector<MptcpResults::Param> changed = MptcpResults::ConfigParams();
        Config::SetDefault("ns3::MptcpSocket::Sack", BooleanValue(true));
        std::vector<MptcpResults::Param> back = MptcpResults::ConfigParams();
        NS_TEST_EXPECT_MSG_EQ(has(plain, "ns3::MptcpSocket::Sack"), "(none)", "default");
        NS_TEST_EXPECT_MSG_EQ(has(changed, "ns3::MptcpSocket::Sack"), "false", "changed");
        NS_TEST_EXPECT_MSG_EQ(has(back, "ns3::MptcpSocket::Sack"), "(none)", "set back");
        NS_TEST_EXPECT_MSG_EQ(changed.size(), plain.size() + 1, "one more parameter");
        NS_TEST_EXPECT_MSG_NE(has(plain, "SchedulerType"), "(none)", "global value");
        NS_TEST_EXPECT_MSG_EQ(has(plain, "RngRun"), "(none)", "RngRun is the run's key");
        NS_TEST_EXPECT_MSG_EQ(has(plain, "RngSeed"), "(none)", "RngSeed is the run's key");
    }
};

/**
 * \ingroup mptcp-test
 * \brief Jain's index, goodput ratio, shares, mean and deviation against
 *        values computed by hand.
 */
class MptcpStatsTest : public TestCase
{
  public:
    MptcpStatsTest()
        : TestCase("Jain's index and goodput ratios against hand computations")
    {
    }

  private:
    void DoRun() override
    {
        const double tol = 1e-12;
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpJainIndex({1, 1, 1, 1}), 1.0, tol, "equal shares");
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpJainIndex({5e6, 5e6}), 1.0, tol, "equal goodputs");
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpJainIndex({1, 0, 0, 0}), 0.25, tol, "one takes all");
        // (1+2+3)^2 / (3 * (1+4+9)) = 36 / 42
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpJainIndex({1, 2, 3}), 6.0 / 7.0, tol, "1,2,3");
        // (3+1)^2 / (2 * (9+1)) = 16 / 20
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpJainIndex({3, 1}), 0.8, tol, "3,1");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpJainIndex({})), true, "empty");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpJainIndex({0, 0})), true, "all zero");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpJainIndex({-1, 1})), true, "negative");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpJainIndex({1, INFINITY})), true, "infinite");

        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpGoodputRatio(20, {5, 15}), 2.0, tol, "20 / 10");
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpGoodputRatio(std::vector<double>{4, 8}, {2, 4, 6}),
                                  1.5,
                                  tol,
                                  "mean 6 / mean 4");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpGoodputRatio(1, {})), true, "no tcp");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpGoodputRatio(1, {0, 0})), true, "tcp zero");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpGoodputRatio(std::vector<double>{}, {1})),
                              true,
                              "no mptcp");

        std::vector<double> shares = MptcpShares({1, 3});
        NS_TEST_ASSERT_MSG_EQ(shares.size(), 2u, "shares size");
        NS_TEST_EXPECT_MSG_EQ_TOL(shares[0], 0.25, tol, "share 0");
        NS_TEST_EXPECT_MSG_EQ_TOL(shares[1], 0.75, tol, "share 1");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpShares({0, 0})[1]), true, "zero total");

        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpMean({2, 4, 4, 4, 5, 5, 7, 9}), 5.0, tol, "mean");
        // Squared deviations sum to 32; 32 / 7.
        NS_TEST_EXPECT_MSG_EQ_TOL(MptcpSampleStdDev({2, 4, 4, 4, 5, 5, 7, 9}),
                                  std::sqrt(32.0 / 7.0),
                                  tol,
                                  "sample deviation");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpSampleStdDev({1})), true, "one value");
        NS_TEST_EXPECT_MSG_EQ(std::isnan(MptcpMean({})), true, "empty mean");
    }
};

/**
 * \ingroup mptcp-test
 * \brief MptcpPlot writes the data and script it should, renders them
 *        when gnuplot is there, and reports what it cannot do.
 */
class MptcpPlotTest : public MptcpResultsTempDirTestCase
{
  public:
    MptcpPlotTest()
        : MptcpResultsTempDirTestCase("plot data, script and images")
    {
    }

  private:
    /**
     * \brief Whether gnuplot is on PATH.
     * \return true if so
     */
    static bool HaveGnuplot()
    {
        const char* path = std::getenv("PATH");
        std::istringstream dirs(path ? path : "");
        std::string dir;
        while (std::getline(dirs, dir, ':'))
        {
            if (!dir.empty() && access((dir + "/gnuplot").c_str(), X_OK) == 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * \brief A two-panel figure with awkward titles.
     * \param plot the figure to fill
     */
    void Fill(MptcpPlot& plot)
    {
        std::string err;
        size_t p0 = plot.AddPanel("cwnd of subflow_1", "time (s)", "cwnd (bytes)");
        size_t p1 = plot.AddPanel("MPTCP/TCP ratio", "subflows", "ratio");
        NS_TEST_EXPECT_MSG_EQ(plot.AddSeries(p0, "sf0", {0, 0.5, 1}, {1448, 2896, 1e6}, &err),
                              true,
                              err);
        NS_TEST_EXPECT_MSG_EQ(plot.AddSeries(p0, "it's", {0.1}, {-3.25}, &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(plot.AddSeriesWithErrors(p1,
                                                       "lia",
                                                       {1, 2},
                                                       {1.0, 1.125},
                                                       {0.5, std::nan("")},
                                                       &err),
                              true,
                              err);
        NS_TEST_EXPECT_MSG_EQ(plot.SetYRange(p1, 0, 4), true, "y range");
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_NE(m_dir, "", "temporary folder");
        std::string err;

        // Misuse is refused with a reason.
        MptcpPlot bad;
        size_t p = bad.AddPanel("", "x", "y");
        NS_TEST_EXPECT_MSG_EQ(bad.AddSeries(p, "s", {1, 2}, {1}, &err), false, "sizes");
        NS_TEST_EXPECT_MSG_NE(err.find("2 x values but 1 y values"), std::string::npos, err);
        NS_TEST_EXPECT_MSG_EQ(bad.AddSeries(7, "s", {1}, {1}, &err), false, "panel");
        NS_TEST_EXPECT_MSG_EQ(bad.AddSeriesWithErrors(p, "s", {1}, {1}, {1, 2}, &err),
                              false,
                              "error bar count");
        NS_TEST_EXPECT_MSG_EQ(bad.SetYRange(p, 2, 1), false, "inverted range");
        NS_TEST_EXPECT_MSG_EQ(bad.SetYMin(7, 0), false, "y floor of a missing panel");
        NS_TEST_EXPECT_MSG_EQ(bad.SetYMin(p, std::nan("")), false, "y floor not finite");
        NS_TEST_EXPECT_MSG_EQ(bad.Write(m_dir, "empty", &err), false, "panel without series");
        NS_TEST_EXPECT_MSG_NE(err.find("no series"), std::string::npos, err);
        NS_TEST_EXPECT_MSG_EQ(bad.AddSeries(p, "s", {1}, {1}, &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(bad.Write(m_dir, "a/b", &err), false, "slash in stem");
        NS_TEST_EXPECT_MSG_EQ(bad.Write(m_dir + "/missing", "f", &err), false, "missing dir");
        NS_TEST_EXPECT_MSG_NE(err.find("missing"), std::string::npos, err);
        bad.SetLayout(1, 1);
        bad.AddPanel("", "x", "y");
        NS_TEST_EXPECT_MSG_EQ(bad.Write(m_dir, "f", &err), false, "layout too small");

        NS_TEST_EXPECT_MSG_EQ(MptcpPlot::Quote("it's\na"), "'it''s a'", "quote");
        NS_TEST_EXPECT_MSG_EQ(MptcpPlot::FormatNumber(0.1), "0.1", "shortest form");
        NS_TEST_EXPECT_MSG_EQ(MptcpPlot::FormatNumber(1e6), "1e+06", "exponent");
        NS_TEST_EXPECT_MSG_EQ(MptcpPlot::FormatNumber(std::nan("")), "NaN", "nan");

        // A folder whose name a shell would misread.
        std::string dir = m_dir + "/it's a \"dir\"; touch pwned";
        NS_TEST_ASSERT_MSG_EQ(mkdir(dir.c_str(), 0755), 0, "mkdir");

        // Without gnuplot: data and script, and a note on how to render.
        MptcpPlot none("Figure 'one'");
        Fill(none);
        none.SetGnuplot("mptcp-no-such-gnuplot");
        none.SetQuiet(true);
        NS_TEST_EXPECT_MSG_EQ(none.Write(dir, "fig", &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(none.IsRendered(), false, "not rendered");
        NS_TEST_EXPECT_MSG_NE(none.GetNote().find("gnuplot 'fig.plt'"), std::string::npos,
                              none.GetNote());
        NS_TEST_EXPECT_MSG_EQ(Exists(dir + "/fig.png"), false, "no png");

        std::string data = ReadFile(dir + "/fig.dat");
        NS_TEST_EXPECT_MSG_EQ(data,
                              "# Figure 'one'\n"
                              "# One block per series (gnuplot \"index\" N, blocks separated by "
                              "two blank lines).\n"
                              "# Columns: x y, or x y yerr for a series with error bars.\n"
                              "# index 0: panel 0, sf0\n"
                              "0 1448\n0.5 2896\n1 1e+06\n"
                              "\n\n"
                              "# index 1: panel 0, it's\n"
                              "0.1 -3.25\n"
                              "\n\n"
                              "# index 2: panel 1, lia\n"
                              "1 1 0.5\n2 1.125 NaN\n",
                              "data file");
        std::string script = ReadFile(dir + "/fig.plt");

        // A floor only: the lower end fixed, the upper autoscaled.
        MptcpPlot floor("floor");
        size_t fl = floor.AddPanel("cwnd", "time (s)", "cwnd (KiB)");
        NS_TEST_EXPECT_MSG_EQ(floor.AddSeries(fl, "sf0", {0, 1}, {0, 10}, &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(floor.SetYMin(fl, 0), true, "y floor");
        floor.SetGnuplot("mptcp-no-such-gnuplot");
        floor.SetQuiet(true);
        NS_TEST_EXPECT_MSG_EQ(floor.Write(dir, "floor", &err), true, err);
        NS_TEST_EXPECT_MSG_NE(ReadFile(dir + "/floor.plt").find("set yrange [0:*]\n"),
                              std::string::npos,
                              "floor script");
        NS_TEST_EXPECT_MSG_EQ(ReadFile(dir + "/floor.plt").find("xtics"),
                              std::string::npos,
                              "gnuplot's own x tics by default");

        // Category tics on one panel; the next panel goes back to gnuplot's.
        MptcpPlot cat("categories");
        size_t c0 = cat.AddPanel("share", "queue discipline", "share");
        size_t c1 = cat.AddPanel("cwnd", "time (s)", "cwnd");
        NS_TEST_EXPECT_MSG_EQ(cat.AddSeries(c0, "host", {1, 2}, {2.2, 1.0}, &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(cat.AddSeries(c1, "sf0", {0, 1}, {1, 2}, &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(cat.SetXTics(c0, {{1, "droptail"}, {2, "it's"}}), true, "tics");
        NS_TEST_EXPECT_MSG_EQ(cat.SetXTics(9, {{1, "x"}}), false, "tics of a missing panel");
        NS_TEST_EXPECT_MSG_EQ(cat.SetXTics(c1, {{std::nan(""), "x"}}), false, "tic not finite");
        cat.SetGnuplot("mptcp-no-such-gnuplot");
        cat.SetQuiet(true);
        NS_TEST_EXPECT_MSG_EQ(cat.Write(dir, "cat", &err), true, err);
        const std::string catScript = ReadFile(dir + "/cat.plt");
        const size_t tics = catScript.find("set xtics ('droptail' 1, 'it''s' 2)\n");
        const size_t back = catScript.find("set xtics autofreq\n");
        NS_TEST_EXPECT_MSG_NE(tics, std::string::npos, "category tics:\n" << catScript);
        NS_TEST_EXPECT_MSG_EQ((back != std::string::npos && back > tics), true,
                              "automatic tics again on the next panel:\n" << catScript);
        for (const char* line : {
                 "data = 'fig.dat'\n",
                 "set terminal pngcairo size 800,600 noenhanced\n",
                 "set output 'fig.png'\n",
                 "set terminal svg size 800,600 noenhanced\n",
                 "set output 'fig.svg'\n",
                 "set multiplot layout 2,1 title 'Figure ''one'''\n",
                 "set title 'cwnd of subflow_1'\n",
                 "set ylabel 'cwnd (bytes)'\n",
                 "plot data index 0 using 1:2 with linespoints title 'sf0', \\\n"
                 "         data index 1 using 1:2 with linespoints title 'it''s'\n",
                 "set yrange [0:4]\n",
                 "plot data index 2 using 1:2:3 with yerrorlines title 'lia'\n",
                 "unset multiplot\n",
             })
        {
            NS_TEST_EXPECT_MSG_NE(script.find(line), std::string::npos,
                                  "script lacks: " << line << "\n--- script:\n"
                                                   << script);
        }

        // With gnuplot: both images too, and nothing a shell would run.
        if (!HaveGnuplot())
        {
            std::cerr << "mptcp-results: gnuplot not on PATH; image rendering not tested"
                      << std::endl;
            return;
        }
        MptcpPlot full("Figure 'one'");
        Fill(full);
        NS_TEST_EXPECT_MSG_EQ(full.Write(dir, "fig", &err), true, err);
        NS_TEST_EXPECT_MSG_EQ(full.IsRendered(), true, "rendered");
        NS_TEST_EXPECT_MSG_EQ(full.GetNote(), "", "no note");
        NS_TEST_EXPECT_MSG_EQ(ReadFile(dir + "/fig.plt"), script, "same script");
        std::string png = ReadFile(dir + "/fig.png");
        NS_TEST_EXPECT_MSG_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8), "PNG");
        std::string svg = ReadFile(dir + "/fig.svg");
        NS_TEST_EXPECT_MSG_NE(svg.find("<svg"), std::string::npos, "SVG");
        NS_TEST_EXPECT_MSG_NE(svg.find("it's"), std::string::npos, "SVG has the key entry");
        NS_TEST_EXPECT_MSG_EQ(Exists(m_dir + "/pwned"), false, "no shell ran");
        NS_TEST_EXPECT_MSG_EQ(Exists(dir + "/pwned"), false, "no shell ran");

        // gnuplot failing on a script is an error with its message.
        MptcpPlot failing;
        size_t fp = failing.AddPanel("", "x", "y");
        failing.AddSeries(fp, "s", {1}, {1}, &err);
        failing.SetGnuplot("/bin/false");
        NS_TEST_EXPECT_MSG_EQ(failing.Write(dir, "fail", &err), false, "gnuplot failed");
        NS_TEST_EXPECT_MSG_NE(err.find("exited with status 1"), std::string::npos, err);
    }
};

/**
 * \ingroup mptcp-test
 * \brief The suite of results, statistics and plot tests.
 */
class MptcpResultsTestSuite : public TestSuite
{
  public:
    MptcpResultsTestSuite()
        : TestSuite("mptcp-results", TestSuite::Type::UNIT)
    {
        AddTestCase(new MptcpResultsRoundTripTest());
        AddTestCase(new MptcpResultsDeterminismTest());
        AddTestCase(new MptcpResultsErrorTest());
        AddTestCase(new MptcpResultsAppendTest());
        AddTestCase(new MptcpStatsTest());
        AddTestCase(new MptcpPlotTest());
    }
};

/** Static instance that registers the suite with the TestRunner. */
static MptcpResultsTestSuite g_mptcpResultsTestSuite;
