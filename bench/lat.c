/* SPDX-License-Identifier: MIT */
/*
 * lat.c - latency: a ping-pong between two processes, each round trip
 * halved, with the two sides on two CPUs or on one.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

/* What the pinger leaves in memory shared with the parent. */
typedef struct lat_shared {
	volatile int done; /* round trips measured so far */
	uint32_t samples[]; /* one-way ns, one per measured round trip */
} lat_shared;

typedef struct lat_job {
	const bench_mech *m;
	size_t size;
	int rounds, warm;
	lat_shared *sh;
	int pinger;
	int cpu[2]; /* pinger's and echoer's CPU, or -1 */
	char name[BENCH_NAME_MAX];
} lat_job;

/*
 * Each side owns an endpoint and opens the other's.  The pinger times the
 * whole round trip with one clock, so no cross-process clock comparison
 * enters the figure; half of it is the one-way latency of a message to a
 * reader that is asleep waiting for it.  Unpinned, the scheduler sometimes
 * puts both sides on one CPU and the figure jumps between two modes, so
 * each side is pinned before it creates anything (threads the library
 * starts inherit the pinning).
 */
static int
lat_side(const bench_proc *self, void *arg)
{
	lat_job *job = arg;
	const bench_mech *m = job->m;
	char *buf = malloc(BENCH_MAX_MSG);
	void *rx, *tx = NULL;
	bench_hello h = { 0 };
	int status = 1;
	int cpu = job->cpu[job->pinger ? 0 : 1];
	char go;

	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			return 1;
	}
	snprintf(h.name, sizeof(h.name), "%s", job->name);
	rx = buf != NULL ? m->rx_open(h.name, job->size, 1, BENCH_RECV_TIMEOUT_MS) :
			   NULL;
	h.ok = rx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || rx == NULL)
		return 1;
	if (bench_get(self->from, &h, sizeof(h), BENCH_CTL_TIMEOUT_MS) != 0)
		goto out;
	tx = m->tx_open(h.name);
	h.ok = tx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || tx == NULL)
		goto out;
	if (bench_get(self->from, &go, 1, BENCH_CTL_TIMEOUT_MS) != 0)
		goto out;
	memset(buf, 'p', job->size);
	for (int i = 0; i < job->warm + job->rounds; i++) {
		uint64_t t1 = bench_now();
		long full = 0;
		ssize_t n;

		if (job->pinger &&
		    bench_send_all(m, tx, buf, job->size, &full) != BENCH_SEND_OK)
			goto out;
		n = m->recv(rx, buf, BENCH_MAX_MSG);
		if (n != (ssize_t)job->size) {
			bench_warn(m->id, "%s, round trip %d of %zu B: %s",
			    job->pinger ? "pinger" : "echoer", i, job->size,
			    n == BENCH_RECV_TIMEOUT ? "no message within the "
						      "read timeout" :
			    n < 0 ? "receive failed" : "wrong size");
			goto out;
		}
		if (!job->pinger &&
		    bench_send_all(m, tx, buf, job->size, &full) != BENCH_SEND_OK)
			goto out;
		if (job->pinger && i >= job->warm) {
			job->sh->samples[i - job->warm] =
			    (uint32_t)((bench_now() - t1) / 2);
			job->sh->done = i - job->warm + 1;
		}
	}
	status = 0;
out:
	bench_put(self->to, &status, sizeof(status));
	(void)bench_get(self->from, &go, 1, -1);
	if (tx != NULL)
		m->tx_close(tx);
	m->rx_close(rx);
	free(buf);
	return status;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples, in µs. */
static double
percentile_us(const uint32_t *v, int n, double p)
{
	int k = (int)(p * n + 0.999999) - 1;

	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k] / 1000.0;
}

/*
 * lat_once runs one ping-pong and returns 0 with the percentiles, or -1
 * with out->why set; a run that stalls reports how far it got.
 */
