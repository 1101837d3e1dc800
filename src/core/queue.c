/* SPDX-License-Identifier: MIT */
/*
 * queue.c - a local mailslot's queue: each writer's buffer, the merge of
 * all writers in the order their writes began, the quota, and delivery.
 *
 * Ordering: each frame carries the CLOCK_MONOTONIC time its write began.
 * A scan reads every pipe; a frame is ready only once a scan that began
 * after its write has read every pipe, and ready frames are delivered by
 * a min-heap of writers keyed on their first frame's time.  That gives
 * FIFO across writers without any lock shared with them.
 *
 * Every function here runs with the server's lock held.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "queue.h"

/*
 * Free space offered to each read(2): from MSL_RBUF_MIN, doubled each time
 * a read fills it, up to MSL_RBUF, which batches small frames well.  An
 * idle writer keeps a small buffer.
 */
#define MSL_RBUF_MIN 4096
#define MSL_RBUF 65536
/* A writer's buffer larger than this is given back once it is empty. */
#define MSL_BUF_KEEP (1024 * 1024)
/* Ready control sockets fetched per readiness query in a full scan. */
#define MSL_SCAN_EVENTS 256
/* Doorbell records taken from one control socket per drain. */
#define MSL_BELL_MAX 64
/*
 * Memory: queued frames, ready or held, count against the quota, and so
 * does a partial frame larger than MSL_PART_FREE, in full, before more of
 * it is read (msl_part_admit).  A frame that does not fit waits in its
 * pipe: the writer is "parked", its pipe out of the readiness set until a
 * read or a writer's end makes room.  So whatever writers do, the server
 * holds at most the quota plus, per writer, what one read of its pipe
 * brings (the pipe's size: 256 KiB, at most the system's pipe-max-size).
 *
 * Fair shares: the users with writers connected share the quota equally.
 * A user's writers together (relays count as their user's) may queue at
 * most quota / users bytes and messages; past that, a writer of that user
 * is parked at its next frame boundary and told SHARE_FULL, so its writes
 * fail with FULL once its pipe is full, while other users still get in.
 * With one user there is no limit beyond the quota.
 */
#define MSL_PART_FREE MSL_RBUF

/*
 * msl_grow returns p grown, by doubling from `first`, to hold `need`
 * elements of `size` bytes, with *cap updated; NULL (p intact) if out of
 * memory.
 */
static void *
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

/* ---- frames in a writer's buffer ---- */

static size_t
msl_frame_at(const msl_conn *c, size_t off, msl_frame *f)
{
	memcpy(f, c->buf + off, sizeof *f);
	return sizeof *f + ((f->flags & MSL_FRAME_ORIGIN) ? sizeof(msl_origin) : 0);
}

static uint64_t
msl_ts_at(const msl_conn *c, size_t off)
{
	msl_frame f;
	msl_frame_at(c, off, &f);
	return f.ts;
}

/* ---- the heap of writers with ready frames ---- */

static int
msl_before(const msl_conn *a, const msl_conn *b)
{
	return a->head_ts != b->head_ts ? a->head_ts < b->head_ts : a->id < b->id;
}

static void
msl_heap_set(struct mailslot_server *s, size_t i, msl_conn *c)
{
	s->heap[i] = c;
	c->hidx = (long)i;
}

static void
msl_heap_up(struct mailslot_server *s, size_t i)
{
	msl_conn *c = s->heap[i];
	while (i > 0 && msl_before(c, s->heap[(i - 1) / 2])) {
		msl_heap_set(s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	msl_heap_set(s, i, c);
}

static void
msl_heap_down(struct mailslot_server *s, size_t i)
{
	msl_conn *c = s->heap[i];
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= s->nheap)
			break;
		if (k + 1 < s->nheap && msl_before(s->heap[k + 1], s->heap[k]))
			k++;
		if (!msl_before(s->heap[k], c))
			break;
		msl_heap_set(s, i, s->heap[k]);
		i = k;
	}
	msl_heap_set(s, i, c);
}

static void
msl_heap_push(struct mailslot_server *s, msl_conn *c)
{
	c->head_ts = msl_ts_at(c, c->rd);
	s->heap[s->nheap++] = c;
	msl_heap_up(s, s->nheap - 1);
}

