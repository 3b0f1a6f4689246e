/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp.h - the public interface of the MPTCP core library.
 *
 * This header is the manual of the core. Everything a host (the ns-3
 * wrapper, the loopback network, the Python bindings, a fuzzer) may call is
 * declared and documented here; nothing else is public.
 *
 * Contract (sans-IO)
 * ------------------
 * The core never reads a clock, a socket, a file or a global variable.
 * Time enters as an argument (uint64_t nanoseconds, MPTCP_TIME_NEVER for "no
 * deadline"), received segments enter as byte buffers, and segments to send
 * leave as byte buffers the host hands to its network. Randomness and
 * memory come through hooks the host passes in. Two instances of the core in
 * one process never interfere.
 *
 * Wire format
 * -----------
 * Segments are real TCP headers (RFC 9293) carrying real options: MSS,
 * window scale (RFC 7323), SACK-permitted and SACK blocks (RFC 2018),
 * timestamps (RFC 7323) and the MPTCP v1 options of RFC 8684 (TCP option
 * kind 30), byte for byte as the RFC's figures draw them. Multi-byte fields
 * are big-endian (network order) on the wire and host integers in the
 * structures below.
 *
 * Errors
 * ------
 * Functions that can fail return a negative value from enum mptcp_error;
 * each function's comment lists the codes it returns. mptcp_strerror()
 * names them. Malformed input is never a crash and never an out-of-bounds
 * read: every decoder checks every length against the buffer it is given.
 *
 * The header is plain C11 so that C++ (the ns-3 wrapper), ctypes and cppyy
 * can all load it.
 */
#ifndef MPTCP_MPTCP_H
#define MPTCP_MPTCP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The core's shared library is built with -fvisibility=hidden: it exports
 * what this header declares and nothing else. Every function declared here
 * is public API, so the header is one exported region. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* ------------------------------------------------------------------ */
/* Version and errors                                                  */
/* ------------------------------------------------------------------ */

/** Version of the core library, "major.minor.patch". */
#define MPTCP_CORE_VERSION "0.1.0"

/**
 * Error codes. Every failing call returns one of these (all negative).
 * The decoder codes are distinct per malformation so that a host can count
 * each kind of anomaly separately.
 */
enum mptcp_error {
  /** Success. */
  MPTCP_OK = 0,
  /** An argument is out of range (NULL pointer, bad enum value). */
  MPTCP_ERR_INVALID_ARGUMENT = -201,
  /** The output buffer is too small for what must be written. */
  MPTCP_ERR_NOBUF = -202,
  /** The options to encode need more than the 40 bytes TCP allows. */
  MPTCP_ERR_OPT_SPACE = -203,

  /* Decoding the fixed TCP header (RFC 9293 section 3.1). */
  /** Fewer than 20 bytes: no complete TCP header. */
  MPTCP_ERR_HDR_TRUNCATED = -210,
  /** Data offset below 5 words, or beyond the bytes received. */
  MPTCP_ERR_HDR_DOFF = -211,

  /* Decoding the option area (any option). */
  /** An option's kind byte is present but its length byte is not, or the
   *  length runs past the end of the option area. */
  MPTCP_ERR_OPT_TRUNCATED = -220,
  /** An option length below 2 (it would never advance). */
  MPTCP_ERR_OPT_LEN = -221,
  /** The same option (or MPTCP subtype) appears twice in one header. */
  MPTCP_ERR_OPT_DUPLICATE = -222,

  /* Standard TCP options with a wrong length. */
  /** MSS option whose length is not 4. */
  MPTCP_ERR_MSS_LEN = -230,
  /** Window scale option whose length is not 3. */
  MPTCP_ERR_WSCALE_LEN = -231,
  /** SACK-permitted option whose length is not 2. */
  MPTCP_ERR_SACKPERM_LEN = -232,
  /** SACK option whose length is not 2 + 8n with 1 <= n <= 4. */
  MPTCP_ERR_SACK_LEN = -233,
  /** Timestamps option whose length is not 10. */
  MPTCP_ERR_TS_LEN = -234,

  /* MPTCP options (kind 30) that are malformed. */
  /** Kind 30 with length below 3: no subtype. */
  MPTCP_ERR_MPTCP_LEN = -240,
  /** MP_CAPABLE length not 4, 12, 20, 22 or 24. */
  MPTCP_ERR_MP_CAPABLE_LEN = -241,
  /** MP_JOIN length not 12, 16 or 24. */
  MPTCP_ERR_MP_JOIN_LEN = -242,
  /** DSS length does not match its flags (with or without checksum). */
  MPTCP_ERR_DSS_LEN = -243,
  /** DSS with DATA_FIN (F) but no mapping (M): the DATA_FIN has no DSN. */
  MPTCP_ERR_DSS_FLAGS = -244,
  /** ADD_ADDR length not one of 8, 10, 20, 22 (echo) or 16, 18, 28, 30. */
  MPTCP_ERR_ADD_ADDR_LEN = -245,
  /** REMOVE_ADDR with no address id (length below 4). */
  MPTCP_ERR_REMOVE_ADDR_LEN = -246,
  /** MP_PRIO length not 3. */
  MPTCP_ERR_MP_PRIO_LEN = -247,
  /** MP_FAIL length not 12. */
  MPTCP_ERR_MP_FAIL_LEN = -248,
  /** MP_FASTCLOSE length not 12. */
  MPTCP_ERR_MP_FASTCLOSE_LEN = -249,
  /** MP_TCPRST length not 4. */
  MPTCP_ERR_MP_TCPRST_LEN = -250,

  /* Parsing text (tools and bindings). */
  /** A textual argument (hex key, address, number) could not be parsed. */
  MPTCP_ERR_PARSE = -260,
};

/**
 * Returns a static, human-readable description of an error code
 * (e.g. "DSS length does not match its flags"). Unknown codes give
 * "unknown error". Never returns NULL.
 */
const char *mptcp_strerror(int err);

/**
 * Returns the symbolic name of an error code ("MPTCP_ERR_DSS_LEN"), or
 * "MPTCP_ERR_UNKNOWN". Never returns NULL.
 */
const char *mptcp_strerror_name(int err);

/* ------------------------------------------------------------------ */
/* TCP header and options: constants                                   */
/* ------------------------------------------------------------------ */

/** Length of a TCP header without options. */
#define MPTCP_TCP_HDR_MIN 20
/** Longest TCP header: data offset 15 words. */
#define MPTCP_TCP_HDR_MAX 60
/** Most option bytes a TCP header can carry. */
#define MPTCP_TCP_OPT_MAX 40

/* TCP flags (RFC 9293, RFC 3168), as in byte 13 of the header. */
#define MPTCP_TH_FIN 0x01
#define MPTCP_TH_SYN 0x02
#define MPTCP_TH_RST 0x04
#define MPTCP_TH_PSH 0x08
#define MPTCP_TH_ACK 0x10
#define MPTCP_TH_URG 0x20
#define MPTCP_TH_ECE 0x40
#define MPTCP_TH_CWR 0x80

/* TCP option kinds. */
#define MPTCP_TCPOPT_EOL 0
#define MPTCP_TCPOPT_NOP 1
#define MPTCP_TCPOPT_MSS 2
#define MPTCP_TCPOPT_WSCALE 3
#define MPTCP_TCPOPT_SACK_PERM 4
#define MPTCP_TCPOPT_SACK 5
#define MPTCP_TCPOPT_TIMESTAMP 8
/** The MPTCP option kind (RFC 8684 section 8). */
#define MPTCP_TCPOPT_MPTCP 30

/* MPTCP option subtypes (RFC 8684 section 8, table 2). */
#define MPTCP_SUB_MP_CAPABLE 0
#define MPTCP_SUB_MP_JOIN 1
#define MPTCP_SUB_DSS 2
#define MPTCP_SUB_ADD_ADDR 3
#define MPTCP_SUB_REMOVE_ADDR 4
#define MPTCP_SUB_MP_PRIO 5
#define MPTCP_SUB_MP_FAIL 6
#define MPTCP_SUB_MP_FASTCLOSE 7
#define MPTCP_SUB_MP_TCPRST 8

/** The MPTCP protocol version this core speaks. */
#define MPTCP_VERSION 1

/* MP_CAPABLE option lengths; each selects one form of the option. */
/** SYN, version 1: no key. */
#define MPTCP_MPC_LEN_SYN 4
/** SYN/ACK: the sender's key. */
#define MPTCP_MPC_LEN_SYNACK 12
/** Third ACK: both keys. */
#define MPTCP_MPC_LEN_ACK 20
/** First data (ACK + data): both keys and the data-level length. */
#define MPTCP_MPC_LEN_DATA 22
/** First data with the DSS checksum. */
#define MPTCP_MPC_LEN_DATA_CSUM 24

/* MP_CAPABLE flags (RFC 8684 section 3.1). */
/** A: checksum required. */
#define MPTCP_MPC_FLAG_A 0x80
/** B: extensibility (must be 0 in v1). */
#define MPTCP_MPC_FLAG_B 0x40
/** C: do not establish new subflows to the source address of this SYN. */
#define MPTCP_MPC_FLAG_C 0x20
/** H: HMAC-SHA256 is the crypto algorithm. */
#define MPTCP_MPC_FLAG_H 0x01

/* MP_JOIN option lengths. */
#define MPTCP_JOIN_LEN_SYN 12
#define MPTCP_JOIN_LEN_SYNACK 16
#define MPTCP_JOIN_LEN_ACK 24
/** Bytes of HMAC-A carried by the third ACK of a join (160 bits). */
#define MPTCP_JOIN_HMAC_LEN 20

/* DSS flags (RFC 8684 section 3.3). */
/** F: DATA_FIN. */
#define MPTCP_DSS_DATA_FIN 0x10
/** m: the DSN is 8 bytes. */
#define MPTCP_DSS_DSN8 0x08
/** M: a mapping (DSN, SSN, length, checksum) is present. */
#define MPTCP_DSS_MAP 0x04
/** a: the Data ACK is 8 bytes. */
#define MPTCP_DSS_ACK8 0x02
/** A: a Data ACK is present. */
#define MPTCP_DSS_ACK 0x01

/* MP_TCPRST flags and reasons (RFC 8684 section 3.6). */
#define MPTCP_RST_FLAG_T 0x01 /**< transient error: the subflow may be retried */
#define MPTCP_RST_EUNSPEC 0x00     /**< unspecified error */
#define MPTCP_RST_EMPTCP 0x01      /**< MPTCP-specific error */
#define MPTCP_RST_ERESOURCE 0x02   /**< lack of resources */
#define MPTCP_RST_EPROHIBIT 0x03   /**< administratively prohibited */
#define MPTCP_RST_EWQ2BIG 0x04     /**< too much outstanding data */
#define MPTCP_RST_EBADPERF 0x05    /**< unacceptable performance */
#define MPTCP_RST_EMIDDLEBOX 0x06  /**< middlebox interference */

/* Bits of mptcp_tcphdr.opts: which options are present. Standard TCP
 * options use the low bits; MPTCP subtype s uses bit (8 + s). */
#define MPTCP_OPT_MSS (1u << 0)
#define MPTCP_OPT_WSCALE (1u << 1)
#define MPTCP_OPT_SACK_PERM (1u << 2)
#define MPTCP_OPT_SACK (1u << 3)
#define MPTCP_OPT_TIMESTAMP (1u << 4)
#define MPTCP_OPT_MP_CAPABLE (1u << (8 + MPTCP_SUB_MP_CAPABLE))
#define MPTCP_OPT_MP_JOIN (1u << (8 + MPTCP_SUB_MP_JOIN))
#define MPTCP_OPT_DSS (1u << (8 + MPTCP_SUB_DSS))
#define MPTCP_OPT_ADD_ADDR (1u << (8 + MPTCP_SUB_ADD_ADDR))
#define MPTCP_OPT_REMOVE_ADDR (1u << (8 + MPTCP_SUB_REMOVE_ADDR))
#define MPTCP_OPT_MP_PRIO (1u << (8 + MPTCP_SUB_MP_PRIO))
#define MPTCP_OPT_MP_FAIL (1u << (8 + MPTCP_SUB_MP_FAIL))
#define MPTCP_OPT_MP_FASTCLOSE (1u << (8 + MPTCP_SUB_MP_FASTCLOSE))
#define MPTCP_OPT_MP_TCPRST (1u << (8 + MPTCP_SUB_MP_TCPRST))
/** All MPTCP option bits. */
#define MPTCP_OPT_ANY_MPTCP (0x1ffu << 8)

/** Most SACK blocks one option can carry (2 + 8 * 4 = 34 bytes). */
#define MPTCP_MAX_SACK_BLOCKS 4
/** Most address ids one REMOVE_ADDR can carry (40 - 3 option bytes). */
#define MPTCP_MAX_RM_IDS 37

/* ------------------------------------------------------------------ */
/* TCP header and options: structures                                 */
/* ------------------------------------------------------------------ */

/** A SACK block: [left, right) in subflow sequence space. */
typedef struct mptcp_sack_block {
  uint32_t left;
  uint32_t right;
} mptcp_sack_block;

/** MP_CAPABLE (subtype 0). */
typedef struct mptcp_opt_mp_capable {
  /** Option length on the wire: one of MPTCP_MPC_LEN_*. It selects which
   *  of the fields below are present. */
  uint8_t len;
  /** Version nibble (1 for RFC 8684; 0 is RFC 6824). */
  uint8_t version;
  /** Flags byte: MPTCP_MPC_FLAG_*. Reserved bits are kept as received. */
  uint8_t flags;
  /** Sender's key (len >= 12). On the third ACK and first data, the key of
   *  the host that sent the SYN. */
  uint64_t sender_key;
  /** Receiver's key (len >= 20). */
  uint64_t receiver_key;
  /** Data-level length of the data carried (len >= 22). */
  uint16_t data_len;
  /** DSS checksum of that data (len == 24). */
  uint16_t csum;
} mptcp_opt_mp_capable;

/** MP_JOIN (subtype 1). */
typedef struct mptcp_opt_mp_join {
  /** Option length: MPTCP_JOIN_LEN_SYN, _SYNACK or _ACK (the form). */
  uint8_t len;
  /** B flag: the sender wants this subflow as a backup (SYN, SYN/ACK). */
  uint8_t backup;
  /** Address id of the sender's address (SYN, SYN/ACK). */
  uint8_t addr_id;
  /** Receiver's token (SYN). */
  uint32_t token;
  /** Sender's random number R (SYN, SYN/ACK). */
  uint32_t nonce;
  /** Leftmost 64 bits of the sender's HMAC (SYN/ACK). */
  uint64_t thmac;
  /** Leftmost 160 bits of the sender's HMAC (third ACK). */
  uint8_t hmac[MPTCP_JOIN_HMAC_LEN];
} mptcp_opt_mp_join;

/** Data Sequence Signal (subtype 2). */
typedef struct mptcp_opt_dss {
  /** MPTCP_DSS_* flags (the low five bits of the flags byte; the
   *  reserved bits are ignored on decode, as RFC 8684 asks, and must be 0
   *  to encode). */
  uint8_t flags;
  /** Data ACK (if MPTCP_DSS_ACK); only the low 32 bits are sent unless
   *  MPTCP_DSS_ACK8. */
  uint64_t data_ack;
  /** Data sequence number of the mapping (if MPTCP_DSS_MAP); low 32 bits
   *  only unless MPTCP_DSS_DSN8. */
  uint64_t dsn;
  /** Relative subflow sequence number of the mapping's first byte. */
  uint32_t ssn;
  /** Data-level length of the mapping (0 = infinite mapping). */
  uint16_t dll;
  /** Nonzero when the mapping carries a DSS checksum. */
  uint8_t has_csum;
  /** The DSS checksum (if has_csum). */
  uint16_t csum;
} mptcp_opt_dss;

/** ADD_ADDR (subtype 3). */
typedef struct mptcp_opt_add_addr {
  /** E flag: this is the echo of a received ADD_ADDR (no HMAC). */
  uint8_t echo;
  /** Address id. */
  uint8_t addr_id;
  /** 4 for IPv4, 6 for IPv6 (deduced from the length on decode). */
  uint8_t family;
  /** Nonzero when a port is present. */
  uint8_t has_port;
  /** Port (if has_port). */
  uint16_t port;
  /** The address: 4 bytes for IPv4, 16 for IPv6, network order. */
  uint8_t addr[16];
  /** Rightmost 64 bits of the HMAC (absent in an echo). */
  uint64_t thmac;
} mptcp_opt_add_addr;

/** REMOVE_ADDR (subtype 4). */
typedef struct mptcp_opt_remove_addr {
  /** Number of ids, 1..MPTCP_MAX_RM_IDS. */
  uint8_t n;
  uint8_t ids[MPTCP_MAX_RM_IDS];
} mptcp_opt_remove_addr;

/** MP_PRIO (subtype 5). */
typedef struct mptcp_opt_mp_prio {
  /** B flag: make the subflow this option arrives on a backup. */
  uint8_t backup;
} mptcp_opt_mp_prio;

/** MP_FAIL (subtype 6). */
typedef struct mptcp_opt_mp_fail {
  /** DSN from which the checksum failed (8 bytes on the wire). */
  uint64_t dsn;
} mptcp_opt_mp_fail;

/** MP_FASTCLOSE (subtype 7). */
typedef struct mptcp_opt_mp_fastclose {
  /** The receiver's key: proof that the sender knows the connection. */
  uint64_t key;
} mptcp_opt_mp_fastclose;

/** MP_TCPRST (subtype 8). */
typedef struct mptcp_opt_mp_tcprst {
  /** The U, V, W, T flag bits (low nibble); MPTCP_RST_FLAG_T is T. */
  uint8_t flags;
  /** Reason code, MPTCP_RST_E*. */
  uint8_t reason;
} mptcp_opt_mp_tcprst;

/**
 * A decoded TCP header with its options, or one to encode.
 *
 * `opts` says which options are present (MPTCP_OPT_* bits); the fields of
 * an option are meaningful only when its bit is set, and the decoder does
 * not clear the fields of absent options (it does not spend time zeroing
 * this structure on every segment).
 */
typedef struct mptcp_tcphdr {
  uint16_t sport;
  uint16_t dport;
  uint32_t seq;
  uint32_t ack;
  /** Header length in bytes (data offset * 4). Set by the decoder; the
   *  encoder computes it and ignores this field. */
  uint8_t hdr_len;
  /** MPTCP_TH_* flags. */
  uint8_t flags;
  /** The four reserved bits of byte 12 (kept for byte-exact round trips;
   *  0 when encoding a normal segment). */
  uint8_t reserved;
  /** Window field as on the wire (unscaled). */
  uint16_t window;
  /** Checksum field as on the wire. See mptcp_tcp_checksum_*. */
  uint16_t csum;
  uint16_t urg_ptr;

  /** MPTCP_OPT_* bits of the options present. */
  uint32_t opts;
  /** Number of option kinds that were not understood and skipped
   *  (unknown TCP kinds and unknown MPTCP subtypes). Decode only. */
  uint8_t n_unknown;

  uint16_t mss;     /**< MPTCP_OPT_MSS */
  uint8_t wscale;   /**< MPTCP_OPT_WSCALE: shift count */
  uint8_t n_sack;   /**< MPTCP_OPT_SACK: number of blocks, 1..4 */
  mptcp_sack_block sack[MPTCP_MAX_SACK_BLOCKS];
  uint32_t ts_val;  /**< MPTCP_OPT_TIMESTAMP */
  uint32_t ts_ecr;  /**< MPTCP_OPT_TIMESTAMP */

  mptcp_opt_mp_capable mpc;        /**< MPTCP_OPT_MP_CAPABLE */
  mptcp_opt_mp_join join;          /**< MPTCP_OPT_MP_JOIN */
  mptcp_opt_dss dss;               /**< MPTCP_OPT_DSS */
  mptcp_opt_add_addr add_addr;     /**< MPTCP_OPT_ADD_ADDR */
  mptcp_opt_remove_addr rm_addr;   /**< MPTCP_OPT_REMOVE_ADDR */
  mptcp_opt_mp_prio prio;          /**< MPTCP_OPT_MP_PRIO */
  mptcp_opt_mp_fail fail;          /**< MPTCP_OPT_MP_FAIL */
  mptcp_opt_mp_fastclose fastclose; /**< MPTCP_OPT_MP_FASTCLOSE */
  mptcp_opt_mp_tcprst tcprst;      /**< MPTCP_OPT_MP_TCPRST */
} mptcp_tcphdr;

/* ------------------------------------------------------------------ */
/* TCP header and options: codec                                       */
/* ------------------------------------------------------------------ */

/**
 * Decodes the TCP header at the start of `buf` (`len` bytes: the header
 * and possibly payload after it) into `h`.
 *
 * Unknown TCP option kinds and unknown MPTCP subtypes are skipped and
 * counted in h->n_unknown, as RFC 9293 requires; options whose length is
 * wrong for their kind are errors. Decoding stops at an EOL option.
 *
 * Returns the header length in bytes (20..60: the payload starts there),
 * or one of the errors below. When only the options are malformed, the
 * fixed fields (ports, sequence numbers, flags, window) have already been
 * filled in and are valid.
 *   MPTCP_ERR_INVALID_ARGUMENT  h or buf is NULL;
 *   MPTCP_ERR_HDR_TRUNCATED     len < 20;
 *   MPTCP_ERR_HDR_DOFF          data offset < 5 or header longer than len;
 *   any error of mptcp_options_decode().
 */
int mptcp_tcphdr_decode(mptcp_tcphdr *h, const uint8_t *buf, size_t len);

/**
 * Decodes an option area alone (`len` bytes, 0..40) into the option fields
 * of `h`: sets h->opts and h->n_unknown (both reset first) and the fields
 * of each option found. The fixed header fields of `h` are not touched.
 *
 * Returns MPTCP_OK, or one of:
 *   MPTCP_ERR_INVALID_ARGUMENT (h NULL, opt NULL with len > 0, len > 40),
 *   MPTCP_ERR_OPT_TRUNCATED, MPTCP_ERR_OPT_LEN,
 *   MPTCP_ERR_OPT_DUPLICATE, MPTCP_ERR_MSS_LEN, MPTCP_ERR_WSCALE_LEN,
 *   MPTCP_ERR_SACKPERM_LEN, MPTCP_ERR_SACK_LEN, MPTCP_ERR_TS_LEN,
 *   MPTCP_ERR_MPTCP_LEN, MPTCP_ERR_MP_CAPABLE_LEN, MPTCP_ERR_MP_JOIN_LEN,
 *   MPTCP_ERR_DSS_LEN, MPTCP_ERR_DSS_FLAGS, MPTCP_ERR_ADD_ADDR_LEN,
 *   MPTCP_ERR_REMOVE_ADDR_LEN, MPTCP_ERR_MP_PRIO_LEN, MPTCP_ERR_MP_FAIL_LEN,
 *   MPTCP_ERR_MP_FASTCLOSE_LEN, MPTCP_ERR_MP_TCPRST_LEN.
 */
int mptcp_options_decode(mptcp_tcphdr *h, const uint8_t *opt, size_t len);

/**
 * Returns the number of bytes mptcp_tcphdr_encode() will write for `h`
 * (20 plus the padded options), or MPTCP_ERR_OPT_SPACE if the options
 * need more than 40 bytes, or MPTCP_ERR_INVALID_ARGUMENT if an option's
 * fields cannot be encoded (see mptcp_tcphdr_encode()).
 */
int mptcp_tcphdr_len(const mptcp_tcphdr *h);

/**
 * Encodes `h` as a TCP header into `buf` (capacity `cap`).
 *
 * Options are laid out in one canonical order, the one Linux uses, each
 * padded with NOPs to a 4-byte boundary: MSS; SACK-permitted and
 * timestamps (together, or each behind NOPs); window scale; SACK blocks;
 * then the MPTCP options in subtype order. h->hdr_len is ignored (the
 * encoder computes it); h->csum is written as given (compute it with
 * mptcp_tcp_checksum_ipv4/ipv6 afterwards, if wanted).
 *
 * Fields that select an option's form must be consistent: mpc.len one of
 * MPTCP_MPC_LEN_*, join.len one of MPTCP_JOIN_LEN_*, add_addr.family 4 or 6,
 * rm_addr.n in 1..37, n_sack in 1..4, DSS flags within 0x1f and without F
 * unless M is set, MP_TCPRST flags within 0x0f.
 *
 * Returns the header length written (20..60, a multiple of 4), or one of:
 *   MPTCP_ERR_INVALID_ARGUMENT  NULL argument or an inconsistent option;
 *   MPTCP_ERR_OPT_SPACE         options exceed 40 bytes;
 *   MPTCP_ERR_NOBUF             cap is smaller than the header.
 */
int mptcp_tcphdr_encode(uint8_t *buf, size_t cap, const mptcp_tcphdr *h);

/**
 * Returns the length on the wire of the DSS option described by `dss`
 * (4 + Data ACK + mapping), without padding.
 */
int mptcp_dss_len(const mptcp_opt_dss *dss);

/* ------------------------------------------------------------------ */
/* Checksums                                                           */
/* ------------------------------------------------------------------ */

/**
 * Adds `len` bytes to a running 32-bit one's-complement sum (RFC 1071)
 * and returns the new running sum. Bytes are summed as big-endian 16-bit
 * words; an odd final byte is padded with zero, so every chunk but the
 * last must have an even length.
 */
uint32_t mptcp_csum_add(uint32_t sum, const uint8_t *data, size_t len);

/** Folds a running sum to 16 bits and returns its one's complement: the
 *  value that goes into a checksum field. */
uint16_t mptcp_csum_fold(uint32_t sum);

/**
 * TCP checksum over the IPv4 pseudo-header (RFC 9293 section 3.1) and
 * `seg` (header with its checksum field zero, then payload), `len` bytes.
 * `src` and `dst` are 4-byte addresses in network order. Returns the
 * value for the checksum field. Verifying a received segment: the sum
 * over the segment as received (checksum field included) folds to 0.
 */
uint16_t mptcp_tcp_checksum_ipv4(const uint8_t src[4], const uint8_t dst[4],
                                 const uint8_t *seg, size_t len);

/** Like mptcp_tcp_checksum_ipv4 with the IPv6 pseudo-header (RFC 8200
 *  section 8.1); addresses are 16 bytes. */
uint16_t mptcp_tcp_checksum_ipv6(const uint8_t src[16], const uint8_t dst[16],
                                 const uint8_t *seg, size_t len);

/**
 * DSS checksum (RFC 8684 section 3.3.1): the one's-complement sum over the
 * pseudo-header {DSN as 64 bits, relative SSN 32, data-level length 16,
 * zero 16} followed by `len` bytes of mapped payload. Returns the value
 * for the checksum field. To verify, compare with the received field.
 * `payload` may be NULL when `len` is 0 (e.g. a DATA_FIN-only mapping).
 */
uint16_t mptcp_dss_csum(uint64_t dsn, uint32_t ssn, uint16_t dll,
                        const uint8_t *payload, size_t len);

/* ------------------------------------------------------------------ */
/* Keys, tokens and HMACs (RFC 8684 sections 3.1, 3.2, 3.4.1)          */
/* ------------------------------------------------------------------ */

/** Length of an HMAC-SHA256 output. */
#define MPTCP_HMAC_SHA256_LEN 32

/**
 * From a 64-bit key (sent on the wire as 8 big-endian bytes), computes
 * SHA-256 of those 8 bytes and returns through the pointers (either may be
 * NULL) the token (most significant 32 bits of the digest) and the IDSN
 * (least significant 64 bits). The first data byte has DSN = IDSN + 1.
 */
void mptcp_key_token_idsn(uint64_t key, uint32_t *token, uint64_t *idsn);

/**
 * HMAC-SHA256 (RFC 2104) of `msg` under `key`, through nettle.
 * Writes MPTCP_HMAC_SHA256_LEN bytes to `out`.
 */
void mptcp_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg,
                       size_t msg_len, uint8_t out[MPTCP_HMAC_SHA256_LEN]);

