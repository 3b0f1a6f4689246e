/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the range set (model/core/src/rangeset.c), the structure
 * behind reassembly and SACK generation. Besides correctness against a
 * bitmap model, they check the cost a peer can impose by leaving holes
 * (threat A1): the set's operation counter, not a clock, must show
 * O(log n) work per insertion with 100,000 holes.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "internal.h"
#include "rangeset.h"

/* The stated constant: an insertion, a fill or a removal of one range does
 * at most OPS_C * log2(n) counted operations (see `ops` in rangeset.h),
 * log2 rounded up, and at least 1. */
#define OPS_C 4

/* ---- helpers ---- */

static uint64_t rng_next(uint64_t *st) { /* splitmix64 */
  uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *st, uint64_t n) { return rng_next(st) % n; }

static void fake_rand(uint8_t *d, size_t n, void *ud) {
  (void)ud;
  static const uint8_t pattern[] = {0x5a, 0x17, 0xc3, 0x88};
  for (size_t i = 0; i < n; i++)
    d[i] = pattern[i % sizeof(pattern)];
}

static mptcp_stack *new_stack(void) {
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  mptcp_stack *st = NULL;
  assert_int_equal(mptcp_stack_new(&st, &cfg, NULL, fake_rand, NULL, NULL),
                   MPTCP_OK);
  assert_non_null(st);
  return st;
}

/* Smallest b with 2^b >= n, at least 1. */
static uint64_t lg(uint64_t n) {
  uint64_t b = 1;
  while (b < 64 && (1ull << b) < n)
    b++;
  return b;
}

static size_t chunk_bytes(size_t count) {
  return sizeof(struct rs_chunk) + count * sizeof(struct rs_node);
}

/* ---- invariant checker ---- */

struct walk {
  const struct rangeset *rs;
  const struct rs_node *prev;
  const struct range *iter; /* where rangeset_next has got to */
  uint32_t n;
  uint64_t bytes;
};

static int32_t check_subtree(const struct rs_node *nd,
                             const struct rs_node *parent, struct walk *w) {
  if (!nd)
    return 0;
  assert_ptr_equal(nd->parent, parent);
  int32_t hl = check_subtree(nd->left, nd, w);
  assert_true(nd->r.start < nd->r.end);
  /* disjoint and not touching: touching ranges must have been merged */
  if (w->prev)
    assert_true(w->prev->r.end < nd->r.start);
  assert_ptr_equal(w->iter, &nd->r);
  w->iter = rangeset_next(w->rs, w->iter);
  w->prev = nd;
  w->n++;
  w->bytes += nd->r.end - nd->r.start;
  int32_t hr = check_subtree(nd->right, nd, w);
  assert_true(hl - hr <= 1 && hr - hl <= 1);
  assert_int_equal(nd->height, (hl > hr ? hl : hr) + 1);
  return nd->height;
}

static int in_chunks(const struct rangeset *rs, const struct rs_node *nd) {
  for (const struct rs_chunk *c = rs->chunks; c; c = c->next)
    if (nd >= c->nodes && nd < c->nodes + c->count)
      return 1;
  return 0;
}

/* Checks the AVL invariants, parent links, order, merging, the n and bytes
 * totals, iteration, and that every pool node is either in the tree, on
 * the free list or not yet handed out. Returns the tree height. */
static int32_t check_set(const struct rangeset *rs) {
  struct walk w = {rs, NULL, rangeset_first(rs), 0, 0};
  if (rs->root)
    assert_null(rs->root->parent);
  int32_t h = check_subtree(rs->root, NULL, &w);
  assert_null(w.iter);
  assert_int_equal(w.n, rs->n);
  assert_int_equal(w.bytes, rs->bytes);
  /* AVL height bound: h < 1.4405 log2(n + 2) - 0.3277 */
  assert_true((double)h < 1.4405 * (double)lg((uint64_t)rs->n + 2));
  size_t cap = 0, nfree = 0;
  for (const struct rs_chunk *c = rs->chunks; c; c = c->next)
    cap += c->count;
  for (const struct rs_node *f = rs->free; f; f = f->right) {
    assert_true(in_chunks(rs, f));
    nfree++;
  }
  size_t unused = rs->chunks ? (size_t)(rs->bump_end - rs->bump) : 0;
  assert_int_equal(cap, nfree + unused + rs->n);
  return h;
}

