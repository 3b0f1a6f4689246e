/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building the segments a subflow sends: SYN, SYN/ACK, retransmissions,
 * new data, FIN, zero-window probes, ACKs and RSTs, in that priority, and
 * the options each carries.
 */
#include "internal.h"
#include "wire.h"

static uint32_t ts_now(const struct tcp_sf *sf, uint64_t now) {
  /* A 1 ms timestamp clock (Linux's), offset per connection. */
  return (uint32_t)(now / MPTCP_MS) + sf->ts_offset;
}

/* The receive window is the connection's: the space between the next
 * in-order data offset and the buffer's right edge (RFC 8684 section
 * 3.3.5; in plain TCP the same thing). */
uint64_t tcp_rcv_window(const struct tcp_sf *sf) {
  const struct mptcp_conn *c = sf->conn;
  uint64_t edge = c->owner->rcv_space(c);
  return edge > c->rcv_nxt_off ? edge - c->rcv_nxt_off : 0;
}

/* The window to advertise, never moving the right edge back (RFC 9293
 * section 3.8.6.2.2) and opening it only by useful steps (SWS avoidance). */
static uint64_t advertise_window(struct tcp_sf *sf) {
  struct mptcp_conn *c = sf->conn;
  const mptcp_config *cfg = &c->cfg;
  uint64_t step = cfg->rcvbuf / 2 < sf->mss ? cfg->rcvbuf / 2 : sf->mss;
  if (c->mp) {
    /* MPTCP: the window is the connection's and counts from the Data ACK
     * every segment carries (RFC 8684 section 3.3.5), so its right edge
     * is kept in data offsets: it never moves left and opens by useful
     * steps, whichever subflow advertises it. Kept per subflow, a subflow
     * that received nothing lately would offer its old window from the
     * newer Data ACK, past the connection's buffer (Linux keeps the edge
     * per connection too: rcv_wnd_sent). */
    uint64_t edge = c->owner->rcv_space(c);
    if (edge > c->rcv_adv_off && (edge - c->rcv_adv_off >= step || c->rcv_adv_off <= c->rcv_nxt_off))
      c->rcv_adv_off = edge;
    if (c->rcv_adv_off < c->rcv_nxt_off)
      c->rcv_adv_off = c->rcv_nxt_off;
    uint64_t w = c->rcv_adv_off - c->rcv_nxt_off;
    if (sf->rcv_adv < sf->rcv_nxt + w) /* the subflow's acceptance test */
      sf->rcv_adv = sf->rcv_nxt + w;
    return w;
  }
  uint64_t edge = sf->rcv_nxt + tcp_rcv_window(sf); /* in this subflow's space */
  if (edge > sf->rcv_adv && (edge - sf->rcv_adv >= step || sf->rcv_adv <= sf->rcv_nxt))
    sf->rcv_adv = edge;
  if (sf->rcv_adv < sf->rcv_nxt)
    sf->rcv_adv = sf->rcv_nxt;
  return sf->rcv_adv - sf->rcv_nxt;
}

static void add_sack_blocks(struct tcp_sf *sf, mptcp_tcphdr *h) {
  const struct rangeset *rs = &sf->rcv_ranges;
  if (!sf->sack_ok || !rs->n)
    return;
  int max = sf->ts_ok ? 3 : 4; /* what fits in 40 option bytes */
  int n = 0;
  /* RFC 2018 section 4: the first block holds the most recent segment,
   * then the most recently reported others. */
  for (int i = 0; i < sf->n_sack_recent && n < max; i++) {
    const struct range *r = rangeset_find(rs, sf->sack_recent[i]);
    if (!r)
      continue;
    int dup = 0;
    for (int k = 0; k < n; k++)
      if (h->sack[k].left == sf->irs + (uint32_t)r->start)
        dup = 1;
    if (dup)
      continue;
    h->sack[n].left = sf->irs + (uint32_t)r->start;
    h->sack[n].right = sf->irs + (uint32_t)r->end;
    n++;
  }
  for (const struct range *it = rangeset_first(rs); it && n < max;
       it = rangeset_next(rs, it)) {
    uint32_t l = sf->irs + (uint32_t)it->start;
    int dup = 0;
    for (int k = 0; k < n; k++)
      if (h->sack[k].left == l)
        dup = 1;
    if (dup)
      continue;
    h->sack[n].left = l;
    h->sack[n].right = sf->irs + (uint32_t)it->end;
    n++;
  }
  if (n) {
    h->opts |= MPTCP_OPT_SACK;
    h->n_sack = (uint8_t)n;
  }
}

