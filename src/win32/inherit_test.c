/* SPDX-License-Identifier: MIT */
/*
 * inherit_test.c - handle inheritance: a forked child and an exec'd child
 * (CreateProcess with bInheritHandles) each reading the parent's mailslot
 * through an inherited handle; inheritable events and clients; the name
 * living while any server handle lives; process handles, exit codes and
 * the command line as Windows splits it.
 *
 * The exec'd child is this binary again: its first argument says which
 * part to play, and it ends before the tests would run.
 */
#include <fcntl.h>
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

static HANDLE
arg_handle(const char *s)
{
	return (HANDLE)(uintptr_t)strtoul(s, NULL, 10);
}

/* child reader S EV PRIV C GO: the exec'd child's part; exit status 0 or the failed step. */
static int
child_reader(char **argv)
{
	HANDLE s = arg_handle(argv[2]), ev = arg_handle(argv[3]), priv = arg_handle(argv[4]);
	HANDLE c = arg_handle(argv[5]), go = arg_handle(argv[6]);
	char buf[64];
	DWORD n, flags, count;
	OVERLAPPED ov;
	if (!GetHandleInformation(s, &flags) || flags != HANDLE_FLAG_INHERIT)
		return 10;
	if (GetHandleInformation(priv, &flags) || GetLastError() != ERROR_INVALID_HANDLE)
		return 11; /* not inheritable, so not here */
	if (!GetMailslotInfo(s, NULL, NULL, &count, NULL) || count != 2)
		return 12;
	if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != 8 || memcmp(buf, "to child", 8) != 0)
		return 13;
	/* Overlapped, through the parent: a queued message completes at once. */
	memset(&ov, 0, sizeof ov);
	ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (!ReadFile(s, buf, sizeof buf, &n, &ov) || n != 6 || memcmp(buf, "second", 6) != 0)
		return 40;
	if (ReadFile(s, buf, 4, &n, NULL) || GetLastError() != ERROR_SEM_TIMEOUT)
		return 14; /* the mailslot's own timeout (100 ms) applies */
	/* A pending read times out with the mailslot's timeout, kept by the parent. */
	if (ReadFile(s, buf, sizeof buf, NULL, &ov) || GetLastError() != ERROR_IO_PENDING)
		return 41;
	if (GetOverlappedResult(s, &ov, &n, TRUE) || GetLastError() != ERROR_SEM_TIMEOUT)
		return 42;
	/* A client handle answers GetMailslotInfo (Windows 8+), here from another process. */
	DWORD mx = 1, next = 1;
	if (!GetMailslotInfo(c, &mx, &next, &count, NULL) || mx != 0 || next != MAILSLOT_NO_MESSAGE ||
	    count != 0)
		return 30;
	if (!SetMailslotInfo(s, MAILSLOT_WAIT_FOREVER))
		return 43;
	/* Cancelled while pending. */
	if (ReadFile(s, buf, sizeof buf, NULL, &ov) || GetLastError() != ERROR_IO_PENDING)
		return 44;
	if (!CancelIoEx(s, &ov) || GetOverlappedResult(s, &ov, &n, TRUE) ||
	    GetLastError() != ERROR_OPERATION_ABORTED)
		return 45;
	if (!WriteFile(c, "from child", 10, &n, NULL))
		return 15;
	if (!SetEvent(ev))
		return 16;
	/* The parent reads that and closes its server handle; this one keeps the name. */
	if (WaitForSingleObject(go, BOUND) != WAIT_OBJECT_0)
		return 17;
	/* Pending until the parent writes, which it does once ev is set again. */
	if (ReadFile(s, buf, sizeof buf, NULL, &ov) || GetLastError() != ERROR_IO_PENDING)
		return 46;
	if (!SetEvent(ev) || WaitForSingleObject(ov.hEvent, BOUND) != WAIT_OBJECT_0)
		return 48;
	if (!GetOverlappedResult(s, &ov, &n, FALSE) || n != 10 || memcmp(buf, "still here", 10) != 0)
		return 47;
	if (!WriteFile(c, "mine", 4, &n, NULL))
		return 18;
	if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != 4)
		return 19;
	CloseHandle(ov.hEvent);
	CloseHandle(s);
	return 0;
}

/* child args A B C...: checks the command line split as Windows splits it. */
static int
child_args(int argc, char **argv)
{
	static const char *want[] = { "a b", "c\"d", "e\\\\f", "g\\\\", "" };
	if (argc != 2 + 5)
		return 20;
	for (int i = 0; i < 5; i++)
		if (strcmp(argv[2 + i], want[i]) != 0)
			return 21 + i;
	return 0;
}

