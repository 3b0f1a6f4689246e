/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The shared-bottleneck scenario on the fast engine (utils/fastsim). What
 * is the same as MptcpScenarioRun, so that the two engines differ only in
 * the network (doc/fast-mode.md, "What is the same"):
 *   - the topology: MptcpDumbbellHelper's nodes, 1 Gbit/s 1 ms access
 *     links, the bottleneck of MptcpBottleneckSpec with its queue in
 *     packets (a one-packet device queue behind the queue disc, so q + 1
 *     packets wait), its RED thresholds, and the addresses
 *     Ipv4AddressHelper gives there;
 *   - the wire: IPv4 (20 bytes) plus the point-to-point PPP header (2) per
 *     packet, as PointToPointNetDevice serializes;
 *   - the transport: the core configured by MptcpSocket::BuildConfig from
 *     the same attributes (Config::SetDefault and the socket attributes
 *     MptcpStackHelper sets), on every host;
 *   - the applications: bulk senders that keep the send buffer full,
 *     starting at 0.1 s + U[0, 1) each, sinks that read everything;
 *   - the measurements: MptcpExperiment's warm-up, samples and series
 *     names, and its "delivered packets" (TCP segments of more than 60
 *     bytes reaching D).
 */
#include "mptcp-fast.h"

#include "mptcp-experiment.h"
#include "mptcp-topology.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/mptcp-socket.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/string.h"
#include "ns3/tcp-socket.h"
#include "ns3/uinteger.h"

