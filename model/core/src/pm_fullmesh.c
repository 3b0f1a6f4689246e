/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fullmesh (the out-of-tree Linux mptcp_fullmesh.c; Linux's in-kernel path
 * manager with every endpoint flagged "fullmesh"): a subflow from every
 * other local address to the peer's address once the connection is MPTCP,
 * then, for each address the peer announces, one from each local address,
 * and, for a local address declared later, one from it to each of the
 * peer's. No state of its own.
 */
#include <string.h>

#include "internal.h"

static void fullmesh_established(struct mptcp_conn *c, uint64_t now) {
  /* one subflow from every other local address to the peer's address */
  struct mptcp_stack *s = c->stack;
  for (uint32_t i = 0; i < s->n_addrs; i++) {
    const mptcp_addr *a = &s->addrs[i];
    if (a->family != c->sf.local.family ||
        !memcmp(a->ip, c->sf.local.ip, a->family == 6 ? 16 : 4))
      continue;
    mptcp_addr l = *a;
    l.port = 0;
    struct tcp_sf *sf = mptcp_open_subflow(c, &l, &c->sf.remote, now);
    if (sf)
      sf->addr_id_local = (uint8_t)(i + 1);
  }
}

/* Linux's in-kernel path manager with every local endpoint flagged
 * "fullmesh" (pm_netlink.c, add_addr_received): a subflow from each local
 * address to the announced one, the initial subflow's address first,
 * pairs already connected skipped, within max_subflows. */
static void fullmesh_add_addr(struct mptcp_conn *c, const struct pm_peer_addr *a,
                              uint64_t now) {
  struct mptcp_stack *s = c->stack;
  if (c->listener_child || c->tx_infinite || a->addr.family != c->sf.local.family)
    return;
  mptcp_addr r = a->addr;
  if (!r.port)
    r.port = c->sf.remote.port;
  for (int64_t i = -1; i < (int64_t)s->n_addrs; i++) {
    if (c->n_sf >= c->cfg.max_subflows)
      return;
    mptcp_addr l = i < 0 ? c->sf.local : s->addrs[i];
    if (l.family != r.family || (i >= 0 && pm_ip_eq(&l, &c->sf.local)) || pm_pair_used(c, &l, &r))
      continue;
    l.port = 0;
    struct tcp_sf *sf = mptcp_open_subflow(c, &l, &r, now);
    if (sf) {
      sf->addr_id_local = i < 0 ? 0 : (uint8_t)(i + 1);
      sf->addr_id_remote = a->id;
    }
  }
}

/* A local address declared while the connection runs (Linux's in-kernel
 * path manager creates the subflows of a new "fullmesh" endpoint for the
 * connections that exist, mptcp_pm_nl_add_addr -> mptcp_pm_create_subflow
 * _or_signal_addr): one subflow from it to the peer's address and one to
 * each address the peer announced, pairs already connected skipped,
 * within max_subflows. The initiator's side only, once MPTCP is
 * established (before that, fullmesh_established covers it). The SYN
 * leaves at the next write. */
static void fullmesh_local_addr_added(struct mptcp_conn *c, const mptcp_addr *addr, uint8_t id) {
  if (c->listener_child || c->tx_infinite || !c->pm_started || addr->family != c->sf.local.family)
    return;
  for (int k = -1; k < (int)c->n_rem; k++) {
    if (c->n_sf >= c->cfg.max_subflows)
      return;
    mptcp_addr r = k < 0 ? c->sf.remote : c->pmt->rem[k].addr;
    if (!r.port)
      r.port = c->sf.remote.port;
    mptcp_addr l = *addr;
    l.port = 0;
    if (r.family != l.family || pm_pair_used(c, &l, &r))
      continue;
    struct tcp_sf *sf = mptcp_open_subflow(c, &l, &r, 0);
    if (sf) {
      sf->addr_id_local = id;
      sf->addr_id_remote = k < 0 ? 0 : c->pmt->rem[k].id;
    }
  }
}

const struct mptcp_pm_ops mptcp_pm_fullmesh = {
    .name = "fullmesh",
    .established = fullmesh_established,
    .add_addr_received = fullmesh_add_addr,
    .local_addr_added = fullmesh_local_addr_added,
};
