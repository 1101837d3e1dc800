/* SPDX-License-Identifier: MIT */
/*
 * msl_brws.c - [MS-BRWS] announcements (msl_brws.h).
 *
 * Every announcement opcode shares one layout (§2.2.1): Opcode (1),
 * UpdateCount (1), Periodicity (4, little-endian milliseconds),
 * ServerName (16, NUL-padded), OSVersionMajor (1), OSVersionMinor (1),
 * ServerType (4), BrowserConfigVersionMajor (1), BrowserConfigVersionMinor
 * (1), Signature (2), Comment (NUL-terminated).  Multi-byte fields are
 * little-endian, as everything SMB is.
 */
#include <string.h>

#include "msl_brws.h"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int
is_announcement(uint8_t op)
{
	return op == MSL_BRWS_HOST_ANNOUNCEMENT || op == MSL_BRWS_DOMAIN_ANNOUNCEMENT ||
	    op == MSL_BRWS_LOCAL_MASTER_ANNOUNCEMENT;
}

/* until_nul is the length of p[0..cap) up to its first NUL. */
static size_t
until_nul(const uint8_t *p, size_t cap)
{
	const uint8_t *z = memchr(p, 0, cap);
	return z != NULL ? (size_t)(z - p) : cap;
}

msl_perr
msl_brws_announce_parse(const uint8_t *buf, size_t len, struct msl_brws_announce *a)
{
	if (len < 1)
		return MSL_PE_TRUNCATED;
	if (!is_announcement(buf[0]))
		return MSL_PE_BADOPCODE;
	if (len < MSL_BRWS_ANNOUNCE_FIXED)
		return MSL_PE_TRUNCATED;
	a->ba_opcode = buf[0];
	a->ba_update_count = buf[1];
	a->ba_periodicity_ms = le32(buf + 2);
	a->ba_name = buf + 6;
	a->ba_name_len = until_nul(buf + 6, MSL_BRWS_NAME_LEN);
	if (a->ba_name_len == 0)
		return MSL_PE_BADNAME;
	a->ba_os_major = buf[22];
	a->ba_os_minor = buf[23];
	a->ba_server_type = le32(buf + 24);
	a->ba_browser_major = buf[28];
	a->ba_browser_minor = buf[29];
	a->ba_signature = (uint16_t)(buf[30] | buf[31] << 8);
	/* A comment without its NUL ends with the data (some senders cut
	 * it); past the bound, the rest is not a comment. */
	a->ba_comment = buf + MSL_BRWS_ANNOUNCE_FIXED;
	a->ba_comment_len = until_nul(a->ba_comment, len - MSL_BRWS_ANNOUNCE_FIXED);
	if (a->ba_comment_len > MSL_BRWS_COMMENT_MAX)
		a->ba_comment_len = MSL_BRWS_COMMENT_MAX;
	return MSL_PE_OK;
}

/* no_nul tells whether p[0..n) holds no NUL byte. */
static int
no_nul(const uint8_t *p, size_t n)
{
	return n == 0 || memchr(p, 0, n) == NULL;
}

msl_perr
msl_brws_announce_build(const struct msl_brws_announce *a, uint8_t *buf, size_t cap,
    size_t *used)
{
	if (!is_announcement(a->ba_opcode) || a->ba_name_len == 0 ||
	    a->ba_name_len > MSL_BRWS_NAME_LEN || a->ba_comment_len > MSL_BRWS_COMMENT_MAX ||
	    !no_nul(a->ba_name, a->ba_name_len) || !no_nul(a->ba_comment, a->ba_comment_len))
		return MSL_PE_INVAL;
	*used = MSL_BRWS_ANNOUNCE_FIXED + a->ba_comment_len + 1;
	if (buf == NULL || cap < *used)
		return MSL_PE_NOSPACE;
	memset(buf, 0, MSL_BRWS_ANNOUNCE_FIXED);
	buf[0] = a->ba_opcode;
	buf[1] = a->ba_update_count;
	put_le32(buf + 2, a->ba_periodicity_ms);
	memcpy(buf + 6, a->ba_name, a->ba_name_len);
	buf[22] = a->ba_os_major;
	buf[23] = a->ba_os_minor;
	put_le32(buf + 24, a->ba_server_type);
	buf[28] = a->ba_browser_major;
	buf[29] = a->ba_browser_minor;
	buf[30] = (uint8_t)a->ba_signature;
	buf[31] = (uint8_t)(a->ba_signature >> 8);
	if (a->ba_comment_len > 0)
		memcpy(buf + MSL_BRWS_ANNOUNCE_FIXED, a->ba_comment, a->ba_comment_len);
	buf[MSL_BRWS_ANNOUNCE_FIXED + a->ba_comment_len] = 0;
	return MSL_PE_OK;
}

msl_perr
msl_brws_request_build(const char *response_name, uint8_t *buf, size_t cap, size_t *used)
{
	size_t n = response_name != NULL ? strlen(response_name) : 0;

	/* §2.2.2: Opcode, Unused (1 byte), ResponseName (NUL-terminated). */
	if (n == 0 || n > 15)
		return MSL_PE_INVAL;
	*used = 2 + n + 1;
	if (buf == NULL || cap < *used)
		return MSL_PE_NOSPACE;
	buf[0] = MSL_BRWS_ANNOUNCEMENT_REQUEST;
	buf[1] = 0;
	memcpy(buf + 2, response_name, n + 1);
	return MSL_PE_OK;
}
