/* SPDX-License-Identifier: MIT */
/*
 * intake.c - the per-process intake thread (intake.h): one readiness set,
 * one-shot timers and deferred work, run by a thread that never takes the
 * application's signals.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "intake.h"

#define MSL_INTAKE_EVENTS 64
#define MSL_INTAKE_STACK (256 * 1024)

struct msl_watch {
	int fd;
	uint32_t events;
	msl_intake_fn *fn;
	void *arg;
	int dead;               /* unwatched: set by any thread, atomically */
	uint64_t deadline;      /* timer, while on_timer != NULL            */
	msl_intake_fn *on_timer;
	msl_watch *timer_next;  /* the thread's timer list                  */
};

/* Work for the thread to run after its current batch (a watch to free,
 * or msl_intake_defer's fn). */
typedef struct msl_deferred {
	struct msl_deferred *next;
	msl_intake_fn *fn;
	void *arg;
	msl_watch *watch;
} msl_deferred;

static pthread_mutex_t msl_g_mu = PTHREAD_MUTEX_INITIALIZER;
static int msl_g_set = -1;
static int msl_g_wake = -1;
static msl_deferred *msl_g_deferred;   /* under msl_g_mu */
static msl_watch *msl_g_timers;        /* the thread's own */
/* The wake descriptor's watch is told apart by this address. */
static char msl_g_wake_tag;

static void
msl_timer_unlink(msl_watch *w)
{
	for (msl_watch **pp = &msl_g_timers; *pp != NULL; pp = &(*pp)->timer_next) {
		if (*pp == w) {
			*pp = w->timer_next;
			break;
		}
	}
	w->on_timer = NULL;
}

/* msl_run_deferred runs and frees what other threads left for us. */
static void
msl_run_deferred(void)
{
	msl_deferred *d;

	pthread_mutex_lock(&msl_g_mu);
	d = msl_g_deferred;
	msl_g_deferred = NULL;
	pthread_mutex_unlock(&msl_g_mu);
	/* Oldest first, as they were asked for. */
	msl_deferred *rev = NULL;
	while (d != NULL) {
		msl_deferred *n = d->next;
		d->next = rev;
		rev = d;
		d = n;
	}
	while (rev != NULL) {
		msl_deferred *n = rev->next;
		if (rev->watch != NULL) {
			if (rev->watch->on_timer != NULL)
				msl_timer_unlink(rev->watch);
			free(rev->watch);
		} else {
			rev->fn(rev->arg);
		}
		free(rev);
		rev = n;
	}
}

/* msl_run_timers fires the timers that are due; returns the poll timeout
 * until the next one. */
static int
msl_run_timers(void)
{
	uint64_t now = msl_now_ns(), next = UINT64_MAX;
	msl_watch **pp = &msl_g_timers;

	while (*pp != NULL) {
		msl_watch *w = *pp;
		if (w->deadline > now && !__atomic_load_n(&w->dead, __ATOMIC_ACQUIRE)) {
			if (w->deadline < next)
				next = w->deadline;
			pp = &w->timer_next;
			continue;
		}
		msl_intake_fn *fn = w->on_timer;
		*pp = w->timer_next;
		w->on_timer = NULL;
		if (!__atomic_load_n(&w->dead, __ATOMIC_ACQUIRE))
			fn(w->arg); /* it may set a new timer: the list head is re-read */
		pp = &msl_g_timers;
		now = msl_now_ns();
	}
	return next == UINT64_MAX ? -1 : msl_ms_until(next);
}

typedef struct msl_start {
	sem_t started;
	void (*thread_init)(void);
} msl_start;

static void *
msl_intake_main(void *arg)
{
	msl_start *st = arg;
	msl_pollev ev[MSL_INTAKE_EVENTS];

	if (st->thread_init != NULL)
		st->thread_init();
	sem_post(&st->started);
	for (;;) {
		msl_run_deferred();
		int n = msl_pollset_wait(msl_g_set, ev, MSL_INTAKE_EVENTS, msl_run_timers());
		for (int i = 0; i < n; i++) {
			msl_watch *w = ev[i].ptr;
			if (ev[i].ptr == &msl_g_wake_tag) {
				if (msl_event_clear(msl_g_wake) != 0 && errno != EAGAIN)
					abort();
				continue;
			}
			if (!__atomic_load_n(&w->dead, __ATOMIC_ACQUIRE))
				w->fn(w->arg);
		}
	}
	return NULL;
}

