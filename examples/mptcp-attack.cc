// SPDX-License-Identifier: GPL-2.0-only
/*
 * mptcp-attack: one attack of the threat model (doc/security.md) against
 * an MPTCP bulk transfer, with its defence on or off.
 *
 * Topology (MptcpDisjointPathsHelper): host A (the client, sending) and
 * host B (the server) joined by two disjoint paths A - R_i - B, bottleneck
 * R_i - B of --rate and --delayMs each; A's fullmesh path manager opens
 * one subflow from each of its addresses to B's first (B announces none):
 * one subflow per path. The attacker (ns3::MptcpAttacker) sits on path
 * --attackPath: on-path, a tap on its bottleneck link that forges from
 * R_i; off-path (--offPath=true), it sees nothing, is told the subflow's
 * 4-tuple at --attackAt and guesses. The honest sender's bytes are all
 * zero, every forged payload byte is 0xA5, so injected bytes delivered
 * to B's application are counted exactly.
 *
 * Attacks (the core's names; mptcp_attack_name):
 *   rst, mp-tcprst, remove-addr, mp-prio, fastclose (A6, forged signals,
 *   toward A as if from B); dsn-inject (A2, data toward B as if from A,
 *   its mapping --dsnLead bytes from B's data-level RCV.NXT).
 * --defence=false turns off every defence the attack meets: RstSeqCheck
 * (rst, mp-tcprst; RFC 5961), OptionAckCheck (mp-prio, and with
 * FastcloseKeyCheck fastclose, with RemoveAddrProbe remove-addr, with
 * AddAddrHmacCheck add-addr), EnforceLimits and SynCookies (join-flood),
 * EnforceConnWindow and MaxOfoRanges (hole-flood); dsn-inject, join-guess
 * and eavesdrop-join have no switch ("defence_switch": null).
 *
 * The scenario runs twice in one process, first without the attacker
 * (the baseline, "baseline_goodput_bps") and then with it, same --RngRun.
 * The last stdout line is JSON:
 *   attack, defence, defence_switch, on_path, attack_path, rng_run,
 *   victim_goodput_bps, baseline_goodput_bps, goodput_loss_fraction
 *   (1 - goodput / baseline), connection_survived (one of A's subflows is
 *   still established at the end), subflows_removed (A's subflows not
 *   established at the end, beyond the baseline's), injected_bytes_delivered,
 *   overlap_mismatches (B's MPTcpExtDupDataMismatch), mp_prio_rx (A's),
 *   forged, observed, unrouted (the attacker's), attack_succeeded:
 *     rst, mp-tcprst, remove-addr: a subflow removed or the connection reset;
 *     fastclose: the connection reset;
 *     mp-prio: A accepted MP_PRIO and goodput_loss_fraction >= 0.1;
 *     dsn-inject: injected_bytes_delivered > 0;
 *     eavesdrop-join: A answered the attacker's third ACK (joins_accepted;
 *       bytes_to_attacker: what A sent on that subflow);
 *     hole-flood: B's connection held more than rcvbuf plus one MSS per
 *       subflow, or B's memory grew past the baseline's by more than rcvbuf
 *       and 2 x 2048 ranges of 48 bytes (as mptcp-loopback judges it).
 * With --results=true (default) the same values go to <outputDir>/results.db
 * (scenario "mptcp-attack", entities "attacker" and "victim"), through
 * MptcpRunRecorder: the run is "running" while it goes, and a finished run
 * with the same parameters and RngRun is refused (exit 2) unless
 * --overwrite=true.
 *
 *   ./mptcp-attack --attack=rst --defence=false [--offPath=true] [--RngRun=1]
 *
 * Exit status: 0 whatever the attack did; 2 for a bad option or a run
 * already recorded; 1 when results.db cannot be written.
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mptcp-attacker-helper.h"
#include "ns3/mptcp-helper.h"
#include "ns3/mptcp-l4-protocol.h"
#include "ns3/mptcp-output.h"
#include "ns3/mptcp-results.h"
#include "ns3/mptcp-socket.h"
#include "ns3/mptcp-topology.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <vector>

using namespace ns3;

namespace
{

const char* const kProg = "mptcp-attack";

struct Options
{
    std::string attack = "rst";
    bool defence = true;
    bool offPath = false;
    uint32_t attackPath = 0;
    double attackAt = 2;
    double duration = 10;
    std::string rate = "5Mbps";
    double delayMs = 10;
    uint32_t guesses = 0;
    double intervalUs = 10;
    uint32_t guessStep = 65535;
    bool useKeys = false;
    int64_t dsnLead = 0;
    uint32_t payloadLen = 100;
    std::string spoofed = "10.250.0.1";
    bool results = true;
    std::string outputDir = "mptcp-attack-out";
    std::string campaign = "mptcp-attack";
};

struct Outcome
{
    double goodputBps = 0;
    bool survived = false;
    uint32_t subflowsDown = 0;
    uint64_t injected = 0;
    uint64_t mismatches = 0;
    uint64_t mpPrioRx = 0;
    mptcp_attacker_stats attacker{};
    uint64_t unrouted = 0;
    bool targetFound = true;
    // join attacks (A3, A5)
    uint32_t halfOpenPeak = 0;    //!< B's half-open subflows from the spoofed source, at once
    uint32_t joinsAccepted = 0;   //!< B's subflows from the spoofed source that got established
    uint64_t memPeak = 0;         //!< B's core memory peak
    uint64_t joinHmacs = 0;       //!< B's MPTcpExtJoinHmacComputed
    uint64_t joinNoToken = 0;     //!< B's MPTcpExtMPJoinNoTokenFound
    uint64_t joinRejected = 0;    //!< B's MPTcpExtMPJoinRejected
    double legitJoinMs = -1;      //!< A's join from its second address: latency, -1 never
    // add-addr (A4)
    uint64_t viaAttacker = 0;     //!< payload bytes the relay carried to B
    uint64_t sinkBytes = 0;       //!< bytes B's application read
    Ptr<MptcpRelay> relay;        //!< add-addr: the relay, while the run lasts
    // eavesdrop-join (A3)
    uint64_t joinSynRx = 0;       //!< A's MP_JOIN SYNs received
    // hole-flood (A1)
    uint64_t connBufPeak = 0;     //!< B's connection: received and not read, at most
    uint32_t bSubflows = 0;       //!< B's connection: subflows, at most
    uint64_t dropped = 0;         //!< B's segments dropped by the range bound
    uint64_t beyondWindow = 0;    //!< B's segments mapped beyond its window
};

/* hole-flood: every millisecond, what B's connection holds (read or not
 * read yet, in order or not) */
