/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP header and option codec: the standard options of RFC 9293, RFC 7323
 * and RFC 2018, and the MPTCP v1 options of RFC 8684 section 3 (kind 30).
 *
 * Decoding never trusts a length byte: every field read is checked against
 * the option's declared length, and every option against the option area.
 * Encoding uses one canonical layout so that encode(decode(encode(h))) is
 * byte-equal to encode(h).
 */
#include <string.h>

#include "mptcp/mptcp.h"
#include "wire.h"

/* ---- MPTCP option lengths (RFC 8684 figures 4-16) ---- */

/* DSS: 4 bytes of header, Data ACK 4/8, mapping DSN 4/8 + SSN 4 + DLL 2,
 * checksum 2 when negotiated (section 3.3, figure 9). */
static int dss_len_flags(uint8_t flags, int csum) {
  int len = 4;
  if (flags & MPTCP_DSS_ACK)
    len += (flags & MPTCP_DSS_ACK8) ? 8 : 4;
  if (flags & MPTCP_DSS_MAP)
    len += ((flags & MPTCP_DSS_DSN8) ? 8 : 4) + 4 + 2 + (csum ? 2 : 0);
  return len;
}

int mptcp_dss_len(const mptcp_opt_dss *dss) {
  if (!dss)
    return MPTCP_ERR_INVALID_ARGUMENT;
  return dss_len_flags(dss->flags, (dss->flags & MPTCP_DSS_MAP) && dss->has_csum);
}

/* ADD_ADDR (section 3.4.1, figure 12): 4 bytes of header, address 4/16,
 * port 2 optional, truncated HMAC 8 unless this is an echo. */
static int add_addr_len(int family, int has_port, int echo) {
  return 4 + (family == 6 ? 16 : 4) + (has_port ? 2 : 0) + (echo ? 0 : 8);
}

/* ---- decoding ---- */

