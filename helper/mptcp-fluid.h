/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_FLUID_H
#define MPTCP_FLUID_H

#include <cstdint>
#include <string>
#include <vector>

struct theory_net;

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief The fluid (equilibrium) model of utils/theory (theory.h) for the
 *        scenario programs, in their units: link rates in bit/s on the
 *        wire (each packet a segment plus its headers), the users' and
 *        paths' rates in bit/s of goodput (segment bytes only, as the
 *        programs measure), RTTs in seconds.
 *
 * Build a network of links and users, each user with its paths over the
 * links, then Solve(). A user's congestion control is named as in the
 * module ("reno", "lia", "olia", "balia", "tcp" for one single-path
 * flow); the single-path response is Mathis's with b = 1, as in the
 * Khalili programs and loop.theory. Congestion controls without a fluid
 * model here (cubic, wvegas) make AddUser fail with a reason, which the
 * programs print in place of the prediction.
 */
class MptcpFluidModel
{
  public:
    /**
     * \param segmentBytes payload bytes per packet (the MSS, 1448)
     * \param headerBytes header bytes per packet on the wire (52: IPv4,
     *        TCP, timestamps)
     */
    explicit MptcpFluidModel(uint32_t segmentBytes = 1448, uint32_t headerBytes = 52);
    ~MptcpFluidModel();
    MptcpFluidModel(const MptcpFluidModel&) = delete;
    MptcpFluidModel& operator=(const MptcpFluidModel&) = delete;

    /** A drop-tail link of `bps`, a buffer of `queuePackets`. \return its id, or -1 */
    int AddDropTail(double bps, double queuePackets);
    /** A RED link (thresholds in packets). \return its id, or -1 */
    int AddRed(double bps, double minTh, double maxTh, double maxP, bool gentle);
    /** A link with a fixed loss rate and no queueing (`bps` only reported). \return id or -1 */
    int AddExogenous(double bps, double loss);
    /**
     * \brief A user, or `count` identical ones.
     * \param cc "tcp", "reno", "lia", "olia" or "balia"
     * \param count identical users
     * \param wmin window floor per path in packets (0: none)
     * \return its id, or -1 (Why() says why: no fluid model of cc)
     */
    int AddUser(const std::string& cc, uint32_t count = 1, double wmin = 0);
    /** A path of `user` over `links` with base RTT `rttS`. \return its id, or -1 */
    int AddPath(int user, double rttS, const std::vector<int>& links);
    /** Solves the equilibrium. \return true on success, else Why() says why */
    bool Solve();

    /** \return a user's rate, bit/s (per user when count > 1) */
    double UserBps(int user) const;
    /** \return a path's rate, bit/s (per user) */
    double PathBps(int path) const;
    /** \return a path's RTT at the equilibrium, queueing included (s) */
    double PathRttS(int path) const;
    /** \return a link's loss rate */
    double LinkLoss(int link) const;
    /** \return why the last call failed */
    const std::string& Why() const;

  private:
    bool Check(int rc);

    theory_net* m_net;
    double m_wireBits;    //!< bits per packet on the wire
    double m_payloadBits; //!< bits of payload per packet
    std::string m_why;
    std::vector<double> m_user;
    std::vector<double> m_path;
    std::vector<double> m_rtt;
    std::vector<double> m_loss;
};

} // namespace ns3

#endif /* MPTCP_FLUID_H */
