/* SPDX-License-Identifier: MIT */
/*
 * msl_brws_test.c - unit tests of msl_brws.c: announcements built and
 * parsed back, every cut, hostile fields, the AnnouncementRequest, and
 * the real announcements of public packet captures (Windows and Samba
 * hosts), read from $MSL_CAPTURE_DIR, else the build's MSL_CAPTURE_DIR,
 * when that directory is there.
 */
#include <stdlib.h>
#include <unistd.h>

#include "codec_testlib.h"
#include "msl_brws.h"

static void
check_text(const uint8_t *p, size_t n, const char *want)
{
	if (n != strlen(want) || memcmp(p, want, n) != 0)
		fprintf(stderr, "  got '%.*s', want '%s'\n", (int)n, (const char *)p, want);
	MSL_CHECK(n == strlen(want) && memcmp(p, want, n) == 0);
}

static size_t
make(uint8_t op, const char *name, const char *comment, uint8_t *b, size_t cap)
{
	struct msl_brws_announce a = {
		.ba_opcode = op, .ba_update_count = 3, .ba_periodicity_ms = 720000,
		.ba_name = (const uint8_t *)name, .ba_name_len = strlen(name),
		.ba_os_major = 6, .ba_os_minor = 1,
		.ba_server_type = MSL_BRWS_SV_WORKSTATION | MSL_BRWS_SV_SERVER | MSL_BRWS_SV_MASTER_BROWSER,
		.ba_browser_major = 15, .ba_browser_minor = 1, .ba_signature = MSL_BRWS_SIGNATURE,
		.ba_comment = (const uint8_t *)comment, .ba_comment_len = strlen(comment),
	};
	size_t used = 0;

	MSL_CHECK_EQ(msl_brws_announce_build(&a, b, cap, &used), MSL_PE_OK);
	return used;
}

static void
test_round_trip(void)
{
	uint8_t b[BIG];
	struct msl_brws_announce a;
	size_t n = make(MSL_BRWS_HOST_ANNOUNCEMENT, "SAMBAS", "Samba 4.17", b, sizeof b);

	MSL_CHECK_EQ(n, 32 + 10 + 1);
	/* The byte layout of §2.2.1, as Samba's send_announcement writes it. */
	MSL_CHECK(b[0] == 1 && b[1] == 3);
	MSL_CHECK(b[2] == 0x80 && b[3] == 0xfc && b[4] == 0x0a && b[5] == 0);
	MSL_CHECK(memcmp(b + 6, "SAMBAS\0\0\0\0\0\0\0\0\0\0", 16) == 0);
	MSL_CHECK(b[24] == 0x03 && b[25] == 0 && b[26] == 0x04 && b[27] == 0);
	MSL_CHECK(b[30] == 0x55 && b[31] == 0xaa);
	MSL_CHECK(b[n - 1] == 0);
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n, &a), MSL_PE_OK);
	MSL_CHECK_EQ(a.ba_opcode, MSL_BRWS_HOST_ANNOUNCEMENT);
	MSL_CHECK_EQ(a.ba_update_count, 3);
	MSL_CHECK_EQ(a.ba_periodicity_ms, 720000);
	check_text(a.ba_name, a.ba_name_len, "SAMBAS");
	check_text(a.ba_comment, a.ba_comment_len, "Samba 4.17");
	MSL_CHECK_EQ(a.ba_server_type, 0x00040003);
	MSL_CHECK_EQ(a.ba_signature, 0xaa55);
	MSL_CHECK(a.ba_os_major == 6 && a.ba_os_minor == 1 && a.ba_browser_major == 15);
	/* A 16-character name fills ServerName with no NUL. */
	n = make(MSL_BRWS_LOCAL_MASTER_ANNOUNCEMENT, "ABCDEFGHIJKLMNOP", "", b, sizeof b);
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n, &a), MSL_PE_OK);
	check_text(a.ba_name, a.ba_name_len, "ABCDEFGHIJKLMNOP");
	MSL_CHECK_EQ(a.ba_comment_len, 0);
	n = make(MSL_BRWS_DOMAIN_ANNOUNCEMENT, "WG", "SAMBAS", b, sizeof b);
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n, &a), MSL_PE_OK);
	MSL_CHECK_EQ(a.ba_opcode, MSL_BRWS_DOMAIN_ANNOUNCEMENT);
	check_text(a.ba_comment, a.ba_comment_len, "SAMBAS");
}

