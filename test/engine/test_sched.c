/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schedulers (sched.c) on hand-built connections: subflows with chosen
 * windows, RTTs and bytes in flight, the scheduler asked directly, the
 * expected choice worked out by hand in the comments.
 *
 * Units: MSS = 1000 bytes; windows and in-flight in bytes; RTTs in ms in
 * the arithmetic (microseconds where ECF works in them), ns in the
 * structures. In-flight is emulated by out_bytes (nothing SACKed, lost or
 * retransmitted, so tcp_in_flight == out_bytes); a subflow has room for a
 * segment when in-flight + MSS <= cwnd.
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
#define T0 (1000 * MS)      /* an arbitrary start time */
/* ECF's private state (sched_ecf.c, struct ecf) is one byte: "the last
 * decision was to wait". */
#define ECF_WAITING(c) (*(uint8_t *)(c)->sched_priv)

/* n subflows, ESTABLISHED, join_ok, open, window 10 segments, nothing in
 * flight, a large peer window. */
static struct mptcp_conn *fake_conn(unsigned n) {
  struct mptcp_conn *c = fake_conn_new(n, 1, MSS);
  for (unsigned i = 0; i < n; i++) {
    c->sfs[i]->cwnd = 10 * MSS;
    c->sfs[i]->snd_wnd = 10000 * MSS;
  }
  return c;
}

static void fake_free(struct mptcp_conn *c) { fake_conn_free(c); }

static void set_rtt(struct tcp_sf *sf, uint64_t srtt_ms, uint64_t rttvar_ms) {
  sf->srtt = srtt_ms * MS;
  sf->rttvar = rttvar_ms * MS;
}

/* One record in flight on sf, last sent at `t`: what the schedulers see
 * as the present time (they are not given it). */
static void set_sent(struct tcp_sf *sf, uint64_t t) {
  if (!sf->txq.r) {
    sf->txq.r = calloc(1, sizeof(*sf->txq.r));
    assert_non_null(sf->txq.r);
    sf->txq.cap = 1;
    sf->txq.n = 1;
  }
  sf->txq.r[0].sent_ns = t;
}

static struct tcp_sf *pick(struct mptcp_conn *c, const char *name) {
  const struct mptcp_sched_ops *ops = sched_find(name);
  assert_non_null(ops);
  /* the time: the latest transmission on any subflow (the tests set it
   * through the newest transmit record) */
  uint64_t now = 0;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    const struct tx_ring *q = &c->sfs[i]->txq;
    if (q->n && q->r[(q->head + q->n - 1) & (q->cap - 1)].sent_ns > now)
      now = q->r[(q->head + q->n - 1) & (q->cap - 1)].sent_ns;
  }
  return ops->get_send(c, now);
}

static void test_registered(void **state) {
  (void)state;
  const char *names[] = {"minrtt", "roundrobin", "blest", "ecf", "redundant"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const struct mptcp_sched_ops *ops = sched_find(names[i]);
    assert_non_null(ops);
    assert_string_equal(ops->name, names[i]);
  }
  assert_null(sched_find("redundant-typo"));
  assert_null(sched_find(NULL));
}

/* ---- minRTT ---- */

/*
 * srtt 50, 10, 30 ms. All with room -> sf1 (10 ms).
 * sf1 full (out 10000: 10000 + 1000 > 10000) -> sf2 (30 ms).
 * sf2 made backup -> sf0 (50 ms): a regular subflow goes before a faster
 * backup one. sf0 full too -> nobody: the data waits for a regular
 * subflow (RFC 8684 section 3.3.8; Linux uses a backup only when no
 * regular subflow is active). Both regular ones stale -> sf2, the backup.
 * sf2 full -> nobody (NULL).
 */
static void test_minrtt(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(3);
  set_rtt(c->sfs[0], 50, 0);
  set_rtt(c->sfs[1], 10, 0);
  set_rtt(c->sfs[2], 30, 0);
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[1]);
  c->sfs[1]->out_bytes = 10 * MSS;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[2]);
  c->sfs[2]->backup = 1;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[0]);
  c->sfs[0]->out_bytes = 10 * MSS;
  assert_null(pick(c, "minrtt"));
  c->sfs[0]->stale = c->sfs[1]->stale = 1;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[2]);
  c->sfs[2]->out_bytes = 10 * MSS;
  assert_null(pick(c, "minrtt"));
  fake_free(c);
}

