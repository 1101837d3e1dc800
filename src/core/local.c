/* SPDX-License-Identifier: MIT */
/*
 * local.c - the writing side of a local mailslot: the writer's half of the
 * handshake, the frames written to its ring, and the checks before each
 * write (the live page, or the server's notices).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "daemonctl.h"
#include "local.h"

/* How long the handshake may take: the server's intake thread answers it. */
#define MSL_HELLO_TIMEOUT_MS 5000
/* The relay (mailslotd, one thread for all traffic) never waits long: a
 * server that does not answer at once is treated as full. */
#define MSL_RELAY_HELLO_TIMEOUT_MS 200

/*
 * The relay's proof, made once per process (again in a child of fork(),
 * whose pid is not the listener's): a connection to the daemon's control
 * socket that mailslotd holds for its life, so a burst of relay opens
 * never fills its backlog with proofs.
 */
static pthread_mutex_t msl_proof_mu = PTHREAD_MUTEX_INITIALIZER;
static int msl_proof_fd = -1;
static pid_t msl_proof_pid;

static int
msl_relay_proof(void)
{
	int fd;

	pthread_mutex_lock(&msl_proof_mu);
	if (msl_proof_fd >= 0 && msl_proof_pid != getpid()) {
		close(msl_proof_fd);
		msl_proof_fd = -1;
	}
	if (msl_proof_fd < 0 && (msl_proof_fd = msl_daemon_proof()) >= 0)
		msl_proof_pid = getpid();
	fd = msl_proof_fd;
	pthread_mutex_unlock(&msl_proof_mu);
	return fd;
}

/*
 * msl_hello_send is the first half of the writer's handshake: it connects
 * to `tail` (without blocking for a relay) and sends the hello with the
 * writer's ring; *sock_out is then the socket the ack will arrive on.
 * Errors as msl_hello_call's.
 */
static mailslot_err
msl_hello_send(const char *tail, const char *key, int role, int ring_fd, int *sock_out)
{
	msl_hello h;
	int fd, proof = -1;

	/* A relay connects without blocking: a full listen queue would
	 * otherwise hold the daemon without limit. */
	if (msl_connect_abstract(tail, role == MSL_ROLE_RELAY, &fd) != 0) {
		/* Nobody listens on the name: there is no such mailslot. */
		return errno == ECONNREFUSED || errno == ENOENT ? MAILSLOT_E_NOTFOUND
		    : errno == EAGAIN ? MAILSLOT_E_FULL
		    : errno == ENAMETOOLONG ? MAILSLOT_E_INVAL : msl_sys_err(errno);
	}
	memset(&h, 0, sizeof h);
	h.magic = MSL_MAGIC;
	h.role = (uint32_t)role;
	strncpy(h.key, key, sizeof h.key - 1);
	/* A relay proves it is the daemon (daemonctl.h). */
	if (role == MSL_ROLE_RELAY)
		proof = msl_relay_proof();
	if (msl_send_fds(fd, &h, sizeof h, (int[]){ ring_fd, proof }, 2) != (ssize_t)sizeof h) {
		close(fd);
		return MAILSLOT_E_NOTFOUND; /* the server closed meanwhile */
	}
	*sock_out = fd;
	return MAILSLOT_OK;
}

/*
 * msl_hello_recv is the second half: it reads the ack on fd without
 * waiting (the caller waited for POLLIN, r is that wait's result) and
 * closes fd on any failure.
 */
static mailslot_err
msl_hello_recv(int fd, int r, msl_ack_live *al, int *live_fd)
{
	int lfd = -1;

	*live_fd = -1;
	ssize_t n = r > 0 ? msl_recv_fds(fd, al, sizeof *al, &lfd, 1, MSG_DONTWAIT) : -1;
	if ((n != (ssize_t)sizeof al->ack && n != (ssize_t)sizeof *al) || al->ack.magic != MSL_MAGIC) {
		if (lfd >= 0)
			close(lfd);
		close(fd);
		return n == 0 ? MAILSLOT_E_NOTFOUND : r == 0 ? MAILSLOT_E_TIMEOUT : MAILSLOT_E_PROTO;
	}
	if (al->ack.status != MAILSLOT_OK) {
		if (lfd >= 0)
			close(lfd);
		close(fd);
		return (mailslot_err)al->ack.status;
	}
	/* A live page counts only with the whole msl_ack_live. */
	if (lfd >= 0 && n != (ssize_t)sizeof *al) {
		close(lfd);
		lfd = -1;
	}
	*live_fd = lfd;
	return MAILSLOT_OK;
}

