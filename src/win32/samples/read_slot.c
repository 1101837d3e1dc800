/* SPDX-License-Identifier: MIT */
/*
 * read_slot.c - a program in the shape of Microsoft's "Reading from a
 * Mailslot" sample: a named event, a GetMailslotInfo loop, GlobalAlloc'd
 * buffers, StringCchPrintf / StringCbCat and an overlapped ReadFile that
 * completes at once because a message is queued.  ANSI or UNICODE.
 * It prints a "ready" line once the mailslot exists, polls every 20 ms as
 * the sample does every 3 s, and stops after three messages (or 10 s).
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>
#include <strsafe.h>

HANDLE hSlot;
LPCTSTR SlotName = TEXT("\\\\.\\mailslot\\sample_mailslot");
static DWORD cRead;

BOOL ReadSlot()
{
    DWORD cbMessage, cMessage, cbRead;
    BOOL fResult;
    LPTSTR lpszBuffer;
    TCHAR achID[80];
    DWORD cAllMessages;
    HANDLE hEvent;
    OVERLAPPED ov;

    cbMessage = cMessage = cbRead = 0;

    hEvent = CreateEvent(NULL, FALSE, FALSE, TEXT("ExampleSlot"));
    if (NULL == hEvent)
        return FALSE;
    ov.Offset = 0;
    ov.OffsetHigh = 0;
    ov.hEvent = hEvent;

    fResult = GetMailslotInfo(hSlot, (LPDWORD) NULL, &cbMessage, &cMessage, (LPDWORD) NULL);
    if (!fResult)
    {
        printf("GetMailslotInfo failed with %d.\n", (int)GetLastError());
        return FALSE;
    }
    if (cbMessage == MAILSLOT_NO_MESSAGE)
    {
        CloseHandle(hEvent);
        return TRUE;
    }

    cAllMessages = cMessage;

    while (cMessage != 0)  /* retrieve all messages */
    {
        /* A message-number header to append to the text. */
        StringCchPrintf((LPTSTR) achID, 80, TEXT("\nMessage #%d of %d\n"),
                        (int)(cAllMessages - cMessage + 1), (int)cAllMessages);

        lpszBuffer = (LPTSTR) GlobalAlloc(GPTR,
            lstrlen((LPTSTR) achID)*sizeof(TCHAR) + cbMessage);
        if (NULL == lpszBuffer)
            return FALSE;
        lpszBuffer[0] = '\0';

        fResult = ReadFile(hSlot, lpszBuffer, cbMessage, &cbRead, &ov);
        if (!fResult)
        {
            printf("ReadFile failed with %d.\n", (int)GetLastError());
            GlobalFree((HGLOBAL) lpszBuffer);
            return FALSE;
        }

        StringCbCat(lpszBuffer,
                    lstrlen((LPTSTR) achID)*sizeof(TCHAR) + cbMessage,
                    (LPTSTR) achID);

        _tprintf(TEXT("Contents of the mailslot: %s\n"), lpszBuffer);
        cRead++;

        GlobalFree((HGLOBAL) lpszBuffer);

        fResult = GetMailslotInfo(hSlot, (LPDWORD) NULL, &cbMessage, &cMessage, (LPDWORD) NULL);
        if (!fResult)
        {
            printf("GetMailslotInfo failed (%d)\n", (int)GetLastError());
            return FALSE;
        }
    }
    CloseHandle(hEvent);
    return TRUE;
}

BOOL WINAPI MakeSlot(LPCTSTR lpszSlotName)
{
    hSlot = CreateMailslot(lpszSlotName, 0, MAILSLOT_WAIT_FOREVER,
                           (LPSECURITY_ATTRIBUTES) NULL);
    if (hSlot == INVALID_HANDLE_VALUE)
    {
        printf("CreateMailslot failed with %d\n", (int)GetLastError());
        return FALSE;
    }
    return TRUE;
}

int main()
{
    int polls;

    if (!MakeSlot(SlotName))
        return 1;
    printf("ready\n");
    fflush(stdout);
    for (polls = 0; cRead < 3 && polls < 500; polls++)
    {
        if (!ReadSlot())
            return 1;
        fflush(stdout);
        if (cRead < 3)
            Sleep(20);
    }
    CloseHandle(hSlot);
    return cRead == 3 ? 0 : 1;
}
