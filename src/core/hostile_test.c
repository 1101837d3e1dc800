/*
 * hostile_test.c - local peers that break the rules: writers and servers
 * that speak the local handshake by hand (core.h) to freeze, crash, flood
 * or fool the other side.  Each case is one threat of docs/security.md.
 *
 * A case that could hang on a vulnerable build runs its victim in a child
 * process that the test process waits for with a deadline, so a hang is a
 * failure and not a stuck suite.  The test process itself starts no
 * thread: it forks only while it has none.
 */
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"
#include "core.h"
#include "local.h"
#include "msl_test.h"

/* How long a victim may take before the case counts as hung. */
#define VICTIM_DEADLINE_MS 20000

static void
fresh_namespace(const char *tag)
{
	char ns[64];
	snprintf(ns, sizeof ns, "hostile-%d-%s", (int)getpid(), tag);
	setenv("MAILSLOT_NAMESPACE", ns, 1);
}

/*
 * run_bounded runs fn in a child process and waits for it at most
 * timeout_ms.  Returns the child's exit status, 128 + signal, or -1 if it
 * had to be killed: the victim hung.
 */
static int
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

/* ---- the raw peer: the writer's half of the handshake by hand ---- */

typedef struct raw_writer {
	int ctrl;     /* the control socket                       */
	int rd, wr;   /* the pipe: rd was passed to the server    */
	int live_fd;  /* the live page that came with the ack, or -1 */
	msl_ack_live al;
} raw_writer;

/*
 * raw_open does a writer's handshake for mailslot `name` in `role`,
 * passing `pass_fd` (or, if -1, the read end of a fresh pipe).  Returns
 * the ack's status.
 */
static mailslot_err
raw_open(const char *name, int role, int pass_fd, raw_writer *w)
{
	mailslot_name n;
	char hex[33];
	int p[2] = { -1, -1 };
	mailslot_err e;

	memset(w, 0, sizeof *w);
	w->ctrl = w->rd = w->wr = w->live_fd = -1;
	if ((e = mailslot_name_parse(name, 1, &n)) != MAILSLOT_OK)
		return e;
	if (pass_fd < 0) {
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
			return MAILSLOT_E_SYS;
		pass_fd = p[0];
	}
	msl_key_hash(n.key, hex);
	e = msl_hello_call(hex, n.key, role, pass_fd, &w->ctrl, &w->al, &w->live_fd);
	w->rd = p[0];
	w->wr = p[1];
	return e;
}

static void
raw_close(raw_writer *w)
{
	int fds[] = { w->ctrl, w->rd, w->wr, w->live_fd };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* read_str reads one message within timeout_ms and compares it. */
static int
read_is(mailslot_server *s, const char *want, uint32_t timeout_ms, mailslot_msginfo *mi)
{
	char buf[300];
	size_t n;
	if (mailslot_read_for(s, buf, sizeof buf, &n, mi, timeout_ms) != MAILSLOT_OK)
		return 0;
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

/* ---- 1. a writer must not make the reader block ---- */

/*
 * A writer clears O_NONBLOCK on its copy of the pipe's read end (the same
 * open file description the server reads); another passes a blocking
 * socket instead of a pipe.  An honest writer must still be read, by the
 * application and by the intake thread.  With one hostile and one honest
 * writer, every scan reads both pipes (MSL_SCAN_DIRECT).
 */
static int
victim_nonblock(void)
{
	mailslot_server *s;
	mailslot_client *c;
	raw_writer h, sockw;
	int sp[2];

	fresh_namespace("nonblock");
	if (mailslot_create("victim", NULL, &s) != MAILSLOT_OK)
		return 1;
	if (raw_open("victim", MSL_ROLE_WRITER, -1, &h) != MAILSLOT_OK)
		return 2;
	if (fcntl(h.rd, F_SETFL, fcntl(h.rd, F_GETFL) & ~O_NONBLOCK) != 0)
		return 3;
	if (mailslot_open("victim", &c) != MAILSLOT_OK)
		return 7;
	if (mailslot_write(c, "honest", 6) != MAILSLOT_OK)
		return 8;
	if (!read_is(s, "honest", 2000, NULL))
		return 9;
	/* The intake thread drains for a busy application: a second open
	 * (which it answers) and a message it moved to memory. */
	mailslot_client *c2;
	if (mailslot_open("victim", &c2) != MAILSLOT_OK || mailslot_write(c2, "two", 3) != MAILSLOT_OK)
		return 10;
	if (!read_is(s, "two", 2000, NULL))
		return 11;
	/* Not a pipe at all, and blocking: refused, and nothing blocks. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
		return 5;
	if (raw_open("victim", MSL_ROLE_WRITER, sp[0], &sockw) == MAILSLOT_OK)
		return 6;
	if (mailslot_write(c, "three", 5) != MAILSLOT_OK || !read_is(s, "three", 2000, NULL))
		return 12;
	mailslot_client_close(c);
	mailslot_client_close(c2);
	raw_close(&h);
	mailslot_close(s);
	return 0;
}

static void
test_writer_cannot_block_reader(void)
{
	MSL_CHECK_EQ(run_bounded(victim_nonblock, VICTIM_DEADLINE_MS), 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_writer_cannot_block_reader))
