/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Connections: what the application holds. A connection owns the stream
 * buffers (send and receive rings indexed by data offset) and its
 * subflows. The application calls in this file; the subflow engine reaches
 * the buffers through conn_unsent/conn_copy_out/conn_data_in. Data offsets
 * count from 0: in plain TCP the subflow byte with relative sequence s has
 * offset s - 1; with MPTCP, offset = DSN - IDSN - 1.
 */
#include <string.h>

#include "internal.h"

struct mptcp_conn *conn_new(struct mptcp_stack *s, const mptcp_config *cfg,
                            const mptcp_addr *local, const mptcp_addr *remote) {
  struct mptcp_conn *c = stack_calloc(s, sizeof(*c));
  if (!c)
    return NULL;
  c->stack = s;
  c->cfg = *cfg;
  c->up = cfg->mptcp ? &sf_upper_mptcp : &sf_upper_tcp;
  c->owner = &conn_sf_owner;
  c->heap_idx = UINT32_MAX;
  c->expiry = MPTCP_TIME_NEVER;
  c->dfin_timer = MPTCP_TIME_NEVER;
  /* mptcp_config_check vouched for both names */
  if (sched_attach(c, cfg->scheduler)) {
    stack_free(s, c, sizeof(*c));
    return NULL;
  }
  if (pm_attach(c, cfg->pm)) {
    sched_detach(c);
    stack_free(s, c, sizeof(*c));
    return NULL;
  }
  /* no stream buffer yet: see conn_ring_grow */
  rangeset_init(&c->rcv_ooo);
  tcp_sf_init(&c->sf, c, local, remote);
  c->sfs[0] = &c->sf;
  c->n_sf = 1;
  c->sf.join_ok = 1;
  c->next_all = s->all;
  if (s->all)
    s->all->prev_all = c;
  s->all = c;
  s->n_conns++;
  return c;
}

int conn_add_subflow(struct mptcp_conn *c, struct tcp_sf **psf, const mptcp_addr *local,
                     const mptcp_addr *remote) {
  if (c->n_sf >= c->cfg.max_subflows)
    return MPTCP_ERR_STATE;
  struct tcp_sf *sf = stack_alloc(c->stack, sizeof(*sf));
  if (!sf)
    return MPTCP_ERR_NOMEM;
  tcp_sf_init(sf, c, local, remote);
  c->no_infinite = 1; /* RFC 8684 section 3.7: no fallback to TCP once
                       * another subflow took part (mptcp_proto.c) */
  sf->idx = c->n_sf;
  c->sfs[c->n_sf++] = sf;
  *psf = sf;
  return MPTCP_OK;
}

/* Removes a subflow that never became part of the connection's data path
 * (a refused or failed join). */
void conn_free_subflow(struct mptcp_conn *c, struct tcp_sf *sf) {
  if (sf == &c->sf)
    return;
  stack_table_remove(c->stack, sf);
  tcp_sf_release(sf);
  uint8_t i = sf->idx;
  c->sfs[i] = c->sfs[--c->n_sf];
  c->sfs[i]->idx = i;
  c->sfs[c->n_sf] = NULL;
  stack_free(c->stack, sf, sizeof(*sf));
}

void conn_destroy(struct mptcp_conn *c) {
  struct mptcp_stack *s = c->stack;
  stack_forget_conn(s, c);
  sched_detach(c);
  pm_detach(c);
  pm_tables_release(c);
  for (uint8_t i = 0; i < c->n_sf; i++) {
    tcp_sf_release(c->sfs[i]);
    if (c->sfs[i] != &c->sf)
      stack_free(s, c->sfs[i], sizeof(struct tcp_sf));
  }
  rangeset_release(&c->rcv_ooo, s);
  if (c->prev_all)
    c->prev_all->next_all = c->next_all;
  else
    s->all = c->next_all;
  if (c->next_all)
    c->next_all->prev_all = c->prev_all;
  s->n_conns--;
  stack_free(s, c->snd_ring, c->snd_cap);
  stack_free(s, c->rcv_ring, c->rcv_cap);
  if (c->map_end)
    stack_free(s, c->map_end, c->map_cap * sizeof(*c->map_end));
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

void conn_set_reset(struct mptcp_conn *c, int reason, int cause, int rst_reason) {
  if (c->closed)
    return;
  c->reset_cause = cause;
  c->reset_reason = rst_reason;
  conn_set_closed(c, reason);
}

int conn_subflows_gone(const struct mptcp_conn *c) {
  for (uint8_t i = 0; i < c->n_sf; i++) {
    int st = c->sfs[i]->state;
    if (st != MPTCP_TCP_CLOSED && st != MPTCP_TCP_TIME_WAIT)
      return 0;
  }
  return 1;
}

/* Every subflow is closed: nothing left for the stack to do. */
int conn_done(const struct mptcp_conn *c) {
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i]->state != MPTCP_TCP_CLOSED)
      return 0;
  return 1;
}

