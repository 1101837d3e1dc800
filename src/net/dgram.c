/* SPDX-License-Identifier: MIT */
/*
 * dgram.c - building one mailslot datagram for sending, and the size
 * limit a sender applies before it tries.
 */
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "../platform/platform.h"
#include "dgram.h"
#include "msl_mdgm.h"

msl_perr
msl_net_build_dgram(uint8_t type, const char *src, uint32_t src_ip,
    uint16_t src_port, const char *dst, uint8_t suffix, const char *mailslot,
    const void *data, size_t len, uint8_t *buf, size_t *used, const char *scope)
{
	static uint16_t next_id;
	struct msl_mdgm_send s = {
		.ms_type = type,
		/* docs/protocol.md §8: a node without WINS is a B-node. */
		.ms_node = MSL_NBDGM_NODE_B,
		.ms_src_ip = ntohl(src_ip),
		.ms_src_port = src_port,
		.ms_mailslot = mailslot,
		.ms_mailslot_len = strlen(mailslot),
		.ms_data = data,
		.ms_data_len = len,
		.ms_profile = MSL_SMBMAIL_WINDOWS,
	};
	msl_perr e;

	/* RFC 1002 §4.4.1: DGM_ID only has to differ between a sender's
	 * datagrams; a counter seeded from the clock and pid does that.  The
	 * first thread to get here seeds it. */
	uint16_t zero = 0, seed = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	if (__atomic_load_n(&next_id, __ATOMIC_RELAXED) == 0)
		__atomic_compare_exchange_n(&next_id, &zero, seed, 0, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED);
	s.ms_id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	/* docs/protocol.md §2.4: the source name is the sender's <00> name.
	 * Both names carry the node's NetBIOS scope (RFC 1001 §9). */
	if ((e = msl_nbname_make(&s.ms_src, src, MSL_NBSUFFIX_WORKSTATION, scope)) != MSL_PE_OK)
		return e;
	if ((e = msl_nbname_make(&s.ms_dst, dst, suffix, scope)) != MSL_PE_OK)
		return e;
	return msl_mdgm_build(&s, buf, MSL_MDGM_MAX, used);
}

size_t
msl_net_max_data(size_t name_len)
{
	size_t m = msl_smbmail_max_data(name_len);
	return m < MSL_NET_MAX_DATA ? m : MSL_NET_MAX_DATA;
}
