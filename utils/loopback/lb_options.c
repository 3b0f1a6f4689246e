/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lb_options.c - the command line of mptcp-loopback: the help text, the
 * parsing of every option and value (exit status 2 with a message naming
 * the option), and the per-path link values. The run itself is
 * mptcp-loopback.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lb_options.h"
#include "tool_io.h"

/* The algorithms of one kind the core registers, "a, b, c" (enum
 * mptcp_algo_kind); for MPTCP_ALGO_CC, coupled 0 or 1 keeps the uncoupled
 * or the coupled ones only, -1 all. The string is static: one call per
 * message. */
const char *lb_algo_names_sel(int kind, int coupled) {
  static char list[512];
  size_t n = 0;
  const char *name;
  list[0] = 0;
  for (unsigned i = 0; (name = mptcp_algo_name(kind, i)) && n < sizeof list; i++)
    if (coupled < 0 || mptcp_cc_is_coupled(name) == coupled)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", name);
  return list;
}

const char *lb_algo_names(int kind) { return lb_algo_names_sel(kind, -1); }

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
      "  --police R           a policer on the A-to-B link: each flow (or source\n"
      "                       address, --police-by) may send R, in bursts of\n"
      "                       15000 bytes; beyond, packets are dropped (RFC 2697,\n"
      "                       single rate; default none)\n"
      "  --police-by K        flow (each 4-tuple: a subflow is a flow) or source\n"
      "                       (each source address) (default flow)\n"
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
      LB_PROG);
  /* the names come from the core's registry */
  fprintf(f, "  --cc NAME            congestion control: %s;\n",
          lb_algo_names_sel(MPTCP_ALGO_CC, 0));
  fprintf(f, "                       coupled (--mode mptcp only): %s;\n",
          lb_algo_names_sel(MPTCP_ALGO_CC, 1));
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
  fprintf(f, "  --pm NAME            path manager: %s\n", lb_algo_names(MPTCP_ALGO_PM));
  fprintf(f, "                       (default fullmesh: one subflow per path)\n");
  fprintf(f, "  --scheduler NAME     scheduler: %s (default minrtt)\n",
          lb_algo_names(MPTCP_ALGO_SCHED));
  fputs(
      "  --server-addrs N     how many of the paths' addresses host B has (1..paths;\n"
      "                       default 1 with fullmesh, every path's otherwise); B\n"
      "                       announces its others (ADD_ADDR), and a fullmesh\n"
      "                       client opens a subflow from each of its addresses to\n"
      "                       each announced one (within 8 subflows)\n"
      "  --subflows N         subflows for ndiffports (default 2)\n"
      "  --join-retry T       open a join the peer refused as transient (MP_TCPRST\n"
      "                       T flag) again after T, doubled at each refusal, up\n"
      "                       to 4 times (RFC 8684 section 3.6; default 0: never)\n"
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
      "Attacks (--mode mptcp, --time; doc/security.md):\n"
      "  --attack NAME        A6, forged signals (one connection): rst, mp-tcprst,\n"
      "                       remove-addr, mp-prio, fastclose: forged toward host A\n"
      "                       (the client) as if from B, on the subflow crossing\n"
      "                       --attack-path.\n"
      "                       A2 dsn-inject, A1 hole-flood (on-path; up to 1000\n"
      "                       connections, one attacker each): data toward host B\n"
      "                       (the receiver) as if from A, mapped --attack-lead\n"
      "                       bytes from B's DATA_ACK (hole-flood: a hole of one\n"
      "                       payload between each two forgeries)\n"
      "                       A3 eavesdrop-join (on-path, one connection): with\n"
      "                       the MP_CAPABLE keys seen, a subflow of the\n"
      "                       attacker's own (its address 10.2.P.1 on path P)\n"
      "                       joins A's connection; A sends data on it\n"
      "                       A3 join-guess (off-path: random tokens), A5\n"
      "                       join-flood (on-path: the real token once the keys\n"
      "                       were seen; default 2000 SYNs 1ms apart): MP_JOIN SYNs\n"
      "                       toward B from the attacker's address, a fresh port\n"
      "                       each; nobody completes them\n"
      "                       A4 add-addr (on-path): a forged ADD_ADDR toward A\n"
      "                       announcing the attacker's address, where it relays\n"
      "                       (a NAT toward B) the subflows A opens to it\n",
      f);
  fputs(
      "  --attack-lead N      dsn-inject, hole-flood: bytes from B's DATA_ACK, may\n"
      "                       be negative (behind it), within +-2^30 (default 0)\n"
      "  --attack-payload N   dsn-inject, hole-flood: payload bytes per forgery,\n"
      "                       1..1400 (default 100)\n"
      "  --attack-path N      the path the attacker sits on (default 0)\n"
      "  --attack-at T        first forgery not before T (default 1s)\n"
      "  --attack-offpath     blind: sees nothing, is told the subflow's 4-tuple at\n"
      "                       --attack-at, sends --attack-guesses forgeries at\n"
      "                       sequence numbers --attack-step apart (default 65535;\n"
      "                       guesses default: enough to cover 2^32) every\n"
      "                       --attack-interval (default 10us). On-path (default):\n"
      "                       learns sequence numbers, ports and keys from the\n"
      "                       path's segments and forges one exact segment\n"
      "  --attack-keys        fastclose, add-addr: use the keys seen in the\n"
      "                       MP_CAPABLE handshake (on-path, on path 0) instead of\n"
      "                       a wrong key or HMAC\n"
      "  --defence true|false false: turn off every defence the attack meets:\n"
      "                       rst_seq_check (rst, mp-tcprst; RFC 5961),\n"
      "                       opt_ack_check (mp-prio; RFC 5961 section 5.2), and\n"
      "                       with it fastclose_key_check (fastclose),\n"
      "                       add_addr_hmac_check (add-addr), remove_addr_probe\n"
      "                       (remove-addr); enforce_conn_window and\n"
      "                       max_ofo_ranges (hole-flood), enforce_limits and\n"
      "                       syn_cookies (join-flood: max_half_open_joins, and\n"
      "                       SYN cookies beyond it); dsn-inject,\n"
      "                       join-guess and eavesdrop-join have none to switch\n"
      "                       (\"defence_switch\": null)\n"
      "  The run is made twice: first without the attack (its output discarded:\n"
      "  \"baseline_goodput_bps\"), then with it. JSON: \"goodput_loss_fraction\" =\n"
      "  1 - goodput / baseline; \"connection_survived\": A's connection not reset;\n"
      "  \"subflows_removed\": A's subflows not established at the end, beyond the\n"
      "  baseline's; \"attack_succeeded\": rst, mp-tcprst, remove-addr: a subflow\n"
      "  removed or the connection reset; fastclose: the connection reset;\n"
      "  mp-prio: A accepted MP_PRIO and goodput_loss_fraction >= 0.1;\n"
      "  dsn-inject: \"injected_bytes_delivered\" > 0 (bytes B's application read\n"
      "  that are the attacker's pattern where the sender's differ; needs real\n"
      "  payload); hole-flood: a connection of B held more than rcvbuf plus one MSS\n"
      "  per subflow (\"peak_conn_rcv_buffer_bytes\"), or B's memory grew past the\n"
      "  baseline's by more than the defences allow each connection: rcvbuf plus\n"
      "  2 x 2048 out-of-order ranges of 48 bytes (\"peak_host_buffer_bytes\");\n"
      "  eavesdrop-join: A answered the attacker's third ACK (\"joins_accepted\";\n"
      "  \"bytes_to_attacker\": what A sent on that subflow); join-guess: a join\n"
      "  from the attacker established at B (\"joins_accepted\"); join-flood: more\n"
      "  of them half-open at B at once than max_half_open_joins\n"
      "  (\"half_open_peak\"); add-addr: B received bytes through the attacker\n"
      "  (\"bytes_via_attacker\", \"fraction_via_attacker\"). Exit status 0\n"
      "  whatever the attack did (1 only if an engine call failed).\n"
      "\n",
      f);
  fputs(
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

int lb_bad(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", LB_PROG);
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

/* Splits a comma list into `paths` values (one value: for every path). */
typedef int (*item_parser)(const char *s, void *out, size_t i);

static int parse_list(const char *flag, const char *text, uint32_t paths,
                      item_parser fn, void *out) {
  char buf[4096];
  if (strlen(text) >= sizeof(buf))
    return lb_bad("%s: list too long", flag), -1;
  strcpy(buf, text);
  uint32_t n = 1;
  for (const char *p = buf; *p; p++)
    n += *p == ',';
  if (n != 1 && n != paths)
    return lb_bad("%s: %" PRIu32 " values for %" PRIu32 " paths (give one, or one per path)",
               flag, n, paths),
           -1;
  /* strtok_r skips empty items: catch "1,,2" and trailing commas */
  if (strstr(text, ",,") || text[0] == ',' || text[strlen(text) - 1] == ',')
    return lb_bad("%s: empty item in '%s'", flag, text), -1;
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
    return lb_bad("--rate: '%s' is not a rate of 1 bit/s to 10 Tbit/s with ns-3's units "
               "(e.g. 10Mbps, 1.5Gbps, 800kbps, 2MBps = bytes, 500000 = bit/s)", s), -1;
  return 0;
}
static int item_delay(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_time(s, &g_paths[i].link.delay_ns) < 0)
    return lb_bad("--delay: '%s' is not a time (e.g. 10ms, 500us, 0.02)", s), -1;
  return 0;
}
static int item_jitter(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_time(s, &g_paths[i].link.jitter_ns) < 0)
    return lb_bad("--jitter: '%s' is not a time (e.g. 1ms, 200us)", s), -1;
  return 0;
}
static int item_police(const char *s, void *out, size_t i) {
  (void)out;
  if (parse_rate(s, &g_paths[i].link.police_bps) < 0)
    return lb_bad("--police: '%s' is not a rate of 1 bit/s to 10 Tbit/s (e.g. 2Mbps)", s), -1;
  return 0;
}
static int item_queue(const char *s, void *out, size_t i) {
  (void)out;
  uint64_t v;
  if (parse_uint(s, 0, 10000000, &v) < 0)
    return lb_bad("--queue: '%s' is not a packet count (0..10000000)", s), -1;
  g_paths[i].link.queue_pkts = (uint32_t)v;
  return 0;
}
#define ITEM_PROB(name, field)                                                  \
  static int item_##name(const char *s, void *out, size_t i) {                  \
    (void)out;                                                                  \
    if (parse_prob(s, &g_paths[i].link.field) < 0)                              \
      return lb_bad("--" #name ": '%s' is not a probability (0..1, or 0%%..100%%)", \
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
    "--police",    "--police-by",
    "--reorder",   "--duplicate", "--corrupt",    "--fail",    "--seed",
    "--mode",      "--bytes",     "--time",       "--direction",
    "--connections", "--tcp-flows", "--topology", "--duration-limit", "--cc",  "--mss",     "--sndbuf",
    "--rcvbuf",    "--init-cwnd", "--min-rto",    "--delack",  "--delack-count",
    "--pcap",      "--trace",     "--trace-interval", "--pm", "--subflows",
    "--server-addrs", "--scheduler", "--fail-path", "--join-retry", "--alter-payload", "--start-spread",
    "--attack", "--attack-path", "--attack-at", "--defence", "--attack-guesses",
    "--attack-interval", "--attack-step", "--attack-lead", "--attack-payload"};
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

