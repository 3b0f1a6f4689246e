/* SPDX-License-Identifier: GPL-2.0-only */
/* theory_int.h - the network's storage and the solver's shared parts,
 * private to utils/theory (theory.c, theory_user.c, theory_solve.c,
 * theory_active.c). */
#ifndef MPTCP_THEORY_INT_H
#define MPTCP_THEORY_INT_H

#include "theory.h"

struct th_link {
  enum theory_link_model model;
  double cap;   /* packets/s */
  double loss;  /* exogenous p_l */
  double queue; /* drop-tail standing queue when a bottleneck */
  struct theory_red red;
};

struct th_path {
  int user;
  double rtt;
  int *links;
  size_t nlinks;
};

struct theory_net {
  struct th_link *links;
  size_t nlinks, cap_links;
  struct theory_user_spec *users;
  size_t nusers, cap_users;
  struct th_path *paths;
  size_t npaths, cap_paths;
};

/* One user's problem: its n paths' effective losses q (2 / W^2), RTTs,
 * single-path windows W (infinite where the path has no loss), and the
 * results. */
struct th_user_io {
  const struct theory_user_spec *spec;
  size_t n;
  const double *q, *rtt, *W;
  double *w;       /* out: windows */
  int *floored;    /* out */
  double kappa;    /* OLIA's sharpness */
  int iterations;  /* out */
  double residual; /* out: max |log rho| (lia, balia), else 0 */
};

/* Solves one user's equilibrium (theory_user.c). THEORY_OK or
 * THEORY_E_INNER (io->residual says how far it got), THEORY_E_NOMEM. */
int th_user_solve(struct th_user_io *io);

/* Expected increase over expected decrease of each path (lia, balia),
 * at windows w; rho[r] = 1 at equilibrium. */
void th_user_rho(const struct th_user_io *io, const double *w, double *rho);

/* The network solve's state (theory_solve.c, theory_active.c). Every
 * capacity-constrained link is off (p_l = 0, no queue: not a bottleneck)
 * or a bottleneck in one of two modes, with one unknown z_l:
 *   queue: p_l = 0, queue q_l = q0 * logistic(z_l) below q0, the queue at
 *          which drops begin (drop-tail: its queue= value; RED: min_th);
 *   loss:  p_l = logistic(z_l), the queue of the loss model at p_l.
 * The two modes join continuously at (q0, p = 0). */
enum th_mode { TH_OFF, TH_QUEUE, TH_LOSS };

struct th_ws {
  const theory_net *net;
  size_t L, U, P;
  double *p, *queue, *y, *z; /* per link */
  int *mode;                 /* per link, enum th_mode */
  int *added;                /* per link: times it joined the set */
  size_t *act, nact;         /* the bottlenecks (mode not off) */
  double *q, *rtt, *W, *w, *ploss; /* per path (q: effective loss) */
  int *floored;
  size_t *uidx, *ustart; /* paths of user u: uidx[ustart[u] .. ustart[u+1]) */
  double *tq, *trtt, *tW, *tw; /* one user's paths */
  int *tfl;
  double kappa; /* OLIA's sharpness now */
  int inner_max, iterations, err, failed_user;
  double inner_res;
};

#define TH_CHANGED 1 /* th_price_solve: a bottleneck changed mode */

/* theory_solve.c */
double th_logit(double p);
double th_q0(const struct th_link *k);
void th_set_mode(struct th_ws *s, size_t l, enum th_mode mode, double z);
int th_eval(struct th_ws *s);
double th_excess(const struct th_ws *s, size_t l); /* log(y_l / C_l) */
int th_price_solve(struct th_ws *s, int warm);

/* theory_active.c: the rounds of the active set; THEORY_OK with the
 * equilibrium evaluated in s, or an error. */
int th_outer(struct th_ws *s, int *rounds);

#endif
