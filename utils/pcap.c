/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcap.c - classic libpcap file writer for raw IPv4/IPv6 packets.
 * See pcap.h for the file format and the IP headers written.
 */
#include "pcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"

/* Nanosecond-resolution classic pcap magic. */
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_VERSION_MAJOR 2u
#define PCAP_VERSION_MINOR 4u

#define IPV4_HDR_LEN 20u
#define IPV6_HDR_LEN 40u
#define IP_PROTO_TCP 6u
#define IP_TTL 64u
#define IPV4_FLAG_DF 0x4000u

struct mptcp_pcap {
  FILE *f;
  /* Identification field of the next IPv4 packet. */
  uint16_t ip_id;
};

static void put_le16(uint8_t *b, uint16_t v) {
  b[0] = (uint8_t)(v & 0xffu);
  b[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)(v & 0xffu);
  b[1] = (uint8_t)((v >> 8) & 0xffu);
  b[2] = (uint8_t)((v >> 16) & 0xffu);
  b[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *b, uint16_t v) {
  b[0] = (uint8_t)(v >> 8);
  b[1] = (uint8_t)(v & 0xffu);
}

static int write_all(FILE *f, const void *data, size_t len) {
  if (len == 0)
    return 0;
  return fwrite(data, 1, len, f) == len ? 0 : MPTCP_PCAP_ERR_IO;
}

mptcp_pcap *mptcp_pcap_open(const char *path) {
  uint8_t hdr[24];
  mptcp_pcap *p;

  if (path == NULL || path[0] == '\0')
    return NULL;
  p = calloc(1, sizeof(*p));
  if (p == NULL)
    return NULL;
  p->f = fopen(path, "wb");
  if (p->f == NULL) {
    free(p);
    return NULL;
  }
  p->ip_id = 1;

  put_le32(hdr + 0, PCAP_MAGIC_NSEC);
  put_le16(hdr + 4, PCAP_VERSION_MAJOR);
  put_le16(hdr + 6, PCAP_VERSION_MINOR);
  put_le32(hdr + 8, 0);  /* thiszone: UTC */
  put_le32(hdr + 12, 0); /* sigfigs */
  put_le32(hdr + 16, MPTCP_PCAP_SNAPLEN);
  put_le32(hdr + 20, MPTCP_PCAP_LINKTYPE_RAW);
  if (write_all(p->f, hdr, sizeof(hdr)) != 0) {
    fclose(p->f);
    free(p);
    return NULL;
  }
  return p;
}

/* Writes the 16-byte record header for a packet of `caplen` bytes. */
static int write_record_header(mptcp_pcap *p, uint64_t t_ns, size_t caplen) {
  uint8_t rec[16];
  uint64_t sec = t_ns / 1000000000u;

  if (sec > UINT32_MAX)
    return MPTCP_PCAP_ERR_ARG;
  put_le32(rec + 0, (uint32_t)sec);
  put_le32(rec + 4, (uint32_t)(t_ns % 1000000000u));
  put_le32(rec + 8, (uint32_t)caplen);
  put_le32(rec + 12, (uint32_t)caplen);
  return write_all(p->f, rec, sizeof(rec));
}

int mptcp_pcap_write_ipv4(mptcp_pcap *p, uint64_t t_ns, const uint8_t src[4],
                          const uint8_t dst[4], const uint8_t *seg,
                          size_t len) {
  uint8_t ip[IPV4_HDR_LEN];
  size_t total;
  int rc;

  if (p == NULL || p->f == NULL || src == NULL || dst == NULL ||
      (seg == NULL && len != 0))
    return MPTCP_PCAP_ERR_ARG;
  if (len > 0xffffu - IPV4_HDR_LEN)
    return MPTCP_PCAP_ERR_TOO_LONG;
  total = IPV4_HDR_LEN + len;

  memset(ip, 0, sizeof(ip));
  ip[0] = 0x45; /* version 4, IHL 5 words */
  ip[1] = 0;    /* DSCP/ECN */
  put_be16(ip + 2, (uint16_t)total);
  put_be16(ip + 4, p->ip_id);
  put_be16(ip + 6, IPV4_FLAG_DF);
  ip[8] = IP_TTL;
  ip[9] = IP_PROTO_TCP;
  memcpy(ip + 12, src, 4);
  memcpy(ip + 16, dst, 4);
  /* Header checksum (RFC 791): one's complement of the one's-complement
   * sum of the header with the checksum field zero. */
  put_be16(ip + 10, mptcp_csum_fold(mptcp_csum_add(0, ip, sizeof(ip))));

  rc = write_record_header(p, t_ns, total);
  if (rc == 0)
    rc = write_all(p->f, ip, sizeof(ip));
  if (rc == 0)
    rc = write_all(p->f, seg, len);
  if (rc == 0)
    p->ip_id = (uint16_t)(p->ip_id + 1u);
  return rc;
}

int mptcp_pcap_write_ipv6(mptcp_pcap *p, uint64_t t_ns, const uint8_t src[16],
                          const uint8_t dst[16], const uint8_t *seg,
                          size_t len) {
  uint8_t ip[IPV6_HDR_LEN];
  int rc;

  if (p == NULL || p->f == NULL || src == NULL || dst == NULL ||
      (seg == NULL && len != 0))
    return MPTCP_PCAP_ERR_ARG;
  if (len > 0xffffu)
    return MPTCP_PCAP_ERR_TOO_LONG;

  memset(ip, 0, sizeof(ip));
  ip[0] = 0x60; /* version 6, traffic class and flow label 0 */
  put_be16(ip + 4, (uint16_t)len);
  ip[6] = IP_PROTO_TCP;
  ip[7] = IP_TTL;
  memcpy(ip + 8, src, 16);
  memcpy(ip + 24, dst, 16);

  rc = write_record_header(p, t_ns, IPV6_HDR_LEN + len);
  if (rc == 0)
    rc = write_all(p->f, ip, sizeof(ip));
  if (rc == 0)
    rc = write_all(p->f, seg, len);
  return rc;
}

int mptcp_pcap_close(mptcp_pcap *p) {
  int rc = 0;

  if (p == NULL)
    return 0;
  /* a write that failed earlier leaves the error flag set even when the
   * final flush succeeds */
  if (p->f != NULL && ferror(p->f))
    rc = MPTCP_PCAP_ERR_IO;
  if (p->f != NULL && fclose(p->f) != 0)
    rc = MPTCP_PCAP_ERR_IO;
  free(p);
  return rc;
}

const char *mptcp_pcap_strerror(int err) {
  switch (err) {
  case 0:
    return "success";
  case MPTCP_PCAP_ERR_ARG:
    return "invalid argument";
  case MPTCP_PCAP_ERR_TOO_LONG:
    return "packet too long for an IP header";
  case MPTCP_PCAP_ERR_IO:
    return "write error on the capture file";
  default:
    return "unknown error";
  }
}
