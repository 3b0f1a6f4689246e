/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-built connections for unit tests of congestion control and
 * schedulers: n subflows, ESTABLISHED, join complete, no loss being
 * repaired, ssthresh "infinite", MSS `mss`. Tests then set what they
 * examine (cwnd, srtt, windows, ...). Memory comes from calloc, not from a
 * stack: no engine code runs on these connections but the algorithm under
 * test.
 */
#ifndef MPTCP_TEST_FAKE_CONN_H
#define MPTCP_TEST_FAKE_CONN_H

#include <stdlib.h>

#include "internal.h"

#define FAKE_SS_INF (UINT64_MAX / 4)

static inline struct mptcp_conn *fake_conn_new(unsigned n, int mp, uint16_t mss) {
  struct mptcp_conn *c = calloc(1, sizeof(*c));
  if (!c)
    abort();
  c->mp = (uint8_t)mp;
  c->n_sf = (uint8_t)n;
  for (unsigned i = 0; i < n; i++) {
    struct tcp_sf *sf = i == 0 ? &c->sf : calloc(1, sizeof(*sf));
    if (!sf)
      abort();
    sf->conn = c;
    sf->idx = (uint8_t)i;
    sf->mss = mss;
    sf->state = MPTCP_TCP_ESTABLISHED;
    sf->join_ok = 1;
    sf->mp = (uint8_t)mp;
    sf->ca_state = TCP_CA_OPEN;
    sf->ssthresh = FAKE_SS_INF;
    c->sfs[i] = sf;
  }
  return c;
}

/* Frees the connection, its extra subflows and any transmit ring a test
 * gave them. */
static inline void fake_conn_free(struct mptcp_conn *c) {
  for (unsigned i = 0; i < c->n_sf; i++)
    free(c->sfs[i]->txq.r);
  for (unsigned i = 1; i < c->n_sf; i++)
    free(c->sfs[i]);
  free(c);
}

#endif
