/*
 * server.h - the server side of a local mailslot, shared by server.c and
 * the intake thread (intake.c).
 */
#ifndef MSL_SERVER_H
#define MSL_SERVER_H

#include "core.h"

/* One queued message.  Messages form a list sorted by (ts, seq). */
typedef struct msl_msg {
	struct msl_msg *next, *prev;
	uint64_t ts;
	uint64_t seq; /* arrival order: breaks ties between equal times */
	uint32_t len;
	int remote;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	msl_origin origin;
	unsigned char data[];
} msl_msg;

/* Tags in epoll data, so one epoll set can watch several kinds of fd. */
enum msl_tag { MSL_TAG_SLOT = 0, MSL_TAG_LISTEN = 1, MSL_TAG_HELLO = 2, MSL_TAG_WAKE = 3 };

/* One connected writer (or relay) of a server. */
typedef struct msl_conn {
	struct msl_conn *next, *prev;
	struct mailslot_server *srv;
	int ctrl;      /* SEQPACKET control socket                    */
	int pipe;      /* read end of the writer's pipe, or -1        */
	int role;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int notice;    /* last notice the writer should see (0: none) */
	int notice_sent;
	/* Frame parser state: a header being collected, then a body. */
	unsigned char hdr[sizeof(msl_frame) + sizeof(msl_origin)];
	size_t hdr_have;
	msl_msg *cur;
	size_t cur_have;
	/* Complete frames newer than the scan that read them (see scan). */
	msl_msg *held, *held_tail;
} msl_conn;

struct mailslot_server {
	pthread_mutex_t mu;
	int listen;      /* abstract SEQPACKET listening socket       */
	int epfd;        /* the pipes (+ evfd): what a reader waits on */
	int evfd;        /* readable while messages are queued, or -1 */
	int ev_on;       /* evfd currently signalled                   */
	mailslot_name name;
	char display[MAILSLOT_NAME_MAX + 16];
	mailslot_options opt;
	uint32_t timeout_ms;
	uid_t uid;
	gid_t gid;
	/* The queue. */
	msl_msg *head, *tail;
	uint32_t count;
	uint64_t bytes;
	uint64_t seq;
	uint64_t bound;  /* start time of the last complete scan      */
	uint64_t drains; /* scans done; the intake thread watches it  */
	int full;        /* over quota at the last scan               */
	/* Writers. */
	msl_conn *conns;
	msl_conn *hello; /* accepted, waiting for their hello          */
	uint32_t writers;
	unsigned char *rbuf;
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

#endif /* MSL_SERVER_H */
