// SPDX-License-Identifier: GPL-2.0-only

#ifndef MPTCP_PLOT_H
#define MPTCP_PLOT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief A gnuplot figure of one or more panels of line series, written
 *        as data, an editable script, and PNG and SVG images.
 *
 * Write(dir, base) produces in dir:
 *  - base.dat: every series as one gnuplot data block ("index" N), with a
 *    comment naming its panel and title; columns x y, or x y yerr for a
 *    series with error bars;
 *  - base.plt: a commented script that draws the panels (multiplot) once
 *    for the pngcairo terminal (base.png) and once for the svg terminal
 *    (base.svg); it names files relative to dir, so dir can be moved;
 *  - base.png and base.svg, by running gnuplot base.plt in dir, when
 *    gnuplot is found (SetGnuplot(); "gnuplot" on PATH by default).
 *
 * Without gnuplot the data and script are still written and Write()
 * succeeds; IsRendered() is false and GetNote() (also printed on standard
 * error unless SetQuiet()) says which command renders the images.
 *
 * gnuplot runs with fork and exec, never through a shell, and titles and
 * file names are quoted for gnuplot, so paths and titles may hold any
 * character. Numbers are written in their shortest exact form, so the
 * same figure gives the same bytes.
 */
class MptcpPlot
{
  public:
    /** How a series is drawn; the defaults leave it to gnuplot. */
    struct LineStyle
    {
        std::string color;  //!< "#rrggbb", or empty: gnuplot's next colour
        bool dashed = false; //!< a dashed line (reference lines)
        double width = 0;   //!< line width, or 0: gnuplot's default
    };

    /**
     * \brief Create an empty figure.
     * \param title the title above all panels (empty: none)
     */
    explicit MptcpPlot(const std::string& title = "");

    /**
     * \brief Set the image size (both terminals). Default 800 x 300 per
     *        panel row.
     * \param widthPx width in pixels
     * \param heightPx height in pixels
     */
    void SetSize(uint32_t widthPx, uint32_t heightPx);

    /**
     * \brief Set the grid of panels. Default: one column, a row per panel.
     * \param rows rows
     * \param columns columns
     */
    void SetLayout(uint32_t rows, uint32_t columns);

    /**
     * \brief Add a panel (a set of axes).
     * \param title the panel title (empty: none)
     * \param xLabel the x axis label
     * \param yLabel the y axis label
     * \return the panel index, for AddSeries()
     */
    size_t AddPanel(const std::string& title, const std::string& xLabel, const std::string& yLabel);

    /**
     * \brief Fix the y range of a panel (default: gnuplot's autoscale).
     * \param panel the panel index
     * \param min the lower bound
     * \param max the upper bound
     * \return false when the panel does not exist or min >= max
     */
    bool SetYRange(size_t panel, double min, double max);

    /**
     * \brief Fix only the lower end of a panel's y range; the upper end is
     * autoscaled (for quantities that cannot be negative: the margins
     * gnuplot adds would otherwise put the axis below zero).
     * \param panel the panel index
     * \param min the lower bound
     * \return false when the panel does not exist or min is not finite
     */
    bool SetYMin(size_t panel, double min);

    /**
     * \brief Label the x axis of a panel at given positions only (e.g. one
     *        tic per category: {{1, "droptail"}, {2, "red"}}), instead of
     *        gnuplot's automatic tics.
     * \param panel the panel index from AddPanel()
     * \param tics (position, label) pairs
     * \return false when the panel does not exist or a position is not finite
     */
    bool SetXTics(size_t panel, const std::vector<std::pair<double, std::string>>& tics);

    /**
     * \brief Add a line series to a panel.
     * \param panel the panel index from AddPanel()
     * \param title the key entry
     * \param x the x values
     * \param y the y values, as many as x
     * \param error receives the reason on failure (may be null)
     * \return false when the panel does not exist or the sizes differ
     */
    bool AddSeries(size_t panel,
                   const std::string& title,
                   const std::vector<double>& x,
                   const std::vector<double>& y,
                   std::string* error);

    /**
     * \brief Add a line series drawn in a given colour and dash, so that one
     *        flow keeps its colour in every panel.
     * \param panel the panel index from AddPanel()
     * \param title the key entry
     * \param x the x values
     * \param y the y values, as many as x
     * \param style colour, dash and width
     * \param error receives the reason on failure (may be null)
     * \return false when the panel does not exist, the sizes differ, or the
     *         colour is not "#rrggbb"
     */
    bool AddSeries(size_t panel,
                   const std::string& title,
                   const std::vector<double>& x,
                   const std::vector<double>& y,
                   const LineStyle& style,
                   std::string* error);

