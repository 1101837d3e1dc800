/* SPDX-License-Identifier: MIT */
/*
 * mailslot.h - native C API of libmailslot.
 *
 * A mailslot is named, one-way, message-oriented IPC: one server creates
 * the name and reads whole messages in FIFO order; any number of clients
 * open the name and write messages.  Local mailslots need no daemon: the
 * library alone, in the processes that use it, carries every message.
 *
 * Conventions that hold for every function below unless its comment says
 * otherwise:
 *  - Functions return a mailslot_err; MAILSLOT_OK (0) is success and
 *    results come back through out-parameters, which are written only on
 *    success (mailslot_read's BUFSIZE, which reports the size needed, is
 *    the one exception).  errno is not part of the contract.
 *  - Handles are opaque and owned by the caller until it closes them.  A
 *    handle may be used from several threads at once; each call is
 *    internally serialised per handle.  Closing a handle while another
 *    thread still uses it is undefined.
 *  - Timeouts are in milliseconds; MAILSLOT_WAIT_FOREVER blocks without
 *    limit and 0 never blocks.
 *
 * Symbols that start with mailslot_ / MAILSLOT_ are the public interface;
 * everything else in the library is private.
 */
#ifndef MAILSLOT_MAILSLOT_H
#define MAILSLOT_MAILSLOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MAILSLOT_API __attribute__((visibility("default")))
#else
#define MAILSLOT_API
#endif

#define MAILSLOT_VERSION_MAJOR 0
#define MAILSLOT_VERSION_MINOR 1
#define MAILSLOT_VERSION_PATCH 0

/* Timeout value that waits without limit (the Win32 MAILSLOT_WAIT_FOREVER). */
#define MAILSLOT_WAIT_FOREVER UINT32_MAX
/* Next-message size reported when the queue is empty (MAILSLOT_NO_MESSAGE). */
#define MAILSLOT_NO_MESSAGE UINT32_MAX

/*
 * The error table, defined once.  Each row is
 *   X(NAME, value, errno equivalent, Win32 code, Win32 symbol, text)
 * and produces the enumerator MAILSLOT_E_NAME (MAILSLOT_OK for row OK).
 * mailslot_strerror(), mailslot_errno(), mailslot_win32_error() and
 * mailslot_win32_error_name() read
 * the same rows, so the three views can never drift apart.
 */
#define MAILSLOT_ERROR_TABLE(X)                                                \
	X(OK, 0, 0, 0, ERROR_SUCCESS, "success")                               \
	X(INVAL, 1, EINVAL, 87, ERROR_INVALID_PARAMETER, "invalid argument")   \
	X(BADNAME, 2, EINVAL, 123, ERROR_INVALID_NAME,                         \
	    "not a valid mailslot name")                                       \
	X(NULLNAME, 3, EFAULT, 3, ERROR_PATH_NOT_FOUND,                        \
	    "no mailslot name given")                                          \
	X(NAMELEN, 4, ENAMETOOLONG, 206, ERROR_FILENAME_EXCED_RANGE,           \
	    "mailslot name too long")                                          \
	X(EXISTS, 5, EEXIST, 183, ERROR_ALREADY_EXISTS,                        \
	    "a mailslot of that name already exists")                          \
	X(NOTFOUND, 6, ENOENT, 2, ERROR_FILE_NOT_FOUND, "no such mailslot")    \
	X(ACCESS, 7, EACCES, 5, ERROR_ACCESS_DENIED, "access denied")          \
	X(TIMEOUT, 8, ETIMEDOUT, 121, ERROR_SEM_TIMEOUT,                       \
	    "no message arrived within the timeout")                           \
	X(BUFSIZE, 9, ENOBUFS, 122, ERROR_INSUFFICIENT_BUFFER,                 \
	    "buffer too small for the next message (it stays queued)")         \
	X(MSGSIZE, 10, EMSGSIZE, 87, ERROR_INVALID_PARAMETER,                  \
	    "message larger than the mailslot's maximum message size")         \
	X(FULL, 11, EAGAIN, 1816, ERROR_NOT_ENOUGH_QUOTA,                      \
	    "mailslot full: its queue quota is used up")                       \
	X(GONE, 12, EPIPE, 38, ERROR_HANDLE_EOF,                               \
	    "the mailslot's server has closed it")                             \
	X(BADHANDLE, 13, EBADF, 6, ERROR_INVALID_HANDLE, "invalid handle")     \
	X(NOMEM, 14, ENOMEM, 8, ERROR_NOT_ENOUGH_MEMORY, "out of memory")      \
	X(BADNETPATH, 15, EMSGSIZE, 53, ERROR_BAD_NETPATH,                     \
	    "network path not found: an unknown computer, or a message too "   \
	    "large for a domain or * mailslot")                                \
	X(NOTSUP, 16, ENOTSUP, 50, ERROR_NOT_SUPPORTED,                        \
	    "operation not supported")                                         \
	X(PROTO, 17, EPROTO, 1359, ERROR_INTERNAL_ERROR,                       \
	    "protocol error talking to the mailslot")                          \
	X(NETWORK, 18, ENETUNREACH, 51, ERROR_REM_NOT_LIST,                    \
	    "remote computer not found or network unreachable")                \
	X(NODAEMON, 19, ECONNREFUSED, 1722, RPC_S_SERVER_UNAVAILABLE,          \
	    "mailslotd is not running (needed for remote mailslots)")          \
	X(SYS, 20, EIO, 31, ERROR_GEN_FAILURE, "unexpected system error")

