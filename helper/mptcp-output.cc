/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-output.h"

#include <iostream>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <cstring>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "mptcp-plot.h"
#include "mptcp-topology.h"

#include "ns3/rng-seed-manager.h"

#include <sstream>

namespace ns3
{

namespace
{

const char kScenario[] = "mptcp-shared-bottleneck";

std::string
Str(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

} // namespace

std::vector<MptcpResults::Param>
MptcpScenarioRecorder::Params(const MptcpScenarioParams& p)
{
    std::vector<MptcpResults::Param> params = {
        {"subflows", std::to_string(p.subflows)},
        {"pm", p.pm},
        {"interfaces", std::to_string(p.interfaces)},
        {"cc", p.cc},
        {"scheduler", p.scheduler},
        {"tcpFlows", std::to_string(p.tcpFlows)},
        {"competitor", p.competitor},
        {"competitorCc", p.competitorCc},
        {"transport", p.transport},
        {"peer", p.peer},
        {"bottleneckRate", p.bottleneckRate},
        {"bottleneckDelay", Str(p.bottleneckDelay.GetSeconds() * 1e3)},
        {"queue", std::to_string(MptcpScenarioQueuePackets(p))},
        {"queueDisc", p.queueDisc},
        {"duration", Str(p.duration.GetSeconds())},
        {"warmup", Str(p.warmup.GetSeconds())},
        {"segmentSize", std::to_string(p.segmentSize)},
        {"delAckCount", std::to_string(p.delAckCount)},
    };
    // The default engine is not recorded, so that runs of ns-3 mode keep
    // the identity they had before the fast engine existed.
    if (p.engine != "ns3")
    {
        params.push_back({"engine", p.engine});
    }
    params.insert(params.end(), p.config.begin(), p.config.end());
    return params;
}

bool
MptcpRunRecorder::Begin(const Setup& s, std::string* error, bool* refused)
{
    *refused = false;
    const std::string path = s.outputDir + "/results.db";
    if (!m_db.OpenAppend(path, error))
    {
        return false;
    }
    const uint32_t seed = RngSeedManager::GetSeed();
    const uint64_t run = RngSeedManager::GetRun();
    std::string old = m_db.FindRun(s.campaign, s.scenario, s.params, seed, run);
    if (old == "ok" && !s.overwrite)
    {
        *refused = true;
        *error = path + " already holds a finished run with these parameters, RngSeed " +
                 std::to_string(seed) + " and RngRun " + std::to_string(run) +
                 "; give --overwrite=true to replace it, or choose another --RngRun or "
                 "--outputDir";
        m_db.Close();
        return false;
    }
    if (!old.empty())
    {
        m_note = "replacing the run with the same parameters and RngRun " +
                 std::to_string(run) + " in " + path + " (status '" + old + "')";
    }
    m_db.SetReplaceRun(true);
    m_db.SetCommitInterval(1.0);
    // What differs between two executions of the same run, unless the
    // caller wants the file comparable byte for byte.
    m_wallClock = !s.deterministic;
    m_wallStart = std::chrono::steady_clock::now();
    if (m_wallClock)
    {
        MptcpResults::RunInfo info;
        char host[256] = "";
        if (gethostname(host, sizeof(host) - 1) == 0)
        {
            info.host = host;
        }
        const std::time_t t = std::time(nullptr);
        std::tm utc{};
        char when[32] = "";
        if (gmtime_r(&t, &utc) && std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &utc))
        {
            info.startedAt = when;
        }
        m_db.SetRunInfo(info);
    }
    if (m_db.BeginRun(s.campaign, s.scenario, s.params, seed, run, s.cmdline) < 0)
    {
        *error = m_db.GetError();
        m_db.Close();
        return false;
    }
    // The entities known before the run; others come with their samples.
    for (const auto& e : s.entities)
    {
        m_kind[e.first] = e.second;
        EntityOf(e.first);
    }
    return m_db.Commit();
}

const std::string&
MptcpRunRecorder::GetNote() const
{
    return m_note;
}

int64_t
MptcpRunRecorder::EntityOf(const std::string& label)
{
    auto it = m_entity.find(label);
    if (it != m_entity.end())
    {
        return it->second;
    }
    auto k = m_kind.find(label);
    std::string kind = k != m_kind.end()                       ? k->second
                       : label == "mptcp"                      ? "connection"
                       : label.compare(0, 4, "tcp ") == 0      ? "tcp_flow"
                       : label.compare(0, 8, "ip flow ") == 0 ? "ip_flow"
                                                               : "subflow";
    int64_t id = m_db.AddEntity(kind, label, "");
    m_entity[label] = id;
    return id;
}

/** The unit of a scenario series' samples, by the series' name. */
static std::string
SeriesUnit(const std::string& name)
{
    if (name == "goodput")
    {
        return "bit/s";
    }
    if (name == "cwnd")
    {
        return "byte";
    }
    if (name == "srtt")
    {
        return "ms";
    }
    return "";
}

MptcpScenarioSampleSink
MptcpRunRecorder::Sink()
{
    return [this](const std::string& entity, const std::string& name, int64_t tNs, double v) {
        std::string key = entity + "/" + name;
        auto it = m_series.find(key);
        if (it == m_series.end())
        {
            it = m_series.emplace(key, m_db.AddSeries(EntityOf(entity), name, SeriesUnit(name)))
                     .first;
        }
        m_db.AddSample(it->second, tNs, v);
    };
}

void
MptcpRunRecorder::AddMetric(const std::string& entity,
                            const std::string& name,
                            double value,
                            const std::string& unit)
{
    m_db.AddMetric(entity.empty() ? -1 : EntityOf(entity), name, value, unit);
}

void
MptcpRunRecorder::AddFlows(const std::vector<MptcpScenarioFlow>& flows,
                           const std::vector<MptcpScenarioIpFlow>& ipFlows)
{
    for (const MptcpScenarioFlow& f : flows)
    {
        int64_t e = EntityOf(f.entity);
        m_db.AddMetric(e, "goodput_bps", f.goodputBps, "bit/s");
        m_db.AddMetric(e, "bytes_received", static_cast<double>(f.bytesReceived), "byte");
        for (const MptcpScenarioSubflow& s : f.subflows)
        {
            int64_t se = EntityOf(s.entity);
            m_db.SetFiveTuple(se, s.local + " > " + s.remote + " tcp");
            m_db.AddMetric(se, "goodput_bps", s.goodputBps, "bit/s");
            m_db.AddMetric(se, "bytes_acked", static_cast<double>(s.bytesAcked), "byte");
            m_db.AddMetric(se,
                           "retransmissions",
                           static_cast<double>(s.retransmissions),
                           "segments");
            m_db.AddMetric(se, "srtt_ms", s.srttMs, "ms");
            m_db.AddMetric(se, "interface", s.interface, "index");
            m_db.AddMetric(se, "device", s.device, "index");
        }
    }
    for (const MptcpScenarioIpFlow& f : ipFlows)
    {
        int64_t e = EntityOf("ip flow " + std::to_string(f.id));
        m_db.SetFiveTuple(e, f.fiveTuple);
        m_db.AddMetric(e, "tx_packets", static_cast<double>(f.txPackets), "packets");
        m_db.AddMetric(e, "rx_packets", static_cast<double>(f.rxPackets), "packets");
        m_db.AddMetric(e, "tx_bytes", static_cast<double>(f.txBytes), "byte");
        m_db.AddMetric(e, "rx_bytes", static_cast<double>(f.rxBytes), "byte");
        m_db.AddMetric(e, "lost_packets", static_cast<double>(f.lostPackets), "packets");
        m_db.AddMetric(e, "delay_mean_ms", f.delayMeanMs, "ms");
        m_db.AddMetric(e, "jitter_mean_ms", f.jitterMeanMs, "ms");
    }
}

bool
MptcpRunRecorder::Finish(std::string* error)
{
    const double wall =
        m_wallClock
            ? std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count()
            : -1;
    bool ok = m_db.EndRun("ok", 0, wall, error);
    m_db.Close();
    return ok;
}

void
MptcpRunRecorder::Fail(const std::string& why)
{
    m_db.EndRun("failed: " + why, 1, -1, nullptr);
    m_db.Close();
}

bool
MptcpScenarioRecorder::Begin(const MptcpScenarioParams& p,
                             const std::string& cmdline,
                             bool overwrite,
                             std::string* error,
                             bool* refused)
{
    MptcpRunRecorder::Setup s;
    s.outputDir = p.outputDir;
    s.campaign = p.campaign;
    s.scenario = kScenario;
    s.params = Params(p);
    s.cmdline = cmdline;
    s.overwrite = overwrite;
    s.deterministic = p.deterministicOutput;
    // The flows known before the run; subflows come with their samples.
    s.entities.emplace_back("mptcp", "connection");
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        s.entities.emplace_back("tcp " + std::to_string(k), "tcp_flow");
    }
    m_queue = MptcpScenarioQueuePackets(p);
    return m_rec.Begin(s, error, refused);
}

