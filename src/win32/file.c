/* SPDX-License-Identifier: MIT */
/*
 * file.c - the Win32 mailslot functions over the native API: CreateMailslot,
 * CreateFile, ReadFile, WriteFile, Get/SetMailslotInfo.
 *
 * Errors come from the one error table through mailslot_win32_error(); the
 * few Win32-only cases (a read on a client handle, a write on a server
 * handle) are decided here, where the handle kind is known.  A mailslot
 * handle's descriptor is an eventfd that stands for the file object's
 * signaled state: set when an overlapped operation without an event
 * completes, reset when one starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msw.h"

static HANDLE
msw_fail_e(mailslot_err e)
{
	return msw_fail_h(mailslot_win32_error(e));
}

/* msw_file_new wraps a native handle; it closes it on failure. */
static HANDLE
msw_file_new(int kind, void *native, const char *name, LPSECURITY_ATTRIBUTES sa)
{
	int fd = msw_eventfd(0);
	msw_obj *o = fd >= 0 ? msw_obj_new(kind, fd, 1) : NULL;
	if (o != NULL && name != NULL && (o->name = strdup(name)) == NULL) {
		free(o);
		o = NULL;
	}
	if (o == NULL) {
		if (fd >= 0)
			close(fd);
		if (kind == MSW_K_SERVER)
			mailslot_close(native);
		else
			mailslot_client_close(native);
		return msw_fail_e(MAILSLOT_E_NOMEM);
	}
	if (kind == MSW_K_SERVER)
		o->srv = native;
	else
		o->cli = native;
	msw_fork_hooks();
	msw_set_error(ERROR_SUCCESS);
	return msw_handle_new(o, msw_inherit_flag(sa));
}

HANDLE WINAPI
CreateMailslotA(LPCSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	mailslot_name n;
	mailslot_options o;
	mailslot_server *s = NULL;
	mailslot_err e;

	/* Only the full "\\.\mailslot\" form is a name here, as on Windows. */
	if ((e = mailslot_name_parse(lpName, 0, &n)) != MAILSLOT_OK)
		return msw_fail_e(e);
	if (n.scope != MAILSLOT_SCOPE_LOCAL)
		return msw_fail_e(MAILSLOT_E_BADNAME);
	mailslot_options_init(&o);
	o.max_message_size = nMaxMessageSize;
	o.read_timeout_ms = lReadTimeout;
	if ((e = mailslot_create(lpName, &o, &s)) != MAILSLOT_OK)
		return msw_fail_e(e);
	return msw_file_new(MSW_K_SERVER, s, NULL, lpSecurityAttributes);
}