static int
lat_once(const bench_mech *m, size_t size, int rounds, const int cpu[2],
    lat_shared *sh, double pct[3], bench_lat *out)
{
	lat_job job = { m, size, rounds, rounds / 10, sh, 0,
		{ cpu[0], cpu[1] }, { 0 } };
	const char **why = &out->why;
	bench_proc side[2];
	bench_hello h[2];
	int nside = 0, ok = 0, st[2];
	char tag[2][BENCH_NAME_MAX];

	*why = "could not start both sides";
	for (; nside < 2; nside++) {
		job.pinger = nside == 0;
		bench_unique_name(job.name, sizeof(job.name));
		snprintf(tag[nside], sizeof(tag[nside]), "%s", job.name);
		if (bench_spawn(&side[nside], lat_side, &job) != 0)
			goto out;
		if (bench_get(side[nside].from, &h[nside], sizeof(h[nside]),
			BENCH_CTL_TIMEOUT_MS) != 0 ||
		    !h[nside].ok) {
			nside++;
			goto out;
		}
	}
	/* Each side gets the other's address, then both open it. */
	bench_put(side[0].to, &h[1], sizeof(h[1]));
	bench_put(side[1].to, &h[0], sizeof(h[0]));
	for (int i = 0; i < 2; i++)
		if (bench_get(side[i].from, &h[i], sizeof(h[i]),
			BENCH_CTL_TIMEOUT_MS) != 0 ||
		    !h[i].ok)
			goto out;
	sh->done = 0;
	bench_put(side[0].to, "g", 1);
	bench_put(side[1].to, "g", 1);
	*why = "a side got stuck (killed by the watchdog)";
	for (int i = 0; i < 2; i++) {
		if (bench_get(side[i].from, &st[i], sizeof(st[i]),
			20000 + rounds) != 0)
			goto out;
		if (st[i] != 0) {
			int done = sh->done;

			qsort(sh->samples, (size_t)done, sizeof(sh->samples[0]),
			    cmp_u32);
			out->stalled_after = done;
			out->stalled_p50 = done > 0 ?
			    percentile_us(sh->samples, done, 0.5) :
			    0;
			snprintf(out->note, sizeof(out->note),
			    "stalled after %d of %d round trips: a message "
			    "written was not read within %d ms (p50 until then "
			    "%.1f µs)",
			    done, rounds, BENCH_RECV_TIMEOUT_MS, out->stalled_p50);
			*why = out->note;
			goto out;
		}
	}
	qsort(sh->samples, (size_t)rounds, sizeof(sh->samples[0]), cmp_u32);
	pct[0] = percentile_us(sh->samples, rounds, 0.50);
	pct[1] = percentile_us(sh->samples, rounds, 0.99);
	pct[2] = percentile_us(sh->samples, rounds, 0.999);
	ok = 1;
out:
	for (int i = 0; i < nside; i++) {
		bench_put(side[i].to, "d", 1);
		bench_reap(&side[i], ok ? BENCH_CTL_TIMEOUT_MS : 0);
		if (!ok)
			bench_named_forget(m, tag[i]);
	}
	return ok ? 0 : -1;
}

void
bench_lat_point(const bench_mech *m, size_t size, int rounds, int runs,
    const int cpu[2], bench_lat *out)
{
	size_t bytes = sizeof(lat_shared) + (size_t)rounds * sizeof(uint32_t);
	lat_shared *sh;
	double v[3][16];
	int n = 0;

	out->why = m->na(size, 1);
	if (out->why == NULL && cpu[1] < 0)
		out->why = "needs two CPUs";
	if (out->why != NULL) {
		out->state = BENCH_NA;
		return;
	}
	out->state = BENCH_FAILED;
	sh = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		out->why = "no memory for the samples";
		return;
	}
	for (; n < runs && n < 16; n++) {
		double pct[3];

		if (lat_once(m, size, rounds, cpu, sh, pct, out) != 0)
			goto out;
		for (int k = 0; k < 3; k++)
			v[k][n] = pct[k];
	}
	for (int k = 0; k < 3; k++)
		qsort(v[k], (size_t)n, sizeof(double), bench_cmp_double);
	out->p50 = v[0][n / 2];
	out->p99 = v[1][n / 2];
	out->p999 = v[2][n / 2];
	out->state = BENCH_DONE;
	out->why = NULL;
out:
	munmap(sh, bytes);
}
