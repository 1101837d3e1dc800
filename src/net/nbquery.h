/* SPDX-License-Identifier: MIT */
/*
 * nbquery.h - asking the NetBIOS name service from a client: a name query
 * (RFC 1002 §4.2.12) or a node status request (§4.2.17), broadcast or to
 * one node or name server, and the answers that come back (names,
 * issue 13: `mailslot lookup`).
 *
 * A query owns one UDP socket on an ephemeral port and a random
 * NAME_TRN_ID; only answers carrying that id, for the name asked, count.
 * Nothing here blocks except msl_nbq_next, which waits at most until its
 * deadline.  A query is used by one thread at a time.
 */
#ifndef MSL_NBQUERY_H
#define MSL_NBQUERY_H

#include <stdint.h>

#include "msl_nbns.h"

/* The longest answer read: a node status answer of 255 names needs
 * 12 + 255 + 10 + 1 + 255 * 18 + 46 bytes. */
#define MSL_NBQ_ANSWER_MAX 5000

struct msl_nbq {
	int fd;
	uint16_t trn_id;
	int status;                /* node status rather than NB        */
	struct msl_nbname name;    /* what is asked                     */
};

/* One answer.  For a name query, r is the response (its address views
 * point into raw); for a node status request, s (likewise). */
struct msl_nbq_answer {
	uint32_t from;             /* who answered, network order       */
	struct msl_nbns_response r;
	struct msl_nbns_status s;
	uint8_t raw[MSL_NBQ_ANSWER_MAX];
};

/*
 * msl_nbq_open prepares a query for name: a node status request when
 * status is set, else a name query.  Returns 0, or -1 with errno set when
 * no socket can be made.
 */
int msl_nbq_open(struct msl_nbq *q, const struct msl_nbname *name, int status);

/*
 * msl_nbq_send sends the question to ip:port (network order address,
 * host order port).  broadcast sets B (RFC 1002 §4.2.12); recursion sets
 * RD, as a name server wants it (a node status request has neither,
 * §4.2.17).  Returns 0, or -1 with errno.
 */
int msl_nbq_send(struct msl_nbq *q, uint32_t ip, uint16_t port, int broadcast, int recursion);

/*
 * msl_nbq_next waits until deadline_ns (msl_now_ns clock) for the next
 * answer to q and fills a.  Returns 1 for a positive answer, 2 for a
 * negative name query answer (a->r.nr_rcode says why), 0 when the deadline
 * passed, -1 on a socket error.  Other traffic is skipped.
 */
int msl_nbq_next(struct msl_nbq *q, uint64_t deadline_ns, struct msl_nbq_answer *a);

/* msl_nbq_close closes the query's socket. */
void msl_nbq_close(struct msl_nbq *q);

#endif /* MSL_NBQUERY_H */