const std::string&
MptcpScenarioRecorder::GetNote() const
{
    return m_rec.GetNote();
}

MptcpScenarioSampleSink
MptcpScenarioRecorder::Sink()
{
    return m_rec.Sink();
}

bool
MptcpScenarioRecorder::Finish(const MptcpScenarioResult& r, std::string* error)
{
    if (r.queuePackets != m_queue)
    {
        *error = "the run used a queue of " + std::to_string(r.queuePackets) +
                 " packets, its parameters say " + std::to_string(m_queue);
        m_rec.Fail(*error);
        return false;
    }
    m_rec.AddMetric("", "mptcp_tcp_ratio", r.mptcpTcpRatio, "");
    m_rec.AddMetric("", "jain", r.jain, "");
    m_rec.AddMetric("", "fallback", r.fallback ? 1 : 0, "");
    m_rec.AddMetric("", "delivered_packets", static_cast<double>(r.deliveredPackets), "packets");
    m_rec.AddFlows(r.flows, r.ipFlows);
    return m_rec.Finish(error);
}

namespace
{

/** Colours of the flows (the multipath host's connection, then each TCP
 *  flow) and, apart, of the subflows: one colour per flow in every panel. */
const char* const kFlowColours[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                                    "#8c564b", "#e377c2", "#17becf", "#bcbd22"};
const char* const kSubflowColours[] = {"#ff7f0e", "#7f7f7f", "#17becf", "#bcbd22",
                                       "#e377c2", "#8c564b", "#9467bd", "#2ca02c"};

/** The number after the last space of a label ("tcp 3" gives 3). */
size_t
IndexOf(const std::string& label)
{
    size_t sp = label.rfind(' ');
    return sp == std::string::npos ? 0 : std::strtoul(label.c_str() + sp + 1, nullptr, 10);
}

/**
 * Mean over the last `window` samples, each point's own included (fewer at
 * the start): the goodput of a 100 ms sample counts what the application
 * received in it, and reassembly hands over data in bursts (a segment that
 * fills a hole releases everything queued behind it), so single samples
 * can exceed the link rate.
 */
std::vector<double>
TrailingMean(const std::vector<double>& y, size_t window)
{
    std::vector<double> m(y.size());
    double sum = 0;
    for (size_t i = 0; i < y.size(); i++)
    {
        sum += y[i];
        if (i >= window)
        {
            sum -= y[i - window];
        }
        m[i] = sum / static_cast<double>(std::min(i + 1, window));
    }
    return m;
}

} // namespace

