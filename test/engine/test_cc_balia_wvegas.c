/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BALIA and wVegas (cc_balia.c, cc_wvegas.c) on hand-built connections:
 * subflows with chosen windows and RTTs, the hooks called directly, and
 * the expected windows computed by hand in the comments.
 *
 * Units: MSS = 1000 bytes, so a window of w packets is w * 1000 bytes;
 * RTTs in milliseconds in the arithmetic, nanoseconds in the structures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "internal.h"
#include "fake_conn.h"

#define MSS 1000u
#define MS UINT64_C(1000000) /* ns */
#define SS_INF (UINT64_MAX / 4)

/* A connection of n subflows, all ESTABLISHED, join_ok, TCP_CA_OPEN. */
static struct mptcp_conn *fake_conn(unsigned n, int mp) { return fake_conn_new(n, mp, MSS); }

static void fake_free(struct mptcp_conn *c) { fake_conn_free(c); }

/* Give subflow i an algorithm, a window, ssthresh and RTT, then init. */
static struct tcp_sf *sf_setup(struct mptcp_conn *c, unsigned i, const char *cc,
                               uint64_t cwnd, uint64_t ssthresh, uint64_t rtt_ms) {
  struct tcp_sf *sf = c->sfs[i];
  sf->cc = cc_find(cc);
  assert_non_null(sf->cc);
  sf->cwnd = cwnd;
  sf->ssthresh = ssthresh;
  sf->srtt = rtt_ms * MS;
  sf->min_rtt = rtt_ms * MS;
  sf->snd_una = 1;
  sf->snd_nxt = 100 * MSS;
  sf->out_bytes = cwnd;
  sf->cc->init(sf);
  return sf;
}

static void test_registered(void **state) {
  (void)state;
  const struct tcp_cc_ops *b = cc_find("balia");
  const struct tcp_cc_ops *w = cc_find("wvegas");
  assert_non_null(b);
  assert_non_null(w);
  assert_string_equal(b->name, "balia");
  assert_string_equal(w->name, "wvegas");
  assert_non_null(w->on_rtt);
  assert_non_null(w->set_state);
}

/* ---- BALIA ---- */

/*
 * Two subflows: r0 w = 10 pkts, rtt 100 ms -> x0 = 100 pkt/s;
 *               r1 w = 20 pkts, rtt  50 ms -> x1 = 400 pkt/s.
 * sum x = 500, max x = 400.
 *
 * r0: a = 400/100 = 4.
 *   per packet acked: x0 / (rtt0 sum^2) * (1+a)/2 * (4+a)/5
 *                   = 100 / (0.1 * 250000) * 5/2 * 8/5
 *                   = 0.004 * 4 = 0.016 packet
 *   one MSS acked -> +0.016 * 1000 = 16 bytes (Reno: 1/10 pkt = 100 bytes).
 * r1: a = 400/400 = 1.
 *   per packet: 400 / (0.05 * 250000) * 1 * 1 = 0.032 packet -> +32 bytes
 *   (Reno: 1/20 pkt = 50 bytes).
 */
static void test_balia_increase(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "balia", 10 * MSS, 5 * MSS, 100);
  struct tcp_sf *r1 = sf_setup(c, 1, "balia", 20 * MSS, 10 * MSS, 50);

  r0->cc->cong_avoid(r0, MSS, 0);
  assert_int_equal(r0->cwnd, 10 * MSS + 16);

  /* r1 sees r0 at 10016 bytes: x0 = 100.16, sum = 500.16, a1 = 1:
   * 400 / (0.05 * 500.16^2) = 0.031980 packet -> 31.98 bytes: 31 whole
   * bytes, 0.98 carried. */
  r1->cc->cong_avoid(r1, MSS, 0);
  assert_int_equal(r1->cwnd, 20 * MSS + 31);
  fake_free(c);

  /* The same with r0 at exactly 10 packets: r1 gets 32 bytes. */
  c = fake_conn(2, 1);
  sf_setup(c, 0, "balia", 10 * MSS, 5 * MSS, 100);
  r1 = sf_setup(c, 1, "balia", 20 * MSS, 10 * MSS, 50);
  r1->cc->cong_avoid(r1, MSS, 0);
  assert_int_equal(r1->cwnd, 20 * MSS + 32);
  fake_free(c);
}

