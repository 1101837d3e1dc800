/* SPDX-License-Identifier: MIT */
/*
 * strings.c - UTF-16 strings: conversions, the lstr* family, wide main();
 * and GlobalAlloc/LocalAlloc.  The wide printf is in wprintf.c.
 *
 * WCHAR is 16 bits and holds UTF-16, as on Windows; glibc's wide
 * functions work on 32-bit wchar_t, so the wide functions here are ours.
 */
#include <pthread.h>
#include <search.h>
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

/*
 * Each A/W pair below is one function over code units of one byte (A) or
 * two (W): `wide` says which.
 */
static uint32_t
msw_unit(const void *s, size_t i, int wide)
{
	return wide ? ((LPCWSTR)s)[i] : ((const unsigned char *)s)[i];
}

static void
msw_set_unit(void *d, size_t i, uint32_t c, int wide)
{
	if (wide)
		((LPWSTR)d)[i] = (WCHAR)c;
	else
		((char *)d)[i] = (char)c;
}

static size_t
msw_len(const void *s, int wide)
{
	return wide ? msw_wlen(s) : strlen(s);
}

/* msw_cpyn copies at most max - 1 units and always terminates. */
static void *
msw_cpyn(void *d, const void *s, int max, int wide)
{
	size_t i;
	if (max <= 0)
		return d;
	for (i = 0; i < (size_t)max - 1 && msw_unit(s, i, wide) != 0; i++)
		msw_set_unit(d, i, msw_unit(s, i, wide), wide);
	msw_set_unit(d, i, 0, wide);
	return d;
}

/* msw_cpy copies s with its terminator; msw_cat appends it to d. */
static void *
msw_cpy(void *d, const void *s, int wide)
{
	return memcpy(d, s, (msw_len(s, wide) + 1) * (wide ? sizeof(WCHAR) : 1));
}

static void *
msw_cat(void *d, const void *s, int wide)
{
	msw_cpy((char *)d + msw_len(d, wide) * (wide ? sizeof(WCHAR) : 1), s, wide);
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
		uint32_t x = msw_unit(a, i, wide), y = msw_unit(b, i, wide);
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

/* Each function is a call of its core with the unit's width (0: bytes,
 * 1: UTF-16 units). */
MSW_DEFINE(int, lstrlenA, (LPCSTR s), s == NULL ? 0 : (int)msw_len(s, 0))
MSW_DEFINE(int, lstrlenW, (LPCWSTR s), s == NULL ? 0 : (int)msw_len(s, 1))
MSW_DEFINE(LPSTR, lstrcpyA, (LPSTR d, LPCSTR s), msw_cpy(d, s, 0))
MSW_DEFINE(LPWSTR, lstrcpyW, (LPWSTR d, LPCWSTR s), msw_cpy(d, s, 1))
MSW_DEFINE(LPSTR, lstrcpynA, (LPSTR d, LPCSTR s, int max), msw_cpyn(d, s, max, 0))
MSW_DEFINE(LPWSTR, lstrcpynW, (LPWSTR d, LPCWSTR s, int max), msw_cpyn(d, s, max, 1))
MSW_DEFINE(LPSTR, lstrcatA, (LPSTR d, LPCSTR s), msw_cat(d, s, 0))
MSW_DEFINE(LPWSTR, lstrcatW, (LPWSTR d, LPCWSTR s), msw_cat(d, s, 1))
MSW_DEFINE(int, lstrcmpA, (LPCSTR a, LPCSTR b), msw_cmp(a, b, 0, 0))
MSW_DEFINE(int, lstrcmpW, (LPCWSTR a, LPCWSTR b), msw_cmp(a, b, 1, 0))
MSW_DEFINE(int, lstrcmpiA, (LPCSTR a, LPCSTR b), msw_cmp(a, b, 0, 1))
MSW_DEFINE(int, lstrcmpiW, (LPCWSTR a, LPCWSTR b), msw_cmp(a, b, 1, 1))

/* ------------------------------------------------------------------ */
/* GlobalAlloc / LocalAlloc                                            */
/* ------------------------------------------------------------------ */

/*
 * A block carries its size in a header before the pointer handed out.
 * Which pointers are blocks is kept in a set of its own, so that Free,
 * Lock and Size recognise a block without reading memory before a
 * pointer they did not hand out (a foreign pointer may have nothing
 * readable before it) or before one already freed.
 */
typedef struct msw_mem {
	size_t size;
} __attribute__((aligned(16))) msw_mem;

static pthread_mutex_t msw_mem_mu = PTHREAD_MUTEX_INITIALIZER;
static void *msw_mem_live; /* tsearch(3) tree of the live blocks' handles */

static int
msw_mem_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
	return x < y ? -1 : x > y;
}

static HGLOBAL
msw_alloc(UINT flags, SIZE_T n)
{
	msw_mem *m = n > SIZE_MAX - sizeof *m ? NULL :
	    (flags & GMEM_ZEROINIT) ? calloc(1, sizeof *m + n) : malloc(sizeof *m + n);
	void *added;
	if (m != NULL) {
		m->size = n;
		pthread_mutex_lock(&msw_mem_mu);
		added = tsearch(m + 1, &msw_mem_live, msw_mem_cmp);
		pthread_mutex_unlock(&msw_mem_mu);
		if (added != NULL)
			return m + 1;
		free(m);
	}
	msw_set_error(ERROR_NOT_ENOUGH_MEMORY);
	return NULL;
}

/* msw_block gives h's header, or NULL with ERROR_INVALID_HANDLE if h is
 * not a live block; with forget, h stops being one. */
static msw_mem *
msw_block(HGLOBAL h, int forget)
{
	int live;
	pthread_mutex_lock(&msw_mem_mu);
	live = h != NULL && tfind(h, &msw_mem_live, msw_mem_cmp) != NULL;
	if (live && forget)
		tdelete(h, &msw_mem_live, msw_mem_cmp);
	pthread_mutex_unlock(&msw_mem_mu);
	if (!live) {
		msw_set_error(ERROR_INVALID_HANDLE);
		return NULL;
	}
	return (msw_mem *)h - 1;
}

/* NULL is ignored, as Windows does: NULL back and the last error kept. */
static HGLOBAL
msw_free(HGLOBAL h)
{
	msw_mem *m;
	if (h == NULL)
		return NULL;
	if ((m = msw_block(h, 1)) == NULL)
		return h;
	free(m);
	return NULL;
}

/* Local and Global memory are the same fixed memory, as on Win32. */
MSW_DEFINE(HGLOBAL, GlobalAlloc, (UINT uFlags, SIZE_T dwBytes), msw_alloc(uFlags, dwBytes))
MSW_DEFINE(HLOCAL, LocalAlloc, (UINT uFlags, SIZE_T uBytes), msw_alloc(uFlags, uBytes))
MSW_DEFINE(HGLOBAL, GlobalFree, (HGLOBAL hMem), msw_free(hMem))
MSW_DEFINE(HLOCAL, LocalFree, (HLOCAL hMem), msw_free(hMem))
MSW_DEFINE(LPVOID, GlobalLock, (HGLOBAL hMem), msw_block(hMem, 0) != NULL ? hMem : NULL)

BOOL WINAPI
GlobalUnlock(HGLOBAL hMem)
{
	/* Fixed memory is never locked: FALSE with NO_ERROR, as Windows. */
	if (msw_block(hMem, 0) != NULL)
		msw_set_error(NO_ERROR);
	return FALSE;
}

SIZE_T WINAPI
GlobalSize(HGLOBAL hMem)
{
	msw_mem *m = msw_block(hMem, 0);
	return m != NULL ? m->size : 0;
}
