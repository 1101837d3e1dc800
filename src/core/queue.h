/* SPDX-License-Identifier: MIT */
/*
 * queue.h - a local mailslot's queue (queue.c).  Every function runs with
 * the server's lock held.
 */
#ifndef MSL_QUEUE_H
#define MSL_QUEUE_H

#include "slot.h"

/* msl_q_scan reads every writer's ring and makes what it can deliverable:
 * no system call unless a writer rang. */
void msl_q_scan(struct mailslot_server *s);

/*
 * msl_q_quiet(s, 1) tells every writer not to ring the doorbell while a
 * reader polls the rings (a wake-up nobody needs costs a system call on
 * both sides and wakes the intake thread); msl_q_quiet(s, 0) arms the
 * bells again, before the reader leaves or sleeps (it scans once more).
 */
void msl_q_quiet(struct mailslot_server *s, int quiet);

/* msl_q_scan_full is msl_q_scan after taking every doorbell and end that
 * the readiness set reports (one more system call): for the intake thread,
 * a woken reader and counts that must be exact (mailslot_get_info). */
void msl_q_scan_full(struct mailslot_server *s);

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
 * msl_q_admit makes room for it and maps its ring (its error goes in the
 * ack), msl_q_join links it in once the ack is sent, so that a FULL
 * notice can only follow the ack, and watches its control socket in the
 * readiness set (have_set: the set exists; if it does not, or the watch
 * fails, the writer is ended: it sees GONE).  The caller keeps ring_fd
 * (the mapping stays), and c on an admit error.
 */
mailslot_err msl_q_admit(struct mailslot_server *s, msl_conn *c, int ring_fd);
void msl_q_join(struct mailslot_server *s, msl_conn *c, int have_set);

/* msl_q_clear frees every writer and queued message (mailslot_close). */
void msl_q_clear(struct mailslot_server *s);

#endif /* MSL_QUEUE_H */
