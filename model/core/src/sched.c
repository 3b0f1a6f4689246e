/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schedulers (Linux's sched.c): which subflow carries the next new data.
 * Adding one is a struct and one line in the table.
 *
 * conn_write() asks once per segment of new data; NULL sends nothing now.
 * Every scheduler here starts from the same availability rule
 * (sf_available); BLEST and ECF start from minRTT's choice and may decide
 * to wait for the fastest subflow instead of using a slower one.
 */
#include <string.h>

#include "internal.h"

/* May carry data at all: established, join complete, not closing, not
 * given up on (stale). Congestion state and window are not looked at. */
static int sf_usable(const struct tcp_sf *sf) {
  return (sf->state == MPTCP_TCP_ESTABLISHED || sf->state == MPTCP_TCP_CLOSE_WAIT) &&
         sf->join_ok && !sf->fin_queued && !sf->stale;
}

/* A subflow may take new data now: usable, not repairing a timeout, room
 * in its congestion window. The one availability rule of every scheduler. */
static int sf_available(const struct tcp_sf *sf) {
  return sf_usable(sf) && sf->ca_state != TCP_CA_LOSS && tcp_cwnd_room(sf);
}

/* minRTT, Linux's default: the available subflow with the lowest smoothed
 * RTT; backup subflows only when no regular one is available. */
static struct tcp_sf *minrtt_get_subflow(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  struct tcp_sf *best = NULL, *best_backup = NULL;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sf_available(sf))
      continue;
    struct tcp_sf **slot = sf->backup ? &best_backup : &best;
    if (!*slot || sf->srtt < (*slot)->srtt)
      *slot = sf;
  }
  return best ? best : best_backup;
}

/* ---- round-robin (Linux's mptcp_rr.c with num_segments = 1 and
 * cwnd_limited = 1: a subflow without window room is skipped, so the others
 * fill their windows) ---- */

/* The first available subflow of the given class (backup or not) at or
 * after sfs[start], cyclically. */
static struct tcp_sf *rr_next(struct mptcp_conn *c, uint8_t start, int backup) {
  for (uint8_t k = 0; k < c->n_sf; k++) {
    struct tcp_sf *sf = c->sfs[(start + k) % c->n_sf];
    if (sf_available(sf) && !sf->backup == !backup)
      return sf;
  }
  return NULL;
}

/* One segment per turn; the turn passes to the subflow after the one
 * chosen. Unlike mptcp_rr.c, which ignores the backup flag, backup
 * subflows take turns only when no regular subflow is available, as with
 * minRTT. */
static struct tcp_sf *rr_get_subflow(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  if (!c->n_sf)
    return NULL;
  uint8_t start = c->sched_rr_next < c->n_sf ? c->sched_rr_next : 0;
  struct tcp_sf *sf = rr_next(c, start, 0);
  if (!sf)
    sf = rr_next(c, start, 1);
  if (!sf)
    return NULL;
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i] == sf)
      c->sched_rr_next = (uint8_t)((i + 1) % c->n_sf);
  return sf;
}

/* ---- helpers of BLEST and ECF ---- */

/* The fastest subflow (lowest srtt) among the usable ones of s's class,
 * window room or not: the subflow minRTT would have used had it room
 * (Linux's "minsk" in mptcp_blest.c and mptcp_ecf.c). Also records, per
 * subflow, the lowest and highest srtt seen (mptcp_blest.c keeps them in
 * min_srtt_us / max_srtt_us). */
static struct tcp_sf *fastest_usable(struct mptcp_conn *c, const struct tcp_sf *s) {
  struct tcp_sf *f = NULL;
  for (uint8_t i = 0; i < c->n_sf && i < MPTCP_MAX_SF; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sf_usable(sf))
      continue;
    if (c->sched_hist_sf[i] != sf) { /* a new subflow in this slot */
      c->sched_hist_sf[i] = sf;
      c->sched_srtt_min[i] = sf->srtt;
      c->sched_srtt_max[i] = sf->srtt;
    }
    if (sf->srtt < c->sched_srtt_min[i])
      c->sched_srtt_min[i] = sf->srtt;
    if (sf->srtt > c->sched_srtt_max[i])
      c->sched_srtt_max[i] = sf->srtt;
    if (s && !sf->backup != !s->backup)
      continue;
    if (!f || sf->srtt < f->srtt)
      f = sf;
  }
  return f;
}

