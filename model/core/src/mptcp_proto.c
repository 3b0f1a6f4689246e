/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MPTCP v1 at the connection level (Linux's protocol.c and options.c):
 * the MP_CAPABLE handshake and keys (RFC 8684 section 3.1), the DSS option
 * on every segment (section 3.3: mappings, Data ACK, DATA_FIN, checksum),
 * connection-level reassembly and the DATA_FIN close (section 3.3.3).
 *
 * Data offsets: the byte with data sequence number DSN has offset
 * DSN - IDSN - 1, the offset the stream buffers use.
 */
#include "internal.h"

/* ---- keys ---- */

/* A fresh key whose token is unique on this host (RFC 8684 section 3.1:
 * the token must identify the connection locally). */
static int new_key(struct mptcp_conn *c) {
  struct mptcp_stack *s = c->stack;
  for (int i = 0; i < 16; i++) {
    uint8_t b[8];
    uint64_t k = 0;
    stack_rand_bytes(s, b, sizeof(b));
    for (int j = 0; j < 8; j++)
      k = (k << 8) | b[j];
    c->key_local = k;
    mptcp_key_token_idsn(k, &c->token_local, &c->idsn_local);
    if (stack_token_insert(s, c) == MPTCP_OK)
      return 0;
  }
  return -1;
}

int mptcp_cookie_key(struct mptcp_conn *c, uint64_t key) {
  /* a SYN cookie's connection: the key we sent in the SYN/ACK came back in
   * the third ACK, and replaces the one drawn for it */
  stack_token_remove(c->stack, c);
  c->key_local = key;
  mptcp_key_token_idsn(key, &c->token_local, &c->idsn_local);
  return stack_token_insert(c->stack, c) == MPTCP_OK ? 0 : -1;
}

static void learn_remote_key(struct mptcp_conn *c, uint64_t key) {
  c->key_remote = key;
  mptcp_key_token_idsn(key, &c->token_remote, &c->idsn_remote);
}

static void fallback(struct mptcp_conn *c) {
  struct mptcp_stack *s = c->stack;
  if (c->cfg.mptcp)
    mib_inc(s, MPTCP_MIB_FALLBACK);
  c->mp = 0;
  c->sf.mp = 0;
  stack_token_remove(s, c);
  cc_fallback(&c->sf);
}

/* ---- fallback to TCP with an infinite mapping (RFC 8684 section 3.7) ---- */

/*
 * May the connection fall back to TCP now? After the fallback the data
 * offset of a subflow byte is its relative sequence number - 1, as in a
 * connection that never used MPTCP (conn.c), in both directions. That
 * holds while the initial subflow alone has carried the data, each byte
 * once and in order: no other subflow was ever added (as Linux's
 * allow_infinite_fallback, cleared by a join), nothing was reinjected or
 * sent again on another subflow, and the data-level and subflow-level
 * positions agree both ways. The subflows do not close yet.
 */
static int infinite_ok(const struct mptcp_conn *c) {
  const struct tcp_sf *sf = &c->sf;
  if (c->no_infinite || c->n_sf != 1 || c->closed || c->subflows_closing || sf->fin_sent ||
      sf->peer_fin || sf->stale || sf->rst_pending || sf->state != MPTCP_TCP_ESTABLISHED)
    return 0;
  return c->snd_nxt_off + 1 == sf->snd_nxt && c->rcv_nxt_off + 1 == sf->rcv_nxt;
}

/* The connection falls back to TCP on its initial subflow (section 3.7):
 * no more DSS, Data ACK or DATA_FIN; the subflow's own ACKs and FIN take
 * their place (a DATA_FIN the application asked for becomes the subflow's
 * FIN). `keep_options`: the subflow still writes the infinite mapping on
 * its data until the peer falls back too (mptcp_write_options). */
static void infinite_fallback(struct mptcp_conn *c, int keep_options) {
  struct tcp_sf *sf = &c->sf;
  mib_inc(c->stack, MPTCP_MIB_FALLBACK);
  c->mp = 0;
  sf->mp = keep_options ? 1 : 0;
  stack_token_remove(c->stack, c);
  c->dfin_timer = MPTCP_TIME_NEVER;
  c->close_timer = 0;
  c->rtx_timer = 0;
  c->n_ann = c->n_echo = c->n_rm = 0;
  sf->prio_pending = 0;
  if (c->data_fin_queued)
    sf->fin_queued = 1;
  cc_fallback(sf);
  stack_mark_output(c->stack, c);
}

/* The DSS of a segment of ours between our fallback and the peer's: the
 * Data ACK, and on data the infinite mapping (section 3.3.1: data-level
 * length 0; its checksum, if checksums are in use, is 0, as Linux writes
 * it), at the DSN and subflow sequence of the segment that carries it. */
/* The DSS every segment of ours starts with: the 32-bit Data ACK. */
static mptcp_opt_dss *dss_begin(const struct mptcp_conn *c, mptcp_tcphdr *h) {
  mptcp_opt_dss *d = &h->dss;
  h->opts |= MPTCP_OPT_DSS;
  d->flags = MPTCP_DSS_ACK;
  d->data_ack = c->idsn_remote + 1 + c->rcv_nxt_off + (c->peer_data_fin ? 1 : 0);
  d->has_csum = 0;
  return d;
}

/* A 64-bit DSN mapping of the data of transmit record `r`, `dll` long. */
static void dss_map(const struct mptcp_conn *c, mptcp_opt_dss *d, const struct tx_rec *r,
                    uint16_t dll) {
  d->flags |= MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
  d->dsn = c->idsn_local + 1 + r->dsn;
  d->ssn = (uint32_t)r->seq;
  d->dll = dll;
}

static void infinite_options(const struct mptcp_conn *c, mptcp_tcphdr *h, const struct tx_rec *r) {
  mptcp_opt_dss *d = dss_begin(c, h);
  if (r && r->len) {
    dss_map(c, d, r, 0);
    if (c->csum) {
      d->has_csum = 1;
      d->csum = 0;
    }
  }
}

/* ---- the initial subflow's handshake ---- */

void mptcp_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack) {
  struct mptcp_conn *c = sf->conn;
  uint8_t flags = MPTCP_MPC_FLAG_H;
  if (!synack) {
    /* v1 SYN: no key (the initiator's key goes in the third ACK) */
    if (c->cfg.dss_checksum)
      flags |= MPTCP_MPC_FLAG_A;
    h->mpc.len = MPTCP_MPC_LEN_SYN;
  } else {
    if (!c->mp)
      return; /* the SYN had no MP_CAPABLE: plain TCP */
    if (c->csum)
      flags |= MPTCP_MPC_FLAG_A;
    h->mpc.len = MPTCP_MPC_LEN_SYNACK;
    h->mpc.sender_key = c->key_local;
  }
  h->opts |= MPTCP_OPT_MP_CAPABLE;
  h->mpc.version = MPTCP_VERSION;
  h->mpc.flags = flags;
}

void mptcp_rcv_syn(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  struct mptcp_conn *c = sf->conn;
  if (!(th->opts & MPTCP_OPT_MP_CAPABLE))
    return;
  mib_inc(c->stack, MPTCP_MIB_MP_CAPABLE_SYN_RX);
  /* Version 1 with HMAC-SHA256 only (RFC 8684 section 3.1). */
  if (!c->cfg.mptcp || th->mpc.len != MPTCP_MPC_LEN_SYN || th->mpc.version < MPTCP_VERSION ||
      !(th->mpc.flags & MPTCP_MPC_FLAG_H))
    return;
  if (new_key(c) < 0)
    return; /* no unique token: plain TCP */
  c->mp = 1;
  sf->mp = 1;
  /* checksums are used if either side asks (section 3.1, flag A) */
  c->csum = c->cfg.dss_checksum || (th->mpc.flags & MPTCP_MPC_FLAG_A);
}