/* msw_bool reads yes/no words; -1 for anything else. */
static int
msw_bool(const char *v)
{
	static const char *yes[] = { "1", "yes", "on", "true", "enabled" };
	static const char *no[] = { "0", "no", "off", "false", "disabled" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/*
 * msw_conf_remote reads "enable remote mailslots = yes|no" from the
 * library's configuration file ($MAILSLOT_CONFIG, else
 * /etc/mailslot/mailslot.conf); -1 when the file or key is absent.
 */
static int
msw_conf_remote(void)
{
	const char *path = getenv("MAILSLOT_CONFIG");
	char line[256];
	int r = -1;
	FILE *f = fopen(path && *path ? path : "/etc/mailslot/mailslot.conf", "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		char val[64];
		if (sscanf(line, " enable remote mailslots = %63s", val) == 1)
			r = msw_bool(val);
	}
	fclose(f);
	return r;
}

/*
 * msw_remote_allowed is the remote-mailslot policy, Windows' "Enable
 * remote mailslots": $MAILSLOT_REMOTE_MAILSLOTS (yes/no) wins, then the
 * configuration key, then our default, on (docs/porting.md says why;
 * Windows 11 24H2 ships it off).
 */
static int
msw_remote_allowed(void)
{
	const char *v = getenv("MAILSLOT_REMOTE_MAILSLOTS");
	int r = v != NULL && *v ? msw_bool(v) : -1;
	if (r < 0)
		r = msw_conf_remote();
	return r != 0;
}

HANDLE WINAPI
CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
    DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	mailslot_name n;
	mailslot_client *c = NULL;
	mailslot_err e;

	(void)dwDesiredAccess;
	(void)dwShareMode;
	(void)dwCreationDisposition;
	(void)dwFlagsAndAttributes; /* client handles are overlapped-capable either way */
	(void)hTemplateFile;
	e = mailslot_name_parse(lpFileName, 0, &n);
	if (e == MAILSLOT_E_BADNAME)
		return msw_fail_h(ERROR_NOT_SUPPORTED); /* files, pipes, devices */
	if (e != MAILSLOT_OK)
		return msw_fail_e(e);
	if (n.scope != MAILSLOT_SCOPE_LOCAL && !msw_remote_allowed())
		return msw_fail_h(ERROR_REMOTE_MAILSLOTS_DEPRECATED);
	if ((e = mailslot_open(lpFileName, &c)) != MAILSLOT_OK)
		return msw_fail_e(e);
	return msw_file_new(MSW_K_CLIENT, c, lpFileName, lpSecurityAttributes);
}

HANDLE WINAPI
CreateMailslotW(LPCWSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	int ok;
	char *n = msw_to_utf8(lpName, &ok);
	HANDLE h;
	if (!ok)
		return msw_fail_e(MAILSLOT_E_NOMEM);
	h = CreateMailslotA(n, nMaxMessageSize, lReadTimeout, lpSecurityAttributes);
	free(n);
	return h;
}

HANDLE WINAPI
CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
    DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	int ok;
	char *n = msw_to_utf8(lpFileName, &ok);
	HANDLE h;
	if (!ok)
		return msw_fail_e(MAILSLOT_E_NOMEM);
	h = CreateFileA(n, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
	    dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
	free(n);
	return h;
}

BOOL WINAPI
ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
    LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
	msw_obj *o;
	size_t got = 0;
	mailslot_err e = MAILSLOT_OK;
	DWORD err = 0, n = 0;

	if (lpOverlapped != NULL)
		return msw_io_read(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead,
		    lpOverlapped, NULL);
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = 0;
	if ((o = msw_get(hFile)) == NULL)
		return msw_fail(ERROR_INVALID_HANDLE);
	if (o->kind == MSW_K_CLIENT)
		err = ERROR_INVALID_PARAMETER; /* as Windows, for a client handle */
	else if (o->kind != MSW_K_SERVER)
		err = ERROR_INVALID_HANDLE;
	else if (o->proxy_fd >= 0)
		err = (DWORD)msw_proxy_read(o, lpBuffer, nNumberOfBytesToRead, &n);
	else if ((e = mailslot_read(o->srv, lpBuffer, nNumberOfBytesToRead, &got, NULL)) != MAILSLOT_OK)
		err = mailslot_win32_error(e);
	else
		n = (DWORD)got;
	msw_unref(o);
	if (err != 0)
		return msw_fail(err);
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = n;
	msw_set_error(ERROR_SUCCESS);
	return TRUE;
}

/*
 * msw_client gives the native client, reopening one inherited over exec.
 * o->cli is set once and read on every write: an atomic load keeps
 * msw_mu off the write path (the caller's reference keeps o alive).
 */
static mailslot_client *
msw_client(msw_obj *o, mailslot_err *e)
{
	mailslot_client *c = __atomic_load_n(&o->cli, __ATOMIC_ACQUIRE), *won;

	if (c != NULL || o->name == NULL)
		return c;
	if ((*e = mailslot_open(o->name, &c)) != MAILSLOT_OK)
		return NULL;
	pthread_mutex_lock(&msw_mu);
	if (o->cli == NULL) {
		__atomic_store_n(&o->cli, c, __ATOMIC_RELEASE);
		c = NULL;
	}
	won = o->cli;
	pthread_mutex_unlock(&msw_mu);
	mailslot_client_close(c); /* another thread reopened it first */
	return won;
}

static BOOL
msw_write(HANDLE hFile, LPCVOID lpBuffer, DWORD n, LPDWORD lpWritten, LPOVERLAPPED ov,
    LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
	msw_obj *o;
	mailslot_client *c;
	mailslot_err e = MAILSLOT_E_BADHANDLE;
	DWORD err = 0;
	BOOL r;

	if (lpWritten)
		*lpWritten = 0;
	if ((o = msw_get(hFile)) == NULL)
		return msw_fail(ERROR_INVALID_HANDLE);
	if (o->kind == MSW_K_SERVER)
		err = ERROR_ACCESS_DENIED; /* a server handle has no write access */
	else if (o->kind != MSW_K_CLIENT)
		err = ERROR_INVALID_HANDLE;
	else if ((c = msw_client(o, &e)) == NULL || (e = mailslot_write(c, lpBuffer, n)) != MAILSLOT_OK)
		err = mailslot_win32_error(e);
	if (err != 0) {
		msw_unref(o);
		return msw_fail(err);
	}
	if (lpWritten)
		*lpWritten = n;
	r = ov != NULL ? msw_io_write_done(o, n, ov, routine) : TRUE;
	msw_unref(o);
	if (r)
		msw_set_error(ERROR_SUCCESS);
	return r;
}

BOOL WINAPI
WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
    LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
	return msw_write(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten,
	    lpOverlapped, NULL);
}

