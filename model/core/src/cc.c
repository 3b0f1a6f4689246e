/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Congestion control shared by the algorithms: which one a subflow runs,
 * the coupled subflows, and window changes made from outside an algorithm
 * (penalisation). Adding an algorithm is a new file cc_NAME.c defining a
 * struct tcp_cc_ops and one line in algos.def (registry.c finds it by
 * name; doc/extending.md).
 */
#include <string.h>

#include "internal.h"

int cc_coupled_member(const struct tcp_sf *p) {
  return (p->state == MPTCP_TCP_ESTABLISHED || p->state == MPTCP_TCP_CLOSE_WAIT) &&
         p->join_ok && p->srtt > 0;
}

uint64_t cc_coupled_window(const struct tcp_sf *p, const struct tcp_sf *self) {
  if (p != self && p->ca_state != TCP_CA_OPEN)
    return p->ssthresh;
  return p->cwnd;
}

unsigned cc_coupled_paths(const struct tcp_sf *sf, struct cc_path *out) {
  const struct mptcp_conn *c = sf->conn;
  unsigned n = 0;
  int self_seen = 0;
  if (c && c->mp) {
    for (unsigned i = 0; i < c->n_sf; i++) {
      const struct tcp_sf *p = c->sfs[i];
      if (p == sf)
        self_seen = 1;
      else if (!cc_coupled_member(p))
        continue;
      out[n].sf = p;
      out[n].w = cc_coupled_window(p, sf);
      out[n].self = p == sf;
      n++;
    }
  }
  if (!self_seen) { /* plain TCP, or a subflow not listed: itself only */
    out[n].sf = sf;
    out[n].w = sf->cwnd;
    out[n].self = 1;
    n++;
  }
  return n;
}

uint64_t cc_min_ssthresh(const struct tcp_sf *sf, unsigned paths) {
  unsigned segs = sf->conn && sf->conn->cfg.coupled_min_ssthresh == 1 && paths >= 2 ? 1 : 2;
  return (uint64_t)segs * sf->mss;
}

/* Opportunistic penalisation (Raiciu et al., NSDI 2012, section 4.2): the
 * window halved (at least one MSS), ssthresh the new window (at least two
 * MSS); then the algorithm hears of it, as of any window change made
 * outside it. */
void cc_penalise(struct tcp_sf *sf, uint64_t now) {
  uint64_t mss = sf->mss ? sf->mss : 1;
  uint64_t prior = sf->cwnd;
  uint64_t cwnd = prior / 2;
  sf->cwnd = cwnd > mss ? cwnd : mss;
  sf->ssthresh = sf->cwnd > 2 * mss ? sf->cwnd : 2 * mss;
  if (sf->cc && sf->cc->cwnd_reduced)
    sf->cc->cwnd_reduced(sf, prior, now);
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
