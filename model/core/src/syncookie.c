/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SYN cookies (RFC 4987 section 3.6; Linux's tcp_syncookies 1 and
 * net/mptcp/syncookies.c): a SYN that finds no room (a listener's
 * listen_backlog, or a connection's max_half_open_joins) is answered with a
 * SYN/ACK and no state. What the handshake needs later rides in the
 * SYN/ACK and comes back in the third ACK:
 *
 * - the initial sequence number is the cookie: the low 32 bits of an
 *   HMAC-SHA256 under a host secret over the 4-tuple, the peer's initial
 *   sequence number, a 64 s time slot and an index into a table of common
 *   MSS values, with that index in its low 3 bits (Linux: a keyed hash
 *   with a 2-bit MSS index and a one-minute counter). A cookie is valid in
 *   its slot and the next (64 to 128 s);
 * - with timestamps, the low 6 bits of our TSval carry the peer's window
 *   scale (4 bits, 15: none) and SACK permission (1 bit), which the peer
 *   echoes in TSecr (Linux's cookie_init_timestamp). Without timestamps a
 *   cookie connection has neither, as in Linux;
 * - MP_CAPABLE: v1's third ACK carries both keys (RFC 8684 section 3.1),
 *   so the key we sent comes back; its token must be unused on this host;
 * - MP_JOIN: the third ACK carries only HMAC-A, so the nonces, address ids
 *   and token are kept in a fixed table of 1024 entries, indexed by a hash
 *   of the 4-tuple, an entry overwritten by a later join that lands in the
 *   same slot (Linux's join_entries). The table is allocated at the first
 *   join cookie: 1024 entries, charged to the host's memory.
 *
 * The host secret is drawn from the random hook at the first cookie, so
 * that a run that never needs one draws the same random numbers as before.
 */
#include "internal.h"
#include "wire.h"

#define COOKIE_SLOT_NS (64ull * MPTCP_S)
#define COOKIE_JOIN_SLOTS 1024
#define COOKIE_TS_BITS 6

/* Common MSS values, smallest first: RFC 9293's 536 and IPv6's 1220, a
 * few tunnelled Ethernet ones, Ethernet's 1460 and jumbo frames'. The
 * cookie keeps the largest one that does not exceed the peer's MSS. */
static const uint16_t cookie_mss[8] = {536, 1220, 1300, 1400, 1440, 1460, 4312, 8940};

struct join_cookie {
  mptcp_addr local, remote;
  uint32_t irs;          /* the peer's initial sequence number */
  uint32_t token;        /* our token, the SYN's */
  uint32_t nonce_local, nonce_remote;
  uint8_t addr_id_local, addr_id_remote, backup;
  uint8_t used;
};

static void secret_init(struct mptcp_stack *s) {
  if (s->cookie_secret_ok)
    return;
  stack_rand_bytes(s, s->cookie_secret, sizeof(s->cookie_secret));
  s->cookie_secret_ok = 1;
}

/* The 4-tuple as bytes: family, addresses, ports. */
static size_t tuple_bytes(uint8_t *b, const mptcp_addr *l, const mptcp_addr *r) {
  size_t n = 0;
  b[n++] = l->family;
  memcpy(b + n, l->ip, 16);
  n += 16;
  memcpy(b + n, r->ip, 16);
  n += 16;
  put_be16(b + n, l->port);
  put_be16(b + n + 2, r->port);
  return n + 4;
}

static uint32_t cookie_hash(const struct mptcp_stack *s, const mptcp_addr *l,
                            const mptcp_addr *r, uint32_t irs, uint64_t slot,
                            uint8_t extra) {
  uint8_t msg[64];
  size_t n = tuple_bytes(msg, l, r);
  put_be32(msg + n, irs);
  put_be32(msg + n + 4, (uint32_t)slot);
  msg[n + 8] = extra;
  uint8_t mac[MPTCP_HMAC_SHA256_LEN];
  mptcp_hmac_sha256(s->cookie_secret, sizeof(s->cookie_secret), msg, n + 9, mac);
  return get_be32(mac);
}

static uint32_t cookie_make(const struct mptcp_stack *s, const mptcp_addr *l,
                            const mptcp_addr *r, uint32_t irs, uint64_t now, uint8_t idx) {
  return (cookie_hash(s, l, r, irs, now / COOKIE_SLOT_NS, idx) & ~7u) | idx;
}

/* Is `iss` a cookie we made for this 4-tuple and peer ISN, in this time
 * slot or the one before? Its MSS index in *idx. */
static int cookie_valid(const struct mptcp_stack *s, const mptcp_addr *l,
                        const mptcp_addr *r, uint32_t irs, uint32_t iss, uint64_t now,
                        uint8_t *idx) {
  uint8_t i = iss & 7u;
  uint64_t slot = now / COOKIE_SLOT_NS;
  for (uint64_t k = 0; k < 2 && k <= slot; k++)
    if ((cookie_hash(s, l, r, irs, slot - k, i) & ~7u) == (iss & ~7u)) {
      *idx = i;
      return 1;
    }
  return 0;
}

/* The timestamp offset of a cookie connection: a keyed hash of its
 * 4-tuple (as Linux derives every connection's), so that the subflow made
 * at the third ACK goes on with the clock the SYN/ACK used. */
static uint32_t cookie_ts_offset(const struct mptcp_stack *s, const mptcp_addr *l,
                                 const mptcp_addr *r) {
  return cookie_hash(s, l, r, 0, 0, 0xff);
}

static uint8_t mss_index(uint16_t peer_mss) {
  uint8_t i = 0;
  while (i + 1 < 8 && cookie_mss[i + 1] <= peer_mss)
    i++;
  return i;
}

static uint32_t join_slot(const struct mptcp_stack *s, const mptcp_addr *l,
                          const mptcp_addr *r) {
  return cookie_hash(s, l, r, 0, 0, 0xfe) % COOKIE_JOIN_SLOTS;
}

/* The stateless SYN/ACK's TCP part: sequence numbers, window, MSS, and the
 * options the timestamp can carry back. */
static void synack_base(struct mptcp_stack *s, const mptcp_config *cfg,
                        const mptcp_addr *l, const mptcp_addr *r,
                        const mptcp_tcphdr *syn, uint64_t now, mptcp_tcphdr *h) {
  memset(h, 0, sizeof(*h));
  uint16_t peer_mss = (syn->opts & MPTCP_OPT_MSS) ? syn->mss
                      : cfg->peer_mss_default ? cfg->peer_mss_default
                      : r->family == 6 ? 1220 : 536;
  uint8_t idx = mss_index(peer_mss);
  h->sport = l->port;
  h->dport = r->port;
  h->seq = cookie_make(s, l, r, syn->seq, now, idx);
  h->ack = syn->seq + 1;
  h->flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  h->window = (uint16_t)(cfg->rcvbuf > 65535 ? 65535 : cfg->rcvbuf);
  h->opts = MPTCP_OPT_MSS;
  h->mss = cfg->mss;
  if (cfg->timestamps && (syn->opts & MPTCP_OPT_TIMESTAMP)) {
    uint8_t enc = 0x0f; /* no window scaling */
    if (cfg->window_scaling && (syn->opts & MPTCP_OPT_WSCALE)) {
      enc = syn->wscale > 14 ? 14 : syn->wscale;
      h->opts |= MPTCP_OPT_WSCALE;
      h->wscale = tcp_wscale_for(cfg->rcvbuf);
    }
    if (cfg->sack && (syn->opts & MPTCP_OPT_SACK_PERM)) {
      enc |= 0x10;
      h->opts |= MPTCP_OPT_SACK_PERM;
    }
    uint32_t clock = (uint32_t)(now / MPTCP_MS) + cookie_ts_offset(s, l, r);
    uint32_t ts = (clock & ~((1u << COOKIE_TS_BITS) - 1)) | enc;
    if ((int32_t)(ts - clock) > 0)
      ts -= 1u << COOKIE_TS_BITS; /* never ahead of the clock it goes on with */
    h->opts |= MPTCP_OPT_TIMESTAMP;
    h->ts_val = ts;
    h->ts_ecr = syn->ts_val;
  }
}

static void synack_queue(struct mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                         const mptcp_tcphdr *h) {
  uint8_t buf[MPTCP_TCP_HDR_MAX];
  int n = mptcp_tcphdr_encode(buf, sizeof(buf), h);
  if (n > 0 && stack_queue_raw(s, l, r, buf, (size_t)n) == 0)
    mib_inc(s, MPTCP_MIB_SYNCOOKIES_SENT);
}

void syncookie_listen_synack(struct mptcp_stack *s, const mptcp_config *cfg,
                             const mptcp_addr *l, const mptcp_addr *r,
                             const mptcp_tcphdr *syn, uint64_t now) {
  secret_init(s);
  mptcp_tcphdr h;
  synack_base(s, cfg, l, r, syn, now, &h);
  const mptcp_opt_mp_capable *m = &syn->mpc;
  if (cfg->mptcp && (syn->opts & MPTCP_OPT_MP_CAPABLE) && m->len == MPTCP_MPC_LEN_SYN &&
      m->version >= MPTCP_VERSION && (m->flags & MPTCP_MPC_FLAG_H)) {
    /* a key of ours, not kept: the third ACK brings it back */
    uint8_t b[8];
    stack_rand_bytes(s, b, sizeof(b));
    h.opts |= MPTCP_OPT_MP_CAPABLE;
    h.mpc.len = MPTCP_MPC_LEN_SYNACK;
    h.mpc.version = MPTCP_VERSION;
    h.mpc.flags = MPTCP_MPC_FLAG_H |
                  ((cfg->dss_checksum || (m->flags & MPTCP_MPC_FLAG_A)) ? MPTCP_MPC_FLAG_A : 0);
    h.mpc.sender_key = get_be64(b);
  }
  synack_queue(s, l, r, &h);
}

int syncookie_join_synack(struct mptcp_conn *c, const mptcp_addr *l, const mptcp_addr *r,
                          const mptcp_tcphdr *syn, uint8_t addr_id_local, uint64_t now) {
  struct mptcp_stack *s = c->stack;
  secret_init(s);
  if (!s->join_cookies) {
    s->join_cookies = stack_calloc(s, COOKIE_JOIN_SLOTS * sizeof(struct join_cookie));
    if (!s->join_cookies)
      return -1;
  }
  struct join_cookie *e = &s->join_cookies[join_slot(s, l, r)];
  memset(e, 0, sizeof(*e));
  e->local = *l;
  e->remote = *r;
  e->irs = syn->seq;
  e->token = c->token_local;
  e->nonce_local = stack_rand32(s);
  e->nonce_remote = syn->join.nonce;
  e->addr_id_local = addr_id_local;
  e->addr_id_remote = syn->join.addr_id;
  e->backup = syn->join.backup;
  e->used = 1;

  mptcp_tcphdr h;
  synack_base(s, &c->cfg, l, r, syn, now, &h);
  uint8_t mac[MPTCP_HMAC_SHA256_LEN];
  mib_inc(s, MPTCP_MIB_JOIN_HMAC);
  mptcp_join_hmac(c->key_local, c->key_remote, e->nonce_local, e->nonce_remote, mac);
  h.opts |= MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_SYNACK;
  h.join.backup = e->backup;
  h.join.addr_id = e->addr_id_local;
  h.join.nonce = e->nonce_local;
  h.join.thmac = mptcp_hmac_left64(mac);
  synack_queue(s, l, r, &h);
  return 0;
}

int syncookie_may_own(const struct mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                      const mptcp_tcphdr *th) {
  if (!s->cookie_secret_ok ||
      (th->flags & (MPTCP_TH_SYN | MPTCP_TH_ACK | MPTCP_TH_RST)) != MPTCP_TH_ACK)
    return 0;
  if (!(th->opts & MPTCP_OPT_MP_JOIN))
    return 1; /* a listener's, if one listens there (the caller checks) */
  if (!s->join_cookies || th->join.len != MPTCP_JOIN_LEN_ACK)
    return 0;
  const struct join_cookie *e = &s->join_cookies[join_slot(s, l, r)];
  return e->used && addr_eq(&e->local, l) && addr_eq(&e->remote, r);
}

/* The SYN the cookie stands for, with what came back. */
static int restore_syn(const struct mptcp_stack *s, const mptcp_config *cfg,
                       const mptcp_addr *l, const mptcp_addr *r, const mptcp_tcphdr *ack,
                       uint64_t now, mptcp_tcphdr *syn) {
  uint8_t idx;
  uint32_t irs = ack->seq - 1;
  if (!cookie_valid(s, l, r, irs, ack->ack - 1, now, &idx))
    return -1;
  memset(syn, 0, sizeof(*syn));
  syn->sport = r->port;
  syn->dport = l->port;
  syn->seq = irs;
  syn->flags = MPTCP_TH_SYN;
  syn->opts = MPTCP_OPT_MSS;
  syn->mss = cookie_mss[idx];
  if (cfg->timestamps && (ack->opts & MPTCP_OPT_TIMESTAMP)) {
    uint8_t enc = ack->ts_ecr & ((1u << COOKIE_TS_BITS) - 1);
    syn->opts |= MPTCP_OPT_TIMESTAMP;
    syn->ts_val = ack->ts_val;
    if ((enc & 0x0f) != 0x0f) {
      if ((enc & 0x0f) > 14 || !cfg->window_scaling)
        return -1; /* we never encode that */
      syn->opts |= MPTCP_OPT_WSCALE;
      syn->wscale = enc & 0x0f;
    }
    if (enc & 0x10) {
      if (!cfg->sack)
        return -1;
      syn->opts |= MPTCP_OPT_SACK_PERM;
    }
  }
  return 0;
}

int syncookie_listen_ack(struct mptcp_stack *s, const mptcp_config *cfg,
                         const mptcp_addr *l, const mptcp_addr *r, const mptcp_tcphdr *ack,
                         uint64_t now, mptcp_tcphdr *syn, uint64_t *key_local) {
  if (restore_syn(s, cfg, l, r, ack, now, syn) < 0) {
    mib_inc(s, MPTCP_MIB_SYNCOOKIES_FAILED);
    return -1;
  }
  *key_local = 0;
  if (cfg->mptcp && (ack->opts & MPTCP_OPT_MP_CAPABLE) && ack->mpc.len >= MPTCP_MPC_LEN_ACK) {
    /* v1's third ACK (or first data) carries both keys: ours comes back */
    syn->opts |= MPTCP_OPT_MP_CAPABLE;
    syn->mpc.len = MPTCP_MPC_LEN_SYN;
    syn->mpc.version = MPTCP_VERSION;
    syn->mpc.flags = ack->mpc.flags & (MPTCP_MPC_FLAG_H | MPTCP_MPC_FLAG_A);
    *key_local = ack->mpc.receiver_key;
  }
  mib_inc(s, MPTCP_MIB_SYNCOOKIES_RECV);
  return 0;
}

int syncookie_join_ack(struct mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                       const mptcp_tcphdr *ack, uint64_t now, mptcp_tcphdr *syn,
                       struct syncookie_join *out) {
  struct join_cookie *e = s->join_cookies ? &s->join_cookies[join_slot(s, l, r)] : NULL;
  if (!e || !e->used || !addr_eq(&e->local, l) || !addr_eq(&e->remote, r) ||
      e->irs != ack->seq - 1) {
    mib_inc(s, MPTCP_MIB_SYNCOOKIES_FAILED);
    return -1;
  }
  struct mptcp_conn *c = stack_token_lookup(s, e->token);
  if (!c || restore_syn(s, &c->cfg, l, r, ack, now, syn) < 0) {
    mib_inc(s, MPTCP_MIB_SYNCOOKIES_FAILED);
    return -1;
  }
  e->used = 0; /* one use */
  syn->opts |= MPTCP_OPT_MP_JOIN;
  syn->join.len = MPTCP_JOIN_LEN_SYN;
  syn->join.token = e->token;
  syn->join.nonce = e->nonce_remote;
  syn->join.addr_id = e->addr_id_remote;
  syn->join.backup = e->backup;
  out->conn = c;
  out->nonce_local = e->nonce_local;
  out->addr_id_local = e->addr_id_local;
  mib_inc(s, MPTCP_MIB_SYNCOOKIES_RECV);
  return 0;
}

void syncookie_restore(struct tcp_sf *sf, const mptcp_tcphdr *ack, uint64_t now) {
  struct mptcp_stack *s = sf->conn->stack;
  sf->iss = ack->ack - 1;
  sf->ts_offset = cookie_ts_offset(s, &sf->local, &sf->remote);
  /* the SYN/ACK went out (statelessly): no RTT sample from its send time
   * (the timestamp echo may give one) */
  sf->syn_pending = 0;
  sf->syn_rtx = 1;
  sf->snd_nxt = 1;
  /* the window the SYN/ACK offered (synack_base), which data in the third
   * ACK is judged against */
  uint32_t rcvbuf = sf->conn->cfg.rcvbuf;
  sf->rcv_adv = sf->rcv_nxt + (rcvbuf > 65535 ? 65535 : rcvbuf);
  /* A third ACK that does not complete the handshake (MP_CAPABLE data
   * whose keys or checksum must wait for a retransmission) leaves the
   * subflow in SYN-RCVD: its SYN/ACK timer runs as for any other, so that
   * it times out if nothing more comes. */
  tcp_arm_timer(sf, SF_TIMER_RTX,
                now + tcp_rto_backed(sf->rto, sf->rto_backoff, sf->conn->cfg.max_rto_ns));
}

void syncookie_free(struct mptcp_stack *s) {
  if (s->join_cookies)
    stack_free(s, s->join_cookies, COOKIE_JOIN_SLOTS * sizeof(struct join_cookie));
  s->join_cookies = NULL;
}
