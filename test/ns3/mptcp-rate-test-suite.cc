/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * One rate parser with ns-3's meaning of the units: the core's
 * mptcp_rate_parse(), used by MptcpRateBps (scenario, topology helpers) and
 * by mptcp-loopback. Each string of mptcp-rate-strings.inc must give the
 * listed rate (or be refused), and every rate the parser accepts must be
 * the one ns-3's DataRate reads from the same string, for the listed
 * strings and for numbers drawn at random with every unit.
 */
#include "ns3/data-rate.h"
#include "ns3/mptcp-topology.h"
#include "ns3/test.h"

#include "mptcp/mptcp.h"

#include <cstdio>
#include <sstream>
#include <string>

using namespace ns3;

namespace
{

/** A string and the rate it means (0: refused). */
struct RateString
{
    const char* text; //!< the string
    uint64_t bps;     //!< its rate, 0 when it must be refused
};

const RateString kStrings[] = {
#include "mptcp-rate-strings.inc"
};

/**
 * \brief ns-3's reading of a rate string (operator>> sets failbit on an
 *        unknown unit, where DataRate's constructor would abort).
 * \param s the string; it must start with a digit or a point followed by
 *        a digit (ns-3 reads an uninitialised number otherwise)
 * \param bps out: the rate
 * \return true when ns-3 accepts it
 */
bool
Ns3Rate(const std::string& s, uint64_t& bps)
{
    std::istringstream in(s);
    DataRate r;
    in >> r;
    if (in.fail())
    {
        return false;
    }
    bps = r.GetBitRate();
    return true;
}

/** Listed strings: the listed rate, and ns-3's rate whenever accepted. */
class RateStringsTestCase : public TestCase
{
  public:
    RateStringsTestCase()
        : TestCase("listed strings: expected rates, refusals, ns-3's DataRate")
    {
    }

  private:
    void DoRun() override
    {
        for (const RateString& c : kStrings)
        {
            uint64_t got = 0;
            int rc = mptcp_rate_parse(c.text, &got);
            if (c.bps == 0)
            {
                NS_TEST_EXPECT_MSG_EQ(rc, MPTCP_ERR_PARSE, "\"" << c.text << "\" accepted");
                NS_TEST_EXPECT_MSG_EQ(MptcpRateBps(c.text), -1, "\"" << c.text << "\"");
                continue;
            }
            NS_TEST_EXPECT_MSG_EQ(rc, MPTCP_OK, "\"" << c.text << "\" refused");
            NS_TEST_EXPECT_MSG_EQ(got, c.bps, "\"" << c.text << "\"");
            NS_TEST_EXPECT_MSG_EQ(MptcpRateBps(c.text), static_cast<double>(c.bps),
                                  "\"" << c.text << "\"");
            uint64_t ns3 = 0;
            NS_TEST_EXPECT_MSG_EQ(Ns3Rate(c.text, ns3), true, "ns-3 refuses \"" << c.text << "\"");
            NS_TEST_EXPECT_MSG_EQ(ns3, c.bps, "ns-3's DataRate reads \"" << c.text << "\"");
        }
        uint64_t v = 7;
        NS_TEST_EXPECT_MSG_EQ(mptcp_rate_parse(nullptr, &v), MPTCP_ERR_INVALID_ARGUMENT, "NULL");
        NS_TEST_EXPECT_MSG_EQ(mptcp_rate_parse("1Mbps", nullptr), MPTCP_ERR_INVALID_ARGUMENT,
                              "NULL");
        NS_TEST_EXPECT_MSG_EQ(mptcp_rate_parse("junk", &v), MPTCP_ERR_PARSE, "junk");
        NS_TEST_EXPECT_MSG_EQ(v, 7, "a refused string leaves the output alone");
    }
};

/** Random numbers with every unit ns-3 knows: the same rate as ns-3. */
class RateRandomTestCase : public TestCase
{
  public:
    RateRandomTestCase()
        : TestCase("random numbers with every unit: ns-3's DataRate, bit for bit")
    {
    }

  private:
    void DoRun() override
    {
        static const char* units[] = {"bps",   "b/s",   "Bps",   "B/s",   "kbps",  "kb/s",
                                      "Kbps",  "Kb/s",  "kBps",  "kB/s",  "KBps",  "KB/s",
                                      "Kib/s", "KiB/s", "Mbps",  "Mb/s",  "MBps",  "MB/s",
                                      "Mib/s", "MiB/s", "Gbps",  "Gb/s",  "GBps",  "GB/s",
                                      "Gib/s", "GiB/s"};
        uint64_t x = 0x9e3779b97f4a7c15ull; // xorshift64, fixed seed
        auto next = [&x]() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            return x;
        };
        uint32_t compared = 0;
        uint32_t refused = 0;
        for (int i = 0; i < 20000; i++)
        {
            // 1 to 5 integer digits, 0 to 7 fraction digits
            char num[32];
            const int intDigits = 1 + static_cast<int>(next() % 5);
            const int fracDigits = static_cast<int>(next() % 8);
            uint64_t ip = next() % 100000;
            uint64_t mod = 1;
            for (int d = 0; d < intDigits; d++)
            {
                mod *= 10;
            }
            ip %= mod;
            std::string s = std::to_string(ip);
            if (fracDigits)
            {
                std::snprintf(num, sizeof(num), "%0*llu", fracDigits,
                              static_cast<unsigned long long>(next() % ModPow10(fracDigits)));
                s += ".";
                s += num;
            }
            s += units[next() % (sizeof(units) / sizeof(units[0]))];
            uint64_t ours = 0;
            uint64_t ns3 = 0;
            const bool okNs3 = Ns3Rate(s, ns3);
            NS_TEST_ASSERT_MSG_EQ(okNs3, true, "ns-3 refuses \"" << s << "\"");
            if (mptcp_rate_parse(s.c_str(), &ours) != MPTCP_OK)
            {
                // only rates below 1 bit/s or above the maximum are refused
                NS_TEST_ASSERT_MSG_EQ((ns3 < 1 || ns3 > MPTCP_RATE_MAX_BPS), true,
                                      "\"" << s << "\" refused, ns-3 reads " << ns3);
                refused++;
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(ours, ns3, "\"" << s << "\"");
            compared++;
        }
        NS_TEST_EXPECT_MSG_GT(compared, 15000, "most random strings compared");
        NS_TEST_EXPECT_MSG_GT(refused, 0, "some below 1 bit/s");
    }

    static uint64_t ModPow10(int n)
    {
        uint64_t m = 1;
        for (int i = 0; i < n; i++)
        {
            m *= 10;
        }
        return m;
    }
};

/** The suite. */
class MptcpRateTestSuite : public TestSuite
{
  public:
    MptcpRateTestSuite()
        : TestSuite("mptcp-rate", TestSuite::Type::UNIT)
    {
        AddTestCase(new RateStringsTestCase());
        AddTestCase(new RateRandomTestCase());
    }
};

MptcpRateTestSuite g_mptcpRateTestSuite;

} // namespace
