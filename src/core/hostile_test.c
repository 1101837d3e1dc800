/* SPDX-License-Identifier: MIT */
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

static uint64_t
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

/*
 * in_child runs a case that uses MSL_CHECK in a bounded child, so that
 * this process never starts a thread (see the head of the file).
 */
static void (*child_case)(void);

static int
run_case(void)
{
	if (setjmp(msl_test_jmp_) == 0) {
		child_case();
		return 0;
	}
	return 1;
}

static void
in_child(void (*fn)(void))
{
	child_case = fn;
	MSL_CHECK_EQ(run_bounded(run_case, VICTIM_DEADLINE_MS), 0);
}

/* become_nobody drops this (child) process to uid nobody; 0 on success. */
static int
become_nobody(void)
{
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return -1;
	return 0;
}

static int
have_nobody(void)
{
	return geteuid() == 0 && getpwnam("nobody") != NULL;
}

/* say writes one status byte to a pipe; hear waits for one (-1: none). */
static void
say(int fd, char v)
{
	if (write(fd, &v, 1) != 1)
		_exit(99);
}

static int
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
static int
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
static void
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
static mailslot_err
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
static ssize_t
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

static int
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

static void
raw_close(raw_writer *w)
{
	int fds[] = { w->ctrl, w->rd, w->wr, w->live_fd };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	msl_ring_w_destroy(&w->ring);
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

/* ---- 3. a relay hello must not hang the server ---- */

/*
 * With no mailslotd running, nobody binds the daemon's control-socket
 * name and fills its backlog, then sends a RELAY hello to a root
 * mailslot restricted to its user.  The server must answer (ACCESS) at
 * once, and keep accepting root's writers; a new mailslot must work too.
 */
static int
attacker_squat_daemon(void)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int l, k = 0;

	if (become_nobody() != 0 || msl_abstract_addr("daemon", &sa, &sl) != 0)
		return 1;
	if (hear(att_done[0], VICTIM_DEADLINE_MS) != 'g')
		return 2; /* the victim's mailslot exists */
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sl) != 0 || listen(l, 0) != 0)
		return 3;
	/* A backlog of 0 holds one connection; the next connect would wait. */
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return 4;
		if (connect(fd, (struct sockaddr *)&sa, sl) != 0) {
			if (errno != EAGAIN)
				return 5;
			close(fd);
			break;
		}
		k++;
	}
	mailslot_name n;
	mailslot_client *c;
	uint64_t t0 = now_ms();
	if (mailslot_name_parse("jobs", 1, &n) != MAILSLOT_OK)
		return 6;
	mailslot_err e = msl_client_open_role(&n, MSL_ROLE_RELAY, &c);
	say(att_ready[1], e == MAILSLOT_E_ACCESS ? 'a' : 'x');
	say(att_ready[1], (char)(now_ms() - t0 > 100 ? 100 : now_ms() - t0));
	(void)k;
	/* Hold the name until the victim has checked. */
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 7;
}

static int
victim_relay(void)
{
	mailslot_server *s, *s2;
	mailslot_client *c, *c2;
	mailslot_options o;
	int rc = 0;

	fresh_namespace("relay");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 1;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_squat_daemon());
	mailslot_options_init(&o);
	o.access = MAILSLOT_ACCESS_USER;
	if (mailslot_create("jobs", &o, &s) != MAILSLOT_OK)
		return 2;
	say(att_done[1], 'g');
	if (hear(att_ready[0], VICTIM_DEADLINE_MS) != 'a')
		rc = 3; /* the relay was not refused */
	else if (hear(att_ready[0], 1000) >= 100)
		rc = 4; /* ... at once */
	else if (mailslot_open("jobs", &c) != MAILSLOT_OK || mailslot_write(c, "root", 4) != MAILSLOT_OK ||
	    !read_is(s, "root", 2000, NULL))
		rc = 5;
	else if (mailslot_create("other", NULL, &s2) != MAILSLOT_OK ||
	    mailslot_open("other", &c2) != MAILSLOT_OK || mailslot_write(c2, "x", 1) != MAILSLOT_OK ||
	    !read_is(s2, "x", 2000, NULL))
		rc = 6;
	return attacker_end(a, rc);
}

