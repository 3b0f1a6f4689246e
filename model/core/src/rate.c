/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Data rates as text, with ns-3's meaning of each unit (ns-3's DataRate:
 * "b" bits, "B" bytes of 8 bits; "k"/"K" 1000, "Ki" 1024, "M" 10^6,
 * "Mi" 2^20, "G" 10^9, "Gi" 2^30). The loopback tool and the ns-3 helpers
 * both parse rates here, so one string means one rate in every tool.
 */
#include "mptcp/mptcp.h"

#include <stdlib.h>
#include <string.h>

/* The unit strings ns-3 3.37's DataRate accepts after the number, each
 * with the factor it multiplies the number by. */
static const struct rate_unit {
  const char *name;
  double factor;
} rate_units[] = {
    {"bps", 1.0},
    {"b/s", 1.0},
    {"Bps", 8.0},
    {"B/s", 8.0},
    {"kbps", 1e3},
    {"kb/s", 1e3},
    {"Kbps", 1e3},
    {"Kb/s", 1e3},
    {"kBps", 8e3},
    {"kB/s", 8e3},
    {"KBps", 8e3},
    {"KB/s", 8e3},
    {"Kib/s", 1024.0},
    {"KiB/s", 8192.0},
    {"Mbps", 1e6},
    {"Mb/s", 1e6},
    {"MBps", 8e6},
    {"MB/s", 8e6},
    {"Mib/s", 1048576.0},
    {"MiB/s", 8388608.0},
    {"Gbps", 1e9},
    {"Gb/s", 1e9},
    {"GBps", 8e9},
    {"GB/s", 8e9},
    {"Gib/s", 1073741824.0},
    {"GiB/s", 8589934592.0},
};

/* Longest number accepted: far more digits than a double holds, short
 * enough that the conversion can neither overflow nor need errno. */
#define RATE_MAX_DIGITS 40

int mptcp_rate_parse(const char *text, uint64_t *bps) {
  if (!text || !bps)
    return MPTCP_ERR_INVALID_ARGUMENT;
  /* The number: digits with at most one decimal point and at least one
   * digit (ns-3 takes the longest run of digits and points, then reads
   * a double from it; an empty or doubly dotted run is not a number). */
  size_t n = 0, digits = 0, points = 0;
  for (; text[n] == '.' || (text[n] >= '0' && text[n] <= '9'); n++) {
    if (text[n] == '.')
      points++;
    else
      digits++;
  }
  if (digits == 0 || points > 1 || n > RATE_MAX_DIGITS)
    return MPTCP_ERR_PARSE;
  char num[RATE_MAX_DIGITS + 1];
  memcpy(num, text, n);
  num[n] = '\0';
  const char *unit = text + n;
  double v;
  if (*unit == '\0') {
    /* A bare number is bits per second, and ns-3 reads it as an integer
     * (it would silently drop a fraction): only an integer here. */
    if (points)
      return MPTCP_ERR_PARSE;
    v = strtod(num, NULL);
  } else {
    const struct rate_unit *u = NULL;
    for (size_t i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
      if (strcmp(unit, rate_units[i].name) == 0) {
        u = &rate_units[i];
        break;
      }
    if (!u)
      return MPTCP_ERR_PARSE;
    /* ns-3 multiplies the double by the unit's factor and truncates.
     * Every factor is a power of two times 1, 1000, 10^6 or 10^9, so
     * this single product rounds exactly as ns-3's chain of products. */
    v = strtod(num, NULL) * u->factor;
  }
  if (!(v >= 1.0) || v > (double)MPTCP_RATE_MAX_BPS)
    return MPTCP_ERR_PARSE;
  *bps = (uint64_t)v;
  return MPTCP_OK;
}
