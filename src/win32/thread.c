/* SPDX-License-Identifier: MIT */
/*
 * thread.c - CreateThread, ExitThread, GetExitCodeThread, ResumeThread, and
 * DuplicateHandle (which resolves GetCurrentThread()).
 *
 * A thread object is an eventfd written once when its thread ends, so it
 * is waitable like any other object.  The thread's layer state (msw_tls)
 * is made by CreateThread, before the thread runs, so that QueueUserAPC
 * works on a thread that has not started yet.
 */
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "msw.h"

/* CreateThread waits on it for the new thread's id. */
static pthread_cond_t msw_started = PTHREAD_COND_INITIALIZER;

static void *
msw_thread_main(void *p)
{
	msw_obj *o = p;
	DWORD code;

	msw_tls_adopt(o->thread);
	pthread_mutex_lock(&msw_mu);
	o->pid = o->thread->tid;
	pthread_cond_broadcast(&msw_started);
	pthread_mutex_unlock(&msw_mu);
	if (o->gate >= 0) {
		struct pollfd pf = { .fd = o->gate, .events = POLLIN };
		while (poll(&pf, 1, -1) < 0)
			;
	}
	code = o->start(o->start_arg);
	pthread_mutex_lock(&msw_mu);
	if (!o->exited)
		o->exit_code = code;
	pthread_mutex_unlock(&msw_mu);
	return NULL; /* the state's destructor signals the object */
}

HANDLE WINAPI
CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
    LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
    LPDWORD lpThreadId)
{
	pthread_attr_t attr;
	pthread_t th;
	msw_tls *t;
	msw_obj *o;
	HANDLE h = NULL;
	int rc;

	if (lpStartAddress == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER), NULL;
	msw_init();
	msw_fork_hooks();
	if ((t = msw_tls_alloc()) == NULL)
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
	pthread_mutex_lock(&msw_mu);
	o = msw_thread_self_locked(t);
	if (o != NULL) {
		o->start = lpStartAddress;
		o->start_arg = lpParameter;
		if (dwCreationFlags & CREATE_SUSPENDED)
			o->gate = msw_eventfd(0);
		h = msw_handle_new_locked(o, msw_inherit_flag(lpThreadAttributes) ? HANDLE_FLAG_INHERIT : 0);
	}
	pthread_mutex_unlock(&msw_mu);
	rc = o == NULL || h == NULL || ((dwCreationFlags & CREATE_SUSPENDED) && o->gate < 0);
	if (!rc) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (dwStackSize != 0)
			pthread_attr_setstacksize(&attr, dwStackSize < (SIZE_T)PTHREAD_STACK_MIN ?
			        (SIZE_T)PTHREAD_STACK_MIN : dwStackSize);
		rc = pthread_create(&th, &attr, msw_thread_main, o);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		/* The thread never ran: its state dies with the handle. */
		if (h != NULL)
			CloseHandle(h);
		pthread_mutex_lock(&msw_mu);
		msw_thread_ended_locked(t);
		msw_tls_unref_locked(t);
		msw_unlock();
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
	}
	if (lpThreadId != NULL) {
		/* The id is the kernel's, known once the thread runs. */
		pthread_mutex_lock(&msw_mu);
		while (o->pid == 0)
			pthread_cond_wait(&msw_started, &msw_mu);
		*lpThreadId = (DWORD)o->pid;
		pthread_mutex_unlock(&msw_mu);
	}
	msw_set_error(ERROR_SUCCESS);
	return h;
}

DWORD WINAPI
ResumeThread(HANDLE hThread)
{
	DWORD r = 0;
	msw_obj *o = msw_lock_get(hThread, MSW_K_THREAD, NULL);
	if (o != NULL && o->gate >= 0) {
		struct pollfd pf = { .fd = o->gate, .events = POLLIN };
		if (poll(&pf, 1, 0) == 0) {
			msw_signal(o->gate);
			r = 1;
		}
	}
	pthread_mutex_unlock(&msw_mu);
	if (o == NULL) {
		msw_set_error(ERROR_INVALID_HANDLE);
		return (DWORD)-1;
	}
	return r;
}

void WINAPI
ExitThread(DWORD dwExitCode)
{
	msw_tls *t = msw_tls_get();
	if (t != NULL) {
		pthread_mutex_lock(&msw_mu);
		if (msw_thread_self_locked(t) != NULL && !t->self->exited) {
			t->self->exit_code = dwExitCode;
		}
		pthread_mutex_unlock(&msw_mu);
	}
	pthread_exit(NULL);
}

BOOL WINAPI
GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode)
{
	DWORD code = 0;
	msw_obj *o = msw_lock_get(hThread, MSW_K_THREAD, NULL);
	if (o != NULL) {
		if (o->proc != NULL) /* a CreateProcess main thread: the process's code */
			msw_exit_code_locked(o->proc, &code);
		else
			code = o->exited ? o->exit_code : STILL_ACTIVE;
	}
	pthread_mutex_unlock(&msw_mu);
	return msw_give_dword(o != NULL, lpExitCode, code);
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
		o = msw_lock_get(hSourceHandle, MSW_K_NONE, NULL);
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
