// SPDX-License-Identifier: GPL-2.0-only

#ifndef MPTCP_TCP_HEADER_H
#define MPTCP_TCP_HEADER_H

#include "mptcp/mptcp.h"

#include "ns3/buffer.h"
#include "ns3/header.h"
#include "ns3/type-id.h"

#include <array>
#include <cstdint>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup mptcp
 * \brief A TCP header with all its options, as real wire bytes.
 *
 * The header is a thin ns-3 face on the core's codec: it holds one
 * mptcp_tcphdr and writes or reads exactly the bytes that
 * mptcp_tcphdr_encode() and mptcp_tcphdr_decode() produce and accept. A
 * packet carrying it is therefore a real TCP segment: ns-3's own
 * TcpHeader, pcap writers and Wireshark read it as TCP, with MPTCP
 * options under kind 30.
 *
 * The checksum field is written as stored in the structure; compute it
 * with mptcp_tcp_checksum_ipv4() or mptcp_tcp_checksum_ipv6() when
 * checksums matter.
 *
 * Deserializing malformed bytes never aborts the simulation: the header
 * records the core's error code (GetDecodeError()), consumes the bytes the
 * data offset claims (or 20 when the offset is unusable), and keeps those
 * bytes so that Serialize() writes them back unchanged, the way a
 * middlebox forwards a header it does not understand.
 */
class MptcpTcpHeader : public Header
{
  public:
    /**
     * \brief Create a header with every field zero and no options.
     */
    MptcpTcpHeader();

    /**
     * \brief Create a header from a core structure.
     * \param hdr the header fields and options to carry
     */
    explicit MptcpTcpHeader(const mptcp_tcphdr& hdr);

    /**
     * \brief Destructor.
     */
    ~MptcpTcpHeader() override;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \brief Get the most derived TypeId of this header.
     * \return the TypeId of ns3::MptcpTcpHeader
     */
    TypeId GetInstanceTypeId() const override;

    /**
     * \brief Size of the header on the wire.
     *
     * 20 bytes plus the options padded to a multiple of 4, as computed by
     * mptcp_tcphdr_len(). Aborts the simulation if the structure cannot
     * be encoded (options beyond 40 bytes, inconsistent option fields):
     * that is a bug in the code that filled it.
     *
     * \return the header length in bytes (20..60)
     */
    uint32_t GetSerializedSize() const override;

    /**
     * \brief Write the header bytes produced by mptcp_tcphdr_encode().
     * \param start where to write; GetSerializedSize() bytes are written
     */
    void Serialize(Buffer::Iterator start) const override;

    /**
     * \brief Read a TCP header and decode it with mptcp_tcphdr_decode().
     *
     * On success GetDecodeError() is MPTCP_OK. On malformed input it is the
     * core's negative error code; the fixed fields that could be read stay
     * readable, and the raw bytes are kept for Serialize().
     *
     * \param start the bytes to read (a header possibly followed by data)
     * \return the number of bytes consumed: the data offset in bytes, or
     *         20 when the data offset is below 5 words, or fewer when the
     *         buffer ends earlier
     */
    uint32_t Deserialize(Buffer::Iterator start) override;

    /**
     * \brief Print the header on one line: ports, flags, sequence and
     *        acknowledgment numbers, window, then each option present.
     * \param os the output stream
     */
    void Print(std::ostream& os) const override;

    /**
     * \brief Read access to the header fields and options.
     * \return the core structure
     */
    const mptcp_tcphdr& GetTcpHdr() const;

    /**
     * \brief Write access to the header fields and options.
     *
     * Taking this reference means the caller is building a header, so it
     * clears a previous decode error and the raw bytes kept with it.
     *
     * \return the core structure
     */
    mptcp_tcphdr& GetTcpHdrMutable();

    /**
     * \brief Replace the header fields and options.
     *
     * Clears a previous decode error.
     *
     * \param hdr the new header
     */
    void SetTcpHdr(const mptcp_tcphdr& hdr);

    /**
     * \brief Carry header bytes exactly as given (the core's encoding,
     *        checksum included); the fields are decoded for reading.
     *
     * Serialize() then writes these bytes unchanged. Taking
     * GetTcpHdrMutable() or SetTcpHdr() leaves this mode.
     *
     * \param buf the header bytes
     * \param len their number (20..60)
     */
    void SetRawBytes(const uint8_t* buf, uint32_t len);

    /**
     * \brief Result of the last Deserialize().
     * \return MPTCP_OK, or the negative mptcp_error code the core returned
     *         for malformed bytes (e.g. MPTCP_ERR_MP_CAPABLE_LEN)
     */
    int GetDecodeError() const;

    /**
     * \brief Convert TCP flags to a readable list such as "SYN|ACK".
     * \param flags MPTCP_TH_* bits
     * \param delimiter text placed between two flag names
     * \return the flag names, or an empty string when no flag is set
     */
    static std::string FlagsToString(uint8_t flags, const std::string& delimiter = "|");

  private:
    /**
     * \brief Print the options present in m_hdr, each preceded by a space.
     * \param os the output stream
     */
    void PrintOptions(std::ostream& os) const;

    mptcp_tcphdr m_hdr;                           //!< Fields and options
    int m_decodeError;                            //!< Last decode result
    std::array<uint8_t, MPTCP_TCP_HDR_MAX> m_raw; //!< Bytes of a malformed header
    uint32_t m_rawLen;                            //!< Valid bytes in m_raw
    bool m_rawMode;                               //!< Serialize m_raw as given
};

} // namespace ns3

#endif // MPTCP_TCP_HEADER_H
