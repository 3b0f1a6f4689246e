/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_OUTPUT_H
#define MPTCP_OUTPUT_H

#include "ns3/mptcp-scenario.h"

#include <string>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Write a shared-bottleneck run's results under p.outputDir:
 *        results.db (one run, see MptcpResults) and the plot
 *        mptcp-shared-bottleneck.{plt,dat,png,svg} (per-subflow cwnd and
 *        goodput over time, and the competing flows' goodput).
 * \param p parameters
 * \param r results
 * \param argc the program's argc (for the command line stored)
 * \param argv the program's argv
 * \param plot false: results.db only
 * \param error receives the reason on failure
 * \return true when both were written (the images only when gnuplot exists)
 */
bool MptcpWriteOutputs(const MptcpScenarioParams& p,
                       const MptcpScenarioResult& r,
                       int argc,
                       char** argv,
                       bool plot,
                       std::string* error);

} // namespace ns3

#endif /* MPTCP_OUTPUT_H */
