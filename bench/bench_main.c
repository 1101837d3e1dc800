/*
 * bench_main.c - msl_bench: throughput, latency and scale of the local
 * mailslot against the kernel mechanisms an application would otherwise
 * use, all measured in one run on one machine so that the ratios hold.
 *
 * Every reader and every writer is its own process.  The parent only
 * forks, starts the clock, releases the writers and collects results over
 * pipes; it never touches a mechanism, so a stuck one can be killed.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

const size_t bench_sizes[BENCH_NSIZES] = { 0, 64, 400, 4096, 65536 };
const int bench_writers[BENCH_NWRITERS] = { 1, 8 };

/* Messages per throughput run, by size: about 0.2-1 s each here. */
static const long full_counts[BENCH_NSIZES] = { 300000, 300000, 300000,
	100000, 10000 };
#define QUICK_DIVISOR 20
#define LAT_ROUNDS 10000
#define LAT_ROUNDS_QUICK 1000

/* Control messages come at once unless a process is stuck. */
#define CTL_TIMEOUT_MS 30000

static unsigned name_seq;

typedef struct hello {
	int ok;
	char name[BENCH_NAME_MAX];
} hello;

static void
unique_name(char *out, size_t cap)
{
	snprintf(out, cap, "%ld-%u", (long)getpid(), ++name_seq);
}

/* send retries while the receiver's quota is used up; full counts waits. */
static int
send_all(const bench_mech *m, void *tx, const void *buf, size_t len,
    long *full)
{
	static const struct timespec backoff = { 0, BENCH_FULL_BACKOFF_NS };

	for (;;) {
		int r = m->send(tx, buf, len);

		if (r != BENCH_SEND_FULL)
			return r;
		(*full)++;
		nanosleep(&backoff, NULL);
	}
}

/* ---- Throughput: W writer processes into one reader process ------------ */

typedef struct tput_job {
	const bench_mech *m;
	size_t size;
	int writers;
	long per_writer;
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
	hello h = { 0 };
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
	hello h = { 0 };
	char *buf = malloc(job->size + 1);
	void *tx = buf != NULL ? m->tx_open(job->name) : NULL;
	char go;

	h.ok = tx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || tx == NULL)
		return 1;
	memset(buf, 'm', job->size + 1);
	if (bench_get(self->from, &go, 1, CTL_TIMEOUT_MS) != 0)
		return 1;
	for (; rep.sent < job->per_writer; rep.sent++) {
		if (send_all(m, tx, buf, job->size, &rep.full) != BENCH_SEND_OK) {
			rep.err = 1;
			break;
		}
	}
	bench_put(self->to, &rep, sizeof(rep));
	/*
	 * Hold the endpoint until the reader has everything: a SOCK_SEQPACKET
	 * end-of-stream would otherwise read as one more empty record.
	 */
	(void)bench_get(self->from, &go, 1, -1);
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
    volatile long *progress, double *mps, long *lost, long *full,
    bench_tput *out)
{
	tput_job job = { m, size, writers, count / writers, progress, { 0 } };
	const char **why = &out->why;
	bench_proc rx, tx[8];
	int ntx = 0, ok = 0;
	rx_report rr;
	uint64_t t0 = 0;
	char tag[BENCH_NAME_MAX];
	hello h;

	unique_name(job.name, sizeof(job.name));
	memcpy(tag, job.name, sizeof(tag));
	*why = "could not start the reader";
	if (bench_spawn(&rx, tput_reader, &job) != 0)
		return -1;
	if (bench_get(rx.from, &h, sizeof(h), CTL_TIMEOUT_MS) != 0 || !h.ok)
		goto out;
	/* The writers open what the reader reported (e.g. its UDP port). */
	memcpy(job.name, h.name, sizeof(job.name));
	*why = "a writer could not open the endpoint";
	for (; ntx < writers; ntx++)
		if (bench_spawn(&tx[ntx], tput_writer, &job) != 0)
			goto out;
	for (int i = 0; i < ntx; i++)
		if (bench_get(tx[i].from, &h, sizeof(h), CTL_TIMEOUT_MS) != 0 ||
		    !h.ok)
			goto out;
	t0 = bench_now();
	for (int i = 0; i < ntx; i++)
		bench_put(tx[i].to, "g", 1);
	*progress = 0;
	if (bench_get(rx.from, &rr, sizeof(rr), tput_watchdog_ms(count)) != 0) {
		double secs = (double)(bench_now() - t0) / 1e9;

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

		if (bench_get(tx[i].from, &tr, sizeof(tr), CTL_TIMEOUT_MS) != 0 ||
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
		bench_reap(&tx[i], ok ? CTL_TIMEOUT_MS : 0);
	}
	bench_reap(&rx, ok ? CTL_TIMEOUT_MS : 0);
	if (!ok && m->cleanup != NULL)
		m->cleanup(tag);
	return ok ? 0 : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
tput_point(const bench_mech *m, size_t size, int writers, long count,
    int runs, int warm, bench_tput *out)
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
			progress, &mps, &lost, &full, out) != 0)
			goto out;
	}
	for (int i = 0; i < runs && i < 16; i++) {
		long lost = 0;

		if (tput_once(m, size, writers, count, progress, &v[n], &lost,
			&out->full, out) != 0)
			goto out;
		if (lost > out->lost)
			out->lost = lost;
		n++;
	}
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	out->mps = v[n / 2];
	out->spread = (v[n - 1] - v[0]) / out->mps;
	out->state = BENCH_DONE;
	out->why = NULL;
