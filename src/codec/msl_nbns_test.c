/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns_test.c - unit tests of msl_nbns.c: the name query and its
 * positive and negative responses.
 *
 * The reference query is spelled out from the RFC 1002 §4.2.12 diagram,
 * not taken from the builder under test.
 */
#include "codec_testlib.h"

/* A broadcast NAME QUERY REQUEST for WORKGROUP<1D>, spelled out from the
 * RFC 1002 §4.2.12 diagram: flags 0x0110 (RD, B), QDCOUNT 1. */
static const uint8_t nbns_query_wg1d[] = {
	0x1a, 0x2b, 0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 'F', 'H', 'E', 'P', 'F', 'C', 'E', 'L', 'E', 'H', 'F',
	'C', 'E', 'P', 'F', 'F', 'F', 'A', 'C', 'A', 'C', 'A', 'C', 'A',
	'C', 'A', 'C', 'A', 'C', 'A', 'B', 'N', 0x00, 0x00, 0x20, 0x00,
	0x01,
};

static void
test_nbns_query(void)
{
	struct msl_nbname wg = mkname("workgroup", 0x1d, NULL);
	struct msl_nbns_query q, out;
	uint8_t buf[BIG];
	size_t used;

	msl_nbns_query_init(&q, 0x1a2b, &wg, 1);
	MSL_CHECK_EQ(q.nq_flags, 0x0110);
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, sizeof buf, &used),
	    MSL_PE_OK);
	MSL_CHECK_EQ(used, sizeof nbns_query_wg1d);
	MSL_CHECK(memcmp(buf, nbns_query_wg1d, used) == 0);
	MSL_CHECK_EQ(msl_nbns_query_parse(nbns_query_wg1d,
	    sizeof nbns_query_wg1d, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.nq_trn_id, 0x1a2b);
	MSL_CHECK_EQ(out.nq_flags, MSL_NBNS_F_RD | MSL_NBNS_F_B);
	MSL_CHECK_EQ(out.nq_type, MSL_NBNS_TYPE_NB);
	MSL_CHECK_EQ(msl_nbname_casecmp(&out.nq_name, &wg), 0);

	/* A unicast query has no B; a node status query is told apart. */
	msl_nbns_query_init(&q, 7, &wg, 0);
	MSL_CHECK_EQ(q.nq_flags, MSL_NBNS_F_RD);
	q.nq_type = MSL_NBNS_TYPE_NBSTAT;
	q.nq_name = mkname("*", 0, "scope");
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, sizeof buf, &used),
	    MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.nq_type, MSL_NBNS_TYPE_NBSTAT);
	MSL_CHECK_EQ(out.nq_flags, MSL_NBNS_F_RD);
	MSL_CHECK(strcmp(out.nq_name.nb_scope, "scope") == 0);
	q.nq_type = 1;
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
	q.nq_type = MSL_NBNS_TYPE_NB;
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, 10, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 12 + 40 + 4);

	/* Rejections. */
	memcpy(buf, nbns_query_wg1d, sizeof nbns_query_wg1d);
	for (size_t i = 0; i < sizeof nbns_query_wg1d; i++)
		MSL_CHECK_EQ(msl_nbns_query_parse(buf, i, &out),
		    MSL_PE_TRUNCATED);
	buf[2] = 0x81;		/* R set: a response */
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_NOTQUERY);
	buf[2] = 0x29;		/* OPCODE 5: a registration */
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_NOTQUERY);
	buf[2] = 0x01;
	buf[5] = 2;
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_BADCOUNT);
	buf[5] = 1;
	buf[11] = 1;
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_BADCOUNT);
	buf[11] = 0;
	buf[20] = 'z';
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_BADNBNAME);
	buf[20] = 'E';
	buf[47] = 0x01;		/* type A */
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_BADRRTYPE);
	buf[47] = 0x20;
	buf[49] = 0x03;		/* class CHAOS */
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, sizeof nbns_query_wg1d, &out),
	    MSL_PE_BADRRTYPE);
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, 10, NULL), MSL_PE_INVAL);
}

/* The owners of LINUXBOX<00> in the answers below: a B node and an H
 * node of a group. */
static const struct msl_nbns_addr addrs[2] = {
	{ MSL_NBNS_NB_FLAGS(0, MSL_NBDGM_NODE_B), 0xc0a8010a },
	{ MSL_NBNS_NB_FLAGS(1, MSL_NBDGM_NODE_H), 0x0a000001 },
};

/* answer_init fills in the response both answer cases build. */
static void
answer_init(struct msl_nbns_response *r)
{
	memset(r, 0, sizeof *r);
	r->nr_trn_id = 0x1a2b;
	r->nr_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD;
	r->nr_name = mkname("LINUXBOX", 0, NULL);
	r->nr_ttl = 300000;
}

