/* SPDX-License-Identifier: MIT */
/*
 * queue.h - a local mailslot's queue (queue.c).  Every function runs with
 * the server's lock held.
 */
#ifndef MSL_QUEUE_H
#define MSL_QUEUE_H

#include "slot.h"

/* Up to this many writers, a scan reads each pipe rather than asking the
 * readiness set (queue.c), and so does a reader polling for frames. */
#define MSL_SCAN_DIRECT 2

/* msl_q_scan reads every writer's pipe and makes what it can deliverable. */
void msl_q_scan(struct mailslot_server *s);

/* msl_q_pop delivers the earliest message (the heap is not empty), or
 * reports the size it needs with BUFSIZE, keeping it. */
mailslot_err msl_q_pop(struct mailslot_server *s, void *buf, size_t cap, size_t *len,
    mailslot_msginfo *info);

/* msl_q_next_size is the size of the message msl_q_pop would deliver. */
uint32_t msl_q_next_size(const struct mailslot_server *s);

/* msl_q_update_ev keeps the event descriptor in step with the queue. */
void msl_q_update_ev(struct mailslot_server *s);

/*
 * A writer whose handshake succeeded joins in two steps around its ack:
 * msl_q_admit makes room for it and watches its pipe (its error goes in
 * the ack), msl_q_join links it in once the ack is sent, so that a FULL
 * notice can only follow the ack.  On an admit error the caller still
 * owns c and pipe_fd.
 */
mailslot_err msl_q_admit(struct mailslot_server *s, msl_conn *c, int pipe_fd);
void msl_q_join(struct mailslot_server *s, msl_conn *c);

/* msl_q_clear frees every writer and queued message (mailslot_close). */
void msl_q_clear(struct mailslot_server *s);

#endif /* MSL_QUEUE_H */