/**
 * The MP_JOIN HMAC a host sends: HMAC-SHA256 with key = own key || peer's
 * key and message = own nonce || peer's nonce (all big-endian). The
 * initiator (host A) computes HMAC-A = mptcp_join_hmac(KeyA, KeyB, RA, RB);
 * the responder HMAC-B = mptcp_join_hmac(KeyB, KeyA, RB, RA).
 * Writes the full 32-byte HMAC; the SYN/ACK carries its leftmost 64 bits
 * (mptcp_hmac_left64()) and the third ACK its leftmost 160 bits.
 */
void mptcp_join_hmac(uint64_t own_key, uint64_t peer_key, uint32_t own_nonce,
                     uint32_t peer_nonce, uint8_t out[MPTCP_HMAC_SHA256_LEN]);

/** Leftmost 64 bits of an HMAC as a host integer (big-endian read). */
uint64_t mptcp_hmac_left64(const uint8_t hmac[MPTCP_HMAC_SHA256_LEN]);

/**
 * The truncated ADD_ADDR HMAC (RFC 8684 section 3.4.1): HMAC-SHA256 with
 * key = sender's key || receiver's key, message = address id || address
 * (4 or 16 bytes) || port (2 bytes, zero when the option has no port);
 * returns its RIGHTMOST 64 bits.
 *
 * `family` is 4 or 6; any other value returns 0 (and no HMAC is 0 with
 * meaningful probability, so callers check family first).
 */
