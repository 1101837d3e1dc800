/*
 * win32.c - the Win32 mailslot functions over the native API.
 *
 * Each Win32 handle is a slot in a process-wide table; the HANDLE value is
 * (index + 1) * 4, like real Windows handles, so bad handles are detected
 * rather than dereferenced.  Errors come from the one error table through
 * mailslot_win32_error(); the few Win32-only cases (a read on a client
 * handle, a write on a server handle) are decided here, where the handle
 * kind is known.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mailslot/win32.h>

enum msl_hkind { MSL_H_FREE = 0, MSL_H_SERVER, MSL_H_CLIENT };

typedef struct msl_hslot {
	int kind;
	union {
		mailslot_server *srv;
		mailslot_client *cli;
	} u;
} msl_hslot;

static pthread_mutex_t msl_h_mu = PTHREAD_MUTEX_INITIALIZER;
static msl_hslot *msl_h_tab;
static size_t msl_h_cap;
static _Thread_local DWORD msl_last_error;

DWORD WINAPI
GetLastError(void)
{
	return msl_last_error;
}

void WINAPI
SetLastError(DWORD e)
{
	msl_last_error = e;
}

static BOOL
msl_fail(DWORD e)
{
	msl_last_error = e;
	return FALSE;
}

static HANDLE
msl_fail_h(mailslot_err e)
{
	msl_last_error = mailslot_win32_error(e);
	return INVALID_HANDLE_VALUE;
}

static HANDLE
msl_h_new(int kind, void *obj)
{
	size_t i;
	pthread_mutex_lock(&msl_h_mu);
	for (i = 0; i < msl_h_cap; i++)
		if (msl_h_tab[i].kind == MSL_H_FREE)
			break;
	if (i == msl_h_cap) {
		size_t ncap = msl_h_cap ? msl_h_cap * 2 : 64;
		msl_hslot *t = realloc(msl_h_tab, ncap * sizeof *t);
		if (t == NULL) {
			pthread_mutex_unlock(&msl_h_mu);
			return NULL;
		}
		memset(t + msl_h_cap, 0, (ncap - msl_h_cap) * sizeof *t);
		msl_h_tab = t;
		msl_h_cap = ncap;
	}
	msl_h_tab[i].kind = kind;
	if (kind == MSL_H_SERVER)
		msl_h_tab[i].u.srv = obj;
	else
		msl_h_tab[i].u.cli = obj;
	pthread_mutex_unlock(&msl_h_mu);
	return (HANDLE)(uintptr_t)((i + 1) * 4);
}

/* msl_h_get copies the slot of h; kind MSL_H_FREE means "not a handle". */
static msl_hslot
msl_h_get(HANDLE h)
{
	msl_hslot s = { 0 };
	uintptr_t v = (uintptr_t)h;
	if (v == 0 || (v & 3) != 0)
		return s;
	pthread_mutex_lock(&msl_h_mu);
	if (v / 4 - 1 < msl_h_cap)
		s = msl_h_tab[v / 4 - 1];
	pthread_mutex_unlock(&msl_h_mu);
	return s;
}

static HANDLE
msl_wrap(int kind, mailslot_err e, void *obj)
{
	HANDLE h;
	if (e != MAILSLOT_OK)
		return msl_fail_h(e);
	h = msl_h_new(kind, obj);
	if (h == NULL) {
		if (kind == MSL_H_SERVER)
			mailslot_close(obj);
		else
			mailslot_client_close(obj);
		return msl_fail_h(MAILSLOT_E_NOMEM);
	}
	msl_last_error = ERROR_SUCCESS;
	return h;
}

HANDLE WINAPI
CreateMailslotA(LPCSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	mailslot_name n;
	mailslot_options o;
	mailslot_server *s = NULL;
	mailslot_err e;

	(void)lpSecurityAttributes;
	/* Only the full "\\.\mailslot\" form is a name here, as on Windows. */
	if ((e = mailslot_name_parse(lpName, 0, &n)) != MAILSLOT_OK)
		return msl_fail_h(e);
	if (n.scope != MAILSLOT_SCOPE_LOCAL)
		return msl_fail_h(MAILSLOT_E_BADNAME);
	mailslot_options_init(&o);
	o.max_message_size = nMaxMessageSize;
	o.read_timeout_ms = lReadTimeout;
	e = mailslot_create(lpName, &o, &s);
	return msl_wrap(MSL_H_SERVER, e, s);
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
	(void)lpSecurityAttributes;
	(void)dwCreationDisposition;
	(void)dwFlagsAndAttributes;
	(void)hTemplateFile;
	e = mailslot_name_parse(lpFileName, 0, &n);
	if (e == MAILSLOT_E_BADNAME) {
		/* Files, pipes and devices are outside this library. */
		msl_last_error = ERROR_NOT_SUPPORTED;
		return INVALID_HANDLE_VALUE;
	}
	if (e != MAILSLOT_OK)
		return msl_fail_h(e);
	e = mailslot_open(lpFileName, &c);
	return msl_wrap(MSL_H_CLIENT, e, c);
}

/*
 * msl_utf8 converts a wide string to UTF-8 in a new buffer; NULL in gives
 * NULL out with *ok set, so the narrow function reports the NULL name.
 */
