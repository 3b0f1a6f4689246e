/* SPDX-License-Identifier: GPL-2.0-only */
/* Error names and hexadecimal parsing, shared by tools and bindings. */
#include <stddef.h>

#include "mptcp/mptcp.h"

struct err_entry {
  int code;
  const char *name;
  const char *text;
};

#define E(code, text) {code, #code, text}
static const struct err_entry errors[] = {
    E(MPTCP_OK, "success"),
    E(MPTCP_ERR_INVALID_ARGUMENT, "invalid argument"),
    E(MPTCP_ERR_NOBUF, "output buffer too small"),
    E(MPTCP_ERR_OPT_SPACE, "options need more than 40 bytes"),
    E(MPTCP_ERR_HDR_TRUNCATED, "TCP header shorter than 20 bytes"),
    E(MPTCP_ERR_HDR_DOFF, "TCP data offset below 5 or beyond the segment"),
    E(MPTCP_ERR_OPT_TRUNCATED, "TCP option runs past the option area"),
    E(MPTCP_ERR_OPT_LEN, "TCP option length below 2"),
    E(MPTCP_ERR_OPT_DUPLICATE, "TCP option or MPTCP subtype appears twice"),
    E(MPTCP_ERR_MSS_LEN, "MSS option length is not 4"),
    E(MPTCP_ERR_WSCALE_LEN, "window scale option length is not 3"),
    E(MPTCP_ERR_SACKPERM_LEN, "SACK-permitted option length is not 2"),
    E(MPTCP_ERR_SACK_LEN, "SACK option length is not 2 + 8n (n = 1..4)"),
    E(MPTCP_ERR_TS_LEN, "timestamps option length is not 10"),
    E(MPTCP_ERR_MPTCP_LEN, "MPTCP option shorter than 3 bytes"),
    E(MPTCP_ERR_MP_CAPABLE_LEN, "MP_CAPABLE length not 4, 12, 20, 22 or 24"),
    E(MPTCP_ERR_MP_JOIN_LEN, "MP_JOIN length not 12, 16 or 24"),
    E(MPTCP_ERR_DSS_LEN, "DSS length does not match its flags"),
    E(MPTCP_ERR_DSS_FLAGS, "DSS DATA_FIN without a mapping"),
    E(MPTCP_ERR_ADD_ADDR_LEN, "ADD_ADDR length not valid for any form"),
    E(MPTCP_ERR_REMOVE_ADDR_LEN, "REMOVE_ADDR carries no address id"),
    E(MPTCP_ERR_MP_PRIO_LEN, "MP_PRIO length is not 3"),
    E(MPTCP_ERR_MP_FAIL_LEN, "MP_FAIL length is not 12"),
    E(MPTCP_ERR_MP_FASTCLOSE_LEN, "MP_FASTCLOSE length is not 12"),
    E(MPTCP_ERR_MP_TCPRST_LEN, "MP_TCPRST length is not 4"),
    E(MPTCP_ERR_PARSE, "could not parse the text argument"),
    E(MPTCP_ERR_NOMEM, "out of memory (allocation hook failed or memory cap reached)"),
    E(MPTCP_ERR_ADDR_IN_USE, "address or port already in use"),
    E(MPTCP_ERR_STATE, "connection not in a state that allows the call"),
    E(MPTCP_ERR_UNKNOWN_ALGO, "unknown algorithm name in the configuration"),
    E(MPTCP_ERR_UNKNOWN_CC, "no congestion control of that name is registered"),
    E(MPTCP_ERR_UNKNOWN_SCHED, "no scheduler of that name is registered"),
    E(MPTCP_ERR_UNKNOWN_PM, "no path manager of that name is registered"),
    E(MPTCP_ERR_UNKNOWN_ATTACK, "no attack of that name is registered"),
    E(MPTCP_ERR_CONFIG, "configuration value out of range"),
};
#undef E

static const struct err_entry *find_err(int err) {
  for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
    if (errors[i].code == err)
      return &errors[i];
  return NULL;
}

const char *mptcp_strerror(int err) {
  const struct err_entry *e = find_err(err);
  return e ? e->text : "unknown error";
}

const char *mptcp_strerror_name(int err) {
  const struct err_entry *e = find_err(err);
  return e ? e->name : "MPTCP_ERR_UNKNOWN";
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static const char *skip_0x(const char *t) {
  if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
    return t + 2;
  return t;
}

int mptcp_hex_decode(uint8_t *out, size_t out_len, const char *text) {
  if (!out || !text)
    return MPTCP_ERR_PARSE;
  const char *t = skip_0x(text);
  for (size_t i = 0; i < out_len; i++) {
    int hi, lo;
    if (!t[0] || (hi = hexval(t[0])) < 0 || !t[1] || (lo = hexval(t[1])) < 0)
      return MPTCP_ERR_PARSE;
    out[i] = (uint8_t)(hi << 4 | lo);
    t += 2;
  }
  return *t ? MPTCP_ERR_PARSE : MPTCP_OK;
}

int mptcp_hex_decode_any(uint8_t *out, size_t cap, const char *text) {
  if (!out || !text)
    return MPTCP_ERR_PARSE;
  const char *t = skip_0x(text);
  size_t n = 0;
  while (*t) {
    if (*t == ' ' || *t == ':' || *t == '\t' || *t == '\n') {
      t++;
      continue;
    }
    int hi = hexval(t[0]);
    int lo = hi < 0 || !t[1] ? -1 : hexval(t[1]);
    if (lo < 0)
      return MPTCP_ERR_PARSE;
    if (n == cap)
      return MPTCP_ERR_NOBUF;
    out[n++] = (uint8_t)(hi << 4 | lo);
    t += 2;
  }
  return (int)n;
}
