/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal structures of the engine. Nothing here is public: hosts see only
 * mptcp.h. Vocabulary follows Linux: a stack per host, a connection per
 * application socket (the MPTCP-level socket, "msk"), subflows carrying its
 * data (TCP connections, "ssk"). In plain TCP mode a connection has exactly
 * one subflow and the data sequence space is the subflow's byte stream.
 *
 * Sequence numbers inside a subflow are 64-bit and relative to the ISN
 * (the SYN is 0, the first data byte 1); they are converted to the 32-bit
 * wire values only in tcp_output.c and tcp_input.c, so no comparison in the
 * engine has to care about wrap-around.
 */
#ifndef MPTCP_INTERNAL_H
#define MPTCP_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "rangeset.h"
#include "sf_upper.h"

struct mptcp_stack;
struct mptcp_conn;
struct tcp_sf;

/* ---- memory (host.c) ---- */
void *stack_alloc(struct mptcp_stack *s, size_t size);
void *stack_calloc(struct mptcp_stack *s, size_t size);
void stack_free(struct mptcp_stack *s, void *p, size_t size);

/* ---- congestion control ops (cc.c, one file per algorithm) ---- */

/* Congestion states (Linux's tcp_ca_state, reduced). */
enum tcp_ca_state {
  TCP_CA_OPEN = 0,     /* no loss being repaired */
  TCP_CA_RECOVERY = 1, /* fast recovery (RFC 6675 / RFC 6582) with PRR */
  TCP_CA_LOSS = 2,     /* after a retransmission timeout */
};

/* Bytes of private state an algorithm may keep in the subflow. */
#define TCP_CC_PRIV_SIZE 128

/*
 * A congestion-control algorithm, in the manner of Linux's
 * struct tcp_congestion_ops. Required hooks: init, ssthresh, cong_avoid.
 * cc_find() refuses a table missing one. Coupled algorithms reach the
 * other subflows through sf->conn.
 */
struct tcp_cc_ops {
  const char *name;
  /* 1: coupled across the subflows of an MPTCP connection (RFC 6356 and
   * its successors); a connection that is plain TCP runs cfg.tcp_cc */
  uint8_t coupled;
  /* required: set up private state; cwnd and ssthresh are already set */
  void (*init)(struct tcp_sf *sf);
  /* required: slow-start threshold after a loss (bytes); called before
   * cwnd is reduced */
  uint64_t (*ssthresh)(struct tcp_sf *sf);
  /* required: grow cwnd for `acked` newly acknowledged bytes, outside
   * recovery */
  void (*cong_avoid)(struct tcp_sf *sf, uint64_t acked, uint64_t now);
  /* optional: the congestion state changed */
  void (*set_state)(struct tcp_sf *sf, int new_state, uint64_t now);
  /* optional: a new RTT sample */
  void (*on_rtt)(struct tcp_sf *sf, uint64_t rtt_ns, uint64_t now);
  /* optional: cwnd and ssthresh were cut from outside the algorithm
   * (opportunistic penalisation, cc_penalise), from prior_cwnd; they are
   * already set */
  void (*cwnd_reduced)(struct tcp_sf *sf, uint64_t prior_cwnd, uint64_t now);
};

const struct tcp_cc_ops *cc_find(const char *name);
/* The i-th registered congestion control (NULL past the last). */
const struct tcp_cc_ops *cc_at(size_t i);
/* The algorithm a subflow runs: cfg->cc, or cfg->tcp_cc when the
 * connection is not MPTCP (`mptcp` 0) and cfg->cc is coupled. */
const struct tcp_cc_ops *cc_select(const mptcp_config *cfg, int mptcp);
/* The connection became plain TCP (fallback): a subflow running a coupled
 * algorithm switches to cfg.tcp_cc, keeping cwnd and ssthresh (its init
 * hook runs again if the subflow is already established). */
void cc_fallback(struct tcp_sf *sf);
/* Coupled algorithms (cc.c): does subflow p take part in the coupling
 * (established, join complete, an RTT sample), and which window does it
 * contribute to the sums seen from `self` -- ssthresh while another
 * subflow repairs a loss (RFC 6356 section 4). */
int cc_coupled_member(const struct tcp_sf *p);
uint64_t cc_coupled_window(const struct tcp_sf *p, const struct tcp_sf *self);
/* The subflows coupled with sf, seen from sf: every member of an MPTCP
 * connection in sfs[] order, sf itself in its place whatever its state (or
 * last, alone on a plain TCP connection), each with the window it
 * contributes. `out` holds MPTCP_MAX_SF + 1 entries; returns how many. */
struct cc_path {
  const struct tcp_sf *sf;
  uint64_t w;
  int self;
};
unsigned cc_coupled_paths(const struct tcp_sf *sf, struct cc_path *out);
/* The least ssthresh (bytes) of a coupled algorithm's decrease on a
 * connection summing `paths` subflows: 2 MSS, or 1 MSS with two or more
 * when mptcp_config.coupled_min_ssthresh is 1. */
uint64_t cc_min_ssthresh(const struct tcp_sf *sf, unsigned paths);
/* Opportunistic penalisation of sf: cwnd halved, ssthresh the new cwnd,
 * then the algorithm's cwnd_reduced hook. */
