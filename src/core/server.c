/*
 * server.c - the server side of a local mailslot: creation, the frame
 * parser, the merged queue, reads and queue information.
 *
 * Every function named msl_srv_* runs with srv->mu held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "server.h"

/* Bytes read from a pipe per read(2): large enough to batch small frames. */
#define MSL_RBUF 65536
/* Ready pipes fetched per epoll_wait during a scan. */
#define MSL_SCAN_EVENTS 256

void
mailslot_options_init(mailslot_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->quota_bytes = MAILSLOT_DEFAULT_QUOTA_BYTES;
	opt->quota_messages = MAILSLOT_DEFAULT_QUOTA_MESSAGES;
}

/* ---- queue ---- */

/*
 * msl_enqueue inserts m by (ts, seq).  Frames from one writer arrive in
 * time order and writers interleave closely, so the walk from the tail is
 * almost always zero or one step.
 */
static void
msl_enqueue(struct mailslot_server *s, msl_msg *m)
{
	msl_msg *p = s->tail;
	m->seq = ++s->seq;
	while (p != NULL && p->ts > m->ts)
		p = p->prev;
	m->prev = p;
	m->next = p ? p->next : s->head;
	if (m->next)
		m->next->prev = m;
	else
		s->tail = m;
	if (p)
		p->next = m;
	else
		s->head = m;
	s->count++;
	s->bytes += m->len;
}

static msl_msg *
msl_dequeue(struct mailslot_server *s)
{
	msl_msg *m = s->head;
	if (m == NULL)
		return NULL;
	s->head = m->next;
	if (s->head)
		s->head->prev = NULL;
	else
		s->tail = NULL;
	s->count--;
	s->bytes -= m->len;
	return m;
}

static void
msl_free_list(msl_msg *m)
{
	while (m != NULL) {
		msl_msg *n = m->next;
		free(m);
		m = n;
	}
}

/* msl_update_ev keeps the pollable eventfd readable exactly while count > 0. */
static void
msl_update_ev(struct mailslot_server *s)
{
	uint64_t v = 1;
	if (s->evfd < 0)
		return;
	if (s->count > 0 && !s->ev_on) {
		if (write(s->evfd, &v, sizeof v) == sizeof v)
			s->ev_on = 1;
	} else if (s->count == 0 && s->ev_on) {
		if (read(s->evfd, &v, sizeof v) == sizeof v)
			s->ev_on = 0;
	}
}

/* ---- connections ---- */

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
		if (c->role == MSL_ROLE_WRITER)
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
	free(c->cur);
	msl_free_list(c->held);
	free(c);
}