/* A subflow reached CLOSED or TIME-WAIT: with MPTCP, the connection is
 * closed once every subflow is (RFC 8684 section 3.3.3). */
void conn_subflow_closed(struct mptcp_conn *c, struct tcp_sf *sf, uint64_t now) {
  pm_subflow_closed(sf, now);
  if (c->closed || !conn_subflows_gone(c))
    return;
  conn_set_closed(c, MPTCP_CLOSE_NORMAL);
}

uint64_t conn_expiry(const struct mptcp_conn *c) {
  uint64_t e = c->dfin_timer;
  if (c->mp) {
    uint64_t m = mptcp_conn_expiry(c); /* ADD_ADDR, close timeout */
    if (m < e)
      e = m;
  }
  for (uint8_t i = 0; i < c->n_sf; i++) {
    uint64_t t = tcp_expiry(c->sfs[i]);
    if (t < e)
      e = t;
  }
  return e;
}

void conn_handle_timers(struct mptcp_conn *c, uint64_t now) {
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (tcp_expiry(c->sfs[i]) <= now)
      tcp_handle_timers(c->sfs[i], now);
  if (c->mp && mptcp_conn_expiry(c) <= now)
    mptcp_conn_handle_timers(c, now);
  if (c->dfin_timer <= now) {
    /* the DATA_FIN went unacknowledged: signal it again on every usable
     * subflow (it rides on ACKs) and back off */
    c->dfin_rto = c->dfin_rto ? c->dfin_rto * 2 : c->sf.rto;
    if (c->dfin_rto > c->cfg.max_rto_ns)
      c->dfin_rto = c->cfg.max_rto_ns;
    c->dfin_timer = now + c->dfin_rto;
    for (uint8_t i = 0; i < c->n_sf; i++)
      if (c->sfs[i]->join_ok && c->sfs[i]->state >= MPTCP_TCP_ESTABLISHED)
        c->sfs[i]->ack_now = 1;
    stack_mark_output(c->stack, c);
  }
}

/* The scheduler picked a stale subflow (one that failed or keeps timing
 * out, mptcp_proto.c): new and reinjected data go instead to the usable
 * subflow with room in its window and the lowest smoothed RTT, regular
 * before backup, or wait. */
static struct tcp_sf *stale_alternative(struct mptcp_conn *c) {
  struct tcp_sf *best = NULL;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!mptcp_sf_usable(sf) || sf->ca_state == TCP_CA_LOSS || !tcp_cwnd_room(sf))
      continue;
    if (!best || (best->backup && !sf->backup) ||
        (best->backup == sf->backup && sf->srtt < best->srtt))
      best = sf;
  }
  return best;
}

/* Could tcp_write(sf, TCP_WR_URGENT) send anything or change any state?
 * Only with a RST or SYN pending, an ACK due (step 0: an ACK with SACK
 * blocks), data marked lost (tcp_next_retrans finds nothing otherwise) or
 * a path-manager signal waiting for a pure ACK (ADD_ADDR, its echo,
 * REMOVE_ADDR, MP_PRIO, MP_FAIL).
 * Skipping the call otherwise changes nothing but the time spent. */
static inline int may_write_urgent(const struct tcp_sf *sf) {
  return sf->rst_pending || sf->syn_pending || sf->ack_now || sf->lost_bytes ||
         (sf->txq.n && (sf->txq.r[sf->txq.head & (sf->txq.cap - 1)].flags & TXR_LOST)) ||
         (sf->mp && pm_signal_pending(sf));
}

/* The same for tcp_write(sf, TCP_WR_REST) of an MPTCP subflow: a FIN to
 * send, a zero-window probe or an ACK due (the persist timer it may arm
 * is plain TCP's only). */
static inline int may_write_rest(const struct tcp_sf *sf) {
  return (sf->fin_queued && !sf->fin_sent) || sf->probe_pending || sf->ack_now;
}

