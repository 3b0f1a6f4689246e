/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_theory.c - the fluid models of utils/theory against closed forms
 * derived here (the derivations are in the comments), and their errors.
 *
 * Notation: p loss rate, q = p / (1 - p) (Kelly's response, W^2 = 2 / q),
 * T RTT, W a TCP's window, x = w / T a rate in packets/s.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "theory.h"

/* |got - want| <= rel |want|, with both values in the failure message. */
#define assert_rel(got, want, rel) assert_rel_at((got), (want), (rel), #got, __LINE__)

static void assert_rel_at(double got, double want, double rel, const char *what, int line) {
  double err = fabs(got - want);
  if (!(err <= rel * fabs(want))) {
    print_error("line %d: %s = %.15g, want %.15g (relative error %.3g > %.3g)\n", line, what,
                got, want, want != 0.0 ? err / fabs(want) : err, rel);
    fail();
  }
}

static double q_of(double p) {
  return p / (1.0 - p);
}

/* Kelly's TCP rate: (1 - p)/W = p W / 2, W = sqrt(2 (1 - p) / p). */
static double kelly_x(double p, double t) {
  return sqrt(2.0 * (1.0 - p) / p) / t;
}

static int user(theory_net *n, enum theory_alg alg, unsigned count, double wmin) {
  struct theory_user_spec u;
  theory_user_spec_init(&u, alg);
  u.count = count;
  u.wmin = wmin;
  int id = theory_add_user(n, &u);
  assert_true(id >= 0);
  return id;
}

static void path1(theory_net *n, int u, double rtt, int link) {
  assert_true(theory_add_path(n, u, rtt, &link, 1) >= 0);
}

static void solve(theory_net *n, struct theory_report *r) {
  int rc = theory_solve(n, r);
  if (rc != THEORY_OK)
    print_error("theory_solve: %s: %s\n", theory_strerror(rc), r->detail);
  assert_int_equal(rc, THEORY_OK);
  assert_true(r->residual < 1e-9);
}

/* One user over exogenous links of losses p[0..n-1], all paths of RTT t[i]. */
static theory_net *exo_net(enum theory_alg alg, const double *p, const double *t, int n,
                           double wmin) {
  theory_net *net = theory_new();
  assert_non_null(net);
  int u = user(net, alg, 1, wmin);
  for (int i = 0; i < n; i++)
    path1(net, u, t[i], theory_add_link_exogenous(net, INFINITY, p[i]));
  return net;
}

/* ---- single-path responses over exogenous losses ---- */

static void test_tcp_kelly(void **state) {
  (void)state;
  double p = 0.01, t = 0.1;
  theory_net *n = exo_net(THEORY_TCP, &p, &t, 1, 0.0);
  struct theory_report r;
  solve(n, &r);
  assert_rel(r.paths[0].rate_pps, kelly_x(p, t), 1e-12);
  assert_rel(r.paths[0].window_pkts, sqrt(2.0 * 0.99 / 0.01), 1e-12);
  assert_rel(r.users[0].rate_pps, kelly_x(p, t), 1e-12);
  theory_report_free(&r);
  theory_free(n);

  /* two links in series: p_r = 1 - (1 - 0.01)(1 - 0.02) */
  n = theory_new();
  int links[2] = {theory_add_link_exogenous(n, INFINITY, 0.01),
                  theory_add_link_exogenous(n, INFINITY, 0.02)};
  int u = user(n, THEORY_TCP, 1, 0.0);
  assert_int_equal(theory_add_path(n, u, 0.05, links, 2), 0);
  solve(n, &r);
  double pr = 1.0 - 0.99 * 0.98;
  assert_rel(r.paths[0].loss, pr, 1e-12);
  assert_rel(r.paths[0].rate_pps, kelly_x(pr, 0.05), 1e-12);
  theory_report_free(&r);
  theory_free(n);
}

static double mathis_x(double p, double t, double b) {
  return sqrt(3.0 / (2.0 * b * p)) / t;
}

static double padhye_x(double p, double t, double b, double t0) {
  return 1.0 / (t * sqrt(2.0 * b * p / 3.0) +
                t0 * fmin(1.0, 3.0 * sqrt(3.0 * b * p / 8.0)) * p * (1.0 + 32.0 * p * p));
}

static void test_tcp_mathis_padhye(void **state) {
  (void)state;
  struct {
    enum theory_resp kind;
    double p, t, b, t0;
  } cases[] = {
      {THEORY_RESP_MATHIS, 0.01, 0.1, 2.0, 0.2},  {THEORY_RESP_MATHIS, 0.003, 0.3, 1.0, 0.2},
      {THEORY_RESP_PADHYE, 0.02, 0.1, 1.0, 0.2},  {THEORY_RESP_PADHYE, 0.02, 0.1, 2.0, 1.0},
      {THEORY_RESP_PADHYE, 0.3, 0.05, 1.0, 0.2}, /* 3 sqrt(3bp/8) > 1: the min() caps */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    theory_net *n = theory_new();
    struct theory_user_spec s;
    theory_user_spec_init(&s, THEORY_TCP);
    s.resp.kind = cases[i].kind;
    s.resp.b = cases[i].b;
    s.resp.t0 = cases[i].t0;
    int u = theory_add_user(n, &s);
    path1(n, u, cases[i].t, theory_add_link_exogenous(n, INFINITY, cases[i].p));
    struct theory_report r;
    solve(n, &r);
    double want = cases[i].kind == THEORY_RESP_MATHIS
                      ? mathis_x(cases[i].p, cases[i].t, cases[i].b)
                      : padhye_x(cases[i].p, cases[i].t, cases[i].b, cases[i].t0);
    assert_rel(r.paths[0].rate_pps, want, 1e-12);
    /* one path: every coupled algorithm is the chosen response */
    for (int alg = THEORY_RENO; alg <= THEORY_BALIA; alg++) {
      theory_net *m = theory_new();
      s.alg = (enum theory_alg)alg;
      u = theory_add_user(m, &s);
      path1(m, u, cases[i].t, theory_add_link_exogenous(m, INFINITY, cases[i].p));
      struct theory_report r2;
      solve(m, &r2);
      assert_rel(r2.paths[0].rate_pps, want, 1e-9);
      theory_report_free(&r2);
      theory_free(m);
    }
    s.alg = THEORY_TCP;
    theory_report_free(&r);
    theory_free(n);
  }
}

/* ---- two equal paths ---- */

static void test_two_equal_paths(void **state) {
  (void)state;
  double p[2] = {0.01, 0.01}, t[2] = {0.1, 0.1}, tcp = kelly_x(0.01, 0.1);
  struct {
    enum theory_alg alg;
    double total; /* in TCPs */
  } cases[] = {{THEORY_RENO, 2.0}, {THEORY_LIA, 1.0}, {THEORY_OLIA, 1.0}, {THEORY_BALIA, 1.0}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    theory_net *n = exo_net(cases[i].alg, p, t, 2, 0.0);
    struct theory_report r;
    solve(n, &r);
    assert_rel(r.users[0].rate_pps, cases[i].total * tcp, 1e-9);
    assert_rel(r.paths[0].rate_pps, cases[i].total * tcp / 2.0, 1e-9);
    assert_rel(r.paths[1].rate_pps, cases[i].total * tcp / 2.0, 1e-9);
    theory_report_free(&r);
    theory_free(n);
  }
}

/* ---- unequal exogenous losses ---- */

/* LIA, equal RTTs T, paths not capped by 1/w_r. Balance per path (RFC 6356
 * section 3, increase alpha/w_tot, decrease w_r/2):
 *   q_r w_r / 2 = alpha / w_tot = max_k w_k / w_tot^2        (equal T)
 * so w_r = 2 w_max / (q_r w_tot^2) is proportional to 1/q_r; at the path
 * with the smallest q, w_max = 2 w_max / (q_min w_tot^2), hence
 *   w_tot = sqrt(2 / q_min) = sqrt(2 (1 - p_min) / p_min),
 * one TCP's window on the best path (RFC 6356 section 4, goal 1). */
static void test_lia_unequal_loss(void **state) {
  (void)state;
  double p[3] = {0.02, 0.01, 0.04}, t[3] = {0.1, 0.1, 0.1};
  theory_net *n = exo_net(THEORY_LIA, p, t, 3, 0.0);
  struct theory_report r;
  solve(n, &r);
  double wtot = sqrt(2.0 / q_of(0.01)), inv = 0.0;
  for (int i = 0; i < 3; i++)
    inv += 1.0 / q_of(p[i]);
  for (int i = 0; i < 3; i++)
    assert_rel(r.paths[i].window_pkts, wtot * (1.0 / q_of(p[i])) / inv, 1e-6);
  assert_rel(r.users[0].rate_pps, wtot / 0.1, 1e-6);
  assert_rel(r.users[0].rate_pps, kelly_x(0.01, 0.1), 1e-6);
  theory_report_free(&r);
  theory_free(n);
}

/* LIA with unequal RTTs. Uncapped, w_r = 2A / q_r with the common
 * A = M / S^2, M = max_k w_k/T_k^2, S = sum_k w_k/T_k. With w_r = c / q_r:
 * A = max_k(1/(q_k T_k^2)) / (c (sum_k 1/(q_k T_k))^2) and w_r = 2A/q_r = c/q_r
 * give c = sqrt(2 max_k 1/(q_k T_k^2)) / sum_k 1/(q_k T_k), and A = c / 2.
 * Valid while no path is capped, A <= 1 / w_r = q_r / c: checked below. */
static void test_lia_unequal_rtt(void **state) {
  (void)state;
  double p[3] = {0.01, 0.02, 0.015}, t[3] = {0.05, 0.2, 0.1}, m = 0.0, s = 0.0;
  for (int i = 0; i < 3; i++) {
    m = fmax(m, 1.0 / (q_of(p[i]) * t[i] * t[i]));
    s += 1.0 / (q_of(p[i]) * t[i]);
  }
  double c = sqrt(2.0 * m) / s, a = c / 2.0;
  for (int i = 0; i < 3; i++)
    assert_true(a <= q_of(p[i]) / c); /* A <= 1 / w_r: the cap does not bind */
  theory_net *n = exo_net(THEORY_LIA, p, t, 3, 0.0);
  struct theory_report r;
  solve(n, &r);
  for (int i = 0; i < 3; i++)
    assert_rel(r.paths[i].window_pkts, c / q_of(p[i]), 1e-6);
  theory_report_free(&r);
  theory_free(n);
}

/* LIA where the cap min(alpha / w_tot, 1 / w_r) binds: path 1 (low loss,
 * long RTT) would grow beyond a TCP's window, so its balance is Reno's,
 * w_1 = sqrt(2 / q_1). Path 2 (short RTT) has the largest w / T^2, so
 * alpha / w_tot = (w_2 / T_2^2) / (w_1/T_1 + w_2/T_2)^2 and its balance
 * q_2 w_2 / 2 = alpha / w_tot gives w_1/T_1 + w_2/T_2 = sqrt(2 / q_2) / T_2:
 * the total is one TCP's rate on path 2 and w_2 = sqrt(2/q_2) - w_1 T_2/T_1.
 * The premises (path 1 capped, path 2 not, path 2 the max) are checked. */
static void test_lia_capped(void **state) {
  (void)state;
  double p[2] = {0.001, 0.01}, t[2] = {0.2, 0.01};
  double q1 = q_of(p[0]), q2 = q_of(p[1]);
  double w1 = sqrt(2.0 / q1), w2 = sqrt(2.0 / q2) - w1 * t[1] / t[0];
  double a = q2 * w2 / 2.0; /* alpha / w_tot */
  assert_true(w2 > 0.0 && a >= 1.0 / w1 && a <= 1.0 / w2);
  assert_true(w2 / (t[1] * t[1]) > w1 / (t[0] * t[0]));
  theory_net *n = exo_net(THEORY_LIA, p, t, 2, 0.0);
  struct theory_report r;
  solve(n, &r);
  assert_rel(r.paths[0].window_pkts, w1, 1e-6);
  assert_rel(r.paths[1].window_pkts, w2, 1e-6);
  assert_rel(r.users[0].rate_pps, kelly_x(p[1], t[1]), 1e-6);
  theory_report_free(&r);
  theory_free(n);
}

/* OLIA: everything on the best path, one TCP's rate there; with a window
 * floor the other paths send wmin / T and the best path the rest. */
static void test_olia_unequal(void **state) {
  (void)state;
  double p[3] = {0.02, 0.01, 0.04}, t[3] = {0.1, 0.1, 0.1}, tcp = kelly_x(0.01, 0.1);
  theory_net *n = exo_net(THEORY_OLIA, p, t, 3, 0.0);
  struct theory_report r;
  solve(n, &r);
  assert_rel(r.paths[1].rate_pps, tcp, 1e-12);
  assert_true(r.paths[0].rate_pps < 1e-12 * tcp && r.paths[0].floored);
  assert_true(r.paths[2].rate_pps < 1e-12 * tcp && r.paths[2].floored);
  theory_report_free(&r);
  theory_free(n);

  n = exo_net(THEORY_OLIA, p, t, 3, 2.0);
  solve(n, &r);
  assert_rel(r.paths[0].rate_pps, 2.0 / 0.1, 1e-9);
  assert_rel(r.paths[2].rate_pps, 2.0 / 0.1, 1e-9);
  assert_rel(r.paths[1].rate_pps, tcp - 2.0 * 2.0 / 0.1, 1e-9);
  assert_rel(r.users[0].rate_pps, tcp, 1e-9);
  theory_report_free(&r);
  theory_free(n);
}

/* BALIA. Balance on r (Peng et al. 2016, x_r = w_r / T_r, X = sum x):
 *   (x_r / (T_r X^2)) (1 + a_r)(4 + a_r) / 10 = q_r (w_r / 2) min(a_r, 1.5)
 *   <=> (1 + a_r)(4 + a_r) / min(a_r, 1.5) = 5 q_r T_r^2 X^2 =: k_r.
 * The fastest path b has a_b = 1: k_b = 10, X^2 = 2 / (q_b T_b^2), one
 * TCP's rate on b. The path with the smallest q T^2 is b (the solver's
 * branch), so k_r = 10 q_r T_r^2 / (q_b T_b^2) > 10 elsewhere; on
 * a <= 1.5 the left side is at most 10, so a_r > 1.5:
 *   (1 + a)(4 + a) = 1.5 k_r  =>  a_r = (-5 + sqrt(9 + 6 k_r)) / 2,
 * and x_b (1 + sum_{r != b} 1 / a_r) = X. */
static void test_balia_unequal(void **state) {
  (void)state;
  double p[3] = {0.02, 0.01, 0.04}, t[3] = {0.1, 0.08, 0.12};
  double kb = q_of(p[1]) * t[1] * t[1], x_total = sqrt(2.0 / kb), a[3], sum = 0.0;
  for (int i = 0; i < 3; i++) {
    double k = 10.0 * q_of(p[i]) * t[i] * t[i] / kb;
    a[i] = i == 1 ? 1.0 : (-5.0 + sqrt(9.0 + 6.0 * k)) / 2.0;
    sum += 1.0 / a[i];
  }
  theory_net *n = exo_net(THEORY_BALIA, p, t, 3, 0.0);
  struct theory_report r;
  solve(n, &r);
  assert_rel(r.users[0].rate_pps, x_total, 1e-9);
  for (int i = 0; i < 3; i++)
    assert_rel(r.paths[i].rate_pps, x_total / sum / a[i], 1e-9);
  theory_report_free(&r);
  theory_free(n);
}

/* ---- capacity constraints ---- */

/* N TCPs on a drop-tail link C, equal RTT T: N x = C, x = W(p) / T, so
 * W = C T / N and p inverts the response: Kelly p = 2 / (2 + W^2),
 * Mathis p = 3 / (2 b W^2). */
static void test_droptail_shares(void **state) {
  (void)state;
  double c = 1000.0, t = 0.1;
  for (int resp = 0; resp < 2; resp++) {
    theory_net *n = theory_new();
    int l = theory_add_link_droptail(n, c, 0.0);
    struct theory_user_spec s;
    theory_user_spec_init(&s, THEORY_TCP);
    if (resp) {
      s.resp.kind = THEORY_RESP_MATHIS;
      s.resp.b = 2.0;
    }
    s.count = 3; /* 3 identical users, and 2 more declared one by one */
    path1(n, theory_add_user(n, &s), t, l);
    s.count = 1;
    path1(n, theory_add_user(n, &s), t, l);
    path1(n, theory_add_user(n, &s), t, l);
    struct theory_report r;
    solve(n, &r);
    double w = c * t / 5.0;
    double p = resp ? 3.0 / (2.0 * 2.0 * w * w) : 2.0 / (2.0 + w * w);
    assert_rel(r.links[0].load_pps, c, 1e-9);
    assert_true(r.links[0].bottleneck);
    assert_rel(r.links[0].loss, p, 1e-8);
    for (int i = 0; i < 3; i++)
      assert_rel(r.paths[i].rate_pps, c / 5.0, 1e-9);
    theory_report_free(&r);
    theory_free(n);
  }
}

/* A fat link in series with a thin one: only the thin one drops. */
static void test_droptail_series(void **state) {
  (void)state;
  theory_net *n = theory_new();
  int links[2] = {theory_add_link_droptail(n, 10000.0, 0.0),
                  theory_add_link_droptail(n, 1000.0, 0.0)};
  int u = user(n, THEORY_TCP, 4, 0.0);
  assert_int_equal(theory_add_path(n, u, 0.2, links, 2), 0);
  struct theory_report r;
  solve(n, &r);
  double w = 1000.0 * 0.2 / 4.0;
  assert_true(r.links[0].loss == 0.0 && !r.links[0].bottleneck);
  assert_rel(r.links[0].load_pps, 1000.0, 1e-9);
  assert_true(r.links[1].bottleneck);
  assert_rel(r.links[1].loss, 2.0 / (2.0 + w * w), 1e-8);
  theory_report_free(&r);
  theory_free(n);

  /* two equal links in series carry the same load whatever the losses:
   * the loss is put on the first, the second is no bottleneck */
  n = theory_new();
  links[0] = theory_add_link_droptail(n, 1000.0, 0.0);
  links[1] = theory_add_link_droptail(n, 1000.0, 0.0);
  u = user(n, THEORY_TCP, 4, 0.0);
  assert_int_equal(theory_add_path(n, u, 0.2, links, 2), 0);
  solve(n, &r);
  assert_true(r.links[0].bottleneck && !r.links[1].bottleneck);
  assert_rel(r.links[0].loss, 2.0 / (2.0 + w * w), 1e-8);
  assert_true(r.links[1].loss == 0.0);
  theory_report_free(&r);
  theory_free(n);
}

/* A drop-tail standing queue adds queue / C to the RTT at a bottleneck. */
static void test_droptail_queue(void **state) {
  (void)state;
  theory_net *n = theory_new();
  int l = theory_add_link_droptail(n, 500.0, 50.0);
  path1(n, user(n, THEORY_TCP, 2, 0.0), 0.1, l);
  struct theory_report r;
  solve(n, &r);
  double t = 0.1 + 50.0 / 500.0, w = 250.0 * t;
  assert_rel(r.paths[0].rtt_s, t, 1e-12);
  assert_rel(r.links[0].loss, 2.0 / (2.0 + w * w), 1e-8);
  theory_report_free(&r);
  theory_free(n);
}

/* RED's inverse: the queue at drop rate p. */
static double red_q(const struct theory_red *red, double p) {
  if (p <= red->max_p)
    return red->min_th + (red->max_th - red->min_th) * p / red->max_p;
  return red->gentle ? red->max_th + red->max_th * (p - red->max_p) / (1.0 - red->max_p)
                     : red->max_th;
}

/* N TCPs on a RED link: W(p) = (C / N) (T0 + q(p) / C); p by bisection
 * (the left side falls and the right side rises with p). */
static double red_p(const struct theory_red *red, double c, double n, double t0) {
  double lo = 1e-12, hi = 1.0 - 1e-12;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    double f = sqrt(2.0 * (1.0 - mid) / mid) - (c / n) * (t0 + red_q(red, mid) / c);
    if (f > 0.0)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

static void test_red(void **state) {
  (void)state;
  struct {
    struct theory_red red;
    unsigned n;
  } cases[] = {
      {{20.0, 60.0, 0.1, 0}, 4},  /* p below max_p */
      {{5.0, 15.0, 0.01, 1}, 40}, /* gentle: p above max_p */
      {{5.0, 15.0, 0.01, 0}, 40}, /* not gentle: the queue holds at max_th */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    double c = 1000.0, t0 = 0.05;
    theory_net *n = theory_new();
    int l = theory_add_link_red(n, c, &cases[i].red);
    path1(n, user(n, THEORY_TCP, cases[i].n, 0.0), t0, l);
    struct theory_report r;
    solve(n, &r);
    double p = r.links[0].loss, q = red_q(&cases[i].red, p);
    assert_rel(p, red_p(&cases[i].red, c, cases[i].n, t0), 1e-8);
    assert_rel(r.links[0].queue_pkts, q, 1e-12);
    assert_rel(r.links[0].delay_s, q / c, 1e-12);
    assert_rel(r.paths[0].rtt_s, t0 + q / c, 1e-12);
    assert_rel(r.links[0].load_pps, c, 1e-9);
    if (i == 1)
      assert_true(p > cases[i].red.max_p);
    if (i == 2)
      assert_rel(q, cases[i].red.max_th, 1e-15);
    theory_report_free(&r);
    theory_free(n);
  }
}

/* The queue regime: n TCPs held by an exogenous loss upstream (window
 * W = sqrt(2 (1 - p) / p) whatever the RTT) would send n W / T > C with an
 * empty queue, and less than C once the queue reaches the point where
 * drops begin (RED's min_th; drop-tail's queue=). The queue then settles
 * below that point without drops: n W / (T + q / C) = C, q = n W - C T. */
static void test_queue_regime(void **state) {
  (void)state;
  double pe = 0.01, t = 0.1, c = 500.0, w = sqrt(2.0 * (1.0 - pe) / pe);
  unsigned n = 5; /* n W / T = 703.6 > C = 500; n W / (T + 40 / C) = 390.9 < C */
  for (int red = 0; red < 2; red++) {
    theory_net *net = theory_new();
    int links[2] = {theory_add_link_exogenous(net, INFINITY, pe), -1};
    struct theory_red profile = {40.0, 80.0, 0.1, 1};
    links[1] = red ? theory_add_link_red(net, c, &profile) : theory_add_link_droptail(net, c, 40.0);
    assert_int_equal(theory_add_path(net, user(net, THEORY_TCP, n, 0.0), t, links, 2), 0);
    struct theory_report r;
    solve(net, &r);
    double q = n * w - c * t;
    assert_true(q > 0.0 && q < 40.0);
    assert_true(r.links[1].bottleneck);
    assert_true(r.links[1].loss == 0.0);
    assert_rel(r.links[1].queue_pkts, q, 1e-8);
    assert_rel(r.paths[0].rtt_s, t + q / c, 1e-9);
    assert_rel(r.links[1].load_pps, c, 1e-9);
    assert_rel(r.paths[0].loss, pe, 1e-12);
    theory_report_free(&r);
    theory_free(net);
  }
}

/* ---- Khalili et al. (CoNEXT 2012) scenario C ---- */

struct khalili {
  double mp_ap1, mp_ap2, tcp, load1, load2; /* per user, packets/s */
};

/* N1 multipath users over AP1 and AP2, N2 TCP users over AP2, drop-tail
 * capacities N1 C1 and N2 C2, RTT 150 ms. */
static struct khalili khalili(enum theory_alg alg, double c1, double c2) {
  const unsigned n1 = 10, n2 = 10;
  theory_net *n = theory_new();
  int ap1 = theory_add_link_droptail(n, n1 * c1, 0.0);
  int ap2 = theory_add_link_droptail(n, n2 * c2, 0.0);
  int mp = user(n, alg, n1, 0.0);
  path1(n, mp, 0.15, ap1);
  path1(n, mp, 0.15, ap2);
  path1(n, user(n, THEORY_TCP, n2, 0.0), 0.15, ap2);
  struct theory_report r;
  solve(n, &r);
  struct khalili k = {r.paths[0].rate_pps, r.paths[1].rate_pps, r.paths[2].rate_pps,
                      r.links[0].load_pps, r.links[1].load_pps};
  assert_true(r.links[0].bottleneck && r.links[1].bottleneck);
  theory_report_free(&r);
  theory_free(n);
  return k;
}

static void test_khalili_c(void **state) {
  (void)state;
  double c = 100.0;
  /* C1 = C2: AP2 carries the TCP users too, so it is the more congested */
  struct khalili lia = khalili(THEORY_LIA, c, c), olia = khalili(THEORY_OLIA, c, c);
  struct khalili balia = khalili(THEORY_BALIA, c, c);
  struct khalili *all[] = {&lia, &olia, &balia};
  for (int i = 0; i < 3; i++) {
    assert_rel(all[i]->load1, 10 * c, 1e-9);
    assert_rel(all[i]->load2, 10 * c, 1e-9);
  }
  assert_true(lia.mp_ap2 > 0.05 * c);   /* LIA leaves traffic on AP2 */
  assert_true(olia.mp_ap2 < 1e-3 * c);  /* OLIA moves it off */
  assert_true(olia.mp_ap2 < balia.mp_ap2 && balia.mp_ap2 < lia.mp_ap2);
  assert_true(olia.tcp > balia.tcp && balia.tcp > lia.tcp);
  assert_rel(olia.tcp, c, 1e-3);
  /* C1 = C2 / 2: OLIA's multipath users join AP2 until AP1 and AP2 are
   * tied; everyone then gets (N1 C1 + N2 C2) / (N1 + N2) */
  olia = khalili(THEORY_OLIA, c / 2.0, c);
  assert_rel(olia.mp_ap1 + olia.mp_ap2, 0.75 * c, 1e-4);
  assert_rel(olia.tcp, 0.75 * c, 1e-4);
  assert_rel(olia.load2, 10 * c, 1e-9);
}

/* count = 3 is three identical users. */
static void test_count(void **state) {
  (void)state;
  double rates[2][2];
  for (int k = 0; k < 2; k++) {
    theory_net *n = theory_new();
    int a = theory_add_link_droptail(n, 800.0, 0.0), b = theory_add_link_droptail(n, 300.0, 0.0);
    for (int i = 0; i < (k ? 3 : 1); i++) {
      int u = user(n, THEORY_LIA, k ? 1 : 3, 0.0);
      path1(n, u, 0.1, a);
      path1(n, u, 0.1, b);
    }
    path1(n, user(n, THEORY_TCP, 1, 0.0), 0.1, b);
    struct theory_report r;
    solve(n, &r);
    rates[k][0] = r.paths[0].rate_pps;
    rates[k][1] = r.paths[1].rate_pps;
    theory_report_free(&r);
    theory_free(n);
  }
  assert_rel(rates[1][0], rates[0][0], 1e-9);
  assert_rel(rates[1][1], rates[0][1], 1e-9);
}

/* ---- errors ---- */

static void test_errors(void **state) {
  (void)state;
  theory_net *n = theory_new();
  struct theory_report r;
  assert_int_equal(theory_solve(n, &r), THEORY_E_NOPATHS); /* no path */
  assert_int_equal(theory_add_link_droptail(n, 0.0, 0.0), THEORY_E_CAPACITY);
  assert_int_equal(theory_add_link_droptail(n, -5.0, 0.0), THEORY_E_CAPACITY);
  assert_int_equal(theory_add_link_droptail(n, INFINITY, 0.0), THEORY_E_CAPACITY);
  assert_int_equal(theory_add_link_droptail(n, NAN, 0.0), THEORY_E_CAPACITY);
  assert_int_equal(theory_add_link_exogenous(n, 0.0, 0.01), THEORY_E_CAPACITY);
  assert_int_equal(theory_add_link_exogenous(n, INFINITY, 1.0), THEORY_E_LOSS);
  assert_int_equal(theory_add_link_exogenous(n, INFINITY, -0.1), THEORY_E_LOSS);
  assert_int_equal(theory_add_link_droptail(n, 100.0, -1.0), THEORY_E_PARAM);
  struct theory_red red = {50.0, 20.0, 0.1, 0};
  assert_int_equal(theory_add_link_red(n, 100.0, &red), THEORY_E_PARAM);
  red = (struct theory_red){20.0, 50.0, 0.0, 0};
  assert_int_equal(theory_add_link_red(n, 100.0, &red), THEORY_E_PARAM);
  assert_int_equal(theory_add_link_red(n, 100.0, NULL), THEORY_E_ARG);
  struct theory_user_spec s;
  theory_user_spec_init(&s, THEORY_LIA);
  s.count = 0;
  assert_int_equal(theory_add_user(n, &s), THEORY_E_PARAM);
  s.count = 1;
  s.wmin = -1.0;
  assert_int_equal(theory_add_user(n, &s), THEORY_E_PARAM);
  s.wmin = 0.0;
  s.resp.b = 0.0;
  assert_int_equal(theory_add_user(n, &s), THEORY_E_PARAM);
  s.resp.b = 1.0;
  s.alg = (enum theory_alg)99;
  assert_int_equal(theory_add_user(n, &s), THEORY_E_ARG);

  int l0 = theory_add_link_droptail(n, 100.0, 0.0), l1 = theory_add_link_exogenous(n, 1e3, 0.0);
  assert_int_equal(l0, 0);
  assert_int_equal(l1, 1);
  int tcp = user(n, THEORY_TCP, 1, 0.0), lia = user(n, THEORY_LIA, 1, 0.0);
  int bad_link = 7, dup[2] = {l0, l0};
  assert_int_equal(theory_add_path(n, tcp, 0.1, &bad_link, 1), THEORY_E_LINK);
  assert_int_equal(theory_add_path(n, tcp, 0.1, dup, 2), THEORY_E_LINK);
  assert_int_equal(theory_add_path(n, 9, 0.1, &l0, 1), THEORY_E_USER);
  assert_int_equal(theory_add_path(n, tcp, 0.0, &l0, 1), THEORY_E_RTT);
  assert_int_equal(theory_add_path(n, tcp, -1.0, &l0, 1), THEORY_E_RTT);
  assert_int_equal(theory_add_path(n, tcp, INFINITY, &l0, 1), THEORY_E_RTT);
  assert_int_equal(theory_add_path(n, tcp, 0.1, &l0, 0), THEORY_E_PATHS);
  assert_int_equal(theory_add_path(n, tcp, 0.1, &l0, 1), 0);
  assert_int_equal(theory_add_path(n, tcp, 0.1, &l0, 1), THEORY_E_PATHS); /* tcp: one path */
  /* the lia user has no path yet */
  assert_int_equal(theory_solve(n, &r), THEORY_E_NOPATHS);
  assert_int_equal(r.failed_user, lia);
  assert_null(r.paths);
  /* a path over a lossless exogenous link alone: unbounded */
  assert_int_equal(theory_add_path(n, lia, 0.1, &l1, 1), 1);
  assert_int_equal(theory_solve(n, &r), THEORY_E_UNBOUNDED);
  assert_int_equal(r.failed_path, 1);
  theory_report_free(&r);
  theory_free(n);

  assert_int_equal(theory_solve(NULL, &r), THEORY_E_ARG);
  assert_int_equal(theory_add_link_droptail(NULL, 1.0, 0.0), THEORY_E_ARG);
  for (int e = THEORY_OK; e >= THEORY_E_ACTIVESET; e--)
    assert_string_not_equal(theory_strerror(e), "unknown error");
  assert_string_equal(theory_strerror(-99), "unknown error");
  assert_true(isnan(theory_response_window(&s.resp, 1.0, 0.1)));
  assert_true(isinf(theory_response_window(&s.resp, 0.0, 0.1)));
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tcp_kelly),       cmocka_unit_test(test_tcp_mathis_padhye),
      cmocka_unit_test(test_two_equal_paths), cmocka_unit_test(test_lia_unequal_loss),
      cmocka_unit_test(test_lia_unequal_rtt), cmocka_unit_test(test_lia_capped),
      cmocka_unit_test(test_olia_unequal),
      cmocka_unit_test(test_balia_unequal),   cmocka_unit_test(test_droptail_shares),
      cmocka_unit_test(test_droptail_series), cmocka_unit_test(test_droptail_queue),
      cmocka_unit_test(test_red),             cmocka_unit_test(test_queue_regime),
      cmocka_unit_test(test_khalili_c),
      cmocka_unit_test(test_count),           cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
