/*
 * windows.h (mailslot compat) - lets unchanged Windows mailslot code build
 * on Linux: add `-I$(pkg-config --variable=compatdir mailslot)` and the
 * program's `#include <windows.h>` finds this file, which brings in the
 * Win32 mailslot API and nothing else.
 */
#ifndef MAILSLOT_COMPAT_WINDOWS_H
#define MAILSLOT_COMPAT_WINDOWS_H
#include <mailslot/win32.h>
#include <stdio.h>
#include <string.h>

#ifndef lstrlenA
#define lstrlenA(s) ((int)strlen(s))
#define lstrlenW(s) ((int)wcslen(s))
#endif
#ifdef UNICODE
#define lstrlen lstrlenW
#else
#define lstrlen lstrlenA
#endif
#endif
