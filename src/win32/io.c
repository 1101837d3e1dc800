/* SPDX-License-Identifier: MIT */
/*
 * io.c - overlapped I/O on mailslot handles: ReadFile with an OVERLAPPED,
 * ReadFileEx, GetOverlappedResult(Ex), CancelIo(Ex).
 *
 * Built on the native API only: a pending read waits on the server's
 * pollable descriptor (mailslot_fd), and is served by a non-blocking read
 * (mailslot_read_for(..., 0)).  One I/O thread per process watches the
 * descriptors of the servers that have reads pending and completes them,
 * so completion happens whether or not the application is in a wait, as
 * on Windows.  Pending reads of one server are served in issue order.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "msw.h"

struct msw_io {
	msw_io *next;
	msw_obj *file;  /* referenced */
	msw_obj *event; /* referenced; NULL: signal the file handle */
	msw_tls *thread; /* referenced: the issuer, for CancelIo and routines */
	LPOVERLAPPED ov;
	void *buf;
	DWORD cap;
	uint64_t deadline; /* UINT64_MAX: none */
	LPOVERLAPPED_COMPLETION_ROUTINE routine;
	uint32_t id;       /* a proxied read: its name on the parent's channel */
};

static uint32_t msw_io_ids;

static int msw_io_ep = -1;
static int msw_io_wake = -1;
static pid_t msw_io_pid; /* the process whose I/O thread runs, 0 for none */
static msw_obj *msw_busy; /* servers with reads pending */

DWORD
msw_status_error(uint32_t status)
{
	switch (status) {
	case MSW_STATUS_SUCCESS:
		return ERROR_SUCCESS;
	case MSW_STATUS_CANCELLED:
		return ERROR_OPERATION_ABORTED;
	case MSW_STATUS_IO_TIMEOUT:
		return ERROR_SEM_TIMEOUT;
	case MSW_STATUS_BUFFER_TOO_SMALL:
		return ERROR_INSUFFICIENT_BUFFER;
	case MSW_STATUS_PENDING:
		return ERROR_IO_INCOMPLETE;
	case MSW_STATUS_END_OF_FILE:
		return ERROR_HANDLE_EOF;
	default:
		return ERROR_GEN_FAILURE;
	}
}

/* The NTSTATUS for a Win32 error that a proxied read reports. */
static uint32_t
msw_win32_status(DWORD err)
{
	switch (err) {
	case 0:
		return MSW_STATUS_SUCCESS;
	case ERROR_SEM_TIMEOUT:
		return MSW_STATUS_IO_TIMEOUT;
	case ERROR_INSUFFICIENT_BUFFER:
		return MSW_STATUS_BUFFER_TOO_SMALL;
	case ERROR_OPERATION_ABORTED:
		return MSW_STATUS_CANCELLED;
	case ERROR_HANDLE_EOF:
		return MSW_STATUS_END_OF_FILE;
	default:
		return 0xC0000001u; /* STATUS_UNSUCCESSFUL */
	}
}

/* The NTSTATUS that stands for a native error in OVERLAPPED.Internal. */
static uint32_t
msw_err_status(mailslot_err e)
{
	switch (e) {
	case MAILSLOT_OK:
		return MSW_STATUS_SUCCESS;
	case MAILSLOT_E_TIMEOUT:
		return MSW_STATUS_IO_TIMEOUT;
	case MAILSLOT_E_BUFSIZE:
		return MSW_STATUS_BUFFER_TOO_SMALL;
	default:
		return 0xC0000001u; /* STATUS_UNSUCCESSFUL */
	}
}

static void
msw_apc_io(msw_apc *a)
{
	LPOVERLAPPED_COMPLETION_ROUTINE fn = a->io_fn;
	DWORD err = a->err, bytes = a->bytes;
	LPOVERLAPPED ov = a->ov;
	free(a);
	fn(err, bytes, ov);
}

/*
 * msw_finish_locked publishes a result as Windows does: InternalHigh, then
 * Internal, then the event (or the file handle), then the completion
 * routine queued to the issuing thread.
 */