/* The host's memory beyond `base` is exactly the set's chunks. */
static void check_mem(const struct rangeset *rs, mptcp_stack *st,
                      uint64_t base) {
  uint64_t sum = 0;
  for (const struct rs_chunk *c = rs->chunks; c; c = c->next)
    sum += chunk_bytes(c->count);
  assert_int_equal(mptcp_stack_mem_used(st), base + sum);
}

/* ---- fixed cases ---- */

static void test_boundaries(void **state) {
  (void)state;
  mptcp_stack *st = new_stack();
  uint64_t base = mptcp_stack_mem_used(st);
  struct rangeset rs;
  rangeset_init(&rs);
  assert_null(rangeset_first(&rs));
  assert_null(rangeset_find(&rs, 0));
  assert_null(rangeset_find(&rs, UINT64_MAX));
  rangeset_remove_below(&rs, UINT64_MAX);           /* on an empty set */
  assert_int_equal(rangeset_add(&rs, st, 5, 5), 0); /* empty: no-op */
  assert_int_equal(rangeset_add(&rs, st, 7, 3), 0);
  assert_int_equal(rs.n, 0);

  assert_int_equal(rangeset_add(&rs, st, 10, 20), 0);
  assert_int_equal(rangeset_add(&rs, st, 30, 40), 0);
  assert_int_equal(rangeset_add(&rs, st, UINT64_MAX - 10, UINT64_MAX), 0);
  assert_int_equal(rangeset_add(&rs, st, 0, 1), 0);
  check_set(&rs);
  assert_int_equal(rs.n, 4);
  assert_int_equal(rs.bytes, 10 + 10 + 10 + 1);

  assert_int_equal(rangeset_find(&rs, 0)->end, 1);
  assert_null(rangeset_find(&rs, 1));
  assert_null(rangeset_find(&rs, 9));
  const struct range *r = rangeset_find(&rs, 10);
  assert_non_null(r);
  assert_int_equal(r->start, 10);
  assert_int_equal(r->end, 20);
  assert_ptr_equal(rangeset_find(&rs, 19), r);
  assert_null(rangeset_find(&rs, 20));
  assert_null(rangeset_find(&rs, 29));
  assert_int_equal(rangeset_find(&rs, 30)->start, 30);
  assert_int_equal(rangeset_find(&rs, 39)->start, 30);
  assert_null(rangeset_find(&rs, 40));
  assert_null(rangeset_find(&rs, UINT64_MAX - 11));
  assert_int_equal(rangeset_find(&rs, UINT64_MAX - 10)->end, UINT64_MAX);
  assert_int_equal(rangeset_find(&rs, UINT64_MAX - 1)->end, UINT64_MAX);
  assert_null(rangeset_find(&rs, UINT64_MAX));

  /* iteration order */
  const uint64_t starts[] = {0, 10, 30, UINT64_MAX - 10};
  size_t i = 0;
  for (r = rangeset_first(&rs); r; r = rangeset_next(&rs, r))
    assert_int_equal(r->start, starts[i++]);
  assert_int_equal(i, 4);

  /* adjacency merges on both sides, overlap merges, containment is a no-op */
  assert_int_equal(rangeset_add(&rs, st, 20, 30), 0);
  check_set(&rs);
  assert_int_equal(rs.n, 3);
  assert_int_equal(rangeset_find(&rs, 25)->start, 10);
  assert_int_equal(rangeset_find(&rs, 25)->end, 40);
  assert_int_equal(rangeset_add(&rs, st, 12, 38), 0);
  assert_int_equal(rs.n, 3);
  assert_int_equal(rs.bytes, 1 + 30 + 10);
  assert_int_equal(rangeset_add(&rs, st, 1, 2), 0); /* touches [0,1) */
  assert_int_equal(rangeset_find(&rs, 0)->end, 2);
  assert_int_equal(rangeset_add(&rs, st, 5, 45), 0); /* overlaps the right */
  assert_int_equal(rangeset_find(&rs, 5)->start, 5);
  assert_int_equal(rangeset_find(&rs, 5)->end, 45);
  assert_int_equal(rangeset_add(&rs, st, 3, 4), 0);
  assert_int_equal(rs.n, 4);
  assert_int_equal(rangeset_add(&rs, st, 2, 5), 0); /* joins three */
  check_set(&rs);
  assert_int_equal(rs.n, 2);
  assert_int_equal(rangeset_first(&rs)->end, 45);
  assert_int_equal(rs.bytes, 45 + 10);

  /* remove_below: at a start, inside (straddling), at an end, in a gap */
  rangeset_remove_below(&rs, 0);
  assert_int_equal(rs.bytes, 55);
  rangeset_remove_below(&rs, 20);
  check_set(&rs);
  assert_int_equal(rangeset_first(&rs)->start, 20);
  assert_int_equal(rs.bytes, 25 + 10);
  rangeset_remove_below(&rs, 45);
  check_set(&rs);
  assert_int_equal(rs.n, 1);
  assert_int_equal(rangeset_first(&rs)->start, UINT64_MAX - 10);
  rangeset_remove_below(&rs, 1000);
  assert_int_equal(rs.n, 1);
  rangeset_remove_below(&rs, UINT64_MAX - 1);
  assert_int_equal(rs.bytes, 1);
  rangeset_remove_below(&rs, UINT64_MAX);
  check_set(&rs);
  assert_int_equal(rs.n, 0);
  assert_int_equal(rs.bytes, 0);
  assert_null(rangeset_first(&rs));

  check_mem(&rs, st, base);
  rangeset_release(&rs, st);
  assert_int_equal(mptcp_stack_mem_used(st), base);
  mptcp_stack_del(st);
}

