/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MP_JOIN (RFC 8684 section 3.2; Linux's subflow.c): adding a subflow to a
 * connection. The SYN names the connection by the receiver's token; the
 * SYN/ACK proves the responder knows both keys (leftmost 64 bits of
 * HMAC-B), the third ACK proves the initiator does (leftmost 160 bits of
 * HMAC-A), and the fourth ACK releases the subflow for data. A wrong HMAC
 * resets this subflow only: an off-path attacker gets one guess.
 */
#include "internal.h"

void mptcp_join_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack) {
  struct mptcp_conn *c = sf->conn;
  h->opts |= MPTCP_OPT_MP_JOIN;
  h->join.backup = sf->backup;
  h->join.addr_id = sf->addr_id_local;
  h->join.nonce = sf->nonce_local;
  if (!synack) {
    h->join.len = MPTCP_JOIN_LEN_SYN;
    h->join.token = c->token_remote;
  } else {
    uint8_t mac[MPTCP_HMAC_SHA256_LEN];
    mib_inc(c->stack, MPTCP_MIB_JOIN_HMAC);
    mptcp_join_hmac(c->key_local, c->key_remote, sf->nonce_local, sf->nonce_remote, mac);
    h->join.len = MPTCP_JOIN_LEN_SYNACK;
    h->join.thmac = mptcp_hmac_left64(mac);
  }
}

/* Joins that failed (reset, bad HMAC, timed out before the third ACK)
 * never carried data: their slots are reclaimed, so that failed joins
 * cannot use up max_subflows for good. */
static void join_reclaim(struct mptcp_conn *c) {
  for (uint8_t i = c->n_sf; i-- > 1;) {
    struct tcp_sf *old = c->sfs[i];
    if (c->n_sf < (c->cfg.enforce_limits ? c->cfg.max_subflows : MPTCP_MAX_SF))
      break;
    if (old->is_join && !old->join_ok && old->state == MPTCP_TCP_CLOSED && !old->rst_pending)
      conn_free_subflow(c, old);
  }
}

/* enforce_limits 0 (an attack experiment): only the array's size */
static uint8_t join_max_subflows(const struct mptcp_conn *c) {
  return c->cfg.enforce_limits ? c->cfg.max_subflows : MPTCP_MAX_SF;
}

/* our address id for a join to dst: 0 for the connection's own address */
static uint8_t join_addr_id(struct mptcp_conn *c, const mptcp_addr *dst) {
  return !memcmp(dst->ip, c->sf.local.ip, dst->family == 6 ? 16 : 4)
             ? 0
             : stack_addr_id(c->stack, dst);
}

/* The responder's subflow for a join SYN, in SYN-RCVD, counted half-open,
 * with a fresh nonce and address id, or those a SYN cookie kept (j); NULL
 * without memory or room in the 4-tuple table. */
static struct tcp_sf *join_subflow(struct mptcp_conn *c, const mptcp_addr *dst,
                                   const mptcp_addr *src, const mptcp_tcphdr *th,
                                   const struct syncookie_join *j) {
  struct mptcp_stack *s = c->stack;
  struct tcp_sf *sf;
  uint8_t saved_max = c->cfg.max_subflows;
  c->cfg.max_subflows = join_max_subflows(c);
  int arv = conn_add_subflow(c, &sf, dst, src);
  c->cfg.max_subflows = saved_max;
  if (arv < 0) {
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    return NULL;
  }
  if (stack_table_insert(s, sf) < 0) {
    conn_free_subflow(c, sf);
    return NULL;
  }
  sf->is_join = 1;
  sf->mp = 1;
  sf->join_ok = 0;
  sf->nonce_remote = th->join.nonce;
  sf->nonce_local = j ? j->nonce_local : stack_rand32(s);
  sf->addr_id_remote = th->join.addr_id;
  sf->addr_id_local = j ? j->addr_id_local : join_addr_id(c, dst);
  sf->backup = th->join.backup;
  tcp_accept_syn(sf, th);
  c->half_open++;
  return sf;
}

