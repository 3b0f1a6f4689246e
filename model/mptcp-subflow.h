/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_SUBFLOW_H
#define MPTCP_SUBFLOW_H

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/tcp-socket-state.h"
#include "ns3/traced-callback.h"

#include "mptcp/mptcp.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief One subflow of an MptcpSocket, as an object of the socket's
 *        SubflowList, so that Config paths reach each subflow's trace
 *        sources under the names TcpSocketBase gives a connection's:
 *
 * \code
 *   Config::Connect("/NodeList/0/$ns3::MptcpL4Protocol/SocketList/0/SubflowList/1/"
 *                   "CongestionWindow", MakeCallback(&CwndOfSubflow1));
 * \endcode
 *
 * The socket adds one when the core opens a subflow (index = the core's
 * subflow index, in order of creation) and keeps it after the subflow
 * closes. As with any ns-3 Config path, a path resolves to the objects that
 * exist when Config::Connect runs: connect once the subflows are open. The
 * values are sampled from the core after each event the node hands it, and
 * a source fires when its value differs from the last one fired.
 */
class MptcpSubflow : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    MptcpSubflow();
    ~MptcpSubflow() override;

    /** \return whether any of its trace sources has a sink */
    bool IsTraced() const;

    /**
     * \brief Fire the sources whose value differs from the last fired.
     * \param st the subflow's current statistics (mptcp_conn_get_subflow_stats)
     */
    void Update(const mptcp_conn_stats& st);

  private:
    TracedCallback<uint32_t, uint32_t> m_cwndTrace;     //!< CongestionWindow
    TracedCallback<uint32_t, uint32_t> m_ssthreshTrace; //!< SlowStartThreshold
    TracedCallback<Time, Time> m_rttTrace;              //!< RTT
    TracedCallback<TcpSocketState::TcpCongState_t, TcpSocketState::TcpCongState_t>
        m_congStateTrace;                                //!< CongState
    TracedCallback<uint32_t, uint32_t> m_inflightTrace; //!< BytesInFlight
    uint32_t m_cwnd = 0;                                //!< last CongestionWindow fired
    uint32_t m_ssthresh = 0;                            //!< last SlowStartThreshold fired
    Time m_rtt;                                         //!< last RTT fired
    TcpSocketState::TcpCongState_t m_congState = TcpSocketState::CA_OPEN; //!< last CongState
    uint32_t m_inflight = 0;                            //!< last BytesInFlight fired
};

} // namespace ns3

#endif /* MPTCP_SUBFLOW_H */
