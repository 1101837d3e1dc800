/*
 * server.h - the server side of a local mailslot, shared by server.c and
 * the intake thread (intake.c).
 */
#ifndef MSL_SERVER_H
#define MSL_SERVER_H

#include "core.h"

/* Tags in epoll data, so one epoll set can watch several kinds of fd. */
enum msl_tag { MSL_TAG_SLOT = 0, MSL_TAG_LISTEN = 1, MSL_TAG_HELLO = 2, MSL_TAG_WAKE = 3 };

/*
 * One connected writer (or relay) of a server.  Its queue is the bytes
 * read from its pipe, frames back to back, in its own buffer:
 *
 *   buf: [rd .. ready) ready frames | [ready .. done) held frames |
 *        [done .. wr) part of a frame | [wr .. cap) free
 *
 * Ready frames may be delivered; held ones arrived during a scan that
 * began before their write (see msl_srv_scan).  A writer that went away
 * (dead) stays until its queue is delivered.
 */
typedef struct msl_conn {
	struct msl_conn *next, *prev;
	struct msl_conn *held_next; /* on srv->held_list while nheld > 0 */
	struct mailslot_server *srv;
	int ctrl;      /* SEQPACKET control socket, or -1 once dead  */
	int pipe;      /* read end of the writer's pipe, or -1       */
	int role;
	int dead;      /* EOF or a protocol violation was seen        */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int notice;    /* last notice the writer should see (0: none) */
	int notice_sent;
	int live;      /* the writer got the live page (live.h)      */
	uint64_t id;   /* breaks ties between equal times             */
	long hidx;     /* index in srv->heap, or -1                   */
	uint64_t head_ts;  /* time of the frame at rd, while nready > 0 */
	uint64_t last_ts;  /* latest frame time, to keep the pipe sorted */
	unsigned char *buf;
	size_t cap, rd, ready, done, wr;
	size_t need;   /* bytes the partial frame at done needs (0: unknown) */
	size_t rsize;  /* free space to offer the next read(2)        */
	uint32_t nready, nheld;
	uint64_t held_bytes;
} msl_conn;

struct mailslot_server {
	pthread_mutex_t mu;
	int listen;      /* abstract SEQPACKET listening socket       */
	int epfd;        /* the pipes (+ evfd): what a reader waits on */
	int evfd;        /* see msl_update_ev; -1 until first needed   */
	int ev_on;       /* evfd currently signalled                   */
	mailslot_name name;
	char display[MAILSLOT_NAME_MAX + 16];
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
	msl_conn *held_list;
	uint64_t bound;   /* start time of the last complete scan      */
	uint64_t drains;  /* scans done; the intake thread watches it  */
	int full;         /* over quota at the last scan               */
	int renotify;     /* some writer still misses a notice         */
	int pollable;     /* mailslot_fd was called: evfd mirrors the queue */
	int waiting;      /* readers blocked in epoll_wait on epfd     */
	uint32_t last_scan; /* frames the last scan read                */
	/* Writers. */
	msl_conn *conns;
	msl_conn *hello; /* accepted, waiting for their hello          */
	uint32_t writers;
	uint32_t live;   /* connections with a pipe                    */
	size_t nconns;   /* connections in conns, the dead included    */
	uint64_t conn_ids;
	/* The mailslot's word in the process's live page (live.h), or -1. */
	long live_slot;
	uint64_t live_gen;
	pid_t live_pid;   /* the process whose page that is             */
	/* Intake bookkeeping (intake.c, under the intake lock). */
	int closing;
	int in_intake;
	int intake_pending;
	uint64_t intake_deadline;
	uint64_t intake_drains;
	struct mailslot_server *intake_next;         /* graveyard link */
	struct mailslot_server *intake_next_pending; /* pending-drain link */
};

/* server.c, called with srv->mu held. */
void msl_srv_scan(struct mailslot_server *s);
void msl_srv_accept(struct mailslot_server *s);
void msl_srv_hello(struct mailslot_server *s);

/* intake.c */
int msl_intake_add(struct mailslot_server *s);
int msl_intake_watch_hello(msl_conn *c);
void msl_intake_unwatch_hello(msl_conn *c);
void msl_intake_retire(struct mailslot_server *s);
int msl_live_fd(void);
void msl_live_store(struct mailslot_server *s, uint64_t flags);

#endif /* MSL_SERVER_H */