out:
	munmap((void *)progress, sizeof(*progress));
}

/* ---- Latency: ping-pong between two processes, halved ------------------ */

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
	hello h = { 0 };
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
	if (bench_get(self->from, &h, sizeof(h), CTL_TIMEOUT_MS) != 0)
		goto out;
	tx = m->tx_open(h.name);
	h.ok = tx != NULL;
	if (bench_put(self->to, &h, sizeof(h)) != 0 || tx == NULL)
		goto out;
	if (bench_get(self->from, &go, 1, CTL_TIMEOUT_MS) != 0)
		goto out;
	memset(buf, 'p', job->size);
	for (int i = 0; i < job->warm + job->rounds; i++) {
		uint64_t t1 = bench_now();
		long full = 0;
		ssize_t n;

		if (job->pinger &&
		    send_all(m, tx, buf, job->size, &full) != BENCH_SEND_OK)
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
		    send_all(m, tx, buf, job->size, &full) != BENCH_SEND_OK)
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
	hello h[2];
	int nside = 0, ok = 0, st[2];
	char tag[2][BENCH_NAME_MAX];

	*why = "could not start both sides";
	for (; nside < 2; nside++) {
		job.pinger = nside == 0;
		unique_name(job.name, sizeof(job.name));
		snprintf(tag[nside], sizeof(tag[nside]), "%s", job.name);
		if (bench_spawn(&side[nside], lat_side, &job) != 0)
			goto out;
		if (bench_get(side[nside].from, &h[nside], sizeof(h[nside]),
			CTL_TIMEOUT_MS) != 0 ||
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
			CTL_TIMEOUT_MS) != 0 ||
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
		bench_reap(&side[i], ok ? CTL_TIMEOUT_MS : 0);
		if (!ok && m->cleanup != NULL)
			m->cleanup(tag[i]);
	}
	return ok ? 0 : -1;
}

static void
lat_point(const bench_mech *m, size_t size, int rounds, int runs,
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
		qsort(v[k], (size_t)n, sizeof(double), cmp_double);
	out->p50 = v[0][n / 2];
	out->p99 = v[1][n / 2];
	out->p999 = v[2][n / 2];
	out->state = BENCH_DONE;
	out->why = NULL;
out:
	munmap(sh, bytes);
}

/* ---- Driver -------------------------------------------------------------- */

static const bench_mech *const all_mechs[] = {
#ifdef MSL_BENCH_HAVE_MAILSLOT
	&bench_mailslot,
#endif
#ifdef MSL_BENCH_HAVE_WIN32
	&bench_win32,
#endif
	&bench_dgram,
	&bench_seqpacket,
	&bench_mq,
	&bench_fifo,
	&bench_udp,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: msl_bench [--quick] [--runs n] [--mech id,...] "
	    "[--parts tput,lat,scale,remote]\n"
	    "                 [--scale n] [--data dir]\n"
	    "                 [--remote NS_A,NS_B,IP_B]\n"
	    "mechanisms:");
	for (size_t i = 0; i < sizeof(all_mechs) / sizeof(all_mechs[0]); i++)
		fprintf(f, " %s", all_mechs[i]->id);
	fputc('\n', f);
}

