/*
 * codec_test.c - unit tests of the pure wire codecs.
 *
 * The reference bytes come from docs/protocol.md (the §1.3 table of name
 * encodings, the §1.7 examples A and B) and from the RFC 1002 §4.2.12
 * layout, not from the encoders under test.
 */
#include <stdio.h>
#include <string.h>

#include "codec_vectors.h"
#include "msl_codec.h"
#include "msl_test.h"

/* A buffer larger than anything a codec here writes. */
#define BIG 2048

static struct msl_nbname
mkname(const char *name, uint8_t suffix, const char *scope)
{
	struct msl_nbname n;

	MSL_CHECK_EQ(msl_nbname_make(&n, name, suffix, scope), MSL_PE_OK);
	return n;
}

static void
check_fmt(const struct msl_nbname *n, const char *want)
{
	char buf[MSL_NBNAME_FMT_MAX];

	MSL_CHECK_EQ(msl_nbname_format(n, buf, sizeof buf), strlen(want));
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  formatted \"%s\", wanted \"%s\"\n", buf, want);
	MSL_CHECK(strcmp(buf, want) == 0);
}

/* mdgm_status parses a copy of a payload and returns the verdict. */
static msl_perr
mdgm_status(const uint8_t *buf, size_t len)
{
	struct msl_mdgm m;

	return msl_mdgm_parse(buf, len, &m);
}

/* le16_put patches a little-endian SMB field of a test datagram. */
static void
le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- msl_perr -------------------------------------------------------- */

static void
test_perr_strings(void)
{
	for (int i = 0; i < MSL_PE_COUNT; i++) {
		const char *s = msl_perr_str((msl_perr)i);

		MSL_CHECK(s != NULL && *s != '\0' && strchr(s, ' ') == NULL);
		MSL_CHECK(strcmp(s, "unknown") != 0);
		for (int j = 0; j < i; j++)
			MSL_CHECK(strcmp(s, msl_perr_str((msl_perr)j)) != 0);
	}
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_OK), "ok") == 0);
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_FRAGMENT), "fragment") == 0);
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_COUNT), "unknown") == 0);
	MSL_CHECK(strcmp(msl_perr_str((msl_perr)-1), "unknown") == 0);
}

/* ---- msl_buf --------------------------------------------------------- */

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

/* ---- msl_nbname ------------------------------------------------------ */

/* docs/protocol.md §1.3: the table of encodings. */
static const struct {
	const char *name;
	uint8_t suffix;
	const char *l1;
} nbname_table[] = {
	{ "WORKGROUP", 0x00, "FHEPFCELEHFCEPFFFACACACACACACAAA" },
	{ "WORKGROUP", 0x1d, "FHEPFCELEHFCEPFFFACACACACACACABN" },
	{ "WORKGROUP", 0x1e, "FHEPFCELEHFCEPFFFACACACACACACABO" },
	{ "WORKGROUP", 0x1c, "FHEPFCELEHFCEPFFFACACACACACACABM" },
	{ "WORKGROUP", 0x1b, "FHEPFCELEHFCEPFFFACACACACACACABL" },
	{ "LINUXBOX", 0x00, "EMEJEOFFFIECEPFICACACACACACACAAA" },
	{ "LINUXBOX", 0x20, "EMEJEOFFFIECEPFICACACACACACACACA" },
	{ "\x01\x02__MSBROWSE__\x02", 0x01,
	    "ABACFPFPENFDECFCEPFHFDEFFPFPACAB" },
	{ "*", 0x00, "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
};

static void
test_nbname_table(void)
{
	for (size_t i = 0; i < sizeof nbname_table / sizeof nbname_table[0];
	    i++) {
		struct msl_nbname n = mkname(nbname_table[i].name,
		    nbname_table[i].suffix, NULL), back;
		uint8_t l1[MSL_NBNAME_L1_LEN], raw[MSL_NBNAME_LEN];
		uint8_t wire[MSL_NBNAME_WIRE_MAX];
		size_t used = 0;

		msl_nbname_l1_encode(n.nb_raw, l1);
		MSL_CHECK(memcmp(l1, nbname_table[i].l1, 32) == 0);
		MSL_CHECK_EQ(msl_nbname_l1_decode(l1, raw), MSL_PE_OK);
		MSL_CHECK(memcmp(raw, n.nb_raw, MSL_NBNAME_LEN) == 0);

		/* RFC 1002 §4.1: 0x20, the 32 characters, 0x00. */
		MSL_CHECK_EQ(msl_nbname_wire_len(&n), 34);
		MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
		    MSL_PE_OK);
		MSL_CHECK_EQ(used, 34);
		MSL_CHECK_EQ(wire[0], 0x20);
		MSL_CHECK(memcmp(wire + 1, nbname_table[i].l1, 32) == 0);
		MSL_CHECK_EQ(wire[33], 0x00);

		used = 0;
		MSL_CHECK_EQ(msl_nbname_parse(wire, 34, &back, &used),
		    MSL_PE_OK);
		MSL_CHECK_EQ(used, 34);
		MSL_CHECK(memcmp(back.nb_raw, n.nb_raw, MSL_NBNAME_LEN) == 0);
		MSL_CHECK_EQ(back.nb_scope_len, 0);
		MSL_CHECK_EQ(msl_nbname_casecmp(&back, &n), 0);
	}
}

