/* SPDX-License-Identifier: MIT */
/*
 * posix_sock.c - local sockets for platform.h: abstract AF_UNIX names,
 * listening and connecting, descriptor passing and peer credentials.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"

static const char *
msl_namespace(void)
{
	const char *ns = getenv("MAILSLOT_NAMESPACE");
	return (ns != NULL && *ns != '\0') ? ns : "default";
}

int
msl_abstract_prefix(char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "@mailslot/%s/", msl_namespace());
	return (n < 0 || (size_t)n >= cap) ? -1 : n;
}

int
msl_abstract_addr(const char *tail, struct sockaddr_un *sa, socklen_t *len)
{
	char buf[sizeof sa->sun_path + 1];
	int n = msl_abstract_prefix(buf, sizeof buf);
	size_t tl = strlen(tail);

	if (n < 0 || (size_t)n + tl > sizeof sa->sun_path)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	/* The leading NUL (shown as '@') puts the name in the abstract namespace. */
	memcpy(sa->sun_path + 1, buf + 1, (size_t)n - 1);
	memcpy(sa->sun_path + n, tail, tl);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + tl);
	return 0;
}

/* msl_abstract_socket makes a SEQPACKET socket and the address of tail. */
static int
msl_abstract_socket(const char *tail, int flags, struct sockaddr_un *sa, socklen_t *sl)
{
	if (msl_abstract_addr(tail, sa, sl) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | flags, 0);
}

/* msl_sock_done closes fd after a failed call, keeping that call's errno. */
static int
msl_sock_done(int fd)
{
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
msl_listen_abstract(const char *tail, int *fd_out)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd = msl_abstract_socket(tail, SOCK_NONBLOCK, &sa, &sl);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sl) != 0 || listen(fd, SOMAXCONN) != 0)
		return msl_sock_done(fd);
	*fd_out = fd;
	return 0;
}

int
msl_connect_abstract(const char *tail, int nonblock, int *fd_out)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd = msl_abstract_socket(tail, nonblock ? SOCK_NONBLOCK : 0, &sa, &sl);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sl) != 0)
		return msl_sock_done(fd);
	*fd_out = fd;
	return 0;
}

int
msl_accept(int listen_fd)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		/* A connection that was reset before we took it is no error. */
		if (fd >= 0 || (errno != EINTR && errno != ECONNABORTED))
			return fd;
	}
}

ssize_t
msl_send_fds(int sock, const void *buf, size_t len, const int *fds, int nfd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(MSL_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int pass[MSL_MAX_FDS], n = 0;
	ssize_t r;

	for (int i = 0; i < nfd && n < MSL_MAX_FDS; i++)
		if (fds[i] >= 0)
			pass[n++] = fds[i];
	if (n > 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(c), pass, (size_t)n * sizeof(int));
	}
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r;
}

ssize_t
msl_recv_fds(int sock, void *buf, size_t len, int *fds, int max, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t r;
	int got = 0;

	for (int i = 0; i < max; i++)
		fds[i] = -1;
	do
		r = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return r;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof f);
			/* Keep what we asked for; a peer sending more is misbehaving. */
			if (got < max)
				fds[got++] = f;
			else
				close(f);
		}
	}
	return r;
}

int
msl_peer_name_is(int sock, const char *tail)
{
	struct sockaddr_un want, got;
	socklen_t wl, gl = sizeof got;

	if (msl_abstract_addr(tail, &want, &wl) != 0 ||
	    getpeername(sock, (struct sockaddr *)&got, &gl) != 0)
		return 0;
	return gl == wl && got.sun_family == AF_UNIX && memcmp(&got, &want, wl) == 0;
}

int
msl_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cr;
	socklen_t l = sizeof cr;
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &l) != 0)
		return -1;
	*pid = cr.pid;
	*uid = cr.uid;
	*gid = cr.gid;
	return 0;
}

int
msl_peer_in_group(int sock, gid_t primary, gid_t gid)
{
	gid_t groups[256];
	socklen_t l = sizeof groups;

	if (primary == gid)
		return 1;
	/* SO_PEERGROUPS (Linux 4.13) lists the peer's supplementary groups. */
	if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, groups, &l) != 0)
		return 0;
	for (size_t i = 0; i < l / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}