/*
 * One segment from this connection: first what is urgent on any subflow
 * (RST, SYN, retransmissions), then new data on the subflow the scheduler
 * picks, then the rest (FINs, probes, ACKs).
 */
int conn_write(struct mptcp_conn *c, mptcp_segment *seg, uint8_t *buf, size_t cap,
               uint64_t now) {
  if (!c->mp)
    return tcp_write(&c->sf, seg, buf, cap, now, TCP_WR_ALL);
  int rv;
  if (c->data_fin_queued && !c->data_fin_acked && c->dfin_timer == MPTCP_TIME_NEVER)
    mptcp_check_close(c, now); /* all data mapped now? then the DATA_FIN */
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (may_write_urgent(c->sfs[i]) &&
        (rv = tcp_write(c->sfs[i], seg, buf, cap, now, TCP_WR_URGENT)) != 0)
      return rv;
  if (c->rto_reinj_wait)
    mptcp_reinject_waiting(c); /* data of a timed-out subflow, another now usable */
  if (!c->rtx_timer)
    mptcp_rtx_arm(c, now); /* mapped data awaits its Data ACK */
  uint64_t rj_off = 0, rj_len = 0;
  int reinject = c->n_reinj && mptcp_reinject_peek(c, &rj_off, &rj_len);
  if (c->cfg.opportunistic && !reinject) {
    uint64_t o_off = 0, o_len = 0;
    struct tcp_sf *osf = sched_opportunistic(c, now, &o_off, &o_len);
    if (osf && (rv = tcp_write_mapped(osf, seg, buf, cap, now, o_off, o_len)) != 0) {
      if (rv > 0)
        mib_inc(c->stack, MPTCP_MIB_OPP_RETRANS);
      return rv;
    }
  }
  if (conn_unsent(c, c->snd_nxt_off) || reinject || c->sched->get_retrans) {
    struct tcp_sf *sf = c->sched->get_send(c, now);
    if (sf && sf->stale)
      sf = stale_alternative(c);
    uint64_t d_off = 0, d_len = 0;
    if (sf && !reinject && c->sched->get_retrans &&
        c->sched->get_retrans(c, sf, &d_off, &d_len))
      rv = tcp_write_mapped(sf, seg, buf, cap, now, d_off, d_len);
    else
      rv = sf ? tcp_write(sf, seg, buf, cap, now, TCP_WR_NEW) : 0;
    if (rv != 0)
      return rv;
  }
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (may_write_rest(c->sfs[i]) &&
        (rv = tcp_write(c->sfs[i], seg, buf, cap, now, TCP_WR_REST)) != 0)
      return rv;
  return 0;
}

/* ---- stream buffers ---- */

