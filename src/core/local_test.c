/* SPDX-License-Identifier: MIT */
/*
 * local_test.c - the native API on local mailslots, with real processes.
 */
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

/* Set by hold_lock once it holds a server's lock. */
static int held_flag;

/* Each test uses its own namespace, so suites can run in parallel. */
#define fresh_namespace(tag) msl_test_namespace("test", tag)

static uint64_t
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* round_trip writes msg and reads it back within timeout_ms. */
static int
round_trip(mailslot_server *s, mailslot_client *c, const char *msg, uint32_t timeout_ms)
{
	char buf[64];
	size_t n, len = strlen(msg);
	return mailslot_write(c, msg, len) == MAILSLOT_OK &&
	    mailslot_read_for(s, buf, sizeof buf, &n, NULL, timeout_ms) == MAILSLOT_OK &&
	    n == len && memcmp(buf, msg, len) == 0;
}

static int
wait_child(pid_t p)
{
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
test_create_open_read_write(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_msginfo mi;
	char buf[16];
	size_t n;

	fresh_namespace("basic");
	MSL_CHECK_ERR(mailslot_create("\\\\.\\mailslot\\basic", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("\\\\.\\mailslot\\basic", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "hello", 5), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, &mi, 0), MAILSLOT_OK);
	MSL_CHECK_EQ(n, 5);
	MSL_CHECK(memcmp(buf, "hello", 5) == 0);
	MSL_CHECK_EQ(mi.remote, 0);
	MSL_CHECK_EQ(mi.pid, getpid());
	MSL_CHECK_EQ(mi.uid, getuid());
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_E_TIMEOUT);
	mailslot_client_close(c);
	mailslot_close(s);
}

static void
test_names_case_and_forms(void)
{
	mailslot_server *s, *s2;
	mailslot_client *c;
	char long_name[300];

	fresh_namespace("names");
	MSL_CHECK_ERR(mailslot_create("\\\\.\\mailslot\\Dir\\Sub\\Name", NULL, &s), MAILSLOT_OK);
	/* Case-insensitive, '/' for '\', bare names: all the same mailslot. */
	MSL_CHECK_ERR(mailslot_create("//./MAILSLOT/dir/sub/NAME", NULL, &s2), MAILSLOT_E_EXISTS);
	MSL_CHECK_ERR(mailslot_open("//./mailslot/DIR/SUB/name", &c), MAILSLOT_OK);
	mailslot_client_close(c);
	MSL_CHECK(strcmp(mailslot_server_name(s), "\\\\.\\mailslot\\Dir\\Sub\\Name") == 0);
	mailslot_close(s);
	/* 240 characters after the prefix work. */
	strcpy(long_name, "\\\\.\\mailslot\\");
	memset(long_name + 13, 'x', 240);
	long_name[13 + 240] = '\0';
	MSL_CHECK_ERR(mailslot_create(long_name, NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open(long_name, &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "L", 1), MAILSLOT_OK);
	mailslot_client_close(c);
	mailslot_close(s);
	MSL_CHECK_ERR(mailslot_create("\\\\server\\mailslot\\x", NULL, &s), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_create(NULL, NULL, &s), MAILSLOT_E_NULLNAME);
	MSL_CHECK_ERR(mailslot_open("\\\\.\\mailslot\\nobody-here", &c), MAILSLOT_E_NOTFOUND);
}

static void
test_counts_and_empty_messages(void)
{
	mailslot_server *s;
	mailslot_client *c1, *c2;
	mailslot_info in;
	char buf[16];
	size_t n;

	fresh_namespace("counts");
	MSL_CHECK_ERR(mailslot_create("counts", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("counts", &c1), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("counts", &c2), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, MAILSLOT_NO_MESSAGE);
	MSL_CHECK_EQ(in.count, 0);
	MSL_CHECK_EQ(in.writers, 2);
	MSL_CHECK_ERR(mailslot_write(c1, "a", 1), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, 1);
	MSL_CHECK_EQ(in.count, 1);
	MSL_CHECK_ERR(mailslot_write(c2, "bc", 2), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c2, "", 0), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, 1);
	MSL_CHECK_EQ(in.count, 3);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
	MSL_CHECK(n == 1 && buf[0] == 'a');
	/* A short buffer fails and keeps the message. */
	MSL_CHECK_ERR(mailslot_read_for(s, buf, 1, &n, NULL, 0), MAILSLOT_E_BUFSIZE);
	MSL_CHECK_EQ(n, 2);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, 2);
	MSL_CHECK_EQ(in.count, 2);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
	MSL_CHECK(n == 2 && memcmp(buf, "bc", 2) == 0);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, 0);
	MSL_CHECK_EQ(in.count, 1);
	MSL_CHECK_ERR(mailslot_read_for(s, NULL, 0, &n, NULL, 0), MAILSLOT_OK);
	MSL_CHECK_EQ(n, 0);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.next_size, MAILSLOT_NO_MESSAGE);
	MSL_CHECK_EQ(in.count, 0);
	mailslot_client_close(c1);
	mailslot_client_close(c2);
	mailslot_close(s);
}