static void
test_relay_check_cannot_hang(void)
{
	run_as_root_victim(victim_relay);
}

/* ---- 2. a hostile server must not crash its writers ---- */

/*
 * The raw server: it listens on the mailslot's name, takes one writer and
 * acks it with a "live page" that is a trap, then reads what the writer
 * sends.  Modes: an empty sealed memfd; an unsealed one that it truncates
 * after the ack; a sealed short one with a slot far past its end.
 */
enum { TRAP_EMPTY, TRAP_TRUNCATE, TRAP_SHORT, TRAP_COUNT };

static int
evil_server(const char *hex, int mode)
{
	int l, fd, fds[2], pipe_fd;
	msl_hello h;
	msl_ack_live al;

	if (msl_listen_abstract(hex, &l) != 0)
		return 1;
	say(att_ready[1], 'l');
	if (msl_wait_fd(l, POLLIN, 5000) <= 0 || (fd = msl_accept(l)) < 0)
		return 2;
	if (msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    msl_recv_fds(fd, &h, sizeof h, fds, 2, 0) != (ssize_t)sizeof h || fds[0] < 0)
		return 3;
	pipe_fd = fds[0];
	int mfd = memfd_create("trap", MFD_ALLOW_SEALING);
	if (mfd < 0)
		return 4;
	if (mode == TRAP_TRUNCATE && ftruncate(mfd, 1 << 20) != 0)
		return 5;
	if (mode == TRAP_SHORT && ftruncate(mfd, 4096) != 0)
		return 5;
	if (mode != TRAP_TRUNCATE && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		return 6;
	memset(&al, 0, sizeof al);
	al.ack.magic = MSL_MAGIC;
	al.ack.status = MAILSLOT_OK;
	al.slot = mode == TRAP_SHORT ? 100000 : 0;
	al.gen = 1;
	if (msl_send_fds(fd, &al, sizeof al, &mfd, 1) != (ssize_t)sizeof al)
		return 7;
	if (mode == TRAP_TRUNCATE && ftruncate(mfd, 0) != 0)
		return 8;
	say(att_ready[1], 'a');
	/* The writer's two frames arrive whole, in its ring. */
	msl_ring_r ring;
	if (msl_ring_r_adopt(pipe_fd, &ring) != 0)
		return 9;
	for (int i = 0; i < 2; i++) {
		unsigned char buf[sizeof(msl_frame) + 2];
		size_t got = 0;
		for (int k = 0; k < 500 && got < sizeof buf; k++) {
			ssize_t r = msl_ring_r_read(&ring, buf + got, sizeof buf - got);
			got += r > 0 ? (size_t)r : 0;
			char bell[16];
			if (got < sizeof buf && msl_wait_fd(fd, POLLIN, 10) > 0)
				(void)recv(fd, bell, sizeof bell, MSG_DONTWAIT); /* its doorbell */
		}
		if (got != sizeof buf || memcmp(buf + sizeof(msl_frame), "hi", 2) != 0)
			return 9;
	}
	/* Then it goes away: the writer learns it by polling the control socket. */
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 10;
}

static int
victim_sigbus(void)
{
	mailslot_name n;
	char hex[33];

	fresh_namespace("sigbus");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0 || mailslot_name_parse("evil", 1, &n) != MAILSLOT_OK)
		return 1;
	msl_key_hash(n.key, hex);
	for (int mode = 0; mode < TRAP_COUNT; mode++) {
		mailslot_client *c;
		pid_t a = fork();
		if (a == 0)
			_exit(evil_server(hex, mode));
		if (hear(att_ready[0], 5000) != 'l')
			return attacker_end(a, 20 + mode);
		if (mailslot_open("evil", &c) != MAILSLOT_OK)
			return attacker_end(a, 23 + mode);
		if (hear(att_ready[0], 5000) != 'a')
			return attacker_end(a, 26 + mode);
		/* Were the trap mapped, the first write would die of SIGBUS. */
		if (mailslot_write(c, "hi", 2) != MAILSLOT_OK || mailslot_write(c, "hi", 2) != MAILSLOT_OK)
			return attacker_end(a, 30 + mode);
		int rc = attacker_end(a, 0);
		/* Without a live page the writer polls: it still sees the end. */
		if (rc == 0 && mailslot_write(c, "hi", 2) != MAILSLOT_E_GONE)
			rc = 40 + mode;
		mailslot_client_close(c);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
test_hostile_live_page_cannot_crash_writer(void)
{
	MSL_CHECK_EQ(run_bounded(victim_sigbus, VICTIM_DEADLINE_MS), 0);
}

/* ---- 6. a forged time must not jump the queue ---- */

/*
 * An honest write returns; the server drains (get_info scans every pipe);
 * then a raw writer sends a frame stamped 0.  FIFO holds: the honest
 * message comes first, and the forged one shows a send time no earlier
 * than the server's own observation.  Once with two writers (every scan
 * reads every pipe), once with idle ones too (scans ask the readiness set).
 */
static void
case_forged_time_cannot_jump_queue(void)
{
	for (int idle = 0; idle <= 3; idle += 3) {
		mailslot_server *s;
		mailslot_client *c, *extra[3];
		mailslot_info in;
		mailslot_msginfo a, b;
		raw_writer h;

		fresh_namespace(idle ? "forged-many" : "forged");
		MSL_CHECK_EQ(mailslot_create("fifo", NULL, &s), MAILSLOT_OK);
		MSL_CHECK_EQ(raw_open("fifo", MSL_ROLE_WRITER, -1, &h), MAILSLOT_OK);
		for (int i = 0; i < idle; i++)
			MSL_CHECK_EQ(mailslot_open("fifo", &extra[i]), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_open("fifo", &c), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_write(c, "honest", 6), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		MSL_CHECK_EQ(in.count, 1);
		MSL_CHECK_EQ(raw_frame(&h, 0, "forged", 6), 0);
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		MSL_CHECK_EQ(in.count, 2); /* both queued: the merge decides */
		MSL_CHECK(read_is(s, "honest", 1000, &a));
		MSL_CHECK(read_is(s, "forged", 1000, &b));
		MSL_CHECK(b.sent_ns >= a.sent_ns);
		/* A time in the future is the server's own reading time. */
		uint64_t before = msl_now_ns();
		MSL_CHECK_EQ(raw_frame(&h, UINT64_MAX, "future", 6), 0);
		MSL_CHECK(read_is(s, "future", 1000, &b));
		MSL_CHECK(b.sent_ns >= before && b.sent_ns <= msl_now_ns());
		for (int i = 0; i < idle; i++)
			mailslot_client_close(extra[i]);
		mailslot_client_close(c);
		raw_close(&h);
		mailslot_close(s);
	}
}

static void
test_forged_time_cannot_jump_queue(void)
{
	in_child(case_forged_time_cannot_jump_queue);
}

/* ---- 7. a message larger than the quota ---- */

/* It fails with FULL at once (it can never fit), and the handle works on. */
static void
case_message_above_quota_is_full(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	size_t big = 2u << 20;
	char *m = calloc(1, big);

	fresh_namespace("overquota");
	MSL_CHECK(m != NULL);
	mailslot_options_init(&o);
	o.quota_bytes = 1u << 20;
	MSL_CHECK_EQ(mailslot_create("q", &o, &s), MAILSLOT_OK);
	MSL_CHECK_EQ(mailslot_open("q", &c), MAILSLOT_OK);
	MSL_CHECK_EQ(mailslot_write(c, m, big), MAILSLOT_E_FULL);
	MSL_CHECK_EQ(mailslot_write(c, "small", 5), MAILSLOT_OK);
	MSL_CHECK(read_is(s, "small", 1000, NULL));
	/* Exactly the quota fits. */
	MSL_CHECK_EQ(mailslot_write(c, m, o.quota_bytes), MAILSLOT_OK);
	size_t n;
	MSL_CHECK_EQ(mailslot_read_for(s, m, big, &n, NULL, 5000), MAILSLOT_OK);
	MSL_CHECK_EQ(n, o.quota_bytes);
	mailslot_client_close(c);
	mailslot_close(s);
	free(m);
}

static void
test_message_above_quota_is_full(void)
{
	in_child(case_message_above_quota_is_full);
}

/* ---- 4. partial frames must not bypass the quota ---- */

#define PARKERS 16
#define PARK_FRAME (3u << 20)
#define PARK_QUOTA (4u << 20)

/*
 * PARKERS writers each start a frame of PARK_FRAME bytes and never finish
 * it, feeding the server all it will read.  What the server took in (sent
 * minus what is still in the pipes) must stay within the quota plus one
 * pipe per writer.  Once they are gone, an honest writer gets in again.
 */
static void
case_partial_frames_within_quota(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	mailslot_info in;
	raw_writer w[PARKERS];
	size_t sent[PARKERS];
	static char chunk[65536];

	fresh_namespace("partial");
	mailslot_options_init(&o);
	o.quota_bytes = PARK_QUOTA;
	MSL_CHECK_EQ(mailslot_create("q", &o, &s), MAILSLOT_OK);
	for (int i = 0; i < PARKERS; i++) {
		msl_frame f = { .len = PARK_FRAME, .ts = msl_now_ns() };
		MSL_CHECK_EQ(raw_open("q", MSL_ROLE_WRITER, -1, &w[i]), MAILSLOT_OK);
		MSL_CHECK_EQ(raw_write(&w[i], &f, sizeof f), (ssize_t)sizeof f);
		sent[i] = 0;
	}
	/* Until the server takes no more: every round, fill each pipe, then
	 * let the server drain. */
	for (int progress = 1, round = 0; progress && round < 1000; round++) {
		progress = 0;
		for (int i = 0; i < PARKERS; i++) {
			for (;;) {
				size_t n = PARK_FRAME - 1 - sent[i]; /* never the last byte */
				ssize_t r = raw_write(&w[i], chunk, n < sizeof chunk ? n : sizeof chunk);
				if (r <= 0)
					break;
				sent[i] += (size_t)r;
				progress = 1;
			}
		}
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
	}
	uint64_t taken = 0;
	for (int i = 0; i < PARKERS; i++) {
		size_t pending = msl_ring_w_pending(&w[i].ring);
		taken += sent[i] - pending;
	}
	printf("(%d parked frames: the server holds %llu KiB, quota %u KiB) ", PARKERS,
	    (unsigned long long)(taken >> 10), PARK_QUOTA >> 10);
	MSL_CHECK(taken <= PARK_QUOTA + PARKERS * (uint64_t)w[0].ring.cap);
	for (int i = 0; i < PARKERS; i++)
		raw_close(&w[i]);
	/* Their partial frames are dropped with them: room again. */
	MSL_CHECK_EQ(mailslot_open("q", &c), MAILSLOT_OK);
	mailslot_err e = MAILSLOT_E_FULL;
	for (int i = 0; i < 1000 && e == MAILSLOT_E_FULL; i++) {
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		e = mailslot_write(c, "after", 5);
	}
	MSL_CHECK_EQ(e, MAILSLOT_OK);
	MSL_CHECK(read_is(s, "after", 1000, NULL));
	mailslot_client_close(c);
	mailslot_close(s);
}

static void
test_partial_frames_within_quota(void)
{
	in_child(case_partial_frames_within_quota);
}

/* ---- 8. one flooding writer cannot hold the whole quota ---- */

#define SHARE_QUOTA 1000u

/* nobody writes until FULL, reports how many went in, and stays. */
static int
attacker_flood(void)
{
	mailslot_client *c;
	uint32_t n = 0;

	if (become_nobody() != 0 || mailslot_open("shared", &c) != MAILSLOT_OK)
		return 1;
	while (n < 10000000 && mailslot_write(c, "flood", 5) == MAILSLOT_OK)
		n++;
	if (write(att_ready[1], &n, sizeof n) != sizeof n)
		return 2;
	int rc = hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 3;
	mailslot_client_close(c);
	return rc;
}

/*
 * The users with writers share the quota: with two, each may hold half.
 * nobody floods a mailslot of SHARE_QUOTA messages; root's writer must
 * still get its half in, and the reader gets every accepted message.
 */
static int
victim_share(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	uint32_t flood = 0, mine = 0;
	int rc = 0;

	fresh_namespace("share");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 1;
	mailslot_options_init(&o);
	o.quota_messages = SHARE_QUOTA;
	if (mailslot_create("shared", &o, &s) != MAILSLOT_OK || mailslot_open("shared", &c) != MAILSLOT_OK)
		return 2;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_flood());
	if (msl_wait_fd(att_ready[0], POLLIN, VICTIM_DEADLINE_MS) <= 0 ||
	    read(att_ready[0], &flood, sizeof flood) != sizeof flood)
		return attacker_end(a, 3);
	mailslot_err e = MAILSLOT_OK;
	while (mine < SHARE_QUOTA / 2 && (e = mailslot_write(c, "mine", 4)) == MAILSLOT_OK)
		mine++;
	printf("(nobody flooded %u, root still wrote %u of a %u-message quota) ", flood, mine,
	    SHARE_QUOTA);
	if (mine < SHARE_QUOTA / 2)
		rc = 4; /* starved */
	/* Everything accepted is delivered. */
	uint32_t got = 0;
	char buf[8];
	size_t n;
	while (rc == 0 && got < flood + mine &&
	    mailslot_read_for(s, buf, sizeof buf, &n, NULL, 2000) == MAILSLOT_OK)
		got++;
	if (rc == 0 && got != flood + mine)
		rc = 5;
	mailslot_client_close(c);
	rc = attacker_end(a, rc);
	mailslot_close(s);
	return rc;
}

static void
test_flooder_gets_a_fair_share(void)
{
	run_as_root_victim(victim_share);
}

/* ---- 10. the daemon's outbox cannot be squatted ---- */

#ifdef MSL_MAILSLOTD
/* lo_up brings up the loopback interface of this network namespace. */
static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc = -1;

	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* start_daemon runs mailslotd and waits until it says it is up. */
static pid_t
start_daemon(void)
{
	int p[2];
	char line[512], said[2048] = "";
	FILE *f;

	if (pipe(p) != 0)
		return -1;
	pid_t d = fork();
	if (d == 0) {
		dup2(p[1], 2);
		execl(MSL_MAILSLOTD, "mailslotd", "-c", "/dev/null", "-o", "port=13801",
		    "-o", "ns port=0", "-o", "user=nobody", "-o", "netbios name=VICTIM",
		    "-o", "workgroup=HOSTILE", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	/* Unbuffered: a line stdio had read ahead would wait on a poll of the
	 * descriptor that nothing else will make readable. */
	if (f != NULL)
		setvbuf(f, NULL, _IONBF, 0);
	while (f != NULL && msl_wait_fd(p[0], POLLIN, 5000) > 0 && fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "event=ready ") != NULL) { /* its readiness log line */
			fclose(f);
			return d; /* its later output goes nowhere: it logs little */
		}
		strncat(said, line, sizeof said - strlen(said) - 1);
	}
	fprintf(stderr, "  mailslotd did not start:\n%s", said);
	if (f != NULL)
		fclose(f);
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	return -1;
}

/*
 * In a network namespace of its own: nobody creates the outbox's old
 * fixed name first.  mailslotd must start all the same, and a root
 * writer's remote message must travel through the real daemon (it
 * comes back to a local mailslot through the daemon's own port), not
 * into the squatter's mailslot.
 */
static int
attacker_outbox(void)
{
	mailslot_server *s;
	char buf[64];
	size_t n;

	if (become_nobody() != 0 ||
	    mailslot_create("\\\\.\\mailslot\\mailslotd\\outbox", NULL, &s) != MAILSLOT_OK)
		return 1;
	say(att_ready[1], 's');
	if (hear(att_done[0], VICTIM_DEADLINE_MS) != 'd')
		return 2;
	/* Nothing reached the squatter. */
	return mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0) == MAILSLOT_E_TIMEOUT ? 0 : 3;
}

static int
victim_outbox(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_msginfo mi;
	int rc = 0;

	fresh_namespace("outbox");
	if (unshare(CLONE_NEWNET) != 0 || lo_up() != 0)
		return 1;
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 2;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_outbox());
	if (hear(att_ready[0], 5000) != 's')
		return attacker_end(a, 3);
	pid_t d = start_daemon();
	if (d < 0)
		return attacker_end(a, 4); /* the squatter kept it from starting */
	if (mailslot_create("x", NULL, &s) != MAILSLOT_OK)
		rc = 5;
	else if (mailslot_open("\\\\127.0.0.1\\mailslot\\x", &c) != MAILSLOT_OK ||
	    mailslot_write(c, "via daemon", 10) != MAILSLOT_OK)
		rc = 6;
	else if (!read_is(s, "via daemon", 3000, &mi) || !mi.remote || mi.src_port != 13801)
		rc = 7;
	kill(d, SIGTERM);
	waitpid(d, NULL, 0);
	return attacker_end(a, rc);
}