void cc_penalise(struct tcp_sf *sf, uint64_t now);
/* Helpers for algorithms (cc_reno.c). */
void tcp_slow_start(struct tcp_sf *sf, uint64_t *acked);
void tcp_cong_avoid_ai(struct tcp_sf *sf, uint64_t w, uint64_t acked);

/* ---- transmit records: one per segment in flight (tcp_recovery.c) ---- */

enum {
  TXR_SACKED = 0x01,       /* covered by a SACK block */
  TXR_LOST = 0x02,         /* deemed lost (RFC 6675 IsLost, or RTO) */
  TXR_RETRANS = 0x04,      /* retransmitted since it was last marked lost */
  TXR_EVER_RETRANS = 0x08, /* retransmitted at least once (Karn) */
  TXR_FIN = 0x10,          /* carries the FIN after its payload */
};

struct tx_rec {
  uint64_t seq;     /* relative subflow sequence of the first byte */
  uint64_t dsn;     /* data sequence of the first byte (stream offset) */
  uint64_t sent_ns; /* last (re)transmission time */
  uint32_t len;     /* payload bytes (the FIN is not counted) */
  uint32_t flags;
};

/* A ring of records ordered by seq, grown by doubling (amortised, never
 * per packet once the window is reached). */
struct tx_ring {
  struct tx_rec *r;
  uint32_t cap; /* power of two */
  uint32_t head;
  uint32_t n;
};

static inline struct tx_rec *txr_at(struct tx_ring *q, uint32_t i) {
  return &q->r[(q->head + i) & (q->cap - 1)];
}

/* ---- a subflow: one TCP connection (tcp_*.c) ---- */

enum {
  SF_TIMER_RTX = 0, /* SYN/data retransmission, or zero-window persist */
  SF_TIMER_DELACK,
  SF_TIMER_TW, /* TIME-WAIT */
  SF_TIMER__N
};

struct tcp_sf {
  struct mptcp_conn *conn;
  int state; /* enum mptcp_tcp_state */
  mptcp_addr local, remote;

  /* send side (relative sequence numbers) */
  uint32_t iss;
  uint64_t snd_una, snd_nxt;
  uint64_t snd_max;      /* highest sequence sent, + 1 */
  uint64_t snd_wnd;      /* peer's window, bytes (scaled) */
  uint64_t max_snd_wnd;  /* largest window seen (RFC 5961 section 5.2) */
  uint64_t snd_wl1, snd_wl2; /* segment seq/ack of last window update */
  uint16_t mss;          /* effective send MSS (after options) */
  uint16_t peer_mss;
  uint8_t snd_wscale, rcv_wscale;
  uint8_t sack_ok, ts_ok, ws_ok;
  uint8_t fin_queued;    /* the application shut down: FIN after data */
  uint8_t fin_sent;
  uint64_t fin_seq;      /* relative seq of our FIN, once sent */

  struct tx_ring txq;
  uint64_t out_bytes;    /* payload bytes in records (Linux packets_out) */
  uint64_t sacked_bytes; /* of which SACKed (or emulated by dupacks) */
  uint64_t lost_bytes;   /* of which marked lost */
  uint64_t retrans_bytes; /* of which retransmitted and not yet delivered */
  uint32_t sacked_count; /* SACKed records */
  uint64_t high_sacked;  /* end of the highest SACKed record */
  uint64_t lost_hint;    /* records below this seq were checked for loss */
  uint64_t rtx_hint;     /* no lost, unretransmitted record below this */

  /* congestion control */
  const struct tcp_cc_ops *cc;
  uint64_t cwnd, ssthresh;
  uint64_t cwnd_cnt;     /* bytes acked toward the next additive increase */
  int ca_state;
  uint64_t high_seq;     /* recovery/loss ends when snd_una reaches it */
  uint32_t dupacks;
  uint64_t prr_delivered, prr_out, recover_fs;
  uint64_t cc_priv[TCP_CC_PRIV_SIZE / 8];

  /* RTT and RTO (RFC 6298), nanoseconds */
  uint64_t srtt, rttvar, min_rtt, rto;
  uint32_t rto_backoff; /* consecutive timeouts */
  uint32_t syn_tries;
  uint64_t syn_sent_ns;       /* first SYN or SYN/ACK, for an RTT sample */
  uint8_t syn_sent_ns_valid;
  uint8_t syn_rtx;            /* SYN or SYN/ACK sent again: no sample from it */

  /* receive side */
  uint32_t irs;
  uint64_t rcv_nxt;
  uint64_t rcv_adv;      /* right edge advertised so far */
  uint64_t last_ack_sent;
  struct rangeset rcv_ranges; /* received ranges above rcv_nxt */
  uint64_t sack_recent[4];    /* starts of recently changed ranges */
  uint8_t n_sack_recent;
  uint8_t peer_fin;      /* FIN received in order */
  uint64_t peer_fin_seq;
  uint64_t ofo_fin_seq;  /* a FIN seen above a hole (0: none) */
  uint32_t ts_recent;
  uint32_t ts_offset;
  uint32_t delack_segs;  /* full segments received since the last ACK */
  uint8_t ack_now;       /* an ACK must go out at the next write */
  uint8_t rst_pending;   /* send RST at the next write, then close */
  uint8_t probe_pending; /* send a zero-window probe at the next write */
  uint8_t syn_pending;   /* (re)send SYN or SYN/ACK at the next write */

