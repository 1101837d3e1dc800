/* SPDX-License-Identifier: MIT */
/*
 * msl_nbname_test.c - unit tests of msl_nbname.c: NetBIOS names, their
 * first-level encoding, scopes and formatting.
 *
 * The reference encodings are the docs/protocol.md §1.3 table, not the
 * encoder's own output.
 */
#include "codec_testlib.h"

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

	static const struct corruption bad_names[] = {
		/* RFC 1002 §4.1: the first label is 32 bytes. */
		{ 0, 0x1f, MSL_PE_BADNBNAME },
		{ 0, 0x21, MSL_PE_BADNBNAME },
		/* RFC 1001 §14.1: only 'A'..'P'. */
		{ 5, 'Q', MSL_PE_BADNBNAME },
		{ 5, 'e', MSL_PE_BADNBNAME },
		{ 5, '@', MSL_PE_BADNBNAME },
		/* Scope labels: pointers and reserved label types, a '.' or a
		 * NUL inside a label. */
		{ 33, 0xc0, MSL_PE_BADNBNAME },
		{ 33, 0x44, MSL_PE_BADNBNAME },
		{ 33, 0x84, MSL_PE_BADNBNAME },
		{ 35, '.', MSL_PE_BADNBNAME },
		{ 35, '\0', MSL_PE_BADNBNAME },
		/* A label that claims more bytes than there are. */
		{ 33, 60, MSL_PE_TRUNCATED },
	};
	memcpy(bad, good, len);
	CHECK_CORRUPTIONS(bad, bad_names, msl_nbname_parse(bad, len, &out, &used));
	/* RFC 1035 §4.1.4: a compression pointer is refused. */
	bad[0] = 0xc0;
	bad[1] = 0x0c;
	MSL_CHECK_EQ(msl_nbname_parse(bad, len, &out, &used), MSL_PE_BADNBNAME);

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

MSL_TEST_LIST(
	MSL_TEST(test_nbname_table),
	MSL_TEST(test_nbname_make),
	MSL_TEST(test_nbname_scope),
	MSL_TEST(test_nbname_reject),
	MSL_TEST(test_nbname_format),
	MSL_TEST(test_nbname_casecmp))
