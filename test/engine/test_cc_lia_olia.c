/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the coupled congestion controls LIA (cc_lia.c, RFC 6356)
 * and OLIA (cc_olia.c), on connections built by hand: a struct mptcp_conn
 * with its subflows, windows, RTTs and states set directly, and the
 * algorithm's hooks called as the engine calls them.
 *
 * Both algorithms increase cwnd by one MSS per W bytes acknowledged in
 * congestion avoidance, W following from the formulas. Each expectation is
 * checked at the byte: W - 1 bytes acknowledged leave cwnd unchanged, one
 * more byte moves it by one MSS. The arithmetic is written next to each
 * case (windows in bytes or packets as stated, RTTs in seconds; the code
 * works in nanoseconds, which only rescales every term).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "fake_conn.h"

#define MS_NS 1000000ull

/* ---- building connections ---- */

struct sfdef {
  uint16_t mss;
  uint64_t cwnd;    /* bytes */
  uint64_t rtt_ms;  /* srtt */
};

static struct mptcp_conn *mkconn(const char *cc, unsigned n, const struct sfdef *d) {
  const struct tcp_cc_ops *ops = cc_find(cc);
  assert_non_null(ops);
  struct mptcp_conn *c = fake_conn_new(n, 1, d[0].mss);
  for (unsigned i = 0; i < n; i++) {
    struct tcp_sf *sf = c->sfs[i];
    sf->cc = ops;
    sf->mss = d[i].mss;
    sf->cwnd = d[i].cwnd;
    sf->ssthresh = 2u * d[i].mss; /* congestion avoidance */
    sf->srtt = d[i].rtt_ms * MS_NS;
  }
  for (unsigned i = 0; i < n; i++)
    c->sfs[i]->cc->init(c->sfs[i]);
  return c;
}

static void freeconn(struct mptcp_conn *c) { fake_conn_free(c); }

/* `bytes` acknowledged on sf, in pieces of at most one MSS. */
static void ack(struct tcp_sf *sf, uint64_t bytes) {
  while (bytes) {
    uint64_t k = bytes < sf->mss ? bytes : sf->mss;
    sf->cc->cong_avoid(sf, k, 0);
    bytes -= k;
  }
}

/* W - 1 bytes leave cwnd alone; the W-th moves it by `delta` bytes. */
static void expect_step(struct tcp_sf *sf, uint64_t w, int64_t delta) {
  uint64_t before = sf->cwnd;
  ack(sf, w - 1);
  assert_int_equal(sf->cwnd, before);
  ack(sf, 1);
  assert_int_equal(sf->cwnd, (uint64_t)((int64_t)before + delta));
}

/* A loss episode as the engine runs it (tcp_enter_recovery /
 * tcp_enter_loss): ssthresh from the algorithm, the additive-increase
 * counter cleared, then the state change. */
static void enter_state(struct tcp_sf *sf, int st) {
  sf->ssthresh = sf->cc->ssthresh(sf);
  sf->cwnd_cnt = 0;
  if (st == TCP_CA_LOSS)
    sf->cwnd = sf->mss;
  sf->ca_state = st;
  if (sf->cc->set_state)
    sf->cc->set_state(sf, st, 0);
}

static void leave_state(struct tcp_sf *sf) {
  if (sf->ca_state == TCP_CA_RECOVERY)
    sf->cwnd = sf->ssthresh; /* RFC 6937: cwnd = ssthresh at the end */
  sf->ca_state = TCP_CA_OPEN;
  if (sf->cc->set_state)
    sf->cc->set_state(sf, TCP_CA_OPEN, 0);
}

/* A loss on sf after `at` bytes acknowledged in total (OLIA's l_r). */
static void loss_at(struct tcp_sf *sf, uint64_t at) {
  sf->bytes_acked = at;
  sf->out_bytes = sf->cwnd;
  uint64_t cwnd = sf->cwnd, ss = sf->ssthresh;
  if (sf->cc->set_state) {
    sf->ca_state = TCP_CA_RECOVERY;
    sf->cc->set_state(sf, TCP_CA_RECOVERY, 0);
    sf->ca_state = TCP_CA_OPEN;
    sf->cc->set_state(sf, TCP_CA_OPEN, 0);
  }
  sf->cwnd = cwnd; /* only the loss record matters here */
  sf->ssthresh = ss;
}

/* ---- registry ---- */

