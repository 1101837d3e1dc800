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

/*
 * msw_wformat formats as the Windows C runtime's wide printf does: in a
 * wide format %s and %c take wide arguments, %hs/%S/%C narrow ones; 'l'
 * is 32 bits (Windows' long) and I64/ll 64 bits.
 */
static int
msw_wformat(msw_wbuf *b, LPCWSTR fmt, va_list *ap)
{
	static const WCHAR nullw[] = u"(null)";
	size_t i = 0, n = msw_wlen(fmt);
	while (i < n) {
		char spec[48], out[512];
		size_t k = 0;
		long width = 0, prec = -1;
		int left = 0, h = 0, l = 0, ll = 0, bigL = 0, z = 0, j = 0, t = 0;
		WCHAR c = fmt[i++];
		if (c != '%') {
			msw_wput(b, c);
			continue;
		}
		spec[k++] = '%';
		while (i < n && (fmt[i] == '-' || fmt[i] == '+' || fmt[i] == ' ' || fmt[i] == '#' ||
		    fmt[i] == '0')) {
			if (fmt[i] == '-')
				left = 1;
			spec[k++] = (char)fmt[i++];
		}
		if (i < n && fmt[i] == '*') {
			width = va_arg(*ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
				spec[k++] = '-';
			}
			k += (size_t)snprintf(spec + k, 12, "%ld", width);
			i++;
		} else {
			while (i < n && fmt[i] >= '0' && fmt[i] <= '9' && k < 20) {
				width = width * 10 + (fmt[i] - '0');
				spec[k++] = (char)fmt[i++];
			}
		}
		if (i < n && fmt[i] == '.') {
			spec[k++] = '.';
			i++;
			prec = 0;
			if (i < n && fmt[i] == '*') {
				prec = va_arg(*ap, int);
				k += (size_t)snprintf(spec + k, 12, "%ld", prec < 0 ? 0 : prec);
				i++;
			} else {
				while (i < n && fmt[i] >= '0' && fmt[i] <= '9' && k < 40) {
					prec = prec * 10 + (fmt[i] - '0');
					spec[k++] = (char)fmt[i++];
				}
			}
		}
		for (;; i++) {
			if (i >= n)
				return -1;
			if (fmt[i] == 'h')
				h++;
			else if (fmt[i] == 'l' && l)
				ll = 1;
			else if (fmt[i] == 'l')
				l = 1;
			else if (fmt[i] == 'w')
				l = 1;
			else if (fmt[i] == 'L')
				bigL = 1;
			else if (fmt[i] == 'z' || fmt[i] == 'I')
				z = 1;
			else if (fmt[i] == 'j')
				j = 1;
			else if (fmt[i] == 't')
				t = 1;
			else if (fmt[i] == '6' && i + 1 < n && fmt[i + 1] == '4' && z) {
				z = 0;
				ll = 1;
				i++;
			} else if (fmt[i] == '3' && i + 1 < n && fmt[i + 1] == '2' && z) {
				z = 0;
				i++;
			} else
				break;
		}
		c = fmt[i++];
		switch (c) {
		case '%':
			msw_wput(b, '%');
			continue;
		case 's':
		case 'S': {
			int narrow = (c == 'S') ? !l : h;
			if (narrow) {
				const char *s = va_arg(*ap, const char *);
				size_t wl;
				LPWSTR w = msw_utf16_n(s ? s : "(null)", strlen(s ? s : "(null)"), &wl);
				if (w == NULL)
					return -1;
				msw_wstr(b, w, prec >= 0 && (size_t)prec < wl ? (size_t)prec : wl, width, left);
				free(w);
			} else {
				LPCWSTR s = va_arg(*ap, LPCWSTR);
				size_t wl;
				if (s == NULL)
					s = nullw;
				wl = msw_wlen(s);
				msw_wstr(b, s, prec >= 0 && (size_t)prec < wl ? (size_t)prec : wl, width, left);
			}
			continue;
		}
		case 'c':
		case 'C': {
			int v = va_arg(*ap, int);
			WCHAR wc = (c == 'C' ? !l : h) ? (WCHAR)(unsigned char)v : (WCHAR)v;
			msw_wstr(b, &wc, 1, width, left);
			continue;
		}
		case 'n':
			*va_arg(*ap, int *) = (int)b->len;
			continue;
		case 'd':
		case 'i':
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			int sgn = c == 'd' || c == 'i';
			if (ll || j || z || t) {
				spec[k++] = 'l';
				spec[k++] = 'l';
			}
			spec[k++] = (char)c;
			spec[k] = '\0';
			if (ll || j)
				snprintf(out, sizeof out, spec, sgn ? (long long)va_arg(*ap, long long) :
				    (long long)va_arg(*ap, unsigned long long));
			else if (z || t)
				snprintf(out, sizeof out, spec, sgn ? (long long)va_arg(*ap, ptrdiff_t) :
				    (long long)va_arg(*ap, size_t));
			else if (sgn)
				snprintf(out, sizeof out, spec, h == 1 ? (int)(short)va_arg(*ap, int) :
				    h >= 2 ? (int)(signed char)va_arg(*ap, int) : va_arg(*ap, int));
			else
				snprintf(out, sizeof out, spec, h == 1 ? (unsigned)(unsigned short)va_arg(*ap, unsigned) :
				    h >= 2 ? (unsigned)(unsigned char)va_arg(*ap, unsigned) : va_arg(*ap, unsigned));
			break;
		}
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (bigL)
				spec[k++] = 'L';
			spec[k++] = (char)c;
			spec[k] = '\0';
			if (bigL)
				snprintf(out, sizeof out, spec, va_arg(*ap, long double));
			else
				snprintf(out, sizeof out, spec, va_arg(*ap, double));
			break;
		case 'p':
			spec[k++] = 'p';
			spec[k] = '\0';
			snprintf(out, sizeof out, spec, va_arg(*ap, void *));
			break;
		default:
			return -1;
		}
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
