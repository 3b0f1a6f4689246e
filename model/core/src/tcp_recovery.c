/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loss detection and recovery of a subflow: the transmit records, the SACK
 * scoreboard (RFC 2018, RFC 6675), proportional rate reduction (RFC 6937),
 * NewReno recovery without SACK (RFC 6582) and the retransmission-timeout
 * loss state (RFC 6298, RFC 5681).
 *
 * Bytes in flight follow Linux's accounting (tcp_packets_in_flight), in
 * bytes: out - sacked - lost + retransmitted, which is RFC 6675's pipe.
 */
#include "internal.h"

/* ---- transmit records ---- */

int txq_push(struct tcp_sf *sf, uint64_t seq, uint64_t dsn, uint32_t len,
             uint32_t flags, uint64_t now) {
  struct tx_ring *q = &sf->txq;
  if (q->n == q->cap) {
    struct mptcp_stack *s = sf->conn->stack;
    uint32_t ncap = q->cap ? q->cap * 2 : 8; /* grows with the window */
    struct tx_rec *nr = stack_alloc(s, ncap * sizeof(*nr));
    if (!nr)
      return MPTCP_ERR_NOMEM;
    for (uint32_t i = 0; i < q->n; i++)
      nr[i] = *txr_at(q, i);
    if (q->r)
      stack_free(s, q->r, q->cap * sizeof(*nr));
    q->r = nr;
    q->cap = ncap;
    q->head = 0;
  }
  struct tx_rec *r = &q->r[(q->head + q->n) & (q->cap - 1)];
  r->seq = seq;
  r->dsn = dsn;
  r->len = len;
  r->flags = flags;
  r->sent_ns = now;
  q->n++;
  sf->out_bytes += len;
  return 0;
}

void txq_free(struct tcp_sf *sf) {
  if (sf->txq.r)
    stack_free(sf->conn->stack, sf->txq.r, sf->txq.cap * sizeof(struct tx_rec));
  memset(&sf->txq, 0, sizeof(sf->txq));
}

static uint64_t rec_end(const struct tx_rec *r) {
  return r->seq + r->len + ((r->flags & TXR_FIN) ? 1 : 0);
}