static void
test_cuts_and_hostile_fields(void)
{
	uint8_t b[BIG];
	struct msl_brws_announce a;
	size_t n = make(MSL_BRWS_HOST_ANNOUNCEMENT, "HOST", "a comment", b, sizeof b);

	for (size_t cut = 0; cut < MSL_BRWS_ANNOUNCE_FIXED; cut++)
		MSL_CHECK_EQ(msl_brws_announce_parse(b, cut, &a), MSL_PE_TRUNCATED);
	/* A comment cut before its NUL ends with the data. */
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n - 3, &a), MSL_PE_OK);
	check_text(a.ba_comment, a.ba_comment_len, "a comme");
	/* Another opcode: an election (8), a backup list request (9). */
	b[0] = 8;
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n, &a), MSL_PE_BADOPCODE);
	b[0] = 9;
	MSL_CHECK_EQ(msl_brws_announce_parse(b, 1, &a), MSL_PE_BADOPCODE);
	b[0] = 1;
	/* An empty name is no host. */
	b[6] = 0;
	MSL_CHECK_EQ(msl_brws_announce_parse(b, n, &a), MSL_PE_BADNAME);
	/* A comment without a NUL, longer than any, is bounded. */
	memset(b, 'x', sizeof b);
	b[0] = 1;
	MSL_CHECK_EQ(msl_brws_announce_parse(b, sizeof b, &a), MSL_PE_OK);
	MSL_CHECK_EQ(a.ba_name_len, 16);
	MSL_CHECK_EQ(a.ba_comment_len, MSL_BRWS_COMMENT_MAX);
	MSL_CHECK_EQ(a.ba_signature, 0x7878);
	/* The builder refuses what it cannot write. */
	a = (struct msl_brws_announce){ .ba_opcode = 2, .ba_name = (const uint8_t *)"X", .ba_name_len = 1 };
	MSL_CHECK_EQ(msl_brws_announce_build(&a, b, sizeof b, &n), MSL_PE_INVAL);
	a.ba_opcode = 1;
	a.ba_name_len = 17;
	MSL_CHECK_EQ(msl_brws_announce_build(&a, b, sizeof b, &n), MSL_PE_INVAL);
	a.ba_name = (const uint8_t *)"A\0B";
	a.ba_name_len = 3;
	MSL_CHECK_EQ(msl_brws_announce_build(&a, b, sizeof b, &n), MSL_PE_INVAL);
	a.ba_name_len = 1;
	MSL_CHECK_EQ(msl_brws_announce_build(&a, b, 32, &n), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(n, 33);
}

static void
test_request(void)
{
	uint8_t b[BIG];
	size_t n = 0;

	MSL_CHECK_EQ(msl_brws_request_build("HOSTB", b, sizeof b, &n), MSL_PE_OK);
	MSL_CHECK_EQ(n, 8);
	MSL_CHECK(memcmp(b, "\002\000HOSTB\000", 8) == 0);
	MSL_CHECK_EQ(msl_brws_request_build("", b, sizeof b, &n), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_brws_request_build("0123456789abcdef", b, sizeof b, &n), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_brws_request_build("HOSTB", b, 7, &n), MSL_PE_NOSPACE);
}

/* ---- real announcements from packet captures ----------------------------- */

/* One capture's announcements that the test knows (tshark reads the same
 * fields: browser.command, browser.server, browser.server_type). */
struct known {
	const char *file;
	uint8_t opcode;
	const char *name;
	uint32_t type;
	const char *comment; /* NULL: not checked */
};

