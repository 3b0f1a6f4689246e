/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp-loopback: bulk transfers between two simulated hosts over the
 * deterministic loopback network (utils/loopback/netsim.h), in virtual
 * time, with the real protocol engine at both ends.
 *
 * Host B listens on 10.1.0.1 port 5001 (5001 + k for the k-th of
 * --connections); host A connects from 10.0.0.1 (an ephemeral port), the
 * first connection at time 0, the others at times drawn from the seed in
 * [0, T), T = --start-spread (default: one base RTT of path 0, see
 * run_main). The sending side queues --bytes, then shuts down (FIN); a side
 * that only receives shuts down once it has read the peer's FIN. With
 * --direction=both each side sends --bytes and shuts down when all of
 * them are queued. With --time=SECONDS the senders never stop and the run
 * ends at that virtual time instead (a bulk transfer of fixed duration).
 *
 * Payload: by default real bytes from a counter-based generator keyed by
 * the seed, the connection and the direction, so the receiver regenerates
 * the expected bytes for any offset and compares them as they are read
 * (nothing is stored twice). --virtual sends byte counts only; there is
 * then nothing to checksum, so TCP checksums are off and the network drops
 * the packets it corrupts instead of delivering them.
 *
 * Output: the last line of stdout is one JSON object (keys in a fixed
 * order); apart from "wall_s" and "segments_per_wall_s" it is a function of
 * the arguments alone. "duration_s" is the virtual time at which the last
 * byte was read (--time: that time); "goodput_bps" is every byte read, all
 * connections and directions together, * 8 / duration_s. With --mode
 * mptcp, "ooo_peak" and "ooo_mean" (per flow and over all flows) are the
 * receivers' out-of-order bytes (held above a hole in the receive buffer),
 * sampled every 1 ms of virtual time: the highest sample and the mean.
 *
 * With --attack NAME (threats A6, A2 and A1, doc/security.md) the core's
 * attacker is the network's tap on --attack-path, on-path or off-path
 * (dsn-inject and hole-flood: one attacker per connection); the run is made
 * first without the attack (output discarded) for "baseline_goodput_bps",
 * then with it; the JSON gains "attack", "defence", "attack_succeeded",
 * "connection_survived", "subflows_removed", "goodput_loss_fraction" and
 * the attacker's own figures (--help states the criteria).
 *
 * "cc" is the congestion control of the --mode connections (default lia
 * with --mode mptcp, cubic with --mode tcp); with --mode mptcp,
 * "fallback_cc" is the one a connection runs once it falls back to TCP.
 *
 * "failure" (at the top level for the first failing connection, with its
 * index "flow", and in each connection) says why a transfer is not
 * verified: null when it is; else the first of
 *   {"kind":"mismatch","side":"a"|"b","offset":N}: end a or b read a byte
 *     different from what was sent, at stream offset N;
 *   {"kind":"reset","by":"a"|"b","cause":C,"mp_tcprst":R}: the connection
 *     was reset by end a or b (the end whose abnormal close came first, or
 *     the peer of an end that received its RST). C is "timeout" (a retry
 *     limit), "protocol" (a protocol event: DSS checksum failures, an
 *     infinite mapping that could not be honoured, a wrong key), "abort",
 *     "fastclose" (MP_FASTCLOSE) or "rst" (an RST with no recorded cause
 *     at that end, e.g. one answering a segment for a closed subflow); R
 *     is the reason of its MP_TCPRST (RFC 8684 section 3.6:
 *     "unspecified", "mptcp_error", "lack_of_resources",
 *     "administratively_prohibited", "too_much_outstanding_data",
 *     "unacceptable_performance", "middlebox_interference") or null;
 *   {"kind":"incomplete","side":"a"|"b","received":N,"expected":M,
 *     "fin_read":B,"stopped_by":S}: end a or b read N of M bytes (with
 *     --time: none), and S stopped the run: "duration_limit" (still open
 *     at --duration-limit: a stall), "time_limit" (--time), "closed" (both
 *     ends closed) or "idle" (nothing left to happen);
 *   {"kind":"error","message":T} (top level only): a call into the engine
 *     failed.
 *
 * "connections_starved" counts the --connections connections of which a
 * receiving side read no byte; "jain_connections" is Jain's fairness index
 * (sum x)^2 / (n sum x^2) over their goodputs ("jain" also counts the
 * --tcp-flows competitors).
 *
 * Exit status: 0 when the transfer is verified, 1 when it is not, 2 for
 * bad arguments; 1 also when standard output cannot be written. Verified
 * means: every byte read matched; and, without
 * --time, every connection delivered all its bytes, its FIN was read, and
 * every connection closed normally before --duration-limit; with --time,
 * every receiving side read at least one byte.
 */
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mptcp/mptcp.h"
#include "tool_io.h"
#include "netsim.h"
#include "pcap.h"
#include "lb_options.h"

#define LISTEN_PORT 5001
#define CHUNK (64 * 1024)
#define UNLIMITED UINT64_MAX

static const char *prog = LB_PROG;
static int close_stdout(int status);
/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

struct run;
struct flow;

typedef struct app_host {
  int id;
  mptcp_stack *stack;
  netsim_rng rng;
  struct run *run;
} app_host;

/* One end of one connection. */
typedef struct side {
  struct flow *flow;
  struct run *run;
  int host;
  mptcp_conn *conn;
  uint64_t tx_key, rx_key; /* payload keys of what it sends / receives */
  int sends;               /* it sends to the peer */
  uint64_t to_send;        /* UNLIMITED with --time */
  uint64_t queued;
  uint64_t received;
  uint64_t last_read_ns;
  int receives;            /* the peer sends to it */
  int fin_read;
  int shut;
  int closed;
  int close_reason;
  uint64_t closed_ns;
  int mismatch;
  uint64_t mismatch_at;
  uint64_t ooo_peak;       /* out-of-order bytes held, sampled every OOO_TICK */
  uint64_t rcv_peak;       /* bytes received and not read, sampled likewise */
  uint64_t injected;       /* attack runs: bytes read that are the attacker's
                              pattern where the sender's differ */
  uint64_t ooo_sum;
  uint64_t ooo_samples;
  uint8_t *chunk;          /* generated payload not yet accepted */
  uint64_t chunk_off;
  size_t chunk_len;
  mptcp_conn_stats st;     /* at the end */
} side;

typedef struct flow {
  uint32_t idx;
  side s[2];
} flow;

typedef struct run {
  options *o;
  netsim *ns;
  app_host host[2];
  flow *flows;
  uint32_t n_flows;
  uint32_t n_closed;       /* sides closed */
  uint32_t n_done;         /* receiving sides that read the FIN */
  uint8_t *rbuf;
  uint8_t *expect;
  int failed_call;         /* a connection call returned an unexpected error */
  char fail_msg[160];
  FILE *trace;
  mptcp_attacker **atk;    /* --attack: one, or one per connection
                              (dsn-inject, hole-flood) */
  uint32_t n_atk;
  uint32_t atk_next;       /* the attacker write() asks first */
  uint64_t mem_peak[2];    /* each host's stack memory, sampled every OOO_TICK */
  uint32_t half_open_peak; /* join attacks: B's subflows from the attacker's
                              address half-open at once, at most */
  uint32_t joins_from_atk; /* ... established at once, at most */
  struct relayed *relay;   /* add-addr: segments the tap relays, to send */
  size_t relay_n, relay_cap;
  mptcp_addr relay_client[64];     /* add-addr: A's addresses and ports seen */
  unsigned relay_clients;
  uint64_t bytes_via_atk;  /* add-addr: payload bytes relayed from A to B */
  netsim_rng atk_rng;
  int atk_target_found;    /* off-path: the subflow to attack existed */
} run;

static uint64_t payload_word(uint64_t key, uint64_t block) {
  uint64_t x = key ^ (block * 0x9e3779b97f4a7c15ull);
  return netsim_splitmix64(&x);
}

/* Bytes [off, off + n) of the stream keyed by `key`. */
static void payload_gen(uint64_t key, uint64_t off, uint8_t *out, size_t n) {
  size_t i = 0;
  while (i < n && ((off + i) & 7)) {
    uint64_t w = payload_word(key, (off + i) >> 3);
    out[i] = (uint8_t)(w >> (8 * ((off + i) & 7)));
    i++;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w = payload_word(key, (off + i) >> 3);
    for (int k = 0; k < 8; k++)
      out[i + (size_t)k] = (uint8_t)(w >> (8 * k));
  }
  for (; i < n; i++) {
    uint64_t w = payload_word(key, (off + i) >> 3);
    out[i] = (uint8_t)(w >> (8 * ((off + i) & 7)));
  }
}

static void call_failed(run *r, const char *what, long code) {
  if (!r->failed_call) {
    r->failed_call = 1;
    snprintf(r->fail_msg, sizeof(r->fail_msg), "%s failed: %s", what,
             mptcp_strerror_name((int)code));
  }
}

static void side_shutdown(side *s) {
  if (s->shut || s->closed || !s->conn)
    return;
  s->shut = 1;
  int e = mptcp_conn_shutdown(s->conn, netsim_now(s->run->ns));
  if (e < 0)
    call_failed(s->run, "mptcp_conn_shutdown", e);
  netsim_touch(s->run->ns, s->host);
}

/* A sending side shuts down once everything is queued; a side that only
 * receives, once it has read the peer's FIN. */