static void
test_nbname_make(void)
{
	struct msl_nbname n;
	char long_label[65];

	/* docs/protocol.md §1.3: upper-cased and space padded. */
	n = mkname("linuxBox", 0x20, NULL);
	MSL_CHECK(memcmp(n.nb_raw, "LINUXBOX       \x20", 16) == 0);
	MSL_CHECK_EQ(msl_nbname_suffix(&n), 0x20);
	/* docs/protocol.md §1.3: "*" is padded with 0x00. */
	n = mkname("*", 0x00, "");
	MSL_CHECK(memcmp(n.nb_raw, "*\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
	/* Fifteen characters fit; sixteen do not; nor does nothing. */
	n = mkname("ABCDEFGHIJKLMNO", 0x03, NULL);
	MSL_CHECK_EQ(n.nb_raw[14], 'O');
	MSL_CHECK_EQ(msl_nbname_make(&n, "ABCDEFGHIJKLMNOP", 0, NULL),
	    MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(&n, "", 0, NULL), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(&n, NULL, 0, NULL), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(NULL, "A", 0, NULL), MSL_PE_INVAL);

	/* Scopes: labels 1..63 bytes, no empty label, 220 bytes in all. */
	memset(long_label, 'x', 64);
	long_label[64] = '\0';
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, long_label), MSL_PE_INVAL);
	long_label[63] = '\0';
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, long_label), MSL_PE_OK);
	MSL_CHECK_EQ(n.nb_scope_len, 63);
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, "a..b"), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, ".a"), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, "a."), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_make(&n, "A", 0, "."), MSL_PE_INVAL);
	/* Scope case is kept as given (only the name is upper-cased). */
	n = mkname("a", 0, "Corp.Example");
	MSL_CHECK(strcmp(n.nb_scope, "Corp.Example") == 0);
}

/* scope_of builds a dotted scope of exactly len bytes from labels of at
 * most 63 bytes. */
static void
scope_of(char *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (i % 64 == 63) ? '.' : (char)('a' + i % 26);
	out[len] = '\0';
}

static void
test_nbname_scope(void)
{
	static const uint8_t want_tail[] = { 4, 'c', 'o', 'r', 'p', 7, 'e',
		'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	struct msl_nbname n = mkname("FOO", 0x20, "corp.example.com"), back;
	struct msl_nbname upper = mkname("foo", 0x20, "CORP.EXAMPLE.COM");
	struct msl_nbname bare = mkname("FOO", 0x20, NULL);
	uint8_t wire[MSL_NBNAME_WIRE_MAX + 8];
	char scope[MSL_NBNAME_SCOPE_MAX + 2];
	size_t used;

	/* RFC 1002 §4.1: the scope follows the 32 characters as labels. */
	MSL_CHECK_EQ(msl_nbname_wire_len(&n), 51);
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_OK);
	MSL_CHECK_EQ(used, 51);
	MSL_CHECK(memcmp(wire + 33, want_tail, sizeof want_tail) == 0);
	MSL_CHECK_EQ(msl_nbname_parse(wire, used, &back, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 51);
	MSL_CHECK(strcmp(back.nb_scope, "corp.example.com") == 0);
	MSL_CHECK_EQ(back.nb_scope_len, 16);
	MSL_CHECK_EQ(msl_nbname_casecmp(&back, &n), 0);
	MSL_CHECK_EQ(msl_nbname_casecmp(&back, &upper), 0);
	MSL_CHECK(msl_nbname_casecmp(&back, &bare) != 0);
	check_fmt(&n, "FOO<20>.corp.example.com");

	/* The longest scope gives exactly 255 bytes on the wire. */
	scope_of(scope, MSL_NBNAME_SCOPE_MAX);
	n = mkname("MAX", 0, scope);
	MSL_CHECK_EQ(msl_nbname_wire_len(&n), MSL_NBNAME_WIRE_MAX);
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_OK);
	MSL_CHECK_EQ(used, MSL_NBNAME_WIRE_MAX);
	MSL_CHECK_EQ(msl_nbname_parse(wire, used, &back, &used), MSL_PE_OK);
	MSL_CHECK(strcmp(back.nb_scope, scope) == 0);
	/* One byte more is refused, both by make and on the wire. */
	scope_of(scope, MSL_NBNAME_SCOPE_MAX + 1);
	MSL_CHECK_EQ(msl_nbname_make(&n, "MAX", 0, scope), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_OK);	/* n still holds the 220-byte scope */
	wire[used - 1] = 1;	/* replace the root label by "\1x\0" */
	wire[used] = 'x';
	wire[used + 1] = 0;
	MSL_CHECK_EQ(msl_nbname_parse(wire, used + 2, &back, &used),
	    MSL_PE_BADNBNAME);

	/* A builder refuses a scope that make would have refused, or one
	 * whose length disagrees with its text. */
	n = mkname("A", 0, "ok");
	strcpy(n.nb_scope, "o.");
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_INVAL);
	memcpy(n.nb_scope, "ab\0cd", 6);
	n.nb_scope_len = 5;
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_INVAL);
	n.nb_scope_len = MSL_NBNAME_SCOPE_MAX + 1;
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, sizeof wire, &used),
	    MSL_PE_INVAL);
	/* Too small a buffer tells the size needed. */
	n = mkname("A", 0, "corp");
	MSL_CHECK_EQ(msl_nbname_build(&n, wire, 10, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 39);
	MSL_CHECK_EQ(msl_nbname_build(&n, NULL, 0, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 39);
}

static void
test_nbname_reject(void)
{
	struct msl_nbname n = mkname("LINUXBOX", 0, "corp"), out;
	uint8_t good[64], bad[64];
	size_t len, used = 7;

	MSL_CHECK_EQ(msl_nbname_build(&n, good, sizeof good, &len), MSL_PE_OK);
	MSL_CHECK_EQ(len, 39);
	/* Every proper prefix is truncated, and *used is left alone. */
	for (size_t i = 0; i < len; i++)
		MSL_CHECK_EQ(msl_nbname_parse(good, i, &out, &used),
		    MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(used, 7);
	MSL_CHECK_EQ(msl_nbname_parse(NULL, 0, &out, &used), MSL_PE_TRUNCATED);

	/* RFC 1002 §4.1: the first label is 32 bytes. */
	memcpy(bad, good, len);
	bad[0] = 0x1f;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[0] = 0x21;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	/* RFC 1035 §4.1.4: a compression pointer is refused. */
	bad[0] = 0xc0;
	bad[1] = 0x0c;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	/* RFC 1001 §14.1: only 'A'..'P'. */
	memcpy(bad, good, len);
	bad[5] = 'Q';
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[5] = 'e';
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[5] = '@';
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	/* Scope labels: pointers and reserved label types, a '.' or a NUL
	 * inside a label. */
	memcpy(bad, good, len);
	bad[33] = 0xc0;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[33] = 0x44;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[33] = 0x84;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	memcpy(bad, good, len);
	bad[35] = '.';
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	bad[35] = '\0';
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);
	/* A label that claims more bytes than there are. */
	memcpy(bad, good, len);
	bad[33] = 60;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_TRUNCATED);

	/* Trailing bytes are not the name's: *used stops at the root. */
	memcpy(bad, good, len);
	bad[len] = 0x99;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len + 1, &out, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, len);
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, NULL, &used), MSL_PE_INVAL);
}

