/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp-theory: the fluid (equilibrium) rates, windows, losses and queues
 * of TCP and MPTCP congestion controls over a network of links, with GSL
 * (the models, the equations and their sources: utils/theory/theory.h and
 * doc/validation.md "mptcp-theory").
 *
 *   mptcp-theory [OPTIONS] FILE        a topology file ("-": stdin)
 *   mptcp-theory [OPTIONS] --alg ALG --loss P1[,P2...] --rtt T1[,T2...]
 *                                      one user, one path per loss value,
 *                                      each on a link of that fixed loss
 *
 * The topology file, one statement a line, '#' to the end of a line a
 * comment, words separated by blanks:
 *   mss BYTES                 bytes per packet (default 1448: the payload
 *                             of a 1500-byte packet with TCP timestamps);
 *                             packets/s = bit/s / (8 mss) both ways
 *   response kelly            the single-path response function (default)
 *   response mathis [b=B]     B packets per ACK (default 1; 2: delayed ACK)
 *   response padhye [b=B] [t0=TIME]  t0 the RTO (default 200ms)
 *   link NAME [rate=RATE] loss=P
 *                             fixed loss P in [0, 1); no queue; the rate,
 *                             if given, is only compared with the load
 *   link NAME rate=RATE droptail [queue=PKTS]
 *                             capacity constraint; queue: the buffer, a
 *                             bottleneck's queue (delay, no drops) before
 *                             drops begin (default 0)
 *   link NAME rate=RATE red minth=PKTS maxth=PKTS maxp=P [gentle]
 *                             the equilibrium loss sets RED's average
 *                             queue (below minth: delay without drops);
 *                             a queue adds queue/capacity to the RTT
 *   user NAME alg=tcp|reno|lia|olia|balia [count=N] [wmin=PKTS] [paths=N]
 *                             count identical users (results per user);
 *                             wmin a window floor per path; paths= the
 *                             number of path lines to expect (a check)
 *   path USER rtt=TIME links=L1[,L2...]
 *                             base (propagation) RTT, links in any order
 * RATE in ns-3's units (10Mbps, 500kbps, 1Gbps), TIME with a unit (150ms,
 * 0.15s, 500us). Every statement's keys are checked: an unknown key, a bad
 * number, an unknown link or user, a zero rate or a loss >= 1 is an error
 * naming the line and the field.
 *
 * Output: a table; with --json, also one JSON object on the last line.
 * Exit status 0; 1 when the solver finds no equilibrium; 2 on bad
 * arguments or input (one line on stderr).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "theory.h"
#include "theory_file.h"
#include "tool_io.h"

#define PROG "mptcp-theory"

static void usage(FILE *f) {
  fputs("usage: " PROG " [OPTIONS] FILE\n"
        "       " PROG " [OPTIONS] --alg ALG --loss P1[,P2...] --rtt T1[,T2...] [--wmin PKTS]\n"
        "Fluid equilibrium of TCP and MPTCP congestion control (Reno with Kelly's,\n"
        "Mathis' or Padhye's response; LIA, OLIA, BALIA) over links with a fixed\n"
        "loss, a drop-tail capacity or RED. FILE ('-': stdin) describes the network:\n"
        "  mss BYTES                                  (default 1448)\n"
        "  response kelly | mathis [b=B] | padhye [b=B] [t0=TIME]\n"
        "  link NAME [rate=RATE] loss=P\n"
        "  link NAME rate=RATE droptail [queue=PKTS]\n"
        "  link NAME rate=RATE red minth=PKTS maxth=PKTS maxp=P [gentle]\n"
        "  user NAME alg=tcp|reno|lia|olia|balia [count=N] [wmin=PKTS] [paths=N]\n"
        "  path USER rtt=TIME links=L1[,L2...]\n"
        "RATE as ns-3 (10Mbps), TIME with a unit (150ms); '#' starts a comment.\n"
        "A bottleneck's queue (drop-tail up to queue=, RED by its profile) adds\n"
        "queue/rate to the RTT of the paths through it.\n"
        "The quick form: one user, one path per loss value, each over its own\n"
        "link of that fixed loss (no capacity limit); --rtt gives one RTT for all\n"
        "paths or one per path.\n"
        "Options:\n"
        "  --json                 also print one JSON object on the last line\n"
        "  --mss BYTES            bytes per packet (overrides the file's)\n"
        "  --response KIND        kelly, mathis or padhye (overrides the file's)\n"
        "  --b B                  packets per ACK (mathis, padhye; default 1)\n"
        "  --t0 TIME              retransmission timeout (padhye; default 200ms)\n"
        "  --alg ALG, --loss LIST, --rtt LIST, --wmin PKTS   the quick form\n"
        "Exit status: 0; 1 no equilibrium found; 2 bad arguments or input.\n",
        f);
}