bool
MptcpWritePlot(const MptcpScenarioParams& p, const MptcpScenarioResult& r, std::string* error)
{
    // With --transport=ns3tcp the multipath host runs ns-3's TCP, whose
    // windows are not sampled: no window panel.
    const bool mptcp = p.transport == "mptcp";
    const std::string host =
        mptcp ? "MPTCP (" + p.cc + ", " + std::to_string(r.flows[0].subflows.size()) + " subflows)"
              : "ns-3 TCP (" + p.competitorCc + ", " +
                    std::to_string(r.flows[0].subflows.size()) + " flows)";
    bool cwnd = false;
    for (const MptcpScenarioSeries& s : r.series)
    {
        cwnd = cwnd || (s.name == "cwnd" && !s.samples.empty());
    }
    // Goodput is drawn as a trailing mean over 1 s (at least one sample).
    const double dt = p.sampleInterval.GetSeconds();
    const size_t window = std::max<size_t>(1, static_cast<size_t>(std::lround(1.0 / dt)));
    const std::string over = "mean over the last " + MptcpPlot::FormatNumber(window * dt) + " s";
    MptcpPlot fig(host + " and " + std::to_string(p.tcpFlows) + " TCP flow(s) through " +
                  p.bottleneckRate);
    fig.SetLayout(cwnd ? 3 : 2, 1);
    fig.AlignPanels(0.1, 0.7);
    size_t flows = fig.AddPanel("goodput per flow (" + over + "; fair share: " + p.bottleneckRate +
                                    " / " + std::to_string(1 + p.tcpFlows) + " flows)",
                                "time (s)",
                                "goodput (Mbit/s)");
    size_t subs = fig.AddPanel(std::string(mptcp ? "goodput per subflow of the MPTCP connection"
                                                 : "goodput per ns-3 TCP flow of the host") +
                                   " (" + over + ")",
                               "time (s)",
                               "goodput (Mbit/s)");
    size_t cw = cwnd ? fig.AddPanel("congestion window per subflow", "time (s)", "cwnd (KiB)") : 0;
    fig.SetYMin(flows, 0);
    fig.SetYMin(subs, 0);
    if (cwnd)
    {
        fig.SetYMin(cw, 0);
    }
    // The flows first: the host's connection, then the TCP flows by index.
    std::vector<const MptcpScenarioSeries*> order;
    for (int pass = 0; pass < 3; pass++)
    {
        for (const MptcpScenarioSeries& s : r.series)
        {
            const bool isHost = s.entity == "mptcp";
            const bool isTcp = s.entity.compare(0, 4, "tcp ") == 0;
            if ((pass == 0 && isHost) || (pass == 1 && isTcp) || (pass == 2 && !isHost && !isTcp))
            {
                order.push_back(&s);
            }
        }
    }
    for (const MptcpScenarioSeries* s : order)
    {
        if (s->name != "goodput" && !(s->name == "cwnd" && cwnd))
        {
            continue;
        }
        std::vector<double> x;
        std::vector<double> y;
        for (const auto& v : s->samples)
        {
            x.push_back(static_cast<double>(v.first) / 1e9);
            y.push_back(s->name == "cwnd" ? v.second / 1024.0 : v.second / 1e6);
        }
        MptcpPlot::LineStyle style;
        std::string title;
        size_t panel;
        if (s->entity == "mptcp")
        {
            style.color = kFlowColours[0];
            style.width = 2;
            title = mptcp ? "MPTCP connection" : "multipath host (all flows)";
            panel = flows;
        }
        else if (s->entity.compare(0, 4, "tcp ") == 0)
        {
            const size_t k = IndexOf(s->entity);
            style.color = kFlowColours[1 + k % (std::size(kFlowColours) - 1)];
            title = "TCP flow " + std::to_string(k);
            panel = flows;
        }
        else
        {
            style.color = kSubflowColours[IndexOf(s->entity) % std::size(kSubflowColours)];
            title = s->entity;
            panel = s->name == "cwnd" ? cw : subs;
        }
        if (s->name == "goodput")
        {
            y = TrailingMean(y, window);
        }
        if (!fig.AddSeries(panel, title, x, y, style, error))
        {
            return false;
        }
    }
    // The fair share of the bottleneck: its rate over the number of flows
    // that cross it (the host's connection counts as one).
    const double fair = MptcpRateBps(p.bottleneckRate) / 1e6 /
                        static_cast<double>(1 + p.tcpFlows);
    MptcpPlot::LineStyle ref;
    ref.color = "#000000";
    ref.dashed = true;
    if (!fig.AddSeries(flows,
                       "fair share",
                       {0, p.duration.GetSeconds()},
                       {fair, fair},
                       ref,
                       error))
    {
        return false;
    }
    return fig.Write(p.outputDir, "mptcp-shared-bottleneck", error);
}

