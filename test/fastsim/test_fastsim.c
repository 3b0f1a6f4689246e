/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_fastsim.c - the fast engine's network (utils/fastsim): topology
 * errors, routes and ECMP, link timing and queues, and a real transfer
 * between two core stacks with its determinism.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fastsim.h"
#include "fs_fq.h"
#include "netsim.h"

/* A host that sends `to_send` segments of 20 header bytes and a virtual
 * payload of `payload` bytes from `src` to `dst`, and records arrivals. */
typedef struct fake {
  mptcp_addr src, dst;
  int to_send;
  uint32_t payload;
  int got;
  uint64_t first_arrival, last_arrival;
  uint16_t next_port;
} fake;

static int f_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst, const uint8_t *data,
                  size_t len, size_t vlen, uint64_t now) {
  (void)src, (void)dst, (void)data, (void)len, (void)vlen;
  fake *f = ep;
  if (!f->got)
    f->first_arrival = now;
  f->got++;
  f->last_arrival = now;
  return 0;
}

static int f_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap, uint64_t now) {
  (void)now;
  fake *f = ep;
  if (f->to_send <= 0)
    return 0;
  assert_true(cap >= 20);
  f->to_send--;
  memset(buf, 0, 20);
  memset(seg, 0, sizeof(*seg));
  seg->src = f->src;
  seg->dst = f->dst;
  if (f->next_port)
    seg->src.port = f->next_port++;
  seg->len = 20;
  seg->hdr_len = 20;
  seg->payload_len = f->payload;
  seg->payload_virtual = 1;
  return 1;
}

static uint64_t f_expiry(void *ep) {
  (void)ep;
  return UINT64_MAX;
}

static int f_handle(void *ep, uint64_t now) {
  (void)ep, (void)now;
  return 0;
}

static const fs_host_ops FAKE = {f_read, f_write, f_expiry, f_handle};

static mptcp_addr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  mptcp_addr x;
  memset(&x, 0, sizeof(x));
  x.family = 4;
  x.ip[0] = a, x.ip[1] = b, x.ip[2] = c, x.ip[3] = d;
  x.port = port;
  return x;
}

static void test_bad_topology(void **state) {
  (void)state;
  fs_net *n;
  assert_int_equal(fs_new(&n, 1, 60), 0);
  int a = fs_add_node(n, "A"), b = fs_add_node(n, "B"), c = fs_add_node(n, "C");
  fs_link_config lc;
  fs_link_config_default(&lc);
  /* unknown node, a loop, a zero rate, a bad probability, bad RED */
  assert_int_equal(fs_add_link(n, a, 7, &lc, NULL), FS_ERR_ARG);
  assert_non_null(strstr(fs_error(n), "unknown node"));
  assert_int_equal(fs_add_link(n, a, a, &lc, NULL), FS_ERR_ARG);
  fs_link_config z = lc;
  z.rate_bps = 0;
  assert_int_equal(fs_add_link(n, a, b, &z, NULL), FS_ERR_ARG);
  assert_non_null(strstr(fs_error(n), "rate must be positive"));
  assert_non_null(strstr(fs_error(n), "A -> B"));
  z = lc;
  z.loss = 1.5;
  assert_int_equal(fs_add_link(n, a, b, &lc, &z), FS_ERR_ARG);
  assert_non_null(strstr(fs_error(n), "B -> A"));
  z = lc;
  z.queue_kind = FS_QUEUE_RED;
  z.red_max_th = z.red_min_th;
  assert_int_equal(fs_add_link(n, a, b, &z, NULL), FS_ERR_ARG);
  int l = fs_add_link(n, a, b, &lc, NULL);
  assert_true(l >= 0);
  /* addresses: unknown node, a link elsewhere, twice the same */
  uint8_t ipa[4] = {10, 0, 0, 1}, ipc[4] = {10, 0, 0, 3};
  assert_int_equal(fs_add_address(n, 9, ipa, -1), FS_ERR_ARG);
  assert_int_equal(fs_add_address(n, c, ipc, l), FS_ERR_ARG);
  assert_non_null(strstr(fs_error(n), "not at this node"));
  assert_int_equal(fs_add_address(n, a, ipa, l), 0);
  assert_int_equal(fs_add_address(n, b, ipa, -1), FS_ERR_ARG);
  assert_non_null(strstr(fs_error(n), "already given"));
  assert_int_equal(fs_add_address(n, c, ipc, -1), 0);
  /* C has an address and no link: disconnected */
  assert_int_equal(fs_finalize(n), FS_ERR_TOPOLOGY);
  assert_non_null(strstr(fs_error(n), "disconnected"));
  fs_del(n);
}