static int
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *e = strchr(p, ',');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, word, n) == 0)
			return 1;
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}

/* The two test hosts for the remote part, "NS_A,NS_B,IP_B" (--remote). */
static const char *remote_spec;

static void
run_all(bench_results *r, const char *mechs, const char *parts)
{
	int warm = !r->quick;

	for (size_t i = 0; i < sizeof(all_mechs) / sizeof(all_mechs[0]); i++)
		if (mechs == NULL || in_list(mechs, all_mechs[i]->id))
			r->mech[r->nmech++] = all_mechs[i];
	if (in_list(parts, "tput")) {
		r->parts |= BENCH_PART_TPUT;
		for (int mi = 0; mi < r->nmech; mi++)
			for (int w = 0; w < BENCH_NWRITERS; w++)
				for (int s = 0; s < BENCH_NSIZES; s++) {
					bench_tput *t = &r->tput[mi][s][w];
					char rate[32];

					tput_point(r->mech[mi], bench_sizes[s],
					    bench_writers[w], r->counts[s],
					    r->runs, warm, t);
					bench_fmt_rate(rate, sizeof(rate) - 3,
					    t->mps);
					strcat(rate, "/s");
					fprintf(stderr,
					    "throughput %-10s %5zu B x%d: %s\n",
					    r->mech[mi]->id, bench_sizes[s],
					    bench_writers[w],
					    t->state == BENCH_DONE ? rate :
								     t->why);
				}
	}
	if (in_list(parts, "lat")) {
		r->parts |= BENCH_PART_LAT;
		for (int mode = 0; mode < BENCH_NLAT; mode++) {
			/* Mode 0: two CPUs; mode 1: both sides on the first. */
			int cpu[2] = { r->cpu[0], mode == 0 ? r->cpu[1] : r->cpu[0] };

			for (int mi = 0; mi < r->nmech; mi++)
				for (int s = 0; s < BENCH_NSIZES; s++) {
					bench_lat *l = &r->lat[mi][s][mode];

					lat_point(r->mech[mi], bench_sizes[s],
					    r->lat_rounds, r->runs, cpu, l);
					fprintf(stderr,
					    "latency %s %-10s %5zu B: ",
					    mode == 0 ? "2cpu" : "1cpu",
					    r->mech[mi]->id, bench_sizes[s]);
					if (l->state == BENCH_DONE)
						fprintf(stderr,
						    "p50 %.1f p99 %.1f p99.9 "
						    "%.1f us\n",
						    l->p50, l->p99, l->p999);
					else
						fprintf(stderr, "%s\n", l->why);
				}
		}
	}
	if (in_list(parts, "remote")) {
		r->parts |= BENCH_PART_REMOTE;
		if (remote_spec == NULL) {
			r->remote.state = BENCH_NA;
			snprintf(r->remote.why, sizeof(r->remote.why),
			    "needs root and two test hosts: `make bench` as root "
			    "makes them (bench/remote_setup.sh)");
		} else {
#ifdef MSL_BENCH_HAVE_MAILSLOT
			fprintf(stderr, "remote     through two mailslotd vs raw UDP...\n");
			bench_remote_run(remote_spec, r->runs, r->quick, &r->remote);
#else
			r->remote.state = BENCH_NA;
			snprintf(r->remote.why, sizeof(r->remote.why), "library not built");
#endif
		}
		for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
			const bench_remote_size *x = &r->remote.size[i];
			if (r->remote.state != BENCH_DONE)
				break;
			fprintf(stderr, "remote %5zu B: mailslot %.0f/s (lost %ld), raw UDP %.0f/s "
			    "(lost %ld); paced at %.0f/s: lost %ld\n", bench_remote_sizes[i],
			    x->msl_mps, x->msl_lost, x->udp_mps, x->udp_lost, x->paced_rate,
			    x->paced_msl_lost);
		}
		if (r->remote.state != BENCH_DONE)
			fprintf(stderr, "remote     not measured: %s\n", r->remote.why);
	}
	if (in_list(parts, "scale")) {
		/*
		 * The scale test covers the mailslot and, as a yardstick, a bound
		 * AF_UNIX datagram socket: the cheapest named endpoint there is.
		 */
		static const bench_mech *const scale_mechs[] = {
#ifdef MSL_BENCH_HAVE_MAILSLOT
			&bench_mailslot,
#endif
			&bench_dgram,
		};

		r->parts |= BENCH_PART_SCALE;
		for (size_t i = 0;
		     i < sizeof(scale_mechs) / sizeof(scale_mechs[0]); i++) {
			bench_scale *sc = &r->scale[r->nscale++];

			bench_scale_run(scale_mechs[i], r->scale_target, sc);
			if (strcmp(scale_mechs[i]->id, "dgram") == 0)
				sc->label = "AF_UNIX dgram socket (yardstick)";
			fprintf(stderr,
			    "scale      %-10s %d created (%.2f us each, %.0f B "
			    "RSS each), %d opened+written (%.2f us each)\n",
			    scale_mechs[i]->id, sc->created,
			    sc->created ? sc->create_ms * 1e3 / sc->created : 0,
			    sc->owner_rss_per, sc->written,
			    sc->written ? sc->open_ms * 1e3 / sc->written : 0);
		}
	}
}

