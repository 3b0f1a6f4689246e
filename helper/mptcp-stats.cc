// SPDX-License-Identifier: GPL-2.0-only

#include "mptcp-stats.h"

#include <cmath>
#include <limits>

namespace ns3
{

namespace
{

/** The result of an undefined statistic. */
const double kNaN = std::numeric_limits<double>::quiet_NaN();

/**
 * \brief Whether every value is finite and not negative.
 * \param x the values
 * \return true when all are usable as goodputs
 */
bool
AllNonNegative(const std::vector<double>& x)
{
    for (double v : x)
    {
        if (!std::isfinite(v) || v < 0)
        {
            return false;
        }
    }
    return true;
}

} // namespace

double
MptcpJainIndex(const std::vector<double>& x)
{
    if (x.empty() || !AllNonNegative(x))
    {
        return kNaN;
    }
    double sum = 0;
    double sumSq = 0;
    for (double v : x)
    {
        sum += v;
        sumSq += v * v;
    }
    if (sumSq == 0)
    {
        return kNaN;
    }
    return (sum * sum) / (static_cast<double>(x.size()) * sumSq);
}

double
MptcpMean(const std::vector<double>& x)
{
    if (x.empty())
    {
        return kNaN;
    }
    double sum = 0;
    for (double v : x)
    {
        sum += v;
    }
    return sum / static_cast<double>(x.size());
}

double
MptcpSampleStdDev(const std::vector<double>& x)
{
    if (x.size() < 2)
    {
        return kNaN;
    }
    double mean = MptcpMean(x);
    double ss = 0;
    for (double v : x)
    {
        ss += (v - mean) * (v - mean);
    }
    return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double
MptcpGoodputRatio(double mptcpGoodput, const std::vector<double>& tcpGoodputs)
{
    return MptcpGoodputRatio(std::vector<double>{mptcpGoodput}, tcpGoodputs);
}

double
MptcpGoodputRatio(const std::vector<double>& mptcpGoodputs, const std::vector<double>& tcpGoodputs)
{
    if (mptcpGoodputs.empty() || tcpGoodputs.empty() || !AllNonNegative(mptcpGoodputs) ||
        !AllNonNegative(tcpGoodputs))
    {
        return kNaN;
    }
    double tcpMean = MptcpMean(tcpGoodputs);
    if (tcpMean == 0)
    {
        return kNaN;
    }
    return MptcpMean(mptcpGoodputs) / tcpMean;
}

std::vector<double>
MptcpShares(const std::vector<double>& x)
{
    std::vector<double> shares(x.size(), kNaN);
    if (!AllNonNegative(x))
    {
        return shares;
    }
    double sum = 0;
    for (double v : x)
    {
        sum += v;
    }
    if (sum == 0)
    {
        return shares;
    }
    for (size_t i = 0; i < x.size(); i++)
    {
        shares[i] = x[i] / sum;
    }
    return shares;
}

} // namespace ns3
