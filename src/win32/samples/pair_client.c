/* SPDX-License-Identifier: MIT */
/*
 * pair_client.c - the classic Send program written TCHAR-clean: open the
 * mailslot and write the text with its terminator, (lstrlen + 1) *
 * sizeof(TCHAR) bytes, which in a UNICODE build is the text's UTF-16LE
 * encoding, as Windows sends it.  Arguments: the mailslot name, the text.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hFile;
    TCHAR buffer[400];
    DWORD bytesWritten;

    if (argc < 3)
        return 2;
    lstrcpyn(buffer, argv[2], 400);
    hFile = CreateFile(argv[1], GENERIC_WRITE, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateFile failed with %d\n"), (int)GetLastError());
        return 1;
    }
    if (!WriteFile(hFile, buffer, (DWORD)(lstrlen(buffer) + 1) * sizeof(TCHAR),
                   &bytesWritten, NULL)) {
        _tprintf(_T("WriteFile failed with %d\n"), (int)GetLastError());
        return 1;
    }
    _tprintf(_T("Send: wrote %d bytes\n"), (int)bytesWritten);
    CloseHandle(hFile);
    return 0;
}
