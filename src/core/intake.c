/*
 * intake.c - the per-process intake thread.
 *
 * Writers put frames into pipes of a few hundred KiB.  While the
 * application reads, it drains them itself (server.c).  When it is busy
 * elsewhere, this thread drains them into memory, so that the mailslot
 * holds up to its quota (64 MiB by default) rather than what fits in the
 * kernel's buffers.  It also accepts new writers at once, so that
 * mailslot_open never waits for the application.
 *
 * To stay out of the application's way the thread drains a mailslot only
 * MSL_INTAKE_DELAY after data arrived, and only if nobody drained it in
 * between: a reading application is never competed with, and a busy one
 * delays writers by at most that long.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "server.h"

#define MSL_INTAKE_DELAY_NS 1000000u /* 1 ms */

static pthread_mutex_t msl_g_mu = PTHREAD_MUTEX_INITIALIZER;
static int msl_g_epfd = -1;
static int msl_g_wake = -1;
static struct mailslot_server *msl_g_graveyard; /* closed, to free */
static struct mailslot_server *msl_g_pending;   /* thread-private list */

static void *
msl_tag(void *p, int tag)
{
	return (void *)((uintptr_t)p | (uintptr_t)tag);
}

static void
msl_arm(struct mailslot_server *s, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
		.data.ptr = msl_tag(s, MSL_TAG_SLOT) };
	epoll_ctl(msl_g_epfd, op, s->epfd, &ev);
}

static void
msl_free_graveyard(void)
{
	struct mailslot_server *g;
	pthread_mutex_lock(&msl_g_mu);
	g = msl_g_graveyard;
	msl_g_graveyard = NULL;
	pthread_mutex_unlock(&msl_g_mu);
	while (g != NULL) {
		struct mailslot_server *n = g->intake_next;
		if (g->intake_pending) {
			struct mailslot_server **pp = &msl_g_pending;
			while (*pp != NULL && *pp != g)
				pp = &(*pp)->intake_next_pending;
			if (*pp == g)
				*pp = g->intake_next_pending;
		}
		pthread_mutex_destroy(&g->mu);
		free(g);
		g = n;
	}
}

/* msl_intake_due drains the mailslots whose delay has passed; returns the
 * poll timeout until the next one. */
static int
msl_intake_due(void)
{
	uint64_t now = msl_now_ns(), next = UINT64_MAX;
	struct mailslot_server **pp = &msl_g_pending;
	while (*pp != NULL) {
		struct mailslot_server *s = *pp;
		if (s->intake_deadline > now) {
			if (s->intake_deadline < next)
				next = s->intake_deadline;
			pp = &s->intake_next_pending;
			continue;
		}
		*pp = s->intake_next_pending;
		pthread_mutex_lock(&s->mu);
		s->intake_pending = 0;
		if (!s->closing) {
			if (s->drains == s->intake_drains)
				msl_srv_scan(s);
			msl_arm(s, EPOLL_CTL_MOD);
		}
		pthread_mutex_unlock(&s->mu);
	}
	return next == UINT64_MAX ? -1 : msl_ms_until(next);
}

static void *
msl_intake_main(void *arg)
{
	struct epoll_event ev[64];
	(void)arg;
	for (;;) {
		msl_free_graveyard();
		int timeout = msl_intake_due();
		int n = epoll_wait(msl_g_epfd, ev, 64, timeout);
		for (int i = 0; i < n; i++) {
			uintptr_t u = (uintptr_t)ev[i].data.ptr;
			int tag = (int)(u & 3);
			struct mailslot_server *s = (struct mailslot_server *)(u & ~(uintptr_t)3);
			if (tag == MSL_TAG_WAKE) {
				uint64_t v;
				if (read(msl_g_wake, &v, sizeof v) < 0 && errno != EAGAIN)
					abort();
				continue;
			}
			pthread_mutex_lock(&s->mu);
			if (s->closing) {
				pthread_mutex_unlock(&s->mu);
				continue;
			}
			if (tag == MSL_TAG_LISTEN) {
				msl_srv_accept(s);
			} else if (tag == MSL_TAG_HELLO) {
				msl_srv_hello(s);
			} else if (!s->intake_pending) {
				s->intake_pending = 1;
				s->intake_drains = s->drains;
				s->intake_deadline = msl_now_ns() + MSL_INTAKE_DELAY_NS;
				s->intake_next_pending = msl_g_pending;
				msl_g_pending = s;
			}
			pthread_mutex_unlock(&s->mu);
		}
	}
	return NULL;
}

