/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of MPTCP v1 connections (RFC 8684) through the public API:
 * forged or altered segments are rejected and counted, each by its own
 * test, and a connection with two subflows closes cleanly with DATA_FINs.
 *
 * Segments are forged by hand with mptcp_tcphdr_encode() (tcp_harness.h's
 * h_inject) or altered in flight by a harness filter. The keys come from
 * the harness's log of headers: the MP_CAPABLE SYN/ACK carries the
 * server's key, the third ACK the client's; tokens, IDSNs and HMACs are
 * computed from them with mptcp_key_token_idsn() and mptcp_join_hmac().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "tcp_harness.h"

#define MS MPTCP_MS

static mptcp_config mp_cfg(void) {
  mptcp_config c;
  mptcp_config_default(&c);
  c.cc = "reno";
  c.sndbuf = c.rcvbuf = 1u << 20;
  c.mptcp = 1;
  c.pm = "default";
  return c;
}

static uint64_t ctr(struct harness *h, int host, int id) {
  return mptcp_stack_counter(h->st[host], id);
}

static int sf_state(mptcp_conn *c, int i) {
  mptcp_conn_stats st;
  assert_int_equal(mptcp_conn_get_subflow_stats(c, i, &st, NULL, NULL), MPTCP_OK);
  return st.state;
}

/* The keys of the connection, from the log of headers. */
struct keys {
  uint64_t client, server;
  uint32_t client_token, server_token;
  uint64_t client_idsn, server_idsn;
  uint32_t client_seq, server_seq; /* next wire sequence after the handshake */
};

static void find_keys(struct harness *h, struct keys *k) {
  memset(k, 0, sizeof(*k));
  for (size_t i = 0; i < h->nlog; i++) {
    const mptcp_tcphdr *t = &h->log[i];
    if (!(t->opts & MPTCP_OPT_MP_CAPABLE))
      continue;
    if (h->log_from[i] == 1 && (t->flags & MPTCP_TH_SYN) && t->mpc.len == MPTCP_MPC_LEN_SYNACK) {
      k->server = t->mpc.sender_key;
      k->server_seq = t->seq + 1;
    }
    if (h->log_from[i] == 0 && !(t->flags & MPTCP_TH_SYN) && t->mpc.len >= MPTCP_MPC_LEN_ACK &&
        !k->client) {
      k->client = t->mpc.sender_key;
      k->client_seq = t->seq;
      assert_true(t->mpc.receiver_key == k->server); /* it echoes both keys */
    }
  }
  assert_true(k->client != 0 && k->server != 0);
  mptcp_key_token_idsn(k->client, &k->client_token, &k->client_idsn);
  mptcp_key_token_idsn(k->server, &k->server_token, &k->server_idsn);
}

/* An MPTCP connection, established and fully established (a DSS has gone
 * both ways), with nothing in flight. */
static void mp_connect(struct harness *h, const mptcp_config *ca, const mptcp_config *cb,
                       struct keys *k) {
  h_init2(h, ca, cb, 5 * MS);
  assert_int_equal(h_connect(h, NULL), MPTCP_OK);
  h_run(h, h->now + 200 * MS);
  assert_int_equal(h->connected, 1);
  assert_int_equal(h->accepted, 1);
  assert_true(mptcp_conn_is_mptcp(h->client));
  assert_true(mptcp_conn_is_mptcp(h->server));
  if (k)
    find_keys(h, k);
}

/* Sends n bytes each way (pattern), reads them; returns bytes verified
 * at each end added together (2n when all is well). */
static size_t exchange(struct harness *h, size_t n, uint64_t limit) {
  uint8_t buf[65536];
  size_t sent[2] = {0, 0}, got[2] = {0, 0}, bad = 0;
  while (h->now < limit && (got[0] < n || got[1] < n)) {
    mptcp_conn *c[2] = {h->client, h->server};
    for (int s = 0; s < 2; s++) {
      if (!c[s])
        continue;
      while (sent[s] < n) {
        size_t len = n - sent[s] < sizeof(buf) ? n - sent[s] : sizeof(buf);
        for (size_t i = 0; i < len; i++)
          buf[i] = (uint8_t)((sent[s] + i) % 251 + s);
        long w = mptcp_conn_send(c[s], buf, len, h->now);
        if (w <= 0)
          break;
        sent[s] += (size_t)w;
      }
      long r;
      while ((r = mptcp_conn_recv(c[s], buf, sizeof(buf), h->now)) > 0) {
        for (long i = 0; i < r; i++)
          if (buf[i] != (uint8_t)((got[s] + (size_t)i) % 251 + !s))
            bad++;
        got[s] += (size_t)r;
      }
    }
    h_run(h, h->now + 1 * MS);
  }
  h_run(h, h->now + 100 * MS);
  return bad ? 0 : got[0] + got[1];
}

/* A connection with two subflows between the same addresses (ndiffports),
 * 1000 bytes exchanged each way; `cb` is the server's configuration. */
static void two_subflows(struct harness *h, const mptcp_config *cb) {
  mptcp_config ca = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  h_init2(h, &ca, cb, 5 * MS);
  assert_int_equal(h_connect(h, NULL), MPTCP_OK);
  h_run(h, h->now + 100 * MS);
  assert_int_equal(exchange(h, 1000, h->now + 2 * MPTCP_S), 2000);
  h_run(h, h->now + 500 * MS);
  assert_int_equal(mptcp_conn_subflow_count(h->client), 2);
}

/* Re-encodes a packet after its header was changed (payload kept, TCP
 * checksum recomputed), as a middlebox would. */
static void reencode(struct h_pkt *p, mptcp_tcphdr *th, size_t old_hl) {
  uint8_t pl[2048];
  size_t plen = p->len - old_hl;
  memcpy(pl, p->data + old_hl, plen);
  th->csum = 0;
  int hl = mptcp_tcphdr_encode(p->data, sizeof(p->data), th);
  assert_true(hl > 0);
  memcpy(p->data + hl, pl, plen);
  p->len = (size_t)hl + plen;
  uint16_t c = mptcp_tcp_checksum_ipv4(p->src.ip, p->dst.ip, p->data, p->len);
  p->data[16] = (uint8_t)(c >> 8);
  p->data[17] = (uint8_t)c;
}

/* Number of RSTs host `from` sent from local port `port` (0: any). */
static int rsts_from(struct harness *h, int from, uint16_t port) {
  int n = 0;
  for (size_t i = 0; i < h->nlog; i++)
    if (h->log_from[i] == from && (h->log[i].flags & MPTCP_TH_RST) &&
        (!port || h->log[i].sport == port))
      n++;
  return n;
}

/* Number of RSTs host `from` sent on the subflow whose client port is
 * `port`. */
static int rsts_on(struct harness *h, int from, uint16_t port) {
  int n = 0;
  for (size_t i = 0; i < h->nlog; i++)
    if (h->log_from[i] == from && (h->log[i].flags & MPTCP_TH_RST) &&
        (from ? h->log[i].dport : h->log[i].sport) == port)
      n++;
  return n;
}

/* A forged MP_JOIN SYN from the client's address, port `port`. */
static void inject_join_syn(struct harness *h, uint16_t port, uint32_t token, uint32_t nonce) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = port;
  th.dport = 5001;
  th.seq = 0x1000u * port;
  th.flags = MPTCP_TH_SYN;
  th.window = 65535;
  th.opts = MPTCP_OPT_MSS | MPTCP_OPT_MP_JOIN;
  th.mss = 1448;
  th.join.len = MPTCP_JOIN_LEN_SYN;
  th.join.token = token;
  th.join.nonce = nonce;
  th.join.addr_id = 1;
  h_inject(h, 1, &th, NULL, 0);
}

/* ---- MP_JOIN ---- */

static void test_join_unknown_token(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  h_pull_all(&h, 1);
  size_t before = h.nlog;
  inject_join_syn(&h, 41000, k.server_token ^ 0x5a5a5a5au, 7);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_SYN_RX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_NO_TOKEN), 1);
  /* RFC 8684 section 3.2: answered with a reset */
  size_t idx = 0;
  assert_int_equal(h_pull(&h, 1, &idx), 1);
  assert_true(idx >= before);
  assert_true(h.log[idx].flags & MPTCP_TH_RST);
  assert_int_equal(h.log[idx].dport, 41000);
  assert_int_equal(h.log[idx].ack, 0x1000u * 41000 + 1);
  /* section 3.6: MP_TCPRST, reason 0x01 "MPTCP-specific error", T unset */
  assert_true(h.log[idx].opts & MPTCP_OPT_MP_TCPRST);
  assert_int_equal(h.log[idx].tcprst.reason, MPTCP_RST_EMPTCP);
  assert_int_equal(h.log[idx].tcprst.flags, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_RST_TX), 1);
  /* the real connection is unharmed */
  assert_int_equal(mptcp_conn_subflow_count(h.server), 1);
  assert_int_equal(exchange(&h, 100000, h.now + 10 * MPTCP_S), 200000);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* Alters the MP_JOIN HMAC of the first matching segment from `from`. */
struct hmac_tamper {
  int from;
  int synack; /* 1: SYN/ACK's truncated HMAC-B; 0: third ACK's HMAC-A */
  int done;
  uint16_t port; /* the joining subflow's port on the client */
};

static int tamper_filter(struct harness *h, struct h_pkt *p, int from) {
  struct hmac_tamper *t = h->filter_ud;
  if (t->done || from != t->from)
    return 0;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  assert_true(hl > 0);
  if (!(th.opts & MPTCP_OPT_MP_JOIN))
    return 0;
  if (t->synack && th.join.len == MPTCP_JOIN_LEN_SYNACK) {
    th.join.thmac ^= 1;
    t->port = th.dport;
  } else if (!t->synack && th.join.len == MPTCP_JOIN_LEN_ACK) {
    th.join.hmac[7] ^= 0x80;
    t->port = th.sport;
  } else {
    return 0;
  }
  reencode(p, &th, (size_t)hl);
  t->done = 1;
  return 0;
}

static void join_bad_hmac(int synack) {
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  struct hmac_tamper t = {.from = synack ? 1 : 0, .synack = synack};
  h_init2(&h, &ca, &cb, 5 * MS);
  h.filter = tamper_filter;
  h.filter_ud = &t;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(h.accepted, 1);
  /* the join starts once the connection is fully established: a DSS from
   * the server (here with its first data) */
  assert_int_equal(exchange(&h, 50000, h.now + 5 * MPTCP_S), 100000);
  h_run(&h, h.now + 3 * MPTCP_S);
  assert_true(t.done);
  int checker = synack ? 0 : 1; /* the host that verifies this HMAC */
  assert_int_equal(ctr(&h, checker, MPTCP_MIB_JOIN_BAD_HMAC), 1);
  assert_int_equal(ctr(&h, !checker, MPTCP_MIB_JOIN_BAD_HMAC), 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_OK) + ctr(&h, 1, MPTCP_MIB_JOIN_OK), 0);
  /* the checker reset that subflow, and only it */
  assert_true(rsts_on(&h, checker, t.port) >= 1);
  assert_true(ctr(&h, checker, MPTCP_MIB_MP_RST_TX) >= 1); /* reason EMPTCP */
  assert_true(ctr(&h, !checker, MPTCP_MIB_MP_RST_RX) >= 1);
  assert_int_equal(rsts_on(&h, 0, 40000) + rsts_on(&h, 1, 40000), 0);
  mptcp_conn *cc = checker ? h.server : h.client;
  assert_int_equal(mptcp_conn_subflow_count(cc), 2);
  assert_int_equal(sf_state(cc, 1), MPTCP_TCP_CLOSED);
  assert_int_equal(sf_state(h.client, 0), MPTCP_TCP_ESTABLISHED);
  assert_int_equal(sf_state(h.server, 0), MPTCP_TCP_ESTABLISHED);
  /* the connection is unharmed: still MPTCP, data flows on the initial
   * subflow, nobody closed */
  assert_true(mptcp_conn_is_mptcp(h.client) && mptcp_conn_is_mptcp(h.server));
  mptcp_conn_stats st0;
  mptcp_conn_get_subflow_stats(h.client, 0, &st0, NULL, NULL);
  assert_int_equal(exchange(&h, 300000, h.now + 20 * MPTCP_S), 600000);
  mptcp_conn_stats st1;
  mptcp_conn_get_subflow_stats(h.client, 0, &st1, NULL, NULL);
  assert_true(st1.bytes_sent >= st0.bytes_sent + 300000);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

static void test_join_synack_bad_hmac(void **state) {
  (void)state;
  join_bad_hmac(1);
}

static void test_join_third_ack_bad_hmac(void **state) {
  (void)state;
  join_bad_hmac(0);
}

/* A join beyond max_subflows is refused with MP_TCPRST "administratively
 * prohibited" (RFC 8684 section 3.6), T unset: the policy stays. */
static void test_join_max_subflows_rst_reason(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.max_subflows = 2;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  h_pull_all(&h, 1);
  inject_join_syn(&h, 43000, k.server_token, 11);
  size_t idx = 0;
  assert_int_equal(h_pull(&h, 1, &idx), 1); /* accepted: a SYN/ACK */
  assert_int_equal(h.log[idx].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  inject_join_syn(&h, 43001, k.server_token, 12);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 1);
  assert_int_equal(h_pull(&h, 1, &idx), 1);
  assert_true(h.log[idx].flags & MPTCP_TH_RST);
  assert_int_equal(h.log[idx].dport, 43001);
  assert_int_equal(h.log[idx].ack, 0x1000u * 43001 + 1);
  assert_true(h.log[idx].opts & MPTCP_OPT_MP_TCPRST);
  assert_int_equal(h.log[idx].tcprst.reason, MPTCP_RST_EPROHIBIT);
  assert_int_equal(h.log[idx].tcprst.flags, 0);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  assert_int_equal(h.closed[1], 0);
  h_free(&h);
}

