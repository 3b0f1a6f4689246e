/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of host.c and conn.c, below the end-to-end tests: a real
 * stack (its memory hooks, cap and randomness) with connections and
 * subflows made by the internal calls, no segment exchanged.
 *   host.c: the 4-tuple table (insert, lookup, duplicates, removal
 *     leaving tombstones, growth and rebuild over many entries), the token
 *     table, the output FIFO, the bounded queue of stateless RSTs, the
 *     challenge-ACK limit (1000 per second), memory accounting and cap;
 *   conn.c: subflow slots (max_subflows), the receive window's edge and
 *     lazy ring under the memory cap, the send ring's copy across the wrap,
 *     plain-TCP acknowledgements, and the connection's part when a
 *     subflow ends (struct sf_owner_ops): plain TCP closes at TIME-WAIT,
 *     MPTCP only with its last subflow, a reset of the last subflow before
 *     the DATA_FINs is a reset, a timeout takes the other subflows along.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void det_rand(uint8_t *d, size_t n, void *ud) {
  uint32_t *x = ud;
  for (size_t i = 0; i < n; i++) {
    *x = *x * 1103515245u + 12345u;
    d[i] = (uint8_t)(*x >> 16);
  }
}

static uint32_t seed = 1;
static int closed_calls, close_reason;
static void on_closed(mptcp_conn *c, int reason, void *ud) {
  (void)c, (void)ud;
  closed_calls++;
  close_reason = reason;
}

static mptcp_stack *new_stack(const mptcp_config *cfg) {
  mptcp_stack *s = NULL;
  mptcp_callbacks cb;
  memset(&cb, 0, sizeof(cb));
  cb.closed = on_closed;
  assert_int_equal(mptcp_stack_new(&s, cfg, NULL, det_rand, &cb, &seed), MPTCP_OK);
  closed_calls = 0;
  close_reason = -1;
  return s;
}

static mptcp_addr v4(uint8_t last, uint16_t port) {
  mptcp_addr a;
  memset(&a, 0, sizeof(a));
  a.family = 4;
  a.ip[0] = 10;
  a.ip[3] = last;
  a.port = port;
  return a;
}

/* ---- host.c ---- */

static void test_tuple_table(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  enum { N = 1000 };
  static struct tcp_sf sf[N];
  memset(sf, 0, sizeof(sf));
  for (int i = 0; i < N; i++) {
    sf[i].local = v4(1, (uint16_t)(1000 + i));
    sf[i].remote = v4(2, 80);
    assert_int_equal(stack_table_insert(s, &sf[i]), MPTCP_OK);
    assert_true(sf[i].in_table);
  }
  /* grown at half load, every entry still found */
  assert_true(s->table_cap >= 2 * N);
  for (int i = 0; i < N; i++)
    assert_ptr_equal(stack_table_lookup(s, &sf[i].local, &sf[i].remote), &sf[i]);
  mptcp_addr other = v4(3, 80);
  assert_null(stack_table_lookup(s, &sf[0].local, &other));
  /* the same 4-tuple twice is refused */
  struct tcp_sf dup;
  memset(&dup, 0, sizeof(dup));
  dup.local = sf[7].local;
  dup.remote = sf[7].remote;
  assert_int_equal(stack_table_insert(s, &dup), MPTCP_ERR_ADDR_IN_USE);
  /* removal leaves a tombstone: the entries behind it are still found */
  for (int i = 0; i < N; i += 2)
    stack_table_remove(s, &sf[i]);
  for (int i = 0; i < N; i++)
    assert_ptr_equal(stack_table_lookup(s, &sf[i].local, &sf[i].remote),
                     i % 2 ? &sf[i] : NULL);
  stack_table_remove(s, &sf[0]); /* twice: nothing */
  /* reinserting reuses the room (a rebuild drops the tombstones) */
  uint32_t cap = s->table_cap;
  for (int i = 0; i < N; i += 2)
    assert_int_equal(stack_table_insert(s, &sf[i]), MPTCP_OK);
  assert_int_equal(s->table_cap, cap);
  for (int i = 0; i < N; i++)
    stack_table_remove(s, &sf[i]);
  mptcp_stack_del(s);
}

