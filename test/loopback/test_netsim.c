/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_netsim.c - unit tests of the loopback network alone.
 *
 * The two hosts are fakes behind netsim_host_ops: a fake emits the
 * segments a test queues into it (or that its own timer produces) and
 * records every segment it receives, so the tests see exactly what the
 * network did: when each packet arrived, on which path, whether it was
 * damaged. No protocol engine is involved.
 *
 * A fake segment is a 20-byte header that carries a packet id three times
 * (so the id survives one flipped bit, and the flip is still visible),
 * then optionally real payload bytes derived from the id, or a virtual
 * payload length.
 *
 * Expected times are computed by hand in each test from
 *   serialization = (20 + 20 + payload) * 8 / rate, then + delay.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netsim.h"

#define MS MPTCP_MS
#define US 1000ull
#define SEG_CAP 2048

/* ------------------------------------------------------------------ */
/* Fake hosts                                                          */
/* ------------------------------------------------------------------ */

typedef struct out_seg {
  uint32_t id;
  uint32_t path;
  uint32_t real;    /* real payload bytes */
  uint32_t virt;    /* virtual payload bytes */
  int spoof;        /* use an address that belongs to no path */
} out_seg;

typedef struct arrival {
  uint64_t t;
  uint32_t id;
  uint32_t path;    /* from the destination address */
  uint32_t len;
  uint32_t virt;
  int bits_flipped; /* against the segment as it was sent */
  int flipped_in_header;
} arrival;

typedef struct fake fake;
struct fake {
  netsim *ns;
  int id; /* NETSIM_A or NETSIM_B */
  out_seg *out;
  size_t out_head, out_len, out_cap;
  arrival *arr;
  size_t n_arr, arr_cap;
  uint64_t expiry;
  void (*on_timer)(fake *f, uint64_t now);
  /* periodic sender driven by the timer */
  uint64_t period;
  uint32_t to_send;
  uint32_t next_id;
  uint32_t seg_real, seg_virt, seg_path;
  uint64_t fire_times[8];
  size_t n_fires;
};

static void fake_init(fake *f, netsim *ns, int id) {
  memset(f, 0, sizeof(*f));
  f->ns = ns;
  f->id = id;
  f->expiry = MPTCP_TIME_NEVER;
}

static void fake_free(fake *f) {
  free(f->out);
  free(f->arr);
}

static void fake_queue(fake *f, uint32_t id, uint32_t path, uint32_t real,
                       uint32_t virt) {
  if (f->out_len == f->out_cap) {
    /* compact, then grow */
    if (f->out_head) {
      memmove(f->out, f->out + f->out_head, (f->out_len - f->out_head) * sizeof(out_seg));
      f->out_len -= f->out_head;
      f->out_head = 0;
    }
    if (f->out_len == f->out_cap) {
      f->out_cap = f->out_cap ? f->out_cap * 2 : 64;
      f->out = realloc(f->out, f->out_cap * sizeof(out_seg));
      assert_non_null(f->out);
    }
  }
  f->out[f->out_len++] = (out_seg){.id = id, .path = path, .real = real, .virt = virt};
}

static uint8_t payload_byte(uint32_t id, size_t i) {
  return (uint8_t)((id * 2654435761u) >> 24 ^ (uint32_t)i * 31u);
}

/* The bytes a fake sends for segment `id` with `real` payload bytes. */
static void fake_bytes(uint8_t *buf, uint32_t id, uint32_t real) {
  memset(buf, 0, 20);
  for (int k = 0; k < 3; k++)
    memcpy(buf + 4 * k, &id, 4);
  buf[12] = 0x50;
  for (uint32_t i = 0; i < real; i++)
    buf[20 + i] = payload_byte(id, i);
}

static int popcount8(uint8_t x) {
  int n = 0;
  for (; x; x &= (uint8_t)(x - 1))
    n++;
  return n;
}

static int fake_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap,
                      uint64_t now) {
  (void)now;
  fake *f = ep;
  if (f->out_head == f->out_len)
    return 0;
  out_seg *o = &f->out[f->out_head++];
  assert_true(cap >= 20 + o->real);
  memset(seg, 0, sizeof(*seg));
  netsim_path_addr(f->ns, o->path, f->id, &seg->src);
  netsim_path_addr(f->ns, o->path, 1 - f->id, &seg->dst);
  if (o->spoof)
    seg->src.ip[1] = (uint8_t)(1 - f->id);
  seg->src.port = 1000;
  seg->dst.port = 2000;
  fake_bytes(buf, o->id, o->real);
  seg->len = 20 + o->real;
  seg->hdr_len = 20;
  seg->payload_len = o->virt ? o->virt : o->real;
  seg->payload_virtual = o->virt != 0;
  return 1;
}

