/* SPDX-License-Identifier: MIT */
/*
 * live.h - the live page: what a writer checks before each write without
 * a system call.
 *
 * A process that owns mailslots has one live page, sealed shared memory
 * that writers can map only read-only:
 *  - at offset 0 a robust mutex that the process's intake thread locks at
 *    start and holds until the process ends.  When the process dies, kill -9
 *    included, the kernel marks the mutex (its robust-list handling), so a
 *    dead owner means the server is gone;
 *  - from MSL_LIVE_SLOT0 one 64-bit word per mailslot:
 *    generation << 2 | MSL_LIVE_FULL | MSL_LIVE_CLOSED.  The generation
 *    changes when a slot is reused, so a stale writer never reads a newer
 *    mailslot's word as its own.
 * The handshake passes the page with the ack (msl_ack_live).  Writers that
 * get no live page (a kernel without memfd seals, a C library whose mutex
 * layout is unknown) poll the control socket before each write instead.
 *
 * The owner side runs in the server's process, the writer side in the
 * writer's; both are thread-safe.
 */
#ifndef MSL_LIVE_H
#define MSL_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core.h"

#define MSL_LIVE_SIZE (1u << 20)
#define MSL_LIVE_SLOT0 64u
#define MSL_LIVE_SLOTS ((MSL_LIVE_SIZE - MSL_LIVE_SLOT0) / sizeof(uint64_t))
#define MSL_LIVE_FULL 0x1u
#define MSL_LIVE_CLOSED 0x2u

/* The ack a writer or relay gets when a live page comes with it. */
typedef struct msl_ack_live {
	msl_ack ack;
	uint32_t slot;
	uint32_t pad;
	uint64_t gen;
} msl_ack_live;

/* ---- owner side ---- */

/* One mailslot's word in this process's page; slot < 0: it has none. */
typedef struct msl_live_slot {
	long slot;
	uint64_t gen;
	pid_t pid; /* the process whose page it is (a fork child's is not) */
} msl_live_slot;

/*
 * msl_live_owner_init makes this process's page, once (again in a fork
 * child).  Failure is not an error: writers then poll instead.
 */
void msl_live_owner_init(void);

/* msl_live_thread_init takes the page's mutex for good; the intake thread
 * runs it first (msl_intake_start). */
void msl_live_thread_init(void);

/* msl_live_fd is the page's descriptor, to pass in acks, or -1. */
int msl_live_fd(void);

/* msl_live_slot_get gives a mailslot its word (slot -1 when none is left
 * or there is no page); msl_live_slot_put returns it for reuse. */
void msl_live_slot_get(msl_live_slot *s);
void msl_live_slot_put(msl_live_slot *s);

/* msl_live_store publishes a mailslot's FULL / CLOSED flags.  A child of
 * fork() that inherited the mailslot leaves the parent's word alone. */
void msl_live_store(const msl_live_slot *s, uint64_t flags);

/* ---- writer side ---- */

typedef struct msl_live_view {
	const void *page;   /* NULL: no live page, poll the control socket */
	size_t len;
	const uint64_t *word;
	uint64_t gen;
} msl_live_view;

/*
 * msl_live_map maps the part of a server's page that holds its owner's
 * mutex and this mailslot's word, after checking that the page is sealed
 * and long enough, so a hostile server cannot make us fault.  Returns 0,
 * or -1 with v->page NULL.
 */
int msl_live_map(int fd, const msl_ack_live *al, msl_live_view *v);

/*
 * msl_live_check reads the word: MAILSLOT_E_GONE when the mailslot was
 * closed or its process died, else OK with *full set from the FULL flag.
 * Two memory loads, no system call.
 */
mailslot_err msl_live_check(const msl_live_view *v, int *full);

void msl_live_unmap(msl_live_view *v);

#endif /* MSL_LIVE_H */