void mptcp_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  (void)now;
  if (!c->cfg.mptcp)
    return;
  if (!(th->opts & MPTCP_OPT_MP_CAPABLE) || th->mpc.len != MPTCP_MPC_LEN_SYNACK ||
      th->mpc.version != MPTCP_VERSION || !(th->mpc.flags & MPTCP_MPC_FLAG_H) ||
      new_key(c) < 0) {
    fallback(c); /* section 3.1: no MP_CAPABLE in the SYN/ACK: plain TCP */
    return;
  }
  learn_remote_key(c, th->mpc.sender_key);
  c->csum = (th->mpc.flags & MPTCP_MPC_FLAG_A) != 0;
  c->mp = 1;
  sf->mp = 1;
  sf->mpc_ack_pending = 1; /* the keys ride on our ACKs until a DSS arrives */
  mib_inc(c->stack, MPTCP_MIB_MP_CAPABLE_ACTIVE);
}

void mptcp_subflow_established(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (!c->mp)
    return;
  if (sf->is_join) {
    if (sf->state == MPTCP_TCP_ESTABLISHED && !sf->join_ack_pending && !sf->join_ok) {
      /* responder: HMAC-A verified; the fourth ACK goes out now */
      sf->join_ok = 1;
      sf->ack_now = 1;
      mib_inc(c->stack, MPTCP_MIB_JOIN_OK);
      pm_subflow_established(sf, now);
    }
    return;
  }
  pm_subflow_established(sf, now);
}

/* The initiator's connection is fully established (a DSS from the peer
 * proves it has our key): the path manager may add subflows now, as
 * Linux's mptcp_pm_fully_established; a join sent earlier could reach the
 * peer before the key does. */
static void fully_established(struct mptcp_conn *c, uint64_t now) {
  c->mp_fully_established = 1;
  c->sf.mpc_ack_pending = 0;
  if (!c->listener_child && !c->pm_started) {
    c->pm_started = 1;
    c->pm->established(c, now);
  }
  pm_fully_established(c, now);
}

/* ---- options on every other segment ---- */

void mptcp_write_options(struct tcp_sf *sf, mptcp_tcphdr *h, const struct tx_rec *r,
                         uint32_t payload_len, const uint8_t *payload) {
  struct mptcp_conn *c = sf->conn;
  if (!c->mp) {
    /* fallen back after an MP_FAIL: the infinite mapping rides on our
     * data until the peer's segments show that it fell back too */
    if (c->tx_infinite && !c->tx_inf_acked)
      infinite_options(c, h, r);
    return;
  }
  if (sf->join_ack_pending) {
    /* third ACK of a join: the leftmost 160 bits of HMAC-A (section 3.2) */
    uint8_t mac[MPTCP_HMAC_SHA256_LEN];
    mib_inc(c->stack, MPTCP_MIB_JOIN_HMAC);
    mptcp_join_hmac(c->key_local, c->key_remote, sf->nonce_local, sf->nonce_remote, mac);
    h->opts |= MPTCP_OPT_MP_JOIN;
    h->join.len = MPTCP_JOIN_LEN_ACK;
    memcpy(h->join.hmac, mac, MPTCP_JOIN_HMAC_LEN);
    return;
  }
  if (sf->mpc_ack_pending && (!r || !r->len || (r->dsn == 0 && r->seq == 1))) {
    /* initiator, not yet fully established: pure ACKs carry MP_CAPABLE
     * with both keys, and the first data its length too, mapped
     * implicitly at DSN IDSN + 1, subflow sequence 1 (section 3.1); other
     * data carries its DSS mapping */
    h->opts |= MPTCP_OPT_MP_CAPABLE;
    h->mpc.version = MPTCP_VERSION;
    h->mpc.flags = MPTCP_MPC_FLAG_H | (c->csum ? MPTCP_MPC_FLAG_A : 0);
    h->mpc.sender_key = c->key_local;
    h->mpc.receiver_key = c->key_remote;
    h->mpc.len = MPTCP_MPC_LEN_ACK;
    if (r && r->len) {
      h->mpc.len = c->csum ? MPTCP_MPC_LEN_DATA_CSUM : MPTCP_MPC_LEN_DATA;
      h->mpc.data_len = (uint16_t)r->len;
      if (c->csum)
        h->mpc.csum = mptcp_dss_csum(c->idsn_local + 1, 1, (uint16_t)r->len, payload,
                                     payload ? payload_len : 0);
    }
    return;
  }
  if (c->tx_infinite && r && r->len) {
    /* section 3.7: MP_FAIL came on the only subflow. This data segment
     * (the retransmission of the failed one, or new data) carries the
     * infinite mapping, and the connection is plain TCP from now on: the
     * data follows as the subflow's byte stream, which the peer, having
     * dropped the failed segment, receives from its retransmission */
    c->tx_inf_ssn = r->seq;
    mib_inc(c->stack, MPTCP_MIB_INFINITE_MAP_TX);
    infinite_fallback(c, 1);
    infinite_options(c, h, r);
    return;
  }
  /* DSS: a 32-bit Data ACK always (it leaves room for SACK blocks), a
   * 64-bit DSN mapping on data, a DATA_FIN-only mapping (subflow sequence
   * 0, length 1; section 3.3.3) on pure ACKs while ours is unacked. */
  mptcp_opt_dss *d = dss_begin(c, h);
  if (r && r->len) {
    dss_map(c, d, r, (uint16_t)r->len);
    if (c->csum) {
      d->has_csum = 1;
      d->csum = mptcp_dss_csum(d->dsn, d->ssn, d->dll, payload, payload ? payload_len : 0);
    }
  } else if (c->data_fin_queued && !c->data_fin_acked && c->snd_nxt_off == c->snd_end &&
             sf->join_ok) {
    d->flags |= MPTCP_DSS_MAP | MPTCP_DSS_DSN8 | MPTCP_DSS_DATA_FIN;
    d->dsn = c->idsn_local + 1 + c->snd_end;
    d->ssn = 0;
    d->dll = 1;
    if (c->csum) {
      d->has_csum = 1;
      d->csum = mptcp_dss_csum(d->dsn, 0, 1, NULL, 0);
    }
  }
  if (!r) {
    /* a pure ACK: room for the signals */
    if (sf->mp_fail_pending) {
      h->opts |= MPTCP_OPT_MP_FAIL;
      h->fail.dsn = c->mp_fail_dsn;
      if (mptcp_tcphdr_len(h) < 0)
        h->opts &= ~(uint32_t)MPTCP_OPT_SACK;
      if (mptcp_tcphdr_len(h) > 0)
        mib_inc(c->stack, MPTCP_MIB_MP_FAIL_TX);
      else
        h->opts &= ~(uint32_t)MPTCP_OPT_MP_FAIL;
      sf->mp_fail_pending = 0;
    }
    pm_write_signals(sf, h);
  }
}

/* ---- resets: MP_TCPRST, MP_FASTCLOSE (RFC 8684 sections 3.5, 3.6) ---- */

/* Options of an RST we send on an MPTCP subflow, in the manner of Linux's
 * mptcp_established_options for a reset: MP_FASTCLOSE (or MP_FAIL), and
 * MP_TCPRST with the reason. An RST has no timestamps: all fit. */
void mptcp_rst_options(struct tcp_sf *sf, mptcp_tcphdr *h) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  if (!c->mp)
    return;
  if (sf->fastclose_pending && c->key_remote) {
    /* section 3.5: the key of the host it goes to */
    h->opts |= MPTCP_OPT_MP_FASTCLOSE;
    h->fastclose.key = c->key_remote;
    mib_inc(s, MPTCP_MIB_FASTCLOSE_TX);
  } else if (sf->mp_fail_pending) {
    h->opts |= MPTCP_OPT_MP_FAIL;
    h->fail.dsn = c->mp_fail_dsn;
    mib_inc(s, MPTCP_MIB_MP_FAIL_TX);
  }
  sf->fastclose_pending = 0;
  sf->mp_fail_pending = 0;
  h->opts |= MPTCP_OPT_MP_TCPRST;
  h->tcprst.flags = 0;
  h->tcprst.reason = sf->rst_reason;
  mib_inc(s, MPTCP_MIB_MP_RST_TX);
}

