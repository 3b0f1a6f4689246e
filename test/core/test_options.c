/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_options.c - unit tests of the TCP header and option codec
 * (mptcp_tcphdr_encode / mptcp_tcphdr_decode / mptcp_options_decode).
 *
 * The expectations come from the specifications, not from the code under
 * test: the fixed header from RFC 9293 section 3.1, MSS/SACK from RFC 9293
 * and RFC 2018, window scale and timestamps from RFC 7323, and every MPTCP
 * option from the bit layouts of RFC 8684 (figures 4-19). Hand-written byte
 * strings carry a comment on each field. Multi-byte fields are big-endian.
 *
 * Layout rules the encoder documents (mptcp.h): options in the order Linux
 * writes them, each padded with NOPs to a 4-byte boundary. Where the place
 * of the padding of an MPTCP option is not specified (odd-length options),
 * re-encodings are compared option by option with NOPs ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mptcp/mptcp.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Checks that say which case of a loop failed                          */
/* ------------------------------------------------------------------ */

/* Describes the case being checked; printed with every failed check. */
static char g_ctx[200];

static void ctx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_ctx, sizeof g_ctx, fmt, ap);
  va_end(ap);
}

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      print_error("%s:%d: check failed: %s [%s]\n", __FILE__, __LINE__,    \
                  #cond, g_ctx);                                           \
      fail();                                                              \
    }                                                                      \
  } while (0)

