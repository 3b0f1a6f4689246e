/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Segment arrival for a subflow (RFC 9293 section 3.10.7), with RFC 5961's
 * blind-attack checks, the ACK path (SACK, RTT, congestion control,
 * recovery entry and exit) and the data path (reassembly, delayed ACKs,
 * FIN). Also the listener's SYN handling and the subflow's timers.
 */
#include "internal.h"

/* ---- set-up, state, timers ---- */

uint8_t tcp_wscale_for(uint32_t rcvbuf) {
  uint8_t s = 0;
  while (s < 14 && (rcvbuf >> s) > 65535)
    s++;
  return s;
}

void tcp_sf_init(struct tcp_sf *sf, struct mptcp_conn *c, const mptcp_addr *local,
                 const mptcp_addr *remote) {
  memset(sf, 0, sizeof(*sf));
  sf->conn = c;
  sf->local = *local;
  sf->remote = *remote;
  sf->state = MPTCP_TCP_CLOSED;
  sf->mss = c->cfg.mss;
  sf->rcv_wscale = c->cfg.window_scaling ? tcp_wscale_for(c->cfg.rcvbuf) : 0;
  sf->rto = c->cfg.initial_rto_ns;
  sf->cc = cc_select(&c->cfg, c->cfg.mptcp);
  sf->ssthresh = UINT64_MAX / 4;
  sf->cwnd = (uint64_t)c->cfg.init_cwnd * sf->mss;
  rangeset_init(&sf->rcv_ranges);
  for (int i = 0; i < SF_TIMER__N; i++)
    sf->timers[i] = MPTCP_TIME_NEVER;
}

void tcp_sf_release(struct tcp_sf *sf) {
  syn_queue_leave(sf); /* freed half-open */
  txq_free(sf);
  rangeset_release(&sf->rcv_ranges, sf->conn->stack);
}

void tcp_arm_timer(struct tcp_sf *sf, int t, uint64_t when) { sf->timers[t] = when; }

/* A join the responder counted as half-open (mptcp_join_listen_input)
 * leaves SYN-RCVD: established, reset or timed out, it no longer counts
 * against max_half_open_joins (threat A5: a limit that failed joins
 * could use up for good would refuse every later join). */
static void join_half_open_done(struct tcp_sf *sf, int state) {
  if (sf->is_join && sf->state == MPTCP_TCP_SYN_RCVD && state != MPTCP_TCP_SYN_RCVD &&
      sf->conn->half_open)
    sf->conn->half_open--;
  /* likewise a listener's child, against listen_backlog */
  if (sf->in_syn_queue && state != MPTCP_TCP_SYN_RCVD)
    syn_queue_leave(sf);
}

void syn_queue_leave(struct tcp_sf *sf) {
  if (!sf->in_syn_queue)
    return;
  sf->in_syn_queue = 0;
  if (sf->conn->stack->syn_queue)
    sf->conn->stack->syn_queue--;
}

void tcp_set_state(struct tcp_sf *sf, int state, uint64_t now) {
  (void)now;
  join_half_open_done(sf, state);
  sf->state = state;
  if (state == MPTCP_TCP_CLOSED) {
    for (int i = 0; i < SF_TIMER__N; i++)
      sf->timers[i] = MPTCP_TIME_NEVER;
    stack_table_remove(sf->conn->stack, sf);
  }
}

void tcp_send_ack_now(struct tcp_sf *sf) { sf->ack_now = 1; }

void tcp_enter_time_wait(struct tcp_sf *sf, uint64_t now) {
  tcp_set_state(sf, MPTCP_TCP_TIME_WAIT, now);
  sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;
  sf->timers[SF_TIMER_DELACK] = MPTCP_TIME_NEVER;
  tcp_arm_timer(sf, SF_TIMER_TW, now + sf->conn->cfg.time_wait_ns);
  sf->conn->owner->sf_time_wait(sf, now);
}

void tcp_rearm_rto(struct tcp_sf *sf, uint64_t now) {
  if (sf->snd_una < sf->snd_nxt)
    tcp_arm_timer(sf, SF_TIMER_RTX,
                  now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));
  else
    sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;
}

/* RFC 6298 section 2 (nanoseconds; G = clock granularity). */
void tcp_rtt_sample(struct tcp_sf *sf, uint64_t rtt, uint64_t now) {
  const mptcp_config *cfg = &sf->conn->cfg;
  if (rtt == 0)
    rtt = 1;
  if (sf->srtt == 0) {
    sf->srtt = rtt;
    sf->rttvar = rtt / 2;
  } else {
    uint64_t diff = sf->srtt > rtt ? sf->srtt - rtt : rtt - sf->srtt;
    sf->rttvar = (3 * sf->rttvar + diff) / 4;
    sf->srtt = (7 * sf->srtt + rtt) / 8;
  }
  if (sf->min_rtt == 0 || rtt < sf->min_rtt)
    sf->min_rtt = rtt;
  uint64_t var4 = 4 * sf->rttvar;
  uint64_t rto = sf->srtt + (var4 > cfg->clock_granularity_ns ? var4 : cfg->clock_granularity_ns);
  if (rto < cfg->min_rto_ns)
    rto = cfg->min_rto_ns;
  if (rto > cfg->max_rto_ns)
    rto = cfg->max_rto_ns;
  sf->rto = rto;
  if (sf->cc->on_rtt)
    sf->cc->on_rtt(sf, rtt, now);
}

/* The RTT of the handshake that just completed (the SYN/ACK at the
 * initiator, the third ACK at the responder). A SYN or SYN/ACK sent once
 * gives a sample from its send time. One retransmitted is ambiguous
 * (Karn's rule), but its timestamp echo is not (RFC 7323 section 4.1;
 * Linux's tcp_ack_update_rtt takes it for the handshake too): without it a
 * connection whose SYN was lost would start with the 1 s initial RTO, so
 * that losing its first flight costs five times the timeout of one whose
 * SYN got through. With neither, RFC 6298 section 5.7: the RTO restarts at
 * 3 s (or the initial RTO if longer), as in Linux's tcp_init_metrics. */
