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
 * With --attack NAME (threat A6, doc/security.md) the core's attacker is
 * the network's tap on --attack-path, on-path or off-path; the run is made
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

#define EXIT_FAILED 1
#define EXIT_USAGE 2

#define MAX_CONNECTIONS 1000
#define LISTEN_PORT 5001
#define CHUNK (64 * 1024)
#define UNLIMITED UINT64_MAX

static const char *prog = "mptcp-loopback";
static int close_stdout(int status);

/* The algorithms of one kind the core registers, "a, b, c" (enum
 * mptcp_algo_kind); for MPTCP_ALGO_CC, coupled 0 or 1 keeps the uncoupled
 * or the coupled ones only, -1 all. The string is static: one call per
 * message. */
static const char *algo_names_sel(int kind, int coupled) {
  static char list[512];
  size_t n = 0;
  const char *name;
  list[0] = 0;
  for (unsigned i = 0; (name = mptcp_algo_name(kind, i)) && n < sizeof list; i++)
    if (coupled < 0 || mptcp_cc_is_coupled(name) == coupled)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", name);
  return list;
}

static const char *algo_names(int kind) { return algo_names_sel(kind, -1); }

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: %s [OPTIONS]\n"
      "Transfers data between two simulated hosts over a deterministic network\n"
      "and prints one JSON object (the last line of stdout).\n"
      "\n"
      "Network (a comma list gives one value per path):\n"
      "  --paths N            number of paths (default 1; TCP uses path 0)\n"
      "  --rate R             link rate with ns-3's units: 10Mbps, 1.5Gbps, 800kbps,\n"
      "                       2MBps (bytes: 16 Mbit/s), 1Mib/s, or bit/s (default 10Mbps)\n"
      "  --delay T            one-way propagation delay: 10ms, 500us, 1.5s, 20ns;\n"
      "                       a plain number is seconds (default 10ms)\n"
      "  --queue N            drop-tail queue in packets (default: one bandwidth-delay\n"
      "                       product of 1500-byte packets, rate * 2 * delay / 12000,\n"
      "                       rounded up, at least 10)\n"
      "  --jitter T           extra random delay per packet in [0, T], never\n"
      "                       reordering: breaks drop-tail phase effects (default 0)\n"
      "  --loss P             random loss probability: 0..1 or 0%%..100%% (default 0)\n"
      "  --reorder P          probability of an extra delay of up to 2 x delay\n"
      "  --duplicate P        duplication probability\n"
      "  --corrupt P          probability of one flipped bit\n"
      "  --fail P:T1-T2       path P is down in both directions during [T1, T2)\n"
      "                       (repeatable; e.g. --fail 0:2s-2.5s)\n"
      "  --fail-path ID@T     path ID is down in both directions from time T on\n"
      "                       (repeatable; e.g. --fail-path 1@2s)\n"
      "  --seed N             seed of every random choice (default 1)\n"
      "\n"
      "Transfer:\n"
      "  --mode M             tcp or mptcp (default tcp)\n"
      "  --bytes B            bytes per direction: 8MiB, 1.5MB, 1000000 (default 8MiB)\n"
      "  --time T             instead of --bytes: send without end for T virtual seconds\n"
      "  --direction D        a2b, b2a or both (default a2b)\n"
      "  --start-spread T     flow k > 0 (of --connections and --tcp-flows) opens\n"
      "                       at a time drawn (from --seed) in [0, T); default:\n"
      "                       one base RTT of path 0 (2 x its delay, at most a\n"
      "                       tenth of --time or --duration-limit) when there is\n"
      "                       more than one flow. 0: all at time 0, which with\n"
      "                       hundreds of flows on a drop-tail bottleneck locks\n"
      "                       out those that lose their whole first flight\n"
      "                       (JSON: start_spread_s)\n"
      "  --connections K      K parallel connections on path 0 (default 1); the JSON\n"
      "                       gives connections_starved (those of the K whose\n"
      "                       receiving side read no byte) and jain_connections\n"
      "                       (Jain's index over the K connections' goodputs)\n"
      "  --tcp-flows K        K more plain-TCP Reno connections from A to B on path 0,\n"
      "                       competing with the --mode connection(s) (default 0);\n"
      "                       the JSON gives mptcp_tcp_ratio and jain over all flows\n"
      "  --topology T         disjoint (each path its own links, default) or shared\n"
      "                       (every path crosses path 0's links: one bottleneck)\n"
      "  --virtual            virtual payload: only byte counts travel\n"
      "  --duration-limit T   give up at this virtual time (default 3600s)\n"
      "\n"
      "TCP (default: the core's defaults):\n",
      prog);
  /* the names come from the core's registry */
  fprintf(f, "  --cc NAME            congestion control: %s;\n",
          algo_names_sel(MPTCP_ALGO_CC, 0));
  fprintf(f, "                       coupled (--mode mptcp only): %s;\n",
          algo_names_sel(MPTCP_ALGO_CC, 1));
  fputs(
      "                       default lia with --mode mptcp (RFC 6356), cubic with\n"
      "                       --mode tcp\n"
      "  --mss N  --sndbuf B  --rcvbuf B  --init-cwnd N\n"
      "  --min-rto T          minimum retransmission timeout (default 200ms)\n"
      "  --delack T           delayed-ACK timeout (default 40ms)\n"
      "  --delack-count N     acknowledge every Nth full segment (default 2)\n"
      "  --no-sack  --no-timestamps  --no-window-scaling  --no-checksum\n"
      "  --no-tcp-friendliness  CUBIC without its Reno-friendly region\n"
      "  --no-hystart         CUBIC without HyStart\n"
      "\n", f);
  /* Two strings: ISO C guarantees only 4095 characters per literal. */
  fputs("MPTCP (--mode mptcp):\n", f);
  fprintf(f, "  --pm NAME            path manager: %s\n", algo_names(MPTCP_ALGO_PM));
  fprintf(f, "                       (default fullmesh: one subflow per path)\n");
  fprintf(f, "  --scheduler NAME     scheduler: %s (default minrtt)\n",
          algo_names(MPTCP_ALGO_SCHED));
  fputs(
      "  --server-addrs N     how many of the paths' addresses host B has (1..paths;\n"
      "                       default 1 with fullmesh, every path's otherwise); B\n"
      "                       announces its others (ADD_ADDR), and a fullmesh\n"
      "                       client opens a subflow from each of its addresses to\n"
      "                       each announced one (within 8 subflows)\n"
      "  --subflows N         subflows for ndiffports (default 2)\n"
      "  --opportunistic      opportunistic retransmission and penalisation of slow\n"
      "                       subflows when the receive window stops new data\n"
      "  --dss-checksum       negotiate DSS checksums\n"
      "  --alter-payload P:N  a middlebox on path P alters one payload byte of every\n"
      "                       Nth data segment and fixes the TCP checksum; only\n"
      "                       data under a DSS mapping (none after a fallback);\n"
      "  --alter-payload P@T  ... of the first data segment on path P at or after T\n"
      "  --peer-strips-options  a middlebox on every path overwrites the MPTCP\n"
      "                       options (TCP option kind 30) of every packet with NOPs\n"
      "                       (fixing the TCP checksum): the connection must fall\n"
      "                       back to plain TCP\n"
      "\n",
      f);
  fputs(
      "Attacks (threat A6, forged signals; --mode mptcp, --time, one connection;\n"
      "doc/security.md):\n"
      "  --attack NAME        rst, mp-tcprst, remove-addr, mp-prio, fastclose: forged\n"
      "                       toward host A (the client) as if from B, on the\n"
      "                       subflow crossing --attack-path\n"
      "  --attack-path N      the path the attacker sits on (default 0)\n"
      "  --attack-at T        first forgery not before T (default 1s)\n"
      "  --attack-offpath     blind: sees nothing, is told the subflow's 4-tuple at\n"
      "                       --attack-at, sends --attack-guesses forgeries at\n"
      "                       sequence numbers --attack-step apart (default 65535;\n"
      "                       guesses default: enough to cover 2^32) every\n"
      "                       --attack-interval (default 10us). On-path (default):\n"
      "                       learns sequence numbers, ports and keys from the\n"
      "                       path's segments and forges one exact segment\n"
      "  --attack-keys        fastclose: use the keys seen in the MP_CAPABLE\n"
      "                       handshake (on-path, on path 0) instead of a wrong key\n"
      "  --defence true|false false: turn off the defence the attack meets:\n"
      "                       rst_seq_check (rst, mp-tcprst; RFC 5961),\n"
      "                       fastclose_key_check (fastclose); remove-addr and\n"
      "                       mp-prio have none to switch (\"defence_switch\": null)\n"
      "  The run is made twice: first without the attack (its output discarded:\n"
      "  \"baseline_goodput_bps\"), then with it. JSON: \"goodput_loss_fraction\" =\n"
      "  1 - goodput / baseline; \"connection_survived\": A's connection not reset;\n"
      "  \"subflows_removed\": A's subflows not established at the end, beyond the\n"
      "  baseline's; \"attack_succeeded\": rst, mp-tcprst, remove-addr: a subflow\n"
      "  removed or the connection reset; fastclose: the connection reset;\n"
      "  mp-prio: A accepted MP_PRIO and goodput_loss_fraction >= 0.1. Exit\n"
      "  status 0 whatever the attack did (1 only if an engine call failed).\n"
      "\n"
      "Output:\n"
      "  --pcap FILE          every packet at its send time (raw IPv4)\n"
      "  --trace FILE         CSV, one row per subflow of every open connection end\n"
      "                       every --trace-interval (default 10ms): t_s (virtual\n"
      "                       time, s), conn (a0 = A's end of connection 0, b0 =\n"
      "                       B's), subflow (0 = the initial one), cwnd, ssthresh,\n"
      "                       bytes_in_flight (bytes), srtt_ms\n"
      "  --help\n"
      "JSON \"failure\": null when verified, else why (also per connection):\n"
      "  {\"kind\":\"mismatch\",\"side\":\"b\",\"offset\":N}   a byte read differs\n"
      "  {\"kind\":\"reset\",\"by\":\"a\",\"cause\":C,\"mp_tcprst\":R}   reset by end a/b;\n"
      "      C: timeout, protocol, abort, fastclose, rst; R: MP_TCPRST reason\n"
      "      (unspecified, mptcp_error, lack_of_resources,\n"
      "      administratively_prohibited, too_much_outstanding_data,\n"
      "      unacceptable_performance, middlebox_interference) or null\n"
      "  {\"kind\":\"incomplete\",\"side\":\"b\",\"received\":N,\"expected\":M,\n"
      "      \"fin_read\":B,\"stopped_by\":S}   S: duration_limit (a stall),\n"
      "      time_limit, closed, idle\n"
      "  {\"kind\":\"error\",\"message\":T}   an engine call failed\n"
      "Exit status: 0 verified, 1 transfer failed, 2 bad arguments.\n",
      f);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (try --help)\n");
  va_end(ap);
  return EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* Parsing values                                                      */