  uint64_t timers[SF_TIMER__N];

  /* MPTCP, per subflow (mptcp_*.c) */
  uint8_t mp;            /* this subflow carries MPTCP options */
  uint8_t is_join;       /* created by MP_JOIN, not the initial subflow */
  uint8_t join_ok;       /* usable for data: initial subflow, or join done */
  uint8_t join_ack_pending; /* initiator: the third ACK (MP_JOIN) is due */
  uint8_t mpc_ack_pending;  /* initiator: ACKs carry MP_CAPABLE (keys) */
  uint8_t backup;
  uint8_t stale;         /* failed or repeatedly timed out: no new data */
  uint8_t rto_reinj_wait; /* timed out with no other subflow to take its data */
  uint8_t addr_id_local, addr_id_remote;
  uint8_t idx;           /* position in conn->sfs */
  uint8_t in_table;      /* in the stack's 4-tuple table */
  uint32_t nonce_local, nonce_remote;
  struct rx_map {
    uint64_t ssn; /* relative subflow sequence of the first byte */
    uint64_t dsn; /* data offset (DSN - IDSN - 1) of that byte */
    uint32_t len;
  } map[4];       /* recent mappings received, newest first */
  uint8_t n_map;
  /* signals (pm.c, mptcp_proto.c) */
  uint8_t prio_pending;  /* MP_PRIO with `backup` goes out on this subflow */
  uint8_t rst_reason;    /* MP_TCPRST reason of the RST we send */
  uint8_t fastclose_pending; /* our RST carries MP_FASTCLOSE */
  uint8_t mp_fail_pending;   /* our next ACK or RST carries MP_FAIL */
  uint8_t rst_timeout;   /* our pending RST ends a retry limit (the third
                          * ACK of a join went unanswered) */
  uint64_t data_nxt;     /* data offset after the highest byte mapped here */
  uint64_t penal_until;  /* opportunistic penalisation: not again before */
  uint64_t rm_probe_until; /* REMOVE_ADDR named it: closed then unless a
                              segment came after the probe (0: none) */
  uint64_t rm_probe_segs;  /* segs_received when the first probe went out */
  uint8_t rm_probe_tries;  /* probes sent */
  uint8_t rst_rx;          /* a RST from the peer closed it */
  uint8_t in_syn_queue;    /* a listener's half-open child, counted in
                              stack->syn_queue */
  int16_t rst_rx_reason;   /* ... with this MP_TCPRST reason (-1: none) */
  uint8_t rst_rx_transient; /* ... refusing our SYN, with MP_TCPRST's T flag */
  uint8_t join_tries;      /* a join opened again (join_retry_ns): how often */

  /* statistics */
  uint64_t bytes_sent, bytes_retrans, bytes_acked, bytes_received;
  uint64_t segs_sent, segs_received, retrans_segs, rto_count, recoveries;
};

/* ---- a connection: what the application holds (conn.c) ---- */

#define MPTCP_MAX_SF 8

struct mptcp_sched_ops;
struct mptcp_pm_ops;

/* A connection's path-manager tables (pm.c; counts in the connection):
 * addresses we announce (ADD_ADDR, until echoed), ADD_ADDRs to echo, the
 * peer's announced addresses, joins to try again, address ids to withdraw
 * (REMOVE_ADDR). */
#define MPTCP_PM_MAX_ADDR 8
struct pm_tables {
  struct pm_announce {
    mptcp_addr addr;
    uint8_t id;
    uint8_t echoed;
    uint8_t tx_pending;
    uint8_t retries;
    uint64_t timer;
  } ann[MPTCP_PM_MAX_ADDR];
  struct pm_peer_addr {
    mptcp_addr addr;
    uint8_t id;
  } echo[MPTCP_PM_MAX_ADDR], rem[MPTCP_PM_MAX_ADDR];
  /* joins the peer refused as transient, to open again (join_retry_ns) */
  struct pm_join_retry {
    mptcp_addr local, remote;
    uint8_t id_local, id_remote, backup, tries;
    uint64_t due;
  } jr[MPTCP_MAX_SF];
  uint8_t rm_ids[MPTCP_PM_MAX_ADDR];
};

struct mptcp_conn {
  struct mptcp_stack *stack;
  void *user_data;
  mptcp_config cfg;
  const struct sf_upper_ops *up; /* the subflows' upper layer (sf_upper.h) */
  const struct sf_owner_ops *owner; /* what the subflows ask of it (sf_upper.h) */
  struct tcp_sf sf; /* the initial subflow (the only one in plain TCP) */
  struct tcp_sf *sfs[MPTCP_MAX_SF]; /* sfs[0] == &sf */
  uint8_t n_sf;

