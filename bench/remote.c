/* SPDX-License-Identifier: MIT */
/*
 * remote.c - the remote path: a write to \\host\mailslot\x that travels
 * writer -> mailslotd (host A) -> UDP 138 -> mailslotd (host B) -> reader,
 * against raw UDP between the same two hosts.
 *
 * The two hosts are network namespaces that bench/remote_setup.sh makes,
 * joined by a veth pair, each running a real mailslotd.  Each measured
 * process enters its host with setns(2), so the abstract sockets (the
 * local mailslot and the daemon's control socket) are the host's own.
 *
 * Datagrams can be lost, so the figures are the rate of what arrived and
 * the count of what did not.  Then the rate raw UDP sustains without loss
 * is found (paced runs, slower each time) and the mailslot path is run
 * paced at that rate, to show whether it loses anything there.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <mailslot/mailslot.h>

#include "bench.h"
#include "remote.h"

#define REMOTE_PORT 13999       /* the raw UDP peer's port on host B */
#define REMOTE_IDLE_MS 1000     /* a reader stops after this much silence */
#define REMOTE_SLOT "msl-bench-remote"

typedef struct remote_job {
	int use_mailslot; /* else raw UDP */
	size_t size;
	long count;
	double pace; /* messages per second; 0: as fast as possible */
	char ns_a[64], ns_b[64], ip_b[INET_ADDRSTRLEN];
} remote_job;

typedef struct remote_rx {
	long got, bad;
	uint64_t t_first, t_last;
	int ok;
} remote_rx;

/* enter_ns moves the calling process into the named network namespace. */
static int
enter_ns(const char *name)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static int
remote_reader(const bench_proc *self, void *arg)
{
	remote_job *job = arg;
	remote_rx rep = { 0 };
	char *buf = malloc(BENCH_MAX_MSG);
	mailslot_server *s = NULL;
	int fd = -1;
	char ready = 0;

	if (buf == NULL || enter_ns(job->ns_b) != 0)
		goto out;
	if (job->use_mailslot) {
		mailslot_options o;
		mailslot_options_init(&o);
		o.read_timeout_ms = REMOTE_IDLE_MS;
		if (mailslot_create("\\\\.\\mailslot\\" REMOTE_SLOT, &o, &s) != MAILSLOT_OK)
			goto out;
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(REMOTE_PORT) };
		int rcv = BENCH_UDP_RCVBUF;
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto out;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) != 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			goto out;
	}
	ready = 1;
	if (bench_put(self->to, &ready, 1) != 0)
		goto out;
	while (rep.got < job->count) {
		ssize_t n;
		if (s != NULL) {
			size_t len = 0;
			mailslot_err e = mailslot_read(s, buf, BENCH_MAX_MSG, &len, NULL);
			n = e == MAILSLOT_OK ? (ssize_t)len : -1;
		} else {
			struct pollfd p = { fd, POLLIN, 0 };
			n = poll(&p, 1, REMOTE_IDLE_MS) == 1 ? recv(fd, buf, BENCH_MAX_MSG, 0) : -1;
		}
		if (n < 0)
			break; /* silence: the rest was lost */
		rep.t_last = bench_now();
		if (rep.got++ == 0)
			rep.t_first = rep.t_last;
		if ((size_t)n != job->size)
			rep.bad++;
	}
	rep.ok = 1;
out:
	if (!ready)
		(void)bench_put(self->to, &ready, 1);
	if (s != NULL)
		mailslot_close(s);
	if (fd >= 0)
		close(fd);
	free(buf);
	return bench_put(self->to, &rep, sizeof(rep)) == 0 ? 0 : 1;
}