/* ------------------------------------------------------------------ */

/* A finite, non-negative decimal number followed by a unit from `units`
 * (matched exactly, case-sensitive first, then case-insensitive); the
 * empty unit is allowed if `units` contains "". Returns the value times
 * the unit's factor, or -1 for a malformed text. */
typedef struct unit {
  const char *name;
  double factor;
} unit;

static double parse_with_unit(const char *s, const unit *units, size_t n) {
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || !isfinite(v) || v < 0)
    return -1;
  /* strtod accepts "inf", "nan" and hex floats; only digits and a point */
  for (const char *p = s; p < end; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
          *p == '-' || *p == '+'))
      return -1;
  for (size_t i = 0; i < n; i++)
    if (strcmp(end, units[i].name) == 0)
      return v * units[i].factor;
  for (size_t i = 0; i < n; i++)
    if (strcasecmp(end, units[i].name) == 0)
      return v * units[i].factor;
  return -1;
}

#define NUNITS(a) (sizeof(a) / sizeof((a)[0]))

static const unit time_units[] = {{"", 1e9},   {"s", 1e9},  {"ms", 1e6},
                                  {"us", 1e3}, {"ns", 1}, {"min", 60e9}};

static const unit size_units[] = {
    {"", 1},      {"B", 1},          {"k", 1e3},          {"kB", 1e3},
    {"KiB", 1024}, {"M", 1e6},       {"MB", 1e6},         {"MiB", 1048576.0},
    {"G", 1e9},   {"GB", 1e9},       {"GiB", 1073741824.0}};