  /* MPTCP, per connection (Linux's msk) */
  uint8_t mp;            /* MPTCP in use (0: plain TCP or fallback) */
  uint8_t mp_fully_established; /* a DSS from the peer was seen */
  uint8_t csum;          /* DSS checksums negotiated */
  uint8_t token_in_table;
  uint8_t pm_started;    /* the path manager created its subflows */
  uint8_t half_open;     /* joins in progress */
  uint64_t key_local, key_remote;
  uint32_t token_local, token_remote;
  uint64_t idsn_local, idsn_remote;
  uint64_t snd_nxt_off;  /* next data offset to map onto a subflow */
  uint64_t snd_wnd_edge; /* peer's window right edge, data offsets */
  uint64_t rcv_adv_off;  /* our window's right edge advertised so far,
                            data offsets (MPTCP: never moves left) */
  uint8_t data_fin_queued; /* application shut down: DATA_FIN after data */
  uint8_t data_fin_acked;
  uint8_t subflows_closing; /* DATA_FINs exchanged: subflows send FIN */
  uint64_t dfin_timer;   /* retransmission of a DATA_FIN-only signal */
  uint64_t dfin_rto;
  uint64_t rcv_nxt_off;  /* next in-order data offset */
  struct rangeset rcv_ooo; /* data offsets received above rcv_nxt_off */
  uint8_t peer_data_fin;
  uint64_t peer_data_fin_off;
  uint64_t ooo_fin_off;  /* DATA_FIN seen above a hole (0: none) */
  const struct mptcp_sched_ops *sched;
  const struct mptcp_pm_ops *pm;
  /* private state of the scheduler and the path manager (algo.h) */
  uint64_t sched_priv[256 / 8];
  uint64_t pm_priv[64 / 8];

  /* reinjection (RFC 8684 section 3.3.6): data offsets [start, end) that
   * were mapped on a subflow that failed, to be mapped again on another
   * one before any new data; sorted, disjoint, not adjacent */
#define MPTCP_REINJ_MAX 16
  struct reinj_range {
    uint64_t start, end;
  } reinj[MPTCP_REINJ_MAX];
  uint8_t n_reinj;
  uint8_t rto_reinj_wait; /* some subflow may have rto_reinj_wait set */
  /* where each mapping of new data not yet acknowledged at the data level
   * ends, in order: a ring of map_n from map_head, map_cap a power of 2
   * (grown on use, NULL until then); copies keep these boundaries
   * (mptcp_proto.c, mapping_end) */
  uint64_t *map_end;
  uint32_t map_head, map_n, map_cap;
  /* connection-level retransmission timer (mptcp_proto.c): 0 when not
   * armed; snd_acked when it was armed; timeouts in a row */
  uint64_t rtx_timer;
  uint64_t rtx_acked;
  uint32_t rtx_backoff;

  /* Stream buffers, allocated lazily (conn_ring_grow in conn.c): each ring
   * is NULL until the first byte needs it, then RING_MIN bytes, doubled as
   * the bytes it must hold grow, up to sndbuf / rcvbuf; so a half-open
   * connection holds no buffer (threat A5, SYN floods).
   * send buffer: stream offsets [snd_acked, snd_end) are held; bytes live
   * in snd_ring[off % snd_cap] */
  uint8_t *snd_ring;
  uint32_t snd_cap, rcv_cap; /* bytes allocated to each ring (0: none) */
  uint64_t snd_acked, snd_end;
  uint32_t snd_wanted; /* the application waits for this much send space */

  /* receive buffer: in-order bytes [rcv_read, rcv_ready) and out-of-order
   * bytes above, all at rcv_ring[off % rcv_cap] */
  uint8_t *rcv_ring;
  uint64_t rcv_read;
  uint64_t rcv_hist_from;   /* stream bytes from here up to rcv_read, read
                               already, are still intact in rcv_ring (no later
                               byte took their slot): overlap_check compares
                               second copies with them too */

  int closed;          /* the closed callback has run */
  int close_reason;
  int reset_cause;     /* enum mptcp_reset_cause, set with close_reason */
  int reset_reason;    /* its MP_TCPRST reason, -1 none */
  int freed_by_app;    /* mptcp_conn_free called; the stack frees later */
  int listener_child;  /* created by a listener */
  int accepted;        /* the accepted callback has run */

  /* stack bookkeeping */
  struct mptcp_conn *next_all, *prev_all;
  struct mptcp_conn *next_out; /* output list */
  int on_out_list;
  uint32_t heap_idx;   /* position in the timer heap, UINT32_MAX if not */
  uint64_t expiry;
  struct mptcp_conn *next_dirty; /* expiry to recompute (stack_update_timer) */
  int timer_dirty;

  /* path-manager signals (pm.c): the tables (struct pm_tables),
   * allocated at their first entry (most connections never signal), and
   * the number of entries in each */
  struct pm_tables *pmt;
  uint8_t n_ann;
  uint8_t n_echo, n_rem;
  uint8_t n_jr;
  uint8_t n_rm;
  uint8_t pm_announced;  /* the announcements were queued */
  /* both DATA_FINs acknowledged at this time: subflows left open after
   * close_timeout_ns are reset */
  uint64_t close_timer;
  /* MP_FAIL and the infinite mapping (RFC 8684 section 3.7). The
   * fallback to TCP keeps the data offsets the plain-TCP code uses
   * (offset = subflow sequence - 1), so it is allowed only while the
   * initial subflow has carried every byte, once and in order, both ways:
   * no other subflow was ever added and nothing was mapped twice. */
  uint64_t mp_fail_dsn;  /* DSN our MP_FAIL names */
  uint8_t no_infinite;   /* another subflow, or data mapped twice: no
                          * infinite fallback */
  uint8_t tx_infinite;   /* MP_FAIL received on the only subflow: our next
                          * data segments carry an infinite mapping */
  uint8_t tx_inf_acked;  /* the peer fell back too (a segment without MPTCP
                          * options, or its own infinite mapping): no more
                          * MPTCP options */
  uint8_t rx_infinite;   /* the peer's infinite mapping was received */
  uint64_t tx_inf_ssn;   /* relative subflow sequence of the first segment
                          * carrying our infinite mapping (0: none yet) */
};