static void test_token_table(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  enum { N = 300 };
  static struct mptcp_conn c[N];
  memset(c, 0, sizeof(c));
  for (int i = 0; i < N; i++) {
    c[i].token_local = 0x9e3779b9u * (uint32_t)(i + 1);
    assert_int_equal(stack_token_insert(s, &c[i]), MPTCP_OK);
  }
  for (int i = 0; i < N; i++)
    assert_ptr_equal(stack_token_lookup(s, c[i].token_local), &c[i]);
  struct mptcp_conn same;
  memset(&same, 0, sizeof(same));
  same.token_local = c[5].token_local; /* a token in use is refused */
  assert_int_equal(stack_token_insert(s, &same), MPTCP_ERR_ADDR_IN_USE);
  for (int i = 0; i < N; i += 3)
    stack_token_remove(s, &c[i]);
  for (int i = 0; i < N; i++)
    assert_ptr_equal(stack_token_lookup(s, c[i].token_local), i % 3 ? &c[i] : NULL);
  for (int i = 0; i < N; i++)
    stack_token_remove(s, &c[i]);
  mptcp_stack_del(s);
}

static void test_output_fifo(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  struct mptcp_conn a, b, c;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  stack_mark_output(s, &a);
  stack_mark_output(s, &b);
  stack_mark_output(s, &a); /* once in the list */
  stack_mark_output(s, &c);
  struct mptcp_conn *order[3];
  for (int i = 0; i < 3; i++) {
    order[i] = s->out_head;
    stack_out_pop(s);
  }
  assert_ptr_equal(order[0], &a);
  assert_ptr_equal(order[1], &b);
  assert_ptr_equal(order[2], &c);
  assert_null(s->out_head);
  assert_null(s->out_tail);
  assert_false(a.on_out_list || b.on_out_list || c.on_out_list);
  mptcp_stack_del(s);
}

static void test_rst_queue_and_challenge_limit(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  mptcp_addr l = v4(1, 80), r = v4(2, 4000);
  for (int i = 0; i < 2 * STACK_RST_QUEUE; i++)
    stack_queue_rst(s, &l, &r, (uint32_t)i, 0, 0);
  assert_int_equal(s->rst_n, STACK_RST_QUEUE); /* bounded: the rest dropped */
  uint8_t buf[128];
  mptcp_segment seg;
  int sent = 0;
  while (mptcp_stack_write(s, &seg, buf, sizeof(buf), 0) == 1)
    sent++;
  assert_int_equal(sent, STACK_RST_QUEUE);
  stack_queue_mp_rst(s, &l, &r, 5, 0, 0, MPTCP_RST_FLAG_T, MPTCP_RST_ERESOURCE);
  assert_int_equal(mptcp_stack_write(s, &seg, buf, sizeof(buf), 0), 1);
  mptcp_tcphdr th;
  assert_true(mptcp_tcphdr_decode(&th, buf, seg.len) > 0);
  assert_true(th.opts & MPTCP_OPT_MP_TCPRST);
  assert_int_equal(th.tcprst.flags, MPTCP_RST_FLAG_T);
  assert_int_equal(th.tcprst.reason, MPTCP_RST_ERESOURCE);
  /* RFC 5961 section 7: at most 1000 challenge ACKs a second per host */
  uint64_t t = 5 * MPTCP_S;
  int allowed = 0;
  for (int i = 0; i < 1500; i++)
    allowed += stack_challenge_ack_allowed(s, t + (uint64_t)i * MPTCP_MS / 2);
  assert_int_equal(allowed, 1000);
  assert_true(stack_challenge_ack_allowed(s, t + MPTCP_S));
  assert_int_equal(mptcp_stack_counter(s, MPTCP_MIB_CHALLENGE_ACK), 1001);
  mptcp_stack_del(s);
}

static void test_memory_accounting_and_cap(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  uint64_t base = mptcp_stack_mem_used(s);
  void *p = stack_alloc(s, 1000);
  assert_non_null(p);
  assert_int_equal(mptcp_stack_mem_used(s), base + 1000);
  uint8_t *z = stack_calloc(s, 64);
  for (int i = 0; i < 64; i++)
    assert_int_equal(z[i], 0);
  assert_int_equal(mptcp_stack_set_mem_cap(s, base + 1100), MPTCP_OK);
  assert_null(stack_alloc(s, 100)); /* 1064 + 100 > 1100 */
  stack_free(s, z, 64);
  void *q = stack_alloc(s, 100);
  assert_non_null(q);
  stack_free(s, q, 100);
  stack_free(s, NULL, 5); /* nothing */
  assert_int_equal(mptcp_stack_mem_used(s), base + 1000);
  stack_free(s, p, 1000);
  assert_int_equal(mptcp_stack_mem_used(s), base);
  mptcp_stack_del(s);
}

