/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The range set as an AVL tree with parent links (see rangeset.h for the
 * costs and why AVL).
 *
 * Insertion and single deletion are the textbook ones, rebalancing on the
 * way up and stopping as soon as a subtree keeps its height; a single
 * deletion is always of a node with at most one child (see erase).
 * Removing many ranges at once (remove_below, or an add that swallows
 * several) goes through split and join instead, as in "Just Join for
 * Parallel Ordered Sets" (Blelloch, Ferizovic, Sun, 2016): a split costs
 * O(log n) whatever it cuts off, and freeing the cut-off part costs at
 * most two steps per node, so removing k ranges is O(log n + k) rather
 * than k deletions of O(log n) each.
 *
 * Nodes are relinked, never have their keys copied, so a node that stays in
 * the set keeps its address across every operation.
 */
#include "rangeset.h"

#include <string.h>

#include "internal.h"

_Static_assert(offsetof(struct rs_node, r) == 0,
               "a range pointer must convert to its node");

/* The first chunk is small because most sets only ever see a few holes;
 * doubling keeps the number of allocations logarithmic up to the cap, and
 * the cap bounds what a chunk can hold unused. */
enum { RS_CHUNK_MIN = 16, RS_CHUNK_MAX = 4096 };

/* ---- node pool ---- */

static size_t chunk_bytes(size_t count) {
  return sizeof(struct rs_chunk) + count * sizeof(struct rs_node);
}

static struct rs_node *node_get(struct rangeset *rs, struct mptcp_stack *s) {
  struct rs_node *nd = rs->free;
  if (nd) {
    rs->free = nd->right;
    return nd;
  }
  if (rs->bump == rs->bump_end) {
    uint32_t count = rs->next_chunk ? rs->next_chunk : RS_CHUNK_MIN;
    struct rs_chunk *c = stack_alloc(s, chunk_bytes(count));
    if (!c)
      return NULL;
    c->next = rs->chunks;
    c->count = count;
    rs->chunks = c;
    rs->stack = s;
    /* Handing out never-used nodes from the end of the chunk, rather than
     * threading the whole chunk onto the free list, keeps every insertion
     * O(1) in the pool, including the one that allocates. */
    rs->bump = c->nodes;
    rs->bump_end = c->nodes + count;
    rs->next_chunk = count < RS_CHUNK_MAX ? count * 2 : RS_CHUNK_MAX;
  }
  return rs->bump++;
}

/* Removes a node's range from the totals and recycles the node. */
static void discard(struct rangeset *rs, struct rs_node *nd) {
  rs->n--;
  rs->bytes -= nd->r.end - nd->r.start;
  nd->right = rs->free;
  rs->free = nd;
}

/* With the set empty every node is free, so all chunks but the oldest (the
 * smallest) can go back to the host: a burst of holes does not stay
 * charged to it, and a set that only ever sees a few holes keeps its one
 * chunk and never allocates again. */
static void pool_trim(struct rangeset *rs) {
  struct rs_chunk *c = rs->chunks;
  if (!c)
    return;
  while (c->next) {
    struct rs_chunk *nx = c->next;
    stack_free(rs->stack, c, chunk_bytes(c->count));
    c = nx;
  }
  rs->chunks = c;
  rs->free = NULL;
  rs->bump = c->nodes;
  rs->bump_end = c->nodes + c->count;
  rs->next_chunk = (uint32_t)c->count * 2;
}

void rangeset_init(struct rangeset *rs) { memset(rs, 0, sizeof(*rs)); }

void rangeset_release(struct rangeset *rs, struct mptcp_stack *s) {
  struct rs_chunk *c = rs->chunks;
  while (c) {
    struct rs_chunk *nx = c->next;
    stack_free(s, c, chunk_bytes(c->count));
    c = nx;
  }
  rangeset_init(rs);
}

/* ---- AVL primitives ---- */

static int32_t ht(const struct rs_node *nd) { return nd ? nd->height : 0; }

static void set_height(struct rs_node *nd) {
  int32_t l = ht(nd->left), r = ht(nd->right);
  nd->height = (l > r ? l : r) + 1;
}

/* Makes whatever pointed at `old` (its parent's link, or the root pointer
 * of the tree being worked on) point at `nw`. */
static void relink(struct rs_node **rootp, struct rs_node *parent,
                   struct rs_node *old, struct rs_node *nw) {
  if (!parent)
    *rootp = nw;
  else if (parent->left == old)
    parent->left = nw;
  else
    parent->right = nw;
  if (nw)
    nw->parent = parent;
}

