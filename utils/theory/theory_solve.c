/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory_solve.c - the network equilibrium for a given set of bottleneck
 * links: their unknowns (theory_int.h: queue or loss mode), damped Jacobi
 * steps and gsl_multiroot's hybrids on log(y_l / C_l) = 0, every user's
 * windows re-solved at each evaluation (theory_user.c); the set itself is
 * chosen in theory_active.c. theory.h describes the method.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_vector.h>

#include "theory_int.h"

#define OUTER_TOL 1e-10   /* |log(y_l / C_l)| at a bottleneck */
#define OUTER_ACCEPT 1e-8 /* ... when hybrids can make no more progress */
#define Z_MAX 40.0        /* bound of z in loss mode (p < 1) */
#define Z_OFF -34.5       /* below: p_l < 1e-15 (loss) or q_l < 1e-15 q0 (queue) */
#define Z_FULL 30.0       /* above, in queue mode: the queue is q0, drops begin */
#define Z_QUEUE_IN 4.0    /* queue mode entered from loss mode: q = 0.98 q0 */
#define P_LOSS_IN 1e-7    /* loss mode entered from queue mode */
#define JACOBI_FIRST 30
#define JACOBI_MORE 3000
#define HYBRIDS_MAX 200

double th_logit(double p) {
  return log(p) - log1p(-p);
}

static double logistic(double z) {
  return 1.0 / (1.0 + exp(-z));
}

double th_q0(const struct th_link *k) {
  return k->model == THEORY_LINK_DROPTAIL ? k->queue
         : k->model == THEORY_LINK_RED    ? k->red.min_th
                                          : 0.0;
}

/* p_l and q_l from the link's mode and z_l. */
static void link_state(struct th_ws *s, size_t l) {
  const struct th_link *k = &s->net->links[l];
  switch ((enum th_mode)s->mode[l]) {
  case TH_OFF:
    s->p[l] = k->model == THEORY_LINK_EXOGENOUS ? k->loss : 0.0;
    s->queue[l] = 0.0;
    break;
  case TH_QUEUE:
    s->p[l] = 0.0;
    s->queue[l] = th_q0(k) * logistic(s->z[l]);
    break;
  case TH_LOSS:
    s->p[l] = fmin(logistic(s->z[l]), 1.0 - 1e-12);
    s->queue[l] = k->model == THEORY_LINK_DROPTAIL ? k->queue : theory_red_queue(&k->red, s->p[l]);
    break;
  }
}

void th_set_mode(struct th_ws *s, size_t l, enum th_mode mode, double z) {
  s->mode[l] = mode;
  s->z[l] = z;
  link_state(s, l);
  s->nact = 0;
  for (size_t k = 0; k < s->L; k++)
    if (s->mode[k] != TH_OFF)
      s->act[s->nact++] = k;
}

/* Losses and RTTs of the paths, every user's equilibrium, the loads. */
int th_eval(struct th_ws *s) {
  const theory_net *net = s->net;
  for (size_t l = 0; l < s->L; l++)
    s->y[l] = 0.0;
  for (size_t r = 0; r < s->P; r++) {
    const struct th_path *pa = &net->paths[r];
    const struct theory_response *resp = &net->users[pa->user].resp;
    double lsum = 0.0, delay = 0.0;
    for (size_t i = 0; i < pa->nlinks; i++) {
      int l = pa->links[i];
      lsum += log1p(-s->p[l]);
      delay += s->queue[l] / net->links[l].cap;
    }
    s->ploss[r] = -expm1(lsum);
    s->rtt[r] = pa->rtt + delay;
    if (s->ploss[r] <= 0.0) {
      s->W[r] = INFINITY;
      s->q[r] = 0.0;
    } else if (resp->kind == THEORY_RESP_KELLY) {
      /* q = p / (1 - p) = exp(-sum log(1 - p_l)) - 1, without cancellation */
      s->q[r] = expm1(-lsum);
      s->W[r] = sqrt(2.0 / s->q[r]);
    } else {
      s->W[r] = theory_response_window(resp, s->ploss[r], s->rtt[r]);
      s->q[r] = 2.0 / (s->W[r] * s->W[r]);
    }
  }
  s->inner_res = 0.0;
  for (size_t u = 0; u < s->U; u++) {
    size_t n = s->ustart[u + 1] - s->ustart[u];
    const size_t *ix = s->uidx + s->ustart[u];
    for (size_t i = 0; i < n; i++) {
      s->tq[i] = s->q[ix[i]];
      s->trtt[i] = s->rtt[ix[i]];
      s->tW[i] = s->W[ix[i]];
    }
    struct th_user_io io = {.spec = &net->users[u], .n = n, .q = s->tq, .rtt = s->trtt,
                            .W = s->tW, .w = s->tw, .floored = s->tfl, .kappa = s->kappa};
    int st = th_user_solve(&io);
    if (io.iterations > s->inner_max)
      s->inner_max = io.iterations;
    if (st < 0) {
      s->failed_user = (int)u;
      s->inner_res = io.residual;
      return s->err = st;
    }
    s->inner_res = fmax(s->inner_res, io.residual);
    for (size_t i = 0; i < n; i++) {
      s->w[ix[i]] = s->tw[i];
      s->floored[ix[i]] = s->tfl[i];
    }
  }
  for (size_t r = 0; r < s->P; r++) {
    const struct th_path *pa = &net->paths[r];
    double x = s->w[r] / s->rtt[r] * net->users[pa->user].count;
    for (size_t i = 0; i < pa->nlinks; i++)
      s->y[pa->links[i]] += x;
  }
  return THEORY_OK;
}

