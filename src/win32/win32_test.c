/* SPDX-License-Identifier: MIT */
/*
 * win32_test.c - Win32-layer behaviour beyond the conformance sequence:
 * wide names, SetMailslotInfo, handle checks, the classic client/server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mailslot/win32.h>

#include "msl_test.h"

#define ns(tag) msl_test_namespace("w32", tag)

static void
test_wide_names(void)
{
	DWORD n;
	WCHAR buf[8];
	ns("wide");
	HANDLE s = CreateMailslotW(u"\\\\.\\mailslot\\Wide\\\u00e9t\u00e9", 0, 0, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE);
	HANDLE c = CreateFileW(u"\\\\.\\MAILSLOT\\wide\\\u00e9t\u00e9", GENERIC_WRITE,
	    FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	MSL_CHECK(c != INVALID_HANDLE_VALUE);
	MSL_CHECK(WriteFile(c, u"hi", sizeof(WCHAR) * 3, &n, NULL));
	MSL_CHECK(ReadFile(s, buf, sizeof buf, &n, NULL));
	MSL_CHECK_EQ(n, sizeof(WCHAR) * 3);
	MSL_CHECK(buf[0] == u'h' && buf[2] == 0);
	MSL_CHECK(CreateMailslotW(NULL, 0, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_W32ERR(GetLastError(), ERROR_PATH_NOT_FOUND);
	CloseHandle(c);
	CloseHandle(s);
}

static void
test_set_info_and_handles(void)
{
	DWORD t, n;
	char b[4];
	ns("set");
	HANDLE s = CreateMailslotA("\\\\.\\mailslot\\set", 10, 0, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE);
	MSL_CHECK(SetMailslotInfo(s, 50));
	MSL_CHECK(GetMailslotInfo(s, NULL, NULL, NULL, &t));
	MSL_CHECK_EQ(t, 50);
	DWORD t0 = GetTickCount();
	MSL_CHECK(!ReadFile(s, b, sizeof b, &n, NULL));
	MSL_CHECK_W32ERR(GetLastError(), ERROR_SEM_TIMEOUT);
	MSL_CHECK(GetTickCount() - t0 >= 40);
	HANDLE c = CreateFileA("\\\\.\\mailslot\\set", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	MSL_CHECK(!SetMailslotInfo(c, 0));
	MSL_CHECK_W32ERR(GetLastError(), ERROR_INVALID_HANDLE);
	/* Windows 8 and later answer GetMailslotInfo on a client handle too. */
	DWORD mx, nx, cnt;
	MSL_CHECK(GetMailslotInfo(c, &mx, &nx, &cnt, &t));
	MSL_CHECK_EQ(mx, 10);
	MSL_CHECK_EQ(nx, MAILSLOT_NO_MESSAGE);
	MSL_CHECK_EQ(cnt, 0);
	MSL_CHECK_EQ(t, 50);
	/* nMaxMessageSize is enforced. */
	MSL_CHECK(!WriteFile(c, "0123456789A", 11, &n, NULL));
	MSL_CHECK_W32ERR(GetLastError(), ERROR_INVALID_PARAMETER);
	MSL_CHECK(MailslotServerOf(s) != NULL && MailslotClientOf(c) != NULL);
	MSL_CHECK(MailslotServerOf(c) == NULL);
	MSL_CHECK(!CloseHandle((HANDLE)(uintptr_t)4000));
	MSL_CHECK(!CloseHandle(NULL));
	CloseHandle(c);
	CloseHandle(s);
}

/*
 * A broadcast write above the datagram limit fails as on Windows, before
 * anything is sent (so this test puts nothing on the network): 424 bytes
 * is the most a "\\*\mailslot\x" write carries ([W32-ABOUT]).
 */
static void
test_remote_size_limit(void)
{
	char big[425] = { 0 };
	DWORD n = 1;
	ns("remote");
	HANDLE c = CreateFileA("\\\\*\\mailslot\\w32net", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	MSL_CHECK(c != INVALID_HANDLE_VALUE);
	MSL_CHECK(!WriteFile(c, big, sizeof big, &n, NULL));
	MSL_CHECK_W32ERR(GetLastError(), ERROR_BAD_NETPATH);
	MSL_CHECK_EQ(n, 0);
	/* A remote name is not one a server can create. */
	MSL_CHECK(CreateMailslotA("\\\\*\\mailslot\\w32net", 0, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_W32ERR(GetLastError(), ERROR_INVALID_NAME);
	CloseHandle(c);
}

/*
 * The remote-mailslot policy, as Windows 11 24H2's "Enable remote
 * mailslots": off, opening a remote name fails with
 * ERROR_REMOTE_MAILSLOTS_DEPRECATED before anything is sent (only blocked
 * opens are tried: nothing reaches the network); local names are not
 * affected.  The variable wins over the configuration key.
 */
static void
test_remote_policy(void)
{
	char conf[64];
	FILE *f;
	ns("policy");
	setenv("MAILSLOT_REMOTE_MAILSLOTS", "0", 1);
	MSL_CHECK(CreateFileA("\\\\*\\mailslot\\w32net", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_EQ(GetLastError(), ERROR_REMOTE_MAILSLOTS_DEPRECATED);
	HANDLE s = CreateMailslotA("\\\\.\\mailslot\\policy", 0, 0, NULL);
	HANDLE c = CreateFileA("\\\\.\\mailslot\\policy", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL);
	MSL_CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);
	CloseHandle(c);
	CloseHandle(s);
	/* The configuration key, and the variable overriding it. */
	snprintf(conf, sizeof conf, "/tmp/w32-policy-%d.conf", (int)getpid());
	MSL_CHECK((f = fopen(conf, "w")) != NULL);
	fputs("# remote mailslots, as Windows' policy\nenable remote mailslots = no\n", f);
	fclose(f);
	setenv("MAILSLOT_CONFIG", conf, 1);
	unsetenv("MAILSLOT_REMOTE_MAILSLOTS");
	MSL_CHECK(CreateFileA("\\\\*\\mailslot\\w32net", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_EQ(GetLastError(), ERROR_REMOTE_MAILSLOTS_DEPRECATED);
	/* The variable wins: the file says yes, the variable no. */
	MSL_CHECK((f = fopen(conf, "w")) != NULL);
	fputs("enable remote mailslots = yes\n", f);
	fclose(f);
	setenv("MAILSLOT_REMOTE_MAILSLOTS", "off", 1);
	MSL_CHECK(CreateFileA("\\\\*\\mailslot\\w32net", GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE);
	MSL_CHECK_EQ(GetLastError(), ERROR_REMOTE_MAILSLOTS_DEPRECATED);
	unsetenv("MAILSLOT_REMOTE_MAILSLOTS");
	unsetenv("MAILSLOT_CONFIG");
	unlink(conf);
}

MSL_TEST_LIST(
    MSL_TEST(test_wide_names),
    MSL_TEST(test_set_info_and_handles),
    MSL_TEST(test_remote_size_limit),
    MSL_TEST(test_remote_policy))
