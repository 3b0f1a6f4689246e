/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path managers (Linux's pm.c and pm_netlink.c): what they share. Each
 * path manager is one file pm_NAME.c defining a struct mptcp_pm_ops
 * (algo.h: which subflows to open or close, on which events) and one line
 * in algos.def (doc/extending.md):
 *   pm_default.c     the in-kernel default: joins announced addresses
 *   pm_ndiffports.c  n subflows over the initial address pair
 *   pm_fullmesh.c    a subflow per pair of addresses
 * This file keeps the connection's hooks (attach, release, events) and the
 * signalling every path manager uses: ADD_ADDR (with its HMAC, echo and
 * retransmission), REMOVE_ADDR, MP_PRIO.
 */
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(((struct mptcp_conn *)0)->pm_priv) == MPTCP_PM_PRIV_SIZE,
               "pm_priv is MPTCP_PM_PRIV_SIZE bytes");

int pm_ip_eq(const mptcp_addr *a, const mptcp_addr *b) {
  return a->family == b->family && !memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4);
}

int pm_pair_used(const struct mptcp_conn *c, const mptcp_addr *l, const mptcp_addr *r) {
  size_t n = r->family == 6 ? 16 : 4;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    const struct tcp_sf *o = c->sfs[i];
    if (o->state != MPTCP_TCP_CLOSED && o->remote.port == r->port &&
        !memcmp(o->remote.ip, r->ip, n) && !memcmp(o->local.ip, l->ip, n))
      return 1;
  }
  return 0;
}

int pm_attach(struct mptcp_conn *c, const char *name) {
  const struct mptcp_pm_ops *ops = pm_find(name);
  if (!ops)
    return MPTCP_ERR_UNKNOWN_PM;
  c->pm = ops;
  memset(c->pm_priv, 0, sizeof(c->pm_priv));
  if (ops->init)
    ops->init(c);
  return 0;
}

void pm_detach(struct mptcp_conn *c) {
  if (c->pm && c->pm->release)
    c->pm->release(c);
  c->pm = NULL;
}

/* The connection's tables, allocated at their first entry; NULL when the
 * stack's memory is out (the signal is then not kept). */
static struct pm_tables *pm_tables(struct mptcp_conn *c) {
  if (!c->pmt) {
    c->pmt = stack_alloc(c->stack, sizeof(*c->pmt));
    if (c->pmt)
      memset(c->pmt, 0, sizeof(*c->pmt));
  }
  return c->pmt;
}

void pm_tables_release(struct mptcp_conn *c) {
  if (c->pmt)
    stack_free(c->stack, c->pmt, sizeof(*c->pmt));
  c->pmt = NULL;
}

void pm_subflow_established(struct tcp_sf *sf, uint64_t now) {
  if (sf->conn->pm && sf->conn->pm->subflow_established)
    sf->conn->pm->subflow_established(sf, now);
}

/* RFC 8684 section 3.6: a join the peer refused with MP_TCPRST's T flag
 * ("transient": lack of resources, say) MAY be tried again over the same
 * path, at a time that takes the failure into account. With join_retry_ns
 * the same address pair is opened again after that delay, doubled at each
 * refusal, up to MPTCP_JOIN_RETRIES times, whatever the path manager (the
 * pair it chose stands). Linux's in-kernel path manager never does
 * (join_retry_ns 0). */
static void join_retry_arm(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (!c->cfg.join_retry_ns || !sf->is_join || sf->join_ok || !sf->rst_rx_transient ||
      sf->join_tries >= MPTCP_JOIN_RETRIES || c->closed || c->n_jr >= MPTCP_MAX_SF ||
      !pm_tables(c))
    return;
  struct pm_join_retry *r = &c->pmt->jr[c->n_jr++];
  r->local = sf->local;
  r->local.port = 0; /* a new port: the old 4-tuple may linger at the peer */
  r->remote = sf->remote;
  r->id_local = sf->addr_id_local;
  r->id_remote = sf->addr_id_remote;
  r->backup = sf->backup;
  r->tries = sf->join_tries;
  r->due = now + (c->cfg.join_retry_ns << sf->join_tries);
}

