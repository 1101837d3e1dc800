/* SPDX-License-Identifier: MIT */
/*
 * name.c - parsing of mailslot names, and the key that identifies one.
 *
 * Pure code: no system calls, so it can be fuzzed and reused by the daemon.
 * Windows compares mailslot names case-insensitively and accepts '/' for
 * '\' (docs/windows.md §1.2, §1.3); the key is the path folded to lower
 * case, and two names are the same mailslot exactly when their keys are
 * equal.
 */
#include <string.h>

#include "../codec/msl_buf.h"
#include "core.h"

/* Case folding is ASCII-only and ignores the locale: non-ASCII bytes
 * (UTF-8) compare exactly. */
static char
msl_fold(char c)
{
	return (char)msl_tolower((uint8_t)c);
}

static int
msl_is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* msl_prefix_ci reports whether s starts with p, ignoring ASCII case. */
static int
msl_prefix_ci(const char *s, const char *p)
{
	for (; *p != '\0'; s++, p++)
		if (msl_fold(*s) != msl_fold(*p))
			return 0;
	return 1;
}

mailslot_err
mailslot_name_parse(const char *text, int allow_short, mailslot_name *out)
{
	mailslot_name n;
	const char *p = text;
	size_t hl = 0, pl = 0;

	if (text == NULL)
		return MAILSLOT_E_NULLNAME;
	memset(&n, 0, sizeof n);
	if (msl_is_sep(p[0]) && msl_is_sep(p[1])) {
		/* "\\host\mailslot\path": the host is ".", "*" or a name. */
		p += 2;
		while (p[hl] != '\0' && !msl_is_sep(p[hl]))
			hl++;
		if (hl == 0 || hl >= sizeof n.host || p[hl] == '\0')
			return MAILSLOT_E_BADNAME;
		memcpy(n.host, p, hl);
		p += hl + 1;
		if (!msl_prefix_ci(p, "mailslot") || !msl_is_sep(p[8]))
			return MAILSLOT_E_BADNAME;
		p += 9;
		if (strcmp(n.host, ".") == 0) {
			n.scope = MAILSLOT_SCOPE_LOCAL;
			n.host[0] = '\0';
		} else if (strcmp(n.host, "*") == 0) {
			n.scope = MAILSLOT_SCOPE_PRIMARY;
		} else {
			n.scope = MAILSLOT_SCOPE_COMPUTER;
		}
	} else if (!allow_short) {
		/* Windows: CreateMailslot("blah") is ERROR_INVALID_NAME. */
		return MAILSLOT_E_BADNAME;
	}
	/* The path: components separated by '\', none empty. */
	for (; p[pl] != '\0'; pl++) {
		char c = msl_is_sep(p[pl]) ? '\\' : p[pl];
		if (pl >= MAILSLOT_NAME_MAX)
			return MAILSLOT_E_NAMELEN;
		if (c == '\\' && (pl == 0 || n.path[pl - 1] == '\\'))
			return MAILSLOT_E_BADNAME;
		if ((unsigned char)c < 0x20)
			return MAILSLOT_E_BADNAME;
		n.path[pl] = c;
		n.key[pl] = msl_fold(c);
	}
	if (pl == 0 || n.path[pl - 1] == '\\')
		return MAILSLOT_E_BADNAME;
	*out = n;
	return MAILSLOT_OK;
}

/* Opening and creating take the same name forms, so one check serves
 * both and they cannot drift apart. */
mailslot_err
msl_name_open_arg(const char *name, const void *out, mailslot_name *n)
{
	if (out == NULL)
		return MAILSLOT_E_INVAL;
	return mailslot_name_parse(name, 1, n);
}

/*
 * msl_key_hash writes the 32 hex digits that name a mailslot in the socket
 * namespace.  Names can be longer than a socket address, so the address
 * carries this 128-bit hash (two FNV-1a lanes) and the server confirms the
 * full key during the handshake.
 */
void
msl_key_hash(const char *key, char hex[33])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		h[0] = (h[0] ^ *k) * 0x100000001b3ull;
		h[1] = (h[1] ^ (uint64_t)(*k + 0x9e)) * 0x100000001b3ull;
		h[1] ^= h[1] >> 29;
	}
	for (int i = 0; i < 32; i++)
		hex[i] = digits[(h[i / 16] >> (60 - 4 * (i % 16))) & 0xf];
	hex[32] = '\0';
}
