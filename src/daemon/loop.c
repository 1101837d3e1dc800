/* SPDX-License-Identifier: MIT */
/*
 * loop.c - mailslotd's event loop: it waits on the set that watch.c makes
 * (the UDP sockets, the control socket and its clients, the outbox and a
 * signalfd) and hands each ready descriptor to its handler, in one thread.  Each handler does a bounded amount of work, so no
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
	case MSLD_T_RELAY:
		msld_on_relay(d, w);
		break;
	case MSLD_T_IFACES:
		msld_on_ifaces(d);
		break;
	case MSLD_T_LAN:
		msld_on_lan(d, w);
		break;
	case MSLD_T_SIGNAL:
		return on_signal(d);
	case MSLD_T_NAMES:
		/* names (issue 13): registration retries. */
		msld_on_name_timer(d);
		break;
	}
	return 0;
}

int
msld_run(struct msld *d)
{
	for (;;) {
		struct epoll_event ev[EVENTS];
		/* Relay opens past their deadline are given up between waits. */
		int n = epoll_wait(d->epfd, ev, EVENTS, msld_relay_expire(d));
		if (n < 0 && errno != EINTR)
			return EX_OSERR;
		for (int i = 0; i < n; i++)
			if (dispatch(d, ev[i].data.ptr))
				return EX_OK;
	}
}