#define CHECK_EQ(a, b)                                                     \
  do {                                                                     \
    unsigned long long a_ = (unsigned long long)(a);                       \
    unsigned long long b_ = (unsigned long long)(b);                       \
    if (a_ != b_) {                                                        \
      print_error("%s:%d: %s == %s failed: 0x%llx != 0x%llx [%s]\n",       \
                  __FILE__, __LINE__, #a, #b, a_, b_, g_ctx);              \
      fail();                                                              \
    }                                                                      \
  } while (0)

/* Compares return codes and names them: "-243 (MPTCP_ERR_DSS_LEN)". */
#define CHECK_RC(a, b)                                                     \
  do {                                                                     \
    int a_ = (int)(a);                                                     \
    int b_ = (int)(b);                                                     \
    if (a_ != b_) {                                                        \
      print_error("%s:%d: %s returned %d (%s), expected %d (%s) [%s]\n",   \
                  __FILE__, __LINE__, #a, a_,                              \
                  a_ < 0 ? mptcp_strerror_name(a_) : "length", b_,         \
                  b_ < 0 ? mptcp_strerror_name(b_) : "length", g_ctx);     \
      fail();                                                              \
    }                                                                      \
  } while (0)

#define CHECK_MEM(a, b, n)                                                 \
  do {                                                                     \
    if (memcmp((a), (b), (n)) != 0) {                                      \
      print_error("%s:%d: memcmp(%s, %s, %s) differs [%s]\n", __FILE__,    \
                  __LINE__, #a, #b, #n, g_ctx);                            \
      dump("got     ", (const uint8_t *)(a), (n));                         \
      dump("expected", (const uint8_t *)(b), (n));                         \
      fail();                                                              \
    }                                                                      \
  } while (0)

static void dump(const char *what, const uint8_t *p, size_t n) {
  char line[3 * 64 + 1];
  size_t o = 0;
  for (size_t i = 0; i < n && i < 64; i++)
    o += (size_t)snprintf(line + o, sizeof line - o, "%02x ", p[i]);
  line[o] = '\0';
  print_error("  %s: %s\n", what, line);
}

/* ------------------------------------------------------------------ */
/* Small independent helpers                                            */
/* ------------------------------------------------------------------ */

/* Parses hex test vectors: pairs of digits, spaces ignored. */
static size_t unhex(uint8_t *out, size_t cap, const char *text) {
  size_t n = 0;
  int hi = -1;
  for (const char *p = text; *p != '\0'; p++) {
    int v = 0;
    if (*p == ' ')
      continue;
    if (*p >= '0' && *p <= '9')
      v = *p - '0';
    else if (*p >= 'a' && *p <= 'f')
      v = *p - 'a' + 10;
    else if (*p >= 'A' && *p <= 'F')
      v = *p - 'A' + 10;
    else
      fail_msg("bad character in test vector: %s", text);
    if (hi < 0) {
      hi = v;
    } else {
      if (n >= cap)
        fail_msg("test vector longer than %zu bytes: %s", cap, text);
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0)
    fail_msg("odd number of digits in test vector: %s", text);
  return n;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}
static uint64_t rd64(const uint8_t *p) {
  return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static int popcount32(uint32_t v) {
  int n = 0;
  for (; v != 0; v &= v - 1)
    n++;
  return n;
}

/*
 * Copies the options of an option area, NOP padding removed, to `out`
 * (capacity 40) and returns their total length; stops at EOL. This is a
 * plain RFC 9293 walk, written here so that it does not depend on the
 * decoder under test. Sets *count to the number of options.
 */
static size_t strip_padding(const uint8_t *opt, size_t len, uint8_t *out,
                            int *count) {
  size_t i = 0, o = 0;
  int c = 0;
  while (i < len) {
    if (opt[i] == MPTCP_TCPOPT_EOL)
      break;
    if (opt[i] == MPTCP_TCPOPT_NOP) {
      i++;
      continue;
    }
    CHECK(i + 1 < len);
    size_t l = opt[i + 1];
    CHECK(l >= 2 && i + l <= len);
    memcpy(out + o, opt + i, l);
    o += l;
    i += l;
    c++;
  }
  if (count != NULL)
    *count = c;
  return o;
}

/* Offset in an encoded header of the first option of `kind` (and MPTCP
 * `subtype` if kind is 30), or -1. */
static int find_option(const uint8_t *wire, int hlen, int kind, int subtype) {
  int i = MPTCP_TCP_HDR_MIN;
  while (i < hlen) {
    if (wire[i] == MPTCP_TCPOPT_EOL)
      break;
    if (wire[i] == MPTCP_TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= hlen || wire[i + 1] < 2 || i + wire[i + 1] > hlen)
      return -1;
    if (wire[i] == kind &&
        (kind != MPTCP_TCPOPT_MPTCP ||
         (wire[i + 1] >= 3 && (wire[i + 2] >> 4) == subtype)))
      return i;
    i += wire[i + 1];
  }
  return -1;
}

/* The MPTCP option of `subtype` in an encoded header; fails if absent. */
static const uint8_t *mp_opt(const uint8_t *wire, int hlen, int subtype) {
  int off = find_option(wire, hlen, MPTCP_TCPOPT_MPTCP, subtype);
  CHECK(off >= 0);
  return wire + off;
}

/* A header with distinctive fixed fields and no options. */
static void hdr_init(mptcp_tcphdr *h) {
  memset(h, 0, sizeof *h);
  h->sport = 40001;
  h->dport = 443;
  h->seq = 0x01020304u;
  h->ack = 0xa0b0c0d0u;
  h->flags = MPTCP_TH_ACK;
  h->window = 0x1234;
  h->csum = 0xbeef;
  h->urg_ptr = 0;
}

static void check_fixed_equal(const mptcp_tcphdr *a, const mptcp_tcphdr *b) {
  CHECK_EQ(a->sport, b->sport);
  CHECK_EQ(a->dport, b->dport);
  CHECK_EQ(a->seq, b->seq);
  CHECK_EQ(a->ack, b->ack);
  CHECK_EQ(a->flags, b->flags);
  CHECK_EQ(a->reserved, b->reserved);
  CHECK_EQ(a->window, b->window);
  CHECK_EQ(a->csum, b->csum);
  CHECK_EQ(a->urg_ptr, b->urg_ptr);
}

/*
 * Encodes `h` into `wire`, decodes that into `out`, encodes `out` again:
 * the two encodings must be byte-equal. Also checks the length functions,
 * the data offset and that the option area holds exactly one option per
 * bit of h->opts. Returns the header length.
 */
static int roundtrip(const mptcp_tcphdr *h, mptcp_tcphdr *out,
                     uint8_t wire[MPTCP_TCP_HDR_MAX]) {
  uint8_t again[MPTCP_TCP_HDR_MAX];
  uint8_t stripped[MPTCP_TCP_OPT_MAX];
  int count = 0;

  int n = mptcp_tcphdr_encode(wire, MPTCP_TCP_HDR_MAX, h);
  if (n < 0) {
    print_error("%s:%d: encode failed: %d (%s) [%s]\n", __FILE__, __LINE__,
                n, mptcp_strerror_name(n), g_ctx);
    fail();
  }
  CHECK(n >= MPTCP_TCP_HDR_MIN && n <= MPTCP_TCP_HDR_MAX && n % 4 == 0);
  CHECK_RC(mptcp_tcphdr_len(h), n);
  CHECK_EQ(wire[12] >> 4, n / 4);
  CHECK_EQ(wire[12] & 0x0f, h->reserved);
  strip_padding(wire + MPTCP_TCP_HDR_MIN, (size_t)n - MPTCP_TCP_HDR_MIN,
                stripped, &count);
  CHECK_EQ(count, popcount32(h->opts));

  memset(out, 0xa5, sizeof *out);
  CHECK_RC(mptcp_tcphdr_decode(out, wire, (size_t)n), n);
  CHECK_EQ(out->hdr_len, n);
  CHECK_EQ(out->opts, h->opts);
  CHECK_EQ(out->n_unknown, 0);
  check_fixed_equal(out, h);

  CHECK_RC(mptcp_tcphdr_encode(again, sizeof again, out), n);
  CHECK_MEM(again, wire, (size_t)n);
  return n;
}

/* Decodes a hand-written header (no payload) and checks its length. */
static size_t decode_hex(const char *text, uint8_t *wire, mptcp_tcphdr *h) {
  size_t n = unhex(wire, MPTCP_TCP_HDR_MAX, text);
  memset(h, 0xa5, sizeof *h);
  CHECK_RC(mptcp_tcphdr_decode(h, wire, n), (int)n);
  CHECK_EQ(h->hdr_len, n);
  CHECK_EQ(h->n_unknown, 0);
  return n;
}

/*
 * Re-encodes a decoded hand-written header and compares with the original
 * bytes: exactly, or (exact == 0, for odd-length MPTCP options whose NOP
 * placement is not specified) the fixed header exactly and the options one
 * by one with the NOPs removed.
 */
static void check_reencode(const uint8_t *wire, size_t n,
                           const mptcp_tcphdr *h, int exact) {
  uint8_t out[MPTCP_TCP_HDR_MAX];
  uint8_t a[MPTCP_TCP_OPT_MAX], b[MPTCP_TCP_OPT_MAX];
  CHECK_RC(mptcp_tcphdr_encode(out, sizeof out, h), (int)n);
  if (exact) {
    CHECK_MEM(out, wire, n);
    return;
  }
  CHECK_MEM(out, wire, MPTCP_TCP_HDR_MIN);
  size_t la = strip_padding(wire + 20, n - 20, a, NULL);
  size_t lb = strip_padding(out + 20, n - 20, b, NULL);
  CHECK_EQ(lb, la);
  CHECK_MEM(b, a, la);
}

/* ------------------------------------------------------------------ */
/* Hand-written headers (RFC 9293 figure 1 + option figures)            */
/* ------------------------------------------------------------------ */

/* A v1 MP_CAPABLE SYN with the usual Linux options, 44 bytes. */
static const char H_SYN[] =
    "9c 41 01 bb"             /* source port 40001, destination port 443 */
    "00 00 03 e8"             /* sequence number 1000 */
    "00 00 00 00"             /* acknowledgment number 0 */
    "b0 02"                   /* data offset 11 (44 bytes), reserved 0; SYN */
    "fa f0"                   /* window 64240 */
    "00 00 00 00"             /* checksum 0, urgent pointer 0 */
    "02 04 05 b4"             /* MSS, len 4, 1460 */
    "04 02 08 0a"             /* SACK-permitted (len 2); timestamps, len 10 */
    "00 0f 42 40 00 00 00 00" /* TSval 1000000, TSecr 0 */
    "01 03 03 07"             /* NOP; window scale, len 3, shift 7 */
    "1e 04 01 81";            /* MP_CAPABLE len 4: subtype 0|version 1;
                                 flags A|H */

/* MP_CAPABLE SYN/ACK carrying the responder's key, 32 bytes. */
static const char H_MPC_SYNACK[] =
    "01 bb 9c 41"              /* ports 443 -> 40001 */
    "00 00 07 d0"              /* seq 2000 */
    "00 00 03 e9"              /* ack 1001 */
    "80 12"                    /* data offset 8 (32 bytes); SYN|ACK */
    "ff ff 00 00 00 00"        /* window 65535, checksum 0, urgent 0 */
    "1e 0c 01 81"              /* MP_CAPABLE len 12, subtype 0, version 1,
                                  flags A|H */
    "b1 b2 b3 b4 b5 b6 b7 b8"; /* option sender's key */

/* MP_CAPABLE third ACK: both keys, 40 bytes. */
static const char H_MPC_ACK[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* ports, seq 1001, ack 2001 */
    "a0 10 01 f6 00 00 00 00"             /* doff 10 (40); ACK; win 502 */
    "1e 14 01 81"                         /* MP_CAPABLE len 20, v1, A|H */
    "a1 a2 a3 a4 a5 a6 a7 a8"             /* sender's key (initiator) */
    "b1 b2 b3 b4 b5 b6 b7 b8";            /* receiver's key */

/* MP_CAPABLE on the first data segment, with DSS checksum, 44 bytes. */
static const char H_MPC_DATA_CSUM[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* ports, seq 1001, ack 2001 */
    "b0 18 01 f6 00 00 00 00"             /* doff 11 (44); ACK|PSH */
    "1e 18 01 81"                         /* MP_CAPABLE len 24, v1, A|H */
    "a1 a2 a3 a4 a5 a6 a7 a8"             /* sender's key */
    "b1 b2 b3 b4 b5 b6 b7 b8"             /* receiver's key */
    "00 05"                               /* data-level length 5 */
    "12 34";                              /* checksum */

/* MP_CAPABLE on first data without checksum (22 bytes + 2 NOPs). */
static const char H_MPC_DATA[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* ports, seq 1001, ack 2001 */
    "b0 18 01 f6 00 00 00 00"             /* doff 11 (44); ACK|PSH */
    "1e 16 01 01"                         /* MP_CAPABLE len 22, v1, H */
    "a1 a2 a3 a4 a5 a6 a7 a8"             /* sender's key */
    "b1 b2 b3 b4 b5 b6 b7 b8"             /* receiver's key */
    "00 64"                               /* data-level length 100 */
    "01 01";                              /* NOP NOP */

/* MP_JOIN SYN with the usual options, 52 bytes. */
static const char H_JOIN_SYN[] =
    "c3 51 01 bb 00 00 00 64 00 00 00 00" /* 50001 -> 443, seq 100 */
    "d0 02 fa f0 00 00 00 00"             /* doff 13 (52); SYN */
    "02 04 05 b4"                         /* MSS 1460 */
    "04 02 08 0a 00 00 00 01 00 00 00 00" /* SACK-perm; TS 1, 0 */
    "01 03 03 07"                         /* NOP; window scale 7 */
    "1e 0c 11 02"                         /* MP_JOIN len 12, subtype 1,
                                             B=1; address id 2 */
    "de ad be ef"                         /* receiver's token */
    "01 23 45 67";                        /* sender's random number */

/* MP_JOIN SYN/ACK, 36 bytes. */
static const char H_JOIN_SYNACK[] =
    "01 bb c3 51 00 00 01 2c 00 00 00 65" /* 443 -> 50001, seq 300, ack 101 */
    "90 12 ff ff 00 00 00 00"             /* doff 9 (36); SYN|ACK */
    "1e 10 10 03"                         /* MP_JOIN len 16, B=0; id 3 */
    "0d 44 dc 5f 55 51 21 b7"             /* sender's truncated HMAC */
    "55 66 77 88";                        /* sender's random number */

/* MP_JOIN third ACK behind timestamps, 56 bytes. */
static const char H_JOIN_ACK[] =
    "c3 51 01 bb 00 00 00 65 00 00 01 2d" /* seq 101, ack 301 */
    "e0 10 01 f6 00 00 00 00"             /* doff 14 (56); ACK */
    "01 01 08 0a 00 00 00 02 00 00 00 05" /* NOP NOP; TS 2, 5 */
    "1e 18 10 00"                         /* MP_JOIN len 24, reserved 0 */
    "d8 b5 e4 6b 7a 78 2e 79 d3 ec"       /* sender's HMAC, 160 bits */
    "fd 78 30 77 51 df 99 3e 22 2b";

/* DSS with every field at full size, 48 bytes. */
static const char H_DSS_FULL[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* ports, seq 1001, ack 2001 */
    "c0 18 01 f6 00 00 00 00"             /* doff 12 (48); ACK|PSH */
    "1e 1c 20 0f"                         /* DSS len 28, subtype 2;
                                             flags m|M|a|A */
    "01 02 03 04 05 06 07 08"             /* Data ACK, 8 octets */
    "11 12 13 14 15 16 17 18"             /* data sequence number, 8 */
    "00 00 00 01"                         /* subflow sequence number 1 */
    "05 a0"                               /* data-level length 1440 */
    "ab cd";                              /* checksum */

/* DSS: DATA_FIN-only mapping with 4-byte Data ACK and DSN (18 + 2). */
static const char H_DSS_FIN[] =
    "9c 41 01 bb 00 00 10 00 00 00 20 00" /* seq 4096, ack 8192 */
    "a0 11 01 f6 00 00 00 00"             /* doff 10 (40); ACK|FIN */
    "1e 12 20 15"                         /* DSS len 18; flags F|M|A */
    "00 00 30 00"                         /* Data ACK 0x3000 (4 octets) */
    "00 00 40 00"                         /* DSN 0x4000 (4 octets) */
    "00 00 00 00"                         /* SSN 0 */
    "00 01"                               /* data-level length 1 */
    "01 01";                              /* NOP NOP */

/* DSS carrying only a 4-byte Data ACK, 28 bytes. */
static const char H_DSS_ACK[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "70 10 01 f6 00 00 00 00"             /* doff 7 (28); ACK */
    "1e 08 20 01"                         /* DSS len 8; flags A */
    "fe dc ba 98";                        /* Data ACK (4 octets) */

/* ADD_ADDR IPv4 with port and HMAC (18 + 2 NOPs), 40 bytes. */
static const char H_ADD_ADDR4[] =
    "01 bb 9c 41 00 00 07 d1 00 00 03 e9" /* seq 2001, ack 1001 */
    "a0 10 01 f6 00 00 00 00"             /* doff 10 (40); ACK */
    "1e 12 30 05"                         /* ADD_ADDR len 18, subtype 3,
                                             E=0; address id 5 */
    "c0 00 02 01"                         /* 192.0.2.1 */
    "1f 90"                               /* port 8080 */
    "fd 34 3c 02 3d 07 76 1b"             /* truncated HMAC */
    "01 01";                              /* NOP NOP */

/* ADD_ADDR echo, IPv6 with port (22 + 2 NOPs), 44 bytes. */
static const char H_ADD_ADDR6_ECHO[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "b0 10 01 f6 00 00 00 00"             /* doff 11 (44); ACK */
    "1e 16 31 09"                         /* ADD_ADDR len 22, E=1; id 9 */
    "20 01 0d b8 00 00 00 00"             /* 2001:db8:: */
    "00 00 00 00 00 00 00 01"             /*          ::1 */
    "01 bb"                               /* port 443 */
    "01 01";                              /* NOP NOP */

/* Timestamps, DSS and an ADD_ADDR echo filling all 40 option bytes. */
static const char H_MIX[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "f0 18 01 f6 00 00 00 00"             /* doff 15 (60); ACK|PSH */
    "01 01 08 0a 00 00 00 01 00 00 00 02" /* NOP NOP; TS 1, 2 */
    "1e 12 20 05"                         /* DSS len 18; flags M|A */
    "00 00 10 00 00 00 20 00"             /* Data ACK 0x1000; DSN 0x2000 */
    "00 00 00 01 00 10"                   /* SSN 1; data-level length 16 */
    "01 01"                               /* NOP NOP */
    "1e 08 31 07 0a 00 00 02";            /* ADD_ADDR echo len 8; id 7;
                                             10.0.0.2 */

/* REMOVE_ADDR with 37 ids: the largest option (40 bytes), 60 bytes. */
static const char H_RM37[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "f0 10 01 f6 00 00 00 00"             /* doff 15 (60); ACK */
    "1e 28 40"                            /* REMOVE_ADDR len 40, subtype 4 */
    "01 02 03 04 05 06 07 08 09 0a 0b 0c" /* address ids 1..37 */
    "0d 0e 0f 10 11 12 13 14 15 16 17 18"
    "19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25";

/* REMOVE_ADDR with two ids (5 bytes + 3 NOPs), 28 bytes. */
static const char H_RM2[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "70 10 01 f6 00 00 00 00"             /* doff 7 (28); ACK */
    "1e 05 40 03 07"                      /* REMOVE_ADDR len 5; ids 3, 7 */
    "01 01 01";                           /* NOP NOP NOP */

/* Reset with MP_FASTCLOSE and MP_TCPRST, 36 bytes. */
static const char H_RST[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "90 14 00 00 00 00 00 00"             /* doff 9 (36); RST|ACK; win 0 */
    "1e 0c 70 00"                         /* MP_FASTCLOSE len 12, subtype 7,
                                             reserved */
    "b1 b2 b3 b4 b5 b6 b7 b8"             /* option receiver's key */
    "1e 04 81 06";                        /* MP_TCPRST len 4, subtype 8,
                                             flags T; reason 6 (middlebox) */

/* MP_FAIL and MP_PRIO (3 + 1 NOP), 36 bytes. */
static const char H_FAIL_PRIO[] =
    "9c 41 01 bb 00 00 03 e9 00 00 07 d1" /* seq 1001, ack 2001 */
    "90 10 01 f6 00 00 00 00"             /* doff 9 (36); ACK */
    "1e 03 51"                            /* MP_PRIO len 3, subtype 5, B=1 */
    "01"                                  /* NOP */
    "1e 0c 60 00"                         /* MP_FAIL len 12, subtype 6 */
    "01 02 03 04 05 06 07 08";            /* data sequence number */

/* ------------------------------------------------------------------ */
/* Fixed header                                                         */
/* ------------------------------------------------------------------ */

static void test_fixed_header(void **state) {
  (void)state;
  ctx("fixed header");
  uint8_t wire[64];
  mptcp_tcphdr h;
  size_t n = unhex(wire, sizeof wire,
                   "9c 41"       /* source port 40001 */
                   "01 bb"       /* destination port 443 */
                   "01 02 03 04" /* sequence number */
                   "a0 b0 c0 d0" /* acknowledgment number */
                   "5a"          /* data offset 5; reserved bits 1010 */
                   "d9"          /* CWR|ECE|ACK|PSH|FIN */
                   "12 34"       /* window */
                   "be ef"       /* checksum */
                   "00 07"       /* urgent pointer */
                   "68 65 6c 6c 6f"); /* payload "hello" */
  CHECK_EQ(n, 25);
  memset(&h, 0xa5, sizeof h);
  CHECK_RC(mptcp_tcphdr_decode(&h, wire, n), 20);
  CHECK_EQ(h.sport, 40001);
  CHECK_EQ(h.dport, 443);
  CHECK_EQ(h.seq, 0x01020304u);
  CHECK_EQ(h.ack, 0xa0b0c0d0u);
  CHECK_EQ(h.hdr_len, 20);
  CHECK_EQ(h.reserved, 0xa);
  CHECK_EQ(h.flags, MPTCP_TH_CWR | MPTCP_TH_ECE | MPTCP_TH_ACK |
                        MPTCP_TH_PSH | MPTCP_TH_FIN);
  CHECK_EQ(h.window, 0x1234);
  CHECK_EQ(h.csum, 0xbeef);
  CHECK_EQ(h.urg_ptr, 7);
  CHECK_EQ(h.opts, 0);
  CHECK_EQ(h.n_unknown, 0);
  check_reencode(wire, 20, &h, 1);

  /* Every flag bit alone survives a round trip, in its RFC position. */
  for (int bit = 0; bit < 8; bit++) {
    mptcp_tcphdr in, out;
    uint8_t w[MPTCP_TCP_HDR_MAX];
    hdr_init(&in);
    in.flags = (uint8_t)(1u << bit);
    in.urg_ptr = 0x8001;
    ctx("flag bit %d", bit);
    CHECK_RC(roundtrip(&in, &out, w), 20);
    CHECK_EQ(w[13], 1u << bit);
    CHECK_EQ(rd16(w + 18), 0x8001);
  }

  /* The encoder ignores hdr_len and computes it. */
  mptcp_tcphdr in;
  uint8_t w[MPTCP_TCP_HDR_MAX];
  hdr_init(&in);
  in.hdr_len = 44;
  ctx("hdr_len ignored");
  CHECK_RC(mptcp_tcphdr_encode(w, sizeof w, &in), 20);
  CHECK_EQ(w[12], 0x50);
}

/* ------------------------------------------------------------------ */
/* Round trips of every option                                          */
/* ------------------------------------------------------------------ */

static void test_rt_standard_options(void **state) {
  (void)state;
  /* Expected option areas follow the documented Linux layout:
   * MSS "02 04 mss"; SACK-permitted and timestamps together
   * "04 02 08 0a ..." or each behind two NOPs; window scale "01 03 03 s". */
  static const struct {
    const char *name;
    uint32_t opts;
    uint16_t mss;
    uint8_t ws;
    const char *area;
  } cases[] = {
      {"MSS 1460", MPTCP_OPT_MSS, 1460, 0, "02 04 05 b4"},
      {"MSS 0", MPTCP_OPT_MSS, 0, 0, "02 04 00 00"},
      {"MSS 65535", MPTCP_OPT_MSS, 65535, 0, "02 04 ff ff"},
      {"wscale 14", MPTCP_OPT_WSCALE, 0, 14, "01 03 03 0e"},
      {"wscale 0", MPTCP_OPT_WSCALE, 0, 0, "01 03 03 00"},
      {"SACK-permitted", MPTCP_OPT_SACK_PERM, 0, 0, "01 01 04 02"},
      {"timestamps", MPTCP_OPT_TIMESTAMP, 0, 0,
       "01 01 08 0a de ad be ef 01 02 03 04"},
      {"SACK-permitted + timestamps",
       MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP, 0, 0,
       "04 02 08 0a de ad be ef 01 02 03 04"},
      {"MSS + wscale", MPTCP_OPT_MSS | MPTCP_OPT_WSCALE, 536, 2,
       "02 04 02 18 01 03 03 02"},
      {"MSS + SACK-permitted + wscale",
       MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_WSCALE, 1400, 9,
       "02 04 05 78 01 01 04 02 01 03 03 09"},
      {"all four",
       MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
           MPTCP_OPT_WSCALE,
       1460, 7,
       "02 04 05 b4 04 02 08 0a de ad be ef 01 02 03 04 01 03 03 07"},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    mptcp_tcphdr h, d;
    uint8_t wire[MPTCP_TCP_HDR_MAX], area[MPTCP_TCP_OPT_MAX];
    ctx("%s", cases[i].name);
    hdr_init(&h);
    h.flags = MPTCP_TH_SYN;
    h.opts = cases[i].opts;
    h.mss = cases[i].mss;
    h.wscale = cases[i].ws;
    h.ts_val = 0xdeadbeefu;
    h.ts_ecr = 0x01020304u;
    size_t alen = unhex(area, sizeof area, cases[i].area);
    int n = roundtrip(&h, &d, wire);
    CHECK_EQ(n, 20 + alen);
    CHECK_MEM(wire + 20, area, alen);
    if (h.opts & MPTCP_OPT_MSS)
      CHECK_EQ(d.mss, h.mss);
    if (h.opts & MPTCP_OPT_WSCALE)
      CHECK_EQ(d.wscale, h.wscale);
    if (h.opts & MPTCP_OPT_TIMESTAMP) {
      CHECK_EQ(d.ts_val, h.ts_val);
      CHECK_EQ(d.ts_ecr, h.ts_ecr);
    }
  }
}

static void test_rt_sack(void **state) {
  (void)state;
  for (int nb = 1; nb <= MPTCP_MAX_SACK_BLOCKS; nb++) {
    for (int with_ts = 0; with_ts <= 1; with_ts++) {
      mptcp_tcphdr h, d;
      uint8_t wire[MPTCP_TCP_HDR_MAX];
      ctx("%d SACK blocks, timestamps %d", nb, with_ts);
      hdr_init(&h);
      h.opts = MPTCP_OPT_SACK | (with_ts ? MPTCP_OPT_TIMESTAMP : 0);
      h.n_sack = (uint8_t)nb;
      h.ts_val = 7;
      h.ts_ecr = 9;
      for (int b = 0; b < nb; b++) {
        h.sack[b].left = 0xfffff000u + (uint32_t)b * 0x3000u;
        h.sack[b].right = h.sack[b].left + 0x1000u;
      }
      /* 2 + 8n bytes behind two NOPs, after 12 bytes of timestamps. */
      int need = 2 + 2 + 8 * nb + (with_ts ? 12 : 0);
      if (need > MPTCP_TCP_OPT_MAX) {
        CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
        CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h),
                 MPTCP_ERR_OPT_SPACE);
        continue;
      }
      int n = roundtrip(&h, &d, wire);
      CHECK_EQ(n, 20 + need);
      int off = 20 + (with_ts ? 12 : 0);
      if (with_ts)
        CHECK_MEM(wire + 20, "\x01\x01\x08\x0a", 4);
      CHECK_EQ(wire[off], MPTCP_TCPOPT_NOP);
      CHECK_EQ(wire[off + 1], MPTCP_TCPOPT_NOP);
      CHECK_EQ(wire[off + 2], MPTCP_TCPOPT_SACK);
      CHECK_EQ(wire[off + 3], 2 + 8 * nb);
      CHECK_EQ(d.n_sack, nb);
      for (int b = 0; b < nb; b++) {
        CHECK_EQ(rd32(wire + off + 4 + 8 * b), h.sack[b].left);
        CHECK_EQ(rd32(wire + off + 8 + 8 * b), h.sack[b].right);
        CHECK_EQ(d.sack[b].left, h.sack[b].left);
        CHECK_EQ(d.sack[b].right, h.sack[b].right);
      }
    }
  }
  /* Four blocks (36 bytes with padding) + MSS = 40: fits; + wscale: not. */
  mptcp_tcphdr h, d;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  hdr_init(&h);
  h.opts = MPTCP_OPT_SACK | MPTCP_OPT_MSS;
  h.mss = 1200;
  h.n_sack = 4;
  for (int b = 0; b < 4; b++) {
    h.sack[b].left = (uint32_t)b * 100u;
    h.sack[b].right = (uint32_t)b * 100u + 50u;
  }
  ctx("4 SACK blocks + MSS");
  CHECK_RC(roundtrip(&h, &d, wire), 60);
  h.opts |= MPTCP_OPT_WSCALE;
  ctx("4 SACK blocks + MSS + wscale");
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);
}

static void test_rt_mp_capable(void **state) {
  (void)state;
  static const uint8_t lens[] = {
      MPTCP_MPC_LEN_SYN, MPTCP_MPC_LEN_SYNACK, MPTCP_MPC_LEN_ACK,
      MPTCP_MPC_LEN_DATA, MPTCP_MPC_LEN_DATA_CSUM};
  static const uint8_t flag_sets[] = {
      0,
      MPTCP_MPC_FLAG_H,
      MPTCP_MPC_FLAG_A,
      MPTCP_MPC_FLAG_A | MPTCP_MPC_FLAG_H,
      MPTCP_MPC_FLAG_B | MPTCP_MPC_FLAG_H,
      MPTCP_MPC_FLAG_C | MPTCP_MPC_FLAG_H,
      MPTCP_MPC_FLAG_A | MPTCP_MPC_FLAG_B | MPTCP_MPC_FLAG_C |
          MPTCP_MPC_FLAG_H,
  };
  for (size_t li = 0; li < ARRAY_LEN(lens); li++) {
    for (size_t fi = 0; fi < ARRAY_LEN(flag_sets); fi++) {
      for (uint8_t version = 0; version <= 1; version++) {
        mptcp_tcphdr h, d;
        uint8_t wire[MPTCP_TCP_HDR_MAX];
        uint8_t len = lens[li];
        ctx("MP_CAPABLE len %u flags 0x%02x version %u", len, flag_sets[fi],
            version);
        hdr_init(&h);
        h.opts = MPTCP_OPT_MP_CAPABLE;
        h.mpc.len = len;
        h.mpc.version = version;
        h.mpc.flags = flag_sets[fi];
        h.mpc.sender_key = 0x0123456789abcdefull;
        h.mpc.receiver_key = 0xfedcba9876543210ull;
        h.mpc.data_len = 1448;
        h.mpc.csum = 0xc5c5;
        int n = roundtrip(&h, &d, wire);
        CHECK_EQ(n, 20 + ((len + 3) & ~3));
        const uint8_t *o = mp_opt(wire, n, MPTCP_SUB_MP_CAPABLE);
        CHECK_EQ(o[1], len);
        CHECK_EQ(o[2], (MPTCP_SUB_MP_CAPABLE << 4) | version);
        CHECK_EQ(o[3], flag_sets[fi]);
        CHECK_EQ(d.mpc.len, len);
        CHECK_EQ(d.mpc.version, version);
        CHECK_EQ(d.mpc.flags, flag_sets[fi]);
        if (len >= 12) {
          CHECK_EQ(rd64(o + 4), h.mpc.sender_key);
          CHECK_EQ(d.mpc.sender_key, h.mpc.sender_key);
        }
        if (len >= 20) {
          CHECK_EQ(rd64(o + 12), h.mpc.receiver_key);
          CHECK_EQ(d.mpc.receiver_key, h.mpc.receiver_key);
        }
        if (len >= 22) {
          CHECK_EQ(rd16(o + 20), 1448);
          CHECK_EQ(d.mpc.data_len, 1448);
        }
        if (len == 24) {
          CHECK_EQ(rd16(o + 22), 0xc5c5);
          CHECK_EQ(d.mpc.csum, 0xc5c5);
        }
      }
    }
  }
}

static void test_rt_mp_join(void **state) {
  (void)state;
  static const uint8_t lens[] = {MPTCP_JOIN_LEN_SYN, MPTCP_JOIN_LEN_SYNACK,
                                 MPTCP_JOIN_LEN_ACK};
  for (size_t li = 0; li < ARRAY_LEN(lens); li++) {
    for (uint8_t backup = 0; backup <= 1; backup++) {
      mptcp_tcphdr h, d;
      uint8_t wire[MPTCP_TCP_HDR_MAX];
      uint8_t len = lens[li];
      if (len == MPTCP_JOIN_LEN_ACK && backup)
        continue; /* the third ACK has no B flag */
      ctx("MP_JOIN len %u backup %u", len, backup);
      hdr_init(&h);
      h.flags = len == MPTCP_JOIN_LEN_SYN ? MPTCP_TH_SYN
                : len == MPTCP_JOIN_LEN_SYNACK
                    ? (MPTCP_TH_SYN | MPTCP_TH_ACK)
                    : MPTCP_TH_ACK;
      h.opts = MPTCP_OPT_MP_JOIN;
      h.join.len = len;
      h.join.backup = backup;
      h.join.addr_id = len == MPTCP_JOIN_LEN_ACK ? 0 : 0xfe;
      h.join.token = 0xdeadbeefu;
      h.join.nonce = 0x01234567u;
      h.join.thmac = 0x8877665544332211ull;
      for (int i = 0; i < MPTCP_JOIN_HMAC_LEN; i++)
        h.join.hmac[i] = (uint8_t)(0xc0 + i);
      int n = roundtrip(&h, &d, wire);
      CHECK_EQ(n, 20 + len);
      const uint8_t *o = mp_opt(wire, n, MPTCP_SUB_MP_JOIN);
      CHECK_EQ(o[1], len);
      CHECK_EQ(d.join.len, len);
      if (len == MPTCP_JOIN_LEN_SYN) {
        /* Figure 5: B, address id, receiver's token, sender's R. */
        CHECK_EQ(o[2], 0x10 | backup);
        CHECK_EQ(o[3], 0xfe);
        CHECK_EQ(rd32(o + 4), 0xdeadbeefu);
        CHECK_EQ(rd32(o + 8), 0x01234567u);
        CHECK_EQ(d.join.backup, backup);
        CHECK_EQ(d.join.addr_id, 0xfe);
        CHECK_EQ(d.join.token, 0xdeadbeefu);
        CHECK_EQ(d.join.nonce, 0x01234567u);
      } else if (len == MPTCP_JOIN_LEN_SYNACK) {
        /* Figure 6: B, address id, truncated HMAC, sender's R. */
        CHECK_EQ(o[2], 0x10 | backup);
        CHECK_EQ(o[3], 0xfe);
        CHECK_EQ(rd64(o + 4), 0x8877665544332211ull);
        CHECK_EQ(rd32(o + 12), 0x01234567u);
        CHECK_EQ(d.join.backup, backup);
        CHECK_EQ(d.join.addr_id, 0xfe);
        CHECK_EQ(d.join.thmac, 0x8877665544332211ull);
        CHECK_EQ(d.join.nonce, 0x01234567u);
      } else {
        /* Figure 7: reserved, then 160 bits of HMAC. */
        CHECK_EQ(o[2], 0x10);
        CHECK_EQ(o[3], 0);
        CHECK_MEM(o + 4, h.join.hmac, MPTCP_JOIN_HMAC_LEN);
        CHECK_MEM(d.join.hmac, h.join.hmac, MPTCP_JOIN_HMAC_LEN);
      }
    }
  }
}

/* DSS length from RFC 8684 figure 9: 4 + Data ACK + mapping. */
static int dss_expected_len(unsigned flags, int csum) {
  int len = 4;
  if (flags & MPTCP_DSS_ACK)
    len += (flags & MPTCP_DSS_ACK8) ? 8 : 4;
  if (flags & MPTCP_DSS_MAP)
    len += ((flags & MPTCP_DSS_DSN8) ? 8 : 4) + 4 + 2 + (csum ? 2 : 0);
  return len;
}

static void test_rt_dss_all_flags(void **state) {
  (void)state;
  const uint64_t ack = 0x1122334455667788ull, dsn = 0x99aabbccddeeff00ull;
  for (unsigned f = 0; f < 32; f++) {
    for (int csum = 0; csum <= 1; csum++) {
      mptcp_tcphdr h, d;
      uint8_t wire[MPTCP_TCP_HDR_MAX];
      int has_map = (f & MPTCP_DSS_MAP) != 0;
      if (csum && !has_map)
        continue; /* the checksum is part of the mapping */
      ctx("DSS flags 0x%02x csum %d", f, csum);
      hdr_init(&h);
      h.opts = MPTCP_OPT_DSS;
      h.dss.flags = (uint8_t)f;
      h.dss.data_ack = ack;
      h.dss.dsn = dsn;
      h.dss.ssn = 0x0badcafeu;
      h.dss.dll = 1400;
      h.dss.has_csum = (uint8_t)csum;
      h.dss.csum = 0x4321;
      if ((f & MPTCP_DSS_DATA_FIN) && !has_map) {
        /* A DATA_FIN needs the DSN of a mapping (section 3.3.3). */
        CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_INVALID_ARGUMENT);
        CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h),
                 MPTCP_ERR_INVALID_ARGUMENT);
        continue;
      }
      int want = dss_expected_len(f, csum);
      CHECK_RC(mptcp_dss_len(&h.dss), want);
      int n = roundtrip(&h, &d, wire);
      CHECK_EQ(n, 20 + ((want + 3) & ~3));
      const uint8_t *o = mp_opt(wire, n, MPTCP_SUB_DSS);
      CHECK_EQ(o[1], want);
      CHECK_EQ(o[2], MPTCP_SUB_DSS << 4);
      CHECK_EQ(o[3], f);
      CHECK_EQ(d.dss.flags, f);
      const uint8_t *p = o + 4;
      if (f & MPTCP_DSS_ACK) {
        if (f & MPTCP_DSS_ACK8) {
          CHECK_EQ(rd64(p), ack);
          CHECK_EQ(d.dss.data_ack, ack);
          p += 8;
        } else {
          CHECK_EQ(rd32(p), (uint32_t)ack);
          CHECK_EQ(d.dss.data_ack, (uint32_t)ack);
          p += 4;
        }
      }
      if (has_map) {
        if (f & MPTCP_DSS_DSN8) {
          CHECK_EQ(rd64(p), dsn);
          CHECK_EQ(d.dss.dsn, dsn);
          p += 8;
        } else {
          CHECK_EQ(rd32(p), (uint32_t)dsn);
          CHECK_EQ(d.dss.dsn, (uint32_t)dsn);
          p += 4;
        }
        CHECK_EQ(rd32(p), 0x0badcafeu);
        CHECK_EQ(rd16(p + 4), 1400);
        CHECK_EQ(d.dss.ssn, 0x0badcafeu);
        CHECK_EQ(d.dss.dll, 1400);
        CHECK_EQ(d.dss.has_csum != 0, csum);
        p += 6;
        if (csum) {
          CHECK_EQ(rd16(p), 0x4321);
          CHECK_EQ(d.dss.csum, 0x4321);
          p += 2;
        }
      }
      CHECK_EQ(p - o, want);
    }
  }
}

static void test_dss_len(void **state) {
  (void)state;
  static const struct {
    uint8_t flags, csum;
    int len;
  } cases[] = {
      {0, 0, 4},
      {MPTCP_DSS_ACK, 0, 8},
      {MPTCP_DSS_ACK | MPTCP_DSS_ACK8, 0, 12},
      {MPTCP_DSS_ACK8, 0, 4}, /* 'a' alone: no Data ACK */
      {MPTCP_DSS_MAP, 0, 14},
      {MPTCP_DSS_MAP, 1, 16},
      {MPTCP_DSS_MAP | MPTCP_DSS_DSN8, 0, 18},
      {MPTCP_DSS_MAP | MPTCP_DSS_DSN8, 1, 20},
      {MPTCP_DSS_DSN8, 0, 4}, /* 'm' alone: no mapping */
      {MPTCP_DSS_ACK | MPTCP_DSS_MAP, 0, 18},
      {MPTCP_DSS_ACK | MPTCP_DSS_MAP | MPTCP_DSS_DATA_FIN, 1, 20},
      {0x1f, 1, 28}, /* the maximum, RFC 8684 section 3.3 */
      {0x1f, 0, 26},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    mptcp_opt_dss dss;
    memset(&dss, 0, sizeof dss);
    dss.flags = cases[i].flags;
    dss.has_csum = cases[i].csum;
    ctx("dss_len flags 0x%02x csum %u", cases[i].flags, cases[i].csum);
    CHECK_RC(mptcp_dss_len(&dss), cases[i].len);
  }
}

static void test_rt_add_addr(void **state) {
  (void)state;
  static const uint8_t v4[4] = {192, 0, 2, 1};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 1};
  for (int fam = 4; fam <= 6; fam += 2) {
    for (int port = 0; port <= 1; port++) {
      for (int echo = 0; echo <= 1; echo++) {
        mptcp_tcphdr h, d;
        uint8_t wire[MPTCP_TCP_HDR_MAX];
        size_t alen = fam == 4 ? 4 : 16;
        /* Figure 14: 4 + address + port (2) + HMAC (8, absent in echo). */
        int want = 4 + (int)alen + (port ? 2 : 0) + (echo ? 0 : 8);
        ctx("ADD_ADDR v%d port %d echo %d", fam, port, echo);
        hdr_init(&h);
        h.opts = MPTCP_OPT_ADD_ADDR;
        h.add_addr.echo = (uint8_t)echo;
        h.add_addr.addr_id = 0x2a;
        h.add_addr.family = (uint8_t)fam;
        h.add_addr.has_port = (uint8_t)port;
        h.add_addr.port = 8080;
        memcpy(h.add_addr.addr, fam == 4 ? v4 : v6, alen);
        h.add_addr.thmac = 0x0102030405060708ull;
        int n = roundtrip(&h, &d, wire);
        CHECK_EQ(n, 20 + ((want + 3) & ~3));
        const uint8_t *o = mp_opt(wire, n, MPTCP_SUB_ADD_ADDR);
        CHECK_EQ(o[1], want);
        CHECK_EQ(o[2], (MPTCP_SUB_ADD_ADDR << 4) | echo);
        CHECK_EQ(o[3], 0x2a);
        CHECK_MEM(o + 4, fam == 4 ? v4 : v6, alen);
        const uint8_t *p = o + 4 + alen;
        if (port) {
          CHECK_EQ(rd16(p), 8080);
          p += 2;
        }
        if (!echo)
          CHECK_EQ(rd64(p), 0x0102030405060708ull);
        CHECK_EQ(d.add_addr.echo != 0, echo);
        CHECK_EQ(d.add_addr.addr_id, 0x2a);
        CHECK_EQ(d.add_addr.family, fam);
        CHECK_EQ(d.add_addr.has_port != 0, port);
        if (port)
          CHECK_EQ(d.add_addr.port, 8080);
        CHECK_MEM(d.add_addr.addr, fam == 4 ? v4 : v6, alen);
        if (!echo)
          CHECK_EQ(d.add_addr.thmac, 0x0102030405060708ull);
      }
    }
  }
}

static void test_rt_remove_addr(void **state) {
  (void)state;
  static const uint8_t counts[] = {1, 2, 3, 36, MPTCP_MAX_RM_IDS};
  for (size_t c = 0; c < ARRAY_LEN(counts); c++) {
    mptcp_tcphdr h, d;
    uint8_t wire[MPTCP_TCP_HDR_MAX];
    uint8_t n_ids = counts[c];
    ctx("REMOVE_ADDR %u ids", n_ids);
    hdr_init(&h);
    h.opts = MPTCP_OPT_REMOVE_ADDR;
    h.rm_addr.n = n_ids;
    for (int i = 0; i < n_ids; i++)
      h.rm_addr.ids[i] = (uint8_t)(255 - 7 * i);
    int n = roundtrip(&h, &d, wire);
    CHECK_EQ(n, 20 + ((3 + n_ids + 3) & ~3));
    const uint8_t *o = mp_opt(wire, n, MPTCP_SUB_REMOVE_ADDR);
    CHECK_EQ(o[1], 3 + n_ids);
    CHECK_EQ(o[2], MPTCP_SUB_REMOVE_ADDR << 4);
    CHECK_MEM(o + 3, h.rm_addr.ids, n_ids);
    CHECK_EQ(d.rm_addr.n, n_ids);
    CHECK_MEM(d.rm_addr.ids, h.rm_addr.ids, n_ids);
  }
}

static void test_rt_prio_fail_fastclose_tcprst(void **state) {
  (void)state;
  mptcp_tcphdr h, d;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  const uint8_t *o;

  for (uint8_t b = 0; b <= 1; b++) {
    ctx("MP_PRIO backup %u", b);
    hdr_init(&h);
    h.opts = MPTCP_OPT_MP_PRIO;
    h.prio.backup = b;
    CHECK_RC(roundtrip(&h, &d, wire), 24);
    o = mp_opt(wire, 24, MPTCP_SUB_MP_PRIO);
    CHECK_EQ(o[1], 3);
    CHECK_EQ(o[2], (MPTCP_SUB_MP_PRIO << 4) | b); /* figure 17: B last */
    CHECK_EQ(d.prio.backup != 0, b);
  }

  ctx("MP_FAIL");
  hdr_init(&h);
  h.opts = MPTCP_OPT_MP_FAIL;
  h.fail.dsn = 0xfedcba9876543210ull;
  CHECK_RC(roundtrip(&h, &d, wire), 32);
  o = mp_opt(wire, 32, MPTCP_SUB_MP_FAIL);
  CHECK_EQ(o[1], 12);
  CHECK_EQ(o[2], MPTCP_SUB_MP_FAIL << 4);
  CHECK_EQ(o[3], 0);
  CHECK_EQ(rd64(o + 4), 0xfedcba9876543210ull);
  CHECK_EQ(d.fail.dsn, 0xfedcba9876543210ull);

  ctx("MP_FASTCLOSE");
  hdr_init(&h);
  h.flags = MPTCP_TH_RST | MPTCP_TH_ACK;
  h.opts = MPTCP_OPT_MP_FASTCLOSE;
  h.fastclose.key = 0x8000000000000001ull;
  CHECK_RC(roundtrip(&h, &d, wire), 32);
  o = mp_opt(wire, 32, MPTCP_SUB_MP_FASTCLOSE);
  CHECK_EQ(o[1], 12);
  CHECK_EQ(o[2], MPTCP_SUB_MP_FASTCLOSE << 4);
  CHECK_EQ(o[3], 0);
  CHECK_EQ(rd64(o + 4), 0x8000000000000001ull);
  CHECK_EQ(d.fastclose.key, 0x8000000000000001ull);

  static const uint8_t rst_flags[] = {0, MPTCP_RST_FLAG_T, 0x0f};
  for (size_t fi = 0; fi < ARRAY_LEN(rst_flags); fi++) {
    for (uint8_t reason = MPTCP_RST_EUNSPEC; reason <= MPTCP_RST_EMIDDLEBOX;
         reason++) {
      ctx("MP_TCPRST flags 0x%x reason %u", rst_flags[fi], reason);
      hdr_init(&h);
      h.flags = MPTCP_TH_RST;
      h.opts = MPTCP_OPT_MP_TCPRST;
      h.tcprst.flags = rst_flags[fi];
      h.tcprst.reason = reason;
      CHECK_RC(roundtrip(&h, &d, wire), 24);
      o = mp_opt(wire, 24, MPTCP_SUB_MP_TCPRST);
      /* Figure 15: subtype, U V W T, reason. */
      CHECK_EQ(o[1], 4);
      CHECK_EQ(o[2], (MPTCP_SUB_MP_TCPRST << 4) | rst_flags[fi]);
      CHECK_EQ(o[3], reason);
      CHECK_EQ(d.tcprst.flags, rst_flags[fi]);
      CHECK_EQ(d.tcprst.reason, reason);
    }
  }
}

static void test_rt_combinations(void **state) {
  (void)state;
  mptcp_tcphdr h, d;
  uint8_t wire[MPTCP_TCP_HDR_MAX];

  /* DSS (A, M, 4-byte fields: 18 -> 20) + ADD_ADDR v4 with HMAC (16). */
  ctx("DSS + ADD_ADDR");
  hdr_init(&h);
  h.opts = MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR;
  h.dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_MAP;
  h.dss.data_ack = 1000;
  h.dss.dsn = 2000;
  h.dss.ssn = 1;
  h.dss.dll = 100;
  h.add_addr.addr_id = 3;
  h.add_addr.family = 4;
  memcpy(h.add_addr.addr, "\x0a\x00\x00\x03", 4);
  h.add_addr.thmac = 42;
  CHECK_RC(roundtrip(&h, &d, wire), 56);
  CHECK_EQ(mp_opt(wire, 56, MPTCP_SUB_DSS)[1], 18);
  CHECK_EQ(mp_opt(wire, 56, MPTCP_SUB_ADD_ADDR)[1], 16);
  /* MPTCP options in subtype order: DSS (2) before ADD_ADDR (3). */
  CHECK(find_option(wire, 56, 30, MPTCP_SUB_DSS) <
        find_option(wire, 56, 30, MPTCP_SUB_ADD_ADDR));
  CHECK_EQ(d.dss.dsn, 2000);
  CHECK_EQ(d.add_addr.thmac, 42);

  /* A full SYN: MSS + SACK-permitted + timestamps + wscale + MP_CAPABLE. */
  ctx("SYN with everything");
  hdr_init(&h);
  h.flags = MPTCP_TH_SYN;
  h.opts = MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
           MPTCP_OPT_WSCALE | MPTCP_OPT_MP_CAPABLE;
  h.mss = 1460;
  h.ts_val = 12345;
  h.wscale = 7;
  h.mpc.len = MPTCP_MPC_LEN_SYN;
  h.mpc.version = MPTCP_VERSION;
  h.mpc.flags = MPTCP_MPC_FLAG_A | MPTCP_MPC_FLAG_H;
  CHECK_RC(roundtrip(&h, &d, wire), 44);
  CHECK_EQ(d.mss, 1460);
  CHECK_EQ(d.wscale, 7);
  CHECK_EQ(d.ts_val, 12345);
  CHECK_EQ(d.mpc.flags, 0x81);
  /* Standard options come first, MPTCP last. */
  CHECK_EQ(find_option(wire, 44, MPTCP_TCPOPT_MPTCP, 0), 40);

  /* MP_JOIN SYN with the standard options: 4 + 12 + 4 + 12 = 32. */
  ctx("MP_JOIN SYN with everything");
  h.opts = MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
           MPTCP_OPT_WSCALE | MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_SYN;
  h.join.backup = 1;
  h.join.addr_id = 4;
  h.join.token = 0xabcdef01u;
  h.join.nonce = 77;
  CHECK_RC(roundtrip(&h, &d, wire), 52);
  CHECK_EQ(d.join.token, 0xabcdef01u);
  CHECK_EQ(d.join.backup, 1);

  /* The largest DSS (28) + timestamps (12) = 40 exactly. */
  ctx("DSS max + timestamps");
  hdr_init(&h);
  h.opts = MPTCP_OPT_DSS | MPTCP_OPT_TIMESTAMP;
  h.dss.flags = 0x1f;
  h.dss.data_ack = 1;
  h.dss.dsn = 2;
  h.dss.ssn = 3;
  h.dss.dll = 4;
  h.dss.has_csum = 1;
  h.dss.csum = 5;
  h.ts_val = 6;
  h.ts_ecr = 7;
  CHECK_RC(roundtrip(&h, &d, wire), 60);
  CHECK_EQ(d.dss.flags, 0x1f);
  CHECK_EQ(d.dss.csum, 5);

  /* DSS + MP_PRIO + REMOVE_ADDR (20 + 4 + 8). */
  ctx("DSS + MP_PRIO + REMOVE_ADDR");
  hdr_init(&h);
  h.opts = MPTCP_OPT_DSS | MPTCP_OPT_MP_PRIO | MPTCP_OPT_REMOVE_ADDR;
  h.dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_MAP;
  h.dss.data_ack = 9;
  h.dss.dsn = 10;
  h.dss.ssn = 11;
  h.dss.dll = 12;
  h.prio.backup = 1;
  h.rm_addr.n = 2;
  h.rm_addr.ids[0] = 5;
  h.rm_addr.ids[1] = 6;
  CHECK_RC(roundtrip(&h, &d, wire), 52);
  CHECK_EQ(d.rm_addr.n, 2);
  CHECK_EQ(d.prio.backup != 0, 1);

  /* RST with MP_FASTCLOSE + MP_TCPRST. */
  ctx("MP_FASTCLOSE + MP_TCPRST");
  hdr_init(&h);
  h.flags = MPTCP_TH_RST;
  h.opts = MPTCP_OPT_MP_FASTCLOSE | MPTCP_OPT_MP_TCPRST;
  h.fastclose.key = 99;
  h.tcprst.flags = MPTCP_RST_FLAG_T;
  h.tcprst.reason = MPTCP_RST_EPROHIBIT;
  CHECK_RC(roundtrip(&h, &d, wire), 36);
  CHECK_EQ(d.fastclose.key, 99);
  CHECK_EQ(d.tcprst.reason, MPTCP_RST_EPROHIBIT);

  /* DSS (Data ACK only) + MP_FAIL + SACK blocks. */
  ctx("DSS + MP_FAIL + SACK");
  hdr_init(&h);
  h.opts = MPTCP_OPT_DSS | MPTCP_OPT_MP_FAIL | MPTCP_OPT_SACK;
  h.dss.flags = MPTCP_DSS_ACK;
  h.dss.data_ack = 0x55;
  h.fail.dsn = 0x66;
  h.n_sack = 2;
  h.sack[0].left = 1;
  h.sack[0].right = 2;
  h.sack[1].left = 3;
  h.sack[1].right = 4;
  CHECK_RC(roundtrip(&h, &d, wire), 20 + 20 + 8 + 12);
  CHECK_EQ(d.fail.dsn, 0x66);
  CHECK_EQ(d.sack[1].right, 4);

  /* ADD_ADDR v6 + port + HMAC (30 -> 32) + DSS Data ACK (8) = 40. */
  ctx("ADD_ADDR v6 + DSS");
  hdr_init(&h);
  h.opts = MPTCP_OPT_ADD_ADDR | MPTCP_OPT_DSS;
  h.add_addr.family = 6;
  h.add_addr.has_port = 1;
  h.add_addr.port = 1;
  h.add_addr.addr[15] = 1;
  h.add_addr.thmac = ~0ull;
  h.dss.flags = MPTCP_DSS_ACK;
  h.dss.data_ack = 1;
  CHECK_RC(roundtrip(&h, &d, wire), 60);
  CHECK_EQ(d.add_addr.thmac, ~0ull);
  h.opts |= MPTCP_OPT_TIMESTAMP;
  ctx("ADD_ADDR v6 + DSS + timestamps");
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);

  /* MP_CAPABLE third ACK (20) + DSS Data ACK (8) + timestamps (12). */
  ctx("MP_CAPABLE ACK + DSS + timestamps");
  hdr_init(&h);
  h.opts = MPTCP_OPT_MP_CAPABLE | MPTCP_OPT_DSS | MPTCP_OPT_TIMESTAMP;
  h.mpc.len = MPTCP_MPC_LEN_ACK;
  h.mpc.version = 1;
  h.mpc.flags = MPTCP_MPC_FLAG_H;
  h.mpc.sender_key = 1;
  h.mpc.receiver_key = 2;
  h.dss.flags = MPTCP_DSS_ACK;
  h.dss.data_ack = 3;
  CHECK_RC(roundtrip(&h, &d, wire), 60);
  CHECK_EQ(d.mpc.receiver_key, 2);
}

static void test_encode_errors(void **state) {
  (void)state;
  mptcp_tcphdr h;
  uint8_t wire[64];

  ctx("NULL arguments");
  hdr_init(&h);
  CHECK_RC(mptcp_tcphdr_encode(NULL, sizeof wire, &h),
           MPTCP_ERR_INVALID_ARGUMENT);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, NULL),
           MPTCP_ERR_INVALID_ARGUMENT);
  CHECK_RC(mptcp_tcphdr_len(NULL), MPTCP_ERR_INVALID_ARGUMENT);

  /* Inconsistent option fields. */
  static const struct {
    const char *name;
    uint32_t opt;
    int field; /* which field to spoil */
    int value;
  } bad[] = {
      {"mpc.len 0", MPTCP_OPT_MP_CAPABLE, 0, 0},
      {"mpc.len 8", MPTCP_OPT_MP_CAPABLE, 0, 8},
      {"mpc.len 13", MPTCP_OPT_MP_CAPABLE, 0, 13},
      {"mpc.len 28", MPTCP_OPT_MP_CAPABLE, 0, 28},
      {"join.len 0", MPTCP_OPT_MP_JOIN, 1, 0},
      {"join.len 20", MPTCP_OPT_MP_JOIN, 1, 20},
      {"add_addr.family 0", MPTCP_OPT_ADD_ADDR, 2, 0},
      {"add_addr.family 5", MPTCP_OPT_ADD_ADDR, 2, 5},
      {"add_addr.family AF_INET6-ish 10", MPTCP_OPT_ADD_ADDR, 2, 10},
      {"rm_addr.n 0", MPTCP_OPT_REMOVE_ADDR, 3, 0},
      {"rm_addr.n 38", MPTCP_OPT_REMOVE_ADDR, 3, 38},
      {"n_sack 0", MPTCP_OPT_SACK, 4, 0},
      {"n_sack 5", MPTCP_OPT_SACK, 4, 5},
      {"DSS F alone", MPTCP_OPT_DSS, 5, MPTCP_DSS_DATA_FIN},
      {"DSS F|A", MPTCP_OPT_DSS, 5, MPTCP_DSS_DATA_FIN | MPTCP_DSS_ACK},
      {"DSS F|m|a|A", MPTCP_OPT_DSS, 5,
       MPTCP_DSS_DATA_FIN | MPTCP_DSS_DSN8 | MPTCP_DSS_ACK8 | MPTCP_DSS_ACK},
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    ctx("%s", bad[i].name);
    hdr_init(&h);
    h.opts = bad[i].opt;
    h.mpc.len = MPTCP_MPC_LEN_SYN;
    h.mpc.version = 1;
    h.join.len = MPTCP_JOIN_LEN_SYN;
    h.add_addr.family = 4;
    h.rm_addr.n = 1;
    h.n_sack = 1;
    switch (bad[i].field) {
    case 0: h.mpc.len = (uint8_t)bad[i].value; break;
    case 1: h.join.len = (uint8_t)bad[i].value; break;
    case 2: h.add_addr.family = (uint8_t)bad[i].value; break;
    case 3: h.rm_addr.n = (uint8_t)bad[i].value; break;
    case 4: h.n_sack = (uint8_t)bad[i].value; break;
    default: h.dss.flags = (uint8_t)bad[i].value; break;
    }
    CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_INVALID_ARGUMENT);
    CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h),
             MPTCP_ERR_INVALID_ARGUMENT);
  }

  /* More than 40 option bytes. */
  ctx("REMOVE_ADDR 37 + MP_PRIO");
  hdr_init(&h);
  h.opts = MPTCP_OPT_REMOVE_ADDR | MPTCP_OPT_MP_PRIO;
  h.rm_addr.n = 37;
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);

  ctx("DSS 28 + ADD_ADDR 16");
  hdr_init(&h);
  h.opts = MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR;
  h.dss.flags = 0x1f;
  h.dss.has_csum = 1;
  h.add_addr.family = 4;
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);

  ctx("MP_CAPABLE 24 + DSS 28");
  hdr_init(&h);
  h.opts = MPTCP_OPT_MP_CAPABLE | MPTCP_OPT_DSS;
  h.mpc.len = 24;
  h.mpc.version = 1;
  h.dss.flags = 0x0f;
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);

  ctx("MP_JOIN ACK + timestamps + MSS = 40, + wscale = 44");
  hdr_init(&h);
  h.opts = MPTCP_OPT_MP_JOIN | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_MSS;
  h.join.len = MPTCP_JOIN_LEN_ACK;
  CHECK_RC(mptcp_tcphdr_len(&h), 60);
  h.opts |= MPTCP_OPT_WSCALE;
  CHECK_RC(mptcp_tcphdr_len(&h), MPTCP_ERR_OPT_SPACE);
  CHECK_RC(mptcp_tcphdr_encode(wire, sizeof wire, &h), MPTCP_ERR_OPT_SPACE);

  /* Output buffer too small; nothing written past the capacity. */
  ctx("NOBUF");
  hdr_init(&h);
  h.opts = MPTCP_OPT_MSS;
  h.mss = 1460;
  for (size_t cap = 0; cap < 24; cap++) {
    ctx("NOBUF cap %zu", cap);
    memset(wire, 0xee, sizeof wire);
    CHECK_RC(mptcp_tcphdr_encode(wire, cap, &h), MPTCP_ERR_NOBUF);
    for (size_t i = cap; i < sizeof wire; i++)
      CHECK_EQ(wire[i], 0xee);
  }
  ctx("exact capacity");
  CHECK_RC(mptcp_tcphdr_encode(wire, 24, &h), 24);
  hdr_init(&h);
  ctx("no options, cap 19");
  CHECK_RC(mptcp_tcphdr_encode(wire, 19, &h), MPTCP_ERR_NOBUF);
  CHECK_RC(mptcp_tcphdr_encode(wire, 20, &h), 20);
}