uint64_t mptcp_add_addr_hmac(uint64_t sender_key, uint64_t receiver_key,
                             uint8_t addr_id, int family, const uint8_t *addr,
                             uint16_t port);

/* ------------------------------------------------------------------ */
/* The engine: stacks, connections, segments in and out                */
/* ------------------------------------------------------------------ */
/*
 * A host creates one mptcp_stack per simulated host (per ns-3 node, per
 * side of a loopback network). The stack owns its listeners and
 * connections and demultiplexes received segments to them. The host drives
 * it with four calls, all taking the current time:
 *
 *   mptcp_stack_read()           a segment arrived from the network
 *   mptcp_stack_write()          give me the next segment to send (loop
 *                                until it returns 0)
 *   mptcp_stack_get_expiry()     when must I call handle_expiry next
 *   mptcp_stack_handle_expiry()  that time has come
 *
 * Applications use the connection calls (mptcp_connect, mptcp_conn_send,
 * mptcp_conn_recv, mptcp_conn_shutdown, ...) and hear back through the
 * callbacks. Callbacks run inside read/write/handle_expiry and the
 * connection calls; they may call connection calls themselves but must
 * not free the stack.
 */

/** "No deadline": the value get_expiry returns when no timer is armed. */
#define MPTCP_TIME_NEVER UINT64_MAX
/** Nanoseconds per millisecond and per second, for readable configs. */
#define MPTCP_MS 1000000ull
#define MPTCP_S 1000000000ull

/** Errors of the engine (continue enum mptcp_error). */
enum mptcp_engine_error {
  /** Memory could not be allocated (hook returned NULL or the stack's
   *  memory cap would be exceeded). */
  MPTCP_ERR_NOMEM = -300,
  /** An address or port is in use (listen, connect with a fixed port). */
  MPTCP_ERR_ADDR_IN_USE = -301,
  /** The connection is not in a state that allows the call. */
  MPTCP_ERR_STATE = -302,
  /** Not returned any more: an unknown algorithm name gets the code of
   *  its kind (MPTCP_ERR_UNKNOWN_CC, _SCHED, _PM). Kept for source
   *  compatibility; MPTCP_ERR_IS_UNKNOWN_ALGO() tests for any of them. */
  MPTCP_ERR_UNKNOWN_ALGO = -303,
  /** A configuration value is out of range. */
  MPTCP_ERR_CONFIG = -304,
  /** No congestion control of that name is registered (mptcp_config.cc;
   *  for mptcp_config.tcp_cc also a coupled one). */
  MPTCP_ERR_UNKNOWN_CC = -305,
  /** No scheduler of that name is registered (mptcp_config.scheduler). */
  MPTCP_ERR_UNKNOWN_SCHED = -306,
  /** No path manager of that name is registered (mptcp_config.pm). */
  MPTCP_ERR_UNKNOWN_PM = -307,
};

/** Is `e` one of the unknown-algorithm codes (any kind)? */
#define MPTCP_ERR_IS_UNKNOWN_ALGO(e)                                                    \
  ((e) == MPTCP_ERR_UNKNOWN_CC || (e) == MPTCP_ERR_UNKNOWN_SCHED ||                     \
   (e) == MPTCP_ERR_UNKNOWN_PM || (e) == MPTCP_ERR_UNKNOWN_ALGO)

/** An IPv4 or IPv6 address with a port (host order). */
typedef struct mptcp_addr {
  /** 4 or 6; 0 in a listener means "any address". */
  uint8_t family;
  /** Address in network order: 4 bytes for IPv4, 16 for IPv6. */
  uint8_t ip[16];
  /** Port in host order. */
  uint16_t port;
} mptcp_addr;

/**
 * Memory hooks: every allocation of the core goes through them. `size` is
 * passed to free_fn so that a host can account without headers.
 */
typedef struct mptcp_mem {
  void *user_data;
  void *(*malloc_fn)(size_t size, void *user_data);
  void (*free_fn)(void *ptr, size_t size, void *user_data);
} mptcp_mem;

/** Returns hooks over the C library's malloc and free. */
const mptcp_mem *mptcp_mem_default(void);

/**
 * The random hook: fill `dest` with `len` random bytes. Keys, nonces,
 * initial sequence numbers, timestamp offsets and ephemeral ports come
 * from it, so a deterministic host gets deterministic runs.
 */
typedef void (*mptcp_rand_fn)(uint8_t *dest, size_t len, void *user_data);

/** Why a connection closed (closed callback, mptcp_conn_stats). */
enum mptcp_close_reason {
  MPTCP_CLOSE_NORMAL = 0,   /**< FIN in both directions, all data acked */
  MPTCP_CLOSE_RESET = 1,    /**< the peer reset the connection */
  MPTCP_CLOSE_TIMEOUT = 2,  /**< retransmission limit reached */
  MPTCP_CLOSE_ABORT = 3,    /**< mptcp_conn_abort() */
  MPTCP_CLOSE_REFUSED = 4,  /**< RST in answer to our SYN */
};

/**
 * What ended a connection that did not close normally
 * (mptcp_conn_stats.reset_cause). With MPTCP, the event that closed its
 * last subflow, or reset the connection as a whole.
 */
enum mptcp_reset_cause {
  MPTCP_RESET_NONE = 0,      /**< open, or closed normally */
  MPTCP_RESET_PEER_RST = 1,  /**< an RST from the peer (reset_reason: the
                                  reason of its MP_TCPRST, -1 without one) */
  MPTCP_RESET_FASTCLOSE = 2, /**< the peer's MP_FASTCLOSE (RFC 8684 3.5) */
  MPTCP_RESET_TIMEOUT = 3,   /**< our retry limit: SYN, data (rto_retries),
                                  or the third ACK of the last subflow's
                                  MP_JOIN */
  MPTCP_RESET_LOCAL = 4,     /**< this end reset it on a protocol event
                                  (reset_reason: the MP_TCPRST reason it
                                  sent, -1 without one): a DSS checksum
                                  failure on the last subflow, an infinite
                                  mapping it could not honour, a wrong key */
  MPTCP_RESET_ABORT = 5,     /**< the application: mptcp_conn_abort() */
};

/**
 * Default of mptcp_config.max_ofo_ranges: every loss pattern of whole
 * segments fits in it with the default buffers (a 4 MiB window holds 2897
 * segments of 1448 bytes, so at most 1449 disjoint ranges), at a cost of at
 * most 96 KiB of bookkeeping per subflow and per connection.
 */
#define MPTCP_OFO_RANGES_DEFAULT 2048u

/** Most times a refused join is opened again (mptcp_config.join_retry_ns):
 *  with the delay doubled each time, the last try comes 15 delays after
 *  the first refusal. */
#define MPTCP_JOIN_RETRIES 4u

