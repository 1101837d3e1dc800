/* SPDX-License-Identifier: MIT */
/*
 * wprintf.c - the wide printf behind _tprintf and StringCch*W: a format of
 * UTF-16 text, formatted into a growing UTF-16 buffer.
 *
 * glibc's wide printf works on 32-bit wchar_t, and WCHAR is 16 bits, so
 * the conversions are ours; numbers are formatted by snprintf and widened.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msw.h"

/* ------------------------------------------------------------------ */
/* Wide printf                                                         */
/* ------------------------------------------------------------------ */

typedef struct msw_wbuf {
	WCHAR *p;
	size_t len, cap;
	int oom;
} msw_wbuf;

static void
msw_wput(msw_wbuf *b, WCHAR c)
{
	if (b->len + 1 >= b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 128;
		WCHAR *np = realloc(b->p, ncap * sizeof *np);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	b->p[b->len++] = c;
}

static void
msw_wpad(msw_wbuf *b, long n)
{
	while (n-- > 0)
		msw_wput(b, ' ');
}

/* msw_wstr appends n UTF-16 units padded to width (left-aligned if left). */
static void
msw_wstr(msw_wbuf *b, LPCWSTR s, size_t n, long width, int left)
{
	if (!left)
		msw_wpad(b, width - (long)n);
	for (size_t i = 0; i < n; i++)
		msw_wput(b, s[i]);
	if (left)
		msw_wpad(b, width - (long)n);
}

/* One conversion's flags, width, precision and length, and its narrow printf spec so far. */
typedef struct msw_wspec {
	char spec[48];
	size_t k;
	long width, prec;
	int left, h, l, ll, bigL, z, j, t;
} msw_wspec;

/* msw_wspec_flags reads the flags, width and precision after '%' at fmt[*pi]. */
static void
msw_wspec_flags(msw_wspec *s, LPCWSTR fmt, size_t n, size_t *pi, va_list *ap)
{
	size_t i = *pi;
	while (i < n && (fmt[i] == '-' || fmt[i] == '+' || fmt[i] == ' ' || fmt[i] == '#' ||
	    fmt[i] == '0')) {
		if (fmt[i] == '-')
			s->left = 1;
		s->spec[s->k++] = (char)fmt[i++];
	}
	if (i < n && fmt[i] == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = 1;
			s->width = -s->width;
			s->spec[s->k++] = '-';
		}
		s->k += (size_t)snprintf(s->spec + s->k, 12, "%ld", s->width);
		i++;
	} else {
		while (i < n && fmt[i] >= '0' && fmt[i] <= '9' && s->k < 20) {
			s->width = s->width * 10 + (fmt[i] - '0');
			s->spec[s->k++] = (char)fmt[i++];
		}
	}
	if (i < n && fmt[i] == '.') {
		s->spec[s->k++] = '.';
		i++;
		s->prec = 0;
		if (i < n && fmt[i] == '*') {
			s->prec = va_arg(*ap, int);
			s->k += (size_t)snprintf(s->spec + s->k, 12, "%ld", s->prec < 0 ? 0 : s->prec);
			i++;
		} else {
			while (i < n && fmt[i] >= '0' && fmt[i] <= '9' && s->k < 40) {
				s->prec = s->prec * 10 + (fmt[i] - '0');
				s->spec[s->k++] = (char)fmt[i++];
			}
		}
	}
	*pi = i;
}