static int decode_mptcp(mptcp_tcphdr *h, const uint8_t *o, uint8_t olen) {
  if (olen < 3)
    return MPTCP_ERR_MPTCP_LEN;
  uint8_t sub = o[2] >> 4;
  if (sub > MPTCP_SUB_MP_TCPRST) {
    /* Unknown subtype (e.g. MP_EXPERIMENTAL 0xf): skipped, as TCP skips
     * unknown options. */
    h->n_unknown++;
    return MPTCP_OK;
  }
  uint32_t bit = 1u << (8 + sub);
  if (h->opts & bit)
    return MPTCP_ERR_OPT_DUPLICATE;

  switch (sub) {
  case MPTCP_SUB_MP_CAPABLE: {
    mptcp_opt_mp_capable *m = &h->mpc;
    if (olen != MPTCP_MPC_LEN_SYN && olen != MPTCP_MPC_LEN_SYNACK &&
        olen != MPTCP_MPC_LEN_ACK && olen != MPTCP_MPC_LEN_DATA &&
        olen != MPTCP_MPC_LEN_DATA_CSUM)
      return MPTCP_ERR_MP_CAPABLE_LEN;
    m->len = olen;
    m->version = o[2] & 0x0f;
    m->flags = o[3];
    m->sender_key = olen >= 12 ? get_be64(o + 4) : 0;
    m->receiver_key = olen >= 20 ? get_be64(o + 12) : 0;
    m->data_len = olen >= 22 ? get_be16(o + 20) : 0;
    m->csum = olen == 24 ? get_be16(o + 22) : 0;
    break;
  }
  case MPTCP_SUB_MP_JOIN: {
    mptcp_opt_mp_join *j = &h->join;
    j->len = olen;
    switch (olen) {
    case MPTCP_JOIN_LEN_SYN: /* figure 5 */
      j->backup = o[2] & 0x01;
      j->addr_id = o[3];
      j->token = get_be32(o + 4);
      j->nonce = get_be32(o + 8);
      break;
    case MPTCP_JOIN_LEN_SYNACK: /* figure 6 */
      j->backup = o[2] & 0x01;
      j->addr_id = o[3];
      j->thmac = get_be64(o + 4);
      j->nonce = get_be32(o + 12);
      break;
    case MPTCP_JOIN_LEN_ACK: /* figure 7: 2 reserved bytes, then 160 bits */
      j->backup = 0;
      j->addr_id = 0;
      memcpy(j->hmac, o + 4, MPTCP_JOIN_HMAC_LEN);
      break;
    default:
      return MPTCP_ERR_MP_JOIN_LEN;
    }
    break;
  }
  case MPTCP_SUB_DSS: {
    mptcp_opt_dss *d = &h->dss;
    if (olen < 4)
      return MPTCP_ERR_DSS_LEN;
    uint8_t fl = o[3] & 0x1f;
    int plain = dss_len_flags(fl, 0);
    int with_csum = dss_len_flags(fl, 1);
    if (olen != plain && !((fl & MPTCP_DSS_MAP) && olen == with_csum))
      return MPTCP_ERR_DSS_LEN;
    if ((fl & MPTCP_DSS_DATA_FIN) && !(fl & MPTCP_DSS_MAP))
      return MPTCP_ERR_DSS_FLAGS;
    d->flags = fl;
    const uint8_t *p = o + 4;
    d->data_ack = 0;
    if (fl & MPTCP_DSS_ACK) {
      if (fl & MPTCP_DSS_ACK8) {
        d->data_ack = get_be64(p);
        p += 8;
      } else {
        d->data_ack = get_be32(p);
        p += 4;
      }
    }
    d->dsn = 0;
    d->ssn = 0;
    d->dll = 0;
    d->has_csum = 0;
    d->csum = 0;
    if (fl & MPTCP_DSS_MAP) {
      if (fl & MPTCP_DSS_DSN8) {
        d->dsn = get_be64(p);
        p += 8;
      } else {
        d->dsn = get_be32(p);
        p += 4;
      }
      d->ssn = get_be32(p);
      d->dll = get_be16(p + 4);
      if (olen == with_csum) {
        d->has_csum = 1;
        d->csum = get_be16(p + 6);
      }
    }
    break;
  }
  case MPTCP_SUB_ADD_ADDR: {
    mptcp_opt_add_addr *a = &h->add_addr;
    int echo = o[2] & 0x01;
    int fam, port;
    /* Lengths are unambiguous once E is known (RFC 8684 section 3.4.1). */
    if (olen == add_addr_len(4, 0, echo)) {
      fam = 4, port = 0;
    } else if (olen == add_addr_len(4, 1, echo)) {
      fam = 4, port = 1;
    } else if (olen == add_addr_len(6, 0, echo)) {
      fam = 6, port = 0;
    } else if (olen == add_addr_len(6, 1, echo)) {
      fam = 6, port = 1;
    } else {
      return MPTCP_ERR_ADD_ADDR_LEN;
    }
    size_t alen = fam == 6 ? 16 : 4;
    a->echo = (uint8_t)echo;
    a->addr_id = o[3];
    a->family = (uint8_t)fam;
    memset(a->addr, 0, sizeof(a->addr));
    memcpy(a->addr, o + 4, alen);
    const uint8_t *p = o + 4 + alen;
    a->has_port = (uint8_t)port;
    a->port = 0;
    if (port) {
      a->port = get_be16(p);
      p += 2;
    }
    a->thmac = echo ? 0 : get_be64(p);
    break;
  }
  case MPTCP_SUB_REMOVE_ADDR:
    if (olen < 4)
      return MPTCP_ERR_REMOVE_ADDR_LEN;
    h->rm_addr.n = (uint8_t)(olen - 3); /* olen <= 40: n <= 37 */
    memcpy(h->rm_addr.ids, o + 3, h->rm_addr.n);
    break;
  case MPTCP_SUB_MP_PRIO:
    if (olen != 3)
      return MPTCP_ERR_MP_PRIO_LEN;
    h->prio.backup = o[2] & 0x01;
    break;
  case MPTCP_SUB_MP_FAIL:
    if (olen != 12)
      return MPTCP_ERR_MP_FAIL_LEN;
    h->fail.dsn = get_be64(o + 4);
    break;
  case MPTCP_SUB_MP_FASTCLOSE:
    if (olen != 12)
      return MPTCP_ERR_MP_FASTCLOSE_LEN;
    h->fastclose.key = get_be64(o + 4);
    break;
  case MPTCP_SUB_MP_TCPRST:
    if (olen != 4)
      return MPTCP_ERR_MP_TCPRST_LEN;
    h->tcprst.flags = o[2] & 0x0f;
    h->tcprst.reason = o[3];
    break;
  default:
    break; /* unreachable: sub <= MPTCP_SUB_MP_TCPRST */
  }
  h->opts |= bit;
  return MPTCP_OK;
}

