/* SPDX-License-Identifier: MIT */
/*
 * slot.h - the state of one local mailslot's server side: its writers and
 * its queue.  server.c (the public API and the reader's wait policy),
 * queue.c (buffers, ordering, quota, delivery) and handshake.c (accepting
 * writers) share it; every field is guarded by `mu`.
 */
#ifndef MSL_SLOT_H
#define MSL_SLOT_H

#include <pthread.h>

#include "core.h"
#include "intake.h"
#include "live.h"
#include "ring.h"

/*
 * What one user's writers (relays included) hold of a server's queue:
 * the quota is shared among the users with writers connected (queue.c).
 */
typedef struct msl_share {
	uid_t uid;
	uint32_t writers; /* connected, not dead                        */
	uint32_t count;   /* queued frames, ready or held               */
	uint64_t bytes;   /* their payload, plus partial-frame reservations */
} msl_share;

/* Large frames a writer may have in its ring, undelivered (queue.c). */
#define MSL_STUBS 8

/*
 * One connected writer (or relay) of a server.  Its queue is the bytes
 * copied out of its ring, frames back to back, in its own buffer:
 *
 *   buf: [rd .. ready) ready frames | [ready .. done) held frames |
 *        [done .. wr) part of a frame | [wr .. cap) free
 *
 * Ready frames may be delivered; held ones arrived during a scan that
 * began before their write (see queue.c).  A writer that went away (dead)
 * stays until its queue is delivered.
 */
typedef struct msl_conn {
	struct msl_conn *next, *prev;
	struct msl_conn *held_next; /* on srv->held_list while nheld > 0 */
	int ctrl;      /* SEQPACKET control socket, or -1 once dead  */
	msl_ring_r ring; /* the writer's ring (ring.h NULL: none)    */
	int eof;       /* the control socket ended: read the ring out */
	/* Large frames whose bodies stay in the ring until delivered: their
	 * positions there, oldest first (queue.c). */
	uint64_t stubs[MSL_STUBS];
	uint32_t stub0, nstubs;
	uint64_t stub_bytes; /* their bodies: at most half the ring       */
	size_t stub_at;    /* the frame just placed, for msl_parse        */
	int stub_ok;
	int role;
	int dead;      /* EOF or a protocol violation was seen        */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	msl_watch *hello_w; /* while its hello has not arrived          */
	uint64_t hello_by;  /* its hello's deadline (msl_now_ns)         */
	int notice;    /* last notice the writer should see (0: none) */
	int notice_sent;
	int live;      /* the writer got the live page (live.h)      */
	uint64_t id;   /* breaks ties between equal times             */
	long hidx;     /* index in srv->heap, or -1                   */
	uint64_t head_ts;  /* time of the frame at rd, while nready > 0 */
	uint64_t last_ts;  /* latest frame time, to keep the ring sorted */
	uint64_t floor;    /* a time at which its ring was seen empty    */
	unsigned char *buf;
	size_t cap, rd, ready, done, wr;
	size_t need;   /* bytes the partial frame at done needs (0: unknown) */
	size_t rsize;  /* free space to offer the next read(2)        */
	uint32_t nready, nheld;
	uint64_t held_bytes;
	uint64_t resv;     /* quota reserved for the partial frame at done */
	int parked;        /* it waits for room: its ring is not read     */
	size_t share;      /* its user's entry in srv->shares            */
	int share_want, share_sent; /* 1: over its user's share (a notice) */
} msl_conn;

struct mailslot_server {
	pthread_mutex_t mu;
	struct mailslot_server *all_next, *all_prev; /* every live server (server.c) */
	int listen;      /* abstract SEQPACKET listening socket       */
	int epfd;        /* control sockets (+ evfd): what a reader waits on; -1 until needed */
	int evfd;        /* see msl_q_update_ev; -1 until first needed */
	int ev_on;       /* evfd currently signalled                   */
	mailslot_name name;
	mailslot_options opt;
	uint32_t timeout_ms;
	uid_t uid;
	gid_t gid;
	/* The queue: a min-heap of the writers with ready frames, by their
	 * head frame's (time, id). */
	msl_conn **heap;
	size_t nheap, heap_cap;
	uint32_t count;   /* ready frames                              */
	uint64_t bytes;   /* their payload bytes                       */
	uint32_t held;    /* held frames (not counted until released)  */
	uint64_t hbytes;  /* their payload bytes                       */
	uint64_t resv;    /* quota reserved for large partial frames   */
	uint32_t nparked; /* writers whose partial frame waits for room */
	msl_share *shares; /* one per user that ever wrote              */
	size_t nshares, shares_cap;
	uint32_t nusers;  /* shares with writers connected             */
	msl_conn *held_list;
	uint64_t bound;   /* start time of the last complete scan      */
	uint64_t drains;  /* scans done; the intake thread watches it  */
	int full;         /* over quota at the last scan               */
	int renotify;     /* some writer still misses a notice         */
	int pollable;     /* mailslot_fd was called: evfd mirrors the queue */
	int waiting;      /* readers blocked on epfd                   */
	int inwait;       /* readers in msl_wait (they hold on to epfd) */
	int scan_full;    /* in msl_q_scan_full: leave no body in a ring */
	uint32_t last_scan; /* frames the last scan read                */
	uint64_t scans;   /* scans started                             */
	/* Writers. */
	msl_conn *conns;
	msl_conn *hello; /* accepted, waiting for their hello          */
	uint32_t nhello; /* how many                                   */
	uint32_t writers;
	uint32_t nrings; /* connections with a ring                    */
	size_t nconns;   /* connections in conns, the dead included    */
	uint64_t conn_ids;
	msl_live_slot live; /* the mailslot's word in the live page     */
	/* The intake thread's view (server.c). */
	int closing;
	msl_watch *w_listen, *w_set;
	uint64_t intake_drains; /* drains when a channel became readable */
	/* "\\.\mailslot\<path>", allocated to its length with the server:
	 * an idle mailslot costs its owner little more than this struct. */
	char display[];
};

#endif /* MSL_SLOT_H */
