/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stack: one per host. It owns listeners and connections, finds the
 * connection of each received segment (the 4-tuple table of host.c),
 * creates a listener's children, serves the connections with output in
 * turn (the FIFO of host.c), keeps their timers in a min-heap, and counts
 * anomalies (enum mptcp_mib).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wire.h"

/* ---- configuration ---- */

void mptcp_config_default(mptcp_config *c) {
  memset(c, 0, sizeof(*c));
  c->mss = 1448;
  c->peer_mss_default = 0;
  c->sndbuf = 4u << 20;
  c->rcvbuf = 4u << 20;
  c->init_cwnd = 10;
  c->sack = 1;
  c->timestamps = 1;
  c->window_scaling = 1;
  c->tcp_checksum = 1;
  c->virtual_payload = 0;
  c->min_rto_ns = 200 * MPTCP_MS;
  c->max_rto_ns = 60 * MPTCP_S;
  c->initial_rto_ns = 1 * MPTCP_S;
  c->clock_granularity_ns = 1 * MPTCP_MS;
  c->delack_count = 2;
  c->delack_timeout_ns = 40 * MPTCP_MS;
  c->syn_retries = 6;
  c->rto_retries = 15;
  c->time_wait_ns = 60 * MPTCP_S;
  c->dupthresh = 3;
  c->nodelay = 0;
  c->cc = "lia";
  c->tcp_cc = "cubic";
  c->mptcp = 1;
  c->dss_checksum = 0;
  c->pm = "default";
  c->subflows = 2;
  c->scheduler = "minrtt";
  c->max_subflows = 8;
  c->max_half_open_joins = 4;
  c->listen_backlog = 4096;
  c->add_addr_hmac_check = 1;
  c->enforce_conn_window = 1;
  c->enforce_limits = 1;
  c->fastclose_key_check = 1;
  c->remove_addr_probe = 1;
  c->overlap_check = 1;
  c->rst_seq_check = 1;
  c->opt_ack_check = 1;
  c->syn_cookies = 1;
  c->max_ofo_ranges = MPTCP_OFO_RANGES_DEFAULT;
  c->add_addr_timeout_ns = 120 * MPTCP_S;
  c->add_addr_retries = 3;
  c->close_timeout_ns = 60 * MPTCP_S;
  c->opportunistic = 0;
  c->coupled_min_ssthresh = 2;
  c->cubic_tcp_friendliness = 1;
  c->cubic_hystart = 1;
}

int mptcp_config_check(const mptcp_config *c) {
  if (!c)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!c->cc || !cc_find(c->cc))
    return MPTCP_ERR_UNKNOWN_CC;
  if (!c->tcp_cc || !cc_find(c->tcp_cc) || cc_find(c->tcp_cc)->coupled)
    return MPTCP_ERR_UNKNOWN_CC;
  if (c->mss < 64 || c->mss > 65495)
    return MPTCP_ERR_CONFIG;
  if (c->peer_mss_default != 0 && (c->peer_mss_default < 64 || c->peer_mss_default > 65495))
    return MPTCP_ERR_CONFIG;
  if (c->sndbuf < c->mss || c->rcvbuf < c->mss || c->rcvbuf > (1u << 30))
    return MPTCP_ERR_CONFIG;
  if (c->init_cwnd == 0 || c->delack_count == 0 || c->dupthresh == 0 || c->nodelay > 1)
    return MPTCP_ERR_CONFIG;
  if (c->min_rto_ns == 0 || c->min_rto_ns > c->max_rto_ns ||
      c->initial_rto_ns == 0)
    return MPTCP_ERR_CONFIG;
  if (!c->pm || !pm_find(c->pm))
    return MPTCP_ERR_UNKNOWN_PM;
  if (!c->scheduler || !sched_find(c->scheduler))
    return MPTCP_ERR_UNKNOWN_SCHED;
  if (c->max_subflows < 1 || c->max_subflows > MPTCP_MAX_SF || c->subflows < 1 ||
      c->subflows > c->max_subflows || c->opportunistic > 1 || c->overlap_reset > 1 ||
      c->cubic_tcp_friendliness > 1 || c->cubic_hystart > 1 || c->coupled_min_ssthresh < 1 ||
      c->coupled_min_ssthresh > 2)
    return MPTCP_ERR_CONFIG;
  if (c->add_addr_timeout_ns == 0 || c->close_timeout_ns == 0 ||
      c->join_retry_ns > 3600 * MPTCP_S)
    return MPTCP_ERR_CONFIG;
  return MPTCP_OK;
}

/* ---- counters ---- */

