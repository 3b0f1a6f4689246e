/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Connections: what the application holds. A connection owns the stream
 * buffers (send and receive rings indexed by stream offset) and its
 * subflow(s). The application calls in this file; the subflow engine
 * reaches the buffers through conn_unsent/conn_copy_out/conn_data_in.
 */
#include <string.h>

#include "internal.h"

void stack_forget_conn(struct mptcp_stack *s, struct mptcp_conn *c);

struct mptcp_conn *conn_new(struct mptcp_stack *s, const mptcp_config *cfg,
                            const mptcp_addr *local, const mptcp_addr *remote) {
  struct mptcp_conn *c = stack_calloc(s, sizeof(*c));
  if (!c)
    return NULL;
  c->stack = s;
  c->cfg = *cfg;
  c->heap_idx = UINT32_MAX;
  c->hash_slot = UINT32_MAX;
  c->expiry = MPTCP_TIME_NEVER;
  if (!cfg->virtual_payload) {
    c->snd_ring = stack_alloc(s, cfg->sndbuf);
    c->rcv_ring = stack_alloc(s, cfg->rcvbuf);
    if (!c->snd_ring || !c->rcv_ring) {
      stack_free(s, c->snd_ring, c->snd_ring ? cfg->sndbuf : 0);
      stack_free(s, c->rcv_ring, c->rcv_ring ? cfg->rcvbuf : 0);
      stack_free(s, c, sizeof(*c));
      return NULL;
    }
  }
  tcp_sf_init(&c->sf, c, local, remote);
  c->next_all = s->all;
  if (s->all)
    s->all->prev_all = c;
  s->all = c;
  s->n_conns++;
  return c;
}

void conn_destroy(struct mptcp_conn *c) {
  struct mptcp_stack *s = c->stack;
  stack_forget_conn(s, c);
  tcp_sf_release(&c->sf);
  if (c->prev_all)
    c->prev_all->next_all = c->next_all;
  else
    s->all = c->next_all;
  if (c->next_all)
    c->next_all->prev_all = c->prev_all;
  s->n_conns--;
  if (c->snd_ring)
    stack_free(s, c->snd_ring, c->cfg.sndbuf);
  if (c->rcv_ring)
    stack_free(s, c->rcv_ring, c->cfg.rcvbuf);
  stack_free(s, c, sizeof(*c));
}

void conn_set_closed(struct mptcp_conn *c, int reason) {
  if (c->closed)
    return;
  c->closed = 1;
  c->close_reason = reason;
  /* A listener's child that never completed its handshake was never seen
   * by the application: nobody to tell. */
  if (c->listener_child && !c->accepted)
    return;
  if (c->stack->cb.closed && !c->freed_by_app)
    c->stack->cb.closed(c, reason, c->user_data);
}

/* ---- stream buffers ---- */

uint64_t conn_unsent(const struct mptcp_conn *c, uint64_t off) {
  return off < c->snd_end ? c->snd_end - off : 0;
}

void conn_copy_out(const struct mptcp_conn *c, uint64_t off, uint8_t *dst,
                   uint32_t len) {
  if (!c->snd_ring)
    return;
  uint32_t cap = c->cfg.sndbuf;
  uint32_t pos = (uint32_t)(off % cap);
  uint32_t first = cap - pos < len ? cap - pos : len;
  memcpy(dst, c->snd_ring + pos, first);
  memcpy(dst + first, c->snd_ring, len - first);
}

void conn_data_acked(struct mptcp_conn *c, uint64_t upto) {
  if (upto <= c->snd_acked)
    return;
  uint64_t before_space = c->cfg.sndbuf - (c->snd_end - c->snd_acked);
  c->snd_acked = upto > c->snd_end ? c->snd_end : upto;
  if (before_space == 0 && c->stack->cb.writable && !c->freed_by_app)
    c->stack->cb.writable(c, c->user_data);
}

void conn_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p,
                  uint32_t len) {
  if (!c->rcv_ring || !p)
    return;
  uint32_t cap = c->cfg.rcvbuf;
  uint32_t pos = (uint32_t)(off % cap);
  uint32_t first = cap - pos < len ? cap - pos : len;
  memcpy(c->rcv_ring + pos, p, first);
  memcpy(c->rcv_ring, p + first, len - first);
}

