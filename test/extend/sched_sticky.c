/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test-only scheduler, not shipped: "sticky". New data stays on the
 * subflow that carried the previous segment while that subflow is
 * available (usable, window room); otherwise it moves to minRTT's choice
 * and stays there. Fewer switches between subflows than minRTT, hence
 * less reordering at the receiver, at the cost of leaving a faster
 * subflow idle while the current one has room.
 *
 * It exists to show that adding a scheduler is this file and one
 * registration line (test/extend/algos-extra.def, or the shipped
 * model/core/src/algos.def), with init, release and private state:
 * test/extend/test_extend.py builds the module with it and runs it.
 * doc/extending.md walks through it.
 */
#include "internal.h"

struct sticky {
  const struct tcp_sf *cur; /* the subflow data sticks to (NULL: none) */
  uint64_t switches;        /* times the choice moved */
};

_Static_assert(sizeof(struct sticky) <= MPTCP_SCHED_PRIV_SIZE, "sticky state too large");

static struct sticky *st(struct mptcp_conn *c) { return (struct sticky *)c->sched_priv; }

static void sticky_init(struct mptcp_conn *c) { st(c)->cur = NULL; }

static void sticky_release(struct mptcp_conn *c) { st(c)->cur = NULL; }

static struct tcp_sf *sticky_get_send(struct mptcp_conn *c, uint64_t now) {
  (void)now;
  struct sticky *s = st(c);
  for (uint8_t i = 0; i < c->n_sf; i++) /* still one of ours, and available? */
    if (c->sfs[i] == s->cur && sched_sf_available(c->sfs[i]))
      return c->sfs[i];
  struct tcp_sf *sf = sched_minrtt_pick(c);
  if (sf && sf != s->cur) {
    s->cur = sf;
    s->switches++;
  }
  return sf;
}

const struct mptcp_sched_ops mptcp_sched_sticky = {
    .name = "sticky",
    .init = sticky_init,
    .release = sticky_release,
    .get_send = sticky_get_send,
};
