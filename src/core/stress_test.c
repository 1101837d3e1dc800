/* SPDX-License-Identifier: MIT */
/*
 * stress_test.c - 8 writer processes x 50 000 numbered messages into one
 * reader that is busy at times: nothing lost, duplicated or corrupted,
 * each writer's order kept, and no writer sees an error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mailslot/mailslot.h>

#include "msl_test.h"

#define WRITERS 8
#define PER_WRITER 50000

typedef struct rec {
	uint32_t writer;
	uint32_t seq;
	uint32_t sum; /* of the payload, to catch corruption */
	uint8_t payload[];
} rec;

static uint32_t
sum_of(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void
writer(int id)
{
	mailslot_client *c;
	uint8_t buf[sizeof(rec) + 256];
	rec *r = (rec *)buf;
	mailslot_err e;

	if ((e = mailslot_open("stress", &c)) != MAILSLOT_OK) {
		fprintf(stderr, "writer %d: open: %s\n", id, mailslot_strerror(e));
		_exit(1);
	}
	for (uint32_t i = 0; i < PER_WRITER; i++) {
		size_t n = (i * 37u + (uint32_t)id) % 200;
		r->writer = (uint32_t)id;
		r->seq = i;
		for (size_t k = 0; k < n; k++)
			r->payload[k] = (uint8_t)(i + k * (uint32_t)id);
		r->sum = sum_of(r->payload, n);
		if ((e = mailslot_write(c, buf, sizeof *r + n)) != MAILSLOT_OK) {
			fprintf(stderr, "writer %d: write %u: %s\n", id, i, mailslot_strerror(e));
			_exit(2);
		}
	}
	mailslot_client_close(c);
	_exit(0);
}

/* busy_for keeps the reader's CPU busy (it is "doing something else"). */
static void
busy_for(long ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static void
test_8_writers_50000_each(void)
{
	mailslot_server *s;
	pid_t pids[WRITERS];
	uint32_t next[WRITERS] = { 0 };
	uint8_t buf[sizeof(rec) + 256];
	rec *r = (rec *)buf;
	long total = 0, bad = 0;
	char nsb[64];

	snprintf(nsb, sizeof nsb, "stress-%d", (int)getpid());
	setenv("MAILSLOT_NAMESPACE", nsb, 1);
	MSL_CHECK_ERR(mailslot_create("stress", NULL, &s), MAILSLOT_OK);
	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		MSL_CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			writer(i);
	}
	while (total < (long)WRITERS * PER_WRITER) {
		size_t n;
		mailslot_err e = mailslot_read_for(s, buf, sizeof buf, &n, NULL, 30000);
		MSL_CHECK_ERR(e, MAILSLOT_OK);
		MSL_CHECK(n >= sizeof *r && r->writer < WRITERS);
		if (r->seq != next[r->writer] || r->sum != sum_of(r->payload, n - sizeof *r) ||
		    n - sizeof *r != (r->seq * 37u + r->writer) % 200)
			bad++;
		next[r->writer] = r->seq + 1;
		total++;
		if (total % 40000 == 0)
			busy_for(100);
	}
	for (int i = 0; i < WRITERS; i++) {
		int st;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		MSL_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		MSL_CHECK_EQ(next[i], PER_WRITER);
	}
	MSL_CHECK_EQ(bad, 0);
	size_t n;
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0), MAILSLOT_E_TIMEOUT);
	printf("(%ld messages) ", total);
	mailslot_close(s);
}

MSL_TEST_LIST(MSL_TEST(test_8_writers_50000_each))
