/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory_file.c - mptcp-theory's topology text: one statement a line
 * (mss, response, link, user, path), values with units, and the
 * theory_net it describes. Every error names the line and the field.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "theory_file.h"

#define MAX_TOKENS 64

void tf_init(struct tf_topo *t) {
  memset(t, 0, sizeof(*t));
  t->mss = 1448.0;
  theory_response_default(&t->resp);
}

void tf_free(struct tf_topo *t) {
  for (size_t i = 0; i < t->npaths; i++)
    free(t->paths[i].links);
  free(t->paths);
  free(t->users);
  free(t->links);
  memset(t, 0, sizeof(*t));
}

int tf_parse_number(const char *s, double *v) {
  if (!s || !*s || isspace((unsigned char)*s))
    return -1;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (*end || errno || !isfinite(x))
    return -1;
  *v = x;
  return 0;
}

int tf_parse_time(const char *s, double *seconds) {
  static const struct {
    const char *unit;
    double scale;
  } units[] = {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}};
  if (!s || !*s || isspace((unsigned char)*s))
    return -1;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || errno || !isfinite(x) || x < 0.0)
    return -1;
  for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
    if (!strcmp(end, units[i].unit)) {
      *seconds = x * units[i].scale;
      return 0;
    }
  return -1;
}

int tf_parse_rate(const char *s, double *bps) {
  uint64_t v;
  if (!s || mptcp_rate_parse(s, &v) != MPTCP_OK || v == 0)
    return -1;
  *bps = (double)v;
  return 0;
}

static const char *const ALG_NAMES[] = {"tcp", "reno", "lia", "olia", "balia"};
static const char *const RESP_NAMES[] = {"kelly", "mathis", "padhye"};
static const char *const MODEL_NAMES[] = {"loss", "droptail", "red"};

int tf_parse_alg(const char *s, enum theory_alg *alg) {
  for (int i = 0; i <= THEORY_BALIA; i++)
    if (!strcmp(s, ALG_NAMES[i])) {
      *alg = (enum theory_alg)i;
      return 0;
    }
  return -1;
}

int tf_parse_resp(const char *s, enum theory_resp *kind) {
  for (int i = 0; i <= THEORY_RESP_PADHYE; i++)
    if (!strcmp(s, RESP_NAMES[i])) {
      *kind = (enum theory_resp)i;
      return 0;
    }
  return -1;
}

const char *tf_alg_name(enum theory_alg alg) {
  return alg <= THEORY_BALIA ? ALG_NAMES[alg] : "?";
}
const char *tf_resp_name(enum theory_resp kind) {
  return kind <= THEORY_RESP_PADHYE ? RESP_NAMES[kind] : "?";
}
const char *tf_model_name(enum theory_link_model m) {
  return m <= THEORY_LINK_RED ? MODEL_NAMES[m] : "?";
}

static int grow(void **arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap)
    return 0;
  size_t nc = *cap ? *cap * 2 : 8;
  void *p = realloc(*arr, nc * sz);
  if (!p)
    return -1;
  *arr = p;
  *cap = nc;
  return 0;
}

int tf_add_link(struct tf_topo *t, const struct tf_link *l) {
  if (grow((void **)&t->links, t->nlinks, &t->cap_links, sizeof(*t->links)))
    return -1;
  t->links[t->nlinks++] = *l;
  return 0;
}

int tf_add_user(struct tf_topo *t, const struct tf_user *u) {
  if (grow((void **)&t->users, t->nusers, &t->cap_users, sizeof(*t->users)))
    return -1;
  t->users[t->nusers++] = *u;
  return 0;
}

int tf_add_path(struct tf_topo *t, const struct tf_path *p) {
  if (grow((void **)&t->paths, t->npaths, &t->cap_paths, sizeof(*t->paths)))
    return -1;
  size_t *copy = malloc((p->nlinks ? p->nlinks : 1) * sizeof(*copy));
  if (!copy)
    return -1;
  memcpy(copy, p->links, p->nlinks * sizeof(*copy));
  t->paths[t->npaths] = *p;
  t->paths[t->npaths++].links = copy;
  return 0;
}

