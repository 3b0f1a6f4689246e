/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_crypto.c - unit tests of the core's hashing, HMACs, checksums and
 * small text helpers.
 *
 * Sources of the expected values:
 *  - HMAC-SHA256: the test cases of RFC 4231 section 4.
 *  - Tokens and IDSNs (RFC 8684 section 3.1): SHA-256 computed here with
 *    nettle directly, plus literal digests from Python's hashlib.
 *  - MP_JOIN and ADD_ADDR HMACs (RFC 8684 sections 3.2 and 3.4.1): literal
 *    values from Python's hmac module; the commands are quoted beside them.
 *  - Checksums (RFC 1071, RFC 9293 section 3.1, RFC 8200 section 8.1,
 *    RFC 8684 section 3.3.1): literal values from a few lines of Python
 *    (quoted below) and an independent one's-complement sum in this file.
 *
 * The Python helper used for the checksum literals:
 *   def csum(b):
 *       if len(b) % 2: b += b'\0'
 *       s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
 *       while s >> 16: s = (s & 0xffff) + (s >> 16)
 *       return ~s & 0xffff
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "mptcp/mptcp.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static char g_ctx[160];

static void ctx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_ctx, sizeof g_ctx, fmt, ap);
  va_end(ap);
}

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      print_error("%s:%d: check failed: %s [%s]\n", __FILE__, __LINE__,    \
                  #cond, g_ctx);                                           \
      fail();                                                              \
    }                                                                      \
  } while (0)

#define CHECK_EQ(a, b)                                                     \
  do {                                                                     \
    unsigned long long a_ = (unsigned long long)(a);                       \
    unsigned long long b_ = (unsigned long long)(b);                       \
    if (a_ != b_) {                                                        \
      print_error("%s:%d: %s == %s failed: 0x%llx != 0x%llx [%s]\n",       \
                  __FILE__, __LINE__, #a, #b, a_, b_, g_ctx);              \
      fail();                                                              \
    }                                                                      \
  } while (0)

#define CHECK_RC(a, b)                                                     \
  do {                                                                     \
    int a_ = (int)(a);                                                     \
    int b_ = (int)(b);                                                     \
    if (a_ != b_) {                                                        \
      print_error("%s:%d: %s returned %d (%s), expected %d (%s) [%s]\n",   \
                  __FILE__, __LINE__, #a, a_, mptcp_strerror_name(a_), b_, \
                  mptcp_strerror_name(b_), g_ctx);                         \
      fail();                                                              \
    }                                                                      \
  } while (0)

#define CHECK_MEM(a, b, n)                                                 \
  do {                                                                     \
    if (memcmp((a), (b), (n)) != 0) {                                      \
      print_error("%s:%d: memcmp(%s, %s, %s) differs [%s]\n", __FILE__,    \
                  __LINE__, #a, #b, #n, g_ctx);                            \
      dump("got     ", (const uint8_t *)(a), (n));                         \
      dump("expected", (const uint8_t *)(b), (n));                         \
      fail();                                                              \
    }                                                                      \
  } while (0)

static void dump(const char *what, const uint8_t *p, size_t n) {
  char line[3 * 64 + 1];
  size_t o = 0;
  for (size_t i = 0; i < n && i < 64; i++)
    o += (size_t)snprintf(line + o, sizeof line - o, "%02x", p[i]);
  line[o] = '\0';
  print_error("  %s: %s\n", what, line);
}

/* Parses test-vector hex (spaces ignored); independent of the library. */
static size_t unhex(uint8_t *out, size_t cap, const char *text) {
  size_t n = 0;
  int hi = -1;
  for (const char *p = text; *p != '\0'; p++) {
    int v = 0;
    if (*p == ' ')
      continue;
    if (*p >= '0' && *p <= '9')
      v = *p - '0';
    else if (*p >= 'a' && *p <= 'f')
      v = *p - 'a' + 10;
    else
      fail_msg("bad character in test vector: %s", text);
    if (hi < 0) {
      hi = v;
    } else {
      if (n >= cap)
        fail_msg("test vector too long: %s", text);
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0)
    fail_msg("odd number of digits: %s", text);
  return n;
}

static void wr64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8)
    p[i] = (uint8_t)v;
}
static uint64_t rd64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

/* A small deterministic generator for the randomised comparisons. */
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  /* xorshift64* */
  g_rng ^= g_rng >> 12;
  g_rng ^= g_rng << 25;
  g_rng ^= g_rng >> 27;
  return g_rng * 0x2545f4914f6cdd1dull;
}

/* RFC 1071 one's-complement sum, written independently of the core. */
static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len) {
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += (uint32_t)(p[len - 1] << 8);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}
static uint16_t ref_fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* ------------------------------------------------------------------ */
/* HMAC-SHA256: RFC 4231                                               */
/* ------------------------------------------------------------------ */

