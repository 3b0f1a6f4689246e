// SPDX-License-Identifier: GPL-2.0-only

// Tests of ns3::MptcpTcpHeader: the bytes it puts into a Packet are the
// core codec's bytes, they come back field for field, ns-3's own TcpHeader
// reads them as TCP, and malformed bytes are reported, not fatal.

#include "ns3/mptcp-tcp-header.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-option-rfc793.h"
#include "ns3/tcp-option-ts.h"
#include "ns3/tcp-option-winscale.h"
#include "ns3/tcp-option.h"
#include "ns3/test.h"

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/** Length of the payload placed behind the headers under test. */
const uint32_t kPayloadLen = 100;

/**
 * \brief Fill a payload with a pattern that no header field resembles.
 * \return kPayloadLen bytes
 */
std::vector<uint8_t>
MakePayload()
{
    std::vector<uint8_t> p(kPayloadLen);
    for (uint32_t i = 0; i < kPayloadLen; i++)
    {
        p[i] = static_cast<uint8_t>(0xa5 ^ (i * 7 + 3));
    }
    return p;
}

/**
 * \brief Serialize a whole packet to bytes.
 * \param p the packet
 * \return its bytes
 */
std::vector<uint8_t>
PacketBytes(Ptr<const Packet> p)
{
    std::vector<uint8_t> v(p->GetSize());
    p->CopyData(v.data(), static_cast<uint32_t>(v.size()));
    return v;
}

/**
 * \brief Lower-case hex dump, for failure messages.
 * \param v the bytes
 * \return the text
 */
std::string
Dump(const std::vector<uint8_t>& v)
{
    std::ostringstream oss;
    oss << std::hex;
    for (uint8_t b : v)
    {
        oss << (b < 16 ? "0" : "") << static_cast<unsigned>(b);
    }
    return oss.str();
}

/**
 * \brief A plain SYN/ACK-style header with the options ns-3 TCP uses.
 * \return the header
 */
mptcp_tcphdr
MakePlainHeader()
{
    mptcp_tcphdr h{};
    h.sport = 49153;
    h.dport = 5001;
    h.seq = 0x8badf00d;
    h.ack = 0x01020304;
    h.flags = MPTCP_TH_SYN | MPTCP_TH_ACK;
    h.window = 0x7210;
    h.opts = MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_WSCALE;
    h.mss = 1448;
    h.wscale = 7;
    h.ts_val = 0x00c0ffee;
    h.ts_ecr = 0x12345678;
    return h;
}

} // namespace

/**
 * \ingroup mptcp-test
 * \brief Base class with a field-by-field comparison of two headers.
 */
class MptcpHeaderTestCase : public TestCase
{
  public:
    /**
     * \brief Constructor.
     * \param name the test case name
     */
    explicit MptcpHeaderTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    /**
     * \brief Check that a decoded header equals the one that was encoded,
     *        for the fixed fields and every option present in \p want.
     * \param got the decoded header
     * \param want the encoded header
     * \param ctx text prepended to failure messages
     */
    void CheckSame(const mptcp_tcphdr& got, const mptcp_tcphdr& want, const std::string& ctx);

    /**
     * \brief Push \p hdr in front of a payload, check the bytes on the wire
     *        equal mptcp_tcphdr_encode()'s, pop it and compare the fields.
     * \param want the header to carry
     * \param ctx text prepended to failure messages
     */
    void RoundTrip(const mptcp_tcphdr& want, const std::string& ctx);
};

