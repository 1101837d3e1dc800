/* SPDX-License-Identifier: MIT */
/*
 * tchar_test.c - generic-text builds: built twice, ANSI and UNICODE, with
 * only the compat headers.  Checks TCHAR and TEXT(), the bytes the classic
 * pair's client puts on the wire (the UTF-16LE encoding of the text in a
 * UNICODE build, as Windows sends), strsafe.h, the lstr* family, the
 * wide printf, and GlobalAlloc/LocalAlloc.
 *
 * $W32_SAMPLES is the folder of the sample programs (set by CTest).
 */
#include <windows.h>
#include <tchar.h>
#include <strsafe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msl_test.h"

extern char **environ;

static void
test_tchar_and_text(void)
{
	static const TCHAR s[] = TEXT("\u00e9t\u00e9");
#ifdef UNICODE
	MSL_CHECK_EQ(sizeof(TCHAR), 2);
	MSL_CHECK_EQ(sizeof s, 4 * 2); /* UTF-16: three units and the terminator */
	MSL_CHECK_EQ(s[0], 0xe9);
#else
	MSL_CHECK_EQ(sizeof(TCHAR), 1);
	MSL_CHECK_EQ(sizeof s, 5 + 1); /* UTF-8 */
#endif
	MSL_CHECK_EQ(sizeof(WCHAR), 2);
	MSL_CHECK_EQ(lstrlen(s), sizeof s / sizeof s[0] - 1);
	MSL_CHECK_EQ(_tcslen(s), (size_t)lstrlen(s));
}

/* The client of the classic pair, run as a separate program, sends exactly these bytes. */
static void
test_pair_client_bytes(void)
{
	char path[512], ns[64];
	const char *dir = getenv("W32_SAMPLES");
	unsigned char buf[256];
	/* "Grüße 🙂" with its terminator. */
#ifdef UNICODE
	static const unsigned char want[] = { 'G', 0, 'r', 0, 0xfc, 0, 0xdf, 0, 'e', 0, ' ', 0,
		0x3d, 0xd8, 0x42, 0xde, 0, 0 };
	const char *mode = "unicode";
#else
	static const unsigned char want[] = "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x99\x82";
	const char *mode = "ansi";
#endif
	char *argv[] = { path, "\\\\.\\mailslot\\tchar", "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x99\x82", NULL };
	DWORD n = 0;
	pid_t pid;
	int st;
	MSL_CHECK(dir != NULL);
	snprintf(ns, sizeof ns, "tchar-%d-%s", (int)getpid(), mode);
	setenv("MAILSLOT_NAMESPACE", ns, 1);
	snprintf(path, sizeof path, "%s/sample_pair_client_%s", dir, mode);
	HANDLE s = CreateMailslot(TEXT("\\\\.\\mailslot\\tchar"), 0, 5000, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE);
	MSL_CHECK_EQ(posix_spawn(&pid, path, NULL, NULL, argv, environ), 0);
	MSL_CHECK_EQ(waitpid(pid, &st, 0), pid);
	MSL_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, NULL));
	MSL_CHECK_EQ(n, sizeof want);
	MSL_CHECK(memcmp(buf, want, sizeof want) == 0);
	CloseHandle(s);
}

static void
test_strsafe(void)
{
	TCHAR b[8];
	size_t n = 99;
	MSL_CHECK(SUCCEEDED(StringCchPrintf(b, 8, TEXT("%d-%s"), 42, TEXT("ab"))));
	MSL_CHECK_EQ(lstrcmp(b, TEXT("42-ab")), 0);
	/* Too long: truncated, terminated, STRSAFE_E_INSUFFICIENT_BUFFER. */
	HRESULT hr = StringCchPrintf(b, 8, TEXT("%s"), TEXT("0123456789"));
	MSL_CHECK(FAILED(hr));
	MSL_CHECK_EQ(hr, STRSAFE_E_INSUFFICIENT_BUFFER);
	MSL_CHECK_EQ(lstrcmp(b, TEXT("0123456")), 0);
	MSL_CHECK_EQ(StringCchPrintf(b, 0, TEXT("x")), STRSAFE_E_INVALID_PARAMETER);
	MSL_CHECK_EQ(StringCchCopy(b, 8, TEXT("abc")), S_OK);
	MSL_CHECK_EQ(StringCchCat(b, 8, TEXT("def")), S_OK);
	MSL_CHECK_EQ(lstrcmp(b, TEXT("abcdef")), 0);
	MSL_CHECK_EQ(StringCbCat(b, sizeof b, TEXT("ghi")), STRSAFE_E_INSUFFICIENT_BUFFER);
	MSL_CHECK_EQ(lstrcmp(b, TEXT("abcdefg")), 0);
	MSL_CHECK_EQ(StringCchLength(b, 8, &n), S_OK);
	MSL_CHECK_EQ(n, 7);
	MSL_CHECK_EQ(StringCchLength(b, 7, &n), STRSAFE_E_INVALID_PARAMETER);
	MSL_CHECK_EQ(StringCbCopy(b, sizeof b, TEXT("xy")), S_OK);
	MSL_CHECK_EQ(StringCbLength(b, sizeof b, &n), S_OK);
	MSL_CHECK_EQ(n, 2 * sizeof(TCHAR));
}

