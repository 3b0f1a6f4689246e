/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fastsim.c - the fast engine's network (see fastsim.h).
 *
 * What keeps it fast, per packet and per hop:
 *   - a link direction is a FIFO server: when a packet is queued its start
 *     of serialization and its arrival at the far node are known at once
 *     (max(now, busy until) + serialization + delay), so a hop costs one
 *     event, not two. Packets of one direction arrive in the order they
 *     were queued, so they wait in a list and only the head is in the
 *     event heap;
 *   - the queue length (packets not yet on the wire) is the part of that
 *     list whose serialization has not started: a pointer into the list,
 *     advanced lazily;
 *   - the event heap is 4-ary (fewer cache lines per sift than a binary
 *     heap) and ordered by (time, insertion number); a packet takes its
 *     number when it is queued, so equal times resolve the same way in
 *     every run;
 *   - packets come from a pool that grows by doubling and is never given
 *     back during a run; the sending host writes straight into the
 *     packet's buffer, the receiving host reads it from there;
 *   - routes are a table per (node, destination node) computed once: a
 *     list of equal-cost next links, one chosen by a salted flow hash.
 */
#include "fastsim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_fq.h"
#include "netsim.h" /* the xoshiro256** streams */

#define FS_NEVER UINT64_MAX

enum { EV_LINK = 0, EV_TIMER = 1, EV_APP = 2, EV_FQ = 3 };

typedef struct fs_pkt {
  struct fs_pkt *next;
  uint64_t t_start;  /* serialization starts on the current link */
  uint64_t t_arrive; /* at the far node */
  uint64_t seq;
  mptcp_addr src, dst;
  uint32_t len;         /* bytes in data */
  uint32_t virtual_len; /* payload bytes not in data */
  int32_t dnode;        /* the node owning dst (looked up once, at the sender) */
  int32_t dvia;         /* dst bound to a link: the node at its far end, else -1 */
  int32_t dlast;        /* ... and the direction from there to dnode */
  int32_t ldir_src;     /* the link the sender bound src to, or -1 */
  uint8_t *data;
} fs_pkt;

typedef struct fs_dir {
  fs_link_config c;
  int from, to;
  uint64_t busy_until;
  uint64_t frac; /* remainder of bits * 1e9 / rate, carried */
  /* wire bits * 1e9 = q * rate + r for the last two packet sizes (data
   * and ACKs, mostly): the serialization time without a division */
  struct {
    uint64_t wire, q, r;
  } ser_cache[2];
  int ser_next; /* the entry a new size replaces */
  fs_pkt *head, *tail;
  fs_pkt *wait; /* first packet whose serialization has not started */
  uint32_t n_wait;
  /* RED */
  double avg;
  int64_t count;
  int old;
  netsim_rng rng;
  fs_link_stats st;
  /* FQ-CoDel: the discipline in front of a one-packet device queue */
  fs_fq *fq;
  uint64_t fq_wake; /* an EV_FQ is due then (FS_NEVER: none) */
  uint64_t fq_salt; /* of the flow hash */
  struct fs_net *net;
} fs_dir;

typedef struct fs_node {
  char *name;
  const fs_host_ops *ops_p;
  fs_host_ops ops;
  void *ep;
  int has_host;
  int has_addr;
  int dest_idx; /* index among destinations, -1 */
  uint64_t timer_at;
  int touched;
  uint64_t salt;
  int *links; /* link direction indices leaving the node */
  int n_links, cap_links;
  fs_capture_fn capture;
  void *capture_user;
} fs_node;

typedef struct fs_ev {
  uint64_t t;
  uint64_t seq;
  uint32_t kind;
  uint32_t idx;
} fs_ev;

typedef struct fs_app {
  fs_event_fn fn;
  void *arg;
  uint32_t next_free;
} fs_app;

typedef struct fs_addr_slot {
  uint32_t ip; /* host order; 0: empty */
  int node;
  int ldir;
} fs_addr_slot;

struct fs_net {
  uint64_t seed;
  size_t seg_cap;
  uint64_t now;
  uint64_t next_seq;
  int stop;
  int finalized;
  int err_code;
  char err[200];

  fs_node *nodes;
  int n_nodes, cap_nodes;
  fs_dir *dirs;
  int n_dirs, cap_dirs;

  fs_addr_slot *addrs;
  uint32_t addr_cap, addr_n;

  /* routes: for node u and destination index t, next link directions
   * route_links[route_off[u * n_dest + t] ...] (route_cnt of them) */
  int n_dest;
  uint32_t *route_off;
  uint16_t *route_cnt;
  uint16_t *route_dist; /* hops, UINT16_MAX: unreachable */
  int *route_links;

  fs_ev *heap;
  size_t heap_n, heap_cap;

  fs_app *apps;
  uint32_t app_n, app_cap, app_free;

  fs_pkt *free_pkts;
  void **slabs;
  size_t n_slabs;

  int *touched;
  int n_touched;

  fs_deliver_fn deliver_fn;
  void *deliver_user;
  fs_stats st;
};

/* ------------------------------------------------------------------ */

static void *fs_alloc(fs_net *net, size_t n) {
  void *p = calloc(1, n);
  if (p)
    net->st.memory += n;
  return p;
}

static int grow(fs_net *net, void **arr, size_t elem, size_t need, size_t *cap) {
  if (need <= *cap)
    return 0;
  size_t nc = *cap ? *cap : 8;
  while (nc < need)
    nc *= 2;
  void *p = realloc(*arr, nc * elem);
  if (!p)
    return FS_ERR_NOMEM;
  memset((uint8_t *)p + *cap * elem, 0, (nc - *cap) * elem);
  net->st.memory += (nc - *cap) * elem;
  *arr = p;
  *cap = nc;
  return 0;
}

static int fail(fs_net *net, int code, const char *fmt, const char *a, const char *b) {
  net->err_code = code;
  snprintf(net->err, sizeof(net->err), fmt, a ? a : "", b ? b : "");
  return code;
}

