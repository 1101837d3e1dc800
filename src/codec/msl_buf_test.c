/* SPDX-License-Identifier: MIT */
/*
 * msl_buf_test.c - unit tests of msl_buf.c: the sticky read and write
 * cursors and the ASCII case folding every codec uses.
 */
#include "codec_testlib.h"

static void
test_buf_cursors(void)
{
	static const uint8_t in[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
		0xde };
	uint8_t out[8];
	struct msl_rd r;
	struct msl_wr w;
	size_t used;

	msl_rd_init(&r, in, sizeof in);
	MSL_CHECK_EQ(msl_rd_be16(&r), 0x1234);
	MSL_CHECK_EQ(msl_rd_le16(&r), 0x7856);
	MSL_CHECK_EQ(msl_rd_left(&r), 3);
	MSL_CHECK_EQ(msl_rd_be32(&r), 0);	/* only 3 bytes left */
	MSL_CHECK(!msl_rd_ok(&r));
	MSL_CHECK_EQ(msl_rd_u8(&r), 0);		/* sticky: nothing moves */
	MSL_CHECK_EQ(msl_rd_left(&r), 0);
	MSL_CHECK(msl_rd_bytes(&r, 0) == NULL);

	msl_rd_init(&r, in, sizeof in);
	MSL_CHECK_EQ(msl_rd_le32(&r), 0x78563412);
	MSL_CHECK_EQ(msl_rd_be16(&r), 0x9abc);
	MSL_CHECK(msl_rd_bytes(&r, SIZE_MAX) == NULL);
	MSL_CHECK(!msl_rd_ok(&r));

	msl_wr_init(&w, out, 7);
	msl_wr_be16(&w, 0x0102);
	msl_wr_le16(&w, 0x0304);
	msl_wr_be32(&w, 0x05060708);	/* one byte too many */
	MSL_CHECK(!msl_wr_ok(&w));
	msl_wr_u8(&w, 9);
	MSL_CHECK_EQ(msl_wr_finish(&w, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 9);
	MSL_CHECK(memcmp(out, "\x01\x02\x04\x03", 4) == 0);

	msl_wr_init(&w, out, sizeof out);
	msl_wr_le32(&w, 0x01020304);
	msl_wr_zeros(&w, 2);
	msl_wr_bytes(&w, "ab", 2);
	MSL_CHECK_EQ(msl_wr_finish(&w, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 8);
	MSL_CHECK(memcmp(out, "\x04\x03\x02\x01\0\0ab", 8) == 0);

	/* Measuring with no buffer at all. */
	msl_wr_init(&w, NULL, 100);
	msl_wr_be32(&w, 1);
	MSL_CHECK_EQ(msl_wr_finish(&w, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 4);

	MSL_CHECK_EQ(msl_toupper('a'), 'A');
	MSL_CHECK_EQ(msl_toupper('{'), '{');
	MSL_CHECK_EQ(msl_toupper(0xe9), 0xe9);
	MSL_CHECK(msl_casecmp("\\mailslot\\", "\\MAILSLOT\\", 10) == 0);
	MSL_CHECK(msl_casecmp("A", "B", 1) < 0);
}

MSL_TEST_LIST(
	MSL_TEST(test_buf_cursors))
