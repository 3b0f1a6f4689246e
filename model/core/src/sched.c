/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Schedulers (Linux's sched.c): which subflow carries the next new data.
 * Adding one is a struct and one line in the table.
 */
#include <string.h>

#include "internal.h"

/* A subflow may take new data: established, join complete, not repairing
 * a timeout, room in its congestion window. */
static int sf_available(const struct tcp_sf *sf) {
  return (sf->state == MPTCP_TCP_ESTABLISHED || sf->state == MPTCP_TCP_CLOSE_WAIT) &&
         sf->join_ok && !sf->fin_queued && sf->ca_state != TCP_CA_LOSS && tcp_cwnd_room(sf);
}

/* minRTT, Linux's default: the available subflow with the lowest smoothed
 * RTT; backup subflows only when no regular one is available. */
static struct tcp_sf *minrtt_get_subflow(struct mptcp_conn *c) {
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

static const struct mptcp_sched_ops sched_table[] = {
    {"minrtt", minrtt_get_subflow},
};

const struct mptcp_sched_ops *sched_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < sizeof(sched_table) / sizeof(sched_table[0]); i++)
    if (!strcmp(sched_table[i].name, name) && sched_table[i].get_subflow)
      return &sched_table[i];
  return NULL;
}