#define TCP_RTO_FALLBACK_NS (3000 * MPTCP_MS)
static void handshake_rtt(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  const mptcp_config *cfg = &sf->conn->cfg;
  if (!sf->syn_rtx && sf->syn_sent_ns_valid) {
    tcp_rtt_sample(sf, now - sf->syn_sent_ns, now);
    return;
  }
  if (sf->ts_ok && (th->opts & MPTCP_OPT_TIMESTAMP) && th->ts_ecr) {
    uint32_t ms = (uint32_t)(now / MPTCP_MS) + sf->ts_offset - th->ts_ecr;
    if (ms < (1u << 31)) {
      tcp_rtt_sample(sf, (uint64_t)(ms ? ms : 1) * MPTCP_MS, now);
      return;
    }
  }
  uint64_t rto = cfg->initial_rto_ns > TCP_RTO_FALLBACK_NS ? cfg->initial_rto_ns : TCP_RTO_FALLBACK_NS;
  sf->rto = rto > cfg->max_rto_ns ? cfg->max_rto_ns : rto;
}

static void establish(struct tcp_sf *sf, uint64_t now) {
  (void)now;
  join_half_open_done(sf, MPTCP_TCP_ESTABLISHED);
  sf->state = MPTCP_TCP_ESTABLISHED;
  /* A data segment of an MPTCP subflow carries a DSS option that plain
   * TCP does not: its payload shrinks by that much so that the packet is
   * no longer than plain TCP's (Linux counts the option space against the
   * MSS the same way). Packets above the path MTU would be fragmented. */
  if (sf->mp && sf->mss >= 64 + MPTCP_DSS_DATA_ROOM)
    sf->mss = (uint16_t)(sf->mss - MPTCP_DSS_DATA_ROOM);
  sf->cwnd = (uint64_t)sf->conn->cfg.init_cwnd * sf->mss;
  sf->ssthresh = UINT64_MAX / 4;
  /* plain TCP by now (mptcp off, or no MP_CAPABLE from the peer): no
   * coupling */
  sf->cc = cc_select(&sf->conn->cfg, sf->conn->mp);
  sf->cc->init(sf);
  sf->conn->up->established(sf, now);
}

/* Options of a SYN or SYN/ACK: what the peer offers. */
static void parse_syn_options(struct tcp_sf *sf, const mptcp_tcphdr *th, int we_offered) {
  const mptcp_config *cfg = &sf->conn->cfg;
  /* Without an MSS option: the configured size, else RFC 9293 section
   * 3.7.1's 536 (IPv4) or 1220 (IPv6). */
  if (th->opts & MPTCP_OPT_MSS)
    sf->peer_mss = th->mss;
  else if (cfg->peer_mss_default)
    sf->peer_mss = cfg->peer_mss_default;
  else
    sf->peer_mss = sf->remote.family == 6 ? 1220 : 536;
  uint16_t m = cfg->mss < sf->peer_mss ? cfg->mss : sf->peer_mss;
  sf->mss = m < 64 ? 64 : m;
  sf->sack_ok = cfg->sack && (th->opts & MPTCP_OPT_SACK_PERM);
  sf->ts_ok = cfg->timestamps && (th->opts & MPTCP_OPT_TIMESTAMP);
  sf->ws_ok = cfg->window_scaling && (th->opts & MPTCP_OPT_WSCALE);
  (void)we_offered;
  if (sf->ws_ok) {
    sf->snd_wscale = th->wscale > 14 ? 14 : th->wscale; /* RFC 7323 2.3 */
  } else {
    sf->snd_wscale = 0;
    sf->rcv_wscale = 0;
  }
  if (sf->ts_ok)
    sf->ts_recent = th->ts_val;
}

/* ---- active and passive open ---- */

void tcp_connect(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_stack *s = sf->conn->stack;
  (void)now;
  sf->iss = stack_rand32(s);
  sf->ts_offset = stack_rand32(s);
  sf->state = MPTCP_TCP_SYN_SENT;
  sf->syn_pending = 1;
  sf->snd_una = 0;
  sf->snd_nxt = 0;
}

/* The passive side of a SYN: sequence numbers, options, SYN-RCVD. */
void tcp_accept_syn(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  struct mptcp_stack *s = sf->conn->stack;
  sf->iss = stack_rand32(s);
  sf->ts_offset = stack_rand32(s);
  sf->irs = th->seq;
  sf->rcv_nxt = 1;
  parse_syn_options(sf, th, 1);
  sf->snd_wnd = th->window; /* never scaled in a SYN */
  sf->state = MPTCP_TCP_SYN_RCVD;
  sf->syn_pending = 1;
  sf->rcv_adv = sf->rcv_nxt;
}

/* ---- the ACK path ---- */

/* A subflow closes. In plain TCP that closes the connection; with MPTCP
 * only the last subflow's close does (RFC 8684 section 3.3.3), and a
 * reset of one subflow leaves the others carrying the data. `cause` and
 * `rst` say what ended it (enum mptcp_reset_cause, MP_TCPRST reason or
 * -1) when that ends the connection abnormally. */
static void close_conn(struct tcp_sf *sf, int reason, int cause, int rst, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (cause == MPTCP_RESET_PEER_RST) {
    sf->rst_rx = 1;
    sf->rst_rx_reason = (int16_t)rst;
  }
  if (c->mp && reason != MPTCP_CLOSE_NORMAL)
    c->up->failed(sf, now); /* its unacknowledged data goes elsewhere */
  tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
  c->owner->sf_closed(sf, reason, cause, rst, now);
}