static void
msw_finish_locked(msw_obj *file, msw_obj *event, msw_tls *t, LPOVERLAPPED ov,
    LPOVERLAPPED_COMPLETION_ROUTINE routine, uint32_t status, DWORD bytes)
{
	__atomic_store_n(&ov->InternalHigh, (ULONG_PTR)bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&ov->Internal, (ULONG_PTR)status, __ATOMIC_RELEASE);
	msw_signal(event != NULL ? event->fd : file->fd);
	if (routine != NULL && t != NULL) {
		msw_apc *a = calloc(1, sizeof *a);
		if (a != NULL) {
			a->fn = msw_apc_io;
			a->io_fn = routine;
			a->err = msw_status_error(status);
			a->bytes = bytes;
			a->ov = ov;
			msw_queue_apc_locked(t, a);
		}
	}
}

/* The descriptor that says a busy server has news: its own, or its parent's channel. */
static int
msw_io_fd(msw_obj *o)
{
	return o->proxy_afd >= 0 ? o->proxy_afd : mailslot_fd(o->srv);
}

/* msw_idle_locked takes a server with no pending read off the I/O thread. */
static void
msw_idle_locked(msw_obj *o)
{
	msw_obj **pp;
	if (!o->io_busy || o->io_head != NULL)
		return;
	if (msw_io_ep >= 0)
		epoll_ctl(msw_io_ep, EPOLL_CTL_DEL, msw_io_fd(o), NULL);
	for (pp = &msw_busy; *pp != NULL; pp = &(*pp)->io_next)
		if (*pp == o) {
			*pp = o->io_next;
			break;
		}
	o->io_next = NULL;
	o->io_busy = 0;
	msw_unref_locked(o);
}

/* msw_complete_locked ends a pending read and frees it. */
static void
msw_complete_locked(msw_io *op, uint32_t status, DWORD bytes)
{
	msw_obj *o = op->file;
	msw_io **pp;
	for (pp = &o->io_head; *pp != op; pp = &(*pp)->next)
		;
	*pp = op->next;
	if (o->io_tail == &op->next)
		o->io_tail = pp;
	msw_finish_locked(o, op->event, op->thread, op->ov, op->routine, status, bytes);
	if (op->event != NULL)
		msw_unref_locked(op->event);
	msw_tls_unref_locked(op->thread);
	msw_idle_locked(o);
	msw_unref_locked(o);
	free(op);
}

/* msw_find_op gives the buffer of o's pending proxied read id, if it is still pending. */
static void *
msw_find_op(msw_obj *o, uint32_t id, DWORD *cap)
{
	for (msw_io *op = o->io_head; op != NULL; op = op->next)
		if (op->id == id) {
			*cap = op->cap;
			return op->buf;
		}
	return NULL;
}

/*
 * msw_pump_proxy_locked takes the parent's replies for a proxied server:
 * each completes the read it names (the data already in its buffer).  The
 * parent's end closing fails what is left with ERROR_HANDLE_EOF.
 */
static void
msw_pump_proxy_locked(msw_obj *o)
{
	struct pollfd pf = { .fd = o->proxy_afd, .events = POLLIN };
	while (o->io_head != NULL && poll(&pf, 1, 0) == 1) {
		uint32_t id;
		DWORD err, len;
		msw_io *op;
		if (msw_proxy_areply(o, &id, &err, msw_find_op, &len) != 0) {
			while (o->io_head != NULL)
				msw_complete_locked(o->io_head, MSW_STATUS_END_OF_FILE, 0);
			return;
		}
		for (op = o->io_head; op != NULL && op->id != id; op = op->next)
			;
		if (op != NULL)
			msw_complete_locked(op, msw_win32_status(err), err == 0 ? len : 0);
	}
}

