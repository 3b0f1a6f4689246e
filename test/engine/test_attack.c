/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the attacker (mptcp.h, "Attacker"): its registry, its
 * argument checks, what an on-path attacker learns from a hand-made
 * handshake (the victim's RCV.NXT and SND.NXT, the peer's address id, the
 * MP_CAPABLE keys), the wire format of its forgeries (decodable, correct
 * TCP checksum), its timing, the off-path guesses, determinism and the
 * memory hooks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mptcp/mptcp.h"

#define KEY_A 0x1111222233334444ull
#define KEY_B 0x5555666677778888ull

static void test_rand(uint8_t *dest, size_t len, void *ud) {
  uint64_t *x = ud;
  for (size_t i = 0; i < len; i++) {
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    dest[i] = (uint8_t)(*x >> 56);
  }
}

static size_t mem_live;
static void *count_malloc(size_t n, void *ud) {
  (void)ud;
  mem_live += n;
  return test_malloc(n);
}
static void count_free(void *p, size_t n, void *ud) {
  (void)ud;
  mem_live -= n;
  test_free(p);
}

static mptcp_addr addr(uint8_t host, uint8_t path, uint16_t port) {
  mptcp_addr a;
  memset(&a, 0, sizeof(a));
  a.family = 4;
  a.ip[0] = 10;
  a.ip[1] = host;
  a.ip[2] = path;
  a.ip[3] = 1;
  a.port = port;
  return a;
}

/* Shows the attacker one segment from `s` to `d` (`plen` payload bytes). */
static void seen(mptcp_attacker *at, const mptcp_addr *s, const mptcp_addr *d, mptcp_tcphdr *h,
                 size_t plen) {
  uint8_t buf[MPTCP_TCP_HDR_MAX + 200];
  memset(buf, 0, sizeof(buf));
  h->sport = s->port;
  h->dport = d->port;
  int hl = mptcp_tcphdr_encode(buf, sizeof(buf), h);
  assert_true(hl >= 20);
  assert_int_equal(mptcp_attacker_observe(at, s, d, buf, (size_t)hl + plen, 0, 0), MPTCP_OK);
}

/* Client A:40000 -> server B:80 over path 0: MP_CAPABLE handshake, then
 * 200 bytes from A, acknowledged by B. A's RCV.NXT is 5001, SND.NXT 1201. */
static void handshake(mptcp_attacker *at) {
  mptcp_addr a = addr(0, 0, 40000), b = addr(1, 0, 80);
  mptcp_tcphdr h;
  memset(&h, 0, sizeof(h));
  h.seq = 1000;
  h.flags = MPTCP_TH_SYN;
  h.opts = MPTCP_OPT_MP_CAPABLE;
  h.mpc.len = MPTCP_MPC_LEN_SYN;
  h.mpc.version = 1;
  h.mpc.flags = MPTCP_MPC_FLAG_H;
  seen(at, &a, &b, &h, 0);
  h.seq = 5000;
  h.ack = 1001;
  h.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  h.mpc.len = MPTCP_MPC_LEN_SYNACK;
  h.mpc.sender_key = KEY_B;
  seen(at, &b, &a, &h, 0);
  h.seq = 1001;
  h.ack = 5001;
  h.flags = MPTCP_TH_ACK;
  h.window = 1234;
  h.mpc.len = MPTCP_MPC_LEN_ACK;
  h.mpc.sender_key = KEY_A;
  h.mpc.receiver_key = KEY_B;
  seen(at, &a, &b, &h, 100);
  memset(&h, 0, sizeof(h));
  h.seq = 1101;
  h.ack = 5001;
  h.flags = MPTCP_TH_ACK;
  seen(at, &a, &b, &h, 100);
  h.seq = 5001;
  h.ack = 1201;
  seen(at, &b, &a, &h, 0);
}

static mptcp_attacker *make(mptcp_attack_config *c, uint64_t *seed) {
  mptcp_attacker *at = NULL;
  assert_int_equal(mptcp_attacker_new(&at, c, NULL, test_rand, seed), MPTCP_OK);
  return at;
}

