/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lb_options.h - the options of mptcp-loopback (lb_options.c parses them;
 * mptcp-loopback.c runs them).
 */
#ifndef LB_OPTIONS_H
#define LB_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "mptcp/mptcp.h"
#include "netsim.h"

#define LB_PROG "mptcp-loopback"
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define MAX_CONNECTIONS 1000

enum { DIR_A2B = 1, DIR_B2A = 2, DIR_BOTH = 3 };

typedef struct failure {
  uint32_t path;
  uint64_t t1, t2;
} failure;

typedef struct options {
  uint32_t paths;
  uint32_t server_addrs; /* --server-addrs; 0: the default */
  const char *rate, *delay, *jitter, *queue, *loss, *reorder, *duplicate, *corrupt;
  const char *police;      /* --police: per path, the A-to-B policer's rate */
  int police_by_source;    /* --police-by source */
  uint64_t seed;
  uint64_t bytes;
  int bytes_set;
  uint64_t time_ns; /* 0: --bytes mode */
  uint64_t start_spread_ns; /* --start-spread, or its default (run_main) */
  int start_spread_set;
  int direction;
  uint32_t connections;
  uint32_t tcp_flows;
  int shared;
  int virt;
  uint64_t limit_ns;
  const char *pcap, *trace;
  uint64_t trace_ns;
  mptcp_config cfg;
  int mptcp;
  int subflows_set;
  int strip_mptcp; /* --peer-strips-options */
  char cc[32];
  failure *fails;
  size_t n_fails;
  int alter_path;        /* --alter-payload: path, -1 none */
  uint64_t alter_every;  /* every Nth data segment (0: once, at alter_at) */
  uint64_t alter_at;
  /* --attack (threats A1, A2, A6): NULL for none */
  const char *attack;
  uint32_t attack_path;
  int attack_path_set;
  uint64_t attack_at_ns;
  int attack_offpath;
  int attack_keys;
  int defence;              /* --defence: 1 (default) or 0 */
  int defence_set;
  uint64_t attack_guesses;  /* 0: the default */
  uint64_t attack_interval_ns;
  int attack_interval_set;
  uint64_t attack_step;
  int64_t attack_lead;      /* --attack-lead: dsn-inject, hole-flood (bytes) */
  uint64_t attack_payload;  /* --attack-payload: bytes per forgery */
  int attack_extra_set;     /* any attack flag given */
  int baseline;             /* this run is an attack run's baseline */
} options;

/* Per-path link values after parsing the lists. */
typedef struct path_cfg {
  netsim_link_config link;
} path_cfg;

/* The algorithms of one kind the core registers, "a, b, c" (enum
 * mptcp_algo_kind); for MPTCP_ALGO_CC, coupled 0 or 1 keeps the uncoupled
 * or the coupled ones only, -1 all. The string is static: one call per
 * message. */
const char *lb_algo_names_sel(int kind, int coupled);
const char *lb_algo_names(int kind);

/* Prints "mptcp-loopback: <message> (try --help)" on stderr; returns
 * EXIT_USAGE. */
int lb_bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fills `o` from the command line: 0, or EXIT_USAGE with the message
 * printed (--help prints the help and exits). o->fails is allocated. */
int lb_parse_args(int argc, char **argv, options *o);

/* The per-path link values (`o->paths` entries of `paths`): 0 or
 * EXIT_USAGE. */
int lb_path_links(const options *o, path_cfg *paths);

#endif /* LB_OPTIONS_H */