static int fake_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst,
                     const uint8_t *data, size_t len, size_t virtual_len,
                     uint64_t now) {
  fake *f = ep;
  assert_int_equal(dst->ip[1], f->id);
  assert_int_equal(src->ip[1], 1 - f->id);
  assert_int_equal(src->ip[2], dst->ip[2]);
  assert_true(len >= 20);
  /* The id is sent three times; one flipped bit spoils at most one copy. */
  uint32_t c[3];
  memcpy(c, data, 12);
  uint32_t true_id = (c[0] == c[1] || c[0] == c[2]) ? c[0] : c[1];
  uint8_t ref[SEG_CAP];
  uint32_t real = (uint32_t)len - 20;
  fake_bytes(ref, true_id, real);
  int flips = 0, in_hdr = 0;
  for (size_t i = 0; i < len; i++) {
    int d = popcount8(ref[i] ^ data[i]);
    flips += d;
    if (d && i < 20)
      in_hdr = 1;
  }
  if (f->n_arr == f->arr_cap) {
    f->arr_cap = f->arr_cap ? f->arr_cap * 2 : 1024;
    f->arr = realloc(f->arr, f->arr_cap * sizeof(arrival));
    assert_non_null(f->arr);
  }
  f->arr[f->n_arr++] = (arrival){.t = now,
                                 .id = true_id,
                                 .path = dst->ip[2],
                                 .len = (uint32_t)len,
                                 .virt = (uint32_t)virtual_len,
                                 .bits_flipped = flips,
                                 .flipped_in_header = in_hdr};
  return 0;
}

static uint64_t fake_get_expiry(void *ep) { return ((fake *)ep)->expiry; }

static int fake_handle_expiry(void *ep, uint64_t now) {
  fake *f = ep;
  assert_true(f->expiry <= now);
  f->expiry = MPTCP_TIME_NEVER;
  if (f->n_fires < 8)
    f->fire_times[f->n_fires] = now;
  f->n_fires++;
  if (f->on_timer)
    f->on_timer(f, now);
  return 0;
}

static const netsim_host_ops fake_ops = {
    .read = fake_read,
    .write = fake_write,
    .get_expiry = fake_get_expiry,
    .handle_expiry = fake_handle_expiry,
};

/* The periodic sender: one segment every `period`, `to_send` in all. */
static void periodic(fake *f, uint64_t now) {
  if (!f->to_send)
    return;
  fake_queue(f, f->next_id++, f->seg_path, f->seg_real, f->seg_virt);
  f->to_send--;
  if (f->to_send)
    f->expiry = now + f->period;
}

static void start_periodic(fake *f, uint64_t t0, uint64_t period, uint32_t n,
                           uint32_t real, uint32_t virt) {
  f->on_timer = periodic;
  f->period = period;
  f->to_send = n;
  f->seg_real = real;
  f->seg_virt = virt;
  f->expiry = t0;
  netsim_touch(f->ns, f->id);
}

/* A network with two fakes attached. */
typedef struct world {
  netsim *ns;
  fake a, b;
} world;

static void world_new(world *w, uint32_t paths, uint64_t seed,
                      const netsim_link_config *lc, int verify) {
  netsim_config c = {.seed = seed, .n_paths = paths, .seg_cap = SEG_CAP};
  assert_int_equal(netsim_new(&w->ns, &c), 0);
  for (uint32_t p = 0; p < paths; p++)
    assert_int_equal(netsim_set_link(w->ns, p, NETSIM_BOTH, lc), 0);
  fake_init(&w->a, w->ns, NETSIM_A);
  fake_init(&w->b, w->ns, NETSIM_B);
  assert_int_equal(netsim_set_host(w->ns, NETSIM_A, &fake_ops, &w->a, verify), 0);
  assert_int_equal(netsim_set_host(w->ns, NETSIM_B, &fake_ops, &w->b, verify), 0);
}

static void world_del(world *w) {
  netsim_del(w->ns);
  fake_free(&w->a);
  fake_free(&w->b);
}

/* An application event that queues a burst into host A. */
typedef struct burst {
  fake *f;
  uint32_t n, first_id, path, real, virt;
} burst;