/* The MP_TCPRST reason of a received RST, or -1 without one. */
static int rst_reason_of(const mptcp_tcphdr *th) {
  return (th->opts & MPTCP_OPT_MP_TCPRST) ? th->tcprst.reason : -1;
}

static void our_fin_acked(struct tcp_sf *sf, uint64_t now) {
  switch (sf->state) {
  case MPTCP_TCP_FIN_WAIT1:
    sf->state = MPTCP_TCP_FIN_WAIT2;
    break;
  case MPTCP_TCP_CLOSING:
    tcp_enter_time_wait(sf, now);
    break;
  case MPTCP_TCP_LAST_ACK:
    close_conn(sf, MPTCP_CLOSE_NORMAL, MPTCP_RESET_NONE, -1, now);
    break;
  default:
    break;
  }
}

static void tcp_ack(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t ack,
                    uint64_t seq_rel, uint32_t plen, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  uint64_t old_una = sf->snd_una;
  uint64_t old_wnd = sf->snd_wnd;

  /* Window update (RFC 9293 section 3.10.7.4, SND.WL1/WL2 rule). */
  if (sf->snd_wl1 < seq_rel || (sf->snd_wl1 == seq_rel && sf->snd_wl2 <= ack)) {
    sf->snd_wnd = (uint64_t)th->window << sf->snd_wscale;
    sf->snd_wl1 = seq_rel;
    sf->snd_wl2 = ack;
    if (sf->snd_wnd > sf->max_snd_wnd)
      sf->max_snd_wnd = sf->snd_wnd;
  }

  uint64_t sacked_before = sf->sacked_bytes;
  uint64_t sack_first_sent = UINT64_MAX, sack_latest_sent = 0;
  uint64_t newly_sacked =
      sf->sack_ok ? tcp_sack_update(sf, th, &sack_first_sent, &sack_latest_sent) : 0;
  int sampled = 0;
  /* DeliveredData (RFC 6937 section 3): the advance of SND.UNA plus the
   * change in SACKed bytes, which falls when SACKed data is cumulatively
   * acknowledged, so nothing is counted twice. Congestion control grows on
   * the same quantity (Linux's acked_sacked). */
  uint64_t delivered = newly_sacked;

  if (ack > old_una) {
    uint64_t rtt = 0;
    uint64_t before = sf->bytes_acked;
    tcp_clean_acked(sf, ack, now, &rtt);
    uint64_t acked = sf->bytes_acked - before;
    sf->snd_una = ack;
    if (rtt) {
      tcp_rtt_sample(sf, rtt, now);
      sampled = 1;
    }
    if (!c->mp) /* with MPTCP only the Data ACK frees the send buffer */
      c->owner->data_acked(c, sf->fin_sent && ack > sf->fin_seq ? sf->fin_seq - 1 : ack - 1);
    if (!sf->sack_ok && sf->sacked_bytes) {
      /* NewReno: an ACK that advances consumes the duplicate ACKs that
       * stood for segments above the hole (Linux tcp_remove_reno_sacks). */
      uint64_t consumed = acked > sf->mss ? acked - sf->mss : 0;
      if (consumed > sf->sacked_bytes)
        consumed = sf->sacked_bytes;
      sf->sacked_bytes -= consumed;
    }
    delivered = acked + sf->sacked_bytes > sacked_before
                    ? acked + sf->sacked_bytes - sacked_before
                    : 0;
    sf->dupacks = 0;
    sf->rto_backoff = 0;
    sf->stale = 0; /* the path works again */
    if (sf->fin_sent && ack > sf->fin_seq)
      our_fin_acked(sf, now);
    if (sf->state == MPTCP_TCP_CLOSED)
      return;

    if (sf->ca_state == TCP_CA_RECOVERY) {
      if (sf->snd_una >= sf->high_seq) {
        /* RFC 6937: at the end of recovery cwnd = ssthresh. */
        sf->cwnd = sf->ssthresh;
        sf->ca_state = TCP_CA_OPEN;
        if (sf->cc->set_state)
          sf->cc->set_state(sf, TCP_CA_OPEN, now);
        if (!sf->sack_ok)
          sf->sacked_bytes = 0;
        /* The ACK that ends recovery grows the window by the data it newly
         * delivered, as any ACK in the Open state does: Linux's
         * tcp_cong_control calls cong_avoid once tcp_fastretrans_alert
         * has set CA_Open and cwnd = ssthresh. Data SACKed during
         * recovery is not counted again (cwnd_cnt restarted at entry). */
        if (delivered)
          sf->cc->cong_avoid(sf, delivered, now);
      } else {
        if (!sf->sack_ok && sf->txq.n) {
          /* RFC 6582 partial ACK: the next hole is lost too. */
          sf->dupacks = sf->conn->cfg.dupthresh;
          tcp_mark_lost(sf);
        }
      }
    } else {
      if (sf->ca_state == TCP_CA_LOSS && sf->snd_una >= sf->high_seq) {
        sf->ca_state = TCP_CA_OPEN;
        if (sf->cc->set_state)
          sf->cc->set_state(sf, TCP_CA_OPEN, now);
      }
      if (delivered)
        sf->cc->cong_avoid(sf, delivered, now);
    }
    tcp_rearm_rto(sf, now);
    stack_mark_output(s, c);
  } else if (ack == old_una && plen == 0 &&
             !(th->flags & (MPTCP_TH_SYN | MPTCP_TH_FIN)) &&
             sf->snd_una < sf->snd_nxt &&
             (sf->sack_ok ? newly_sacked != 0 : sf->snd_wnd == old_wnd)) {
    /* A duplicate ACK: RFC 5681 section 2 without SACK; with SACK, RFC
     * 6675 section 2: one that SACKs octets not SACKed before (an ACK
     * repeating old SACK information is not evidence of a loss). */
    sf->dupacks++;
    mib_inc(s, MPTCP_MIB_DUP_ACK);
    if (!sf->sack_ok) {
      /* Each duplicate ACK stands for one segment delivered above the
       * hole (RFC 6675's pipe for a peer without SACK). */
      uint64_t room = sf->out_bytes > sf->lost_bytes + sf->sacked_bytes
                          ? sf->out_bytes - sf->lost_bytes - sf->sacked_bytes
                          : 0;
      uint64_t add = room < sf->mss ? room : sf->mss;
      sf->sacked_bytes += add;
      delivered += add;
    }
    stack_mark_output(s, c);
  } else if (newly_sacked) {
    stack_mark_output(s, c);
  }

  /* No sample from the cumulative ACK: the oldest newly SACKed segment
   * gives one (Linux's sack_rtt). */
  if (!sampled && sack_first_sent != UINT64_MAX && now > sack_first_sent) {
    tcp_rtt_sample(sf, now - sack_first_sent, now);
    sampled = 1;
  }
  /* Still none (an ACK of retransmitted data, which Karn's rule excludes):
   * the timestamp echo is unambiguous (RFC 7323 section 4.1), at the 1 ms
   * resolution of the timestamp clock. Without it a timeout episode never
   * gets a sample and a lost retransmission waits out ever longer timers. */
  if (!sampled && ack > old_una && sf->ts_ok && (th->opts & MPTCP_OPT_TIMESTAMP) &&
      th->ts_ecr) {
    uint32_t ms = (uint32_t)(now / MPTCP_MS) + sf->ts_offset - th->ts_ecr;
    if (ms < (1u << 31))
      tcp_rtt_sample(sf, (uint64_t)(ms ? ms : 1) * MPTCP_MS, now);
  }

  if (sf->snd_wnd > old_wnd) {
    if (old_wnd == 0 && sf->snd_una == sf->snd_nxt) {
      /* The zero window opened: the persist timer (RFC 9293 section
       * 3.8.6.1) stops and its back-off ends, so that the data sent now
       * gets a fresh retransmission timer (RFC 6298 section 5.1). */
      sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;
      sf->rto_backoff = 0;
    }
    stack_mark_output(s, c);
  }

  /* Loss detection and entry into recovery (RFC 6675 section 5). */
  if (sf->txq.n && sf->ca_state != TCP_CA_LOSS) {
    if (sf->ca_state == TCP_CA_RECOVERY && sack_latest_sent)
      tcp_lost_retrans(sf, sack_latest_sent);
    tcp_mark_lost(sf);
    if (sf->ca_state == TCP_CA_OPEN &&
        (sf->dupacks >= sf->conn->cfg.dupthresh ||
         (txr_at(&sf->txq, 0)->flags & TXR_LOST))) {
      tcp_enter_recovery(sf, now);
      tcp_mark_lost(sf);
      stack_mark_output(s, c);
    }
  }
  /* PRR runs last, once this ACK's losses are marked: the pipe it sees
   * must already exclude them, or every newly marked loss would let one
   * more segment out beyond what PRR allows. */
  if (sf->ca_state == TCP_CA_RECOVERY)
    tcp_prr_update(sf, delivered);
}