static void test_registry(void **state) {
  (void)state;
  const struct tcp_cc_ops *l = cc_find("lia"), *o = cc_find("olia");
  assert_non_null(l);
  assert_non_null(o);
  assert_string_equal(l->name, "lia");
  assert_string_equal(o->name, "olia");
  assert_ptr_not_equal(l, o);
  assert_null(cc_find("coupled"));
}

/* ---- LIA ---- */

/*
 * RFC 6356: per ACK of a bytes on i,
 *   cwnd_i += min(alpha * a * MSS / w_total, a * MSS / cwnd_i),
 *   alpha = w_total * max(w/rtt^2) / (sum w/rtt)^2,
 * i.e. one MSS per W = max(cwnd_i, w_total / alpha) bytes.
 */
static void test_lia_two_equal_rtt(void **state) {
  (void)state;
  /* w = 10000, 10000 B; rtt 0.1 s each.
   * sum w/rtt = 2e4/0.1 = 2e5; max w/rtt^2 = 1e4/0.01 = 1e6;
   * alpha = 2e4 * 1e6 / (2e5)^2 = 0.5;
   * increase = min(0.5 * a * 1000 / 20000, a * 1000 / 10000)
   *          = min(a/40, a/10) = a/40  ->  W = 40000. */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn("lia", 2, d);
  expect_step(c->sfs[0], 40000, 1000);
  /* Now w0 = 11000: sum = 21000/0.1 = 2.1e5, max = 11000/0.01 = 1.1e6,
   * alpha = 21000 * 1.1e6 / 4.41e10 = 0.52381;
   * W = w_total / alpha = 4.41e10 / 1.1e6 = 40090.9 -> 40091 for sf1
   * (its own cap a/10 does not bind). */
  expect_step(c->sfs[1], 40091, 1000);
  freeconn(c);
}

static void test_lia_two_unequal_rtt(void **state) {
  (void)state;
  /* w0 = 10000 B at 10 ms, w1 = 100000 B at 200 ms.
   * w/rtt: 1e6, 5e5 -> sum 1.5e6, squared 2.25e12.
   * w/rtt^2: 1e4/1e-4 = 1e8, 1e5/0.04 = 2.5e6 -> max 1e8.
   * alpha = 110000 * 1e8 / 2.25e12 = 4.8889;
   * w_total / alpha = 2.25e12 / 1e8 = 22500.
   * sf0: min(a * 1000 / 22500, a * 1000 / 10000) -> W = 22500.
   * sf1: min(a * 1000 / 22500, a * 1000 / 100000) -> the cap binds,
   *      W = cwnd = 100000 (never more aggressive than Reno). */
  struct sfdef d[] = {{1000, 10000, 10}, {1000, 100000, 200}};
  struct mptcp_conn *c = mkconn("lia", 2, d);
  expect_step(c->sfs[0], 22500, 1000);
  freeconn(c);
  c = mkconn("lia", 2, d);
  expect_step(c->sfs[1], 100000, 1000);
  freeconn(c);
}

static void test_lia_three_subflows(void **state) {
  (void)state;
  /* Equal RTTs 0.1 s, w = 10000, 20000, 30000 B.
   * sum w/rtt = 6e5, squared 3.6e11; max w/rtt^2 = 30000/0.01 = 3e6;
   * alpha = 60000 * 3e6 / 3.6e11 = 0.5; w_total / alpha = 120000.
   * sf0 and sf2 both: W = 120000 (caps 10000, 30000 do not bind). */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 20000, 100}, {1000, 30000, 100}};
  struct mptcp_conn *c = mkconn("lia", 3, d);
  expect_step(c->sfs[0], 120000, 1000);
  freeconn(c);
  c = mkconn("lia", 3, d);
  expect_step(c->sfs[2], 120000, 1000);
  freeconn(c);

  /* Unequal: w = 10000, 20000, 40000 B at 50, 100, 200 ms.
   * w/rtt = 2e5 each -> sum 6e5, squared 3.6e11.
   * w/rtt^2 = 1e4/0.0025 = 4e6, 2e4/0.01 = 2e6, 4e4/0.04 = 1e6 -> max 4e6.
   * alpha = 70000 * 4e6 / 3.6e11 = 0.7778; w_total / alpha = 90000.
   * sf0 (cap 10000) and sf2 (cap 40000): W = 90000. */
  struct sfdef e[] = {{1000, 10000, 50}, {1000, 20000, 100}, {1000, 40000, 200}};
  c = mkconn("lia", 3, e);
  expect_step(c->sfs[0], 90000, 1000);
  freeconn(c);
  c = mkconn("lia", 3, e);
  expect_step(c->sfs[2], 90000, 1000);
  freeconn(c);
}

