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
 *
 * The thread also owns the process's live page (live.h): it locks the
 * page's robust mutex first thing and holds it until the process ends, so
 * that writers see the process die.  Each mailslot gets a word there.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "live.h"
#include "server.h"

#define MSL_INTAKE_DELAY_NS 1000000u /* 1 ms */

static pthread_mutex_t msl_g_mu = PTHREAD_MUTEX_INITIALIZER;
static int msl_g_epfd = -1;
static int msl_g_wake = -1;
static struct mailslot_server *msl_g_graveyard; /* closed, to free */
static struct mailslot_server *msl_g_pending;   /* thread-private list */
/* The live page (live.h), under msl_g_mu; the pid that owns it. */
static unsigned char *msl_g_live;
static int msl_g_live_fd = -1;
static pid_t msl_g_live_pid;
static uint32_t msl_g_live_next;
static uint32_t *msl_g_live_free;
static size_t msl_g_live_nfree, msl_g_live_cap;

static uint64_t *
msl_live_word(long slot)
{
	return (uint64_t *)(void *)(msl_g_live + MSL_LIVE_SLOT0 + (size_t)slot * sizeof(uint64_t));
}

/* msl_live_slot_free returns a closed mailslot's word for reuse. */
static void
msl_live_slot_free(struct mailslot_server *s)
{
	if (s->live_slot < 0 || msl_g_live == NULL || s->live_pid != msl_g_live_pid)
		return;
	if (msl_g_live_nfree == msl_g_live_cap) {
		size_t n = msl_g_live_cap ? 2 * msl_g_live_cap : 64;
		uint32_t *f = realloc(msl_g_live_free, n * sizeof *f);
		if (f == NULL)
			return; /* the slot is lost, nothing worse */
		msl_g_live_free = f;
		msl_g_live_cap = n;
	}
	msl_g_live_free[msl_g_live_nfree++] = (uint32_t)s->live_slot;
	s->live_slot = -1;
}

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
	for (struct mailslot_server *x = g; x != NULL; x = x->intake_next)
		msl_live_slot_free(x);
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
	/* Held until the process ends: its death is what writers look for. */
	if (msl_g_live != NULL && pthread_mutex_lock((pthread_mutex_t *)(void *)msl_g_live) != 0)
		abort();
	sem_post(arg);
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
	if (msl_g_live_fd >= 0)
		close(msl_g_live_fd);
	msl_g_epfd = msl_g_wake = msl_g_live_fd = -1;
	msl_g_graveyard = NULL;
	msl_g_pending = NULL;
	/* The parent's page stays mapped but is its own: never written here. */
	msl_g_live = NULL;
	msl_g_live_pid = 0;
	msl_g_live_next = 0;
	msl_g_live_nfree = 0;
	pthread_mutex_init(&msl_g_mu, NULL);
}

static pthread_once_t msl_atfork_once = PTHREAD_ONCE_INIT;

static void
msl_atfork_register(void)
{
	pthread_atfork(msl_atfork_prepare, msl_atfork_parent, msl_atfork_child);
}

/*
 * msl_live_create makes the live page: a memfd sealed so that writers can
 * map it only read-only, holding a robust, process-shared mutex.  Without
 * it, writers fall back to asking the control socket.
 */
static void
msl_live_create(void)
{
	pthread_mutexattr_t ma;
	unsigned char *p;
	int fd;

	if (!MSL_LIVE_SUPPORTED)
		return;
	fd = memfd_create("mailslot-live", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return;
	if (ftruncate(fd, MSL_LIVE_SIZE) != 0 ||
	    (p = mmap(NULL, MSL_LIVE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		close(fd);
		return;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE |
		F_SEAL_SEAL) != 0) {
		munmap(p, MSL_LIVE_SIZE);
		close(fd);
		return;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init((pthread_mutex_t *)(void *)p, &ma);
	pthread_mutexattr_destroy(&ma);
	msl_g_live = p;
	msl_g_live_fd = fd;
	msl_g_live_pid = getpid();
}

/* msl_intake_start creates the thread once; called with msl_g_mu held. */
static int
msl_intake_start(void)
{
	pthread_t th;
	pthread_attr_t at;
	sigset_t all, old;
	sem_t locked;
	int rc;

	if (msl_g_epfd >= 0)
		return 0;
	msl_live_create();
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
	sem_init(&locked, 0, 0);
	rc = pthread_create(&th, &at, msl_intake_main, &locked);
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0) {
		/* No writer may see the page before the thread holds the mutex. */
		while (sem_wait(&locked) != 0)
			;
		sem_destroy(&locked);
		return 0;
	}
	sem_destroy(&locked);
fail:
	if (msl_g_epfd >= 0)
		close(msl_g_epfd);
	if (msl_g_wake >= 0)
		close(msl_g_wake);
	if (msl_g_live != NULL) {
		munmap(msl_g_live, MSL_LIVE_SIZE);
		close(msl_g_live_fd);
	}
	msl_g_live = NULL;
	msl_g_epfd = msl_g_wake = msl_g_live_fd = -1;
	return -1;
}

int
msl_intake_add(struct mailslot_server *s)
{
	int rc;
	pthread_once(&msl_atfork_once, msl_atfork_register);
	pthread_mutex_lock(&msl_g_mu);
	rc = msl_intake_start();
	s->live_slot = -1;
	if (rc == 0 && msl_g_live != NULL) {
		if (msl_g_live_nfree > 0)
			s->live_slot = msl_g_live_free[--msl_g_live_nfree];
		else if (msl_g_live_next < MSL_LIVE_SLOTS)
			s->live_slot = msl_g_live_next++;
		if (s->live_slot >= 0) {
			uint64_t *w = msl_live_word(s->live_slot);
			s->live_gen = (__atomic_load_n(w, __ATOMIC_RELAXED) >> 2) + 1;
			s->live_pid = msl_g_live_pid;
			__atomic_store_n(w, s->live_gen << 2, __ATOMIC_RELEASE);
		}
	}
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

int
msl_live_fd(void)
{
	return msl_g_live_fd;
}

/*
 * msl_live_store publishes a mailslot's FULL / CLOSED flags.  A child of
 * fork() that inherited the mailslot leaves the parent's word alone.
 */
void
msl_live_store(struct mailslot_server *s, uint64_t flags)
{
	if (s->live_slot < 0 || msl_g_live == NULL || s->live_pid != msl_g_live_pid)
		return;
	__atomic_store_n(msl_live_word(s->live_slot), s->live_gen << 2 | flags, __ATOMIC_RELEASE);
}