static void maybe_shutdown(side *s) {
  if (s->run->o->time_ns)
    return;
  if (s->sends ? s->queued >= s->to_send : s->fin_read)
    side_shutdown(s);
}

static void pump(side *s) {
  run *r = s->run;
  if (!s->conn || s->closed || s->shut)
    return;
  uint64_t now = netsim_now(r->ns);
  while (s->queued < s->to_send) {
    uint64_t left = s->to_send - s->queued;
    long n;
    size_t want;
    if (r->o->virt) {
      want = left > (1u << 30) ? (1u << 30) : (size_t)left;
      n = mptcp_conn_send(s->conn, NULL, want, now);
    } else {
      if (s->queued < s->chunk_off || s->queued >= s->chunk_off + s->chunk_len) {
        s->chunk_off = s->queued;
        s->chunk_len = left > CHUNK ? CHUNK : (size_t)left;
        payload_gen(s->tx_key, s->chunk_off, s->chunk, s->chunk_len);
      }
      size_t at = (size_t)(s->queued - s->chunk_off);
      want = s->chunk_len - at;
      n = mptcp_conn_send(s->conn, s->chunk + at, want, now);
    }
    if (n < 0) {
      call_failed(r, "mptcp_conn_send", n);
      return;
    }
    s->queued += (uint64_t)n;
    if ((size_t)n < want)
      break;
  }
  netsim_touch(r->ns, s->host);
  maybe_shutdown(s);
}

/* Both ends closed; or A's end closed while B never had a connection
 * (its handshake never completed: nothing more will happen). */
static int flow_ended(const struct flow *f) {
  return f->s[0].closed && (f->s[1].closed || !f->s[1].conn);
}

static void check_end(run *r) {
  if (r->o->time_ns)
    return;
  for (uint32_t k = 0; k < r->n_flows; k++)
    if (!flow_ended(&r->flows[k]))
      return;
  netsim_stop(r->ns);
}

static void drain(side *s) {
  run *r = s->run;
  uint64_t now = netsim_now(r->ns);
  for (;;) {
    long n;
    if (r->o->virt) {
      n = mptcp_conn_recv(s->conn, NULL, (size_t)1 << 30, now);
    } else {
      n = mptcp_conn_recv(s->conn, r->rbuf, CHUNK, now);
      /* an attack run keeps comparing after the first mismatch: it
       * counts the attacker's bytes */
      if (n > 0 && (!s->mismatch || r->o->attack)) {
        payload_gen(s->rx_key, s->received, r->expect, (size_t)n);
        if (memcmp(r->expect, r->rbuf, (size_t)n) != 0) {
          size_t k = 0;
          while (r->expect[k] == r->rbuf[k])
            k++;
          if (!s->mismatch) {
            s->mismatch = 1;
            s->mismatch_at = s->received + k;
          }
          for (; k < (size_t)n; k++)
            s->injected += r->rbuf[k] == MPTCP_ATTACK_PATTERN &&
                           r->expect[k] != MPTCP_ATTACK_PATTERN;
        }
      }
    }
    if (n < 0) {
      call_failed(r, "mptcp_conn_recv", n);
      return;
    }
    if (n == 0)
      break;
    s->received += (uint64_t)n;
    s->last_read_ns = now;
  }
  netsim_touch(r->ns, s->host);
  if (!s->fin_read && mptcp_conn_peer_closed(s->conn)) {
    s->fin_read = 1;
    maybe_shutdown(s);
  }
}

static void cb_readable(mptcp_conn *conn, void *ud) {
  (void)conn;
  side *s = ud;
  if (s)
    drain(s);
}

static void cb_writable(mptcp_conn *conn, void *ud) {
  (void)conn;
  side *s = ud;
  if (s)
    pump(s);
}

static void cb_connected(mptcp_conn *conn, void *ud) {
  (void)conn;
  side *s = ud;
  if (s)
    pump(s);
}

static void cb_closed(mptcp_conn *conn, int reason, void *ud) {
  (void)conn;
  side *s = ud;
  if (!s || s->closed)
    return;
  s->closed = 1;
  s->close_reason = reason;
  s->closed_ns = netsim_now(s->run->ns);
  s->run->n_closed++;
  check_end(s->run);
}

static void cb_accepted(mptcp_conn *conn, void *stack_ud) {
  app_host *h = stack_ud;
  run *r = h->run;
  mptcp_addr local, remote;
  mptcp_conn_get_addrs(conn, &local, &remote);
  uint32_t k = (uint32_t)(local.port - LISTEN_PORT);
  if (local.port < LISTEN_PORT || k >= r->n_flows || r->flows[k].s[h->id].conn) {
    mptcp_conn_abort(conn, netsim_now(r->ns));
    return;
  }
  side *s = &r->flows[k].s[h->id];
  s->conn = conn;
  mptcp_conn_set_user_data(conn, s);
  pump(s);
  /* data may have come with the handshake's last segment */
  drain(s);
}

/* The middlebox of --peer-strips-options: every segment a host sends has
 * its MPTCP options (kind 30) overwritten with NOPs before it reaches the
 * network, and its TCP checksum recomputed when checksums are in use, as
 * a middlebox that removes unknown options would do. */
static void strip_mptcp_options(uint8_t *buf, size_t len, const mptcp_segment *seg,
                                int checksum) {
  if (len < MPTCP_TCP_HDR_MIN)
    return;
  size_t hl = (size_t)(buf[12] >> 4) * 4;
  if (hl < MPTCP_TCP_HDR_MIN || hl > len)
    return;
  int changed = 0;
  size_t i = MPTCP_TCP_HDR_MIN;
  while (i < hl) {
    uint8_t kind = buf[i];
    if (kind == MPTCP_TCPOPT_EOL)
      break;
    if (kind == MPTCP_TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= hl || buf[i + 1] < 2 || i + buf[i + 1] > hl)
      break; /* malformed: leave the rest alone */
    size_t olen = buf[i + 1];
    if (kind == MPTCP_TCPOPT_MPTCP) {
      memset(buf + i, MPTCP_TCPOPT_NOP, olen);
      changed = 1;
    }
    i += olen;
  }
  if (changed && checksum && seg->src.family == 4) {
    buf[16] = buf[17] = 0;
    uint16_t c = mptcp_tcp_checksum_ipv4(seg->src.ip, seg->dst.ip, buf, len);
    buf[16] = (uint8_t)(c >> 8);
    buf[17] = (uint8_t)c;
  }
}

static int g_strip_checksum;
static int g_strip;
/* --alter-payload */
static int g_alter_path = -1;
static uint64_t g_alter_every, g_alter_at, g_alter_count, g_altered;

/* The middlebox of --alter-payload: flips one payload byte of a data
 * segment sent on its path and fixes the TCP checksum, so that only the
 * DSS checksum can tell. It acts on the data MPTCP maps (a DSS mapping
 * with a data-level length, or MP_CAPABLE with data), the data a DSS
 * checksum covers: once a connection has fallen back to TCP (RFC 8684
 * section 3.7) nothing could detect an alteration, and the transfer
 * could not be verified. */
static void alter_payload(uint8_t *buf, const mptcp_segment *seg, uint64_t now, int checksum) {
  if (g_alter_path < 0 || !seg->payload_len || seg->payload_virtual || seg->src.family != 4 ||
      seg->src.ip[2] != (uint8_t)g_alter_path || seg->len <= seg->hdr_len)
    return;
  mptcp_tcphdr th;
  if (mptcp_tcphdr_decode(&th, buf, seg->len) < 0 ||
      !(((th.opts & MPTCP_OPT_DSS) && (th.dss.flags & MPTCP_DSS_MAP) && th.dss.dll) ||
        ((th.opts & MPTCP_OPT_MP_CAPABLE) && th.mpc.len >= MPTCP_MPC_LEN_DATA)))
    return;
  if (g_alter_every) {
    if (++g_alter_count % g_alter_every)
      return;
  } else if (now < g_alter_at || g_altered) {
    return;
  }
  buf[seg->hdr_len + (seg->len - seg->hdr_len) / 2] ^= 0x20;
  g_altered++;
  if (checksum) {
    buf[16] = buf[17] = 0;
    uint16_t c = mptcp_tcp_checksum_ipv4(seg->src.ip, seg->dst.ip, buf, seg->len);
    buf[16] = (uint8_t)(c >> 8);
    buf[17] = (uint8_t)c;
  }
}

static int strip_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap, uint64_t now) {
  int rv = mptcp_stack_write((mptcp_stack *)ep, seg, buf, cap, now);
  if (rv > 0 && g_strip)
    strip_mptcp_options(buf, seg->len, seg, g_strip_checksum);
  if (rv > 0)
    alter_payload(buf, seg, now, g_strip_checksum);
  return rv;
}

static void host_rand(uint8_t *dest, size_t len, void *ud) {
  netsim_rng_fill(&((app_host *)ud)->rng, dest, len);
}

static void trace_tick(netsim *ns, void *arg) {
  run *r = arg;
  double t = (double)netsim_now(ns) / 1e9;
  int open = 0;
  for (uint32_t f = 0; f < r->n_flows; f++)
    for (int h = 0; h < 2; h++) {
      side *s = &r->flows[f].s[h];
      if (!s->conn || s->closed)
        continue;
      open = 1;
      int n_sf = mptcp_conn_subflow_count(s->conn);
      for (int i = 0; i < n_sf; i++) {
        mptcp_conn_stats st;
        if (mptcp_conn_get_subflow_stats(s->conn, i, &st, NULL, NULL) < 0)
          continue;
        fprintf(r->trace,
                "%.6f,%c%" PRIu32 ",%d,%" PRIu64 ",%" PRIu64 ",%.3f,%" PRIu64 "\n", t,
                h ? 'b' : 'a', f, i, st.cwnd, st.ssthresh, (double)st.srtt_ns / 1e6,
                st.bytes_in_flight);
      }
    }
  /* keep ticking until every connection end has closed */
  if (open || r->n_closed < r->n_flows * 2)
    netsim_schedule(ns, netsim_now(ns) + r->o->trace_ns, trace_tick, r);
}

