/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the TCP subflow engine, driven through the public sans-IO
 * API by tcp_harness.h (direct delivery with a fixed delay), with segments
 * dropped or forged by hand where a test needs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tcp_harness.h"

#define MS MPTCP_MS

static mptcp_config base_cfg(void) {
  mptcp_config c;
  mptcp_config_default(&c);
  c.cc = "reno";
  c.sndbuf = c.rcvbuf = 1u << 20;
  c.mptcp = 0; /* these tests are about the TCP engine itself */
  return c;
}

static void fill_pattern(uint8_t *b, size_t off, size_t n) {
  for (size_t i = 0; i < n; i++)
    b[i] = (uint8_t)((off + i) % 251);
}

/* Sends `n` bytes from the client (pattern i % 251) and reads them at the
 * server; returns the number of bytes verified. */
static size_t transfer(struct harness *h, size_t n, uint64_t limit) {
  uint8_t buf[65536];
  size_t sent = 0, got = 0, bad = 0;
  int shut = 0;
  while (h->now < limit) {
    while (h->client && sent < n) {
      size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
      for (size_t i = 0; i < k; i++)
        buf[i] = (uint8_t)((sent + i) % 251);
      long w = mptcp_conn_send(h->client, buf, k, h->now);
      if (w <= 0)
        break;
      sent += (size_t)w;
    }
    if (sent == n && !shut && h->client) {
      mptcp_conn_shutdown(h->client, h->now);
      shut = 1;
    }
    if (h->server) {
      long r;
      while ((r = mptcp_conn_recv(h->server, buf, sizeof(buf), h->now)) > 0) {
        for (long i = 0; i < r; i++)
          if (buf[i] != (uint8_t)((got + (size_t)i) % 251))
            bad++;
        got += (size_t)r;
      }
      if (mptcp_conn_peer_closed(h->server) && !h->closed[1])
        mptcp_conn_shutdown(h->server, h->now);
    }
    uint64_t before = h->now;
    h_run(h, h->now + 1 * MS);
    if (h->closed[0] && h->closed[1])
      break;
    (void)before;
  }
  return bad ? 0 : got;
}

/* Sends `n` bytes from the client and reads them at the server, without
 * closing; returns the number of bytes verified. */
static size_t transfer_open(struct harness *h, size_t n, uint64_t limit) {
  uint8_t buf[65536];
  size_t sent = 0, got = 0, bad = 0;
  while (h->now < limit && got < n) {
    while (sent < n) {
      size_t k = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
      fill_pattern(buf, sent, k);
      long w = mptcp_conn_send(h->client, buf, k, h->now);
      if (w <= 0)
        break;
      sent += (size_t)w;
    }
    long r;
    while ((r = mptcp_conn_recv(h->server, buf, sizeof(buf), h->now)) > 0) {
      for (long i = 0; i < r; i++)
        if (buf[i] != (uint8_t)((got + (size_t)i) % 251))
          bad++;
      got += (size_t)r;
    }
    h_run(h, h->now + 1 * MS);
  }
  h_run(h, h->now + 100 * MS); /* let the last ACKs arrive */
  return bad ? 0 : got;
}

static void test_handshake_and_transfer(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(h.connected, 1);
  assert_int_equal(h.accepted, 1);
  /* SYN, SYN/ACK, ACK with the negotiated options */
  assert_true(h.nlog >= 3);
  assert_int_equal(h.log[0].flags, MPTCP_TH_SYN);
  assert_true(h.log[0].opts & MPTCP_OPT_MSS);
  assert_true(h.log[0].opts & MPTCP_OPT_SACK_PERM);
  assert_true(h.log[0].opts & MPTCP_OPT_WSCALE);
  assert_true(h.log[0].opts & MPTCP_OPT_TIMESTAMP);
  assert_int_equal(h.log[1].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(h.log[1].ack, h.log[0].seq + 1);
  assert_int_equal(h.log[2].flags, MPTCP_TH_ACK);
  assert_int_equal(h.log[2].ack, h.log[1].seq + 1);
  size_t got = transfer(&h, 2000000, 20000 * MS);
  assert_int_equal(got, 2000000);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.retransmissions, 0);
  assert_true(st.srtt_ns >= 10 * MS && st.srtt_ns < 12 * MS);
  h_free(&h);
}


/* ---- helpers: a filter that drops chosen segments ---- */

struct drops {
  uint32_t ciss;       /* client ISS, learnt from its SYN */
  int have_ciss;
  uint64_t rel[16];    /* client data segments (relative seq) to drop once */
  int done[16];
  int n;
  int dropped;
  uint64_t blackhole_from; /* drop everything from the client after this */
  uint64_t blackhole_until; /* ...and before this (0: for ever) */
  int drop_all_from[2];    /* drop everything from host i */
  int drop_fin[2];         /* drop the first FIN of host i */
  int drop_first_ack;      /* drop the client's first pure ACK */
};

static int drop_filter(struct harness *h, struct h_pkt *p, int from) {
  struct drops *d = h->filter_ud;
  mptcp_tcphdr th;
  if (mptcp_tcphdr_decode(&th, p->data, p->len) < 0)
    return 0;
  if (from == 0 && (th.flags & MPTCP_TH_SYN) && !d->have_ciss) {
    d->ciss = th.seq;
    d->have_ciss = 1;
  }
  if (d->drop_all_from[from])
    return 1;
  if ((th.flags & MPTCP_TH_FIN) && d->drop_fin[from]) {
    d->drop_fin[from] = 0;
    d->dropped++;
    return 1;
  }
  if (from == 0 && d->drop_first_ack && th.flags == MPTCP_TH_ACK &&
      p->len == th.hdr_len) {
    d->drop_first_ack = 0;
    d->dropped++;
    return 1;
  }
  if (from == 0 && d->blackhole_from && h->now >= d->blackhole_from &&
      (!d->blackhole_until || h->now < d->blackhole_until))
    return 1;
  size_t plen = p->len - th.hdr_len + p->vlen;
  if (from == 0 && plen) {
    uint64_t rel = (uint32_t)(th.seq - d->ciss);
    for (int i = 0; i < d->n; i++)
      if (!d->done[i] && d->rel[i] == rel) {
        d->done[i] = 1;
        d->dropped++;
        return 1;
      }
  }
  return 0;
}


/* ---- helpers: a hand-driven peer ("fake peer") ---- */

#define PEER_ISS 1000000u

/* The client stack (host A) talks to a peer we play by hand as host B. */
struct fp {
  uint32_t ciss;  /* client ISS */
  uint32_t piss;  /* our ISS */
  int ts;         /* we send timestamps */
  uint32_t tsval;
};

static uint32_t last_client_tsval(struct harness *h) {
  for (size_t i = h->nlog; i-- > 0;)
    if (h->log_from[i] == 0 && (h->log[i].opts & MPTCP_OPT_TIMESTAMP))
      return h->log[i].ts_val;
  return 0;
}

static mptcp_tcphdr fp_hdr(struct harness *h, struct fp *f, uint64_t seq_rel,
                           uint64_t ack_rel, uint8_t flags, uint16_t win) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = f->piss + (uint32_t)seq_rel;
  th.ack = (flags & MPTCP_TH_ACK) ? f->ciss + (uint32_t)ack_rel : 0;
  th.flags = flags;
  th.window = win;
  if (f->ts) {
    th.opts |= MPTCP_OPT_TIMESTAMP;
    th.ts_val = ++f->tsval;
    th.ts_ecr = last_client_tsval(h);
  }
  return th;
}

/* An ACK from the peer: cumulative `ack_rel`, SACK blocks given as
 * relative [left, right) pairs. */
static void fp_ack(struct harness *h, struct fp *f, uint64_t ack_rel, const uint64_t *sack,
                   int nsack, uint16_t win) {
  mptcp_tcphdr th = fp_hdr(h, f, 1, ack_rel, MPTCP_TH_ACK, win);
  if (nsack) {
    th.opts |= MPTCP_OPT_SACK;
    th.n_sack = (uint8_t)nsack;
    for (int i = 0; i < nsack; i++) {
      th.sack[i].left = f->ciss + (uint32_t)sack[2 * i];
      th.sack[i].right = f->ciss + (uint32_t)sack[2 * i + 1];
    }
  }
  h_inject(h, 0, &th, NULL, 0);
}

/* Data from the peer at its relative sequence `seq_rel`. */
static void fp_data(struct harness *h, struct fp *f, uint64_t seq_rel, size_t len,
                    uint64_t ack_rel) {
  uint8_t buf[2048];
  fill_pattern(buf, (size_t)seq_rel - 1, len);
  mptcp_tcphdr th = fp_hdr(h, f, seq_rel, ack_rel, MPTCP_TH_ACK, 65535);
  h_inject(h, 0, &th, buf, len);
}