static void burst_fire(netsim *ns, void *arg) {
  burst *b = arg;
  for (uint32_t i = 0; i < b->n; i++)
    fake_queue(b->f, b->first_id + i, b->path, b->real, b->virt);
  netsim_touch(ns, b->f->id);
}

static netsim_link_config link_cfg(uint64_t rate, uint64_t delay,
                                   uint32_t queue) {
  netsim_link_config c;
  netsim_link_config_default(&c);
  c.rate_bps = rate;
  c.delay_ns = delay;
  c.queue_pkts = queue;
  return c;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

/* 1500 wire bytes at 10 Mbit/s take 1.2 ms; 100 bytes at 1 Mbit/s 0.8 ms. */
static void test_serialization_and_delay(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 10 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  netsim_link_config back = link_cfg(1000000, 5 * MS, 100);
  assert_int_equal(netsim_set_link(w.ns, 0, NETSIM_B2A, &back), 0);

  burst ab = {.f = &w.a, .n = 3, .first_id = 1, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 0, burst_fire, &ab), 0);
  burst ba = {.f = &w.b, .n = 1, .first_id = 9, .real = 60};
  assert_int_equal(netsim_schedule(w.ns, 2 * MS, burst_fire, &ba), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);

  assert_int_equal(w.b.n_arr, 3);
  assert_int_equal(w.b.arr[0].t, 11200 * US);
  assert_int_equal(w.b.arr[1].t, 12400 * US);
  assert_int_equal(w.b.arr[2].t, 13600 * US);
  assert_int_equal(w.b.arr[0].virt, 1460);
  assert_int_equal(w.b.arr[0].len, 20);
  assert_int_equal(w.a.n_arr, 1);
  assert_int_equal(w.a.arr[0].t, 2 * MS + 800 * US + 5 * MS);
  assert_int_equal(w.a.arr[0].len, 80);
  assert_int_equal(w.a.arr[0].bits_flipped, 0);

  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_int_equal(s->sent, 3);
  assert_int_equal(s->delivered, 3);
  assert_int_equal(s->delivered_bytes, 3 * 1500);
  assert_int_equal(s->max_queue, 2);
  assert_int_equal(netsim_now(w.ns), 13600 * US);
  world_del(&w);
}

/* Serialization with a fractional-nanosecond time: 3 Mbit/s and 1000
 * wire bytes is 2666666.67 ns; the remainders add up, so 3 packets take
 * exactly 8 ms. */
static void test_exact_rate(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(3000000, 0, 100);
  world_new(&w, 1, 1, &lc, 1);
  burst ab = {.f = &w.a, .n = 3, .first_id = 1, .virt = 960};
  assert_int_equal(netsim_schedule(w.ns, 0, burst_fire, &ab), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 3);
  assert_int_equal(w.b.arr[0].t, 2666666);
  assert_int_equal(w.b.arr[1].t, 5333333);
  assert_int_equal(w.b.arr[2].t, 8000000);
  world_del(&w);
}

/* A burst of 20 into a queue of 5: one on the wire, 5 waiting, 14 lost. */
static void test_drop_tail(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 1 * MS, 5);
  world_new(&w, 1, 1, &lc, 1);
  burst ab = {.f = &w.a, .n = 20, .first_id = 100, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 0, burst_fire, &ab), 0);
  /* once the queue has drained, there is room again */
  burst later = {.f = &w.a, .n = 1, .first_id = 500, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 8 * MS, burst_fire, &later), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);

  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_int_equal(s->sent, 21);
  assert_int_equal(s->queue_drops, 14);
  assert_int_equal(s->delivered, 7);
  assert_int_equal(s->max_queue, 5);
  assert_int_equal(w.b.n_arr, 7);
  for (uint32_t i = 0; i < 6; i++) {
    assert_int_equal(w.b.arr[i].id, 100 + i);
    assert_int_equal(w.b.arr[i].t, (i + 1) * 1200 * US + 1 * MS);
  }
  assert_int_equal(w.b.arr[6].id, 500);
  assert_int_equal(w.b.arr[6].t, 8 * MS + 1200 * US + 1 * MS);
  world_del(&w);
}

/* The queue counts packets waiting, so a packet arriving exactly when
 * the previous one finishes serialization finds the link idle. */
