/* SPDX-License-Identifier: MIT */
/*
 * ring_test.c - the local transport's data channel and its costs: the
 * descriptors an idle mailslot holds, and (with the shared-memory rings)
 * the wake-up protocol between writers and a sleeping reader.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mailslot/mailslot.h>

#include "msl_test.h"

#define fresh_namespace(tag) msl_test_namespace("ring", tag)

/* count_fds counts this process's open descriptors. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own descriptor */
}

static int
wait_child(pid_t p)
{
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define IDLE_N 200

/*
 * An idle mailslot holds one descriptor, its listening socket, and so does
 * one whose writers wrote and left, once their connections are gone:
 * ten thousand fit under a limit of twenty thousand.
 */
static void
test_idle_mailslot_holds_one_descriptor(void)
{
	static mailslot_server *s[IDLE_N];
	char name[32];

	fresh_namespace("idle");
	/* The first one starts the process's intake thread and live page. */
	MSL_CHECK_ERR(mailslot_create("warm", NULL, &s[0]), MAILSLOT_OK);
	int fds0 = count_fds();
	for (int i = 1; i < IDLE_N; i++) {
		snprintf(name, sizeof name, "idle%d", i);
		MSL_CHECK_ERR(mailslot_create(name, NULL, &s[i]), MAILSLOT_OK);
	}
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	/* Another process opens each one, writes and closes, as a Windows
	 * client does. */
	pid_t p = fork();
	if (p == 0) {
		for (int i = 1; i < IDLE_N; i++) {
			mailslot_client *c;
			snprintf(name, sizeof name, "idle%d", i);
			if (mailslot_open(name, &c) != MAILSLOT_OK ||
			    mailslot_write(c, name, strlen(name)) != MAILSLOT_OK)
				_exit(1);
			mailslot_client_close(c);
		}
		_exit(0);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	/* The intake thread ends each connection once it sees the writer
	 * gone; the messages stay queued without a descriptor. */
	for (int k = 0; k < 10000 && count_fds() - fds0 > IDLE_N - 1; k++)
		usleep(1000); /* at most 10 s */
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	for (int i = 1; i < IDLE_N; i++) {
		char buf[32];
		size_t n;
		snprintf(name, sizeof name, "idle%d", i);
		MSL_CHECK_ERR(mailslot_read_for(s[i], buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
		MSL_CHECK(n == strlen(name) && memcmp(buf, name, n) == 0);
	}
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	for (int i = 0; i < IDLE_N; i++)
		mailslot_close(s[i]);
}

MSL_TEST_LIST(
    MSL_TEST(test_idle_mailslot_holds_one_descriptor))
