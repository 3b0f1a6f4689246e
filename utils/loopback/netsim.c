/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netsim.c - the deterministic loopback network (see netsim.h).
 *
 * Speed matters more here than anywhere else in the tools: a benchmark
 * run delivers millions of segments, and the network must cost a small
 * fraction of what the protocol engine costs. Hence:
 *
 *   - packets come from a pool (a free list over slabs that double in size
 *     when exhausted), and a host writes its segment straight into the
 *     slot, which is what the receiving host later reads: no copy;
 *   - a link needs no event of its own: it is a FIFO server, so when a
 *     packet is enqueued its departure time is already known
 *     (max(now, link busy until) + serialization time). The link keeps a
 *     ring of the packets not yet fully serialized to know its queue
 *     length;
 *   - packets then propagate in the order they were sent (unless
 *     reordered), so each link keeps them in a FIFO and only the head is
 *     in the event heap; a reordered packet gets a heap entry of its own;
 *   - the event queue is a binary heap ordered by (time, insertion
 *     number), the insertion number making equal times deterministic. A
 *     packet's number is taken when it is sent, so the FIFOs change
 *     nothing in the order of events, only the size of the heap;
 *   - a host's timer is one heap entry that is only moved earlier; when
 *     it pops too early (the deadline moved later meanwhile) it is
 *     re-pushed, which happens about once per retransmission timeout
 *     rather than once per acknowledgement.
 */
#include "netsim.h"

#include <stdlib.h>
#include <string.h>

#include "pcap.h"

/* ------------------------------------------------------------------ */
/* Random numbers                                                      */
/* ------------------------------------------------------------------ */

uint64_t netsim_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void netsim_rng_seed(netsim_rng *r, uint64_t seed, uint64_t stream) {
  /* Mix the stream number in before expanding, so that streams of
   * neighbouring seeds do not overlap shifted copies of each other. */
  uint64_t x = seed;
  uint64_t k = netsim_splitmix64(&x) ^ (stream * 0xd1342543de82ef95ull);
  for (int i = 0; i < 4; i++)
    r->s[i] = netsim_splitmix64(&k);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
    r->s[0] = 1;
}

