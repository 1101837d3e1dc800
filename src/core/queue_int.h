/* SPDX-License-Identifier: MIT */
/*
 * queue_int.h - the parts of a local mailslot's queue that its files
 * share: the heap of writers with ready frames (heap.c), memory, quota and
 * fair shares (quota.c), a writer's connection (conn.c), and the scan and
 * delivery that use them (queue.c).  Every function runs with the
 * server's lock held.
 */
#ifndef MSL_QUEUE_INT_H
#define MSL_QUEUE_INT_H

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "slot.h"

/*
 * Free space offered to each read of a ring: from MSL_RBUF_MIN, doubled
 * each time a read fills it, up to MSL_RBUF, which batches small frames
 * well.  An idle writer keeps a small buffer.
 */
#define MSL_RBUF_MIN 4096
#define MSL_RBUF 65536
/* A writer's buffer larger than this is given back once it is empty. */
#define MSL_BUF_KEEP (1024 * 1024)
/* A partial frame larger than this counts against the quota (quota.c). */
#define MSL_PART_FREE MSL_RBUF
/*
 * A frame of at least MSL_DIRECT_MIN bytes whose body is whole in the
 * ring is not copied into the writer's buffer: the buffer gets its header
 * and the body's position in the ring, marked MSL_FRAME_INRING (a flag no
 * writer may send), and the reader copies the body straight from the
 * ring, one copy fewer.  The ring's space is given back when it is read.
 * Bodies left in a ring take at most half of it; the space behind them
 * stays taken until they are read, so a writer that waits for room rings
 * the doorbell, and the intake thread, draining for a busy reader, copies
 * them out (msl_q_scan_full): a busy reader never stalls a writer.
 */
#define MSL_DIRECT_MIN (32u * 1024)
#define MSL_FRAME_INRING 0x80000000u

/*
 * msl_grow returns p grown, by doubling from `first`, to hold `need`
 * elements of `size` bytes, with *cap updated; NULL (p intact) if out of
 * memory.
 */
static inline void *
msl_grow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : first;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (q != NULL)
		*cap = n;
	return q;
}

static inline size_t
msl_frame_at(const msl_conn *c, size_t off, msl_frame *f)
{
	memcpy(f, c->buf + off, sizeof *f);
	return sizeof *f + ((f->flags & MSL_FRAME_ORIGIN) ? sizeof(msl_origin) : 0);
}

/* msl_frame_span is how many bytes of a writer's buffer the frame with
 * header f (of hs bytes, origin included) takes. */
static inline size_t
msl_frame_span(const msl_frame *f, size_t hs)
{
	return hs + ((f->flags & MSL_FRAME_INRING) ? sizeof(uint64_t) : f->len);
}

static inline uint64_t
msl_ts_at(const msl_conn *c, size_t off)
{
	msl_frame f;
	msl_frame_at(c, off, &f);
	return f.ts;
}

/* ---- heap.c: the heap of writers with ready frames, by (time, id) ---- */
/* msl_heap_down restores the heap after the head writer's time grew. */
void msl_heap_down(struct mailslot_server *s, size_t i);
/* msl_heap_push adds a writer whose first frame at rd became ready. */
void msl_heap_push(struct mailslot_server *s, msl_conn *c);

/* msl_heap_reserve makes room in the heap for one more writer. */
int msl_heap_reserve(struct mailslot_server *s, size_t writers);
/* msl_heap_remove takes a writer out (it has no ready frame left). */
void msl_heap_remove(struct mailslot_server *s, msl_conn *c);

/* ---- quota.c: memory, quota, fair shares, parking and the FULL notices ---- */

/* msl_usage is the memory the quota covers. */
uint64_t msl_usage(const struct mailslot_server *s);

/* msl_over_share tells whether c's user holds its share of the quota. */
int msl_over_share(const struct mailslot_server *s, const msl_conn *c);

/* msl_part_admit is msl_part_fits, reserving the quota of a large frame. */
int msl_part_admit(struct mailslot_server *s, msl_conn *c);