/* msl_heap_reserve makes room in the heap for one more writer. */
static int
msl_heap_reserve(struct mailslot_server *s, size_t writers)
{
	msl_conn **h = msl_grow(s->heap, &s->heap_cap, writers, sizeof *h, 16);
	if (h == NULL)
		return -1;
	s->heap = h;
	return 0;
}

static void
msl_heap_remove(struct mailslot_server *s, msl_conn *c)
{
	size_t i = (size_t)c->hidx;
	msl_conn *last = s->heap[--s->nheap];
	c->hidx = -1;
	if (last == c)
		return;
	msl_heap_set(s, i, last);
	msl_heap_up(s, i);
	msl_heap_down(s, (size_t)last->hidx);
}

/*
 * msl_make_ready marks n more of c's frames, up to `end`, as deliverable.
 * The heap has a slot reserved for every writer (msl_q_join).
 */
static void
msl_make_ready(struct mailslot_server *s, msl_conn *c, uint32_t n,
    uint64_t bytes, size_t end)
{
	c->nready += n;
	c->ready = end;
	s->count += n;
	s->bytes += bytes;
	if (c->hidx < 0)
		msl_heap_push(s, c);
}

/* msl_q_update_ev keeps the event descriptor right; see mailslot_fd and
 * msl_wait. */
void
msl_q_update_ev(struct mailslot_server *s)
{
	int want = (s->count > 0 || s->held > 0) && (s->pollable || s->waiting > 0);

	if (want && s->evfd < 0) {
		/* A reader sleeps on epfd while another thread queued messages. */
		int fd = msl_event_open();
		if (fd >= 0 && msl_pollset_add(s->epfd, fd, MSL_POLL_IN, NULL) == 0)
			s->evfd = fd;
		else if (fd >= 0)
			close(fd);
	}
	if (s->evfd < 0)
		return;
	if (want && !s->ev_on) {
		if (msl_event_set(s->evfd) == 0)
			s->ev_on = 1;
	} else if (!want && s->ev_on) {
		if (msl_event_clear(s->evfd) == 0)
			s->ev_on = 0;
	}
}

/* ---- memory ---- */

/* msl_usage is the memory the quota covers. */
static uint64_t
msl_usage(const struct mailslot_server *s)
{
	return s->bytes + s->hbytes + s->resv;
}

/* msl_over_share tells whether c's user holds its share of the quota. */
static int
msl_over_share(const struct mailslot_server *s, const msl_conn *c)
{
	const msl_share *h = &s->shares[c->share];
	uint32_t u = s->nusers;

	return u > 1 && (h->count >= s->opt.quota_messages / u || h->bytes >= s->opt.quota_bytes / u);
}

/* msl_part_fits tells whether c's partial frame (of c->need bytes) may be
 * read in full: it is small, reserved, or fits in the quota. */
static int
msl_part_fits(const struct mailslot_server *s, const msl_conn *c)
{
	msl_frame f;

	if (c->resv > 0 || c->need <= MSL_PART_FREE)
		return 1;
	msl_frame_at(c, c->done, &f);
	return msl_usage(s) + f.len <= s->opt.quota_bytes;
}

/* msl_part_admit is msl_part_fits, reserving the quota of a large frame. */
static int
msl_part_admit(struct mailslot_server *s, msl_conn *c)
{
	msl_frame f;

	if (!msl_part_fits(s, c))
		return 0;
	if (c->resv == 0 && c->need > MSL_PART_FREE) {
		msl_frame_at(c, c->done, &f);
		c->resv = f.len;
		s->resv += f.len;
		s->shares[c->share].bytes += f.len;
	}
	return 1;
}

/* msl_part_done gives back what c's partial frame reserved. */
static void
msl_part_done(struct mailslot_server *s, msl_conn *c)
{
	s->resv -= c->resv;
	s->shares[c->share].bytes -= c->resv;
	c->resv = 0;
}

/*
 * msl_frames_left is how many more frames c may bring in: what the
 * message quota and its user's share leave.  A frame takes at least
 * sizeof(msl_frame) bytes, so a read of that many headers' worth cannot
 * pass either bound.
 */