extern "C"
{
#include "fastsim.h"
#include "netsim.h"
#include "pcap.h"
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ns3
{

namespace
{

const uint16_t MPTCP_PORT = 40000; // as MptcpScenarioRun
const uint16_t TCP_PORT = 41000;
const uint32_t PPP_OVERHEAD = 22; // IPv4 header + PPP header

} // namespace

struct FastHost
{
    MptcpFastNetwork::Impl* run = nullptr;
    int node = -1;
    mptcp_stack* stack = nullptr;
    netsim_rng rng;
};

/** One connection: the sender's and the receiver's ends. */
struct FastFlow
{
    MptcpFastNetwork::Impl* run = nullptr;
    std::string kind;
    std::string entity;
    std::string subflowPrefix;
    FastHost* src = nullptr;
    FastHost* dst = nullptr;
    mptcp_addr local{};
    mptcp_addr remote{};
    mptcp_conn* tx = nullptr;
    mptcp_conn* rx = nullptr;
    uint64_t start = 0;
    uint64_t stop = 0; // 0: never
    bool stopped = false;
    uint64_t received = 0;
    uint64_t receivedAtWarmup = 0;
    std::vector<uint64_t> subflowAtWarmup;
    std::vector<uint64_t> lastSubflow;
    uint64_t lastRx = 0;
    bool hasCfg = false;
    mptcp_config cfg{};
    // the application (MptcpFastApp)
    MptcpFastApp app;
    uint64_t queued = 0;      // bytes handed to the sender's buffer
    bool txShut = false;      // the sender shut down (all bytes queued)
    bool rxShut = false;      // the receiver shut down (the sender's FIN read)
    int64_t completed = -1;   // when the receiver read the last byte
    netsim_rng rng;           // on/off periods
    uint64_t onEnd = 0;       // when the on period ends
    uint64_t pending = 0;     // on/off: bytes of the write that waits
    // a released sender's figures, kept from when it closed
    bool txGone = false;
    std::vector<mptcp_conn_stats> goneStats;
    std::vector<std::pair<mptcp_addr, mptcp_addr>> goneAddrs;
    bool goneMptcp = false;
    uint64_t goneKeys[2] = {0, 0};
};

struct FastTimer
{
    std::function<void()> fn;
};

struct FastPcap
{
    mptcp_pcap* file = nullptr;
    std::string path;
    std::vector<uint8_t> buf;
    bool failed = false;
};

struct MptcpFastNetwork::Impl
{
    uint64_t seed = 0;
    std::vector<std::unique_ptr<FastPcap>> pcaps;
    std::vector<std::unique_ptr<FastTimer>> timers;
    fs_net* net = nullptr;
    std::vector<std::unique_ptr<FastHost>> hosts;
    std::vector<FastHost*> hostOf; // by node
    std::vector<std::unique_ptr<FastFlow>> flows;
    std::vector<bool> counted;      // by node: CountDeliveries
    std::map<uint32_t, std::vector<FastFlow*>> byListener; // (node << 16 | port)
    uint64_t delivered = 0;
    uint64_t lastSample = 0;
    uint64_t interval = 0;
    uint64_t duration = 0;
    uint64_t nextStream = NETSIM_STREAM_USER;
    std::string error;
    std::vector<MptcpScenarioSeries> series;
    std::map<std::string, size_t> seriesIndex;
    std::vector<MptcpScenarioFlow> results;
    MptcpScenarioSampleSink sink;
    mptcp_callbacks cb{};
    fs_host_ops ops{};

    ~Impl()
    {
        for (auto& pc : pcaps)
        {
            mptcp_pcap_close(pc->file);
        }
        for (auto& h : hosts)
        {
            mptcp_stack_del(h->stack);
        }
        fs_del(net);
    }

    int Must(int rv, const char* what)
    {
        if (rv < 0)
        {
            throw std::runtime_error(std::string("fast engine: ") + what + ": " + fs_error(net));
        }
        return rv;
    }

    void Fail(const std::string& what, int code)
    {
        if (error.empty())
        {
            error = what + ": " + mptcp_strerror(code);
        }
        fs_stop(net);
    }

    void Add(const std::string& entity, const std::string& name, uint64_t t, double value)
    {
        const std::string key = entity + "/" + name;
        auto it = seriesIndex.find(key);
        if (it == seriesIndex.end())
        {
            MptcpScenarioSeries s;
            s.entity = entity;
            s.name = name;
            series.push_back(s);
            it = seriesIndex.emplace(key, series.size() - 1).first;
        }
        series[it->second].samples.emplace_back(static_cast<int64_t>(t), value);
        if (sink)
        {
            sink(entity, name, static_cast<int64_t>(t), value);
        }
    }
};

namespace
{

using Impl = MptcpFastNetwork::Impl;

/* Hand up to `want` bytes to the sender; at a fixed size's end, shut
 * down (as BulkSendApplication closes after MaxBytes). */
void
Write(FastFlow* f, uint64_t want)
{
    const uint64_t now = fs_now(f->run->net);
    if (f->app.bytes)
    {
        want = std::min(want, f->app.bytes - std::min(f->app.bytes, f->queued));
    }
    if (want)
    {
        long n = mptcp_conn_send(f->tx, nullptr, static_cast<size_t>(want), now);
        if (n < 0 && n != MPTCP_ERR_STATE)
        {
            f->run->Fail("mptcp_conn_send", static_cast<int>(n));
        }
        if (n > 0)
        {
            f->queued += static_cast<uint64_t>(n);
            if (f->pending)
            {
                f->pending -= std::min<uint64_t>(f->pending, static_cast<uint64_t>(n));
            }
        }
    }
    if (f->app.bytes && f->queued >= f->app.bytes && !f->txShut)
    {
        f->txShut = true;
        int rv = mptcp_conn_shutdown(f->tx, now);
        if (rv < 0 && rv != MPTCP_ERR_STATE)
        {
            f->run->Fail("mptcp_conn_shutdown", rv);
        }
    }
    fs_touch(f->run->net, f->src->node);
}

void
Pump(FastFlow* f)
{
    if (!f->tx || f->stopped)
    {
        return;
    }
    if (f->app.onOffRateBps > 0)
    {
        // an on/off source writes on its ticks; room only retries the write
        // that waits
        if (f->pending)
        {
            Write(f, f->pending);
        }
        return;
    }
    Write(f, static_cast<uint64_t>(1) << 30);
}

void
Drain(FastFlow* f)
{
    if (!f->rx)
    {
        return;
    }
    const uint64_t now = fs_now(f->run->net);
    for (;;)
    {
        long n = mptcp_conn_recv(f->rx, nullptr, static_cast<size_t>(1) << 30, now);
        if (n < 0)
        {
            if (n != MPTCP_ERR_STATE)
            {
                f->run->Fail("mptcp_conn_recv", static_cast<int>(n));
            }
            break;
        }
        if (n == 0)
        {
            break;
        }
        f->received += static_cast<uint64_t>(n);
    }
    if (f->app.bytes && f->completed < 0 && f->received >= f->app.bytes)
    {
        f->completed = static_cast<int64_t>(now);
    }
    if (f->app.bytes && !f->rxShut && mptcp_conn_peer_closed(f->rx))
    {
        // the sender is done: close this side too (as a sink that closes at
        // end of file), so that both ends are released
        f->rxShut = true;
        int rv = mptcp_conn_shutdown(f->rx, now);
        if (rv < 0 && rv != MPTCP_ERR_STATE)
        {
            f->run->Fail("mptcp_conn_shutdown", rv);
        }
    }
    fs_touch(f->run->net, f->dst->node);
}

void
OnConnected(mptcp_conn*, void* ud)
{
    if (ud)
    {
        Pump(static_cast<FastFlow*>(ud));
    }
}

void
OnReadable(mptcp_conn* conn, void* ud)
{
    FastFlow* f = static_cast<FastFlow*>(ud);
    if (f && f->rx == conn)
    {
        Drain(f);
    }
}

void
OnWritable(mptcp_conn* conn, void* ud)
{
    FastFlow* f = static_cast<FastFlow*>(ud);
    if (f && f->tx == conn)
    {
        Pump(f);
    }
}

void
OnAccepted(mptcp_conn* conn, void* stackUd)
{
    FastHost* h = static_cast<FastHost*>(stackUd);
    Impl* r = h->run;
    mptcp_addr local;
    mptcp_addr remote;
    mptcp_conn_get_addrs(conn, &local, &remote);
    auto it = r->byListener.find(static_cast<uint32_t>(h->node) << 16 | local.port);
    if (it != r->byListener.end())
    {
        for (FastFlow* f : it->second)
        {
            if (!f->rx)
            {
                f->rx = conn;
                mptcp_conn_set_user_data(conn, f);
                Drain(f);
                return;
            }
        }
    }
    mptcp_conn_abort(conn, fs_now(r->net));
}

/* Releases one end of a flow (after it closed). */
void
Release(mptcp_conn*& end)
{
    if (end)
    {
        mptcp_conn_free(end);
        end = nullptr;
    }
}

void
FreeTx(fs_net*, void* arg)
{
    Release(static_cast<FastFlow*>(arg)->tx);
}

void
FreeRx(fs_net*, void* arg)
{
    Release(static_cast<FastFlow*>(arg)->rx);
}

/* A fixed-size flow's end closed: keep the sender's figures, and release
 * the end once the stack is out of its call (an event at the same
 * instant). Other flows keep their ends to the end of the run. */
void
OnClosed(mptcp_conn* conn, int, void* ud)
{
    FastFlow* f = static_cast<FastFlow*>(ud);
    if (!f || !f->app.bytes)
    {
        return;
    }
    fs_net* net = f->run->net;
    if (conn == f->tx && !f->txGone)
    {
        f->txGone = true;
        const int n = mptcp_conn_subflow_count(conn);
        for (int i = 0; i < n; i++)
        {
            mptcp_conn_stats st{};
            mptcp_addr l{};
            mptcp_addr rem{};
            mptcp_conn_get_subflow_stats(conn, i, &st, &l, &rem);
            f->goneStats.push_back(st);
            f->goneAddrs.emplace_back(l, rem);
        }
        f->goneMptcp = mptcp_conn_is_mptcp(conn) != 0;
        mptcp_conn_get_keys(conn, &f->goneKeys[0], &f->goneKeys[1]);
        fs_schedule(net, fs_now(net), FreeTx, f);
    }
    else if (conn == f->rx)
    {
        fs_schedule(net, fs_now(net), FreeRx, f);
    }
}

/* An exponential period with this mean (seconds), in ns. */
uint64_t
Period(FastFlow* f, double meanS)
{
    const double u = static_cast<double>(netsim_rng_next(&f->rng) >> 11) * 0x1.0p-53;
    return static_cast<uint64_t>(std::llround(-meanS * std::log1p(-u) * 1e9));
}

void OnOffTick(fs_net* net, void* arg);

void
OnOffOn(fs_net* net, void* arg)
{
    FastFlow* f = static_cast<FastFlow*>(arg);
    if (f->stopped || !f->tx)
    {
        return;
    }
    f->onEnd = fs_now(net) + Period(f, f->app.onMeanS);
    OnOffTick(net, f);
}

/* One write of an on period (OnOffApplication's SendPacket), then the
 * next, or the off period. */
void
OnOffTick(fs_net* net, void* arg)
{
    FastFlow* f = static_cast<FastFlow*>(arg);
    if (f->stopped || !f->tx || (f->app.bytes && f->queued >= f->app.bytes))
    {
        return;
    }
    const uint64_t now = fs_now(net);
    if (now >= f->onEnd)
    {
        fs_schedule(net, now + Period(f, f->app.offMeanS), OnOffOn, f);
        return;
    }
    if (!f->pending)
    {
        f->pending = f->app.packetBytes;
    }
    Write(f, f->pending);
    const uint64_t tick = static_cast<uint64_t>(
        std::llround(8.0 * f->app.packetBytes / f->app.onOffRateBps * 1e9));
    fs_schedule(net, std::min(now + std::max<uint64_t>(1, tick), f->onEnd), OnOffTick, f);
}

void
HostRand(uint8_t* dest, size_t len, void* ud)
{
    netsim_rng_fill(&static_cast<FastHost*>(ud)->rng, dest, len);
}

void
CountDelivery(void* user, int node, const mptcp_addr*, const mptcp_addr*, size_t tcpLen, uint64_t)
{
    Impl* r = static_cast<Impl*>(user);
    if (tcpLen > 60 && static_cast<size_t>(node) < r->counted.size() && r->counted[node])
    {
        r->delivered++;
    }
}

/* The sender's subflow i (from what was kept when a released sender
 * closed). */
bool
SubflowStats(const FastFlow& f, int i, mptcp_conn_stats& st, mptcp_addr* l, mptcp_addr* rem)
{
    if (f.txGone && !f.tx)
    {
        if (i < 0 || static_cast<size_t>(i) >= f.goneStats.size())
        {
            return false;
        }
        st = f.goneStats[i];
        if (l)
        {
            *l = f.goneAddrs[i].first;
            *rem = f.goneAddrs[i].second;
        }
        return true;
    }
    return f.tx && mptcp_conn_get_subflow_stats(f.tx, i, &st, l, rem) == MPTCP_OK;
}

int
SubflowCount(const FastFlow& f)
{
    if (f.txGone && !f.tx)
    {
        return static_cast<int>(f.goneStats.size());
    }
    return f.tx ? mptcp_conn_subflow_count(f.tx) : 0;
}

std::vector<uint64_t>
SubflowAcked(const FastFlow& f)
{
    std::vector<uint64_t> v;
    if (f.subflowPrefix.empty())
    {
        return v;
    }
    const int n = SubflowCount(f);
    for (int i = 0; i < n; i++)
    {
        mptcp_conn_stats st;
        if (SubflowStats(f, i, st, nullptr, nullptr))
        {
            v.push_back(st.bytes_acked);
        }
    }
    return v;
}

void
TakeSample(Impl* r, uint64_t now)
{
    const double dt = static_cast<double>(now - r->lastSample) * 1e-9;
    r->lastSample = now;
    for (auto& fp : r->flows)
    {
        FastFlow& f = *fp;
        std::vector<uint64_t> acked = SubflowAcked(f);
        f.lastSubflow.resize(acked.size(), 0);
        for (size_t i = 0; i < acked.size(); i++)
        {
            const std::string e = f.subflowPrefix + std::to_string(i);
            r->Add(e, "goodput", now, 8.0 * static_cast<double>(acked[i] - f.lastSubflow[i]) / dt);
            f.lastSubflow[i] = acked[i];
            mptcp_conn_stats st{};
            SubflowStats(f, static_cast<int>(i), st, nullptr, nullptr);
            r->Add(e, "cwnd", now, static_cast<double>(st.cwnd));
            r->Add(e, "srtt", now, static_cast<double>(st.srtt_ns) / 1e6);
        }
        r->Add(f.entity, "goodput", now, 8.0 * static_cast<double>(f.received - f.lastRx) / dt);
        f.lastRx = f.received;
    }
}

void
SampleEvent(fs_net* net, void* arg)
{
    Impl* r = static_cast<Impl*>(arg);
    const uint64_t now = fs_now(net);
    TakeSample(r, now);
    if (now + r->interval <= r->duration)
    {
        fs_schedule(net, now + r->interval, SampleEvent, r);
    }
}

void
WarmupEvent(fs_net*, void* arg)
{
    Impl* r = static_cast<Impl*>(arg);
    for (auto& f : r->flows)
    {
        f->receivedAtWarmup = f->received;
        f->subflowAtWarmup = SubflowAcked(*f);
    }
}

void
StopEvent(fs_net* net, void* arg)
{
    FastFlow* f = static_cast<FastFlow*>(arg);
    f->stopped = true;
    if (f->tx)
    {
        // what is queued is still sent, then a FIN (as TcpSocketBase::Close)
        int rv = mptcp_conn_shutdown(f->tx, fs_now(net));
        if (rv < 0 && rv != MPTCP_ERR_STATE)
        {
            f->run->Fail("mptcp_conn_shutdown", rv);
        }
        fs_touch(net, f->src->node);
    }
}

void
StartEvent(fs_net* net, void* arg)
{
    FastFlow* f = static_cast<FastFlow*>(arg);
    if (f->stopped)
    {
        return;
    }
    int rv = mptcp_connect(f->src->stack, &f->tx, &f->local, &f->remote,
                           f->hasCfg ? &f->cfg : nullptr, f, fs_now(net));
    if (rv != MPTCP_OK)
    {
        f->run->Fail("mptcp_connect", rv);
        return;
    }
    if (f->app.onOffRateBps > 0)
    {
        // an off period first, as OnOffApplication after it connects
        fs_schedule(net, fs_now(net) + Period(f, f->app.offMeanS), OnOffOn, f);
    }
    fs_touch(net, f->src->node);
}

mptcp_addr
ParseIpv4(const std::string& s, uint16_t port = 0)
{
    mptcp_addr x{};
    unsigned a[4];
    char tail;
    if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &a[0], &a[1], &a[2], &a[3], &tail) != 4 ||
        a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255)
    {
        throw std::runtime_error("fast engine: \"" + s + "\" is not an IPv4 address");
    }
    x.family = 4;
    for (int i = 0; i < 4; i++)
    {
        x.ip[i] = static_cast<uint8_t>(a[i]);
    }
    x.port = port;
    return x;
}

std::string
AddrPort(const mptcp_addr& a)
{
    char b[40];
    std::snprintf(b, sizeof(b), "%u.%u.%u.%u:%u", a.ip[0], a.ip[1], a.ip[2], a.ip[3], a.port);
    return b;
}

} // namespace