/** Per-connection configuration. mptcp_config_default() fills it. */
typedef struct mptcp_config {
  /** Maximum segment size we announce and use (bytes). Default 1448. */
  uint16_t mss;
  /** Send MSS assumed when the peer's SYN or SYN/ACK carries no MSS
   *  option (the effective MSS is the smaller of it and `mss`). 0: RFC
   *  9293 section 3.7.1's defaults, 536 over IPv4 and 1220 over IPv6, as
   *  Linux. A host whose peers size their segments by configuration rather
   *  than by the option (ns-3's TcpSocketBase sends none) sets the size
   *  they use. 0 or 64..65495. Default 0. */
  uint16_t peer_mss_default;
  /** Send buffer (bytes the application may queue). Default 4 MiB.
   *  Allocated as it fills (64 KiB, doubled up to this size), so a
   *  connection is charged to the stack's memory cap only for what it
   *  holds; a half-open one holds no buffer. */
  uint32_t sndbuf;
  /** Receive buffer: the largest window we advertise. Default 4 MiB.
   *  Allocated as received data needs it, as sndbuf; a segment the cap
   *  leaves no room for is dropped unacknowledged (MPTCP_MIB_MEM_DROP). */
  uint32_t rcvbuf;
  /** Initial congestion window in segments (RFC 6928). Default 10. */
  uint32_t init_cwnd;
  /** Offer SACK (RFC 2018) and use RFC 6675 recovery. Default 1. */
  uint8_t sack;
  /** Offer timestamps (RFC 7323). Default 1. */
  uint8_t timestamps;
  /** Offer window scaling (RFC 7323). Default 1. */
  uint8_t window_scaling;
  /** Verify and compute TCP checksums (needs real payload). Default 1. */
  uint8_t tcp_checksum;
  /** Payload is virtual: the application sends and receives byte counts,
   *  segments carry only headers and a payload length. Default 0. */
  uint8_t virtual_payload;
  /** Minimum RTO (RFC 6298 says 1 s; Linux uses 200 ms). Default 200 ms. */
  uint64_t min_rto_ns;
  /** Maximum RTO. Default 60 s. */
  uint64_t max_rto_ns;
  /** RTO before any RTT sample (RFC 6298 section 2.1). Default 1 s. */
  uint64_t initial_rto_ns;
  /** Clock granularity G of RFC 6298. Default 1 ms. */
  uint64_t clock_granularity_ns;
  /** Acknowledge every Nth full-sized segment. Default 2. */
  uint32_t delack_count;
  /** Delayed-ACK timeout. Default 40 ms (Linux's minimum; ns-3: 200). */
  uint64_t delack_timeout_ns;
  /** SYN retransmissions before giving up. Default 6. */
  uint32_t syn_retries;
  /** Data retransmission timeouts in a row before giving up. Default 15. */
  uint32_t rto_retries;
  /** Time spent in TIME-WAIT (2 MSL). Default 60 s. */
  uint64_t time_wait_ns;
  /** Duplicate ACK threshold (RFC 5681, RFC 6675). Default 3. */
  uint32_t dupthresh;
  /** Nagle's algorithm off (TCP_NODELAY; ns-3's TcpNoDelay). 0: a
   *  segment shorter than the MSS waits while data is unacknowledged on
   *  its subflow, unless it completes the stream (RFC 9293 section 3.7.4),
   *  as Linux by default. 1: it leaves at once. 0 or 1. Default 0. */
  uint8_t nodelay;
  /** Congestion control by name, one of those the registry lists
   *  (mptcp_algo_name(MPTCP_ALGO_CC, i); mptcp_cc_is_coupled tells coupled
   *  ones, RFC 6356 and its successors, from those that run each subflow
   *  on its own). A coupled algorithm runs only while the connection is
   *  MPTCP: a connection that is plain TCP (mptcp 0, a peer that does not
   *  answer MP_CAPABLE, or after a fallback, see mptcp_conn_is_mptcp)
   *  runs tcp_cc instead. An uncoupled name applies in every case.
   *  Default "lia" (RFC 6356: MPTCP should use coupled congestion
   *  control). */
  const char *cc;
  /** Uncoupled congestion control of a plain TCP connection when cc names
   *  a coupled algorithm (mptcp_algo_name(MPTCP_ALGO_TCP_CC, i) lists
   *  them). Default "cubic" (Linux's default). */
  const char *tcp_cc;

  /* ---- Multipath TCP (RFC 8684) ---- */
  /** Offer (client) or accept (server) MPTCP v1. 0: plain TCP. Default 1. */
  uint8_t mptcp;
  /** Ask for DSS checksums (the A flag; used if either side asks).
   *  Default 0, as Linux. With a virtual payload the checksum covers the
   *  pseudo-header only. A failure (RFC 8684 section 3.7) drops the
   *  segment and sends MP_FAIL: the subflow is reset when another one
   *  remains; on the only subflow the sender answers with an infinite
   *  mapping and the connection falls back to TCP (see
   *  mptcp_conn_is_mptcp). */
  uint8_t dss_checksum;
  /** Path manager by name, one of those the registry lists
   *  (mptcp_algo_name(MPTCP_ALGO_PM, i)): which subflows the initiator
   *  opens (from which local addresses of the stack, see
   *  mptcp_stack_add_address, and to which addresses the peer announces),
   *  within max_subflows. Default "default" (the initial subflow, and a
   *  join to each address the peer announces). The server side only
   *  accepts joins. */
  const char *pm;
  /** Number of subflows for a path manager that opens several over one
   *  address pair ("ndiffports"). Default 2. */
  uint8_t subflows;
  /** Scheduler by name, one of those the registry lists
   *  (mptcp_algo_name(MPTCP_ALGO_SCHED, i)). Default "minrtt" (the
   *  available subflow with the lowest smoothed RTT, Linux's default). */
  const char *scheduler;
  /** Most subflows per connection (initial one included), 1..8. Default 8. */
  uint8_t max_subflows;
  /** Most MP_JOIN handshakes in progress per connection (threat A5).
   *  Default 4. */
  uint8_t max_half_open_joins;
  /** A listener's: most connections the stack holds half-open (SYN
   *  received, handshake not complete) for its listeners together; a SYN
   *  beyond it is dropped unanswered (MPTCP_MIB_LISTEN_OVERFLOW), as
   *  Linux's SYN queue bounds a SYN flood (tcp_max_syn_backlog). Each
   *  half-open connection costs its state, not buffers (they are lazy).
   *  0: no bound. Default 4096 (Linux's somaxconn). */
  uint32_t listen_backlog;

  /* ---- secure defaults (shared/reference/threats.md) ----
   * Each switch is 1 by default; 0 removes one defence so that an attack
   * experiment can measure what it protects. */
  /** Check the truncated HMAC of a received ADD_ADDR (RFC 8684 section
   *  3.4.1). 0: accept an ADD_ADDR whatever its HMAC, as version 0 did
   *  (threat A4). Default 1. */
  uint8_t add_addr_hmac_check;
  /** Drop data beyond DATA_ACK + receive window, whichever subflow brings
   *  it (RFC 8684 section 3.3.5). 0: accept it into reassembly (its bytes
   *  are stored only where the receive buffer has room). Default 1. */
  uint8_t enforce_conn_window;
  /** Apply max_subflows and max_half_open_joins to joins the peer opens.
   *  0: only the hard limit of 8 subflows applies (threat A5). Default 1. */
  uint8_t enforce_limits;
  /** Act on MP_FASTCLOSE only when it carries our key (RFC 8684 section
   *  3.5). 0: any MP_FASTCLOSE resets the connection. Default 1. */
  uint8_t fastclose_key_check;
  /** RFC 8684 section 3.4.2: before closing the subflows a received
   *  REMOVE_ADDR names, make sure the path is no longer in use: send a
   *  keepalive (an ACK one below SND.UNA, which the peer answers) on each,
   *  up to three, one retransmission timeout apart (backed off), and close
   *  it only if nothing arrives on it meanwhile (counters
   *  MPTCP_MIB_RM_ADDR_PROBE, MPTCP_MIB_RM_ADDR_KEPT).
   *  REMOVE_ADDR carries no authentication, so this is what stops a
   *  forged one (threat A6) while the peer still uses the path. 0: close
   *  them at once, as Linux does. Default 1. */
  uint8_t remove_addr_probe;
  /** Compare data at data sequence numbers already received with the
   *  stored copy and count mismatches (MPTCP_MIB_DUP_DATA_MISMATCH,
   *  threat A2): a copy still in the receive ring, unread or read but not
   *  yet overwritten (within the ring's size behind the newest byte). The
   *  first copy is kept either way. No comparison with virtual payload.
   *  Default 1. */
  uint8_t overlap_check;
  /** With overlap_check: a mismatch resets the connection (an RST with
   *  MP_TCPRST reason 0x01 on every subflow; reset cause
   *  MPTCP_RESET_LOCAL), since two subflows disagree about the data and
   *  the receiver cannot tell which copy is true (threat A2: the
   *  detector that "compares overlapping copies and resets"). It limits
   *  what an injection ahead of the real data delivers to what arrived
   *  before the real copy, and turns any injection, even one behind the
   *  real data that first-copy-wins makes harmless, into the end of the
   *  connection: a trade of availability for integrity, so off by
   *  default (Linux keeps the first copy and says nothing). 0 or 1.
   *  Default 0. */
  uint8_t overlap_reset;
  /** RFC 5961 section 3.2 for a received RST: only one whose sequence
   *  number is exactly RCV.NXT resets the subflow; one elsewhere in the
   *  window draws a (rate-limited) challenge ACK. 0: any RST within the
   *  window is accepted, as RFC 793 did (threat A6: a blind attacker then
   *  needs one guess per window, not one per sequence number). Default 1. */
  uint8_t rst_seq_check;
  /** Look at the MPTCP options of a segment (MP_PRIO, REMOVE_ADDR,
   *  ADD_ADDR, MP_FASTCLOSE, DSS) only when its ACK field is acceptable
   *  (RFC 5961 section 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT),
   *  as Linux parses them only after tcp_ack() accepted the segment; a
   *  segment with another ACK is dropped with its options unread (counter
   *  MPTCP_MIB_ACK_TOO_NEW or _TOO_OLD). A blind attacker must then guess
   *  the acknowledgement number as well as the sequence number of an
   *  unauthenticated signal (threat A6: MP_PRIO, REMOVE_ADDR). 0: the
   *  options are acted on before the ACK field is checked. Default 1. */
  uint8_t opt_ack_check;
  /** SYN cookies (RFC 4987 section 3.6), as Linux's default
   *  (tcp_syncookies 1: only when the queue is full). A SYN that finds
   *  listen_backlog full, or a join beyond max_half_open_joins, is answered
   *  with a SYN/ACK and no state: the cookie (our initial sequence number)
   *  is a keyed hash of the 4-tuple, the peer's ISN, a 64 s time slot and
   *  the peer's MSS rounded down to one of 8 common values; with
   *  timestamps, the low 6 bits of our TSval carry the peer's window scale
   *  and SACK permission (without timestamps a cookie connection has
   *  neither, as in Linux). The third ACK makes the connection: MPTCP v1's
   *  carries both keys (RFC 8684 section 3.1); a join's nonces and address
   *  ids wait in a table of 1024 entries (Linux's net/mptcp/syncookies.c),
   *  and its HMAC and max_subflows are checked at the third ACK. A legitimate
   *  client then connects, and a legitimate join completes, through a SYN
   *  flood (threat A5). Counters MPTCP_MIB_SYNCOOKIES_*. 0: such a SYN is
   *  dropped (listen_backlog) or refused with MP_TCPRST (max_half_open_joins).
   *  Default 1. */
  uint8_t syn_cookies;
  /** Most out-of-order ranges (holes' upper edges: disjoint received
   *  ranges above the next expected byte) a subflow keeps, and, with
   *  MPTCP, the connection keeps at the data level (threat A1). Each range
   *  costs the host 48 bytes of bookkeeping, so without a bound a peer that
   *  sends one byte in every two holds 24 bytes per byte of receive window
   *  on each level, beside the buffers. A segment that would open one more
   *  range beyond the bound is dropped unacknowledged (the sender
   *  retransmits it; counters MPTCP_MIB_OFO_DROP at the subflow level,
   *  MPTCP_MIB_DSN_OFO_DROP at the data level); in-order data and data
   *  that extends or fills an existing range are always taken, and nothing
   *  already received is given back (no SACK reneging; Linux instead prunes
   *  its out-of-order queue from the highest sequence under memory
   *  pressure, tcp_prune_ofo_queue() in net/ipv4/tcp_input.c). 0: no bound.
   *  Default 2048 (MPTCP_OFO_RANGES_DEFAULT). */
  uint32_t max_ofo_ranges;

  /* ---- path-manager signals and closing ---- */
  /** ADD_ADDR retransmission timeout while no echo arrives (Linux's
   *  net.mptcp.add_addr_timeout). Default 120 s. */
  uint64_t add_addr_timeout_ns;
  /** ADD_ADDR retransmissions before giving up (Linux's
   *  ADD_ADDR_RETRANS_MAX). Default 3. */
  uint8_t add_addr_retries;
  /** RFC 8684 section 3.6: a join the peer refused with MP_TCPRST and its
   *  T flag (a transient error, such as reason 0x02 "lack of resources"
   *  from a host whose half-open joins are full) MAY be tried again over
   *  the same path. With a nonzero value the path manager opens the same
   *  address pair again after this delay, doubled at each refusal, up to
   *  MPTCP_JOIN_RETRIES times (counter MPTCP_MIB_JOIN_RETRY). 0: never,
   *  as Linux's in-kernel path manager. Default 0. */
  uint64_t join_retry_ns;
  /** Once both DATA_FINs are acknowledged, subflows still open after this
   *  long are reset (Linux's net.mptcp.close_timeout): a subflow on a dead
   *  path does not retransmit its FIN for minutes. Default 60 s. */
  uint64_t close_timeout_ns;
  /** Opportunistic retransmission and penalisation (Raiciu et al., NSDI
   *  2012, section 4.2), with any scheduler: when the peer's receive
   *  window stops new data, the fastest subflow with cwnd room sends again
   *  the data at the connection-level snd_una if a slower subflow holds
   *  it (that subflow's srtt above 4 times the fast one's, or its cwnd at
   *  most 4 segments), and the slower subflow's cwnd is halved (ssthresh
   *  set to it) at most once per its srtt. Counters
   *  MPTCP_MIB_OPP_RETRANS and MPTCP_MIB_PENALISE. 0 or 1. Default 0. */
  uint8_t opportunistic;

  /** The least ssthresh (segments) OLIA and BALIA set on a loss while the
   *  connection has two or more subflows: 2 (default; RFC 5681 equation 4,
   *  and Linux's mptcp_olia.c, which keeps tcp_reno_ssthresh) or 1 (the
   *  algorithms' specifications: draft-khalili-mptcp-congestion-control-05
   *  section 3 and draft-walid-mptcp-congestion-control-04 set ssthresh to
   *  1 MSS when several paths are established, so that a path they avoid
   *  carries 1 MSS per RTT). 1 or 2. */
  uint8_t coupled_min_ssthresh;

  /* ---- CUBIC (cc "cubic"; Linux's tcp_cubic module parameters) ---- */
  /** The Reno-friendly region (RFC 9438 section 4.3; Linux's
   *  tcp_friendliness): the window grows at least as fast as an estimate
   *  of Reno's. 0: the cubic function alone (ns-3 3.37's TcpCubic has no
   *  such region). 0 or 1. Default 1. */
  uint8_t cubic_tcp_friendliness;
  /** HyStart (Linux's hystart, ACK-train and delay detection): leave slow
   *  start before the first loss once the queue starts to build. Counters
   *  MPTCP_MIB_HYSTART_TRAIN and MPTCP_MIB_HYSTART_DELAY. 0 or 1.
   *  Default 1. */
  uint8_t cubic_hystart;
} mptcp_config;