static uint64_t
msl_frames_left(const struct mailslot_server *s, const msl_conn *c)
{
	uint64_t q = s->opt.quota_messages, used = (uint64_t)s->count + s->held;
	uint64_t left = q > used ? q - used : 0;

	if (s->nusers > 1) {
		uint64_t per = q / s->nusers, mine = s->shares[c->share].count;
		if (per < mine + left)
			left = per > mine ? per - mine : 0;
	}
	return left;
}

/* msl_may_read tells whether a parked writer may be read again. */
static int
msl_may_read(const struct mailslot_server *s, const msl_conn *c)
{
	size_t part = c->wr - c->done;
	if (part > 0)
		return c->need <= part || msl_part_fits(s, c);
	return !msl_over_share(s, c);
}

/* msl_share_notify tells a writer whether its user is over its share,
 * once per change; a failed send is retried at the next scan. */
static void
msl_share_notify(struct mailslot_server *s, msl_conn *c, int over)
{
	uint32_t v = over ? MSL_NOTICE_SHARE_FULL : MSL_NOTICE_SHARE_OK;

	c->share_want = over;
	if (c->share_sent == over || c->ctrl < 0)
		return;
	if (send(c->ctrl, &v, sizeof v, MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof v)
		c->share_sent = over;
	else
		s->renotify = 1;
}

/* msl_share_leave: one of c's user's writers is gone. */
static void
msl_share_leave(struct mailslot_server *s, msl_conn *c)
{
	if (--s->shares[c->share].writers == 0)
		s->nusers--;
}

/* msl_park stops reading c's ring while its frame waits for room. */
static void
msl_park(struct mailslot_server *s, msl_conn *c)
{
	if (!c->parked) {
		c->parked = 1;
		s->nparked++;
	}
}

static void
msl_unpark(struct mailslot_server *s, msl_conn *c)
{
	c->parked = 0;
	s->nparked--;
	msl_share_notify(s, c, 0);
}

/* msl_unpark_fitting lets the rings that may be read now be read; the
 * next read of each admits its frame. */
static void
msl_unpark_fitting(struct mailslot_server *s)
{
	for (msl_conn *c = s->conns; c != NULL && s->nparked > 0; c = c->next)
		if (c->parked && msl_may_read(s, c))
			msl_unpark(s, c);
}

/* ---- connections ---- */

/* msl_held_unlink takes c off the list of writers with held frames. */
static void
msl_held_unlink(struct mailslot_server *s, msl_conn *c)
{
	msl_conn **pp = &s->held_list;
	while (*pp != NULL && *pp != c)
		pp = &(*pp)->held_next;
	if (*pp == c)
		*pp = c->held_next;
	c->held_next = NULL;
}

/* msl_ctrl_close closes c's control socket, out of the readiness set
 * first: a copy in a child of fork() would keep it registered. */
static void
msl_ctrl_close(struct mailslot_server *s, msl_conn *c)
{
	if (c->ctrl < 0)
		return;
	if (s->epfd >= 0)
		msl_pollset_del(s->epfd, c->ctrl);
	close(c->ctrl);
	c->ctrl = -1;
}

/* msl_conn_free takes c out of the server's lists and frees it. */
static void
msl_conn_free(struct mailslot_server *s, msl_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->hidx >= 0)
		msl_heap_remove(s, c);
	if (c->nheld > 0)
		msl_held_unlink(s, c);
	if (c->ring.h != NULL)
		s->npipes--;
	if (!c->dead && c->role == MSL_ROLE_WRITER)
		s->writers--;
	if (!c->dead)
		msl_share_leave(s, c);
	msl_part_done(s, c);
	if (c->parked) {
		c->parked = 0;
		s->nparked--;
	}
	msl_ring_r_drop(&c->ring);
	msl_ctrl_close(s, c);
	free(c->buf);
	free(c);
}

/* msl_conn_compact moves c's queue to the front of its buffer. */
static void
msl_conn_compact(msl_conn *c)
{
	if (c->rd == 0)
		return;
	memmove(c->buf, c->buf + c->rd, c->wr - c->rd);
	c->ready -= c->rd;
	c->done -= c->rd;
	c->wr -= c->rd;
	c->rd = 0;
}