mptcp_config
MptcpFastSocketConfig(const std::vector<std::pair<std::string, std::string>>& attrs, bool mptcp)
{
    // An MptcpSocket with these attributes: the Config::SetDefault values
    // in force apply, as in ns-3 mode.
    Ptr<MptcpSocket> s = CreateObject<MptcpSocket>();
    s->SetAttribute("Mptcp", BooleanValue(mptcp));
    for (const auto& kv : attrs)
    {
        s->SetAttribute(kv.first, StringValue(kv.second));
    }
    mptcp_config c;
    s->BuildConfig(c);
    c.virtual_payload = 1;
    return c;
}

uint64_t
MptcpFastSeed()
{
    uint64_t x = (static_cast<uint64_t>(RngSeedManager::GetSeed()) << 32) ^ RngSeedManager::GetRun();
    return netsim_splitmix64(&x);
}

// ------------------------------------------------------------ MptcpFastNetwork

MptcpFastNetwork::MptcpFastNetwork(uint64_t seed)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->seed = seed;
    if (fs_new(&m_impl->net, seed, MPTCP_TCP_HDR_MAX) != 0)
    {
        throw std::runtime_error("fast engine: out of memory");
    }
    fs_set_deliver_hook(m_impl->net, CountDelivery, m_impl.get());
    m_impl->cb.accepted = OnAccepted;
    m_impl->cb.connected = OnConnected;
    m_impl->cb.readable = OnReadable;
    m_impl->cb.writable = OnWritable;
    m_impl->cb.closed = OnClosed;
    m_impl->ops = fs_stack_ops();
}