/* msl_part_done gives back what c's partial frame reserved. */
void msl_part_done(struct mailslot_server *s, msl_conn *c);

/*
 * msl_frames_left is how many more frames c may bring in: what the
 * message quota and its user's share leave.  A frame takes at least
 * sizeof(msl_frame) bytes, so a read of that many headers' worth cannot
 * pass either bound.
 */
uint64_t msl_frames_left(const struct mailslot_server *s, const msl_conn *c);

/* msl_may_read tells whether a parked writer may be read again. */
int msl_may_read(const struct mailslot_server *s, const msl_conn *c);

/* msl_share_notify tells a writer whether its user is over its share,
 * once per change; a failed send is retried at the next scan. */
void msl_share_notify(struct mailslot_server *s, msl_conn *c, int over);

/* msl_share_leave: one of c's user's writers is gone. */
void msl_share_leave(struct mailslot_server *s, msl_conn *c);

/* msl_park stops reading c's ring while its frame waits for room. */
void msl_park(struct mailslot_server *s, msl_conn *c);
/* msl_unpark lets c's ring be read again. */
void msl_unpark(struct mailslot_server *s, msl_conn *c);

/* msl_unpark_fitting lets the rings that may be read now be read; the
 * next read of each admits its frame. */
void msl_unpark_fitting(struct mailslot_server *s);

/* msl_notify tells one writer whether the mailslot is full, once per change. */
void msl_notify(struct mailslot_server *s, msl_conn *c, int notice);

/*
 * msl_over tells whether the mailslot is at its quota.  Held frames can
 * only be released by a scan that reads every ring: when they are all
 * there is to deliver, it scans even at the quota (what it reads is one
 * buffer's worth per writer at most), or they would wait for reservations that a
 * writer may never complete.
 */
int msl_over(const struct mailslot_server *s);

/* msl_share_find sets c->share to its user's entry, made if need be. */
int msl_share_find(struct mailslot_server *s, msl_conn *c);

/* ---- conn.c: a writer's connection: its buffer, its doorbell, its end ---- */

/* msl_ctrl_close closes c's control socket, out of the readiness set
 * first: a copy in a child of fork() would keep it registered. */
void msl_ctrl_close(struct mailslot_server *s, msl_conn *c);

/* msl_conn_free takes c out of the server's lists and frees it. */
void msl_conn_free(struct mailslot_server *s, msl_conn *c);

/*
 * msl_conn_end: the writer is gone (EOF: every copy of its handle is
 * closed) or broke the protocol.  Its complete frames stay queued and are
 * delivered; a partial frame is dropped.  Returns 1 if c was freed.
 */
int msl_conn_end(struct mailslot_server *s, msl_conn *c);

/*
 * msl_conn_room makes at least `want` bytes free after c->wr, moving the
 * queue to the front when that frees at least as much as it moves, else
 * growing the buffer.  An empty oversized buffer is given back first.
 */
int msl_conn_room(msl_conn *c, size_t want);

/* msl_room_notify tells a writer waiting for room that it has some. */
void msl_room_notify(struct mailslot_server *s, msl_conn *c);

/* msl_notice_send sends notice v on c's control socket without blocking
 * and returns 1; when the socket is full (its writer is not writing) it
 * sets s->renotify, so that the next scan tries again, and returns 0.
 * Inline here: conn.c and quota.c both send notices, and quota.c must not
 * call back into conn.c, which calls it. */
static inline int
msl_notice_send(struct mailslot_server *s, msl_conn *c, uint32_t v)
{
	if (send(c->ctrl, &v, sizeof v, MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof v)
		return 1;
	s->renotify = 1;
	return 0;
}

/*
 * msl_conn_bell takes the doorbell records off c's control socket and
 * arms a new bell (ring.h); the end of the socket means every copy of the
 * writer's handle is closed: what is in its ring is read out, then it
 * ends.  Never blocks, whatever the writer does.
 */
void msl_conn_bell(struct mailslot_server *s, msl_conn *c);

#endif /* MSL_QUEUE_INT_H */
