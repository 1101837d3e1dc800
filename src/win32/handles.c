/* SPDX-License-Identifier: MIT */
/*
 * handles.c - the handle table, object lifetimes, the last error, the
 * handle functions (CloseHandle, Get/SetHandleInformation), the import of
 * handles inherited over exec, and the fork handlers.
 *
 * This is the bottom layer: it calls no other file of the Win32 layer.
 * What it must reach above, it reaches through hooks that the owning file
 * registers: io.c cancels a mailslot's pending reads when its last handle
 * closes; inherit.c, sync.c and io.c run their parts of fork().
 *
 * A HANDLE is (slot index + 1) * 4, like real Windows handles, so bad
 * handles are detected rather than dereferenced.  A slot points at an
 * object; objects count their slots and every other holder (pending I/O,
 * a wait in progress), and die when the last one lets go.  Destruction
 * runs after msw_mu is released because closing a mailslot may block
 * briefly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
static void (*msw_last_handle_hook)(msw_obj *o);
static const msw_fork_ops *msw_fork_slots[MSW_FORK_SLOTS];

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

BOOL
msw_give_dword(int found, DWORD *out, DWORD v)
{
	if (!found)
		return msw_fail(ERROR_INVALID_HANDLE);
	if (out == NULL)
		return msw_fail(ERROR_NOACCESS);
	*out = v;
	return TRUE;
}

HANDLE
msw_fail_h(DWORD e)
{
	msw_last_error = e;
	return INVALID_HANDLE_VALUE;
}

void
msw_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int
msw_eventfd(int initial)
{
	return eventfd(initial ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* ------------------------------------------------------------------ */
/* Hooks the upper files register                                      */
/* ------------------------------------------------------------------ */

void
msw_set_last_handle_hook(void (*fn)(msw_obj *o))
{
	msw_last_handle_hook = fn;
}

void
msw_fork_register(int slot, const msw_fork_ops *ops)
{
	if (slot >= 0 && slot < MSW_FORK_SLOTS)
		msw_fork_slots[slot] = ops;
}

/* The handlers, below, take msw_mu over fork() and run the hooks. */
static void msw_fork_prepare(void);
static void msw_fork_parent(void);
static void msw_fork_child(void);

static void
msw_fork_install(void)
{
	pthread_atfork(msw_fork_prepare, msw_fork_parent, msw_fork_child);
}

void
msw_fork_hooks(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, msw_fork_install);
}

/* msw_fork_run runs one hook of every slot, in slot order. */
enum { MSW_FORK_PREPARE, MSW_FORK_PARENT, MSW_FORK_CHILD_LOCKED, MSW_FORK_CHILD };

static void
msw_fork_run(int phase)
{
	for (int i = 0; i < MSW_FORK_SLOTS; i++) {
		const msw_fork_ops *ops = msw_fork_slots[i];
		void (*fn)(void) = ops == NULL ? NULL :
		    phase == MSW_FORK_PREPARE ? ops->prepare_locked :
		    phase == MSW_FORK_PARENT ? ops->parent_locked :
		    phase == MSW_FORK_CHILD_LOCKED ? ops->child_locked : ops->child;
		if (fn != NULL)
			fn();
	}
}

static void
msw_fork_prepare(void)
{
	pthread_mutex_lock(&msw_mu);
	msw_fork_run(MSW_FORK_PREPARE);
}

static void
msw_fork_parent(void)
{
	msw_fork_run(MSW_FORK_PARENT);
	pthread_mutex_unlock(&msw_mu);
}