/* ------------------------------------------------------------------ */
/* Hand-written wire bytes: decode, check every field, re-encode        */
/* ------------------------------------------------------------------ */

static void test_wire_syn(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;
  ctx("H_SYN");
  size_t n = decode_hex(H_SYN, wire, &h);
  CHECK_EQ(n, 44);
  CHECK_EQ(h.sport, 40001);
  CHECK_EQ(h.dport, 443);
  CHECK_EQ(h.seq, 1000);
  CHECK_EQ(h.ack, 0);
  CHECK_EQ(h.flags, MPTCP_TH_SYN);
  CHECK_EQ(h.reserved, 0);
  CHECK_EQ(h.window, 64240);
  CHECK_EQ(h.csum, 0);
  CHECK_EQ(h.urg_ptr, 0);
  CHECK_EQ(h.opts, MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
                       MPTCP_OPT_WSCALE | MPTCP_OPT_MP_CAPABLE);
  CHECK_EQ(h.mss, 1460);
  CHECK_EQ(h.ts_val, 1000000);
  CHECK_EQ(h.ts_ecr, 0);
  CHECK_EQ(h.wscale, 7);
  CHECK_EQ(h.mpc.len, 4);
  CHECK_EQ(h.mpc.version, 1);
  CHECK_EQ(h.mpc.flags, MPTCP_MPC_FLAG_A | MPTCP_MPC_FLAG_H);
  /* This is exactly the documented (Linux) layout: byte-equal. */
  check_reencode(wire, n, &h, 1);

  /* The same header built from fields encodes to the same bytes. */
  mptcp_tcphdr b;
  uint8_t out[MPTCP_TCP_HDR_MAX];
  hdr_init(&b);
  b.sport = 40001;
  b.dport = 443;
  b.seq = 1000;
  b.ack = 0;
  b.flags = MPTCP_TH_SYN;
  b.window = 64240;
  b.csum = 0;
  b.opts = h.opts;
  b.mss = 1460;
  b.ts_val = 1000000;
  b.wscale = 7;
  b.mpc.len = 4;
  b.mpc.version = 1;
  b.mpc.flags = 0x81;
  CHECK_RC(mptcp_tcphdr_encode(out, sizeof out, &b), 44);
  CHECK_MEM(out, wire, 44);
}

