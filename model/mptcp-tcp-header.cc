// SPDX-License-Identifier: GPL-2.0-only

#include "mptcp-tcp-header.h"

#include "ns3/abort.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv6-address.h"
#include "ns3/log.h"

#include <algorithm>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MptcpTcpHeader");

NS_OBJECT_ENSURE_REGISTERED(MptcpTcpHeader);

namespace
{

/**
 * \brief Format an unsigned value as "0x" followed by hexadecimal digits.
 * \param v the value
 * \return the text
 */
std::string
Hex(uint64_t v)
{
    std::ostringstream oss;
    oss << "0x" << std::hex << v;
    return oss.str();
}

/**
 * \brief Format bytes as contiguous lower-case hexadecimal.
 * \param p the bytes
 * \param n how many
 * \return the text
 */
std::string
HexBytes(const uint8_t* p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (size_t i = 0; i < n; i++)
    {
        s.push_back(digits[p[i] >> 4]);
        s.push_back(digits[p[i] & 0x0f]);
    }
    return s;
}

/**
 * \brief Format the DSS flags byte as letters, as RFC 8684 names them.
 * \param flags MPTCP_DSS_* bits
 * \return e.g. "MmAa" for a mapping with 8-byte DSN and 8-byte Data ACK
 */
std::string
DssFlagsToString(uint8_t flags)
{
    std::string s;
    if (flags & MPTCP_DSS_DATA_FIN)
    {
        s += 'F';
    }
    if (flags & MPTCP_DSS_MAP)
    {
        s += 'M';
    }
    if (flags & MPTCP_DSS_DSN8)
    {
        s += 'm';
    }
    if (flags & MPTCP_DSS_ACK)
    {
        s += 'A';
    }
    if (flags & MPTCP_DSS_ACK8)
    {
        s += 'a';
    }
    return s.empty() ? std::string("-") : s;
}

} // namespace

MptcpTcpHeader::MptcpTcpHeader()
    : m_hdr{},
      m_decodeError(MPTCP_OK),
      m_raw{},
      m_rawLen(0),
      m_rawMode(false)
{
    NS_LOG_FUNCTION(this);
}

MptcpTcpHeader::MptcpTcpHeader(const mptcp_tcphdr& hdr)
    : m_hdr(hdr),
      m_decodeError(MPTCP_OK),
      m_raw{},
      m_rawLen(0),
      m_rawMode(false)
{
    NS_LOG_FUNCTION(this);
}

MptcpTcpHeader::~MptcpTcpHeader()
{
    NS_LOG_FUNCTION(this);
}

TypeId
MptcpTcpHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MptcpTcpHeader")
                            .SetParent<Header>()
                            .SetGroupName("Mptcp")
                            .AddConstructor<MptcpTcpHeader>();
    return tid;
}

TypeId
MptcpTcpHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
MptcpTcpHeader::GetSerializedSize() const
{
    if (m_decodeError != MPTCP_OK || m_rawMode)
    {
        return m_rawLen;
    }
    int len = mptcp_tcphdr_len(&m_hdr);
    NS_ABORT_MSG_IF(len < 0,
                    "MptcpTcpHeader cannot be encoded: " << mptcp_strerror_name(len) << " ("
                                                         << mptcp_strerror(len) << ")");
    return static_cast<uint32_t>(len);
}

void
MptcpTcpHeader::Serialize(Buffer::Iterator start) const
{
    if (m_decodeError != MPTCP_OK || m_rawMode)
    {
        start.Write(m_raw.data(), m_rawLen);
        return;
    }
    uint8_t buf[MPTCP_TCP_HDR_MAX];
    int len = mptcp_tcphdr_encode(buf, sizeof(buf), &m_hdr);
    NS_ABORT_MSG_IF(len < 0,
                    "MptcpTcpHeader cannot be encoded: " << mptcp_strerror_name(len) << " ("
                                                         << mptcp_strerror(len) << ")");
    start.Write(buf, static_cast<uint32_t>(len));
}