static const char *const mib_names[MPTCP_MIB__COUNT] = {
    [MPTCP_MIB_SEG_IN] = "TcpInSegs",
    [MPTCP_MIB_SEG_OUT] = "TcpOutSegs",
    [MPTCP_MIB_BAD_HEADER] = "TcpInBadHeader",
    [MPTCP_MIB_BAD_CHECKSUM] = "TcpInCsumErrors",
    [MPTCP_MIB_NO_SOCKET] = "TcpNoSocket",
    [MPTCP_MIB_OUT_OF_WINDOW] = "TcpOutOfWindow",
    [MPTCP_MIB_DUP_DATA] = "TcpDupData",
    [MPTCP_MIB_PARTIAL_DUP] = "TcpPartialDupData",
    [MPTCP_MIB_OFO_QUEUED] = "TcpOfoQueue",
    [MPTCP_MIB_BEYOND_WINDOW] = "TcpBeyondWindowBytes",
    [MPTCP_MIB_ACK_TOO_NEW] = "TcpAckTooNew",
    [MPTCP_MIB_ACK_TOO_OLD] = "TcpAckTooOld",
    [MPTCP_MIB_DUP_ACK] = "TcpDupAcks",
    [MPTCP_MIB_RST_IN_WINDOW] = "TcpRstInWindow",
    [MPTCP_MIB_RST_OUT_WINDOW] = "TcpRstOutOfWindow",
    [MPTCP_MIB_RST_ACCEPTED] = "TcpRstAccepted",
    [MPTCP_MIB_SYN_IN_SYNCED] = "TcpSynInSynced",
    [MPTCP_MIB_CHALLENGE_ACK] = "TcpChallengeAck",
    [MPTCP_MIB_BAD_SYN_ACK] = "TcpBadSynAck",
    [MPTCP_MIB_SYN_RETRANS] = "TcpSynRetrans",
    [MPTCP_MIB_RTO] = "TcpTimeouts",
    [MPTCP_MIB_FAST_RETRANS] = "TcpFastRetrans",
    [MPTCP_MIB_RETRANS_SEGS] = "TcpRetransSegs",
    [MPTCP_MIB_SACK_BLOCKS_IN] = "TcpSackBlocksIn",
    [MPTCP_MIB_SACK_INVALID] = "TcpSackInvalid",
    [MPTCP_MIB_DSACK_IN] = "TcpDsackIn",
    [MPTCP_MIB_ZERO_WINDOW_PROBE] = "TcpZeroWindowProbes",
    [MPTCP_MIB_TIMEOUT_CLOSE] = "TcpTimeoutClose",
    [MPTCP_MIB_MEM_DROP] = "TcpMemDrop",
    [MPTCP_MIB_LISTEN_OVERFLOW] = "TcpListenOverflow",
    [MPTCP_MIB_TIME_WAIT_REUSE] = "TcpTimeWaitReuse",
    [MPTCP_MIB_MP_CAPABLE_SYN_RX] = "MPTcpExtMPCapableSYNRX",
    [MPTCP_MIB_MP_CAPABLE_ACTIVE] = "MPTcpExtMPCapableActive",
    [MPTCP_MIB_FALLBACK] = "MPTcpExtFallback",
    [MPTCP_MIB_MPC_BAD_KEY] = "MPTcpExtMPCapableBadKey",
    [MPTCP_MIB_JOIN_SYN_RX] = "MPTcpExtMPJoinSynRx",
    [MPTCP_MIB_JOIN_NO_TOKEN] = "MPTcpExtMPJoinNoTokenFound",
    [MPTCP_MIB_JOIN_BAD_HMAC] = "MPTcpExtMPJoinBadHmac",
    [MPTCP_MIB_JOIN_LIMIT] = "MPTcpExtMPJoinRejected",
    [MPTCP_MIB_JOIN_OK] = "MPTcpExtMPJoinOk",
    [MPTCP_MIB_DSS_NO_MAPPING] = "MPTcpExtDSSNoMapping",
    [MPTCP_MIB_DSN_BEYOND_WINDOW] = "MPTcpExtDSNBeyondWindow",
    [MPTCP_MIB_DSN_DUP] = "MPTcpExtDuplicateData",
    [MPTCP_MIB_DSS_CSUM_BAD] = "MPTcpExtDataCsumErr",
    [MPTCP_MIB_DATA_FIN_RX] = "MPTcpExtDataFinRx",
    [MPTCP_MIB_REINJECT] = "MPTcpExtReinject",
    [MPTCP_MIB_SUBFLOW_STALE] = "MPTcpExtSubflowStale",
    [MPTCP_MIB_ADD_ADDR_RX] = "MPTcpExtAddAddr",
    [MPTCP_MIB_ADD_ADDR_TX] = "MPTcpExtAddAddrTx",
    [MPTCP_MIB_ADD_ADDR_ECHO_RX] = "MPTcpExtEchoAdd",
    [MPTCP_MIB_ADD_ADDR_ECHO_TX] = "MPTcpExtEchoAddTx",
    [MPTCP_MIB_ADD_ADDR_BAD_HMAC] = "MPTcpExtAddAddrBadHmac",
    [MPTCP_MIB_ADD_ADDR_RETRANS] = "MPTcpExtAddAddrTxRetrans",
    [MPTCP_MIB_RM_ADDR_RX] = "MPTcpExtRmAddr",
    [MPTCP_MIB_RM_ADDR_TX] = "MPTcpExtRmAddrTx",
    [MPTCP_MIB_RM_SUBFLOW] = "MPTcpExtRmSubflow",
    [MPTCP_MIB_MP_PRIO_RX] = "MPTcpExtMPPrioRx",
    [MPTCP_MIB_MP_PRIO_TX] = "MPTcpExtMPPrioTx",
    [MPTCP_MIB_FASTCLOSE_RX] = "MPTcpExtMPFastcloseRx",
    [MPTCP_MIB_FASTCLOSE_TX] = "MPTcpExtMPFastcloseTx",
    [MPTCP_MIB_FASTCLOSE_BAD_KEY] = "MPTcpExtMPFastcloseBadKey",
    [MPTCP_MIB_MP_RST_RX] = "MPTcpExtMPRstRx",
    [MPTCP_MIB_MP_RST_TX] = "MPTcpExtMPRstTx",
    [MPTCP_MIB_DUP_DATA_MISMATCH] = "MPTcpExtDupDataMismatch",
    [MPTCP_MIB_MP_FAIL_RX] = "MPTcpExtMPFailRx",
    [MPTCP_MIB_MP_FAIL_TX] = "MPTcpExtMPFailTx",
    [MPTCP_MIB_INFINITE_MAP_TX] = "MPTcpExtInfiniteMapTx",
    [MPTCP_MIB_INFINITE_MAP_RX] = "MPTcpExtInfiniteMapRx",
    [MPTCP_MIB_CLOSE_TIMEOUT] = "MPTcpExtSubflowCloseTimeout",
    [MPTCP_MIB_OPP_RETRANS] = "MPTcpExtOpportunisticRetrans",
    [MPTCP_MIB_PENALISE] = "MPTcpExtPenalise",
    [MPTCP_MIB_DATA_RTX] = "MPTcpExtRetransSegs",
    [MPTCP_MIB_JOIN_HMAC] = "MPTcpExtJoinHmacComputed",
    [MPTCP_MIB_RM_ADDR_PROBE] = "MPTcpExtRmAddrProbe",
    [MPTCP_MIB_RM_ADDR_KEPT] = "MPTcpExtRmAddrKept",
    [MPTCP_MIB_JOIN_RETRY] = "MPTcpExtJoinRetry",
    [MPTCP_MIB_SYNCOOKIES_SENT] = "TcpSyncookiesSent",
    [MPTCP_MIB_SYNCOOKIES_RECV] = "TcpSyncookiesRecv",
    [MPTCP_MIB_SYNCOOKIES_FAILED] = "TcpSyncookiesFailed",
    [MPTCP_MIB_HYSTART_TRAIN] = "TcpExtTCPHystartTrainDetect",
    [MPTCP_MIB_HYSTART_DELAY] = "TcpExtTCPHystartDelayDetect",
    [MPTCP_MIB_JOIN_ACK_TIMEOUT] = "MPTcpExtMPJoinAckTimeout",
    [MPTCP_MIB_OFO_DROP] = "TcpExtTCPOFODrop",
    [MPTCP_MIB_DSN_OFO_DROP] = "MPTcpExtOFODrop",
};

