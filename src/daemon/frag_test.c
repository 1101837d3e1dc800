/* SPDX-License-Identifier: MIT */
/*
 * frag_test.c - the reassembly of fragmented datagrams (frag.c) without
 * root or sockets: a datagram built with the codec is cut into crafted
 * fragments, fed in orders good and bad, and what comes out is compared
 * with the original byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "frag.h"
#include "msl_codec.h"
#include "msl_test.h"

#define SEC 1000000000ull
#define IP_A 0x0100000au
#define IP_B 0x0200000au

static struct msld_frags f;
static uint8_t whole_dgm[MSL_MDGM_MAX];
static size_t whole_len;
static uint8_t out[MSLD_FRAG_MAX];
static size_t outlen;

/* setup empties the table and builds the datagram the tests cut. */
static void
setup(void)
{
	struct msl_mdgm_send s;
	static const char data[] = "a message long enough to be cut in several pieces, "
	    "each of which goes in a fragment of its own";

	memset(&f, 0, sizeof f);
	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_GROUP;
	s.ms_id = 77;
	s.ms_src_ip = 0x0a000001;
	s.ms_src_port = MSL_NBDGM_PORT;
	s.ms_mailslot = "\\MAILSLOT\\FRAG";
	s.ms_mailslot_len = strlen(s.ms_mailslot);
	s.ms_data = (const uint8_t *)data;
	s.ms_data_len = sizeof data - 1;
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	MSL_CHECK(msl_nbname_make(&s.ms_src, "SENDER", 0, NULL) == MSL_PE_OK);
	MSL_CHECK(msl_nbname_make(&s.ms_dst, "WG", 0, NULL) == MSL_PE_OK);
	MSL_CHECK(msl_mdgm_build(&s, whole_dgm, sizeof whole_dgm, &whole_len) == MSL_PE_OK);
}

/* piece makes the fragment holding body bytes off .. off+len of the
 * datagram (after its 14-byte header), with F when off is 0 and M unless
 * it reaches the end (or as flags says, when flags >= 0). */
static size_t
piece(uint8_t *p, size_t off, size_t len, int flags)
{
	size_t body = whole_len - MSL_NBDGM_HDR_LEN;

	memcpy(p, whole_dgm, MSL_NBDGM_HDR_LEN);
	if (flags < 0)
		flags = (off == 0 ? MSL_NBDGM_FLAG_FIRST : 0) | (off + len < body ? MSL_NBDGM_FLAG_MORE : 0);
	p[1] = (uint8_t)((whole_dgm[1] & ~(MSL_NBDGM_FLAG_FIRST | MSL_NBDGM_FLAG_MORE)) | flags);
	p[12] = (uint8_t)(off >> 8);
	p[13] = (uint8_t)off;
	/* Past the datagram's end (crafted offsets), the piece is zeros. */
	memset(p + MSL_NBDGM_HDR_LEN, 0, len);
	if (off < body)
		memcpy(p + MSL_NBDGM_HDR_LEN, whole_dgm + MSL_NBDGM_HDR_LEN + off,
		    off + len <= body ? len : body - off);
	return MSL_NBDGM_HDR_LEN + len;
}

/* add_from feeds the fragment of body bytes off..off+len of datagram id
 * (0: the original's) from ip at time t. */
static enum msld_frag_result
add_from(uint32_t ip, uint16_t id, size_t off, size_t len, int flags, uint64_t t)
{
	uint8_t p[MSLD_FRAG_MAX + 64];
	size_t n = piece(p, off, len, flags);

	if (id != 0) {
		p[2] = (uint8_t)(id >> 8);
		p[3] = (uint8_t)id;
	}
	return msld_frag_add(&f, p, n, ip, t, out, &outlen);
}

static enum msld_frag_result
add(size_t off, size_t len, uint64_t t)
{
	return add_from(IP_A, 0, off, len, -1, t);
}

/* body is the length of the datagram after its header. */
static size_t
body(void)
{
	return whole_len - MSL_NBDGM_HDR_LEN;
}