static void test_wire_mp_capable(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("MP_CAPABLE SYN/ACK");
  size_t n = decode_hex(H_MPC_SYNACK, wire, &h);
  CHECK_EQ(n, 32);
  CHECK_EQ(h.sport, 443);
  CHECK_EQ(h.dport, 40001);
  CHECK_EQ(h.seq, 2000);
  CHECK_EQ(h.ack, 1001);
  CHECK_EQ(h.flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  CHECK_EQ(h.window, 65535);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_CAPABLE);
  CHECK_EQ(h.mpc.len, 12);
  CHECK_EQ(h.mpc.version, 1);
  CHECK_EQ(h.mpc.flags, 0x81);
  CHECK_EQ(h.mpc.sender_key, 0xb1b2b3b4b5b6b7b8ull);
  check_reencode(wire, n, &h, 1);

  ctx("MP_CAPABLE third ACK");
  n = decode_hex(H_MPC_ACK, wire, &h);
  CHECK_EQ(n, 40);
  CHECK_EQ(h.seq, 1001);
  CHECK_EQ(h.ack, 2001);
  CHECK_EQ(h.flags, MPTCP_TH_ACK);
  CHECK_EQ(h.window, 502);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_CAPABLE);
  CHECK_EQ(h.mpc.len, 20);
  CHECK_EQ(h.mpc.version, 1);
  CHECK_EQ(h.mpc.flags, 0x81);
  CHECK_EQ(h.mpc.sender_key, 0xa1a2a3a4a5a6a7a8ull);
  CHECK_EQ(h.mpc.receiver_key, 0xb1b2b3b4b5b6b7b8ull);
  check_reencode(wire, n, &h, 1);

  ctx("MP_CAPABLE first data with checksum");
  n = decode_hex(H_MPC_DATA_CSUM, wire, &h);
  CHECK_EQ(n, 44);
  CHECK_EQ(h.flags, MPTCP_TH_ACK | MPTCP_TH_PSH);
  CHECK_EQ(h.mpc.len, 24);
  CHECK_EQ(h.mpc.sender_key, 0xa1a2a3a4a5a6a7a8ull);
  CHECK_EQ(h.mpc.receiver_key, 0xb1b2b3b4b5b6b7b8ull);
  CHECK_EQ(h.mpc.data_len, 5);
  CHECK_EQ(h.mpc.csum, 0x1234);
  check_reencode(wire, n, &h, 1);

  ctx("MP_CAPABLE first data without checksum");
  n = decode_hex(H_MPC_DATA, wire, &h);
  CHECK_EQ(n, 44);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_CAPABLE);
  CHECK_EQ(h.mpc.len, 22);
  CHECK_EQ(h.mpc.flags, MPTCP_MPC_FLAG_H);
  CHECK_EQ(h.mpc.sender_key, 0xa1a2a3a4a5a6a7a8ull);
  CHECK_EQ(h.mpc.receiver_key, 0xb1b2b3b4b5b6b7b8ull);
  CHECK_EQ(h.mpc.data_len, 100);
  check_reencode(wire, n, &h, 0);

  /* Reserved flag bits (D..G) are kept as received. */
  ctx("MP_CAPABLE reserved flags");
  uint8_t area[4];
  unhex(area, sizeof area, "1e 04 01 9f"); /* A, D, E, F, G, H */
  memset(&h, 0, sizeof h);
  CHECK_RC(mptcp_options_decode(&h, area, 4), MPTCP_OK);
  CHECK_EQ(h.mpc.flags, 0x9f);
  /* Version 0 (RFC 6824) is decoded, not rejected: the host decides. */
  unhex(area, sizeof area, "1e 04 00 81");
  CHECK_RC(mptcp_options_decode(&h, area, 4), MPTCP_OK);
  CHECK_EQ(h.mpc.version, 0);
}

