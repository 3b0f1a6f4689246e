/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attack.h - the attacker's internals, shared by the driver (attack.c) and
 * the attack families (attack_*.c).
 *
 * The driver learns what an on-path attacker can learn, fills the fixed
 * fields of each forgery (addresses, ports, sequence and acknowledgement
 * numbers, window) and encodes it; an attack only says what the forgery
 * carries (flags and options). Adding an attack: a struct attack_ops in
 * its family's file and one line in the table of attack.c.
 */
#ifndef MPTCP_ATTACK_H
#define MPTCP_ATTACK_H

#include "mptcp/mptcp.h"

/** Directions of TCP connections an attacker tracks at once. */
#define ATK_MAX_FLOWS 32

/* One direction of one TCP connection, as seen on the link. */
struct atk_flow {
  mptcp_addr src, dst;  /* with ports */
  uint32_t nxt;         /* sequence number after the highest seen */
  uint32_t seq_last;    /* sequence number of the last segment seen */
  uint32_t ack;         /* last acknowledgement number */
  uint16_t window;      /* last window field */
  uint8_t used;         /* (a forgery's flow: 1 if isn is known) */
  uint8_t isn_seen;
  uint8_t synced;       /* a segment after the handshake was seen */
  uint8_t from_client;  /* src sent the SYN of this connection */
  uint8_t is_join;      /* the SYN carried MP_JOIN */
  uint32_t isn;         /* sequence number of src's SYN, if seen */
  uint8_t addr_id;      /* src's address id (MP_JOIN SYN or SYN/ACK; 0 on
                           the initial subflow) */
  uint32_t last_plen;   /* payload bytes of the last segment seen */
};

struct mptcp_attacker;

/* An attack: what its forgeries carry. */
struct attack_ops {
  const char *name;
  /* Optional: checks the configuration (0 or a negative error). */
  int (*init)(struct mptcp_attacker *a);
  /* Optional: sees each observed segment after the driver learnt from it. */
  void (*observe)(struct mptcp_attacker *a, const struct atk_flow *f,
                  const mptcp_tcphdr *th, uint64_t now);
  /* Required: given `h` with the fixed fields filled (flags 0, no
   * option) for a forgery sent over `f` (toward the victim: f->dst),
   * sets its flags and options, and a->payload_len (payload bytes of
   * MPTCP_ATTACK_PATTERN after the header; the driver resets it to 0).
   * Returns 0, 1 (nothing to forge yet: no segment, retried at the next
   * call), or a negative error. */
  int (*write)(struct mptcp_attacker *a, const struct atk_flow *f,
               mptcp_tcphdr *h, uint64_t now);
};

struct mptcp_attacker {
  mptcp_attack_config cfg;
  const struct attack_ops *ops;
  mptcp_mem mem;
  mptcp_rand_fn rand;
  void *user_data;
  struct atk_flow flows[ATK_MAX_FLOWS];
  unsigned n_flows;
  struct atk_flow *target; /* the flow toward the victim forged over */
  struct atk_flow blind;   /* off-path: the given 4-tuple */
  uint64_t next_ns;        /* when the next forgery is due */
  uint32_t sent;           /* forgeries written */
  uint32_t guess_base;     /* off-path: the first guessed sequence number */
  uint32_t guess_ack;      /* off-path: the guessed acknowledgement */
  uint64_t key_client;     /* MPTCP keys seen in clear (MP_CAPABLE) */
  uint64_t key_server;
  mptcp_attacker_stats st;
  size_t payload_len;      /* payload of the forgery being written */
  uint64_t data_ack;       /* dsn-inject: the victim's last DATA_ACK */
  uint8_t data_ack_known;
  uint32_t hole_seq;       /* hole-flood: subflow sequence after the last forgery */
  mptcp_addr forge_src;    /* the forgery's source, if forge_src_set (an
                              attack's write may set it; reset per forgery) */
  uint8_t forge_src_set;
  uint8_t waiting;         /* the attack's write found nothing to forge yet:
                              no expiry before the next observation */
  struct {                 /* eavesdrop-join: the attacker's own subflow */
    uint8_t state;         /* 0 nothing sent, 1 SYN sent, 2 SYN/ACK seen
                              (third ACK due), 3 third ACK sent */
    uint8_t ack_due;       /* an ACK is owed to the victim */
    uint16_t port;         /* the attacker's port */
    uint32_t snd_nxt;      /* the attacker's next sequence number */
    uint32_t rcv_nxt;      /* the victim's next expected byte */
    uint32_t nonce;        /* R-A, the attacker's */
    uint32_t nonce_victim; /* R-B, from the victim's SYN/ACK */
    uint64_t sent_at;      /* when the SYN or the third ACK was last sent */
  } ej;
};

/* The key a forgery over `f` must carry to be believed (the key of the
 * victim, f->dst) if it was learnt: returns 1 and sets *key, else 0. */
int atk_victim_key(const struct mptcp_attacker *a, const struct atk_flow *f,
                   uint64_t *key);

/* A random 64-bit value from the host's hook. */
uint64_t atk_rand64(struct mptcp_attacker *a);

#endif /* MPTCP_ATTACK_H */