uint32_t
MptcpTcpHeader::Deserialize(Buffer::Iterator start)
{
    NS_LOG_FUNCTION(this);
    const uint32_t avail = start.GetRemainingSize();
    uint8_t* buf = m_raw.data();

    // The fixed part first: its data offset says how much more to read.
    uint32_t got = std::min<uint32_t>(avail, MPTCP_TCP_HDR_MIN);
    start.Read(buf, got);
    if (got == MPTCP_TCP_HDR_MIN)
    {
        uint32_t doffBytes = static_cast<uint32_t>(buf[12] >> 4) * 4;
        if (doffBytes > MPTCP_TCP_HDR_MIN)
        {
            uint32_t more = std::min(doffBytes - MPTCP_TCP_HDR_MIN, avail - MPTCP_TCP_HDR_MIN);
            start.Read(buf + MPTCP_TCP_HDR_MIN, more);
            got += more;
        }
    }

    m_rawMode = false;
    int rc = mptcp_tcphdr_decode(&m_hdr, buf, got);
    if (rc >= 0)
    {
        m_decodeError = MPTCP_OK;
        m_rawLen = 0;
        return static_cast<uint32_t>(rc);
    }

    NS_LOG_LOGIC("malformed TCP header: " << mptcp_strerror_name(rc));
    m_decodeError = rc;
    m_rawLen = got;
    // Keep the fixed fields readable: decode the first 20 bytes again as
    // an option-less header, then restore the length that was on the wire.
    m_hdr = mptcp_tcphdr{};
    if (got >= MPTCP_TCP_HDR_MIN)
    {
        uint8_t fixed[MPTCP_TCP_HDR_MIN];
        std::copy(buf, buf + MPTCP_TCP_HDR_MIN, fixed);
        fixed[12] = static_cast<uint8_t>((5 << 4) | (fixed[12] & 0x0f));
        if (mptcp_tcphdr_decode(&m_hdr, fixed, sizeof(fixed)) < 0)
        {
            m_hdr = mptcp_tcphdr{};
        }
        m_hdr.hdr_len = static_cast<uint8_t>((buf[12] >> 4) * 4);
    }
    return got;
}

void
MptcpTcpHeader::Print(std::ostream& os) const
{
    os << m_hdr.sport << " > " << m_hdr.dport;
    if (m_hdr.flags != 0)
    {
        os << " [" << FlagsToString(m_hdr.flags) << "]";
    }
    os << " Seq=" << m_hdr.seq << " Ack=" << m_hdr.ack << " Win=" << m_hdr.window;
    if (m_decodeError != MPTCP_OK)
    {
        os << " MALFORMED(" << mptcp_strerror_name(m_decodeError) << ", " << m_rawLen << " bytes)";
        return;
    }
    PrintOptions(os);
}