double th_excess(const struct th_ws *s, size_t l) {
  double c = s->net->links[l].cap;
  return log(fmax(s->y[l], 1e-300 * c) / c);
}

static double max_excess(const struct th_ws *s, size_t *which) {
  double m = 0.0;
  for (size_t i = 0; i < s->nact; i++) {
    double e = fabs(th_excess(s, s->act[i]));
    if (e >= m) {
      m = e;
      if (which)
        *which = s->act[i];
    }
  }
  return m;
}

static double norm2_excess(const struct th_ws *s) {
  double n = 0.0;
  for (size_t i = 0; i < s->nact; i++) {
    double e = th_excess(s, s->act[i]);
    n += e * e;
  }
  return n;
}

/* The mode a bottleneck's z leaves for at a bound, or -1 (stays). */
static int mode_change(const struct th_ws *s, size_t l, double z, double *znew) {
  int q0 = th_q0(&s->net->links[l]) > 0.0;
  if (s->mode[l] == TH_LOSS && z < Z_OFF) {
    *znew = Z_QUEUE_IN;
    return q0 ? TH_QUEUE : TH_OFF;
  }
  if (s->mode[l] == TH_QUEUE && z < Z_OFF) {
    *znew = 0.0;
    return TH_OFF;
  }
  if (s->mode[l] == TH_QUEUE && z > Z_FULL) {
    *znew = th_logit(P_LOSS_IN);
    return TH_LOSS;
  }
  return -1;
}

/* Damped Jacobi steps z_l += g log(y_l / C_l) (|step| <= 3), at most
 * `steps`, until the largest |log(y_l / C_l)| is below tol. A step that
 * raises the sum of their squares is taken back and g halved (g doubles
 * back to 1 after a good step; a link that is no bottleneck keeps its
 * excess whatever its z_l, so steps that only lower z_l are good). While
 * a bottleneck's load is infinite (a path without loss) only such links
 * move. A z_l beyond a bound changes the link's mode (mode_change); the
 * set changes with it. THEORY_OK, THEORY_E_NOMEM or an inner error. */
static int jacobi(struct th_ws *s, int steps, double tol) {
  int st = th_eval(s);
  size_t n = s->L ? s->L : 1;
  double *old = malloc(n * sizeof(*old)), *step = malloc(n * sizeof(*step));
  double *znew = malloc(n * sizeof(*znew));
  int *mnew = malloc(n * sizeof(*mnew));
  size_t *ids = malloc(n * sizeof(*ids));
  if (!old || !step || !znew || !mnew || !ids) {
    st = THEORY_E_NOMEM;
    steps = 0;
  }
  double g = 1.0, cur = st == THEORY_OK ? norm2_excess(s) : 0.0;
  for (int k = 0; st == THEORY_OK && k < steps && max_excess(s, NULL) > tol && g > 1e-3; k++) {
    size_t nact = s->nact;
    int changed = 0, unbounded = 0;
    for (size_t i = 0; i < nact; i++)
      unbounded |= isinf(s->y[s->act[i]]);
    for (size_t i = 0; i < nact; i++) {
      old[i] = s->z[s->act[i]];
      step[i] = fmax(-3.0, fmin(3.0, th_excess(s, s->act[i])));
      /* a path without loss takes a coupled user's whole rate: the other
       * links' loads mean nothing until that is repaired */
      if (unbounded && !isinf(s->y[s->act[i]]))
        step[i] = 0.0;
    }
    for (size_t i = 0; i < nact; i++) {
      size_t l = s->act[i];
      double z = old[i] + g * step[i];
      mnew[i] = mode_change(s, l, z, &znew[i]);
      changed |= mnew[i] >= 0;
      if (mnew[i] < 0) {
        s->z[l] = fmin(z, Z_MAX);
        link_state(s, l);
      }
    }
    if (changed) {
      /* th_set_mode rebuilds act: take the links out first */
      memcpy(ids, s->act, nact * sizeof(*ids));
      for (size_t i = 0; i < nact; i++)
        if (mnew[i] >= 0)
          th_set_mode(s, ids[i], (enum th_mode)mnew[i], znew[i]);
    }
    s->iterations++;
    st = th_eval(s);
    double next = st == THEORY_OK ? norm2_excess(s) : INFINITY;
    if (changed || next <= cur) {
      cur = next;
      g = changed ? 1.0 : fmin(1.0, 2.0 * g);
    } else {
      for (size_t i = 0; i < nact; i++) {
        s->z[s->act[i]] = old[i];
        link_state(s, s->act[i]);
      }
      g *= 0.5;
      st = th_eval(s);
    }
  }
  free(old);
  free(step);
  free(znew);
  free(mnew);
  free(ids);
  return st;
}