static void join_retry_due(struct mptcp_conn *c, uint64_t now) {
  for (uint8_t i = 0; i < c->n_jr;) {
    struct pm_join_retry r = c->pmt->jr[i];
    if (r.due > now) {
      i++;
      continue;
    }
    c->pmt->jr[i] = c->pmt->jr[--c->n_jr];
    if (c->closed || pm_pair_used(c, &r.local, &r.remote))
      continue;
    struct tcp_sf *sf = mptcp_open_subflow(c, &r.local, &r.remote, now);
    if (!sf)
      continue; /* max_subflows reached: given up */
    sf->addr_id_local = r.id_local;
    sf->addr_id_remote = r.id_remote;
    sf->backup = r.backup;
    sf->join_tries = (uint8_t)(r.tries + 1);
    mib_inc(c->stack, MPTCP_MIB_JOIN_RETRY);
  }
}

void pm_subflow_closed(struct tcp_sf *sf, uint64_t now) {
  join_retry_arm(sf, now);
  if (sf->conn->pm && sf->conn->pm->subflow_closed)
    sf->conn->pm->subflow_closed(sf, now);
}

void pm_addr_added(struct mptcp_conn *c, const mptcp_addr *a, uint8_t id) {
  if (c->pm && c->pm->local_addr_added && c->mp && !c->closed)
    c->pm->local_addr_added(c, a, id);
}

/* ------------------------------------------------------------------ */
/* Signals: ADD_ADDR, REMOVE_ADDR, MP_PRIO (RFC 8684 sections 3.4,      */
/* 3.3.8)                                                               */
/* ------------------------------------------------------------------ */


/* Signals ride on a pure ACK of the first usable subflow. */
static void pm_kick(struct mptcp_conn *c) {
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (mptcp_sf_usable(c->sfs[i])) {
      c->sfs[i]->ack_now = 1;
      break;
    }
  stack_mark_output(c->stack, c);
}

/* The accepting side announces its other addresses once the connection is
 * fully established (the peer has our key: it can check the HMAC). */
void pm_fully_established(struct mptcp_conn *c, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  if (!c->listener_child || c->pm_announced)
    return;
  c->pm_announced = 1;
  for (uint32_t i = 0; i < s->n_addrs && i < 255 && c->n_ann < MPTCP_PM_MAX_ADDR; i++) {
    const mptcp_addr *a = &s->addrs[i];
    if (a->family != c->sf.local.family || pm_ip_eq(a, &c->sf.local))
      continue;
    if (!pm_tables(c))
      break;
    struct pm_announce *an = &c->pmt->ann[c->n_ann++];
    memset(an, 0, sizeof(*an));
    an->addr = *a;
    an->addr.port = 0; /* joins come to the port of the connection */
    an->id = (uint8_t)(i + 1);
    an->tx_pending = 1;
    an->timer = now + c->cfg.add_addr_timeout_ns;
  }
  if (c->n_ann)
    pm_kick(c);
}