/* A valid MP_FASTCLOSE: the connection is reset at once, every subflow
 * with it (section 3.5). `via_rst`: it came on an RST, which already
 * closed the subflow that brought it. */
static void fastclose_rcvd(struct tcp_sf *via, int via_rst, uint64_t now) {
  struct mptcp_conn *c = via->conn;
  mib_inc(c->stack, MPTCP_MIB_FASTCLOSE_RX);
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *x = c->sfs[i];
    if (x->state == MPTCP_TCP_CLOSED)
      continue;
    if (x->state == MPTCP_TCP_SYN_SENT || x->state == MPTCP_TCP_TIME_WAIT ||
        (x == via && via_rst)) {
      tcp_set_state(x, MPTCP_TCP_CLOSED, now);
    } else {
      x->rst_pending = 1;
      x->rst_reason = MPTCP_RST_EUNSPEC;
    }
  }
  stack_mark_output(c->stack, c);
  conn_set_reset(c, MPTCP_CLOSE_RESET, MPTCP_RESET_FASTCLOSE, -1);
}

/* Does this MP_FASTCLOSE carry our key (or is the check off)? A wrong one
 * is counted and the option ignored. */
static int fastclose_ok(struct mptcp_conn *c, const mptcp_tcphdr *th) {
  if (th->fastclose.key == c->key_local)
    return 1;
  mib_inc(c->stack, MPTCP_MIB_FASTCLOSE_BAD_KEY);
  return !c->cfg.fastclose_key_check;
}

int mptcp_rcv_rst(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  if (th->opts & MPTCP_OPT_MP_TCPRST)
    mib_inc(s, MPTCP_MIB_MP_RST_RX);
  if (th->opts & MPTCP_OPT_MP_FAIL)
    mib_inc(s, MPTCP_MIB_MP_FAIL_RX);
  if ((th->opts & MPTCP_OPT_MP_FASTCLOSE) && !c->closed && fastclose_ok(c, th)) {
    fastclose_rcvd(sf, 1, now);
    return 1;
  }
  return 0;
}

/* ---- received options ---- */

static uint64_t expand32(uint32_t v, uint64_t ref) {
  return ref + (uint64_t)(int64_t)(int32_t)(v - (uint32_t)ref);
}

static void add_mapping(struct tcp_sf *sf, uint64_t ssn, uint64_t off, uint32_t len) {
  for (int i = 0; i < sf->n_map; i++)
    if (sf->map[i].ssn == ssn && sf->map[i].dsn == off && sf->map[i].len == len)
      return;
  int n = sf->n_map < 4 ? sf->n_map : 3;
  memmove(&sf->map[1], &sf->map[0], (size_t)n * sizeof(sf->map[0]));
  sf->map[0].ssn = ssn;
  sf->map[0].dsn = off;
  sf->map[0].len = len;
  sf->n_map = (uint8_t)(n + 1);
}

int mptcp_map_lookup(struct tcp_sf *sf, uint64_t rel, uint32_t len, uint64_t *off) {
  for (int i = 0; i < sf->n_map; i++) {
    const struct rx_map *m = &sf->map[i];
    if (m->ssn <= rel && rel + len <= m->ssn + m->len) {
      *off = m->dsn + (rel - m->ssn);
      return 0;
    }
  }
  return -1;
}

static void peer_data_fin(struct mptcp_conn *c, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  c->peer_data_fin = 1;
  c->peer_data_fin_off = c->rcv_nxt_off;
  c->ooo_fin_off = 0;
  mib_inc(s, MPTCP_MIB_DATA_FIN_RX);
  for (uint8_t i = 0; i < c->n_sf; i++) /* acknowledge it (section 3.3.3) */
    if (c->sfs[i]->join_ok && c->sfs[i]->state >= MPTCP_TCP_ESTABLISHED &&
        !c->sfs[i]->stale) {
      c->sfs[i]->ack_now = 1;
      break;
    }
  stack_mark_output(s, c);
  if (s->cb.readable && !c->freed_by_app)
    s->cb.readable(c, c->user_data);
  mptcp_check_close(c, now);
}

void mptcp_data_rcvd(struct mptcp_conn *c, uint64_t off, uint32_t len, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  if (off != c->rcv_nxt_off) {
    if (rangeset_add(&c->rcv_ooo, s, off, off + len) < 0)
      mib_inc(s, MPTCP_MIB_MEM_DROP);
    return;
  }
  c->rcv_nxt_off = off + len;
  const struct range *r = rangeset_find(&c->rcv_ooo, c->rcv_nxt_off);
  if (r)
    c->rcv_nxt_off = r->end;
  rangeset_remove_below(&c->rcv_ooo, c->rcv_nxt_off);
  if (s->cb.readable && !c->freed_by_app)
    s->cb.readable(c, c->user_data);
  if (c->ooo_fin_off && c->ooo_fin_off == c->rcv_nxt_off && !c->peer_data_fin)
    peer_data_fin(c, now);
}

/*
 * An MP_FAIL on a segment that is not an RST (RFC 8684 section 3.7). It
 * names the DSN of the start of a mapping of ours that failed its
 * checksum, data the peer dropped and has not acknowledged; one naming a
 * DSN outside our data in flight is the answer to an MP_FAIL of ours (our
 * echo names the DSN it answers) and needs nothing. On the only subflow
 * the MP_FAIL is echoed, as Linux's response, and our next data segment
 * carries an infinite mapping (mptcp_write_options), with which both ends
 * fall back to TCP. When the fallback cannot keep the stream in place
 * (infinite_ok), nothing changes: the clean retransmission of the segment
 * repairs the mapping.
 */
static void mp_fail_rcvd(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  struct mptcp_conn *c = sf->conn;
  uint64_t off = th->fail.dsn - c->idsn_local - 1;
  if (mptcp_before64(th->fail.dsn, c->idsn_local + 1) || off < c->snd_acked ||
      off >= c->snd_nxt_off)
    return; /* not data of ours in flight: an answer, or stale */
  if (c->tx_infinite || sf != &c->sf || !infinite_ok(c))
    return;
  c->tx_infinite = 1;
  c->mp_fail_dsn = th->fail.dsn;
  sf->mp_fail_pending = 1;
  sf->ack_now = 1;
  stack_mark_output(c->stack, c);
}

/* This end resets the connection on a protocol event: an RST with
 * MP_TCPRST `reason` on every subflow that is open, those not yet (or no
 * longer) synchronized closed at once; reset cause MPTCP_RESET_LOCAL. */
static void reset_all(struct mptcp_conn *c, uint8_t reason, uint64_t now) {
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *x = c->sfs[i];
    if (x->state == MPTCP_TCP_CLOSED)
      continue;
    if (x->state == MPTCP_TCP_SYN_SENT || x->state == MPTCP_TCP_TIME_WAIT) {
      tcp_set_state(x, MPTCP_TCP_CLOSED, now);
    } else {
      x->rst_pending = 1;
      x->rst_reason = reason;
    }
  }
  stack_mark_output(c->stack, c);
  conn_set_reset(c, MPTCP_CLOSE_RESET, MPTCP_RESET_LOCAL, reason);
}