void
MptcpHeaderTestCase::CheckSame(const mptcp_tcphdr& got,
                               const mptcp_tcphdr& want,
                               const std::string& ctx)
{
    NS_TEST_EXPECT_MSG_EQ(got.sport, want.sport, ctx << ": source port");
    NS_TEST_EXPECT_MSG_EQ(got.dport, want.dport, ctx << ": destination port");
    NS_TEST_EXPECT_MSG_EQ(got.seq, want.seq, ctx << ": sequence number");
    NS_TEST_EXPECT_MSG_EQ(got.ack, want.ack, ctx << ": acknowledgment number");
    NS_TEST_EXPECT_MSG_EQ(unsigned(got.flags), unsigned(want.flags), ctx << ": flags");
    NS_TEST_EXPECT_MSG_EQ(unsigned(got.reserved), unsigned(want.reserved), ctx << ": reserved");
    NS_TEST_EXPECT_MSG_EQ(got.window, want.window, ctx << ": window");
    NS_TEST_EXPECT_MSG_EQ(got.csum, want.csum, ctx << ": checksum field");
    NS_TEST_EXPECT_MSG_EQ(got.urg_ptr, want.urg_ptr, ctx << ": urgent pointer");
    NS_TEST_EXPECT_MSG_EQ(got.opts, want.opts, ctx << ": set of options present");
    NS_TEST_EXPECT_MSG_EQ(unsigned(got.n_unknown), 0u, ctx << ": unknown options");

    if (want.opts & MPTCP_OPT_MSS)
    {
        NS_TEST_EXPECT_MSG_EQ(got.mss, want.mss, ctx << ": MSS");
    }
    if (want.opts & MPTCP_OPT_WSCALE)
    {
        NS_TEST_EXPECT_MSG_EQ(unsigned(got.wscale), unsigned(want.wscale), ctx << ": wscale");
    }
    if (want.opts & MPTCP_OPT_TIMESTAMP)
    {
        NS_TEST_EXPECT_MSG_EQ(got.ts_val, want.ts_val, ctx << ": TSval");
        NS_TEST_EXPECT_MSG_EQ(got.ts_ecr, want.ts_ecr, ctx << ": TSecr");
    }
    if (want.opts & MPTCP_OPT_SACK)
    {
        NS_TEST_EXPECT_MSG_EQ(unsigned(got.n_sack), unsigned(want.n_sack), ctx << ": SACK n");
        for (unsigned i = 0; i < want.n_sack && i < MPTCP_MAX_SACK_BLOCKS; i++)
        {
            NS_TEST_EXPECT_MSG_EQ(got.sack[i].left, want.sack[i].left, ctx << ": SACK left");
            NS_TEST_EXPECT_MSG_EQ(got.sack[i].right, want.sack[i].right, ctx << ": SACK right");
        }
    }
    if (want.opts & MPTCP_OPT_MP_CAPABLE)
    {
        const mptcp_opt_mp_capable& g = got.mpc;
        const mptcp_opt_mp_capable& w = want.mpc;
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.len), unsigned(w.len), ctx << ": MP_CAPABLE length");
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.version), unsigned(w.version), ctx << ": version");
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.flags), unsigned(w.flags), ctx << ": MPC flags");
        if (w.len >= MPTCP_MPC_LEN_SYNACK)
        {
            NS_TEST_EXPECT_MSG_EQ(g.sender_key, w.sender_key, ctx << ": sender key");
        }
        if (w.len >= MPTCP_MPC_LEN_ACK)
        {
            NS_TEST_EXPECT_MSG_EQ(g.receiver_key, w.receiver_key, ctx << ": receiver key");
        }
        if (w.len >= MPTCP_MPC_LEN_DATA)
        {
            NS_TEST_EXPECT_MSG_EQ(g.data_len, w.data_len, ctx << ": MPC data length");
        }
        if (w.len >= MPTCP_MPC_LEN_DATA_CSUM)
        {
            NS_TEST_EXPECT_MSG_EQ(g.csum, w.csum, ctx << ": MPC checksum");
        }
    }
    if (want.opts & MPTCP_OPT_DSS)
    {
        const mptcp_opt_dss& g = got.dss;
        const mptcp_opt_dss& w = want.dss;
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.flags), unsigned(w.flags), ctx << ": DSS flags");
        if (w.flags & MPTCP_DSS_ACK)
        {
            uint64_t mask = (w.flags & MPTCP_DSS_ACK8) ? ~uint64_t(0) : 0xffffffffu;
            NS_TEST_EXPECT_MSG_EQ((g.data_ack & mask), (w.data_ack & mask), ctx << ": Data ACK");
        }
        if (w.flags & MPTCP_DSS_MAP)
        {
            uint64_t mask = (w.flags & MPTCP_DSS_DSN8) ? ~uint64_t(0) : 0xffffffffu;
            NS_TEST_EXPECT_MSG_EQ((g.dsn & mask), (w.dsn & mask), ctx << ": DSN");
            NS_TEST_EXPECT_MSG_EQ(g.ssn, w.ssn, ctx << ": relative SSN");
            NS_TEST_EXPECT_MSG_EQ(g.dll, w.dll, ctx << ": data-level length");
            NS_TEST_EXPECT_MSG_EQ(bool(g.has_csum), bool(w.has_csum), ctx << ": has checksum");
            if (w.has_csum)
            {
                NS_TEST_EXPECT_MSG_EQ(g.csum, w.csum, ctx << ": DSS checksum");
            }
        }
    }
    if (want.opts & MPTCP_OPT_ADD_ADDR)
    {
        const mptcp_opt_add_addr& g = got.add_addr;
        const mptcp_opt_add_addr& w = want.add_addr;
        NS_TEST_EXPECT_MSG_EQ(bool(g.echo), bool(w.echo), ctx << ": ADD_ADDR echo");
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.addr_id), unsigned(w.addr_id), ctx << ": address id");
        NS_TEST_EXPECT_MSG_EQ(unsigned(g.family), unsigned(w.family), ctx << ": family");
        NS_TEST_EXPECT_MSG_EQ(bool(g.has_port), bool(w.has_port), ctx << ": has port");
        if (w.has_port)
        {
            NS_TEST_EXPECT_MSG_EQ(g.port, w.port, ctx << ": port");
        }
        size_t alen = w.family == 6 ? 16 : 4;
        NS_TEST_EXPECT_MSG_EQ(std::memcmp(g.addr, w.addr, alen), 0, ctx << ": address");
        if (!w.echo)
        {
            NS_TEST_EXPECT_MSG_EQ(g.thmac, w.thmac, ctx << ": truncated HMAC");
        }
    }
}

