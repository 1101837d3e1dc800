/* SPDX-License-Identifier: MIT */
/*
 * local_lifetime_test.c - how long mailslots and messages live, with real
 * processes: fork, close, kill -9 of the server, writers that die or come
 * and go.
 */
#include "local_testlib.h"

/* Set by hold_lock once it holds a server's lock. */
static int held_flag;

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
	mailslot_server *s = fresh_slot("forklock");
	pthread_t th;

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
	close_pipes(ready, go);
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
	mailslot_server *s = fresh_slot("churn");
	char buf[16];
	size_t n;

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

MSL_TEST_LIST(
    MSL_TEST(test_close_makes_writes_fail_and_frees_name),
    MSL_TEST(test_fork_while_server_locked),
    MSL_TEST(test_forked_copy_outlives_close),
    MSL_TEST(test_kill9_server),
    MSL_TEST(test_writer_churn),
    MSL_TEST(test_dead_writer_messages_delivered))