/* ---- the data path ---- */

static void sack_note(struct tcp_sf *sf, uint64_t start) {
  int n = sf->n_sack_recent < 4 ? sf->n_sack_recent : 3;
  memmove(&sf->sack_recent[1], &sf->sack_recent[0], (size_t)n * sizeof(uint64_t));
  sf->sack_recent[0] = start;
  sf->n_sack_recent = (uint8_t)(n + 1);
}

static void peer_fin_in_order(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  sf->peer_fin = 1;
  sf->peer_fin_seq = sf->rcv_nxt;
  sf->rcv_nxt += 1;
  sf->ack_now = 1;
  switch (sf->state) {
  case MPTCP_TCP_SYN_RCVD:
  case MPTCP_TCP_ESTABLISHED:
    sf->state = MPTCP_TCP_CLOSE_WAIT;
    break;
  case MPTCP_TCP_FIN_WAIT1:
    /* our FIN not yet acknowledged: simultaneous close */
    sf->state = MPTCP_TCP_CLOSING;
    break;
  case MPTCP_TCP_FIN_WAIT2:
    tcp_enter_time_wait(sf, now);
    break;
  default:
    break;
  }
  if (c->mp)
    return; /* a subflow FIN is not the end of the data: DATA_FIN is */
  c->peer_data_fin = 1;
  c->peer_data_fin_off = sf->peer_fin_seq - 1;
  if (c->stack->cb.readable && !c->freed_by_app)
    c->stack->cb.readable(c, c->user_data);
}

/* Would storing [start, end) out of order open one range more than
 * max_ofo_ranges allows in `rs` (a subflow's, or the connection's data-level
 * set)? Such a segment is dropped; see mptcp_config.max_ofo_ranges. */
static int ofo_full(const struct rangeset *rs, const struct mptcp_conn *c, uint64_t start,
                    uint64_t end) {
  return c->cfg.max_ofo_ranges && rs->n >= c->cfg.max_ofo_ranges &&
         rangeset_is_new(rs, start, end);
}

/* Grows the receive buffer to hold stream offsets below `end`; when the
 * memory cap refuses, the segment is dropped unacknowledged and counted
 * (returns 1). */
static int rcv_no_room(struct tcp_sf *sf, uint64_t end) {
  if (sf->conn->owner->rcv_reserve(sf->conn, end) == 0)
    return 0;
  mib_inc(sf->conn->stack, MPTCP_MIB_MEM_DROP);
  sf->ack_now = 1;
  return 1;
}