static void test_join_half_open_limit(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.syn_retries = 1; /* half-open joins give up after 1 s + 2 s */
  cfg.syn_cookies = 0; /* refused, not answered with a cookie */
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  h_pull_all(&h, 1);
  assert_int_equal(cfg.max_half_open_joins, 4);
  for (uint16_t i = 0; i < 4; i++) {
    inject_join_syn(&h, (uint16_t)(42000 + i), k.server_token, 100u + i);
    size_t idx = 0;
    assert_int_equal(h_pull(&h, 1, &idx), 1); /* a SYN/ACK with MP_JOIN */
    assert_int_equal(h.log[idx].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
    assert_true(h.log[idx].opts & MPTCP_OPT_MP_JOIN);
  }
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 0);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 5);
  /* a fifth half-open join is refused with a reset and counted */
  inject_join_syn(&h, 42010, k.server_token, 200);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 1);
  size_t idx = 0;
  assert_int_equal(h_pull(&h, 1, &idx), 1);
  assert_true(h.log[idx].flags & MPTCP_TH_RST);
  assert_int_equal(h.log[idx].dport, 42010);
  /* section 3.6: MP_TCPRST "lack of resources", transient (T set) */
  assert_true(h.log[idx].opts & MPTCP_OPT_MP_TCPRST);
  assert_int_equal(h.log[idx].tcprst.reason, MPTCP_RST_ERESOURCE);
  assert_int_equal(h.log[idx].tcprst.flags, MPTCP_RST_FLAG_T);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 5);
  /* the four time out (nobody completes them); their slots are free
   * again: a new join is accepted */
  for (int step = 0; step < 100; step++) { /* SYN/ACKs sent into the void */
    h_advance(&h, h.now + 100 * MS);
    h_pull_all(&h, 1);
  }
  for (int i = 1; i < 5; i++)
    assert_int_equal(sf_state(h.server, i), MPTCP_TCP_CLOSED);
  inject_join_syn(&h, 42020, k.server_token, 300);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 1);
  assert_int_equal(h_pull(&h, 1, &idx), 1);
  assert_int_equal(h.log[idx].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(h.closed[1], 0);
  h_free(&h);
}

/* RFC 8684 section 3.6 (join_retry_ns): the client's join is refused as
 * transient (the server's one half-open slot is taken by a forged join
 * that nobody completes); with join_retry_ns it is opened again after
 * 0.5 s, 1 s, 2 s, and the try after the forged one timed out (1 s + 2 s
 * of SYN/ACKs into the void) is accepted; without it the subflow is never
 * opened again. */
/* Drops what the server sends to the forged join's port: its SYN/ACKs go
 * into the void, as a spoofed source's would. */
static int drop_to_port_filter(struct harness *h, struct h_pkt *p, int from) {
  mptcp_tcphdr th;
  return from == 1 && mptcp_tcphdr_decode(&th, p->data, p->len) >= 0 &&
         th.dport == *(uint16_t *)h->filter_ud;
}

static void join_retry(uint64_t retry_ns, int cookies) {
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "fullmesh";
  ca.join_retry_ns = retry_ns;
  cb.max_half_open_joins = 1;
  cb.syn_retries = 1;
  cb.syn_cookies = (uint8_t)cookies;
  struct keys k;
  mp_connect(&h, &ca, &cb, &k);
  /* fully established (a DSS from the server): the path manager works */
  assert_int_equal(exchange(&h, 1000, h.now + 2 * MPTCP_S), 2000);
  uint16_t forged_port = 42000;
  h.filter = drop_to_port_filter;
  h.filter_ud = &forged_port;
  inject_join_syn(&h, forged_port, k.server_token, 100);
  uint64_t t0 = h.now;
  mptcp_addr x = h.addr[0];
  x.port = 0;
  x.ip[3] = 9; /* the client's second address */
  assert_int_equal(mptcp_stack_add_address(h.st[0], &x), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), cookies ? 0 : 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_RETRY), 0);
  uint64_t joined = 0;
  while (h.now < t0 + 10 * MPTCP_S && !joined) {
    h_run(&h, h.now + 10 * MS);
    for (int i = 1; i < mptcp_conn_subflow_count(h.client); i++)
      if (sf_state(h.client, i) == MPTCP_TCP_ESTABLISHED)
        joined = h.now - t0;
  }
  if (cookies) {
    /* the slot is held, but the join is answered with a SYN cookie and
     * completes at its third ACK: within the 100 ms run above */
    assert_true(joined > 0 && joined <= 110 * MS);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_SENT), 1);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_RECV), 1);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_FAILED), 0);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_OK), 1);
    assert_int_equal(mptcp_conn_subflow_count(h.server), 3); /* with the forged one */
    assert_int_equal(exchange(&h, 50000, h.now + 5 * MPTCP_S), 100000);
  } else if (!retry_ns) {
    assert_int_equal(joined, 0);
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_RETRY), 0);
    assert_int_equal(mptcp_conn_subflow_count(h.client), 2); /* the refused one */
  } else {
    /* refused at 0, retried at 0.5 s and 1.5 s (the slot still held),
     * then at 3.5 s: accepted */
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_RETRY), 3);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 3);
    assert_true(joined >= 3500 * MS && joined < 3700 * MS);
    assert_int_equal(exchange(&h, 50000, h.now + 5 * MPTCP_S), 100000);
  }
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

static void test_join_retry_transient(void **state) {
  (void)state;
  join_retry(500 * MS, 0);
}

static void test_join_retry_off(void **state) {
  (void)state;
  join_retry(0, 0);
}

/* syn_cookies: the join beyond max_half_open_joins completes statelessly */
static void test_join_syn_cookie(void **state) {
  (void)state;
  join_retry(0, 1);
}

/* ---- connection-level window ---- */

static void test_dsn_beyond_window(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.rcvbuf = 64 * 1024;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  /* data on the initial subflow, in its TCP window, whose DSN lies past
   * the connection's window: DATA_ACK + 64 KiB */
  uint8_t pl[100];
  memset(pl, 0xab, sizeof(pl));
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = k.client_seq;
  th.ack = k.server_seq;
  th.flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
  th.window = 1000;
  th.opts = MPTCP_OPT_DSS;
  th.dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
  th.dss.data_ack = k.server_idsn + 1;
  th.dss.dsn = k.client_idsn + 1 + cfg.rcvbuf + 1000;
  th.dss.ssn = 1;
  th.dss.dll = sizeof(pl);
  h_inject(&h, 1, &th, pl, sizeof(pl));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSN_BEYOND_WINDOW), 1);
  uint8_t buf[256];
  assert_int_equal(mptcp_conn_recv(h.server, buf, sizeof(buf), h.now), 0);
  /* the same bytes just inside the window are taken (out of order) */
  th.dss.dsn = k.client_idsn + 1 + cfg.rcvbuf - sizeof(pl);
  h_inject(&h, 1, &th, pl, sizeof(pl));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSN_BEYOND_WINDOW), 1);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.server, &st);
  assert_int_equal(st.ooo_bytes, sizeof(pl));
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* The connection's window as the sender counts it: the right edge the
 * receiver announced with its latest Data ACK, whichever subflow carried
 * it. Two subflows, a 64 KiB receive buffer the application leaves full
 * for a while: the window the first subflow last saw came with an older
 * Data ACK; counted from the newest one it overshot the edge, and the
 * receiver dropped what lay beyond (found against Linux, which drops it
 * after acknowledging it at the subflow level). */
static void test_window_edge_from_latest_data_ack(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  mptcp_config cb = mp_cfg();
  cb.rcvbuf = 64 * 1024;
  mp_connect(&h, &ca, &cb, NULL);
  static uint8_t buf[65536];
  const size_t n = 1u << 20;
  size_t sent = 0, got = 0, bad = 0;
  uint64_t start = h.now;
  while (h.now < start + 20000 * MS && got < n) {
    while (sent < n) {
      size_t len = n - sent < sizeof(buf) ? n - sent : sizeof(buf);
      for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)((sent + i) % 251);
      long w = mptcp_conn_send(h.client, buf, len, h.now);
      if (w <= 0)
        break;
      sent += (size_t)w;
    }
    /* the application reads in bursts: full windows, then reopenings */
    if ((h.now - start) / (50 * MS) % 4 == 3) {
      long r;
      while ((r = mptcp_conn_recv(h.server, buf, 4096, h.now)) > 0) {
        for (long i = 0; i < r; i++)
          if (buf[i] != (uint8_t)((got + (size_t)i) % 251))
            bad++;
        got += (size_t)r;
      }
    }
    h_run(&h, h.now + 1 * MS);
  }
  assert_int_equal(bad, 0);
  assert_int_equal(got, n);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  for (int i = 0; i < 2; i++) {
    mptcp_conn_stats st;
    mptcp_conn_get_subflow_stats(h.client, i, &st, NULL, NULL);
    assert_true(st.bytes_sent > 0);
  }
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSN_BEYOND_WINDOW), 0);
  h_free(&h);
}

/* ---- MP_CAPABLE ---- */

static int bad_key_filter(struct harness *h, struct h_pkt *p, int from) {
  int *done = h->filter_ud;
  if (*done || from != 0)
    return 0;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (hl < 0 || (th.flags & MPTCP_TH_SYN) || !(th.opts & MPTCP_OPT_MP_CAPABLE) ||
      th.mpc.len < MPTCP_MPC_LEN_ACK)
    return 0;
  th.mpc.receiver_key ^= 0x100; /* echo a key the server never sent */
  reencode(p, &th, (size_t)hl);
  *done = 1;
  return 0;
}

static void test_mpc_third_ack_wrong_key(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  int done = 0;
  h_init(&h, &cfg, 5 * MS);
  h.filter = bad_key_filter;
  h.filter_ud = &done;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_true(done);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MPC_BAD_KEY), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_CAPABLE_ACTIVE), 0);
  /* refused: the server resets and never accepts the connection */
  assert_int_equal(h.accepted, 0);
  assert_true(rsts_from(&h, 1, 5001) >= 1);
  h_run(&h, h.now + 1 * MPTCP_S);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_RESET);
  h_free(&h);
}

/* A middlebox flips bits of the byte at offset off of segment p and fixes
 * the TCP checksum, so only a DSS checksum can tell. */
static void alter_byte(struct h_pkt *p, size_t off, uint8_t mask) {
  p->data[off] ^= mask;
  p->data[16] = p->data[17] = 0;
  uint16_t c = mptcp_tcp_checksum_ipv4(p->src.ip, p->dst.ip, p->data, p->len);
  p->data[16] = (uint8_t)(c >> 8);
  p->data[17] = (uint8_t)c;
}

/* ---- DSS checksum ---- */

static int flip_payload_filter(struct harness *h, struct h_pkt *p, int from) {
  int *n = h->filter_ud;
  if (from != 0 || *n >= 2)
    return 0;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (hl < 0 || p->len == (size_t)hl || !(th.opts & MPTCP_OPT_DSS) ||
      !(th.dss.flags & MPTCP_DSS_MAP))
    return 0;
  if (++*n != 2) /* the second mapped data segment */
    return 0;
  alter_byte(p, (size_t)hl + 10, 0x01); /* one payload byte */
  return 0;
}

static void test_dss_checksum_mismatch(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.dss_checksum = 1;
  int n = 0;
  mp_connect(&h, &cfg, &cfg, NULL);
  h.filter = flip_payload_filter;
  h.filter_ud = &n;
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSS_CSUM_BAD), 0);
  /* the altered segment is dropped and counted; its retransmission is
   * clean, so every byte arrives intact */
  assert_int_equal(exchange(&h, 200000, h.now + 20 * MPTCP_S), 400000);
  assert_int_equal(n, 2);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSS_CSUM_BAD), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_DSS_CSUM_BAD), 0);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* The infinite mapping (RFC 8684 section 3.7): the client's second mapped
 * data segment is altered on the only subflow. The server drops it and
 * sends MP_FAIL with the DSN of the start of its mapping; the client
 * answers with a DSS of data-level length 0 on its next data segment and
 * both ends fall back to TCP; the stream stays byte-exact both ways and
 * closes with FINs. */
struct alter_one {
  int n;        /* mapped data segments of the client seen */
  uint64_t dsn; /* DSN of the altered one */
};

static int alter_second_filter(struct harness *h, struct h_pkt *p, int from) {
  struct alter_one *a = h->filter_ud;
  if (from != 0 || a->n >= 2)
    return 0;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (hl < 0 || p->len == (size_t)hl || !(th.opts & MPTCP_OPT_DSS) ||
      !(th.dss.flags & MPTCP_DSS_MAP) || !th.dss.dll)
    return 0;
  if (++a->n != 2)
    return 0;
  a->dsn = th.dss.dsn;
  alter_byte(p, (size_t)hl + 10, 0x01);
  return 0;
}