static const char *node_name(const fs_net *net, int n) {
  return (n >= 0 && n < net->n_nodes && net->nodes[n].name) ? net->nodes[n].name : "?";
}

void fs_link_config_default(fs_link_config *c) {
  memset(c, 0, sizeof(*c));
  c->rate_bps = 10000000;
  c->delay_ns = 10000000;
  c->queue_pkts = 100;
  c->overhead_bytes = 20;
  c->queue_kind = FS_QUEUE_DROPTAIL;
  c->red_min_th = 5;
  c->red_max_th = 15;
  c->red_max_p = 0.02;
  c->red_qw = 0.002;
  c->red_gentle = 1;
  c->fq_flows = 1024;
  c->fq_quantum = 1500;
  c->fq_target_ns = 5000000;
  c->fq_interval_ns = 100000000;
}

static int st_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst, const uint8_t *data,
                   size_t len, size_t virtual_len, uint64_t now) {
  return mptcp_stack_read((mptcp_stack *)ep, src, dst, data, len, virtual_len, now);
}
static int st_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap, uint64_t now) {
  return mptcp_stack_write((mptcp_stack *)ep, seg, buf, cap, now);
}
static uint64_t st_expiry(void *ep) { return mptcp_stack_get_expiry((const mptcp_stack *)ep); }
static int st_handle(void *ep, uint64_t now) {
  return mptcp_stack_handle_expiry((mptcp_stack *)ep, now);
}

fs_host_ops fs_stack_ops(void) {
  fs_host_ops o = {st_read, st_write, st_expiry, st_handle};
  return o;
}

int fs_new(fs_net **pnet, uint64_t seed, size_t seg_cap) {
  if (!pnet || seg_cap < 20 || seg_cap > 1u << 20)
    return FS_ERR_ARG;
  fs_net *net = calloc(1, sizeof(*net));
  if (!net)
    return FS_ERR_NOMEM;
  net->seed = seed;
  net->seg_cap = (seg_cap + 7) & ~(size_t)7;
  net->app_free = UINT32_MAX;
  net->st.memory = sizeof(*net);
  *pnet = net;
  return 0;
}

void fs_del(fs_net *net) {
  if (!net)
    return;
  for (int i = 0; i < net->n_nodes; i++) {
    free(net->nodes[i].name);
    free(net->nodes[i].links);
  }
  for (size_t i = 0; i < net->n_slabs; i++)
    free(net->slabs[i]);
  free(net->slabs);
  free(net->nodes);
  for (int d = 0; d < net->n_dirs; d++)
    fs_fq_del(net->dirs[d].fq);
  free(net->dirs);
  free(net->addrs);
  free(net->route_off);
  free(net->route_cnt);
  free(net->route_dist);
  free(net->route_links);
  free(net->heap);
  free(net->apps);
  free(net->touched);
  free(net);
}

const char *fs_error(const fs_net *net) { return net ? net->err : ""; }

int fs_add_node(fs_net *net, const char *name) {
  if (!net || net->finalized)
    return FS_ERR_ARG;
  size_t cap = (size_t)net->cap_nodes;
  if (grow(net, (void **)&net->nodes, sizeof(fs_node), (size_t)net->n_nodes + 1, &cap) < 0)
    return FS_ERR_NOMEM;
  net->cap_nodes = (int)cap;
  fs_node *n = &net->nodes[net->n_nodes];
  memset(n, 0, sizeof(*n));
  if (name) {
    size_t l = strlen(name);
    n->name = malloc(l + 1);
    if (!n->name)
      return FS_ERR_NOMEM;
    memcpy(n->name, name, l + 1);
  }
  n->dest_idx = -1;
  n->timer_at = FS_NEVER;
  uint64_t x = net->seed ^ (0x5bd1e995ull * (uint64_t)(net->n_nodes + 1));
  n->salt = netsim_splitmix64(&x);
  return net->n_nodes++;
}

int fs_node_count(const fs_net *net) { return net ? net->n_nodes : 0; }

static int check_link(fs_net *net, const fs_link_config *c, int a, int b) {
  char what[96];
  snprintf(what, sizeof(what), "%s -> %s", node_name(net, a), node_name(net, b));
  if (c->rate_bps == 0)
    return fail(net, FS_ERR_ARG, "link %s: the rate must be positive (got 0)%s", what, NULL);
  if (!(c->loss >= 0 && c->loss <= 1))
    return fail(net, FS_ERR_ARG, "link %s: the loss probability must be in [0, 1]%s", what, NULL);
  if (c->queue_kind != FS_QUEUE_DROPTAIL && c->queue_kind != FS_QUEUE_RED &&
      c->queue_kind != FS_QUEUE_FQ_CODEL)
    return fail(net, FS_ERR_ARG, "link %s: unknown queue discipline%s", what, NULL);
  if (c->queue_kind == FS_QUEUE_FQ_CODEL &&
      !(c->fq_flows > 0 && c->fq_quantum > 0 && c->fq_interval_ns > 0 && c->queue_pkts > 0 &&
        c->fq_l2_bytes <= c->overhead_bytes))
    return fail(net, FS_ERR_ARG,
                "link %s: FQ-CoDel needs flows, a quantum, an interval and a limit above 0%s",
                what, NULL);
  if (c->queue_kind == FS_QUEUE_RED &&
      !(c->red_min_th >= 0 && c->red_max_th > c->red_min_th && c->red_max_p > 0 &&
        c->red_max_p <= 1 && c->red_qw > 0 && c->red_qw <= 1))
    return fail(net, FS_ERR_ARG,
                "link %s: RED needs 0 <= min_th < max_th, max_p and qw in (0, 1]%s", what, NULL);
  return 0;
}