/* ---- differential testing against a bitmap ---- */

struct model {
  uint64_t base; /* absolute value of bit 0 */
  uint32_t u;    /* universe: bits [0, u) */
  uint64_t *bits;
  struct range *runs; /* maximal runs, absolute, rebuilt by model_runs */
  uint32_t nruns;
};

static void model_fill(struct model *m, uint32_t a, uint32_t b, int v) {
  for (uint32_t i = a; i < b; i++) {
    if (v)
      m->bits[i / 64] |= 1ull << (i % 64);
    else
      m->bits[i / 64] &= ~(1ull << (i % 64));
  }
}

/* The first index >= i whose bit is v, or m->u; a word at a time. */
static uint32_t next_bit(const struct model *m, uint32_t i, int v) {
  while (i < m->u) {
    uint64_t w = m->bits[i / 64];
    if (!v)
      w = ~w;
    w >>= i % 64;
    if (w)
      return i + (uint32_t)__builtin_ctzll(w) < m->u
                 ? i + (uint32_t)__builtin_ctzll(w)
                 : m->u;
    i = (i / 64 + 1) * 64;
  }
  return m->u;
}

static void model_runs(struct model *m) {
  m->nruns = 0;
  for (uint32_t i = next_bit(m, 0, 1); i < m->u; i = next_bit(m, i, 1)) {
    uint32_t j = next_bit(m, i, 0);
    m->runs[m->nruns].start = m->base + i;
    m->runs[m->nruns].end = m->base + j;
    m->nruns++;
    i = j;
  }
}

/* The model's run containing absolute x, or NULL. */
static const struct range *model_find(const struct model *m, uint64_t x) {
  uint32_t lo = 0, hi = m->nruns;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (m->runs[mid].end <= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < m->nruns && m->runs[lo].start <= x)
    return &m->runs[lo];
  return NULL;
}

static void probe(const struct rangeset *rs, const struct model *m,
                  uint64_t x) {
  const struct range *want = model_find(m, x), *got = rangeset_find(rs, x);
  if (!want) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_int_equal(got->start, want->start);
  assert_int_equal(got->end, want->end);
}