static char *
msl_utf8(LPCWSTR w, int *ok)
{
	size_t n = 0, i;
	char *s, *p;
	*ok = 1;
	if (w == NULL)
		return NULL;
	for (i = 0; w[i]; i++)
		n += (uint32_t)w[i] < 0x80 ? 1 : (uint32_t)w[i] < 0x800 ? 2 : (uint32_t)w[i] < 0x10000 ? 3 : 4;
	if ((p = s = malloc(n + 1)) == NULL) {
		*ok = 0;
		return NULL;
	}
	for (i = 0; w[i]; i++) {
		uint32_t c = (uint32_t)w[i];
		if (c > 0x10ffff)
			c = 0xfffd;
		if (c < 0x80) {
			*p++ = (char)c;
		} else if (c < 0x800) {
			*p++ = (char)(0xc0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*p++ = (char)(0xe0 | (c >> 12));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (char)(0x80 | (c & 0x3f));
		} else {
			*p++ = (char)(0xf0 | (c >> 18));
			*p++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*p++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*p = '\0';
	return s;
}

HANDLE WINAPI
CreateMailslotW(LPCWSTR lpName, DWORD nMaxMessageSize, DWORD lReadTimeout,
    LPSECURITY_ATTRIBUTES lpSecurityAttributes)
{
	int ok;
	char *n = msl_utf8(lpName, &ok);
	HANDLE h;
	if (!ok)
		return msl_fail_h(MAILSLOT_E_NOMEM);
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
	char *n = msl_utf8(lpFileName, &ok);
	HANDLE h;
	if (!ok)
		return msl_fail_h(MAILSLOT_E_NOMEM);
	h = CreateFileA(n, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
	    dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
	free(n);
	return h;
}

BOOL WINAPI
ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
    LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
	msl_hslot s = msl_h_get(hFile);
	size_t got = 0;
	mailslot_err e;

	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = 0;
	if (s.kind == MSL_H_FREE)
		return msl_fail(ERROR_INVALID_HANDLE);
	if (s.kind == MSL_H_CLIENT)
		return msl_fail(ERROR_INVALID_PARAMETER); /* Windows: docs/windows.md §2.5 */
	if (lpOverlapped != NULL)
		return msl_fail(ERROR_NOT_SUPPORTED);
	e = mailslot_read(s.u.srv, lpBuffer, nNumberOfBytesToRead, &got, NULL);
	if (e != MAILSLOT_OK)
		return msl_fail(mailslot_win32_error(e));
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = (DWORD)got;
	msl_last_error = ERROR_SUCCESS;
	return TRUE;
}

BOOL WINAPI
WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
    LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
	msl_hslot s = msl_h_get(hFile);
	mailslot_err e;

	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = 0;
	if (s.kind == MSL_H_FREE)
		return msl_fail(ERROR_INVALID_HANDLE);
	if (s.kind == MSL_H_SERVER)
		return msl_fail(ERROR_ACCESS_DENIED); /* a server handle has no write access */
	if (lpOverlapped != NULL)
		return msl_fail(ERROR_NOT_SUPPORTED);
	e = mailslot_write(s.u.cli, lpBuffer, nNumberOfBytesToWrite);
	if (e != MAILSLOT_OK)
		return msl_fail(mailslot_win32_error(e));
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = nNumberOfBytesToWrite;
	msl_last_error = ERROR_SUCCESS;
	return TRUE;
}

BOOL WINAPI
CloseHandle(HANDLE hObject)
{
	uintptr_t v = (uintptr_t)hObject;
	msl_hslot s = { 0 };

	pthread_mutex_lock(&msl_h_mu);
	if (v != 0 && (v & 3) == 0 && v / 4 - 1 < msl_h_cap) {
		s = msl_h_tab[v / 4 - 1];
		msl_h_tab[v / 4 - 1].kind = MSL_H_FREE;
	}
	pthread_mutex_unlock(&msl_h_mu);
	if (s.kind == MSL_H_SERVER)
		mailslot_close(s.u.srv);
	else if (s.kind == MSL_H_CLIENT)
		mailslot_client_close(s.u.cli);
	else
		return msl_fail(ERROR_INVALID_HANDLE);
	return TRUE;
}

BOOL WINAPI
GetMailslotInfo(HANDLE hMailslot, LPDWORD lpMaxMessageSize, LPDWORD lpNextSize,
    LPDWORD lpMessageCount, LPDWORD lpReadTimeout)
{
	msl_hslot s = msl_h_get(hMailslot);
	mailslot_info info;
	mailslot_err e;

	if (s.kind == MSL_H_FREE)
		return msl_fail(ERROR_INVALID_HANDLE);
	if (s.kind != MSL_H_SERVER)
		return msl_fail(ERROR_INVALID_PARAMETER);
	if ((e = mailslot_get_info(s.u.srv, &info)) != MAILSLOT_OK)
		return msl_fail(mailslot_win32_error(e));
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
	msl_hslot s = msl_h_get(hMailslot);
	if (s.kind != MSL_H_SERVER)
		return msl_fail(ERROR_INVALID_HANDLE);
	mailslot_set_timeout(s.u.srv, lReadTimeout);
	return TRUE;
}

void WINAPI
Sleep(DWORD ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

DWORD WINAPI
GetTickCount(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (DWORD)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

mailslot_server *
MailslotServerOf(HANDLE h)
{
	msl_hslot s = msl_h_get(h);
	return s.kind == MSL_H_SERVER ? s.u.srv : NULL;
}

mailslot_client *
MailslotClientOf(HANDLE h)
{
	msl_hslot s = msl_h_get(h);
	return s.kind == MSL_H_CLIENT ? s.u.cli : NULL;
}