MptcpFastNetwork::~MptcpFastNetwork() = default;

int
MptcpFastNetwork::AddNode(const std::string& name)
{
    int n = m_impl->Must(fs_add_node(m_impl->net, name.c_str()), "node");
    m_impl->hostOf.resize(n + 1, nullptr);
    m_impl->counted.resize(n + 1, false);
    return n;
}

int
MptcpFastNetwork::AddLink(int a, int b, double rateBps, Time delay, uint32_t waiting,
                          const MptcpFastRed* red, double loss, const MptcpFastFq* fq)
{
    fs_link_config c;
    fs_link_config_default(&c);
    c.rate_bps = rateBps > 0 ? static_cast<uint64_t>(rateBps) : 0;
    c.delay_ns = static_cast<uint64_t>(std::max<int64_t>(0, delay.GetNanoSeconds()));
    c.queue_pkts = waiting;
    c.overhead_bytes = PPP_OVERHEAD;
    c.loss = loss;
    if (red)
    {
        c.queue_kind = FS_QUEUE_RED;
        c.red_min_th = red->minTh;
        c.red_max_th = red->maxTh;
        c.red_max_p = red->maxP;
        c.red_qw = red->qW;
        c.red_gentle = red->gentle ? 1 : 0;
        c.red_idle_pps = red->linkBps / (8.0 * std::max(1u, red->meanPacket));
    }
    if (fq)
    {
        if (red)
        {
            throw std::runtime_error("fast engine: a link has RED or FQ-CoDel, not both");
        }
        c.queue_kind = FS_QUEUE_FQ_CODEL;
        c.fq_by_host = fq->byHost ? 1 : 0;
        c.fq_flows = fq->flows;
        c.fq_quantum = fq->quantum;
        c.fq_target_ns = static_cast<uint64_t>(std::max<int64_t>(0, fq->target.GetNanoSeconds()));
        c.fq_interval_ns =
            static_cast<uint64_t>(std::max<int64_t>(0, fq->interval.GetNanoSeconds()));
        c.fq_l2_bytes = 2; // the discipline counts IP packets, not the PPP header
    }
    return m_impl->Must(fs_add_link(m_impl->net, a, b, &c, nullptr), "link");
}

void
MptcpFastNetwork::Mirror(const MptcpNetworkHelper& d)
{
    const int base = fs_node_count(m_impl->net);
    if (base != 0)
    {
        throw std::runtime_error("fast engine: Mirror needs an empty network");
    }
    for (uint32_t i = 0; i < d.GetNNodes(); i++)
    {
        AddNode(d.GetName(i));
    }
    for (uint32_t k = 0; k < d.GetNLinks(); k++)
    {
        const MptcpLinkSpec& ls = d.GetLinkSpec(k);
        const auto ends = d.GetLinkEnds(k);
        const double bps = MptcpRateBps(ls.rate);
        if (ls.queue.disc != "droptail" && ls.queue.disc != "red" && ls.queue.disc != "fqcodel" &&
            ls.queue.disc != "fqcodel-host")
        {
            throw std::runtime_error("fast engine: link " + d.GetName(ends.first) + " -- " +
                                     d.GetName(ends.second) + ": no " + ls.queue.disc +
                                     " on the fast engine (drop-tail, RED and FQ-CoDel)");
        }
        if (ls.queue.disc == "fqcodel" || ls.queue.disc == "fqcodel-host")
        {
            MptcpFastFq fq;
            fq.byHost = ls.queue.disc == "fqcodel-host";
            AddLink(static_cast<int>(ends.first), static_cast<int>(ends.second), bps, ls.delay,
                    ls.queue.packets, nullptr, ls.loss, &fq);
            continue;
        }
        MptcpFastRed red;
        const bool isRed = ls.queue.disc == "red";
        if (isRed)
        {
            red.minTh = ls.queue.minTh;
            red.maxTh = ls.queue.maxTh;
            red.maxP = ls.queue.maxP;
            red.qW = ls.queue.qW;
            red.gentle = ls.queue.gentle;
            red.linkBps = bps;
            red.meanPacket = ls.queue.meanPacket;
        }
        AddLink(static_cast<int>(ends.first), static_cast<int>(ends.second), bps, ls.delay,
                ls.queue.packets + 1, isRed ? &red : nullptr, ls.loss);
    }
}

