/* SPDX-License-Identifier: MIT */
/*
 * local_testlib.h - helpers shared by the suites of the native API on
 * local mailslots (local_test.c, local_lifetime_test.c,
 * local_wakeup_test.c).  They are static inline here, as in the codec's
 * codec_testlib.h, because they expand MSL_CHECK, whose jump buffer each
 * test program defines.
 */
#ifndef LOCAL_TESTLIB_H
#define LOCAL_TESTLIB_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"
#include "core.h"
#include "msl_test.h"
#include "slot.h"

/* Each test uses its own namespace, so suites can run in parallel. */
#define fresh_namespace(tag) msl_test_namespace("test", tag)

/* fresh_slot gives the case its own namespace and creates the mailslot
 * `tag` in it with the default options. */
static inline mailslot_server *
fresh_slot(const char *tag)
{
	mailslot_server *s;
	fresh_namespace(tag);
	MSL_CHECK_ERR(mailslot_create(tag, NULL, &s), MAILSLOT_OK);
	return s;
}

/* round_trip writes msg and reads it back within timeout_ms. */
static inline int
round_trip(mailslot_server *s, mailslot_client *c, const char *msg, uint32_t timeout_ms)
{
	char buf[64];
	size_t n, len = strlen(msg);
	return mailslot_write(c, msg, len) == MAILSLOT_OK &&
	    mailslot_read_for(s, buf, sizeof buf, &n, NULL, timeout_ms) == MAILSLOT_OK &&
	    n == len && memcmp(buf, msg, len) == 0;
}

/* close_pipes closes both ends of two pipes. */
static inline void
close_pipes(int a[2], int b[2])
{
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static inline int
wait_child(pid_t p)
{
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif /* LOCAL_TESTLIB_H */