static inline uint64_t rotl64(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t netsim_rng_next(netsim_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl64(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64(s[3], 45);
  return result;
}

/* Lemire's multiply-shift: the high 64 bits of a 128-bit product.
 * __extension__ keeps -Wpedantic quiet (ns-3 trees build with it). */
__extension__ typedef unsigned __int128 netsim_u128;

uint64_t netsim_rng_below(netsim_rng *r, uint64_t n) {
  return (uint64_t)(((netsim_u128)netsim_rng_next(r) * n) >> 64);
}

void netsim_rng_fill(netsim_rng *r, uint8_t *dest, size_t len) {
  while (len) {
    uint64_t v = netsim_rng_next(r);
    size_t n = len < 8 ? len : 8;
    for (size_t i = 0; i < n; i++) {
      dest[i] = (uint8_t)v;
      v >>= 8;
    }
    dest += n;
    len -= n;
  }
}

/* ------------------------------------------------------------------ */
/* Structures                                                          */
/* ------------------------------------------------------------------ */

typedef struct pkt {
  struct pkt *next; /* free list, or the link's arrival FIFO */
  uint64_t t_arr;   /* arrival time (in a link's FIFO) */
  uint64_t seq;     /* event order among equal times */
  mptcp_addr src;
  mptcp_addr dst;
  uint32_t len;     /* bytes in buf: header and real payload */
  uint32_t vlen;    /* virtual payload bytes */
  uint16_t hdr_len;
  uint16_t path;
  uint8_t dir;
  uint8_t corrupted;
  uint8_t flushed;  /* dropped by a link failure while queued */
  uint8_t is_copy;
  uint8_t buf[];
} pkt;

enum ev_kind { EV_ARRIVE, EV_LINK, EV_TIMER, EV_APP, EV_DOWN, EV_UP };

typedef struct ev {
  uint64_t t;
  uint64_t seq;
  union {
    pkt *p;
    netsim_event_fn fn;
    uint64_t gen;
  } u;
  void *arg;
  uint32_t kind;
  uint32_t aux; /* host (timer) or link index (failures) */
} ev;

typedef struct lnk {
  netsim_link_config cfg;
  /* Probability thresholds against a 64-bit draw: 0 never, UINT64_MAX
   * always (no draw in either case). */
  uint64_t thr_loss, thr_dup, thr_corrupt, thr_reorder;
  uint64_t reorder_max;
  uint64_t busy_until;
  uint64_t ser_rem; /* fraction of a ns carried, in units of 1/rate */
  /* Packets enqueued and not yet fully serialized, oldest first. */
  pkt **ring;
  uint64_t *ring_fin;
  uint32_t ring_cap;
  uint32_t ring_head;
  uint32_t ring_count;
  uint32_t down; /* number of failure windows in force */
  /* Packets propagating in arrival order; only the head is in the heap. */
  pkt *fifo_head;
  pkt *fifo_tail;
  int dst_host;
  netsim_rng rng;
  netsim_link_stats st;
  /* policer buckets (police_bps): key, tokens in bit-ns (bits x 1e9, so
   * that refills at any rate stay exact), last refill */
  struct police_bucket {
    uint64_t key;
    uint64_t tokens;
    uint64_t at;
    uint8_t used;
  } police[NETSIM_POLICE_KEYS];
} lnk;

typedef struct host {
  netsim_host_ops ops;
  void *ep;
  int attached;
  int verifies_checksum;
  uint64_t expiry; /* as last read from the host */
  uint64_t ev_time; /* time of the live timer event, or NEVER */
  uint64_t gen;     /* the live timer event's generation */
} host;

typedef struct slab {
  struct slab *next;
  uint8_t mem[];
} slab;

struct netsim {
  netsim_config cfg;
  uint64_t now;
  uint64_t seq;
  int stop;
  int err;
  int err_detail;
  unsigned dirty;

  ev *heap;
  size_t heap_len;
  size_t heap_cap;

  lnk *links; /* path * 2 + dir */
  host hosts[NETSIM_NHOSTS + 1]; /* the last one is the tap */
  uint32_t tap_path;
  int tap_observe;

  pkt *free_list;
  slab *slabs;
  size_t slot_size;
  uint64_t pool_size;

  netsim_observer_fn obs;
  void *obs_user;
  struct mptcp_pcap *pcap;
  uint8_t *pcap_buf;
  size_t pcap_cap;

  netsim_stats st;
};

/* ------------------------------------------------------------------ */
/* Packet pool                                                         */
/* ------------------------------------------------------------------ */

static int pool_grow(netsim *ns) {
  uint64_t n = ns->pool_size ? ns->pool_size : 256;
  slab *s = malloc(sizeof(slab) + n * ns->slot_size);
  if (!s)
    return NETSIM_ERR_NOMEM;
  s->next = ns->slabs;
  ns->slabs = s;
  for (uint64_t i = n; i-- > 0;) {
    pkt *p = (pkt *)(s->mem + i * ns->slot_size);
    p->next = ns->free_list;
    ns->free_list = p;
  }
  ns->pool_size += n;
  ns->st.pool_size = ns->pool_size;
  return 0;
}

static inline pkt *pool_get(netsim *ns) {
  if (!ns->free_list && pool_grow(ns) < 0)
    return NULL;
  pkt *p = ns->free_list;
  ns->free_list = p->next;
  return p;
}

static inline void pool_put(netsim *ns, pkt *p) {
  p->next = ns->free_list;
  ns->free_list = p;
}

/* ------------------------------------------------------------------ */
/* Event heap                                                          */
/* ------------------------------------------------------------------ */

static inline int ev_before(const ev *a, const ev *b) {
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Pushes `e` with the order number it carries. */
static int heap_push_seq(netsim *ns, const ev *e) {
  if (ns->heap_len == ns->heap_cap) {
    size_t cap = ns->heap_cap ? ns->heap_cap * 2 : 1024;
    ev *h = realloc(ns->heap, cap * sizeof(ev));
    if (!h)
      return NETSIM_ERR_NOMEM;
    ns->heap = h;
    ns->heap_cap = cap;
  }
  ev *h = ns->heap;
  size_t i = ns->heap_len++;
  ev x = *e;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!ev_before(&x, &h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = x;
  return 0;
}

/* Pushes `e` after every event pushed so far at the same time. */
static int heap_push(netsim *ns, const ev *e) {
  ev x = *e;
  x.seq = ns->seq++;
  return heap_push_seq(ns, &x);
}

static void heap_pop(netsim *ns, ev *out) {
  ev *h = ns->heap;
  *out = h[0];
  size_t n = --ns->heap_len;
  if (!n)
    return;
  ev x = h[n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && ev_before(&h[c + 1], &h[c]))
      c++;
    if (!ev_before(&h[c], &x))
      break;
    h[i] = h[c];
    i = c;
  }
  h[i] = x;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

void netsim_link_config_default(netsim_link_config *c) {
  memset(c, 0, sizeof(*c));
  c->rate_bps = 10000000;
  c->delay_ns = 10 * MPTCP_MS;
  c->queue_pkts = 100;
}

static int prob_ok(double p) { return p >= 0.0 && p <= 1.0; }

static uint64_t prob_threshold(double p) {
  if (p <= 0.0)
    return 0;
  if (p >= 1.0)
    return UINT64_MAX;
  /* 2^64 * p, below 2^64 for p < 1 */
  uint64_t t = (uint64_t)(p * 18446744073709551616.0);
  return t ? t : 1;
}

static int link_apply(lnk *l, const netsim_link_config *c) {
  if (!prob_ok(c->loss) || !prob_ok(c->reorder) || !prob_ok(c->duplicate) ||
      !prob_ok(c->corrupt) || c->queue_pkts == UINT32_MAX)
    return NETSIM_ERR_ARG;
  uint32_t cap = c->queue_pkts + 1;
  if (cap != l->ring_cap) {
    pkt **r = realloc(l->ring, cap * sizeof(*r));
    if (!r)
      return NETSIM_ERR_NOMEM;
    l->ring = r;
    uint64_t *f = realloc(l->ring_fin, cap * sizeof(*f));
    if (!f)
      return NETSIM_ERR_NOMEM;
    l->ring_fin = f;
    l->ring_cap = cap;
    l->ring_head = 0;
    l->ring_count = 0;
  }
  l->cfg = *c;
  l->thr_loss = prob_threshold(c->loss);
  l->thr_dup = prob_threshold(c->duplicate);
  l->thr_corrupt = prob_threshold(c->corrupt);
  l->thr_reorder = prob_threshold(c->reorder);
  l->reorder_max = c->reorder_max_ns
                       ? c->reorder_max_ns
                       : (c->delay_ns ? 2 * c->delay_ns : MPTCP_MS);
  return 0;
}

int netsim_new(netsim **pns, const netsim_config *cfg) {
  if (!pns || !cfg || cfg->n_paths == 0 || cfg->n_paths > NETSIM_MAX_PATHS ||
      cfg->seg_cap < MPTCP_TCP_HDR_MIN || cfg->seg_cap > 0x7fffffff)
    return NETSIM_ERR_ARG;
  netsim *ns = calloc(1, sizeof(*ns));
  if (!ns)
    return NETSIM_ERR_NOMEM;
  ns->cfg = *cfg;
  size_t slot = offsetof(pkt, buf) + cfg->seg_cap;
  ns->slot_size = (slot + 15) & ~(size_t)15;
  ns->links = calloc((size_t)cfg->n_paths * 2, sizeof(lnk));
  if (!ns->links) {
    free(ns);
    return NETSIM_ERR_NOMEM;
  }
  netsim_link_config def;
  netsim_link_config_default(&def);
  for (uint32_t i = 0; i < cfg->n_paths * 2; i++) {
    lnk *l = &ns->links[i];
    l->dst_host = (i & 1) == NETSIM_A2B ? NETSIM_B : NETSIM_A;
    netsim_rng_seed(&l->rng, cfg->seed, i);
    if (link_apply(l, &def) < 0) {
      netsim_del(ns);
      return NETSIM_ERR_NOMEM;
    }
  }
  for (int h = 0; h <= NETSIM_TAP; h++) {
    ns->hosts[h].expiry = MPTCP_TIME_NEVER;
    ns->hosts[h].ev_time = MPTCP_TIME_NEVER;
  }
  if (pool_grow(ns) < 0) {
    netsim_del(ns);
    return NETSIM_ERR_NOMEM;
  }
  *pns = ns;
  return 0;
}

void netsim_del(netsim *ns) {
  if (!ns)
    return;
  if (ns->links) {
    for (uint32_t i = 0; i < ns->cfg.n_paths * 2; i++) {
      free(ns->links[i].ring);
      free(ns->links[i].ring_fin);
    }
  }
  free(ns->links);
  while (ns->slabs) {
    slab *s = ns->slabs;
    ns->slabs = s->next;
    free(s);
  }
  free(ns->heap);
  free(ns->pcap_buf);
  free(ns);
}

int netsim_set_link(netsim *ns, uint32_t path, int dir,
                    const netsim_link_config *c) {
  if (!ns || !c || path >= ns->cfg.n_paths ||
      (dir != NETSIM_A2B && dir != NETSIM_B2A && dir != NETSIM_BOTH))
    return NETSIM_ERR_ARG;
  for (int d = 0; d < 2; d++) {
    if (dir != NETSIM_BOTH && d != dir)
      continue;
    int r = link_apply(&ns->links[path * 2 + (uint32_t)d], c);
    if (r < 0)
      return r;
  }
  return 0;
}

int netsim_set_host(netsim *ns, int host_id, const netsim_host_ops *ops,
                    void *ep, int verifies_checksum) {
  if (!ns || !ops || host_id < 0 || host_id >= NETSIM_NHOSTS || !ops->read ||
      !ops->write || !ops->get_expiry || !ops->handle_expiry)
    return NETSIM_ERR_ARG;
  host *h = &ns->hosts[host_id];
  h->ops = *ops;
  h->ep = ep;
  h->attached = 1;
  h->verifies_checksum = verifies_checksum != 0;
  ns->dirty |= 1u << host_id;
  return 0;
}

int netsim_set_tap(netsim *ns, uint32_t path, const netsim_host_ops *ops,
                   void *ep, int observe) {
  if (!ns)
    return NETSIM_ERR_ARG;
  host *h = &ns->hosts[NETSIM_TAP];
  if (!ops) {
    h->attached = 0;
    return 0;
  }
  if (path >= ns->cfg.n_paths || !ops->read || !ops->write || !ops->get_expiry ||
      !ops->handle_expiry)
    return NETSIM_ERR_ARG;
  h->ops = *ops;
  h->ep = ep;
  h->attached = 1;
  ns->tap_path = path;
  ns->tap_observe = observe != 0;
  ns->dirty |= 1u << NETSIM_TAP;
  return 0;
}

void netsim_path_addr(const netsim *ns, uint32_t path, int host_id,
                      mptcp_addr *out) {
  (void)ns;
  memset(out, 0, sizeof(*out));
  out->family = 4;
  out->ip[0] = 10;
  out->ip[1] = (uint8_t)host_id;
  out->ip[2] = (uint8_t)path;
  out->ip[3] = 1;
}

int netsim_add_failure(netsim *ns, uint32_t path, int dir, uint64_t t_down,
                       uint64_t t_up) {
  if (!ns || path >= ns->cfg.n_paths || t_up <= t_down ||
      (dir != NETSIM_A2B && dir != NETSIM_B2A && dir != NETSIM_BOTH))
    return NETSIM_ERR_ARG;
  for (int d = 0; d < 2; d++) {
    if (dir != NETSIM_BOTH && d != dir)
      continue;
    uint32_t li = path * 2 + (uint32_t)d;
    ev e = {.t = t_down < ns->now ? ns->now : t_down, .kind = EV_DOWN,
            .aux = li};
    int r = heap_push(ns, &e);
    if (r < 0)
      return r;
    e.t = t_up < ns->now ? ns->now : t_up;
    e.kind = EV_UP;
    r = heap_push(ns, &e);
    if (r < 0)
      return r;
  }
  return 0;
}

int netsim_schedule(netsim *ns, uint64_t t, netsim_event_fn fn, void *arg) {
  if (!ns || !fn)
    return NETSIM_ERR_ARG;
  ev e = {.t = t < ns->now ? ns->now : t, .kind = EV_APP, .arg = arg};
  e.u.fn = fn;
  return heap_push(ns, &e);
}

void netsim_touch(netsim *ns, int host_id) {
  if (ns && host_id >= 0 && host_id <= NETSIM_TAP)
    ns->dirty |= 1u << host_id;
}

void netsim_stop(netsim *ns) {
  if (ns)
    ns->stop = 1;
}

uint64_t netsim_now(const netsim *ns) { return ns->now; }

int netsim_error_detail(const netsim *ns) { return ns->err_detail; }

const netsim_link_stats *netsim_get_link_stats(const netsim *ns,
                                               uint32_t path, int dir) {
  if (!ns || path >= ns->cfg.n_paths || (dir != NETSIM_A2B && dir != NETSIM_B2A))
    return NULL;
  return &ns->links[path * 2 + (uint32_t)dir].st;
}

const netsim_stats *netsim_get_stats(const netsim *ns) { return &ns->st; }

void netsim_set_observer(netsim *ns, netsim_observer_fn fn, void *user) {
  ns->obs = fn;
  ns->obs_user = user;
}

void netsim_set_pcap(netsim *ns, struct mptcp_pcap *pcap) { ns->pcap = pcap; }

/* ------------------------------------------------------------------ */
/* Packets on links                                                    */
/* ------------------------------------------------------------------ */

static inline int chance(lnk *l, uint64_t thr) {
  if (thr == 0)
    return 0;
  if (thr == UINT64_MAX)
    return 1;
  return netsim_rng_next(&l->rng) < thr;
}

static void observe(netsim *ns, enum netsim_obs what, const pkt *p) {
  netsim_pkt_view v = {.path = p->path,
                       .dir = p->dir,
                       .src = &p->src,
                       .dst = &p->dst,
                       .data = p->buf,
                       .len = p->len,
                       .virtual_len = p->vlen,
                       .corrupted = p->corrupted};
  ns->obs(ns->obs_user, what, &v, ns->now);
}

static void drop(netsim *ns, pkt *p, enum netsim_obs why) {
  if (ns->obs)
    observe(ns, why, p);
  pool_put(ns, p);
}

static void pcap_record(netsim *ns, const pkt *p) {
  const uint8_t *data = p->buf;
  size_t len = p->len;
  if (p->vlen) {
    len = (size_t)p->len + p->vlen;
    if (len > ns->pcap_cap) {
      uint8_t *b = realloc(ns->pcap_buf, len);
      if (!b)
        return;
      ns->pcap_buf = b;
      ns->pcap_cap = len;
    }
    memcpy(ns->pcap_buf, p->buf, p->len);
    memset(ns->pcap_buf + p->len, 0, p->vlen);
    data = ns->pcap_buf;
  }
  if (p->src.family == 4)
    mptcp_pcap_write_ipv4(ns->pcap, ns->now, p->src.ip, p->dst.ip, data, len);
  else
    mptcp_pcap_write_ipv6(ns->pcap, ns->now, p->src.ip, p->dst.ip, data, len);
}

static void corrupt(lnk *l, pkt *p) {
  /* Real payload: any bit of what is on the wire after the IP header.
   * Virtual payload: a header bit, so that the checksum catches it. */
  size_t span = p->vlen ? p->hdr_len : p->len;
  if (span == 0)
    span = p->len;
  if (span == 0)
    return;
  uint64_t bit = netsim_rng_below(&l->rng, (uint64_t)span * 8);
  p->buf[bit >> 3] ^= (uint8_t)(1u << (bit & 7));
  p->corrupted = 1;
}

/* Steps 6 to 8 of netsim.h: corruption, the queue, reordering. */
/* The policer's key of a packet: its 4-tuple, or its source address. */
static uint64_t police_key(const lnk *l, const pkt *p) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a, 64 bits */
  const uint8_t *a = p->src.ip;
  for (int i = 0; i < 16; i++)
    h = (h ^ a[i]) * 1099511628211ull;
  if (!l->cfg.police_by_source) {
    for (int i = 0; i < 16; i++)
      h = (h ^ p->dst.ip[i]) * 1099511628211ull;
    uint16_t ports[2] = {p->len >= 4 ? (uint16_t)(p->buf[0] << 8 | p->buf[1]) : 0,
                         p->len >= 4 ? (uint16_t)(p->buf[2] << 8 | p->buf[3]) : 0};
    for (int i = 0; i < 2; i++)
      h = ((h ^ (ports[i] >> 8)) * 1099511628211ull ^ (ports[i] & 0xff)) * 1099511628211ull;
  }
  return h;
}

/* RFC 2697 single-rate policing, drop when out of profile: 1 to pass. */
static int police_pass(lnk *l, const pkt *p, uint64_t now) {
  uint64_t key = police_key(l, p);
  struct police_bucket *b = NULL;
  for (uint32_t i = 0, j = (uint32_t)(key % NETSIM_POLICE_KEYS); i < NETSIM_POLICE_KEYS;
       i++, j = (j + 1) % NETSIM_POLICE_KEYS) {
    if (!l->police[j].used) {
      b = &l->police[j];
      b->used = 1;
      b->key = key;
      b->at = now;
      b->tokens = UINT64_MAX; /* full, clamped below */
      break;
    }
    if (l->police[j].key == key) {
      b = &l->police[j];
      break;
    }
  }
  if (!b)
    b = &l->police[NETSIM_POLICE_KEYS - 1]; /* more keys than buckets: shared */
  uint64_t depth = (uint64_t)(l->cfg.police_burst ? l->cfg.police_burst : 15000) * 8 *
                   1000000000ull;
  uint64_t elapsed = now - b->at;
  b->at = now;
  if (b->tokens >= depth || elapsed >= depth / l->cfg.police_bps + 1) {
    b->tokens = depth; /* full (the product below stays within 64 bits) */
  } else {
    uint64_t add = elapsed * l->cfg.police_bps;
    b->tokens = add >= depth - b->tokens ? depth : b->tokens + add;
  }
  uint64_t need = ((uint64_t)20 + p->len + p->vlen) * 8 * 1000000000ull;
  if (b->tokens < need)
    return 0;
  b->tokens -= need;
  return 1;
}

static int link_transmit(netsim *ns, lnk *l, pkt *p) {
  uint64_t now = ns->now;
  if (l->cfg.police_bps && !police_pass(l, p, now)) {
    l->st.police_drops++;
    drop(ns, p, NETSIM_OBS_DROP_QUEUE);
    return 0;
  }
  if (chance(l, l->thr_corrupt)) {
    l->st.corruptions++;
    corrupt(l, p);
    if (!ns->hosts[l->dst_host].verifies_checksum) {
      l->st.corrupt_drops++;
      drop(ns, p, NETSIM_OBS_DROP_CORRUPT);
      return 0;
    }
  }
  uint64_t finish = now;
  if (l->cfg.rate_bps) {
    while (l->ring_count && l->ring_fin[l->ring_head] <= now) {
      l->ring_head = l->ring_head + 1 == l->ring_cap ? 0 : l->ring_head + 1;
      l->ring_count--;
    }
    if (l->ring_count >= l->ring_cap) {
      l->st.queue_drops++;
      drop(ns, p, NETSIM_OBS_DROP_QUEUE);
      return 0;
    }
    /* The head of the ring is being serialized; the rest wait. */
    if (l->ring_count > l->st.max_queue)
      l->st.max_queue = l->ring_count;
    uint64_t bits = ((uint64_t)20 + p->len + p->vlen) * 8;
    uint64_t num = bits * 1000000000ull + l->ser_rem;
    uint64_t ser = num / l->cfg.rate_bps;
    l->ser_rem = num % l->cfg.rate_bps;
    uint64_t start = l->busy_until > now ? l->busy_until : now;
    finish = start + ser;
    l->busy_until = finish;
    uint32_t slot = l->ring_head + l->ring_count;
    if (slot >= l->ring_cap)
      slot -= l->ring_cap;
    l->ring[slot] = p;
    l->ring_fin[slot] = finish;
    l->ring_count++;
  }
  uint64_t arrive = finish + l->cfg.delay_ns;
  if (l->cfg.jitter_ns) {
    arrive += netsim_rng_below(&l->rng, l->cfg.jitter_ns + 1);
    if (l->fifo_tail && arrive < l->fifo_tail->t_arr)
      arrive = l->fifo_tail->t_arr; /* jitter never reorders */
  }
  if (chance(l, l->thr_reorder)) {
    l->st.reorders++;
    arrive += netsim_rng_below(&l->rng, l->reorder_max + 1);
  }
  /* Without an extra delay, arrivals on a link come in the order the
   * packets were sent: they wait in the link's FIFO and only its head is
   * in the heap, which keeps the heap a few entries long. The order of
   * events is exactly what one heap entry per packet would give. */
  p->t_arr = arrive;
  p->seq = ns->seq++;
  if (!l->fifo_head) {
    p->next = NULL;
    l->fifo_head = l->fifo_tail = p;
    ev e = {.t = arrive, .seq = p->seq, .kind = EV_LINK};
    e.u.p = p;
    return heap_push_seq(ns, &e);
  }
  if (arrive >= l->fifo_tail->t_arr) {
    p->next = NULL;
    l->fifo_tail->next = p;
    l->fifo_tail = p;
    return 0;
  }
  ev e = {.t = arrive, .seq = p->seq, .kind = EV_ARRIVE};
  e.u.p = p;
  return heap_push_seq(ns, &e);
}

/* The head of a link's FIFO has arrived: the next one goes in the heap. */
static int link_fifo_pop(netsim *ns, pkt *p) {
  lnk *l = &ns->links[p->path * 2u + p->dir];
  l->fifo_head = p->next;
  if (!l->fifo_head) {
    l->fifo_tail = NULL;
    return 0;
  }
  pkt *n = l->fifo_head;
  ev e = {.t = n->t_arr, .seq = n->seq, .kind = EV_LINK};
  e.u.p = n;
  return heap_push_seq(ns, &e);
}

/* `a` is the tap's own address (10.2.P.1, P its path). */
static int is_tap_addr(const netsim *ns, const mptcp_addr *a) {
  return ns->hosts[NETSIM_TAP].attached && a->family == 4 && a->ip[0] == 10 &&
         a->ip[1] == NETSIM_TAP && a->ip[2] == ns->tap_path && a->ip[3] == 1;
}

static int host_fail(netsim *ns, int code);

/* A host sent `p`: steps 1 to 5 of netsim.h, then link_transmit(). */
static int net_send(netsim *ns, int from, pkt *p) {
  const uint8_t *ip = p->src.ip;
  int dir;
  uint8_t path;
  if (from == NETSIM_TAP) {
    /* injected: by destination, on the tap's path only */
    const uint8_t *d = p->dst.ip;
    if (p->dst.family != 4 || d[0] != 10 || d[1] > 1 || d[3] != 1 ||
        d[2] != ns->tap_path) {
      ns->st.unroutable++;
      pool_put(ns, p);
      return 0;
    }
    dir = d[1] == NETSIM_B ? NETSIM_A2B : NETSIM_B2A;
    path = (uint8_t)(ns->cfg.shared ? 0 : ns->tap_path);
    ns->st.injected++;
  } else {
    if (p->src.family != 4 || ip[0] != 10 || ip[1] != (uint8_t)from ||
        ip[3] != 1 || ip[2] >= ns->cfg.n_paths) {
      ns->st.unroutable++;
      pool_put(ns, p);
      return 0;
    }
    dir = from == NETSIM_A ? NETSIM_A2B : NETSIM_B2A;
    path = ns->cfg.shared ? 0 : ip[2]; /* shared: one bottleneck */
    host *t = &ns->hosts[NETSIM_TAP];
    /* (a segment to the tap's own address is read by it on arrival) */
    if (t->attached && ns->tap_observe && ip[2] == ns->tap_path && !is_tap_addr(ns, &p->dst)) {
      ns->st.tap_seen++;
      int r = t->ops.read(t->ep, &p->src, &p->dst, p->buf, p->len, p->vlen, ns->now);
      if (r < 0) {
        pool_put(ns, p);
        return host_fail(ns, r);
      }
      ns->dirty |= 1u << NETSIM_TAP;
    }
  }
  uint32_t li = (uint32_t)path * 2 + (uint32_t)dir;
  lnk *l = &ns->links[li];
  p->path = path;
  p->dir = (uint8_t)dir;
  p->corrupted = 0;
  p->flushed = 0;
  p->is_copy = 0;
  if (ns->obs)
    observe(ns, NETSIM_OBS_SEND, p);
  if (ns->pcap)
    pcap_record(ns, p);
  l->st.sent++;
  l->st.sent_bytes += (uint64_t)20 + p->len + p->vlen;
  if (l->down) {
    l->st.failure_drops++;
    drop(ns, p, NETSIM_OBS_DROP_FAILURE);
    return 0;
  }
  if (chance(l, l->thr_loss)) {
    l->st.random_losses++;
    drop(ns, p, NETSIM_OBS_DROP_LOSS);
    return 0;
  }
  if (chance(l, l->thr_dup)) {
    pkt *c = pool_get(ns);
    if (!c)
      return NETSIM_ERR_NOMEM;
    memcpy(c, p, offsetof(pkt, buf) + p->len);
    c->is_copy = 1;
    l->st.duplicates++;
    l->st.sent++;
    l->st.sent_bytes += (uint64_t)20 + c->len + c->vlen;
    if (ns->obs)
      observe(ns, NETSIM_OBS_DUPLICATE, c);
    int r = link_transmit(ns, l, c);
    if (r < 0)
      return r;
  }
  return link_transmit(ns, l, p);
}

static void link_down(netsim *ns, lnk *l) {
  l->down++;
  /* Everything queued or being serialized is lost; what has left the
   * sender entirely is on the wire and arrives. */
  while (l->ring_count) {
    if (l->ring_fin[l->ring_head] > ns->now)
      l->ring[l->ring_head]->flushed = 1;
    l->ring_head = l->ring_head + 1 == l->ring_cap ? 0 : l->ring_head + 1;
    l->ring_count--;
  }
  if (l->busy_until > ns->now)
    l->busy_until = ns->now;
  l->ser_rem = 0;
}

/* ------------------------------------------------------------------ */
/* Hosts                                                               */
/* ------------------------------------------------------------------ */

static int host_fail(netsim *ns, int code) {
  ns->err = NETSIM_ERR_HOST;
  ns->err_detail = code;
  return NETSIM_ERR_HOST;
}

/* Drains the host's output and re-arms its timer. */
static int host_service(netsim *ns, int hid) {
  host *h = &ns->hosts[hid];
  ns->dirty &= ~(1u << hid);
  if (!h->attached)
    return 0;
  mptcp_segment seg;
  for (;;) {
    pkt *p = pool_get(ns);
    if (!p)
      return NETSIM_ERR_NOMEM;
    int r = h->ops.write(h->ep, &seg, p->buf, ns->cfg.seg_cap, ns->now);
    if (r <= 0) {
      pool_put(ns, p);
      if (r < 0)
        return host_fail(ns, r);
      break;
    }
    p->src = seg.src;
    p->dst = seg.dst;
    p->len = (uint32_t)seg.len;
    p->hdr_len = (uint16_t)seg.hdr_len;
    p->vlen = seg.payload_virtual ? (uint32_t)seg.payload_len : 0;
    r = net_send(ns, hid, p);
    if (r < 0)
      return r;
  }
  uint64_t e = h->ops.get_expiry(h->ep);
  h->expiry = e;
  if (e == MPTCP_TIME_NEVER)
    return 0;
  if (e < ns->now)
    e = ns->now;
  if (e < h->ev_time) {
    ev x = {.t = e, .kind = EV_TIMER, .aux = (uint32_t)hid};
    x.u.gen = ++h->gen;
    h->ev_time = e;
    return heap_push(ns, &x);
  }
  return 0;
}

static int on_timer(netsim *ns, const ev *e) {
  host *h = &ns->hosts[e->aux];
  if (e->u.gen != h->gen)
    return 0; /* superseded by an earlier one */
  h->ev_time = MPTCP_TIME_NEVER;
  if (h->expiry == MPTCP_TIME_NEVER)
    return 0;
  if (h->expiry > ns->now) {
    /* The deadline moved later since this event was pushed. */
    ev x = {.t = h->expiry, .kind = EV_TIMER, .aux = e->aux};
    x.u.gen = ++h->gen;
    h->ev_time = h->expiry;
    return heap_push(ns, &x);
  }
  ns->st.timer_fires++;
  int r = h->ops.handle_expiry(h->ep, ns->now);
  if (r < 0)
    return host_fail(ns, r);
  return host_service(ns, (int)e->aux);
}

static int on_arrive(netsim *ns, pkt *p) {
  lnk *l = &ns->links[p->path * 2u + p->dir];
  if (p->flushed) {
    l->st.failure_drops++;
    drop(ns, p, NETSIM_OBS_DROP_FAILURE);
    return 0;
  }
  int hid = is_tap_addr(ns, &p->dst) ? NETSIM_TAP : l->dst_host;
  host *h = &ns->hosts[hid];
  l->st.delivered++;
  l->st.delivered_bytes += (uint64_t)20 + p->len + p->vlen;
  ns->st.delivered++;
  if (ns->obs)
    observe(ns, NETSIM_OBS_DELIVER, p);
  if (!h->attached) {
    pool_put(ns, p);
    return 0;
  }
  int r = h->ops.read(h->ep, &p->src, &p->dst, p->buf, p->len, p->vlen,
                      ns->now);
  pool_put(ns, p);
  if (r < 0)
    return host_fail(ns, r);
  return host_service(ns, hid);
}

static int service_dirty(netsim *ns) {
  while (ns->dirty) {
    int hid = ns->dirty & 1u ? 0 : ns->dirty & 2u ? 1 : NETSIM_TAP;
    int r = host_service(ns, hid);
    if (r < 0)
      return r;
  }
  return 0;
}

int netsim_run(netsim *ns, uint64_t until) {
  if (!ns)
    return NETSIM_ERR_ARG;
  if (ns->err)
    return ns->err;
  int r = service_dirty(ns);
  while (r >= 0 && !ns->stop && ns->heap_len) {
    if (ns->heap[0].t > until) {
      if (until > ns->now)
        ns->now = until;
      return 0;
    }
    ev e;
    heap_pop(ns, &e);
    ns->now = e.t;
    ns->st.events++;
    switch (e.kind) {
    case EV_LINK:
      r = link_fifo_pop(ns, e.u.p);
      if (r >= 0)
        r = on_arrive(ns, e.u.p);
      break;
    case EV_ARRIVE:
      r = on_arrive(ns, e.u.p);
      break;
    case EV_TIMER:
      r = on_timer(ns, &e);
      break;
    case EV_APP:
      e.u.fn(ns, e.arg);
      r = 0;
      break;
    case EV_DOWN:
      link_down(ns, &ns->links[e.aux]);
      r = 0;
      break;
    case EV_UP:
      ns->links[e.aux].down--;
      r = 0;
      break;
    }
    if (r >= 0)
      r = service_dirty(ns);
  }
  if (r < 0) {
    if (!ns->err)
      ns->err = r;
    return r;
  }
  if (ns->stop) {
    ns->stop = 0;
    return 1;
  }
  return 0;
}