static void compare(const struct rangeset *rs, struct model *m, uint64_t *rng) {
  model_runs(m);
  assert_int_equal(rs->n, m->nruns);
  uint64_t bytes = 0;
  uint32_t i = 0;
  for (const struct range *r = rangeset_first(rs); r;
       r = rangeset_next(rs, r), i++) {
    assert_true(i < m->nruns);
    assert_int_equal(r->start, m->runs[i].start);
    assert_int_equal(r->end, m->runs[i].end);
    bytes += r->end - r->start;
  }
  assert_int_equal(i, m->nruns);
  assert_int_equal(rs->bytes, bytes);
  /* find at random points and at every edge of a few runs */
  for (int k = 0; k < 4; k++)
    probe(rs, m, m->base + rng_below(rng, m->u));
  for (int k = 0; k < 3 && m->nruns; k++) {
    const struct range *r = &m->runs[rng_below(rng, m->nruns)];
    if (r->start > 0)
      probe(rs, m, r->start - 1);
    probe(rs, m, r->start);
    probe(rs, m, r->end - 1);
    if (r->end < UINT64_MAX)
      probe(rs, m, r->end);
  }
}

/* A length: mostly segment-like, sometimes long enough to swallow many
 * ranges, rarely most of the universe; `fragment` makes the long ones rare
 * enough for the set to grow to thousands of ranges. */
static uint32_t pick_len(uint64_t *rng, uint32_t u, int fragment) {
  uint64_t p = rng_below(rng, 1000);
  if (p < (fragment ? 995u : 900u))
    return (uint32_t)(1 + rng_below(rng, 8));
  if (p < 995 || fragment)
    return (uint32_t)(1 + rng_below(rng, u / 64 + 1));
  return (uint32_t)(1 + rng_below(rng, u));
}

static void test_differential(void **state) {
  (void)state;
  mptcp_stack *st = new_stack();
  uint64_t base_mem = mptcp_stack_mem_used(st);
  struct rangeset rs;
  rangeset_init(&rs);
  const uint32_t universes[] = {64, 512, 4096, 65536};
  const uint32_t max_u = 65536;
  struct model m;
  m.bits = calloc(max_u / 64, sizeof(uint64_t));
  m.runs = calloc(max_u / 2 + 1, sizeof(struct range));
  assert_non_null(m.bits);
  assert_non_null(m.runs);
  uint64_t rng = 42;
  uint32_t max_n = 0, multi_merges = 0;
  const int rounds = 20, ops_per_round = 5000; /* 100,000 operations */
  for (int round = 0; round < rounds; round++) {
    m.u = universes[round % 4];
    /* low values, around the 32-bit boundary, and up to UINT64_MAX */
    const uint64_t bases[] = {0, (1ull << 32) - m.u / 2, UINT64_MAX - m.u};
    uint64_t nb = bases[(round / 4) % 3];
    /* empty the set (which also exercises trimming the pool) */
    rangeset_remove_below(&rs, UINT64_MAX);
    assert_int_equal(rs.n, 0);
    check_mem(&rs, st, base_mem);
    m.base = nb;
    memset(m.bits, 0, max_u / 8);
    for (int op = 0; op < ops_per_round; op++) {
      uint64_t p = rng_below(&rng, 1000);
      if (p < 980) {
        uint32_t a = (uint32_t)rng_below(&rng, m.u);
        uint32_t len = pick_len(&rng, m.u, round % 2);
        uint32_t b = a + len > m.u ? m.u : a + len;
        uint32_t before = rs.n;
        model_fill(&m, a, b, 1);
        assert_int_equal(rangeset_add(&rs, st, m.base + a, m.base + b), 0);
        if (rs.n + 1 < before)
          multi_merges++;
      } else if (p < 985) {
        uint32_t a = (uint32_t)rng_below(&rng, m.u);
        assert_int_equal(rangeset_add(&rs, st, m.base + a, m.base + a), 0);
      } else {
        /* mostly around the end of the lowest range, as reassembly does */
        const struct range *lo = rangeset_first(&rs);
        uint64_t off; /* relative, so that it cannot wrap near UINT64_MAX */
        if (lo && (p < 998 || round % 2))
          off = lo->start - m.base +
                rng_below(&rng, 2 * (lo->end - lo->start) + 2);
        else
          off = rng_below(&rng, m.u + 1);
        if (off > m.u)
          off = m.u;
        uint64_t x = m.base + off;
        model_fill(&m, 0, (uint32_t)(x - m.base), 0);
        rangeset_remove_below(&rs, x);
      }
      check_set(&rs);
      compare(&rs, &m, &rng);
      if (rs.n > max_n)
        max_n = rs.n;
    }
    check_mem(&rs, st, base_mem);
  }
  print_message("differential: %d ops, up to %u ranges, %u adds merged 3+\n",
                rounds * ops_per_round, max_n, multi_merges);
  assert_true(max_n > 1000);
  assert_true(multi_merges > 100);
  rangeset_release(&rs, st);
  assert_int_equal(mptcp_stack_mem_used(st), base_mem);
  free(m.bits);
  free(m.runs);
  mptcp_stack_del(st);
}