static void test_wire_mp_join(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("MP_JOIN SYN");
  size_t n = decode_hex(H_JOIN_SYN, wire, &h);
  CHECK_EQ(n, 52);
  CHECK_EQ(h.sport, 50001);
  CHECK_EQ(h.flags, MPTCP_TH_SYN);
  CHECK_EQ(h.opts, MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
                       MPTCP_OPT_WSCALE | MPTCP_OPT_MP_JOIN);
  CHECK_EQ(h.ts_val, 1);
  CHECK_EQ(h.join.len, 12);
  CHECK_EQ(h.join.backup, 1);
  CHECK_EQ(h.join.addr_id, 2);
  CHECK_EQ(h.join.token, 0xdeadbeefu);
  CHECK_EQ(h.join.nonce, 0x01234567u);
  check_reencode(wire, n, &h, 1);

  ctx("MP_JOIN SYN/ACK");
  n = decode_hex(H_JOIN_SYNACK, wire, &h);
  CHECK_EQ(n, 36);
  CHECK_EQ(h.flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_JOIN);
  CHECK_EQ(h.join.len, 16);
  CHECK_EQ(h.join.backup, 0);
  CHECK_EQ(h.join.addr_id, 3);
  CHECK_EQ(h.join.thmac, 0x0d44dc5f555121b7ull);
  CHECK_EQ(h.join.nonce, 0x55667788u);
  check_reencode(wire, n, &h, 1);

  ctx("MP_JOIN ACK");
  n = decode_hex(H_JOIN_ACK, wire, &h);
  CHECK_EQ(n, 56);
  CHECK_EQ(h.opts, MPTCP_OPT_TIMESTAMP | MPTCP_OPT_MP_JOIN);
  CHECK_EQ(h.ts_val, 2);
  CHECK_EQ(h.ts_ecr, 5);
  CHECK_EQ(h.join.len, 24);
  static const uint8_t hmac[20] = {0xd8, 0xb5, 0xe4, 0x6b, 0x7a, 0x78, 0x2e,
                                   0x79, 0xd3, 0xec, 0xfd, 0x78, 0x30, 0x77,
                                   0x51, 0xdf, 0x99, 0x3e, 0x22, 0x2b};
  CHECK_MEM(h.join.hmac, hmac, 20);
  check_reencode(wire, n, &h, 1);
}

