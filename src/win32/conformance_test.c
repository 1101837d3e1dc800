/*
 * conformance_test.c - Wine's kernel32 mailslot conformance sequence
 * (the assertions of its newest version that pass on real Windows),
 * written only against <mailslot/win32.h>.
 *
 * It is built twice: by CMake like every suite, and by win32_pkgconfig.sh
 * against an installed prefix with `cc prog.c $(pkg-config --cflags --libs
 * mailslot)`, as a user would build it.  Step numbers follow the sequence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mailslot/win32.h>

static int passed, failed;

#define ok(step, cond)                                                        \
	do {                                                                  \
		if (cond) {                                                   \
			passed++;                                             \
		} else {                                                      \
			failed++;                                             \
			printf("step %d: %s failed (GetLastError %lu)\n", step,  \
			    #cond, (unsigned long)GetLastError());            \
		}                                                             \
	} while (0)

static const char szmspath[] = "\\\\.\\mailslot\\wine_mailslot_test";

int
main(void)
{
	HANDLE hSlot, hSlot2, hWriter, hWriter2;
	unsigned char buffer[16];
	DWORD count, dwMax, dwNext, dwMsgCount, dwTimeout;
	char ns[64];

	snprintf(ns, sizeof ns, "conformance-%d", (int)getpid());
	setenv("MAILSLOT_NAMESPACE", ns, 1);

	/* Invalid inputs and names. */
	ok(1, !GetMailslotInfo(INVALID_HANDLE_VALUE, &dwMax, &dwNext, &dwMsgCount, &dwTimeout));
	hWriter = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(2, hWriter == INVALID_HANDLE_VALUE);
	ok(2, GetLastError() == ERROR_FILE_NOT_FOUND);
	hSlot = CreateMailslotA("blah", 0, 0, NULL);
	ok(3, hSlot == INVALID_HANDLE_VALUE);
	ok(4, GetLastError() == ERROR_INVALID_NAME);
	hSlot = CreateMailslotA(NULL, 0, 0, NULL);
	ok(5, hSlot == INVALID_HANDLE_VALUE);
	ok(6, GetLastError() == ERROR_PATH_NOT_FOUND);
	hSlot = CreateMailslotA("\\\\server\\mailslot\\remote", 0, 0, NULL);
	ok(6, hSlot == INVALID_HANDLE_VALUE && GetLastError() == ERROR_INVALID_NAME);

	/* Parameter round-trip. */
	hSlot = CreateMailslotA(szmspath, -1, -1, NULL);
	ok(7, hSlot != INVALID_HANDLE_VALUE);
	ok(8, GetMailslotInfo(hSlot, &dwMax, &dwNext, &dwMsgCount, &dwTimeout));
	ok(9, dwMax == ~0U);
	ok(10, dwNext == MAILSLOT_NO_MESSAGE);
	ok(11, dwMsgCount == 0);
	ok(12, dwTimeout == ~0U);
	ok(13, GetMailslotInfo(hSlot, NULL, NULL, NULL, NULL));
	ok(14, CloseHandle(hSlot));
	hSlot = CreateMailslotA(szmspath, 0, 0, NULL);
	ok(15, hSlot != INVALID_HANDLE_VALUE);

	/* Reads and writes on an empty slot. */
	count = 0xdeadbeef;
	ok(16, !ReadFile(INVALID_HANDLE_VALUE, buffer, 0, &count, NULL));
	ok(17, GetLastError() == ERROR_INVALID_HANDLE);
	ok(18, count == 0);
	count = 0xdeadbeef;
	ok(19, !ReadFile(hSlot, buffer, 0, &count, NULL));
	ok(20, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(21, count == 0);
	ok(22, !ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(23, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(24, !WriteFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(25, GetLastError() == ERROR_ACCESS_DENIED);

	/* First client. */
	hWriter = CreateFileA(szmspath, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	ok(32, hWriter != INVALID_HANDLE_VALUE); /* Vista and later */
	CloseHandle(hWriter);
	hWriter = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(33, hWriter != INVALID_HANDLE_VALUE);
	ok(34, !ReadFile(hSlot, buffer, sizeof buffer / 2, &count, NULL));
	ok(35, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(36, !WriteFile(hSlot, buffer, sizeof buffer / 2, &count, NULL));
	ok(37, GetLastError() == ERROR_ACCESS_DENIED);
	ok(38, !ReadFile(hWriter, buffer, sizeof buffer / 2, &count, NULL));
	ok(39, GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_ACCESS_DENIED);
	ok(40, WriteFile(hWriter, buffer, sizeof buffer / 2, &count, NULL));
	ok(41, !ReadFile(hWriter, buffer, sizeof buffer / 2, &count, NULL));
	ok(42, GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_ACCESS_DENIED);

	/* First message. */
	ok(46, ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(47, count == sizeof buffer / 2);
	ok(48, !ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(49, GetLastError() == ERROR_SEM_TIMEOUT);

	/* Further clients and a second server. */
	hWriter2 = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	if (hWriter2 != INVALID_HANDLE_VALUE)
		CloseHandle(hWriter2);
	hSlot2 = CreateMailslotA(szmspath, 0, 0, NULL);
	ok(53, hSlot2 == INVALID_HANDLE_VALUE);
	ok(53, GetLastError() == ERROR_ALREADY_EXISTS);
	ok(54, CloseHandle(hWriter));
	hWriter = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(55, hWriter != INVALID_HANDLE_VALUE);
	hWriter2 = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(57, hWriter2 != INVALID_HANDLE_VALUE);

	/* Queue accounting. */
	ok(58, GetMailslotInfo(hSlot, &dwMax, &dwNext, &dwMsgCount, &dwTimeout));
	ok(59, dwNext == MAILSLOT_NO_MESSAGE);
	ok(60, dwMax == 0);
	ok(61, dwMsgCount == 0);
	ok(62, dwTimeout == 0);
	ok(63, !ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(64, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(65, WriteFile(hWriter, "a", 1, &count, NULL));
	ok(66, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(67, dwNext == 1);
	ok(68, dwMsgCount == 1);
	ok(69, WriteFile(hWriter2, "bc", 2, &count, NULL));
	ok(70, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(71, dwNext == 1);
	ok(72, dwMsgCount == 2);
	ok(73, WriteFile(hWriter2, buffer, 0, &count, NULL));
	ok(74, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(75, dwNext == 1);
	ok(76, dwMsgCount == 3);
	ok(77, ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(78, count == 1);
	ok(79, buffer[0] == 'a');
	ok(80, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(81, dwNext == 2);
	ok(82, dwMsgCount == 2);
	ok(83, ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(84, count == 2);
	ok(85, memcmp(buffer, "bc", 2) == 0);
	ok(86, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(87, dwNext == 0);
	ok(88, dwMsgCount == 1);
	ok(89, ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(90, count == 0);
	ok(91, GetMailslotInfo(hSlot, NULL, &dwNext, &dwMsgCount, NULL));
	ok(92, dwNext == MAILSLOT_NO_MESSAGE);
	ok(93, dwMsgCount == 0);
	ok(94, !ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(95, GetLastError() == ERROR_SEM_TIMEOUT);

	/* Short-buffer read: the message survives (98-108, at kernel32 level). */
	ok(96, WriteFile(hWriter, buffer, 2, &count, NULL));
	ok(97, count == 2);
	ok(98, !ReadFile(hSlot, buffer, 1, &count, NULL));
	ok(98, GetLastError() == ERROR_INSUFFICIENT_BUFFER);
	ok(101, GetMailslotInfo(hSlot, &dwMax, &dwNext, &dwMsgCount, &dwTimeout));
	ok(104, dwMax == 0);
	ok(106, dwNext == 2);
	ok(107, dwMsgCount == 1);
	ok(108, dwTimeout == 0);

	/* Closing, and a finite timeout. */
	ok(111, CloseHandle(hWriter2));
	ok(112, CloseHandle(hWriter));
	ok(113, CloseHandle(hSlot));
	hSlot = CreateMailslotA(szmspath, 0, 1000, NULL);
	ok(114, hSlot != INVALID_HANDLE_VALUE);
	DWORD t0 = GetTickCount();
	ok(115, !ReadFile(hSlot, buffer, sizeof buffer, &count, NULL));
	ok(116, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(117, GetTickCount() - t0 >= 900);
	ok(118, CloseHandle(hSlot));
	ok(118, !CloseHandle(hSlot) && GetLastError() == ERROR_INVALID_HANDLE);

	/* Beyond the sequence: writes after the server closed fail (porting.md). */
	hSlot = CreateMailslotA(szmspath, 0, 0, NULL);
	hWriter = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	ok(200, hSlot != INVALID_HANDLE_VALUE && hWriter != INVALID_HANDLE_VALUE);
	ok(201, CloseHandle(hSlot));
	ok(202, !WriteFile(hWriter, "x", 1, &count, NULL));
	ok(203, GetLastError() == ERROR_HANDLE_EOF);
	ok(204, CloseHandle(hWriter));
	ok(205, CreateFileA("/etc/passwd", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
	        INVALID_HANDLE_VALUE && GetLastError() == ERROR_NOT_SUPPORTED);

	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
