/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OLIA, the Opportunistic Linked Increases Algorithm (Khalili, Gast,
 * Popovic, Le Boudec, "MPTCP is not Pareto-optimal", IEEE/ACM ToN 2013),
 * following the behaviour of the out-of-tree Linux net/mptcp/mptcp_olia.c.
 *
 * Per ACK in congestion avoidance on subflow r, in packets per packet
 * acknowledged (w in packets):
 *
 *   dw_r = (w_r / rtt_r^2) / (sum_p w_p / rtt_p)^2 + eps_r / w_r
 *
 * l_r is the number of bytes acknowledged between the last two losses on
 * r; as mptcp_olia.c does, the larger of the last two inter-loss intervals
 * is used (the current one, since the last loss, and the one before it).
 * M is the set of subflows with the largest window, compared in whole
 * packets (floor(cwnd / MSS), as mptcp_olia.c compares snd_cwnd: half a
 * segment left by ssthresh = FlightSize / 2 does not single a path out), B
 * the set maximising l_r / rtt_r^2 (ties: all of them). The paper motivates
 * B as the paths where a TCP would get most, rate ~ sqrt(l_r) / rtt_r, i.e.
 * max l_r / rtt_r^2, as mptcp_olia.c computes it; with equal RTTs (two
 * subflows on one path) B is simply the largest l_r. If B \ M is empty,
 * eps_r = 0 for all r; otherwise eps_r = +1 / (|R| |B \ M|) for r in
 * B \ M, -1 / (|R| |M|) for r in M, 0 for the others (|R| = subflows
 * summed).
 *
 * Arithmetic. dw_r is computed in double precision as
 *   f = w_r / S^2 + eps_r / w_r,   S = sum_p w_p * rtt_r / rtt_p
 * (the same value, multiplied through by rtt_r^2 as mptcp_olia.c does),
 * with each window in packets of its own subflow's MSS. In bytes, an ACK of
 * `acked` bytes moves cwnd by f * acked bytes, i.e. one MSS per
 * W = MSS / |f| bytes acknowledged, W rounded to the nearest byte. The
 * increase (f > 0) or decrease (f < 0) goes through an exact integer
 * accumulator of bytes acknowledged toward the next MSS step: its magnitude
 * is sf->cwnd_cnt (the counter Reno uses, cleared by the engine on entering
 * recovery or loss) and its sign is priv->neg, so no fraction of a step is
 * lost and credit carries over when the sign of f changes (mptcp_olia.c
 * keeps one signed counter of fractions of a packet in the same way). A
 * decrease stops at one MSS (mptcp_olia.c: max(1, cwnd - 1) packets).
 * With one subflow S = w_r, eps_r = 0 (M = B = {r}), f = 1/w_r and
 * W = cwnd exactly after rounding,
 * which is Reno's tcp_cong_avoid_ai(sf, cwnd, acked): the trajectory is
 * Reno's byte for byte. With two or more subflows, whenever |W| changes
 * between two ACKs (in either direction) the accumulated credit is scaled
 * by W_new / W_old, so the fraction of a step already earned, credit / W,
 * is kept: the window integrates f exactly, as mptcp_olia.c's counter of
 * fractions does. W jumps by large factors when eps_r changes (e.g. from
 * MSS / (w/S^2 + 1/(2 w)) to MSS / (w/S^2), three times larger for two
 * equal windows); rescaling only when W shrank, as before, dropped up to
 * two thirds of the earned fraction at each such jump and made OLIA
 * systematically less aggressive than the formula (at the shared
 * bottleneck of mptcp-shared-bottleneck, 20 seeds of 60 s, mean
 * mptcp_tcp_ratio 0.82 before, 0.90 after; doc/calibration.md).
 *
 * l_r is tracked in the private state from sf->bytes_acked (the cumulative
 * count of bytes acknowledged, which plays the role of snd_una in
 * mptcp_olia.c): on entering recovery or loss, if bytes were acknowledged
 * since the last loss, loss1 <- loss2 and loss2 <- bytes_acked. Then
 * l_r = max(bytes_acked - loss2, loss2 - loss1). A repeated timeout with no
 * progress does not start a new interval (mptcp_olia.c: only if
 * loss3 != loss2 and no retransmission is pending).
 *
 * Which subflows are summed, and which window they contribute: as LIA
 * (cc_lia.c): ESTABLISHED or CLOSE_WAIT, join_ok, with an RTT sample, plus
 * the acknowledged subflow itself; a subflow not in TCP_CA_OPEN contributes
 * ssthresh instead of cwnd (to S and to the choice of M), the acknowledged
 * subflow its cwnd. A connection without MPTCP (mp == 0) is Reno.
 *
 * Decrease on loss: Reno's ssthresh (cc_reno.c: max(FlightSize / 2,
 * 2 MSS)); Linux uses tcp_reno_ssthresh (cwnd / 2). The OLIA draft
 * (draft-khalili-mptcp-congestion-control-05 section 3) sets ssthresh to
 * 1 MSS when several paths are established: mptcp_config
 * coupled_min_ssthresh 1 (default 2, Linux's).
 *
 * Checked against the paper and mptcp_olia.c: the increase term, M, B,
 * eps (|R| = subflows summed; Linux: established subflows, the same here),
 * l_r (larger of the last two inter-loss intervals, counted in bytes
 * acknowledged), srtt (not the minimum RTT) in both the sum and B, the
 * Reno decrease. As in Linux, a negative eps can take cwnd below ssthresh,
 * and the next ACK then runs slow start back up to ssthresh (Linux tests
 * cwnd <= ssthresh, here cwnd < ssthresh).
 *
 * Two subflows on one path (ndiffports): equal RTTs and loss rates, so any
 * split of the window is an equilibrium of the paper's fluid model, which
 * gives the pair a single TCP's rate. Summed over one RTT the increase of
 * the connection is sum_r w_r^2 / W^2 packets (eps moves window from M to
 * B\M and sums to zero): 1/2 for an even split, up to 1 for all on one
 * subflow, where LIA's is max_r w_r / W (RFC 6356), never less. Against a
 * TCP on a drop-tail queue the pair gets less than the fluid model says
 * (doc/calibration.md).
 *
 * Differences from mptcp_olia.c: Linux computes in fixed point (windows
 * scaled by 2^10, the accumulator in units of 2^-10 packet, counting one
 * packet per ACK) and resets its accumulator to zero after each step,
 * dropping the excess; here the count is in bytes and the excess carries
 * over. Linux substitutes ssthresh only in TCP_CA_Recovery, not after a
 * timeout. Ties in B are decided by exact integer equality in Linux; here
 * by a relative tolerance of 1e-12 on l_r / rtt_r^2 (mathematically equal
 * ratios computed in double can differ in the last bits). Linux increases
 * once per ACK whatever it acknowledges (with delayed ACKs, half the
 * paper's per-packet rate); here per byte acknowledged, as the formula is
 * written per packet.
 */
#include <math.h>

#include "internal.h"

extern const struct tcp_cc_ops tcp_cc_olia;

#define OLIA_W_MAX ((double)(UINT64_C(1) << 62))
#define OLIA_TIE_REL 1e-12

struct olia {
  uint64_t loss1, loss2; /* bytes_acked at the last two losses */
  uint64_t w_last;       /* |W| used at the previous step (bytes); 0 = none */
  uint8_t neg;           /* the credit in sf->cwnd_cnt is negative */
};

_Static_assert(sizeof(struct olia) <= TCP_CC_PRIV_SIZE, "olia state too large");

static struct olia *ca(struct tcp_sf *sf) { return (struct olia *)sf->cc_priv; }

static const struct olia *ca_c(const struct tcp_sf *sf) {
  return (const struct olia *)sf->cc_priv;
}

/* l_r: bytes acknowledged between losses, the larger of the last two
 * intervals. Zero for a subflow run by another algorithm. */
static uint64_t olia_interval(const struct tcp_sf *p) {
  if (p->cc != &tcp_cc_olia)
    return 0;
  const struct olia *o = ca_c(p);
  uint64_t cur = p->bytes_acked > o->loss2 ? p->bytes_acked - o->loss2 : 0;
  uint64_t prev = o->loss2 > o->loss1 ? o->loss2 - o->loss1 : 0;
  return cur > prev ? cur : prev;
}

struct olia_path {
  double w;      /* window, packets */
  uint64_t pkts; /* window, whole packets (for M) */
  double rtt; /* ns */
  double q;   /* l / rtt^2 */
  int self;
};

/*
 * f: the change of cwnd per byte acknowledged (dimensionless; packets per
 * packet). *n receives the number of subflows summed.
 */
static double olia_rate(const struct tcp_sf *sf, unsigned *n) {
  struct olia_path path[MPTCP_MAX_SF + 1];
  struct cc_path cp[MPTCP_MAX_SF + 1];
  unsigned cnt = cc_coupled_paths(sf, cp);

  for (unsigned i = 0; i < cnt; i++) {
    const struct tcp_sf *p = cp[i].sf;
    struct olia_path *e = &path[i];
    e->w = (double)cp[i].w / (double)p->mss;
    e->pkts = cp[i].w / p->mss;
    e->rtt = (double)p->srtt;
    e->q = (double)olia_interval(p) / (e->rtt * e->rtt);
    e->self = cp[i].self;
  }
  *n = cnt;

  uint64_t max_w = 0;
  double best_q = 0.0;
  for (unsigned i = 0; i < cnt; i++) {
    if (path[i].pkts > max_w)
      max_w = path[i].pkts;
    if (path[i].q > best_q)
      best_q = path[i].q;
  }
  unsigned n_m = 0, n_bm = 0;
  int self_m = 0, self_bm = 0;
  double rtt_r = (double)sf->srtt, s = 0.0;
  for (unsigned i = 0; i < cnt; i++) {
    int in_m = path[i].pkts == max_w;
    int in_b = path[i].q >= best_q * (1.0 - OLIA_TIE_REL);
    n_m += (unsigned)in_m;
    n_bm += (unsigned)(in_b && !in_m);
    if (path[i].self) {
      self_m = in_m;
      self_bm = in_b && !in_m;
    }
    s += path[i].w * (rtt_r / path[i].rtt);
  }
  double eps = 0.0;
  if (n_bm) {
    if (self_bm)
      eps = 1.0 / ((double)cnt * (double)n_bm);
    else if (self_m)
      eps = -1.0 / ((double)cnt * (double)n_m);
  }
  double w_r = (double)sf->cwnd / (double)sf->mss;
  return w_r / (s * s) + eps / w_r;
}

static void olia_init(struct tcp_sf *sf) {
  struct olia *o = ca(sf);
  memset(o, 0, sizeof(*o));
  o->loss1 = o->loss2 = sf->bytes_acked;
  sf->cwnd_cnt = 0;
}

/* Reno's decrease; its floor 2 MSS, or 1 MSS on a connection of several
 * subflows with coupled_min_ssthresh 1 (the OLIA draft, section 3). */
static uint64_t olia_ssthresh(struct tcp_sf *sf) {
  struct cc_path cp[MPTCP_MAX_SF + 1];
  uint64_t lo = cc_min_ssthresh(sf, cc_coupled_paths(sf, cp));
  uint64_t half = sf->out_bytes / 2;
  return half > lo ? half : lo;
}

static void olia_set_state(struct tcp_sf *sf, int st, uint64_t now) {
  (void)now;
  if (st == TCP_CA_OPEN)
    return;
  struct olia *o = ca(sf);
  o->neg = 0; /* the engine has cleared cwnd_cnt */
  if (sf->bytes_acked != o->loss2) {
    o->loss1 = o->loss2;
    o->loss2 = sf->bytes_acked;
  }
}

/* A window cut from outside (opportunistic penalisation) ends a loss
 * interval as a loss does: l_r counts the bytes acknowledged between two
 * cuts of the window. */
static void olia_cwnd_reduced(struct tcp_sf *sf, uint64_t prior_cwnd, uint64_t now) {
  (void)prior_cwnd;
  (void)now;
  struct olia *o = ca(sf);
  if (sf->bytes_acked != o->loss2) {
    o->loss1 = o->loss2;
    o->loss2 = sf->bytes_acked;
  }
}

static void olia_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)now;
  if (sf->cwnd < sf->ssthresh) { /* slow start unchanged */
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  if (!sf->srtt) { /* no RTT yet: Reno */
    tcp_cong_avoid_ai(sf, sf->cwnd, acked);
    return;
  }
  struct olia *o = ca(sf);
  unsigned n;
  double f = olia_rate(sf, &n);
  double wd = (double)sf->mss / fabs(f);
  if (!(wd < OLIA_W_MAX)) /* f == 0 or negligible: no step */
    return;
  uint64_t w = (uint64_t)llround(wd);
  if (w < sf->mss)
    w = sf->mss;

  int64_t credit = o->neg ? -(int64_t)sf->cwnd_cnt : (int64_t)sf->cwnd_cnt;
  /* keep the earned fraction credit / W when W changes */
  if (n >= 2 && o->w_last && o->w_last != w && credit)
    credit = (int64_t)llround((double)credit * (double)w / (double)o->w_last);
  o->w_last = w;

  int64_t wi = (int64_t)w;
  if (f > 0) {
    credit += (int64_t)acked;
    if (credit >= wi) {
      int64_t k = credit / wi;
      sf->cwnd += (uint64_t)k * sf->mss;
      credit -= k * wi;
    }
  } else {
    credit -= (int64_t)acked;
    if (credit <= -wi) {
      int64_t k = -credit / wi;
      uint64_t dec = (uint64_t)k * sf->mss;
      sf->cwnd = sf->cwnd > dec + sf->mss ? sf->cwnd - dec : sf->mss;
      credit += k * wi;
    }
  }
  o->neg = credit < 0;
  sf->cwnd_cnt = (uint64_t)(credit < 0 ? -credit : credit);
}

const struct tcp_cc_ops tcp_cc_olia = {
    .name = "olia",
    .coupled = 1,
    .init = olia_init,
    .ssthresh = olia_ssthresh,
    .cong_avoid = olia_cong_avoid,
    .set_state = olia_set_state,
    .cwnd_reduced = olia_cwnd_reduced,
};