/* ---- the stack: one per host (stack.c) ---- */

/* Room a data segment's DSS takes (RFC 8684 section 3.3): 4 bytes of
 * option header, a 4-byte Data ACK, an 8-byte DSN, the 4-byte SSN, the
 * 2-byte length and the 2-byte checksum, padded to 4 bytes. */
#define MPTCP_DSS_DATA_ROOM 24

struct listener {
  mptcp_addr local;
  mptcp_config cfg; /* the configuration of the connections it accepts */
};

struct rst_out {
  mptcp_addr src, dst;
  uint32_t seq, ack;
  uint8_t with_ack;
  uint8_t mp_rst;               /* carries MP_TCPRST (RFC 8684 section 3.6) */
  uint8_t rst_flags, rst_reason; /* its T flag and reason */
};

#define STACK_RST_QUEUE 64

/* a segment built without a connection (a SYN cookie's SYN/ACK), already
 * encoded but for its checksum */
struct raw_out {
  mptcp_addr src, dst;
  uint8_t len;
  uint8_t hdr[MPTCP_TCP_HDR_MAX];
};

#define STACK_RAW_QUEUE 64

struct join_cookie;

struct mptcp_stack {
  mptcp_config cfg;
  mptcp_mem mem;
  mptcp_rand_fn rand;
  mptcp_callbacks cb;
  void *user_data;
  uint64_t mem_used, mem_cap;

  struct listener *listeners;
  uint32_t n_listeners, cap_listeners;
  uint32_t syn_queue;      /* listeners' half-open children (listen_backlog) */

  struct mptcp_conn *all; /* every connection */
  uint32_t n_conns;

  /* 4-tuple -> subflow, open addressing with tombstones */
  struct tcp_sf **table;
  uint32_t table_cap, table_used;

  /* MPTCP token -> connection, open addressing with tombstones */
  struct mptcp_conn **tokens;
  uint32_t tokens_cap, tokens_used;

  /* this host's addresses (fullmesh, address ids) */
  mptcp_addr *addrs;
  uint32_t n_addrs, cap_addrs;

  /* connections with something to send, FIFO */
  struct mptcp_conn *out_head, *out_tail;

  /* min-heap of connections by expiry; connections whose expiry may have
   * changed wait on the dirty list until the heap is next read */
  struct mptcp_conn **heap;
  uint32_t heap_n, heap_cap;
  struct mptcp_conn *dirty_head;

  /* stateless RSTs to send */
  struct rst_out rsts[STACK_RST_QUEUE];
  uint32_t rst_head, rst_n;

  /* stateless SYN/ACKs to send (syncookie.c) */
  struct raw_out raws[STACK_RAW_QUEUE];
  uint32_t raw_head, raw_n;
  uint8_t cookie_secret[32];
  uint8_t cookie_secret_ok;          /* drawn at the first cookie */
  struct join_cookie *join_cookies;  /* the join table, at the first join cookie */

  /* challenge-ACK limit (RFC 5961 section 7): per 1 s window */
  uint64_t chack_window_start;
  uint32_t chack_count;

  uint64_t mib[MPTCP_MIB__COUNT];
};

static inline void mib_inc(struct mptcp_stack *s, int id) { s->mib[id]++; }

/* The retransmission timeout with its exponential back-off (RFC 6298
 * section 5.5): the base value stays as the RTT estimator set it, so that
 * an ACK of new data, which ends the back-off, restores it at once (section
 * 5.7, and Linux's icsk_backoff). */
static inline uint64_t tcp_rto_backed(uint64_t rto, uint32_t backoff, uint64_t max) {
  uint64_t t = rto << (backoff < 16 ? backoff : 16);
  return t > max ? max : t;
}
static inline void mib_add(struct mptcp_stack *s, int id, uint64_t v) {
  s->mib[id] += v;
}