static void
test_outbox_cannot_be_squatted(void)
{
	run_as_root_victim(victim_outbox);
}
#endif

/* ---- 9. mailslot_list shows the kernel's owner, not the server's claim ---- */

/* nobody serves one INFO hello on a name, claiming root and pid 1. */
static int
attacker_claims_root(const char *hex)
{
	int l, fd, fds[2];
	msl_hello h;
	msl_ack a;

	if (become_nobody() != 0 || msl_listen_abstract(hex, &l) != 0)
		return 1;
	say(att_ready[1], 'l');
	if (msl_wait_fd(l, POLLIN, 5000) <= 0 || (fd = msl_accept(l)) < 0 ||
	    msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    msl_recv_fds(fd, &h, sizeof h, fds, 2, 0) != (ssize_t)sizeof h)
		return 2;
	memset(&a, 0, sizeof a);
	a.magic = MSL_MAGIC;
	a.status = MAILSLOT_OK;
	a.pid = 1;
	a.uid = 0;
	strcpy(a.path, "claims-root");
	if (send(fd, &a, sizeof a, 0) != (ssize_t)sizeof a)
		return 3;
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 4;
}

typedef struct listed {
	pid_t pid;
	uid_t uid;
	int seen;
} listed;

static int
list_cb(const mailslot_entry *e, void *arg)
{
	listed *l = arg;
	if (strcmp(e->name, "\\\\.\\mailslot\\claims-root") == 0) {
		l->pid = e->pid;
		l->uid = e->uid;
		l->seen++;
	}
	return 0;
}

