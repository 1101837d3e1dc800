/*
 * client.h - the client handle, shared by the local (client.c) and the
 * network (remote.c) write paths.
 */
#ifndef MSL_CLIENT_H
#define MSL_CLIENT_H

#include "core.h"

struct mailslot_client {
	pthread_mutex_t mu;
	mailslot_name name;
	int remote;         /* 1: a \\host, \\domain or \\* name (remote.c) */
	/* Local. */
	int ctrl;           /* control socket: notices, and EOF = gone    */
	int wr, rd;         /* the message pipe; rd is kept, see open     */
	uint32_t max;       /* the server's max message size (0 = any)    */
	int full;           /* the server said it is over quota           */
	/* The server's live page (live.h), or NULL: then ctrl is polled. */
	unsigned char *live;
	size_t live_len;
	const uint64_t *live_word;
	uint64_t live_gen;
	mailslot_err broken;/* a permanent error, once one happened       */
	/* Remote state belongs to remote.c. */
	void *net;
};

mailslot_err msl_remote_open(const mailslot_name *n, mailslot_client **out);
mailslot_err msl_remote_write(mailslot_client *c, const void *data, size_t len);
void msl_remote_close(mailslot_client *c);

#endif /* MSL_CLIENT_H */
