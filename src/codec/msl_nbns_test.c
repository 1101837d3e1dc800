/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns_test.c - unit tests of msl_nbns.c, msl_nbns_reg.c and
 * msl_nbns_stat.c: the name query and its responses, registration,
 * overwrite, refresh, release, challenge, WACK and node status.
 *
 * The reference packets are spelled out from the RFC 1002 §4.2 diagrams,
 * not taken from the builders under test.
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
	buf[2] = 0x05;		/* R clear: a request */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_NOTQUERY);
	buf[2] = 0xad;		/* OPCODE 5 */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_NOTQUERY);
	buf[2] = 0x85;
	buf[7] = 2;
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADCOUNT);
	buf[7] = 1;
	buf[5] = 1;
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADCOUNT);
	buf[5] = 0;
	buf[12] = 0xc0;
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADNBNAME);
	buf[12] = 0x20;
	buf[47] = 0x21;
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADRRTYPE);
	buf[47] = 0x20;
	buf[55] = 11;		/* RDLENGTH 11 */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_BADRDATA);
	buf[55] = 18;		/* more than there is */
	MSL_CHECK_EQ(msl_nbns_response_parse(buf, used, &out),
	    MSL_PE_TRUNCATED);
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

/* A broadcast NAME REGISTRATION REQUEST for LINUXBOX<00> at 192.168.1.10
 * with TTL 0 (a B-node's), spelled out from RFC 1002 §4.2.2: flags 0x2910
 * (opcode 5, RD, B), QDCOUNT 1, ARCOUNT 1, the question, then the
 * additional record with the 0xC00C pointer. */
static const uint8_t nbns_reg_linuxbox[] = {
	0x00, 0x42, 0x29, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x20, 'E', 'M', 'E', 'J', 'E', 'O', 'F', 'F', 'F', 'I', 'E',
	'C', 'E', 'P', 'F', 'I', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A',
	'C', 'A', 'C', 'A', 'C', 'A', 'A', 'A', 0x00, 0x00, 0x20, 0x00,
	0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x0a,
};