static void test_lia_recovery_uses_ssthresh(void **state) {
  (void)state;
  /* sf1 in fast recovery with an inflated cwnd of 50000 B and ssthresh
   * 10000 B; rtt 0.1 s both, w0 = 10000.
   * With ssthresh (RFC 6356): as test_lia_two_equal_rtt, W = 40000.
   * (Had cwnd been summed: sum = 6e5, max = 5e6, W = 3.6e11/5e6 = 72000.) */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 50000, 100}};
  struct mptcp_conn *c = mkconn("lia", 2, d);
  c->sfs[1]->ssthresh = 10000;
  c->sfs[1]->ca_state = TCP_CA_RECOVERY;
  expect_step(c->sfs[0], 40000, 1000);
  freeconn(c);

  /* After a timeout: cwnd 1000, ssthresh 10000 -> again W = 40000.
   * (With cwnd: sum = 1.1e5, max = 1e6, W = 1.21e10/1e6 = 12100.) */
  struct sfdef e[] = {{1000, 10000, 100}, {1000, 1000, 100}};
  c = mkconn("lia", 2, e);
  c->sfs[1]->ssthresh = 10000;
  c->sfs[1]->ca_state = TCP_CA_LOSS;
  expect_step(c->sfs[0], 40000, 1000);
  freeconn(c);
}

static void test_lia_ignores_non_members(void **state) {
  (void)state;
  /* Without a usable partner, sf0 (10000 B) is Reno: W = 10000. With a
   * counted equal partner it would be 40000. */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn("lia", 2, d);
  c->sfs[1]->join_ok = 0; /* join not complete */
  expect_step(c->sfs[0], 10000, 1000);
  freeconn(c);

  c = mkconn("lia", 2, d);
  c->sfs[1]->state = MPTCP_TCP_FIN_WAIT1;
  expect_step(c->sfs[0], 10000, 1000);
  freeconn(c);

  c = mkconn("lia", 2, d);
  c->sfs[1]->srtt = 0; /* no RTT sample yet */
  expect_step(c->sfs[0], 10000, 1000);
  freeconn(c);

  c = mkconn("lia", 2, d);
  c->mp = 0; /* plain TCP (fallback): one subflow */
  expect_step(c->sfs[0], 10000, 1000);
  freeconn(c);

  /* CLOSE_WAIT still sends: counted, W = 40000. */
  c = mkconn("lia", 2, d);
  c->sfs[1]->state = MPTCP_TCP_CLOSE_WAIT;
  expect_step(c->sfs[0], 40000, 1000);
  freeconn(c);
}

static void test_lia_slow_start_and_ssthresh(void **state) {
  (void)state;
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn("lia", 2, d);
  struct tcp_sf *sf = c->sfs[0];
  /* Slow start is Reno's: below ssthresh every acknowledged byte is added,
   * whatever the other subflows do. */
  sf->ssthresh = 20000;
  ack(sf, 3000);
  assert_int_equal(sf->cwnd, 13000);
  /* Crossing ssthresh: 7000 fill the room, the rest counts toward W. */
  ack(sf, 7000);
  assert_int_equal(sf->cwnd, 20000);
  assert_int_equal(sf->cwnd_cnt, 0);
  sf->cwnd = 19500;
  sf->cc->cong_avoid(sf, 1000, 0);
  assert_int_equal(sf->cwnd, 20000);
  assert_int_equal(sf->cwnd_cnt, 500);
  /* Decrease as Reno: max(FlightSize / 2, 2 MSS). */
  sf->out_bytes = 30000;
  assert_int_equal(sf->cc->ssthresh(sf), 15000);
  sf->out_bytes = 3000;
  assert_int_equal(sf->cc->ssthresh(sf), 2000);
  freeconn(c);
}

/*
 * Credit earned toward the next MSS keeps its fraction when another subflow
 * shrinks W. Two subflows of 10000 B at 0.1 s: W0 = 40000 (see
 * test_lia_two_equal_rtt). After 20000 bytes (half an MSS earned), sf1
 * enters recovery with ssthresh 5000: sum = 15000/0.1 = 1.5e5, max = 1e6,
 * W0 = 2.25e10/1e6 = 22500. The credit becomes 20000 * 22500/40000 = 11250
 * (still half), so 11249 more bytes give nothing and the next adds one MSS.
 * (Without the rescale the step would come after 2500 bytes.)
 */