    /**
     * \brief Add a line series with error bars (e.g. a mean over seeds
     *        with its standard deviation).
     * \param panel the panel index from AddPanel()
     * \param title the key entry
     * \param x the x values
     * \param y the y values, as many as x
     * \param yErr the half-height of each error bar, as many as x
     * \param error receives the reason on failure (may be null)
     * \return false when the panel does not exist or the sizes differ
     */
    bool AddSeriesWithErrors(size_t panel,
                             const std::string& title,
                             const std::vector<double>& x,
                             const std::vector<double>& y,
                             const std::vector<double>& yErr,
                             std::string* error);

    /**
     * \brief Choose the gnuplot program.
     * \param program a name looked up on PATH, or a path with a '/'
     */
    void SetGnuplot(const std::string& program);

    /**
     * \brief Do not print the note about a missing gnuplot on stderr.
     * \param quiet true to keep quiet
     */
    void SetQuiet(bool quiet);

    /**
     * \brief Give every panel the same plotting area, left and right edges
     *        at fixed fractions of the width, so that the time axes of
     *        stacked panels line up whatever the width of their keys (which
     *        sit right of the area).
     * \param left the left edge, in (0, right)
     * \param right the right edge, in (left, 1)
     * \return false when the edges are out of range (nothing changes)
     */
    bool AlignPanels(double left, double right);

    /**
     * \brief Write the data and script, and render the images.
     * \param dir an existing directory
     * \param base the file name stem: not empty, no '/', not "." or ".."
     * \param error receives the reason on failure (may be null)
     * \return true when the data and script are written and, if gnuplot
     *         was found, it rendered both images; false on a write error,
     *         when there is nothing to plot, or when gnuplot failed (the
     *         error then holds its messages)
     */
    bool Write(const std::string& dir, const std::string& base, std::string* error);

    /** \return true when the last Write() produced base.png and base.svg */
    bool IsRendered() const;

    /**
     * \return after a Write() that could not find gnuplot, the text that
     *         says how to render the images; else empty
     */
    const std::string& GetNote() const;

    /**
     * \brief Quote a text as a gnuplot single-quoted string.
     * \param s the text; a line break becomes a space
     * \return the quoted text, with ' doubled
     */
    static std::string Quote(const std::string& s);

    /**
     * \brief Format a number for the data file: shortest form that reads
     *        back to the same double; NaN for values that are not finite.
     * \param v the value
     * \return the text
     */
    static std::string FormatNumber(double v);

  private:
    /** One line series. */
    struct Series
    {
        std::string title;      //!< key entry
        std::vector<double> x;  //!< x values
        std::vector<double> y;  //!< y values
        std::vector<double> yErr; //!< error bar half-heights, or empty
        LineStyle style;        //!< colour, dash, width
    };

    /** One set of axes. */
    struct Panel
    {
        std::string title;   //!< panel title
        std::string xLabel;  //!< x axis label
        std::string yLabel;  //!< y axis label
        bool yRangeSet;      //!< whether SetYRange() was called
        bool yMinSet;        //!< whether SetYMin() was called
        double yMin;         //!< lower y bound
        double yMax;         //!< upper y bound
        std::vector<std::pair<double, std::string>> xTics; //!< SetXTics() (empty: automatic)
        std::vector<Series> series; //!< the series, in drawing order
    };

    /**
     * \brief Compose the text of the data file.
     * \return the text
     */
    std::string DataText() const;
    /**
     * \brief Compose the text of the script.
     * \param base the file name stem
     * \return the text
     */
    std::string ScriptText(const std::string& base) const;
    /**
     * \brief Find the gnuplot program.
     * \return its path, or empty when it is not found
     */
    std::string FindGnuplot() const;
    /**
     * \brief Run gnuplot on the script in dir.
     * \param program the gnuplot path
     * \param dir the directory
     * \param script the script file name
     * \param error receives gnuplot's messages on failure
     * \return true when gnuplot exited with status 0
     */
    static bool RunGnuplot(const std::string& program,
                           const std::string& dir,
                           const std::string& script,
                           std::string* error);

    std::string m_title;        //!< figure title
    uint32_t m_width;           //!< image width, 0: default
    uint32_t m_height;          //!< image height, 0: default
    uint32_t m_rows;            //!< layout rows, 0: default
    uint32_t m_columns;         //!< layout columns, 0: default
    std::vector<Panel> m_panels; //!< the panels
    std::string m_gnuplot;      //!< the gnuplot program
    bool m_quiet;               //!< no note on stderr
    bool m_rendered;            //!< the last Write() rendered the images
    double m_alignLeft;         //!< AlignPanels() left edge (0: not aligned)
    double m_alignRight;        //!< AlignPanels() right edge
    std::string m_note;         //!< how to render, after a Write without gnuplot
};

} // namespace ns3

#endif /* MPTCP_PLOT_H */
