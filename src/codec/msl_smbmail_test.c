/* SPDX-License-Identifier: MIT */
/*
 * msl_smbmail_test.c - unit tests of msl_smbmail.c: the two sender
 * profiles and the [MS-MAIL] size limits of a mailslot write.
 */
#include "codec_testlib.h"

/* round_trip builds a write of "abc" (n bytes of it) to name with a
 * profile into buf (BIG bytes), parses it back into *s, and returns its
 * size. */
static size_t
round_trip(enum msl_smbmail_profile profile, const char *name, size_t n, uint8_t *buf,
    struct msl_smbmail *s)
{
	size_t used = 0;

	MSL_CHECK_EQ(msl_smbmail_build(profile, name, strlen(name),
	    n > 0 ? (const uint8_t *)"abc" : NULL, n, buf, BIG, &used), MSL_PE_OK);
	MSL_CHECK_EQ(msl_smbmail_parse(buf, used, s), MSL_PE_OK);
	return used;
}

/* check_style checks the fields in which the two profiles differ. */
static void
check_style(const struct msl_smbmail *s, size_t data_offset, size_t param_offset,
    size_t flags, size_t pid, size_t priority, size_t byte_count)
{
	MSL_CHECK_EQ(s->sm_data_offset, data_offset);
	MSL_CHECK_EQ(s->sm_param_offset, param_offset);
	MSL_CHECK_EQ(s->sm_flags, flags);
	MSL_CHECK_EQ(s->sm_pid, pid);
	MSL_CHECK_EQ(s->sm_priority, priority);
	MSL_CHECK_EQ(s->sm_byte_count, byte_count);
}

static void
test_smbmail_profiles(void)
{
	static const char name[] = "\\mailslot\\Net\\Net_Logon";
	uint8_t buf[BIG];
	struct msl_smbmail s;
	size_t used;

	/* The Windows profile pads to 4 and sets the SHOULD values. */
	used = round_trip(MSL_SMBMAIL_WINDOWS, name, 3, buf, &s);
	MSL_CHECK_EQ(s.sm_data_offset % 4, 0);
	/* Data at 69 + 23 + 1 = 93 -> 96. */
	check_style(&s, 96, 96, 0x18, 0xfeff, 0, used - 69);
	MSL_CHECK_EQ(s.sm_flags2, 4);
	MSL_CHECK_EQ(s.sm_max_param, 2);
	MSL_CHECK_EQ(s.sm_trans_flags, 2);
	MSL_CHECK_EQ(s.sm_class, 2);
	MSL_CHECK_EQ(used, msl_smbmail_size(MSL_SMBMAIL_WINDOWS, 23, 3));
	/* docs/protocol.md §1.5, §8: the prefix goes out upper-case, the rest
	 * as is. */
	MSL_CHECK(memcmp(s.sm_name, "\\MAILSLOT\\Net\\Net_Logon", 24) == 0);
	MSL_CHECK(memcmp(s.sm_data, "abc", 3) == 0);

	/* The Samba profile puts the data right after the NUL. */
	used = round_trip(MSL_SMBMAIL_SAMBA, name, 3, buf, &s);
	check_style(&s, 93, 0, 0, 0, 1, 27);
	MSL_CHECK_EQ(used, 96);

	/* Empty messages are real messages (docs/protocol.md §1.6). */
	used = round_trip(MSL_SMBMAIL_WINDOWS, name, 0, buf, &s);
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

MSL_TEST_LIST(
	MSL_TEST(test_smbmail_profiles),
	MSL_TEST(test_smbmail_limits))
