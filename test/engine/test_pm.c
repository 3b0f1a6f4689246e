/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path-manager hooks (algo.h): each event reaches the connection's path
 * manager. A recording path manager wraps the default one (it forwards
 * established and add_addr_received, so the connection behaves as with
 * "default") and counts every hook, on two hosts of the test harness:
 * the server announces a second address, the client joins it, the server
 * gains a third address, withdraws the second (REMOVE_ADDR), and the
 * connection closes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"
#include "tcp_harness.h"

#define MS UINT64_C(1000000)

enum { EV_INIT, EV_REL, EV_EST, EV_SF_EST, EV_SF_CLOSED, EV_L_ADD, EV_L_RM, EV_ADD, EV_RM, EV__N };

struct rec {
  unsigned n[EV__N];
  uint8_t last_id; /* address id of the last address event */
};

_Static_assert(sizeof(struct rec) <= MPTCP_PM_PRIV_SIZE, "recorder state too large");

static struct rec *R(struct mptcp_conn *c) { return (struct rec *)c->pm_priv; }
static const struct mptcp_pm_ops *dflt(void) { return pm_find("default"); }

static void r_init(struct mptcp_conn *c) { R(c)->n[EV_INIT]++; }
static unsigned released;
static void r_release(struct mptcp_conn *c) {
  (void)c;
  released++;
}
static void r_est(struct mptcp_conn *c, uint64_t now) {
  R(c)->n[EV_EST]++;
  dflt()->established(c, now);
}
static void r_sf_est(struct tcp_sf *sf, uint64_t now) {
  (void)now;
  assert_true(sf->join_ok);
  R(sf->conn)->n[EV_SF_EST]++;
}
static void r_sf_closed(struct tcp_sf *sf, uint64_t now) {
  (void)now;
  assert_int_equal(sf->state, MPTCP_TCP_CLOSED);
  R(sf->conn)->n[EV_SF_CLOSED]++;
}
static void r_l_add(struct mptcp_conn *c, const mptcp_addr *a, uint8_t id) {
  (void)a;
  R(c)->n[EV_L_ADD]++;
  R(c)->last_id = id;
}
static void r_l_rm(struct mptcp_conn *c, const mptcp_addr *a, uint8_t id, uint64_t now) {
  (void)a;
  (void)now;
  R(c)->n[EV_L_RM]++;
  R(c)->last_id = id;
}
static void r_add(struct mptcp_conn *c, const struct pm_peer_addr *a, uint64_t now) {
  R(c)->n[EV_ADD]++;
  R(c)->last_id = a->id;
  dflt()->add_addr_received(c, a, now);
}
static void r_rm(struct mptcp_conn *c, uint8_t id, uint64_t now) {
  (void)now;
  R(c)->n[EV_RM]++;
  R(c)->last_id = id;
}

static const struct mptcp_pm_ops recorder = {
    .name = "recorder",
    .init = r_init,
    .release = r_release,
    .established = r_est,
    .subflow_established = r_sf_est,
    .subflow_closed = r_sf_closed,
    .local_addr_added = r_l_add,
    .local_addr_removed = r_l_rm,
    .add_addr_received = r_add,
    .rm_addr_received = r_rm,
};

/* Puts the recorder in place of a connection's path manager (as
 * pm_attach would with a registered one). */
static void use_recorder(struct mptcp_conn *c) {
  c->pm = &recorder;
  memset(c->pm_priv, 0, sizeof(c->pm_priv));
  recorder.init(c);
}

static mptcp_addr addr(uint8_t third, uint8_t fourth) {
  mptcp_addr a;
  memset(&a, 0, sizeof(a));
  a.family = 4;
  a.ip[0] = 10;
  a.ip[2] = third;
  a.ip[3] = fourth;
  return a;
}

static void test_pm_hooks(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.cc = "reno";
  cfg.pm = "default";
  h_init(&h, &cfg, 5 * MS);
  mptcp_addr x = addr(1, 2), y = addr(2, 2);
  assert_int_equal(mptcp_stack_add_address(h.st[1], &x), MPTCP_OK);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  use_recorder(h.client); /* before its handshake completes */
  h_run(&h, h.now + 100 * MS);
  assert_non_null(h.server);
  use_recorder(h.server);
  /* data both ways: the DSS makes each end fully established */
  static const uint8_t data[1000];
  assert_int_equal(mptcp_conn_send(h.client, data, sizeof data, h.now), (long)sizeof data);
  assert_int_equal(mptcp_conn_send(h.server, data, sizeof data, h.now), (long)sizeof data);
  h_run(&h, h.now + 1 * MPTCP_S);
  struct rec *c = R(h.client), *s = R(h.server);
  /* client: fully established once, the ADD_ADDR of x (id 1), the
   * initial subflow and the join established */
  assert_int_equal(c->n[EV_INIT], 1);
  assert_int_equal(c->n[EV_EST], 1);
  assert_int_equal(c->n[EV_ADD], 1);
  assert_int_equal(c->last_id, 1);
  assert_int_equal(c->n[EV_SF_EST], 2);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);

  /* the server gains y: its connection hears of it (id 2) */
  assert_int_equal(mptcp_stack_add_address(h.st[1], &y), MPTCP_OK);
  assert_int_equal(s->n[EV_L_ADD], 1);
  assert_int_equal(s->last_id, 2);
  assert_int_equal(mptcp_stack_add_address(h.st[1], &y), MPTCP_OK); /* known: no event */
  assert_int_equal(s->n[EV_L_ADD], 1);

  /* the server withdraws x: its hook, then the client's REMOVE_ADDR hook
   * for id 1, and the subflow to x closes on both ends (the server resets
   * it; the client, which probes it first, hears of the reset) */
  assert_int_equal(mptcp_stack_remove_address(h.st[1], &x, h.now), MPTCP_OK);
  assert_int_equal(s->n[EV_L_RM], 1);
  assert_int_equal(s->last_id, 1);
  h_run(&h, h.now + 1 * MPTCP_S);
  assert_int_equal(c->n[EV_RM], 1);
  assert_int_equal(c->last_id, 1);
  assert_int_equal(c->n[EV_SF_CLOSED], 1);
  assert_int_equal(s->n[EV_SF_CLOSED], 1);
  assert_int_equal(c->n[EV_EST], 1);

  /* release once per connection when freed */
  released = 0;
  h_free(&h);
  assert_int_equal(released, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pm_hooks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
