/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One's-complement checksums (RFC 1071): the TCP checksum with its IPv4 and
 * IPv6 pseudo-headers, and the MPTCP DSS checksum (RFC 8684 section 3.3.1).
 */
#include "mptcp/mptcp.h"
#include "wire.h"

uint32_t mptcp_csum_add(uint32_t sum, const uint8_t *data, size_t len) {
  /* Accumulate in 64 bits so that no carry is lost for any length, then
   * fold back: the caller keeps a 32-bit running sum. */
  uint64_t s = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2)
    s += (uint32_t)((data[i] << 8) | data[i + 1]);
  if (i < len)
    s += (uint32_t)(data[i] << 8);
  while (s >> 32)
    s = (s & 0xffffffffu) + (s >> 32);
  return (uint32_t)s;
}

uint16_t mptcp_csum_fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)~sum;
}

uint16_t mptcp_tcp_checksum_ipv4(const uint8_t src[4], const uint8_t dst[4],
                                 const uint8_t *seg, size_t len) {
  uint8_t ph[12];
  for (int i = 0; i < 4; i++) {
    ph[i] = src[i];
    ph[4 + i] = dst[i];
  }
  ph[8] = 0;
  ph[9] = 6; /* protocol TCP */
  put_be16(ph + 10, (uint16_t)len);
  uint32_t s = mptcp_csum_add(0, ph, sizeof(ph));
  return mptcp_csum_fold(mptcp_csum_add(s, seg, len));
}

uint16_t mptcp_tcp_checksum_ipv6(const uint8_t src[16], const uint8_t dst[16],
                                 const uint8_t *seg, size_t len) {
  uint8_t ph[40] = {0};
  for (int i = 0; i < 16; i++) {
    ph[i] = src[i];
    ph[16 + i] = dst[i];
  }
  put_be32(ph + 32, (uint32_t)len);
  ph[39] = 6; /* next header TCP */
  uint32_t s = mptcp_csum_add(0, ph, sizeof(ph));
  return mptcp_csum_fold(mptcp_csum_add(s, seg, len));
}

uint16_t mptcp_dss_csum(uint64_t dsn, uint32_t ssn, uint16_t dll,
                        const uint8_t *payload, size_t len) {
  /* RFC 8684 section 3.3.1, figure 10: DSN (64 bits), relative subflow
   * sequence number (32), data-level length (16), zero (16). */
  uint8_t ph[16];
  put_be64(ph, dsn);
  put_be32(ph + 8, ssn);
  put_be16(ph + 12, dll);
  put_be16(ph + 14, 0);
  uint32_t s = mptcp_csum_add(0, ph, sizeof(ph));
  if (payload && len)
    s = mptcp_csum_add(s, payload, len);
  return mptcp_csum_fold(s);
}