static void test_hmac_rfc4231(void **state) {
  (void)state;
  static const struct {
    int tc;
    uint8_t key_fill; /* key = key_len bytes of key_fill, unless key_hex */
    size_t key_len;
    const char *key_hex;
    const char *data;  /* text, unless data_fill */
    uint8_t data_fill; /* data = 50 bytes of data_fill */
    const char *mac;
    size_t mac_len; /* bytes compared (test case 5 truncates to 128 bits) */
  } tcs[] = {
      {1, 0x0b, 20, NULL, "Hi There", 0,
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
      {2, 0, 0, "4a656665" /* "Jefe" */, "what do ya want for nothing?", 0,
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
      {3, 0xaa, 20, NULL, NULL, 0xdd,
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
      {4, 0, 0, "0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
       0xcd,
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
      {5, 0x0c, 20, NULL, "Test With Truncation", 0,
       "a3b6167473100ee06e0c796c2955552b", 16},
      {6, 0xaa, 131, NULL,
       "Test Using Larger Than Block-Size Key - Hash Key First", 0,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
      {7, 0xaa, 131, NULL,
       "This is a test using a larger than block-size key and a larger than "
       "block-size data. The key needs to be hashed before being used by the "
       "HMAC algorithm.",
       0,
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
  };
  for (size_t i = 0; i < ARRAY_LEN(tcs); i++) {
    uint8_t key[160], data[160], want[32], out[MPTCP_HMAC_SHA256_LEN + 4];
    size_t key_len, data_len;
    ctx("RFC 4231 test case %d", tcs[i].tc);
    if (tcs[i].key_hex != NULL) {
      key_len = unhex(key, sizeof key, tcs[i].key_hex);
    } else {
      key_len = tcs[i].key_len;
      memset(key, tcs[i].key_fill, key_len);
    }
    if (tcs[i].data != NULL) {
      data_len = strlen(tcs[i].data);
      memcpy(data, tcs[i].data, data_len);
    } else {
      data_len = 50;
      memset(data, tcs[i].data_fill, data_len);
    }
    size_t mac_len = unhex(want, sizeof want, tcs[i].mac);
    CHECK_EQ(mac_len, tcs[i].mac_len);
    memset(out, 0x5a, sizeof out);
    mptcp_hmac_sha256(key, key_len, data, data_len, out);
    CHECK_MEM(out, want, mac_len);
    /* Exactly 32 bytes written. */
    for (size_t k = MPTCP_HMAC_SHA256_LEN; k < sizeof out; k++)
      CHECK_EQ(out[k], 0x5a);
  }

  /* Edge lengths, from Python:
   *   hmac.new(b'', b'', hashlib.sha256).hexdigest()
   *   hmac.new(bytes(range(64)), b'block-size key', hashlib.sha256)
   *   hmac.new(bytes(range(65)), b'block-size key', hashlib.sha256) */
  static const struct {
    size_t key_len;
    const char *msg;
    const char *mac;
  } edges[] = {
      {0, "",
       "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
      {64, "block-size key",
       "1dad230598e011a4e4eabc6c8da8f55ef9a66a8881d1e16e23ea116ae28231ec"},
      {65, "block-size key",
       "d0b754c1861695b26bca3bd3a8581ef73f46ba28ada969cf73dbdb39d991eb2d"},
  };
  for (size_t i = 0; i < ARRAY_LEN(edges); i++) {
    uint8_t key[65], want[32], out[32];
    for (size_t k = 0; k < sizeof key; k++)
      key[k] = (uint8_t)k;
    ctx("HMAC key length %zu", edges[i].key_len);
    unhex(want, sizeof want, edges[i].mac);
    mptcp_hmac_sha256(key, edges[i].key_len, (const uint8_t *)edges[i].msg,
                      strlen(edges[i].msg), out);
    CHECK_MEM(out, want, 32);
  }
}

/* ------------------------------------------------------------------ */
/* Token and IDSN (RFC 8684 section 3.1)                               */
/* ------------------------------------------------------------------ */

static void test_key_token_idsn(void **state) {
  (void)state;
  /* Literal vectors. Each digest is
   *   hashlib.sha256(struct.pack('>Q', key)).hexdigest()
   * token = its first 4 bytes, IDSN = its last 8 bytes. */
  static const struct {
    uint64_t key;
    const char *digest;
    uint32_t token;
    uint64_t idsn;
  } vec[] = {
      {0, "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc",
       0xaf5570f5u, 0xe5b2328de0e83dfcull},
      {UINT64_MAX,
       "12a3ae445661ce5dee78d0650d33362dec29c4f82af05e7e57fb595bbbacf0ca",
       0x12a3ae44u, 0x57fb595bbbacf0caull},
      {0x0123456789abcdefull,
       "55c53f5d490297900cefa825d0c8e8e9532ee8a118abe7d8570762cd38be9818",
       0x55c53f5du, 0x570762cd38be9818ull},
      {0xfedcba9876543210ull,
       "18f9781b1b2c2d85dc80ea6af8a7acf9bf1911a768411d39280818bf0fa7e28e",
       0x18f9781bu, 0x280818bf0fa7e28eull},
  };
  for (size_t i = 0; i < ARRAY_LEN(vec); i++) {
    uint8_t d[32];
    uint32_t token = 0;
    uint64_t idsn = 0;
    ctx("key 0x%016llx", (unsigned long long)vec[i].key);
    /* The literal columns agree with the digest column. */
    unhex(d, sizeof d, vec[i].digest);
    CHECK_EQ(rd32(d), vec[i].token);
    CHECK_EQ(rd64(d + 24), vec[i].idsn);
    mptcp_key_token_idsn(vec[i].key, &token, &idsn);
    CHECK_EQ(token, vec[i].token);
    CHECK_EQ(idsn, vec[i].idsn);
    /* Either output may be NULL. */
    token = 0;
    mptcp_key_token_idsn(vec[i].key, &token, NULL);
    CHECK_EQ(token, vec[i].token);
    idsn = 0;
    mptcp_key_token_idsn(vec[i].key, NULL, &idsn);
    CHECK_EQ(idsn, vec[i].idsn);
    mptcp_key_token_idsn(vec[i].key, NULL, NULL);
  }

  /* Many keys against SHA-256 computed here with nettle. */
  for (int i = 0; i < 2000; i++) {
    uint64_t key = i < 64 ? 1ull << i : rnd();
    uint8_t be[8], d[SHA256_DIGEST_SIZE];
    struct sha256_ctx sha;
    uint32_t token;
    uint64_t idsn;
    wr64(be, key);
    sha256_init(&sha);
    sha256_update(&sha, sizeof be, be);
    sha256_digest(&sha, sizeof d, d);
    ctx("key 0x%016llx", (unsigned long long)key);
    mptcp_key_token_idsn(key, &token, &idsn);
    CHECK_EQ(token, rd32(d));
    CHECK_EQ(idsn, rd64(d + 24));
  }
}

/* ------------------------------------------------------------------ */
/* MP_JOIN HMAC (RFC 8684 section 3.2)                                 */
/* ------------------------------------------------------------------ */

static void test_join_hmac(void **state) {
  (void)state;
  const uint64_t key_a = 0x0123456789abcdefull, key_b = 0xfedcba9876543210ull;
  const uint32_t r_a = 0x11223344u, r_b = 0x55667788u;
  uint8_t out[MPTCP_HMAC_SHA256_LEN], want[32];

  /* From Python:
   *   ka, kb, ra, rb = 0x0123456789abcdef, 0xfedcba9876543210, \
   *                    0x11223344, 0x55667788
   *   hmac.new(struct.pack('>QQ', ka, kb), struct.pack('>II', ra, rb),
   *            hashlib.sha256).hexdigest()           # HMAC-A
   *   hmac.new(struct.pack('>QQ', kb, ka), struct.pack('>II', rb, ra),
   *            hashlib.sha256).hexdigest()           # HMAC-B */
  ctx("HMAC-A");
  unhex(want, sizeof want,
        "d8b5e46b7a782e79d3ecfd78307751df993e222b384c52754868f2561cf58998");
  mptcp_join_hmac(key_a, key_b, r_a, r_b, out);
  CHECK_MEM(out, want, 32);
  CHECK_EQ(mptcp_hmac_left64(out), 0xd8b5e46b7a782e79ull);

  ctx("HMAC-B");
  unhex(want, sizeof want,
        "0d44dc5f555121b7027f5508b30392de251c946ac377f517ba2194c06bc4d441");
  mptcp_join_hmac(key_b, key_a, r_b, r_a, out);
  CHECK_MEM(out, want, 32);
  /* The SYN/ACK carries these leftmost 64 bits (figure 6). */
  CHECK_EQ(mptcp_hmac_left64(out), 0x0d44dc5f555121b7ull);

  /* Roles matter: swapping only the keys, or only the nonces, differs. */
  uint8_t other[32];
  ctx("asymmetry");
  mptcp_join_hmac(key_a, key_b, r_a, r_b, out);
  mptcp_join_hmac(key_b, key_a, r_a, r_b, other);
  CHECK(memcmp(out, other, 32) != 0);
  mptcp_join_hmac(key_a, key_b, r_b, r_a, other);
  CHECK(memcmp(out, other, 32) != 0);

  /* Random inputs against nettle's HMAC with the key and message built
   * here: key = own || peer (8 + 8 bytes), msg = own R || peer R. */
  for (int i = 0; i < 500; i++) {
    uint64_t ko = rnd(), kp = rnd();
    uint32_t ro = (uint32_t)rnd(), rp = (uint32_t)rnd();
    uint8_t key[16], msg[8], d[SHA256_DIGEST_SIZE];
    struct hmac_sha256_ctx hc;
    wr64(key, ko);
    wr64(key + 8, kp);
    wr32(msg, ro);
    wr32(msg + 4, rp);
    hmac_sha256_set_key(&hc, sizeof key, key);
    hmac_sha256_update(&hc, sizeof msg, msg);
    hmac_sha256_digest(&hc, sizeof d, d);
    ctx("random join HMAC %d", i);
    mptcp_join_hmac(ko, kp, ro, rp, out);
    CHECK_MEM(out, d, 32);
    CHECK_EQ(mptcp_hmac_left64(out), rd64(d));
    /* The generic HMAC gives the same value. */
    mptcp_hmac_sha256(key, sizeof key, msg, sizeof msg, other);
    CHECK_MEM(other, d, 32);
  }

  /* left64 is a big-endian read of the first 8 bytes. */
  uint8_t h[32];
  for (int i = 0; i < 32; i++)
    h[i] = (uint8_t)(i + 1);
  ctx("left64");
  CHECK_EQ(mptcp_hmac_left64(h), 0x0102030405060708ull);
  memset(h, 0, sizeof h);
  h[0] = 0x80;
  h[8] = 0xff; /* beyond the leftmost 64 bits */
  CHECK_EQ(mptcp_hmac_left64(h), 0x8000000000000000ull);
}

/* ------------------------------------------------------------------ */
/* ADD_ADDR HMAC (RFC 8684 section 3.4.1)                              */
/* ------------------------------------------------------------------ */

static void test_add_addr_hmac(void **state) {
  (void)state;
  const uint64_t ka = 0x0123456789abcdefull, kb = 0xfedcba9876543210ull;
  static const uint8_t v4[4] = {192, 0, 2, 1};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 1};
  /* From Python, with
   *   def aa(sk, rk, i, addr, port):
   *       m = bytes([i]) + addr + struct.pack('>H', port)
   *       return hmac.new(struct.pack('>QQ', sk, rk), m,
   *                       hashlib.sha256).digest()[-8:].hex()
   * v4 + port: aa(ka, kb, 5, inet_pton(AF_INET, '192.0.2.1'), 8080)
   * v4:        aa(ka, kb, 5, inet_pton(AF_INET, '192.0.2.1'), 0)
   * v6 + port: aa(kb, ka, 9, inet_pton(AF_INET6, '2001:db8::1'), 443) */
  ctx("IPv4 with port");
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 4, v4, 8080), 0xfd343c023d07761bull);
  ctx("IPv4 without port");
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 4, v4, 0), 0x6559e658628f91aeull);
  ctx("IPv6 with port");
  CHECK_EQ(mptcp_add_addr_hmac(kb, ka, 9, 6, v6, 443), 0xfa42a586a8662bbaull);
  ctx("sender/receiver order matters");
  CHECK(mptcp_add_addr_hmac(kb, ka, 5, 4, v4, 8080) != 0xfd343c023d07761bull);

  ctx("bad family");
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 0, v4, 8080), 0);
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 5, v4, 8080), 0);
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 2 /* AF_INET */, v4, 8080), 0);
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, 10 /* AF_INET6 */, v6, 8080), 0);
  CHECK_EQ(mptcp_add_addr_hmac(ka, kb, 5, -4, v4, 8080), 0);

  /* Random inputs against nettle, message built here. */
  for (int i = 0; i < 400; i++) {
    int fam = (i & 1) ? 6 : 4;
    size_t alen = fam == 4 ? 4 : 16;
    uint64_t sk = rnd(), rk = rnd(), r = rnd();
    uint8_t id = (uint8_t)r;
    uint16_t port = (i & 2) ? (uint16_t)(r >> 8) : 0;
    uint8_t addr[16], key[16], msg[1 + 16 + 2], d[SHA256_DIGEST_SIZE];
    struct hmac_sha256_ctx hc;
    for (size_t k = 0; k < alen; k++)
      addr[k] = (uint8_t)rnd();
    wr64(key, sk);
    wr64(key + 8, rk);
    msg[0] = id;
    memcpy(msg + 1, addr, alen);
    msg[1 + alen] = (uint8_t)(port >> 8);
    msg[2 + alen] = (uint8_t)port;
    hmac_sha256_set_key(&hc, sizeof key, key);
    hmac_sha256_update(&hc, 3 + alen, msg);
    hmac_sha256_digest(&hc, sizeof d, d);
    ctx("random ADD_ADDR HMAC %d (v%d, port %u)", i, fam, port);
    CHECK_EQ(mptcp_add_addr_hmac(sk, rk, id, fam, addr, port), rd64(d + 24));
  }
}

