/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CUBIC (RFC 9438), in floating point with windows in segments and time in
 * seconds: C = 0.4, beta = 0.7, fast convergence on, the Reno-friendly
 * region of section 4.3 (alpha = 3(1-beta)/(1+beta) until the estimate
 * passes the window before the loss, then 1), the target clamped to
 * [cwnd, 1.5 cwnd] (section 4.4).
 * Differences from Linux: no HyStart (slow start ends at ssthresh or on
 * loss); the RTT added to t is the smoothed RTT, where Linux adds its
 * minimum RTT (delay_min); the Reno-friendly alpha becomes 1 once W_est
 * passes the window before the loss (RFC 9438), where Linux keeps
 * 3(1-beta)/(1+beta); windows are not rounded to whole segments, and
 * Linux's fixed-point cube root is a libm cbrt here.
 */
#include <math.h>

#include "internal.h"

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

struct cubic {
  double w_max;       /* window before the last reduction (segments) */
  double k;           /* seconds to reach w_max again */
  double cwnd_epoch;  /* window at the start of the epoch */
  double w_est;       /* Reno-friendly estimate (segments) */
  double cwnd_prior;  /* window before the last reduction */
  double frac;        /* fractional bytes not yet added to cwnd */
  uint64_t epoch_start; /* ns; 0 = no epoch */
};

_Static_assert(sizeof(struct cubic) <= TCP_CC_PRIV_SIZE, "cubic state too large");

static struct cubic *ca(struct tcp_sf *sf) { return (struct cubic *)sf->cc_priv; }

static void cubic_init(struct tcp_sf *sf) { memset(ca(sf), 0, sizeof(struct cubic)); }

static uint64_t cubic_ssthresh(struct tcp_sf *sf) {
  struct cubic *c = ca(sf);
  double w = (double)sf->cwnd / sf->mss;
  c->cwnd_prior = w;
  /* section 4.7: fast convergence */
  if (w < c->w_max)
    c->w_max = w * (1.0 + CUBIC_BETA) / 2.0;
  else
    c->w_max = w;
  c->epoch_start = 0;
  uint64_t ss = (uint64_t)((double)sf->cwnd * CUBIC_BETA);
  return ss > 2u * sf->mss ? ss : 2u * sf->mss;
}

static void cubic_set_state(struct tcp_sf *sf, int st, uint64_t now) {
  (void)now;
  if (st == TCP_CA_LOSS) {
    /* Section 4.8: after a timeout the first congestion-avoidance stage
     * starts a new epoch with K = 0 and W_max = the window at its start,
     * which cubic_cong_avoid does when w_max is below the window (Linux's
     * bictcp_state resets last_max_cwnd to 0 on TCP_CA_Loss too). The
     * window before the timeout stays in cwnd_prior for section 4.3. */
    ca(sf)->epoch_start = 0;
    ca(sf)->w_max = 0;
  }
}

static void cubic_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  struct cubic *c = ca(sf);
  if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  double mss = sf->mss;
  double cwnd = (double)sf->cwnd / mss;
  if (c->epoch_start == 0) {
    c->epoch_start = now ? now : 1;
    c->cwnd_epoch = cwnd;
    if (c->w_max <= cwnd) {
      c->k = 0;
      c->w_max = cwnd;
    } else {
      c->k = cbrt((c->w_max - cwnd) / CUBIC_C); /* equation 2 */
    }
    c->w_est = cwnd;
  }
  double t = (double)(now - c->epoch_start) / 1e9;
  double rtt = (double)(sf->srtt ? sf->srtt : sf->conn->cfg.initial_rto_ns) / 1e9;
  double segs = (double)acked / mss;

  /* section 4.3: Reno-friendly estimate */
  double alpha = c->w_est >= c->cwnd_prior ? 1.0
                                           : 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
  c->w_est += alpha * segs / cwnd;

  double d = t - c->k;
  double w_cubic_t = CUBIC_C * d * d * d + c->w_max; /* equation 1 */
  double add;
  if (w_cubic_t < c->w_est) {
    add = c->w_est > cwnd ? (c->w_est - cwnd) : 0.0;
  } else {
    double dt = t + rtt - c->k;
    double target = CUBIC_C * dt * dt * dt + c->w_max;
    if (target < cwnd)
      target = cwnd;
    if (target > 1.5 * cwnd)
      target = 1.5 * cwnd;
    add = (target - cwnd) / cwnd * segs; /* section 4.4 */
  }
  c->frac += add * mss;
  if (c->frac >= 1.0) {
    uint64_t whole = (uint64_t)c->frac;
    sf->cwnd += whole;
    c->frac -= (double)whole;
  }
}

const struct tcp_cc_ops tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .set_state = cubic_set_state,
};