static int
victim_list(void)
{
	mailslot_name n;
	char hex[33];
	listed l = { 0, 0, 0 };

	fresh_namespace("list");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0 ||
	    mailslot_name_parse("claims-root", 1, &n) != MAILSLOT_OK)
		return 1;
	msl_key_hash(n.key, hex);
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_claims_root(hex));
	if (hear(att_ready[0], 5000) != 'l' || mailslot_list(list_cb, &l) != MAILSLOT_OK)
		return attacker_end(a, 2);
	if (l.seen != 1)
		return attacker_end(a, 3);
	if (l.pid != a || l.uid != getpwnam("nobody")->pw_uid)
		return attacker_end(a, 4); /* the claim was shown */
	return attacker_end(a, 0);
}

static void
test_list_shows_kernel_owner(void)
{
	run_as_root_victim(victim_list);
}

/* ---- 5. idle connections must not starve the server ---- */

#define IDLE_CONNS 2000

/* cpu_ms is this process's CPU time so far, all threads. */
static uint64_t
cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* count_open returns how many descriptors this process has open. */
static int
count_open(void)
{
	int n = 0;
	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/*
 * nobody opens IDLE_CONNS connections to the mailslot and never says
 * hello; it reports, once every one of them was closed by the server
 * (refused, or past the hello deadline), how long that took in 100 ms.
 */
static int
attacker_idle(const char *hex)
{
	static int fds[IDLE_CONNS];
	struct rlimit rl = { IDLE_CONNS + 64, IDLE_CONNS + 64 };

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || become_nobody() != 0)
		return 1;
	for (int i = 0; i < IDLE_CONNS; i++)
		if (msl_connect_abstract(hex, 1, &fds[i]) != 0)
			return 2;
	say(att_ready[1], 'c');
	uint64_t t0 = now_ms();
	for (int i = 0; i < IDLE_CONNS; i++) {
		char b;
		int left = 10000 - (int)(now_ms() - t0);
		if (left <= 0 || msl_wait_fd(fds[i], POLLIN, left) <= 0 || recv(fds[i], &b, 1, 0) != 0)
			return 3; /* still held after 10 s */
		close(fds[i]);
	}
	say(att_ready[1], (char)((now_ms() - t0) / 100));
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 4;
}