/* Writes the forgery due at `now` and decodes it; checks its checksum. */
static size_t forged(mptcp_attacker *at, uint64_t now, mptcp_tcphdr *h, mptcp_segment *seg) {
  uint8_t buf[MPTCP_TCP_HDR_MAX];
  assert_int_equal(mptcp_attacker_write(at, seg, buf, sizeof(buf), now), 1);
  assert_int_equal(mptcp_tcphdr_decode(h, buf, seg->len), (int)seg->len);
  uint16_t c = h->csum;
  buf[16] = buf[17] = 0;
  assert_int_equal(mptcp_tcp_checksum_ipv4(seg->src.ip, seg->dst.ip, buf, seg->len), c);
  return seg->len;
}

static void test_registry(void **state) {
  (void)state;
  const char *want[] = {"rst",        "mp-tcprst",  "remove-addr", "mp-prio",   "fastclose",
                        "dsn-inject", "join-guess", "join-flood",  "add-addr",  "hole-flood",
                        "eavesdrop-join"};
  for (unsigned i = 0; i < 11; i++) {
    assert_string_equal(mptcp_attack_name(i), want[i]);
    assert_int_equal(mptcp_attack_check(want[i]), MPTCP_OK);
  }
  assert_null(mptcp_attack_name(11));
  assert_int_equal(mptcp_attack_check("syn-flood"), MPTCP_ERR_UNKNOWN_ATTACK);
  /* join-guess is off-path only */
  uint64_t seed = 1;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "join-guess";
  mptcp_attacker *at = NULL;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  assert_int_equal(mptcp_attack_check(NULL), MPTCP_ERR_INVALID_ARGUMENT);
  assert_string_equal(mptcp_strerror_name(MPTCP_ERR_UNKNOWN_ATTACK), "MPTCP_ERR_UNKNOWN_ATTACK");
}

static void test_bad_config(void **state) {
  (void)state;
  uint64_t seed = 1;
  mptcp_attacker *at = (mptcp_attacker *)&seed;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "nope";
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed), MPTCP_ERR_UNKNOWN_ATTACK);
  assert_null(at);
  mptcp_attack_config_default(&c);
  c.guesses = 0;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_attack_config_default(&c);
  c.guess_step = 0;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_attack_config_default(&c);
  c.on_path = 0; /* off-path needs the 4-tuple */
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_attack_config_default(&c);
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, NULL, &seed), MPTCP_ERR_INVALID_ARGUMENT);
}

/* On-path RST: nothing before start_ns nor before a target is learnt;
 * then exactly at the victim's RCV.NXT, spoofed from its peer. */
static void test_onpath_rst(void **state) {
  (void)state;
  uint64_t seed = 7;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.start_ns = 50;
  c.guesses = 2;
  c.interval_ns = 30;
  mptcp_attacker *at = make(&c, &seed);
  uint8_t buf[MPTCP_TCP_HDR_MAX];
  mptcp_segment seg;
  assert_int_equal(mptcp_attacker_get_expiry(at), MPTCP_TIME_NEVER); /* no target yet */
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 100), 0);
  handshake(at);
  mptcp_attacker_stats st;
  mptcp_attacker_get_stats(at, &st);
  assert_int_equal(st.observed, 5);
  assert_true(st.target_known);
  assert_true(st.keys_known);
  assert_int_equal(mptcp_attacker_get_expiry(at), 50);
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 49), 0);
  mptcp_tcphdr h;
  forged(at, 50, &h, &seg);
  assert_int_equal(h.flags, MPTCP_TH_RST | MPTCP_TH_ACK);
  assert_int_equal(h.seq, 5001); /* A's RCV.NXT */
  assert_int_equal(h.ack, 1201); /* B's last ACK: nothing new acknowledged */
  assert_int_equal(h.sport, 80);
  assert_int_equal(h.dport, 40000);
  assert_int_equal(seg.src.ip[1], 1); /* spoofed: from B */
  assert_int_equal(seg.dst.ip[1], 0);
  assert_int_equal(h.opts & MPTCP_OPT_ANY_MPTCP, 0);
  assert_int_equal(mptcp_attacker_get_expiry(at), 80);
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 79), 0);
  forged(at, 80, &h, &seg);
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 1000), 0);
  assert_int_equal(mptcp_attacker_get_expiry(at), MPTCP_TIME_NEVER);
  mptcp_attacker_get_stats(at, &st);
  assert_int_equal(st.forged, 2);
  assert_true(st.done);
  mptcp_attacker_del(at);
}