#define MAILSLOT_ERR_ENUM_(name, val, eno, w32, w32name, text) MAILSLOT_E_##name = val,
typedef enum mailslot_err {
	MAILSLOT_ERROR_TABLE(MAILSLOT_ERR_ENUM_)
	MAILSLOT_ERR_COUNT_
} mailslot_err;
#undef MAILSLOT_ERR_ENUM_
#define MAILSLOT_OK MAILSLOT_E_OK

/*
 * The four views of the table below are pure functions of err: they never
 * fail, make no system call and are thread-safe.  Strings are static and
 * read-only.
 *
 * mailslot_strerror returns a sentence describing err; unknown values give
 * "unknown mailslot error".
 */
MAILSLOT_API const char *mailslot_strerror(mailslot_err err);

/* mailslot_errno returns the errno value closest to err (0 for OK, EIO for
 * an unknown value). */
MAILSLOT_API int mailslot_errno(mailslot_err err);

/* mailslot_win32_error returns the Win32 GetLastError() code for err (31,
 * ERROR_GEN_FAILURE, for an unknown value). */
MAILSLOT_API uint32_t mailslot_win32_error(mailslot_err err);

/* mailslot_win32_error_name returns the Win32 symbol of err's code, such
 * as "ERROR_BAD_NETPATH", for messages ("ERROR_GEN_FAILURE" if unknown). */
MAILSLOT_API const char *mailslot_win32_error_name(mailslot_err err);

/* mailslot_error_name returns "MAILSLOT_E_NAME" for err, for logs
 * ("MAILSLOT_E_UNKNOWN" if unknown). */
MAILSLOT_API const char *mailslot_error_name(mailslot_err err);

/*
 * mailslot_sys_errno returns the errno value behind the last
 * MAILSLOT_E_SYS that a libmailslot call returned to this thread (0 if
 * none did), for a message such as strerror(mailslot_sys_errno()).  The
 * value is per thread and stays until the next MAILSLOT_E_SYS.
 */
MAILSLOT_API int mailslot_sys_errno(void);

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* Longest name accepted after "\\.\mailslot\" (in bytes). */
#define MAILSLOT_NAME_MAX 255

/* Where a mailslot name points. */
typedef enum mailslot_scope {
	MAILSLOT_SCOPE_LOCAL = 0,  /* \\.\mailslot\x                   */
	MAILSLOT_SCOPE_COMPUTER,   /* \\Computer\mailslot\x (unique)   */
	MAILSLOT_SCOPE_DOMAIN,     /* \\Domain\mailslot\x (broadcast)  */
	MAILSLOT_SCOPE_PRIMARY     /* \\*\mailslot\x (broadcast)       */
} mailslot_scope;

/*
 * A parsed mailslot name.  `path` is the part after "mailslot\" with '/'
 * turned into '\' and is case-preserving; `key` is the same text folded to
 * lower case, which is what names are compared by.  `host` is empty for
 * local names, "*" for the primary domain, else the computer or domain.
 */
typedef struct mailslot_name {
	mailslot_scope scope;
	char host[64];
	char path[MAILSLOT_NAME_MAX + 1];
	char key[MAILSLOT_NAME_MAX + 1];
} mailslot_name;

