/* SPDX-License-Identifier: MIT */
/*
 * names.c - the name service on UDP 137: answers NetBIOS name queries for
 * the node's name and workgroup (RFC 1002 §4.2.12-13), so that peers can
 * resolve \\THISHOST.  Which queries get an answer is rules.c's decision.
 */
#include <sys/socket.h>

#include "../platform/platform.h"
#include "daemon.h"

/* A positive answer: the header, the name, TYPE, CLASS, TTL, RDLENGTH
 * and one address entry (RFC 1002 §4.2.13). */
#define ANSWER_MAX (MSL_NBNS_HDR_LEN + MSL_NBNAME_WIRE_MAX + 10 + MSL_NBNS_ADDR_ENTRY_LEN)
/* RFC 1001 §15.1.1.1: a B-node's names do not expire; any long TTL says
 * so. */
#define ANSWER_TTL_S 300000

/* answer sends the positive answer to query q that came in as rx. */
static void
answer(struct msld *d, const struct msl_nbns_query *q, int group, const struct msld_rx *rx)
{
	uint8_t out[ANSWER_MAX];
	size_t used;
	/* RFC 1002 §4.2.13: the answer carries the address of the interface
	 * the question came in by; ipi_spec_dst is that. */
	struct msl_nbns_addr a = {
		.na_flags = MSL_NBNS_NB_FLAGS(group, MSL_NBDGM_NODE_B),
		.na_ip = ntohl(rx->pi.ipi_spec_dst.s_addr),
	};
	struct msl_nbns_response r = {
		.nr_trn_id = q->nq_trn_id,
		.nr_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD,
		.nr_rcode = 0,
		.nr_name = q->nq_name,
		.nr_ttl = ANSWER_TTL_S,
	};

	if (msl_nbns_response_build(&r, &a, 1, out, sizeof out, &used) == MSL_PE_OK &&
	    sendto(d->ns.fd, out, used, 0, (const struct sockaddr *)&rx->from,
	    sizeof rx->from) == (ssize_t)used)
		d->stats.n[MSLD_C_nbns_answered]++;
}

void
msld_on_names(struct msld *d)
{
	int nb = msld_udp_recv(d->ns.fd, d->rxq, MSLD_BATCH);
	uint64_t now = msl_now_ns();

	for (int i = 0; i < nb; i++) {
		char ifname[IF_NAMESIZE];
		struct msld_dgram in;
		struct msl_nbns_query q;
		msld_udp_view(d, &d->rxq[i], now, ifname, &in);
		enum msld_answer a = msld_decide_query(d, &in, &q);
		if (a != MSLD_IGNORE)
			answer(d, &q, a == MSLD_ANSWER_GROUP, &d->rxq[i]);
	}
}