/* The first two CPUs this process may run on (a cpuset may exclude 0). */
static void
pick_cpus(int cpu[2])
{
	cpu_set_t set;
	int n = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
}

/*
 * Ten thousand endpoints, each with a descriptor or two, pass the usual
 * soft limit of 1024 open files; the hard limit is allowed to any process.
 */
#define BENCH_NOFILE_WANT 65536

static void
raise_nofile(void)
{
	struct rlimit rl;

	/*
	 * With CAP_SYS_RESOURCE (root) the hard limit can rise too: 10 000
	 * mailslots at two descriptors each, plus their writers, need more
	 * than a typical 20 000.  Without it this fails and the hard limit
	 * stays what it is.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max < BENCH_NOFILE_WANT) {
		struct rlimit up = { BENCH_NOFILE_WANT, BENCH_NOFILE_WANT };
		(void)setrlimit(RLIMIT_NOFILE, &up);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			bench_warn("setup", "setrlimit(RLIMIT_NOFILE): %s",
			    strerror(errno));
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "runs", required_argument, NULL, 'r' },
		{ "mech", required_argument, NULL, 'm' },
		{ "parts", required_argument, NULL, 'p' },
		{ "scale", required_argument, NULL, 's' },
		{ "data", required_argument, NULL, 'd' },
		{ "remote", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static bench_results r;
	const char *mechs = NULL, *parts = "tput,lat,scale,remote";
	const char *data = ".";
	char results[4096];
	int c, runs = -1, scale = -1;
	uint64_t t0 = bench_now();
	time_t now = time(NULL);

	while ((c = getopt_long(argc, argv, "qr:m:p:s:d:R:h", opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'q':
			r.quick = 1;
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'm':
			mechs = optarg;
			break;
		case 'p':
			parts = optarg;
			break;
		case 's':
			scale = atoi(optarg);
			break;
		case 'd':
			data = optarg;
			break;
		case 'R':
			remote_spec = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || runs == 0 || runs > 15 || scale == 0) {
		usage(stderr);
		return 2;
	}
	r.runs = runs > 0 ? runs : r.quick ? 1 : 3;
	r.lat_rounds = r.quick ? LAT_ROUNDS_QUICK : LAT_ROUNDS;
	r.scale_target = scale > 0 ? scale : r.quick ? 1000 : 10000;
	for (int s = 0; s < BENCH_NSIZES; s++)
		r.counts[s] = full_counts[s] / (r.quick ? QUICK_DIVISOR : 1);
#ifdef MSL_BENCH_HAVE_MAILSLOT
	r.have_mailslot = 1;
#endif
#ifdef MSL_BENCH_HAVE_WIN32
	r.have_win32 = 1;
#endif
	strftime(r.started, sizeof(r.started), "%Y-%m-%d %H:%M:%S UTC",
	    gmtime(&now));
	r.load_start = bench_proc_num("/proc/loadavg", -1);
	pick_cpus(r.cpu);
	raise_nofile();
	run_all(&r, mechs, parts);
	r.load_end = bench_proc_num("/proc/loadavg", -1);
	r.seconds = (double)(bench_now() - t0) / 1e9;
	fprintf(stderr, "msl_bench: finished in %.0f s\n", r.seconds);
	snprintf(results, sizeof(results), "%s/results.tsv", data);
	return bench_report(&r, results) == 0 ? 0 : 1;
}