/*
 * mailslot_name_parse parses `text` in any of the accepted forms:
 * "\\.\mailslot\x", "//./mailslot/x", "\\host\mailslot\x", "\\*\mailslot\x"
 * or, when `allow_short` is non-zero, a bare "x" (taken as local).
 * Errors: NULLNAME (text is NULL), BADNAME (not a mailslot name, an empty
 * path, an empty path component, a control character, or a host of 64
 * bytes or more), NAMELEN (path longer than MAILSLOT_NAME_MAX).  A host
 * that is neither "." nor "*" is reported as SCOPE_COMPUTER; the caller
 * decides whether it names a domain.  `out` must not be NULL.
 * Pure function: no system calls, thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_name_parse(
    const char *text, int allow_short, mailslot_name *out);

/* ------------------------------------------------------------------ */
/* Server side                                                         */
/* ------------------------------------------------------------------ */

typedef struct mailslot_server mailslot_server;

/* Who may open a mailslot for writing. */
typedef enum mailslot_access {
	MAILSLOT_ACCESS_ANY = 0, /* any local process (Windows default) */
	MAILSLOT_ACCESS_USER,    /* processes of the creator's uid only  */
	MAILSLOT_ACCESS_GROUP    /* creator's uid, or members of its gid */
} mailslot_access;

/* Option flags. */
#define MAILSLOT_LOCAL_ONLY 0x1u /* refuse messages relayed by mailslotd */

/* Default queue quota: a write past it fails with MAILSLOT_E_FULL. */
#define MAILSLOT_DEFAULT_QUOTA_BYTES ((uint64_t)64 << 20)
#define MAILSLOT_DEFAULT_QUOTA_MESSAGES 1000000u

typedef struct mailslot_options {
	uint32_t max_message_size; /* 0 = any size (stored verbatim)       */
	uint32_t read_timeout_ms;  /* 0, N ms, or MAILSLOT_WAIT_FOREVER    */
	mailslot_access access;    /* default MAILSLOT_ACCESS_ANY          */
	uint32_t flags;            /* MAILSLOT_LOCAL_ONLY, ...             */
	uint64_t quota_bytes;      /* 0 = MAILSLOT_DEFAULT_QUOTA_BYTES     */
	uint32_t quota_messages;   /* 0 = MAILSLOT_DEFAULT_QUOTA_MESSAGES  */
	uint32_t reserved_[7];     /* zero; room to grow without an ABI break */
} mailslot_options;

/* mailslot_options_init fills *opt with the defaults above.  Never fails. */
MAILSLOT_API void mailslot_options_init(mailslot_options *opt);

/*
 * mailslot_create creates the local mailslot `name` (any local form, or a
 * bare name) and returns its server handle in *out.  `opt` may be NULL for
 * the defaults.  The name stays taken until mailslot_close or the death of
 * the process, kill -9 included.
 * Errors: NULLNAME, BADNAME (also for remote names: a process cannot
 * create a remote mailslot), NAMELEN, EXISTS, INVAL (out is NULL, an
 * unknown access rule or flag, or a $MAILSLOT_NAMESPACE too long for a
 * socket address), NOMEM, SYS.  Does not block.  Thread-safe.  The caller
 * owns the handle and frees it with mailslot_close.
 */
MAILSLOT_API mailslot_err mailslot_create(
    const char *name, const mailslot_options *opt, mailslot_server **out);

/* Where a message came from. */
typedef struct mailslot_msginfo {
	int remote;          /* 0: a local process; 1: relayed by mailslotd   */
	pid_t pid;           /* local writer's pid (remote: mailslotd's)      */
	uid_t uid;           /* local writer's uid (remote: mailslotd's)      */
	gid_t gid;           /* local writer's gid                            */
	uint32_t src_ip;     /* remote: IPv4 source, network byte order       */
	uint16_t src_port;   /* remote: UDP source port, host byte order      */
	char src_name[16];   /* remote: NetBIOS source name, NUL-terminated   */
	uint64_t sent_ns;    /* CLOCK_MONOTONIC time the write began          */
} mailslot_msginfo;

/*
 * mailslot_read reads the next whole message into buf (capacity `cap`),
 * waiting up to the mailslot's read timeout.  On success *len is the
 * message size (0 for an empty message) and, if `info` is not NULL, it
 * describes the sender.  `len` may be NULL; `buf` may be NULL when cap is 0.
 * Errors: TIMEOUT (nothing arrived in time; immediately when the timeout
 * is 0), BUFSIZE (cap is smaller than the next message; *len is set to the
 * size needed and the message stays queued), BADHANDLE (s is NULL), INVAL
 * (buf is NULL and cap is not 0).
 * Blocks up to the timeout, which is read when the call starts.
 * Thread-safe: concurrent readers each get different messages.
 */
MAILSLOT_API mailslot_err mailslot_read(mailslot_server *s, void *buf,
    size_t cap, size_t *len, mailslot_msginfo *info);

