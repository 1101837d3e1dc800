/* SPDX-License-Identifier: MIT */
/*
 * posix_poll.c - time, descriptors and readiness for platform.h: the
 * monotonic clock, poll(2) on one descriptor, eventfd counters and epoll
 * sets.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

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
