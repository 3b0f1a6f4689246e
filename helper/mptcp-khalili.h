/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_KHALILI_H
#define MPTCP_KHALILI_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief The scenarios of Khalili, Gast, Popovic, Upadhyay, Le Boudec,
 *        "MPTCP is not Pareto-optimal: performance issues and a possible
 *        solution" (ACM CoNEXT 2012; IEEE/ACM ToN 21(5), 2013), as
 *        descriptions that MptcpNetworkHelper builds.
 *
 * A scenario is a set of bottlenecks (each an AP or ISP link of its own
 * capacity, drained by the core router towards the users) and user
 * classes (how many users, which bottlenecks each one's paths cross).
 * Every user downloads from one server for the whole run: a user of a
 * class with several bottlenecks is multipath (MPTCP, one subflow per
 * bottleneck), a user with one is single-path TCP. doc/validation.md
 * gives each scenario's figure and the text behind every parameter.
 */
struct MptcpKhaliliBottleneck
{
    std::string name;    //!< e.g. "ap1"
    double rateBps = 0;  //!< capacity (bit/s)
};

/** One class of users. */
struct MptcpKhaliliClass
{
    std::string name;                           //!< e.g. "multipath", "single-path"
    uint32_t users = 0;                         //!< how many
    bool multipath = false;                     //!< MPTCP users (one subflow per path)
    std::vector<std::vector<uint32_t>> paths;   //!< per path, the bottlenecks it crosses
};

/** A scenario: its bottlenecks and user classes. */
struct MptcpKhaliliScenario
{
    std::string id;                                  //!< "a", "b" or "c"
    std::vector<MptcpKhaliliBottleneck> bottlenecks; //!< the bottlenecks
    std::vector<MptcpKhaliliClass> classes;          //!< the users
};

/**
 * The parameters of the scenario programs (their options). Defaults are
 * the draft's (draft-khalili-mptcp-performance-issues-06, sections 3 to
 * 6): C1 = C2 = 1 Mbit/s per user, N1 = N2 = 10 (A, C), CX = 27, CT = 36,
 * CY = CZ = 100 Mbit/s and 15 + 15 users (B); RED 0 up to 25 MSS, 0.1 at
 * 50 MSS, 1 at 100 MSS for 10 Mbit/s, scaled with capacity; RTTs "around
 * 150 ms (including queuing delay)", here a propagation RTT of 110 ms plus
 * RED's queue (25 to 50 MSS at 10 Mbit/s is 29 to 58 ms).
 */
struct MptcpKhaliliParams
{
    std::string scenario = "c";    //!< a | b | c
    uint32_t n1 = 10;              //!< A: type1 users; B: Blue users; C: multipath users
    uint32_t n2 = 10;              //!< A: type2 users; B: Red users; C: single-path users
    double c1Mbps = 1;             //!< A, C: capacity per user of N1 C1 (Mbit/s)
    double c2Mbps = 1;             //!< A, C: capacity per user of N2 C2 (Mbit/s)
    double cxMbps = 27;            //!< B: ISP X (Mbit/s)
    double ctMbps = 36;            //!< B: ISP T (Mbit/s)
    double cyzMbps = 100;          //!< B: ISPs Y and Z (Mbit/s)
    bool multipath = true;         //!< A: type1, B: Red, C: multipath users use their second path
    double rttMs = 110;            //!< propagation RTT of every path (ms)
    std::string cc = "lia";        //!< congestion control of the multipath users
    uint32_t coupledMinSsthresh = 2; //!< MptcpSocket CoupledMinSsthresh (1: the OLIA draft's)
    std::string tcp = "core";      //!< single-path users: core (our TCP, Reno) | ns3 (TcpLinuxReno)
    double redMinMss = 25;         //!< RED min threshold at 10 Mbit/s (MSS)
    double redMaxMss = 50;         //!< RED max threshold at 10 Mbit/s (MSS)
    double redMaxP = 0.1;          //!< RED drop probability at the max threshold
    bool redGentle = true;         //!< RED rises from maxP to 1 between max and 2 max
    double redQw = 0.002;          //!< RED queue weight (ns-3's default; the draft gives none)
    Time duration = Seconds(300);  //!< simulated time
    Time warmup = Seconds(150);    //!< measured after this
    uint32_t segmentSize = 1448;   //!< MSS (payload bytes)
    uint32_t bufferSize = 1 << 21; //!< send and receive buffers
    std::string engine = "ns3";    //!< ns3 | fast (doc/fast-mode.md; needs tcp == "core")
};

/** What one run measured, per class and per bottleneck. */
struct MptcpKhaliliResult
{
    /** One class's users. */
    struct Class
    {
        std::string name;            //!< class name
        uint32_t users = 0;          //!< users
        bool multipath = false;      //!< MPTCP users
        double meanBps = 0;          //!< mean goodput per user
        double minBps = 0;           //!< lowest user
        double maxBps = 0;           //!< highest user
        double jain = 0;             //!< Jain's index within the class
        double srttMs = 0;           //!< mean smoothed RTT of its subflows at the end (NaN: none)
        double theoryBps = 0;        //!< mptcp-theory's goodput per user (NaN: no model)
        double theoryFloorBps = 0;   //!< the same with OLIA's/BALIA's window floor (NaN: none)
        std::vector<double> perBottleneckBps; //!< class total through each bottleneck
    };

    /** One bottleneck. */
    struct Bottleneck
    {
        std::string name;        //!< its name
        double rateBps = 0;      //!< capacity
        double loss = 0;         //!< dropped / arrived at its queue after the warm-up
        double goodputBps = 0;   //!< payload delivered through it after the warm-up
        double meanQueue = 0;    //!< mean queue length (packets), sampled every 10 ms
        double theoryLoss = 0;   //!< mptcp-theory's loss rate (NaN: no model)
        double theoryQueue = 0;  //!< mptcp-theory's average queue (packets; NaN: no model)
    };

    std::vector<Class> classes;        //!< per class
    std::vector<Bottleneck> bottlenecks; //!< per bottleneck
    uint64_t deliveredPackets = 0;     //!< data packets delivered to the users
};

/**
 * \brief The description of scenario p.scenario with p's user counts and
 *        capacities.
 * \param p parameters
 * \param s out: the scenario
 * \param why out: what is wrong when false
 * \return false for an unknown scenario or values out of range
 */
bool MptcpKhaliliDescribe(const MptcpKhaliliParams& p, MptcpKhaliliScenario& s, std::string& why);

/**
 * \brief The fluid model's prediction of scenario p (utils/theory,
 *        mptcp-theory): every bottleneck a RED link with the run's scaled
 *        profile, capacities in packets on the wire, every class a user
 *        type (TCP for single-path users; the congestion control for the
 *        multipath ones), Mathis's response with one packet per ACK (the
 *        engine counts bytes acknowledged, so delayed ACKs do not slow
 *        the increase), propagation RTT p.rttMs. Fills each class's
 *        theoryBps (payload bit/s per user) and each bottleneck's
 *        theoryLoss and theoryQueue; with `wmin` > 0 fills theoryFloorBps
 *        instead, with that window floor (packets) on coupled users.
 *        Leaves NaN where there is no model (wVegas, CUBIC) or no
 *        equilibrium.
 * \param p parameters
 * \param wmin window floor per path (packets; 0: none)
 * \param r the result to fill (classes and bottlenecks sized as the scenario's)
 * \return an empty string, or why there is no prediction
 */
std::string MptcpKhaliliTheory(const MptcpKhaliliParams& p, double wmin, MptcpKhaliliResult& r);

/**
 * \brief Check every parameter (ranges, names of congestion controls).
 * \param p parameters
 * \param why out: the message, naming the parameter
 * \return true when the run can go
 */
bool MptcpKhaliliCheck(const MptcpKhaliliParams& p, std::string& why);

/**
 * \brief Build, run, measure, destroy. The RNG run must be set by the
 *        caller.
 * \param p parameters (checked)
 * \param rec when not null, the run's flows and metrics are recorded
 *        there (MptcpRunRecorder, already begun)
 * \return the measurements
 */
MptcpKhaliliResult MptcpKhaliliRun(const MptcpKhaliliParams& p, class MptcpRunRecorder* rec);

/**
 * \brief The main function of the scenario programs mptcp-khalili-a, -b,
 *        -c: options, one run per congestion control of --ccs, results.db,
 *        a plot, JSON on the last line.
 * \param argc argc
 * \param argv argv
 * \param scenario "a", "b" or "c"
 * \return the exit status (0 ok, 2 bad option or run already recorded, 1
 *         an output cannot be written)
 */
int MptcpKhaliliMain(int argc, char* argv[], const std::string& scenario);

} // namespace ns3

#endif /* MPTCP_KHALILI_H */
