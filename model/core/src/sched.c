/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schedulers (Linux's sched.c): which subflow carries the next new data.
 * This file holds what the schedulers share: the availability rule, the
 * attach and release of a connection's scheduler, the helpers of minRTT,
 * BLEST and ECF, and opportunistic retransmission (any scheduler). Each
 * scheduler is one file sched_NAME.c defining a struct mptcp_sched_ops
 * (algo.h) and one line in algos.def (doc/extending.md):
 *   sched_minrtt.c     minRTT (Linux's default)
 *   sched_rr.c         round-robin
 *   sched_blest.c      BLEST
 *   sched_ecf.c        ECF
 *   sched_redundant.c  redundant
 *
 * conn_write() asks get_send once per segment of new data; NULL sends
 * nothing now. Every scheduler here starts from the same availability rule
 * (sched_sf_available); BLEST and ECF start from minRTT's choice and may
 * decide to wait for the fastest subflow instead of using a slower one.
 */
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(((struct mptcp_conn *)0)->sched_priv) == MPTCP_SCHED_PRIV_SIZE,
               "sched_priv is MPTCP_SCHED_PRIV_SIZE bytes");

int sched_attach(struct mptcp_conn *c, const char *name) {
  const struct mptcp_sched_ops *ops = sched_find(name);
  if (!ops)
    return MPTCP_ERR_UNKNOWN_SCHED;
  c->sched = ops;
  memset(c->sched_priv, 0, sizeof(c->sched_priv));
  if (ops->init)
    ops->init(c);
  return 0;
}

void sched_detach(struct mptcp_conn *c) {
  if (c->sched && c->sched->release)
    c->sched->release(c);
  c->sched = NULL;
}

/* Usable (mptcp_sf_usable: established, join complete, not closing, not
 * stale, no reset pending), not repairing a timeout, room in its
 * congestion window. */
int sched_sf_available(const struct tcp_sf *sf) {
  return mptcp_sf_usable(sf) && sf->ca_state != TCP_CA_LOSS && tcp_cwnd_room(sf);
}

/*
 * Backup subflows (RFC 8684 section 3.3.8: "to be used only if no other
 * regular subflow is available") carry data only while no regular subflow
 * is usable at all: established, joined, not closing, not stale. A regular
 * subflow whose congestion window is merely full keeps the data waiting for
 * it, as Linux does (mptcp_subflow_get_send picks a backup only when
 * nr_active, its count of active non-backup subflows, is 0). Counting
 * availability instead put data on a backup whenever the regular subflows
 * were window-limited, so a backup subflow carried traffic all along.
 */
int sched_backup_allowed(const struct mptcp_conn *c) {
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (!c->sfs[i]->backup && mptcp_sf_usable(c->sfs[i]))
      return 0;
  return 1;
}

struct tcp_sf *sched_minrtt_pick(struct mptcp_conn *c) {
  struct tcp_sf *best = NULL, *best_backup = NULL;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sched_sf_available(sf))
      continue;
    struct tcp_sf **slot = sf->backup ? &best_backup : &best;
    if (!*slot || sf->srtt < (*slot)->srtt)
      *slot = sf;
  }
  if (best || !best_backup)
    return best;
  return sched_backup_allowed(c) ? best_backup : NULL;
}

/* The fastest usable subflow of s's class is the subflow minRTT would have
 * used had it room (Linux's "minsk" in mptcp_blest.c and mptcp_ecf.c).
 * The history is BLEST's min_srtt_us / max_srtt_us, per sfs[] slot. */
struct tcp_sf *sched_fastest_usable(struct mptcp_conn *c, const struct tcp_sf *s,
                                    struct sched_srtt_hist *h) {
  struct tcp_sf *f = NULL;
  for (uint8_t i = 0; i < c->n_sf && i < MPTCP_MAX_SF; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!mptcp_sf_usable(sf))
      continue;
    if (h) {
      if (h->sf[i] != sf) { /* a new subflow in this slot */
        h->sf[i] = sf;
        h->lo[i] = sf->srtt;
        h->hi[i] = sf->srtt;
      }
      if (sf->srtt < h->lo[i])
        h->lo[i] = sf->srtt;
      if (sf->srtt > h->hi[i])
        h->hi[i] = sf->srtt;
    }
    if (s && !sf->backup != !s->backup)
      continue;
    if (!f || sf->srtt < f->srtt)
      f = sf;
  }
  return f;
}

uint8_t sched_sf_slot(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  for (uint8_t i = 0; i < c->n_sf && i < MPTCP_MAX_SF; i++)
    if (c->sfs[i] == sf)
      return i;
  return 0;
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
 * ssthresh set to the new cwnd, as the paper says (cc_penalise in cc.c,
 * which then calls the congestion control's cwnd_reduced hook: OLIA counts
 * it as a loss, BALIA and wVegas restart their per-loss state).
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
  struct tcp_sf *fast = sched_minrtt_pick(c);
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
    cc_penalise(holder, now); /* the congestion control hears of it */
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
