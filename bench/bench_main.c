/* SPDX-License-Identifier: MIT */
/*
 * bench_main.c - msl_bench: throughput, latency and scale of the local
 * mailslot against the kernel mechanisms an application would otherwise
 * use, all measured in one run on one machine so that the ratios hold.
 *
 * Every reader and every writer is its own process.  The parent only
 * forks, starts the clock, releases the writers and collects results over
 * pipes; it never touches a mechanism, so a stuck one can be killed.
 * This file is the driver: the command line, which parts run in what
 * order, and the progress lines on stderr.  The measurements are in
 * tput.c, lat.c, scale.c and remote.c, the data file in report.c.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

const size_t bench_sizes[BENCH_NSIZES] = { 0, 64, 400, 4096, 65536 };
const int bench_writers[BENCH_NWRITERS] = { 1, 8 };

/* Messages per throughput run, by size: about 0.2-1 s each here. */
static const long full_counts[BENCH_NSIZES] = { 300000, 300000, 300000,
	100000, 10000 };
#define QUICK_DIVISOR 20
#define LAT_ROUNDS 10000
#define LAT_ROUNDS_QUICK 1000
/* open + write + close cycles per run: about 1 s at today's 50 µs. */
#define CHURN_COUNT 20000

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
	&bench_zmq,
	&bench_ring,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: msl_bench [--quick] [--runs n] [--mech id,...] "
	    "[--parts tput,lat,remote,churn,scale]\n"
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

/*
 * built_mech returns the next mechanism of this build, from *i on, whose
 * id is in `ids` (the parts that measure only a few), advancing *i past
 * it; NULL after the last.
 */
static const bench_mech *
built_mech(const char *ids, size_t *i)
{
	while (*i < sizeof(all_mechs) / sizeof(all_mechs[0])) {
		const bench_mech *m = all_mechs[(*i)++];

		if (in_list(ids, m->id))
			return m;
	}
	return NULL;
}

/* The two test hosts for the remote part, "NS_A,NS_B,IP_B" (--remote). */
static const char *remote_spec;

/* pick_mechs keeps the mechanisms --mech names (all without it). */
static void
pick_mechs(bench_results *r, const char *mechs)
{
	for (size_t i = 0; i < sizeof(all_mechs) / sizeof(all_mechs[0]); i++)
		if (mechs == NULL || in_list(mechs, all_mechs[i]->id))
			r->mech[r->nmech++] = all_mechs[i];
}

static void
run_tput(bench_results *r)
{
	int warm = !r->quick;

	for (int mi = 0; mi < r->nmech; mi++)
		for (int w = 0; w < BENCH_NWRITERS; w++)
			for (int s = 0; s < BENCH_NSIZES; s++) {
				bench_tput *t = &r->tput[mi][s][w];
				char rate[32];

				bench_tput_point(r->mech[mi], bench_sizes[s],
				    bench_writers[w], r->counts[s], r->runs,
				    warm, t);
				bench_fmt_rate(rate, sizeof(rate) - 3, t->mps);
				strcat(rate, "/s");
				fprintf(stderr,
				    "throughput %-10s %5zu B x%d: %s\n",
				    r->mech[mi]->id, bench_sizes[s],
				    bench_writers[w],
				    t->state == BENCH_DONE ? rate : t->why);
			}
}

static void
run_lat(bench_results *r)
{
	for (int mode = 0; mode < BENCH_NLAT; mode++) {
		/* Mode 0: two CPUs; mode 1: both sides on the first. */
		int cpu[2] = { r->cpu[0], mode == 0 ? r->cpu[1] : r->cpu[0] };

		for (int mi = 0; mi < r->nmech; mi++)
			for (int s = 0; s < BENCH_NSIZES; s++) {
				bench_lat *l = &r->lat[mi][s][mode];

				bench_lat_point(r->mech[mi], bench_sizes[s],
				    r->lat_rounds, r->runs, cpu, l);
				fprintf(stderr, "latency %s %-10s %5zu B: ",
				    mode == 0 ? "2cpu" : "1cpu",
				    r->mech[mi]->id, bench_sizes[s]);
				if (l->state == BENCH_DONE)
					fprintf(stderr,
					    "p50 %.1f p99 %.1f p99.9 %.1f us\n",
					    l->p50, l->p99, l->p999);
				else
					fprintf(stderr, "%s\n", l->why);
			}
	}
}