/* The receivers' out-of-order bytes (data above a hole, held in the
 * receive buffer), sampled every OOO_TICK of virtual time while the
 * connection end is open: peak and mean per connection in the JSON. */
#define OOO_TICK MPTCP_MS
static void ooo_tick(netsim *ns, void *arg) {
  run *r = arg;
  int open = 0;
  for (uint32_t f = 0; f < r->n_flows; f++)
    for (int h = 0; h < 2; h++) {
      side *s = &r->flows[f].s[h];
      if (!s->conn || s->closed || !s->receives)
        continue;
      open = 1;
      mptcp_conn_stats st;
      mptcp_conn_get_stats(s->conn, &st);
      if (st.ooo_bytes > s->ooo_peak)
        s->ooo_peak = st.ooo_bytes;
      if (st.rcv_buffered > s->rcv_peak)
        s->rcv_peak = st.rcv_buffered;
      s->ooo_sum += st.ooo_bytes;
      s->ooo_samples++;
    }
  if (r->o->attack) { /* B's subflows from the attacker's own address */
    mptcp_addr tap;
    netsim_path_addr(ns, r->o->attack_path, NETSIM_TAP, &tap);
    uint32_t half = 0, est = 0;
    for (uint32_t f = 0; f < r->n_flows; f++) {
      side *b = &r->flows[f].s[NETSIM_B];
      int n = b->conn && !b->closed ? mptcp_conn_subflow_count(b->conn) : 0;
      for (int i = 0; i < n; i++) {
        mptcp_conn_stats st;
        mptcp_addr l, rem;
        if (mptcp_conn_get_subflow_stats(b->conn, i, &st, &l, &rem) < 0 ||
            memcmp(rem.ip, tap.ip, 4) != 0)
          continue;
        half += st.state == MPTCP_TCP_SYN_RCVD;
        est += st.state == MPTCP_TCP_ESTABLISHED;
      }
    }
    if (half > r->half_open_peak)
      r->half_open_peak = half;
    if (est > r->joins_from_atk)
      r->joins_from_atk = est;
  }
  for (int h = 0; h < 2; h++) {
    uint64_t m = mptcp_stack_mem_used(r->host[h].stack);
    if (m > r->mem_peak[h])
      r->mem_peak[h] = m;
  }
  if (open || r->n_closed < r->n_flows * 2)
    netsim_schedule(ns, netsim_now(ns) + OOO_TICK, ooo_tick, r);
}

/* Host A opens connection k (flows past --connections are the competing
 * single-path Reno TCPs). */
static int open_flow(run *r, uint32_t k, uint64_t now) {
  const options *o = r->o;
  mptcp_addr local, remote;
  netsim_path_addr(r->ns, 0, NETSIM_A, &local);
  netsim_path_addr(r->ns, 0, NETSIM_B, &remote);
  remote.port = (uint16_t)(LISTEN_PORT + k);
  side *s = &r->flows[k].s[NETSIM_A];
  mptcp_config tcp_cfg = o->cfg;
  tcp_cfg.mptcp = 0;
  tcp_cfg.cc = "reno";
  const mptcp_config *fc = k < o->connections ? NULL : &tcp_cfg;
  int e = mptcp_connect(r->host[NETSIM_A].stack, &s->conn, &local, &remote, fc, s, now);
  if (e < 0) {
    snprintf(r->fail_msg, sizeof(r->fail_msg), "mptcp_connect: %s", mptcp_strerror(e));
    r->failed_call = 1;
  }
  return e;
}

/* --start-spread: connection arg opens now. */
static void open_flow_event(netsim *ns, void *arg) {
  flow *f = arg;
  run *r = f->s[NETSIM_A].run;
  if (open_flow(r, f->idx, netsim_now(ns)) < 0)
    netsim_stop(ns);
  netsim_touch(ns, NETSIM_A);
}

/* ---- --attack: the attacker as the network's tap ---- */

/* Results of an attack run's baseline (the same run without the attack). */
static double g_baseline_goodput;
static int g_baseline_down;
static uint64_t g_baseline_mem; /* host B's peak stack memory */
static uint64_t g_baseline_hmac; /* host B's join HMACs */

static void atk_rand(uint8_t *dest, size_t len, void *ud) {
  netsim_rng_fill(&((run *)ud)->atk_rng, dest, len);
}

/* add-addr (A4): the attacker relays the subflows A opens to the address
 * it announced (its own), as a NAT: from A toward B's address on the same
 * path, B's answers back to A, the addresses rewritten and the TCP
 * checksum with them, every other byte (MPTCP options, HMACs, payload)
 * unchanged. A's address is kept by A's port. */
struct relayed {
  mptcp_addr src, dst; /* with ports */
  size_t len, vlen;    /* bytes (header and real payload), virtual payload */
  uint8_t buf[MPTCP_TCP_HDR_MAX + 65536];
};

static int relay_take(run *r, const mptcp_addr *src, const mptcp_addr *dst, const uint8_t *data,
                      size_t len, size_t virtual_len) {
  if (len < 20 || len > sizeof(((struct relayed *)0)->buf))
    return 0;
  mptcp_addr me, b;
  netsim_path_addr(r->ns, r->o->attack_path, NETSIM_TAP, &me);
  netsim_path_addr(r->ns, r->o->attack_path, NETSIM_B, &b);
  struct relayed out;
  out.src = me;
  out.src.port = src->port;
  if (src->ip[1] == NETSIM_B) { /* B's answer: back to the client of that port */
    const mptcp_addr *a = NULL;
    for (unsigned i = 0; i < r->relay_clients && !a; i++)
      if (r->relay_client[i].port == dst->port)
        a = &r->relay_client[i];
    if (!a)
      return 0; /* nobody it relays for */
    out.dst = *a;
  } else { /* from A: toward B */
    unsigned i = 0;
    while (i < r->relay_clients && r->relay_client[i].port != src->port)
      i++;
    if (i == 64)
      return 0; /* more subflows than it keeps: not relayed */
    r->relay_client[i] = *src;
    if (i == r->relay_clients)
      r->relay_clients++;
    out.dst = b;
    out.dst.port = dst->port;
    size_t hl = (size_t)(data[12] >> 4) * 4;
    r->bytes_via_atk += (len > hl ? len - hl : 0) + virtual_len;
  }
  if (r->relay_n == r->relay_cap) {
    size_t cap = r->relay_cap ? r->relay_cap * 2 : 4;
    struct relayed *q = realloc(r->relay, cap * sizeof(*q));
    if (!q)
      return MPTCP_ERR_NOMEM;
    r->relay = q;
    r->relay_cap = cap;
  }
  struct relayed *q = &r->relay[r->relay_n++];
  *q = out;
  q->len = len;
  q->vlen = virtual_len;
  memcpy(q->buf, data, len);
  q->buf[16] = q->buf[17] = 0;
  uint16_t c = mptcp_tcp_checksum_ipv4(q->src.ip, q->dst.ip, q->buf, len);
  q->buf[16] = (uint8_t)(c >> 8);
  q->buf[17] = (uint8_t)c;
  return 0;
}

/* The tap shows every segment to every attacker (each keeps to its own
 * connection), takes their forgeries in turn, and wakes at the earliest
 * expiry. Slots of attackers not created yet (off-path, before
 * --attack-at) are NULL. */
static int atk_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst, const uint8_t *data,
                    size_t len, size_t virtual_len, uint64_t now) {
  run *r = ep;
  if (!strcmp(r->o->attack, "add-addr") && dst->ip[1] == NETSIM_TAP) {
    mptcp_addr s4 = *src, d4 = *dst;
    if (len >= 4) {
      s4.port = (uint16_t)(data[0] << 8 | data[1]);
      d4.port = (uint16_t)(data[2] << 8 | data[3]);
    }
    return relay_take(r, &s4, &d4, data, len, virtual_len);
  }
  for (uint32_t i = 0; i < r->n_atk; i++)
    if (r->atk[i]) {
      int e = mptcp_attacker_observe(r->atk[i], src, dst, data, len, virtual_len, now);
      if (e < 0)
        return e;
    }
  return 0;
}

static int atk_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap, uint64_t now) {
  run *r = ep;
  if (r->relay_n) { /* relayed segments first, in order */
    struct relayed *q = &r->relay[0];
    if (q->len > cap)
      return MPTCP_ERR_NOBUF;
    memcpy(buf, q->buf, q->len);
    memset(seg, 0, sizeof(*seg));
    seg->src = q->src;
    seg->dst = q->dst;
    seg->len = q->len;
    seg->hdr_len = (size_t)(q->buf[12] >> 4) * 4;
    seg->payload_len = q->len - seg->hdr_len + q->vlen;
    seg->payload_virtual = q->vlen != 0;
    memmove(r->relay, r->relay + 1, (r->relay_n - 1) * sizeof(*r->relay));
    r->relay_n--;
    return 1;
  }
  for (uint32_t j = 0; j < r->n_atk; j++) {
    uint32_t i = (r->atk_next + j) % r->n_atk;
    if (!r->atk[i])
      continue;
    int e = mptcp_attacker_write(r->atk[i], seg, buf, cap, now);
    if (e != 0) {
      r->atk_next = (i + 1) % r->n_atk;
      return e;
    }
  }
  return 0;
}

