/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fastsim.h - the fast engine: a packet-level network of many sans-IO
 * hosts, routers and links, in virtual time (uint64_t nanoseconds).
 *
 * Where utils/loopback/netsim.h joins two hosts by N paths (with the
 * middlebox effects the protocol tests need), this joins any number of
 * nodes by point-to-point links and routes packets between them: the
 * scenarios of the ns-3 mode (doc/fast-mode.md) run here with the same
 * core, at a small fraction of ns-3's cost per packet.
 *
 * The model:
 *   - a node is a router, or a host when a host (struct fs_host_ops, e.g.
 *     an mptcp_stack) is attached to it; hosts do not forward;
 *   - a link joins two nodes and has one queue per direction: a FIFO
 *     server of `rate_bps` (serialization of overhead_bytes + TCP header +
 *     payload; the overhead is the IP header and any link framing, 20 by
 *     default, 22 to count ns-3's point-to-point PPP header), a
 *     propagation delay, a drop-tail or RED queue of `queue_pkts` packets
 *     waiting behind the one being serialized, and random loss at the far
 *     end (as ns-3's receive error model: a lost packet used the queue and
 *     the wire);
 *   - addresses (IPv4) belong to nodes; an address may be bound to one of
 *     the node's links: a host sends a segment whose source is a bound
 *     address out of that link (as Linux's per-address routing for MPTCP
 *     subflows does); otherwise, and at every router, the next link comes
 *     from the routing table;
 *   - routing: shortest paths in hops, computed by fs_finalize(); where
 *     several next links lie on shortest paths (ECMP), one is chosen by a
 *     hash of the segment's 4-tuple salted per node, so that a flow keeps
 *     its path (RFC 2992's hash-threshold idea; the salt avoids the same
 *     choice at every stage);
 *   - events are kept in a 4-ary heap ordered by (time, insertion
 *     number); packets come from a pool and a host writes its segment
 *     straight into the packet that the next host reads: no allocation and
 *     no copy per packet; a virtual payload (mptcp_config.virtual_payload)
 *     is carried as a length only, while every header is the real wire
 *     format the core wrote.
 *
 * Determinism: every random draw (loss, RED) comes from a xoshiro256**
 * stream per link, seeded from the network's seed; the same
 * configuration, seed and host behaviour give the same events.
 *
 * Errors are negative FS_ERR_* codes; fs_error() describes the last one in
 * words (which node, which link).
 */
#ifndef MPTCP_FASTSIM_H
#define MPTCP_FASTSIM_H

#include <stddef.h>
#include <stdint.h>

#include "mptcp/mptcp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FS_ERR_ARG (-1)      /**< an argument is out of range */
#define FS_ERR_NOMEM (-2)    /**< memory could not be allocated */
#define FS_ERR_HOST (-3)     /**< a host callback failed */
#define FS_ERR_TOPOLOGY (-4) /**< the topology cannot be routed */

/** Queue disciplines of a link direction. */
enum fs_queue_kind {
  FS_QUEUE_DROPTAIL = 0,
  /** Random Early Detection (Floyd and Jacobson 1993) as ns-3's
   *  RedQueueDisc with its defaults: the average over arrivals with
   *  weight red_qw (decayed over idle time as if red_idle_pps empty
   *  arrivals per second had happened), no early drop while at most one
   *  packet waits, the drop probability spread by the count since the
   *  last drop with ns-3's "Wait" rule, "gentle" from red_max_th to twice
   *  it. The average counts the packets of the queue discipline: those
   *  waiting but the one in the device's one-packet queue. */
  FS_QUEUE_RED = 1,
  /** FQ-CoDel (fs_fq.h: RFC 8290 flow queues, RFC 8289 CoDel in each) as
   *  ns-3's FqCoDelQueueDisc, of queue_pkts packets, in front of a
   *  one-packet device queue: a packet leaves the discipline when the
   *  device has room (the packet before it started on the wire). Flows
   *  by a salted hash of the 4-tuple, or of the source address alone
   *  (fq_by_host: ns-3's FqCoDel with the module's MptcpHostPacketFilter,
   *  one queue per sending host). */
  FS_QUEUE_FQ_CODEL = 2,
};

/** One direction of a link. */
typedef struct fs_link_config {
  uint64_t rate_bps;      /**< > 0 */
  uint64_t delay_ns;      /**< propagation delay */
  uint32_t queue_pkts;    /**< packets that may wait behind the one on the wire */
  uint32_t overhead_bytes; /**< added to each segment's length on the wire */
  double loss;            /**< random loss probability in [0, 1], at arrival */
  int queue_kind;         /**< enum fs_queue_kind */
  double red_min_th;      /**< RED thresholds, packets of average queue */
  double red_max_th;
  double red_max_p;       /**< drop probability at red_max_th (ns-3's 1/LInterm) */
  double red_qw;          /**< averaging weight (ns-3's QW) */
  int red_gentle;         /**< drop probability rises to 1 at 2 x red_max_th */
  double red_idle_pps;    /**< idle-time decay in arrivals per second: ns-3's
                               LinkBandwidth / (8 MeanPktSize); 0: the
                               link's rate / (8 x 500 bytes) */
  uint32_t fq_flows;      /**< FQ-CoDel: flow queues (ns-3: 1024) */
  uint32_t fq_quantum;    /**< FQ-CoDel: bytes per round (the MTU, 1500) */
  uint64_t fq_target_ns;  /**< CoDel target (5 ms) */
  uint64_t fq_interval_ns; /**< CoDel interval (100 ms) */
  int fq_by_host;         /**< one flow queue per source address */
  uint32_t fq_l2_bytes;   /**< bytes of overhead_bytes the discipline does not
                               count (the PPP header: 2; it sees IP packets) */
} fs_link_config;

/** Defaults: 10 Mbit/s, 10 ms, 100 packets, overhead 20, no loss,
 *  drop-tail; RED 5/15 packets, max_p 0.02, qw 0.002, gentle (ns-3's);
 *  FQ-CoDel 1024 flows, quantum 1500, 5 ms, 100 ms, per 4-tuple. */
void fs_link_config_default(fs_link_config *c);

/** A host, as netsim_host_ops: the meaning and returns of
 *  mptcp_stack_read/write/get_expiry/handle_expiry. */
typedef struct fs_host_ops {
  int (*read)(void *ep, const mptcp_addr *src, const mptcp_addr *dst,
              const uint8_t *data, size_t len, size_t virtual_len,
              uint64_t now);
  int (*write)(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap,
               uint64_t now);
  uint64_t (*get_expiry)(void *ep);
  int (*handle_expiry)(void *ep, uint64_t now);
} fs_host_ops;

/** Host operations over an mptcp_stack (pass the stack as `ep`). */
fs_host_ops fs_stack_ops(void);

typedef struct fs_net fs_net;

/** A network whose packets hold `seg_cap` bytes (header and real
 *  payload; MPTCP_TCP_HDR_MAX suffices with virtual payloads). */
int fs_new(fs_net **pnet, uint64_t seed, size_t seg_cap);
/** Frees the network (not the hosts). NULL is allowed. */
void fs_del(fs_net *net);

/** The last error in words ("" if none). */
const char *fs_error(const fs_net *net);

/** Adds a node; returns its index (>= 0) or FS_ERR_NOMEM. `name` (copied,
 *  may be NULL) is used in error messages. */
int fs_add_node(fs_net *net, const char *name);

/** Number of nodes. */
int fs_node_count(const fs_net *net);

/**
 * Joins nodes a and b. `ab` configures the direction a to b, `ba` the
 * other (NULL: the same as ab). Returns the link's index (>= 0; its
 * direction a->b is 2*index, b->a 2*index+1 in fs_link_stats) or
 * FS_ERR_ARG (an unknown node, a == b, a zero rate, a probability outside
 * [0, 1], bad RED thresholds; fs_error() says which) or FS_ERR_NOMEM.
 * Before fs_finalize() only.
 */
int fs_add_link(fs_net *net, int a, int b, const fs_link_config *ab,
                const fs_link_config *ba);

/**
 * Sets the random loss probability of direction `dir` (0: a to b, 1: b to
 * a, -1: both) of link `link`, before or during a run (a path that fails:
 * 1). Returns 0 or FS_ERR_ARG (unknown link or direction, a probability
 * outside [0, 1]).
 */
int fs_set_link_loss(fs_net *net, int link, int dir, double loss);

/**
 * Gives node `node` the IPv4 address `ip` (4 bytes, network order). With
 * `link` >= 0 (a link of that node) a host sends segments from this
 * address out of that link. Returns 0, FS_ERR_ARG (unknown node or link,
 * a link not at the node, an address already given) or FS_ERR_NOMEM.
 */
int fs_add_address(fs_net *net, int node, const uint8_t ip[4], int link);

/** The node that owns IPv4 address `ip`, or -1. */
int fs_address_node(const fs_net *net, const uint8_t ip[4]);

/** Attaches a host to `node` (a node with a host does not forward). */
int fs_set_host(fs_net *net, int node, const fs_host_ops *ops, void *ep);

/**
 * Computes the routes. Every node that has an address or a host must reach
 * every other such node (FS_ERR_TOPOLOGY otherwise, naming both). Call once,
 * after the topology and before the first event.
 */
int fs_finalize(fs_net *net);

/** An application event. */
typedef void (*fs_event_fn)(fs_net *net, void *arg);
/** Schedules fn(net, arg) at t (not before now). */
int fs_schedule(fs_net *net, uint64_t t, fs_event_fn fn, void *arg);

/** After the current event (or at the start of fs_run), drain the host of
 *  `node` and re-read its timer. */
void fs_touch(fs_net *net, int node);

/** Runs events up to `until` (the clock is then `until`), or until
 *  fs_stop(). Returns 0, 1 (stopped) or a negative error. */
int fs_run(fs_net *net, uint64_t until);
void fs_stop(fs_net *net);
uint64_t fs_now(const fs_net *net);

/** Counters of one direction of one link. */
typedef struct fs_link_stats {
  uint64_t sent;         /**< packets offered to the queue */
  uint64_t sent_bytes;   /**< their bytes on the wire */
  uint64_t delivered;    /**< packets that reached the far node */
  uint64_t queue_drops;  /**< queue full (drop-tail, or RED's hard limit) */
  uint64_t red_drops;    /**< RED's early drops */
  uint64_t codel_drops;  /**< FQ-CoDel: CoDel's drops (its overlimit drops
                              count as queue_drops) */
  uint64_t random_losses;
  uint32_t max_queue;    /**< most packets ever waiting */
} fs_link_stats;

/** Counters of direction `dir` (0: a to b, 1: b to a) of link `link`. */
const fs_link_stats *fs_get_link_stats(const fs_net *net, int link, int dir);

/** Packets waiting now in direction `dir` of link `link` (behind the one
 *  on the wire); 0 for a bad argument. */
uint32_t fs_link_waiting(fs_net *net, int link, int dir);

/** Network-wide counters. */
typedef struct fs_stats {
  uint64_t events;       /**< events processed */
  uint64_t delivered;    /**< segments handed to hosts */
  uint64_t unroutable;   /**< segments to an address no node has, or sent
                              by a host from an address not its own */
  uint64_t timer_fires;  /**< handle_expiry calls */
  uint64_t pool_size;    /**< packet slots allocated */
  uint64_t memory;       /**< bytes the network itself allocated */
} fs_stats;

const fs_stats *fs_get_stats(const fs_net *net);

/** Called for every segment handed to a host (before its read()). */
typedef void (*fs_deliver_fn)(void *user, int node, const mptcp_addr *src,
                              const mptcp_addr *dst, size_t tcp_len,
                              uint64_t now);
void fs_set_deliver_hook(fs_net *net, fs_deliver_fn fn, void *user);

/** What a node's capture sees: every segment its host sends (`sent`
 *  nonzero, at the time it is sent) and every segment handed to it (at
 *  delivery): addresses, the bytes the host wrote (header and any real
 *  payload) and the virtual payload's length. */
typedef void (*fs_capture_fn)(void *user, int node, int sent, const mptcp_addr *src,
                              const mptcp_addr *dst, const uint8_t *data, size_t len,
                              size_t virtual_len, uint64_t now);

/** Captures node `node`'s segments with fn (NULL: stop). One per node.
 *  Returns 0 or FS_ERR_ARG (unknown node) or FS_ERR_NOMEM. */
int fs_set_capture(fs_net *net, int node, fs_capture_fn fn, void *user);

/** The node and link (-1 for a local delivery) a segment from `src` to
 *  `dst` leaves `node` by, as the routes and the flow hash decide; for
 *  tracing a flow's path. Returns the link direction index (2*link+dir)
 *  or -1. */
int fs_route(const fs_net *net, int node, const mptcp_addr *src,
             const mptcp_addr *dst);

/** The node at the far end of link direction `ldir` (2*link+dir). */
int fs_link_far_node(const fs_net *net, int ldir);

#ifdef __cplusplus
}
#endif

#endif /* MPTCP_FASTSIM_H */