static int fail(const char *msg) {
  fprintf(stderr, PROG ": %s\n", msg);
  return 2;
}

struct opts {
  int json;
  const char *file;
  const char *mss, *response, *b, *t0, *alg, *loss, *rtt, *wmin;
};

/* --name VALUE or --name=VALUE. */
static int parse_args(int argc, char **argv, struct opts *o, char *err, size_t len) {
  static const char *const names[] = {"--mss", "--response", "--b", "--t0",
                                      "--alg", "--loss",     "--rtt", "--wmin"};
  const char **slots[] = {&o->mss, &o->response, &o->b, &o->t0,
                          &o->alg, &o->loss,     &o->rtt, &o->wmin};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--json")) {
      o->json = 1;
      continue;
    }
    if (a[0] != '-' || !strcmp(a, "-")) {
      if (o->file) {
        snprintf(err, len, "one topology file only ('%s', then '%s')", o->file, a);
        return -1;
      }
      o->file = a;
      continue;
    }
    size_t k = 0, nn = sizeof(names) / sizeof(names[0]);
    const char *eq = strchr(a, '=');
    size_t alen = eq ? (size_t)(eq - a) : strlen(a);
    while (k < nn && (strlen(names[k]) != alen || strncmp(names[k], a, alen)))
      k++;
    if (k == nn) {
      snprintf(err, len, "unknown option '%s' (see --help)", a);
      return -1;
    }
    const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!v || !*v) {
      snprintf(err, len, "%s needs a value", names[k]);
      return -1;
    }
    if (*slots[k]) {
      snprintf(err, len, "%s given twice", names[k]);
      return -1;
    }
    *slots[k] = v;
  }
  return 0;
}

/* The response and mss options over the file's values. */
static int apply_globals(const struct opts *o, struct tf_topo *t, char *err, size_t len) {
  if (o->mss) {
    double v;
    if (tf_parse_number(o->mss, &v) || v < 1.0 || v > 65535.0 || v != floor(v)) {
      snprintf(err, len, "--mss: '%s' is not a whole number of bytes in [1, 65535]", o->mss);
      return -1;
    }
    t->mss = v;
  }
  if (o->response) {
    if (tf_parse_resp(o->response, &t->resp.kind)) {
      snprintf(err, len, "--response: '%s' is not kelly, mathis or padhye", o->response);
      return -1;
    }
    t->resp.b = 1.0;
    t->resp.t0 = 0.2;
  }
  if (o->b) {
    if (t->resp.kind == THEORY_RESP_KELLY) {
      snprintf(err, len, "--b: not a parameter of kelly (use --response mathis or padhye)");
      return -1;
    }
    if (tf_parse_number(o->b, &t->resp.b) || !(t->resp.b > 0.0)) {
      snprintf(err, len, "--b: '%s' is not a number > 0 (packets per ACK)", o->b);
      return -1;
    }
  }
  if (o->t0) {
    if (t->resp.kind != THEORY_RESP_PADHYE) {
      snprintf(err, len, "--t0: only for --response padhye");
      return -1;
    }
    if (tf_parse_time(o->t0, &t->resp.t0)) {
      snprintf(err, len, "--t0: '%s' is not a time >= 0 (e.g. 200ms)", o->t0);
      return -1;
    }
  }
  return 0;
}

/* Splits a comma-separated list in place; returns the count, -1 if an
 * item is empty or there are more than max. */
static int split_list(char *s, char **items, int max) {
  int n = 0;
  char *p = s;
  for (;;) {
    char *c = strchr(p, ',');
    if (c)
      *c = '\0';
    if (!*p || n == max)
      return -1;
    items[n++] = p;
    if (!c)
      return n;
    p = c + 1;
  }
}

