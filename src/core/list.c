/*
 * list.c - enumerating the live local mailslots.
 *
 * The abstract socket table in /proc/net/unix is the registry: every
 * listening "@mailslot/<namespace>/<hash>" socket is a live mailslot.  Each
 * one is asked who it is with an INFO handshake, which also filters out
 * sockets that are on their way out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "local.h"

static int
msl_list_one(const char *hex, mailslot_list_cb cb, void *arg)
{
	msl_ack_live al;
	int fd, lfd, stop;
	mailslot_entry e;
	pid_t pid;
	uid_t uid;
	gid_t gid;

	/* The key is unknown here; the server answers INFO regardless and
	 * reports NOTFOUND only for a key mismatch, so send none.  A mailslot
	 * on its way out fails the handshake and is skipped. */
	if (msl_hello_call(hex, "", MSL_ROLE_INFO, -1, &fd, &al, &lfd) != MAILSLOT_OK)
		return 0;
	if (lfd >= 0)
		close(lfd);
	/*
	 * The owner is who called listen() on the name, as the kernel recorded
	 * it (SO_PEERCRED), not what the server says about itself: a nobody
	 * mailslot could claim root.  Without that record the entry is left
	 * out rather than shown unverified.
	 */
	int known = msl_peer_cred(fd, &pid, &uid, &gid) == 0;
	close(fd);
	if (!known)
		return 0;
	memset(&e, 0, sizeof e);
	al.ack.path[sizeof al.ack.path - 1] = '\0';
	snprintf(e.name, sizeof e.name, "\\\\.\\mailslot\\%s", al.ack.path);
	e.pid = pid;
	e.uid = uid;
	e.count = al.ack.count;
	e.max_message_size = al.ack.max_message_size;
	e.access = (mailslot_access)al.ack.access;
	e.flags = al.ack.flags;
	stop = cb(&e, arg);
	return stop;
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
