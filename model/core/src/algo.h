/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pluggable algorithms of a connection: schedulers and path managers, and
 * the registry that finds them, with the congestion controls, by name.
 * Each algorithm is one file (sched_*.c, pm_*.c, cc_*.c) defining an ops
 * table and one line of algos.def; doc/extending.md walks through it.
 * Included by internal.h, after struct mptcp_conn (MPTCP_MAX_SF).
 */
#ifndef MPTCP_ALGO_H
#define MPTCP_ALGO_H

#include <stddef.h>
#include <stdint.h>

#include "mptcp/mptcp.h"

struct mptcp_conn;
struct tcp_sf;
struct pm_peer_addr;
struct tcp_cc_ops;

/* ---- schedulers (sched.c, sched_*.c) ---- */

/* Bytes of private state a scheduler keeps in its connection
 * (conn->sched_priv, zeroed before init). Each scheduler checks its state
 * fits with a _Static_assert. */
#define MPTCP_SCHED_PRIV_SIZE 256 /* = sizeof(conn->sched_priv) */

/*
 * A scheduler, in the manner of Linux's struct mptcp_sched_ops. Required:
 * name, get_send. conn_write() asks get_send once per segment of new (or
 * reinjected) data; get_retrans, if set, is asked first about the subflow
 * get_send picked.
 */
struct mptcp_sched_ops {
  const char *name;
  /* optional: the connection starts with this scheduler; sched_priv is
   * zeroed */
  void (*init)(struct mptcp_conn *c);
  /* optional: the connection is freed */
  void (*release)(struct mptcp_conn *c);
  /* required: the subflow for the next segment of data, or NULL to send
   * nothing now */
  struct tcp_sf *(*get_send)(struct mptcp_conn *c, uint64_t now);
  /* optional: data already mapped on other subflows that this scheduler
   * sends again on sf (redundant): 1 and the range [*off, *off + *len),
   * or 0 to let sf take new data. Linux's get_retrans picks the subflow
   * for its retransmission queue; here the reinjection queue (data of a
   * failed subflow) goes to get_send's pick, and get_retrans names the
   * data a scheduler itself sends more than once. */
  int (*get_retrans)(const struct mptcp_conn *c, const struct tcp_sf *sf, uint64_t *off,
                     uint64_t *len);
};

/* Sets up the connection's scheduler (cfg.scheduler): 0, or
 * MPTCP_ERR_UNKNOWN_SCHED. */
int sched_attach(struct mptcp_conn *c, const char *name);
/* Its release hook, once, when the connection is freed. */
void sched_detach(struct mptcp_conn *c);

/* Shared by the schedulers (sched.c). May the subflow take new data now:
 * usable (mptcp_sf_usable), not repairing a timeout, room in its
 * congestion window. The one availability rule of every scheduler. */
int sched_sf_available(const struct tcp_sf *sf);
/* May a backup subflow take data: no regular subflow is usable at all (a
 * regular one with a full congestion window still holds the data back). */
int sched_backup_allowed(const struct mptcp_conn *c);
/* The available subflow with the lowest smoothed RTT; backup subflows only
 * when sched_backup_allowed (minRTT's choice). */
struct tcp_sf *sched_minrtt_pick(struct mptcp_conn *c);
/* sfs[] index of sf (0 if it is not there). */
uint8_t sched_sf_slot(const struct mptcp_conn *c, const struct tcp_sf *sf);
/* The lowest and highest srtt seen per subflow slot (BLEST's
 * min_srtt_us / max_srtt_us), kept by sched_fastest_usable. */
struct sched_srtt_hist {
  const struct tcp_sf *sf[MPTCP_MAX_SF]; /* owner of the slot */
  uint64_t lo[MPTCP_MAX_SF], hi[MPTCP_MAX_SF];
};
/* The fastest (lowest srtt) usable subflow of s's class (backup or not),
 * window room or not; records the srtt history in h if not NULL. */
struct tcp_sf *sched_fastest_usable(struct mptcp_conn *c, const struct tcp_sf *s,
                                    struct sched_srtt_hist *h);
/* BLEST's lambda x 1000 (0: not set yet), read and set by tests. */
uint16_t sched_blest_lambda(const struct mptcp_conn *c);
void sched_blest_set_lambda(struct mptcp_conn *c, uint16_t lambda_1000);

