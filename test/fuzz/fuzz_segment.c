/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness: arbitrary segments fed to a live connection.
 *
 * Each run sets up two stacks (client A, server B), completes a handshake
 * and a little data, then interprets the input as a list of segment
 * recipes addressed to either side. A recipe's sequence and ACK numbers are
 * offsets from what the target last told its peer (so the fuzzer reaches
 * in-window and edge cases, not only random 32-bit values), its flags,
 * window, options and payload length come from the input, and every few
 * recipes time advances and timers run. TCP checksums are off so that
 * forged segments reach the state machine.
 *
 * The connection is MPTCP. The harness learns both keys from the
 * handshake, so that a recipe whose option-length byte is 246..255 builds
 * a well-formed MPTCP option instead of taking raw bytes: an MP_JOIN SYN
 * with the live connection's token, a DSS mapping near the receiver's
 * data sequence, ADD_ADDR with a right or wrong HMAC (and echoes),
 * REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE with a right or wrong key,
 * MP_TCPRST on a reset, a DATA_FIN. These get past the checks that random
 * bytes never pass, into joins, mappings and the signal handling.
 *
 * Properties: no crash, no undefined behaviour, no leak (ASan/UBSan/LSan);
 * the memory each stack holds stays under the cap given to it; after both
 * connections are freed, each stack is back to its baseline memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"
#include "fuzz_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A well-formed MPTCP option of kind k (0..9) "from" side !to to side
 * `to`, its fields derived from the recipe's numbers. */