struct BufWatch
{
    Ptr<PacketSink> sink;
    Outcome* out;

    void Sample()
    {
        for (const auto& sock : sink->GetAcceptedSockets())
        {
            Ptr<MptcpSocket> m = DynamicCast<MptcpSocket>(sock);
            mptcp_conn_stats st;
            if (m && m->GetStats(st))
            {
                out->connBufPeak = std::max<uint64_t>(out->connBufPeak, st.rcv_buffered);
                out->bSubflows = std::max(out->bSubflows, m->GetSubflowCount());
            }
        }
        Simulator::Schedule(MilliSeconds(1), &BufWatch::Sample, this);
    }
};

/* The per-connection bound on half-open joins the sockets get (the
 * attribute's default, as --ns3::MptcpSocket::MaxHalfOpenJoins may set it). */
uint32_t
MaxHalfOpenJoins()
{
    TypeId::AttributeInformation info;
    UintegerValue v;
    if (MptcpSocket::GetTypeId().LookupAttributeByName("MaxHalfOpenJoins", &info) &&
        v.DeserializeFromString(info.initialValue->SerializeToString(info.checker), info.checker))
    {
        return static_cast<uint32_t>(v.Get());
    }
    return 4;
}

/* The receive buffer the sockets get (TcpSocket::RcvBufSize's default, as
 * --ns3::TcpSocket::RcvBufSize may set it). */
uint64_t
RcvBufDefault()
{
    UintegerValue rcvbuf;
    TypeId::AttributeInformation info;
    if (TcpSocket::GetTypeId().LookupAttributeByName("RcvBufSize", &info) &&
        rcvbuf.DeserializeFromString(info.initialValue->SerializeToString(info.checker),
                                     info.checker))
    {
        return rcvbuf.Get();
    }
    return 0;
}

bool
IsJoinAttack(const std::string& attack)
{
    return attack == "join-guess" || attack == "join-flood";
}

/* Join attacks: every millisecond, B's subflows from the spoofed source
 * (half-open, or established: a join that succeeded) and whether A's join
 * from its second address is established yet. */
struct JoinWatch
{
    Ptr<PacketSink> sink;
    Ptr<BulkSendApplication> sender;
    Ipv4Address spoofed;
    Ipv4Address legitAddr;
    Time joinStart;
    Outcome* out;

    void Sample()
    {
        uint32_t halfOpen = 0;
        for (const auto& sock : sink->GetAcceptedSockets())
        {
            Ptr<MptcpSocket> m = DynamicCast<MptcpSocket>(sock);
            for (uint32_t i = 0; m && i < m->GetSubflowCount(); i++)
            {
                MptcpSocket::SubflowInfo info;
                m->GetSubflowStats(i, info);
                if (InetSocketAddress::ConvertFrom(info.remote).GetIpv4() != spoofed)
                {
                    continue;
                }
                halfOpen += info.stats.state == MPTCP_TCP_SYN_RCVD;
                out->joinsAccepted += info.stats.state == MPTCP_TCP_ESTABLISHED;
            }
        }
        out->halfOpenPeak = std::max(out->halfOpenPeak, halfOpen);
        Ptr<MptcpSocket> a = DynamicCast<MptcpSocket>(sender->GetSocket());
        for (uint32_t i = 0; a && out->legitJoinMs < 0 && Simulator::Now() >= joinStart &&
                             i < a->GetSubflowCount();
             i++)
        {
            MptcpSocket::SubflowInfo info;
            a->GetSubflowStats(i, info);
            if (InetSocketAddress::ConvertFrom(info.local).GetIpv4() == legitAddr &&
                info.stats.state == MPTCP_TCP_ESTABLISHED)
            {
                out->legitJoinMs = (Simulator::Now() - joinStart).GetSeconds() * 1000;
            }
        }
        Simulator::Schedule(MilliSeconds(1), &JoinWatch::Sample, this);
    }
};

