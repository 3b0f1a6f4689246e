/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ECF (Lim et al., "ECF: An MPTCP Path Scheduler to Manage Heterogeneous
 * Paths", CoNEXT 2017; Linux's out-of-tree mptcp_ecf.c).
 */
#include "internal.h"

#define ECF_BETA 4 /* the hysteresis is 1/ECF_BETA = 0.25 */

struct ecf {
  uint8_t waiting; /* the last decision was to wait */
};

_Static_assert(sizeof(struct ecf) <= MPTCP_SCHED_PRIV_SIZE, "ECF state too large");

/* minRTT's choice s unless it is slower than the fastest subflow f and
 * waiting for f completes the queued data earlier (ecf_get_available_subflow).
 * Units: bytes and microseconds, in 64 bits, as mptcp_ecf.c (whose cwnd in
 * packets times the MSS is our cwnd in bytes). delta is the larger RFC 6298
 * rttvar; mptcp_ecf.c takes rttvar_us >> 1, which is twice Linux's mdev
 * with its floor, so its margin is wider than the paper's. */
static struct tcp_sf *ecf_get_send(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  struct ecf *e = (struct ecf *)c->sched_priv;
  struct tcp_sf *s = sched_minrtt_pick(c);
  struct tcp_sf *f = sched_fastest_usable(c, s, NULL);
  if (!s || !f || s == f)
    return s;
  uint64_t sndbuf = c->snd_end > c->snd_nxt_off ? c->snd_end - c->snd_nxt_off : 0;
  uint64_t srtt_f = f->srtt / 1000, srtt_s = s->srtt / 1000;
  uint64_t var_f = f->rttvar / 1000, var_s = s->rttvar / 1000;
  uint64_t delta = var_f > var_s ? var_f : var_s;
  uint64_t cwnd_f = f->cwnd, cwnd_s = s->cwnd;
  uint64_t x_f = sndbuf > cwnd_f ? sndbuf : cwnd_f;
  uint64_t lhs = srtt_f * (x_f + cwnd_f);
  uint64_t rhs = cwnd_f * (srtt_s + delta);
  /* lhs < (1 + waiting / beta) * rhs, times beta */
  if (ECF_BETA * lhs < ECF_BETA * rhs + e->waiting * rhs) {
    uint64_t x_s = sndbuf > cwnd_s ? sndbuf : cwnd_s;
    if (srtt_s * x_s >= cwnd_s * (2 * srtt_f + delta)) {
      e->waiting = 1; /* s would finish later than f: wait */
      return NULL;
    }
  } else {
    e->waiting = 0;
  }
  return s;
}

const struct mptcp_sched_ops mptcp_sched_ecf = {
    .name = "ecf",
    .get_send = ecf_get_send,
};
