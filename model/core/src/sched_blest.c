/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BLEST (Ferlin et al., "BLEST: Blocking Estimation-based MPTCP Scheduler
 * for Heterogeneous Networks", IFIP Networking 2016; Linux's out-of-tree
 * mptcp_blest.c).
 */
#include "internal.h"

#define BLEST_LAMBDA_INIT 1200 /* lambda x 1000 */
#define BLEST_LAMBDA_MIN 1000
#define BLEST_LAMBDA_MAX 1300
#define BLEST_LAMBDA_BAD 40  /* retransmissions since the last update */
#define BLEST_LAMBDA_GOOD 10 /* none */

struct blest {
  uint16_t lambda_1000;    /* lambda x 1000 (0: not set yet) */
  uint64_t lambda_ts;      /* time of the last lambda update */
  uint64_t retrans_seen;   /* subflow retransmissions then */
  struct sched_srtt_hist h; /* lowest and highest srtt per subflow */
};

_Static_assert(sizeof(struct blest) <= MPTCP_SCHED_PRIV_SIZE, "BLEST state too large");

static struct blest *st(struct mptcp_conn *c) { return (struct blest *)c->sched_priv; }

uint16_t sched_blest_lambda(const struct mptcp_conn *c) {
  return ((const struct blest *)c->sched_priv)->lambda_1000;
}

void sched_blest_set_lambda(struct mptcp_conn *c, uint16_t lambda_1000) {
  st(c)->lambda_1000 = lambda_1000;
}

static uint64_t conn_retrans_segs(const struct mptcp_conn *c) {
  uint64_t n = 0;
  for (uint8_t i = 0; i < c->n_sf; i++)
    n += c->sfs[i]->retrans_segs;
  return n;
}

/* lambda starts at the first decision (the private area is zeroed when
 * the connection starts, before any time is known) */
static void blest_start(struct mptcp_conn *c, uint64_t now) {
  struct blest *b = st(c);
  if (b->lambda_1000)
    return;
  b->lambda_1000 = BLEST_LAMBDA_INIT;
  b->lambda_ts = now;
  b->retrans_seen = conn_retrans_segs(c);
}

/* At most once per `min_srtt` (mptcp_blest.c: the slow subflow's lowest
 * srtt): up when the connection retransmitted since the last update, down
 * otherwise, kept in [1.0, 1.3]. mptcp_blest.c raises its flag only on the
 * opportunistic retransmissions of mptcp_rcv_buf_optimization; here any
 * subflow retransmission counts. */
static void blest_update_lambda(struct mptcp_conn *c, uint64_t min_srtt, uint64_t now) {
  struct blest *b = st(c);
  if (now < b->lambda_ts || now - b->lambda_ts < min_srtt)
    return;
  uint64_t rs = conn_retrans_segs(c);
  int lambda = b->lambda_1000;
  lambda += rs != b->retrans_seen ? BLEST_LAMBDA_BAD : -BLEST_LAMBDA_GOOD;
  if (lambda > BLEST_LAMBDA_MAX)
    lambda = BLEST_LAMBDA_MAX;
  if (lambda < BLEST_LAMBDA_MIN)
    lambda = BLEST_LAMBDA_MIN;
  b->lambda_1000 = (uint16_t)lambda;
  b->retrans_seen = rs;
  b->lambda_ts = now;
}

/* How long a segment sent now on s stays unacknowledged: between the
 * lowest and the highest srtt seen on s, by how full its window would be,
 * and not below its srtt (blestsched_estimate_linger_time). Window and
 * in-flight in bytes: the fraction is that of Linux's packet counts. */
static uint64_t blest_linger(struct mptcp_conn *c, const struct tcp_sf *s) {
  uint8_t k = sched_sf_slot(c, s);
  uint64_t lo = st(c)->h.lo[k], hi = st(c)->h.hi[k];
  uint64_t inflight = tcp_in_flight(s) + s->mss; /* with the new segment */
  uint64_t cwnd = s->cwnd ? s->cwnd : 1;
  uint64_t est = inflight >= cwnd ? hi : lo + (hi - lo) * inflight / cwnd;
  return s->srtt > est ? s->srtt : est;
}

/* Segments f sends in `time` ns, Reno assumed: doubling per RTT in the
 * initial slow start (at most 16 RTTs), else one more per RTT from
 * max(cwnd, ssthresh + 1) (blestsched_estimate_bytes). */
static uint64_t blest_fast_pkts(struct mptcp_conn *c, const struct tcp_sf *f,
                                uint64_t time) {
  uint8_t k = sched_sf_slot(c, f);
  uint64_t avg = (st(c)->h.lo[k] + st(c)->h.hi[k]) / 2;
  uint64_t n = avg ? time / avg + 1 : 1;
  uint64_t mss = f->mss ? f->mss : 1;
  uint64_t cwnd = f->cwnd / mss;
  if (f->ssthresh >= UINT64_MAX / 4) { /* never left the initial slow start */
    if (n > 16)
      n = 16;
    return cwnd * ((UINT64_C(1) << n) - 1);
  }
  if (n > 65536)
    n = 65536; /* far beyond any window: keeps the product in range */
  uint64_t ca = f->ssthresh / mss + 1;
  if (cwnd > ca)
    ca = cwnd;
  return (ca + (n - 1) / 2) * n;
}

/* minRTT's choice, unless it is a slower subflow s and sending there would
 * leave the fast subflow f short of send window for what it can send
 * while the segment lingers on s: then wait (blest_get_available_subflow).
 * The window is the peer's advertised window (each subflow carries the
 * connection-level one), as mptcp_blest.c uses meta_tp->snd_wnd. */
static struct tcp_sf *blest_get_send(struct mptcp_conn *c, uint64_t now) {
  blest_start(c, now);
  struct tcp_sf *s = sched_minrtt_pick(c);
  struct tcp_sf *f = sched_fastest_usable(c, s, &st(c)->h);
  if (!s || !f || s == f)
    return s;
  blest_update_lambda(c, st(c)->h.lo[sched_sf_slot(c, s)], now);
  uint64_t fast_bytes =
      blest_fast_pkts(c, f, blest_linger(c, s)) * f->mss * st(c)->lambda_1000 / 1000;
  uint64_t slow_bytes = (uint64_t)s->mss + s->out_bytes; /* this segment + s's unacked */
  uint64_t avail = slow_bytes < s->snd_wnd ? s->snd_wnd - slow_bytes : 0;
  return fast_bytes > avail ? NULL : s;
}

const struct mptcp_sched_ops mptcp_sched_blest = {
    .name = "blest",
    .get_send = blest_get_send,
};