/* same_as_whole: what came out is the original datagram, and it parses. */
static void
same_as_whole(void)
{
	struct msl_mdgm m;

	MSL_CHECK_EQ(outlen, whole_len);
	MSL_CHECK(memcmp(out, whole_dgm, whole_len) == 0);
	MSL_CHECK_EQ(msl_mdgm_parse(out, outlen, &m), MSL_PE_OK);
}

/* A step feeds one piece from IP_A and says what the table must answer;
 * REST as the length runs the piece to the datagram's end. */
#define REST SIZE_MAX
struct step {
	size_t off, len;
	uint64_t t;
	enum msld_frag_result want;
};

/* play feeds the steps in order, checking each answer, and reports which
 * step failed. */
static void
play(const struct step *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = st[i].len == REST ? body() - st[i].off : st[i].len;

		fprintf(stderr, "  step %zu: %zu+%zu\n", i, st[i].off, len);
		MSL_CHECK_EQ(add(st[i].off, len, st[i].t), st[i].want);
	}
}

#define PLAY(...)                                                            \
	do {                                                                 \
		static const struct step st_[] = { __VA_ARGS__ };            \
		play(st_, sizeof st_ / sizeof st_[0]);                       \
	} while (0)

/* START plays the steps into an empty table. */
#define START(...)                                                           \
	do {                                                                 \
		setup();                                                     \
		PLAY(__VA_ARGS__);                                           \
	} while (0)

static void
test_two_fragments_in_order(void)
{
	START({ 0, 90, SEC, MSLD_FRAG_HELD }, { 90, REST, SEC, MSLD_FRAG_DONE });
	same_as_whole();
}

static void
test_out_of_order_and_many_pieces(void)
{
	static const size_t cut[] = { 0, 40, 90, 100, 131 };
	static const int order[] = { 4, 2, 0, 3, 1 };

	setup();
	for (int k = 0; k < 5; k++) {
		int i = order[k];
		size_t end = i == 4 ? body() : cut[i + 1];
		MSL_CHECK_EQ(add(cut[i], end - cut[i], SEC), k == 4 ? MSLD_FRAG_DONE : MSLD_FRAG_HELD);
	}
	same_as_whole();
}

static void
test_duplicates_are_ignored(void)
{
	START({ 0, 90, SEC, MSLD_FRAG_HELD }, { 0, 90, SEC, MSLD_FRAG_DUPLICATE },
	    { 90, REST, SEC, MSLD_FRAG_DONE });
	same_as_whole();
	/* Once done the datagram has left the table: a late copy starts anew. */
	PLAY({ 90, REST, SEC, MSLD_FRAG_HELD });
}

static void
test_overlap_discards_the_datagram(void)
{
	/* The rest alone is no datagram: the first piece went with it. */
	START({ 0, 90, SEC, MSLD_FRAG_HELD }, { 80, 20, SEC, MSLD_FRAG_OVERLAP },
	    { 90, REST, SEC, MSLD_FRAG_HELD });
	/* A piece overlapping from below, too. */
	START({ 50, REST, SEC, MSLD_FRAG_HELD }, { 0, 60, SEC, MSLD_FRAG_OVERLAP });
}

static void
test_gap_waits_then_times_out(void)
{
	START({ 0, 40, SEC, MSLD_FRAG_HELD }, { 90, REST, SEC, MSLD_FRAG_HELD });
	MSL_CHECK_EQ(msld_frag_expire(&f, SEC + MSLD_FRAG_TIMEOUT_NS - 1), 0);
	MSL_CHECK_EQ(msld_frag_expire(&f, SEC + MSLD_FRAG_TIMEOUT_NS), 1);
	MSL_CHECK_EQ(f.timeouts, 1);
	/* The missing piece, too late, cannot complete it. */
	PLAY({ 40, 50, 4 * SEC, MSLD_FRAG_HELD });
	/* Filling the gap in time completes it. */
	START({ 0, 40, SEC, MSLD_FRAG_HELD }, { 90, REST, SEC, MSLD_FRAG_HELD },
	    { 40, 50, 2 * SEC, MSLD_FRAG_DONE });
	same_as_whole();
}

