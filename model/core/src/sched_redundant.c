/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Redundant (the out-of-tree Linux mptcp_redundant.c): every byte goes out
 * on every available subflow. Each subflow sends, within its cwnd, the
 * data it has not carried yet: from its own data_nxt (or the connection's
 * snd_una, skipping what the peer already acknowledged) up to the
 * connection's snd_nxt (get_retrans), and new data once it has caught up.
 * The receiver keeps the first copy of each DSN and drops the others. No
 * state beyond the subflows' data_nxt.
 */
#include "internal.h"

static uint64_t red_from(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  return sf->data_nxt > c->snd_acked ? sf->data_nxt : c->snd_acked;
}

static int red_get_retrans(const struct mptcp_conn *c, const struct tcp_sf *sf, uint64_t *off,
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
 * subflows only when no regular one is usable (sched_backup_allowed)
 * (mptcp_redundant.c replicates over the active subflows and falls back
 * to the backup ones). */
static struct tcp_sf *red_get_send(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  int new_data = conn_unsent(c, c->snd_nxt_off) > 0;
  struct tcp_sf *best = NULL, *best_backup = NULL;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sched_sf_available(sf))
      continue;
    uint64_t from = red_from(c, sf);
    if (from >= c->snd_nxt_off && !new_data)
      continue;
    struct tcp_sf **slot = sf->backup ? &best_backup : &best;
    uint64_t best_from = *slot ? red_from(c, *slot) : 0;
    if (!*slot || from < best_from || (from == best_from && sf->srtt < (*slot)->srtt))
      *slot = sf;
  }
  if (best || !best_backup)
    return best;
  return sched_backup_allowed(c) ? best_backup : NULL;
}

const struct mptcp_sched_ops mptcp_sched_redundant = {
    .name = "redundant",
    .get_send = red_get_send,
    .get_retrans = red_get_retrans,
};