static struct rs_node *rotate_left(struct rangeset *rs, struct rs_node **rootp,
                                   struct rs_node *x) {
  struct rs_node *y = x->right;
  rs->ops++;
  x->right = y->left;
  if (y->left)
    y->left->parent = x;
  relink(rootp, x->parent, x, y);
  y->left = x;
  x->parent = y;
  set_height(x);
  set_height(y);
  return y;
}

static struct rs_node *rotate_right(struct rangeset *rs, struct rs_node **rootp,
                                    struct rs_node *x) {
  struct rs_node *y = x->left;
  rs->ops++;
  x->left = y->right;
  if (y->right)
    y->right->parent = x;
  relink(rootp, x->parent, x, y);
  y->right = x;
  x->parent = y;
  set_height(x);
  set_height(y);
  return y;
}

/* Restores the balance of a node whose subtrees are valid AVL trees
 * differing in height by at most two; returns the subtree's new root. */
static struct rs_node *rebalance(struct rangeset *rs, struct rs_node **rootp,
                                 struct rs_node *nd) {
  int32_t b = ht(nd->left) - ht(nd->right);
  if (b > 1) {
    if (ht(nd->left->left) < ht(nd->left->right))
      rotate_left(rs, rootp, nd->left);
    return rotate_right(rs, rootp, nd);
  }
  if (b < -1) {
    if (ht(nd->right->right) < ht(nd->right->left))
      rotate_right(rs, rootp, nd->right);
    return rotate_left(rs, rootp, nd);
  }
  set_height(nd);
  return nd;
}

/* Rebalances from nd up after one of its subtrees changed height by one.
 * Stored heights above the change are still the old ones, so as soon as a
 * subtree ends with the height it had, nothing above it can have changed. */
static void fixup(struct rangeset *rs, struct rs_node **rootp,
                  struct rs_node *nd) {
  while (nd) {
    rs->ops++;
    int32_t old = nd->height;
    nd = rebalance(rs, rootp, nd);
    if (nd->height == old)
      return;
    nd = nd->parent;
  }
}

/* Unlinks z, which has at most one child, from the tree at *rootp (z is
 * not freed). Every deletion here is of such a node: the lowest range, or
 * of two neighbours in order the one that descends from the other. */
static void erase(struct rangeset *rs, struct rs_node **rootp,
                  struct rs_node *z) {
  struct rs_node *fix = z->parent;
  relink(rootp, fix, z, z->left ? z->left : z->right);
  fixup(rs, rootp, fix);
}

/* The node after nd in order, or NULL; *steps counts the nodes passed. */
static const struct rs_node *next_node(const struct rs_node *nd,
                                       uint64_t *steps) {
  if (nd->right) {
    nd = nd->right;
    (*steps)++;
    while (nd->left) {
      nd = nd->left;
      (*steps)++;
    }
    return nd;
  }
  while (nd->parent && nd == nd->parent->right) {
    nd = nd->parent;
    (*steps)++;
  }
  (*steps)++;
  return nd->parent;
}

/* ---- split and join ---- */

/*
 * Joins l, k and r, where every key of l is below k's and every key of r
 * above it, and l and r are valid AVL trees; returns the root (with no
 * parent). The shorter tree is hung, under k, on the spine of the taller
 * one at the point where heights match, then the spine is rebalanced: cost
 * O(|height(l) - height(r)| + 1).
 */
static struct rs_node *join(struct rangeset *rs, struct rs_node *l,
                            struct rs_node *k, struct rs_node *r) {
  int32_t hl = ht(l), hr = ht(r);
  struct rs_node *root;
  rs->ops++;
  if (l)
    l->parent = NULL;
  if (r)
    r->parent = NULL;
  if (hl > hr + 1) {
    struct rs_node *p = NULL, *c = l;
    while (ht(c) > hr + 1) {
      rs->ops++;
      p = c;
      c = c->right;
    }
    k->left = c;
    if (c)
      c->parent = k;
    k->right = r;
    if (r)
      r->parent = k;
    set_height(k);
    p->right = k;
    k->parent = p;
    root = l;
    fixup(rs, &root, p);
  } else if (hr > hl + 1) {
    struct rs_node *p = NULL, *c = r;
    while (ht(c) > hl + 1) {
      rs->ops++;
      p = c;
      c = c->left;
    }
    k->right = c;
    if (c)
      c->parent = k;
    k->left = l;
    if (l)
      l->parent = k;
    set_height(k);
    p->left = k;
    k->parent = p;
    root = r;
    fixup(rs, &root, p);
  } else {
    k->left = l;
    k->right = r;
    if (l)
      l->parent = k;
    if (r)
      r->parent = k;
    k->parent = NULL;
    set_height(k);
    root = k;
  }
  return root;
}