/*
 * msl_conn_end: the writer is gone (EOF: every copy of its handle is
 * closed) or broke the protocol.  Its complete frames stay queued and are
 * delivered; a partial frame is dropped.  Returns 1 if c was freed.
 */
static int
msl_conn_end(struct mailslot_server *s, msl_conn *c)
{
	if (c->ring.h != NULL) {
		msl_ring_r_drop(&c->ring);
		s->npipes--;
	}
	msl_ctrl_close(s, c);
	if (!c->dead && c->role == MSL_ROLE_WRITER)
		s->writers--;
	if (!c->dead)
		msl_share_leave(s, c);
	c->dead = 1;
	c->wr = c->done;
	c->need = 0;
	if (c->parked) {
		c->parked = 0;
		s->nparked--;
	}
	/* Its partial frame is dropped, and fewer users may share: room for
	 * a parked writer. */
	msl_part_done(s, c);
	if (s->nparked > 0)
		msl_unpark_fitting(s);
	if (c->nready == 0 && c->nheld == 0) {
		msl_conn_free(s, c);
		return 1;
	}
	/* Its frames may wait long (writers that open, write, close): keep
	 * only what they need. */
	msl_conn_compact(c);
	unsigned char *b = realloc(c->buf, c->wr);
	if (b != NULL) {
		c->buf = b;
		c->cap = c->wr;
	}
	return 0;
}