void
MptcpHeaderTestCase::RoundTrip(const mptcp_tcphdr& want, const std::string& ctx)
{
    // What the codec alone writes for this header.
    uint8_t ref[MPTCP_TCP_HDR_MAX];
    int refLen = mptcp_tcphdr_encode(ref, sizeof(ref), &want);
    NS_TEST_ASSERT_MSG_GT(refLen, 0, ctx << ": the codec rejects the test header");
    NS_TEST_EXPECT_MSG_EQ(refLen, mptcp_tcphdr_len(&want), ctx << ": encode vs len");

    MptcpTcpHeader sent(want);
    NS_TEST_ASSERT_MSG_EQ(sent.GetSerializedSize(),
                          static_cast<uint32_t>(refLen),
                          ctx << ": serialized size");

    std::vector<uint8_t> payload = MakePayload();
    Ptr<Packet> p = Create<Packet>(payload.data(), kPayloadLen);
    p->AddHeader(sent);
    NS_TEST_ASSERT_MSG_EQ(p->GetSize(), refLen + kPayloadLen, ctx << ": packet size");

    std::vector<uint8_t> wire = PacketBytes(p);
    std::vector<uint8_t> hdrBytes(wire.begin(), wire.begin() + refLen);
    std::vector<uint8_t> refBytes(ref, ref + refLen);
    NS_TEST_EXPECT_MSG_EQ(Dump(hdrBytes), Dump(refBytes), ctx << ": header bytes in the packet");
    std::vector<uint8_t> tail(wire.begin() + refLen, wire.end());
    NS_TEST_EXPECT_MSG_EQ((tail == payload), true, ctx << ": payload behind the header");
    NS_TEST_EXPECT_MSG_EQ(unsigned(wire[12] >> 4),
                          unsigned(refLen / 4),
                          ctx << ": data offset on the wire");

    MptcpTcpHeader got;
    uint32_t consumed = p->RemoveHeader(got);
    NS_TEST_EXPECT_MSG_EQ(consumed, static_cast<uint32_t>(refLen), ctx << ": bytes consumed");
    NS_TEST_ASSERT_MSG_EQ(got.GetDecodeError(), MPTCP_OK, ctx << ": decode error");
    NS_TEST_EXPECT_MSG_EQ(unsigned(got.GetTcpHdr().hdr_len), unsigned(refLen), ctx << ": hdr_len");
    CheckSame(got.GetTcpHdr(), want, ctx);
    NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == payload), true, ctx << ": payload after removal");
}