/* Opens a client connection to the hand-driven peer. `peer_opts` are the
 * options of the peer's SYN/ACK (MPTCP_OPT_* bits), with MSS `peer_mss`
 * and window shift 7. Returns the log index of the client's third ACK. */
static size_t fp_open(struct harness *h, struct fp *f, const mptcp_config *cfg,
                      uint32_t peer_opts, uint16_t peer_mss) {
  memset(f, 0, sizeof(*f));
  f->piss = PEER_ISS;
  assert_int_equal(h_connect(h, cfg), MPTCP_OK);
  size_t i = 0;
  assert_true(h_pull(h, 0, &i));
  assert_true(h->log[i].flags == MPTCP_TH_SYN);
  f->ciss = h->log[i].seq;
  h->now += 10 * MS;
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = f->piss;
  th.ack = f->ciss + 1;
  th.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  th.window = 65535;
  th.opts = peer_opts;
  th.mss = peer_mss;
  th.wscale = 7;
  th.ts_val = f->tsval = 5000;
  th.ts_ecr = h->log[i].ts_val;
  f->ts = !!(peer_opts & MPTCP_OPT_TIMESTAMP) && (!cfg || cfg->timestamps);
  h_inject(h, 0, &th, NULL, 0);
  assert_int_equal(h->connected, 1);
  assert_true(h_pull(h, 0, &i));
  assert_int_equal(h->log[i].flags, MPTCP_TH_ACK);
  assert_int_equal(h->log[i].ack, f->piss + 1);
  return i;
}

/* Client data segments in the log from index `from` on. */
static int count_client_data(struct harness *h, size_t from) {
  int n = 0;
  for (size_t i = from; i < h->nlog; i++)
    if (h->log_from[i] == 0 && h->log_plen[i])
      n++;
  return n;
}

static mptcp_conn_stats stats(mptcp_conn *c) {
  mptcp_conn_stats st;
  mptcp_conn_get_stats(c, &st);
  return st;
}

static uint64_t ctr(struct harness *h, int host, int id) {
  return mptcp_stack_counter(h->st[host], id);
}

/* Opens a real connection through the harness and moves `n` bytes. */
static void open_pair(struct harness *h, const mptcp_config *cfg, uint64_t delay) {
  h_init(h, cfg, delay);
  assert_int_equal(h_connect(h, NULL), MPTCP_OK);
  h_run(h, h->now + 10 * delay + 10 * MS);
  assert_int_equal(h->connected, 1);
  assert_int_equal(h->accepted, 1);
}

/* Wire sequence numbers the server expects next from the client (its
 * RCV.NXT) and the client from the server, from the last ACKs logged. */
static uint32_t rcv_nxt_of(struct harness *h, int host) {
  for (size_t i = h->nlog; i-- > 0;)
    if (h->log_from[i] == host && (h->log[i].flags & MPTCP_TH_ACK))
      return h->log[i].ack;
  fail();
  return 0;
}

/* ---- handshake ---- */

static void test_handshake_min_mss_and_options(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  size_t ack = fp_open(&h, &f, NULL,
                       MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
                           MPTCP_OPT_WSCALE,
                       1000);
  /* our SYN offered everything; rcvbuf 1 MiB needs shift 5 */
  assert_int_equal(h.log[0].mss, 1448);
  assert_true(h.log[0].opts & MPTCP_OPT_WSCALE);
  assert_int_equal(h.log[0].wscale, 5);
  assert_int_equal(stats(h.client).mss, 1000); /* min(1448, 1000) */
  assert_true(h.log[ack].opts & MPTCP_OPT_TIMESTAMP);
  assert_int_equal(h.log[ack].ts_ecr, 5000);
  /* the peer's window is scaled by its shift from now on */
  fp_ack(&h, &f, 1, NULL, 0, 100);
  assert_int_equal(stats(h.client).snd_wnd, 100u << 7);
  /* data goes out in segments of the negotiated MSS */
  uint8_t buf[3000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 3000);
  size_t i = 0;
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log_plen[i], 1000);
  assert_int_equal(h.log[i].seq, f.ciss + 1);
  h_free(&h);
}

/* A peer that offers no options at all: MSS 536 (RFC 9293 3.7.1), and no
 * SACK, timestamps or window scaling in either direction. */
static void test_handshake_peer_without_options(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  /* a bare SYN to the listener */
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = 777;
  th.flags = MPTCP_TH_SYN;
  th.window = 65535;
  h_inject(&h, 1, &th, NULL, 0);
  size_t i = 0;
  assert_true(h_pull(&h, 1, &i));
  mptcp_tcphdr sa = h.log[i];
  assert_int_equal(sa.flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(sa.ack, 778);
  assert_true(sa.opts & MPTCP_OPT_MSS);
  assert_int_equal(sa.mss, 1448);
  assert_false(sa.opts & (MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_WSCALE));
  /* third ACK */
  h.now += 10 * MS;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = 778;
  th.ack = sa.seq + 1;
  th.flags = MPTCP_TH_ACK;
  th.window = 65535;
  h_inject(&h, 1, &th, NULL, 0);
  assert_int_equal(h.accepted, 1);
  assert_int_equal(stats(h.server).mss, 536);
  assert_int_equal(stats(h.server).snd_wnd, 65535); /* not scaled */
  uint8_t buf[2000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.server, buf, sizeof(buf), h.now), 2000);
  for (int k = 0; k < 3; k++) {
    assert_true(h_pull(&h, 1, &i));
    assert_int_equal(h.log_plen[i], 536);
    assert_false(h.log[i].opts & (MPTCP_OPT_TIMESTAMP | MPTCP_OPT_SACK));
  }
  /* out-of-order data from the peer: the ACK carries no SACK blocks */
  uint8_t d[100];
  fill_pattern(d, 0, sizeof(d));
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = 778 + 500;
  th.ack = sa.seq + 1;
  th.flags = MPTCP_TH_ACK;
  th.window = 65535;
  h_inject(&h, 1, &th, d, sizeof(d));
  int acks = 0;
  while (h_pull(&h, 1, &i))
    if (h.log_plen[i] == 0) {
      acks++;
      assert_int_equal(h.log[i].ack, 778);
      assert_false(h.log[i].opts & MPTCP_OPT_SACK);
    }
  assert_int_equal(acks, 1);
  h_free(&h);
}

/* SACK and timestamps are used only when both ends offer them. */
/* A SYN/ACK without an MSS option (ns-3's TcpSocketBase sends none) and
 * without MP_CAPABLE, to an MPTCP client that therefore falls back to TCP:
 * the send MSS is peer_mss_default where set (never above our own mss),
 * else RFC 9293's 536 over IPv4 and 1220 over IPv6. */
static void test_synack_without_mss_option(void **state) {
  (void)state;
  static const struct {
    int ipv6;
    uint16_t mss, peer_mss_default, want;
  } cases[] = {
      {0, 1448, 0, 536},    {1, 1448, 0, 1220}, {0, 1448, 1448, 1448},
      {0, 1200, 1448, 1200}, {1, 1448, 1000, 1000},
  };
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    struct harness h;
    mptcp_config cfg = base_cfg();
    cfg.mptcp = 1;
    cfg.cc = "lia";
    cfg.mss = cases[k].mss;
    cfg.peer_mss_default = cases[k].peer_mss_default;
    cfg.tcp_checksum = 0; /* the harness writes IPv4 checksums only */
    assert_int_equal(mptcp_config_check(&cfg), MPTCP_OK);
    h_init(&h, &cfg, 5 * MS);
    if (cases[k].ipv6)
      for (int i = 0; i < 2; i++) {
        memset(&h.addr[i], 0, sizeof(h.addr[i]));
        h.addr[i].family = 6;
        h.addr[i].ip[0] = 0x20;
        h.addr[i].ip[1] = 0x01;
        h.addr[i].ip[15] = (uint8_t)(i + 1);
      }
    struct fp f;
    fp_open(&h, &f, &cfg, MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_WSCALE, 0);
    assert_false(mptcp_conn_is_mptcp(h.client));
    assert_int_equal(stats(h.client).mss, cases[k].want);
    fp_ack(&h, &f, 1, NULL, 0, 65535);
    uint8_t buf[5000];
    fill_pattern(buf, 0, sizeof(buf));
    assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), (long)sizeof(buf));
    size_t i = 0;
    for (int n = 0; n < 3; n++) {
      assert_true(h_pull(&h, 0, &i));
      assert_int_equal(h.log_plen[i], cases[k].want);
    }
    h_free(&h);
  }
  /* out of range */
  mptcp_config cfg = base_cfg();
  cfg.peer_mss_default = 63;
  assert_int_equal(mptcp_config_check(&cfg), MPTCP_ERR_CONFIG);
  cfg.peer_mss_default = 65496;
  assert_int_equal(mptcp_config_check(&cfg), MPTCP_ERR_CONFIG);
  cfg.peer_mss_default = 64;
  assert_int_equal(mptcp_config_check(&cfg), MPTCP_OK);
}

