/* SPDX-License-Identifier: MIT */
/*
 * posix_poll.c - time, descriptors and readiness for platform.h: the
 * monotonic clock, poll(2) on one descriptor, pipes, eventfd counters and
 * epoll sets.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "platform.h"

/* epoll_wait fills at most this many events per call here. */
#define MSL_POLL_BATCH 256

uint64_t
msl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

int
msl_pipe(int p[2], size_t size)
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	(void)fcntl(p[1], F_SETPIPE_SZ, (int)size);
	return 0;
}

/*
 * Whether pipe reads honour RWF_NOWAIT (pipes have FMODE_NOWAIT since
 * Linux 5.x): probed once on a pipe of our own, empty, whose description
 * is left blocking.  1 yes, 0 no.
 */
static int msl_nowait_ok;
static pthread_once_t msl_nowait_once = PTHREAD_ONCE_INIT;

static void
msl_nowait_probe(void)
{
	int p[2];
	char b;
	struct iovec v = { &b, 1 };

	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	msl_nowait_ok = preadv2(p[0], &v, 1, -1, RWF_NOWAIT) < 0 && errno == EAGAIN;
	close(p[0]);
	close(p[1]);
}

int
msl_pipe_adopt(int fd, int *out)
{
	struct stat st;
	char path[64];

	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		errno = EBADF;
		return -1;
	}
	pthread_once(&msl_nowait_once, msl_nowait_probe);
	if (msl_nowait_ok) {
		*out = fd;
		return 0;
	}
	/* Opening a pipe's /proc entry makes a new description of the same
	 * pipe, with flags that only we hold. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int nfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (nfd < 0 || fstat(nfd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		if (nfd >= 0)
			close(nfd);
		errno = EOPNOTSUPP;
		return -1;
	}
	*out = nfd;
	return 0;
}

ssize_t
msl_pipe_read(int fd, void *buf, size_t len)
{
	struct iovec v = { buf, len };

	if (!msl_nowait_ok)
		return read(fd, buf, len); /* our own description: see msl_pipe_adopt */
	return preadv2(fd, &v, 1, -1, RWF_NOWAIT);
}

int
msl_event_open(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int
msl_event_set(int fd)
{
	uint64_t v = 1;
	return write(fd, &v, sizeof v) == (ssize_t)sizeof v ? 0 : -1;
}

int
msl_event_clear(int fd)
{
	uint64_t v;
	return read(fd, &v, sizeof v) == (ssize_t)sizeof v ? 0 : -1;
}

static uint32_t
msl_to_epoll(uint32_t ev)
{
	return ((ev & MSL_POLL_IN) ? EPOLLIN : 0) | ((ev & MSL_POLL_HUP) ? EPOLLRDHUP : 0) |
	    ((ev & MSL_POLL_ONESHOT) ? EPOLLONESHOT : 0);
}

int
msl_pollset_open(void)
{
	return epoll_create1(EPOLL_CLOEXEC);
}

int
msl_pollset_add(int set, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = msl_to_epoll(events), .data.ptr = ptr };
	return epoll_ctl(set, EPOLL_CTL_ADD, fd, &ev);
}

int
msl_pollset_mod(int set, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = msl_to_epoll(events), .data.ptr = ptr };
	return epoll_ctl(set, EPOLL_CTL_MOD, fd, &ev);
}

void
msl_pollset_del(int set, int fd)
{
	(void)epoll_ctl(set, EPOLL_CTL_DEL, fd, NULL);
}

int
msl_pollset_wait(int set, msl_pollev *out, int max, int timeout_ms)
{
	struct epoll_event ev[MSL_POLL_BATCH];
	int n = epoll_wait(set, ev, max < MSL_POLL_BATCH ? max : MSL_POLL_BATCH, timeout_ms);

	for (int i = 0; i < n; i++) {
		out[i].ptr = ev[i].data.ptr;
		out[i].events = ((ev[i].events & (EPOLLIN | EPOLLERR)) ? MSL_POLL_IN : 0) |
		    ((ev[i].events & (EPOLLRDHUP | EPOLLHUP)) ? MSL_POLL_HUP : 0);
	}
	return n < 0 ? 0 : n;
}