int mptcp_conn_want_send(mptcp_conn *c, size_t len) {
  if (!c || len > c->cfg.sndbuf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  c->snd_wanted = (uint32_t)len;
  return MPTCP_OK;
}

/*
 * Lazy stream buffers. A ring starts at RING_MIN bytes when its first byte
 * arrives (or is queued) and doubles until it holds what it must, up to the
 * configured size; it never shrinks. A connection therefore costs its
 * buffers only as data fills them: a half-open connection, or one an
 * attacker opens and leaves idle, holds none (Linux likewise charges a
 * socket for the buffers its queued data uses, not for sk_rcvbuf).
 * Growing moves the bytes of stream offsets [from, from + old size), all
 * the old ring can hold, to their places in the new ring.
 */
#define RING_MIN (64u * 1024)

static void ring_copy(uint8_t *dst, uint32_t dcap, const uint8_t *src, uint32_t scap,
                      uint64_t off, uint64_t len) {
  while (len) {
    uint32_t sp = (uint32_t)(off % scap), dp = (uint32_t)(off % dcap);
    uint64_t n = len;
    if (n > scap - sp)
      n = scap - sp;
    if (n > dcap - dp)
      n = dcap - dp;
    memcpy(dst + dp, src + sp, (size_t)n);
    off += n;
    len -= n;
  }
}

/* Makes *ring hold `need` bytes (at most `max`); 0 or MPTCP_ERR_NOMEM. */
static int conn_ring_grow(struct mptcp_conn *c, uint8_t **ring, uint32_t *cap, uint32_t max,
                          uint64_t from, uint64_t need) {
  if (need > max)
    need = max;
  if (need <= *cap && *ring)
    return 0;
  uint64_t n = *cap ? *cap : RING_MIN;
  while (n < need)
    n *= 2;
  if (n > max)
    n = max;
  uint8_t *nr = stack_alloc(c->stack, (size_t)n);
  if (!nr)
    return MPTCP_ERR_NOMEM;
  if (*ring) {
    ring_copy(nr, (uint32_t)n, *ring, *cap, from, *cap);
    stack_free(c->stack, *ring, *cap);
  }
  *ring = nr;
  *cap = (uint32_t)n;
  return 0;
}

int conn_rcv_reserve(struct mptcp_conn *c, uint64_t end) {
  if (c->cfg.virtual_payload || end <= c->rcv_read)
    return 0;
  uint32_t before = c->rcv_cap;
  int e = conn_ring_grow(c, &c->rcv_ring, &c->rcv_cap, c->cfg.rcvbuf, c->rcv_read,
                         end - c->rcv_read);
  if (c->rcv_cap != before && c->rcv_hist_from < c->rcv_read)
    c->rcv_hist_from = c->rcv_read; /* the new ring got only the unread bytes */
  return e;
}

void conn_copy_out(const struct mptcp_conn *c, uint64_t off, uint8_t *dst, uint32_t len) {
  if (!c->snd_ring)
    return;
  uint32_t cap = c->snd_cap;
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
  uint64_t space = c->cfg.sndbuf - (c->snd_end - c->snd_acked);
  int wake = before_space == 0 ||
             (c->snd_wanted && before_space < c->snd_wanted && space >= c->snd_wanted);
  if (wake && c->stack->cb.writable && !c->freed_by_app) {
    c->snd_wanted = 0;
    c->stack->cb.writable(c, c->user_data);
  }
}

void conn_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len) {
  if (!p || !c->rcv_ring) /* reserved by the caller (conn_rcv_reserve) */
    return;
  uint32_t cap = c->rcv_cap;
  uint32_t pos = (uint32_t)(off % cap);
  uint32_t first = cap - pos < len ? cap - pos : len;
  memcpy(c->rcv_ring + pos, p, first);
  memcpy(c->rcv_ring, p + first, len - first);
  if (off + len > cap && off + len - cap > c->rcv_hist_from)
    c->rcv_hist_from = off + len - cap; /* their slots now hold these bytes */
}

/* Bytes received in order and not yet read. */
static uint64_t conn_readable(const struct mptcp_conn *c) {
  uint64_t ready = c->rcv_nxt_off;
  if (c->peer_data_fin && ready > c->peer_data_fin_off)
    ready = c->peer_data_fin_off; /* the FIN is not data */
  return ready > c->rcv_read ? ready - c->rcv_read : 0;
}

uint64_t conn_rcv_space(const struct mptcp_conn *c) {
  /* The window's right edge, as a data offset. */
  return c->rcv_read + c->cfg.rcvbuf;
}

/* ---- the application's calls ---- */

int mptcp_connect(mptcp_stack *s, mptcp_conn **pconn, const mptcp_addr *local,
                  const mptcp_addr *remote, const mptcp_config *cfg, void *user_data,
                  uint64_t now) {
  if (!s || !pconn || !local || !remote || !remote->port ||
      (local->family != 4 && local->family != 6) || local->family != remote->family)
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
    rv = stack_table_insert(s, &c->sf);
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
  if (c->closed || c->sf.fin_queued || c->data_fin_queued)
    return MPTCP_ERR_STATE;
  uint64_t room = c->cfg.sndbuf - (c->snd_end - c->snd_acked);
  size_t n = len < room ? len : (size_t)room;
  if (n && !c->cfg.virtual_payload) {
    uint64_t held = c->snd_end - c->snd_acked;
    uint64_t from = c->snd_end > c->snd_cap ? c->snd_end - c->snd_cap : 0;
    if (conn_ring_grow(c, &c->snd_ring, &c->snd_cap, c->cfg.sndbuf, from, held + n) < 0) {
      /* at the memory cap: what the present ring still holds */
      n = c->snd_cap > held ? c->snd_cap - held : 0;
      if (n > len)
        n = len;
      if (!n)
        return MPTCP_ERR_NOMEM;
    }
    uint32_t cap = c->snd_cap;
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
    uint32_t rcap = c->rcv_cap;
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
     * delayed ACKs working for an application that reads promptly. The
     * window is the connection's; any usable subflow can carry it. */
    for (uint8_t i = 0; i < c->n_sf; i++) {
      struct tcp_sf *sf = c->sfs[i];
      if (sf->state < MPTCP_TCP_ESTABLISHED || !sf->join_ok)
        continue;
      uint64_t known = c->mp ? (c->rcv_adv_off > c->rcv_nxt_off ? c->rcv_adv_off - c->rcv_nxt_off : 0)
                             : (sf->rcv_adv > sf->rcv_nxt ? sf->rcv_adv - sf->rcv_nxt : 0);
      uint64_t wnd = tcp_rcv_window(sf);
      if (2 * known <= c->cfg.rcvbuf && wnd >= 2 * known && wnd >= sf->mss) {
        tcp_send_ack_now(sf);
        stack_mark_output(c->stack, c);
      }
      break;
    }
  }
  return (long)n;
}