static void test_wire_dss(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("DSS full");
  size_t n = decode_hex(H_DSS_FULL, wire, &h);
  CHECK_EQ(n, 48);
  CHECK_EQ(h.opts, MPTCP_OPT_DSS);
  CHECK_EQ(h.dss.flags, MPTCP_DSS_DSN8 | MPTCP_DSS_MAP | MPTCP_DSS_ACK8 |
                            MPTCP_DSS_ACK);
  CHECK_EQ(h.dss.data_ack, 0x0102030405060708ull);
  CHECK_EQ(h.dss.dsn, 0x1112131415161718ull);
  CHECK_EQ(h.dss.ssn, 1);
  CHECK_EQ(h.dss.dll, 1440);
  CHECK(h.dss.has_csum);
  CHECK_EQ(h.dss.csum, 0xabcd);
  check_reencode(wire, n, &h, 1);

  ctx("DSS DATA_FIN");
  n = decode_hex(H_DSS_FIN, wire, &h);
  CHECK_EQ(n, 40);
  CHECK_EQ(h.flags, MPTCP_TH_ACK | MPTCP_TH_FIN);
  CHECK_EQ(h.seq, 4096);
  CHECK_EQ(h.ack, 8192);
  CHECK_EQ(h.opts, MPTCP_OPT_DSS);
  CHECK_EQ(h.dss.flags, MPTCP_DSS_DATA_FIN | MPTCP_DSS_MAP | MPTCP_DSS_ACK);
  CHECK_EQ(h.dss.data_ack, 0x3000);
  CHECK_EQ(h.dss.dsn, 0x4000);
  CHECK_EQ(h.dss.ssn, 0);
  CHECK_EQ(h.dss.dll, 1);
  CHECK(!h.dss.has_csum);
  check_reencode(wire, n, &h, 0);

  ctx("DSS Data ACK only");
  n = decode_hex(H_DSS_ACK, wire, &h);
  CHECK_EQ(n, 28);
  CHECK_EQ(h.opts, MPTCP_OPT_DSS);
  CHECK_EQ(h.dss.flags, MPTCP_DSS_ACK);
  CHECK_EQ(h.dss.data_ack, 0xfedcba98u);
  check_reencode(wire, n, &h, 1);

  ctx("timestamps + DSS + ADD_ADDR echo");
  n = decode_hex(H_MIX, wire, &h);
  CHECK_EQ(n, 60);
  CHECK_EQ(h.opts,
           MPTCP_OPT_TIMESTAMP | MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR);
  CHECK_EQ(h.ts_val, 1);
  CHECK_EQ(h.ts_ecr, 2);
  CHECK_EQ(h.dss.flags, MPTCP_DSS_MAP | MPTCP_DSS_ACK);
  CHECK_EQ(h.dss.data_ack, 0x1000);
  CHECK_EQ(h.dss.dsn, 0x2000);
  CHECK_EQ(h.dss.ssn, 1);
  CHECK_EQ(h.dss.dll, 16);
  CHECK(!h.dss.has_csum);
  CHECK(h.add_addr.echo);
  CHECK_EQ(h.add_addr.addr_id, 7);
  CHECK_EQ(h.add_addr.family, 4);
  CHECK(!h.add_addr.has_port);
  CHECK_MEM(h.add_addr.addr, "\x0a\x00\x00\x02", 4);
  check_reencode(wire, n, &h, 0);
}

static void test_wire_add_addr(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("ADD_ADDR v4 port HMAC");
  size_t n = decode_hex(H_ADD_ADDR4, wire, &h);
  CHECK_EQ(n, 40);
  CHECK_EQ(h.opts, MPTCP_OPT_ADD_ADDR);
  CHECK(!h.add_addr.echo);
  CHECK_EQ(h.add_addr.addr_id, 5);
  CHECK_EQ(h.add_addr.family, 4);
  CHECK(h.add_addr.has_port);
  CHECK_EQ(h.add_addr.port, 8080);
  CHECK_MEM(h.add_addr.addr, "\xc0\x00\x02\x01", 4);
  CHECK_EQ(h.add_addr.thmac, 0xfd343c023d07761bull);
  check_reencode(wire, n, &h, 0);

  ctx("ADD_ADDR v6 echo with port");
  n = decode_hex(H_ADD_ADDR6_ECHO, wire, &h);
  CHECK_EQ(n, 44);
  CHECK_EQ(h.opts, MPTCP_OPT_ADD_ADDR);
  CHECK(h.add_addr.echo);
  CHECK_EQ(h.add_addr.addr_id, 9);
  CHECK_EQ(h.add_addr.family, 6);
  CHECK(h.add_addr.has_port);
  CHECK_EQ(h.add_addr.port, 443);
  CHECK_MEM(h.add_addr.addr,
            "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
            16);
  check_reencode(wire, n, &h, 0);
}

static void test_wire_remove_addr(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("REMOVE_ADDR 2 ids");
  size_t n = decode_hex(H_RM2, wire, &h);
  CHECK_EQ(n, 28);
  CHECK_EQ(h.opts, MPTCP_OPT_REMOVE_ADDR);
  CHECK_EQ(h.rm_addr.n, 2);
  CHECK_EQ(h.rm_addr.ids[0], 3);
  CHECK_EQ(h.rm_addr.ids[1], 7);
  check_reencode(wire, n, &h, 0);

  ctx("REMOVE_ADDR 37 ids");
  n = decode_hex(H_RM37, wire, &h);
  CHECK_EQ(n, 60);
  CHECK_EQ(h.rm_addr.n, 37);
  for (int i = 0; i < 37; i++)
    CHECK_EQ(h.rm_addr.ids[i], i + 1);
  check_reencode(wire, n, &h, 1);
}

static void test_wire_prio_fail_rst(void **state) {
  (void)state;
  uint8_t wire[MPTCP_TCP_HDR_MAX];
  mptcp_tcphdr h;

  ctx("MP_FASTCLOSE + MP_TCPRST");
  size_t n = decode_hex(H_RST, wire, &h);
  CHECK_EQ(n, 36);
  CHECK_EQ(h.flags, MPTCP_TH_RST | MPTCP_TH_ACK);
  CHECK_EQ(h.window, 0);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_FASTCLOSE | MPTCP_OPT_MP_TCPRST);
  CHECK_EQ(h.fastclose.key, 0xb1b2b3b4b5b6b7b8ull);
  CHECK_EQ(h.tcprst.flags, MPTCP_RST_FLAG_T);
  CHECK_EQ(h.tcprst.reason, MPTCP_RST_EMIDDLEBOX);
  check_reencode(wire, n, &h, 1);

  ctx("MP_PRIO + MP_FAIL");
  n = decode_hex(H_FAIL_PRIO, wire, &h);
  CHECK_EQ(n, 36);
  CHECK_EQ(h.opts, MPTCP_OPT_MP_PRIO | MPTCP_OPT_MP_FAIL);
  CHECK_EQ(h.prio.backup != 0, 1);
  CHECK_EQ(h.fail.dsn, 0x0102030405060708ull);
  check_reencode(wire, n, &h, 0);
}

/* ------------------------------------------------------------------ */
/* Malformed input: one distinct error per malformation                 */
/* ------------------------------------------------------------------ */

/* Every error the decoder section of mptcp.h defines. */
static const int k_decoder_errors[] = {
    MPTCP_ERR_HDR_TRUNCATED,   MPTCP_ERR_HDR_DOFF,
    MPTCP_ERR_OPT_TRUNCATED,   MPTCP_ERR_OPT_LEN,
    MPTCP_ERR_OPT_DUPLICATE,   MPTCP_ERR_MSS_LEN,
    MPTCP_ERR_WSCALE_LEN,      MPTCP_ERR_SACKPERM_LEN,
    MPTCP_ERR_SACK_LEN,        MPTCP_ERR_TS_LEN,
    MPTCP_ERR_MPTCP_LEN,       MPTCP_ERR_MP_CAPABLE_LEN,
    MPTCP_ERR_MP_JOIN_LEN,     MPTCP_ERR_DSS_LEN,
    MPTCP_ERR_DSS_FLAGS,       MPTCP_ERR_ADD_ADDR_LEN,
    MPTCP_ERR_REMOVE_ADDR_LEN, MPTCP_ERR_MP_PRIO_LEN,
    MPTCP_ERR_MP_FAIL_LEN,     MPTCP_ERR_MP_FASTCLOSE_LEN,
    MPTCP_ERR_MP_TCPRST_LEN,
};

static int is_decoder_error(int rc) {
  for (size_t i = 0; i < ARRAY_LEN(k_decoder_errors); i++)
    if (rc == k_decoder_errors[i])
      return 1;
  return 0;
}

static void mark_seen(int *seen, int rc) {
  for (size_t i = 0; i < ARRAY_LEN(k_decoder_errors); i++)
    if (rc == k_decoder_errors[i])
      seen[i] = 1;
}

/* Wraps an option area (a multiple of 4 bytes) into a TCP header. */
static size_t wrap_header(uint8_t *out, const uint8_t *area, size_t alen) {
  static const uint8_t fixed[20] = {0x9c, 0x41, 0x01, 0xbb, 0, 0, 0, 1, 0, 0,
                                    0,    2,    0x50, 0x10, 1, 0, 0, 0, 0, 0};
  memcpy(out, fixed, 20);
  out[12] = (uint8_t)((5 + alen / 4) << 4);
  memcpy(out + 20, area, alen);
  return 20 + alen;
}

