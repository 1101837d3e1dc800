/* SPDX-License-Identifier: MIT */
/*
 * ms_server.c - the classic Win32 mailslot server, as Windows programs
 * write it: create \\.\mailslot\MyMailslot and block in ReadFile.  It
 * builds unchanged on Windows and, through libmailslot, on Linux.
 * Optional argument: how many messages to read before exiting (default 1).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>

int _tmain(int argc, char *argv[])
{
    HANDLE hMailslot;
    TCHAR buffer[400];
    DWORD bytesRead;
    int i, n = argc > 1 ? atoi(argv[1]) : 1;

    hMailslot = CreateMailslot(_T("\\\\.\\mailslot\\MyMailslot"),
                               0,                      /* any message size */
                               MAILSLOT_WAIT_FOREVER,  /* block in ReadFile */
                               NULL);
    if (hMailslot == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateMailslot failed with %d\n"), (int)GetLastError());
        return 1;
    }
    _tprintf(_T("Receive: waiting on \\\\.\\mailslot\\MyMailslot\n"));
    fflush(stdout);
    for (i = 0; i < n; i++) {
        ZeroMemory(buffer, sizeof(buffer));
        if (!ReadFile(hMailslot, buffer, sizeof(buffer), &bytesRead, NULL)) {
            _tprintf(_T("ReadFile failed with %d\n"), (int)GetLastError());
            CloseHandle(hMailslot);
            return 1;
        }
        _tprintf(_T("Receive: got %d bytes: %s\n"), (int)bytesRead, buffer);
        fflush(stdout);
    }
    CloseHandle(hMailslot);
    return 0;
}