int mptcp_options_decode(mptcp_tcphdr *h, const uint8_t *opt, size_t len) {
  if (!h || (!opt && len))
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (len > MPTCP_TCP_OPT_MAX)
    return MPTCP_ERR_INVALID_ARGUMENT;
  h->opts = 0;
  h->n_unknown = 0;
  size_t i = 0;
  while (i < len) {
    uint8_t kind = opt[i];
    if (kind == MPTCP_TCPOPT_EOL)
      break;
    if (kind == MPTCP_TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= len)
      return MPTCP_ERR_OPT_TRUNCATED;
    uint8_t olen = opt[i + 1];
    if (olen < 2)
      return MPTCP_ERR_OPT_LEN;
    if (olen > len - i)
      return MPTCP_ERR_OPT_TRUNCATED;
    const uint8_t *o = opt + i;
    uint32_t bit = 0;
    int rv = MPTCP_OK;
    switch (kind) {
    case MPTCP_TCPOPT_MSS:
      bit = MPTCP_OPT_MSS;
      if (olen != 4)
        return MPTCP_ERR_MSS_LEN;
      if (h->opts & bit)
        return MPTCP_ERR_OPT_DUPLICATE;
      h->mss = get_be16(o + 2);
      break;
    case MPTCP_TCPOPT_WSCALE:
      bit = MPTCP_OPT_WSCALE;
      if (olen != 3)
        return MPTCP_ERR_WSCALE_LEN;
      if (h->opts & bit)
        return MPTCP_ERR_OPT_DUPLICATE;
      h->wscale = o[2];
      break;
    case MPTCP_TCPOPT_SACK_PERM:
      bit = MPTCP_OPT_SACK_PERM;
      if (olen != 2)
        return MPTCP_ERR_SACKPERM_LEN;
      if (h->opts & bit)
        return MPTCP_ERR_OPT_DUPLICATE;
      break;
    case MPTCP_TCPOPT_SACK:
      bit = MPTCP_OPT_SACK;
      if (olen < 10 || (olen - 2) % 8 != 0 ||
          (olen - 2) / 8 > MPTCP_MAX_SACK_BLOCKS)
        return MPTCP_ERR_SACK_LEN;
      if (h->opts & bit)
        return MPTCP_ERR_OPT_DUPLICATE;
      h->n_sack = (uint8_t)((olen - 2) / 8);
      for (int b = 0; b < h->n_sack; b++) {
        h->sack[b].left = get_be32(o + 2 + 8 * b);
        h->sack[b].right = get_be32(o + 6 + 8 * b);
      }
      break;
    case MPTCP_TCPOPT_TIMESTAMP:
      bit = MPTCP_OPT_TIMESTAMP;
      if (olen != 10)
        return MPTCP_ERR_TS_LEN;
      if (h->opts & bit)
        return MPTCP_ERR_OPT_DUPLICATE;
      h->ts_val = get_be32(o + 2);
      h->ts_ecr = get_be32(o + 6);
      break;
    case MPTCP_TCPOPT_MPTCP:
      rv = decode_mptcp(h, o, olen);
      if (rv < 0)
        return rv;
      break;
    default:
      h->n_unknown++;
      break;
    }
    h->opts |= bit;
    i += olen;
  }
  return MPTCP_OK;
}