/** Fills `cfg` with the defaults documented on each field. */
void mptcp_config_default(mptcp_config *cfg);

/** Kinds of algorithm registered by name in the core. */
enum mptcp_algo_kind {
  MPTCP_ALGO_CC = 0,     /**< congestion control (mptcp_config.cc) */
  MPTCP_ALGO_TCP_CC = 1, /**< uncoupled congestion control (mptcp_config.tcp_cc) */
  MPTCP_ALGO_SCHED = 2,  /**< scheduler (mptcp_config.scheduler) */
  MPTCP_ALGO_PM = 3,     /**< path manager (mptcp_config.pm) */
};

/**
 * The name of the i-th registered algorithm of `kind` (enum
 * mptcp_algo_kind), counting from 0, or NULL past the last one or for an
 * unknown kind. Hosts list the valid names with it:
 *   for (unsigned i = 0; (n = mptcp_algo_name(MPTCP_ALGO_CC, i)); i++)
 * The strings are static.
 */
const char *mptcp_algo_name(int kind, unsigned i);

/**
 * Is `name` a registered algorithm of `kind`? Names are case-sensitive.
 * Returns MPTCP_OK, the unknown-name code of the kind
 * (MPTCP_ERR_UNKNOWN_CC for MPTCP_ALGO_CC and MPTCP_ALGO_TCP_CC,
 * MPTCP_ERR_UNKNOWN_SCHED, MPTCP_ERR_UNKNOWN_PM), or
 * MPTCP_ERR_INVALID_ARGUMENT (NULL name, unknown kind).
 */
int mptcp_algo_check(int kind, const char *name);

/**
 * 1 if the congestion control `name` is coupled (it runs only on MPTCP
 * connections, see mptcp_config.cc), 0 if not, MPTCP_ERR_UNKNOWN_CC if
 * no such algorithm is registered.
 */
int mptcp_cc_is_coupled(const char *name);

/**
 * Checks a configuration. Returns MPTCP_OK, MPTCP_ERR_UNKNOWN_CC (cc or
 * tcp_cc name; tcp_cc must be uncoupled), MPTCP_ERR_UNKNOWN_PM,
 * MPTCP_ERR_UNKNOWN_SCHED or
 * MPTCP_ERR_CONFIG (a value out of range: mss < 64, buffers below one
 * mss, init_cwnd 0, min_rto above max_rto, delack_count 0, ...).
 */
int mptcp_config_check(const mptcp_config *cfg);

typedef struct mptcp_stack mptcp_stack;
typedef struct mptcp_conn mptcp_conn;

/** Callbacks from the stack to its host. All optional (NULL = ignore). */
typedef struct mptcp_callbacks {
  /** A listener accepted a new connection (handshake complete). The
   *  application may set user data and start sending. */
  void (*accepted)(mptcp_conn *conn, void *stack_user_data);
  /** An active open completed. */
  void (*connected)(mptcp_conn *conn, void *conn_user_data);
  /** New in-order data (or the peer's FIN) can be read. */
  void (*readable)(mptcp_conn *conn, void *conn_user_data);
  /** Send-buffer space was freed by acknowledgements. */
  void (*writable)(mptcp_conn *conn, void *conn_user_data);
  /** The connection closed; `reason` is an enum mptcp_close_reason. The
   *  connection stays valid until mptcp_conn_free(). */
  void (*closed)(mptcp_conn *conn, int reason, void *conn_user_data);
} mptcp_callbacks;

/**
 * Creates a stack. `cfg` is the default configuration of its connections
 * (copied; it is checked with mptcp_config_check), `mem` the memory hooks
 * (NULL: mptcp_mem_default()), `rand` the random hook (required), `cb` the
 * callbacks (copied; NULL: none), `user_data` passed to rand and accepted.
 * Returns MPTCP_OK, MPTCP_ERR_INVALID_ARGUMENT, MPTCP_ERR_NOMEM, or the
 * errors of mptcp_config_check().
 */
int mptcp_stack_new(mptcp_stack **pstack, const mptcp_config *cfg,
                    const mptcp_mem *mem, mptcp_rand_fn rand,
                    const mptcp_callbacks *cb, void *user_data);

/** Frees the stack and every connection it still owns. */
void mptcp_stack_del(mptcp_stack *stack);

/**
 * Default memory cap of a stack (mptcp_stack_set_mem_cap), 20 GiB: what
 * 2048 connections with the default configuration legitimately hold, about
 * 10 MiB each (8 MiB of send and receive buffers, up to 1.7 MiB of
 * out-of-order bookkeeping at the bound of max_ofo_ranges on 8 subflows and
 * the data level, and the connection's state). As Linux's tcp_mem, a
 * host-wide budget in proportion to what its connections may need; a host
 * that knows its memory or its number of connections sets its own.
 */
#define MPTCP_MEM_CAP_DEFAULT (2048ull * 10 * 1024 * 1024)

/**
 * Limits the bytes the stack may hold through its memory hooks (buffers,
 * connection state). At the cap, received data is dropped and counted
 * (MPTCP_MIB_MEM_DROP), new connections are refused; the process is never
 * at risk. A new stack starts at MPTCP_MEM_CAP_DEFAULT; 0 means no cap.
 * Returns MPTCP_OK.
 */
int mptcp_stack_set_mem_cap(mptcp_stack *stack, uint64_t bytes);

/** Bytes the stack currently holds through its memory hooks. */
uint64_t mptcp_stack_mem_used(const mptcp_stack *stack);

/**
 * Listens on `local` (address all-zero: any address of that family;
 * family 0: any address of either family; port required). A listener of
 * family 4 and one of family 6 never overlap, so both may listen on any
 * address of one port. Returns MPTCP_OK, MPTCP_ERR_ADDR_IN_USE,
 * MPTCP_ERR_NOMEM, MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_stack_listen(mptcp_stack *stack, const mptcp_addr *local);

/**
 * As mptcp_stack_listen(), with `cfg` (checked with mptcp_config_check;
 * NULL: the stack's) as the configuration of the connections this listener
 * accepts, e.g. MPTCP off for one listener. The strings of `cfg` must stay
 * valid while connections made with it live. Returns the errors of
 * mptcp_stack_listen() and of mptcp_config_check().
 */
int mptcp_stack_listen_cfg(mptcp_stack *stack, const mptcp_addr *local,
                           const mptcp_config *cfg);

/**
 * Stops listening on exactly `local` (same family, address and port as
 * given to listen). Connections already accepted are unaffected. Returns
 * MPTCP_OK, MPTCP_ERR_STATE (no such listener) or
 * MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_stack_unlisten(mptcp_stack *stack, const mptcp_addr *local);

/**
 * Tells a host that shares its TCP port space with another TCP
 * implementation whether a received segment is this stack's: 1 when it
 * belongs to one of its connections (4-tuple, TIME-WAIT included), is a
 * SYN for one of its listeners, or is a SYN carrying MP_JOIN (matched by
 * token, whatever the port); 0 otherwise (hand it to the other TCP). `src`
 * and `dst` are the IP addresses (ports are read from `data`, the TCP
 * header and what follows, `len` bytes). Reads nothing but the header's
 * ports, flags and options; never changes the stack.
 */
int mptcp_stack_owns(const mptcp_stack *stack, const mptcp_addr *src,
                     const mptcp_addr *dst, const uint8_t *data, size_t len);

/**
 * The user data (mptcp_conn_set_user_data) of the connection one of whose
 * subflows has this 4-tuple (`local`, `remote`: addresses with ports, as
 * seen from this stack), or NULL when none has it. For a host that reports
 * a received segment to the connection's owner before handing it to
 * mptcp_stack_read. Never changes the stack.
 */
void *mptcp_stack_conn_user_data(const mptcp_stack *stack, const mptcp_addr *local,
                                 const mptcp_addr *remote);

/**
 * A segment arrived at `now`: `data` holds `len` bytes (a TCP header, then
 * payload); `virtual_len` more payload bytes follow virtually (0 for real
 * payload). `src` and `dst` are the IP source and destination (ports are
 * taken from the TCP header). Malformed segments are dropped and counted,
 * never an error of the call. Returns MPTCP_OK or
 * MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_stack_read(mptcp_stack *stack, const mptcp_addr *src,
                     const mptcp_addr *dst, const uint8_t *data, size_t len,
                     size_t virtual_len, uint64_t now);

/** One segment to send, filled by mptcp_stack_write(). */
typedef struct mptcp_segment {
  /** IP source and destination, with the TCP ports. */
  mptcp_addr src;
  mptcp_addr dst;
  /** Bytes written to the caller's buffer: header, then the payload
   *  unless it is virtual. */
  size_t len;
  /** Length of the TCP header at the start of the buffer. */
  size_t hdr_len;
  /** Payload length (whether or not it is in the buffer). */
  size_t payload_len;
  /** Nonzero when the payload is virtual (not in the buffer). */
  uint8_t payload_virtual;
  /** The user data of the connection that sent it
   *  (mptcp_conn_set_user_data); NULL for a reset the stack sends on its
   *  own (to a segment no connection owns). */
  void *conn_user_data;
} mptcp_segment;

