/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ndiffports (the out-of-tree Linux mptcp_ndiffports.c): cfg.subflows
 * subflows over the initial address pair, each from another source port;
 * announcements are ignored. No state of its own.
 */
#include "internal.h"

static void ndiffports_established(struct mptcp_conn *c, uint64_t now) {
  /* n subflows over the initial address pair, other source ports */
  for (int i = 1; i < c->cfg.subflows; i++) {
    mptcp_addr l = c->sf.local;
    l.port = 0;
    struct tcp_sf *sf = mptcp_open_subflow(c, &l, &c->sf.remote, now);
    if (sf)
      sf->addr_id_local = 0;
  }
}

const struct mptcp_pm_ops mptcp_pm_ndiffports = {
    .name = "ndiffports",
    .established = ndiffports_established,
};