mailslot_err
msl_hello_call(const char *tail, const char *key, int role, int ring_fd, int *sock_out,
    msl_ack_live *al, int *live_fd)
{
	int fd;
	mailslot_err e;

	*live_fd = -1;
	if ((e = msl_hello_send(tail, key, role, ring_fd, &fd)) != MAILSLOT_OK)
		return e;
	int r = msl_wait_fd(fd, POLLIN,
	    role == MSL_ROLE_RELAY ? MSL_RELAY_HELLO_TIMEOUT_MS : MSL_HELLO_TIMEOUT_MS);
	if ((e = msl_hello_recv(fd, r, al, live_fd)) == MAILSLOT_OK)
		*sock_out = fd;
	return e;
}

/*
 * An open in progress: the handshake's socket and the handle being made,
 * whose ring the hello carried (the server maps it, or never will: the
 * writer's mapping is all the handle needs, so no descriptor is kept).
 */
struct msl_relay_open {
	int fd;
	mailslot_client *c;
};

static void
msl_open_free(msl_relay_open *o)
{
	msl_ring_w_destroy(&o->c->ring);
	free(o->c);
	free(o);
}

/* msl_open_begin is msl_relay_open_start with the ring's size. */
static mailslot_err
msl_open_begin(const mailslot_name *n, int role, size_t ring_cap, msl_relay_open **out)
{
	char hex[33];
	int rfd;
	mailslot_err e;
	msl_relay_open *o = calloc(1, sizeof *o);

	if (o == NULL || (o->c = calloc(1, sizeof *o->c)) == NULL) {
		free(o);
		return MAILSLOT_E_NOMEM;
	}
	if ((rfd = msl_ring_w_create(&o->c->ring, ring_cap)) < 0) {
		e = msl_sys_err(errno);
		free(o->c);
		free(o);
		return e;
	}
	msl_key_hash(n->key, hex);
	e = msl_hello_send(hex, n->key, role, rfd, &o->fd);
	close(rfd);
	if (e != MAILSLOT_OK) {
		msl_open_free(o);
		return e;
	}
	o->c->name = *n;
	*out = o;
	return MAILSLOT_OK;
}

mailslot_err
msl_relay_open_start(const mailslot_name *n, int role, msl_relay_open **out)
{
	return msl_open_begin(n, role, MSL_RING_CAP, out);
}

int
msl_relay_open_fd(const msl_relay_open *o)
{
	return o->fd;
}

void
msl_relay_open_abort(msl_relay_open *o)
{
	if (o == NULL)
		return;
	close(o->fd);
	msl_open_free(o);
}

mailslot_err
msl_relay_open_finish(msl_relay_open *o, mailslot_client **out)
{
	int lfd;
	msl_ack_live al;
	mailslot_client *c = o->c;

	/* Not answered yet: the open stays in progress. */
	if (msl_wait_fd(o->fd, POLLIN, 0) == 0)
		return MAILSLOT_E_TIMEOUT;
	mailslot_err e = msl_hello_recv(o->fd, 1, &al, &lfd);
	if (e != MAILSLOT_OK) {
		msl_open_free(o); /* msl_hello_recv closed the socket */
		return e;
	}
	if (lfd >= 0) {
		/* Without a usable page the writer polls ctrl instead. */
		(void)msl_live_map(lfd, &al, &c->live);
		close(lfd);
	}
	c->ctrl = o->fd;
	c->max = al.ack.max_message_size;
	c->quota = al.ack.quota_bytes;
	pthread_mutex_init(&c->mu, NULL);
	free(o);
	*out = c;
	return MAILSLOT_OK;
}

mailslot_err
msl_client_open_role(const mailslot_name *n, int role, mailslot_client **out)
{
	return msl_client_open_ring(n, role, MSL_RING_CAP, out);
}

mailslot_err
msl_client_open_ring(const mailslot_name *n, int role, size_t ring_cap, mailslot_client **out)
{
	msl_relay_open *o;
	mailslot_err e = msl_open_begin(n, role, ring_cap, &o);

	if (e != MAILSLOT_OK)
		return e;
	int r = msl_wait_fd(o->fd, POLLIN,
	    role == MSL_ROLE_RELAY ? MSL_RELAY_HELLO_TIMEOUT_MS : MSL_HELLO_TIMEOUT_MS);
	if (r <= 0) {
		e = r == 0 ? MAILSLOT_E_TIMEOUT : msl_sys_err(errno);
		msl_relay_open_abort(o);
		return e;
	}
	return msl_relay_open_finish(o, out);
}

/*
 * msl_poll_notices reads what the server said since the last write.
 * Returns GONE once the server closed, else OK with c->full updated.
 */