static void credit_rescaled(const char *cc) {
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn(cc, 2, d);
  /* OLIA: a loss record on sf0 puts it alone in B, and it is in M
   * throughout, so eps = 0 and W is the same as LIA's. */
  loss_at(c->sfs[0], 40000);
  ack(c->sfs[0], 20000);
  assert_int_equal(c->sfs[0]->cwnd, 10000);
  c->sfs[1]->ssthresh = 5000;
  c->sfs[1]->ca_state = TCP_CA_RECOVERY;
  expect_step(c->sfs[0], 11250, 1000);
  freeconn(c);
}

static void test_credit_rescaled(void **state) {
  (void)state;
  credit_rescaled("lia");
  credit_rescaled("olia");
}

/* ---- one subflow is Reno, step by step ---- */

static uint64_t rng_next(uint64_t *st) { /* splitmix64 */
  uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/*
 * The algorithm on a one-subflow MPTCP connection (plus a second subflow
 * still joining, which must be ignored) and cc_reno on a twin plain-TCP
 * subflow receive the same 2000 ACKs (sizes from 1 byte to 2 MSS), three
 * fast recoveries and one timeout followed by slow start in the loss state.
 * Tolerance: none; cwnd, ssthresh and the additive-increase counter must
 * be equal after every call.
 */
static void reno_twin(const char *cc) {
  const uint16_t mss = 1448;
  struct sfdef d[] = {{mss, 10u * mss, 40}, {mss, 10u * mss, 40}};
  struct mptcp_conn *a = mkconn(cc, 2, d);
  a->sfs[1]->state = MPTCP_TCP_SYN_SENT;
  a->sfs[1]->join_ok = 0;
  struct mptcp_conn *b = mkconn("reno", 1, d);
  b->mp = 0;
  struct tcp_sf *x = a->sfs[0], *y = b->sfs[0];
  x->ssthresh = y->ssthresh = UINT64_MAX / 4;
  uint64_t seed = 12345;
  unsigned ca_steps = 0, grew = 0;
  for (int i = 0; i < 2000; i++) {
    if (i == 300 || i == 800 || i == 1500) {
      x->out_bytes = y->out_bytes = x->cwnd - (uint64_t)(i % 3) * mss;
      enter_state(x, TCP_CA_RECOVERY);
      enter_state(y, TCP_CA_RECOVERY);
      assert_int_equal(x->ssthresh, y->ssthresh);
      leave_state(x);
      leave_state(y);
    }
    if (i == 1100) {
      x->out_bytes = y->out_bytes = x->cwnd;
      enter_state(x, TCP_CA_LOSS);
      enter_state(y, TCP_CA_LOSS);
    }
    if (i == 1250) {
      leave_state(x);
      leave_state(y);
    }
    uint64_t r = rng_next(&seed);
    uint64_t acked = r % 4 == 0 ? 1 + (r >> 8) % mss : (1 + (r >> 8) % 2) * mss;
    x->srtt = (20 + (r >> 20) % 180) * MS_NS; /* irrelevant with one subflow */
    uint64_t before = y->cwnd;
    if (y->cwnd >= y->ssthresh)
      ca_steps++;
    x->cc->cong_avoid(x, acked, 0);
    y->cc->cong_avoid(y, acked, 0);
    x->bytes_acked += acked;
    y->bytes_acked += acked;
    grew += y->cwnd > before;
    assert_int_equal(x->cwnd, y->cwnd);
    assert_int_equal(x->ssthresh, y->ssthresh);
    assert_int_equal(x->cwnd_cnt, y->cwnd_cnt);
  }
  /* the run exercised congestion avoidance, not only slow start */
  assert_true(ca_steps > 1000);
  assert_true(grew > 50);
  freeconn(a);
  freeconn(b);
}

static void test_lia_one_subflow_is_reno(void **state) {
  (void)state;
  reno_twin("lia");
}

/* ---- OLIA ---- */

/*
 * Per packet acknowledged on r (w in packets):
 *   dw_r = (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 + eps_r / w_r
 *        = w_r / S^2 + eps_r / w_r,  S = sum_p w_p * rtt_r / rtt_p,
 * so one MSS per W = MSS / dw_r bytes (a decrease if dw_r < 0).
 * M = largest windows, B = argmax l_r / rtt_r^2; B\M empty: eps = 0; else
 * +1/(|R| |B\M|) in B\M, -1/(|R| |M|) in M, 0 elsewhere.
 */
static void test_olia_two_equal_no_eps(void **state) {
  (void)state;
  /* w = 10, 10 packets, rtt 0.1 s, no losses (l = 0 for both: B = R).
   * M = R, so B\M is empty, eps = 0. S = 20; dw = 10/400 = 1/40;
   * W = 1000 * 40 = 40000 (the same as LIA here). */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  expect_step(c->sfs[0], 40000, 1000);
  freeconn(c);
}

/* mss 1200; sf0: 10 packets at 100 ms, sf1: 20 packets at 200 ms, so
 * M = {sf1}. l0 = 40000 B. */
static struct mptcp_conn *olia_pair(uint64_t l1) {
  struct sfdef d[] = {{1200, 12000, 100}, {1200, 24000, 200}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  loss_at(c->sfs[0], 40000);
  loss_at(c->sfs[1], l1);
  return c;
}

static void test_olia_eps_b_not_in_m(void **state) {
  (void)state;
  /* l0/rtt0^2 = 40000/0.01 = 4e6; l1/rtt1^2 = 40000/0.04 = 1e6.
   * B = {sf0}, M = {sf1}: B\M = {sf0}, |R| = 2:
   *   eps0 = +1/(2*1) = 1/2, eps1 = -1/(2*1) = -1/2.
   * sf0: S = 10 + 20 * (0.1/0.2) = 20;
   *   dw0 = 10/400 + 0.5/10 = 0.025 + 0.05 = 0.075 -> W = 1200/0.075 = 16000.
   *   (Without eps it would be 1200 * 40 = 48000.) */
  struct mptcp_conn *c = olia_pair(40000);
  expect_step(c->sfs[0], 16000, 1200);
  freeconn(c);
  /* sf1: S = 10 * (0.2/0.1) + 20 = 40;
   *   dw1 = 20/1600 - 0.5/20 = 0.0125 - 0.025 = -0.0125
   *   -> one MSS less per 1200/0.0125 = 96000 bytes: 24000 -> 22800. */
  c = olia_pair(40000);
  expect_step(c->sfs[1], 96000, -1200);
  freeconn(c);
}

static void test_olia_eps_b_in_m(void **state) {
  (void)state;
  /* l1 = 400000: l1/rtt1^2 = 4e5/0.04 = 1e7 > 4e6, B = {sf1} = M:
   * B\M empty, eps = 0.
   * sf0: dw0 = 10/400 = 1/40 -> W = 1200 * 40 = 48000.
   * sf1: dw1 = 20/1600 = 1/80 -> W = 1200 * 80 = 96000, an increase. */
  struct mptcp_conn *c = olia_pair(400000);
  expect_step(c->sfs[0], 48000, 1200);
  freeconn(c);
  c = olia_pair(400000);
  expect_step(c->sfs[1], 96000, 1200);
  freeconn(c);
}

static void test_olia_eps_tie_in_b(void **state) {
  (void)state;
  /* l1 = 160000: l1/rtt1^2 = 1.6e5/0.04 = 4e6 = l0/rtt0^2: a tie, B = R,
   * B\M = {sf0}: eps as in test_olia_eps_b_not_in_m, W0 = 16000 and sf1
   * decreases per 96000 bytes. */
  struct mptcp_conn *c = olia_pair(160000);
  expect_step(c->sfs[0], 16000, 1200);
  freeconn(c);
  c = olia_pair(160000);
  expect_step(c->sfs[1], 96000, -1200);
  freeconn(c);

  /* A tie outside M, at different RTTs: mss 1000,
   *   sf0: 10 packets, 100 ms, l = 40000  -> 4e4/0.01  = 4e6
   *   sf1: 10 packets, 200 ms, l = 160000 -> 1.6e5/0.04 = 4e6
   *   sf2: 20 packets, 400 ms, l = 10000  -> 1e4/0.16  = 6.25e4
   * M = {sf2}, B = {sf0, sf1} (all of the tie), |B\M| = 2, |R| = 3:
   *   eps0 = eps1 = 1/6, eps2 = -1/3.
   * sf0: S = 10 + 10 * (0.1/0.2) + 20 * (0.1/0.4) = 20;
   *   dw0 = 10/400 + (1/6)/10 = 1/40 + 1/60 = 1/24 -> W0 = 24000.
   *   (B = {sf0} alone: eps0 = 1/3, W0 = 17143; B = {sf1}: W0 = 40000.)
   * sf2: S = 10 * 4 + 10 * 2 + 20 = 80;
   *   dw2 = 20/6400 - (1/3)/20 = 1/320 - 1/60 = -13/960
   *   -> a decrease per 960000/13 = 73846.2 -> 73846 bytes. */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 10000, 200}, {1000, 20000, 400}};
  uint64_t l[] = {40000, 160000, 10000};
  c = mkconn("olia", 3, d);
  for (int i = 0; i < 3; i++)
    loss_at(c->sfs[i], l[i]);
  expect_step(c->sfs[0], 24000, 1000);
  freeconn(c);
  c = mkconn("olia", 3, d);
  for (int i = 0; i < 3; i++)
    loss_at(c->sfs[i], l[i]);
  expect_step(c->sfs[2], 73846, -1000);
  freeconn(c);
}

