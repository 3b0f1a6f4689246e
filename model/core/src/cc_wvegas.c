/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wVegas, weighted Vegas: Y. Cao, M. Xu, X. Fu, "Delay-based congestion
 * control for multipath TCP", IEEE ICNP 2012, and draft-xu-mptcp-
 * congestion-control; in Linux as net/mptcp/mptcp_wvegas.c of the
 * out-of-tree MPTCP. Each subflow runs Vegas with its own alpha_r, the
 * number of packets it aims to keep queued, and the connection's total
 * (total_alpha = 10) is shared among the subflows in proportion to their
 * rates, so the subflows equalise their queueing delays.
 *
 * Measurement. Every RTT sample (on_rtt) is summed into the current round
 * and lowers base_r, the smallest RTT ever seen on the subflow. A round
 * ends at the first ACK whose cumulative acknowledgement passes snd_nxt as
 * it was when the round began (Linux's beg_snd_nxt): once everything that
 * was outstanding at the round's start -- the window then -- has been
 * acknowledged. (The RTT-timer alternative, srtt since the round start, is
 * not used: it would end rounds whose data has not come back yet.) rtt_r
 * is then the mean of the round's samples. Rounds are measured only in
 * TCP_CA_OPEN; returning to it starts a fresh round, alpha_r back to 2.
 *
 * At the end of a round with at least 3 samples (fewer: one Reno step for
 * that ACK, as Linux), with w_r in packets (cwnd / MSS):
 *
 *   diff_r = floor(w_r (rtt_r - base_r) / rtt_r)        packets queued
 *
 *   slow start (cwnd < ssthresh):
 *     diff_r > gamma (1):  w_r = min(w_r, w_r base_r / rtt_r + 1),
 *                          ssthresh = min(ssthresh, w_r)  (leaves slow start)
 *     otherwise:           tcp_slow_start for this ACK
 *   congestion avoidance:
 *     diff_r >= alpha_r:   weight_r = x_r / sum_k x_k  (x_k = w_k / rtt_k),
 *                          alpha_r = max(2, floor(weight_r * total_alpha))
 *     diff_r > alpha_r:    w_r -= 1, ssthresh = min(ssthresh, w_r)
 *     diff_r < alpha_r:    w_r += 1
 *     queue drain, in a round with diff_r >= alpha_r only (see below):
 *     q = rtt_r - base_r; q_min = the smallest such q > 0 since the last
 *     drain; if q >= 2 q_min: w_r = w_r base_r / (2 rtt_r), q_min
 *     forgotten
 *   then w_r >= 2 packets.
 *
 * Between round ends, slow start proceeds per ACK (tcp_slow_start) and
 * congestion avoidance does nothing. Outside TCP_CA_OPEN the subflow is
 * Reno (cc_reno.c's increase); a loss halves as Reno (cc_reno.c's
 * ssthresh, max(FlightSize / 2, 2 MSS)).
 *
 * Arithmetic. cwnd stays in bytes; +-1 packet is +-MSS, the targets of the
 * slow-start exit and of the drain are computed in bytes (double, then
 * truncated to a byte; the slow-start target adds one MSS). diff_r is
 * truncated to whole packets and alpha_r is an integer, as Linux's integer
 * arithmetic has them: diff_r == alpha_r, i.e. a real backlog in
 * [alpha_r, alpha_r + 1) packets, holds the window (Vegas's alpha..beta
 * band, one packet wide). weight_r is a double; floor(weight_r * 10) gets
 * a tolerance of 1e-9 so that an exact tenth is not lost to binary
 * rounding. RTTs are nanoseconds.
 *
 * The sum of rates covers the subflows of the connection in ESTABLISHED or
 * CLOSE_WAIT with join_ok and an RTT sample, and r itself; r's rate is
 * cwnd / rtt_r (this round's mean), another subflow's is its window over
 * its srtt, the window being ssthresh instead of cwnd when that subflow is
 * not in TCP_CA_OPEN (RFC 6356 section 4's rule). A connection without
 * MPTCP, or alone, has weight 1 and alpha 10.
 *
 * Differences from Linux's mptcp_wvegas.c and the paper:
 *  - The queue drain is judged only in rounds where the subflow holds its
 *    target backlog (diff_r >= alpha_r, the rounds in which Linux also
 *    re-weights alpha_r); mptcp_wvegas.c judges it in every congestion-
 *    avoidance round. The drain is meant for a queue that keeps growing
 *    beyond what the subflows aim to hold (the paper's "twice the minimal
 *    queueing delay"). Judged in every round, q_min is taken while the
 *    subflow is still filling its backlog, from the RTT spread alone: the
 *    serialisation of back-to-back segments and, above all, the sample of
 *    a segment left alone at a round's end that waited for the peer's
 *    delayed-ACK timer (40 ms), which lifts that round's mean RTT by
 *    several ms. The next such round doubles q_min and halves the window
 *    long before alpha_r packets are queued. Measured single-path on the
 *    loopback network (10 Mbit/s, one-way delay 20 ms, BDP queue, 60 s,
 *    virtual payload): goodput 4.98 Mbit/s judged every round, 9.57 judged
 *    in steady rounds (Reno: about 9.5); one-way 10 ms: 7.74 -> 9.65. The
 *    test loop.utilisation checks >= 90% at 10 and 20 ms one way.
 *  - Linux weighs r's rate against the rates the other subflows stored the
 *    last time they themselves re-weighted (instant_rate, possibly many
 *    rounds old, and zero after a loss); here the other subflows' current
 *    windows and srtt are used.
 *  - Linux keeps q_min == 0 as "unset", so a round whose mean RTT equals
 *    the base RTT (q == 0) passes q >= 2 q_min and halves the window with
 *    no queue to drain; here a zero queueing delay neither updates q_min
 *    nor drains (q_min is the smallest positive delay, so 2 q_min means a
 *    doubled queue, as the paper intends).
 *  - Linux's slow start runs while cwnd <= ssthresh and the exit sets
 *    ssthresh = min(ssthresh, cwnd - 1); this engine's slow start runs
 *    while cwnd < ssthresh, so min(ssthresh, cwnd) has the same effect.
 *    The same holds for the decrease step.
 *  - Linux also raises ssthresh to 3/4 cwnd at every round end
 *    (tcp_current_ssthresh) and clamps cwnd to snd_cwnd_clamp; not done.
 *  - Linux adds 1 us to every RTT sample (zero would mean none); the engine
 *    already reports at least 1 ns.
 */
#include <math.h>

#include "internal.h"

extern const struct tcp_cc_ops tcp_cc_reno;

#define WV_TOTAL_ALPHA 10.0
#define WV_INITIAL_ALPHA 2.0
#define WV_MIN_ALPHA 2.0
#define WV_GAMMA 1.0
#define WV_MIN_SAMPLES 3

struct wvegas {
  uint64_t beg_snd_nxt; /* the round ends when snd_una passes this */
  uint64_t base_rtt;    /* smallest RTT sample (ns); UINT64_MAX: none */
  uint64_t rtt_sum;     /* samples of the current round (ns) */
  uint64_t q_min;       /* smallest queueing delay > 0 since the last
                         * drain (ns); 0: none */
  double weight;        /* share of the connection's rate */
  double alpha;         /* packets to keep queued (an integer) */
  uint32_t rtt_cnt;     /* samples of the current round */
  uint8_t active;       /* TCP_CA_OPEN: rounds are measured */
};

_Static_assert(sizeof(struct wvegas) <= TCP_CC_PRIV_SIZE, "wvegas state too large");

static struct wvegas *ca(struct tcp_sf *sf) { return (struct wvegas *)sf->cc_priv; }

static void wv_enable(struct tcp_sf *sf) {
  struct wvegas *v = ca(sf);
  v->active = 1;
  v->beg_snd_nxt = sf->snd_nxt;
  v->rtt_cnt = 0;
  v->rtt_sum = 0;
  v->alpha = WV_INITIAL_ALPHA;
  v->weight = 1.0;
  v->q_min = 0;
}

static void wv_init(struct tcp_sf *sf) {
  memset(ca(sf), 0, sizeof(struct wvegas));
  ca(sf)->base_rtt = UINT64_MAX;
  wv_enable(sf);
}

static void wv_on_rtt(struct tcp_sf *sf, uint64_t rtt, uint64_t now) {
  (void)now;
  struct wvegas *v = ca(sf);
  if (rtt == 0)
    rtt = 1;
  if (rtt < v->base_rtt)
    v->base_rtt = rtt;
  v->rtt_sum += rtt;
  v->rtt_cnt++;
}

static void wv_set_state(struct tcp_sf *sf, int st, uint64_t now) {
  (void)now;
  if (st == TCP_CA_OPEN)
    wv_enable(sf);
  else
    ca(sf)->active = 0;
}

/* A window cut from outside (opportunistic penalisation): the round in
 * progress measured the old window, and the queueing delay seen before is
 * no reference for the drain test: both start again. */
static void wv_cwnd_reduced(struct tcp_sf *sf, uint64_t prior_cwnd, uint64_t now) {
  (void)prior_cwnd;
  (void)now;
  struct wvegas *v = ca(sf);
  v->beg_snd_nxt = sf->snd_nxt;
  v->rtt_cnt = 0;
  v->rtt_sum = 0;
  v->q_min = 0;
}

static uint64_t wv_ssthresh(struct tcp_sf *sf) { return tcp_cc_reno.ssthresh(sf); }

/* r's share of the connection's rate; r's rate is cwnd over this round's
 * mean RTT. */
static double wv_weight(struct tcp_sf *sf, uint64_t rtt) {
  double x_r = (double)sf->cwnd / (double)rtt;
  double sum = x_r;
  struct cc_path p[MPTCP_MAX_SF + 1];
  unsigned n = cc_coupled_paths(sf, p);
  for (unsigned i = 0; i < n; i++) /* the others, in sfs[] order */
    if (!p[i].self)
      sum += (double)p[i].w / (double)p[i].sf->srtt;
  return sum > 0.0 ? x_r / sum : 1.0;
}

/* The end of a round with enough samples. */
static void wv_round(struct tcp_sf *sf, uint64_t acked) {
  struct wvegas *v = ca(sf);
  uint64_t mss = sf->mss;
  uint64_t rtt = v->rtt_sum / v->rtt_cnt;
  uint64_t base = v->base_rtt < rtt ? v->base_rtt : rtt;
  uint64_t q = rtt - base;
  /* packets queued, truncated: cwnd q / (rtt MSS) */
  double diff = floor((double)sf->cwnd * (double)q / ((double)rtt * (double)mss));

  if (sf->cwnd < sf->ssthresh) {
    if (diff > WV_GAMMA) {
      uint64_t target = (uint64_t)((double)sf->cwnd * (double)base / (double)rtt) + mss;
      if (target < sf->cwnd)
        sf->cwnd = target;
      if (sf->ssthresh > sf->cwnd)
        sf->ssthresh = sf->cwnd;
    } else {
      tcp_slow_start(sf, &acked);
    }
  } else {
    int steady = diff >= v->alpha; /* holds its target backlog */
    if (steady) {
      v->weight = wv_weight(sf, rtt);
      double a = floor(v->weight * WV_TOTAL_ALPHA + 1e-9);
      v->alpha = a > WV_MIN_ALPHA ? a : WV_MIN_ALPHA;
    }
    if (diff > v->alpha) {
      sf->cwnd = sf->cwnd > mss ? sf->cwnd - mss : 0;
      if (sf->ssthresh > sf->cwnd)
        sf->ssthresh = sf->cwnd;
    } else if (diff < v->alpha) {
      sf->cwnd += mss;
    }
    /* the queue drain, judged only in rounds that hold the target
     * backlog (see the header) */
    if (steady && q > 0) {
      if (v->q_min == 0 || q < v->q_min)
        v->q_min = q;
      if (q >= 2 * v->q_min) {
        sf->cwnd = (uint64_t)((double)sf->cwnd * (double)base / (2.0 * (double)rtt));
        v->q_min = 0;
      }
    }
  }
  if (sf->cwnd < 2 * mss)
    sf->cwnd = 2 * mss;
}

static void wv_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  struct wvegas *v = ca(sf);
  if (!v->active) {
    tcp_cc_reno.cong_avoid(sf, acked, now);
    return;
  }
  if (sf->snd_una > v->beg_snd_nxt) {
    v->beg_snd_nxt = sf->snd_nxt;
    if (v->rtt_cnt < WV_MIN_SAMPLES)
      tcp_cc_reno.cong_avoid(sf, acked, now);
    else
      wv_round(sf, acked);
    v->rtt_cnt = 0;
    v->rtt_sum = 0;
  } else if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
  }
}

const struct tcp_cc_ops tcp_cc_wvegas = {
    .name = "wvegas",
    .coupled = 1,
    .init = wv_init,
    .ssthresh = wv_ssthresh,
    .cong_avoid = wv_cong_avoid,
    .set_state = wv_set_state,
    .on_rtt = wv_on_rtt,
    .cwnd_reduced = wv_cwnd_reduced,
};
