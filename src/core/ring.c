/* SPDX-License-Identifier: MIT */
/*
 * ring.c - a writer's shared-memory ring (ring.h): the writer's puts and
 * publishes, the server's checked copy-out, and the two wake-up words.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"

_Static_assert(sizeof(msl_ring_hdr) <= MSL_RING_HDR, "ring header too large");
_Static_assert((MSL_RING_CAP & (MSL_RING_CAP - 1)) == 0, "ring capacity not a power of two");

/*
 * Every load and store of a shared word is sequentially consistent: each
 * wake-up is "store my word, then load the other side's", which needs
 * the store and the load ordered, and C11 gives that to seq_cst accesses
 * (on x86 only the store costs: an xchg, as a fence would).
 */
#define MSL_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define MSL_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* ---- writer side ---- */

int
msl_ring_w_create(msl_ring_w *w, size_t cap)
{
	void *p;
	int fd;

	w->h = NULL;
	w->lock = NULL;
	if (cap < MSL_RING_CAP_MIN || cap > MSL_RING_CAP_MAX || (cap & (cap - 1)) != 0) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = msl_shm_create_shared("mailslot-ring", MSL_RING_HDR + cap, &p)) < 0)
		return -1;
	w->h = p;
	w->data = (unsigned char *)p + MSL_RING_HDR;
	w->cap = cap;
	if ((w->lock = msl_shm_private_shared(MSL_ROBUST_SIZE)) == NULL ||
	    msl_shared_lock_init(w->lock) != 0) {
		msl_ring_w_destroy(w);
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	return fd;
}

/* msl_ring_unmap releases a mapping of either side, if there is one. */
static void
msl_ring_unmap(msl_ring_hdr **h, size_t cap)
{
	if (*h != NULL)
		msl_shm_unmap(*h, MSL_RING_HDR + cap);
	*h = NULL;
}

void
msl_ring_w_destroy(msl_ring_w *w)
{
	msl_ring_unmap(&w->h, w->cap);
	if (w->lock != NULL)
		msl_shm_unmap(w->lock, MSL_ROBUST_SIZE);
	w->lock = NULL;
}

void
msl_ring_w_lock(msl_ring_w *w)
{
	msl_shared_lock(w->lock);
}

void
msl_ring_w_unlock(msl_ring_w *w)
{
	msl_shared_unlock(w->lock);
}

size_t
msl_ring_w_pending(const msl_ring_w *w)
{
	uint64_t used = __atomic_load_n(&w->h->tail, __ATOMIC_RELAXED) - MSL_LOAD(&w->h->head);
	return used > w->cap ? w->cap : (size_t)used;
}

size_t
msl_ring_w_space(const msl_ring_w *w)
{
	return w->cap - msl_ring_w_pending(w);
}

void
msl_ring_w_put(msl_ring_w *w, size_t off, const void *p, size_t n)
{
	size_t pos = (size_t)((__atomic_load_n(&w->h->tail, __ATOMIC_RELAXED) + off) & (w->cap - 1));
	size_t first = n < w->cap - pos ? n : w->cap - pos;

	memcpy(w->data + pos, p, first);
	memcpy(w->data, (const unsigned char *)p + first, n - first);
}

int
msl_ring_w_publish(msl_ring_w *w, size_t n)
{
	/* Store the tail, then look at the bell: the server stores the bell,
	 * then looks at the tail, so one of us sees the other. */
	MSL_STORE(&w->h->tail, __atomic_load_n(&w->h->tail, __ATOMIC_RELAXED) + n);
	uint64_t b = MSL_LOAD(&w->h->bell);
	if ((b & 1) == 0 || b == __atomic_load_n(&w->h->rang, __ATOMIC_RELAXED))
		return 0;
	MSL_STORE(&w->h->rang, b);
	return 1;
}

size_t
msl_ring_w_want(msl_ring_w *w)
{
	MSL_STORE(&w->h->want, __atomic_load_n(&w->h->want, __ATOMIC_RELAXED) + 1);
	return msl_ring_w_space(w);
}

/* ---- server side ---- */

