/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp-summary: the statistics of a campaign, per point and metric, with
 * GSL, written into the campaign database's `summary` table.
 *
 *   mptcp-summary CAMPAIGN_DB
 *
 * For every point and every metric, over the point's runs with status
 * 'ok': n, mean, sample standard deviation, the Student-t 95% confidence
 * interval of the mean (mean -/+ t(0.975, n-1) * sd / sqrt(n); NULL for
 * n < 2), median, quartiles (GSL's quantile of the sorted values: linear
 * interpolation at (n-1)f) and range. The metrics are the run-level
 * metrics (metric.entity_id NULL) and the views goodput_ratio (ratio) and
 * jain_goodput (jain) of scripts/results_schema.sql; NULL values are not
 * counted. The table is replaced in one transaction: an error leaves the
 * file as it was. Exit status 0, or 2 with one line on stderr.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <sqlite3.h>

#define PROG "mptcp-summary"
#define SCHEMA_VERSION 2

/* Every (point, metric, value) of the ok runs, in point and metric order:
 * the consecutive values of one pair are one sample. */
static const char *const VALUES_SQL =
    "SELECT point_id, metric, value FROM ("
    " SELECT r.point_id AS point_id, m.name AS metric, m.value AS value"
    "  FROM metric AS m JOIN run AS r ON r.id = m.run_id"
    "  WHERE r.status = 'ok' AND m.entity_id IS NULL AND m.value IS NOT NULL"
    " UNION ALL"
    " SELECT r.point_id, 'goodput_ratio', g.ratio FROM goodput_ratio AS g"
    "  JOIN run AS r ON r.id = g.run_id WHERE r.status = 'ok' AND g.ratio IS NOT NULL"
    " UNION ALL"
    " SELECT r.point_id, 'jain_goodput', j.jain FROM jain_goodput AS j"
    "  JOIN run AS r ON r.id = j.run_id WHERE r.status = 'ok' AND j.jain IS NOT NULL"
    ") ORDER BY point_id, metric, value";

static const char *const TABLE_SQL =
    "CREATE TABLE summary ("
    " point_id INTEGER NOT NULL REFERENCES point (id),"
    " metric TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " mean REAL, sd REAL, ci95_low REAL, ci95_high REAL,"
    " median REAL, p25 REAL, p75 REAL, min REAL, max REAL,"
    " PRIMARY KEY (point_id, metric))";

static int fail(const char *what, const char *detail) {
  fprintf(stderr, PROG ": %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  return 2;
}

static void usage(FILE *f) {
  fputs("usage: " PROG " CAMPAIGN_DB\n"
        "Writes the statistics of every point and metric of a campaign database\n"
        "(runs with status 'ok'; run-level metrics, goodput_ratio, jain_goodput)\n"
        "into its table `summary`: n, mean, sd, Student-t 95% interval of the\n"
        "mean (ci95_low, ci95_high; NULL for n < 2), median, p25, p75, min, max.\n",
        f);
}

/* A growing array of doubles: one sample. */
struct sample {
  double *v;
  size_t n, cap;
};

static int sample_push(struct sample *s, double x) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    double *v = realloc(s->v, cap * sizeof(*v));
    if (!v)
      return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = x;
  return 0;
}

static void bind_or_null(sqlite3_stmt *st, int col, int have, double x) {
  if (have && isfinite(x))
    sqlite3_bind_double(st, col, x);
  else
    sqlite3_bind_null(st, col);
}

/* One summary row from the sorted sample s (n >= 1). */
static int write_row(sqlite3_stmt *ins, sqlite3_int64 point, const char *metric,
                     struct sample *s) {
  const double *v = s->v;
  size_t n = s->n;
  double mean = gsl_stats_mean(v, 1, n);
  double sd = n > 1 ? gsl_stats_sd_m(v, 1, n, mean) : NAN;
  double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n) : NAN;
  sqlite3_reset(ins);
  sqlite3_bind_int64(ins, 1, point);
  sqlite3_bind_text(ins, 2, metric, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(ins, 3, (sqlite3_int64)n);
  bind_or_null(ins, 4, 1, mean);
  bind_or_null(ins, 5, n > 1, sd);
  bind_or_null(ins, 6, n > 1, mean - half);
  bind_or_null(ins, 7, n > 1, mean + half);
  bind_or_null(ins, 8, 1, gsl_stats_median_from_sorted_data(v, 1, n));
  bind_or_null(ins, 9, 1, gsl_stats_quantile_from_sorted_data(v, 1, n, 0.25));
  bind_or_null(ins, 10, 1, gsl_stats_quantile_from_sorted_data(v, 1, n, 0.75));
  bind_or_null(ins, 11, 1, v[0]);
  bind_or_null(ins, 12, 1, v[n - 1]);
  return sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
}