/* Not established, join not complete, or repairing a timeout: skipped
 * however fast. sf0 30 ms is the answer each time. */
static void test_minrtt_unavailable(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2);
  set_rtt(c->sfs[0], 30, 0);
  set_rtt(c->sfs[1], 10, 0);
  c->sfs[1]->state = MPTCP_TCP_SYN_SENT;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[0]);
  c->sfs[1]->state = MPTCP_TCP_ESTABLISHED;
  c->sfs[1]->join_ok = 0;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[0]);
  c->sfs[1]->join_ok = 1;
  c->sfs[1]->ca_state = TCP_CA_LOSS;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[0]);
  c->sfs[1]->ca_state = TCP_CA_OPEN;
  assert_ptr_equal(pick(c, "minrtt"), c->sfs[1]);
  fake_free(c);
}

/* ---- round-robin ---- */

/*
 * Three subflows, all with room: 0, 1, 2, 0, ... whatever the RTTs.
 * After 0, 1, 2, 0 the turn is at 1; sf1 full -> 2, 0, 2, 0 (1 skipped).
 * sf1 free again, sf2 backup: regular ones only -> turn is at 1: 1, 0, 1.
 */
static void test_roundrobin(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(3);
  set_rtt(c->sfs[0], 100, 0);
  set_rtt(c->sfs[1], 10, 0);
  set_rtt(c->sfs[2], 50, 0);
  const unsigned want1[] = {0, 1, 2, 0};
  for (unsigned k = 0; k < 4; k++)
    assert_ptr_equal(pick(c, "roundrobin"), c->sfs[want1[k]]);
  c->sfs[1]->out_bytes = 10 * MSS;
  const unsigned want2[] = {2, 0, 2, 0};
  for (unsigned k = 0; k < 4; k++)
    assert_ptr_equal(pick(c, "roundrobin"), c->sfs[want2[k]]);
  c->sfs[1]->out_bytes = 0;
  c->sfs[2]->backup = 1;
  const unsigned want3[] = {1, 0, 1};
  for (unsigned k = 0; k < 3; k++)
    assert_ptr_equal(pick(c, "roundrobin"), c->sfs[want3[k]]);
  /* only the backup one has room: the data waits for the regular ones */
  c->sfs[0]->out_bytes = 10 * MSS;
  c->sfs[1]->out_bytes = 10 * MSS;
  assert_null(pick(c, "roundrobin"));
  /* no regular one usable: the backup takes the turn */
  c->sfs[0]->stale = c->sfs[1]->stale = 1;
  assert_ptr_equal(pick(c, "roundrobin"), c->sfs[2]);
  c->sfs[2]->out_bytes = 10 * MSS;
  assert_null(pick(c, "roundrobin"));
  fake_free(c);
}

/* ---- BLEST ---- */

/* f = sf0: 10 ms, full (out 10000 of cwnd 10000); s = sf1: 100 ms, room.
 * minRTT picks s, which is not the fastest: BLEST has a decision. */
static struct mptcp_conn *blest_conn(void) {
  struct mptcp_conn *c = fake_conn(2);
  set_rtt(c->sfs[0], 10, 0);
  set_rtt(c->sfs[1], 100, 0);
  c->sfs[0]->out_bytes = 10 * MSS;
  c->sfs[0]->ssthresh = 5 * MSS; /* in congestion avoidance */
  return c;
}

/*
 * lambda starts at 1.200 (x 1000: 1200), moves at most once per the slow
 * subflow's lowest srtt (100 ms), +40 after a retransmission, -10 without.
 *   t0           first look: 1200, nothing moves (0 < 100 ms)
 *   t0 + 100 ms  a retransmission happened: 1200 + 40 = 1240
 *   t0 + 150 ms  another one, but 50 ms < 100 ms since the update: 1240
 *   t0 + 200 ms  (the retransmission of t0+150 counts now): 1280
 *   t0 + 300 ms  none: 1280 - 10 = 1270
 *   lambda 1290, a retransmission 100 ms later: 1330 -> clamped 1300
 *   lambda 1005, none 100 ms later: 995 -> clamped 1000
 */