int mptcp_tcphdr_decode(mptcp_tcphdr *h, const uint8_t *buf, size_t len) {
  if (!h || !buf)
    return MPTCP_ERR_INVALID_ARGUMENT;
  if (len < MPTCP_TCP_HDR_MIN)
    return MPTCP_ERR_HDR_TRUNCATED;
  size_t hl = (size_t)(buf[12] >> 4) * 4;
  if (hl < MPTCP_TCP_HDR_MIN || hl > len)
    return MPTCP_ERR_HDR_DOFF;
  h->sport = get_be16(buf);
  h->dport = get_be16(buf + 2);
  h->seq = get_be32(buf + 4);
  h->ack = get_be32(buf + 8);
  h->hdr_len = (uint8_t)hl;
  h->reserved = buf[12] & 0x0f;
  h->flags = buf[13];
  h->window = get_be16(buf + 14);
  h->csum = get_be16(buf + 16);
  h->urg_ptr = get_be16(buf + 18);
  int rv = mptcp_options_decode(h, buf + MPTCP_TCP_HDR_MIN, hl - MPTCP_TCP_HDR_MIN);
  return rv < 0 ? rv : (int)hl;
}

/* ---- encoding ---- */

static int pad4(int n) { return (n + 3) & ~3; }

/* Length of each MPTCP option present, or an error if its fields are
 * inconsistent. Written to lens[subtype]. */
static int mptcp_lens(const mptcp_tcphdr *h, int lens[9]) {
  memset(lens, 0, 9 * sizeof(int));
  uint32_t o = h->opts;
  if (o & MPTCP_OPT_MP_CAPABLE) {
    uint8_t l = h->mpc.len;
    if (l != 4 && l != 12 && l != 20 && l != 22 && l != 24)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_MP_CAPABLE] = l;
  }
  if (o & MPTCP_OPT_MP_JOIN) {
    uint8_t l = h->join.len;
    if (l != 12 && l != 16 && l != 24)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_MP_JOIN] = l;
  }
  if (o & MPTCP_OPT_DSS) {
    if ((h->dss.flags & MPTCP_DSS_DATA_FIN) && !(h->dss.flags & MPTCP_DSS_MAP))
      return MPTCP_ERR_INVALID_ARGUMENT;
    if (h->dss.flags & ~0x1f)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_DSS] = mptcp_dss_len(&h->dss);
  }
  if (o & MPTCP_OPT_ADD_ADDR) {
    if (h->add_addr.family != 4 && h->add_addr.family != 6)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_ADD_ADDR] =
        add_addr_len(h->add_addr.family, h->add_addr.has_port, h->add_addr.echo);
  }
  if (o & MPTCP_OPT_REMOVE_ADDR) {
    if (h->rm_addr.n < 1 || h->rm_addr.n > MPTCP_MAX_RM_IDS)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_REMOVE_ADDR] = 3 + h->rm_addr.n;
  }
  if (o & MPTCP_OPT_MP_PRIO)
    lens[MPTCP_SUB_MP_PRIO] = 3;
  if (o & MPTCP_OPT_MP_FAIL)
    lens[MPTCP_SUB_MP_FAIL] = 12;
  if (o & MPTCP_OPT_MP_FASTCLOSE)
    lens[MPTCP_SUB_MP_FASTCLOSE] = 12;
  if (o & MPTCP_OPT_MP_TCPRST) {
    if (h->tcprst.flags & ~0x0f)
      return MPTCP_ERR_INVALID_ARGUMENT;
    lens[MPTCP_SUB_MP_TCPRST] = 4;
  }
  return MPTCP_OK;
}