/* roundtrip builds p, parses it back and checks the fields survive. */
static struct msl_nbns_pkt
roundtrip(const struct msl_nbns_pkt *p, uint8_t *buf, size_t *used)
{
	struct msl_nbns_pkt out;

	MSL_CHECK_EQ(msl_nbns_pkt_build(p, buf, BIG, used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, *used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.np_trn_id, p->np_trn_id);
	MSL_CHECK_EQ(out.np_opcode, p->np_opcode);
	MSL_CHECK_EQ(out.np_response, p->np_response);
	MSL_CHECK_EQ(out.np_flags, p->np_flags);
	MSL_CHECK_EQ(out.np_rcode, p->np_rcode);
	MSL_CHECK_EQ(out.np_ttl, p->np_ttl);
	MSL_CHECK_EQ(out.np_addr.na_flags, p->np_addr.na_flags);
	MSL_CHECK_EQ(out.np_addr.na_ip, p->np_addr.na_ip);
	MSL_CHECK_EQ(out.np_wack_word, p->np_wack_word);
	MSL_CHECK_EQ(msl_nbname_casecmp(&out.np_name, &p->np_name), 0);
	return out;
}

static void
test_nbns_register(void)
{
	struct msl_nbname n = mkname("linuxbox", 0, NULL);
	struct msl_nbns_pkt p, out;
	uint8_t buf[BIG];
	size_t used;

	msl_nbns_register_init(&p, 0x42, &n, 0, 0, 0xc0a8010a, 1);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&p), MSL_NBNS_K_REGISTER);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(used, sizeof nbns_reg_linuxbox);
	MSL_CHECK(memcmp(buf, nbns_reg_linuxbox, used) == 0);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REGISTER);
	MSL_CHECK_EQ(msl_nbns_peek_opcode(buf, used, NULL), 5);
	/* A registration is not a query, nor the other way round. */
	struct msl_nbns_query q;
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, used, &q), MSL_PE_NOTQUERY);
	msl_nbns_query_init(&q, 1, &n, 1);
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, sizeof buf, &used),
	    MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, used, &out), MSL_PE_NOTQUERY);

	/* A unicast registration to a name server (a P/M/H-node's) with a
	 * scope and a group name; a full RR_NAME instead of the pointer. */
	n = mkname("WORKGROUP", 0, "corp.example");
	msl_nbns_register_init(&p, 7, &n, 300000,
	    MSL_NBNS_NB_FLAGS(1, MSL_NBDGM_NODE_H), 0x0a000001, 0);
	MSL_CHECK_EQ(p.np_flags, MSL_NBNS_F_RD);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK(strcmp(out.np_name.nb_scope, "corp.example") == 0);
	uint8_t full[BIG];
	size_t qend = 12 + msl_nbname_wire_len(&n) + 4;
	memcpy(full, buf, qend);
	memcpy(full + qend, buf + 12, msl_nbname_wire_len(&n));
	memcpy(full + qend + msl_nbname_wire_len(&n), buf + qend + 2,
	    used - qend - 2);
	size_t flen = used - 2 + msl_nbname_wire_len(&n);
	MSL_CHECK_EQ(msl_nbns_pkt_parse(full, flen, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.np_addr.na_ip, 0x0a000001);
	full[qend + 5] = 'A';	/* a different name in the record */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(full, flen, &out), MSL_PE_BADNBNAME);

	/* Overwrite (§4.2.3), refresh (§4.2.4, both opcodes), release. */
	n = mkname("linuxbox", 0x20, NULL);
	msl_nbns_overwrite_init(&p, 9, &n, 0, 0, 0xc0a8010a);
	MSL_CHECK_EQ(p.np_flags, MSL_NBNS_F_B);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_OVERWRITE);
	MSL_CHECK(memcmp(buf + 2, "\x28\x10", 2) == 0);
	msl_nbns_refresh_init(&p, 9, &n, 300, 0, 0xc0a8010a, 0);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REFRESH);
	MSL_CHECK(memcmp(buf + 2, "\x40\x00", 2) == 0);
	buf[2] = 0x48;		/* opcode 9 */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.np_opcode, MSL_NBNS_OP_REFRESH_ALT);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REFRESH);
	msl_nbns_release_init(&p, 9, &n, 0, 0xc0a8010a, 1);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_RELEASE);
	MSL_CHECK(memcmp(buf + 2, "\x30\x10", 2) == 0);
	MSL_CHECK_EQ(out.np_ttl, 0);
}

static void
test_nbns_register_replies(void)
{
	struct msl_nbname n = mkname("linuxbox", 0, NULL);
	struct msl_nbns_addr owner = { 0, 0xc0a80114 };
	struct msl_nbns_pkt req, p, out;
	uint8_t buf[BIG];
	size_t used;

	msl_nbns_register_init(&req, 0x42, &n, 0, 0, 0xc0a8010a, 1);
	/* §4.2.6: a defender's negative answer, ACT_ERR, flags AA RD RA:
	 * 0xad86; the record names the defender. */
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_ACT_ERR);
	p.np_addr = owner;
	out = roundtrip(&p, buf, &used);
	MSL_CHECK(memcmp(buf, "\x00\x42\xad\x86\x00\x00\x00\x01\0\0\0\0",
	    12) == 0);
	MSL_CHECK(memcmp(buf + 46, "\x00\x20\x00\x01\0\0\0\0\x00\x06"
	    "\x00\x00\xc0\xa8\x01\x14", 16) == 0);
	MSL_CHECK_EQ(used, 12 + 34 + 16);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REG_NEGATIVE);
	/* Without RDATA it is still read. */
	buf[55] = 0;
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, 12 + 34 + 10, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.np_addr.na_ip, 0);
	buf[55] = 6;
	/* §4.2.5 positive, §4.2.7 challenge. */
	msl_nbns_reply_init(&p, &req, 0);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REG_POSITIVE);
	msl_nbns_challenge_init(&p, &req, &owner);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_CHALLENGE);
	MSL_CHECK(memcmp(buf + 2, "\xad\x00", 2) == 0);
	/* §4.2.10, §4.2.11: release answers, AA alone. */
	msl_nbns_release_init(&req, 3, &n, 0, 0xc0a8010a, 0);
	msl_nbns_reply_init(&p, &req, 0);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REL_POSITIVE);
	MSL_CHECK(memcmp(buf + 2, "\xb4\x00", 2) == 0);
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_RFS_ERR);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_REL_NEGATIVE);
	/* §4.2.16: WACK for a unicast registration, RDATA 0x2900. */
	msl_nbns_register_init(&req, 5, &n, 300, 0, 0xc0a8010a, 0);
	msl_nbns_wack_init(&p, &req, 30);
	out = roundtrip(&p, buf, &used);
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&out), MSL_NBNS_K_WACK);
	MSL_CHECK_EQ(out.np_wack_word, 0x2900);
	MSL_CHECK(memcmp(buf + 2, "\xbc\x00", 2) == 0);
	MSL_CHECK(memcmp(buf + used - 8, "\x00\x00\x00\x1e\x00\x02\x29\x00",
	    8) == 0);
}