/* msw_wspec_length reads the length modifiers at fmt[*pi]; -1 if the format ends there. */
static int
msw_wspec_length(msw_wspec *s, LPCWSTR fmt, size_t n, size_t *pi)
{
	size_t i = *pi;
	for (;; i++) {
		if (i >= n)
			return -1;
		if (fmt[i] == 'h')
			s->h++;
		else if (fmt[i] == 'l' && s->l)
			s->ll = 1;
		else if (fmt[i] == 'l')
			s->l = 1;
		else if (fmt[i] == 'w')
			s->l = 1;
		else if (fmt[i] == 'L')
			s->bigL = 1;
		else if (fmt[i] == 'z' || fmt[i] == 'I')
			s->z = 1;
		else if (fmt[i] == 'j')
			s->j = 1;
		else if (fmt[i] == 't')
			s->t = 1;
		else if (fmt[i] == '6' && i + 1 < n && fmt[i + 1] == '4' && s->z) {
			s->z = 0;
			s->ll = 1;
			i++;
		} else if (fmt[i] == '3' && i + 1 < n && fmt[i + 1] == '2' && s->z) {
			s->z = 0;
			i++;
		} else
			break;
	}
	*pi = i;
	return 0;
}

/* msw_wconv_text appends a %s, %S, %c or %C conversion; -1 if out of memory. */
static int
msw_wconv_text(msw_wbuf *b, const msw_wspec *s, WCHAR c, va_list *ap)
{
	static const WCHAR nullw[] = u"(null)";
	if (c == 'c' || c == 'C') {
		int v = va_arg(*ap, int);
		WCHAR wc = (c == 'C' ? !s->l : s->h) ? (WCHAR)(unsigned char)v : (WCHAR)v;
		msw_wstr(b, &wc, 1, s->width, s->left);
	} else if ((c == 'S') ? !s->l : s->h) {
		const char *a = va_arg(*ap, const char *);
		size_t wl;
		LPWSTR w = msw_utf16_n(a ? a : "(null)", strlen(a ? a : "(null)"), &wl);
		if (w == NULL)
			return -1;
		msw_wstr(b, w, s->prec >= 0 && (size_t)s->prec < wl ? (size_t)s->prec : wl, s->width,
		    s->left);
		free(w);
	} else {
		LPCWSTR a = va_arg(*ap, LPCWSTR);
		size_t wl;
		if (a == NULL)
			a = nullw;
		wl = msw_wlen(a);
		msw_wstr(b, a, s->prec >= 0 && (size_t)s->prec < wl ? (size_t)s->prec : wl, s->width,
		    s->left);
	}
	return 0;
}

/* msw_wconv_int formats a %d, %i, %u, %o, %x or %X conversion into out. */
static void
msw_wconv_int(msw_wspec *s, WCHAR c, va_list *ap, char *out, size_t cap)
{
	int sgn = c == 'd' || c == 'i';
	char *spec = s->spec;
	if (s->ll || s->j || s->z || s->t) {
		spec[s->k++] = 'l';
		spec[s->k++] = 'l';
	}
	spec[s->k++] = (char)c;
	spec[s->k] = '\0';
	if (s->ll || s->j)
		snprintf(out, cap, spec, sgn ? (long long)va_arg(*ap, long long) :
		    (long long)va_arg(*ap, unsigned long long));
	else if (s->z || s->t)
		snprintf(out, cap, spec, sgn ? (long long)va_arg(*ap, ptrdiff_t) :
		    (long long)va_arg(*ap, size_t));
	else if (sgn)
		snprintf(out, cap, spec, s->h == 1 ? (int)(short)va_arg(*ap, int) :
		    s->h >= 2 ? (int)(signed char)va_arg(*ap, int) : va_arg(*ap, int));
	else
		snprintf(out, cap, spec, s->h == 1 ? (unsigned)(unsigned short)va_arg(*ap, unsigned) :
		    s->h >= 2 ? (unsigned)(unsigned char)va_arg(*ap, unsigned) : va_arg(*ap, unsigned));
}