void mptcp_join_listen_input(struct mptcp_stack *s, const mptcp_addr *src,
                             const mptcp_addr *dst, const mptcp_tcphdr *th, uint64_t now) {
  mib_inc(s, MPTCP_MIB_JOIN_SYN_RX);
  struct mptcp_conn *c = th->join.len == MPTCP_JOIN_LEN_SYN
                             ? stack_token_lookup(s, th->join.token)
                             : NULL;
  if (!c || !c->mp || !c->key_remote || c->closed || c->subflows_closing) {
    /* no state for an unknown token: a reset (section 3.2), with
     * MP_TCPRST reason 0x01 "MPTCP-specific error" (section 3.6: an error
     * in the processing of MPTCP options, here the token); T unset, the
     * token will not become known by retrying */
    mib_inc(s, MPTCP_MIB_JOIN_NO_TOKEN);
    stack_queue_mp_rst(s, dst, src, 0, th->seq + 1, 1, 0, MPTCP_RST_EMPTCP);
    return;
  }
  join_reclaim(c);
  if (c->n_sf >= join_max_subflows(c)) {
    /* section 3.6, reason 0x03 "administratively prohibited": the
     * subflow is refused by the host's policy (max_subflows), as Linux
     * refuses a join beyond subflows_max; T unset, it stays refused */
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    stack_queue_mp_rst(s, dst, src, 0, th->seq + 1, 1, 0, MPTCP_RST_EPROHIBIT);
    return;
  }
  if (c->cfg.enforce_limits && c->half_open >= c->cfg.max_half_open_joins) {
    /* With SYN cookies, a stateless SYN/ACK (syncookie.c): the limits are
     * checked again at the third ACK, whose HMAC a forged SYN cannot
     * give. Without, section 3.6's reason 0x02 "lack of resources", T set
     * ("transient error"): the half-open slots free up as those joins
     * complete or time out. */
    if (c->cfg.syn_cookies && syncookie_join_synack(c, dst, src, th, join_addr_id(c, dst), now) == 0)
      return;
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    stack_queue_mp_rst(s, dst, src, 0, th->seq + 1, 1, MPTCP_RST_FLAG_T, MPTCP_RST_ERESOURCE);
    return;
  }
  if (!join_subflow(c, dst, src, th, NULL))
    return;
  stack_mark_output(s, c);
  stack_update_timer(s, c);
}

struct tcp_sf *mptcp_join_from_cookie(struct mptcp_conn *c, const mptcp_addr *src,
                                      const mptcp_addr *dst, const mptcp_tcphdr *syn,
                                      const struct syncookie_join *j, const mptcp_tcphdr *ack,
                                      uint64_t now) {
  struct mptcp_stack *s = c->stack;
  if (!c->mp || !c->key_remote || c->closed || c->subflows_closing) {
    stack_queue_mp_rst(s, dst, src, ack->ack, 0, 0, 0, MPTCP_RST_EMPTCP);
    return NULL;
  }
  join_reclaim(c);
  if (c->n_sf >= join_max_subflows(c)) {
    /* max_subflows, checked at the third ACK as Linux does
     * (mptcp_can_accept_new_subflow) */
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    stack_queue_mp_rst(s, dst, src, ack->ack, 0, 0, 0, MPTCP_RST_EPROHIBIT);
    return NULL;
  }
  struct tcp_sf *sf = join_subflow(c, dst, src, syn, j);
  if (!sf)
    return NULL;
  syncookie_restore(sf, ack, now);
  return sf; /* the third ACK, HMAC-A included, goes through tcp_input */
}

int mptcp_join_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  struct mptcp_conn *c = sf->conn;
  if (!(th->opts & MPTCP_OPT_MP_JOIN) || th->join.len != MPTCP_JOIN_LEN_SYNACK) {
    mib_inc(c->stack, MPTCP_MIB_JOIN_BAD_HMAC);
    return -1;
  }
  uint8_t mac[MPTCP_HMAC_SHA256_LEN];
  mib_inc(c->stack, MPTCP_MIB_JOIN_HMAC);
  mptcp_join_hmac(c->key_remote, c->key_local, th->join.nonce, sf->nonce_local, mac);
  if (mptcp_hmac_left64(mac) != th->join.thmac) {
    mib_inc(c->stack, MPTCP_MIB_JOIN_BAD_HMAC);
    return -1;
  }
  sf->nonce_remote = th->join.nonce;
  sf->addr_id_remote = th->join.addr_id;
  sf->join_ack_pending = 1;
  return 0;
}

int mptcp_join_rcv_ack(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  struct mptcp_conn *c = sf->conn;
  /* (the half-open count drops when the subflow leaves SYN-RCVD, either
   * way: tcp_input.c) */
  if (!(th->opts & MPTCP_OPT_MP_JOIN) || th->join.len != MPTCP_JOIN_LEN_ACK) {
    mib_inc(c->stack, MPTCP_MIB_JOIN_BAD_HMAC);
    return -1;
  }
  uint8_t mac[MPTCP_HMAC_SHA256_LEN];
  mib_inc(c->stack, MPTCP_MIB_JOIN_HMAC);
  mptcp_join_hmac(c->key_remote, c->key_local, sf->nonce_remote, sf->nonce_local, mac);
  if (memcmp(mac, th->join.hmac, MPTCP_JOIN_HMAC_LEN) != 0) {
    mib_inc(c->stack, MPTCP_MIB_JOIN_BAD_HMAC);
    return -1;
  }
  return 0;
}
