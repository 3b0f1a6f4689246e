/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * minRTT, Linux's default scheduler: the available subflow with the lowest
 * smoothed RTT; backup subflows only when no regular one is available.
 * No state.
 */
#include "internal.h"

static struct tcp_sf *minrtt_get_send(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  return sched_minrtt_pick(c);
}

const struct mptcp_sched_ops mptcp_sched_minrtt = {
    .name = "minrtt",
    .get_send = minrtt_get_send,
};
