/* SPDX-License-Identifier: MIT */
/*
 * nbquery.c - a client's name query and node status request, and their
 * answers (nbquery.h).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "../platform/platform.h"
#include "nbquery.h"

int
msl_nbq_open(struct msl_nbq *q, const struct msl_nbname *name, int status)
{
	uint16_t port;

	memset(q, 0, sizeof *q);
	/* An unpredictable NAME_TRN_ID makes a forged answer a guess. */
	if (getrandom(&q->trn_id, sizeof q->trn_id, GRND_NONBLOCK) != (ssize_t)sizeof q->trn_id)
		q->trn_id = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	q->status = status;
	q->name = *name;
	q->fd = msl_udp_open(&port);
	return q->fd < 0 ? -1 : 0;
}

int
msl_nbq_send(struct msl_nbq *q, uint32_t ip, uint16_t port, int broadcast, int recursion)
{
	struct msl_nbns_query nq;
	uint8_t pkt[MSL_NBNS_HDR_LEN + MSL_NBNAME_WIRE_MAX + 4];
	size_t len;

	if (q->status) {
		msl_nbns_status_query_init(&nq, q->trn_id, &q->name);
	} else {
		msl_nbns_query_init(&nq, q->trn_id, &q->name, broadcast);
		/* RFC 1002 §4.2.12 draws RD set; a B-node broadcast does not
		 * need it, a name server does (§4.2.1.1). */
		if (!recursion)
			nq.nq_flags &= (uint16_t)~MSL_NBNS_F_RD;
	}
	if (msl_nbns_query_build(&nq, pkt, sizeof pkt, &len) != MSL_PE_OK) {
		errno = EINVAL;
		return -1;
	}
	return msl_udp_send(q->fd, pkt, len, ip, port);
}

/* matches checks that a received packet answers q; 1 positive, 2
 * negative, 0 not an answer to q. */
static int
matches(const struct msl_nbq *q, struct msl_nbq_answer *a, size_t n)
{
	if (q->status)
		return msl_nbns_status_parse(a->raw, n, &a->s) == MSL_PE_OK &&
		    a->s.ns_trn_id == q->trn_id;
	if (msl_nbns_response_parse(a->raw, n, &a->r) != MSL_PE_OK || a->r.nr_trn_id != q->trn_id ||
	    msl_nbname_casecmp(&a->r.nr_name, &q->name) != 0)
		return 0;
	return a->r.nr_rcode == 0 ? 1 : 2;
}

int
msl_nbq_next(struct msl_nbq *q, uint64_t deadline_ns, struct msl_nbq_answer *a)
{
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		int w = msl_wait_fd(q->fd, POLLIN, msl_ms_until(deadline_ns));
		if (w < 0)
			return -1;
		if (w == 0)
			return 0;
		ssize_t n = recvfrom(q->fd, a->raw, sizeof a->raw, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		int m = matches(q, a, (size_t)n);
		if (m != 0) {
			a->from = from.sin_addr.s_addr;
			return m;
		}
	}
}

void
msl_nbq_close(struct msl_nbq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}