int
msl_ring_r_adopt(int fd, msl_ring_r *r)
{
	void *p;
	size_t len, cap;

	memset(r, 0, sizeof *r);
	if (msl_shm_map_peer_rw(fd, MSL_RING_HDR + MSL_RING_CAP_MIN,
		MSL_RING_HDR + MSL_RING_CAP_MAX, &len, &p) != 0)
		return -1;
	cap = len - MSL_RING_HDR;
	if ((cap & (cap - 1)) != 0) {
		msl_shm_unmap(p, len);
		errno = EINVAL;
		return -1;
	}
	r->h = p;
	r->data = (unsigned char *)p + MSL_RING_HDR;
	r->cap = cap;
	/* A fresh ring starts at 0; a writer whose tail says otherwise fails
	 * the first read's check. */
	r->head = r->rd = 0;
	MSL_STORE(&r->h->head, r->head);
	r->served = MSL_LOAD(&r->h->want);
	r->bell = 1;
	MSL_STORE(&r->h->bell, r->bell);
	return 0;
}

void
msl_ring_r_drop(msl_ring_r *r)
{
	msl_ring_unmap(&r->h, r->cap);
}

/* msl_ring_r_avail is what is published past our read position, or -1
 * when the writer's tail is impossible (more than the ring past what we
 * consumed, or behind it). */
static int64_t
msl_ring_r_avail(const msl_ring_r *r)
{
	uint64_t tail = MSL_LOAD(&r->h->tail);

	if (tail - r->head > r->cap || tail - r->rd > r->cap)
		return -1;
	return (int64_t)(tail - r->rd);
}

void
msl_ring_r_copy_at(const msl_ring_r *r, uint64_t at, void *buf, size_t len)
{
	size_t pos = (size_t)(at & (r->cap - 1));
	size_t first = len < r->cap - pos ? len : r->cap - pos;

	memcpy(buf, r->data + pos, first);
	memcpy((unsigned char *)buf + first, r->data, len - first);
}

ssize_t
msl_ring_r_peek(const msl_ring_r *r, void *buf, size_t len, size_t *avail)
{
	int64_t a = msl_ring_r_avail(r);

	if (a < 0)
		return -1;
	*avail = (size_t)a;
	if ((size_t)a < len)
		len = (size_t)a;
	msl_ring_r_copy_at(r, r->rd, buf, len);
	return (ssize_t)len;
}

ssize_t
msl_ring_r_read(msl_ring_r *r, void *buf, size_t len)
{
	size_t avail;
	/* Copied out once: the caller parses only its own copy. */
	ssize_t n = msl_ring_r_peek(r, buf, len, &avail);

	if (n > 0)
		r->rd += (size_t)n;
	return n;
}

void
msl_ring_r_skip(msl_ring_r *r, size_t len)
{
	r->rd += len;
}

void
msl_ring_r_release(msl_ring_r *r, uint64_t upto)
{
	if (upto - r->head > r->rd - r->head)
		return; /* not between what we consumed and what we read */
	if (upto != r->head) {
		r->head = upto;
		MSL_STORE(&r->h->head, r->head);
	}
}

int
msl_ring_r_rang(const msl_ring_r *r)
{
	return MSL_LOAD(&r->h->rang) == r->bell;
}

void
msl_ring_r_quiet(msl_ring_r *r, int quiet)
{
	/* Even: no writer rings.  Odd again: the value it had, so that a
	 * doorbell already rung for it is taken as usual (msl_ring_r_rang). */
	if (quiet && (r->bell & 1))
		r->bell++;
	else if (!quiet && !(r->bell & 1))
		r->bell--;
	else
		return;
	MSL_STORE(&r->h->bell, r->bell);
}

void
msl_ring_r_arm(msl_ring_r *r)
{
	r->bell += 2;
	MSL_STORE(&r->h->bell, r->bell); /* before the next look at the tail */
}

int
msl_ring_r_room_wanted(msl_ring_r *r)
{
	uint64_t w = MSL_LOAD(&r->h->want); /* after the head we stored */
	if (w == r->served)
		return 0;
	/* Not before a quarter of the ring is free (what a writer needs for a
	 * whole frame, local.c): a writer woken for every frame consumed would
	 * write one and wait again, a wake-up per message. */
	if (MSL_LOAD(&r->h->tail) - r->head > r->cap - r->cap / 4)
		return 0;
	r->served = w;
	return 1;
}

int
msl_ring_r_has_data(const msl_ring_r *r)
{
	return MSL_LOAD(&r->h->tail) != r->rd;
}
