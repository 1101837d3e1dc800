/* SPDX-License-Identifier: MIT */
/*
 * msl_nbname.c - NetBIOS names: first- and second-level encoding.
 */
#include "msl_nbname.h"

#include <string.h>

/*
 * RFC 1035 §4.1.4: a length byte whose top two bits are 11 is a
 * compression pointer, and 01 and 10 are reserved label types.  Senders
 * do not compress names in NetBIOS datagrams (docs/protocol.md §1.3), so every length
 * byte with either bit set is refused.
 */
#define MSL_LABEL_TYPE_MASK 0xc0

/*
 * msl_scope_ok tells whether a dotted scope can be second-level encoded:
 * at most MSL_NBNAME_SCOPE_MAX bytes, and every label between the dots 1
 * to 63 bytes long (RFC 1002 §4.1 with RFC 1035 §2.3.4).
 */
static bool
msl_scope_ok(const char *scope, size_t len)
{
	size_t label = 0;

	if (len > MSL_NBNAME_SCOPE_MAX)
		return false;
	if (len == 0)
		return true;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || scope[i] == '.') {
			if (label == 0 || label > MSL_NBNAME_LABEL_MAX)
				return false;
			label = 0;
		} else if (scope[i] == '\0') {
			return false;
		} else {
			label++;
		}
	}
	return true;
}

msl_perr
msl_nbname_make(struct msl_nbname *out, const char *name, uint8_t suffix,
    const char *scope)
{
	size_t nlen, slen;
	uint8_t pad;

	if (out == NULL || name == NULL)
		return MSL_PE_INVAL;
	nlen = strlen(name);
	if (nlen == 0 || nlen > MSL_NBNAME_CHARS)
		return MSL_PE_INVAL;
	if (scope == NULL)
		scope = "";
	slen = strlen(scope);
	if (!msl_scope_ok(scope, slen))
		return MSL_PE_INVAL;

	/* docs/protocol.md §1.3: names are upper-cased and space padded, except the
	 * wildcard "*", which Samba and Windows pad with 0x00. */
	pad = nlen == 1 && name[0] == '*' ? 0x00 : 0x20;
	memset(out->nb_raw, pad, MSL_NBNAME_CHARS);
	for (size_t i = 0; i < nlen; i++)
		out->nb_raw[i] = msl_toupper((uint8_t)name[i]);
	out->nb_raw[MSL_NBNAME_CHARS] = suffix;
	memcpy(out->nb_scope, scope, slen + 1);
	out->nb_scope_len = (uint8_t)slen;
	return MSL_PE_OK;
}

uint8_t
msl_nbname_suffix(const struct msl_nbname *n)
{
	return n->nb_raw[MSL_NBNAME_CHARS];
}

void
msl_nbname_l1_encode(const uint8_t raw[MSL_NBNAME_LEN],
    uint8_t out[MSL_NBNAME_L1_LEN])
{
	/* RFC 1001 §14.1: each half-byte, high half first, is added to 'A'. */
	for (size_t i = 0; i < MSL_NBNAME_LEN; i++) {
		out[2 * i] = (uint8_t)('A' + (raw[i] >> 4));
		out[2 * i + 1] = (uint8_t)('A' + (raw[i] & 0x0f));
	}
}

msl_perr
msl_nbname_l1_decode(const uint8_t in[MSL_NBNAME_L1_LEN],
    uint8_t raw[MSL_NBNAME_LEN])
{
	/* Only 'A'..'P' can come out of the encoding; Samba's parser
	 * refuses anything else too (docs/protocol.md §1.3), and so do we, so that a
	 * decoded name always encodes back to the same bytes. */
	for (size_t i = 0; i < MSL_NBNAME_L1_LEN; i++)
		if (in[i] < 'A' || in[i] > 'P')
			return MSL_PE_BADNBNAME;
	for (size_t i = 0; i < MSL_NBNAME_LEN; i++)
		raw[i] = (uint8_t)(((in[2 * i] - 'A') << 4) |
		    (in[2 * i + 1] - 'A'));
	return MSL_PE_OK;
}