static void test_handshake_options_need_both(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.sack = 0;
  cfg.timestamps = 0;
  cfg.window_scaling = 0;
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  size_t ack = fp_open(&h, &f, &cfg,
                       MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP |
                           MPTCP_OPT_WSCALE,
                       1448);
  assert_false(h.log[0].opts & (MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_WSCALE));
  assert_false(h.log[ack].opts & MPTCP_OPT_TIMESTAMP);
  /* window scaling refused by us: the peer's window is taken as is */
  fp_ack(&h, &f, 1, NULL, 0, 1000);
  assert_int_equal(stats(h.client).snd_wnd, 1000);
  /* out-of-order data: an immediate ACK without SACK blocks */
  fp_data(&h, &f, 1001, 500, 1);
  size_t i = 0;
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 1);
  assert_false(h.log[i].opts & (MPTCP_OPT_SACK | MPTCP_OPT_TIMESTAMP));
  h_free(&h);
}

static void test_syn_retransmit_backoff_and_timeout(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.syn_retries = 3;
  h_init(&h, &cfg, 5 * MS);
  struct drops d = {0};
  d.drop_all_from[0] = 1;
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MPTCP_S);
  /* SYN at 0 and retransmissions after 1, 2 and 4 s (RFC 6298 5.5) */
  assert_int_equal(h.nlog, 4);
  uint64_t expect[4] = {0, 1 * MPTCP_S, 3 * MPTCP_S, 7 * MPTCP_S};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(h.log[i].flags, MPTCP_TH_SYN);
    assert_int_equal(h.log[i].seq, h.log[0].seq);
    assert_int_equal(h.log_at[i], expect[i]);
  }
  /* given up after the last one's 8 s */
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_TIMEOUT);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_SYN_RETRANS), 3);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_TIMEOUT_CLOSE), 1);
  assert_int_equal(h.now, 100 * MPTCP_S);
  assert_int_equal(mptcp_stack_get_expiry(h.st[0]), MPTCP_TIME_NEVER);
  h_free(&h);
}

static void test_syn_to_closed_port_refused(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  mptcp_addr l = h.addr[0], r = h.addr[1];
  l.port = 40000;
  r.port = 5002; /* nobody listens */
  assert_int_equal(mptcp_connect(h.st[0], &h.client, &l, &r, NULL, &h, 0), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(h.nlog, 2);
  assert_int_equal(h.log_from[1], 1);
  assert_int_equal(h.log[1].flags, MPTCP_TH_RST | MPTCP_TH_ACK);
  assert_int_equal(h.log[1].ack, h.log[0].seq + 1);
  assert_int_equal(h.log[1].seq, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_NO_SOCKET), 1);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_REFUSED);
  assert_int_equal(h.connected, 0);
  h_free(&h);
}

static void test_synack_with_wrong_ack_gets_rst(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  size_t i = 0;
  assert_true(h_pull(&h, 0, &i));
  uint32_t ciss = h.log[i].seq;
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = PEER_ISS;
  th.ack = ciss + 100; /* wrong */
  th.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  th.window = 65535;
  h_inject(&h, 0, &th, NULL, 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_BAD_SYN_ACK), 1);
  assert_true(h_pull(&h, 0, &i));
  /* RFC 9293 3.10.7.3: <SEQ=SEG.ACK><CTL=RST> */
  assert_int_equal(h.log[i].flags, MPTCP_TH_RST);
  assert_int_equal(h.log[i].seq, ciss + 100);
  assert_false(h_pull(&h, 0, &i));
  assert_int_equal(stats(h.client).state, MPTCP_TCP_SYN_SENT);
  assert_int_equal(h.closed[0], 0);
  /* the right SYN/ACK still completes the handshake */
  th.ack = ciss + 1;
  h_inject(&h, 0, &th, NULL, 0);
  assert_int_equal(h.connected, 1);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_ESTABLISHED);
  h_free(&h);
}

/* ---- SACK scoreboard and the RFC 6675 pipe ---- */

static void test_sack_scoreboard_pipe(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.mss = 1000;
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  fp_open(&h, &f, NULL, MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP, 1000);
  static uint8_t buf[30000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 30000);
  size_t first = h.nlog, i = 0;
  assert_int_equal(h_pull_all(&h, 0), 10); /* initial window */
  uint64_t out = 10; /* segments sent, [1 + 1000k, 1001 + 1000k) */
  assert_int_equal(stats(h.client).bytes_in_flight, 10000);
  h.now += 10 * MS;
  /* segment 0 is lost; each SACKed segment leaves the pipe, which lets a
   * new segment out (RFC 6675 section 5: cwnd - pipe >= 1 SMSS) */
  uint64_t s1[] = {1001, 2001};
  fp_ack(&h, &f, 1, s1, 1, 65535);
  assert_int_equal(stats(h.client).bytes_in_flight, 9000);
  while (h_pull(&h, 0, &i)) {
    assert_int_equal(h.log[i].seq, f.ciss + 1 + 1000 * (uint32_t)out);
    out++;
  }
  assert_int_equal(out, 11);
  assert_int_equal(stats(h.client).bytes_in_flight, 10000);
  uint64_t s2[] = {1001, 3001};
  fp_ack(&h, &f, 1, s2, 1, 65535);
  assert_int_equal(stats(h.client).bytes_in_flight, 9000);
  out += (uint64_t)h_pull_all(&h, 0);
  assert_int_equal(out, 12);
  assert_int_equal(stats(h.client).fast_recoveries, 0);
  /* a SACK block that covers nothing new changes nothing */
  fp_ack(&h, &f, 1, s1, 1, 65535);
  assert_int_equal(stats(h.client).bytes_in_flight, 10000);
  assert_int_equal(h_pull_all(&h, 0), 0);
  /* a block beyond SND.NXT is invalid and ignored */
  uint64_t bad[] = {13001, 15001};
  fp_ack(&h, &f, 1, bad, 1, 65535);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_SACK_INVALID), 1);
  assert_int_equal(stats(h.client).bytes_in_flight, 10000);
  /* a third SACKed segment above the hole: IsLost(seg 0), recovery
   * starts; pipe = 12 out - 3 SACKed - 1 lost = 8 segments */
  uint64_t s3[] = {1001, 4001};
  fp_ack(&h, &f, 1, s3, 1, 65535);
  mptcp_conn_stats st = stats(h.client);
  assert_int_equal(st.fast_recoveries, 1);
  assert_int_equal(st.bytes_in_flight, 8000);
  assert_int_equal(st.ssthresh, 6000); /* FlightSize / 2 (RFC 5681 eq. 4) */
  /* one segment goes out: the retransmission of the hole */
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].seq, f.ciss + 1);
  assert_int_equal(h.log_plen[i], 1000);
  assert_false(h_pull(&h, 0, NULL));
  assert_int_equal(stats(h.client).bytes_in_flight, 9000);
  assert_int_equal(stats(h.client).retransmissions, 1);
  /* two blocks, one of them new: segments 5 and 6 SACKed. Segment 4 has
   * only 2000 bytes SACKed above it, not more than (DupThresh - 1) * SMSS:
   * not lost (RFC 6675 IsLost) */
  uint64_t s4[] = {5001, 7001, 1001, 4001};
  fp_ack(&h, &f, 1, s4, 2, 65535);
  st = stats(h.client);
  /* out 12 + retrans 1 - sacked 5 - lost 1 = 7 */
  assert_int_equal(st.bytes_in_flight, 7000);
  while (h_pull(&h, 0, &i)) { /* anything sent now is new data */
    assert_int_equal(h.log[i].seq, f.ciss + 1 + 1000 * (uint32_t)out);
    out++;
  }
  /* the cumulative ACK for the retransmission: only the hole at 4001
   * remains; SACKed bytes below the ACK leave the scoreboard */
  fp_ack(&h, &f, 4001, (uint64_t[]){5001, 7001}, 1, 65535);
  st = stats(h.client);
  assert_int_equal(st.bytes_acked, 4000);
  assert_int_equal(st.bytes_in_flight, (out - 4) * 1000 - 2000);
  /* a D-SACK (below SND.UNA) is counted, not applied */
  fp_ack(&h, &f, 4001, (uint64_t[]){1, 1001}, 1, 65535);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_DSACK_IN), 1);
  assert_int_equal(stats(h.client).bytes_in_flight, st.bytes_in_flight);
  (void)first;
  h_free(&h);
}

