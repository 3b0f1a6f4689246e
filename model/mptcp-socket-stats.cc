/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// MptcpSocket: statistics of the connection and its subflows, subflow
// priority, and the trace sources sampled from them.
#include "mptcp-l4-protocol.h"
#include "mptcp-socket-addr.h"
#include "mptcp-socket.h"

#include "ns3/ipv4.h"
#include "ns3/ipv6.h"
#include "ns3/node.h"

#include <algorithm>

namespace ns3
{

using mptcpsock::FromCore;
using mptcpsock::ToSocketAddress;

// ---------------------------------------------------------------- stats

bool
MptcpSocket::IsMptcp() const
{
    return m_conn ? mptcp_conn_is_mptcp(m_conn) != 0 : (m_wasMptcp && m_finalSubflows.size() > 0);
}

bool
MptcpSocket::FellBack() const
{
    return m_mptcp && m_hadConn && !m_wasMptcp;
}

uint32_t
MptcpSocket::GetSubflowCount() const
{
    return m_conn ? static_cast<uint32_t>(mptcp_conn_subflow_count(m_conn))
                  : static_cast<uint32_t>(m_finalSubflows.size());
}

int
MptcpSocket::SetSubflowBackup(uint32_t i, bool backup)
{
    if (!m_conn || i > INT32_MAX)
    {
        return MPTCP_ERR_INVALID_ARGUMENT;
    }
    m_l4->Enter();
    int rv = mptcp_conn_set_backup(m_conn, static_cast<int>(i), backup ? 1 : 0,
                                   MptcpL4Protocol::Now());
    m_l4->Leave();
    return rv;
}

bool
MptcpSocket::GetStats(mptcp_conn_stats& st) const
{
    if (m_conn)
    {
        mptcp_conn_get_stats(m_conn, &st);
        return true;
    }
    st = m_finalStats;
    return m_hadConn;
}

bool
MptcpSocket::GetSubflowStats(uint32_t i,
                             mptcp_conn_stats& st,
                             InetSocketAddress* local,
                             InetSocketAddress* remote) const
{
    if (m_conn)
    {
        mptcp_addr l;
        mptcp_addr r;
        if (mptcp_conn_get_subflow_stats(m_conn, static_cast<int>(i), &st, &l, &r) != MPTCP_OK)
        {
            return false;
        }
        if (local)
        {
            *local = FromCore(l);
        }
        if (remote)
        {
            *remote = FromCore(r);
        }
        return true;
    }
    if (i >= m_finalSubflows.size())
    {
        return false;
    }
    st = m_finalSubflows[i];
    if (local)
    {
        *local = FromCore(m_finalAddrs[i].first);
    }
    if (remote)
    {
        *remote = FromCore(m_finalAddrs[i].second);
    }
    return true;
}

bool
MptcpSocket::GetSubflowStats(uint32_t i, SubflowInfo& info) const
{
    mptcp_addr l{};
    mptcp_addr r{};
    if (m_conn)
    {
        if (mptcp_conn_get_subflow_stats(m_conn, static_cast<int>(i), &info.stats, &l, &r) !=
            MPTCP_OK)
        {
            return false;
        }
        info.interface = m_l4 ? m_l4->GetOutInterface(l, r) : -1;
    }
    else
    {
        if (i >= m_finalSubflows.size())
        {
            return false;
        }
        info.stats = m_finalSubflows[i];
        l = m_finalAddrs[i].first;
        r = m_finalAddrs[i].second;
        info.interface = i < m_finalInterfaces.size() ? m_finalInterfaces[i] : -1;
    }
    info.local = ToSocketAddress(l);
    info.remote = ToSocketAddress(r);
    info.device = nullptr;
    if (info.interface >= 0 && m_node)
    {
        const auto ifIndex = static_cast<uint32_t>(info.interface);
        if (l.family == 6)
        {
            Ptr<Ipv6> ipv6 = m_node->GetObject<Ipv6>();
            info.device = ipv6 ? ipv6->GetNetDevice(ifIndex) : nullptr;
        }
        else
        {
            Ptr<Ipv4> ipv4 = m_node->GetObject<Ipv4>();
            info.device = ipv4 ? ipv4->GetNetDevice(ifIndex) : nullptr;
        }
    }
    return true;
}

bool
MptcpSocket::GetSubflowStats(uint32_t i,
                             mptcp_conn_stats& st,
                             Address& local,
                             Address& remote) const
{
    mptcp_addr l{};
    mptcp_addr r{};
    if (m_conn)
    {
        if (mptcp_conn_get_subflow_stats(m_conn, static_cast<int>(i), &st, &l, &r) != MPTCP_OK)
        {
            return false;
        }
    }
    else
    {
        if (i >= m_finalSubflows.size())
        {
            return false;
        }
        st = m_finalSubflows[i];
        l = m_finalAddrs[i].first;
        r = m_finalAddrs[i].second;
    }
    local = ToSocketAddress(l);
    remote = ToSocketAddress(r);
    return true;
}

bool
MptcpSocket::TracesSegments() const
{
    return !m_segTxTrace.IsEmpty() || !m_segRxTrace.IsEmpty();
}

void
MptcpSocket::NotifySegment(bool sent,
                           Ptr<const Packet> payload,
                           const uint8_t* header,
                           uint32_t headerLen)
{
    // ns-3's TcpHeader reads the wire bytes as its own TCP would (options
    // it does not know, MPTCP's among them, as TcpOptionUnknown).
    Ptr<Packet> h = Create<Packet>(header, headerLen);
    TcpHeader th;
    h->RemoveHeader(th);
    if (sent)
    {
        m_segTxTrace(payload, th, this);
    }
    else
    {
        m_segRxTrace(payload, th, this);
    }
}

void
MptcpSocket::SampleTraces()
{
    if (!m_conn)
    {
        return;
    }
    // SubflowList: an object per subflow, from its creation on
    const int count = mptcp_conn_subflow_count(m_conn);
    while (m_subflowObjects.size() < static_cast<size_t>(count))
    {
        m_subflowObjects.push_back(CreateObject<MptcpSubflow>());
    }
    bool objects = false;
    for (const Ptr<MptcpSubflow>& o : m_subflowObjects)
    {
        objects = objects || o->IsTraced();
    }
    const bool sub = objects || !m_cwndTrace.IsEmpty() || !m_cwndTotalTrace.IsEmpty() || !m_ssthreshTrace.IsEmpty() ||
                     !m_srttTrace.IsEmpty() || !m_inflightTrace.IsEmpty() ||
                     !m_stateTrace.IsEmpty() || !m_ssthreshTotalTrace.IsEmpty() ||
                     !m_rttMinTrace.IsEmpty() || !m_caStateTrace.IsEmpty() ||
                     !m_congStateTrace.IsEmpty();
    const bool conn = !m_dataSentTrace.IsEmpty() || !m_dataAckedTrace.IsEmpty() ||
                      !m_rcvBufTrace.IsEmpty() || !m_oooTrace.IsEmpty();
    if (sub)
    {
        int n = mptcp_conn_subflow_count(m_conn);
        if (m_traced.size() < static_cast<size_t>(n))
        {
            m_traced.resize(static_cast<size_t>(n), mptcp_conn_stats{});
        }
        uint64_t cwndTotal = 0;
        uint64_t ssthreshTotal = 0;
        uint64_t rttMin = 0;
        uint32_t established = 0;
        uint32_t inRecovery = 0;
        uint32_t inLoss = 0;
        for (int i = 0; i < n; i++)
        {
            mptcp_conn_stats st;
            mptcp_conn_get_subflow_stats(m_conn, i, &st, nullptr, nullptr);
            if (st.state == MPTCP_TCP_ESTABLISHED)
            {
                established++;
                inRecovery += st.ca_state == MPTCP_CA_RECOVERY;
                inLoss += st.ca_state == MPTCP_CA_LOSS;
                cwndTotal += st.cwnd;
                ssthreshTotal += st.ssthresh;
                if (st.srtt_ns && (!rttMin || st.srtt_ns < rttMin))
                {
                    rttMin = st.srtt_ns;
                }
            }
            if (objects)
            {
                m_subflowObjects[static_cast<size_t>(i)]->Update(st);
            }
            mptcp_conn_stats& old = m_traced[static_cast<size_t>(i)];
            uint32_t id = static_cast<uint32_t>(i);
            if (st.cwnd != old.cwnd)
            {
                m_cwndTrace(id, old.cwnd, st.cwnd);
            }
            if (st.ssthresh != old.ssthresh)
            {
                m_ssthreshTrace(id, old.ssthresh, st.ssthresh);
            }
            if (st.srtt_ns != old.srtt_ns)
            {
                m_srttTrace(id, old.srtt_ns, st.srtt_ns);
            }
            if (st.bytes_in_flight != old.bytes_in_flight)
            {
                m_inflightTrace(id, old.bytes_in_flight, st.bytes_in_flight);
            }
            if (st.state != old.state)
            {
                m_stateTrace(id,
                             static_cast<uint64_t>(old.state),
                             static_cast<uint64_t>(st.state));
            }
            if (st.ca_state != old.ca_state)
            {
                m_caStateTrace(id,
                               static_cast<uint64_t>(old.ca_state),
                               static_cast<uint64_t>(st.ca_state));
            }
            old = st;
        }
        // The connection's congestion state: in loss when every
        // established subflow is (none can send new data), in recovery
        // when one repairs a loss, open otherwise.
        const TcpSocketState::TcpCongState_t cong =
            established && inLoss == established ? TcpSocketState::CA_LOSS
            : inRecovery || inLoss               ? TcpSocketState::CA_RECOVERY
                                                 : TcpSocketState::CA_OPEN;
        if (cong != m_tracedCongState)
        {
            m_congStateTrace(m_tracedCongState, cong);
            m_tracedCongState = cong;
        }
        uint32_t total = static_cast<uint32_t>(std::min<uint64_t>(cwndTotal, UINT32_MAX));
        if (total != m_tracedCwndTotal)
        {
            m_cwndTotalTrace(m_tracedCwndTotal, total);
            m_tracedCwndTotal = total;
        }
        uint32_t ssthresh = static_cast<uint32_t>(std::min<uint64_t>(ssthreshTotal, UINT32_MAX));
        if (ssthresh != m_tracedSsthreshTotal)
        {
            m_ssthreshTotalTrace(m_tracedSsthreshTotal, ssthresh);
            m_tracedSsthreshTotal = ssthresh;
        }
        Time rtt = NanoSeconds(static_cast<int64_t>(rttMin));
        if (rttMin && rtt != m_tracedRttMin) // no established subflow: keep the last
        {
            m_rttMinTrace(m_tracedRttMin, rtt);
            m_tracedRttMin = rtt;
        }
    }
    if (conn)
    {
        mptcp_conn_stats st;
        mptcp_conn_get_stats(m_conn, &st);
        if (st.bytes_sent != m_tracedConn.bytes_sent)
        {
            m_dataSentTrace(m_tracedConn.bytes_sent, st.bytes_sent);
        }
        if (st.bytes_acked != m_tracedConn.bytes_acked)
        {
            m_dataAckedTrace(m_tracedConn.bytes_acked, st.bytes_acked);
        }
        if (st.rcv_buffered != m_tracedConn.rcv_buffered)
        {
            m_rcvBufTrace(m_tracedConn.rcv_buffered, st.rcv_buffered);
        }
        if (st.ooo_bytes != m_tracedConn.ooo_bytes)
        {
            m_oooTrace(m_tracedConn.ooo_bytes, st.ooo_bytes);
        }
        m_tracedConn = st;
    }
    if (!m_reinjectTrace.IsEmpty())
    {
        uint64_t r = m_l4->GetCounter(MPTCP_MIB_REINJECT);
        if (r != m_tracedReinject)
        {
            m_reinjectTrace(m_tracedReinject, r);
            m_tracedReinject = r;
        }
    }
}

} // namespace ns3