static void
test_nbns_response(void)
{
	struct msl_nbns_response r, out;
	struct msl_nbns_addr a;
	uint8_t buf[BIG];
	size_t used;

	answer_init(&r);
	MSL_CHECK_EQ(msl_nbns_response_build(&r, addrs, 2, buf, sizeof buf,
	    &used), MSL_PE_OK);
	/* RFC 1002 §4.2.13: flags 0x8500, no question, one answer, NB, IN,
	 * TTL, RDLENGTH 12, then the entries. */
	MSL_CHECK_EQ(used, 12 + 34 + 10 + 12);
	MSL_CHECK(memcmp(buf, "\x1a\x2b\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00",
	    12) == 0);
	MSL_CHECK(memcmp(buf + 46, "\x00\x20\x00\x01\x00\x04\x93\xe0\x00\x0c"
	    "\x00\x00\xc0\xa8\x01\x0a\xe0\x00\x0a\x00\x00\x01", 22) == 0);
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.nr_trn_id, 0x1a2b);
	MSL_CHECK_EQ(out.nr_flags, MSL_NBNS_F_AA | MSL_NBNS_F_RD);
	MSL_CHECK_EQ(out.nr_rcode, 0);
	MSL_CHECK_EQ(out.nr_ttl, 300000);
	MSL_CHECK_EQ(msl_nbname_casecmp(&out.nr_name, &r.nr_name), 0);
	MSL_CHECK_EQ(out.nr_naddr, 2);
	MSL_CHECK_EQ(msl_nbns_response_addr(&out, 0, &a), MSL_PE_OK);
	MSL_CHECK_EQ(a.na_flags, 0);
	MSL_CHECK_EQ(a.na_ip, 0xc0a8010a);
	MSL_CHECK_EQ(msl_nbns_response_addr(&out, 1, &a), MSL_PE_OK);
	MSL_CHECK_EQ(a.na_flags, 0xe000);
	MSL_CHECK_EQ(a.na_ip, 0x0a000001);
	MSL_CHECK_EQ(msl_nbns_response_addr(&out, 2, &a), MSL_PE_INVAL);

	/* Rejections of a positive answer. */
	for (size_t i = 0; i < used; i++)
		MSL_CHECK_EQ(msl_nbns_response_parse(buf, i, &out),
		    MSL_PE_TRUNCATED);
	static const struct corruption bad_answers[] = {
		{ 2, 0x05, MSL_PE_NOTQUERY },	/* R clear: a request */
		{ 2, 0xad, MSL_PE_NOTQUERY },	/* OPCODE 5 */
		{ 7, 2, MSL_PE_BADCOUNT },	/* two answers */
		{ 5, 1, MSL_PE_BADCOUNT },	/* a question */
		{ 12, 0xc0, MSL_PE_BADNBNAME },	/* a compression pointer */
		{ 47, 0x21, MSL_PE_BADRRTYPE },	/* NBSTAT */
		{ 55, 11, MSL_PE_BADRDATA },	/* RDLENGTH 11 */
		{ 55, 18, MSL_PE_TRUNCATED },	/* more than there is */
	};
	CHECK_CORRUPTIONS(buf, bad_answers, msl_nbns_response_parse(buf, used, &out));
	buf[55] = 0;		/* no owners: odd but well-formed */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.nr_naddr, 0);
}

static void
test_nbns_response_negative(void)
{
	struct msl_nbns_response r, out;
	uint8_t buf[BIG];
	size_t used;

	answer_init(&r);
	/* RFC 1002 §4.2.14: a negative answer. */
	r.nr_rcode = MSL_NBNS_RCODE_NAM_ERR;
	MSL_CHECK_EQ(msl_nbns_response_build(&r, addrs, 2, buf, sizeof buf,
	    &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 12 + 34 + 10);
	MSL_CHECK(memcmp(buf + 2, "\x85\x03", 2) == 0);
	MSL_CHECK(memcmp(buf + 46, "\x00\x0a\x00\x01\0\0\0\0\0\0", 10) == 0);
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.nr_rcode, 3);
	MSL_CHECK_EQ(out.nr_naddr, 0);
	MSL_CHECK_EQ(msl_nbname_casecmp(&out.nr_name, &r.nr_name), 0);
	buf[7] = 0;		/* the RFC's own diagram says ANCOUNT 0 */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out), MSL_PE_OK);
	buf[7] = 2;
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADCOUNT);

	/* Builder refusals. */
	r.nr_rcode = 16;
	MSL_CHECK_EQ(msl_nbns_response_build(&r, addrs, 2, buf, sizeof buf,
	    &used), MSL_PE_INVAL);
	r.nr_rcode = 0;
	MSL_CHECK_EQ(msl_nbns_response_build(&r, NULL, 2, buf, sizeof buf,
	    &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbns_response_build(&r, addrs, 11000, buf,
	    sizeof buf, &used), MSL_PE_TOOBIG);
	MSL_CHECK_EQ(msl_nbns_response_build(&r, addrs, 1, buf, 20, &used),
	    MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 12 + 34 + 10 + 6);
	MSL_CHECK_EQ(msl_nbns_response_build(&r, NULL, 0, buf, sizeof buf,
	    &used), MSL_PE_OK);
}

MSL_TEST_LIST(
	MSL_TEST(test_nbns_query),
	MSL_TEST(test_nbns_response),
	MSL_TEST(test_nbns_response_negative))