/* glibc passes main's arguments to constructors too. */
__attribute__((constructor)) static void
child_main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc >= 2 && strcmp(argv[1], "reader") == 0 && argc == 7)
		_exit(child_reader(argv));
	if (argc >= 2 && strcmp(argv[1], "args") == 0)
		_exit(child_args(argc, argv));
	if (argc == 3 && strcmp(argv[1], "wait") == 0)
		_exit(WaitForSingleObject(arg_handle(argv[2]), BOUND) == WAIT_OBJECT_0 ? 5 : 6);
}

static char self[512];

static void
find_self(void)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	MSL_CHECK(n > 0);
	self[n] = '\0';
}

#define set_ns(tag) msl_test_namespace("inh", tag)

static void
test_exec_child_reads_inherited_mailslot(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	const char *name = "\\\\.\\mailslot\\inherit\\exec";
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	char cl[1024], buf[64];
	DWORD n, code = 99;

	find_self();
	set_ns("exec");
	HANDLE s = CreateMailslotA(name, 0, 100, &sa);
	HANDLE ev = CreateEventA(&sa, TRUE, FALSE, NULL);
	HANDLE go = CreateEventA(&sa, TRUE, FALSE, NULL);
	HANDLE priv = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, &sa, OPEN_EXISTING, 0, NULL);
	HANDLE mine = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE && ev && go && priv);
	MSL_CHECK(WriteFile(mine, "to child", 8, &n, NULL));
	MSL_CHECK(WriteFile(mine, "second", 6, &n, NULL));
	snprintf(cl, sizeof cl, "\"%s\" reader %lu %lu %lu %lu %lu", self,
	    (unsigned long)(uintptr_t)s, (unsigned long)(uintptr_t)ev,
	    (unsigned long)(uintptr_t)priv, (unsigned long)(uintptr_t)c,
	    (unsigned long)(uintptr_t)go);
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	MSL_CHECK(CreateProcessA(NULL, cl, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
	MSL_CHECK(pi.dwProcessId != 0);
	/* The child signals ev, or ends early with the number of its failed step. */
	HANDLE evp[2] = { ev, pi.hProcess };
	if (WaitForMultipleObjects(2, evp, FALSE, BOUND) != WAIT_OBJECT_0) {
		GetExitCodeProcess(pi.hProcess, &code);
		fprintf(stderr, "  child step %lu failed\n", (unsigned long)code);
		MSL_CHECK(0);
	}
	/* The child wrote through its inherited client handle. */
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, NULL));
	MSL_CHECK(n == 10 && memcmp(buf, "from child", 10) == 0);
	/* The name lives while any server handle lives, in any process. */
	MSL_CHECK(CloseHandle(s));
	MSL_CHECK(CreateMailslotA(name, 0, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
	MSL_CHECK(ResetEvent(ev)); /* the same event in both processes */
	SetEvent(go);
	/* The child's overlapped read is pending: a write from here completes it. */
	MSL_CHECK_EQ(WaitForMultipleObjects(2, evp, FALSE, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(WriteFile(mine, "still here", 10, &n, NULL));
	MSL_CHECK_EQ(WaitForSingleObject(pi.hProcess, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(WaitForSingleObject(pi.hThread, 0), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, 0);
	MSL_CHECK(GetExitCodeThread(pi.hThread, &code));
	MSL_CHECK_EQ(code, 0);
	/* Once the child's handle is gone the name is free; the parent's
	 * broker lets go as it sees the child's end close. */
	HANDLE again = INVALID_HANDLE_VALUE;
	for (DWORD t0 = GetTickCount(); again == INVALID_HANDLE_VALUE && GetTickCount() - t0 < BOUND;)
		if ((again = CreateMailslotA(name, 0, 0, NULL)) == INVALID_HANDLE_VALUE)
			WaitForSingleObject(priv, 5); /* a bounded retry, not a synchronisation */
	MSL_CHECK(again != INVALID_HANDLE_VALUE);
	CloseHandle(again);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	CloseHandle(c);
	CloseHandle(mine);
	CloseHandle(ev);
	CloseHandle(go);
	CloseHandle(priv);
}

/* run_writer runs a writer (the pair's client sample) and waits for it. */
static int
run_writer(const char *name, const char *text)
{
	char *dir = getenv("W32_SAMPLES"), path[512];
	char *argv[] = { path, (char *)name, (char *)text, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;
	if (dir == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/sample_pair_client_ansi", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	r = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A forked child has every handle of its parent (fork copies them all):
 * it reads the mailslot through its copy of the handle while the parent
 * keeps its own, and writes through a copied client handle.
 */
static void
test_forked_child_reads_inherited_mailslot(void)
{
	const char *name = "\\\\.\\mailslot\\inherit\\fork";
	HANDLE ready;
	pid_t pid;
	int st;

	char buf[64];
	DWORD n;

	set_ns("fork");
	HANDLE s = CreateMailslotA(name, 0, BOUND, NULL);
	HANDLE c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	ready = CreateEventA(NULL, TRUE, FALSE, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE && ready != NULL);
	pid = fork();
	if (pid == 0) {
		OVERLAPPED ov;
		memset(&ov, 0, sizeof ov);
		/* An overlapped read, pending until the outside writer writes. */
		if (ReadFile(s, buf, sizeof buf, NULL, &ov) || GetLastError() != ERROR_IO_PENDING)
			_exit(4);
		SetEvent(ready); /* an eventfd: the parent sees it */
		if (WaitForSingleObject(s, BOUND) != WAIT_OBJECT_0 || !GetOverlappedResult(s, &ov, &n, FALSE))
			_exit(1);
		if (n != 10 || memcmp(buf, "over fork", 10) != 0)
			_exit(2);
		if (!WriteFile(c, "from the child", 14, &n, NULL))
			_exit(3);
		_exit(0);
	}
	MSL_CHECK(pid > 0);
	MSL_CHECK_EQ(WaitForSingleObject(ready, BOUND), WAIT_OBJECT_0);
	MSL_CHECK_EQ(run_writer(name, "over fork"), 0);
	MSL_CHECK_EQ(waitpid(pid, &st, 0), pid);
	MSL_CHECK(WIFEXITED(st));
	MSL_CHECK_EQ(WEXITSTATUS(st), 0);
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, NULL));
	MSL_CHECK(n == 14 && memcmp(buf, "from the child", 14) == 0);
	CloseHandle(c);
	CloseHandle(s);
	CloseHandle(ready);
}

static void
test_process_handles_and_exit_codes(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	STARTUPINFOA si = { 0 };
	PROCESS_INFORMATION pi;
	char cl[1024];
	DWORD code;

	find_self();
	si.cb = sizeof si;
	HANDLE ev = CreateEventA(&sa, TRUE, FALSE, NULL);
	snprintf(cl, sizeof cl, "%s wait %lu", self, (unsigned long)(uintptr_t)ev);
	MSL_CHECK(CreateProcessA(NULL, cl, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, STILL_ACTIVE);
	MSL_CHECK_EQ(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT);
	SetEvent(ev);
	MSL_CHECK_EQ(WaitForSingleObject(pi.hProcess, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, 5);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	/* Without bInheritHandles the event is not there: the child's wait fails. */
	MSL_CHECK(CreateProcessA(NULL, cl, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
	MSL_CHECK_EQ(WaitForSingleObject(pi.hProcess, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, 6);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	/* The command line is split as the Windows C runtime splits it. */
	snprintf(cl, sizeof cl, "\"%s\" args \"a b\" c\\\"d e\\\\f \"g\\\\\\\\\" \"\"", self);
	MSL_CHECK(CreateProcessA(NULL, cl, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
	MSL_CHECK_EQ(WaitForMultipleObjects(2, (HANDLE[]){ pi.hProcess, pi.hThread }, TRUE, BOUND),
	    WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, 0);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	/* A shell's exit status; lpApplicationName with its own command line. */
	MSL_CHECK(CreateProcessA("/bin/sh", "sh -c \"exit 3\"", NULL, NULL, FALSE, 0, NULL, "/", &si, &pi));
	MSL_CHECK_EQ(WaitForSingleObject(pi.hProcess, BOUND), WAIT_OBJECT_0);
	MSL_CHECK(GetExitCodeProcess(pi.hProcess, &code));
	MSL_CHECK_EQ(code, 3);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	/* Bad input. */
	MSL_CHECK(!CreateProcessA(NULL, "no-such-program-here.exe", NULL, NULL, FALSE, 0, NULL, NULL,
	    &si, &pi));
	MSL_CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
	MSL_CHECK(!CreateProcessA(NULL, cl, NULL, NULL, FALSE, 0, NULL, NULL, &si, NULL));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(!CreateProcessA(NULL, "", NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(!GetExitCodeProcess(ev, &code));
	MSL_CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CloseHandle(ev);
}

MSL_TEST_LIST(
    MSL_TEST(test_exec_child_reads_inherited_mailslot),
    MSL_TEST(test_forked_child_reads_inherited_mailslot),
    MSL_TEST(test_process_handles_and_exit_codes))
