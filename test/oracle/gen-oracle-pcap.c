/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gen-oracle-pcap - writes a small MPTCP v1 trace built only with the
 * core's public API, for an independent dissector (tshark) to check.
 *
 * Usage: gen-oracle-pcap OUTPUT.pcap
 *
 * The trace, with fixed keys, nonces and initial sequence numbers:
 *
 *  subflow 1: 10.0.0.1:40000 <-> 10.0.1.1:5001
 *   1 C->S  SYN      MSS, SACK-permitted, timestamps, window scale,
 *                    MP_CAPABLE v1 (length 4, H flag)
 *   2 S->C  SYN/ACK  same options, MP_CAPABLE with the server key (12)
 *   3 C->S  ACK      MP_CAPABLE with both keys (20)
 *   4 S->C  data     DSS: Data ACK (8 bytes) = client IDSN + 1,
 *                    DSN (8 bytes) = server IDSN + 1, SSN 1, DLL = length
 *   5 C->S  ACK      DSS Data ACK = server IDSN + 1 + length
 *  subflow 2: 10.0.0.2:40001 <-> 10.0.1.1:5001
 *   6 C->S  SYN      MP_JOIN: server token, client nonce (12)
 *   7 S->C  SYN/ACK  MP_JOIN: leftmost 64 bits of HMAC-B, server nonce (16)
 *   8 C->S  ACK      MP_JOIN: leftmost 160 bits of HMAC-A (24)
 *   9 S->C  ACK      plain (the fourth ACK of the join)
 *  10 C->S  data     DSS: Data ACK = server IDSN + 1 + length of frame 4,
 *                    DSN = client IDSN + 1, SSN 1, DLL = length
 *  11 S->C  ACK      DSS Data ACK = client IDSN + 1 + length of frame 10
 *
 * The server sends the first data of the connection (frame 4): by then it
 * has received the third ACK, so RFC 8684 lets it use a DSS mapping; the
 * client, having received a DSS, uses DSS too. DSS checksums are not
 * negotiated (A flag clear in every MP_CAPABLE).
 *
 * On stdout, one "name: value" per line: client_key, server_key,
 * client_token, server_token, client_idsn, server_idsn, client_nonce,
 * server_nonce (hexadecimal, keys and IDSNs 16 digits, the rest 8).
 */
#include <stdio.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "pcap.h"

#define CLIENT_KEY 0x1f2e3d4c5b6a7988ull
#define SERVER_KEY 0xa1b2c3d4e5f60718ull
#define CLIENT_NONCE 0x3c4d5e6fu
#define SERVER_NONCE 0x8a9bacbdu

#define CLIENT_PORT1 40000
#define CLIENT_PORT2 40001
#define SERVER_PORT 5001

#define MSS 1460
#define WSCALE 7
/* 502 << 7 = 64256: the same window before and after scaling starts. */
#define WINDOW_SYN 64256
#define WINDOW 502

/* One direction of one subflow: addresses, ports and send state. */
struct endpoint {
  uint8_t addr[4];
  uint16_t port;
  uint32_t snd_nxt; /* next sequence number to send */
  uint32_t iss;     /* initial sequence number */
  uint32_t ts;      /* next timestamp value */
};

/* One subflow: a client side and a server side. */
struct subflow {
  struct endpoint c;
  struct endpoint s;
};

struct writer {
  mptcp_pcap *pcap;
  uint64_t t_ns;
  int frame;
};

static const char *g_out_path;

/* Fills the fixed fields of a header sent by `from` to `to`. */
static void hdr_init(mptcp_tcphdr *h, const struct endpoint *from,
                     const struct endpoint *to, uint8_t flags) {
  memset(h, 0, sizeof(*h));
  h->sport = from->port;
  h->dport = to->port;
  h->seq = from->snd_nxt;
  h->ack = (flags & MPTCP_TH_ACK) ? to->snd_nxt : 0;
  h->flags = flags;
  h->window = (flags & MPTCP_TH_SYN) ? WINDOW_SYN : WINDOW;
  h->opts = MPTCP_OPT_TIMESTAMP;
  h->ts_val = from->ts;
  h->ts_ecr = (flags & MPTCP_TH_ACK) ? to->ts - 1u : 0;
}