static void test_dss_checksum_infinite_fallback(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.dss_checksum = 1;
  struct alter_one a = {0, 0};
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  size_t log_start = h.nlog;
  h.filter = alter_second_filter;
  h.filter_ud = &a;
  assert_int_equal(exchange(&h, 300000, h.now + 20 * MPTCP_S), 600000);
  assert_int_equal(a.n, 2);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSS_CSUM_BAD), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_FAIL_TX), 1);
  assert_true(ctr(&h, 0, MPTCP_MIB_MP_FAIL_RX) >= 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_INFINITE_MAP_TX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_INFINITE_MAP_RX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_INFINITE_MAP_TX), 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_FALLBACK), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_FALLBACK), 1);
  assert_false(mptcp_conn_is_mptcp(h.client));
  assert_false(mptcp_conn_is_mptcp(h.server));

  /* on the wire: the server's MP_FAIL names the altered mapping; the
   * client's infinite mapping follows it; after that the client maps no
   * data, and the server's last MPTCP option precedes the client's */
  size_t fail_at = 0, inf_at = 0, last_mp[2] = {0, 0};
  for (size_t i = log_start; i < h.nlog; i++) {
    const mptcp_tcphdr *t = &h.log[i];
    int from = h.log_from[i];
    if (t->opts & MPTCP_OPT_ANY_MPTCP)
      last_mp[from] = i;
    if (from == 1 && (t->opts & MPTCP_OPT_MP_FAIL) && !fail_at) {
      assert_true(t->fail.dsn == a.dsn);
      fail_at = i;
    }
    if (from == 0 && (t->opts & MPTCP_OPT_DSS) && (t->dss.flags & MPTCP_DSS_MAP)) {
      if (t->dss.dll == 0) {
        assert_true(h.log_plen[i] > 0); /* it rides on data */
        if (!inf_at)
          inf_at = i;
        /* its DSN and subflow sequence are those of the data it carries */
        assert_true(t->dss.dsn - k.client_idsn == (uint64_t)(t->seq - k.client_seq) + 1);
      } else {
        assert_int_equal(inf_at, 0); /* no mapping after the infinite one */
      }
    }
  }
  assert_true(fail_at > 0);
  assert_true(inf_at > fail_at);
  assert_true(last_mp[1] < last_mp[0]);

  /* a plain TCP close: FINs, no DATA_FIN */
  assert_int_equal(mptcp_conn_shutdown(h.client, h.now), MPTCP_OK);
  assert_int_equal(mptcp_conn_shutdown(h.server, h.now), MPTCP_OK);
  size_t close_start = h.nlog;
  h_run(&h, h.now + 5 * MPTCP_S);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  int fins = 0;
  for (size_t i = close_start; i < h.nlog; i++) {
    assert_false(h.log[i].opts & MPTCP_OPT_ANY_MPTCP);
    if (h.log[i].flags & MPTCP_TH_FIN)
      fins++;
  }
  assert_true(fins >= 2);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_DATA_FIN_RX) + ctr(&h, 1, MPTCP_MIB_DATA_FIN_RX), 0);
  h_free(&h);
}

/* ---- DATA_FIN ---- */

static void data_fin_close(int server_first) {
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  ca.time_wait_ns = cb.time_wait_ns = 2 * MPTCP_S;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(h.accepted, 1);
  assert_int_equal(exchange(&h, 400000, h.now + 20 * MPTCP_S), 800000);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  for (int i = 0; i < 2; i++) { /* both subflows carried data */
    mptcp_conn_stats st;
    mptcp_conn_get_subflow_stats(h.client, i, &st, NULL, NULL);
    assert_true(st.bytes_sent > 0);
  }
  mptcp_conn *first = server_first ? h.server : h.client;
  mptcp_conn *second = server_first ? h.client : h.server;
  assert_int_equal(mptcp_conn_shutdown(first, h.now), MPTCP_OK);
  h_run(&h, h.now + 500 * MS);
  /* a half close: the DATA_FIN arrived, the subflows stay open */
  assert_true(mptcp_conn_peer_closed(second));
  assert_false(mptcp_conn_peer_closed(first));
  assert_int_equal(ctr(&h, server_first ? 0 : 1, MPTCP_MIB_DATA_FIN_RX), 1);
  for (int i = 0; i < 2; i++)
    assert_int_equal(sf_state(second, i), MPTCP_TCP_ESTABLISHED);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  /* the other way: data still flows after the first DATA_FIN */
  uint8_t b[1000];
  memset(b, 7, sizeof(b));
  assert_int_equal(mptcp_conn_send(second, b, sizeof(b), h.now), sizeof(b));
  assert_int_equal(mptcp_conn_shutdown(second, h.now), MPTCP_OK);
  h_run(&h, h.now + 1 * MPTCP_S);
  uint8_t r[2000];
  assert_int_equal(mptcp_conn_recv(first, r, sizeof(r), h.now), sizeof(b));
  assert_true(mptcp_conn_peer_closed(first));
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_DATA_FIN_RX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DATA_FIN_RX), 1);
  /* every subflow closed with FIN: TIME-WAIT or CLOSED; the closed
   * callback ran once on each side, NORMAL */
  for (int i = 0; i < 2; i++) {
    int s0 = sf_state(h.client, i), s1 = sf_state(h.server, i);
    assert_true(s0 == MPTCP_TCP_TIME_WAIT || s0 == MPTCP_TCP_CLOSED);
    assert_true(s1 == MPTCP_TCP_TIME_WAIT || s1 == MPTCP_TCP_CLOSED);
  }
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  assert_int_equal(rsts_from(&h, 0, 0) + rsts_from(&h, 1, 0), 0);
  h_run(&h, h.now + 5 * MPTCP_S); /* TIME-WAIT ends */
  for (int i = 0; i < 2; i++) {
    assert_int_equal(sf_state(h.client, i), MPTCP_TCP_CLOSED);
    assert_int_equal(sf_state(h.server, i), MPTCP_TCP_CLOSED);
  }
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

static void test_data_fin_client_first(void **state) {
  (void)state;
  data_fin_close(0);
}

static void test_data_fin_server_first(void **state) {
  (void)state;
  data_fin_close(1);
}

/* ---- a path that fails (RFC 8684 section 3.3.6) ---- */

/* Drops, in both directions, every segment of the subflow whose client
 * port is in filter_ud. */
static int dead_path_filter(struct harness *h, struct h_pkt *p, int from) {
  (void)from;
  uint16_t port = *(const uint16_t *)h->filter_ud;
  uint16_t sport = (uint16_t)(p->data[0] << 8 | p->data[1]);
  uint16_t dport = (uint16_t)(p->data[2] << 8 | p->data[3]);
  return sport == port || dport == port;
}

static void test_dead_subflow_reinjected(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(h.accepted, 1);
  /* a little data both ways: the connection becomes fully established
   * and the path manager adds the second subflow */
  assert_int_equal(exchange(&h, 1000, h.now + 1 * MPTCP_S), 2000);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_ESTABLISHED);
  mptcp_addr local;
  assert_int_equal(mptcp_conn_get_subflow_stats(h.client, 1, NULL, &local, NULL), MPTCP_OK);
  uint16_t port = local.port;
  /* the second subflow's path goes down before any data: what the
   * scheduler puts on it never arrives */
  h.filter = dead_path_filter;
  h.filter_ud = &port;
  assert_int_equal(exchange(&h, 300000, h.now + 60 * MPTCP_S), 600000);
  /* its data went elsewhere at the first timeout; at the second in a row
   * (200 ms, then 400 ms backed off) it is stale */
  h_run(&h, h.now + 1 * MPTCP_S);
  for (int host = 0; host < 2; host++) {
    assert_true(ctr(&h, host, MPTCP_MIB_SUBFLOW_STALE) >= 1);
    assert_true(ctr(&h, host, MPTCP_MIB_REINJECT) > 0);
  }
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  /* the close: both DATA_FINs exchanged on the working subflow, the
   * stale one reset; the connection closes normally */
  assert_int_equal(mptcp_conn_shutdown(h.client, h.now), MPTCP_OK);
  assert_int_equal(mptcp_conn_shutdown(h.server, h.now), MPTCP_OK);
  h_run(&h, h.now + 5 * MPTCP_S);
  assert_true(mptcp_conn_peer_closed(h.client));
  assert_true(mptcp_conn_peer_closed(h.server));
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_NORMAL);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_NORMAL);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_TIMEOUT_CLOSE) + ctr(&h, 1, MPTCP_MIB_TIMEOUT_CLOSE), 0);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

/* Drops the first data segment from the client that carries MP_CAPABLE
 * (its first data, mapped implicitly); counts them in filter_ud. */
static int drop_first_mpc_data_filter(struct harness *h, struct h_pkt *p, int from) {
  int *n = h->filter_ud;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (from != 0 || hl < 0 || p->len == (size_t)hl || !(th.opts & MPTCP_OPT_MP_CAPABLE))
    return 0;
  return ++*n == 1;
}

/* The third ACK arrives alone (the server learns the keys from it) and
 * the first data, sent with MP_CAPABLE and its length, is lost. Its
 * retransmission still carries MP_CAPABLE (the client has seen no DSS),
 * and the server must take the mapping from it although it already
 * knows the keys; ignoring it left the connection's first bytes
 * unacknowledged until a later, backed-off, retransmission. */
static void test_mpc_data_retransmitted_after_third_ack(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  mp_connect(&h, &cfg, &cfg, NULL);
  int n = 0;
  h.filter = drop_first_mpc_data_filter;
  h.filter_ud = &n;
  uint8_t buf[1000];
  memset(buf, 0x5a, sizeof(buf));
  uint64_t t0 = h.now;
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), sizeof(buf));
  h_run(&h, t0 + 350 * MS); /* one RTO (the 200 ms minimum), not two */
  assert_int_equal(n, 2);   /* the first data, then its retransmission */
  uint8_t r[2000];
  assert_int_equal(mptcp_conn_recv(h.server, r, sizeof(r), h.now), sizeof(buf));
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.rto_count, 1);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

/* From the first client data segment with payload on, drops every
 * segment of the subflow that carried it (client port in filter_ud). */
static int kill_first_data_path_filter(struct harness *h, struct h_pkt *p, int from) {
  uint16_t *port = h->filter_ud;
  uint16_t sport = (uint16_t)(p->data[0] << 8 | p->data[1]);
  uint16_t dport = (uint16_t)(p->data[2] << 8 | p->data[3]);
  if (!*port) {
    mptcp_tcphdr th;
    int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
    if (from != 0 || hl < 0 || p->len == (size_t)hl)
      return 0;
    *port = sport;
  }
  return sport == *port || dport == *port;
}

/* Two subflows; the path of the one that takes the next data dies. At
 * its first retransmission timeout that data goes to the other subflow
 * (Linux reinjects on every subflow RTO); before, it waited for the
 * second timeout in a row, which made the subflow stale, twice as long. */
static void test_rto_reinjects_at_first_timeout(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 1000, h.now + 1 * MPTCP_S), 2000);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_ESTABLISHED);
  uint16_t port = 0;
  h.filter = kill_first_data_path_filter;
  h.filter_ud = &port;
  uint8_t buf[1000];
  memset(buf, 0xa5, sizeof(buf));
  uint64_t t0 = h.now;
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), sizeof(buf));
  h_run(&h, t0 + 350 * MS); /* one RTO (the 200 ms minimum), not two */
  assert_true(port != 0);
  uint8_t r[2000];
  assert_int_equal(mptcp_conn_recv(h.server, r, sizeof(r), h.now), sizeof(buf));
  assert_int_equal(r[0], 0xa5);
  assert_true(ctr(&h, 0, MPTCP_MIB_REINJECT) > 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_SUBFLOW_STALE), 0); /* one timeout: not stale */
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

struct join_later {
  int block_join;     /* drop the client's MP_JOIN SYNs */
  uint16_t data_port; /* drop the client's data from this port (0: none) */
};

static int join_later_filter(struct harness *h, struct h_pkt *p, int from) {
  struct join_later *j = h->filter_ud;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (from != 0 || hl < 0)
    return 0;
  if (j->block_join && (th.flags & MPTCP_TH_SYN) && (th.opts & MPTCP_OPT_MP_JOIN))
    return 1;
  return j->data_port && th.sport == j->data_port && p->len > (size_t)hl;
}

static uint64_t sf_rtos(mptcp_conn *c, int i) {
  mptcp_conn_stats st;
  assert_int_equal(mptcp_conn_get_subflow_stats(c, i, &st, NULL, NULL), MPTCP_OK);
  return st.rto_count;
}

/* The only subflow times out with data while the second is still joining
 * (its SYN lost): nothing can take the data then. Once the join is done,
 * the data goes to it at once, not at the first subflow's next timeout,
 * backed off to 800 ms. */
static void test_rto_data_reinjected_when_join_completes(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  struct join_later j = {1, 0};
  h_init2(&h, &ca, &cb, 5 * MS);
  h.filter = join_later_filter;
  h.filter_ud = &j;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 1000, h.now + 1 * MPTCP_S), 2000); /* the join starts */
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_SYN_SENT);
  mptcp_addr local;
  assert_int_equal(mptcp_conn_get_subflow_stats(h.client, 0, NULL, &local, NULL), MPTCP_OK);
  j.data_port = local.port; /* the first subflow's data is lost from now on */
  uint8_t buf[1000];
  memset(buf, 0x3c, sizeof(buf));
  uint64_t t0 = h.now;
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), sizeof(buf));
  h_run(&h, t0 + 250 * MS);
  assert_int_equal(sf_rtos(h.client, 0), 1); /* timed out, nowhere else to go */
  j.block_join = 0; /* the join's next SYN (1 s after the first) gets through */
  while (sf_state(h.client, 1) != MPTCP_TCP_ESTABLISHED && h.now < t0 + 5 * MPTCP_S)
    h_run(&h, h.now + 1 * MS);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_ESTABLISHED);
  uint64_t rtos = sf_rtos(h.client, 0);
  h_run(&h, h.now + 60 * MS); /* the fourth ACK, then the data on the join */
  assert_int_equal(sf_rtos(h.client, 0), rtos); /* before the next timeout */
  uint8_t r[2000];
  assert_int_equal(mptcp_conn_recv(h.server, r, sizeof(r), h.now), sizeof(buf));
  assert_int_equal(r[0], 0x3c);
  assert_true(ctr(&h, 0, MPTCP_MIB_REINJECT) > 0);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

/* Loses the first data segment the client sends on the joined subflow
 * (client port in filter_ud, learnt from the stats) after acknowledging
 * it on the server's behalf, as a subflow-level ACK without DSS: the
 * client is left with data acknowledged on a subflow and never at the
 * data level, as when a peer's subflow is reset before its data moved up
 * to the connection (Linux purges such a subflow's queue). */
struct lose_up {
  uint16_t port;
  int done;
};

