/* SPDX-License-Identifier: MIT */
/*
 * create_slot.c - a program in the shape of Microsoft's "Creating a
 * Mailslot" sample: a global handle, a MakeSlot function, TEXT() names.
 * It builds unchanged as ANSI or UNICODE, on Windows and here.
 * Optional argument: the mailslot name.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

HANDLE hSlot;
LPCTSTR SlotName = TEXT("\\\\.\\mailslot\\sample_mailslot");

BOOL WINAPI MakeSlot(LPCTSTR lpszSlotName)
{
    hSlot = CreateMailslot(lpszSlotName,
                           0,                       /* no maximum message size */
                           MAILSLOT_WAIT_FOREVER,   /* no time-out for operations */
                           (LPSECURITY_ATTRIBUTES) NULL);
    if (hSlot == INVALID_HANDLE_VALUE)
    {
        printf("CreateMailslot failed with %d\n", (int)GetLastError());
        return FALSE;
    }
    else printf("Mailslot created successfully.\n");
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    if (!MakeSlot(argc > 1 ? argv[1] : SlotName))
        return 1;
    /* A second server for the same name must fail. */
    if (CreateMailslot(argc > 1 ? argv[1] : SlotName, 0, 0, NULL) != INVALID_HANDLE_VALUE ||
        GetLastError() != ERROR_ALREADY_EXISTS)
    {
        printf("a second CreateMailslot did not fail with ERROR_ALREADY_EXISTS\n");
        return 1;
    }
    CloseHandle(hSlot);
    return 0;
}