static void test_decode_errors(void **state) {
  (void)state;
  static const struct {
    const char *area;
    int err;
    const char *why;
  } cases[] = {
      /* -- any option -- */
      {"01 01 01 02", MPTCP_ERR_OPT_TRUNCATED, "MSS kind, no length byte"},
      {"01 01 01 fd", MPTCP_ERR_OPT_TRUNCATED, "unknown kind, no length"},
      {"01 01 02 04", MPTCP_ERR_OPT_TRUNCATED, "MSS len 4, 2 bytes left"},
      {"fd 08 00 00", MPTCP_ERR_OPT_TRUNCATED, "unknown kind len 8 of 4"},
      {"1e 0c 01 81 00 00 00 01", MPTCP_ERR_OPT_TRUNCATED,
       "MP_CAPABLE len 12 in 8 bytes"},
      {"02 04 05 b4 1e 28 40 01", MPTCP_ERR_OPT_TRUNCATED,
       "REMOVE_ADDR len 40 after MSS"},
      {"fd 01 00 00", MPTCP_ERR_OPT_LEN, "unknown kind, length 1"},
      {"fd 00 00 00", MPTCP_ERR_OPT_LEN, "unknown kind, length 0"},
      {"01 01 fe 01", MPTCP_ERR_OPT_LEN, "kind 254, length 1"},
      {"02 04 05 b4 02 04 05 78", MPTCP_ERR_OPT_DUPLICATE, "MSS twice"},
      {"01 03 03 07 01 03 03 08", MPTCP_ERR_OPT_DUPLICATE, "wscale twice"},
      {"04 02 04 02", MPTCP_ERR_OPT_DUPLICATE, "SACK-permitted twice"},
      {"01 01 08 0a 00 00 00 01 00 00 00 00"
       "01 01 08 0a 00 00 00 02 00 00 00 00",
       MPTCP_ERR_OPT_DUPLICATE, "timestamps twice"},
      {"01 01 05 0a 00 00 00 01 00 00 00 02"
       "01 01 05 0a 00 00 00 03 00 00 00 04",
       MPTCP_ERR_OPT_DUPLICATE, "SACK twice"},
      {"1e 04 20 00 1e 04 20 00", MPTCP_ERR_OPT_DUPLICATE, "DSS twice"},
      {"1e 03 50 1e 03 51 01 01", MPTCP_ERR_OPT_DUPLICATE, "MP_PRIO twice"},
      {"1e 08 31 01 c0 00 02 01 1e 08 31 02 c0 00 02 02",
       MPTCP_ERR_OPT_DUPLICATE, "ADD_ADDR twice"},
      {"1e 04 81 01 1e 04 80 02", MPTCP_ERR_OPT_DUPLICATE,
       "MP_TCPRST twice"},
      /* -- standard options with a wrong length -- */
      {"02 03 05 00", MPTCP_ERR_MSS_LEN, "MSS len 3"},
      {"02 02 00 00", MPTCP_ERR_MSS_LEN, "MSS len 2"},
      {"02 06 05 b4 00 00 00 00", MPTCP_ERR_MSS_LEN, "MSS len 6"},
      {"03 04 07 00", MPTCP_ERR_WSCALE_LEN, "wscale len 4"},
      {"03 02 00 00", MPTCP_ERR_WSCALE_LEN, "wscale len 2"},
      {"02 04 05 b4 03 04 07 00", MPTCP_ERR_WSCALE_LEN,
       "wscale len 4 after MSS"},
      {"04 03 00 00", MPTCP_ERR_SACKPERM_LEN, "SACK-permitted len 3"},
      {"04 04 00 00", MPTCP_ERR_SACKPERM_LEN, "SACK-permitted len 4"},
      {"05 02 00 00", MPTCP_ERR_SACK_LEN, "SACK without blocks"},
      {"05 06 00 00 00 00 00 00", MPTCP_ERR_SACK_LEN, "SACK len 6"},
      {"05 0b 00 00 00 01 00 00 00 02 00 00", MPTCP_ERR_SACK_LEN,
       "SACK len 11"},
      {"08 08 00 00 00 01 00 00", MPTCP_ERR_TS_LEN, "timestamps len 8"},
      {"08 0c 00 00 00 01 00 00 00 02 00 00", MPTCP_ERR_TS_LEN,
       "timestamps len 12"},
      {"01 01 08 02", MPTCP_ERR_TS_LEN, "timestamps len 2"},
      /* -- MPTCP options -- */
      {"1e 02 00 00", MPTCP_ERR_MPTCP_LEN, "kind 30, no subtype"},
      {"02 04 05 b4 1e 02 01 01", MPTCP_ERR_MPTCP_LEN,
       "kind 30 len 2 after MSS"},
      {"1e 03 01 01", MPTCP_ERR_MP_CAPABLE_LEN, "MP_CAPABLE len 3"},
      {"1e 05 01 81 00 00 00 00", MPTCP_ERR_MP_CAPABLE_LEN,
       "MP_CAPABLE len 5"},
      {"1e 08 01 81 00 00 00 00", MPTCP_ERR_MP_CAPABLE_LEN,
       "MP_CAPABLE len 8"},
      {"1e 10 01 81 00 00 00 00 00 00 00 00 00 00 00 00",
       MPTCP_ERR_MP_CAPABLE_LEN, "MP_CAPABLE len 16"},
      {"1e 03 10 01", MPTCP_ERR_MP_JOIN_LEN, "MP_JOIN len 3"},
      {"1e 08 10 00 00 00 00 00", MPTCP_ERR_MP_JOIN_LEN, "MP_JOIN len 8"},
      {"1e 14 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
       MPTCP_ERR_MP_JOIN_LEN, "MP_JOIN len 20"},
      {"1e 03 20 01", MPTCP_ERR_DSS_LEN, "DSS len 3"},
      {"1e 04 20 01", MPTCP_ERR_DSS_LEN, "DSS A without room"},
      {"1e 08 20 03 00 00 00 01", MPTCP_ERR_DSS_LEN, "DSS A|a in 8"},
      {"1e 08 20 00 00 00 00 00", MPTCP_ERR_DSS_LEN, "DSS no flags, len 8"},
      {"1e 0f 20 04 00 00 00 01 00 00 00 01 00 05 00 00",
       MPTCP_ERR_DSS_LEN, "DSS M, len 15"},
      {"1e 12 20 04 00 00 00 01 00 00 00 01 00 05 00 00 00 00 01 01",
       MPTCP_ERR_DSS_LEN, "DSS M, len 18"},
      {"1e 04 20 10", MPTCP_ERR_DSS_FLAGS, "DSS F alone"},
      {"1e 08 20 11 00 00 00 07", MPTCP_ERR_DSS_FLAGS, "DSS F|A"},
      {"1e 0c 20 1b 00 00 00 00 00 00 00 07", MPTCP_ERR_DSS_FLAGS,
       "DSS F|m|a|A"},
      {"1e 03 30 01", MPTCP_ERR_ADD_ADDR_LEN, "ADD_ADDR len 3"},
      {"1e 0c 30 01 c0 00 02 01 00 00 00 00", MPTCP_ERR_ADD_ADDR_LEN,
       "ADD_ADDR len 12"},
      {"1e 10 31 01 c0 00 02 01 01 02 03 04 05 06 07 08",
       MPTCP_ERR_ADD_ADDR_LEN, "ADD_ADDR echo with an HMAC length (16)"},
      {"1e 08 30 01 c0 00 02 01", MPTCP_ERR_ADD_ADDR_LEN,
       "ADD_ADDR E=0 with an echo length (8)"},
      {"1e 0a 30 01 c0 00 02 01 1f 90 00 00", MPTCP_ERR_ADD_ADDR_LEN,
       "ADD_ADDR E=0, len 10"},
      {"1e 03 40 01", MPTCP_ERR_REMOVE_ADDR_LEN, "REMOVE_ADDR without id"},
      {"1e 04 50 01", MPTCP_ERR_MP_PRIO_LEN,
       "MP_PRIO len 4 (RFC 6824 form)"},
      {"1e 08 60 00 00 00 00 01", MPTCP_ERR_MP_FAIL_LEN, "MP_FAIL len 8"},
      {"1e 10 60 00 00 00 00 00 00 00 00 00 00 00 00 01",
       MPTCP_ERR_MP_FAIL_LEN, "MP_FAIL len 16"},
      {"1e 08 70 00 00 00 00 01", MPTCP_ERR_MP_FASTCLOSE_LEN,
       "MP_FASTCLOSE len 8"},
      {"1e 0b 70 00 00 00 00 00 00 00 01 00", MPTCP_ERR_MP_FASTCLOSE_LEN,
       "MP_FASTCLOSE len 11"},
      {"1e 03 80 01", MPTCP_ERR_MP_TCPRST_LEN, "MP_TCPRST len 3"},
      {"1e 05 81 06 00 01 01 01", MPTCP_ERR_MP_TCPRST_LEN,
       "MP_TCPRST len 5"},
  };
  int seen[ARRAY_LEN(k_decoder_errors)] = {0};

  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    uint8_t area[MPTCP_TCP_OPT_MAX], wire[MPTCP_TCP_HDR_MAX];
    mptcp_tcphdr h;
    ctx("%s: %s", cases[i].why, cases[i].area);
    size_t alen = unhex(area, sizeof area, cases[i].area);
    CHECK_EQ(alen % 4, 0); /* so that it fits a header as it is */
    /* Exactly `alen` bytes on the heap: a sanitizer sees any overread. */
    uint8_t *copy = malloc(alen);
    CHECK(copy != NULL);
    memcpy(copy, area, alen);
    memset(&h, 0, sizeof h);
    CHECK_RC(mptcp_options_decode(&h, copy, alen), cases[i].err);
    free(copy);
    /* The same area inside a header gives the same error. */
    size_t n = wrap_header(wire, area, alen);
    copy = malloc(n);
    CHECK(copy != NULL);
    memcpy(copy, wire, n);
    CHECK_RC(mptcp_tcphdr_decode(&h, copy, n), cases[i].err);
    free(copy);
    mark_seen(seen, cases[i].err);
  }

  /* The fixed header. */
  uint8_t hdr[MPTCP_TCP_HDR_MAX + 8];
  mptcp_tcphdr h;
  size_t n = unhex(hdr, sizeof hdr, H_MPC_SYNACK); /* 32 bytes, doff 8 */
  for (size_t len = 0; len < 20; len++) {
    ctx("header truncated to %zu bytes", len);
    CHECK_RC(mptcp_tcphdr_decode(&h, hdr, len), MPTCP_ERR_HDR_TRUNCATED);
  }
  mark_seen(seen, MPTCP_ERR_HDR_TRUNCATED);
  for (size_t len = 20; len < n; len++) {
    ctx("doff 8, %zu bytes", len);
    CHECK_RC(mptcp_tcphdr_decode(&h, hdr, len), MPTCP_ERR_HDR_DOFF);
  }
  for (int doff = 0; doff < 5; doff++) {
    ctx("doff %d", doff);
    hdr[12] = (uint8_t)(doff << 4);
    CHECK_RC(mptcp_tcphdr_decode(&h, hdr, n), MPTCP_ERR_HDR_DOFF);
  }
  ctx("doff 15 in 32 bytes");
  hdr[12] = 0xf0;
  CHECK_RC(mptcp_tcphdr_decode(&h, hdr, n), MPTCP_ERR_HDR_DOFF);
  mark_seen(seen, MPTCP_ERR_HDR_DOFF);

  ctx("NULL arguments");
  hdr[12] = 0x80;
  CHECK_RC(mptcp_tcphdr_decode(NULL, hdr, n), MPTCP_ERR_INVALID_ARGUMENT);
  CHECK_RC(mptcp_tcphdr_decode(&h, NULL, n), MPTCP_ERR_INVALID_ARGUMENT);
  CHECK_RC(mptcp_options_decode(NULL, hdr + 20, 12),
           MPTCP_ERR_INVALID_ARGUMENT);

  /* Every decoder error was produced by at least one case above. */
  for (size_t i = 0; i < ARRAY_LEN(k_decoder_errors); i++) {
    ctx("coverage of %s", mptcp_strerror_name(k_decoder_errors[i]));
    CHECK(seen[i]);
  }
}

/*
 * For each option kind (and MPTCP subtype), every length from the minimum
 * to 40: the valid lengths decode, every other length gives the kind's own
 * error code.
 */
static void test_length_matrix(void **state) {
  (void)state;
#define LBIT(n) (1ull << (n))
  static const struct {
    const char *name;
    uint8_t kind;
    int b2;   /* byte 2 for MPTCP options (subtype, flags) or -1 */
    int b3;   /* byte 3 or -1 (zero) */
    uint64_t valid; /* bit L set: length L is valid */
    uint32_t bit;
    int err;
  } rules[] = {
      {"MSS", MPTCP_TCPOPT_MSS, -1, -1, LBIT(4), MPTCP_OPT_MSS,
       MPTCP_ERR_MSS_LEN},
      {"wscale", MPTCP_TCPOPT_WSCALE, -1, -1, LBIT(3), MPTCP_OPT_WSCALE,
       MPTCP_ERR_WSCALE_LEN},
      {"SACK-permitted", MPTCP_TCPOPT_SACK_PERM, -1, -1, LBIT(2),
       MPTCP_OPT_SACK_PERM, MPTCP_ERR_SACKPERM_LEN},
      {"SACK", MPTCP_TCPOPT_SACK, -1, -1,
       LBIT(10) | LBIT(18) | LBIT(26) | LBIT(34), MPTCP_OPT_SACK,
       MPTCP_ERR_SACK_LEN},
      {"timestamps", MPTCP_TCPOPT_TIMESTAMP, -1, -1, LBIT(10),
       MPTCP_OPT_TIMESTAMP, MPTCP_ERR_TS_LEN},
      {"MP_CAPABLE", 30, 0x01, 0x81,
       LBIT(4) | LBIT(12) | LBIT(20) | LBIT(22) | LBIT(24),
       MPTCP_OPT_MP_CAPABLE, MPTCP_ERR_MP_CAPABLE_LEN},
      {"MP_JOIN", 30, 0x10, -1, LBIT(12) | LBIT(16) | LBIT(24),
       MPTCP_OPT_MP_JOIN, MPTCP_ERR_MP_JOIN_LEN},
      {"DSS no flags", 30, 0x20, 0x00, LBIT(4), MPTCP_OPT_DSS,
       MPTCP_ERR_DSS_LEN},
      {"ADD_ADDR E=0", 30, 0x30, -1,
       LBIT(16) | LBIT(18) | LBIT(28) | LBIT(30), MPTCP_OPT_ADD_ADDR,
       MPTCP_ERR_ADD_ADDR_LEN},
      {"ADD_ADDR E=1", 30, 0x31, -1, LBIT(8) | LBIT(10) | LBIT(20) | LBIT(22),
       MPTCP_OPT_ADD_ADDR, MPTCP_ERR_ADD_ADDR_LEN},
      {"REMOVE_ADDR", 30, 0x40, -1, ~0ull << 4, MPTCP_OPT_REMOVE_ADDR,
       MPTCP_ERR_REMOVE_ADDR_LEN},
      {"MP_PRIO", 30, 0x51, -1, LBIT(3), MPTCP_OPT_MP_PRIO,
       MPTCP_ERR_MP_PRIO_LEN},
      {"MP_FAIL", 30, 0x60, -1, LBIT(12), MPTCP_OPT_MP_FAIL,
       MPTCP_ERR_MP_FAIL_LEN},
      {"MP_FASTCLOSE", 30, 0x70, -1, LBIT(12), MPTCP_OPT_MP_FASTCLOSE,
       MPTCP_ERR_MP_FASTCLOSE_LEN},
      {"MP_TCPRST", 30, 0x81, -1, LBIT(4), MPTCP_OPT_MP_TCPRST,
       MPTCP_ERR_MP_TCPRST_LEN},
  };
#undef LBIT
  for (size_t r = 0; r < ARRAY_LEN(rules); r++) {
    int min = rules[r].kind == MPTCP_TCPOPT_MPTCP ? 3 : 2;
    for (int L = min; L <= MPTCP_TCP_OPT_MAX; L++) {
      uint8_t area[MPTCP_TCP_OPT_MAX];
      mptcp_tcphdr h;
      size_t alen = ((size_t)L + 3) & ~(size_t)3;
      memset(area, MPTCP_TCPOPT_NOP, sizeof area);
      memset(area, 0, (size_t)L);
      area[0] = rules[r].kind;
      area[1] = (uint8_t)L;
      if (rules[r].b2 >= 0)
        area[2] = (uint8_t)rules[r].b2;
      if (rules[r].b3 >= 0 && L >= 4)
        area[3] = (uint8_t)rules[r].b3;
      ctx("%s length %d", rules[r].name, L);
      memset(&h, 0, sizeof h);
      int rc = mptcp_options_decode(&h, area, alen);
      if (rules[r].valid & (1ull << L)) {
        CHECK_RC(rc, MPTCP_OK);
        CHECK_EQ(h.opts, rules[r].bit);
        if (rules[r].bit == MPTCP_OPT_SACK)
          CHECK_EQ(h.n_sack, (L - 2) / 8);
        if (rules[r].bit == MPTCP_OPT_REMOVE_ADDR)
          CHECK_EQ(h.rm_addr.n, L - 3);
        if (rules[r].bit == MPTCP_OPT_MP_CAPABLE)
          CHECK_EQ(h.mpc.len, L);
        if (rules[r].bit == MPTCP_OPT_MP_JOIN)
          CHECK_EQ(h.join.len, L);
      } else {
        CHECK_RC(rc, rules[r].err);
      }
    }
  }
}

/* DSS: every flag combination against every length. */
static void test_dss_decode_matrix(void **state) {
  (void)state;
  for (unsigned f = 0; f < 32; f++) {
    int base = dss_expected_len(f, 0);
    int has_map = (f & MPTCP_DSS_MAP) != 0;
    int fin_only = (f & MPTCP_DSS_DATA_FIN) && !has_map;
    for (int L = 4; L <= MPTCP_TCP_OPT_MAX; L++) {
      uint8_t area[MPTCP_TCP_OPT_MAX];
      mptcp_tcphdr h;
      size_t alen = ((size_t)L + 3) & ~(size_t)3;
      memset(area, MPTCP_TCPOPT_NOP, sizeof area);
      for (int i = 4; i < L; i++)
        area[i] = (uint8_t)(0x10 + i); /* recognisable field bytes */
      area[0] = 30;
      area[1] = (uint8_t)L;
      area[2] = MPTCP_SUB_DSS << 4;
      area[3] = (uint8_t)f;
      ctx("DSS flags 0x%02x length %d", f, L);
      memset(&h, 0, sizeof h);
      int rc = mptcp_options_decode(&h, area, alen);
      int valid = L == base || (has_map && L == base + 2);
      if (!valid) {
        if (fin_only)
          CHECK(rc == MPTCP_ERR_DSS_LEN || rc == MPTCP_ERR_DSS_FLAGS);
        else
          CHECK_RC(rc, MPTCP_ERR_DSS_LEN);
        continue;
      }
      if (fin_only) {
        CHECK_RC(rc, MPTCP_ERR_DSS_FLAGS);
        continue;
      }
      CHECK_RC(rc, MPTCP_OK);
      CHECK_EQ(h.opts, MPTCP_OPT_DSS);
      CHECK_EQ(h.dss.flags, f);
      const uint8_t *p = area + 4;
      if (f & MPTCP_DSS_ACK) {
        int w = (f & MPTCP_DSS_ACK8) ? 8 : 4;
        CHECK_EQ(h.dss.data_ack, w == 8 ? rd64(p) : rd32(p));
        p += w;
      }
      if (has_map) {
        int w = (f & MPTCP_DSS_DSN8) ? 8 : 4;
        CHECK_EQ(h.dss.dsn, w == 8 ? rd64(p) : rd32(p));
        p += w;
        CHECK_EQ(h.dss.ssn, rd32(p));
        CHECK_EQ(h.dss.dll, rd16(p + 4));
        CHECK_EQ(h.dss.has_csum != 0, L == base + 2);
        if (L == base + 2)
          CHECK_EQ(h.dss.csum, rd16(p + 6));
      }
    }
  }
}

