/* SPDX-License-Identifier: MIT */
/*
 * core.h - private declarations shared by the core of libmailslot.
 *
 * Local transport (see docs/design.md for the why):
 *  - A server listens on an abstract AF_UNIX SOCK_SEQPACKET socket named
 *    "mailslot/<namespace>/<hash of the key>".  The abstract namespace
 *    gives exclusive creation and frees the name the instant the owner
 *    closes it or dies, with no stale files.
 *  - A client connects (the control channel), passes a fresh sealed
 *    shared-memory ring (ring.h) with SCM_RIGHTS and gets an
 *    acknowledgement.  Messages then travel as frames in that ring, one
 *    writer per ring, so one writer can never corrupt another's messages
 *    and a write makes no system call while the reader is awake.
 *  - Each frame carries the CLOCK_MONOTONIC time its write began.  The
 *    server merges all rings by that time and delivers a message only
 *    after a full scan that began after it: that gives FIFO across writers.
 *  - A per-process intake thread drains rings into memory while the
 *    application is busy, so writers never stall on the kernel's small
 *    buffers; a quota bounds that memory and makes writes fail with
 *    MAILSLOT_E_FULL instead.
 */
#ifndef MSL_CORE_H
#define MSL_CORE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <mailslot/mailslot.h>

/* ---- names (name.c, pure) ---- */
void msl_key_hash(const char *key, char hex[33]);
/* msl_name_open_arg checks the arguments shared by mailslot_open and
 * mailslot_create: MAILSLOT_E_INVAL when out is NULL, else whatever
 * mailslot_name_parse says of name (short forms allowed) into *n. */
mailslot_err msl_name_open_arg(const char *name, const void *out,
    mailslot_name *n);

/* ---- wire format of the local transport (version 2: the ack carries
 * the quota) ---- */
#define MSL_MAGIC 0x324c534du /* "MSL2" */

enum msl_role {
	MSL_ROLE_WRITER = 1, /* a client handle                          */
	MSL_ROLE_RELAY = 2,  /* mailslotd delivering remote messages     */
	MSL_ROLE_INFO = 3    /* mailslot_list asking who owns the name   */
};

/* Client -> server, first message on the control socket (+ ring fd).
 * After it, every record the client sends is a doorbell (ring.h). */
typedef struct msl_hello {
	uint32_t magic;
	uint32_t role;
	char key[MAILSLOT_NAME_MAX + 1];
} msl_hello;

/* Server -> client, answer to a hello. */
typedef struct msl_ack {
	uint32_t magic;
	uint32_t status; /* mailslot_err */
	uint32_t max_message_size;
	uint32_t flags;
	uint32_t access;
	uint32_t count;
	pid_t pid;
	uid_t uid;
	uint64_t quota_bytes; /* a larger message can never fit: FULL at once */
	char path[MAILSLOT_NAME_MAX + 1]; /* case-preserving name */
} msl_ack;

/* Server -> lister, a second record after the ack to an INFO hello: what
 * `mailslot list` shows beyond the ack.  A record of its own, so that the
 * writers' ack keeps its size. */
typedef struct msl_ack_info {
	uint32_t magic;
	uint32_t writers;
	uint64_t queued_bytes;
	uint64_t quota_bytes;
	uint32_t quota_messages;
	gid_t gid;
} msl_ack_info;

/* Server -> client notices on the control socket after the ack. */
enum msl_notice {
	MSL_NOTICE_FULL = 1,       /* the mailslot is over its quota         */
	MSL_NOTICE_OK = 2,
	MSL_NOTICE_SHARE_FULL = 3, /* this writer's user is over its share   */
	MSL_NOTICE_SHARE_OK = 4,
	MSL_NOTICE_ROOM = 5        /* consumed: a writer waiting may go on  */
};

/* Frame header in a writer's ring; all fields in host order. */
#define MSL_FRAME_ORIGIN 0x1u /* an msl_origin block follows (relay only) */
typedef struct msl_frame {
	uint32_t len;
	uint32_t flags;
	uint64_t ts;
} msl_frame;

typedef struct msl_origin {
	uint32_t ip;   /* network order */
	uint16_t port; /* host order */
	uint16_t pad;
	char name[sizeof(((mailslot_msginfo *)0)->src_name)]; /* NetBIOS, NUL-ended */
} msl_origin;

/* ---- the relay role, for mailslotd (local.c) ---- */
/*
 * msl_client_open_role opens the local mailslot n as a writer in `role`
 * (MSL_ROLE_WRITER, or MSL_ROLE_RELAY, which the server accepts only from
 * root or its trusted mailslotd).  Errors as mailslot_open's for a local
 * name; a relay waits at most 200 ms for the handshake.
 */
mailslot_err msl_client_open_role(const mailslot_name *n, int role,
    mailslot_client **out);
/*
 * A relay open that does not block, for mailslotd's event loop (local.c).
 * msl_relay_open_start connects to the local mailslot n without blocking
 * and sends the hello: the open is then in progress (*out, owned by the
 * caller) until msl_relay_open_fd(*out) is readable.  Errors at start as
 * msl_client_open_role's (FULL when the mailslot's listen queue is full).
 * msl_relay_open_finish reads the ack without blocking: TIMEOUT when it
 * has not come yet (the open stays in progress, call again once the
 * descriptor is readable); otherwise the open is consumed, and it yields
 * the handle *out or the mailslot's answer (NOTFOUND, ACCESS, ...).
 * msl_relay_open_abort gives up an open in progress (NULL is ignored).
 * An open in progress holds one descriptor (its socket; the ring it
 * offers is mapped, not held open); none of the
 * calls is thread-safe on the same open.
 */
typedef struct msl_relay_open msl_relay_open;
mailslot_err msl_relay_open_start(const mailslot_name *n, int role, msl_relay_open **out);
int msl_relay_open_fd(const msl_relay_open *o);
mailslot_err msl_relay_open_finish(msl_relay_open *o, mailslot_client **out);
void msl_relay_open_abort(msl_relay_open *o);
/*
 * msl_client_write_origin writes one relayed message with its network
 * origin, for mailslotd.  It waits at most wait_ms for ring room (0: not
 * at all), then fails with MAILSLOT_E_FULL, so one stopped reader cannot
 * stall the daemon.
 */
mailslot_err msl_client_write_origin(mailslot_client *c, const void *data,
    size_t len, const msl_origin *origin, uint32_t wait_ms);
/*
 * msl_client_write_batch writes relayed messages (each with its origin)
 * in one publish of the ring, for mailslotd.  It stops at the first
 * message that cannot go out at once (the ring is full, it is too large,
 * or the server is gone or full) and returns how many
 * were written; the caller writes the rest with msl_client_write_origin,
 * which reports each one's error.  Thread-safe.
 */
typedef struct msl_batch_msg {
	const void *data;
	size_t len;
	const msl_origin *origin;
} msl_batch_msg;
size_t msl_client_write_batch(mailslot_client *c, const msl_batch_msg *m,
    size_t n);

#endif /* MSL_CORE_H */