static void
test_nbns_register_rejects(void)
{
	struct msl_nbns_pkt p, out;
	uint8_t buf[BIG];

	memcpy(buf, nbns_reg_linuxbox, sizeof nbns_reg_linuxbox);
	for (size_t i = 0; i < sizeof nbns_reg_linuxbox; i++)
		MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, i, &out),
		    MSL_PE_TRUNCATED);
	size_t len = sizeof nbns_reg_linuxbox;
	buf[2] = 0x39;		/* opcode 7 as a request: WACK is an answer */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_NOTQUERY);
	buf[2] = 0x09;		/* opcode 1 */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_NOTQUERY);
	buf[2] = 0x29;
	buf[11] = 0;		/* no additional record */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADCOUNT);
	buf[11] = 1;
	buf[7] = 1;
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADCOUNT);
	buf[7] = 0;
	buf[47] = 0x21;		/* question NBSTAT */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADRRTYPE);
	buf[47] = 0x20;
	buf[51] = 0x0d;		/* a pointer elsewhere */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADNBNAME);
	buf[51] = 0x0c;
	buf[53] = 0x01;		/* record type A */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADRRTYPE);
	buf[53] = 0x20;
	buf[61] = 12;		/* two entries, more than there is */
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_TRUNCATED);
	buf[61] = 4;
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_BADRDATA);
	buf[61] = 6;
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, &out), MSL_PE_OK);
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, len, NULL), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbns_peek_opcode(buf, 11, NULL), -1);

	/* Builder refusals. */
	p = out;
	p.np_rcode = 3;		/* a request with an RCODE */
	MSL_CHECK_EQ(msl_nbns_pkt_build(&p, buf, sizeof buf, &len),
	    MSL_PE_INVAL);
	p.np_rcode = 0;
	p.np_opcode = 0;
	MSL_CHECK_EQ(msl_nbns_pkt_build(&p, buf, sizeof buf, &len),
	    MSL_PE_INVAL);
	p.np_opcode = MSL_NBNS_OP_WACK;
	MSL_CHECK_EQ(msl_nbns_pkt_build(&p, buf, sizeof buf, &len),
	    MSL_PE_INVAL);
	p.np_opcode = MSL_NBNS_OP_MULTIHOMED;
	MSL_CHECK_EQ(msl_nbns_pkt_build(&p, buf, 8, &len), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(len, sizeof nbns_reg_linuxbox);
}