static void test_options(void **state) {
  (void)state;
  struct {
    const char *name;
    uint32_t opt;
  } cases[] = {{"mp-tcprst", MPTCP_OPT_MP_TCPRST},
               {"remove-addr", MPTCP_OPT_REMOVE_ADDR},
               {"mp-prio", MPTCP_OPT_MP_PRIO},
               {"fastclose", MPTCP_OPT_MP_FASTCLOSE}};
  for (unsigned i = 0; i < 4; i++) {
    uint64_t seed = 3;
    mptcp_attack_config c;
    mptcp_attack_config_default(&c);
    c.name = cases[i].name;
    c.start_ns = 0;
    mptcp_attacker *at = make(&c, &seed);
    handshake(at);
    mptcp_tcphdr h;
    mptcp_segment seg;
    forged(at, 0, &h, &seg);
    assert_int_equal(h.opts & MPTCP_OPT_ANY_MPTCP, cases[i].opt);
    assert_int_equal(h.seq, 5001);
    if (cases[i].opt == MPTCP_OPT_MP_TCPRST)
      assert_true(h.flags & MPTCP_TH_RST);
    else
      assert_int_equal(h.flags, MPTCP_TH_ACK);
    if (cases[i].opt == MPTCP_OPT_MP_PRIO)
      assert_int_equal(h.prio.backup, 1);
    if (cases[i].opt == MPTCP_OPT_REMOVE_ADDR) {
      assert_int_equal(h.rm_addr.n, 1);
      assert_int_equal(h.rm_addr.ids[0], 0); /* the initial subflow's */
    }
    if (cases[i].opt == MPTCP_OPT_MP_FASTCLOSE)
      assert_true(h.fastclose.key != KEY_A); /* a key it does not know */
    mptcp_attacker_del(at);
  }
}

/* With use_keys, the key learnt from the third ACK: the victim's own. */
static void test_fastclose_keys(void **state) {
  (void)state;
  uint64_t seed = 3;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "fastclose";
  c.start_ns = 0;
  c.use_keys = 1;
  mptcp_attacker *at = make(&c, &seed);
  handshake(at);
  mptcp_tcphdr h;
  mptcp_segment seg;
  forged(at, 0, &h, &seg);
  assert_int_equal(h.fastclose.key, KEY_A);
  mptcp_attacker_del(at);
  /* toward the server: the server's key */
  c.victim = MPTCP_VICTIM_SERVER;
  at = make(&c, &seed);
  handshake(at);
  forged(at, 0, &h, &seg);
  assert_int_equal(h.fastclose.key, KEY_B);
  assert_int_equal(h.seq, 1201); /* B's RCV.NXT, from its ACK */
  assert_int_equal(seg.dst.ip[1], 1);
  mptcp_attacker_del(at);
}

/* A4: the forged ADD_ADDR announces the configured address under the
 * configured id; with use_keys and the keys seen, its HMAC is the one the
 * peer would compute (announcer's key first, RFC 8684 section 3.4.1),
 * otherwise not; no address to announce is refused. */