std::string
MptcpFastNetwork::LinkAddress(uint32_t link, uint32_t side)
{
    return "10." + std::to_string(1 + link / 256) + "." + std::to_string(link % 256) + "." +
           std::to_string(side + 1);
}

void
MptcpFastNetwork::SetLinkLoss(int link, double loss)
{
    m_impl->Must(fs_set_link_loss(m_impl->net, link, -1, loss), "link loss");
}

int
MptcpFastNetwork::SetSubflowBackup(uint32_t flow, int i, bool backup)
{
    Impl* r = m_impl.get();
    if (flow >= r->flows.size() || !r->flows[flow]->tx)
    {
        return flow >= r->flows.size() ? static_cast<int>(MPTCP_ERR_INVALID_ARGUMENT)
                                       : static_cast<int>(MPTCP_ERR_STATE);
    }
    FastFlow& f = *r->flows[flow];
    const int rv = mptcp_conn_set_backup(f.tx, i, backup ? 1 : 0, fs_now(r->net));
    fs_touch(r->net, f.src->node);
    return rv;
}

int
MptcpFastNetwork::RemoveAddress(int node, const std::string& ip)
{
    Impl* r = m_impl.get();
    if (node < 0 || static_cast<size_t>(node) >= r->hostOf.size() || !r->hostOf[node])
    {
        throw std::runtime_error("fast engine: RemoveAddress: the node has no stack");
    }
    const mptcp_addr a = ParseIpv4(ip);
    const int rv = mptcp_stack_remove_address(r->hostOf[node]->stack, &a, fs_now(r->net));
    fs_touch(r->net, node);
    return rv;
}

int
MptcpFastNetwork::GetSubflowCount(uint32_t flow) const
{
    return flow < m_impl->flows.size() ? SubflowCount(*m_impl->flows[flow]) : 0;
}

bool
MptcpFastNetwork::GetSubflowStats(uint32_t flow, int i, mptcp_conn_stats& st, std::string* local,
                                  std::string* remote) const
{
    if (flow >= m_impl->flows.size())
    {
        return false;
    }
    mptcp_addr l{};
    mptcp_addr rem{};
    if (!SubflowStats(*m_impl->flows[flow], i, st, &l, &rem))
    {
        return false;
    }
    if (local)
    {
        *local = AddrPort(l);
    }
    if (remote)
    {
        *remote = AddrPort(rem);
    }
    return true;
}

uint64_t
MptcpFastNetwork::GetReceived(uint32_t flow) const
{
    return flow < m_impl->flows.size() ? m_impl->flows[flow]->received : 0;
}

uint64_t
MptcpFastNetwork::GetCounter(int node, int id) const
{
    if (node < 0 || static_cast<size_t>(node) >= m_impl->hostOf.size() || !m_impl->hostOf[node])
    {
        throw std::runtime_error("fast engine: GetCounter: the node has no stack");
    }
    return mptcp_stack_counter(m_impl->hostOf[node]->stack, id);
}

void
MptcpFastNetwork::AddAddress(int node, const std::string& ip, int link)
{
    mptcp_addr a = ParseIpv4(ip);
    m_impl->Must(fs_add_address(m_impl->net, node, a.ip, link), "address");
}

void
MptcpFastNetwork::InstallStack(int node, const mptcp_config& cfg)
{
    Impl* r = m_impl.get();
    if (node < 0 || static_cast<size_t>(node) >= r->hostOf.size() || r->hostOf[node])
    {
        throw std::runtime_error("fast engine: InstallStack: unknown node or one with a stack");
    }
    auto h = std::make_unique<FastHost>();
    h->run = r;
    h->node = node;
    netsim_rng_seed(&h->rng, r->seed, r->nextStream++);
    int rv = mptcp_stack_new(&h->stack, &cfg, nullptr, HostRand, &r->cb, h.get());
    if (rv != MPTCP_OK)
    {
        throw std::runtime_error(std::string("fast engine: mptcp_stack_new: ") + mptcp_strerror(rv));
    }
    r->Must(fs_set_host(r->net, node, &r->ops, h->stack), "host");
    r->hostOf[node] = h.get();
    r->hosts.push_back(std::move(h));
}

void
MptcpFastNetwork::DeclareAddress(int node, const std::string& ip)
{
    if (node < 0 || static_cast<size_t>(node) >= m_impl->hostOf.size() || !m_impl->hostOf[node])
    {
        throw std::runtime_error("fast engine: DeclareAddress: the node has no stack");
    }
    mptcp_addr a = ParseIpv4(ip);
    mptcp_stack_add_address(m_impl->hostOf[node]->stack, &a);
}

uint32_t
MptcpFastNetwork::AddBulkFlow(const std::string& kind, const std::string& entity,
                              const std::string& subflowPrefix, int src, const std::string& srcIp,
                              int dst, const std::string& dstIp, uint16_t port, Time start,
                              const mptcp_config* cfg, Time stop)
{
    Impl* r = m_impl.get();
    auto hostAt = [r](int n) {
        if (n < 0 || static_cast<size_t>(n) >= r->hostOf.size() || !r->hostOf[n])
        {
            throw std::runtime_error("fast engine: a flow's end has no stack (node " +
                                     std::to_string(n) + ")");
        }
        return r->hostOf[n];
    };
    auto f = std::make_unique<FastFlow>();
    f->run = r;
    f->kind = kind;
    f->entity = entity;
    f->subflowPrefix = subflowPrefix;
    f->src = hostAt(src);
    f->dst = hostAt(dst);
    f->local = ParseIpv4(srcIp);
    f->remote = ParseIpv4(dstIp, port);
    f->start = static_cast<uint64_t>(std::max<int64_t>(0, start.GetNanoSeconds()));
    f->stop = static_cast<uint64_t>(std::max<int64_t>(0, stop.GetNanoSeconds()));
    if (cfg)
    {
        f->hasCfg = true;
        f->cfg = *cfg;
    }
    auto& l = r->byListener[static_cast<uint32_t>(dst) << 16 | port];
    if (l.empty())
    {
        mptcp_addr listen = f->remote;
        int rv = mptcp_stack_listen(f->dst->stack, &listen);
        if (rv != MPTCP_OK)
        {
            throw std::runtime_error(std::string("fast engine: listen: ") + mptcp_strerror(rv));
        }
    }
    l.push_back(f.get());
    r->flows.push_back(std::move(f));
    return static_cast<uint32_t>(r->flows.size() - 1);
}