/**
 * \ingroup mptcp-test
 * \brief (a) An MP_CAPABLE SYN with MSS, SACK-permitted, timestamps and
 *        window scale, through a Packet.
 */
class MptcpHeaderSynTest : public MptcpHeaderTestCase
{
  public:
    MptcpHeaderSynTest()
        : MptcpHeaderTestCase("MP_CAPABLE SYN: packet bytes are the codec's, fields round-trip")
    {
    }

  private:
    void DoRun() override
    {
        mptcp_tcphdr h{};
        h.sport = 40000;
        h.dport = 80;
        h.seq = 0xdeadbeef;
        h.ack = 0;
        h.flags = MPTCP_TH_SYN;
        h.window = 64240;
        h.opts = MPTCP_OPT_MSS | MPTCP_OPT_SACK_PERM | MPTCP_OPT_TIMESTAMP | MPTCP_OPT_WSCALE |
                 MPTCP_OPT_MP_CAPABLE;
        h.mss = 1460;
        h.wscale = 7;
        h.ts_val = 3141592;
        h.ts_ecr = 0;
        h.mpc.len = MPTCP_MPC_LEN_SYN;
        h.mpc.version = MPTCP_VERSION;
        h.mpc.flags = MPTCP_MPC_FLAG_H;
        RoundTrip(h, "MP_CAPABLE SYN");

        // Independently of the codec: the MP_CAPABLE SYN option is
        // kind 30, length 4, subtype 0 | version 1, flags H (RFC 8684 3.1).
        MptcpTcpHeader sent(h);
        Ptr<Packet> p = Create<Packet>();
        p->AddHeader(sent);
        std::vector<uint8_t> wire = PacketBytes(p);
        NS_TEST_ASSERT_MSG_GT_OR_EQ(wire.size(), 24u, "header too short");
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[0] << 8 | wire[1]), 40000u, "source port, big-endian");
        NS_TEST_EXPECT_MSG_EQ(unsigned(wire[13]), unsigned(MPTCP_TH_SYN), "flags byte");
        const uint8_t mpc[4] = {30, 4, 0x01, 0x01};
        bool found = false;
        for (size_t i = 20; i + 4 <= wire.size(); i++)
        {
            if (std::memcmp(&wire[i], mpc, 4) == 0)
            {
                found = true;
            }
        }
        NS_TEST_EXPECT_MSG_EQ(found, true, "MP_CAPABLE SYN option bytes: " << Dump(wire));

        std::ostringstream oss;
        sent.Print(oss);
        NS_TEST_EXPECT_MSG_NE(oss.str().find("[SYN]"), std::string::npos, oss.str());
        NS_TEST_EXPECT_MSG_NE(oss.str().find("MSS=1460"), std::string::npos, oss.str());
        NS_TEST_EXPECT_MSG_NE(oss.str().find("MP_CAPABLE(v1"), std::string::npos, oss.str());
    }
};

/**
 * \ingroup mptcp-test
 * \brief (b) DSS together with ADD_ADDR, in several forms, through a Packet.
 */
class MptcpHeaderDssAddAddrTest : public MptcpHeaderTestCase
{
  public:
    MptcpHeaderDssAddAddrTest()
        : MptcpHeaderTestCase("DSS + ADD_ADDR round trips through a Packet")
    {
    }

