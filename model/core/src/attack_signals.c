/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attack_signals.c - threat A6: forged teardown and priority signals.
 *
 * Each forgery claims to come from the victim's peer on one subflow; the
 * driver (attack.c) has set its addresses, ports, sequence and
 * acknowledgement numbers. What protects the victim:
 *   - RST, MP_TCPRST: RFC 5961 section 3.2 (mptcp_config.rst_seq_check):
 *     only a RST at exactly RCV.NXT is believed. An on-path attacker
 *     knows RCV.NXT, so this stops blind attackers only;
 *   - REMOVE_ADDR, MP_PRIO: RFC 8684 authenticates neither; the segment
 *     that carries them must be in the window and, with
 *     mptcp_config.opt_ack_check, have an acceptable ACK field (RFC 5961
 *     section 5.2, judged before the options): a blind attacker must
 *     guess both numbers. REMOVE_ADDR also meets remove_addr_probe;
 *   - MP_FASTCLOSE: the victim's key (mptcp_config.fastclose_key_check),
 *     which an eavesdropper of the MP_CAPABLE handshake knows;
 *   - ADD_ADDR (threat A4): its HMAC (mptcp_config.add_addr_hmac_check),
 *     keyed with both keys, which that eavesdropper knows too.
 */
#include <string.h>

#include "attack.h"

static int fill_rst(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                    uint64_t now) {
  (void)a;
  (void)f;
  (void)now;
  h->flags = MPTCP_TH_RST | MPTCP_TH_ACK;
  return 0;
}

static int fill_mp_tcprst(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                          uint64_t now) {
  fill_rst(a, f, h, now);
  h->opts |= MPTCP_OPT_MP_TCPRST;
  h->tcprst.flags = 0;
  h->tcprst.reason = MPTCP_RST_EUNSPEC;
  return 0;
}

static int fill_remove_addr(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                            uint64_t now) {
  (void)a;
  (void)now;
  h->flags = MPTCP_TH_ACK;
  h->opts |= MPTCP_OPT_REMOVE_ADDR;
  h->rm_addr.n = 1;
  h->rm_addr.ids[0] = f->addr_id; /* the peer's id of this subflow's address */
  return 0;
}

static int fill_mp_prio(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                        uint64_t now) {
  (void)a;
  (void)f;
  (void)now;
  h->flags = MPTCP_TH_ACK;
  h->opts |= MPTCP_OPT_MP_PRIO;
  h->prio.backup = 1;
  return 0;
}

static int fill_fastclose(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                          uint64_t now) {
  (void)now;
  uint64_t key;
  if (!a->cfg.use_keys || !atk_victim_key(a, f, &key)) {
    /* a key the attacker does not know: random, never the real one */
    key = atk_rand64(a);
    uint64_t real;
    if (atk_victim_key(a, f, &real) && key == real)
      key = ~key;
  }
  /* RFC 8684 section 3.5, the "ACK" form: MP_FASTCLOSE on an ACK */
  h->flags = MPTCP_TH_ACK;
  h->opts |= MPTCP_OPT_MP_FASTCLOSE;
  h->fastclose.key = key;
  return 0;
}

/* A4: ADD_ADDR announcing `announce_addr` (the attacker's, id
 * `addr_id`) as if the peer had. RFC 8684 section 3.4.1: the HMAC is keyed
 * with both keys (the announcer's first); with `use_keys` and the
 * MP_CAPABLE keys seen on-path it is the right one, otherwise random. */
static int fill_add_addr(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                         uint64_t now) {
  (void)now;
  const mptcp_addr *x = &a->cfg.announce_addr;
  h->flags = MPTCP_TH_ACK;
  h->opts |= MPTCP_OPT_ADD_ADDR;
  h->add_addr.echo = 0;
  h->add_addr.addr_id = a->cfg.addr_id;
  h->add_addr.family = x->family;
  h->add_addr.has_port = x->port != 0;
  h->add_addr.port = x->port;
  memcpy(h->add_addr.addr, x->ip, x->family == 6 ? 16 : 4);
  uint64_t victim_key;
  if (a->cfg.use_keys && atk_victim_key(a, f, &victim_key)) {
    uint64_t peer_key = victim_key == a->key_client ? a->key_server : a->key_client;
    h->add_addr.thmac =
        mptcp_add_addr_hmac(peer_key, victim_key, a->cfg.addr_id, x->family, x->ip, x->port);
  } else {
    h->add_addr.thmac = atk_rand64(a);
  }
  return 0;
}

static int add_addr_init(struct mptcp_attacker *a) {
  int fam = a->cfg.announce_addr.family;
  return fam == 4 || fam == 6 ? 0 : MPTCP_ERR_INVALID_ARGUMENT;
}

const struct attack_ops attack_rst = {.name = "rst", .write = fill_rst};
const struct attack_ops attack_add_addr = {
    .name = "add-addr", .init = add_addr_init, .write = fill_add_addr};
const struct attack_ops attack_mp_tcprst = {.name = "mp-tcprst", .write = fill_mp_tcprst};
const struct attack_ops attack_remove_addr = {.name = "remove-addr", .write = fill_remove_addr};
const struct attack_ops attack_mp_prio = {.name = "mp-prio", .write = fill_mp_prio};
const struct attack_ops attack_fastclose = {.name = "fastclose", .write = fill_fastclose};