uint64_t mptcp_stack_counter(const mptcp_stack *s, int id) {
  if (!s || id < 0 || id >= MPTCP_MIB__COUNT)
    return 0;
  return s->mib[id];
}

const char *mptcp_counter_name(int id) {
  if (id < 0 || id >= MPTCP_MIB__COUNT)
    return NULL;
  return mib_names[id];
}

/* ---- creation ---- */

int mptcp_stack_new(mptcp_stack **ps, const mptcp_config *cfg,
                    const mptcp_mem *mem, mptcp_rand_fn rand,
                    const mptcp_callbacks *cb, void *user_data) {
  if (!ps || !rand)
    return MPTCP_ERR_INVALID_ARGUMENT;
  mptcp_config def;
  if (!cfg) {
    mptcp_config_default(&def);
    cfg = &def;
  }
  int rv = mptcp_config_check(cfg);
  if (rv)
    return rv;
  if (!mem)
    mem = mptcp_mem_default();
  if (!mem->malloc_fn || !mem->free_fn)
    return MPTCP_ERR_INVALID_ARGUMENT;
  mptcp_stack *s = mem->malloc_fn(sizeof(*s), mem->user_data);
  if (!s)
    return MPTCP_ERR_NOMEM;
  memset(s, 0, sizeof(*s));
  s->cfg = *cfg;
  s->mem = *mem;
  s->rand = rand;
  if (cb)
    s->cb = *cb;
  s->user_data = user_data;
  s->mem_used = sizeof(*s);
  s->mem_cap = MPTCP_MEM_CAP_DEFAULT;
  *ps = s;
  return MPTCP_OK;
}