/* Hosts do not forward: A - H - B with H a host leaves A and B apart. */
static void test_hosts_do_not_forward(void **state) {
  (void)state;
  fs_net *n;
  assert_int_equal(fs_new(&n, 1, 60), 0);
  int a = fs_add_node(n, "A"), h = fs_add_node(n, "H"), b = fs_add_node(n, "B");
  fs_link_config lc;
  fs_link_config_default(&lc);
  assert_true(fs_add_link(n, a, h, &lc, NULL) >= 0);
  assert_true(fs_add_link(n, h, b, &lc, NULL) >= 0);
  fake fa = {0}, fh = {0}, fb = {0};
  fs_set_host(n, a, &FAKE, &fa);
  fs_set_host(n, h, &FAKE, &fh);
  fs_set_host(n, b, &FAKE, &fb);
  assert_int_equal(fs_finalize(n), FS_ERR_TOPOLOGY);
  assert_non_null(strstr(fs_error(n), "cannot reach"));
  fs_del(n);
}

/* One packet over two links: serialization (with the overhead) plus delay
 * on each, exactly; then a burst into a drop-tail queue. */
static void test_timing_and_droptail(void **state) {
  (void)state;
  fs_net *n;
  assert_int_equal(fs_new(&n, 1, 60), 0);
  int a = fs_add_node(n, "A"), r = fs_add_node(n, "R"), b = fs_add_node(n, "B");
  fs_link_config fast, slow;
  fs_link_config_default(&fast);
  fast.rate_bps = 1000000000;
  fast.delay_ns = 1000000;
  fast.queue_pkts = 1000;
  fs_link_config_default(&slow);
  slow.rate_bps = 8000000; /* 1 byte per us */
  slow.delay_ns = 5000000;
  slow.queue_pkts = 10;
  slow.overhead_bytes = 22;
  int l1 = fs_add_link(n, a, r, &fast, NULL);
  int l2 = fs_add_link(n, r, b, &slow, NULL);
  assert_true(l1 >= 0 && l2 >= 0);
  fake fa = {0}, fb = {0};
  fa.src = ip4(10, 0, 0, 1, 1000);
  fa.dst = ip4(10, 0, 1, 1, 2000);
  fa.payload = 958; /* 20 + 958 + 22 = 1000 bytes on the slow link */
  fa.to_send = 1;
  uint8_t ipa[4] = {10, 0, 0, 1}, ipb[4] = {10, 0, 1, 1};
  assert_int_equal(fs_add_address(n, a, ipa, l1), 0);
  assert_int_equal(fs_add_address(n, b, ipb, -1), 0);
  assert_int_equal(fs_address_node(n, ipb), b);
  fs_set_host(n, a, &FAKE, &fa);
  fs_set_host(n, b, &FAKE, &fb);
  assert_int_equal(fs_finalize(n), 0);
  fs_touch(n, a);
  assert_int_equal(fs_run(n, 1000000000), 0);
  assert_int_equal(fb.got, 1);
  /* fast link: 998 bytes (20 IP overhead) = 7984 ns + 1 ms; slow: 1000 us + 5 ms */
  assert_int_equal(fb.first_arrival, 7984 + 1000000 + 1000000 + 5000000);
  /* a burst of 50: one on the wire, 10 wait, the rest dropped */
  fa.to_send = 50;
  fs_touch(n, a);
  assert_int_equal(fs_run(n, 2000000000), 0);
  const fs_link_stats *s = fs_get_link_stats(n, l2, 0);
  assert_non_null(s);
  assert_int_equal(s->queue_drops, 50 - 11);
  assert_int_equal(s->max_queue, 10);
  assert_int_equal(fb.got, 1 + 11);
  /* the burst left at 1 s; the waiting ones follow back to back, 1000 us
   * apart on the slow link */
  assert_int_equal(fb.last_arrival, 1000000000ull + 7984 + 7000000 + 10 * 1000000);
  fs_del(n);
}