/* The receiver's SACK blocks (RFC 2018 section 4): the first block holds
 * the segment that triggered the ACK, then the most recently reported
 * others; at most 3 blocks next to timestamps, 4 without. */
static void sack_blocks_generated(int ts) {
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.mss = 1000;
  cfg.timestamps = (uint8_t)ts;
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  fp_open(&h, &f, &cfg,
          MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | (ts ? MPTCP_OPT_TIMESTAMP : 0), 1000);
  size_t i = 0;
  /* holes at 1, 2001, 4001, 6001, 8001; blocks arrive in this order */
  uint64_t at[] = {1001, 3001, 5001, 7001, 9001};
  for (int k = 0; k < 5; k++) {
    fp_data(&h, &f, at[k], 1000, 1);
    assert_true(h_pull(&h, 0, &i)); /* out of order: ACKed at once */
    assert_false(h_pull(&h, 0, NULL));
    mptcp_tcphdr *a = &h.log[i];
    assert_int_equal(a->ack, f.piss + 1);
    assert_true(a->opts & MPTCP_OPT_SACK);
    int want = k + 1 < (ts ? 3 : 4) ? k + 1 : (ts ? 3 : 4);
    assert_int_equal(a->n_sack, want);
    for (int b = 0; b < want; b++) { /* most recent first */
      assert_int_equal(a->sack[b].left, f.piss + (uint32_t)at[k - b]);
      assert_int_equal(a->sack[b].right, f.piss + (uint32_t)at[k - b] + 1000);
    }
  }
  /* filling 2001..3001 merges two blocks: that block comes first */
  fp_data(&h, &f, 2001, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].sack[0].left, f.piss + 1001);
  assert_int_equal(h.log[i].sack[0].right, f.piss + 4001);
  assert_int_equal(h.log[i].sack[1].left, f.piss + 9001);
  /* a duplicate of an already SACKed segment is ACKed at once too */
  fp_data(&h, &f, 5001, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 1);
  /* filling the first hole: the cumulative ACK jumps, blocks above stay */
  fp_data(&h, &f, 1, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 4001);
  assert_true(h.log[i].opts & MPTCP_OPT_SACK);
  for (int b = 0; b < h.log[i].n_sack; b++)
    assert_true(h.log[i].sack[b].left - f.piss > 4001);
  assert_int_equal(stats(h.client).bytes_received, 4000);
  assert_int_equal(stats(h.client).ooo_bytes, 3000);
  h_free(&h);
}

static void test_sack_blocks_generated_ts(void **state) {
  (void)state;
  sack_blocks_generated(1);
}

static void test_sack_blocks_generated_no_ts(void **state) {
  (void)state;
  sack_blocks_generated(0);
}

/* ---- whole-transfer loss recovery ---- */

static void three_losses(int sack, const char *cc) {
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.sack = (uint8_t)sack;
  cfg.cc = cc;
  h_init(&h, &cfg, 10 * MS);
  struct drops d = {0};
  /* three segments of one window (the 4th round trip of slow start) */
  d.rel[0] = 1 + 40 * 1448;
  d.rel[1] = 1 + 45 * 1448;
  d.rel[2] = 1 + 52 * 1448;
  d.n = 3;
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  size_t got = transfer(&h, 300000, 20 * MPTCP_S);
  assert_int_equal(d.dropped, 3);
  assert_int_equal(got, 300000);
  mptcp_conn_stats st = stats(h.client);
  assert_int_equal(st.rto_count, 0);
  assert_int_equal(st.fast_recoveries, 1);
  /* with SACK, all three at once; without, one per partial ACK (RFC 6582) */
  assert_int_equal(st.retransmissions, 3);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_RTO), 0);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  h_free(&h);
}

static void test_three_losses_sack_reno(void **state) {
  (void)state;
  three_losses(1, "reno");
}
static void test_three_losses_sack_cubic(void **state) {
  (void)state;
  three_losses(1, "cubic");
}
static void test_three_losses_newreno(void **state) {
  (void)state;
  three_losses(0, "reno");
}

/* ---- PRR (RFC 6937 / RFC 9937) ---- */

static void test_prr(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.mss = 1000;
  cfg.init_cwnd = 20;
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  fp_open(&h, &f, NULL, MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP, 1000);
  static uint8_t buf[100000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 100000);
  assert_int_equal(h_pull_all(&h, 0), 20);
  h.now += 10 * MS;
  /* segment 0 lost; SACKs for 1, 2, 3. Before recovery each SACK makes
   * room for one new segment (pipe < cwnd). */
  uint64_t out = 20;
  for (int k = 1; k <= 3; k++) {
    fp_ack(&h, &f, 1, (uint64_t[]){1001, 1001 + 1000 * (uint64_t)k}, 1, 65535);
    if (k < 3)
      out += (uint64_t)h_pull_all(&h, 0);
  }
  assert_int_equal(out, 22);
  mptcp_conn_stats st = stats(h.client);
  assert_int_equal(st.fast_recoveries, 1);
  assert_int_equal(st.ssthresh, out * 1000 / 2); /* FlightSize / 2 */
  uint64_t ssthresh = st.ssthresh;
  /* RecoverFS = pipe = 22 out - 3 SACKed - 1 lost */
  assert_int_equal(st.bytes_in_flight, (out - 4) * 1000);
  /* exactly one segment, the retransmission */
  size_t i = 0, rec_start = h.nlog;
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].seq, f.ciss + 1);
  assert_false(h_pull(&h, 0, NULL));
  /* SACKs for 4..21, one segment each: PRR sends ssthresh/RecoverFS of
   * what is delivered, never more than one segment per ACK here */
  for (uint64_t k = 4; k < out; k++) {
    h.now += 1 * MS;
    fp_ack(&h, &f, 1, (uint64_t[]){1001, 1001 + 1000 * k}, 1, 65535);
    int n = h_pull_all(&h, 0);
    assert_true(n <= 1);
  }
  int during = count_client_data(&h, rec_start);
  /* delivered 19 segments in recovery, RecoverFS 18, ssthresh 11:
   * ceil(19 * 11 / 18) = 12 */
  assert_true(during >= (int)(ssthresh / 1000) && during <= (int)(ssthresh / 1000) + 1);
  st = stats(h.client);
  /* pipe has come down to ssthresh */
  assert_true(st.bytes_in_flight >= ssthresh && st.bytes_in_flight <= ssthresh + 1000);
  /* the retransmission is ACKed with the whole original flight: recovery
   * ends with cwnd = ssthresh (RFC 6937 section 3) */
  h.now += 10 * MS;
  fp_ack(&h, &f, out * 1000 + 1, NULL, 0, 65535);
  st = stats(h.client);
  assert_int_equal(st.cwnd, ssthresh);
  assert_int_equal(st.ssthresh, ssthresh);
  /* no burst after recovery: at most cwnd - pipe */
  uint64_t pipe = st.bytes_in_flight;
  int after = h_pull_all(&h, 0);
  assert_true((uint64_t)after * 1000 <= (st.cwnd > pipe ? st.cwnd - pipe : 0));
  h_free(&h);
}
/* ---- RTO (RFC 6298) ---- */