static void
test_nbname_format(void)
{
	struct msl_nbname n = mkname("WORKGROUP", 0x1d, NULL);
	char small[5];

	check_fmt(&n, "WORKGROUP<1d>");
	n = mkname("*", 0, NULL);
	check_fmt(&n, "*<00>");
	n = mkname("\x01\x02__MSBROWSE__\x02", 0x01, NULL);
	check_fmt(&n, "\\x01\\x02__MSBROWSE__\\x02<01>");
	n = mkname("MY PC", 0x20, NULL);
	check_fmt(&n, "MY PC<20>");
	n = mkname("A\\B", 0xff, "x");
	check_fmt(&n, "A\\x5cB<ff>.x");

	/* Like snprintf: cut, terminated, and the full length returned. */
	n = mkname("WORKGROUP", 0x1d, NULL);
	MSL_CHECK_EQ(msl_nbname_format(&n, small, sizeof small), 13);
	MSL_CHECK(strcmp(small, "WORK") == 0);
	MSL_CHECK_EQ(msl_nbname_format(&n, NULL, 0), 13);
	MSL_CHECK_EQ(msl_nbname_format(&n, small, 1), 13);
	MSL_CHECK_EQ(small[0], '\0');
}

static void
test_nbname_casecmp(void)
{
	struct msl_nbname a = mkname("LINUXBOX", 0, NULL);
	struct msl_nbname b = a, c = mkname("LINUXBOX", 0x20, NULL);
	struct msl_nbname d = mkname("LINUXBOY", 0, NULL);

	/* A peer may send lower case; it is still the same name. */
	memcpy(b.nb_raw, "linuxbox", 8);
	MSL_CHECK_EQ(msl_nbname_casecmp(&a, &b), 0);
	MSL_CHECK(msl_nbname_casecmp(&a, &c) < 0);
	MSL_CHECK(msl_nbname_casecmp(&c, &a) > 0);
	MSL_CHECK(msl_nbname_casecmp(&a, &d) < 0);
	c = mkname("LINUXBOX", 0, "a");
	MSL_CHECK(msl_nbname_casecmp(&a, &c) < 0);
	d = mkname("LINUXBOX", 0, "b");
	MSL_CHECK(msl_nbname_casecmp(&c, &d) < 0);
}

/* ---- Examples A and B (docs/protocol.md §1.7) ------------------------ */

