/* SPDX-License-Identifier: MIT */
/*
 * local.c - the writing side of a local mailslot: the writer's half of the
 * handshake, the frames written to its pipe, and the checks before each
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
/* Pipe size asked for: room for a burst while the intake thread wakes. */
#define MSL_PIPE_SIZE (256 * 1024)
/* Frames up to this size are copied into one buffer before the write. */
#define MSL_SMALL_FRAME 512

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
 * to `tail` (without blocking for a relay) and sends the hello; *sock_out
 * is then the socket the ack will arrive on.  Errors as msl_hello_call's.
 */
static mailslot_err
msl_hello_send(const char *tail, const char *key, int role, int pipe_rd, int *sock_out)
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
	if (msl_send_fds(fd, &h, sizeof h, (int[]){ pipe_rd, proof }, 2) != (ssize_t)sizeof h) {
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
msl_hello_call(const char *tail, const char *key, int role, int pipe_rd, int *sock_out,
    msl_ack_live *al, int *live_fd)
{
	int fd;
	mailslot_err e;

	*live_fd = -1;
	if ((e = msl_hello_send(tail, key, role, pipe_rd, &fd)) != MAILSLOT_OK)
		return e;
	int r = msl_wait_fd(fd, POLLIN,
	    role == MSL_ROLE_RELAY ? MSL_RELAY_HELLO_TIMEOUT_MS : MSL_HELLO_TIMEOUT_MS);
	if ((e = msl_hello_recv(fd, r, al, live_fd)) == MAILSLOT_OK)
		*sock_out = fd;
	return e;
}

/*
 * msl_client_setup makes the client handle of a finished handshake in
 * role: its pipe p, control socket ctrl, the ack al and its live page lfd (closed
 * here).  On failure (NOMEM) the caller still owns p and ctrl.
 */
static mailslot_err
msl_client_setup(const mailslot_name *n, int role, const int p[2], int ctrl,
    const msl_ack_live *al, int lfd, mailslot_client **out)
{
	mailslot_client *c = calloc(1, sizeof *c);

	if (c == NULL) {
		if (lfd >= 0)
			close(lfd);
		return MAILSLOT_E_NOMEM;
	}
	if (lfd >= 0) {
		/* Without a usable page the writer polls ctrl instead. */
		(void)msl_live_map(lfd, al, &c->live);
		close(lfd);
	}
	/*
	 * A writer keeps its copy of the read end: a pipe with a reader never
	 * raises SIGPIPE, and the control socket reports the server's end.  A
	 * relay (mailslotd, which ignores SIGPIPE) saves that descriptor, as it
	 * holds thousands of handles: a write after the server's end is EPIPE.
	 */
	c->ctrl = ctrl;
	c->rd = p[0];
	if (role == MSL_ROLE_RELAY) {
		close(p[0]);
		c->rd = -1;
	}
	c->wr = p[1];
	c->max = al->ack.max_message_size;
	c->quota = al->ack.quota_bytes;
	c->name = *n;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return MAILSLOT_OK;
}

/* An open in progress: the handshake's socket and the client's pipe. */
struct msl_relay_open {
	mailslot_name name;
	int fd;
	int p[2];
	int role;
};

mailslot_err
msl_relay_open_start(const mailslot_name *n, int role, msl_relay_open **out)
{
	char hex[33];
	mailslot_err e;
	msl_relay_open *o = calloc(1, sizeof *o);

	if (o == NULL)
		return MAILSLOT_E_NOMEM;
	if (msl_pipe(o->p, MSL_PIPE_SIZE) != 0) {
		free(o);
		return msl_sys_err(errno);
	}
	msl_key_hash(n->key, hex);
	if ((e = msl_hello_send(hex, n->key, role, o->p[0], &o->fd)) != MAILSLOT_OK) {
		close(o->p[0]);
		close(o->p[1]);
		free(o);
		return e;
	}
	o->name = *n;
	o->role = role;
	*out = o;
	return MAILSLOT_OK;
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
	close(o->p[0]);
	close(o->p[1]);
	free(o);
}

mailslot_err
msl_relay_open_finish(msl_relay_open *o, mailslot_client **out)
{
	int lfd;
	msl_ack_live al;
	mailslot_err e;

	/* Not answered yet: the open stays in progress. */
	if (msl_wait_fd(o->fd, POLLIN, 0) == 0)
		return MAILSLOT_E_TIMEOUT;
	e = msl_hello_recv(o->fd, 1, &al, &lfd);
	if (e == MAILSLOT_OK)
		e = msl_client_setup(&o->name, o->role, o->p, o->fd, &al, lfd, out);
	else
		o->fd = -1; /* msl_hello_recv closed it */
	if (e != MAILSLOT_OK) {
		if (o->fd >= 0)
			close(o->fd);
		close(o->p[0]);
		close(o->p[1]);
	}
	free(o);
	return e;
}

mailslot_err
msl_client_open_role(const mailslot_name *n, int role, mailslot_client **out)
{
	msl_relay_open *o;
	mailslot_err e = msl_relay_open_start(n, role, &o);

	if (e != MAILSLOT_OK)
		return e;
	int r = msl_wait_fd(o->fd, POLLIN,
	    role == MSL_ROLE_RELAY ? MSL_RELAY_HELLO_TIMEOUT_MS : MSL_HELLO_TIMEOUT_MS);
	if (r <= 0) {
		msl_relay_open_abort(o);
		return r == 0 ? MAILSLOT_E_TIMEOUT : msl_sys_err(errno);
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
			else
				c->share_full = v == MSL_NOTICE_SHARE_FULL;
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

static mailslot_err
msl_client_write_locked(mailslot_client *c, const void *data, size_t len,
    const msl_origin *origin, uint32_t wait_ms)
{
	msl_frame f;
	struct iovec iov[3];
	unsigned char small[MSL_SMALL_FRAME];
	int niov = 0;
	size_t total, done = 0;
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
	total = sizeof f + (origin ? sizeof *origin : 0) + len;
	if (total <= sizeof small) {
		/* One buffer: write(2) with no iovec to import is cheaper. */
		size_t k = 0;
		for (int i = 0; i < niov; i++) {
			memcpy(small + k, iov[i].iov_base, iov[i].iov_len);
			k += iov[i].iov_len;
		}
		iov[0] = (struct iovec){ small, total };
		niov = 1;
	}

	uint64_t deadline = 0; /* set when the pipe is first found full */
	for (;;) {
		ssize_t r = niov == 1 ? write(c->wr, iov[0].iov_base, iov[0].iov_len)
		    : writev(c->wr, iov, niov);
		if (r > 0) {
			done += (size_t)r;
			if (done == total)
				return MAILSLOT_OK;
			/* Skip what went out; a frame larger than PIPE_BUF goes in parts. */
			size_t k = (size_t)r;
			int i = 0;
			while (k >= iov[i].iov_len) {
				k -= iov[i].iov_len;
				i++;
			}
			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			memmove(iov, iov + i, (size_t)(niov - i) * sizeof iov[0]);
			niov -= i;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EPIPE)
			return MAILSLOT_E_GONE; /* a relay's pipe, whose server closed */
		if (r < 0 && errno != EAGAIN)
			return msl_sys_err(errno);
		/* The pipe is full: the server is over quota, gone, or behind. */
		if ((e = msl_poll_notices(c)) != MAILSLOT_OK)
			return e;
		if ((e = msl_check(c)) == MAILSLOT_E_GONE)
			return e;
		if ((c->full || c->share_full || wait_ms == 0) && done == 0)
			return MAILSLOT_E_FULL;
		if (deadline == 0)
			deadline = msl_now_ns() + (uint64_t)wait_ms * 1000000u;
		int wait = msl_ms_until(deadline);
		if (wait == 0) {
			if (done != 0)
				c->broken = MAILSLOT_E_TIMEOUT; /* half a frame is out */
			return done ? MAILSLOT_E_TIMEOUT : MAILSLOT_E_FULL;
		}
		struct pollfd pf[2] = { { .fd = c->wr, .events = POLLOUT },
			{ .fd = c->ctrl, .events = POLLIN } };
		poll(pf, 2, wait);
	}
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
	size_t i = 0;

	pthread_mutex_lock(&c->mu);
	if (c->broken || msl_check(c) != MAILSLOT_OK)
		goto out;
	while (i < n) {
		/* Whole frames, at most PIPE_BUF bytes a write: such a write to
		 * a pipe is all or nothing, so no frame is ever cut. */
		msl_frame f[PIPE_BUF / sizeof(msl_frame)];
		struct iovec iov[3 * (PIPE_BUF / sizeof(msl_frame))];
		size_t k = 0, total = 0, j = i;
		int niov = 0;
		uint64_t ts = msl_now_ns();
		for (; j < n; j++, k++) {
			size_t fl = sizeof(msl_frame) + sizeof(msl_origin) + m[j].len;
			if (total + fl > PIPE_BUF || (c->max != 0 && m[j].len > c->max) ||
			    (c->quota != 0 && m[j].len > c->quota))
				break;
			f[k] = (msl_frame){ .len = (uint32_t)m[j].len, .flags = MSL_FRAME_ORIGIN,
				.ts = ts };
			iov[niov++] = (struct iovec){ &f[k], sizeof f[k] };
			iov[niov++] = (struct iovec){ (void *)m[j].origin, sizeof(msl_origin) };
			if (m[j].len)
				iov[niov++] = (struct iovec){ (void *)m[j].data, m[j].len };
			total += fl;
		}
		if (k == 0)
			break; /* too large to batch: the caller writes it alone */
		ssize_t r = writev(c->wr, iov, niov);
		if (r != (ssize_t)total)
			break; /* full (EAGAIN, nothing written): the caller waits */
		i = j;
	}
out:
	pthread_mutex_unlock(&c->mu);
	return i;
}

void
msl_local_close(mailslot_client *c)
{
	close(c->wr);
	if (c->rd >= 0)
		close(c->rd);
	close(c->ctrl);
	msl_live_unmap(&c->live);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