static void rto_backoff(uint64_t delay, uint64_t min_rto) {
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.rto_retries = 4;
  cfg.min_rto_ns = min_rto;
  cfg.mss = 1000;
  open_pair(&h, &cfg, delay);
  /* one exchange for RTT samples */
  assert_int_equal(transfer_open(&h, 20000, h.now + 5 * MPTCP_S), 20000);
  mptcp_conn_stats st = stats(h.client);
  /* RFC 6298 2.2/2.3: RTO = SRTT + max(G, 4 RTTVAR), at least min_rto */
  uint64_t want = st.srtt_ns + 4 * st.rttvar_ns;
  if (want < min_rto)
    want = min_rto;
  assert_int_equal(st.rto_ns, want);
  uint64_t rto0 = st.rto_ns;
  /* now the path drops everything the client sends */
  struct drops d = {0};
  d.blackhole_from = h.now;
  h.filter = drop_filter;
  h.filter_ud = &d;
  size_t mark = h.nlog;
  uint8_t buf[5000];
  fill_pattern(buf, 20000, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 5000);
  uint64_t t0 = h.now;
  h_run(&h, h.now + 1000 * MPTCP_S);
  /* the first transmission (5 segments), then one retransmission of the
   * first segment per timeout, each after twice the previous RTO */
  uint64_t t[16] = {0};
  int n = 0;
  uint32_t first_seq = 0;
  for (size_t i = mark; i < h.nlog; i++) {
    if (h.log_from[i] != 0 || !h.log_plen[i])
      continue;
    if (!first_seq)
      first_seq = h.log[i].seq;
    if (h.log[i].seq == first_seq && n < 16)
      t[n++] = h.log_at[i];
  }
  assert_int_equal(n, 1 + 4);
  assert_int_equal(t[0], t0);
  uint64_t rto = rto0;
  for (int k = 1; k < n; k++) {
    assert_int_equal(t[k] - t[k - 1], rto);
    rto *= 2;
  }
  st = stats(h.client);
  assert_int_equal(st.rto_count, 4);
  assert_int_equal(st.cwnd, st.mss); /* loss window: one segment */
  /* the 5th expiry gives up: RST and closed TIMEOUT */
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_TIMEOUT);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_TIMEOUT_CLOSE), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_RTO), 4);
  mptcp_tcphdr *last = NULL;
  size_t li = 0;
  for (size_t i = mark; i < h.nlog; i++)
    if (h.log_from[i] == 0) {
      last = &h.log[i];
      li = i;
    }
  assert_non_null(last);
  assert_true(last->flags & MPTCP_TH_RST);
  assert_int_equal(h.log_at[li] - t[n - 1], rto);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  h_free(&h);
}

static void test_rto_min_clamp_backoff_give_up(void **state) {
  (void)state;
  rto_backoff(5 * MS, 200 * MS); /* RTT 10 ms: the 200 ms floor */
}

static void test_rto_from_rtt_backoff_give_up(void **state) {
  (void)state;
  rto_backoff(100 * MS, 200 * MS); /* RTT 200 ms: SRTT + 4 RTTVAR */
}

static void test_rto_min_one_second(void **state) {
  (void)state;
  rto_backoff(5 * MS, 1 * MPTCP_S); /* ns-3's default */
}

/* After an RTO the retransmission is ACKed: the connection recovers in
 * slow start from one segment and the data arrives intact. */
static void test_rto_recovers(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 10 * MS);
  struct drops d = {0};
  /* the tail of the first flight is lost: no dupacks, only an RTO */
  for (int k = 0; k < 10; k++)
    d.rel[k] = 1 + (uint64_t)k * 1448;
  d.n = 10;
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(transfer(&h, 100000, 20 * MPTCP_S), 100000);
  mptcp_conn_stats st = stats(h.client);
  assert_int_equal(st.rto_count, 1);
  assert_int_equal(st.fast_recoveries, 0);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  h_free(&h);
}

/* ---- delayed ACKs ---- */

static void test_delayed_ack(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.mss = 1000;
  h_init(&h, &cfg, 5 * MS);
  struct fp f;
  fp_open(&h, &f, NULL, MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP, 1000);
  size_t i = 0;
  /* a lone full segment: no ACK until the delayed-ACK timer (40 ms) */
  uint64_t t0 = h.now;
  fp_data(&h, &f, 1, 1000, 1);
  assert_false(h_pull(&h, 0, NULL));
  assert_int_equal(mptcp_stack_get_expiry(h.st[0]), t0 + 40 * MS);
  h_advance(&h, t0 + 40 * MS - 1);
  assert_false(h_pull(&h, 0, NULL));
  h_advance(&h, t0 + 40 * MS);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 1001);
  /* two full segments: ACKed at the second, at once */
  fp_data(&h, &f, 1001, 1000, 1);
  assert_false(h_pull(&h, 0, NULL));
  fp_data(&h, &f, 2001, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 3001);
  assert_false(h_pull(&h, 0, NULL));
  /* ...and the delayed-ACK timer is off again */
  h_advance(&h, h.now + 100 * MS);
  assert_false(h_pull(&h, 0, NULL));
  /* four in a row: two ACKs */
  size_t mark = h.nlog;
  for (int k = 0; k < 4; k++) {
    fp_data(&h, &f, 3001 + 1000 * (uint64_t)k, 1000, 1);
    h_pull_all(&h, 0);
  }
  assert_int_equal(h.nlog - mark, 2);
  /* a small segment waits for the timer too */
  t0 = h.now;
  fp_data(&h, &f, 7001, 100, 1);
  assert_false(h_pull(&h, 0, NULL));
  h_advance(&h, t0 + 40 * MS);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 7101);
  assert_int_equal(h.log_at[i], t0 + 40 * MS);
  /* out of order: ACKed at once (RFC 5681 section 4.2) */
  fp_data(&h, &f, 8101, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 7101);
  /* the segment that fills the hole: ACKed at once as well */
  fp_data(&h, &f, 7101, 1000, 1);
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].ack, f.piss + 9101);
  h_free(&h);
}

/* ---- Nagle (cfg.nodelay) ---- */

/* Ten 100-byte writes, each offered to the network before the next, on a
 * connection with an RTT of 10 ms; returns how many data segments the
 * client sent while writing (at one instant) and, in *total, by the time
 * everything was read. */