/* The line being read, for messages. */
struct ctx {
  const char *name;
  int line;
  char *err;
  size_t len;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int bad(const struct ctx *c, const char *field, const char *fmt, ...);

static int bad(const struct ctx *c, const char *field, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  snprintf(c->err, c->len, "%s:%d: %s: %s", c->name, c->line, field, msg);
  return -1;
}

static int valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= TF_NAME_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("_.:-", s[i]))
      return 0;
  return 1;
}

static long find_link(const struct tf_topo *t, const char *name) {
  for (size_t i = 0; i < t->nlinks; i++)
    if (!strcmp(t->links[i].name, name))
      return (long)i;
  return -1;
}

static long find_user(const struct tf_topo *t, const char *name) {
  for (size_t i = 0; i < t->nusers; i++)
    if (!strcmp(t->users[i].name, name))
      return (long)i;
  return -1;
}

/* A positive integer up to max (digits only). */
static int parse_count(const char *s, unsigned long max, unsigned long *v) {
  if (!*s)
    return -1;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p))
      return -1;
  errno = 0;
  unsigned long x = strtoul(s, NULL, 10);
  if (errno || x < 1 || x > max)
    return -1;
  *v = x;
  return 0;
}

/* The key=value tokens of a statement: each key once, all known. */
struct kv {
  const char *key, *val; /* val NULL: a bare word */
};

static int split_kv(const struct ctx *c, char **tok, int n, const char *const *known,
                    struct kv *out) {
  for (int i = 0; i < n; i++) {
    char *eq = strchr(tok[i], '=');
    out[i].key = tok[i];
    out[i].val = NULL;
    if (eq) {
      *eq = '\0';
      out[i].val = eq + 1;
    }
    int ok = 0;
    for (const char *const *k = known; *k; k++)
      ok |= !strcmp(*k, out[i].key);
    if (!ok)
      return bad(c, out[i].key, "unknown key%s", eq ? "" : " (or a value without key=)");
    for (int j = 0; j < i; j++)
      if (!strcmp(out[j].key, out[i].key))
        return bad(c, out[i].key, "given twice");
  }
  return 0;
}

static int want_value(const struct ctx *c, const struct kv *kv) {
  if (!kv->val)
    return bad(c, kv->key, "needs a value (%s=...)", kv->key);
  if (!*kv->val)
    return bad(c, kv->key, "empty value");
  return 0;
}