/* The options every SYN and SYN/ACK of this trace carries besides MPTCP. */
static void hdr_syn_options(mptcp_tcphdr *h) {
  h->opts |= MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_WSCALE;
  h->mss = MSS;
  h->wscale = WSCALE;
}

/*
 * Encodes `h` followed by `payload`, sets the TCP checksum, writes the
 * packet and advances the sender's sequence number and timestamp.
 * Returns 0 or -1 after printing a message.
 */
static int emit(struct writer *w, struct endpoint *from,
                const struct endpoint *to, const mptcp_tcphdr *h,
                const uint8_t *payload, size_t plen) {
  uint8_t seg[MPTCP_TCP_HDR_MAX + 1500];
  int hl, rc;
  uint16_t csum;

  w->frame++;
  if (plen > sizeof(seg) - MPTCP_TCP_HDR_MAX) {
    fprintf(stderr, "gen-oracle-pcap: frame %d: payload too long\n",
            w->frame);
    return -1;
  }
  hl = mptcp_tcphdr_encode(seg, sizeof(seg), h);
  if (hl < 0) {
    fprintf(stderr, "gen-oracle-pcap: frame %d: mptcp_tcphdr_encode: %s (%s)\n",
            w->frame, mptcp_strerror_name(hl), mptcp_strerror(hl));
    return -1;
  }
  if (hl < MPTCP_TCP_HDR_MIN || hl > MPTCP_TCP_HDR_MAX || (hl & 3) != 0) {
    fprintf(stderr,
            "gen-oracle-pcap: frame %d: mptcp_tcphdr_encode returned an "
            "impossible header length %d\n",
            w->frame, hl);
    return -1;
  }
  if (plen > 0)
    memcpy(seg + hl, payload, plen);
  /* The checksum field must be zero while summing (the encoder wrote
   * h->csum, which is 0 here); then store the result big-endian. */
  seg[16] = 0;
  seg[17] = 0;
  csum = mptcp_tcp_checksum_ipv4(from->addr, to->addr, seg, (size_t)hl + plen);
  seg[16] = (uint8_t)(csum >> 8);
  seg[17] = (uint8_t)(csum & 0xffu);

  rc = mptcp_pcap_write_ipv4(w->pcap, w->t_ns, from->addr, to->addr, seg,
                             (size_t)hl + plen);
  if (rc < 0) {
    fprintf(stderr, "gen-oracle-pcap: %s: frame %d: %s\n", g_out_path,
            w->frame, mptcp_pcap_strerror(rc));
    return -1;
  }
  w->t_ns += 10000000u + 1234u; /* 10 ms apart, odd nanoseconds */

  from->snd_nxt += (uint32_t)plen;
  if (h->flags & (MPTCP_TH_SYN | MPTCP_TH_FIN))
    from->snd_nxt += 1u;
  from->ts += 1u;
  return 0;
}

/* MP_CAPABLE option of the given form (length), version 1, HMAC-SHA256,
 * no checksum. */
static void set_mpc(mptcp_tcphdr *h, uint8_t len, uint64_t sender_key,
                    uint64_t receiver_key) {
  h->opts |= MPTCP_OPT_MP_CAPABLE;
  h->mpc.len = len;
  h->mpc.version = MPTCP_VERSION;
  h->mpc.flags = MPTCP_MPC_FLAG_H;
  h->mpc.sender_key = sender_key;
  h->mpc.receiver_key = receiver_key;
}

/* DSS with an 8-byte Data ACK and, when dll > 0, an 8-byte mapping. */
static void set_dss(mptcp_tcphdr *h, uint64_t data_ack, uint64_t dsn,
                    uint32_t ssn, uint16_t dll) {
  h->opts |= MPTCP_OPT_DSS;
  h->dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_ACK8;
  h->dss.data_ack = data_ack;
  if (dll > 0) {
    h->dss.flags |= MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
    h->dss.dsn = dsn;
    h->dss.ssn = ssn;
    h->dss.dll = dll;
    h->dss.has_csum = 0;
  }
}

