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
 *   - REMOVE_ADDR, MP_PRIO: nothing but the acceptability of the segment
 *     that carries them (in the window): RFC 8684 authenticates neither;
 *   - MP_FASTCLOSE: the victim's key (mptcp_config.fastclose_key_check),
 *     which an eavesdropper of the MP_CAPABLE handshake knows.
 */
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

const struct attack_ops attack_rst = {.name = "rst", .write = fill_rst};
const struct attack_ops attack_mp_tcprst = {.name = "mp-tcprst", .write = fill_mp_tcprst};
const struct attack_ops attack_remove_addr = {.name = "remove-addr", .write = fill_remove_addr};
const struct attack_ops attack_mp_prio = {.name = "mp-prio", .write = fill_mp_prio};
const struct attack_ops attack_fastclose = {.name = "fastclose", .write = fill_fastclose};
