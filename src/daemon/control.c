/* SPDX-License-Identifier: MIT */
/*
 * control.c - the daemon's local control socket (ctl.h): `mailslot stats`
 * and mailslot_daemon_stats read the counters, writers ask the node's
 * name and ports.  Each client is one SEQPACKET connection, one request
 * record and one reply record at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../core/ctl.h"
#include "../platform/platform.h"
#include "daemon.h"

/* Connections waiting for accept(); the client table bounds the rest. */
#define LISTEN_BACKLOG 64

static const char *const counter_names[] = {
#define MSLD_NAME_(n) #n,
	MSLD_COUNTERS(MSLD_NAME_)
#undef MSLD_NAME_
};

int
msld_control_listen(struct msld *d)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd;

	if (msl_abstract_addr(MSL_CTL_TAIL, &sa, &sl) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* Listening as root, before dropping it, is what lets the library
	 * trust this daemon (msl_daemon_proven). */
	if (bind(fd, (struct sockaddr *)&sa, sl) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start socket=@%s reason=\"cannot listen: %s%s\"",
		    sa.sun_path + 1, strerror(errno),
		    errno == EADDRINUSE ? " (another mailslotd runs in this network namespace)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* stats_text writes the counters as "name value\n" lines. */
static size_t
stats_text(const struct msld *d, char *buf, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < MSLD_C_COUNT && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s %llu\n", counter_names[i],
		    (unsigned long long)d->stats.n[i]);
	/* The reasons msl_mdgm_parse gives, TRUNCATED to BADOFFSET in the
	 * codec's table; the others belong to builders and the name service. */
	for (int i = MSL_PE_TRUNCATED; i <= MSL_PE_BADOFFSET && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "drop_%s %llu\n", msl_perr_str((msl_perr)i),
		    (unsigned long long)d->stats.drop_reason[i]);
	return n < cap ? n : cap;
}

/* info_body writes the node's name, workgroup and ports. */
static size_t
info_body(const struct msld *d, uint8_t *out)
{
	struct msl_ctl_info info;

	memset(&info, 0, sizeof info);
	memcpy(info.name, d->conf.name, sizeof info.name);
	memcpy(info.workgroup, d->conf.workgroup, sizeof info.workgroup);
	info.port = d->conf.port;
	info.ns_port = d->conf.ns_port;
	snprintf(info.outbox, sizeof info.outbox, "%s", mailslot_server_name(d->outbox));
	memcpy(out, &info, sizeof info);
	return sizeof info;
}

static void
client_close(struct msld *d, struct msld_watch *w)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	w->fd = -1;
}

void
msld_on_client(struct msld *d, struct msld_watch *w)
{
	uint8_t in[MSL_CTL_MAX + 1];
	uint8_t out[sizeof(struct msl_ctl_rep) + MSL_CTL_REPLY_MAX];
	struct msl_ctl_req req;
	struct msl_ctl_rep rep = { MSL_CTL_MAGIC, MAILSLOT_OK };
	size_t body = 0;
	ssize_t n = recv(w->fd, in, sizeof in, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < (ssize_t)sizeof req) {
		client_close(d, w);
		return;
	}
	d->stats.n[MSLD_C_ctl_requests]++;
	memcpy(&req, in, sizeof req);
	if (req.magic != MSL_CTL_MAGIC || n > (ssize_t)MSL_CTL_MAX)
		rep.status = MAILSLOT_E_PROTO;
	else if (req.op == MSL_CTL_STATS)
		body = stats_text(d, (char *)out + sizeof rep, MSL_CTL_REPLY_MAX);
	else if (req.op == MSL_CTL_INFO)
		body = info_body(d, out + sizeof rep);
	else
		rep.status = MAILSLOT_E_NOTSUP;
	memcpy(out, &rep, sizeof rep);
	if (send(w->fd, out, sizeof rep + body, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		client_close(d, w);
}

/* place says where a new control client of uid may go: a free slot, or
 * -1 when the table is full or uid holds its share of it already. */
static int
place(const struct msld *d, uid_t uid, const char **why)
{
	int free_slot = -1, held = 0;

	for (int i = 0; i < MSLD_CLIENTS; i++) {
		if (d->clients[i].fd < 0) {
			if (free_slot < 0)
				free_slot = i;
		} else if (d->client_uid[i] == uid) {
			held++;
		}
	}
	*why = held >= MSLD_CLIENTS_PER_UID ? "too many control clients of this user"
	    : "too many control clients";
	return held >= MSLD_CLIENTS_PER_UID ? -1 : free_slot;
}

void
msld_on_accept(struct msld *d)
{
	for (;;) {
		int fd = accept4(d->listen.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		const char *why;
		pid_t pid;
		uid_t uid;
		gid_t gid;
		int i;
		if (fd < 0)
			return;
		/* The table, and each user's share of it, bound what local
		 * clients can make us hold. */
		if (msl_peer_cred(fd, &pid, &uid, &gid) == 0) {
			i = place(d, uid, &why);
		} else {
			uid = (uid_t)-1;
			why = "no peer credentials";
			i = -1;
		}
		if (i < 0) {
			msld_log(d, MSL_LOG_WARN, "event=refuse client=control uid=%u reason=\"%s\"",
			    (unsigned)uid, why);
			close(fd);
			continue;
		}
		d->clients[i] = (struct msld_watch){ MSLD_T_CLIENT, fd };
		d->client_uid[i] = uid;
		if (msld_watch_add(d, &d->clients[i]) != 0) {
			close(fd);
			d->clients[i].fd = -1;
		}
	}
}