/* msw_pump_locked completes what it can of o's reads; *next gets the next deadline. */
static void
msw_pump_locked(msw_obj *o, uint64_t now, uint64_t *next)
{
	msw_io *op, *nx;
	if (o->proxy_afd >= 0) {
		msw_pump_proxy_locked(o); /* the parent keeps the time */
		return;
	}
	for (op = o->io_head; op != NULL; op = nx) {
		nx = op->next;
		if (op->deadline <= now)
			msw_complete_locked(op, MSW_STATUS_IO_TIMEOUT, 0);
	}
	while ((op = o->io_head) != NULL) {
		size_t got = 0;
		mailslot_err e = mailslot_read_for(o->srv, op->buf, op->cap, &got, NULL, 0);
		if (e == MAILSLOT_E_TIMEOUT)
			break;
		msw_complete_locked(op, msw_err_status(e), (DWORD)got);
	}
	for (op = o->io_head; op != NULL; op = op->next)
		if (op->deadline < *next)
			*next = op->deadline;
}

static void *
msw_io_main(void *arg)
{
	struct epoll_event ev[16];
	(void)arg;
	pthread_mutex_lock(&msw_mu);
	for (;;) {
		uint64_t now = msw_now_ms(), next = UINT64_MAX;
		msw_obj *o, *nx;
		int tmo, ep = msw_io_ep, wake = msw_io_wake;
		for (o = msw_busy; o != NULL; o = nx) {
			nx = o->io_next; /* pumping may take o off the list */
			msw_pump_locked(o, now, &next);
		}
		tmo = next == UINT64_MAX ? -1 : next <= now ? 0 :
		    next - now > 0x7fffffff ? 0x7fffffff : (int)(next - now);
		msw_unlock();
		epoll_wait(ep, ev, 16, tmo);
		msw_unsignal(wake);
		pthread_mutex_lock(&msw_mu);
	}
	return NULL;
}

/* msw_io_start_locked starts this process's I/O thread once. */
static int
msw_io_start_locked(void)
{
	pthread_attr_t a;
	pthread_t th;
	struct epoll_event ev = { .events = EPOLLIN };
	if (msw_io_pid == getpid())
		return 0;
	if (msw_io_ep < 0 && (msw_io_ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	if (msw_io_wake < 0 && (msw_io_wake = msw_eventfd(0)) < 0)
		return -1;
	ev.data.ptr = NULL;
	epoll_ctl(msw_io_ep, EPOLL_CTL_ADD, msw_io_wake, &ev);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &a, msw_io_main, NULL) != 0) {
		pthread_attr_destroy(&a);
		return -1;
	}
	pthread_attr_destroy(&a);
	msw_io_pid = getpid();
	return 0;
}

/*
 * In a forked child the I/O thread does not exist and its epoll set is the
 * parent's; forget both, and the next overlapped operation starts anew.
 */
static void
msw_io_atfork_child(void)
{
	msw_close_fd(&msw_io_ep);
	msw_close_fd(&msw_io_wake);
	msw_io_pid = 0;
	/* The pending reads were the parent's (inherit.c turned its servers into proxies). */
	msw_busy = NULL;
}

/* msw_begin_locked resets the OVERLAPPED's event and the file handle, as Windows does when I/O starts. */
static DWORD
msw_begin_locked(msw_obj *o, LPOVERLAPPED ov, LPOVERLAPPED_COMPLETION_ROUTINE routine,
    msw_obj **event)
{
	*event = NULL;
	if (routine == NULL && ov->hEvent != NULL) {
		/* The low bit asks Windows not to queue a port packet; same event. */
		msw_obj *e = msw_get_kind_locked((HANDLE)((uintptr_t)ov->hEvent & ~(uintptr_t)1),
		    MSW_K_EVENT);
		if (e == NULL)
			return ERROR_INVALID_HANDLE;
		msw_unsignal(e->fd);
		*event = e;
	}
	msw_unsignal(o->fd);
	return 0;
}

/* One ReadFile/ReadFileEx on a mailslot, as msw_io_read goes through it. */
typedef struct msw_rd {
	HANDLE h;
	msw_obj *o, *ev;
	msw_tls *t;
	LPVOID buf;
	DWORD n;
	LPDWORD got;
	LPOVERLAPPED ov;
	LPOVERLAPPED_COMPLETION_ROUTINE routine;
	mailslot_info info;
} msw_rd;