static int hybrids_f(const gsl_vector *z, void *arg, gsl_vector *f) {
  struct th_ws *s = arg;
  for (size_t i = 0; i < s->nact; i++) {
    double zi = gsl_vector_get(z, i);
    if (!isfinite(zi))
      return GSL_EDOM;
    s->z[s->act[i]] = fmax(-Z_MAX, fmin(Z_MAX, zi));
    link_state(s, s->act[i]);
  }
  if (th_eval(s) != THEORY_OK)
    return GSL_EBADFUNC;
  for (size_t i = 0; i < s->nact; i++) {
    double e = th_excess(s, s->act[i]);
    if (!isfinite(e)) /* a path without loss: for the Jacobi steps */
      return GSL_EDOM;
    gsl_vector_set(f, i, e);
  }
  return GSL_SUCCESS;
}

/* gsl_multiroot's hybrids from the current z of the bottlenecks. Leaves
 * the best point found evaluated. THEORY_OK when converged, THEORY_E_OUTER
 * when not, an inner error, or THEORY_E_NOMEM. */
static int hybrids(struct th_ws *s) {
  size_t n = s->nact;
  if (n == 0)
    return th_eval(s);
  gsl_vector *z = gsl_vector_alloc(n);
  gsl_multiroot_fsolver *fs = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, n);
  double *best = malloc(n * sizeof(*best));
  if (!z || !fs || !best) {
    gsl_vector_free(z);
    gsl_multiroot_fsolver_free(fs);
    free(best);
    return THEORY_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    best[i] = s->z[s->act[i]];
    gsl_vector_set(z, i, best[i]);
  }
  double best_res = INFINITY;
  s->err = THEORY_OK;
  gsl_multiroot_function fn = {hybrids_f, n, s};
  int st = gsl_multiroot_fsolver_set(fs, &fn, z);
  for (int k = 0; st == GSL_SUCCESS; k++) {
    double res = 0.0;
    for (size_t i = 0; i < n; i++)
      res = fmax(res, fabs(gsl_vector_get(fs->f, i)));
    if (res < best_res) {
      best_res = res;
      for (size_t i = 0; i < n; i++)
        best[i] = fmax(-Z_MAX, fmin(Z_MAX, gsl_vector_get(fs->x, i)));
    }
    if (res <= OUTER_TOL || k >= HYBRIDS_MAX)
      break;
    st = gsl_multiroot_fsolver_iterate(fs);
    s->iterations++;
  }
  gsl_multiroot_fsolver_free(fs);
  gsl_vector_free(z);
  for (size_t i = 0; i < n; i++) {
    s->z[s->act[i]] = best[i];
    link_state(s, s->act[i]);
  }
  free(best);
  if (s->err < 0 && s->err != THEORY_E_INNER)
    return s->err;
  int est = th_eval(s);
  if (est < 0)
    return est;
  /* at a tie of OLIA's paths the load moves by about kappa times the
   * relative change of p: there the last digits of p are out of reach */
  double tol = st == GSL_ENOPROG || st == GSL_ENOPROGJ ? OUTER_ACCEPT : OUTER_TOL;
  return max_excess(s, NULL) <= tol ? THEORY_OK : THEORY_E_OUTER;
}