static void
test_timeouts(void)
{
	mailslot_server *s;
	mailslot_options o;
	mailslot_info in;
	char buf[4];
	size_t n;

	fresh_namespace("timeout");
	mailslot_options_init(&o);
	o.read_timeout_ms = 200;
	MSL_CHECK_ERR(mailslot_create("t", &o, &s), MAILSLOT_OK);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	MSL_CHECK_ERR(mailslot_read(s, buf, sizeof buf, &n, NULL), MAILSLOT_E_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	MSL_CHECK(ms >= 180);
	MSL_CHECK_ERR(mailslot_set_timeout(s, MAILSLOT_WAIT_FOREVER), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.read_timeout_ms, MAILSLOT_WAIT_FOREVER);
	/* A forever read returns as soon as another process writes. */
	pid_t p = fork();
	if (p == 0) {
		mailslot_client *c;
		if (mailslot_open("t", &c) != MAILSLOT_OK || mailslot_write(c, "late", 4) != MAILSLOT_OK)
			_exit(1);
		_exit(0);
	}
	MSL_CHECK_ERR(mailslot_read(s, buf, sizeof buf, &n, NULL), MAILSLOT_OK);
	MSL_CHECK(n == 4 && memcmp(buf, "late", 4) == 0);
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_close(s);
}

static void
test_fifo_across_writers(void)
{
	mailslot_server *s;
	mailslot_client *c[4];
	char buf[8];
	size_t n;

	fresh_namespace("fifo");
	MSL_CHECK_ERR(mailslot_create("fifo", NULL, &s), MAILSLOT_OK);
	for (int i = 0; i < 4; i++)
		MSL_CHECK_ERR(mailslot_open("fifo", &c[i]), MAILSLOT_OK);
	/* Sequential writes on different handles come out in write order. */
	for (int i = 0; i < 400; i++) {
		char m[8];
		snprintf(m, sizeof m, "%d", i);
		MSL_CHECK_ERR(mailslot_write(c[(i * 7) % 4], m, strlen(m)), MAILSLOT_OK);
	}
	for (int i = 0; i < 400; i++) {
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf - 1, &n, NULL, 0), MAILSLOT_OK);
		buf[n] = '\0';
		MSL_CHECK_EQ(atoi(buf), i);
	}
	for (int i = 0; i < 4; i++)
		mailslot_client_close(c[i]);
	mailslot_close(s);
}

