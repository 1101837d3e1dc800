/* SPDX-License-Identifier: MIT */
/*
 * remote.h - the network sender (remote.c): writes to \\Computer,
 * \\Domain and \\* mailslots as NetBIOS datagrams.
 */
#ifndef MSL_REMOTE_H
#define MSL_REMOTE_H

#include <stddef.h>

#include <mailslot/mailslot.h>

struct msl_remote;

/*
 * msl_remote_open works out where messages for n go (name resolution may
 * block up to about a second, RFC 1002's broadcast query retries) and
 * returns the sender in *out.  Errors: BADNETPATH (nobody resolves the
 * name), NOMEM.
 */
mailslot_err msl_remote_open(const mailslot_name *n, struct msl_remote **out);

/*
 * msl_remote_write sends one message as one datagram (through mailslotd's
 * outbox when a trusted daemon runs).  Errors: BADNETPATH / MSGSIZE (too
 * large for one datagram), NETWORK (no interface took it), and the
 * outbox's errors.  Thread-safe.
 */
mailslot_err msl_remote_write(struct msl_remote *r, const void *data, size_t len);

void msl_remote_close(struct msl_remote *r);

#endif /* MSL_REMOTE_H */
