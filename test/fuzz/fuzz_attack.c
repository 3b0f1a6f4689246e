/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness: the core's attackers against a live connection.
 *
 * Each run opens the pair of fuzz_pair.h (an MPTCP connection between A
 * and B), then builds an attacker from the input's first bytes: which
 * attack of the registry, on-path or off-path, which end it strikes, how
 * many forgeries and how far apart in time and sequence, whether it uses
 * the keys it saw, its address id, its DSN lead, its payload length. An
 * on-path attacker sees every segment delivered (g_tap); an off-path one
 * is told the initial subflow's 4-tuple. The rest of the input drives the
 * run: each byte advances time, lets the applications read and write,
 * runs the timers, and hands every forgery due to the end it is addressed
 * to (a forgery for neither end is dropped, as a network would).
 *
 * Properties: no crash, no undefined behaviour, no leak (ASan/UBSan/LSan);
 * each stack stays within its memory cap at every step; an attacker with a
 * configuration the core refuses is refused cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "fuzz_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CFG_BYTES 12

static unsigned n_attacks(void) {
  unsigned n = 0;
  while (mptcp_attack_name(n))
    n++;
  return n;
}

/* Hands the forgeries due at `now` to the end each is addressed to. */
static void deliver_forgeries(mptcp_attacker *at, struct side *s, uint64_t now) {
  uint8_t buf[MPTCP_TCP_HDR_MAX + 1500];
  mptcp_segment seg;
  int rv;
  while ((rv = mptcp_attacker_write(at, &seg, buf, sizeof(buf), now)) == 1) {
    for (int k = 0; k < 2; k++)
      if (!memcmp(seg.dst.ip, s[k].addr.ip, 4))
        mptcp_stack_read(s[k].st, &seg.src, &seg.dst, buf, seg.len,
                         seg.payload_virtual ? seg.payload_len : 0, now);
  }
  if (rv < 0)
    abort(); /* the buffer is large enough for every forgery */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < CFG_BYTES)
    return 0;
  struct side s[2];
  uint64_t now = pair_open(s, data[11]);
  const uint8_t *c = data;
  mptcp_attack_config ac;
  mptcp_attack_config_default(&ac);
  ac.name = mptcp_attack_name(c[0] % n_attacks());
  ac.on_path = (uint8_t)(c[1] & 1);
  ac.victim = (uint8_t)((c[1] >> 1) & 1);
  ac.use_keys = (uint8_t)((c[1] >> 2) & 1);
  ac.start_ns = now + (uint64_t)(c[1] >> 3) * MPTCP_MS;
  ac.guesses = 1u + c[2];
  ac.interval_ns = 1000u * (1u + c[3]);
  ac.guess_step = (uint32_t)(c[4] << 8 | c[5]) + 1u;
  ac.addr_id = c[6];
  ac.dsn_lead = (int64_t)(int16_t)(c[7] << 8 | c[8]) * 16;
  ac.payload_len = (uint16_t)(c[9] * 6); /* 0 and > 1400 are refused */
  mptcp_addr victim = s[ac.victim].addr, peer = s[!ac.victim].addr;
  victim.port = ac.victim ? 80 : 40000;
  peer.port = ac.victim ? 40000 : 80;
  if (!ac.on_path) {
    ac.victim_addr = victim;
    ac.peer_addr = peer;
  }
  if ((c[10] & 2) && ac.on_path) /* on-path, narrowed to the victim's 4-tuple end */
    ac.victim_addr = victim;
  ac.virtual_payload = (uint8_t)((c[10] >> 2) & 1); /* the victim takes it as virtual */
  if (c[10] & 1) { /* a spoofed source, an address to announce */
    ac.peer_addr = peer;
    ac.peer_addr.ip[1] = 99;
    ac.announce_addr = peer;
    ac.announce_addr.ip[2] = c[10];
  }
  mptcp_attacker *at = NULL;
  int rv = mptcp_attacker_new(&at, &ac, NULL, frand, NULL);
  if (rv != MPTCP_OK) {
    if (at || (rv != MPTCP_ERR_INVALID_ARGUMENT && rv != MPTCP_ERR_UNKNOWN_ATTACK))
      abort();
    pair_close(s, now);
    return 0;
  }
  g_tap = ac.on_path ? at : NULL;
  static uint8_t junk[4000];
  for (size_t i = CFG_BYTES; i < size; i++) {
    uint8_t r = data[i];
    now += (uint64_t)(r & 0x3f) * MPTCP_MS / 2;
    if (r & 0x40)
      mptcp_stack_handle_expiry(s[r & 1].st, now);
    if (r & 0x80) { /* the applications act */
      uint8_t rb[2048];
      for (int k = 0; k < 2; k++)
        if (s[k].conn) {
          mptcp_conn_recv(s[k].conn, rb, sizeof(rb), now);
          mptcp_conn_send(s[k].conn, junk, 700, now);
        }
    }
    if (mptcp_attacker_get_expiry(at) <= now)
      mptcp_attacker_handle_expiry(at, now);
    deliver_forgeries(at, s, now);
    check_mem(s);
    exchange(s, now, 2);
    deliver_forgeries(at, s, now); /* what the attacker learnt just now */
    check_mem(s);
  }
  mptcp_attacker_stats st;
  mptcp_attacker_get_stats(at, &st);
  if (st.forged > ac.guesses)
    abort(); /* never more forgeries than configured */
  g_tap = NULL;
  mptcp_attacker_del(at);
  pair_close(s, now);
  return 0;
}