int fs_add_link(fs_net *net, int a, int b, const fs_link_config *ab, const fs_link_config *ba) {
  if (!net || !ab || net->finalized)
    return FS_ERR_ARG;
  if (a < 0 || a >= net->n_nodes || b < 0 || b >= net->n_nodes) {
    char na[24], nb[24];
    snprintf(na, sizeof(na), "%d", a);
    snprintf(nb, sizeof(nb), "%d", b);
    return fail(net, FS_ERR_ARG, "link %s -- %s: unknown node", na, nb);
  }
  if (a == b)
    return fail(net, FS_ERR_ARG, "link %s -- %s: a link joins two different nodes",
                node_name(net, a), node_name(net, b));
  if (!ba)
    ba = ab;
  int e = check_link(net, ab, a, b);
  if (e < 0)
    return e;
  if ((e = check_link(net, ba, b, a)) < 0)
    return e;
  size_t cap = (size_t)net->cap_dirs;
  if (grow(net, (void **)&net->dirs, sizeof(fs_dir), (size_t)net->n_dirs + 2, &cap) < 0)
    return FS_ERR_NOMEM;
  net->cap_dirs = (int)cap;
  int link = net->n_dirs / 2;
  for (int d = 0; d < 2; d++) {
    fs_dir *x = &net->dirs[net->n_dirs + d];
    memset(x, 0, sizeof(*x));
    x->c = d ? *ba : *ab;
    x->from = d ? b : a;
    x->to = d ? a : b;
    x->count = 0;
    netsim_rng_seed(&x->rng, net->seed, 0x10000u + (uint64_t)net->n_dirs + (uint64_t)d);
    fs_node *n = &net->nodes[x->from];
    size_t lc = (size_t)n->cap_links;
    if (grow(net, (void **)&n->links, sizeof(int), (size_t)n->n_links + 1, &lc) < 0)
      return FS_ERR_NOMEM;
    n->cap_links = (int)lc;
    n->links[n->n_links++] = net->n_dirs + d;
  }
  net->n_dirs += 2;
  return link;
}

static uint32_t ip_u32(const uint8_t ip[4]) {
  return ((uint32_t)ip[0] << 24) | ((uint32_t)ip[1] << 16) | ((uint32_t)ip[2] << 8) | ip[3];
}

static uint32_t ip_hash(uint32_t ip) { return (ip * 0x9e3779b1u) ^ (ip >> 16); }

static fs_addr_slot *addr_find(const fs_net *net, uint32_t ip) {
  if (!net->addr_cap || !ip)
    return NULL;
  uint32_t m = net->addr_cap - 1;
  for (uint32_t i = ip_hash(ip) & m;; i = (i + 1) & m) {
    fs_addr_slot *s = &net->addrs[i];
    if (s->ip == ip)
      return s;
    if (!s->ip)
      return NULL;
  }
}

static int addr_insert(fs_net *net, uint32_t ip, int node, int ldir) {
  if (2 * (net->addr_n + 1) > net->addr_cap) {
    uint32_t nc = net->addr_cap ? 2 * net->addr_cap : 64;
    fs_addr_slot *old = net->addrs;
    uint32_t oc = net->addr_cap;
    net->addrs = fs_alloc(net, nc * sizeof(fs_addr_slot));
    if (!net->addrs) {
      net->addrs = old;
      return FS_ERR_NOMEM;
    }
    net->addr_cap = nc;
    net->addr_n = 0;
    for (uint32_t i = 0; i < oc; i++)
      if (old[i].ip)
        addr_insert(net, old[i].ip, old[i].node, old[i].ldir);
    free(old);
  }
  uint32_t m = net->addr_cap - 1;
  uint32_t i = ip_hash(ip) & m;
  while (net->addrs[i].ip)
    i = (i + 1) & m;
  net->addrs[i].ip = ip;
  net->addrs[i].node = node;
  net->addrs[i].ldir = ldir;
  net->addr_n++;
  return 0;
}

int fs_set_link_loss(fs_net *net, int link, int dir, double loss) {
  if (!net)
    return FS_ERR_ARG;
  if (link < 0 || 2 * link >= net->n_dirs || dir < -1 || dir > 1)
    return fail(net, FS_ERR_ARG, "set link loss: no such link or direction%s%s", "", "");
  if (!(loss >= 0 && loss <= 1))
    return fail(net, FS_ERR_ARG, "set link loss: the probability must be in [0, 1]%s%s", "", "");
  for (int d = 0; d < 2; d++)
    if (dir < 0 || dir == d)
      net->dirs[2 * link + d].c.loss = loss;
  return 0;
}

