/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp-inspect: compute and decode MPTCP v1 values from the command line.
 *
 *   mptcp-inspect key HEXKEY
 *   mptcp-inspect join-hmac KEYA KEYB RA RB
 *   mptcp-inspect add-addr-hmac SENDERKEY RECEIVERKEY ID ADDRESS [PORT]
 *   mptcp-inspect dss-csum DSN SSN DLL HEXPAYLOAD
 *   mptcp-inspect decode HEXBYTES
 *
 * Output: one value per line, "name: value"; keys, tokens, HMACs and
 * checksums in hexadecimal. Bad input: a message on stderr, exit status 2.
 * Output that cannot be written (full disk): a message, exit status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "tool_io.h"

#define EXIT_USAGE 2

static const char *prog = "mptcp-inspect";

static void usage(FILE *f) {
  fprintf(f,
          "usage: %s COMMAND ARGS\n"
          "  key HEXKEY                       token and IDSN of a 64-bit key\n"
          "  join-hmac KEYA KEYB RA RB        MP_JOIN HMAC-A (160 bits) and HMAC-B (64 bits)\n"
          "  add-addr-hmac SKEY RKEY ID ADDR [PORT]\n"
          "                                   ADD_ADDR truncated HMAC (rightmost 64 bits)\n"
          "  dss-csum DSN SSN DLL HEXPAYLOAD  DSS checksum; DLL is the payload's length\n"
          "                                   (payload '-': pseudo-header alone)\n"
          "  decode HEXBYTES                  every field of a TCP header and its options\n"
          "Keys are 16 hex digits, nonces RA/RB 8 hex digits (optional 0x).\n"
          "DSN, SSN, DLL, ID and PORT are decimal or 0x-prefixed hexadecimal.\n",
          prog);
}

static int fail(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

static int parse_hex64(const char *s, uint64_t *v) {
  uint8_t b[8];
  if (mptcp_hex_decode(b, sizeof(b), s) != MPTCP_OK)
    return -1;
  *v = 0;
  for (int i = 0; i < 8; i++)
    *v = (*v << 8) | b[i];
  return 0;
}

static int parse_hex32(const char *s, uint32_t *v) {
  uint8_t b[4];
  if (mptcp_hex_decode(b, sizeof(b), s) != MPTCP_OK)
    return -1;
  *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  return 0;
}

/* A decimal or 0x-hex unsigned number no larger than max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *v) {
  if (!*s || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 0);
  if (errno || *end || x > max)
    return -1;
  *v = x;
  return 0;
}

static void print_hex(const char *name, const uint8_t *b, size_t n) {
  printf("%s: ", name);
  for (size_t i = 0; i < n; i++)
    printf("%02x", b[i]);
  putchar('\n');
}

static int cmd_key(int argc, char **argv) {
  uint64_t key, idsn;
  uint32_t token;
  if (argc != 1)
    return fail("key takes one argument: HEXKEY (16 hex digits)%s", "");
  if (parse_hex64(argv[0], &key))
    return fail("invalid key '%s': expected 16 hex digits", argv[0]);
  mptcp_key_token_idsn(key, &token, &idsn);
  printf("key: %016" PRIx64 "\n", key);
  printf("token: %08" PRIx32 "\n", token);
  printf("idsn: %016" PRIx64 "\n", idsn);
  return 0;
}

static int cmd_join_hmac(int argc, char **argv) {
  uint64_t ka, kb;
  uint32_t ra, rb;
  uint8_t ha[MPTCP_HMAC_SHA256_LEN], hb[MPTCP_HMAC_SHA256_LEN];
  if (argc != 4)
    return fail("join-hmac takes four arguments: KEYA KEYB RA RB%s", "");
  if (parse_hex64(argv[0], &ka))
    return fail("invalid KEYA '%s': expected 16 hex digits", argv[0]);
  if (parse_hex64(argv[1], &kb))
    return fail("invalid KEYB '%s': expected 16 hex digits", argv[1]);
  if (parse_hex32(argv[2], &ra))
    return fail("invalid RA '%s': expected 8 hex digits", argv[2]);
  if (parse_hex32(argv[3], &rb))
    return fail("invalid RB '%s': expected 8 hex digits", argv[3]);
  mptcp_join_hmac(ka, kb, ra, rb, ha);
  mptcp_join_hmac(kb, ka, rb, ra, hb);
  print_hex("hmac_a", ha, MPTCP_JOIN_HMAC_LEN);
  printf("hmac_b: %016" PRIx64 "\n", mptcp_hmac_left64(hb));
  print_hex("hmac_a_full", ha, sizeof(ha));
  print_hex("hmac_b_full", hb, sizeof(hb));
  return 0;
}

static int cmd_add_addr_hmac(int argc, char **argv) {
  uint64_t sk, rk, id, port = 0;
  uint8_t addr[16];
  int family;
  if (argc != 4 && argc != 5)
    return fail("add-addr-hmac takes SENDERKEY RECEIVERKEY ID ADDRESS [PORT]%s", "");
  if (parse_hex64(argv[0], &sk))
    return fail("invalid SENDERKEY '%s': expected 16 hex digits", argv[0]);
  if (parse_hex64(argv[1], &rk))
    return fail("invalid RECEIVERKEY '%s': expected 16 hex digits", argv[1]);
  if (parse_uint(argv[2], 255, &id))
    return fail("invalid address id '%s': expected 0..255", argv[2]);
  if (inet_pton(AF_INET, argv[3], addr) == 1)
    family = 4;
  else if (inet_pton(AF_INET6, argv[3], addr) == 1)
    family = 6;
  else
    return fail("invalid address '%s': expected IPv4 or IPv6", argv[3]);
  if (argc == 5 && parse_uint(argv[4], 65535, &port))
    return fail("invalid port '%s': expected 0..65535", argv[4]);
  uint64_t h = mptcp_add_addr_hmac(sk, rk, (uint8_t)id, family, addr, (uint16_t)port);
  printf("family: ipv%d\n", family);
  printf("hmac: %016" PRIx64 "\n", h);
  return 0;
}

static int cmd_dss_csum(int argc, char **argv) {
  uint64_t dsn, ssn, dll;
  static uint8_t payload[65536];
  int n = 0;
  if (argc != 4)
    return fail("dss-csum takes DSN SSN DLL HEXPAYLOAD%s", "");
  if (parse_uint(argv[0], UINT64_MAX, &dsn))
    return fail("invalid DSN '%s': expected a 64-bit number", argv[0]);
  if (parse_uint(argv[1], UINT32_MAX, &ssn))
    return fail("invalid SSN '%s': expected a 32-bit number", argv[1]);
  if (parse_uint(argv[2], UINT16_MAX, &dll))
    return fail("invalid DLL '%s': expected a 16-bit number", argv[2]);
  if (strcmp(argv[3], "-") != 0) {
    n = mptcp_hex_decode_any(payload, sizeof(payload), argv[3]);
    if (n < 0)
      return fail("invalid payload '%s': expected hex bytes", argv[3]);
    /* The checksum covers a mapping's pseudo-header and exactly the DLL
     * bytes it maps (RFC 8684 section 3.3.1): a payload of another length
     * would give a checksum no receiver computes. */
    if ((uint64_t)n != dll) {
      char msg[160];
      snprintf(msg, sizeof msg, "DLL %" PRIu64 " does not match the payload length (%d bytes)",
               dll, n);
      return fail("%s; give '-' for the pseudo-header alone", msg);
    }
  }
  printf("payload_len: %d\n", n);
  printf("csum: %04x\n", mptcp_dss_csum(dsn, (uint32_t)ssn, (uint16_t)dll, payload, (size_t)n));
  return 0;
}

