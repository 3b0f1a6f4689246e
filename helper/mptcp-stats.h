// SPDX-License-Identifier: GPL-2.0-only

#ifndef MPTCP_STATS_H
#define MPTCP_STATS_H

#include <vector>

/**
 * \file
 * \ingroup mptcp
 * \brief The statistics the fairness scenarios report: Jain's index, the
 *        MPTCP/TCP goodput ratio, shares, and mean and deviation over seeds.
 *
 * Every function returns NaN when its result is undefined (no values, a
 * negative or non-finite goodput, a division by zero), so that a caller
 * can store it as NULL (MptcpResults::AddMetric) or skip the point in a
 * plot, instead of reporting a number that means nothing.
 */

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Jain's fairness index (Jain, Chiu and Hawe, 1984):
 *        (sum x)^2 / (n * sum x^2).
 *
 * 1 when every value is equal, 1/n when one value takes everything.
 *
 * \param x the allocations (e.g. goodputs), each >= 0 and finite
 * \return the index in [1/n, 1]; NaN when x is empty, when a value is
 *         negative or not finite, or when every value is zero
 */
double MptcpJainIndex(const std::vector<double>& x);

/**
 * \ingroup mptcp
 * \brief Arithmetic mean.
 * \param x the values
 * \return the mean; NaN when x is empty
 */
double MptcpMean(const std::vector<double>& x);

/**
 * \ingroup mptcp
 * \brief Sample standard deviation (divisor n - 1), for error bars over
 *        seeds.
 * \param x the values
 * \return the deviation; NaN when x has fewer than two values
 */
double MptcpSampleStdDev(const std::vector<double>& x);

/**
 * \ingroup mptcp
 * \brief The goodput of an MPTCP connection over the mean goodput of the
 *        TCP flows that share its bottleneck: about 1 when the congestion
 *        control is coupled (RFC 6356 goal 2), about the number of
 *        subflows when it is not.
 * \param mptcpGoodput the connection's goodput
 * \param tcpGoodputs the goodputs of the TCP flows
 * \return the ratio; NaN when tcpGoodputs is empty, when a goodput is
 *         negative or not finite, or when the TCP mean is zero
 */
double MptcpGoodputRatio(double mptcpGoodput, const std::vector<double>& tcpGoodputs);

/**
 * \ingroup mptcp
 * \brief The same ratio with several MPTCP connections: their mean
 *        goodput over the mean goodput of the TCP flows (what the SQL view
 *        goodput_ratio computes).
 * \param mptcpGoodputs the goodputs of the MPTCP connections
 * \param tcpGoodputs the goodputs of the TCP flows
 * \return the ratio; NaN as for the single-connection form, or when
 *         mptcpGoodputs is empty
 */
double MptcpGoodputRatio(const std::vector<double>& mptcpGoodputs,
                         const std::vector<double>& tcpGoodputs);

/**
 * \ingroup mptcp
 * \brief Each value's share of the total (e.g. the traffic per path on
 *        disjoint paths, RFC 6356 goal 3).
 * \param x the values, each >= 0 and finite
 * \return x[i] / sum(x), same length as x; every element NaN when the
 *         total is zero or a value is negative or not finite
 */
std::vector<double> MptcpShares(const std::vector<double>& x);

} // namespace ns3

#endif /* MPTCP_STATS_H */
