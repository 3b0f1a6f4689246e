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

void mptcp_join_listen_input(struct mptcp_stack *s, const mptcp_addr *src,
                             const mptcp_addr *dst, const mptcp_tcphdr *th, uint64_t now) {
  (void)now;
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
  /* Joins that failed (reset, bad HMAC, timed out before the third ACK)
   * never carried data: their slots are reclaimed, so that failed joins
   * cannot use up max_subflows for good. */
  for (uint8_t i = c->n_sf; i-- > 1;) {
    struct tcp_sf *old = c->sfs[i];
    if (c->n_sf < (c->cfg.enforce_limits ? c->cfg.max_subflows : MPTCP_MAX_SF))
      break;
    if (old->is_join && !old->join_ok && old->state == MPTCP_TCP_CLOSED && !old->rst_pending)
      conn_free_subflow(c, old);
  }
  /* enforce_limits 0 (an attack experiment): only the array's size */
  uint8_t max_sf = c->cfg.enforce_limits ? c->cfg.max_subflows : MPTCP_MAX_SF;
  if (c->n_sf >= max_sf) {
    /* section 3.6, reason 0x03 "administratively prohibited": the
     * subflow is refused by the host's policy (max_subflows), as Linux
     * refuses a join beyond subflows_max; T unset, it stays refused */
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    stack_queue_mp_rst(s, dst, src, 0, th->seq + 1, 1, 0, MPTCP_RST_EPROHIBIT);
    return;
  }
  if (c->cfg.enforce_limits && c->half_open >= c->cfg.max_half_open_joins) {
    /* section 3.6, reason 0x02 "lack of resources", T set ("transient
     * error"): the half-open slots free up as those joins complete or
     * time out */
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    stack_queue_mp_rst(s, dst, src, 0, th->seq + 1, 1, MPTCP_RST_FLAG_T, MPTCP_RST_ERESOURCE);
    return;
  }
  struct tcp_sf *sf;
  uint8_t saved_max = c->cfg.max_subflows;
  c->cfg.max_subflows = max_sf;
  int arv = conn_add_subflow(c, &sf, dst, src);
  c->cfg.max_subflows = saved_max;
  if (arv < 0) {
    mib_inc(s, MPTCP_MIB_JOIN_LIMIT);
    return;
  }
  if (stack_table_insert(s, sf) < 0) {
    conn_free_subflow(c, sf);
    return;
  }
  sf->is_join = 1;
  sf->mp = 1;
  sf->join_ok = 0;
  sf->nonce_remote = th->join.nonce;
  sf->nonce_local = stack_rand32(s);
  sf->addr_id_remote = th->join.addr_id;
  /* our address id for it: 0 for the connection's own address */
  sf->addr_id_local = !memcmp(dst->ip, c->sf.local.ip, dst->family == 6 ? 16 : 4)
                          ? 0
                          : stack_addr_id(s, dst);
  sf->backup = th->join.backup;
  tcp_accept_syn(sf, th);
  c->half_open++;
  stack_mark_output(s, c);
  stack_update_timer(s, c);
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