/* msl_notify tells one writer whether the mailslot is full, once per change. */
static void
msl_notify(struct mailslot_server *s, msl_conn *c, int notice)
{
	uint32_t v = (uint32_t)notice;
	c->notice = notice;
	if (c->notice_sent == notice || c->ctrl < 0)
		return;
	if (c->live && notice == MSL_NOTICE_OK) {
		/* The live page says so; a writer waiting for room is woken by a
		 * ROOM notice.  FULL is still sent: it wakes that writer. */
		c->notice_sent = notice;
		return;
	}
	/* A full control queue means the writer is not writing; retry later. */
	if (send(c->ctrl, &v, sizeof v, MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof v)
		c->notice_sent = notice;
	else
		s->renotify = 1;
}

/*
 * msl_parse walks the bytes read into c's buffer since the last complete
 * frame.  A complete frame whose time is at or before `bound` (the start of
 * the current scan) is ready, unless an earlier frame of c is held; later
 * ones are held until the next scan.
 *
 * A frame's time is the writer's claim, so it is clamped to what the
 * server saw itself.  `now` is a time after the bytes were read: no honest
 * frame is later, which keeps a hostile clock from holding frames forever.
 * c->floor is a time at which the pipe was seen empty: the frame was not
 * in the pipe yet, so its write returned after that, and raising its time
 * to the floor cannot put it before a write that began after it returned.
 * That keeps a forged early time (0) from jumping ahead of writes that
 * returned before the server last saw this pipe empty - in practice every
 * write older than one drain (the intake thread drains 1 ms after data
 * arrives).  Times also keep the pipe's order.  The clamped time is what
 * the reader gets as sent_ns.  Returns -1 on a protocol violation.
 */
static int
msl_parse(struct mailslot_server *s, msl_conn *c, uint64_t bound, uint64_t now)
{
	uint32_t nready = 0;
	uint64_t rbytes = 0;
	size_t rend = c->ready;
	int bad = 0;

	while (c->wr - c->done >= sizeof(msl_frame)) {
		msl_frame f;
		size_t hs = msl_frame_at(c, c->done, &f);
		/* The writer checks these too; a frame that breaks them is
		 * hostile.  The frames before it are counted all the same: they
		 * stay queued (msl_conn_end). */
		if ((f.flags & ~MSL_FRAME_ORIGIN) != 0 ||
		    ((f.flags & MSL_FRAME_ORIGIN) && c->role != MSL_ROLE_RELAY) ||
		    (s->opt.max_message_size != 0 && f.len > s->opt.max_message_size) ||
		    f.len > s->opt.quota_bytes) {
			bad = 1;
			break;
		}
		if (c->wr - c->done < hs + f.len) {
			c->need = hs + f.len;
			break;
		}
		c->need = 0;
		msl_part_done(s, c); /* it now counts as a queued frame */
		s->shares[c->share].count++;
		s->shares[c->share].bytes += f.len;
		if (f.ts > now)
			f.ts = now;
		if (f.ts < c->floor)
			f.ts = c->floor;
		if (f.ts < c->last_ts)
			f.ts = c->last_ts;
		c->last_ts = f.ts;
		memcpy(c->buf + c->done + offsetof(msl_frame, ts), &f.ts, sizeof f.ts);
		if (f.flags & MSL_FRAME_ORIGIN) {
			size_t nm = c->done + sizeof f + offsetof(msl_origin, name);
			c->buf[nm + sizeof(((msl_origin *)0)->name) - 1] = '\0';
		}
		c->done += hs + f.len;
		if (c->nheld == 0 && f.ts <= bound) {
			nready++;
			rbytes += f.len;
			rend = c->done;
		} else {
			if (c->nheld == 0) {
				c->held_next = s->held_list;
				s->held_list = c;
			}
			c->nheld++;
			c->held_bytes += f.len;
			s->held++;
			s->hbytes += f.len;
		}
	}
	if (nready > 0)
		msl_make_ready(s, c, nready, rbytes, rend);
	return bad ? -1 : 0;
}
/*
 * msl_conn_room makes at least `want` bytes free after c->wr, moving the
 * queue to the front when that frees at least as much as it moves, else
 * growing the buffer.  An empty oversized buffer is given back first.
 */
static int
msl_conn_room(msl_conn *c, size_t want)
{
	if (c->rd == c->wr) {
		c->rd = c->ready = c->done = c->wr = 0;
		if (c->cap > MSL_BUF_KEEP && want <= MSL_RBUF) {
			free(c->buf);
			c->buf = NULL;
			c->cap = 0;
		}
	}
	if (c->cap - c->wr >= want)
		return 0;
	size_t used = c->wr - c->rd;
	if (c->rd > 0 && c->rd >= used && c->cap - used >= want) {
		msl_conn_compact(c);
		return 0;
	}
	unsigned char *b = msl_grow(c->buf, &c->cap, c->wr + want, 1, MSL_RBUF_MIN);
	if (b == NULL)
		return -1;
	c->buf = b;
	return 0;
}

/*
 * msl_read_room decides how much of c's ring the next read may take into
 * its buffer (which it makes room for), or returns 0 when c must not be
 * read now (parked, out of memory, or nothing it may take).
 */
static size_t
msl_read_room(struct mailslot_server *s, msl_conn *c, int only_partial)
{
	size_t want = c->rsize ? c->rsize : MSL_RBUF_MIN, part = c->wr - c->done;

	if (c->need > part && !msl_part_admit(s, c)) {
		msl_park(s, c);
		return 0;
	}
	if (part == 0 && !only_partial && msl_over_share(s, c)) {
		msl_park(s, c);
		msl_share_notify(s, c, 1);
		return 0;
	}
	if (c->need > part && c->need - part > want)
		want = c->need - part;
	if (only_partial) {
		if (part == 0)
			return 0;
		want = (c->need ? c->need : sizeof(msl_frame)) - part;
	}
	if (msl_conn_room(c, want) != 0)
		return 0; /* out of memory: the data waits in the ring */
	if (only_partial)
		return want;
	size_t room = c->cap - c->wr;
	/* No more frames than the quota and the share leave (the rest of a
	 * frame begun is always taken). */
	uint64_t left = msl_frames_left(s, c);
	if (left == 0 && part == 0)
		return 0;
	uint64_t lim = left < room / sizeof(msl_frame) ? left * sizeof(msl_frame) : room;
	if (c->need > part && lim < c->need - part)
		lim = c->need - part;
	if (lim < sizeof(msl_frame))
		lim = sizeof(msl_frame);
	return lim < room ? (size_t)lim : room;
}

/* msl_room_notify tells a writer waiting for room that it has some. */
static void
msl_room_notify(struct mailslot_server *s, msl_conn *c)
{
	uint32_t v = MSL_NOTICE_ROOM;

	if (c->ctrl < 0 || !msl_ring_r_room_wanted(&c->ring))
		return;
	if (send(c->ctrl, &v, sizeof v, MSG_DONTWAIT | MSG_NOSIGNAL) != sizeof v) {
		c->ring.served--; /* not told: the next read tries again */
		s->renotify = 1;
	}
}

/*
 * msl_conn_read copies c's ring into its buffer: until the ring is empty,
 * or a frame later than bound was seen (everything after it in this ring
 * is later too).  Over quota (only_partial), it reads no further than the
 * end of a frame already begun, so a writer in the middle of a large frame
 * cannot hang.  Returns 1 if c was freed.
 */
static int
msl_conn_read(struct mailslot_server *s, msl_conn *c, uint64_t bound, int only_partial)
{
	if (c->parked) {
		if (!msl_may_read(s, c))
			return 0;
		msl_unpark(s, c);
	}
	for (;;) {
		size_t room = msl_read_room(s, c, only_partial);
		if (room == 0)
			break;
		uint64_t t0 = msl_now_ns();
		ssize_t r = msl_ring_r_read(&c->ring, c->buf + c->wr, room);
		if (r < 0)
			return msl_conn_end(s, c); /* an impossible tail */
		if (r == 0) {
			c->floor = t0;
			break;
		}
		/* A read that filled the room: offer more next time. */
		if ((size_t)r == room && !only_partial && room >= c->rsize)
			c->rsize = room < MSL_RBUF ? 2 * room : MSL_RBUF;
		c->wr += (size_t)r;
		if (msl_parse(s, c, bound, msl_now_ns()) != 0)
			return msl_conn_end(s, c);
		if ((size_t)r < room && !only_partial)
			c->floor = t0; /* the read emptied the ring */
		if (c->nheld > 0 || (size_t)r < room)
			break; /* a later frame, or the ring is empty */
	}
	if (c->eof && !c->parked && !msl_ring_r_has_data(&c->ring))
		return msl_conn_end(s, c); /* read out, and gone */
	msl_room_notify(s, c);
	return 0;
}

/*
 * msl_conn_bell takes the doorbell records off c's control socket and
 * arms a new bell (ring.h); the end of the socket means every copy of the
 * writer's handle is closed: what is in its ring is read out, then it
 * ends.  Never blocks, whatever the writer does.
 */
static void
msl_conn_bell(struct mailslot_server *s, msl_conn *c)
{
	char b[16];

	for (int i = 0; i < MSL_BELL_MAX && c->ctrl >= 0; i++) {
		ssize_t r = recv(c->ctrl, b, sizeof b, MSG_DONTWAIT);
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			c->eof = 1;
			msl_ctrl_close(s, c);
		}
		break;
	}
	msl_ring_r_arm(&c->ring);
}