static void base_header(struct tcp_sf *sf, mptcp_tcphdr *h, uint64_t seq,
                        uint8_t flags, uint64_t now) {
  memset(h, 0, offsetof(mptcp_tcphdr, mss));
  h->sport = sf->local.port;
  h->dport = sf->remote.port;
  h->seq = sf->iss + (uint32_t)seq;
  h->flags = flags;
  if (flags & MPTCP_TH_ACK)
    h->ack = sf->irs + (uint32_t)sf->rcv_nxt;
  if (!(flags & MPTCP_TH_RST)) {
    /* every segment but a RST offers the window; a SYN's is unscaled
     * (RFC 7323 section 2.2) */
    uint64_t w = advertise_window(sf);
    if (flags & MPTCP_TH_SYN) {
      h->window = (uint16_t)(w > 65535 ? 65535 : w);
    } else {
      w >>= sf->rcv_wscale;
      h->window = (uint16_t)(w > 65535 ? 65535 : w);
    }
  }
  if (sf->ts_ok && !(flags & MPTCP_TH_RST)) {
    h->opts |= MPTCP_OPT_TIMESTAMP;
    h->ts_val = ts_now(sf, now);
    h->ts_ecr = (flags & MPTCP_TH_ACK) ? sf->ts_recent : 0;
  }
}

static void syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack, uint64_t now) {
  const mptcp_config *cfg = &sf->conn->cfg;
  h->opts |= MPTCP_OPT_MSS;
  h->mss = cfg->mss;
  if (synack ? sf->sack_ok : cfg->sack)
    h->opts |= MPTCP_OPT_SACK_PERM;
  if (synack ? sf->ws_ok : cfg->window_scaling) {
    h->opts |= MPTCP_OPT_WSCALE;
    h->wscale = sf->rcv_wscale;
  }
  if (synack ? sf->ts_ok : cfg->timestamps) {
    h->opts |= MPTCP_OPT_TIMESTAMP;
    h->ts_val = ts_now(sf, now);
    h->ts_ecr = synack ? sf->ts_recent : 0;
  }
}

/* Encodes h and the payload for [dsn, dsn+len) into buf. */
static int emit(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                mptcp_tcphdr *h, uint64_t dsn, uint32_t len, const struct tx_rec *r) {
  const mptcp_config *cfg = &sf->conn->cfg;
  if (sf->mp && !(h->flags & (MPTCP_TH_SYN | MPTCP_TH_RST))) {
    const uint8_t *pl = NULL;
    if (len && !cfg->virtual_payload && sf->conn->csum) {
      if ((size_t)MPTCP_TCP_HDR_MAX + len > cap)
        return MPTCP_ERR_NOBUF;
      /* the DSS checksum needs the payload first: copy it in place */
      sf->conn->owner->copy_out(sf->conn, dsn, buf + MPTCP_TCP_HDR_MAX, len);
      pl = buf + MPTCP_TCP_HDR_MAX;
    }
    sf->conn->up->write_options(sf, h, r, len, pl);
  } else if (sf->mp && (h->flags & MPTCP_TH_RST)) {
    sf->conn->up->rst_options(sf, h);
  }
  /* The header is sized and written in one pass: the encoder refuses
   * (without writing) options that do not fit in 40 bytes or a buffer too
   * small, and a payload copied for the DSS checksum sits past the largest
   * header, where the encoder does not reach. */
  int hl = mptcp_tcphdr_encode(buf, cap, h);
  while (hl == MPTCP_ERR_OPT_SPACE && (h->opts & MPTCP_OPT_SACK)) {
    /* SACK blocks yield to the other options (RFC 2018 section 3 allows
     * fewer blocks; MPTCP's DSS has no such freedom) */
    if (--h->n_sack == 0)
      h->opts &= ~MPTCP_OPT_SACK;
    hl = mptcp_tcphdr_encode(buf, cap, h);
  }
  if (hl < 0)
    return hl;
  size_t total = (size_t)hl + (cfg->virtual_payload ? 0 : len);
  if (total > cap)
    return MPTCP_ERR_NOBUF;
  if (len && !cfg->virtual_payload) {
    if (sf->mp && sf->conn->csum) /* payload already copied after 60 bytes */
      memmove(buf + hl, buf + MPTCP_TCP_HDR_MAX, len);
    else
      sf->conn->owner->copy_out(sf->conn, dsn, buf + hl, len);
  }
  /* With a virtual payload there are no bytes to sum: such segments carry
   * no checksum and the receiver does not verify them; segments without
   * payload are checksummed in either mode. */
  if (cfg->tcp_checksum && !(cfg->virtual_payload && len)) {
    uint16_t c = sf->local.family == 6
                     ? mptcp_tcp_checksum_ipv6(sf->local.ip, sf->remote.ip, buf, total)
                     : mptcp_tcp_checksum_ipv4(sf->local.ip, sf->remote.ip, buf, total);
    put_be16(buf + 16, c);
  }
  seg->src = sf->local;
  seg->dst = sf->remote;
  seg->hdr_len = (size_t)hl;
  seg->len = total;
  seg->payload_len = len;
  seg->payload_virtual = cfg->virtual_payload && len;
  sf->segs_sent++;
  if (h->flags & MPTCP_TH_ACK) {
    /* Any segment with ACK acknowledges everything received. */
    sf->ack_now = 0;
    sf->delack_segs = 0;
    sf->timers[SF_TIMER_DELACK] = MPTCP_TIME_NEVER;
    sf->last_ack_sent = sf->rcv_nxt;
  }
  return 1;
}

