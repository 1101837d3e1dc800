/* SPDX-License-Identifier: MIT */
/*
 * util.c - clocks, /proc readers and the child-process plumbing shared by
 * every part of the benchmark.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* The monotonic clock cannot fail with a valid clock id and address. */
uint64_t
bench_now(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_MONOTONIC, &ts) == 0 ?
	    (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec : 0;
}

double
bench_ms_since(uint64_t t0)
{
	return (double)(bench_now() - t0) / 1e6;
}

void
bench_warn(const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "msl_bench: %s: ", label);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
bench_any_size(size_t size, int writers)
{
	(void)size;
	(void)writers;
	return NULL;
}

size_t
bench_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, resident = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

int
bench_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	/* The directory stream itself held one descriptor. */
	return n - 1;
}

long
bench_proc_field(const char *file, const char *field)
{
	FILE *f = fopen(file, "r");
	char line[256];
	size_t flen = strlen(field);
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			v = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

double
bench_proc_num(const char *path, double dflt)
{
	FILE *f = fopen(path, "r");
	double v;

	if (f == NULL)
		return dflt;
	if (fscanf(f, "%lf", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

int
bench_spawn(bench_proc *p, int (*fn)(const bench_proc *self, void *arg),
    void *arg)
{
	int down[2], up[2];

	if (pipe2(down, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(up, O_CLOEXEC) != 0) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	/* Unflushed stdio output would otherwise be written twice. */
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0) {
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		return -1;
	}
	if (p->pid == 0) {
		bench_proc self = { getpid(), up[1], down[0] };

		close(down[1]);
		close(up[0]);
		_exit(fn(&self, arg));
	}
	close(down[0]);
	close(up[1]);
	p->to = down[1];
	p->from = up[0];
	return 0;
}

int
bench_put(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int
bench_get(int fd, void *buf, size_t len, int timeout_ms)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;
		int r = poll(&pfd, 1, timeout_ms);

		if (r == 0)
			return -1;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int
bench_reap(bench_proc *p, int grace_ms)
{
	uint64_t deadline = bench_now() + (uint64_t)(grace_ms > 0 ? grace_ms : 0) *
	    1000000u;
	int status = 0, eof = 0;

	if (p->pid <= 0)
		return -1;
	/*
	 * The child's end of `from` closes only when it exits, so end-of-file
	 * there is the exit.  A child still running after the grace period is
	 * stuck (say, blocked on a reader that died) and is killed.
	 */
	while (!eof) {
		int left = (int)(((int64_t)deadline - (int64_t)bench_now()) /
		    1000000);
		struct pollfd pfd = { p->from, POLLIN, 0 };
		char c;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		n = read(p->from, &c, 1);
		if (n == 0)
			eof = 1;
		else if (n < 0 && errno != EINTR)
			break;
	}
	if (!eof)
		kill(p->pid, SIGKILL);
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(p->to);
	close(p->from);
	p->pid = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The remote path's sizes (remote.c): the 424-byte limit allows no more. */
const size_t bench_remote_sizes[BENCH_REMOTE_NSIZES] = { 64, 400 };

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

void
bench_unique_name(char *out, size_t cap)
{
	static unsigned seq;

	snprintf(out, cap, "%ld-%u", (long)getpid(), ++seq);
}

int
bench_send_all(const bench_mech *m, void *tx, const void *buf, size_t len,
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

int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}