/* The wide printf follows the Windows C runtime: %s is wide, %hs narrow, l is 32 bits. */
static void
test_wide_format(void)
{
	WCHAR w[64];
	long long big = 1234567890123LL;
	DWORD d = 4000000000u;
	MSL_CHECK(SUCCEEDED(StringCchPrintfW(w, 64, u"[%s|%hs|%c|%5.1f|%-3d|%x|%lu|%I64d]",
	    u"w\u00e9", "n", u'Z', 2.25, 7, 255, d, big)));
	MSL_CHECK_EQ(lstrcmpW(w, u"[w\u00e9|n|Z|  2.2|7  |ff|4000000000|1234567890123]"), 0);
	MSL_CHECK_EQ(StringCchPrintfW(w, 4, u"abc%s", u"def"), STRSAFE_E_INSUFFICIENT_BUFFER);
	MSL_CHECK_EQ(lstrcmpW(w, u"abc"), 0);
	MSL_CHECK(SUCCEEDED(StringCchPrintfW(w, 64, u"%S and %ls and %%", "narrow", u"wide")));
	MSL_CHECK_EQ(lstrcmpW(w, u"narrow and wide and %"), 0);
}

static void
test_lstr(void)
{
	TCHAR b[16];
	MSL_CHECK_EQ(lstrlen(NULL), 0);
	MSL_CHECK(lstrcpy(b, TEXT("Mail")) == b);
	MSL_CHECK(lstrcat(b, TEXT("slot")) == b);
	MSL_CHECK_EQ(lstrcmp(b, TEXT("Mailslot")), 0);
	MSL_CHECK(lstrcmp(b, TEXT("Mailslou")) < 0);
	MSL_CHECK_EQ(lstrcmpi(b, TEXT("MAILSLOT")), 0);
	MSL_CHECK(lstrcmpi(b, TEXT("MAILSLOTS")) < 0);
	MSL_CHECK_EQ(lstrcmpiW(u"\u00c9T\u00c9", u"\u00e9t\u00e9"), 0);
	lstrcpyn(b, TEXT("abcdef"), 4);
	MSL_CHECK_EQ(lstrcmp(b, TEXT("abc")), 0);
}

static void
test_global_and_local_alloc(void)
{
	unsigned char *p = GlobalAlloc(GPTR, 100);
	MSL_CHECK(p != NULL);
	for (int i = 0; i < 100; i++)
		MSL_CHECK_EQ(p[i], 0);
	MSL_CHECK_EQ(GlobalSize(p), 100);
	MSL_CHECK(GlobalLock(p) == p);
	MSL_CHECK(GlobalFree(p) == NULL);
	HLOCAL l = LocalAlloc(LPTR, 10);
	MSL_CHECK(l != NULL && ((char *)l)[9] == 0);
	MSL_CHECK(LocalFree(l) == NULL);
	MSL_CHECK(GlobalFree(NULL) == NULL);
	static char not_a_block[64] __attribute__((aligned(16)));
	MSL_CHECK(GlobalFree(not_a_block + 32) == not_a_block + 32);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

/*
 * Free, Lock and Size must recognise their blocks without reading memory
 * they did not allocate: a foreign pointer may have nothing readable
 * before it, and a block already freed is no longer the library's.
 */
static void
test_free_foreign_pointer(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MSL_CHECK(m != MAP_FAILED);
	MSL_CHECK(mprotect(m, (size_t)pg, PROT_NONE) == 0);
	char *foreign = m + pg; /* aligned, and the page before it unreadable */
	MSL_CHECK(GlobalFree(foreign) == foreign);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(LocalFree(foreign) == foreign);
	MSL_CHECK(GlobalLock(foreign) == NULL);
	MSL_CHECK_EQ(GlobalSize(foreign), 0);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(munmap(m, (size_t)pg * 2) == 0);

	void *p = GlobalAlloc(GMEM_FIXED, 8);
	MSL_CHECK(p != NULL);
	MSL_CHECK(GlobalFree(p) == NULL);
	MSL_CHECK(GlobalFree(p) == p); /* freed twice: refused, not freed again */
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);

	/* NULL is ignored, as on Windows: NULL back, the last error untouched. */
	SetLastError(ERROR_SUCCESS);
	MSL_CHECK(GlobalFree(NULL) == NULL);
	MSL_CHECK(LocalFree(NULL) == NULL);
	MSL_CHECK_EQ(GetLastError(), ERROR_SUCCESS);
}

MSL_TEST_LIST(
    MSL_TEST(test_tchar_and_text),
    MSL_TEST(test_pair_client_bytes),
    MSL_TEST(test_strsafe),
    MSL_TEST(test_wide_format),
    MSL_TEST(test_lstr),
    MSL_TEST(test_global_and_local_alloc),
    MSL_TEST(test_free_foreign_pointer))