static int st_link(const struct ctx *c, struct tf_topo *t, char **tok, int n) {
  static const char *const keys[] = {"rate", "loss", "droptail", "red", "queue", "minth",
                                     "maxth", "maxp", "gentle", NULL};
  struct kv kv[MAX_TOKENS];
  struct tf_link l = {.rate_bps = INFINITY, .line = c->line};
  if (n < 2)
    return bad(c, "name", "missing: link NAME MODEL...");
  if (!valid_name(tok[1]))
    return bad(c, "name", "bad link name '%s' (up to 63 letters, digits, _.:-)", tok[1]);
  if (find_link(t, tok[1]) >= 0)
    return bad(c, "name", "link '%s' already defined", tok[1]);
  snprintf(l.name, sizeof(l.name), "%s", tok[1]);
  if (split_kv(c, tok + 2, n - 2, keys, kv))
    return -1;
  int model = -1, have_minth = 0, have_maxth = 0, have_maxp = 0, have_queue = 0;
  for (int i = 0; i < n - 2; i++) {
    const char *k = kv[i].key, *v = kv[i].val;
    int flag = !strcmp(k, "droptail") || !strcmp(k, "red") || !strcmp(k, "gentle");
    if (flag && v)
      return bad(c, k, "takes no value");
    if (!flag && want_value(c, &kv[i]))
      return -1;
    if (!strcmp(k, "droptail") || !strcmp(k, "red") || !strcmp(k, "loss")) {
      if (model >= 0)
        return bad(c, k, "a second loss model (give one of loss=P, droptail, red)");
      model = !strcmp(k, "droptail") ? THEORY_LINK_DROPTAIL
              : !strcmp(k, "red")    ? THEORY_LINK_RED
                                     : THEORY_LINK_EXOGENOUS;
      if (model == THEORY_LINK_EXOGENOUS &&
          (tf_parse_number(v, &l.loss) || !(l.loss >= 0.0 && l.loss < 1.0)))
        return bad(c, k, "'%s' is not a loss rate in [0, 1)", v);
    } else if (!strcmp(k, "rate")) {
      if (tf_parse_rate(v, &l.rate_bps))
        return bad(c, k, "'%s' is not a rate > 0 (e.g. 10Mbps, 500kbps)", v);
    } else if (!strcmp(k, "queue")) {
      have_queue = 1;
      if (tf_parse_number(v, &l.queue) || l.queue < 0.0)
        return bad(c, k, "'%s' is not a number of packets >= 0", v);
    } else if (!strcmp(k, "gentle")) {
      l.red.gentle = 1;
    } else {
      double *dst = !strcmp(k, "minth") ? &l.red.min_th
                    : !strcmp(k, "maxth") ? &l.red.max_th
                                          : &l.red.max_p;
      have_minth |= dst == &l.red.min_th;
      have_maxth |= dst == &l.red.max_th;
      have_maxp |= dst == &l.red.max_p;
      if (tf_parse_number(v, dst) || *dst < 0.0)
        return bad(c, k, "'%s' is not a number >= 0", v);
    }
  }
  if (model < 0)
    return bad(c, "model", "no loss model (give loss=P, droptail or red)");
  l.model = (enum theory_link_model)model;
  if (model != THEORY_LINK_EXOGENOUS && !isfinite(l.rate_bps))
    return bad(c, "rate", "missing: a %s link needs rate= (e.g. rate=10Mbps)",
               tf_model_name(l.model));
  if (have_queue && model != THEORY_LINK_DROPTAIL)
    return bad(c, "queue", "only for a droptail link");
  if ((have_minth || have_maxth || have_maxp || l.red.gentle) && model != THEORY_LINK_RED)
    return bad(c, have_minth ? "minth" : have_maxth ? "maxth" : have_maxp ? "maxp" : "gentle",
               "only for a red link");
  if (model == THEORY_LINK_RED) {
    if (!have_minth || !have_maxth || !have_maxp)
      return bad(c, !have_minth ? "minth" : !have_maxth ? "maxth" : "maxp",
                 "missing: red needs minth=, maxth= (packets) and maxp=");
    if (!(l.red.max_th > l.red.min_th))
      return bad(c, "maxth", "must be above minth");
    if (!(l.red.max_p > 0.0 && l.red.max_p <= 1.0))
      return bad(c, "maxp", "must be in (0, 1]");
  }
  return tf_add_link(t, &l) ? bad(c, "link", "out of memory") : 0;
}

static int st_user(const struct ctx *c, struct tf_topo *t, char **tok, int n) {
  static const char *const keys[] = {"alg", "count", "wmin", "paths", NULL};
  struct kv kv[MAX_TOKENS];
  struct tf_user u = {.count = 1, .declared_paths = -1, .line = c->line};
  if (n < 2)
    return bad(c, "name", "missing: user NAME alg=ALG...");
  if (!valid_name(tok[1]))
    return bad(c, "name", "bad user name '%s' (up to 63 letters, digits, _.:-)", tok[1]);
  if (find_user(t, tok[1]) >= 0)
    return bad(c, "name", "user '%s' already defined", tok[1]);
  snprintf(u.name, sizeof(u.name), "%s", tok[1]);
  if (split_kv(c, tok + 2, n - 2, keys, kv))
    return -1;
  int have_alg = 0;
  for (int i = 0; i < n - 2; i++) {
    const char *k = kv[i].key, *v = kv[i].val;
    unsigned long x;
    if (want_value(c, &kv[i]))
      return -1;
    if (!strcmp(k, "alg")) {
      have_alg = 1;
      if (tf_parse_alg(v, &u.alg))
        return bad(c, k, "unknown algorithm '%s' (tcp, reno, lia, olia, balia)", v);
    } else if (!strcmp(k, "count")) {
      if (parse_count(v, 1000000ul, &x))
        return bad(c, k, "'%s' is not an integer in [1, 1000000]", v);
      u.count = (unsigned)x;
    } else if (!strcmp(k, "paths")) {
      if (parse_count(v, 1000000ul, &x))
        return bad(c, k, "'%s' is not an integer >= 1", v);
      u.declared_paths = (long)x;
    } else if (tf_parse_number(v, &u.wmin) || u.wmin < 0.0) {
      return bad(c, k, "'%s' is not a window >= 0 (packets)", v);
    }
  }
  if (!have_alg)
    return bad(c, "alg", "missing (alg=tcp|reno|lia|olia|balia)");
  if (u.alg == THEORY_TCP && u.declared_paths > 1)
    return bad(c, "paths", "a tcp user has one path");
  return tf_add_user(t, &u) ? bad(c, "user", "out of memory") : 0;
}

