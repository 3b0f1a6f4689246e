/* SPDX-License-Identifier: GPL-2.0-only */
#include "mptcp-progress.h"

#include "ns3/simulator.h"

#include <cstdio>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace ns3
{

MptcpProgress::MptcpProgress(Time duration, std::ostream& os, bool terminal)
    : m_duration(duration),
      m_os(os),
      m_terminal(terminal),
      m_started(false),
      m_lineOpen(false),
      m_lastTenth(0)
{
}

MptcpProgress::~MptcpProgress()
{
    Finish();
}

bool
MptcpProgress::StderrIsTerminal()
{
    return isatty(STDERR_FILENO) == 1;
}

std::string
MptcpProgress::Format(Time now, Time duration, double wallSeconds)
{
    const double sim = now.GetSeconds();
    const double total = duration.GetSeconds();
    const double frac = total > 0 ? sim / total : 1.0;
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << "sim " << sim << " s of " << total << " s ("
      << static_cast<int>(frac * 100.0 + 1e-9) << "%), wall " << wallSeconds << " s";
    if (frac > 0 && frac < 1)
    {
        s << ", about " << wallSeconds * (1.0 - frac) / frac << " s left";
    }
    return s.str();
}

void
MptcpProgress::Start()
{
    m_started = true;
    m_wallStart = std::chrono::steady_clock::now();
    m_lastPrint = m_wallStart;
    Simulator::Schedule(m_duration / 1000, &MptcpProgress::Check, this);
}

void
MptcpProgress::Check()
{
    const auto wallNow = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(wallNow - m_wallStart).count();
    const Time now = Simulator::Now();
    if (m_terminal)
    {
        if (std::chrono::duration<double>(wallNow - m_lastPrint).count() >= 0.5)
        {
            // \r and erase to the end of the line: one line, rewritten
            m_os << "\r" << Format(now, m_duration, wall) << "\033[K" << std::flush;
            m_lineOpen = true;
            m_lastPrint = wallNow;
        }
    }
    else
    {
        const int tenth = static_cast<int>(10.0 * now.GetSeconds() / m_duration.GetSeconds());
        if (tenth > m_lastTenth && tenth < 10)
        {
            m_os << Format(now, m_duration, wall) << std::endl;
            m_lastTenth = tenth;
        }
    }
    if (now + m_duration / 1000 < m_duration)
    {
        Simulator::Schedule(m_duration / 1000, &MptcpProgress::Check, this);
    }
}

void
MptcpProgress::Finish()
{
    if (m_lineOpen)
    {
        m_os << std::endl;
        m_lineOpen = false;
    }
}

} // namespace ns3