static void test_add_addr(void **state) {
  (void)state;
  uint64_t seed = 5;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "add-addr";
  mptcp_attacker *at = NULL;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  c.start_ns = 0;
  c.addr_id = 9;
  c.announce_addr = addr(7, 0, 0);
  for (int keys = 0; keys < 2; keys++) {
    c.use_keys = (uint8_t)keys;
    at = make(&c, &seed);
    handshake(at);
    mptcp_tcphdr h;
    mptcp_segment seg;
    forged(at, 0, &h, &seg);
    assert_true(h.opts & MPTCP_OPT_ADD_ADDR);
    assert_int_equal(h.flags, MPTCP_TH_ACK);
    assert_int_equal(h.add_addr.echo, 0);
    assert_int_equal(h.add_addr.addr_id, 9);
    assert_int_equal(h.add_addr.family, 4);
    assert_memory_equal(h.add_addr.addr, c.announce_addr.ip, 4);
    /* toward the client as if from the server: the server announces */
    uint64_t right = mptcp_add_addr_hmac(KEY_B, KEY_A, 9, 4, c.announce_addr.ip, 0);
    if (keys)
      assert_int_equal(h.add_addr.thmac, right);
    else
      assert_true(h.add_addr.thmac != right);
    mptcp_attacker_del(at);
  }
}

/* The peer's address id of a joined subflow, from its MP_JOIN SYN/ACK. */
static void test_remove_addr_join_id(void **state) {
  (void)state;
  uint64_t seed = 3;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "remove-addr";
  c.start_ns = 0;
  mptcp_attacker *at = make(&c, &seed);
  mptcp_addr a = addr(0, 1, 40001), b = addr(1, 1, 80);
  mptcp_tcphdr h;
  memset(&h, 0, sizeof(h));
  h.seq = 70;
  h.flags = MPTCP_TH_SYN;
  h.opts = MPTCP_OPT_MP_JOIN;
  h.join.len = MPTCP_JOIN_LEN_SYN;
  h.join.addr_id = 1;
  h.join.token = 0xabcdef01;
  seen(at, &a, &b, &h, 0);
  h.seq = 900;
  h.ack = 71;
  h.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  h.join.len = MPTCP_JOIN_LEN_SYNACK;
  h.join.addr_id = 3;
  seen(at, &b, &a, &h, 0);
  memset(&h, 0, sizeof(h));
  h.seq = 71;
  h.ack = 901;
  h.flags = MPTCP_TH_ACK;
  seen(at, &a, &b, &h, 0);
  mptcp_segment seg;
  forged(at, 0, &h, &seg);
  assert_int_equal(h.rm_addr.ids[0], 3);
  assert_int_equal(h.seq, 901);
  assert_int_equal(seg.src.ip[2], 1);
  mptcp_attacker_del(at);
}

/* Off-path: observations are ignored; guesses guess_step apart from a
 * random base; the same seed gives the same bytes; memory through the
 * hooks, all of it returned. */
static void test_offpath(void **state) {
  (void)state;
  mptcp_mem mem = {NULL, count_malloc, count_free};
  uint8_t out[2][4][MPTCP_TCP_HDR_MAX];
  memset(out, 0, sizeof(out));
  for (int run = 0; run < 2; run++) {
    uint64_t seed = 11;
    mptcp_attack_config c;
    mptcp_attack_config_default(&c);
    c.on_path = 0;
    c.start_ns = 10;
    c.guesses = 4;
    c.interval_ns = 5;
    c.guess_step = 1u << 20;
    c.victim_addr = addr(0, 0, 40000);
    c.peer_addr = addr(1, 0, 80);
    mptcp_attacker *at = NULL;
    assert_int_equal(mptcp_attacker_new(&at, &c, &mem, test_rand, &seed), MPTCP_OK);
    assert_true(mem_live > 0);
    handshake(at);
    mptcp_attacker_stats st;
    mptcp_attacker_get_stats(at, &st);
    assert_int_equal(st.observed, 0);
    uint32_t seq0 = 0;
    for (uint32_t i = 0; i < 4; i++) {
      mptcp_segment seg;
      assert_int_equal(mptcp_attacker_get_expiry(at), 10 + 5 * i);
      assert_int_equal(mptcp_attacker_write(at, &seg, out[run][i], MPTCP_TCP_HDR_MAX, 10 + 5 * i), 1);
      mptcp_tcphdr h;
      assert_int_equal(mptcp_tcphdr_decode(&h, out[run][i], seg.len), 20);
      if (i == 0)
        seq0 = h.seq;
      assert_int_equal(h.seq - seq0, i << 20);
      assert_int_equal(h.dport, 40000);
      assert_int_equal(h.flags, MPTCP_TH_RST | MPTCP_TH_ACK);
    }
    assert_int_equal(mptcp_attacker_get_expiry(at), MPTCP_TIME_NEVER);
    mptcp_attacker_del(at);
    assert_int_equal(mem_live, 0);
  }
  assert_memory_equal(out[0], out[1], sizeof(out[0]));
}

