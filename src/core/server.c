/* SPDX-License-Identifier: MIT */
/*
 * server.c - the public server API of a local mailslot and the reader's
 * wait policy: when a reader spins, sleeps or pauses.  The queue itself
 * is queue.c, accepting writers handshake.c, and the intake thread's
 * drains for a busy application drain.c.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "drain.h"
#include "handshake.h"
#include "queue.h"

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
/* How often a reader without a readiness set (out of descriptors) looks. */
#define MSL_NOFD_POLL_MS 10

/*
 * Every open server of this process.  fork() takes all their locks first,
 * so that a child never inherits one that another thread held (the intake
 * thread holds one while it answers a handshake): its copy of the mailslot
 * could then never be closed.  Lock order: msl_all_mu, then each s->mu,
 * then the intake loop's own lock, which is why these handlers are
 * registered after the loop's (prepare handlers run in reverse order).
 */
static pthread_mutex_t msl_all_mu = PTHREAD_MUTEX_INITIALIZER;
static struct mailslot_server *msl_all;
static pthread_once_t msl_all_once = PTHREAD_ONCE_INIT;

static void
msl_all_prepare(void)
{
	pthread_mutex_lock(&msl_all_mu);
	for (struct mailslot_server *s = msl_all; s != NULL; s = s->all_next)
		pthread_mutex_lock(&s->mu);
}

static void
msl_all_parent(void)
{
	for (struct mailslot_server *s = msl_all; s != NULL; s = s->all_next)
		pthread_mutex_unlock(&s->mu);
	pthread_mutex_unlock(&msl_all_mu);
}

static void
msl_all_child(void)
{
	/* The locking thread is this one; fresh locks are simplest. */
	for (struct mailslot_server *s = msl_all; s != NULL; s = s->all_next)
		pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&msl_all_mu, NULL);
}

static void
msl_all_register(void)
{
	pthread_atfork(msl_all_prepare, msl_all_parent, msl_all_child);
}

static void
msl_all_add(struct mailslot_server *s)
{
	pthread_once(&msl_all_once, msl_all_register);
	pthread_mutex_lock(&msl_all_mu);
	s->all_prev = NULL;
	s->all_next = msl_all;
	if (msl_all != NULL)
		msl_all->all_prev = s;
	msl_all = s;
	pthread_mutex_unlock(&msl_all_mu);
}

static void
msl_all_remove(struct mailslot_server *s)
{
	pthread_mutex_lock(&msl_all_mu);
	if (s->all_prev != NULL)
		s->all_prev->all_next = s->all_next;
	else if (msl_all == s)
		msl_all = s->all_next;
	if (s->all_next != NULL)
		s->all_next->all_prev = s->all_prev;
	s->all_next = s->all_prev = NULL;
	pthread_mutex_unlock(&msl_all_mu);
}