static const struct known knowns[] = {
	{ "ndpi-1kxun-711586.pcap", 0x0f, "SANJI-LIFEBOOK-L", 0x00849a03,
	    "sanji-LIFEBOOK-LH531 server (Samba, Ubuntu)" },
	{ "ndpi-1kxun-711586.pcap", 0x0c, "WORKGROUP", 0, NULL },
	{ "ndpi-netbios-f0d162.pcap", 0x01, "NVR9", 0, NULL },
	{ "ndpi-netbios-f0d162.pcap", 0x01, "BOWIE", 0, NULL },
	{ "ndpi-dos_win98_smb_netbeui-ea946e.pcap", 0x01, "MDJR98", 0, NULL },
	{ "tcpdump-eapon1-3ceea8.pcap", 0x0c, "ARBEITSGRUPPE", 0, NULL },
	{ "tcpdump-eapon1-3ceea8.pcap", 0x0f, "DJP95S0J", 0, NULL },
};

/* udp_payload finds the UDP payload of one Ethernet/IPv4 frame. */
static const uint8_t *
udp_payload(const uint8_t *f, size_t n, size_t *len)
{
	size_t ihl;

	if (n < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 17)
		return NULL;
	ihl = (size_t)(f[14] & 0x0f) * 4;
	if (ihl < 20 || n < 14 + ihl + 8)
		return NULL;
	*len = n - 14 - ihl - 8;
	return f + 14 + ihl + 8;
}

/* found tells whether capture path holds announcement k, walking each
 * record of the (little-endian, Ethernet) pcap file. */
static int
found(const char *path, const struct known *k)
{
	static uint8_t file[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t n, off = 24;
	int hit = 0;

	MSL_CHECK(fp != NULL);
	n = fread(file, 1, sizeof file, fp);
	fclose(fp);
	MSL_CHECK(n >= 24 && file[0] == 0xd4 && file[1] == 0xc3 && file[20] == 1);
	while (!hit && off + 16 <= n) {
		uint32_t incl = (uint32_t)file[off + 8] | (uint32_t)file[off + 9] << 8 |
		    (uint32_t)file[off + 10] << 16 | (uint32_t)file[off + 11] << 24;
		const uint8_t *frame = file + off + 16, *udp;
		struct msl_mdgm m;
		struct msl_brws_announce a;
		size_t ulen;
		if (incl > n - off - 16)
			break;
		off += 16 + incl;
		if ((udp = udp_payload(frame, incl, &ulen)) == NULL ||
		    msl_mdgm_parse(udp, ulen, &m) != MSL_PE_OK ||
		    msl_brws_announce_parse(m.md_smb.sm_data, m.md_smb.sm_data_len, &a) != MSL_PE_OK)
			continue;
		hit = a.ba_opcode == k->opcode && a.ba_name_len == strlen(k->name) &&
		    memcmp(a.ba_name, k->name, a.ba_name_len) == 0 &&
		    (k->type == 0 || a.ba_server_type == k->type) &&
		    (k->comment == NULL || (a.ba_comment_len == strlen(k->comment) &&
		    memcmp(a.ba_comment, k->comment, a.ba_comment_len) == 0));
	}
	return hit;
}

static void
test_captures(void)
{
	const char *dir = getenv("MSL_CAPTURE_DIR") != NULL ? getenv("MSL_CAPTURE_DIR") : MSL_CAPTURE_DIR;
	int seen = 0;

	for (size_t i = 0; i < sizeof knowns / sizeof knowns[0]; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, knowns[i].file);
		if (access(path, R_OK) != 0)
			continue;
		if (!found(path, &knowns[i]))
			fprintf(stderr, "  %s: no %#x announcement of %s\n", knowns[i].file,
			    knowns[i].opcode, knowns[i].name);
		MSL_CHECK(found(path, &knowns[i]));
		seen++;
	}
	if (seen == 0)
		fprintf(stderr, "  (no captures at %s: skipped)\n", dir);
}

MSL_TEST_LIST(
	MSL_TEST(test_round_trip),
	MSL_TEST(test_cuts_and_hostile_fields),
	MSL_TEST(test_request),
	MSL_TEST(test_captures))