/* ------------------------------------------------------------------ */
/* DSS checksum (RFC 8684 section 3.3.1)                               */
/* ------------------------------------------------------------------ */

/* The pseudo-header of figure 10 followed by the payload. */
static size_t dss_pseudo(uint8_t *out, uint64_t dsn, uint32_t ssn,
                         uint16_t dll, uint16_t csum_field,
                         const uint8_t *payload, size_t len) {
  wr64(out, dsn);
  wr32(out + 8, ssn);
  out[12] = (uint8_t)(dll >> 8);
  out[13] = (uint8_t)dll;
  out[14] = (uint8_t)(csum_field >> 8);
  out[15] = (uint8_t)csum_field;
  if (len > 0)
    memcpy(out + 16, payload, len);
  return 16 + len;
}

static void test_dss_csum(void **state) {
  (void)state;
  /* Literals from the Python csum() in the file comment, applied to
   *   struct.pack('>QIHH', dsn, ssn, dll, 0) + payload */
  static const struct {
    uint64_t dsn;
    uint32_t ssn;
    uint16_t dll;
    const char *payload;
    uint16_t csum;
    const char *why;
  } vec[] = {
      {0x0102030405060708ull, 1, 8, "MPTCP v1", 0x87fd, "even payload"},
      {0xfffffffffffffff0ull, 0x12345678u, 5, "hello", 0x538b,
       "odd payload"},
      {0x1122334455667788ull, 0, 1, NULL, 0xeea9,
       "DATA_FIN-only mapping, no payload"},
  };
  for (size_t i = 0; i < ARRAY_LEN(vec); i++) {
    const uint8_t *p = (const uint8_t *)vec[i].payload;
    size_t len = p != NULL ? strlen(vec[i].payload) : 0;
    uint8_t buf[16 + 64];
    ctx("%s", vec[i].why);
    uint16_t c = mptcp_dss_csum(vec[i].dsn, vec[i].ssn, vec[i].dll, p, len);
    CHECK_EQ(c, vec[i].csum);
    /* Verification: with the checksum in place of the zeros the whole
     * sum is 0xffff, i.e. folds to 0. */
    size_t n = dss_pseudo(buf, vec[i].dsn, vec[i].ssn, vec[i].dll, c, p, len);
    CHECK_EQ(ref_fold(ref_sum(0, buf, n)), 0);
    CHECK_EQ(mptcp_csum_fold(mptcp_csum_add(0, buf, n)), 0);
  }

  /* The full 64-bit DSN is summed even when a 32-bit DSN is on the wire:
   * changing only the high half changes the checksum. */
  ctx("64-bit DSN");
  CHECK(mptcp_dss_csum(0x0000000100000000ull, 1, 4, (const uint8_t *)"abcd",
                       4) !=
        mptcp_dss_csum(0x0000000000000000ull, 1, 4, (const uint8_t *)"abcd",
                       4));

  /* Random mappings against the reference sum. */
  for (int i = 0; i < 500; i++) {
    uint8_t payload[300], buf[16 + 300];
    uint64_t dsn = rnd();
    uint32_t ssn = (uint32_t)rnd();
    size_t len = (size_t)(rnd() % sizeof payload);
    uint16_t dll = (uint16_t)len;
    for (size_t k = 0; k < len; k++)
      payload[k] = (uint8_t)rnd();
    ctx("random DSS checksum %d, %zu bytes", i, len);
    size_t n = dss_pseudo(buf, dsn, ssn, dll, 0, payload, len);
    uint16_t want = ref_fold(ref_sum(0, buf, n));
    CHECK_EQ(mptcp_dss_csum(dsn, ssn, dll, len ? payload : NULL, len), want);
  }
}