void pm_addr_removed(struct mptcp_conn *c, const mptcp_addr *a, uint8_t id, uint64_t now) {
  if (!c->mp || c->closed || c->tx_infinite)
    return;
  uint8_t wire_id = pm_ip_eq(a, &c->sf.local) ? 0 : id;
  for (uint8_t i = 0; i < c->n_ann; i++)
    if (c->pmt->ann[i].id == wire_id) { /* no more announcements of it */
      c->pmt->ann[i] = c->pmt->ann[--c->n_ann];
      break;
    }
  int used = 0;
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *sf = c->sfs[i];
    if (!pm_ip_eq(&sf->local, a) || sf->state == MPTCP_TCP_CLOSED || sf->rst_pending)
      continue;
    used = 1;
    if (sf->state == MPTCP_TCP_SYN_SENT) {
      tcp_set_state(sf, MPTCP_TCP_CLOSED, now);
      continue;
    }
    mptcp_sf_failed(sf, now); /* its data goes to the other subflows */
    sf->rst_pending = 1;
    sf->rst_reason = MPTCP_RST_EUNSPEC;
    mib_inc(c->stack, MPTCP_MIB_RM_SUBFLOW);
  }
  if ((used || wire_id) && c->key_remote && c->n_rm < MPTCP_PM_MAX_ADDR) {
    int dup = 0;
    for (uint8_t i = 0; i < c->n_rm; i++)
      dup |= c->pmt->rm_ids[i] == wire_id;
    if (!dup && pm_tables(c))
      c->pmt->rm_ids[c->n_rm++] = wire_id;
  }
  pm_kick(c);
  if (c->pm->local_addr_removed)
    c->pm->local_addr_removed(c, a, id, now);
}

int mptcp_conn_set_backup(mptcp_conn *c, int i, int backup, uint64_t now) {
  (void)now;
  if (!c || i < 0 || i >= c->n_sf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  struct tcp_sf *sf = c->sfs[i];
  if (!c->mp || c->closed || !sf->join_ok ||
      (sf->state != MPTCP_TCP_ESTABLISHED && sf->state != MPTCP_TCP_CLOSE_WAIT))
    return MPTCP_ERR_STATE;
  sf->backup = backup ? 1 : 0;
  sf->prio_pending = 1;
  sf->ack_now = 1;
  stack_mark_output(c->stack, c);
  return MPTCP_OK;
}

int pm_signal_pending(const struct tcp_sf *sf) {
  const struct mptcp_conn *c = sf->conn;
  if (!c->mp)
    return 0;
  /* Nothing to signal (the common case, asked for every segment): no
   * need to look at the subflow's state. */
  if (!sf->prio_pending && !sf->mp_fail_pending && !c->n_echo && !c->n_rm) {
    uint8_t i = 0;
    while (i < c->n_ann && !c->pmt->ann[i].tx_pending)
      i++;
    if (i == c->n_ann)
      return 0;
  }
  if (!sf->join_ok || sf->join_ack_pending || sf->mpc_ack_pending ||
      (sf->state != MPTCP_TCP_ESTABLISHED && sf->state != MPTCP_TCP_CLOSE_WAIT))
    return 0;
  if (sf->prio_pending || sf->mp_fail_pending)
    return 1;
  if (!mptcp_sf_usable(sf) || c->tx_infinite)
    return 0;
  if (c->n_echo || c->n_rm)
    return 1;
  for (uint8_t i = 0; i < c->n_ann; i++)
    if (c->pmt->ann[i].tx_pending)
      return 1;
  return 0;
}

/* Does h fit in 40 option bytes? SACK blocks yield first, as in emit(). */
static int fits(mptcp_tcphdr *h) {
  int hl = mptcp_tcphdr_len(h);
  while (hl == MPTCP_ERR_OPT_SPACE && (h->opts & MPTCP_OPT_SACK)) {
    if (--h->n_sack == 0)
      h->opts &= ~MPTCP_OPT_SACK;
    hl = mptcp_tcphdr_len(h);
  }
  return hl > 0;
}

/* Adds option `bit` (already filled in h) if it fits; a Data ACK without
 * a mapping may give way to it (Linux drops the other suboptions of a pure
 * ACK for an ADD_ADDR that needs the room). Returns 1 if added. */
static int try_add(mptcp_tcphdr *h, uint32_t bit) {
  h->opts |= bit;
  if (fits(h))
    return 1;
  if ((h->opts & MPTCP_OPT_DSS) && !(h->dss.flags & MPTCP_DSS_MAP)) {
    h->opts &= ~MPTCP_OPT_DSS;
    if (fits(h))
      return 1;
    h->opts |= MPTCP_OPT_DSS;
  }
  h->opts &= ~bit;
  return 0;
}

static void fill_addr(mptcp_opt_add_addr *o, const mptcp_addr *a, uint8_t id) {
  memset(o, 0, sizeof(*o));
  o->addr_id = id;
  o->family = a->family;
  memcpy(o->addr, a->ip, a->family == 6 ? 16 : 4);
  o->has_port = a->port != 0;
  o->port = a->port;
}

void pm_write_signals(struct tcp_sf *sf, mptcp_tcphdr *h) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  if (!pm_signal_pending(sf))
    return;
  if (sf->prio_pending) {
    h->prio.backup = sf->backup;
    if (try_add(h, MPTCP_OPT_MP_PRIO))
      mib_inc(s, MPTCP_MIB_MP_PRIO_TX);
    sf->prio_pending = 0; /* an option that never fits is given up */
  }
  if (!mptcp_sf_usable(sf) || c->tx_infinite)
    return;
  /* one ADD_ADDR per segment: echoes first, then announcements */
  if (c->n_echo) {
    fill_addr(&h->add_addr, &c->pmt->echo[0].addr, c->pmt->echo[0].id);
    h->add_addr.echo = 1;
    if (try_add(h, MPTCP_OPT_ADD_ADDR))
      mib_inc(s, MPTCP_MIB_ADD_ADDR_ECHO_TX);
    c->n_echo--;
    memmove(&c->pmt->echo[0], &c->pmt->echo[1], c->n_echo * sizeof(c->pmt->echo[0]));
  } else {
    for (uint8_t i = 0; i < c->n_ann; i++) {
      struct pm_announce *an = &c->pmt->ann[i];
      if (!an->tx_pending)
        continue;
      fill_addr(&h->add_addr, &an->addr, an->id);
      /* RFC 8684 section 3.4.1: the rightmost 64 bits of
       * HMAC(Key = our key || peer's key, Msg = id || address || port) */
      h->add_addr.thmac = mptcp_add_addr_hmac(c->key_local, c->key_remote, an->id,
                                              an->addr.family, an->addr.ip, an->addr.port);
      if (try_add(h, MPTCP_OPT_ADD_ADDR))
        mib_inc(s, MPTCP_MIB_ADD_ADDR_TX);
      an->tx_pending = 0; /* the retransmission timer tries again */
      break;
    }
  }
  if (c->n_rm) {
    h->rm_addr.n = c->n_rm;
    memcpy(h->rm_addr.ids, c->pmt->rm_ids, c->n_rm);
    if (try_add(h, MPTCP_OPT_REMOVE_ADDR)) {
      mib_add(s, MPTCP_MIB_RM_ADDR_TX, c->n_rm);
      c->n_rm = 0;
    } else if (!(h->opts & MPTCP_OPT_ADD_ADDR)) {
      c->n_rm = 0; /* cannot fit even alone: given up */
    }
  }
}

