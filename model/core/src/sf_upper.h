/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between a subflow (tcp_input.c, tcp_output.c,
 * tcp_recovery.c) and the layer above it. The subflow files call the
 * upper layer only through this table, one indirect call per hook, and
 * never name the MPTCP functions, so the MPTCP layer can change (or be
 * absent: plain TCP) without touching them.
 *
 * Two implementations: `sf_upper_tcp` (sf_upper_tcp.c: a connection with
 * MPTCP off, whose upper layer adds nothing) and `sf_upper_mptcp`
 * (mptcp_proto.c: MP_CAPABLE, MP_JOIN, DSS, Data ACK, reinjection). The
 * connection picks one when it is created (`conn_new`, from cfg.mptcp);
 * a fallback to plain TCP keeps the MPTCP table, whose hooks then see
 * c->mp == 0.
 */
#ifndef MPTCP_SF_UPPER_H
#define MPTCP_SF_UPPER_H

#include <stdint.h>

#include "mptcp/mptcp.h"

struct tcp_sf;
struct tx_rec;
struct mptcp_conn;

struct sf_upper_ops {
  /* options of a SYN or SYN/ACK (initial subflow or join) */
  void (*syn_options)(struct tcp_sf *sf, mptcp_tcphdr *h, int synack);
  /* a listener's child saw the peer's SYN */
  void (*rcv_syn)(struct tcp_sf *sf, const mptcp_tcphdr *th);
  /* the SYN/ACK answering our SYN: < 0 resets this subflow */
  int (*rcv_synack)(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now);
  /* the third ACK of a join: < 0 resets this subflow */
  int (*rcv_join_ack)(struct tcp_sf *sf, const mptcp_tcphdr *th);
  /* the subflow reached ESTABLISHED */
  void (*established)(struct tcp_sf *sf, uint64_t now);
  /* options of a non-SYN segment we send, and of an RST */
  void (*write_options)(struct tcp_sf *sf, mptcp_tcphdr *h, const struct tx_rec *r,
                        uint32_t payload_len, const uint8_t *payload);
  void (*rst_options)(struct tcp_sf *sf, mptcp_tcphdr *h);
  /* options of a received segment: 0 go on, < 0 drop (MPTCP_RCV_WAIT:
   * drop, subflow unchanged) */
  int (*rcv_options)(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                     const uint8_t *payload, uint32_t plen, uint64_t now);
  /* a segment received after a fallback by infinite mapping: < 0 drop */
  int (*fallback_rcv)(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                      const uint8_t *payload, uint32_t plen);
  /* a received RST with upper-layer options: 1 if it closed the
   * connection */
  int (*rcv_rst)(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now);
  /* data offset of subflow byte `rel`, or < 0 without a mapping */
  int (*map_lookup)(struct tcp_sf *sf, uint64_t rel, uint32_t len, uint64_t *off);
  /* data at offset `off` arrived on a subflow (window-checked) */
  void (*data_in)(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len,
                  uint64_t now);
  /* another subflow could carry this one's data */
  int (*other_usable)(const struct mptcp_conn *c, const struct tcp_sf *sf);
  /* the subflow failed (reset, retry limit): its data goes elsewhere */
  void (*failed)(struct tcp_sf *sf, uint64_t now);
  /* a retransmission timeout on the subflow */
  void (*rto)(struct tcp_sf *sf, uint64_t now);
  /* the next data to send again on any subflow (reinjection): 1 and
   * [*off, *off + *len) if there is some; then consume what was sent */
  int (*next_data)(struct mptcp_conn *c, uint64_t *off, uint64_t *len);
  void (*data_sent)(struct mptcp_conn *c, uint64_t off, uint64_t len);
};

extern const struct sf_upper_ops sf_upper_tcp;
extern const struct sf_upper_ops sf_upper_mptcp;

#endif /* MPTCP_SF_UPPER_H */
