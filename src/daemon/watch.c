/* SPDX-License-Identifier: MIT */
/*
 * watch.c - mailslotd's readiness set: the epoll set and the signal
 * descriptor, and adding a descriptor to the set.  Handlers that accept
 * new descriptors (control.c) add them here; loop.c waits on the set.
 * Kept apart from the loop, which calls the handlers, so that no handler
 * has to call back into the loop's file.
 */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "daemon.h"

int
msld_loop_open(struct msld *d)
{
	sigset_t sigs;

	/* Signals arrive as records on a descriptor, between events, so no
	 * handler ever runs inside a delivery. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if ((d->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (d->sig.fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return -1;
	return 0;
}

int
msld_watch_add(struct msld *d, struct msld_watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}