static void test_blest_lambda(void **state) {
  (void)state;
  struct mptcp_conn *c = blest_conn();
  set_sent(c->sfs[0], T0);
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1200);
  set_sent(c->sfs[0], T0 + 100 * MS);
  c->sfs[1]->retrans_segs = 1;
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1240);
  set_sent(c->sfs[0], T0 + 150 * MS);
  c->sfs[0]->retrans_segs = 1;
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1240);
  set_sent(c->sfs[0], T0 + 200 * MS);
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1280);
  set_sent(c->sfs[0], T0 + 300 * MS);
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1270);

  sched_blest_set_lambda(c, 1290);
  set_sent(c->sfs[0], T0 + 400 * MS);
  c->sfs[1]->retrans_segs = 2;
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1300);

  sched_blest_set_lambda(c, 1005);
  set_sent(c->sfs[0], T0 + 500 * MS);
  pick(c, "blest");
  assert_int_equal(sched_blest_lambda(c), 1000);
  fake_free(c);
}

/* No decision while the fastest subflow has room: lambda is not touched
 * (the update happens only when minRTT's pick is the slower subflow). */
static void test_blest_fast_has_room(void **state) {
  (void)state;
  struct mptcp_conn *c = blest_conn();
  c->sfs[0]->out_bytes = 0;
  set_sent(c->sfs[0], T0);
  assert_ptr_equal(pick(c, "blest"), c->sfs[0]);
  set_sent(c->sfs[0], T0 + 500 * MS);
  c->sfs[1]->retrans_segs = 1;
  assert_ptr_equal(pick(c, "blest"), c->sfs[0]);
  assert_int_equal(sched_blest_lambda(c), 1200);
  fake_free(c);
}

/*
 * The wait decision, lambda 1.2, s nothing in flight:
 *   linger on s: in-flight + 1 segment = 1000 < cwnd 10000, srtt seen on s
 *     only 100 ms -> 100 + (100 - 100) * 1000 / 10000 = 100 ms;
 *     max(srtt_s 100, 100) = 100 ms.
 *   f in congestion avoidance: avg rtt (10 + 10) / 2 = 10 ms,
 *     n = 100 / 10 + 1 = 11; max(cwnd 10, ssthresh 5 + 1) = 10 pkts;
 *     pkts_f = (10 + (11 - 1) / 2) * 11 = 15 * 11 = 165;
 *     lambda * pkts_f * MSS = 1.2 * 165 * 1000 = 198000 bytes.
 *   room in the peer's window: W - (segment 1000 + s in flight 0).
 *   W = 150000: 149000 < 198000 -> wait (NULL).
 *   W = 198999: 197999 < 198000 -> wait.
 *   W = 199000: 198000, not less -> send on s.
 *   W = 200000: 199000 -> send on s.
 */
static void test_blest_wait(void **state) {
  (void)state;
  struct mptcp_conn *c = blest_conn();
  const uint64_t w[] = {150000, 198999, 199000, 200000};
  const int waits[] = {1, 1, 0, 0};
  for (unsigned k = 0; k < 4; k++) {
    c->sfs[1]->snd_wnd = w[k];
    struct tcp_sf *got = pick(c, "blest");
    assert_int_equal(sched_blest_lambda(c), 1200);
    if (waits[k])
      assert_null(got);
    else
      assert_ptr_equal(got, c->sfs[1]);
  }
  fake_free(c);
}

/*
 * The linger time between the lowest and the highest srtt seen on s:
 *   first look at 100 ms, then srtt_s falls to 60 ms: seen [60, 100].
 *   s has 4000 in flight: (4000 + 1000) / 10000 = 1/2 of its window ->
 *   linger = 60 + (100 - 60) * 5000 / 10000 = 80 ms (> srtt 60).
 *   n = 80 / 10 + 1 = 9; pkts_f = (10 + 4) * 9 = 126;
 *   fast bytes = 1.2 * 126 * 1000 = 151200.
 *   room = W - (1000 + 4000): W = 156199 -> 151199 -> wait;
 *                             W = 156200 -> 151200 -> send on s.
 * s with 7000 in flight: (7000 + 1000) / 10000 of its window ->
 *   linger = 60 + 40 * 8000 / 10000 = 92 ms; n = 92 / 10 + 1 = 10 (even:
 *   (n - 1) / 2 = 4, not 5); pkts_f = (10 + 4) * 10 = 140;
 *   fast bytes = 1.2 * 140 * 1000 = 168000; room = W - (1000 + 7000):
 *   W = 175999 -> 167999 -> wait; W = 176000 -> 168000 -> send on s.
 * In the initial slow start instead (ssthresh infinite), 4000 in flight
 *   (n = 9 as above): pkts_f =
 *   10 * (2^9 - 1) = 5110 -> 1.2 * 5110 * 1000 = 6132000 bytes:
 *   W = 6137000 -> room 6132000 -> send; W = 6136999 -> wait.
 */