/*
 * The fraction of a byte is carried: r0 of the previous test, acked 100
 * bytes at a time. Each ACK of 100 bytes earns 0.1 * 0.016 packet = 1.6
 * bytes while the window stays near 10 packets (the change of x0 over 10
 * ACKs takes 0.0075 byte off the total): 10 ACKs -> 15 whole bytes and a
 * carried fraction, not the 10 that dropping fractions would give.
 */
static void test_balia_fraction_carried(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "balia", 10 * MSS, 5 * MSS, 100);
  sf_setup(c, 1, "balia", 20 * MSS, 10 * MSS, 50);
  for (int i = 0; i < 10; i++)
    r0->cc->cong_avoid(r0, 100, 0);
  /* 15.9925 bytes earned (x0 grows and a0 falls a little as cwnd moves):
   * 15 whole bytes added, 0.9925 carried */
  assert_int_equal(r0->cwnd, 10 * MSS + 15);
  fake_free(c);
}

/*
 * RFC 6356's rule: a subflow in recovery contributes ssthresh, not cwnd.
 * r1 has cwnd 60 packets (inflated) but ssthresh 20 packets in
 * TCP_CA_RECOVERY: r0 must see x1 = 20/0.05 = 400, as in
 * test_balia_increase, and get 16 bytes (with cwnd, x1 = 1200, sum = 1300,
 * a = 12: 100/(0.1*1300^2) * 6.5 * 3.2 = 0.0123 pkt -> 12 bytes).
 * Subflows not established, or not joined, are not summed at all.
 */
static void test_balia_recovery_uses_ssthresh(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(4, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "balia", 10 * MSS, 5 * MSS, 100);
  struct tcp_sf *r1 = sf_setup(c, 1, "balia", 60 * MSS, 20 * MSS, 50);
  r1->ca_state = TCP_CA_RECOVERY;
  struct tcp_sf *r2 = sf_setup(c, 2, "balia", 500 * MSS, 5 * MSS, 10);
  r2->state = MPTCP_TCP_SYN_SENT;
  struct tcp_sf *r3 = sf_setup(c, 3, "balia", 500 * MSS, 5 * MSS, 10);
  r3->join_ok = 0;

  r0->cc->cong_avoid(r0, MSS, 0);
  assert_int_equal(r0->cwnd, 10 * MSS + 16);

  /* The same subflow in TCP_CA_OPEN counts its cwnd: 12 bytes. */
  r0->cwnd = 10 * MSS;
  r0->cc->init(r0);
  r1->ca_state = TCP_CA_OPEN;
  r0->cc->cong_avoid(r0, MSS, 0);
  assert_int_equal(r0->cwnd, 10 * MSS + 12);
  fake_free(c);
}

/*
 * Decrease, ssthresh = F - (F/2) * min(a, 1.5), F = FlightSize = cwnd here.
 *  r0 of test_balia_increase: a = 4 -> 1.5: 10000 - 5000 * 1.5 = 2500.
 *  r1 of test_balia_increase: a = 1:        20000 - 10000 * 1 = 10000.
 *  r0 w = 16 pkts rtt 100 ms (x = 160), r1 w = 10 pkts rtt 50 ms (x = 200):
 *    a0 = 200/160 = 1.25 < 1.5: 16000 - 8000 * 1.25 = 6000.
 *  r0 w = 4 pkts rtt 100 ms (x = 40), r1 w = 20 pkts rtt 50 ms (x = 400):
 *    a0 = 10 -> 1.5: 4000 - 2000 * 1.5 = 1000 -> floor 2 MSS = 2000.
 */