void
MptcpFastNetwork::SetFlowApp(uint32_t flow, const MptcpFastApp& app)
{
    Impl* r = m_impl.get();
    if (flow >= r->flows.size())
    {
        throw std::runtime_error("fast engine: SetFlowApp: no flow " + std::to_string(flow));
    }
    if (app.onOffRateBps < 0 || !std::isfinite(app.onOffRateBps) ||
        (app.onOffRateBps > 0 && (!(app.onMeanS > 0) || !(app.offMeanS >= 0) ||
                                  !std::isfinite(app.onMeanS) || !std::isfinite(app.offMeanS) ||
                                  app.packetBytes == 0)))
    {
        throw std::runtime_error("fast engine: SetFlowApp: an on/off source needs a rate, a "
                                 "mean on period above 0, a mean off period of 0 or more and a "
                                 "write size above 0");
    }
    FastFlow& f = *r->flows[flow];
    f.app = app;
    if (app.onOffRateBps > 0)
    {
        netsim_rng_seed(&f.rng, r->seed, r->nextStream++);
    }
}

int64_t
MptcpFastNetwork::GetCompletion(uint32_t flow) const
{
    if (flow >= m_impl->flows.size())
    {
        return -1;
    }
    return m_impl->flows[flow]->completed;
}

namespace
{
void
TimerEvent(fs_net*, void* arg)
{
    static_cast<FastTimer*>(arg)->fn();
}
} // namespace

void
MptcpFastNetwork::Schedule(Time t, std::function<void()> fn)
{
    auto timer = std::make_unique<FastTimer>();
    timer->fn = std::move(fn);
    if (fs_schedule(m_impl->net, static_cast<uint64_t>(std::max<int64_t>(0, t.GetNanoSeconds())),
                    TimerEvent, timer.get()) < 0)
    {
        throw std::runtime_error("fast engine: out of memory");
    }
    m_impl->timers.push_back(std::move(timer));
}

Time
MptcpFastNetwork::Now() const
{
    return NanoSeconds(static_cast<int64_t>(fs_now(m_impl->net)));
}

void
MptcpFastNetwork::GetLinkCounts(int link, int dir, uint64_t& arrived, uint64_t& dropped,
                                uint32_t& waiting) const
{
    const fs_link_stats* st = fs_get_link_stats(m_impl->net, link, dir);
    if (!st)
    {
        throw std::runtime_error("fast engine: GetLinkCounts: no such link");
    }
    arrived = st->sent;
    dropped = st->queue_drops + st->red_drops + st->codel_drops;
    waiting = fs_link_waiting(m_impl->net, link, dir);
}

namespace
{
void
CaptureSegment(void* user, int, int, const mptcp_addr* src, const mptcp_addr* dst,
               const uint8_t* data, size_t len, size_t virtualLen, uint64_t now)
{
    FastPcap* pc = static_cast<FastPcap*>(user);
    if (pc->failed || src->family != 4)
    {
        return;
    }
    pc->buf.assign(data, data + len);
    pc->buf.resize(len + virtualLen, 0);
    if (mptcp_pcap_write_ipv4(pc->file, now, src->ip, dst->ip, pc->buf.data(), pc->buf.size()) < 0)
    {
        pc->failed = true;
    }
}
} // namespace

void
MptcpFastNetwork::EnablePcap(int node, const std::string& path)
{
    auto pc = std::make_unique<FastPcap>();
    pc->path = path;
    pc->file = mptcp_pcap_open(path.c_str());
    if (!pc->file)
    {
        throw std::runtime_error("fast engine: cannot create " + path + ": " + std::strerror(errno));
    }
    if (fs_set_capture(m_impl->net, node, CaptureSegment, pc.get()) < 0)
    {
        mptcp_pcap_close(pc->file);
        throw std::runtime_error("fast engine: EnablePcap: unknown node");
    }
    m_impl->pcaps.push_back(std::move(pc));
}

void
MptcpFastNetwork::CountDeliveries(int node)
{
    if (node >= 0 && static_cast<size_t>(node) < m_impl->counted.size())
    {
        m_impl->counted[node] = true;
    }
}

