/* SPDX-License-Identifier: MIT */
/*
 * drain.h - a local mailslot's readiness set and the intake thread's drain
 * policy (drain.c).  Every function runs with the server's lock held.
 */
#ifndef MSL_DRAIN_H
#define MSL_DRAIN_H

#include "slot.h"

/*
 * msl_rs_need makes sure the server has its readiness set (s->epfd), the
 * descriptor its writers' channels, a sleeping reader and mailslot_fd use,
 * watched by the intake thread.  An idle mailslot holds none: only its
 * listening socket.  Returns 0, or -1 with errno set.
 */
int msl_rs_need(struct mailslot_server *s);

/*
 * msl_rs_trim gives the readiness set back once nothing needs it: no
 * writer is connected, no reader sleeps on it and mailslot_fd was never
 * called.  Queued messages of writers that left need no descriptor.
 */
void msl_rs_trim(struct mailslot_server *s);

#endif /* MSL_DRAIN_H */
