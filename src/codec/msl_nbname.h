/* SPDX-License-Identifier: MIT */
/*
 * msl_nbname.h - NetBIOS names and their on-the-wire encodings.
 *
 * A NetBIOS name is 16 bytes: up to 15 characters, upper-cased and padded
 * with spaces, then a suffix byte that tells the service ("name type").
 * The wildcard name "*" is padded with 0x00 instead ([MS-NBTE] §1.8, docs/protocol.md
 * §1.3).  On the wire the 16 bytes are first-level encoded into 32
 * characters 'A'..'P' (RFC 1001 §14.1) and then second-level encoded as a
 * DNS-style label sequence with optional scope labels (RFC 1002 §4.1):
 *
 *   0x20 | 32 encoded bytes | [len | scope label]... | 0x00
 *
 * which is 34 bytes when there is no scope.
 */
#ifndef MSL_NBNAME_H
#define MSL_NBNAME_H

#include <stddef.h>
#include <stdint.h>

#include "msl_buf.h"
#include "msl_perr.h"

/* RFC 1001 §14.1: the name is 16 bytes, the last of which is the suffix. */
#define MSL_NBNAME_LEN 16
#define MSL_NBNAME_CHARS 15
/* RFC 1001 §14.1: each byte becomes two characters. */
#define MSL_NBNAME_L1_LEN 32
/* RFC 1002 §4.1: length byte, 32 characters and the root label. */
#define MSL_NBNAME_WIRE_MIN 34
/* RFC 1002 §4.1 uses domain-name syntax, whose encoding is limited to 255
 * bytes (RFC 1035 §3.1) and whose labels are limited to 63 (RFC 1035
 * §2.3.4). */
#define MSL_NBNAME_WIRE_MAX 255
#define MSL_NBNAME_LABEL_MAX 63
/* The dotted scope string that still fits: 255 - 34 - 1 (one length byte
 * more than there are dots). */
#define MSL_NBNAME_SCOPE_MAX 220
/* msl_nbname_format's worst case: every byte escaped as \xNN, "<xx>", a
 * dot before the scope, and the terminating NUL. */
#define MSL_NBNAME_FMT_MAX                                                   \
	(MSL_NBNAME_CHARS * 4 + 4 + 1 + MSL_NBNAME_SCOPE_MAX * 4 + 1)

/* Suffix bytes that mailslots use ([MS-NBTE] note <2>, [MS-BRWS] §2.1.1,
 * [MS-MAIL] §3.2.3, [MS-MSRP] §2.1.2; docs/protocol.md §1.3). */
#define MSL_NBSUFFIX_WORKSTATION 0x00
#define MSL_NBSUFFIX_BROWSE_GROUP 0x01
#define MSL_NBSUFFIX_MESSENGER 0x03
#define MSL_NBSUFFIX_DOMAIN_MASTER 0x1b
#define MSL_NBSUFFIX_DOMAIN_CONTROLLERS 0x1c
#define MSL_NBSUFFIX_MASTER_BROWSER 0x1d
#define MSL_NBSUFFIX_BROWSER_ELECTION 0x1e
#define MSL_NBSUFFIX_SERVER 0x20

/*
 * A NetBIOS name with its scope.  nb_raw holds the 16 bytes exactly as
 * they travel (not NUL-terminated); nb_scope is the dotted scope, "" when
 * there is none, NUL-terminated and nb_scope_len bytes long.
 */
struct msl_nbname {
	uint8_t nb_raw[MSL_NBNAME_LEN];
	uint8_t nb_scope_len;
	char nb_scope[MSL_NBNAME_SCOPE_MAX + 1];
};

/*
 * msl_nbname_make builds a name from 1..15 characters, a suffix and an
 * optional dotted scope (NULL or "" for none).  ASCII letters are
 * upper-cased; other bytes are kept as given.  It returns MSL_PE_INVAL for
 * an empty or too long name, or for a scope with an empty or over-long
 * label or a total that would not fit 255 bytes on the wire.
 */
msl_perr msl_nbname_make(struct msl_nbname *out, const char *name,
    uint8_t suffix, const char *scope);

/* msl_nbname_suffix returns the 16th byte, the name type. */
uint8_t msl_nbname_suffix(const struct msl_nbname *n);

/*
 * msl_nbname_l1_encode writes the 32-character first-level encoding of a
 * 16-byte name (RFC 1001 §14.1); msl_nbname_l1_decode reverses it and
 * returns MSL_PE_BADNBNAME if a character is outside 'A'..'P'.
 */
void msl_nbname_l1_encode(const uint8_t raw[MSL_NBNAME_LEN],
    uint8_t out[MSL_NBNAME_L1_LEN]);
msl_perr msl_nbname_l1_decode(const uint8_t in[MSL_NBNAME_L1_LEN],
    uint8_t raw[MSL_NBNAME_LEN]);

/* msl_nbname_wire_len returns the second-level encoded size (34 with no
 * scope). */
size_t msl_nbname_wire_len(const struct msl_nbname *n);

/*
 * msl_nbname_build writes the second-level encoding into buf.  On success
 * *used is the number of bytes written; on MSL_PE_NOSPACE it is the number
 * that would have been needed.  It returns MSL_PE_INVAL for a scope that
 * msl_nbname_make would have refused.
 */
msl_perr msl_nbname_build(const struct msl_nbname *n, uint8_t *buf,
    size_t cap, size_t *used);

/*
 * msl_nbname_parse decodes one second-level encoded name at the start of
 * buf and sets *used to the bytes it took.  It returns MSL_PE_TRUNCATED
 * when buf ends inside the name and MSL_PE_BADNBNAME when the first label
 * is not 32 characters 'A'..'P', a label is a compression pointer or uses
 * a reserved label type, a scope label holds a '.' or NUL, or the name is
 * longer than 255 bytes.  *out is written only on success.
 */
msl_perr msl_nbname_parse(const uint8_t *buf, size_t len,
    struct msl_nbname *out, size_t *used);

/*
 * The same two operations on cursors, for the codecs that embed names.
 * msl_nbname_wr returns MSL_PE_INVAL for an unencodable scope; running out
 * of room is recorded in the writer.
 */
msl_perr msl_nbname_rd(struct msl_rd *r, struct msl_nbname *out);
msl_perr msl_nbname_wr(struct msl_wr *w, const struct msl_nbname *n);

/*
 * msl_nbname_format writes a name for logs as "NAME<1d>" or
 * "NAME<00>.scope": trailing padding is dropped, bytes outside printable
 * ASCII are written as \xNN, the suffix is two lower-case hex digits.  It
 * always NUL-terminates when cap > 0 and returns the length the full text
 * has, like snprintf; MSL_NBNAME_FMT_MAX bytes are always enough.
 */
size_t msl_nbname_format(const struct msl_nbname *n, char *buf, size_t cap);

/*
 * msl_nbname_casecmp orders two names: the 15 characters compared without
 * regard to ASCII case, then the suffix byte, then the scope without
 * regard to case.  It returns 0 for names that are the same NetBIOS name.
 */
int msl_nbname_casecmp(const struct msl_nbname *a, const struct msl_nbname *b);

#endif /* MSL_NBNAME_H */
