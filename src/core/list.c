/*
 * list.c - enumerating the live local mailslots.
 *
 * The abstract socket table in /proc/net/unix is the registry: every
 * listening "@mailslot/<namespace>/<hash>" socket is a live mailslot.  Each
 * one is asked who it is with an INFO handshake, which also filters out
 * sockets that are on their way out.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "core.h"

static int
msl_list_one(const char *hex, mailslot_list_cb cb, void *arg)
{
	struct sockaddr_un sa;
	socklen_t sl;
	msl_hello h;
	msl_ack a;
	int fd, stop = 0;

	if (msl_abstract_addr(hex, &sa, &sl) != 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sl) == 0) {
		memset(&h, 0, sizeof h);
		h.magic = MSL_MAGIC;
		h.role = MSL_ROLE_INFO;
		/* The key is unknown here; the server answers INFO regardless and
		 * reports NOTFOUND only for a key mismatch, so send none. */
		if (send(fd, &h, sizeof h, MSG_NOSIGNAL) == (ssize_t)sizeof h &&
		    msl_wait_fd(fd, POLLIN, 2000) > 0 &&
		    recv(fd, &a, sizeof a, 0) == (ssize_t)sizeof a && a.magic == MSL_MAGIC) {
			mailslot_entry e;
			memset(&e, 0, sizeof e);
			a.path[sizeof a.path - 1] = '\0';
			snprintf(e.name, sizeof e.name, "\\\\.\\mailslot\\%s", a.path);
			e.pid = a.pid;
			e.uid = a.uid;
			e.count = a.count;
			e.max_message_size = a.max_message_size;
			e.access = (mailslot_access)a.access;
			e.flags = a.flags;
			stop = cb(&e, arg);
		}
	}
	close(fd);
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
		return MAILSLOT_E_SYS;
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
