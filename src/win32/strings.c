/* SPDX-License-Identifier: MIT */
/*
 * strings.c - UTF-16 strings: conversions, the lstr* family, wide main();
 * and GlobalAlloc/LocalAlloc.  The wide printf is in wprintf.c.
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

size_t
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
char *
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
LPWSTR
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