/* ------------------------------------------------------------------ */
/* Running sums and TCP checksums                                      */
/* ------------------------------------------------------------------ */

static void test_csum_add_fold(void **state) {
  (void)state;
  uint8_t data[256];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)(i * 37 + 11);

  ctx("RFC 1071 section 3 example");
  /* RFC 1071: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2. */
  static const uint8_t rfc1071[8] = {0x00, 0x01, 0xf2, 0x03,
                                     0xf4, 0xf5, 0xf6, 0xf7};
  CHECK_EQ(mptcp_csum_fold(mptcp_csum_add(0, rfc1071, 8)),
           (uint16_t)~0xddf2u);

  ctx("zero sum");
  CHECK_EQ(mptcp_csum_fold(0), 0xffff);
  CHECK_EQ(mptcp_csum_fold(0xffff), 0);
  CHECK_EQ(mptcp_csum_fold(0x1fffe), 0); /* folds to 0xffff */

  /* Chunks of even length, the last of any length, equal one pass. */
  for (size_t len = 0; len <= sizeof data; len++) {
    ctx("chunked sum, %zu bytes", len);
    uint32_t whole = mptcp_csum_add(0, data, len);
    uint32_t part = 0;
    size_t off = 0;
    while (len - off > 6) {
      part = mptcp_csum_add(part, data + off, 6);
      off += 6;
    }
    part = mptcp_csum_add(part, data + off, len - off);
    CHECK_EQ(mptcp_csum_fold(part), mptcp_csum_fold(whole));
    CHECK_EQ(mptcp_csum_fold(whole), ref_fold(ref_sum(0, data, len)));
  }
}

