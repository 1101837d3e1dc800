/* SPDX-License-Identifier: MIT */
/*
 * handshake.c - accepting a local mailslot's writers.
 *
 * A writer connects to the mailslot's abstract socket and sends a hello
 * (its role and the name's key) with its ring (ring.h) attached;
 * the server checks the access rule and answers with an ack, and with the
 * live page (live.h) when there is one.  The intake thread runs both
 * steps, so a writer never waits for the application.  Every function
 * here runs with the server's lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "daemonctl.h"
#include "drain.h"
#include "handshake.h"
#include "queue.h"

/*
 * Connections that have not said hello cost a descriptor each and have
 * passed no access check, so they are bounded: a hello is due within
 * MSL_HELLO_DEADLINE_MS of the accept (an honest writer sends it right
 * after connecting), and a mailslot keeps at most MSL_HELLO_MAX of them,
 * at most MSL_HELLO_PER_UID from one user; past that a new one is closed
 * at once.  So one user's idle connections can neither exhaust the
 * process's descriptors nor crowd out another user's writers.
 */
#define MSL_HELLO_DEADLINE_MS 2000u
#define MSL_HELLO_MAX 256u
#define MSL_HELLO_PER_UID 16u
/*
 * Out of descriptors (EMFILE, ENFILE) or memory, accept() fails and the
 * listening socket stays readable: the listen watch is then paused this
 * long, instead of waking the intake thread again at once.
 */
#define MSL_ACCEPT_PAUSE_MS 50u

static void msl_hs_on_hello(void *srv);
static void msl_hs_on_deadline(void *srv);
static int msl_hs_hello_one(struct mailslot_server *s, msl_conn *c);

/* msl_hs_drop forgets a connection that never joined. */
static void
msl_hs_drop(msl_conn *c)
{
	msl_intake_unwatch(c->hello_w);
	close(c->ctrl);
	free(c);
}

/* msl_hs_admissible tells whether a connection of uid may wait for its
 * hello (see MSL_HELLO_MAX). */
static int
msl_hs_admissible(const struct mailslot_server *s, uid_t uid)
{
	uint32_t same = 0;

	if (s->nhello >= MSL_HELLO_MAX)
		return 0;
	for (const msl_conn *c = s->hello; c != NULL; c = c->next)
		if (c->uid == uid && ++same >= MSL_HELLO_PER_UID)
			return 0;
	return 1;
}

/* msl_hs_accept takes every pending connection and waits for its hello.
 * The listen watch is one-shot: re-armed here once the queue is empty. */
static void
msl_hs_accept(struct mailslot_server *s)
{
	for (;;) {
		int fd = msl_accept(s->listen);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				msl_intake_rearm(s->w_listen);
			else
				msl_intake_after(s->w_listen,
				    msl_now_ns() + MSL_ACCEPT_PAUSE_MS * 1000000ull, msl_hs_on_listen);
			return;
		}
		msl_conn *c = calloc(1, sizeof *c);
		if (c == NULL || msl_peer_cred(fd, &c->pid, &c->uid, &c->gid) != 0 ||
		    !msl_hs_admissible(s, c->uid)) {
			free(c);
			close(fd);
			continue;
		}
		c->ctrl = fd;
		c->hidx = -1;
		/* A writer sends its hello right after connecting: it is often
		 * here already, and answering it now saves a watch and a round
		 * of the intake loop. */
		if (msl_hs_hello_one(s, c))
			continue;
		c->hello_w = msl_intake_watch(fd, MSL_POLL_IN | MSL_POLL_HUP, msl_hs_on_hello, s);
		if (c->hello_w == NULL) {
			close(fd);
			free(c);
			continue;
		}
		c->hello_by = msl_now_ns() + MSL_HELLO_DEADLINE_MS * 1000000ull;
		msl_intake_after(c->hello_w, c->hello_by, msl_hs_on_deadline);
		c->next = s->hello;
		s->hello = c;
		s->nhello++;
	}
}

/* msl_may_write applies the mailslot's access rule to a connecting peer;
 * a relay's proof (daemonctl.h) came with its hello, or is -1. */