/* Counts the bytes B's application receives, and among them the 0xA5
 * bytes of forged payloads (the honest sender's are zero). */
struct Sink
{
    uint64_t bytes = 0;
    uint64_t forged = 0;

    void Rx(Ptr<const Packet> p, const Address&)
    {
        std::vector<uint8_t> b(p->GetSize());
        p->CopyData(b.data(), b.size());
        bytes += b.size();
        for (uint8_t x : b)
        {
            forged += x == MPTCP_ATTACK_PATTERN;
        }
    }
};

const char*
DefenceSwitch(const std::string& attack)
{
    if (attack == "rst" || attack == "mp-tcprst")
    {
        return "RstSeqCheck";
    }
    if (attack == "fastclose")
    {
        return "FastcloseKeyCheck+OptionAckCheck";
    }
    if (attack == "join-flood")
    {
        return "EnforceLimits+SynCookies";
    }
    if (attack == "add-addr")
    {
        return "AddAddrHmacCheck+OptionAckCheck";
    }
    if (attack == "remove-addr")
    {
        return "RemoveAddrProbe+OptionAckCheck";
    }
    if (attack == "mp-prio")
    {
        return "OptionAckCheck";
    }
    if (attack == "hole-flood")
    {
        return "EnforceConnWindow+MaxOfoRanges";
    }
    return nullptr;
}

/* Off-path: told the 4-tuple of A's subflow on the attacked path. */
void
AimOffPath(Ptr<MptcpAttacker> a,
           Ptr<BulkSendApplication> sender,
           Ipv4Address pathAddr,
           Outcome* out)
{
    Ptr<MptcpSocket> s = DynamicCast<MptcpSocket>(sender->GetSocket());
    for (uint32_t i = 0; s && i < s->GetSubflowCount(); i++)
    {
        MptcpSocket::SubflowInfo info;
        s->GetSubflowStats(i, info);
        InetSocketAddress l = InetSocketAddress::ConvertFrom(info.local);
        InetSocketAddress r = InetSocketAddress::ConvertFrom(info.remote);
        if (l.GetIpv4() == pathAddr && info.stats.state == MPTCP_TCP_ESTABLISHED)
        {
            a->SetTarget(l.GetIpv4(), l.GetPort(), r.GetIpv4(), r.GetPort());
            std::string why;
            if (!a->Start(why))
            {
                std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
                std::exit(1);
            }
            return;
        }
    }
    out->targetFound = false; // no subflow on that path to aim at
}