/* msl_server_free runs in the intake thread once no callback can hold s. */
static void
msl_server_free(void *srv)
{
	struct mailslot_server *s = srv;

	msl_live_slot_put(&s->live);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

void
mailslot_options_init(mailslot_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->quota_bytes = MAILSLOT_DEFAULT_QUOTA_BYTES;
	opt->quota_messages = MAILSLOT_DEFAULT_QUOTA_MESSAGES;
}

/* msl_options_fill checks the options of mailslot_create and fills in
 * the defaults. */
static mailslot_err
msl_options_fill(const mailslot_options *opt, mailslot_options *o)
{
	if (opt != NULL)
		*o = *opt;
	else
		mailslot_options_init(o);
	if (o->quota_bytes == 0)
		o->quota_bytes = MAILSLOT_DEFAULT_QUOTA_BYTES;
	if (o->quota_messages == 0)
		o->quota_messages = MAILSLOT_DEFAULT_QUOTA_MESSAGES;
	if ((unsigned)o->access > MAILSLOT_ACCESS_GROUP || (o->flags & ~MAILSLOT_LOCAL_ONLY))
		return MAILSLOT_E_INVAL;
	return MAILSLOT_OK;
}

/* msl_server_start binds the name and starts accepting writers. */
static mailslot_err
msl_server_start(struct mailslot_server *s)
{
	char hex[33];

	msl_key_hash(s->name.key, hex);
	if (msl_listen_abstract(hex, &s->listen) != 0) {
		/* The abstract name is the registry: taken means the mailslot
		 * exists; too long, that MAILSLOT_NAMESPACE is. */
		return errno == EADDRINUSE ? MAILSLOT_E_EXISTS
		    : errno == ENAMETOOLONG ? MAILSLOT_E_INVAL : msl_sys_err(errno);
	}
	msl_live_owner_init();
	msl_live_slot_get(&s->live);
	if (msl_intake_start(msl_live_thread_init) != 0)
		return msl_sys_err(errno);
	/* A writer may connect the moment the listen watch exists: its
	 * callback takes s->mu, so hold it until the watch is stored.  The
	 * readiness set is made with the first writer (drain.c). */
	pthread_mutex_lock(&s->mu);
	s->w_listen = msl_intake_watch(s->listen, MSL_POLL_IN | MSL_POLL_ONESHOT, msl_hs_on_listen, s);
	pthread_mutex_unlock(&s->mu);
	return s->w_listen == NULL ? MAILSLOT_E_NOMEM : MAILSLOT_OK;
}

mailslot_err
mailslot_create(const char *name, const mailslot_options *opt, mailslot_server **out)
{
	mailslot_name n;
	mailslot_options o;
	mailslot_err e;

	if ((e = msl_name_open_arg(name, out, &n)) != MAILSLOT_OK)
		return e;
	if (n.scope != MAILSLOT_SCOPE_LOCAL)
		return MAILSLOT_E_BADNAME; /* "A process cannot create a remote mailslot." */
	if ((e = msl_options_fill(opt, &o)) != MAILSLOT_OK)
		return e;

	static const char prefix[] = "\\\\.\\mailslot\\";
	size_t dlen = sizeof prefix + strlen(n.path);
	struct mailslot_server *s = calloc(1, sizeof *s + dlen);
	if (s == NULL)
		return MAILSLOT_E_NOMEM;
	s->listen = s->epfd = s->evfd = -1;
	s->live.slot = -1;
	s->name = n;
	s->opt = o;
	s->timeout_ms = o.read_timeout_ms;
	s->uid = geteuid();
	s->gid = getegid();
	snprintf(s->display, dlen, "%s%s", prefix, n.path);
	pthread_mutex_init(&s->mu, NULL);
	if ((e = msl_server_start(s)) == MAILSLOT_OK) {
		msl_all_add(s);
		*out = s;
		return MAILSLOT_OK;
	}
	if (s->w_listen != NULL) {
		/* A callback may already be on its way: let it find s closing. */
		pthread_mutex_lock(&s->mu);
		s->closing = 1;
		msl_intake_unwatch(s->w_listen);
		pthread_mutex_unlock(&s->mu);
	}
	if (s->listen >= 0)
		close(s->listen);
	if (s->w_listen != NULL)
		msl_intake_defer(msl_server_free, s);
	else
		msl_server_free(s);
	return e;
}

/*
 * msl_wait waits for frames, with the lock held and nothing queued.  For
 * up to MSL_SPIN_NS it yields the CPU (so a writer on this CPU goes first)
 * and reads the rings again.  Then it sleeps on the readiness set until a
 * writer rings, ends, or the event descriptor is readable, and scans.
 * Returns 1 once frames are queued, 0 when the caller should scan again
 * (or the deadline passed).
 */
static int
msl_wait(struct mailslot_server *s, uint64_t deadline)
{
	msl_pollev ev;
	uint64_t now = msl_now_ns(), spin_end = now + MSL_SPIN_NS;

	/* The readiness set exists while a writer is connected or a reader
	 * sleeps on it (drain.c).  Out of descriptors, the reader looks again
	 * every MSL_NOFD_POLL_MS instead of spinning. */
	if (msl_rs_need(s) != 0) {
		int wait = msl_ms_until(deadline);
		pthread_mutex_unlock(&s->mu);
		(void)msl_wait_fd(-1, 0, wait < 0 || wait > MSL_NOFD_POLL_MS ? MSL_NOFD_POLL_MS : wait);
		pthread_mutex_lock(&s->mu);
		return 0;
	}
	int epfd = s->epfd;

	/* The set stays while we use it, the lock released (msl_rs_trim).
	 * While we poll, writers need not ring; the bells are armed again
	 * before we leave or sleep, then the rings read once more. */
	s->inwait++;
	msl_q_quiet(s, 1);
	while (now < spin_end && now < deadline) {
		pthread_mutex_unlock(&s->mu);
		sched_yield();
		pthread_mutex_lock(&s->mu);
		if (s->nheap == 0 && s->held == 0)
			msl_q_scan(s);
		if (s->nheap > 0 || s->held > 0)
			break;
		now = msl_now_ns();
	}
	msl_q_quiet(s, 0);
	if (s->nheap == 0 && s->held == 0)
		msl_q_scan(s);
	int wait = s->nheap > 0 || s->held > 0 ? 0 : msl_ms_until(deadline);
	if (wait != 0) {
		/* Every ring's bell is armed or rung (ring.h), and whoever queues
		 * frames while we sleep signals the eventfd. */
		s->waiting++;
		pthread_mutex_unlock(&s->mu);
		(void)msl_pollset_wait(epfd, &ev, 1, wait);
		pthread_mutex_lock(&s->mu);
		s->waiting--;
		msl_q_scan_full(s);
	}
	s->inwait--;
	return s->nheap > 0 || s->held > 0;
}

/*
 * msl_pause: the last scan found several frames, so the writers are
 * streaming.  Scanning again at once would find one or two frames and
 * fight the writers for their rings' cache lines; a few microseconds' wait lets
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
			e = msl_q_pop(s, buf, cap, len, info);
			break;
		}
		if (s->held == 0 && s->last_scan >= MSL_PAUSE_MIN) {
			if (deadline > msl_now_ns())
				msl_pause(s); /* the writers stream: let a batch build up */
		} else if (s->held == 0 && msl_wait(s, deadline)) {
			continue;
		}
		msl_q_scan(s);
		if (s->nheap == 0 && s->held == 0 && msl_now_ns() >= deadline)
			break;
	}
	msl_rs_trim(s);
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
	msl_q_scan_full(s);
	out->max_message_size = s->opt.max_message_size;
	out->next_size = s->nheap > 0 ? msl_q_next_size(s) : MAILSLOT_NO_MESSAGE;
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
	if (!s->pollable && msl_rs_need(s) == 0) {
		/*
		 * epfd holds every writer's control socket (a ring with data has
		 * a doorbell pending); from now on it also holds an eventfd that
		 * is readable while messages are queued in memory, so epfd is
		 * readable while a message is queued, whoever drained it.
		 */
		s->pollable = 1;
		msl_q_scan(s);
	}
	int fd = s->epfd;
	pthread_mutex_unlock(&s->mu);
	return fd;
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
	msl_all_remove(s);
	pthread_mutex_lock(&s->mu);
	s->closing = 1;
	msl_live_store(&s->live, MSL_LIVE_CLOSED);
	msl_intake_unwatch(s->w_listen);
	msl_intake_unwatch(s->w_set);
	/* Closing the listener frees the name at once; closing the control
	 * sockets makes every writer's next write fail with GONE. */
	close(s->listen);
	s->listen = -1;
	msl_q_clear(s);
	msl_hs_clear(s);
	if (s->epfd >= 0)
		close(s->epfd);
	s->epfd = -1;
	if (s->evfd >= 0)
		close(s->evfd);
	s->evfd = -1;
	pthread_mutex_unlock(&s->mu);
	/* The intake thread may be about to run one of its callbacks. */
	msl_intake_defer(msl_server_free, s);
}
