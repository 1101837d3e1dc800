/* SPDX-License-Identifier: MIT */
/*
 * conformance_test.c - Wine's kernel32 mailslot conformance sequence
 * (docs/windows.md §10: the steps that real Windows passes),
 * written only against <mailslot/win32.h>.
 *
 * It is built twice: by CMake like every suite, and by install_test.sh
 * against an installed prefix with `cc prog.c $(pkg-config --cflags --libs
 * mailslot)`, as a user would build it.  Step numbers are those of that
 * list.
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

/*
 * The handles and out-parameters the sequence shares.  Each step goes on
 * from the state the one before left, as in Wine's single test function.
 */
struct conformance {
	HANDLE hSlot, hSlot2, hWriter, hWriter2;
	unsigned char buffer[16];
	DWORD count, dwMax, dwNext, dwMsgCount, dwTimeout;
};

/* Steps 1-6: invalid inputs and names. */
static void
step_invalid_names(struct conformance *c)
{
	ok(1, !GetMailslotInfo(INVALID_HANDLE_VALUE, &c->dwMax, &c->dwNext, &c->dwMsgCount, &c->dwTimeout));
	c->hWriter = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(2, c->hWriter == INVALID_HANDLE_VALUE);
	ok(2, GetLastError() == ERROR_FILE_NOT_FOUND);
	c->hSlot = CreateMailslotA("blah", 0, 0, NULL);
	ok(3, c->hSlot == INVALID_HANDLE_VALUE);
	ok(4, GetLastError() == ERROR_INVALID_NAME);
	c->hSlot = CreateMailslotA(NULL, 0, 0, NULL);
	ok(5, c->hSlot == INVALID_HANDLE_VALUE);
	ok(6, GetLastError() == ERROR_PATH_NOT_FOUND);
	c->hSlot = CreateMailslotA("\\\\server\\mailslot\\remote", 0, 0, NULL);
	ok(6, c->hSlot == INVALID_HANDLE_VALUE && GetLastError() == ERROR_INVALID_NAME);
}

/* Steps 7-15: parameter round-trip. */
static void
step_parameters(struct conformance *c)
{
	c->hSlot = CreateMailslotA(szmspath, -1, -1, NULL);
	ok(7, c->hSlot != INVALID_HANDLE_VALUE);
	ok(8, GetMailslotInfo(c->hSlot, &c->dwMax, &c->dwNext, &c->dwMsgCount, &c->dwTimeout));
	ok(9, c->dwMax == ~0U);
	ok(10, c->dwNext == MAILSLOT_NO_MESSAGE);
	ok(11, c->dwMsgCount == 0);
	ok(12, c->dwTimeout == ~0U);
	ok(13, GetMailslotInfo(c->hSlot, NULL, NULL, NULL, NULL));
	ok(14, CloseHandle(c->hSlot));
	c->hSlot = CreateMailslotA(szmspath, 0, 0, NULL);
	ok(15, c->hSlot != INVALID_HANDLE_VALUE);
}