static int small_writes(uint8_t mptcp, uint8_t nodelay, int *total) {
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.mptcp = mptcp;
  cfg.nodelay = nodelay;
  h_init(&h, &cfg, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(h.connected, 1);
  assert_int_equal(mptcp_conn_is_mptcp(h.client), mptcp);
  size_t mark = h.nlog;
  uint8_t buf[1000];
  fill_pattern(buf, 0, sizeof(buf));
  for (int k = 0; k < 10; k++) {
    assert_int_equal(mptcp_conn_send(h.client, buf + 100 * k, 100, h.now), 100);
    h_flush(&h);
  }
  int burst = 0;
  for (size_t i = mark; i < h.nlog; i++)
    burst += h.log_from[i] == 0 && h.log_plen[i] > 0;
  h_run(&h, h.now + 500 * MS);
  uint8_t rd[2000];
  long r = mptcp_conn_recv(h.server, rd, sizeof(rd), h.now);
  assert_int_equal(r, 1000);
  assert_memory_equal(rd, buf, 1000);
  *total = 0;
  for (size_t i = mark; i < h.nlog; i++)
    *total += h.log_from[i] == 0 && h.log_plen[i] > 0;
  h_free(&h);
  return burst;
}

static void test_nagle_switch(void **state) {
  (void)state;
  for (uint8_t mp = 0; mp <= 1; mp++) {
    int total;
    /* Nagle on (the default): the first write leaves, the other nine wait
     * for its ACK and then leave together */
    assert_int_equal(small_writes(mp, 0, &total), 1);
    assert_int_equal(total, 2);
    /* nodelay: each write is a segment at once */
    assert_int_equal(small_writes(mp, 1, &total), 10);
    assert_int_equal(total, 10);
  }
  mptcp_config c;
  mptcp_config_default(&c);
  assert_int_equal(c.nodelay, 0);
  c.nodelay = 2;
  assert_int_equal(mptcp_config_check(&c), MPTCP_ERR_CONFIG);
}

/* ---- flow control: zero window ---- */

static void test_zero_window(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = base_cfg(), cb = base_cfg();
  cb.rcvbuf = 20000;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(h.accepted, 1);
  static uint8_t buf[100000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 100000);
  /* the server does not read: the client fills the window and stops */
  size_t mark = h.nlog;
  h_run(&h, h.now + 10 * MPTCP_S);
  mptcp_conn_stats st = stats(h.client);
  assert_int_equal(st.bytes_acked, 20000);
  assert_int_equal(st.snd_wnd, 0);
  assert_int_equal(stats(h.server).rcv_buffered, 20000);
  assert_int_equal(st.rto_count, 0);
  /* probes with growing intervals */
  uint64_t probes = ctr(&h, 0, MPTCP_MIB_ZERO_WINDOW_PROBE);
  assert_true(probes >= 3);
  uint64_t pt[32];
  int np = 0;
  for (size_t i = mark; i < h.nlog && np < 32; i++)
    if (h.log_from[i] == 0 && !h.log_plen[i] && h.log[i].seq == rcv_nxt_of(&h, 1) - 1)
      pt[np++] = h.log_at[i];
  assert_int_equal((uint64_t)np, probes);
  for (int k = 2; k < np; k++)
    assert_true(pt[k] - pt[k - 1] > pt[k - 1] - pt[k - 2]);
  /* no payload beyond the window was ever sent */
  for (size_t i = mark; i < h.nlog; i++)
    if (h.log_from[i] == 0 && h.log_plen[i])
      assert_true((uint32_t)(h.log[i].seq + h.log_plen[i] - h.log[0].seq) <= 20001);
  /* the server reads: a window update, and the transfer completes */
  uint8_t rb[65536];
  size_t got = 0;
  uint64_t deadline = h.now + 5 * MPTCP_S;
  while (h.now < deadline && got < 100000) {
    long r;
    while ((r = mptcp_conn_recv(h.server, rb, sizeof(rb), h.now)) > 0) {
      for (long k = 0; k < r; k++)
        assert_int_equal(rb[k], (uint8_t)((got + (size_t)k) % 251));
      got += (size_t)r;
    }
    h_run(&h, h.now + 1 * MS);
  }
  assert_int_equal(got, 100000);
  /* it resumed within a round trip or so of the read, not at the next
   * (backed-off) probe */
  assert_true(h.now < deadline);
  assert_int_equal(stats(h.client).rto_count, 0);
  h_free(&h);
}

/* The window opens after a long zero-window period and the first flight
 * after it is lost: the retransmission timer runs from that flight (RFC
 * 6298 5.1), not from the backed-off persist timer, and the probes' back
 * off does not count as retransmission timeouts. */
static void test_zero_window_then_loss(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = base_cfg(), cb = base_cfg();
  cb.rcvbuf = 20000;
  ca.rto_retries = 3;
  h_init2(&h, &ca, &cb, 5 * MS);
  struct drops d = {0};
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  static uint8_t buf[60000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 60000);
  h_run(&h, h.now + 30 * MPTCP_S);
  assert_true(ctr(&h, 0, MPTCP_MIB_ZERO_WINDOW_PROBE) >= 5);
  assert_int_equal(stats(h.client).snd_wnd, 0);
  /* the server reads everything; the client's next 20 ms are lost */
  d.blackhole_from = h.now;
  d.blackhole_until = h.now + 20 * MS;
  uint64_t t_read = h.now;
  uint8_t rb[65536];
  size_t got = 0;
  while (h.now < t_read + 5 * MPTCP_S && got < 60000) {
    long r;
    while ((r = mptcp_conn_recv(h.server, rb, sizeof(rb), h.now)) > 0)
      got += (size_t)r;
    h_run(&h, h.now + 1 * MS);
  }
  assert_int_equal(got, 60000);
  /* one RTO (200 ms) and a little slow start, not a persist interval */
  assert_true(h.now < t_read + 1 * MPTCP_S);
  assert_int_equal(stats(h.client).rto_count, 1);
  assert_int_equal(h.closed[0], 0);
  h_free(&h);
}

/* ---- FIN and RST ---- */

static void test_close_both_ways_time_wait(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.time_wait_ns = 2 * MPTCP_S;
  open_pair(&h, &cfg, 5 * MS);
  assert_int_equal(transfer(&h, 10000, h.now + 1 * MPTCP_S), 10000);
  /* transfer() closes both ways: the client closed first */
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_TIME_WAIT);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  assert_true(mptcp_conn_peer_closed(h.server));
  assert_true(mptcp_conn_peer_closed(h.client));
  /* the client's FIN and the server's FIN were each sent once */
  int fins[2] = {0, 0};
  for (size_t i = 0; i < h.nlog; i++)
    if (h.log[i].flags & MPTCP_TH_FIN)
      fins[h.log_from[i]]++;
  assert_int_equal(fins[0], 1);
  assert_int_equal(fins[1], 1);
  /* TIME-WAIT lasts time_wait_ns after it began */
  uint64_t t_tw = 0;
  for (size_t i = 0; i < h.nlog; i++)
    if (h.log_from[i] == 0)
      t_tw = h.log_at[i]; /* the ACK of the server's FIN */
  h_run(&h, t_tw + 2 * MPTCP_S - 1);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_TIME_WAIT);
  h_run(&h, t_tw + 2 * MPTCP_S);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  assert_int_equal(mptcp_stack_get_expiry(h.st[0]), MPTCP_TIME_NEVER);
  h_free(&h);
}

/* The server closes first; data still flows the other way meanwhile. */
static void test_half_close_server_first(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.time_wait_ns = 1 * MPTCP_S;
  open_pair(&h, &cfg, 5 * MS);
  assert_int_equal(mptcp_conn_shutdown(h.server, h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_FIN_WAIT2);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSE_WAIT);
  assert_true(mptcp_conn_peer_closed(h.client));
  assert_int_equal(mptcp_conn_send(h.server, (const uint8_t *)"x", 1, h.now), MPTCP_ERR_STATE);
  uint8_t buf[5000], rb[5000];
  fill_pattern(buf, 0, sizeof(buf));
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), 5000);
  assert_int_equal(mptcp_conn_shutdown(h.client, h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(mptcp_conn_recv(h.server, rb, sizeof(rb), h.now), 5000);
  assert_memory_equal(rb, buf, 5000);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_TIME_WAIT);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  h_run(&h, h.now + 2 * MPTCP_S);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  h_free(&h);
}

static void test_abort_sends_rst(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  open_pair(&h, &cfg, 5 * MS);
  uint8_t buf[3000];
  fill_pattern(buf, 0, sizeof(buf));
  mptcp_conn_send(h.client, buf, sizeof(buf), h.now);
  h_run(&h, h.now + 100 * MS);
  size_t mark = h.nlog;
  assert_int_equal(mptcp_conn_abort(h.client, h.now), MPTCP_OK);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_ABORT);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(h.nlog - mark, 1);
  assert_true(h.log[mark].flags & MPTCP_TH_RST);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_RESET);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_ACCEPTED), 1);
  assert_int_equal(mptcp_conn_send(h.client, buf, 1, h.now), MPTCP_ERR_STATE);
  h_free(&h);
}

/* A segment from the client (host A) to the server, hand-built. */
static void to_server(struct harness *h, uint32_t seq, uint32_t ack, uint8_t flags,
                      const uint8_t *payload, size_t plen) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = seq;
  th.ack = ack;
  th.flags = flags;
  th.window = 1000;
  h_inject(h, 1, &th, payload, plen);
}

/* RFC 5961 section 3: RST handling. */
static void test_rfc5961_rst(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  open_pair(&h, &cfg, 5 * MS);
  uint32_t nxt = rcv_nxt_of(&h, 1);  /* server's RCV.NXT */
  uint32_t snxt = rcv_nxt_of(&h, 0); /* server's SND.NXT */
  size_t i = 0;
  /* in the window but not exact: a challenge ACK, the connection lives */
  to_server(&h, nxt + 5000, 0, MPTCP_TH_RST, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_IN_WINDOW), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_CHALLENGE_ACK), 1);
  assert_true(h_pull(&h, 1, &i));
  assert_int_equal(h.log[i].flags, MPTCP_TH_ACK);
  assert_int_equal(h.log[i].ack, nxt);
  assert_int_equal(h.log[i].seq, snxt);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  assert_int_equal(h.closed[1], 0);
  /* outside the window: ignored, no answer */
  to_server(&h, nxt + 0x40000000u, 0, MPTCP_TH_RST, NULL, 0);
  to_server(&h, nxt - 1, 0, MPTCP_TH_RST, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_OUT_WINDOW), 2);
  assert_false(h_pull(&h, 1, NULL));
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  /* exactly RCV.NXT: accepted */
  to_server(&h, nxt, 0, MPTCP_TH_RST, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_ACCEPTED), 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_RESET);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  /* the connection is gone: a further segment meets no socket */
  to_server(&h, nxt, snxt, MPTCP_TH_ACK, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_NO_SOCKET), 1);
  h_free(&h);
}

/* rst_seq_check off (threat A6 experiments): any RST in the window is
 * accepted, as RFC 793 did; outside the window it is still ignored. */
static void test_rst_seq_check_off(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.rst_seq_check = 0;
  open_pair(&h, &cfg, 5 * MS);
  uint32_t nxt = rcv_nxt_of(&h, 1);
  to_server(&h, nxt + 0x40000000u, 0, MPTCP_TH_RST, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_OUT_WINDOW), 1);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  to_server(&h, nxt + 5000, 0, MPTCP_TH_RST, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_IN_WINDOW), 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_CHALLENGE_ACK), 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RST_ACCEPTED), 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_RESET);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  h_free(&h);
}

/* RFC 5961 section 4: a SYN in a synchronized state, whatever its
 * sequence number, gets a challenge ACK and changes nothing. */