static void tcp_data(struct tcp_sf *sf, uint64_t rel, const uint8_t *payload,
                     uint32_t plen, int fin, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  uint64_t start = rel, end = rel + plen;

  if (plen) {
    if (end <= sf->rcv_nxt) {
      mib_inc(s, MPTCP_MIB_DUP_DATA);
      sf->ack_now = 1; /* the peer may have lost our ACK */
      plen = 0;
    } else {
      if (start < sf->rcv_nxt) {
        mib_inc(s, MPTCP_MIB_PARTIAL_DUP);
        start = sf->rcv_nxt;
      }
      if (!c->mp) {
        uint64_t right = c->owner->rcv_space(c) + 1;
        if (end > right) {
          mib_add(s, MPTCP_MIB_BEYOND_WINDOW, end - right);
          end = right;
          fin = 0;
        }
      }
      if (start >= end) {
        sf->ack_now = 1;
        plen = 0;
      }
    }
  }
  if (plen && start < end && start != sf->rcv_nxt && ofo_full(&sf->rcv_ranges, c, start, end)) {
    mib_inc(s, MPTCP_MIB_OFO_DROP); /* not received: the sender retransmits */
    sf->ack_now = 1;
    return;
  }
  if (plen && start < end && c->mp) {
    /* MPTCP: the mapping gives the data offset; the connection-level
     * window bounds it whichever subflow brings it (RFC 8684 section
     * 3.3.5). Data the connection cannot take is not received at the
     * subflow level either, so the sender retransmits it. */
    uint64_t off;
    uint32_t n = (uint32_t)(end - start);
    if (c->up->map_lookup(sf, start, n, &off) < 0) {
      mib_inc(s, MPTCP_MIB_DSS_NO_MAPPING);
      sf->ack_now = 1;
      return;
    }
    if (off + n > c->owner->rcv_space(c)) {
      mib_inc(s, MPTCP_MIB_DSN_BEYOND_WINDOW);
      if (c->cfg.enforce_conn_window) {
        sf->ack_now = 1;
        return;
      }
    }
    if (off > c->rcv_nxt_off && ofo_full(&c->rcv_ooo, c, off, off + n)) {
      mib_inc(s, MPTCP_MIB_DSN_OFO_DROP); /* nor at the subflow level */
      sf->ack_now = 1;
      return;
    }
    if (payload && rcv_no_room(sf, off + n))
      return;
    /* first arrival wins; overlaps compared (mptcp_proto.c) */
    c->up->data_in(c, off, payload ? payload + (start - rel) : NULL, n, now);
  } else if (plen && start < end && payload) {
    if (rcv_no_room(sf, end - 1))
      return;
    c->owner->data_in(c, start - 1, payload + (start - rel), (uint32_t)(end - start));
  }
  if (plen && start < end) {
    if (start == sf->rcv_nxt) {
      int had_holes = sf->rcv_ranges.n > 0;
      sf->rcv_nxt = end;
      const struct range *r = rangeset_find(&sf->rcv_ranges, sf->rcv_nxt);
      if (r)
        sf->rcv_nxt = r->end;
      rangeset_remove_below(&sf->rcv_ranges, sf->rcv_nxt);
      sf->bytes_received += sf->rcv_nxt - start;
      if (!c->mp)
        c->rcv_nxt_off = sf->rcv_nxt - 1;
      if (had_holes) {
        sf->ack_now = 1; /* RFC 5681 section 4.2: ACK a filled hole at once */
      } else if (end - start >= sf->mss || fin) {
        if (++sf->delack_segs >= c->cfg.delack_count)
          sf->ack_now = 1;
      }
      if (!sf->ack_now && sf->timers[SF_TIMER_DELACK] == MPTCP_TIME_NEVER)
        tcp_arm_timer(sf, SF_TIMER_DELACK, now + c->cfg.delack_timeout_ns);
      if (!c->mp && s->cb.readable && !c->freed_by_app)
        s->cb.readable(c, c->user_data);
    } else {
      if (rangeset_add(&sf->rcv_ranges, s, start, end) < 0) {
        mib_inc(s, MPTCP_MIB_MEM_DROP);
        return;
      }
      mib_inc(s, MPTCP_MIB_OFO_QUEUED);
      sack_note(sf, start);
      sf->ack_now = 1; /* RFC 5681 section 4.2: out of order: ACK at once */
    }
  }
  if (fin) {
    uint64_t fin_seq = rel + (uint64_t)(end > rel ? end - rel : 0);
    if (plen == 0)
      fin_seq = rel;
    if (fin_seq == sf->rcv_nxt && !sf->peer_fin) {
      peer_fin_in_order(sf, now);
    } else {
      if (fin_seq > sf->rcv_nxt)
        sf->ofo_fin_seq = fin_seq; /* process it once the hole fills */
      sf->ack_now = 1;
    }
  } else if (sf->ofo_fin_seq && sf->ofo_fin_seq == sf->rcv_nxt && !sf->peer_fin) {
    peer_fin_in_order(sf, now);
  }
}

/* ---- segment arrival ---- */

/* ACK field (RFC 5961 section 5.2): acceptable when
 * SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT. 0 and *ack (the
 * acknowledged subflow sequence number), or the counter of the refusal:
 * MPTCP_MIB_ACK_TOO_NEW or _TOO_OLD. The distance is taken signed, so an
 * ACK below the ISN is "too old", not a wrapped huge value. */
static int ack_field(const struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t *ack) {
  int64_t ack_d = (int32_t)(th->ack - (sf->iss + (uint32_t)sf->snd_una));
  if (ack_d > 0 && sf->snd_una + (uint64_t)ack_d > sf->snd_nxt)
    return MPTCP_MIB_ACK_TOO_NEW;
  if (ack_d < 0 && ((uint64_t)-ack_d > sf->max_snd_wnd || (uint64_t)-ack_d > sf->snd_una))
    return MPTCP_MIB_ACK_TOO_OLD;
  *ack = sf->snd_una + (uint64_t)ack_d;
  return 0;
}