static void test_balia_decrease(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "balia", 10 * MSS, SS_INF, 100);
  struct tcp_sf *r1 = sf_setup(c, 1, "balia", 20 * MSS, SS_INF, 50);
  assert_int_equal(r0->cc->ssthresh(r0), 2500);
  assert_int_equal(r1->cc->ssthresh(r1), 10000);
  fake_free(c);

  c = fake_conn(2, 1);
  r0 = sf_setup(c, 0, "balia", 16 * MSS, SS_INF, 100);
  r1 = sf_setup(c, 1, "balia", 10 * MSS, SS_INF, 50);
  assert_int_equal(r0->cc->ssthresh(r0), 6000);
  assert_int_equal(r1->cc->ssthresh(r1), 5000); /* a1 = 1: halved */
  fake_free(c);

  c = fake_conn(2, 1);
  r0 = sf_setup(c, 0, "balia", 4 * MSS, SS_INF, 100);
  sf_setup(c, 1, "balia", 20 * MSS, SS_INF, 50);
  assert_int_equal(r0->cc->ssthresh(r0), 2 * MSS);
  /* the BALIA draft's floor, coupled_min_ssthresh 1: 1 MSS */
  c->cfg.coupled_min_ssthresh = 1;
  assert_int_equal(r0->cc->ssthresh(r0), 1 * MSS);
  fake_free(c);
}

/*
 * One subflow: x = w/rtt, sum = max = x, a = 1, so the increase per packet
 * is x / (rtt x^2) * (2/2) * (5/5) = 1/(rtt x) = 1/w: one MSS per w bytes
 * acknowledged, Reno's. At w = 10 packets, nine ACKs of one MSS leave
 * cwnd at 10000 and the tenth makes it 11000. Loss: a = 1, F/2.
 */
static void test_balia_one_subflow_is_reno(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 1);
  struct tcp_sf *sf = sf_setup(c, 0, "balia", 10 * MSS, 5 * MSS, 100);
  for (int i = 0; i < 9; i++)
    sf->cc->cong_avoid(sf, MSS, 0);
  assert_int_equal(sf->cwnd, 10 * MSS);
  sf->cc->cong_avoid(sf, MSS, 0);
  assert_int_equal(sf->cwnd, 11 * MSS);
  sf->out_bytes = 11 * MSS;
  assert_int_equal(sf->cc->ssthresh(sf), 5500);
  fake_free(c);
}

static uint64_t lcg(uint64_t *s) {
  *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
  return *s >> 33;
}

/* What the engine does on a loss: ssthresh first, then recovery or the
 * loss window. */
static void emulate_loss(struct tcp_sf *sf, int rto) {
  sf->out_bytes = sf->cwnd;
  sf->ssthresh = sf->cc->ssthresh(sf);
  sf->cwnd_cnt = 0;
  sf->ca_state = rto ? TCP_CA_LOSS : TCP_CA_RECOVERY;
  if (sf->cc->set_state)
    sf->cc->set_state(sf, sf->ca_state, 0);
  sf->cwnd = rto ? sf->mss : sf->ssthresh;
  if (!rto) {
    sf->ca_state = TCP_CA_OPEN;
    if (sf->cc->set_state)
      sf->cc->set_state(sf, TCP_CA_OPEN, 0);
  }
}

/*
 * Reno's and BALIA's cwnd trajectories under the same ACKs and losses,
 * byte for byte, for BALIA with a single subflow in three forms: plain TCP
 * (mp == 0), MPTCP with one subflow, and MPTCP with a second subflow that
 * is not established yet (not summed).
 */
