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
 *    success.  errno is not part of the contract.
 *  - Handles are opaque.  A handle may be used from several threads at
 *    once; each call is internally serialised per handle.  Closing a
 *    handle while another thread still uses it is undefined.
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
 * mailslot_strerror returns a static, read-only sentence describing err.
 * Unknown values give "unknown mailslot error".  Thread-safe.
 */
MAILSLOT_API const char *mailslot_strerror(mailslot_err err);

/* mailslot_errno returns the errno value closest to err (0 for OK). */
MAILSLOT_API int mailslot_errno(mailslot_err err);

/* mailslot_win32_error returns the Win32 GetLastError() code for err. */
MAILSLOT_API uint32_t mailslot_win32_error(mailslot_err err);

/* mailslot_win32_error_name returns the Win32 symbol of err's code, such
 * as "ERROR_BAD_NETPATH", for messages.  Thread-safe. */
MAILSLOT_API const char *mailslot_win32_error_name(mailslot_err err);

/* mailslot_error_name returns "MAILSLOT_E_NAME" for err, for logs. */
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
 * Errors: NULLNAME (text is NULL), BADNAME (not a mailslot name, empty
 * path, or an empty path component), NAMELEN (path longer than
 * MAILSLOT_NAME_MAX).  A host that is neither "." nor "*" is reported as
 * SCOPE_COMPUTER; the caller decides whether it names a domain.
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
 * create a remote mailslot), NAMELEN, EXISTS, INVAL (bad options), NOMEM,
 * SYS.  Does not block.  The caller owns the handle.
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
 * describes the sender.
 * Errors: TIMEOUT (nothing arrived in time; immediately when the timeout
 * is 0), BUFSIZE (cap is smaller than the next message; *len is set to the
 * size needed and the message stays queued), BADHANDLE, NOMEM, SYS.
 * Blocks up to the timeout.  Thread-safe: concurrent readers each get
 * different messages.
 */
MAILSLOT_API mailslot_err mailslot_read(mailslot_server *s, void *buf,
    size_t cap, size_t *len, mailslot_msginfo *info);

/* mailslot_read_for is mailslot_read with an explicit timeout. */
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
 * Errors: BADHANDLE, SYS.  Does not block.
 */
MAILSLOT_API mailslot_err mailslot_get_info(
    mailslot_server *s, mailslot_info *out);

/* mailslot_set_timeout changes the read timeout of later reads. */
MAILSLOT_API mailslot_err mailslot_set_timeout(
    mailslot_server *s, uint32_t timeout_ms);

/*
 * mailslot_fd returns a file descriptor, owned by the handle, that polls
 * readable (POLLIN/EPOLLIN) while a message is queued, for use in
 * epoll/libuv/GLib loops.  It may also wake spuriously; call
 * mailslot_read_for(..., 0) and expect TIMEOUT then.  Never read or close
 * it.  Returns -1 for a NULL handle.
 */
MAILSLOT_API int mailslot_fd(mailslot_server *s);

/* mailslot_server_name copies the canonical local name ("\\.\mailslot\x"). */
MAILSLOT_API const char *mailslot_server_name(const mailslot_server *s);

/*
 * mailslot_close closes the server handle: queued messages are discarded,
 * the name is free again at once, and every client's next write fails with
 * MAILSLOT_E_GONE.  Accepts NULL.
 */
MAILSLOT_API void mailslot_close(mailslot_server *s);

/* ------------------------------------------------------------------ */
/* Client side                                                         */
/* ------------------------------------------------------------------ */

typedef struct mailslot_client mailslot_client;

/*
 * mailslot_open opens `name` for writing.  Local names connect to the
 * server directly; \\Computer, \\Domain and \\* names send NetBIOS
 * datagrams (see README, "Network mailslots").
 * Errors: NULLNAME, BADNAME, NAMELEN, NOTFOUND (no such local mailslot),
 * ACCESS (the mailslot refuses this process), NETWORK, NOMEM, SYS.
 * Blocks briefly (a local handshake, or name resolution for remote names).
 */
MAILSLOT_API mailslot_err mailslot_open(const char *name, mailslot_client **out);

/*
 * mailslot_write appends one whole message (len may be 0) atomically to the
 * mailslot.  FIFO across all writers holds: a message whose write returned
 * is read before any message written afterwards.
 * Errors: MSGSIZE (above the mailslot's maximum), FULL (the mailslot's
 * quota is used up, or this user's fair share of it (see README), or
 * the message is larger than the whole quota; nothing was written), GONE (the server closed or
 * died), BADNETPATH (a broadcast write above the datagram limit), TIMEOUT
 * (the server stopped draining for too long; the handle is then unusable),
 * BADHANDLE, SYS.  Normally does not block; it waits only while the
 * server is draining a full pipe.  Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_write(
    mailslot_client *c, const void *data, size_t len);

/* mailslot_client_close closes the client handle.  Accepts NULL. */
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
} mailslot_entry;

typedef int (*mailslot_list_cb)(const mailslot_entry *e, void *arg);

/*
 * mailslot_list calls cb once for every live local mailslot in this
 * namespace; a non-zero return from cb stops the walk.  pid and uid are
 * the process and user that created the mailslot, as the kernel recorded
 * them (SO_PEERCRED), not what its server claims; a mailslot whose owner
 * cannot be verified is left out.
 * Errors: SYS (cannot read the socket table).  Blocks briefly per entry.
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
 * point at static storage only for the duration of the call.
 * Errors: NODAEMON (no mailslotd in this network namespace), PROTO.
 * Blocks for one local round trip (at most 5 s).  Thread-safe.
 */
MAILSLOT_API mailslot_err mailslot_daemon_stats(mailslot_stat_cb cb, void *arg);

#ifdef __cplusplus
}
#endif
#endif /* MAILSLOT_MAILSLOT_H */