int fs_add_address(fs_net *net, int node, const uint8_t ip[4], int link) {
  if (!net || !ip || net->finalized)
    return FS_ERR_ARG;
  if (node < 0 || node >= net->n_nodes) {
    char nn[24];
    snprintf(nn, sizeof(nn), "%d", node);
    return fail(net, FS_ERR_ARG, "address on node %s: unknown node%s", nn, NULL);
  }
  char a[20];
  snprintf(a, sizeof(a), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
  uint32_t v = ip_u32(ip);
  if (!v)
    return fail(net, FS_ERR_ARG, "address %s on node %s: 0.0.0.0 is not an address", a,
                node_name(net, node));
  if (addr_find(net, v))
    return fail(net, FS_ERR_ARG, "address %s on node %s: already given", a, node_name(net, node));
  int ldir = -1;
  if (link >= 0) {
    if (2 * link + 1 >= net->n_dirs)
      return fail(net, FS_ERR_ARG, "address %s on node %s: unknown link", a, node_name(net, node));
    if (net->dirs[2 * link].from == node)
      ldir = 2 * link;
    else if (net->dirs[2 * link + 1].from == node)
      ldir = 2 * link + 1;
    else
      return fail(net, FS_ERR_ARG, "address %s on node %s: the link is not at this node", a,
                  node_name(net, node));
  }
  int e = addr_insert(net, v, node, ldir);
  if (e < 0)
    return e;
  net->nodes[node].has_addr = 1;
  return 0;
}

int fs_address_node(const fs_net *net, const uint8_t ip[4]) {
  if (!net || !ip)
    return -1;
  const fs_addr_slot *s = addr_find(net, ip_u32(ip));
  return s ? s->node : -1;
}

int fs_set_host(fs_net *net, int node, const fs_host_ops *ops, void *ep) {
  if (!net || node < 0 || node >= net->n_nodes || !ops || !ops->read || !ops->write ||
      !ops->get_expiry || !ops->handle_expiry)
    return FS_ERR_ARG;
  fs_node *n = &net->nodes[node];
  n->ops = *ops;
  n->ops_p = &n->ops;
  n->ep = ep;
  n->has_host = 1;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

static void fq_dropped(void *user, void *pkt, int codel);

/* The FQ-CoDel disciplines, once the links are all there (they keep a
 * pointer to their direction). */
static int fq_create(fs_net *net) {
  for (int ld = 0; ld < net->n_dirs; ld++) {
    fs_dir *d = &net->dirs[ld];
    d->net = net;
    d->fq_wake = FS_NEVER;
    if (d->c.queue_kind != FS_QUEUE_FQ_CODEL)
      continue;
    fs_fq_config fc;
    fs_fq_config_default(&fc);
    fc.flows = d->c.fq_flows;
    fc.limit = d->c.queue_pkts;
    fc.quantum = d->c.fq_quantum;
    fc.min_bytes = d->c.fq_quantum;
    fc.target_ns = d->c.fq_target_ns;
    fc.interval_ns = d->c.fq_interval_ns;
    uint64_t x = net->seed ^ (0x5f0000u + (uint64_t)ld);
    d->fq_salt = netsim_splitmix64(&x);
    d->fq = fs_fq_new(&fc, fq_dropped, d);
    if (!d->fq)
      return fail(net, FS_ERR_NOMEM, "out of memory%s%s", NULL, NULL);
  }
  return 0;
}

int fs_finalize(fs_net *net) {
  if (!net || net->finalized)
    return FS_ERR_ARG;
  int fqe = fq_create(net);
  if (fqe < 0)
    return fqe;
  int N = net->n_nodes;
  int D = 0;
  /* the far end of a link an address is bound to is a destination too:
   * the route to such an address ends with that link (as a route to the
   * address's subnet does) */
  for (uint32_t i = 0; i < net->addr_cap; i++)
    if (net->addrs[i].ip && net->addrs[i].ldir >= 0)
      net->nodes[net->dirs[net->addrs[i].ldir].to].has_addr |= 2;
  for (int i = 0; i < N; i++)
    if (net->nodes[i].has_addr || net->nodes[i].has_host)
      net->nodes[i].dest_idx = D++;
  net->n_dest = D;
  size_t cells = (size_t)N * (size_t)(D ? D : 1);
  net->route_off = fs_alloc(net, cells * sizeof(uint32_t));
  net->route_cnt = fs_alloc(net, cells * sizeof(uint16_t));
  net->route_dist = fs_alloc(net, cells * sizeof(uint16_t));
  int *dist = malloc((size_t)(N ? N : 1) * sizeof(int));
  int *queue = malloc((size_t)(N ? N : 1) * sizeof(int));
  /* incoming link directions per node, for the reverse search */
  int *in_off = calloc((size_t)N + 1, sizeof(int));
  int *in_dirs = malloc((size_t)(net->n_dirs ? net->n_dirs : 1) * sizeof(int));
  size_t rl_cap = 0, rl_n = 0;
  int rc = 0;
  if (!net->route_off || !net->route_cnt || !net->route_dist || !dist || !queue || !in_off || !in_dirs) {
    rc = FS_ERR_NOMEM;
    goto out;
  }
  for (int d = 0; d < net->n_dirs; d++)
    in_off[net->dirs[d].to + 1]++;
  for (int i = 0; i < N; i++)
    in_off[i + 1] += in_off[i];
  {
    int *fill = calloc((size_t)N + 1, sizeof(int));
    if (!fill) {
      rc = FS_ERR_NOMEM;
      goto out;
    }
    for (int d = 0; d < net->n_dirs; d++) {
      int to = net->dirs[d].to;
      in_dirs[in_off[to] + fill[to]++] = d;
    }
    free(fill);
  }
  for (int t = 0; t < N; t++) {
    int ti = net->nodes[t].dest_idx;
    if (ti < 0)
      continue;
    for (int i = 0; i < N; i++)
      dist[i] = -1;
    int qh = 0, qt = 0;
    dist[t] = 0;
    queue[qt++] = t;
    while (qh < qt) {
      int v = queue[qh++];
      /* hosts do not forward: the search goes on only through routers */
      if (v != t && net->nodes[v].has_host)
        continue;
      for (int k = in_off[v]; k < in_off[v + 1]; k++) {
        int u = net->dirs[in_dirs[k]].from;
        if (dist[u] < 0) {
          dist[u] = dist[v] + 1;
          queue[qt++] = u;
        }
      }
    }
    for (int u = 0; u < N; u++) {
      size_t cell = (size_t)u * (size_t)D + (size_t)ti;
      net->route_off[cell] = (uint32_t)rl_n;
      net->route_cnt[cell] = 0;
      net->route_dist[cell] = dist[u] < 0 || dist[u] >= UINT16_MAX ? UINT16_MAX : (uint16_t)dist[u];
      if (u == t || dist[u] < 0) {
        /* hosts and nodes with addresses of their own must reach each
         * other (the far ends of bound links need not) */
        if (dist[u] < 0 && ((net->nodes[u].has_addr & 1) || net->nodes[u].has_host) &&
            ((net->nodes[t].has_addr & 1) || net->nodes[t].has_host)) {
          rc = fail(net, FS_ERR_TOPOLOGY, "the topology is disconnected: node %s cannot reach node %s",
                    node_name(net, u), node_name(net, t));
          goto out;
        }
        continue;
      }
      fs_node *n = &net->nodes[u];
      for (int k = 0; k < n->n_links; k++) {
        int d = n->links[k];
        int v = net->dirs[d].to;
        if (dist[v] == dist[u] - 1 && (v == t || !net->nodes[v].has_host)) {
          if (grow(net, (void **)&net->route_links, sizeof(int), rl_n + 1, &rl_cap) < 0) {
            rc = FS_ERR_NOMEM;
            goto out;
          }
          net->route_links[rl_n++] = d;
          net->route_cnt[cell]++;
        }
      }
    }
  }
  net->touched = fs_alloc(net, (size_t)(N ? N : 1) * sizeof(int));
  if (!net->touched) {
    rc = FS_ERR_NOMEM;
    goto out;
  }
  net->finalized = 1;
out:
  free(dist);
  free(queue);
  free(in_off);
  free(in_dirs);
  return rc;
}

static inline uint64_t flow_hash(const mptcp_addr *s, const mptcp_addr *d, uint64_t salt) {
  uint64_t x = salt ^ ((uint64_t)ip_u32(s->ip) << 32 | ip_u32(d->ip));
  x ^= ((uint64_t)s->port << 16 | d->port) * 0x9e3779b97f4a7c15ull;
  return netsim_splitmix64(&x);
}

/* The link direction a packet leaves node u by towards node dnode; -1: no
 * route. */
static int route_of(const fs_net *net, int u, const mptcp_addr *src, const mptcp_addr *dst,
                    int dnode) {
  const fs_node *t = &net->nodes[dnode];
  if (t->dest_idx < 0)
    return -1;
  size_t cell = (size_t)u * (size_t)net->n_dest + (size_t)t->dest_idx;
  uint16_t cnt = net->route_cnt[cell];
  if (!cnt)
    return -1;
  const int *l = &net->route_links[net->route_off[cell]];
  if (cnt == 1)
    return l[0];
  return l[flow_hash(src, dst, net->nodes[u].salt) % cnt];
}

static inline uint16_t route_dist(const fs_net *net, int u, int t) {
  int ti = net->nodes[t].dest_idx;
  return ti < 0 ? UINT16_MAX : net->route_dist[(size_t)u * (size_t)net->n_dest + (size_t)ti];
}

/* The next link at u of a packet to an address of node x bound to the
 * link (via -> x, direction last): as a route to the address's subnet,
 * whose ends are via and x, it goes to the nearer end (via on a tie) and,
 * from via, over that link. */
static int route_bound(const fs_net *net, int u, const mptcp_addr *src, const mptcp_addr *dst,
                       int x, int via, int last) {
  if (u == via)
    return last;
  uint16_t dv = route_dist(net, u, via), dx = route_dist(net, u, x);
  if (dv != UINT16_MAX && dv <= dx)
    return route_of(net, u, src, dst, via);
  return route_of(net, u, src, dst, x);
}

int fs_route(const fs_net *net, int node, const mptcp_addr *src, const mptcp_addr *dst) {
  if (!net || !net->finalized || node < 0 || node >= net->n_nodes || !src || !dst ||
      dst->family != 4)
    return -1;
  const fs_addr_slot *ds = addr_find(net, ip_u32(dst->ip));
  if (!ds || ds->node == node)
    return -1;
  if (net->nodes[node].has_host && src->family == 4) {
    const fs_addr_slot *ss = addr_find(net, ip_u32(src->ip));
    if (ss && ss->node == node && ss->ldir >= 0)
      return ss->ldir;
  }
  if (ds->ldir >= 0)
    return route_bound(net, node, src, dst, ds->node, net->dirs[ds->ldir].to, ds->ldir ^ 1);
  return route_of(net, node, src, dst, ds->node);
}

int fs_link_far_node(const fs_net *net, int ldir) {
  return (net && ldir >= 0 && ldir < net->n_dirs) ? net->dirs[ldir].to : -1;
}

/* ------------------------------------------------------------------ */
/* Event heap (4-ary)                                                  */
/* ------------------------------------------------------------------ */

static inline int ev_less(const fs_ev *a, const fs_ev *b) {
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int heap_push(fs_net *net, uint64_t t, uint64_t seq, uint32_t kind, uint32_t idx) {
  if (net->heap_n == net->heap_cap &&
      grow(net, (void **)&net->heap, sizeof(fs_ev), net->heap_n + 1, &net->heap_cap) < 0)
    return FS_ERR_NOMEM;
  fs_ev e = {t, seq, kind, idx};
  size_t i = net->heap_n++;
  while (i > 0) {
    size_t p = (i - 1) / 4;
    if (!ev_less(&e, &net->heap[p]))
      break;
    net->heap[i] = net->heap[p];
    i = p;
  }
  net->heap[i] = e;
  return 0;
}

static void heap_pop(fs_net *net) {
  fs_ev last = net->heap[--net->heap_n];
  size_t n = net->heap_n, i = 0;
  if (!n)
    return;
  for (;;) {
    size_t c = 4 * i + 1;
    if (c >= n)
      break;
    size_t best = c;
    size_t end = c + 4 < n ? c + 4 : n;
    for (size_t k = c + 1; k < end; k++)
      if (ev_less(&net->heap[k], &net->heap[best]))
        best = k;
    if (!ev_less(&net->heap[best], &last))
      break;
    net->heap[i] = net->heap[best];
    i = best;
  }
  net->heap[i] = last;
}

/* ------------------------------------------------------------------ */
/* Packets                                                             */
/* ------------------------------------------------------------------ */

static fs_pkt *pkt_alloc(fs_net *net) {
  if (!net->free_pkts) {
    size_t n = net->st.pool_size ? net->st.pool_size : 256;
    size_t one = sizeof(fs_pkt) + net->seg_cap;
    uint8_t *slab = malloc(n * one);
    if (!slab)
      return NULL;
    void **s = realloc(net->slabs, (net->n_slabs + 1) * sizeof(void *));
    if (!s) {
      free(slab);
      return NULL;
    }
    net->slabs = s;
    net->slabs[net->n_slabs++] = slab;
    net->st.memory += n * one;
    for (size_t i = 0; i < n; i++) {
      fs_pkt *p = (fs_pkt *)(slab + i * one);
      p->data = (uint8_t *)(p + 1);
      p->next = net->free_pkts;
      net->free_pkts = p;
    }
    net->st.pool_size += n;
  }
  fs_pkt *p = net->free_pkts;
  net->free_pkts = p->next;
  p->next = NULL;
  return p;
}

static inline void pkt_free(fs_net *net, fs_pkt *p) {
  p->next = net->free_pkts;
  net->free_pkts = p;
}

/* RED's decision for a packet arriving when `q` packets wait in the
 * queue discipline: Floyd and Jacobson 1993 (average, linear drop
 * probability between the thresholds, spread by the count since the last
 * drop) with the choices of ns-3's RedQueueDisc at its defaults (facts of
 * its documented behaviour, src/traffic-control/model/red-queue-disc.cc):
 *   - idle time decays the average as m = idle x LinkBandwidth /
 *     (8 x MeanPktSize) arrivals of an empty queue would (red_idle_pps);
 *   - no early drop unless more than one packet waits;
 *   - when the average first exceeds min_th the count restarts at 1 and
 *     nothing is dropped; below min_th the state resets;
 *   - "Wait": with p the linear probability and c the count, the drop
 *     probability is 0 while c p < 1, p / (2 - c p) while c p < 2, then 1;
 *   - a forced drop (average above max_th, or 2 max_th when gentle) does
 *     not reset the count. */
static int red_drops(fs_dir *d, uint64_t now, uint32_t q) {
  const fs_link_config *c = &d->c;
  if (q == 0 && d->busy_until < now) {
    double pps = c->red_idle_pps > 0 ? c->red_idle_pps : (double)c->rate_bps / (8.0 * 500.0);
    double m = floor((double)(now - d->busy_until) * 1e-9 * pps);
    d->avg *= pow(1.0 - c->red_qw, m);
  }
  d->avg = (1.0 - c->red_qw) * d->avg + c->red_qw * (double)q;
  d->count++;
  if (!(d->avg >= c->red_min_th && q > 1)) {
    d->old = 0;
    return 0;
  }
  if ((!c->red_gentle && d->avg >= c->red_max_th) || (c->red_gentle && d->avg >= 2 * c->red_max_th))
    return 1;
  if (!d->old) {
    d->count = 1;
    d->old = 1;
    return 0;
  }
  double pb;
  if (d->avg < c->red_max_th)
    pb = c->red_max_p * (d->avg - c->red_min_th) / (c->red_max_th - c->red_min_th);
  else
    pb = c->red_max_p + (1.0 - c->red_max_p) * (d->avg - c->red_max_th) / c->red_max_th;
  double cp = (double)d->count * pb;
  double pa = cp < 1.0 ? 0.0 : cp < 2.0 ? pb / (2.0 - cp) : 1.0;
  if (pa > 1.0)
    pa = 1.0;
  double u = (double)(netsim_rng_next(&d->rng) >> 11) * 0x1.0p-53;
  if (u <= pa && pa > 0) {
    d->count = 0;
    return 1;
  }
  return 0;
}

static int device_push(fs_net *net, int ld, fs_pkt *p);

/* Packets whose serialization has started leave the waiting count. */
static inline void started(fs_dir *d, uint64_t now) {
  while (d->wait && d->wait->t_start <= now) {
    d->wait = d->wait->next;
    d->n_wait--;
  }
}

/* FQ-CoDel: while the device has room (nothing waits behind the packet on
 * the wire), the discipline's next packet goes to it; when one waits, an
 * event wakes the discipline as it starts on the wire. */
static int fq_pump(fs_net *net, int ld) {
  fs_dir *d = &net->dirs[ld];
  uint64_t now = net->now;
  started(d, now);
  while (!(d->busy_until > now && d->n_wait >= 1)) {
    fs_pkt *p = fs_fq_dequeue(d->fq, now);
    if (!p)
      return 0;
    int e = device_push(net, ld, p);
    if (e < 0)
      return e;
    started(d, now);
  }
  if (d->wait && d->fq_wake != d->wait->t_start && fs_fq_packets(d->fq)) {
    d->fq_wake = d->wait->t_start;
    return heap_push(net, d->fq_wake, net->next_seq++, EV_FQ, (uint32_t)ld);
  }
  return 0;
}

static void fq_dropped(void *user, void *pkt, int codel) {
  fs_dir *d = user;
  if (codel)
    d->st.codel_drops++;
  else
    d->st.queue_drops++;
  pkt_free(d->net, pkt);
}

/* Queues p on link direction ld at now; it may be dropped. */
static int enqueue(fs_net *net, int ld, fs_pkt *p) {
  fs_dir *d = &net->dirs[ld];
  uint64_t now = net->now;
  uint64_t wire = (uint64_t)d->c.overhead_bytes + p->len + p->virtual_len;
  d->st.sent++;
  d->st.sent_bytes += wire;
  if (d->fq) {
    uint64_t h;
    if (d->c.fq_by_host) { /* the source address alone, no ports */
      mptcp_addr host = p->src;
      host.port = 0;
      h = flow_hash(&host, &host, d->fq_salt);
    } else {
      h = flow_hash(&p->src, &p->dst, d->fq_salt);
    }
    if (fs_fq_enqueue(d->fq, p, (uint32_t)(wire - d->c.fq_l2_bytes), (uint32_t)(h >> 32), now) < 0)
      return FS_ERR_NOMEM;
    return fq_pump(net, ld);
  }
  started(d, now);
  int waits = d->busy_until > now;
  if (waits && d->n_wait >= d->c.queue_pkts) {
    d->st.queue_drops++;
    pkt_free(net, p);
    return 0;
  }
  /* RED sees the queue discipline's packets: those waiting but the one
   * in the device's queue */
  if (d->c.queue_kind == FS_QUEUE_RED &&
      red_drops(d, now, waits && d->n_wait > 0 ? d->n_wait - 1 : 0)) {
    d->st.red_drops++;
    pkt_free(net, p);
    return 0;
  }
  return device_push(net, ld, p);
}

/* Puts p on link direction ld's wire, or behind what is on it. */
static int device_push(fs_net *net, int ld, fs_pkt *p) {
  fs_dir *d = &net->dirs[ld];
  uint64_t now = net->now;
  uint64_t wire = (uint64_t)d->c.overhead_bytes + p->len + p->virtual_len;
  int waits = d->busy_until > now;
  uint64_t start = waits ? d->busy_until : now;
  uint64_t ser;
  int k = d->ser_cache[0].wire == wire ? 0 : d->ser_cache[1].wire == wire ? 1 : -1;
  if (k < 0) {
    /* a new size: replace the entries in turn */
    k = d->ser_next;
    d->ser_next ^= 1;
    uint64_t bits = wire * 8u * 1000000000u;
    d->ser_cache[k].wire = wire;
    d->ser_cache[k].q = bits / d->c.rate_bps;
    d->ser_cache[k].r = bits % d->c.rate_bps;
  }
  /* (q rate + r + frac) / rate with r, frac < rate: the same quotient and
   * remainder as dividing the whole */
  uint64_t rem = d->ser_cache[k].r + d->frac;
  ser = d->ser_cache[k].q;
  if (rem >= d->c.rate_bps) {
    rem -= d->c.rate_bps;
    ser++;
  }
  d->frac = rem;
  if (!ser)
    ser = 1;
  d->busy_until = start + ser;
  p->t_start = start;
  p->t_arrive = start + ser + d->c.delay_ns;
  p->seq = net->next_seq++;
  p->next = NULL;
  if (waits) {
    d->n_wait++;
    if (d->n_wait > d->st.max_queue)
      d->st.max_queue = d->n_wait;
    if (!d->wait)
      d->wait = p;
  }
  if (d->tail)
    d->tail->next = p;
  else {
    d->head = p;
    if (heap_push(net, p->t_arrive, p->seq, EV_LINK, (uint32_t)ld) < 0)
      return FS_ERR_NOMEM;
  }
  d->tail = p;
  return 0;
}

static void touch(fs_net *net, int node) {
  fs_node *n = &net->nodes[node];
  if (!n->touched) {
    n->touched = 1;
    net->touched[net->n_touched++] = node;
  }
}

void fs_touch(fs_net *net, int node) {
  if (net && node >= 0 && node < net->n_nodes && net->touched)
    touch(net, node);
}

/* A packet at node u (arrived, or sent by u's host when from_host). */
static int forward(fs_net *net, int u, fs_pkt *p, int from_host) {
  fs_node *n = &net->nodes[u];
  if (p->dnode == u) {
    if (!n->has_host) {
      net->st.unroutable++;
      pkt_free(net, p);
      return 0;
    }
    net->st.delivered++;
    if (n->capture)
      n->capture(n->capture_user, u, 0, &p->src, &p->dst, p->data, p->len, p->virtual_len,
                 net->now);
    if (net->deliver_fn)
      net->deliver_fn(net->deliver_user, u, &p->src, &p->dst, p->len + p->virtual_len, net->now);
    int r = n->ops.read(n->ep, &p->src, &p->dst, p->data, p->len, p->virtual_len, net->now);
    pkt_free(net, p);
    touch(net, u);
    if (r < 0) {
      net->err_code = r;
      return FS_ERR_HOST;
    }
    return 0;
  }
  if (n->has_host && !from_host) { /* hosts do not forward */
    net->st.unroutable++;
    pkt_free(net, p);
    return 0;
  }
  int ld = from_host ? p->ldir_src : -1;
  if (ld < 0) {
    if (p->dvia < 0)
      ld = route_of(net, u, &p->src, &p->dst, p->dnode);
    else
      ld = route_bound(net, u, &p->src, &p->dst, p->dnode, p->dvia, p->dlast);
  }
  if (ld < 0) {
    net->st.unroutable++;
    pkt_free(net, p);
    return 0;
  }
  return enqueue(net, ld, p);
}

/* Drains the host of node u and re-arms its timer. */
static int service(fs_net *net, int u) {
  fs_node *n = &net->nodes[u];
  n->touched = 0;
  if (!n->has_host)
    return 0;
  for (;;) {
    fs_pkt *p = pkt_alloc(net);
    if (!p)
      return FS_ERR_NOMEM;
    mptcp_segment seg;
    int r = n->ops.write(n->ep, &seg, p->data, net->seg_cap, net->now);
    if (r <= 0) {
      pkt_free(net, p);
      if (r < 0) {
        net->err_code = r;
        return FS_ERR_HOST;
      }
      break;
    }
    p->src = seg.src;
    p->dst = seg.dst;
    p->len = (uint32_t)seg.len;
    p->virtual_len = seg.payload_virtual ? (uint32_t)seg.payload_len : 0;
    if (n->capture)
      n->capture(n->capture_user, u, 1, &p->src, &p->dst, p->data, p->len, p->virtual_len,
                 net->now);
    /* where it goes, and the link its source is bound to: looked up
     * once here, not at every hop */
    const fs_addr_slot *ds = p->dst.family == 4 ? addr_find(net, ip_u32(p->dst.ip)) : NULL;
    if (!ds) {
      net->st.unroutable++;
      pkt_free(net, p);
      continue;
    }
    p->dnode = ds->node;
    p->dvia = ds->ldir >= 0 ? net->dirs[ds->ldir].to : -1;
    p->dlast = ds->ldir >= 0 ? (ds->ldir ^ 1) : -1;
    p->ldir_src = -1;
    if (p->src.family == 4) {
      const fs_addr_slot *ss = addr_find(net, ip_u32(p->src.ip));
      if (ss && ss->node == u)
        p->ldir_src = ss->ldir;
    }
    int e = forward(net, u, p, 1);
    if (e < 0)
      return e;
  }
  uint64_t exp = n->ops.get_expiry(n->ep);
  if (exp < n->timer_at) {
    if (exp < net->now)
      exp = net->now;
    n->timer_at = exp;
    if (heap_push(net, exp, net->next_seq++, EV_TIMER, (uint32_t)u) < 0)
      return FS_ERR_NOMEM;
  }
  return 0;
}

int fs_schedule(fs_net *net, uint64_t t, fs_event_fn fn, void *arg) {
  if (!net || !fn)
    return FS_ERR_ARG;
  if (t < net->now)
    t = net->now;
  uint32_t i;
  if (net->app_free != UINT32_MAX) {
    i = net->app_free;
    net->app_free = net->apps[i].next_free;
  } else {
    size_t cap = net->app_cap;
    if (grow(net, (void **)&net->apps, sizeof(fs_app), (size_t)net->app_n + 1, &cap) < 0)
      return FS_ERR_NOMEM;
    net->app_cap = (uint32_t)cap;
    i = net->app_n++;
  }
  net->apps[i].fn = fn;
  net->apps[i].arg = arg;
  return heap_push(net, t, net->next_seq++, EV_APP, i);
}

static int drain_touched(fs_net *net) {
  for (int k = 0; k < net->n_touched; k++) {
    int e = service(net, net->touched[k]);
    if (e < 0)
      return e;
  }
  net->n_touched = 0;
  return 0;
}

int fs_run(fs_net *net, uint64_t until) {
  if (!net || !net->finalized)
    return FS_ERR_ARG;
  net->stop = 0;
  int e = drain_touched(net);
  if (e < 0)
    return e;
  while (net->heap_n) {
    fs_ev ev = net->heap[0];
    if (ev.t > until) {
      net->now = until;
      return 0;
    }
    heap_pop(net);
    net->now = ev.t;
    net->st.events++;
    if (ev.kind == EV_LINK) {
      fs_dir *d = &net->dirs[ev.idx];
      fs_pkt *p = d->head;
      if (d->wait == p) {
        d->wait = p->next;
        d->n_wait--;
      }
      d->head = p->next;
      if (!d->head)
        d->tail = NULL;
      else if ((e = heap_push(net, d->head->t_arrive, d->head->seq, EV_LINK, ev.idx)) < 0)
        return e;
      /* random loss at the far end, as a receive error model: the
       * packet took its place in the queue and on the wire */
      if (d->c.loss > 0 &&
          (double)(netsim_rng_next(&d->rng) >> 11) * 0x1.0p-53 < d->c.loss) {
        d->st.random_losses++;
        pkt_free(net, p);
      } else {
        d->st.delivered++;
        if ((e = forward(net, d->to, p, 0)) < 0)
          return e;
      }
    } else if (ev.kind == EV_FQ) {
      fs_dir *d = &net->dirs[ev.idx];
      if (ev.t == d->fq_wake) {
        d->fq_wake = FS_NEVER;
        if ((e = fq_pump(net, (int)ev.idx)) < 0)
          return e;
      }
    } else if (ev.kind == EV_TIMER) {
      fs_node *n = &net->nodes[ev.idx];
      if (ev.t == n->timer_at) {
        n->timer_at = FS_NEVER;
        uint64_t exp = n->ops.get_expiry(n->ep);
        if (exp <= net->now) {
          net->st.timer_fires++;
          int r = n->ops.handle_expiry(n->ep, net->now);
          if (r < 0) {
            net->err_code = r;
            return FS_ERR_HOST;
          }
        }
        touch(net, (int)ev.idx);
      }
    } else {
      fs_app a = net->apps[ev.idx];
      net->apps[ev.idx].next_free = net->app_free;
      net->app_free = ev.idx;
      a.fn(net, a.arg);
    }
    if ((e = drain_touched(net)) < 0)
      return e;
    if (net->stop)
      return 1;
  }
  if (until != FS_NEVER && net->now < until)
    net->now = until;
  return 0;
}

void fs_stop(fs_net *net) {
  if (net)
    net->stop = 1;
}

uint64_t fs_now(const fs_net *net) { return net ? net->now : 0; }

const fs_link_stats *fs_get_link_stats(const fs_net *net, int link, int dir) {
  if (!net || link < 0 || dir < 0 || dir > 1 || 2 * link + dir >= net->n_dirs)
    return NULL;
  return &net->dirs[2 * link + dir].st;
}

uint32_t fs_link_waiting(fs_net *net, int link, int dir) {
  if (!net || link < 0 || dir < 0 || dir > 1 || 2 * link + dir >= net->n_dirs)
    return 0;
  fs_dir *d = &net->dirs[2 * link + dir];
  started(d, net->now);
  return d->n_wait + fs_fq_packets(d->fq);
}

const fs_stats *fs_get_stats(const fs_net *net) { return net ? &net->st : NULL; }

int fs_set_capture(fs_net *net, int node, fs_capture_fn fn, void *user) {
  if (!net || node < 0 || node >= net->n_nodes)
    return FS_ERR_ARG;
  net->nodes[node].capture = fn;
  net->nodes[node].capture_user = user;
  return 0;
}

void fs_set_deliver_hook(fs_net *net, fs_deliver_fn fn, void *user) {
  if (net) {
    net->deliver_fn = fn;
    net->deliver_user = user;
  }
}