/* Rates: the core's parser, with ns-3's meaning of each unit ("Bps" is
 * bytes, "bps" bits), so that a string means the same rate here and in
 * the ns-3 scenarios. */
static int parse_rate(const char *s, uint64_t *out) {
  return mptcp_rate_parse(s, out) == MPTCP_OK ? 0 : -1;
}

static int parse_time(const char *s, uint64_t *out) {
  double v = parse_with_unit(s, time_units, NUNITS(time_units));
  if (v < 0 || v > 1e16)
    return -1;
  *out = (uint64_t)llround(v);
  return 0;
}

static int parse_size(const char *s, uint64_t max, uint64_t *out) {
  double v = parse_with_unit(s, size_units, NUNITS(size_units));
  if (v < 0 || v > (double)max || v != floor(v))
    return -1;
  *out = (uint64_t)v;
  return 0;
}

static int parse_prob(const char *s, double *out) {
  size_t n = strlen(s);
  if (n && s[n - 1] == '%') {
    char tmp[64];
    if (n >= sizeof(tmp))
      return -1;
    memcpy(tmp, s, n - 1);
    tmp[n - 1] = 0;
    unit u[] = {{"", 1}};
    double v = parse_with_unit(tmp, u, 1);
    if (v < 0 || v > 100)
      return -1;
    *out = v / 100;
    return 0;
  }
  unit u[] = {{"", 1}};
  double v = parse_with_unit(s, u, 1);
  if (v < 0 || v > 1)
    return -1;
  *out = v;
  return 0;
}

/* A decimal integer in [min, max]. */
static int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out) {
  if (!s || !*s)
    return -1;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9')
      return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

enum { DIR_A2B = 1, DIR_B2A = 2, DIR_BOTH = 3 };

typedef struct failure {
  uint32_t path;
  uint64_t t1, t2;
} failure;

typedef struct options {
  uint32_t paths;
  uint32_t server_addrs; /* --server-addrs; 0: the default */
  const char *rate, *delay, *jitter, *queue, *loss, *reorder, *duplicate, *corrupt;
  uint64_t seed;
  uint64_t bytes;
  int bytes_set;
  uint64_t time_ns; /* 0: --bytes mode */
  uint64_t start_spread_ns; /* --start-spread, or its default (run_main) */
  int start_spread_set;
  int direction;
  uint32_t connections;
  uint32_t tcp_flows;
  int shared;
  int virt;
  uint64_t limit_ns;
  const char *pcap, *trace;
  uint64_t trace_ns;
  mptcp_config cfg;
  int mptcp;
  int subflows_set;
  int strip_mptcp; /* --peer-strips-options */
  char cc[32];
  failure *fails;
  size_t n_fails;
  int alter_path;        /* --alter-payload: path, -1 none */
  uint64_t alter_every;  /* every Nth data segment (0: once, at alter_at) */
  uint64_t alter_at;
  /* --attack (threat A6): NULL for none */
  const char *attack;
  uint32_t attack_path;
  int attack_path_set;
  uint64_t attack_at_ns;
  int attack_offpath;
  int attack_keys;
  int defence;              /* --defence: 1 (default) or 0 */
  int defence_set;
  uint64_t attack_guesses;  /* 0: the default */
  uint64_t attack_interval_ns;
  uint64_t attack_step;
  int attack_extra_set;     /* any attack flag given */
  int baseline;             /* this run is an attack run's baseline */
} options;

/* Per-path link values after parsing the lists. */
typedef struct path_cfg {
  netsim_link_config link;
} path_cfg;

/* Splits a comma list into `paths` values (one value: for every path). */
typedef int (*item_parser)(const char *s, void *out, size_t i);

static int parse_list(const char *flag, const char *text, uint32_t paths,
                      item_parser fn, void *out) {
  char buf[4096];
  if (strlen(text) >= sizeof(buf))
    return bad("%s: list too long", flag), -1;
  strcpy(buf, text);
  uint32_t n = 1;
  for (const char *p = buf; *p; p++)
    n += *p == ',';
  if (n != 1 && n != paths)
    return bad("%s: %" PRIu32 " values for %" PRIu32 " paths (give one, or one per path)",
               flag, n, paths),
           -1;
  /* strtok_r skips empty items: catch "1,,2" and trailing commas */
  if (strstr(text, ",,") || text[0] == ',' || text[strlen(text) - 1] == ',')
    return bad("%s: empty item in '%s'", flag, text), -1;
  char *save = NULL;
  char *tok = strtok_r(buf, ",", &save);
  uint32_t i = 0;
  while (tok) {
    if (fn(tok, out, i) < 0)
      return -1;
    tok = strtok_r(NULL, ",", &save);
    i++;
  }
  if (n == 1)
    for (uint32_t k = 1; k < paths; k++)
      if (fn(buf, out, k) < 0)
        return -1;
  return 0;
}

static path_cfg *g_paths; /* target of the item parsers below */

static int item_rate(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_rate(s, &g_paths[i].link.rate_bps) < 0)
    return bad("--rate: '%s' is not a rate of 1 bit/s to 10 Tbit/s with ns-3's units "
               "(e.g. 10Mbps, 1.5Gbps, 800kbps, 2MBps = bytes, 500000 = bit/s)", s), -1;
  return 0;
}
static int item_delay(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_time(s, &g_paths[i].link.delay_ns) < 0)
    return bad("--delay: '%s' is not a time (e.g. 10ms, 500us, 0.02)", s), -1;
  return 0;
}
static int item_jitter(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_time(s, &g_paths[i].link.jitter_ns) < 0)
    return bad("--jitter: '%s' is not a time (e.g. 1ms, 200us)", s), -1;
  return 0;
}
static int item_queue(const char *s, void *out, size_t i) {
  (void)out;
  uint64_t v;
  if (parse_uint(s, 0, 10000000, &v) < 0)
    return bad("--queue: '%s' is not a packet count (0..10000000)", s), -1;
  g_paths[i].link.queue_pkts = (uint32_t)v;
  return 0;
}
#define ITEM_PROB(name, field)                                                  \
  static int item_##name(const char *s, void *out, size_t i) {                  \
    (void)out;                                                                  \
    if (parse_prob(s, &g_paths[i].link.field) < 0)                              \
      return bad("--" #name ": '%s' is not a probability (0..1, or 0%%..100%%)", \
                 s),                                                            \
             -1;                                                                \
    return 0;                                                                   \
  }