static int st_path(const struct ctx *c, struct tf_topo *t, char **tok, int n) {
  static const char *const keys[] = {"rtt", "links", NULL};
  struct kv kv[MAX_TOKENS];
  if (n < 2)
    return bad(c, "user", "missing: path USER rtt=TIME links=L1[,L2...]");
  long u = find_user(t, tok[1]);
  if (u < 0)
    return bad(c, "user", "unknown user '%s' (declare it with a user line first)", tok[1]);
  if (split_kv(c, tok + 2, n - 2, keys, kv))
    return -1;
  struct tf_path p = {.user = (size_t)u, .rtt_s = -1.0, .line = c->line};
  size_t ids[MAX_TOKENS];
  int have_links = 0;
  for (int i = 0; i < n - 2; i++) {
    if (want_value(c, &kv[i]))
      return -1;
    if (!strcmp(kv[i].key, "rtt")) {
      if (tf_parse_time(kv[i].val, &p.rtt_s) || !(p.rtt_s > 0.0))
        return bad(c, "rtt", "'%s' is not a time > 0 (e.g. 150ms, 0.15s)", kv[i].val);
      continue;
    }
    have_links = 1;
    char buf[MAX_TOKENS * TF_NAME_MAX];
    if (strlen(kv[i].val) >= sizeof(buf))
      return bad(c, "links", "list too long");
    memcpy(buf, kv[i].val, strlen(kv[i].val) + 1);
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
      long l = find_link(t, name);
      if (l < 0)
        return bad(c, "links", "unknown link '%s'", name);
      for (size_t j = 0; j < p.nlinks; j++)
        if (ids[j] == (size_t)l)
          return bad(c, "links", "link '%s' twice in one path", name);
      if (p.nlinks == MAX_TOKENS)
        return bad(c, "links", "more than %d links", MAX_TOKENS);
      ids[p.nlinks++] = (size_t)l;
    }
    if (p.nlinks == 0 || kv[i].val[strlen(kv[i].val) - 1] == ',' || kv[i].val[0] == ',' ||
        strstr(kv[i].val, ",,"))
      return bad(c, "links", "'%s' is not a list of link names separated by commas", kv[i].val);
  }
  if (p.rtt_s < 0.0)
    return bad(c, "rtt", "missing (rtt=TIME, e.g. rtt=150ms)");
  if (!have_links)
    return bad(c, "links", "missing (links=L1[,L2...])");
  if (t->users[u].alg == THEORY_TCP)
    for (size_t i = 0; i < t->npaths; i++)
      if (t->paths[i].user == (size_t)u)
        return bad(c, "user", "tcp user '%s' already has its path", t->users[u].name);
  p.links = ids;
  return tf_add_path(t, &p) ? bad(c, "path", "out of memory") : 0;
}

static int st_response(const struct ctx *c, struct tf_topo *t, char **tok, int n) {
  static const char *const keys[] = {"b", "t0", NULL};
  struct kv kv[MAX_TOKENS];
  if (t->resp_line)
    return bad(c, "response", "given twice (first on line %d)", t->resp_line);
  if (n < 2 || tf_parse_resp(tok[1], &t->resp.kind))
    return bad(c, "response", "'%s' is not kelly, mathis or padhye", n < 2 ? "" : tok[1]);
  if (split_kv(c, tok + 2, n - 2, keys, kv))
    return -1;
  for (int i = 0; i < n - 2; i++) {
    const char *k = kv[i].key, *v = kv[i].val;
    if (want_value(c, &kv[i]))
      return -1;
    if (t->resp.kind == THEORY_RESP_KELLY || (!strcmp(k, "t0") && t->resp.kind != THEORY_RESP_PADHYE))
      return bad(c, k, "not a parameter of %s", tf_resp_name(t->resp.kind));
    if (!strcmp(k, "b") && (tf_parse_number(v, &t->resp.b) || !(t->resp.b > 0.0)))
      return bad(c, k, "'%s' is not a number > 0 (packets per ACK)", v);
    if (!strcmp(k, "t0") && tf_parse_time(v, &t->resp.t0))
      return bad(c, k, "'%s' is not a time >= 0 (e.g. 200ms)", v);
  }
  t->resp_line = c->line;
  return 0;
}

