/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CUBIC (RFC 9438) as Linux runs it (net/ipv4/tcp_cubic.c, "BIC-TCP v2.3"):
 * the same rules and the same whole-segment arithmetic, so that a window
 * trace can be set beside a Linux one.
 *
 * Congestion avoidance. Windows are counted in whole segments (cwnd / MSS,
 * rounded down), as Linux's snd_cwnd is. At the start of an epoch (the
 * first ACK in congestion avoidance after a reduction) K = cbrt((W_max -
 * cwnd) / C) and the origin is W_max, or K = 0 and the origin is cwnd when
 * cwnd has reached W_max already. On every ACK:
 *   t      = now - epoch start + delay_min          (seconds)
 *   delta  = floor(C |t - K|^3)                     (whole segments)
 *   target = origin - delta (t < K), origin + delta (t >= K)
 *   cnt    = cwnd / (target - cwnd)   if target > cwnd, else 100 cwnd
 * and cwnd grows by one segment per cnt segments acknowledged (cnt at
 * least 2: at most 1.5 times per RTT). Before the first loss cnt is at
 * most 20 (5 % per RTT). C = 0.4 (RFC 9438 section 5; Linux's bic_scale
 * 41/1024 * 10 = 0.4004).
 *
 * Reno-friendly region (RFC 9438 section 4.3; Linux's tcp_friendliness,
 * config cubic_tcp_friendliness): an estimate of Reno's window starts at
 * cwnd with the epoch and gains one segment for every
 * floor(15 cwnd / 8) segments acknowledged (alpha = 3(1 - beta)/(1 + beta)
 * = 0.53 per RTT with Linux's fixed-point beta_scale = 15); while it is
 * above cwnd, cnt is at most cwnd / (estimate - cwnd). Linux keeps alpha
 * for the whole epoch; RFC 9438 raises it to 1 once the estimate passes
 * the window before the loss. Off, the window follows the cubic function
 * alone, as ns-3 3.37's TcpCubic does.
 *
 * Reduction (Linux's cubictcp_recalc_ssthresh): beta = 717/1024; fast
 * convergence (RFC 9438 section 4.7): a loss below the previous W_max sets
 * W_max = cwnd (1 + beta) / 2, else W_max = cwnd; ssthresh =
 * max(cwnd beta, 2) segments. A retransmission timeout forgets everything
 * but the HyStart round (section 4.8; Linux's bictcp_reset on TCP_CA_Loss).
 *
 * HyStart (Ha and Rhee, "Taming the elephants", 2008/2011; Linux's
 * hystart_update; config cubic_hystart): in slow start, once cwnd >= 16
 * segments, slow start ends (ssthresh = cwnd) when either
 *  - ACK train: ACKs spaced at most 2 ms apart have kept arriving for more
 *    than delay_min / 2 since the round began, or
 *  - delay: the smallest of the first 8 RTT samples of the round exceeds
 *    delay_min + clamp(delay_min / 8, 4 ms, 16 ms).
 * A round begins when an RTT sample comes with snd_una past the snd_nxt
 * recorded at the last round start. Linux adds to the ACK-train threshold
 * a cushion for TSO/GRO aggregation and pacing (at most 1 ms); the model
 * has neither, so none is added.
 *
 * delay_min is the smallest RTT sample, ignoring samples during the first
 * second of an epoch (Linux: "discard delay samples right after fast
 * recovery"); before any sample, srtt or the initial RTO stands in.
 *
 * Differences from Linux kept on purpose: cnt is recomputed on every ACK
 * (Linux at most once per jiffy, and not again within HZ/32 while cwnd is
 * unchanged); K uses libm's cbrt, not Linux's table-and-Newton cube root
 * (0.2 % error); the epoch is not shifted across idle periods
 * (CA_EVENT_TX_START).
 */
#include <math.h>

#include "internal.h"

#define CUBIC_C 0.4
#define CUBIC_BETA_NUM 717u  /* beta = 717 / 1024 (Linux's `beta`) */
#define CUBIC_BETA_DEN 1024u
#define CUBIC_FRIENDLY_SCALE 15u /* Linux's beta_scale: 8 (1024 + 717) / 3 / (1024 - 717) */
#define CUBIC_CNT_CLAMP 20u      /* cnt before the first loss */
#define HYSTART_LOW_WINDOW 16u   /* segments */
#define HYSTART_ACK_DELTA_NS (2 * MPTCP_MS)
#define HYSTART_MIN_SAMPLES 8u
#define HYSTART_DELAY_MIN_NS (4 * MPTCP_MS)
#define HYSTART_DELAY_MAX_NS (16 * MPTCP_MS)
#define CUBIC_DELAY_HOLD_NS MPTCP_S /* samples ignored after an epoch starts */

struct cubic {
  uint64_t epoch_start; /* ns; 0 = no epoch */
  uint64_t ack_cnt;     /* bytes acknowledged toward the next Reno-estimate segment */
  uint64_t delay_min;   /* ns; 0 = no sample yet */
  double k;             /* seconds from the epoch start to the origin */
  uint32_t cnt;         /* segments acknowledged per one-segment increase */
  uint32_t last_max;    /* W_max, segments; 0 = no loss yet */
  uint32_t origin;      /* segments */
  uint32_t tcp_cwnd;    /* Reno-friendly estimate, segments */
  /* HyStart */
  uint64_t round_start, last_ack, end_seq, curr_rtt;
  uint8_t sample_cnt;
  uint8_t found;
};

_Static_assert(sizeof(struct cubic) <= TCP_CC_PRIV_SIZE, "cubic state too large");

static struct cubic *ca(struct tcp_sf *sf) { return (struct cubic *)sf->cc_priv; }

static uint32_t cwnd_segs(const struct tcp_sf *sf) {
  uint64_t w = sf->cwnd / sf->mss;
  if (w < 1)
    w = 1;
  return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

static void hystart_reset(struct tcp_sf *sf, uint64_t now) {
  struct cubic *c = ca(sf);
  c->round_start = c->last_ack = now;
  c->end_seq = sf->snd_nxt;
  c->curr_rtt = UINT64_MAX;
  c->sample_cnt = 0;
}

/* Everything but the HyStart round (Linux's bictcp_reset). */
static void cubic_reset(struct cubic *c) {
  c->epoch_start = 0;
  c->ack_cnt = 0;
  c->delay_min = 0;
  c->k = 0;
  c->cnt = 0;
  c->last_max = 0;
  c->origin = 0;
  c->tcp_cwnd = 0;
  c->found = 0;
}

static void cubic_init(struct tcp_sf *sf) {
  memset(ca(sf), 0, sizeof(struct cubic));
  hystart_reset(sf, 0);
}

static uint64_t cubic_ssthresh(struct tcp_sf *sf) {
  struct cubic *c = ca(sf);
  uint32_t w = cwnd_segs(sf);
  c->epoch_start = 0;
  if (w < c->last_max) /* fast convergence */
    c->last_max = (uint32_t)((uint64_t)w * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
                             (2 * CUBIC_BETA_DEN));
  else
    c->last_max = w;
  uint64_t ss = (uint64_t)w * CUBIC_BETA_NUM / CUBIC_BETA_DEN;
  if (ss < 2)
    ss = 2;
  return ss * sf->mss;
}

static void cubic_set_state(struct tcp_sf *sf, int st, uint64_t now) {
  if (st == TCP_CA_LOSS) {
    cubic_reset(ca(sf));
    hystart_reset(sf, now);
  }
}

static uint64_t delay_or_srtt(const struct tcp_sf *sf) {
  const struct cubic *c = (const struct cubic *)sf->cc_priv;
  if (c->delay_min)
    return c->delay_min;
  return sf->srtt ? sf->srtt : sf->conn->cfg.initial_rto_ns;
}

/* Linux's bictcp_update: the segments per increase for this ACK. */
static void cubic_update(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  struct cubic *c = ca(sf);
  uint32_t w = cwnd_segs(sf);
  c->ack_cnt += acked;
  if (c->epoch_start == 0) {
    c->epoch_start = now ? now : 1;
    c->ack_cnt = acked;
    c->tcp_cwnd = w;
    if (c->last_max <= w) {
      c->k = 0;
      c->origin = w;
    } else {
      c->k = cbrt((double)(c->last_max - w) / CUBIC_C); /* RFC 9438 eq. 2 */
      c->origin = c->last_max;
    }
  }
  double t = (double)(now - c->epoch_start + delay_or_srtt(sf)) / 1e9;
  double offs = t < c->k ? c->k - t : t - c->k;
  double d = CUBIC_C * offs * offs * offs; /* RFC 9438 eq. 1, less W_max */
  uint64_t delta = d >= 1e9 ? UINT64_C(1000000000) : (uint64_t)d;
  uint64_t target;
  if (t < c->k)
    target = c->origin > delta ? c->origin - delta : 0;
  else
    target = c->origin + delta;
  uint64_t cnt = target > w ? w / (target - w) : 100u * (uint64_t)w;
  if (c->last_max == 0 && cnt > CUBIC_CNT_CLAMP)
    cnt = CUBIC_CNT_CLAMP;

  if (sf->conn->cfg.cubic_tcp_friendliness) {
    uint64_t per = ((uint64_t)w * CUBIC_FRIENDLY_SCALE >> 3) * sf->mss;
    if (per == 0)
      per = sf->mss;
    if (c->ack_cnt > per) {
      uint64_t n = (c->ack_cnt - 1) / per;
      c->ack_cnt -= n * per;
      c->tcp_cwnd += (uint32_t)n;
    }
    if (c->tcp_cwnd > w) {
      uint64_t max_cnt = w / (c->tcp_cwnd - w);
      if (cnt > max_cnt)
        cnt = max_cnt;
    }
  }
  if (cnt < 2)
    cnt = 2;
  c->cnt = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt;
}

static void cubic_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  cubic_update(sf, acked, now);
  tcp_cong_avoid_ai(sf, (uint64_t)ca(sf)->cnt * sf->mss, acked);
}

static void hystart_found(struct tcp_sf *sf, int mib) {
  ca(sf)->found = 1;
  sf->ssthresh = sf->cwnd;
  if (sf->conn->stack)
    mib_inc(sf->conn->stack, mib);
}

static void hystart_update(struct tcp_sf *sf, uint64_t delay, uint64_t now) {
  struct cubic *c = ca(sf);
  if (sf->snd_una > c->end_seq)
    hystart_reset(sf, now);
  if (sf->cwnd < (uint64_t)HYSTART_LOW_WINDOW * sf->mss)
    return;
  if (now - c->last_ack <= HYSTART_ACK_DELTA_NS) {
    c->last_ack = now;
    if (now - c->round_start > c->delay_min / 2) {
      hystart_found(sf, MPTCP_MIB_HYSTART_TRAIN);
      return;
    }
  }
  if (c->curr_rtt > delay)
    c->curr_rtt = delay;
  if (c->sample_cnt < HYSTART_MIN_SAMPLES) {
    c->sample_cnt++;
  } else {
    uint64_t thr = c->delay_min / 8;
    if (thr < HYSTART_DELAY_MIN_NS)
      thr = HYSTART_DELAY_MIN_NS;
    if (thr > HYSTART_DELAY_MAX_NS)
      thr = HYSTART_DELAY_MAX_NS;
    if (c->curr_rtt > c->delay_min + thr)
      hystart_found(sf, MPTCP_MIB_HYSTART_DELAY);
  }
}

/* Linux's cubictcp_acked. */
static void cubic_on_rtt(struct tcp_sf *sf, uint64_t rtt, uint64_t now) {
  struct cubic *c = ca(sf);
  if (c->epoch_start && now - c->epoch_start < CUBIC_DELAY_HOLD_NS)
    return;
  if (rtt == 0)
    rtt = 1;
  if (c->delay_min == 0 || rtt < c->delay_min)
    c->delay_min = rtt;
  if (!c->found && sf->cwnd < sf->ssthresh && sf->conn->cfg.cubic_hystart)
    hystart_update(sf, rtt, now);
}

const struct tcp_cc_ops tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .set_state = cubic_set_state,
    .on_rtt = cubic_on_rtt,
};
