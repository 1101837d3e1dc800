/* SPDX-License-Identifier: MIT */
/*
 * msl_mdgm.h - a whole mailslot datagram: one UDP payload for port 138.
 *
 * docs/protocol.md §0 and §1.1: a remote mailslot write is a NetBIOS datagram
 * (RFC 1002 §4.4.2) whose user data is an SMB_COM_TRANSACTION mailslot
 * write ([MS-MAIL] §2.2.1).  This layer joins msl_nbdgm and msl_smbmail
 * so that the daemon calls one function per received datagram and gets
 * either the message or the reason to drop it.
 */
#ifndef MSL_MDGM_H
#define MSL_MDGM_H

#include <stddef.h>
#include <stdint.h>

#include "msl_nbdgm.h"
#include "msl_nbname.h"
#include "msl_perr.h"
#include "msl_smbmail.h"

/* The largest payload msl_mdgm_build can write: header, two names of the
 * longest scope, and the 512-byte SMB cap. */
#define MSL_MDGM_MAX                                                         \
	(MSL_NBDGM_HDR_LEN + 2 * MSL_NBNAME_WIRE_MAX + MSL_SMBMAIL_MAX)

/*
 * A parsed mailslot datagram.  md_dgm has the NetBIOS header fields and
 * the two names (md_dgm.dg_data views the whole SMB message); md_smb has
 * the SMB fields, the mailslot name (md_smb.sm_name, sm_name_len) and the
 * message (md_smb.sm_data, sm_data_len).  The views are valid as long as
 * the input buffer.
 */
struct msl_mdgm {
	struct msl_nbdgm md_dgm;
	struct msl_smbmail md_smb;
};

/*
 * What to send.  ms_type is MSL_NBDGM_DIRECT_UNIQUE for a unique
 * destination name, MSL_NBDGM_DIRECT_GROUP for a group name, or
 * MSL_NBDGM_BROADCAST ([MS-MAIL] note <13>, docs/protocol.md §1.2, §2.2).  ms_node is
 * the sender's node type (MSL_NBDGM_NODE_*): FLAGS becomes F | SNT.
 * ms_src_ip is host order.  ms_mailslot is the full "\MAILSLOT\..." name,
 * ms_mailslot_len bytes without a NUL.
 */
struct msl_mdgm_send {
	uint8_t ms_type;
	uint8_t ms_node;
	uint16_t ms_id;
	uint32_t ms_src_ip;
	uint16_t ms_src_port;
	struct msl_nbname ms_src;
	struct msl_nbname ms_dst;
	const char *ms_mailslot;
	size_t ms_mailslot_len;
	const uint8_t *ms_data;
	size_t ms_data_len;
	enum msl_smbmail_profile ms_profile;
};

/*
 * msl_mdgm_parse checks one received UDP payload against every receiver
 * rule of docs/protocol.md §1.6 that does not depend on the node's state (rules 1-3
 * and 5-8; rule 4, "is the destination one of our names", is the
 * caller's).  On MSL_PE_OK both halves of *out are filled.  On failure the
 * result says why the datagram must be dropped:
 *   MSL_PE_TRUNCATED      shorter than its fixed fields
 *   MSL_PE_BADTYPE        MSG_TYPE other than 0x10, 0x11, 0x12
 *   MSL_PE_FRAGMENT       F clear or M set (md_dgm's header is filled)
 *   MSL_PE_BADSRCNAME     malformed SOURCE_NAME
 *   MSL_PE_BADDSTNAME     malformed DESTINATION_NAME
 *   MSL_PE_NOTSMB, MSL_PE_BADCOMMAND, MSL_PE_BADWORDCOUNT,
 *   MSL_PE_BADSETUP, MSL_PE_BADOPCODE, MSL_PE_BADNAME, MSL_PE_BADOFFSET
 *                         as msl_smbmail_parse
 * msl_perr_str() names each reason.
 */
msl_perr msl_mdgm_parse(const uint8_t *buf, size_t len, struct msl_mdgm *out);

/*
 * msl_mdgm_build writes the whole UDP payload for in.  PACKET_OFFSET is 0
 * and the datagram is never fragmented (docs/protocol.md §3.2, §8).  Results:
 * MSL_PE_OK; MSL_PE_INVAL for a type outside 0x10..0x12, a node type
 * above 3, an unencodable name or a bad mailslot name; MSL_PE_TOOBIG when
 * the SMB message would exceed 512 bytes; MSL_PE_NOSPACE when cap is too
 * small.  *used is the size written, or on MSL_PE_NOSPACE the size
 * needed; MSL_MDGM_MAX is always enough.
 */
msl_perr msl_mdgm_build(const struct msl_mdgm_send *in, uint8_t *buf,
    size_t cap, size_t *used);

#endif /* MSL_MDGM_H */
