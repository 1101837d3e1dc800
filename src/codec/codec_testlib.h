/* SPDX-License-Identifier: MIT */
/*
 * codec_testlib.h - helpers shared by the codec unit tests (msl_*_test.c).
 *
 * The helpers are static inline in this header rather than in a .c file:
 * they expand MSL_CHECK, which needs the jump buffer that MSL_TEST_LIST
 * defines in each test program, and msl_test.h defines static functions
 * that a helper-only translation unit would leave unused.
 */
#ifndef CODEC_TESTLIB_H
#define CODEC_TESTLIB_H

#include <stdio.h>
#include <string.h>

#include "codec_vectors.h"
#include "msl_codec.h"
#include "msl_test.h"

/* A buffer larger than anything a codec here writes. */
#define BIG 2048

/* mkname makes a NetBIOS name that the test expects to be valid. */
static inline struct msl_nbname
mkname(const char *name, uint8_t suffix, const char *scope)
{
	struct msl_nbname n;

	MSL_CHECK_EQ(msl_nbname_make(&n, name, suffix, scope), MSL_PE_OK);
	return n;
}

/* check_fmt checks a name's printable form, and shows both on a mismatch. */
static inline void
check_fmt(const struct msl_nbname *n, const char *want)
{
	char buf[MSL_NBNAME_FMT_MAX];

	MSL_CHECK_EQ(msl_nbname_format(n, buf, sizeof buf), strlen(want));
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  formatted \"%s\", wanted \"%s\"\n", buf, want);
	MSL_CHECK(strcmp(buf, want) == 0);
}

/* One corruption of a valid datagram: byte `at` set to `value`, and the
 * verdict the parser must give. */
struct corruption {
	size_t at;
	uint8_t value;
	msl_perr want;
};

/*
 * CHECK_CORRUPTIONS applies each corruption of the array `table` to buf in
 * turn, one at a time, checks that parse_expr (a parse of buf) gives its
 * verdict, and puts the byte back.  A failure names the corruption.
 */
#define CHECK_CORRUPTIONS(buf, table, parse_expr)                            \
	for (size_t c_ = 0; c_ < sizeof(table) / sizeof(table)[0]; c_++) {   \
		const struct corruption *k_ = &(table)[c_];                  \
		uint8_t was_ = (buf)[k_->at];                                \
		(buf)[k_->at] = k_->value;                                   \
		msl_perr got_ = (parse_expr);                                \
		(buf)[k_->at] = was_;                                        \
		if (got_ != k_->want)                                        \
			fprintf(stderr, "  with byte %zu set to 0x%02x:\n",  \
			    k_->at, k_->value);                              \
		MSL_CHECK_EQ(got_, k_->want);                                \
	}

/* le16_put patches a little-endian SMB field of a test datagram. */
static inline void
le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* scope_of builds a dotted scope of exactly len bytes from labels of at
 * most 63 bytes. */
static inline void
scope_of(char *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (i % 64 == 63) ? '.' : (char)('a' + i % 26);
	out[len] = '\0';
}

#endif /* CODEC_TESTLIB_H */
