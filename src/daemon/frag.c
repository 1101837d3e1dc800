/* SPDX-License-Identifier: MIT */
/*
 * frag.c - reassembly of fragmented NetBIOS datagrams (frag.h).
 *
 * RFC 1002 §5.3.3 keeps a first fragment for FRAGMENT_TO and matches the
 * later one by source and DGM_ID; it allows reassembling out of order.
 * Here any piece may come first, a datagram may have up to
 * MSLD_FRAG_PIECES of them, and every rejected piece says why, while the
 * table's size, and each source's share of it, stay fixed.  A piece that
 * overlaps another one without being the same is an attack or a broken
 * sender: the whole datagram is discarded rather than guessed at.
 */
#include <string.h>

#include "msl_nbdgm.h"
#include "frag.h"

/* Offsets in the 14-byte header (RFC 1002 §4.4.1). */
enum { OFF_FLAGS = 1, OFF_DGM_LENGTH = 10, OFF_PACKET_OFFSET = 12 };

int
msld_frag_is_fragment(const uint8_t *buf, size_t len)
{
	/* RFC 1002 §4.4.1: only 0x10..0x12 fragment; F clear or M set. */
	return len >= MSL_NBDGM_HDR_LEN && buf[0] >= MSL_NBDGM_DIRECT_UNIQUE &&
	    buf[0] <= MSL_NBDGM_BROADCAST &&
	    ((buf[OFF_FLAGS] & MSL_NBDGM_FLAG_FIRST) == 0 || (buf[OFF_FLAGS] & MSL_NBDGM_FLAG_MORE) != 0);
}

unsigned
msld_frag_expire(struct msld_frags *f, uint64_t now)
{
	unsigned n = 0;

	for (int i = 0; i < MSLD_FRAG_SLOTS; i++) {
		struct msld_frag_slot *s = &f->slot[i];
		if (s->t != 0 && now - s->t >= MSLD_FRAG_TIMEOUT_NS) {
			s->t = 0;
			n++;
		}
	}
	f->timeouts += n;
	return n;
}

/* find returns the slot of ip/id, or a free one (t == 0) that it may
 * take, or NULL when there is none or the source holds its share. */
static struct msld_frag_slot *
find(struct msld_frags *f, uint32_t ip, uint16_t id, int *found)
{
	struct msld_frag_slot *free_slot = NULL;
	int of_source = 0;

	*found = 0;
	for (int i = 0; i < MSLD_FRAG_SLOTS; i++) {
		struct msld_frag_slot *s = &f->slot[i];
		if (s->t == 0) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (s->ip != ip)
			continue;
		if (s->id == id) {
			*found = 1;
			return s;
		}
		of_source++;
	}
	return of_source < MSLD_FRAG_PER_SOURCE ? free_slot : NULL;
}

/* place puts the piece off..off+len into s's sorted list; DUPLICATE when
 * that very piece is there, OVERLAP when it meets another one. */
static enum msld_frag_result
place(struct msld_frag_slot *s, uint16_t off, uint16_t len)
{
	int i = 0;

	while (i < s->npieces && s->piece[i].off < off)
		i++;
	if (i < s->npieces && s->piece[i].off == off && s->piece[i].len == len)
		return MSLD_FRAG_DUPLICATE;
	if ((i > 0 && s->piece[i - 1].off + s->piece[i - 1].len > off) ||
	    (i < s->npieces && off + len > s->piece[i].off))
		return MSLD_FRAG_OVERLAP;
	if (s->npieces == MSLD_FRAG_PIECES)
		return MSLD_FRAG_TOO_MANY;
	memmove(&s->piece[i + 1], &s->piece[i], (size_t)(s->npieces - i) * sizeof s->piece[0]);
	s->piece[i].off = off;
	s->piece[i].len = len;
	s->npieces++;
	return MSLD_FRAG_HELD;
}

/* whole tells whether s's pieces cover its body from 0 to the end. */
static int
whole(const struct msld_frag_slot *s)
{
	unsigned end = 0;

	if (!s->have_first || s->total == 0)
		return 0;
	for (int i = 0; i < s->npieces; i++) {
		if (s->piece[i].off != end)
			return 0;
		end += s->piece[i].len;
	}
	return end == s->total;
}

/* check judges one piece against what s knows: BAD for a piece that
 * contradicts it (a second FIRST, a later piece at offset 0, a second
 * end, a piece past the end), TOO_LARGE past MSLD_FRAG_MAX. */
