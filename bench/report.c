/* SPDX-License-Identifier: MIT */
/*
 * report.c - writes what a run measured to results.tsv, the one data file
 * that bench/report.awk turns into docs/benchmarks.md (with the prose of
 * bench/report.md.in) and the chart data.
 *
 * Keeping the figures apart from their presentation means the report can
 * be made again from a saved run (run.sh keeps it as docs/benchmarks.tsv)
 * and changed without measuring again.  Every number is written with 17
 * significant digits, so awk reads back the very doubles the run computed
 * and the report's ratios and roundings are those of the run.
 *
 * Each line is a record: a type, then tab-separated fields.
 *   param NAME VALUE          one setting or fact of the run
 *   size  BYTES COUNT         a message size, and messages per run
 *   writers N                 a writer count of the throughput tables
 *   mech  ID LABEL            a mechanism, in report order
 *   tput  ID BYTES WRITERS STATE MPS SPREAD LOST FULL WHY
 *   lat   ID BYTES MODE STATE P50 P99 P999 STALLED_AFTER STALLED_P50 WHY
 *   scale LABEL TARGET CREATED ... (the fields of bench_scale, in order)
 *   step  LABEL STEP CREATE_US OPEN_US
 *   churn ID STATE CYCLES_PER_S SPREAD COUNT WHY  (open + write + close)
 *   remote STATE COUNT WHY
 *   rsize BYTES MSL_MPS UDP_MPS MSL_LOST UDP_LOST PACED_RATE PACED_FOUND PACED_MSL_LOST
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The libraries measured, "" when the build has none. */
#define STR_(x) #x
#define VERSION(a, b, c) STR_(a) "." STR_(b) "." STR_(c)
#ifdef MSL_BENCH_HAVE_MAILSLOT
#include <mailslot/mailslot.h>
#define LIBMAILSLOT VERSION(MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR, \
    MAILSLOT_VERSION_PATCH)
#else
#define LIBMAILSLOT ""
#endif
#ifdef MSL_BENCH_HAVE_ZMQ
#include <zmq.h>
#define LIBZMQ VERSION(ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH)
#else
#define LIBZMQ ""
#endif

#include "bench.h"

static const char *const state_names[] = {
	[BENCH_NOT_RUN] = "notrun",
	[BENCH_DONE] = "done",
	[BENCH_NA] = "na",
	[BENCH_FAILED] = "failed",
};

/* G is the format of every double: enough digits to read it back exactly. */
#define G "\t%.17g"

static void
param_s(FILE *f, const char *name, const char *value)
{
	fprintf(f, "param\t%s\t%s\n", name, value);
}

static void
param_g(FILE *f, const char *name, double value)
{
	fprintf(f, "param\t%s" G "\n", name, value);
}

static void
cpu_model(char *out, size_t cap)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, cap, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *c = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && c != NULL) {
			c += 1 + (c[1] == ' ');
			c[strcspn(c, "\n")] = '\0';
			snprintf(out, cap, "%s", c);
			break;
		}
	}
	fclose(f);
}

/* write_params records the machine and the run's settings. */
static void
write_params(FILE *f, const bench_results *r)
{
	static const char *const knobs[][2] = {
		{ "max_dgram_qlen", "/proc/sys/net/unix/max_dgram_qlen" },
		{ "msg_max", "/proc/sys/fs/mqueue/msg_max" },
		{ "msgsize_max", "/proc/sys/fs/mqueue/msgsize_max" },
		{ "rmem_max", "/proc/sys/net/core/rmem_max" },
	};
	/* The machine's and the run's figures, and the settings of bench.h
	 * that the prose quotes. */
	const struct {
		const char *name;
		double value;
	} nums[] = {
		{ "nproc", (double)sysconf(_SC_NPROCESSORS_ONLN) },
		{ "memory", (double)bench_proc_field("/proc/meminfo", "MemTotal") * 1024 },
		{ "load_start", r->load_start }, { "load_end", r->load_end },
		{ "have_mailslot", r->have_mailslot }, { "have_win32", r->have_win32 },
		{ "quick", r->quick }, { "runs", r->runs }, { "seconds", r->seconds },
		{ "parts", r->parts }, { "lat_rounds", r->lat_rounds },
		{ "cpu0", r->cpu[0] }, { "cpu1", r->cpu[1] },
		{ "scale_target", r->scale_target },
		{ "scale_steps", BENCH_SCALE_STEPS }, { "scale_probe", BENCH_SCALE_PROBE },
		{ "fd_headroom", BENCH_SCALE_FD_HEADROOM }, { "scale_msg", BENCH_SCALE_MSG },
		{ "udp_idle_ms", BENCH_UDP_IDLE_MS },
		{ "udp_max_payload", BENCH_UDP_MAX_PAYLOAD },
		{ "udp_rcvbuf", BENCH_UDP_RCVBUF }, { "pipe_buf", PIPE_BUF },
		{ "watchdog_ms", BENCH_WATCHDOG_MS },
		{ "watchdog_us_per_msg", BENCH_WATCHDOG_US_PER_MSG },
		{ "recv_timeout_ms", BENCH_RECV_TIMEOUT_MS },
		{ "full_backoff_ns", BENCH_FULL_BACKOFF_NS },
		{ "scale_nofile", BENCH_SCALE_NOFILE },
	};
	struct utsname u;
	char cpu[256], kernel[3 * sizeof(u.release) + 3];

	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
	param_s(f, "date", r->started);
	param_s(f, "cpu", cpu);
	param_s(f, "kernel", kernel);
	param_s(f, "compiler", "gcc " __VERSION__ ", -O2");
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		param_g(f, knobs[i][0], bench_proc_num(knobs[i][1], -1));
	param_s(f, "libmailslot", LIBMAILSLOT);
	param_s(f, "libzmq", LIBZMQ);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		param_g(f, nums[i].name, nums[i].value);
}