static void rcv_add_addr(struct tcp_sf *sf, const mptcp_opt_add_addr *o, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  mptcp_addr a;
  memset(&a, 0, sizeof(a));
  a.family = o->family;
  memcpy(a.ip, o->addr, o->family == 6 ? 16 : 4);
  a.port = o->has_port ? o->port : 0;
  if (o->echo) {
    for (uint8_t i = 0; i < c->n_ann; i++) {
      struct pm_announce *an = &c->pmt->ann[i];
      if (an->id == o->addr_id && pm_ip_eq(&an->addr, &a) && !an->echoed) {
        an->echoed = 1;
        an->tx_pending = 0;
        an->timer = MPTCP_TIME_NEVER;
        mib_inc(s, MPTCP_MIB_ADD_ADDR_ECHO_RX);
      }
    }
    return;
  }
  /* RFC 8684 section 3.4.1: the HMAC is keyed with the sender's key
   * first; a wrong one means the sender does not know the connection's
   * keys (threat A4: an off-path host steering subflows to itself) */
  uint64_t want = mptcp_add_addr_hmac(c->key_remote, c->key_local, o->addr_id, a.family,
                                      a.ip, a.port);
  if (want != o->thmac) {
    mib_inc(s, MPTCP_MIB_ADD_ADDR_BAD_HMAC);
    if (c->cfg.add_addr_hmac_check)
      return;
  }
  mib_inc(s, MPTCP_MIB_ADD_ADDR_RX);
  if (!pm_tables(c))
    return; /* out of memory: as if it were lost (the peer sends it again) */
  /* echo it (a retransmission gets a new echo: the first may be lost) */
  int queued = 0;
  for (uint8_t i = 0; i < c->n_echo; i++)
    queued |= c->pmt->echo[i].id == o->addr_id;
  if (!queued && c->n_echo < MPTCP_PM_MAX_ADDR) {
    c->pmt->echo[c->n_echo].id = o->addr_id;
    c->pmt->echo[c->n_echo].addr = a;
    c->n_echo++;
  }
  uint8_t k = 0;
  while (k < c->n_rem && c->pmt->rem[k].id != o->addr_id)
    k++;
  if (k == c->n_rem) {
    if (c->n_rem == MPTCP_PM_MAX_ADDR) {
      pm_kick(c);
      return; /* the echo goes out; no room to remember more addresses */
    }
    c->n_rem++;
  }
  c->pmt->rem[k].id = o->addr_id;
  c->pmt->rem[k].addr = a;
  pm_kick(c);
  if (c->pm->add_addr_received)
    c->pm->add_addr_received(c, &c->pmt->rem[k], now);
}

