/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp-tun: the core's stack as one real host, attached through TUN
 * devices (one per path) to the Linux kernel, so that it talks to the
 * kernel's own MPTCP (net/mptcp). A host tool: it reads the clock and does
 * I/O; the core stays sans-IO (time goes in as CLOCK_MONOTONIC ns).
 *
 * Each --path names a TUN device (created beforehand, e.g. with
 * `ip tuntap add dev tun0 mode tun`, and given the kernel side's address)
 * and this host's address behind it. IP packets read from a device are
 * checked (version, header length and checksum, total length, protocol
 * 6, no fragment) and their TCP segment handed to mptcp_stack_read();
 * every segment the stack writes gets an IPv4 or IPv6 header and leaves by
 * the device whose address is its source.
 *
 * The application sends --bytes of a byte pattern (offset i carries
 * i mod 251), half-closes, and checks that what it receives is the same
 * pattern, --expect bytes of it. Every data segment the stack writes is
 * checked too, before the middlebox: its payload against the pattern at
 * the stream offset its DSS mapping names (sent_checked, sent_bad and the
 * first bad offset), so that bytes the peer finds wrong can be told apart
 * from bytes the core sent wrong. The last line of stdout is JSON: bytes,
 * verified, MPTCP or not, the subflows, the non-zero counters of the
 * stack, and `failure` (null, or why the run failed). Exit status: 0 when
 * the exchange completed and verified, 1 otherwise, 2 for bad arguments.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "mptcp/mptcp.h"
#include "tool_io.h"

#define PROG "mptcp-tun"
#define MAX_PATHS 8
#define PKT_MAX 65536
#define PATTERN_MOD 251

typedef struct {
  char dev[IFNAMSIZ];
  int fd;
  mptcp_addr local;
} tun_path;

typedef struct {
  mptcp_conn *conn;
  uint64_t to_send, sent;
  int64_t expect; /* -1: any amount */
  uint64_t rcvd;
  uint64_t mismatch_at; /* UINT64_MAX: none */
  int shut, peer_fin, closed, close_reason;
  int connected;
  int aborted;
} app_state;

static tun_path g_paths[MAX_PATHS];
static mptcp_stack *g_stack;
static unsigned g_n_paths;
static app_state g_app = {.mismatch_at = UINT64_MAX, .expect = -1};
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static int g_seeded;
static volatile sig_atomic_t g_stop;
static int g_corrupt_join_hmac; /* test-only: a wrong HMAC on the wire */
/* The middlebox between the core and the kernel (both directions unless
 * said otherwise), seeded by --seed: */
static uint32_t g_loss_ppm;         /* drop each packet with this chance */
static int g_strip_mptcp;           /* MPTCP options overwritten with NOPs */
static uint64_t g_alter_at = UINT64_MAX; /* outgoing: alter the payload byte at
                                            this offset of the first path's
                                            subflow, once */
static int g_altered;
static uint64_t g_abort_after = UINT64_MAX; /* abort once this much is read */
static int g_close_after_peer;                /* --close-after-peer */
static uint64_t g_close_after_peer_ns;        /* ... this long after it */
/* --stall N:MS: once the peer acknowledged N bytes (Data ACK, or the
 * TCP ACK after a fallback), the process does nothing for MS ms, as a host
 * descheduled on a loaded machine: on its return its timers have run out
 * before it reads the ACKs queued meanwhile. */
static uint64_t g_stall_at = UINT64_MAX, g_stall_ns;
static int g_stalled;
static uint64_t g_peer_fin_at;                /* when the peer's DATA_FIN came */
static uint64_t g_remove_after = UINT64_MAX; /* withdraw the last --path's address
                                               once this much is read */
static uint64_t g_backup_after = UINT64_MAX; /* subflow 1 to backup (MP_PRIO)
                                               once this much is read */
static int g_removed, g_backup_sent;
static uint64_t g_mb_rng = 0x2545f4914f6cdd1dull;
static uint64_t g_mb_dropped;
static uint64_t g_delay_ns;          /* every packet held this long, both ways */
static uint32_t g_reorder_ppm;       /* ... and with this chance once more, so
                                        that the packets after it overtake it */
static uint64_t g_mb_delayed, g_mb_reordered;
static uint64_t g_ip_in, g_ip_bad, g_ip_other, g_ip_out;
static uint16_t g_ip_id;

/* Symmetric routing: a segment leaves by the device its connection's
 * segments arrive on (a subflow the kernel bound to a device, e.g. an
 * `ip mptcp endpoint ... dev`, only accepts answers there); a connection
 * not heard from yet leaves by the device of its source address. */
#define FLOW_MAX 64
typedef struct {
  mptcp_addr remote, local; /* with ports */
  unsigned path;
} flow_route;
static flow_route g_flows[FLOW_MAX];
static unsigned g_n_flows, g_flow_next;

static int addr_eq(const mptcp_addr *a, const mptcp_addr *b) {
  return a->family == b->family && a->port == b->port &&
         !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
}

static void flow_learn(const mptcp_addr *src, const mptcp_addr *dst, unsigned path) {
  for (unsigned i = 0; i < g_n_flows; i++)
    if (addr_eq(&g_flows[i].remote, src) && addr_eq(&g_flows[i].local, dst)) {
      g_flows[i].path = path;
      return;
    }
  flow_route *f = &g_flows[g_n_flows < FLOW_MAX ? g_n_flows++ : (g_flow_next++ % FLOW_MAX)];
  f->remote = *src;
  f->local = *dst;
  f->path = path;
}

static int flow_path(const mptcp_addr *src, const mptcp_addr *dst) {
  for (unsigned i = 0; i < g_n_flows; i++)
    if (addr_eq(&g_flows[i].remote, dst) && addr_eq(&g_flows[i].local, src))
      return (int)g_flows[i].path;
  return -1;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Random hook: a seeded generator (splitmix64) with --seed, for
 * repeatable keys; otherwise the kernel's random bytes. */
static void host_rand(uint8_t *dest, size_t len, void *ud) {
  (void)ud;
  if (!g_seeded) {
    FILE *f = fopen("/dev/urandom", "rb");
    if (f && fread(dest, 1, len, f) == len) {
      fclose(f);
      return;
    }
    if (f)
      fclose(f);
  }
  for (size_t i = 0; i < len; i++) {
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    dest[i] = (uint8_t)(z ^ (z >> 31));
  }
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: " PROG " --role client|server --path DEV,ADDR [--path DEV,ADDR ...]\n"
          "               (--connect ADDR:PORT | [ADDR]:PORT) | --listen PORT\n"
          "               [--bytes N] [--expect N] [--mptcp true|false] [--pm NAME]\n"
          "               [--subflows N] [--scheduler NAME] [--cc NAME]\n"
          "               [--checksum true|false] [--timeout SECONDS] [--seed N]\n"
          "  --path DEV,ADDR  a TUN device (it must exist) and this host's IPv4 or\n"
          "                   IPv6 address behind it; the first is the initial\n"
          "                   subflow's (client) and every other one is declared\n"
          "                   to the path manager\n"
          "  --bytes N        bytes of the pattern this host sends (default 1048576)\n"
          "  --expect N       bytes it must receive (default: as many as sent)\n"
          "  --timeout S      wall-clock limit (default 30)\n"
          "  --loss P         the middlebox drops each packet, both ways, with\n"
          "                   probability P (0 <= P < 0.5; seeded by --seed)\n"
          "  --delay MS       the middlebox holds every packet MS ms (0..1000), both\n"
          "                   ways\n"
          "  --reorder P      ... and each, with probability P (0 <= P < 0.5; seeded),\n"
          "                   once more, so that the next packets overtake it\n"
          "  --middlebox strip-mptcp  overwrites MPTCP options with NOPs, both ways\n"
          "  --middlebox alter-payload:N  alters the N-th payload byte this host\n"
          "                   sends on its first path (TCP checksum fixed)\n"
          "  --remove-addr-after N  withdraws the last --path's address\n"
          "                   (REMOVE_ADDR) once N bytes were read\n"
          "  --backup-after N marks subflow 1 as a backup (MP_PRIO) once N bytes\n"
          "                   were read\n"
          "  --max-subflows N most subflows per connection, 1..8 (default 8): joins\n"
          "                   beyond are refused with MP_TCPRST reason 3\n"
          "  --close-after-peer MS  sends its DATA_FIN MS milliseconds after the\n"
          "                   peer's came (the peer closes first); default: once\n"
          "                   all is sent\n"
          "  --abort-after N  aborts (MP_FASTCLOSE) once N bytes were read; the run\n"
          "                   then succeeds if the abort went out\n"
          "  --stall N:MS     once the peer acknowledged N bytes, does nothing for\n"
          "                   MS ms (0..10000), as a descheduled host: timers run out\n"
          "  --test-corrupt-join-hmac  flips one bit of every MP_JOIN HMAC this\n"
          "                   host sends (to show that a wrong wire format fails)\n"
          "The last line of stdout is JSON; exit 0 when the exchange verified.\n");
}

static int parse_addr(const char *text, mptcp_addr *a) {
  memset(a, 0, sizeof(*a));
  if (inet_pton(AF_INET, text, a->ip) == 1) {
    a->family = 4;
    return 0;
  }
  if (inet_pton(AF_INET6, text, a->ip) == 1) {
    a->family = 6;
    return 0;
  }
  return -1;
}

static int parse_u64(const char *text, uint64_t max, uint64_t *out) {
  char *end;
  if (!text[0] || text[0] == '-' || text[0] == ' ')
    return -1;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

/* A middlebox's chance, a fraction in [0, 0.5) (e.g. 0.01), in parts per
 * million; 0 or 1 (bad: *ppm is then 0). */
static int parse_chance(const char *text, uint32_t *ppm) {
  char *end;
  errno = 0;
  double f = strtod(text, &end);
  int bad = errno || end == text || *end || !(f >= 0 && f < 0.5);
  *ppm = bad ? 0 : (uint32_t)(f * 1e6 + 0.5);
  return bad;
}

static int parse_bool(const char *text, uint8_t *out) {
  if (!strcmp(text, "true") || !strcmp(text, "1"))
    *out = 1;
  else if (!strcmp(text, "false") || !strcmp(text, "0"))
    *out = 0;
  else
    return -1;
  return 0;
}

/* ADDR:PORT or [ADDR6]:PORT */
static int parse_endpoint(const char *text, mptcp_addr *a) {
  char buf[128];
  const char *port;
  if (strlen(text) >= sizeof(buf))
    return -1;
  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    if (!close || close[1] != ':')
      return -1;
    memcpy(buf, text + 1, (size_t)(close - text - 1));
    buf[close - text - 1] = 0;
    port = close + 2;
  } else {
    const char *colon = strrchr(text, ':');
    if (!colon)
      return -1;
    memcpy(buf, text, (size_t)(colon - text));
    buf[colon - text] = 0;
    port = colon + 1;
  }
  uint64_t p;
  if (parse_addr(buf, a) || parse_u64(port, 65535, &p) || p == 0)
    return -1;
  a->port = (uint16_t)p;
  return 0;
}

static int tun_open(tun_path *p) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, PROG ": /dev/net/tun: %s\n", strerror(errno));
    return -1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, p->dev, strlen(p->dev));
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    fprintf(stderr, PROG ": attaching to TUN device %s: %s\n", p->dev, strerror(errno));
    close(fd);
    return -1;
  }
  p->fd = fd;
  return 0;
}

