/*
 * tchar.h (mailslot compat) - the generic-text mappings Windows samples
 * use with mailslots.  _T/TCHAR come from <mailslot/win32.h>.
 */
#ifndef MAILSLOT_COMPAT_TCHAR_H
#define MAILSLOT_COMPAT_TCHAR_H
#include <mailslot/win32.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#ifdef UNICODE
#define _tprintf wprintf
#define _tcslen wcslen
#define _tmain wmain
#else
#define _tprintf printf
#define _tcslen strlen
#define _tmain main
#endif
#endif
