/* SPDX-License-Identifier: MIT */
/*
 * local_wakeup_test.c - a busy or sleeping reader and the writers that
 * feed it, with real processes: the quota, the pollable descriptor, a
 * ping-pong that must never stall, a reader woken by another's drain.
 */
#include "local_testlib.h"

static uint64_t
now_ms(void)
{
	return msl_test_ms(CLOCK_MONOTONIC);
}

/* A busy reader: the writer finishes 10 000 messages before any read. */
static void
test_busy_reader_holds_10000(void)
{
	mailslot_server *s = fresh_slot("busy");
	mailslot_info in;
	char buf[64];
	size_t n;

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
	mailslot_server *s = fresh_slot("poll");
	mailslot_client *c;
	char buf[8];
	size_t n;

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
	close_pipes(ready, go);
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

MSL_TEST_LIST(
    MSL_TEST(test_busy_reader_holds_10000),
    MSL_TEST(test_quota_full_then_recovers),
    MSL_TEST(test_pollable_fd),
    MSL_TEST(test_pingpong_never_stalls),
    MSL_TEST(test_sleeping_reader_woken_by_other_drain))
