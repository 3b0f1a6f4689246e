/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "mptcp-output.h"

#include "mptcp-plot.h"
#include "mptcp-results.h"

#include "ns3/rng-seed-manager.h"

#include <map>
#include <sstream>

namespace ns3
{

namespace
{

std::string
Str(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

} // namespace

bool
MptcpWriteOutputs(const MptcpScenarioParams& p,
                  const MptcpScenarioResult& r,
                  int argc,
                  char** argv,
                  bool plot,
                  std::string* error)
{
    std::string cmdline;
    for (int i = 0; i < argc; i++)
    {
        cmdline += (i ? " " : "") + std::string(argv[i]);
    }
    MptcpResults db;
    if (!db.Open(p.outputDir + "/results.db", true, error))
    {
        return false;
    }
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
        {"queue", std::to_string(r.queuePackets)},
        {"queueDisc", p.queueDisc},
        {"duration", Str(p.duration.GetSeconds())},
        {"warmup", Str(p.warmup.GetSeconds())},
        {"segmentSize", std::to_string(p.segmentSize)},
        {"delAckCount", std::to_string(p.delAckCount)},
    };
    if (db.BeginRun("mptcp-shared-bottleneck",
                    "mptcp-shared-bottleneck",
                    params,
                    RngSeedManager::GetSeed(),
                    RngSeedManager::GetRun(),
                    cmdline) < 0)
    {
        *error = db.GetError();
        return false;
    }
    db.AddMetric(-1, "mptcp_tcp_ratio", r.mptcpTcpRatio, "");
    db.AddMetric(-1, "jain", r.jain, "");
    db.AddMetric(-1, "fallback", r.fallback ? 1 : 0, "");
    db.AddMetric(-1, "delivered_packets", static_cast<double>(r.deliveredPackets), "packets");
    std::map<std::string, int64_t> entities;
    for (size_t i = 0; i < r.flows.size(); i++)
    {
        const MptcpScenarioFlow& f = r.flows[i];
        std::string label = f.kind == "mptcp" ? "mptcp" : "tcp " + std::to_string(i - 1);
        int64_t e = db.AddEntity(f.kind == "mptcp" ? "connection" : "tcp_flow", label, "");
        db.AddMetric(e, "goodput_bps", f.goodputBps, "bit/s");
        db.AddMetric(e, "bytes_received", static_cast<double>(f.bytesReceived), "byte");
        entities[label] = e;
        for (size_t j = 0; j < f.subflows.size(); j++)
        {
            const MptcpScenarioSubflow& s = f.subflows[j];
            std::string sl = "subflow " + std::to_string(j);
            int64_t se = db.AddEntity("subflow", sl, s.local + " > " + s.remote + " tcp");
            db.AddMetric(se, "goodput_bps", s.goodputBps, "bit/s");
            db.AddMetric(se, "bytes_acked", static_cast<double>(s.bytesAcked), "byte");
            db.AddMetric(se, "retransmissions", static_cast<double>(s.retransmissions), "segments");
            db.AddMetric(se, "srtt_ms", s.srttMs, "ms");
            db.AddMetric(se, "interface", s.interface, "index");
            db.AddMetric(se, "device", s.device, "index");
            entities[sl] = se;
        }
    }
    for (const MptcpScenarioSeries& s : r.series)
    {
        auto it = entities.find(s.entity);
        int64_t id = db.AddSeries(it == entities.end() ? -1 : it->second, s.name);
        for (const auto& x : s.samples)
        {
            db.AddSample(id, x.first, x.second);
        }
    }
    if (!db.EndRun("ok", 0, -1, error))
    {
        return false;
    }
    db.Close();
    if (!plot)
    {
        return true;
    }

    MptcpPlot fig("MPTCP (" + p.cc + ", " + std::to_string(r.flows[0].subflows.size()) +
                   " subflows) and " + std::to_string(p.tcpFlows) + " TCP flow(s) through " +
                   p.bottleneckRate);
    fig.SetLayout(2, 1);
    size_t cw = fig.AddPanel("congestion window per subflow", "time (s)", "cwnd (KiB)");
    size_t gp = fig.AddPanel("goodput", "time (s)", "goodput (Mbit/s)");
    fig.SetYMin(cw, 0);
    fig.SetYMin(gp, 0);
    for (const MptcpScenarioSeries& s : r.series)
    {
        if (s.name != "cwnd" && s.name != "goodput")
        {
            continue;
        }
        std::vector<double> x;
        std::vector<double> y;
        for (const auto& v : s.samples)
        {
            x.push_back(static_cast<double>(v.first) / 1e9);
            y.push_back(s.name == "cwnd" ? v.second / 1024.0 : v.second / 1e6);
        }
        if (!fig.AddSeries(s.name == "cwnd" ? cw : gp, s.entity, x, y, error))
        {
            return false;
        }
    }
    return fig.Write(p.outputDir, "mptcp-shared-bottleneck", error);
}

} // namespace ns3