static void
run_remote(bench_results *r)
{
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

static void
run_scale(bench_results *r)
{
	/*
	 * The scale test covers the mailslot and, as a yardstick, a bound
	 * AF_UNIX datagram socket: the cheapest named endpoint there is.
	 */
	const bench_mech *m;

	for (size_t i = 0; (m = built_mech("mailslot,dgram", &i)) != NULL;) {
		bench_scale *sc = &r->scale[r->nscale++];

		bench_scale_run(m, r->scale_target, sc);
		if (strcmp(m->id, "dgram") == 0)
			sc->label = "AF_UNIX dgram socket (yardstick)";
		fprintf(stderr,
		    "scale      %-10s %d created (%.2f us each, %.0f B "
		    "RSS each), %d opened+written (%.2f us each)\n",
		    m->id, sc->created,
		    sc->created ? sc->create_ms * 1e3 / sc->created : 0,
		    sc->owner_rss_per, sc->written,
		    sc->written ? sc->open_ms * 1e3 / sc->written : 0);
	}
}

/*
 * The classic Windows client, open + write + close of one message while
 * the reader drains, through both mailslot APIs and, as the yardstick, an
 * AF_UNIX datagram socket (socket + connect, send, close).
 */
static void
run_churn(bench_results *r)
{
	const bench_mech *m;

	for (size_t i = 0; (m = built_mech("mailslot,win32,dgram", &i)) != NULL;) {
		bench_tput *t = &r->churn[r->nchurn];

		r->churn_mech[r->nchurn++] = m;
		bench_churn_point(m, r->churn_count, r->runs, !r->quick, t);
		if (t->state == BENCH_DONE)
			fprintf(stderr, "churn      %-10s open+write+close %.1f us\n",
			    m->id, 1e6 / t->mps);
		else
			fprintf(stderr, "churn      %-10s %s\n", m->id, t->why);
	}
}

/* The parts of a run, in the order they run (--parts picks among them). */
static const struct bench_part {
	const char *id;
	int bit;
	void (*run)(bench_results *r);
} bench_parts[] = {
	{ "tput", BENCH_PART_TPUT, run_tput },
	{ "lat", BENCH_PART_LAT, run_lat },
	{ "remote", BENCH_PART_REMOTE, run_remote },
	{ "churn", BENCH_PART_CHURN, run_churn },
	{ "scale", BENCH_PART_SCALE, run_scale },
};

static void
run_all(bench_results *r, const char *mechs, const char *parts)
{
	pick_mechs(r, mechs);
	for (size_t i = 0; i < sizeof(bench_parts) / sizeof(bench_parts[0]);
	     i++)
		if (in_list(parts, bench_parts[i].id)) {
			r->parts |= bench_parts[i].bit;
			bench_parts[i].run(r);
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
 * The run's processes get as many descriptors as they may have; the scale
 * part then puts its own under BENCH_SCALE_NOFILE (scale.c), the limit
 * its target is set against.
 */
#define BENCH_NOFILE_WANT 65536

static void
raise_nofile(void)
{
	struct rlimit rl;

	/*
	 * With CAP_SYS_RESOURCE (root) the hard limit can rise too; without
	 * it this fails and the hard limit stays what it is.
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

/* The command line. */
typedef struct bench_opts {
	const char *mechs, *parts, *data, *remote;
	int quick, runs, scale; /* runs, scale: -1 when not given */
} bench_opts;

/*
 * The options: each sets a field of bench_opts, to 1 (a flag), to a
 * number or to its argument.  One table gives getopt_long its long and
 * short options and parse_args the field each fills.
 */
enum { OPT_FLAG, OPT_INT, OPT_STR };
static const struct bench_opt {
	const char *name;
	char key;
	int kind;
	size_t field;
} bench_optv[] = {
	{ "quick", 'q', OPT_FLAG, offsetof(bench_opts, quick) },
	{ "runs", 'r', OPT_INT, offsetof(bench_opts, runs) },
	{ "mech", 'm', OPT_STR, offsetof(bench_opts, mechs) },
	{ "parts", 'p', OPT_STR, offsetof(bench_opts, parts) },
	{ "scale", 's', OPT_INT, offsetof(bench_opts, scale) },
	{ "data", 'd', OPT_STR, offsetof(bench_opts, data) },
	{ "remote", 'R', OPT_STR, offsetof(bench_opts, remote) },
};
#define BENCH_NOPT (sizeof(bench_optv) / sizeof(bench_optv[0]))

/* set_opt stores option c's argument into *o; -1 when c is no option. */
static int
set_opt(bench_opts *o, int c, char *arg)
{
	for (size_t i = 0; i < BENCH_NOPT; i++) {
		char *f = (char *)o + bench_optv[i].field;

		if (bench_optv[i].key != c)
			continue;
		if (bench_optv[i].kind == OPT_STR)
			*(const char **)(void *)f = arg;
		else
			*(int *)(void *)f = bench_optv[i].kind == OPT_FLAG ? 1 : atoi(arg);
		return 0;
	}
	return -1;
}

/*
 * parse_args reads the command line into *o.  It returns -1 when the run
 * should go on, else the exit status: 0 after --help, 2 after a usage
 * error.
 */
static int
parse_args(int argc, char **argv, bench_opts *o)
{
	struct option longopts[BENCH_NOPT + 2];
	char shortopts[2 * BENCH_NOPT + 2], *sp = shortopts;
	int c;

	for (size_t i = 0; i < BENCH_NOPT; i++) {
		int has_arg = bench_optv[i].kind == OPT_FLAG ? no_argument : required_argument;

		longopts[i] = (struct option){ bench_optv[i].name, has_arg, NULL, bench_optv[i].key };
		*sp++ = bench_optv[i].key;
		if (has_arg == required_argument)
			*sp++ = ':';
	}
	longopts[BENCH_NOPT] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[BENCH_NOPT + 1] = (struct option){ NULL, 0, NULL, 0 };
	*sp++ = 'h';
	*sp = '\0';
	*o = (bench_opts){ NULL, "tput,lat,remote,churn,scale", ".", NULL, 0, -1, -1 };
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (set_opt(o, c, optarg) != 0) {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || o->runs == 0 || o->runs > 15 || o->scale == 0) {
		usage(stderr);
		return 2;
	}
	remote_spec = o->remote;
	return -1;
}

/* settle fills in the run's settings from the options and the build. */
static void
settle(bench_results *r, const bench_opts *o)
{
	time_t now = time(NULL);

	r->quick = o->quick;
	r->runs = o->runs > 0 ? o->runs : r->quick ? 1 : 3;
	r->lat_rounds = r->quick ? LAT_ROUNDS_QUICK : LAT_ROUNDS;
	r->scale_target = o->scale > 0 ? o->scale : r->quick ? 1000 : 10000;
	r->churn_count = CHURN_COUNT / (r->quick ? QUICK_DIVISOR : 1);
	for (int s = 0; s < BENCH_NSIZES; s++)
		r->counts[s] = full_counts[s] / (r->quick ? QUICK_DIVISOR : 1);
#ifdef MSL_BENCH_HAVE_MAILSLOT
	r->have_mailslot = 1;
#endif
#ifdef MSL_BENCH_HAVE_WIN32
	r->have_win32 = 1;
#endif
	strftime(r->started, sizeof(r->started), "%Y-%m-%d %H:%M:%S UTC",
	    gmtime(&now));
}

int
main(int argc, char **argv)
{
	static bench_results r;
	bench_opts o;
	char results[4096];
	uint64_t t0 = bench_now();
	int st = parse_args(argc, argv, &o);

	if (st >= 0)
		return st;
	settle(&r, &o);
	r.load_start = bench_proc_num("/proc/loadavg", -1);
	pick_cpus(r.cpu);
	raise_nofile();
	run_all(&r, o.mechs, o.parts);
	r.load_end = bench_proc_num("/proc/loadavg", -1);
	r.seconds = bench_ms_since(t0) / 1e3;
	fprintf(stderr, "msl_bench: finished in %.0f s\n", r.seconds);
	snprintf(results, sizeof(results), "%s/results.tsv", o.data);
	return bench_report(&r, results) == 0 ? 0 : 1;
}