/* mailslot_read_for is mailslot_read with an explicit timeout, in place
 * of the mailslot's; same errors. */
MAILSLOT_API mailslot_err mailslot_read_for(mailslot_server *s, void *buf,
    size_t cap, size_t *len, mailslot_msginfo *info, uint32_t timeout_ms);

typedef struct mailslot_info {
	uint32_t max_message_size; /* as created                          */
	uint32_t next_size;        /* head size, or MAILSLOT_NO_MESSAGE     */
	uint32_t count;            /* queued messages, empty ones included */
	uint32_t read_timeout_ms;  /* current read timeout                 */
	uint64_t queued_bytes;     /* payload bytes queued                 */
	uint32_t writers;          /* client handles currently open        */
} mailslot_info;

/*
 * mailslot_get_info reports the queue state.  Every message whose write
 * returned before this call is counted (while the queue is under quota).
 * Errors: BADHANDLE (s is NULL), INVAL (out is NULL).  Never waits for a
 * message; it reads the writers' pipes under the handle's lock, so it may
 * wait briefly for a read that holds it.  Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_get_info(
    mailslot_server *s, mailslot_info *out);

/*
 * mailslot_set_timeout changes the read timeout of later mailslot_read
 * calls (0, milliseconds, or MAILSLOT_WAIT_FOREVER); a read already
 * waiting keeps the timeout it started with.  Errors: BADHANDLE (s is
 * NULL).  Does not block.  Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_set_timeout(
    mailslot_server *s, uint32_t timeout_ms);

/*
 * mailslot_fd returns a file descriptor, owned by the handle, that polls
 * readable (POLLIN/EPOLLIN) while a message is queued, for use in
 * epoll/libuv/GLib loops.  It may also wake spuriously; call
 * mailslot_read_for(..., 0) and expect TIMEOUT then.  Never read or close
 * it; it stays valid until mailslot_close.  Returns -1 for a NULL handle.
 * Thread-safe.
 */
MAILSLOT_API int mailslot_fd(mailslot_server *s);

/*
 * mailslot_server_name returns the canonical local name ("\\.\mailslot\x",
 * with the case it was created with and '\' between components).  It does
 * not copy: the string belongs to the handle, never changes, and is valid
 * until mailslot_close.  Returns "" for a NULL handle.  Does not block.
 */
MAILSLOT_API const char *mailslot_server_name(const mailslot_server *s);

/*
 * mailslot_close closes the server handle: queued messages are discarded,
 * the name is free again at once, and every client's next write fails with
 * MAILSLOT_E_GONE.  Accepts NULL.  The handle, its descriptor (mailslot_fd)
 * and its name (mailslot_server_name) are invalid afterwards; no other
 * thread may be using it.
 */
MAILSLOT_API void mailslot_close(mailslot_server *s);

/* ------------------------------------------------------------------ */
/* Client side                                                         */
/* ------------------------------------------------------------------ */

typedef struct mailslot_client mailslot_client;

/*
 * mailslot_open opens `name` for writing.  Local names connect to the
 * server directly; \\Computer, \\Domain and \\* names send NetBIOS
 * datagrams (see mailslot(7), "Network semantics").
 * Errors: INVAL (out is NULL, or a $MAILSLOT_NAMESPACE too long for a
 * socket address), NULLNAME, BADNAME, NAMELEN, NOTFOUND (no such local
 * mailslot, or it closed during the handshake), ACCESS (the mailslot
 * refuses this process), TIMEOUT (the mailslot's process did not answer
 * the handshake within 5 s, e.g. it is stopped), PROTO (the answer was
 * not a mailslot's), BADNETPATH (a remote host, other than * and the
 * configured workgroup, that neither the hosts file, DNS nor a NetBIOS
 * name query resolves, or that is no valid NetBIOS name), NOMEM (out of
 * memory or of file descriptors), SYS.
 * Blocks: a local open waits for the handshake (at most 5 s), and before
 * it, while the mailslot's queue of connections not yet accepted is full,
 * for room in it; a remote open asks the local mailslotd (at most 5 s),
 * then getaddrinfo (as long as the resolver takes) and, for an unknown
 * computer, a NetBIOS name query (3 tries, 250 ms apart).  Thread-safe.
 * The caller owns the handle and frees it with mailslot_client_close.
 */
MAILSLOT_API mailslot_err mailslot_open(const char *name, mailslot_client **out);

