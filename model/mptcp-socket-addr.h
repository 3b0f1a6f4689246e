/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Internal to model/mptcp-socket*.cc (not installed): the core's endpoints
// as ns-3 socket addresses.
#ifndef MPTCP_SOCKET_ADDR_H
#define MPTCP_SOCKET_ADDR_H

#include "mptcp/mptcp.h"

#include "ns3/address.h"
#include "ns3/inet-socket-address.h"

namespace ns3
{
namespace mptcpsock
{

/** An IPv4 endpoint of the core; for an IPv6 one, the IPv4 any address. */
InetSocketAddress FromCore(const mptcp_addr& a);

/** An endpoint of the core as the socket address of its family. */
Address ToSocketAddress(const mptcp_addr& a);

} // namespace mptcpsock
} // namespace ns3

#endif // MPTCP_SOCKET_ADDR_H
