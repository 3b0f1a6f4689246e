/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MPTCP_OPTIONS_H
#define MPTCP_OPTIONS_H

#include "ns3/command-line.h"

#include <cstdint>
#include <string>
#include <vector>

/**
 * \file
 * \ingroup mptcp
 * \brief Checked values of a scenario program's options. The programs take
 *        their options as strings from ns-3's CommandLine and check each
 *        here, so that a bad value ends the program with exit status 2 and
 *        a message naming the option (ns-3's own parsing of a number
 *        accepts "5x" as 5 and wraps negative counts).
 *
 * Each function returns false and sets `why` ("--NAME must be ... (got
 * "TEXT")") when the text is not a value of the kind asked.
 */

namespace ns3
{

/**
 * \brief An unsigned decimal integer in [lo, hi]: digits only.
 * \param name the option's name, without "--"
 * \param text the value given
 * \param lo smallest accepted
 * \param hi largest accepted
 * \param out the value
 * \param why the message when refused
 * \return true when accepted
 */
bool MptcpParseUint(const std::string& name,
                    const std::string& text,
                    uint32_t lo,
                    uint32_t hi,
                    uint32_t& out,
                    std::string& why);

/**
 * \brief A finite decimal number in [lo, hi]: digits, '.', an exponent;
 *        no sign.
 * \param name the option's name, without "--"
 * \param text the value given
 * \param lo smallest accepted
 * \param hi largest accepted
 * \param unit the unit named in the message ("ms", "s")
 * \param out the value
 * \param why the message when refused
 * \return true when accepted
 */
bool MptcpParseReal(const std::string& name,
                    const std::string& text,
                    double lo,
                    double hi,
                    const char* unit,
                    double& out,
                    std::string& why);

/**
 * \brief "true" or "1", "false" or "0".
 * \param name the option's name, without "--"
 * \param text the value given
 * \param out the value
 * \param why the message when refused
 * \return true when accepted
 */
bool MptcpParseBool(const std::string& name, const std::string& text, bool& out, std::string& why);

/**
 * \brief A comma list of names: none empty, none twice (the caller
 *        checks that each is known).
 * \param name the option's name, without "--"
 * \param text the value given
 * \param out the names, in order
 * \param why the message when refused
 * \return true when accepted
 */
bool MptcpParseList(const std::string& name,
                    const std::string& text,
                    std::vector<std::string>& out,
                    std::string& why);

/**
 * \brief Refuse an argument that is not an option (ns-3's CommandLine
 *        takes it as a positional argument the program never reads).
 * \param argc as given to main
 * \param argv as given to main
 * \param why the message when refused
 * \return true when every argument is an option
 */
bool MptcpNoPositionalArguments(int argc, char* argv[], std::string& why);

/**
 * \brief The command line as one string (arguments joined by spaces), as
 *        results.db stores it with the run.
 * \param argc as given to main
 * \param argv as given to main
 * \return the text
 */
std::string MptcpCommandLineText(int argc, char* argv[]);

/**
 * \ingroup mptcp
 * \brief The output options every scenario program has: --results,
 *        --plot, --overwrite, --outputDir, --campaign.
 *
 * \code
 *   MptcpOutputOptions out("my-scenario");
 *   out.AddTo(cmd);
 *   cmd.Parse(argc, argv);
 *   if (!out.Check(why)) ... // exit 2
 *   if (out.record) ... // MptcpRunRecorder::Setup: out.outputDir, out.campaign, out.replace
 * \endcode
 */
struct MptcpOutputOptions
{
    /** \param program the program's name: the plot's file name and the
     *         default campaign */
    explicit MptcpOutputOptions(const std::string& program);

    /** \brief Register the five options. \param cmd the command line */
    void AddTo(CommandLine& cmd);

    /**
     * \brief Check the values given (after CommandLine::Parse): the
     *        booleans, and that files can be written in --outputDir when
     *        something is to be written (MptcpCheckOutputDir).
     * \param why the message when refused
     * \return true when they can be used
     */
    bool Check(std::string& why);

    std::string program;           //!< the program's name
    std::string results = "true";  //!< --results as given
    std::string plot = "true";     //!< --plot as given
    std::string overwrite = "false"; //!< --overwrite as given
    std::string outputDir = ".";   //!< --outputDir
    std::string campaign;          //!< --campaign (default: the program's name)
    bool record = true;            //!< --results, checked
    bool draw = true;              //!< --plot, checked
    bool replace = false;          //!< --overwrite, checked
};

} // namespace ns3

#endif /* MPTCP_OPTIONS_H */