/* msl_release_held makes every held frame deliverable. */
static void
msl_release_held(struct mailslot_server *s)
{
	while (s->held_list != NULL) {
		msl_conn *c = s->held_list;
		uint32_t n = c->nheld;
		uint64_t bytes = c->held_bytes;
		s->held_list = c->held_next;
		c->held_next = NULL;
		s->held -= n;
		s->hbytes -= bytes;
		c->nheld = 0;
		c->held_bytes = 0;
		msl_make_ready(s, c, n, bytes, c->done);
	}
}

/*
 * msl_over tells whether the mailslot is at its quota.  Held frames can
 * only be released by a scan that reads every pipe: when they are all
 * there is to deliver, it scans even at the quota (what it reads is one
 * pipe per writer at most), or they would wait for reservations that a
 * writer may never complete.
 */
static int
msl_over(const struct mailslot_server *s)
{
	return s->count >= s->opt.quota_messages ||
	    (msl_usage(s) >= s->opt.quota_bytes && !(s->nheap == 0 && s->held > 0));
}

/*
 * msl_scan_once reads every pipe once.  Its start time t becomes the bound:
 * a frame is delivered only once a scan that began after its write has
 * read every pipe.  If write A returned before write B began, A's time is
 * earlier and A was in its pipe before any scan that could call B ready.
 */