static void test_olia_three_subflows(void **state) {
  (void)state;
  /* mss 1100, w = 10, 10, 20 packets, rtt 0.1 s all; l = 40000, 40000,
   * 10000. M = {sf2}; B = {sf0, sf1} (4e6 each vs 1e6); |B\M| = 2, |R| = 3:
   *   eps0 = eps1 = 1/(3*2) = 1/6, eps2 = -1/(3*1) = -1/3.
   * S = 40. dw0 = 10/1600 + (1/6)/10 = 1/160 + 1/60 = 11/480
   *   -> W0 = 1100 * 480 / 11 = 48000.
   * dw2 = 20/1600 - (1/3)/20 = 1/80 - 1/60 = -1/240
   *   -> W2 = 1100 * 240 = 264000, a decrease. */
  struct sfdef d[] = {{1100, 11000, 100}, {1100, 11000, 100}, {1100, 22000, 100}};
  uint64_t l[] = {40000, 40000, 10000};
  struct mptcp_conn *c = mkconn("olia", 3, d);
  for (int i = 0; i < 3; i++)
    loss_at(c->sfs[i], l[i]);
  expect_step(c->sfs[0], 48000, 1100);
  freeconn(c);
  c = mkconn("olia", 3, d);
  for (int i = 0; i < 3; i++)
    loss_at(c->sfs[i], l[i]);
  expect_step(c->sfs[2], 264000, -1100);
  freeconn(c);

  /* mss 1000, w = 10, 15, 20 packets, l = 40000, 10000, 10000, rtt 0.1 s:
   * M = {sf2}, B = {sf0}; sf1 is in neither: eps1 = 0.
   * S = 45; dw1 = 15/2025 = 1/135 -> W1 = 135000. */
  struct sfdef e[] = {{1000, 10000, 100}, {1000, 15000, 100}, {1000, 20000, 100}};
  uint64_t m[] = {40000, 10000, 10000};
  c = mkconn("olia", 3, e);
  for (int i = 0; i < 3; i++)
    loss_at(c->sfs[i], m[i]);
  expect_step(c->sfs[1], 135000, 1000);
  freeconn(c);
}