/* The quick form: user "u", link and path "pK" per loss value. */
static int quick_topo(const struct opts *o, struct tf_topo *t, char *err, size_t len) {
  enum { MAXP = 64 };
  char lbuf[4096], rbuf[4096], *loss[MAXP], *rtt[MAXP];
  if (!o->alg || !o->loss || !o->rtt) {
    snprintf(err, len, "the quick form needs --alg, --loss and --rtt (see --help)");
    return -1;
  }
  struct tf_user u = {.count = 1, .declared_paths = -1, .line = 0};
  snprintf(u.name, sizeof(u.name), "u");
  if (tf_parse_alg(o->alg, &u.alg)) {
    snprintf(err, len, "--alg: unknown algorithm '%s' (tcp, reno, lia, olia, balia)", o->alg);
    return -1;
  }
  if (o->wmin && (tf_parse_number(o->wmin, &u.wmin) || u.wmin < 0.0)) {
    snprintf(err, len, "--wmin: '%s' is not a window >= 0 (packets)", o->wmin);
    return -1;
  }
  snprintf(lbuf, sizeof(lbuf), "%s", o->loss);
  snprintf(rbuf, sizeof(rbuf), "%s", o->rtt);
  int nl = split_list(lbuf, loss, MAXP), nr = split_list(rbuf, rtt, MAXP);
  if (nl < 0 || nr < 0) {
    snprintf(err, len, "%s: not a list of values separated by commas (at most %d)",
             nl < 0 ? "--loss" : "--rtt", MAXP);
    return -1;
  }
  if (nr != 1 && nr != nl) {
    snprintf(err, len, "--rtt: %d values for %d paths (give one, or one per --loss value)", nr,
             nl);
    return -1;
  }
  if (u.alg == THEORY_TCP && nl != 1) {
    snprintf(err, len, "--alg tcp: one path (one --loss value); reno for uncoupled paths");
    return -1;
  }
  if (tf_add_user(t, &u))
    return snprintf(err, len, "out of memory"), -1;
  for (int i = 0; i < nl; i++) {
    struct tf_link l = {.model = THEORY_LINK_EXOGENOUS, .rate_bps = INFINITY};
    snprintf(l.name, sizeof(l.name), "p%d", i + 1);
    if (tf_parse_number(loss[i], &l.loss) || !(l.loss > 0.0 && l.loss < 1.0)) {
      snprintf(err, len, "--loss: '%s' is not a loss rate in (0, 1) (at 0 the rate is unbounded)",
               loss[i]);
      return -1;
    }
    struct tf_path p = {.user = 0, .nlinks = 1};
    size_t id = (size_t)i;
    p.links = &id;
    if (tf_parse_time(rtt[nr == 1 ? 0 : i], &p.rtt_s) || !(p.rtt_s > 0.0)) {
      snprintf(err, len, "--rtt: '%s' is not a time > 0 (e.g. 100ms)", rtt[nr == 1 ? 0 : i]);
      return -1;
    }
    if (tf_add_link(t, &l) || tf_add_path(t, &p))
      return snprintf(err, len, "out of memory"), -1;
  }
  return 0;
}

static double mbps(const struct tf_topo *t, double pps) {
  return pps * 8.0 * t->mss / 1e6;
}

static void path_links(const struct tf_topo *t, const struct tf_path *p, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < p->nlinks && used < len; j++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s", j ? "," : "",
                             t->links[p->links[j]].name);
}