/* ---- memory ---- */

struct snapshot {
  uint32_t n;
  uint64_t bytes;
  struct range r[64];
};

static void take(const struct rangeset *rs, struct snapshot *sn) {
  sn->n = rs->n;
  sn->bytes = rs->bytes;
  uint32_t i = 0;
  for (const struct range *r = rangeset_first(rs); r && i < 64;
       r = rangeset_next(rs, r))
    sn->r[i++] = *r;
}

static void same(const struct rangeset *rs, const struct snapshot *sn) {
  struct snapshot now;
  take(rs, &now);
  assert_int_equal(now.n, sn->n);
  assert_int_equal(now.bytes, sn->bytes);
  assert_memory_equal(now.r, sn->r, sn->n * sizeof(struct range));
  check_set(rs);
}

static void test_nomem(void **state) {
  (void)state;
  mptcp_stack *st = new_stack();
  uint64_t base = mptcp_stack_mem_used(st);
  struct rangeset rs;
  rangeset_init(&rs);
  struct snapshot sn;

  /* no room at all: the first insertion fails and leaves nothing behind */
  assert_int_equal(mptcp_stack_set_mem_cap(st, base), MPTCP_OK);
  assert_int_equal(rangeset_add(&rs, st, 10, 20), MPTCP_ERR_NOMEM);
  assert_int_equal(rs.n, 0);
  assert_int_equal(rs.bytes, 0);
  assert_null(rangeset_first(&rs));
  assert_int_equal(mptcp_stack_mem_used(st), base);
  check_set(&rs);

  /* room for one chunk: fill it, then every new range fails */
  assert_int_equal(mptcp_stack_set_mem_cap(st, 0), MPTCP_OK);
  assert_int_equal(rangeset_add(&rs, st, 10, 20), 0);
  assert_int_equal(mptcp_stack_set_mem_cap(st, mptcp_stack_mem_used(st)),
                   MPTCP_OK);
  uint64_t x = 30;
  while (rangeset_add(&rs, st, x, x + 10) == 0)
    x += 20;
  uint32_t full = rs.n;
  assert_true(full >= 2 && full <= 64);
  take(&rs, &sn);
  assert_int_equal(rangeset_add(&rs, st, 0, 5), MPTCP_ERR_NOMEM);
  same(&rs, &sn);
  assert_int_equal(rangeset_add(&rs, st, x + 100, x + 200), MPTCP_ERR_NOMEM);
  same(&rs, &sn);
  assert_int_equal(rangeset_add(&rs, st, 22, 28), MPTCP_ERR_NOMEM);
  same(&rs, &sn);

  /* merging never needs memory */
  assert_int_equal(rangeset_add(&rs, st, 20, 25), 0); /* extends one */
  assert_int_equal(rangeset_add(&rs, st, 12, 18), 0); /* inside one */
  assert_int_equal(rs.n, full);
  assert_int_equal(rangeset_add(&rs, st, 25, 30), 0); /* fills a hole */
  assert_int_equal(rs.n, full - 1);
  check_set(&rs);
  /* the freed node is reused without allocating */
  uint64_t used = mptcp_stack_mem_used(st);
  assert_int_equal(rangeset_add(&rs, st, 0, 5), 0);
  assert_int_equal(mptcp_stack_mem_used(st), used);
  take(&rs, &sn);
  assert_int_equal(rangeset_add(&rs, st, x + 100, x + 200), MPTCP_ERR_NOMEM);
  same(&rs, &sn);
  /* swallowing several ranges at once frees them for reuse too */
  assert_int_equal(rangeset_add(&rs, st, 30, 100), 0);
  check_set(&rs);
  assert_int_equal(rangeset_add(&rs, st, x + 100, x + 200), 0);
  check_mem(&rs, st, base);

  /* with the cap lifted, growth resumes */
  assert_int_equal(mptcp_stack_set_mem_cap(st, 0), MPTCP_OK);
  for (uint32_t i = 0; i < 1000; i++)
    assert_int_equal(rangeset_add(&rs, st, 1000000 + 4 * i, 1000002 + 4 * i),
                     0);
  check_set(&rs);
  check_mem(&rs, st, base);
  rangeset_release(&rs, st);
  assert_int_equal(mptcp_stack_mem_used(st), base);
  mptcp_stack_del(st);
}

