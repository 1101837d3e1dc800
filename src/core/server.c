/*
 * server.c - the server side of a local mailslot: creation, the frame
 * parser, the merged queue, reads and queue information.
 *
 * Every function named msl_srv_* runs with srv->mu held.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "live.h"
#include "server.h"
#include "daemonctl.h"

/*
 * Free space offered to each read(2): from MSL_RBUF_MIN, doubled each time
 * a read fills it, up to MSL_RBUF, which batches small frames well.  An
 * idle writer keeps a small buffer.
 */
#define MSL_RBUF_MIN 4096
#define MSL_RBUF 65536
/* A writer's buffer larger than this is given back once it is empty. */
#define MSL_BUF_KEEP (1024 * 1024)
/* Ready pipes fetched per epoll_wait during a scan. */
#define MSL_SCAN_EVENTS 256
/* Up to this many writers, a scan reads each pipe rather than asking epoll. */
#define MSL_SCAN_DIRECT 2
/*
 * How long a reader with nothing to read polls before it sleeps.  A sleeping
 * reader is woken by an inter-processor interrupt (~20 us on a VM) that the
 * writer pays for; a message that comes within this window costs neither.
 * The poll yields the CPU each round, so it never delays a writer that
 * shares the CPU.
 */
#define MSL_SPIN_NS 50000u
/*
 * A scan that found at least MSL_PAUSE_MIN frames means the writers stream;
 * the reader then lets MSL_PAUSE_NS pass before the next scan (msl_pause).
 */
#define MSL_PAUSE_MIN 2u
#define MSL_PAUSE_NS 5000u

void
mailslot_options_init(mailslot_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->quota_bytes = MAILSLOT_DEFAULT_QUOTA_BYTES;
	opt->quota_messages = MAILSLOT_DEFAULT_QUOTA_MESSAGES;
}

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
 * The heap has a slot reserved for every writer (msl_srv_hello_one).
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

