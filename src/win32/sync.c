/* SPDX-License-Identifier: MIT */
/*
 * sync.c - events, waits, alertable waits and APCs, Sleep, and the
 * per-thread state (msw_tls) with the thread's own object.
 *
 * An object is signaled exactly while its descriptor polls readable: an
 * eventfd whose counter is non-zero (events, threads, mailslot handles)
 * or a pidfd (processes).  A wait polls the descriptors and then, under
 * msw_mu, takes what it found: reading an auto-reset event's eventfd
 * resets it, and read(2) on an eventfd is atomic, so of two threads (or
 * processes) woken by one SetEvent exactly one wins.  Wait-all takes all
 * or nothing under msw_mu, putting back what it took when another process
 * won a race for an inherited event.
 *
 * Each thread also has a "wake" eventfd that every wait polls: APCs and
 * PulseEvent use it to reach a thread in poll(2).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "msw.h"

void
msw_signal(int fd)
{
	uint64_t one = 1;
	ssize_t r;
	do
		r = write(fd, &one, sizeof one);
	while (r < 0 && errno == EINTR);
}

void
msw_unsignal(int fd)
{
	uint64_t v;
	ssize_t r;
	do
		r = read(fd, &v, sizeof v);
	while (r < 0 && errno == EINTR);
}

/* msw_take reads an eventfd: 1 if it was signaled (and now is not). */
static int
msw_take(int fd)
{
	uint64_t v;
	ssize_t r;
	do
		r = read(fd, &v, sizeof v);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof v;
}

uint64_t
msw_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

DWORD WINAPI
GetTickCount(void)
{
	return (DWORD)msw_now_ms();
}

ULONGLONG WINAPI
GetTickCount64(void)
{
	return msw_now_ms();
}

/* ------------------------------------------------------------------ */
/* Per-thread state                                                    */
/* ------------------------------------------------------------------ */

static pthread_key_t msw_tls_key;
static pthread_once_t msw_tls_once = PTHREAD_ONCE_INIT;

/* msw_thread_self_locked gives t's thread object, making it if needed. */
msw_obj *
msw_thread_self_locked(msw_tls *t)
{
	if (t->self == NULL) {
		int fd = msw_eventfd(0);
		msw_obj *o;
		if (fd < 0)
			return NULL;
		if ((o = msw_obj_new(MSW_K_THREAD, fd, 1)) == NULL) {
			close(fd);
			return NULL;
		}
		o->exit_code = STILL_ACTIVE;
		o->thread = t;
		t->refs++;
		t->self = o; /* the creation reference is the thread's */
	}
	return t->self;
}

