/* SPDX-License-Identifier: MIT */
/*
 * queue.c - a local mailslot's queue: reading the writers' rings into
 * their buffers, the merge of all writers in the order their writes
 * began, and delivery.  The heap, the quota and the connections are in
 * heap.c, quota.c and conn.c (queue_int.h).
 *
 * Ordering: each frame carries the CLOCK_MONOTONIC time its write began.
 * A scan reads every ring; a frame is ready only once a scan that began
 * after its write has read every ring, and ready frames are delivered by
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
#include "queue_int.h"

/* Ready control sockets fetched per readiness query in a full scan. */
#define MSL_SCAN_EVENTS 256
/* Up to this many writers, a polling reader quiets their bells. */
#define MSL_QUIET_MAX 64

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

/*
 * msl_parse walks the bytes read into c's buffer since the last complete
 * frame.  A complete frame whose time is at or before `bound` (the start of
 * the current scan) is ready, unless an earlier frame of c is held; later
 * ones are held until the next scan.
 *
 * A frame's time is the writer's claim, so it is clamped to what the
 * server saw itself.  `now` is a time after the bytes were read: no honest
 * frame is later, which keeps a hostile clock from holding frames forever.
 * c->floor is a time at which the ring was seen empty: the frame was not
 * in the ring yet, so its write returned after that, and raising its time
 * to the floor cannot put it before a write that began after it returned.
 * That keeps a forged early time (0) from jumping ahead of writes that
 * returned before the server last saw this ring empty - in practice every
 * write older than one drain (the intake thread drains 1 ms after data
 * arrives).  Times also keep the ring's order.  The clamped time is what
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
		/* Only the frame msl_take_stub just placed may be in the ring. */
		int stub = c->stub_ok && c->done == c->stub_at && (f.flags & MSL_FRAME_INRING);
		if ((f.flags & ~(MSL_FRAME_ORIGIN | (stub ? MSL_FRAME_INRING : 0))) != 0 ||
		    ((f.flags & MSL_FRAME_ORIGIN) && c->role != MSL_ROLE_RELAY) ||
		    (s->opt.max_message_size != 0 && f.len > s->opt.max_message_size) ||
		    f.len > s->opt.quota_bytes) {
			bad = 1;
			break;
		}
		if (c->wr - c->done < msl_frame_span(&f, hs)) {
			c->need = hs + f.len;
			break;
		}
		c->stub_ok = 0;
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
		c->done += msl_frame_span(&f, hs);
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

/* msl_ring_give gives the writer back the space of what it read, short of
 * the first body still in the ring. */
static void
msl_ring_give(msl_conn *c)
{
	msl_ring_r_release(&c->ring, c->nstubs ? c->stubs[c->stub0] : c->ring.rd);
}

/*
 * msl_take_stub places the large frame at c's read position without its
 * body (MSL_DIRECT_MIN), when its body is whole in the ring, c is at a
 * frame boundary and may take a frame.  Returns 1 when it did, 0 when the
 * frame is for the ordinary read (which also rejects a bad one), -1 on an
 * impossible tail.
 */