void mptcp_stack_del(mptcp_stack *s) {
  if (!s)
    return;
  while (s->all)
    conn_destroy(s->all);
  stack_free(s, s->listeners, s->cap_listeners * sizeof(struct listener));
  stack_free(s, s->table, s->table_cap * sizeof(struct tcp_sf *));
  stack_free(s, s->tokens, s->tokens_cap * sizeof(struct mptcp_conn *));
  stack_free(s, s->addrs, s->cap_addrs * sizeof(mptcp_addr));
  stack_free(s, s->heap, s->heap_cap * sizeof(struct mptcp_conn *));
  syncookie_free(s);
  s->mem.free_fn(s, sizeof(*s), s->mem.user_data);
}

int mptcp_stack_add_address(mptcp_stack *s, const mptcp_addr *a) {
  if (!s || !a || (a->family != 4 && a->family != 6))
    return MPTCP_ERR_INVALID_ARGUMENT;
  for (uint32_t i = 0; i < s->n_addrs; i++)
    if (s->addrs[i].family == a->family &&
        !memcmp(s->addrs[i].ip, a->ip, a->family == 6 ? 16 : 4))
      return MPTCP_OK;
  if (s->n_addrs == s->cap_addrs) {
    uint32_t ncap = s->cap_addrs ? s->cap_addrs * 2 : 4;
    mptcp_addr *na = stack_alloc(s, ncap * sizeof(*na));
    if (!na)
      return MPTCP_ERR_NOMEM;
    if (s->addrs) {
      memcpy(na, s->addrs, s->n_addrs * sizeof(*na));
      stack_free(s, s->addrs, s->cap_addrs * sizeof(*na));
    }
    s->addrs = na;
    s->cap_addrs = ncap;
  }
  s->addrs[s->n_addrs] = *a;
  s->addrs[s->n_addrs].port = 0;
  s->n_addrs++;
  for (struct mptcp_conn *c = s->all; c; c = c->next_all)
    pm_addr_added(c, &s->addrs[s->n_addrs - 1], stack_addr_id(s, a));
  return MPTCP_OK;
}

/* The address id of a local address: i + 1 for the i-th declared one,
 * 0 if it was never declared (or was withdrawn). */
uint8_t stack_addr_id(const struct mptcp_stack *s, const mptcp_addr *a) {
  for (uint32_t i = 0; i < s->n_addrs && i < 255; i++)
    if (s->addrs[i].family == a->family &&
        !memcmp(s->addrs[i].ip, a->ip, a->family == 6 ? 16 : 4))
      return (uint8_t)(i + 1);
  return 0;
}

int mptcp_stack_remove_address(mptcp_stack *s, const mptcp_addr *a, uint64_t now) {
  if (!s || !a || (a->family != 4 && a->family != 6))
    return MPTCP_ERR_INVALID_ARGUMENT;
  uint8_t id = stack_addr_id(s, a);
  if (!id)
    return MPTCP_ERR_INVALID_ARGUMENT;
  for (struct mptcp_conn *c = s->all; c; c = c->next_all)
    pm_addr_removed(c, a, id, now);
  /* a tombstone keeps the ids of the other addresses stable */
  s->addrs[id - 1].family = 0;
  return MPTCP_OK;
}

/* ---- timer heap ---- */

static void heap_swap(struct mptcp_stack *s, uint32_t a, uint32_t b) {
  struct mptcp_conn *t = s->heap[a];
  s->heap[a] = s->heap[b];
  s->heap[b] = t;
  s->heap[a]->heap_idx = a;
  s->heap[b]->heap_idx = b;
}

static void heap_up(struct mptcp_stack *s, uint32_t i) {
  while (i > 0) {
    uint32_t p = (i - 1) / 2;
    if (s->heap[p]->expiry <= s->heap[i]->expiry)
      break;
    heap_swap(s, p, i);
    i = p;
  }
}

static void heap_down(struct mptcp_stack *s, uint32_t i) {
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < s->heap_n && s->heap[l]->expiry < s->heap[m]->expiry)
      m = l;
    if (r < s->heap_n && s->heap[r]->expiry < s->heap[m]->expiry)
      m = r;
    if (m == i)
      return;
    heap_swap(s, i, m);
    i = m;
  }
}

static void heap_remove(struct mptcp_stack *s, struct mptcp_conn *c) {
  uint32_t i = c->heap_idx;
  if (i == UINT32_MAX)
    return;
  s->heap_n--;
  if (i != s->heap_n) {
    s->heap[i] = s->heap[s->heap_n];
    s->heap[i]->heap_idx = i;
    heap_down(s, i);
    heap_up(s, i);
  }
  c->heap_idx = UINT32_MAX;
}