/* Memory taken by a burst of holes goes back when the set empties; a set
 * that stays small keeps one chunk and stops allocating. */
static void test_trim_on_empty(void **state) {
  (void)state;
  mptcp_stack *st = new_stack();
  uint64_t base = mptcp_stack_mem_used(st);
  struct rangeset rs;
  rangeset_init(&rs);
  for (uint64_t i = 0; i < 10000; i++)
    assert_int_equal(rangeset_add(&rs, st, 10 * i, 10 * i + 5), 0);
  uint64_t peak = mptcp_stack_mem_used(st);
  assert_true(peak - base >= 10000 * sizeof(struct rs_node));
  /* fewer chunks than a doubling series needs, plus the capped tail */
  uint32_t chunks = 0;
  for (const struct rs_chunk *c = rs.chunks; c; c = c->next)
    chunks++;
  assert_true(chunks <= 16);
  rangeset_remove_below(&rs, 50000);
  assert_int_equal(mptcp_stack_mem_used(st), peak); /* not empty yet */
  rangeset_remove_below(&rs, 100000);
  assert_int_equal(rs.n, 0);
  assert_non_null(rs.chunks);
  assert_null(rs.chunks->next);
  check_set(&rs);
  check_mem(&rs, st, base);
  uint64_t small = mptcp_stack_mem_used(st);
  assert_true(small - base < 4096);
  /* steady state: a few holes at a time, no allocation */
  for (uint64_t round = 0; round < 1000; round++) {
    uint64_t b = 1000000 + round * 100;
    for (uint64_t i = 0; i < 4; i++)
      assert_int_equal(rangeset_add(&rs, st, b + 10 * i, b + 10 * i + 5), 0);
    rangeset_remove_below(&rs, b + 100);
    assert_int_equal(mptcp_stack_mem_used(st), small);
  }
  rangeset_release(&rs, st);
  assert_int_equal(mptcp_stack_mem_used(st), base);
  mptcp_stack_del(st);
}

/* ---- cost with many holes (threat A1) ---- */

enum { HOLES = 100000, BLK = 1000 };

struct cost {
  uint64_t max, total, count;
};

static void cost_note(struct cost *c, uint64_t ops, uint64_t n) {
  uint64_t bound = OPS_C * lg(n);
  if (ops > bound)
    fail_msg("%llu ops with %llu ranges, bound %llu", (unsigned long long)ops,
             (unsigned long long)n, (unsigned long long)bound);
  if (ops > c->max)
    c->max = ops;
  c->total += ops;
  c->count++;
}

/* Inserts the every-other-block ranges i = 1..HOLES (range i is
 * [2i*BLK, (2i+1)*BLK)) in the order given by `order`; checks the cost of
 * each insertion. */
static void insert_holes(struct rangeset *rs, mptcp_stack *st,
                         const uint32_t *order, struct cost *c) {
  for (uint32_t k = 0; k < HOLES; k++) {
    uint64_t i = order[k];
    uint64_t before = rs->ops;
    assert_int_equal(rangeset_add(rs, st, 2 * i * BLK, (2 * i + 1) * BLK), 0);
    cost_note(c, rs->ops - before, rs->n);
    if (k % 20000 == 0)
      check_set(rs);
  }
  assert_int_equal(rs->n, HOLES);
  check_set(rs);
}

static void shuffle(uint32_t *v, uint32_t n, uint64_t *rng) {
  for (uint32_t i = n - 1; i > 0; i--) {
    uint32_t j = (uint32_t)rng_below(rng, (uint64_t)i + 1);
    uint32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
  }
}