/*
 * Fork: the child has no intake thread and must not touch the parent's
 * epoll set (an inherited epoll descriptor is the same set), so it forgets
 * both and starts its own thread with its first mailslot.
 */
static void
msl_atfork_prepare(void)
{
	pthread_mutex_lock(&msl_g_mu);
}

static void
msl_atfork_parent(void)
{
	pthread_mutex_unlock(&msl_g_mu);
}

static void
msl_atfork_child(void)
{
	if (msl_g_epfd >= 0)
		close(msl_g_epfd);
	if (msl_g_wake >= 0)
		close(msl_g_wake);
	msl_g_epfd = msl_g_wake = -1;
	msl_g_graveyard = NULL;
	msl_g_pending = NULL;
	pthread_mutex_init(&msl_g_mu, NULL);
}

static pthread_once_t msl_atfork_once = PTHREAD_ONCE_INIT;

static void
msl_atfork_register(void)
{
	pthread_atfork(msl_atfork_prepare, msl_atfork_parent, msl_atfork_child);
}

/* msl_intake_start creates the thread once; called with msl_g_mu held. */
static int
msl_intake_start(void)
{
	pthread_t th;
	pthread_attr_t at;
	sigset_t all, old;
	int rc;

	if (msl_g_epfd >= 0)
		return 0;
	msl_g_epfd = epoll_create1(EPOLL_CLOEXEC);
	msl_g_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (msl_g_epfd < 0 || msl_g_wake < 0)
		goto fail;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = msl_tag(NULL, MSL_TAG_WAKE) };
	if (epoll_ctl(msl_g_epfd, EPOLL_CTL_ADD, msl_g_wake, &ev) != 0)
		goto fail;
	/* The thread must never take the application's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	rc = pthread_create(&th, &at, msl_intake_main, NULL);
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 0;
fail:
	if (msl_g_epfd >= 0)
		close(msl_g_epfd);
	if (msl_g_wake >= 0)
		close(msl_g_wake);
	msl_g_epfd = msl_g_wake = -1;
	return -1;
}

int
msl_intake_add(struct mailslot_server *s)
{
	int rc;
	pthread_once(&msl_atfork_once, msl_atfork_register);
	pthread_mutex_lock(&msl_g_mu);
	rc = msl_intake_start();
	pthread_mutex_unlock(&msl_g_mu);
	if (rc != 0)
		return -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = msl_tag(s, MSL_TAG_LISTEN) };
	if (epoll_ctl(msl_g_epfd, EPOLL_CTL_ADD, s->listen, &ev) != 0)
		return -1;
	msl_arm(s, EPOLL_CTL_ADD);
	return 0;
}

int
msl_intake_watch_hello(msl_conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
		.data.ptr = msl_tag(c->srv, MSL_TAG_HELLO) };
	return epoll_ctl(msl_g_epfd, EPOLL_CTL_ADD, c->ctrl, &ev);
}

void
msl_intake_unwatch_hello(msl_conn *c)
{
	epoll_ctl(msl_g_epfd, EPOLL_CTL_DEL, c->ctrl, NULL);
}

void
msl_intake_retire(struct mailslot_server *s)
{
	uint64_t one = 1;
	pthread_mutex_lock(&msl_g_mu);
	s->intake_next = msl_g_graveyard;
	msl_g_graveyard = s;
	pthread_mutex_unlock(&msl_g_mu);
	if (write(msl_g_wake, &one, sizeof one) < 0)
		return; /* the counter is saturated: the thread is awake anyway */
}
