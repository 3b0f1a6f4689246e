/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct_layout - prints the size of every structure of mptcp.h and the
 * offset of every field, as "name value" lines, so that the Python tests
 * can compare the ctypes mirror (scripts/mptcp/core.py) with what the C
 * compiler actually lays out.
 */
#include <stddef.h>
#include <stdio.h>

#include "mptcp/mptcp.h"

#define SIZE(type) printf("sizeof:%s %zu\n", #type, sizeof(type))
#define OFF(type, field) \
  printf("offsetof:%s.%s %zu\n", #type, #field, offsetof(type, field))

int main(void) {
  SIZE(mptcp_sack_block);
  OFF(mptcp_sack_block, left);
  OFF(mptcp_sack_block, right);

  SIZE(mptcp_opt_mp_capable);
  OFF(mptcp_opt_mp_capable, len);
  OFF(mptcp_opt_mp_capable, version);
  OFF(mptcp_opt_mp_capable, flags);
  OFF(mptcp_opt_mp_capable, sender_key);
  OFF(mptcp_opt_mp_capable, receiver_key);
  OFF(mptcp_opt_mp_capable, data_len);
  OFF(mptcp_opt_mp_capable, csum);

  SIZE(mptcp_opt_mp_join);
  OFF(mptcp_opt_mp_join, len);
  OFF(mptcp_opt_mp_join, backup);
  OFF(mptcp_opt_mp_join, addr_id);
  OFF(mptcp_opt_mp_join, token);
  OFF(mptcp_opt_mp_join, nonce);
  OFF(mptcp_opt_mp_join, thmac);
  OFF(mptcp_opt_mp_join, hmac);

  SIZE(mptcp_opt_dss);
  OFF(mptcp_opt_dss, flags);
  OFF(mptcp_opt_dss, data_ack);
  OFF(mptcp_opt_dss, dsn);
  OFF(mptcp_opt_dss, ssn);
  OFF(mptcp_opt_dss, dll);
  OFF(mptcp_opt_dss, has_csum);
  OFF(mptcp_opt_dss, csum);

  SIZE(mptcp_opt_add_addr);
  OFF(mptcp_opt_add_addr, echo);
  OFF(mptcp_opt_add_addr, addr_id);
  OFF(mptcp_opt_add_addr, family);
  OFF(mptcp_opt_add_addr, has_port);
  OFF(mptcp_opt_add_addr, port);
  OFF(mptcp_opt_add_addr, addr);
  OFF(mptcp_opt_add_addr, thmac);

  SIZE(mptcp_opt_remove_addr);
  OFF(mptcp_opt_remove_addr, n);
  OFF(mptcp_opt_remove_addr, ids);

  SIZE(mptcp_opt_mp_prio);
  OFF(mptcp_opt_mp_prio, backup);
  SIZE(mptcp_opt_mp_fail);
  OFF(mptcp_opt_mp_fail, dsn);
  SIZE(mptcp_opt_mp_fastclose);
  OFF(mptcp_opt_mp_fastclose, key);
  SIZE(mptcp_opt_mp_tcprst);
  OFF(mptcp_opt_mp_tcprst, flags);
  OFF(mptcp_opt_mp_tcprst, reason);

  SIZE(mptcp_tcphdr);
  OFF(mptcp_tcphdr, sport);
  OFF(mptcp_tcphdr, dport);
  OFF(mptcp_tcphdr, seq);
  OFF(mptcp_tcphdr, ack);
  OFF(mptcp_tcphdr, hdr_len);
  OFF(mptcp_tcphdr, flags);
  OFF(mptcp_tcphdr, reserved);
  OFF(mptcp_tcphdr, window);
  OFF(mptcp_tcphdr, csum);
  OFF(mptcp_tcphdr, urg_ptr);
  OFF(mptcp_tcphdr, opts);
  OFF(mptcp_tcphdr, n_unknown);
  OFF(mptcp_tcphdr, mss);
  OFF(mptcp_tcphdr, wscale);
  OFF(mptcp_tcphdr, n_sack);
  OFF(mptcp_tcphdr, sack);
  OFF(mptcp_tcphdr, ts_val);
  OFF(mptcp_tcphdr, ts_ecr);
  OFF(mptcp_tcphdr, mpc);
  OFF(mptcp_tcphdr, join);
  OFF(mptcp_tcphdr, dss);
  OFF(mptcp_tcphdr, add_addr);
  OFF(mptcp_tcphdr, rm_addr);
  OFF(mptcp_tcphdr, prio);
  OFF(mptcp_tcphdr, fail);
  OFF(mptcp_tcphdr, fastclose);
  OFF(mptcp_tcphdr, tcprst);
  return 0;
}