/* Puts c at its expiry in the heap, now. */
static void timer_place(struct mptcp_stack *s, struct mptcp_conn *c) {
  uint64_t e = conn_expiry(c);
  if (e == MPTCP_TIME_NEVER) {
    heap_remove(s, c);
    c->expiry = e;
    return;
  }
  if (c->heap_idx == UINT32_MAX) {
    if (s->heap_n == s->heap_cap) {
      uint32_t ncap = s->heap_cap ? s->heap_cap * 2 : 16;
      struct mptcp_conn **nh = stack_alloc(s, ncap * sizeof(*nh));
      if (!nh)
        return; /* the timer will be picked up by the next update */
      if (s->heap) {
        memcpy(nh, s->heap, s->heap_n * sizeof(*nh));
        stack_free(s, s->heap, s->heap_cap * sizeof(*nh));
      }
      s->heap = nh;
      s->heap_cap = ncap;
    }
    c->expiry = e;
    c->heap_idx = s->heap_n;
    s->heap[s->heap_n++] = c;
    heap_up(s, c->heap_idx);
    return;
  }
  uint64_t old = c->expiry;
  c->expiry = e;
  if (e < old)
    heap_up(s, c->heap_idx);
  else if (e > old)
    heap_down(s, c->heap_idx);
}

/* A connection's expiry may have changed: it is recomputed when the heap
 * is next read (timers_flush), once however many segments it read or
 * wrote in between. */
void stack_update_timer(struct mptcp_stack *s, struct mptcp_conn *c) {
  if (c->timer_dirty)
    return;
  c->timer_dirty = 1;
  c->next_dirty = s->dirty_head;
  s->dirty_head = c;
}

static void timers_flush(struct mptcp_stack *s) {
  while (s->dirty_head) {
    struct mptcp_conn *c = s->dirty_head;
    s->dirty_head = c->next_dirty;
    c->next_dirty = NULL;
    c->timer_dirty = 0;
    timer_place(s, c);
  }
}

uint64_t mptcp_stack_get_expiry(const mptcp_stack *cs) {
  if (!cs)
    return MPTCP_TIME_NEVER;
  /* The dirty list is a cache of work deferred, not state the caller
   * sees: flushing it leaves the stack's behaviour unchanged. The stack
   * was allocated by mptcp_stack_new, never defined const. */
  mptcp_stack *s = (mptcp_stack *)cs;
  timers_flush(s);
  if (!s->heap_n)
    return MPTCP_TIME_NEVER;
  return s->heap[0]->expiry;
}

int mptcp_stack_handle_expiry(mptcp_stack *s, uint64_t now) {
  if (!s)
    return MPTCP_ERR_INVALID_ARGUMENT;
  for (;;) {
    timers_flush(s);
    if (!s->heap_n || s->heap[0]->expiry > now)
      break;
    struct mptcp_conn *c = s->heap[0];
    conn_handle_timers(c, now);
    if (c->freed_by_app && conn_done(c)) {
      conn_destroy(c);
      continue;
    }
    timers_flush(s);
    timer_place(s, c);
    if (c->heap_idx == 0 && c->expiry <= now) {
      /* a timer that did not move would spin: push it past now */
      c->expiry = now + 1;
      heap_down(s, 0);
    }
  }
  return MPTCP_OK;
}

/* Called by conn_destroy. */
void stack_forget_conn(struct mptcp_stack *s, struct mptcp_conn *c) {
  heap_remove(s, c);
  if (c->timer_dirty) {
    struct mptcp_conn **pp = &s->dirty_head;
    while (*pp && *pp != c)
      pp = &(*pp)->next_dirty;
    if (*pp)
      *pp = c->next_dirty;
    c->timer_dirty = 0;
  }
  for (uint8_t i = 0; i < c->n_sf; i++)
    stack_table_remove(s, c->sfs[i]);
  stack_token_remove(s, c);
  if (c->on_out_list) {
    struct mptcp_conn **pp = &s->out_head, *prev = NULL;
    while (*pp && *pp != c) {
      prev = *pp;
      pp = &(*pp)->next_out;
    }
    if (*pp) {
      *pp = c->next_out;
      if (s->out_tail == c)
        s->out_tail = prev;
    }
    c->on_out_list = 0;
  }
}

/* ---- listeners ---- */

static int addr_is_any(const mptcp_addr *a) {
  if (a->family == 0)
    return 1;
  static const uint8_t zero[16];
  return memcmp(a->ip, zero, a->family == 6 ? 16 : 4) == 0;
}

int mptcp_stack_listen(mptcp_stack *s, const mptcp_addr *local) {
  return mptcp_stack_listen_cfg(s, local, NULL);
}