/* Opportunistic retransmission and penalisation (Raiciu et al., NSDI 2012
 * section 4.2), with any scheduler: when the peer's window blocks new
 * data, the subflow to carry the data at the connection's snd_una once
 * more and that range, or NULL. Penalises the slow subflow holding it
 * through cc_penalise. */
struct tcp_sf *sched_opportunistic(struct mptcp_conn *c, uint64_t now, uint64_t *off,
                                   uint64_t *len);

/* ---- path managers (pm.c, pm_*.c) ---- */

/* Bytes of private state a path manager keeps in its connection
 * (conn->pm_priv, zeroed before init). */
#define MPTCP_PM_PRIV_SIZE 64 /* = sizeof(conn->pm_priv) */

/*
 * A path manager. Required: name, established. Every other hook is
 * optional. The signalling (ADD_ADDR, its echo and retransmission,
 * REMOVE_ADDR, MP_PRIO) is shared code in pm.c; these hooks decide which
 * subflows to open or close.
 */
struct mptcp_pm_ops {
  const char *name;
  /* the connection starts with this path manager; pm_priv is zeroed */
  void (*init)(struct mptcp_conn *c);
  /* the connection is freed */
  void (*release)(struct mptcp_conn *c);
  /* required: the initiator's connection is fully established as MPTCP
   * (Linux's mptcp_pm_fully_established): create subflows */
  void (*established)(struct mptcp_conn *c, uint64_t now);
  /* a subflow (the initial one or a join) can carry data */
  void (*subflow_established)(struct tcp_sf *sf, uint64_t now);
  /* a subflow reached CLOSED (reset, timed out or closed) */
  void (*subflow_closed)(struct tcp_sf *sf, uint64_t now);
  /* a local address was declared (mptcp_stack_add_address; no time is
   * given there: a subflow opened here leaves at the next write) */
  void (*local_addr_added)(struct mptcp_conn *c, const mptcp_addr *addr, uint8_t id);
  /* a local address was withdrawn (mptcp_stack_remove_address); runs
   * after the shared code reset its subflows and queued REMOVE_ADDR */
  void (*local_addr_removed)(struct mptcp_conn *c, const mptcp_addr *addr, uint8_t id,
                             uint64_t now);
  /* the peer announced a valid address (ADD_ADDR) */
  void (*add_addr_received)(struct mptcp_conn *c, const struct pm_peer_addr *a,
                            uint64_t now);
  /* the peer withdrew address id (REMOVE_ADDR); runs after the shared
   * code reset the subflows to it */
  void (*rm_addr_received)(struct mptcp_conn *c, uint8_t id, uint64_t now);
};

/* Sets up the connection's path manager (cfg.pm): 0, or
 * MPTCP_ERR_UNKNOWN_PM. */
int pm_attach(struct mptcp_conn *c, const char *name);
/* Its release hook, once, when the connection is freed. */
void pm_detach(struct mptcp_conn *c);
/* Hook calls for the engine (no-ops when the hook is not set). */
void pm_subflow_established(struct tcp_sf *sf, uint64_t now);
void pm_subflow_closed(struct tcp_sf *sf, uint64_t now);
void pm_addr_added(struct mptcp_conn *c, const mptcp_addr *addr, uint8_t id);
/* Shared by the path managers (pm.c): the same IP address (port aside)?
 * Is there a subflow from local address l to r (ip and port) that has
 * not closed? */
int pm_ip_eq(const mptcp_addr *a, const mptcp_addr *b);
int pm_pair_used(const struct mptcp_conn *c, const mptcp_addr *l, const mptcp_addr *r);

/* ---- the registry (registry.c, reading algos.def) ---- */

enum algo_kind { ALGO_CC, ALGO_SCHED, ALGO_PM };
/* The registered ops table of `kind` named `name`, or NULL (also for a
 * table missing a required hook). */
const void *algo_find(int kind, const char *name);
/* The i-th valid registered table of `kind`, or NULL past the last. */
const void *algo_at(int kind, size_t i);

static inline const struct mptcp_sched_ops *sched_find(const char *name) {
  return (const struct mptcp_sched_ops *)algo_find(ALGO_SCHED, name);
}
static inline const struct mptcp_pm_ops *pm_find(const char *name) {
  return (const struct mptcp_pm_ops *)algo_find(ALGO_PM, name);
}

#endif /* MPTCP_ALGO_H */
