/*
 * report.c - docs/benchmarks.md and the data files the chart is drawn
 * from.  Every figure in the report comes from the run that writes it;
 * nothing is carried over from earlier runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef MSL_BENCH_HAVE_MAILSLOT
#include <mailslot/mailslot.h>
#endif

#include "bench.h"

/* Stalls with at least this many round trips show their p50, marked. */
#define PARTIAL_MIN 100

/* ---- Formatting ---------------------------------------------------------- */

const char *
bench_fmt_rate(char *out, size_t cap, double mps)
{
	if (mps >= 1e6)
		snprintf(out, cap, "%.2f M", mps / 1e6);
	else if (mps >= 1e3)
		snprintf(out, cap, "%.0f k", mps / 1e3);
	else
		snprintf(out, cap, "%.0f", mps);
	return out;
}

static const char *
fmt_bytes(char *out, size_t cap, double b)
{
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(out, cap, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024 * 1024)
		snprintf(out, cap, "%.1f MiB", b / (1024 * 1024));
	else if (b >= 10 * 1024)
		snprintf(out, cap, "%.0f KiB", b / 1024);
	else
		snprintf(out, cap, "%.0f B", b);
	return out;
}

/* state_text is what a cell without a figure shows; NULL when it has one. */
static const char *
state_text(int state)
{
	switch (state) {
	case BENCH_NA:
		return "n/a";
	case BENCH_FAILED:
		return "failed";
	case BENCH_NOT_RUN:
		return "—";
	}
	return NULL;
}

static const char *
tput_cell(char *out, size_t cap, const bench_tput *t, size_t size)
{
	char rate[32];
	int n;

	if (state_text(t->state) != NULL)
		return state_text(t->state);
	bench_fmt_rate(rate, sizeof(rate), t->mps);
	if (size > 0)
		n = snprintf(out, cap, "%s (%.0f MB/s)", rate,
		    t->mps * (double)size / 1e6);
	else
		n = snprintf(out, cap, "%s", rate);
	if (t->lost > 0 && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, ", lost %ld", t->lost);
	return out;
}

static const char *
lat_cell(char *out, size_t cap, const bench_lat *l)
{
	if (l->state == BENCH_FAILED && l->stalled_after >= PARTIAL_MIN) {
		snprintf(out, cap, "stalled after %d (p50 %.1f until then)",
		    l->stalled_after, l->stalled_p50);
		return out;
	}
	if (state_text(l->state) != NULL)
		return state_text(l->state);
	snprintf(out, cap, "%.1f / %.1f / %.1f", l->p50, l->p99, l->p999);
	return out;
}

static const char *
ratio_cell(char *out, size_t cap, double num, double den)
{
	if (num <= 0 || den <= 0)
		return "—";
	snprintf(out, cap, "%.2f×", num / den);
	return out;
}

/* Mechanisms are found by id: the mailslot ones may not be built. */
static int
mech_index(const bench_results *r, const char *id)
{
	for (int i = 0; i < r->nmech; i++)
		if (strcmp(r->mech[i]->id, id) == 0)
			return i;
	return -1;
}

static int
size_index(size_t size)
{
	for (int s = 0; s < BENCH_NSIZES; s++)
		if (bench_sizes[s] == size)
			return s;
	return -1;
}

/*
 * figure returns the median messages/s of mechanism `id` at `size` with
 * writers index k, or with `lat` its p50 latency in mode k.  A figure that
 * did not run reads as 0 and every ratio with it as "—".
 */
static double
figure(const bench_results *r, const char *id, size_t size, int k, int lat)
{
	int mi = mech_index(r, id), s = size_index(size);

	if (mi < 0 || s < 0)
		return 0;
	if (lat)
		return r->lat[mi][s][k].state == BENCH_DONE ?
		    r->lat[mi][s][k].p50 :
		    0;
	return r->tput[mi][s][k].state == BENCH_DONE ? r->tput[mi][s][k].mps :
						       0;
}

static double
mps_of(const bench_results *r, const char *id, size_t size, int w)
{
	return figure(r, id, size, w, 0);
}

static double
p50_of(const bench_results *r, const char *id, size_t size, int mode)
{
	return figure(r, id, size, mode, 1);
}

/* partial_p50 is the p50 of a latency run that stalled, or 0. */
static double
partial_p50(const bench_results *r, const char *id, size_t size, int mode)
{
	int mi = mech_index(r, id), s = size_index(size);

	if (mi < 0 || s < 0 || r->lat[mi][s][mode].state != BENCH_FAILED ||
	    r->lat[mi][s][mode].stalled_after < PARTIAL_MIN)
		return 0;
	return r->lat[mi][s][mode].stalled_p50;
}

