/* SPDX-License-Identifier: MIT */
/*
 * tput.c - throughput: W writer processes into one reader process, the
 * clock running from the writers' release to the reader's last message.
 * The same run with a writer that opens, writes one message and closes
 * each time (the classic Windows client) times that pattern.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

typedef struct tput_job {
	const bench_mech *m;
	size_t size;
	int writers;
	long per_writer;
	int reopen; /* open + write + close for every message */
	volatile long *progress; /* messages received, shared with the parent */
	char name[BENCH_NAME_MAX];
} tput_job;

typedef struct rx_report {
	long count, bad;
	uint64_t t_last;
	int status; /* 0 all received, else BENCH_RECV_TIMEOUT or _ERR */
} rx_report;

typedef struct tx_report {
	long sent, full;
	int err;
} tx_report;

static int
tput_reader(const bench_proc *self, void *arg)
{
	tput_job *job = arg;
	const bench_mech *m = job->m;
	long total = job->per_writer * job->writers;
	rx_report rep = { 0 };
	bench_hello h = { 0 };
	char *buf = malloc(BENCH_MAX_MSG);
	void *rx;

	snprintf(h.name, sizeof(h.name), "%s", job->name);
	rx = buf != NULL ? m->rx_open(h.name, job->size, job->writers,
				 BENCH_RECV_TIMEOUT_MS) :
			   NULL;
	h.ok = rx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || rx == NULL)
		return 1;
	/*
	 * Reading the clock costs ~20 ns, 2% of a message here, so only every
	 * 64th arrival is stamped; a run cut short by a lost datagram is then
	 * timed to within 63 messages.
	 */
	while (rep.count < total) {
		ssize_t n = m->recv(rx, buf, BENCH_MAX_MSG);

		if (n < 0) {
			rep.status = (int)n;
			break;
		}
		if ((size_t)n != job->size)
			rep.bad++;
		if ((++rep.count & 63) == 0) {
			rep.t_last = bench_now();
			*job->progress = rep.count;
		}
	}
	if (rep.status == 0)
		rep.t_last = bench_now();
	m->rx_close(rx);
	free(buf);
	return bench_put(self->to, &rep, sizeof(rep)) == 0 ? 0 : 1;
}

static int
tput_writer(const bench_proc *self, void *arg)
{
	tput_job *job = arg;
	const bench_mech *m = job->m;
	tx_report rep = { 0 };
	bench_hello h = { 0 };
	char *buf = malloc(job->size + 1);
	void *tx = buf != NULL ? m->tx_open(job->name) : NULL;
	char go;

	h.ok = tx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || tx == NULL)
		return 1;
	memset(buf, 'm', job->size + 1);
	if (job->reopen) {
		/* The first open only proved the name works. */
		m->tx_close(tx);
		tx = NULL;
	}
	if (bench_get(self->from, &go, 1, BENCH_CTL_TIMEOUT_MS) != 0)
		return 1;
	for (; rep.sent < job->per_writer; rep.sent++) {
		if (job->reopen && (tx = m->tx_open(job->name)) == NULL) {
			rep.err = 1;
			break;
		}
		if (bench_send_all(m, tx, buf, job->size, &rep.full) != BENCH_SEND_OK) {
			rep.err = 1;
			break;
		}
		if (job->reopen) {
			m->tx_close(tx);
			tx = NULL;
		}
	}
	bench_put(self->to, &rep, sizeof(rep));
	/*
	 * Hold the endpoint until the reader has everything: a SOCK_SEQPACKET
	 * end-of-stream would otherwise read as one more empty record.
	 */
	(void)bench_get(self->from, &go, 1, -1);
	if (tx != NULL)
		m->tx_close(tx);
	free(buf);
	return 0;
}

/*
 * The reader gets 5 s plus 20 µs a message (a rate of 50k/s, a quarter of
 * the slowest healthy peer here) before it is killed and the point is
 * reported as stalled, so one broken mechanism cannot eat the time budget.
 */
static int
tput_watchdog_ms(long count)
{
	return BENCH_WATCHDOG_MS + (int)(count * BENCH_WATCHDOG_US_PER_MSG / 1000);
}

/*
 * tput_once runs one throughput measurement and returns 0 with the rate,
 * or -1 with out->why set.  The clock starts just before the writers are
 * released (all are connected by then) and stops at the reader's last
 * message, so set-up is not counted and every queued message is.
 */