/* The set's equilibrium. warm: the current z solves a nearby problem (the
 * previous kappa): hybrids alone, THEORY_E_OUTER if they fail. Else
 * THEORY_OK; TH_CHANGED when no solution was found with this set and the
 * bottleneck furthest below its capacity was moved down a mode (loss ->
 * queue -> off); THEORY_E_OUTER; an inner error. Jacobi steps may change
 * modes too. */
int th_price_solve(struct th_ws *s, int warm) {
  if (warm)
    return hybrids(s);
  int st = jacobi(s, JACOBI_FIRST, 1e-3);
  if (st != THEORY_OK)
    return st;
  st = hybrids(s);
  if (st != THEORY_E_OUTER)
    return st;
  st = jacobi(s, JACOBI_MORE, 1e-8);
  if (st != THEORY_OK)
    return st;
  st = hybrids(s);
  if (st != THEORY_E_OUTER)
    return st;
  double low = -1e-6;
  size_t which = 0;
  for (size_t i = 0; i < s->nact; i++)
    if (th_excess(s, s->act[i]) < low) {
      low = th_excess(s, s->act[i]);
      which = s->act[i];
    }
  if (low >= -1e-6)
    return THEORY_E_OUTER;
  int down = s->mode[which] == TH_LOSS && th_q0(&s->net->links[which]) > 0.0;
  th_set_mode(s, which, down ? TH_QUEUE : TH_OFF, down ? Z_QUEUE_IN : 0.0);
  th_eval(s);
  return TH_CHANGED;
}

static int check_net(const theory_net *net, struct theory_report *rep) {
  if (net->npaths == 0) {
    snprintf(rep->detail, sizeof(rep->detail), "the network has no path");
    return THEORY_E_NOPATHS;
  }
  for (size_t u = 0; u < net->nusers; u++) {
    size_t n = 0;
    for (size_t r = 0; r < net->npaths; r++)
      n += net->paths[r].user == (int)u;
    if (n == 0) {
      rep->failed_user = (int)u;
      snprintf(rep->detail, sizeof(rep->detail), "user %zu has no path", u);
      return THEORY_E_NOPATHS;
    }
  }
  for (size_t r = 0; r < net->npaths; r++) {
    int limited = 0;
    for (size_t i = 0; i < net->paths[r].nlinks; i++) {
      const struct th_link *k = &net->links[net->paths[r].links[i]];
      limited |= k->model != THEORY_LINK_EXOGENOUS || k->loss > 0.0;
    }
    if (!limited) {
      rep->failed_path = (int)r;
      snprintf(rep->detail, sizeof(rep->detail),
               "path %zu has only exogenous links without loss: its rate is unbounded", r);
      return THEORY_E_UNBOUNDED;
    }
  }
  return THEORY_OK;
}

static void ws_free(struct th_ws *s) {
  void *arrays[] = {s->p,     s->queue,   s->y,      s->z,  s->mode, s->added, s->act, s->q,
                    s->rtt,   s->W,       s->w,      s->ploss, s->floored, s->uidx,
                    s->ustart, s->tq,     s->trtt,   s->tW, s->tw,   s->tfl};
  for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
    free(arrays[i]);
}

static int ws_init(struct th_ws *s, const theory_net *net) {
  memset(s, 0, sizeof(*s));
  s->net = net;
  s->L = net->nlinks;
  s->U = net->nusers;
  s->P = net->npaths;
  s->failed_user = -1;
  size_t L = s->L ? s->L : 1, P = s->P;
  s->p = calloc(L, sizeof(double));
  s->queue = calloc(L, sizeof(double));
  s->y = calloc(L, sizeof(double));
  s->z = calloc(L, sizeof(double));
  s->mode = calloc(L, sizeof(int));
  s->added = calloc(L, sizeof(int));
  s->act = calloc(L, sizeof(size_t));
  s->q = calloc(P, sizeof(double));
  s->rtt = calloc(P, sizeof(double));
  s->W = calloc(P, sizeof(double));
  s->w = calloc(P, sizeof(double));
  s->ploss = calloc(P, sizeof(double));
  s->floored = calloc(P, sizeof(int));
  s->uidx = calloc(P, sizeof(size_t));
  s->ustart = calloc(s->U + 1, sizeof(size_t));
  s->tq = calloc(P, sizeof(double));
  s->trtt = calloc(P, sizeof(double));
  s->tW = calloc(P, sizeof(double));
  s->tw = calloc(P, sizeof(double));
  s->tfl = calloc(P, sizeof(int));
  if (!s->p || !s->queue || !s->y || !s->z || !s->mode || !s->added || !s->act || !s->q || !s->rtt ||
      !s->W || !s->w || !s->ploss || !s->floored || !s->uidx || !s->ustart || !s->tq ||
      !s->trtt || !s->tW || !s->tw || !s->tfl)
    return THEORY_E_NOMEM;
  size_t k = 0;
  for (size_t u = 0; u < s->U; u++) {
    s->ustart[u] = k;
    for (size_t r = 0; r < P; r++)
      if (net->paths[r].user == (int)u)
        s->uidx[k++] = r;
  }
  s->ustart[s->U] = k;
  for (size_t l = 0; l < s->L; l++)
    link_state(s, l); /* all off: exogenous losses, no queues */
  return THEORY_OK;
}