static void
test_example_a_parse(void)
{
	struct msl_nbname winclient = mkname("WINCLIENT", 0, NULL);
	struct msl_nbname linuxbox = mkname("LINUXBOX", 0, NULL);
	static const char name[] = "\\MAILSLOT\\test1\\sample_mailslot";
	struct msl_mdgm m;
	const struct msl_nbdgm *d = &m.md_dgm;
	const struct msl_smbmail *s = &m.md_smb;

	MSL_CHECK_EQ(msl_vec_a_len, 0xde);
	MSL_CHECK_EQ(msl_mdgm_parse(msl_vec_a, msl_vec_a_len, &m), MSL_PE_OK);
	/* RFC 1002 §4.4.1 header as docs/protocol.md §1.7 builds it. */
	MSL_CHECK_EQ(d->dg_type, MSL_NBDGM_DIRECT_UNIQUE);
	MSL_CHECK_EQ(d->dg_flags, 0x0e);
	MSL_CHECK_EQ(MSL_NBDGM_NODE_TYPE(d->dg_flags), MSL_NBDGM_NODE_H);
	MSL_CHECK_EQ(d->dg_id, 0x8001);
	MSL_CHECK_EQ(d->dg_src_ip, 0xc0a8010a);
	MSL_CHECK_EQ(d->dg_src_port, 138);
	MSL_CHECK_EQ(d->dg_length, 208);
	MSL_CHECK_EQ(d->dg_offset, 0);
	MSL_CHECK(memcmp(d->dg_src.nb_raw, winclient.nb_raw, 16) == 0);
	MSL_CHECK(memcmp(d->dg_dst.nb_raw, linuxbox.nb_raw, 16) == 0);
	check_fmt(&d->dg_src, "WINCLIENT<00>");
	check_fmt(&d->dg_dst, "LINUXBOX<00>");
	MSL_CHECK(d->dg_data == msl_vec_a + MSL_VEC_SMB_OFF);
	MSL_CHECK_EQ(d->dg_data_len, 140);
	/* [MS-MAIL] §4 decoded fields, as listed in docs/protocol.md §1.7. */
	MSL_CHECK_EQ(s->sm_status, 0);
	MSL_CHECK_EQ(s->sm_flags, 0x18);
	MSL_CHECK_EQ(s->sm_flags2, 0x0004);
	MSL_CHECK_EQ(s->sm_tid, 0);
	MSL_CHECK_EQ(s->sm_pid, 0xfeff);
	MSL_CHECK_EQ(s->sm_uid, 0);
	MSL_CHECK_EQ(s->sm_mid, 0);
	MSL_CHECK_EQ(s->sm_total_param, 0);
	MSL_CHECK_EQ(s->sm_total_data, 36);
	MSL_CHECK_EQ(s->sm_max_param, 2);
	MSL_CHECK_EQ(s->sm_max_data, 0);
	MSL_CHECK_EQ(s->sm_max_setup, 0);
	MSL_CHECK_EQ(s->sm_trans_flags, 0x0002);
	MSL_CHECK_EQ(s->sm_timeout, 0);
	MSL_CHECK_EQ(s->sm_param_count, 0);
	MSL_CHECK_EQ(s->sm_param_offset, 0x68);
	MSL_CHECK_EQ(s->sm_data_count, 36);
	MSL_CHECK_EQ(s->sm_data_offset, 104);
	MSL_CHECK_EQ(s->sm_opcode, 1);
	MSL_CHECK_EQ(s->sm_priority, 0);
	MSL_CHECK_EQ(s->sm_class, 2);
	MSL_CHECK_EQ(s->sm_byte_count, 71);
	MSL_CHECK_EQ(s->sm_name_len, strlen(name));
	MSL_CHECK(memcmp(s->sm_name, name, sizeof name) == 0);	/* with NUL */
	MSL_CHECK_EQ(s->sm_data_len, 36);
	MSL_CHECK(s->sm_data == msl_vec_a + MSL_VEC_SMB_OFF + 104);
	for (size_t i = 0; i < s->sm_data_len; i++)
		MSL_CHECK_EQ(s->sm_data[i], 0xca);
	/* The SMB part alone parses the same. */
	{
		struct msl_smbmail alone;

		MSL_CHECK_EQ(msl_smbmail_parse(msl_vec_a + MSL_VEC_SMB_OFF, 140,
		    &alone), MSL_PE_OK);
		MSL_CHECK_EQ(alone.sm_data_offset, 104);
	}
}

static void
test_example_a_build(void)
{
	static const char name[] = "\\MAILSLOT\\test1\\sample_mailslot";
	uint8_t data[36], buf[BIG];
	struct msl_mdgm_send s;
	size_t used = 0;

	memset(data, 0xca, sizeof data);
	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_UNIQUE;
	s.ms_node = MSL_NBDGM_NODE_H;
	s.ms_id = 0x8001;
	s.ms_src_ip = 0xc0a8010a;
	s.ms_src_port = MSL_NBDGM_PORT;
	s.ms_src = mkname("WINCLIENT", 0, NULL);
	s.ms_dst = mkname("LINUXBOX", 0, NULL);
	s.ms_mailslot = name;
	s.ms_mailslot_len = strlen(name);
	s.ms_data = data;
	s.ms_data_len = sizeof data;
	s.ms_profile = MSL_SMBMAIL_WINDOWS;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_vec_a_len);
	MSL_CHECK(memcmp(buf, msl_vec_a, msl_vec_a_len) == 0);
	/* An exactly sized buffer is enough. */
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, msl_vec_a_len, &used), MSL_PE_OK);
	MSL_CHECK(memcmp(buf, msl_vec_a, msl_vec_a_len) == 0);
	/* The SMB part alone, too. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, name, strlen(name),
	    data, sizeof data, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 140);
	MSL_CHECK(memcmp(buf, msl_vec_a + MSL_VEC_SMB_OFF, 140) == 0);
}

static void
test_example_b_parse(void)
{
	static const char name[] = "\\MAILSLOT\\TEST";
	struct msl_mdgm m;
	const struct msl_nbdgm *d = &m.md_dgm;
	const struct msl_smbmail *s = &m.md_smb;

	MSL_CHECK_EQ(msl_vec_b_len, 0xb6);
	MSL_CHECK_EQ(msl_mdgm_parse(msl_vec_b, msl_vec_b_len, &m), MSL_PE_OK);
	MSL_CHECK_EQ(d->dg_type, MSL_NBDGM_DIRECT_GROUP);
	MSL_CHECK_EQ(d->dg_flags, 0x0a);
	MSL_CHECK_EQ(MSL_NBDGM_NODE_TYPE(d->dg_flags), MSL_NBDGM_NODE_M);
	MSL_CHECK_EQ(d->dg_id, 0x1234);
	MSL_CHECK_EQ(d->dg_src_ip, 0xc0a80114);
	MSL_CHECK_EQ(d->dg_src_port, 138);
	MSL_CHECK_EQ(d->dg_length, 168);
	MSL_CHECK_EQ(d->dg_offset, 0);
	check_fmt(&d->dg_src, "LINUXBOX<00>");
	check_fmt(&d->dg_dst, "WORKGROUP<00>");
	MSL_CHECK_EQ(d->dg_data_len, 100);
	/* Samba's zeroed header, priority 1, no padding. */
	MSL_CHECK_EQ(s->sm_status, 0);
	MSL_CHECK_EQ(s->sm_flags, 0);
	MSL_CHECK_EQ(s->sm_flags2, 0);
	MSL_CHECK_EQ(s->sm_tid, 0);
	MSL_CHECK_EQ(s->sm_pid, 0);
	MSL_CHECK_EQ(s->sm_uid, 0);
	MSL_CHECK_EQ(s->sm_mid, 0);
	MSL_CHECK_EQ(s->sm_total_param, 0);
	MSL_CHECK_EQ(s->sm_total_data, 16);
	MSL_CHECK_EQ(s->sm_max_param, 0);
	MSL_CHECK_EQ(s->sm_max_data, 0);
	MSL_CHECK_EQ(s->sm_max_setup, 0);
	MSL_CHECK_EQ(s->sm_trans_flags, 0);
	MSL_CHECK_EQ(s->sm_timeout, 0);
	MSL_CHECK_EQ(s->sm_param_count, 0);
	MSL_CHECK_EQ(s->sm_param_offset, 0);
	MSL_CHECK_EQ(s->sm_data_count, 16);
	MSL_CHECK_EQ(s->sm_data_offset, 84);
	MSL_CHECK_EQ(s->sm_opcode, 1);
	MSL_CHECK_EQ(s->sm_priority, 1);
	MSL_CHECK_EQ(s->sm_class, 2);
	MSL_CHECK_EQ(s->sm_byte_count, 31);
	MSL_CHECK_EQ(s->sm_name_len, strlen(name));
	MSL_CHECK(memcmp(s->sm_name, name, sizeof name) == 0);
	MSL_CHECK_EQ(s->sm_data_len, 16);
	MSL_CHECK(memcmp(s->sm_data, "Hello, mailslot!", 16) == 0);
}