static void holes_100k(const char *name, int random_order) {
  mptcp_stack *st = new_stack();
  struct rangeset rs;
  rangeset_init(&rs);
  uint64_t rng = 7;
  uint32_t *order = malloc(HOLES * sizeof(*order));
  assert_non_null(order);
  for (uint32_t k = 0; k < HOLES; k++)
    order[k] = k + 1;
  if (random_order)
    shuffle(order, HOLES, &rng);

  struct cost ins = {0, 0, 0};
  insert_holes(&rs, st, order, &ins);
  uint64_t lgn = lg(HOLES);
  double avg = (double)ins.total / (double)ins.count;
  print_message("%s: %u holes, ops per insertion avg %.2f max %llu; "
                "log2(n) = %llu, bound %d*log2(n) = %llu\n",
                name, HOLES, avg, (unsigned long long)ins.max,
                (unsigned long long)lgn, OPS_C,
                (unsigned long long)(OPS_C * lgn));
  assert_true(avg <= (double)(OPS_C * lgn));
  assert_true(ins.max <= OPS_C * lgn);

  /* one more at the low end and at the high end */
  struct cost ends = {0, 0, 0};
  uint64_t before = rs.ops;
  assert_int_equal(rangeset_add(&rs, st, 0, BLK / 2), 0);
  cost_note(&ends, rs.ops - before, rs.n);
  uint64_t top = (2ull * HOLES + 2) * BLK;
  before = rs.ops;
  assert_int_equal(rangeset_add(&rs, st, top, top + BLK), 0);
  cost_note(&ends, rs.ops - before, rs.n);
  print_message("%s: low-end and high-end insertions: max %llu ops\n", name,
                (unsigned long long)ends.max);
  check_set(&rs);

  /* fill every hole in random order: each fill merges three ranges into
   * one, so n falls by one each time */
  uint32_t nholes = HOLES + 1;
  uint32_t *fill = malloc(nholes * sizeof(*fill));
  assert_non_null(fill);
  for (uint32_t k = 0; k < nholes; k++)
    fill[k] = k;
  shuffle(fill, nholes, &rng);
  struct cost fills = {0, 0, 0};
  for (uint32_t k = 0; k < nholes; k++) {
    /* hole h lies between range h (range 0 is [0, BLK/2)) and range h+1 */
    uint64_t h = fill[k];
    uint64_t a = h ? (2 * h + 1) * BLK : BLK / 2, b = (2 * h + 2) * BLK;
    uint32_t n = rs.n;
    before = rs.ops;
    assert_int_equal(rangeset_add(&rs, st, a, b), 0);
    cost_note(&fills, rs.ops - before, n);
    assert_int_equal(rs.n, n - 1);
    if (k % 20000 == 0)
      check_set(&rs);
  }
  check_set(&rs);
  assert_int_equal(rs.n, 1);
  assert_int_equal(rs.bytes, top + BLK);
  assert_int_equal(rangeset_first(&rs)->start, 0);
  print_message("%s: filling %u holes in random order: ops per fill avg %.2f "
                "max %llu\n",
                name, nholes, (double)fills.total / (double)fills.count,
                (unsigned long long)fills.max);
  assert_true(fills.max <= OPS_C * lgn);
  rangeset_release(&rs, st);
  free(fill);
  free(order);
  mptcp_stack_del(st);
}

static void test_100k_holes_ascending(void **state) {
  (void)state;
  holes_100k("ascending", 0);
}

static void test_100k_holes_random(void **state) {
  (void)state;
  holes_100k("random order", 1);
}

/* Removing k ranges costs O(log n + k), whether by in-order delivery
 * (remove_below) or by one segment covering many holes: at most
 * OPS_C * (k + 2 log2 n), where a split and joins replace the single
 * descent of an insertion. */