/* ADD_ADDR: the length selects family, port and HMAC (figure 14). */
static void test_add_addr_decode_matrix(void **state) {
  (void)state;
  static const struct {
    uint8_t len, echo, family, port;
  } forms[] = {
      {8, 1, 4, 0},  {10, 1, 4, 1}, {20, 1, 6, 0}, {22, 1, 6, 1},
      {16, 0, 4, 0}, {18, 0, 4, 1}, {28, 0, 6, 0}, {30, 0, 6, 1},
  };
  for (size_t i = 0; i < ARRAY_LEN(forms); i++) {
    uint8_t area[32];
    mptcp_tcphdr h;
    uint8_t L = forms[i].len;
    size_t alen = ((size_t)L + 3) & ~(size_t)3;
    size_t asz = forms[i].family == 4 ? 4 : 16;
    memset(area, MPTCP_TCPOPT_NOP, sizeof area);
    for (int k = 4; k < L; k++)
      area[k] = (uint8_t)(0x40 + k);
    area[0] = 30;
    area[1] = L;
    area[2] = (uint8_t)((MPTCP_SUB_ADD_ADDR << 4) | forms[i].echo);
    area[3] = 0x99;
    ctx("ADD_ADDR length %u", L);
    memset(&h, 0, sizeof h);
    CHECK_RC(mptcp_options_decode(&h, area, alen), MPTCP_OK);
    CHECK_EQ(h.opts, MPTCP_OPT_ADD_ADDR);
    CHECK_EQ(h.add_addr.echo != 0, forms[i].echo);
    CHECK_EQ(h.add_addr.addr_id, 0x99);
    CHECK_EQ(h.add_addr.family, forms[i].family);
    CHECK_EQ(h.add_addr.has_port != 0, forms[i].port);
    CHECK_MEM(h.add_addr.addr, area + 4, asz);
    const uint8_t *p = area + 4 + asz;
    if (forms[i].port) {
      CHECK_EQ(h.add_addr.port, rd16(p));
      p += 2;
    }
    if (!forms[i].echo)
      CHECK_EQ(h.add_addr.thmac, rd64(p));
    CHECK_EQ(p + (forms[i].echo ? 0 : 8) - area, L);
  }
}

static void test_unknown_and_eol(void **state) {
  (void)state;
  static const struct {
    const char *area;
    uint32_t opts;
    int n_unknown;
    const char *why;
  } cases[] = {
      {"fd 04 ab cd 02 04 05 b4 1e 06 f0 00 00 00 01 01", MPTCP_OPT_MSS, 2,
       "unknown kind 253 and MPTCP subtype 0xf around an MSS"},
      {"1e 04 90 00", 0, 1, "MPTCP subtype 9 is unassigned"},
      {"1e 03 f0 01", 0, 1, "subtype 0xf with length 3"},
      {"fe 02 01 01", 0, 1, "experimental kind 254, length 2"},
      {"1c 04 00 00 02 04 05 b4", MPTCP_OPT_MSS, 1,
       "user timeout (kind 28) is not understood: skipped"},
      {"01 01 01 01", 0, 0, "only NOPs"},
      {"02 04 05 b4 00 ff ff ff", MPTCP_OPT_MSS, 0,
       "EOL stops parsing: the garbage after it is not read"},
      {"00 02 03 07", 0, 0, "EOL first"},
      {"1e 04 01 81 00 1e 02 00", MPTCP_OPT_MP_CAPABLE, 0,
       "EOL after MP_CAPABLE hides a bad kind-30 option"},
      {"02 04 05 b4 00 02 04 05", MPTCP_OPT_MSS, 0,
       "EOL hides a duplicate MSS"},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    uint8_t area[MPTCP_TCP_OPT_MAX], wire[MPTCP_TCP_HDR_MAX];
    mptcp_tcphdr h;
    ctx("%s", cases[i].why);
    size_t alen = unhex(area, sizeof area, cases[i].area);
    /* Stale values must be reset by the decoder. */
    memset(&h, 0, sizeof h);
    h.opts = 0xffffffffu;
    h.n_unknown = 200;
    CHECK_RC(mptcp_options_decode(&h, area, alen), MPTCP_OK);
    CHECK_EQ(h.opts, cases[i].opts);
    CHECK_EQ(h.n_unknown, cases[i].n_unknown);
    if (cases[i].opts & MPTCP_OPT_MSS)
      CHECK_EQ(h.mss, 1460);
    size_t n = wrap_header(wire, area, alen);
    memset(&h, 0, sizeof h);
    h.n_unknown = 200;
    CHECK_RC(mptcp_tcphdr_decode(&h, wire, n), (int)n);
    CHECK_EQ(h.opts, cases[i].opts);
    CHECK_EQ(h.n_unknown, cases[i].n_unknown);
  }
  /* An empty option area. */
  mptcp_tcphdr h;
  uint8_t none[1] = {0xff};
  ctx("empty area");
  h.opts = 1;
  h.n_unknown = 1;
  CHECK_RC(mptcp_options_decode(&h, none, 0), MPTCP_OK);
  CHECK_EQ(h.opts, 0);
  CHECK_EQ(h.n_unknown, 0);
}

/* ------------------------------------------------------------------ */
/* Robustness: prefixes and single-byte mutations                       */
/* ------------------------------------------------------------------ */

static const char *const k_valid_headers[] = {
    H_SYN,       H_MPC_SYNACK, H_MPC_ACK,      H_MPC_DATA_CSUM,
    H_MPC_DATA,  H_JOIN_SYN,   H_JOIN_SYNACK,  H_JOIN_ACK,
    H_DSS_FULL,  H_DSS_FIN,    H_DSS_ACK,      H_ADD_ADDR4,
    H_ADD_ADDR6_ECHO, H_MIX,   H_RM37,         H_RM2,
    H_RST,       H_FAIL_PRIO,
};

/*
 * Decodes `len` bytes copied to a heap block of exactly that size. The
 * result must be a sane header length or a decoder error; a header that
 * decodes must re-encode (unless its padded options no longer fit), and
 * the re-encoding must decode to the same options and re-encode to the
 * same bytes.
 */
static int decode_sane(const uint8_t *buf, size_t len) {
  uint8_t *copy = malloc(len > 0 ? len : 1);
  mptcp_tcphdr h, h2;
  CHECK(copy != NULL);
  memcpy(copy, buf, len);
  int rc = mptcp_tcphdr_decode(&h, copy, len);
  if (rc >= 0) {
    CHECK(rc >= 20 && rc <= 60 && rc % 4 == 0 && (size_t)rc <= len);
    CHECK_EQ(rc, (copy[12] >> 4) * 4);
    CHECK_EQ(h.hdr_len, rc);
    uint8_t a[MPTCP_TCP_HDR_MAX], b[MPTCP_TCP_HDR_MAX];
    int n1 = mptcp_tcphdr_encode(a, sizeof a, &h);
    if (n1 >= 0) {
      CHECK_RC(mptcp_tcphdr_decode(&h2, a, (size_t)n1), n1);
      CHECK_EQ(h2.opts, h.opts);
      CHECK_RC(mptcp_tcphdr_encode(b, sizeof b, &h2), n1);
      CHECK_MEM(b, a, (size_t)n1);
    } else {
      CHECK_RC(n1, MPTCP_ERR_OPT_SPACE);
    }
  } else if (!is_decoder_error(rc)) {
    print_error("%s:%d: decode returned %d (%s), not a decoder error [%s]\n",
                __FILE__, __LINE__, rc, mptcp_strerror_name(rc), g_ctx);
    fail();
  }
  free(copy);
  return rc;
}

static void test_robust_prefixes(void **state) {
  (void)state;
  for (size_t v = 0; v < ARRAY_LEN(k_valid_headers); v++) {
    uint8_t wire[MPTCP_TCP_HDR_MAX + 16];
    size_t n = unhex(wire, sizeof wire, k_valid_headers[v]);
    memcpy(wire + n, "payload!", 8);
    for (size_t len = 0; len <= n + 8; len++) {
      ctx("header %zu prefix %zu of %zu", v, len, n);
      int rc = decode_sane(wire, len);
      if (len < 20)
        CHECK_RC(rc, MPTCP_ERR_HDR_TRUNCATED);
      else if (len < n)
        CHECK_RC(rc, MPTCP_ERR_HDR_DOFF);
      else
        CHECK_RC(rc, (int)n);
    }
    /* The option area alone, cut at every length. */
    for (size_t len = 0; len <= n - 20; len++) {
      uint8_t *copy = malloc(len > 0 ? len : 1);
      mptcp_tcphdr h;
      CHECK(copy != NULL);
      memcpy(copy, wire + 20, len);
      ctx("header %zu option prefix %zu", v, len);
      int rc = mptcp_options_decode(&h, copy, len);
      CHECK(rc == MPTCP_OK || is_decoder_error(rc));
      if (len == n - 20)
        CHECK_RC(rc, MPTCP_OK);
      free(copy);
    }
  }
}

static void test_robust_mutations(void **state) {
  (void)state;
  long decoded = 0, rejected = 0;
  for (size_t v = 0; v < ARRAY_LEN(k_valid_headers); v++) {
    uint8_t wire[MPTCP_TCP_HDR_MAX];
    size_t n = unhex(wire, sizeof wire, k_valid_headers[v]);
    for (size_t pos = 0; pos < n; pos++) {
      uint8_t orig = wire[pos];
      for (int val = 0; val < 256; val++) {
        wire[pos] = (uint8_t)val;
        ctx("header %zu byte %zu = 0x%02x", v, pos, val);
        if (decode_sane(wire, n) >= 0)
          decoded++;
        else
          rejected++;
      }
      wire[pos] = orig;
    }
  }
  /* Both outcomes must occur, or the mutations tested nothing. */
  CHECK(decoded > 0);
  CHECK(rejected > 0);
}

/* ------------------------------------------------------------------ */
/* Sequence-number helpers                                              */
/* ------------------------------------------------------------------ */

static void test_seq_helpers(void **state) {
  (void)state;
  ctx("32-bit");
  CHECK(mptcp_before32(1, 2));
  CHECK(!mptcp_before32(2, 1));
  CHECK(!mptcp_before32(5, 5));
  CHECK(!mptcp_after32(5, 5));
  CHECK(mptcp_after32(2, 1));
  CHECK(mptcp_before32(0xffffffffu, 0)); /* wraps */
  CHECK(mptcp_after32(0, 0xffffffffu));
  CHECK(mptcp_before32(0xfffffff0u, 0x10u));
  CHECK(mptcp_after32(0x10u, 0xfffffff0u));
  CHECK(!mptcp_before32(0x10u, 0xfffffff0u));
  CHECK(mptcp_after32(0x7fffffffu, 0));   /* just under half the space */
  CHECK(mptcp_before32(0x80000001u, 0));  /* just over: behind */
  CHECK(mptcp_after32(0, 0x80000001u));
  ctx("64-bit");
  CHECK(mptcp_before64(1, 2));
  CHECK(!mptcp_before64(2, 1));
  CHECK(!mptcp_before64(7, 7));
  CHECK(!mptcp_after64(7, 7));
  CHECK(mptcp_before64(UINT64_MAX, 0));
  CHECK(mptcp_after64(0, UINT64_MAX));
  CHECK(mptcp_before64(UINT64_MAX - 5, 5));
  CHECK(!mptcp_after64(UINT64_MAX - 5, 5));
  /* 64-bit, not 32-bit, arithmetic: 2^32 apart is not equal. */
  CHECK(mptcp_before64(0x100000000ull, 0x200000000ull));
  CHECK(mptcp_after64(0x100000001ull, 0xffffffffull));
  CHECK(mptcp_after64(0x7fffffffffffffffull, 0));
  CHECK(mptcp_before64(0x8000000000000001ull, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixed_header),
      cmocka_unit_test(test_rt_standard_options),
      cmocka_unit_test(test_rt_sack),
      cmocka_unit_test(test_rt_mp_capable),
      cmocka_unit_test(test_rt_mp_join),
      cmocka_unit_test(test_rt_dss_all_flags),
      cmocka_unit_test(test_dss_len),
      cmocka_unit_test(test_rt_add_addr),
      cmocka_unit_test(test_rt_remove_addr),
      cmocka_unit_test(test_rt_prio_fail_fastclose_tcprst),
      cmocka_unit_test(test_rt_combinations),
      cmocka_unit_test(test_encode_errors),
      cmocka_unit_test(test_wire_syn),
      cmocka_unit_test(test_wire_mp_capable),
      cmocka_unit_test(test_wire_mp_join),
      cmocka_unit_test(test_wire_dss),
      cmocka_unit_test(test_wire_add_addr),
      cmocka_unit_test(test_wire_remove_addr),
      cmocka_unit_test(test_wire_prio_fail_rst),
      cmocka_unit_test(test_decode_errors),
      cmocka_unit_test(test_length_matrix),
      cmocka_unit_test(test_dss_decode_matrix),
      cmocka_unit_test(test_add_addr_decode_matrix),
      cmocka_unit_test(test_unknown_and_eol),
      cmocka_unit_test(test_robust_prefixes),
      cmocka_unit_test(test_robust_mutations),
      cmocka_unit_test(test_seq_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
