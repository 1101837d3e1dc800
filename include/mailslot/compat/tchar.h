/* SPDX-License-Identifier: MIT */
/*
 * tchar.h (mailslot compat) - the generic-text mappings Windows samples
 * use with mailslots.  _T/TEXT/TCHAR come from <mailslot/win32.h>.
 *
 * In a UNICODE (or _UNICODE) build TCHAR is the 16-bit WCHAR, so the
 * _t* names map to this library's UTF-16 functions rather than glibc's
 * 32-bit wide ones, and output is written as UTF-8.  _tmain and
 * _tWinMain work in both builds: in a UNICODE build `_tmain` expands to
 * a main() that converts argv to UTF-16 and then calls your function, and
 * _tWinMain does the same with the command line after the program name.
 */
#ifndef MAILSLOT_COMPAT_TCHAR_H
#define MAILSLOT_COMPAT_TCHAR_H
#if defined(_UNICODE) && !defined(UNICODE)
#define UNICODE
#endif
#include <mailslot/win32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef UNICODE
#define _tprintf MailslotPrintfW
#define _tcslen(s) ((size_t)lstrlenW(s))
#define _tcscpy lstrcpyW
#define _tcscat lstrcatW
#define _tcscmp lstrcmpW
#define _tcsicmp lstrcmpiW
/*
 * `int _tmain(int argc, TCHAR *argv[])` becomes a declaration of the
 * program's function, a main() that calls it with UTF-16 arguments, and
 * then the program's own definition.
 */
#define _tmain                                                              \
	msw_tmain_(int, WCHAR **);                                          \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		return MailslotRunWideMain(argc, argv, msw_tmain_);         \
	}                                                                   \
	int msw_tmain_
#define MSW_WINMAIN_RUN_ MailslotRunWinMainW
#else
#define _tprintf printf
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcscat strcat
#define _tcscmp strcmp
#define _tcsicmp lstrcmpiA
#define _tmain main
#define MSW_WINMAIN_RUN_ MailslotRunWinMainA
#endif

/* _tWinMain, as _tmain: a main() that passes the command line along. */
#define _tWinMain                                                           \
	msw_twinmain_(HINSTANCE, HINSTANCE, LPTSTR, int);                   \
	int main(int argc, char **argv)                                     \
	{                                                                   \
		return MSW_WINMAIN_RUN_(argc, argv, msw_twinmain_);          \
	}                                                                   \
	int msw_twinmain_
#endif