static void print_flags(uint8_t f) {
  static const char *names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
  printf("flags: 0x%02x", f);
  const char *sep = " (";
  for (int i = 0; i < 8; i++)
    if (f & (1 << i)) {
      printf("%s%s", sep, names[i]);
      sep = ",";
    }
  printf("%s\n", f ? ")" : "");
}

static void print_mptcp(const mptcp_tcphdr *h) {
  uint32_t o = h->opts;
  if (o & MPTCP_OPT_MP_CAPABLE) {
    const mptcp_opt_mp_capable *m = &h->mpc;
    printf("mp_capable.length: %u\n", m->len);
    printf("mp_capable.version: %u\n", m->version);
    printf("mp_capable.flags: %02x\n", m->flags);
    if (m->len >= 12)
      printf("mp_capable.sender_key: %016" PRIx64 "\n", m->sender_key);
    if (m->len >= 20)
      printf("mp_capable.receiver_key: %016" PRIx64 "\n", m->receiver_key);
    if (m->len >= 22)
      printf("mp_capable.data_len: %u\n", m->data_len);
    if (m->len == 24)
      printf("mp_capable.csum: %04x\n", m->csum);
  }
  if (o & MPTCP_OPT_MP_JOIN) {
    const mptcp_opt_mp_join *j = &h->join;
    printf("mp_join.length: %u\n", j->len);
    if (j->len != MPTCP_JOIN_LEN_ACK) {
      printf("mp_join.backup: %u\n", j->backup);
      printf("mp_join.addr_id: %u\n", j->addr_id);
    }
    if (j->len == MPTCP_JOIN_LEN_SYN)
      printf("mp_join.token: %08" PRIx32 "\n", j->token);
    if (j->len == MPTCP_JOIN_LEN_SYNACK)
      printf("mp_join.hmac: %016" PRIx64 "\n", j->thmac);
    if (j->len != MPTCP_JOIN_LEN_ACK)
      printf("mp_join.nonce: %08" PRIx32 "\n", j->nonce);
    if (j->len == MPTCP_JOIN_LEN_ACK)
      print_hex("mp_join.hmac", j->hmac, MPTCP_JOIN_HMAC_LEN);
  }
  if (o & MPTCP_OPT_DSS) {
    const mptcp_opt_dss *d = &h->dss;
    printf("dss.flags: %02x\n", d->flags);
    printf("dss.data_fin: %u\n", !!(d->flags & MPTCP_DSS_DATA_FIN));
    if (d->flags & MPTCP_DSS_ACK)
      printf("dss.data_ack%s: %" PRIu64 "\n", d->flags & MPTCP_DSS_ACK8 ? "64" : "32",
             d->data_ack);
    if (d->flags & MPTCP_DSS_MAP) {
      printf("dss.dsn%s: %" PRIu64 "\n", d->flags & MPTCP_DSS_DSN8 ? "64" : "32", d->dsn);
      printf("dss.ssn: %" PRIu32 "\n", d->ssn);
      printf("dss.dll: %u\n", d->dll);
      if (d->has_csum)
        printf("dss.csum: %04x\n", d->csum);
    }
  }
  if (o & MPTCP_OPT_ADD_ADDR) {
    const mptcp_opt_add_addr *a = &h->add_addr;
    char txt[INET6_ADDRSTRLEN];
    inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr, txt, sizeof(txt));
    printf("add_addr.echo: %u\n", a->echo);
    printf("add_addr.addr_id: %u\n", a->addr_id);
    printf("add_addr.address: %s\n", txt);
    if (a->has_port)
      printf("add_addr.port: %u\n", a->port);
    if (!a->echo)
      printf("add_addr.hmac: %016" PRIx64 "\n", a->thmac);
  }
  if (o & MPTCP_OPT_REMOVE_ADDR) {
    printf("remove_addr.ids:");
    for (int i = 0; i < h->rm_addr.n; i++)
      printf(" %u", h->rm_addr.ids[i]);
    putchar('\n');
  }
  if (o & MPTCP_OPT_MP_PRIO)
    printf("mp_prio.backup: %u\n", h->prio.backup);
  if (o & MPTCP_OPT_MP_FAIL)
    printf("mp_fail.dsn: %" PRIu64 "\n", h->fail.dsn);
  if (o & MPTCP_OPT_MP_FASTCLOSE)
    printf("mp_fastclose.key: %016" PRIx64 "\n", h->fastclose.key);
  if (o & MPTCP_OPT_MP_TCPRST) {
    printf("mp_tcprst.flags: %x\n", h->tcprst.flags);
    printf("mp_tcprst.reason: %u\n", h->tcprst.reason);
  }
}