/*
 * An infinite mapping (data-level length 0, RFC 8684 sections 3.3.1 and
 * 3.7): the peer fell back to TCP; its data follows as this subflow's
 * byte stream, without options. We fall back too, and our segments then
 * carry no MPTCP option, which tells the peer. If the stream could not
 * stay in place (another subflow, data mapped twice), the connection is
 * reset: there is no way to place the peer's bytes.
 */
static int infinite_rcvd(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  mib_inc(s, MPTCP_MIB_INFINITE_MAP_RX);
  if (sf != &c->sf || !infinite_ok(c)) {
    reset_all(c, MPTCP_RST_EMIDDLEBOX, now);
    return -1;
  }
  c->rx_infinite = 1;
  infinite_fallback(c, 0);
  return 0;
}

/*
 * A segment that arrives after the connection fell back with an infinite
 * mapping (ours or the peer's), while the segments of one end may still
 * carry MPTCP options:
 * - after ours, a segment of the peer without MPTCP options, or with its
 *   own infinite mapping (an MP_FAIL each way), shows that it fell back
 *   too: our infinite mapping stops;
 * - data the peer mapped before it fell back carries its DSS checksum;
 *   the bytes are where the subflow sequence puts them, so the checksum
 *   still holds, and a segment that fails it is dropped (and counted),
 *   for the peer to send again, as plain TCP. Data under no mapping has
 *   no checksum any more (section 3.7: TCP's own is all there is).
 */
int mptcp_fallback_rcv(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                       const uint8_t *payload, uint32_t plen) {
  struct mptcp_conn *c = sf->conn;
  const mptcp_opt_dss *d = &th->dss;
  int dss_map = (th->opts & MPTCP_OPT_DSS) && (d->flags & MPTCP_DSS_MAP);
  if (c->tx_infinite && !c->tx_inf_acked) {
    int peer_inf = dss_map && d->dll == 0;
    if (peer_inf) {
      mib_inc(c->stack, MPTCP_MIB_INFINITE_MAP_RX);
      c->rx_infinite = 1;
    }
    if (peer_inf || !(th->opts & MPTCP_OPT_ANY_MPTCP)) {
      c->tx_inf_acked = 1;
      sf->mp = 0;
    }
  }
  if (!c->csum || !dss_map || !d->dll || !d->has_csum || !payload || !plen)
    return 0;
  int fin = (d->flags & MPTCP_DSS_DATA_FIN) != 0;
  uint64_t dsn = (d->flags & MPTCP_DSS_DSN8)
                     ? d->dsn
                     : expand32((uint32_t)d->dsn, c->idsn_remote + 1 + c->rcv_nxt_off);
  if (plen != (uint32_t)d->dll - (fin ? 1u : 0u) || expand32(d->ssn, sf->rcv_nxt) != rel ||
      mptcp_dss_csum(dsn, d->ssn, d->dll, payload, plen) == d->csum)
    return 0;
  mib_inc(c->stack, MPTCP_MIB_DSS_CSUM_BAD);
  sf->ack_now = 1;
  stack_mark_output(c->stack, c);
  return -1;
}

/* Does the DSS checksum of the first data, mapped implicitly by its
 * MP_CAPABLE (DSN IDSN + 1, subflow sequence 1), fail? Only when checksums
 * are on and the option carries one (RFC 8684 sections 3.1 and 3.3). */
static int mpc_data_csum_bad(const struct mptcp_conn *c, const mptcp_opt_mp_capable *m,
                             const uint8_t *payload, uint32_t plen) {
  if (!c->csum || !payload || !plen || m->len != MPTCP_MPC_LEN_DATA_CSUM)
    return 0;
  uint32_t token;
  uint64_t idsn;
  mptcp_key_token_idsn(m->sender_key, &token, &idsn);
  return mptcp_dss_csum(idsn + 1, 1, m->data_len, payload, plen) != m->csum;
}

