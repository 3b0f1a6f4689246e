/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Khalili et al., "MPTCP is not Pareto-optimal" (CoNEXT 2012), scenario
 * A: the program is helper/mptcp-khalili.cc's MptcpKhaliliMain; its
 * options are in --PrintHelp, its set-up and the paper's figures in
 * doc/validation.md.
 *
 *   ./mptcp-khalili-a [--ccs=lia,olia] [--n1=..] [--n2=..] [--duration=300] [--RngRun=1]
 */
#include "ns3/mptcp-module.h"

int
main(int argc, char* argv[])
{
    return ns3::MptcpKhaliliMain(argc, argv, "a");
}