static uint8_t sf_slot(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  for (uint8_t i = 0; i < c->n_sf && i < MPTCP_MAX_SF; i++)
    if (c->sfs[i] == sf)
      return i;
  return 0;
}

/* ---- BLEST (Ferlin et al., "BLEST: Blocking Estimation-based MPTCP
 * Scheduler for Heterogeneous Networks", IFIP Networking 2016; Linux's
 * out-of-tree mptcp_blest.c) ---- */

#define BLEST_LAMBDA_INIT 1200 /* lambda x 1000 */
#define BLEST_LAMBDA_MIN 1000
#define BLEST_LAMBDA_MAX 1300
#define BLEST_LAMBDA_BAD 40  /* retransmissions since the last update */
#define BLEST_LAMBDA_GOOD 10 /* none */

static uint64_t conn_retrans_segs(const struct mptcp_conn *c) {
  uint64_t n = 0;
  for (uint8_t i = 0; i < c->n_sf; i++)
    n += c->sfs[i]->retrans_segs;
  return n;
}

static void blest_init(struct mptcp_conn *c, uint64_t now) {
  if (c->sched_lambda_1000)
    return;
  c->sched_lambda_1000 = BLEST_LAMBDA_INIT;
  c->sched_lambda_ts = now;
  c->sched_retrans_seen = conn_retrans_segs(c);
}

/* At most once per `min_srtt` (mptcp_blest.c: the slow subflow's lowest
 * srtt): up when the connection retransmitted since the last update, down
 * otherwise, kept in [1.0, 1.3]. mptcp_blest.c raises its flag only on the
 * opportunistic retransmissions of mptcp_rcv_buf_optimization; here any
 * subflow retransmission counts. */
static void blest_update_lambda(struct mptcp_conn *c, uint64_t min_srtt, uint64_t now) {
  if (now < c->sched_lambda_ts || now - c->sched_lambda_ts < min_srtt)
    return;
  uint64_t rs = conn_retrans_segs(c);
  int lambda = c->sched_lambda_1000;
  lambda += rs != c->sched_retrans_seen ? BLEST_LAMBDA_BAD : -BLEST_LAMBDA_GOOD;
  if (lambda > BLEST_LAMBDA_MAX)
    lambda = BLEST_LAMBDA_MAX;
  if (lambda < BLEST_LAMBDA_MIN)
    lambda = BLEST_LAMBDA_MIN;
  c->sched_lambda_1000 = (uint16_t)lambda;
  c->sched_retrans_seen = rs;
  c->sched_lambda_ts = now;
}

/* How long a segment sent now on s stays unacknowledged: between the
 * lowest and the highest srtt seen on s, by how full its window would be,
 * and not below its srtt (blestsched_estimate_linger_time). Window and
 * in-flight in bytes: the fraction is that of Linux's packet counts. */
static uint64_t blest_linger(const struct mptcp_conn *c, const struct tcp_sf *s) {
  uint8_t k = sf_slot(c, s);
  uint64_t lo = c->sched_srtt_min[k], hi = c->sched_srtt_max[k];
  uint64_t inflight = tcp_in_flight(s) + s->mss; /* with the new segment */
  uint64_t cwnd = s->cwnd ? s->cwnd : 1;
  uint64_t est = inflight >= cwnd ? hi : lo + (hi - lo) * inflight / cwnd;
  return s->srtt > est ? s->srtt : est;
}

/* Segments f sends in `time` ns, Reno assumed: doubling per RTT in the
 * initial slow start (at most 16 RTTs), else one more per RTT from
 * max(cwnd, ssthresh + 1) (blestsched_estimate_bytes). */