/*
 * msw_read_now_proxied tries a read through the parent before it queues:
 * the same rules, asked for in round trips made unlocked.  Returns -1 to
 * queue it (msw_mu held again, with a reference to o and ev that the
 * caller drops), else the call's result with msw_mu released.
 */
static int
msw_read_now_proxied(msw_rd *r)
{
	msw_obj *o = r->o, *ev = r->ev;
	int idle = o->io_head == NULL;
	DWORD perr = ERROR_SEM_TIMEOUT, plen = 0;
	o->refs++;
	if (ev != NULL)
		ev->refs++;
	pthread_mutex_unlock(&msw_mu);
	if (idle)
		perr = (DWORD)msw_proxy_tryread(o, r->buf, r->n, &plen);
	if (perr == ERROR_SEM_TIMEOUT)
		perr = msw_proxy_info(o, &r->info) != 0 ? ERROR_HANDLE_EOF :
		    r->info.read_timeout_ms == 0 ? ERROR_SEM_TIMEOUT : ERROR_IO_PENDING;
	pthread_mutex_lock(&msw_mu);
	if (perr == 0)
		msw_finish_locked(o, ev, r->t, r->ov, r->routine, MSW_STATUS_SUCCESS, plen);
	if (perr == ERROR_IO_PENDING && msw_get_locked(r->h, NULL) != o)
		perr = ERROR_INVALID_HANDLE; /* closed meanwhile */
	if (perr == ERROR_IO_PENDING)
		return -1;
	msw_unref_locked(o);
	if (ev != NULL)
		msw_unref_locked(ev);
	msw_unlock();
	if (perr != 0)
		return msw_fail(perr);
	if (r->got)
		*r->got = plen;
	msw_set_error(ERROR_SUCCESS);
	return TRUE;
}

/*
 * msw_read_now_local tries a read of our own server before it queues:
 * -1 to queue it (msw_mu held), else the call's result with msw_mu
 * released.
 */
static int
msw_read_now_local(msw_rd *r)
{
	msw_obj *o = r->o;
	mailslot_err e;
	size_t len = 0;
	if (o->io_head == NULL) {
		/* A queued message completes the read at once, as on Windows. */
		e = mailslot_read_for(o->srv, r->buf, r->n, &len, NULL, 0);
		if (e == MAILSLOT_OK) {
			msw_finish_locked(o, r->ev, r->t, r->ov, r->routine, MSW_STATUS_SUCCESS,
			    (DWORD)len);
			pthread_mutex_unlock(&msw_mu);
			if (r->got)
				*r->got = (DWORD)len;
			msw_set_error(ERROR_SUCCESS);
			return TRUE;
		}
		if (e != MAILSLOT_E_TIMEOUT) {
			pthread_mutex_unlock(&msw_mu);
			return msw_fail(mailslot_win32_error(e));
		}
	}
	if ((e = mailslot_get_info(o->srv, &r->info)) != MAILSLOT_OK) {
		pthread_mutex_unlock(&msw_mu);
		return msw_fail(mailslot_win32_error(e));
	}
	if (r->info.read_timeout_ms == 0) {
		/* Timeout 0 fails at once, overlapped or not (Wine's test on Windows). */
		pthread_mutex_unlock(&msw_mu);
		return msw_fail(ERROR_SEM_TIMEOUT);
	}
	return -1;
}