/* Same family, port and address. */
static inline int addr_eq(const mptcp_addr *a, const mptcp_addr *b) {
  if (a->family != b->family || a->port != b->port)
    return 0;
  return memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

/* host.c: the host's services under every layer (memory above) */
void stack_mark_output(struct mptcp_stack *s, struct mptcp_conn *c);
/* the connection at the head of the output FIFO leaves it */
void stack_out_pop(struct mptcp_stack *s);
struct tcp_sf *stack_table_lookup(const struct mptcp_stack *s, const mptcp_addr *l,
                                  const mptcp_addr *r);
int stack_table_insert(struct mptcp_stack *s, struct tcp_sf *sf);
void stack_table_remove(struct mptcp_stack *s, struct tcp_sf *sf);
int stack_token_insert(struct mptcp_stack *s, struct mptcp_conn *c);
void stack_token_remove(struct mptcp_stack *s, struct mptcp_conn *c);
struct mptcp_conn *stack_token_lookup(struct mptcp_stack *s, uint32_t token);
void stack_rand_bytes(struct mptcp_stack *s, uint8_t *d, size_t n);
uint32_t stack_rand32(struct mptcp_stack *s);
int stack_challenge_ack_allowed(struct mptcp_stack *s, uint64_t now);
void stack_queue_rst(struct mptcp_stack *s, const mptcp_addr *src,
                     const mptcp_addr *dst, uint32_t seq, uint32_t ack,
                     int with_ack);
/* the same with MP_TCPRST (flags, reason): a reset answering an MPTCP
 * segment that has no subflow behind it */
void stack_queue_mp_rst(struct mptcp_stack *s, const mptcp_addr *src,
                        const mptcp_addr *dst, uint32_t seq, uint32_t ack,
                        int with_ack, uint8_t flags, uint8_t reason);

/* a segment already encoded (at most MPTCP_TCP_HDR_MAX bytes); 0, or -1
 * when the bounded queue is full */
int stack_queue_raw(struct mptcp_stack *s, const mptcp_addr *src, const mptcp_addr *dst,
                    const uint8_t *hdr, size_t len);

/* stack.c */
void stack_update_timer(struct mptcp_stack *s, struct mptcp_conn *c);

/* syncookie.c: SYN cookies (mptcp_config.syn_cookies) */
/* a listener's SYN finding listen_backlog full: a stateless SYN/ACK */
void syncookie_listen_synack(struct mptcp_stack *s, const mptcp_config *cfg,
                             const mptcp_addr *l, const mptcp_addr *r,
                             const mptcp_tcphdr *syn, uint64_t now);
/* a join finding max_half_open_joins reached: a stateless SYN/ACK, its
 * nonces in the join table; -1 without memory for the table */
int syncookie_join_synack(struct mptcp_conn *c, const mptcp_addr *l, const mptcp_addr *r,
                          const mptcp_tcphdr *syn, uint8_t addr_id_local, uint64_t now);
/* may this segment for no subflow be the third ACK of a cookie? */
int syncookie_may_own(const struct mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                      const mptcp_tcphdr *th);
/* A third ACK for a listener: 0 and the SYN it stands for in *syn (with
 * MP_CAPABLE if the ACK carries the keys; our key in *key_local, else 0),
 * or -1 (not a valid cookie: counted). */
int syncookie_listen_ack(struct mptcp_stack *s, const mptcp_config *cfg,
                         const mptcp_addr *l, const mptcp_addr *r, const mptcp_tcphdr *ack,
                         uint64_t now, mptcp_tcphdr *syn, uint64_t *key_local);
struct syncookie_join {
  struct mptcp_conn *conn;
  uint32_t nonce_local;
  uint8_t addr_id_local;
};
/* A join's third ACK: 0, the SYN in *syn and the join's state in *out, or
 * -1 (no entry, or not a valid cookie: counted) */
int syncookie_join_ack(struct mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                       const mptcp_tcphdr *ack, uint64_t now, mptcp_tcphdr *syn,
                       struct syncookie_join *out);
/* a subflow made from a cookie: as if its SYN/ACK had been sent */
void syncookie_restore(struct tcp_sf *sf, const mptcp_tcphdr *ack, uint64_t now);
void syncookie_free(struct mptcp_stack *s);
/* mptcp_proto.c: a cookie connection takes the key that came back; -1 if
 * its token is already in use on this host */
int mptcp_cookie_key(struct mptcp_conn *c, uint64_t key);

/* conn.c */
int conn_add_subflow(struct mptcp_conn *c, struct tcp_sf **psf,
                     const mptcp_addr *local, const mptcp_addr *remote);
void conn_free_subflow(struct mptcp_conn *c, struct tcp_sf *sf);
uint64_t conn_expiry(const struct mptcp_conn *c);
void conn_handle_timers(struct mptcp_conn *c, uint64_t now);
int conn_write(struct mptcp_conn *c, mptcp_segment *seg, uint8_t *buf,
               size_t cap, uint64_t now);
int conn_done(const struct mptcp_conn *c);
void conn_subflow_closed(struct mptcp_conn *c, struct tcp_sf *sf, uint64_t now);
struct mptcp_conn *conn_new(struct mptcp_stack *s, const mptcp_config *cfg,
                            const mptcp_addr *local, const mptcp_addr *remote);
void conn_destroy(struct mptcp_conn *c);
void conn_set_closed(struct mptcp_conn *c, int reason);
/* The connection ends abnormally (reason MPTCP_CLOSE_*), for `cause`
 * (enum mptcp_reset_cause) with MP_TCPRST reason `rst_reason` (-1 none). */
void conn_set_reset(struct mptcp_conn *c, int reason, int cause, int rst_reason);
/* Every subflow is CLOSED or in TIME-WAIT. */
int conn_subflows_gone(const struct mptcp_conn *c);
/* bytes of new data the subflow may take at stream offset `off` */
static inline uint64_t conn_unsent(const struct mptcp_conn *c, uint64_t off) {
  return off < c->snd_end ? c->snd_end - off : 0;
}
void conn_copy_out(const struct mptcp_conn *c, uint64_t off, uint8_t *dst,
                   uint32_t len);
void conn_data_acked(struct mptcp_conn *c, uint64_t upto);
/* Makes the receive ring hold stream offsets up to `end` (at most rcvbuf
 * above rcv_read). 0, or MPTCP_ERR_NOMEM (memory cap): the caller drops the
 * segment, unacknowledged. Nothing to do with a virtual payload. */
int conn_rcv_reserve(struct mptcp_conn *c, uint64_t end);
/* receive `len` bytes at stream offset `off` (already window-checked and
 * reserved with conn_rcv_reserve) */
void conn_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p,
                  uint32_t len);
