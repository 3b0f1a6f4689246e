/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MPTCP_PROGRESS_H
#define MPTCP_PROGRESS_H

#include "ns3/nstime.h"

#include <chrono>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Progress of a simulation run on a stream (stderr by default).
 *
 * On a terminal, one line rewritten in place, about twice a second of
 * wall time: the simulated time, the percentage of the run done, the
 * wall time so far and an estimate of the wall time left. Elsewhere (a
 * file, a pipe, a batch job's log), one line at each tenth of the run at
 * most, so logs stay short. Start() once the simulation is set up;
 * Finish() (or the destructor) ends the terminal line. The checks run as
 * simulator events every 1/1000 of the run, a negligible cost; they do
 * not touch the model, so a run with progress gives the same results as
 * one without.
 */
class MptcpProgress
{
  public:
    /**
     * \param duration the simulated time the run lasts
     * \param os where to write
     * \param terminal whether os is a terminal (true: the updating line)
     */
    MptcpProgress(Time duration, std::ostream& os, bool terminal);
    ~MptcpProgress();

    /** Schedules the first check (call before Simulator::Run). */
    void Start();
    /** Ends the updating line, if any. */
    void Finish();

    /** Whether standard error is a terminal. */
    static bool StderrIsTerminal();

    /**
     * The text of one progress report (for tests and both output modes).
     * \param now simulated time
     * \param duration simulated time of the whole run
     * \param wallSeconds wall time so far
     * \return e.g. "sim 12.0 s of 60.0 s (20%), wall 3.1 s, about 12.4 s left"
     */
    static std::string Format(Time now, Time duration, double wallSeconds);

  private:
    void Check();

    Time m_duration;
    std::ostream& m_os;
    bool m_terminal;
    bool m_started;
    bool m_lineOpen;
    int m_lastTenth;
    std::chrono::steady_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_lastPrint;
};

} // namespace ns3

#endif /* MPTCP_PROGRESS_H */
