/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the TCP subflow engine, driven through the public sans-IO
 * API by tcp_harness.h (direct delivery with a fixed delay), with segments
 * dropped or forged by hand where a test needs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tcp_harness.h"

#define MS MPTCP_MS

static mptcp_config base_cfg(void) {
  mptcp_config c;
  mptcp_config_default(&c);
  c.cc = "reno";
  c.sndbuf = c.rcvbuf = 1u << 20;
  return c;
}

/* Sends `n` bytes from the client (pattern i % 251) and reads them at the
 * server; returns the number of bytes verified. */
static size_t transfer(struct harness *h, size_t n, uint64_t limit) {
  uint8_t buf[65536];
  size_t sent = 0, got = 0, bad = 0;
  int shut = 0;
  while (h->now < limit) {
    while (h->client && sent < n) {
      size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
      for (size_t i = 0; i < k; i++)
        buf[i] = (uint8_t)((sent + i) % 251);
      long w = mptcp_conn_send(h->client, buf, k, h->now);
      if (w <= 0)
        break;
      sent += (size_t)w;
    }
    if (sent == n && !shut && h->client) {
      mptcp_conn_shutdown(h->client, h->now);
      shut = 1;
    }
    if (h->server) {
      long r;
      while ((r = mptcp_conn_recv(h->server, buf, sizeof(buf), h->now)) > 0) {
        for (long i = 0; i < r; i++)
          if (buf[i] != (uint8_t)((got + (size_t)i) % 251))
            bad++;
        got += (size_t)r;
      }
      if (mptcp_conn_peer_closed(h->server) && !h->closed[1])
        mptcp_conn_shutdown(h->server, h->now);
    }
    uint64_t before = h->now;
    h_run(h, h->now + 1 * MS);
    if (h->closed[0] && h->closed[1])
      break;
    (void)before;
  }
  return bad ? 0 : got;
}

static void test_handshake_and_transfer(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(h.connected, 1);
  assert_int_equal(h.accepted, 1);
  /* SYN, SYN/ACK, ACK with the negotiated options */
  assert_true(h.nlog >= 3);
  assert_int_equal(h.log[0].flags, MPTCP_TH_SYN);
  assert_true(h.log[0].opts & MPTCP_OPT_MSS);
  assert_true(h.log[0].opts & MPTCP_OPT_SACK_PERM);
  assert_true(h.log[0].opts & MPTCP_OPT_WSCALE);
  assert_true(h.log[0].opts & MPTCP_OPT_TIMESTAMP);
  assert_int_equal(h.log[1].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(h.log[1].ack, h.log[0].seq + 1);
  assert_int_equal(h.log[2].flags, MPTCP_TH_ACK);
  assert_int_equal(h.log[2].ack, h.log[1].seq + 1);
  size_t got = transfer(&h, 2000000, 20000 * MS);
  assert_int_equal(got, 2000000);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.retransmissions, 0);
  assert_true(st.srtt_ns >= 10 * MS && st.srtt_ns < 12 * MS);
  h_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_handshake_and_transfer),
  };
  return cmocka_run_group_tests_name("engine.tcp", tests, NULL, NULL);
}