static int
remote_writer(const bench_proc *self, void *arg)
{
	remote_job *job = arg;
	char *buf = calloc(1, job->size + 1);
	mailslot_client *c = NULL;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(REMOTE_PORT) };
	int fd = -1, rc = 1;
	char go;

	if (buf == NULL || enter_ns(job->ns_a) != 0)
		return 1;
	if (job->use_mailslot) {
		char path[128];
		/* By address: name resolution is not what is measured. */
		snprintf(path, sizeof(path), "\\\\%s\\mailslot\\" REMOTE_SLOT, job->ip_b);
		if (mailslot_open(path, &c) != MAILSLOT_OK)
			goto out;
	} else {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || inet_pton(AF_INET, job->ip_b, &to.sin_addr) != 1)
			goto out;
	}
	if (bench_get(self->from, &go, 1, -1) != 0)
		goto out;
	uint64_t t0 = bench_now();
	for (long i = 0; i < job->count; i++) {
		if (job->pace > 0) {
			/* Sleep while well ahead, so pacing leaves the CPUs to the
			 * processes being measured; bursts stay under 100 µs. */
			uint64_t due = t0 + (uint64_t)((double)i * 1e9 / job->pace);
			uint64_t now = bench_now();
			if (due > now + 100000) {
				struct timespec ts = { (time_t)(due / 1000000000u),
					(long)(due % 1000000000u) };
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
		}
		if (c != NULL) {
			/* A full outbox is a message not sent: the reader counts
			 * it as lost, as it would a dropped datagram. */
			mailslot_err e = mailslot_write(c, buf, job->size);
			if (e != MAILSLOT_OK && e != MAILSLOT_E_FULL)
				goto out;
		} else if (sendto(fd, buf, job->size, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		    errno != ENOBUFS) {
			goto out;
		}
	}
	rc = 0;
out:
	mailslot_client_close(c);
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* run_one does one run; returns 0 with the received rate and the loss. */
static int
run_one(remote_job *job, double *mps, long *lost)
{
	bench_proc rx, tx;
	remote_rx rep;
	char ready = 0, go = 1;

	if (bench_spawn(&rx, remote_reader, job) != 0)
		return -1;
	if (bench_get(rx.from, &ready, 1, 10000) != 0 || !ready) {
		bench_reap(&rx, 1000);
		return -1;
	}
	if (bench_spawn(&tx, remote_writer, job) != 0) {
		bench_reap(&rx, 1000);
		return -1;
	}
	(void)bench_put(tx.to, &go, 1);
	int txs = bench_reap(&tx, 120000);
	int ok = bench_get(rx.from, &rep, sizeof(rep), 120000) == 0 && rep.ok;
	bench_reap(&rx, 5000);
	if (!ok || txs != 0)
		return -1;
	*lost = job->count - rep.got;
	*mps = rep.got > 1 && rep.t_last > rep.t_first ?
	    (double)(rep.got - 1) * 1e9 / (double)(rep.t_last - rep.t_first) : 0;
	return 0;
}

/* run_median does `runs` runs and keeps the median rate, the worst loss. */
static int
run_median(remote_job *job, int runs, double *mps, long *lost)
{
	double v[16];
	int n = 0;

	*lost = 0;
	for (int i = 0; i < runs && i < 16; i++) {
		long l;
		if (run_one(job, &v[n], &l) != 0)
			return -1;
		if (l > *lost)
			*lost = l;
		n++;
	}
	qsort(v, (size_t)n, sizeof(v[0]), bench_cmp_double);
	*mps = v[n / 2];
	return 0;
}

/* ---- datagrams spread over many mailslots ------------------------------------
 * The writer on A sends NetBIOS mailslot datagrams itself, as a Windows
 * host would, round-robin over N mailslots of B (a library handle per
 * mailslot would cost A's daemon and the writer descriptors by the ten
 * thousand); B's daemon delivers them, its relay handles spread over N.
 * Readers on B hold SPREAD_PER_READER mailslots each, as a mailslot costs
 * its owner a few descriptors.
 */
const int bench_remote_spread[BENCH_REMOTE_NSPREAD] = { 1, 100, 10000 };
#define SPREAD_PER_READER 1000
#define SPREAD_SIZE 64
#define SPREAD_MAX_READERS 16
#define SPREAD_NAME "\\MAILSLOT\\SPREAD" /* then five digits */

typedef struct spread_job {
	remote_job *base;
	int nslots, first, n; /* all the mailslots; this reader's range */
	long count, expect;   /* datagrams in all; for this reader */
} spread_job;

/* nb_name writes a NetBIOS name (RFC 1001 §14.1 first-level encoding,
 * RFC 1002 §4.1 one label, no scope): 34 bytes. */
static void
nb_name(uint8_t *p, const char *name)
{
	uint8_t raw[16];

	memset(raw, ' ', 15);
	memcpy(raw, name, strlen(name));
	raw[15] = 0x00;
	p[0] = 32;
	for (int i = 0; i < 16; i++) {
		p[1 + 2 * i] = (uint8_t)('A' + (raw[i] >> 4));
		p[2 + 2 * i] = (uint8_t)('A' + (raw[i] & 15));
	}
	p[33] = 0;
}

static void
le16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/*
 * spread_dgram writes a DIRECT_GROUP datagram to BENCH<00> (B's workgroup)
 * for \MAILSLOT\SPREAD00000 carrying len zero bytes; the name's digits
 * are at *digits.  The layout is docs/protocol.md §1.2-§1.5 (RFC 1002
 * §4.4.1, [MS-MAIL] §2.2.1), the Samba profile.  Returns its length.
 */
static size_t
spread_dgram(uint8_t *p, size_t len, size_t *digits)
{
	const char *name = SPREAD_NAME "00000";
	size_t nl = strlen(name) + 1, smb = 82, body;

	memset(p, 0, smb + 69 + nl + len);
	p[0] = 0x11; /* DIRECT_GROUP */
	p[1] = 0x02; /* FIRST, B-node */
	p[8] = 138 >> 8;
	p[9] = 138 & 0xff;
	nb_name(p + 14, "BENCHW");
	nb_name(p + 48, "BENCH");
	body = 68 + 69 + nl + len;
	p[10] = (uint8_t)(body >> 8);
	p[11] = (uint8_t)body;
	memcpy(p + smb, "\xffSMB\x25", 5);
	p[smb + 32] = 17; /* WordCount */
	le16(p + smb + 35, len); /* TotalDataCount */
	le16(p + smb + 55, len); /* DataCount */
	le16(p + smb + 57, 69 + nl); /* DataOffset */
	p[smb + 59] = 3; /* SetupCount */
	le16(p + smb + 61, 1); /* opcode: mailslot write */
	le16(p + smb + 63, 1); /* priority */
	le16(p + smb + 65, 2); /* class 2 */
	le16(p + smb + 67, nl + len); /* ByteCount */
	memcpy(p + smb + 69, name, nl);
	*digits = smb + 69 + strlen(SPREAD_NAME);
	return smb + 69 + nl + len;
}

static int
spread_reader(const bench_proc *self, void *arg)
{
	spread_job *job = arg;
	remote_rx rep = { 0 };
	mailslot_server **s = calloc((size_t)job->n, sizeof *s);
	char ready = 0, buf[SPREAD_SIZE + 1];
	struct rlimit rl;
	int ep = -1, made = 0;

	/* A thousand mailslots want more descriptors than a default soft limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (s == NULL || enter_ns(job->base->ns_b) != 0 || (ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		goto out;
	for (; made < job->n; made++) {
		char name[64];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)made };
		snprintf(name, sizeof name, "\\\\.\\mailslot\\spread%05d", job->first + made);
		if (mailslot_create(name, NULL, &s[made]) != MAILSLOT_OK ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, mailslot_fd(s[made]), &ev) != 0)
			goto out;
	}
	ready = 1;
	if (bench_put(self->to, &ready, 1) != 0)
		goto out;
	while (rep.got < job->expect) {
		struct epoll_event ev[64];
		int k = epoll_wait(ep, ev, 64, REMOTE_IDLE_MS);
		if (k <= 0)
			break; /* silence: the rest was lost */
		for (int j = 0; j < k; j++) {
			size_t len;
			while (mailslot_read_for(s[ev[j].data.u32], buf, sizeof buf, &len, NULL, 0) ==
			    MAILSLOT_OK) {
				rep.t_last = bench_now();
				if (rep.got++ == 0)
					rep.t_first = rep.t_last;
				rep.bad += len != SPREAD_SIZE;
			}
		}
	}
	rep.ok = 1;
out:
	if (!ready)
		(void)bench_put(self->to, &ready, 1);
	for (int i = 0; i < made; i++)
		mailslot_close(s[i]);
	free(s);
	if (ep >= 0)
		close(ep);
	return bench_put(self->to, &rep, sizeof(rep)) == 0 ? 0 : 1;
}

static int
spread_writer(const bench_proc *self, void *arg)
{
	spread_job *job = arg;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(138) };
	uint8_t dg[256];
	size_t digits, len = spread_dgram(dg, SPREAD_SIZE, &digits);
	int fd;
	char go;

	if (enter_ns(job->base->ns_a) != 0 || inet_pton(AF_INET, job->base->ip_b, &to.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 1;
	if (bench_get(self->from, &go, 1, -1) != 0)
		return 1;
	for (long i = 0; i < job->count; i++) {
		unsigned slot = (unsigned)(i % job->nslots);
		for (int k = 4; k >= 0; k--, slot /= 10)
			dg[digits + (size_t)k] = (uint8_t)('0' + slot % 10);
		dg[2] = (uint8_t)(i >> 8); /* DGM_ID: no two alike within the duplicate window */
		dg[3] = (uint8_t)i;
		dg[4] = (uint8_t)(i >> 16);
		if (sendto(fd, dg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != ENOBUFS)
			return 1;
	}
	close(fd);
	return 0;
}

/* spread_one does one run over nslots mailslots: the received rate, the loss. */
static int
spread_one(remote_job *base, int nslots, long count, double *mps, long *lost)
{
	spread_job jobs[SPREAD_MAX_READERS], wjob = { base, nslots, 0, nslots, count, count };
	bench_proc rx[SPREAD_MAX_READERS], tx;
	int nr = 0, rc = 0;
	remote_rx sum = { 0 };
	char ready, go = 1;

	for (int first = 0; first < nslots && nr < SPREAD_MAX_READERS; first += SPREAD_PER_READER) {
		int n = nslots - first < SPREAD_PER_READER ? nslots - first : SPREAD_PER_READER;
		long expect = 0;
		for (int j = first; j < first + n; j++)
			expect += count / nslots + (j < count % nslots);
		jobs[nr] = (spread_job){ base, nslots, first, n, count, expect };
		if (bench_spawn(&rx[nr], spread_reader, &jobs[nr]) != 0)
			break;
		nr++;
		if (bench_get(rx[nr - 1].from, &ready, 1, 60000) != 0 || !ready)
			rc = -1;
	}
	if (rc == 0 && bench_spawn(&tx, spread_writer, &wjob) == 0) {
		(void)bench_put(tx.to, &go, 1);
		rc = bench_reap(&tx, 120000) == 0 ? 0 : -1;
	} else {
		rc = -1;
	}
	for (int k = 0; k < nr; k++) {
		remote_rx rep;
		if (bench_get(rx[k].from, &rep, sizeof(rep), 120000) != 0 || !rep.ok) {
			rc = -1;
		} else if (rep.got > 0) {
			if (sum.got == 0 || rep.t_first < sum.t_first)
				sum.t_first = rep.t_first;
			if (rep.t_last > sum.t_last)
				sum.t_last = rep.t_last;
			sum.got += rep.got;
		}
		bench_reap(&rx[k], 5000);
	}
	if (rc != 0)
		return rc;
	*lost = count - sum.got;
	*mps = sum.got > 1 && sum.t_last > sum.t_first ?
	    (double)(sum.got - 1) * 1e9 / (double)(sum.t_last - sum.t_first) : 0;
	return 0;
}

/* run_spread measures the spread rows: the median rate of runs, the worst loss. */
static void
run_spread(remote_job *base, int runs, int quick, bench_remote *out)
{
	long count = quick ? 20000 : 100000;

	for (int i = 0; i < BENCH_REMOTE_NSPREAD; i++) {
		bench_remote_spread_row *row = &out->spread[i];
		double v[16];
		int n = 0;
		row->mailslots = bench_remote_spread[i];
		for (int r = 0; r < runs && r < 16; r++) {
			long l;
			if (spread_one(base, row->mailslots, count, &v[n], &l) != 0) {
				/* Said, and the row kept as failed (lost -1), so that the
				 * rows measured before it still reach the report. */
				bench_warn("remote", "spread over %d mailslots: a run failed",
				    row->mailslots);
				row->lost = -1;
				break;
			}
			if (l > row->lost)
				row->lost = l;
			n++;
		}
		if (row->lost < 0)
			continue;
		qsort(v, (size_t)n, sizeof(v[0]), bench_cmp_double);
		row->mps = v[n / 2];
	}
	out->spread_count = count;
}

void
bench_remote_run(const char *spec, int runs, int quick, bench_remote *out)
{
	remote_job job = { 0 };
	const char *p = spec, *q;

	memset(out, 0, sizeof(*out));
	out->state = BENCH_FAILED;
	/* spec is "NS_A,NS_B,IP_B" (bench/remote_setup.sh prints it). */
	if ((q = strchr(p, ',')) == NULL || (size_t)(q - p) >= sizeof(job.ns_a))
		goto bad;
	memcpy(job.ns_a, p, (size_t)(q - p));
	p = q + 1;
	if ((q = strchr(p, ',')) == NULL || (size_t)(q - p) >= sizeof(job.ns_b))
		goto bad;
	memcpy(job.ns_b, p, (size_t)(q - p));
	snprintf(job.ip_b, sizeof(job.ip_b), "%s", q + 1);
	job.count = quick ? 20000 : 100000;
	out->count = job.count;
	for (int i = 0; i < BENCH_REMOTE_NSIZES; i++) {
		bench_remote_size *r = &out->size[i];
		job.size = bench_remote_sizes[i];
		job.pace = 0;
		job.use_mailslot = 0;
		if (run_median(&job, runs, &r->udp_mps, &r->udp_lost) != 0) {
			snprintf(out->why, sizeof(out->why), "raw UDP run failed (%zu B)", job.size);
			return;
		}
		job.use_mailslot = 1;
		if (run_median(&job, runs, &r->msl_mps, &r->msl_lost) != 0) {
			snprintf(out->why, sizeof(out->why), "mailslot run failed (%zu B)", job.size);
			return;
		}
		/* The rate raw UDP sustains without loss: start from what it
		 * delivered flat out and slow down by a fifth until nothing is
		 * lost (at most six tries). */
		double rate = r->udp_lost == 0 ? r->udp_mps : r->udp_mps * 0.8;
		if (rate <= 0) {
			snprintf(out->why, sizeof(out->why), "raw UDP delivered nothing (%zu B)", job.size);
			return;
		}
		job.use_mailslot = 0;
		for (int t = 0; t < 6; t++) {
			double m;
			long l;
			job.pace = rate;
			if (run_one(&job, &m, &l) == 0 && l == 0) {
				r->paced_found = 1;
				break;
			}
			if (t < 5)
				rate *= 0.8;
		}
		r->paced_rate = rate;
		job.use_mailslot = 1;
		job.pace = rate;
		if (run_one(&job, &r->paced_msl_mps, &r->paced_msl_lost) != 0) {
			snprintf(out->why, sizeof(out->why), "paced mailslot run failed (%zu B)", job.size);
			return;
		}
	}
	run_spread(&job, runs, quick, out);
	out->state = BENCH_DONE;
	return;
bad:
	snprintf(out->why, sizeof(out->why), "bad --remote value '%s' (want NS_A,NS_B,IP_B)", spec);
}