static void test_queue_boundary(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 0, 0);
  world_new(&w, 1, 1, &lc, 1);
  burst b1 = {.f = &w.a, .n = 2, .first_id = 1, .virt = 1460};
  burst b2 = {.f = &w.a, .n = 1, .first_id = 3, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 0, burst_fire, &b1), 0);
  assert_int_equal(netsim_schedule(w.ns, 1200 * US, burst_fire, &b2), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_int_equal(s->queue_drops, 1); /* the second of the first burst */
  assert_int_equal(w.b.n_arr, 2);
  assert_int_equal(w.b.arr[0].id, 1);
  assert_int_equal(w.b.arr[1].id, 3);
  assert_int_equal(w.b.arr[1].t, 2400 * US);
  world_del(&w);
}

static void assert_near(double got, double want, double tol) {
  if (got < want - tol || got > want + tol) {
    print_error("%f not within %f of %f\n", got, tol, want);
    fail();
  }
}

/* 100000 packets: loss, duplication and reordering counts within five
 * standard deviations of their expectation. */
static void test_probabilities(void **state) {
  (void)state;
  const uint32_t n = 100000;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  lc.loss = 0.1;
  lc.duplicate = 0.05;
  lc.reorder = 0.2;
  world_new(&w, 1, 42, &lc, 1);
  start_periodic(&w.a, 0, 10 * US, n, 0, 100);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);

  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  /* loss: Bin(n, 0.1), sd = sqrt(n * 0.1 * 0.9) = 94.9 */
  assert_near((double)s->random_losses, n * 0.1, 5 * 94.9);
  uint64_t kept = n - s->random_losses;
  /* duplicates: Bin(kept, 0.05) */
  double sd_dup = __builtin_sqrt((double)kept * 0.05 * 0.95);
  assert_near((double)s->duplicates, (double)kept * 0.05, 5 * sd_dup);
  /* every survivor and copy is reordered with p = 0.2 */
  uint64_t on_wire = kept + s->duplicates;
  double sd_re = __builtin_sqrt((double)on_wire * 0.2 * 0.8);
  assert_near((double)s->reorders, (double)on_wire * 0.2, 5 * sd_re);
  assert_int_equal(s->sent, n + s->duplicates);
  assert_int_equal(s->delivered, on_wire);
  assert_int_equal(w.b.n_arr, on_wire);
  assert_int_equal(s->queue_drops + s->failure_drops + s->corrupt_drops, 0);

  /* reordering really reorders, and within its bound (2 x delay) */
  uint32_t inversions = 0, max_id = 0;
  for (size_t i = 0; i < w.b.n_arr; i++) {
    const arrival *a = &w.b.arr[i];
    uint64_t sent_at = (uint64_t)a->id * 10 * US;
    assert_true(a->t >= sent_at + 1 * MS);
    assert_true(a->t <= sent_at + 3 * MS);
    if (a->id < max_id)
      inversions++;
    if (a->id > max_id)
      max_id = a->id;
  }
  assert_true(inversions > 1000);
  world_del(&w);
}

/* Loss 0 and 1 draw nothing and are exact. */
static void test_probability_extremes(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  lc.loss = 1.0;
  world_new(&w, 1, 7, &lc, 1);
  netsim_link_config ok = link_cfg(0, 1 * MS, 100);
  assert_int_equal(netsim_set_link(w.ns, 0, NETSIM_B2A, &ok), 0);
  start_periodic(&w.a, 0, 1 * MS, 1000, 0, 100);
  start_periodic(&w.b, 0, 1 * MS, 1000, 0, 100);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 0);
  assert_int_equal(w.a.n_arr, 1000);
  assert_int_equal(netsim_get_link_stats(w.ns, 0, NETSIM_A2B)->random_losses, 1000);
  world_del(&w);

  netsim_config c = {.seed = 1, .n_paths = 1, .seg_cap = SEG_CAP};
  netsim *ns;
  assert_int_equal(netsim_new(&ns, &c), 0);
  netsim_link_config bad = link_cfg(0, 0, 1);
  bad.loss = 1.5;
  assert_int_equal(netsim_set_link(ns, 0, NETSIM_A2B, &bad), NETSIM_ERR_ARG);
  bad.loss = -0.1;
  assert_int_equal(netsim_set_link(ns, 0, NETSIM_A2B, &bad), NETSIM_ERR_ARG);
  bad.loss = 0;
  assert_int_equal(netsim_set_link(ns, 1, NETSIM_A2B, &bad), NETSIM_ERR_ARG);
  assert_int_equal(netsim_set_link(ns, 0, 7, &bad), NETSIM_ERR_ARG);
  assert_int_equal(netsim_add_failure(ns, 0, NETSIM_BOTH, 5, 5), NETSIM_ERR_ARG);
  netsim_del(ns);
  c.n_paths = 0;
  assert_int_equal(netsim_new(&ns, &c), NETSIM_ERR_ARG);
}