static void test_blest_linger_and_slow_start(void **state) {
  (void)state;
  struct mptcp_conn *c = blest_conn();
  c->sfs[1]->snd_wnd = 10000 * MSS;
  assert_ptr_equal(pick(c, "blest"), c->sfs[1]); /* records srtt 100 on s */
  set_rtt(c->sfs[1], 60, 0);
  c->sfs[1]->out_bytes = 4 * MSS;
  c->sfs[1]->snd_wnd = 156199;
  assert_null(pick(c, "blest"));
  c->sfs[1]->snd_wnd = 156200;
  assert_ptr_equal(pick(c, "blest"), c->sfs[1]);
  c->sfs[1]->out_bytes = 7 * MSS;
  c->sfs[1]->snd_wnd = 175999;
  assert_null(pick(c, "blest"));
  c->sfs[1]->snd_wnd = 176000;
  assert_ptr_equal(pick(c, "blest"), c->sfs[1]);
  c->sfs[1]->out_bytes = 4 * MSS;
  c->sfs[0]->ssthresh = SS_INF;
  c->sfs[1]->snd_wnd = 6137000;
  assert_ptr_equal(pick(c, "blest"), c->sfs[1]);
  c->sfs[1]->snd_wnd = 6136999;
  assert_null(pick(c, "blest"));
  fake_free(c);
}

/* ---- ECF ---- */

/*
 * f = sf0: srtt 10 ms, rttvar 2 ms, full; s = sf1: srtt 100 ms, rttvar
 * 5 ms, room; both cwnd 10000 bytes. In microseconds:
 *   delta = max(2000, 5000) = 5000.
 *   rhs = cwnd_f (srtt_s + delta) = 10000 * 105000 = 1.05e9
 *   lhs = srtt_f (x_f + cwnd_f)   = 10000 * (x_f + 10000), x_f = max(sndbuf, 10000)
 *   waiting 0: lhs < rhs        <=> x_f + 10000 < 105000 <=> x_f < 95000
 *   waiting 1: lhs < 1.25 rhs   <=> 10000 (x_f + 10000) < 1.3125e9
 *                               <=> x_f < 121250
 *   then wait when srtt_s x_s >= cwnd_s (2 srtt_f + delta):
 *     100000 * x_s >= 10000 * 25000 <=> x_s >= 2500: true (x_s >= 10000).
 * sndbuf = 50000:  50000 < 95000 -> wait, waiting set.
 * sndbuf = 200000: not < 121250 (waiting 1) -> send on s, waiting cleared.
 * sndbuf = 110000, waiting 0: not < 95000 -> send on s.
 * sndbuf = 110000, waiting 1: < 121250 -> wait (the hysteresis).
 * sndbuf = 121250, waiting 1: not < 121250 -> send, waiting cleared.
 */
static void test_ecf_wait_send_hysteresis(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2);
  set_rtt(c->sfs[0], 10, 2);
  set_rtt(c->sfs[1], 100, 5);
  c->sfs[0]->out_bytes = 10 * MSS;
  c->snd_nxt_off = 7000; /* sndbuf is what is queued beyond it */

  c->snd_end = 7000 + 50000;
  assert_null(pick(c, "ecf"));
  assert_int_equal(ECF_WAITING(c), 1);

  c->snd_end = 7000 + 200000;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  assert_int_equal(ECF_WAITING(c), 0);

  c->snd_end = 7000 + 110000;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  assert_int_equal(ECF_WAITING(c), 0);

  ECF_WAITING(c) = 1;
  assert_null(pick(c, "ecf"));
  assert_int_equal(ECF_WAITING(c), 1);

  c->snd_end = 7000 + 121250;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  assert_int_equal(ECF_WAITING(c), 0);

  /* the fast subflow has room again: it is used, no decision */
  ECF_WAITING(c) = 1;
  c->sfs[0]->out_bytes = 0;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[0]);
  assert_int_equal(ECF_WAITING(c), 1);
  fake_free(c);
}

/*
 * The second test fails: s is not much slower. f 10 ms, s 19 ms, rttvar
 * 5 ms on both (delta 5000 us), cwnds 10000, sndbuf 5000:
 *   x_f = max(5000, 10000) = 10000;
 *   lhs = 10000 * 20000 = 2.0e8 < rhs = 10000 * (19000 + 5000) = 2.4e8;
 *   x_s = 10000: 19000 * 10000 = 1.9e8 >= 10000 * (20000 + 5000) = 2.5e8?
 *   no -> send on s. As in mptcp_ecf.c, waiting is left as it was on this
 *   path (cleared only when the first test fails).
 */