/* Index of the first record with seq >= x (records are sorted). */
static uint32_t txq_lower(struct tcp_sf *sf, uint64_t x) {
  struct tx_ring *q = &sf->txq;
  uint32_t lo = 0, hi = q->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (txr_at(q, mid)->seq < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

uint64_t tcp_in_flight(const struct tcp_sf *sf) {
  uint64_t left = sf->sacked_bytes + sf->lost_bytes;
  uint64_t v = sf->out_bytes + sf->retrans_bytes;
  return v > left ? v - left : 0;
}

static void rec_clear_flags(struct tcp_sf *sf, struct tx_rec *r, uint32_t len) {
  if (r->flags & TXR_SACKED) {
    sf->sacked_bytes -= len;
  }
  if (r->flags & TXR_LOST)
    sf->lost_bytes -= len;
  if (r->flags & TXR_RETRANS)
    sf->retrans_bytes -= len;
}

void tcp_clean_acked(struct tcp_sf *sf, uint64_t ack, uint64_t now,
                     uint64_t *rtt_out) {
  struct tx_ring *q = &sf->txq;
  uint64_t first_sent = 0;
  int have = 0, retrans_acked = 0;
  while (q->n) {
    struct tx_rec *r = txr_at(q, 0);
    if (rec_end(r) <= ack) {
      if (r->flags & TXR_EVER_RETRANS) {
        retrans_acked = 1;
      } else if (!(r->flags & TXR_SACKED) && !have) {
        /* the oldest newly acknowledged segment that was neither
         * retransmitted nor SACKed before (Linux's seq_rtt) */
        first_sent = r->sent_ns;
        have = 1;
      }
      rec_clear_flags(sf, r, r->len);
      if (r->flags & TXR_SACKED)
        sf->sacked_count--;
      sf->out_bytes -= r->len;
      sf->bytes_acked += r->len;
      q->head = (q->head + 1) & (q->cap - 1);
      q->n--;
      continue;
    }
    if (r->seq < ack) { /* partly acknowledged: trim its front */
      uint32_t n = (uint32_t)(ack - r->seq);
      rec_clear_flags(sf, r, n);
      sf->out_bytes -= n;
      sf->bytes_acked += n;
      r->seq += n;
      r->dsn += n;
      r->len -= n;
    }
    break;
  }
  if (!sf->sack_ok)
    sf->sacked_count = 0;
  /* Karn's algorithm (RFC 6298 section 3): an ACK that covers any
   * retransmitted data gives no sample (Linux: FLAG_RETRANS_DATA_ACKED). */
  *rtt_out = have && !retrans_acked ? (now > first_sent ? now - first_sent : 1) : 0;
}

/* ---- SACK scoreboard ---- */

uint64_t tcp_sack_update(struct tcp_sf *sf, const mptcp_tcphdr *th,
                         uint64_t *first_sent, uint64_t *latest_sent) {
  struct mptcp_stack *s = sf->conn->stack;
  uint64_t newly = 0;
  *first_sent = UINT64_MAX;
  *latest_sent = 0;
  if (!(th->opts & MPTCP_OPT_SACK))
    return 0;
  for (int b = 0; b < th->n_sack; b++) {
    mib_inc(s, MPTCP_MIB_SACK_BLOCKS_IN);
    uint64_t base = sf->snd_una;
    uint32_t base32 = sf->iss + (uint32_t)base;
    int64_t dl = (int32_t)(th->sack[b].left - base32);
    int64_t dr = (int32_t)(th->sack[b].right - base32);
    if (dr <= 0) { /* below SND.UNA: a D-SACK (RFC 2883) */
      mib_inc(s, MPTCP_MIB_DSACK_IN);
      continue;
    }
    if (dl < 0 || dl >= dr || base + (uint64_t)dr > sf->snd_nxt) {
      mib_inc(s, MPTCP_MIB_SACK_INVALID);
      continue;
    }
    uint64_t l = base + (uint64_t)dl, r = base + (uint64_t)dr;
    for (uint32_t i = txq_lower(sf, l); i < sf->txq.n; i++) {
      struct tx_rec *t = txr_at(&sf->txq, i);
      if (rec_end(t) > r)
        break;
      if (t->flags & TXR_SACKED)
        continue;
      if (!(t->flags & TXR_EVER_RETRANS) && t->sent_ns < *first_sent)
        *first_sent = t->sent_ns;
      if (t->sent_ns > *latest_sent)
        *latest_sent = t->sent_ns;
      rec_clear_flags(sf, t, t->len);
      t->flags = (t->flags & ~(TXR_LOST | TXR_RETRANS)) | TXR_SACKED;
      sf->sacked_bytes += t->len;
      sf->sacked_count++;
      newly += t->len;
      if (rec_end(t) > sf->high_sacked)
        sf->high_sacked = rec_end(t);
    }
  }
  return newly;
}

static void mark_rec_lost(struct tcp_sf *sf, struct tx_rec *t) {
  if (t->flags & (TXR_SACKED | TXR_LOST))
    return;
  t->flags |= TXR_LOST;
  sf->lost_bytes += t->len;
  if (t->seq < sf->rtx_hint)
    sf->rtx_hint = t->seq;
}

/*
 * RFC 6675 IsLost(): a segment is lost once DupThresh segments above it
 * have been SACKed. Find the DupThresh-th highest SACKed record and mark
 * every unSACKed record below it; records below lost_hint were already
 * examined, so each record is marked at most once per episode.
 * Without SACK (RFC 6582), only the first unacknowledged segment is
 * marked, once DupThresh duplicate ACKs have arrived.
 */
void tcp_mark_lost(struct tcp_sf *sf) {
  struct tx_ring *q = &sf->txq;
  if (!q->n)
    return;
  if (!sf->sack_ok) {
    if (sf->dupacks >= sf->conn->cfg.dupthresh)
      mark_rec_lost(sf, txr_at(q, 0));
    return;
  }
  uint32_t need = sf->conn->cfg.dupthresh;
  if (sf->sacked_count < need)
    return;
  uint32_t i = txq_lower(sf, sf->high_sacked);
  uint32_t seen = 0;
  uint64_t limit = 0;
  while (i > 0) {
    struct tx_rec *t = txr_at(q, --i);
    if ((t->flags & TXR_SACKED) && ++seen == need) {
      limit = t->seq;
      break;
    }
  }
  if (seen < need)
    return;
  uint32_t j = txq_lower(sf, sf->lost_hint > sf->snd_una ? sf->lost_hint : sf->snd_una);
  for (; j < q->n; j++) {
    struct tx_rec *t = txr_at(q, j);
    if (t->seq >= limit)
      break;
    mark_rec_lost(sf, t);
  }
  if (limit > sf->lost_hint)
    sf->lost_hint = limit;
}

/*
 * A retransmission is lost when a segment sent after it has been SACKed
 * while it has not, allowing a reordering window of a quarter of the
 * minimum RTT (the rule of RACK, RFC 8985 section 6.2, applied to
 * retransmissions only, as Linux's tcp_mark_lost_retrans did before
 * RACK). Without it, a lost retransmission waits for the RTO.
 */
void tcp_lost_retrans(struct tcp_sf *sf, uint64_t latest_sacked_sent) {
  if (!sf->retrans_bytes || !sf->sack_ok)
    return;
  uint64_t win = sf->min_rtt / 4;
  struct tx_ring *q = &sf->txq;
  for (uint32_t i = 0; i < q->n; i++) {
    struct tx_rec *t = txr_at(q, i);
    if (t->seq >= sf->rtx_hint && t->seq > sf->snd_una)
      break; /* nothing above the retransmission point was retransmitted */
    if ((t->flags & (TXR_RETRANS | TXR_SACKED)) == TXR_RETRANS &&
        t->sent_ns + win < latest_sacked_sent) {
      t->flags &= ~TXR_RETRANS; /* still LOST: it goes out again */
      sf->retrans_bytes -= t->len;
      if (t->seq < sf->rtx_hint)
        sf->rtx_hint = t->seq;
    }
  }
}

struct tx_rec *tcp_next_retrans(struct tcp_sf *sf) {
  if (!sf->lost_bytes && !(sf->txq.n && (txr_at(&sf->txq, 0)->flags & TXR_LOST)))
    return NULL;
  struct tx_ring *q = &sf->txq;
  for (uint32_t i = txq_lower(sf, sf->rtx_hint); i < q->n; i++) {
    struct tx_rec *t = txr_at(q, i);
    if ((t->flags & (TXR_LOST | TXR_RETRANS | TXR_SACKED)) == TXR_LOST) {
      sf->rtx_hint = t->seq;
      return t;
    }
  }
  sf->rtx_hint = sf->snd_nxt;
  return NULL;
}

/* ---- recovery and loss states ---- */

static void set_ca_state(struct tcp_sf *sf, int st, uint64_t now) {
  sf->ca_state = st;
  if (sf->cc->set_state)
    sf->cc->set_state(sf, st, now);
}

void tcp_enter_recovery(struct tcp_sf *sf, uint64_t now) {
  struct mptcp_stack *s = sf->conn->stack;
  sf->ssthresh = sf->cc->ssthresh(sf);
  sf->high_seq = sf->snd_nxt;
  sf->prr_delivered = 0;
  sf->prr_out = 0;
  /* RecoverFS (RFC 6937 section 3) is the pipe at the start; it divides
   * the proportional part of PRR, so it is kept at one segment or more: a
   * recovery entered with (almost) everything already marked lost would
   * otherwise scale prr_delivered * ssthresh by a tiny divisor and open the
   * window to megabytes in one step. */
  sf->recover_fs = tcp_in_flight(sf);
  if (sf->recover_fs < sf->mss)
    sf->recover_fs = sf->mss;
  sf->cwnd_cnt = 0;
  sf->recoveries++;
  mib_inc(s, MPTCP_MIB_FAST_RETRANS);
  /* RFC 6675 section 5 step 4.2: retransmit the first unacknowledged
   * segment. */
  if (sf->txq.n)
    mark_rec_lost(sf, txr_at(&sf->txq, 0));
  set_ca_state(sf, TCP_CA_RECOVERY, now);
}

/*
 * RFC 6937 section 3 with the PRR-SSRB bound. cwnd becomes pipe + sndcnt,
 * rounded up to whole segments (as Linux counts in packets), and at least
 * one segment goes out when recovery starts.
 */
void tcp_prr_update(struct tcp_sf *sf, uint64_t delivered) {
  uint64_t mss = sf->mss;
  uint64_t pipe = tcp_in_flight(sf);
  int64_t sndcnt;
  sf->prr_delivered += delivered;
  if (pipe > sf->ssthresh) {
    uint64_t fs = sf->recover_fs ? sf->recover_fs : 1;
    uint64_t target = (sf->prr_delivered * sf->ssthresh + fs - 1) / fs;
    sndcnt = (int64_t)target - (int64_t)sf->prr_out;
  } else {
    int64_t lim = (int64_t)sf->prr_delivered - (int64_t)sf->prr_out;
    if (lim < (int64_t)delivered)
      lim = (int64_t)delivered;
    lim += (int64_t)mss;
    sndcnt = (int64_t)(sf->ssthresh - pipe);
    if (sndcnt > lim)
      sndcnt = lim;
  }
  if (sndcnt < 0)
    sndcnt = 0;
  if (sf->prr_out == 0 && sndcnt < (int64_t)mss)
    sndcnt = (int64_t)mss;
  uint64_t rounded = ((uint64_t)sndcnt + mss - 1) / mss * mss;
  sf->cwnd = pipe + rounded;
}

void tcp_enter_loss(struct tcp_sf *sf, uint64_t now) {
  /* RFC 5681 section 3.1 equation 4 on the first timeout of an episode.
   * A timeout during fast recovery keeps the ssthresh recovery already
   * chose (the flight has grown with data sent during recovery, and
   * halving it again would overshoot), as Linux's tcp_enter_loss does;
   * backed-off timeouts keep it too. */
  if (sf->ca_state == TCP_CA_OPEN || sf->snd_una == sf->high_seq ||
      (sf->ca_state == TCP_CA_LOSS && sf->rto_backoff == 0))
    sf->ssthresh = sf->cc->ssthresh(sf);
  sf->cwnd = sf->mss; /* loss window: one segment */
  sf->cwnd_cnt = 0;
  sf->high_seq = sf->snd_nxt;
  sf->dupacks = 0;
  sf->retrans_bytes = 0;
  if (!sf->sack_ok)
    sf->sacked_bytes = 0;
  struct tx_ring *q = &sf->txq;
  for (uint32_t i = 0; i < q->n; i++) {
    struct tx_rec *t = txr_at(q, i);
    t->flags &= ~TXR_RETRANS;
    mark_rec_lost(sf, t);
  }
  sf->rtx_hint = sf->snd_una;
  sf->lost_hint = sf->snd_nxt;
  set_ca_state(sf, TCP_CA_LOSS, now);
}