  private:
    void DoRun() override
    {
        mptcp_tcphdr base{};
        base.sport = 5001;
        base.dport = 49153;
        base.seq = 0xfffffff0;
        base.ack = 0x00001000;
        base.flags = MPTCP_TH_ACK | MPTCP_TH_PSH;
        base.window = 501;

        // 8-byte Data ACK, 8-byte DSN with checksum; ADD_ADDR echo, IPv4.
        mptcp_tcphdr h = base;
        h.opts = MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR;
        h.dss.flags = MPTCP_DSS_ACK | MPTCP_DSS_ACK8 | MPTCP_DSS_MAP | MPTCP_DSS_DSN8;
        h.dss.data_ack = 0x0123456789abcdefULL;
        h.dss.dsn = 0xfedcba9876543210ULL;
        h.dss.ssn = 1;
        h.dss.dll = 1400;
        h.dss.has_csum = 1;
        h.dss.csum = 0xbeef;
        h.add_addr.echo = 1;
        h.add_addr.addr_id = 2;
        h.add_addr.family = 4;
        const uint8_t v4[4] = {10, 1, 2, 3};
        std::memcpy(h.add_addr.addr, v4, 4);
        RoundTrip(h, "DSS 8/8+csum, ADD_ADDR echo v4");

        // 4-byte Data ACK only; ADD_ADDR IPv4 with port and HMAC.
        h = base;
        h.opts = MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR;
        h.dss.flags = MPTCP_DSS_ACK;
        h.dss.data_ack = 0x9abcdef0;
        h.add_addr.echo = 0;
        h.add_addr.addr_id = 7;
        h.add_addr.family = 4;
        h.add_addr.has_port = 1;
        h.add_addr.port = 8080;
        std::memcpy(h.add_addr.addr, v4, 4);
        h.add_addr.thmac = 0x1122334455667788ULL;
        RoundTrip(h, "DSS ack4, ADD_ADDR v4 port hmac");

        // 4-byte DSN mapping with DATA_FIN; ADD_ADDR echo, IPv6 with port.
        h = base;
        h.opts = MPTCP_OPT_DSS | MPTCP_OPT_ADD_ADDR;
        h.dss.flags = MPTCP_DSS_MAP | MPTCP_DSS_DATA_FIN;
        h.dss.dsn = 0x55667788;
        h.dss.ssn = 0;
        h.dss.dll = 1;
        h.add_addr.echo = 1;
        h.add_addr.addr_id = 9;
        h.add_addr.family = 6;
        h.add_addr.has_port = 1;
        h.add_addr.port = 443;
        const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
        std::memcpy(h.add_addr.addr, v6, 16);
        RoundTrip(h, "DSS map4+F, ADD_ADDR echo v6 port");
    }
};

/**
 * \ingroup mptcp-test
 * \brief (c) ns-3's TcpHeader reads the bytes MptcpTcpHeader writes, and
 *        the other way round.
 */
class MptcpHeaderNs3InteropTest : public MptcpHeaderTestCase
{
  public:
    MptcpHeaderNs3InteropTest()
        : MptcpHeaderTestCase("ns-3 TcpHeader and MptcpTcpHeader read each other's bytes")
    {
    }