/* ---- conn.c ---- */

static struct mptcp_conn *new_conn(mptcp_stack *s, int mp) {
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.mptcp = (uint8_t)mp;
  cfg.max_subflows = 3;
  cfg.rcvbuf = 1u << 20;
  mptcp_addr l = v4(1, 5000), r = v4(2, 80);
  struct mptcp_conn *c = conn_new(s, &cfg, &l, &r);
  assert_non_null(c);
  c->mp = (uint8_t)mp;
  c->accepted = 1;
  return c;
}

static void test_subflow_slots(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  struct mptcp_conn *c = new_conn(s, 1);
  assert_ptr_equal(c->owner, &conn_sf_owner);
  struct tcp_sf *a, *b, *x;
  mptcp_addr l = v4(3, 0), r = v4(2, 80);
  assert_int_equal(conn_add_subflow(c, &a, &l, &r), MPTCP_OK);
  assert_int_equal(conn_add_subflow(c, &b, &l, &r), MPTCP_OK);
  assert_int_equal(conn_add_subflow(c, &x, &l, &r), MPTCP_ERR_STATE); /* max_subflows 3 */
  assert_int_equal(c->n_sf, 3);
  assert_int_equal(a->idx, 1);
  assert_int_equal(b->idx, 2);
  conn_free_subflow(c, a); /* a refused join: its slot back */
  assert_int_equal(c->n_sf, 2);
  assert_ptr_equal(c->sfs[1], b);
  assert_int_equal(b->idx, 1);
  conn_free_subflow(c, &c->sf); /* never the initial one */
  assert_int_equal(c->n_sf, 2);
  conn_destroy(c);
  mptcp_stack_del(s);
}

static void test_buffers(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  struct mptcp_conn *c = new_conn(s, 0);
  /* the window's right edge follows what the application read */
  assert_int_equal(c->owner->rcv_space(c), 1u << 20);
  c->rcv_read = 1000;
  assert_int_equal(c->owner->rcv_space(c), 1000 + (1u << 20));
  /* no ring until a byte comes; then one that holds it, within the cap */
  assert_null(c->rcv_ring);
  uint64_t before = mptcp_stack_mem_used(s);
  assert_int_equal(c->owner->rcv_reserve(c, 1500), 0);
  assert_non_null(c->rcv_ring);
  assert_true(mptcp_stack_mem_used(s) > before);
  uint8_t in[300];
  for (int i = 0; i < 300; i++)
    in[i] = (uint8_t)i;
  c->owner->data_in(c, 1000, in, 300);
  assert_memory_equal(c->rcv_ring + 1000 % c->rcv_cap, in, 300);
  assert_int_equal(mptcp_stack_set_mem_cap(s, mptcp_stack_mem_used(s)), MPTCP_OK);
  uint32_t small = c->rcv_cap; /* the first ring: less than rcvbuf */
  assert_true(small < (1u << 20));
  assert_int_equal(c->owner->rcv_reserve(c, 1000 + (512u << 10)), MPTCP_ERR_NOMEM);
  assert_int_equal(c->rcv_cap, small);
  assert_int_equal(mptcp_stack_set_mem_cap(s, 0), MPTCP_OK);
  /* the send ring read back across its wrap */
  uint8_t out[64 * 1024];
  for (size_t i = 0; i < sizeof(out); i++)
    out[i] = (uint8_t)(i * 7);
  assert_int_equal(mptcp_conn_send(c, out, sizeof(out), 0), (int)sizeof(out));
  uint32_t cap = c->snd_cap;
  uint8_t got[100];
  c->owner->copy_out(c, cap - 40, got, 100);
  for (int i = 0; i < 100; i++)
    assert_int_equal(got[i], (uint8_t)((cap - 40 + (uint32_t)i) % cap * 7));
  /* plain TCP: the stream acknowledged, never beyond what was queued */
  c->owner->data_acked(c, 5000);
  assert_int_equal(c->snd_acked, 5000);
  c->owner->data_acked(c, 4000); /* old: nothing */
  assert_int_equal(c->snd_acked, 5000);
  c->owner->data_acked(c, UINT64_MAX / 2);
  assert_int_equal(c->snd_acked, c->snd_end);
  conn_destroy(c);
  mptcp_stack_del(s);
}