/* Link down during [1 s, 2 s): one 1500-byte packet every 10 ms. */
static void test_failure_window(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 10 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  assert_int_equal(netsim_add_failure(w.ns, 0, NETSIM_BOTH, 1000 * MS, 2000 * MS), 0);
  start_periodic(&w.a, 0, 10 * MS, 300, 0, 1460);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  /* sent at 1000, 1010, ..., 1990 ms: 100 packets */
  assert_int_equal(s->failure_drops, 100);
  assert_int_equal(s->delivered, 200);
  for (size_t i = 0; i < w.b.n_arr; i++) {
    uint64_t sent_at = (uint64_t)w.b.arr[i].id * 10 * MS;
    assert_true(sent_at < 1000 * MS || sent_at >= 2000 * MS);
    assert_int_equal(w.b.arr[i].t, sent_at + 11200 * US);
  }
  world_del(&w);
}

/* A link going down flushes its queue and the packet being serialized,
 * but not what is already propagating. */
static void test_failure_flushes_queue(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 10 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  assert_int_equal(netsim_add_failure(w.ns, 0, NETSIM_A2B, 1000 * MS, 1005 * MS), 0);
  burst b = {.f = &w.a, .n = 10, .first_id = 1, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 997 * MS, burst_fire, &b), 0);
  burst after = {.f = &w.a, .n = 1, .first_id = 50, .virt = 1460};
  assert_int_equal(netsim_schedule(w.ns, 1005 * MS, burst_fire, &after), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  /* finishes at 998.2, 999.4 (delivered), 1000.6 ... (flushed) */
  assert_int_equal(s->failure_drops, 8);
  assert_int_equal(w.b.n_arr, 3);
  assert_int_equal(w.b.arr[0].t, 1008200 * US);
  assert_int_equal(w.b.arr[1].t, 1009400 * US);
  /* the link is idle again when it comes back up */
  assert_int_equal(w.b.arr[2].id, 50);
  assert_int_equal(w.b.arr[2].t, 1005 * MS + 11200 * US);
  world_del(&w);
}

/* Corruption of a real payload: exactly one bit flipped, anywhere. */
static void test_corruption_real(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  lc.corrupt = 1.0;
  world_new(&w, 1, 3, &lc, 1);
  start_periodic(&w.a, 0, 10 * US, 2000, 200, 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 2000);
  size_t in_hdr = 0;
  for (size_t i = 0; i < w.b.n_arr; i++) {
    assert_int_equal(w.b.arr[i].bits_flipped, 1);
    in_hdr += (size_t)w.b.arr[i].flipped_in_header;
  }
  /* 20 of 220 bytes are header: about 9% */
  assert_true(in_hdr > 80 && in_hdr < 300);
  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_int_equal(s->corruptions, 2000);
  assert_int_equal(s->corrupt_drops, 0);
  world_del(&w);
}

/* Virtual payload: the flipped bit is in the header; a receiver that does
 * not verify checksums never sees a corrupted packet. */
static void test_corruption_virtual(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  lc.corrupt = 1.0;
  world_new(&w, 1, 3, &lc, 1);
  start_periodic(&w.a, 0, 10 * US, 500, 0, 1000);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 500);
  for (size_t i = 0; i < w.b.n_arr; i++) {
    assert_int_equal(w.b.arr[i].bits_flipped, 1);
    assert_int_equal(w.b.arr[i].flipped_in_header, 1);
    assert_int_equal(w.b.arr[i].virt, 1000);
  }
  world_del(&w);

  lc.corrupt = 0.3;
  world_new(&w, 1, 3, &lc, 0);
  start_periodic(&w.a, 0, 10 * US, 10000, 0, 1000);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  const netsim_link_stats *s = netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_int_equal(s->corruptions, s->corrupt_drops);
  assert_near((double)s->corrupt_drops, 3000, 5 * 45.8);
  assert_int_equal(w.b.n_arr, 10000 - s->corrupt_drops);
  for (size_t i = 0; i < w.b.n_arr; i++)
    assert_int_equal(w.b.arr[i].bits_flipped, 0);
  world_del(&w);
}