static void test_tcp_checksum(void **state) {
  (void)state;
  static const uint8_t src4[4] = {10, 0, 0, 1}, dst4[4] = {10, 0, 0, 2};
  uint8_t src6[16], dst6[16], seg[64];

  unhex(src6, sizeof src6, "20010db8000000000000000000000001"); /* ::1 */
  unhex(dst6, sizeof dst6, "20010db8000000000000000000000002"); /* ::2 */

  /* 40000 -> 80, seq 1, ack 2, doff 5, PSH|ACK, window 65535, checksum 0,
   * then the 5-byte payload "hello" (25 bytes: odd). Python:
   *   seg = struct.pack('>HHIIBBHHH', 40000, 80, 1, 2, 0x50, 0x18,
   *                     65535, 0, 0) + b'hello'
   *   v4: csum(src + dst + struct.pack('>BBH', 0, 6, len(seg)) + seg)
   *   v6: csum(src + dst + struct.pack('>IBBBB', len(seg), 0, 0, 0, 6)
   *            + seg) */
  size_t n = unhex(seg, sizeof seg,
                   "9c40 0050 00000001 00000002 5018 ffff 0000 0000"
                   "68656c6c6f");
  CHECK_EQ(n, 25);
  ctx("IPv4, odd length");
  uint16_t c4 = mptcp_tcp_checksum_ipv4(src4, dst4, seg, n);
  CHECK_EQ(c4, 0xbb5f);
  ctx("IPv6, odd length");
  uint16_t c6 = mptcp_tcp_checksum_ipv6(src6, dst6, seg, n);
  CHECK_EQ(c6, 0x73ed);

  /* A received segment, checksum in place, verifies to 0. */
  ctx("IPv4 verify");
  seg[16] = (uint8_t)(c4 >> 8);
  seg[17] = (uint8_t)c4;
  CHECK_EQ(mptcp_tcp_checksum_ipv4(src4, dst4, seg, n), 0);
  ctx("IPv6 verify");
  seg[16] = (uint8_t)(c6 >> 8);
  seg[17] = (uint8_t)c6;
  CHECK_EQ(mptcp_tcp_checksum_ipv6(src6, dst6, seg, n), 0);
  /* One flipped bit is detected. */
  ctx("corrupted segment");
  seg[20] ^= 0x01;
  CHECK(mptcp_tcp_checksum_ipv6(src6, dst6, seg, n) != 0);

  /* The SYN of test_options (44 bytes: even), between other addresses:
   *   v4 192.0.2.1 -> 198.51.100.7, v6 2001:db8::1 -> 2001:db8:ffff::abcd */
  static const uint8_t s4[4] = {192, 0, 2, 1}, d4[4] = {198, 51, 100, 7};
  uint8_t d6[16];
  unhex(d6, sizeof d6, "20010db8ffff0000000000000000abcd");
  n = unhex(seg, sizeof seg,
            "9c4101bb 000003e8 00000000 b002faf0 00000000 020405b4"
            "0402080a 000f4240 00000000 01030307 1e040181");
  CHECK_EQ(n, 44);
  ctx("SYN IPv4");
  CHECK_EQ(mptcp_tcp_checksum_ipv4(s4, d4, seg, n), 0x4d16);
  ctx("SYN IPv6");
  CHECK_EQ(mptcp_tcp_checksum_ipv6(src6, d6, seg, n), 0x3212);

  /* Random segments against the reference with the pseudo-headers of
   * RFC 9293 section 3.1 and RFC 8200 section 8.1 built here. */
  for (int i = 0; i < 300; i++) {
    uint8_t buf[40 + 200], s[16], d[16];
    size_t len = 20 + (size_t)(rnd() % 181);
    for (size_t k = 0; k < 16; k++) {
      s[k] = (uint8_t)rnd();
      d[k] = (uint8_t)rnd();
    }
    uint8_t *sg = buf + 40;
    for (size_t k = 0; k < len; k++)
      sg[k] = (uint8_t)rnd();
    sg[16] = sg[17] = 0;
    ctx("random segment %d, %zu bytes", i, len);
    /* IPv4: src, dst, zero, protocol 6, TCP length. */
    uint8_t ph4[12] = {s[0], s[1], s[2], s[3], d[0], d[1], d[2], d[3],
                       0,    6,    (uint8_t)(len >> 8), (uint8_t)len};
    uint16_t want4 = ref_fold(ref_sum(ref_sum(0, ph4, 12), sg, len));
    CHECK_EQ(mptcp_tcp_checksum_ipv4(s, d, sg, len), want4);
    /* IPv6: src, dst, 32-bit length, 3 zero bytes, next header 6. */
    memcpy(buf, s, 16);
    memcpy(buf + 16, d, 16);
    wr32(buf + 32, (uint32_t)len);
    buf[36] = buf[37] = buf[38] = 0;
    buf[39] = 6;
    uint16_t want6 = ref_fold(ref_sum(0, buf, 40 + len));
    CHECK_EQ(mptcp_tcp_checksum_ipv6(s, d, sg, len), want6);
  }
}