/* msw_read_queue_locked queues the read for the I/O thread; 0 or ERROR_NOT_ENOUGH_MEMORY. */
static DWORD
msw_read_queue_locked(msw_rd *r)
{
	msw_obj *o = r->o;
	msw_io *op;
	if ((op = calloc(1, sizeof *op)) == NULL || msw_io_start_locked() != 0) {
		free(op);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	op->file = o;
	o->refs++;
	if ((op->event = r->ev) != NULL)
		r->ev->refs++;
	op->thread = r->t;
	r->t->refs++;
	op->ov = r->ov;
	op->buf = r->buf;
	op->cap = r->n;
	op->routine = r->routine;
	/* A proxied read's time is kept by the parent, which owns the timeout. */
	op->deadline = r->info.read_timeout_ms == MAILSLOT_WAIT_FOREVER || o->proxy_fd >= 0 ?
	    UINT64_MAX : msw_now_ms() + r->info.read_timeout_ms;
	op->id = ++msw_io_ids;
	__atomic_store_n(&r->ov->InternalHigh, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&r->ov->Internal, (ULONG_PTR)MSW_STATUS_PENDING, __ATOMIC_RELEASE);
	*o->io_tail = op;
	o->io_tail = &op->next;
	if (!o->io_busy) {
		struct epoll_event eev = { .events = EPOLLIN, .data.ptr = o };
		o->io_busy = 1;
		o->refs++;
		o->io_next = msw_busy;
		msw_busy = o;
		epoll_ctl(msw_io_ep, EPOLL_CTL_ADD, msw_io_fd(o), &eev);
	}
	if (o->proxy_fd >= 0)
		msw_proxy_arequest(o, 0, op->id, r->n); /* a failure shows as the channel's end */
	msw_signal(msw_io_wake);
	return 0;
}

BOOL
msw_io_read(HANDLE h, LPVOID buf, DWORD n, LPDWORD got, LPOVERLAPPED ov,
    LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
	msw_rd r = { .h = h, .t = msw_tls_get(), .buf = buf, .n = n, .got = got, .ov = ov,
		.routine = routine };
	DWORD err = 0;
	int held = 0, done;

	if (got)
		*got = 0;
	if (ov == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER);
	if (r.t == NULL)
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY);
	r.o = msw_lock_get(h, MSW_K_NONE, NULL);
	if (r.o == NULL || (r.o->kind != MSW_K_SERVER && r.o->kind != MSW_K_CLIENT))
		err = ERROR_INVALID_HANDLE;
	else if (r.o->kind == MSW_K_CLIENT)
		err = ERROR_INVALID_PARAMETER;
	else if (r.o->proxy_fd >= 0 && r.o->proxy_afd < 0)
		err = ERROR_NOT_SUPPORTED; /* a parent without the asynchronous channel */
	else
		err = msw_begin_locked(r.o, ov, routine, &r.ev);
	if (err != 0) {
		pthread_mutex_unlock(&msw_mu);
		return msw_fail(err);
	}
	if (r.o->proxy_fd >= 0) {
		if ((done = msw_read_now_proxied(&r)) >= 0)
			return done;
		held = 1; /* the references taken there go once the read holds its own */
	} else if ((done = msw_read_now_local(&r)) >= 0) {
		return done;
	}
	err = msw_read_queue_locked(&r);
	if (held) {
		msw_unref_locked(r.o);
		if (r.ev != NULL)
			msw_unref_locked(r.ev);
	}
	msw_unlock();
	if (err != 0)
		return msw_fail(err);
	if (routine != NULL) {
		msw_set_error(ERROR_SUCCESS);
		return TRUE;
	}
	return msw_fail(ERROR_IO_PENDING);
}

BOOL
msw_io_write_done(msw_obj *o, DWORD n, LPOVERLAPPED ov, LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
	msw_tls *t = routine != NULL ? msw_tls_get() : NULL;
	msw_obj *ev;
	DWORD err;
	pthread_mutex_lock(&msw_mu);
	if ((err = msw_begin_locked(o, ov, routine, &ev)) == 0)
		msw_finish_locked(o, ev, t, ov, routine, MSW_STATUS_SUCCESS, n);
	pthread_mutex_unlock(&msw_mu);
	if (err != 0)
		return msw_fail(err);
	return TRUE;
}

