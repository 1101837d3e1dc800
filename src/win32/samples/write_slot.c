/* SPDX-License-Identifier: MIT */
/*
 * write_slot.c - a program in the shape of Microsoft's "Writing to a
 * Mailslot" sample: CreateFile on the name, then three WriteFile calls of
 * (lstrlen + 1) * sizeof(TCHAR) bytes each.  ANSI or UNICODE.
 */
#include <windows.h>
#include <stdio.h>

LPCTSTR SlotName = TEXT("\\\\.\\mailslot\\sample_mailslot");

BOOL WriteSlot(HANDLE hSlot, LPCTSTR lpszMessage)
{
    BOOL fResult;
    DWORD cbWritten;

    fResult = WriteFile(hSlot,
                        lpszMessage,
                        (DWORD) (lstrlen(lpszMessage)+1)*sizeof(TCHAR),
                        &cbWritten,
                        (LPOVERLAPPED) NULL);
    if (!fResult)
    {
        printf("WriteFile failed with %d.\n", (int)GetLastError());
        return FALSE;
    }
    printf("Slot written to successfully.\n");
    return TRUE;
}

int main()
{
    HANDLE hFile;

    hFile = CreateFile(SlotName,
                       GENERIC_WRITE,
                       FILE_SHARE_READ,
                       (LPSECURITY_ATTRIBUTES) NULL,
                       OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL,
                       (HANDLE) NULL);
    if (hFile == INVALID_HANDLE_VALUE)
    {
        printf("CreateFile failed with %d.\n", (int)GetLastError());
        return 1;
    }
    if (!WriteSlot(hFile, TEXT("Message one for mailslot.")) ||
        !WriteSlot(hFile, TEXT("Message two for mailslot.")) ||
        !WriteSlot(hFile, TEXT("Message three for mailslot.")))
        return 1;
    CloseHandle(hFile);
    return 0;
}