static void
test_nbns_status(void)
{
	struct msl_nbns_node_name names[3] = {
		{ "LINUXBOX       \x00", MSL_NBNS_NAME_ACT },
		{ "WORKGROUP      \x00",
		    MSL_NBNS_NB_GROUP | MSL_NBNS_NAME_ACT },
		{ "ALIAS          \x00",
		    MSL_NBNS_NAME_ACT | MSL_NBNS_NAME_CNF },
	};
	struct msl_nbns_status s = { .ns_trn_id = 0x77,
		.ns_flags = MSL_NBNS_F_AA,
		.ns_unit_id = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 } };
	struct msl_nbns_status out;
	struct msl_nbns_node_name nn;
	struct msl_nbns_query q, qout;
	uint8_t buf[BIG];
	size_t used;

	/* §4.2.17: the request is "*" padded with NULs, flags 0. */
	msl_nbns_status_query_init(&q, 0x77, &(struct msl_nbname){ 0 });
	q.nq_name = mkname("*", 0, NULL);
	MSL_CHECK_EQ(msl_nbns_query_build(&q, buf, sizeof buf, &used),
	    MSL_PE_OK);
	MSL_CHECK(memcmp(buf + 2, "\x00\x00", 2) == 0);
	MSL_CHECK(memcmp(buf + 12, "\x20\x43\x4b\x41\x41", 5) == 0);
	MSL_CHECK(memcmp(buf + used - 4, "\x00\x21\x00\x01", 4) == 0);
	MSL_CHECK_EQ(msl_nbns_query_parse(buf, used, &qout), MSL_PE_OK);
	MSL_CHECK_EQ(qout.nq_type, MSL_NBNS_TYPE_NBSTAT);

	s.ns_name = q.nq_name;
	MSL_CHECK_EQ(msl_nbns_status_build(&s, names, 3, buf, sizeof buf,
	    &used), MSL_PE_OK);
	/* §4.2.18: 0x8400, ANCOUNT 1, NBSTAT, IN, TTL 0, RDLENGTH
	 * 1 + 3 * 18 + 46 = 101, NUM_NAMES 3. */
	MSL_CHECK_EQ(used, 12 + 34 + 10 + 101);
	MSL_CHECK(memcmp(buf, "\x00\x77\x84\x00\x00\x00\x00\x01", 8) == 0);
	MSL_CHECK(memcmp(buf + 46, "\x00\x21\x00\x01\0\0\0\0\x00\x65\x03"
	    "LINUXBOX       \x00\x04\x00", 29) == 0);
	MSL_CHECK(memcmp(buf + 57 + 54, "\x02\x00\x5e\x10\x00\x01", 6) == 0);
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.ns_trn_id, 0x77);
	MSL_CHECK_EQ(out.ns_flags, MSL_NBNS_F_AA);
	MSL_CHECK_EQ(out.ns_nnames, 3);
	MSL_CHECK_EQ(out.ns_stats_len, 46);
	MSL_CHECK(memcmp(out.ns_unit_id, s.ns_unit_id, 6) == 0);
	MSL_CHECK_EQ(msl_nbns_status_name(&out, 1, &nn), MSL_PE_OK);
	MSL_CHECK(memcmp(nn.nn_raw, names[1].nn_raw, 16) == 0);
	MSL_CHECK_EQ(nn.nn_flags, 0x8400);
	MSL_CHECK_EQ(msl_nbns_status_name(&out, 2, &nn), MSL_PE_OK);
	MSL_CHECK_EQ(nn.nn_flags, 0x0c00);
	MSL_CHECK_EQ(msl_nbns_status_name(&out, 3, &nn), MSL_PE_INVAL);

	/* Rejections. */
	for (size_t i = 0; i < 12 + 34 + 10; i++)
		MSL_CHECK_EQ(msl_nbns_status_parse(buf, i, &out),
		    MSL_PE_TRUNCATED);
	buf[56] = 7;		/* NUM_NAMES beyond RDATA */
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_BADRDATA);
	buf[56] = 0;		/* no names; all of it statistics */
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_OK);
	MSL_CHECK_EQ(out.ns_stats_len, 100);
	buf[47] = 0x20;
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_BADRRTYPE);
	buf[2] = 0x04;
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_NOTQUERY);
	buf[2] = 0x84;
	buf[5] = 1;
	MSL_CHECK_EQ(msl_nbns_status_parse(buf, used, &out), MSL_PE_BADCOUNT);
	MSL_CHECK_EQ(msl_nbns_status_build(&s, names, 256, buf, sizeof buf,
	    &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbns_status_build(&s, NULL, 1, buf, sizeof buf,
	    &used), MSL_PE_INVAL);
}

MSL_TEST_LIST(
	MSL_TEST(test_nbns_register),
	MSL_TEST(test_nbns_register_replies),
	MSL_TEST(test_nbns_register_rejects),
	MSL_TEST(test_nbns_status),
	MSL_TEST(test_nbns_query),
	MSL_TEST(test_nbns_response),
	MSL_TEST(test_nbns_response_negative))