/* ------------------------------------------------------------------ */
/* Hex parsing                                                          */
/* ------------------------------------------------------------------ */

static void test_hex_decode(void **state) {
  (void)state;
  uint8_t out[16];
  static const uint8_t deadbeef[4] = {0xde, 0xad, 0xbe, 0xef};

  static const struct {
    const char *text;
    size_t out_len;
    int ok;
  } exact[] = {
      {"deadbeef", 4, 1},
      {"DEADBEEF", 4, 1},
      {"DeAdBeEf", 4, 1},
      {"0xdeadbeef", 4, 1},
      {"deadbee", 4, 0},      /* too short */
      {"deadbeef00", 4, 0},   /* too long */
      {"deadbeeg", 4, 0},     /* not a digit */
      {"dead beef", 4, 0},    /* no separators in the exact form */
      {"", 4, 0},
      {"0x", 4, 0},
      {"0xdeadbee", 4, 0},
      {"-deadbee", 4, 0},
      {"de:ad:be:ef", 4, 0},
  };
  for (size_t i = 0; i < ARRAY_LEN(exact); i++) {
    ctx("mptcp_hex_decode(\"%s\", %zu)", exact[i].text, exact[i].out_len);
    int rc = mptcp_hex_decode(out, exact[i].out_len, exact[i].text);
    if (exact[i].ok) {
      CHECK_RC(rc, MPTCP_OK);
      CHECK_MEM(out, deadbeef, 4);
    } else {
      CHECK_RC(rc, MPTCP_ERR_PARSE);
    }
  }
  ctx("64-bit key");
  CHECK_RC(mptcp_hex_decode(out, 8, "0123456789abcdef"), MPTCP_OK);
  CHECK_EQ(rd64(out), 0x0123456789abcdefull);

  static const struct {
    const char *text;
    size_t cap;
    int rc; /* byte count or error */
    const char *bytes;
  } any[] = {
      {"deadbeef", 16, 4, "deadbeef"},
      {"0xdeadbeef", 16, 4, "deadbeef"},
      {"de ad be ef", 16, 4, "deadbeef"},
      {"de:ad:be:ef", 16, 4, "deadbeef"},
      {"01", 16, 1, "01"},
      {"000102030405060708090a0b0c0d0e0f", 16, 16,
       "000102030405060708090a0b0c0d0e0f"},
      {"000102030405060708090a0b0c0d0e0f10", 16, MPTCP_ERR_NOBUF, NULL},
      {"deadbeef", 3, MPTCP_ERR_NOBUF, NULL},
      {"abc", 16, MPTCP_ERR_PARSE, NULL},      /* odd number of digits */
      {"zz", 16, MPTCP_ERR_PARSE, NULL},       /* not hex */
      {"de-ad", 16, MPTCP_ERR_PARSE, NULL},    /* bad separator */
      {"0xg0", 16, MPTCP_ERR_PARSE, NULL},
  };
  for (size_t i = 0; i < ARRAY_LEN(any); i++) {
    uint8_t want[16];
    ctx("mptcp_hex_decode_any(\"%s\", cap %zu)", any[i].text, any[i].cap);
    memset(out, 0x77, sizeof out);
    int rc = mptcp_hex_decode_any(out, any[i].cap, any[i].text);
    CHECK_RC(rc, any[i].rc);
    if (any[i].bytes != NULL) {
      size_t n = unhex(want, sizeof want, any[i].bytes);
      CHECK_EQ(n, (size_t)any[i].rc);
      CHECK_MEM(out, want, n);
      if (n < sizeof out)
        CHECK_EQ(out[n], 0x77); /* nothing written past the result */
    }
  }
}

