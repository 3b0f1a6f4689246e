// SPDX-License-Identifier: GPL-2.0-only

// Prints the attributes of ns3::MptcpSocket, ns3::MptcpL4Protocol and the
// ns3::TcpSocket attributes an MptcpSocket reads, each with its default and
// help text as the TypeIds declare them, as reStructuredText list tables.
// doc/mptcp.rst carries this output between two marker comments; the test
// ns3.doc_attributes (check_attribute_table.py) fails when they differ:
//   mptcp-attribute-table            print the tables
// Nothing is set before printing: the defaults are those of a program that
// changes none.

#include "ns3/core-module.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-socket.h"
#include "ns3/tcp-socket.h"

#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>

using namespace ns3;

namespace
{

/** A Time as a whole number of s, ms, us or ns, the largest that is exact. */
std::string
FormatTime(Time t)
{
    int64_t ns = t.GetNanoSeconds();
    if (ns != 0 && ns % 1000000000 == 0)
    {
        return std::to_string(ns / 1000000000) + " s";
    }
    if (ns != 0 && ns % 1000000 == 0)
    {
        return std::to_string(ns / 1000000) + " ms";
    }
    if (ns != 0 && ns % 1000 == 0)
    {
        return std::to_string(ns / 1000) + " us";
    }
    return std::to_string(ns) + " ns";
}

std::string
Default(const TypeId::AttributeInformation& info)
{
    if (const auto* t = dynamic_cast<const TimeValue*>(PeekPointer(info.initialValue)))
    {
        return FormatTime(t->Get());
    }
    std::string v = info.initialValue->SerializeToString(info.checker);
    return v.empty() ? "(empty)" : v;
}

/** One list table of the attributes \p tid declares itself. */
void
Table(TypeId tid, const std::string& title)
{
    std::cout << ".. list-table:: " << title << "\n"
              << "   :header-rows: 1\n"
              << "   :widths: 22 12 66\n\n"
              << "   * - Attribute\n"
              << "     - Default\n"
              << "     - Meaning\n";
    for (std::size_t i = 0; i < tid.GetAttributeN(); i++)
    {
        TypeId::AttributeInformation info = tid.GetAttribute(i);
        std::string help = info.help;
        if (info.checker->HasUnderlyingTypeInformation() &&
            info.checker->GetValueTypeName() == "ns3::StringValue")
        {
            help += " Valid: " + info.checker->GetUnderlyingTypeInformation().substr(8) + ".";
        }
        std::cout << "   * - ``" << info.name << "``\n"
                  << "     - ``" << Default(info) << "``\n"
                  << "     - " << help << "\n";
    }
    std::cout << "\n";
}

} // namespace

int
main()
{
    Table(MptcpSocket::GetTypeId(), "ns3::MptcpSocket");
    Table(TcpSocket::GetTypeId(),
          "ns3::TcpSocket (inherited, ns-3's defaults; MptcpStackHelper::Install makes "
          "DelAckTimeout 40 ms)");
    Table(MptcpL4Protocol::GetTypeId(), "ns3::MptcpL4Protocol");
    std::cout.flush();
    return std::cout ? 0 : 1;
}
