/* SPDX-License-Identifier: MIT */
/*
 * wait_test.c - events, WaitForSingleObject / WaitForMultipleObjects
 * (any, all, the 64-handle limit), threads, APCs, handle functions, and
 * the errors Windows gives for bad input.
 *
 * Threads are synchronised with events and bounded waits on them; no
 * sleep stands in for synchronisation.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <mailslot/win32.h>

#include "msl_test.h"

#define BOUND 5000 /* ms: long enough never to fire on a loaded machine */

static void
test_event_manual_and_auto(void)
{
	HANDLE m = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE a = CreateEventA(NULL, FALSE, TRUE, NULL);
	MSL_CHECK(m != NULL && a != NULL);
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
	MSL_CHECK(SetEvent(m));
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0); /* manual: stays set */
	MSL_CHECK(ResetEvent(m));
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
	/* Auto reset: one wait takes the signal. */
	MSL_CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
	MSL_CHECK(SetEvent(a) && SetEvent(a)); /* two sets are still one signal */
	MSL_CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
	/* PulseEvent with nobody waiting leaves it reset. */
	MSL_CHECK(SetEvent(m) && PulseEvent(m));
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
	/* CreateEventEx flags. */
	HANDLE x = CreateEventExA(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
	    EVENT_ALL_ACCESS);
	MSL_CHECK_EQ(WaitForSingleObject(x, 0), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(x, 0), WAIT_OBJECT_0);
	/* A finite wait lasts about its time. */
	DWORD t0 = GetTickCount();
	MSL_CHECK_EQ(WaitForSingleObject(m, 100), WAIT_TIMEOUT);
	MSL_CHECK(GetTickCount() - t0 >= 90);
	/* The descriptor polls readable exactly while the event is signaled. */
	struct pollfd pf = { .fd = MailslotHandleFd(m), .events = POLLIN };
	MSL_CHECK(pf.fd >= 0);
	MSL_CHECK_EQ(poll(&pf, 1, 0), 0);
	SetEvent(m);
	MSL_CHECK_EQ(poll(&pf, 1, 0), 1);
	MSL_CHECK(CloseHandle(m) && CloseHandle(a) && CloseHandle(x));
}

static DWORD WINAPI
set_after_go(LPVOID p)
{
	HANDLE *ev = p; /* ev[0]: go, ev[1]: to set */
	if (WaitForSingleObject(ev[0], BOUND) != WAIT_OBJECT_0)
		return 1;
	SetEvent(ev[1]);
	return 7;
}