static int lose_at_data_level_filter(struct harness *h, struct h_pkt *p, int from) {
  struct lose_up *l = h->filter_ud;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (l->done || from != 0 || hl < 0 || p->len == (size_t)hl || th.sport != l->port ||
      !(th.opts & MPTCP_OPT_DSS) || !(th.dss.flags & MPTCP_DSS_MAP))
    return 0;
  mptcp_tcphdr ack;
  memset(&ack, 0, sizeof(ack));
  ack.sport = th.dport;
  ack.dport = th.sport;
  ack.seq = th.ack;
  ack.ack = th.seq + (uint32_t)(p->len - (size_t)hl);
  ack.flags = MPTCP_TH_ACK;
  ack.window = 0xffff;
  if (th.opts & MPTCP_OPT_TIMESTAMP) {
    ack.opts = MPTCP_OPT_TIMESTAMP;
    ack.ts_val = th.ts_ecr + 1;
    ack.ts_ecr = th.ts_val;
  }
  h_inject(h, 0, &ack, NULL, 0);
  l->done = 1;
  return 1;
}

/* Two subflows, the first data segment of the second lost above its
 * subflow (lose_at_data_level_filter), 300 kB each way, repaired by the
 * data-level timer; *t0 and the return value: the time and the log's
 * length before the exchange. */
static size_t data_level_loss_exchange(struct harness *h, uint64_t *t0) {
  static struct lose_up l;
  mptcp_config cb = mp_cfg();
  two_subflows(h, &cb);
  mptcp_addr local;
  assert_int_equal(mptcp_conn_get_subflow_stats(h->client, 1, NULL, &local, NULL), MPTCP_OK);
  l.port = local.port;
  l.done = 0;
  h->filter = lose_at_data_level_filter;
  h->filter_ud = &l;
  size_t start = h->nlog;
  *t0 = h->now;
  assert_int_equal(exchange(h, 300000, h->now + 20 * MPTCP_S), 600000);
  assert_true(l.done);
  assert_true(ctr(h, 0, MPTCP_MIB_DATA_RTX) >= 1);
  return start;
}

/* Data acknowledged on a subflow but lost above it: no subflow holds it,
 * the Data ACK stands still and the transfer stalls unless the sender
 * retransmits at the connection level, as Linux does (its msk
 * retransmission timer); found against Linux when its subflow was reset
 * by a REMOVE_ADDR. */
static void test_data_level_loss_retransmitted(void **state) {
  (void)state;
  struct harness h;
  uint64_t t0;
  data_level_loss_exchange(&h, &t0);
  assert_true(h.now - t0 < 3 * MPTCP_S); /* repaired after a timeout or two */
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

/* Data mapped again keeps the boundaries of its first mapping: each copy
 * lies within one original segment. A copy across an original segment's
 * end makes the receiver split a partly duplicate segment at its Data
 * ACK, which Linux 6.18 got wrong (doc/interop.md); the data-level
 * timeout's 64 KB chunk used to end inside a segment. */
static void test_data_level_copies_keep_mapping_boundaries(void **state) {
  (void)state;
  struct harness h;
  uint64_t t0;
  size_t start = data_level_loss_exchange(&h, &t0);
  /* the client's mappings in the order sent: a mapping whose first byte
   * was mapped before is a copy; it must end at or before the end of the
   * first mapping of that byte, and where it ends before, the next copy
   * must go on from there: the copies of a range end where an original
   * segment ends, so that the original, arriving after them, is not
   * partly new */
  size_t copies = 0;
  static uint64_t cpa[4096], cpb[4096], cpe[4096];
  for (size_t i = start; i < h.nlog; i++) {
    const mptcp_tcphdr *t = &h.log[i];
    if (h.log_from[i] != 0 || !(t->opts & MPTCP_OPT_DSS) || !(t->dss.flags & MPTCP_DSS_MAP) ||
        !t->dss.dll || !h.log_plen[i])
      continue;
    uint64_t a = t->dss.dsn, b = a + t->dss.dll;
    for (size_t j = start; j < i; j++) {
      const mptcp_tcphdr *o = &h.log[j];
      if (h.log_from[j] != 0 || !(o->opts & MPTCP_OPT_DSS) || !(o->dss.flags & MPTCP_DSS_MAP) ||
          !o->dss.dll || !h.log_plen[j])
        continue;
      uint64_t s0 = o->dss.dsn, e0 = s0 + o->dss.dll;
      if (s0 <= a && a < e0) {
        assert_true(copies < 4096);
        cpa[copies] = a;
        cpb[copies] = b;
        cpe[copies] = e0;
        copies++;
        break;
      }
    }
  }
  for (size_t i = 0; i < copies; i++) {
    int continued = 0;
    for (size_t j = i + 1; j < copies && !continued; j++)
      continued = cpa[j] == cpb[i];
    if (cpb[i] > cpe[i] || (cpb[i] < cpe[i] && !continued))
      print_error("copy [%llu, %llu) of a segment ending at %llu\n", (unsigned long long)cpa[i],
                  (unsigned long long)cpb[i], (unsigned long long)cpe[i]);
    assert_true(cpb[i] <= cpe[i]);
    assert_true(cpb[i] == cpe[i] || continued);
  }
  assert_true(copies > 0);
  mptcp_conn_free(h.client);
  mptcp_conn_free(h.server);
  h_free(&h);
}

/* ---- ADD_ADDR, REMOVE_ADDR, MP_PRIO (RFC 8684 sections 3.4, 3.3.8) ---- */

static mptcp_addr extra_addr(void) {
  mptcp_addr a;
  memset(&a, 0, sizeof(a));
  a.family = 4;
  a.ip[0] = 10;
  a.ip[2] = 1;
  a.ip[3] = 2; /* 10.0.1.2: the server's second address */
  return a;
}

/* Index of the client's subflow to `remote` (its IPv4 address), or -1. */
static int sf_to(mptcp_conn *c, const mptcp_addr *remote) {
  for (int i = 0; i < mptcp_conn_subflow_count(c); i++) {
    mptcp_addr r;
    mptcp_conn_get_subflow_stats(c, i, NULL, NULL, &r);
    if (!memcmp(r.ip, remote->ip, 4))
      return i;
  }
  return -1;
}

/* Drops the first n segments from the server that carry ADD_ADDR. */
static int drop_add_addr_filter(struct harness *h, struct h_pkt *p, int from) {
  int *n = h->filter_ud;
  mptcp_tcphdr th;
  if (from != 1 || *n <= 0 || mptcp_tcphdr_decode(&th, p->data, p->len) < 0 ||
      !(th.opts & MPTCP_OPT_ADD_ADDR) || th.add_addr.echo)
    return 0;
  --*n;
  return 1;
}

static void test_add_addr_join_prio_remove(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  cb.add_addr_timeout_ns = 500 * MS;
  h_init2(&h, &ca, &cb, 5 * MS);
  mptcp_addr x = extra_addr();
  assert_int_equal(mptcp_stack_add_address(h.st[1], &x), MPTCP_OK);
  int drops = 1; /* the first ADD_ADDR is lost: retransmitted */
  h.filter = drop_add_addr_filter;
  h.filter_ud = &drops;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 20000, h.now + 5 * MPTCP_S), 40000);
  h_run(&h, h.now + 1 * MPTCP_S);
  assert_int_equal(drops, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_ADD_ADDR_TX), 2);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_ADD_ADDR_RETRANS), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_RX), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_BAD_HMAC), 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_ECHO_TX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_ADD_ADDR_ECHO_RX), 1);
  /* echoed: no more retransmissions */
  h_run(&h, h.now + 3 * MPTCP_S);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_ADD_ADDR_TX), 2);
  /* the default path manager joined the announced address */
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  int i = sf_to(h.client, &x);
  assert_int_equal(i, 1);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_ESTABLISHED);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_OK), 1);
  /* MP_PRIO: the client makes its initial subflow a backup; the server's
   * scheduler then prefers the other one (minRTT falls back to a backup
   * subflow only when no regular one has room in its window) */
  assert_int_equal(mptcp_conn_set_backup(h.client, 0, 1, h.now), MPTCP_OK);
  assert_int_equal(mptcp_conn_set_backup(h.client, 5, 1, h.now), MPTCP_ERR_INVALID_ARGUMENT);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_MP_PRIO_TX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_PRIO_RX), 1);
  mptcp_conn_stats a0, a1, b0, b1;
  mptcp_conn_get_subflow_stats(h.server, 0, &a0, NULL, NULL);
  mptcp_conn_get_subflow_stats(h.server, 1, &b0, NULL, NULL);
  assert_int_equal(exchange(&h, 10000, h.now + 10 * MPTCP_S), 20000);
  mptcp_conn_get_subflow_stats(h.server, 0, &a1, NULL, NULL);
  mptcp_conn_get_subflow_stats(h.server, 1, &b1, NULL, NULL);
  /* within one window: all on the regular subflow (with equal RTTs and
   * no flag, the initial subflow would win the tie) */
  assert_int_equal(a1.bytes_sent - a0.bytes_sent, 0);
  assert_int_equal(b1.bytes_sent - b0.bytes_sent, 10000);
  /* back to regular: MP_PRIO again, the initial subflow carries data */
  assert_int_equal(mptcp_conn_set_backup(h.client, 0, 0, h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_PRIO_RX), 2);

  /* REMOVE_ADDR: the server withdraws 10.0.1.2; both ends close that
   * subflow and the data goes on over the initial one */
  assert_int_equal(mptcp_stack_remove_address(h.st[1], &x, h.now), MPTCP_OK);
  assert_int_equal(mptcp_stack_remove_address(h.st[1], &x, h.now), MPTCP_ERR_INVALID_ARGUMENT);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RM_ADDR_TX), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_RM_ADDR_RX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_RM_SUBFLOW), 1);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_CLOSED);
  assert_int_equal(sf_state(h.client, 0), MPTCP_TCP_ESTABLISHED);
  assert_true(ctr(&h, 1, MPTCP_MIB_MP_RST_TX) >= 1); /* its RST says why */
  assert_int_equal(exchange(&h, 100000, h.now + 10 * MPTCP_S), 200000);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* A forged ADD_ADDR from the server's side of the initial subflow. */
static void inject_add_addr(struct harness *h, const struct keys *k, uint64_t thmac) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = k->server_seq;
  th.ack = k->client_seq;
  th.flags = MPTCP_TH_ACK;
  th.window = 1000;
  th.opts = MPTCP_OPT_ADD_ADDR;
  mptcp_addr x = extra_addr();
  x.ip[3] = 66; /* an address of the attacker's */
  th.add_addr.addr_id = 9;
  th.add_addr.family = 4;
  memcpy(th.add_addr.addr, x.ip, 4);
  th.add_addr.thmac = thmac;
  h_inject(h, 0, &th, NULL, 0);
}

static void add_addr_bad_hmac(int check) {
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.add_addr_hmac_check = (uint8_t)check;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  mptcp_addr x = extra_addr();
  x.ip[3] = 66;
  uint64_t right = mptcp_add_addr_hmac(k.server, k.client, 9, 4, x.ip, 0);
  inject_add_addr(&h, &k, right ^ 0x10);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_BAD_HMAC), 1);
  h_run(&h, h.now + 200 * MS);
  if (check) { /* dropped: no echo, no join */
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_RX), 0);
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_ECHO_TX), 0);
    assert_int_equal(mptcp_conn_subflow_count(h.client), 1);
  } else { /* the v0 behaviour: the forged address gets a join */
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_RX), 1);
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_ECHO_TX), 1);
    assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
    assert_int_equal(sf_to(h.client, &x), 1);
  }
  /* the same option with the right HMAC is accepted either way */
  if (check) {
    inject_add_addr(&h, &k, right);
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_RX), 1);
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_ADD_ADDR_BAD_HMAC), 1);
  }
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

static void test_add_addr_bad_hmac(void **state) {
  (void)state;
  add_addr_bad_hmac(1);
}

static void test_add_addr_bad_hmac_check_off(void **state) {
  (void)state;
  add_addr_bad_hmac(0);
}

/* ---- signals on a segment whose ACK is not acceptable (threat A6) ---- */

/* A forged MP_PRIO (backup) from the server's side of the initial subflow,
 * in sequence, with acknowledgement number `ack`. */
static void inject_mp_prio(struct harness *h, const struct keys *k, uint32_t ack) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = k->server_seq;
  th.ack = ack;
  th.flags = MPTCP_TH_ACK;
  th.window = 1000;
  th.opts = MPTCP_OPT_MP_PRIO;
  th.prio.backup = 1;
  h_inject(h, 0, &th, NULL, 0);
}

/* opt_ack_check (RFC 5961 section 5.2 before the options, as Linux): an
 * MP_PRIO in sequence but with an ACK of data never sent, or one far
 * behind, is dropped unread with the check on; with it off the client
 * acts on it (and still drops the segment after). An acceptable ACK is
 * acted on either way: MP_PRIO is not authenticated. */
static void mp_prio_bad_ack(int check) {
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.opt_ack_check = (uint8_t)check;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  uint32_t snd_nxt = k.client_seq; /* nothing sent yet */
  inject_mp_prio(&h, &k, snd_nxt + 0x20000000u); /* never sent */
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ACK_TOO_NEW), 1);
  inject_mp_prio(&h, &k, snd_nxt - 0x20000000u); /* far behind */
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_ACK_TOO_OLD), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_MP_PRIO_RX), check ? 0 : 2);
  inject_mp_prio(&h, &k, snd_nxt);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_MP_PRIO_RX), check ? 1 : 3);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  /* the backup flag took: the connection still carries data (its only
   * subflow, backup or not) */
  assert_int_equal(exchange(&h, 20000, h.now + 5 * MPTCP_S), 40000);
  h_free(&h);
}

static void test_mp_prio_bad_ack(void **state) {
  (void)state;
  mp_prio_bad_ack(1);
}

static void test_mp_prio_bad_ack_check_off(void **state) {
  (void)state;
  mp_prio_bad_ack(0);
}

/* ---- MP_FASTCLOSE (RFC 8684 section 3.5) ---- */

static void inject_fastclose(struct harness *h, const struct keys *k, uint64_t key) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 5001;
  th.dport = 40000;
  th.seq = k->server_seq;
  th.ack = k->client_seq;
  th.flags = MPTCP_TH_ACK;
  th.window = 1000;
  th.opts = MPTCP_OPT_MP_FASTCLOSE;
  th.fastclose.key = key;
  h_inject(h, 0, &th, NULL, 0);
}