static void
msl_scan_once(struct mailslot_server *s)
{
	if (msl_over(s)) {
		/*
		 * Over quota: leave the pipes alone so writers see FULL, but let a
		 * writer in the middle of a frame finish it, or it would hang.
		 */
		if (!s->full)
			msl_live_store(&s->live, MSL_LIVE_FULL);
		s->full = 1;
		for (msl_conn *c = s->conns, *n; c != NULL; c = n) {
			n = c->next;
			msl_notify(s, c, MSL_NOTICE_FULL);
			if (c->share_want != c->share_sent)
				msl_share_notify(s, c, c->share_want);
			if (c->ring.h != NULL)
				msl_conn_read(s, c, 0, 1);
		}
		/* A writer's end may have dropped a reserved partial frame: if
		 * that made room, scan on, or FULL would stay up with nothing
		 * left to clear it. */
		if (msl_over(s))
			return;
	}
	if (s->full || s->renotify) {
		s->renotify = 0;
		for (msl_conn *c = s->conns; c != NULL; c = c->next) {
			msl_notify(s, c, MSL_NOTICE_OK);
			if (c->share_want != c->share_sent)
				msl_share_notify(s, c, c->share_want);
		}
	}
	if (s->full)
		msl_live_store(&s->live, 0);
	s->full = 0;

	/* Every frame whose write finished before t is in a ring by now. */
	uint64_t t = msl_now_ns();
	s->scans++;
	/* Held frames were read before t, so their writes began before it. */
	msl_release_held(s);
	/* Reading an empty ring is a load: every scan reads every ring. */
	for (msl_conn *c = s->conns, *nx; c != NULL; c = nx) {
		nx = c->next;
		if (c->ring.h == NULL)
			continue;
		if (msl_ring_r_rang(&c->ring))
			msl_conn_bell(s, c);
		msl_conn_read(s, c, t, 0);
	}
	if (t > s->bound)
		s->bound = t;
}

/*
 * msl_bells_all takes the doorbells (and ends) that the readiness set
 * reports, whether or not the writers said they rang: a writer that rings
 * without saying so would otherwise keep a sleeping reader awake.
 */
static void
msl_bells_all(struct mailslot_server *s)
{
	msl_pollev ev[MSL_SCAN_EVENTS];

	if (s->epfd < 0)
		return;
	int n = msl_pollset_wait(s->epfd, ev, MSL_SCAN_EVENTS, 0);
	if (n >= MSL_SCAN_EVENTS) {
		for (msl_conn *c = s->conns; c != NULL; c = c->next)
			if (c->ctrl >= 0 && c->ring.h != NULL)
				msl_conn_bell(s, c);
		return;
	}
	for (int i = 0; i < n; i++) {
		msl_conn *c = ev[i].ptr;
		if (c != NULL && c->ctrl >= 0 && c->ring.h != NULL)
			msl_conn_bell(s, c);
	}
}

void
msl_q_scan_full(struct mailslot_server *s)
{
	msl_bells_all(s);
	msl_q_scan(s);
}

void
msl_q_scan(struct mailslot_server *s)
{
	uint32_t before = s->count + s->held;
	msl_scan_once(s);
	/*
	 * Frames that arrived during the scan are held.  Were nothing else
	 * queued, no descriptor would be readable any more while they wait in
	 * memory: a reader would sleep on them.  One more scan releases them.
	 */
	if (s->count == 0 && s->held > 0)
		msl_scan_once(s);
	s->drains++;
	s->last_scan = s->count + s->held - before;
	msl_q_update_ev(s);
}

/*
 * msl_pop delivers the earliest ready frame into buf, or reports the size
 * it needs (the frame stays).  Called with a non-empty heap.
 */
