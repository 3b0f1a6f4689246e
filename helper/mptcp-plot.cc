// SPDX-License-Identifier: GPL-2.0-only

#include "mptcp-plot.h"

#include "ns3/log.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpPlot");

namespace
{

/** Above this many points a series is drawn without point markers. */
const size_t kMaxMarkedPoints = 50;

/**
 * \brief Set an optional error text.
 * \param error the destination (may be null)
 * \param text the text
 * \return false, for "return SetError(...)"
 */
bool
SetError(std::string* error, const std::string& text)
{
    if (error)
    {
        *error = text;
    }
    return false;
}

/**
 * \brief Write a whole file.
 * \param path the file
 * \param text the content
 * \param error receives the reason on failure
 * \return true on success
 */
bool
WriteFile(const std::string& path, const std::string& text, std::string* error)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
    {
        return SetError(error, "cannot create '" + path + "': " + std::strerror(errno));
    }
    out << text;
    out.close();
    if (!out)
    {
        return SetError(error, "cannot write '" + path + "': " + std::strerror(errno));
    }
    return true;
}

/**
 * \brief Whether a path names an executable regular file.
 * \param path the path
 * \return true if so
 */
bool
IsExecutableFile(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

/**
 * \brief Quote a text for a POSIX shell, for the command shown to the user.
 * \param s the text
 * \return the text in single quotes
 */
std::string
ShellQuote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        if (c == '\'')
        {
            out += "'\\''";
        }
        else
        {
            out += c;
        }
    }
    out += '\'';
    return out;
}

} // namespace

MptcpPlot::MptcpPlot(const std::string& title)
    : m_title(title),
      m_width(0),
      m_height(0),
      m_rows(0),
      m_columns(0),
      m_gnuplot("gnuplot"),
      m_quiet(false),
      m_rendered(false),
      m_alignLeft(0),
      m_alignRight(0)
{
}

void
MptcpPlot::SetSize(uint32_t widthPx, uint32_t heightPx)
{
    m_width = widthPx;
    m_height = heightPx;
}

void
MptcpPlot::SetLayout(uint32_t rows, uint32_t columns)
{
    m_rows = rows;
    m_columns = columns;
}

size_t
MptcpPlot::AddPanel(const std::string& title, const std::string& xLabel, const std::string& yLabel)
{
    Panel p;
    p.title = title;
    p.xLabel = xLabel;
    p.yLabel = yLabel;
    p.yRangeSet = false;
    p.yMinSet = false;
    p.yMin = 0;
    p.yMax = 0;
    m_panels.push_back(p);
    return m_panels.size() - 1;
}

bool
MptcpPlot::SetYRange(size_t panel, double min, double max)
{
    if (panel >= m_panels.size() || !(min < max) || !std::isfinite(min) || !std::isfinite(max))
    {
        return false;
    }
    m_panels[panel].yRangeSet = true;
    m_panels[panel].yMinSet = false;
    m_panels[panel].yMin = min;
    m_panels[panel].yMax = max;
    return true;
}

bool
MptcpPlot::SetYMin(size_t panel, double min)
{
    if (panel >= m_panels.size() || !std::isfinite(min))
    {
        return false;
    }
    m_panels[panel].yRangeSet = false;
    m_panels[panel].yMinSet = true;
    m_panels[panel].yMin = min;
    return true;
}

bool
MptcpPlot::SetXTics(size_t panel, const std::vector<std::pair<double, std::string>>& tics)
{
    if (panel >= m_panels.size())
    {
        return false;
    }
    for (const auto& t : tics)
    {
        if (!std::isfinite(t.first))
        {
            return false;
        }
    }
    m_panels[panel].xTics = tics;
    return true;
}

bool
MptcpPlot::AddSeries(size_t panel,
                     const std::string& title,
                     const std::vector<double>& x,
                     const std::vector<double>& y,
                     std::string* error)
{
    return AddSeriesWithErrors(panel, title, x, y, std::vector<double>(), error);
}

bool
MptcpPlot::AddSeries(size_t panel,
                     const std::string& title,
                     const std::vector<double>& x,
                     const std::vector<double>& y,
                     const LineStyle& style,
                     std::string* error)
{
    const std::string& c = style.color;
    bool hex = c.size() == 7 && c[0] == '#';
    for (size_t i = 1; hex && i < c.size(); i++)
    {
        hex = std::isxdigit(static_cast<unsigned char>(c[i])) != 0;
    }
    if (!c.empty() && !hex)
    {
        return SetError(error, "series '" + title + "': colour '" + c + "' is not #rrggbb");
    }
    if (!(style.width >= 0 && style.width <= 20))
    {
        return SetError(error, "series '" + title + "': line width out of 0..20");
    }
    if (!AddSeriesWithErrors(panel, title, x, y, std::vector<double>(), error))
    {
        return false;
    }
    m_panels[panel].series.back().style = style;
    return true;
}