int mptcp_stack_listen_cfg(mptcp_stack *s, const mptcp_addr *local,
                           const mptcp_config *cfg) {
  if (!s || !local || !local->port ||
      (local->family != 0 && local->family != 4 && local->family != 6))
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (cfg) {
    int rv = mptcp_config_check(cfg);
    if (rv != MPTCP_OK)
      return rv;
  }
  for (uint32_t i = 0; i < s->n_listeners; i++) {
    const mptcp_addr *l = &s->listeners[i].local;
    /* Listeners of different families never overlap (an IPv4 listener on
     * any address and an IPv6 one share a port); family 0 overlaps all. */
    int overlap = l->family == 0 || local->family == 0 ||
                  (l->family == local->family &&
                   (addr_is_any(l) || addr_is_any(local) || addr_eq(l, local)));
    if (l->port == local->port && overlap)
      return MPTCP_ERR_ADDR_IN_USE;
  }
  if (s->n_listeners == s->cap_listeners) {
    uint32_t ncap = s->cap_listeners ? s->cap_listeners * 2 : 4;
    struct listener *nl = stack_alloc(s, ncap * sizeof(*nl));
    if (!nl)
      return MPTCP_ERR_NOMEM;
    if (s->listeners) {
      memcpy(nl, s->listeners, s->n_listeners * sizeof(*nl));
      stack_free(s, s->listeners, s->cap_listeners * sizeof(*nl));
    }
    s->listeners = nl;
    s->cap_listeners = ncap;
  }
  struct listener *ln = &s->listeners[s->n_listeners++];
  ln->local = *local;
  ln->cfg = cfg ? *cfg : s->cfg;
  return MPTCP_OK;
}

int mptcp_stack_unlisten(mptcp_stack *s, const mptcp_addr *local) {
  if (!s || !local)
    return MPTCP_ERR_INVALID_ARGUMENT;
  for (uint32_t i = 0; i < s->n_listeners; i++) {
    const mptcp_addr *l = &s->listeners[i].local;
    if (l->port == local->port && l->family == local->family &&
        (l->family == 0 || addr_eq(l, local))) {
      s->listeners[i] = s->listeners[--s->n_listeners];
      return MPTCP_OK;
    }
  }
  return MPTCP_ERR_STATE;
}

static const struct listener *listening(const struct mptcp_stack *s,
                                        const mptcp_addr *dst) {
  for (uint32_t i = 0; i < s->n_listeners; i++) {
    const mptcp_addr *l = &s->listeners[i].local;
    if (l->port != dst->port)
      continue;
    if (l->family == 0 || (l->family == dst->family &&
                           (addr_is_any(l) || addr_eq(l, dst))))
      return &s->listeners[i];
  }
  return NULL;
}

int mptcp_stack_owns(const mptcp_stack *s, const mptcp_addr *src,
                     const mptcp_addr *dst, const uint8_t *data, size_t len) {
  if (!s || !src || !dst || !data || len < 20)
    return 0;
  mptcp_addr l = *dst, r = *src;
  r.port = get_be16(data);
  l.port = get_be16(data + 2);
  if (stack_table_lookup(s, &l, &r))
    return 1;
  uint8_t flags = data[13] & (MPTCP_TH_SYN | MPTCP_TH_ACK | MPTCP_TH_RST);
  if (flags != MPTCP_TH_SYN && !(flags == MPTCP_TH_ACK && s->cookie_secret_ok))
    return 0;
  mptcp_tcphdr th;
  if (flags == MPTCP_TH_ACK) {
    /* the third ACK of a SYN cookie we sent: a listener's, or a join's */
    if (mptcp_tcphdr_decode(&th, data, len) < 0 || !syncookie_may_own(s, &l, &r, &th))
      return 0;
    return (th.opts & MPTCP_OPT_MP_JOIN) || listening(s, &l);
  }
  if (listening(s, &l))
    return 1;
  /* A SYN with MP_JOIN is matched by its token (RFC 8684 section 3.2),
   * never by a plain TCP listener: it is ours whatever the port. */
  if (mptcp_tcphdr_decode(&th, data, len) < 0)
    return 0;
  return (th.opts & MPTCP_OPT_MP_JOIN) != 0;
}

static int write_rst(struct mptcp_stack *s, mptcp_segment *seg, uint8_t *buf,
                     size_t cap) {
  struct rst_out *r = &s->rsts[s->rst_head];
  mptcp_tcphdr h;
  memset(&h, 0, sizeof(h));
  h.sport = r->src.port;
  h.dport = r->dst.port;
  h.seq = r->seq;
  h.ack = r->with_ack ? r->ack : 0;
  h.flags = MPTCP_TH_RST | (r->with_ack ? MPTCP_TH_ACK : 0);
  if (r->mp_rst) {
    h.opts |= MPTCP_OPT_MP_TCPRST;
    h.tcprst.flags = r->rst_flags;
    h.tcprst.reason = r->rst_reason;
  }
  int n = mptcp_tcphdr_encode(buf, cap, &h);
  if (n < 0)
    return n;
  if (s->cfg.tcp_checksum && r->src.family == 4) {
    put_be16(buf + 16, mptcp_tcp_checksum_ipv4(r->src.ip, r->dst.ip, buf, (size_t)n));
  } else if (s->cfg.tcp_checksum && r->src.family == 6) {
    put_be16(buf + 16, mptcp_tcp_checksum_ipv6(r->src.ip, r->dst.ip, buf, (size_t)n));
  }
  seg->src = r->src;
  seg->dst = r->dst;
  seg->len = seg->hdr_len = (size_t)n;
  seg->payload_len = 0;
  seg->payload_virtual = 0;
  s->rst_head = (s->rst_head + 1) % STACK_RST_QUEUE;
  s->rst_n--;
  if (h.opts & MPTCP_OPT_MP_TCPRST)
    mib_inc(s, MPTCP_MIB_MP_RST_TX);
  mib_inc(s, MPTCP_MIB_SEG_OUT);
  return 1;
}

