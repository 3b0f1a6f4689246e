/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CUBIC (cc_cubic.c) on hand-built connections: the hooks called directly
 * and the expected windows computed by hand in the comments, with Linux's
 * tcp_cubic.c arithmetic (whole segments, beta = 717/1024, C = 0.4).
 *
 * Units: MSS = 1000 bytes, so a window of w segments is w * 1000 bytes;
 * times in milliseconds in the arithmetic, nanoseconds in the structures.
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
#define T0 (10 * 1000 * MS)  /* 10 s: any time well after the epochs' starts */

/* One subflow running CUBIC with window `cwnd` segments in congestion
 * avoidance (ssthresh = cwnd), the two switches as given. */
static struct mptcp_conn *cubic_conn(uint64_t cwnd_segs, int friendly, int hystart) {
  struct mptcp_conn *c = fake_conn_new(1, 0, MSS);
  c->cfg.cubic_tcp_friendliness = (uint8_t)friendly;
  c->cfg.cubic_hystart = (uint8_t)hystart;
  c->cfg.initial_rto_ns = 1000 * MS;
  struct tcp_sf *sf = c->sfs[0];
  sf->cc = cc_find("cubic");
  assert_non_null(sf->cc);
  sf->cwnd = cwnd_segs * MSS;
  sf->ssthresh = cwnd_segs * MSS;
  sf->srtt = 100 * MS;
  sf->snd_una = 1;
  sf->snd_nxt = 100 * MSS;
  sf->cc->init(sf);
  return c;
}

/* A loss at `cwnd` segments: ssthresh, then the window set to it. */
static uint64_t loss_at(struct tcp_sf *sf, uint64_t cwnd_segs) {
  sf->cwnd = cwnd_segs * MSS;
  uint64_t ss = sf->cc->ssthresh(sf);
  sf->ssthresh = ss;
  sf->cwnd = ss;
  return ss;
}

static void test_registered(void **state) {
  (void)state;
  const struct tcp_cc_ops *o = cc_find("cubic");
  assert_non_null(o);
  assert_non_null(o->on_rtt);
  assert_non_null(o->set_state);
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  assert_int_equal(cfg.cubic_tcp_friendliness, 1);
  assert_int_equal(cfg.cubic_hystart, 1);
  cfg.cubic_hystart = 2;
  assert_int_equal(mptcp_config_check(&cfg), MPTCP_ERR_CONFIG);
  cfg.cubic_hystart = 1;
  cfg.cubic_tcp_friendliness = 2;
  assert_int_equal(mptcp_config_check(&cfg), MPTCP_ERR_CONFIG);
}

/* ssthresh = floor(cwnd * 717 / 1024) segments; fast convergence: a loss
 * below the previous W_max remembers cwnd * (1024 + 717) / 2048. */
static void test_ssthresh_fast_convergence(void **state) {
  (void)state;
  struct mptcp_conn *c = cubic_conn(100, 0, 0);
  struct tcp_sf *sf = c->sfs[0];
  /* 100 * 717 / 1024 = 70.02 -> 70 */
  assert_int_equal(loss_at(sf, 100), 70 * MSS);
  /* 80 < W_max = 100: W_max = 80 * 1741 / 2048 = 68.0 -> 68;
   * ssthresh = 80 * 717 / 1024 = 56.01 -> 56 */
  assert_int_equal(loss_at(sf, 80), 56 * MSS);
  /* 2 segments at least: 2 * 0.7 = 1.4 -> 2 */
  assert_int_equal(loss_at(sf, 2), 2 * MSS);
  fake_conn_free(c);
}

/* After a loss at 100 segments (W_max = 100, cwnd = 70), with delay_min =
 * 100 ms: K = cbrt(30 / 0.4) = 4.217 s; on the first ACK t = 0.1 s, so
 * delta = floor(0.4 * 4.117^3) = floor(27.9) = 27, target = 73 and
 * cnt = 70 / 3 = 23: the 23rd segment acknowledged adds one. */