bool
MptcpPlot::AddSeriesWithErrors(size_t panel,
                               const std::string& title,
                               const std::vector<double>& x,
                               const std::vector<double>& y,
                               const std::vector<double>& yErr,
                               std::string* error)
{
    if (panel >= m_panels.size())
    {
        return SetError(error,
                        "series '" + title + "': no panel " + std::to_string(panel) + " (" +
                            std::to_string(m_panels.size()) + " panels)");
    }
    if (x.size() != y.size())
    {
        return SetError(error,
                        "series '" + title + "': " + std::to_string(x.size()) + " x values but " +
                            std::to_string(y.size()) + " y values");
    }
    if (!yErr.empty() && yErr.size() != x.size())
    {
        return SetError(error,
                        "series '" + title + "': " + std::to_string(x.size()) + " points but " +
                            std::to_string(yErr.size()) + " error bars");
    }
    Series s;
    s.title = title;
    s.x = x;
    s.y = y;
    s.yErr = yErr;
    m_panels[panel].series.push_back(s);
    return true;
}

void
MptcpPlot::SetGnuplot(const std::string& program)
{
    m_gnuplot = program;
}

void
MptcpPlot::SetQuiet(bool quiet)
{
    m_quiet = quiet;
}

bool
MptcpPlot::AlignPanels(double left, double right)
{
    if (!(left > 0 && left < right && right < 1))
    {
        return false;
    }
    m_alignLeft = left;
    m_alignRight = right;
    return true;
}

bool
MptcpPlot::IsRendered() const
{
    return m_rendered;
}

const std::string&
MptcpPlot::GetNote() const
{
    return m_note;
}

std::string
MptcpPlot::Quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        if (c == '\'')
        {
            out += "''";
        }
        else if (c == '\n' || c == '\r')
        {
            out += ' ';
        }
        else
        {
            out += c;
        }
    }
    out += '\'';
    return out;
}