/* A2 dsn-inject: nothing before the victim's DATA_ACK is seen; then a
 * data segment in sequence on the subflow, its mapping at the victim's
 * data-level RCV.NXT plus the lead, carrying the attacker's pattern. */
/* The client's (the victim's) pure ACK with DATA_ACK 9000, after the
 * handshake: the attacker learns the data-level RCV.NXT. */
static void see_data_ack(mptcp_attacker *at) {
  mptcp_addr a = addr(0, 0, 40000), b = addr(1, 0, 80);
  mptcp_tcphdr h;
  memset(&h, 0, sizeof(h));
  h.seq = 1201;
  h.ack = 5001;
  h.flags = MPTCP_TH_ACK;
  h.opts = MPTCP_OPT_DSS;
  h.dss.flags = MPTCP_DSS_ACK;
  h.dss.data_ack = 9000;
  seen(at, &a, &b, &h, 0);
}

static void test_dsn_inject(void **state) {
  (void)state;
  uint64_t seed = 3;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "dsn-inject";
  mptcp_attacker *at = NULL;
  c.payload_len = 0;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  c.payload_len = 1401;
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  const int64_t leads[2] = {0, -300};
  for (int k = 0; k < 2; k++) {
    mptcp_attack_config_default(&c);
    c.name = "dsn-inject";
    c.start_ns = 10;
    c.guesses = 2;
    c.payload_len = 120;
    c.dsn_lead = leads[k];
    at = make(&c, &seed);
    handshake(at);
    uint8_t buf[MPTCP_TCP_HDR_MAX + 200];
    mptcp_segment seg;
    /* A target, but no DATA_ACK from the victim yet: nothing */
    assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 20), 0);
    /* and no expiry until it sees more (an expiry in the past made the
     * host call it again at once, for ever) */
    assert_int_equal(mptcp_attacker_get_expiry(at), MPTCP_TIME_NEVER);
    see_data_ack(at);
    assert_int_equal(mptcp_attacker_get_expiry(at), 10);
    mptcp_tcphdr h;
    /* too small a buffer for the payload */
    assert_int_equal(mptcp_attacker_write(at, &seg, buf, 60, 20), MPTCP_ERR_NOBUF);
    assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 20), 1);
    assert_int_equal(seg.payload_len, 120);
    assert_int_equal(seg.len, seg.hdr_len + 120);
    assert_int_equal(mptcp_tcphdr_decode(&h, buf, seg.len), (int)seg.hdr_len);
    for (size_t i = 0; i < 120; i++)
      assert_int_equal(buf[seg.hdr_len + i], MPTCP_ATTACK_PATTERN);
    uint16_t cs = h.csum;
    buf[16] = buf[17] = 0;
    assert_int_equal(mptcp_tcp_checksum_ipv4(seg.src.ip, seg.dst.ip, buf, seg.len), cs);
    assert_int_equal(h.seq, 5001); /* A's RCV.NXT on the subflow */
    assert_int_equal(h.sport, 80);
    assert_int_equal(h.dport, 40000);
    assert_true(h.opts & MPTCP_OPT_DSS);
    assert_int_equal(h.dss.flags, MPTCP_DSS_MAP);
    assert_int_equal(h.dss.dsn, (uint32_t)(9000 + leads[k]));
    assert_int_equal(h.dss.ssn, 1); /* B's ISN 5000: the first byte is 1 */
    assert_int_equal(h.dss.dll, 120);
    mptcp_attacker_stats st;
    mptcp_attacker_get_stats(at, &st);
    assert_int_equal(st.forged, 1);
    assert_int_equal(st.forged_bytes, 120);
    mptcp_attacker_del(at);
  }
  /* hole-flood: each mapping two payloads past the previous one (a hole of
   * one between), each forgery after the previous in subflow sequence */
  mptcp_attack_config_default(&c);
  c.name = "hole-flood";
  c.start_ns = 10;
  c.guesses = 3;
  c.interval_ns = 5;
  c.payload_len = 10;
  c.dsn_lead = 1000;
  at = make(&c, &seed);
  handshake(at);
  see_data_ack(at);
  mptcp_tcphdr h;
  for (uint32_t i = 0; i < 3; i++) {
    uint8_t buf[MPTCP_TCP_HDR_MAX + 20];
    mptcp_segment seg;
    assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 10 + 5 * i), 1);
    assert_int_equal(mptcp_tcphdr_decode(&h, buf, seg.len), (int)seg.hdr_len);
    assert_int_equal(h.seq, 5001 + 10 * i);
    assert_int_equal(h.dss.dsn, 9000 + 1000 + 20 * i);
    assert_int_equal(h.dss.ssn, 1 + 10 * i);
  }
  mptcp_attacker_del(at);
}