static void fastclose_forged(int check) {
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.fastclose_key_check = (uint8_t)check;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  /* the client's key is what the server would send it; a guess is not */
  inject_fastclose(&h, &k, k.client ^ 0x8000);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_FASTCLOSE_BAD_KEY), 1);
  if (check) {
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_FASTCLOSE_RX), 0);
    assert_int_equal(h.closed[0], 0);
    assert_int_equal(exchange(&h, 50000, h.now + 5 * MPTCP_S), 100000);
    assert_int_equal(h.closed[0] + h.closed[1], 0);
  } else {
    assert_int_equal(ctr(&h, 0, MPTCP_MIB_FASTCLOSE_RX), 1);
    assert_int_equal(h.closed[0], 1);
    assert_int_equal(h.close_reason[0], MPTCP_CLOSE_RESET);
  }
  h_free(&h);
}

static void test_fastclose_wrong_key(void **state) {
  (void)state;
  fastclose_forged(1);
}

static void test_fastclose_wrong_key_check_off(void **state) {
  (void)state;
  fastclose_forged(0);
}

static void test_fastclose_right_key(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  size_t before = h.nlog;
  inject_fastclose(&h, &k, k.client);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_FASTCLOSE_RX), 1);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_RESET);
  /* the client resets its subflow, with MP_TCPRST */
  h_run(&h, h.now + 100 * MS);
  int rst = 0;
  for (size_t i = before; i < h.nlog; i++)
    if (h.log_from[i] == 0 && (h.log[i].flags & MPTCP_TH_RST) &&
        (h.log[i].opts & MPTCP_OPT_MP_TCPRST))
      rst++;
  assert_int_equal(rst, 1);
  assert_int_equal(h.closed[1], 1);
  h_free(&h);
}

/* mptcp_conn_abort: RST + MP_FASTCLOSE with the peer's key on every
 * subflow; the peer resets the whole connection. */
static void test_abort_sends_fastclose(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 10000, h.now + 2 * MPTCP_S), 20000);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  assert_int_equal(mptcp_conn_abort(h.client, h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_FASTCLOSE_TX), 2);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_MP_RST_TX), 2);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_FASTCLOSE_RX), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_FASTCLOSE_BAD_KEY), 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_MP_RST_RX), 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_RESET);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_ABORT);
  for (int i = 0; i < 2; i++)
    assert_int_equal(sf_state(h.server, i), MPTCP_TCP_CLOSED);
  h_free(&h);
}

/* ---- the fourth ACK of MP_JOIN (RFC 8684 section 3.2) ---- */

/* Drops segments of the server on the join subflow (client port other
 * than 40000), SYN/ACKs excepted: the first one only (`all` 0), or every
 * one. */
struct fourth_ack_drop {
  int all, dropped;
};

static int fourth_ack_filter(struct harness *h, struct h_pkt *p, int from) {
  struct fourth_ack_drop *d = h->filter_ud;
  uint16_t dport = (uint16_t)(p->data[2] << 8 | p->data[3]);
  if (from != 1 || dport == 40000 || (p->data[13] & 0x02) || (d->dropped && !d->all))
    return 0;
  d->dropped++;
  return 1;
}

/* Third ACKs (MP_JOIN, 24 bytes) the client sent; the port of the last. */
static int third_acks(struct harness *h, uint16_t *port) {
  int n = 0;
  for (size_t i = 0; i < h->nlog; i++)
    if (h->log_from[i] == 0 && !(h->log[i].flags & (MPTCP_TH_SYN | MPTCP_TH_RST)) &&
        (h->log[i].opts & MPTCP_OPT_MP_JOIN) && h->log[i].join.len == MPTCP_JOIN_LEN_ACK) {
      n++;
      *port = h->log[i].sport;
    }
  return n;
}

/* An idle connection with a join whose fourth ACK is lost: the client
 * may send no data on it and retransmits its third ACK; the server
 * answers that copy, and the join completes on the client's side too. */
static void test_join_fourth_ack_lost(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  h_init2(&h, &ca, &cb, 5 * MS);
  struct fourth_ack_drop d = {0, 0};
  h.filter = fourth_ack_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  /* a little data both ways: fully established, the join starts */
  assert_int_equal(exchange(&h, 1000, h.now + 1 * MPTCP_S), 2000);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(d.dropped, 1);
  assert_int_equal(mptcp_conn_subflow_count(h.client), 2);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_OK), 1); /* the server is done */
  h_run(&h, h.now + 5 * MPTCP_S);
  uint16_t port = 0;
  assert_int_equal(third_acks(&h, &port), 2); /* once more, then answered */
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_OK), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_ACK_TIMEOUT), 0);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_ESTABLISHED);
  assert_int_equal(exchange(&h, 200000, h.now + 10 * MPTCP_S), 400000);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* Every answer on the join subflow is lost: the client sends its third
 * ACK syn_retries more times, backing off, then resets that subflow with
 * MP_TCPRST; the connection carries on over the initial subflow. */
static void test_join_third_ack_unanswered(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.pm = "ndiffports";
  ca.subflows = 2;
  ca.syn_retries = 4;
  h_init2(&h, &ca, &cb, 5 * MS);
  struct fourth_ack_drop d = {1, 0};
  h.filter = fourth_ack_filter;
  h.filter_ud = &d;
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 1000, h.now + 1 * MPTCP_S), 2000);
  h_run(&h, h.now + 300 * MPTCP_S);
  uint16_t port = 0;
  assert_int_equal(third_acks(&h, &port), 1 + 4);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_ACK_TIMEOUT), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_JOIN_OK), 0);
  /* the retransmissions back off: the last one comes well after the
   * first (1 + 2 + 4 + 8 RTOs of at least 200 ms) */
  uint64_t first = 0, last = 0;
  for (size_t i = 0; i < h.nlog; i++)
    if (h.log_from[i] == 0 && h.log[i].sport == port && (h.log[i].opts & MPTCP_OPT_MP_JOIN) &&
        h.log[i].join.len == MPTCP_JOIN_LEN_ACK && !(h.log[i].flags & MPTCP_TH_SYN)) {
      if (!first)
        first = h.log_at[i];
      last = h.log_at[i];
    }
  assert_true(first && last - first >= 15 * 200 * MS);
  /* reset with MP_TCPRST; the server closes its side of that subflow */
  assert_int_equal(rsts_on(&h, 0, port), 1);
  assert_true(ctr(&h, 0, MPTCP_MIB_MP_RST_TX) >= 1);
  assert_true(ctr(&h, 1, MPTCP_MIB_MP_RST_RX) >= 1);
  assert_int_equal(sf_state(h.client, 1), MPTCP_TCP_CLOSED);
  assert_int_equal(sf_state(h.server, 1), MPTCP_TCP_CLOSED);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  assert_int_equal(exchange(&h, 100000, h.now + 10 * MPTCP_S), 200000);
  h_free(&h);
}

/* The only subflow is reset by its own end (here: its local address is
 * removed) before the DATA_FINs: the connection ends as a reset, not a
 * normal close, and says why at both ends. */
static void test_last_subflow_reset_is_reset(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  h_init2(&h, &cfg, &cfg, 5 * MS);
  assert_int_equal(mptcp_stack_add_address(h.st[0], &h.addr[0]), MPTCP_OK);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 10000, h.now + 2 * MPTCP_S), 20000);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.reset_cause, MPTCP_RESET_NONE);
  assert_int_equal(st.reset_reason, -1);
  assert_int_equal(mptcp_stack_remove_address(h.st[0], &h.addr[0], h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(h.closed[0], 1);
  assert_int_equal(h.closed[1], 1);
  assert_int_equal(h.close_reason[0], MPTCP_CLOSE_RESET);
  assert_int_equal(h.close_reason[1], MPTCP_CLOSE_RESET);
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.reset_cause, MPTCP_RESET_LOCAL);
  assert_int_equal(st.reset_reason, MPTCP_RST_EUNSPEC);
  mptcp_conn_get_stats(h.server, &st);
  assert_int_equal(st.reset_cause, MPTCP_RESET_PEER_RST);
  assert_int_equal(st.reset_reason, MPTCP_RST_EUNSPEC);
  h_free(&h);
}

/* Reset causes: an abort at one end, MP_FASTCLOSE at the other. */
static void test_reset_cause_fastclose(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  mp_connect(&h, &cfg, &cfg, NULL);
  assert_int_equal(mptcp_conn_abort(h.client, h.now), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.client, &st);
  assert_int_equal(st.close_reason, MPTCP_CLOSE_ABORT);
  assert_int_equal(st.reset_cause, MPTCP_RESET_ABORT);
  mptcp_conn_get_stats(h.server, &st);
  assert_int_equal(st.close_reason, MPTCP_CLOSE_RESET);
  assert_int_equal(st.reset_cause, MPTCP_RESET_FASTCLOSE);
  h_free(&h);
}

/* Connects with `filter` between the hosts from the first SYN on. */
static void connect_through(struct harness *h, const mptcp_config *cfg, h_filter filter,
                            void *ud) {
  h_init2(h, cfg, cfg, 5 * MS);
  h->filter = filter;
  h->filter_ud = ud;
  assert_int_equal(h_connect(h, NULL), MPTCP_OK);
  h_run(h, h->now + 20 * MS);
  assert_int_equal(h->connected, 1);
}

/* Drops the client's pure MP_CAPABLE ACK and flips a byte of its first
 * data segment (MP_CAPABLE with data and checksum), fixing the TCP
 * checksum. */
static int mpc_data_filter(struct harness *h, struct h_pkt *p, int from) {
  int *altered = h->filter_ud;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, p->data, p->len);
  if (from != 0 || hl < 0 || !(th.opts & MPTCP_OPT_MP_CAPABLE) || (th.flags & MPTCP_TH_SYN))
    return 0;
  if ((size_t)hl == p->len)
    return 1; /* the keys must come with the data */
  if (*altered || th.mpc.len != MPTCP_MPC_LEN_DATA_CSUM)
    return 0;
  alter_byte(p, (size_t)hl + 10, 0x20);
  *altered = 1;
  return 0;
}

/* RFC 8684 sections 3.1 and 3.7: the first data, carrying the keys, is
 * altered on its way; its DSS checksum fails. The segment is dropped and
 * counted, the server waits in SYN-RCVD, and the retransmission opens the
 * connection with the stream intact. */
static void test_mpc_first_data_altered(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.dss_checksum = 1;
  int altered = 0;
  connect_through(&h, &cfg, mpc_data_filter, &altered);
  uint8_t buf[1000];
  for (size_t i = 0; i < sizeof(buf); i++)
    buf[i] = (uint8_t)(i % 251);
  assert_int_equal(mptcp_conn_send(h.client, buf, sizeof(buf), h.now), (long)sizeof(buf));
  h_run(&h, h.now + 5 * MPTCP_S);
  assert_int_equal(altered, 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSS_CSUM_BAD), 1);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  assert_int_equal(h.accepted, 1);
  uint8_t got[2000];
  assert_int_equal(mptcp_conn_recv(h.server, got, sizeof(got), h.now), (long)sizeof(buf));
  assert_memory_equal(got, buf, sizeof(buf));
  assert_true(mptcp_conn_is_mptcp(h.client) && mptcp_conn_is_mptcp(h.server));
  h_free(&h);
}

/* A middlebox that lets MPTCP options through on SYNs only: on every
 * other segment, both ways, each MPTCP option becomes NOPs (the TCP
 * checksum fixed). Counts the segments it changed in filter_ud. */
static int strip_after_syn_filter(struct harness *h, struct h_pkt *p, int from) {
  (void)from;
  int *n = h->filter_ud;
  if (p->len < 20 || (p->data[13] & 0x02)) /* SYN */
    return 0;
  size_t hl = (size_t)(p->data[12] >> 4) * 4;
  int changed = 0;
  for (size_t i = 20; i < hl && i < p->len;) {
    uint8_t kind = p->data[i];
    if (kind == 0)
      break;
    if (kind == 1) {
      i++;
      continue;
    }
    if (i + 1 >= hl || p->data[i + 1] < 2)
      break;
    size_t len = p->data[i + 1];
    if (kind == 30) {
      memset(p->data + i, 1, len);
      changed = 1;
    }
    i += len;
  }
  if (changed) {
    alter_byte(p, 0, 0); /* the checksum again */
    ++*n;
  }
  return 0;
}

/* RFC 8684 section 3.7: the peer falls back to TCP after the handshake
 * (here a middlebox removes the options after the SYNs, so the listener
 * gets a third ACK without MP_CAPABLE; Linux also falls back when the
 * first data it receives is a later segment than the one that carries
 * MP_CAPABLE, MPCapableFallbackACK) and acknowledges with plain TCP
 * headers. The initiator must fall back on the first such segment: kept
 * as MPTCP, it dropped the peer's data (no mapping) and its data-level
 * timer mapped its own data again on the same subflow, which the TCP
 * peer took as new bytes. Both streams arrive intact. */
static void test_peer_falls_back_after_handshake(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  int stripped = 0;
  connect_through(&h, &cfg, strip_after_syn_filter, &stripped);
  assert_int_equal(exchange(&h, 200000, h.now + 20 * MPTCP_S), 400000);
  assert_true(stripped > 0);
  assert_false(mptcp_conn_is_mptcp(h.server));
  assert_false(mptcp_conn_is_mptcp(h.client));
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_FALLBACK), 1);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_REINJECT), 0);
  assert_int_equal(ctr(&h, 0, MPTCP_MIB_DATA_RTX), 0);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  h_free(&h);
}

/* ---- switches off: the forgeries of the tests above succeed ---- */