/*
 * Fork: the child has no intake thread and must not touch the parent's
 * readiness set (an inherited epoll descriptor is the same set), so it
 * forgets both and starts its own thread when it next needs one.
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
	if (msl_g_set >= 0)
		close(msl_g_set);
	if (msl_g_wake >= 0)
		close(msl_g_wake);
	msl_g_set = msl_g_wake = -1;
	/* The parent's watches and deferred work are the parent's. */
	msl_g_deferred = NULL;
	msl_g_timers = NULL;
	pthread_mutex_init(&msl_g_mu, NULL);
}

static pthread_once_t msl_atfork_once = PTHREAD_ONCE_INIT;

static void
msl_atfork_register(void)
{
	pthread_atfork(msl_atfork_prepare, msl_atfork_parent, msl_atfork_child);
}

/* msl_spawn creates the thread; called with msl_g_mu held. */
static int
msl_spawn(void (*thread_init)(void))
{
	pthread_t th;
	pthread_attr_t at;
	sigset_t all, old;
	msl_start st = { .thread_init = thread_init };
	int rc;

	msl_g_set = msl_pollset_open();
	msl_g_wake = msl_event_open();
	if (msl_g_set < 0 || msl_g_wake < 0 ||
	    msl_pollset_add(msl_g_set, msl_g_wake, MSL_POLL_IN, &msl_g_wake_tag) != 0)
		goto fail;
	/* The thread must never take the application's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, MSL_INTAKE_STACK);
	sem_init(&st.started, 0, 0);
	rc = pthread_create(&th, &at, msl_intake_main, &st);
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0) {
		/* thread_init (the live page's lock) must be done before anyone
		 * relies on it. */
		while (sem_wait(&st.started) != 0)
			;
	}
	sem_destroy(&st.started);
	if (rc == 0)
		return 0;
fail:
	if (msl_g_set >= 0)
		close(msl_g_set);
	if (msl_g_wake >= 0)
		close(msl_g_wake);
	msl_g_set = msl_g_wake = -1;
	return -1;
}

int
msl_intake_start(void (*thread_init)(void))
{
	int rc = 0;

	pthread_once(&msl_atfork_once, msl_atfork_register);
	pthread_mutex_lock(&msl_g_mu);
	if (msl_g_set < 0)
		rc = msl_spawn(thread_init);
	pthread_mutex_unlock(&msl_g_mu);
	return rc;
}

msl_watch *
msl_intake_watch(int fd, uint32_t events, msl_intake_fn *fn, void *arg)
{
	msl_watch *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	if (msl_pollset_add(msl_g_set, fd, events, w) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

void
msl_intake_rearm(msl_watch *w)
{
	(void)msl_pollset_mod(msl_g_set, w->fd, w->events, w);
}

void
msl_intake_after(msl_watch *w, uint64_t deadline, msl_intake_fn *fn)
{
	if (w->on_timer == NULL) {
		w->timer_next = msl_g_timers;
		msl_g_timers = w;
	}
	w->deadline = deadline;
	w->on_timer = fn;
}

/* msl_push queues deferred work; returns -1 if out of memory. */
static int
msl_push(msl_intake_fn *fn, void *arg, msl_watch *w, int wake)
{
	msl_deferred *d = calloc(1, sizeof *d);

	if (d == NULL)
		return -1;
	d->fn = fn;
	d->arg = arg;
	d->watch = w;
	pthread_mutex_lock(&msl_g_mu);
	d->next = msl_g_deferred;
	msl_g_deferred = d;
	pthread_mutex_unlock(&msl_g_mu);
	/* A saturated counter means the thread is awake anyway. */
	if (wake)
		(void)msl_event_set(msl_g_wake);
	return 0;
}

void
msl_intake_unwatch(msl_watch *w)
{
	if (w == NULL)
		return;
	msl_pollset_del(msl_g_set, w->fd);
	__atomic_store_n(&w->dead, 1, __ATOMIC_RELEASE);
	/*
	 * No wake-up: the watch is only memory now, freed on the thread's
	 * next round.  Out of memory, it is leaked rather than freed under a
	 * callback that may still hold it.
	 */
	(void)msl_push(NULL, NULL, w, 0);
}

void
msl_intake_defer(msl_intake_fn *fn, void *arg)
{
	if (msl_push(fn, arg, NULL, 1) != 0)
		return; /* out of memory: leak arg rather than free it early */
}