mailslot_err
msl_q_pop(struct mailslot_server *s, void *buf, size_t cap, size_t *len,
    mailslot_msginfo *info)
{
	msl_conn *c = s->heap[0];
	msl_frame f;
	size_t hs = msl_frame_at(c, c->rd, &f);

	if (len)
		*len = f.len;
	if (cap < f.len)
		return MAILSLOT_E_BUFSIZE; /* Windows keeps the message */
	if (f.len)
		memcpy(buf, c->buf + c->rd + hs, f.len);
	if (info) {
		memset(info, 0, sizeof *info);
		info->pid = c->pid;
		info->uid = c->uid;
		info->gid = c->gid;
		info->sent_ns = f.ts;
		if (f.flags & MSL_FRAME_ORIGIN) {
			msl_origin o;
			memcpy(&o, c->buf + c->rd + sizeof f, sizeof o);
			info->remote = 1;
			info->src_ip = o.ip;
			info->src_port = o.port;
			memcpy(info->src_name, o.name, sizeof info->src_name);
		}
	}
	c->rd += hs + f.len;
	c->nready--;
	s->count--;
	s->bytes -= f.len;
	s->shares[c->share].count--;
	s->shares[c->share].bytes -= f.len;
	if (s->nparked > 0)
		msl_unpark_fitting(s);
	if (c->nready > 0) {
		c->head_ts = msl_ts_at(c, c->rd);
		msl_heap_down(s, 0);
	} else {
		msl_heap_remove(s, c);
		if (c->dead && c->nheld == 0)
			msl_conn_free(s, c);
	}
	msl_q_update_ev(s);
	return MAILSLOT_OK;
}


uint32_t
msl_q_next_size(const struct mailslot_server *s)
{
	msl_frame f;
	msl_frame_at(s->heap[0], s->heap[0]->rd, &f);
	return f.len;
}

/* msl_share_find sets c->share to its user's entry, made if need be. */
static int
msl_share_find(struct mailslot_server *s, msl_conn *c)
{
	size_t i = 0;

	while (i < s->nshares && s->shares[i].uid != c->uid)
		i++;
	if (i == s->nshares) {
		msl_share *h = msl_grow(s->shares, &s->shares_cap, i + 1, sizeof *h, 4);
		if (h == NULL)
			return -1;
		s->shares = h;
		memset(&h[i], 0, sizeof h[i]);
		h[i].uid = c->uid;
		s->nshares++;
	}
	c->share = i;
	return 0;
}

mailslot_err
msl_q_admit(struct mailslot_server *s, msl_conn *c, int ring_fd)
{
	if (msl_heap_reserve(s, s->nconns + 1) != 0 || msl_share_find(s, c) != 0)
		return MAILSLOT_E_NOMEM;
	/* The writer's first write follows its hello: no honest frame is
	 * older than this (msl_parse). */
	c->floor = msl_now_ns();
	if (msl_ring_r_adopt(ring_fd, &c->ring) != 0)
		return errno == EINVAL ? MAILSLOT_E_PROTO : msl_sys_err(errno);
	/* Its control socket carries the doorbell and, at its end, the news
	 * that the writer is gone. */
	if (msl_pollset_add(s->epfd, c->ctrl, MSL_POLL_IN | MSL_POLL_HUP, c) != 0) {
		mailslot_err e = msl_sys_err(errno);
		msl_ring_r_drop(&c->ring);
		return e;
	}
	return MAILSLOT_OK;
}

void
msl_q_join(struct mailslot_server *s, msl_conn *c)
{
	c->notice_sent = s->full ? 0 : MSL_NOTICE_OK;
	c->notice = s->full ? MSL_NOTICE_FULL : MSL_NOTICE_OK;
	if (s->full)
		msl_notify(s, c, MSL_NOTICE_FULL);
	c->id = ++s->conn_ids;
	c->next = s->conns;
	c->prev = NULL;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	s->npipes++;
	if (c->role == MSL_ROLE_WRITER)
		s->writers++;
	if (s->shares[c->share].writers++ == 0)
		s->nusers++;
}

void
msl_q_clear(struct mailslot_server *s)
{
	while (s->conns != NULL)
		msl_conn_free(s, s->conns);
	free(s->heap);
	s->heap = NULL;
	s->nheap = s->heap_cap = 0;
	s->count = s->held = 0;
	s->hbytes = s->resv = 0;
	s->nparked = 0;
	free(s->shares);
	s->shares = NULL;
	s->nshares = s->shares_cap = 0;
	s->nusers = 0;
}