/* Option bytes in the canonical layout (see mptcp_tcphdr_encode). */
static int options_len(const mptcp_tcphdr *h, int lens[9]) {
  uint32_t o = h->opts;
  int n = 0;
  if (o & MPTCP_OPT_MSS)
    n += 4;
  if (o & MPTCP_OPT_TIMESTAMP)
    n += 12; /* SACK_PERM + TS, or NOP NOP TS */
  else if (o & MPTCP_OPT_SACK_PERM)
    n += 4; /* NOP NOP SACK_PERM */
  if (o & MPTCP_OPT_WSCALE)
    n += 4; /* NOP WS */
  if (o & MPTCP_OPT_SACK) {
    if (h->n_sack < 1 || h->n_sack > MPTCP_MAX_SACK_BLOCKS)
      return MPTCP_ERR_INVALID_ARGUMENT;
    n += 4 + 8 * h->n_sack; /* NOP NOP SACK */
  }
  int rv = mptcp_lens(h, lens);
  if (rv < 0)
    return rv;
  for (int s = 0; s < 9; s++)
    n += pad4(lens[s]);
  if (n > MPTCP_TCP_OPT_MAX)
    return MPTCP_ERR_OPT_SPACE;
  return n;
}

int mptcp_tcphdr_len(const mptcp_tcphdr *h) {
  if (!h)
    return MPTCP_ERR_INVALID_ARGUMENT;
  int lens[9];
  int n = options_len(h, lens);
  return n < 0 ? n : MPTCP_TCP_HDR_MIN + n;
}

/* Writes one MPTCP option of subtype `sub`, length `len`, at p. */
static uint8_t *encode_mptcp(uint8_t *p, const mptcp_tcphdr *h, int sub, int len) {
  p[0] = MPTCP_TCPOPT_MPTCP;
  p[1] = (uint8_t)len;
  p[2] = (uint8_t)(sub << 4);
  uint8_t *q = p + 3;
  switch (sub) {
  case MPTCP_SUB_MP_CAPABLE:
    p[2] |= h->mpc.version & 0x0f;
    *q++ = h->mpc.flags;
    if (len >= 12)
      q = put_be64(q, h->mpc.sender_key);
    if (len >= 20)
      q = put_be64(q, h->mpc.receiver_key);
    if (len >= 22)
      q = put_be16(q, h->mpc.data_len);
    if (len == 24)
      q = put_be16(q, h->mpc.csum);
    break;
  case MPTCP_SUB_MP_JOIN:
    if (len == MPTCP_JOIN_LEN_ACK) {
      *q++ = 0;
      memcpy(q, h->join.hmac, MPTCP_JOIN_HMAC_LEN);
      q += MPTCP_JOIN_HMAC_LEN;
      break;
    }
    p[2] |= h->join.backup ? 0x01 : 0;
    *q++ = h->join.addr_id;
    if (len == MPTCP_JOIN_LEN_SYN) {
      q = put_be32(q, h->join.token);
    } else {
      q = put_be64(q, h->join.thmac);
    }
    q = put_be32(q, h->join.nonce);
    break;
  case MPTCP_SUB_DSS: {
    uint8_t fl = h->dss.flags;
    *q++ = fl;
    if (fl & MPTCP_DSS_ACK)
      q = (fl & MPTCP_DSS_ACK8) ? put_be64(q, h->dss.data_ack)
                                : put_be32(q, (uint32_t)h->dss.data_ack);
    if (fl & MPTCP_DSS_MAP) {
      q = (fl & MPTCP_DSS_DSN8) ? put_be64(q, h->dss.dsn)
                                : put_be32(q, (uint32_t)h->dss.dsn);
      q = put_be32(q, h->dss.ssn);
      q = put_be16(q, h->dss.dll);
      if (h->dss.has_csum)
        q = put_be16(q, h->dss.csum);
    }
    break;
  }
  case MPTCP_SUB_ADD_ADDR: {
    const mptcp_opt_add_addr *a = &h->add_addr;
    p[2] |= a->echo ? 0x01 : 0;
    *q++ = a->addr_id;
    size_t alen = a->family == 6 ? 16 : 4;
    memcpy(q, a->addr, alen);
    q += alen;
    if (a->has_port)
      q = put_be16(q, a->port);
    if (!a->echo)
      q = put_be64(q, a->thmac);
    break;
  }
  case MPTCP_SUB_REMOVE_ADDR:
    memcpy(q, h->rm_addr.ids, h->rm_addr.n);
    q += h->rm_addr.n;
    break;
  case MPTCP_SUB_MP_PRIO:
    p[2] |= h->prio.backup ? 0x01 : 0;
    break;
  case MPTCP_SUB_MP_FAIL:
    *q++ = 0;
    q = put_be64(q, h->fail.dsn);
    break;
  case MPTCP_SUB_MP_FASTCLOSE:
    *q++ = 0;
    q = put_be64(q, h->fastclose.key);
    break;
  case MPTCP_SUB_MP_TCPRST:
    p[2] |= h->tcprst.flags & 0x0f;
    *q++ = h->tcprst.reason;
    break;
  default:
    break;
  }
  /* q == p + len here; pad with NOPs to the next 4-byte boundary. */
  while ((q - p) & 3)
    *q++ = MPTCP_TCPOPT_NOP;
  return q;
}

