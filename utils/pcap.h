/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcap.h - a small writer of classic libpcap capture files.
 *
 * Host-side tooling, not part of the sans-IO core: it opens and writes a
 * file. Files use the classic format in little-endian byte order with
 * nanosecond timestamps (magic 0xa1b23c4d) and link type 101
 * (LINKTYPE_RAW): every record is a bare IPv4 or IPv6 packet, no link-layer
 * header. Wireshark, tshark and tcpdump read such files directly.
 *
 * The writer wraps TCP segments the caller has already built (header with a
 * correct TCP checksum, then payload) in a minimal IP header of its own:
 *   IPv4: 20 bytes, no options, TTL 64, protocol 6, DF set, an IP id that
 *         increments with every IPv4 packet of the file, header checksum.
 *   IPv6: 40 bytes, traffic class and flow label 0, next header 6, hop
 *         limit 64.
 *
 * Errors: functions return a negative MPTCP_PCAP_ERR_* code (or NULL for
 * mptcp_pcap_open(), with errno left as the C library set it);
 * mptcp_pcap_strerror() describes a code. Nothing is printed.
 */
#ifndef MPTCP_UTILS_PCAP_H
#define MPTCP_UTILS_PCAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A NULL pointer or an impossible value was passed. */
#define MPTCP_PCAP_ERR_ARG (-1)
/** The packet would be longer than an IP total/payload length allows. */
#define MPTCP_PCAP_ERR_TOO_LONG (-2)
/** Writing or closing the file failed (see errno). */
#define MPTCP_PCAP_ERR_IO (-3)

/** Snapshot length written in the file header. */
#define MPTCP_PCAP_SNAPLEN 262144u
/** LINKTYPE_RAW: records start with an IPv4 or IPv6 header. */
#define MPTCP_PCAP_LINKTYPE_RAW 101u

/** An open capture file. */
typedef struct mptcp_pcap mptcp_pcap;

/**
 * Creates (or truncates) the file at `path` and writes the pcap file
 * header. Returns NULL on failure (bad argument, out of memory, or the file
 * could not be created or written; errno says why for the last two).
 */
mptcp_pcap *mptcp_pcap_open(const char *path);

/**
 * Writes one IPv4 packet carrying the TCP segment `seg` (`len` bytes) from
 * `src` to `dst` (4-byte addresses, network order), time-stamped `t_ns`
 * nanoseconds after the epoch. `seg` may be NULL only when `len` is 0.
 * Returns 0, or MPTCP_PCAP_ERR_ARG, MPTCP_PCAP_ERR_TOO_LONG (len > 65515)
 * or MPTCP_PCAP_ERR_IO.
 */
int mptcp_pcap_write_ipv4(mptcp_pcap *p, uint64_t t_ns, const uint8_t src[4],
                          const uint8_t dst[4], const uint8_t *seg,
                          size_t len);

/**
 * Like mptcp_pcap_write_ipv4() for IPv6 (16-byte addresses). Returns 0, or
 * MPTCP_PCAP_ERR_ARG, MPTCP_PCAP_ERR_TOO_LONG (len > 65535) or
 * MPTCP_PCAP_ERR_IO.
 */
int mptcp_pcap_write_ipv6(mptcp_pcap *p, uint64_t t_ns, const uint8_t src[16],
                          const uint8_t dst[16], const uint8_t *seg,
                          size_t len);

/**
 * Flushes and closes the file and frees `p` (which may be NULL: then it
 * returns 0). Returns 0 or MPTCP_PCAP_ERR_IO; `p` is freed either way.
 */
int mptcp_pcap_close(mptcp_pcap *p);

/** Describes an MPTCP_PCAP_ERR_* code. Never returns NULL. */
const char *mptcp_pcap_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* MPTCP_UTILS_PCAP_H */
