/* SPDX-License-Identifier: MIT */
/*
 * daemonctl.c - the library's client of mailslotd's control socket, and
 * the public mailslot_daemon_stats built on it.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../platform/platform.h"
#include "ctl.h"
#include "daemonctl.h"

/* The daemon answers at once; the bound only guards against one that is
 * stopped. */
#define CTL_REPLY_WAIT_MS 5000

mailslot_err
msl_ctl_open(int *fdp)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd;

	if (msl_abstract_addr(MSL_CTL_TAIL, &sa, &sl) != 0)
		return MAILSLOT_E_INVAL;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return MAILSLOT_E_SYS;
	if (connect(fd, (struct sockaddr *)&sa, sl) != 0) {
		close(fd);
		return MAILSLOT_E_NODAEMON;
	}
	*fdp = fd;
	return MAILSLOT_OK;
}

/* ctl_put sends one request record: the header, then extra. */
static int
ctl_put(int fd, uint32_t op, const void *extra, size_t extralen)
{
	struct msl_ctl_req req = { MSL_CTL_MAGIC, op };
	uint8_t out[MSL_CTL_MAX];

	if (sizeof req + extralen > sizeof out)
		return -1;
	memcpy(out, &req, sizeof req);
	if (extralen)
		memcpy(out + sizeof req, extra, extralen);
	return send(fd, out, sizeof req + extralen, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

mailslot_err
msl_ctl_request(int fd, uint32_t op, const void *extra, size_t extralen,
    void *body, size_t bodycap, size_t *bodylen)
{
	struct msl_ctl_rep rep;
	uint8_t in[sizeof(struct msl_ctl_rep) + MSL_CTL_REPLY_MAX];
	ssize_t r;

	if (sizeof(struct msl_ctl_req) + extralen > MSL_CTL_MAX)
		return MAILSLOT_E_INVAL;
	if (ctl_put(fd, op, extra, extralen) != 0 ||
	    msl_wait_fd(fd, POLLIN, CTL_REPLY_WAIT_MS) <= 0 ||
	    (r = recv(fd, in, sizeof in, 0)) < (ssize_t)sizeof rep)
		return MAILSLOT_E_NODAEMON;
	memcpy(&rep, in, sizeof rep);
	if (rep.magic != MSL_CTL_MAGIC)
		return MAILSLOT_E_PROTO;
	size_t n = (size_t)r - sizeof rep;
	if (n > bodycap)
		n = bodycap;
	if (body && n)
		memcpy(body, in + sizeof rep, n);
	if (bodylen)
		*bodylen = n;
	return (mailslot_err)rep.status;
}

int
msl_daemon_proof(void)
{
	int fd;

	/* Non-blocking: a full backlog fails at once (EAGAIN), it never waits. */
	if (msl_connect_abstract(MSL_CTL_TAIL, 1, &fd) != 0)
		return -1;
	return fd;
}

int
msl_daemon_proven(int proof, pid_t pid, uid_t *uid)
{
	pid_t lpid;
	gid_t gid;

	/*
	 * The kernel fixed both facts when the proof connected: the name its
	 * peer is bound to, and who called listen() on it (SO_PEERCRED).  A
	 * process that is not the daemon can pass a socket connected to the
	 * daemon, but the listener's pid is then not its own.
	 */
	if (!msl_peer_name_is(proof, MSL_CTL_TAIL) || msl_peer_cred(proof, &lpid, uid, &gid) != 0 ||
	    lpid != pid)
		return -1;
	return 0;
}

mailslot_err
msl_daemon_info(struct msl_ctl_info *info, pid_t *pid)
{
	uid_t uid;
	gid_t gid;
	size_t got = 0;
	int fd;
	mailslot_err e = msl_ctl_open(&fd);

	if (e != MAILSLOT_OK)
		return e;
	/* One connection answers both questions: who listens, and what. */
	if (msl_peer_cred(fd, pid, &uid, &gid) != 0 || (uid != 0 && uid != getuid()))
		e = MAILSLOT_E_ACCESS;
	else if ((e = msl_ctl_request(fd, MSL_CTL_INFO, NULL, 0, info, sizeof *info, &got)) ==
	    MAILSLOT_OK && got != sizeof *info)
		e = MAILSLOT_E_PROTO;
	close(fd);
	return e;
}

mailslot_err
msl_ctl_call(uint32_t op, const void *extra, size_t extralen, void *body,
    size_t bodycap, size_t *bodylen)
{
	int fd;
	mailslot_err e = msl_ctl_open(&fd);

	if (e != MAILSLOT_OK)
		return e;
	e = msl_ctl_request(fd, op, extra, extralen, body, bodycap, bodylen);
	close(fd);
	return e;
}

mailslot_err
mailslot_daemon_stats(mailslot_stat_cb cb, void *arg)
{
	char text[MSL_CTL_REPLY_MAX + 1];
	size_t n = 0;
	mailslot_err e;

	if (cb == NULL)
		return MAILSLOT_E_INVAL;
	e = msl_ctl_call(MSL_CTL_STATS, NULL, 0, text, sizeof text - 1, &n);
	if (e != MAILSLOT_OK)
		return e;
	text[n] = '\0';
	/* The body is "name value\n" lines. */
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp == NULL)
			return MAILSLOT_E_PROTO;
		*sp = '\0';
		if (cb(line, strtoull(sp + 1, NULL, 10), arg) != 0)
			break;
	}
	return MAILSLOT_OK;
}