static int
tput_once(const bench_mech *m, size_t size, int writers, long count,
    int reopen, volatile long *progress, double *mps, long *lost, long *full,
    bench_tput *out)
{
	tput_job job = { m, size, writers, count / writers, reopen, progress,
		{ 0 } };
	const char **why = &out->why;
	bench_proc rx, tx[8];
	int ntx = 0, ok = 0;
	rx_report rr;
	uint64_t t0 = 0;
	char tag[BENCH_NAME_MAX];
	bench_hello h;

	bench_unique_name(job.name, sizeof(job.name));
	memcpy(tag, job.name, sizeof(tag));
	*why = "could not start the reader";
	if (bench_spawn(&rx, tput_reader, &job) != 0)
		return -1;
	if (bench_get(rx.from, &h, sizeof(h), BENCH_CTL_TIMEOUT_MS) != 0 || !h.ok)
		goto out;
	/* The writers open what the reader reported (e.g. its UDP port). */
	memcpy(job.name, h.name, sizeof(job.name));
	*why = "a writer could not open the endpoint";
	for (; ntx < writers; ntx++)
		if (bench_spawn(&tx[ntx], tput_writer, &job) != 0)
			goto out;
	for (int i = 0; i < ntx; i++)
		if (bench_get(tx[i].from, &h, sizeof(h), BENCH_CTL_TIMEOUT_MS) != 0 ||
		    !h.ok)
			goto out;
	t0 = bench_now();
	for (int i = 0; i < ntx; i++)
		bench_put(tx[i].to, "g", 1);
	*progress = 0;
	if (bench_get(rx.from, &rr, sizeof(rr), tput_watchdog_ms(count)) != 0) {
		double secs = bench_ms_since(t0) / 1e3;

		snprintf(out->note, sizeof(out->note),
		    "stalled: %ld of %ld messages received in %.0f s (%.0f/s), "
		    "reader killed", *progress, count, secs,
		    (double)*progress / secs);
		*why = out->note;
		goto out;
	}
	*why = "a writer failed";
	for (int i = 0; i < ntx; i++) {
		tx_report tr;

		if (bench_get(tx[i].from, &tr, sizeof(tr), BENCH_CTL_TIMEOUT_MS) != 0 ||
		    tr.err)
			goto out;
		*full += tr.full;
	}
	*why = "the reader failed";
	if (rr.status == BENCH_RECV_ERR || rr.count == 0 || rr.t_last <= t0)
		goto out;
	*why = "messages arrived with the wrong size";
	if (rr.bad != 0)
		goto out;
	*mps = (double)rr.count / ((double)(rr.t_last - t0) / 1e9);
	*lost = job.per_writer * writers - rr.count;
	ok = 1;
out:
	for (int i = 0; i < ntx; i++) {
		bench_put(tx[i].to, "d", 1);
		bench_reap(&tx[i], ok ? BENCH_CTL_TIMEOUT_MS : 0);
	}
	bench_reap(&rx, ok ? BENCH_CTL_TIMEOUT_MS : 0);
	if (!ok)
		bench_named_forget(m, tag);
	return ok ? 0 : -1;
}


/* tput_point is bench_tput_point, or bench_churn_point with reopen. */
static void
tput_point(const bench_mech *m, size_t size, int writers, long count,
    int runs, int warm, int reopen, bench_tput *out)
{
	volatile long *progress;
	double v[16];
	int n = 0;

	out->why = m->na(size, writers);
	if (out->why != NULL) {
		out->state = BENCH_NA;
		return;
	}
	out->state = BENCH_FAILED;
	progress = mmap(NULL, sizeof(*progress), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (progress == MAP_FAILED) {
		out->why = "no shared memory";
		return;
	}
	/* A shorter first run warms caches, allocators and the scheduler. */
	if (warm) {
		double mps;
		long lost = 0, full = 0;

		if (tput_once(m, size, writers, count / 10 > writers * 100 ?
			    count / 10 :
			    writers * 100,
			reopen, progress, &mps, &lost, &full, out) != 0)
			goto out;
	}
	for (int i = 0; i < runs && i < 16; i++) {
		long lost = 0;

		if (tput_once(m, size, writers, count, reopen, progress, &v[n],
			&lost, &out->full, out) != 0)
			goto out;
		if (lost > out->lost)
			out->lost = lost;
		n++;
	}
	qsort(v, (size_t)n, sizeof(v[0]), bench_cmp_double);
	out->mps = v[n / 2];
	out->spread = (v[n - 1] - v[0]) / out->mps;
	out->state = BENCH_DONE;
	out->why = NULL;
out:
	munmap((void *)progress, sizeof(*progress));
}

void
bench_tput_point(const bench_mech *m, size_t size, int writers,
    long count, int runs, int warm, bench_tput *out)
{
	tput_point(m, size, writers, count, runs, warm, 0, out);
}

void
bench_churn_point(const bench_mech *m, long count, int runs, int warm,
    bench_tput *out)
{
	tput_point(m, BENCH_SCALE_MSG, 1, count, runs, warm, 1, out);
}