/*
 * l_r is the larger of the last two inter-loss intervals. mss 1000,
 * sf0: 10 packets, sf1: 20 packets (M = {sf1}), rtt 0.1 s both;
 * l1 = 20000 (one loss after 20000 bytes).
 * If l0 > 20000: B = {sf0}, eps0 = 1/2, S = 30,
 *   dw0 = 10/900 + 1/20 = 11/180 -> W0 = 180000/11 = 16363.6 -> 16364.
 * Else B = {sf1} = M, eps0 = 0, dw0 = 1/90 -> W0 = 90000.
 */
static struct mptcp_conn *olia_history(const uint64_t *losses, int n, uint64_t now) {
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 20000, 100}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  loss_at(c->sfs[1], 20000);
  for (int i = 0; i < n; i++)
    loss_at(c->sfs[0], losses[i]);
  c->sfs[0]->bytes_acked = now;
  return c;
}

static void test_olia_loss_intervals(void **state) {
  (void)state;
  /* losses at 50000, 60000; now 95000: intervals 35000 (current) and
   * 10000 (previous): l0 = 35000 > 20000 -> W0 = 16364. (The previous
   * interval alone would give 90000.) */
  uint64_t a[] = {50000, 60000};
  struct mptcp_conn *c = olia_history(a, 2, 95000);
  expect_step(c->sfs[0], 16364, 1000);
  freeconn(c);
  /* losses at 20000, 60000; now 65000: 5000 and 40000 -> l0 = 40000
   * -> W0 = 16364. (The current interval alone would give 90000.) */
  uint64_t b[] = {20000, 60000};
  c = olia_history(b, 2, 65000);
  expect_step(c->sfs[0], 16364, 1000);
  freeconn(c);
  /* losses at 50000, 60000; now 65000: 5000 and 10000 -> l0 = 10000
   * < 20000 -> W0 = 90000. */
  c = olia_history(a, 2, 65000);
  expect_step(c->sfs[0], 90000, 1000);
  freeconn(c);
  /* losses at 20000, 60000, and a repeated timeout at 60000 with nothing
   * acknowledged in between: not a new interval, l0 stays 40000. */
  uint64_t e[] = {20000, 60000, 60000};
  c = olia_history(e, 3, 65000);
  expect_step(c->sfs[0], 16364, 1000);
  freeconn(c);
}