/* Bytes received in order and not yet read. */
static uint64_t conn_readable(const struct mptcp_conn *c) {
  uint64_t ready = c->sf.rcv_nxt ? c->sf.rcv_nxt - 1 : 0;
  if (c->sf.peer_fin && ready > c->sf.peer_fin_seq - 1)
    ready = c->sf.peer_fin_seq - 1; /* the FIN is not data */
  return ready > c->rcv_read ? ready - c->rcv_read : 0;
}

uint64_t conn_rcv_space(const struct mptcp_conn *c) {
  /* The window's right edge is rcv_read + rcvbuf (stream offsets). */
  return c->rcv_read + c->cfg.rcvbuf;
}

/* ---- the application's calls ---- */

int mptcp_connect(mptcp_stack *s, mptcp_conn **pconn, const mptcp_addr *local,
                  const mptcp_addr *remote, const mptcp_config *cfg,
                  void *user_data, uint64_t now) {
  if (!s || !pconn || !local || !remote || !remote->port ||
      (local->family != 4 && local->family != 6) ||
      local->family != remote->family)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!cfg)
    cfg = &s->cfg;
  int rv = mptcp_config_check(cfg);
  if (rv)
    return rv;
  mptcp_addr l = *local;
  struct mptcp_conn *c = NULL;
  for (int attempt = 0; attempt < 64; attempt++) {
    if (!local->port) /* ephemeral range of Linux: 32768..60999 */
      l.port = (uint16_t)(32768 + stack_rand32(s) % (60999 - 32768 + 1));
    if (!c) {
      c = conn_new(s, cfg, &l, remote);
      if (!c)
        return MPTCP_ERR_NOMEM;
    } else {
      c->sf.local = l;
    }
    rv = stack_table_insert(s, c);
    if (rv != MPTCP_ERR_ADDR_IN_USE || local->port)
      break;
  }
  if (rv) {
    conn_destroy(c);
    return rv;
  }
  c->user_data = user_data;
  tcp_connect(&c->sf, now);
  stack_mark_output(s, c);
  stack_update_timer(s, c);
  *pconn = c;
  return MPTCP_OK;
}

void mptcp_conn_set_user_data(mptcp_conn *c, void *ud) {
  if (c)
    c->user_data = ud;
}

void *mptcp_conn_get_user_data(const mptcp_conn *c) { return c ? c->user_data : NULL; }

long mptcp_conn_send(mptcp_conn *c, const uint8_t *data, size_t len, uint64_t now) {
  (void)now;
  if (!c || (c->cfg.virtual_payload ? data != NULL : (data == NULL && len)))
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (c->closed || c->sf.fin_queued)
    return MPTCP_ERR_STATE;
  uint64_t room = c->cfg.sndbuf - (c->snd_end - c->snd_acked);
  size_t n = len < room ? len : (size_t)room;
  if (n && c->snd_ring) {
    uint32_t cap = c->cfg.sndbuf;
    uint32_t pos = (uint32_t)(c->snd_end % cap);
    size_t first = cap - pos < n ? cap - pos : n;
    memcpy(c->snd_ring + pos, data, first);
    memcpy(c->snd_ring, data + first, n - first);
  }
  c->snd_end += n;
  if (n)
    stack_mark_output(c->stack, c);
  return (long)n;
}

long mptcp_conn_recv(mptcp_conn *c, uint8_t *buf, size_t cap, uint64_t now) {
  (void)now;
  if (!c || (!c->cfg.virtual_payload && !buf && cap))
    return MPTCP_ERR_INVALID_ARGUMENT;
  uint64_t avail = conn_readable(c);
  size_t n = avail < cap ? (size_t)avail : cap;
  if (n && buf && c->rcv_ring) {
    uint32_t rcap = c->cfg.rcvbuf;
    uint32_t pos = (uint32_t)(c->rcv_read % rcap);
    size_t first = rcap - pos < n ? rcap - pos : n;
    memcpy(buf, c->rcv_ring + pos, first);
    memcpy(buf + first, c->rcv_ring, n - first);
  }
  if (n) {
    c->rcv_read += n;
    /* Window update: only when the window the peer knows has shrunk to
     * half the buffer or less and reading at least doubles it (Linux's
     * __tcp_cleanup_rbuf); otherwise the next ACK carries it. This keeps
     * delayed ACKs working for an application that reads promptly. */
    struct tcp_sf *sf = &c->sf;
    uint64_t known = sf->rcv_adv > sf->rcv_nxt ? sf->rcv_adv - sf->rcv_nxt : 0;
    if (sf->state >= MPTCP_TCP_ESTABLISHED && 2 * known <= c->cfg.rcvbuf &&
        tcp_rcv_window(sf) >= 2 * known && tcp_rcv_window(sf) >= sf->mss) {
      tcp_send_ack_now(sf);
      stack_mark_output(c->stack, c);
    }
  }
  return (long)n;
}

