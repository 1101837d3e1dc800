/* SPDX-License-Identifier: MIT */
/*
 * names.c - the name service on UDP 137: answers NetBIOS name queries for
 * the node's names (RFC 1002 §4.2.12-13), so that peers can resolve
 * \\THISHOST, and node status requests (§4.2.17-18), so that
 * `nmblookup -A` and `nbtstat -A` list them; hands registration, release
 * and response packets to register.c.  Which queries get an answer is
 * rules.c's decision, from the name table (nametab.c).
 */
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../platform/platform.h"
#include "daemon.h"

/* A positive answer: the header, the name, TYPE, CLASS, TTL, RDLENGTH
 * and one address entry (RFC 1002 §4.2.13). */
#define ANSWER_MAX (MSL_NBNS_HDR_LEN + MSL_NBNAME_WIRE_MAX + 10 + MSL_NBNS_ADDR_ENTRY_LEN)
/* A node status answer: NUM_NAMES, the entries and the statistics
 * (RFC 1002 §4.2.18). */
#define STATUS_MAX (MSL_NBNS_HDR_LEN + MSL_NBNAME_WIRE_MAX + 11 + \
	MSLD_NAMES * MSL_NBNS_NODE_NAME_LEN + MSL_NBNS_STATS_LEN)
/* RFC 1001 §15.1.1.1: a B-node's names do not expire; any long TTL says
 * so. */
#define ANSWER_TTL_S 300000

/* reply sends len bytes of out back to where rx came from; 0 when sent. */
static int
reply(const struct msld *d, const uint8_t *out, size_t len, const struct msld_rx *rx)
{
	return sendto(d->ns.fd, out, len, 0, (const struct sockaddr *)&rx->from, sizeof rx->from) ==
	    (ssize_t)len ? 0 : -1;
}

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
	    reply(d, out, used, rx) == 0)
		d->stats.n[MSLD_C_nbns_answered]++;
}

/* unit_id reads the MAC address of the interface rx came in on into the
 * statistics' UNIT_ID (RFC 1002 §4.2.18); zeros when there is none. */
static void
unit_id(const struct msld *d, const struct msld_rx *rx, uint8_t out[MSL_NBNS_UNIT_ID_LEN])
{
	struct ifreq ifr;

	memset(out, 0, MSL_NBNS_UNIT_ID_LEN);
	memset(&ifr, 0, sizeof ifr);
	if (if_indextoname((unsigned)rx->pi.ipi_ifindex, ifr.ifr_name) != NULL &&
	    ioctl(d->ns.fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(out, ifr.ifr_hwaddr.sa_data, MSL_NBNS_UNIT_ID_LEN);
}

/*
 * status answers a node status request with the table: each name's 16
 * bytes and NAME_FLAGS (RFC 1002 §4.2.18): G for the group, ONT B, ACT
 * while it is registered or being registered, CNF once given up.
 */
static void
status(struct msld *d, const struct msl_nbns_query *q, const struct msld_rx *rx)
{
	struct msl_nbns_node_name nn[MSLD_NAMES];
	struct msl_nbns_status s = { .ns_trn_id = q->nq_trn_id, .ns_flags = MSL_NBNS_F_AA,
		.ns_name = q->nq_name };
	uint8_t out[STATUS_MAX];
	size_t used;

	for (unsigned i = 0; i < d->nnames; i++) {
		const struct msld_name *e = &d->names[i];
		memcpy(nn[i].nn_raw, e->nb.nb_raw, MSL_NBNAME_LEN);
		nn[i].nn_flags = (uint16_t)(MSL_NBNS_NB_FLAGS(e->group, MSL_NBDGM_NODE_B) |
		    (msld_name_answers(e) ? MSL_NBNS_NAME_ACT : MSL_NBNS_NAME_CNF));
	}
	unit_id(d, rx, s.ns_unit_id);
	if (msl_nbns_status_build(&s, nn, d->nnames, out, sizeof out, &used) == MSL_PE_OK &&
	    reply(d, out, used, rx) == 0)
		d->stats.n[MSLD_C_nbns_status_answered]++;
}

/* owning handles a packet that is not a query: registrations, releases
 * and their answers (register.c), after the checks every packet gets. */
static void
owning(struct msld *d, const struct msld_dgram *in, const struct msld_rx *rx)
{
	struct msl_nbns_pkt p;

	/* Our own broadcasts come back to us: the source is the address
	 * they arrived at. */
	if (rx->from.sin_addr.s_addr == rx->pi.ipi_spec_dst.s_addr)
		return;
	if (msl_nbns_pkt_parse(in->buf, in->len, &p) != MSL_PE_OK || !msld_ns_from_ok(d, in)) {
		d->stats.n[MSLD_C_nbns_ignored]++;
		return;
	}
	if (!msl_strcaseeq(p.np_name.nb_scope, d->conf.scope)) {
		d->stats.n[MSLD_C_nbns_other_scope]++;
		return;
	}
	msld_names_packet(d, &p, rx);
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
		bool response;
		msld_udp_view(d, &d->rxq[i], now, ifname, &in);
		if (msl_nbns_peek_opcode(in.buf, in.len, &response) > 0) {
			owning(d, &in, &d->rxq[i]);
			continue;
		}
		enum msld_answer a = msld_decide_query(d, &in, &q);
		if (a == MSLD_ANSWER_STATUS)
			status(d, &q, &d->rxq[i]);
		else if (a != MSLD_IGNORE)
			answer(d, &q, a == MSLD_ANSWER_GROUP, &d->rxq[i]);
	}
}