/* msl_notify tells one writer whether the mailslot is full, once per change. */
static void
msl_notify(msl_conn *c, int notice)
{
	uint32_t v = (uint32_t)notice;
	c->notice = notice;
	if (c->notice_sent == notice)
		return;
	/* A full control queue means the writer is not writing; retry later. */
	if (send(c->ctrl, &v, sizeof v, MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof v)
		c->notice_sent = notice;
}

/*
 * msl_parse consumes n bytes of c's pipe stream.  Complete frames with a
 * time at or before `bound` join the queue; later ones wait in c->held
 * until a scan that began after them.  Returns 1 if a frame later than
 * bound was seen (the rest of the pipe is later still), 0 if not, -1 on a
 * protocol violation (the connection must be dropped).
 */
static int
msl_parse(struct mailslot_server *s, msl_conn *c, const unsigned char *p,
    size_t n, uint64_t bound)
{
	int late = 0;
	while (n > 0) {
		if (c->cur == NULL) {
			msl_frame f;
			size_t need = sizeof f, k;
			if (c->hdr_have >= sizeof f) {
				memcpy(&f, c->hdr, sizeof f);
				if (f.flags & MSL_FRAME_ORIGIN)
					need += sizeof(msl_origin);
			}
			k = need - c->hdr_have;
			if (k > n)
				k = n;
			memcpy(c->hdr + c->hdr_have, p, k);
			c->hdr_have += k;
			p += k;
			n -= k;
			if (c->hdr_have < sizeof f)
				continue;
			memcpy(&f, c->hdr, sizeof f);
			if ((f.flags & ~MSL_FRAME_ORIGIN) != 0 ||
			    ((f.flags & MSL_FRAME_ORIGIN) && c->role != MSL_ROLE_RELAY))
				return -1;
			if ((f.flags & MSL_FRAME_ORIGIN) &&
			    c->hdr_have < sizeof f + sizeof(msl_origin))
				continue;
			/* The writer checks these too; a frame that breaks them is hostile. */
			if ((s->opt.max_message_size != 0 && f.len > s->opt.max_message_size) ||
			    f.len > s->opt.quota_bytes)
				return -1;
			msl_msg *m = malloc(sizeof *m + f.len);
			if (m == NULL)
				return -1;
			memset(m, 0, sizeof *m);
			m->ts = f.ts;
			m->len = f.len;
			m->pid = c->pid;
			m->uid = c->uid;
			m->gid = c->gid;
			if (f.flags & MSL_FRAME_ORIGIN) {
				m->remote = 1;
				memcpy(&m->origin, c->hdr + sizeof f, sizeof m->origin);
				m->origin.name[15] = '\0';
			}
			c->cur = m;
			c->cur_have = 0;
			c->hdr_have = 0;
		}
		size_t k = c->cur->len - c->cur_have;
		if (k > n)
			k = n;
		memcpy(c->cur->data + c->cur_have, p, k);
		c->cur_have += k;
		p += k;
		n -= k;
		if (c->cur_have == c->cur->len) {
			msl_msg *m = c->cur;
			c->cur = NULL;
			if (m->ts <= bound && c->held == NULL) {
				msl_enqueue(s, m);
			} else {
				late = 1;
				m->next = NULL;
				m->prev = c->held_tail;
				if (c->held_tail)
					c->held_tail->next = m;
				else
					c->held = m;
				c->held_tail = m;
			}
		}
	}
	return late;
}

/*
 * msl_conn_read drains c's pipe.  It stops early once a frame later than
 * bound was seen, because everything after it in this pipe is later too.
 * Returns -1 when the connection ended (EOF or violation) and was freed.
 */
static int
msl_conn_read(struct mailslot_server *s, msl_conn *c, uint64_t bound)
{
	for (;;) {
		ssize_t r = read(c->pipe, s->rbuf, MSL_RBUF);
		if (r > 0) {
			int late = msl_parse(s, c, s->rbuf, (size_t)r, bound);
			if (late < 0) {
				msl_conn_free(s, c, 1);
				return -1;
			}
			if (late)
				return 0;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		/* EOF: every copy of the writer's handle is closed. */
		msl_conn_free(s, c, 1);
		return -1;
	}
}

/* msl_release_held moves frames held back by earlier scans into the queue. */
static void
msl_release_held(struct mailslot_server *s)
{
	for (msl_conn *c = s->conns; c != NULL; c = c->next) {
		while (c->held != NULL) {
			msl_msg *m = c->held;
			c->held = m->next;
			msl_enqueue(s, m);
		}
		c->held_tail = NULL;
	}
}

void
msl_srv_scan(struct mailslot_server *s)
{
	struct epoll_event ev[MSL_SCAN_EVENTS];
	int over = s->count >= s->opt.quota_messages || s->bytes >= s->opt.quota_bytes;

	if (over) {
		/*
		 * Over quota: leave the pipes alone so writers see FULL, but let a
		 * writer in the middle of a frame finish it, or it would hang.
		 */
		s->full = 1;
		for (msl_conn *c = s->conns, *n; c != NULL; c = n) {
			n = c->next;
			msl_notify(c, MSL_NOTICE_FULL);
			if (c->cur != NULL || c->hdr_have != 0)
				msl_conn_read(s, c, 0);
		}
		msl_update_ev(s);
		return;
	}
	for (msl_conn *c = s->conns; c != NULL; c = c->next)
		if (s->full || c->notice_sent != c->notice)
			msl_notify(c, MSL_NOTICE_OK);
	s->full = 0;

	/* Every frame whose write finished before t is in a pipe by now. */
	uint64_t t = msl_now_ns();
	msl_release_held(s);
	int n = epoll_wait(s->epfd, ev, MSL_SCAN_EVENTS, 0);
	if (n >= MSL_SCAN_EVENTS) {
		for (msl_conn *c = s->conns, *nx; c != NULL; c = nx) {
			nx = c->next;
			msl_conn_read(s, c, t);
		}
	} else {
		for (int i = 0; i < n; i++)
			if (ev[i].data.ptr != NULL)
				msl_conn_read(s, ev[i].data.ptr, t);
	}
	if (t > s->bound)
		s->bound = t;
	s->drains++;
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
	if (c->role == MSL_ROLE_RELAY)
		return (s->opt.flags & MAILSLOT_LOCAL_ONLY) ? MAILSLOT_E_ACCESS : MAILSLOT_OK;
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
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
		    epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			a.status = MAILSLOT_E_SYS;
	}
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
		msl_notify(c, MSL_NOTICE_FULL);
	msl_intake_unwatch_hello(c);
	c->next = s->conns;
	c->prev = NULL;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
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
	s->rbuf = malloc(MSL_RBUF);
	pthread_mutex_init(&s->mu, NULL);
	msl_key_hash(n.key, hex);
	if (s->rbuf == NULL) {
		e = MAILSLOT_E_NOMEM;
		goto fail;
	}
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
	free(s->rbuf);
	free(s);
	return e;
}

static void
msl_fill_info(const msl_msg *m, mailslot_msginfo *info)
{
	memset(info, 0, sizeof *info);
	info->remote = m->remote;
	info->pid = m->pid;
	info->uid = m->uid;
	info->gid = m->gid;
	info->sent_ns = m->ts;
	if (m->remote) {
		info->src_ip = m->origin.ip;
		info->src_port = m->origin.port;
		memcpy(info->src_name, m->origin.name, sizeof info->src_name);
	}
}

mailslot_err
mailslot_read_for(mailslot_server *s, void *buf, size_t cap, size_t *len,
    mailslot_msginfo *info, uint32_t timeout_ms)
{
	uint64_t deadline = timeout_ms == MAILSLOT_WAIT_FOREVER
	    ? UINT64_MAX : msl_now_ns() + (uint64_t)timeout_ms * 1000000u;
	struct epoll_event ev;

	if (s == NULL)
		return MAILSLOT_E_BADHANDLE;
	if (buf == NULL && cap != 0)
		return MAILSLOT_E_INVAL;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		msl_srv_scan(s);
		msl_msg *m = s->head;
		if (m != NULL) {
			if (cap < m->len) {
				/* Windows keeps the message and reports the size needed. */
				if (len)
					*len = m->len;
				pthread_mutex_unlock(&s->mu);
				return MAILSLOT_E_BUFSIZE;
			}
			msl_dequeue(s);
			msl_update_ev(s);
			pthread_mutex_unlock(&s->mu);
			if (m->len)
				memcpy(buf, m->data, m->len);
			if (len)
				*len = m->len;
			if (info)
				msl_fill_info(m, info);
			free(m);
			return MAILSLOT_OK;
		}
		int wait = msl_ms_until(deadline);
		if (wait == 0)
			break;
		int epfd = s->epfd;
		pthread_mutex_unlock(&s->mu);
		/* Woken by a pipe (or the eventfd); the next scan sorts it out. */
		epoll_wait(epfd, &ev, 1, wait);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return MAILSLOT_E_TIMEOUT;
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
	out->next_size = s->head ? s->head->len : MAILSLOT_NO_MESSAGE;
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
	if (s->evfd < 0) {
		/*
		 * The reader waits on epfd, which holds every pipe; adding an
		 * eventfd that mirrors "queue not empty" makes epfd itself readable
		 * while a message is queued, whoever drained it.
		 */
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		if (fd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0) {
			s->evfd = fd;
			msl_srv_scan(s);
		} else if (fd >= 0) {
			close(fd);
		}
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
	msl_free_list(s->head);
	s->head = s->tail = NULL;
	s->count = 0;
	close(s->epfd);
	s->epfd = -1;
	if (s->evfd >= 0)
		close(s->evfd);
	s->evfd = -1;
	free(s->rbuf);
	s->rbuf = NULL;
	pthread_mutex_unlock(&s->mu);
	/* The intake thread may still hold a pointer from an epoll batch. */
	msl_intake_retire(s);
}
