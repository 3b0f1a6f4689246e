/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * FQ-CoDel for the fast engine's links (fastsim.c): the flow queueing of
 * RFC 8290 (deficit round robin over new and old flows, a quantum of
 * bytes per round) with the CoDel AQM of RFC 8289 in each flow queue, and
 * the overlimit drop of ns-3's FqCoDelQueueDisc (and Linux's fq_codel): a
 * batch from the head of the fattest queue. The queue holds opaque packet
 * pointers; the link decides when to dequeue (when its device has room)
 * and what a packet's bytes and flow are.
 */
#ifndef MPTCP_FS_FQ_H
#define MPTCP_FS_FQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Settings (ns-3's FqCoDelQueueDisc attribute in brackets). */
typedef struct fs_fq_config {
  uint32_t flows;         /**< flow queues [Flows], > 0 */
  uint32_t limit;         /**< packets in all queues [MaxSize] */
  uint32_t quantum;       /**< bytes per round [Quantum; 0 there: the MTU] */
  uint32_t drop_batch;    /**< most packets one overlimit drops [DropBatchSize] */
  uint64_t target_ns;     /**< CoDel's target sojourn time [Target] */
  uint64_t interval_ns;   /**< CoDel's interval [Interval] */
  uint32_t min_bytes;     /**< no drop while a queue holds fewer bytes [MinBytes: the MTU] */
} fs_fq_config;

/** ns-3's defaults: 1024 flows, 10240 packets, quantum 1500, batch 64,
 *  5 ms, 100 ms, 1500 bytes. */
void fs_fq_config_default(fs_fq_config *c);

typedef struct fs_fq fs_fq;

/** Called for each packet the queue drops (overlimit or CoDel). */
typedef void (*fs_fq_drop_fn)(void *user, void *pkt, int codel);

/** A queue; NULL when out of memory or a setting is 0. */
fs_fq *fs_fq_new(const fs_fq_config *c, fs_fq_drop_fn drop, void *user);
void fs_fq_del(fs_fq *q);

/** Queues pkt (`bytes` as the queue counts them) in flow queue hash %
 *  flows at `now`; over the limit, drops a batch from the fattest queue
 *  (possibly pkt itself). Returns 0, or -1 when out of memory (pkt not
 *  queued, not dropped). */
int fs_fq_enqueue(fs_fq *q, void *pkt, uint32_t bytes, uint32_t hash, uint64_t now);

/** The next packet to send at `now` (CoDel may drop some first), or NULL
 *  when every queue is empty. */
void *fs_fq_dequeue(fs_fq *q, uint64_t now);

/** Packets queued now. */
uint32_t fs_fq_packets(const fs_fq *q);

#ifdef __cplusplus
}
#endif

#endif /* MPTCP_FS_FQ_H */