  private:
    /**
     * \brief Check the fields ns-3's TcpHeader decoded against \p h.
     * \param th the ns-3 header
     * \param h the header written
     * \param ctx text prepended to failure messages
     */
    void CheckNs3View(const TcpHeader& th, const mptcp_tcphdr& h, const std::string& ctx)
    {
        NS_TEST_EXPECT_MSG_EQ(th.GetSourcePort(), h.sport, ctx << ": source port");
        NS_TEST_EXPECT_MSG_EQ(th.GetDestinationPort(), h.dport, ctx << ": destination port");
        NS_TEST_EXPECT_MSG_EQ(th.GetSequenceNumber().GetValue(), h.seq, ctx << ": seq");
        NS_TEST_EXPECT_MSG_EQ(th.GetAckNumber().GetValue(), h.ack, ctx << ": ack");
        NS_TEST_EXPECT_MSG_EQ(unsigned(th.GetFlags()), unsigned(h.flags), ctx << ": flags");
        NS_TEST_EXPECT_MSG_EQ(th.GetWindowSize(), h.window, ctx << ": window");

        NS_TEST_ASSERT_MSG_EQ(th.HasOption(TcpOption::MSS), true, ctx << ": MSS option");
        Ptr<const TcpOptionMSS> mss = DynamicCast<const TcpOptionMSS>(th.GetOption(TcpOption::MSS));
        NS_TEST_ASSERT_MSG_EQ((mss != nullptr), true, ctx << ": MSS option type");
        NS_TEST_EXPECT_MSG_EQ(mss->GetMSS(), h.mss, ctx << ": MSS value");

        NS_TEST_ASSERT_MSG_EQ(th.HasOption(TcpOption::TS), true, ctx << ": timestamp option");
        Ptr<const TcpOptionTS> ts = DynamicCast<const TcpOptionTS>(th.GetOption(TcpOption::TS));
        NS_TEST_ASSERT_MSG_EQ((ts != nullptr), true, ctx << ": timestamp option type");
        NS_TEST_EXPECT_MSG_EQ(ts->GetTimestamp(), h.ts_val, ctx << ": TSval");
        NS_TEST_EXPECT_MSG_EQ(ts->GetEcho(), h.ts_ecr, ctx << ": TSecr");

        NS_TEST_EXPECT_MSG_EQ(th.HasOption(TcpOption::SACKPERMITTED),
                              true,
                              ctx << ": SACK-permitted option");
        NS_TEST_ASSERT_MSG_EQ(th.HasOption(TcpOption::WINSCALE), true, ctx << ": wscale option");
        Ptr<const TcpOptionWinScale> ws =
            DynamicCast<const TcpOptionWinScale>(th.GetOption(TcpOption::WINSCALE));
        NS_TEST_ASSERT_MSG_EQ((ws != nullptr), true, ctx << ": wscale option type");
        NS_TEST_EXPECT_MSG_EQ(unsigned(ws->GetScale()), unsigned(h.wscale), ctx << ": shift");
    }

