/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_memory.c - the core's memory per idle connection and per subflow,
 * measured on the fast engine's network (scripts/bench_fast.py --memory).
 *
 * Two hosts behind one router open N MPTCP connections with S subflows
 * each (ndiffports) and send one byte each (MPTCP is fully established,
 * and the other subflows open, once data is acknowledged). After the handshakes and joins
 * (2 simulated seconds) it prints, for S = 1, 2, 4, the bytes both
 * stacks hold (mptcp_stack_mem_used: every allocation of the core through
 * its memory hooks) per connection, and the slope per added subflow.
 *
 *   bench_fast_memory [N]     (default 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastsim.h"
#include "netsim.h"

typedef struct host {
  mptcp_stack *st;
  netsim_rng rng;
} host;

static void h_rand(uint8_t *d, size_t l, void *ud) { netsim_rng_fill(&((host *)ud)->rng, d, l); }

static mptcp_addr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  mptcp_addr x;
  memset(&x, 0, sizeof(x));
  x.family = 4;
  x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
  x.port = port;
  return x;
}

/* Bytes per connection (both ends) with `subflows` subflows each, and
 * the number established; -1 on an error. */
static double measure(unsigned n, unsigned subflows, int send, unsigned *established) {
  fs_net *net;
  if (fs_new(&net, 1, MPTCP_TCP_HDR_MAX) < 0)
    return -1;
  int a = fs_add_node(net, "A"), r = fs_add_node(net, "R"), b = fs_add_node(net, "B");
  fs_link_config lc;
  fs_link_config_default(&lc);
  lc.rate_bps = 1000000000;
  lc.delay_ns = 1000000;
  lc.queue_pkts = 100000;
  int la = fs_add_link(net, a, r, &lc, NULL), lb = fs_add_link(net, r, b, &lc, NULL);
  uint8_t ia[4] = {10, 1, 1, 1}, ib[4] = {10, 4, 1, 2};
  fs_add_address(net, a, ia, la);
  fs_add_address(net, b, ib, lb);
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.virtual_payload = 1;
  cfg.pm = "ndiffports";
  cfg.subflows = (uint8_t)subflows;
  cfg.listen_backlog = n + 16;
  host ha, hb;
  netsim_rng_seed(&ha.rng, 1, NETSIM_STREAM_USER);
  netsim_rng_seed(&hb.rng, 1, NETSIM_STREAM_USER + 1);
  if (mptcp_stack_new(&ha.st, &cfg, NULL, h_rand, NULL, &ha) < 0 ||
      mptcp_stack_new(&hb.st, &cfg, NULL, h_rand, NULL, &hb) < 0)
    return -1;
  /* no memory cap: the point is to measure */
  mptcp_stack_set_mem_cap(ha.st, UINT64_MAX);
  mptcp_stack_set_mem_cap(hb.st, UINT64_MAX);
  fs_host_ops ops = fs_stack_ops();
  fs_set_host(net, a, &ops, ha.st);
  fs_set_host(net, b, &ops, hb.st);
  if (fs_finalize(net) < 0)
    return -1;
  mptcp_addr local = ip4(10, 1, 1, 1, 0);
  mptcp_conn **conns = calloc(n, sizeof(*conns));
  if (!conns)
    return -1;
  for (unsigned i = 0; i < n; i++) {
    mptcp_addr remote = ip4(10, 4, 1, 2, (uint16_t)(5000 + i));
    if (mptcp_stack_listen(hb.st, &remote) < 0 ||
        mptcp_connect(ha.st, &conns[i], &local, &remote, NULL, NULL, 0) < 0)
      return -1;
    /* one byte, queued now: MPTCP is fully established (and the path
     * manager opens the other subflows) once data has been acknowledged
     * at the data level */
    if (send && mptcp_conn_send(conns[i], NULL, 1, 0) < 0)
      return -1;
  }
  fs_touch(net, a);
  if (fs_run(net, 2000000000ull) < 0)
    return -1;
  unsigned ok = 0;
  for (unsigned i = 0; i < n; i++) {
    mptcp_conn_stats st;
    mptcp_conn_get_stats(conns[i], &st);
    ok += st.state == MPTCP_TCP_ESTABLISHED &&
          (unsigned)mptcp_conn_subflow_count(conns[i]) == subflows;
  }
  *established = ok;
  double per = (double)(mptcp_stack_mem_used(ha.st) + mptcp_stack_mem_used(hb.st)) / n;
  free(conns);
  mptcp_stack_del(ha.st);
  mptcp_stack_del(hb.st);
  fs_del(net);
  return per;
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000;
  if (n < 1 || n > 40000) {
    fprintf(stderr, "bench_fast_memory: N must be 1..40000\n");
    return 2;
  }
  double per[4];
  const unsigned sub[4] = {1, 1, 2, 4};
  printf("%-9s %-6s %12s %14s\n", "subflows", "data", "established", "bytes/conn");
  for (int k = 0; k < 4; k++) {
    unsigned est = 0;
    per[k] = measure(n, sub[k], k > 0, &est);
    if (per[k] < 0) {
      fprintf(stderr, "bench_fast_memory: the run failed\n");
      return 1;
    }
    printf("%-9u %-6s %7u of %-4u %12.0f\n", sub[k], k ? "1 byte" : "none", est, n, per[k]);
  }
  printf("idle connection, both ends, never used: %.0f bytes\n", per[0]);
  printf("idle connection, both ends, after 1 byte: %.0f bytes\n", per[1]);
  printf("each added subflow, both ends: %.0f bytes\n", (per[3] - per[1]) / 3);
  return 0;
}