/* On-path with victim_addr: only the victim's subflows from that address
 * and port are targets (one attacker per connection of a host); a subflow
 * of another connection seen last is not taken. */
static void test_onpath_victim_filter(void **state) {
  (void)state;
  uint64_t seed = 5;
  for (int filtered = 0; filtered < 2; filtered++) {
    mptcp_attack_config c;
    mptcp_attack_config_default(&c);
    c.start_ns = 10;
    if (filtered)
      c.victim_addr = addr(0, 0, 40000); /* A's connection on port 40000 */
    mptcp_attacker *at = make(&c, &seed);
    handshake(at);
    /* then a segment of A's other connection, from port 40002 */
    mptcp_addr a2 = addr(0, 0, 40002), b = addr(1, 0, 80);
    mptcp_tcphdr h;
    memset(&h, 0, sizeof(h));
    h.seq = 7000;
    h.flags = MPTCP_TH_SYN;
    seen(at, &a2, &b, &h, 0);
    h.seq = 8000;
    h.ack = 7001;
    h.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
    seen(at, &b, &a2, &h, 0);
    h.seq = 7001;
    h.ack = 8001;
    h.flags = MPTCP_TH_ACK;
    seen(at, &a2, &b, &h, 10);
    memset(&h, 0, sizeof(h));
    mptcp_segment seg;
    forged(at, 10, &h, &seg);
    /* the forgery goes toward the victim (A): filtered, to the
     * connection named; unfiltered, to the last one seen */
    assert_int_equal(h.dport, filtered ? 40000 : 40002);
    assert_int_equal(h.seq, filtered ? 5001 : 8001);
    mptcp_attacker_del(at);
  }
}

/* virtual_payload: the forged payload is announced, not written (the
 * host's stacks run with virtual payload) */
static void test_virtual_payload(void **state) {
  (void)state;
  uint64_t seed = 9;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "hole-flood";
  c.start_ns = 10;
  c.payload_len = 1000;
  c.virtual_payload = 1;
  mptcp_attacker *at = make(&c, &seed);
  handshake(at);
  see_data_ack(at);
  uint8_t buf[MPTCP_TCP_HDR_MAX]; /* room for the header only */
  mptcp_segment seg;
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 10), 1);
  assert_int_equal(seg.len, seg.hdr_len);
  assert_int_equal(seg.payload_len, 1000);
  assert_true(seg.payload_virtual);
  mptcp_tcphdr h;
  assert_int_equal(mptcp_tcphdr_decode(&h, buf, seg.len), (int)seg.len);
  assert_int_equal(h.dss.dll, 1000);
  mptcp_attacker_stats st;
  mptcp_attacker_get_stats(at, &st);
  assert_int_equal(st.forged_bytes, 1000);
  mptcp_attacker_del(at);
}

/* eavesdrop-join: with the keys seen, the attacker joins from its own
 * address (SYN with the victim's token, third ACK with the right HMAC) and
 * acknowledges what the victim sends on its subflow. */