static int
victim_idle(void)
{
	mailslot_server *s, *s2;
	mailslot_client *c, *c2;
	mailslot_options o;
	mailslot_name n;
	char hex[33];
	int rc = 0;

	fresh_namespace("idle");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 1;
	if (mailslot_name_parse("priv", 1, &n) != MAILSLOT_OK)
		return 2;
	msl_key_hash(n.key, hex);
	mailslot_options_init(&o);
	o.access = MAILSLOT_ACCESS_USER;
	if (mailslot_create("priv", &o, &s) != MAILSLOT_OK)
		return 3;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_idle(hex));
	/* A process with a modest descriptor limit, like most daemons. */
	struct rlimit rl = { (rlim_t)count_open() + 200, (rlim_t)count_open() + 200 };
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 4;
	if (hear(att_ready[0], 5000) != 'c')
		rc = 5;
	uint64_t cpu0 = cpu_ms(), t0 = now_ms();
	/* Root's own writer is served while nobody's connections wait. */
	if (rc == 0 && (mailslot_open("priv", &c) != MAILSLOT_OK || mailslot_write(c, "root", 4) != MAILSLOT_OK ||
	    !read_is(s, "root", 2000, NULL)))
		rc = 6;
	if (rc == 0 && (mailslot_create("other", NULL, &s2) != MAILSLOT_OK ||
	    mailslot_open("other", &c2) != MAILSLOT_OK || mailslot_write(c2, "x", 1) != MAILSLOT_OK ||
	    !read_is(s2, "x", 2000, NULL)))
		rc = 7;
	/* Nothing spins meanwhile: the intake thread waits on events. */
	char b[8];
	size_t got;
	if (rc == 0)
		(void)mailslot_read_for(s, b, sizeof b, &got, NULL, 500);
	uint64_t cpu = cpu_ms() - cpu0, wall = now_ms() - t0;
	if (rc == 0 && cpu * 2 > wall) {
		fprintf(stderr, "  victim used %llu ms of CPU in %llu ms\n", (unsigned long long)cpu,
		    (unsigned long long)wall);
		rc = 8;
	}
	int took = rc == 0 ? hear(att_ready[0], VICTIM_DEADLINE_MS) : -1;
	if (rc == 0 && took < 0)
		rc = 9; /* the idle connections were kept */
	else if (rc == 0)
		printf("(%d idle connections closed within %d ms) ", IDLE_CONNS, (took + 1) * 100);
	return attacker_end(a, rc);
}