int mptcp_tcphdr_encode(uint8_t *buf, size_t cap, const mptcp_tcphdr *h) {
  if (!buf || !h)
    return MPTCP_ERR_INVALID_ARGUMENT;
  int lens[9];
  int olen = options_len(h, lens);
  if (olen < 0)
    return olen;
  int hl = MPTCP_TCP_HDR_MIN + olen;
  if ((size_t)hl > cap)
    return MPTCP_ERR_NOBUF;

  uint8_t *p = buf;
  p = put_be16(p, h->sport);
  p = put_be16(p, h->dport);
  p = put_be32(p, h->seq);
  p = put_be32(p, h->ack);
  *p++ = (uint8_t)(((hl / 4) << 4) | (h->reserved & 0x0f));
  *p++ = h->flags;
  p = put_be16(p, h->window);
  p = put_be16(p, h->csum);
  p = put_be16(p, h->urg_ptr);

  uint32_t o = h->opts;
  if (o & MPTCP_OPT_MSS) {
    *p++ = MPTCP_TCPOPT_MSS;
    *p++ = 4;
    p = put_be16(p, h->mss);
  }
  if (o & MPTCP_OPT_TIMESTAMP) {
    if (o & MPTCP_OPT_SACK_PERM) {
      *p++ = MPTCP_TCPOPT_SACK_PERM;
      *p++ = 2;
    } else {
      *p++ = MPTCP_TCPOPT_NOP;
      *p++ = MPTCP_TCPOPT_NOP;
    }
    *p++ = MPTCP_TCPOPT_TIMESTAMP;
    *p++ = 10;
    p = put_be32(p, h->ts_val);
    p = put_be32(p, h->ts_ecr);
  } else if (o & MPTCP_OPT_SACK_PERM) {
    *p++ = MPTCP_TCPOPT_NOP;
    *p++ = MPTCP_TCPOPT_NOP;
    *p++ = MPTCP_TCPOPT_SACK_PERM;
    *p++ = 2;
  }
  if (o & MPTCP_OPT_WSCALE) {
    *p++ = MPTCP_TCPOPT_NOP;
    *p++ = MPTCP_TCPOPT_WSCALE;
    *p++ = 3;
    *p++ = h->wscale;
  }
  if (o & MPTCP_OPT_SACK) {
    *p++ = MPTCP_TCPOPT_NOP;
    *p++ = MPTCP_TCPOPT_NOP;
    *p++ = MPTCP_TCPOPT_SACK;
    *p++ = (uint8_t)(2 + 8 * h->n_sack);
    for (int b = 0; b < h->n_sack; b++) {
      p = put_be32(p, h->sack[b].left);
      p = put_be32(p, h->sack[b].right);
    }
  }
  for (int s = 0; s < 9; s++)
    if (lens[s])
      p = encode_mptcp(p, h, s, lens[s]);
  return hl;
}