bool
MptcpCheckOutputDir(const std::string& dir, std::string& why)
{
    if (dir.empty())
    {
        why = "--outputDir must not be empty";
        return false;
    }
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    {
        why = "cannot create --outputDir " + dir + ": " + std::strerror(errno);
        return false;
    }
    std::string probe = dir + "/.write-test-XXXXXX";
    std::vector<char> name(probe.begin(), probe.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0)
    {
        why = "cannot write in --outputDir " + dir + ": " + std::strerror(errno);
        return false;
    }
    close(fd);
    unlink(name.data());
    return true;
}


int
MptcpRecordRun(const MptcpOutputOptions& out,
               const std::string& scenario,
               const std::vector<MptcpResults::Param>& params,
               const std::string& cmdline,
               const std::function<void(MptcpRunRecorder*)>& run,
               const std::vector<std::pair<std::string, std::string>>& entities)
{
    if (!out.record)
    {
        run(nullptr);
        return 0;
    }
    MptcpRunRecorder recorder;
    MptcpRunRecorder::Setup s;
    s.outputDir = out.outputDir;
    s.campaign = out.campaign;
    s.scenario = scenario;
    s.params = params;
    s.cmdline = cmdline;
    s.overwrite = out.replace;
    s.entities = entities;
    std::string err;
    bool refused = false;
    if (!recorder.Begin(s, &err, &refused))
    {
        std::cerr << out.program << ": " << err << std::endl;
        return refused ? 2 : 1;
    }
    run(&recorder);
    if (!recorder.Finish(&err))
    {
        std::cerr << out.program << ": " << out.outputDir << "/results.db: " << err << std::endl;
        return 1;
    }
    return 0;
}

} // namespace ns3
