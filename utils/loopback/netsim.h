/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netsim.h - a deterministic loopback network for two sans-IO hosts.
 *
 * A discrete-event simulator in virtual time (uint64_t nanoseconds). Two
 * hosts, A (NETSIM_A) and B (NETSIM_B), are joined by N paths. Path i
 * joins A's address 10.0.i.1 to B's address 10.1.i.1 (IPv4) and has one
 * link per direction. Each link has
 *
 *   - a rate: serialization time = (20 + TCP header + payload) * 8 / rate,
 *     the 20 being the IPv4 header. Fractions of a nanosecond are carried
 *     from packet to packet, so the long-run rate is exact;
 *   - a propagation delay;
 *   - a drop-tail queue of `queue_pkts` packets waiting behind the one
 *     being serialized (so queue_pkts + 1 packets can be in the link
 *     before the wire);
 *   - random loss, duplication, corruption and reordering probabilities;
 *   - scheduled failures: while a link is down, packets sent on it are
 *     dropped, and when it goes down every packet queued or still being
 *     serialized is dropped. Packets already on the wire arrive.
 *
 * What happens to a packet a host sends, in this order (as netem does):
 *   1. routing: the link is chosen by the segment's source address
 *      (A's 10.0.i.1 -> path i, A to B); unknown sources are dropped and
 *      counted (netsim_stats.unroutable);
 *   2. pcap and observer hooks see it (its send time);
 *   3. link down: dropped (failure_drops);
 *   4. random loss (random_losses);
 *   5. duplication: a copy is made and goes through steps 6-8 on its own
 *      (duplicates);
 *   6. corruption (corruptions): one random bit of the header or of the
 *      real payload is flipped. With a virtual payload a header bit is
 *      flipped, so that the receiver's TCP checksum fails. If the
 *      receiving host does not verify checksums (netsim_set_host()), a
 *      corrupted packet is dropped here instead and counted in
 *      corrupt_drops: undetectable corruption is left to link-layer CRCs;
 *   7. the drop-tail queue (queue_drops);
 *   8. reordering: with probability `reorder` the packet gets an extra
 *      delay drawn uniformly from [0, reorder_max_ns] after serialization,
 *      so that later packets may pass it (reorders).
 *
 * Hosts are abstract (struct netsim_host_ops): the real mptcp_stack is one
 * implementation (netsim_stack_ops()), a test may plug in another. After
 * every event that touched a host (a segment delivered, its timer fired, or
 * netsim_touch() by the application) the network drains the host's
 * write() until it returns 0, sends each segment, and re-reads its expiry.
 * Timers are re-armed lazily: one pending event per host, moved only when
 * the expiry becomes earlier; a timer event popped before the expiry (the
 * expiry moved later) is simply re-pushed.
 *
 * Determinism: events are ordered by (time, sequence number of insertion);
 * all randomness comes from xoshiro256** streams seeded from one seed
 * through splitmix64, one stream per link. The same configuration and seed
 * give the same trace. Packets live in a pool that grows by doubling and is
 * never returned to the C library during a run; no per-packet allocation,
 * and payload is never copied except for duplicates.
 *
 * Errors: functions that can fail return a negative NETSIM_ERR_* code.
 */
#ifndef MPTCP_NETSIM_H
#define MPTCP_NETSIM_H

#include <stddef.h>
#include <stdint.h>

#include "mptcp/mptcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An argument is out of range. */
#define NETSIM_ERR_ARG (-1)
/** Memory could not be allocated. */
#define NETSIM_ERR_NOMEM (-2)
/** A host callback failed (netsim_error_detail() has its code). */
#define NETSIM_ERR_HOST (-3)

/** Host indices. */
#define NETSIM_A 0
#define NETSIM_B 1
#define NETSIM_NHOSTS 2
/** The tap (netsim_set_tap()), for netsim_touch(). */
#define NETSIM_TAP 2

/** Link directions of a path. */
#define NETSIM_A2B 0
#define NETSIM_B2A 1
/** Both directions (netsim_add_failure()). */
#define NETSIM_BOTH (-1)

/** Most paths a network can have (addresses use one byte). */
#define NETSIM_MAX_PATHS 256

/* ------------------------------------------------------------------ */
/* Random numbers                                                      */
/* ------------------------------------------------------------------ */

/** A xoshiro256** generator. */
typedef struct netsim_rng {
  uint64_t s[4];
} netsim_rng;

/** The splitmix64 step: advances *x and returns a well-mixed value. */
uint64_t netsim_splitmix64(uint64_t *x);

/** Seeds `r` for stream number `stream` of `seed`. Different streams of
 *  one seed are independent for every practical purpose. */
void netsim_rng_seed(netsim_rng *r, uint64_t seed, uint64_t stream);

/** Next 64 random bits. */
uint64_t netsim_rng_next(netsim_rng *r);

/** Uniform in [0, n) (n > 0), without modulo bias worth mentioning
 *  (Lemire's multiply-shift). */
uint64_t netsim_rng_below(netsim_rng *r, uint64_t n);

/** Fills `len` bytes; usable as an mptcp_rand_fn body. */
void netsim_rng_fill(netsim_rng *r, uint8_t *dest, size_t len);

/** Streams used by the network itself; hosts and applications should use
 *  stream numbers from NETSIM_STREAM_USER up. */
#define NETSIM_STREAM_USER 1024

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

/** One direction of one path. */
typedef struct netsim_link_config {
  /** Bits per second; 0 means infinitely fast (no serialization, no
   *  queueing). Default 10 Mbit/s. */
  uint64_t rate_bps;
  /** One-way propagation delay. Default 10 ms. */
  uint64_t delay_ns;
  /** Drop-tail queue size in packets, not counting the packet being
   *  serialized. Default 100. */
  uint32_t queue_pkts;
  /** Probabilities in [0, 1]. Default 0. */
  double loss;
  double reorder;
  double duplicate;
  double corrupt;
  /** Largest extra delay of a reordered packet; 0 means twice the
   *  propagation delay (1 ms if that is 0). */
  uint64_t reorder_max_ns;
  /** Every packet's propagation gets an extra uniform delay in
   *  [0, jitter_ns], never overtaking the packet before it on the link.
   *  Breaks the phase effects of a deterministic drop-tail queue (Floyd and
   *  Jacobson, "On traffic phase effects in packet-switched gateways",
   *  1992) without reordering. Default 0. */
  uint64_t jitter_ns;
  /** A policer at the link's entrance (RFC 2697's single-rate token
   *  bucket, one colour: out-of-profile packets are dropped): each key
   *  may send police_bps, in bursts of police_burst bytes; 0: none.
   *  Default 0. */
  uint64_t police_bps;
  /** Bucket depth in bytes; 0: 10 packets of 1500 bytes. */
  uint32_t police_burst;
  /** What a bucket is kept per: 0 each flow (the 4-tuple: a subflow is a
   *  flow of its own), 1 each source address (a host with one address). At
   *  most NETSIM_POLICE_KEYS buckets; keys beyond share the last one. */
  uint8_t police_by_source;
} netsim_link_config;

#define NETSIM_POLICE_KEYS 64

/** Fills `c` with the defaults above. */
void netsim_link_config_default(netsim_link_config *c);

/** The network. */
typedef struct netsim_config {
  /** Seed of every random stream of the network. */
  uint64_t seed;
  /** Number of paths, 1..NETSIM_MAX_PATHS. */
  uint32_t n_paths;
  /** Bytes of segment buffer per packet: the largest `len` a host's
   *  write() may produce (header and real payload). The host's write()
   *  gets exactly this capacity. */
  size_t seg_cap;
  /** Nonzero: every path's packets cross path 0's links (a shared
   *  bottleneck behind ideal access links); the paths keep their own
   *  addresses. 0: each path has its own links (disjoint paths). */
  int shared;
} netsim_config;

typedef struct netsim netsim;

/**
 * A host, seen from the network. `ep` is the host's own pointer. The
 * functions have the meaning (and the return conventions) of
 * mptcp_stack_read(), mptcp_stack_write(), mptcp_stack_get_expiry() and
 * mptcp_stack_handle_expiry(). A negative return from read, write or
 * handle_expiry stops the run with NETSIM_ERR_HOST.
 */
typedef struct netsim_host_ops {
  int (*read)(void *ep, const mptcp_addr *src, const mptcp_addr *dst,
              const uint8_t *data, size_t len, size_t virtual_len,
              uint64_t now);
  int (*write)(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap,
               uint64_t now);
  uint64_t (*get_expiry)(void *ep);
  int (*handle_expiry)(void *ep, uint64_t now);
} netsim_host_ops;

/**
 * Creates a network with every link at netsim_link_config_default().
 * Returns 0, NETSIM_ERR_ARG or NETSIM_ERR_NOMEM.
 */
int netsim_new(netsim **pns, const netsim_config *cfg);

/** Frees the network and its packets (not the hosts). NULL is allowed. */
void netsim_del(netsim *ns);

/** Configures one direction (NETSIM_A2B, NETSIM_B2A or NETSIM_BOTH) of a
 *  path. Call before the first packet is sent. Returns 0 or
 *  NETSIM_ERR_ARG (bad path or direction, a probability outside [0, 1]). */
int netsim_set_link(netsim *ns, uint32_t path, int dir,
                    const netsim_link_config *c);

/**
 * Attaches host `host` (NETSIM_A or NETSIM_B). `verifies_checksum` says
 * whether the host drops segments whose TCP checksum is wrong (see step 6
 * of the packet's journey above). Returns 0 or NETSIM_ERR_ARG.
 */
int netsim_set_host(netsim *ns, int host, const netsim_host_ops *ops,
                    void *ep, int verifies_checksum);

/** The address host `host` has on path `path` (port 0). */
void netsim_path_addr(const netsim *ns, uint32_t path, int host,
                      mptcp_addr *out);

/**
 * Schedules a failure: the link(s) of `path` in direction `dir`
 * (NETSIM_BOTH for both) are down during [t_down, t_up). Returns 0,
 * NETSIM_ERR_ARG (t_up <= t_down, bad path) or NETSIM_ERR_NOMEM.
 */
int netsim_add_failure(netsim *ns, uint32_t path, int dir, uint64_t t_down,
                       uint64_t t_up);

/** An application event: runs at its time; it may call the hosts (then
 *  netsim_touch() them), schedule more events, or netsim_stop(). */
typedef void (*netsim_event_fn)(netsim *ns, void *arg);

/** Schedules `fn(ns, arg)` at time `t` (not before the current time).
 *  Returns 0 or NETSIM_ERR_NOMEM. */
int netsim_schedule(netsim *ns, uint64_t t, netsim_event_fn fn, void *arg);

/**
 * Marks a host as touched by the application: after the current event (or
 * at the start of netsim_run() when called outside one) the network drains
 * its output and re-reads its expiry.
 */
void netsim_touch(netsim *ns, int host);

/**
 * Runs events in order until none is left, the next one is later than
 * `until` (then the clock is set to `until`), or netsim_stop() was called.
 * Returns 0 (no events left or `until` reached), 1 (stopped), or a
 * negative error (NETSIM_ERR_NOMEM, NETSIM_ERR_HOST). May be called again
 * to continue.
 */
int netsim_run(netsim *ns, uint64_t until);

/** Makes netsim_run() return after the current event. */
void netsim_stop(netsim *ns);

/** The current virtual time. */
uint64_t netsim_now(const netsim *ns);

/** For NETSIM_ERR_HOST: the negative code the host returned. */
int netsim_error_detail(const netsim *ns);

/* ------------------------------------------------------------------ */
/* Statistics and hooks                                                */
/* ------------------------------------------------------------------ */

/** Counters of one link. Every packet sent is eventually counted once as
 *  delivered or in exactly one drop counter (a duplicate counts as a new
 *  packet: sent = original sends + duplicates). */
typedef struct netsim_link_stats {
  uint64_t sent;          /**< packets offered to the link, duplicates included */
  uint64_t sent_bytes;    /**< their wire bytes (IP header included) */
  uint64_t delivered;     /**< packets handed to the receiving host */
  uint64_t delivered_bytes;
  uint64_t queue_drops;   /**< drop-tail: queue full */
  uint64_t random_losses; /**< random loss */
  uint64_t failure_drops; /**< link down at send, or queue flushed */
  uint64_t corrupt_drops; /**< corrupted, and the receiver does not verify */
  uint64_t corruptions;   /**< packets corrupted (delivered or not) */
  uint64_t duplicates;    /**< copies made */
  uint64_t reorders;      /**< packets given an extra delay */
  uint32_t max_queue;     /**< most packets ever waiting in the queue */
  uint64_t police_drops;  /**< dropped by the policer (police_bps) */
} netsim_link_stats;

/** The counters of one direction of a path (NULL for a bad argument). */
const netsim_link_stats *netsim_get_link_stats(const netsim *ns,
                                               uint32_t path, int dir);

/** Network-wide counters. */
typedef struct netsim_stats {
  uint64_t events;       /**< events processed */
  uint64_t delivered;    /**< segments handed to hosts */
  uint64_t unroutable;   /**< segments whose source belongs to no path */
  uint64_t timer_fires;  /**< handle_expiry calls */
  uint64_t pool_size;    /**< packet slots allocated */
  uint64_t tap_seen;     /**< segments handed to the tap's read() */
  uint64_t injected;     /**< segments the tap injected (its write()) */
} netsim_stats;

/** The network-wide counters. */
const netsim_stats *netsim_get_stats(const netsim *ns);

/** What the observer is told about. */
enum netsim_obs {
  NETSIM_OBS_SEND = 0,   /**< a host sent it (before any link effect) */
  NETSIM_OBS_DELIVER,    /**< handed to the receiving host */
  NETSIM_OBS_DROP_QUEUE,
  NETSIM_OBS_DROP_LOSS,
  NETSIM_OBS_DROP_FAILURE,
  NETSIM_OBS_DROP_CORRUPT,
  NETSIM_OBS_DUPLICATE,  /**< the copy, when it is made */
};

/** A packet as the observer sees it. */
typedef struct netsim_pkt_view {
  uint32_t path;
  int dir;
  const mptcp_addr *src;
  const mptcp_addr *dst;
  const uint8_t *data;   /**< header and real payload */
  size_t len;
  size_t virtual_len;
  int corrupted;         /**< nonzero if a bit was flipped */
} netsim_pkt_view;

/** Called for every packet event (send, delivery, drops), at time `now`. */
typedef void (*netsim_observer_fn)(void *user, enum netsim_obs what,
                                   const netsim_pkt_view *pkt, uint64_t now);

/** Installs (or with NULL removes) the observer. */
void netsim_set_observer(netsim *ns, netsim_observer_fn fn, void *user);

/**
 * Installs a tap (a middlebox, e.g. an attacker) on path `path`, or with
 * `ops` NULL removes it. `ops` has the meaning of a host's:
 *   - read(): when `observe` is nonzero, every segment a host sends onto
 *     the links of `path` (either direction, after routing, before any
 *     link effect) is shown to it; the tap must not keep the pointers;
 *   - write(): segments the tap injects. Each enters a link of `path` as
 *     a host's would (queue, loss, delay; pcap and observer see it), in
 *     the direction of its destination: B's address on that path goes
 *     A to B, A's goes B to A, anything else is dropped as unroutable. The
 *     source address is not checked (the tap may spoof it), and the tap
 *     does not see its own segments;
 *   - get_expiry(), handle_expiry(): its timer, as a host's.
 * The tap also has an address of its own, netsim_path_addr(ns, path,
 * NETSIM_TAP): what a host sends there crosses the links like any segment
 * (from the sender's path, by its source address) and is handed to the
 * tap's read() on arrival instead of to the other host (and not shown to
 * it at sending). An attacker host beside the two endpoints uses it.
 * After every event that touched the tap (it read a segment, its timer
 * fired, netsim_touch(ns, NETSIM_TAP)) its write() is drained. One tap per
 * network. Returns 0 or NETSIM_ERR_ARG (bad path, missing function).
 */
int netsim_set_tap(netsim *ns, uint32_t path, const netsim_host_ops *ops,
                   void *ep, int observe);

struct mptcp_pcap;
/**
 * Writes every packet to `pcap` at its send time (NULL: stop). A virtual
 * payload is written as that many zero bytes, so that lengths and sequence
 * numbers read right (the TCP checksum then does not). The network does
 * not close the file.
 */
void netsim_set_pcap(netsim *ns, struct mptcp_pcap *pcap);

/* ------------------------------------------------------------------ */
/* The real stack as a host                                            */
/* ------------------------------------------------------------------ */
/* Inline so that the network library itself does not need the engine's
 * symbols: a test of the network alone links without them. */

static inline int netsim__stack_read(void *ep, const mptcp_addr *src,
                                     const mptcp_addr *dst,
                                     const uint8_t *data, size_t len,
                                     size_t virtual_len, uint64_t now) {
  return mptcp_stack_read((mptcp_stack *)ep, src, dst, data, len,
                          virtual_len, now);
}

static inline int netsim__stack_write(void *ep, mptcp_segment *seg,
                                      uint8_t *buf, size_t cap,
                                      uint64_t now) {
  return mptcp_stack_write((mptcp_stack *)ep, seg, buf, cap, now);
}

static inline uint64_t netsim__stack_get_expiry(void *ep) {
  return mptcp_stack_get_expiry((const mptcp_stack *)ep);
}

static inline int netsim__stack_handle_expiry(void *ep, uint64_t now) {
  return mptcp_stack_handle_expiry((mptcp_stack *)ep, now);
}

/** Host operations over an mptcp_stack (pass the stack as `ep`). */
static inline netsim_host_ops netsim_stack_ops(void) {
  netsim_host_ops o;
  o.read = netsim__stack_read;
  o.write = netsim__stack_write;
  o.get_expiry = netsim__stack_get_expiry;
  o.handle_expiry = netsim__stack_handle_expiry;
  return o;
}

#ifdef __cplusplus
}
#endif

#endif /* MPTCP_NETSIM_H */
