/* SPDX-License-Identifier: MIT */
/*
 * msl_nbdgm_test.c - unit tests of msl_nbdgm.c: the RFC 1002 §4.4
 * datagram header of every type, and fragments.
 */
#include "codec_testlib.h"

static void
test_nbdgm_types(void)
{
	/* RFC 1002 §4.4.3: a DATAGRAM ERROR is 11 bytes. */
	struct msl_nbdgm in = {
		.dg_type = MSL_NBDGM_ERROR, .dg_id = 0x4242, .dg_src_ip = 0x0a000001,
		.dg_src_port = 138, .dg_error = MSL_NBDGM_ERR_NO_DEST,
	};
	struct msl_nbdgm out;
	uint8_t buf[BIG];
	size_t used;

	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 11);
	MSL_CHECK(memcmp(buf, "\x13\x00\x42\x42\x0a\x00\x00\x01\x00\x8a\x82",
	    11) == 0);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.dg_type, MSL_NBDGM_ERROR);
	MSL_CHECK_EQ(out.dg_error, 0x82);
	MSL_CHECK_EQ(out.dg_id, 0x4242);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 10, &out), MSL_PE_TRUNCATED);

	/* RFC 1002 §4.4.4: a query is ten bytes and a destination name. */
	in.dg_type = MSL_NBDGM_QUERY_REQUEST;
	in.dg_dst = mkname("WORKGROUP", 0x1d, NULL);
	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 10 + 34);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbname_casecmp(&out.dg_dst, &in.dg_dst), 0);
	buf[10] = 0x1f;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_BADDSTNAME);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 9, &out), MSL_PE_TRUNCATED);
}

static void
test_nbdgm_direct(void)
{
	/* A direct datagram with user data; DGM_LENGTH is computed. */
	struct msl_nbdgm in = {
		.dg_type = MSL_NBDGM_BROADCAST, .dg_flags = MSL_NBDGM_FLAGS(MSL_NBDGM_NODE_B),
		.dg_src = mkname("LINUXBOX", 0, "scope"), .dg_dst = mkname("*", 0, "scope"),
		.dg_data = (const uint8_t *)"xyz", .dg_data_len = 3,
		.dg_length = 9999,	/* ignored */
	};
	struct msl_nbdgm out;
	uint8_t buf[BIG];
	size_t used;

	MSL_CHECK_EQ(in.dg_flags, 0x02);
	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 14 + 40 + 40 + 3);
	MSL_CHECK_EQ(buf[10] * 256 + buf[11], 83);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.dg_length, 83);
	MSL_CHECK_EQ(out.dg_data_len, 3);
	MSL_CHECK(memcmp(out.dg_data, "xyz", 3) == 0);
	MSL_CHECK(strcmp(out.dg_dst.nb_scope, "scope") == 0);
	/* DGM_LENGTH is reported, not enforced (docs/protocol.md §1.6). */
	buf[11] = 7;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.dg_length, 7);
	MSL_CHECK_EQ(out.dg_data_len, 3);

	/* No user data at all is still a well-formed datagram. */
	in.dg_data = NULL;
	in.dg_data_len = 0;
	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.dg_data_len, 0);

	/* Builder refusals. */
	in.dg_type = 0x17;
	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
	in.dg_type = MSL_NBDGM_DIRECT_UNIQUE;
	in.dg_data_len = 1;
	MSL_CHECK_EQ(msl_nbdgm_build(&in, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
	in.dg_data = buf;
	in.dg_data_len = 65535 - 80 + 1;
	MSL_CHECK_EQ(msl_nbdgm_build(&in, NULL, 0, &used), MSL_PE_TOOBIG);
	in.dg_data_len = 65535 - 80;
	MSL_CHECK_EQ(msl_nbdgm_build(&in, NULL, 0, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 65535 + 14);
	in.dg_type = MSL_NBDGM_ERROR;
	MSL_CHECK_EQ(msl_nbdgm_build_head(&in, 0, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 3, NULL), MSL_PE_INVAL);
	/* RFC 1002 §4.4.1 knows no type outside 0x10..0x16. */
	buf[0] = 0x17;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 3, &out), MSL_PE_BADTYPE);
	buf[0] = 0x00;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 1, &out), MSL_PE_BADTYPE);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 0, &out), MSL_PE_TRUNCATED);
}

static void
test_nbdgm_fragment(void)
{
	uint8_t buf[256];
	struct msl_nbdgm out;

	/* RFC 1002 §4.4.1: F clear is a later fragment, M set is a first
	 * fragment with more to come.  Both are reported, header filled. */
	memcpy(buf, msl_vec_b, msl_vec_b_len);
	buf[1] = 0x08;
	buf[12] = 0x00;
	buf[13] = 0x44;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, msl_vec_b_len, &out),
	    MSL_PE_FRAGMENT);
	MSL_CHECK_EQ(out.dg_id, 0x1234);
	MSL_CHECK_EQ(out.dg_src_ip, 0xc0a80114);
	MSL_CHECK_EQ(out.dg_offset, 0x44);
	MSL_CHECK_EQ(out.dg_data_len, msl_vec_b_len - 14);
	buf[1] = 0x0b;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, msl_vec_b_len, &out),
	    MSL_PE_FRAGMENT);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 14, &out), MSL_PE_FRAGMENT);
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, 13, &out), MSL_PE_TRUNCATED);
	/* Reserved flag bits are ignored. */
	buf[1] = 0xf2;
	MSL_CHECK_EQ(msl_nbdgm_parse(buf, msl_vec_b_len, &out), MSL_PE_OK);
}

MSL_TEST_LIST(
	MSL_TEST(test_nbdgm_types),
	MSL_TEST(test_nbdgm_direct),
	MSL_TEST(test_nbdgm_fragment))