static void
test_flood_of_first_fragments(void)
{
	setup();
	/* One source holds at most its share, whatever DGM_IDs it uses... */
	for (int i = 0; i < MSLD_FRAG_PER_SOURCE; i++)
		MSL_CHECK_EQ(add_from(IP_A, (uint16_t)(1000 + i), 0, 90, -1, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_A, 2000, 0, 90, -1, SEC), MSLD_FRAG_NO_ROOM);
	/* ... and another source's datagram is reassembled beside the flood. */
	MSL_CHECK_EQ(add_from(IP_B, 0, 0, 90, -1, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_B, 0, 90, body() - 90, -1, SEC), MSLD_FRAG_DONE);
	same_as_whole();
	/* Many sources fill the table; the table, not memory, says no. */
	setup();
	for (uint32_t i = 0; i < MSLD_FRAG_SLOTS; i++)
		MSL_CHECK_EQ(add_from(IP_A + (i << 24), 0, 0, 90, -1, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_B + 0x10000, 0, 0, 90, -1, SEC), MSLD_FRAG_NO_ROOM);
	/* Their timeout makes room again. */
	MSL_CHECK_EQ(add_from(IP_B + 0x10000, 0, 0, 90, -1, SEC + MSLD_FRAG_TIMEOUT_NS), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(f.timeouts, MSLD_FRAG_SLOTS);
}

static void
test_bad_pieces(void)
{
	uint8_t p[64];

	setup();
	/* Past the largest datagram. */
	MSL_CHECK_EQ(add(MSLD_FRAG_MAX, 10, SEC), MSLD_FRAG_TOO_LARGE);
	/* A later piece at offset 0, a first one elsewhere. */
	MSL_CHECK_EQ(add_from(IP_A, 0, 0, 20, MSL_NBDGM_FLAG_MORE, SEC), MSLD_FRAG_BAD);
	MSL_CHECK_EQ(add_from(IP_A, 0, 5, 20, MSL_NBDGM_FLAG_FIRST | MSL_NBDGM_FLAG_MORE, SEC),
	    MSLD_FRAG_BAD);
	/* Two different ends, and a piece beyond the end. */
	MSL_CHECK_EQ(add(0, 40, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_A, 0, 90, 20, 0, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_A, 0, 60, 10, 0, SEC), MSLD_FRAG_BAD);
	MSL_CHECK_EQ(add(0, 40, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_A, 0, 90, 20, 0, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add_from(IP_A, 0, 120, 5, MSL_NBDGM_FLAG_MORE, SEC), MSLD_FRAG_BAD);
	/* More pieces than a datagram may have. */
	setup();
	for (int i = 0; i < MSLD_FRAG_PIECES; i++)
		MSL_CHECK_EQ(add((size_t)i * 10, 10, SEC), MSLD_FRAG_HELD);
	MSL_CHECK_EQ(add(MSLD_FRAG_PIECES * 10, 10, SEC), MSLD_FRAG_TOO_MANY);
	/* No fragment at all, and a cut header. */
	MSL_CHECK(!msld_frag_is_fragment(whole_dgm, whole_len));
	MSL_CHECK_EQ(msld_frag_add(&f, whole_dgm, whole_len, IP_A, SEC, out, &outlen), MSLD_FRAG_BAD);
	piece(p, 0, 20, -1);
	MSL_CHECK_EQ(msld_frag_add(&f, p, 10, IP_A, SEC, out, &outlen), MSLD_FRAG_BAD);
	MSL_CHECK(strcmp(msld_frag_result_str(MSLD_FRAG_OVERLAP), "overlap") == 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_two_fragments_in_order),
    MSL_TEST(test_out_of_order_and_many_pieces),
    MSL_TEST(test_duplicates_are_ignored),
    MSL_TEST(test_overlap_discards_the_datagram),
    MSL_TEST(test_gap_waits_then_times_out),
    MSL_TEST(test_flood_of_first_fragments),
    MSL_TEST(test_bad_pieces))