static int send_syn(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                    uint64_t now) {
  mptcp_tcphdr h;
  int synack = sf->state == MPTCP_TCP_SYN_RCVD;
  base_header(sf, &h, 0, MPTCP_TH_SYN | (synack ? MPTCP_TH_ACK : 0), now);
  h.opts &= ~MPTCP_OPT_TIMESTAMP;
  syn_options(sf, &h, synack, now);
  sf->conn->up->syn_options(sf, &h, synack);
  sf->syn_pending = 0;
  if (!sf->syn_sent_ns_valid) {
    sf->syn_sent_ns = now;
    sf->syn_sent_ns_valid = 1;
  }
  if (sf->snd_nxt < 1)
    sf->snd_nxt = 1;
  if (sf->timers[SF_TIMER_RTX] == MPTCP_TIME_NEVER)
    tcp_arm_timer(sf, SF_TIMER_RTX,
                  now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));
  sf->timers[SF_TIMER_DELACK] = MPTCP_TIME_NEVER;
  return emit(sf, seg, buf, cap, &h, 0, 0, NULL);
}

/* May a segment of `len` bytes go out under cwnd now? */
static int cwnd_allows(const struct tcp_sf *sf, uint32_t len) {
  uint64_t inflight = tcp_in_flight(sf);
  if (len == 0)
    return 1;
  return inflight + len <= sf->cwnd || inflight == 0;
}

static int send_data(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                     struct tx_rec *r, int retrans, uint64_t now) {
  mptcp_tcphdr h;
  uint8_t flags = MPTCP_TH_ACK;
  if (r->flags & TXR_FIN)
    flags |= MPTCP_TH_FIN;
  if (r->len)
    flags |= MPTCP_TH_PSH;
  base_header(sf, &h, r->seq, flags, now);
  add_sack_blocks(sf, &h);
  int rv = emit(sf, seg, buf, cap, &h, r->dsn, r->len, r);
  if (rv < 0)
    return rv;
  r->sent_ns = now;
  sf->bytes_sent += r->len;
  if (retrans) {
    r->flags |= TXR_RETRANS | TXR_EVER_RETRANS;
    sf->retrans_bytes += r->len;
    sf->bytes_retrans += r->len;
    sf->retrans_segs++;
    mib_inc(sf->conn->stack, MPTCP_MIB_RETRANS_SEGS);
  }
  if (sf->ca_state == TCP_CA_RECOVERY)
    sf->prr_out += r->len;
  if (sf->timers[SF_TIMER_RTX] == MPTCP_TIME_NEVER)
    tcp_arm_timer(sf, SF_TIMER_RTX,
                  now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));
  return rv;
}

static int send_control(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf,
                        size_t cap, uint64_t seq, uint8_t flags, uint64_t now) {
  mptcp_tcphdr h;
  base_header(sf, &h, seq, flags, now);
  if (!(flags & MPTCP_TH_RST))
    add_sack_blocks(sf, &h);
  return emit(sf, seg, buf, cap, &h, 0, 0, NULL);
}

int tcp_cwnd_room(const struct tcp_sf *sf) { return cwnd_allows(sf, sf->mss); }

/* Data already mapped on another subflow, mapped again here under a new
 * subflow sequence range (as a reinjection, RFC 8684 section 3.3.6): under
 * cwnd, never Nagle-held, and inside the peer's window since it was when
 * first sent (the right edge never moves back). */