static void mptcp_recipe(struct side *s, int to, int k, mptcp_tcphdr *h, uint16_t win,
                         int16_t dseq, int16_t dack, uint8_t plen) {
  uint64_t sender = s[!to].key, receiver = s[to].key;
  uint32_t tok = 0;
  uint64_t idsn_rx = 0, idsn_tx = 0;
  mptcp_key_token_idsn(receiver, &tok, &idsn_tx);
  mptcp_key_token_idsn(sender, NULL, &idsn_rx);
  switch (k) {
  case 0: /* a join to the live connection, from a new port */
    h->flags = MPTCP_TH_SYN;
    h->sport = (uint16_t)(41000 + win % 16);
    h->opts |= MPTCP_OPT_MP_JOIN;
    h->join.len = MPTCP_JOIN_LEN_SYN;
    h->join.token = (win & 0x100) ? tok ^ 1u : tok;
    h->join.nonce = (uint32_t)dseq << 16 | (uint16_t)dack;
    h->join.addr_id = (uint8_t)win;
    h->join.backup = (uint8_t)(win >> 15);
    break;
  case 1: /* a mapping near the receiver's data sequence */
  case 8: /* ... with DATA_FIN */
    h->opts |= MPTCP_OPT_DSS;
    h->dss.flags = MPTCP_DSS_MAP | MPTCP_DSS_DSN8 | MPTCP_DSS_ACK;
    if (k == 8)
      h->dss.flags |= MPTCP_DSS_DATA_FIN;
    h->dss.dsn = idsn_rx + 1 + 3000 + (uint64_t)(int64_t)dack * 16;
    h->dss.data_ack = idsn_tx + 1 + (uint64_t)(win & 0xfff);
    h->dss.ssn = (uint32_t)(3001 + dseq);
    h->dss.dll = (uint16_t)(plen + (k == 8));
    break;
  case 2: /* ADD_ADDR, HMAC right or wrong */
  case 9: /* ADD_ADDR echo */
    h->opts |= MPTCP_OPT_ADD_ADDR;
    h->add_addr.echo = k == 9;
    h->add_addr.addr_id = (uint8_t)(win >> 8);
    h->add_addr.family = 4;
    h->add_addr.addr[0] = 10;
    h->add_addr.addr[2] = (uint8_t)win;
    h->add_addr.addr[3] = (uint8_t)dack;
    h->add_addr.has_port = (dseq & 1) != 0;
    h->add_addr.port = h->add_addr.has_port ? (uint16_t)dseq : 0;
    h->add_addr.thmac = mptcp_add_addr_hmac(sender, receiver, h->add_addr.addr_id, 4,
                                            h->add_addr.addr, h->add_addr.port) ^
                        (uint64_t)(win & 0x8000);
    break;
  case 3:
    h->opts |= MPTCP_OPT_REMOVE_ADDR;
    h->rm_addr.n = (uint8_t)(1 + win % 3);
    for (int j = 0; j < h->rm_addr.n; j++)
      h->rm_addr.ids[j] = (uint8_t)(win >> (4 * j));
    break;
  case 4:
    h->opts |= MPTCP_OPT_MP_PRIO;
    h->prio.backup = (uint8_t)(win & 1);
    break;
  case 5:
    h->opts |= MPTCP_OPT_MP_FAIL;
    h->fail.dsn = idsn_rx + 1 + (uint64_t)(uint16_t)dack;
    break;
  case 6:
    h->opts |= MPTCP_OPT_MP_FASTCLOSE;
    h->fastclose.key = (win & 1) ? receiver : receiver ^ win;
    break;
  default: /* 7 */
    h->flags |= MPTCP_TH_RST;
    h->opts |= MPTCP_OPT_MP_TCPRST;
    h->tcprst.reason = (uint8_t)(win & 7);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct side s[2];
  uint64_t now = pair_open(s, size ? data[0] : 0);
  static uint8_t junk[4000];
  size_t i = size ? 1 : 0;
  uint8_t seg[MPTCP_TCP_HDR_MAX + 600];
  while (i + 10 <= size) {
    const uint8_t *r = data + i;
    int to = r[0] & 1;           /* target side */
    uint8_t flags = r[1];
    int16_t dseq = (int16_t)(r[2] << 8 | r[3]);
    int16_t dack = (int16_t)(r[4] << 8 | r[5]);
    uint16_t win = (uint16_t)(r[6] << 8 | r[7]);
    uint8_t plen = r[8];
    int structured = r[9] >= 246 ? r[9] - 246 : -1;
    uint8_t olen = structured >= 0 ? 0 : r[9] % 41;
    i += 10;
    if (i + olen > size)
      break;
    /* a forged segment "from" the other side: its seq continues what the
     * target acknowledged, its ack what the target sent */
    mptcp_tcphdr h;
    memset(&h, 0, sizeof(h));
    h.sport = s[!to].port ? s[!to].port : (to ? 40000 : 80);
    h.dport = s[to].port ? s[to].port : (to ? 80 : 40000);
    h.seq = s[to].last_ack + (uint32_t)(int32_t)dseq;
    h.ack = s[to].last_seq + (uint32_t)(int32_t)dack;
    h.flags = flags;
    h.window = win;
    if (structured >= 0)
      mptcp_recipe(s, to, structured, &h, win, dseq, dack, plen);
    int n = mptcp_tcphdr_encode(seg, sizeof(seg), &h);
    if (n < 0 && structured >= 0) { /* no room next to the flags' options */
      h.opts = 0;
      n = mptcp_tcphdr_encode(seg, sizeof(seg), &h);
    }
    if (n < 0)
      abort();
    /* raw option bytes from the input, padded to a word, after the header */
    size_t opad = (olen + 3u) & ~3u;
    memset(seg + n, 0, opad);
    memcpy(seg + n, data + i, olen);
    i += olen;
    seg[12] = (uint8_t)(((size_t)(n + (int)opad) / 4) << 4);
    size_t total = (size_t)n + opad + plen;
    memset(seg + n + opad, 0xab, plen);
    mptcp_stack_read(s[to].st, &s[!to].addr, &s[to].addr, seg, total, 0, now);
    check_mem(s);
    if (r[0] & 2) {
      now += (uint64_t)(r[0] >> 2) * 7 * MPTCP_MS;
      for (int k = 0; k < 2; k++)
        mptcp_stack_handle_expiry(s[k].st, now);
    }
    if (r[0] & 0x80) { /* the applications act */
      uint8_t rb[2048];
      for (int k = 0; k < 2; k++)
        if (s[k].conn) {
          mptcp_conn_recv(s[k].conn, rb, sizeof(rb), now);
          mptcp_conn_send(s[k].conn, junk, 700, now);
        }
    }
    exchange(s, now, 2);
    check_mem(s);
  }
  pair_close(s, now);
  return 0;
}