static void test_dsn_beyond_window_check_off(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.rcvbuf = 64 * 1024;
  cfg.enforce_conn_window = 0;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  uint8_t pl[100];
  memset(pl, 0xab, sizeof(pl));
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = 40000;
  th.dport = 5001;
  th.seq = k.client_seq;
  th.ack = k.server_seq;
  th.flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
  th.window = 1000;
  th.opts = MPTCP_OPT_DSS;
  th.dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
  th.dss.data_ack = k.server_idsn + 1;
  th.dss.dsn = k.client_idsn + 1 + cfg.rcvbuf + 1000;
  th.dss.ssn = 1;
  th.dss.dll = sizeof(pl);
  h_inject(&h, 1, &th, pl, sizeof(pl));
  /* seen, but taken: the reassembly holds bytes past the window */
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSN_BEYOND_WINDOW), 1);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.server, &st);
  assert_int_equal(st.ooo_bytes, sizeof(pl));
  h_free(&h);
}

static void test_join_half_open_limit_off(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cfg = mp_cfg();
  cfg.enforce_limits = 0;
  struct keys k;
  mp_connect(&h, &cfg, &cfg, &k);
  h_pull_all(&h, 1);
  for (uint16_t i = 0; i < 5; i++) {
    inject_join_syn(&h, (uint16_t)(42000 + i), k.server_token, 100u + i);
    size_t idx = 0;
    assert_int_equal(h_pull(&h, 1, &idx), 1);
    assert_int_equal(h.log[idx].flags, MPTCP_TH_SYN | MPTCP_TH_ACK);
  }
  /* a fifth half-open join is taken: nothing refused */
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), 0);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 6);
  h_free(&h);
}

/* ---- overlapping data: first copy wins, mismatches counted (A2) ---- */

/* The next wire sequence numbers of the subflow whose client port is
 * `port`, from the log: client's and server's, and the client's ISN. */
static void next_seqs(struct harness *h, uint16_t port, uint32_t *cseq, uint32_t *sseq,
                      uint32_t *ciss) {
  int cset = 0, sset = 0;
  for (size_t i = 0; i < h->nlog; i++) {
    const mptcp_tcphdr *t = &h->log[i];
    int from = h->log_from[i];
    if ((from == 0 ? t->sport : t->dport) != port || (t->flags & MPTCP_TH_RST))
      continue;
    uint32_t nxt = t->seq + (uint32_t)h->log_plen[i] + !!(t->flags & MPTCP_TH_SYN) +
                   !!(t->flags & MPTCP_TH_FIN);
    if (from == 0 && (t->flags & MPTCP_TH_SYN))
      *ciss = t->seq;
    uint32_t *dst = from == 0 ? cseq : sseq;
    int *set = from == 0 ? &cset : &sset;
    if (!*set || (int32_t)(nxt - *dst) > 0)
      *dst = nxt;
    *set = 1;
  }
}

static void inject_data(struct harness *h, uint16_t port, uint32_t seq, uint32_t ack,
                        uint32_t iss, uint64_t dsn, const uint8_t *pl, uint16_t n) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = port;
  th.dport = 5001;
  th.seq = seq;
  th.ack = ack;
  th.flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
  th.window = 1000;
  th.opts = MPTCP_OPT_DSS;
  th.dss.flags = MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
  th.dss.dsn = dsn;
  th.dss.ssn = seq - iss;
  th.dss.dll = n;
  h_inject(h, 1, &th, pl, n);
}


/* two_subflows() with `cb` as the server's configuration, then the keys,
 * the client's port of each subflow and the sequence numbers to forge
 * from (next_seqs). */
static void two_subflow_seqs(struct harness *h, const mptcp_config *cb, struct keys *k,
                             uint16_t port[2], uint32_t cseq[2], uint32_t sseq[2],
                             uint32_t ciss[2]) {
  two_subflows(h, cb);
  find_keys(h, k);
  for (int i = 0; i < 2; i++) {
    mptcp_addr l;
    mptcp_conn_get_subflow_stats(h->client, i, NULL, &l, NULL);
    port[i] = l.port;
    next_seqs(h, port[i], &cseq[i], &sseq[i], &ciss[i]);
  }
}

/* Shows an on-path attacker everything the harness logged on the client's
 * subflow with local port `port`, as a tap on that subflow's path sees it. */
static void show_subflow(struct harness *h, mptcp_attacker *at, uint16_t port) {
  for (size_t i = 0; i < h->nlog; i++) {
    mptcp_tcphdr t = h->log[i];
    int from = h->log_from[i];
    if ((from == 0 ? t.sport : t.dport) != port)
      continue;
    uint8_t buf[MPTCP_TCP_HDR_MAX];
    int hl = mptcp_tcphdr_encode(buf, sizeof(buf), &t);
    assert_true(hl >= 20);
    mptcp_addr src = h->addr[from], dst = h->addr[!from];
    assert_int_equal(
        mptcp_attacker_observe(at, &src, &dst, buf, (size_t)hl, h->log_plen[i], h->now),
        MPTCP_OK);
  }
}

static void overlap(int check) {
  struct harness h;
  mptcp_config cb = mp_cfg();
  cb.overlap_check = (uint8_t)check;
  struct keys k;
  uint16_t port[2];
  uint32_t cseq[2], sseq[2], ciss[2];
  two_subflow_seqs(&h, &cb, &k, port, cseq, sseq, ciss);
  /* the client's stream stands at offset 1000; the forger sends bytes
   * at offsets [1500, 1600) on subflow 0, then different bytes at
   * [1550, 1650) on subflow 1 */
  uint64_t base = k.client_idsn + 1 + 1000;
  uint8_t a[100], b[100], c[500];
  memset(a, 'A', sizeof(a));
  memset(b, 'B', sizeof(b));
  memset(c, 'C', sizeof(c));
  inject_data(&h, port[0], cseq[0], sseq[0], ciss[0], base + 500, a, 100);
  inject_data(&h, port[1], cseq[1], sseq[1], ciss[1], base + 550, b, 100);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), check ? 1 : 0);
  /* the same bytes again are no mismatch */
  inject_data(&h, port[1], cseq[1] + 100, sseq[1], ciss[1], base + 500, a, 100);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), check ? 1 : 0);
  /* the hole fills: the first copy of each byte is delivered */
  inject_data(&h, port[0], cseq[0] + 100, sseq[0], ciss[0], base, c, 500);
  uint8_t got[1000]; /* (the first 1000 bytes were read by exchange) */
  long n = mptcp_conn_recv(h.server, got, sizeof(got), h.now);
  assert_int_equal(n, 650);
  for (int i = 0; i < 500; i++)
    assert_int_equal(got[i], 'C');
  for (int i = 500; i < 600; i++)
    assert_int_equal(got[i], 'A');
  for (int i = 600; i < 650; i++)
    assert_int_equal(got[i], 'B');
  /* bytes already read are compared too while the ring still holds them
   * (an injection the application read before the real copy came is
   * seen): counted, and no harm, the first copy stays */
  inject_data(&h, port[0], cseq[0] + 600, sseq[0], ciss[0], base, b, 100);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), check ? 2 : 0);
  assert_int_equal(mptcp_conn_recv(h.server, got, sizeof(got), h.now), 0);
  assert_true(ctr(&h, 1, MPTCP_MIB_DSN_DUP) >= 1);
  h_free(&h);
}

/* Threat A2 end to end: the core's "dsn-inject" attacker, on-path on
 * subflow 0 only, learns from what crosses it and forges data at the
 * server's data-level RCV.NXT; the same DSNs come as real data ('R') on
 * subflow 1, before the forgery (behind) or after it (ahead). */
/* overlap_reset: the same bytes twice are no mismatch and reset nothing;
 * different ones reset the connection, every subflow with MP_TCPRST
 * "MPTCP-specific error", and the bytes of the segment that disagreed are
 * not delivered. */
static void test_overlap_reset(void **state) {
  (void)state;
  struct harness h;
  mptcp_config cb = mp_cfg();
  cb.overlap_reset = 1;
  struct keys k;
  uint16_t port[2];
  uint32_t cseq[2], sseq[2], ciss[2];
  two_subflow_seqs(&h, &cb, &k, port, cseq, sseq, ciss);
  uint64_t base = k.client_idsn + 1 + 1000;
  uint8_t a[100], b[100];
  memset(a, 'A', sizeof(a));
  memset(b, 'B', sizeof(b));
  h_pull_all(&h, 1);
  inject_data(&h, port[0], cseq[0], sseq[0], ciss[0], base + 500, a, 100);
  inject_data(&h, port[1], cseq[1], sseq[1], ciss[1], base + 500, a, 100);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), 0);
  assert_int_equal(h.closed[1], 0);
  inject_data(&h, port[1], cseq[1] + 100, sseq[1], ciss[1], base + 550, b, 100);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), 1);
  assert_int_equal(h.closed[1], 1);
  mptcp_conn_stats st;
  mptcp_conn_get_stats(h.server, &st);
  assert_int_equal(st.reset_cause, MPTCP_RESET_LOCAL);
  assert_int_equal(st.reset_reason, MPTCP_RST_EMPTCP);
  size_t from = h.nlog;
  h_pull_all(&h, 1);
  int rsts = 0;
  for (size_t i = from; i < h.nlog; i++)
    if ((h.log[i].flags & MPTCP_TH_RST) && (h.log[i].opts & MPTCP_OPT_MP_TCPRST) &&
        h.log[i].tcprst.reason == MPTCP_RST_EMPTCP)
      rsts++;
  assert_int_equal(rsts, 2); /* both subflows */
  h_free(&h);
}

static void dsn_inject(int ahead, int read_first) {
  struct harness h;
  mptcp_config cb = mp_cfg();
  struct keys k;
  uint16_t port[2];
  uint32_t cseq[2], sseq[2], ciss[2];
  two_subflow_seqs(&h, &cb, &k, port, cseq, sseq, ciss);
  mptcp_attack_config ac;
  mptcp_attack_config_default(&ac);
  ac.name = "dsn-inject";
  ac.victim = MPTCP_VICTIM_SERVER;
  ac.start_ns = 0;
  ac.payload_len = 100;
  mptcp_attacker *at = NULL;
  assert_int_equal(mptcp_attacker_new(&at, &ac, NULL, h_rand, &h), MPTCP_OK);
  show_subflow(&h, at, port[0]);
  uint8_t real[100];
  memset(real, 'R', sizeof(real));
  uint64_t base = k.client_idsn + 1 + 1000; /* the server's data-level RCV.NXT */
  if (!ahead)
    inject_data(&h, port[1], cseq[1], sseq[1], ciss[1], base, real, 100);
  uint8_t fb[MPTCP_TCP_HDR_MAX + 100];
  mptcp_segment seg;
  assert_int_equal(mptcp_attacker_write(at, &seg, fb, sizeof(fb), h.now), 1);
  assert_int_equal(seg.dst.port, 5001);
  assert_int_equal(seg.src.port, port[0]);
  mptcp_stack_read(h.st[1], &seg.src, &seg.dst, fb, seg.len, 0, h.now);
  uint8_t got[200];
  long n = 0;
  if (read_first) /* the application reads the first copy before the second comes */
    n = mptcp_conn_recv(h.server, got, sizeof(got), h.now);
  if (ahead)
    inject_data(&h, port[1], cseq[1], sseq[1], ciss[1], base, real, 100);
  /* the copy that came second differs from the first: counted, whether
   * the first was read already or not (it is still in the ring) */
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DUP_DATA_MISMATCH), 1);
  if (!read_first)
    n = mptcp_conn_recv(h.server, got, sizeof(got), h.now);
  assert_int_equal(n, 100);
  assert_int_equal(mptcp_conn_recv(h.server, got, sizeof(got), h.now), 0);
  size_t injected = 0;
  for (int i = 0; i < 100; i++)
    injected += got[i] == MPTCP_ATTACK_PATTERN;
  assert_int_equal(injected, ahead ? 100 : 0); /* the first copy wins */
  mptcp_attacker_del(at);
  h_free(&h);
}

static void test_dsn_inject_ahead(void **state) {
  (void)state;
  dsn_inject(1, 0);
  dsn_inject(1, 1);
}

static void test_dsn_inject_behind(void **state) {
  (void)state;
  dsn_inject(0, 0);
  dsn_inject(0, 1);
}

/* Threats A3 and A5: MP_JOIN SYNs from the core's attacker against the
 * server of a two-subflow connection. "join-flood", on-path on subflow 0,
 * takes the real token from the MP_CAPABLE keys it saw: with the limits
 * enforced, the server holds at most max_half_open_joins (4) half-open
 * joins and refuses the rest (MPTcpExtMPJoinRejected); without, only the
 * hard limit of 8 subflows stops it. "join-guess", off-path, names random
 * tokens: every SYN is refused as an unknown token. */
static void join_attack(const char *name, int enforce) {
  struct harness h;
  mptcp_config cb = mp_cfg();
  cb.enforce_limits = (uint8_t)enforce;
  cb.syn_cookies = 0; /* refusals counted (test_join_syn_cookie: with) */
  two_subflows(&h, &cb);
  assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  mptcp_addr l;
  mptcp_conn_get_subflow_stats(h.client, 0, NULL, &l, NULL);
  mptcp_attack_config ac;
  mptcp_attack_config_default(&ac);
  ac.name = name;
  ac.victim = MPTCP_VICTIM_SERVER;
  ac.start_ns = 0;
  ac.guesses = 10;
  ac.interval_ns = 1000;
  ac.peer_addr = h.addr[0];
  ac.peer_addr.ip[1] = 99; /* spoofed: the SYN/ACKs go nowhere */
  ac.peer_addr.port = 0;
  if (strcmp(name, "join-guess") == 0) {
    ac.on_path = 0;
    ac.victim_addr = h.addr[1];
    ac.victim_addr.port = 5001;
  }
  mptcp_attacker *at = NULL;
  assert_int_equal(mptcp_attacker_new(&at, &ac, NULL, h_rand, &h), MPTCP_OK);
  if (ac.on_path)
    show_subflow(&h, at, l.port); /* what crossed subflow 0 */
  uint64_t syn0 = ctr(&h, 1, MPTCP_MIB_JOIN_SYN_RX);
  for (int i = 0; i < 10; i++) {
    uint8_t fb[MPTCP_TCP_HDR_MAX];
    mptcp_segment seg;
    assert_int_equal(mptcp_attacker_write(at, &seg, fb, sizeof(fb), h.now + (uint64_t)i * 1000),
                     1);
    assert_int_equal(seg.src.ip[1], 99);
    assert_int_equal(seg.dst.port, 5001);
    mptcp_tcphdr t;
    assert_true(mptcp_tcphdr_decode(&t, fb, seg.len) > 0);
    assert_int_equal(t.flags, MPTCP_TH_SYN);
    assert_true(t.opts & MPTCP_OPT_MP_JOIN);
    mptcp_stack_read(h.st[1], &seg.src, &seg.dst, fb, seg.len, 0, h.now);
    h_pull_all(&h, 1); /* SYN/ACKs and resets toward the spoofed source: lost */
  }
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_SYN_RX) - syn0, 10);
  if (strcmp(name, "join-guess") == 0) {
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_NO_TOKEN), 10);
    assert_int_equal(mptcp_conn_subflow_count(h.server), 2);
  } else {
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_NO_TOKEN), 0);
    /* half-open: 4 with the limits, up to the hard limit of 8 without */
    assert_int_equal(mptcp_conn_subflow_count(h.server), enforce ? 2 + 4 : 8);
    assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_LIMIT), enforce ? 6 : 4);
  }
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_JOIN_OK), 1); /* the legitimate join only */
  mptcp_attacker_del(at);
  h_free(&h);
}