static void rcv_rm_addr(struct tcp_sf *sf, const mptcp_opt_remove_addr *o, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  struct mptcp_stack *s = c->stack;
  for (uint8_t j = 0; j < o->n; j++) {
    uint8_t id = o->ids[j];
    mib_inc(s, MPTCP_MIB_RM_ADDR_RX);
    const mptcp_addr *ra = id == 0 ? &c->sf.remote : NULL;
    for (uint8_t i = 0; i < c->n_rem; i++)
      if (c->pmt->rem[i].id == id) {
        ra = &c->pmt->rem[i].addr;
        break;
      }
    for (uint8_t i = 0; i < c->n_sf; i++) {
      struct tcp_sf *x = c->sfs[i];
      if (x->state == MPTCP_TCP_CLOSED || x->rst_pending)
        continue;
      if (x->addr_id_remote != id && !(ra && pm_ip_eq(&x->remote, ra)))
        continue;
      /* the option is not authenticated: the last usable subflow stays */
      if (mptcp_sf_usable(x) && !mptcp_other_usable(c, x))
        continue;
      if (x->state == MPTCP_TCP_SYN_SENT) {
        tcp_set_state(x, MPTCP_TCP_CLOSED, now);
        continue;
      }
      if (c->cfg.remove_addr_probe && x->state == MPTCP_TCP_ESTABLISHED) {
        /* section 3.4.2: is the path still in use? A keepalive, and the
         * verdict after one retransmission timeout (pm_handle_timers) */
        if (!x->rm_probe_until) {
          x->rm_probe_until = now + tcp_rto_backed(x->rto, 0, c->cfg.max_rto_ns);
          x->rm_probe_segs = x->segs_received;
          x->rm_probe_tries = 1;
          x->probe_pending = 1;
          mib_inc(s, MPTCP_MIB_RM_ADDR_PROBE);
        }
        continue;
      }
      mptcp_sf_failed(x, now);
      x->rst_pending = 1;
      x->rst_reason = MPTCP_RST_EUNSPEC;
      mib_inc(s, MPTCP_MIB_RM_SUBFLOW);
    }
    for (uint8_t i = 0; i < c->n_rem; i++)
      if (c->pmt->rem[i].id == id) {
        c->pmt->rem[i] = c->pmt->rem[--c->n_rem];
        break;
      }
    if (c->pm->rm_addr_received)
      c->pm->rm_addr_received(c, id, now);
  }
  stack_mark_output(s, c);
}