ITEM_PROB(loss, loss)
ITEM_PROB(reorder, reorder)
ITEM_PROB(duplicate, duplicate)
ITEM_PROB(corrupt, corrupt)

/* --fail P:T1-T2 */
static int parse_fail(const char *s, failure *f) {
  char buf[128];
  if (strlen(s) >= sizeof(buf))
    return -1;
  strcpy(buf, s);
  char *colon = strchr(buf, ':');
  if (!colon)
    return -1;
  *colon = 0;
  char *dash = strchr(colon + 1, '-');
  if (!dash)
    return -1;
  *dash = 0;
  uint64_t p;
  if (parse_uint(buf, 0, NETSIM_MAX_PATHS - 1, &p) < 0 ||
      parse_time(colon + 1, &f->t1) < 0 || parse_time(dash + 1, &f->t2) < 0 ||
      f->t2 <= f->t1)
    return -1;
  f->path = (uint32_t)p;
  return 0;
}

/* --fail-path ID@T: down from T on (to the end of the run) */
/* Appends a failure window to the options. Returns 0, or -1 without memory. */
static int add_failure(options *o, const failure *f) {
  failure *nf = realloc(o->fails, (o->n_fails + 1) * sizeof(*nf));
  if (!nf)
    return -1;
  o->fails = nf;
  o->fails[o->n_fails++] = *f;
  return 0;
}

static int parse_fail_path(const char *s, failure *f) {
  char buf[128];
  if (strlen(s) >= sizeof(buf))
    return -1;
  strcpy(buf, s);
  char *at = strchr(buf, '@');
  if (!at)
    return -1;
  *at = 0;
  uint64_t p;
  if (parse_uint(buf, 0, NETSIM_MAX_PATHS - 1, &p) < 0 || parse_time(at + 1, &f->t1) < 0)
    return -1;
  f->t2 = UINT64_MAX;
  f->path = (uint32_t)p;
  return 0;
}

/* --alter-payload P:N or P@T */
static int parse_alter(const char *s, int *path, uint64_t *every, uint64_t *at) {
  char buf[128];
  if (strlen(s) >= sizeof(buf))
    return -1;
  strcpy(buf, s);
  char *sep = strpbrk(buf, ":@");
  if (!sep)
    return -1;
  char kind = *sep;
  *sep = 0;
  uint64_t p;
  if (parse_uint(buf, 0, NETSIM_MAX_PATHS - 1, &p) < 0)
    return -1;
  *path = (int)p;
  *every = 0;
  *at = 0;
  if (kind == ':')
    return parse_uint(sep + 1, 1, 1000000000, every);
  return parse_time(sep + 1, at);
}

/* Flags taking a value. */
static const char *const value_flags[] = {
    "--paths",     "--rate",      "--delay",      "--queue",   "--loss",    "--jitter",
    "--reorder",   "--duplicate", "--corrupt",    "--fail",    "--seed",
    "--mode",      "--bytes",     "--time",       "--direction",
    "--connections", "--tcp-flows", "--topology", "--duration-limit", "--cc",  "--mss",     "--sndbuf",
    "--rcvbuf",    "--init-cwnd", "--min-rto",    "--delack",  "--delack-count",
    "--pcap",      "--trace",     "--trace-interval", "--pm", "--subflows",
    "--server-addrs", "--scheduler", "--fail-path", "--alter-payload", "--start-spread",
    "--attack", "--attack-path", "--attack-at", "--defence", "--attack-guesses",
    "--attack-interval", "--attack-step"};
static const char *const bool_flags[] = {"--virtual", "--no-sack", "--no-timestamps",
                                         "--no-window-scaling", "--no-checksum",
                                         "--dss-checksum", "--peer-strips-options",
                                         "--opportunistic", "--no-tcp-friendliness",
                                         "--no-hystart", "--attack-offpath",
                                         "--attack-keys", "--help"};

