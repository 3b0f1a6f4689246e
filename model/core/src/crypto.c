/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keys, tokens and HMACs of MPTCP v1 (RFC 8684 sections 3.1, 3.2, 3.4.1).
 * The hash and the HMAC come from nettle; nothing here is hand-written
 * cryptography, only the message layouts the RFC prescribes.
 */
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "mptcp/mptcp.h"
#include "wire.h"

void mptcp_key_token_idsn(uint64_t key, uint32_t *token, uint64_t *idsn) {
  /* RFC 8684 section 3.1: token = most significant 32 bits of
   * SHA-256(key), IDSN = least significant 64 bits; the key is hashed as
   * its 8 network-order bytes. */
  uint8_t k[8], d[SHA256_DIGEST_SIZE];
  struct sha256_ctx ctx;
  put_be64(k, key);
  sha256_init(&ctx);
  sha256_update(&ctx, sizeof(k), k);
  sha256_digest(&ctx, sizeof(d), d);
  if (token)
    *token = get_be32(d);
  if (idsn)
    *idsn = get_be64(d + SHA256_DIGEST_SIZE - 8);
}

void mptcp_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                       size_t msg_len, uint8_t out[MPTCP_HMAC_SHA256_LEN]) {
  struct hmac_sha256_ctx ctx;
  hmac_sha256_set_key(&ctx, key_len, key);
  hmac_sha256_update(&ctx, msg_len, msg);
  hmac_sha256_digest(&ctx, MPTCP_HMAC_SHA256_LEN, out);
}

void mptcp_join_hmac(uint64_t own_key, uint64_t peer_key, uint32_t own_nonce,
                     uint32_t peer_nonce, uint8_t out[MPTCP_HMAC_SHA256_LEN]) {
  /* RFC 8684 section 3.2: HMAC-A = HMAC(Key=(Key-A+Key-B), Msg=(R-A+R-B)),
   * HMAC-B = HMAC(Key=(Key-B+Key-A), Msg=(R-B+R-A)). */
  uint8_t key[16], msg[8];
  put_be64(key, own_key);
  put_be64(key + 8, peer_key);
  put_be32(msg, own_nonce);
  put_be32(msg + 4, peer_nonce);
  mptcp_hmac_sha256(key, sizeof(key), msg, sizeof(msg), out);
}

uint64_t mptcp_hmac_left64(const uint8_t hmac[MPTCP_HMAC_SHA256_LEN]) {
  return get_be64(hmac);
}

uint64_t mptcp_add_addr_hmac(uint64_t sender_key, uint64_t receiver_key,
                             uint8_t addr_id, int family, const uint8_t *addr,
                             uint16_t port) {
  /* RFC 8684 section 3.4.1: key = sender's key + receiver's key; message =
   * Address ID, IP address and port (two zero octets when absent); the
   * option carries the rightmost 64 bits. */
  if ((family != 4 && family != 6) || !addr)
    return 0;
  size_t alen = family == 6 ? 16 : 4;
  uint8_t key[16], msg[1 + 16 + 2], out[MPTCP_HMAC_SHA256_LEN];
  put_be64(key, sender_key);
  put_be64(key + 8, receiver_key);
  msg[0] = addr_id;
  memcpy(msg + 1, addr, alen);
  put_be16(msg + 1 + alen, port);
  mptcp_hmac_sha256(key, sizeof(key), msg, 1 + alen + 2, out);
  return get_be64(out + MPTCP_HMAC_SHA256_LEN - 8);
}
