/* SPDX-License-Identifier: MIT */
/*
 * ring.h - a writer's shared-memory ring (ring.c): the data channel of one
 * local writer, read by the mailslot's server.
 *
 * The writer makes the ring (a memfd sealed against shrinking and growing,
 * so neither side can make the other fault) and passes it with its hello.
 * Frames (core.h) go into it back to back as a byte stream, exactly as
 * they went into a pipe before; the server copies bytes out and only then
 * parses them, so nothing a writer does to the shared bytes can reach
 * another writer's messages or the server's memory.
 *
 * Indices are byte counts that only grow; a position is the count modulo
 * the capacity (a power of two).  The writer publishes `tail`, the server
 * keeps its own `head` and publishes a copy for the writer's room.  The
 * server never trusts a word the writer can write: a tail more than the
 * capacity ahead of its head is a protocol violation.
 *
 * Wake-ups go through the control socket, so that a reader asleep in
 * epoll (mailslot_fd) is woken like any descriptor:
 *  - the doorbell: the server stores an odd `bell` value when it wants to
 *    hear of new data; a writer that published data and sees a bell it
 *    has not rung yet records it in `rang` and sends one byte.  The server
 *    arms a new value each time it consumed a ring (each value is rung at
 *    most once), and reads the ring after arming it;
 *  - room: a writer waiting for room stores a new `want` value and polls
 *    the control socket; the server, once a quarter of the ring is free, sends a
 *    ROOM notice for each `want` value it has not answered.
 * In both, the waiter stores its own word and the waker only reads it
 * (storing, a full fence, then loading the other side's word), so neither
 * can consume a wake-up meant for a newer wait.
 */
#ifndef MSL_RING_H
#define MSL_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../platform/platform.h"

#define MSL_RING_HDR 4096u             /* the header's page              */
#define MSL_RING_CAP (256u * 1024)     /* data bytes a ring holds        */
#define MSL_RING_CAP_MIN 4096u
#define MSL_RING_CAP_MAX (4u << 20)

/* The shared header.  Each side writes only its own words. */
typedef struct msl_ring_hdr {
	/* Written by the writer. */
	uint64_t tail;   /* bytes published                              */
	uint64_t rang;   /* the bell value it last rang                  */
	uint64_t want;   /* changed while it waits for room              */
	uint64_t pad0[5];
	/* Written by the server. */
	uint64_t head;   /* bytes consumed                               */
	uint64_t bell;   /* odd: ring once for this value                */
	uint64_t pad1[6];
} msl_ring_hdr;

/* ---- writer side (thread-safe through the ring's lock) ---- */

typedef struct msl_ring_w {
	msl_ring_hdr *h; /* NULL: none */
	unsigned char *data;
	size_t cap;
	/* The writers' lock, in memory of its own shared only with our fork()
	 * children: a handle they inherit has two writers.  Not in the ring,
	 * where the server could forge a holder we would wait for forever. */
	void *lock;
} msl_ring_w;

/* msl_ring_w_create makes a ring of cap bytes (a power of two between
 * MSL_RING_CAP_MIN and MSL_RING_CAP_MAX; writers use MSL_RING_CAP); returns
 * its descriptor (to pass in the hello, then close), or -1 with errno set. */
int msl_ring_w_create(msl_ring_w *w, size_t cap);
void msl_ring_w_destroy(msl_ring_w *w);

/* The writers' lock, held around every put and publish. */
void msl_ring_w_lock(msl_ring_w *w);
void msl_ring_w_unlock(msl_ring_w *w);

/* msl_ring_w_space is the room there is now (0 if the server's head is
 * nonsense: a hostile server only stalls us). */
size_t msl_ring_w_space(const msl_ring_w *w);

/* msl_ring_w_put copies n bytes (n <= space) after what is unpublished
 * so far, `off` bytes past the tail. */
void msl_ring_w_put(msl_ring_w *w, size_t off, const void *p, size_t n);

/* msl_ring_w_publish makes n more bytes visible; returns 1 when the writer
 * must ring the doorbell (send one byte on the control socket). */
int msl_ring_w_publish(msl_ring_w *w, size_t n);

/* msl_ring_w_want announces that the writer waits for room; returns the
 * room there is after the announcement (sleep only if it is too little). */
size_t msl_ring_w_want(msl_ring_w *w);

/* msl_ring_w_pending is how much the server has not consumed yet. */
size_t msl_ring_w_pending(const msl_ring_w *w);

/* ---- server side (under the server's lock) ---- */

typedef struct msl_ring_r {
	msl_ring_hdr *h; /* NULL: none */
	unsigned char *data;
	size_t cap;
	uint64_t head;   /* consumed: our own, never read back from the ring */
	uint64_t rd;     /* read: bytes from head to rd are the bodies of
	                  * large frames still to deliver (queue.c)         */
	uint64_t bell;   /* the value armed                                */
	uint64_t served; /* the last `want` answered                       */
} msl_ring_r;

/* msl_ring_r_adopt maps a writer's ring after checking that it is a
 * sealed memfd of a valid size; -1 (EINVAL) if it is not.  The caller
 * closes fd. */
int msl_ring_r_adopt(int fd, msl_ring_r *r);
void msl_ring_r_drop(msl_ring_r *r);

/* msl_ring_r_read copies up to len bytes out from the read position:
 * how many (0: empty), or -1 when the writer's tail is impossible.  The
 * caller then releases what it consumed (msl_ring_r_release). */
ssize_t msl_ring_r_read(msl_ring_r *r, void *buf, size_t len);

/* msl_ring_r_peek is msl_ring_r_read without moving, and tells how much
 * is published past the read position (*avail). */
ssize_t msl_ring_r_peek(const msl_ring_r *r, void *buf, size_t len, size_t *avail);

/* msl_ring_r_skip moves the read position past len bytes (at most what
 * msl_ring_r_peek said is there) without copying them. */
void msl_ring_r_skip(msl_ring_r *r, size_t len);

/* msl_ring_r_copy_at copies len bytes from the absolute position `at`,
 * which lies between head and rd: a large frame's body left in place. */
void msl_ring_r_copy_at(const msl_ring_r *r, uint64_t at, void *buf, size_t len);

/* msl_ring_r_release gives the writer back everything before `upto`
 * (between head and rd). */
void msl_ring_r_release(msl_ring_r *r, uint64_t upto);

/* msl_ring_r_rang tells whether the writer says it rang the armed bell;
 * msl_ring_r_arm arms a new one (after draining the doorbell, before the
 * next read). */
int msl_ring_r_rang(const msl_ring_r *r);
void msl_ring_r_arm(msl_ring_r *r);

/* msl_ring_r_quiet(r, 1) tells the writer not to ring while a reader
 * polls the ring anyway; msl_ring_r_quiet(r, 0) arms the bell again (the
 * caller then reads the ring once more before it sleeps). */
void msl_ring_r_quiet(msl_ring_r *r, int quiet);

/* msl_ring_r_room_wanted: after a read, whether the writer waits for room
 * that it has not been told of, and a quarter of the ring is free (then send it a
 * ROOM notice). */
int msl_ring_r_room_wanted(msl_ring_r *r);

/* msl_ring_r_has_data tells whether bytes past the read position are
 * published. */
int msl_ring_r_has_data(const msl_ring_r *r);

#endif /* MSL_RING_H */