int mptcp_rcv_options(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                      const uint8_t *payload, uint32_t plen, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;

  if (sf == &c->sf && c->listener_child && !c->key_remote) {
    /* the third ACK (or the first data) of the initial subflow carries
     * both keys; without them there is no MPTCP (section 3.1) */
    if (th->opts & MPTCP_OPT_MP_CAPABLE) {
      const mptcp_opt_mp_capable *m = &th->mpc;
      if (m->len < MPTCP_MPC_LEN_ACK || m->receiver_key != c->key_local) {
        mib_inc(s, MPTCP_MIB_MPC_BAD_KEY);
        return -1;
      }
      if (mpc_data_csum_bad(c, m, payload, plen)) {
        /* the first data was altered on its way (section 3.7): the
         * segment is dropped, the subflow stays in SYN-RCVD, and its
         * retransmission (or a pure ACK with the keys) completes the
         * handshake */
        mib_inc(s, MPTCP_MIB_DSS_CSUM_BAD);
        return MPTCP_RCV_WAIT;
      }
      learn_remote_key(c, m->sender_key);
      mib_inc(s, MPTCP_MIB_MP_CAPABLE_ACTIVE);
      if (m->len >= MPTCP_MPC_LEN_DATA && plen)
        add_mapping(sf, 1, 0, m->data_len);
    } else if (th->opts & MPTCP_OPT_DSS) {
      return MPTCP_RCV_WAIT; /* keys still unknown: wait for the MP_CAPABLE retransmission */
    } else {
      fallback(c);
      return 0;
    }
  } else if (sf == &c->sf && c->listener_child && (th->opts & MPTCP_OPT_MP_CAPABLE) &&
             th->mpc.len >= MPTCP_MPC_LEN_DATA && plen && th->mpc.sender_key == c->key_remote &&
             th->mpc.receiver_key == c->key_local) {
    /* The first data, retransmitted, after a pure third ACK taught us the
     * keys: the initiator still maps it implicitly with MP_CAPABLE (it
     * has seen no DSS from us yet). The mapping holds whenever it comes,
     * as in Linux's mptcp_incoming_options (mpc_map: DSN IDSN + 1,
     * subflow sequence 1); ignored, it left the connection's first bytes
     * unacknowledged until a later retransmission, a back-off further,
     * carried a DSS (once our ACK's DSS had reached the initiator). */
    if (mpc_data_csum_bad(c, &th->mpc, payload, plen)) {
      mib_inc(s, MPTCP_MIB_DSS_CSUM_BAD);
      return -1;
    }
    add_mapping(sf, 1, 0, th->mpc.data_len);
  }
  if (sf == &c->sf && !c->listener_child && !c->mp_fully_established &&
      !(th->flags & (MPTCP_TH_SYN | MPTCP_TH_RST)) && !(th->opts & MPTCP_OPT_ANY_MPTCP)) {
    /* Initiator, before the peer's first DSS: a segment with no MPTCP
     * option at all means the peer fell back to TCP. A listener that got
     * neither our third ACK (MP_CAPABLE with the keys) nor the first data
     * (MP_CAPABLE with its length) before a later segment (a DSS mapping)
     * takes the connection as plain TCP (RFC 8684 section 3.1; Linux
     * counts it as MPCapableFallbackACK) and acknowledges with regular
     * TCP headers, which allows the fallback here too (section 3.7;
     * Linux's check_fully_established falls back on it). Data went once
     * and in order on this one subflow (the path manager and the
     * data-level timer wait for the first DSS), so its data offsets are
     * its sequence numbers - 1, as the peer now reads them. */
    if (!infinite_ok(c)) {
      sf->rst_pending = 1; /* Linux: no fallback possible, reset */
      sf->rst_reason = MPTCP_RST_EMPTCP;
      stack_mark_output(s, c);
      return -1;
    }
    infinite_fallback(c, 0);
    return 0;
  }
  if (sf->is_join && sf->join_ack_pending && !(th->flags & MPTCP_TH_SYN)) {
    /* initiator: the fourth ACK answers our third: data may flow */
    sf->join_ack_pending = 0;
    sf->join_ok = 1;
    sf->rto_backoff = 0; /* the third ACK's back-off ends with its answer */
    mib_inc(s, MPTCP_MIB_JOIN_OK);
    stack_mark_output(s, c);
    pm_subflow_established(sf, now);
  } else if (sf->is_join && sf->join_ok && (th->opts & MPTCP_OPT_MP_JOIN) &&
             th->join.len == MPTCP_JOIN_LEN_ACK) {
    /* responder: the third ACK again. Our fourth ACK was lost, and the
     * initiator, which may send no data before it gets one, retransmits
     * its third until acknowledged (section 3.2): answer every copy */
    sf->ack_now = 1;
    stack_mark_output(s, c);
  }
  if ((th->opts & MPTCP_OPT_MP_FASTCLOSE) && !c->closed && fastclose_ok(c, th)) {
    fastclose_rcvd(sf, 0, now);
    return -1;
  }
  if (th->opts & MPTCP_OPT_MP_FAIL) {
    mib_inc(s, MPTCP_MIB_MP_FAIL_RX);
    mp_fail_rcvd(sf, th);
  }
  if (th->opts & (MPTCP_OPT_ADD_ADDR | MPTCP_OPT_REMOVE_ADDR | MPTCP_OPT_MP_PRIO))
    pm_rcv_options(sf, th, now);
  if (!(th->opts & MPTCP_OPT_DSS))
    return 0;
  const mptcp_opt_dss *d = &th->dss;
  if (!c->mp_fully_established)
    fully_established(c, now);

  if (d->flags & MPTCP_DSS_ACK) {
    uint64_t ref = c->idsn_local + 1 + c->snd_acked;
    uint64_t ack = (d->flags & MPTCP_DSS_ACK8) ? d->data_ack : expand32((uint32_t)d->data_ack, ref);
    uint64_t off = ack - c->idsn_local - 1;
    uint64_t limit = c->snd_nxt_off + (c->data_fin_queued ? 1 : 0);
    if (!mptcp_before64(ack, c->idsn_local + 1) && off <= limit) {
      conn_data_acked(c, off > c->snd_end ? c->snd_end : off);
      /* The receive window is the connection's (RFC 8684 section 3.3.5):
       * its right edge is the Data ACK plus the window of the segment
       * that carries it, whichever subflow brings it, and it does not
       * move left (Linux keeps msk->wnd_end the same way). A subflow
       * whose own last window is stale must not hold the sender back. */
      uint64_t edge = off + ((uint64_t)th->window << sf->snd_wscale);
      if (edge > c->snd_wnd_edge)
        c->snd_wnd_edge = edge;
      if (c->data_fin_queued && off == c->snd_end + 1 && c->snd_nxt_off == c->snd_end &&
          !c->data_fin_acked) {
        c->data_fin_acked = 1;
        c->dfin_timer = MPTCP_TIME_NEVER;
        mptcp_check_close(c, now);
      }
    }
  }
  if (d->flags & MPTCP_DSS_MAP) {
    uint64_t dsn = (d->flags & MPTCP_DSS_DSN8)
                       ? d->dsn
                       : expand32((uint32_t)d->dsn, c->idsn_remote + 1 + c->rcv_nxt_off);
    uint64_t off = dsn - c->idsn_remote - 1;
    int fin = (d->flags & MPTCP_DSS_DATA_FIN) != 0;
    if (fin && d->dll == 1 && d->ssn == 0) {
      /* a DATA_FIN with no data */
      if (off == c->rcv_nxt_off && !c->peer_data_fin)
        peer_data_fin(c, now);
      else if (off > c->rcv_nxt_off)
        c->ooo_fin_off = off;
      else if (c->peer_data_fin && off == c->peer_data_fin_off) {
        /* signalled again: our Data ACK was lost, or went out on a
         * subflow that failed; answer on the subflow that brought it */
        sf->ack_now = 1;
        stack_mark_output(s, c);
      }
    } else if (d->dll) {
      uint32_t dlen = (uint32_t)d->dll - (fin ? 1u : 0u);
      uint64_t ssn = expand32(d->ssn, sf->rcv_nxt);
      if (c->csum && payload && plen == dlen && ssn == rel &&
          mptcp_dss_csum(dsn, d->ssn, d->dll, payload, plen) != d->csum) {
        /* section 3.7: a checksum failure. The segment is dropped (the
         * subflow does not acknowledge it) and MP_FAIL names the DSN of
         * the start of the mapping. With another subflow usable, this one
         * is reset with it (MP_TCPRST "middlebox interference") and its
         * data goes to the others. Alone, MP_FAIL rides on an ACK; the
         * peer answers with an infinite mapping on its retransmission of
         * the segment and both ends fall back to TCP (infinite_rcvd), or,
         * if it cannot fall back, the clean retransmission repairs the
         * mapping. */
        mib_inc(s, MPTCP_MIB_DSS_CSUM_BAD);
        c->mp_fail_dsn = dsn;
        sf->mp_fail_pending = 1;
        if (mptcp_other_usable(c, sf)) {
          sf->rst_reason = MPTCP_RST_EMIDDLEBOX;
          mptcp_sf_failed(sf, now);
          sf->rst_pending = 1;
        } else {
          sf->ack_now = 1;
        }
        stack_mark_output(s, c);
        return -1;
      }
      add_mapping(sf, ssn, off, dlen);
      if (fin) {
        if (off + dlen == c->rcv_nxt_off && !c->peer_data_fin)
          peer_data_fin(c, now);
        else
          c->ooo_fin_off = off + dlen;
      }
    } else {
      /* data-level length 0: the infinite mapping */
      return infinite_rcvd(sf, now);
    }
  }
  return 0;
}

/* ---- closing (section 3.3.3) ---- */

void mptcp_check_close(struct mptcp_conn *c, uint64_t now) {
  if (!c->mp)
    return;
  if (c->data_fin_queued && !c->data_fin_acked && c->snd_nxt_off == c->snd_end &&
      c->dfin_timer == MPTCP_TIME_NEVER) {
    /* all data is mapped: signal the DATA_FIN now and keep doing so until
     * it is acknowledged */
    for (uint8_t i = 0; i < c->n_sf; i++)
      if (c->sfs[i]->join_ok && c->sfs[i]->state >= MPTCP_TCP_ESTABLISHED &&
          !c->sfs[i]->stale) {
        c->sfs[i]->ack_now = 1;
        break;
      }
    c->dfin_rto = c->sf.rto;
    c->dfin_timer = now + c->dfin_rto;
    stack_mark_output(c->stack, c);
  }
  if (c->data_fin_acked && c->peer_data_fin && !c->subflows_closing) {
    /* both DATA_FINs acknowledged: every subflow closes with FIN, and
     * those still open after close_timeout are reset (Linux's
     * mptcp_close_timeout): a FIN on a dead path would be retransmitted
     * for minutes */
    c->subflows_closing = 1;
    c->close_timer = now + c->cfg.close_timeout_ns;
    for (uint8_t i = 0; i < c->n_sf; i++) {
      struct tcp_sf *sf = c->sfs[i];
      if (sf->stale && sf->state != MPTCP_TCP_CLOSED)
        sf->rst_pending = 1; /* its path is presumed dead: a FIN would only
                              * wait out the retry limit */
      else if (sf->state == MPTCP_TCP_ESTABLISHED || sf->state == MPTCP_TCP_CLOSE_WAIT)
        sf->fin_queued = 1;
      else if (sf->state == MPTCP_TCP_SYN_SENT || sf->state == MPTCP_TCP_SYN_RCVD)
        sf->rst_pending = 1;
    }
    stack_mark_output(c->stack, c);
  }
}

/* ---- connection-level retransmission ---- */

