/* SPDX-License-Identifier: MIT */
/*
 * intake.h - the per-process intake thread: a plain event loop that calls
 * back when a descriptor is readable or a deadline passes.
 *
 * The local server uses it to accept writers and drain their rings while
 * the application is busy elsewhere (see server.c); it knows nothing of
 * mailslots.  Callbacks run in the intake thread, one at a time; they must
 * not block.
 */
#ifndef MSL_INTAKE_H
#define MSL_INTAKE_H

#include <stdint.h>

typedef struct msl_watch msl_watch;
typedef void msl_intake_fn(void *arg);

/*
 * msl_intake_start starts the thread, once per process (again in a child
 * of fork()); thread_init runs first in the new thread, before this
 * returns.  Returns 0, or -1 when the thread or its descriptors cannot be
 * made.  Thread-safe.
 */
int msl_intake_start(void (*thread_init)(void));

/*
 * msl_intake_watch calls fn(arg) in the intake thread when fd is readable,
 * or with MSL_POLL_HUP when its peer closed.  With MSL_POLL_ONESHOT, only
 * once until msl_intake_rearm.  Returns NULL if out of memory or the
 * descriptor cannot be watched.  The caller keeps fd open until
 * msl_intake_unwatch.  Thread-safe.
 */
msl_watch *msl_intake_watch(int fd, uint32_t events, msl_intake_fn *fn, void *arg);

/* msl_intake_rearm re-enables a one-shot watch.  Thread-safe. */
void msl_intake_rearm(msl_watch *w);

/*
 * msl_intake_after calls fn(arg) once, in the intake thread, when
 * msl_now_ns() reaches deadline; a second call replaces the first.  Only
 * from the intake thread (that is, from a callback).
 */
void msl_intake_after(msl_watch *w, uint64_t deadline, msl_intake_fn *fn);

/*
 * msl_intake_unwatch ends a watch and its timer; w is freed by the thread.
 * Called from another thread, a callback of w that the thread has already
 * picked up may still run once: callbacks check their object's state under
 * its own lock.  Thread-safe.
 */
void msl_intake_unwatch(msl_watch *w);

/*
 * msl_intake_defer runs fn(arg) in the intake thread once no callback that
 * started before this call is still running: the way to free what
 * callbacks point to.  Thread-safe.
 */
void msl_intake_defer(msl_intake_fn *fn, void *arg);

#endif /* MSL_INTAKE_H */
