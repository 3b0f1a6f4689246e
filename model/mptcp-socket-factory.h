/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_SOCKET_FACTORY_H
#define MPTCP_SOCKET_FACTORY_H

#include "ns3/mptcp-l4-protocol.h"
#include "ns3/socket-factory.h"
#include "ns3/socket.h"

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief Creates MPTCP sockets on a node: applications select MPTCP by
 *        this factory's TypeId name, "ns3::MptcpSocketFactory", e.g.
 *        BulkSendHelper("ns3::MptcpSocketFactory", address).
 *
 * MptcpStackHelper aggregates one to each node it installs.
 */
class MptcpSocketFactory : public SocketFactory
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \brief Set the transport the sockets belong to.
     * \param l4 the node's MptcpL4Protocol
     */
    void SetL4(Ptr<MptcpL4Protocol> l4);

    /**
     * \brief Create an MPTCP socket.
     * \return an ns3::MptcpSocket (an ns3::TcpSocket)
     */
    Ptr<Socket> CreateSocket() override;

  protected:
    void DoDispose() override;

  private:
    Ptr<MptcpL4Protocol> m_l4; //!< the node's MPTCP transport
};

} // namespace ns3

#endif /* MPTCP_SOCKET_FACTORY_H */
