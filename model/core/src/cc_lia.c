/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LIA, the Linked Increases Algorithm of RFC 6356 (the "coupled" algorithm
 * of the out-of-tree Linux MPTCP, net/mptcp/mptcp_coupled.c).
 *
 * RFC 6356 section 3: for each ACK of `acked` bytes on subflow i in
 * congestion avoidance
 *
 *   cwnd_i += min(alpha * acked * MSS_i / cwnd_total, acked * MSS_i / cwnd_i)
 *   alpha   = cwnd_total * max_p(cwnd_p / rtt_p^2) / (sum_p cwnd_p / rtt_p)^2
 *
 * Both terms of the min are "one MSS_i per W bytes acknowledged", so the
 * increase is one MSS_i per
 *
 *   W = max(cwnd_i, cwnd_total / alpha),
 *   cwnd_total / alpha = (sum_p cwnd_p / rtt_p)^2 / max_p(cwnd_p / rtt_p^2)
 *
 * bytes acknowledged (cwnd_total cancels out). With a single subflow
 * cwnd_total / alpha = (w/rtt)^2 / (w/rtt^2) = w, i.e. alpha = 1 and W is
 * Reno's cwnd.
 *
 * Arithmetic. W is computed in double precision (windows in bytes, RTTs in
 * nanoseconds, so W comes out in bytes) and rounded to the nearest byte;
 * alpha itself is never stored. The increase then goes through Reno's own
 * tcp_cong_avoid_ai(sf, W, acked): an exact integer accumulator of bytes
 * acknowledged toward the next MSS (sf->cwnd_cnt, which the engine clears
 * on entering recovery or loss, as for Reno), so no fraction of an
 * increment is lost: every acknowledged byte counts 1/W of an MSS. With one
 * subflow the double error is a few ulps, the rounding gives W == cwnd
 * exactly, and the cwnd trajectory is Reno's byte for byte. When other
 * subflows shrink W between two ACKs, the credit already accumulated is
 * scaled by W_new / W_old (priv->w_last) so the fraction of an MSS earned
 * is kept instead of being paid out as several MSS at once; this applies
 * only with two or more subflows, so it cannot disturb the Reno case.
 *
 * Which subflows are summed: those in ESTABLISHED or CLOSE_WAIT with
 * join_ok and an RTT sample (Linux's mptcp_ccc_sk_can_send also requires
 * srtt), plus the acknowledged subflow itself if it has an RTT sample. A
 * connection without MPTCP (mp == 0) has one subflow and is Reno. As RFC 6356
 * section 4 says, a subflow not in TCP_CA_OPEN (fast recovery, where cwnd is
 * inflated or deflated by PRR, or after a timeout, where cwnd restarts at
 * one segment) contributes its ssthresh, not its cwnd, to the sums and to
 * the max. The acknowledged subflow always contributes its cwnd: it is
 * never in fast recovery when cong_avoid runs, and after a timeout its cwnd
 * is the window it is growing.
 *
 * Decrease: Reno's ssthresh (cc_reno.c: max(FlightSize / 2, 2 MSS)), then
 * the engine's recovery (PRR) or loss window, as for Reno.
 *
 * Differences from Linux's mptcp_coupled.c:
 *  - Linux keeps alpha in fixed point (numerator scaled by 2^32, the sum by
 *    2^10, alpha by 2^12) and recomputes it on loss, in slow start and after
 *    each increase; here W is recomputed in floating point on every ACK in
 *    congestion avoidance, so it is never stale.
 *  - Linux counts packets (one ACK = one packet, or ABC with the meta
 *    socket's MSS for all subflows); here the count is in bytes with each
 *    subflow's own MSS, as the RFC writes it.
 *  - Linux sums snd_cwnd of every subflow; the ssthresh rule above is the
 *    RFC's.
 *  - Linux's tcp_reno_ssthresh halves cwnd; this engine's Reno halves
 *    FlightSize (RFC 5681 equation 4), and LIA uses the same function so
 *    that one subflow is exactly Reno.
 *  - The RFC also suggests min(FlightSize, cwnd) for application-limited
 *    subflows; not done (Linux does not either).
 */
#include <math.h>

#include "internal.h"

extern const struct tcp_cc_ops tcp_cc_reno;

/* W above this is "practically no increase" and is clamped, so the
 * conversion to an integer cannot overflow. */
#define LIA_W_MAX ((double)(UINT64_C(1) << 62))

struct lia {
  uint64_t w_last; /* W used at the previous increase (bytes); 0 = none */
};

_Static_assert(sizeof(struct lia) <= TCP_CC_PRIV_SIZE, "lia state too large");

static struct lia *ca(struct tcp_sf *sf) { return (struct lia *)sf->cc_priv; }

/*
 * W, the bytes to acknowledge for one MSS of increase (see the top of the
 * file). *n receives the number of subflows summed.
 */
/* One subflow's terms of the sums: w/rtt into sum_x, w/rtt^2 into max_y. */
static void lia_add(double w, double rtt, double *sum_x, double *max_y) {
  double y = w / (rtt * rtt);
  *sum_x += w / rtt;
  if (y > *max_y)
    *max_y = y;
}

static uint64_t lia_w(const struct tcp_sf *sf, unsigned *n) {
  double sum_x = 0.0; /* sum_p w_p / rtt_p, bytes per ns */
  double max_y = 0.0; /* max_p w_p / rtt_p^2 */
  struct cc_path path[MPTCP_MAX_SF + 1];

  *n = 0;
  if (!sf->srtt)
    return sf->cwnd;
  unsigned cnt = cc_coupled_paths(sf, path);
  for (unsigned i = 0; i < cnt; i++)
    lia_add((double)path[i].w, (double)path[i].sf->srtt, &sum_x, &max_y);
  *n = cnt;
  if (!(max_y > 0.0))
    return sf->cwnd;
  double wd = sum_x * sum_x / max_y; /* cwnd_total / alpha */
  if (wd > LIA_W_MAX)
    wd = LIA_W_MAX;
  uint64_t w = (uint64_t)llround(wd);
  return w > sf->cwnd ? w : sf->cwnd; /* the min() of RFC 6356 section 3 */
}

static void lia_init(struct tcp_sf *sf) {
  memset(ca(sf), 0, sizeof(struct lia));
  sf->cwnd_cnt = 0;
}

static uint64_t lia_ssthresh(struct tcp_sf *sf) { return tcp_cc_reno.ssthresh(sf); }

static void lia_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)now;
  if (sf->cwnd < sf->ssthresh) { /* slow start unchanged (RFC 6356 section 3) */
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  struct lia *l = ca(sf);
  unsigned n;
  uint64_t w = lia_w(sf, &n);
  if (w < sf->mss)
    w = sf->mss;
  if (n >= 2 && l->w_last > w && sf->cwnd_cnt) /* keep the earned fraction */
    sf->cwnd_cnt = (uint64_t)((double)sf->cwnd_cnt * (double)w / (double)l->w_last);
  l->w_last = w;
  tcp_cong_avoid_ai(sf, w, acked);
}

const struct tcp_cc_ops tcp_cc_lia = {
    .name = "lia",
    .coupled = 1,
    .init = lia_init,
    .ssthresh = lia_ssthresh,
    .cong_avoid = lia_cong_avoid,
};