/*
 * The subflows' own recovery cannot repair every loss: data one subflow
 * delivered can miss the peer's connection level (its subflow was reset
 * before the data moved up, a middlebox acknowledged it), and then no
 * subflow holds anything unacknowledged while the Data ACK stands still
 * and the peer's window, full of the data above the hole, stops the
 * sender. Linux keeps a connection-level retransmission timer for this
 * (mptcp_retransmit_timer and __mptcp_retrans, net/mptcp/protocol.c):
 * when the Data ACK has not moved for a retransmission timeout, the
 * oldest unacknowledged data is sent again on a subflow with nothing
 * outstanding, regular before backup; a subflow still recovering its own
 * losses is left to do so (Linux's "less aggressive retransmission
 * strategy", mptcp_subflow_get_retrans).
 *
 * The timer is lazy, to cost nothing per ACK: armed while mapped data is
 * unacknowledged, it checks at expiry whether the Data ACK moved since it
 * was armed, and only a full timeout without progress retransmits, at
 * most MPTCP_RTX_CHUNK bytes from the Data ACK, then backs off.
 */
#define MPTCP_RTX_CHUNK (64u * 1024)

static void mptcp_reinject_add(struct mptcp_conn *c, uint64_t start, uint64_t end);
static uint64_t mapping_end(struct mptcp_conn *c, uint64_t off);

/* The connection's timeout: the largest of its usable subflows' RTOs. */
static uint64_t conn_rto(const struct mptcp_conn *c) {
  uint64_t rto = c->sf.rto;
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (mptcp_sf_usable(c->sfs[i]) && c->sfs[i]->rto > rto)
      rto = c->sfs[i]->rto;
  return tcp_rto_backed(rto, c->rtx_backoff, c->cfg.max_rto_ns);
}

/* From conn_write: arms the timer when mapped data awaits its Data ACK. */
void mptcp_rtx_arm(struct mptcp_conn *c, uint64_t now) {
  /* Not before the peer's first DSS: until then it may still fall back to
   * TCP (mptcp_rcv_options), and data mapped twice on the one subflow
   * would reach a TCP peer twice; the subflow's own retransmissions cover
   * its losses meanwhile. */
  if (c->rtx_timer || c->closed || c->snd_acked >= c->snd_nxt_off || !c->mp_fully_established)
    return;
  c->rtx_backoff = 0;
  c->rtx_acked = c->snd_acked;
  c->rtx_timer = now + conn_rto(c);
}

static void mptcp_rtx_timeout(struct mptcp_conn *c, uint64_t now) {
  c->rtx_timer = 0;
  if (c->closed || c->snd_acked >= c->snd_nxt_off)
    return; /* all acknowledged: conn_write arms it again for new data */
  if (c->snd_acked > c->rtx_acked) {
    c->rtx_backoff = 0; /* progress: a new period */
  } else {
    struct tcp_sf *pick = NULL;
    for (uint8_t i = 0; i < c->n_sf; i++) {
      struct tcp_sf *sf = c->sfs[i];
      if (!mptcp_sf_usable(sf) || sf->snd_nxt != sf->snd_una)
        continue;
      if (!pick || (pick->backup && !sf->backup))
        pick = sf;
    }
    if (pick) {
      uint64_t end = c->snd_nxt_off - c->snd_acked > MPTCP_RTX_CHUNK
                         ? c->snd_acked + MPTCP_RTX_CHUNK
                         : c->snd_nxt_off;
      /* up to the end of the mapping the chunk's last byte is in
       * (mapping_end: no copy ends inside an original segment) */
      uint64_t mend = mapping_end(c, end - 1);
      if (mend != UINT64_MAX && mend > end)
        end = mend;
      mib_inc(c->stack, MPTCP_MIB_DATA_RTX);
      mptcp_reinject_add(c, c->snd_acked, end);
      stack_mark_output(c->stack, c);
    }
    /* no progress, whether or not a subflow could take the data: the
     * next check comes later (a connection whose paths are all dead
     * must not wake its host every RTO) */
    if (c->rtx_backoff < 16)
      c->rtx_backoff++;
  }
  c->rtx_acked = c->snd_acked;
  c->rtx_timer = now + conn_rto(c);
}

/* ---- connection timers ---- */

uint64_t mptcp_conn_expiry(const struct mptcp_conn *c) {
  uint64_t e = pm_expiry(c);
  if (c->close_timer && c->close_timer < e) /* 0: not armed */
    e = c->close_timer;
  if (c->rtx_timer && c->rtx_timer < e)
    e = c->rtx_timer;
  return e;
}

void mptcp_conn_handle_timers(struct mptcp_conn *c, uint64_t now) {
  pm_handle_timers(c, now); /* ADD_ADDR retransmissions, REMOVE_ADDR probes */
  if (c->rtx_timer && c->rtx_timer <= now)
    mptcp_rtx_timeout(c, now);
  if (c->close_timer && c->close_timer <= now) {
    c->close_timer = 0;
    for (uint8_t i = 0; i < c->n_sf; i++) {
      struct tcp_sf *sf = c->sfs[i];
      if (sf->state == MPTCP_TCP_CLOSED || sf->state == MPTCP_TCP_TIME_WAIT ||
          sf->rst_pending)
        continue;
      mib_inc(c->stack, MPTCP_MIB_CLOSE_TIMEOUT);
      if (sf->state == MPTCP_TCP_SYN_SENT) {
        tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
        conn_subflow_closed(c, sf, now);
      } else {
        sf->rst_pending = 1;
        sf->rst_reason = MPTCP_RST_EUNSPEC;
      }
    }
    stack_mark_output(c->stack, c);
  }
}

/* ---- connection-level arrival: first copy wins (threat A2) ---- */

/* Compares [off, off + len) of p with the stored copy; 1 if they differ. */
static int stored_differs(const struct mptcp_conn *c, uint64_t off, const uint8_t *p,
                          uint64_t len) {
  uint32_t cap = c->rcv_cap;
  while (len) {
    uint32_t pos = (uint32_t)(off % cap);
    uint32_t n = (uint32_t)(cap - pos < len ? cap - pos : len);
    if (memcmp(c->rcv_ring + pos, p, n))
      return 1;
    off += n;
    p += n;
    len -= n;
  }
  return 0;
}

/*
 * `len` bytes at data offset `off` arrived (inside the window). Bytes at
 * offsets already received keep their first copy, as in Linux (the
 * out-of-order queue keeps what it has); only the holes are filled. With
 * overlap_check, the bytes that overlap a stored copy still in the
 * receive ring (not yet read, or read but not yet overwritten by later
 * bytes: up to the ring's size behind the newest) are compared with it and
 * a difference is counted once per
 * segment (MPTCP_MIB_DUP_DATA_MISMATCH): two subflows disagreeing about
 * the data at one DSN is what an attacker injecting on one path looks
 * like (threat A2). The ranges already held are found in O(log n).
 */
/* overlap_reset: two copies of the data disagree; the connection ends
 * (every subflow reset with MP_TCPRST "MPTCP-specific error") */
static void overlap_mismatch(struct mptcp_conn *c, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  mib_inc(s, MPTCP_MIB_DUP_DATA_MISMATCH);
  if (c->cfg.overlap_reset && !c->closed)
    reset_all(c, MPTCP_RST_EMPTCP, now);
}