/* msl_update_ev keeps the eventfd right; see mailslot_fd and msl_wait. */
static void
msl_update_ev(struct mailslot_server *s)
{
	uint64_t v = 1;
	int want = (s->count > 0 || s->held > 0) && (s->pollable || s->waiting > 0);

	if (want && s->evfd < 0) {
		/* A reader sleeps on epfd while another thread queued messages. */
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		if (fd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
			s->evfd = fd;
		else if (fd >= 0)
			close(fd);
	}
	if (s->evfd < 0)
		return;
	if (want && !s->ev_on) {
		if (write(s->evfd, &v, sizeof v) == sizeof v)
			s->ev_on = 1;
	} else if (!want && s->ev_on) {
		if (read(s->evfd, &v, sizeof v) == sizeof v)
			s->ev_on = 0;
	}
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

static void
msl_conn_free(struct mailslot_server *s, msl_conn *c, int in_list)
{
	if (in_list) {
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
		if (c->pipe >= 0)
			s->live--;
		if (!c->dead && c->role == MSL_ROLE_WRITER)
			s->writers--;
	}
	if (c->pipe >= 0) {
		/*
		 * The writer holds another descriptor of the same pipe end, so
		 * close() alone would leave the epoll registration (and its
		 * pointer to c) alive: remove it first.
		 */
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->pipe, NULL);
		close(c->pipe);
	}
	if (c->ctrl >= 0)
		close(c->ctrl);
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
	if (c->pipe >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->pipe, NULL);
		close(c->pipe);
		c->pipe = -1;
		s->live--;
	}
	if (c->ctrl >= 0) {
		close(c->ctrl);
		c->ctrl = -1;
	}
	if (!c->dead && c->role == MSL_ROLE_WRITER)
		s->writers--;
	c->dead = 1;
	c->wr = c->done;
	c->need = 0;
	if (c->nready == 0 && c->nheld == 0) {
		msl_conn_free(s, c, 1);
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
		/* The live page says so; a writer blocked on its full pipe wakes
		 * when the pipe drains.  FULL is still sent: it wakes that writer. */
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
 * ones are held until the next scan.  `now` is a time after the bytes were
 * read: no honest frame is later, so a frame's time is clamped to it (and
 * to the pipe's order), which keeps a hostile clock from holding frames
 * forever.  Returns -1 on a protocol violation.
 */
static int
msl_parse(struct mailslot_server *s, msl_conn *c, uint64_t bound, uint64_t now)
{
	uint32_t nready = 0;
	uint64_t rbytes = 0;
	size_t rend = c->ready;

	while (c->wr - c->done >= sizeof(msl_frame)) {
		msl_frame f;
		size_t hs = msl_frame_at(c, c->done, &f);
		if ((f.flags & ~MSL_FRAME_ORIGIN) != 0 ||
		    ((f.flags & MSL_FRAME_ORIGIN) && c->role != MSL_ROLE_RELAY))
			return -1;
		/* The writer checks these too; a frame that breaks them is hostile. */
		if ((s->opt.max_message_size != 0 && f.len > s->opt.max_message_size) ||
		    f.len > s->opt.quota_bytes)
			return -1;
		if (c->wr - c->done < hs + f.len) {
			c->need = hs + f.len;
			break;
		}
		c->need = 0;
		if (f.ts > now)
			f.ts = now;
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
		}
	}
	if (nready > 0)
		msl_make_ready(s, c, nready, rbytes, rend);
	return 0;
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
 * msl_conn_read drains c's pipe into its buffer: until the pipe is empty,
 * or a frame later than bound was seen (everything after it in this pipe
 * is later too).  Over quota (only_partial), it reads no further than the
 * end of a frame already begun, so a writer in the middle of a large frame
 * cannot hang.  Returns 1 if c was freed.
 */
static int
msl_conn_read(struct mailslot_server *s, msl_conn *c, uint64_t bound, int only_partial)
{
	for (;;) {
		size_t want = c->rsize ? c->rsize : MSL_RBUF_MIN, part = c->wr - c->done;
		if (c->need > part && c->need - part > want)
			want = c->need - part;
		if (only_partial) {
			if (part == 0)
				return 0;
			want = (c->need ? c->need : sizeof(msl_frame)) - part;
		}
		if (msl_conn_room(c, want) != 0)
			return 0; /* out of memory: the data waits in the pipe */
		size_t room = only_partial ? want : c->cap - c->wr;
		ssize_t r = read(c->pipe, c->buf + c->wr, room);
		if (r > 0) {
			/* A read that filled the room: offer more next time. */
			if ((size_t)r == room && !only_partial && room >= c->rsize)
				c->rsize = room < MSL_RBUF ? 2 * room : MSL_RBUF;
			c->wr += (size_t)r;
			if (msl_parse(s, c, bound, msl_now_ns()) != 0)
				return msl_conn_end(s, c);
			if (c->nheld > 0 || (size_t)r < room)
				return 0; /* a later frame, or the pipe is empty */
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		/* EOF: every copy of the writer's handle is closed. */
		return msl_conn_end(s, c);
	}
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
		c->nheld = 0;
		c->held_bytes = 0;
		msl_make_ready(s, c, n, bytes, c->done);
	}
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
	struct epoll_event ev[MSL_SCAN_EVENTS];
	int over = s->count >= s->opt.quota_messages || s->bytes >= s->opt.quota_bytes;

	if (over) {
		/*
		 * Over quota: leave the pipes alone so writers see FULL, but let a
		 * writer in the middle of a frame finish it, or it would hang.
		 */
		if (!s->full)
			msl_live_store(s, MSL_LIVE_FULL);
		s->full = 1;
		for (msl_conn *c = s->conns, *n; c != NULL; c = n) {
			n = c->next;
			msl_notify(s, c, MSL_NOTICE_FULL);
			if (c->pipe >= 0)
				msl_conn_read(s, c, 0, 1);
		}
		return;
	}
	if (s->full || s->renotify) {
		s->renotify = 0;
		for (msl_conn *c = s->conns; c != NULL; c = c->next)
			msl_notify(s, c, MSL_NOTICE_OK);
	}
	if (s->full)
		msl_live_store(s, 0);
	s->full = 0;

	/* Every frame whose write finished before t is in a pipe by now. */
	uint64_t t = msl_now_ns();
	/* Held frames were read before t, so their writes began before it. */
	msl_release_held(s);
	if (s->live <= MSL_SCAN_DIRECT) {
		for (msl_conn *c = s->conns, *nx; c != NULL; c = nx) {
			nx = c->next;
			if (c->pipe >= 0)
				msl_conn_read(s, c, t, 0);
		}
	} else {
		int n = epoll_wait(s->epfd, ev, MSL_SCAN_EVENTS, 0);
		if (n >= MSL_SCAN_EVENTS) {
			for (msl_conn *c = s->conns, *nx; c != NULL; c = nx) {
				nx = c->next;
				if (c->pipe >= 0)
					msl_conn_read(s, c, t, 0);
			}
		} else {
			for (int i = 0; i < n; i++) {
				msl_conn *c = ev[i].data.ptr;
				if (c != NULL && c->pipe >= 0)
					msl_conn_read(s, c, t, 0);
			}
		}
	}
	if (t > s->bound)
		s->bound = t;
}

void
msl_srv_scan(struct mailslot_server *s)
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
	msl_update_ev(s);
}

/* ---- accepting writers ---- */

void
msl_srv_accept(struct mailslot_server *s)
{
	for (;;) {
		int fd = accept4(s->listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN, or out of descriptors: retried on the next event */
		}
		msl_conn *c = calloc(1, sizeof *c);
		if (c == NULL || msl_peer_cred(fd, &c->pid, &c->uid, &c->gid) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->srv = s;
		c->ctrl = fd;
		c->pipe = -1;
		c->hidx = -1;
		c->next = s->hello;
		s->hello = c;
		if (msl_intake_watch_hello(c) != 0) {
			s->hello = c->next;
			close(fd);
			free(c);
		}
	}
}

/* msl_may_write applies the mailslot's access rule to a connecting peer. */
static mailslot_err
msl_may_write(struct mailslot_server *s, msl_conn *c)
{
	if (c->role == MSL_ROLE_RELAY) {
		pid_t dpid;
		uid_t duid;
		if (s->opt.flags & MAILSLOT_LOCAL_ONLY)
			return MAILSLOT_E_ACCESS;
		/*
		 * A relayed message claims a network origin, and the access rule
		 * below does not apply to it: only root, or this namespace's
		 * mailslotd started by root (or by the mailslot's own user), may
		 * use the role; anyone else could forge remote messages into a
		 * mailslot restricted to its owner.
		 */
		if (c->uid == 0 || (msl_daemon_cred(&dpid, &duid) == 0 && dpid == c->pid &&
		    (duid == 0 || duid == s->uid)))
			return MAILSLOT_OK;
		return MAILSLOT_E_ACCESS;
	}
	switch (s->opt.access) {
	case MAILSLOT_ACCESS_ANY:
		return MAILSLOT_OK;
	case MAILSLOT_ACCESS_USER:
		return c->uid == s->uid ? MAILSLOT_OK : MAILSLOT_E_ACCESS;
	case MAILSLOT_ACCESS_GROUP:
		return (c->uid == s->uid || msl_peer_in_group(c->ctrl, c->gid, s->gid))
		    ? MAILSLOT_OK : MAILSLOT_E_ACCESS;
	}
	return MAILSLOT_E_ACCESS;
}

/*
 * msl_srv_hello_one finishes the handshake of an accepted connection.
 * Returns 1 when c left the hello list (joined or dropped), 0 if its hello
 * has not arrived yet.
 */
static int
msl_srv_hello_one(struct mailslot_server *s, msl_conn *c)
{
	msl_hello h;
	msl_ack a;
	int fd = -1;
	ssize_t r = msl_recv_fd(c->ctrl, &h, sizeof h, &fd, MSG_DONTWAIT);

	if (r < 0 && errno == EAGAIN)
		return 0;
	memset(&a, 0, sizeof a);
	a.magic = MSL_MAGIC;
	a.max_message_size = s->opt.max_message_size;
	a.flags = s->opt.flags;
	a.access = (uint32_t)s->opt.access;
	a.count = s->count;
	a.pid = getpid();
	a.uid = s->uid;
	memcpy(a.path, s->name.path, sizeof a.path);
	if (r != (ssize_t)sizeof h || h.magic != MSL_MAGIC) {
		a.status = MAILSLOT_E_PROTO;
	} else {
		h.key[sizeof h.key - 1] = '\0';
		c->role = (int)h.role;
		if (c->role == MSL_ROLE_INFO) {
			/* Listing: metadata only, with an exact count. */
			msl_srv_scan(s);
			a.count = s->count;
			a.status = MAILSLOT_OK;
		}
		else if (strcmp(h.key, s->name.key) != 0)
			a.status = MAILSLOT_E_NOTFOUND; /* a hash collision */
		else if (c->role != MSL_ROLE_WRITER && c->role != MSL_ROLE_RELAY)
			a.status = MAILSLOT_E_PROTO;
		else if (fd < 0)
			a.status = MAILSLOT_E_PROTO;
		else
			a.status = msl_may_write(s, c);
	}
	if (a.status == MAILSLOT_OK && c->role != MSL_ROLE_INFO) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		int fl = fcntl(fd, F_GETFL);
		if (msl_heap_reserve(s, s->nconns + 1) != 0)
			a.status = MAILSLOT_E_NOMEM;
		else if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
		    epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			a.status = MAILSLOT_E_SYS;
	}
	if (a.status == MAILSLOT_OK && c->role != MSL_ROLE_INFO && s->live_slot >= 0 &&
	    msl_live_fd() >= 0) {
		/* The live page lets the writer check before each write for free. */
		msl_ack_live al;
		memset(&al, 0, sizeof al);
		al.ack = a;
		al.slot = (uint32_t)s->live_slot;
		al.gen = s->live_gen;
		c->live = msl_send_fd(c->ctrl, &al, sizeof al, msl_live_fd()) == (ssize_t)sizeof al;
	}
	if (!c->live)
		send(c->ctrl, &a, sizeof a, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (a.status != MAILSLOT_OK || c->role == MSL_ROLE_INFO) {
		if (fd >= 0)
			close(fd);
		msl_conn_free(s, c, 0);
		return 1;
	}
	/* The control socket stays open: it carries notices, and its EOF tells
	 * the writer that this server is gone. */
	c->pipe = fd;
	c->notice_sent = s->full ? 0 : MSL_NOTICE_OK;
	c->notice = s->full ? MSL_NOTICE_FULL : MSL_NOTICE_OK;
	if (s->full)
		msl_notify(s, c, MSL_NOTICE_FULL);
	msl_intake_unwatch_hello(c);
	c->id = ++s->conn_ids;
	c->next = s->conns;
	c->prev = NULL;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	s->live++;
	if (c->role == MSL_ROLE_WRITER)
		s->writers++;
	return 1;
}

void
msl_srv_hello(struct mailslot_server *s)
{
	msl_conn **pp = &s->hello;
	while (*pp != NULL) {
		msl_conn *c = *pp, *next = c->next;
		if (msl_srv_hello_one(s, c))
			*pp = next;
		else
			pp = &c->next;
	}
}

/* ---- public API ---- */

mailslot_err
mailslot_create(const char *name, const mailslot_options *opt, mailslot_server **out)
{
	mailslot_name n;
	mailslot_options o;
	struct sockaddr_un sa;
	socklen_t sl;
	char hex[33];
	mailslot_err e;

	if (out == NULL)
		return MAILSLOT_E_INVAL;
	if ((e = mailslot_name_parse(name, 1, &n)) != MAILSLOT_OK)
		return e;
	if (n.scope != MAILSLOT_SCOPE_LOCAL)
		return MAILSLOT_E_BADNAME; /* "A process cannot create a remote mailslot." */
	if (opt != NULL)
		o = *opt;
	else
		mailslot_options_init(&o);
	if (o.quota_bytes == 0)
		o.quota_bytes = MAILSLOT_DEFAULT_QUOTA_BYTES;
	if (o.quota_messages == 0)
		o.quota_messages = MAILSLOT_DEFAULT_QUOTA_MESSAGES;
	if ((unsigned)o.access > MAILSLOT_ACCESS_GROUP || (o.flags & ~MAILSLOT_LOCAL_ONLY))
		return MAILSLOT_E_INVAL;

	struct mailslot_server *s = calloc(1, sizeof *s);
	if (s == NULL)
		return MAILSLOT_E_NOMEM;
	s->listen = s->epfd = s->evfd = -1;
	s->name = n;
	s->opt = o;
	s->timeout_ms = o.read_timeout_ms;
	s->uid = geteuid();
	s->gid = getegid();
	snprintf(s->display, sizeof s->display, "\\\\.\\mailslot\\%s", n.path);
	pthread_mutex_init(&s->mu, NULL);
	msl_key_hash(n.key, hex);
	if (msl_abstract_addr(hex, &sa, &sl) != 0) {
		e = MAILSLOT_E_INVAL; /* MAILSLOT_NAMESPACE too long */
		goto fail;
	}
	s->listen = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->listen < 0 || s->epfd < 0) {
		e = MAILSLOT_E_SYS;
		goto fail;
	}
	if (bind(s->listen, (struct sockaddr *)&sa, sl) != 0) {
		/* The abstract name is the registry: taken means the mailslot exists. */
		e = errno == EADDRINUSE ? MAILSLOT_E_EXISTS : MAILSLOT_E_SYS;
		goto fail;
	}
	if (listen(s->listen, SOMAXCONN) != 0 || msl_intake_add(s) != 0) {
		e = MAILSLOT_E_SYS;
		goto fail;
	}
	*out = s;
	return MAILSLOT_OK;
fail:
	if (s->listen >= 0)
		close(s->listen);
	if (s->epfd >= 0)
		close(s->epfd);
	pthread_mutex_destroy(&s->mu);
	free(s);
	return e;
}

/*
 * msl_pop delivers the earliest ready frame into buf, or reports the size
 * it needs (the frame stays).  Called with a non-empty heap.
 */
static mailslot_err
msl_pop(struct mailslot_server *s, void *buf, size_t cap, size_t *len,
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
	if (c->nready > 0) {
		c->head_ts = msl_ts_at(c, c->rd);
		msl_heap_down(s, 0);
	} else {
		msl_heap_remove(s, c);
		if (c->dead && c->nheld == 0)
			msl_conn_free(s, c, 1);
	}
	msl_update_ev(s);
	return MAILSLOT_OK;
}

/*
 * msl_wait waits for frames, with the lock held and nothing queued.  For
 * up to MSL_SPIN_NS it yields the CPU (so a writer on this CPU goes first)
 * and looks again: reading the pipes themselves when there are few, else
 * asking epoll.  Then it sleeps in epoll_wait until a pipe or the eventfd
 * is readable.  Returns 1 once frames are queued, 0 when the caller should
 * scan (woken, or the deadline passed).
 */
static int
msl_wait(struct mailslot_server *s, uint64_t deadline)
{
	struct epoll_event ev;
	int epfd = s->epfd;
	uint64_t now = msl_now_ns(), spin_end = now + MSL_SPIN_NS;

	while (now < spin_end && now < deadline) {
		int direct = s->live <= MSL_SCAN_DIRECT, ready = 1;
		pthread_mutex_unlock(&s->mu);
		sched_yield();
		if (!direct)
			ready = epoll_wait(epfd, &ev, 1, 0) > 0;
		pthread_mutex_lock(&s->mu);
		if (s->nheap == 0 && s->held == 0 && ready)
			msl_srv_scan(s);
		if (s->nheap > 0 || s->held > 0)
			return 1;
		now = msl_now_ns();
	}
	int wait = msl_ms_until(deadline);
	if (wait == 0)
		return 0;
	/* Whoever queues frames while we sleep signals the eventfd. */
	s->waiting++;
	pthread_mutex_unlock(&s->mu);
	epoll_wait(epfd, &ev, 1, wait);
	pthread_mutex_lock(&s->mu);
	s->waiting--;
	msl_update_ev(s);
	return 0;
}

/*
 * msl_pause: the last scan found several frames, so the writers are
 * streaming.  Scanning again at once would find one or two frames and
 * fight the writers for their pipes' locks; a few microseconds' wait lets
 * a batch build up.  The wait yields the CPU, which writers sharing it
 * need.  Called and returns with the lock held.
 */
static void
msl_pause(struct mailslot_server *s)
{
	uint64_t until = msl_now_ns() + MSL_PAUSE_NS;
	pthread_mutex_unlock(&s->mu);
	while (msl_now_ns() < until)
		sched_yield();
	pthread_mutex_lock(&s->mu);
}

mailslot_err
mailslot_read_for(mailslot_server *s, void *buf, size_t cap, size_t *len,
    mailslot_msginfo *info, uint32_t timeout_ms)
{
	uint64_t deadline = timeout_ms == MAILSLOT_WAIT_FOREVER
	    ? UINT64_MAX : msl_now_ns() + (uint64_t)timeout_ms * 1000000u;
	mailslot_err e = MAILSLOT_E_TIMEOUT;

	if (s == NULL)
		return MAILSLOT_E_BADHANDLE;
	if (buf == NULL && cap != 0)
		return MAILSLOT_E_INVAL;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		/*
		 * Ready frames are delivered without a new scan: a frame that a
		 * scan finds later was written concurrently with them.
		 */
		if (s->nheap > 0) {
			e = msl_pop(s, buf, cap, len, info);
			break;
		}
		if (s->held == 0 && s->last_scan >= MSL_PAUSE_MIN) {
			if (deadline > msl_now_ns())
				msl_pause(s); /* the writers stream: let a batch build up */
		} else if (s->held == 0 && msl_wait(s, deadline)) {
			continue;
		}
		msl_srv_scan(s);
		if (s->nheap == 0 && s->held == 0 && msl_now_ns() >= deadline)
			break;
	}
	pthread_mutex_unlock(&s->mu);
	return e;
}

