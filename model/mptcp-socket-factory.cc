/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-socket-factory.h"

#include "mptcp-l4-protocol.h"

#include "ns3/assert.h"
#include "ns3/socket.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(MptcpSocketFactory);

TypeId
MptcpSocketFactory::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MptcpSocketFactory").SetParent<SocketFactory>().SetGroupName("Mptcp");
    return tid;
}

void
MptcpSocketFactory::SetL4(Ptr<MptcpL4Protocol> l4)
{
    m_l4 = l4;
}

Ptr<Socket>
MptcpSocketFactory::CreateSocket()
{
    NS_ASSERT_MSG(m_l4, "MptcpSocketFactory without a transport: use MptcpStackHelper");
    return m_l4->CreateSocket();
}

void
MptcpSocketFactory::DoDispose()
{
    m_l4 = nullptr;
    SocketFactory::DoDispose();
}

} // namespace ns3