int mptcp_conn_peer_closed(const mptcp_conn *c) {
  return c && c->peer_data_fin && conn_readable(c) == 0;
}

int mptcp_conn_shutdown(mptcp_conn *c, uint64_t now) {
  if (!c || c->closed)
    return MPTCP_ERR_STATE;
  if (c->mp) {
    if (!c->data_fin_queued) {
      c->data_fin_queued = 1;
      mptcp_check_close(c, now);
    }
  } else if (!c->sf.fin_queued) {
    c->sf.fin_queued = 1;
  }
  stack_mark_output(c->stack, c);
  return MPTCP_OK;
}

int mptcp_conn_abort(mptcp_conn *c, uint64_t now) {
  if (!c)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (c->closed)
    return MPTCP_ERR_STATE;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (sf->state != MPTCP_TCP_SYN_SENT && sf->state != MPTCP_TCP_CLOSED) {
      sf->rst_pending = 1;
      sf->fastclose_pending = c->mp; /* RFC 8684 section 3.5, on every RST */
    } else
      tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
  }
  stack_mark_output(c->stack, c);
  conn_set_reset(c, MPTCP_CLOSE_ABORT, MPTCP_RESET_ABORT, -1);
  return MPTCP_OK;
}

void mptcp_conn_free(mptcp_conn *c) {
  if (!c)
    return;
  c->freed_by_app = 1;
  int pending = 0;
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i]->rst_pending || c->sfs[i]->state == MPTCP_TCP_TIME_WAIT)
      pending = 1;
  if (conn_done(c) || (c->closed && !pending)) {
    conn_destroy(c);
    return;
  }
  if (!c->closed)
    mptcp_conn_abort(c, 0);
  /* TIME-WAIT or a pending RST: the stack frees it when done. */
}

static void fill_stats(const struct mptcp_conn *c, const struct tcp_sf *sf,
                       mptcp_conn_stats *st) {
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
  st->ooo_bytes = c->mp ? c->rcv_ooo.bytes : sf->rcv_ranges.bytes;
  st->rcv_buffered = conn_readable(c) + st->ooo_bytes;
  st->snd_buffered = c->snd_end - c->snd_acked;
  st->reset_cause = c->reset_cause;
  st->reset_reason = c->reset_cause ? c->reset_reason : -1;
  st->sf_rst_rx = 0;
  st->sf_rst_reason = -1;
  st->ca_state = sf->ca_state;
}

_Static_assert((int)TCP_CA_OPEN == (int)MPTCP_CA_OPEN &&
                   (int)TCP_CA_RECOVERY == (int)MPTCP_CA_RECOVERY &&
                   (int)TCP_CA_LOSS == (int)MPTCP_CA_LOSS,
               "the public congestion states are the engine's");

void mptcp_conn_get_stats(const mptcp_conn *c, mptcp_conn_stats *st) {
  if (!c || !st)
    return;
  fill_stats(c, &c->sf, st);
  if (c->n_sf > 1) { /* connection totals over every subflow */
    for (uint8_t i = 1; i < c->n_sf; i++) {
      const struct tcp_sf *sf = c->sfs[i];
      st->bytes_sent += sf->bytes_sent;
      st->bytes_retrans += sf->bytes_retrans;
      st->bytes_acked += sf->bytes_acked;
      st->bytes_received += sf->bytes_received;
      st->segs_sent += sf->segs_sent;
      st->segs_received += sf->segs_received;
      st->retransmissions += sf->retrans_segs;
      st->rto_count += sf->rto_count;
      st->fast_recoveries += sf->recoveries;
    }
  }
}