static void test_rfc5961_syn_in_established(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  open_pair(&h, &cfg, 5 * MS);
  uint32_t nxt = rcv_nxt_of(&h, 1);
  uint32_t seqs[2] = {nxt + 100, nxt + 0x50000000u};
  for (int k = 0; k < 2; k++) {
    to_server(&h, seqs[k], 0, MPTCP_TH_SYN, NULL, 0);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYN_IN_SYNCED), (uint64_t)k + 1);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_CHALLENGE_ACK), (uint64_t)k + 1);
    size_t i = 0;
    assert_true(h_pull(&h, 1, &i));
    assert_int_equal(h.log[i].flags, MPTCP_TH_ACK);
    assert_int_equal(h.log[i].ack, nxt);
    assert_false(h_pull(&h, 1, NULL));
  }
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  assert_int_equal(h.closed[1], 0);
  /* and the connection still works */
  assert_int_equal(transfer(&h, 10000, h.now + 2 * MPTCP_S), 10000);
  h_free(&h);
}

/* RFC 5961 section 5.2: an ACK of data never sent is answered with an
 * ACK and the segment dropped; RFC 9293: data outside the window is
 * dropped and counted. */
static void test_ack_too_new_and_data_outside_window(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.rcvbuf = 64 * 1024;
  open_pair(&h, &cfg, 5 * MS);
  uint32_t nxt = rcv_nxt_of(&h, 1);
  uint32_t snxt = rcv_nxt_of(&h, 0);
  uint8_t d[100];
  fill_pattern(d, 0, sizeof(d));
  size_t i = 0;
  /* ACK too new, carrying data at RCV.NXT */
  to_server(&h, nxt, snxt + 5000, MPTCP_TH_ACK, d, sizeof(d));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_ACK_TOO_NEW), 1);
  assert_true(h_pull(&h, 1, &i));
  assert_int_equal(h.log[i].ack, nxt); /* the data was not taken */
  assert_int_equal(h.log_plen[i], 0);
  assert_int_equal(stats(h.server).bytes_received, 0);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  /* data beyond the window (64 KiB): dropped, counted, ACKed */
  to_server(&h, nxt + 70000, snxt, MPTCP_TH_ACK, d, sizeof(d));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_OUT_OF_WINDOW), 1);
  assert_true(h_pull(&h, 1, &i));
  assert_int_equal(h.log[i].ack, nxt);
  assert_int_equal(stats(h.server).ooo_bytes, 0);
  /* data straddling the right edge (RCV.NXT + 64 KiB): trimmed, the
   * excess counted, the rest queued out of order */
  to_server(&h, nxt + 65536 - 50, snxt, MPTCP_TH_ACK, d, sizeof(d));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_BEYOND_WINDOW), 50);
  assert_int_equal(stats(h.server).ooo_bytes, 50);
  assert_true(h_pull(&h, 1, &i));
  assert_true(h.log[i].opts & MPTCP_OPT_SACK);
  assert_int_equal(h.log[i].sack[0].left, nxt + 65536 - 50);
  assert_int_equal(h.log[i].sack[0].right, nxt + 65536);
  /* old data (below RCV.NXT): a duplicate, ACKed */
  to_server(&h, nxt - 100, snxt, MPTCP_TH_ACK, d, sizeof(d));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA), 1);
  assert_true(h_pull(&h, 1, &i));
  assert_int_equal(h.log[i].ack, nxt);
  /* in-window data is still accepted afterwards */
  to_server(&h, nxt, snxt, MPTCP_TH_ACK | MPTCP_TH_PSH, d, sizeof(d));
  assert_int_equal(stats(h.server).bytes_received, 100);
  h_free(&h);
}

/* The client's third ACK is lost and it has nothing to send: the server
 * retransmits its SYN/ACK, the client answers it, the server accepts. */
static void test_synack_retransmitted_when_third_ack_lost(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  struct drops d = {0};
  d.drop_first_ack = 1;
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 500 * MS);
  assert_int_equal(h.connected, 1);
  assert_int_equal(h.accepted, 0);
  h_run(&h, 2 * MPTCP_S);
  assert_int_equal(d.dropped, 1);
  assert_int_equal(h.accepted, 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYN_RETRANS), 1);
  int synacks = 0;
  for (size_t i = 0; i < h.nlog; i++)
    if (h.log[i].flags == (MPTCP_TH_SYN | MPTCP_TH_ACK)) {
      synacks++;
      if (synacks == 2)
        assert_int_equal(h.log_at[i], 5 * MS + 1 * MPTCP_S);
    }
  assert_int_equal(synacks, 2);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  assert_int_equal(transfer(&h, 50000, h.now + 5 * MPTCP_S), 50000);
  h_free(&h);
}

/* Drops the first SYN (without ACK) of host 0, or the first SYN/ACK of
 * host 1, whichever `host` names. */
struct drop_syn {
  int host;
  int dropped;
};

static int drop_first_syn_filter(struct harness *h, struct h_pkt *p, int from) {
  struct drop_syn *d = h->filter_ud;
  mptcp_tcphdr th;
  if (d->dropped || from != d->host || mptcp_tcphdr_decode(&th, p->data, p->len) < 0 ||
      !(th.flags & MPTCP_TH_SYN))
    return 0;
  d->dropped = 1;
  return 1;
}

static mptcp_conn_stats handshake_after_drop(int host, int timestamps, int side) {
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.timestamps = timestamps;
  h_init(&h, &cfg, 5 * MS);
  struct drop_syn d = {.host = host};
  h.filter = drop_first_syn_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 1500 * MS);
  assert_int_equal(d.dropped, 1);
  assert_int_equal(h.connected, 1);
  assert_int_equal(h.accepted, 1);
  mptcp_conn_stats st = stats(side ? h.server : h.client);
  h_free(&h);
  return st;
}

/* A retransmitted SYN or SYN/ACK gives no RTT sample from its send time
 * (Karn's rule), but its timestamp echo does (RFC 7323 section 4.1, as
 * Linux takes it): the connection starts with an RTO from the measured
 * RTT, not the 1 s initial RTO. Without timestamps the RTO restarts at 3 s
 * (RFC 6298 section 5.7). */
static void test_handshake_rtt_after_syn_retransmission(void **state) {
  (void)state;
  uint64_t min_rto = base_cfg().min_rto_ns;
  /* the client's first SYN lost: its SYN/ACK echoes the second SYN's
   * timestamp, 10 ms before */
  mptcp_conn_stats st = handshake_after_drop(0, 1, 0);
  assert_int_equal(st.srtt_ns, 10 * MS);
  assert_int_equal(st.rto_ns, min_rto);
  /* the server's first SYN/ACK lost: the client's SYN, sent again at 1 s,
   * makes the server send it again, and the timer does too; the third ACK
   * echoes the last one's timestamp */
  st = handshake_after_drop(1, 1, 1);
  assert_int_equal(st.srtt_ns, 10 * MS);
  assert_int_equal(st.rto_ns, min_rto);
  /* ... and the client's sample is one round trip too: the server echoes
   * the second SYN's timestamp (RFC 7323 section 4.3), not the first's */
  st = handshake_after_drop(1, 1, 0);
  assert_int_equal(st.srtt_ns, 10 * MS);
  assert_int_equal(st.rto_ns, min_rto);
  /* without timestamps: no sample, 3 s */
  st = handshake_after_drop(0, 0, 0);
  assert_int_equal(st.srtt_ns, 0);
  assert_int_equal(st.rto_ns, 3 * MPTCP_S);
  st = handshake_after_drop(1, 0, 1);
  assert_int_equal(st.srtt_ns, 0);
  assert_int_equal(st.rto_ns, 3 * MPTCP_S);
}

/* Each side's FIN is lost once: it is retransmitted and both close. */
static void test_lost_fins(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.time_wait_ns = 1 * MPTCP_S;
  h_init(&h, &cfg, 5 * MS);
  struct drops d = {0};
  d.drop_fin[0] = d.drop_fin[1] = 1;
  h.filter = drop_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, 100 * MS);
  assert_int_equal(transfer(&h, 30000, h.now + 10 * MPTCP_S), 30000);
  assert_int_equal(d.dropped, 2);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  h_run(&h, h.now + 3 * MPTCP_S);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_CLOSED);
  h_free(&h);
}