static void
test_example_b_build(void)
{
	struct msl_mdgm_send s;
	uint8_t buf[BIG];
	size_t used = 0;

	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_GROUP;
	s.ms_node = MSL_NBDGM_NODE_M;
	s.ms_id = 0x1234;
	s.ms_src_ip = 0xc0a80114;
	s.ms_src_port = 138;
	s.ms_src = mkname("LINUXBOX", 0, NULL);
	s.ms_dst = mkname("WORKGROUP", 0, NULL);
	s.ms_mailslot = "\\MAILSLOT\\TEST";
	s.ms_mailslot_len = 14;
	s.ms_data = (const uint8_t *)"Hello, mailslot!";
	s.ms_data_len = 16;
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK(memcmp(buf, msl_vec_b, msl_vec_b_len) == 0);
	/* Too small by one: NOSPACE and the size needed. */
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, msl_vec_b_len - 1, &used),
	    MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, 20, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK_EQ(msl_mdgm_build(&s, NULL, 0, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
}

/* ---- msl_nbdgm ------------------------------------------------------- */

static void
test_nbdgm_types(void)
{
	struct msl_nbdgm in, out;
	uint8_t buf[BIG];
	size_t used;

	/* RFC 1002 §4.4.3: a DATAGRAM ERROR is 11 bytes. */
	memset(&in, 0, sizeof in);
	in.dg_type = MSL_NBDGM_ERROR;
	in.dg_id = 0x4242;
	in.dg_src_ip = 0x0a000001;
	in.dg_src_port = 138;
	in.dg_error = MSL_NBDGM_ERR_NO_DEST;
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

	/* A direct datagram with user data; DGM_LENGTH is computed. */
	memset(&in, 0, sizeof in);
	in.dg_type = MSL_NBDGM_BROADCAST;
	in.dg_flags = MSL_NBDGM_FLAGS(MSL_NBDGM_NODE_B);
	in.dg_src = mkname("LINUXBOX", 0, "scope");
	in.dg_dst = mkname("*", 0, "scope");
	in.dg_data = (const uint8_t *)"xyz";
	in.dg_data_len = 3;
	in.dg_length = 9999;	/* ignored */
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

/* ---- msl_smbmail ----------------------------------------------------- */

static void
test_smbmail_profiles(void)
{
	static const char name[] = "\\mailslot\\Net\\Net_Logon";
	uint8_t buf[BIG];
	struct msl_smbmail s;
	size_t used;

	/* The Windows profile pads to 4 and sets the SHOULD values. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, name, strlen(name),
	    (const uint8_t *)"abc", 3, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used, &s), MSL_PE_OK);
	MSL_CHECK_EQ(s.sm_data_offset % 4, 0);
	MSL_CHECK_EQ(s.sm_data_offset, 96);	/* 69 + 23 + 1 = 93 -> 96 */
	MSL_CHECK_EQ(s.sm_param_offset, 96);
	MSL_CHECK_EQ(s.sm_flags, 0x18);
	MSL_CHECK_EQ(s.sm_flags2, 4);
	MSL_CHECK_EQ(s.sm_pid, 0xfeff);
	MSL_CHECK_EQ(s.sm_max_param, 2);
	MSL_CHECK_EQ(s.sm_trans_flags, 2);
	MSL_CHECK_EQ(s.sm_priority, 0);
	MSL_CHECK_EQ(s.sm_class, 2);
	MSL_CHECK_EQ(s.sm_byte_count, used - 69);
	MSL_CHECK_EQ(used, msl_smbmail_size(MSL_SMBMAIL_WINDOWS, 23, 3));
	/* docs/protocol.md §1.5, §8: the prefix goes out upper-case, the rest
	 * as is. */
	MSL_CHECK(memcmp(s.sm_name, "\\MAILSLOT\\Net\\Net_Logon", 24) == 0);
	MSL_CHECK(memcmp(s.sm_data, "abc", 3) == 0);

	/* The Samba profile puts the data right after the NUL. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, name, strlen(name),
	    (const uint8_t *)"abc", 3, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used, &s), MSL_PE_OK);
	MSL_CHECK_EQ(s.sm_data_offset, 93);
	MSL_CHECK_EQ(s.sm_param_offset, 0);
	MSL_CHECK_EQ(s.sm_flags, 0);
	MSL_CHECK_EQ(s.sm_pid, 0);
	MSL_CHECK_EQ(s.sm_priority, 1);
	MSL_CHECK_EQ(s.sm_byte_count, 27);
	MSL_CHECK_EQ(used, 96);

	/* Empty messages are real messages (docs/protocol.md §1.6). */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, name, strlen(name),
	    NULL, 0, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used, &s), MSL_PE_OK);
	MSL_CHECK_EQ(s.sm_data_len, 0);
	MSL_CHECK_EQ(used, 96);

	/* Builder refusals. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, "MAILSLOT\\x", 10,
	    NULL, 0, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, "\\MAILSLOT\\", 10,
	    NULL, 0, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, "\\MAILSLOT\\a\0b",
	    13, NULL, 0, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, NULL, 12, NULL, 0,
	    buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, name, strlen(name),
	    NULL, 1, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_build((enum msl_smbmail_profile)2, name,
	    strlen(name), NULL, 0, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_smbmail_size((enum msl_smbmail_profile)2, 12, 0),
	    SIZE_MAX);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, name, strlen(name),
	    (const uint8_t *)"abc", 3, buf, 95, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, 96);
	MSL_CHECK(msl_smbmail_name_ok("\\MaIlSlOt\\x", 11));
	MSL_CHECK(!msl_smbmail_name_ok("\\MAILSLOTX", 10));
}

/* [MS-MAIL] note <2>: 432 - ROUND_UP_TO_DWORD(leaf length). */
static void
test_smbmail_limits(void)
{
	static const char five[] = "\\MAILSLOT\\ABCDE";
	static const char eight[] = "\\MAILSLOT\\ABCDEFGH";
	static uint8_t data[600];
	uint8_t buf[BIG];
	struct msl_smbmail s;
	size_t used;

	MSL_CHECK_EQ(msl_smbmail_max_data(11), 428);
	MSL_CHECK_EQ(msl_smbmail_max_data(14), 428);
	for (size_t leaf = 5; leaf <= 8; leaf++)
		MSL_CHECK_EQ(msl_smbmail_max_data(10 + leaf), 424);
	MSL_CHECK_EQ(msl_smbmail_max_data(19), 420);
	MSL_CHECK_EQ(msl_smbmail_max_data(22), 420);
	MSL_CHECK_EQ(msl_smbmail_max_data(23), 416);
	MSL_CHECK_EQ(msl_smbmail_max_data(26), 416);
	MSL_CHECK_EQ(msl_smbmail_max_data(10 + 432), 0);
	MSL_CHECK_EQ(msl_smbmail_max_data(SIZE_MAX), 0);

	/* 424 bytes pass for a 5- and an 8-character name, 425 do not. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, five, 15, data,
	    424, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 512);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used, &s), MSL_PE_OK);
	MSL_CHECK_EQ(s.sm_data_len, 424);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, five, 15, data,
	    425, buf, sizeof buf, &used), MSL_PE_TOOBIG);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, eight, 18, data,
	    424, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 512);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, eight, 18, data,
	    425, buf, sizeof buf, &used), MSL_PE_TOOBIG);
	/* The 512-byte cap is on the whole SMB message, so the unpadded
	 * Samba layout fits up to 512 - 70 - 15 = 427 bytes. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, five, 15, data,
	    427, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 512);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, five, 15, data,
	    428, buf, sizeof buf, &used), MSL_PE_TOOBIG);
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, five, 15, data,
	    sizeof data, buf, sizeof buf, &used), MSL_PE_TOOBIG);
	MSL_CHECK_EQ(msl_smbmail_size(MSL_SMBMAIL_SAMBA, 15, 70000), SIZE_MAX);

	/* The receiver is not limited to 512: it takes what arrives. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_SAMBA, five, 15, data,
	    427, buf, sizeof buf, &used), MSL_PE_OK);
	memset(buf + used, 0x55, 100);
	le16_put(buf + 55, 527);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used + 100, &s), MSL_PE_OK);
	MSL_CHECK_EQ(s.sm_data_len, 527);
}

/* ---- Every rejection reason (docs/protocol.md §1.6) ----------------- */

static void
test_mdgm_reject(void)
{
	const size_t n = msl_vec_b_len, smb = MSL_VEC_SMB_OFF;
	uint8_t b[256];
	struct msl_mdgm m;

#define FRESH() memcpy(b, msl_vec_b, n)
	FRESH();
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_OK);

	/* Truncated anywhere before the data window is complete. */
	MSL_CHECK_EQ(mdgm_status(b, 0), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(NULL, 0), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 13), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 30), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 60), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 82), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 3), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 4), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 32), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 68), MSL_PE_TRUNCATED);
	/* Rule 1: only 0x10..0x12, whatever the length. */
	b[0] = MSL_NBDGM_ERROR;
	MSL_CHECK_EQ(mdgm_status(b, 11), MSL_PE_BADTYPE);
	b[0] = MSL_NBDGM_QUERY_REQUEST;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADTYPE);
	b[0] = 0x0f;
	MSL_CHECK_EQ(mdgm_status(b, 1), MSL_PE_BADTYPE);
	b[0] = 0x20;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADTYPE);
	FRESH();
	b[0] = MSL_NBDGM_BROADCAST;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_OK);
	/* Rule 3: fragments, reported with their header. */
	FRESH();
	b[1] = 0x08;
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_FRAGMENT);
	MSL_CHECK_EQ(m.md_dgm.dg_id, 0x1234);
	b[1] = 0x0b;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_FRAGMENT);
	/* Rule 2: malformed names. */
	FRESH();
	b[14] = 0x21;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[14] = 0xc0;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[20] = 'Z';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[48] = 0x1f;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADDSTNAME);
	FRESH();
	b[81] = 0x41;	/* the root label becomes a 0x41-type label */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADDSTNAME);
	/* Rule 5: the SMB header. */
	FRESH();
	b[smb] = 0xfe;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_NOTSMB);
	FRESH();
	b[smb + 1] = 's';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_NOTSMB);
	FRESH();
	b[smb + 4] = 0x32;	/* SMB_COM_TRANSACTION2 */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADCOMMAND);
	FRESH();
	b[smb + 32] = 16;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADWORDCOUNT);
	FRESH();
	b[smb + 59] = 2;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSETUP);
	FRESH();
	b[smb + 61] = 2;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOPCODE);
	/* Rule 7: the name. */
	FRESH();
	b[smb + 70] = 'X';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADNAME);
	FRESH();
	b[smb + 79] = 0;	/* "\MAILSLOT\" with nothing after it */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADNAME);
	FRESH();
	MSL_CHECK_EQ(mdgm_status(b, smb + 69 + 8), MSL_PE_BADNAME);
	MSL_CHECK_EQ(mdgm_status(b, smb + 69), MSL_PE_BADNAME);
	/* Rule 6: the data window. */
	FRESH();
	le16_put(b + smb + 57, 83);	/* DataOffset inside the name */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 57, 0);
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 57, 101);	/* past the end */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	FRESH();
	le16_put(b + smb + 55, 17);	/* one byte too many */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 55, 0xffff);
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	MSL_CHECK_EQ(mdgm_status(b, n - 1), MSL_PE_BADOFFSET);

	/* What a receiver must accept: a lower-case prefix, an empty
	 * message, extra padding, ignored fields with any value. */
	FRESH();
	memcpy(b + smb + 69, "\\mailslot\\", 10);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK(memcmp(m.md_smb.sm_name, "\\mailslot\\TEST", 14) == 0);
	FRESH();
	le16_put(b + smb + 55, 0);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 0);
	le16_put(b + smb + 57, 100);	/* empty, at the very end */
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	FRESH();
	le16_put(b + smb + 57, 86);
	le16_put(b + smb + 55, 14);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK(memcmp(m.md_smb.sm_data, "llo, mailslot!", 14) == 0);
	FRESH();
	b[smb + 5] = 0xff;		/* Status */
	b[smb + 9] = 0xff;		/* Flags */
	le16_put(b + smb + 67, 999);	/* ByteCount */
	le16_put(b + smb + 63, 9);	/* priority */
	le16_put(b + smb + 65, 1);	/* class */
	le16_put(b + smb + 35, 5);	/* TotalDataCount */
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 16);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, NULL), MSL_PE_INVAL);
#undef FRESH
}