static void test_olia_recovery_uses_ssthresh(void **state) {
  (void)state;
  /* sf1 in recovery, cwnd inflated to 50 packets, ssthresh 10 packets;
   * w0 = 10, rtt 0.1 s, no losses recorded (B = R).
   * With ssthresh: M = R, eps = 0, S = 20, W0 = 40000.
   * (With cwnd: M = {sf1}, B\M = {sf0}, eps0 = 1/2, S = 60,
   *  dw0 = 10/3600 + 0.05, W0 = 18947.) */
  struct sfdef d[] = {{1000, 10000, 100}, {1000, 50000, 100}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  c->sfs[1]->ssthresh = 10000;
  c->sfs[1]->ca_state = TCP_CA_RECOVERY;
  expect_step(c->sfs[0], 40000, 1000);
  freeconn(c);
}

static void test_olia_credit_carries_sign(void **state) {
  (void)state;
  /* sf1 of olia_pair(40000) loses one MSS per 96000 bytes. Acknowledge
   * 50000 bytes: no step yet, a debt of 50000. Then 400000 more bytes are
   * acknowledged on sf1 since its loss (l1 = 400000, l1/rtt1^2 = 1e7 >
   * 4e6: B = {sf1} = M, eps = 0, dw1 = +1/80, W = 96000, an increase).
   * The debt is repaid first: 50000 + 95999 bytes give nothing and the
   * next byte adds one MSS. */
  struct mptcp_conn *c = olia_pair(40000);
  struct tcp_sf *sf = c->sfs[1];
  ack(sf, 50000);
  assert_int_equal(sf->cwnd, 24000);
  sf->bytes_acked = 40000 + 400000;
  expect_step(sf, 50000 + 96000, 1200);
  freeconn(c);
}

/*
 * The per-ACK increase is integrated exactly when eps_r changes between
 * two ACKs, also when |W| grows. olia_pair(40000): sf0 is in B\M,
 * eps0 = +1/2, W0 = 16000 (test_olia_eps_b_not_in_m). 8000 bytes earn half
 * an MSS. Then sf1's current interval reaches 400000 bytes:
 * l1/rtt1^2 = 1e7 > 4e6, B = {sf1} = M, eps0 = 0, dw0 = 10/400 = 1/40,
 * W0 = 48000. Half an MSS is still owed: the credit becomes
 * 8000 * 48000/16000 = 24000, so 23999 more bytes give nothing and the
 * next adds one MSS. (Keeping the 8000 bytes as they are would drop two
 * thirds of the half MSS earned: the step would come after 40000 bytes.)
 */
static void test_olia_credit_kept_when_w_grows(void **state) {
  (void)state;
  struct mptcp_conn *c = olia_pair(40000);
  struct tcp_sf *sf = c->sfs[0];
  ack(sf, 8000);
  assert_int_equal(sf->cwnd, 12000);
  c->sfs[1]->bytes_acked = 40000 + 400000;
  expect_step(sf, 24000, 1200);
  freeconn(c);
}

/*
 * M compares windows in whole packets, as mptcp_olia.c compares snd_cwnd:
 * a fraction of a segment (ssthresh = FlightSize / 2 of an odd number of
 * segments) does not make a path the one with the largest window.
 * mss 1000, rtt 0.1 s both; sf0: 10500 bytes (10.5 packets), l0 = 10000;
 * sf1: 10000 bytes, l1 = 40000, so B = {sf1}.
 * Whole packets: 10 and 10, M = R, B\M empty, eps = 0. S = 20.5:
 *   dw1 = 10/420.25 -> W1 = 1000 * 42.025 = 42025;
 *   dw0 = 10.5/420.25 -> W0 = 1000 * 420.25/10.5 = 40023.8 -> 40024.
 *   (Exact windows: M = {sf0}, B\M = {sf1}, eps1 = +1/2,
 *    dw1 = 10/420.25 + 1/20, W1 = 13551; sf0 would shrink.)
 * sf0 at 11000 bytes (11 packets): M = {sf0}, B\M = {sf1}, eps1 = 1/2,
 *   S = 21, dw1 = 10/441 + 1/20 = 641/8820 -> W1 = 8820000/641 = 13759.75
 *   -> 13760.
 */
static void test_olia_m_whole_packets(void **state) {
  (void)state;
  struct sfdef d[] = {{1000, 10500, 100}, {1000, 10000, 100}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  loss_at(c->sfs[0], 10000);
  loss_at(c->sfs[1], 40000);
  expect_step(c->sfs[1], 42025, 1000);
  freeconn(c);
  c = mkconn("olia", 2, d);
  loss_at(c->sfs[0], 10000);
  loss_at(c->sfs[1], 40000);
  expect_step(c->sfs[0], 40024, 1000);
  freeconn(c);
  d[0].cwnd = 11000;
  c = mkconn("olia", 2, d);
  loss_at(c->sfs[0], 10000);
  loss_at(c->sfs[1], 40000);
  expect_step(c->sfs[1], 13760, 1000);
  freeconn(c);
}

/*
 * The decrease's floor: FlightSize 1 MSS on a connection of two subflows
 * gives ssthresh 2 MSS by default (Reno's floor, Linux's) and 1 MSS with
 * coupled_min_ssthresh 1 (the OLIA draft); a large FlightSize is halved
 * either way; one subflow keeps 2 MSS.
 */
static void test_olia_min_ssthresh(void **state) {
  (void)state;
  const struct sfdef d[2] = {{1000, 4000, 100}, {1000, 8000, 100}};
  struct mptcp_conn *c = mkconn("olia", 2, d);
  struct tcp_sf *r0 = c->sfs[0];
  r0->out_bytes = 1000;
  assert_int_equal(r0->cc->ssthresh(r0), 2000);
  c->cfg.coupled_min_ssthresh = 1;
  assert_int_equal(r0->cc->ssthresh(r0), 1000);
  r0->out_bytes = 9000;
  assert_int_equal(r0->cc->ssthresh(r0), 4500);
  freeconn(c);
  const struct sfdef one[1] = {{1000, 4000, 100}};
  c = mkconn("olia", 1, one);
  c->cfg.coupled_min_ssthresh = 1;
  c->sfs[0]->out_bytes = 1000;
  assert_int_equal(c->sfs[0]->cc->ssthresh(c->sfs[0]), 2000);
  freeconn(c);
}

static void test_olia_one_subflow_is_reno(void **state) {
  (void)state;
  /* One subflow: S = w, M = B = {r}, eps = 0, dw = w/w^2 = 1/w exactly
   * Reno's one MSS per cwnd bytes. Tolerance: none. */
  reno_twin("olia");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_lia_two_equal_rtt),
      cmocka_unit_test(test_lia_two_unequal_rtt),
      cmocka_unit_test(test_lia_three_subflows),
      cmocka_unit_test(test_lia_recovery_uses_ssthresh),
      cmocka_unit_test(test_lia_ignores_non_members),
      cmocka_unit_test(test_lia_slow_start_and_ssthresh),
      cmocka_unit_test(test_lia_one_subflow_is_reno),
      cmocka_unit_test(test_olia_two_equal_no_eps),
      cmocka_unit_test(test_olia_eps_b_not_in_m),
      cmocka_unit_test(test_olia_eps_b_in_m),
      cmocka_unit_test(test_olia_eps_tie_in_b),
      cmocka_unit_test(test_olia_three_subflows),
      cmocka_unit_test(test_olia_loss_intervals),
      cmocka_unit_test(test_olia_recovery_uses_ssthresh),
      cmocka_unit_test(test_olia_credit_carries_sign),
      cmocka_unit_test(test_olia_credit_kept_when_w_grows),
      cmocka_unit_test(test_olia_m_whole_packets),
      cmocka_unit_test(test_olia_one_subflow_is_reno),
      cmocka_unit_test(test_olia_min_ssthresh),
      cmocka_unit_test(test_credit_rescaled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
