/* SPDX-License-Identifier: MIT */
/*
 * conn.c - one writer's connection on the server side: its buffer, its
 * doorbell and control socket, and its end (queue_int.h).
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "queue_int.h"

/* Doorbell records taken from one control socket per drain. */
#define MSL_BELL_MAX 64

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
void
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
void
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
	if (c->ring.h != NULL && !c->dead)
		s->nrings--;
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
int
msl_conn_end(struct mailslot_server *s, msl_conn *c)
{
	if (c->ring.h != NULL && !c->dead) {
		/* Bodies still in the ring keep it mapped until delivered. */
		if (c->nstubs == 0)
			msl_ring_r_drop(&c->ring);
		s->nrings--;
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

/*
 * msl_conn_room makes at least `want` bytes free after c->wr, moving the
 * queue to the front when that frees at least as much as it moves, else
 * growing the buffer.  An empty oversized buffer is given back first.
 */
int
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

/* msl_room_notify tells a writer waiting for room that it has some. */
void
msl_room_notify(struct mailslot_server *s, msl_conn *c)
{
	if (c->ctrl < 0 || !msl_ring_r_room_wanted(&c->ring))
		return;
	if (!msl_notice_send(s, c, MSL_NOTICE_ROOM))
		c->ring.served--; /* not told: the next read tries again */
}

/*
 * msl_conn_bell takes the doorbell records off c's control socket and
 * arms a new bell (ring.h); the end of the socket means every copy of the
 * writer's handle is closed: what is in its ring is read out, then it
 * ends.  Never blocks, whatever the writer does.
 */
void
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
