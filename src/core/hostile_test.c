/* SPDX-License-Identifier: MIT */
/*
 * hostile_test.c - local writers that break the rules against the reader
 * and the server: a writer that makes its pipe blocking, thousands of
 * idle connections, a server out of descriptors.  Helpers and the raw
 * peer: hostile_testlib.h.
 */
#include "hostile_testlib.h"

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

/* ---- 5. idle connections must not starve the server ---- */

#define IDLE_CONNS 2000

/* cpu_ms is this process's CPU time so far, all threads. */
static uint64_t
cpu_ms(void)
{
	return msl_test_ms(CLOCK_PROCESS_CPUTIME_ID);
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
    MSL_TEST(test_idle_connections_are_bounded),
    MSL_TEST(test_out_of_descriptors_does_not_spin))