/* Routing by source address: path i has delay i + 1 ms both ways; a
 * source address that is not the sender's own is unroutable. */
static void test_routing(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  world_new(&w, 3, 1, &lc, 1);
  for (uint32_t p = 0; p < 3; p++) {
    netsim_link_config c = link_cfg(0, (p + 1) * MS, 100);
    assert_int_equal(netsim_set_link(w.ns, p, NETSIM_BOTH, &c), 0);
  }
  for (uint32_t p = 0; p < 3; p++) {
    fake_queue(&w.a, 10 + p, p, 8, 0);
    fake_queue(&w.b, 20 + p, p, 0, 0);
  }
  fake_queue(&w.a, 99, 0, 0, 0);
  w.a.out[w.a.out_len - 1].spoof = 1;
  netsim_touch(w.ns, NETSIM_A);
  netsim_touch(w.ns, NETSIM_B);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 3);
  assert_int_equal(w.a.n_arr, 3);
  for (uint32_t p = 0; p < 3; p++) {
    assert_int_equal(w.b.arr[p].path, p);
    assert_int_equal(w.b.arr[p].id, 10 + p);
    assert_int_equal(w.b.arr[p].t, (p + 1) * MS);
    assert_int_equal(w.a.arr[p].path, p);
    assert_int_equal(w.a.arr[p].id, 20 + p);
    assert_int_equal(w.a.arr[p].t, (p + 1) * MS);
  }
  assert_int_equal(netsim_get_stats(w.ns)->unroutable, 1);
  mptcp_addr a;
  netsim_path_addr(w.ns, 2, NETSIM_B, &a);
  assert_int_equal(a.family, 4);
  assert_memory_equal(a.ip, ((uint8_t[]){10, 1, 2, 1}), 4);
  world_del(&w);
}

/* Timers: moved earlier, fired, then moved later; the stale events never
 * fire the host early. */
static void set_expiry_3ms(netsim *ns, void *arg) {
  ((fake *)arg)->expiry = 3 * MS;
  netsim_touch(ns, NETSIM_A);
}
static void set_expiry_10ms(netsim *ns, void *arg) {
  ((fake *)arg)->expiry = 10 * MS;
  netsim_touch(ns, NETSIM_A);
}
static void rearm_8ms(fake *f, uint64_t now) {
  (void)now;
  if (f->n_fires == 1)
    f->expiry = 8 * MS;
}
static void test_timer(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  w.a.expiry = 5 * MS;
  w.a.on_timer = rearm_8ms;
  assert_int_equal(netsim_schedule(w.ns, 1 * MS, set_expiry_3ms, &w.a), 0);
  assert_int_equal(netsim_schedule(w.ns, 4 * MS, set_expiry_10ms, &w.a), 0);
  assert_int_equal(netsim_run(w.ns, 20 * MS), 0);
  /* 5 ms moved to 3 ms (fires), re-armed at 8 ms, moved to 10 ms */
  assert_int_equal(w.a.n_fires, 2);
  assert_int_equal(w.a.fire_times[0], 3 * MS);
  assert_int_equal(w.a.fire_times[1], 10 * MS);
  world_del(&w);
}

static void stop_at(netsim *ns, void *arg) {
  (void)arg;
  netsim_stop(ns);
}

static void test_run_until_and_stop(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(10000000, 10 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  start_periodic(&w.a, 0, 1 * MS, 100, 0, 100);
  assert_int_equal(netsim_run(w.ns, 50 * MS), 0);
  assert_int_equal(netsim_now(w.ns), 50 * MS);
  /* sent at 0..39 ms arrive by 49.112 ms; the one sent at 40 ms at
   * 50.112 ms */
  assert_int_equal(w.b.n_arr, 40);
  assert_int_equal(netsim_schedule(w.ns, 70 * MS, stop_at, NULL), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 1);
  assert_int_equal(netsim_now(w.ns), 70 * MS);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 100);
  world_del(&w);
}

