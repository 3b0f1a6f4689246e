/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of disjoint half-open ranges [start, end) of 64-bit sequence
 * numbers, kept sorted and merged. Used for received-but-not-in-order data
 * (reassembly) and SACK generation.
 *
 * Storage is a sorted array with binary search: O(log n) to find, O(n)
 * memmove to insert in the middle. Holes are few in normal operation; the
 * hole-flooding threat model needs a tree, which replaces this behind the
 * same interface.
 */
#ifndef MPTCP_RANGESET_H
#define MPTCP_RANGESET_H

#include <stdint.h>

struct mptcp_stack;

struct range {
  uint64_t start, end;
};

struct rangeset {
  struct range *v;
  uint32_t n, cap;
  uint64_t bytes; /* total bytes covered */
};

void rangeset_init(struct rangeset *rs);
void rangeset_release(struct rangeset *rs, struct mptcp_stack *s);
/* Adds [start, end). Returns 0, or MPTCP_ERR_NOMEM (set unchanged). */
int rangeset_add(struct rangeset *rs, struct mptcp_stack *s, uint64_t start,
                 uint64_t end);
/* The range containing x, or NULL. */
const struct range *rangeset_find(const struct rangeset *rs, uint64_t x);
/* Removes everything below x. */
void rangeset_remove_below(struct rangeset *rs, uint64_t x);

#endif
