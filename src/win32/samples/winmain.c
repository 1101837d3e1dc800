/* SPDX-License-Identifier: MIT */
/*
 * winmain.c - a _tWinMain program (no window: it writes its command line
 * to a mailslot, as a GUI helper might).  It builds as ANSI or UNICODE.
 * Command line: the mailslot name, then the text.
 */
#include <windows.h>
#include <tchar.h>

int WINAPI _tWinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPTSTR lpCmdLine, int nCmdShow)
{
    TCHAR name[300];
    LPTSTR text;
    HANDLE h;
    DWORD n;
    int i;

    (void)hPrevInstance;
    if (hInstance == NULL || nCmdShow != SW_SHOWDEFAULT)
        return 3;
    /* The first word is the name; the rest of the line is the message. */
    for (i = 0; lpCmdLine[i] && lpCmdLine[i] != ' ' && i < 299; i++)
        name[i] = lpCmdLine[i];
    name[i] = 0;
    text = lpCmdLine[i] ? lpCmdLine + i + 1 : lpCmdLine + i;
    h = CreateFile(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                   FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    if (!WriteFile(h, text, (DWORD)(lstrlen(text) + 1) * sizeof(TCHAR), &n, NULL))
        return 2;
    CloseHandle(h);
    return 0;
}