static void print_table(const struct tf_topo *t, const struct theory_report *r) {
  printf("# " PROG ": fluid equilibrium, response %s", tf_resp_name(t->resp.kind));
  if (t->resp.kind != THEORY_RESP_KELLY)
    printf(" b=%g", t->resp.b);
  if (t->resp.kind == THEORY_RESP_PADHYE)
    printf(" t0=%gms", t->resp.t0 * 1e3);
  printf(", MSS %g bytes (Mbit/s = packets/s x 8 x MSS / 10^6)\n", t->mss);
  printf("links:\n  %-12s %-9s %13s %10s %11s %11s %10s %14s %s\n", "name", "model",
         "capacity_Mbps", "load_Mbps", "utilization", "loss", "queue_pkts", "queue_delay_ms",
         "bottleneck");
  for (size_t i = 0; i < t->nlinks; i++) {
    const struct tf_link *l = &t->links[i];
    const struct theory_link_result *o = &r->links[i];
    double cap = l->rate_bps / 1e6;
    printf("  %-12s %-9s ", l->name, tf_model_name(l->model));
    if (isfinite(cap))
      printf("%13.4f %10.4f %11.4f", cap, mbps(t, o->load_pps), mbps(t, o->load_pps) / cap);
    else
      printf("%13s %10.4f %11s", "-", mbps(t, o->load_pps), "-");
    printf(" %11.6g %10.4g %14.4g %s\n", o->loss, o->queue_pkts, o->delay_s * 1e3,
           o->bottleneck ? "yes" : "no");
  }
  printf("users (rates per user):\n  %-12s %-6s %6s %10s %11s %16s\n", "name", "alg", "count",
         "rate_Mbps", "rate_pps", "best_tcp_Mbps");
  for (size_t u = 0; u < t->nusers; u++) {
    const struct theory_user_result *o = &r->users[u];
    printf("  %-12s %-6s %6u %10.4f %11.4f %16.4f\n", t->users[u].name,
           tf_alg_name(t->users[u].alg), t->users[u].count, mbps(t, o->rate_pps), o->rate_pps,
           mbps(t, o->best_tcp_pps));
  }
  printf("paths:\n  %-12s %-16s %11s %9s %11s %12s %10s %11s\n", "user", "links", "base_rtt_ms",
         "rtt_ms", "loss", "window_pkts", "rate_Mbps", "rate_pps");
  for (size_t i = 0; i < t->npaths; i++) {
    const struct theory_path_result *o = &r->paths[i];
    char links[256];
    path_links(t, &t->paths[i], links, sizeof(links));
    printf("  %-12s %-16s %11.4g %9.4g %11.6g %12.6g %10.4f %11.4f%s\n",
           t->users[t->paths[i].user].name, links, o->base_rtt_s * 1e3, o->rtt_s * 1e3, o->loss,
           o->window_pkts, mbps(t, o->rate_pps), o->rate_pps, o->floored ? " (floor)" : "");
  }
  printf("solver: %d active-set round(s), %d outer iterations, at most %d inner iterations, "
         "residual %.3g\n",
         r->rounds, r->outer_iterations, r->inner_iterations, r->residual);
}

static void jnum(const char *key, double v, int comma) {
  if (isfinite(v))
    printf("\"%s\":%.10g%s", key, v, comma ? "," : "");
  else
    printf("\"%s\":null%s", key, comma ? "," : "");
}

static void print_json(const struct tf_topo *t, const struct theory_report *r) {
  printf("{\"mss_bytes\":%g,\"response\":{\"kind\":\"%s\",", t->mss,
         tf_resp_name(t->resp.kind));
  jnum("b", t->resp.b, 1);
  jnum("t0_s", t->resp.t0, 0);
  printf("},\"solver\":{\"rounds\":%d,\"outer_iterations\":%d,\"inner_iterations\":%d,",
         r->rounds, r->outer_iterations, r->inner_iterations);
  jnum("residual", r->residual, 0);
  printf("},\"links\":[");
  for (size_t i = 0; i < t->nlinks; i++) {
    const struct tf_link *l = &t->links[i];
    const struct theory_link_result *o = &r->links[i];
    double cap_pps = l->rate_bps / (8.0 * t->mss);
    printf("%s{\"name\":\"%s\",\"model\":\"%s\",", i ? "," : "", l->name,
           tf_model_name(l->model));
    jnum("capacity_mbps", l->rate_bps / 1e6, 1);
    jnum("capacity_pps", cap_pps, 1);
    jnum("load_mbps", mbps(t, o->load_pps), 1);
    jnum("load_pps", o->load_pps, 1);
    jnum("utilization", o->load_pps / cap_pps, 1);
    jnum("loss", o->loss, 1);
    jnum("queue_pkts", o->queue_pkts, 1);
    jnum("queue_delay_ms", o->delay_s * 1e3, 1);
    printf("\"bottleneck\":%s}", o->bottleneck ? "true" : "false");
  }
  printf("],\"users\":[");
  for (size_t u = 0; u < t->nusers; u++) {
    const struct tf_user *tu = &t->users[u];
    const struct theory_user_result *o = &r->users[u];
    printf("%s{\"name\":\"%s\",\"alg\":\"%s\",\"count\":%u,", u ? "," : "", tu->name,
           tf_alg_name(tu->alg), tu->count);
    jnum("wmin_pkts", tu->wmin, 1);
    jnum("rate_mbps", mbps(t, o->rate_pps), 1);
    jnum("rate_pps", o->rate_pps, 1);
    jnum("best_tcp_mbps", mbps(t, o->best_tcp_pps), 1);
    jnum("best_tcp_pps", o->best_tcp_pps, 1);
    printf("\"paths\":[");
    int first = 1;
    for (size_t i = 0; i < t->npaths; i++) {
      if (t->paths[i].user != u)
        continue;
      const struct theory_path_result *p = &r->paths[i];
      printf("%s{\"links\":[", first ? "" : ",");
      first = 0;
      for (size_t j = 0; j < t->paths[i].nlinks; j++)
        printf("%s\"%s\"", j ? "," : "", t->links[t->paths[i].links[j]].name);
      printf("],");
      jnum("base_rtt_ms", p->base_rtt_s * 1e3, 1);
      jnum("rtt_ms", p->rtt_s * 1e3, 1);
      jnum("loss", p->loss, 1);
      jnum("window_pkts", p->window_pkts, 1);
      jnum("rate_mbps", mbps(t, p->rate_pps), 1);
      jnum("rate_pps", p->rate_pps, 1);
      printf("\"floored\":%s}", p->floored ? "true" : "false");
    }
    printf("]}");
  }
  printf("]}\n");
}