static int
msl_take_stub(struct mailslot_server *s, msl_conn *c, uint64_t bound)
{
	msl_frame f;
	size_t avail;

	if (s->scan_full || c->wr != c->done || c->need != 0 || c->nstubs == MSL_STUBS ||
	    msl_over_share(s, c) || msl_frames_left(s, c) == 0)
		return 0;
	ssize_t r = msl_ring_r_peek(&c->ring, &f, sizeof f, &avail);
	if (r < 0)
		return -1;
	size_t hs = sizeof f + ((f.flags & MSL_FRAME_ORIGIN) ? sizeof(msl_origin) : 0);
	if (r != sizeof f || f.len < MSL_DIRECT_MIN || (f.flags & ~MSL_FRAME_ORIGIN) != 0 ||
	    avail < hs + f.len || c->stub_bytes + f.len > c->ring.cap / 2 ||
	    msl_conn_room(c, hs + sizeof(uint64_t)) != 0)
		return 0;
	if (msl_ring_r_read(&c->ring, c->buf + c->wr, hs) != (ssize_t)hs)
		return -1;
	f.flags |= MSL_FRAME_INRING;
	memcpy(c->buf + c->wr + offsetof(msl_frame, flags), &f.flags, sizeof f.flags);
	uint64_t at = c->ring.rd;
	memcpy(c->buf + c->wr + hs, &at, sizeof at);
	msl_ring_r_skip(&c->ring, f.len);
	c->stubs[(c->stub0 + c->nstubs++) % MSL_STUBS] = at;
	c->stub_bytes += f.len;
	c->stub_at = c->wr;
	c->stub_ok = 1;
	c->wr += hs + sizeof at;
	msl_ring_give(c);
	return msl_parse(s, c, bound, msl_now_ns()) != 0 ? -1 : 1;
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
		int k = only_partial ? 0 : msl_take_stub(s, c, bound);
		if (k < 0)
			return msl_conn_end(s, c); /* an impossible tail */
		if (k > 0) {
			if (c->nheld > 0)
				break; /* a later frame */
			continue;
		}
		size_t room = msl_read_room(s, c, only_partial);
		if (room == 0)
			break;
		uint64_t t0 = msl_now_ns();
		ssize_t r = msl_ring_r_read(&c->ring, c->buf + c->wr, room);
		if (r < 0)
			return msl_conn_end(s, c); /* an impossible tail */
		msl_ring_give(c);
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
 * msl_scan_once reads every ring once.  Its start time t becomes the bound:
 * a frame is delivered only once a scan that began after its write has
 * read every ring.  If write A returned before write B began, A's time is
 * earlier and A was in its ring before any scan that could call B ready.
 */
static void
msl_scan_once(struct mailslot_server *s)
{
	if (msl_over(s)) {
		/*
		 * Over quota: leave the rings alone so writers see FULL, but let a
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
			if (c->ring.h != NULL && !c->dead)
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
	/*
	 * Reading an empty ring is a load: every scan reads every ring.  A
	 * doorbell is taken (and a new bell armed) only once its ring is seen
	 * empty, and the ring is read again after arming (ring.h): while a
	 * writer streams, neither side makes a system call.
	 */
	for (msl_conn *c = s->conns, *nx; c != NULL; c = nx) {
		nx = c->next;
		if (c->ring.h == NULL || c->dead || msl_conn_read(s, c, t, 0))
			continue;
		if (c->ring.h != NULL && msl_ring_r_rang(&c->ring) && !msl_ring_r_has_data(&c->ring)) {
			msl_conn_bell(s, c);
			msl_conn_read(s, c, t, 0);
		}
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

/*
 * msl_stubs_copy copies the bodies c left in its ring into its buffer, in
 * place of their positions, and gives the ring back to the writer: the
 * space behind a body stays taken until it is, and a reader that is busy
 * must not stall the writer.  Out of memory it leaves them (the writer
 * then waits for the reader).
 */
static void
msl_stubs_copy(msl_conn *c)
{
	size_t off = c->rd;

	while (c->nstubs > 0 && off < c->done) {
		msl_frame f;
		size_t hs = msl_frame_at(c, off, &f), span = msl_frame_span(&f, hs);
		if (!(f.flags & MSL_FRAME_INRING)) {
			off += span;
			continue;
		}
		size_t grow = f.len - sizeof(uint64_t), rel = off - c->rd;
		if (msl_conn_room(c, grow) != 0)
			return;
		off = c->rd + rel; /* msl_conn_room may have moved the queue */
		unsigned char *at = c->buf + off + hs;
		memmove(at + f.len, at + sizeof(uint64_t), c->wr - (off + span));
		msl_ring_r_copy_at(&c->ring, c->stubs[c->stub0], at, f.len);
		f.flags &= ~MSL_FRAME_INRING;
		memcpy(c->buf + off + offsetof(msl_frame, flags), &f.flags, sizeof f.flags);
		if (c->ready > off)
			c->ready += grow;
		if (c->done > off)
			c->done += grow;
		c->wr += grow;
		c->stub0 = (c->stub0 + 1) % MSL_STUBS;
		c->nstubs--;
		c->stub_bytes -= f.len;
		off += hs + f.len;
	}
	msl_ring_give(c);
}

void
msl_q_quiet(struct mailslot_server *s, int quiet)
{
	/* With many writers a store per ring costs more than the doorbells
	 * it saves; arming again is never skipped. */
	if (quiet && s->nrings > MSL_QUIET_MAX)
		return;
	for (msl_conn *c = s->conns; c != NULL; c = c->next)
		if (c->ring.h != NULL && !c->dead)
			msl_ring_r_quiet(&c->ring, quiet);
}

void
msl_q_scan_full(struct mailslot_server *s)
{
	msl_bells_all(s);
	/* For the intake thread (a reader that is busy) and a woken reader:
	 * bodies are copied out, and none is left in a ring. */
	for (msl_conn *c = s->conns; c != NULL; c = c->next)
		if (c->nstubs > 0 && c->ring.h != NULL)
			msl_stubs_copy(c);
	s->scan_full = 1;
	msl_q_scan(s);
	s->scan_full = 0;
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

/* msl_stub_done: a body left in c's ring was delivered; its space goes
 * back to the writer, and a writer that left no longer needs its ring. */
static void
msl_stub_done(struct mailslot_server *s, msl_conn *c)
{
	if (c->dead) {
		if (c->nstubs == 0)
			msl_ring_r_drop(&c->ring);
		return;
	}
	msl_ring_give(c);
	msl_room_notify(s, c);
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
	if (f.flags & MSL_FRAME_INRING) {
		/* Its body is still in the ring: one copy, straight to buf. */
		msl_ring_r_copy_at(&c->ring, c->stubs[c->stub0], buf, f.len);
		c->stub0 = (c->stub0 + 1) % MSL_STUBS;
		c->nstubs--;
		c->stub_bytes -= f.len;
		msl_stub_done(s, c);
	} else if (f.len) {
		memcpy(buf, c->buf + c->rd + hs, f.len);
	}
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
	c->rd += msl_frame_span(&f, hs);
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
	return MAILSLOT_OK;
}

void
msl_q_join(struct mailslot_server *s, msl_conn *c, int have_set)
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
	s->nrings++;
	if (c->role == MSL_ROLE_WRITER)
		s->writers++;
	if (s->shares[c->share].writers++ == 0)
		s->nusers++;
	/* Its control socket carries the doorbell and, at its end, the news
	 * that the writer is gone; without it the writer cannot be served. */
	if (!have_set || msl_pollset_add(s->epfd, c->ctrl, MSL_POLL_IN | MSL_POLL_HUP, c) != 0)
		msl_conn_end(s, c);
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