static void test_balia_one_subflow_trajectory(void **state) {
  (void)state;
  for (int form = 0; form < 3; form++) {
    struct mptcp_conn *cr = fake_conn(1, 0);
    struct mptcp_conn *cb = fake_conn(form == 2 ? 2 : 1, form != 0);
    struct tcp_sf *reno = sf_setup(cr, 0, "reno", 10 * MSS, SS_INF, 80);
    struct tcp_sf *bal = sf_setup(cb, 0, "balia", 10 * MSS, SS_INF, 80);
    if (form == 2) {
      struct tcp_sf *other = sf_setup(cb, 1, "balia", 50 * MSS, SS_INF, 20);
      other->state = MPTCP_TCP_SYN_SENT;
    }
    uint64_t rng = 42;
    for (int step = 0; step < 20000; step++) {
      if (step % 1501 == 1500) {
        emulate_loss(reno, 1);
        emulate_loss(bal, 1);
      } else if (step % 397 == 396) {
        emulate_loss(reno, 0);
        emulate_loss(bal, 0);
      } else {
        if (step % 1501 == 30) { /* the timeout's loss episode ends */
          reno->ca_state = bal->ca_state = TCP_CA_OPEN;
          bal->cc->set_state(bal, TCP_CA_OPEN, 0);
        }
        uint64_t acked = 1 + lcg(&rng) % (3 * MSS);
        reno->cc->cong_avoid(reno, acked, 0);
        bal->cc->cong_avoid(bal, acked, 0);
      }
      assert_int_equal(bal->cwnd, reno->cwnd);
      assert_int_equal(bal->ssthresh, reno->ssthresh);
    }
    assert_true(reno->cwnd > 2 * MSS); /* the run did something */
    fake_free(cr);
    fake_free(cb);
  }
}

/* ---- wVegas ---- */

/* End a round: feed the RTT samples, acknowledge past the snd_nxt the
 * round started with, and deliver one MSS. */
static void wv_end_round(struct tcp_sf *sf, const uint64_t *rtt_ms, int n) {
  for (int i = 0; i < n; i++)
    sf->cc->on_rtt(sf, rtt_ms[i] * MS, 0);
  uint64_t start = sf->snd_nxt;
  sf->snd_nxt += 100 * MSS;
  sf->snd_una = start + MSS;
  sf->cc->cong_avoid(sf, MSS, 0);
}

/* An ACK inside the round: snd_una not past the round's start snd_nxt. */
static void wv_mid_round(struct tcp_sf *sf) {
  sf->snd_una += MSS;
  sf->cc->cong_avoid(sf, MSS, 0);
}

static const uint64_t q10[3] = {90, 100, 110}; /* base 90, mean 100 */

/*
 * +1: one subflow in congestion avoidance, w = 10 packets; samples 90, 100,
 * 110 ms: base = 90, rtt = 100, diff = floor(10 * (100-90)/100) = 1 <
 * alpha = 2 -> w = 11 (below the target backlog: no drain judged). Inside
 * the next round nothing changes.
 */
static void test_wvegas_increase(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 10 * MSS, 5 * MSS, 100);
  wv_mid_round(sf); /* no samples, no round end: nothing */
  assert_int_equal(sf->cwnd, 10 * MSS);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 11 * MSS);
  assert_int_equal(sf->ssthresh, 5 * MSS);
  wv_mid_round(sf);
  assert_int_equal(sf->cwnd, 11 * MSS);
  fake_free(c);
}

/*
 * -1 after re-weighting: r0 w = 40 pkts (srtt 100 ms), r1 w = 60 pkts,
 * srtt 50 ms. Round on r0 with samples 90, 100, 110: rtt = 100, base = 90,
 * diff = floor(40 * 10/100) = 4 >= alpha (2): re-weight,
 *   x0 = 40/0.1 = 400, x1 = 60/0.05 = 1200, weight0 = 400/1600 = 0.25,
 *   alpha0 = max(2, floor(0.25 * 10)) = max(2, 2) = 2;
 * diff 4 > 2 -> w = 39 packets, ssthresh = min(39.5 pkts, 39 pkts) = 39000.
 */