/* A diamond A - R - {S1, S2} - T - B: flows spread over both middle
 * routers, and a flow keeps its path. */
static void test_ecmp(void **state) {
  (void)state;
  fs_net *n;
  assert_int_equal(fs_new(&n, 42, 60), 0);
  int a = fs_add_node(n, "A"), r = fs_add_node(n, "R"), s1 = fs_add_node(n, "S1"),
      s2 = fs_add_node(n, "S2"), t = fs_add_node(n, "T"), b = fs_add_node(n, "B");
  fs_link_config lc;
  fs_link_config_default(&lc);
  lc.rate_bps = 1000000000;
  lc.queue_pkts = 100000;
  int la = fs_add_link(n, a, r, &lc, NULL);
  int lr1 = fs_add_link(n, r, s1, &lc, NULL), lr2 = fs_add_link(n, r, s2, &lc, NULL);
  assert_true(fs_add_link(n, s1, t, &lc, NULL) >= 0);
  assert_true(fs_add_link(n, s2, t, &lc, NULL) >= 0);
  assert_true(fs_add_link(n, t, b, &lc, NULL) >= 0);
  uint8_t ipa[4] = {10, 0, 0, 1}, ipb[4] = {10, 0, 1, 1};
  fs_add_address(n, a, ipa, la);
  fs_add_address(n, b, ipb, -1);
  fake fa = {0}, fb = {0};
  fs_set_host(n, a, &FAKE, &fa);
  fs_set_host(n, b, &FAKE, &fb);
  assert_int_equal(fs_finalize(n), 0);
  int via[2] = {0, 0};
  for (int port = 1000; port < 3000; port++) {
    mptcp_addr src = ip4(10, 0, 0, 1, (uint16_t)port), dst = ip4(10, 0, 1, 1, 80);
    int ld = fs_route(n, r, &src, &dst);
    assert_true(ld == 2 * lr1 || ld == 2 * lr2);
    assert_int_equal(fs_route(n, r, &src, &dst), ld);
    via[ld == 2 * lr2]++;
    /* the host sends by its bound link */
    assert_int_equal(fs_route(n, a, &src, &dst), 2 * la);
    assert_int_equal(fs_link_far_node(n, ld), ld == 2 * lr1 ? s1 : s2);
  }
  assert_true(via[0] > 850 && via[1] > 850);
  /* packets: every one arrives, spread over both */
  fa.src = ip4(10, 0, 0, 1, 0);
  fa.dst = ip4(10, 0, 1, 1, 80);
  fa.next_port = 1000;
  fa.payload = 100;
  fa.to_send = 1000;
  fs_touch(n, a);
  assert_int_equal(fs_run(n, 1000000000), 0);
  assert_int_equal(fb.got, 1000);
  const fs_link_stats *x1 = fs_get_link_stats(n, lr1, 0), *x2 = fs_get_link_stats(n, lr2, 0);
  assert_int_equal(x1->delivered + x2->delivered, 1000);
  assert_true(x1->delivered > 400 && x2->delivered > 400);
  fs_del(n);
}

/* A and B joined by two disjoint paths A - R0 - B and A - R1 - B, every
 * address bound to its link (the disjoint-paths helper's layout): a
 * segment to an address arrives over that address's link, from either of
 * A's addresses, and a segment to B's path-0 address sent from A's path-1
 * address goes straight from R1 to B (B owns it, as in ns-3). */