static void
size_header(FILE *f, const char *first)
{
	fprintf(f, "| %s |", first);
	for (int s = 0; s < BENCH_NSIZES; s++)
		fprintf(f, " %zu B |", bench_sizes[s]);
	fprintf(f, "\n|---|");
	for (int s = 0; s < BENCH_NSIZES; s++)
		fprintf(f, "---:|");
	fputc('\n', f);
}

/* ---- Machine ------------------------------------------------------------- */

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

static long
sysctl_long(const char *path)
{
	return (long)bench_proc_num(path, -1);
}

static void
write_machine(FILE *f, const bench_results *r)
{
	struct utsname u;
	char cpu[256], mem[32];

	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	fmt_bytes(mem, sizeof(mem),
	    (double)bench_proc_field("/proc/meminfo", "MemTotal") * 1024);
	fprintf(f, "## Machine\n\n| | |\n|---|---|\n");
	fprintf(f, "| date | %s |\n", r->started);
	fprintf(f, "| CPUs (nproc) | %ld |\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "| CPU model | %s |\n", cpu);
	fprintf(f, "| kernel | %s %s %s |\n", u.sysname, u.release, u.machine);
	fprintf(f, "| memory | %s |\n", mem);
	fprintf(f, "| load average (1 min), start / end | %.2f / %.2f |\n",
	    r->load_start, r->load_end);
	fprintf(f, "| compiler | gcc %s, -O2 |\n", __VERSION__);
	fprintf(f,
	    "| kernel limits | net.unix.max_dgram_qlen %ld, "
	    "fs.mqueue.msg_max %ld, fs.mqueue.msgsize_max %ld, "
	    "net.core.rmem_max %ld |\n",
	    sysctl_long("/proc/sys/net/unix/max_dgram_qlen"),
	    sysctl_long("/proc/sys/fs/mqueue/msg_max"),
	    sysctl_long("/proc/sys/fs/mqueue/msgsize_max"),
	    sysctl_long("/proc/sys/net/core/rmem_max"));
#ifdef MSL_BENCH_HAVE_MAILSLOT
	fprintf(f, "| libmailslot | %d.%d.%d%s |\n", MAILSLOT_VERSION_MAJOR,
	    MAILSLOT_VERSION_MINOR, MAILSLOT_VERSION_PATCH,
	    r->have_win32 ? ", native and Win32 APIs" : ", native API only");
#else
	fprintf(f, "| libmailslot | not built: peers only |\n");
#endif
	fprintf(f, "| run | %s, %d run%s per point (median), %.0f s in all |\n\n",
	    r->quick ? "**--quick (smoke test: counts too small to compare)**" :
		       "full",
	    r->runs, r->runs == 1 ? "" : "s", r->seconds);
}

/* ---- Sections ------------------------------------------------------------ */

static void
headline_row(FILE *f, const char *what, double a, double b, const char *unit)
{
	char ratio[32], x[32], y[32];

	if (unit == NULL) {
		bench_fmt_rate(x, sizeof(x) - 3, a);
		bench_fmt_rate(y, sizeof(y) - 3, b);
		strcat(x, "/s");
		strcat(y, "/s");
	} else {
		snprintf(x, sizeof(x), "%.1f %s", a, unit);
		snprintf(y, sizeof(y), "%.1f %s", b, unit);
	}
	fprintf(f, "| %s | %s | %s vs %s |\n", what,
	    ratio_cell(ratio, sizeof(ratio), a, b), a > 0 ? x : "—",
	    b > 0 ? y : "—");
}

static void
write_headline(FILE *f, const bench_results *r)
{
	const char *ms = "mailslot";

	fprintf(f,
	    "## Headline ratios\n\n"
	    "Throughput ratios above 1 mean the first mechanism is faster; "
	    "latency ratios below 1 mean it is quicker.\n\n"
	    "| comparison | ratio | figures |\n|---|---:|---|\n");
	if (!r->have_mailslot)
		fprintf(f, "| mailslot (library not built in this run) | — | — |\n");
	headline_row(f, "mailslot 64 B, 1 writer ÷ POSIX mq",
	    mps_of(r, ms, 64, 0), mps_of(r, "mq", 64, 0), NULL);
	headline_row(f, "mailslot 64 B, 1 writer ÷ AF_UNIX dgram (connected)",
	    mps_of(r, ms, 64, 0), mps_of(r, "dgram", 64, 0), NULL);
	headline_row(f, "mailslot 64 B, 8 writers ÷ AF_UNIX dgram (connected)",
	    mps_of(r, ms, 64, 1), mps_of(r, "dgram", 64, 1), NULL);
	headline_row(f, "mailslot 64 B, 8 writers ÷ 1 writer",
	    mps_of(r, ms, 64, 1), mps_of(r, ms, 64, 0), NULL);
	headline_row(f, "AF_UNIX dgram 64 B, 8 writers ÷ 1 writer",
	    mps_of(r, "dgram", 64, 1), mps_of(r, "dgram", 64, 0),
	    NULL);
	headline_row(f, "POSIX mq 64 B, 8 writers ÷ 1 writer",
	    mps_of(r, "mq", 64, 1), mps_of(r, "mq", 64, 0), NULL);
	headline_row(f, "mailslot Win32 API ÷ native API, 64 B, 1 writer",
	    mps_of(r, "win32", 64, 0), mps_of(r, ms, 64, 0), NULL);
	if (r->remote.state == BENCH_DONE)
		for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
			char what[96];
			snprintf(what, sizeof(what), "remote mailslot %zu B (two mailslotd) ÷ raw UDP",
			    bench_remote_sizes[i]);
			headline_row(f, what, r->remote.size[i].msl_mps,
			    r->remote.size[i].udp_mps, NULL);
		}
	for (int mode = 0; mode < BENCH_NLAT; mode++) {
		static const char *const peer[2] = { "dgram", "mq" };
		static const char *const label[2] = {
			"AF_UNIX dgram (connected)", "POSIX mq"
		};

		for (int p = 0; p < 2; p++) {
			char what[160];
			double mine = p50_of(r, ms, 64, mode);
			int partial = mine == 0 && partial_p50(r, ms, 64, mode) > 0;

			if (partial)
				mine = partial_p50(r, ms, 64, mode);
			snprintf(what, sizeof(what),
			    "mailslot p50 latency 64 B ÷ %s, %s%s", label[p],
			    mode == 0 ? "two CPUs" : "one CPU",
			    partial ? " (**partial**: until the mailslot "
				      "stalled)" :
				      "");
			headline_row(f, what, mine, p50_of(r, peer[p], 64, mode),
			    "µs");
		}
	}
	fputc('\n', f);
}

