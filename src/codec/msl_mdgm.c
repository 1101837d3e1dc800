/* SPDX-License-Identifier: MIT */
/*
 * msl_mdgm.c - a whole mailslot datagram.
 */
#include "msl_mdgm.h"

#include <string.h>

msl_perr
msl_mdgm_parse(const uint8_t *buf, size_t len, struct msl_mdgm *out)
{
	msl_perr err;

	if (out == NULL)
		return MSL_PE_INVAL;
	/* docs/protocol.md §1.6 rule 1: only DIRECT_UNIQUE, DIRECT_GROUP and BROADCAST
	 * carry mailslot writes.  The type is judged before the length, so
	 * that a short DATAGRAM ERROR or query counts as a foreign type. */
	if (len > 0 && (buf[0] < MSL_NBDGM_DIRECT_UNIQUE ||
	    buf[0] > MSL_NBDGM_BROADCAST)) {
		memset(out, 0, sizeof *out);
		return MSL_PE_BADTYPE;
	}
	/* docs/protocol.md §1.6 rules 1-3: the NetBIOS header and both names; fragments
	 * come back as MSL_PE_FRAGMENT with the header filled in. */
	err = msl_nbdgm_parse(buf, len, &out->md_dgm);
	if (err != MSL_PE_OK) {
		memset(&out->md_smb, 0, sizeof out->md_smb);
		return err;
	}
	/* docs/protocol.md §1.6 rules 5-8: the SMB mailslot write in the user data. */
	return msl_smbmail_parse(out->md_dgm.dg_data, out->md_dgm.dg_data_len,
	    &out->md_smb);
}

msl_perr
msl_mdgm_build(const struct msl_mdgm_send *in, uint8_t *buf, size_t cap,
    size_t *used)
{
	struct msl_nbdgm dg;
	size_t smb_len, head_len, smb_used;
	msl_perr err, head_err;

	if (in == NULL || used == NULL ||
	    in->ms_type < MSL_NBDGM_DIRECT_UNIQUE ||
	    in->ms_type > MSL_NBDGM_BROADCAST ||
	    in->ms_node > MSL_NBDGM_NODE_H ||
	    (in->ms_data == NULL && in->ms_data_len > 0) ||
	    !msl_smbmail_name_ok(in->ms_mailslot, in->ms_mailslot_len))
		return MSL_PE_INVAL;
	if ((unsigned)in->ms_profile > MSL_SMBMAIL_SAMBA)
		return MSL_PE_INVAL;
	/* [MS-MAIL] note <2>: the SMB message may not exceed 512 bytes; the
	 * size is needed up front because DGM_LENGTH counts it. */
	smb_len = msl_smbmail_size(in->ms_profile, in->ms_mailslot_len,
	    in->ms_data_len);
	if (smb_len > MSL_SMBMAIL_MAX)
		return MSL_PE_TOOBIG;

	/* RFC 1002 §4.4.1, docs/protocol.md §1.2 and §8: FLAGS is FIRST with the node
	 * type, M is clear, PACKET_OFFSET is 0. */
	memset(&dg, 0, sizeof dg);
	dg.dg_type = in->ms_type;
	dg.dg_flags = MSL_NBDGM_FLAGS(in->ms_node);
	dg.dg_id = in->ms_id;
	dg.dg_src_ip = in->ms_src_ip;
	dg.dg_src_port = in->ms_src_port;
	dg.dg_src = in->ms_src;
	dg.dg_dst = in->ms_dst;
	head_err = msl_nbdgm_build_head(&dg, smb_len, buf, cap, &head_len);
	if (head_err != MSL_PE_OK && head_err != MSL_PE_NOSPACE)
		return head_err;
	if (head_err == MSL_PE_NOSPACE) {
		/* Report the full size needed, as every builder does. */
		*used = head_len + smb_len;
		return MSL_PE_NOSPACE;
	}
	/* docs/protocol.md §1.1: the SMB message is the datagram's USER_DATA. */
	err = msl_smbmail_build(in->ms_profile, in->ms_mailslot,
	    in->ms_mailslot_len, in->ms_data, in->ms_data_len, buf + head_len,
	    cap - head_len, &smb_used);
	if (err == MSL_PE_OK || err == MSL_PE_NOSPACE)
		*used = head_len + smb_used;
	return err;
}