static void test_eavesdrop_join(void **state) {
  (void)state;
  uint64_t seed = 13;
  mptcp_attack_config c;
  mptcp_attack_config_default(&c);
  c.name = "eavesdrop-join";
  mptcp_attacker *at = NULL;
  /* its own address is required, and it is on-path */
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_addr me = addr(2, 0, 0);
  c.peer_addr = me;
  c.on_path = 0;
  c.victim_addr = addr(0, 0, 40000);
  assert_int_equal(mptcp_attacker_new(&at, &c, NULL, test_rand, &seed),
                   MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_attack_config_default(&c);
  c.name = "eavesdrop-join";
  c.peer_addr = me;
  c.start_ns = 10;
  c.guesses = 10;
  c.interval_ns = 1;
  at = make(&c, &seed);
  handshake(at);
  mptcp_tcphdr h;
  mptcp_segment seg;
  forged(at, 10, &h, &seg);
  assert_int_equal(h.flags, MPTCP_TH_SYN);
  assert_true(h.opts & MPTCP_OPT_MP_JOIN);
  assert_int_equal(h.join.len, MPTCP_JOIN_LEN_SYN);
  uint32_t token;
  mptcp_key_token_idsn(KEY_A, &token, NULL); /* the victim, A (the client) */
  assert_int_equal(h.join.token, token);
  assert_memory_equal(seg.src.ip, me.ip, 4);
  assert_int_equal(seg.dst.ip[1], 0);
  assert_int_equal(h.dport, 40000);
  uint32_t nonce_a = h.join.nonce, isn_a = h.seq;
  mptcp_addr from = seg.dst, to = seg.src;
  /* nothing more until the victim answers */
  uint8_t buf[MPTCP_TCP_HDR_MAX];
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 11), 0);
  mptcp_tcphdr r;
  memset(&r, 0, sizeof(r));
  r.seq = 777000;
  r.ack = isn_a + 1;
  r.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
  r.opts = MPTCP_OPT_MP_JOIN;
  r.join.len = MPTCP_JOIN_LEN_SYNACK;
  r.join.nonce = 0x1234567;
  seen(at, &from, &to, &r, 0);
  forged(at, 20, &h, &seg);
  assert_int_equal(h.flags, MPTCP_TH_ACK);
  assert_int_equal(h.join.len, MPTCP_JOIN_LEN_ACK);
  assert_int_equal(h.seq, isn_a + 1);
  assert_int_equal(h.ack, 777001);
  uint8_t mac[MPTCP_HMAC_SHA256_LEN];
  /* HMAC-A: the initiator's key (B's, whom it impersonates), then A's */
  mptcp_join_hmac(KEY_B, KEY_A, nonce_a, 0x1234567, mac);
  assert_memory_equal(h.join.hmac, mac, MPTCP_JOIN_HMAC_LEN);
  /* data from the victim on the attacker's subflow, acknowledged */
  memset(&r, 0, sizeof(r));
  r.seq = 777001;
  r.ack = isn_a + 1;
  r.flags = MPTCP_TH_ACK;
  seen(at, &from, &to, &r, 100);
  forged(at, 30, &h, &seg);
  assert_int_equal(h.flags, MPTCP_TH_ACK);
  assert_int_equal(h.ack, 777101);
  assert_int_equal(h.opts & MPTCP_OPT_MP_JOIN, 0);
  mptcp_attacker_stats st;
  mptcp_attacker_get_stats(at, &st);
  assert_true(st.joined);
  assert_int_equal(st.bytes_received, 100);
  assert_int_equal(mptcp_attacker_write(at, &seg, buf, sizeof(buf), 40), 0);
  mptcp_attacker_del(at);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),         cmocka_unit_test(test_bad_config),
      cmocka_unit_test(test_onpath_rst),       cmocka_unit_test(test_options),
      cmocka_unit_test(test_fastclose_keys),   cmocka_unit_test(test_remove_addr_join_id),
      cmocka_unit_test(test_offpath),          cmocka_unit_test(test_dsn_inject),
      cmocka_unit_test(test_add_addr),         cmocka_unit_test(test_onpath_victim_filter),
      cmocka_unit_test(test_virtual_payload),  cmocka_unit_test(test_eavesdrop_join),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