static void test_wvegas_decrease(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "wvegas", 40 * MSS, 39500, 100);
  sf_setup(c, 1, "wvegas", 60 * MSS, 30 * MSS, 50);
  wv_end_round(r0, q10, 3);
  assert_int_equal(r0->cwnd, 39 * MSS);
  assert_int_equal(r0->ssthresh, 39 * MSS);
  fake_free(c);
}

/*
 * Alpha re-weighting and "no change": r0 w = 60 pkts (srtt 100 ms), r1
 * w = 20 pkts, srtt 50 ms. Round 1 on r0, samples 90, 100, 110: diff =
 * floor(60 * 10/100) = 6 >= alpha (2): x0 = 600, x1 = 400, weight0 = 0.6,
 * alpha0 = floor(0.6 * 10) = 6; diff == alpha -> w unchanged (with the
 * initial alpha 2 it would have been 59).
 * Round 2, samples 95, 95, 95 (base stays 90): rtt = 95, diff = floor(60 *
 * 5/95) = floor(3.16) = 3 < alpha: no re-weighting, alpha stays 6, and
 * 3 < 6 -> w = 61 (with alpha 2 it would be 59).
 */
static void test_wvegas_reweight_hold(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *r0 = sf_setup(c, 0, "wvegas", 60 * MSS, 30 * MSS, 100);
  sf_setup(c, 1, "wvegas", 20 * MSS, 10 * MSS, 50);
  wv_end_round(r0, q10, 3);
  assert_int_equal(r0->cwnd, 60 * MSS);
  static const uint64_t q5[3] = {95, 95, 95};
  wv_end_round(r0, q5, 3);
  assert_int_equal(r0->cwnd, 61 * MSS);
  fake_free(c);

  /* RFC 6356's rule in the weights: r1 in fast recovery with cwnd 90
   * packets counts its ssthresh of 20 packets, so weight0 is 0.6 again and
   * w holds (counting cwnd: x1 = 1800, weight0 = 0.25, alpha 2, w = 59). */
  c = fake_conn(2, 1);
  r0 = sf_setup(c, 0, "wvegas", 60 * MSS, 30 * MSS, 100);
  struct tcp_sf *r1 = sf_setup(c, 1, "wvegas", 90 * MSS, 20 * MSS, 50);
  r1->ca_state = TCP_CA_RECOVERY;
  wv_end_round(r0, q10, 3);
  assert_int_equal(r0->cwnd, 60 * MSS);
  fake_free(c);

  c = fake_conn(2, 1);
  r0 = sf_setup(c, 0, "wvegas", 60 * MSS, 30 * MSS, 100);
  sf_setup(c, 1, "wvegas", 90 * MSS, 20 * MSS, 50);
  wv_end_round(r0, q10, 3);
  assert_int_equal(r0->cwnd, 59 * MSS);
  fake_free(c);
}

/*
 * Slow-start exit: one subflow, w = 20 packets, ssthresh infinite; samples
 * 90, 100, 110: diff = floor(20 * 10/100) = 2 > gamma (1) ->
 *   w = min(20, 20 * 90/100 + 1) = min(20, 19) = 19 packets,
 *   ssthresh = min(inf, 19000) = 19000 (now in congestion avoidance, where
 *   ACKs inside a round change nothing).
 * At w = 10: diff = floor(10 * 10/100) = 1, not > gamma: slow start goes
 * on, + the MSS acknowledged -> 11000, ssthresh untouched.
 */
static void test_wvegas_slow_start_exit(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 20 * MSS, SS_INF, 100);
  wv_mid_round(sf); /* slow start inside the round: +1000 */
  assert_int_equal(sf->cwnd, 21 * MSS);
  sf->cwnd = 20 * MSS;
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 19 * MSS);
  assert_int_equal(sf->ssthresh, 19 * MSS);
  wv_mid_round(sf);
  assert_int_equal(sf->cwnd, 19 * MSS);
  fake_free(c);

  c = fake_conn(1, 0);
  sf = sf_setup(c, 0, "wvegas", 10 * MSS, SS_INF, 100);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 11 * MSS);
  assert_int_equal(sf->ssthresh, SS_INF);
  fake_free(c);
}

