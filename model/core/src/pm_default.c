/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The default path manager, after Linux's in-kernel one (pm_netlink.c)
 * with no endpoint configured: the initial subflow only, and one join to
 * each address the peer announces. No state of its own.
 */
#include <string.h>

#include "internal.h"

static void default_established(struct mptcp_conn *c, uint64_t now) {
  (void)c;
  (void)now; /* the initial subflow only */
}

/* The in-kernel path manager of Linux accepting an announced address
 * (pm_netlink.c, add_addr_accepted): one subflow from the initial
 * subflow's local address to it, within max_subflows. */
static void default_add_addr(struct mptcp_conn *c, const struct pm_peer_addr *a,
                             uint64_t now) {
  if (c->listener_child || c->n_sf >= c->cfg.max_subflows || c->tx_infinite)
    return;
  mptcp_addr r = a->addr;
  if (!r.port)
    r.port = c->sf.remote.port;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    const struct tcp_sf *o = c->sfs[i];
    if (o->state != MPTCP_TCP_CLOSED && o->remote.port == r.port &&
        !memcmp(o->remote.ip, r.ip, r.family == 6 ? 16 : 4))
      return; /* already there (a retransmitted ADD_ADDR) */
  }
  mptcp_addr l = c->sf.local;
  l.port = 0;
  struct tcp_sf *sf = mptcp_open_subflow(c, &l, &r, now);
  if (sf) {
    sf->addr_id_local = 0;
    sf->addr_id_remote = a->id;
  }
}

const struct mptcp_pm_ops mptcp_pm_default = {
    .name = "default",
    .established = default_established,
    .add_addr_received = default_add_addr,
};