/* A solver error in words, with the names of the file. Returns the exit
 * status: 2 for a network that has no equilibrium to find, 1 otherwise. */
static int solve_error(int rc, const struct theory_report *r, const struct tf_topo *t,
                       const char *name) {
  if (rc == THEORY_E_UNBOUNDED && r->failed_path >= 0) {
    const struct tf_path *p = &t->paths[r->failed_path];
    if (p->line > 0)
      fprintf(stderr, PROG ": %s:%d: links: a path of user '%s' whose links all have loss 0: "
                      "unbounded rate\n", name, p->line, t->users[p->user].name);
    else
      fprintf(stderr, PROG ": --loss: a path without loss has an unbounded rate\n");
    return 2;
  }
  if (rc == THEORY_E_NOPATHS || rc == THEORY_E_ARG) {
    fprintf(stderr, PROG ": %s: %s\n", name, theory_strerror(rc));
    return 2;
  }
  fprintf(stderr, PROG ": %s", theory_strerror(rc));
  if (r->failed_user >= 0)
    fprintf(stderr, " (user '%s')", t->users[r->failed_user].name);
  if (r->failed_link >= 0)
    fprintf(stderr, " (link '%s')", t->links[r->failed_link].name);
  fprintf(stderr, ": %s\n", r->detail);
  return 1;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return tool_close_stdout(PROG, 0, 2);
    }
  gsl_set_error_handler_off();
  struct opts o = {0};
  char err[400];
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (parse_args(argc, argv, &o, err, sizeof(err)))
    return fail(err);
  int quick = o.alg || o.loss || o.rtt || o.wmin;
  if (quick && o.file)
    return fail("give a topology file or the quick form (--alg, --loss, --rtt), not both");
  if (!quick && !o.file)
    return fail("no topology file (see --help)");
  struct tf_topo t;
  tf_init(&t);
  const char *name = quick ? "command line" : (!strcmp(o.file, "-") ? "<stdin>" : o.file);
  int status = 2;
  if (quick) {
    if (quick_topo(&o, &t, err, sizeof(err)))
      goto out_err;
  } else {
    FILE *f = strcmp(o.file, "-") ? fopen(o.file, "r") : stdin;
    if (!f) {
      snprintf(err, sizeof(err), "%s: cannot open: %s", o.file, strerror(errno));
      goto out_err;
    }
    int rc = tf_read(f, name, &t, err, sizeof(err));
    if (f != stdin)
      fclose(f);
    if (rc || tf_check(&t, name, err, sizeof(err)))
      goto out_err;
  }
  if (apply_globals(&o, &t, err, sizeof(err)))
    goto out_err;
  theory_net *net = tf_build(&t, name, err, sizeof(err));
  if (!net)
    goto out_err;
  struct theory_report r;
  int rc = theory_solve(net, &r);
  theory_free(net);
  if (rc < 0) {
    status = solve_error(rc, &r, &t, name);
  } else {
    print_table(&t, &r);
    if (o.json)
      print_json(&t, &r);
    status = 0;
  }
  theory_report_free(&r);
  tf_free(&t);
  return tool_close_stdout(PROG, status, 2);
out_err:
  tf_free(&t);
  return fail(err);
}
