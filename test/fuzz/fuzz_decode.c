/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness for the TCP header and option decoder.
 *
 * Properties checked on every input:
 *  - decoding never crashes or reads out of bounds (ASan, UBSan);
 *  - it returns a header length within [20, min(len, 60)] or a known
 *    negative error code;
 *  - when the decoded header can be re-encoded, the encoding is canonical:
 *    decoding it and encoding again gives the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mptcp_tcphdr h, h2;
  uint8_t a[MPTCP_TCP_HDR_MAX], b[MPTCP_TCP_HDR_MAX];

  int hl = mptcp_tcphdr_decode(&h, data, size);
  if (hl < 0) {
    if (!strcmp(mptcp_strerror_name(hl), "MPTCP_ERR_UNKNOWN"))
      abort(); /* every error the decoder returns must be a documented one */
    return 0;
  }
  if (hl < MPTCP_TCP_HDR_MIN || hl > MPTCP_TCP_HDR_MAX || (size_t)hl > size)
    abort();

  int n1 = mptcp_tcphdr_encode(a, sizeof(a), &h);
  if (n1 == MPTCP_ERR_OPT_SPACE)
    return 0; /* tightly packed input that the canonical layout cannot fit */
  if (n1 < 0 || n1 != mptcp_tcphdr_len(&h))
    abort();
  if (mptcp_tcphdr_decode(&h2, a, (size_t)n1) != n1)
    abort();
  int n2 = mptcp_tcphdr_encode(b, sizeof(b), &h2);
  if (n2 != n1 || memcmp(a, b, (size_t)n1) != 0)
    abort();
  return 0;
}