/* A segment whose ACK field ack_field() refused is dropped: an ACK goes
 * back (for one too old, a rate-limited challenge ACK). */
static void ack_refused(struct tcp_sf *sf, int why, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  mib_inc(c->stack, why);
  if (why == MPTCP_MIB_ACK_TOO_NEW || stack_challenge_ack_allowed(c->stack, now)) {
    sf->ack_now = 1;
    stack_mark_output(c->stack, c);
  }
}

void tcp_input(struct tcp_sf *sf, const mptcp_tcphdr *th, const uint8_t *payload,
               uint32_t plen, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  sf->segs_received++;

  if (sf->state == MPTCP_TCP_CLOSED)
    return;

  if (sf->state == MPTCP_TCP_SYN_SENT) {
    int ack_ok = (th->flags & MPTCP_TH_ACK) && th->ack == sf->iss + 1;
    if ((th->flags & MPTCP_TH_ACK) && !ack_ok) {
      mib_inc(s, MPTCP_MIB_BAD_SYN_ACK);
      if (!(th->flags & MPTCP_TH_RST))
        stack_queue_rst(s, &sf->local, &sf->remote, th->ack, 0, 0);
      return;
    }
    if (th->flags & MPTCP_TH_RST) {
      if (ack_ok) {
        mib_inc(s, MPTCP_MIB_RST_ACCEPTED);
        sf->rst_rx_transient = (th->opts & MPTCP_OPT_MP_TCPRST) &&
                               (th->tcprst.flags & MPTCP_RST_FLAG_T);
        close_conn(sf, MPTCP_CLOSE_REFUSED, MPTCP_RESET_PEER_RST, rst_reason_of(th), now);
      }
      return;
    }
    if (!(th->flags & MPTCP_TH_SYN) || !ack_ok)
      return; /* simultaneous open is not supported: ignore */
    sf->irs = th->seq;
    sf->rcv_nxt = 1;
    sf->rcv_adv = 1;
    parse_syn_options(sf, th, 1);
    if (c->up->rcv_synack(sf, th, now) < 0) {
      /* RFC 8684 section 3.2: a wrong HMAC resets this subflow only */
      sf->rst_pending = 1;
      sf->rst_reason = MPTCP_RST_EMPTCP;
      sf->snd_una = sf->snd_nxt = 1;
      stack_mark_output(s, c);
      return;
    }
    sf->snd_una = 1;
    sf->snd_wnd = th->window;
    sf->max_snd_wnd = sf->snd_wnd;
    sf->snd_wl1 = 0;
    sf->snd_wl2 = 1;
    sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;
    handshake_rtt(sf, th, now);
    establish(sf, now);
    sf->ack_now = 1;
    stack_mark_output(s, c);
    if (!sf->is_join && s->cb.connected && !c->freed_by_app)
      s->cb.connected(c, c->user_data);
    return;
  }

  /* Relative sequence of the segment, nearest to RCV.NXT. */
  uint64_t rel = sf->rcv_nxt + (uint64_t)(int64_t)(int32_t)(th->seq - (sf->irs + (uint32_t)sf->rcv_nxt));
  uint32_t seg_len = plen + !!(th->flags & MPTCP_TH_SYN) + !!(th->flags & MPTCP_TH_FIN);
  uint64_t wnd = sf->rcv_adv > sf->rcv_nxt ? sf->rcv_adv - sf->rcv_nxt : 0;

  /* RST (RFC 5961 section 3.2): exact match accepted, in window answered
   * with a challenge ACK, outside ignored. Without rst_seq_check, any RST
   * in the window is accepted (RFC 793). */
  if (th->flags & MPTCP_TH_RST) {
    int in_wnd = rel >= sf->rcv_nxt && rel < sf->rcv_nxt + (wnd ? wnd : 1);
    if (rel == sf->rcv_nxt || (in_wnd && !c->cfg.rst_seq_check)) {
      mib_inc(s, MPTCP_MIB_RST_ACCEPTED);
      if (c->mp && (th->opts & MPTCP_OPT_ANY_MPTCP) && c->up->rcv_rst(sf, th, now))
        return; /* MP_FASTCLOSE: the whole connection is reset */
      close_conn(sf, MPTCP_CLOSE_RESET, MPTCP_RESET_PEER_RST, rst_reason_of(th), now);
    } else if (in_wnd) {
      mib_inc(s, MPTCP_MIB_RST_IN_WINDOW);
      if (stack_challenge_ack_allowed(s, now)) {
        sf->ack_now = 1;
        stack_mark_output(s, c);
      }
    } else {
      mib_inc(s, MPTCP_MIB_RST_OUT_WINDOW);
    }
    return;
  }

  /* SYN in SYN-RCVD: the peer retransmitted its SYN; answer again. */
  if (sf->state == MPTCP_TCP_SYN_RCVD && (th->flags & MPTCP_TH_SYN) &&
      th->seq == sf->irs && !(th->flags & MPTCP_TH_ACK)) {
    sf->syn_pending = 1;
    sf->syn_rtx = 1; /* the third ACK may answer either SYN/ACK (Karn) */
    /* RFC 7323 section 4.3: SEG.SEQ <= Last.ACK.sent, so TS.Recent takes
     * this SYN's TSval, and the SYN/ACK echoes the SYN just sent: the
     * initiator's RTT sample (handshake_rtt) then measures one round trip,
     * not the whole SYN timeout. */
    if (sf->ts_ok && (th->opts & MPTCP_OPT_TIMESTAMP))
      sf->ts_recent = th->ts_val;
    stack_mark_output(s, c);
    return;
  }

  /* SYN in a synchronized state (RFC 5961 section 4.2): "irrespective of
   * the sequence number", a challenge ACK, and the segment is dropped. It
   * is checked before the acceptability test, which would otherwise
   * answer an out-of-window SYN with a plain, unlimited ACK. */
  if (th->flags & MPTCP_TH_SYN) {
    mib_inc(s, MPTCP_MIB_SYN_IN_SYNCED);
    if (stack_challenge_ack_allowed(s, now)) {
      sf->ack_now = 1;
      stack_mark_output(s, c);
    }
    return;
  }

  /* Acceptability test (RFC 9293 section 3.10.7.4, four cases). */
  int ok;
  if (seg_len == 0)
    ok = wnd == 0 ? rel == sf->rcv_nxt : (rel >= sf->rcv_nxt && rel < sf->rcv_nxt + wnd);
  else if (wnd == 0)
    ok = 0;
  else
    ok = (rel >= sf->rcv_nxt && rel < sf->rcv_nxt + wnd) ||
         (rel + seg_len - 1 >= sf->rcv_nxt && rel + seg_len - 1 < sf->rcv_nxt + wnd);
  if (!ok && seg_len && rel + seg_len <= sf->rcv_nxt) {
    /* An old duplicate: ACK it (the peer lost our ACK) but also let its
     * ACK field count, as Linux does. */
    mib_inc(s, MPTCP_MIB_DUP_DATA);
    sf->ack_now = 1;
    stack_mark_output(s, c);
    ok = -1;
    /* RFC 9293 section 3.10.7.4, TIME-WAIT: the peer's FIN, already
     * consumed, arrives again: acknowledge it and restart the 2 MSL
     * timeout. (It is an old duplicate, so it is handled here.) */
    if (sf->state == MPTCP_TCP_TIME_WAIT && (th->flags & MPTCP_TH_FIN))
      tcp_arm_timer(sf, SF_TIMER_TW, now + c->cfg.time_wait_ns);
  } else if (!ok && !(seg_len == 0 && rel + 1 == sf->rcv_nxt)) {
    mib_inc(s, MPTCP_MIB_OUT_OF_WINDOW);
    sf->ack_now = 1;
    stack_mark_output(s, c);
    return;
  } else if (!ok) {
    /* a zero-window probe (sequence RCV.NXT - 1): answer with an ACK */
    sf->ack_now = 1;
    stack_mark_output(s, c);
    ok = -1;
  }

  if (!(th->flags & MPTCP_TH_ACK))
    return;

  uint64_t ack;
  int bad_ack;
  if (sf->state == MPTCP_TCP_SYN_RCVD) {
    if (th->ack != sf->iss + 1) {
      stack_queue_rst(s, &sf->local, &sf->remote, th->ack, 0, 0);
      return;
    }
    if (sf->is_join && c->up->rcv_join_ack(sf, th) < 0) {
      sf->rst_pending = 1; /* wrong HMAC-A: reset this subflow only */
      sf->rst_reason = MPTCP_RST_EMPTCP;
      stack_mark_output(s, c);
      return;
    }
    int first = !sf->is_join;
    if (first && c->mp) {
      /* RFC 8684 section 3.1: the keys arrive with the third ACK or, if
       * that was lost, with the first data (MP_CAPABLE, retransmitted
       * until acknowledged). A segment with a DSS that overtook them is
       * dropped, the subflow staying in SYN-RCVD; a wrong key resets. */
      int mrv = c->up->rcv_options(sf, th, rel, payload, plen, now);
      if (mrv == MPTCP_RCV_WAIT)
        return;
      if (mrv < 0) {
        stack_queue_rst(s, &sf->local, &sf->remote, th->ack, 0, 0);
        close_conn(sf, MPTCP_CLOSE_RESET, MPTCP_RESET_LOCAL, -1, now);
        return;
      }
    }
    sf->snd_una = 1;
    sf->snd_wnd = (uint64_t)th->window << sf->snd_wscale;
    sf->max_snd_wnd = sf->snd_wnd;
    sf->snd_wl1 = rel;
    sf->snd_wl2 = 1;
    sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;
    handshake_rtt(sf, th, now);
    establish(sf, now);
    if (first) {
      c->accepted = 1;
      c->freed_by_app = 0; /* the application owns it from now on */
      if (s->cb.accepted)
        s->cb.accepted(c, s->user_data);
    }
    stack_mark_output(s, c);
  } else if (c->mp && c->cfg.opt_ack_check && (bad_ack = ack_field(sf, th, &ack)) != 0) {
    /* the ACK is not acceptable: its MPTCP options (MP_PRIO, REMOVE_ADDR,
     * ADD_ADDR, MP_FASTCLOSE, DSS) are never looked at, as Linux parses
     * them only after tcp_ack() accepted the segment (threat A6) */
    ack_refused(sf, bad_ack, now);
    return;
  } else if (c->mp && c->up->rcv_options(sf, th, rel, payload, plen, now) < 0) {
    return;
  } else if (!c->mp && (c->tx_infinite || c->rx_infinite) &&
             c->up->fallback_rcv(sf, th, rel, payload, plen) < 0) {
    return; /* sent before the fallback, and altered on the way */
  }

  /* ACK field (RFC 5961 section 5.2; checked again after the options,
   * which may have changed the subflow) */
  if ((bad_ack = ack_field(sf, th, &ack)) != 0) {
    ack_refused(sf, bad_ack, now);
    return;
  }
  tcp_ack(sf, th, ack, rel, plen, now);
  if (sf->state == MPTCP_TCP_CLOSED || ok < 0)
    return;

  /* Timestamps (RFC 7323 section 4.3): remember the peer's clock. */
  if (sf->ts_ok && (th->opts & MPTCP_OPT_TIMESTAMP) && rel <= sf->last_ack_sent &&
      sf->last_ack_sent <= rel + seg_len)
    sf->ts_recent = th->ts_val;

  if (sf->state == MPTCP_TCP_TIME_WAIT) {
    if (th->flags & MPTCP_TH_FIN) { /* a retransmitted FIN: re-ACK, restart */
      sf->ack_now = 1;
      tcp_arm_timer(sf, SF_TIMER_TW, now + c->cfg.time_wait_ns);
      stack_mark_output(s, c);
    }
    return;
  }
  if (sf->state == MPTCP_TCP_CLOSE_WAIT || sf->state == MPTCP_TCP_CLOSING ||
      sf->state == MPTCP_TCP_LAST_ACK)
    return; /* the peer already closed its side: no more data */

  if (plen || (th->flags & MPTCP_TH_FIN)) {
    tcp_data(sf, rel, payload, plen, !!(th->flags & MPTCP_TH_FIN), now);
    if (sf->ack_now || sf->timers[SF_TIMER_DELACK] != MPTCP_TIME_NEVER)
      stack_mark_output(s, c);
  }
}