static void test_bound_addresses(void **state) {
  (void)state;
  fs_net *n;
  assert_int_equal(fs_new(&n, 3, 60), 0);
  int a = fs_add_node(n, "A"), r0 = fs_add_node(n, "R0"), r1 = fs_add_node(n, "R1"),
      b = fs_add_node(n, "B");
  fs_link_config lc;
  fs_link_config_default(&lc);
  int a0 = fs_add_link(n, a, r0, &lc, NULL), a1 = fs_add_link(n, a, r1, &lc, NULL);
  int b0 = fs_add_link(n, r0, b, &lc, NULL), b1 = fs_add_link(n, r1, b, &lc, NULL);
  uint8_t ia0[4] = {10, 10, 1, 1}, ia1[4] = {10, 10, 2, 1}, ib0[4] = {10, 20, 1, 2},
          ib1[4] = {10, 20, 2, 2};
  assert_int_equal(fs_add_address(n, a, ia0, a0), 0);
  assert_int_equal(fs_add_address(n, a, ia1, a1), 0);
  assert_int_equal(fs_add_address(n, b, ib0, b0), 0);
  assert_int_equal(fs_add_address(n, b, ib1, b1), 0);
  fake fa = {0}, fb = {0};
  fs_set_host(n, a, &FAKE, &fa);
  fs_set_host(n, b, &FAKE, &fb);
  assert_int_equal(fs_finalize(n), 0);
  mptcp_addr A0 = ip4(10, 10, 1, 1, 1), A1 = ip4(10, 10, 2, 1, 1), B0 = ip4(10, 20, 1, 2, 2),
             B1 = ip4(10, 20, 2, 2, 2);
  /* a host sends by the link of its source address (as ns-3 mode's
   * MptcpL4Protocol does); a router sends towards the address's link, or
   * straight to its owner when that is nearer */
  assert_int_equal(fs_route(n, b, &B0, &A1), 2 * b0 + 1);
  assert_int_equal(fs_route(n, r0, &B0, &A1), 2 * a0 + 1);
  assert_int_equal(fs_route(n, b, &B1, &A1), 2 * b1 + 1);
  assert_int_equal(fs_route(n, r1, &B1, &A1), 2 * a1 + 1);
  /* A's path-1 address to B's path-0 address: out by a1, then R1 -> B */
  assert_int_equal(fs_route(n, a, &A1, &B0), 2 * a1);
  assert_int_equal(fs_route(n, r1, &A1, &B0), 2 * b1);
  assert_int_equal(fs_route(n, a, &A0, &B1), 2 * a0);
  assert_int_equal(fs_route(n, r0, &A0, &B1), 2 * b0);
  fs_del(n);

  /* M with two links to L (the dumbbell's NICs), L - R - D: a segment to
   * M's second address crosses M's second link, not a hashed one */
  assert_int_equal(fs_new(&n, 3, 60), 0);
  int m = fs_add_node(n, "M"), l = fs_add_node(n, "L"), r = fs_add_node(n, "R"),
      d = fs_add_node(n, "D");
  int m0 = fs_add_link(n, m, l, &lc, NULL), m1 = fs_add_link(n, m, l, &lc, NULL);
  int lr = fs_add_link(n, l, r, &lc, NULL), rd = fs_add_link(n, r, d, &lc, NULL);
  uint8_t im0[4] = {10, 1, 1, 1}, im1[4] = {10, 1, 2, 1}, id[4] = {10, 4, 1, 2};
  assert_int_equal(fs_add_address(n, m, im0, m0), 0);
  assert_int_equal(fs_add_address(n, m, im1, m1), 0);
  assert_int_equal(fs_add_address(n, d, id, rd), 0);
  fake fm = {0}, fd = {0};
  fs_set_host(n, m, &FAKE, &fm);
  fs_set_host(n, d, &FAKE, &fd);
  assert_int_equal(fs_finalize(n), 0);
  mptcp_addr M0 = ip4(10, 1, 1, 1, 1), M1 = ip4(10, 1, 2, 1, 1), D = ip4(10, 4, 1, 2, 2);
  for (uint16_t port = 1; port < 200; port++) {
    D.port = port;
    assert_int_equal(fs_route(n, d, &D, &M1), 2 * rd + 1);
    assert_int_equal(fs_route(n, r, &D, &M1), 2 * lr + 1);
    assert_int_equal(fs_route(n, l, &D, &M1), 2 * m1 + 1);
    assert_int_equal(fs_route(n, l, &D, &M0), 2 * m0 + 1);
  }
  assert_int_equal(fs_route(n, m, &M1, &D), 2 * m1);
  fs_del(n);
}

/* ---- two real stacks ---- */

typedef struct peer {
  mptcp_stack *st;
  netsim_rng rng;
  mptcp_conn *conn;
  uint64_t received;
  uint64_t to_send;
  uint64_t queued;
  fs_net *net;
  int node;
} peer;

static void p_rand(uint8_t *d, size_t l, void *ud) { netsim_rng_fill(&((peer *)ud)->rng, d, l); }