/* A segment built without a connection (a SYN cookie's SYN/ACK). */
static int write_raw(struct mptcp_stack *s, mptcp_segment *seg, uint8_t *buf, size_t cap) {
  struct raw_out *o = &s->raws[s->raw_head];
  if (cap < o->len)
    return MPTCP_ERR_NOBUF;
  memcpy(buf, o->hdr, o->len);
  if (s->cfg.tcp_checksum && o->src.family == 4) {
    put_be16(buf + 16, mptcp_tcp_checksum_ipv4(o->src.ip, o->dst.ip, buf, o->len));
  } else if (s->cfg.tcp_checksum && o->src.family == 6) {
    put_be16(buf + 16, mptcp_tcp_checksum_ipv6(o->src.ip, o->dst.ip, buf, o->len));
  }
  seg->src = o->src;
  seg->dst = o->dst;
  seg->len = seg->hdr_len = o->len;
  seg->payload_len = 0;
  seg->payload_virtual = 0;
  s->raw_head = (s->raw_head + 1) % STACK_RAW_QUEUE;
  s->raw_n--;
  mib_inc(s, MPTCP_MIB_SEG_OUT);
  return 1;
}

/* ---- segments in and out ---- */

/* A listener's child connection in SYN-RCVD for this SYN (tcp_accept_syn),
 * counted in the SYN queue; NULL when the host has no memory or room. */
static struct mptcp_conn *listen_child(struct mptcp_stack *s, const mptcp_config *cfg,
                                       const mptcp_addr *src, const mptcp_addr *dst,
                                       const mptcp_tcphdr *th) {
  struct mptcp_conn *c = conn_new(s, cfg, dst, src);
  if (!c)
    return NULL;
  if (stack_table_insert(s, &c->sf) < 0) {
    conn_destroy(c);
    return NULL;
  }
  c->listener_child = 1;
  /* Until the handshake completes the application does not know this
   * connection: the stack frees it if it closes before (RST, timeout). */
  c->freed_by_app = 1;
  tcp_accept_syn(&c->sf, th);
  c->sf.in_syn_queue = 1;
  s->syn_queue++;
  c->up->rcv_syn(&c->sf, th);
  return c;
}

/* A SYN to a listener: a child connection, bounded by the listen backlog;
 * beyond it a SYN cookie, or nothing. */
static void listen_input(struct mptcp_stack *s, const mptcp_config *cfg,
                         const mptcp_addr *src, const mptcp_addr *dst,
                         const mptcp_tcphdr *th, uint64_t now) {
  if (cfg->listen_backlog && s->syn_queue >= cfg->listen_backlog) {
    mib_inc(s, MPTCP_MIB_LISTEN_OVERFLOW);
    if (cfg->syn_cookies)
      syncookie_listen_synack(s, cfg, dst, src, th, now);
    return; /* else dropped: the client retries */
  }
  struct mptcp_conn *c = listen_child(s, cfg, src, dst, th);
  if (!c) {
    mib_inc(s, MPTCP_MIB_LISTEN_OVERFLOW);
    return;
  }
  stack_mark_output(s, c);
  stack_update_timer(s, c);
}

/* The third ACK of a SYN cookie: the connection or subflow it stands for,
 * in SYN-RCVD as if its SYN/ACK had been sent, or NULL. */
static struct tcp_sf *cookie_input(struct mptcp_stack *s, const mptcp_addr *l,
                                   const mptcp_addr *r, const mptcp_tcphdr *th, uint64_t now) {
  mptcp_tcphdr syn;
  if (th->opts & MPTCP_OPT_MP_JOIN) {
    struct syncookie_join j;
    if (syncookie_join_ack(s, l, r, th, now, &syn, &j) < 0)
      return NULL;
    return mptcp_join_from_cookie(j.conn, r, l, &syn, &j, th, now);
  }
  const struct listener *ln = listening(s, l);
  uint64_t key;
  if (!ln || !ln->cfg.syn_cookies ||
      syncookie_listen_ack(s, &ln->cfg, l, r, th, now, &syn, &key) < 0)
    return NULL;
  struct mptcp_conn *c = listen_child(s, &ln->cfg, r, l, &syn);
  if (!c) {
    mib_inc(s, MPTCP_MIB_LISTEN_OVERFLOW);
    return NULL;
  }
  if (c->mp && mptcp_cookie_key(c, key) < 0) {
    /* the key that came back names a connection this host already has
     * (RFC 8684 section 3.1: a token is unique): refused */
    mib_inc(s, MPTCP_MIB_SYNCOOKIES_FAILED);
    conn_destroy(c);
    return NULL;
  }
  syncookie_restore(&c->sf, th, now);
  return &c->sf;
}