int tcp_write_mapped(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                     uint64_t now, uint64_t off, uint64_t len) {
  struct mptcp_conn *c = sf->conn;
  int can_send_data = sf->state == MPTCP_TCP_ESTABLISHED || sf->state == MPTCP_TCP_CLOSE_WAIT;
  if (!c->mp || !can_send_data || sf->fin_sent || !sf->join_ok || !len ||
      off + len > c->snd_nxt_off)
    return 0;
  uint32_t n = (uint32_t)(len < sf->mss ? len : sf->mss);
  if (!cwnd_allows(sf, n) || txq_push(sf, sf->snd_nxt, off, n, 0, now) < 0)
    return 0;
  struct tx_rec *r = txr_at(&sf->txq, sf->txq.n - 1);
  sf->snd_nxt += n;
  c->no_infinite = 1; /* data mapped twice: no fallback to TCP */
  if (off + n > sf->data_nxt)
    sf->data_nxt = off + n;
  return send_data(sf, seg, buf, cap, r, 0, now);
}

/* Our FIN takes the next sequence number: FIN-WAIT-1, or LAST-ACK after
 * the peer's FIN (RFC 9293 section 3.6). */
static void take_fin(struct tcp_sf *sf, uint64_t now) {
  sf->fin_sent = 1;
  sf->fin_seq = sf->snd_nxt;
  sf->snd_nxt += 1;
  tcp_set_state(sf, sf->state == MPTCP_TCP_CLOSE_WAIT ? MPTCP_TCP_LAST_ACK
                                                      : MPTCP_TCP_FIN_WAIT1, now);
}

static int send_fin_alone(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                          uint64_t off, uint64_t now) {
  if (txq_push(sf, sf->snd_nxt, off, 0, TXR_FIN, now) < 0)
    return 0;
  struct tx_rec *r = txr_at(&sf->txq, sf->txq.n - 1);
  take_fin(sf, now);
  return send_data(sf, seg, buf, cap, r, 0, now);
}