int lb_parse_args(int argc, char **argv, options *o) {
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
  o->attack_payload = 100;
  mptcp_config_default(&o->cfg);
  const char *mode = "tcp";
  const char *cc = NULL;
  const char *pm = NULL, *sched = NULL;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    char name[64];
    const char *val = NULL;
    if (strncmp(arg, "--", 2) != 0)
      return lb_bad("unexpected argument '%s'", arg);
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
    if (nlen >= sizeof(name))
      return lb_bad("unknown option '%s'", arg);
    memcpy(name, arg, nlen);
    name[nlen] = 0;
    if (is_in(name, bool_flags, NUNITS(bool_flags))) {
      if (eq)
        return lb_bad("%s takes no value", name);
    } else if (is_in(name, value_flags, NUNITS(value_flags))) {
      if (eq) {
        val = eq + 1;
      } else {
        if (i + 1 >= argc)
          return lb_bad("%s needs a value", name);
        val = argv[++i];
      }
      if (!*val)
        return lb_bad("%s: empty value", name);
    } else {
      return lb_bad("unknown option '%s'", name);
    }

    uint64_t v;
    if (!strcmp(name, "--help")) {
      usage(stdout);
      exit(tool_close_stdout(LB_PROG, 0, EXIT_FAILED));
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
        return lb_bad("--paths: '%s' is not a path count (1..%d)", val, NETSIM_MAX_PATHS);
      o->paths = (uint32_t)v;
    } else if (!strcmp(name, "--server-addrs")) {
      if (parse_uint(val, 1, NETSIM_MAX_PATHS, &v) < 0)
        return lb_bad("--server-addrs: '%s' is not an address count (1..%d)", val,
                   NETSIM_MAX_PATHS);
      o->server_addrs = (uint32_t)v;
    } else if (!strcmp(name, "--rate")) {
      o->rate = val;
    } else if (!strcmp(name, "--delay")) {
      o->delay = val;
    } else if (!strcmp(name, "--jitter")) {
      o->jitter = val;
    } else if (!strcmp(name, "--police")) {
      o->police = val;
    } else if (!strcmp(name, "--police-by")) {
      if (!strcmp(val, "flow"))
        o->police_by_source = 0;
      else if (!strcmp(val, "source"))
        o->police_by_source = 1;
      else
        return lb_bad("--police-by: '%s' is not flow or source", val);
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
        return lb_bad("--fail: '%s' is not PATH:START-END (e.g. 0:1s-1.5s, END after START)",
                   val);
      if (add_failure(o, &f) < 0)
        return lb_bad("out of memory");
    } else if (!strcmp(name, "--fail-path")) {
      failure f;
      if (parse_fail_path(val, &f) < 0)
        return lb_bad("--fail-path: '%s' is not ID@TIME (e.g. 1@2s: path 1 down from 2 s on)",
                   val);
      if (add_failure(o, &f) < 0)
        return lb_bad("out of memory");
    } else if (!strcmp(name, "--alter-payload")) {
      if (parse_alter(val, &o->alter_path, &o->alter_every, &o->alter_at) < 0)
        return lb_bad("--alter-payload: '%s' is not PATH:N (every Nth data segment, N >= 1) "
                   "or PATH@TIME", val);
    } else if (!strcmp(name, "--attack")) {
      if (mptcp_attack_check(val) < 0) {
        char list[256] = "";
        const char *n;
        for (unsigned k = 0; (n = mptcp_attack_name(k)); k++)
          snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", k ? ", " : "", n);
        return lb_bad("--attack: unknown attack '%.40s' (known: %s)", val, list);
      }
      o->attack = val;
    } else if (!strcmp(name, "--attack-path")) {
      if (parse_uint(val, 0, NETSIM_MAX_PATHS - 1, &v) < 0)
        return lb_bad("--attack-path: '%s' is not a path index (0..paths-1)", val);
      o->attack_path = (uint32_t)v;
      o->attack_path_set = 1;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-at")) {
      if (parse_time(val, &o->attack_at_ns) < 0)
        return lb_bad("--attack-at: '%s' is not a non-negative time", val);
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-interval")) {
      if (parse_time(val, &o->attack_interval_ns) < 0)
        return lb_bad("--attack-interval: '%s' is not a non-negative time", val);
      o->attack_interval_set = 1;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-guesses")) {
      if (parse_uint(val, 1, 1u << 24, &v) < 0)
        return lb_bad("--attack-guesses: '%s' is not a count (1..16777216)", val);
      o->attack_guesses = v;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-step")) {
      if (parse_uint(val, 1, 1u << 31, &v) < 0)
        return lb_bad("--attack-step: '%s' is not a sequence step (1..2147483648)", val);
      o->attack_step = v;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-lead")) {
      char *end = NULL;
      errno = 0;
      long long v = strtoll(val, &end, 10);
      if (!*val || *end || errno || v < -(1ll << 30) || v > (1ll << 30))
        return lb_bad("--attack-lead: '%s' is not a byte count within +-2^30", val);
      o->attack_lead = v;
      o->attack_extra_set = 1;
    } else if (!strcmp(name, "--attack-payload")) {
      if (parse_uint(val, 1, 1400, &v) < 0)
        return lb_bad("--attack-payload: '%s' is not a payload size (1..1400)", val);
      o->attack_payload = v;
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
        return lb_bad("--defence: '%s' is not true or false", val);
      o->defence_set = 1;
    } else if (!strcmp(name, "--seed")) {
      if (parse_uint(val, 0, UINT64_MAX, &v) < 0)
        return lb_bad("--seed: '%s' is not a non-negative integer", val);
      o->seed = v;
    } else if (!strcmp(name, "--mode")) {
      mode = val;
    } else if (!strcmp(name, "--pm")) {
      pm = val;
    } else if (!strcmp(name, "--scheduler")) {
      sched = val;
    } else if (!strcmp(name, "--subflows")) {
      if (parse_uint(val, 1, 8, &v) < 0)
        return lb_bad("--subflows: '%s' is not a number from 1 to 8", val);
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
        return lb_bad("--bytes: '%s' is not a byte count (e.g. 8MiB, 1000000)", val);
      o->bytes = v;
      o->bytes_set = 1;
    } else if (!strcmp(name, "--start-spread")) {
      if (parse_time(val, &v) < 0)
        return lb_bad("--start-spread: '%s' is not a time (e.g. 20ms)", val);
      o->start_spread_ns = v;
      o->start_spread_set = 1;
    } else if (!strcmp(name, "--time")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return lb_bad("--time: '%s' is not a positive time (e.g. 60, 60s, 500ms)", val);
      o->time_ns = v;
    } else if (!strcmp(name, "--direction")) {
      if (!strcmp(val, "a2b"))
        o->direction = DIR_A2B;
      else if (!strcmp(val, "b2a"))
        o->direction = DIR_B2A;
      else if (!strcmp(val, "both"))
        o->direction = DIR_BOTH;
      else
        return lb_bad("--direction: '%s' is not a2b, b2a or both", val);
    } else if (!strcmp(name, "--tcp-flows")) {
      if (parse_uint(val, 0, MAX_CONNECTIONS, &v) < 0)
        return lb_bad("--tcp-flows: '%s' is not a count (0..%d)", val, MAX_CONNECTIONS);
      o->tcp_flows = (uint32_t)v;
    } else if (!strcmp(name, "--topology")) {
      if (!strcmp(val, "shared"))
        o->shared = 1;
      else if (!strcmp(val, "disjoint"))
        o->shared = 0;
      else
        return lb_bad("--topology: unknown topology '%s' (disjoint or shared)", val);
    } else if (!strcmp(name, "--connections")) {
      if (parse_uint(val, 1, MAX_CONNECTIONS, &v) < 0)
        return lb_bad("--connections: '%s' is not a count (1..%d)", val, MAX_CONNECTIONS);
      o->connections = (uint32_t)v;
    } else if (!strcmp(name, "--duration-limit")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return lb_bad("--duration-limit: '%s' is not a positive time (e.g. 3600, 10s)", val);
      o->limit_ns = v;
    } else if (!strcmp(name, "--cc")) {
      cc = val;
    } else if (!strcmp(name, "--mss")) {
      if (parse_uint(val, 1, 65535 - 60, &v) < 0)
        return lb_bad("--mss: '%s' is not a segment size (1..65475)", val);
      o->cfg.mss = (uint16_t)v;
    } else if (!strcmp(name, "--sndbuf") || !strcmp(name, "--rcvbuf")) {
      if (parse_size(val, UINT32_MAX, &v) < 0 || v == 0)
        return lb_bad("%s: '%s' is not a buffer size (e.g. 4MiB, 65536; at most 4 GiB - 1)",
                   name, val);
      if (name[2] == 's')
        o->cfg.sndbuf = (uint32_t)v;
      else
        o->cfg.rcvbuf = (uint32_t)v;
    } else if (!strcmp(name, "--init-cwnd")) {
      if (parse_uint(val, 1, 100000, &v) < 0)
        return lb_bad("--init-cwnd: '%s' is not a segment count (1..100000)", val);
      o->cfg.init_cwnd = (uint32_t)v;
    } else if (!strcmp(name, "--join-retry")) {
      if (parse_time(val, &v) < 0 || v > 3600 * MPTCP_S)
        return lb_bad("--join-retry: '%s' is not a time up to 1 hour (e.g. 500ms)", val);
      o->cfg.join_retry_ns = v;
    } else if (!strcmp(name, "--min-rto")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return lb_bad("--min-rto: '%s' is not a positive time (e.g. 200ms, 1s)", val);
      o->cfg.min_rto_ns = v;
    } else if (!strcmp(name, "--delack")) {
      if (parse_time(val, &v) < 0)
        return lb_bad("--delack: '%s' is not a time (e.g. 40ms, 200ms)", val);
      o->cfg.delack_timeout_ns = v;
    } else if (!strcmp(name, "--delack-count")) {
      if (parse_uint(val, 1, 1000, &v) < 0)
        return lb_bad("--delack-count: '%s' is not a segment count (1..1000)", val);
      o->cfg.delack_count = (uint32_t)v;
    } else if (!strcmp(name, "--pcap")) {
      o->pcap = val;
    } else if (!strcmp(name, "--trace")) {
      o->trace = val;
    } else if (!strcmp(name, "--trace-interval")) {
      if (parse_time(val, &v) < 0 || v == 0)
        return lb_bad("--trace-interval: '%s' is not a positive time (e.g. 10ms)", val);
      o->trace_ns = v;
    }
  }

  if (!strcmp(mode, "tcp")) {
    o->cfg.mptcp = 0;
    if (pm || sched || o->cfg.dss_checksum || o->subflows_set || o->strip_mptcp ||
        o->cfg.opportunistic)
      return lb_bad("--pm, --scheduler, --subflows, --dss-checksum, --opportunistic and "
                 "--peer-strips-options need --mode mptcp");
  } else if (!strcmp(mode, "mptcp")) {
    o->cfg.mptcp = 1;
    o->mptcp = 1;
    o->cfg.pm = "fullmesh";
  } else {
    return lb_bad("--mode: unknown mode '%s' (tcp or mptcp)", mode);
  }
  if (pm) {
    if (mptcp_algo_check(MPTCP_ALGO_PM, pm) != MPTCP_OK)
      return lb_bad("--pm: unknown path manager '%.40s' (%s)", pm, lb_algo_names(MPTCP_ALGO_PM));
    o->cfg.pm = pm;
  }
  if (sched) {
    if (mptcp_algo_check(MPTCP_ALGO_SCHED, sched) != MPTCP_OK)
      return lb_bad("--scheduler: unknown scheduler '%.40s' (%s)", sched,
                 lb_algo_names(MPTCP_ALGO_SCHED));
    o->cfg.scheduler = sched;
  }
  if (o->server_addrs > o->paths)
    return lb_bad("--server-addrs: %" PRIu32 " addresses for %" PRIu32 " paths", o->server_addrs,
               o->paths);
  if (!o->server_addrs) /* fullmesh: N client addresses to one server address */
    o->server_addrs = o->mptcp && !strcmp(o->cfg.pm, "fullmesh") ? 1 : o->paths;
  if (o->time_ns && o->bytes_set)
    return lb_bad("--time and --bytes exclude each other");
  if ((o->attack_extra_set || o->defence_set) && !o->attack)
    return lb_bad("--attack-path, --attack-at, --attack-offpath, --attack-keys, --attack-guesses, "
               "--attack-interval, --attack-step and --defence need --attack");
  if (o->attack) {
    if (!o->mptcp)
      return lb_bad("--attack needs --mode mptcp");
    if (o->attack_path >= o->paths)
      return lb_bad("--attack-path: path %" PRIu32 " does not exist (--paths %" PRIu32 ")",
                 o->attack_path, o->paths);
    if (!o->time_ns)
      return lb_bad("--attack needs --time (goodput is compared over a fixed duration)");
    if (o->attack_at_ns >= o->time_ns)
      return lb_bad("--attack-at must be before the end of --time");
    int data_attack = !strcmp(o->attack, "dsn-inject") || !strcmp(o->attack, "hole-flood");
    if (o->tcp_flows || (!data_attack && o->connections != 1))
      return lb_bad("--attack %s needs one connection (--connections 1, no --tcp-flows)%s",
                    o->attack, data_attack ? "" : "; dsn-inject and hole-flood take up to 1000");
    if (data_attack && o->attack_offpath)
      return lb_bad("--attack %s is on-path only (it maps data after what it saw)", o->attack);
    if (data_attack && o->direction != DIR_A2B)
      return lb_bad("--attack %s needs --direction a2b (host B receives)", o->attack);
    if (!strcmp(o->attack, "dsn-inject") && o->virt)
      return lb_bad("--attack dsn-inject needs real payload (not --virtual): its bytes are "
                    "counted by content");
    if (!data_attack && (o->attack_lead || o->attack_payload != 100))
      return lb_bad("--attack-lead and --attack-payload apply to dsn-inject and hole-flood");
    if (!strcmp(o->attack, "eavesdrop-join") && o->attack_offpath)
      return lb_bad("--attack eavesdrop-join is on-path only (it needs the keys it sees)");
    if (!strcmp(o->attack, "join-guess") && !o->attack_offpath)
      return lb_bad("--attack join-guess is off-path only: give --attack-offpath");
    if (!strcmp(o->attack, "join-flood") && !o->attack_guesses) {
      o->attack_guesses = 2000; /* a flood: one SYN per millisecond, unless told */
      if (!o->attack_interval_set)
        o->attack_interval_ns = MPTCP_MS;
    }
    if (o->attack_keys && strcmp(o->attack, "fastclose") && strcmp(o->attack, "add-addr"))
      return lb_bad("--attack-keys applies to --attack fastclose and add-addr only");
    if (!o->attack_guesses) /* off-path: cover 2^32 with guesses --attack-step apart */
      o->attack_guesses = o->attack_offpath ? ((1ull << 32) + o->attack_step - 1) / o->attack_step
                          : !strcmp(o->attack, "eavesdrop-join") ? 1u << 24 /* its ACKs too */
                                                                  : 1;
    if (o->attack_guesses > (1u << 24))
      return lb_bad("--attack-guesses: %" PRIu64 " guesses (at most 16777216: raise --attack-step)",
                 o->attack_guesses);
    if (!o->defence) {
      /* the defence the attack meets (see defence_switch()) */
      if (!strcmp(o->attack, "rst") || !strcmp(o->attack, "mp-tcprst"))
        o->cfg.rst_seq_check = 0;
      else if (!strcmp(o->attack, "fastclose"))
        o->cfg.fastclose_key_check = o->cfg.opt_ack_check = 0;
      else if (!strcmp(o->attack, "hole-flood")) {
        o->cfg.enforce_conn_window = 0;
        o->cfg.max_ofo_ranges = 0;
      } else if (!strcmp(o->attack, "join-flood"))
        o->cfg.enforce_limits = o->cfg.syn_cookies = 0;
      else if (!strcmp(o->attack, "add-addr"))
        o->cfg.add_addr_hmac_check = o->cfg.opt_ack_check = 0;
      else if (!strcmp(o->attack, "remove-addr"))
        o->cfg.remove_addr_probe = o->cfg.opt_ack_check = 0;
      else if (!strcmp(o->attack, "mp-prio"))
        o->cfg.opt_ack_check = 0;
    }
  }
  if (o->start_spread_ns && o->start_spread_ns >= (o->time_ns ? o->time_ns : o->limit_ns))
    return lb_bad("--start-spread must be shorter than --time (or --duration-limit)");
  if (o->alter_path >= 0 && (uint32_t)o->alter_path >= o->paths)
    return lb_bad("--alter-payload: path %d does not exist (--paths %u)", o->alter_path, o->paths);
  if (o->alter_path >= 0 && o->virt)
    return lb_bad("--alter-payload needs real payload (not --virtual)");
  for (size_t i = 0; i < o->n_fails; i++)
    if (o->fails[i].path >= o->paths)
      return lb_bad("--fail: path %" PRIu32 " does not exist (--paths %" PRIu32 ")",
                 o->fails[i].path, o->paths);
  if (cc) {
    int coupled = mptcp_cc_is_coupled(cc);
    if (coupled < 0 || strlen(cc) >= sizeof(o->cc))
      return lb_bad("--cc: unknown congestion control '%.40s' (known: %s)", cc, lb_algo_names(MPTCP_ALGO_CC));
    /* a coupled algorithm couples the subflows of an MPTCP connection; a
     * plain TCP connection would run cfg.tcp_cc instead */
    if (coupled && !o->mptcp)
      return lb_bad("--cc %s is coupled: it needs --mode mptcp (plain TCP: %s)", cc,
                 lb_algo_names(MPTCP_ALGO_TCP_CC));
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

/* The per-path link values of the lists (--rate, --delay, ...), then each
 * path's queue default: one BDP of its rate and round trip, at least 10
 * packets. Returns 0 or EXIT_USAGE (the message printed). */
int lb_path_links(const options *o, path_cfg *paths) {
  g_paths = paths;
  for (uint32_t i = 0; i < o->paths; i++) {
    netsim_link_config_default(&paths[i].link);
    paths[i].link.queue_pkts = UINT32_MAX; /* not given yet */
  }
  if ((o->rate && parse_list("--rate", o->rate, o->paths, item_rate, NULL) < 0) ||
      (o->delay && parse_list("--delay", o->delay, o->paths, item_delay, NULL) < 0) ||
      (o->jitter && parse_list("--jitter", o->jitter, o->paths, item_jitter, NULL) < 0) ||
      (o->police && parse_list("--police", o->police, o->paths, item_police, NULL) < 0) ||
      (o->queue && parse_list("--queue", o->queue, o->paths, item_queue, NULL) < 0) ||
      (o->loss && parse_list("--loss", o->loss, o->paths, item_loss, NULL) < 0) ||
      (o->reorder && parse_list("--reorder", o->reorder, o->paths, item_reorder, NULL) < 0) ||
      (o->duplicate &&
       parse_list("--duplicate", o->duplicate, o->paths, item_duplicate, NULL) < 0) ||
      (o->corrupt && parse_list("--corrupt", o->corrupt, o->paths, item_corrupt, NULL) < 0))
    return EXIT_USAGE;
  for (uint32_t i = 0; i < o->paths; i++) {
    netsim_link_config *l = &paths[i].link;
    l->police_by_source = (uint8_t)o->police_by_source;
    if (l->queue_pkts == UINT32_MAX) {
      double bdp = (double)l->rate_bps * 2.0 * (double)l->delay_ns / 1e9 / (8.0 * 1500.0);
      double q = ceil(bdp);
      l->queue_pkts = q < 10 ? 10 : q > 10000000 ? 10000000 : (uint32_t)q;
    }
  }
  return 0;
}