void
MptcpTcpHeader::PrintOptions(std::ostream& os) const
{
    const mptcp_tcphdr& h = m_hdr;
    if (h.opts & MPTCP_OPT_MSS)
    {
        os << " MSS=" << h.mss;
    }
    if (h.opts & MPTCP_OPT_SACK_PERM)
    {
        os << " SACK_PERM";
    }
    if (h.opts & MPTCP_OPT_TIMESTAMP)
    {
        os << " TS=" << h.ts_val << "/" << h.ts_ecr;
    }
    if (h.opts & MPTCP_OPT_WSCALE)
    {
        os << " WS=" << static_cast<unsigned>(h.wscale);
    }
    if (h.opts & MPTCP_OPT_SACK)
    {
        os << " SACK=";
        unsigned n = std::min<unsigned>(h.n_sack, MPTCP_MAX_SACK_BLOCKS);
        for (unsigned i = 0; i < n; i++)
        {
            os << "[" << h.sack[i].left << "," << h.sack[i].right << ")";
        }
    }
    if (h.opts & MPTCP_OPT_MP_CAPABLE)
    {
        const mptcp_opt_mp_capable& o = h.mpc;
        os << " MP_CAPABLE(v" << static_cast<unsigned>(o.version)
           << " len=" << static_cast<unsigned>(o.len) << " flags=" << Hex(o.flags);
        if (o.len >= MPTCP_MPC_LEN_SYNACK)
        {
            os << " skey=" << Hex(o.sender_key);
        }
        if (o.len >= MPTCP_MPC_LEN_ACK)
        {
            os << " rkey=" << Hex(o.receiver_key);
        }
        if (o.len >= MPTCP_MPC_LEN_DATA)
        {
            os << " dll=" << o.data_len;
        }
        if (o.len >= MPTCP_MPC_LEN_DATA_CSUM)
        {
            os << " csum=" << Hex(o.csum);
        }
        os << ")";
    }
    if (h.opts & MPTCP_OPT_MP_JOIN)
    {
        const mptcp_opt_mp_join& o = h.join;
        os << " MP_JOIN(len=" << static_cast<unsigned>(o.len);
        if (o.len == MPTCP_JOIN_LEN_SYN)
        {
            os << " B=" << static_cast<unsigned>(o.backup)
               << " id=" << static_cast<unsigned>(o.addr_id) << " token=" << Hex(o.token)
               << " nonce=" << Hex(o.nonce);
        }
        else if (o.len == MPTCP_JOIN_LEN_SYNACK)
        {
            os << " B=" << static_cast<unsigned>(o.backup)
               << " id=" << static_cast<unsigned>(o.addr_id) << " thmac=" << Hex(o.thmac)
               << " nonce=" << Hex(o.nonce);
        }
        else
        {
            os << " hmac=" << HexBytes(o.hmac, MPTCP_JOIN_HMAC_LEN);
        }
        os << ")";
    }
    if (h.opts & MPTCP_OPT_DSS)
    {
        const mptcp_opt_dss& o = h.dss;
        os << " DSS(" << DssFlagsToString(o.flags);
        if (o.flags & MPTCP_DSS_ACK)
        {
            os << " ack=" << o.data_ack;
        }
        if (o.flags & MPTCP_DSS_MAP)
        {
            os << " dsn=" << o.dsn << " ssn=" << o.ssn << " dll=" << o.dll;
            if (o.has_csum)
            {
                os << " csum=" << Hex(o.csum);
            }
        }
        os << ")";
    }
    if (h.opts & MPTCP_OPT_ADD_ADDR)
    {
        const mptcp_opt_add_addr& o = h.add_addr;
        os << " ADD_ADDR(id=" << static_cast<unsigned>(o.addr_id) << " ";
        if (o.family == 6)
        {
            os << Ipv6Address::Deserialize(o.addr);
        }
        else
        {
            os << Ipv4Address::Deserialize(o.addr);
        }
        if (o.has_port)
        {
            os << " port=" << o.port;
        }
        if (o.echo)
        {
            os << " echo";
        }
        else
        {
            os << " hmac=" << Hex(o.thmac);
        }
        os << ")";
    }
    if (h.opts & MPTCP_OPT_REMOVE_ADDR)
    {
        const mptcp_opt_remove_addr& o = h.rm_addr;
        os << " REMOVE_ADDR(ids=";
        unsigned n = std::min<unsigned>(o.n, MPTCP_MAX_RM_IDS);
        for (unsigned i = 0; i < n; i++)
        {
            os << (i ? "," : "") << static_cast<unsigned>(o.ids[i]);
        }
        os << ")";
    }
    if (h.opts & MPTCP_OPT_MP_PRIO)
    {
        os << " MP_PRIO(B=" << static_cast<unsigned>(h.prio.backup) << ")";
    }
    if (h.opts & MPTCP_OPT_MP_FAIL)
    {
        os << " MP_FAIL(dsn=" << h.fail.dsn << ")";
    }
    if (h.opts & MPTCP_OPT_MP_FASTCLOSE)
    {
        os << " MP_FASTCLOSE(key=" << Hex(h.fastclose.key) << ")";
    }
    if (h.opts & MPTCP_OPT_MP_TCPRST)
    {
        os << " MP_TCPRST(flags=" << Hex(h.tcprst.flags)
           << " reason=" << static_cast<unsigned>(h.tcprst.reason) << ")";
    }
    if (h.n_unknown != 0)
    {
        os << " unknown=" << static_cast<unsigned>(h.n_unknown);
    }
}

const mptcp_tcphdr&
MptcpTcpHeader::GetTcpHdr() const
{
    return m_hdr;
}

mptcp_tcphdr&
MptcpTcpHeader::GetTcpHdrMutable()
{
    m_decodeError = MPTCP_OK;
    m_rawLen = 0;
    m_rawMode = false;
    return m_hdr;
}

void
MptcpTcpHeader::SetTcpHdr(const mptcp_tcphdr& hdr)
{
    m_hdr = hdr;
    m_decodeError = MPTCP_OK;
    m_rawLen = 0;
    m_rawMode = false;
}

void
MptcpTcpHeader::SetRawBytes(const uint8_t* buf, uint32_t len)
{
    NS_ABORT_MSG_IF(len < MPTCP_TCP_HDR_MIN || len > MPTCP_TCP_HDR_MAX,
                    "MptcpTcpHeader::SetRawBytes: " << len << " bytes is not a TCP header");
    std::copy(buf, buf + len, m_raw.data());
    m_rawLen = len;
    int rc = mptcp_tcphdr_decode(&m_hdr, buf, len);
    m_decodeError = rc >= 0 ? MPTCP_OK : rc;
    m_rawMode = true;
}

int
MptcpTcpHeader::GetDecodeError() const
{
    return m_decodeError;
}

std::string
MptcpTcpHeader::FlagsToString(uint8_t flags, const std::string& delimiter)
{
    static const char* const names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
    std::string s;
    for (unsigned i = 0; i < 8; i++)
    {
        if (flags & (1u << i))
        {
            if (!s.empty())
            {
                s += delimiter;
            }
            s += names[i];
        }
    }
    return s;
}

} // namespace ns3
