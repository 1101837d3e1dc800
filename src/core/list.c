/* SPDX-License-Identifier: MIT */
/*
 * list.c - enumerating the live local mailslots.
 *
 * The abstract socket table in /proc/net/unix is the registry: every
 * listening "@mailslot/<namespace>/<hash>" socket is a live mailslot.  Each
 * one is asked who it is with an INFO handshake, which also filters out
 * sockets that are on their way out.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../platform/platform.h"
#include "local.h"

/*
 * msl_list_silent reports a mailslot whose owner holds the name but did
 * not answer (stopped, or stuck): the socket's peer credentials still say
 * who it is, so the listing shows it rather than silently leaving out a
 * name that mailslot_create says is taken.
 */
static int
msl_list_silent(const char *hex, mailslot_list_cb cb, void *arg)
{
	mailslot_entry e;
	gid_t gid;
	int fd;

	memset(&e, 0, sizeof e);
	/* Non-blocking: a full listen queue must not hold the listing. */
	if (msl_connect_abstract(hex, 1, &fd) != 0)
		return 0;
	int r = msl_peer_cred(fd, &e.pid, &e.uid, &gid);
	close(fd);
	if (r != 0)
		return 0;
	e.gid = gid;
	e.state = MAILSLOT_ENTRY_NOT_ANSWERING;
	return cb(&e, arg);
}

static int
msl_list_one(const char *hex, mailslot_list_cb cb, void *arg)
{
	msl_ack_live al;
	msl_ack_info ai;
	int fd, lfd;
	mailslot_entry e;
	mailslot_err err;
	pid_t pid;
	uid_t uid;
	gid_t gid;

	/* The key is unknown here; the server answers INFO regardless and
	 * reports NOTFOUND only for a key mismatch, so send none.  A mailslot
	 * on its way out fails the handshake and is skipped. */
	if ((err = msl_hello_call(hex, "", MSL_ROLE_INFO, -1, &fd, &al, &lfd)) != MAILSLOT_OK)
		return err == MAILSLOT_E_TIMEOUT ? msl_list_silent(hex, cb, arg) : 0;
	if (lfd >= 0)
		close(lfd);
	/*
	 * The owner is who called listen() on the name, as the kernel recorded
	 * it (SO_PEERCRED), not what the server says about itself: a nobody
	 * mailslot could claim root.  Without that record the entry is left
	 * out rather than shown unverified.
	 */
	if (msl_peer_cred(fd, &pid, &uid, &gid) != 0) {
		close(fd);
		return 0;
	}
	memset(&e, 0, sizeof e);
	/* The details follow the ack at once (the server sends both, then
	 * closes); a server without them gives zeros. */
	if (msl_wait_fd(fd, POLLIN, 1000) > 0 && recv(fd, &ai, sizeof ai, MSG_DONTWAIT) == (ssize_t)sizeof ai &&
	    ai.magic == MSL_MAGIC) {
		e.gid = ai.gid;
		e.writers = ai.writers;
		e.queued_bytes = ai.queued_bytes;
		e.quota_bytes = ai.quota_bytes;
		e.quota_messages = ai.quota_messages;
	}
	close(fd);
	al.ack.path[sizeof al.ack.path - 1] = '\0';
	snprintf(e.name, sizeof e.name, "\\\\.\\mailslot\\%s", al.ack.path);
	e.pid = pid;
	e.uid = uid;
	e.count = al.ack.count;
	e.max_message_size = al.ack.max_message_size;
	e.access = (mailslot_access)al.ack.access;
	e.flags = al.ack.flags;
	return cb(&e, arg);
}

mailslot_err
mailslot_list(mailslot_list_cb cb, void *arg)
{
	char prefix[128], line[512];
	FILE *f;
	int pl;

	if (cb == NULL)
		return MAILSLOT_E_INVAL;
	if ((pl = msl_abstract_prefix(prefix, sizeof prefix)) < 0)
		return MAILSLOT_E_INVAL;
	if ((f = fopen("/proc/net/unix", "re")) == NULL)
		return msl_sys_err(errno);
	while (fgets(line, sizeof line, f) != NULL) {
		/* Num RefCount Protocol Flags Type St Inode Path; listening = 01. */
		char path[256];
		unsigned flags, type, st;
		if (sscanf(line, "%*s %*s %*s %x %x %x %*s %255s", &flags, &type, &st, path) != 4)
			continue;
		if (!(flags & 0x10000) || strncmp(path, prefix, (size_t)pl) != 0)
			continue;
		if (strlen(path + pl) != 32)
			continue;
		if (msl_list_one(path + pl, cb, arg))
			break;
	}
	fclose(f);
	return MAILSLOT_OK;
}