/*
 * Splits t around key: *l gets the keys below it, *r the keys above, *m the
 * node holding key (or NULL). The roots' parent links are left stale; join
 * clears them. O(height of t).
 */
static void split3(struct rangeset *rs, struct rs_node *t, uint64_t key,
                   struct rs_node **l, struct rs_node **m, struct rs_node **r) {
  if (!t) {
    *l = *m = *r = NULL;
    return;
  }
  rs->ops++;
  struct rs_node *tl = t->left, *tr = t->right, *a, *b;
  if (key == t->r.start) {
    *l = tl;
    *m = t;
    *r = tr;
  } else if (key < t->r.start) {
    split3(rs, tl, key, &a, m, &b);
    *l = a;
    *r = join(rs, b, t, tr);
  } else {
    split3(rs, tr, key, &a, m, &b);
    *l = join(rs, tl, t, a);
    *r = b;
  }
}

/* Frees every node of the subtree t. Rotating left children up turns the
 * subtree into a right-leaning list as it goes, so no stack is needed and
 * each node costs at most two steps. */
static void free_subtree(struct rangeset *rs, struct rs_node *t) {
  while (t) {
    rs->ops++;
    if (t->left) {
      struct rs_node *l = t->left;
      t->left = l->right;
      l->right = t;
      t = l;
    } else {
      struct rs_node *nx = t->right;
      discard(rs, t);
      t = nx;
    }
  }
}

/* Frees the nodes of t whose key is below s; returns the rest as a tree
 * (root without parent). O(height of t + nodes freed). */
static struct rs_node *drop_below(struct rangeset *rs, struct rs_node *t,
                                  uint64_t s) {
  /* A node below s goes with its whole left subtree. */
  while (t && t->r.start < s) {
    rs->ops++;
    struct rs_node *r = t->right;
    t->right = NULL;
    free_subtree(rs, t);
    t = r;
  }
  if (!t)
    return NULL;
  rs->ops++;
  struct rs_node *l = t->left, *r = t->right;
  return join(rs, drop_below(rs, l, s), t, r);
}

/* ---- the interface ---- */

/*
 * Covers [start, end) by extending `first`, the lowest range it overlaps or
 * touches, over it and over the following ranges it reaches, which are
 * removed. `next` is the node after first when the caller already knows it
 * (next_known), saving a walk. Never allocates.
 */
static void merge(struct rangeset *rs, struct rs_node *first,
                  const struct rs_node *next, int next_known, uint64_t start,
                  uint64_t end) {
  uint64_t ns = first->r.start < start ? first->r.start : start;
  uint64_t ne = first->r.end > end ? first->r.end : end;
  struct rs_node *last = first; /* the last range reached */
  int several = 0;              /* more than one range after first */
  /* Ranges never touch, so if first ends at or beyond `end` nothing after
   * it can be reached. */
  if (first->r.end < end) {
    const struct rs_node *nx = next_known ? next : next_node(first, &rs->ops);
    if (nx && nx->r.start <= end) {
      last = (struct rs_node *)nx;
      if (nx->r.end < end) {
        /* More than one range is swallowed: find the last by a descent
         * rather than by walking over all of them. */
        for (struct rs_node *c = rs->root; c;) {
          rs->ops++;
          if (c->r.start <= end) {
            last = c;
            c = c->right;
          } else {
            c = c->left;
          }
        }
        several = last != nx;
      }
      if (last->r.end > ne)
        ne = last->r.end;
    }
  }
  struct rs_node *keep = first;
  if (last == first) {
    /* nothing to remove */
  } else if (!several) {
    /* The usual case, a segment filling a hole: one deletion is cheaper
     * than a split and a join. Of two neighbours in order one descends
     * from the other and has at most one child; deleting that one needs
     * no search for a replacement. The survivor takes the merged range,
     * which keeps the order: its neighbours are outside [ns, ne). */
    struct rs_node *gone = last;
    if (last->left && last->right) {
      keep = last;
      gone = first;
    }
    erase(rs, &rs->root, gone);
    rs->ops++;
    discard(rs, gone);
  } else {
    struct rs_node *l, *m, *r;
    split3(rs, rs->root, first->r.start, &l, &m, &r);
    /* m is first; the swallowed ranges are the lowest keys of r, up to
     * last's. last->r.start + 1 cannot wrap: last->r.end is above it. */
    r = drop_below(rs, r, last->r.start + 1);
    rs->root = join(rs, l, m, r);
  }
  /* Lowering the survivor's start keeps the order: the range before the
   * merged ones ends below start, or it would have been chosen as first. */
  rs->bytes += (ne - ns) - (keep->r.end - keep->r.start);
  keep->r.start = ns;
  keep->r.end = ne;
}