/* ------------------------------------------------------------------ */
/* Error names                                                          */
/* ------------------------------------------------------------------ */

static void test_strerror(void **state) {
  (void)state;
#define E(x) {x, #x}
  static const struct {
    int code;
    const char *name;
  } all[] = {
      E(MPTCP_OK),
      E(MPTCP_ERR_INVALID_ARGUMENT),
      E(MPTCP_ERR_NOBUF),
      E(MPTCP_ERR_OPT_SPACE),
      E(MPTCP_ERR_HDR_TRUNCATED),
      E(MPTCP_ERR_HDR_DOFF),
      E(MPTCP_ERR_OPT_TRUNCATED),
      E(MPTCP_ERR_OPT_LEN),
      E(MPTCP_ERR_OPT_DUPLICATE),
      E(MPTCP_ERR_MSS_LEN),
      E(MPTCP_ERR_WSCALE_LEN),
      E(MPTCP_ERR_SACKPERM_LEN),
      E(MPTCP_ERR_SACK_LEN),
      E(MPTCP_ERR_TS_LEN),
      E(MPTCP_ERR_MPTCP_LEN),
      E(MPTCP_ERR_MP_CAPABLE_LEN),
      E(MPTCP_ERR_MP_JOIN_LEN),
      E(MPTCP_ERR_DSS_LEN),
      E(MPTCP_ERR_DSS_FLAGS),
      E(MPTCP_ERR_ADD_ADDR_LEN),
      E(MPTCP_ERR_REMOVE_ADDR_LEN),
      E(MPTCP_ERR_MP_PRIO_LEN),
      E(MPTCP_ERR_MP_FAIL_LEN),
      E(MPTCP_ERR_MP_FASTCLOSE_LEN),
      E(MPTCP_ERR_MP_TCPRST_LEN),
      E(MPTCP_ERR_PARSE),
      E(MPTCP_ERR_NOMEM),
      E(MPTCP_ERR_ADDR_IN_USE),
      E(MPTCP_ERR_STATE),
      E(MPTCP_ERR_UNKNOWN_ALGO),
      E(MPTCP_ERR_CONFIG),
      E(MPTCP_ERR_UNKNOWN_CC),
      E(MPTCP_ERR_UNKNOWN_SCHED),
      E(MPTCP_ERR_UNKNOWN_PM),
  };
#undef E
  for (size_t i = 0; i < ARRAY_LEN(all); i++) {
    ctx("%s", all[i].name);
    const char *desc = mptcp_strerror(all[i].code);
    const char *name = mptcp_strerror_name(all[i].code);
    CHECK(desc != NULL);
    CHECK(name != NULL);
    CHECK(desc[0] != '\0');
    CHECK(strcmp(name, all[i].name) == 0);
    CHECK(strcmp(desc, "unknown error") != 0);
    for (size_t j = 0; j < i; j++) {
      CHECK(strcmp(name, mptcp_strerror_name(all[j].code)) != 0);
      CHECK(strcmp(desc, mptcp_strerror(all[j].code)) != 0);
    }
  }
  static const int unknown[] = {1, -1, -200, -204, -209, -212, -251, -259,
                                -261, -100000, 0x7fffffff};
  for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
    ctx("unknown code %d", unknown[i]);
    CHECK(strcmp(mptcp_strerror(unknown[i]), "unknown error") == 0);
    CHECK(strcmp(mptcp_strerror_name(unknown[i]), "MPTCP_ERR_UNKNOWN") == 0);
  }
  ctx("INT_MIN");
  CHECK(mptcp_strerror(-2147483647 - 1) != NULL);
  CHECK(mptcp_strerror_name(-2147483647 - 1) != NULL);
}

/* Every error constant written in the public header, whatever enum it is
 * in, has a name and a description: the header is read as text, so a code
 * added there without an entry in util.c fails here. */
static void test_strerror_header(void **state) {
  (void)state;
  FILE *f = fopen(MPTCP_PUBLIC_HEADER, "r");
  ctx("%s", MPTCP_PUBLIC_HEADER);
  CHECK(f != NULL);
  char line[512];
  int found = 0, engine = 0;
  while (fgets(line, sizeof line, f)) {
    const char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp(p, "MPTCP_OK", 8) != 0 && strncmp(p, "MPTCP_ERR_", 10) != 0)
      continue;
    char name[128];
    int code;
    if (sscanf(p, "%127[A-Z0-9_] = %d ,", name, &code) != 2)
      continue; /* a mention in a comment, not an enumerator */
    ctx("%s = %d", name, code);
    CHECK(strcmp(mptcp_strerror_name(code), name) == 0);
    CHECK(strcmp(mptcp_strerror(code), "unknown error") != 0);
    CHECK(mptcp_strerror(code)[0] != '\0');
    found++;
    engine += code <= -300;
  }
  fclose(f);
  ctx("enumerators found");
  /* the parser saw both enums (decoder codes and engine codes) */
  CHECK(found >= 31);
  CHECK(engine >= 5);
}