/* Steps 16-25: reads and writes on an empty slot. */
static void
step_empty_slot(struct conformance *c)
{
	c->count = 0xdeadbeef;
	ok(16, !ReadFile(INVALID_HANDLE_VALUE, c->buffer, 0, &c->count, NULL));
	ok(17, GetLastError() == ERROR_INVALID_HANDLE);
	ok(18, c->count == 0);
	c->count = 0xdeadbeef;
	ok(19, !ReadFile(c->hSlot, c->buffer, 0, &c->count, NULL));
	ok(20, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(21, c->count == 0);
	ok(22, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(23, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(24, !WriteFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(25, GetLastError() == ERROR_ACCESS_DENIED);
}

/* Steps 32-42: first client. */
static void
step_first_client(struct conformance *c)
{
	c->hWriter = CreateFileA(szmspath, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	ok(32, c->hWriter != INVALID_HANDLE_VALUE); /* Vista and later */
	CloseHandle(c->hWriter);
	c->hWriter = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(33, c->hWriter != INVALID_HANDLE_VALUE);
	ok(34, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer / 2, &c->count, NULL));
	ok(35, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(36, !WriteFile(c->hSlot, c->buffer, sizeof c->buffer / 2, &c->count, NULL));
	ok(37, GetLastError() == ERROR_ACCESS_DENIED);
	ok(38, !ReadFile(c->hWriter, c->buffer, sizeof c->buffer / 2, &c->count, NULL));
	ok(39, GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_ACCESS_DENIED);
	ok(40, WriteFile(c->hWriter, c->buffer, sizeof c->buffer / 2, &c->count, NULL));
	ok(41, !ReadFile(c->hWriter, c->buffer, sizeof c->buffer / 2, &c->count, NULL));
	ok(42, GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_ACCESS_DENIED);
}

/* Steps 46-49: first message. */
static void
step_first_message(struct conformance *c)
{
	ok(46, ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(47, c->count == sizeof c->buffer / 2);
	ok(48, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(49, GetLastError() == ERROR_SEM_TIMEOUT);
}

/* Steps 53-57: further clients and a second server. */
static void
step_more_clients(struct conformance *c)
{
	c->hWriter2 = CreateFileA(szmspath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	if (c->hWriter2 != INVALID_HANDLE_VALUE)
		CloseHandle(c->hWriter2);
	c->hSlot2 = CreateMailslotA(szmspath, 0, 0, NULL);
	ok(53, c->hSlot2 == INVALID_HANDLE_VALUE);
	ok(53, GetLastError() == ERROR_ALREADY_EXISTS);
	ok(54, CloseHandle(c->hWriter));
	c->hWriter = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(55, c->hWriter != INVALID_HANDLE_VALUE);
	c->hWriter2 = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	    OPEN_EXISTING, 0, NULL);
	ok(57, c->hWriter2 != INVALID_HANDLE_VALUE);
}

/* Steps 58-95: queue accounting. */
static void
step_queue_accounting(struct conformance *c)
{
	ok(58, GetMailslotInfo(c->hSlot, &c->dwMax, &c->dwNext, &c->dwMsgCount, &c->dwTimeout));
	ok(59, c->dwNext == MAILSLOT_NO_MESSAGE);
	ok(60, c->dwMax == 0);
	ok(61, c->dwMsgCount == 0);
	ok(62, c->dwTimeout == 0);
	ok(63, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(64, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(65, WriteFile(c->hWriter, "a", 1, &c->count, NULL));
	ok(66, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(67, c->dwNext == 1);
	ok(68, c->dwMsgCount == 1);
	ok(69, WriteFile(c->hWriter2, "bc", 2, &c->count, NULL));
	ok(70, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(71, c->dwNext == 1);
	ok(72, c->dwMsgCount == 2);
	ok(73, WriteFile(c->hWriter2, c->buffer, 0, &c->count, NULL));
	ok(74, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(75, c->dwNext == 1);
	ok(76, c->dwMsgCount == 3);
	ok(77, ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(78, c->count == 1);
	ok(79, c->buffer[0] == 'a');
	ok(80, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(81, c->dwNext == 2);
	ok(82, c->dwMsgCount == 2);
	ok(83, ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(84, c->count == 2);
	ok(85, memcmp(c->buffer, "bc", 2) == 0);
	ok(86, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(87, c->dwNext == 0);
	ok(88, c->dwMsgCount == 1);
	ok(89, ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(90, c->count == 0);
	ok(91, GetMailslotInfo(c->hSlot, NULL, &c->dwNext, &c->dwMsgCount, NULL));
	ok(92, c->dwNext == MAILSLOT_NO_MESSAGE);
	ok(93, c->dwMsgCount == 0);
	ok(94, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(95, GetLastError() == ERROR_SEM_TIMEOUT);
}

/* Steps 96-108: a short-buffer read; the message survives (98-108, at
 * kernel32 level). */
static void
step_short_read(struct conformance *c)
{
	ok(96, WriteFile(c->hWriter, c->buffer, 2, &c->count, NULL));
	ok(97, c->count == 2);
	ok(98, !ReadFile(c->hSlot, c->buffer, 1, &c->count, NULL));
	ok(98, GetLastError() == ERROR_INSUFFICIENT_BUFFER);
	ok(101, GetMailslotInfo(c->hSlot, &c->dwMax, &c->dwNext, &c->dwMsgCount, &c->dwTimeout));
	ok(104, c->dwMax == 0);
	ok(106, c->dwNext == 2);
	ok(107, c->dwMsgCount == 1);
	ok(108, c->dwTimeout == 0);
}

/* Steps 111-118: closing, and a finite timeout. */
static void
step_timeout(struct conformance *c)
{
	ok(111, CloseHandle(c->hWriter2));
	ok(112, CloseHandle(c->hWriter));
	ok(113, CloseHandle(c->hSlot));
	c->hSlot = CreateMailslotA(szmspath, 0, 1000, NULL);
	ok(114, c->hSlot != INVALID_HANDLE_VALUE);
	DWORD t0 = GetTickCount();
	ok(115, !ReadFile(c->hSlot, c->buffer, sizeof c->buffer, &c->count, NULL));
	ok(116, GetLastError() == ERROR_SEM_TIMEOUT);
	ok(117, GetTickCount() - t0 >= 900);
	ok(118, CloseHandle(c->hSlot));
	ok(118, !CloseHandle(c->hSlot) && GetLastError() == ERROR_INVALID_HANDLE);
}

/* Steps 200-205, beyond that list: writes after the server closed fail
 * (docs/windows.md §5.4). */
static void
step_after_close(struct conformance *c)
{
	c->hSlot = CreateMailslotA(szmspath, 0, 0, NULL);
	c->hWriter = CreateFileA(szmspath, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	ok(200, c->hSlot != INVALID_HANDLE_VALUE && c->hWriter != INVALID_HANDLE_VALUE);
	ok(201, CloseHandle(c->hSlot));
	ok(202, !WriteFile(c->hWriter, "x", 1, &c->count, NULL));
	ok(203, GetLastError() == ERROR_HANDLE_EOF);
	ok(204, CloseHandle(c->hWriter));
	ok(205, CreateFileA("/etc/passwd", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) ==
	        INVALID_HANDLE_VALUE && GetLastError() == ERROR_NOT_SUPPORTED);
}

int
main(void)
{
	struct conformance c;
	char ns[64];

	snprintf(ns, sizeof ns, "conformance-%d", (int)getpid());
	setenv("MAILSLOT_NAMESPACE", ns, 1);
	memset(&c, 0, sizeof c);
	step_invalid_names(&c);
	step_parameters(&c);
	step_empty_slot(&c);
	step_first_client(&c);
	step_first_message(&c);
	step_more_clients(&c);
	step_queue_accounting(&c);
	step_short_read(&c);
	step_timeout(&c);
	step_after_close(&c);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
