/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reno (RFC 5681) with appropriate byte counting (RFC 3465): slow start
 * adds the bytes acknowledged, congestion avoidance one MSS per cwnd bytes
 * acknowledged (Linux's tcp_reno_cong_avoid, in bytes). After a loss,
 * ssthresh = max(FlightSize / 2, 2 * MSS) (RFC 5681 equation 4).
 */
#include "internal.h"

void tcp_slow_start(struct tcp_sf *sf, uint64_t *acked) {
  uint64_t room = sf->ssthresh > sf->cwnd ? sf->ssthresh - sf->cwnd : 0;
  uint64_t add = *acked < room ? *acked : room;
  sf->cwnd += add;
  *acked -= add;
}

/* One MSS for every `w` bytes acknowledged. As Linux's tcp_cong_avoid_ai
 * (net/ipv4/tcp_cong.c): credit earned while w was larger is not turned
 * into many segments at once when w shrinks -- it is dropped for one
 * segment ("apply them gently"). CUBIC needs this: on its plateau w is
 * 100 cwnd, and the credit piled up there would otherwise multiply cwnd on
 * the first ACK past the plateau. */
void tcp_cong_avoid_ai(struct tcp_sf *sf, uint64_t w, uint64_t acked) {
  if (w < sf->mss)
    w = sf->mss;
  if (sf->cwnd_cnt >= w) {
    sf->cwnd_cnt = 0;
    sf->cwnd += sf->mss;
  }
  sf->cwnd_cnt += acked;
  if (sf->cwnd_cnt >= w) {
    uint64_t n = sf->cwnd_cnt / w;
    sf->cwnd_cnt -= n * w;
    sf->cwnd += n * sf->mss;
  }
}

static void reno_init(struct tcp_sf *sf) { sf->cwnd_cnt = 0; }

static uint64_t reno_ssthresh(struct tcp_sf *sf) {
  /* RFC 5681 equation 4 (and RFC 6675 section 5 step 4.2): FlightSize,
   * the data sent and not cumulatively acknowledged -- not the pipe,
   * which has already shed the SACKed and lost segments. */
  uint64_t half = sf->out_bytes / 2;
  return half > 2u * sf->mss ? half : 2u * sf->mss;
}

static void reno_cong_avoid(struct tcp_sf *sf, uint64_t acked, uint64_t now) {
  (void)now;
  if (sf->cwnd < sf->ssthresh) {
    tcp_slow_start(sf, &acked);
    if (!acked)
      return;
  }
  tcp_cong_avoid_ai(sf, sf->cwnd, acked);
}

const struct tcp_cc_ops tcp_cc_reno = {
    .name = "reno",
    .init = reno_init,
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
};