static void test_join_flood_limited(void **state) {
  (void)state;
  join_attack("join-flood", 1);
}

static void test_join_flood_unlimited(void **state) {
  (void)state;
  join_attack("join-flood", 0);
}

static void test_join_guess(void **state) {
  (void)state;
  join_attack("join-guess", 1);
}

static void test_overlap_first_copy_wins(void **state) {
  (void)state;
  overlap(1);
}

static void test_overlap_check_off(void **state) {
  (void)state;
  overlap(0);
}

/* ---- out-of-order ranges bounded (A1, max_ofo_ranges) ---- */

/* A one-byte segment from the client of the subflow with client port
 * `port`: plain TCP, or MPTCP mapped to data sequence number `dsn`. */
static void inject_byte(struct harness *h, int mp, uint16_t port, uint32_t seq, uint32_t ack,
                        uint32_t iss, uint64_t dsn) {
  uint8_t b = 'x';
  if (mp) {
    inject_data(h, port, seq, ack, iss, dsn, &b, 1);
    return;
  }
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = port;
  th.dport = 5001;
  th.seq = seq;
  th.ack = ack;
  th.flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
  th.window = 1000;
  h_inject(h, 1, &th, &b, 1);
}

/*
 * A peer leaves a hole and sends `segs` one-byte segments at every other
 * byte above it (`sf_holes` 0, MPTCP only: every other data sequence
 * number, but contiguous subflow sequence numbers). The server's
 * max_ofo_ranges is `limit`. Returns the peak growth of the server
 * stack's memory during the flood; the drop counters go to drops[2]
 * (subflow level, data level).
 */
static uint64_t ofo_flood(int mp, uint32_t limit, int sf_holes, uint32_t segs, uint64_t drops[2]) {
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.mptcp = cb.mptcp = (uint8_t)mp;
  cb.max_ofo_ranges = limit;
  h_init2(&h, &ca, &cb, 5 * MS);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 100 * MS);
  assert_int_equal(exchange(&h, 1000, h.now + 2 * MPTCP_S), 2000);
  h_run(&h, h.now + 500 * MS);
  struct keys k = {0};
  if (mp)
    find_keys(&h, &k);
  uint32_t cseq = 0, sseq = 0, ciss = 0;
  next_seqs(&h, 40000, &cseq, &sseq, &ciss);
  uint64_t base = k.client_idsn + 1 + 1000; /* the client's stream is at 1000 */
  uint64_t m0 = mptcp_stack_mem_used(h.st[1]), peak = m0;
  for (uint32_t i = 0; i < segs; i++) {
    uint32_t so = sf_holes ? 2 * i + 1 : i;
    inject_byte(&h, mp, 40000, cseq + so, sseq, ciss, base + 2 * i + 1);
    uint64_t m = mptcp_stack_mem_used(h.st[1]);
    if (m > peak)
      peak = m;
  }
  h_pull_all(&h, 1);
  drops[0] = ctr(&h, 1, MPTCP_MIB_OFO_DROP);
  drops[1] = ctr(&h, 1, MPTCP_MIB_DSN_OFO_DROP);
  print_message("ofo flood (%s, limit %u, %s): %u segments, peak +%llu bytes, drops %llu/%llu\n",
                mp ? "mptcp" : "tcp", limit, sf_holes ? "subflow holes" : "data holes", segs,
                (unsigned long long)(peak - m0), (unsigned long long)drops[0],
                (unsigned long long)drops[1]);
  h_free(&h);
  return peak - m0;
}

/* Bookkeeping of n ranges in one set: 48-byte nodes (struct rs_node) in
 * chunks that at most double, so at most twice n nodes. */
#define RANGES_BYTES(n) (2u * 48u * (uint64_t)(n) + 1024u)

static void test_ofo_ranges_bounded_tcp(void **state) {
  (void)state;
  uint64_t d[2];
  /* on: the subflow holds at most `limit` ranges; the rest is dropped */
  uint64_t on = ofo_flood(0, 512, 1, 6000, d);
  assert_true(on <= RANGES_BYTES(512));
  assert_int_equal(d[0], 6000 - 512);
  assert_int_equal(d[1], 0);
  /* off: one range per segment */
  uint64_t off = ofo_flood(0, 0, 1, 6000, d);
  assert_true(off >= 48u * 6000);
  assert_int_equal(d[0], 0);
}

static void test_ofo_ranges_bounded_mptcp(void **state) {
  (void)state;
  uint64_t d[2];
  /* holes at both levels: the subflow's bound stops them first */
  uint64_t on = ofo_flood(1, 512, 1, 6000, d);
  assert_true(on <= 2 * RANGES_BYTES(512));
  assert_int_equal(d[0], 6000 - 512);
  /* holes at the data level only: the connection's bound; the dropped
   * segments then leave holes at the subflow level, bounded too */
  on = ofo_flood(1, 512, 0, 6000, d);
  assert_true(on <= 2 * RANGES_BYTES(512));
  assert_true(d[1] >= 1);
  assert_int_equal(d[0] + d[1], 6000 - 512);
  /* off: ranges at both levels, one per segment each */
  uint64_t off = ofo_flood(1, 0, 1, 6000, d);
  assert_true(off >= 2 * 48u * 6000);
  assert_int_equal(d[0] + d[1], 0);
}

/* ---- the host's default memory cap, lazy stream buffers ---- */

/* Memory hooks that count what the core holds; large blocks come from
 * mmap with MAP_NORESERVE, so a stack can be charged tens of GiB of rings
 * while the process touches only the pages the tests write. */
struct big_mem {
  uint64_t asked, peak;
};
#define BIG_BLOCK (1u << 20)
static void *big_malloc(size_t size, void *ud) {
  struct big_mem *m = ud;
  void *p;
  if (size >= BIG_BLOCK) {
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    if (p == MAP_FAILED)
      return NULL;
  } else {
    p = malloc(size);
  }
  m->asked += size;
  if (m->asked > m->peak)
    m->peak = m->asked;
  return p;
}
static void big_free(void *p, size_t size, void *ud) {
  ((struct big_mem *)ud)->asked -= size;
  if (size >= BIG_BLOCK)
    munmap(p, size);
  else
    free(p);
}

static void lcg_rand(uint8_t *d, size_t n, void *ud) {
  uint64_t *x = ud;
  for (size_t i = 0; i < n; i++) {
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    d[i] = (uint8_t)(*x >> 56);
  }
}

struct bighost {
  mptcp_stack *st;
  struct big_mem m;
  uint64_t seed;
  mptcp_addr l, r;
};

/* A listener whose connections have `buf`-byte buffers each way (plain
 * TCP, no checksums). cap_set: mptcp_stack_set_mem_cap(cap), else the
 * stack's default. */
static uint32_t g_backlog = 4096; /* the listener's listen_backlog */

static void bighost_new(struct bighost *b, uint32_t buf, int cap_set, uint64_t cap) {
  memset(b, 0, sizeof(*b));
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  cfg.listen_backlog = g_backlog;
  cfg.syn_cookies = 0; /* test_syn_cookie_listen: with */
  cfg.mptcp = 0;
  cfg.sndbuf = cfg.rcvbuf = buf;
  cfg.tcp_checksum = 0;
  cfg.timestamps = 0;
  b->seed = 7;
  mptcp_mem mem = {&b->m, big_malloc, big_free};
  assert_int_equal(mptcp_stack_new(&b->st, &cfg, &mem, lcg_rand, NULL, &b->seed), MPTCP_OK);
  if (cap_set)
    assert_int_equal(mptcp_stack_set_mem_cap(b->st, cap), MPTCP_OK);
  b->l.family = b->r.family = 4;
  b->l.ip[0] = b->r.ip[0] = 10;
  b->l.ip[3] = 2;
  b->r.ip[3] = 1;
  b->l.port = 5001;
  assert_int_equal(mptcp_stack_listen(b->st, &b->l), MPTCP_OK);
}

static void bighost_del(struct bighost *b) {
  mptcp_stack_del(b->st);
  assert_int_equal(b->m.asked, 0);
}

/* Sends a segment from port `port` (1 byte of payload when `data`);
 * returns the flags of the last segment the stack answers with (its
 * sequence number in *seq), 0 if none. */
static int bighost_seg(struct bighost *b, uint16_t port, uint8_t flags, uint32_t seq,
                       uint32_t ack, int data, uint32_t *aseq) {
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = port;
  th.dport = 5001;
  th.seq = seq;
  th.ack = ack;
  th.flags = flags;
  th.window = 65535;
  if (flags & MPTCP_TH_SYN) {
    th.opts = MPTCP_OPT_MSS | MPTCP_OPT_WSCALE;
    th.mss = 1448;
    th.wscale = 7;
  }
  uint8_t buf[MPTCP_TCP_HDR_MAX + 1];
  int hl = mptcp_tcphdr_encode(buf, sizeof(buf), &th);
  assert_true(hl > 0);
  buf[hl] = 'x';
  b->r.port = port;
  mptcp_stack_read(b->st, &b->r, &b->l, buf, (size_t)hl + !!data, 0, 0);
  uint8_t out[MPTCP_TCP_HDR_MAX + 64];
  mptcp_segment sg;
  int last = 0;
  while (mptcp_stack_write(b->st, &sg, out, sizeof(out), 0) == 1) {
    mptcp_tcphdr o;
    assert_true(mptcp_tcphdr_decode(&o, out, sg.len) >= 0);
    last = o.flags;
    if (aseq)
      *aseq = o.seq;
  }
  return last;
}

/* Opens `conns` connections: SYN (answered with a SYN/ACK unless
 * refused), the first byte with the third ACK, then one byte at the top of
 * the window, which a receiver must be able to hold. Returns how many got
 * their SYN/ACK; *top: how many top bytes were acknowledged (not
 * dropped). */
static uint32_t open_conns(struct bighost *b, uint32_t conns, uint32_t buf, uint32_t *top) {
  uint32_t synacks = 0;
  if (top)
    *top = 0;
  for (uint32_t i = 0; i < conns; i++) {
    uint16_t port = (uint16_t)(20000 + i);
    uint32_t isn = 1000u * i, sisn = 0;
    if (bighost_seg(b, port, MPTCP_TH_SYN, isn, 0, 0, &sisn) != (MPTCP_TH_SYN | MPTCP_TH_ACK))
      continue;
    synacks++;
    if (!top)
      continue;
    bighost_seg(b, port, MPTCP_TH_ACK, isn + 1, sisn + 1, 1, NULL);
    uint64_t queued = mptcp_stack_counter(b->st, MPTCP_MIB_OFO_QUEUED);
    bighost_seg(b, port, MPTCP_TH_ACK, isn + 1 + buf - 1024, sisn + 1, 1, NULL);
    if (mptcp_stack_counter(b->st, MPTCP_MIB_OFO_QUEUED) > queued)
      ++*top;
  }
  return synacks;
}

/* A stack holds at most MPTCP_MEM_CAP_DEFAULT unless told otherwise. */
static void test_default_mem_cap(void **state) {
  (void)state;
  const uint32_t buf = 1u << 30; /* each connection may fill 1 GiB */
  struct bighost b;
  uint32_t top;
  bighost_new(&b, buf, 0, 0);
  assert_int_equal(open_conns(&b, 40, buf, &top), 40);
  print_message("default cap: 40 connections, %u filled their window, peak %.1f GiB\n", top,
                (double)b.m.peak / (1u << 30));
  assert_true(b.m.peak <= MPTCP_MEM_CAP_DEFAULT);
  assert_true(top >= 15 && top < 20);
  assert_true(mptcp_stack_counter(b.st, MPTCP_MIB_MEM_DROP) >= 20);
  bighost_del(&b);
  /* 0: no cap */
  bighost_new(&b, buf, 1, 0);
  assert_int_equal(open_conns(&b, 40, buf, &top), 40);
  print_message("no cap: 40 connections, %u filled their window, peak %.1f GiB\n", top,
                (double)b.m.peak / (1u << 30));
  assert_int_equal(top, 40);
  assert_true(b.m.peak > 40ull * buf);
  bighost_del(&b);
}

/* A half-open connection holds no stream buffer: 5000 SYNs with the
 * default 4 MiB buffers cost a few MB, not 42 GB. */
static void test_syn_charge_lazy_buffers(void **state) {
  (void)state;
  struct bighost b;
  mptcp_config d;
  mptcp_config_default(&d);
  bighost_new(&b, d.rcvbuf, 1, 0);
  uint64_t before = mptcp_stack_mem_used(b.st);
  assert_int_equal(open_conns(&b, 1000, d.rcvbuf, NULL), 1000);
  uint64_t per = (mptcp_stack_mem_used(b.st) - before) / 1000;
  print_message("half-open connection: %llu bytes each\n", (unsigned long long)per);
  assert_true(per < 64 * 1024);
  bighost_del(&b);
}

