/* SPDX-License-Identifier: MIT */
/*
 * ring_test.c - the shared-memory ring peer (peer_ring.c) under the
 * conditions that expose a lost wake-up: rings so small that every message
 * fills one (one record, then sixteen), no polling before a sleep, so each
 * wait goes through the futex protocol, and a million messages a case
 * (fewer for the bench's own 1 MiB rings and messages up to 64 KiB).
 * A futex wait that times out while the other side is still writing or
 * reading means a wake-up was lost; so does a case that overruns its time
 * bound.  Every message carries its writer and sequence number, and sizes
 * vary so that records wrap at every offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* A case may take this long; a lost wake-up costs a futex timeout. */
#define CASE_BOUND_MS 60000
/* A futex wait that long while the other side is busy means a lost wake-up. */
#define WAIT_TIMEOUT_MS 2000

typedef struct ring_case {
	size_t ring_bytes;
	size_t max_size; /* sizes cycle through 8 ... max_size */
	int writers;
	long messages; /* in all, split between the writers */
	char name[BENCH_NAME_MAX];
} ring_case;

/* The size of message `seq`: every multiple of 8 bytes from 8 to max. */
static size_t
msg_size(const ring_case *c, long seq)
{
	return 8 + (size_t)(seq % (long)(c->max_size / 8)) * 8;
}

typedef struct msg_head {
	uint32_t writer, seq;
} msg_head;

static int
writer(const bench_proc *self, void *arg)
{
	const ring_case *c = arg;
	unsigned char buf[BENCH_MAX_MSG];
	void *tx = bench_ring.tx_open(c->name);
	msg_head h = { 0, 0 };
	char go;

	if (tx == NULL || bench_get(self->from, &go, 1, CASE_BOUND_MS) != 0)
		return 1;
	h.writer = (uint32_t)go;
	for (long i = 0; i < c->messages / c->writers; i++) {
		size_t n = msg_size(c, i);

		h.seq = (uint32_t)i;
		memset(buf, (int)(i & 0xff), n);
		memcpy(buf, &h, sizeof(h));
		if (bench_ring.send(tx, buf, n) != BENCH_SEND_OK) {
			fprintf(stderr, "ring_test: writer %u: send %ld failed\n",
			    h.writer, i);
			return 1;
		}
	}
	bench_put(self->to, &bench_ring_timeouts, sizeof(bench_ring_timeouts));
	bench_ring.tx_close(tx);
	return 0;
}

/* check_msg tells whether buf is the next message of its writer. */
static int
check_msg(const ring_case *c, const unsigned char *buf, ssize_t n, long *next)
{
	msg_head h;

	if (n < (ssize_t)sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.writer >= (uint32_t)c->writers || h.seq != (uint32_t)next[h.writer] ||
	    (size_t)n != msg_size(c, h.seq) ||
	    (n > (ssize_t)sizeof(h) && buf[n - 1] != (h.seq & 0xff)))
		return 0;
	next[h.writer]++;
	return 1;
}

static int
run_case(ring_case *c)
{
	static unsigned char buf[BENCH_MAX_MSG];
	long next[8] = { 0 }, got = 0, wt;
	bench_proc tx[8];
	uint64_t t0 = bench_now();
	void *rx;
	int ok = 1;

	bench_ring_bytes = c->ring_bytes;
	bench_ring_timeouts = 0;
	bench_unique_name(c->name, sizeof(c->name));
	rx = bench_ring.rx_open(c->name, c->max_size, c->writers, WAIT_TIMEOUT_MS);
	if (rx == NULL)
		return 0;
	for (int i = 0; i < c->writers; i++)
		if (bench_spawn(&tx[i], writer, c) != 0)
			return 0;
	for (int i = 0; i < c->writers; i++)
		bench_put(tx[i].to, (char[]){ (char)i }, 1);
	while (got < c->messages / c->writers * c->writers) {
		ssize_t n = bench_ring.recv(rx, buf, sizeof(buf));

		if (!check_msg(c, buf, n, next)) {
			fprintf(stderr, "ring_test: message %ld: wrong (length %zd)\n",
			    got, n);
			ok = 0;
			break;
		}
		got++;
		if (bench_ms_since(t0) > CASE_BOUND_MS) {
			fprintf(stderr, "ring_test: over %d ms\n", CASE_BOUND_MS);
			ok = 0;
			break;
		}
	}
	for (int i = 0; i < c->writers; i++) {
		if (ok && (bench_get(tx[i].from, &wt, sizeof(wt), CASE_BOUND_MS) != 0 ||
		    wt != 0)) {
			fprintf(stderr, "ring_test: writer %d: %ld futex waits timed out "
			    "(lost wake-ups) or no report\n", i, wt);
			ok = 0;
		}
		if (bench_reap(&tx[i], ok ? CASE_BOUND_MS : 0) != 0)
			ok = 0;
	}
	if (bench_ring_timeouts != 0) {
		fprintf(stderr, "ring_test: reader: %ld futex waits timed out "
		    "(lost wake-ups)\n", bench_ring_timeouts);
		ok = 0;
	}
	bench_ring.rx_close(rx);
	printf("ring_test: %zu-byte rings, %d writer(s), sizes 8-%zu: %ld messages "
	    "in %.1f s: %s\n", c->ring_bytes, c->writers, c->max_size, got,
	    bench_ms_since(t0) / 1e3, ok ? "ok" : "FAILED");
	return ok;
}

int
main(void)
{
	/* Records take the length word and 8-byte padding: 8 + size. */
	ring_case cases[] = {
		{ 128, 120, 1, 1000000, { 0 } },   /* one record at a time   */
		{ 2048, 120, 1, 1000000, { 0 } },  /* about sixteen records   */
		{ 128, 120, 8, 1000000, { 0 } },   /* eight one-record rings  */
		{ 1 << 20, 65536, 1, 20000, { 0 } } /* the bench's ring size  */
	};
	int ok = 1;

	bench_ring_spin_ns = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok &= run_case(&cases[i]);
	return ok ? 0 : 1;
}
