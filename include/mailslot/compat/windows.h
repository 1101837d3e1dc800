/* SPDX-License-Identifier: MIT */
/*
 * windows.h (mailslot compat) - lets unchanged Windows mailslot code build
 * on Linux: add `-I$(pkg-config --variable=compatdir mailslot)` and the
 * program's `#include <windows.h>` finds this file, which brings in the
 * Win32 API of <mailslot/win32.h> (mailslots, events, waits, threads,
 * processes, overlapped I/O, memory and lstr*) and nothing else.  The
 * compat directory also holds <tchar.h> and <strsafe.h>.  A build with
 * _UNICODE but not UNICODE gets UNICODE too, as the two always go
 * together in Windows projects.
 */
#ifndef MAILSLOT_COMPAT_WINDOWS_H
#define MAILSLOT_COMPAT_WINDOWS_H
#if defined(_UNICODE) && !defined(UNICODE)
#define UNICODE
#endif
#include <mailslot/win32.h>
#include <stdio.h>
#include <string.h>
#endif