/* The registries hosts list: every name listed is accepted by its kind and
 * by mptcp_config_check; the plain-TCP kind holds only uncoupled
 * algorithms; the defaults are LIA for MPTCP and CUBIC for plain TCP. */
static void test_algo_registry(void **state) {
  (void)state;
  mptcp_config cfg;
  mptcp_config_default(&cfg);
  ctx("defaults");
  CHECK(strcmp(cfg.cc, "lia") == 0);
  CHECK(strcmp(cfg.tcp_cc, "cubic") == 0);
  CHECK(mptcp_config_check(&cfg) == MPTCP_OK);
  static const int kinds[] = {MPTCP_ALGO_CC, MPTCP_ALGO_TCP_CC, MPTCP_ALGO_SCHED, MPTCP_ALGO_PM};
  /* each kind has its own unknown-name code */
  static const int unknown[] = {MPTCP_ERR_UNKNOWN_CC, MPTCP_ERR_UNKNOWN_CC,
                                MPTCP_ERR_UNKNOWN_SCHED, MPTCP_ERR_UNKNOWN_PM};
  for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
    unsigned n = 0;
    const char *name;
    for (; (name = mptcp_algo_name(kinds[k], n)); n++) {
      ctx("kind %d name %s", kinds[k], name);
      CHECK(mptcp_algo_check(kinds[k], name) == MPTCP_OK);
      mptcp_config c = cfg;
      if (kinds[k] == MPTCP_ALGO_CC)
        c.cc = name;
      else if (kinds[k] == MPTCP_ALGO_TCP_CC)
        c.tcp_cc = name;
      else if (kinds[k] == MPTCP_ALGO_SCHED)
        c.scheduler = name;
      else
        c.pm = name;
      CHECK(mptcp_config_check(&c) == MPTCP_OK);
      if (kinds[k] == MPTCP_ALGO_TCP_CC)
        CHECK(mptcp_cc_is_coupled(name) == 0);
    }
    ctx("kind %d: %u names", kinds[k], n);
    CHECK(n >= 2);
    CHECK(mptcp_algo_check(kinds[k], "foo") == unknown[k]);
    CHECK(mptcp_algo_check(kinds[k], "") == unknown[k]);
    CHECK(MPTCP_ERR_IS_UNKNOWN_ALGO(unknown[k]));
    CHECK(mptcp_algo_check(kinds[k], NULL) == MPTCP_ERR_INVALID_ARGUMENT);
    /* mptcp_config_check names the kind of the unknown name */
    mptcp_config c = cfg;
    if (kinds[k] == MPTCP_ALGO_CC)
      c.cc = "foo";
    else if (kinds[k] == MPTCP_ALGO_TCP_CC)
      c.tcp_cc = "foo";
    else if (kinds[k] == MPTCP_ALGO_SCHED)
      c.scheduler = "foo";
    else
      c.pm = "foo";
    CHECK(mptcp_config_check(&c) == unknown[k]);
  }
  ctx("coupled");
  static const char *coupled[] = {"lia", "olia", "balia", "wvegas"};
  for (size_t i = 0; i < ARRAY_LEN(coupled); i++) {
    CHECK(mptcp_cc_is_coupled(coupled[i]) == 1);
    CHECK(mptcp_algo_check(MPTCP_ALGO_CC, coupled[i]) == MPTCP_OK);
    CHECK(mptcp_algo_check(MPTCP_ALGO_TCP_CC, coupled[i]) == MPTCP_ERR_UNKNOWN_CC);
    mptcp_config c = cfg;
    c.tcp_cc = coupled[i];
    CHECK(mptcp_config_check(&c) == MPTCP_ERR_UNKNOWN_CC);
  }
  CHECK(mptcp_cc_is_coupled("reno") == 0);
  CHECK(mptcp_cc_is_coupled("LIA") == MPTCP_ERR_UNKNOWN_CC);
  CHECK(mptcp_cc_is_coupled(NULL) == MPTCP_ERR_UNKNOWN_CC);
  ctx("unknown kinds");
  CHECK(mptcp_algo_name(-1, 0) == NULL);
  CHECK(mptcp_algo_name(4, 0) == NULL);
  CHECK(mptcp_algo_check(4, "lia") == MPTCP_ERR_INVALID_ARGUMENT);
  mptcp_config c = cfg;
  c.tcp_cc = NULL;
  CHECK(mptcp_config_check(&c) == MPTCP_ERR_UNKNOWN_CC);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hmac_rfc4231),
      cmocka_unit_test(test_key_token_idsn),
      cmocka_unit_test(test_join_hmac),
      cmocka_unit_test(test_add_addr_hmac),
      cmocka_unit_test(test_dss_csum),
      cmocka_unit_test(test_csum_add_fold),
      cmocka_unit_test(test_tcp_checksum),
      cmocka_unit_test(test_hex_decode),
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_strerror_header),
      cmocka_unit_test(test_algo_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
