/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness: the received-range set (rangeset.c), which holds the
 * out-of-order data of every subflow and connection, against a plain
 * bitmap model.
 *
 * The input is a list of 4-byte operations over a small window of offsets
 * (near a 64-bit base, so that sums near the top of the range are
 * exercised): add [start, start + len), remove everything below x, and
 * the queries find, ceil and is_new. After each operation the set must
 * equal the model (same bytes, ranges sorted, disjoint and not touching,
 * n and bytes right) and the tree must be an AVL tree (parent links,
 * heights, balance). At the end the set is released and the stack's
 * memory is back to its baseline.
 *
 * Properties: no crash, no undefined behaviour, no leak, and the above.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "rangeset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPAN 1024u /* offsets modelled: [BASE, BASE + SPAN) */

static uint64_t base_of(uint8_t b) {
  /* low offsets, or offsets next to the top of the 64-bit space */
  return (b & 1) ? UINT64_MAX - 2 * SPAN : 1000;
}

static void rand_fill(uint8_t *d, size_t n, void *ud) {
  (void)ud;
  memset(d, 0x42, n);
}

static int32_t check_tree(const struct rs_node *x, const struct rs_node *parent) {
  if (!x)
    return 0;
  if (x->parent != parent)
    abort();
  int32_t hl = check_tree(x->left, x), hr = check_tree(x->right, x);
  if (hl - hr > 1 || hr - hl > 1)
    abort();
  int32_t h = (hl > hr ? hl : hr) + 1;
  if (x->height != h)
    abort();
  return h;
}

static void check(const struct rangeset *rs, const uint8_t *model, uint64_t base) {
  check_tree(rs->root, NULL);
  uint8_t seen[SPAN];
  memset(seen, 0, sizeof(seen));
  uint32_t n = 0;
  uint64_t bytes = 0, prev_end = 0;
  for (const struct range *r = rangeset_first(rs); r; r = rangeset_next(rs, r)) {
    if (r->start < base || r->end > base + SPAN || r->start >= r->end)
      abort();
    if (n && r->start <= prev_end) /* overlapping or touching: not merged */
      abort();
    for (uint64_t x = r->start; x < r->end; x++)
      seen[x - base] = 1;
    prev_end = r->end;
    bytes += r->end - r->start;
    n++;
  }
  if (n != rs->n || bytes != rs->bytes || memcmp(seen, model, SPAN) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  mptcp_stack *st = NULL;
  if (mptcp_stack_new(&st, &cfg, NULL, rand_fill, NULL, NULL) != MPTCP_OK)
    abort();
  uint64_t mem0 = mptcp_stack_mem_used(st);
  uint64_t base = base_of(data[0]);
  uint8_t model[SPAN];
  memset(model, 0, sizeof(model));
  struct rangeset rs;
  rangeset_init(&rs);
  for (size_t i = 1; i + 4 <= size; i += 4) {
    uint8_t op = data[i] % 5;
    uint32_t a = ((uint32_t)data[i + 1] << 8 | data[i + 2]) % SPAN;
    uint32_t len = data[i + 3];
    uint64_t x = base + a;
    switch (op) {
    case 0: /* add */
    case 1: {
      uint32_t end = a + len > SPAN ? SPAN : a + len;
      int fresh = rangeset_is_new(&rs, x, base + end);
      uint32_t n0 = rs.n;
      if (rangeset_add(&rs, st, x, base + end) != 0)
        abort(); /* no cap set: an add never fails */
      for (uint32_t k = a; k < end; k++)
        model[k] = 1;
      if (end > a && fresh != (rs.n == n0 + 1))
        abort();
      break;
    }
    case 2: /* remove below */
      rangeset_remove_below(&rs, x);
      memset(model, 0, a);
      break;
    case 3: { /* find */
      const struct range *r = rangeset_find(&rs, x);
      if ((r != NULL) != (model[a] != 0) || (r && (r->start > x || r->end <= x)))
        abort();
      break;
    }
    default: { /* ceil: the lowest range ending above x */
      const struct range *r = rangeset_ceil(&rs, x);
      uint32_t k = a;
      while (k < SPAN && !model[k])
        k++;
      if (k == SPAN) {
        if (r)
          abort();
      } else if (!r || r->end <= x || (r->start > x && r->start != base + k)) {
        abort();
      }
      break;
    }
    }
    check(&rs, model, base);
  }
  rangeset_release(&rs, st);
  if (mptcp_stack_mem_used(st) != mem0)
    abort();
  mptcp_stack_del(st);
  return 0;
}
