/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Round-robin (Linux's out-of-tree mptcp_rr.c with num_segments = 1 and
 * cwnd_limited = 1: a subflow without window room is skipped, so the
 * others fill their windows).
 */
#include "internal.h"

struct rr {
  uint8_t next; /* sfs[] index tried first */
};

_Static_assert(sizeof(struct rr) <= MPTCP_SCHED_PRIV_SIZE, "round-robin state too large");

/* The first available subflow of the given class (backup or not) at or
 * after sfs[start], cyclically. */
static struct tcp_sf *rr_next(struct mptcp_conn *c, uint8_t start, int backup) {
  for (uint8_t k = 0; k < c->n_sf; k++) {
    struct tcp_sf *sf = c->sfs[(start + k) % c->n_sf];
    if (sched_sf_available(sf) && !sf->backup == !backup)
      return sf;
  }
  return NULL;
}

/* One segment per turn; the turn passes to the subflow after the one
 * chosen. Unlike mptcp_rr.c, which ignores the backup flag, backup
 * subflows take turns only when no regular subflow is usable
 * (sched_backup_allowed), as with minRTT. */
static struct tcp_sf *rr_get_send(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  struct rr *st = (struct rr *)c->sched_priv;
  if (!c->n_sf)
    return NULL;
  uint8_t start = st->next < c->n_sf ? st->next : 0;
  struct tcp_sf *sf = rr_next(c, start, 0);
  if (!sf && sched_backup_allowed(c))
    sf = rr_next(c, start, 1);
  if (!sf)
    return NULL;
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i] == sf)
      st->next = (uint8_t)((i + 1) % c->n_sf);
  return sf;
}

const struct mptcp_sched_ops mptcp_sched_rr = {
    .name = "roundrobin",
    .get_send = rr_get_send,
};
