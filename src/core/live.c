/* SPDX-License-Identifier: MIT */
/*
 * live.c - the live page (live.h): the owner's page and slots, and the
 * writer's checked view of a server's page.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "live.h"

_Static_assert(MSL_ROBUST_SIZE <= MSL_LIVE_SLOT0, "the mutex must fit before the slots");

/* The owner's page and its free slots, under msl_live_mu. */
static pthread_mutex_t msl_live_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *msl_live_page;
static int msl_live_page_fd = -1;
static pid_t msl_live_pid;     /* the process that made the page      */
static int msl_live_tried;     /* owner_init ran in this process      */
static uint32_t msl_live_next;
static uint32_t *msl_live_free;
static size_t msl_live_nfree, msl_live_cap;

static void
msl_live_atfork_child(void)
{
	/* The parent's page stays mapped but is its own: never written here. */
	if (msl_live_page_fd >= 0)
		close(msl_live_page_fd);
	msl_live_page = NULL;
	msl_live_page_fd = -1;
	msl_live_pid = 0;
	msl_live_tried = 0;
	msl_live_next = 0;
	msl_live_nfree = 0;
	pthread_mutex_init(&msl_live_mu, NULL);
}

static void
msl_live_atfork_prepare(void)
{
	pthread_mutex_lock(&msl_live_mu);
}

static void
msl_live_atfork_parent(void)
{
	pthread_mutex_unlock(&msl_live_mu);
}

static pthread_once_t msl_live_once = PTHREAD_ONCE_INIT;

static void
msl_live_register(void)
{
	pthread_atfork(msl_live_atfork_prepare, msl_live_atfork_parent, msl_live_atfork_child);
}

void
msl_live_owner_init(void)
{
	void *p;
	int fd;

	pthread_once(&msl_live_once, msl_live_register);
	pthread_mutex_lock(&msl_live_mu);
	if (msl_live_tried || !msl_robust_supported())
		goto out;
	msl_live_tried = 1;
	fd = msl_shm_create("mailslot-live", MSL_LIVE_SIZE, &p);
	if (fd < 0)
		goto out;
	if (msl_robust_init(p) != 0) {
		msl_shm_unmap(p, MSL_LIVE_SIZE);
		close(fd);
		goto out;
	}
	msl_live_page = p;
	msl_live_page_fd = fd;
	msl_live_pid = getpid();
out:
	pthread_mutex_unlock(&msl_live_mu);
}

void
msl_live_thread_init(void)
{
	/* Held until the process ends: its death is what writers look for. */
	if (msl_live_page != NULL && msl_robust_hold(msl_live_page) != 0)
		abort();
}

int
msl_live_fd(void)
{
	return msl_live_page_fd;
}

static uint64_t *
msl_live_word(long slot)
{
	return (uint64_t *)(void *)(msl_live_page + MSL_LIVE_SLOT0 + (size_t)slot * sizeof(uint64_t));
}

void
msl_live_slot_get(msl_live_slot *s)
{
	s->slot = -1;
	pthread_mutex_lock(&msl_live_mu);
	if (msl_live_page != NULL) {
		if (msl_live_nfree > 0)
			s->slot = msl_live_free[--msl_live_nfree];
		else if (msl_live_next < MSL_LIVE_SLOTS)
			s->slot = msl_live_next++;
	}
	if (s->slot >= 0) {
		uint64_t *w = msl_live_word(s->slot);
		s->gen = (__atomic_load_n(w, __ATOMIC_RELAXED) >> 2) + 1;
		s->pid = msl_live_pid;
		__atomic_store_n(w, s->gen << 2, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&msl_live_mu);
}

void
msl_live_slot_put(msl_live_slot *s)
{
	pthread_mutex_lock(&msl_live_mu);
	if (s->slot < 0 || msl_live_page == NULL || s->pid != msl_live_pid)
		goto out;
	if (msl_live_nfree == msl_live_cap) {
		size_t n = msl_live_cap ? 2 * msl_live_cap : 64;
		uint32_t *f = realloc(msl_live_free, n * sizeof *f);
		if (f == NULL)
			goto out; /* the slot is lost, nothing worse */
		msl_live_free = f;
		msl_live_cap = n;
	}
	msl_live_free[msl_live_nfree++] = (uint32_t)s->slot;
	s->slot = -1;
out:
	pthread_mutex_unlock(&msl_live_mu);
}

void
msl_live_store(const msl_live_slot *s, uint64_t flags)
{
	/* The page pointer only changes in a fork child, which has no slots
	 * of its own page yet: no lock needed on this hot path. */
	if (s->slot < 0 || msl_live_page == NULL || s->pid != msl_live_pid)
		return;
	__atomic_store_n(msl_live_word(s->slot), s->gen << 2 | flags, __ATOMIC_RELEASE);
}

int
msl_live_map(int fd, const msl_ack_live *al, msl_live_view *v)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t end, len;
	const void *p;

	v->page = NULL;
	if (al->slot >= MSL_LIVE_SLOTS)
		return -1;
	/* Only as much of the page as holds the owner word and our slot. */
	end = MSL_LIVE_SLOT0 + ((size_t)al->slot + 1) * sizeof(uint64_t);
	len = (end + pg - 1) / pg * pg;
	if (msl_shm_map_peer(fd, len, &p) != 0)
		return -1;
	v->page = p;
	v->len = len;
	v->word = (const uint64_t *)(const void *)((const unsigned char *)p + MSL_LIVE_SLOT0 +
	    (size_t)al->slot * sizeof(uint64_t));
	v->gen = al->gen;
	return 0;
}

mailslot_err
msl_live_check(const msl_live_view *v, int *full)
{
	uint64_t w = __atomic_load_n(v->word, __ATOMIC_ACQUIRE);

	if ((w >> 2) != v->gen || (w & MSL_LIVE_CLOSED) || !msl_robust_alive(v->page))
		return MAILSLOT_E_GONE;
	*full = (w & MSL_LIVE_FULL) != 0;
	return MAILSLOT_OK;
}

void
msl_live_unmap(msl_live_view *v)
{
	if (v->page != NULL)
		msl_shm_unmap(v->page, v->len);
	v->page = NULL;
}