Outcome
RunOnce(const Options& o, bool withAttack)
{
    Outcome out;
    MptcpDisjointPathsHelper paths;
    paths.SetPaths(2);
    MptcpBottleneckSpec spec;
    spec.rate = o.rate;
    spec.delay = MilliSeconds(static_cast<int64_t>(o.delayMs));
    paths.SetBottleneck(0, spec);
    paths.SetBottleneck(1, spec);
    paths.Build();

    // A opens a subflow from each of its addresses (fullmesh) to B's
    // first address; B announces nothing (its second address is withdrawn
    // before the connection): one subflow per path
    MptcpStackHelper client;
    client.SetSocketAttribute("PathManager", StringValue("fullmesh"));
    client.Install(paths.GetA());
    MptcpStackHelper server;
    server.Install(paths.GetB());
    NodeContainer hosts(paths.GetA(), paths.GetB());
    client.AssignStreams(hosts, 1);
    Ptr<MptcpL4Protocol> bl4 = paths.GetB()->GetObject<MptcpL4Protocol>();
    Simulator::Schedule(Seconds(0.1), [bl4, &paths]() {
        bl4->RemoveLocalAddress(paths.GetBAddress(1)); // nothing to announce
    });
    const bool join = IsJoinAttack(o.attack);
    JoinWatch watch;
    if (join)
    {
        // A joins from its second address only during the attack: its
        // latency tells what the flood costs a legitimate join
        Ptr<MptcpL4Protocol> al4 = paths.GetA()->GetObject<MptcpL4Protocol>();
        const Ipv4Address a1 = paths.GetAAddress(1);
        Simulator::Schedule(Seconds(0.1), [al4, a1]() { al4->RemoveLocalAddress(a1); });
        watch.joinStart = Seconds(o.attackAt + 0.2);
        Simulator::Schedule(watch.joinStart, [al4, a1]() { al4->AddLocalAddress(a1); });
        watch.spoofed = Ipv4Address(o.spoofed.c_str());
        watch.legitAddr = a1;
        watch.out = &out;
    }

    PacketSinkHelper sinkHelper("ns3::MptcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 5000));
    Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(paths.GetB()).Get(0));
    Sink count;
    sink->TraceConnectWithoutContext("Rx", MakeCallback(&Sink::Rx, &count));
    BulkSendHelper bulk("ns3::MptcpSocketFactory", InetSocketAddress(paths.GetBAddress(0), 5000));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));
    Ptr<BulkSendApplication> sender =
        DynamicCast<BulkSendApplication>(bulk.Install(paths.GetA()).Get(0));
    sender->SetStartTime(Seconds(0.5));
    BufWatch bufWatch;
    if (o.attack == "hole-flood")
    {
        bufWatch.sink = sink;
        bufWatch.out = &out;
        Simulator::Schedule(Seconds(0.5), &BufWatch::Sample, &bufWatch);
    }
    if (join)
    {
        watch.sink = sink;
        watch.sender = sender;
        Simulator::Schedule(Seconds(o.attackAt), &JoinWatch::Sample, &watch);
    }

    Ptr<MptcpAttacker> attacker;
    if (withAttack)
    {
        MptcpAttackerHelper ah;
        ah.SetAttribute("Attack", StringValue(o.attack));
        ah.SetAttribute("Start", TimeValue(Seconds(o.attackAt)));
        const bool atServer = o.attack == "dsn-inject" || o.attack == "hole-flood" || join;
        const bool eavesdrop = o.attack == "eavesdrop-join";
        ah.SetAttribute("Victim", StringValue(atServer ? "server" : "client"));
        if (join)
        {
            ah.SetAttribute("SpoofedSource", Ipv4AddressValue(o.spoofed.c_str()));
        }
        ah.SetAttribute("Guesses", UintegerValue(o.guesses));
        ah.SetAttribute("Interval", TimeValue(NanoSeconds(static_cast<int64_t>(o.intervalUs * 1000))));
        ah.SetAttribute("GuessStep", UintegerValue(o.guessStep));
        ah.SetAttribute("UseKeys", BooleanValue(o.useKeys));
        ah.SetAttribute("DsnLead", IntegerValue(o.dsnLead));
        ah.SetAttribute("PayloadLen", UintegerValue(o.payloadLen));
        NetDeviceContainer link = paths.GetBottleneckDevices(o.attackPath);
        Ptr<Node> router = link.Get(0)->GetNode();
        Ptr<MptcpRelay> relay;
        // the router's address on A's access link: where the attacker
        // relays (add-addr) or has its own subflow (eavesdrop-join)
        Ptr<NetDevice> rdev = paths.GetAccessDevices(o.attackPath).Get(1);
        Ptr<Ipv4> rip = router->GetObject<Ipv4>();
        const Ipv4Address x =
            rip->GetAddress(static_cast<uint32_t>(rip->GetInterfaceForDevice(rdev)), 0).GetLocal();
        if (eavesdrop)
        {
            ah.SetAttribute("SpoofedSource", Ipv4AddressValue(x));
        }
        if (o.attack == "add-addr")
        {
            // the attacker announces its router's address on A's access
            // link and relays what comes to it (A4, man in the middle)
            ah.SetAttribute("Announce", Ipv4AddressValue(x));
            ah.SetAttribute("AddrId", UintegerValue(9));
            relay = ah.InstallRelay(router, x, paths.GetBAddress(0));
            out.relay = relay;
        }
        if (o.offPath && join)
        {
            // B's listening address and port are public: no need to wait
            attacker = ah.InstallOffPath(router);
            attacker->SetTarget(paths.GetBAddress(0), 5000, Ipv4Address(o.spoofed.c_str()), 0);
            std::string why;
            if (!attacker->Start(why))
            {
                std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
                std::exit(2);
            }
        }
        else if (o.offPath)
        {
            attacker = ah.InstallOffPath(router);
            Simulator::Schedule(Seconds(o.attackAt),
                                &AimOffPath,
                                attacker,
                                sender,
                                paths.GetAAddress(o.attackPath),
                                &out);
        }
        else
        {
            attacker = ah.InstallOnPath(link, router);
            if (eavesdrop)
            {
                attacker->ListenOn(router); // A answers its join at x
            }
            std::string why;
            if (!attacker->Start(why))
            {
                std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
                std::exit(2);
            }
        }
        attacker->AssignStreams(100);
    }

    Simulator::Stop(Seconds(o.duration));
    Simulator::Run();

    Ptr<MptcpSocket> s = DynamicCast<MptcpSocket>(sender->GetSocket());
    // the connection lives while one of its subflows is established
    for (uint32_t i = 0; s && i < s->GetSubflowCount(); i++)
    {
        MptcpSocket::SubflowInfo info;
        s->GetSubflowStats(i, info);
        out.subflowsDown += info.stats.state != MPTCP_TCP_ESTABLISHED;
        out.survived = out.survived || info.stats.state == MPTCP_TCP_ESTABLISHED;
    }
    out.goodputBps = count.bytes * 8.0 / (o.duration - 0.5);
    out.sinkBytes = count.bytes;
    out.injected = count.forged;
    Ptr<MptcpL4Protocol> a = paths.GetA()->GetObject<MptcpL4Protocol>();
    Ptr<MptcpL4Protocol> b = paths.GetB()->GetObject<MptcpL4Protocol>();
    out.mismatches = b->GetCounter(MPTCP_MIB_DUP_DATA_MISMATCH);
    out.mpPrioRx = a->GetCounter(MPTCP_MIB_MP_PRIO_RX);
    out.joinSynRx = a->GetCounter(MPTCP_MIB_JOIN_SYN_RX);
    out.memPeak = b->GetMemoryPeak();
    out.joinHmacs = b->GetCounter(MPTCP_MIB_JOIN_HMAC);
    out.joinNoToken = b->GetCounter(MPTCP_MIB_JOIN_NO_TOKEN);
    out.joinRejected = b->GetCounter(MPTCP_MIB_JOIN_LIMIT);
    // dropped: one range too many (either level), or beyond the window
    // when the window is enforced (counted, but taken, when it is not)
    out.beyondWindow = b->GetCounter(MPTCP_MIB_DSN_BEYOND_WINDOW);
    out.dropped = b->GetCounter(MPTCP_MIB_OFO_DROP) + b->GetCounter(MPTCP_MIB_DSN_OFO_DROP);
    if (attacker)
    {
        attacker->GetStats(out.attacker);
        out.unrouted = attacker->GetUnrouted();
        if (out.relay)
        {
            out.viaAttacker = out.relay->GetBytesToServer();
            out.relay = nullptr;
        }
    }
    Simulator::Destroy();
    return out;
}