static int fill_report(const struct th_ws *s, struct theory_report *rep) {
  rep->nlinks = s->L;
  rep->nusers = s->U;
  rep->npaths = s->P;
  rep->links = calloc(s->L ? s->L : 1, sizeof(*rep->links));
  rep->users = calloc(s->U, sizeof(*rep->users));
  rep->paths = calloc(s->P, sizeof(*rep->paths));
  if (!rep->links || !rep->users || !rep->paths) {
    theory_report_free(rep);
    return THEORY_E_NOMEM;
  }
  double res = s->inner_res;
  for (size_t l = 0; l < s->L; l++) {
    const struct th_link *k = &s->net->links[l];
    struct theory_link_result *o = &rep->links[l];
    o->load_pps = s->y[l];
    o->loss = s->p[l];
    o->queue_pkts = s->queue[l];
    o->delay_s = s->queue[l] / k->cap;
    o->bottleneck = s->mode[l] != TH_OFF;
    if (o->bottleneck)
      res = fmax(res, fabs(th_excess(s, l)));
    else if (k->model != THEORY_LINK_EXOGENOUS)
      res = fmax(res, fmax(0.0, s->y[l] / k->cap - 1.0));
  }
  for (size_t r = 0; r < s->P; r++) {
    const struct th_path *pa = &s->net->paths[r];
    struct theory_path_result *o = &rep->paths[r];
    o->user = pa->user;
    o->window_pkts = s->w[r];
    o->rate_pps = s->w[r] / s->rtt[r];
    o->loss = s->ploss[r];
    o->rtt_s = s->rtt[r];
    o->base_rtt_s = pa->rtt;
    o->floored = s->floored[r];
    struct theory_user_result *ur = &rep->users[pa->user];
    ur->rate_pps += o->rate_pps;
    ur->best_tcp_pps = fmax(ur->best_tcp_pps, s->W[r] / s->rtt[r]);
  }
  rep->residual = res;
  rep->inner_iterations = s->inner_max;
  rep->outer_iterations = s->iterations;
  return THEORY_OK;
}

int theory_solve(const theory_net *net, struct theory_report *report) {
  if (!net || !report)
    return THEORY_E_ARG;
  memset(report, 0, sizeof(*report));
  report->failed_user = report->failed_link = report->failed_path = -1;
  int st = check_net(net, report);
  if (st < 0)
    return st;
  struct th_ws s;
  st = ws_init(&s, net);
  int rounds = 0;
  if (st == THEORY_OK)
    st = th_outer(&s, &rounds);
  report->rounds = rounds;
  if (st == THEORY_OK) {
    st = fill_report(&s, report);
  } else if (st == THEORY_E_INNER) {
    report->failed_user = s.failed_user;
    snprintf(report->detail, sizeof(report->detail),
             "user %d: window equilibrium not found (residual %.3g after %d iterations)",
             s.failed_user, s.inner_res, s.inner_max);
  } else if ((st == THEORY_E_OUTER || st == THEORY_E_ACTIVESET) && s.nact > 0) {
    size_t l = 0;
    max_excess(&s, &l);
    report->failed_link = (int)l;
    double ratio = s.y[l] / net->links[l].cap;
    snprintf(report->detail, sizeof(report->detail),
             "link %zu: load/capacity %.6g at loss %.3g, queue %.3g pkts, %zu bottleneck(s)%s",
             l, ratio, s.p[l], s.queue[l], s.nact,
             s.p[l] > 0.99 && ratio > 1.0 ? ": the window floors alone exceed its capacity"
             : st == THEORY_E_ACTIVESET
                 ? ": overloaded unless a bottleneck, no solution as one (rates that jump, "
                   "as BALIA's at a tie of its paths?)"
                 : "");
  } else if (st == THEORY_E_NOMEM) {
    snprintf(report->detail, sizeof(report->detail), "out of memory");
  } else if (st < 0) {
    snprintf(report->detail, sizeof(report->detail), "%s", theory_strerror(st));
  }
  ws_free(&s);
  return st;
}
