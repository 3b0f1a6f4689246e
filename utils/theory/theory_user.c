/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory_user.c - one user's equilibrium windows given its paths' losses
 * and RTTs: tcp, reno and olia in closed form, lia and balia by a damped
 * fixed-point iteration polished with gsl_multiroot (theory.h says why
 * and where the equations come from).
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_vector.h>

#include "theory_int.h"

#define INNER_TOL 1e-13    /* iteration target on max |log rho| */
#define INNER_ACCEPT 1e-9  /* a result above this is a failure */
#define INNER_POLISH_AT 400 /* iterations before the hybrids polish */
#define INNER_MAX 20000

/* BALIA's increase factor (1 + a)/2 (4 + a)/5 (Peng et al., ToN 2016). */
static double balia_f(double a) {
  return (1.0 + a) * (4.0 + a) / 10.0;
}

void th_user_rho(const struct th_user_io *io, const double *w, double *rho) {
  size_t n = io->n;
  if (io->spec->alg == THEORY_LIA) {
    /* RFC 6356 section 3: alpha / w_total = max_k(w_k / T_k^2) / (sum_k w_k / T_k)^2 */
    double m = 0.0, s = 0.0;
    for (size_t r = 0; r < n; r++) {
      m = fmax(m, w[r] / (io->rtt[r] * io->rtt[r]));
      s += w[r] / io->rtt[r];
    }
    double a = m / (s * s);
    for (size_t r = 0; r < n; r++)
      rho[r] = fmin(a, 1.0 / w[r]) / (io->q[r] * w[r] / 2.0);
  } else {
    /* BALIA: x_r / (T_r X^2) f(a_r) per ACK against q_r (w_r / 2) min(a_r, 1.5) */
    double xs = 0.0, xm = 0.0;
    for (size_t r = 0; r < n; r++) {
      double x = w[r] / io->rtt[r];
      xs += x;
      xm = fmax(xm, x);
    }
    for (size_t r = 0; r < n; r++) {
      double a = xm / (w[r] / io->rtt[r]);
      double t2 = io->rtt[r] * io->rtt[r];
      rho[r] = 2.0 * balia_f(a) / (io->q[r] * t2 * xs * xs * fmin(a, 1.5));
    }
  }
}

static int at_floor(const struct th_user_io *io, double w) {
  return io->spec->wmin > 0.0 && w <= io->spec->wmin * (1.0 + 1e-12);
}

/* max |log rho| over the paths above the floor, and how far a path at the
 * floor would rise (log rho > 0). */
static double residual(const struct th_user_io *io, const double *w, double *rho) {
  th_user_rho(io, w, rho);
  double res = 0.0;
  for (size_t r = 0; r < io->n; r++) {
    double e = log(rho[r]);
    if (!isfinite(e))
      return INFINITY;
    res = fmax(res, at_floor(io, w[r]) ? fmax(0.0, e) : fabs(e));
  }
  return res;
}

/* The polish: log rho_r = 0 over the free paths, unknowns their log w. */
struct polish {
  const struct th_user_io *io;
  double *w, *rho;
  const size_t *free_idx;
};

static int polish_f(const gsl_vector *z, void *arg, gsl_vector *f) {
  struct polish *p = arg;
  for (size_t i = 0; i < z->size; i++) {
    double zi = gsl_vector_get(z, i);
    if (!isfinite(zi) || fabs(zi) > 700.0)
      return GSL_EDOM;
    p->w[p->free_idx[i]] = exp(zi);
  }
  th_user_rho(p->io, p->w, p->rho);
  for (size_t i = 0; i < z->size; i++) {
    double e = log(p->rho[p->free_idx[i]]);
    if (!isfinite(e))
      return GSL_EDOM;
    gsl_vector_set(f, i, e);
  }
  return GSL_SUCCESS;
}

/* Polishes w in place when that lowers the residual; returns the
 * iterations used, or -1 out of memory. */