static int run(struct writer *w) {
  static const uint8_t server_data[] =
      "first data of the connection, server to client, subflow 1\n";
  static const uint8_t client_data[] =
      "client to server on the joined subflow 2\n";
  const size_t server_len = sizeof(server_data) - 1;
  const size_t client_len = sizeof(client_data) - 1;

  struct subflow sf1 = {
      .c = {{10, 0, 0, 1}, CLIENT_PORT1, 0, 1000000u, 100000u},
      .s = {{10, 0, 1, 1}, SERVER_PORT, 0, 2000000u, 500000u},
  };
  struct subflow sf2 = {
      .c = {{10, 0, 0, 2}, CLIENT_PORT2, 0, 3000000u, 100100u},
      .s = {{10, 0, 1, 1}, SERVER_PORT, 0, 4000000u, 500100u},
  };
  uint32_t client_token, server_token;
  uint64_t client_idsn, server_idsn;
  uint8_t hmac_a[MPTCP_HMAC_SHA256_LEN], hmac_b[MPTCP_HMAC_SHA256_LEN];
  uint64_t client_data_ack, server_data_ack;
  mptcp_tcphdr h;

  sf1.c.snd_nxt = sf1.c.iss;
  sf1.s.snd_nxt = sf1.s.iss;
  sf2.c.snd_nxt = sf2.c.iss;
  sf2.s.snd_nxt = sf2.s.iss;

  mptcp_key_token_idsn(CLIENT_KEY, &client_token, &client_idsn);
  mptcp_key_token_idsn(SERVER_KEY, &server_token, &server_idsn);
  /* HMAC-A: the initiator's (client's); HMAC-B: the responder's. */
  mptcp_join_hmac(CLIENT_KEY, SERVER_KEY, CLIENT_NONCE, SERVER_NONCE, hmac_a);
  mptcp_join_hmac(SERVER_KEY, CLIENT_KEY, SERVER_NONCE, CLIENT_NONCE, hmac_b);

  /* Next DSN each side expects from the other. */
  client_data_ack = server_idsn + 1u;
  server_data_ack = client_idsn + 1u;

  /* ---- subflow 1: MP_CAPABLE handshake ---- */
  hdr_init(&h, &sf1.c, &sf1.s, MPTCP_TH_SYN);
  hdr_syn_options(&h);
  set_mpc(&h, MPTCP_MPC_LEN_SYN, 0, 0);
  if (emit(w, &sf1.c, &sf1.s, &h, NULL, 0))
    return -1;

  hdr_init(&h, &sf1.s, &sf1.c, MPTCP_TH_SYN | MPTCP_TH_ACK);
  hdr_syn_options(&h);
  set_mpc(&h, MPTCP_MPC_LEN_SYNACK, SERVER_KEY, 0);
  if (emit(w, &sf1.s, &sf1.c, &h, NULL, 0))
    return -1;

  hdr_init(&h, &sf1.c, &sf1.s, MPTCP_TH_ACK);
  set_mpc(&h, MPTCP_MPC_LEN_ACK, CLIENT_KEY, SERVER_KEY);
  if (emit(w, &sf1.c, &sf1.s, &h, NULL, 0))
    return -1;

  /* ---- subflow 1: first data (server to client) and its ACK ---- */
  hdr_init(&h, &sf1.s, &sf1.c, MPTCP_TH_ACK | MPTCP_TH_PSH);
  set_dss(&h, server_data_ack, server_idsn + 1u,
          sf1.s.snd_nxt - sf1.s.iss, (uint16_t)server_len);
  if (emit(w, &sf1.s, &sf1.c, &h, server_data, server_len))
    return -1;
  client_data_ack += server_len;

  hdr_init(&h, &sf1.c, &sf1.s, MPTCP_TH_ACK);
  set_dss(&h, client_data_ack, 0, 0, 0);
  if (emit(w, &sf1.c, &sf1.s, &h, NULL, 0))
    return -1;

  /* ---- subflow 2: MP_JOIN handshake ---- */
  hdr_init(&h, &sf2.c, &sf2.s, MPTCP_TH_SYN);
  hdr_syn_options(&h);
  h.opts |= MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_SYN;
  h.join.backup = 0;
  h.join.addr_id = 1;
  h.join.token = server_token;
  h.join.nonce = CLIENT_NONCE;
  if (emit(w, &sf2.c, &sf2.s, &h, NULL, 0))
    return -1;

  hdr_init(&h, &sf2.s, &sf2.c, MPTCP_TH_SYN | MPTCP_TH_ACK);
  hdr_syn_options(&h);
  h.opts |= MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_SYNACK;
  h.join.backup = 0;
  h.join.addr_id = 0;
  h.join.thmac = mptcp_hmac_left64(hmac_b);
  h.join.nonce = SERVER_NONCE;
  if (emit(w, &sf2.s, &sf2.c, &h, NULL, 0))
    return -1;

  hdr_init(&h, &sf2.c, &sf2.s, MPTCP_TH_ACK);
  h.opts |= MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_ACK;
  memcpy(h.join.hmac, hmac_a, MPTCP_JOIN_HMAC_LEN);
  if (emit(w, &sf2.c, &sf2.s, &h, NULL, 0))
    return -1;

  hdr_init(&h, &sf2.s, &sf2.c, MPTCP_TH_ACK);
  if (emit(w, &sf2.s, &sf2.c, &h, NULL, 0))
    return -1;

  /* ---- subflow 2: data (client to server) and its ACK ---- */
  hdr_init(&h, &sf2.c, &sf2.s, MPTCP_TH_ACK | MPTCP_TH_PSH);
  set_dss(&h, client_data_ack, client_idsn + 1u, sf2.c.snd_nxt - sf2.c.iss,
          (uint16_t)client_len);
  if (emit(w, &sf2.c, &sf2.s, &h, client_data, client_len))
    return -1;
  server_data_ack += client_len;

  hdr_init(&h, &sf2.s, &sf2.c, MPTCP_TH_ACK);
  set_dss(&h, server_data_ack, 0, 0, 0);
  if (emit(w, &sf2.s, &sf2.c, &h, NULL, 0))
    return -1;

  printf("client_key: %016llx\n", (unsigned long long)CLIENT_KEY);
  printf("server_key: %016llx\n", (unsigned long long)SERVER_KEY);
  printf("client_token: %08x\n", (unsigned)client_token);
  printf("server_token: %08x\n", (unsigned)server_token);
  printf("client_idsn: %016llx\n", (unsigned long long)client_idsn);
  printf("server_idsn: %016llx\n", (unsigned long long)server_idsn);
  printf("client_nonce: %08x\n", (unsigned)CLIENT_NONCE);
  printf("server_nonce: %08x\n", (unsigned)SERVER_NONCE);
  return 0;
}

int main(int argc, char **argv) {
  struct writer w = {NULL, 1700000000ull * 1000000000ull, 0};
  int rc, crc;

  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTPUT.pcap\n",
            argc > 0 ? argv[0] : "gen-oracle-pcap");
    return 2;
  }
  g_out_path = argv[1];
  w.pcap = mptcp_pcap_open(g_out_path);
  if (w.pcap == NULL) {
    perror(g_out_path);
    return 1;
  }
  rc = run(&w);
  crc = mptcp_pcap_close(w.pcap);
  if (crc < 0) {
    fprintf(stderr, "gen-oracle-pcap: %s: %s\n", g_out_path,
            mptcp_pcap_strerror(crc));
    return 1;
  }
  if (fflush(stdout) != 0) {
    perror("gen-oracle-pcap: stdout");
    return 1;
  }
  return rc == 0 ? 0 : 1;
}
