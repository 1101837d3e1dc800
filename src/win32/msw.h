/* SPDX-License-Identifier: MIT */
/*
 * msw.h - internals shared by the Win32 layer's files.
 *
 * Every Win32 object (mailslot server or client, event, thread, process)
 * is an msw_obj; a HANDLE is a slot in one process-wide table that points
 * at an object, so DuplicateHandle gives two slots and one object, as on
 * Windows.  One mutex, msw_mu, guards the table, every object's state and
 * every thread's APC queue: the layer does little under it (no call that
 * can block), and one lock makes wait-all and handle closing simple to get
 * right.
 *
 * Each waitable object has a descriptor, `fd`, that polls readable while
 * the object is signaled (an eventfd, or a pidfd for a process), so waits
 * are poll(2) and a Linux event loop can watch the same objects.
 *
 * The files form layers; each calls only files below it:
 *   handles.c (table, lifetimes, errors, lock, fork handlers) at the bottom;
 *   strings.c and wprintf.c; sync.c; inherit.c; process.c; io.c and
 *   thread.c; file.c on top.
 */
#ifndef MSW_H
#define MSW_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <mailslot/win32.h>

enum msw_kind {
	MSW_K_NONE = 0,
	MSW_K_SERVER,
	MSW_K_CLIENT,
	MSW_K_EVENT,
	MSW_K_THREAD,
	MSW_K_PROCESS
};

/* NTSTATUS values kept in OVERLAPPED.Internal, as Windows keeps them. */
#define MSW_STATUS_SUCCESS 0x00000000u
#define MSW_STATUS_PENDING 0x00000103u
#define MSW_STATUS_CANCELLED 0xC0000120u
#define MSW_STATUS_IO_TIMEOUT 0xC00000B5u
#define MSW_STATUS_BUFFER_TOO_SMALL 0xC0000023u
#define MSW_STATUS_END_OF_FILE 0xC0000011u

typedef struct msw_obj msw_obj;
typedef struct msw_io msw_io;
typedef struct msw_tls msw_tls;
typedef struct msw_waiter msw_waiter;

/* An APC queued to a thread: run only inside that thread's alertable waits. */
typedef struct msw_apc {
	struct msw_apc *next;
	void (*fn)(struct msw_apc *a); /* runs the call, then frees a */
	LPOVERLAPPED_COMPLETION_ROUTINE io_fn;
	PAPCFUNC user_fn;
	ULONG_PTR user_arg;
	DWORD err, bytes;
	LPOVERLAPPED ov;
} msw_apc;

/* Per-thread state of the layer; outlives its thread while referenced. */
struct msw_tls {
	int refs;          /* the thread itself + pending I/O + thread objects */
	int alive;         /* cleared when the thread ends */
	int wake;          /* eventfd: an APC was queued or a pulse marked us */
	msw_apc *apc_head, **apc_tail;
	pid_t tid;
	msw_obj *self;     /* thread object, made on demand */
};

/* One object in one wait, linked into the object's waiter list. */
struct msw_waiter {
	msw_waiter *next;
	msw_tls *t;
	int pulsed;        /* PulseEvent released this wait */
	int wait_all;
};

struct msw_obj {
	int kind;
	int refs;          /* table slots + pending I/O + calls in flight */
	int handles;       /* table slots only */
	int fd;            /* readable while signaled; -1 if none */
	int manual;        /* 0: a satisfied wait resets it (auto-reset event) */
	msw_waiter *waiters;

	/* Mailslot handles. */
	mailslot_server *srv;
	mailslot_client *cli;
	int proxy_fd;      /* server inherited over exec or fork: stream to the parent, or -1 */
	int proxy_afd;     /* its asynchronous channel (overlapped reads), or -1 */
	char *name;        /* client: the name, to reopen over exec */
	msw_io *io_head, **io_tail; /* server: pending reads, FIFO */
	msw_obj *io_next;  /* in the I/O thread's list of busy servers */
	int io_busy;

	/* Threads and processes. */
	DWORD exit_code;
	int exited;
	pid_t pid;
	int reaped;
	msw_tls *thread;   /* thread object: its thread's state */
	msw_obj *proc;     /* a CreateProcess main-thread object: its process */
	int gate;          /* CREATE_SUSPENDED: eventfd the new thread waits on */
	LPTHREAD_START_ROUTINE start;
	LPVOID start_arg;
};

extern pthread_mutex_t msw_mu;

/* MSW_DEFINE defines a Win32 function whose body is one expression, so
 * that the thin A/W and Global/Local pairs read as a table. */
#define MSW_DEFINE(ret, name, params, expr) \
	ret WINAPI name params { return expr; }

/* Last error, per thread. */
BOOL msw_fail(DWORD err);
HANDLE msw_fail_h(DWORD err);
/* msw_give_dword ends a Get* call that looked a handle up: ERROR_INVALID_HANDLE
 * unless found, ERROR_NOACCESS for a NULL out, else *out = v and TRUE. */
BOOL msw_give_dword(int found, DWORD *out, DWORD v);
void msw_set_error(DWORD err);

/* Objects and handles (handles.c, the bottom layer).  *_locked functions need msw_mu. */
void msw_init(void); /* before the first lock: imports inherited handles */
msw_obj *msw_obj_new(int kind, int fd, int manual);
void msw_ref_locked(msw_obj *o);
void msw_unref_locked(msw_obj *o);
void msw_unlock(void); /* unlocks msw_mu, then destroys what died */
msw_obj *msw_get_locked(HANDLE h, DWORD *flags);
/* msw_get_kind_locked: h's object if it is of that kind (MSW_K_NONE: any),
 * else NULL.  msw_lock_get initialises the layer, takes msw_mu and looks h
 * up the same way (flags, if not NULL, gets the handle's flags); msw_mu
 * stays held whatever it returns. */