int mptcp_conn_peer_closed(const mptcp_conn *c) {
  return c && c->sf.peer_fin && conn_readable(c) == 0;
}

int mptcp_conn_shutdown(mptcp_conn *c, uint64_t now) {
  (void)now;
  if (!c || c->closed)
    return MPTCP_ERR_STATE;
  if (c->sf.fin_queued)
    return MPTCP_OK;
  c->sf.fin_queued = 1;
  stack_mark_output(c->stack, c);
  return MPTCP_OK;
}

int mptcp_conn_abort(mptcp_conn *c, uint64_t now) {
  if (!c)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (c->closed)
    return MPTCP_ERR_STATE;
  if (c->sf.state != MPTCP_TCP_SYN_SENT && c->sf.state != MPTCP_TCP_CLOSED) {
    c->sf.rst_pending = 1;
    stack_mark_output(c->stack, c);
  } else {
    tcp_set_state(&c->sf, MPTCP_TCP_CLOSED, now);
  }
  conn_set_closed(c, MPTCP_CLOSE_ABORT);
  return MPTCP_OK;
}

void mptcp_conn_free(mptcp_conn *c) {
  if (!c)
    return;
  c->freed_by_app = 1;
  int st = c->sf.state;
  if (st == MPTCP_TCP_CLOSED || (c->closed && !c->sf.rst_pending &&
                                 st != MPTCP_TCP_TIME_WAIT)) {
    conn_destroy(c);
    return;
  }
  if (!c->closed)
    mptcp_conn_abort(c, 0);
  /* TIME-WAIT or a pending RST: the stack frees it when done. */
}

void mptcp_conn_get_stats(const mptcp_conn *c, mptcp_conn_stats *st) {
  if (!c || !st)
    return;
  const struct tcp_sf *sf = &c->sf;
  memset(st, 0, sizeof(*st));
  st->state = sf->state;
  st->close_reason = c->close_reason;
  st->mss = sf->mss;
  st->cwnd = sf->cwnd;
  st->ssthresh = sf->ssthresh;
  st->bytes_in_flight = tcp_in_flight(sf);
  st->srtt_ns = sf->srtt;
  st->rttvar_ns = sf->rttvar;
  st->min_rtt_ns = sf->min_rtt;
  st->rto_ns = sf->rto;
  st->snd_wnd = sf->snd_wnd;
  st->bytes_sent = sf->bytes_sent;
  st->bytes_retrans = sf->bytes_retrans;
  st->bytes_acked = sf->bytes_acked;
  st->bytes_received = sf->bytes_received;
  st->segs_sent = sf->segs_sent;
  st->segs_received = sf->segs_received;
  st->retransmissions = sf->retrans_segs;
  st->rto_count = sf->rto_count;
  st->fast_recoveries = sf->recoveries;
  st->ooo_bytes = sf->rcv_ranges.bytes;
  st->rcv_buffered = conn_readable(c) + sf->rcv_ranges.bytes;
  st->snd_buffered = c->snd_end - c->snd_acked;
}

void mptcp_conn_get_addrs(const mptcp_conn *c, mptcp_addr *local, mptcp_addr *remote) {
  if (!c)
    return;
  if (local)
    *local = c->sf.local;
  if (remote)
    *remote = c->sf.remote;
}

const char *mptcp_tcp_state_name(int state) {
  static const char *const names[] = {
      "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RCVD",  "ESTABLISHED", "FIN_WAIT1",
      "FIN_WAIT2",  "CLOSING",    "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK"};
  if (state < 0 || state > MPTCP_TCP_LAST_ACK)
    return "UNKNOWN";
  return names[state];
}