static void
test_mdgm_build_reject(void)
{
	static uint8_t data[600];
	struct msl_mdgm_send s;
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;
	char scope[MSL_NBNAME_SCOPE_MAX + 1];
	size_t used;

	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_UNIQUE;
	s.ms_node = MSL_NBDGM_NODE_B;
	s.ms_src_port = 138;
	s.ms_src = mkname("A", 0, NULL);
	s.ms_dst = mkname("B", 0, NULL);
	s.ms_mailslot = "\\MAILSLOT\\ABCDE";
	s.ms_mailslot_len = 15;
	s.ms_data = data;
	s.ms_data_len = 424;
	s.ms_profile = MSL_SMBMAIL_WINDOWS;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 82 + 512);
	MSL_CHECK_EQ(buf[1], 0x02);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 424);
	s.ms_data_len = 425;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used),
	    MSL_PE_TOOBIG);
	s.ms_data_len = 70000;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used),
	    MSL_PE_TOOBIG);
	s.ms_data_len = 10;

	/* The largest payload: two longest scopes and 512 bytes of SMB. */
	scope_of(scope, MSL_NBNAME_SCOPE_MAX);
	s.ms_src = mkname("A", 0, scope);
	s.ms_dst = mkname("B", 0, scope);
	s.ms_data_len = 424;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, MSL_MDGM_MAX);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK(strcmp(m.md_dgm.dg_dst.nb_scope, scope) == 0);
	s.ms_src = mkname("A", 0, NULL);
	s.ms_dst = mkname("B", 0, NULL);
	s.ms_data_len = 10;

	s.ms_type = MSL_NBDGM_ERROR;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_type = MSL_NBDGM_BROADCAST;
	s.ms_node = 4;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_node = MSL_NBDGM_NODE_H;
	s.ms_profile = (enum msl_smbmail_profile)9;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	s.ms_mailslot = "\\PIPE\\x";
	s.ms_mailslot_len = 7;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_mailslot = "\\MAILSLOT\\x";
	s.ms_mailslot_len = 11;
	s.ms_data = NULL;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_data = data;
	strcpy(s.ms_dst.nb_scope, "..");
	s.ms_dst.nb_scope_len = 2;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_mdgm_build(NULL, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
}

