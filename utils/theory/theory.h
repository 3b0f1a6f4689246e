/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory.h - fluid (equilibrium) models of TCP and MPTCP congestion
 * control over a network of links, solved with GSL.
 *
 * Units: rates in packets per second (MSS-sized packets), windows in
 * packets, times in seconds, loss rates as probabilities per packet.
 *
 * The network. Links carry a loss model:
 *   - exogenous: a fixed loss rate p_l, no queueing (the RTT is unchanged);
 *     the capacity, if any, is only reported against the load;
 *   - drop-tail capacity constraint: p_l >= 0 unknown, with the load
 *     y_l = sum of the rates through l at most C_l, and p_l > 0 only where
 *     y_l = C_l (complementarity). With a buffer of queue_pkts > 0 the
 *     queue fills first: a bottleneck whose flows fill C_l with a queue q_l
 *     below queue_pkts sits there without drops (p_l = 0); otherwise the
 *     queue is queue_pkts and p_l > 0. The queue adds q_l / C_l to the RTT
 *     of every path through l (queue_pkts 0: the RTT is the base RTT);
 *   - RED (Floyd and Jacobson, IEEE/ACM ToN 1(4), 1993): the same, with
 *     the average queue and p_l on RED's drop profile: p = 0 up to min_th
 *     (a queue in [0, min_th] without drops, as the buffer above), linear
 *     0 -> max_p between min_th and max_th, then in gentle mode (Floyd
 *     2000) max_p -> 1 between max_th and 2 max_th, without gentle mode a
 *     p above max_p holds the queue at max_th. RED's spacing of drops by
 *     its count (which makes the drop rate about twice the profile's value
 *     at the same average queue) is not modelled: p_l is the profile's
 *     value, as in the fluid models of Misra, Gong and Towsley (SIGCOMM
 *     2000) and Low et al. (INFOCOM 2002).
 * A path is a list of links and a base (propagation) RTT; its loss rate is
 * p_r = 1 - prod_{l in r} (1 - p_l), and its RTT T_r the base RTT plus the
 * queueing delays of its links.
 *
 * Users. Each user runs one algorithm over its paths; `count` identical
 * users share the same paths (each path's rate counts count times at its
 * links; all results are per user). The equilibrium of each path's window
 * is where the expected increase per ACK times (1 - p_r) equals the
 * expected decrease per loss times p_r.
 *
 * The single-path response function W(p, T) (a window in packets) is the
 * building block:
 *   kelly   W = sqrt(2 (1 - p) / p), from (1 - p) / W = p W / 2 (Reno's
 *           increase of 1/W per ACK, halving per loss; Kelly, "Fairness and
 *           stability of end-to-end congestion control", EJC 9, 2003);
 *   mathis  W = sqrt(3 / (2 b p)), b packets per ACK (Mathis, Semke,
 *           Mahdavi, Ott, CCR 27(3), 1997);
 *   padhye  W = T x with x = 1 / (T sqrt(2 b p / 3)
 *           + T0 min(1, 3 sqrt(3 b p / 8)) p (1 + 32 p^2)) (Padhye, Firoiu,
 *           Towsley, Kurose, SIGCOMM 1998), T0 the retransmission timeout.
 * The coupled algorithms' balance equations read the loss of path r
 * through the effective loss q_r = 2 / W(p_r, T_r)^2: with kelly
 * q_r = p_r / (1 - p_r) exactly (the balance (1 - p) inc = p dec divided by
 * 1 - p); with the other responses it makes a one-path user of every
 * algorithm get exactly the chosen response.
 *   tcp    one path, x = W / T.
 *   reno   uncoupled: every path an independent TCP, x_r = W_r / T_r.
 *   lia    RFC 6356: per ACK on r, + min(alpha / w_tot, 1 / w_r); per loss,
 *          - w_r / 2; alpha / w_tot = max_k(w_k / T_k^2) / (sum_k w_k/T_k)^2.
 *          Balance: q_r w_r / 2 = min(alpha / w_tot, 1 / w_r).
 *   olia   Khalili, Gast, Popovic, Le Boudec, "MPTCP is not Pareto-optimal"
 *          (CoNEXT 2012; draft-khalili-mptcp-congestion-control): at
 *          equilibrium the user sends only on its best paths (largest TCP
 *          rate W_r / T_r, i.e. smallest q_r T_r^2), at a total rate equal to
 *          one TCP's on the best path; OLIA's epsilon term moves window from
 *          the largest windows to the other best paths, so tied best paths
 *          end with equal windows. With a window floor wmin (Linux keeps
 *          cwnd >= 1 or 2 segments) the other paths send wmin / T_r and the
 *          best paths the rest of the total (an approximation: the floor
 *          traffic is taken from the best path, not added). The choice of
 *          the best paths is smoothed so that it is continuous in the
 *          losses: window shares proportional to (R_r / R_max)^kappa, R_r
 *          the TCP rate on r, kappa = THEORY_OLIA_KAPPA. Exact ties split
 *          equally, a path 1% worse gets e^-(kappa/100) of a share; at a tie
 *          held by link capacities the tied paths' TCP rates differ by
 *          about 1/kappa.
 *   balia  Peng, Walid, Hwang, Low, "Multipath TCP: analysis, design and
 *          implementation", IEEE/ACM ToN 24(1), 2016: per ACK on r,
 *          + x_r / (T_r X^2) (1 + a_r)/2 (4 + a_r)/5, per loss
 *          - (w_r / 2) min(a_r, 1.5), a_r = max_k x_k / x_r, X = sum_k x_k.
 *          Balance: 2 f(a_r) = q_r T_r^2 X^2 min(a_r, 1.5), f as above.
 *          Its equilibria are not unique near ties (the min() makes
 *          a in (1, 1.5) unstable); the solver starts from rates
 *          proportional to the paths' TCP rates, so the path with the
 *          largest TCP rate carries the largest rate, and exact ties split
 *          equally.
 * The window floor wmin applies to every algorithm (w_r >= wmin); a path
 * held at the floor has a balance that would shrink it further.
 *
 * The solver.
 *   Inner (one user, given its paths' p_r and T_r): tcp, reno and olia in
 *   closed form; lia and balia numerically: a damped fixed-point iteration
 *   on the log-windows, log w_r += (1/2) log rho_r with rho_r the ratio of
 *   the expected increase to the expected decrease (rho_r = 1 at
 *   equilibrium; the step 1/2 corrects the scale of the windows in one
 *   step, both balances being homogeneous of degree -2 in the windows),
 *   projected on w_r >= wmin, then polished by gsl_multiroot's hybrids
 *   solver on log rho_r = 0 over the paths above the floor. The result is
 *   accepted when max |log rho_r| <= 1e-9.
 *   Outer (link-driven losses): an active set of bottleneck links. Each
 *   bottleneck has one unknown z_l: in queue mode the queue below its
 *   drop point, q_l = q0 logistic(z_l) with p_l = 0; in loss mode
 *   p_l = logistic(z_l) with the queue of its model; the modes join at
 *   (q0, 0) and a z_l running past a bound moves the link from one mode to
 *   the other, or out of the set. For a set, log(y_l / C_l) = 0 is solved
 *   with damped Jacobi steps (z_l += log(y_l / C_l), a step that raises
 *   the sum of squares halved) and then gsl_multiroot's hybrids solver
 *   (accepted at max |log(y_l / C_l)| <= 1e-10, or 1e-8 when hybrids can
 *   make no more progress); every evaluation re-solves every user's inner
 *   problem. The first set comes from progressive filling (every path's
 *   flows grow together until a link is full); a link carrying the same
 *   paths as a bottleneck of the same capacity stays out (the fluid model
 *   cannot tell which of two equal links in series drops: the first). When
 *   a set has no solution, its bottleneck furthest below capacity steps
 *   down a mode; after a solution, the most overloaded link outside the
 *   set (an infinite load first) joins it, until none is overloaded. With
 *   OLIA users each set is solved at kappa = 16 and continued by hybrids
 *   in steps of at most x8 up to THEORY_OLIA_KAPPA.
 *   Limits: a network may have no equilibrium in this model. BALIA's rates
 *   jump at a tie of its paths (the path with the largest TCP rate carries
 *   the largest rate; a path tied with it carries as much, one just worse
 *   at most 1/1.65 of it), so a link that is overloaded unless it is a
 *   bottleneck and underloaded as one ends in THEORY_E_ACTIVESET; window
 *   floors above a link's capacity end in THEORY_E_OUTER; nearly
 *   degenerate sets (two links whose loads differ by the rate of a tiny
 *   flow) can stall hybrids (THEORY_E_OUTER).
 *
 * No global state; the library never prints. Errors are negative
 * THEORY_E_* codes (theory_strerror names them). GSL's error handler is
 * the caller's: the solver's failures come back as THEORY_E_* codes, but
 * a program that must never abort inside GSL turns GSL's default handler
 * off (gsl_set_error_handler_off(), as mptcp-theory does).
 */
#ifndef MPTCP_THEORY_H
#define MPTCP_THEORY_H

#include <stddef.h>

/** Sharpness of OLIA's choice of its best paths (see above). */
#define THEORY_OLIA_KAPPA 1e5

enum {
  THEORY_OK = 0,
  THEORY_E_NOMEM = -1,     /* out of memory */
  THEORY_E_ARG = -2,       /* NULL pointer or an unknown enumerator */
  THEORY_E_CAPACITY = -3,  /* capacity not > 0 (or not a number) */
  THEORY_E_LOSS = -4,      /* loss rate outside [0, 1) */
  THEORY_E_RTT = -5,       /* RTT not > 0 and finite */
  THEORY_E_LINK = -6,      /* unknown link id, or a link twice in a path */
  THEORY_E_USER = -7,      /* unknown user id */
  THEORY_E_NOPATHS = -8,   /* no path at all, or a user without a path */
  THEORY_E_PATHS = -9,     /* a second path for a tcp user, or no link */
  THEORY_E_PARAM = -10,    /* bad response, RED or user parameter */
  THEORY_E_UNBOUNDED = -11, /* a path with no loss and no capacity limit */
  THEORY_E_INNER = -12,    /* a user's window equilibrium not found */
  THEORY_E_OUTER = -13,    /* the link loss rates not found */
  THEORY_E_ACTIVESET = -14 /* the set of bottlenecks did not settle */
};

/** Turns GSL's default error handler (abort) off, process-wide, so that
 * the solver's failures come back as THEORY_E_* codes: for programs that
 * must never abort inside GSL (mptcp-theory, the scenario programs). */
void theory_gsl_handler_off(void);

/** Text of an error code (a static string; "unknown error" otherwise). */
const char *theory_strerror(int err);

enum theory_alg { THEORY_TCP, THEORY_RENO, THEORY_LIA, THEORY_OLIA, THEORY_BALIA };
enum theory_resp { THEORY_RESP_KELLY, THEORY_RESP_MATHIS, THEORY_RESP_PADHYE };
enum theory_link_model { THEORY_LINK_EXOGENOUS, THEORY_LINK_DROPTAIL, THEORY_LINK_RED };

/** The single-path response function and its parameters. */
struct theory_response {
  enum theory_resp kind;
  double b;  /* packets per ACK (mathis, padhye), > 0; default 1 */
  double t0; /* retransmission timeout in s (padhye), >= 0; default 0.2 */
};

/** One user (or `count` identical users). */
struct theory_user_spec {
  enum theory_alg alg;
  struct theory_response resp;
  double wmin;    /* window floor per path, packets, >= 0; default 0 */
  unsigned count; /* identical users, >= 1; default 1 */
};

/** RED's drop profile (thresholds in packets of average queue). */
struct theory_red {
  double min_th, max_th; /* 0 <= min_th < max_th */
  double max_p;          /* 0 < max_p <= 1 */
  int gentle;            /* nonzero: p rises max_p -> 1 up to 2 max_th */
};

/** Kelly's response, b = 1, T0 = 0.2 s. */
void theory_response_default(struct theory_response *r);

/** alg with the default response, wmin 0, count 1. */
void theory_user_spec_init(struct theory_user_spec *u, enum theory_alg alg);

/** The window W(p, T) of the response r (packets; +infinity at p = 0).
 * p in [0, 1), rtt > 0; NAN for arguments outside. */
double theory_response_window(const struct theory_response *r, double p, double rtt);

/** RED's average queue (packets) at drop rate p (0 at p <= 0). */
double theory_red_queue(const struct theory_red *red, double p);

typedef struct theory_net theory_net;

/** An empty network, or NULL (out of memory). */
theory_net *theory_new(void);
void theory_free(theory_net *net);

/** A link with a fixed loss rate in [0, 1). capacity_pps > 0 (may be
 * INFINITY) is only reported. Returns the link's id (>= 0, ids count from
 * 0 in the order added) or an error. */
int theory_add_link_exogenous(theory_net *net, double capacity_pps, double loss);

/** A drop-tail link of capacity_pps > 0 (finite); queue_pkts >= 0 is its
 * buffer: the queue a bottleneck fills before it drops, added to the RTT
 * (0: none). Returns the link's id or an error. */
int theory_add_link_droptail(theory_net *net, double capacity_pps, double queue_pkts);

/** A RED link of capacity_pps > 0 (finite). Returns its id or an error. */
int theory_add_link_red(theory_net *net, double capacity_pps, const struct theory_red *red);

/** A user (or count users). Returns the user's id (>= 0, from 0 in order)
 * or an error (THEORY_E_PARAM: b, t0, wmin or count out of range). */
int theory_add_user(theory_net *net, const struct theory_user_spec *spec);

/** A path of `user` over links[0..nlinks-1] (each once, nlinks >= 1) with
 * base RTT rtt_s > 0. Returns the path's id (>= 0, from 0 in the order
 * added over all users) or an error. A tcp user has one path. */
int theory_add_path(theory_net *net, int user, double rtt_s, const int *links, size_t nlinks);

struct theory_path_result {
  int user;           /* the user's id */
  double window_pkts; /* w_r */
  double rate_pps;    /* x_r = w_r / T_r, per user */
  double loss;        /* p_r */
  double rtt_s;       /* T_r, with the queueing delay */
  double base_rtt_s;  /* propagation RTT */
  int floored;        /* held at the window floor (olia: a non-best path) */
};

struct theory_link_result {
  double load_pps;   /* y_l, all users and counts */
  double loss;       /* p_l */
  double queue_pkts; /* average queue (RED; drop-tail up to its buffer) */
  double delay_s;    /* queue_pkts / C_l */
  int bottleneck;    /* y_l = C_l sets its queue or loss */
};

struct theory_user_result {
  double rate_pps;     /* sum of its paths' rates, per user */
  double best_tcp_pps; /* one TCP's rate on its best path, W(p_r,T_r)/T_r */
};

struct theory_report {
  size_t nlinks, nusers, npaths;
  struct theory_link_result *links; /* by link id */
  struct theory_user_result *users; /* by user id */
  struct theory_path_result *paths; /* by path id */
  int rounds;             /* active-set rounds */
  int outer_iterations;   /* Jacobi and hybrids iterations, all rounds */
  int inner_iterations;   /* the most any user's solve took */
  double residual;        /* largest equation error at the solution */
  int failed_user;        /* on THEORY_E_INNER: the user, else -1 */
  int failed_link;        /* on THEORY_E_OUTER/ACTIVESET: a link, else -1 */
  int failed_path;        /* on THEORY_E_UNBOUNDED: the path, else -1 */
  char detail[256];       /* on an error: what failed, in words */
};

/**
 * Solves the equilibrium. On success returns THEORY_OK and fills *report
 * (free it with theory_report_free). On error returns a negative code;
 * report's failed_* and detail say what failed, its arrays are NULL.
 * THEORY_E_NOPATHS: no path or a user without one; THEORY_E_UNBOUNDED: a
 * path whose links are all exogenous with no loss; THEORY_E_INNER,
 * THEORY_E_OUTER, THEORY_E_ACTIVESET: the solver failed (detail).
 */
int theory_solve(const theory_net *net, struct theory_report *report);

/** Frees the report's arrays (safe on a zeroed or failed report). */
void theory_report_free(struct theory_report *report);

#endif