/* listen_backlog bounds a SYN flood's half-open connections: beyond it a
 * SYN gets no answer (TcpListenOverflow); a handshake that completes, or a
 * half-open connection that times out, makes room again. 0: no bound. */
static void test_listen_backlog(void **state) {
  (void)state;
  struct bighost b;
  g_backlog = 8;
  bighost_new(&b, 1 << 16, 0, 0);
  g_backlog = 4096;
  assert_int_equal(open_conns(&b, 20, 1 << 16, NULL), 8);
  assert_int_equal(mptcp_stack_counter(b.st, MPTCP_MIB_LISTEN_OVERFLOW), 12);
  assert_int_equal(bighost_seg(&b, 30000, MPTCP_TH_SYN, 5, 0, 0, NULL), 0); /* still full */
  bighost_del(&b);

  /* the handshake of a queued connection frees its place */
  g_backlog = 2;
  bighost_new(&b, 1 << 16, 0, 0);
  g_backlog = 4096;
  uint32_t s0 = 0, s1 = 0;
  assert_int_equal(bighost_seg(&b, 20000, MPTCP_TH_SYN, 1000, 0, 0, &s0),
                   MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(bighost_seg(&b, 20001, MPTCP_TH_SYN, 2000, 0, 0, &s1),
                   MPTCP_TH_SYN | MPTCP_TH_ACK);
  assert_int_equal(bighost_seg(&b, 20002, MPTCP_TH_SYN, 3000, 0, 0, NULL), 0);
  bighost_seg(&b, 20000, MPTCP_TH_ACK, 1001, s0 + 1, 0, NULL); /* established */
  assert_int_equal(bighost_seg(&b, 20002, MPTCP_TH_SYN, 3000, 0, 0, NULL),
                   MPTCP_TH_SYN | MPTCP_TH_ACK);
  /* a half-open one that gives up (SYN/ACK retries unanswered) makes room
   * too */
  assert_int_equal(bighost_seg(&b, 20003, MPTCP_TH_SYN, 4000, 0, 0, NULL), 0);
  uint8_t out[MPTCP_TCP_HDR_MAX + 64];
  mptcp_segment sg;
  uint64_t t = 0;
  for (int i = 0; i < 100; i++) {
    t = mptcp_stack_get_expiry(b.st);
    if (t == MPTCP_TIME_NEVER || t > 600 * MPTCP_S)
      break;
    mptcp_stack_handle_expiry(b.st, t);
    while (mptcp_stack_write(b.st, &sg, out, sizeof(out), t) == 1)
      ;
  }
  assert_int_equal(bighost_seg(&b, 20003, MPTCP_TH_SYN, 4000, 0, 0, NULL),
                   MPTCP_TH_SYN | MPTCP_TH_ACK);
  bighost_del(&b);

  /* 0: no bound */
  g_backlog = 0;
  bighost_new(&b, 1 << 16, 0, 0);
  g_backlog = 4096;
  assert_int_equal(open_conns(&b, 20, 1 << 16, NULL), 20);
  assert_int_equal(mptcp_stack_counter(b.st, MPTCP_MIB_LISTEN_OVERFLOW), 0);
  bighost_del(&b);
}

/* SYN cookies (syn_cookies) at a listener: with the listen backlog full
 * (one forged half-open connection, its SYN/ACKs lost), the client's SYN is
 * answered with a cookie and no state, and its third ACK, which carries
 * both MPTCP keys, makes the connection: MPTCP, data both ways. With
 * timestamps the SYN/ACK offers window scaling and SACK (carried back in
 * the timestamp echo); without, neither (as Linux). A third ACK with a
 * wrong cookie is counted and reset. */
static void syn_cookie_listen(int timestamps) {
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  ca.timestamps = cb.timestamps = (uint8_t)timestamps;
  cb.listen_backlog = 1;
  h_init2(&h, &ca, &cb, 5 * MS);
  uint16_t forged = 42000;
  h.filter = drop_to_port_filter;
  h.filter_ud = &forged;
  mptcp_tcphdr th;
  memset(&th, 0, sizeof(th));
  th.sport = forged;
  th.dport = 5001;
  th.seq = 777;
  th.flags = MPTCP_TH_SYN;
  th.window = 65535;
  th.opts = MPTCP_OPT_MSS;
  th.mss = 1448;
  h_inject(&h, 1, &th, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_SENT), 0);
  assert_int_equal(h_connect(&h, NULL), MPTCP_OK);
  h_run(&h, h.now + 200 * MS);
  assert_int_equal(h.connected, 1);
  assert_int_equal(h.accepted, 1);
  assert_true(mptcp_conn_is_mptcp(h.client) && mptcp_conn_is_mptcp(h.server));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_SENT), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_RECV), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_FAILED), 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_LISTEN_OVERFLOW), 1);
  int synacks = 0;
  for (size_t i = 0; i < h.nlog; i++) {
    const mptcp_tcphdr *o = &h.log[i];
    if (h.log_from[i] != 1 || o->flags != (MPTCP_TH_SYN | MPTCP_TH_ACK) || o->dport == forged)
      continue;
    synacks++;
    assert_true(o->opts & MPTCP_OPT_MP_CAPABLE);
    assert_int_equal(!!(o->opts & MPTCP_OPT_WSCALE), timestamps);
    assert_int_equal(!!(o->opts & MPTCP_OPT_SACK_PERM), timestamps);
    assert_int_equal(o->mss, cb.mss);
  }
  assert_int_equal(synacks, 1);
  assert_int_equal(exchange(&h, 300000, h.now + 20 * MPTCP_S), 600000);
  assert_int_equal(h.closed[0] + h.closed[1], 0);
  /* the client's 1 MiB window reaches the server scaled, or capped at
   * 64 KiB without window scaling */
  mptcp_conn_stats st;
  mptcp_conn_get_subflow_stats(h.server, 0, &st, NULL, NULL);
  assert_int_equal(st.snd_wnd > 65535, timestamps);
  /* a third ACK whose cookie we did not make */
  memset(&th, 0, sizeof(th));
  th.sport = 42001;
  th.dport = 5001;
  th.seq = 1001;
  th.ack = 12345;
  th.flags = MPTCP_TH_ACK;
  th.window = 65535;
  h_inject(&h, 1, &th, NULL, 0);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_FAILED), 1);
  size_t idx = 0;
  assert_int_equal(h_pull(&h, 1, &idx), 1);
  assert_true(h.log[idx].flags & MPTCP_TH_RST);
  assert_int_equal(h.log[idx].dport, 42001);
  assert_int_equal(h.log[idx].seq, 12345);
  h_free(&h);
}

/* A third ACK with a valid cookie that cannot complete the handshake (a
 * DSS before the MP_CAPABLE keys: wait for the retransmission) leaves the
 * child in SYN-RCVD; its SYN/ACK timer runs, so it gives up and is freed
 * when nothing more comes. */
static void test_syn_cookie_child_times_out(void **state) {
  (void)state;
  struct harness h;
  mptcp_config ca = mp_cfg(), cb = mp_cfg();
  cb.listen_backlog = 1;
  cb.syn_retries = 2;
  h_init2(&h, &ca, &cb, 5 * MS);
  uint64_t base = mptcp_stack_mem_used(h.st[1]);
  mptcp_tcphdr th;
  for (uint16_t port = 42000; port <= 42001; port++) {
    memset(&th, 0, sizeof(th));
    th.sport = port;
    th.dport = 5001;
    th.seq = 1000;
    th.flags = MPTCP_TH_SYN;
    th.window = 65535;
    th.opts = MPTCP_OPT_MSS | MPTCP_OPT_MP_CAPABLE;
    th.mss = 1448;
    th.mpc.len = MPTCP_MPC_LEN_SYN;
    th.mpc.version = 1;
    th.mpc.flags = MPTCP_MPC_FLAG_H | MPTCP_MPC_FLAG_A; /* DSS checksums */
    h_inject(&h, 1, &th, NULL, 0);
  }
  size_t idx = 0, n = h.nlog;
  h_pull_all(&h, 1);
  uint32_t cookie = 0;
  uint64_t key_b = 0;
  for (idx = n; idx < h.nlog; idx++)
    if (h.log[idx].dport == 42001) {
      cookie = h.log[idx].seq;
      key_b = h.log[idx].mpc.sender_key;
    }
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_SENT), 1);
  /* the first data with both keys (v1), its DSS checksum wrong: the
   * segment is dropped and the handshake waits for its retransmission */
  uint8_t data[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  memset(&th, 0, sizeof(th));
  th.sport = 42001;
  th.dport = 5001;
  th.seq = 1001;
  th.ack = cookie + 1;
  th.flags = MPTCP_TH_ACK;
  th.window = 65535;
  th.opts = MPTCP_OPT_MP_CAPABLE;
  th.mpc.len = MPTCP_MPC_LEN_DATA_CSUM;
  th.mpc.version = 1;
  th.mpc.flags = MPTCP_MPC_FLAG_H | MPTCP_MPC_FLAG_A;
  th.mpc.sender_key = 0x1122334455667788ull;
  th.mpc.receiver_key = key_b;
  th.mpc.data_len = sizeof(data);
  th.mpc.csum = 0x1234;
  h_inject(&h, 1, &th, data, sizeof(data));
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_DSS_CSUM_BAD), 1);
  assert_int_equal(ctr(&h, 1, MPTCP_MIB_SYNCOOKIES_RECV), 1);
  uint64_t with_child = mptcp_stack_mem_used(h.st[1]);
  assert_true(with_child > base);
  n = h.nlog;
  for (int i = 0; i < 400; i++) { /* nobody answers: both children give up */
    h_advance(&h, h.now + MPTCP_S);
    h_pull_all(&h, 0);
    h_pull_all(&h, 1);
  }
  int synacks = 0;
  for (idx = n; idx < h.nlog; idx++)
    if (h.log_from[idx] == 1 && h.log[idx].dport == 42001 &&
        h.log[idx].flags == (MPTCP_TH_SYN | MPTCP_TH_ACK))
      synacks++;
  assert_int_equal(synacks, 2); /* syn_retries 2, then it gives up */
  assert_true(mptcp_stack_mem_used(h.st[1]) < with_child);
  assert_int_equal(h.accepted, 0);
  h_free(&h);
}

static void test_syn_cookie_listen(void **state) {
  (void)state;
  syn_cookie_listen(1);
}

static void test_syn_cookie_listen_no_timestamps(void **state) {
  (void)state;
  syn_cookie_listen(0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_join_unknown_token),
      cmocka_unit_test(test_join_synack_bad_hmac),
      cmocka_unit_test(test_join_third_ack_bad_hmac),
      cmocka_unit_test(test_join_max_subflows_rst_reason),
      cmocka_unit_test(test_join_half_open_limit),
      cmocka_unit_test(test_dsn_beyond_window),
      cmocka_unit_test(test_window_edge_from_latest_data_ack),
      cmocka_unit_test(test_mpc_third_ack_wrong_key),
      cmocka_unit_test(test_dss_checksum_mismatch),
      cmocka_unit_test(test_dss_checksum_infinite_fallback),
      cmocka_unit_test(test_peer_falls_back_after_handshake),
      cmocka_unit_test(test_data_fin_client_first),
      cmocka_unit_test(test_data_fin_server_first),
      cmocka_unit_test(test_dead_subflow_reinjected),
      cmocka_unit_test(test_mpc_data_retransmitted_after_third_ack),
      cmocka_unit_test(test_rto_reinjects_at_first_timeout),
      cmocka_unit_test(test_rto_data_reinjected_when_join_completes),
      cmocka_unit_test(test_data_level_loss_retransmitted),
      cmocka_unit_test(test_data_level_copies_keep_mapping_boundaries),
      cmocka_unit_test(test_add_addr_join_prio_remove),
      cmocka_unit_test(test_mp_prio_bad_ack),
      cmocka_unit_test(test_join_retry_transient),
      cmocka_unit_test(test_join_retry_off),
      cmocka_unit_test(test_mp_prio_bad_ack_check_off),
      cmocka_unit_test(test_add_addr_bad_hmac),
      cmocka_unit_test(test_add_addr_bad_hmac_check_off),
      cmocka_unit_test(test_fastclose_wrong_key),
      cmocka_unit_test(test_fastclose_wrong_key_check_off),
      cmocka_unit_test(test_fastclose_right_key),
      cmocka_unit_test(test_abort_sends_fastclose),
      cmocka_unit_test(test_dsn_beyond_window_check_off),
      cmocka_unit_test(test_join_half_open_limit_off),
      cmocka_unit_test(test_overlap_first_copy_wins),
      cmocka_unit_test(test_overlap_check_off),
      cmocka_unit_test(test_overlap_reset),
      cmocka_unit_test(test_dsn_inject_ahead),
      cmocka_unit_test(test_dsn_inject_behind),
      cmocka_unit_test(test_join_flood_limited),
      cmocka_unit_test(test_join_flood_unlimited),
      cmocka_unit_test(test_join_guess),
      cmocka_unit_test(test_join_fourth_ack_lost),
      cmocka_unit_test(test_join_third_ack_unanswered),
      cmocka_unit_test(test_last_subflow_reset_is_reset),
      cmocka_unit_test(test_reset_cause_fastclose),
      cmocka_unit_test(test_mpc_first_data_altered),
      cmocka_unit_test(test_ofo_ranges_bounded_tcp),
      cmocka_unit_test(test_ofo_ranges_bounded_mptcp),
      cmocka_unit_test(test_default_mem_cap),
      cmocka_unit_test(test_syn_charge_lazy_buffers),
      cmocka_unit_test(test_listen_backlog),
      cmocka_unit_test(test_syn_cookie_listen),
      cmocka_unit_test(test_syn_cookie_listen_no_timestamps),
      cmocka_unit_test(test_syn_cookie_child_times_out),
      cmocka_unit_test(test_join_syn_cookie),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
