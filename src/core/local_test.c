/* SPDX-License-Identifier: MIT */
/*
 * local_test.c - the native API on local mailslots, with real processes:
 * opening, names, counts, timeouts, ordering, sizes, listing, access and
 * the error table.  Lifetimes are in local_lifetime_test.c, the reader's
 * wake-ups and the quota in local_wakeup_test.c.
 */
#include "local_testlib.h"

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
	mailslot_server *s = fresh_slot("counts");
	mailslot_client *c1, *c2;
	mailslot_info in;
	char buf[16];
	size_t n;

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
	mailslot_server *s = fresh_slot("fifo");
	mailslot_client *c[4];
	char buf[8];
	size_t n;

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
    MSL_TEST(test_list),
    MSL_TEST(test_access_restricted),
    MSL_TEST(test_error_table))