std::string
MptcpPlot::FormatNumber(double v)
{
    if (!std::isfinite(v))
    {
        return "NaN";
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    return std::string(buf, res.ptr);
}

std::string
MptcpPlot::DataText() const
{
    std::ostringstream out;
    out << "# " << (m_title.empty() ? "figure" : m_title) << "\n";
    out << "# One block per series (gnuplot \"index\" N, blocks separated by two blank"
           " lines).\n";
    out << "# Columns: x y, or x y yerr for a series with error bars.\n";
    size_t index = 0;
    for (size_t p = 0; p < m_panels.size(); p++)
    {
        for (const Series& s : m_panels[p].series)
        {
            if (index > 0)
            {
                out << "\n\n";
            }
            out << "# index " << index << ": panel " << p << ", " << s.title << "\n";
            if (s.x.empty())
            {
                // An empty block would shift the index of the next ones.
                out << (s.yErr.empty() ? "NaN NaN\n" : "NaN NaN NaN\n");
            }
            for (size_t i = 0; i < s.x.size(); i++)
            {
                out << FormatNumber(s.x[i]) << ' ' << FormatNumber(s.y[i]);
                if (!s.yErr.empty())
                {
                    out << ' ' << FormatNumber(s.yErr[i]);
                }
                out << '\n';
            }
            index++;
        }
    }
    return out.str();
}

std::string
MptcpPlot::ScriptText(const std::string& base) const
{
    uint32_t rows = m_rows ? m_rows : static_cast<uint32_t>(m_panels.size());
    uint32_t columns = m_columns ? m_columns : 1;
    uint32_t width = m_width ? m_width : 800;
    uint32_t height = m_height ? m_height : std::max<uint32_t>(400, 300 * rows);
    std::string size = std::to_string(width) + "," + std::to_string(height);

    std::ostringstream out;
    out << "# " << base << ".plt";
    if (!m_title.empty())
    {
        out << ": " << m_title;
    }
    out << "\n"
        << "#\n"
        << "# Draws the data of " << base << ".dat into " << base << ".png (pngcairo) and "
        << base << ".svg (svg).\n"
        << "# Edit this file and render again with:  gnuplot " << base << ".plt\n"
        << "# (from the folder that holds it). The data blocks, selected with \"index N\":\n";
    size_t index = 0;
    for (size_t p = 0; p < m_panels.size(); p++)
    {
        for (const Series& s : m_panels[p].series)
        {
            out << "#   index " << index++ << ": panel " << p << ", " << Quote(s.title)
                << (s.yErr.empty() ? " (x y)" : " (x y yerr)") << "\n";
        }
    }
    out << "\n"
        << "data = " << Quote(base + ".dat") << "\n"
        << "\n"
        << "# Pass 1 writes the PNG, pass 2 the SVG, with the same commands.\n"
        << "do for [pass = 1:2] {\n"
        << "    if (pass == 1) {\n"
        << "        set terminal pngcairo size " << size << " noenhanced\n"
        << "        set output " << Quote(base + ".png") << "\n"
        << "    } else {\n"
        << "        set terminal svg size " << size << " noenhanced\n"
        << "        set output " << Quote(base + ".svg") << "\n"
        << "    }\n"
        << "    set multiplot layout " << rows << "," << columns;
    if (!m_title.empty())
    {
        out << " title " << Quote(m_title);
    }
    out << "\n"
        << "    set grid\n"
        << "    set key outside right top\n"
        << "    # Vertical margins, so that no point sits on the top or bottom border.\n"
        << "    set offsets 0, 0, graph 0.05, graph 0.05\n";
    index = 0;
    bool customTics = false;
    for (size_t p = 0; p < m_panels.size(); p++)
    {
        const Panel& panel = m_panels[p];
        out << "\n"
            << "    # Panel " << p << "\n"
            << "    set title " << Quote(panel.title) << "\n"
            << "    set xlabel " << Quote(panel.xLabel) << "\n"
            << "    set ylabel " << Quote(panel.yLabel) << "\n";
        if (panel.xTics.empty())
        {
            if (customTics) // back to gnuplot's tics after a panel with its own
            {
                out << "    set xtics autofreq\n";
                customTics = false;
            }
        }
        else
        {
            customTics = true;
            out << "    set xtics (";
            for (size_t i = 0; i < panel.xTics.size(); i++)
            {
                out << (i ? ", " : "") << Quote(panel.xTics[i].second) << " "
                    << FormatNumber(panel.xTics[i].first);
            }
            out << ")\n";
        }
        if (m_alignLeft > 0)
        {
            out << "    set lmargin at screen " << FormatNumber(m_alignLeft) << "\n"
                << "    set rmargin at screen " << FormatNumber(m_alignRight) << "\n";
        }
        if (panel.yRangeSet)
        {
            out << "    set yrange [" << FormatNumber(panel.yMin) << ":" << FormatNumber(panel.yMax)
                << "]\n";
        }
        else if (panel.yMinSet)
        {
            // No margin below a fixed floor: the axis starts at it.
            out << "    set offsets 0, 0, graph 0.05, 0\n"
                << "    set yrange [" << FormatNumber(panel.yMin) << ":*]\n";
        }
        else
        {
            out << "    set offsets 0, 0, graph 0.05, graph 0.05\n"
                << "    set yrange [*:*]\n";
        }
        out << "    plot ";
        for (size_t i = 0; i < panel.series.size(); i++)
        {
            const Series& s = panel.series[i];
            if (i > 0)
            {
                out << ", \\\n         ";
            }
            std::string style;
            if (!s.yErr.empty())
            {
                style = "using 1:2:3 with yerrorlines";
            }
            else if (s.x.size() > kMaxMarkedPoints || s.style.dashed)
            {
                style = "using 1:2 with lines";
            }
            else
            {
                style = "using 1:2 with linespoints";
            }
            if (!s.style.color.empty())
            {
                style += " linecolor rgb " + Quote(s.style.color);
            }
            if (s.style.dashed)
            {
                style += " dashtype 2";
            }
            if (s.style.width > 0)
            {
                style += " linewidth " + FormatNumber(s.style.width);
            }
            out << "data index " << index++ << " " << style << " title " << Quote(s.title);
        }
        out << "\n";
    }
    out << "\n"
        << "    unset multiplot\n"
        << "    set output\n"
        << "}\n";
    return out.str();
}

std::string
MptcpPlot::FindGnuplot() const
{
    if (m_gnuplot.empty())
    {
        return "";
    }
    if (m_gnuplot.find('/') != std::string::npos)
    {
        return IsExecutableFile(m_gnuplot) ? m_gnuplot : "";
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size())
    {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos)
        {
            end = dirs.size();
        }
        std::string dir = dirs.substr(start, end - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + m_gnuplot;
        if (IsExecutableFile(candidate))
        {
            return candidate;
        }
        start = end + 1;
    }
    return "";
}

bool
MptcpPlot::RunGnuplot(const std::string& program,
                      const std::string& dir,
                      const std::string& script,
                      std::string* error)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        return SetError(error, std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    // Everything the child needs is prepared before fork().
    std::vector<char*> argv;
    std::string arg0 = program;
    std::string arg1 = script;
    argv.push_back(&arg0[0]);
    argv.push_back(&arg1[0]);
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0)
    {
        close(fds[0]);
        close(fds[1]);
        return SetError(error, std::string("cannot start gnuplot: ") + std::strerror(errno));
    }
    if (pid == 0)
    {
        // The child: only async-signal-safe calls until exec.
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
        {
            dup2(devnull, 0);
            close(devnull);
        }
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        if (chdir(dir.c_str()) != 0)
        {
            static const char msg[] = "cannot enter the output folder\n";
            (void)!write(2, msg, sizeof(msg) - 1);
            _exit(126);
        }
        execv(argv[0], argv.data());
        static const char msg[] = "cannot execute gnuplot\n";
        (void)!write(2, msg, sizeof(msg) - 1);
        _exit(127);
    }
    close(fds[1]);
    std::string output;
    char buf[4096];
    for (;;)
    {
        ssize_t n = read(fds[0], buf, sizeof(buf));
        if (n > 0)
        {
            output.append(buf, static_cast<size_t>(n));
        }
        else if (n == 0 || errno != EINTR)
        {
            break;
        }
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            return SetError(error, std::string("waiting for gnuplot: ") + std::strerror(errno));
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    {
        if (!output.empty())
        {
            NS_LOG_WARN("gnuplot " << script << ": " << output);
        }
        return true;
    }
    std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                        : "was killed by signal " + std::to_string(WTERMSIG(status));
    return SetError(error, "gnuplot " + script + " in '" + dir + "' " + how + ": " + output);
}

bool
MptcpPlot::Write(const std::string& dir, const std::string& base, std::string* error)
{
    NS_LOG_FUNCTION(this << dir << base);
    m_rendered = false;
    m_note.clear();
    if (base.empty() || base == "." || base == ".." || base.find('/') != std::string::npos ||
        base.find('\0') != std::string::npos)
    {
        return SetError(error, "plot: invalid file name stem '" + base + "'");
    }
    struct stat st;
    if (stat(dir.c_str(), &st) != 0)
    {
        return SetError(error, "plot: output folder '" + dir + "': " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
    {
        return SetError(error, "plot: '" + dir + "' is not a folder");
    }
    if (m_panels.empty())
    {
        return SetError(error, "plot " + base + ": no panel to draw");
    }
    for (size_t p = 0; p < m_panels.size(); p++)
    {
        if (m_panels[p].series.empty())
        {
            return SetError(error,
                            "plot " + base + ": panel " + std::to_string(p) + " has no series");
        }
    }
    uint32_t rows = m_rows ? m_rows : static_cast<uint32_t>(m_panels.size());
    uint32_t columns = m_columns ? m_columns : 1;
    if (static_cast<uint64_t>(rows) * columns < m_panels.size())
    {
        return SetError(error,
                        "plot " + base + ": a " + std::to_string(rows) + "x" +
                            std::to_string(columns) + " layout cannot hold " +
                            std::to_string(m_panels.size()) + " panels");
    }

    std::string prefix = dir + "/" + base;
    if (!WriteFile(prefix + ".dat", DataText(), error) ||
        !WriteFile(prefix + ".plt", ScriptText(base), error))
    {
        return false;
    }

    std::string program = FindGnuplot();
    if (program.empty())
    {
        m_note = "plot " + base + ": gnuplot ('" + m_gnuplot +
                 "') not found; the data and script are written. Render the images with: cd " +
                 ShellQuote(dir) + " && gnuplot " + ShellQuote(base + ".plt") +
                 " (Debian package gnuplot-nox)";
        if (!m_quiet)
        {
            std::cerr << m_note << std::endl;
        }
        return true;
    }
    // Remove old images, so that a stale image never passes for a new one.
    unlink((prefix + ".png").c_str());
    unlink((prefix + ".svg").c_str());
    if (!RunGnuplot(program, dir, base + ".plt", error))
    {
        return false;
    }
    for (const char* ext : {".png", ".svg"})
    {
        struct stat img;
        if (stat((prefix + ext).c_str(), &img) != 0 || img.st_size == 0)
        {
            return SetError(error, "gnuplot did not write '" + prefix + ext + "'");
        }
    }
    m_rendered = true;
    return true;
}

} // namespace ns3