uint64_t conn_rcv_space(const struct mptcp_conn *c);

/* tcp_*.c */
void tcp_sf_init(struct tcp_sf *sf, struct mptcp_conn *c,
                 const mptcp_addr *local, const mptcp_addr *remote);
void tcp_sf_release(struct tcp_sf *sf);
/* A listener's half-open child leaves the SYN queue (listen_backlog). */
void syn_queue_leave(struct tcp_sf *sf);
void tcp_connect(struct tcp_sf *sf, uint64_t now);
void tcp_input(struct tcp_sf *sf, const mptcp_tcphdr *th, const uint8_t *payload,
               uint32_t plen, uint64_t now);
void tcp_accept_syn(struct tcp_sf *sf, const mptcp_tcphdr *th);
/* the window scale a receive buffer of rcvbuf bytes needs (RFC 7323) */
uint8_t tcp_wscale_for(uint32_t rcvbuf);
/* What tcp_write may send: urgent control (RST, SYN, retransmissions),
 * new data, then the rest (FIN, probe, ACK). */
enum { TCP_WR_URGENT = 1, TCP_WR_NEW = 2, TCP_WR_REST = 4, TCP_WR_ALL = 7 };
int tcp_write(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
              uint64_t now, int what);
/* May this subflow send `len` new bytes now (cwnd)? */
int tcp_cwnd_room(const struct tcp_sf *sf);
/* Maps data offsets [off, off + len) (at most one MSS of them) once more
 * on sf: data another subflow carries. Returns as tcp_write. */
int tcp_write_mapped(struct tcp_sf *sf, mptcp_segment *seg, uint8_t *buf, size_t cap,
                     uint64_t now, uint64_t off, uint64_t len);
void tcp_handle_timers(struct tcp_sf *sf, uint64_t now);
/* The subflow's earliest timer (inline: the stack asks after every
 * segment in or out). */
static inline uint64_t tcp_expiry(const struct tcp_sf *sf) {
  uint64_t e = MPTCP_TIME_NEVER;
  for (int i = 0; i < SF_TIMER__N; i++)
    if (sf->timers[i] < e)
      e = sf->timers[i];
  return e;
}
void tcp_set_state(struct tcp_sf *sf, int state, uint64_t now);
void tcp_arm_timer(struct tcp_sf *sf, int t, uint64_t when);
void tcp_rearm_rto(struct tcp_sf *sf, uint64_t now);
void tcp_send_ack_now(struct tcp_sf *sf);
uint64_t tcp_rcv_window(const struct tcp_sf *sf);
void tcp_rtt_sample(struct tcp_sf *sf, uint64_t rtt, uint64_t now);
void tcp_enter_time_wait(struct tcp_sf *sf, uint64_t now);

/* tcp_recovery.c */
int txq_push(struct tcp_sf *sf, uint64_t seq, uint64_t dsn, uint32_t len,
             uint32_t flags, uint64_t now);
uint64_t tcp_in_flight(const struct tcp_sf *sf);
void tcp_clean_acked(struct tcp_sf *sf, uint64_t ack, uint64_t now,
                     uint64_t *rtt_out);
/* Marks SACKed records; returns the bytes newly SACKed and, in
 * *first_sent, the send time of the oldest newly SACKed record that was
 * never retransmitted (UINT64_MAX if none), for an RTT sample, and in
 * *latest_sent the latest send time among the newly SACKed records. */
uint64_t tcp_sack_update(struct tcp_sf *sf, const mptcp_tcphdr *th,
                         uint64_t *first_sent, uint64_t *latest_sent);
void tcp_lost_retrans(struct tcp_sf *sf, uint64_t latest_sacked_sent);
void tcp_mark_lost(struct tcp_sf *sf);
void tcp_enter_recovery(struct tcp_sf *sf, uint64_t now);
void tcp_enter_loss(struct tcp_sf *sf, uint64_t now);
void tcp_prr_update(struct tcp_sf *sf, uint64_t delivered);
struct tx_rec *tcp_next_retrans(struct tcp_sf *sf);
void txq_free(struct tcp_sf *sf);

/* ---- MPTCP (mptcp_proto.c, mptcp_join.c, pm.c) ---- */

/* May the subflow carry data for the connection, congestion window aside:
 * established, join complete, not closing, not given up on (stale), no
 * reset pending (mptcp_proto.c). The one such rule of the engine. */
int mptcp_sf_usable(const struct tcp_sf *sf);

