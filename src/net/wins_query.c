/* SPDX-License-Identifier: MIT */
/*
 * wins_query.c - the unicast name query to a NetBIOS name server
 * (wins_query.h).
 */
#include <poll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include "../platform/platform.h"
#include "msl_nbname.h"
#include "msl_nbns.h"
#include "wins_query.h"

/* RFC 1002 §6 names UCAST_REQ_RETRY_COUNT 3 and a 5 s timeout; a name
 * server on a LAN answers in milliseconds, and an open() should not wait
 * 15 s for a dead one, so the wait is the broadcast query's 250 ms. */
#define TRIES 3
#define RETRY_MS 250

/* ask_one asks one server; returns the answer and fills ip and group. */
static enum msl_wins_answer
ask_one(int fd, uint32_t server, uint16_t port, const uint8_t *pkt, size_t len, uint16_t id,
    const struct msl_nbname *nb, uint32_t *ip, int *group)
{
	uint8_t in[576];

	for (int t = 0; t < TRIES; t++) {
		(void)msl_udp_send(fd, pkt, len, server, port);
		uint64_t deadline = msl_now_ns() + RETRY_MS * 1000000ull;
		while (msl_wait_fd(fd, POLLIN, msl_ms_until(deadline)) > 0) {
			struct msl_nbns_response r;
			struct msl_nbns_addr a;
			ssize_t n = msl_udp_recv(fd, in, sizeof in);
			/* Only the answer to our question counts. */
			if (n <= 0 || msl_nbns_response_parse(in, (size_t)n, &r) != MSL_PE_OK ||
			    r.nr_trn_id != id || msl_nbname_casecmp(&r.nr_name, nb) != 0)
				continue;
			if (r.nr_rcode != 0 || r.nr_naddr == 0)
				return MSL_WINS_NO_NAME;
			if (msl_nbns_response_addr(&r, 0, &a) != MSL_PE_OK)
				continue;
			*ip = htonl(a.na_ip);
			*group = (a.na_flags & MSL_NBNS_NB_GROUP) != 0;
			return MSL_WINS_FOUND;
		}
	}
	return MSL_WINS_NO_SERVER;
}

enum msl_wins_answer
msl_net_wins_query(const struct msl_netconf *c, const char *name, uint8_t suffix, uint32_t *ip,
    int *group)
{
	enum msl_wins_answer ans = MSL_WINS_NO_SERVER;
	struct msl_nbns_query q;
	struct msl_nbname nb;
	uint8_t pkt[MSL_NBNAME_WIRE_MAX + 64];
	size_t len;
	uint16_t id, port;
	int fd;

	if (c->nwins == 0 || msl_nbname_make(&nb, name, suffix, NULL) != MSL_PE_OK)
		return MSL_WINS_NO_SERVER;
	/* An unpredictable NAME_TRN_ID makes a forged answer a guess. */
	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
		id = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	/* RFC 1002 §4.2.12: a query to the name server has RD set, B clear. */
	msl_nbns_query_init(&q, id, &nb, 0);
	if (msl_nbns_query_build(&q, pkt, sizeof pkt, &len) != MSL_PE_OK ||
	    (fd = msl_udp_open(&port)) < 0)
		return MSL_WINS_NO_SERVER;
	for (unsigned i = 0; i < c->nwins && i < MSL_NET_MAX_WINS && ans == MSL_WINS_NO_SERVER; i++)
		ans = ask_one(fd, c->wins[i], c->ns_port ? c->ns_port : MSL_NBNS_PORT, pkt, len, id, &nb,
		    ip, group);
	close(fd);
	return ans;
}
