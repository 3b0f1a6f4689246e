/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory_active.c - which capacity-constrained links are bottlenecks: a
 * first set by progressive filling, then rounds of solving the set
 * (theory_solve.c), adding the most overloaded link outside it, until no
 * link is overloaded. theory.h describes the method.
 */
#include <math.h>
#include <stdlib.h>

#include "theory_int.h"

#define OVERLOAD 1e-9 /* y_l > C_l (1 + this): l must be a bottleneck */

static int on_path(const struct th_path *pa, size_t l) {
  for (size_t i = 0; i < pa->nlinks; i++)
    if ((size_t)pa->links[i] == l)
      return 1;
  return 0;
}

/* The number of flows (paths times count) through l and their mean base
 * RTT. */
static double flows(const struct th_ws *s, size_t l, double *rtt) {
  double n = 0.0, t = 0.0;
  for (size_t r = 0; r < s->P; r++) {
    const struct th_path *pa = &s->net->paths[r];
    if (on_path(pa, l)) {
      n += s->net->users[pa->user].count;
      t += pa->rtt * s->net->users[pa->user].count;
    }
  }
  *rtt = n > 0.0 ? t / n : 0.0;
  return n;
}

/* Kelly's p = 2 / (2 + W^2) for flows of window W = rate * RTT. */
static double kelly_p(double rate, double rtt) {
  double w = rate * rtt;
  return fmin(0.5, fmax(1e-12, 2.0 / (2.0 + w * w)));
}

/* l becomes a bottleneck: in queue mode half full when it has a queue
 * before drops, else in loss mode at p, Kelly's for `rate` per flow. */
static void activate(struct th_ws *s, size_t l, double rate) {
  double rtt;
  flows(s, l, &rtt);
  if (th_q0(&s->net->links[l]) > 0.0)
    th_set_mode(s, l, TH_QUEUE, 0.0);
  else
    th_set_mode(s, l, TH_LOSS, th_logit(kelly_p(rate, rtt)));
}

/* Does l carry the same paths as a bottleneck of the same capacity? Then
 * their loads are equal whatever the rates and only one of them can hold
 * the loss (the fluid model cannot say which: the first one is kept). */
static int redundant(const struct th_ws *s, size_t l) {
  const theory_net *net = s->net;
  for (size_t i = 0; i < s->nact; i++) {
    size_t k = s->act[i];
    int same = net->links[k].cap == net->links[l].cap;
    for (size_t r = 0; r < s->P && same; r++)
      same = on_path(&net->paths[r], k) == on_path(&net->paths[r], l);
    if (same)
      return 1;
  }
  return 0;
}

/* Progressive filling: every path, as `count` flows, grows at the same
 * rate until one of its links is full or it reaches one Kelly TCP's rate
 * at its exogenous losses; the links that fill are the first set. */
static int initial_set(struct th_ws *s) {
  const theory_net *net = s->net;
  double *left = malloc((s->L ? s->L : 1) * sizeof(*left));
  double *cap = malloc(s->P * sizeof(*cap));
  int *frozen = calloc(s->P, sizeof(int));
  if (!left || !cap || !frozen) {
    free(left);
    free(cap);
    free(frozen);
    return THEORY_E_NOMEM;
  }
  for (size_t l = 0; l < s->L; l++)
    left[l] = net->links[l].model == THEORY_LINK_EXOGENOUS ? INFINITY : net->links[l].cap;
  for (size_t r = 0; r < s->P; r++) {
    double lsum = 0.0;
    for (size_t i = 0; i < net->paths[r].nlinks; i++)
      lsum += log1p(-s->p[net->paths[r].links[i]]);
    cap[r] = lsum < 0.0 ? sqrt(2.0 / expm1(-lsum)) / net->paths[r].rtt : INFINITY;
  }
  double level = 0.0;
  for (size_t round = 0; round <= s->L + s->P; round++) {
    double inc = INFINITY;
    int any = 0;
    for (size_t r = 0; r < s->P; r++)
      if (!frozen[r])
        inc = fmin(inc, cap[r] - level);
    for (size_t l = 0; l < s->L; l++) {
      double n = 0.0;
      for (size_t r = 0; r < s->P; r++)
        if (!frozen[r] && on_path(&net->paths[r], l))
          n += net->users[net->paths[r].user].count;
      if (n > 0.0 && isfinite(left[l]))
        inc = fmin(inc, left[l] / n);
    }
    if (!isfinite(inc))
      break;
    level += inc;
    for (size_t r = 0; r < s->P; r++)
      for (size_t i = 0; !frozen[r] && i < net->paths[r].nlinks; i++)
        left[net->paths[r].links[i]] -= inc * net->users[net->paths[r].user].count;
    for (size_t l = 0; l < s->L; l++)
      if (isfinite(left[l]) && left[l] <= 1e-12 * net->links[l].cap && s->mode[l] == TH_OFF &&
          !redundant(s, l))
        activate(s, l, level);
    for (size_t r = 0; r < s->P; r++) {
      int full = level >= cap[r] * (1.0 - 1e-12);
      for (size_t i = 0; i < net->paths[r].nlinks; i++)
        full |= s->mode[net->paths[r].links[i]] != TH_OFF;
      frozen[r] |= full;
      any |= !frozen[r];
    }
    if (!any)
      break;
  }
  free(left);
  free(cap);
  free(frozen);
  return THEORY_OK;
}

