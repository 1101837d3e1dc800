/* SPDX-License-Identifier: MIT */
/*
 * ms_client.c - the classic Win32 mailslot client: open the server's
 * mailslot with CreateFile and WriteFile a 400-byte buffer.  The message
 * text can be given as the first argument.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, char *argv[])
{
    HANDLE hFile;
    TCHAR buffer[400];
    DWORD bytesWritten;

    ZeroMemory(buffer, sizeof(buffer));
    if (argc > 1)
        snprintf(buffer, sizeof(buffer), "%s", argv[1]);
    else
        snprintf(buffer, sizeof(buffer), "Hello from the Send window");

    hFile = CreateFile(_T("\\\\.\\mailslot\\MyMailslot"),
                       GENERIC_WRITE,
                       FILE_SHARE_READ,
                       NULL,
                       OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL,
                       NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateFile failed with %d\n"), (int)GetLastError());
        return 1;
    }
    if (!WriteFile(hFile, buffer, sizeof(buffer), &bytesWritten, NULL)) {
        _tprintf(_T("WriteFile failed with %d\n"), (int)GetLastError());
        CloseHandle(hFile);
        return 1;
    }
    _tprintf(_T("Send: wrote %d bytes\n"), (int)bytesWritten);
    CloseHandle(hFile);
    return 0;
}
