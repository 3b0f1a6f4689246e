/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness: arbitrary segments fed to a live connection.
 *
 * Each run sets up two stacks (client A, server B), completes a handshake
 * and a little data, then interprets the input as a list of segment
 * recipes addressed to either side. A recipe's sequence and ACK numbers are
 * offsets from what the target last told its peer (so the fuzzer reaches
 * in-window and edge cases, not only random 32-bit values), its flags,
 * window, options and payload length come from the input, and every few
 * recipes time advances and timers run. TCP checksums are off so that
 * forged segments reach the state machine.
 *
 * Properties: no crash, no undefined behaviour, no leak (ASan/UBSan/LSan);
 * the memory each stack holds stays under the cap given to it; after both
 * connections are freed, each stack is back to its baseline memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_CAP (8u << 20)

struct side {
  mptcp_stack *st;
  mptcp_addr addr;
  mptcp_conn *conn;
  uint32_t last_seq, last_ack; /* from the last segment it sent */
  uint16_t port;
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
          s[i].last_seq = h.seq;
          s[i].last_ack = h.ack;
          s[i].port = h.sport;
        }
        mptcp_stack_read(s[!i].st, &seg.src, &seg.dst, buf, seg.len, 0, now);
        any = 1;
      }
    }
    if (!any)
      break;
  }
}

static void check_mem(struct side *s) {
  for (int i = 0; i < 2; i++)
    if (mptcp_stack_mem_used(s[i].st) > MEM_CAP)
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct side s[2];
  memset(s, 0, sizeof(s));
  g_sides = s;
  rng_state = 1;
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.tcp_checksum = 0;
  cfg.sndbuf = cfg.rcvbuf = 64 * 1024;
  cfg.cc = (size && (data[0] & 1)) ? "cubic" : "reno";
  cfg.sack = !(size && (data[0] & 2));
  cfg.timestamps = !(size && (data[0] & 4));
  mptcp_callbacks cb = {on_accept, NULL, NULL, NULL, NULL};
  uint64_t base[2];
  for (int i = 0; i < 2; i++) {
    s[i].addr.family = 4;
    s[i].addr.ip[0] = 10;
    s[i].addr.ip[3] = (uint8_t)(i + 1);
    if (mptcp_stack_new(&s[i].st, &cfg, NULL, frand, &cb, NULL))
      abort();
    mptcp_stack_set_mem_cap(s[i].st, MEM_CAP);
    base[i] = mptcp_stack_mem_used(s[i].st);
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

  size_t i = size ? 1 : 0;
  uint8_t seg[MPTCP_TCP_HDR_MAX + 600];
  while (i + 10 <= size) {
    const uint8_t *r = data + i;
    int to = r[0] & 1;           /* target side */
    uint8_t flags = r[1];
    int16_t dseq = (int16_t)(r[2] << 8 | r[3]);
    int16_t dack = (int16_t)(r[4] << 8 | r[5]);
    uint16_t win = (uint16_t)(r[6] << 8 | r[7]);
    uint8_t plen = r[8];
    uint8_t olen = r[9] % 41;
    i += 10;
    if (i + olen > size)
      break;
    /* a forged segment "from" the other side: its seq continues what the
     * target acknowledged, its ack what the target sent */
    mptcp_tcphdr h;
    memset(&h, 0, sizeof(h));
    h.sport = s[!to].port ? s[!to].port : (to ? 40000 : 80);
    h.dport = s[to].port ? s[to].port : (to ? 80 : 40000);
    h.seq = s[to].last_ack + (uint32_t)(int32_t)dseq;
    h.ack = s[to].last_seq + (uint32_t)(int32_t)dack;
    h.flags = flags;
    h.window = win;
    int n = mptcp_tcphdr_encode(seg, sizeof(seg), &h);
    if (n < 0)
      abort();
    /* raw option bytes from the input, padded to a word, after the header */
    size_t opad = (olen + 3u) & ~3u;
    memset(seg + n, 0, opad);
    memcpy(seg + n, data + i, olen);
    i += olen;
    seg[12] = (uint8_t)(((size_t)(n + (int)opad) / 4) << 4);
    size_t total = (size_t)n + opad + plen;
    memset(seg + n + opad, 0xab, plen);
    mptcp_stack_read(s[to].st, &s[!to].addr, &s[to].addr, seg, total, 0, now);
    check_mem(s);
    if (r[0] & 2) {
      now += (uint64_t)(r[0] >> 2) * 7 * MPTCP_MS;
      for (int k = 0; k < 2; k++)
        mptcp_stack_handle_expiry(s[k].st, now);
    }
    if (r[0] & 0x80) { /* the applications act */
      uint8_t rb[2048];
      for (int k = 0; k < 2; k++)
        if (s[k].conn) {
          mptcp_conn_recv(s[k].conn, rb, sizeof(rb), now);
          mptcp_conn_send(s[k].conn, junk, 700, now);
        }
    }
    exchange(s, now, 2);
    check_mem(s);
  }
  /* let every timer run out, then tear down */
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
  (void)base;
  for (int j = 0; j < 2; j++)
    mptcp_stack_del(s[j].st);
  return 0;
}