/*
 * mailslot_write appends one whole message (len may be 0) atomically to the
 * mailslot.  FIFO across all writers holds: a message whose write returned
 * is read before any message written afterwards.
 * Errors: BADHANDLE (c is NULL), INVAL (data is NULL and len is not 0),
 * MSGSIZE (above the mailslot's maximum, or a \\Computer write larger
 * than one datagram), FULL (the mailslot's quota is used up, or this
 * user's fair share of it, or the message is larger than the whole quota,
 * or its server drained nothing for 10 s; nothing was written), GONE (the server closed
 * or died), TIMEOUT (the server stopped draining for 10 s in the middle
 * of a large message; the handle is then unusable), BADNETPATH (a
 * \\Domain or \\* write above the datagram limit), NETWORK (a remote
 * write that no interface took), SYS.
 * Normally does not block; it waits, at most 10 s, only while the
 * server's pipe is full and the server is alive and under quota.
 * Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_write(
    mailslot_client *c, const void *data, size_t len);

/* mailslot_client_close closes the client handle; what it wrote stays
 * queued for the reader.  Accepts NULL; no other thread may be using it. */
MAILSLOT_API void mailslot_client_close(mailslot_client *c);

/* ------------------------------------------------------------------ */
/* Listing                                                             */
/* ------------------------------------------------------------------ */

typedef struct mailslot_entry {
	char name[MAILSLOT_NAME_MAX + 16]; /* "\\.\mailslot\x"              */
	pid_t pid;                         /* owner process                  */
	uid_t uid;                         /* owner user                     */
	uint32_t count;                    /* queued messages                */
	uint32_t max_message_size;
	mailslot_access access;
	uint32_t flags;
	/* The fields below were added after 0.1; the library fills the
	 * entry, so callers built against 0.1 simply do not see them. */
	uint32_t state;                    /* MAILSLOT_ENTRY_*               */
	gid_t gid;                         /* owner group                    */
	uint32_t writers;                  /* client handles open            */
	uint64_t queued_bytes;             /* payload bytes queued           */
	uint64_t quota_bytes;              /* the queue's quota              */
	uint32_t quota_messages;
} mailslot_entry;

/* mailslot_entry.state: whether the owner answered the listing. */
#define MAILSLOT_ENTRY_OK 0u
/* The owner holds the name but did not answer in time (stopped, or stuck):
 * only pid, uid and gid are known, name is empty, the rest is zero. */
#define MAILSLOT_ENTRY_NOT_ANSWERING 1u

typedef int (*mailslot_list_cb)(const mailslot_entry *e, void *arg);

/*
 * mailslot_list calls cb, from the calling thread, once for every local
 * mailslot in this namespace, the ones whose owner does not answer
 * included (state says which); a non-zero return from cb stops the walk.
 * pid and uid are the process and user that created the mailslot, as the
 * kernel recorded them (SO_PEERCRED), not what its server claims.
 * The entry is valid only during the call of cb.
 * Errors: INVAL (cb is NULL, or a $MAILSLOT_NAMESPACE too long for a
 * socket address), SYS (cannot read the socket table).  Blocks for one
 * handshake per mailslot, up to the handshake timeout for an owner that
 * does not answer.  Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_list(mailslot_list_cb cb, void *arg);

/* ------------------------------------------------------------------ */
/* The network daemon                                                  */
/* ------------------------------------------------------------------ */

typedef int (*mailslot_stat_cb)(const char *name, uint64_t value, void *arg);

/*
 * mailslot_daemon_stats asks this host's mailslotd for its counters
 * (datagrams received, delivered, and dropped by reason; see mailslotd(8))
 * and calls cb once per counter, in a stable order; a non-zero return
 * from cb stops the walk.  Names are lower-case words joined by '_' and
 * are valid only during the call of cb.
 * Errors: INVAL (cb is NULL), NODAEMON (no mailslotd in this network
 * namespace, or it did not answer within 5 s), PROTO (a malformed
 * answer), SYS.  Blocks for one local round trip (at most 5 s).
 * Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_daemon_stats(mailslot_stat_cb cb, void *arg);

/* ------------------------------------------------------------------ */
/* Version                                                             */
/* ------------------------------------------------------------------ */

/*
 * mailslot_version returns the version of the library loaded at run time
 * as a static string ("0.1.0") and, through each pointer that is not
 * NULL, its parts; compare them with MAILSLOT_VERSION_* to tell which
 * header a program was built with from which library it runs with.
 * Never fails.  Thread-safe.
 */
MAILSLOT_API const char *mailslot_version(int *major, int *minor, int *patch);

#ifdef __cplusplus
}
#endif
#endif /* MAILSLOT_MAILSLOT_H */
