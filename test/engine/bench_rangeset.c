/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_rangeset.c - reassembly work per segment with many holes (threat
 * A1, doc/security.md): prints, for n = 10^2 .. 10^5 holes in the
 * out-of-order ranges, the work (counted operations, `ops` in rangeset.h)
 * of one segment that opens a new range above the others, and of one that
 * fills a random hole (merging two ranges), mean and worst over 1000
 * segments each (fills: at most n/2), with the worst divided by log2(n). The figures are
 * counts, not times: the same on every machine. Exits 1 if the worst
 * exceeds 4 * log2(n) (the bound test_rangeset.c states), else 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "rangeset.h"

#define SEG 1000 /* bytes per segment and per hole */
#define M 1000   /* segments measured per kind */

static void zero_rand(uint8_t *d, size_t n, void *ud) {
  (void)ud;
  memset(d, 0x3c, n);
}

static uint64_t rng_next(uint64_t *st) { /* splitmix64 */
  uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static unsigned lg(uint64_t n) {
  unsigned b = 1;
  while (b < 64 && (1ull << b) < n)
    b++;
  return b;
}

int main(void) {
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  mptcp_stack *st = NULL;
  if (mptcp_stack_new(&st, &cfg, NULL, zero_rand, NULL, NULL) < 0)
    return 1;
  int bad = 0;
  printf("%8s %12s %12s %12s %12s %14s\n", "holes", "new_mean", "new_max", "fill_mean",
         "fill_max", "max/log2(n)");
  for (uint64_t n = 100; n <= 100000; n *= 10) {
    struct rangeset rs;
    rangeset_init(&rs);
    /* n ranges with a hole of SEG bytes after each */
    for (uint64_t i = 0; i < n; i++)
      if (rangeset_add(&rs, st, 2 * i * SEG, (2 * i + 1) * SEG) < 0)
        return 1;
    uint64_t top = 2 * n * SEG;
    uint64_t new_sum = 0, new_max = 0, fill_sum = 0, fill_max = 0;
    uint64_t seed = n;
    for (int k = 0; k < M; k++) { /* each opens a range above, leaving a hole */
      uint64_t o = rs.ops;
      rangeset_add(&rs, st, top + SEG, top + 2 * SEG);
      top += 2 * SEG;
      uint64_t w = rs.ops - o;
      new_sum += w;
      new_max = w > new_max ? w : new_max;
    }
    uint64_t fills = n / 2 < M ? n / 2 : M; /* at most half the holes */
    for (uint64_t k = 0; k < fills; k++) { /* each fills a random hole still open */
      uint64_t i;
      do
        i = rng_next(&seed) % (n - 1);
      while (rangeset_find(&rs, (2 * i + 1) * SEG));
      uint64_t o = rs.ops;
      rangeset_add(&rs, st, (2 * i + 1) * SEG, (2 * i + 2) * SEG);
      uint64_t w = rs.ops - o;
      fill_sum += w;
      fill_max = w > fill_max ? w : fill_max;
    }
    uint64_t worst = new_max > fill_max ? new_max : fill_max;
    double per = (double)worst / lg(rs.n);
    printf("%8" PRIu64 " %12.1f %12" PRIu64 " %12.1f %12" PRIu64 " %14.2f\n", n,
           (double)new_sum / M, new_max, (double)fill_sum / (double)fills, fill_max, per);
    if (per > 4.0)
      bad = 1;
    rangeset_release(&rs, st);
  }
  mptcp_stack_del(st);
  return bad;
}