static uint64_t blest_fast_pkts(const struct mptcp_conn *c, const struct tcp_sf *f,
                                uint64_t time) {
  uint8_t k = sf_slot(c, f);
  uint64_t avg = (c->sched_srtt_min[k] + c->sched_srtt_max[k]) / 2;
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
static struct tcp_sf *blest_get_subflow(struct mptcp_conn *c, uint64_t now) {
  blest_init(c, now);
  struct tcp_sf *s = minrtt_get_subflow(c, now);
  struct tcp_sf *f = fastest_usable(c, s);
  if (!s || !f || s == f)
    return s;
  blest_update_lambda(c, c->sched_srtt_min[sf_slot(c, s)], now);
  uint64_t fast_bytes =
      blest_fast_pkts(c, f, blest_linger(c, s)) * f->mss * c->sched_lambda_1000 / 1000;
  uint64_t slow_bytes = (uint64_t)s->mss + s->out_bytes; /* this segment + s's unacked */
  uint64_t avail = slow_bytes < s->snd_wnd ? s->snd_wnd - slow_bytes : 0;
  return fast_bytes > avail ? NULL : s;
}

/* ---- ECF (Lim et al., "ECF: An MPTCP Path Scheduler to Manage
 * Heterogeneous Paths", CoNEXT 2017; Linux's out-of-tree mptcp_ecf.c) ---- */

#define ECF_BETA 4 /* the hysteresis is 1/ECF_BETA = 0.25 */

/* minRTT's choice s unless it is slower than the fastest subflow f and
 * waiting for f completes the queued data earlier (ecf_get_available_subflow).
 * Units: bytes and microseconds, in 64 bits, as mptcp_ecf.c (whose cwnd in
 * packets times the MSS is our cwnd in bytes). delta is the larger RFC 6298
 * rttvar; mptcp_ecf.c takes rttvar_us >> 1, which is twice Linux's mdev
 * with its floor, so its margin is wider than the paper's. */
static struct tcp_sf *ecf_get_subflow(struct mptcp_conn *c, uint64_t now) {
  struct tcp_sf *s = minrtt_get_subflow(c, now);
  struct tcp_sf *f = fastest_usable(c, s);
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
  if (ECF_BETA * lhs < ECF_BETA * rhs + c->sched_waiting * rhs) {
    uint64_t x_s = sndbuf > cwnd_s ? sndbuf : cwnd_s;
    if (srtt_s * x_s >= cwnd_s * (2 * srtt_f + delta)) {
      c->sched_waiting = 1; /* s would finish later than f: wait */
      return NULL;
    }
  } else {
    c->sched_waiting = 0;
  }
  return s;
}

/* ---- redundant (the out-of-tree Linux mptcp_redundant.c): every byte
 * goes out on every available subflow. Each subflow sends, within its
 * cwnd, the data it has not carried yet: from its own data_nxt (or the
 * connection's snd_una, skipping what the peer already acknowledged) up
 * to the connection's snd_nxt, and new data once it has caught up. The
 * receiver keeps the first copy of each DSN and drops the others. ---- */

static uint64_t red_from(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  return sf->data_nxt > c->snd_acked ? sf->data_nxt : c->snd_acked;
}

static int red_old_data(const struct mptcp_conn *c, const struct tcp_sf *sf, uint64_t *off,
                        uint64_t *len) {
  uint64_t from = red_from(c, sf);
  if (from >= c->snd_nxt_off)
    return 0;
  *off = from;
  *len = c->snd_nxt_off - from;
  return 1;
}

/* The available subflow furthest behind (lowest red_from), lower srtt on a
 * tie; one that has caught up only if there is new data for it. Backup
 * subflows only when no regular one is available, as with minRTT
 * (mptcp_redundant.c replicates over the active subflows and falls back
 * to the backup ones). */
static struct tcp_sf *red_get_subflow(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  int new_data = conn_unsent(c, c->snd_nxt_off) > 0;
  struct tcp_sf *best = NULL, *best_backup = NULL;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sf_available(sf))
      continue;
    uint64_t from = red_from(c, sf);
    if (from >= c->snd_nxt_off && !new_data)
      continue;
    struct tcp_sf **slot = sf->backup ? &best_backup : &best;
    uint64_t best_from = *slot ? red_from(c, *slot) : 0;
    if (!*slot || from < best_from || (from == best_from && sf->srtt < (*slot)->srtt))
      *slot = sf;
  }
  return best ? best : best_backup;
}