static enum msld_frag_result
check(const struct msld_frag_slot *s, uint8_t flags, unsigned off, unsigned len)
{
	int first = (flags & MSL_NBDGM_FLAG_FIRST) != 0, last = (flags & MSL_NBDGM_FLAG_MORE) == 0;

	if (off + len > sizeof s->body)
		return MSLD_FRAG_TOO_LARGE;
	/* RFC 1002 §5.3.1: the first piece is at offset 0 and carries the
	 * names; a later one never is. */
	if (first != (off == 0) || len == 0)
		return MSLD_FRAG_BAD;
	if (last && s->total != 0 && s->total != off + len)
		return MSLD_FRAG_BAD;
	if (s->total != 0 && off + len > s->total)
		return MSLD_FRAG_BAD;
	if (last && s->npieces > 0 && s->piece[s->npieces - 1].off + s->piece[s->npieces - 1].len > off + len)
		return MSLD_FRAG_BAD;
	return MSLD_FRAG_HELD;
}

/* finish writes the whole datagram of s to out, unfragmented. */
static size_t
finish(struct msld_frag_slot *s, uint8_t *out)
{
	memcpy(out, s->head, MSL_NBDGM_HDR_LEN);
	/* RFC 1002 §4.4.1: F set and M clear, DGM_LENGTH the body, offset 0. */
	out[OFF_FLAGS] = (uint8_t)((s->head[OFF_FLAGS] | MSL_NBDGM_FLAG_FIRST) & ~MSL_NBDGM_FLAG_MORE);
	out[OFF_DGM_LENGTH] = (uint8_t)(s->total >> 8);
	out[OFF_DGM_LENGTH + 1] = (uint8_t)s->total;
	out[OFF_PACKET_OFFSET] = out[OFF_PACKET_OFFSET + 1] = 0;
	memcpy(out + MSL_NBDGM_HDR_LEN, s->body, s->total);
	s->t = 0;
	return MSL_NBDGM_HDR_LEN + (size_t)s->total;
}

enum msld_frag_result
msld_frag_add(struct msld_frags *f, const uint8_t *buf, size_t len, uint32_t ip, uint64_t now,
    uint8_t *out, size_t *outlen)
{
	struct msl_nbdgm h;
	struct msld_frag_slot *s;
	enum msld_frag_result r;
	int found;

	msld_frag_expire(f, now);
	/* The codec reads the header of a fragment and views its body. */
	if (!msld_frag_is_fragment(buf, len) || msl_nbdgm_parse(buf, len, &h) != MSL_PE_FRAGMENT)
		return MSLD_FRAG_BAD;
	if ((s = find(f, ip, h.dg_id, &found)) == NULL)
		return MSLD_FRAG_NO_ROOM;
	if (!found) {
		memset(s, 0, offsetof(struct msld_frag_slot, body));
		s->ip = ip;
		s->id = h.dg_id;
	}
	r = check(s, h.dg_flags, h.dg_offset, (unsigned)h.dg_data_len);
	if (r == MSLD_FRAG_HELD)
		r = place(s, h.dg_offset, (uint16_t)h.dg_data_len);
	if (r == MSLD_FRAG_DUPLICATE)
		return r; /* the datagram goes on without it */
	if (r != MSLD_FRAG_HELD) {
		s->t = 0; /* the datagram cannot be trusted: discard it */
		return r;
	}
	if (!found)
		s->t = now != 0 ? now : 1;
	memcpy(s->body + h.dg_offset, h.dg_data, h.dg_data_len);
	if (h.dg_flags & MSL_NBDGM_FLAG_FIRST) {
		s->have_first = 1;
		memcpy(s->head, buf, MSL_NBDGM_HDR_LEN);
	}
	if ((h.dg_flags & MSL_NBDGM_FLAG_MORE) == 0)
		s->total = (uint16_t)(h.dg_offset + h.dg_data_len);
	if (!whole(s))
		return MSLD_FRAG_HELD;
	*outlen = finish(s, out);
	return MSLD_FRAG_DONE;
}

const char *
msld_frag_result_str(enum msld_frag_result r)
{
	static const char *const names[MSLD_FRAG_RESULTS] = {
		"held", "done", "duplicate", "overlap", "too_large", "too_many", "no_room", "bad",
	};
	return (unsigned)r < MSLD_FRAG_RESULTS ? names[r] : "?";
}
