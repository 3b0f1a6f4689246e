/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry of congestion controls, schedulers and path managers: the
 * tables are built from algos.def (one line per algorithm), and one
 * lookup by name serves the three kinds. Hosts list the names with
 * mptcp_algo_name and check one with mptcp_algo_check; nothing outside
 * this file keeps a list of names.
 */
#include <string.h>

#include "internal.h"

#define MPTCP_CC(sym) extern const struct tcp_cc_ops sym;
#define MPTCP_SCHED(sym) extern const struct mptcp_sched_ops sym;
#define MPTCP_PM(sym) extern const struct mptcp_pm_ops sym;
#include "algos.def"
#undef MPTCP_CC
#undef MPTCP_SCHED
#undef MPTCP_PM

#define MPTCP_CC(sym) &sym,
#define MPTCP_SCHED(sym)
#define MPTCP_PM(sym)
static const struct tcp_cc_ops *const cc_table[] = {
#include "algos.def"
};
#undef MPTCP_CC
#undef MPTCP_SCHED
#undef MPTCP_PM

#define MPTCP_CC(sym)
#define MPTCP_SCHED(sym) &sym,
#define MPTCP_PM(sym)
static const struct mptcp_sched_ops *const sched_table[] = {
#include "algos.def"
};
#undef MPTCP_CC
#undef MPTCP_SCHED
#undef MPTCP_PM

#define MPTCP_CC(sym)
#define MPTCP_SCHED(sym)
#define MPTCP_PM(sym) &sym,
static const struct mptcp_pm_ops *const pm_table[] = {
#include "algos.def"
};
#undef MPTCP_CC
#undef MPTCP_SCHED
#undef MPTCP_PM

/* A table missing a required hook is never handed out (as Linux's
 * tcp_register_congestion_control refuses one). */
static int valid(int kind, const void *ops) {
  switch (kind) {
  case ALGO_CC: {
    const struct tcp_cc_ops *o = ops;
    return o->name && o->init && o->ssthresh && o->cong_avoid;
  }
  case ALGO_SCHED: {
    const struct mptcp_sched_ops *o = ops;
    return o->name && o->get_send;
  }
  case ALGO_PM: {
    const struct mptcp_pm_ops *o = ops;
    return o->name && o->established;
  }
  default:
    return 0;
  }
}

/* Entry i of kind's table, NULL past the end. */
static const void *entry(int kind, size_t i) {
  switch (kind) {
  case ALGO_CC:
    return i < sizeof(cc_table) / sizeof(cc_table[0]) ? cc_table[i] : NULL;
  case ALGO_SCHED:
    return i < sizeof(sched_table) / sizeof(sched_table[0]) ? sched_table[i] : NULL;
  case ALGO_PM:
    return i < sizeof(pm_table) / sizeof(pm_table[0]) ? pm_table[i] : NULL;
  default:
    return NULL;
  }
}

static const char *ops_name(int kind, const void *o);

const void *algo_find(int kind, const char *name) {
  const void *o;
  if (!name)
    return NULL;
  for (size_t i = 0; (o = entry(kind, i)) != NULL; i++)
    if (valid(kind, o) && !strcmp(ops_name(kind, o), name))
      return o;
  return NULL;
}

const void *algo_at(int kind, size_t i) {
  const void *o;
  for (size_t k = 0; (o = entry(kind, k)) != NULL; k++)
    if (valid(kind, o) && i-- == 0)
      return o;
  return NULL;
}

const struct tcp_cc_ops *cc_find(const char *name) { return algo_find(ALGO_CC, name); }

const struct tcp_cc_ops *cc_at(size_t i) { return algo_at(ALGO_CC, i); }

/* ---- the public view ---- */

static const char *ops_name(int kind, const void *o) {
  if (!o)
    return NULL;
  switch (kind) {
  case ALGO_CC:
    return ((const struct tcp_cc_ops *)o)->name;
  case ALGO_SCHED:
    return ((const struct mptcp_sched_ops *)o)->name;
  default:
    return ((const struct mptcp_pm_ops *)o)->name;
  }
}

const char *mptcp_algo_name(int kind, unsigned i) {
  switch (kind) {
  case MPTCP_ALGO_CC:
    return ops_name(ALGO_CC, algo_at(ALGO_CC, i));
  case MPTCP_ALGO_TCP_CC: /* the uncoupled ones, in registry order */
    for (size_t k = 0; cc_at(k); k++)
      if (!cc_at(k)->coupled && i-- == 0)
        return cc_at(k)->name;
    return NULL;
  case MPTCP_ALGO_SCHED:
    return ops_name(ALGO_SCHED, algo_at(ALGO_SCHED, i));
  case MPTCP_ALGO_PM:
    return ops_name(ALGO_PM, algo_at(ALGO_PM, i));
  default:
    return NULL;
  }
}

static int unknown_error(int kind) {
  switch (kind) {
  case MPTCP_ALGO_CC:
  case MPTCP_ALGO_TCP_CC:
    return MPTCP_ERR_UNKNOWN_CC;
  case MPTCP_ALGO_SCHED:
    return MPTCP_ERR_UNKNOWN_SCHED;
  case MPTCP_ALGO_PM:
    return MPTCP_ERR_UNKNOWN_PM;
  default:
    return MPTCP_ERR_INVALID_ARGUMENT;
  }
}

int mptcp_algo_check(int kind, const char *name) {
  if (!name || kind < MPTCP_ALGO_CC || kind > MPTCP_ALGO_PM)
    return MPTCP_ERR_INVALID_ARGUMENT;
  for (unsigned i = 0; mptcp_algo_name(kind, i); i++)
    if (!strcmp(mptcp_algo_name(kind, i), name))
      return MPTCP_OK;
  return unknown_error(kind);
}

int mptcp_cc_is_coupled(const char *name) {
  const struct tcp_cc_ops *o = cc_find(name);
  if (!o)
    return MPTCP_ERR_UNKNOWN_CC;
  return o->coupled;
}