/* Attaching gives the device its carrier, but the kernel activates its
 * queueing discipline only when its link-watch work runs, up to a second
 * later; until then everything it sends us is dropped (a first SYN-ACK
 * lost, a second later retransmitted). The same work sets the operational
 * state, so the device is ready once /sys/class/net/DEV/operstate reads
 * "up". Waits up to two seconds; without sysfs, does not wait. */
static void tun_wait_ready(const tun_path *p) {
  char path[96], state[16];
  snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", p->dev);
  for (int i = 0; i < 200; i++) {
    FILE *f = fopen(path, "r");
    if (!f)
      return;
    int up = fgets(state, sizeof(state), f) && strncmp(state, "up", 2) == 0;
    fclose(f);
    if (up)
      return;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

static uint16_t ip_checksum(const uint8_t *h, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static uint64_t mb_next(void) {
  /* xorshift64*: the middlebox's own stream, apart from the keys' */
  g_mb_rng ^= g_mb_rng >> 12;
  g_mb_rng ^= g_mb_rng << 25;
  g_mb_rng ^= g_mb_rng >> 27;
  return g_mb_rng * 0x2545f4914f6cdd1dull;
}

static int mb_drop(void) {
  if (!g_loss_ppm || mb_next() % 1000000u >= g_loss_ppm)
    return 0;
  g_mb_dropped++;
  return 1;
}

static void tcp_fix_checksum(uint8_t *seg, size_t len, int family, const uint8_t *src,
                             const uint8_t *dst) {
  seg[16] = seg[17] = 0;
  uint16_t c = family == 4 ? mptcp_tcp_checksum_ipv4(src, dst, seg, len)
                           : mptcp_tcp_checksum_ipv6(src, dst, seg, len);
  seg[16] = (uint8_t)(c >> 8);
  seg[17] = (uint8_t)c;
}

/* Overwrites every MPTCP option (kind 30) with NOPs, as a middlebox that
 * strips unknown options; returns 1 if one was found. */
static int strip_mptcp(uint8_t *seg, size_t len) {
  if (len < 20)
    return 0;
  size_t hl = (size_t)(seg[12] >> 4) * 4, i = 20;
  int found = 0;
  if (hl > len)
    return 0;
  while (i < hl) {
    uint8_t kind = seg[i];
    if (kind == 0)
      break;
    if (kind == 1) {
      i++;
      continue;
    }
    if (i + 1 >= hl || seg[i + 1] < 2 || i + seg[i + 1] > hl)
      break;
    size_t olen = seg[i + 1];
    if (kind == 30) {
      memset(seg + i, 1, olen);
      found = 1;
    }
    i += olen;
  }
  return found;
}

/* One IP packet from a TUN device to the stack. */
static void ip_in(mptcp_stack *st, unsigned path, uint8_t *pkt, size_t n,
                  uint64_t now) {
  mptcp_addr src, dst;
  memset(&src, 0, sizeof(src));
  memset(&dst, 0, sizeof(dst));
  g_ip_in++;
  if (n < 1) {
    g_ip_bad++;
    return;
  }
  unsigned ver = pkt[0] >> 4;
  uint8_t *tcp;
  size_t tcp_len;
  if (ver == 4) {
    if (n < 20) {
      g_ip_bad++;
      return;
    }
    size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
    size_t tot = (size_t)(pkt[2] << 8 | pkt[3]);
    if (ihl < 20 || tot < ihl || tot > n || ip_checksum(pkt, ihl) != 0) {
      g_ip_bad++;
      return;
    }
    if (pkt[9] != 6 || (pkt[6] & 0x3f) || pkt[7]) { /* not TCP, or a fragment */
      g_ip_other++;
      return;
    }
    src.family = dst.family = 4;
    memcpy(src.ip, pkt + 12, 4);
    memcpy(dst.ip, pkt + 16, 4);
    tcp = pkt + ihl;
    tcp_len = tot - ihl;
  } else if (ver == 6) {
    if (n < 40) {
      g_ip_bad++;
      return;
    }
    size_t plen = (size_t)(pkt[4] << 8 | pkt[5]);
    if (40 + plen > n) {
      g_ip_bad++;
      return;
    }
    if (pkt[6] != 6) { /* ICMPv6 (router solicitations...) or extension headers */
      g_ip_other++;
      return;
    }
    src.family = dst.family = 6;
    memcpy(src.ip, pkt + 8, 16);
    memcpy(dst.ip, pkt + 24, 16);
    tcp = pkt + 40;
    tcp_len = plen;
  } else {
    g_ip_bad++;
    return;
  }
  if (mb_drop())
    return;
  if (g_strip_mptcp && strip_mptcp(tcp, tcp_len))
    tcp_fix_checksum(tcp, tcp_len, src.family, src.ip, dst.ip);
  if (tcp_len >= 4) {
    src.port = (uint16_t)(tcp[0] << 8 | tcp[1]);
    dst.port = (uint16_t)(tcp[2] << 8 | tcp[3]);
    flow_learn(&src, &dst, path);
    src.port = dst.port = 0;
  }
  mptcp_stack_read(st, &src, &dst, tcp, tcp_len, 0, now);
}

/* Test-only: flips a bit of the HMAC an MP_JOIN carries (SYN/ACK or third
 * ACK), then fixes the TCP checksum, as a sender with a wrong key would. */
static void corrupt_join_hmac(uint8_t *seg, const mptcp_segment *s) {
  mptcp_tcphdr h;
  if (mptcp_tcphdr_decode(&h, seg, s->len) < 0 || !(h.opts & MPTCP_OPT_MP_JOIN))
    return;
  if (h.join.len == MPTCP_JOIN_LEN_ACK)
    h.join.hmac[0] ^= 0x01;
  else if (h.join.len == MPTCP_JOIN_LEN_SYNACK)
    h.join.thmac ^= 1ull << 63;
  else
    return;
  if (mptcp_tcphdr_encode(seg, s->hdr_len, &h) != (int)s->hdr_len)
    return;
  tcp_fix_checksum(seg, s->len, s->src.family, s->src.ip, s->dst.ip);
}

/* The delay line of --delay and --reorder: packets held until their
 * release time, both ways (the kernel's toward the core, the core's toward
 * the kernel). Seeded, as the drops are. */
#define DELAY_MAX 8192
typedef struct {
  uint64_t at;     /* release time */
  int out;         /* 1: to the kernel (a write), 0: to the core (ip_in) */
  unsigned path;
  size_t len;
  uint8_t *data;
} held_pkt;
static held_pkt g_held[DELAY_MAX];
static unsigned g_n_held;

/* Holds a copy of the packet; 0, or -1 when the line is full (the packet
 * is then dropped, as a full queue would). */
static int delay_hold(int out, unsigned path, const uint8_t *pkt, size_t len, uint64_t now) {
  if (g_n_held == DELAY_MAX) {
    g_mb_dropped++;
    return -1;
  }
  uint8_t *d = malloc(len);
  if (!d) {
    g_mb_dropped++;
    return -1;
  }
  memcpy(d, pkt, len);
  uint64_t at = now + g_delay_ns;
  if (g_reorder_ppm && mb_next() % 1000000u < g_reorder_ppm) {
    at += g_delay_ns; /* held once more: the next ones overtake it */
    g_mb_reordered++;
  }
  g_held[g_n_held++] = (held_pkt){.at = at, .out = out, .path = path, .len = len, .data = d};
  g_mb_delayed++;
  return 0;
}

/* The earliest release time, or UINT64_MAX. */
static uint64_t delay_next(void) {
  uint64_t t = UINT64_MAX;
  for (unsigned i = 0; i < g_n_held; i++)
    if (g_held[i].at < t)
      t = g_held[i].at;
  return t;
}

static void ip_in(mptcp_stack *st, unsigned path, uint8_t *pkt, size_t n, uint64_t now);

/* Releases what is due, in release order (ties in arrival order). */
static void delay_release(mptcp_stack *st, uint64_t now) {
  for (;;) {
    unsigned best = g_n_held;
    for (unsigned i = 0; i < g_n_held; i++)
      if (g_held[i].at <= now && (best == g_n_held || g_held[i].at < g_held[best].at))
        best = i;
    if (best == g_n_held)
      return;
    held_pkt h = g_held[best];
    memmove(&g_held[best], &g_held[best + 1], (g_n_held - best - 1) * sizeof(held_pkt));
    g_n_held--;
    if (h.out) {
      if (write(g_paths[h.path].fd, h.data, h.len) == (ssize_t)h.len)
        g_ip_out++;
    } else {
      ip_in(st, h.path, h.data, h.len, now);
    }
    free(h.data);
  }
}

/* What the core itself put on the wire, checked against the pattern
 * before any middlebox: each data segment's DSS mapping names the stream
 * offset of its payload (DSN - IDSN - 1), whose bytes the pattern gives.
 * A mismatch here is the core's; one only the peer sees happened after. */
/* Bytes the peer acknowledged (Data ACK, or the TCP ACK after a fallback):
 * what the stack was given minus what it still holds. */
static uint64_t data_acked(void) {
  mptcp_conn_stats st;
  mptcp_conn_get_stats(g_app.conn, &st);
  return st.snd_buffered <= g_app.sent ? g_app.sent - st.snd_buffered : 0;
}

static uint64_t g_sent_checked, g_sent_bad, g_sent_bad_off = UINT64_MAX;
static uint32_t g_sent_bad_ssn;

static void check_sent(const uint8_t *seg, const mptcp_segment *s) {
  uint64_t lkey;
  mptcp_tcphdr h;
  if (!s->payload_len || s->payload_virtual || !g_app.conn ||
      mptcp_conn_get_keys(g_app.conn, &lkey, NULL) != MPTCP_OK ||
      mptcp_tcphdr_decode(&h, seg, s->len) < 0 || !(h.opts & MPTCP_OPT_DSS) ||
      !(h.dss.flags & MPTCP_DSS_MAP) || !(h.dss.flags & MPTCP_DSS_DSN8) || !h.dss.dll)
    return;
  uint32_t token;
  uint64_t idsn;
  mptcp_key_token_idsn(lkey, &token, &idsn);
  uint64_t off = h.dss.dsn - idsn - 1;
  /* Bytes below the Data ACK may be stale in the send buffer (a subflow
   * resending a segment whose data the peer already has at the data
   * level, which it discards): only the bytes from the Data ACK on count. */
  uint64_t acked = data_acked();
  g_sent_checked++;
  uint32_t v = (uint32_t)(off % PATTERN_MOD);
  const uint8_t *pl = seg + s->hdr_len;
  for (size_t i = 0; i < s->payload_len; i++) {
    if (off + i >= acked && pl[i] != (uint8_t)v) {
      if (g_sent_bad++ == 0) {
        g_sent_bad_off = off + i;
        g_sent_bad_ssn = h.dss.ssn;
      }
      return;
    }
    if (++v == PATTERN_MOD)
      v = 0;
  }
}

/* One segment from the stack out of the device of its source address. */
static void ip_out(uint8_t *pkt, size_t hdr_room, const mptcp_segment *s) {
  tun_path *out = NULL;
  int known = flow_path(&s->src, &s->dst);
  if (known >= 0)
    out = &g_paths[known];
  for (unsigned i = 0; !out && i < g_n_paths; i++)
    if (g_paths[i].local.family == s->src.family &&
        !memcmp(g_paths[i].local.ip, s->src.ip, s->src.family == 4 ? 4 : 16)) {
      out = &g_paths[i];
      break;
    }
  if (!out)
    out = &g_paths[0];
  uint8_t *seg = pkt + hdr_room;
  check_sent(seg, s);
  if (g_corrupt_join_hmac)
    corrupt_join_hmac(seg, s);
  if (mb_drop())
    return;
  if (g_strip_mptcp && strip_mptcp(seg, s->len))
    tcp_fix_checksum(seg, s->len, s->src.family, s->src.ip, s->dst.ip);
  if (!g_altered && g_alter_at != UINT64_MAX && out == &g_paths[0] && s->payload_len &&
      !s->payload_virtual) {
    /* the subflow's byte offset: sequence number relative to the ISN is
     * not known here, so count the payload bytes this path sent */
    static uint64_t path0_bytes;
    if (g_alter_at < path0_bytes + s->payload_len && g_alter_at >= path0_bytes) {
      seg[s->hdr_len + (size_t)(g_alter_at - path0_bytes)] ^= 0xff;
      tcp_fix_checksum(seg, s->len, s->src.family, s->src.ip, s->dst.ip);
      g_altered = 1;
    }
    path0_bytes += s->payload_len;
  }
  uint8_t *ip;
  size_t total;
  if (s->src.family == 4) {
    ip = seg - 20;
    total = 20 + s->len;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    g_ip_id++;
    ip[4] = (uint8_t)(g_ip_id >> 8);
    ip[5] = (uint8_t)g_ip_id;
    ip[6] = 0x40; /* DF */
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, s->src.ip, 4);
    memcpy(ip + 16, s->dst.ip, 4);
    uint16_t c = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
  } else {
    ip = seg - 40;
    total = 40 + s->len;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(s->len >> 8);
    ip[5] = (uint8_t)s->len;
    ip[6] = 6;
    ip[7] = 64;
    memcpy(ip + 8, s->src.ip, 16);
    memcpy(ip + 24, s->dst.ip, 16);
  }
  if (g_delay_ns) {
    delay_hold(1, (unsigned)(out - g_paths), ip, total, now_ns());
    return;
  }
  if (write(out->fd, ip, total) == (ssize_t)total)
    g_ip_out++;
}

static void pattern_fill(uint8_t *buf, uint64_t off, size_t len) {
  uint32_t v = (uint32_t)(off % PATTERN_MOD);
  for (size_t i = 0; i < len; i++) {
    buf[i] = (uint8_t)v;
    if (++v == PATTERN_MOD)
      v = 0;
  }
}

static void app_pump(uint64_t now) {
  static uint8_t buf[65536];
  app_state *a = &g_app;
  if (!a->conn || a->closed || !a->connected)
    return;
  while (a->sent < a->to_send) {
    size_t chunk = sizeof(buf);
    if (a->to_send - a->sent < chunk)
      chunk = (size_t)(a->to_send - a->sent);
    pattern_fill(buf, a->sent, chunk);
    long n = mptcp_conn_send(a->conn, buf, chunk, now);
    if (n <= 0)
      break;
    a->sent += (uint64_t)n;
  }
  if (a->sent == a->to_send && !a->shut &&
      (!g_close_after_peer || (a->peer_fin && now >= g_peer_fin_at + g_close_after_peer_ns))) {
    if (mptcp_conn_shutdown(a->conn, now) == MPTCP_OK)
      a->shut = 1;
  }
}

static void app_drain(uint64_t now) {
  static uint8_t buf[65536], want[65536];
  app_state *a = &g_app;
  if (!a->conn)
    return;
  for (;;) {
    long n = mptcp_conn_recv(a->conn, buf, sizeof(buf), now);
    if (n <= 0)
      break;
    pattern_fill(want, a->rcvd, (size_t)n);
    if (a->mismatch_at == UINT64_MAX)
      for (long i = 0; i < n; i++)
        if (buf[i] != want[i]) {
          a->mismatch_at = a->rcvd + (uint64_t)i;
          break;
        }
    a->rcvd += (uint64_t)n;
  }
  if (a->rcvd >= g_remove_after && !g_removed && g_n_paths > 1) {
    g_removed = mptcp_stack_remove_address(g_stack, &g_paths[g_n_paths - 1].local, now) ==
                        MPTCP_OK
                    ? 1
                    : -1;
  }
  if (a->rcvd >= g_backup_after && !g_backup_sent && mptcp_conn_subflow_count(a->conn) > 1) {
    g_backup_sent = mptcp_conn_set_backup(a->conn, 1, 1, now) == MPTCP_OK ? 1 : -1;
  }
  if (a->rcvd >= g_abort_after && !a->closed) {
    mptcp_conn_abort(a->conn, now);
    g_abort_after = UINT64_MAX;
    a->aborted = 1;
  }
  if (mptcp_conn_peer_closed(a->conn) && !a->peer_fin) {
    a->peer_fin = 1;
    g_peer_fin_at = now;
  }
}

static void cb_accepted(mptcp_conn *c, void *ud) {
  (void)ud;
  if (g_app.conn) /* one connection per run: refuse more */
    return;
  g_app.conn = c;
  g_app.connected = 1;
}
static void cb_connected(mptcp_conn *c, void *ud) {
  (void)c;
  (void)ud;
  g_app.connected = 1;
}
static void cb_closed(mptcp_conn *c, int reason, void *ud) {
  (void)ud;
  if (c != g_app.conn)
    return;
  g_app.closed = 1;
  g_app.close_reason = reason;
}

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void print_addr(const mptcp_addr *a) {
  char txt[INET6_ADDRSTRLEN] = "?";
  inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, txt, sizeof(txt));
  printf("\"%s\"", txt);
}

int main(int argc, char **argv) {
  const char *role = NULL;
  mptcp_addr remote = {0};
  uint64_t listen_port = 0, bytes = 1048576, timeout_s = 30, v;
  int have_connect = 0, have_expect = 0;
  mptcp_config cfg;
  mptcp_config_default(&cfg);

  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
      usage(stdout);
      return tool_close_stdout(PROG, 0, 1);
    }
    if (!strcmp(o, "--test-corrupt-join-hmac")) {
      g_corrupt_join_hmac = 1;
      continue;
    }

    if (strncmp(o, "--", 2) || i + 1 >= argc) {
      fprintf(stderr, PROG ": unknown option or missing value: '%s'\n", o);
      usage(stderr);
      return 2;
    }
    const char *val = argv[++i];
    int bad = 0;
    if (!strcmp(o, "--role")) {
      role = val;
      bad = strcmp(val, "client") && strcmp(val, "server");
    } else if (!strcmp(o, "--path")) {
      const char *comma = strchr(val, ',');
      if (g_n_paths == MAX_PATHS || !comma || comma == val ||
          (size_t)(comma - val) >= IFNAMSIZ) {
        bad = 1;
      } else {
        tun_path *p = &g_paths[g_n_paths];
        memset(p, 0, sizeof(*p));
        memcpy(p->dev, val, (size_t)(comma - val));
        p->fd = -1;
        bad = parse_addr(comma + 1, &p->local);
        if (!bad)
          g_n_paths++;
      }
    } else if (!strcmp(o, "--connect")) {
      bad = parse_endpoint(val, &remote);
      have_connect = 1;
    } else if (!strcmp(o, "--listen")) {
      bad = parse_u64(val, 65535, &listen_port) || listen_port == 0;
    } else if (!strcmp(o, "--bytes")) {
      bad = parse_u64(val, 1ull << 40, &bytes);
    } else if (!strcmp(o, "--expect")) {
      bad = parse_u64(val, 1ull << 40, &v);
      g_app.expect = (int64_t)v;
      have_expect = 1;
    } else if (!strcmp(o, "--timeout")) {
      bad = parse_u64(val, 3600, &timeout_s) || timeout_s == 0;
    } else if (!strcmp(o, "--seed")) {
      bad = parse_u64(val, UINT64_MAX, &g_rng);
      g_mb_rng ^= g_rng * 0x9e3779b97f4a7c15ull;
      if (!g_mb_rng)
        g_mb_rng = 1;
      g_seeded = 1;
    } else if (!strcmp(o, "--loss")) {
      bad = parse_chance(val, &g_loss_ppm);
    } else if (!strcmp(o, "--delay")) {
      uint64_t ms = 0;
      bad = parse_u64(val, 1000, &ms);
      g_delay_ns = ms * 1000000ull;
    } else if (!strcmp(o, "--reorder")) {
      bad = parse_chance(val, &g_reorder_ppm);
    } else if (!strcmp(o, "--middlebox")) {
      if (!strcmp(val, "strip-mptcp"))
        g_strip_mptcp = 1;
      else if (!strncmp(val, "alter-payload:", 14))
        bad = parse_u64(val + 14, 1ull << 40, &g_alter_at);
      else
        bad = 1;
    } else if (!strcmp(o, "--remove-addr-after")) {
      bad = parse_u64(val, 1ull << 40, &g_remove_after);
    } else if (!strcmp(o, "--backup-after")) {
      bad = parse_u64(val, 1ull << 40, &g_backup_after);
    } else if (!strcmp(o, "--close-after-peer")) {
      uint64_t ms = 0;
      bad = parse_u64(val, 60000, &ms);
      g_close_after_peer = 1;
      g_close_after_peer_ns = ms * 1000000ull;
    } else if (!strcmp(o, "--stall")) {
      const char *colon = strchr(val, ':');
      uint64_t ms = 0;
      char head[32];
      size_t hl = colon ? (size_t)(colon - val) : 0;
      bad = !colon || hl == 0 || hl >= sizeof(head);
      if (!bad) {
        memcpy(head, val, hl);
        head[hl] = 0;
        bad = parse_u64(head, 1ull << 40, &g_stall_at) || parse_u64(colon + 1, 10000, &ms);
        g_stall_ns = ms * 1000000ull;
      }
    } else if (!strcmp(o, "--abort-after")) {
      bad = parse_u64(val, 1ull << 40, &g_abort_after);
    } else if (!strcmp(o, "--mptcp")) {
      bad = parse_bool(val, &cfg.mptcp);
    } else if (!strcmp(o, "--checksum")) {
      bad = parse_bool(val, &cfg.dss_checksum);
    } else if (!strcmp(o, "--max-subflows")) {
      bad = parse_u64(val, 8, &v) || v == 0;
      cfg.max_subflows = (uint8_t)v;
      if (cfg.subflows > cfg.max_subflows) /* (ndiffports' count, unless given) */
        cfg.subflows = cfg.max_subflows;
    } else if (!strcmp(o, "--subflows")) {
      bad = parse_u64(val, 8, &v) || v == 0;
      cfg.subflows = (uint8_t)v;
    } else if (!strcmp(o, "--pm")) {
      cfg.pm = val;
      bad = mptcp_algo_check(MPTCP_ALGO_PM, val) != MPTCP_OK;
    } else if (!strcmp(o, "--scheduler")) {
      cfg.scheduler = val;
      bad = mptcp_algo_check(MPTCP_ALGO_SCHED, val) != MPTCP_OK;
    } else if (!strcmp(o, "--cc")) {
      cfg.cc = val;
      bad = mptcp_algo_check(MPTCP_ALGO_CC, val) != MPTCP_OK;
    } else {
      fprintf(stderr, PROG ": unknown option '%s'\n", o);
      usage(stderr);
      return 2;
    }
    if (bad) {
      fprintf(stderr, PROG ": bad value for %s: '%s'\n", o, val);
      return 2;
    }
  }
  if (!role || !g_n_paths) {
    fprintf(stderr, PROG ": --role and at least one --path are required\n");
    usage(stderr);
    return 2;
  }
  int client = !strcmp(role, "client");
  if (client ? !have_connect || listen_port : have_connect || !listen_port) {
    fprintf(stderr, PROG ": a client needs --connect, a server --listen\n");
    return 2;
  }
  if (client && remote.family != g_paths[0].local.family) {
    fprintf(stderr, PROG ": --connect and the first --path are of different families\n");
    return 2;
  }
  if (!have_expect)
    g_app.expect = (int64_t)bytes;
  g_app.to_send = bytes;
  int rc = mptcp_config_check(&cfg);
  if (rc != MPTCP_OK) {
    fprintf(stderr, PROG ": configuration refused: %s\n", mptcp_strerror(rc));
    return 2;
  }

  for (unsigned i = 0; i < g_n_paths; i++)
    if (tun_open(&g_paths[i]))
      return 1;
  for (unsigned i = 0; i < g_n_paths; i++)
    tun_wait_ready(&g_paths[i]);

  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);

  mptcp_callbacks cb = {.accepted = cb_accepted, .connected = cb_connected,
                        .closed = cb_closed};
  mptcp_stack *st;
  rc = mptcp_stack_new(&st, &cfg, NULL, host_rand, &cb, NULL);
  g_stack = st;
  if (rc != MPTCP_OK) {
    fprintf(stderr, PROG ": mptcp_stack_new: %s\n", mptcp_strerror(rc));
    return 1;
  }
  for (unsigned i = client ? 1 : 0; i < g_n_paths; i++)
    mptcp_stack_add_address(st, &g_paths[i].local);

  uint64_t start = now_ns();
  uint64_t deadline = start + timeout_s * 1000000000ull;
  if (client) {
    mptcp_addr local = g_paths[0].local;
    local.port = 0;
    rc = mptcp_connect(st, &g_app.conn, &local, &remote, NULL, NULL, start);
  } else {
    mptcp_addr any;
    memset(&any, 0, sizeof(any));
    any.family = g_paths[0].local.family;
    any.port = (uint16_t)listen_port;
    rc = mptcp_stack_listen(st, &any);
  }
  if (rc != MPTCP_OK) {
    fprintf(stderr, PROG ": %s: %s\n", client ? "connect" : "listen", mptcp_strerror(rc));
    mptcp_stack_del(st);
    return 1;
  }

  static uint8_t pkt[PKT_MAX + 64];
  const size_t room = 40; /* room for the IP header in front of the segment */
  const char *failure = NULL;
  uint64_t done_at = 0;
  for (;;) {
    uint64_t now = now_ns();
    if (!g_stalled && g_stall_at != UINT64_MAX && g_app.conn && data_acked() >= g_stall_at) {
      g_stalled = 1;
      struct timespec ts = {(time_t)(g_stall_ns / 1000000000ull),
                            (long)(g_stall_ns % 1000000000ull)};
      nanosleep(&ts, NULL);
      now = now_ns();
    }
    if (g_stop) {
      failure = "interrupted";
      break;
    }
    if (now >= deadline) {
      failure = "timeout";
      break;
    }
    if (mptcp_stack_get_expiry(st) <= now)
      mptcp_stack_handle_expiry(st, now);
    app_drain(now);
    app_pump(now);
    mptcp_segment s;
    while (mptcp_stack_write(st, &s, pkt + room, PKT_MAX - room, now) == 1)
      ip_out(pkt, room, &s);

    app_state *a = &g_app;
    if (a->mismatch_at != UINT64_MAX) {
      failure = "mismatch";
      break;
    }
    if (a->aborted) {
      /* let the RSTs leave, then stop */
      if (!done_at)
        done_at = now;
    } else if (a->closed && a->close_reason != MPTCP_CLOSE_NORMAL &&
               !(a->peer_fin && a->shut)) {
      failure = "reset";
      break;
    }
    /* Done: everything sent and acknowledged, the peer's FIN read; a
     * short linger answers the peer's last segments. */
    if (!done_at && a->conn && a->peer_fin && a->shut) {
      mptcp_conn_stats cs;
      mptcp_conn_get_stats(a->conn, &cs);
      if (cs.snd_buffered == 0 || a->closed)
        done_at = now;
    }
    if (done_at && (now - done_at > 300000000ull || a->closed))
      break;

    struct pollfd pfd[MAX_PATHS];
    for (unsigned i = 0; i < g_n_paths; i++) {
      pfd[i].fd = g_paths[i].fd;
      pfd[i].events = POLLIN;
      pfd[i].revents = 0;
    }
    uint64_t wake = mptcp_stack_get_expiry(st);
    if (delay_next() < wake)
      wake = delay_next();
    if (wake > deadline)
      wake = deadline;
    if (done_at && wake > done_at + 300000000ull)
      wake = done_at + 300000000ull;
    if (g_close_after_peer && a->peer_fin && !a->shut &&
        wake > g_peer_fin_at + g_close_after_peer_ns)
      wake = g_peer_fin_at + g_close_after_peer_ns; /* --close-after-peer */
    int timeout_ms = wake <= now ? 0 : (int)((wake - now + 999999) / 1000000);
    int pr = poll(pfd, g_n_paths, timeout_ms);
    if (pr < 0 && errno != EINTR) {
      failure = "poll";
      break;
    }
    now = now_ns();
    for (unsigned i = 0; pr > 0 && i < g_n_paths; i++) {
      if (!(pfd[i].revents & POLLIN))
        continue;
      for (int k = 0; k < 256; k++) {
        ssize_t n = read(g_paths[i].fd, pkt, PKT_MAX);
        if (n <= 0)
          break;
        if (g_delay_ns)
          delay_hold(0, i, pkt, (size_t)n, now);
        else
          ip_in(st, i, pkt, (size_t)n, now);
      }
    }
    delay_release(st, now);
  }

  app_state *a = &g_app;
  if (!failure && !a->aborted && a->expect >= 0 && a->rcvd != (uint64_t)a->expect)
    failure = "short";
  if (!failure && !a->aborted && !a->peer_fin)
    failure = "no-fin";
  int verified = !failure && a->mismatch_at == UINT64_MAX;

  printf("{\"tool\":\"" PROG "\",\"role\":\"%s\",", role);
  printf("\"mptcp\":%s,", a->conn && mptcp_conn_is_mptcp(a->conn) ? "true" : "false");
  printf("\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64 ",", a->sent, a->rcvd);
  printf("\"verified\":%s,", verified ? "true" : "false");
  printf("\"sent_checked\":%" PRIu64 ",\"sent_bad\":%" PRIu64 ",\"stalled\":%s,", g_sent_checked,
         g_sent_bad, g_stalled ? "true" : "false");
  if (g_sent_bad)
    printf("\"sent_bad_first\":{\"offset\":%" PRIu64 ",\"ssn\":%" PRIu32 "},", g_sent_bad_off,
           g_sent_bad_ssn);
  int nsf = a->conn ? mptcp_conn_subflow_count(a->conn) : 0;
  printf("\"subflows\":[");
  for (int i = 0; i < nsf; i++) {
    mptcp_conn_stats ss;
    mptcp_addr l, r;
    mptcp_conn_get_subflow_stats(a->conn, i, &ss, &l, &r);
    printf("%s{\"local\":", i ? "," : "");
    print_addr(&l);
    printf(",\"remote\":");
    print_addr(&r);
    printf(",\"state\":\"%s\",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64
           ",\"bytes_acked\":%" PRIu64 ",\"cwnd\":%" PRIu64 ",\"snd_wnd\":%" PRIu64
           ",\"in_flight\":%" PRIu64 ",\"rto_count\":%" PRIu64 ",\"reset_by_peer\":%s",
           mptcp_tcp_state_name(ss.state), ss.bytes_sent, ss.bytes_received, ss.bytes_acked,
           ss.cwnd, ss.snd_wnd, ss.bytes_in_flight, ss.rto_count,
           ss.sf_rst_rx ? "true" : "false");
    /* the MP_TCPRST reason the peer's RST carried (RFC 8684 section 3.6) */
    if (ss.sf_rst_reason >= 0)
      printf(",\"mp_tcprst_reason\":%d}", ss.sf_rst_reason);
    else
      printf(",\"mp_tcprst_reason\":null}");
  }
  printf("]");
  if (a->conn) {
    mptcp_conn_stats cs;
    mptcp_conn_get_stats(a->conn, &cs);
    printf(",\"conn\":{\"state\":\"%s\",\"snd_buffered\":%" PRIu64 ",\"rcv_buffered\":%" PRIu64
           ",\"snd_wnd\":%" PRIu64 ",\"bytes_acked\":%" PRIu64 "}",
           mptcp_tcp_state_name(cs.state), cs.snd_buffered, cs.rcv_buffered, cs.snd_wnd,
           cs.bytes_acked);
  }
  printf(",\"ip\":{\"in\":%" PRIu64 ",\"out\":%" PRIu64 ",\"malformed\":%" PRIu64
         ",\"not_tcp\":%" PRIu64 "},",
         g_ip_in, g_ip_out, g_ip_bad, g_ip_other);
  printf("\"counters\":{");
  int first = 1;
  for (int id = 0; id < MPTCP_MIB__COUNT; id++) {
    uint64_t c = mptcp_stack_counter(st, id);
    if (c) {
      printf("%s\"%s\":%" PRIu64, first ? "" : ",", mptcp_counter_name(id), c);
      first = 0;
    }
  }
  printf("},\"middlebox\":{\"dropped\":%" PRIu64 ",\"delayed\":%" PRIu64
         ",\"reordered\":%" PRIu64 ",\"altered\":%s},\"aborted\":%s,\"removed_addr\":%s,\"backup_sent\":%s,",
         g_mb_dropped, g_mb_delayed, g_mb_reordered, g_altered ? "true" : "false",
         a->aborted ? "true" : "false",
         g_removed == 1 ? "true" : "false", g_backup_sent == 1 ? "true" : "false");
  printf("\"wall_s\":%.3f,", (double)(now_ns() - start) / 1e9);
  if (failure)
    printf("\"failure\":\"%s\"", failure);
  else
    printf("\"failure\":null");
  if (a->mismatch_at != UINT64_MAX)
    printf(",\"mismatch_offset\":%" PRIu64, a->mismatch_at);
  printf("}\n");

  for (unsigned i = 0; i < g_n_held; i++) /* still in the delay line */
    free(g_held[i].data);
  mptcp_stack_del(st);
  for (unsigned i = 0; i < g_n_paths; i++)
    close(g_paths[i].fd);
  return tool_close_stdout(PROG, verified ? 0 : 1, 1);
}