void
MptcpFastNetwork::Run(Time duration, Time warmup, Time interval, const MptcpScenarioSampleSink& sink)
{
    Impl* r = m_impl.get();
    r->sink = sink;
    r->duration = static_cast<uint64_t>(duration.GetNanoSeconds());
    r->interval = static_cast<uint64_t>(std::max<int64_t>(0, interval.GetNanoSeconds()));
    r->Must(fs_finalize(r->net), "routes");
    // The warm-up first: at an equal time it runs before a sample, as in
    // MptcpExperiment.
    fs_schedule(r->net, static_cast<uint64_t>(warmup.GetNanoSeconds()), WarmupEvent, r);
    if (r->interval)
    {
        fs_schedule(r->net, r->interval, SampleEvent, r);
    }
    for (auto& f : r->flows)
    {
        fs_schedule(r->net, f->start, StartEvent, f.get());
        if (f->stop)
        {
            fs_schedule(r->net, f->stop, StopEvent, f.get());
        }
    }
    // ns-3's Simulator::Stop(duration) runs before the events of that
    // instant: run to just before it.
    int rv = fs_run(r->net, r->duration - 1);
    if (rv < 0)
    {
        throw std::runtime_error(std::string("fast engine: the run failed: ") +
                                 (r->error.empty() ? fs_error(r->net) : r->error));
    }
    if (!r->error.empty())
    {
        throw std::runtime_error("fast engine: " + r->error);
    }
    if (r->interval && r->duration > r->lastSample)
    {
        TakeSample(r, r->duration);
    }
    for (auto& pc : r->pcaps)
    {
        const int closed = mptcp_pcap_close(pc->file);
        pc->file = nullptr;
        if (closed < 0 || pc->failed)
        {
            throw std::runtime_error("fast engine: writing " + pc->path + " failed");
        }
    }
    // Results, as MptcpExperiment::Collect.
    const double span = (duration - warmup).GetSeconds();
    r->results.clear();
    for (auto& fp : r->flows)
    {
        FastFlow& f = *fp;
        MptcpScenarioFlow out;
        out.kind = f.kind;
        out.entity = f.entity;
        out.bytesReceived = f.received;
        out.goodputBps = 8.0 * static_cast<double>(f.received - f.receivedAtWarmup) / span;
        std::vector<uint64_t> acked = SubflowAcked(f);
        for (size_t i = 0; i < acked.size(); i++)
        {
            MptcpScenarioSubflow sf;
            sf.entity = f.subflowPrefix + std::to_string(i);
            const uint64_t before = i < f.subflowAtWarmup.size() ? f.subflowAtWarmup[i] : 0;
            sf.bytesAcked = acked[i];
            sf.goodputBps = 8.0 * static_cast<double>(acked[i] - before) / span;
            mptcp_conn_stats st{};
            mptcp_addr l{};
            mptcp_addr rem{};
            SubflowStats(f, static_cast<int>(i), st, &l, &rem);
            sf.local = AddrPort(l);
            sf.remote = AddrPort(rem);
            sf.retransmissions = st.retransmissions;
            sf.srttMs = static_cast<double>(st.srtt_ns) / 1e6;
            sf.cwnd = st.cwnd;
            out.subflows.push_back(sf);
        }
        if (f.tx && !f.subflowPrefix.empty())
        {
            out.fallback = !mptcp_conn_is_mptcp(f.tx);
            mptcp_conn_get_keys(f.tx, &out.localKey, &out.remoteKey);
        }
        else if (f.txGone && !f.subflowPrefix.empty())
        {
            out.fallback = !f.goneMptcp;
            out.localKey = f.goneKeys[0];
            out.remoteKey = f.goneKeys[1];
        }
        r->results.push_back(out);
    }
}

const std::vector<MptcpScenarioFlow>&
MptcpFastNetwork::GetFlows() const
{
    return m_impl->results;
}

const std::vector<MptcpScenarioSeries>&
MptcpFastNetwork::GetSeries() const
{
    return m_impl->series;
}

uint64_t
MptcpFastNetwork::GetDeliveredPackets() const
{
    return m_impl->delivered;
}

MptcpFastRunStats
MptcpFastNetwork::GetStats() const
{
    MptcpFastRunStats s;
    const fs_stats* st = fs_get_stats(m_impl->net);
    s.events = st->events;
    s.delivered = st->delivered;
    s.networkBytes = st->memory;
    for (auto& h : m_impl->hosts)
    {
        s.stackBytes += mptcp_stack_mem_used(h->stack);
    }
    return s;
}

bool
MptcpFastNetwork::TracePath(const std::string& local, const std::string& remote,
                            std::vector<int>& links) const
{
    links.clear();
    const size_t lc = local.rfind(':');
    const size_t rc = remote.rfind(':');
    if (lc == std::string::npos || rc == std::string::npos)
    {
        return false;
    }
    mptcp_addr src;
    mptcp_addr dst;
    try
    {
        src = ParseIpv4(local.substr(0, lc),
                        static_cast<uint16_t>(std::strtoul(local.c_str() + lc + 1, nullptr, 10)));
        dst = ParseIpv4(remote.substr(0, rc),
                        static_cast<uint16_t>(std::strtoul(remote.c_str() + rc + 1, nullptr, 10)));
    }
    catch (const std::runtime_error&)
    {
        return false;
    }
    int node = fs_address_node(m_impl->net, src.ip);
    const int target = fs_address_node(m_impl->net, dst.ip);
    for (int hops = 0; node >= 0 && node != target; hops++)
    {
        const int ld = fs_route(m_impl->net, node, &src, &dst);
        if (ld < 0 || hops > 256)
        {
            return false;
        }
        links.push_back(ld);
        node = fs_link_far_node(m_impl->net, ld);
    }
    return node >= 0 && node == target;
}

// ------------------------------------------------------------ the dumbbell

bool
MptcpFastScenarioCheck(const MptcpScenarioParams& p, std::string& why)
{
    if (p.transport != "mptcp" || p.peer != "mptcp")
    {
        why = "--engine=fast runs the core at both ends: --transport=mptcp and --peer=mptcp "
              "(ns-3's own TCP exists only in ns-3 mode)";
        return false;
    }
    if (p.tcpFlows > 0 && p.competitor != "core")
    {
        why = "--engine=fast runs the competing single-path flows on the core's TCP: add "
              "--competitor=core (ns-3's own TCP exists only in ns-3 mode)";
        return false;
    }
    if (p.queueDisc != "droptail" && p.queueDisc != "red" && p.queueDisc != "fqcodel" &&
        p.queueDisc != "fqcodel-host")
    {
        why = "--engine=fast has drop-tail, RED and FQ-CoDel bottlenecks (got --queueDisc=" +
              p.queueDisc + ")";
        return false;
    }
    if (!p.virtualPayload)
    {
        why = "--engine=fast carries virtual payloads only (--virtualPayload=true)";
        return false;
    }
    if (p.flowMonitor || p.flowMonitorXml)
    {
        why = "--flowMonitor is an ns-3 tool: it needs --engine=ns3";
        return false;
    }
    return true;
}