mailslot_err
mailslot_read(mailslot_server *s, void *buf, size_t cap, size_t *len,
    mailslot_msginfo *info)
{
	uint32_t t;
	if (s == NULL)
		return MAILSLOT_E_BADHANDLE;
	pthread_mutex_lock(&s->mu);
	t = s->timeout_ms;
	pthread_mutex_unlock(&s->mu);
	return mailslot_read_for(s, buf, cap, len, info, t);
}

mailslot_err
mailslot_get_info(mailslot_server *s, mailslot_info *out)
{
	if (s == NULL)
		return MAILSLOT_E_BADHANDLE;
	if (out == NULL)
		return MAILSLOT_E_INVAL;
	pthread_mutex_lock(&s->mu);
	msl_srv_scan(s);
	out->max_message_size = s->opt.max_message_size;
	if (s->nheap > 0) {
		msl_frame f;
		msl_frame_at(s->heap[0], s->heap[0]->rd, &f);
		out->next_size = f.len;
	} else {
		out->next_size = MAILSLOT_NO_MESSAGE;
	}
	out->count = s->count;
	out->read_timeout_ms = s->timeout_ms;
	out->queued_bytes = s->bytes;
	out->writers = s->writers;
	pthread_mutex_unlock(&s->mu);
	return MAILSLOT_OK;
}