/* A burst much larger than the initial pool: the pool grows. */
static void test_pool_growth(void **state) {
  (void)state;
  world w;
  netsim_link_config lc = link_cfg(0, 1 * MS, 100);
  world_new(&w, 1, 1, &lc, 1);
  burst b = {.f = &w.a, .n = 5000, .first_id = 0, .real = 1000};
  assert_int_equal(netsim_schedule(w.ns, 0, burst_fire, &b), 0);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  assert_int_equal(w.b.n_arr, 5000);
  for (size_t i = 0; i < 5000; i++) {
    assert_int_equal(w.b.arr[i].id, i);
    assert_int_equal(w.b.arr[i].bits_flipped, 0);
  }
  assert_true(netsim_get_stats(w.ns)->pool_size >= 5000);
  world_del(&w);
}

/* Same seed, same trace; another seed, another trace. */
typedef struct trace_hash {
  uint64_t h;
  uint64_t n;
} trace_hash;

static void hash_obs(void *user, enum netsim_obs what, const netsim_pkt_view *p,
                     uint64_t now) {
  trace_hash *th = user;
  uint32_t id;
  memcpy(&id, p->data, 4);
  uint64_t v[4] = {(uint64_t)what, now, id, (uint64_t)p->corrupted << 32 | p->dir};
  for (int i = 0; i < 4; i++) {
    th->h ^= v[i];
    th->h *= 0x100000001b3ull;
  }
  th->n++;
}

static void run_chaos(uint64_t seed, trace_hash *th, netsim_link_stats *st) {
  world w;
  netsim_link_config lc = link_cfg(20000000, 5 * MS, 20);
  lc.loss = 0.05;
  lc.reorder = 0.1;
  lc.duplicate = 0.05;
  lc.corrupt = 0.01;
  world_new(&w, 2, seed, &lc, 1);
  memset(th, 0, sizeof(*th));
  th->h = 0xcbf29ce484222325ull;
  netsim_set_observer(w.ns, hash_obs, th);
  assert_int_equal(netsim_add_failure(w.ns, 1, NETSIM_BOTH, 100 * MS, 150 * MS), 0);
  /* offered 1500 B every 500 us = 24 Mbit/s > 20: the queue overflows */
  start_periodic(&w.a, 0, 500 * US, 20000, 0, 1460);
  start_periodic(&w.b, 0, 700 * US, 20000, 0, 1460);
  w.b.seg_path = 1;
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  *st = *netsim_get_link_stats(w.ns, 0, NETSIM_A2B);
  assert_true(st->queue_drops > 0);
  assert_true(netsim_get_link_stats(w.ns, 1, NETSIM_B2A)->failure_drops > 0);
  world_del(&w);
}

static void test_determinism(void **state) {
  (void)state;
  trace_hash h1, h2, h3;
  netsim_link_stats s1, s2, s3;
  run_chaos(1234, &h1, &s1);
  run_chaos(1234, &h2, &s2);
  run_chaos(1235, &h3, &s3);
  assert_int_equal(h1.n, h2.n);
  assert_int_equal(h1.h, h2.h);
  assert_memory_equal(&s1, &s2, sizeof(s1));
  assert_int_not_equal(h1.h, h3.h);
}

static void test_rng(void **state) {
  (void)state;
  netsim_rng a, b, c;
  netsim_rng_seed(&a, 5, 0);
  netsim_rng_seed(&b, 5, 0);
  netsim_rng_seed(&c, 5, 1);
  int same_c = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = netsim_rng_next(&a);
    assert_int_equal(x, netsim_rng_next(&b));
    same_c += x == netsim_rng_next(&c);
  }
  assert_int_equal(same_c, 0);
  /* netsim_rng_below stays below and covers the range */
  int seen[10] = {0};
  for (int i = 0; i < 10000; i++) {
    uint64_t v = netsim_rng_below(&a, 10);
    assert_true(v < 10);
    seen[v]++;
  }
  for (int i = 0; i < 10; i++)
    assert_true(seen[i] > 800 && seen[i] < 1200);
  uint8_t buf[13] = {0};
  netsim_rng_fill(&a, buf, sizeof(buf));
  int nonzero = 0;
  for (size_t i = 0; i < sizeof(buf); i++)
    nonzero += buf[i] != 0;
  assert_true(nonzero > 8);
}

/* ------------------------------------------------------------------ */
/* The tap (netsim_set_tap)                                            */
/* ------------------------------------------------------------------ */

typedef struct tap {
  netsim *ns;
  uint32_t seen_ids[16];
  uint32_t seen_path[16];
  size_t n_seen;
  int injected; /* forgeries queued after the first segment seen */
} tap;

