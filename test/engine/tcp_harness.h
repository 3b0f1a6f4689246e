/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny deterministic two-host driver for engine unit tests: one path,
 * fixed one-way delay, no rate limit, and a hook that may drop, hold or
 * rewrite each segment. Tests also inject hand-built segments directly.
 * (The full loopback network with links and queues is utils/loopback.)
 */
#ifndef MPTCP_TCP_HARNESS_H
#define MPTCP_TCP_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mptcp/mptcp.h"

#define H_MAXPKT 4096
#define H_QCAP 65536

struct h_pkt {
  uint64_t at;
  uint64_t id; /* FIFO among equal arrival times */
  int to; /* 0 = host A, 1 = host B */
  mptcp_addr src, dst;
  size_t len, vlen;
  uint8_t data[MPTCP_TCP_HDR_MAX + 2048];
};

struct harness;
/* Return 0 to deliver, 1 to drop. May modify the packet. */
typedef int (*h_filter)(struct harness *h, struct h_pkt *p, int from);

struct harness {
  mptcp_stack *st[2];
  mptcp_addr addr[2];
  uint64_t now, delay;
  struct h_pkt *q; /* unsorted; small counts */
  size_t nq;
  h_filter filter;
  void *filter_ud;
  uint64_t rng;
  uint64_t next_id;
  uint64_t sent[2];
  /* records of everything sent (headers only) for assertions */
  mptcp_tcphdr *log;
  int *log_from;
  uint64_t *log_at;   /* time each segment was written */
  size_t *log_plen;   /* its payload length */
  size_t nlog, caplog;
  /* application side */
  mptcp_conn *client, *server;
  int connected, accepted, closed[2], close_reason[2];
};

static void h_rand(uint8_t *d, size_t n, void *ud) {
  struct harness *h = ud;
  for (size_t i = 0; i < n; i++) {
    h->rng = h->rng * 6364136223846793005ull + 1442695040888963407ull;
    d[i] = (uint8_t)(h->rng >> 56);
  }
}

static void h_accepted(mptcp_conn *c, void *ud) {
  struct harness *h = ud;
  h->server = c;
  h->accepted++;
  mptcp_conn_set_user_data(c, h);
}
static void h_connected(mptcp_conn *c, void *ud) {
  (void)c;
  ((struct harness *)ud)->connected++;
}
static void h_closed(mptcp_conn *c, int reason, void *ud) {
  struct harness *h = ud;
  int i = c == h->client ? 0 : 1;
  h->closed[i]++;
  h->close_reason[i] = reason;
}

/* Host A runs cfg_a, host B (the listener on port 5001) cfg_b. */
static inline void h_init2(struct harness *h, const mptcp_config *cfg_a,
                           const mptcp_config *cfg_b, uint64_t delay) {
  memset(h, 0, sizeof(*h));
  h->rng = 42;
  h->delay = delay;
  h->q = calloc(H_QCAP, sizeof(struct h_pkt));
  mptcp_callbacks cb = {h_accepted, h_connected, NULL, NULL, h_closed};
  for (int i = 0; i < 2; i++) {
    h->addr[i].family = 4;
    h->addr[i].ip[0] = 10;
    h->addr[i].ip[3] = (uint8_t)(i + 1);
    mptcp_stack_new(&h->st[i], i ? cfg_b : cfg_a, NULL, h_rand, &cb, h);
  }
  mptcp_addr l = h->addr[1];
  l.port = 5001;
  mptcp_stack_listen(h->st[1], &l);
}

static inline void h_init(struct harness *h, const mptcp_config *cfg, uint64_t delay) {
  h_init2(h, cfg, cfg, delay);
}

static inline void h_free(struct harness *h) {
  for (int i = 0; i < 2; i++)
    mptcp_stack_del(h->st[i]);
  free(h->q);
  free(h->log);
  free(h->log_from);
  free(h->log_at);
  free(h->log_plen);
}

static inline void h_log(struct harness *h, const uint8_t *d, size_t len,
                         size_t plen, int from) {
  if (h->nlog == h->caplog) {
    h->caplog = h->caplog ? h->caplog * 2 : 256;
    h->log = realloc(h->log, h->caplog * sizeof(*h->log));
    h->log_from = realloc(h->log_from, h->caplog * sizeof(int));
    h->log_at = realloc(h->log_at, h->caplog * sizeof(uint64_t));
    h->log_plen = realloc(h->log_plen, h->caplog * sizeof(size_t));
  }
  mptcp_tcphdr_decode(&h->log[h->nlog], d, len);
  h->log_at[h->nlog] = h->now;
  h->log_plen[h->nlog] = plen;
  h->log_from[h->nlog++] = from;
}