BOOL WINAPI
ReadFileEx(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPOVERLAPPED lpOverlapped,
    LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
{
	if (lpOverlapped == NULL || lpCompletionRoutine == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER);
	return msw_io_read(hFile, lpBuffer, nNumberOfBytesToRead, NULL, lpOverlapped,
	    lpCompletionRoutine);
}

/* msw_cancel cancels o's matching reads: ERROR_* or 0; *n counts them. */
static BOOL
msw_cancel(HANDLE h, LPOVERLAPPED ov, int mine_only, int *n)
{
	msw_tls *t = mine_only ? msw_tls_get() : NULL;
	msw_obj *o;
	msw_io *op, *nx;
	*n = 0;
	o = msw_lock_get(h, MSW_K_NONE, NULL);
	if (o == NULL) {
		pthread_mutex_unlock(&msw_mu);
		return msw_fail(ERROR_INVALID_HANDLE);
	}
	for (op = o->io_head; op != NULL; op = nx) {
		nx = op->next;
		if ((ov == NULL || op->ov == ov) && (!mine_only || op->thread == t)) {
			/* A proxied read ends when the parent answers (aborted, or done first). */
			if (o->proxy_afd >= 0)
				msw_proxy_arequest(o, 1, op->id, 0);
			else
				msw_complete_locked(op, MSW_STATUS_CANCELLED, 0);
			(*n)++;
		}
	}
	msw_unlock();
	return TRUE;
}

BOOL WINAPI
CancelIo(HANDLE hFile)
{
	int n;
	return msw_cancel(hFile, NULL, 1, &n);
}

BOOL WINAPI
CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped)
{
	int n;
	if (!msw_cancel(hFile, lpOverlapped, 0, &n))
		return FALSE;
	if (n == 0)
		return msw_fail(ERROR_NOT_FOUND);
	return TRUE;
}

/* Closing the last handle of a mailslot cancels its reads, as on Windows. */
static void
msw_last_handle_locked(msw_obj *o)
{
	while (o->io_head != NULL)
		msw_complete_locked(o->io_head, MSW_STATUS_CANCELLED, 0);
}

BOOL WINAPI
GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
    LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds, BOOL bAlertable)
{
	uint32_t status;
	if (lpOverlapped == NULL)
		return msw_fail(ERROR_INVALID_PARAMETER);
	status = (uint32_t)__atomic_load_n(&lpOverlapped->Internal, __ATOMIC_ACQUIRE);
	if (status == MSW_STATUS_PENDING) {
		HANDLE w = lpOverlapped->hEvent != NULL ?
		    (HANDLE)((uintptr_t)lpOverlapped->hEvent & ~(uintptr_t)1) : hFile;
		DWORD r;
		if (dwMilliseconds == 0)
			return msw_fail(ERROR_IO_INCOMPLETE);
		r = WaitForSingleObjectEx(w, dwMilliseconds, bAlertable);
		if (r == WAIT_FAILED)
			return FALSE;
		if (r == WAIT_TIMEOUT || r == WAIT_IO_COMPLETION)
			return msw_fail(r);
		status = (uint32_t)__atomic_load_n(&lpOverlapped->Internal, __ATOMIC_ACQUIRE);
		if (status == MSW_STATUS_PENDING)
			return msw_fail(ERROR_IO_INCOMPLETE); /* someone else set the event */
	}
	if (lpNumberOfBytesTransferred)
		*lpNumberOfBytesTransferred =
		    (DWORD)__atomic_load_n(&lpOverlapped->InternalHigh, __ATOMIC_RELAXED);
	if (status != MSW_STATUS_SUCCESS)
		return msw_fail(msw_status_error(status));
	return TRUE;
}

BOOL WINAPI
GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
    LPDWORD lpNumberOfBytesTransferred, BOOL bWait)
{
	return GetOverlappedResultEx(hFile, lpOverlapped, lpNumberOfBytesTransferred,
	    bWait ? INFINITE : 0, FALSE);
}

static const msw_fork_ops msw_io_fork_ops = { NULL, NULL, NULL, msw_io_atfork_child };

/* Registers the I/O layer's hooks with handles.c. */
__attribute__((constructor)) static void
msw_io_register(void)
{
	msw_set_last_handle_hook(msw_last_handle_locked);
	msw_fork_register(MSW_FORK_IO, &msw_io_fork_ops);
}
