/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * theory.c - the network of the fluid models (links, users, paths), the
 * single-path response functions and RED's profile. The solver is in
 * theory_solve.c, the per-user equilibria in theory_user.c; the models and
 * their sources are described in theory.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "theory_int.h"

#include <gsl/gsl_errno.h>

const char *theory_strerror(int err) {
  switch (err) {
  case THEORY_OK: return "no error";
  case THEORY_E_NOMEM: return "out of memory";
  case THEORY_E_ARG: return "bad argument";
  case THEORY_E_CAPACITY: return "capacity must be > 0";
  case THEORY_E_LOSS: return "loss rate must be in [0, 1)";
  case THEORY_E_RTT: return "RTT must be > 0 and finite";
  case THEORY_E_LINK: return "unknown link, or a link twice in one path";
  case THEORY_E_USER: return "unknown user";
  case THEORY_E_NOPATHS: return "no path, or a user without a path";
  case THEORY_E_PATHS: return "a tcp user has exactly one path, a path at least one link";
  case THEORY_E_PARAM: return "bad parameter (response, RED, window floor or count)";
  case THEORY_E_UNBOUNDED: return "a path with no loss and no capacity limit: unbounded rate";
  case THEORY_E_INNER: return "solver failure: a user's window equilibrium not found";
  case THEORY_E_OUTER: return "solver failure: link loss rates not found";
  case THEORY_E_ACTIVESET: return "solver failure: the set of bottleneck links did not settle";
  default: return "unknown error";
  }
}

void theory_response_default(struct theory_response *r) {
  if (!r)
    return;
  r->kind = THEORY_RESP_KELLY;
  r->b = 1.0;
  r->t0 = 0.2;
}

void theory_user_spec_init(struct theory_user_spec *u, enum theory_alg alg) {
  if (!u)
    return;
  memset(u, 0, sizeof(*u));
  u->alg = alg;
  theory_response_default(&u->resp);
  u->wmin = 0.0;
  u->count = 1;
}

double theory_response_window(const struct theory_response *r, double p, double rtt) {
  if (!r || !(p >= 0.0 && p < 1.0) || !(rtt > 0.0 && isfinite(rtt)))
    return NAN;
  if (p == 0.0)
    return INFINITY;
  switch (r->kind) {
  case THEORY_RESP_KELLY:
    /* (1 - p) / W = p W / 2 */
    return sqrt(2.0 * (1.0 - p) / p);
  case THEORY_RESP_MATHIS:
    /* Mathis et al. 1997: rate = (MSS / RTT) sqrt(3 / (2 b p)) */
    return sqrt(3.0 / (2.0 * r->b * p));
  case THEORY_RESP_PADHYE: {
    /* Padhye et al. 1998, eq. (30) without the receiver window limit */
    double to = r->t0 * fmin(1.0, 3.0 * sqrt(3.0 * r->b * p / 8.0)) * p * (1.0 + 32.0 * p * p);
    return rtt / (rtt * sqrt(2.0 * r->b * p / 3.0) + to);
  }
  }
  return NAN;
}

double theory_red_queue(const struct theory_red *red, double p) {
  if (!red || !(p > 0.0))
    return 0.0;
  if (p <= red->max_p)
    return red->min_th + (red->max_th - red->min_th) * p / red->max_p;
  if (!red->gentle)
    return red->max_th; /* the drop rate jumps to 1 above max_th */
  if (p >= 1.0)
    return 2.0 * red->max_th;
  return red->max_th * (1.0 + (p - red->max_p) / (1.0 - red->max_p));
}

theory_net *theory_new(void) {
  return calloc(1, sizeof(theory_net));
}

void theory_free(theory_net *net) {
  if (!net)
    return;
  for (size_t i = 0; i < net->npaths; i++)
    free(net->paths[i].links);
  free(net->paths);
  free(net->users);
  free(net->links);
  free(net);
}

/* Room for one more element of size sz in *arr (n used, *cap allocated). */
static int grow(void **arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap)
    return 0;
  size_t nc = *cap ? *cap * 2 : 8;
  void *p = realloc(*arr, nc * sz);
  if (!p)
    return THEORY_E_NOMEM;
  *arr = p;
  *cap = nc;
  return 0;
}

static int add_link(theory_net *net, const struct th_link *l) {
  if (net->nlinks >= (size_t)0x7fffffff)
    return THEORY_E_NOMEM;
  if (grow((void **)&net->links, net->nlinks, &net->cap_links, sizeof(*net->links)))
    return THEORY_E_NOMEM;
  net->links[net->nlinks] = *l;
  return (int)net->nlinks++;
}

