/*
 * handles.c - the handle table, object lifetimes and the handle functions
 * (CloseHandle, DuplicateHandle, Get/SetHandleInformation).
 *
 * A HANDLE is (slot index + 1) * 4, like real Windows handles, so bad
 * handles are detected rather than dereferenced.  A slot points at an
 * object; objects count their slots and every other holder (pending I/O,
 * a wait in progress), and die when the last one lets go.  Destruction
 * runs after msw_mu is released because closing a mailslot may block
 * briefly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "msw.h"

pthread_mutex_t msw_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct msw_slot {
	msw_obj *obj;
	DWORD flags; /* HANDLE_FLAG_* */
} msw_slot;

static msw_slot *msw_tab;
static size_t msw_cap;
static msw_obj *msw_dead; /* objects to destroy once msw_mu is released */
static _Thread_local DWORD msw_last_error;

DWORD WINAPI
GetLastError(void)
{
	return msw_last_error;
}

void WINAPI
SetLastError(DWORD e)
{
	msw_last_error = e;
}

void
msw_set_error(DWORD e)
{
	msw_last_error = e;
}

BOOL
msw_fail(DWORD e)
{
	msw_last_error = e;
	return FALSE;
}

HANDLE
msw_fail_h(DWORD e)
{
	msw_last_error = e;
	return INVALID_HANDLE_VALUE;
}

msw_obj *
msw_obj_new(int kind, int fd, int manual)
{
	msw_obj *o = calloc(1, sizeof *o);
	if (o == NULL)
		return NULL;
	o->kind = kind;
	o->refs = 1;
	o->fd = fd;
	o->manual = manual;
	o->gate = -1;
	o->proxy_fd = -1;
	o->proxy_afd = -1;
	o->io_tail = &o->io_head;
	return o;
}

void
msw_ref_locked(msw_obj *o)
{
	o->refs++;
}

void
msw_unref_locked(msw_obj *o)
{
	if (--o->refs == 0) {
		o->io_next = msw_dead;
		msw_dead = o;
	}
}

void
msw_unlock(void)
{
	msw_obj *d = msw_dead, *next;
	msw_dead = NULL;
	pthread_mutex_unlock(&msw_mu);
	for (; d != NULL; d = next) {
		next = d->io_next;
		msw_destroy_kind(d);
		if (d->fd >= 0)
			close(d->fd);
		if (d->gate >= 0)
			close(d->gate);
		free(d->name);
		free(d);
	}
}

void
msw_unref(msw_obj *o)
{
	if (o == NULL)
		return;
	pthread_mutex_lock(&msw_mu);
	msw_unref_locked(o);
	msw_unlock();
}

/* The table is built lazily so that handles inherited over exec land first. */
static pthread_once_t msw_init_once = PTHREAD_ONCE_INIT;

void
msw_init(void)
{
	pthread_once(&msw_init_once, msw_inherit_import);
}

msw_obj *
msw_get_locked(HANDLE h, DWORD *flags)
{
	uintptr_t v = (uintptr_t)h;
	if (v == 0 || (v & 3) != 0 || v / 4 - 1 >= msw_cap)
		return NULL;
	if (flags)
		*flags = msw_tab[v / 4 - 1].flags;
	return msw_tab[v / 4 - 1].obj;
}

msw_obj *
msw_get(HANDLE h)
{
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	if ((o = msw_get_locked(h, NULL)) != NULL)
		o->refs++;
	pthread_mutex_unlock(&msw_mu);
	return o;
}

/* msw_slot_at makes slot i exist; the table grows by doubling. */
static int
msw_slot_at(size_t i)
{
	if (i >= msw_cap) {
		size_t ncap = msw_cap ? msw_cap : 64;
		msw_slot *t;
		while (ncap <= i)
			ncap *= 2;
		if ((t = realloc(msw_tab, ncap * sizeof *t)) == NULL)
			return -1;
		memset(t + msw_cap, 0, (ncap - msw_cap) * sizeof *t);
		msw_tab = t;
		msw_cap = ncap;
	}
	return 0;
}

/* msw_handle_new_locked adds a slot for o, counting a new reference. */
HANDLE
msw_handle_new_locked(msw_obj *o, DWORD flags)
{
	size_t i;
	for (i = 0; i < msw_cap; i++)
		if (msw_tab[i].obj == NULL)
			break;
	if (msw_slot_at(i) != 0)
		return NULL;
	msw_tab[i].obj = o;
	msw_tab[i].flags = flags;
	o->refs++;
	o->handles++;
	return (HANDLE)(uintptr_t)((i + 1) * 4);
}

/* msw_handle_place puts o at the exact value h (inheritance over exec). */
int
msw_handle_place(HANDLE h, msw_obj *o, DWORD flags)
{
	uintptr_t v = (uintptr_t)h;
	if (v == 0 || (v & 3) != 0 || v / 4 - 1 > 1u << 20 || msw_slot_at(v / 4 - 1) != 0 ||
	    msw_tab[v / 4 - 1].obj != NULL)
		return -1;
	msw_tab[v / 4 - 1].obj = o;
	msw_tab[v / 4 - 1].flags = flags;
	o->handles++;
	return 0;
}

/*
 * msw_handle_new gives o (whose creation reference it takes over) its
 * first handle; on failure o is destroyed and the error set.
 */
HANDLE
msw_handle_new(msw_obj *o, BOOL inherit)
{
	HANDLE h;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	h = msw_handle_new_locked(o, inherit ? HANDLE_FLAG_INHERIT : 0);
	msw_unref_locked(o);
	msw_unlock();
	if (h == NULL)
		return msw_fail_h(ERROR_NOT_ENOUGH_MEMORY);
	return h;
}

