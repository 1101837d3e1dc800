/* SPDX-License-Identifier: MIT */
/*
 * scale.c - many endpoints in one process: the cost of each create, of
 * each open + write from another process, and the memory an idle endpoint
 * holds in its owner.
 *
 * Creation is timed in ten equal steps so that the report can show whether
 * the cost of one more endpoint grows with how many already exist (a name
 * table that is scanned, say) or stays flat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"

/* A read that waits this long means the message was not delivered. */
#define SCALE_RECV_TIMEOUT_MS 2000
#define SCALE_CTL_TIMEOUT_MS 300000

typedef struct scale_job {
	const bench_mech *m;
	int target;
	char tag[64];
	bench_scale *out; /* shared with the parent */
} scale_job;

static void
scale_name(char *out, size_t cap, const scale_job *job, int i)
{
	snprintf(out, cap, "%s-%d", job->tag, i);
}

/*
 * scale_nofile puts the process under RLIMIT_NOFILE = BENCH_SCALE_NOFILE,
 * soft and hard, the limit the scale target is set against, whatever the
 * rest of the run was allowed; when the hard limit is lower and cannot be
 * raised (no CAP_SYS_RESOURCE), the soft limit rises to it.
 */
static void
scale_nofile(void)
{
	struct rlimit rl = { BENCH_SCALE_NOFILE, BENCH_SCALE_NOFILE };

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static long
nofile_limit(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : -1;
}

/*
 * scale_room returns how many endpoints the owner may create: the target,
 * or fewer when the descriptor limit would come first (out->capped).  One
 * endpoint made first keeps one-time set-up (a library's own descriptors
 * and threads) out of the figures; a second tells how many descriptors
 * each endpoint holds, so creation can stop short of the limit instead of
 * failing into it.  *fds0 is what the owner holds before the first.
 */
static int
scale_room(const scale_job *job, int *fds0)
{
	const bench_mech *m = job->m;
	bench_scale *out = job->out;
	char name[BENCH_NAME_MAX];
	int per = 1, max;
	void *warm, *warm2;

	out->nofile = nofile_limit();
	scale_name(name, sizeof(name), job, -1);
	warm = m->rx_open(name, BENCH_SCALE_MSG, 1, SCALE_RECV_TIMEOUT_MS);
	*fds0 = bench_count_fds();
	scale_name(name, sizeof(name), job, -2);
	warm2 = m->rx_open(name, BENCH_SCALE_MSG, 1, SCALE_RECV_TIMEOUT_MS);
	if (warm2 != NULL) {
		per = bench_count_fds() - *fds0;
		m->rx_close(warm2);
	}
	if (warm != NULL)
		m->rx_close(warm);
	if (per < 1)
		per = 1;
	*fds0 = bench_count_fds();
	max = (int)((out->nofile - *fds0 - BENCH_SCALE_FD_HEADROOM) / per);
	if (max < job->target) {
		out->capped = 1;
	} else {
		max = job->target;
	}
	return max;
}

/* scale_create creates up to max endpoints into rx, timing each tenth,
 * and returns how many it made. */
static int
scale_create(const scale_job *job, void **rx, int max)
{
	const bench_mech *m = job->m;
	bench_scale *out = job->out;
	int step = job->target / BENCH_SCALE_STEPS, n = 0;
	char name[BENCH_NAME_MAX];
	uint64_t t, ts;

	t = ts = bench_now();
	while (n < max) {
		scale_name(name, sizeof(name), job, n);
		rx[n] = m->rx_open(name, BENCH_SCALE_MSG, 1, SCALE_RECV_TIMEOUT_MS);
		if (rx[n] == NULL)
			break;
		n++;
		/* A tenth cut short by the cap is averaged over what it made. */
		if (n % step == 0 || n == max) {
			int made = n % step == 0 ? step : n % step;

			if (out->steps < BENCH_SCALE_STEPS)
				out->create_us[out->steps++] =
				    bench_ms_since(ts) * 1e3 / made;
			ts = bench_now();
		}
	}
	out->create_ms = bench_ms_since(t);
	out->created = n;
	return n;
}

static int
scale_owner(const bench_proc *self, void *arg)
{
	scale_job *job = arg;
	const bench_mech *m = job->m;
	bench_scale *out = job->out;
	void **rx = calloc((size_t)job->target, sizeof(*rx));
	char buf[BENCH_SCALE_MSG * 2], go;
	int n, fds0, max;
	size_t rss0;
	long slab0;
	uint64_t t;

	if (rx == NULL)
		return 1;
	scale_nofile();
	max = scale_room(job, &fds0);
	rss0 = bench_rss();
	slab0 = bench_proc_field("/proc/meminfo", "Slab");
	n = scale_create(job, rx, max);
	if (n > 0) {
		out->owner_rss_per = ((double)bench_rss() - (double)rss0) / n;
		out->owner_fds_per = (double)(bench_count_fds() - fds0) / n;
		out->slab_kb = bench_proc_field("/proc/meminfo", "Slab") - slab0;
	}
	out->owner_threads = bench_proc_field("/proc/self/status", "Threads");
	bench_put(self->to, &n, sizeof(n));
	/* Idle until the writer process has opened and written every one. */
	if (bench_get(self->from, &go, 1, SCALE_CTL_TIMEOUT_MS) != 0)
		goto out;
	if (n > 0) {
		out->owner_rss_msg = ((double)bench_rss() - (double)rss0) / n;
		out->owner_fds_end = (double)(bench_count_fds() - fds0) / n;
	}
	t = bench_now();
	for (int i = 0; i < n; i++) {
		if (m->recv(rx[i], buf, sizeof(buf)) != BENCH_SCALE_MSG)
			break;
		out->read++;
	}
	out->read_ms = bench_ms_since(t);
out:
	t = bench_now();
	for (int i = 0; i < n; i++)
		m->rx_close(rx[i]);
	out->close_ms = bench_ms_since(t);
	free(rx);
	return 0;
}

/*
 * scale_probe holds a few writer handles open at once to measure what one
 * costs the writer: the main loop closes each handle after its write, as a
 * Windows client does (CreateFile, WriteFile, CloseHandle), since a writer
 * holding ten thousand would run out of descriptors before the owner does.
 */
static void
scale_probe(const scale_job *job, int limit)
{
	const bench_mech *m = job->m;
	void *tx[BENCH_SCALE_PROBE];
	int k = 0, fds0 = bench_count_fds();
	size_t rss0 = bench_rss();
	char name[BENCH_NAME_MAX];

	for (; k < BENCH_SCALE_PROBE && k < limit; k++) {
		scale_name(name, sizeof(name), job, k);
		tx[k] = m->tx_open(name);
		if (tx[k] == NULL)
			break;
	}
	if (k > 0) {
		job->out->client_rss_per =
		    ((double)bench_rss() - (double)rss0) / k;
		job->out->client_fds_per =
		    (double)(bench_count_fds() - fds0) / k;
	}
	while (k > 0)
		m->tx_close(tx[--k]);
}

static int
scale_writer(const bench_proc *self, void *arg)
{
	scale_job *job = arg;
	const bench_mech *m = job->m;
	bench_scale *out = job->out;
	int step = job->target / BENCH_SCALE_STEPS, n = 0, s = 0;
	int limit = out->created;
	char name[BENCH_NAME_MAX], msg[BENCH_SCALE_MSG];
	size_t rss0;
	uint64_t t, ts;

	scale_nofile();
	scale_probe(job, limit);
	memset(msg, 's', sizeof(msg));
	rss0 = bench_rss();
	t = ts = bench_now();
	while (n < limit) {
		void *tx;
		long full = 0;
		int r;

		scale_name(name, sizeof(name), job, n);
		tx = m->tx_open(name);
		if (tx == NULL)
			break;
		r = bench_send_all(m, tx, msg, sizeof(msg), &full);
		m->tx_close(tx);
		if (r != BENCH_SEND_OK)
			break;
		n++;
		if ((n % step == 0 || n == limit) && s < BENCH_SCALE_STEPS) {
			out->open_us[s++] = bench_ms_since(ts) * 1e3 /
			    (n % step == 0 ? step : n % step);
			ts = bench_now();
		}
	}
	out->open_ms = bench_ms_since(t);
	out->written = n;
	if (n > 0)
		out->client_rss_end = ((double)bench_rss() - (double)rss0) / n;
	return bench_put(self->to, &n, sizeof(n)) == 0 ? 0 : 1;
}

void
bench_scale_run(const bench_mech *m, int target, bench_scale *res)
{
	scale_job job = { m, target - target % BENCH_SCALE_STEPS, { 0 }, NULL };
	bench_proc owner, writer;
	int n;

	memset(res, 0, sizeof(*res));
	res->label = m->label;
	res->target = job.target;
	job.out = mmap(NULL, sizeof(*job.out), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job.out == MAP_FAILED)
		return;
	memset(job.out, 0, sizeof(*job.out));
	snprintf(job.tag, sizeof(job.tag), "scale-%ld-%s", (long)getpid(),
	    m->id);
	if (bench_spawn(&owner, scale_owner, &job) != 0)
		goto out;
	if (bench_get(owner.from, &n, sizeof(n), SCALE_CTL_TIMEOUT_MS) == 0 &&
	    n > 0) {
		if (bench_spawn(&writer, scale_writer, &job) == 0) {
			(void)bench_get(writer.from, &n, sizeof(n),
			    SCALE_CTL_TIMEOUT_MS);
			bench_reap(&writer, SCALE_CTL_TIMEOUT_MS);
		}
		bench_put(owner.to, "w", 1);
	}
	bench_reap(&owner, SCALE_CTL_TIMEOUT_MS);
	*res = *job.out;
	res->label = m->label;
	res->target = job.target;
	res->ok = res->created > 0 && res->written == res->created &&
	    res->read == res->created;
out:
	munmap(job.out, sizeof(*job.out));
}