/* A small deterministic generator, so that failures reproduce. */
static uint32_t
lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void
test_mdgm_roundtrip(void)
{
	static const char *const scopes[] = { NULL, "a", "corp.example.com" };
	static const char *const slots[] = { "\\MAILSLOT\\A",
		"\\MAILSLOT\\BROWSE", "\\mailslot\\net\\netlogon",
		"\\MAILSLOT\\x\\y\\z\\0123456789" };
	uint32_t seed = 1;
	uint8_t data[512], buf[MSL_MDGM_MAX];

	for (int i = 0; i < 2000; i++) {
		struct msl_mdgm_send s;
		struct msl_mdgm m;
		char src[16], dst[16];
		size_t used, maxd;
		msl_perr err;

		memset(&s, 0, sizeof s);
		s.ms_type = (uint8_t)(0x10 + lcg(&seed) % 3);
		s.ms_node = (uint8_t)(lcg(&seed) % 4);
		s.ms_id = (uint16_t)lcg(&seed);
		s.ms_src_ip = lcg(&seed) ^ (lcg(&seed) << 16);
		s.ms_src_port = (uint16_t)lcg(&seed);
		snprintf(src, sizeof src, "H%u", (unsigned)(lcg(&seed) % 1000000));
		snprintf(dst, sizeof dst, "g%u", (unsigned)(lcg(&seed) % 1000));
		s.ms_src = mkname(src, (uint8_t)lcg(&seed),
		    scopes[lcg(&seed) % 3]);
		s.ms_dst = mkname(dst, (uint8_t)lcg(&seed),
		    scopes[lcg(&seed) % 3]);
		s.ms_mailslot = slots[lcg(&seed) % 4];
		s.ms_mailslot_len = strlen(s.ms_mailslot);
		s.ms_profile = (enum msl_smbmail_profile)(lcg(&seed) % 2);
		maxd = msl_smbmail_max_data(s.ms_mailslot_len);
		s.ms_data_len = lcg(&seed) % (maxd + 1);
		for (size_t k = 0; k < s.ms_data_len; k++)
			data[k] = (uint8_t)lcg(&seed);
		s.ms_data = data;

		err = msl_mdgm_build(&s, buf, sizeof buf, &used);
		MSL_CHECK_EQ(err, MSL_PE_OK);
		MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
		MSL_CHECK_EQ(m.md_dgm.dg_type, s.ms_type);
		MSL_CHECK_EQ(m.md_dgm.dg_flags, MSL_NBDGM_FLAGS(s.ms_node));
		MSL_CHECK_EQ(m.md_dgm.dg_id, s.ms_id);
		MSL_CHECK_EQ(m.md_dgm.dg_src_ip, s.ms_src_ip);
		MSL_CHECK_EQ(m.md_dgm.dg_src_port, s.ms_src_port);
		MSL_CHECK_EQ(m.md_dgm.dg_length, used - 14);
		MSL_CHECK_EQ(msl_nbname_casecmp(&m.md_dgm.dg_src, &s.ms_src), 0);
		MSL_CHECK_EQ(msl_nbname_casecmp(&m.md_dgm.dg_dst, &s.ms_dst), 0);
		MSL_CHECK_EQ(m.md_smb.sm_name_len, s.ms_mailslot_len);
		MSL_CHECK(msl_casecmp(m.md_smb.sm_name, s.ms_mailslot,
		    s.ms_mailslot_len) == 0);
		MSL_CHECK_EQ(m.md_smb.sm_data_len, s.ms_data_len);
		MSL_CHECK(s.ms_data_len == 0 ||
		    memcmp(m.md_smb.sm_data, data, s.ms_data_len) == 0);
		MSL_CHECK_EQ(m.md_smb.sm_priority,
		    s.ms_profile == MSL_SMBMAIL_SAMBA ? 1 : 0);
	}
}

