/* SPDX-License-Identifier: MIT */
/*
 * fuzz_mdgm.c - round-trip fuzz target of msl_mdgm, the daemon's entry
 * point for every datagram received on UDP 138.
 *
 * Properties: an accepted datagram's views lie inside the input; sent
 * again in either profile (unless it is over the 512-byte cap, which a
 * receiver does not enforce) it parses to the same header fields, names,
 * mailslot name and data.  A rejected one always has a named reason.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_mdgm.h"

static void
check_resend(const struct msl_mdgm *m, enum msl_smbmail_profile profile)
{
	static uint8_t out[MSL_MDGM_MAX];
	const struct msl_nbdgm *d = &m->md_dgm;
	const struct msl_smbmail *s = &m->md_smb;
	struct msl_mdgm_send send;
	struct msl_mdgm again;
	size_t used = 0;
	msl_perr err;

	memset(&send, 0, sizeof send);
	send.ms_type = d->dg_type;
	send.ms_node = (uint8_t)MSL_NBDGM_NODE_TYPE(d->dg_flags);
	send.ms_id = d->dg_id;
	send.ms_src_ip = d->dg_src_ip;
	send.ms_src_port = d->dg_src_port;
	send.ms_src = d->dg_src;
	send.ms_dst = d->dg_dst;
	send.ms_mailslot = s->sm_name;
	send.ms_mailslot_len = s->sm_name_len;
	send.ms_data = s->sm_data;
	send.ms_data_len = s->sm_data_len;
	send.ms_profile = profile;
	err = msl_mdgm_build(&send, out, sizeof out, &used);
	if (err == MSL_PE_TOOBIG) {
		MSL_FUZZ_ASSERT(msl_smbmail_size(profile, s->sm_name_len,
		    s->sm_data_len) > MSL_SMBMAIL_MAX);
		return;
	}
	MSL_FUZZ_ASSERT(err == MSL_PE_OK);
	MSL_FUZZ_ASSERT(msl_mdgm_parse(out, used, &again) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_type == d->dg_type);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_flags ==
	    MSL_NBDGM_FLAGS(send.ms_node));
	MSL_FUZZ_ASSERT(again.md_dgm.dg_id == d->dg_id);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_src_ip == d->dg_src_ip);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_src_port == d->dg_src_port);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_length == used - MSL_NBDGM_HDR_LEN);
	MSL_FUZZ_ASSERT(again.md_dgm.dg_offset == 0);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.md_dgm.dg_src,
	    &d->dg_src) == 0);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.md_dgm.dg_dst,
	    &d->dg_dst) == 0);
	MSL_FUZZ_ASSERT(again.md_smb.sm_name_len == s->sm_name_len);
	MSL_FUZZ_ASSERT(msl_casecmp(again.md_smb.sm_name, s->sm_name,
	    s->sm_name_len) == 0);
	MSL_FUZZ_ASSERT(again.md_smb.sm_data_len == s->sm_data_len);
	MSL_FUZZ_ASSERT(s->sm_data_len == 0 || memcmp(again.md_smb.sm_data,
	    s->sm_data, s->sm_data_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msl_mdgm m;
	const struct msl_smbmail *s = &m.md_smb;
	msl_perr err;

	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	err = msl_mdgm_parse(data, size, &m);
	MSL_FUZZ_ASSERT((unsigned)err < MSL_PE_COUNT);
	MSL_FUZZ_ASSERT(strcmp(msl_perr_str(err), "unknown") != 0);
	if (err != MSL_PE_OK)
		return 0;
	MSL_FUZZ_ASSERT(m.md_dgm.dg_type >= MSL_NBDGM_DIRECT_UNIQUE &&
	    m.md_dgm.dg_type <= MSL_NBDGM_BROADCAST);
	MSL_FUZZ_ASSERT(m.md_dgm.dg_data + m.md_dgm.dg_data_len ==
	    data + size);
	MSL_FUZZ_ASSERT((const uint8_t *)s->sm_name >= data &&
	    (const uint8_t *)s->sm_name + s->sm_name_len < data + size);
	MSL_FUZZ_ASSERT(s->sm_data_len == 0 || (s->sm_data >= data &&
	    s->sm_data + s->sm_data_len <= data + size));
	check_resend(&m, MSL_SMBMAIL_WINDOWS);
	check_resend(&m, MSL_SMBMAIL_SAMBA);
	return 0;
}
