/*
 * loop.c - mailslotd's event loop: one epoll set over the UDP sockets,
 * the control socket and its clients, the outbox and a signalfd, served
 * by one thread.  Each handler does a bounded amount of work, so no
 * source can starve the others.
 */
#include <errno.h>
#include <signal.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "daemon.h"

/* Events taken per epoll_wait. */
#define EVENTS 16

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

/* on_signal returns 1 when the signal says stop. */
static int
on_signal(struct msld *d)
{
	struct signalfd_siginfo si = { 0 };

	if (read(d->sig.fd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	if (si.ssi_signo == SIGHUP) {
		/* The sockets stay open: a reload loses no datagram. */
		if (d->reload != NULL)
			d->reload(d);
		return 0;
	}
	msld_log(d, MSL_LOG_INFO, "event=stop signal=%u", si.ssi_signo);
	msld_notify("STOPPING=1");
	return 1;
}

/* dispatch serves one ready descriptor; returns 1 to stop. */
static int
dispatch(struct msld *d, struct msld_watch *w)
{
	switch (w->tag) {
	case MSLD_T_DGM:
		msld_on_datagrams(d);
		break;
	case MSLD_T_NS:
		msld_on_names(d);
		break;
	case MSLD_T_LISTEN:
		msld_on_accept(d);
		break;
	case MSLD_T_CLIENT:
		msld_on_client(d, w);
		break;
	case MSLD_T_OUTBOX:
		msld_on_outbox(d);
		break;
	case MSLD_T_SIGNAL:
		return on_signal(d);
	}
	return 0;
}

int
msld_run(struct msld *d)
{
	for (;;) {
		struct epoll_event ev[EVENTS];
		int n = epoll_wait(d->epfd, ev, EVENTS, -1);
		if (n < 0 && errno != EINTR)
			return EX_OSERR;
		for (int i = 0; i < n; i++)
			if (dispatch(d, ev[i].data.ptr))
				return EX_OK;
	}
}