/* msw_wconv_num formats a numeric or %p conversion into out; -1 for an unknown one. */
static int
msw_wconv_num(msw_wspec *s, WCHAR c, va_list *ap, char *out, size_t cap)
{
	switch (c) {
	case 'd':
	case 'i':
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		msw_wconv_int(s, c, ap, out, cap);
		return 0;
	case 'e':
	case 'E':
	case 'f':
	case 'F':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (s->bigL)
			s->spec[s->k++] = 'L';
		s->spec[s->k++] = (char)c;
		s->spec[s->k] = '\0';
		if (s->bigL)
			snprintf(out, cap, s->spec, va_arg(*ap, long double));
		else
			snprintf(out, cap, s->spec, va_arg(*ap, double));
		return 0;
	case 'p':
		s->spec[s->k++] = 'p';
		s->spec[s->k] = '\0';
		snprintf(out, cap, s->spec, va_arg(*ap, void *));
		return 0;
	default:
		return -1;
	}
}

/*
 * msw_wformat formats as the Windows C runtime's wide printf does: in a
 * wide format %s and %c take wide arguments, %hs/%S/%C narrow ones; 'l'
 * is 32 bits (Windows' long) and I64/ll 64 bits.
 */
static int
msw_wformat(msw_wbuf *b, LPCWSTR fmt, va_list *ap)
{
	size_t i = 0, n = msw_wlen(fmt);
	while (i < n) {
		msw_wspec s = { .prec = -1 };
		char out[512];
		WCHAR c = fmt[i++];
		if (c != '%') {
			msw_wput(b, c);
			continue;
		}
		s.spec[s.k++] = '%';
		msw_wspec_flags(&s, fmt, n, &i, ap);
		if (msw_wspec_length(&s, fmt, n, &i) != 0)
			return -1;
		c = fmt[i++];
		if (c == '%') {
			msw_wput(b, '%');
			continue;
		}
		if (c == 's' || c == 'S' || c == 'c' || c == 'C') {
			if (msw_wconv_text(b, &s, c, ap) != 0)
				return -1;
			continue;
		}
		if (c == 'n') {
			*va_arg(*ap, int *) = (int)b->len;
			continue;
		}
		if (msw_wconv_num(&s, c, ap, out, sizeof out) != 0)
			return -1;
		for (char *q = out; *q; q++)
			msw_wput(b, (WCHAR)(unsigned char)*q);
	}
	return b->oom ? -1 : 0;
}

/* msw_vformat formats into b from a copy of ap: 0, or -1 (b->p is freed
 * by the caller either way). */
static int
msw_vformat(msw_wbuf *b, LPCWSTR fmt, va_list ap)
{
	va_list cp;
	int r;
	if (fmt == NULL)
		return -1;
	va_copy(cp, ap);
	r = msw_wformat(b, fmt, &cp);
	va_end(cp);
	return r;
}

int
MailslotVsnprintfW(LPWSTR dst, size_t cch, LPCWSTR fmt, va_list ap)
{
	msw_wbuf b = { 0 };
	int r = msw_vformat(&b, fmt, ap);
	if (r == 0 && cch > 0) {
		size_t n = b.len < cch - 1 ? b.len : cch - 1;
		if (b.len > 0)
			memcpy(dst, b.p, n * sizeof *dst);
		dst[n] = 0;
		r = b.len < cch ? (int)b.len : -1;
	} else if (cch > 0) {
		dst[0] = 0;
		r = -1;
	} else {
		r = -1;
	}
	free(b.p);
	return r;
}

int
MailslotVfprintfW(void *stream, LPCWSTR fmt, va_list ap)
{
	msw_wbuf b = { 0 };
	char *s;
	int r = msw_vformat(&b, fmt, ap);
	if (r == 0 && (s = msw_utf8_n(b.p ? b.p : u"", b.len)) != NULL) {
		r = fputs(s, (FILE *)stream) < 0 ? -1 : (int)b.len;
		free(s);
	} else {
		r = -1;
	}
	free(b.p);
	return r;
}

int
MailslotPrintfW(LPCWSTR fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = MailslotVfprintfW(stdout, fmt, ap);
	va_end(ap);
	return r;
}
