/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-options.h"

#include "mptcp-output.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace ns3
{

bool
MptcpParseUint(const std::string& name,
               const std::string& text,
               uint32_t lo,
               uint32_t hi,
               uint32_t& out,
               std::string& why)
{
    uint64_t v = 0;
    bool ok = !text.empty() && text.size() <= 10;
    for (char c : text)
    {
        ok = ok && c >= '0' && c <= '9';
        v = ok ? v * 10 + static_cast<uint64_t>(c - '0') : v;
    }
    if (!ok || v < lo || v > hi)
    {
        why = "--" + name + " must be an integer " + std::to_string(lo) + ".." +
              std::to_string(hi) + " (got \"" + text + "\")";
        return false;
    }
    out = static_cast<uint32_t>(v);
    return true;
}

bool
MptcpParseReal(const std::string& name,
               const std::string& text,
               double lo,
               double hi,
               const char* unit,
               double& out,
               std::string& why)
{
    char* end = nullptr;
    const bool shape = !text.empty() &&
                       text.find_first_not_of("0123456789.eE+-") == std::string::npos &&
                       text[0] != '-' && text[0] != '+';
    const double v = shape ? std::strtod(text.c_str(), &end) : 0;
    if (!shape || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi)
    {
        std::ostringstream os;
        os << "--" << name << " must be a number of " << unit << " in [" << lo << ", " << hi
           << "] (got \"" << text << "\")";
        why = os.str();
        return false;
    }
    out = v;
    return true;
}

bool
MptcpParseBool(const std::string& name, const std::string& text, bool& out, std::string& why)
{
    if (text == "true" || text == "1" || text == "false" || text == "0")
    {
        out = text == "true" || text == "1";
        return true;
    }
    why = "--" + name + " must be true or false (got \"" + text + "\")";
    return false;
}

bool
MptcpParseList(const std::string& name,
               const std::string& text,
               std::vector<std::string>& out,
               std::string& why)
{
    out.clear();
    size_t from = 0;
    while (true)
    {
        const size_t comma = text.find(',', from);
        const std::string item =
            text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        if (item.empty())
        {
            why = "--" + name + " must be a comma list of names, none empty (got \"" + text +
                  "\")";
            return false;
        }
        for (const std::string& seen : out)
        {
            if (seen == item)
            {
                why = "--" + name + " names \"" + item + "\" twice";
                return false;
            }
        }
        out.push_back(item);
        if (comma == std::string::npos)
        {
            return true;
        }
        from = comma + 1;
    }
}

bool
MptcpNoPositionalArguments(int argc, char* argv[], std::string& why)
{
    for (int i = 1; i < argc; i++)
    {
        if (std::string(argv[i]).compare(0, 2, "--") != 0)
        {
            why = std::string("unexpected argument \"") + argv[i] +
                  "\": options are --name=value (try --PrintHelp)";
            return false;
        }
    }
    return true;
}

std::string
MptcpCommandLineText(int argc, char* argv[])
{
    std::string s;
    for (int i = 0; i < argc; i++)
    {
        s += (i ? " " : "") + std::string(argv[i]);
    }
    return s;
}

MptcpOutputOptions::MptcpOutputOptions(const std::string& name)
    : program(name),
      campaign(name)
{
}

void
MptcpOutputOptions::AddTo(CommandLine& cmd)
{
    cmd.AddValue("results", "true|false: record each run in <outputDir>/results.db", results);
    cmd.AddValue("plot", "true|false: write " + program + ".{plt,dat,png,svg}", plot);
    cmd.AddValue("overwrite",
                 "true|false: replace finished runs with the same parameters and RngRun "
                 "(otherwise refused)",
                 overwrite);
    cmd.AddValue("outputDir", "where results.db and the plot go", outputDir);
    cmd.AddValue("campaign", "campaign name in results.db", campaign);
}

bool
MptcpOutputOptions::Check(std::string& why)
{
    if (!MptcpParseBool("results", results, record, why) ||
        !MptcpParseBool("plot", plot, draw, why) ||
        !MptcpParseBool("overwrite", overwrite, replace, why))
    {
        return false;
    }
    if (campaign.empty())
    {
        why = "--campaign must not be empty";
        return false;
    }
    return !(record || draw) || MptcpCheckOutputDir(outputDir, why);
}

} // namespace ns3