size_t
msl_nbname_wire_len(const struct msl_nbname *n)
{
	/* Each scope label costs its length byte; the dots of the dotted
	 * form are one fewer than the labels, hence the + 1. */
	return MSL_NBNAME_WIRE_MIN +
	    (n->nb_scope_len > 0 ? (size_t)n->nb_scope_len + 1 : 0);
}

msl_perr
msl_nbname_wr(struct msl_wr *w, const struct msl_nbname *n)
{
	uint8_t l1[MSL_NBNAME_L1_LEN];
	size_t start = 0;

	/* A scope that msl_nbname_make would refuse could not be encoded:
	 * an empty label would end the name early. */
	if (n->nb_scope_len > MSL_NBNAME_SCOPE_MAX ||
	    !msl_scope_ok(n->nb_scope, n->nb_scope_len))
		return MSL_PE_INVAL;
	/* RFC 1002 §4.1: the first label is the 32-byte first-level
	 * encoding. */
	msl_nbname_l1_encode(n->nb_raw, l1);
	msl_wr_u8(w, MSL_NBNAME_L1_LEN);
	msl_wr_bytes(w, l1, sizeof l1);
	/* RFC 1002 §4.1: the scope follows as ordinary labels, one per
	 * dot-separated part. */
	for (size_t i = 0; n->nb_scope_len > 0 && i <= n->nb_scope_len; i++) {
		if (i == n->nb_scope_len || n->nb_scope[i] == '.') {
			msl_wr_u8(w, (uint8_t)(i - start));
			msl_wr_bytes(w, n->nb_scope + start, i - start);
			start = i + 1;
		}
	}
	/* RFC 1002 §4.1: the root label ends the name. */
	msl_wr_u8(w, 0);
	return MSL_PE_OK;
}

msl_perr
msl_nbname_build(const struct msl_nbname *n, uint8_t *buf, size_t cap,
    size_t *used)
{
	struct msl_wr w;

	if (n == NULL || used == NULL)
		return MSL_PE_INVAL;
	msl_wr_init(&w, buf, cap);
	if (msl_nbname_wr(&w, n) != MSL_PE_OK)
		return MSL_PE_INVAL;
	return msl_wr_finish(&w, used);
}

msl_perr
msl_nbname_rd(struct msl_rd *r, struct msl_nbname *out)
{
	struct msl_nbname n;
	size_t start = r->rd_pos;
	const uint8_t *p;
	uint8_t len;

	/* RFC 1002 §4.1: the first label must be the 32 encoded bytes.  A
	 * compression pointer here fails the same test. */
	len = msl_rd_u8(r);
	if (!msl_rd_ok(r))
		return MSL_PE_TRUNCATED;
	if (len != MSL_NBNAME_L1_LEN)
		return MSL_PE_BADNBNAME;
	p = msl_rd_bytes(r, MSL_NBNAME_L1_LEN);
	if (p == NULL)
		return MSL_PE_TRUNCATED;
	if (msl_nbname_l1_decode(p, n.nb_raw) != MSL_PE_OK)
		return MSL_PE_BADNBNAME;

	/* RFC 1002 §4.1: zero or more scope labels, then the root label. */
	n.nb_scope_len = 0;
	for (;;) {
		len = msl_rd_u8(r);
		if (!msl_rd_ok(r))
			return MSL_PE_TRUNCATED;
		if (len == 0)
			break;
		if ((len & MSL_LABEL_TYPE_MASK) != 0)
			return MSL_PE_BADNBNAME;
		p = msl_rd_bytes(r, len);
		if (p == NULL)
			return MSL_PE_TRUNCATED;
		/* RFC 1035 §3.1: the whole name, with the root label still
		 * to come, must fit in 255 bytes.  That also keeps the dotted
		 * scope within nb_scope. */
		if (r->rd_pos - start + 1 > MSL_NBNAME_WIRE_MAX)
			return MSL_PE_BADNBNAME;
		/* A '.' or NUL inside a label could not survive the dotted
		 * form, so such a name could not be sent back unchanged. */
		if (memchr(p, '.', len) != NULL || memchr(p, '\0', len) != NULL)
			return MSL_PE_BADNBNAME;
		if (n.nb_scope_len > 0)
			n.nb_scope[n.nb_scope_len++] = '.';
		memcpy(n.nb_scope + n.nb_scope_len, p, len);
		n.nb_scope_len = (uint8_t)(n.nb_scope_len + len);
	}
	n.nb_scope[n.nb_scope_len] = '\0';
	*out = n;
	return MSL_PE_OK;
}

