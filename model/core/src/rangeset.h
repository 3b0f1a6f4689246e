/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of disjoint half-open ranges [start, end) of 64-bit sequence
 * numbers, kept sorted and merged: two ranges that overlap or touch become
 * one. Used for received-but-not-in-order data (reassembly) and SACK
 * generation.
 *
 * A peer decides how many holes the receiver tracks (threat A1: leave one
 * hole, send above it, many times over), so every operation has to stay
 * logarithmic in the number of ranges. Storage is an AVL tree keyed by
 * start, with parent links so that in-order stepping and deletion need no
 * search. AVL rather than a treap or skip list because the keys are chosen
 * by the attacker: a deterministic priority or level can be predicted and
 * the structure degenerated, while AVL's height bound (< 1.45 log2 n) holds
 * for every insertion order.
 *
 * Cost, n ranges, k of them removed or merged away by the call:
 *   rangeset_add           O(log n + k)   (O(log n) when k <= 1)
 *   rangeset_find          O(log n)
 *   rangeset_remove_below  O(log n + k)
 *   rangeset_first         O(log n)
 *   rangeset_next          O(1) amortised over a full walk, O(log n) worst
 *
 * Nodes come from a pool owned by the set: chunks allocated through the
 * host's memory hooks (so they count against its cap), recycled through a
 * free list, so a steady state allocates nothing per insertion. When the set
 * empties, every chunk but the first is returned, so memory taken by a burst
 * of holes does not stay charged to the host for the life of the connection.
 */
#ifndef MPTCP_RANGESET_H
#define MPTCP_RANGESET_H

#include <stddef.h>
#include <stdint.h>

struct mptcp_stack;

struct range {
  uint64_t start, end;
};

/* A tree node. Exposed only so that tests can check the tree's invariants;
 * the engine uses the functions below. */
struct rs_node {
  struct range r; /* first member: a range pointer converts to its node */
  struct rs_node *left, *right, *parent;
  int32_t height; /* of the subtree rooted here; a leaf is 1 */
};

/* A block of nodes from one allocation. */
struct rs_chunk {
  struct rs_chunk *next; /* the previously allocated chunk */
  size_t count;          /* nodes in this chunk */
  struct rs_node nodes[];
};

struct rangeset {
  struct rs_node *root;
  struct rs_node *free;      /* recycled nodes, linked through ->right */
  struct rs_node *bump;      /* next never-used node of the newest chunk */
  struct rs_node *bump_end;  /* end of the newest chunk */
  struct rs_chunk *chunks;   /* newest first */
  struct mptcp_stack *stack; /* owner of the chunks, to free them early */
  uint32_t n;                /* number of ranges */
  uint32_t next_chunk;       /* nodes in the next chunk to allocate */
  uint64_t bytes;            /* total bytes covered */
  /*
   * Work done by rangeset_add and rangeset_remove_below, for tests that
   * check the cost per operation (the set never resets it). It grows by one
   * for each:
   *   - node compared against on a root-to-leaf search;
   *   - node passed when stepping to the next range in order (climbing to
   *     an ancestor, or descending to the leftmost node of a subtree);
   *   - node visited while rebalancing upwards after a change (its height
   *     recomputed, rotated if needed), and each single rotation (a double
   *     rotation counts two);
   *   - join of two trees, and node passed on the taller tree's spine to
   *     find where the shorter one hangs;
   *   - node examined while splitting a tree;
   *   - step of freeing a cut-off subtree (at most two per node), and range
   *     deleted on its own.
   * The read-only functions (find, first, next) take a const set and do not
   * count; each is at most one descent, bounded by the tree height.
   */
  uint64_t ops;
};

void rangeset_init(struct rangeset *rs);
/* Frees every node and chunk; the set is empty and reusable afterwards. */
void rangeset_release(struct rangeset *rs, struct mptcp_stack *s);
/* Adds [start, end), merging every range it overlaps or touches. Returns 0,
 * or MPTCP_ERR_NOMEM (set unchanged). A merge never allocates. Every call on
 * one set passes the same stack. */
int rangeset_add(struct rangeset *rs, struct mptcp_stack *s, uint64_t start,
                 uint64_t end);
/* The range containing x, or NULL. */
const struct range *rangeset_find(const struct rangeset *rs, uint64_t x);
/* The lowest range ending above x (the one containing x, or else the first
 * one after it), or NULL. O(log n). */
const struct range *rangeset_ceil(const struct rangeset *rs, uint64_t x);
/* Would rangeset_add(start, end) make a new range, touching or overlapping
 * none already in the set (so that n grows by one)? O(log n). */
int rangeset_is_new(const struct rangeset *rs, uint64_t start, uint64_t end);
/* Removes everything below x (a range straddling x keeps [x, end)). When the
 * set becomes empty, chunks beyond the first go back to the stack that
 * rangeset_add allocated them from. */
void rangeset_remove_below(struct rangeset *rs, uint64_t x);
/* In-order iteration: the lowest range, or NULL when empty; then the range
 * after r, or NULL after the highest. Any change to the set invalidates r. */
const struct range *rangeset_first(const struct rangeset *rs);
const struct range *rangeset_next(const struct rangeset *rs,
                                  const struct range *r);

#endif