msw_obj *msw_get_kind_locked(HANDLE h, int kind);
msw_obj *msw_lock_get(HANDLE h, int kind, DWORD *flags);
msw_obj *msw_get(HANDLE h); /* a reference for the caller, or NULL */
void msw_unref(msw_obj *o);
HANDLE msw_handle_new_locked(msw_obj *o, DWORD flags);
HANDLE msw_handle_new(msw_obj *o, BOOL inherit); /* takes o's reference */
DWORD msw_inherit_flag(LPSECURITY_ATTRIBUTES sa);
int msw_handle_place(HANDLE h, msw_obj *o, DWORD flags);
int msw_table_walk_locked(int (*fn)(HANDLE h, msw_obj *o, DWORD flags, void *arg), void *arg);
/* The first object of that kind for which match(o, arg) is non-zero, or NULL. */
msw_obj *msw_find_locked(int kind, int (*match)(const msw_obj *o, const void *arg),
    const void *arg);
DWORD msw_close_locked(HANDLE h); /* empties h's slot: ERROR_* or 0 */
int msw_eventfd(int initial);
void msw_close_fd(int *fd); /* closes *fd if open; *fd = -1 */
void msw_tls_unref_locked(msw_tls *t);

/*
 * Hooks (handles.c calls nothing above it).  The file that owns an
 * operation registers it: io.c cancels a mailslot's reads when its last
 * handle closes; fork() runs each slot's hooks in slot order, the *_locked
 * ones with msw_mu held, child after it is released.
 */
typedef struct msw_fork_ops {
	void (*prepare_locked)(void);
	void (*parent_locked)(void);
	void (*child_locked)(void);
	void (*child)(void);
} msw_fork_ops;
enum { MSW_FORK_INHERIT, MSW_FORK_TLS, MSW_FORK_IO, MSW_FORK_SLOTS };
void msw_set_last_handle_hook(void (*fn)(msw_obj *o));
void msw_fork_register(int slot, const msw_fork_ops *ops);
void msw_fork_hooks(void); /* installs the pthread_atfork handlers, once */

/* The environment variable that carries inherited handles over exec. */
#define MSW_INHERIT_ENV "MAILSLOT_INHERITED_HANDLES"

/* Signaling (sync.c). */
void msw_signal(int fd);
void msw_unsignal(int fd);
msw_tls *msw_tls_get(void);
msw_tls *msw_tls_alloc(void);
void msw_tls_adopt(msw_tls *t);
msw_obj *msw_thread_self_locked(msw_tls *t);
void msw_thread_ended_locked(msw_tls *t);
void msw_queue_apc_locked(msw_tls *t, msw_apc *a);
DWORD msw_wait(DWORD n, msw_obj *const *objs, BOOL all, DWORD ms, BOOL alertable);
uint64_t msw_now_ms(void);

/* Overlapped I/O (io.c). */
BOOL msw_io_read(HANDLE h, LPVOID buf, DWORD n, LPDWORD got, LPOVERLAPPED ov,
    LPOVERLAPPED_COMPLETION_ROUTINE routine);
BOOL msw_io_write_done(msw_obj *o, DWORD n, LPOVERLAPPED ov,
    LPOVERLAPPED_COMPLETION_ROUTINE routine);
DWORD msw_status_error(uint32_t status);

/* Strings (strings.c). */
size_t msw_wlen(LPCWSTR w);
char *msw_utf8_n(LPCWSTR w, size_t n); /* UTF-8 of w's n units, NUL-terminated */
char *msw_to_utf8(LPCWSTR w, int *ok);
LPWSTR msw_utf16_n(const char *s, size_t n, size_t *outlen); /* UTF-16 of s's n bytes */
LPWSTR msw_to_utf16(const char *s);

/*
 * Inheritance over exec and fork: import in handles.c, export, brokers,
 * proxies and fork hooks in inherit.c.  CreateProcess (process.c) fills an
 * msw_export with msw_env_add and msw_export_handles, keeps x.fds open
 * across exec, and settles the brokers once it knows whether the child
 * started; around its own fork() it calls msw_set_spawning, so that the
 * fork hooks leave the handles alone in a child that executes at once.
 */
struct msw_broker;
typedef struct msw_export {
	char *env;        /* MAILSLOT_INHERITED_HANDLES=... */
	size_t len, cap;
	int fds[256];     /* to keep open across exec */
	int nfds;
	struct msw_broker *brokers[64];
	int nbrokers;
	int err;
} msw_export;
void msw_env_add(msw_export *x, const char *s);
void msw_export_handles(msw_export *x);
void msw_brokers_settle(msw_export *x, DWORD err);
void msw_set_spawning(int on);
int msw_proxy_read(msw_obj *o, void *buf, DWORD cap, DWORD *got);
int msw_proxy_info(msw_obj *o, mailslot_info *info);
int msw_proxy_set_timeout(msw_obj *o, DWORD timeout);
int msw_proxy_tryread(msw_obj *o, void *buf, DWORD cap, DWORD *got);
int msw_proxy_arequest(msw_obj *o, int cancel, uint32_t id, DWORD cap);
int msw_proxy_areply(msw_obj *o, uint32_t *id, DWORD *err,
    void *(*find)(msw_obj *, uint32_t, DWORD *), DWORD *len);
BOOL msw_exit_code_locked(msw_obj *o, DWORD *code);

#endif /* MSW_H */