/* The most overloaded link outside the set (an infinite load first, the
 * smallest capacity among those), or -1. */
static long most_overloaded(const struct th_ws *s) {
  long best = -1;
  double best_ratio = 0.0;
  for (size_t l = 0; l < s->L; l++) {
    const struct th_link *k = &s->net->links[l];
    if (k->model == THEORY_LINK_EXOGENOUS || s->mode[l] != TH_OFF)
      continue;
    double ratio = s->y[l] / k->cap;
    if (!(ratio > 1.0 + OVERLOAD))
      continue;
    if (best < 0 || ratio > best_ratio ||
        (isinf(ratio) && isinf(best_ratio) && k->cap < s->net->links[best].cap)) {
      best = (long)l;
      best_ratio = ratio;
    }
  }
  return best;
}

static int has_olia(const theory_net *net) {
  for (size_t u = 0; u < net->nusers; u++)
    if (net->users[u].alg == THEORY_OLIA)
      return 1;
  return 0;
}

/* The set's equilibrium, continued over OLIA's kappa from 16 to
 * THEORY_OLIA_KAPPA when there are OLIA users: each step from the last
 * solution by hybrids alone, the step shortened when they fail. */
static int solve_set(struct th_ws *s, int again) {
  if (again && s->kappa == THEORY_OLIA_KAPPA && has_olia(s->net)) {
    /* a link joined the set: from the last solution first */
    double *z = malloc((s->L ? s->L : 1) * sizeof(*z));
    if (!z)
      return THEORY_E_NOMEM;
    for (size_t l = 0; l < s->L; l++)
      z[l] = s->z[l];
    int st = th_price_solve(s, 1);
    if (st != THEORY_E_OUTER) {
      free(z);
      return st;
    }
    for (size_t i = 0; i < s->nact; i++)
      th_set_mode(s, s->act[i], (enum th_mode)s->mode[s->act[i]], z[s->act[i]]);
    free(z);
  }
  s->kappa = has_olia(s->net) ? 16.0 : THEORY_OLIA_KAPPA;
  int st = th_price_solve(s, 0);
  double *z = malloc((s->L ? s->L : 1) * sizeof(*z));
  if (!z)
    return THEORY_E_NOMEM;
  while (st == THEORY_OK && s->kappa < THEORY_OLIA_KAPPA && s->nact > 0) {
    double from = s->kappa, to = fmin(THEORY_OLIA_KAPPA, 8.0 * from);
    for (size_t l = 0; l < s->L; l++)
      z[l] = s->z[l];
    for (;;) {
      s->kappa = to;
      st = th_price_solve(s, 1);
      if (st != THEORY_E_OUTER)
        break;
      for (size_t i = 0; i < s->nact; i++)
        th_set_mode(s, s->act[i], (enum th_mode)s->mode[s->act[i]], z[s->act[i]]);
      to = sqrt(from * to);
      if (to < 1.01 * from) { /* no way forward from here: from scratch */
        s->kappa = to = fmin(THEORY_OLIA_KAPPA, 8.0 * from);
        st = th_price_solve(s, 0);
        break;
      }
    }
  }
  free(z);
  if (st == THEORY_OK && s->kappa != THEORY_OLIA_KAPPA) { /* the set emptied */
    s->kappa = THEORY_OLIA_KAPPA;
    st = th_eval(s);
  }
  return st;
}

int th_outer(struct th_ws *s, int *rounds) {
  int max_rounds = 4 * (int)s->L + 10;
  int st = initial_set(s);
  if (st < 0)
    return st;
  for (*rounds = 1; *rounds <= max_rounds; ++*rounds) {
    st = solve_set(s, *rounds > 1);
    if (st == TH_CHANGED)
      continue;
    if (st < 0)
      return st;
    long worst = most_overloaded(s);
    if (worst < 0)
      return THEORY_OK;
    /* a link that keeps coming back: overloaded as no bottleneck, no
     * solution as one (a user whose rates jump, as BALIA's at a tie) */
    if (++s->added[worst] > 3)
      return THEORY_E_ACTIVESET;
    double rtt, n = flows(s, (size_t)worst, &rtt);
    activate(s, (size_t)worst, n > 0.0 ? s->net->links[worst].cap / n : 1.0);
  }
  return THEORY_E_ACTIVESET;
}
