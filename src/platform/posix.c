/*
 * posix.c - Linux/POSIX implementation of platform.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

uint64_t
msl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

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

ssize_t
msl_send_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (fd >= 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r;
}

ssize_t
msl_recv_fd(int sock, void *buf, size_t len, int *fd, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t r;

	*fd = -1;
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
			/* Keep the first descriptor; a peer sending more is misbehaving. */
			if (*fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
	return r;
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

int
msl_ms_until(uint64_t deadline_ns)
{
	uint64_t now = msl_now_ns();
	if (deadline_ns == UINT64_MAX)
		return -1;
	if (deadline_ns <= now)
		return 0;
	uint64_t ms = (deadline_ns - now + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

int
msl_wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (r == 0 ? 0 : p.revents);
}