/* ---- opportunistic retransmission and penalisation (Raiciu et al., "How
 * Hard Can It Be? Designing and Implementing a Deployable Multipath TCP",
 * NSDI 2012, section 4.2; the out-of-tree Linux kernel's
 * mptcp_rcv_buf_optimization in mptcp_sched.c) ----
 *
 * When the peer's receive window stops new data and the fastest available
 * subflow has cwnd room, the segment at the connection's snd_una (the one
 * holding the window up) is sent again on that subflow if a slower subflow
 * carries it, and that slower subflow is penalised: its cwnd halved and
 * ssthresh set to the new cwnd, as the paper says.
 *
 * As mptcp_rcv_buf_optimization: the penalisation needs the holder to be
 * slower (higher srtt) and in the Open state; the retransmission needs the
 * holder's srtt above 4 times the fast subflow's or its cwnd at most 4
 * segments, and is done once per subflow (not if the fast subflow carries
 * the data already). Differences: the penalisation happens at most once
 * per srtt of the penalised subflow, timed per penalised subflow (Linux
 * times it by the fast subflow's srtt, on the fast subflow); ssthresh
 * becomes the new cwnd (at least 2 segments) also in slow start (Linux
 * halves ssthresh and only outside slow start). */

/* sf's transmit record carrying data offset off, or NULL. */
static const struct tx_rec *sf_carries(const struct tcp_sf *sf, uint64_t off) {
  const struct tx_ring *q = &sf->txq;
  for (uint32_t i = 0; i < q->n; i++) {
    const struct tx_rec *r = &q->r[(q->head + i) & (q->cap - 1)];
    if (r->len && r->dsn <= off && off < r->dsn + r->len)
      return r;
  }
  return NULL;
}

struct tcp_sf *sched_opportunistic(struct mptcp_conn *c, uint64_t now, uint64_t *off,
                                   uint64_t *len) {
  uint64_t head = c->snd_acked;
  uint64_t unsent = conn_unsent(c, c->snd_nxt_off);
  if (c->n_sf < 2 || head >= c->snd_nxt_off || !unsent)
    return NULL;
  struct tcp_sf *fast = minrtt_get_subflow(c, now);
  if (!fast)
    return NULL;
  uint64_t need = unsent < fast->mss ? unsent : fast->mss;
  if (c->snd_nxt_off + need <= head + fast->snd_wnd)
    return NULL; /* the window is not what stops new data */
  struct tcp_sf *holder = NULL;
  const struct tx_rec *rec = NULL;
  for (uint8_t i = 0; i < c->n_sf && !rec; i++)
    if (c->sfs[i] != fast && (rec = sf_carries(c->sfs[i], head)) != NULL)
      holder = c->sfs[i];
  if (!holder)
    return NULL;
  if (fast->srtt < holder->srtt && holder->ca_state == TCP_CA_OPEN &&
      now >= holder->penal_until) {
    uint64_t mss = holder->mss ? holder->mss : 1;
    uint64_t cwnd = holder->cwnd / 2;
    holder->cwnd = cwnd > mss ? cwnd : mss;
    holder->ssthresh = holder->cwnd > 2 * mss ? holder->cwnd : 2 * mss;
    holder->penal_until = now + holder->srtt;
    mib_inc(c->stack, MPTCP_MIB_PENALISE);
  }
  if (sf_carries(fast, head))
    return NULL;
  if (holder->cwnd > 4 * (uint64_t)holder->mss && 4 * fast->srtt >= holder->srtt)
    return NULL;
  *off = head;
  *len = rec->dsn + rec->len - head;
  return fast;
}

static const struct mptcp_sched_ops sched_table[] = {
    {"minrtt", minrtt_get_subflow, NULL},
    {"roundrobin", rr_get_subflow, NULL},
    {"blest", blest_get_subflow, NULL},
    {"ecf", ecf_get_subflow, NULL},
    {"redundant", red_get_subflow, red_old_data},
};

const struct mptcp_sched_ops *sched_at(size_t i) {
  for (size_t k = 0; k < sizeof(sched_table) / sizeof(sched_table[0]); k++)
    if (sched_table[k].get_subflow && i-- == 0)
      return &sched_table[k];
  return NULL;
}

const struct mptcp_sched_ops *sched_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < sizeof(sched_table) / sizeof(sched_table[0]); i++)
    if (!strcmp(sched_table[i].name, name) && sched_table[i].get_subflow)
      return &sched_table[i];
  return NULL;
}