static void
test_max_size_and_large_messages(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	size_t big = 1u << 20, n;
	unsigned char *m = malloc(big), *r = malloc(big);

	fresh_namespace("size");
	MSL_CHECK(m && r);
	for (size_t i = 0; i < big; i++)
		m[i] = (unsigned char)(i * 131 + 7);
	mailslot_options_init(&o);
	o.max_message_size = 100;
	MSL_CHECK_ERR(mailslot_create("small", &o, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("small", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, m, 100), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, m, 101), MAILSLOT_E_MSGSIZE);
	mailslot_client_close(c);
	mailslot_close(s);
	/* 1 MiB messages, written by another process, arrive whole. */
	MSL_CHECK_ERR(mailslot_create("big", NULL, &s), MAILSLOT_OK);
	pid_t p = fork();
	if (p == 0) {
		if (mailslot_open("big", &c) != MAILSLOT_OK)
			_exit(1);
		for (int i = 0; i < 3; i++)
			if (mailslot_write(c, m, big) != MAILSLOT_OK)
				_exit(2);
		_exit(0);
	}
	for (int i = 0; i < 3; i++) {
		MSL_CHECK_ERR(mailslot_read_for(s, r, big, &n, NULL, 10000), MAILSLOT_OK);
		MSL_CHECK_EQ(n, big);
		MSL_CHECK(memcmp(m, r, big) == 0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_close(s);
	free(m);
	free(r);
}

/* A busy reader: the writer finishes 10 000 messages before any read. */
static void
test_busy_reader_holds_10000(void)
{
	mailslot_server *s;
	mailslot_info in;
	char buf[64];
	size_t n;

	fresh_namespace("busy");
	MSL_CHECK_ERR(mailslot_create("busy", NULL, &s), MAILSLOT_OK);
	pid_t p = fork();
	if (p == 0) {
		mailslot_client *c;
		char m[64];
		if (mailslot_open("busy", &c) != MAILSLOT_OK)
			_exit(1);
		for (int i = 0; i < 10000; i++) {
			memset(m, 0, sizeof m);
			snprintf(m, sizeof m, "%d", i);
			if (mailslot_write(c, m, sizeof m) != MAILSLOT_OK)
				_exit(2);
		}
		_exit(0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.count, 10000);
	for (int i = 0; i < 10000; i++) {
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
		MSL_CHECK_EQ(atoi(buf), i);
	}
	mailslot_close(s);
}

static void
test_quota_full_then_recovers(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	char buf[8];
	size_t n;
	int ok = 0;
	mailslot_err e = MAILSLOT_OK;

	fresh_namespace("quota");
	mailslot_options_init(&o);
	o.quota_messages = 100;
	MSL_CHECK_ERR(mailslot_create("q", &o, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("q", &c), MAILSLOT_OK);
	/* Writes succeed up to the quota plus one pipe, then fail: no block. */
	for (int i = 0; i < 1000000; i++) {
		e = mailslot_write(c, "12345678", 8);
		if (e != MAILSLOT_OK)
			break;
		ok++;
	}
	MSL_CHECK_ERR(e, MAILSLOT_E_FULL);
	MSL_CHECK(ok >= 100);
	MSL_CHECK_ERR(mailslot_write(c, "x", 1), MAILSLOT_E_FULL);
	/* Nothing accepted was lost: every accepted write is read back. */
	for (int i = 0; i < ok; i++)
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 1000), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_E_TIMEOUT);
	/* Under quota again, writing works again. */
	MSL_CHECK(round_trip(s, c, "again", 0));
	mailslot_client_close(c);
	mailslot_close(s);
}

static void
test_pollable_fd(void)
{
	mailslot_server *s;
	mailslot_client *c;
	char buf[8];
	size_t n;

	fresh_namespace("poll");
	MSL_CHECK_ERR(mailslot_create("poll", NULL, &s), MAILSLOT_OK);
	int fd = mailslot_fd(s);
	MSL_CHECK(fd >= 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	MSL_CHECK_EQ(poll(&p, 1, 0), 0);
	MSL_CHECK_ERR(mailslot_open("poll", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "x", 1), MAILSLOT_OK);
	MSL_CHECK_EQ(poll(&p, 1, 5000), 1);
	/* Still readable after the intake thread moved it into memory. */
	mailslot_info in;
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(poll(&p, 1, 0), 1);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
	MSL_CHECK_EQ(poll(&p, 1, 0), 0);
	mailslot_client_close(c);
	mailslot_close(s);
}

/* hold_lock plays the intake thread in the middle of a handshake: it holds
 * the server's lock for a moment, as a callback does. */
static void *
hold_lock(void *arg)
{
	struct mailslot_server *s = arg;
	struct timespec brief = { 0, 50 * 1000 * 1000 };

	pthread_mutex_lock(&s->mu);
	__atomic_store_n(&held_flag, 1, __ATOMIC_RELEASE);
	nanosleep(&brief, NULL);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/*
 * A fork() while another thread holds a server's lock must not hand the
 * child that lock held: its mailslot_close would hang forever.
 */
static void
test_fork_while_server_locked(void)
{
	mailslot_server *s;
	pthread_t th;

	fresh_namespace("forklock");
	MSL_CHECK_ERR(mailslot_create("forklock", NULL, &s), MAILSLOT_OK);
	held_flag = 0;
	MSL_CHECK_EQ(pthread_create(&th, NULL, hold_lock, s), 0);
	while (!__atomic_load_n(&held_flag, __ATOMIC_ACQUIRE))
		sched_yield();
	pid_t p = fork();
	if (p == 0) {
		alarm(5); /* a hang is this test's failure */
		mailslot_close(s);
		_exit(0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	pthread_join(th, NULL);
	mailslot_close(s);
}

/*
 * A child of fork() keeps copies of a server's descriptors after the
 * parent closes it.  The parent's intake thread must not hear of that
 * server again: a writer connecting to the name the child still holds
 * would otherwise reach freed memory.
 */
static void
test_forked_copy_outlives_close(void)
{
	mailslot_server *s, *s2;
	mailslot_client *c;
	mailslot_name n;
	char hex[33];
	int go[2], fd;

	fresh_namespace("forkcopy");
	MSL_CHECK_ERR(mailslot_create("held", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_EQ(pipe(go), 0);
	pid_t p = fork();
	if (p == 0) {
		char b;
		close(go[1]);
		(void)read(go[0], &b, 1); /* hold every copy until told */
		_exit(0);
	}
	close(go[0]);
	mailslot_close(s);
	/* The name is still bound by the child's copy: this connect queues. */
	MSL_CHECK_ERR(mailslot_name_parse("held", 1, &n), MAILSLOT_OK);
	msl_key_hash(n.key, hex);
	MSL_CHECK_EQ(msl_connect_abstract(hex, 1, &fd), 0);
	/* A handshake answered by the intake thread: it has been through the
	 * batch that would have carried the stale event. */
	MSL_CHECK_ERR(mailslot_create("other", NULL, &s2), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("other", &c), MAILSLOT_OK);
	MSL_CHECK(round_trip(s2, c, "still here", 1000));
	close(fd);
	close(go[1]);
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_client_close(c);
	mailslot_close(s2);
}

static void
test_close_makes_writes_fail_and_frees_name(void)
{
	mailslot_server *s;
	mailslot_client *c;

	fresh_namespace("close");
	MSL_CHECK_ERR(mailslot_create("gone", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("gone", &c), MAILSLOT_OK);
	mailslot_info in;
	/* A child of fork() that closes its copy leaves the mailslot alone. */
	pid_t p = fork();
	if (p == 0) {
		mailslot_close(s);
		_exit(0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	MSL_CHECK(round_trip(s, c, "alive", 1000));
	MSL_CHECK_ERR(mailslot_write(c, "1", 1), MAILSLOT_OK);
	mailslot_close(s);
	MSL_CHECK_ERR(mailslot_write(c, "2", 1), MAILSLOT_E_GONE);
	MSL_CHECK_ERR(mailslot_write(c, "3", 1), MAILSLOT_E_GONE);
	/* The name is free at once, and the old queue is not inherited. */
	MSL_CHECK_ERR(mailslot_create("gone", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.count, 0);
	/* The stale client does not reach the new mailslot either. */
	MSL_CHECK_ERR(mailslot_write(c, "4", 1), MAILSLOT_E_GONE);
	mailslot_client_close(c);
	mailslot_close(s);
}

static void
test_kill9_server(void)
{
	int ready[2], go[2];
	mailslot_client *c;
	mailslot_server *s;
	char b;

	fresh_namespace("kill9");
	MSL_CHECK_EQ(pipe(ready), 0);
	MSL_CHECK_EQ(pipe(go), 0);
	pid_t p = fork();
	if (p == 0) {
		mailslot_server *cs;
		if (mailslot_create("victim", NULL, &cs) != MAILSLOT_OK)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	MSL_CHECK_EQ(read(ready[0], &b, 1), 1);
	MSL_CHECK_ERR(mailslot_open("victim", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "before", 6), MAILSLOT_OK);
	kill(p, SIGKILL);
	MSL_CHECK_EQ(wait_child(p), 128 + SIGKILL);
	/* The writer's next write fails, and the name is re-creatable at once. */
	MSL_CHECK_ERR(mailslot_write(c, "after", 5), MAILSLOT_E_GONE);
	MSL_CHECK_ERR(mailslot_create("victim", NULL, &s), MAILSLOT_OK);
	mailslot_close(s);
	mailslot_client_close(c);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/*
 * Ping-pong between two processes, each reading its own mailslot: the
 * parent with blocking reads, the child through mailslot_fd and poll.  A
 * message written while the reader scans must not be left behind in memory
 * with no descriptor readable (the reader used to sleep on it until its
 * timeout).  Each wait is bounded; a stall fails the test.
 */
#define PINGPONG_ROUNDS 20000
#define PINGPONG_WAIT_MS 3000

static int
pingpong_child(int ready_fd, int go_fd)
{
	mailslot_server *s;
	mailslot_client *c;
	char buf[64];
	size_t n;

	if (mailslot_create("pong", NULL, &s) != MAILSLOT_OK)
		return 1;
	int fd = mailslot_fd(s);
	char g;
	if (fd < 0 || write(ready_fd, "r", 1) != 1 || read(go_fd, &g, 1) != 1)
		return 2;
	if (mailslot_open("ping", &c) != MAILSLOT_OK)
		return 3;
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, PINGPONG_WAIT_MS) != 1)
			return 4; /* written, yet the descriptor stayed quiet */
		if (mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0) != MAILSLOT_OK ||
		    n != 64 || buf[0] != (char)i)
			return 5;
		if (mailslot_write(c, buf, n) != MAILSLOT_OK)
			return 6;
	}
	mailslot_client_close(c);
	mailslot_close(s);
	return 0;
}

static void
test_pingpong_never_stalls(void)
{
	mailslot_server *s;
	mailslot_client *c;
	int ready[2], go[2];
	char buf[64], b;
	size_t n;

	fresh_namespace("pingpong");
	MSL_CHECK_EQ(pipe(ready), 0);
	MSL_CHECK_EQ(pipe(go), 0);
	/* The child starts its own intake thread: fork before this process
	 * has one (see run_in_child). */
	pid_t p = fork();
	if (p == 0)
		_exit(pingpong_child(ready[1], go[0]));
	MSL_CHECK_ERR(mailslot_create("ping", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_EQ(write(go[1], "g", 1), 1);
	MSL_CHECK_EQ(read(ready[0], &b, 1), 1);
	MSL_CHECK_ERR(mailslot_open("pong", &c), MAILSLOT_OK);
	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		memset(buf, 0, sizeof buf);
		buf[0] = (char)i;
		MSL_CHECK_ERR(mailslot_write(c, buf, sizeof buf), MAILSLOT_OK);
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, PINGPONG_WAIT_MS),
		    MAILSLOT_OK);
		MSL_CHECK_EQ(n, sizeof buf);
		MSL_CHECK_EQ(buf[0], (char)i);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_client_close(c);
	mailslot_close(s);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/*
 * A reader asleep in a blocking read while another thread drains the pipes
 * into memory (get_info scans them): the sleeper must be woken, not left
 * asleep until its timeout with a message queued.  The writer waits a
 * little before each write so that the reader has stopped polling and
 * sleeps; each read is bounded.
 */
#define SLEEPER_ROUNDS 300

typedef struct sleeper_ctx {
	mailslot_server *s;
	mailslot_client *c;
	int round;          /* the reader asks for message `round` */
	int stop;           /* atomic: the scanner thread reads it */
	pthread_mutex_t mu;
	pthread_cond_t cv;
} sleeper_ctx;

static void *
sleeper_writer(void *arg)
{
	sleeper_ctx *x = arg;
	for (int i = 0; i < SLEEPER_ROUNDS; i++) {
		pthread_mutex_lock(&x->mu);
		while (x->round < i)
			pthread_cond_wait(&x->cv, &x->mu);
		pthread_mutex_unlock(&x->mu);
		struct timespec d = { 0, 200000 + (i % 7) * 50000 }; /* past the poll phase */
		nanosleep(&d, NULL);
		if (mailslot_write(x->c, &i, sizeof i) != MAILSLOT_OK)
			return (void *)1;
	}
	return NULL;
}

static void *
sleeper_scanner(void *arg)
{
	sleeper_ctx *x = arg;
	mailslot_info in;
	while (!__atomic_load_n(&x->stop, __ATOMIC_ACQUIRE))
		mailslot_get_info(x->s, &in);
	return NULL;
}

static void
test_sleeping_reader_woken_by_other_drain(void)
{
	sleeper_ctx x;
	pthread_t w, sc;
	void *wr = NULL;
	int v;
	size_t n;

	fresh_namespace("sleeper");
	memset(&x, 0, sizeof x);
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	MSL_CHECK_ERR(mailslot_create("sleeper", NULL, &x.s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("sleeper", &x.c), MAILSLOT_OK);
	MSL_CHECK_EQ(pthread_create(&w, NULL, sleeper_writer, &x), 0);
	MSL_CHECK_EQ(pthread_create(&sc, NULL, sleeper_scanner, &x), 0);
	int ok = 1;
	for (int i = 0; i < SLEEPER_ROUNDS && ok; i++) {
		pthread_mutex_lock(&x.mu);
		x.round = i;
		pthread_cond_broadcast(&x.cv);
		pthread_mutex_unlock(&x.mu);
		uint64_t t0 = now_ms();
		ok = mailslot_read_for(x.s, &v, sizeof v, &n, NULL, 5000) == MAILSLOT_OK &&
		    v == i && now_ms() - t0 < 2000;
	}
	__atomic_store_n(&x.stop, 1, __ATOMIC_RELEASE);
	pthread_join(sc, NULL);
	if (!ok) {
		/* Let the writer finish: it waits for rounds that will not come. */
		pthread_mutex_lock(&x.mu);
		x.round = SLEEPER_ROUNDS;
		pthread_cond_broadcast(&x.cv);
		pthread_mutex_unlock(&x.mu);
	}
	pthread_join(w, &wr);
	MSL_CHECK(ok);
	MSL_CHECK(wr == NULL);
	mailslot_client_close(x.c);
	mailslot_close(x.s);
}

/* dead_writer writes 0 .. count-1 to `name`, then dies by SIGKILL. */
static void
dead_writer(const char *name, int count)
{
	mailslot_client *c;
	if (mailslot_open(name, &c) != MAILSLOT_OK)
		_exit(1);
	for (int i = 0; i < count; i++)
		if (mailslot_write(c, &i, sizeof i) != MAILSLOT_OK)
			_exit(2);
	kill(getpid(), SIGKILL);
}

/* A writer killed after writing leaves its messages to be read, in order. */
static void
test_dead_writer_messages_delivered(void)
{
	mailslot_server *s;
	mailslot_info in;
	int v, i = 0;
	size_t n;

	fresh_namespace("deadwriter");
	MSL_CHECK_ERR(mailslot_create("dw", NULL, &s), MAILSLOT_OK);
	pid_t p = fork();
	if (p == 0)
		dead_writer("dw", 1000);
	MSL_CHECK_EQ(wait_child(p), 128 + SIGKILL);
	while (mailslot_read_for(s, &v, sizeof v, &n, NULL, 1000) == MAILSLOT_OK && v == i)
		i++;
	MSL_CHECK_EQ(i, 1000);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.count, 0);
	MSL_CHECK_EQ(in.writers, 0);
	mailslot_close(s);
}

/* Writers that come and go while the reader drains (use-after-free bait). */
static void
test_writer_churn(void)
{
	mailslot_server *s;
	char buf[16];
	size_t n;

	fresh_namespace("churn");
	MSL_CHECK_ERR(mailslot_create("churn", NULL, &s), MAILSLOT_OK);
	pid_t p = fork();
	if (p == 0) {
		for (int i = 0; i < 300; i++) {
			mailslot_client *c;
			if (mailslot_open("churn", &c) != MAILSLOT_OK || mailslot_write(c, "m", 1) != MAILSLOT_OK)
				_exit(1);
			mailslot_client_close(c);
		}
		_exit(0);
	}
	for (int i = 0; i < 300; i++)
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 10000), MAILSLOT_OK);
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_info in;
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.writers, 0);
	mailslot_close(s);
}

static int
count_cb(const mailslot_entry *e, void *arg)
{
	int *k = arg;
	if (strcmp(e->name, "\\\\.\\mailslot\\listed\\One") == 0 && e->pid == getpid() &&
	    e->count == 1)
		k[0]++;
	if (strcmp(e->name, "\\\\.\\mailslot\\Two") == 0 && e->max_message_size == 42)
		k[1]++;
	return 0;
}

static void
test_list(void)
{
	mailslot_server *s1, *s2;
	mailslot_client *c;
	mailslot_options o;
	int k[2] = { 0, 0 };

	fresh_namespace("list");
	mailslot_options_init(&o);
	o.max_message_size = 42;
	MSL_CHECK_ERR(mailslot_create("\\\\.\\mailslot\\listed\\One", NULL, &s1), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_create("Two", &o, &s2), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("listed/one", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "q", 1), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_list(count_cb, k), MAILSLOT_OK);
	MSL_CHECK_EQ(k[0], 1);
	MSL_CHECK_EQ(k[1], 1);
	mailslot_client_close(c);
	mailslot_close(s1);
	mailslot_close(s2);
	k[0] = k[1] = 0;
	MSL_CHECK_ERR(mailslot_list(count_cb, k), MAILSLOT_OK);
	MSL_CHECK_EQ(k[0] + k[1], 0);
}

/* As root: a mailslot restricted to its user refuses uid nobody. */
static void
test_access_restricted(void)
{
	mailslot_server *s, *s_any;
	mailslot_options o;
	struct passwd *pw = getpwnam("nobody");

	if (geteuid() != 0 || pw == NULL) {
		printf("(skipped: needs root and user nobody) ");
		return;
	}
	fresh_namespace("access");
	mailslot_options_init(&o);
	o.access = MAILSLOT_ACCESS_USER;
	MSL_CHECK_ERR(mailslot_create("private", &o, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_create("public", NULL, &s_any), MAILSLOT_OK);
	pid_t p = fork();
	if (p == 0) {
		mailslot_client *c;
		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(10);
		if (mailslot_open("private", &c) != MAILSLOT_E_ACCESS)
			_exit(11);
		if (mailslot_win32_error(MAILSLOT_E_ACCESS) != 5)
			_exit(12);
		/* The default (Windows) rule lets any process write. */
		if (mailslot_open("public", &c) != MAILSLOT_OK || mailslot_write(c, "n", 1) != MAILSLOT_OK)
			_exit(13);
		/* But it may not pose as mailslotd: the relay role, which claims
		 * a network origin, belongs to the daemon (and root). */
		mailslot_name nm;
		if (mailslot_name_parse("public", 1, &nm) != MAILSLOT_OK ||
		    msl_client_open_role(&nm, MSL_ROLE_RELAY, &c) != MAILSLOT_E_ACCESS)
			_exit(14);
		_exit(0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_msginfo mi;
	char b[2];
	size_t n;
	MSL_CHECK_ERR(mailslot_read_for(s_any, b, sizeof b, &n, &mi, 1000), MAILSLOT_OK);
	MSL_CHECK_EQ(mi.uid, pw->pw_uid);
	/* Its own user still gets in. */
	mailslot_client *c;
	MSL_CHECK_ERR(mailslot_open("private", &c), MAILSLOT_OK);
	mailslot_client_close(c);
	mailslot_close(s);
	mailslot_close(s_any);
}

static void
test_error_table(void)
{
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_BADNAME), 123);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_NULLNAME), 3);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_NOTFOUND), 2);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_TIMEOUT), 121);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_BUFSIZE), 122);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_EXISTS), 183);
	MSL_CHECK_EQ(mailslot_win32_error(MAILSLOT_E_BADNETPATH), 53);
	MSL_CHECK_EQ(mailslot_errno(MAILSLOT_E_EXISTS), EEXIST);
	MSL_CHECK_EQ(mailslot_errno(MAILSLOT_E_NOTFOUND), ENOENT);
	MSL_CHECK(strcmp(mailslot_error_name(MAILSLOT_E_FULL), "MAILSLOT_E_FULL") == 0);
	MSL_CHECK(strcmp(mailslot_strerror((mailslot_err)9999), "unknown mailslot error") == 0);
	for (int e = 0; e < MAILSLOT_ERR_COUNT_; e++)
		MSL_CHECK(strlen(mailslot_strerror((mailslot_err)e)) > 3);
}

MSL_TEST_LIST(
    MSL_TEST(test_create_open_read_write),
    MSL_TEST(test_names_case_and_forms),
    MSL_TEST(test_counts_and_empty_messages),
    MSL_TEST(test_timeouts),
    MSL_TEST(test_fifo_across_writers),
    MSL_TEST(test_max_size_and_large_messages),
    MSL_TEST(test_busy_reader_holds_10000),
    MSL_TEST(test_quota_full_then_recovers),
    MSL_TEST(test_pollable_fd),
    MSL_TEST(test_close_makes_writes_fail_and_frees_name),
    MSL_TEST(test_fork_while_server_locked),
    MSL_TEST(test_forked_copy_outlives_close),
    MSL_TEST(test_kill9_server),
    MSL_TEST(test_writer_churn),
    MSL_TEST(test_pingpong_never_stalls),
    MSL_TEST(test_sleeping_reader_woken_by_other_drain),
    MSL_TEST(test_dead_writer_messages_delivered),
    MSL_TEST(test_list),
    MSL_TEST(test_access_restricted),
    MSL_TEST(test_error_table))