msl_perr
msl_nbname_parse(const uint8_t *buf, size_t len, struct msl_nbname *out,
    size_t *used)
{
	struct msl_rd r;
	msl_perr err;

	if (used == NULL || !msl_rd_start(&r, buf, len, out, sizeof *out))
		return MSL_PE_INVAL;
	err = msl_nbname_rd(&r, out);
	if (err == MSL_PE_OK)
		*used = r.rd_pos;
	return err;
}

static const char msl_hex[] = "0123456789abcdef";

/* A bounded text appender for msl_nbname_format. */
struct msl_fmt {
	char *f_buf;
	size_t f_cap;
	size_t f_len;
};

static void
msl_fmt_putc(struct msl_fmt *f, char c)
{
	if (f->f_len + 1 < f->f_cap)
		f->f_buf[f->f_len] = c;
	f->f_len++;
}

/* msl_fmt_byte writes a byte as itself when it is printable ASCII and as
 * \xNN otherwise, so that a log line never carries control bytes.  A
 * backslash is escaped too, so the text can be read back unambiguously. */
static void
msl_fmt_byte(struct msl_fmt *f, uint8_t c)
{
	if (c >= 0x20 && c < 0x7f && c != '\\') {
		msl_fmt_putc(f, (char)c);
		return;
	}
	msl_fmt_putc(f, '\\');
	msl_fmt_putc(f, 'x');
	msl_fmt_putc(f, msl_hex[c >> 4]);
	msl_fmt_putc(f, msl_hex[c & 0x0f]);
}

size_t
msl_nbname_format(const struct msl_nbname *n, char *buf, size_t cap)
{
	struct msl_fmt f = { buf, buf != NULL ? cap : 0, 0 };
	size_t end = MSL_NBNAME_CHARS;
	uint8_t suffix = msl_nbname_suffix(n);

	/* docs/protocol.md §1.3: names are padded with spaces, and "*" with 0x00; the
	 * padding is not part of the name a person reads. */
	while (end > 0 && (n->nb_raw[end - 1] == ' ' ||
	    n->nb_raw[end - 1] == '\0'))
		end--;
	for (size_t i = 0; i < end; i++)
		msl_fmt_byte(&f, n->nb_raw[i]);
	msl_fmt_putc(&f, '<');
	msl_fmt_putc(&f, msl_hex[suffix >> 4]);
	msl_fmt_putc(&f, msl_hex[suffix & 0x0f]);
	msl_fmt_putc(&f, '>');
	if (n->nb_scope_len > 0) {
		msl_fmt_putc(&f, '.');
		for (size_t i = 0; i < n->nb_scope_len; i++)
			msl_fmt_byte(&f, (uint8_t)n->nb_scope[i]);
	}
	if (f.f_cap > 0)
		f.f_buf[f.f_len < f.f_cap ? f.f_len : f.f_cap - 1] = '\0';
	return f.f_len;
}

int
msl_nbname_casecmp(const struct msl_nbname *a, const struct msl_nbname *b)
{
	size_t common;
	int c;

	/* docs/protocol.md §1.6 rule 4: names are compared without regard to case, but
	 * the suffix is a number and must match exactly. */
	c = msl_casecmp(a->nb_raw, b->nb_raw, MSL_NBNAME_CHARS);
	if (c != 0)
		return c;
	if (a->nb_raw[MSL_NBNAME_CHARS] != b->nb_raw[MSL_NBNAME_CHARS])
		return a->nb_raw[MSL_NBNAME_CHARS] <
		    b->nb_raw[MSL_NBNAME_CHARS] ? -1 : 1;
	/* docs/protocol.md §1.6 rule 4: "with the same scope"; scopes are domain names,
	 * which DNS compares without regard to case. */
	common = a->nb_scope_len < b->nb_scope_len ? a->nb_scope_len :
	    b->nb_scope_len;
	c = msl_casecmp(a->nb_scope, b->nb_scope, common);
	if (c != 0)
		return c;
	if (a->nb_scope_len != b->nb_scope_len)
		return a->nb_scope_len < b->nb_scope_len ? -1 : 1;
	return 0;
}
