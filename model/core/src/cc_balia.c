/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BALIA, the Balanced Linked Adaptation algorithm: Q. Peng, A. Walid,
 * J. Hwang, S. H. Low, "Multipath TCP: Analysis, Design, and
 * Implementation", IEEE/ACM Transactions on Networking 24(1), 2016
 * (doi 10.1109/TNET.2014.2379698), and draft-walid-mptcp-congestion-
 * control; in Linux as net/mptcp/mptcp_balia.c of the out-of-tree MPTCP.
 *
 * With w_k the window of subflow k, rtt_k its smoothed RTT, x_k = w_k/rtt_k
 * its rate, and for the subflow r being acknowledged or losing a packet
 * a_r = max_k x_k / x_r (>= 1):
 *
 *   per packet acknowledged  w_r += x_r / (rtt_r (sum_k x_k)^2)
 *                                   * (1 + a_r)/2 * (4 + a_r)/5
 *   per loss                 w_r -= (w_r / 2) * min(a_r, 1.5)
 *
 * (the paper's equation with packets as the unit of w). With one subflow
 * a_r = 1 and the increase is x/(rtt x^2) = 1/w per packet, the decrease
 * w/2: Reno. The increase never exceeds Reno's 1/w_r: it equals
 * (x_r + M)(4 x_r + M) / (10 w_r S^2) with M = max x, S = sum x, and
 * S >= x_r + M when r is not the fastest, S >= M = x_r when it is.
 *
 * Arithmetic. Windows stay in bytes and rates are bytes per nanosecond in
 * double precision. Rewritten for bytes (with W = w * MSS_r and the sum in
 * bytes, so subflows of different MSS are summed by what they carry, as
 * RFC 6356 writes LIA), `acked` bytes acknowledged on r add
 *
 *   dW_r = acked * MSS_r * X_r / (rtt_r S^2) * (1 + a_r)/2 * (4 + a_r)/5
 *
 * bytes. The whole bytes go to cwnd; the remaining fraction of a byte is
 * kept in cc_priv and carried to the next ACK, so nothing is lost to
 * rounding. The accumulator is cleared when the subflow enters recovery
 * or loss (the engine clears Reno's cwnd_cnt at the same moment). Slow
 * start is unchanged (tcp_slow_start: the bytes acknowledged, up to
 * ssthresh; what is left of the ACK goes to the increase above).
 *
 * The decrease is returned by the ssthresh hook (the engine then runs PRR
 * down to it, or sets the loss window after a timeout):
 *
 *   ssthresh = F - (F / 2) * min(a_r, 1.5),  at least 2 MSS,
 *
 * where F is the FlightSize (sf->out_bytes), which is what this engine's
 * Reno halves (RFC 5681 equation 4). a_r is computed from the windows, as
 * in the increase.
 *
 * Which subflows are summed: those of the connection in ESTABLISHED or
 * CLOSE_WAIT with join_ok and an RTT sample (Linux's mptcp_balia_sk_can_send
 * also requires srtt), plus the subflow r itself when it has an RTT sample.
 * A subflow other than r that is not in TCP_CA_OPEN (its cwnd is being
 * deflated by PRR, or restarts at one segment after a timeout) contributes
 * ssthresh instead of cwnd (RFC 6356 section 4); r contributes its cwnd,
 * the window being grown or cut. When fewer than two subflows are summed
 * (mp == 0, a single subflow, r without an RTT sample) the algorithm is
 * Reno, through the same functions as cc_reno.c, so that one subflow gives
 * Reno's cwnd trajectory byte for byte (as Linux falls back to
 * tcp_reno_cong_avoid / tcp_reno_ssthresh when cnt_established <= 1).
 *
 * Differences from Linux's mptcp_balia.c:
 *  - Linux counts packets, rates are mss_cache * snd_cwnd / srtt in fixed
 *    point (scaled down by 2^5 steps above 2^25), and the increase is one
 *    packet per `ai` ACKs, ai = 10 w_r S^2 / ((x_r + M)(4 x_r + M)),
 *    recomputed after each increase, in slow start and on loss. Here the
 *    same quantity is evaluated in floating point on every ACK, in bytes.
 *  - Linux's a_r in the decrease is an integer quotient (max_rate / rate,
 *    truncated), so min(a_r, 1.5) is 1 for a_r < 2 and 1.5 from 2 up; here
 *    a_r is real, as in the paper, and 1 < a_r < 1.5 cuts by w a_r / 2.
 *  - Linux cuts snd_cwnd, floor 1 packet (the paper's floor, and the one in
 *    shared/reference/mptcp-facts.md); here FlightSize is cut as by this
 *    engine's Reno, floor 2 MSS (RFC 5681 equation 4's lower bound: a
 *    one-segment ssthresh would leave the subflow to a delayed ACK after
 *    every segment). The floor only binds when F < 8 MSS. With
 *    coupled_min_ssthresh 1 it is 1 MSS, the draft's.
 *  - Linux sums snd_cwnd of every subflow; the ssthresh rule above is
 *    RFC 6356's.
 *  - Linux increases only when tcp_is_cwnd_limited; this engine's Reno
 *    does not test it either.
 */
