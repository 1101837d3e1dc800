/*
 * live.h - the live page: what a writer checks before each write without
 * a system call.
 *
 * A process that owns mailslots has one live page set, a sealed memfd
 * (writers can map it only read-only):
 *  - at offset 0 a robust mutex that the process's intake thread locks at
 *    start and holds until the process ends.  When the process dies, kill -9
 *    included, the kernel clears the owner's thread id in the mutex word
 *    (its robust-list handling), so a zero owner means the server is gone;
 *  - from MSL_LIVE_SLOT0 one 64-bit word per mailslot:
 *    generation << 2 | MSL_LIVE_FULL | MSL_LIVE_CLOSED.  The generation
 *    changes when a slot is reused, so a stale writer never reads a newer
 *    mailslot's word as its own.
 * The handshake passes the memfd with the ack (msl_ack_live).  Writers that
 * get no live page (a kernel without memfd seals, a C library whose mutex
 * word is unknown) poll the control socket before each write instead.
 */
#ifndef MSL_LIVE_H
#define MSL_LIVE_H

#include <linux/futex.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define MSL_LIVE_SIZE (1u << 20)
#define MSL_LIVE_SLOT0 64u
#define MSL_LIVE_SLOTS ((MSL_LIVE_SIZE - MSL_LIVE_SLOT0) / sizeof(uint64_t))
#define MSL_LIVE_FULL 0x1u
#define MSL_LIVE_CLOSED 0x2u

#if defined(__GLIBC__)
#define MSL_LIVE_SUPPORTED 1
/* The futex word of a glibc mutex: for a robust one, its owner's thread id. */
#define MSL_LIVE_OWNER_OFF offsetof(pthread_mutex_t, __data.__lock)
#else
#define MSL_LIVE_SUPPORTED 0
#define MSL_LIVE_OWNER_OFF 0
#endif

/* The ack a writer or relay gets when a live page comes with it. */
typedef struct msl_ack_live {
	msl_ack ack;
	uint32_t slot;
	uint32_t pad;
	uint64_t gen;
} msl_ack_live;

/* msl_live_alive reports whether the process owning the page is alive. */
static inline int
msl_live_alive(const unsigned char *page)
{
	uint32_t w = __atomic_load_n((const uint32_t *)(const void *)(page + MSL_LIVE_OWNER_OFF),
	    __ATOMIC_ACQUIRE);
	return (w & FUTEX_TID_MASK) != 0 && (w & FUTEX_OWNER_DIED) == 0;
}

#endif /* MSL_LIVE_H */