static void test_ecf_send_close_rtts(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2);
  set_rtt(c->sfs[0], 10, 5);
  set_rtt(c->sfs[1], 19, 5);
  c->sfs[0]->out_bytes = 10 * MSS;
  c->snd_end = 5000;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  assert_int_equal(ECF_WAITING(c), 0);
  ECF_WAITING(c) = 1;
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  assert_int_equal(ECF_WAITING(c), 1);
  /* s at 22 ms: first test 2.0e8 < 10000 * 27000 = 2.7e8 holds; second:
   * 22000 * 10000 = 2.2e8 >= 2.5e8? no (without delta in the right side
   * it would be 2.0e8, and it would wait) -> send on s */
  set_rtt(c->sfs[1], 22, 5);
  assert_ptr_equal(pick(c, "ecf"), c->sfs[1]);
  /* s at 30 ms: 30000 * 10000 = 3.0e8 >= 2.5e8, and the first test
   * 2.0e8 < 10000 * 35000 = 3.5e8 holds -> wait */
  set_rtt(c->sfs[1], 30, 5);
  assert_null(pick(c, "ecf"));
  fake_free(c);
}

/* ---- redundant ---- */

/* Offsets of the stream: snd_acked (peer's Data ACK), snd_nxt_off (next
 * new offset), snd_end (queued by the application). A subflow's next data
 * is max(data_nxt, snd_acked); the one furthest behind goes first, the
 * lower srtt on a tie. srtts: sf0 50 ms, sf1 10 ms, sf2 30 ms. */
static void test_redundant(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(3);
  const struct mptcp_sched_ops *ops = sched_find("redundant");
  assert_non_null(ops);
  assert_non_null(ops->get_retrans);
  set_rtt(c->sfs[0], 50, 0);
  set_rtt(c->sfs[1], 10, 0);
  set_rtt(c->sfs[2], 30, 0);
  uint64_t off = 0, len = 0;
  /* nothing mapped yet, 5000 bytes queued: all at 0, tie -> sf1 (10 ms),
   * which has no old data: it maps new data */
  c->snd_end = 5000;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[1]);
  assert_int_equal(ops->get_retrans(c, c->sfs[1], &off, &len), 0);
  /* sf1 mapped [0, 3000): sf0 and sf2 are behind at 0, tie -> sf2
   * (30 ms < 50 ms); its old data is [0, 3000) */
  c->snd_nxt_off = 3000;
  c->sfs[1]->data_nxt = 3000;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[2]);
  assert_int_equal(ops->get_retrans(c, c->sfs[2], &off, &len), 1);
  assert_int_equal(off, 0);
  assert_int_equal(len, 3000);
  /* sf2 sent [0, 1000): sf0 at 0 < sf2 at 1000 < sf1 at 3000 -> sf0 */
  c->sfs[2]->data_nxt = 1000;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[0]);
  /* the peer acknowledged up to 2000: sf0 max(0, 2000) = 2000, sf2
   * max(1000, 2000) = 2000, tie -> sf2; acknowledged data is skipped:
   * [2000, 3000), 1000 bytes */
  c->snd_acked = 2000;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[2]);
  assert_int_equal(ops->get_retrans(c, c->sfs[2], &off, &len), 1);
  assert_int_equal(off, 2000);
  assert_int_equal(len, 1000);
  /* sf2's window full (10 x 1000 in flight): sf0 */
  c->sfs[2]->out_bytes = 10 * MSS;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[0]);
  c->sfs[2]->out_bytes = 0;
  /* everything mapped everywhere, nothing queued beyond: nobody */
  c->snd_end = 3000;
  for (unsigned i = 0; i < 3; i++)
    c->sfs[i]->data_nxt = 3000;
  assert_null(pick(c, "redundant"));
  assert_int_equal(ops->get_retrans(c, c->sfs[0], &off, &len), 0);
  /* a backup subflow behind (sf0 at 2000) waits while a regular one can
   * take new data: sf1 (3000, 10 ms) before sf2 (3000, 30 ms); with both
   * regular ones full, it still waits; with neither usable (stale), the
   * backup one takes its old data */
  c->snd_end = 5000;
  c->sfs[0]->backup = 1;
  c->sfs[0]->data_nxt = 2000;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[1]);
  c->sfs[1]->out_bytes = 10 * MSS;
  c->sfs[2]->out_bytes = 10 * MSS;
  assert_null(pick(c, "redundant"));
  c->sfs[1]->stale = c->sfs[2]->stale = 1;
  assert_ptr_equal(pick(c, "redundant"), c->sfs[0]);
  fake_free(c);
}

