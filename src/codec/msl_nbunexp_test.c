/* SPDX-License-Identifier: MIT */
/*
 * msl_nbunexp_test.c - unit tests of msl_nbunexp.c: the query and the
 * frames of nmbd's unexpected packet socket, byte for byte in the LP64
 * layout (where nmbd's structs are 24 and 32 bytes), a stream cut
 * anywhere, and hostile lengths and types.
 */
#include "codec_testlib.h"
#include "msl_nbunexp.h"

/* The LP64 layout of nmbd's frame header: size_t len at 0, the type at
 * 8, time_t at 16, struct in_addr at 24, int port at 28. */
static size_t
lp64_frame(uint8_t *b, uint64_t len, int32_t type, const uint8_t ip[4], int32_t port)
{
	memset(b, 0, 32);
	memcpy(b, &len, 8);
	memcpy(b + 8, &type, 4);
	int64_t t = 1700000000;
	memcpy(b + 16, &t, 8);
	memcpy(b + 24, ip, 4);
	memcpy(b + 28, &port, 4);
	return 32;
}

static int
lp64(void)
{
	return sizeof(size_t) == 8 && sizeof(long) == 8;
}

static void
test_query_layout(void)
{
	uint8_t b[BIG];
	size_t used = 0;
	int32_t type, trn;
	uint64_t n;

	MSL_CHECK_EQ(msl_nbunexp_query_build(MSL_NBUNEXP_DGRAM, MSL_NBUNEXP_ANY_TRN, NULL, 0, b,
	    sizeof b, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_nbunexp_query_len());
	if (lp64()) {
		MSL_CHECK_EQ(used, 24);
		memcpy(&type, b, 4);
		memcpy(&n, b + 8, 8);
		memcpy(&trn, b + 16, 4);
		MSL_CHECK_EQ(type, 1);
		MSL_CHECK_EQ(n, 0);
		MSL_CHECK_EQ(trn, -1);
		/* Padding is zero, so nothing of this process leaks. */
		MSL_CHECK(b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0);
	}
	MSL_CHECK_EQ(msl_nbunexp_query_build(MSL_NBUNEXP_DGRAM, -1, "\\MAILSLOT\\x", 11, b, sizeof b,
	    &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_nbunexp_query_len() + 11);
	MSL_CHECK(memcmp(b + msl_nbunexp_query_len(), "\\MAILSLOT\\x", 11) == 0);
	/* Measuring, and refusals. */
	MSL_CHECK_EQ(msl_nbunexp_query_build(MSL_NBUNEXP_NMB, 7, NULL, 0, NULL, 0, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_nbunexp_query_len());
	MSL_CHECK_EQ(msl_nbunexp_query_build(2, -1, NULL, 0, b, sizeof b, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbunexp_query_build(1, -1, "x", MSL_NBUNEXP_NAME_MAX + 1, b, sizeof b, &used),
	    MSL_PE_INVAL);
}

static void
test_frame_lp64_bytes(void)
{
	static const uint8_t ip[4] = { 10, 1, 2, 3 };
	uint8_t b[BIG];
	struct msl_nbunexp_frame f;
	size_t used = 0, n;

	if (!lp64())
		return;
	MSL_CHECK_EQ(msl_nbunexp_hdr_len(), 32);
	n = lp64_frame(b, 5, 1, ip, 138);
	memcpy(b + n, "hello", 5);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, n + 5, &f, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 37);
	MSL_CHECK_EQ(f.fr_type, MSL_NBUNEXP_DGRAM);
	MSL_CHECK_EQ(f.fr_ip, 0x0a010203);
	MSL_CHECK_EQ(f.fr_port, 138);
	MSL_CHECK_EQ(f.fr_time, 1700000000);
	MSL_CHECK_EQ(f.fr_len, 5);
	MSL_CHECK(f.fr_data == b + 32 && memcmp(f.fr_data, "hello", 5) == 0);
	/* The builder writes the same bytes. */
	uint8_t again[BIG];
	MSL_CHECK_EQ(msl_nbunexp_frame_build(&f, again, sizeof again, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 37);
	MSL_CHECK(memcmp(again, b, 37) == 0);
}

/* Two frames back to back, the stream cut at every byte. */
static void
test_stream_cut_anywhere(void)
{
	uint8_t b[BIG];
	size_t n = 0, used;
	struct msl_nbunexp_frame f = { .fr_type = MSL_NBUNEXP_DGRAM, .fr_ip = 0x0a000001,
		.fr_port = 138, .fr_data = (const uint8_t *)"abc", .fr_len = 3 };

	MSL_CHECK_EQ(msl_nbunexp_frame_build(&f, b, sizeof b, &used), MSL_PE_OK);
	n = used;
	f.fr_type = MSL_NBUNEXP_NMB;
	f.fr_len = 0;
	MSL_CHECK_EQ(msl_nbunexp_frame_build(&f, b + n, sizeof b - n, &used), MSL_PE_OK);
	n += used;
	for (size_t cut = 0; cut < n; cut++) {
		msl_perr e = msl_nbunexp_frame_parse(b, cut, &f, &used);
		if (cut < msl_nbunexp_hdr_len() + 3)
			MSL_CHECK_EQ(e, MSL_PE_TRUNCATED);
		else
			MSL_CHECK_EQ(e, MSL_PE_OK);
	}
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, n, &f, &used), MSL_PE_OK);
	MSL_CHECK_EQ(f.fr_len, 3);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b + used, n - used, &f, &used), MSL_PE_OK);
	MSL_CHECK_EQ(f.fr_type, MSL_NBUNEXP_NMB);
	MSL_CHECK_EQ(f.fr_len, 0);
}

/* A length beyond nmbd's buffer or an unknown type is refused at once,
 * before the reader would wait for the body. */
static void
test_hostile_headers(void)
{
	static const uint8_t ip[4] = { 0 };
	uint8_t b[BIG];
	struct msl_nbunexp_frame f;
	size_t used;

	if (!lp64())
		return;
	lp64_frame(b, 1025, 1, ip, 138);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, 32, &f, &used), MSL_PE_TOOBIG);
	lp64_frame(b, UINT64_MAX, 1, ip, 138);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, 32, &f, &used), MSL_PE_TOOBIG);
	lp64_frame(b, 4, 2, ip, 138);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, 36, &f, &used), MSL_PE_BADTYPE);
	lp64_frame(b, 4, -1, ip, 138);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, 36, &f, &used), MSL_PE_BADTYPE);
	lp64_frame(b, 1024, 1, ip, 138);
	MSL_CHECK_EQ(msl_nbunexp_frame_parse(b, 32 + 1024, &f, &used), MSL_PE_OK);
	f.fr_len = 1025;
	MSL_CHECK_EQ(msl_nbunexp_frame_build(&f, b, sizeof b, &used), MSL_PE_TOOBIG);
}

MSL_TEST_LIST(
	MSL_TEST(test_query_layout),
	MSL_TEST(test_frame_lp64_bytes),
	MSL_TEST(test_stream_cut_anywhere),
	MSL_TEST(test_hostile_headers))
