/* SPDX-License-Identifier: MIT */
/*
 * drain.c - a local mailslot's readiness set, made only while something
 * needs it, and the intake thread's drain policy: when the intake thread
 * moves writers' messages into memory for a busy application.
 */
#include <errno.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "drain.h"
#include "queue.h"

/*
 * The intake thread drains a mailslot's writers only MSL_INTAKE_DELAY_NS
 * after data arrived, and only if nobody drained them in between: a
 * reading application is never competed with, and a busy one delays
 * writers by at most that long.
 */
#define MSL_INTAKE_DELAY_NS 1000000u /* 1 ms */

static void
msl_on_drain_due(void *srv)
{
	struct mailslot_server *s = srv;

	pthread_mutex_lock(&s->mu);
	if (!s->closing && s->w_set != NULL) {
		if (s->drains == s->intake_drains)
			msl_q_scan_full(s);
		msl_intake_rearm(s->w_set);
		msl_rs_trim(s);
	}
	pthread_mutex_unlock(&s->mu);
}

/* msl_on_ready: a writer's channel became readable (a one-shot watch of
 * the readiness set). */
static void
msl_on_ready(void *srv)
{
	struct mailslot_server *s = srv;

	pthread_mutex_lock(&s->mu);
	if (!s->closing && s->w_set != NULL) {
		s->intake_drains = s->drains;
		msl_intake_after(s->w_set, msl_now_ns() + MSL_INTAKE_DELAY_NS, msl_on_drain_due);
	}
	pthread_mutex_unlock(&s->mu);
}

int
msl_rs_need(struct mailslot_server *s)
{
	if (s->epfd >= 0)
		return 0;
	s->epfd = msl_pollset_open();
	if (s->epfd < 0)
		return -1;
	s->w_set = msl_intake_watch(s->epfd, MSL_POLL_IN | MSL_POLL_ONESHOT, msl_on_ready, s);
	if (s->w_set == NULL) {
		close(s->epfd);
		s->epfd = -1;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
msl_rs_trim(struct mailslot_server *s)
{
	if (s->epfd < 0 || s->nrings > 0 || s->pollable || s->inwait > 0)
		return;
	/* A callback of the old watch that is on its way finds w_set NULL
	 * (or a new watch, which it merely re-arms). */
	msl_intake_unwatch(s->w_set);
	s->w_set = NULL;
	if (s->evfd >= 0) {
		close(s->evfd);
		s->evfd = -1;
		s->ev_on = 0;
	}
	close(s->epfd);
	s->epfd = -1;
}