static void p_pump(peer *p) {
  while (p->conn && p->queued < p->to_send) {
    long k = mptcp_conn_send(p->conn, NULL, (size_t)(p->to_send - p->queued), fs_now(p->net));
    if (k <= 0)
      break;
    p->queued += (uint64_t)k;
  }
  fs_touch(p->net, p->node);
}

static void p_accepted(mptcp_conn *c, void *ud) {
  peer *p = ud;
  p->conn = c;
  mptcp_conn_set_user_data(c, p);
}

static void p_connected(mptcp_conn *c, void *ud) {
  (void)c;
  p_pump(ud);
}

static void p_writable(mptcp_conn *c, void *ud) {
  (void)c;
  p_pump(ud);
}

static void p_readable(mptcp_conn *c, void *ud) {
  peer *p = ud;
  long k;
  while ((k = mptcp_conn_recv(c, NULL, 1u << 30, fs_now(p->net))) > 0)
    p->received += (uint64_t)k;
  fs_touch(p->net, p->node);
}

typedef struct result {
  uint64_t received, events, now, drops;
} result;

static result transfer(uint64_t seed, int red) {
  result res = {0};
  fs_net *n;
  assert_int_equal(fs_new(&n, seed, MPTCP_TCP_HDR_MAX), 0);
  int a = fs_add_node(n, "A"), l = fs_add_node(n, "L"), r = fs_add_node(n, "R"),
      b = fs_add_node(n, "B");
  fs_link_config acc, bn;
  fs_link_config_default(&acc);
  acc.rate_bps = 1000000000;
  acc.delay_ns = 1000000;
  fs_link_config_default(&bn);
  bn.rate_bps = 10000000;
  bn.delay_ns = 10000000;
  bn.queue_pkts = 20;
  if (red) {
    bn.queue_kind = FS_QUEUE_RED;
    bn.red_min_th = 5;
    bn.red_max_th = 15;
  }
  int la = fs_add_link(n, a, l, &acc, NULL);
  int lb = fs_add_link(n, l, r, &bn, NULL);
  int lc = fs_add_link(n, r, b, &acc, NULL);
  uint8_t ipa[4] = {10, 1, 1, 1}, ipb[4] = {10, 4, 1, 2};
  fs_add_address(n, a, ipa, la);
  fs_add_address(n, b, ipb, lc);
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.virtual_payload = 1;
  cfg.subflows = 2;
  cfg.pm = "ndiffports";
  mptcp_callbacks cb = {.accepted = p_accepted, .connected = p_connected,
                        .readable = p_readable, .writable = p_writable};
  peer pa = {0}, pb = {0};
  pa.net = pb.net = n;
  pa.node = a;
  pb.node = b;
  netsim_rng_seed(&pa.rng, seed, NETSIM_STREAM_USER);
  netsim_rng_seed(&pb.rng, seed, NETSIM_STREAM_USER + 1);
  assert_int_equal(mptcp_stack_new(&pa.st, &cfg, NULL, p_rand, &cb, &pa), 0);
  assert_int_equal(mptcp_stack_new(&pb.st, &cfg, NULL, p_rand, &cb, &pb), 0);
  fs_host_ops ops = fs_stack_ops();
  fs_set_host(n, a, &ops, pa.st);
  fs_set_host(n, b, &ops, pb.st);
  assert_int_equal(fs_finalize(n), 0);
  mptcp_addr la4 = ip4(10, 1, 1, 1, 0), lb4 = ip4(10, 4, 1, 2, 80);
  assert_int_equal(mptcp_stack_listen(pb.st, &lb4), 0);
  pa.to_send = 4u << 20;
  assert_int_equal(mptcp_connect(pa.st, &pa.conn, &la4, &lb4, NULL, &pa, 0), 0);
  fs_touch(n, a);
  assert_true(fs_run(n, 20000000000ull) >= 0);
  res.received = pb.received;
  res.events = fs_get_stats(n)->events;
  res.now = fs_now(n);
  const fs_link_stats *s = fs_get_link_stats(n, lb, 0);
  res.drops = s->queue_drops + s->red_drops;
  if (red)
    assert_true(s->red_drops > 0);
  mptcp_stack_del(pa.st);
  mptcp_stack_del(pb.st);
  fs_del(n);
  return res;
}

