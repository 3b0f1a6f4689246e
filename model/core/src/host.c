/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's services under every layer: memory through the host's hooks
 * (and the memory cap), randomness, the 4-tuple table of subflows and the
 * token table of connections, the FIFO of connections with output, the
 * queue of stateless RSTs and the challenge-ACK limit. Nothing here calls
 * a subflow, a connection or the MPTCP layer, so every layer may call it
 * (doc/architecture.md, "How the core's files depend"); the stack
 * (stack.c) drives the layers above it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wire.h"

/* ---- memory ---- */

static void *default_malloc(size_t size, void *ud) {
  (void)ud;
  return malloc(size);
}
static void default_free(void *p, size_t size, void *ud) {
  (void)size;
  (void)ud;
  free(p);
}
static const mptcp_mem default_mem = {NULL, default_malloc, default_free};

const mptcp_mem *mptcp_mem_default(void) { return &default_mem; }

void *stack_alloc(struct mptcp_stack *s, size_t size) {
  if (s->mem_cap && s->mem_used + size > s->mem_cap)
    return NULL;
  void *p = s->mem.malloc_fn(size, s->mem.user_data);
  if (p)
    s->mem_used += size;
  return p;
}

void *stack_calloc(struct mptcp_stack *s, size_t size) {
  void *p = stack_alloc(s, size);
  if (p)
    memset(p, 0, size);
  return p;
}

void stack_free(struct mptcp_stack *s, void *p, size_t size) {
  if (!p)
    return;
  s->mem_used -= size;
  s->mem.free_fn(p, size, s->mem.user_data);
}

int mptcp_stack_set_mem_cap(mptcp_stack *s, uint64_t bytes) {
  if (!s)
    return MPTCP_ERR_INVALID_ARGUMENT;
  s->mem_cap = bytes;
  return MPTCP_OK;
}

uint64_t mptcp_stack_mem_used(const mptcp_stack *s) { return s ? s->mem_used : 0; }

void stack_rand_bytes(struct mptcp_stack *s, uint8_t *d, size_t n) {
  s->rand(d, n, s->user_data);
}

uint32_t stack_rand32(struct mptcp_stack *s) {
  uint8_t b[4];
  s->rand(b, sizeof(b), s->user_data);
  return get_be32(b);
}

/* ---- 4-tuple table ---- */

#define TOMBSTONE ((struct tcp_sf *)(uintptr_t)1)