static mailslot_err
msl_may_write(struct mailslot_server *s, msl_conn *c, int proof)
{
	if (c->role == MSL_ROLE_RELAY) {
		uid_t duid;
		if (s->opt.flags & MAILSLOT_LOCAL_ONLY)
			return MAILSLOT_E_ACCESS;
		/*
		 * A relayed message claims a network origin, and the access rule
		 * below does not apply to it: only root, or this namespace's
		 * mailslotd started by root (or by the mailslot's own user), may
		 * use the role; anyone else could forge remote messages into a
		 * mailslot restricted to its owner.  The check reads what the
		 * kernel recorded on the proof and never talks to anybody: a
		 * squatter on the daemon's name cannot make us wait.
		 */
		if (c->uid == 0 || (proof >= 0 && msl_daemon_proven(proof, c->pid, &duid) == 0 &&
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

/* msl_hs_judge decides the answer to a hello of r bytes; fd is its ring,
 * proof a relay's proof. */
static mailslot_err
msl_hs_judge(struct mailslot_server *s, msl_conn *c, msl_hello *h, ssize_t r, int fd, int proof)
{
	if (r != (ssize_t)sizeof *h || h->magic != MSL_MAGIC)
		return MAILSLOT_E_PROTO;
	h->key[sizeof h->key - 1] = '\0';
	c->role = (int)h->role;
	if (c->role == MSL_ROLE_INFO)
		return MAILSLOT_OK; /* listing: metadata only */
	if (strcmp(h->key, s->name.key) != 0)
		return MAILSLOT_E_NOTFOUND; /* a hash collision */
	if ((c->role != MSL_ROLE_WRITER && c->role != MSL_ROLE_RELAY) || fd < 0)
		return MAILSLOT_E_PROTO;
	return msl_may_write(s, c, proof);
}

/* msl_hs_ack answers the hello; a writer gets the live page with it. */
static void
msl_hs_ack(struct mailslot_server *s, msl_conn *c, mailslot_err status)
{
	msl_ack a;

	memset(&a, 0, sizeof a);
	a.magic = MSL_MAGIC;
	a.status = (uint32_t)status;
	a.max_message_size = s->opt.max_message_size;
	a.flags = s->opt.flags;
	a.access = (uint32_t)s->opt.access;
	a.count = s->count;
	a.pid = getpid();
	a.uid = s->uid;
	a.quota_bytes = s->opt.quota_bytes;
	memcpy(a.path, s->name.path, sizeof a.path);
	if (status == MAILSLOT_OK && c->role != MSL_ROLE_INFO && s->live.slot >= 0 &&
	    msl_live_fd() >= 0) {
		/* The live page lets the writer check before each write for free. */
		msl_ack_live al;
		memset(&al, 0, sizeof al);
		al.ack = a;
		al.slot = (uint32_t)s->live.slot;
		al.gen = s->live.gen;
		c->live = msl_send_fds(c->ctrl, &al, sizeof al, (int[]){ msl_live_fd() }, 1) ==
		    (ssize_t)sizeof al;
	}
	if (!c->live)
		send(c->ctrl, &a, sizeof a, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (status == MAILSLOT_OK && c->role == MSL_ROLE_INFO) {
		msl_ack_info ai = {
			.magic = MSL_MAGIC, .writers = s->writers, .queued_bytes = s->bytes,
			.quota_bytes = s->opt.quota_bytes, .quota_messages = s->opt.quota_messages,
			.gid = s->gid,
		};
		send(c->ctrl, &ai, sizeof ai, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
}

/*
 * msl_hs_hello_one finishes the handshake of an accepted connection.
 * Returns 1 when c left the hello list (joined or dropped), 0 if its hello
 * has not arrived yet.
 */
static int
msl_hs_hello_one(struct mailslot_server *s, msl_conn *c)
{
	msl_hello h;
	int fds[2];
	ssize_t r = msl_recv_fds(c->ctrl, &h, sizeof h, fds, 2, MSG_DONTWAIT);
	int fd = fds[0];
	mailslot_err status;

	if (r < 0 && errno == EAGAIN)
		return 0;
	status = msl_hs_judge(s, c, &h, r, fd, fds[1]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (status == MAILSLOT_OK && c->role == MSL_ROLE_INFO)
		msl_q_scan(s); /* an exact count for the listing */
	else if (status == MAILSLOT_OK)
		status = msl_q_admit(s, c, fd);
	if (fd >= 0)
		close(fd); /* mapped, if it was a ring */
	msl_hs_ack(s, c, status);
	if (status != MAILSLOT_OK || c->role == MSL_ROLE_INFO) {
		msl_hs_drop(c);
		return 1;
	}
	msl_intake_unwatch(c->hello_w);
	c->hello_w = NULL;
	/* The readiness set after the ack: the writer need not wait for it. */
	msl_q_join(s, c, msl_rs_need(s) == 0);
	return 1;
}

static void
msl_hs_on_hello(void *srv)
{
	struct mailslot_server *s = srv;

	pthread_mutex_lock(&s->mu);
	if (!s->closing) {
		msl_conn **pp = &s->hello;
		while (*pp != NULL) {
			msl_conn *c = *pp, *next = c->next;
			if (msl_hs_hello_one(s, c)) {
				*pp = next;
				s->nhello--;
			} else {
				pp = &c->next;
			}
		}
	}
	pthread_mutex_unlock(&s->mu);
}

/* msl_hs_on_deadline drops the connections whose hello is overdue. */
static void
msl_hs_on_deadline(void *srv)
{
	struct mailslot_server *s = srv;
	uint64_t now = msl_now_ns();

	pthread_mutex_lock(&s->mu);
	if (!s->closing) {
		msl_conn **pp = &s->hello;
		while (*pp != NULL) {
			msl_conn *c = *pp;
			if (c->hello_by <= now) {
				*pp = c->next;
				s->nhello--;
				msl_hs_drop(c);
			} else {
				pp = &c->next;
			}
		}
	}
	pthread_mutex_unlock(&s->mu);
}

void
msl_hs_on_listen(void *srv)
{
	struct mailslot_server *s = srv;

	pthread_mutex_lock(&s->mu);
	if (!s->closing)
		msl_hs_accept(s);
	pthread_mutex_unlock(&s->mu);
}

void
msl_hs_clear(struct mailslot_server *s)
{
	while (s->hello != NULL) {
		msl_conn *c = s->hello;
		s->hello = c->next;
		msl_hs_drop(c);
	}
	s->nhello = 0;
}
