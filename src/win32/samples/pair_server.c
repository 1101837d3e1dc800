/* SPDX-License-Identifier: MIT */
/*
 * pair_server.c - the classic Receive program written TCHAR-clean, so it
 * builds as ANSI or UNICODE: create the mailslot, block in ReadFile, print
 * each message's size and text.  Arguments: the mailslot name, the number
 * of messages (default 1).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hMailslot;
    TCHAR buffer[400];
    DWORD bytesRead;
    int i, n = 1;

    if (argc < 2)
        return 2;
    if (argc > 2)
        n = (int)argv[2][0] - '0';
    hMailslot = CreateMailslot(argv[1], 0, MAILSLOT_WAIT_FOREVER, NULL);
    if (hMailslot == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateMailslot failed with %d\n"), (int)GetLastError());
        return 1;
    }
    _tprintf(_T("Receive: waiting on %s\n"), argv[1]);
    fflush(stdout);
    for (i = 0; i < n; i++) {
        ZeroMemory(buffer, sizeof(buffer));
        if (!ReadFile(hMailslot, buffer, sizeof(buffer), &bytesRead, NULL)) {
            _tprintf(_T("ReadFile failed with %d\n"), (int)GetLastError());
            return 1;
        }
        _tprintf(_T("Receive: got %d bytes: %s\n"), (int)bytesRead, buffer);
        fflush(stdout);
    }
    CloseHandle(hMailslot);
    return 0;
}