static int bad_capacity(double c, int finite) {
  return !(c > 0.0) || (finite && !isfinite(c));
}

int theory_add_link_exogenous(theory_net *net, double capacity_pps, double loss) {
  if (!net)
    return THEORY_E_ARG;
  if (bad_capacity(capacity_pps, 0))
    return THEORY_E_CAPACITY;
  if (!(loss >= 0.0 && loss < 1.0))
    return THEORY_E_LOSS;
  struct th_link l = {.model = THEORY_LINK_EXOGENOUS, .cap = capacity_pps, .loss = loss};
  return add_link(net, &l);
}

int theory_add_link_droptail(theory_net *net, double capacity_pps, double queue_pkts) {
  if (!net)
    return THEORY_E_ARG;
  if (bad_capacity(capacity_pps, 1))
    return THEORY_E_CAPACITY;
  if (!(queue_pkts >= 0.0 && isfinite(queue_pkts)))
    return THEORY_E_PARAM;
  struct th_link l = {.model = THEORY_LINK_DROPTAIL, .cap = capacity_pps, .queue = queue_pkts};
  return add_link(net, &l);
}

int theory_add_link_red(theory_net *net, double capacity_pps, const struct theory_red *red) {
  if (!net || !red)
    return THEORY_E_ARG;
  if (bad_capacity(capacity_pps, 1))
    return THEORY_E_CAPACITY;
  if (!(red->min_th >= 0.0 && red->max_th > red->min_th && isfinite(red->max_th)) ||
      !(red->max_p > 0.0 && red->max_p <= 1.0))
    return THEORY_E_PARAM;
  struct th_link l = {.model = THEORY_LINK_RED, .cap = capacity_pps, .red = *red};
  l.red.gentle = red->gentle ? 1 : 0;
  return add_link(net, &l);
}

int theory_add_user(theory_net *net, const struct theory_user_spec *spec) {
  if (!net || !spec)
    return THEORY_E_ARG;
  if (spec->alg < THEORY_TCP || spec->alg > THEORY_BALIA || spec->resp.kind < THEORY_RESP_KELLY ||
      spec->resp.kind > THEORY_RESP_PADHYE)
    return THEORY_E_ARG;
  if (!(spec->resp.b > 0.0 && isfinite(spec->resp.b)) ||
      !(spec->resp.t0 >= 0.0 && isfinite(spec->resp.t0)) ||
      !(spec->wmin >= 0.0 && isfinite(spec->wmin)) || spec->count < 1)
    return THEORY_E_PARAM;
  if (net->nusers >= (size_t)0x7fffffff)
    return THEORY_E_NOMEM;
  if (grow((void **)&net->users, net->nusers, &net->cap_users, sizeof(*net->users)))
    return THEORY_E_NOMEM;
  net->users[net->nusers] = *spec;
  return (int)net->nusers++;
}

int theory_add_path(theory_net *net, int user, double rtt_s, const int *links, size_t nlinks) {
  if (!net || (nlinks && !links))
    return THEORY_E_ARG;
  if (user < 0 || (size_t)user >= net->nusers)
    return THEORY_E_USER;
  if (!(rtt_s > 0.0 && isfinite(rtt_s)))
    return THEORY_E_RTT;
  if (nlinks == 0)
    return THEORY_E_PATHS;
  for (size_t i = 0; i < nlinks; i++) {
    if (links[i] < 0 || (size_t)links[i] >= net->nlinks)
      return THEORY_E_LINK;
    for (size_t j = 0; j < i; j++)
      if (links[j] == links[i])
        return THEORY_E_LINK;
  }
  if (net->users[user].alg == THEORY_TCP)
    for (size_t i = 0; i < net->npaths; i++)
      if (net->paths[i].user == user)
        return THEORY_E_PATHS;
  if (net->npaths >= (size_t)0x7fffffff)
    return THEORY_E_NOMEM;
  if (grow((void **)&net->paths, net->npaths, &net->cap_paths, sizeof(*net->paths)))
    return THEORY_E_NOMEM;
  int *copy = malloc(nlinks * sizeof(*copy));
  if (!copy)
    return THEORY_E_NOMEM;
  memcpy(copy, links, nlinks * sizeof(*copy));
  net->paths[net->npaths] = (struct th_path){.user = user, .rtt = rtt_s, .links = copy,
                                             .nlinks = nlinks};
  return (int)net->npaths++;
}

void theory_report_free(struct theory_report *report) {
  if (!report)
    return;
  free(report->links);
  free(report->users);
  free(report->paths);
  report->links = NULL;
  report->users = NULL;
  report->paths = NULL;
}

void theory_gsl_handler_off(void) { gsl_set_error_handler_off(); }