DWORD
msw_inherit_flag(LPSECURITY_ATTRIBUTES sa)
{
	return sa != NULL && sa->bInheritHandle;
}

/* Walks the table for the inheritance code (process.c); needs msw_mu. */
int
msw_table_walk_locked(int (*fn)(HANDLE h, msw_obj *o, DWORD flags, void *arg), void *arg)
{
	for (size_t i = 0; i < msw_cap; i++)
		if (msw_tab[i].obj != NULL) {
			int r = fn((HANDLE)(uintptr_t)((i + 1) * 4), msw_tab[i].obj,
			    msw_tab[i].flags, arg);
			if (r != 0)
				return r;
		}
	return 0;
}

/* msw_close_locked empties the slot of h; ERROR_* or 0. */
static DWORD
msw_close_locked(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	msw_obj *o;
	DWORD flags;
	if ((o = msw_get_locked(h, &flags)) == NULL)
		return ERROR_INVALID_HANDLE;
	if (flags & HANDLE_FLAG_PROTECT_FROM_CLOSE)
		return ERROR_INVALID_HANDLE;
	msw_tab[v / 4 - 1].obj = NULL;
	msw_tab[v / 4 - 1].flags = 0;
	if (--o->handles == 0)
		msw_last_handle_locked(o);
	msw_unref_locked(o);
	return 0;
}

BOOL WINAPI
CloseHandle(HANDLE hObject)
{
	DWORD e;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	e = msw_close_locked(hObject);
	msw_unlock();
	if (e != 0)
		return msw_fail(e);
	return TRUE;
}

BOOL WINAPI
DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
    HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle, DWORD dwDesiredAccess,
    BOOL bInheritHandle, DWORD dwOptions)
{
	msw_obj *o;
	HANDLE h = NULL;
	DWORD e = 0;

	(void)dwDesiredAccess; /* our handles have one access each: the source's */
	if (hSourceProcessHandle != GetCurrentProcess() ||
	    hTargetProcessHandle != GetCurrentProcess())
		return msw_fail(hSourceProcessHandle == NULL || hTargetProcessHandle == NULL ?
		        ERROR_INVALID_HANDLE : ERROR_NOT_SUPPORTED);
	if (lpTargetHandle == NULL && !(dwOptions & DUPLICATE_CLOSE_SOURCE))
		return msw_fail(ERROR_INVALID_PARAMETER);
	if (hSourceHandle == GetCurrentThread()) {
		msw_tls *t = msw_tls_get();
		if (t == NULL)
			return msw_fail(ERROR_NOT_ENOUGH_MEMORY);
		msw_init();
		pthread_mutex_lock(&msw_mu);
		o = msw_thread_self_locked(t);
	} else {
		msw_init();
		pthread_mutex_lock(&msw_mu);
		o = msw_get_locked(hSourceHandle, NULL);
	}
	if (o == NULL) {
		e = ERROR_INVALID_HANDLE;
	} else if (lpTargetHandle != NULL) {
		h = msw_handle_new_locked(o, bInheritHandle ? HANDLE_FLAG_INHERIT : 0);
		if (h == NULL)
			e = ERROR_NOT_ENOUGH_MEMORY;
	}
	if (e == 0 && (dwOptions & DUPLICATE_CLOSE_SOURCE) && hSourceHandle != GetCurrentThread())
		msw_close_locked(hSourceHandle);
	msw_unlock();
	if (e != 0)
		return msw_fail(e);
	if (lpTargetHandle != NULL)
		*lpTargetHandle = h;
	return TRUE;
}

BOOL WINAPI
GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	DWORD flags = 0;
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	o = msw_get_locked(hObject, &flags);
	pthread_mutex_unlock(&msw_mu);
	if (o == NULL)
		return msw_fail(ERROR_INVALID_HANDLE);
	if (lpdwFlags == NULL)
		return msw_fail(ERROR_NOACCESS);
	*lpdwFlags = flags;
	return TRUE;
}

BOOL WINAPI
SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags)
{
	uintptr_t v = (uintptr_t)hObject;
	const DWORD known = HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	o = msw_get_locked(hObject, NULL);
	if (o != NULL && (dwMask & ~known) == 0)
		msw_tab[v / 4 - 1].flags =
		    (msw_tab[v / 4 - 1].flags & ~dwMask) | (dwFlags & dwMask);
	pthread_mutex_unlock(&msw_mu);
	if (o == NULL)
		return msw_fail(ERROR_INVALID_HANDLE);
	if ((dwMask & ~known) != 0)
		return msw_fail(ERROR_INVALID_PARAMETER);
	return TRUE;
}

int
MailslotHandleFd(HANDLE h)
{
	int fd = -1;
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	if ((o = msw_get_locked(h, NULL)) != NULL)
		fd = o->fd;
	pthread_mutex_unlock(&msw_mu);
	if (o == NULL)
		msw_last_error = ERROR_INVALID_HANDLE;
	return fd;
}

mailslot_server *
MailslotServerOf(HANDLE h)
{
	mailslot_server *s = NULL;
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	if ((o = msw_get_locked(h, NULL)) != NULL && o->kind == MSW_K_SERVER)
		s = o->srv;
	pthread_mutex_unlock(&msw_mu);
	return s;
}

mailslot_client *
MailslotClientOf(HANDLE h)
{
	mailslot_client *c = NULL;
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	if ((o = msw_get_locked(h, NULL)) != NULL && o->kind == MSW_K_CLIENT)
		c = o->cli;
	pthread_mutex_unlock(&msw_mu);
	return c;
}

DWORD WINAPI
GetCurrentProcessId(void)
{
	return (DWORD)getpid();
}

DWORD WINAPI
GetCurrentThreadId(void)
{
	return (DWORD)syscall(SYS_gettid);
}