static uint64_t atk_expiry(void *ep) {
  run *r = ep;
  uint64_t t = MPTCP_TIME_NEVER;
  for (uint32_t i = 0; i < r->n_atk; i++)
    if (r->atk[i]) {
      uint64_t x = mptcp_attacker_get_expiry(r->atk[i]);
      if (x < t)
        t = x;
    }
  return t;
}

static int atk_handle(void *ep, uint64_t now) {
  run *r = ep;
  for (uint32_t i = 0; i < r->n_atk; i++)
    if (r->atk[i]) {
      int e = mptcp_attacker_handle_expiry(r->atk[i], now);
      if (e < 0)
        return e;
    }
  return 0;
}

static int is_data_attack(const char *attack) {
  return !strcmp(attack, "dsn-inject") || !strcmp(attack, "hole-flood");
}

/* A3 join-guess, A5 join-flood: MP_JOIN SYNs toward B from the tap's own
 * address, whose answers reach nobody who completes them. */
static int is_join_attack(const char *attack) {
  return !strcmp(attack, "join-guess") || !strcmp(attack, "join-flood");
}

static void atk_config(const options *o, mptcp_attack_config *ac) {
  mptcp_attack_config_default(ac);
  ac->name = o->attack;
  ac->on_path = !o->attack_offpath;
  ac->victim = MPTCP_VICTIM_CLIENT;
  ac->start_ns = o->attack_at_ns;
  ac->guesses = (uint32_t)o->attack_guesses;
  ac->interval_ns = o->attack_interval_ns;
  ac->guess_step = (uint32_t)o->attack_step;
  ac->use_keys = (uint8_t)o->attack_keys;
  if (is_data_attack(o->attack)) { /* data toward B, the receiver */
    ac->victim = MPTCP_VICTIM_SERVER;
    ac->dsn_lead = o->attack_lead;
    ac->payload_len = (uint16_t)o->attack_payload;
    ac->virtual_payload = (uint8_t)o->virt; /* the stacks' own convention */
  }
  if (is_join_attack(o->attack))
    ac->victim = MPTCP_VICTIM_SERVER;
  if (!strcmp(o->attack, "add-addr")) /* A learns the attacker's address, id 9 */
    ac->addr_id = 9;
}

/* Off-path: at --attack-at the attacker is told the 4-tuple of the
 * victim's subflow on --attack-path (nothing else) and starts guessing. */
static void atk_offpath_start(netsim *ns, void *arg) {
  run *r = arg;
  side *v = &r->flows[0].s[NETSIM_A];
  int n = v->conn ? mptcp_conn_subflow_count(v->conn) : 0;
  for (int i = 0; i < n; i++) {
    mptcp_conn_stats st;
    mptcp_addr l, rem;
    if (mptcp_conn_get_subflow_stats(v->conn, i, &st, &l, &rem) < 0 ||
        st.state != MPTCP_TCP_ESTABLISHED || l.ip[2] != r->o->attack_path)
      continue;
    mptcp_attack_config ac;
    atk_config(r->o, &ac);
    ac.start_ns = netsim_now(ns);
    ac.victim_addr = l;
    ac.peer_addr = rem;
    if (mptcp_attacker_new(&r->atk[0], &ac, NULL, atk_rand, r) < 0)
      return;
    r->atk_target_found = 1;
    netsim_touch(ns, NETSIM_TAP);
    return;
  }
}

/* The configuration switch --defence false turns off, or NULL. */
static const char *defence_switch(const char *attack) {
  if (!strcmp(attack, "rst") || !strcmp(attack, "mp-tcprst"))
    return "rst_seq_check";
  if (!strcmp(attack, "fastclose"))
    return "fastclose_key_check+opt_ack_check";
  if (!strcmp(attack, "hole-flood"))
    return "enforce_conn_window+max_ofo_ranges";
  if (!strcmp(attack, "join-flood"))
    return "enforce_limits+syn_cookies";
  if (!strcmp(attack, "remove-addr"))
    return "remove_addr_probe+opt_ack_check";
  if (!strcmp(attack, "add-addr"))
    return "add_addr_hmac_check+opt_ack_check";
  if (!strcmp(attack, "mp-prio"))
    return "opt_ack_check"; /* RFC 8684 does not authenticate MP_PRIO */
  /* dsn-inject: nothing authenticates the data */
  return NULL;
}

static void time_up(netsim *ns, void *arg) {
  (void)arg;
  netsim_stop(ns);
}

static const char *reason_name(int reason) {
  switch (reason) {
  case MPTCP_CLOSE_NORMAL:
    return "normal";
  case MPTCP_CLOSE_RESET:
    return "reset";
  case MPTCP_CLOSE_TIMEOUT:
    return "timeout";
  case MPTCP_CLOSE_ABORT:
    return "abort";
  case MPTCP_CLOSE_REFUSED:
    return "refused";
  default:
    return "unknown";
  }
}

/* Why a connection (both of its ends) ended. */
static const char *flow_close_reason(const run *r, const flow *f, int hit_limit) {
  for (int h = 0; h < 2; h++)
    if (f->s[h].closed && f->s[h].close_reason != MPTCP_CLOSE_NORMAL)
      return reason_name(f->s[h].close_reason);
  for (int h = 0; h < 2; h++)
    if (!f->s[h].closed)
      return r->o->time_ns ? "time_limit" : hit_limit ? "duration_limit" : "not_closed";
  return "normal";
}

static int flow_verified(const run *r, const flow *f, int hit_limit) {
  for (int h = 0; h < 2; h++) {
    const side *s = &f->s[h];
    if (s->mismatch)
      return 0;
    if (!s->receives)
      continue;
    if (r->o->time_ns) {
      if (s->received == 0)
        return 0;
    } else {
      const side *peer = &f->s[1 - h];
      if (s->received != peer->to_send || !s->fin_read)
        return 0;
    }
  }
  if (!r->o->time_ns && strcmp(flow_close_reason(r, f, hit_limit), "normal") != 0)
    return 0;
  return 1;
}

/* The reason of an MP_TCPRST (RFC 8684 section 3.6), as the JSON names it. */
static const char *mp_tcprst_name(int reason) {
  switch (reason) {
  case MPTCP_RST_EUNSPEC:
    return "unspecified";
  case MPTCP_RST_EMPTCP:
    return "mptcp_error";
  case MPTCP_RST_ERESOURCE:
    return "lack_of_resources";
  case MPTCP_RST_EPROHIBIT:
    return "administratively_prohibited";
  case MPTCP_RST_EWQ2BIG:
    return "too_much_outstanding_data";
  case MPTCP_RST_EBADPERF:
    return "unacceptable_performance";
  case MPTCP_RST_EMIDDLEBOX:
    return "middlebox_interference";
  default:
    return "unknown";
  }
}

/*
 * Why a connection's transfer failed, as the value of "failure" (see the
 * header comment): null when verified; else the first of
 *   {"kind":"mismatch","side":"a"|"b","offset":N}
 *   {"kind":"reset","by":"a"|"b","cause":C,"mp_tcprst":R}
 *   {"kind":"incomplete","side":"a"|"b","received":N,"expected":M,
 *    "fin_read":bool,"stopped_by":S}
 * `prefix` is printed first inside the object (the top level names the
 * connection).
 */
static void print_failure(const run *r, const flow *f, int hit_limit, const char *prefix) {
  if (flow_verified(r, f, hit_limit)) {
    printf("null");
    return;
  }
  printf("{%s", prefix);
  for (int h = 0; h < 2; h++)
    if (f->s[h].mismatch) {
      printf("\"kind\":\"mismatch\",\"side\":\"%c\",\"offset\":%" PRIu64 "}", h ? 'b' : 'a',
             f->s[h].mismatch_at);
      return;
    }
  /* the end whose abnormal close came first; an RST or MP_FASTCLOSE it
   * received names its peer as the one that reset */
  int first = -1;
  for (int h = 0; h < 2; h++)
    if (f->s[h].closed && f->s[h].close_reason != MPTCP_CLOSE_NORMAL &&
        (first < 0 || f->s[h].closed_ns < f->s[first].closed_ns))
      first = h;
  if (first >= 0) {
    const mptcp_conn_stats *st = &f->s[first].st, *peer = &f->s[1 - first].st;
    int by = first, reason = -1;
    const char *cause;
    switch (st->reset_cause) {
    case MPTCP_RESET_PEER_RST:
    case MPTCP_RESET_FASTCLOSE:
      by = 1 - first;
      reason = st->reset_reason;
      /* what the peer recorded for itself says why it reset */
      cause = st->reset_cause == MPTCP_RESET_FASTCLOSE   ? "fastclose"
              : peer->reset_cause == MPTCP_RESET_TIMEOUT ? "timeout"
              : peer->reset_cause == MPTCP_RESET_LOCAL   ? "protocol"
              : peer->reset_cause == MPTCP_RESET_ABORT   ? "abort"
                                                         : "rst";
      break;
    case MPTCP_RESET_TIMEOUT:
      cause = "timeout";
      break;
    case MPTCP_RESET_ABORT:
      cause = "abort";
      break;
    case MPTCP_RESET_LOCAL:
      cause = "protocol";
      reason = st->reset_reason;
      break;
    default:
      cause = "unknown";
      break;
    }
    if (reason < 0 && by != first && peer->reset_cause == MPTCP_RESET_LOCAL)
      reason = peer->reset_reason;
    if (reason < 0 && by == first && peer->reset_cause == MPTCP_RESET_PEER_RST)
      reason = peer->reset_reason; /* what our RST said, as the peer read it */
    printf("\"kind\":\"reset\",\"by\":\"%c\",\"cause\":\"%s\",\"mp_tcprst\":", by ? 'b' : 'a',
           cause);
    if (reason < 0)
      printf("null}");
    else
      printf("\"%s\"}", mp_tcprst_name(reason));
    return;
  }
  /* incomplete: the first receiving end that misses bytes or the FIN */
  int end = 1;
  for (int h = 0; h < 2; h++) {
    const side *x = &f->s[h];
    int missing = r->o->time_ns ? x->received == 0
                                : x->received != f->s[1 - h].to_send || !x->fin_read;
    if (x->receives && missing) {
      end = h;
      break;
    }
  }
  const side *x = &f->s[end];
  const char *stop = r->o->time_ns                                 ? "time_limit"
                     : hit_limit                                   ? "duration_limit"
                     : f->s[0].closed && f->s[1].closed            ? "closed"
                     : f->s[0].closed && !f->s[1].conn             ? "closed"
                                                                   : "idle";
  printf("\"kind\":\"incomplete\",\"side\":\"%c\",\"received\":%" PRIu64
         ",\"expected\":%" PRIu64 ",\"fin_read\":%s,\"stopped_by\":\"%s\"}",
         end ? 'b' : 'a', x->received, r->o->time_ns ? 0 : f->s[1 - end].to_send,
         x->fin_read ? "true" : "false", stop);
}