/*
 * Queue drain, judged only in rounds that hold the target backlog (diff >=
 * alpha). One subflow, CA, w = 40 packets, ssthresh 2 packets (so that the
 * drained window stays in congestion avoidance; below ssthresh it would
 * slow-start back, as in Linux).
 * Round 1 (90, 100, 110): base 90, rtt 100, q = 10 ms;
 *   diff = floor(40 * 10/100) = 4 >= alpha 2: steady; weight 1 (alone),
 *   alpha = max(2, floor(1 * 10)) = 10; 4 < 10 -> 41 pkts;
 *   q_min = 10; 10 < 2 * 10: no drain.
 * Round 2 (110 x 3): rtt 110, q = 20 ms; diff = floor(41 * 20/110) =
 *   floor(7.45) = 7 < 10: not steady -> 42 pkts; q = 20 >= 2 * q_min
 *   would drain in mptcp_wvegas.c, but the subflow is still filling its
 *   backlog: no drain here.
 * Round 3 (120 x 3): rtt 120, q = 30 ms; diff = floor(42 * 30/120) =
 *   floor(10.5) = 10 >= 10: steady, alpha stays 10, diff == alpha: hold
 *   42 pkts; q_min = min(10, 30) = 10; 30 >= 20: drain,
 *   w = 42000 * 90 / (2 * 120) = 15750 bytes; q_min forgotten.
 * Round 4 (120 x 3): diff = floor(15750 * 30 / (120 * 1000)) =
 *   floor(3.94) = 3 < 10 -> 15750 + 1000 = 16750.
 */
static void test_wvegas_drain(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 40 * MSS, 2 * MSS, 100);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 41 * MSS);
  static const uint64_t q20[3] = {110, 110, 110};
  wv_end_round(sf, q20, 3);
  assert_int_equal(sf->cwnd, 42 * MSS);
  static const uint64_t q30[3] = {120, 120, 120};
  wv_end_round(sf, q30, 3);
  assert_int_equal(sf->cwnd, 15750);
  wv_end_round(sf, q30, 3);
  assert_int_equal(sf->cwnd, 16750);
  fake_free(c);
}

/*
 * Drain below the floor. r0 = 3 pkts (srtt 100 ms) next to a fast r1 (90
 * pkts, srtt 50 ms), so that r0's alpha stays 2: weight_0 = (w_0/rtt_0) /
 * (w_0/rtt_0 + 90000/50), below 0.2 in every round here -> floor(10 w) <
 * 2 -> alpha 2.
 * Round 1 (90, 100, 110): diff = floor(3 * 10/100) = 0 < 2: not steady ->
 *   4 pkts.
 * Round 2 (200 x 3): q = 110, diff = floor(4 * 110/200) = 2 >= 2: steady
 *   (weight (4000/200) / (20 + 1800) = 0.011, alpha 2); 2 == 2: hold 4;
 *   q_min = 110, 110 < 220: no drain.
 * Round 3 (400 x 3): q = 310, diff = floor(4 * 310/400) = 3 >= 2: steady,
 *   alpha 2; 3 > 2 -> 3 pkts, ssthresh min(2000, 3000) = 2000;
 *   310 >= 220: w = 3000 * 90 / (2 * 400) = 337 -> floor 2 pkts = 2000.
 */