std::string
Num(double v)
{
    char b[64];
    std::snprintf(b, sizeof(b), "%.6g", v);
    return b;
}

} // namespace

int
main(int argc, char* argv[])
{
    Options o;
    std::string defence = "true";
    std::string offPath = "false";
    std::string useKeys = "false";
    std::string results = "true";
    std::string overwrite = "false";
    CommandLine cmd(__FILE__);
    cmd.AddValue("attack",
                 "an attack (rst, mp-tcprst, remove-addr, mp-prio, fastclose, dsn-inject, "
                 "hole-flood, join-guess, join-flood, add-addr, eavesdrop-join) or none",
                 o.attack);
    cmd.AddValue("defence", "true|false: the defence the attack meets", defence);
    cmd.AddValue("offPath", "true|false: a blind attacker told the 4-tuple", offPath);
    cmd.AddValue("attackPath", "the path the attacker sits on (0 or 1)", o.attackPath);
    cmd.AddValue("attackAt", "first forgery not before this time (s)", o.attackAt);
    cmd.AddValue("duration", "simulated seconds", o.duration);
    cmd.AddValue("rate", "each bottleneck's rate (ns-3 DataRate)", o.rate);
    cmd.AddValue("delayMs", "each bottleneck's one-way delay (ms)", o.delayMs);
    cmd.AddValue("guesses", "forgeries to send (0: the attacker's default)", o.guesses);
    cmd.AddValue("intervalUs", "time between forgeries (us)", o.intervalUs);
    cmd.AddValue("guessStep", "off-path: sequence distance between guesses", o.guessStep);
    cmd.AddValue("useKeys",
                 "fastclose, add-addr: the key (HMAC) from the keys learnt on-path, not a wrong one",
                 useKeys);
    cmd.AddValue("dsnLead", "dsn-inject: bytes from B's data-level RCV.NXT", o.dsnLead);
    cmd.AddValue("payloadLen", "dsn-inject: payload bytes per forgery (1..1400)", o.payloadLen);
    cmd.AddValue("spoofed",
                 "join-guess, join-flood: source address of the MP_JOIN SYNs",
                 o.spoofed);
    cmd.AddValue("results", "true|false: record the run in <outputDir>/results.db", results);
    cmd.AddValue("overwrite",
                 "true|false: replace a finished run with the same parameters and RngRun in "
                 "results.db (otherwise refused)",
                 overwrite);
    cmd.AddValue("outputDir", "where results.db goes", o.outputDir);
    cmd.AddValue("campaign", "campaign name in results.db", o.campaign);
    cmd.Parse(argc, argv);
    std::vector<MptcpResults::Param> params = MptcpResults::ConfigParams();

    auto fail = [](const std::string& why) {
        std::fprintf(stderr, "%s: %s\n", kProg, why.c_str());
        return 2;
    };
    auto boolean = [](const std::string& v, bool& out) {
        if (v == "true" || v == "1")
        {
            out = true;
            return true;
        }
        if (v == "false" || v == "0")
        {
            out = false;
            return true;
        }
        return false;
    };
    if (!boolean(defence, o.defence))
    {
        return fail("--defence must be true or false, not '" + defence + "'");
    }
    if (!boolean(offPath, o.offPath))
    {
        return fail("--offPath must be true or false, not '" + offPath + "'");
    }
    if (!boolean(useKeys, o.useKeys))
    {
        return fail("--useKeys must be true or false, not '" + useKeys + "'");
    }
    if (!boolean(results, o.results))
    {
        return fail("--results must be true or false, not '" + results + "'");
    }
    bool replace = false;
    if (!boolean(overwrite, replace))
    {
        return fail("--overwrite must be true or false, not '" + overwrite + "'");
    }
    const bool none = o.attack == "none";
    if (!none && mptcp_attack_check(o.attack.c_str()) != MPTCP_OK)
    {
        std::string names;
        const char* n;
        for (unsigned k = 0; (n = mptcp_attack_name(k)); k++)
        {
            names += std::string(k ? ", " : "") + n;
        }
        return fail("unknown --attack '" + o.attack + "' (known: none, " + names + ")");
    }
    if (o.attackPath > 1)
    {
        return fail("--attackPath must be 0 or 1 (two paths), not " +
                    std::to_string(o.attackPath));
    }
    if (!(o.duration > 1 && o.duration <= 3600))
    {
        return fail("--duration must be in (1, 3600] seconds");
    }
    if (!(o.attackAt >= 0.5 && o.attackAt < o.duration))
    {
        return fail("--attackAt must be in [0.5, duration)");
    }
    if (!(o.intervalUs > 0 && o.intervalUs <= 1e6))
    {
        return fail("--intervalUs must be in (0, 1e6]");
    }
    if (!(o.delayMs >= 0 && o.delayMs <= 1000))
    {
        return fail("--delayMs must be in [0, 1000]");
    }
    if (o.payloadLen < 1 || o.payloadLen > 1400)
    {
        return fail("--payloadLen must be in 1..1400");
    }
    if (o.guessStep < 1 || o.guessStep > (1u << 31) || o.guesses > (1u << 24))
    {
        return fail("--guessStep must be in 1..2^31 and --guesses at most 2^24");
    }
    if (o.dsnLead < -(int64_t{1} << 30) || o.dsnLead > (int64_t{1} << 30))
    {
        return fail("--dsnLead must be within +-2^30");
    }
    if (o.attack == "join-guess" && !o.offPath)
    {
        return fail("--attack=join-guess is off-path only: give --offPath=true");
    }
    if (o.attack == "eavesdrop-join" && o.offPath)
    {
        return fail("--attack=eavesdrop-join is on-path only: it needs the keys it sees");
    }
    {
        in_addr probe{};
        if (inet_pton(AF_INET, o.spoofed.c_str(), &probe) != 1)
        {
            return fail("--spoofed '" + o.spoofed + "' is not an IPv4 address");
        }
    }
    if (o.guesses == 0 && o.attack == "eavesdrop-join")
    {
        o.guesses = 1u << 24; // its SYN, third ACK and the ACKs of what it receives
    }
    if (o.guesses == 0 && o.attack == "join-flood")
    {
        // a flood: 2000 SYNs, one per millisecond, unless told otherwise
        o.guesses = 2000;
        bool intervalGiven = false;
        for (int i = 1; i < argc; i++)
        {
            intervalGiven = intervalGiven || std::strncmp(argv[i], "--intervalUs", 12) == 0;
        }
        if (!intervalGiven)
        {
            o.intervalUs = 1000;
        }
    }
    if (!(MptcpRateBps(o.rate) > 0))
    {
        return fail("--rate '" + o.rate + "' is not a data rate (e.g. 5Mbps)");
    }
    std::string why;
    if (o.results && !MptcpCheckOutputDir(o.outputDir, why))
    {
        return fail(why);
    }

    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    const char* sw = none ? nullptr : DefenceSwitch(o.attack);
    if (sw && !o.defence)
    {
        // every switch named, '+' between them: a bound set to 0 (none),
        // a check to false
        std::string names(sw);
        for (size_t at = 0; at <= names.size();)
        {
            size_t end = std::min(names.find('+', at), names.size());
            const std::string name = "ns3::MptcpSocket::" + names.substr(at, end - at);
            if (name == "ns3::MptcpSocket::MaxOfoRanges")
            {
                Config::SetDefault(name, UintegerValue(0));
            }
            else
            {
                Config::SetDefault(name, BooleanValue(false));
            }
            at = end + 1;
        }
    }

    // The run is recorded as "running" before the simulations (a killed
    // run stays visible as such), under its parameters and RngRun; a
    // finished run of the same key is refused unless --overwrite=true.
    MptcpRunRecorder rec;
    if (o.results)
    {
        MptcpRunRecorder::Setup setup;
        setup.outputDir = o.outputDir;
        setup.campaign = o.campaign;
        setup.scenario = kProg;
        setup.params = params;
        const auto s = [](bool v) { return std::string(v ? "true" : "false"); };
        setup.params.emplace_back("attack", o.attack);
        setup.params.emplace_back("defence", s(o.defence));
        setup.params.emplace_back("offPath", s(o.offPath));
        setup.params.emplace_back("attackPath", std::to_string(o.attackPath));
        setup.params.emplace_back("attackAt", Num(o.attackAt));
        setup.params.emplace_back("duration", Num(o.duration));
        setup.params.emplace_back("rate", o.rate);
        setup.params.emplace_back("delayMs", Num(o.delayMs));
        setup.params.emplace_back("guesses", std::to_string(o.guesses));
        setup.params.emplace_back("intervalUs", Num(o.intervalUs));
        setup.params.emplace_back("guessStep", std::to_string(o.guessStep));
        setup.params.emplace_back("useKeys", s(o.useKeys));
        setup.params.emplace_back("dsnLead", std::to_string(o.dsnLead));
        setup.params.emplace_back("payloadLen", std::to_string(o.payloadLen));
        setup.params.emplace_back("spoofed", o.spoofed);
        for (int i = 0; i < argc; i++)
        {
            setup.cmdline += (i ? " " : "") + std::string(argv[i]);
        }
        setup.overwrite = replace;
        setup.entities = {{"attacker", "attacker"}, {"victim", "connection"}};
        std::string err;
        bool refused = false;
        if (!rec.Begin(setup, &err, &refused))
        {
            std::fprintf(stderr, "%s: %s\n", kProg, err.c_str());
            return refused ? 2 : 1;
        }
        if (!rec.GetNote().empty())
        {
            std::fprintf(stderr, "%s: %s\n", kProg, rec.GetNote().c_str());
        }
    }

    // the baseline: the same network and seed, no attacker
    Outcome base = RunOnce(o, false);
    Outcome att = none ? base : RunOnce(o, true);

    const double loss = base.goodputBps > 0 ? 1 - att.goodputBps / base.goodputBps : 0;
    const uint32_t removed = att.subflowsDown > base.subflowsDown
                                 ? att.subflowsDown - base.subflowsDown
                                 : 0;
    bool ok = false;
    if (o.attack == "rst" || o.attack == "mp-tcprst" || o.attack == "remove-addr")
    {
        ok = removed > 0 || !att.survived;
    }
    else if (o.attack == "fastclose")
    {
        ok = !att.survived;
    }
    else if (o.attack == "mp-prio")
    {
        ok = att.mpPrioRx > 0 && loss >= 0.1;
    }
    else if (o.attack == "dsn-inject")
    {
        ok = att.injected > 0;
    }
    else if (o.attack == "hole-flood")
    {
        // the victim held more than the defences allow (as mptcp-loopback
        // judges it): its connection more than rcvbuf plus one MSS per
        // subflow, or its host's memory more than the baseline's plus a
        // window of data and 2 x MaxOfoRanges ranges of 48 bytes
        const uint64_t rb = RcvBufDefault();
        ok = att.connBufPeak > rb + uint64_t{1448} * std::max<uint32_t>(1, att.bSubflows) ||
             att.memPeak > base.memPeak + rb + 2 * uint64_t{MPTCP_OFO_RANGES_DEFAULT} * 48;
    }
    else if (o.attack == "add-addr")
    {
        ok = att.viaAttacker > 0; // the victim's data went through the attacker
    }
    else if (o.attack == "eavesdrop-join")
    {
        ok = att.attacker.joined; // A took the attacker's subflow into the connection
    }
    else if (o.attack == "join-guess")
    {
        ok = att.joinsAccepted > 0;
    }
    else if (o.attack == "join-flood")
    {
        // more half-open joins at once than the bound MaxHalfOpenJoins sets
        ok = att.halfOpenPeak > MaxHalfOpenJoins();
    }

    struct Kv
    {
        std::string key;
        std::string json;
        double value; // NaN: not a number (not stored as a metric)
        std::string unit;
    };
    const double nan = std::nan("");
    auto b = [](bool v) { return std::string(v ? "true" : "false"); };
    auto q = [](const std::string& v) { return "\"" + v + "\""; };
    auto u = [](uint64_t v) { return std::to_string(v); };
    std::vector<Kv> kv = {
        {"attack", q(o.attack), nan, ""},
        {"defence", b(o.defence), o.defence ? 1.0 : 0.0, ""},
        {"defence_switch", sw ? q(sw) : "null", nan, ""},
        {"on_path", b(!o.offPath), o.offPath ? 0.0 : 1.0, ""},
        {"attack_path", u(o.attackPath), nan, ""},
        {"rng_run", u(RngSeedManager::GetRun()), nan, ""},
        {"victim_goodput_bps", Num(att.goodputBps), att.goodputBps, "bit/s"},
        {"baseline_goodput_bps", Num(base.goodputBps), base.goodputBps, "bit/s"},
        {"goodput_loss_fraction", Num(loss), loss, ""},
        {"connection_survived", b(att.survived), att.survived ? 1.0 : 0.0, ""},
        {"subflows_removed", u(removed), static_cast<double>(removed), ""},
        {"injected_bytes_delivered", u(att.injected), static_cast<double>(att.injected), "byte"},
        {"overlap_mismatches", u(att.mismatches), static_cast<double>(att.mismatches), ""},
        {"mp_prio_rx", u(att.mpPrioRx), static_cast<double>(att.mpPrioRx), ""},
        {"forged", u(att.attacker.forged), static_cast<double>(att.attacker.forged), ""},
        {"observed", u(att.attacker.observed), static_cast<double>(att.attacker.observed), ""},
        {"unrouted", u(att.unrouted), static_cast<double>(att.unrouted), ""},
        {"target_found", b(att.targetFound), att.targetFound ? 1.0 : 0.0, ""},
    };
    if (o.attack == "hole-flood")
    {
        const uint64_t rb = RcvBufDefault();
        kv.push_back({"peak_conn_rcv_buffer_bytes", u(att.connBufPeak), static_cast<double>(att.connBufPeak), "byte"});
        kv.push_back({"peak_host_buffer_bytes", u(att.memPeak), static_cast<double>(att.memPeak), "byte"});
        kv.push_back({"baseline_host_buffer_bytes", u(base.memPeak), static_cast<double>(base.memPeak), "byte"});
        kv.push_back({"rcvbuf_bytes", u(rb), static_cast<double>(rb), "byte"});
        const uint64_t dropped = att.dropped + (o.defence ? att.beyondWindow : 0);
        kv.push_back({"segments_beyond_window", u(att.beyondWindow), static_cast<double>(att.beyondWindow), ""});
        kv.push_back({"segments_dropped", u(dropped), static_cast<double>(dropped), ""});
    }
    if (o.attack == "eavesdrop-join")
    {
        const uint64_t tries = att.joinSynRx - std::min(att.joinSynRx, base.joinSynRx);
        const uint64_t got = att.attacker.bytes_received;
        kv.push_back({"join_attempts", u(tries), static_cast<double>(tries), ""});
        kv.push_back({"joins_accepted", u(att.attacker.joined), att.attacker.joined ? 1.0 : 0.0, ""});
        kv.push_back({"bytes_to_attacker", u(got), static_cast<double>(got), "byte"});
    }
    if (o.attack == "add-addr")
    {
        const double frac = att.sinkBytes ? static_cast<double>(att.viaAttacker) / att.sinkBytes : 0;
        kv.push_back({"bytes_via_attacker", u(att.viaAttacker), static_cast<double>(att.viaAttacker), "byte"});
        kv.push_back({"fraction_via_attacker", Num(frac), frac, ""});
    }
    if (IsJoinAttack(o.attack))
    {
        auto ms = [](double v) { return v < 0 ? std::string("null") : Num(v); };
        auto msv = [nan](double v) { return v < 0 ? nan : v; };
        const uint64_t hmacs = att.joinHmacs - std::min(att.joinHmacs, base.joinHmacs);
        std::vector<Kv> j = {
            {"join_attempts", u(att.attacker.forged), static_cast<double>(att.attacker.forged), ""},
            {"joins_accepted", u(att.joinsAccepted), static_cast<double>(att.joinsAccepted), ""},
            {"joins_no_token", u(att.joinNoToken), static_cast<double>(att.joinNoToken), ""},
            {"joins_rejected", u(att.joinRejected), static_cast<double>(att.joinRejected), ""},
            {"half_open_peak", u(att.halfOpenPeak), static_cast<double>(att.halfOpenPeak), ""},
            {"max_half_open_joins", u(MaxHalfOpenJoins()), nan, ""},
            {"hmac_computations", u(hmacs), static_cast<double>(hmacs), ""},
            {"peak_server_state_bytes", u(att.memPeak), static_cast<double>(att.memPeak), "byte"},
            {"baseline_server_state_bytes", u(base.memPeak), static_cast<double>(base.memPeak), "byte"},
            {"legit_join_latency_ms", ms(att.legitJoinMs), msv(att.legitJoinMs), "ms"},
            {"baseline_legit_join_latency_ms", ms(base.legitJoinMs), msv(base.legitJoinMs), "ms"},
        };
        kv.insert(kv.end(), j.begin(), j.end());
    }
    kv.push_back({"attack_succeeded", b(ok), ok ? 1.0 : 0.0, ""});

    if (o.results)
    {
        for (const Kv& k : kv)
        {
            if (std::isnan(k.value))
            {
                continue;
            }
            bool ofAttacker = k.key == "forged" || k.key == "observed" ||
                              k.key == "unrouted" || k.key == "attack_succeeded" ||
                              k.key == "target_found" || k.key == "join_attempts";
            rec.AddMetric(ofAttacker ? "attacker" : "victim", k.key, k.value, k.unit);
        }
        std::string err;
        if (!rec.Finish(&err))
        {
            std::fprintf(stderr, "%s: %s/results.db: %s\n", kProg, o.outputDir.c_str(),
                         err.c_str());
            return 1;
        }
    }

    std::ostringstream js;
    js << "{";
    for (size_t i = 0; i < kv.size(); i++)
    {
        js << (i ? ", " : "") << "\"" << kv[i].key << "\": " << kv[i].json;
    }
    js << "}";
    std::printf("%s\n", js.str().c_str());
    return 0;
}