static void test_bulk_removal_cost(void **state) {
  (void)state;
  mptcp_stack *st = new_stack();
  struct rangeset rs;
  rangeset_init(&rs);
  uint32_t *order = malloc(HOLES * sizeof(*order));
  assert_non_null(order);
  for (uint32_t k = 0; k < HOLES; k++)
    order[k] = k + 1;
  struct cost ins = {0, 0, 0};
  insert_holes(&rs, st, order, &ins);
  uint64_t lgn = lg(HOLES);

  /* delivery: the lowest range is consumed, one at a time */
  uint64_t worst = 0;
  for (uint64_t i = 1; i <= 1000; i++) {
    uint64_t before = rs.ops;
    rangeset_remove_below(&rs, (2 * i + 1) * BLK);
    uint64_t ops = rs.ops - before;
    worst = ops > worst ? ops : worst;
    assert_int_equal(rs.n, HOLES - i);
  }
  print_message("remove_below of the lowest range: max %llu ops\n",
                (unsigned long long)worst);
  assert_true(worst <= OPS_C * lgn);
  check_set(&rs);

  /* delivery that consumes 10,000 ranges and cuts into the next one */
  uint64_t before = rs.ops;
  rangeset_remove_below(&rs, (2 * 11001 + 1) * BLK - BLK / 2);
  uint64_t ops = rs.ops - before;
  assert_int_equal(rs.n, HOLES - 11000);
  assert_int_equal(rangeset_first(&rs)->start, (2 * 11001 + 1) * BLK - BLK / 2);
  print_message("remove_below of 10000 ranges: %llu ops\n",
                (unsigned long long)ops);
  assert_true(ops <= OPS_C * (10000 + 2 * lgn));
  check_set(&rs);

  /* segments covering k ranges in the middle, for growing k */
  for (uint64_t k = 2; k <= 4096; k *= 2) {
    uint64_t i = 20000 + k * 7; /* disjoint windows for each k */
    uint32_t n = rs.n;
    before = rs.ops;
    /* from inside range i to inside range i + k - 1 */
    assert_int_equal(
        rangeset_add(&rs, st, 2 * i * BLK + 1, (2 * (i + k - 1)) * BLK + 1), 0);
    ops = rs.ops - before;
    assert_int_equal(rs.n, n - (k - 1));
    if (ops > OPS_C * (k + 2 * lgn))
      fail_msg("merging %llu ranges: %llu ops", (unsigned long long)k,
               (unsigned long long)ops);
    check_set(&rs);
  }

  /* one segment covering everything */
  uint32_t n = rs.n;
  before = rs.ops;
  assert_int_equal(rangeset_add(&rs, st, 0, UINT64_MAX), 0);
  ops = rs.ops - before;
  print_message("one add swallowing %u ranges: %llu ops\n", n,
                (unsigned long long)ops);
  assert_true(ops <= OPS_C * ((uint64_t)n + 2 * lgn));
  assert_int_equal(rs.n, 1);
  assert_int_equal(rs.bytes, UINT64_MAX);
  check_set(&rs);
  rangeset_release(&rs, st);
  free(order);
  mptcp_stack_del(st);
}

/* ---- timing (printed, not asserted) ---- */

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void bench(uint32_t holes, int random_order) {
  mptcp_stack *st = new_stack();
  struct rangeset rs;
  rangeset_init(&rs);
  uint64_t rng = 11;
  uint32_t *order = malloc(holes * sizeof(*order));
  assert_non_null(order);
  for (uint32_t k = 0; k < holes; k++)
    order[k] = k;
  if (random_order)
    shuffle(order, holes, &rng);
  double t0 = now_ns();
  for (uint32_t k = 0; k < holes; k++) {
    uint64_t i = order[k];
    rangeset_add(&rs, st, 2 * i * 1448, (2 * i + 1) * 1448);
  }
  double t1 = now_ns();
  assert_int_equal(rs.n, holes);
  print_message("bench: %7u holes, %s: %.1f ns per insertion\n", holes,
                random_order ? "random order" : "ascending   ",
                (t1 - t0) / holes);
  rangeset_release(&rs, st);
  free(order);
  mptcp_stack_del(st);
}

static void test_bench(void **state) {
  (void)state;
  bench(100000, 0);
  bench(100000, 1);
  bench(1000000, 0);
  bench(1000000, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_boundaries),
      cmocka_unit_test(test_differential),
      cmocka_unit_test(test_nomem),
      cmocka_unit_test(test_trim_on_empty),
      cmocka_unit_test(test_100k_holes_ascending),
      cmocka_unit_test(test_100k_holes_random),
      cmocka_unit_test(test_bulk_removal_cost),
      cmocka_unit_test(test_bench),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
