/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_pair.h - what the connection fuzzers share: two stacks (client A
 * at 10.0.0.1:40000, server B at 10.0.0.2:80, TCP checksums off, 64 KiB
 * buffers, a memory cap each), an MPTCP connection between them with a
 * handshake and a little data, the delivery of what each side sends (seen
 * by g_tap when set), the memory check and the teardown.
 */
#ifndef FUZZ_PAIR_H
#define FUZZ_PAIR_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"

#define MEM_CAP (8u << 20)

struct side {
  mptcp_stack *st;
  mptcp_addr addr;
  mptcp_conn *conn;
  uint32_t last_seq, last_ack; /* from the last segment it sent */
  uint16_t port;
  uint64_t key; /* MPTCP key, learnt from the handshake */
};

static uint64_t rng_state;
static void frand(uint8_t *d, size_t n, void *ud) {
  (void)ud;
  for (size_t i = 0; i < n; i++) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    d[i] = (uint8_t)(rng_state >> 56);
  }
}

static struct side *g_sides;
static mptcp_attacker *g_tap; /* sees what exchange() delivers, if set */
static void on_accept(mptcp_conn *c, void *ud) {
  (void)ud;
  g_sides[1].conn = c;
}

/* Delivers everything each side wants to send to the other, a few rounds. */
static void exchange(struct side *s, uint64_t now, int rounds) {
  uint8_t buf[MPTCP_TCP_HDR_MAX + 1500];
  for (int r = 0; r < rounds; r++) {
    int any = 0;
    for (int i = 0; i < 2; i++) {
      mptcp_segment seg;
      while (mptcp_stack_write(s[i].st, &seg, buf, sizeof(buf), now) == 1) {
        mptcp_tcphdr h;
        if (mptcp_tcphdr_decode(&h, buf, seg.len) >= 0) {
          if (h.sport == 40000 || h.sport == 80) { /* the initial subflow */
            s[i].last_seq = h.seq;
            s[i].last_ack = h.ack;
            s[i].port = h.sport;
          }
          if ((h.opts & MPTCP_OPT_MP_CAPABLE) && h.mpc.len >= MPTCP_MPC_LEN_SYNACK)
            s[i].key = h.mpc.sender_key;
        }
        if (g_tap) /* an on-path attacker sees every segment */
          mptcp_attacker_observe(g_tap, &seg.src, &seg.dst, buf, seg.len, 0, now);
        mptcp_stack_read(s[!i].st, &seg.src, &seg.dst, buf, seg.len, 0, now);
        any = 1;
      }
    }
    if (!any)
      break;
  }
}

/* The property every step checks: each stack within its memory cap. */
static void check_mem(struct side *s) {
  for (int i = 0; i < 2; i++)
    if (mptcp_stack_mem_used(s[i].st) > MEM_CAP)
      abort();
}

/* Opens the pair; `opts` bits: 1 CUBIC (else Reno), 2 no SACK, 4 no
 * timestamps, 8 a listen backlog and a half-open join limit of 1 (so that
 * further SYNs and joins get SYN cookies), 16 overlap_reset. Returns the time after the
 * handshake and 3000 bytes. */
static uint64_t pair_open(struct side *s, uint8_t opts) {
  memset(s, 0, 2 * sizeof(*s));
  g_sides = s;
  rng_state = 1;
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.tcp_checksum = 0;
  cfg.sndbuf = cfg.rcvbuf = 64 * 1024;
  cfg.cc = (opts & 1) ? "cubic" : "reno";
  cfg.sack = !(opts & 2);
  cfg.timestamps = !(opts & 4);
  if (opts & 8)
    cfg.listen_backlog = cfg.max_half_open_joins = 1;
  cfg.overlap_reset = (opts & 16) != 0;
  mptcp_callbacks cb = {on_accept, NULL, NULL, NULL, NULL};
  for (int i = 0; i < 2; i++) {
    s[i].addr.family = 4;
    s[i].addr.ip[0] = 10;
    s[i].addr.ip[3] = (uint8_t)(i + 1);
    if (mptcp_stack_new(&s[i].st, &cfg, NULL, frand, &cb, NULL))
      abort();
    mptcp_stack_set_mem_cap(s[i].st, MEM_CAP);
  }
  mptcp_addr l = s[1].addr;
  l.port = 80;
  mptcp_stack_listen(s[1].st, &l);
  mptcp_addr a = s[0].addr, b = s[1].addr;
  a.port = 40000;
  b.port = 80;
  uint64_t now = 1000000;
  if (mptcp_connect(s[0].st, &s[0].conn, &a, &b, NULL, NULL, now))
    abort();
  exchange(s, now, 4);
  static uint8_t junk[4000];
  mptcp_conn_send(s[0].conn, junk, 3000, now);
  exchange(s, now, 8);
  return now;
}

/* Lets every timer run out, frees the connections and the stacks. */
static void pair_close(struct side *s, uint64_t now) {
  for (int k = 0; k < 40; k++) {
    now += 2 * MPTCP_S;
    for (int j = 0; j < 2; j++)
      mptcp_stack_handle_expiry(s[j].st, now);
    exchange(s, now, 2);
  }
  for (int k = 0; k < 2; k++)
    if (s[k].conn)
      mptcp_conn_free(s[k].conn);
  exchange(s, now, 2);
  now += 200 * MPTCP_S;
  for (int j = 0; j < 2; j++)
    mptcp_stack_handle_expiry(s[j].st, now);
  /* everything the connections held is returned (listener storage and the
   * stacks' tables stay) */
  for (int j = 0; j < 2; j++)
    mptcp_stack_del(s[j].st);
}

#endif /* FUZZ_PAIR_H */