int tcp_write(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
              uint64_t now, int what) {
  struct mptcp_conn *c = sf->conn;
  if (what & TCP_WR_URGENT) {
    if (sf->rst_pending) {
      sf->rst_pending = 0;
      int rv = send_control(sf, seg, buf, cap, sf->snd_nxt, MPTCP_TH_RST | MPTCP_TH_ACK, now);
      tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
      c->owner->sf_rst_sent(sf, now);
      return rv;
    }
  }
  switch (sf->state) {
  case MPTCP_TCP_CLOSED:
  case MPTCP_TCP_LISTEN:
    return 0;
  case MPTCP_TCP_SYN_SENT:
  case MPTCP_TCP_SYN_RCVD:
    if (sf->syn_pending && (what & TCP_WR_URGENT))
      return send_syn(sf, seg, buf, cap, now);
    return 0;
  default:
    break;
  }

  int can_send_data = sf->state == MPTCP_TCP_ESTABLISHED ||
                      sf->state == MPTCP_TCP_CLOSE_WAIT ||
                      sf->state == MPTCP_TCP_FIN_WAIT1 || sf->state == MPTCP_TCP_CLOSING ||
                      sf->state == MPTCP_TCP_LAST_ACK;

  /* 0. With MPTCP a data segment has no room for SACK blocks next to the
   * DSS option (40 option bytes): an ACK that must report holes goes out
   * on its own, before data could carry it without them. */
  if (sf->mp && sf->ack_now && sf->sack_ok && sf->rcv_ranges.n && can_send_data &&
      (what & TCP_WR_URGENT))
    return send_control(sf, seg, buf, cap, sf->snd_nxt, MPTCP_TH_ACK, now);
  /* Likewise the path-manager signals (ADD_ADDR, REMOVE_ADDR, MP_PRIO,
   * MP_FAIL): they ride on a pure ACK, as in Linux, not next to a mapping */
  if (sf->mp && can_send_data && (what & TCP_WR_URGENT) && c->owner->signal_pending(sf))
    return send_control(sf, seg, buf, cap, sf->snd_nxt, MPTCP_TH_ACK, now);

  /* 1. Retransmissions (RFC 6675 NextSeg rule 1), under cwnd. */
  if (can_send_data && (what & TCP_WR_URGENT)) {
    struct tx_rec *r = tcp_next_retrans(sf);
    if (r && cwnd_allows(sf, r->len))
      return send_data(sf, seg, buf, cap, r, 1, now);
  }

  /* 2. New data (NextSeg rule 2), under cwnd and the peer's window. With
   * MPTCP the data comes from the connection's next unmapped offset and
   * the window is counted from the Data ACK (RFC 8684 section 3.3.5). */
  uint64_t off = c->mp ? c->snd_nxt_off : sf->snd_nxt - 1;
  uint64_t avail = sf->fin_sent ? 0 : conn_unsent(c, off);
  /* Data a failed subflow held goes first: a new subflow sequence range
   * mapped onto the old data offsets (RFC 8684 section 3.3.6). */
  uint64_t rj_off = 0, rj_len = 0;
  int reinject = c->mp && (what & TCP_WR_NEW) && !sf->fin_sent && !sf->stale &&
                 c->up->next_data(c, &rj_off, &rj_len);
  if (reinject) {
    off = rj_off;
    avail = rj_len;
  }
  uint64_t wnd_room;
  if (c->mp) {
    /* The right edge the peer announced with its latest Data ACK, on
     * whichever subflow (mptcp_rcv_options): a subflow's own last window
     * came with an older Data ACK, and counting it from the newest one
     * overshoots the peer's window, whose excess it drops after the
     * subflow acknowledged it (Linux: NoDSSInWindow). Before any Data
     * ACK, the handshake's window counts from offset 0. */
    uint64_t edge = c->snd_wnd_edge ? c->snd_wnd_edge : c->snd_acked + sf->snd_wnd;
    wnd_room = edge > off ? edge - off : 0;
  } else {
    uint64_t wnd_end = sf->snd_una + sf->snd_wnd;
    wnd_room = wnd_end > sf->snd_nxt ? wnd_end - sf->snd_nxt : 0;
  }
  if (can_send_data && (what & TCP_WR_NEW) && !sf->fin_sent && sf->join_ok) {
    uint32_t len = (uint32_t)(avail < sf->mss ? avail : sf->mss);
    if (len > wnd_room)
      len = (uint32_t)wnd_room;
    int fin = !c->mp && sf->fin_queued && len == avail;
    /* Nagle (RFC 9293 section 3.7.4), unless cfg.nodelay: a short segment
     * waits while data is unacknowledged, unless it completes the stream. */
    int last = c->mp ? c->data_fin_queued : sf->fin_queued;
    int nagle_hold = !c->cfg.nodelay && len < sf->mss && !(last && len == avail) &&
                     sf->snd_nxt > sf->snd_una && !reinject;
    if (len > 0 && !nagle_hold && cwnd_allows(sf, len)) {
      uint32_t flags = fin ? TXR_FIN : 0;
      if (txq_push(sf, sf->snd_nxt, off, len, flags, now) < 0)
        return 0; /* out of memory: try again later */
      struct tx_rec *r = txr_at(&sf->txq, sf->txq.n - 1);
      sf->snd_nxt += len;
      if (reinject) {
        c->up->data_sent(c, off, len);
        mib_inc(c->stack, MPTCP_MIB_REINJECT);
      } else if (c->mp) {
        c->snd_nxt_off += len;
        c->up->data_mapped(c, c->snd_nxt_off);
      }
      if (off + len > sf->data_nxt)
        sf->data_nxt = off + len;
      if (fin)
        take_fin(sf, now);
      return send_data(sf, seg, buf, cap, r, 0, now);
    }
  }
  if (!(what & TCP_WR_REST))
    return 0;

  /* 3. A FIN with no data left to carry it (with MPTCP: the subflow's own
   * FIN, once the DATA_FINs are exchanged). */
  if (can_send_data && sf->fin_queued && !sf->fin_sent && (c->mp || avail == 0))
    return send_fin_alone(sf, seg, buf, cap, c->mp ? c->snd_nxt_off : off, now);

  /* Zero window with data waiting and nothing in flight: the persist
   * timer (the RTX timer) will probe. */
  if (can_send_data && !c->mp && avail && wnd_room == 0 && sf->snd_nxt == sf->snd_una &&
      sf->timers[SF_TIMER_RTX] == MPTCP_TIME_NEVER)
    tcp_arm_timer(sf, SF_TIMER_RTX,
                  now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));

  /* 4. Zero-window probe: an old sequence number makes the peer answer
   * with its current window (as Linux's tcp_xmit_probe_skb). */
  if (sf->probe_pending) {
    sf->probe_pending = 0;
    mib_inc(c->stack, MPTCP_MIB_ZERO_WINDOW_PROBE);
    return send_control(sf, seg, buf, cap, sf->snd_una - 1, MPTCP_TH_ACK, now);
  }

  /* 5. A pure ACK. The third ACK of a join is one too; until the fourth
   * ACK answers it, the RTX timer sends it again (RFC 8684 section 3.2). */
  if (sf->ack_now) {
    if (sf->join_ack_pending && sf->timers[SF_TIMER_RTX] == MPTCP_TIME_NEVER)
      tcp_arm_timer(sf, SF_TIMER_RTX,
                  now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));
    return send_control(sf, seg, buf, cap, sf->snd_nxt, MPTCP_TH_ACK, now);
  }
  return 0;
}
