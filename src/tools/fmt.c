/* SPDX-License-Identifier: MIT */
/*
 * fmt.c - the command-line tool's output forms for message bytes.
 *
 * Messages come from any local process and, through mailslotd, from any
 * host on the LAN, so their bytes are hostile until proven otherwise: the
 * forms meant for a terminal escape everything a terminal could obey, and
 * every form keeps message boundaries and the exact bytes recoverable.
 */
#include <string.h>

#include "fmt.h"

int
fmt_parse(const char *name, enum fmt_kind *out)
{
	static const char *const names[] = {
		[FMT_TEXT] = "text", [FMT_QUOTED] = "quoted", [FMT_HEX] = "hex",
		[FMT_JSON] = "json", [FMT_RAW] = "raw", [FMT_NUL] = "nul",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum fmt_kind)i;
			return 0;
		}
	return -1;
}

size_t
fmt_utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	/* The smallest code point each length may carry: anything below is an
	 * overlong form, which would let one character hide as another. */
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t c;

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, c = p[0] & 0x1fu;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, c = p[0] & 0x0fu;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, c = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
fmt_utf8_valid(const unsigned char *p, size_t n)
{
	uint32_t cp;
	for (size_t i = 0, k; i < n; i += k)
		if ((k = fmt_utf8_len(p + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

/* c_escape returns the letter of the C escape for byte c, or 0. */
static char
c_escape(unsigned c)
{
	switch (c) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\t': return 't';
	case '\n': return 'n';
	case '\v': return 'v';
	case '\f': return 'f';
	case '\r': return 'r';
	case '\\': return '\\';
	default: return 0;
	}
}

void
fmt_escaped(FILE *f, const unsigned char *p, size_t n, int flags)
{
	int ascii_only = flags & FMT_ESC_ASCII;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		uint32_t cp;
		size_t k;
		char e = c_escape(c);

		if (c == '\\' && (flags & FMT_ESC_NAME)) {
			fputc('\\', f);
			i++;
		} else if (e != 0 || (ascii_only && c == '"')) {
			fputc('\\', f);
			fputc(e != 0 ? e : '"', f);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			fputc((int)c, f);
			i++;
		} else if (!ascii_only && c >= 0x80 && (k = fmt_utf8_len(p + i, n - i, &cp)) > 0 &&
		    cp >= 0xa0) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else {
			fprintf(f, "\\x%02x", c);
			i++;
		}
	}
}

void
fmt_json_string(FILE *f, const unsigned char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		uint32_t cp;
		size_t k = fmt_utf8_len(p + i, n - i, &cp);

		if (k == 0) { /* the caller broke the contract: stay valid JSON */
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04x", (unsigned)cp);
		else
			fwrite(p + i, 1, k, f);
		i += k;
	}
	fputc('"', f);
}

void
fmt_json_bytes(FILE *f, const unsigned char *p, size_t n)
{
	if (fmt_utf8_valid(p, n))
		fmt_json_string(f, p, n);
	else
		fputs("null", f);
}

void
fmt_base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(b64[v >> 18], f);
		fputc(b64[(v >> 12) & 63], f);
		fputc(i + 1 < n ? b64[(v >> 6) & 63] : '=', f);
		fputc(i + 2 < n ? b64[v & 63] : '=', f);
	}
}

void
fmt_message(FILE *f, enum fmt_kind kind, const unsigned char *p, size_t n)
{
	switch (kind) {
	case FMT_TEXT:
		while (n > 0 && p[n - 1] == '\0')
			n--;
		fmt_escaped(f, p, n, 0);
		fputc('\n', f);
		break;
	case FMT_QUOTED:
		fputc('"', f);
		fmt_escaped(f, p, n, FMT_ESC_ASCII);
		fputs("\"\n", f);
		break;
	case FMT_HEX:
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%02x", p[i]);
		fputc('\n', f);
		break;
	case FMT_RAW: {
		/* Big-endian, as network and file formats usually are. */
		unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
			(unsigned char)(n >> 8), (unsigned char)n };
		fwrite(len, 1, sizeof len, f);
		fwrite(p, 1, n, f);
		break;
	}
	case FMT_NUL:
		fwrite(p, 1, n, f);
		fputc('\0', f);
		break;
	case FMT_JSON:
		break;
	}
}