/* Drain both stacks' output into the queue. */
static inline void h_flush(struct harness *h) {
  for (int i = 0; i < 2; i++) {
    for (;;) {
      struct h_pkt p;
      mptcp_segment seg;
      int rv = mptcp_stack_write(h->st[i], &seg, p.data, sizeof(p.data), h->now);
      if (rv <= 0)
        break;
      p.at = h->now + h->delay;
      p.id = h->next_id++;
      p.to = !i;
      p.src = seg.src;
      p.dst = seg.dst;
      p.len = seg.len;
      p.vlen = seg.payload_virtual ? seg.payload_len : 0;
      h->sent[i]++;
      h_log(h, p.data, p.len, seg.payload_len, i);
      if (h->filter && h->filter(h, &p, i))
        continue;
      if (h->nq < H_QCAP)
        h->q[h->nq++] = p;
    }
  }
}

/* Runs until `until` or until nothing happens. */
static inline void h_run(struct harness *h, uint64_t until) {
  h_flush(h);
  for (;;) {
    uint64_t next = UINT64_MAX;
    size_t qi = SIZE_MAX;
    for (size_t i = 0; i < h->nq; i++)
      if (h->q[i].at < next || (h->q[i].at == next && qi != SIZE_MAX && h->q[i].id < h->q[qi].id)) {
        next = h->q[i].at;
        qi = i;
      }
    for (int i = 0; i < 2; i++) {
      uint64_t e = mptcp_stack_get_expiry(h->st[i]);
      if (e < next) {
        next = e;
        qi = SIZE_MAX;
      }
    }
    if (next == UINT64_MAX || next > until)
      break;
    if (next > h->now)
      h->now = next;
    if (qi != SIZE_MAX) {
      struct h_pkt p = h->q[qi];
      h->q[qi] = h->q[--h->nq];
      mptcp_stack_read(h->st[p.to], &p.src, &p.dst, p.data, p.len, p.vlen, h->now);
    } else {
      for (int i = 0; i < 2; i++)
        if (mptcp_stack_get_expiry(h->st[i]) <= h->now)
          mptcp_stack_handle_expiry(h->st[i], h->now);
    }
    h_flush(h);
  }
  if (until != UINT64_MAX && h->now < until)
    h->now = until;
}

/* Writes one segment of stack `from` (logged like h_flush, not queued).
 * Returns 1 and the index of its log entry in *idx, or 0. */
static inline int h_pull(struct harness *h, int from, size_t *idx) {
  uint8_t buf[MPTCP_TCP_HDR_MAX + 2048];
  mptcp_segment seg;
  int rv = mptcp_stack_write(h->st[from], &seg, buf, sizeof(buf), h->now);
  if (rv <= 0)
    return 0;
  h->sent[from]++;
  h_log(h, buf, seg.len, seg.payload_len, from);
  if (idx)
    *idx = h->nlog - 1;
  return 1;
}

/* Drops everything stack `from` has to send now; returns how many. */
static inline int h_pull_all(struct harness *h, int from) {
  int n = 0;
  while (h_pull(h, from, NULL))
    n++;
  return n;
}

/* Encodes `th` (with a correct checksum) followed by `plen` bytes of
 * `payload` and hands it to host `to` as if sent by the other host. */
static inline void h_inject(struct harness *h, int to, mptcp_tcphdr *th,
                            const uint8_t *payload, size_t plen) {
  uint8_t buf[MPTCP_TCP_HDR_MAX + 2048];
  th->csum = 0;
  int hl = mptcp_tcphdr_encode(buf, sizeof(buf), th);
  if (hl < 0 || (size_t)hl + plen > sizeof(buf))
    abort();
  if (plen)
    memcpy(buf + hl, payload, plen);
  mptcp_addr src = h->addr[!to], dst = h->addr[to];
  src.port = th->sport;
  dst.port = th->dport;
  uint16_t c = mptcp_tcp_checksum_ipv4(src.ip, dst.ip, buf, (size_t)hl + plen);
  buf[16] = (uint8_t)(c >> 8);
  buf[17] = (uint8_t)c;
  mptcp_stack_read(h->st[to], &src, &dst, buf, (size_t)hl + plen, 0, h->now);
}

/* Advances host time to `t`, running the timers of both stacks (output
 * is left in the stacks for h_pull). */
static inline void h_advance(struct harness *h, uint64_t t) {
  for (;;) {
    uint64_t e0 = mptcp_stack_get_expiry(h->st[0]);
    uint64_t e1 = mptcp_stack_get_expiry(h->st[1]);
    uint64_t e = e0 < e1 ? e0 : e1;
    if (e > t)
      break;
    if (e > h->now)
      h->now = e;
    for (int i = 0; i < 2; i++)
      if (mptcp_stack_get_expiry(h->st[i]) <= h->now)
        mptcp_stack_handle_expiry(h->st[i], h->now);
  }
  if (h->now < t)
    h->now = t;
}

static inline int h_connect(struct harness *h, const mptcp_config *cfg) {
  mptcp_addr l = h->addr[0], r = h->addr[1];
  l.port = 40000;
  r.port = 5001;
  int rv = mptcp_connect(h->st[0], &h->client, &l, &r, cfg, h, h->now);
  return rv;
}

#endif