mailslot_err
mailslot_set_timeout(mailslot_server *s, uint32_t timeout_ms)
{
	if (s == NULL)
		return MAILSLOT_E_BADHANDLE;
	pthread_mutex_lock(&s->mu);
	s->timeout_ms = timeout_ms;
	pthread_mutex_unlock(&s->mu);
	return MAILSLOT_OK;
}

int
mailslot_fd(mailslot_server *s)
{
	if (s == NULL)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (!s->pollable) {
		/*
		 * epfd holds every pipe; from now on it also holds an eventfd
		 * that is readable while messages are queued in memory, so epfd
		 * is readable while a message is queued, whoever drained it.
		 */
		s->pollable = 1;
		msl_srv_scan(s);
	}
	pthread_mutex_unlock(&s->mu);
	return s->epfd;
}

const char *
mailslot_server_name(const mailslot_server *s)
{
	return s ? s->display : "";
}

void
mailslot_close(mailslot_server *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->closing = 1;
	msl_live_store(s, MSL_LIVE_CLOSED);
	/* Closing the listener frees the name at once; closing the control
	 * sockets makes every writer's next write fail with GONE. */
	close(s->listen);
	s->listen = -1;
	while (s->conns != NULL)
		msl_conn_free(s, s->conns, 1);
	while (s->hello != NULL) {
		msl_conn *c = s->hello;
		s->hello = c->next;
		msl_conn_free(s, c, 0);
	}
	free(s->heap);
	s->heap = NULL;
	s->nheap = s->heap_cap = 0;
	s->count = s->held = 0;
	close(s->epfd);
	s->epfd = -1;
	if (s->evfd >= 0)
		close(s->evfd);
	s->evfd = -1;
	pthread_mutex_unlock(&s->mu);
	/* The intake thread may still hold a pointer from an epoll batch. */
	msl_intake_retire(s);
}