static mailslot_err
msl_poll_notices(mailslot_client *c)
{
	for (;;) {
		uint32_t v;
		ssize_t r = recv(c->ctrl, &v, sizeof v, MSG_DONTWAIT);
		if (r == (ssize_t)sizeof v) {
			if (v == MSL_NOTICE_FULL || v == MSL_NOTICE_OK)
				c->full = v == MSL_NOTICE_FULL;
			else if (v == MSL_NOTICE_SHARE_FULL || v == MSL_NOTICE_SHARE_OK)
				c->share_full = v == MSL_NOTICE_SHARE_FULL;
			/* MSL_NOTICE_ROOM only wakes a writer waiting for room. */
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return MAILSLOT_OK;
		/* EOF or a reset: the server closed the mailslot or died. */
		c->broken = MAILSLOT_E_GONE;
		return MAILSLOT_E_GONE;
	}
}

/*
 * msl_check tells whether a write may go ahead: GONE once the server closed
 * the mailslot or its process died, FULL while it is over quota.  With the
 * live page this costs two memory loads; without it, a recv on ctrl.
 */
static mailslot_err
msl_check(mailslot_client *c)
{
	mailslot_err e;

	if (c->live.page != NULL) {
		/* Over our user's share, only a notice says when that ends. */
		if (c->share_full && (e = msl_poll_notices(c)) != MAILSLOT_OK)
			return e;
		if (msl_live_check(&c->live, &c->full) != MAILSLOT_OK) {
			c->broken = MAILSLOT_E_GONE;
			return MAILSLOT_E_GONE;
		}
	} else if ((e = msl_poll_notices(c)) != MAILSLOT_OK) {
		return e;
	}
	return c->full || c->share_full ? MAILSLOT_E_FULL : MAILSLOT_OK;
}

/* msl_ring_bell tells the server of new data when it asked to be told. */
static void
msl_ring_bell(mailslot_client *c, size_t n)
{
	if (msl_ring_w_publish(&c->ring, n))
		(void)send(c->ctrl, "b", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* msl_put_iov copies n bytes of iov, from byte `from` on, into the ring
 * `off` bytes past its tail. */
static void
msl_put_iov(mailslot_client *c, const struct iovec *iov, int niov, size_t from, size_t off,
    size_t n)
{
	for (int i = 0; i < niov && n > 0; i++) {
		if (from >= iov[i].iov_len) {
			from -= iov[i].iov_len;
			continue;
		}
		size_t k = iov[i].iov_len - from < n ? iov[i].iov_len - from : n;
		msl_ring_w_put(&c->ring, off, (const char *)iov[i].iov_base + from, k);
		off += k;
		n -= k;
		from = 0;
	}
}

/*
 * msl_ring_wait waits for ring room, with the ring unlocked: returns OK
 * to try again, FULL or GONE (the server said so, or `done` is 0 and
 * wait_ms passed), or TIMEOUT when half a frame is out (the handle is
 * then broken).  *deadline is set on the first wait.
 */
static mailslot_err
msl_ring_wait(mailslot_client *c, size_t need, size_t done, uint32_t wait_ms, uint64_t *deadline)
{
	mailslot_err e;

	if ((e = msl_poll_notices(c)) != MAILSLOT_OK)
		return e;
	if ((e = msl_check(c)) == MAILSLOT_E_GONE)
		return e;
	if ((c->full || c->share_full || wait_ms == 0) && done == 0)
		return MAILSLOT_E_FULL;
	if (*deadline == 0)
		*deadline = msl_now_ns() + (uint64_t)wait_ms * 1000000u;
	int wait = msl_ms_until(*deadline);
	if (wait == 0) {
		if (done != 0)
			c->broken = MAILSLOT_E_TIMEOUT; /* half a frame is out */
		return done ? MAILSLOT_E_TIMEOUT : MAILSLOT_E_FULL;
	}
	/* The server answers a new `want` with a ROOM notice once it has
	 * consumed; FULL and its end come on the same socket.  The doorbell
	 * tells it we wait: it may keep large bodies in the ring for its
	 * reader, and copies them out for us (queue.c). */
	if (msl_ring_w_want(&c->ring) < need) {
		(void)send(c->ctrl, "w", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)msl_wait_fd(c->ctrl, POLLIN, wait);
	}
	return MAILSLOT_OK;
}

/*
 * msl_ring_send puts one frame (total bytes of iov) into the ring.  A
 * frame that fits goes in whole, in one publish; a larger one in parts,
 * as room appears.
 */
static mailslot_err
msl_ring_send(mailslot_client *c, const struct iovec *iov, int niov, size_t total,
    uint32_t wait_ms)
{
	size_t done = 0;
	uint64_t deadline = 0;
	mailslot_err e;

	for (;;) {
		msl_ring_w_lock(&c->ring);
		size_t room = msl_ring_w_space(&c->ring), left = total - done;
		size_t n = left <= room ? left : total > c->ring.cap ? room : 0;
		if (n > 0) {
			msl_put_iov(c, iov, niov, done, 0, n);
			msl_ring_bell(c, n);
			done += n;
		}
		msl_ring_w_unlock(&c->ring);
		if (done == total)
			return MAILSLOT_OK;
		size_t need = total > c->ring.cap ? 1 : total - done;
		if ((e = msl_ring_wait(c, need, done, wait_ms, &deadline)) != MAILSLOT_OK)
			return e;
	}
}

static mailslot_err
msl_client_write_locked(mailslot_client *c, const void *data, size_t len,
    const msl_origin *origin, uint32_t wait_ms)
{
	msl_frame f;
	struct iovec iov[3];
	int niov = 0;
	mailslot_err e;

	if (c->broken)
		return c->broken;
	if ((c->max != 0 && len > c->max) || len > UINT32_MAX)
		return MAILSLOT_E_MSGSIZE;
	/* The server would take such a frame for an attack; it is simply full
	 * for it, and the handle stays usable. */
	if (c->quota != 0 && len > c->quota)
		return MAILSLOT_E_FULL;
	if ((e = msl_check(c)) != MAILSLOT_OK) {
		if (e == MAILSLOT_E_FULL && c->live.page != NULL)
			msl_poll_notices(c); /* drain the FULL notices that woke nobody */
		return e;
	}
	/* The time a write begins orders it against every other writer. */
	f.len = (uint32_t)len;
	f.flags = origin ? MSL_FRAME_ORIGIN : 0;
	f.ts = msl_now_ns();
	iov[niov++] = (struct iovec){ &f, sizeof f };
	if (origin)
		iov[niov++] = (struct iovec){ (void *)origin, sizeof *origin };
	if (len)
		iov[niov++] = (struct iovec){ (void *)data, len };
	return msl_ring_send(c, iov, niov, sizeof f + (origin ? sizeof *origin : 0) + len,
	    wait_ms);
}

mailslot_err
msl_local_write(mailslot_client *c, const void *data, size_t len, const msl_origin *origin,
    uint32_t wait_ms)
{
	mailslot_err e;
	pthread_mutex_lock(&c->mu);
	e = msl_client_write_locked(c, data, len, origin, wait_ms);
	pthread_mutex_unlock(&c->mu);
	return e;
}

mailslot_err
msl_client_write_origin(mailslot_client *c, const void *data, size_t len,
    const msl_origin *origin, uint32_t wait_ms)
{
	if (c == NULL)
		return MAILSLOT_E_BADHANDLE;
	if (data == NULL && len != 0)
		return MAILSLOT_E_INVAL;
	/* The daemon bounds its own wait: it must not stall on one reader. */
	return msl_local_write(c, data, len, origin,
	    wait_ms < MSL_STALL_TIMEOUT_MS ? wait_ms : MSL_STALL_TIMEOUT_MS);
}

size_t
msl_client_write_batch(mailslot_client *c, const msl_batch_msg *m, size_t n)
{
	size_t i = 0, off = 0;

	pthread_mutex_lock(&c->mu);
	if (c->broken || msl_check(c) != MAILSLOT_OK)
		goto out;
	/* Whole frames while they fit, published together. */
	msl_ring_w_lock(&c->ring);
	size_t room = msl_ring_w_space(&c->ring);
	uint64_t ts = msl_now_ns();
	for (; i < n; i++) {
		size_t fl = sizeof(msl_frame) + sizeof(msl_origin) + m[i].len;
		if (off + fl > room || (c->max != 0 && m[i].len > c->max) ||
		    (c->quota != 0 && m[i].len > c->quota))
			break; /* the caller writes it alone, and waits */
		msl_frame f = { .len = (uint32_t)m[i].len, .flags = MSL_FRAME_ORIGIN, .ts = ts };
		struct iovec iov[3] = { { &f, sizeof f }, { (void *)m[i].origin, sizeof(msl_origin) },
			{ (void *)m[i].data, m[i].len } };
		msl_put_iov(c, iov, 3, 0, off, fl);
		off += fl;
	}
	if (off > 0)
		msl_ring_bell(c, off);
	msl_ring_w_unlock(&c->ring);
out:
	pthread_mutex_unlock(&c->mu);
	return i;
}

void
msl_local_close(mailslot_client *c)
{
	close(c->ctrl);
	msl_ring_w_destroy(&c->ring);
	msl_live_unmap(&c->live);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