/**
 * Writes the next segment any connection of the stack has to send into
 * `buf` (capacity `cap`: MPTCP_TCP_HDR_MAX + mss suffices) and describes it
 * in `seg`. Call it until it returns 0. Returns 1 (a segment), 0 (nothing
 * to send now), MPTCP_ERR_NOBUF or MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_stack_write(mptcp_stack *stack, mptcp_segment *seg, uint8_t *buf,
                      size_t cap, uint64_t now);

/** The earliest time at which handle_expiry must run, or
 *  MPTCP_TIME_NEVER. */
uint64_t mptcp_stack_get_expiry(const mptcp_stack *stack);

/** Runs every timer due at or before `now` (retransmission, delayed ACK,
 *  persist, TIME-WAIT, SYN retries). Returns MPTCP_OK. */
int mptcp_stack_handle_expiry(mptcp_stack *stack, uint64_t now);

/**
 * Opens a connection from `local` (port 0: an ephemeral port from the
 * random hook) to `remote`, with `cfg` (NULL: the stack's). The SYN goes
 * out at the next mptcp_stack_write(). Returns MPTCP_OK and the connection
 * in *pconn, or MPTCP_ERR_INVALID_ARGUMENT, MPTCP_ERR_NOMEM,
 * MPTCP_ERR_ADDR_IN_USE, or the errors of mptcp_config_check().
 */
int mptcp_connect(mptcp_stack *stack, mptcp_conn **pconn,
                  const mptcp_addr *local, const mptcp_addr *remote,
                  const mptcp_config *cfg, void *user_data, uint64_t now);

/** Sets the pointer passed to this connection's callbacks. */
void mptcp_conn_set_user_data(mptcp_conn *conn, void *user_data);
/** Returns the pointer passed to this connection's callbacks. */
void *mptcp_conn_get_user_data(const mptcp_conn *conn);

/**
 * Queues `len` bytes of `data` for sending (data is copied). With a virtual
 * payload configuration `data` must be NULL and only the count is queued.
 * Returns the number of bytes queued (possibly fewer than len: the send
 * buffer is full; wait for writable), or MPTCP_ERR_STATE (closed, or
 * shut down for writing), MPTCP_ERR_INVALID_ARGUMENT. The send buffer is
 * allocated as it fills (64 KiB, doubled up to sndbuf): when the stack's
 * memory cap stops it growing, what still fits is queued, and
 * MPTCP_ERR_NOMEM is returned if nothing does.
 */
long mptcp_conn_send(mptcp_conn *conn, const uint8_t *data, size_t len,
                     uint64_t now);

/**
 * Tells the core that the application waits for `len` bytes of send-buffer
 * space (a message that must go in whole, as ns-3's Socket::Send does):
 * the writable callback fires once that much is free. Without this call
 * writable fires only when a full buffer frees space. Returns MPTCP_OK or
 * MPTCP_ERR_INVALID_ARGUMENT (len above the send buffer).
 */
int mptcp_conn_want_send(mptcp_conn *conn, size_t len);

/**
 * Reads up to `cap` in-order bytes into `buf` (NULL with virtual payload:
 * the bytes are only counted). Reading opens the receive window. Returns
 * the number of bytes read, 0 if none are available, or MPTCP_ERR_STATE.
 * mptcp_conn_peer_closed() tells whether the peer's FIN has been read.
 */
long mptcp_conn_recv(mptcp_conn *conn, uint8_t *buf, size_t cap,
                     uint64_t now);

/** Nonzero once every byte before the peer's FIN has been read. */
int mptcp_conn_peer_closed(const mptcp_conn *conn);

/** Sends FIN after the queued data (half close). Returns MPTCP_OK or
 *  MPTCP_ERR_STATE. */
int mptcp_conn_shutdown(mptcp_conn *conn, uint64_t now);

/** Sends RST and closes at once (closed callback: MPTCP_CLOSE_ABORT).
 *  With MPTCP every subflow's RST carries MP_FASTCLOSE with the peer's
 *  key and MP_TCPRST (RFC 8684 sections 3.5 and 3.6), as Linux does. */
int mptcp_conn_abort(mptcp_conn *conn, uint64_t now);

/**
 * Releases the connection. If it is not closed yet, it is aborted first.
 * After this call the pointer is invalid.
 */
void mptcp_conn_free(mptcp_conn *conn);

/** TCP states (RFC 9293 section 3.3.2). */
enum mptcp_tcp_state {
  MPTCP_TCP_CLOSED = 0,
  MPTCP_TCP_LISTEN,
  MPTCP_TCP_SYN_SENT,
  MPTCP_TCP_SYN_RCVD,
  MPTCP_TCP_ESTABLISHED,
  MPTCP_TCP_FIN_WAIT1,
  MPTCP_TCP_FIN_WAIT2,
  MPTCP_TCP_CLOSING,
  MPTCP_TCP_TIME_WAIT,
  MPTCP_TCP_CLOSE_WAIT,
  MPTCP_TCP_LAST_ACK,
};

/** Name of a TCP state ("ESTABLISHED"). */
const char *mptcp_tcp_state_name(int state);

/** Congestion state of a subflow (Linux's tcp_ca_state, reduced to the
 *  states the engine has). */
enum mptcp_ca_state {
  MPTCP_CA_OPEN = 0,     /**< no loss being repaired */
  MPTCP_CA_RECOVERY = 1, /**< fast recovery (RFC 6675 with PRR) */
  MPTCP_CA_LOSS = 2      /**< after a retransmission timeout, until the
                              data outstanding then is acknowledged */
};

/** A snapshot of a connection's transport state, for traces and tests. */
typedef struct mptcp_conn_stats {
  int state;              /**< enum mptcp_tcp_state */
  int close_reason;       /**< enum mptcp_close_reason, once closed */
  uint32_t mss;           /**< effective send MSS */
  uint64_t cwnd;          /**< congestion window, bytes */
  uint64_t ssthresh;      /**< slow-start threshold, bytes */
  uint64_t bytes_in_flight; /**< RFC 6675 pipe, bytes */
  uint64_t srtt_ns;       /**< smoothed RTT (0 before a sample) */
  uint64_t rttvar_ns;
  uint64_t min_rtt_ns;
  uint64_t rto_ns;
  uint64_t snd_wnd;       /**< peer's advertised window, bytes */
  uint64_t bytes_sent;    /**< payload bytes sent, retransmissions included */
  uint64_t bytes_retrans; /**< payload bytes retransmitted */
  uint64_t bytes_acked;   /**< payload bytes acknowledged */
  uint64_t bytes_received; /**< payload bytes delivered in order */
  uint64_t segs_sent;
  uint64_t segs_received;
  uint64_t retransmissions; /**< segments retransmitted */
  uint64_t rto_count;     /**< retransmission timeouts */
  uint64_t fast_recoveries; /**< entries into fast recovery */
  uint64_t ooo_bytes;     /**< bytes held out of order at the receiver */
  uint64_t rcv_buffered;  /**< bytes received, not yet read */
  uint64_t snd_buffered;  /**< bytes queued, not yet acknowledged */
  int reset_cause;        /**< enum mptcp_reset_cause, once closed */
  int reset_reason;       /**< with reset_cause PEER_RST or LOCAL: the
                               MP_TCPRST reason (MPTCP_RST_E*), -1 none */
  /** mptcp_conn_get_subflow_stats() only: 1 when a RST from the peer
   *  closed this subflow (0 otherwise, and in the connection's stats). */
  int sf_rst_rx;
  /** ... and the MP_TCPRST reason it carried (MPTCP_RST_E*), -1 none. */
  int sf_rst_reason;
  /** enum mptcp_ca_state of the subflow (mptcp_conn_get_stats: of the
   *  initial subflow). */
  int ca_state;
} mptcp_conn_stats;

/** Fills `st` with the connection's current state. */
void mptcp_conn_get_stats(const mptcp_conn *conn, mptcp_conn_stats *st);

/** The connection's local and remote address. */
void mptcp_conn_get_addrs(const mptcp_conn *conn, mptcp_addr *local,
                          mptcp_addr *remote);

/** Nonzero when the connection runs MPTCP; 0 for plain TCP, including a
 *  connection that fell back: at the handshake (no MP_CAPABLE), or later
 *  with an infinite mapping after a DSS checksum failure on its only
 *  subflow (RFC 8684 section 3.7), after which its data continues as that
 *  subflow's byte stream and it closes with a TCP FIN. */
int mptcp_conn_is_mptcp(const mptcp_conn *conn);

/**
 * The MPTCP keys of the connection (RFC 8684 section 3.1), for traces and
 * for checking a capture (tokens and IDSNs follow from them through
 * mptcp_key_token_idsn). Either pointer may be NULL. Returns MPTCP_OK, or
 * MPTCP_ERR_STATE when the connection does not run MPTCP.
 */
int mptcp_conn_get_keys(const mptcp_conn *conn, uint64_t *local_key,
                        uint64_t *remote_key);

/** Number of subflows the connection has now (closed ones included). */
int mptcp_conn_subflow_count(const mptcp_conn *conn);

/**
 * Transport state of subflow `i` (0 = the initial subflow) and its
 * addresses (either may be NULL). The byte counters are that subflow's;
 * rcv_buffered/snd_buffered/ooo_bytes are the connection's. Returns
 * MPTCP_OK or MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_conn_get_subflow_stats(const mptcp_conn *conn, int i,
                                 mptcp_conn_stats *st, mptcp_addr *local,
                                 mptcp_addr *remote);

/**
 * Declares an address of this host (its port ignored) for the "fullmesh"
 * path manager and for address ids. The address of the initial subflow
 * need not be declared. Returns MPTCP_OK, MPTCP_ERR_NOMEM or
 * MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_stack_add_address(mptcp_stack *stack, const mptcp_addr *addr);

/*
 * Path-manager signals (RFC 8684 sections 3.4 and 3.3.8)
 * ------------------------------------------------------
 * The side that accepted a connection announces every address declared
 * with mptcp_stack_add_address() (other than the connection's own, of the
 * same family) with ADD_ADDR once the connection is fully established. The
 * address id of the i-th declared address is i + 1; 0 is the initial
 * subflow's. Each ADD_ADDR carries the truncated HMAC of section 3.4.1 and
 * is sent again every add_addr_timeout_ns until its echo arrives, at most
 * add_addr_retries times. A received ADD_ADDR with a valid HMAC is echoed;
 * the "default" path manager of the initiator then opens a join to it
 * (within max_subflows), as Linux's in-kernel path manager does when it
 * accepts addresses; "fullmesh" opens one from each of its local addresses
 * to it (address pairs already connected skipped, within max_subflows), as
 * Linux does for endpoints flagged "fullmesh". "ndiffports" ignores it.
 * A received REMOVE_ADDR closes the subflows to that address, except the
 * last usable one (the option is not authenticated).
 */

/**
 * Withdraws an address declared with mptcp_stack_add_address(): every
 * MPTCP connection of the stack sends REMOVE_ADDR with its id and resets
 * its own subflows from that address (their data is sent again on the
 * others). Later connections no longer use it. Returns MPTCP_OK,
 * MPTCP_ERR_INVALID_ARGUMENT (NULL, or an address never declared).
 */
int mptcp_stack_remove_address(mptcp_stack *stack, const mptcp_addr *addr,
                               uint64_t now);

/**
 * Makes subflow `i` of an MPTCP connection a backup (`backup` nonzero) or
 * a regular subflow, here and at the peer: MP_PRIO goes out on that
 * subflow (RFC 8684 section 3.3.8). Schedulers send on a backup subflow
 * only when no regular one is available. Returns MPTCP_OK,
 * MPTCP_ERR_INVALID_ARGUMENT (no such subflow), MPTCP_ERR_STATE (not
 * MPTCP, or the subflow is not established).
 */
int mptcp_conn_set_backup(mptcp_conn *conn, int i, int backup, uint64_t now);

/* ------------------------------------------------------------------ */
/* Counters (as Linux's SNMP MIB): anomalies and events, per stack      */
/* ------------------------------------------------------------------ */

/**
 * One counter per anomaly or event. Read with mptcp_stack_counter(); names
 * with mptcp_counter_name() (e.g. "TcpBadChecksum").
 */
