/* SPDX-License-Identifier: MIT */
/*
 * quota.c - a mailslot's memory: what counts against the quota, the fair
 * share of each user, parking the writers that must wait for room, and
 * the FULL / SHARE_FULL notices (queue_int.h).
 *
 * Queued frames, ready or held, count against the quota, and so does a
 * partial frame larger than MSL_PART_FREE, in full, before more of it is
 * read (msl_part_admit).  A frame that does not fit waits in its ring:
 * the writer is "parked", its ring not read until a read or a writer's
 * end makes room.  So whatever writers do, the server holds at most the
 * quota plus, per writer, what one read of its ring brings (MSL_RBUF, or
 * the rest of a small partial frame).
 *
 * Fair shares: the users with writers connected share the quota equally.
 * A user's writers together (relays count as their user's) may queue at
 * most quota / users bytes and messages; past that, a writer of that user
 * is parked at its next frame boundary and told SHARE_FULL, so its writes
 * fail with FULL once its ring is full, while other users still get in.
 * With one user there is no limit beyond the quota.
 */
#include <sys/socket.h>

#include "queue_int.h"

/* msl_usage is the memory the quota covers. */
uint64_t
msl_usage(const struct mailslot_server *s)
{
	return s->bytes + s->hbytes + s->resv;
}

/* msl_over_share tells whether c's user holds its share of the quota. */
int
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
int
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
void
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
uint64_t
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
int
msl_may_read(const struct mailslot_server *s, const msl_conn *c)
{
	size_t part = c->wr - c->done;
	if (part > 0)
		return c->need <= part || msl_part_fits(s, c);
	return !msl_over_share(s, c);
}

/* msl_share_notify tells a writer whether its user is over its share,
 * once per change; a failed send is retried at the next scan. */
void
msl_share_notify(struct mailslot_server *s, msl_conn *c, int over)
{
	c->share_want = over;
	if (c->share_sent == over || c->ctrl < 0)
		return;
	if (msl_notice_send(s, c, over ? MSL_NOTICE_SHARE_FULL : MSL_NOTICE_SHARE_OK))
		c->share_sent = over;
}

/* msl_share_leave: one of c's user's writers is gone. */
void
msl_share_leave(struct mailslot_server *s, msl_conn *c)
{
	if (--s->shares[c->share].writers == 0)
		s->nusers--;
}

/* msl_park stops reading c's ring while its frame waits for room. */
void
msl_park(struct mailslot_server *s, msl_conn *c)
{
	if (!c->parked) {
		c->parked = 1;
		s->nparked++;
	}
}

void
msl_unpark(struct mailslot_server *s, msl_conn *c)
{
	c->parked = 0;
	s->nparked--;
	msl_share_notify(s, c, 0);
}

/* msl_unpark_fitting lets the rings that may be read now be read; the
 * next read of each admits its frame. */
void
msl_unpark_fitting(struct mailslot_server *s)
{
	for (msl_conn *c = s->conns; c != NULL && s->nparked > 0; c = c->next)
		if (c->parked && msl_may_read(s, c))
			msl_unpark(s, c);
}

/* msl_notify tells one writer whether the mailslot is full, once per change. */
void
msl_notify(struct mailslot_server *s, msl_conn *c, int notice)
{
	c->notice = notice;
	if (c->notice_sent == notice || c->ctrl < 0)
		return;
	if (c->live && notice == MSL_NOTICE_OK) {
		/* The live page says so; a writer waiting for room is woken by a
		 * ROOM notice.  FULL is still sent: it wakes that writer. */
		c->notice_sent = notice;
		return;
	}
	if (msl_notice_send(s, c, (uint32_t)notice))
		c->notice_sent = notice;
}

/*
 * msl_over tells whether the mailslot is at its quota.  Held frames can
 * only be released by a scan that reads every ring: when they are all
 * there is to deliver, it scans even at the quota (what it reads is one
 * buffer's worth per writer at most), or they would wait for reservations that a
 * writer may never complete.
 */
int
msl_over(const struct mailslot_server *s)
{
	return s->count >= s->opt.quota_messages ||
	    (msl_usage(s) >= s->opt.quota_bytes && !(s->nheap == 0 && s->held > 0));
}

/* msl_share_find sets c->share to its user's entry, made if need be. */
int
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