/* A FIN retransmitted into TIME-WAIT is ACKed again and restarts it. */
static void test_time_wait_reacks_fin(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.time_wait_ns = 2 * MPTCP_S;
  open_pair(&h, &cfg, 5 * MS);
  assert_int_equal(transfer(&h, 1000, h.now + 1 * MPTCP_S), 1000);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_TIME_WAIT);
  /* find the server's FIN and replay it */
  size_t fi = SIZE_MAX;
  for (size_t i = 0; i < h.nlog; i++)
    if (h.log_from[i] == 1 && (h.log[i].flags & MPTCP_TH_FIN))
      fi = i;
  assert_true(fi != SIZE_MAX);
  h.now += 1 * MPTCP_S;
  mptcp_tcphdr th = h.log[fi];
  th.opts &= ~(uint32_t)MPTCP_OPT_SACK;
  uint64_t t = h.now;
  h_inject(&h, 0, &th, NULL, 0);
  size_t i = 0;
  assert_true(h_pull(&h, 0, &i));
  assert_int_equal(h.log[i].flags, MPTCP_TH_ACK);
  assert_int_equal(h.log[i].ack, th.seq + 1);
  h_advance(&h, t + 2 * MPTCP_S - 1);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_TIME_WAIT);
  h_advance(&h, t + 2 * MPTCP_S);
  assert_int_equal(stats(h.client).state, MPTCP_TCP_CLOSED);
  h_free(&h);
}

/* A corrupted segment is dropped and counted, the connection unharmed. */
static void test_bad_checksum(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  open_pair(&h, &cfg, 5 * MS);
  uint32_t nxt = rcv_nxt_of(&h, 1);
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = nxt;
  th.ack = rcv_nxt_of(&h, 0);
  th.flags = MPTCP_TH_RST; /* would reset the connection if accepted */
  uint8_t buf[64];
  int hl = mptcp_tcphdr_encode(buf, sizeof(buf), &th);
  mptcp_addr src = h.addr[0], dst = h.addr[1];
  uint16_t c = mptcp_tcp_checksum_ipv4(src.ip, dst.ip, buf, (size_t)hl);
  buf[16] = (uint8_t)(c >> 8);
  buf[17] = (uint8_t)(c ^ 0x5a);
  mptcp_stack_read(h.st[1], &src, &dst, buf, (size_t)hl, 0, h.now);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_BAD_CHECKSUM), 1);
  assert_int_equal(stats(h.server).state, MPTCP_TCP_ESTABLISHED);
  /* a truncated header: counted as bad */
  mptcp_stack_read(h.st[1], &src, &dst, buf, 12, 0, h.now);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_BAD_HEADER), 1);
  assert_int_equal(h.closed[1], 0);
  h_free(&h);
}

/* ---- memory ---- */

static void test_memory_back_to_baseline(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  cfg.time_wait_ns = 1 * MPTCP_S;
  cfg.rto_retries = 3;
  h_init(&h, &cfg, 5 * MS);
  uint64_t base[2] = {0, 0};
  struct drops d = {0};
  h.filter = drop_filter;
  h.filter_ud = &d;
  for (int round = 0; round < 4; round++) {
    memset(&d, 0, sizeof(d));
    h.connected = h.accepted = 0;
    h.closed[0] = h.closed[1] = 0;
    h.client = h.server = NULL;
    mptcp_addr l = h.addr[0], r = h.addr[1];
    l.port = (uint16_t)(40000 + round);
    r.port = 5001;
    assert_int_equal(mptcp_connect(h.st[0], &h.client, &l, &r, NULL, &h, h.now), MPTCP_OK);
    d.rel[0] = 1 + 5 * 1448; /* some loss, so the scoreboard is used */
    d.rel[1] = 1 + 30 * 1448;
    d.n = 2;
    h_run(&h, h.now + 100 * MS);
    if (round == 2) {
      /* an aborted connection */
      mptcp_conn_send(h.client, (const uint8_t *)"abc", 3, h.now);
      mptcp_conn_abort(h.client, h.now);
      h_run(&h, h.now + 100 * MS);
    } else if (round == 3) {
      /* one that times out against a black hole */
      d.drop_all_from[0] = d.drop_all_from[1] = 1;
      uint8_t buf[4000];
      fill_pattern(buf, 0, sizeof(buf));
      mptcp_conn_send(h.client, buf, sizeof(buf), h.now);
      h_run(&h, h.now + 60 * MPTCP_S);
      assert_int_equal(h.close_reason[0], MPTCP_CLOSE_TIMEOUT);
      mptcp_conn_abort(h.server, h.now);
    } else {
      assert_int_equal(transfer(&h, 200000, h.now + 10 * MPTCP_S), 200000);
    }
    mptcp_conn_free(h.client);
    mptcp_conn_free(h.server);
    h_run(&h, h.now + 5 * MPTCP_S); /* TIME-WAIT ends, pending RSTs go */
    for (int k = 0; k < 2; k++) {
      if (round == 0)
        base[k] = mptcp_stack_mem_used(h.st[k]);
      else
        assert_int_equal(mptcp_stack_mem_used(h.st[k]), base[k]);
    }
  }
  /* nothing but the stacks' own tables remains */
  for (int k = 0; k < 2; k++)
    assert_true(base[k] < 16384);
  h_free(&h);
}

/* Listeners: an IPv4 and an IPv6 listener on any address share a port;
 * within one family, or with family 0 (any), they overlap. */
static void test_listener_families(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = base_cfg();
  h_init(&h, &cfg, 5 * MS);
  mptcp_stack *st = h.st[0];
  mptcp_addr any4 = {0}, any6 = {0}, one4 = h.addr[0], any = {0};
  any4.family = 4;
  any6.family = 6;
  any4.port = any6.port = one4.port = 80;
  assert_int_equal(mptcp_stack_listen(st, &any4), MPTCP_OK);
  assert_int_equal(mptcp_stack_listen(st, &any6), MPTCP_OK);
  assert_int_equal(mptcp_stack_listen(st, &one4), MPTCP_ERR_ADDR_IN_USE);
  assert_int_equal(mptcp_stack_listen(st, &any6), MPTCP_ERR_ADDR_IN_USE);
  any.port = 80;
  assert_int_equal(mptcp_stack_listen(st, &any), MPTCP_ERR_ADDR_IN_USE);
  any.port = 81;
  assert_int_equal(mptcp_stack_listen(st, &any), MPTCP_OK);
  any6.port = 81;
  assert_int_equal(mptcp_stack_listen(st, &any6), MPTCP_ERR_ADDR_IN_USE);
  any6.port = 80;
  assert_int_equal(mptcp_stack_unlisten(st, &any6), MPTCP_OK);
  assert_int_equal(mptcp_stack_unlisten(st, &any4), MPTCP_OK);
  assert_int_equal(mptcp_stack_listen(st, &one4), MPTCP_OK);
  h_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_handshake_and_transfer),
      cmocka_unit_test(test_handshake_min_mss_and_options),
      cmocka_unit_test(test_handshake_peer_without_options),
      cmocka_unit_test(test_handshake_options_need_both),
      cmocka_unit_test(test_synack_without_mss_option),
      cmocka_unit_test(test_syn_retransmit_backoff_and_timeout),
      cmocka_unit_test(test_handshake_rtt_after_syn_retransmission),
      cmocka_unit_test(test_syn_to_closed_port_refused),
      cmocka_unit_test(test_synack_with_wrong_ack_gets_rst),
      cmocka_unit_test(test_sack_scoreboard_pipe),
      cmocka_unit_test(test_sack_blocks_generated_ts),
      cmocka_unit_test(test_sack_blocks_generated_no_ts),
      cmocka_unit_test(test_three_losses_sack_reno),
      cmocka_unit_test(test_three_losses_sack_cubic),
      cmocka_unit_test(test_three_losses_newreno),
      cmocka_unit_test(test_prr),
      cmocka_unit_test(test_rto_min_clamp_backoff_give_up),
      cmocka_unit_test(test_rto_from_rtt_backoff_give_up),
      cmocka_unit_test(test_rto_min_one_second),
      cmocka_unit_test(test_rto_recovers),
      cmocka_unit_test(test_delayed_ack),
      cmocka_unit_test(test_nagle_switch),
      cmocka_unit_test(test_zero_window),
      cmocka_unit_test(test_zero_window_then_loss),
      cmocka_unit_test(test_close_both_ways_time_wait),
      cmocka_unit_test(test_half_close_server_first),
      cmocka_unit_test(test_abort_sends_rst),
      cmocka_unit_test(test_rfc5961_rst),
      cmocka_unit_test(test_rst_seq_check_off),
      cmocka_unit_test(test_rfc5961_syn_in_established),
      cmocka_unit_test(test_ack_too_new_and_data_outside_window),
      cmocka_unit_test(test_synack_retransmitted_when_third_ack_lost),
      cmocka_unit_test(test_lost_fins),
      cmocka_unit_test(test_time_wait_reacks_fin),
      cmocka_unit_test(test_bad_checksum),
      cmocka_unit_test(test_memory_back_to_baseline),
      cmocka_unit_test(test_listener_families),
  };
  return cmocka_run_group_tests_name("engine.tcp", tests, NULL, NULL);
}