void mptcp_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len,
                   uint64_t now) {
  struct mptcp_stack *s = c->stack;
  uint64_t end = off + len;
  int check = c->cfg.overlap_check && p && c->rcv_ring;
  int differs = 0;
  if (end <= c->rcv_nxt_off)
    mib_inc(s, MPTCP_MIB_DSN_DUP);
  if (check) { /* overlap with the in-order bytes still in the ring, read or not */
    uint64_t a = off > c->rcv_hist_from ? off : c->rcv_hist_from;
    uint64_t b = end < c->rcv_nxt_off ? end : c->rcv_nxt_off;
    if (a < b)
      differs |= stored_differs(c, a, p + (a - off), b - a);
  }
  if (end <= c->rcv_nxt_off) {
    if (differs)
      overlap_mismatch(c, now);
    return;
  }
  uint64_t pos = off > c->rcv_nxt_off ? off : c->rcv_nxt_off;
  uint64_t first = pos;
  uint64_t cap_end = c->rcv_read + c->cfg.rcvbuf; /* bytes storable below this */
  for (const struct range *r = rangeset_ceil(&c->rcv_ooo, pos); pos < end;
       r = r ? rangeset_next(&c->rcv_ooo, r) : NULL) {
    uint64_t hole_end = r && r->start < end ? r->start : end;
    if (hole_end > pos && p) { /* a hole: the new bytes fill it */
      uint64_t w_end = hole_end < cap_end ? hole_end : cap_end;
      if (w_end > pos)
        conn_data_in(c, pos, p + (pos - off), (uint32_t)(w_end - pos));
    }
    if (!r || r->start >= end)
      break;
    uint64_t ov_a = r->start > pos ? r->start : pos;
    uint64_t ov_b = r->end < end ? r->end : end;
    if (ov_b > cap_end)
      ov_b = cap_end; /* (only with enforce_conn_window off) */
    if (check && ov_a < ov_b)
      differs |= stored_differs(c, ov_a, p + (ov_a - off), ov_b - ov_a);
    pos = r->end;
  }
  if (differs) {
    overlap_mismatch(c, now);
    if (c->cfg.overlap_reset)
      return; /* reset: nothing more is delivered */
  }
  mptcp_data_rcvd(c, first, (uint32_t)(end - first), now);
}

/* ---- subflows ---- */

struct tcp_sf *mptcp_open_subflow(struct mptcp_conn *c, const mptcp_addr *local,
                                  const mptcp_addr *remote, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  struct tcp_sf *sf;
  if (conn_add_subflow(c, &sf, local, remote) < 0)
    return NULL;
  sf->is_join = 1;
  sf->mp = 1;
  sf->join_ok = 0;
  sf->nonce_local = stack_rand32(s);
  int rv = MPTCP_ERR_ADDR_IN_USE;
  for (int attempt = 0; attempt < 64 && rv == MPTCP_ERR_ADDR_IN_USE; attempt++) {
    if (!local->port)
      sf->local.port = (uint16_t)(32768 + stack_rand32(s) % (60999 - 32768 + 1));
    rv = stack_table_insert(s, sf);
    if (local->port)
      break;
  }
  if (rv < 0) {
    conn_free_subflow(c, sf);
    return NULL;
  }
  tcp_connect(sf, now);
  stack_mark_output(s, c);
  return sf;
}

/* ---- failure handling and reinjection (RFC 8684 section 3.3.6) ---- */

/*
 * A subflow that fails -- it reached its retry limit, was reset, or timed
 * out MPTCP_STALE_RTOS times in a row while another subflow could carry
 * the data (Linux's "stale" subflow) -- leaves the data offsets it holds
 * and the peer has not acknowledged at the data level to the connection,
 * which maps them again, on other subflows, before new data. The receiver
 * keeps the first copy of each byte, so sending a byte twice is harmless.
 *
 * The ranges wait in a small sorted array in the connection. When it is
 * full, everything collapses into one range from the lowest offset to the
 * highest: more is sent again than needed, nothing is forgotten.
 */

static void mptcp_reinject_add(struct mptcp_conn *c, uint64_t start, uint64_t end);
static void mptcp_reinject_sf(struct tcp_sf *sf);

/* Consecutive retransmission timeouts that make a subflow stale. */
#define MPTCP_STALE_RTOS 2

/* May the subflow carry data for the connection (not counting cwnd)? */
int mptcp_sf_usable(const struct tcp_sf *sf) {
  return (sf->state == MPTCP_TCP_ESTABLISHED || sf->state == MPTCP_TCP_CLOSE_WAIT) &&
         sf->join_ok && !sf->fin_queued && !sf->stale && !sf->rst_pending;
}

/* Does a subflow other than sf remain to carry the data? */
int mptcp_other_usable(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i] != sf && mptcp_sf_usable(c->sfs[i]))
      return 1;
  return 0;
}

/* Drops what the peer acknowledged at the data level. */
static void reinject_trim(struct mptcp_conn *c) {
  uint8_t k = 0;
  for (uint8_t i = 0; i < c->n_reinj; i++) {
    struct reinj_range r = c->reinj[i];
    if (r.end <= c->snd_acked)
      continue;
    if (r.start < c->snd_acked)
      r.start = c->snd_acked;
    c->reinj[k++] = r;
  }
  c->n_reinj = k;
}

static void mptcp_reinject_add(struct mptcp_conn *c, uint64_t start, uint64_t end) {
  if (start < c->snd_acked)
    start = c->snd_acked;
  if (end > c->snd_nxt_off)
    end = c->snd_nxt_off; /* never beyond what was mapped */
  if (start >= end)
    return;
  c->no_infinite = 1; /* data mapped twice: no fallback to TCP */
  reinject_trim(c);
  /* position of the first range ending at or after start */
  uint8_t i = 0;
  while (i < c->n_reinj && c->reinj[i].end < start)
    i++;
  /* absorb every range touching [start, end) */
  uint8_t j = i;
  while (j < c->n_reinj && c->reinj[j].start <= end) {
    if (c->reinj[j].start < start)
      start = c->reinj[j].start;
    if (c->reinj[j].end > end)
      end = c->reinj[j].end;
    j++;
  }
  if (i == j && c->n_reinj == MPTCP_REINJ_MAX) {
    /* full: one range over everything */
    if (c->reinj[0].start < start)
      start = c->reinj[0].start;
    if (c->reinj[c->n_reinj - 1].end > end)
      end = c->reinj[c->n_reinj - 1].end;
    c->reinj[0].start = start;
    c->reinj[0].end = end;
    c->n_reinj = 1;
    return;
  }
  /* replace ranges [i, j) by the merged one */
  if (i == j)
    memmove(&c->reinj[i + 1], &c->reinj[i], (size_t)(c->n_reinj - i) * sizeof(c->reinj[0]));
  else if (j > i + 1)
    memmove(&c->reinj[i + 1], &c->reinj[j], (size_t)(c->n_reinj - j) * sizeof(c->reinj[0]));
  c->n_reinj = (uint8_t)(c->n_reinj + 1 - (j - i));
  c->reinj[i].start = start;
  c->reinj[i].end = end;
}

/* Queues the data offsets the subflow holds that are neither acknowledged
 * at the data level nor known to have reached the peer (SACKed records did
 * reach its connection level). */
static void mptcp_reinject_sf(struct tcp_sf *sf) {
  struct mptcp_conn *c = sf->conn;
  if (!c->mp)
    return;
  uint64_t start = 0, end = 0;
  for (uint32_t i = 0; i < sf->txq.n; i++) {
    const struct tx_rec *r = txr_at(&sf->txq, i);
    if (!r->len || (r->flags & TXR_SACKED) || r->dsn + r->len <= c->snd_acked)
      continue;
    if (end > start && r->dsn == end) {
      end += r->len;
      continue;
    }
    if (end > start)
      mptcp_reinject_add(c, start, end);
    start = r->dsn;
    end = r->dsn + r->len;
  }
  if (end > start)
    mptcp_reinject_add(c, start, end);
  if (c->n_reinj)
    stack_mark_output(c->stack, c);
}

/* The subflow is gone (retry limit, reset, its address removed): its data
 * goes elsewhere. Not only what it holds unacknowledged: the peer's
 * subflow may have acknowledged data that its connection level never
 * took before the subflow went (Linux moves a subflow's queue up lazily
 * and purges it at the reset), and nothing tells which. So every data
 * offset from the Data ACK up to the highest this subflow carried is
 * mapped again, as Linux's __mptcp_retransmit_pending_data does when its
 * path manager closes a subflow (net/mptcp/protocol.c); the receiver
 * keeps the first copy of each byte. */