static uint64_t mix64(uint64_t x) {
  /* the splitmix64 finalizer: a cheap, well-spread mix */
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static uint32_t tuple_hash(const mptcp_addr *l, const mptcp_addr *r) {
  uint64_t h = ((uint64_t)l->port << 16 | r->port) ^ ((uint64_t)l->family << 40);
  if (l->family == 4 && r->family == 4) {
    /* IPv4, every lookup of a received segment: both addresses in one word,
     * spread by a multiplication (Fibonacci hashing), then one mix */
    uint32_t wl, wr;
    memcpy(&wl, l->ip, 4);
    memcpy(&wr, r->ip, 4);
    return (uint32_t)mix64(h ^ (((uint64_t)wl << 32 | wr) * 0x9e3779b97f4a7c15ull));
  }
  const mptcp_addr *a[2] = {l, r};
  for (int k = 0; k < 2; k++) {
    size_t n = a[k]->family == 6 ? 16 : 4;
    for (size_t i = 0; i < n; i += 4) {
      uint32_t w;
      memcpy(&w, a[k]->ip + i, 4);
      h = mix64(h ^ w ^ ((uint64_t)(k * 16 + i) << 32));
    }
  }
  return (uint32_t)h;
}

struct tcp_sf *stack_table_lookup(const struct mptcp_stack *s, const mptcp_addr *l,
                                  const mptcp_addr *r) {
  if (!s->table_cap)
    return NULL;
  uint32_t mask = s->table_cap - 1;
  for (uint32_t i = tuple_hash(l, r) & mask;; i = (i + 1) & mask) {
    struct tcp_sf *sf = s->table[i];
    if (!sf)
      return NULL;
    if (sf != TOMBSTONE && addr_eq(&sf->local, l) && addr_eq(&sf->remote, r))
      return sf;
  }
}

void *mptcp_stack_conn_user_data(const mptcp_stack *s, const mptcp_addr *local,
                                 const mptcp_addr *remote) {
  if (!s || !local || !remote)
    return NULL;
  const struct tcp_sf *sf = stack_table_lookup(s, local, remote);
  return sf ? sf->conn->user_data : NULL;
}

static void table_place(struct mptcp_stack *s, struct tcp_sf *sf) {
  uint32_t mask = s->table_cap - 1;
  uint32_t i = tuple_hash(&sf->local, &sf->remote) & mask;
  while (s->table[i] && s->table[i] != TOMBSTONE)
    i = (i + 1) & mask;
  s->table[i] = sf;
}

int stack_table_insert(struct mptcp_stack *s, struct tcp_sf *sf) {
  if (stack_table_lookup(s, &sf->local, &sf->remote))
    return MPTCP_ERR_ADDR_IN_USE;
  if ((s->table_used + 1) * 2 > s->table_cap) {
    /* grow (or just rebuild, dropping tombstones) at half load */
    uint32_t live = 0;
    for (uint32_t i = 0; i < s->table_cap; i++)
      if (s->table[i] && s->table[i] != TOMBSTONE)
        live++;
    uint32_t ncap = s->table_cap ? s->table_cap : 64;
    while ((live + 1) * 2 > ncap)
      ncap *= 2;
    struct tcp_sf **old = s->table;
    uint32_t ocap = s->table_cap;
    struct tcp_sf **nt = stack_calloc(s, ncap * sizeof(*nt));
    if (!nt)
      return MPTCP_ERR_NOMEM;
    s->table = nt;
    s->table_cap = ncap;
    s->table_used = 0;
    for (uint32_t i = 0; i < ocap; i++)
      if (old[i] && old[i] != TOMBSTONE) {
        table_place(s, old[i]);
        s->table_used++;
      }
    stack_free(s, old, ocap * sizeof(*old));
  }
  table_place(s, sf);
  s->table_used++;
  sf->in_table = 1;
  return MPTCP_OK;
}

void stack_table_remove(struct mptcp_stack *s, struct tcp_sf *sf) {
  if (!sf->in_table || !s->table_cap)
    return;
  uint32_t mask = s->table_cap - 1;
  for (uint32_t i = tuple_hash(&sf->local, &sf->remote) & mask;; i = (i + 1) & mask) {
    if (!s->table[i])
      break;
    if (s->table[i] == sf) {
      s->table[i] = TOMBSTONE; /* counted as used until the next rebuild */
      break;
    }
  }
  sf->in_table = 0;
}

/* ---- MPTCP tokens ---- */

#define TOKEN_TOMB ((struct mptcp_conn *)(uintptr_t)1)

struct mptcp_conn *stack_token_lookup(struct mptcp_stack *s, uint32_t token) {
  if (!s->tokens_cap)
    return NULL;
  uint32_t mask = s->tokens_cap - 1;
  for (uint32_t i = (uint32_t)mix64(token) & mask;; i = (i + 1) & mask) {
    struct mptcp_conn *c = s->tokens[i];
    if (!c)
      return NULL;
    if (c != TOKEN_TOMB && c->token_local == token)
      return c;
  }
}

int stack_token_insert(struct mptcp_stack *s, struct mptcp_conn *c) {
  if (stack_token_lookup(s, c->token_local))
    return MPTCP_ERR_ADDR_IN_USE;
  if ((s->tokens_used + 1) * 2 > s->tokens_cap) {
    uint32_t live = 0;
    for (uint32_t i = 0; i < s->tokens_cap; i++)
      if (s->tokens[i] && s->tokens[i] != TOKEN_TOMB)
        live++;
    uint32_t ncap = s->tokens_cap ? s->tokens_cap : 64;
    while ((live + 1) * 2 > ncap)
      ncap *= 2;
    struct mptcp_conn **old = s->tokens;
    uint32_t ocap = s->tokens_cap;
    struct mptcp_conn **nt = stack_calloc(s, ncap * sizeof(*nt));
    if (!nt)
      return MPTCP_ERR_NOMEM;
    s->tokens = nt;
    s->tokens_cap = ncap;
    s->tokens_used = 0;
    for (uint32_t i = 0; i < ocap; i++)
      if (old[i] && old[i] != TOKEN_TOMB) {
        uint32_t m = ncap - 1, j = (uint32_t)mix64(old[i]->token_local) & m;
        while (nt[j])
          j = (j + 1) & m;
        nt[j] = old[i];
        s->tokens_used++;
      }
    stack_free(s, old, ocap * sizeof(*old));
  }
  uint32_t mask = s->tokens_cap - 1, i = (uint32_t)mix64(c->token_local) & mask;
  while (s->tokens[i] && s->tokens[i] != TOKEN_TOMB)
    i = (i + 1) & mask;
  s->tokens[i] = c;
  s->tokens_used++;
  c->token_in_table = 1;
  return MPTCP_OK;
}

void stack_token_remove(struct mptcp_stack *s, struct mptcp_conn *c) {
  if (!c->token_in_table || !s->tokens_cap)
    return;
  uint32_t mask = s->tokens_cap - 1;
  for (uint32_t i = (uint32_t)mix64(c->token_local) & mask;; i = (i + 1) & mask) {
    if (!s->tokens[i])
      break;
    if (s->tokens[i] == c) {
      s->tokens[i] = TOKEN_TOMB;
      break;
    }
  }
  c->token_in_table = 0;
}

/* ---- output list ---- */

void stack_mark_output(struct mptcp_stack *s, struct mptcp_conn *c) {
  if (c->on_out_list)
    return;
  c->on_out_list = 1;
  c->next_out = NULL;
  if (s->out_tail)
    s->out_tail->next_out = c;
  else
    s->out_head = c;
  s->out_tail = c;
}

void stack_out_pop(struct mptcp_stack *s) {
  struct mptcp_conn *c = s->out_head;
  s->out_head = c->next_out;
  if (!s->out_head)
    s->out_tail = NULL;
  c->on_out_list = 0;
  c->next_out = NULL;
}

/* ---- stateless RSTs (RFC 9293 section 3.10.7.1) ---- */

static struct rst_out *queue_rst(struct mptcp_stack *s, const mptcp_addr *src,
                                 const mptcp_addr *dst, uint32_t seq, uint32_t ack,
                                 int with_ack) {
  if (s->rst_n == STACK_RST_QUEUE)
    return NULL; /* bounded: a flood of strays cannot grow memory */
  struct rst_out *r = &s->rsts[(s->rst_head + s->rst_n) % STACK_RST_QUEUE];
  memset(r, 0, sizeof(*r));
  r->src = *src;
  r->dst = *dst;
  r->seq = seq;
  r->ack = ack;
  r->with_ack = (uint8_t)with_ack;
  s->rst_n++;
  return r;
}

void stack_queue_rst(struct mptcp_stack *s, const mptcp_addr *src,
                     const mptcp_addr *dst, uint32_t seq, uint32_t ack,
                     int with_ack) {
  queue_rst(s, src, dst, seq, ack, with_ack);
}

void stack_queue_mp_rst(struct mptcp_stack *s, const mptcp_addr *src,
                        const mptcp_addr *dst, uint32_t seq, uint32_t ack,
                        int with_ack, uint8_t flags, uint8_t reason) {
  struct rst_out *r = queue_rst(s, src, dst, seq, ack, with_ack);
  if (!r)
    return;
  r->mp_rst = 1;
  r->rst_flags = flags & 0x0f;
  r->rst_reason = reason;
}

int stack_queue_raw(struct mptcp_stack *s, const mptcp_addr *src, const mptcp_addr *dst,
                    const uint8_t *hdr, size_t len) {
  if (s->raw_n == STACK_RAW_QUEUE || len > MPTCP_TCP_HDR_MAX)
    return -1; /* bounded, as the RSTs */
  struct raw_out *o = &s->raws[(s->raw_head + s->raw_n) % STACK_RAW_QUEUE];
  o->src = *src;
  o->dst = *dst;
  o->len = (uint8_t)len;
  memcpy(o->hdr, hdr, len);
  s->raw_n++;
  return 0;
}

int stack_challenge_ack_allowed(struct mptcp_stack *s, uint64_t now) {
  /* RFC 5961 section 7: limit challenge ACKs; 1000 per second per host,
   * Linux's historical default. */
  if (now - s->chack_window_start >= MPTCP_S) {
    s->chack_window_start = now;
    s->chack_count = 0;
  }
  if (s->chack_count >= 1000)
    return 0;
  s->chack_count++;
  mib_inc(s, MPTCP_MIB_CHALLENGE_ACK);
  return 1;
}