static void test_subflow_end_plain_tcp(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  struct mptcp_conn *c = new_conn(s, 0);
  c->sf.state = MPTCP_TCP_TIME_WAIT;
  c->owner->sf_time_wait(&c->sf, 0);
  assert_int_equal(closed_calls, 1);
  assert_int_equal(close_reason, MPTCP_CLOSE_NORMAL);
  conn_destroy(c);
  c = new_conn(s, 0);
  c->sf.state = MPTCP_TCP_CLOSED;
  c->owner->sf_closed(&c->sf, MPTCP_CLOSE_RESET, MPTCP_RESET_PEER_RST, -1, 0);
  assert_int_equal(closed_calls, 2);
  assert_int_equal(close_reason, MPTCP_CLOSE_RESET);
  assert_int_equal(c->reset_cause, MPTCP_RESET_PEER_RST);
  conn_destroy(c);
  mptcp_stack_del(s);
}

static void test_subflow_end_mptcp(void **state) {
  (void)state;
  mptcp_stack *s = new_stack(NULL);
  struct mptcp_conn *c = new_conn(s, 1);
  struct tcp_sf *j;
  mptcp_addr l = v4(3, 0), r = v4(2, 80);
  assert_int_equal(conn_add_subflow(c, &j, &l, &r), MPTCP_OK);
  c->sf.state = j->state = MPTCP_TCP_ESTABLISHED;
  /* one subflow reset by the peer: the connection goes on */
  j->state = MPTCP_TCP_CLOSED;
  c->owner->sf_closed(j, MPTCP_CLOSE_RESET, MPTCP_RESET_PEER_RST, 1, 0);
  assert_int_equal(closed_calls, 0);
  /* our RST on the last subflow before the DATA_FINs: a reset */
  c->sf.state = MPTCP_TCP_CLOSED;
  c->sf.rst_reason = MPTCP_RST_EUNSPEC;
  c->owner->sf_rst_sent(&c->sf, 0);
  assert_int_equal(closed_calls, 1);
  assert_int_equal(close_reason, MPTCP_CLOSE_RESET);
  assert_int_equal(c->reset_cause, MPTCP_RESET_LOCAL);
  conn_destroy(c);
  /* both DATA_FINs acknowledged: the last subflow's end is a normal close */
  c = new_conn(s, 1);
  c->data_fin_acked = c->peer_data_fin = 1;
  c->sf.state = MPTCP_TCP_CLOSED;
  c->owner->sf_closed(&c->sf, MPTCP_CLOSE_RESET, MPTCP_RESET_PEER_RST, -1, 0);
  assert_int_equal(closed_calls, 2);
  assert_int_equal(close_reason, MPTCP_CLOSE_NORMAL);
  conn_destroy(c);
  /* a timeout with no subflow to take the data: reset, the others go */
  c = new_conn(s, 1);
  struct tcp_sf *k, *w;
  assert_int_equal(conn_add_subflow(c, &k, &l, &r), MPTCP_OK);
  assert_int_equal(conn_add_subflow(c, &w, &l, &r), MPTCP_OK);
  c->sf.state = MPTCP_TCP_ESTABLISHED;
  k->state = MPTCP_TCP_ESTABLISHED;
  w->state = MPTCP_TCP_SYN_SENT;
  c->owner->sf_timed_out(&c->sf, 0);
  assert_int_equal(closed_calls, 3);
  assert_int_equal(close_reason, MPTCP_CLOSE_TIMEOUT);
  assert_int_equal(c->reset_cause, MPTCP_RESET_TIMEOUT);
  assert_true(k->rst_pending);
  assert_int_equal(w->state, MPTCP_TCP_CLOSED);
  conn_destroy(c);
  mptcp_stack_del(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tuple_table),
      cmocka_unit_test(test_token_table),
      cmocka_unit_test(test_output_fifo),
      cmocka_unit_test(test_rst_queue_and_challenge_limit),
      cmocka_unit_test(test_memory_accounting_and_cap),
      cmocka_unit_test(test_subflow_slots),
      cmocka_unit_test(test_buffers),
      cmocka_unit_test(test_subflow_end_plain_tcp),
      cmocka_unit_test(test_subflow_end_mptcp),
  };
  return cmocka_run_group_tests_name("engine.host", tests, NULL, NULL);
}
