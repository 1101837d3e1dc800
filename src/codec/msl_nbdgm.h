/* SPDX-License-Identifier: MIT */
/*
 * msl_nbdgm.h - the NetBIOS datagram service header (UDP 138).
 *
 * RFC 1002 §4.4.1 and §4.4.2, docs/protocol.md §1.2.  All fields are big-endian.
 * A DIRECT_UNIQUE, DIRECT_GROUP or BROADCAST datagram is
 *
 *   +0  MSG_TYPE     1    +4  SOURCE_IP    4    +12 PACKET_OFFSET 2
 *   +1  FLAGS        1    +8  SOURCE_PORT  2    +14 SOURCE_NAME
 *   +2  DGM_ID       2    +10 DGM_LENGTH   2        DESTINATION_NAME
 *                                                   USER_DATA
 *
 * A DATAGRAM ERROR (RFC 1002 §4.4.3) is the first ten bytes and an error
 * code; a DATAGRAM QUERY REQUEST or RESPONSE (RFC 1002 §4.4.4, §4.4.5) is
 * the first ten bytes and a destination name.
 */
#ifndef MSL_NBDGM_H
#define MSL_NBDGM_H

#include <stddef.h>
#include <stdint.h>

#include "msl_nbname.h"
#include "msl_perr.h"

/* RFC 1002 §6: the NetBIOS datagram service port. */
#define MSL_NBDGM_PORT 138

/* RFC 1002 §4.4.1: MSG_TYPE values. */
#define MSL_NBDGM_DIRECT_UNIQUE 0x10
#define MSL_NBDGM_DIRECT_GROUP 0x11
#define MSL_NBDGM_BROADCAST 0x12
#define MSL_NBDGM_ERROR 0x13
#define MSL_NBDGM_QUERY_REQUEST 0x14
#define MSL_NBDGM_POSITIVE_QUERY_RESPONSE 0x15
#define MSL_NBDGM_NEGATIVE_QUERY_RESPONSE 0x16

/* RFC 1002 §4.4.1: FLAGS.  The RFC numbers bits from the most significant
 * end (M = bit 7, F = bit 6, SNT = bits 4-5); these are the masks. */
#define MSL_NBDGM_FLAG_MORE 0x01
#define MSL_NBDGM_FLAG_FIRST 0x02
#define MSL_NBDGM_SNT_MASK 0x0c
#define MSL_NBDGM_SNT_SHIFT 2

/* RFC 1002 §4.4.1: SNT, the source end-node type.  Microsoft sends the
 * NBDD value 3 for an H-node ([MS-MAIL] note <13>, docs/protocol.md §1.2). */
#define MSL_NBDGM_NODE_B 0
#define MSL_NBDGM_NODE_P 1
#define MSL_NBDGM_NODE_M 2
#define MSL_NBDGM_NODE_H 3

/* RFC 1002 §4.4.3: ERROR_CODE of a DATAGRAM ERROR. */
#define MSL_NBDGM_ERR_NO_DEST 0x82
#define MSL_NBDGM_ERR_BAD_SOURCE 0x83
#define MSL_NBDGM_ERR_BAD_DEST 0x84

/* RFC 1002 §4.4.1: the full header of a direct or broadcast datagram, and
 * the ten-byte head shared by every datagram type. */
#define MSL_NBDGM_HDR_LEN 14
#define MSL_NBDGM_SHORT_HDR_LEN 10

/* MSL_NBDGM_FLAGS is the FLAGS byte of an unfragmented datagram sent by a
 * node of the given type: F set, M clear (docs/protocol.md §1.2, §8). */
#define MSL_NBDGM_FLAGS(node)                                                \
	((uint8_t)(MSL_NBDGM_FLAG_FIRST |                                    \
	    (((node) << MSL_NBDGM_SNT_SHIFT) & MSL_NBDGM_SNT_MASK)))
/* MSL_NBDGM_NODE_TYPE extracts SNT from a FLAGS byte. */
#define MSL_NBDGM_NODE_TYPE(flags)                                           \
	(((flags) & MSL_NBDGM_SNT_MASK) >> MSL_NBDGM_SNT_SHIFT)

/*
 * A parsed (or to-be-built) datagram.  Which members mean something
 * depends on dg_type:
 *  - 0x10..0x12: every member except dg_error.
 *  - 0x13: the ten-byte head and dg_error.
 *  - 0x14..0x16: the ten-byte head and dg_dst.
 * dg_src_ip is the IPv4 address as a host-order number (192.168.1.10 is
 * 0xc0a8010a).  dg_data views the caller's input after a parse, and must
 * point to dg_data_len bytes (or be NULL when that is 0) for a build.
 */
struct msl_nbdgm {
	uint8_t dg_type;
	uint8_t dg_flags;
	uint16_t dg_id;
	uint32_t dg_src_ip;
	uint16_t dg_src_port;
	uint16_t dg_length;
	uint16_t dg_offset;
	uint8_t dg_error;
	struct msl_nbname dg_src;
	struct msl_nbname dg_dst;
	const uint8_t *dg_data;
	size_t dg_data_len;
};

/*
 * msl_nbdgm_parse reads one UDP payload.  dg_data then views the bytes
 * after the names, up to the end of buf; they stay valid as long as buf.
 *
 * DGM_LENGTH is reported in dg_length but not enforced: Samba's
 * parse_dgram() and Wireshark (docs/protocol.md §6) record it without checking it,
 * and the receiver rules (docs/protocol.md §1.6) do not use it.  The received
 * length is the truth; the caller may compare the two for statistics.
 *
 * Results: MSL_PE_OK; MSL_PE_TRUNCATED; MSL_PE_BADTYPE for a MSG_TYPE
 * outside 0x10..0x16; MSL_PE_BADSRCNAME / MSL_PE_BADDSTNAME for a
 * malformed name; MSL_PE_FRAGMENT when a 0x10..0x12 datagram has F clear
 * or M set (RFC 1002 §4.4.1).  On MSL_PE_FRAGMENT the fixed header fields
 * are filled in (so the drop can be logged with its source and DGM_ID)
 * but the names are not parsed and dg_data views everything after the
 * 14-byte header.  On any other failure *out is unspecified.
 */
msl_perr msl_nbdgm_parse(const uint8_t *buf, size_t len,
    struct msl_nbdgm *out);

/*
 * msl_nbdgm_build writes a datagram of type in->dg_type.  dg_length is
 * ignored: DGM_LENGTH is computed as the bytes after the 14-byte header
 * (RFC 1002 §5.3.1).  dg_flags and dg_offset are written as given.  *used
 * is the size written, or on MSL_PE_NOSPACE the size needed.  Returns
 * MSL_PE_INVAL for an unknown type or an unencodable name, MSL_PE_TOOBIG
 * when DGM_LENGTH would not fit in 16 bits.
 */
msl_perr msl_nbdgm_build(const struct msl_nbdgm *in, uint8_t *buf,
    size_t cap, size_t *used);

/*
 * msl_nbdgm_build_head writes only the header and the two names of a
 * 0x10..0x12 datagram whose user data, user_len bytes, the caller will
 * write right after it; DGM_LENGTH already counts them.  in->dg_data is
 * not read.  Results as for msl_nbdgm_build.
 */
msl_perr msl_nbdgm_build_head(const struct msl_nbdgm *in, size_t user_len,
    uint8_t *buf, size_t cap, size_t *used);

#endif /* MSL_NBDGM_H */