static int cmd_decode(int argc, char **argv) {
  uint8_t buf[65536];
  mptcp_tcphdr h;
  if (argc != 1)
    return fail("decode takes one argument: HEXBYTES%s", "");
  int n = mptcp_hex_decode_any(buf, sizeof(buf), argv[0]);
  if (n < 0)
    return fail("invalid bytes '%s': expected hex digits", argv[0]);
  int hl = mptcp_tcphdr_decode(&h, buf, (size_t)n);
  if (hl < 0) {
    fprintf(stderr, "%s: malformed TCP header: %s (%s)\n", prog, mptcp_strerror(hl),
            mptcp_strerror_name(hl));
    return EXIT_USAGE;
  }
  printf("sport: %u\n", h.sport);
  printf("dport: %u\n", h.dport);
  printf("seq: %" PRIu32 "\n", h.seq);
  printf("ack: %" PRIu32 "\n", h.ack);
  printf("header_len: %u\n", h.hdr_len);
  print_flags(h.flags);
  printf("window: %u\n", h.window);
  printf("checksum: %04x\n", h.csum);
  printf("urgent: %u\n", h.urg_ptr);
  printf("payload_len: %d\n", n - hl);
  if (h.opts & MPTCP_OPT_MSS)
    printf("mss: %u\n", h.mss);
  if (h.opts & MPTCP_OPT_WSCALE)
    printf("wscale: %u\n", h.wscale);
  if (h.opts & MPTCP_OPT_SACK_PERM)
    printf("sack_permitted: 1\n");
  if (h.opts & MPTCP_OPT_SACK)
    for (int i = 0; i < h.n_sack; i++)
      printf("sack.%d: %" PRIu32 "-%" PRIu32 "\n", i, h.sack[i].left, h.sack[i].right);
  if (h.opts & MPTCP_OPT_TIMESTAMP) {
    printf("ts_val: %" PRIu32 "\n", h.ts_val);
    printf("ts_ecr: %" PRIu32 "\n", h.ts_ecr);
  }
  print_mptcp(&h);
  if (h.n_unknown)
    printf("unknown_options: %u\n", h.n_unknown);
  return 0;
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version")) {
    printf("mptcp-inspect %s\n", MPTCP_CORE_VERSION);
    return 0;
  }
  argc -= 2;
  argv += 2;
  if (!strcmp(cmd, "key"))
    return cmd_key(argc, argv);
  if (!strcmp(cmd, "join-hmac"))
    return cmd_join_hmac(argc, argv);
  if (!strcmp(cmd, "add-addr-hmac"))
    return cmd_add_addr_hmac(argc, argv);
  if (!strcmp(cmd, "dss-csum"))
    return cmd_dss_csum(argc, argv);
  if (!strcmp(cmd, "decode"))
    return cmd_decode(argc, argv);
  fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
  usage(stderr);
  return EXIT_USAGE;
}

static int close_stdout(int status) { return tool_close_stdout(prog, status, 1); }

int main(int argc, char **argv) { return close_stdout(run(argc, argv)); }