static void test_wvegas_floor(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2, 1);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 3 * MSS, 2 * MSS, 100);
  sf_setup(c, 1, "wvegas", 90 * MSS, 20 * MSS, 50);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 4 * MSS);
  static const uint64_t q110[3] = {200, 200, 200};
  wv_end_round(sf, q110, 3);
  assert_int_equal(sf->cwnd, 4 * MSS);
  static const uint64_t q310[3] = {400, 400, 400};
  wv_end_round(sf, q310, 3);
  assert_int_equal(sf->cwnd, 2 * MSS);
  fake_free(c);
}

/*
 * No queue, no drain: samples all 100 ms: base = rtt = 100, q = 0, diff =
 * 0 < 2 -> 11 pkts, and q = 0 does not count as a doubled queue (Linux's
 * q_min == 0 "unset" would halve here: 11000 * 100 / 200 = 5500).
 */
static void test_wvegas_no_queue_no_drain(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 10 * MSS, 5 * MSS, 100);
  static const uint64_t q0[3] = {100, 100, 100};
  wv_end_round(sf, q0, 3);
  assert_int_equal(sf->cwnd, 11 * MSS);
  wv_end_round(sf, q0, 3);
  assert_int_equal(sf->cwnd, 12 * MSS);
  fake_free(c);
}

/*
 * Fewer than 3 samples: the round end is one Reno step (one MSS toward
 * cwnd bytes: no visible change at w = 10); the next round with 3 samples
 * adjusts (+1 as in test_wvegas_increase).
 */
static void test_wvegas_needs_three_samples(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 10 * MSS, 5 * MSS, 100);
  static const uint64_t two[2] = {90, 110};
  wv_end_round(sf, two, 2);
  assert_int_equal(sf->cwnd, 10 * MSS);
  assert_int_equal(sf->cwnd_cnt, MSS);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 11 * MSS);
  fake_free(c);
}

/*
 * Loss: Reno's halving of FlightSize (20000 -> 10000). Outside
 * TCP_CA_OPEN the subflow is Reno: a round end with samples that would
 * give +1 only adds to cwnd_cnt. Back in TCP_CA_OPEN a fresh round starts
 * at the current snd_nxt and the next one adjusts again.
 */
static void test_wvegas_loss_and_states(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(1, 0);
  struct tcp_sf *sf = sf_setup(c, 0, "wvegas", 20 * MSS, 5 * MSS, 100);
  sf->out_bytes = 20 * MSS;
  assert_int_equal(sf->cc->ssthresh(sf), 10 * MSS);
  sf->out_bytes = 3 * MSS;
  assert_int_equal(sf->cc->ssthresh(sf), 2 * MSS); /* floor 2 MSS */

  sf->cwnd = 10 * MSS;
  sf->ca_state = TCP_CA_LOSS;
  sf->cc->set_state(sf, TCP_CA_LOSS, 0);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 10 * MSS);
  assert_int_equal(sf->cwnd_cnt, MSS);

  sf->ca_state = TCP_CA_OPEN;
  sf->cc->set_state(sf, TCP_CA_OPEN, 0);
  wv_end_round(sf, q10, 3);
  assert_int_equal(sf->cwnd, 11 * MSS);
  fake_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registered),
      cmocka_unit_test(test_balia_increase),
      cmocka_unit_test(test_balia_fraction_carried),
      cmocka_unit_test(test_balia_recovery_uses_ssthresh),
      cmocka_unit_test(test_balia_decrease),
      cmocka_unit_test(test_balia_one_subflow_is_reno),
      cmocka_unit_test(test_balia_one_subflow_trajectory),
      cmocka_unit_test(test_wvegas_increase),
      cmocka_unit_test(test_wvegas_decrease),
      cmocka_unit_test(test_wvegas_reweight_hold),
      cmocka_unit_test(test_wvegas_slow_start_exit),
      cmocka_unit_test(test_wvegas_drain),
      cmocka_unit_test(test_wvegas_floor),
      cmocka_unit_test(test_wvegas_no_queue_no_drain),
      cmocka_unit_test(test_wvegas_needs_three_samples),
      cmocka_unit_test(test_wvegas_loss_and_states),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
