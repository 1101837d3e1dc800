/* SPDX-License-Identifier: MIT */
/*
 * msl_buf.c - bounds-checked read and write cursors.
 */
#include "msl_buf.h"

#include <string.h>

void
msl_rd_init(struct msl_rd *r, const uint8_t *buf, size_t len)
{
	r->rd_buf = buf;
	r->rd_len = buf != NULL ? len : 0;
	r->rd_pos = 0;
	r->rd_fail = false;
}

bool
msl_rd_start(struct msl_rd *r, const uint8_t *buf, size_t len, void *out, size_t out_size)
{
	if (out == NULL)
		return false;
	memset(out, 0, out_size);
	msl_rd_init(r, buf, len);
	return true;
}

const uint8_t *
msl_rd_bytes(struct msl_rd *r, size_t n)
{
	const uint8_t *p;

	/* The comparison is written against the remaining length so that a
	 * huge n cannot overflow rd_pos + n. */
	if (r->rd_fail || n > r->rd_len - r->rd_pos) {
		r->rd_fail = true;
		return NULL;
	}
	p = r->rd_buf + r->rd_pos;
	r->rd_pos += n;
	return p;
}

uint8_t
msl_rd_u8(struct msl_rd *r)
{
	const uint8_t *p = msl_rd_bytes(r, 1);

	return p != NULL ? p[0] : 0;
}

/* msl_rd_uint reads an n-byte unsigned integer (n <= 4), most significant
 * byte first if big, else least; 0 past the end.  The shifts are done on
 * uint32_t so that the usual promotion to int cannot shift into a sign
 * bit. */
static uint32_t
msl_rd_uint(struct msl_rd *r, size_t n, bool big)
{
	const uint8_t *p = msl_rd_bytes(r, n);
	uint32_t v = 0;

	if (p == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * (big ? n - 1 - i : i));
	return v;
}

size_t
msl_rd_left(const struct msl_rd *r)
{
	return r->rd_fail ? 0 : r->rd_len - r->rd_pos;
}

bool
msl_rd_ok(const struct msl_rd *r)
{
	return !r->rd_fail;
}

void
msl_wr_init(struct msl_wr *w, uint8_t *buf, size_t cap)
{
	w->wr_buf = buf;
	w->wr_cap = buf != NULL ? cap : 0;
	w->wr_pos = 0;
	w->wr_fail = false;
}

/*
 * msl_wr_room reserves n bytes and returns where to put them, or NULL when
 * they do not fit.  The position advances either way, so that a failed
 * build still knows the size it needed; it saturates instead of wrapping.
 */
static uint8_t *
msl_wr_room(struct msl_wr *w, size_t n)
{
	uint8_t *p = NULL;

	if (!w->wr_fail && n <= w->wr_cap - w->wr_pos)
		p = w->wr_buf + w->wr_pos;
	else
		w->wr_fail = true;
	w->wr_pos = n > SIZE_MAX - w->wr_pos ? SIZE_MAX : w->wr_pos + n;
	return p;
}

void
msl_wr_bytes(struct msl_wr *w, const void *src, size_t n)
{
	uint8_t *p = msl_wr_room(w, n);

	if (p != NULL && n > 0)
		memcpy(p, src, n);
}

void
msl_wr_zeros(struct msl_wr *w, size_t n)
{
	uint8_t *p = msl_wr_room(w, n);

	if (p != NULL && n > 0)
		memset(p, 0, n);
}

void
msl_wr_u8(struct msl_wr *w, uint8_t v)
{
	msl_wr_bytes(w, &v, 1);
}

/* msl_wr_uint writes the low n bytes of v (n <= 4), most significant
 * first if big, else least. */
static void
msl_wr_uint(struct msl_wr *w, uint32_t v, size_t n, bool big)
{
	uint8_t b[4];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (big ? n - 1 - i : i)));
	msl_wr_bytes(w, b, n);
}

/* The fixed-width readers and writers, a line for each pair. */
#define MSL_BUF_UINT(rd, wr, type, n, big)                                     \
	type rd(struct msl_rd *r) { return (type)msl_rd_uint(r, n, big); }     \
	void wr(struct msl_wr *w, type v) { msl_wr_uint(w, v, n, big); }

MSL_BUF_UINT(msl_rd_be16, msl_wr_be16, uint16_t, 2, true)
MSL_BUF_UINT(msl_rd_be32, msl_wr_be32, uint32_t, 4, true)
MSL_BUF_UINT(msl_rd_le16, msl_wr_le16, uint16_t, 2, false)
MSL_BUF_UINT(msl_rd_le32, msl_wr_le32, uint32_t, 4, false)

bool
msl_wr_ok(const struct msl_wr *w)
{
	return !w->wr_fail;
}

msl_perr
msl_wr_finish(const struct msl_wr *w, size_t *used)
{
	*used = w->wr_pos;
	return w->wr_fail ? MSL_PE_NOSPACE : MSL_PE_OK;
}

uint8_t
msl_toupper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

uint8_t
msl_tolower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

bool
msl_strcaseeq(const char *a, const char *b)
{
	size_t n = strlen(a);
	return strlen(b) == n && msl_casecmp(a, b, n) == 0;
}

int
msl_casecmp(const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a, *pb = b;

	for (size_t i = 0; i < n; i++) {
		uint8_t ca = msl_toupper(pa[i]), cb = msl_toupper(pb[i]);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}