static int verify_checksum(const mptcp_addr *src, const mptcp_addr *dst,
                           const uint8_t *data, size_t len) {
  uint16_t c = src->family == 6 ? mptcp_tcp_checksum_ipv6(src->ip, dst->ip, data, len)
                                : mptcp_tcp_checksum_ipv4(src->ip, dst->ip, data, len);
  return c == 0; /* the complemented sum over a correct segment is 0 */
}

int mptcp_stack_read(mptcp_stack *s, const mptcp_addr *src,
                     const mptcp_addr *dst, const uint8_t *data, size_t len,
                     size_t virtual_len, uint64_t now) {
  if (!s || !src || !dst || !data)
    return MPTCP_ERR_INVALID_ARGUMENT;
  mib_inc(s, MPTCP_MIB_SEG_IN);
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, data, len);
  if (hl < 0) {
    mib_inc(s, MPTCP_MIB_BAD_HEADER);
    return MPTCP_OK;
  }
  if (s->cfg.tcp_checksum && !virtual_len && !verify_checksum(src, dst, data, len)) {
    mib_inc(s, MPTCP_MIB_BAD_CHECKSUM);
    return MPTCP_OK;
  }
  mptcp_addr l = *dst, r = *src;
  l.port = th.dport;
  r.port = th.sport;
  size_t plen = len - (size_t)hl + virtual_len;
  if (plen > UINT32_MAX) {
    mib_inc(s, MPTCP_MIB_BAD_HEADER);
    return MPTCP_OK;
  }
  const uint8_t *payload = virtual_len ? NULL : data + hl;

  struct tcp_sf *sf = stack_table_lookup(s, &l, &r);
  if (!sf && syncookie_may_own(s, &l, &r, &th))
    sf = cookie_input(s, &l, &r, &th, now);
  if (sf) {
    struct mptcp_conn *c = sf->conn;
    tcp_input(sf, &th, payload, (uint32_t)plen, now);
    if (c->freed_by_app && conn_done(c))
      conn_destroy(c);
    else
      stack_update_timer(s, c);
    return MPTCP_OK;
  }
  if ((th.flags & (MPTCP_TH_SYN | MPTCP_TH_ACK | MPTCP_TH_RST)) == MPTCP_TH_SYN) {
    if (th.opts & MPTCP_OPT_MP_JOIN) {
      /* a join is matched by its token, not by a listener (RFC 8684
       * section 3.2) */
      mptcp_join_listen_input(s, &r, &l, &th, now);
      return MPTCP_OK;
    }
    const struct listener *ln = listening(s, &l);
    if (ln) {
      listen_input(s, &ln->cfg, &r, &l, &th, now);
      return MPTCP_OK;
    }
  }
  /* RFC 9293 section 3.10.7.1: a segment for no connection is answered
   * with a reset, unless it is one. */
  mib_inc(s, MPTCP_MIB_NO_SOCKET);
  if (th.flags & MPTCP_TH_RST)
    return MPTCP_OK;
  if (th.flags & MPTCP_TH_ACK) {
    stack_queue_rst(s, &l, &r, th.ack, 0, 0);
  } else {
    uint32_t span = (uint32_t)plen + !!(th.flags & MPTCP_TH_SYN) + !!(th.flags & MPTCP_TH_FIN);
    stack_queue_rst(s, &l, &r, 0, th.seq + span, 1);
  }
  return MPTCP_OK;
}

int mptcp_stack_write(mptcp_stack *s, mptcp_segment *seg, uint8_t *buf,
                      size_t cap, uint64_t now) {
  if (!s || !seg || !buf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  seg->conn_user_data = NULL;
  if (s->rst_n)
    return write_rst(s, seg, buf, cap);
  if (s->raw_n)
    return write_raw(s, seg, buf, cap);
  while (s->out_head) {
    struct mptcp_conn *c = s->out_head;
    int rv = conn_write(c, seg, buf, cap, now);
    if (rv != 0) {
      if (rv > 0) {
        seg->conn_user_data = c->user_data;
        mib_inc(s, MPTCP_MIB_SEG_OUT);
        if (s->out_head != s->out_tail) { /* round robin between conns */
          stack_out_pop(s);
          stack_mark_output(s, c);
        }
      }
      stack_update_timer(s, c);
      return rv;
    }
    stack_out_pop(s);
    stack_update_timer(s, c);
    if (c->freed_by_app && conn_done(c))
      conn_destroy(c);
  }
  return 0;
}