#include "internal.h"

extern const struct tcp_cc_ops tcp_cc_reno;

#define BALIA_MAX_A 1.5

struct balia {
  double frac; /* bytes of increase earned but not yet added to cwnd */
};

_Static_assert(sizeof(struct balia) <= TCP_CC_PRIV_SIZE, "balia state too large");

static struct balia *ca(struct tcp_sf *sf) { return (struct balia *)sf->cc_priv; }

/* The rates of the connection's subflows, seen from r. */
struct balia_rates {
  double x_r;   /* r's rate, bytes/ns */
  double x_max; /* the largest rate */
  double x_sum; /* the sum of the rates */
  unsigned n;   /* subflows summed */
};

static void balia_add(struct balia_rates *rt, double x) {
  rt->x_sum += x;
  if (x > rt->x_max)
    rt->x_max = x;
  rt->n++;
}

static void balia_collect(struct tcp_sf *sf, struct balia_rates *rt) {
  memset(rt, 0, sizeof(*rt));
  if (!sf->srtt)
    return; /* r's rate is unknown: Reno */
  rt->x_r = (double)sf->cwnd / (double)sf->srtt;
  balia_add(rt, rt->x_r);
  struct cc_path p[MPTCP_MAX_SF + 1];
  unsigned n = cc_coupled_paths(sf, p);
  for (unsigned i = 0; i < n; i++) /* the others, in sfs[] order */
    if (!p[i].self)
      balia_add(rt, (double)p[i].w / (double)p[i].sf->srtt);
}

static void balia_init(struct tcp_sf *sf) {
  sf->cwnd_cnt = 0;
  ca(sf)->frac = 0.0;
}

static uint64_t balia_ssthresh(struct tcp_sf *sf) {
  struct balia_rates rt;
  balia_collect(sf, &rt);
  if (rt.n < 2 || rt.x_r <= 0.0)
    return tcp_cc_reno.ssthresh(sf);
  double a = rt.x_max / rt.x_r;
  if (a > BALIA_MAX_A)
    a = BALIA_MAX_A;
  double f = (double)sf->out_bytes;
  double cut = f / 2.0 * a;
  uint64_t ss = cut >= f ? 0 : (uint64_t)(f - cut);
  uint64_t lo = cc_min_ssthresh(sf, rt.n);
  return ss > lo ? ss : lo;
}

static void balia_set_state(struct tcp_sf *sf, int st, uint64_t now) {
  (void)now;
  if (st != TCP_CA_OPEN)
    ca(sf)->frac = 0.0;
}

/* A window cut from outside (opportunistic penalisation): the increase
 * earned toward the old window is dropped, as after a loss. */
static void balia_cwnd_reduced(struct tcp_sf *sf, uint64_t prior_cwnd, uint64_t now) {
  (void)prior_cwnd;
  (void)now;
  ca(sf)->frac = 0.0;
}

static void balia_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)now;
  if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  struct balia_rates rt;
  balia_collect(sf, &rt);
  if (rt.n < 2 || rt.x_r <= 0.0) {
    /* Reno's increase (cc_reno.c), one MSS per cwnd bytes acknowledged */
    tcp_cong_avoid_ai(sf, sf->cwnd, acked);
    return;
  }
  double a = rt.x_max / rt.x_r;
  double inc = (double)acked * (double)sf->mss * rt.x_r /
               ((double)sf->srtt * rt.x_sum * rt.x_sum) * ((1.0 + a) / 2.0) *
               ((4.0 + a) / 5.0);
  struct balia *b = ca(sf);
  b->frac += inc;
  if (b->frac >= 1.0) {
    uint64_t whole = (uint64_t)b->frac;
    sf->cwnd += whole;
    b->frac -= (double)whole;
  }
}

const struct tcp_cc_ops tcp_cc_balia = {
    .name = "balia",
    .coupled = 1,
    .init = balia_init,
    .ssthresh = balia_ssthresh,
    .cong_avoid = balia_cong_avoid,
    .set_state = balia_set_state,
    .cwnd_reduced = balia_cwnd_reduced,
};
