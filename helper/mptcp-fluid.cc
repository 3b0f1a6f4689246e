/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-fluid.h"

extern "C"
{
#include "theory.h"
}

#include <cmath>
#include <cstring>

namespace ns3
{

MptcpFluidModel::MptcpFluidModel(uint32_t segmentBytes, uint32_t headerBytes)
    : m_net(nullptr),
      m_wireBits(8.0 * (segmentBytes + headerBytes)),
      m_payloadBits(8.0 * segmentBytes)
{
    theory_gsl_handler_off(); // failures come back as codes, never abort()
    m_net = theory_new();
    if (!m_net)
    {
        m_why = "out of memory";
    }
}

MptcpFluidModel::~MptcpFluidModel()
{
    theory_free(m_net);
}

// The library refuses a null network (THEORY_E_ARG): after a failed
// theory_new() every call fails, with m_why already "out of memory".
bool
MptcpFluidModel::Check(int rc)
{
    if (rc >= 0)
    {
        return true;
    }
    if (m_why.empty())
    {
        m_why = theory_strerror(rc);
    }
    return false;
}

int
MptcpFluidModel::AddDropTail(double bps, double queuePackets)
{
    const int id = theory_add_link_droptail(m_net, bps / m_wireBits, queuePackets);
    return Check(id) ? id : -1;
}

int
MptcpFluidModel::AddRed(double bps, double minTh, double maxTh, double maxP, bool gentle)
{
    struct theory_red red;
    red.min_th = minTh;
    red.max_th = maxTh;
    red.max_p = maxP;
    red.gentle = gentle ? 1 : 0;
    const int id = theory_add_link_red(m_net, bps / m_wireBits, &red);
    return Check(id) ? id : -1;
}

int
MptcpFluidModel::AddExogenous(double bps, double loss)
{
    const int id = theory_add_link_exogenous(m_net, bps / m_wireBits, loss);
    return Check(id) ? id : -1;
}

int
MptcpFluidModel::AddUser(const std::string& cc, uint32_t count, double wmin)
{
    enum theory_alg alg;
    if (cc == "tcp")
    {
        alg = THEORY_TCP;
    }
    else if (cc == "reno")
    {
        alg = THEORY_RENO;
    }
    else if (cc == "lia")
    {
        alg = THEORY_LIA;
    }
    else if (cc == "olia")
    {
        alg = THEORY_OLIA;
    }
    else if (cc == "balia")
    {
        alg = THEORY_BALIA;
    }
    else
    {
        m_why = "no fluid model of " + cc;
        return -1;
    }
    struct theory_user_spec u;
    theory_user_spec_init(&u, alg);
    u.resp.kind = THEORY_RESP_MATHIS; // b = 1: one ACK per segment, as Linux's quick ACKs
    u.resp.b = 1;
    u.count = count;
    u.wmin = wmin;
    const int id = theory_add_user(m_net, &u);
    return Check(id) ? id : -1;
}

int
MptcpFluidModel::AddPath(int user, double rttS, const std::vector<int>& links)
{
    const int id = theory_add_path(m_net, user, rttS, links.data(), links.size());
    return Check(id) ? id : -1;
}

bool
MptcpFluidModel::Solve()
{
    if (!m_net || !m_why.empty())
    {
        if (m_why.empty())
        {
            m_why = "out of memory";
        }
        return false;
    }
    struct theory_report rep;
    std::memset(&rep, 0, sizeof(rep));
    const int rc = theory_solve(m_net, &rep);
    if (rc != 0)
    {
        m_why = std::string(theory_strerror(rc)) + (rep.detail[0] ? std::string(": ") + rep.detail : "");
        theory_report_free(&rep);
        return false;
    }
    m_user.clear();
    m_path.clear();
    m_rtt.clear();
    m_loss.clear();
    for (size_t i = 0; i < rep.nusers; i++)
    {
        m_user.push_back(rep.users[i].rate_pps * m_payloadBits);
    }
    for (size_t i = 0; i < rep.npaths; i++)
    {
        m_path.push_back(rep.paths[i].rate_pps * m_payloadBits);
        m_rtt.push_back(rep.paths[i].rtt_s);
    }
    for (size_t i = 0; i < rep.nlinks; i++)
    {
        m_loss.push_back(rep.links[i].loss);
    }
    theory_report_free(&rep);
    return true;
}

double
MptcpFluidModel::UserBps(int user) const
{
    return user >= 0 && static_cast<size_t>(user) < m_user.size() ? m_user[user] : std::nan("");
}

double
MptcpFluidModel::PathBps(int path) const
{
    return path >= 0 && static_cast<size_t>(path) < m_path.size() ? m_path[path] : std::nan("");
}

double
MptcpFluidModel::PathRttS(int path) const
{
    return path >= 0 && static_cast<size_t>(path) < m_rtt.size() ? m_rtt[path] : std::nan("");
}

double
MptcpFluidModel::LinkLoss(int link) const
{
    return link >= 0 && static_cast<size_t>(link) < m_loss.size() ? m_loss[link] : std::nan("");
}

const std::string&
MptcpFluidModel::Why() const
{
    return m_why;
}

} // namespace ns3
