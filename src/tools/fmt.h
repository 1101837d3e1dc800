/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - how the command-line tool writes message bytes (fmt.c): every
 * output form keeps the boundary between messages and can be turned back
 * into the exact bytes, and the forms meant for a terminal never let a
 * control byte through.  mailslot(1) documents each form.
 */
#ifndef MSL_TOOL_FMT_H
#define MSL_TOOL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum fmt_kind {
	FMT_TEXT,   /* one line per message, non-printable bytes escaped      */
	FMT_QUOTED, /* one "C string" per line, pure ASCII, nothing dropped     */
	FMT_HEX,    /* one line of lower-case hex per message                    */
	FMT_JSON,   /* one JSON object per line: size, sender, base64, data      */
	FMT_RAW,    /* the exact bytes, each message after a 4-byte length       */
	FMT_NUL     /* the exact bytes, each message followed by a NUL byte      */
};

/* fmt_parse reads a --format name; returns 0, or -1 for an unknown name. */
int fmt_parse(const char *name, enum fmt_kind *out);

/*
 * fmt_utf8_len returns the length (1-4) of the valid UTF-8 sequence at
 * p[0..n), with its code point in *cp, or 0 when the bytes there are not
 * valid UTF-8: overlong forms, surrogates and values above U+10FFFF are
 * invalid, as RFC 3629 says.
 */
size_t fmt_utf8_len(const unsigned char *p, size_t n, uint32_t *cp);

/* fmt_utf8_valid says whether p[0..n) is valid UTF-8 throughout. */
int fmt_utf8_valid(const unsigned char *p, size_t n);

/*
 * fmt_escaped writes p[0..n) with every byte a terminal could act on
 * escaped: printable ASCII stays, '\\' becomes "\\\\", the usual C
 * escapes (\n, \t, \r...) stand for their bytes and any other byte is
 * "\xHH", always two hex digits.  Flags: FMT_ESC_ASCII also escapes valid
 * UTF-8 and '"', for the quoted form (otherwise valid UTF-8 stays as it
 * is, except the C1 controls U+0080-U+009F, which some terminals obey);
 * FMT_ESC_NAME leaves '\\' alone, for mailslot names shown to people.
 */
#define FMT_ESC_ASCII 0x1
#define FMT_ESC_NAME 0x2
void fmt_escaped(FILE *f, const unsigned char *p, size_t n, int flags);

/* fmt_json_string writes p[0..n), which must be valid UTF-8, as a JSON
 * string; controls, DEL, the C1 controls and U+2028/U+2029 are escaped. */
void fmt_json_string(FILE *f, const unsigned char *p, size_t n);

/* fmt_json_bytes writes p[0..n) as a JSON string when it is valid UTF-8,
 * else as null. */
void fmt_json_bytes(FILE *f, const unsigned char *p, size_t n);

/* fmt_base64 writes p[0..n) in base64 (RFC 4648 §4, with padding). */
void fmt_base64(FILE *f, const unsigned char *p, size_t n);

/*
 * fmt_message writes one message's bytes in kind (FMT_JSON excepted: the
 * caller writes the object around fmt_json_bytes and fmt_base64).  Text
 * drops trailing NUL bytes, the padding Windows writers often send;
 * every other form keeps every byte.
 */
void fmt_message(FILE *f, enum fmt_kind kind, const unsigned char *p, size_t n);

#endif /* MSL_TOOL_FMT_H */