static void
msw_fork_child(void)
{
	msw_fork_run(MSW_FORK_CHILD_LOCKED);
	pthread_mutex_unlock(&msw_mu);
	msw_fork_run(MSW_FORK_CHILD);
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
msw_tls_unref_locked(msw_tls *t)
{
	if (--t->refs == 0) {
		msw_apc *a = t->apc_head, *next;
		for (; a != NULL; a = next) {
			next = a->next;
			free(a);
		}
		close(t->wake);
		free(t);
	}
}

/* msw_destroy_kind releases what an object of its kind holds (msw_mu not held). */
static void
msw_destroy_kind(msw_obj *o)
{
	if (o->srv != NULL)
		mailslot_close(o->srv);
	if (o->cli != NULL)
		mailslot_client_close(o->cli);
	if (o->proxy_fd >= 0)
		close(o->proxy_fd);
	if (o->proxy_afd >= 0)
		close(o->proxy_afd);
	if (o->kind == MSW_K_PROCESS && o->pid > 0 && !o->exited && !o->reaped)
		waitpid(o->pid, NULL, WNOHANG); /* an ended child is not left a zombie */
	if (o->kind == MSW_K_THREAD && (o->thread != NULL || o->proc != NULL)) {
		pthread_mutex_lock(&msw_mu);
		if (o->thread != NULL)
			msw_tls_unref_locked(o->thread);
		if (o->proc != NULL)
			msw_unref_locked(o->proc);
		msw_unlock();
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

/* ------------------------------------------------------------------ */
/* Importing them in the child                                         */
/* ------------------------------------------------------------------ */

static msw_obj *
msw_import_one(char kind, int fd, const char *extra)
{
	msw_obj *o = NULL;
	if (kind != 'c' && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		return NULL; /* not a descriptor we were given */
	switch (kind) {
	case 'e':
		o = msw_obj_new(MSW_K_EVENT, fd, extra[0] == 'm');
		break;
	case 't':
		if ((o = msw_obj_new(MSW_K_THREAD, fd, 1)) != NULL) {
			int code = atoi(extra);
			o->exited = code >= 0;
			o->exit_code = code >= 0 ? (DWORD)code : STILL_ACTIVE;
		}
		break;
	case 'p':
		if ((o = msw_obj_new(MSW_K_PROCESS, fd, 1)) != NULL) {
			o->pid = (pid_t)atoi(extra);
			o->reaped = 1; /* not our child: the pidfd tells when it ends */
		}
		break;
	case 's': {
		int sig = msw_eventfd(0), afd = atoi(extra);
		if (afd <= 2 || fcntl(afd, F_SETFD, FD_CLOEXEC) != 0)
			afd = -1; /* no asynchronous channel: synchronous reads only */
		if (sig >= 0 && (o = msw_obj_new(MSW_K_SERVER, sig, 1)) != NULL) {
			o->proxy_fd = fd;
			o->proxy_afd = afd;
		} else if (sig >= 0) {
			close(sig);
		}
		break;
	}
	case 'c': {
		size_t n = strlen(extra) / 2, i;
		int sig = msw_eventfd(0);
		char *name = malloc(n + 1);
		if (sig < 0 || name == NULL) {
			if (sig >= 0)
				close(sig);
			free(name);
			return NULL;
		}
		for (i = 0; i < n; i++) {
			unsigned v = 0;
			sscanf(extra + 2 * i, "%2x", &v);
			name[i] = (char)v;
		}
		name[n] = '\0';
		if ((o = msw_obj_new(MSW_K_CLIENT, sig, 1)) != NULL)
			o->name = name;
		else {
			close(sig);
			free(name);
		}
		break;
	}
	default:
		break;
	}
	return o;
}

/*
 * msw_inherit_import places the handles a CreateProcess parent passed, at
 * their values, before anything else uses the table (pthread_once).
 */
static void
msw_inherit_import(void)
{
	const char *v = getenv(MSW_INHERIT_ENV);
	char *copy, *item, *save = NULL;
	if (v == NULL || atol(v) != (long)getpid() || (copy = strdup(v)) == NULL)
		return;
	pthread_mutex_lock(&msw_mu);
	for (item = strtok_r(copy, ";", &save); item != NULL; item = strtok_r(NULL, ";", &save)) {
		char kind, extra[600] = "";
		unsigned long hv;
		int fd;
		msw_obj *o;
		if (sscanf(item, "%lu:%c:%d:%599s", &hv, &kind, &fd, extra) < 3)
			continue;
		if ((o = msw_import_one(kind, fd, extra)) == NULL)
			continue;
		if (msw_handle_place((HANDLE)(uintptr_t)hv, o, HANDLE_FLAG_INHERIT) != 0)
			msw_unref_locked(o); /* a value we cannot hold: drop it */
	}
	msw_unlock();
	free(copy);
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
msw_get_kind_locked(HANDLE h, int kind)
{
	msw_obj *o = msw_get_locked(h, NULL);
	return o != NULL && (kind == MSW_K_NONE || o->kind == kind) ? o : NULL;
}

msw_obj *
msw_lock_get(HANDLE h, int kind, DWORD *flags)
{
	msw_obj *o;
	msw_init();
	pthread_mutex_lock(&msw_mu);
	o = msw_get_locked(h, flags);
	return o != NULL && (kind == MSW_K_NONE || o->kind == kind) ? o : NULL;
}

msw_obj *
msw_get(HANDLE h)
{
	msw_obj *o = msw_lock_get(h, MSW_K_NONE, NULL);
	if (o != NULL)
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

/* Walks the table for the inheritance code (inherit.c); needs msw_mu. */
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

msw_obj *
msw_find_locked(int kind, int (*match)(const msw_obj *o, const void *arg), const void *arg)
{
	for (size_t i = 0; i < msw_cap; i++) {
		msw_obj *o = msw_tab[i].obj;
		if (o != NULL && o->kind == kind && match(o, arg))
			return o;
	}
	return NULL;
}

/* msw_close_locked empties the slot of h; ERROR_* or 0. */
DWORD
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
	if (--o->handles == 0 && msw_last_handle_hook != NULL)
		msw_last_handle_hook(o);
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
GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags)
{
	DWORD flags = 0;
	msw_obj *o = msw_lock_get(hObject, MSW_K_NONE, &flags);
	pthread_mutex_unlock(&msw_mu);
	return msw_give_dword(o != NULL, lpdwFlags, flags);
}

BOOL WINAPI
SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags)
{
	uintptr_t v = (uintptr_t)hObject;
	const DWORD known = HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;
	msw_obj *o = msw_lock_get(hObject, MSW_K_NONE, NULL);
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
	msw_obj *o = msw_lock_get(h, MSW_K_NONE, NULL);
	if (o != NULL)
		fd = o->fd;
	pthread_mutex_unlock(&msw_mu);
	if (o == NULL)
		msw_last_error = ERROR_INVALID_HANDLE;
	return fd;
}

/* msw_native gives the native server or client behind a mailslot handle. */
static void *
msw_native(HANDLE h, int kind)
{
	msw_obj *o = msw_lock_get(h, kind, NULL);
	void *p = o == NULL ? NULL : kind == MSW_K_SERVER ? (void *)o->srv : (void *)o->cli;
	pthread_mutex_unlock(&msw_mu);
	return p;
}

mailslot_server *
MailslotServerOf(HANDLE h)
{
	return msw_native(h, MSW_K_SERVER);
}

mailslot_client *
MailslotClientOf(HANDLE h)
{
	return msw_native(h, MSW_K_CLIENT);
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