enum mptcp_mib {
  MPTCP_MIB_SEG_IN = 0,       /**< segments received (all) */
  MPTCP_MIB_SEG_OUT,          /**< segments sent */
  MPTCP_MIB_BAD_HEADER,       /**< header or options malformed: dropped */
  MPTCP_MIB_BAD_CHECKSUM,     /**< TCP checksum wrong: dropped */
  MPTCP_MIB_NO_SOCKET,        /**< no connection or listener: RST sent */
  MPTCP_MIB_OUT_OF_WINDOW,    /**< segment outside the receive window */
  MPTCP_MIB_DUP_DATA,         /**< payload entirely already received */
  MPTCP_MIB_PARTIAL_DUP,      /**< payload partly already received */
  MPTCP_MIB_OFO_QUEUED,       /**< segments queued out of order */
  MPTCP_MIB_BEYOND_WINDOW,    /**< payload bytes beyond the window: trimmed */
  MPTCP_MIB_ACK_TOO_NEW,      /**< ACK of data never sent (RFC 5961 5.2) */
  MPTCP_MIB_ACK_TOO_OLD,      /**< ACK below SND.UNA - MAX.SND.WND: dropped */
  MPTCP_MIB_DUP_ACK,          /**< duplicate ACKs received */
  MPTCP_MIB_RST_IN_WINDOW,    /**< RST in window but not exact: challenge */
  MPTCP_MIB_RST_OUT_WINDOW,   /**< RST outside the window: ignored */
  MPTCP_MIB_RST_ACCEPTED,     /**< RST accepted */
  MPTCP_MIB_SYN_IN_SYNCED,    /**< SYN in a synchronized state: challenge */
  MPTCP_MIB_CHALLENGE_ACK,    /**< challenge ACKs sent (RFC 5961) */
  MPTCP_MIB_BAD_SYN_ACK,      /**< SYN/ACK with a wrong ACK number: RST */
  MPTCP_MIB_SYN_RETRANS,      /**< SYN or SYN/ACK retransmitted */
  MPTCP_MIB_RTO,              /**< retransmission timeouts */
  MPTCP_MIB_FAST_RETRANS,     /**< fast retransmissions (recovery entries) */
  MPTCP_MIB_RETRANS_SEGS,     /**< segments retransmitted */
  MPTCP_MIB_SACK_BLOCKS_IN,   /**< SACK blocks received */
  MPTCP_MIB_SACK_INVALID,     /**< SACK blocks outside SND.UNA..SND.NXT */
  MPTCP_MIB_DSACK_IN,         /**< D-SACK blocks received (RFC 2883) */
  MPTCP_MIB_ZERO_WINDOW_PROBE, /**< zero-window probes sent */
  MPTCP_MIB_TIMEOUT_CLOSE,    /**< connections closed by retry limits */
  MPTCP_MIB_MEM_DROP,         /**< segments dropped at the memory cap */
  MPTCP_MIB_LISTEN_OVERFLOW,  /**< SYNs refused: backlog or memory full */
  MPTCP_MIB_TIME_WAIT_REUSE,  /**< SYN accepted on a TIME-WAIT tuple */
  /* MPTCP (Linux's MPTcpExt* counters) */
  MPTCP_MIB_MP_CAPABLE_SYN_RX,  /**< SYNs with MP_CAPABLE received */
  MPTCP_MIB_MP_CAPABLE_ACTIVE,  /**< connections established as MPTCP */
  MPTCP_MIB_FALLBACK,           /**< connections that fell back to TCP */
  MPTCP_MIB_MPC_BAD_KEY,        /**< MP_CAPABLE ACK echoing a wrong key */
  MPTCP_MIB_JOIN_SYN_RX,        /**< MP_JOIN SYNs received */
  MPTCP_MIB_JOIN_NO_TOKEN,      /**< MP_JOIN SYN with an unknown token: RST */
  MPTCP_MIB_JOIN_BAD_HMAC,      /**< MP_JOIN with a wrong HMAC: RST */
  MPTCP_MIB_JOIN_LIMIT,         /**< MP_JOIN refused: subflow or half-open limit */
  MPTCP_MIB_JOIN_OK,            /**< subflows joined (both sides count) */
  MPTCP_MIB_DSS_NO_MAPPING,     /**< MPTCP data without a usable mapping */
  MPTCP_MIB_DSN_BEYOND_WINDOW,  /**< data beyond DATA_ACK + window: dropped */
  MPTCP_MIB_DSN_DUP,            /**< data at DSNs already received */
  MPTCP_MIB_DSS_CSUM_BAD,       /**< DSS checksum mismatch */
  MPTCP_MIB_DATA_FIN_RX,        /**< DATA_FINs received in order */
  MPTCP_MIB_REINJECT,           /**< segments reinjected from a failed subflow */
  MPTCP_MIB_SUBFLOW_STALE,      /**< subflows marked stale (failed) */
  MPTCP_MIB_ADD_ADDR_RX,        /**< valid ADD_ADDRs received (echoed) */
  MPTCP_MIB_ADD_ADDR_TX,        /**< ADD_ADDRs sent, retransmissions included */
  MPTCP_MIB_ADD_ADDR_ECHO_RX,   /**< ADD_ADDR echoes received */
  MPTCP_MIB_ADD_ADDR_ECHO_TX,   /**< ADD_ADDR echoes sent */
  MPTCP_MIB_ADD_ADDR_BAD_HMAC,  /**< ADD_ADDR with a wrong HMAC (dropped
                                 *   unless add_addr_hmac_check is 0) */
  MPTCP_MIB_ADD_ADDR_RETRANS,   /**< ADD_ADDR retransmission timeouts */
  MPTCP_MIB_RM_ADDR_RX,         /**< address ids received in REMOVE_ADDR */
  MPTCP_MIB_RM_ADDR_TX,         /**< address ids sent in REMOVE_ADDR */
  MPTCP_MIB_RM_SUBFLOW,         /**< subflows closed by a removed address */
  MPTCP_MIB_MP_PRIO_RX,         /**< MP_PRIO received */
  MPTCP_MIB_MP_PRIO_TX,         /**< MP_PRIO sent */
  MPTCP_MIB_FASTCLOSE_RX,       /**< MP_FASTCLOSE with the right key: reset */
  MPTCP_MIB_FASTCLOSE_TX,       /**< MP_FASTCLOSE sent */
  MPTCP_MIB_FASTCLOSE_BAD_KEY,  /**< MP_FASTCLOSE with a wrong key */
  MPTCP_MIB_MP_RST_RX,          /**< resets received with MP_TCPRST */
  MPTCP_MIB_MP_RST_TX,          /**< resets sent with MP_TCPRST */
  MPTCP_MIB_DUP_DATA_MISMATCH,  /**< data at received DSNs that differs from
                                 *   the stored copy (overlap_check) */
  MPTCP_MIB_MP_FAIL_RX,         /**< MP_FAIL received (a report, or the
                                     peer's echo of ours) */
  MPTCP_MIB_MP_FAIL_TX,         /**< MP_FAIL sent (a report, or the echo
                                     that answers one) */
  MPTCP_MIB_INFINITE_MAP_TX,    /**< fallbacks to TCP with an infinite
                                     mapping sent (RFC 8684 section 3.7),
                                     once per connection */
  MPTCP_MIB_INFINITE_MAP_RX,    /**< infinite mappings received, once per
                                     connection */
  MPTCP_MIB_CLOSE_TIMEOUT,      /**< subflows reset by close_timeout */
  MPTCP_MIB_OPP_RETRANS,        /**< opportunistic retransmissions (config
                                     `opportunistic`) */
  MPTCP_MIB_PENALISE,           /**< slow subflows penalised (cwnd halved)
                                     by opportunistic retransmission */
  MPTCP_MIB_HYSTART_TRAIN,      /**< CUBIC slow starts ended by HyStart's
                                     ACK-train detection */
  MPTCP_MIB_HYSTART_DELAY,      /**< CUBIC slow starts ended by HyStart's
                                     delay detection */
  MPTCP_MIB_JOIN_ACK_TIMEOUT,   /**< joins reset because the third ACK (MP_JOIN)
                                     went unanswered syn_retries times */
  MPTCP_MIB_OFO_DROP,           /**< segments dropped: one more out-of-order
                                     range on the subflow would exceed
                                     max_ofo_ranges */
  MPTCP_MIB_DSN_OFO_DROP,       /**< segments dropped: one more data-level
                                     out-of-order range would exceed
                                     max_ofo_ranges */
  MPTCP_MIB_DATA_RTX,           /**< connection-level retransmissions: the
                                     Data ACK stood still for a retransmission
                                     timeout with a subflow idle (Linux's
                                     MPTcpExtRetransSegs) */
  MPTCP_MIB_JOIN_HMAC,          /**< HMACs computed for MP_JOIN handshakes
                                     (SYN/ACK written, SYN/ACK or third ACK
                                     checked): their cost to a host under a
                                     join flood (threat A5) */
  MPTCP_MIB_RM_ADDR_PROBE,      /**< subflows probed before closing them for a
                                     REMOVE_ADDR (remove_addr_probe) */
  MPTCP_MIB_RM_ADDR_KEPT,       /**< ... and kept: the peer still used them */
  MPTCP_MIB_JOIN_RETRY,         /**< joins opened again after the peer refused
                                     them as transient (join_retry_ns) */
  MPTCP_MIB_SYNCOOKIES_SENT,    /**< SYN/ACKs sent with a SYN cookie and no
                                     state (syn_cookies) */
  MPTCP_MIB_SYNCOOKIES_RECV,    /**< third ACKs with a valid cookie: a
                                     connection or subflow made from it */
  MPTCP_MIB_SYNCOOKIES_FAILED,  /**< third ACKs with an invalid or expired
                                     cookie, or no join entry */
  MPTCP_MIB__COUNT
};

/** Value of counter `id` (0 for an unknown id). */
uint64_t mptcp_stack_counter(const mptcp_stack *stack, int id);

/** CamelCase name of counter `id` (e.g. "TcpBadChecksum"), or NULL. */
const char *mptcp_counter_name(int id);

/* ------------------------------------------------------------------ */
/* Small helpers shared by tools and bindings                          */
/* ------------------------------------------------------------------ */

/**
 * Parses exactly `out_len` bytes of hexadecimal text (2 * out_len digits,
 * either case, optional leading "0x") into `out`.
 * Returns MPTCP_OK or MPTCP_ERR_PARSE.
 */
int mptcp_hex_decode(uint8_t *out, size_t out_len, const char *text);

/**
 * Parses hexadecimal text of any even length (optional "0x"; spaces, tabs,
 * newlines and colons anywhere between bytes are skipped) into `out`
 * (capacity `cap`).
 * Returns the number of bytes, or MPTCP_ERR_PARSE / MPTCP_ERR_NOBUF.
 */
int mptcp_hex_decode_any(uint8_t *out, size_t cap, const char *text);

/** The largest rate mptcp_rate_parse() accepts: 10 Tbit/s. */
#define MPTCP_RATE_MAX_BPS 10000000000000ull

/**
 * Parses a data rate with ns-3's meaning of the units (ns-3's DataRate),
 * so that a string means the same rate to ns-3 and to every tool:
 * a decimal number (digits, at most one '.') followed, without a space, by
 * one of bps b/s Bps B/s kbps kb/s Kbps Kb/s kBps kB/s KBps KB/s Kib/s
 * KiB/s Mbps Mb/s MBps MB/s Mib/s MiB/s Gbps Gb/s GBps GB/s Gib/s GiB/s
 * ("b" bits, "B" bytes of 8 bits; k and K 1000, Ki 1024, M 10^6, Mi 2^20,
 * G 10^9, Gi 2^30; case matters: "10MBps" is 80 Mbit/s), or a bare
 * integer of bits per second. The value is the number times the unit's
 * factor, truncated to whole bits per second, exactly as ns-3 computes
 * it. Signs, exponents, spaces, other units, a bare number with a
 * fraction, and results below 1 bit/s or above MPTCP_RATE_MAX_BPS are
 * refused (ns-3 would read some of them as garbage). The decimal point
 * is '.' (the "C" locale, as ns-3's parsing).
 * Returns MPTCP_OK and sets *bps, or MPTCP_ERR_PARSE (bps untouched), or
 * MPTCP_ERR_INVALID_ARGUMENT if text or bps is NULL.
 */
int mptcp_rate_parse(const char *text, uint64_t *bps);

