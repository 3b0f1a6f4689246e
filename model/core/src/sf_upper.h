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
 * c->mp == 0. The connection's own services to its subflows (stream
 * buffers, the end of a subflow) are the second table below.
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
  /* new data was mapped up to offset `end` (a segment's worth) */
  void (*data_mapped)(struct mptcp_conn *c, uint64_t end);
};

extern const struct sf_upper_ops sf_upper_tcp;
extern const struct sf_upper_ops sf_upper_mptcp;

/*
 * What a subflow asks of the connection that owns it, whatever the upper
 * layer: the connection's stream buffers, and the connection's part when
 * a subflow ends. One table, `conn_sf_owner` (conn.c), reached through
 * c->owner. With it and sf_upper_ops the subflow files call no function
 * of the connection's files (conn.c, stack.c, the MPTCP layer): the
 * subflow layer sits below the connection layer, and calls up only
 * through these two tables (doc/architecture.md, "How the core's files
 * depend"; test core.layering).
 */
struct sf_owner_ops {
  /* the data offset one past the connection's receive window */
  uint64_t (*rcv_space)(const struct mptcp_conn *c);
  /* make the receive buffer hold offsets below `end`: 0, or < 0 when the
   * memory cap refuses (the segment is dropped unacknowledged) */
  int (*rcv_reserve)(struct mptcp_conn *c, uint64_t end);
  /* plain TCP: `len` bytes at stream offset `off` (window-checked and
   * reserved); MPTCP data arrives through sf_upper_ops.data_in */
  void (*data_in)(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len);
  /* the send buffer's bytes at offset `off` into a segment */
  void (*copy_out)(const struct mptcp_conn *c, uint64_t off, uint8_t *dst, uint32_t len);
  /* plain TCP: the peer acknowledged the stream below offset `upto` + 1 */
  void (*data_acked)(struct mptcp_conn *c, uint64_t upto);
  /* the subflow reached CLOSED on a received RST or after its FIN
   * exchange (`reason` MPTCP_CLOSE_*, `cause` enum mptcp_reset_cause,
   * `rst` the MP_TCPRST reason or -1) */
  void (*sf_closed)(struct tcp_sf *sf, int reason, int cause, int rst, uint64_t now);
  /* the subflow entered TIME-WAIT */
  void (*sf_time_wait)(struct tcp_sf *sf, uint64_t now);
  /* the subflow sent its RST and is CLOSED */
  void (*sf_rst_sent)(struct tcp_sf *sf, uint64_t now);
  /* the subflow ran out of retransmissions with no other subflow to take
   * its data: the connection is reset, its other subflows go too */
  void (*sf_timed_out)(struct tcp_sf *sf, uint64_t now);
  /* an address signal (ADD_ADDR, REMOVE_ADDR) waits for a segment of this
   * subflow */
  int (*signal_pending)(const struct tcp_sf *sf);
};

extern const struct sf_owner_ops conn_sf_owner;

#endif /* MPTCP_SF_UPPER_H */