    void DoRun() override
    {
        // Our bytes, ns-3's parser.
        mptcp_tcphdr h = MakePlainHeader();
        MptcpTcpHeader ours(h);
        Ptr<Packet> p = Create<Packet>(kPayloadLen);
        p->AddHeader(ours);
        TcpHeader th;
        uint32_t consumed = p->RemoveHeader(th);
        NS_TEST_EXPECT_MSG_EQ(consumed, ours.GetSerializedSize(), "TcpHeader consumed length");
        NS_TEST_EXPECT_MSG_EQ(uint32_t(th.GetLength()) * 4,
                              ours.GetSerializedSize(),
                              "TcpHeader data offset");
        NS_TEST_EXPECT_MSG_EQ(p->GetSize(), kPayloadLen, "payload left behind");
        CheckNs3View(th, h, "plain header read by TcpHeader");

        // With MP_CAPABLE: ns-3 skips kind 30 as an unknown option and
        // still finds the payload and the standard options.
        h.flags = MPTCP_TH_SYN;
        h.ack = 0;
        h.opts |= MPTCP_OPT_MP_CAPABLE;
        h.mpc.len = MPTCP_MPC_LEN_SYN;
        h.mpc.version = MPTCP_VERSION;
        h.mpc.flags = MPTCP_MPC_FLAG_H;
        ours.SetTcpHdr(h);
        p = Create<Packet>(kPayloadLen);
        p->AddHeader(ours);
        TcpHeader th2;
        consumed = p->RemoveHeader(th2);
        NS_TEST_EXPECT_MSG_EQ(consumed, ours.GetSerializedSize(), "TcpHeader length, MPTCP");
        NS_TEST_EXPECT_MSG_EQ(p->GetSize(), kPayloadLen, "payload left behind, MPTCP");
        CheckNs3View(th2, h, "MP_CAPABLE header read by TcpHeader");

        // ns-3's bytes, our parser.
        TcpHeader ns3h;
        ns3h.SetSourcePort(1234);
        ns3h.SetDestinationPort(80);
        ns3h.SetSequenceNumber(SequenceNumber32(4000000000u));
        ns3h.SetAckNumber(SequenceNumber32(17));
        ns3h.SetFlags(TcpHeader::ACK | TcpHeader::FIN);
        ns3h.SetWindowSize(1024);
        Ptr<TcpOptionTS> tsOpt = CreateObject<TcpOptionTS>();
        tsOpt->SetTimestamp(99);
        tsOpt->SetEcho(98);
        ns3h.AppendOption(tsOpt);
        p = Create<Packet>(kPayloadLen);
        p->AddHeader(ns3h);
        MptcpTcpHeader back;
        consumed = p->RemoveHeader(back);
        NS_TEST_ASSERT_MSG_EQ(back.GetDecodeError(), MPTCP_OK, "decoding ns-3's header");
        NS_TEST_EXPECT_MSG_EQ(consumed, ns3h.GetSerializedSize(), "length of ns-3's header");
        const mptcp_tcphdr& b = back.GetTcpHdr();
        NS_TEST_EXPECT_MSG_EQ(b.sport, 1234, "source port from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.dport, 80, "destination port from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.seq, 4000000000u, "seq from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.ack, 17u, "ack from ns-3");
        NS_TEST_EXPECT_MSG_EQ(unsigned(b.flags),
                              unsigned(MPTCP_TH_ACK | MPTCP_TH_FIN),
                              "flags from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.window, 1024, "window from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.opts, uint32_t(MPTCP_OPT_TIMESTAMP), "options from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.ts_val, 99u, "TSval from ns-3");
        NS_TEST_EXPECT_MSG_EQ(b.ts_ecr, 98u, "TSecr from ns-3");
    }
};

/**
 * \ingroup mptcp-test
 * \brief (d) Malformed bytes give a decode error, never a crash.
 */
class MptcpHeaderMalformedTest : public MptcpHeaderTestCase
{
  public:
    MptcpHeaderMalformedTest()
        : MptcpHeaderTestCase("malformed headers are reported through GetDecodeError")
    {
    }

  private:
    void DoRun() override
    {
        // A 28-byte header whose MP_CAPABLE option claims length 6, which
        // is none of 4, 12, 20, 22, 24.
        // clang-format off
        const uint8_t bad[28] = {
            0x9c, 0x40, 0x00, 0x50,             // ports 40000 > 80
            0x00, 0x00, 0x00, 0x2a,             // seq 42
            0x00, 0x00, 0x00, 0x00,             // ack 0
            0x70, MPTCP_TH_SYN, 0xff, 0xff,     // doff 7, SYN, window
            0x00, 0x00, 0x00, 0x00,             // checksum, urgent pointer
            30,   6,    0x01, 0x01, 0x00, 0x00, // MP_CAPABLE, bad length
            MPTCP_TCPOPT_NOP, MPTCP_TCPOPT_NOP,
        };
        // clang-format on
        std::vector<uint8_t> payload = MakePayload();
        Ptr<Packet> p = Create<Packet>(payload.data(), kPayloadLen);
        Ptr<Packet> hdr = Create<Packet>(bad, sizeof(bad));
        hdr->AddAtEnd(p);
        p = hdr;

        MptcpTcpHeader got;
        uint32_t consumed = p->RemoveHeader(got);
        NS_TEST_EXPECT_MSG_EQ(got.GetDecodeError(),
                              MPTCP_ERR_MP_CAPABLE_LEN,
                              "error code, got " << mptcp_strerror_name(got.GetDecodeError()));
        NS_TEST_EXPECT_MSG_EQ(consumed, 28u, "bytes consumed by the data offset");
        NS_TEST_EXPECT_MSG_EQ(p->GetSize(), kPayloadLen, "payload left behind");
        NS_TEST_EXPECT_MSG_EQ((PacketBytes(p) == payload), true, "payload intact");
        NS_TEST_EXPECT_MSG_EQ(got.GetTcpHdr().sport, 40000, "source port still readable");
        NS_TEST_EXPECT_MSG_EQ(got.GetTcpHdr().seq, 42u, "seq still readable");
        NS_TEST_EXPECT_MSG_EQ(unsigned(got.GetTcpHdr().flags),
                              unsigned(MPTCP_TH_SYN),
                              "flags still readable");

        // Forwarded unchanged.
        NS_TEST_EXPECT_MSG_EQ(got.GetSerializedSize(), 28u, "size of the kept bytes");
        Ptr<Packet> fwd = Create<Packet>();
        fwd->AddHeader(got);
        NS_TEST_EXPECT_MSG_EQ(Dump(PacketBytes(fwd)),
                              Dump(std::vector<uint8_t>(bad, bad + sizeof(bad))),
                              "malformed bytes written back unchanged");

        std::ostringstream oss;
        got.Print(oss);
        NS_TEST_EXPECT_MSG_NE(oss.str().find("MPTCP_ERR_MP_CAPABLE_LEN"),
                              std::string::npos,
                              oss.str());

        // Setting a header clears the error.
        got.SetTcpHdr(MakePlainHeader());
        NS_TEST_EXPECT_MSG_EQ(got.GetDecodeError(), MPTCP_OK, "error cleared by SetTcpHdr");

        // Fewer than 20 bytes in the whole packet.
        Ptr<Packet> shortPkt = Create<Packet>(bad, 12);
        MptcpTcpHeader truncated;
        consumed = shortPkt->RemoveHeader(truncated);
        NS_TEST_EXPECT_MSG_EQ(truncated.GetDecodeError(),
                              MPTCP_ERR_HDR_TRUNCATED,
                              "truncated: " << mptcp_strerror_name(truncated.GetDecodeError()));
        NS_TEST_EXPECT_MSG_EQ(consumed, 12u, "truncated: bytes consumed");

        // Data offset 15 words, but only 24 bytes in the packet.
        uint8_t longDoff[24];
        std::memcpy(longDoff, bad, sizeof(longDoff));
        longDoff[12] = 0xf0;
        Ptr<Packet> doffPkt = Create<Packet>(longDoff, sizeof(longDoff));
        MptcpTcpHeader beyond;
        consumed = doffPkt->RemoveHeader(beyond);
        NS_TEST_EXPECT_MSG_EQ(beyond.GetDecodeError(),
                              MPTCP_ERR_HDR_DOFF,
                              "doff beyond data: " << mptcp_strerror_name(beyond.GetDecodeError()));
        NS_TEST_EXPECT_MSG_EQ(consumed, 24u, "doff beyond data: bytes consumed");

        // Data offset below 5 words.
        uint8_t smallDoff[28];
        std::memcpy(smallDoff, bad, sizeof(smallDoff));
        smallDoff[12] = 0x30;
        Ptr<Packet> smallPkt = Create<Packet>(smallDoff, sizeof(smallDoff));
        MptcpTcpHeader under;
        consumed = smallPkt->RemoveHeader(under);
        NS_TEST_EXPECT_MSG_EQ(under.GetDecodeError(),
                              MPTCP_ERR_HDR_DOFF,
                              "doff below 5: " << mptcp_strerror_name(under.GetDecodeError()));
        NS_TEST_EXPECT_MSG_EQ(consumed, 20u, "doff below 5: bytes consumed");
    }
};

/**
 * \ingroup mptcp-test
 * \brief The suite of MptcpTcpHeader tests.
 */
class MptcpHeaderTestSuite : public TestSuite
{
  public:
    MptcpHeaderTestSuite()
        : TestSuite("mptcp-header", TestSuite::Type::UNIT)
    {
        AddTestCase(new MptcpHeaderSynTest());
        AddTestCase(new MptcpHeaderDssAddAddrTest());
        AddTestCase(new MptcpHeaderNs3InteropTest());
        AddTestCase(new MptcpHeaderMalformedTest());
    }
};

/** Static instance that registers the suite with the TestRunner. */
static MptcpHeaderTestSuite g_mptcpHeaderTestSuite;