static void test_concave_growth_count(void **state) {
  (void)state;
  struct mptcp_conn *c = cubic_conn(100, 0, 0);
  struct tcp_sf *sf = c->sfs[0];
  loss_at(sf, 100);
  sf->cc->on_rtt(sf, 100 * MS, T0 - 1);
  for (int i = 1; i <= 22; i++) {
    sf->cc->cong_avoid(sf, MSS, T0);
    assert_int_equal(sf->cwnd, 70 * MSS);
  }
  sf->cc->cong_avoid(sf, MSS, T0);
  assert_int_equal(sf->cwnd, 71 * MSS);
  fake_conn_free(c);
}

/* Near K the whole-segment target equals W_max: |t - K| < 1.357 s gives
 * 0.4 |t - K|^3 < 1, delta = 0. At cwnd = 99 below W_max = 100, cnt =
 * 99 / (100 - 99) = 99; at cwnd = W_max, cnt = 100 * cwnd (the plateau). */
static void test_plateau_at_wmax(void **state) {
  (void)state;
  struct mptcp_conn *c = cubic_conn(100, 0, 0);
  struct tcp_sf *sf = c->sfs[0];
  loss_at(sf, 100); /* W_max = 100 */
  sf->cc->on_rtt(sf, 100 * MS, T0 - 1);
  sf->cwnd = 99 * MSS;
  /* epoch at T0 with cwnd 99: K = cbrt(1 / 0.4) = 1.357 s */
  sf->cc->cong_avoid(sf, MSS, T0);
  for (int i = 2; i <= 98; i++)
    sf->cc->cong_avoid(sf, MSS, T0 + 1000 * MS);
  assert_int_equal(sf->cwnd, 99 * MSS);
  sf->cc->cong_avoid(sf, MSS, T0 + 1000 * MS); /* 99th segment */
  assert_int_equal(sf->cwnd, 100 * MSS);
  /* cwnd = W_max = target: 100 * 100 segments per increase */
  for (int i = 0; i < 5000; i++)
    sf->cc->cong_avoid(sf, MSS, T0 + 1100 * MS);
  assert_int_equal(sf->cwnd, 100 * MSS);
  /* Far past K (t - K = 8.74 s: target 100 + 267) cnt is 2. The 5000
   * segments of credit earned on the plateau are not turned into 2500
   * segments at once: Linux's tcp_cong_avoid_ai drops them for one. */
  sf->cc->cong_avoid(sf, MSS, T0 + 10000 * MS);
  assert_int_equal(sf->cwnd, 101 * MSS);
  sf->cc->cong_avoid(sf, MSS, T0 + 10000 * MS);
  assert_int_equal(sf->cwnd, 102 * MSS);
  fake_conn_free(c);
}

/* Before any loss (W_max = 0) the cubic target sits at the epoch's window,
 * and cnt is clamped to 20 (5 % per RTT). A timeout forgets W_max, so the
 * clamp applies again after it. */
static void test_clamp_before_first_loss(void **state) {
  (void)state;
  struct mptcp_conn *c = cubic_conn(50, 0, 0);
  struct tcp_sf *sf = c->sfs[0];
  sf->cc->cong_avoid(sf, 19 * MSS, T0);
  assert_int_equal(sf->cwnd, 50 * MSS);
  sf->cc->cong_avoid(sf, 1 * MSS, T0);
  assert_int_equal(sf->cwnd, 51 * MSS);

  loss_at(sf, 100); /* W_max = 100, cwnd 70 */
  sf->cc->set_state(sf, TCP_CA_LOSS, T0);
  sf->cwnd = 50 * MSS;
  sf->ssthresh = 50 * MSS;
  sf->cc->cong_avoid(sf, 20 * MSS, T0 + 10 * MS);
  assert_int_equal(sf->cwnd, 51 * MSS);
  fake_conn_free(c);
}

/* Reno-friendly region: cwnd 40, W_max 41 (K = cbrt(2.5) = 1.357 s), so
 * the cubic target is 41 and cnt = 40. The Reno estimate gains a segment
 * per floor(40 * 15 / 8) = 75 segments acknowledged: 151 segments in one
 * ACK make it 42 (two whole steps of 75, one left over), so cnt is at
 * most 40 / (42 - 40) = 20 and the 151 segments add floor(151 / 20) = 7
 * segments. Without the region they add floor(151 / 40) = 3. */
