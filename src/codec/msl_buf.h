/* SPDX-License-Identifier: MIT */
/*
 * msl_buf.h - bounds-checked read and write cursors for the wire codecs.
 *
 * The NetBIOS headers (RFC 1002) are big-endian and everything inside the
 * SMB message ([MS-MAIL] §2.2) is little-endian, so both byte orders are
 * provided.  Every codec reads and writes only through these cursors; no
 * codec indexes a buffer by hand.
 *
 * Both cursors have a sticky error flag.  Once a read runs past the end,
 * the reader is marked failed and every later read returns zero (or NULL
 * for a view) without moving, so a parser may read a run of fixed fields
 * and test msl_rd_ok() once.  A writer that runs out of room keeps
 * counting the bytes it would have written, so a builder can report the
 * size a caller's buffer needs.
 */
#ifndef MSL_BUF_H
#define MSL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msl_perr.h"

/* A read cursor over caller memory, which it never modifies. */
struct msl_rd {
	const uint8_t *rd_buf;
	size_t rd_len;
	size_t rd_pos;
	bool rd_fail;
};

/* A write cursor over a caller buffer of wr_cap bytes (the buffer may be
 * NULL when the capacity is zero, to measure a message). */
struct msl_wr {
	uint8_t *wr_buf;
	size_t wr_cap;
	size_t wr_pos;
	bool wr_fail;
};

void msl_rd_init(struct msl_rd *r, const uint8_t *buf, size_t len);
/* msl_rd_start opens a parse of [buf, buf+len) into *out: false if out is
 * NULL, else *out (out_size bytes) is cleared and r starts at buf. */
bool msl_rd_start(struct msl_rd *r, const uint8_t *buf, size_t len, void *out,
    size_t out_size);
uint8_t msl_rd_u8(struct msl_rd *r);
uint16_t msl_rd_be16(struct msl_rd *r);
uint32_t msl_rd_be32(struct msl_rd *r);
uint16_t msl_rd_le16(struct msl_rd *r);
uint32_t msl_rd_le32(struct msl_rd *r);
/* msl_rd_bytes returns a view of the next n bytes and moves past them, or
 * NULL (and marks the reader failed) when fewer than n bytes remain. */
const uint8_t *msl_rd_bytes(struct msl_rd *r, size_t n);
/* msl_rd_left returns how many bytes remain unread. */
size_t msl_rd_left(const struct msl_rd *r);
bool msl_rd_ok(const struct msl_rd *r);

void msl_wr_init(struct msl_wr *w, uint8_t *buf, size_t cap);
void msl_wr_u8(struct msl_wr *w, uint8_t v);
void msl_wr_be16(struct msl_wr *w, uint16_t v);
void msl_wr_be32(struct msl_wr *w, uint32_t v);
void msl_wr_le16(struct msl_wr *w, uint16_t v);
void msl_wr_le32(struct msl_wr *w, uint32_t v);
void msl_wr_bytes(struct msl_wr *w, const void *p, size_t n);
void msl_wr_zeros(struct msl_wr *w, size_t n);
bool msl_wr_ok(const struct msl_wr *w);
/* msl_wr_finish ends a build: it sets *used to the bytes written (or, after
 * an overflow, needed) and returns MSL_PE_OK or MSL_PE_NOSPACE. */
msl_perr msl_wr_finish(const struct msl_wr *w, size_t *used);

/*
 * ASCII-only case helpers.  NetBIOS names and mailslot names are compared
 * without regard to case ([MS-MAIL] §2.2.1, docs/protocol.md §1.6 rule 7), and the
 * comparison must not depend on the process locale.
 */
uint8_t msl_toupper(uint8_t c);
uint8_t msl_tolower(uint8_t c);
/* msl_casecmp compares n bytes, folding ASCII letters; <0, 0 or >0. */
int msl_casecmp(const void *a, const void *b, size_t n);
/* msl_strcaseeq reports whether two C strings are equal, folding ASCII. */
bool msl_strcaseeq(const char *a, const char *b);

#endif /* MSL_BUF_H */
