/* SPDX-License-Identifier: GPL-2.0-only */
#include "rangeset.h"

#include <string.h>

#include "internal.h"

void rangeset_init(struct rangeset *rs) { memset(rs, 0, sizeof(*rs)); }

void rangeset_release(struct rangeset *rs, struct mptcp_stack *s) {
  if (rs->v)
    stack_free(s, rs->v, rs->cap * sizeof(struct range));
  rangeset_init(rs);
}

/* Index of the first range whose end >= x. */
static uint32_t lower(const struct rangeset *rs, uint64_t x) {
  uint32_t lo = 0, hi = rs->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (rs->v[mid].end < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int rangeset_add(struct rangeset *rs, struct mptcp_stack *s, uint64_t start,
                 uint64_t end) {
  if (start >= end)
    return 0;
  uint32_t i = lower(rs, start); /* first range that touches or follows */
  uint32_t j = i;                /* ranges [i, j) merge with the new one */
  while (j < rs->n && rs->v[j].start <= end)
    j++;
  if (i == j) { /* no overlap: insert at i */
    if (rs->n == rs->cap) {
      uint32_t ncap = rs->cap ? rs->cap * 2 : 8;
      struct range *nv = stack_alloc(s, ncap * sizeof(struct range));
      if (!nv)
        return MPTCP_ERR_NOMEM;
      if (rs->v) {
        memcpy(nv, rs->v, rs->n * sizeof(struct range));
        stack_free(s, rs->v, rs->cap * sizeof(struct range));
      }
      rs->v = nv;
      rs->cap = ncap;
    }
    memmove(&rs->v[i + 1], &rs->v[i], (rs->n - i) * sizeof(struct range));
    rs->v[i].start = start;
    rs->v[i].end = end;
    rs->n++;
    rs->bytes += end - start;
    return 0;
  }
  uint64_t ns = rs->v[i].start < start ? rs->v[i].start : start;
  uint64_t ne = rs->v[j - 1].end > end ? rs->v[j - 1].end : end;
  for (uint32_t k = i; k < j; k++)
    rs->bytes -= rs->v[k].end - rs->v[k].start;
  rs->v[i].start = ns;
  rs->v[i].end = ne;
  rs->bytes += ne - ns;
  memmove(&rs->v[i + 1], &rs->v[j], (rs->n - j) * sizeof(struct range));
  rs->n -= j - i - 1;
  return 0;
}

const struct range *rangeset_find(const struct rangeset *rs, uint64_t x) {
  uint32_t i = lower(rs, x + 1); /* first range with end > x */
  if (i < rs->n && rs->v[i].start <= x)
    return &rs->v[i];
  return NULL;
}

void rangeset_remove_below(struct rangeset *rs, uint64_t x) {
  uint32_t i = 0;
  while (i < rs->n && rs->v[i].end <= x) {
    rs->bytes -= rs->v[i].end - rs->v[i].start;
    i++;
  }
  if (i) {
    memmove(&rs->v[0], &rs->v[i], (rs->n - i) * sizeof(struct range));
    rs->n -= i;
  }
  if (rs->n && rs->v[0].start < x) {
    rs->bytes -= x - rs->v[0].start;
    rs->v[0].start = x;
  }
}