MptcpScenarioResult
MptcpFastScenarioRun(const MptcpScenarioParams& p, const MptcpScenarioSampleSink& onSample)
{
    MptcpScenarioResult res;
    const uint32_t nics = p.pm == "fullmesh" ? p.interfaces : std::max(1u, p.interfaces);

    // The settings MptcpScenarioRun gives every TCP, then the sockets'.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(p.segmentSize));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(p.bufferSize));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(p.delAckCount));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(p.delAckTimeout));
    Config::SetDefault("ns3::MptcpSocket::MinRto", TimeValue(p.minRto));
    const mptcp_config mpCfg = MptcpFastSocketConfig({{"CongestionControl", p.cc},
                                                      {"Scheduler", p.scheduler},
                                                      {"PathManager", p.pm},
                                                      {"Subflows", std::to_string(p.subflows)}},
                                                     true);
    const mptcp_config tcpCfg =
        MptcpFastSocketConfig({{"CongestionControl", MptcpCoreCcName(p.competitorCc)}}, false);

    // One seed from ns-3's (RngSeed, RngRun): the same run, the same
    // streams.
    const uint64_t seed = MptcpFastSeed();
    MptcpFastNetwork net(seed);

    // The dumbbell (MptcpDumbbellHelper's): ns-3's default device queue
    // (100 packets) under the default queue disc Ipv4AddressHelper installs
    // (pfifo_fast, 1000 packets) on the access links.
    MptcpBottleneckSpec spec;
    spec.rate = p.bottleneckRate;
    spec.delay = p.bottleneckDelay;
    spec.queue = p.queue;
    spec.queueDisc = p.queueDisc;
    spec.segmentSize = p.segmentSize;
    const Time access = MilliSeconds(1);
    const double accessBps = 1e9;
    const uint32_t accessWaiting = 1100;
    res.queuePackets = spec.QueuePackets(access + access);
    res.baseRtt = 2 * (p.bottleneckDelay + 2 * access);

    const int m = net.AddNode("M");
    std::vector<int> tcpNodes;
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        tcpNodes.push_back(net.AddNode("T" + std::to_string(k + 1)));
    }
    const int left = net.AddNode("L");
    const int right = net.AddNode("R");
    const int d = net.AddNode("D");
    std::vector<std::string> mAddrs;
    for (uint32_t i = 0; i < nics; i++)
    {
        const int l = net.AddLink(m, left, accessBps, access, accessWaiting);
        mAddrs.push_back("10.1." + std::to_string(i + 1) + ".1");
        net.AddAddress(m, mAddrs.back(), l);
    }
    std::vector<std::string> tAddrs;
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        const int l = net.AddLink(tcpNodes[k], left, accessBps, access, accessWaiting);
        tAddrs.push_back("10.2." + std::to_string(k + 1) + ".1");
        net.AddAddress(tcpNodes[k], tAddrs.back(), l);
    }
    // The bottleneck: a one-packet device queue behind the queue disc of
    // q packets, so q + 1 wait; RED with InstallBottleneck's thresholds.
    const uint32_t q = res.queuePackets;
    const bool red = p.queueDisc == "red";
    MptcpFastRed redSpec; // ns-3's RedQueueDisc defaults but the thresholds
    redSpec.minTh = std::max(1.0, q / 4.0);
    redSpec.maxTh = std::max(2.0, 3.0 * q / 4.0);
    MptcpFastFq fqSpec; // FqCoDelQueueDisc's defaults, MaxSize q
    fqSpec.byHost = p.queueDisc == "fqcodel-host";
    const bool fq = p.queueDisc == "fqcodel" || fqSpec.byHost;
    net.AddLink(left, right, MptcpRateBps(p.bottleneckRate), p.bottleneckDelay, fq ? q : q + 1,
                red ? &redSpec : nullptr, 0, fq ? &fqSpec : nullptr);
    const int dl = net.AddLink(right, d, accessBps, access, accessWaiting);
    const std::string dAddr = "10.4.1.2";
    net.AddAddress(d, dAddr, dl);

    net.InstallStack(m, mpCfg);
    for (const std::string& a : mAddrs)
    {
        net.DeclareAddress(m, a);
    }
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        net.InstallStack(tcpNodes[k], tcpCfg);
    }
    net.InstallStack(d, mpCfg);
    net.CountDeliveries(d);
    if (p.pcap)
    {
        // what the multipath host and the receiver send and receive
        net.EnablePcap(m, p.outputDir + "/mptcp-host-fast.pcap");
        net.EnablePcap(d, p.outputDir + "/mptcp-receiver-fast.pcap");
    }

    // Senders start at 0.1 s + U[0, 1), drawn as in ns-3 mode: from ns-3's
    // stream 1000 + the streams its stacks take (one per host: M, D and
    // each TCP host), in the same order, so both engines start the same
    // flows at the same times.
    Ptr<UniformRandomVariable> startRv = CreateObject<UniformRandomVariable>();
    startRv->SetStream(1000 + 2 + static_cast<int64_t>(p.tcpFlows));
    auto start = [&startRv]() { return Seconds(0.1 + startRv->GetValue(0, 1)); };
    net.AddBulkFlow("mptcp", "mptcp", "subflow ", m, mAddrs[0], d, dAddr, MPTCP_PORT, start());
    for (uint32_t k = 0; k < p.tcpFlows; k++)
    {
        net.AddBulkFlow("tcp", "tcp " + std::to_string(k), "", tcpNodes[k], tAddrs[k], d, dAddr,
                        static_cast<uint16_t>(TCP_PORT + k), start());
    }
    net.Run(p.duration, p.warmup, p.sampleInterval, onSample);

    res.flows = net.GetFlows();
    // the NIC each subflow's data left by (ns-3's interface indices count
    // the loopback as 0)
    for (MptcpScenarioSubflow& sf : res.flows[0].subflows)
    {
        for (size_t n = 0; n < mAddrs.size(); n++)
        {
            if (sf.local.rfind(mAddrs[n] + ":", 0) == 0)
            {
                sf.interface = static_cast<int32_t>(n + 1);
                sf.device = static_cast<int32_t>(n);
            }
        }
    }
    res.series = net.GetSeries();
    res.deliveredPackets = net.GetDeliveredPackets();
    MptcpScenarioSummarise(p, res);
    res.events = net.GetStats().events;
    return res;
}

} // namespace ns3