/* ---- msl_nbns -------------------------------------------------------- */

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

static void
test_nbns_response(void)
{
	struct msl_nbns_addr addrs[2] = {
		{ MSL_NBNS_NB_FLAGS(0, MSL_NBDGM_NODE_B), 0xc0a8010a },
		{ MSL_NBNS_NB_FLAGS(1, MSL_NBDGM_NODE_H), 0x0a000001 },
	};
	struct msl_nbns_response r, out;
	struct msl_nbns_addr a;
	uint8_t buf[BIG];
	size_t used;

	memset(&r, 0, sizeof r);
	r.nr_trn_id = 0x1a2b;
	r.nr_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD;
	r.nr_name = mkname("LINUXBOX", 0, NULL);
	r.nr_ttl = 300000;
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
	MSL_TEST(test_perr_strings),
	MSL_TEST(test_buf_cursors),
	MSL_TEST(test_nbname_table),
	MSL_TEST(test_nbname_make),
	MSL_TEST(test_nbname_scope),
	MSL_TEST(test_nbname_reject),
	MSL_TEST(test_nbname_format),
	MSL_TEST(test_nbname_casecmp),
	MSL_TEST(test_example_a_parse),
	MSL_TEST(test_example_a_build),
	MSL_TEST(test_example_b_parse),
	MSL_TEST(test_example_b_build),
	MSL_TEST(test_nbdgm_types),
	MSL_TEST(test_nbdgm_fragment),
	MSL_TEST(test_smbmail_profiles),
	MSL_TEST(test_smbmail_limits),
	MSL_TEST(test_mdgm_reject),
	MSL_TEST(test_mdgm_build_reject),
	MSL_TEST(test_mdgm_roundtrip),
	MSL_TEST(test_nbns_query),
	MSL_TEST(test_nbns_response))