void mptcp_sf_failed(struct tcp_sf *sf, uint64_t now) {
  (void)now;
  struct mptcp_conn *c = sf->conn;
  if (!c->mp)
    return;
  if (sf->data_nxt > c->snd_acked) {
    mptcp_reinject_add(c, c->snd_acked, sf->data_nxt);
    stack_mark_output(c->stack, c);
  }
}

/*
 * A retransmission timeout on the subflow (after the back-off grew). Its
 * data that the peer has not acknowledged at the data level goes to the
 * other subflows at every timeout, the first one included, as Linux does
 * (the multipath-tcp.org kernel's mptcp_sub_retransmit_timer reinjects
 * the subflow's queue on each RTO; upstream net/mptcp's __mptcp_retrans
 * sends the connection's oldest unacknowledged data again on a subflow
 * with nothing outstanding): one lost segment on one subflow must not
 * hold the connection's head behind an exponential back-off. At
 * MPTCP_STALE_RTOS in a row it also turns stale (no new data). An ACK of
 * new data ends both (tcp_input.c).
 *
 * With no other usable subflow yet (a join still under way, say), the
 * subflow waits in rto_reinj_wait: its data is reinjected as soon as
 * another subflow can take it (mptcp_reinject_waiting, from conn_write),
 * not at its next, backed-off, timeout.
 */
void mptcp_sf_rto(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  (void)now;
  if (!c->mp || sf->stale)
    return;
  if (!mptcp_other_usable(c, sf)) {
    sf->rto_reinj_wait = 1;
    c->rto_reinj_wait = 1;
    return;
  }
  sf->rto_reinj_wait = 0;
  if (sf->rto_backoff >= MPTCP_STALE_RTOS) {
    sf->stale = 1;
    mib_inc(c->stack, MPTCP_MIB_SUBFLOW_STALE);
  }
  mptcp_reinject_sf(sf);
}

/* Subflows that timed out while no other could take their data: now that
 * one can, their data goes to it (unless an ACK of new data came first). */
void mptcp_reinject_waiting(struct mptcp_conn *c) {
  c->rto_reinj_wait = 0;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!sf->rto_reinj_wait)
      continue;
    if (!c->mp || sf->rto_backoff == 0 || sf->snd_una == sf->snd_nxt || sf->stale) {
      sf->rto_reinj_wait = 0;
    } else if (mptcp_other_usable(c, sf)) {
      sf->rto_reinj_wait = 0;
      mptcp_reinject_sf(sf);
    } else {
      c->rto_reinj_wait = 1;
    }
  }
}

/*
 * Where the mapping that carried data offset `off` ends (UINT64_MAX when
 * not known). Data mapped again keeps the boundaries of its first
 * mapping: each copy covers part of one original segment, never two, and
 * the copies of a range end where an original segment ends. So the
 * receiver finds every segment, copy or original, either wholly new or
 * wholly a duplicate, never one it must split at its Data ACK (only the
 * first copy of a range, which starts at the Data ACK, may start inside
 * one). Linux's sender likewise sends data again a whole fragment at a
 * time (__mptcp_retrans: from the head of its retransmission queue to the
 * fragment's end), and its receiver drops a partly duplicate segment whole
 * (__mptcp_move_skb) or, in kernels that split it, may get it wrong:
 * copies that crossed the originals' boundaries, after a data-level
 * timeout, preceded a wrong byte at Linux 6.18's application where they
 * ended (doc/interop.md).
 *
 * The boundaries are the ends of the mappings of new data (the map_end
 * ring, from the Data ACK to snd_nxt_off: 8 bytes per segment in flight;
 * the subflows' records no longer hold what a subflow had acknowledged);
 * a copy ends where an original ends, so no new boundary appears.
 */
static void map_trim(struct mptcp_conn *c) {
  while (c->map_n && c->map_end[c->map_head] <= c->snd_acked) {
    c->map_head = (c->map_head + 1) & (c->map_cap - 1);
    c->map_n--;
  }
}

static void mptcp_data_mapped(struct mptcp_conn *c, uint64_t end) {
  map_trim(c);
  if (c->map_n == c->map_cap) {
    uint32_t ncap = c->map_cap ? c->map_cap * 2 : 64;
    uint64_t *n = stack_alloc(c->stack, ncap * sizeof(*n));
    if (!n)
      return; /* this boundary stays unknown: a copy may run across it */
    for (uint32_t i = 0; i < c->map_n; i++)
      n[i] = c->map_end[(c->map_head + i) & (c->map_cap - 1)];
    if (c->map_end)
      stack_free(c->stack, c->map_end, c->map_cap * sizeof(*n));
    c->map_end = n;
    c->map_cap = ncap;
    c->map_head = 0;
  }
  c->map_end[(c->map_head + c->map_n) & (c->map_cap - 1)] = end;
  c->map_n++;
}

static uint64_t mapping_end(struct mptcp_conn *c, uint64_t off) {
  map_trim(c);
  uint32_t lo = 0, hi = c->map_n; /* the first end above off */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c->map_end[(c->map_head + mid) & (c->map_cap - 1)] <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < c->map_n ? c->map_end[(c->map_head + lo) & (c->map_cap - 1)] : UINT64_MAX;
}

/* The next range to map again, if any: 1 and its offset and length, the
 * length ending where the first mapping of its first byte ended. */
int mptcp_reinject_peek(struct mptcp_conn *c, uint64_t *off, uint64_t *len) {
  if (!c->n_reinj)
    return 0;
  reinject_trim(c);
  if (!c->n_reinj)
    return 0;
  *off = c->reinj[0].start;
  *len = c->reinj[0].end - c->reinj[0].start;
  uint64_t end = mapping_end(c, *off);
  if (end - *off < *len)
    *len = end - *off;
  return 1;
}

/* [off, off + len) of the first range was mapped again. */
void mptcp_reinject_consume(struct mptcp_conn *c, uint64_t off, uint64_t len) {
  if (!c->n_reinj || c->reinj[0].start != off)
    return;
  c->reinj[0].start += len;
  if (c->reinj[0].start >= c->reinj[0].end) {
    c->n_reinj--;
    memmove(&c->reinj[0], &c->reinj[1], (size_t)c->n_reinj * sizeof(c->reinj[0]));
  }
}

/* ---- the subflows' upper layer (sf_upper.h) ---- */

static void mptcp_up_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack) {
  if (sf->is_join)
    mptcp_join_syn_options(sf, h, synack);
  else
    mptcp_syn_options(sf, h, synack);
}

static int mptcp_up_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  if (sf->is_join)
    return mptcp_join_rcv_synack(sf, th);
  mptcp_rcv_synack(sf, th, now);
  return 0;
}

const struct sf_upper_ops sf_upper_mptcp = {
    .syn_options = mptcp_up_syn_options,
    .rcv_syn = mptcp_rcv_syn,
    .rcv_synack = mptcp_up_rcv_synack,
    .rcv_join_ack = mptcp_join_rcv_ack,
    .established = mptcp_subflow_established,
    .write_options = mptcp_write_options,
    .rst_options = mptcp_rst_options,
    .rcv_options = mptcp_rcv_options,
    .fallback_rcv = mptcp_fallback_rcv,
    .rcv_rst = mptcp_rcv_rst,
    .map_lookup = mptcp_map_lookup,
    .data_in = mptcp_data_in,
    .other_usable = mptcp_other_usable,
    .failed = mptcp_sf_failed,
    .rto = mptcp_sf_rto,
    .next_data = mptcp_reinject_peek,
    .data_sent = mptcp_reinject_consume,
    .data_mapped = mptcp_data_mapped,
};