static int polish(const struct th_user_io *io, double *w, double *rho, double *res) {
  size_t n = io->n, k = 0;
  size_t *idx = malloc(n * sizeof(*idx));
  double *trial = malloc(n * sizeof(*trial));
  if (!idx || !trial) {
    free(idx);
    free(trial);
    return -1;
  }
  for (size_t r = 0; r < n; r++) {
    trial[r] = w[r];
    if (!at_floor(io, w[r]))
      idx[k++] = r;
  }
  int iters = 0;
  gsl_vector *z = k ? gsl_vector_alloc(k) : NULL;
  gsl_multiroot_fsolver *s = k ? gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, k)
                               : NULL;
  if (k && (!z || !s)) {
    iters = -1;
  } else if (k) {
    for (size_t i = 0; i < k; i++)
      gsl_vector_set(z, i, log(w[idx[i]]));
    struct polish p = {io, trial, rho, idx};
    gsl_multiroot_function fn = {polish_f, k, &p};
    int st = gsl_multiroot_fsolver_set(s, &fn, z);
    while (st == GSL_SUCCESS && iters < 100) {
      iters++;
      st = gsl_multiroot_fsolver_iterate(s);
      if (st == GSL_SUCCESS && gsl_multiroot_test_residual(s->f, INNER_TOL) == GSL_SUCCESS)
        break;
    }
    int ok = 1;
    for (size_t i = 0; i < k; i++) {
      double v = exp(gsl_vector_get(s->x, i));
      if (!(v > io->spec->wmin && isfinite(v)))
        ok = 0;
      trial[idx[i]] = v;
    }
    double r2 = ok ? residual(io, trial, rho) : INFINITY;
    if (r2 < *res) {
      *res = r2;
      for (size_t r = 0; r < n; r++)
        w[r] = trial[r];
    }
  }
  gsl_multiroot_fsolver_free(s);
  gsl_vector_free(z);
  free(trial);
  free(idx);
  return iters;
}

/* lia, balia: damped iteration on log w, projected on w >= wmin. */
static int coupled(struct th_user_io *io) {
  size_t n = io->n;
  double wmin = io->spec->wmin;
  double *rho = malloc(n * sizeof(*rho));
  if (!rho)
    return THEORY_E_NOMEM;
  /* Start at the single-path windows: rates proportional to the paths'
   * TCP rates (BALIA's choice of branch, theory.h). */
  for (size_t r = 0; r < n; r++)
    io->w[r] = fmax(io->W[r], wmin);
  double res = residual(io, io->w, rho);
  int it = 0, polished = 0;
  while (res > INNER_TOL && it < INNER_MAX) {
    if (it == INNER_POLISH_AT && !polished) {
      polished = 1;
      int pi = polish(io, io->w, rho, &res);
      if (pi < 0) {
        free(rho);
        return THEORY_E_NOMEM;
      }
      it += pi;
      if (res <= INNER_TOL)
        break;
      th_user_rho(io, io->w, rho);
    }
    for (size_t r = 0; r < n; r++)
      io->w[r] = fmax(io->w[r] * sqrt(rho[r]), wmin);
    it++;
    res = residual(io, io->w, rho);
  }
  io->iterations = it;
  io->residual = res;
  for (size_t r = 0; r < n; r++)
    io->floored[r] = at_floor(io, io->w[r]);
  free(rho);
  return res <= INNER_ACCEPT ? THEORY_OK : THEORY_E_INNER;
}

/* olia: the best paths carry one TCP's rate on the best path (theory.h). */
static void olia(struct th_user_io *io) {
  size_t n = io->n;
  double wmin = io->spec->wmin, rmax = 0.0, floors = 0.0, d = 0.0;
  for (size_t r = 0; r < n; r++) {
    rmax = fmax(rmax, io->W[r] / io->rtt[r]);
    floors += wmin / io->rtt[r];
  }
  double extra = fmax(0.0, rmax - floors);
  /* window shares v_r = (R_r / R_max)^kappa */
  for (size_t r = 0; r < n; r++) {
    double v = exp(io->kappa * log((io->W[r] / io->rtt[r]) / rmax));
    io->w[r] = v; /* the share, for now */
    d += v / io->rtt[r];
  }
  for (size_t r = 0; r < n; r++) {
    double share = extra * io->w[r] / d; /* a window */
    io->floored[r] = share <= 1e-9 * rmax * io->rtt[r];
    io->w[r] = wmin + share;
  }
}

int th_user_solve(struct th_user_io *io) {
  size_t n = io->n;
  enum theory_alg alg = io->spec->alg;
  double wmin = io->spec->wmin;
  io->iterations = 0;
  io->residual = 0.0;
  int unbounded = 0;
  for (size_t r = 0; r < n; r++)
    unbounded |= !isfinite(io->W[r]);
  if (alg == THEORY_TCP || alg == THEORY_RENO || (unbounded && n == 1)) {
    for (size_t r = 0; r < n; r++) {
      io->w[r] = fmax(io->W[r], wmin);
      io->floored[r] = io->W[r] < wmin;
    }
    return THEORY_OK;
  }
  if (unbounded) {
    /* a coupled user with a path without loss sends everything there: the
     * solver then makes a link of that path a bottleneck */
    for (size_t r = 0; r < n; r++) {
      io->w[r] = isfinite(io->W[r]) ? wmin : INFINITY;
      io->floored[r] = isfinite(io->W[r]);
    }
    return THEORY_OK;
  }
  if (alg == THEORY_OLIA) {
    olia(io);
    return THEORY_OK;
  }
  return coupled(io);
}