/** Sequence comparisons modulo 2^32 and 2^64 (Linux before()/after()). */
static inline int mptcp_before32(uint32_t a, uint32_t b) {
  return (int32_t)(a - b) < 0;
}
static inline int mptcp_after32(uint32_t a, uint32_t b) {
  return (int32_t)(b - a) < 0;
}
static inline int mptcp_before64(uint64_t a, uint64_t b) {
  return (int64_t)(a - b) < 0;
}
static inline int mptcp_after64(uint64_t a, uint64_t b) {
  return (int64_t)(b - a) < 0;
}

/* ------------------------------------------------------------------ */
/* Attacker (threats A1-A6 of the threat model)                        */
/* ------------------------------------------------------------------ */
/*
 * An attacker is driven like a stack, and is just as sans-IO. The host
 * places it in its network and
 *   - hands it, with mptcp_attacker_observe(), every segment it can see:
 *     an on-path attacker (a tap on one link) sees every segment crossing
 *     that link; an off-path attacker sees none;
 *   - sends what mptcp_attacker_write() returns (loop until 0): forged
 *     segments in real wire format (mptcp_tcphdr_encode, correct TCP
 *     checksum), with the spoofed IP source and the victim as destination;
 *   - calls mptcp_attacker_handle_expiry() at mptcp_attacker_get_expiry().
 * Randomness and memory come through the same hooks as a stack's, so the
 * same inputs give the same forgeries.
 *
 * Each attack is an entry of an ops table (model/core/src/attack.c), one
 * small file per family; mptcp_attack_name() lists them.
 *
 * A6, forged signals (attack_signals.c). Each forgery is spoofed from the
 * victim's peer on one subflow:
 *   "rst"          a RST;
 *   "mp-tcprst"    a RST with MP_TCPRST (reason unspecified);
 *   "remove-addr"  a pure ACK with REMOVE_ADDR naming the peer's address
 *                  id on that subflow (learnt from the MP_JOIN SYN/ACK, 0
 *                  for the initial subflow; off-path: `addr_id`);
 *   "mp-prio"      a pure ACK with MP_PRIO, backup 1: the victim stops
 *                  sending on that subflow (traffic diversion);
 *   "fastclose"    a pure ACK with MP_FASTCLOSE. With `use_keys` and the
 *                  MP_CAPABLE handshake seen (on-path), the victim's real
 *                  key; otherwise a random, wrong one.
 *   "add-addr"     (A4) a pure ACK with ADD_ADDR announcing `announce_addr`
 *                  (id `addr_id`); its HMAC is right with `use_keys` and
 *                  the keys seen (on-path), random otherwise.
 * A2, "dsn-inject" (attack_dsn.c): on-path, data in sequence on the
 * subflow whose DSS mapping covers data sequence numbers `dsn_lead` bytes
 * from the victim's last DATA_ACK; the payload is MPTCP_ATTACK_PATTERN.
 * A1, "hole-flood" (attack_dsn.c): the same, forgery i mapped at
 * `dsn_lead` + 2 * i * `payload_len` past that DATA_ACK: a hole of one
 * payload between each two, every forgery held out of order (or dropped).
 * A3 and A5, MP_JOIN SYNs toward the victim (the server), a fresh source
 * port each, from `peer_addr` when set (attack_join.c):
 *   "join-guess"   off-path only: a random token each time (2^-32 per try);
 *   "join-flood"   on-path: the connection's real token once the
 *                  MP_CAPABLE keys were seen (none sent before); off-path:
 *                  random tokens.
 * A3, "eavesdrop-join" (attack_join.c): on-path, with the MP_CAPABLE keys
 * seen, a subflow of the attacker's own into the connection: a SYN with
 * MP_JOIN (the victim's token) from `peer_addr` (the attacker's address,
 * required, where the host delivers what the victim sends back, to
 * mptcp_attacker_observe()), the third ACK with the right HMAC once the
 * victim's SYN/ACK is seen, then an ACK for the data the victim sends on
 * it (stats: joined, bytes_received). The residual threat of RFC 8684:
 * the keys travel in clear (RFC 7430 section 5), and the join's HMACs do
 * not cover addresses. The victim is the end the join goes to; `guesses`
 * bounds the segments sent (SYN, third ACK, ACKs), `interval_ns` spaces
 * them.
 * On-path, the attacker learns from the victim's own segments the
 * 4-tuple and what the victim expects (their acknowledgement number is its
 * RCV.NXT), from the peer's the window, address id and last
 * acknowledgement, and from the MP_CAPABLE handshake both keys; it forges
 * exactly in sequence, acknowledging nothing new. Off-path it knows only the
 * 4-tuple it is given (the classic blind-attack assumption: addresses
 * known, ports guessable) and sends `guesses` forgeries, one every
 * `interval_ns`, at sequence numbers base + i * `guess_step` from a
 * random base (and a random acknowledgement number).
 */

/** Errors of the attacker (continue enum mptcp_error). */
enum mptcp_attack_error {
  /** No attack of that name is registered. */
  MPTCP_ERR_UNKNOWN_ATTACK = -320,
};

/** Which end of a connection an attacker strikes. */
enum mptcp_attack_victim {
  MPTCP_VICTIM_CLIENT = 0, /**< the end that sent the SYN */
  MPTCP_VICTIM_SERVER = 1, /**< the end that answered it */
};

/** Configuration of an attacker. mptcp_attack_config_default() fills it. */
typedef struct mptcp_attack_config {
  /** The attack, by name (mptcp_attack_name). Default "rst". */
  const char *name;
  /** 1: on-path (learns from observed segments); 0: off-path (blind).
   *  Default 1. */
  uint8_t on_path;
  /** enum mptcp_attack_victim. Default MPTCP_VICTIM_CLIENT. */
  uint8_t victim;
  /** The first forgery is not sent before this time. On-path it also
   *  waits for a segment from the victim on an established subflow (the
   *  last one seen before the first forgery is the one attacked).
   *  Default 1 s. */
  uint64_t start_ns;
  /** Forgeries to send: on-path, copies of the one in-sequence forgery;
   *  off-path, the number of blind guesses. 1..2^24. Default 1 on-path
   *  (the tool sets its own off-path default). */
  uint32_t guesses;
  /** Time between two forgeries. Default 10 us. */
  uint64_t interval_ns;
  /** Off-path: sequence-number distance between two guesses (a guess of
   *  the victim's receive window). 1..2^31. Default 65535. */
  uint32_t guess_step;
  /** "fastclose": use the victim's key when it was learnt (on-path, from
   *  the MP_CAPABLE third ACK or first data); "add-addr": compute the
   *  ADD_ADDR HMAC from the keys learnt. 0: a random wrong key or HMAC.
   *  Default 0. */
  uint8_t use_keys;
  /** Off-path "remove-addr": the address id to name. Default 0. */
  uint8_t addr_id;
  /** Off-path: the victim's address and port, and the peer's address and
   *  port that forgeries claim as source. On-path, victim_addr (when its
   *  family is 4 or 6) narrows the target to the victim's subflows from
   *  that address and port, e.g. one attacker per connection of a host
   *  that serves each on its own port: segments to or from other
   *  addresses and ports are ignored (not counted as observed); family 0
   *  (the default): any subflow of the victim. On-path only "join-guess" and "join-flood"
   *  use peer_addr: their source address when its family is the victim's
   *  (a spoofed one), else the victim's peer's; "eavesdrop-join" requires
   *  it: the attacker's own address (the port is chosen). */
  mptcp_addr victim_addr;
  mptcp_addr peer_addr;
  /** "dsn-inject" (A2, on-path): where each forged mapping starts, in
   *  bytes from the victim's data-level RCV.NXT (the last DATA_ACK it was
   *  seen to send). >= 0: ahead of the real data (bytes the peer may be
   *  carrying on another subflow, not yet received); < 0: behind it
   *  (bytes already received: the victim keeps its first copy). Default 0. */
  int64_t dsn_lead;
  /** "add-addr": the address (and port, 0: none) the forged ADD_ADDR
   *  announces, with id `addr_id`: the attacker's own, where it relays
   *  the subflow the victim opens to it (threat A4). */
  mptcp_addr announce_addr;
  /** "dsn-inject": payload bytes per forgery, 1..1400: the attacker's own
   *  pattern (MPTCP_ATTACK_PATTERN). The mapping carries no DSS checksum
   *  (checksums not negotiated). Default 100. */
  uint16_t payload_len;
  /** 1: forged payloads are virtual, as a host running its stacks with
   *  mptcp_config.virtual_payload expects: mptcp_attacker_write() writes
   *  the header only and sets payload_virtual (the TCP checksum then
   *  covers the header only, and such segments are not checked). The
   *  pattern cannot be counted at the receiver then. Default 0. */
  uint8_t virtual_payload;
} mptcp_attack_config;

/** The byte every payload an attacker forges is filled with. */
#define MPTCP_ATTACK_PATTERN 0xA5

/** Fills `cfg` with the defaults documented on each field. */
void mptcp_attack_config_default(mptcp_attack_config *cfg);

/** The name of the i-th registered attack (from 0), or NULL past the
 *  last. The strings are static. */
const char *mptcp_attack_name(unsigned i);

/** MPTCP_OK if `name` is a registered attack, MPTCP_ERR_UNKNOWN_ATTACK if
 *  not, MPTCP_ERR_INVALID_ARGUMENT for NULL. */
int mptcp_attack_check(const char *name);

typedef struct mptcp_attacker mptcp_attacker;

/**
 * Creates an attacker. `cfg` is copied (its name must stay valid);
 * `mem` NULL means mptcp_mem_default(); `rand` is required and gets
 * `user_data`. Returns MPTCP_OK, MPTCP_ERR_INVALID_ARGUMENT (NULL, a value
 * out of range, off-path without victim_addr/peer_addr of family 4 or 6),
 * MPTCP_ERR_UNKNOWN_ATTACK or MPTCP_ERR_NOMEM.
 */
int mptcp_attacker_new(mptcp_attacker **pa, const mptcp_attack_config *cfg,
                       const mptcp_mem *mem, mptcp_rand_fn rand,
                       void *user_data);

/** Frees the attacker. NULL is allowed. */
void mptcp_attacker_del(mptcp_attacker *a);

/**
 * A segment crossed the attacker's link at `now` (same arguments as
 * mptcp_stack_read). Off-path attackers ignore it. Malformed segments are
 * ignored. Returns MPTCP_OK or MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_attacker_observe(mptcp_attacker *a, const mptcp_addr *src,
                           const mptcp_addr *dst, const uint8_t *data,
                           size_t len, size_t virtual_len, uint64_t now);

/**
 * Writes the next forged segment due at `now` into `buf` (capacity `cap`,
 * MPTCP_TCP_HDR_MAX suffices, plus payload_len for "dsn-inject") and
 * describes it in `seg` (src: the spoofed source; a payload follows the
 * header). Returns 1 (a segment), 0 (nothing now), MPTCP_ERR_NOBUF or
 * MPTCP_ERR_INVALID_ARGUMENT.
 */
int mptcp_attacker_write(mptcp_attacker *a, mptcp_segment *seg, uint8_t *buf,
                         size_t cap, uint64_t now);

/** When the attacker next has something to send, or MPTCP_TIME_NEVER. */
uint64_t mptcp_attacker_get_expiry(const mptcp_attacker *a);

/** Time `now` has come: the host then drains mptcp_attacker_write().
 *  Returns MPTCP_OK. */
int mptcp_attacker_handle_expiry(mptcp_attacker *a, uint64_t now);

/** What an attacker did and learnt. */
typedef struct mptcp_attacker_stats {
  uint64_t observed;   /**< segments observed (on-path) */
  uint64_t forged;     /**< forged segments written */
  uint64_t forged_bytes; /**< payload bytes in forged segments */
  uint8_t target_known; /**< on-path: a subflow toward the victim was learnt */
  uint8_t keys_known;  /**< the MPTCP keys were seen in clear */
  uint8_t done;        /**< every forgery has been written */
  /** "eavesdrop-join": the victim answered the attacker's third ACK (its
   *  subflow to the attacker is established at both ends). */
  uint8_t joined;
  /** "eavesdrop-join": payload bytes the victim sent on the attacker's
   *  subflow and the attacker acknowledged (in sequence). */
  uint64_t bytes_received;
} mptcp_attacker_stats;

/** Fills `st`. */
void mptcp_attacker_get_stats(const mptcp_attacker *a, mptcp_attacker_stats *st);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* MPTCP_MPTCP_H */
