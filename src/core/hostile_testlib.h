/* SPDX-License-Identifier: MIT */
/*
 * hostile_testlib.h - what the hostile suites share: running a victim in
 * a child process with a deadline, dropping to uid nobody, a status pipe
 * between attacker and victim, and the raw peer that speaks the writer's
 * half of the local handshake by hand (core.h).  Static inline, as in
 * local_testlib.h, because the helpers expand MSL_CHECK.
 *
 * The suites (hostile_test.c, hostile_server_test.c, hostile_quota_test.c,
 * hostile_daemon_test.c) each take threats of docs/security.md.  A case
 * that could hang on a vulnerable build runs its victim in a child
 * process that the test process waits for with a deadline, so a hang is
 * a failure and not a stuck suite.  The test process itself starts no
 * thread: it forks only while it has none.
 */
#ifndef HOSTILE_TESTLIB_H
#define HOSTILE_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"
#include "core.h"
#include "local.h"
#include "msl_test.h"
#include "ring.h"

/* How long a victim may take before the case counts as hung. */
#define VICTIM_DEADLINE_MS 20000

static inline uint64_t
now_ms(void)
{
	return msl_now_ns() / 1000000u;
}

#define fresh_namespace(tag) msl_test_namespace("hostile", tag)

/*
 * run_bounded runs fn in a child process and waits for it at most
 * timeout_ms.  Returns the child's exit status, 128 + signal, or -1 if it
 * had to be killed: the victim hung.
 */
static inline int
run_bounded(int (*fn)(void), int timeout_ms)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(fn());
	if (p < 0)
		return -2;
	int pfd = (int)syscall(SYS_pidfd_open, p, 0);
	if (pfd >= 0) {
		struct pollfd pf = { .fd = pfd, .events = POLLIN };
		int r;
		do
			r = poll(&pf, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pfd);
		if (r == 0) {
			kill(p, SIGKILL);
			waitpid(p, &st, 0);
			fprintf(stderr, "  victim hung for %d ms\n", timeout_ms);
			return -1;
		}
	}
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * in_child runs a case that uses MSL_CHECK in a bounded child, so that
 * this process never starts a thread (see the head of the file).
 */
static void (*child_case)(void) __attribute__((unused));

static inline int
run_case(void)
{
	if (setjmp(msl_test_jmp_) == 0) {
		child_case();
		return 0;
	}
	return 1;
}

static inline void
in_child(void (*fn)(void))
{
	child_case = fn;
	MSL_CHECK_EQ(run_bounded(run_case, VICTIM_DEADLINE_MS), 0);
}

/* become_nobody drops this (child) process to uid nobody; 0 on success. */
static inline int
become_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return -1;
	return 0;
}

static inline int
have_nobody(void)
{
	return geteuid() == 0 && getpwnam("nobody") != NULL;
}

/* say writes one status byte to a pipe; hear waits for one (-1: none). */
static inline void
say(int fd, char v)
{
	if (write(fd, &v, 1) != 1)
		_exit(99);
}

static inline int
hear(int fd, int timeout_ms)
{
	char v;
	if (msl_wait_fd(fd, POLLIN, timeout_ms) <= 0 || read(fd, &v, 1) != 1)
		return -1;
	return (unsigned char)v;
}

/*
 * The cases with an attacker: the victim forks it (uid nobody) and they
 * talk through two pipes, att_ready (attacker -> victim) and att_done
 * (victim -> attacker, which holds its ground until told 'd').
 */
static int att_ready[2], att_done[2];

/* attacker_end tells the attacker to finish and folds its status into rc. */
static inline int
attacker_end(pid_t a, int rc)
{
	int st;
	say(att_done[1], 'd');
	while (waitpid(a, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		rc = 10 + (WIFEXITED(st) ? WEXITSTATUS(st) : 50);
	return rc;
}

/* run_as_root_victim runs a case that needs root and user nobody. */
static inline void
run_as_root_victim(int (*victim)(void))
{
	if (!have_nobody()) {
		printf("(skipped: needs root and user nobody) ");
		return;
	}
	MSL_CHECK_EQ(run_bounded(victim, VICTIM_DEADLINE_MS), 0);
}

/* ---- the raw peer: the writer's half of the handshake by hand ---- */

typedef struct raw_writer {
	int ctrl;     /* the control socket                       */
	int rd, wr;   /* rd: its ring's memfd, kept (wr: unused)  */
	int live_fd;  /* the live page that came with the ack, or -1 */
	msl_ring_w ring;
	msl_ack_live al;
} raw_writer;

/*
 * raw_open does a writer's handshake for mailslot `name` in `role`,
 * passing `pass_fd` (or, if -1, a fresh ring, whose descriptor it keeps).
 * Returns the ack's status.
 */
static inline mailslot_err
raw_open(const char *name, int role, int pass_fd, raw_writer *w)
{
	mailslot_name n;
	char hex[33];
	mailslot_err e;

	memset(w, 0, sizeof *w);
	w->ctrl = w->rd = w->wr = w->live_fd = -1;
	if ((e = mailslot_name_parse(name, 1, &n)) != MAILSLOT_OK)
		return e;
	if (pass_fd < 0) {
		if ((w->rd = msl_ring_w_create(&w->ring, MSL_RING_CAP)) < 0)
			return MAILSLOT_E_SYS;
		pass_fd = w->rd;
	}
	msl_key_hash(n.key, hex);
	e = msl_hello_call(hex, n.key, role, pass_fd, &w->ctrl, &w->al, &w->live_fd);
	return e;
}

/* raw_write puts what fits of buf in the ring, at once: bytes, or -1
 * when it is full. */
static inline ssize_t
raw_write(raw_writer *w, const void *buf, size_t len)
{
	size_t room = msl_ring_w_space(&w->ring);
	if (room == 0)
		return -1;
	if (len > room)
		len = room;
	msl_ring_w_put(&w->ring, 0, buf, len);
	if (msl_ring_w_publish(&w->ring, len))
		(void)send(w->ctrl, "b", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	return (ssize_t)len;
}

static inline int
raw_frame(raw_writer *w, uint64_t ts, const void *data, uint32_t len)
{
	unsigned char buf[sizeof(msl_frame) + 256];
	msl_frame f = { .len = len, .flags = 0, .ts = ts };

	if (len > 256)
		return -1;
	memcpy(buf, &f, sizeof f);
	memcpy(buf + sizeof f, data, len);
	return raw_write(w, buf, sizeof f + len) == (ssize_t)(sizeof f + len) ? 0 : -1;
}

static inline void
raw_close(raw_writer *w)
{
	int fds[] = { w->ctrl, w->rd, w->wr, w->live_fd };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	msl_ring_w_destroy(&w->ring);
}

/* read_str reads one message within timeout_ms and compares it. */
static inline int
read_is(mailslot_server *s, const char *want, uint32_t timeout_ms, mailslot_msginfo *mi)
{
	char buf[300];
	size_t n;
	if (mailslot_read_for(s, buf, sizeof buf, &n, mi, timeout_ms) != MAILSLOT_OK)
		return 0;
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

#endif /* HOSTILE_TESTLIB_H */