void pm_rcv_options(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  struct mptcp_conn *c = sf->conn;
  if (!c->key_remote || c->closed)
    return;
  if (th->opts & MPTCP_OPT_ADD_ADDR)
    rcv_add_addr(sf, &th->add_addr, now);
  if (th->opts & MPTCP_OPT_REMOVE_ADDR)
    rcv_rm_addr(sf, &th->rm_addr, now);
  if ((th->opts & MPTCP_OPT_MP_PRIO) && sf->join_ok) {
    /* section 3.3.8: the subflow it arrives on changes priority */
    mib_inc(c->stack, MPTCP_MIB_MP_PRIO_RX);
    sf->backup = th->prio.backup ? 1 : 0;
    stack_mark_output(c->stack, c);
  }
}

uint64_t pm_expiry(const struct mptcp_conn *c) {
  uint64_t e = MPTCP_TIME_NEVER;
  for (uint8_t i = 0; i < c->n_ann; i++)
    if (!c->pmt->ann[i].echoed && c->pmt->ann[i].timer < e)
      e = c->pmt->ann[i].timer;
  for (uint8_t i = 0; i < c->n_sf; i++)
    if (c->sfs[i]->rm_probe_until && c->sfs[i]->rm_probe_until < e)
      e = c->sfs[i]->rm_probe_until;
  for (uint8_t i = 0; i < c->n_jr; i++)
    if (c->pmt->jr[i].due < e)
      e = c->pmt->jr[i].due;
  return e;
}

/* Probes of a subflow a REMOVE_ADDR named before it is closed, one
 * retransmission timeout apart (backed off): a lost answer, or a path
 * briefly congested, does not close a path the peer still uses. */
#define RM_PROBE_TRIES 3

/* The verdict on the subflows a REMOVE_ADDR named: anything received since
 * the first probe (an answer, or data) means the path is in use: kept. */
static void rm_probe_verdicts(struct mptcp_conn *c, uint64_t now) {
  for (uint8_t i = 0; i < c->n_sf; i++) {
    struct tcp_sf *x = c->sfs[i];
    if (!x->rm_probe_until || x->rm_probe_until > now)
      continue;
    x->rm_probe_until = 0;
    if (x->state != MPTCP_TCP_ESTABLISHED || x->rst_pending)
      continue; /* closed meanwhile */
    if (x->segs_received > x->rm_probe_segs) {
      mib_inc(c->stack, MPTCP_MIB_RM_ADDR_KEPT);
      continue;
    }
    if (x->rm_probe_tries < RM_PROBE_TRIES) { /* no answer yet: again */
      x->rm_probe_until =
          now + tcp_rto_backed(x->rto, x->rm_probe_tries, c->cfg.max_rto_ns);
      x->rm_probe_tries++;
      x->probe_pending = 1;
      stack_mark_output(c->stack, c);
      continue;
    }
    if (mptcp_sf_usable(x) && !mptcp_other_usable(c, x))
      continue; /* the last usable subflow stays */
    mptcp_sf_failed(x, now);
    x->rst_pending = 1;
    x->rst_reason = MPTCP_RST_EUNSPEC;
    mib_inc(c->stack, MPTCP_MIB_RM_SUBFLOW);
    stack_mark_output(c->stack, c);
  }
}

void pm_handle_timers(struct mptcp_conn *c, uint64_t now) {
  rm_probe_verdicts(c, now);
  join_retry_due(c, now);
  for (uint8_t i = 0; i < c->n_ann; i++) {
    struct pm_announce *an = &c->pmt->ann[i];
    if (an->echoed || an->timer > now)
      continue;
    if (an->retries >= c->cfg.add_addr_retries || c->closed) {
      an->timer = MPTCP_TIME_NEVER; /* given up */
      continue;
    }
    an->retries++;
    an->tx_pending = 1;
    an->timer = now + c->cfg.add_addr_timeout_ns;
    mib_inc(c->stack, MPTCP_MIB_ADD_ADDR_RETRANS);
    pm_kick(c);
  }
}