/* Is this a campaign database of the schema version this tool reads?
 * NULL if so, else why not (static text or `buf`). */
static const char *check_schema(sqlite3 *db, char *buf, size_t len) {
  static const char *const tables[] = {"point", "run", "metric", "entity", "schema_version"};
  for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
      return sqlite3_errmsg(db);
    sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found) {
      snprintf(buf, len, "not a results or campaign database of this module (no table %s)",
               tables[i]);
      return buf;
    }
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, NULL) != SQLITE_OK)
    return sqlite3_errmsg(db);
  int rc = sqlite3_step(st);
  int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_finalize(st);
  if (version != SCHEMA_VERSION) {
    snprintf(buf, len, "schema version %d, this tool reads version %d", version,
             SCHEMA_VERSION);
    return buf;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    usage(stdout);
    return 0;
  }
  if (argc != 2 || argv[1][0] == '\0') {
    usage(stderr);
    return 2;
  }
  const char *path = argv[1];
  sqlite3 *db = NULL;
  /* never creates the file: a wrong name is an error, not a new database */
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    int rc = fail(path, db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, 10000);
  char why[200];
  const char *bad = check_schema(db, why, sizeof(why));
  if (bad) {
    int rc = fail(path, bad);
    sqlite3_close(db);
    return rc;
  }
  int status = 2;
  sqlite3_stmt *sel = NULL, *ins = NULL;
  struct sample s = {0};
  char *metric = NULL;
  sqlite3_int64 point = 0;
  size_t points = 0, rows = 0, metrics = 0;
  char **seen = NULL; /* distinct metric names */

  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    status = fail(path, sqlite3_errmsg(db));
    goto out;
  }
  if (sqlite3_exec(db, "DROP TABLE IF EXISTS summary", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(db, TABLE_SQL, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, VALUES_SQL, -1, &sel, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO summary (point_id, metric, n, mean, sd, ci95_low, "
                         "ci95_high, median, p25, p75, min, max) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         -1, &ins, NULL) != SQLITE_OK) {
    status = fail(path, sqlite3_errmsg(db));
    goto rollback;
  }
  sqlite3_int64 last_point = 0;
  int have_point = 0;
  for (;;) {
    int rc = sqlite3_step(sel);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      status = fail(path, sqlite3_errmsg(db));
      goto rollback;
    }
    sqlite3_int64 p = rc == SQLITE_ROW ? sqlite3_column_int64(sel, 0) : 0;
    const char *m = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(sel, 1) : NULL;
    int same = rc == SQLITE_ROW && metric && p == point && m && !strcmp(m, metric);
    if (!same && metric && s.n) {
      /* the query sorts by value already; sorting again keeps the
       * quantiles right whatever SQLite's collation of REALs */
      gsl_sort(s.v, 1, s.n);
      if (write_row(ins, point, metric, &s) < 0) {
        status = fail(path, sqlite3_errmsg(db));
        goto rollback;
      }
      rows++;
      if (!have_point || point != last_point) {
        points++;
        last_point = point;
        have_point = 1;
      }
      size_t k = 0;
      while (k < metrics && strcmp(seen[k], metric))
        k++;
      if (k == metrics) {
        char **ns = realloc(seen, (metrics + 1) * sizeof(*ns));
        char *copy = ns ? strdup(metric) : NULL;
        if (!copy) {
          seen = ns ? ns : seen;
          status = fail(path, "out of memory");
          goto rollback;
        }
        seen = ns;
        seen[metrics++] = copy;
      }
    }
    if (rc == SQLITE_DONE)
      break;
    if (!same) {
      free(metric);
      metric = m ? strdup(m) : NULL;
      if (!metric) {
        status = fail(path, "out of memory or a metric without a name");
        goto rollback;
      }
      point = p;
      s.n = 0;
    }
    if (sample_push(&s, sqlite3_column_double(sel, 2)) < 0) {
      status = fail(path, "out of memory");
      goto rollback;
    }
  }
  sqlite3_finalize(sel);
  sel = NULL;
  sqlite3_finalize(ins);
  ins = NULL;
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    status = fail(path, sqlite3_errmsg(db));
    goto rollback;
  }
  printf("summary: %zu points, %zu metrics, %zu rows\n", points, metrics, rows);
  status = 0;
  goto out;

rollback:
  sqlite3_finalize(sel);
  sel = NULL;
  sqlite3_finalize(ins);
  ins = NULL;
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
  for (size_t k = 0; k < metrics; k++)
    free(seen[k]);
  free(seen);
  free(metric);
  free(s.v);
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return status;
}