static void
write_tput(FILE *f, const bench_results *r)
{
	char cell[96], ratio[32];

	for (int w = 0; w < BENCH_NWRITERS; w++) {
		fprintf(f,
		    "## Throughput, %d writer%s → 1 reader\n\n"
		    "Messages per second (and MB/s, MB = 10⁶ bytes of "
		    "payload), median of %d run%s.\n\n",
		    bench_writers[w], bench_writers[w] == 1 ? "" : "s",
		    r->runs, r->runs == 1 ? "" : "s");
		size_header(f, "mechanism");
		for (int mi = 0; mi < r->nmech; mi++) {
			fprintf(f, "| %s |", r->mech[mi]->label);
			for (int s = 0; s < BENCH_NSIZES; s++)
				fprintf(f, " %s |",
				    tput_cell(cell, sizeof(cell),
					&r->tput[mi][s][w], bench_sizes[s]));
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	if (r->have_mailslot) {
		fprintf(f,
		    "## Mailslot throughput ÷ each peer\n\n"
		    "Native-API mailslot messages/s divided by the peer's "
		    "(above 1: the mailslot is faster).\n\n");
		size_header(f, "peer, writers");
		for (int mi = 0; mi < r->nmech; mi++) {
			const bench_mech *m = r->mech[mi];

			if (strcmp(m->id, "mailslot") == 0)
				continue;
			for (int w = 0; w < BENCH_NWRITERS; w++) {
				fprintf(f, "| %s, %d |", m->label,
				    bench_writers[w]);
				for (int s = 0; s < BENCH_NSIZES; s++)
					fprintf(f, " %s |",
					    ratio_cell(ratio, sizeof(ratio),
						mps_of(r, "mailslot",
						    bench_sizes[s], w),
						mps_of(r, m->id, bench_sizes[s], w)));
				fputc('\n', f);
			}
		}
		fputc('\n', f);
	}
	fprintf(f, "## 8 writers ÷ 1 writer\n\n"
		   "How each mechanism copes with contention on one reader "
		   "(above 1: more writers move more messages).\n\n");
	size_header(f, "mechanism");
	for (int mi = 0; mi < r->nmech; mi++) {
		fprintf(f, "| %s |", r->mech[mi]->label);
		for (int s = 0; s < BENCH_NSIZES; s++)
			fprintf(f, " %s |",
			    ratio_cell(ratio, sizeof(ratio),
				mps_of(r, r->mech[mi]->id, bench_sizes[s], 1),
				mps_of(r, r->mech[mi]->id, bench_sizes[s], 0)));
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void
write_lat(FILE *f, const bench_results *r)
{
	static const char *const title[BENCH_NLAT] = {
		"the two processes on two CPUs", "both processes on one CPU"
	};
	char cell[96], ratio[32];

	fprintf(f,
	    "## One-way latency\n\n"
	    "Microseconds, p50 / p99 / p99.9: half of a ping-pong round trip "
	    "between two processes, each reading its own endpoint and writing "
	    "the other's; %d round trips per run after %d of warm-up, median "
	    "of %d run%s.  The processes are pinned (CPUs %d and %d), since "
	    "left alone the scheduler moves them between the two cases "
	    "below and the figure jumps between them.\n\n",
	    r->lat_rounds, r->lat_rounds / 10, r->runs,
	    r->runs == 1 ? "" : "s", r->cpu[0], r->cpu[1]);
	for (int mode = 0; mode < BENCH_NLAT; mode++) {
		fprintf(f, "### %c%s\n\n", title[mode][0] - 'a' + 'A',
		    title[mode] + 1);
		size_header(f, "mechanism");
		for (int mi = 0; mi < r->nmech; mi++) {
			fprintf(f, "| %s |", r->mech[mi]->label);
			for (int s = 0; s < BENCH_NSIZES; s++)
				fprintf(f, " %s |",
				    lat_cell(cell, sizeof(cell),
					&r->lat[mi][s][mode]));
			fputc('\n', f);
		}
		fputc('\n', f);
		if (!r->have_mailslot)
			continue;
		fprintf(f, "Mailslot p50 ÷ peer p50, %s (below 1: the "
			   "mailslot is quicker):\n\n",
		    title[mode]);
		size_header(f, "peer");
		for (int mi = 0; mi < r->nmech; mi++) {
			const bench_mech *m = r->mech[mi];

			if (strcmp(m->id, "mailslot") == 0)
				continue;
			fprintf(f, "| %s |", m->label);
			for (int s = 0; s < BENCH_NSIZES; s++)
				fprintf(f, " %s |",
				    ratio_cell(ratio, sizeof(ratio),
					p50_of(r, "mailslot", bench_sizes[s],
					    mode),
					p50_of(r, m->id, bench_sizes[s], mode)));
			fputc('\n', f);
		}
		fputc('\n', f);
	}
}

static void
scale_row(FILE *f, const bench_results *r, const char *what,
    void (*cell)(char *, size_t, const bench_scale *))
{
	char buf[96];

	fprintf(f, "| %s |", what);
	for (int i = 0; i < r->nscale; i++) {
		cell(buf, sizeof(buf), &r->scale[i]);
		fprintf(f, " %s |", buf);
	}
	fputc('\n', f);
}

static void
sc_count(char *o, size_t n, const bench_scale *s)
{
	snprintf(o, n, "%d / %d / %d of %d%s", s->created, s->written, s->read,
	    s->target,
	    s->capped ? " (descriptor limit)" :
	    s->ok     ? "" :
			"**(incomplete)**");
}

/* total_each writes "N ms (x µs each)" for `count` operations. */
static void
total_each(char *o, size_t n, double ms, int count)
{
	snprintf(o, n, "%.0f ms (%.1f µs each)", ms,
	    count > 0 ? ms * 1e3 / count : 0);
}

static void
sc_create(char *o, size_t n, const bench_scale *s)
{
	total_each(o, n, s->create_ms, s->created);
}

static void
sc_curve(char *o, size_t n, const bench_scale *s)
{
	snprintf(o, n, "%.1f → %.1f µs", s->create_us[0],
	    s->steps > 0 ? s->create_us[s->steps - 1] : 0);
}

static void
sc_rss(char *o, size_t n, const bench_scale *s)
{
	char b[32], t[32];

	snprintf(o, n, "%s (%s for all)",
	    fmt_bytes(b, sizeof(b), s->owner_rss_per),
	    fmt_bytes(t, sizeof(t), s->owner_rss_per * s->created));
}

static void
sc_rss_msg(char *o, size_t n, const bench_scale *s)
{
	fmt_bytes(o, n, s->owner_rss_msg);
}

static void
sc_fds(char *o, size_t n, const bench_scale *s)
{
	snprintf(o, n, "%.2f / %.2f", s->owner_fds_per, s->owner_fds_end);
}

static void
sc_threads(char *o, size_t n, const bench_scale *s)
{
	snprintf(o, n, "%ld", s->owner_threads);
}

static void
sc_slab(char *o, size_t n, const bench_scale *s)
{
	fmt_bytes(o, n, s->created ? (double)s->slab_kb * 1024 / s->created : 0);
}

static void
sc_open(char *o, size_t n, const bench_scale *s)
{
	total_each(o, n, s->open_ms, s->written);
}

static void
sc_open_curve(char *o, size_t n, const bench_scale *s)
{
	int last = 0;

	for (int i = 0; i < BENCH_SCALE_STEPS; i++)
		if (s->open_us[i] > 0)
			last = i;
	snprintf(o, n, "%.1f → %.1f µs", s->open_us[0], s->open_us[last]);
}

static void
sc_client(char *o, size_t n, const bench_scale *s)
{
	char b[32];

	snprintf(o, n, "%s, %.2f descriptors",
	    fmt_bytes(b, sizeof(b), s->client_rss_per), s->client_fds_per);
}

static void
sc_client_end(char *o, size_t n, const bench_scale *s)
{
	fmt_bytes(o, n, s->client_rss_end);
}

static void
sc_read(char *o, size_t n, const bench_scale *s)
{
	total_each(o, n, s->read_ms, s->read);
}

static void
sc_close(char *o, size_t n, const bench_scale *s)
{
	snprintf(o, n, "%.0f ms", s->close_ms);
}

/* The x value of tenth `step`: where it ended, the cap included. */
static int
scale_x(const bench_scale *s, int step)
{
	int x = (step + 1) * (s->target / BENCH_SCALE_STEPS);

	return x < s->created ? x : s->created;
}

static void
write_scale(FILE *f, const bench_results *r)
{
	int target = r->nscale > 0 ? r->scale[0].target : r->scale_target;

	fprintf(f,
	    "## Scale: %d endpoints in one process\n\n"
	    "One process creates them (RLIMIT_NOFILE raised to its hard "
	    "limit) and then idles; a second process opens each, writes one "
	    "64-byte message and closes the handle, as a Windows client does "
	    "(CreateFile, WriteFile, CloseHandle); the owner then reads every "
	    "message back.  RSS figures are deltas of /proc/self/statm "
	    "divided by the number of endpoints; one endpoint is created and "
	    "closed first so one-time library set-up is not counted.  What "
	    "an open writer handle costs is measured on %d handles held open "
	    "at once.  A bound AF_UNIX datagram socket (the writer connects) "
	    "is the yardstick.\n\n",
	    target, 100);
	for (int i = 0; i < r->nscale; i++) {
		const bench_scale *s = &r->scale[i];

		if (!s->capped)
			continue;
		fprintf(f,
		    "**%s: %d of %d created.**  Each idle one holds %.0f "
		    "descriptor%s and RLIMIT_NOFILE is %ld here (the hard "
		    "limit; raising it needs CAP_SYS_RESOURCE), so creation "
		    "stopped where %d descriptors were still free for "
		    "writers' connections.\n\n",
		    s->label, s->created, s->target, s->owner_fds_per,
		    s->owner_fds_per == 1 ? "" : "s", s->nofile, 256);
	}
	fprintf(f, "| | ");
	for (int i = 0; i < r->nscale; i++)
		fprintf(f, "%s | ", r->scale[i].label);
	fprintf(f, "\n|---|");
	for (int i = 0; i < r->nscale; i++)
		fprintf(f, "---:|");
	fputc('\n', f);
	scale_row(f, r, "created / written / read back", sc_count);
	scale_row(f, r, "create all", sc_create);
	scale_row(f, r, "µs per create, first → last tenth", sc_curve);
	scale_row(f, r, "owner RSS per idle endpoint", sc_rss);
	scale_row(f, r, "owner RSS per endpoint holding one message",
	    sc_rss_msg);
	scale_row(f, r, "owner descriptors per endpoint: idle / after the "
			"writers", sc_fds);
	scale_row(f, r, "owner threads with all created", sc_threads);
	scale_row(f, r, "kernel slab growth per endpoint (system-wide, noisy)",
	    sc_slab);
	scale_row(f, r, "open + write + close, all", sc_open);
	scale_row(f, r, "µs per open + write + close, first → last tenth",
	    sc_open_curve);
	scale_row(f, r, "writer cost of one open handle", sc_client);
	scale_row(f, r, "writer RSS growth per open + write + close",
	    sc_client_end);
	scale_row(f, r, "owner reads every message", sc_read);
	scale_row(f, r, "owner closes every endpoint", sc_close);
	fprintf(f, "\nTime per operation in each tenth of the run (µs), the "
		   "curve in the chart:\n\n| endpoints |");
	for (int i = 0; i < r->nscale; i++)
		fprintf(f, " create, %s | open + write + close, %s |",
		    r->scale[i].label, r->scale[i].label);
	fprintf(f, "\n|---:|");
	for (int i = 0; i < r->nscale; i++)
		fprintf(f, "---:|---:|");
	fputc('\n', f);
	for (int st = 0; st < BENCH_SCALE_STEPS; st++) {
		fprintf(f, "| %d |", (st + 1) * target / BENCH_SCALE_STEPS);
		for (int i = 0; i < r->nscale; i++) {
			const bench_scale *s = &r->scale[i];

			if (st < s->steps)
				fprintf(f, " %.1f | %.1f |", s->create_us[st],
				    s->open_us[st]);
			else
				fprintf(f, " — | — |");
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void
write_na(FILE *f, const bench_results *r)
{
	int any = 0;

	fprintf(f, "## Not applicable, failed and lossy cells\n\n");
	for (int mi = 0; mi < r->nmech; mi++)
		for (int w = 0; w < BENCH_NWRITERS; w++)
			for (int s = 0; s < BENCH_NSIZES; s++) {
				const bench_tput *t = &r->tput[mi][s][w];

				if (t->state == BENCH_NA ||
				    t->state == BENCH_FAILED) {
					fprintf(f, "- %s, %zu B, %d writer%s: %s%s\n",
					    r->mech[mi]->label, bench_sizes[s],
					    bench_writers[w],
					    bench_writers[w] == 1 ? "" : "s",
					    t->state == BENCH_FAILED ?
						"**failed**: " :
						"n/a: ",
					    t->why);
					any = 1;
				} else if (t->state == BENCH_DONE &&
				    t->lost > 0) {
					fprintf(f,
					    "- %s, %zu B, %d writer%s: %ld of "
					    "%ld messages lost in the worst run "
					    "(the rate counts delivered ones)\n",
					    r->mech[mi]->label, bench_sizes[s],
					    bench_writers[w],
					    bench_writers[w] == 1 ? "" : "s",
					    t->lost, r->counts[s]);
					any = 1;
				}
			}
	for (int mi = 0; mi < r->nmech; mi++)
		for (int s = 0; s < BENCH_NSIZES; s++)
			for (int mode = 0; mode < BENCH_NLAT; mode++) {
				const bench_lat *l = &r->lat[mi][s][mode];

				if (l->state != BENCH_FAILED)
					continue;
				fprintf(f, "- latency on %d CPU%s, %s, %zu B: "
					   "**failed**: %s\n",
				    2 - mode, mode ? "" : "s",
				    r->mech[mi]->label, bench_sizes[s], l->why);
				any = 1;
			}
	/* A wide spread says the machine was busy: read those cells warily. */
	for (int mi = 0; mi < r->nmech; mi++)
		for (int w = 0; w < BENCH_NWRITERS; w++)
			for (int s = 0; s < BENCH_NSIZES; s++) {
				const bench_tput *t = &r->tput[mi][s][w];

				if (t->state != BENCH_DONE || t->spread <= 0.2)
					continue;
				fprintf(f, "- %s, %zu B, %d writer%s: the runs "
					   "spread over %.0f%% of the median\n",
				    r->mech[mi]->label, bench_sizes[s],
				    bench_writers[w],
				    bench_writers[w] == 1 ? "" : "s",
				    t->spread * 100);
				any = 1;
			}
	for (int mi = 0; mi < r->nmech; mi++)
		for (int w = 0; w < BENCH_NWRITERS; w++)
			for (int s = 0; s < BENCH_NSIZES; s++)
				if (r->tput[mi][s][w].full > 0) {
					fprintf(f,
					    "- %s, %zu B, %d writer%s: writers "
					    "were refused \"full\" %ld times "
					    "and retried after 50 µs\n",
					    r->mech[mi]->label, bench_sizes[s],
					    bench_writers[w],
					    bench_writers[w] == 1 ? "" : "s",
					    r->tput[mi][s][w].full);
					any = 1;
				}
	if (!any)
		fprintf(f, "None.\n");
	fputc('\n', f);
}

static void
write_method(FILE *f, const bench_results *r)
{
	fprintf(f,
	    "## Method\n\n"
	    "- **Processes.** Every reader and every writer is its own process "
	    "(fork); the harness only starts them, releases the writers and "
	    "collects results over pipes.  Throughput runs are not pinned: "
	    "reader and writers share the machine's %ld CPUs as an "
	    "application's would.\n"
	    "- **Throughput.** The reader creates its endpoint, the writers "
	    "open it and report ready; the clock (CLOCK_MONOTONIC) starts "
	    "just before they are released and stops when the reader has "
	    "received the last message, so every message is counted from "
	    "send to receive and set-up is not.  Each writer sends the total "
	    "divided by the number of writers.  Messages per run: ",
	    sysconf(_SC_NPROCESSORS_ONLN));
	for (int s = 0; s < BENCH_NSIZES; s++)
		fprintf(f, "%s%ld for %zu B", s ? ", " : "", r->counts[s],
		    bench_sizes[s]);
	fprintf(f,
	    ".  Every received size is checked.  %s\n"
	    "- **Latency.** Ping-pong halved rather than timestamps in the "
	    "message: a 0-byte message has no room for a timestamp, and one "
	    "clock in one process avoids comparing clocks across CPUs.  It "
	    "measures an idle reader being woken, the latency an "
	    "application sees when traffic is light; under load, queueing "
	    "dominates and the throughput tables apply.  Each process is "
	    "pinned with sched_setaffinity before it creates its endpoint, so "
	    "threads a library starts run on the same CPU.\n"
	    "- **Runs.** %d measured run%s per point, the median reported%s.\n"
	    "- **Stalls.** A throughput reader gets 5 s plus 20 µs a message "
	    "(a quarter of the slowest healthy peer's rate) before it is "
	    "killed; the cell then says how many messages arrived in that "
	    "time.  A ping-pong in which a written message is not read within "
	    "5 s stops, and the cell says after how many round trips.  Either "
	    "is a defect of the mechanism, never a figure to average.\n"
	    "- **Mailslot.** Created with the library defaults (any message "
	    "size, default quota).  A write refused with \"full\" "
	    "(MAILSLOT_E_FULL, or ERROR_NOT_ENOUGH_QUOTA through Win32) is "
	    "retried after 50 µs and counted below.\n"
	    "- **AF_UNIX.** Abstract-namespace addresses; dgram writers "
	    "connect() then send(); seqpacket has one connection per writer "
	    "and the reader polls them; default buffers (max_dgram_qlen 10).\n"
	    "- **POSIX mq.** As large as the limits allow an unprivileged "
	    "creator: mq_maxmsg = fs.mqueue.msg_max, mq_msgsize = "
	    "msgsize_max, so sizes above 8192 B are n/a.\n"
	    "- **FIFO.** Every message is one record of exactly the run's "
	    "size, read with one read() per record; only records up to "
	    "PIPE_BUF are atomic, so more than one writer above 4096 B is "
	    "n/a, as is a 0-byte record.\n"
	    "- **UDP.** 127.0.0.1, writers connect(); the reader asks for a "
	    "4 MiB SO_RCVBUF.  Datagrams that are dropped are reported, and "
	    "the run ends %d ms after the last arrival.  65,536 B exceeds the "
	    "largest UDP payload (65,507 B).\n\n",
	    r->quick ? "" : "A warm-up run of a tenth of the messages precedes "
	    "each point.",
	    r->runs, r->runs == 1 ? "" : "s",
	    r->runs > 1 ? " (latency: the median of each percentile)" : "",
	    300);
}

static void
write_remote(FILE *f, const bench_results *r)
{
	const bench_remote *x = &r->remote;
	char a[32], b[32], ratio[32], pr[32];

	fprintf(f,
	    "## Remote path: two mailslotd vs raw UDP\n\n"
	    "A writer on host A writes to `\\\\<B>\\mailslot\\x`: its "
	    "library hands each message to A's mailslotd (through the local "
	    "outbox mailslot), which sends a NetBIOS datagram from port 138 "
	    "to B's mailslotd, which delivers it into the local mailslot that "
	    "the reader on B reads.  Raw UDP is one socket on A sending to one "
	    "socket on B with the same 4 MiB receive buffer.  The hosts are "
	    "two network namespaces on a veth pair (bench/remote_setup.sh); "
	    "all five processes share this machine's CPUs.  Rates are what "
	    "arrived; then raw UDP is paced down until it loses nothing, and "
	    "the mailslot path runs paced at that rate.\n\n");
	if (x->state != BENCH_DONE) {
		fprintf(f, "Not measured in this run: %s.\n\n", x->why);
		return;
	}
	fprintf(f,
	    "| size | mailslot via two mailslotd | raw UDP | ratio | lost (mailslot / UDP) "
	    "| lossless UDP rate | mailslot lost at that rate |\n"
	    "|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
		const bench_remote_size *s = &x->size[i];
		bench_fmt_rate(a, sizeof(a), s->msl_mps);
		bench_fmt_rate(b, sizeof(b), s->udp_mps);
		bench_fmt_rate(pr, sizeof(pr), s->paced_rate);
		fprintf(f, "| %zu B | %s/s | %s/s | %s | %ld / %ld | %s/s%s | %ld of %ld |\n",
		    bench_remote_sizes[i], a, b,
		    ratio_cell(ratio, sizeof(ratio), s->msl_mps, s->udp_mps),
		    s->msl_lost, s->udp_lost, pr,
		    s->paced_found ? "" : " (UDP still lost some)",
		    s->paced_msl_lost, x->count);
	}
	fprintf(f, "\n%ld messages per run, median of %d run%s.\n\n", x->count, r->runs,
	    r->runs == 1 ? "" : "s");
}

/* ---- Chart data ---------------------------------------------------------- */

/* open_dat creates the chart data file `file` in dir. */
static FILE *
open_dat(const char *dir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return fopen(path, "w");
}

static int
write_dat(const bench_results *r, const char *dir, const char *file, int w)
{
	FILE *f = open_dat(dir, file);

	if (f == NULL)
		return -1;
	fprintf(f, "idx size");
	for (int mi = 0; mi < r->nmech; mi++)
		fprintf(f, " \"%s\"", r->mech[mi]->label);
	fputc('\n', f);
	for (int s = 0; s < BENCH_NSIZES; s++) {
		fprintf(f, "%d %zu", s, bench_sizes[s]);
		for (int mi = 0; mi < r->nmech; mi++) {
			const bench_tput *t = &r->tput[mi][s][w];

			if (t->state == BENCH_DONE)
				fprintf(f, " %.0f", t->mps);
			else
				fprintf(f, " ?");
		}
		fputc('\n', f);
	}
	return fclose(f);
}

/*
 * scale.dat holds one block per mechanism (x, create µs, open µs), each
 * with its own header line, since a capped run ends short of the others.
 */
static int
write_scale_dat(const bench_results *r, const char *dir)
{
	FILE *f = open_dat(dir, "scale.dat");

	if (f == NULL)
		return -1;
	for (int i = 0; i < r->nscale; i++) {
		const bench_scale *s = &r->scale[i];

		fprintf(f, "%sendpoints \"create, %s\" \"open + write + close, "
			   "%s\"\n",
		    i ? "\n\n" : "", s->label, s->label);
		for (int st = 0; st < s->steps; st++)
			fprintf(f, "%d %.3f %.3f\n", scale_x(s, st),
			    s->create_us[st], s->open_us[st]);
	}
	return fclose(f);
}

/* write_remote_dat writes remote.dat: per size, the two paths' rates
 * (0 when the remote part did not run, so the panel stays empty). */
static int
write_remote_dat(const bench_results *r, const char *dir)
{
	FILE *f = open_dat(dir, "remote.dat");

	if (f == NULL)
		return -1;
	fprintf(f, "size \"mailslot via two mailslotd\" \"raw UDP\"\n");
	for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
		int done = r->remote.state == BENCH_DONE;
		fprintf(f, "%zu %.0f %.0f\n", bench_remote_sizes[i],
		    done ? r->remote.size[i].msl_mps : 0, done ? r->remote.size[i].udp_mps : 0);
	}
	return fclose(f);
}

int
bench_report(const bench_results *r, const char *md_path, const char *dir)
{
	FILE *f = fopen(md_path, "w");
	int rc = 0;

	if (f == NULL) {
		bench_warn("report", "cannot write %s", md_path);
		return -1;
	}
	fprintf(f,
	    "# Benchmarks\n\n"
	    "Written by `make bench` (bench/run.sh runs msl_bench): do not "
	    "edit by hand, run it again.  The local mailslot is measured "
	    "against the kernel mechanisms an application would otherwise "
	    "use, in the same run on the same machine; read the ratios, "
	    "since absolute figures move between machines.\n\n"
	    "![Throughput by message size, and time per operation while "
	    "%d endpoints accumulate](benchmarks.png)\n\n",
	    r->scale_target);
	write_machine(f, r);
	if (r->parts & BENCH_PART_TPUT)
		write_headline(f, r);
	if (r->parts & BENCH_PART_TPUT)
		write_tput(f, r);
	if (r->parts & BENCH_PART_LAT)
		write_lat(f, r);
	if (r->parts & BENCH_PART_SCALE)
		write_scale(f, r);
	if (r->parts & BENCH_PART_REMOTE)
		write_remote(f, r);
	write_na(f, r);
	write_method(f, r);
	if (fclose(f) != 0)
		rc = -1;
	if (write_dat(r, dir, "tput1.dat", 0) != 0 ||
	    write_dat(r, dir, "tput8.dat", 1) != 0 ||
	    write_scale_dat(r, dir) != 0 || write_remote_dat(r, dir) != 0) {
		bench_warn("report", "cannot write the chart data in %s", dir);
		rc = -1;
	}
	return rc;
}