static void
test_idle_connections_are_bounded(void)
{
	run_as_root_victim(victim_idle);
}

/*
 * Out of descriptors: accept() fails with EMFILE and leaves the listening
 * socket readable.  The intake thread must not spin on it, and must take
 * writers again once descriptors are free.
 */
static int
victim_emfile(void)
{
	mailslot_server *s;
	mailslot_client *c;
	int fill[4096], nfill = 0, conn;
	mailslot_name n;
	char hex[33];

	fresh_namespace("emfile");
	if (mailslot_create("full", NULL, &s) != MAILSLOT_OK ||
	    mailslot_name_parse("full", 1, &n) != MAILSLOT_OK)
		return 1;
	msl_key_hash(n.key, hex);
	struct rlimit rl = { (rlim_t)count_open() + 64, (rlim_t)count_open() + 64 };
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 2;
	/* Every descriptor is used, the last one by a connection that waits
	 * in the backlog: the server cannot accept it. */
	while (nfill < 4096 && (fill[nfill] = dup(0)) >= 0)
		nfill++;
	if (errno != EMFILE || nfill == 0)
		return 3;
	close(fill[--nfill]);
	if (msl_connect_abstract(hex, 1, &conn) != 0)
		return 4;
	uint64_t cpu0 = cpu_ms(), t0 = now_ms();
	char b[8];
	size_t got;
	(void)mailslot_read_for(s, b, sizeof b, &got, NULL, 500);
	uint64_t cpu = cpu_ms() - cpu0, wall = now_ms() - t0;
	while (nfill > 0)
		close(fill[--nfill]);
	close(conn);
	if (cpu * 2 > wall) {
		fprintf(stderr, "  out of descriptors, the victim used %llu ms of CPU in %llu ms\n",
		    (unsigned long long)cpu, (unsigned long long)wall);
		return 5;
	}
	printf("(%llu ms of CPU in %llu ms without descriptors) ", (unsigned long long)cpu,
	    (unsigned long long)wall);
	if (mailslot_open("full", &c) != MAILSLOT_OK || mailslot_write(c, "back", 4) != MAILSLOT_OK ||
	    !read_is(s, "back", 2000, NULL))
		return 6;
	mailslot_client_close(c);
	mailslot_close(s);
	return 0;
}

static void
test_out_of_descriptors_does_not_spin(void)
{
	MSL_CHECK_EQ(run_bounded(victim_emfile, VICTIM_DEADLINE_MS), 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_writer_cannot_block_reader),
    MSL_TEST(test_relay_check_cannot_hang),
    MSL_TEST(test_hostile_live_page_cannot_crash_writer),
    MSL_TEST(test_forged_time_cannot_jump_queue),
    MSL_TEST(test_message_above_quota_is_full),
    MSL_TEST(test_partial_frames_within_quota),
    MSL_TEST(test_flooder_gets_a_fair_share),
#ifdef MSL_MAILSLOTD
    MSL_TEST(test_outbox_cannot_be_squatted),
#endif
    MSL_TEST(test_list_shows_kernel_owner),
    MSL_TEST(test_idle_connections_are_bounded),
    MSL_TEST(test_out_of_descriptors_does_not_spin))
