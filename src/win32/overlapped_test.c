/* SPDX-License-Identifier: MIT */
/*
 * overlapped_test.c - overlapped reads on mailslot handles: pending and
 * immediate completion, completion by another process, the file handle
 * as the signal, cancellation, timeouts, ReadFileEx in alertable waits,
 * and the wait-on-many pattern of real programs.
 *
 * The other process is this binary run again with $W32_HELPER set, so
 * that it is a fresh exec and not a fork of a threaded process.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mailslot/win32.h>

#include "msl_test.h"

#define BOUND 5000 /* ms */

extern char **environ;

/* Helper mode: write argv-less "name|text" from $W32_HELPER and exit. */
__attribute__((constructor)) static void
helper_main(void)
{
	const char *v = getenv("W32_HELPER");
	char name[300];
	const char *bar;
	DWORD n;
	HANDLE c;
	if (v == NULL || (bar = strchr(v, '|')) == NULL || (size_t)(bar - v) >= sizeof name)
		return;
	memcpy(name, v, (size_t)(bar - v));
	name[bar - v] = '\0';
	c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	if (c == INVALID_HANDLE_VALUE)
		_exit(2);
	_exit(WriteFile(c, bar + 1, (DWORD)strlen(bar + 1), &n, NULL) ? 0 : 3);
}

/* write_from_process runs a writer process and waits for it to finish. */
static int
write_from_process(const char *name, const char *text)
{
	char env[400], *argv[] = { "overlapped_helper", NULL };
	char *envp[64];
	int i = 0, st;
	pid_t pid;
	snprintf(env, sizeof env, "W32_HELPER=%s|%s", name, text);
	envp[i++] = env;
	for (char **e = environ; *e && i < 62; e++)
		if (strncmp(*e, "W32_HELPER=", 11) != 0)
			envp[i++] = *e;
	envp[i] = NULL;
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, envp) != 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char slot[128];

#define set_ns(tag) msl_test_namespace("ovl", tag)

static HANDLE
make_slot(const char *tag, DWORD timeout)
{
	set_ns(tag);
	snprintf(slot, sizeof slot, "\\\\.\\mailslot\\ovl\\%s", tag);
	return CreateMailslotA(slot, 0, timeout, NULL);
}

static HANDLE
open_client(void)
{
	return CreateFileA(slot, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
	    FILE_FLAG_OVERLAPPED, NULL);
}

static void
test_pending_read_completed_by_another_process(void)
{
	HANDLE s = make_slot("proc", MAILSLOT_WAIT_FOREVER);
	OVERLAPPED ov;
	char buf[64] = { 0 };
	DWORD n = 77;
	MSL_CHECK(s != INVALID_HANDLE_VALUE);
	memset(&ov, 0, sizeof ov);
	ov.hEvent = CreateEventA(NULL, TRUE, TRUE, NULL); /* ReadFile resets it */
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, &n, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
	MSL_CHECK(!HasOverlappedIoCompleted(&ov));
	MSL_CHECK_EQ(ov.Internal, STATUS_PENDING);
	MSL_CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
	MSL_CHECK(!GetOverlappedResult(s, &ov, &n, FALSE));
	MSL_CHECK_EQ(GetLastError(), ERROR_IO_INCOMPLETE);
	MSL_CHECK_EQ(write_from_process(slot, "from afar"), 0);
	MSL_CHECK_EQ(WaitForSingleObject(ov.hEvent, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(HasOverlappedIoCompleted(&ov));
	MSL_CHECK_EQ(ov.Internal, 0);
	MSL_CHECK_EQ(ov.InternalHigh, 9);
	MSL_CHECK(GetOverlappedResult(s, &ov, &n, TRUE));
	MSL_CHECK_EQ(n, 9);
	MSL_CHECK(memcmp(buf, "from afar", 9) == 0);
	CloseHandle(ov.hEvent);
	CloseHandle(s);
}

/* A queued message completes an overlapped read at once (Microsoft's reading sample relies on it). */
static void
test_immediate_completion(void)
{
	HANDLE s = make_slot("now", MAILSLOT_WAIT_FOREVER), c = open_client();
	OVERLAPPED ov, wov;
	char buf[16];
	DWORD n = 0;
	memset(&ov, 0, sizeof ov);
	memset(&wov, 0, sizeof wov);
	ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	wov.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
	/* Writes complete at once, overlapped or not. */
	MSL_CHECK(WriteFile(c, "abc", 3, &n, &wov));
	MSL_CHECK_EQ(n, 3);
	MSL_CHECK(HasOverlappedIoCompleted(&wov));
	MSL_CHECK_EQ(wov.InternalHigh, 3);
	MSL_CHECK_EQ(WaitForSingleObject(wov.hEvent, 0), WAIT_OBJECT_0);
	n = 0;
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, &ov));
	MSL_CHECK_EQ(n, 3);
	MSL_CHECK_EQ(ov.InternalHigh, 3);
	MSL_CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
	MSL_CHECK(GetOverlappedResult(s, &ov, &n, FALSE));
	MSL_CHECK_EQ(n, 3);
	/* A short buffer fails at once and keeps the message. */
	MSL_CHECK(WriteFile(c, "0123456789", 10, &n, NULL));
	MSL_CHECK(!ReadFile(s, buf, 4, &n, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, &ov));
	MSL_CHECK_EQ(n, 10);
	CloseHandle(ov.hEvent);
	CloseHandle(wov.hEvent);
	CloseHandle(c);
	CloseHandle(s);
}

