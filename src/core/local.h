/* SPDX-License-Identifier: MIT */
/*
 * local.h - the writing side of a local mailslot (local.c), for the
 * client dispatcher (client.c), the remote sender's outbox (remote.c) and
 * the listing (list.c).  The relay calls mailslotd uses are in core.h.
 *
 * A client handle writes either to a local mailslot (local.c owns its
 * fields) or, through the network sender, to a \\host, \\domain or \\*
 * name (then only `remote` is used; remote.c owns struct msl_remote).
 */
#ifndef MSL_LOCAL_H
#define MSL_LOCAL_H

#include <pthread.h>

#include "core.h"
#include "live.h"
#include "ring.h"

struct msl_remote;

struct mailslot_client {
	struct msl_remote *remote; /* non-NULL: a network name, nothing else is used */
	pthread_mutex_t mu;
	mailslot_name name;
	int ctrl;           /* control socket: notices, and EOF = gone    */
	msl_ring_w ring;    /* the message ring (ring.h)                  */
	uint32_t max;       /* the server's max message size (0 = any)    */
	uint64_t quota;     /* its quota in bytes: no larger message fits (0: unknown) */
	int full;           /* the server said it is over quota           */
	int share_full;     /* ... or that our user is over its share     */
	msl_live_view live; /* the server's live page, or none: poll ctrl */
	mailslot_err broken;/* a permanent error, once one happened       */
};


/*
 * How long a write may wait for a server that is alive, under quota, but
 * not draining (stopped, or starved of CPU).  Past it the write fails
 * rather than blocking without end.
 */
#define MSL_STALL_TIMEOUT_MS 10000

/*
 * msl_hello_call connects to the mailslot listening on the abstract name
 * `tail` and does the writer's half of the handshake (core.h): a hello
 * for `key` in `role` with ring_fd, the writer's ring, attached (-1: none), then the ack into
 * *al.  On success *sock_out is the control socket and *live_fd the live
 * page that came with the ack, or -1; the caller closes both.  Errors:
 * NOTFOUND (nobody listens, or the server went away), FULL (a relay met
 * a full listen queue), TIMEOUT (no ack in time), PROTO, the ack's own
 * status, or a system error.  Blocks up to the handshake timeout.
 */
mailslot_err msl_hello_call(const char *tail, const char *key, int role, int ring_fd,
    int *sock_out, msl_ack_live *al, int *live_fd);

/*
 * msl_local_write writes one message (with a network origin for a relay,
 * else NULL), waiting up to wait_ms for ring room.  Thread-safe.
 */
mailslot_err msl_local_write(mailslot_client *c, const void *data, size_t len,
    const msl_origin *origin, uint32_t wait_ms);

/*
 * msl_client_open_ring is msl_client_open_role with a ring of ring_cap
 * bytes (ring.h) instead of MSL_RING_CAP: for tests of small rings.
 */
mailslot_err msl_client_open_ring(const mailslot_name *n, int role, size_t ring_cap,
    mailslot_client **out);

/* msl_local_close closes a local client handle and frees it. */
void msl_local_close(mailslot_client *c);

#endif /* MSL_LOCAL_H */