static void run_friendly(int friendly, uint64_t expect_segs) {
  struct mptcp_conn *c = cubic_conn(58, friendly, 0);
  struct tcp_sf *sf = c->sfs[0];
  loss_at(sf, 58); /* 58 * 717 / 1024 = 40.6 -> 40; W_max = 58 */
  assert_int_equal(sf->cwnd, 40 * MSS);
  /* A timeout forgets W_max = 58, so the next loss sets W_max = 41
   * without fast convergence. */
  sf->cc->set_state(sf, TCP_CA_LOSS, T0);
  loss_at(sf, 41); /* W_max = 41, cwnd = 41 * 0.7 = 28 */
  sf->cwnd = 40 * MSS;
  sf->ssthresh = 40 * MSS;
  sf->cc->on_rtt(sf, 100 * MS, T0);
  sf->cc->cong_avoid(sf, 151 * MSS, T0 + 1);
  assert_int_equal(sf->cwnd, expect_segs * MSS);
  fake_conn_free(c);
}

static void test_reno_friendly_region(void **state) {
  (void)state;
  run_friendly(1, 47);
  run_friendly(0, 43);
}

/* HyStart, delay detection: delay_min = 40 ms, so slow start ends when
 * the smallest of a round's first 8 samples exceeds 40 + max(4, 40 / 8) =
 * 45 ms. Samples 3 ms apart (no ACK train). */
static void run_hystart_delay(int hystart, uint64_t sample_ms, uint64_t cwnd_segs, int expect_exit) {
  struct mptcp_conn *c = cubic_conn(cwnd_segs, 0, hystart);
  struct tcp_sf *sf = c->sfs[0];
  sf->ssthresh = FAKE_SS_INF;
  uint64_t now = T0;
  sf->cc->on_rtt(sf, 40 * MS, now); /* delay_min; first round */
  sf->snd_una = sf->snd_nxt + 1;    /* the round ends */
  sf->snd_nxt += 100 * MSS;
  for (int i = 0; i < 9; i++) {
    now += 3 * MS;
    sf->cc->on_rtt(sf, sample_ms * MS, now);
    if (i < 8)
      assert_int_equal(sf->ssthresh, FAKE_SS_INF);
  }
  if (expect_exit)
    assert_int_equal(sf->ssthresh, sf->cwnd);
  else
    assert_int_equal(sf->ssthresh, FAKE_SS_INF);
  fake_conn_free(c);
}

static void test_hystart_delay(void **state) {
  (void)state;
  run_hystart_delay(1, 46, 20, 1);
  run_hystart_delay(1, 45, 20, 0); /* not above the threshold */
  run_hystart_delay(1, 60, 15, 0); /* below the 16-segment low window */
  run_hystart_delay(0, 60, 20, 0); /* switched off */
}

/* HyStart, ACK train: ACKs at most 2 ms apart for more than delay_min / 2
 * = 20 ms since the round began end slow start. */
static void test_hystart_ack_train(void **state) {
  (void)state;
  struct mptcp_conn *c = cubic_conn(32, 0, 1);
  struct tcp_sf *sf = c->sfs[0];
  sf->ssthresh = FAKE_SS_INF;
  uint64_t now = T0;
  sf->cc->on_rtt(sf, 40 * MS, now);
  sf->snd_una = sf->snd_nxt + 1; /* next sample starts a round at now */
  sf->snd_nxt += 100 * MSS;
  now += 1 * MS;
  sf->cc->on_rtt(sf, 40 * MS, now); /* round starts here */
  for (int i = 0; i < 20; i++) {    /* 20 ms of 1 ms spacing: not yet */
    now += 1 * MS;
    sf->cc->on_rtt(sf, 40 * MS, now);
  }
  assert_int_equal(sf->ssthresh, FAKE_SS_INF);
  now += 1 * MS; /* 21 ms > 20 ms */
  sf->cc->on_rtt(sf, 40 * MS, now);
  assert_int_equal(sf->ssthresh, 32 * MSS);
  fake_conn_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registered),
      cmocka_unit_test(test_ssthresh_fast_convergence),
      cmocka_unit_test(test_concave_growth_count),
      cmocka_unit_test(test_plateau_at_wmax),
      cmocka_unit_test(test_clamp_before_first_loss),
      cmocka_unit_test(test_reno_friendly_region),
      cmocka_unit_test(test_hystart_delay),
      cmocka_unit_test(test_hystart_ack_train),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