static int st_mss(const struct ctx *c, struct tf_topo *t, char **tok, int n) {
  unsigned long v;
  if (t->mss_line)
    return bad(c, "mss", "given twice (first on line %d)", t->mss_line);
  if (n != 2 || parse_count(tok[1], 65535ul, &v))
    return bad(c, "mss", "'%s' is not a whole number of bytes in [1, 65535]",
               n >= 2 ? tok[1] : "");
  t->mss = (double)v;
  t->mss_line = c->line;
  return 0;
}

int tf_read(FILE *f, const char *name, struct tf_topo *t, char *err, size_t errlen) {
  struct ctx c = {name, 0, err, errlen};
  char *line = NULL;
  size_t cap = 0;
  int rc = 0;
  while (rc == 0 && getline(&line, &cap, f) >= 0) {
    c.line++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char *tok[MAX_TOKENS + 1], *save = NULL;
    int n = 0;
    for (char *w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
      if (n == MAX_TOKENS) {
        rc = bad(&c, "line", "more than %d words", MAX_TOKENS);
        break;
      }
      tok[n++] = w;
    }
    if (rc || n == 0)
      continue;
    if (!strcmp(tok[0], "link"))
      rc = st_link(&c, t, tok, n);
    else if (!strcmp(tok[0], "user"))
      rc = st_user(&c, t, tok, n);
    else if (!strcmp(tok[0], "path"))
      rc = st_path(&c, t, tok, n);
    else if (!strcmp(tok[0], "response"))
      rc = st_response(&c, t, tok, n);
    else if (!strcmp(tok[0], "mss"))
      rc = st_mss(&c, t, tok, n);
    else
      rc = bad(&c, tok[0], "unknown statement (mss, response, link, user, path)");
  }
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "%s: read error", name);
    rc = -1;
  }
  free(line);
  return rc;
}

int tf_check(const struct tf_topo *t, const char *name, char *err, size_t errlen) {
  if (t->npaths == 0) {
    snprintf(err, errlen, "%s: no path (add user and path lines)", name);
    return -1;
  }
  for (size_t u = 0; u < t->nusers; u++) {
    long n = 0;
    for (size_t r = 0; r < t->npaths; r++)
      n += t->paths[r].user == u;
    if (n == 0 || (t->users[u].declared_paths >= 0 && n != t->users[u].declared_paths)) {
      snprintf(err, errlen, "%s:%d: paths: user '%s' has %ld path line%s%s", name,
               t->users[u].line, t->users[u].name, n, n == 1 ? "" : "s",
               n == 0 ? " (it needs one)" : ", not the paths= given");
      return -1;
    }
  }
  return 0;
}

theory_net *tf_build(const struct tf_topo *t, const char *name, char *err, size_t errlen) {
  theory_net *net = theory_new();
  int rc = net ? 0 : THEORY_E_NOMEM;
  int line = 0;
  for (size_t i = 0; rc >= 0 && i < t->nlinks; i++) {
    const struct tf_link *l = &t->links[i];
    double pps = l->rate_bps / (8.0 * t->mss);
    line = l->line;
    rc = l->model == THEORY_LINK_EXOGENOUS ? theory_add_link_exogenous(net, pps, l->loss)
         : l->model == THEORY_LINK_DROPTAIL ? theory_add_link_droptail(net, pps, l->queue)
                                            : theory_add_link_red(net, pps, &l->red);
  }
  for (size_t i = 0; rc >= 0 && i < t->nusers; i++) {
    struct theory_user_spec s;
    theory_user_spec_init(&s, t->users[i].alg);
    s.resp = t->resp;
    s.wmin = t->users[i].wmin;
    s.count = t->users[i].count;
    line = t->users[i].line;
    rc = theory_add_user(net, &s);
  }
  for (size_t i = 0; rc >= 0 && i < t->npaths; i++) {
    const struct tf_path *p = &t->paths[i];
    int ids[MAX_TOKENS];
    for (size_t j = 0; j < p->nlinks; j++)
      ids[j] = (int)p->links[j];
    line = p->line;
    rc = theory_add_path(net, (int)p->user, p->rtt_s, ids, p->nlinks);
  }
  if (rc < 0) {
    snprintf(err, errlen, "%s:%d: %s", name, line, theory_strerror(rc));
    theory_free(net);
    return NULL;
  }
  return net;
}