/* Without an event the mailslot handle itself is signaled (Wine's test on Windows). */
static void
test_file_handle_signaled(void)
{
	HANDLE s = make_slot("fh", MAILSLOT_WAIT_FOREVER), c = open_client();
	OVERLAPPED ov;
	char buf[16];
	DWORD n;
	memset(&ov, 0, sizeof ov);
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
	MSL_CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
	MSL_CHECK(WriteFile(c, "data", 4, &n, NULL));
	MSL_CHECK_EQ(WaitForSingleObject(s, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(ov.Internal, 0);
	MSL_CHECK_EQ(ov.InternalHigh, 4);
	/* GetOverlappedResult waits on the handle when hEvent is NULL. */
	memset(&ov, 0, sizeof ov);
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
	MSL_CHECK(WriteFile(c, "more!", 5, &n, NULL));
	MSL_CHECK(GetOverlappedResult(s, &ov, &n, TRUE));
	MSL_CHECK_EQ(n, 5);
	CloseHandle(c);
	CloseHandle(s);
}

static void
test_cancel(void)
{
	HANDLE s = make_slot("cancel", MAILSLOT_WAIT_FOREVER), c = open_client();
	OVERLAPPED a, b;
	char ba[16], bb[16];
	DWORD n = 5;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	b.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	/* Nothing pending: CancelIoEx finds nothing, CancelIo succeeds. */
	MSL_CHECK(!CancelIoEx(s, NULL));
	MSL_CHECK_EQ(GetLastError(), ERROR_NOT_FOUND);
	MSL_CHECK(CancelIo(s));
	MSL_CHECK(!CancelIoEx((HANDLE)(uintptr_t)4000, NULL));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(!ReadFile(s, ba, sizeof ba, NULL, &a));
	MSL_CHECK(!ReadFile(s, bb, sizeof bb, NULL, &b));
	MSL_CHECK(CancelIoEx(s, &a));
	MSL_CHECK_EQ(WaitForSingleObject(a.hEvent, 0), WAIT_OBJECT_0);
	MSL_CHECK(!GetOverlappedResult(s, &a, &n, FALSE));
	MSL_CHECK_EQ(GetLastError(), ERROR_OPERATION_ABORTED);
	MSL_CHECK_EQ(n, 0);
	MSL_CHECK(!CancelIoEx(s, &a));
	MSL_CHECK_EQ(GetLastError(), ERROR_NOT_FOUND);
	/* b still pending, and served by the next message. */
	MSL_CHECK(!HasOverlappedIoCompleted(&b));
	MSL_CHECK(WriteFile(c, "b", 1, &n, NULL));
	MSL_CHECK(GetOverlappedResult(s, &b, &n, TRUE));
	MSL_CHECK_EQ(n, 1);
	/* CancelIo cancels the calling thread's reads. */
	MSL_CHECK(!ReadFile(s, ba, sizeof ba, NULL, &a));
	MSL_CHECK(CancelIo(s));
	MSL_CHECK(!GetOverlappedResult(s, &a, &n, TRUE));
	MSL_CHECK_EQ(GetLastError(), ERROR_OPERATION_ABORTED);
	/* Closing the mailslot cancels what is pending. */
	MSL_CHECK(!ReadFile(s, ba, sizeof ba, NULL, &a));
	CloseHandle(s);
	MSL_CHECK_EQ(WaitForSingleObject(a.hEvent, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(a.Internal, 0xC0000120u); /* STATUS_CANCELLED */
	CloseHandle(a.hEvent);
	CloseHandle(b.hEvent);
	CloseHandle(c);
}

static void
test_timeouts_and_bad_input(void)
{
	HANDLE s = make_slot("tmo", 100), c = open_client();
	OVERLAPPED ov;
	char buf[8];
	DWORD n;
	memset(&ov, 0, sizeof ov);
	ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	/* A pending read honours the read timeout, as Wine and ReactOS do. */
	DWORD t0 = GetTickCount();
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
	MSL_CHECK(!GetOverlappedResult(s, &ov, &n, TRUE));
	MSL_CHECK_EQ(GetLastError(), ERROR_SEM_TIMEOUT);
	MSL_CHECK(GetTickCount() - t0 >= 90);
	/* Timeout 0 fails at once. */
	MSL_CHECK(SetMailslotInfo(s, 0));
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_SEM_TIMEOUT);
	/* GetOverlappedResultEx: a time limit and WAIT_TIMEOUT. */
	MSL_CHECK(SetMailslotInfo(s, MAILSLOT_WAIT_FOREVER));
	MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
	MSL_CHECK(!GetOverlappedResultEx(s, &ov, &n, 0, FALSE));
	MSL_CHECK_EQ(GetLastError(), ERROR_IO_INCOMPLETE);
	MSL_CHECK(!GetOverlappedResultEx(s, &ov, &n, 20, FALSE));
	MSL_CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
	/* A message larger than a pending read's buffer fails it and stays. */
	MSL_CHECK(WriteFile(c, "0123456789", 10, &n, NULL));
	MSL_CHECK(!GetOverlappedResult(s, &ov, &n, TRUE));
	MSL_CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	MSL_CHECK(GetMailslotInfo(s, NULL, &n, NULL, NULL));
	MSL_CHECK_EQ(n, 10);
	/* NULL OVERLAPPED where one is required, a client handle, a bad handle. */
	MSL_CHECK(!GetOverlappedResult(s, NULL, &n, FALSE));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(!ReadFileEx(s, buf, sizeof buf, NULL, NULL));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(!ReadFile(c, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(!ReadFile((HANDLE)(uintptr_t)4000, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(!ReadFile(ov.hEvent, buf, sizeof buf, NULL, &ov));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(ov.hEvent);
	CloseHandle(c);
	CloseHandle(s);
}

static DWORD done_err, done_bytes;
static int done_calls;
static LPOVERLAPPED done_ov;

static VOID CALLBACK
on_done(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
	done_err = err;
	done_bytes = bytes;
	done_ov = ov;
	done_calls++;
}

static void
test_read_file_ex_in_sleep_ex(void)
{
	HANDLE s = make_slot("apc", MAILSLOT_WAIT_FOREVER), c = open_client();
	OVERLAPPED ov = { 0 };
	char buf[16];
	DWORD n;
	done_calls = 0;
	MSL_CHECK(ReadFileEx(s, buf, sizeof buf, &ov, on_done));
	MSL_CHECK(WriteFile(c, "hello", 5, &n, NULL));
	/* The routine runs only in an alertable wait of this thread. */
	MSL_CHECK_EQ(WaitForSingleObject(s, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(done_calls, 0);
	MSL_CHECK_EQ(SleepEx(BOUND, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(done_calls, 1);
	MSL_CHECK_EQ(done_err, 0);
	MSL_CHECK_EQ(done_bytes, 5);
	MSL_CHECK(done_ov == &ov);
	MSL_CHECK(memcmp(buf, "hello", 5) == 0);
	/* An immediate completion is delivered the same way. */
	MSL_CHECK(WriteFile(c, "xy", 2, &n, NULL));
	MSL_CHECK(ReadFileEx(s, buf, sizeof buf, &ov, on_done));
	MSL_CHECK_EQ(done_calls, 1);
	MSL_CHECK_EQ(WaitForSingleObjectEx(c, 0, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(done_calls, 2);
	MSL_CHECK_EQ(done_bytes, 2);
	/* A cancelled ReadFileEx reports ERROR_OPERATION_ABORTED to its routine. */
	MSL_CHECK(ReadFileEx(s, buf, sizeof buf, &ov, on_done));
	MSL_CHECK(CancelIoEx(s, &ov));
	HANDLE none = CreateEventA(NULL, TRUE, FALSE, NULL);
	MSL_CHECK_EQ(WaitForMultipleObjectsEx(1, &none, FALSE, BOUND, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(done_calls, 3);
	MSL_CHECK_EQ(done_err, ERROR_OPERATION_ABORTED);
	/* GetOverlappedResultEx with bAlertable. */
	MSL_CHECK(ReadFileEx(s, buf, sizeof buf, &ov, on_done));
	MSL_CHECK(WriteFile(c, "z", 1, &n, NULL));
	MSL_CHECK_EQ(SleepEx(BOUND, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(done_calls, 4);
	CloseHandle(none);
	CloseHandle(c);
	CloseHandle(s);
}

/*
 * The wait-on-many pattern of a known game patcher: a mailslot named after
 * the process, an overlapped read, and one wait over {worker thread, the
 * read's event, a terminate event}.  Each of the three can come first.
 */
typedef struct patcher {
	HANDLE go;   /* tells the worker to finish */
} patcher;

static DWORD WINAPI
patcher_worker(LPVOID p)
{
	patcher *pt = p;
	return WaitForSingleObject(pt->go, BOUND) == WAIT_OBJECT_0 ? 0 : 1;
}

static void
test_wait_on_thread_read_and_terminate(void)
{
	for (int first = 0; first < 3; first++) {
		patcher pt = { CreateEventA(NULL, FALSE, FALSE, NULL) };
		HANDLE terminate = CreateEventA(NULL, TRUE, FALSE, NULL);
		HANDLE worker = CreateThread(NULL, 0, patcher_worker, &pt, 0, NULL);
		OVERLAPPED ov;
		char buf[64];
		DWORD n;
		HANDLE s;
		set_ns("patcher");
		snprintf(slot, sizeof slot, "\\\\.\\mailslot\\patcher%d_%lu", first,
		    (unsigned long)GetCurrentProcessId());
		s = CreateMailslotA(slot, 0, MAILSLOT_WAIT_FOREVER, NULL);
		MSL_CHECK(s != INVALID_HANDLE_VALUE);
		memset(&ov, 0, sizeof ov);
		ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
		MSL_CHECK(!ReadFile(s, buf, sizeof buf, NULL, &ov));
		MSL_CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
		HANDLE h[3] = { worker, ov.hEvent, terminate };
		MSL_CHECK_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT);
		if (first == 0)
			SetEvent(pt.go);
		else if (first == 1)
			MSL_CHECK_EQ(write_from_process(slot, "patch ready"), 0);
		else
			SetEvent(terminate);
		MSL_CHECK_EQ(WaitForMultipleObjects(3, h, FALSE, BOUND), WAIT_OBJECT_0 + first);
		if (first == 1) {
			MSL_CHECK(GetOverlappedResult(s, &ov, &n, FALSE));
			MSL_CHECK_EQ(n, 11);
		}
		SetEvent(pt.go);
		MSL_CHECK_EQ(WaitForSingleObject(worker, BOUND), WAIT_OBJECT_0);
		CloseHandle(s); /* cancels the read if it is still pending */
		MSL_CHECK_EQ(WaitForSingleObject(ov.hEvent, BOUND), WAIT_OBJECT_0);
		CloseHandle(ov.hEvent);
		CloseHandle(worker);
		CloseHandle(terminate);
		CloseHandle(pt.go);
	}
}

/* Pending reads are served in the order they were issued. */
static void
test_pending_reads_fifo(void)
{
	HANDLE s = make_slot("fifo", MAILSLOT_WAIT_FOREVER), c = open_client();
	OVERLAPPED ov[3];
	char buf[3][8];
	DWORD n;
	for (int i = 0; i < 3; i++) {
		memset(&ov[i], 0, sizeof ov[i]);
		ov[i].hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
		MSL_CHECK(!ReadFile(s, buf[i], sizeof buf[i], NULL, &ov[i]));
	}
	MSL_CHECK(WriteFile(c, "1", 1, &n, NULL));
	MSL_CHECK(WriteFile(c, "22", 2, &n, NULL));
	MSL_CHECK(WriteFile(c, "333", 3, &n, NULL));
	HANDLE evs[3] = { ov[0].hEvent, ov[1].hEvent, ov[2].hEvent };
	MSL_CHECK_EQ(WaitForMultipleObjects(3, evs, TRUE, BOUND), WAIT_OBJECT_0);
	for (int i = 0; i < 3; i++) {
		MSL_CHECK(GetOverlappedResult(s, &ov[i], &n, FALSE));
		MSL_CHECK_EQ(n, i + 1);
		MSL_CHECK_EQ(buf[i][0], '1' + i);
		CloseHandle(ov[i].hEvent);
	}
	CloseHandle(c);
	CloseHandle(s);
}

MSL_TEST_LIST(
    MSL_TEST(test_pending_read_completed_by_another_process),
    MSL_TEST(test_immediate_completion),
    MSL_TEST(test_file_handle_signaled),
    MSL_TEST(test_cancel),
    MSL_TEST(test_timeouts_and_bad_input),
    MSL_TEST(test_read_file_ex_in_sleep_ex),
    MSL_TEST(test_wait_on_thread_read_and_terminate),
    MSL_TEST(test_pending_reads_fifo))