/* path-manager signals (pm.c) */
uint8_t stack_addr_id(const struct mptcp_stack *s, const mptcp_addr *a);
void pm_fully_established(struct mptcp_conn *c, uint64_t now);
void pm_tables_release(struct mptcp_conn *c);
void pm_addr_removed(struct mptcp_conn *c, const mptcp_addr *a, uint8_t id, uint64_t now);
/* received ADD_ADDR / REMOVE_ADDR / MP_PRIO of a segment */
void pm_rcv_options(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now);
/* signals for a pure ACK of this subflow: anything pending? add them */
int pm_signal_pending(const struct tcp_sf *sf);
void pm_write_signals(struct tcp_sf *sf, mptcp_tcphdr *h);
uint64_t pm_expiry(const struct mptcp_conn *c);
void pm_handle_timers(struct mptcp_conn *c, uint64_t now);
/* connection timers of mptcp_proto.c and pm.c, for conn.c */
uint64_t mptcp_conn_expiry(const struct mptcp_conn *c);
void mptcp_conn_handle_timers(struct mptcp_conn *c, uint64_t now);
/* options of an RST we send (MP_TCPRST, MP_FASTCLOSE, MP_FAIL) */
void mptcp_rst_options(struct tcp_sf *sf, mptcp_tcphdr *h);
/* a received RST with MPTCP options: 1 if it closed the connection */
int mptcp_rcv_rst(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now);
/* connection-level data arrival with the overlap rules */
void mptcp_data_in(struct mptcp_conn *c, uint64_t off, const uint8_t *p, uint32_t len,
                   uint64_t now);

/* the initial subflow's handshake */
void mptcp_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack);
void mptcp_rcv_syn(struct tcp_sf *sf, const mptcp_tcphdr *th);
void mptcp_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t now);
/* options of every other segment */
void mptcp_write_options(struct tcp_sf *sf, mptcp_tcphdr *h, const struct tx_rec *r,
                         uint32_t payload_len, const uint8_t *payload);
/* received options: returns 0 to go on, < 0 to drop the segment;
 * MPTCP_RCV_WAIT: drop it, but the subflow stays as it is (a segment that
 * overtook the keys of the MP_CAPABLE handshake) */
#define MPTCP_RCV_WAIT (-2)
int mptcp_rcv_options(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                      const uint8_t *payload, uint32_t plen, uint64_t now);
/* a segment after our fallback with an infinite mapping (RFC 8684
 * section 3.7): < 0 to drop it */
int mptcp_fallback_rcv(struct tcp_sf *sf, const mptcp_tcphdr *th, uint64_t rel,
                       const uint8_t *payload, uint32_t plen);
/* data offset of subflow byte `rel`, or -1 without a mapping */
int mptcp_map_lookup(struct tcp_sf *sf, uint64_t rel, uint32_t len, uint64_t *off);
/* data at offset `off` received (window-checked by the caller) */
void mptcp_data_rcvd(struct mptcp_conn *c, uint64_t off, uint32_t len, uint64_t now);
void mptcp_subflow_established(struct tcp_sf *sf, uint64_t now);
struct tcp_sf *mptcp_open_subflow(struct mptcp_conn *c, const mptcp_addr *local,
                                  const mptcp_addr *remote, uint64_t now);
void mptcp_check_close(struct mptcp_conn *c, uint64_t now);
/* joins (mptcp_join.c) */
void mptcp_join_syn_options(struct tcp_sf *sf, mptcp_tcphdr *h, int synack);
void mptcp_join_listen_input(struct mptcp_stack *s, const mptcp_addr *src,
                             const mptcp_addr *dst, const mptcp_tcphdr *th,
                             uint64_t now);
/* A join's subflow made at the third ACK of its SYN cookie (src: the
 * peer), in SYN-RCVD as if its SYN/ACK had gone out; NULL if refused
 * (max_subflows, a connection closing: a reset is queued). */
struct syncookie_join;
struct tcp_sf *mptcp_join_from_cookie(struct mptcp_conn *c, const mptcp_addr *src,
                                      const mptcp_addr *dst, const mptcp_tcphdr *syn,
                                      const struct syncookie_join *j, const mptcp_tcphdr *ack,
                                      uint64_t now);
int mptcp_join_rcv_synack(struct tcp_sf *sf, const mptcp_tcphdr *th);
int mptcp_join_rcv_ack(struct tcp_sf *sf, const mptcp_tcphdr *th);
/* subflow failure and reinjection (mptcp_proto.c) */
int mptcp_sf_usable(const struct tcp_sf *sf);
int mptcp_other_usable(const struct mptcp_conn *c, const struct tcp_sf *sf);
void mptcp_sf_failed(struct tcp_sf *sf, uint64_t now);
void mptcp_sf_rto(struct tcp_sf *sf, uint64_t now);
void mptcp_reinject_waiting(struct mptcp_conn *c);
void mptcp_rtx_arm(struct mptcp_conn *c, uint64_t now);
int mptcp_reinject_peek(struct mptcp_conn *c, uint64_t *off, uint64_t *len);
void mptcp_reinject_consume(struct mptcp_conn *c, uint64_t off, uint64_t len);
/* the stack forgets a connection (stack.c, for conn_destroy) */
void stack_forget_conn(struct mptcp_stack *s, struct mptcp_conn *c);

/* schedulers, path managers, the registry */
#include "algo.h"

#endif /* MPTCP_INTERNAL_H */