/* ---- opportunistic retransmission and penalisation ---- */

/* Gives sf one transmit record [dsn, dsn + len). */
static void set_carries(struct tcp_sf *sf, uint64_t dsn, uint32_t len) {
  set_sent(sf, 0);
  sf->txq.r[0].dsn = dsn;
  sf->txq.r[0].len = len;
}

/*
 * sf0 fast: 10 ms, cwnd 10 segments, nothing in flight. sf1 slow: 200 ms,
 * cwnd 20 segments, carries [0, 1000), the data at the connection's
 * snd_una (0). snd_nxt_off 10000, peer window 10000: the next new segment
 * would end at 10000 + 1000 > 0 + 10000, so the window stops new data.
 *
 *   T0          penalise sf1: cwnd 20000 / 2 = 10000, ssthresh 10000;
 *               retransmit [0, 1000) on sf0 (4 x 10 ms < 200 ms)
 *   T0 + 100 ms no penalty (100 < 200 ms, sf1's srtt); retransmit still
 *               offered, sf0 does not carry it yet
 *   T0 + 200 ms sf0 carries it now: nothing to send; penalty again:
 *               10000 / 2 = 5000, ssthresh 5000
 *   T0 + 399 ms no penalty (199 ms since the last one)
 *   T0 + 400 ms cwnd 5000 / 2 = 2500, ssthresh max(2500, 2 x 1000) = 2500
 *   T0 + 600 ms cwnd 2500 / 2 = 1250, ssthresh max(1250, 2000) = 2000
 */
/* The connection described above (sf0 fast, sf1 slow holding snd_una), with a
 * stack for the counters (freed by opp_free). */
static struct mptcp_conn *opp_conn(void) {
  struct mptcp_conn *c = fake_conn(2);
  c->stack = calloc(1, sizeof(*c->stack));
  assert_non_null(c->stack);
  struct tcp_sf *f = c->sfs[0], *s = c->sfs[1];
  set_rtt(f, 10, 0);
  set_rtt(s, 200, 0);
  s->cwnd = 20 * MSS;
  s->out_bytes = 10 * MSS;
  set_carries(s, 0, 1000);
  c->snd_acked = 0;
  c->snd_nxt_off = 10000;
  c->snd_end = 50000;
  f->snd_wnd = s->snd_wnd = 10000;
  return c;
}

static void test_opportunistic_penalise(void **state) {
  (void)state;
  struct mptcp_conn *c = opp_conn();
  struct mptcp_stack *st = c->stack;
  struct tcp_sf *f = c->sfs[0], *s = c->sfs[1];
  uint64_t off = 0, len = 0;

  assert_ptr_equal(sched_opportunistic(c, T0, &off, &len), f);
  assert_int_equal(off, 0);
  assert_int_equal(len, 1000);
  assert_int_equal(s->cwnd, 10000);
  assert_int_equal(s->ssthresh, 10000);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 1);

  assert_ptr_equal(sched_opportunistic(c, T0 + 100 * MS, &off, &len), f);
  assert_int_equal(s->cwnd, 10000);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 1);

  set_carries(f, 0, 1000);
  assert_null(sched_opportunistic(c, T0 + 200 * MS, &off, &len));
  assert_int_equal(s->cwnd, 5000);
  assert_int_equal(s->ssthresh, 5000);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 2);

  assert_null(sched_opportunistic(c, T0 + 399 * MS, &off, &len));
  assert_int_equal(s->cwnd, 5000);
  assert_null(sched_opportunistic(c, T0 + 400 * MS, &off, &len));
  assert_int_equal(s->cwnd, 2500);
  assert_int_equal(s->ssthresh, 2500);
  assert_null(sched_opportunistic(c, T0 + 600 * MS, &off, &len));
  assert_int_equal(s->cwnd, 1250);
  assert_int_equal(s->ssthresh, 2000);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 4);
  fake_free(c);
  free(st);
}