static int is_in(const char *name, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, list[i]) == 0)
      return 1;
  return 0;
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof(*o));
  o->paths = 1;
  o->seed = 1;
  o->alter_path = -1;
  o->bytes = 8 * 1024 * 1024;
  o->direction = DIR_A2B;
  o->connections = 1;
  o->limit_ns = 3600 * MPTCP_S;
  o->trace_ns = 10 * MPTCP_MS;
  o->defence = 1;
  o->attack_at_ns = MPTCP_S;
  o->attack_interval_ns = 10 * 1000;
  o->attack_step = 65535;
  mptcp_config_default(&o->cfg);
  const char *mode = "tcp";
  const char *cc = NULL;
  const char *pm = NULL, *sched = NULL;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    char name[64];
    const char *val = NULL;
    if (strncmp(arg, "--", 2) != 0)
      return bad("unexpected argument '%s'", arg);
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
    if (nlen >= sizeof(name))
      return bad("unknown option '%s'", arg);
    memcpy(name, arg, nlen);
    name[nlen] = 0;
    if (is_in(name, bool_flags, NUNITS(bool_flags))) {
      if (eq)
        return bad("%s takes no value", name);
    } else if (is_in(name, value_flags, NUNITS(value_flags))) {
      if (eq) {
        val = eq + 1;
      } else {
        if (i + 1 >= argc)
          return bad("%s needs a value", name);
        val = argv[++i];
      }
      if (!*val)
        return bad("%s: empty value", name);
    } else {
      return bad("unknown option '%s'", name);
    }

    uint64_t v;
    if (!strcmp(name, "--help")) {
      usage(stdout);
      exit(close_stdout(0));
    } else if (!strcmp(name, "--virtual")) {
      o->virt = 1;
    } else if (!strcmp(name, "--no-sack")) {
      o->cfg.sack = 0;
    } else if (!strcmp(name, "--no-tcp-friendliness")) {
      o->cfg.cubic_tcp_friendliness = 0;
    } else if (!strcmp(name, "--no-hystart")) {
      o->cfg.cubic_hystart = 0;
    } else if (!strcmp(name, "--no-timestamps")) {
      o->cfg.timestamps = 0;
    } else if (!strcmp(name, "--no-window-scaling")) {
      o->cfg.window_scaling = 0;
    } else if (!strcmp(name, "--no-checksum")) {
      o->cfg.tcp_checksum = 0;
    } else if (!strcmp(name, "--paths")) {
      if (parse_uint(val, 1, NETSIM_MAX_PATHS, &v) < 0)
        return bad("--paths: '%s' is not a path count (1..%d)", val, NETSIM_MAX_PATHS);
      o->paths = (uint32_t)v;
    } else if (!strcmp(name, "--server-addrs")) {
      if (parse_uint(val, 1, NETSIM_MAX_PATHS, &v) < 0)
        return bad("--server-addrs: '%s' is not an address count (1..%d)", val,
                   NETSIM_MAX_PATHS);
      o->server_addrs = (uint32_t)v;
    } else if (!strcmp(name, "--rate")) {
      o->rate = val;
    } else if (!strcmp(name, "--delay")) {
      o->delay = val;
    } else if (!strcmp(name, "--jitter")) {
      o->jitter = val;
    } else if (!strcmp(name, "--queue")) {
      o->queue = val;
    } else if (!strcmp(name, "--loss")) {
      o->loss = val;
    } else if (!strcmp(name, "--reorder")) {
      o->reorder = val;
    } else if (!strcmp(name, "--duplicate")) {
      o->duplicate = val;
    } else if (!strcmp(name, "--corrupt")) {
      o->corrupt = val;
    } else if (!strcmp(name, "--fail")) {
      failure f;
      if (parse_fail(val, &f) < 0)
        return bad("--fail: '%s' is not PATH:START-END (e.g. 0:1s-1.5s, END after START)",
                   val);
      if (add_failure(o, &f) < 0)
        return bad("out of memory");
    } else if (!strcmp(name, "--fail-path")) {
      failure f;
      if (parse_fail_path(val, &f) < 0)
        return bad("--fail-path: '%s' is not ID@TIME (e.g. 1@2s: path 1 down from 2 s on)",
                   val);
      if (add_failure(o, &f) < 0)
        return bad("out of memory");
    } else if (!strcmp(name, "--alter-payload")) {
      if (parse_alter(val, &o->alter_path, &o->alter_every, &o->alter_at) < 0)
        return bad("--alter-payload: '%s' is not PATH:N (every Nth data segment, N >= 1) "
                   "or PATH@TIME", val);
    } else if (!strcmp(name, "--attack")) {
      if (mptcp_attack_check(val) < 0) {
        char list[256] = "";
        const char *n;
        for (unsigned k = 0; (n = mptcp_attack_name(k)); k++)
          snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", k ? ", " : "", n);
        return bad("--attack: unknown attack '%.40s' (known: %s)", val, list);
      }
      o->attack = val;
    } else if (!strcmp(name, "--attack-path")) {
      if (parse_uint(val, 0, NETSIM_MAX_PATHS - 1, &v) < 0)
        return bad("--attack-path: '%s' is not a path index (0..paths-1)", val);
      o->attack_path = (uint32_t)v;
      o->attack_path_set = 1;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-at")) {
      if (parse_time(val, &o->attack_at_ns) < 0)
        return bad("--attack-at: '%s' is not a non-negative time", val);
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-interval")) {
      if (parse_time(val, &o->attack_interval_ns) < 0)
        return bad("--attack-interval: '%s' is not a non-negative time", val);
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-guesses")) {
      if (parse_uint(val, 1, 1u << 24, &v) < 0)
        return bad("--attack-guesses: '%s' is not a count (1..16777216)", val);
      o->attack_guesses = v;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-step")) {
      if (parse_uint(val, 1, 1u << 31, &v) < 0)
        return bad("--attack-step: '%s' is not a sequence step (1..2147483648)", val);
      o->attack_step = v;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-offpath")) {
      o->attack_offpath = 1;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-keys")) {
      o->attack_keys = 1;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--defence")) {
      if (!strcmp(val, "true"))
        o->defence = 1;
      else if (!strcmp(val, "false"))
        o->defence = 0;
      else
        return bad("--defence: '%s' is not true or false", val);
      o->defence_set = 1;
    } else if (!strcmp(name, "--seed")) {
      if (parse_uint(val, 0, UINT64_MAX, &v) < 0)
        return bad("--seed: '%s' is not a non-negative integer", val);
      o->seed = v;
    } else if (!strcmp(name, "--mode")) {
      mode = val;
    } else if (!strcmp(name, "--pm")) {
      pm = val;
    } else if (!strcmp(name, "--scheduler")) {
      sched = val;
    } else if (!strcmp(name, "--subflows")) {
      if (parse_uint(val, 1, 8, &v) < 0)
        return bad("--subflows: '%s' is not a number from 1 to 8", val);
      o->cfg.subflows = (uint8_t)v;
      o->subflows_set = 1;
    } else if (!strcmp(name, "--dss-checksum")) {
      o->cfg.dss_checksum = 1;
    } else if (!strcmp(name, "--peer-strips-options")) {
      o->strip_mptcp = 1;
    } else if (!strcmp(name, "--opportunistic")) {
      o->cfg.opportunistic = 1;
    } else if (!strcmp(name, "--bytes")) {
      if (parse_size(val, 1ull << 50, &v) < 0)
        return bad("--bytes: '%s' is not a byte count (e.g. 8MiB, 1000000)", val);
      o->bytes = v;
      o->bytes_set = 1;
    } else if (!strcmp(name, "--start-spread")) {
      if (parse_time(val, &v) < 0)
        return bad("--start-spread: '%s' is not a time (e.g. 20ms)", val);
      o->start_spread_ns = v;
      o->start_spread_set = 1;
    } else if (!strcmp(name, "--time")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return bad("--time: '%s' is not a positive time (e.g. 60, 60s, 500ms)", val);
      o->time_ns = v;
    } else if (!strcmp(name, "--direction")) {
      if (!strcmp(val, "a2b"))
        o->direction = DIR_A2B;
      else if (!strcmp(val, "b2a"))
        o->direction = DIR_B2A;
      else if (!strcmp(val, "both"))
        o->direction = DIR_BOTH;
      else
        return bad("--direction: '%s' is not a2b, b2a or both", val);
    } else if (!strcmp(name, "--tcp-flows")) {
      if (parse_uint(val, 0, MAX_CONNECTIONS, &v) < 0)
        return bad("--tcp-flows: '%s' is not a count (0..%d)", val, MAX_CONNECTIONS);
      o->tcp_flows = (uint32_t)v;
    } else if (!strcmp(name, "--topology")) {
      if (!strcmp(val, "shared"))
        o->shared = 1;
      else if (!strcmp(val, "disjoint"))
        o->shared = 0;
      else
        return bad("--topology: unknown topology '%s' (disjoint or shared)", val);
    } else if (!strcmp(name, "--connections")) {
      if (parse_uint(val, 1, MAX_CONNECTIONS, &v) < 0)
        return bad("--connections: '%s' is not a count (1..%d)", val, MAX_CONNECTIONS);
      o->connections = (uint32_t)v;
    } else if (!strcmp(name, "--duration-limit")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return bad("--duration-limit: '%s' is not a positive time (e.g. 3600, 10s)", val);
      o->limit_ns = v;
    } else if (!strcmp(name, "--cc")) {
      cc = val;
    } else if (!strcmp(name, "--mss")) {
      if (parse_uint(val, 1, 65535 - 60, &v) < 0)
        return bad("--mss: '%s' is not a segment size (1..65475)", val);
      o->cfg.mss = (uint16_t)v;
    } else if (!strcmp(name, "--sndbuf") || !strcmp(name, "--rcvbuf")) {
      if (parse_size(val, UINT32_MAX, &v) < 0 || v == 0)
        return bad("%s: '%s' is not a buffer size (e.g. 4MiB, 65536; at most 4 GiB - 1)",
                   name, val);
      if (name[2] == 's')
        o->cfg.sndbuf = (uint32_t)v;
      else
        o->cfg.rcvbuf = (uint32_t)v;
    } else if (!strcmp(name, "--init-cwnd")) {
      if (parse_uint(val, 1, 100000, &v) < 0)
        return bad("--init-cwnd: '%s' is not a segment count (1..100000)", val);
      o->cfg.init_cwnd = (uint32_t)v;
    } else if (!strcmp(name, "--min-rto")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return bad("--min-rto: '%s' is not a positive time (e.g. 200ms, 1s)", val);
      o->cfg.min_rto_ns = v;
    } else if (!strcmp(name, "--delack")) {
      if (parse_time(val, &v) < 0)
        return bad("--delack: '%s' is not a time (e.g. 40ms, 200ms)", val);
      o->cfg.delack_timeout_ns = v;
    } else if (!strcmp(name, "--delack-count")) {
      if (parse_uint(val, 1, 1000, &v) < 0)
        return bad("--delack-count: '%s' is not a segment count (1..1000)", val);
      o->cfg.delack_count = (uint32_t)v;
    } else if (!strcmp(name, "--pcap")) {
      o->pcap = val;
    } else if (!strcmp(name, "--trace")) {
      o->trace = val;
    } else if (!strcmp(name, "--trace-interval")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return bad("--trace-interval: '%s' is not a positive time (e.g. 10ms)", val);
      o->trace_ns = v;
    }
  }

  if (!strcmp(mode, "tcp")) {
    o->cfg.mptcp = 0;
    if (pm || sched || o->cfg.dss_checksum || o->subflows_set || o->strip_mptcp ||
        o->cfg.opportunistic)
      return bad("--pm, --scheduler, --subflows, --dss-checksum, --opportunistic and "
                 "--peer-strips-options need --mode mptcp");
  } else if (!strcmp(mode, "mptcp")) {
    o->cfg.mptcp = 1;
    o->mptcp = 1;
    o->cfg.pm = "fullmesh";
  } else {
    return bad("--mode: unknown mode '%s' (tcp or mptcp)", mode);
  }
  if (pm) {
    if (mptcp_algo_check(MPTCP_ALGO_PM, pm) != MPTCP_OK)
      return bad("--pm: unknown path manager '%.40s' (%s)", pm, algo_names(MPTCP_ALGO_PM));
    o->cfg.pm = pm;
  }
  if (sched) {
    if (mptcp_algo_check(MPTCP_ALGO_SCHED, sched) != MPTCP_OK)
      return bad("--scheduler: unknown scheduler '%.40s' (%s)", sched,
                 algo_names(MPTCP_ALGO_SCHED));
    o->cfg.scheduler = sched;
  }
  if (o->server_addrs > o->paths)
    return bad("--server-addrs: %" PRIu32 " addresses for %" PRIu32 " paths", o->server_addrs,
               o->paths);
  if (!o->server_addrs) /* fullmesh: N client addresses to one server address */
    o->server_addrs = o->mptcp && !strcmp(o->cfg.pm, "fullmesh") ? 1 : o->paths;
  if (o->time_ns && o->bytes_set)
    return bad("--time and --bytes exclude each other");
  if ((o->attack_extra_set || o->defence_set) && !o->attack)
    return bad("--attack-path, --attack-at, --attack-offpath, --attack-keys, --attack-guesses, "
               "--attack-interval, --attack-step and --defence need --attack");
  if (o->attack) {
    if (!o->mptcp)
      return bad("--attack needs --mode mptcp");
    if (o->attack_path >= o->paths)
      return bad("--attack-path: path %" PRIu32 " does not exist (--paths %" PRIu32 ")",
                 o->attack_path, o->paths);
    if (!o->time_ns)
      return bad("--attack needs --time (goodput is compared over a fixed duration)");
    if (o->attack_at_ns >= o->time_ns)
      return bad("--attack-at must be before the end of --time");
    if (o->connections != 1 || o->tcp_flows)
      return bad("--attack needs one connection (--connections 1, no --tcp-flows)");
    if (!strcmp(o->attack, "dsn-inject") || !strcmp(o->attack, "hole-flood") ||
        !strcmp(o->attack, "join-guess") || !strcmp(o->attack, "join-flood") ||
        !strcmp(o->attack, "add-addr")) /* A1-A5: not in this tool yet */
      return bad("--attack dsn-inject, hole-flood, join-guess, join-flood and add-addr are "
                 "not run by this tool yet (ns-3: examples/mptcp-attack; engine tests: "
                 "test_dsn_inject_*, test_join_*, test_add_addr)");
    if (o->attack_keys && strcmp(o->attack, "fastclose"))
      return bad("--attack-keys applies to --attack fastclose only");
    if (!o->attack_guesses) /* off-path: cover 2^32 with guesses --attack-step apart */
      o->attack_guesses = o->attack_offpath ? ((1ull << 32) + o->attack_step - 1) / o->attack_step : 1;
    if (o->attack_guesses > (1u << 24))
      return bad("--attack-guesses: %" PRIu64 " guesses (at most 16777216: raise --attack-step)",
                 o->attack_guesses);
    if (!o->defence) {
      /* the defence the attack meets (see defence_switch()) */
      if (!strcmp(o->attack, "rst") || !strcmp(o->attack, "mp-tcprst"))
        o->cfg.rst_seq_check = 0;
      else if (!strcmp(o->attack, "fastclose"))
        o->cfg.fastclose_key_check = 0;
    }
  }
  if (o->start_spread_ns && o->start_spread_ns >= (o->time_ns ? o->time_ns : o->limit_ns))
    return bad("--start-spread must be shorter than --time (or --duration-limit)");
  if (o->alter_path >= 0 && (uint32_t)o->alter_path >= o->paths)
    return bad("--alter-payload: path %d does not exist (--paths %u)", o->alter_path, o->paths);
  if (o->alter_path >= 0 && o->virt)
    return bad("--alter-payload needs real payload (not --virtual)");
  for (size_t i = 0; i < o->n_fails; i++)
    if (o->fails[i].path >= o->paths)
      return bad("--fail: path %" PRIu32 " does not exist (--paths %" PRIu32 ")",
                 o->fails[i].path, o->paths);
  if (cc) {
    int coupled = mptcp_cc_is_coupled(cc);
    if (coupled < 0 || strlen(cc) >= sizeof(o->cc))
      return bad("--cc: unknown congestion control '%.40s' (known: %s)", cc, algo_names(MPTCP_ALGO_CC));
    /* a coupled algorithm couples the subflows of an MPTCP connection; a
     * plain TCP connection would run cfg.tcp_cc instead */
    if (coupled && !o->mptcp)
      return bad("--cc %s is coupled: it needs --mode mptcp (plain TCP: %s)", cc,
                 algo_names(MPTCP_ALGO_TCP_CC));
    strcpy(o->cc, cc);
    o->cfg.cc = o->cc;
  }
  o->cfg.virtual_payload = (uint8_t)o->virt;
  /* A virtual payload cannot be checksummed: checksums are off, and the
   * network drops the packets it corrupts (netsim.h, step 6). */
  if (o->virt)
    o->cfg.tcp_checksum = 0;
  return 0;
}

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
  mptcp_attacker *atk;     /* --attack */
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
      if (n > 0 && !s->mismatch) {
        payload_gen(s->rx_key, s->received, r->expect, (size_t)n);
        if (memcmp(r->expect, r->rbuf, (size_t)n) != 0) {
          size_t k = 0;
          while (r->expect[k] == r->rbuf[k])
            k++;
          s->mismatch = 1;
          s->mismatch_at = s->received + k;
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
      s->ooo_sum += st.ooo_bytes;
      s->ooo_samples++;
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

static void atk_rand(uint8_t *dest, size_t len, void *ud) {
  netsim_rng_fill(&((run *)ud)->atk_rng, dest, len);
}

static int atk_read(void *ep, const mptcp_addr *src, const mptcp_addr *dst, const uint8_t *data,
                    size_t len, size_t virtual_len, uint64_t now) {
  run *r = ep;
  return r->atk ? mptcp_attacker_observe(r->atk, src, dst, data, len, virtual_len, now) : 0;
}

static int atk_write(void *ep, mptcp_segment *seg, uint8_t *buf, size_t cap, uint64_t now) {
  run *r = ep;
  return r->atk ? mptcp_attacker_write(r->atk, seg, buf, cap, now) : 0;
}

static uint64_t atk_expiry(void *ep) {
  run *r = ep;
  return r->atk ? mptcp_attacker_get_expiry(r->atk) : MPTCP_TIME_NEVER;
}

static int atk_handle(void *ep, uint64_t now) {
  run *r = ep;
  return r->atk ? mptcp_attacker_handle_expiry(r->atk, now) : 0;
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
    if (mptcp_attacker_new(&r->atk, &ac, NULL, atk_rand, r) < 0)
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
    return "fastclose_key_check";
  return NULL; /* remove-addr, mp-prio: RFC 8684 authenticates neither */
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
    return bad("out of memory");
  g_paths = paths;
  for (uint32_t i = 0; i < o->paths; i++) {
    netsim_link_config_default(&paths[i].link);
    paths[i].link.queue_pkts = UINT32_MAX; /* not given yet */
  }
  if ((o->rate && parse_list("--rate", o->rate, o->paths, item_rate, NULL) < 0) ||
      (o->delay && parse_list("--delay", o->delay, o->paths, item_delay, NULL) < 0) ||
      (o->jitter && parse_list("--jitter", o->jitter, o->paths, item_jitter, NULL) < 0) ||
      (o->queue && parse_list("--queue", o->queue, o->paths, item_queue, NULL) < 0) ||
      (o->loss && parse_list("--loss", o->loss, o->paths, item_loss, NULL) < 0) ||
      (o->reorder && parse_list("--reorder", o->reorder, o->paths, item_reorder, NULL) < 0) ||
      (o->duplicate &&
       parse_list("--duplicate", o->duplicate, o->paths, item_duplicate, NULL) < 0) ||
      (o->corrupt && parse_list("--corrupt", o->corrupt, o->paths, item_corrupt, NULL) < 0)) {
    free(paths);
    return EXIT_USAGE;
  }
  for (uint32_t i = 0; i < o->paths; i++) {
    netsim_link_config *l = &paths[i].link;
    if (l->queue_pkts == UINT32_MAX) {
      double bdp = (double)l->rate_bps * 2.0 * (double)l->delay_ns / 1e9 / (8.0 * 1500.0);
      double q = ceil(bdp);
      l->queue_pkts = q < 10 ? 10 : q > 10000000 ? 10000000 : (uint32_t)q;
    }
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
    return bad("--cc: unknown congestion control '%s' (known: %s)",
               o->cfg.cc ? o->cfg.cc : "(none)", algo_names(MPTCP_ALGO_CC));
  }
  if (e < 0) {
    free(paths);
    return bad("the TCP configuration is out of range (%s): check --mss (at least 64), "
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
      return bad("--pcap: cannot create '%s': %s", o->pcap, strerror(errno));
    }
  }
  if (o->trace) {
    r.trace = fopen(o->trace, "w");
    if (!r.trace) {
      mptcp_pcap_close(pcap);
      free(paths);
      return bad("--trace: cannot create '%s': %s", o->trace, strerror(errno));
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
  for (uint32_t i = 0; i < o->paths; i++)
    netsim_set_link(r.ns, i, NETSIM_BOTH, &paths[i].link);
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
    netsim_set_tap(r.ns, o->attack_path, &aops, &r, !o->attack_offpath);
    if (o->attack_offpath) {
      netsim_schedule(r.ns, o->attack_at_ns, atk_offpath_start, &r);
    } else {
      mptcp_attack_config ac;
      atk_config(o, &ac);
      e = mptcp_attacker_new(&r.atk, &ac, NULL, atk_rand, &r);
      if (e < 0) {
        fprintf(stderr, "%s: mptcp_attacker_new: %s\n", prog, mptcp_strerror(e));
        goto out;
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
      json_u64("max_queue", ls->max_queue, 0);
      printf("}");
    }
  printf("],");
  json_u64("unroutable", nst->unroutable, 1);

  if (o->attack) {
    mptcp_attacker_stats ast;
    memset(&ast, 0, sizeof(ast));
    mptcp_attacker_get_stats(r.atk, &ast);
    const char *sw = defence_switch(o->attack);
    int removed = victim_down > g_baseline_down ? victim_down - g_baseline_down : 0;
    double loss = g_baseline_goodput > 0 ? 1.0 - goodput / g_baseline_goodput : 0;
    int ok;
    if (!strcmp(o->attack, "fastclose"))
      ok = !victim_survived;
    else if (!strcmp(o->attack, "mp-prio"))
      ok = mptcp_stack_counter(r.host[NETSIM_A].stack, MPTCP_MIB_MP_PRIO_RX) > 0 && loss >= 0.1;
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
  if (o->attack) /* the attack's effect is the measurement, not a failure */
    status = r.failed_call ? EXIT_FAILED : 0;

out:
  mptcp_attacker_del(r.atk);
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
  int r = parse_args(argc, argv, &o);
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