static void
test_thread_exit_code_and_wait(void)
{
	HANDLE ev[2] = { CreateEventA(NULL, FALSE, FALSE, NULL), CreateEventA(NULL, TRUE, FALSE, NULL) };
	DWORD code = 0, tid = 0;
	HANDLE th = CreateThread(NULL, 0, set_after_go, ev, 0, &tid);
	MSL_CHECK(th != NULL);
	MSL_CHECK(tid != 0 && tid != GetCurrentThreadId());
	MSL_CHECK(GetExitCodeThread(th, &code));
	MSL_CHECK_EQ(code, STILL_ACTIVE);
	MSL_CHECK_EQ(WaitForSingleObject(th, 0), WAIT_TIMEOUT);
	SetEvent(ev[0]);
	MSL_CHECK_EQ(WaitForSingleObject(ev[1], BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(th, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(th, 0), WAIT_OBJECT_0); /* stays signaled */
	MSL_CHECK(GetExitCodeThread(th, &code));
	MSL_CHECK_EQ(code, 7);
	CloseHandle(th);
	CloseHandle(ev[0]);
	CloseHandle(ev[1]);
}

static DWORD WINAPI
exit_thread_early(LPVOID p)
{
	(void)p;
	ExitThread(42);
	return 0;
}

static void
test_exit_thread_and_suspended(void)
{
	DWORD code;
	HANDLE th = CreateThread(NULL, 64 * 1024, exit_thread_early, NULL, 0, NULL);
	MSL_CHECK_EQ(WaitForSingleObject(th, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeThread(th, &code));
	MSL_CHECK_EQ(code, 42);
	CloseHandle(th);
	th = CreateThread(NULL, 0, exit_thread_early, NULL, CREATE_SUSPENDED, NULL);
	MSL_CHECK_EQ(WaitForSingleObject(th, 50), WAIT_TIMEOUT);
	MSL_CHECK_EQ(ResumeThread(th), 1);
	MSL_CHECK_EQ(WaitForSingleObject(th, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(ResumeThread(th), 0);
	CloseHandle(th);
}

/* Whichever of the three fires first, the wait returns its index. */
static void
test_wait_any_index(void)
{
	for (int which = 0; which < 3; which++) {
		HANDLE ev[2] = { CreateEventA(NULL, FALSE, FALSE, NULL), CreateEventA(NULL, TRUE, FALSE, NULL) };
		HANDLE h[3];
		h[0] = CreateThread(NULL, 0, set_after_go, ev, 0, NULL); /* ends after setting ev[1] */
		h[1] = CreateEventA(NULL, TRUE, FALSE, NULL);
		h[2] = CreateEventA(NULL, FALSE, FALSE, NULL);
		MSL_CHECK_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT);
		if (which == 0)
			SetEvent(ev[0]);
		else
			SetEvent(h[which]);
		MSL_CHECK_EQ(WaitForMultipleObjects(3, h, FALSE, BOUND), WAIT_OBJECT_0 + which);
		if (which != 0) {
			/* Lowest index first when several are signaled. */
			SetEvent(ev[0]);
			MSL_CHECK_EQ(WaitForSingleObject(h[0], BOUND), WAIT_OBJECT_0);
			SetEvent(h[2]);
			MSL_CHECK_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0);
		}
		for (int i = 0; i < 3; i++)
			CloseHandle(h[i]);
		CloseHandle(ev[0]);
		CloseHandle(ev[1]);
	}
}

static void
test_wait_all(void)
{
	HANDLE h[3] = { CreateEventA(NULL, FALSE, FALSE, NULL), CreateEventA(NULL, TRUE, FALSE, NULL),
		CreateEventA(NULL, FALSE, FALSE, NULL) };
	SetEvent(h[0]);
	SetEvent(h[1]);
	/* Not all signaled: nothing is taken. */
	MSL_CHECK_EQ(WaitForMultipleObjects(3, h, TRUE, 20), WAIT_TIMEOUT);
	MSL_CHECK_EQ(WaitForSingleObject(h[0], 0), WAIT_OBJECT_0); /* h[0] kept its signal */
	SetEvent(h[0]);
	SetEvent(h[2]);
	MSL_CHECK_EQ(WaitForMultipleObjects(3, h, TRUE, 0), WAIT_OBJECT_0);
	/* The auto-reset ones were reset, the manual one was not. */
	MSL_CHECK_EQ(WaitForSingleObject(h[0], 0), WAIT_TIMEOUT);
	MSL_CHECK_EQ(WaitForSingleObject(h[2], 0), WAIT_TIMEOUT);
	MSL_CHECK_EQ(WaitForSingleObject(h[1], 0), WAIT_OBJECT_0);
	/* A thread completes a wait-all that is already blocked. */
	HANDLE ev[2] = { CreateEventA(NULL, FALSE, FALSE, NULL), h[2] };
	HANDLE all[3] = { h[1], CreateThread(NULL, 0, set_after_go, ev, 0, NULL), h[2] };
	SetEvent(ev[0]);
	MSL_CHECK_EQ(WaitForMultipleObjects(3, all, TRUE, BOUND), WAIT_OBJECT_0);
	/* The same handle twice in a wait-all is refused, as Windows does. */
	HANDLE twice[2] = { h[1], h[1] };
	MSL_CHECK_EQ(WaitForMultipleObjects(2, twice, TRUE, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK_EQ(WaitForMultipleObjects(2, twice, FALSE, 0), WAIT_OBJECT_0);
	CloseHandle(all[1]);
	CloseHandle(ev[0]);
	for (int i = 0; i < 3; i++)
		CloseHandle(h[i]);
}

static void
test_wait_limits_and_bad_handles(void)
{
	HANDLE h[MAXIMUM_WAIT_OBJECTS + 1];
	for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
		h[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
	SetEvent(h[MAXIMUM_WAIT_OBJECTS - 1]);
	MSL_CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0),
	    WAIT_OBJECT_0 + MAXIMUM_WAIT_OBJECTS - 1);
	MSL_CHECK_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, h, FALSE, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK_EQ(WaitForMultipleObjects(0, h, FALSE, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
		CloseHandle(h[i]);
	/* A closed handle, a made-up one, NULL. */
	MSL_CHECK_EQ(WaitForSingleObject(h[0], 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK_EQ(WaitForSingleObject((HANDLE)(uintptr_t)4000, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK_EQ(WaitForSingleObject(NULL, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(!SetEvent(h[0]));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(!CloseHandle(h[0]));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	/* (Handle values are reused, as on Windows: h[0] may now name this one.) */
	HANDLE good = CreateEventA(NULL, TRUE, TRUE, NULL);
	HANDLE mix[2] = { good, h[1] };
	MSL_CHECK_EQ(WaitForMultipleObjects(2, mix, FALSE, 0), WAIT_FAILED);
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(good);
	/* Named events: the second CreateEvent opens the first one. */
	HANDLE n1 = CreateEventA(NULL, TRUE, FALSE, "ExampleSlot");
	MSL_CHECK(n1 != NULL && GetLastError() == ERROR_SUCCESS);
	HANDLE n2 = CreateEventW(NULL, FALSE, TRUE, u"ExampleSlot");
	MSL_CHECK(n2 != NULL && n2 != n1);
	MSL_CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	SetEvent(n2);
	MSL_CHECK_EQ(WaitForSingleObject(n1, 0), WAIT_OBJECT_0);
	HANDLE n3 = CreateEventA(NULL, TRUE, FALSE, "exampleslot"); /* names are case-sensitive */
	MSL_CHECK_EQ(GetLastError(), ERROR_SUCCESS);
	CloseHandle(n1);
	CloseHandle(n2);
	CloseHandle(n3);
}

/* Closes one handle of an event and sets it through the other. */
static DWORD WINAPI
close_then_set(LPVOID p)
{
	HANDLE *h = p; /* h[0]: waited-on event, h[1]: a duplicate to set it with */
	CloseHandle(h[0]);
	SetEvent(h[1]);
	return 0;
}

static void
test_duplicate_and_handle_info(void)
{
	HANDLE e = CreateEventA(NULL, TRUE, FALSE, NULL), d = NULL;
	DWORD flags = 9;
	MSL_CHECK(DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, TRUE,
	    DUPLICATE_SAME_ACCESS));
	MSL_CHECK(d != e);
	MSL_CHECK(GetHandleInformation(e, &flags));
	MSL_CHECK_EQ(flags, 0);
	MSL_CHECK(GetHandleInformation(d, &flags));
	MSL_CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
	MSL_CHECK(SetHandleInformation(e, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
	    HANDLE_FLAG_PROTECT_FROM_CLOSE));
	MSL_CHECK(GetHandleInformation(e, &flags));
	MSL_CHECK_EQ(flags, HANDLE_FLAG_PROTECT_FROM_CLOSE);
	MSL_CHECK(!CloseHandle(e)); /* protected */
	MSL_CHECK(SetHandleInformation(e, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
	MSL_CHECK(!SetHandleInformation(e, 0x100, 0));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	/* Both handles are the same event. */
	SetEvent(d);
	MSL_CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
	ResetEvent(e);
	/* One handle closed, the object lives on through the other. */
	HANDLE pair[2] = { e, d };
	HANDLE th = CreateThread(NULL, 0, close_then_set, pair, 0, NULL);
	MSL_CHECK_EQ(WaitForSingleObject(th, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(!GetHandleInformation(e, &flags)); /* the thread closed it */
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK_EQ(WaitForSingleObject(d, 0), WAIT_OBJECT_0);
	/* DUPLICATE_CLOSE_SOURCE moves the handle. */
	HANDLE m = NULL;
	MSL_CHECK(DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), &m, 0, FALSE,
	    DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
	MSL_CHECK(!CloseHandle(d));
	MSL_CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
	MSL_CHECK(!DuplicateHandle(GetCurrentProcess(), (HANDLE)(uintptr_t)4000, GetCurrentProcess(),
	    &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(m);
	CloseHandle(th);
}

static int apc_sum;

static void CALLBACK
add_apc(ULONG_PTR v)
{
	apc_sum += (int)v;
}

static DWORD WINAPI
alertable_worker(LPVOID p)
{
	HANDLE ready = p;
	SetEvent(ready);
	/* Ends when an APC arrives: WAIT_IO_COMPLETION. */
	return SleepEx(BOUND, TRUE) == WAIT_IO_COMPLETION ? 0 : 1;
}

static void
test_apcs_and_alertable_waits(void)
{
	HANDLE self = NULL, ready = CreateEventA(NULL, TRUE, FALSE, NULL);
	DWORD code = 9;
	MSL_CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
	    &self, 0, FALSE, DUPLICATE_SAME_ACCESS));
	apc_sum = 0;
	MSL_CHECK(QueueUserAPC(add_apc, self, 5));
	MSL_CHECK(QueueUserAPC(add_apc, self, 6));
	/* Not alertable: the APCs wait. */
	MSL_CHECK_EQ(WaitForSingleObject(ready, 0), WAIT_TIMEOUT);
	MSL_CHECK_EQ(apc_sum, 0);
	MSL_CHECK_EQ(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(apc_sum, 11);
	MSL_CHECK_EQ(SleepEx(0, TRUE), 0);
	MSL_CHECK(QueueUserAPC(add_apc, self, 1));
	MSL_CHECK_EQ(WaitForSingleObjectEx(ready, BOUND, TRUE), WAIT_IO_COMPLETION);
	MSL_CHECK_EQ(apc_sum, 12);
	/* An APC to another thread ends its alertable sleep. */
	HANDLE th = CreateThread(NULL, 0, alertable_worker, ready, 0, NULL);
	MSL_CHECK_EQ(WaitForSingleObject(ready, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(QueueUserAPC(add_apc, th, 100));
	MSL_CHECK_EQ(WaitForSingleObject(th, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeThread(th, &code));
	MSL_CHECK_EQ(code, 0);
	MSL_CHECK_EQ(apc_sum, 112);
	MSL_CHECK(!QueueUserAPC(add_apc, th, 1)); /* the thread has ended */
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	MSL_CHECK(!QueueUserAPC(add_apc, ready, 1)); /* not a thread */
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(th);
	CloseHandle(self);
	CloseHandle(ready);
}

/* PulseEvent releases the threads that wait at that moment. */
static DWORD WINAPI
wait_pulse(LPVOID p)
{
	HANDLE *h = p; /* h[0]: event to wait, h[1]: counter of waiters started */
	SetEvent(h[1]);
	return WaitForSingleObject(h[0], BOUND) == WAIT_OBJECT_0 ? 0 : 1;
}

static void
test_pulse_event(void)
{
	HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE started = CreateEventA(NULL, FALSE, FALSE, NULL);
	HANDLE arg[2] = { ev, started };
	HANDLE th = CreateThread(NULL, 0, wait_pulse, arg, 0, NULL);
	DWORD code = 9;
	MSL_CHECK_EQ(WaitForSingleObject(started, BOUND), WAIT_OBJECT_0);
	/* The thread may still be on its way into the wait: pulse until it is out. */
	DWORD t0 = GetTickCount();
	while (WaitForSingleObject(th, 10) == WAIT_TIMEOUT && GetTickCount() - t0 < BOUND)
		PulseEvent(ev);
	MSL_CHECK(GetExitCodeThread(th, &code));
	MSL_CHECK_EQ(code, 0);
	MSL_CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT); /* left reset */
	CloseHandle(th);
	CloseHandle(ev);
	CloseHandle(started);
}

static void
test_sleep(void)
{
	DWORD t0 = GetTickCount();
	Sleep(30);
	MSL_CHECK(GetTickCount() - t0 >= 25);
	MSL_CHECK(GetTickCount64() >= GetTickCount());
	MSL_CHECK_EQ(SleepEx(10, FALSE), 0);
	MSL_CHECK_EQ(SleepEx(10, TRUE), 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_event_manual_and_auto),
    MSL_TEST(test_thread_exit_code_and_wait),
    MSL_TEST(test_exit_thread_and_suspended),
    MSL_TEST(test_wait_any_index),
    MSL_TEST(test_wait_all),
    MSL_TEST(test_wait_limits_and_bad_handles),
    MSL_TEST(test_duplicate_and_handle_info),
    MSL_TEST(test_apcs_and_alertable_waits),
    MSL_TEST(test_pulse_event),
    MSL_TEST(test_sleep))