/* A congestion control that records the window cuts it hears of. */
static unsigned heard;
static uint64_t heard_prior, heard_cwnd, heard_ssthresh;
static void rec_init(struct tcp_sf *sf) { (void)sf; }
static uint64_t rec_ssthresh(struct tcp_sf *sf) { return sf->cwnd / 2; }
static void rec_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)sf;
  (void)acked;
  (void)now;
}
static void rec_cwnd_reduced(struct tcp_sf *sf, uint64_t prior, uint64_t now) {
  (void)now;
  heard++;
  heard_prior = prior;
  heard_cwnd = sf->cwnd;
  heard_ssthresh = sf->ssthresh;
}
static const struct tcp_cc_ops rec_cc = {
    .name = "recorder",
    .init = rec_init,
    .ssthresh = rec_ssthresh,
    .cong_avoid = rec_cong_avoid,
    .cwnd_reduced = rec_cwnd_reduced,
};

/*
 * The penalisation of test_opportunistic_penalise reaches the congestion
 * control of the penalised subflow (cwnd_reduced, after cwnd and ssthresh
 * are set, with the window before the cut); the fast subflow's hears
 * nothing. Then the shipped algorithms that keep per-loss state: OLIA
 * ends a loss interval (its l_r), BALIA drops its earned fraction, wVegas
 * restarts its round; each is seen through the algorithm's next decision.
 */
static void test_opportunistic_tells_cc(void **state) {
  (void)state;
  struct mptcp_conn *c = opp_conn();
  struct mptcp_stack *st = c->stack;
  struct tcp_sf *f = c->sfs[0], *s = c->sfs[1];
  f->cc = s->cc = &rec_cc;
  heard = 0;
  uint64_t off = 0, len = 0;
  assert_ptr_equal(sched_opportunistic(c, T0, &off, &len), f);
  assert_int_equal(heard, 1); /* the penalised subflow's only */
  assert_int_equal(heard_prior, 20000);
  assert_int_equal(heard_cwnd, 10000);
  assert_int_equal(heard_ssthresh, 10000);
  assert_int_equal(s->cwnd, 10000);
  sched_opportunistic(c, T0 + 100 * MS, &off, &len); /* no penalty: not heard */
  assert_int_equal(heard, 1);
  fake_free(c);
  free(st);
}

/* OLIA (cc_olia.c) with a window cut from outside. sf0 had a loss after
 * 90 kB acknowledged and is at 100 kB: l_0 = max(10 kB, 90 kB) = 90 kB;
 * sf1 acknowledged 50 kB since it started: l_1 = 50 kB. Equal RTTs, so B
 * is the larger l. sf0 is cut from 20 to 10 segments; sf1 has 8: M = {sf0}.
 *  - cut by hand (cwnd and ssthresh written, OLIA not told: what the
 *    penalisation did before): B = {sf0} = M, eps_1 = 0;
 *  - cut by cc_penalise: the cut ends sf0's interval, l_0 = max(0, 10 kB)
 *    = 10 kB < l_1: B = {sf1}, not in M, eps_1 > 0, sf1 grows faster.
 * Returns sf1's growth in bytes for 40 segments acknowledged. */
static uint64_t olia_growth_after_cut(int through_cc) {
  const struct tcp_cc_ops *olia = cc_find("olia");
  assert_non_null(olia);
  struct mptcp_conn *c = fake_conn(2);
  struct tcp_sf *a = c->sfs[0], *b = c->sfs[1];
  for (int i = 0; i < 2; i++) {
    c->sfs[i]->cc = olia;
    c->sfs[i]->ssthresh = 4 * MSS; /* congestion avoidance */
    set_rtt(c->sfs[i], 50, 0);
    olia->init(c->sfs[i]);
  }
  a->cwnd = 20 * MSS;
  b->cwnd = 8 * MSS;
  a->bytes_acked = 90000;
  olia->set_state(a, TCP_CA_RECOVERY, T0); /* a loss at 90 kB */
  olia->set_state(a, TCP_CA_OPEN, T0);
  a->bytes_acked = 100000;
  b->bytes_acked = 50000;
  if (through_cc) {
    cc_penalise(a, T0);
  } else {
    a->cwnd = 10 * MSS;
    a->ssthresh = 10 * MSS;
  }
  assert_int_equal(a->cwnd, 10 * MSS);
  uint64_t before = b->cwnd;
  olia->cong_avoid(b, 40 * MSS, T0);
  uint64_t grown = b->cwnd - before;
  fake_free(c);
  return grown;
}

