/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory_file.h - the topology text of mptcp-theory: parsing, values with
 * units, and the network it describes (the format is in mptcp-theory.c's
 * header comment and doc/validation.md "mptcp-theory").
 */
#ifndef MPTCP_THEORY_FILE_H
#define MPTCP_THEORY_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "theory.h"

#define TF_NAME_MAX 64

struct tf_link {
  char name[TF_NAME_MAX];
  enum theory_link_model model;
  double rate_bps; /* INFINITY: none given (exogenous only) */
  double loss, queue;
  struct theory_red red;
  int line;
};

struct tf_user {
  char name[TF_NAME_MAX];
  enum theory_alg alg;
  unsigned count;
  double wmin;
  long declared_paths; /* paths=N, or -1 */
  int line;
};

struct tf_path {
  size_t user;
  double rtt_s;
  size_t *links;
  size_t nlinks;
  int line;
};

struct tf_topo {
  double mss;                  /* bytes per packet, default 1448 */
  struct theory_response resp; /* default kelly, b 1, t0 0.2 s */
  int mss_line, resp_line;     /* where set (0: default) */
  struct tf_link *links;
  size_t nlinks, cap_links;
  struct tf_user *users;
  size_t nusers, cap_users;
  struct tf_path *paths;
  size_t npaths, cap_paths;
};

void tf_init(struct tf_topo *t);
void tf_free(struct tf_topo *t);

/* Values with units. 0 on success, -1 on a bad value. */
int tf_parse_time(const char *s, double *seconds); /* 150ms, 0.2s, 500us; >= 0 */
int tf_parse_number(const char *s, double *v);     /* a finite decimal number */
int tf_parse_rate(const char *s, double *bps);     /* ns-3's units: 10Mbps */
int tf_parse_alg(const char *s, enum theory_alg *alg);
int tf_parse_resp(const char *s, enum theory_resp *kind);
const char *tf_alg_name(enum theory_alg alg);
const char *tf_resp_name(enum theory_resp kind);
const char *tf_model_name(enum theory_link_model m);

/* Appends a link, user or path (names checked unique). 0, or -1 out of
 * memory. */
int tf_add_link(struct tf_topo *t, const struct tf_link *l);
int tf_add_user(struct tf_topo *t, const struct tf_user *u);
int tf_add_path(struct tf_topo *t, const struct tf_path *p); /* copies links */

/* Reads the topology text of `f` (named `name` in messages) into t.
 * 0, or -1 with a one-line message "NAME:LINE: FIELD: what" in err. */
int tf_read(FILE *f, const char *name, struct tf_topo *t, char *err, size_t errlen);

/* Checks what only the whole text can show (a user without a path, a
 * paths=N count, no path at all). 0, or -1 with a message in err. */
int tf_check(const struct tf_topo *t, const char *name, char *err, size_t errlen);

/* The network of t, packet rates from bit rates with t->mss. NULL and a
 * message in err on an error. */
theory_net *tf_build(const struct tf_topo *t, const char *name, char *err, size_t errlen);

#endif