static int tap_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst,
                    const uint8_t *data, size_t len, size_t virtual_len,
                    uint64_t now) {
  (void)dst;
  (void)virtual_len;
  (void)now;
  tap *t = ep;
  assert_true(len >= 20);
  assert_true(t->n_seen < 16);
  memcpy(&t->seen_ids[t->n_seen], data, 4);
  t->seen_path[t->n_seen++] = src->ip[2];
  return 0;
}

/* After the first segment seen: one forgery to A and one to B, spoofed
 * from the other host on path 1, and one to an address of no host. */
static int tap_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap,
                     uint64_t now) {
  (void)now;
  (void)cap;
  tap *t = ep;
  if (!t->n_seen || t->injected == 3)
    return 0;
  int to = t->injected == 0 ? NETSIM_A : NETSIM_B;
  memset(seg, 0, sizeof(*seg));
  netsim_path_addr(t->ns, 1, 1 - to, &seg->src);
  netsim_path_addr(t->ns, 1, to, &seg->dst);
  if (t->injected == 2)
    seg->dst.ip[0] = 192;
  fake_bytes(buf, 100u + (uint32_t)t->injected, 0);
  seg->len = seg->hdr_len = 20;
  t->injected++;
  return 1;
}

static uint64_t tap_expiry(void *ep) {
  (void)ep;
  return MPTCP_TIME_NEVER;
}

static int tap_handle(void *ep, uint64_t now) {
  (void)ep;
  (void)now;
  return 0;
}

static void test_tap(void **state) {
  (void)state;
  netsim_link_config lc;
  netsim_link_config_default(&lc);
  lc.rate_bps = 0;
  lc.delay_ns = 10 * MS;
  world w;
  world_new(&w, 2, 1, &lc, 1);
  tap t = {.ns = w.ns};
  netsim_host_ops ops = {.read = tap_read, .write = tap_write,
                         .get_expiry = tap_expiry, .handle_expiry = tap_handle};
  assert_int_equal(netsim_set_tap(w.ns, 2, &ops, &t, 1), NETSIM_ERR_ARG); /* no path 2 */
  assert_int_equal(netsim_set_tap(w.ns, 1, &ops, &t, 1), 0);
  fake_queue(&w.a, 1, 0, 0, 0);
  fake_queue(&w.a, 2, 1, 0, 0);
  fake_queue(&w.b, 3, 1, 0, 0);
  netsim_touch(w.ns, NETSIM_A);
  netsim_touch(w.ns, NETSIM_B);
  assert_int_equal(netsim_run(w.ns, MPTCP_TIME_NEVER), 0);
  /* the tap saw path 1's segments only, not its own */
  assert_int_equal(t.n_seen, 2);
  assert_int_equal(t.seen_ids[0], 2);
  assert_int_equal(t.seen_ids[1], 3);
  assert_int_equal(t.seen_path[0], 1);
  assert_int_equal(t.injected, 3);
  const netsim_stats *st = netsim_get_stats(w.ns);
  assert_int_equal(st->tap_seen, 2);
  assert_int_equal(st->injected, 2);
  assert_int_equal(st->unroutable, 1);
  /* each forgery crossed path 1 toward its destination, after the delay */
  assert_int_equal(w.a.n_arr, 2);
  assert_int_equal(w.a.arr[1].id, 100);
  assert_int_equal(w.a.arr[1].path, 1);
  assert_int_equal(w.a.arr[1].t, 10 * MS);
  assert_int_equal(w.b.n_arr, 3);
  assert_int_equal(w.b.arr[2].id, 101);
  assert_int_equal(netsim_get_link_stats(w.ns, 1, NETSIM_B2A)->sent, 2);
  assert_int_equal(netsim_get_link_stats(w.ns, 1, NETSIM_A2B)->sent, 2);
  world_del(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_serialization_and_delay),
      cmocka_unit_test(test_exact_rate),
      cmocka_unit_test(test_drop_tail),
      cmocka_unit_test(test_queue_boundary),
      cmocka_unit_test(test_probabilities),
      cmocka_unit_test(test_probability_extremes),
      cmocka_unit_test(test_failure_window),
      cmocka_unit_test(test_failure_flushes_queue),
      cmocka_unit_test(test_corruption_real),
      cmocka_unit_test(test_corruption_virtual),
      cmocka_unit_test(test_routing),
      cmocka_unit_test(test_timer),
      cmocka_unit_test(test_run_until_and_stop),
      cmocka_unit_test(test_pool_growth),
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_rng),
      cmocka_unit_test(test_tap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