int rangeset_add(struct rangeset *rs, struct mptcp_stack *s, uint64_t start,
                 uint64_t end) {
  if (start >= end)
    return 0;
  /* One descent finds the neighbours and, when nothing is merged, the
   * place where the new node hangs. */
  struct rs_node *p = NULL, **link = &rs->root, *pred = NULL, *succ = NULL;
  while (*link) {
    p = *link;
    rs->ops++;
    if (start < p->r.start) {
      succ = p;
      link = &p->left;
    } else {
      pred = p;
      if (start == p->r.start)
        break;
      link = &p->right;
    }
  }
  if (pred && pred->r.end >= start) {
    /* Unless the descent stopped at an equal key, succ is pred's next. */
    merge(rs, pred, succ, pred->r.start != start, start, end);
    return 0;
  }
  if (succ && succ->r.start <= end) {
    merge(rs, succ, NULL, 0, start, end);
    return 0;
  }
  if (rs->n == UINT32_MAX)
    return MPTCP_ERR_NOMEM;
  struct rs_node *nd = node_get(rs, s);
  if (!nd)
    return MPTCP_ERR_NOMEM;
  nd->r.start = start;
  nd->r.end = end;
  nd->left = nd->right = NULL;
  nd->height = 1;
  nd->parent = p;
  *link = nd;
  rs->n++;
  rs->bytes += end - start;
  fixup(rs, &rs->root, p);
  return 0;
}

const struct range *rangeset_find(const struct rangeset *rs, uint64_t x) {
  const struct rs_node *best = NULL; /* the last range starting at or below x */
  for (const struct rs_node *c = rs->root; c;) {
    if (c->r.start <= x) {
      best = c;
      c = c->right;
    } else {
      c = c->left;
    }
  }
  return best && x < best->r.end ? &best->r : NULL;
}

const struct range *rangeset_ceil(const struct rangeset *rs, uint64_t x) {
  const struct rs_node *best = NULL; /* the lowest range ending above x so far */
  for (const struct rs_node *c = rs->root; c;) {
    if (c->r.end > x) {
      best = c; /* disjoint and sorted: ends grow with starts */
      c = c->left;
    } else {
      c = c->right;
    }
  }
  return best ? &best->r : NULL;
}

int rangeset_is_new(const struct rangeset *rs, uint64_t start, uint64_t end) {
  /* the lowest range ending at or above start: the only one that can touch
   * [start, end) from below or overlap it; any other one above starts later */
  const struct range *r = rangeset_ceil(rs, start ? start - 1 : 0);
  return !r || r->start > end;
}

void rangeset_remove_below(struct rangeset *rs, uint64_t x) {
  struct rs_node *m = NULL; /* the last range starting below x */
  int m_lowest = 0;         /* and it is the lowest range of all */
  int right_turns = 0;
  for (struct rs_node *c = rs->root; c;) {
    rs->ops++;
    if (c->r.start < x) {
      m = c;
      m_lowest = !right_turns && !c->left;
      right_turns++;
      c = c->right;
    } else {
      c = c->left;
    }
  }
  if (!m)
    return;
  if (m->r.end > x) {
    /* m straddles x: drop what is below m, then cut m's head. Its new
     * start keeps the order: everything after m starts above m's end. */
    if (!m_lowest)
      rs->root = drop_below(rs, rs->root, m->r.start);
    rs->bytes -= x - m->r.start;
    m->r.start = x;
  } else if (m_lowest) {
    /* In-order delivery consuming the lowest range: a plain deletion
     * beats a split. */
    erase(rs, &rs->root, m);
    rs->ops++;
    discard(rs, m);
  } else {
    rs->root = drop_below(rs, rs->root, x);
  }
  if (!rs->n)
    pool_trim(rs);
}

const struct range *rangeset_first(const struct rangeset *rs) {
  const struct rs_node *c = rs->root;
  if (!c)
    return NULL;
  while (c->left)
    c = c->left;
  return &c->r;
}

const struct range *rangeset_next(const struct rangeset *rs,
                                  const struct range *r) {
  uint64_t steps = 0; /* the set is const: iteration is not counted */
  (void)rs;
  const struct rs_node *nd = next_node((const struct rs_node *)r, &steps);
  return nd ? &nd->r : NULL;
}
