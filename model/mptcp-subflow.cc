/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-subflow.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(MptcpSubflow);

TypeId
MptcpSubflow::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpSubflow")
            .SetParent<Object>()
            .SetGroupName("Mptcp")
            .AddTraceSource("CongestionWindow",
                            "The subflow's congestion window (bytes, at most 2^32 - 1).",
                            MakeTraceSourceAccessor(&MptcpSubflow::m_cwndTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("SlowStartThreshold",
                            "The subflow's slow-start threshold (bytes, at most 2^32 - 1).",
                            MakeTraceSourceAccessor(&MptcpSubflow::m_ssthreshTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("RTT",
                            "The subflow's smoothed RTT (fired from its first sample on).",
                            MakeTraceSourceAccessor(&MptcpSubflow::m_rttTrace),
                            "ns3::TracedValueCallback::Time")
            .AddTraceSource("CongState",
                            "The subflow's congestion state: CA_OPEN, CA_RECOVERY (fast "
                            "recovery) or CA_LOSS (after a retransmission timeout).",
                            MakeTraceSourceAccessor(&MptcpSubflow::m_congStateTrace),
                            "ns3::TcpSocketState::TcpCongStatesTracedValueCallback")
            .AddTraceSource("BytesInFlight",
                            "The subflow's bytes in flight (RFC 6675 pipe, at most 2^32 - 1).",
                            MakeTraceSourceAccessor(&MptcpSubflow::m_inflightTrace),
                            "ns3::TracedValueCallback::Uint32");
    return tid;
}

MptcpSubflow::MptcpSubflow() = default;

MptcpSubflow::~MptcpSubflow() = default;

bool
MptcpSubflow::IsTraced() const
{
    return !m_cwndTrace.IsEmpty() || !m_ssthreshTrace.IsEmpty() || !m_rttTrace.IsEmpty() ||
           !m_congStateTrace.IsEmpty() || !m_inflightTrace.IsEmpty();
}

void
MptcpSubflow::Update(const mptcp_conn_stats& st)
{
    const auto u32 = [](uint64_t v) { return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX)); };
    const uint32_t cwnd = u32(st.cwnd);
    if (cwnd != m_cwnd)
    {
        m_cwndTrace(m_cwnd, cwnd);
        m_cwnd = cwnd;
    }
    const uint32_t ssthresh = u32(st.ssthresh);
    if (ssthresh != m_ssthresh)
    {
        m_ssthreshTrace(m_ssthresh, ssthresh);
        m_ssthresh = ssthresh;
    }
    const Time rtt = NanoSeconds(static_cast<int64_t>(st.srtt_ns));
    if (st.srtt_ns && rtt != m_rtt)
    {
        m_rttTrace(m_rtt, rtt);
        m_rtt = rtt;
    }
    const TcpSocketState::TcpCongState_t cong = st.ca_state == MPTCP_CA_LOSS ? TcpSocketState::CA_LOSS
                                                : st.ca_state == MPTCP_CA_RECOVERY
                                                    ? TcpSocketState::CA_RECOVERY
                                                    : TcpSocketState::CA_OPEN;
    if (cong != m_congState)
    {
        m_congStateTrace(m_congState, cong);
        m_congState = cong;
    }
    const uint32_t inflight = u32(st.bytes_in_flight);
    if (inflight != m_inflight)
    {
        m_inflightTrace(m_inflight, inflight);
        m_inflight = inflight;
    }
}

} // namespace ns3
