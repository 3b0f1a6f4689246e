/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path managers (Linux's pm_netlink.c and the out-of-tree fullmesh and
 * ndiffports): which subflows the initiator opens once its connection is
 * MPTCP. Adding one is a struct and one line in the table.
 */
#include <string.h>

#include "internal.h"

static void pm_default_established(struct mptcp_conn *c, uint64_t now) {
  (void)c;
  (void)now; /* the initial subflow only */
}

static void pm_ndiffports_established(struct mptcp_conn *c, uint64_t now) {
  /* n subflows over the initial address pair, other source ports */
  for (int i = 1; i < c->cfg.subflows; i++) {
    mptcp_addr l = c->sf.local;
    l.port = 0;
    struct tcp_sf *sf = mptcp_open_subflow(c, &l, &c->sf.remote, now);
    if (sf)
      sf->addr_id_local = 0;
  }
}

static void pm_fullmesh_established(struct mptcp_conn *c, uint64_t now) {
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

static const struct mptcp_pm_ops pm_table[] = {
    {"default", pm_default_established},
    {"ndiffports", pm_ndiffports_established},
    {"fullmesh", pm_fullmesh_established},
};

const struct mptcp_pm_ops *pm_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < sizeof(pm_table) / sizeof(pm_table[0]); i++)
    if (!strcmp(pm_table[i].name, name) && pm_table[i].established)
      return &pm_table[i];
  return NULL;
}