int mptcp_conn_get_subflow_stats(const mptcp_conn *c, int i, mptcp_conn_stats *st,
                                 mptcp_addr *local, mptcp_addr *remote) {
  if (!c || i < 0 || i >= c->n_sf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  const struct tcp_sf *sf = c->sfs[i];
  if (st) {
    fill_stats(c, sf, st);
    st->sf_rst_rx = sf->rst_rx;
    st->sf_rst_reason = sf->rst_rx ? sf->rst_rx_reason : -1;
  }
  if (local)
    *local = sf->local;
  if (remote)
    *remote = sf->remote;
  return MPTCP_OK;
}

int mptcp_conn_is_mptcp(const mptcp_conn *c) { return c && c->mp; }

int mptcp_conn_get_keys(const mptcp_conn *c, uint64_t *local_key, uint64_t *remote_key) {
  if (!c || !c->mp)
    return MPTCP_ERR_STATE;
  if (local_key)
    *local_key = c->key_local;
  if (remote_key)
    *remote_key = c->key_remote;
  return MPTCP_OK;
}

int mptcp_conn_subflow_count(const mptcp_conn *c) { return c ? c->n_sf : 0; }

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
      "CLOSED",    "LISTEN",  "SYN_SENT",  "SYN_RCVD",   "ESTABLISHED", "FIN_WAIT1",
      "FIN_WAIT2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK"};
  if (state < 0 || state > MPTCP_TCP_LAST_ACK)
    return "UNKNOWN";
  return names[state];
}

/* ---- the connection's side of its subflows (struct sf_owner_ops) ---- */

/* A subflow ended on a received RST or after its FIN exchange. In plain
 * TCP that closes the connection; with MPTCP only the last subflow's end
 * does (RFC 8684 section 3.3.3), and a reset of one subflow leaves the
 * others carrying the data. */
static void owner_sf_closed(struct tcp_sf *sf, int reason, int cause, int rst, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (c->mp && !conn_subflows_gone(c)) {
    pm_subflow_closed(sf, now); /* the path manager hears of every subflow that ends */
    return;
  }
  /* both DATA_FINs were acknowledged: the connection closed normally,
   * whatever ended its last subflow (a reset of a stale one, say) */
  if (reason == MPTCP_CLOSE_NORMAL || (c->mp && c->data_fin_acked && c->peer_data_fin))
    conn_set_closed(c, MPTCP_CLOSE_NORMAL);
  else
    conn_set_reset(c, reason, cause, rst);
}

static void owner_sf_time_wait(struct tcp_sf *sf, uint64_t now) {
  if (sf->conn->mp)
    conn_subflow_closed(sf->conn, sf, now);
  else
    conn_set_closed(sf->conn, MPTCP_CLOSE_NORMAL);
}

static void owner_sf_rst_sent(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (c->mp && !(c->data_fin_acked && c->peer_data_fin) && conn_subflows_gone(c))
    /* our reset ended the last subflow before the data was done: the
     * connection is reset, not closed */
    conn_set_reset(c, MPTCP_CLOSE_RESET, sf->rst_timeout ? MPTCP_RESET_TIMEOUT : MPTCP_RESET_LOCAL,
                   sf->rst_reason);
  else if (c->mp)
    conn_subflow_closed(c, sf, now);
}

static void owner_sf_timed_out(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  conn_set_reset(c, MPTCP_CLOSE_TIMEOUT, MPTCP_RESET_TIMEOUT, -1);
  for (uint8_t i = 0; c->mp && i < c->n_sf; i++) {
    /* no subflow left to carry the data: the others go too */
    struct tcp_sf *o = c->sfs[i];
    if (o->state == MPTCP_TCP_SYN_SENT)
      tcp_set_state(o, MPTCP_TCP_CLOSED, now);
    else if (o->state != MPTCP_TCP_CLOSED && o->state != MPTCP_TCP_TIME_WAIT)
      o->rst_pending = 1;
  }
}

const struct sf_owner_ops conn_sf_owner = {
    .rcv_space = conn_rcv_space,
    .rcv_reserve = conn_rcv_reserve,
    .data_in = conn_data_in,
    .copy_out = conn_copy_out,
    .data_acked = conn_data_acked,
    .sf_closed = owner_sf_closed,
    .sf_time_wait = owner_sf_time_wait,
    .sf_rst_sent = owner_sf_rst_sent,
    .sf_timed_out = owner_sf_timed_out,
    .signal_pending = pm_signal_pending,
};