static void test_penalise_olia_interval(void **state) {
  (void)state;
  uint64_t by_hand = olia_growth_after_cut(0), told = olia_growth_after_cut(1);
  assert_true(told > by_hand);
}

/* A subflow with a reset pending carries no new data: every scheduler
 * goes by mptcp_sf_usable, which excludes it (the schedulers had their
 * own rule without that check). */
static void test_rst_pending_not_available(void **state) {
  (void)state;
  const char *names[] = {"minrtt", "roundrobin", "blest", "ecf", "redundant"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    struct mptcp_conn *c = fake_conn(2);
    set_rtt(c->sfs[0], 10, 0);
    set_rtt(c->sfs[1], 50, 0);
    c->snd_end = 100000;
    c->sfs[0]->rst_pending = 1;
    assert_ptr_equal(pick(c, names[i]), c->sfs[1]);
    c->sfs[1]->rst_pending = 1;
    assert_null(pick(c, names[i]));
    fake_free(c);
  }
}

/*
 * When nothing happens. Same start as above (sf1 cwnd 20 segments):
 *  - the window is not what stops new data (peer window 20000: 10000 +
 *    1000 <= 20000): nothing, no penalty;
 *  - no new data waiting (snd_end = snd_nxt_off): nothing;
 *  - sf1 in fast recovery: retransmitted, not penalised;
 *  - sf1 only 3 times slower (30 ms vs 10 ms: 4 x 10 >= 30) with cwnd 20
 *    segments (> 4): penalised (slower and Open) but not retransmitted;
 *    with cwnd 4 segments (<= 4) it is retransmitted.
 */
static void test_opportunistic_conditions(void **state) {
  (void)state;
  struct mptcp_conn *c = fake_conn(2);
  struct mptcp_stack *st = calloc(1, sizeof(*st));
  assert_non_null(st);
  c->stack = st;
  struct tcp_sf *f = c->sfs[0], *s = c->sfs[1];
  set_rtt(f, 10, 0);
  set_rtt(s, 200, 0);
  s->cwnd = 20 * MSS;
  s->out_bytes = 10 * MSS;
  set_carries(s, 0, 1000);
  c->snd_nxt_off = 10000;
  c->snd_end = 50000;
  f->snd_wnd = s->snd_wnd = 20000;
  uint64_t off = 0, len = 0;
  assert_null(sched_opportunistic(c, T0, &off, &len));
  assert_int_equal(s->cwnd, 20 * MSS);

  f->snd_wnd = s->snd_wnd = 10000;
  c->snd_end = 10000;
  assert_null(sched_opportunistic(c, T0, &off, &len));
  assert_int_equal(s->cwnd, 20 * MSS);
  c->snd_end = 50000;

  s->ca_state = TCP_CA_RECOVERY;
  assert_ptr_equal(sched_opportunistic(c, T0, &off, &len), f);
  assert_int_equal(s->cwnd, 20 * MSS);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 0);
  s->ca_state = TCP_CA_OPEN;

  set_rtt(s, 30, 0);
  assert_null(sched_opportunistic(c, T0, &off, &len));
  assert_int_equal(s->cwnd, 10 * MSS);
  assert_int_equal(st->mib[MPTCP_MIB_PENALISE], 1);
  s->cwnd = 4 * MSS;
  s->out_bytes = 4 * MSS;
  assert_ptr_equal(sched_opportunistic(c, T0 + 10 * MS, &off, &len), f);
  assert_int_equal(off, 0);
  assert_int_equal(len, 1000);
  assert_int_equal(s->cwnd, 4 * MSS); /* 10 ms < 30 ms since the penalty */
  fake_free(c);
  free(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registered),
      cmocka_unit_test(test_minrtt),
      cmocka_unit_test(test_minrtt_unavailable),
      cmocka_unit_test(test_roundrobin),
      cmocka_unit_test(test_blest_lambda),
      cmocka_unit_test(test_blest_fast_has_room),
      cmocka_unit_test(test_blest_wait),
      cmocka_unit_test(test_blest_linger_and_slow_start),
      cmocka_unit_test(test_ecf_wait_send_hysteresis),
      cmocka_unit_test(test_ecf_send_close_rtts),
      cmocka_unit_test(test_redundant),
      cmocka_unit_test(test_opportunistic_penalise),
      cmocka_unit_test(test_opportunistic_conditions),
      cmocka_unit_test(test_opportunistic_tells_cc),
      cmocka_unit_test(test_penalise_olia_interval),
      cmocka_unit_test(test_rst_pending_not_available),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