/* msw_thread_ended_locked runs as a thread ends: its object is signaled. */
void
msw_thread_ended_locked(msw_tls *t)
{
	msw_apc *a, *next;
	t->alive = 0;
	for (a = t->apc_head; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
	t->apc_head = NULL;
	t->apc_tail = &t->apc_head;
	if (t->self != NULL) {
		t->self->exited = 1;
		msw_signal(t->self->fd);
		msw_unref_locked(t->self);
		t->self = NULL;
	}
}

static void
msw_tls_destroy(void *p)
{
	msw_tls *t = p;
	pthread_mutex_lock(&msw_mu);
	msw_thread_ended_locked(t);
	msw_tls_unref_locked(t);
	msw_unlock();
}

/*
 * After fork() only the forking thread exists in the child; its state is
 * still valid (the memory was copied) but its wake descriptor is shared
 * with the parent's thread, so it gets its own.
 */
static void
msw_tls_atfork_child(void)
{
	msw_tls *t = pthread_getspecific(msw_tls_key);
	if (t != NULL) {
		close(t->wake);
		t->wake = msw_eventfd(0);
	}
}

static const msw_fork_ops msw_tls_fork_ops = { NULL, NULL, NULL, msw_tls_atfork_child };

/* The key is made, and the fork hooks registered, once. */
static void
msw_tls_key_make(void)
{
	pthread_key_create(&msw_tls_key, msw_tls_destroy);
	msw_fork_register(MSW_FORK_TLS, &msw_tls_fork_ops);
}

static void
msw_tls_init(void)
{
	pthread_once(&msw_tls_once, msw_tls_key_make);
	msw_fork_hooks();
}

/* msw_tls_alloc makes a thread's state; its one reference is the thread's. */
msw_tls *
msw_tls_alloc(void)
{
	msw_tls *t;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	if ((t->wake = msw_eventfd(0)) < 0) {
		free(t);
		return NULL;
	}
	t->refs = 1;
	t->alive = 1;
	t->apc_tail = &t->apc_head;
	return t;
}

/* msw_tls_adopt makes t the calling thread's state. */
void
msw_tls_adopt(msw_tls *t)
{
	msw_tls_init();
	t->tid = (pid_t)syscall(SYS_gettid);
	pthread_setspecific(msw_tls_key, t);
}

msw_tls *
msw_tls_get(void)
{
	msw_tls *t;
	msw_tls_init();
	if ((t = pthread_getspecific(msw_tls_key)) != NULL)
		return t;
	if ((t = msw_tls_alloc()) != NULL)
		msw_tls_adopt(t);
	return t;
}

void
msw_queue_apc_locked(msw_tls *t, msw_apc *a)
{
	if (!t->alive) {
		free(a); /* Windows drops the APCs of a thread that has ended */
		return;
	}
	a->next = NULL;
	*t->apc_tail = a;
	t->apc_tail = &a->next;
	msw_signal(t->wake);
}

/* msw_run_apcs runs every APC queued to t; called with msw_mu held, returns with it released. */
static void
msw_run_apcs_unlock(msw_tls *t)
{
	msw_apc *a = t->apc_head, *next;
	t->apc_head = NULL;
	t->apc_tail = &t->apc_head;
	msw_unlock();
	for (; a != NULL; a = next) {
		next = a->next;
		a->fn(a);
	}
}

static void
msw_apc_user(msw_apc *a)
{
	PAPCFUNC fn = a->user_fn;
	ULONG_PTR arg = a->user_arg;
	free(a);
	fn(arg);
}

DWORD WINAPI
QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
	msw_apc *a;
	msw_obj *o;
	DWORD e = 0;
	if (pfnAPC == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER);
	if ((a = calloc(1, sizeof *a)) == NULL)
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY);
	a->fn = msw_apc_user;
	a->user_fn = pfnAPC;
	a->user_arg = dwData;
	o = msw_lock_get(hThread, MSW_K_THREAD, NULL);
	if (o == NULL || o->thread == NULL || !o->thread->alive)
		e = ERROR_INVALID_HANDLE;
	else
		msw_queue_apc_locked(o->thread, a);
	msw_unlock();
	if (e != 0) {
		free(a);
		return msw_fail(e);
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */
/* ------------------------------------------------------------------ */

#define MSW_NOT_YET ((DWORD)-2)

/*
 * msw_try_locked checks the objects once: the index satisfied for
 * wait-any, 0 for wait-all, or MSW_NOT_YET.  Satisfying resets the
 * auto-reset events involved.
 */
static DWORD
msw_try_locked(DWORD n, msw_obj *const *objs, msw_waiter *w, BOOL all)
{
	struct pollfd pf[MAXIMUM_WAIT_OBJECTS];
	int took[MAXIMUM_WAIT_OBJECTS];
	DWORD i;

	for (i = 0; i < n; i++) {
		pf[i].fd = objs[i]->fd;
		pf[i].events = POLLIN;
		pf[i].revents = 0;
	}
	if (n > 0 && poll(pf, n, 0) < 0)
		return MSW_NOT_YET;
	if (!all) {
		for (i = 0; i < n; i++) {
			if (!(pf[i].revents & POLLIN) && !w[i].pulsed)
				continue;
			if (objs[i]->manual)
				return i;
			if (w[i].pulsed) {
				w[i].pulsed = 0;
				return i;
			}
			if (msw_take(objs[i]->fd))
				return i;
		}
		return MSW_NOT_YET;
	}
	for (i = 0; i < n; i++)
		if (!(pf[i].revents & POLLIN) && !w[i].pulsed)
			break;
	if (i < n) {
		/* A pulse releases only a wait that it satisfies at that moment. */
		for (i = 0; i < n; i++)
			w[i].pulsed = 0;
		return MSW_NOT_YET;
	}
	for (i = 0; i < n; i++) {
		took[i] = 0;
		if (objs[i]->manual || w[i].pulsed)
			continue;
		if (!msw_take(objs[i]->fd))
			break;
		took[i] = 1;
	}
	if (i < n) {
		/* Another process took an inherited event first: put back ours. */
		while (i-- > 0)
			if (took[i])
				msw_signal(objs[i]->fd);
		return MSW_NOT_YET;
	}
	for (i = 0; i < n; i++)
		w[i].pulsed = 0;
	return 0;
}

DWORD
msw_wait(DWORD n, msw_obj *const *objs, BOOL all, DWORD ms, BOOL alertable)
{
	msw_tls *t = msw_tls_get();
	struct pollfd pf[MAXIMUM_WAIT_OBJECTS + 1];
	msw_waiter w[MAXIMUM_WAIT_OBJECTS];
	uint64_t deadline = ms == INFINITE ? UINT64_MAX : msw_now_ms() + ms;
	DWORD i, r;

	if (t == NULL) {
		msw_set_error(ERROR_NOT_ENOUGH_MEMORY);
		return WAIT_FAILED;
	}
	pthread_mutex_lock(&msw_mu);
	for (i = 0; i < n; i++) {
		w[i].t = t;
		w[i].pulsed = 0;
		w[i].wait_all = all;
		w[i].next = objs[i]->waiters;
		objs[i]->waiters = &w[i];
	}
	for (;;) {
		uint64_t now;
		int tmo;
		msw_unsignal(t->wake);
		if ((r = msw_try_locked(n, objs, w, all)) != MSW_NOT_YET)
			break;
		if (alertable && t->apc_head != NULL) {
			r = WAIT_IO_COMPLETION;
			break;
		}
		now = msw_now_ms();
		if (now >= deadline) {
			r = WAIT_TIMEOUT;
			break;
		}
		tmo = deadline == UINT64_MAX ? -1 :
		    deadline - now > 0x7fffffff ? 0x7fffffff : (int)(deadline - now);
		pthread_mutex_unlock(&msw_mu);
		for (i = 0; i < n; i++) {
			pf[i].fd = objs[i]->fd;
			pf[i].events = POLLIN;
		}
		pf[n].fd = t->wake;
		pf[n].events = POLLIN;
		poll(pf, n + 1, tmo);
		pthread_mutex_lock(&msw_mu);
	}
	for (i = 0; i < n; i++) {
		msw_waiter **pp = &objs[i]->waiters;
		while (*pp != &w[i])
			pp = &(*pp)->next;
		*pp = w[i].next;
	}
	if (r == WAIT_IO_COMPLETION) {
		msw_run_apcs_unlock(t);
		return r;
	}
	pthread_mutex_unlock(&msw_mu);
	return r;
}

/*
 * msw_wait_handles resolves the handles (each kept alive for the wait)
 * and waits; WAIT_FAILED with the error for bad input.
 */
static DWORD
msw_wait_handles(DWORD n, const HANDLE *hs, BOOL all, DWORD ms, BOOL alertable)
{
	msw_obj *objs[MAXIMUM_WAIT_OBJECTS];
	DWORD i, j, r, e = 0;

	if (n == 0 || n > MAXIMUM_WAIT_OBJECTS || hs == NULL) {
		msw_set_error(ERROR_INVALID_PARAMETER);
		return WAIT_FAILED;
	}
	msw_init();
	pthread_mutex_lock(&msw_mu);
	for (i = 0; i < n; i++) {
		objs[i] = msw_get_locked(hs[i], NULL);
		if (objs[i] == NULL || objs[i]->fd < 0) {
			e = ERROR_INVALID_HANDLE;
			break;
		}
		for (j = 0; all && j < i; j++)
			if (objs[j] == objs[i])
				e = ERROR_INVALID_PARAMETER; /* STATUS_INVALID_PARAMETER_MIX */
		if (e != 0)
			break;
		objs[i]->refs++;
	}
	if (e != 0) {
		while (i-- > 0)
			msw_unref_locked(objs[i]);
		msw_unlock();
		msw_set_error(e);
		return WAIT_FAILED;
	}
	pthread_mutex_unlock(&msw_mu);
	r = msw_wait(n, objs, all, ms, alertable);
	pthread_mutex_lock(&msw_mu);
	for (i = 0; i < n; i++)
		msw_unref_locked(objs[i]);
	msw_unlock();
	return r;
}

DWORD WINAPI
WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	return msw_wait_handles(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}

DWORD WINAPI
WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
	return msw_wait_handles(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI
WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
    DWORD dwMilliseconds)
{
	return msw_wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI
WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
    DWORD dwMilliseconds, BOOL bAlertable)
{
	return msw_wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

void WINAPI
Sleep(DWORD ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	if (ms == INFINITE) {
		for (;;)
			pause();
	}
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

DWORD WINAPI
SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
	DWORD r;
	if (!bAlertable) {
		Sleep(dwMilliseconds);
		return 0;
	}
	r = msw_wait(0, NULL, FALSE, dwMilliseconds, TRUE);
	return r == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/* msw_same_name matches a live event of this process by its name. */
static int
msw_same_name(const msw_obj *o, const void *name)
{
	return o->name != NULL && strcmp(o->name, name) == 0;
}

/*
 * Event functions fail with NULL, not INVALID_HANDLE_VALUE, as on Windows.
 * Names are case-sensitive, as Windows object names are, and live in this
 * process only: a second CreateEvent of a name gives a new handle to the
 * same event and ERROR_ALREADY_EXISTS.
 */
static HANDLE
msw_event_new(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial, const char *name)
{
	msw_obj *o;
	HANDLE h;
	int fd;
	msw_fork_hooks();
	if (name != NULL) {
		msw_init();
		pthread_mutex_lock(&msw_mu);
		o = msw_find_locked(MSW_K_EVENT, msw_same_name, name);
		h = o != NULL ? msw_handle_new_locked(o, msw_inherit_flag(sa)) : NULL;
		pthread_mutex_unlock(&msw_mu);
		if (o != NULL) {
			msw_set_error(h != NULL ? ERROR_ALREADY_EXISTS : ERROR_NOT_ENOUGH_MEMORY);
			return h;
		}
	}
	if ((fd = msw_eventfd(initial)) < 0)
		return msw_fail(ERROR_TOO_MANY_OPEN_FILES), NULL;
	if ((o = msw_obj_new(MSW_K_EVENT, fd, manual != 0)) == NULL ||
	    (name != NULL && (o->name = strdup(name)) == NULL)) {
		free(o);
		close(fd);
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
	}
	msw_set_error(ERROR_SUCCESS);
	h = msw_handle_new(o, msw_inherit_flag(sa));
	return h == INVALID_HANDLE_VALUE ? NULL : h;
}

HANDLE WINAPI
CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCSTR lpName)
{
	return msw_event_new(sa, bManualReset, bInitialState, lpName);
}

HANDLE WINAPI
CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName)
{
	return CreateEventExW(sa, lpName, (bManualReset ? CREATE_EVENT_MANUAL_RESET : 0) |
	    (bInitialState ? CREATE_EVENT_INITIAL_SET : 0), EVENT_ALL_ACCESS);
}

HANDLE WINAPI
CreateEventExA(LPSECURITY_ATTRIBUTES sa, LPCSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess)
{
	(void)dwDesiredAccess;
	if (dwFlags & ~(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET))
		return msw_fail(ERROR_INVALID_PARAMETER), NULL;
	return msw_event_new(sa, (dwFlags & CREATE_EVENT_MANUAL_RESET) != 0,
	    (dwFlags & CREATE_EVENT_INITIAL_SET) != 0, lpName);
}

HANDLE WINAPI
CreateEventExW(LPSECURITY_ATTRIBUTES sa, LPCWSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess)
{
	int ok;
	char *n = msw_to_utf8(lpName, &ok);
	HANDLE h;
	if (!ok)
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
	h = CreateEventExA(sa, n, dwFlags, dwDesiredAccess);
	free(n);
	return h;
}

/* msw_event_op applies op to an event handle's descriptor under msw_mu. */
static BOOL
msw_event_op(HANDLE h, int op)
{
	msw_obj *o = msw_lock_get(h, MSW_K_EVENT, NULL);
	if (o == NULL) {
		pthread_mutex_unlock(&msw_mu);
		return msw_fail(ERROR_INVALID_HANDLE);
	}
	if (op == 's') {
		msw_signal(o->fd);
	} else if (op == 'r') {
		msw_unsignal(o->fd);
	} else {
		/* Pulse: release the waits present now, leave the event reset. */
		msw_waiter *w, *oldest = NULL;
		msw_unsignal(o->fd);
		for (w = o->waiters; w != NULL; w = w->next) {
			if (o->manual) {
				w->pulsed = 1;
				msw_signal(w->t->wake);
			} else {
				oldest = w; /* waiters are pushed at the head */
			}
		}
		if (oldest != NULL) {
			oldest->pulsed = 1;
			msw_signal(oldest->t->wake);
		}
	}
	pthread_mutex_unlock(&msw_mu);
	return TRUE;
}

BOOL WINAPI
SetEvent(HANDLE hEvent)
{
	return msw_event_op(hEvent, 's');
}

BOOL WINAPI
ResetEvent(HANDLE hEvent)
{
	return msw_event_op(hEvent, 'r');
}

BOOL WINAPI
PulseEvent(HANDLE hEvent)
{
	return msw_event_op(hEvent, 'p');
}
