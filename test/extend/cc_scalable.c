/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test-only congestion control, not shipped: Scalable TCP (Kelly,
 * "Scalable TCP: Improving Performance in Highspeed Wide Area Networks",
 * CCR 2003; Linux's tcp_scalable.c). In congestion avoidance the window
 * grows by one MSS per 100 MSS acknowledged (a = 0.01 per ACKed segment),
 * at most Reno's rate while the window is below 100 segments; after a
 * loss ssthresh is 7/8 of the window (b = 0.125), at least 2 MSS.
 *
 * It exists to show that adding a congestion control is this file and one
 * registration line (test/extend/algos-extra.def, or the shipped
 * model/core/src/algos.def): test/extend/test_extend.py builds the module
 * with it and runs it. doc/extending.md walks through it.
 */
#include "internal.h"

#define SCALABLE_AI_SEGS 100 /* one MSS more per this many MSS acked */

static void scalable_init(struct tcp_sf *sf) { sf->cwnd_cnt = 0; }

static uint64_t scalable_ssthresh(struct tcp_sf *sf) {
  uint64_t ss = sf->cwnd - sf->cwnd / 8;
  uint64_t lo = 2 * (uint64_t)sf->mss;
  return ss > lo ? ss : lo;
}

static void scalable_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)now;
  if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  uint64_t w = (uint64_t)SCALABLE_AI_SEGS * sf->mss;
  tcp_cong_avoid_ai(sf, sf->cwnd < w ? sf->cwnd : w, acked);
}

const struct tcp_cc_ops tcp_cc_scalable = {
    .name = "scalable",
    .init = scalable_init,
    .ssthresh = scalable_ssthresh,
    .cong_avoid = scalable_cong_avoid,
};
