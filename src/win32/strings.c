/* SPDX-License-Identifier: MIT */
/*
 * strings.c - UTF-16 strings: conversions, the lstr* family, the wide
 * printf behind _tprintf and StringCch*W, wide main(); and
 * GlobalAlloc/LocalAlloc.
 *
 * WCHAR is 16 bits and holds UTF-16, as on Windows; glibc's wide
 * functions work on 32-bit wchar_t, so the wide functions here are ours.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msw.h"

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

static size_t
msw_wlen(LPCWSTR w)
{
	size_t n = 0;
	while (w[n])
		n++;
	return n;
}

/* msw_next16 decodes one code point from UTF-16 (lone surrogates: U+FFFD). */
static uint32_t
msw_next16(LPCWSTR w, size_t *i, size_t n)
{
	uint32_t c = w[(*i)++];
	if (c >= 0xd800 && c < 0xdc00 && *i < n && w[*i] >= 0xdc00 && w[*i] < 0xe000)
		return 0x10000 + ((c - 0xd800) << 10) + (w[(*i)++] - 0xdc00);
	if (c >= 0xd800 && c < 0xe000)
		return 0xfffd;
	return c;
}

static size_t
msw_put8(char *p, uint32_t c)
{
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xc0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xe0 | (c >> 12));
		p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		p[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | (c >> 18));
	p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	p[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* msw_utf8_n converts n UTF-16 units to a new NUL-terminated UTF-8 string. */
static char *
msw_utf8_n(LPCWSTR w, size_t n)
{
	char *s = malloc(n * 3 + 1), *p = s;
	size_t i = 0;
	if (s == NULL)
		return NULL;
	while (i < n)
		p += msw_put8(p, msw_next16(w, &i, n));
	*p = '\0';
	return s;
}

/*
 * msw_to_utf8 converts a wide string to UTF-8 in a new buffer; NULL in
 * gives NULL out with *ok set, so the narrow function reports the NULL.
 */
char *
msw_to_utf8(LPCWSTR w, int *ok)
{
	char *s;
	*ok = 1;
	if (w == NULL)
		return NULL;
	if ((s = msw_utf8_n(w, msw_wlen(w))) == NULL)
		*ok = 0;
	return s;
}

/* msw_next8 decodes one code point from UTF-8 (bad bytes: U+FFFD). */
static uint32_t
msw_next8(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t c = *p++;
	int more = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	if (c >= 0x80 && more == 0) {
		*pp = p;
		return 0xfffd;
	}
	if (more)
		c &= 0x3fu >> more;
	while (more-- > 0) {
		if ((*p & 0xc0) != 0x80) {
			*pp = p;
			return 0xfffd;
		}
		c = (c << 6) | (*p++ & 0x3f);
	}
	*pp = p;
	return c > 0x10ffff || (c >= 0xd800 && c < 0xe000) ? 0xfffd : c;
}

/* msw_utf16_n converts UTF-8 bytes [s, s+n) to UTF-16 in a new buffer. */
static LPWSTR
msw_utf16_n(const char *s, size_t n, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	LPWSTR w = malloc((n + 1) * sizeof *w);
	size_t k = 0;
	if (w == NULL)
		return NULL;
	while (p < end) {
		uint32_t c = msw_next8(&p);
		if (c >= 0x10000) {
			w[k++] = (WCHAR)(0xd800 + ((c - 0x10000) >> 10));
			w[k++] = (WCHAR)(0xdc00 + ((c - 0x10000) & 0x3ff));
		} else {
			w[k++] = (WCHAR)c;
		}
	}
	w[k] = 0;
	if (outlen)
		*outlen = k;
	return w;
}

LPWSTR
msw_to_utf16(const char *s)
{
	return s == NULL ? NULL : msw_utf16_n(s, strlen(s), NULL);
}

int
MailslotRunWideMain(int argc, char **argv, int (*fn)(int, WCHAR **))
{
	WCHAR **wargv = calloc((size_t)argc + 1, sizeof *wargv);
	int i, r;
	if (wargv == NULL)
		return 1;
	for (i = 0; i < argc; i++)
		if ((wargv[i] = msw_to_utf16(argv[i])) == NULL)
			return 1;
	r = fn(argc, wargv);
	for (i = 0; i < argc; i++)
		free(wargv[i]);
	free(wargv);
	return r;
}

/* msw_cmdline joins argv[1..] as Windows passes a command line. */
static char *
msw_cmdline(int argc, char **argv)
{
	size_t n = 1;
	char *s, *p;
	int i;
	for (i = 1; i < argc; i++)
		n += strlen(argv[i]) + 3;
	if ((p = s = malloc(n)) == NULL)
		return NULL;
	for (i = 1; i < argc; i++) {
		int q = argv[i][0] == '\0' || strpbrk(argv[i], " \t") != NULL;
		if (i > 1)
			*p++ = ' ';
		if (q)
			*p++ = '"';
		p = stpcpy(p, argv[i]);
		if (q)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

int
MailslotRunWinMainA(int argc, char **argv, int (*fn)(HINSTANCE, HINSTANCE, LPSTR, int))
{
	char *cl = msw_cmdline(argc, argv);
	int r;
	if (cl == NULL)
		return 1;
	r = fn((HINSTANCE)(uintptr_t)0x400000, NULL, cl, SW_SHOWDEFAULT);
	free(cl);
	return r;
}

int
MailslotRunWinMainW(int argc, char **argv, int (*fn)(HINSTANCE, HINSTANCE, LPWSTR, int))
{
	char *cl = msw_cmdline(argc, argv);
	LPWSTR w = msw_to_utf16(cl);
	int r = 1;
	if (w != NULL)
		r = fn((HINSTANCE)(uintptr_t)0x400000, NULL, w, SW_SHOWDEFAULT);
	free(w);
	free(cl);
	return r;
}

/* ------------------------------------------------------------------ */
/* lstr*                                                               */
/* ------------------------------------------------------------------ */

int WINAPI
lstrlenA(LPCSTR s)
{
	return s == NULL ? 0 : (int)strlen(s);
}

int WINAPI
lstrlenW(LPCWSTR s)
{
	return s == NULL ? 0 : (int)msw_wlen(s);
}

LPSTR WINAPI
lstrcpyA(LPSTR d, LPCSTR s)
{
	return strcpy(d, s);
}

LPWSTR WINAPI
lstrcpyW(LPWSTR d, LPCWSTR s)
{
	return memcpy(d, s, (msw_wlen(s) + 1) * sizeof *s);
}

LPSTR WINAPI
lstrcpynA(LPSTR d, LPCSTR s, int max)
{
	int i;
	if (max <= 0)
		return d;
	for (i = 0; i < max - 1 && s[i]; i++)
		d[i] = s[i];
	d[i] = '\0';
	return d;
}

LPWSTR WINAPI
lstrcpynW(LPWSTR d, LPCWSTR s, int max)
{
	int i;
	if (max <= 0)
		return d;
	for (i = 0; i < max - 1 && s[i]; i++)
		d[i] = s[i];
	d[i] = 0;
	return d;
}

LPSTR WINAPI
lstrcatA(LPSTR d, LPCSTR s)
{
	return strcat(d, s);
}

LPWSTR WINAPI
lstrcatW(LPWSTR d, LPCWSTR s)
{
	lstrcpyW(d + msw_wlen(d), s);
	return d;
}

static uint32_t
msw_fold(uint32_t c)
{
	/* ASCII and Latin-1 letters; the rest compare as they are. */
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 32;
	return c;
}

static int
msw_cmp(const void *a, const void *b, int wide, int fold)
{
	size_t i;
	if (a == NULL || b == NULL)
		return a == b ? 0 : a == NULL ? -1 : 1;
	for (i = 0;; i++) {
		uint32_t x = wide ? ((LPCWSTR)a)[i] : ((const unsigned char *)a)[i];
		uint32_t y = wide ? ((LPCWSTR)b)[i] : ((const unsigned char *)b)[i];
		if (fold) {
			x = msw_fold(x);
			y = msw_fold(y);
		}
		if (x != y)
			return x < y ? -1 : 1;
		if (x == 0)
			return 0;
	}
}

int WINAPI
lstrcmpA(LPCSTR a, LPCSTR b)
{
	return msw_cmp(a, b, 0, 0);
}

int WINAPI
lstrcmpW(LPCWSTR a, LPCWSTR b)
{
	return msw_cmp(a, b, 1, 0);
}

int WINAPI
lstrcmpiA(LPCSTR a, LPCSTR b)
{
	return msw_cmp(a, b, 0, 1);
}

int WINAPI
lstrcmpiW(LPCWSTR a, LPCWSTR b)
{
	return msw_cmp(a, b, 1, 1);
}

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

int
MailslotVsnprintfW(LPWSTR dst, size_t cch, LPCWSTR fmt, va_list ap)
{
	msw_wbuf b = { 0 };
	va_list cp;
	int r;
	if (fmt == NULL)
		return -1;
	va_copy(cp, ap);
	r = msw_wformat(&b, fmt, &cp);
	va_end(cp);
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
	va_list cp;
	char *s;
	int r;
	if (fmt == NULL)
		return -1;
	va_copy(cp, ap);
	r = msw_wformat(&b, fmt, &cp);
	va_end(cp);
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

/* ------------------------------------------------------------------ */
/* GlobalAlloc / LocalAlloc                                            */
/* ------------------------------------------------------------------ */

/* A block carries its size and a mark that lets Free reject non-blocks. */
typedef struct msw_mem {
	size_t size;
	uint64_t mark;
} __attribute__((aligned(16))) msw_mem;

#define MSW_MEM_MARK 0x6d736c4d656d0a01ull

static HGLOBAL
msw_alloc(UINT flags, SIZE_T n)
{
	msw_mem *m = (flags & GMEM_ZEROINIT) ? calloc(1, sizeof *m + n) : malloc(sizeof *m + n);
	if (m == NULL) {
		msw_set_error(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	m->size = n;
	m->mark = MSW_MEM_MARK;
	return m + 1;
}

static msw_mem *
msw_block(HGLOBAL h)
{
	msw_mem *m;
	if (h == NULL || ((uintptr_t)h & 15) != 0)
		return NULL;
	m = (msw_mem *)h - 1;
	return m->mark == MSW_MEM_MARK ? m : NULL;
}

static HGLOBAL
msw_free(HGLOBAL h)
{
	msw_mem *m;
	if (h == NULL)
		return NULL;
	if ((m = msw_block(h)) == NULL) {
		msw_set_error(ERROR_INVALID_HANDLE);
		return h;
	}
	m->mark = 0;
	free(m);
	return NULL;
}

HGLOBAL WINAPI
GlobalAlloc(UINT uFlags, SIZE_T dwBytes)
{
	return msw_alloc(uFlags, dwBytes);
}

HGLOBAL WINAPI
GlobalFree(HGLOBAL hMem)
{
	return msw_free(hMem);
}

LPVOID WINAPI
GlobalLock(HGLOBAL hMem)
{
	if (msw_block(hMem) == NULL) {
		msw_set_error(ERROR_INVALID_HANDLE);
		return NULL;
	}
	return hMem;
}

BOOL WINAPI
GlobalUnlock(HGLOBAL hMem)
{
	/* Fixed memory is never locked: FALSE with NO_ERROR, as Windows. */
	msw_set_error(msw_block(hMem) ? NO_ERROR : ERROR_INVALID_HANDLE);
	return FALSE;
}

SIZE_T WINAPI
GlobalSize(HGLOBAL hMem)
{
	msw_mem *m = msw_block(hMem);
	if (m == NULL) {
		msw_set_error(ERROR_INVALID_HANDLE);
		return 0;
	}
	return m->size;
}

HLOCAL WINAPI
LocalAlloc(UINT uFlags, SIZE_T uBytes)
{
	return msw_alloc(uFlags, uBytes);
}

HLOCAL WINAPI
LocalFree(HLOCAL hMem)
{
	return msw_free(hMem);
}
