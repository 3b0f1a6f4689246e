/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The upper layer of a plain TCP connection (MPTCP off): one subflow whose
 * sequence space is the stream's (data offset = sequence - 1), no options
 * beyond TCP's, nothing to reinject. The subflow files reach it through
 * `struct sf_upper_ops` (sf_upper.h), as they reach MPTCP's.
 */
#include "internal.h"

static void tcp_up_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack) {
  (void)sf, (void)h, (void)synack;
}

static void tcp_up_rcv_syn(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  /* an MP_CAPABLE SYN to a host with MPTCP off is counted, then answered
   * as plain TCP (RFC 8684 section 3.1) */
  if (th->opts & MPTCP_OPT_MP_CAPABLE)
    mib_inc(sf->conn->stack, MPTCP_MIB_MP_CAPABLE_SYN_RX);
}

static int tcp_up_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  (void)sf, (void)th, (void)now;
  return 0;
}

static int tcp_up_rcv_join_ack(struct tcp_sf *sf, const mptcp_tcphdr *th) {
  (void)sf, (void)th;
  return -1; /* no joins without MPTCP */
}

static void tcp_up_established(struct tcp_sf *sf, uint64_t now) { (void)sf, (void)now; }

static void tcp_up_write_options(struct tcp_sf *sf, mptcp_tcphdr *h, const struct tx_rec *r,
                                 uint32_t payload_len, const uint8_t *payload) {
  (void)sf, (void)h, (void)r, (void)payload_len, (void)payload;
}

static void tcp_up_rst_options(struct tcp_sf *sf, mptcp_tcphdr *h) { (void)sf, (void)h; }

static int tcp_up_rcv_options(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                              const uint8_t *payload, uint32_t plen, uint64_t now) {
  (void)sf, (void)th, (void)rel, (void)payload, (void)plen, (void)now;
  return 0;
}

static int tcp_up_fallback_rcv(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                               const uint8_t *payload, uint32_t plen) {
  (void)sf, (void)th, (void)rel, (void)payload, (void)plen;
  return 0;
}

static int tcp_up_rcv_rst(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now) {
  (void)sf, (void)th, (void)now;
  return 0;
}

static int tcp_up_map_lookup(struct tcp_sf *sf, uint64_t rel, uint32_t len, uint64_t *off) {
  (void)sf, (void)len;
  *off = rel - 1;
  return 0;
}

static void tcp_up_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len,
                           uint64_t now) {
  (void)now;
  if (p)
    conn_data_in(c, off, p, len);
}

static int tcp_up_other_usable(const struct mptcp_conn *c, const struct tcp_sf *sf) {
  (void)c, (void)sf;
  return 0;
}

static void tcp_up_failed(struct tcp_sf *sf, uint64_t now) { (void)sf, (void)now; }

static void tcp_up_rto(struct tcp_sf *sf, uint64_t now) { (void)sf, (void)now; }

static int tcp_up_next_data(struct mptcp_conn *c, uint64_t *off, uint64_t *len) {
  (void)c, (void)off, (void)len;
  return 0;
}

static void tcp_up_data_sent(struct mptcp_conn *c, uint64_t off, uint64_t len) {
  (void)c, (void)off, (void)len;
}

static void tcp_up_data_mapped(struct mptcp_conn *c, uint64_t end) { (void)c, (void)end; }

const struct sf_upper_ops sf_upper_tcp = {
    .syn_options = tcp_up_syn_options,
    .rcv_syn = tcp_up_rcv_syn,
    .rcv_synack = tcp_up_rcv_synack,
    .rcv_join_ack = tcp_up_rcv_join_ack,
    .established = tcp_up_established,
    .write_options = tcp_up_write_options,
    .rst_options = tcp_up_rst_options,
    .rcv_options = tcp_up_rcv_options,
    .fallback_rcv = tcp_up_fallback_rcv,
    .rcv_rst = tcp_up_rcv_rst,
    .map_lookup = tcp_up_map_lookup,
    .data_in = tcp_up_data_in,
    .other_usable = tcp_up_other_usable,
    .failed = tcp_up_failed,
    .rto = tcp_up_rto,
    .next_data = tcp_up_next_data,
    .data_sent = tcp_up_data_sent,
    .data_mapped = tcp_up_data_mapped,
};