static void json_str(const char *key, const char *v, int comma) {
  printf("\"%s\":\"%s\"%s", key, v, comma ? "," : "");
}
static void json_u64(const char *key, uint64_t v, int comma) {
  printf("\"%s\":%" PRIu64 "%s", key, v, comma ? "," : "");
}
static void json_dbl(const char *key, double v, const char *fmt, int comma) {
  printf("\"%s\":", key);
  printf(fmt, isfinite(v) ? v : 0.0);
  printf("%s", comma ? "," : "");
}
static void json_bool(const char *key, int v, int comma) {
  printf("\"%s\":%s%s", key, v ? "true" : "false", comma ? "," : "");
}

static void json_addr(const char *key, const mptcp_addr *a, int comma) {
  char ip[64];
  snprintf(ip, sizeof(ip), "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3], a->port);
  json_str(key, ip, comma);
}

/* Per-subflow figures of the sender side A's connection (MPTCP). */
static void print_subflows(const side *a) {
  printf("\"subflows\":[");
  int n = a->conn ? mptcp_conn_subflow_count(a->conn) : 0;
  for (int i = 0; i < n; i++) {
    mptcp_conn_stats st;
    mptcp_addr l, r;
    if (mptcp_conn_get_subflow_stats(a->conn, i, &st, &l, &r) < 0)
      continue;
    printf("%s{", i ? "," : "");
    json_u64("id", (uint64_t)i, 1);
    json_addr("local", &l, 1);
    json_addr("remote", &r, 1);
    json_u64("bytes_sent", st.bytes_sent, 1);
    json_u64("bytes_acked", st.bytes_acked, 1);
    json_u64("bytes_received", st.bytes_received, 1);
    json_u64("retransmissions", st.retransmissions, 1);
    json_u64("rto_count", st.rto_count, 1);
    json_dbl("srtt_ms", (double)st.srtt_ns / 1e6, "%.3f", 1);
    json_str("state", mptcp_tcp_state_name(st.state), 0);
    printf("}");
  }
  printf("],");
}

static const char *dir_name(int d) {
  return d == DIR_A2B ? "a2b" : d == DIR_B2A ? "b2a" : "both";
}

static int run_main(options *o) {
  /* Links: the lists, then the queue default from each path's BDP. */
  path_cfg *paths = calloc(o->paths, sizeof(*paths));
  if (!paths)
    return lb_bad("out of memory");
  if (lb_path_links(o, paths) != 0) {
    free(paths);
    return EXIT_USAGE;
  }
  if (!o->start_spread_set) {
    /* Default start spread: with more than one flow, one base RTT of path
     * 0 (at most a tenth of the run). Flows opened in the same nanosecond
     * overflow a drop-tail queue with their first flights together; those
     * that lose all of theirs retransmit one segment each at the same
     * backed-off timeouts, which the queue, refilled at every departure by
     * the flows that got through, keeps dropping (lock-out, RFC 7567
     * section 2). */
    uint64_t run_ns = o->time_ns ? o->time_ns : o->limit_ns;
    uint64_t rtt = 2 * paths[0].link.delay_ns;
    o->start_spread_ns = o->connections + o->tcp_flows > 1 ? (rtt < run_ns / 10 ? rtt : run_ns / 10) : 0;
  }

  int e = mptcp_config_check(&o->cfg);
  if (e == MPTCP_ERR_UNKNOWN_CC) {
    free(paths);
    return lb_bad("--cc: unknown congestion control '%s' (known: %s)",
               o->cfg.cc ? o->cfg.cc : "(none)", lb_algo_names(MPTCP_ALGO_CC));
  }
  if (e < 0) {
    free(paths);
    return lb_bad("the TCP configuration is out of range (%s): check --mss (at least 64), "
               "--sndbuf and --rcvbuf (at least one MSS), --min-rto (at most 60s)",
               mptcp_strerror_name(e));
  }

  run r;
  memset(&r, 0, sizeof(r));
  r.o = o;
  mptcp_pcap *pcap = NULL;
  if (o->pcap) {
    pcap = mptcp_pcap_open(o->pcap);
    if (!pcap) {
      free(paths);
      return lb_bad("--pcap: cannot create '%s': %s", o->pcap, strerror(errno));
    }
  }
  if (o->trace) {
    r.trace = fopen(o->trace, "w");
    if (!r.trace) {
      mptcp_pcap_close(pcap);
      free(paths);
      return lb_bad("--trace: cannot create '%s': %s", o->trace, strerror(errno));
    }
    fprintf(r.trace, "t_s,conn,subflow,cwnd,ssthresh,srtt_ms,bytes_in_flight\n");
  }

  int status = EXIT_FAILED;
  netsim_config nc = {.seed = o->seed,
                      .n_paths = o->paths,
                      .shared = o->shared,
                      .seg_cap = MPTCP_TCP_HDR_MAX + (o->virt ? 0 : o->cfg.mss)};
  if (netsim_new(&r.ns, &nc) < 0) {
    fprintf(stderr, "%s: cannot create the network\n", prog);
    goto out;
  }
  for (uint32_t i = 0; i < o->paths; i++) {
    /* the policer (--police) sits on the A-to-B link only */
    netsim_link_config back = paths[i].link;
    back.police_bps = 0;
    netsim_set_link(r.ns, i, NETSIM_A2B, &paths[i].link);
    netsim_set_link(r.ns, i, NETSIM_B2A, &back);
  }
  for (size_t i = 0; i < o->n_fails; i++)
    netsim_add_failure(r.ns, o->fails[i].path, NETSIM_BOTH, o->fails[i].t1, o->fails[i].t2);
  if (pcap)
    netsim_set_pcap(r.ns, pcap);

  mptcp_callbacks cb = {.accepted = cb_accepted,
                        .connected = cb_connected,
                        .readable = cb_readable,
                        .writable = cb_writable,
                        .closed = cb_closed};
  netsim_host_ops ops = netsim_stack_ops();
  if (o->strip_mptcp || o->alter_path >= 0) {
    ops.write = strip_write;
    g_strip = o->strip_mptcp;
    g_strip_checksum = o->cfg.tcp_checksum;
    g_alter_path = o->alter_path;
    g_alter_every = o->alter_every;
    g_alter_at = o->alter_at;
  }
  for (int h = 0; h < 2; h++) {
    app_host *ah = &r.host[h];
    ah->id = h;
    ah->run = &r;
    netsim_rng_seed(&ah->rng, o->seed, NETSIM_STREAM_USER + (uint64_t)h);
    e = mptcp_stack_new(&ah->stack, &o->cfg, NULL, host_rand, &cb, ah);
    if (e < 0) {
      fprintf(stderr, "%s: mptcp_stack_new: %s\n", prog, mptcp_strerror(e));
      goto out;
    }
    netsim_set_host(r.ns, h, &ops, ah->stack, o->cfg.tcp_checksum);
    for (uint32_t p = 0; p < (h == NETSIM_B ? o->server_addrs : o->paths); p++) {
      mptcp_addr a;
      netsim_path_addr(r.ns, p, h, &a);
      mptcp_stack_add_address(ah->stack, &a);
    }
  }

  r.n_flows = o->connections + o->tcp_flows;
  r.flows = calloc(r.n_flows, sizeof(flow));
  r.rbuf = malloc(CHUNK);
  r.expect = malloc(CHUNK);
  if (!r.flows || !r.rbuf || !r.expect) {
    fprintf(stderr, "%s: out of memory\n", prog);
    goto out;
  }
  uint64_t amount = o->time_ns ? UNLIMITED : o->bytes;
  for (uint32_t k = 0; k < r.n_flows; k++) {
    flow *f = &r.flows[k];
    f->idx = k;
    for (int h = 0; h < 2; h++) {
      side *s = &f->s[h];
      s->flow = f;
      s->run = &r;
      s->host = h;
      int sends = h == NETSIM_A ? (o->direction & DIR_A2B) : (o->direction & DIR_B2A);
      int recvs = h == NETSIM_A ? (o->direction & DIR_B2A) : (o->direction & DIR_A2B);
      s->sends = sends != 0;
      s->to_send = sends ? amount : 0;
      s->receives = recvs != 0;
      /* stream key of direction A->B and B->A of connection k */
      uint64_t x = o->seed ^ ((uint64_t)k << 32);
      uint64_t kab = netsim_splitmix64(&x), kba = netsim_splitmix64(&x);
      s->tx_key = h == NETSIM_A ? kab : kba;
      s->rx_key = h == NETSIM_A ? kba : kab;
      if (sends && !o->virt) {
        s->chunk = malloc(CHUNK);
        if (!s->chunk) {
          fprintf(stderr, "%s: out of memory\n", prog);
          goto out;
        }
      }
    }
    mptcp_addr listen;
    netsim_path_addr(r.ns, 0, NETSIM_B, &listen);
    listen.port = (uint16_t)(LISTEN_PORT + k);
    e = mptcp_stack_listen(r.host[NETSIM_B].stack, &listen);
    if (e < 0) {
      fprintf(stderr, "%s: mptcp_stack_listen: %s\n", prog, mptcp_strerror(e));
      goto out;
    }
  }
  netsim_rng spread_rng; /* its own stream: other draws stay as they were */
  netsim_rng_seed(&spread_rng, o->seed, NETSIM_STREAM_USER + 2);
  for (uint32_t k = 0; k < r.n_flows; k++) {
    if (k && o->start_spread_ns) {
      uint64_t t = netsim_rng_below(&spread_rng, o->start_spread_ns);
      if (netsim_schedule(r.ns, t, open_flow_event, &r.flows[k]) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto out;
      }
    } else if (open_flow(&r, k, 0) < 0) {
      fprintf(stderr, "%s: %s\n", prog, r.fail_msg);
      goto out;
    }
  }
  netsim_rng_seed(&r.atk_rng, o->seed, NETSIM_STREAM_USER + 3);
  if (o->attack) {
    netsim_host_ops aops = {.read = atk_read,
                            .write = atk_write,
                            .get_expiry = atk_expiry,
                            .handle_expiry = atk_handle};
    r.n_atk = is_data_attack(o->attack) ? o->connections : 1;
    r.atk = calloc(r.n_atk, sizeof(*r.atk));
    if (!r.atk) {
      fprintf(stderr, "%s: out of memory\n", prog);
      goto out;
    }
    netsim_set_tap(r.ns, o->attack_path, &aops, &r, !o->attack_offpath);
    if (is_join_attack(o->attack)) {
      /* from the tap's own address; off-path, toward B's listening
       * address and port (public: no need to wait for a subflow) */
      mptcp_attack_config ac;
      atk_config(o, &ac);
      netsim_path_addr(r.ns, o->attack_path, NETSIM_TAP, &ac.peer_addr);
      if (o->attack_offpath) {
        netsim_path_addr(r.ns, o->attack_path, NETSIM_B, &ac.victim_addr);
        ac.victim_addr.port = LISTEN_PORT;
      }
      e = mptcp_attacker_new(&r.atk[0], &ac, NULL, atk_rand, &r);
      if (e < 0) {
        fprintf(stderr, "%s: mptcp_attacker_new: %s\n", prog, mptcp_strerror(e));
        goto out;
      }
      r.atk_target_found = 1;
    } else if (o->attack_offpath) {
      netsim_schedule(r.ns, o->attack_at_ns, atk_offpath_start, &r);
    } else {
      for (uint32_t k = 0; k < r.n_atk; k++) {
        mptcp_attack_config ac;
        atk_config(o, &ac);
        if (is_data_attack(o->attack)) { /* connection k: B serves it on its own port */
          netsim_path_addr(r.ns, o->attack_path, NETSIM_B, &ac.victim_addr);
          ac.victim_addr.port = (uint16_t)(LISTEN_PORT + k);
        }
        if (!strcmp(o->attack, "eavesdrop-join")) /* its own address, beside A and B */
          netsim_path_addr(r.ns, o->attack_path, NETSIM_TAP, &ac.peer_addr);
        if (!strcmp(o->attack, "add-addr")) /* announces its own, where it relays */
          netsim_path_addr(r.ns, o->attack_path, NETSIM_TAP, &ac.announce_addr);
        e = mptcp_attacker_new(&r.atk[k], &ac, NULL, atk_rand, &r);
        if (e < 0) {
          fprintf(stderr, "%s: mptcp_attacker_new: %s\n", prog, mptcp_strerror(e));
          goto out;
        }
      }
      r.atk_target_found = 1;
    }
  }
  netsim_touch(r.ns, NETSIM_A);
  if (r.trace)
    netsim_schedule(r.ns, 0, trace_tick, &r);
  if (o->mptcp)
    netsim_schedule(r.ns, 0, ooo_tick, &r);
  uint64_t end = o->limit_ns;
  if (o->time_ns) {
    /* a bulk transfer of fixed duration: --duration-limit does not apply */
    netsim_schedule(r.ns, o->time_ns, time_up, NULL);
    end = o->time_ns;
  }

  struct timespec w0, w1;
  clock_gettime(CLOCK_MONOTONIC, &w0);
  int rr = netsim_run(r.ns, end);
  clock_gettime(CLOCK_MONOTONIC, &w1);
  double wall = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
  if (rr < 0) {
    if (rr == NETSIM_ERR_HOST)
      snprintf(r.fail_msg, sizeof(r.fail_msg), "the engine returned %s",
               mptcp_strerror_name(netsim_error_detail(r.ns)));
    else
      snprintf(r.fail_msg, sizeof(r.fail_msg), "the network ran out of memory");
    r.failed_call = 1;
  }
  uint64_t t_end = netsim_now(r.ns);
  int hit_limit = !o->time_ns && r.n_closed < r.n_flows * 2 && t_end >= o->limit_ns;

  /* Results. */
  uint64_t delivered = 0, retrans = 0, rtos = 0, frs = 0, last_read = 0;
  int verified = !r.failed_call;
  const char *close_reason = "normal";
  for (uint32_t k = 0; k < r.n_flows; k++) {
    flow *f = &r.flows[k];
    for (int h = 0; h < 2; h++) {
      side *s = &f->s[h];
      if (s->conn)
        mptcp_conn_get_stats(s->conn, &s->st);
      delivered += s->received;
      retrans += s->st.retransmissions;
      rtos += s->st.rto_count;
      frs += s->st.fast_recoveries;
      if (s->last_read_ns > last_read)
        last_read = s->last_read_ns;
    }
    if (!flow_verified(&r, f, hit_limit))
      verified = 0;
    const char *cr = flow_close_reason(&r, f, hit_limit);
    if (strcmp(close_reason, "normal") == 0)
      close_reason = cr;
  }
  if (r.failed_call)
    close_reason = "error";
  double duration = o->time_ns ? (double)o->time_ns / 1e9 : (double)last_read / 1e9;
  double goodput = duration > 0 ? (double)delivered * 8.0 / duration : 0;
  const netsim_stats *nst = netsim_get_stats(r.ns);

  /* The victim (A's end of connection 0): subflows not established at
   * the end, and whether the connection was reset. */
  int victim_down = 0, victim_survived = 1;
  {
    side *v = &r.flows[0].s[NETSIM_A];
    int n = v->conn ? mptcp_conn_subflow_count(v->conn) : 0;
    for (int i = 0; i < n; i++) {
      mptcp_conn_stats st;
      mptcp_addr l, rem;
      if (mptcp_conn_get_subflow_stats(v->conn, i, &st, &l, &rem) == 0 &&
          st.state != MPTCP_TCP_ESTABLISHED)
        victim_down++;
    }
    if (!v->conn || v->closed || v->st.reset_cause != MPTCP_RESET_NONE)
      victim_survived = 0;
  }
  if (o->baseline) {
    g_baseline_goodput = goodput;
    g_baseline_down = victim_down;
    g_baseline_mem = r.mem_peak[NETSIM_B];
    g_baseline_hmac = mptcp_stack_counter(r.host[NETSIM_B].stack, MPTCP_MIB_JOIN_HMAC);
  }

  printf("{");
  json_str("mode", o->mptcp ? "mptcp" : "tcp", 1);
  if (o->mptcp) {
    json_str("pm", o->cfg.pm, 1);
    json_str("scheduler", o->cfg.scheduler, 1);
    json_bool("opportunistic", o->cfg.opportunistic, 1);
    json_bool("peer_strips_options", o->strip_mptcp, 1);
    printf("\"altered_segments\":%llu,", (unsigned long long)g_altered);
  }
  /* the algorithm the --mode connections run (mptcp_config.cc) */
  json_str("cc", o->mptcp || mptcp_cc_is_coupled(o->cfg.cc) != 1 ? o->cfg.cc : o->cfg.tcp_cc, 1);
  /* what a connection that falls back to TCP runs (mptcp_config.tcp_cc) */
  if (o->mptcp)
    json_str("fallback_cc", mptcp_cc_is_coupled(o->cfg.cc) == 1 ? o->cfg.tcp_cc : o->cfg.cc, 1);
  json_bool("cubic_tcp_friendliness", o->cfg.cubic_tcp_friendliness, 1);
  json_bool("cubic_hystart", o->cfg.cubic_hystart, 1);
  json_u64("paths", o->paths, 1);
  json_str("direction", dir_name(o->direction), 1);
  json_u64("connections", r.n_flows, 1);
  json_dbl("start_spread_s", (double)o->start_spread_ns / 1e9, "%.9f", 1);
  json_bool("virtual", o->virt, 1);
  json_u64("seed", o->seed, 1);
  json_u64("bytes", o->time_ns ? 0 : o->bytes, 1);
  json_dbl("time_s", (double)o->time_ns / 1e9, "%.9f", 1);
  json_u64("delivered_bytes", delivered, 1);
  json_bool("verified", verified, 1);
  printf("\"failure\":");
  if (r.failed_call) {
    printf("{\"kind\":\"error\",\"message\":\"%s\"},", r.fail_msg);
  } else {
    uint32_t bad_flow = 0;
    while (bad_flow < r.n_flows && flow_verified(&r, &r.flows[bad_flow], hit_limit))
      bad_flow++;
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "\"flow\":%" PRIu32 ",", bad_flow);
    if (bad_flow < r.n_flows)
      print_failure(&r, &r.flows[bad_flow], hit_limit, prefix);
    else
      printf("null");
    printf(",");
  }
  json_dbl("duration_s", duration, "%.9f", 1);
  json_dbl("goodput_bps", goodput, "%.1f", 1);
  json_u64("retransmissions", retrans, 1);
  json_u64("rto_count", rtos, 1);
  json_u64("fast_recoveries", frs, 1);
  json_u64("segments_delivered", nst->delivered, 1);
  json_dbl("end_s", (double)t_end / 1e9, "%.9f", 1);
  json_str("close_reason", close_reason, 1);
  if (r.failed_call)
    json_str("error", r.fail_msg, 1);
  json_dbl("wall_s", wall, "%.6f", 1);
  json_dbl("segments_per_wall_s", wall > 0 ? (double)nst->delivered / wall : 0, "%.0f", 1);

  printf("\"flows\":[");
  double sum = 0, sum2 = 0;
  double csum = 0, csum2 = 0; /* over the --connections ones only */
  uint64_t starved = 0;
  uint64_t ooo_peak = 0, ooo_sum = 0, ooo_n = 0;
  for (uint32_t k = 0; k < r.n_flows; k++) {
    flow *f = &r.flows[k];
    side *a = &f->s[NETSIM_A], *b = &f->s[NETSIM_B];
    uint64_t fl_last = a->last_read_ns > b->last_read_ns ? a->last_read_ns : b->last_read_ns;
    double fd = o->time_ns ? (double)o->time_ns / 1e9 : (double)fl_last / 1e9;
    double fg = fd > 0 ? (double)(a->received + b->received) * 8.0 / fd : 0;
    sum += fg;
    sum2 += fg * fg;
    if (k < o->connections) {
      csum += fg;
      csum2 += fg * fg;
      if ((a->receives && a->received == 0) || (b->receives && b->received == 0))
        starved++;
    }
    printf("%s{", k ? "," : "");
    json_u64("id", k, 1);
    json_str("kind", k >= o->connections ? "tcp" : o->mptcp ? "mptcp" : "tcp", 1);
    json_u64("a2b_bytes", b->received, 1);
    json_u64("b2a_bytes", a->received, 1);
    json_bool("verified", flow_verified(&r, f, hit_limit), 1);
    printf("\"failure\":");
    print_failure(&r, f, hit_limit, "");
    printf(",");
    json_dbl("duration_s", fd, "%.9f", 1);
    json_dbl("goodput_bps", fg, "%.1f", 1);
    json_u64("retransmissions", a->st.retransmissions + b->st.retransmissions, 1);
    json_u64("rto_count", a->st.rto_count + b->st.rto_count, 1);
    json_u64("fast_recoveries", a->st.fast_recoveries + b->st.fast_recoveries, 1);
    json_dbl("a_srtt_ms", (double)a->st.srtt_ns / 1e6, "%.3f", 1);
    json_dbl("b_srtt_ms", (double)b->st.srtt_ns / 1e6, "%.3f", 1);
    if (o->mptcp) {
      uint64_t pk = a->ooo_peak > b->ooo_peak ? a->ooo_peak : b->ooo_peak;
      uint64_t ns_ = a->ooo_samples + b->ooo_samples;
      json_u64("ooo_peak", pk, 1);
      json_dbl("ooo_mean", ns_ ? (double)(a->ooo_sum + b->ooo_sum) / (double)ns_ : 0, "%.1f",
               1);
      if (pk > ooo_peak)
        ooo_peak = pk;
      ooo_sum += a->ooo_sum + b->ooo_sum;
      ooo_n += ns_;
    }
    json_bool("fallback",
              o->mptcp && k < o->connections && !(a->conn && mptcp_conn_is_mptcp(a->conn)), 1);
    print_subflows(a);
    json_str("close_reason", flow_close_reason(&r, f, hit_limit), 0);
    printf("}");
  }
  printf("],");
  if (o->tcp_flows) {
    /* mean goodput of the --mode connections over the mean of the
     * competing TCPs (RFC 6356 goal 2: about 1 for coupled control) */
    double gm = 0, gt = 0;
    for (uint32_t k = 0; k < r.n_flows; k++) {
      flow *f = &r.flows[k];
      uint64_t fl_last = f->s[0].last_read_ns > f->s[1].last_read_ns ? f->s[0].last_read_ns
                                                                     : f->s[1].last_read_ns;
      double fd = o->time_ns ? (double)o->time_ns / 1e9 : (double)fl_last / 1e9;
      double fg = fd > 0 ? (double)(f->s[0].received + f->s[1].received) * 8.0 / fd : 0;
      if (k < o->connections)
        gm += fg;
      else
        gt += fg;
    }
    gm /= o->connections;
    gt /= o->tcp_flows;
    json_dbl("mptcp_tcp_ratio", gt > 0 ? gm / gt : 0, "%.6f", 1);
  }
  if (o->mptcp) {
    /* receivers' out-of-order bytes over every connection: the highest
     * sample, the mean of all samples */
    json_u64("ooo_peak", ooo_peak, 1);
    json_dbl("ooo_mean", ooo_n ? (double)ooo_sum / (double)ooo_n : 0, "%.1f", 1);
  }
  json_str("topology", o->shared ? "shared" : "disjoint", 1);
  {
    int fb = 0;
    for (uint32_t k = 0; k < o->connections; k++)
      if (o->mptcp && !(r.flows[k].s[NETSIM_A].conn &&
                        mptcp_conn_is_mptcp(r.flows[k].s[NETSIM_A].conn)))
        fb = 1;
    json_bool("fallback", fb, 1);
  }
  json_dbl("jain", sum2 > 0 ? sum * sum / ((double)r.n_flows * sum2) : 0, "%.6f", 1);
  json_u64("connections_starved", starved, 1);
  json_dbl("jain_connections", csum2 > 0 ? csum * csum / ((double)o->connections * csum2) : 0,
           "%.6f", 1);

  printf("\"links\":[");
  for (uint32_t i = 0; i < o->paths; i++)
    for (int d = 0; d < 2; d++) {
      const netsim_link_stats *ls = netsim_get_link_stats(r.ns, i, d);
      printf("%s{", i || d ? "," : "");
      json_u64("path", i, 1);
      json_str("dir", d == NETSIM_A2B ? "a2b" : "b2a", 1);
      json_u64("rate_bps", paths[i].link.rate_bps, 1);
      json_dbl("delay_s", (double)paths[i].link.delay_ns / 1e9, "%.9f", 1);
      json_u64("queue", paths[i].link.queue_pkts, 1);
      json_u64("sent", ls->sent, 1);
      json_u64("delivered", ls->delivered, 1);
      json_u64("queue_drops", ls->queue_drops, 1);
      json_u64("random_losses", ls->random_losses, 1);
      json_u64("failure_drops", ls->failure_drops, 1);
      json_u64("corruptions", ls->corruptions, 1);
      json_u64("corrupt_drops", ls->corrupt_drops, 1);
      json_u64("duplicates", ls->duplicates, 1);
      json_u64("reorders", ls->reorders, 1);
      if (d == NETSIM_A2B && paths[i].link.police_bps) {
        json_u64("police_bps", paths[i].link.police_bps, 1);
        json_str("police_by", paths[i].link.police_by_source ? "source" : "flow", 1);
        json_u64("police_drops", ls->police_drops, 1);
      }
      json_u64("max_queue", ls->max_queue, 0);
      printf("}");
    }
  printf("],");
  json_u64("unroutable", nst->unroutable, 1);

  if (o->attack) {
    /* the attackers' figures, added up (target_known: all found one) */
    mptcp_attacker_stats ast;
    memset(&ast, 0, sizeof(ast));
    ast.target_known = r.n_atk > 0;
    for (uint32_t i = 0; i < r.n_atk; i++) {
      mptcp_attacker_stats one;
      memset(&one, 0, sizeof(one));
      if (r.atk[i])
        mptcp_attacker_get_stats(r.atk[i], &one);
      ast.target_known = ast.target_known && one.target_known;
      ast.keys_known = ast.keys_known || one.keys_known;
      ast.forged += one.forged;
      ast.joined = ast.joined || one.joined;
      ast.bytes_received += one.bytes_received;
      ast.observed = one.observed > ast.observed ? one.observed : ast.observed;
    }
    /* hole-flood: B's connections against rcvbuf + one MSS per subflow,
     * and B's memory against the baseline's */
    uint64_t injected = 0, conn_peak = 0;
    int over_bound = 0;
    for (uint32_t k = 0; k < r.n_flows; k++) {
      side *b = &r.flows[k].s[NETSIM_B];
      injected += b->injected;
      if (b->rcv_peak > conn_peak)
        conn_peak = b->rcv_peak;
      uint64_t nsf = b->conn ? (uint64_t)mptcp_conn_subflow_count(b->conn) : 1;
      if (b->rcv_peak > (uint64_t)o->cfg.rcvbuf + nsf * o->cfg.mss)
        over_bound = 1;
    }
    /* what the defences let each connection hold beyond the baseline: its
     * window of data, and the bounded out-of-order ranges (48 bytes each)
     * at the subflow and at the data level */
    uint64_t mem_allowed =
        g_baseline_mem + (uint64_t)o->connections *
                             ((uint64_t)o->cfg.rcvbuf + 2ull * MPTCP_OFO_RANGES_DEFAULT * 48);
    mptcp_stack *sb = r.host[NETSIM_B].stack;
    uint64_t beyond = mptcp_stack_counter(sb, MPTCP_MIB_DSN_BEYOND_WINDOW);
    uint64_t dropped = mptcp_stack_counter(sb, MPTCP_MIB_OFO_DROP) +
                       mptcp_stack_counter(sb, MPTCP_MIB_DSN_OFO_DROP) + (o->defence ? beyond : 0);
    const char *sw = defence_switch(o->attack);
    int removed = victim_down > g_baseline_down ? victim_down - g_baseline_down : 0;
    double loss = g_baseline_goodput > 0 ? 1.0 - goodput / g_baseline_goodput : 0;
    int ok;
    if (!strcmp(o->attack, "fastclose"))
      ok = !victim_survived;
    else if (!strcmp(o->attack, "mp-prio"))
      ok = mptcp_stack_counter(r.host[NETSIM_A].stack, MPTCP_MIB_MP_PRIO_RX) > 0 && loss >= 0.1;
    else if (!strcmp(o->attack, "dsn-inject"))
      ok = injected > 0;
    else if (!strcmp(o->attack, "eavesdrop-join"))
      ok = ast.joined;
    else if (!strcmp(o->attack, "add-addr"))
      ok = r.bytes_via_atk > 0;
    else if (!strcmp(o->attack, "join-guess"))
      ok = r.joins_from_atk > 0;
    else if (!strcmp(o->attack, "join-flood"))
      ok = r.half_open_peak > o->cfg.max_half_open_joins;
    else if (!strcmp(o->attack, "hole-flood"))
      ok = over_bound || r.mem_peak[NETSIM_B] > mem_allowed;
    else /* rst, mp-tcprst, remove-addr */
      ok = removed > 0 || !victim_survived;
    json_str("attack", o->attack, 1);
    json_bool("attack_offpath", o->attack_offpath, 1);
    json_u64("attack_path", o->attack_path, 1);
    json_dbl("attack_at_s", (double)o->attack_at_ns / 1e9, "%.9f", 1);
    json_bool("defence", o->defence, 1);
    if (sw)
      json_str("defence_switch", sw, 1);
    else
      printf("\"defence_switch\":null,");
    json_bool("attack_target_found", r.atk_target_found && ast.target_known, 1);
    json_bool("attack_keys_known", ast.keys_known, 1);
    json_u64("attack_forged", ast.forged, 1);
    json_u64("attack_observed", ast.observed, 1);
    json_dbl("baseline_goodput_bps", g_baseline_goodput, "%.1f", 1);
    json_dbl("goodput_loss_fraction", loss, "%.6f", 1);
    json_bool("connection_survived", victim_survived, 1);
    json_u64("subflows_removed", (uint64_t)removed, 1);
    if (!strcmp(o->attack, "dsn-inject")) {
      json_u64("injected_bytes_delivered", injected, 1);
      json_u64("overlap_mismatches", mptcp_stack_counter(sb, MPTCP_MIB_DUP_DATA_MISMATCH), 1);
    }
    if (!strcmp(o->attack, "eavesdrop-join")) {
      json_u64("join_attempts", mptcp_stack_counter(r.host[NETSIM_A].stack,
                                                    MPTCP_MIB_JOIN_SYN_RX), 1);
      json_u64("joins_accepted", ast.joined, 1);
      json_u64("bytes_to_attacker", ast.bytes_received, 1);
    }
    if (!strcmp(o->attack, "add-addr")) {
      json_u64("bytes_via_attacker", r.bytes_via_atk, 1);
      json_dbl("fraction_via_attacker",
               delivered ? (double)r.bytes_via_atk / (double)delivered : 0.0, "%.6f", 1);
    }
    if (is_join_attack(o->attack)) {
      uint64_t hmac = mptcp_stack_counter(sb, MPTCP_MIB_JOIN_HMAC);
      json_u64("join_attempts", ast.forged, 1);
      json_u64("joins_accepted", r.joins_from_atk, 1);
      json_u64("joins_no_token", mptcp_stack_counter(sb, MPTCP_MIB_JOIN_NO_TOKEN), 1);
      json_u64("joins_rejected", mptcp_stack_counter(sb, MPTCP_MIB_JOIN_LIMIT), 1);
      json_u64("half_open_peak", r.half_open_peak, 1);
      json_u64("max_half_open_joins", o->cfg.max_half_open_joins, 1);
      json_u64("hmac_computations", hmac > g_baseline_hmac ? hmac - g_baseline_hmac : 0, 1);
      json_u64("peak_server_state_bytes", r.mem_peak[NETSIM_B], 1);
      json_u64("baseline_server_state_bytes", g_baseline_mem, 1);
    }
    if (!strcmp(o->attack, "hole-flood")) {
      json_u64("attacked_connections", o->connections, 1);
      json_u64("peak_conn_rcv_buffer_bytes", conn_peak, 1);
      json_u64("peak_host_buffer_bytes", r.mem_peak[NETSIM_B], 1);
      json_u64("baseline_host_buffer_bytes", g_baseline_mem, 1);
      json_u64("rcvbuf_bytes", o->cfg.rcvbuf, 1);
      json_u64("segments_beyond_window", beyond, 1);
      json_u64("segments_dropped", dropped, 1);
    }
    json_bool("attack_succeeded", ok, 1);
  }
  printf("\"counters\":{");
  int first = 1;
  for (int h = 0; h < 2; h++)
    for (int id = 0; id < MPTCP_MIB__COUNT; id++) {
      const char *name = mptcp_counter_name(id);
      if (!name)
        continue;
      printf("%s\"%c.%s\":%" PRIu64, first ? "" : ",", h ? 'b' : 'a', name,
             mptcp_stack_counter(r.host[h].stack, id));
      first = 0;
    }
  printf("}}\n");
  fflush(stdout);
  if (r.failed_call)
    fprintf(stderr, "%s: %s\n", prog, r.fail_msg);
  status = verified ? 0 : EXIT_FAILED;
  /* the attack's effect is the measurement, not a failure; so is what
   * its baseline delivered (a connection starved there, say) */
  if (o->attack || o->baseline)
    status = r.failed_call ? EXIT_FAILED : 0;

out:
  for (uint32_t i = 0; i < r.n_atk; i++)
    mptcp_attacker_del(r.atk[i]);
  free(r.atk);
  free(r.relay);
  for (int h = 0; h < 2; h++)
    if (r.host[h].stack)
      mptcp_stack_del(r.host[h].stack);
  if (r.flows)
    for (uint32_t k = 0; k < r.n_flows; k++)
      for (int h = 0; h < 2; h++)
        free(r.flows[k].s[h].chunk);
  free(r.flows);
  free(r.rbuf);
  free(r.expect);
  netsim_del(r.ns);
  if (pcap && mptcp_pcap_close(pcap) < 0) {
    fprintf(stderr, "%s: --pcap: writing '%s' failed\n", prog, o->pcap);
    status = EXIT_FAILED;
  }
  if (r.trace && (ferror(r.trace) | fclose(r.trace)) != 0) {
    fprintf(stderr, "%s: --trace: writing '%s' failed\n", prog, o->trace);
    status = EXIT_FAILED;
  }
  free(paths);
  return status;
}

static int close_stdout(int status) { return tool_close_stdout(prog, status, EXIT_FAILED); }

int main(int argc, char **argv) {
  options o;
  int r = lb_parse_args(argc, argv, &o);
  if (r) {
    free(o.fails);
    return close_stdout(r);
  }
  if (o.attack) {
    /* the baseline: the same run without the attack, its output discarded */
    options ob = o;
    ob.attack = NULL;
    ob.baseline = 1;
    ob.pcap = NULL;
    ob.trace = NULL;
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    if (saved < 0 || null_fd < 0 || dup2(null_fd, STDOUT_FILENO) < 0) {
      fprintf(stderr, "%s: cannot run the baseline: %s\n", prog, strerror(errno));
      free(o.fails);
      return close_stdout(EXIT_FAILED);
    }
    close(null_fd);
    int rb = run_main(&ob);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    g_altered = 0;
    if (rb != 0) {
      fprintf(stderr, "%s: the baseline run (no attack) failed\n", prog);
      free(o.fails);
      return close_stdout(rb);
    }
  }
  r = run_main(&o);
  free(o.fails);
  return close_stdout(r);
}