static void test_transfer_and_determinism(void **state) {
  (void)state;
  result r1 = transfer(7, 0), r2 = transfer(7, 0), r3 = transfer(8, 0);
  assert_int_equal(r1.received, 4u << 20);
  assert_true(r1.drops > 0); /* slow start overflows the 20-packet queue */
  assert_int_equal(r1.events, r2.events);
  assert_int_equal(r1.drops, r2.drops);
  /* another seed: other keys, ports and ISNs, the same bytes */
  assert_int_equal(r3.received, 4u << 20);
  result q = transfer(7, 1);
  assert_int_equal(q.received, 4u << 20);
}

/* FQ-CoDel on its own: packets are small integers cast to pointers. */
typedef struct fq_drops {
  int n, codel;
  uint64_t first_codel_at, now;
  intptr_t last;
} fq_drops;

static void fq_drop_cb(void *user, void *pkt, int codel) {
  fq_drops *d = user;
  d->n++;
  d->last = (intptr_t)pkt;
  if (codel && !d->codel++)
    d->first_codel_at = d->now;
}

static void test_fq_codel(void **state) {
  (void)state;
  fs_fq_config c;
  fs_fq_config_default(&c);
  c.flows = 16;
  c.limit = 100;
  fq_drops dr = {0};
  fs_fq *q = fs_fq_new(&c, fq_drop_cb, &dr);
  assert_non_null(q);
  /* deficit round robin: a new flow is served at once, then the flows
   * alternate a quantum (one 1500-byte packet) each */
  for (intptr_t i = 1; i <= 6; i++)
    assert_int_equal(fs_fq_enqueue(q, (void *)i, 1500, 1, 0), 0);
  for (intptr_t i = 101; i <= 102; i++)
    assert_int_equal(fs_fq_enqueue(q, (void *)i, 1500, 2, 0), 0);
  const intptr_t order[] = {1, 101, 2, 102, 3, 4, 5, 6};
  for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
    assert_int_equal((intptr_t)fs_fq_dequeue(q, 0), order[k]);
  assert_null(fs_fq_dequeue(q, 0));
  assert_int_equal(fs_fq_packets(q), 0);
  fs_fq_del(q);

  /* over the limit: a batch from the head of the fattest queue, until half
   * its bytes are gone */
  c.limit = 4;
  q = fs_fq_new(&c, fq_drop_cb, &dr);
  for (intptr_t i = 1; i <= 4; i++)
    fs_fq_enqueue(q, (void *)i, 1500, 1, 0);
  fs_fq_enqueue(q, (void *)101, 1500, 2, 0);
  assert_int_equal(dr.n, 2);
  assert_int_equal(dr.last, 2);
  assert_int_equal(fs_fq_packets(q), 3);
  assert_int_equal((intptr_t)fs_fq_dequeue(q, 0), 3);
  fs_fq_del(q);

  /* CoDel: a standing queue of 10 ms (above the 5 ms target) is first
   * dropped from one interval (100 ms) after the sojourn first exceeded
   * the target; below the target, never */
  for (int standing = 10; standing >= 3; standing -= 7) {
    memset(&dr, 0, sizeof(dr));
    c.limit = 10240;
    q = fs_fq_new(&c, fq_drop_cb, &dr);
    const uint64_t ms = 1000000;
    intptr_t id = 1;
    for (int i = 0; i < standing; i++)
      fs_fq_enqueue(q, (void *)id++, 1500, 7, (uint64_t)i * ms);
    for (uint64_t t = (uint64_t)standing * ms; t <= 400 * ms; t += ms) {
      dr.now = t;
      fs_fq_enqueue(q, (void *)id++, 1500, 7, t);
      assert_non_null(fs_fq_dequeue(q, t));
    }
    if (standing == 10) {
      assert_true(dr.codel > 0);
      assert_true(dr.first_codel_at >= 110 * ms && dr.first_codel_at <= 111 * ms);
    } else {
      assert_int_equal(dr.codel, 0);
    }
    fs_fq_del(q);
  }
  fs_fq_config bad = c;
  bad.quantum = 0;
  assert_null(fs_fq_new(&bad, NULL, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_topology),
      cmocka_unit_test(test_hosts_do_not_forward),
      cmocka_unit_test(test_timing_and_droptail),
      cmocka_unit_test(test_ecmp),
      cmocka_unit_test(test_bound_addresses),
      cmocka_unit_test(test_transfer_and_determinism),
      cmocka_unit_test(test_fq_codel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
