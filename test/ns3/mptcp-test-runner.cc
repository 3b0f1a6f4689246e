// SPDX-License-Identifier: GPL-2.0-only

// Test runner for the module's ns-3 TestSuites when the module is built
// standalone against an installed ns-3. Debian's ns-3 packages ship neither
// test.py nor ns-3's own test-runner program, so this program links the
// suites and hands the command line to ns-3's TestRunner:
//   mptcp-ns3-test-runner --list
//   mptcp-ns3-test-runner --suite=mptcp-header --verbose
// Inside an ns-3 source tree the suites go into ns-3's own test-runner and
// this file is not built.

#include "ns3/test.h"

int
main(int argc, char** argv)
{
    return ns3::TestRunner::Run(argc, argv);
}