static const char *
why_of(const char *why)
{
	return why != NULL ? why : "";
}

static void
write_figures(FILE *f, const bench_results *r)
{
	for (int s = 0; s < BENCH_NSIZES; s++)
		fprintf(f, "size\t%zu\t%ld\n", bench_sizes[s], r->counts[s]);
	for (int w = 0; w < BENCH_NWRITERS; w++)
		fprintf(f, "writers\t%d\n", bench_writers[w]);
	for (int mi = 0; mi < r->nmech; mi++)
		fprintf(f, "mech\t%s\t%s\n", r->mech[mi]->id, r->mech[mi]->label);
	for (int mi = 0; mi < r->nmech; mi++)
		for (int s = 0; s < BENCH_NSIZES; s++) {
			for (int w = 0; w < BENCH_NWRITERS; w++) {
				const bench_tput *t = &r->tput[mi][s][w];
				fprintf(f, "tput\t%s\t%zu\t%d\t%s" G G "\t%ld\t%ld\t%s\n",
				    r->mech[mi]->id, bench_sizes[s], bench_writers[w],
				    state_names[t->state], t->mps, t->spread, t->lost,
				    t->full, why_of(t->why));
			}
			for (int mode = 0; mode < BENCH_NLAT; mode++) {
				const bench_lat *l = &r->lat[mi][s][mode];
				fprintf(f, "lat\t%s\t%zu\t%d\t%s" G G G "\t%d" G "\t%s\n",
				    r->mech[mi]->id, bench_sizes[s], mode,
				    state_names[l->state], l->p50, l->p99, l->p999,
				    l->stalled_after, l->stalled_p50, why_of(l->why));
			}
		}
}

static void
write_scale(FILE *f, const bench_results *r)
{
	for (int i = 0; i < r->nscale; i++) {
		const bench_scale *s = &r->scale[i];

		fprintf(f, "scale\t%s\t%d\t%d\t%d\t%d\t%d\t%d" G G G G G G G G G G G
		    "\t%ld\t%ld\t%ld\t%d\n",
		    s->label, s->target, s->created, s->written, s->read, s->steps,
		    s->capped, s->create_ms, s->open_ms, s->read_ms, s->close_ms,
		    s->owner_rss_per, s->owner_rss_msg, s->owner_fds_per,
		    s->owner_fds_end, s->client_rss_per, s->client_fds_per,
		    s->client_rss_end, s->owner_threads, s->slab_kb, s->nofile, s->ok);
		for (int st = 0; st < BENCH_SCALE_STEPS; st++)
			fprintf(f, "step\t%s\t%d" G G "\n", s->label, st, s->create_us[st],
			    s->open_us[st]);
	}
}

static void
write_churn(FILE *f, const bench_results *r)
{
	for (int i = 0; i < r->nchurn; i++) {
		const bench_tput *t = &r->churn[i];

		fprintf(f, "churn\t%s\t%s" G G "\t%ld\t%s\n", r->churn_mech[i]->id,
		    state_names[t->state], t->mps, t->spread, r->churn_count,
		    why_of(t->why));
	}
}

static void
write_remote(FILE *f, const bench_remote *x)
{
	fprintf(f, "remote\t%s\t%ld\t%s\n", state_names[x->state], x->count, x->why);
	for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
		const bench_remote_size *s = &x->size[i];
		fprintf(f, "rsize\t%zu" G G "\t%ld\t%ld" G "\t%d\t%ld\n",
		    bench_remote_sizes[i], s->msl_mps, s->udp_mps, s->msl_lost,
		    s->udp_lost, s->paced_rate, s->paced_found, s->paced_msl_lost);
	}
	/* The remote datagrams spread over many mailslots (remote.c). */
	for (int i = 0; x->spread_count > 0 && i < BENCH_REMOTE_NSPREAD; i++)
		fprintf(f, "rspread\t%d\t%ld" G "\t%ld\n", x->spread[i].mailslots, x->spread_count,
		    x->spread[i].mps, x->spread[i].lost);
}

int
bench_report(const bench_results *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		bench_warn("report", "cannot write %s", path);
		return -1;
	}
	write_params(f, r);
	write_figures(f, r);
	write_scale(f, r);
	write_churn(f, r);
	write_remote(f, &r->remote);
	if (fclose(f) != 0) {
		bench_warn("report", "cannot write %s", path);
		return -1;
	}
	return 0;
}
