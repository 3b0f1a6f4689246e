/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry of congestion-control algorithms. Adding one is a new file
 * defining a struct tcp_cc_ops and one line in the table below.
 */
#include <string.h>

#include "internal.h"

extern const struct tcp_cc_ops tcp_cc_reno;
extern const struct tcp_cc_ops tcp_cc_cubic;
extern const struct tcp_cc_ops tcp_cc_balia;
extern const struct tcp_cc_ops tcp_cc_wvegas;
extern const struct tcp_cc_ops tcp_cc_lia;
extern const struct tcp_cc_ops tcp_cc_olia;

static const struct tcp_cc_ops *const cc_table[] = {
    &tcp_cc_reno,
    &tcp_cc_cubic,
    &tcp_cc_balia,
    &tcp_cc_wvegas,
    &tcp_cc_lia,
    &tcp_cc_olia,
};

int cc_coupled_member(const struct tcp_sf *p) {
  return (p->state == MPTCP_TCP_ESTABLISHED || p->state == MPTCP_TCP_CLOSE_WAIT) &&
         p->join_ok && p->srtt > 0;
}

uint64_t cc_coupled_window(const struct tcp_sf *p, const struct tcp_sf *self) {
  if (p != self && p->ca_state != TCP_CA_OPEN)
    return p->ssthresh;
  return p->cwnd;
}

/* A table missing a required hook is never handed out (as Linux's
 * tcp_register_congestion_control refuses one). */
static int cc_valid(const struct tcp_cc_ops *ops) {
  return ops->name && ops->init && ops->ssthresh && ops->cong_avoid;
}

const struct tcp_cc_ops *cc_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < sizeof(cc_table) / sizeof(cc_table[0]); i++)
    if (!strcmp(cc_table[i]->name, name) && cc_valid(cc_table[i]))
      return cc_table[i];
  return NULL;
}

const struct tcp_cc_ops *cc_at(size_t i) {
  for (size_t k = 0; k < sizeof(cc_table) / sizeof(cc_table[0]); k++)
    if (cc_valid(cc_table[k]) && i-- == 0)
      return cc_table[k];
  return NULL;
}

/* RFC 6356 couples the subflows of one MPTCP connection; on a connection
 * that is plain TCP there is nothing to couple, and the uncoupled
 * algorithm of the configuration runs instead (CUBIC by default, as a
 * Linux host's TCP). */
const struct tcp_cc_ops *cc_select(const mptcp_config *cfg, int mptcp) {
  const struct tcp_cc_ops *ops = cc_find(cfg->cc);
  if (ops && ops->coupled && !mptcp)
    ops = cc_find(cfg->tcp_cc);
  return ops;
}

void cc_fallback(struct tcp_sf *sf) {
  const struct tcp_cc_ops *ops = cc_select(&sf->conn->cfg, 0);
  if (!ops || ops == sf->cc)
    return;
  sf->cc = ops;
  /* before ESTABLISHED, establish() runs init */
  if (sf->state != MPTCP_TCP_CLOSED && sf->state != MPTCP_TCP_LISTEN &&
      sf->state != MPTCP_TCP_SYN_SENT && sf->state != MPTCP_TCP_SYN_RCVD)
    sf->cc->init(sf);
}