/* ---- timers ---- */

void tcp_handle_timers(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  const mptcp_config *cfg = &c->cfg;

  if (sf->timers[SF_TIMER_TW] <= now) {
    sf->timers[SF_TIMER_TW] = MPTCP_TIME_NEVER;
    tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
    return;
  }
  if (sf->timers[SF_TIMER_DELACK] <= now) {
    sf->timers[SF_TIMER_DELACK] = MPTCP_TIME_NEVER;
    sf->ack_now = 1;
    stack_mark_output(s, c);
  }
  if (sf->timers[SF_TIMER_RTX] > now)
    return;
  sf->timers[SF_TIMER_RTX] = MPTCP_TIME_NEVER;

  if (sf->state == MPTCP_TCP_SYN_SENT || sf->state == MPTCP_TCP_SYN_RCVD) {
    if (sf->syn_tries >= cfg->syn_retries) {
      mib_inc(s, MPTCP_MIB_TIMEOUT_CLOSE);
      close_conn(sf, MPTCP_CLOSE_TIMEOUT, MPTCP_RESET_TIMEOUT, -1, now);
      return;
    }
    sf->syn_tries++;
    sf->syn_rtx = 1;
    mib_inc(s, MPTCP_MIB_SYN_RETRANS);
    sf->rto = sf->rto * 2 > cfg->max_rto_ns ? cfg->max_rto_ns : sf->rto * 2;
    sf->syn_pending = 1;
    stack_mark_output(s, c);
    return;
  }
  if (sf->state == MPTCP_TCP_CLOSED || sf->state == MPTCP_TCP_TIME_WAIT)
    return;

  if (sf->snd_una == sf->snd_nxt && sf->join_ack_pending) {
    if (sf->rto_backoff >= cfg->syn_retries) {
      /* no fourth ACK after syn_retries retransmissions of the third
       * (RFC 8684 section 3.2 leaves the bound to the host; the handshake
       * gets a SYN's): the join failed, reset it (MP_TCPRST) rather than
       * keep a subflow that may never carry data */
      mib_inc(s, MPTCP_MIB_JOIN_ACK_TIMEOUT);
      sf->join_ack_pending = 0;
      sf->rst_pending = 1;
      sf->rst_reason = MPTCP_RST_EUNSPEC;
      sf->rst_timeout = 1;
      stack_mark_output(s, c);
      return;
    }
    /* the third ACK of a join went unanswered: send it again */
    sf->ack_now = 1;
    sf->rto_backoff++;
    tcp_arm_timer(sf, SF_TIMER_RTX, now + tcp_rto_backed(sf->rto, sf->rto_backoff, cfg->max_rto_ns));
    stack_mark_output(s, c);
    return;
  }
  if (sf->snd_una == sf->snd_nxt) {
    /* Nothing outstanding: this is the persist timer (RFC 9293 section
     * 3.8.6.1): probe the zero window, backing off. */
    if (sf->snd_wnd == 0 && conn_unsent(c, sf->snd_nxt - 1)) {
      sf->probe_pending = 1;
      sf->rto_backoff++;
      uint64_t t = sf->rto << (sf->rto_backoff < 6 ? sf->rto_backoff : 6);
      tcp_arm_timer(sf, SF_TIMER_RTX, now + (t > cfg->max_rto_ns ? cfg->max_rto_ns : t));
      stack_mark_output(s, c);
    }
    return;
  }

  /* Retransmission timeout (RFC 6298 section 5). */
  if (sf->rto_backoff >= cfg->rto_retries) {
    sf->rst_pending = 1; /* tell the peer, then close */
    sf->rst_timeout = 1;
    stack_mark_output(s, c);
    if (c->mp && (c->up->other_usable(c, sf) || (c->data_fin_acked && c->peer_data_fin))) {
      /* MPTCP: only this subflow dies; another carries its data, or the
       * connection already closed at the data level (RFC 8684 section
       * 3.3.3) */
      c->up->failed(sf, now);
      return;
    }
    mib_inc(s, MPTCP_MIB_TIMEOUT_CLOSE);
    c->owner->sf_timed_out(sf, now);
    return;
  }
  mib_inc(s, MPTCP_MIB_RTO);
  sf->rto_count++;
  tcp_enter_loss(sf, now);
  sf->rto_backoff++;
  tcp_arm_timer(sf, SF_TIMER_RTX, now + tcp_rto_backed(sf->rto, sf->rto_backoff, cfg->max_rto_ns));
  if (c->mp)
    c->up->rto(sf, now);
  stack_mark_output(s, c);
}