BOOL WINAPI
WriteFileEx(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
    LPOVERLAPPED lpOverlapped, LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
{
	if (lpOverlapped == NULL || lpCompletionRoutine == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER);
	return msw_write(hFile, lpBuffer, nNumberOfBytesToWrite, NULL, lpOverlapped,
	    lpCompletionRoutine);
}

/* msw_info_cb finds a mailslot by its key in the local listing. */
struct msw_find {
	const char *key;
	int found;
	mailslot_entry e;
};

static int
msw_info_cb(const mailslot_entry *e, void *arg)
{
	struct msw_find *f = arg;
	mailslot_name n;
	if (mailslot_name_parse(e->name, 0, &n) == MAILSLOT_OK && strcmp(n.key, f->key) == 0) {
		f->e = *e;
		f->found = 1;
		return 1;
	}
	return 0;
}

/* msw_same_key matches a server of this process whose name has the key. */
static int
msw_same_key(const msw_obj *o, const void *key)
{
	mailslot_name n;
	return o->srv != NULL &&
	    mailslot_name_parse(mailslot_server_name(o->srv), 0, &n) == MAILSLOT_OK &&
	    strcmp(n.key, key) == 0;
}

/*
 * msw_client_info answers GetMailslotInfo on a client handle, as Windows 8
 * and later do: from the server when it lives in this process, else from
 * the local listing, which knows the count and maximum size only.
 */
static DWORD
msw_client_info(msw_obj *o, mailslot_info *info)
{
	struct msw_find f = { 0 };
	msw_obj *srv;
	mailslot_name n;
	mailslot_err e;

	if (o->name == NULL || mailslot_name_parse(o->name, 0, &n) != MAILSLOT_OK ||
	    n.scope != MAILSLOT_SCOPE_LOCAL)
		return ERROR_INVALID_PARAMETER; /* remote names have no queue to ask */
	f.key = n.key;
	pthread_mutex_lock(&msw_mu);
	if ((srv = msw_find_locked(MSW_K_SERVER, msw_same_key, n.key)) != NULL)
		srv->refs++;
	pthread_mutex_unlock(&msw_mu);
	if (srv != NULL) {
		e = mailslot_get_info(srv->srv, info);
		msw_unref(srv);
		return e == MAILSLOT_OK ? 0 : mailslot_win32_error(e);
	}
	if ((e = mailslot_list(msw_info_cb, &f)) != MAILSLOT_OK)
		return mailslot_win32_error(e);
	if (!f.found)
		return ERROR_FILE_NOT_FOUND;
	memset(info, 0, sizeof *info);
	info->max_message_size = f.e.max_message_size;
	info->count = f.e.count;
	info->next_size = f.e.count == 0 ? MAILSLOT_NO_MESSAGE : 0;
	return 0;
}

BOOL WINAPI
GetMailslotInfo(HANDLE hMailslot, LPDWORD lpMaxMessageSize, LPDWORD lpNextSize,
    LPDWORD lpMessageCount, LPDWORD lpReadTimeout)
{
	msw_obj *o = msw_get(hMailslot);
	mailslot_info info;
	mailslot_err e;
	DWORD err = 0;

	if (o == NULL)
		return msw_fail(ERROR_INVALID_HANDLE);
	if (o->kind == MSW_K_CLIENT)
		err = msw_client_info(o, &info);
	else if (o->kind != MSW_K_SERVER)
		err = ERROR_INVALID_HANDLE;
	else if (o->proxy_fd >= 0)
		err = (DWORD)msw_proxy_info(o, &info);
	else if ((e = mailslot_get_info(o->srv, &info)) != MAILSLOT_OK)
		err = mailslot_win32_error(e);
	msw_unref(o);
	if (err != 0)
		return msw_fail(err);
	if (lpMaxMessageSize)
		*lpMaxMessageSize = info.max_message_size;
	if (lpNextSize)
		*lpNextSize = info.next_size;
	if (lpMessageCount)
		*lpMessageCount = info.count;
	if (lpReadTimeout)
		*lpReadTimeout = info.read_timeout_ms;
	return TRUE;
}

BOOL WINAPI
SetMailslotInfo(HANDLE hMailslot, DWORD lReadTimeout)
{
	msw_obj *o = msw_get(hMailslot);
	DWORD err = 0;
	if (o == NULL || o->kind != MSW_K_SERVER)
		err = ERROR_INVALID_HANDLE;
	else if (o->proxy_fd >= 0)
		err = (DWORD)msw_proxy_set_timeout(o, lReadTimeout);
	else
		mailslot_set_timeout(o->srv, lReadTimeout);
	msw_unref(o);
	if (err != 0)
		return msw_fail(err);
	return TRUE;
}
