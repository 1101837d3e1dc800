/* SPDX-License-Identifier: MIT */
/*
 * bench.h - shared pieces of the mailslot benchmark harness.
 *
 * Every mechanism measured (the mailslot through each API and the peers it
 * is compared with) is a bench_mech: a reader endpoint that one process
 * owns and writer endpoints that other processes open by name.  The
 * harness forks the processes, times them and writes the report; the
 * mechanisms only move bytes.
 */
#ifndef MSL_BENCH_H
#define MSL_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "remote.h"

/* Longest endpoint name passed between the processes of one run. */
#define BENCH_NAME_MAX 200

/* recv results other than a length. */
#define BENCH_RECV_ERR (-1)
#define BENCH_RECV_TIMEOUT (-2)

/* send results. */
#define BENCH_SEND_OK 0
#define BENCH_SEND_ERR (-1)
#define BENCH_SEND_FULL 1 /* the receiver's quota is used up: retry later */

/*
 * Where a mechanism whose names outlive a killed process keeps them (a
 * POSIX queue, a FIFO node, a shared-memory object, a socket file), and
 * how it opens, closes and removes them (named.c).
 */
typedef struct bench_naming {
	const char *id;             /* the mechanism's id, for warnings     */
	const char *prefix, *suffix; /* around the tag: msl-bench-PREFIXtagSUFFIX */
	int in_tmpdir;              /* under TMPDIR (/tmp), else "/" alone  */
	/* open(2) or mq_open(3): a writer's descriptor, or -1 */
	int (*open)(const char *path, int flags, ...);
	int (*close)(int fd);
	int (*remove)(const char *path);
} bench_naming;

typedef struct bench_mech {
	const char *id;    /* short name for --mech and the data files */
	const char *label; /* name in the report */
	/*
	 * na returns why the mechanism cannot carry messages of `size` bytes
	 * from `writers` writers, or NULL when it can.
	 */
	const char *(*na)(size_t size, int writers);
	/*
	 * rx_open creates the reader endpoint named from `name` (a unique
	 * tag on input) for `writers` writers of `size`-byte messages (FIFO
	 * records need the size) and may rewrite `name` (capacity
	 * BENCH_NAME_MAX) to the address writers must open, e.g. a UDP port
	 * picked by bind.  Receives give up after timeout_ms where the
	 * mechanism can do so without an extra system call per message; the
	 * harness has its own watchdog for the rest.
	 */
	void *(*rx_open)(char *name, size_t size, int writers, int timeout_ms);
	void *(*tx_open)(const char *name);
	int (*send)(void *tx, const void *buf, size_t len);
	/* recv returns the message length or BENCH_RECV_ERR/TIMEOUT. */
	ssize_t (*recv)(void *rx, void *buf, size_t cap);
	void (*tx_close)(void *tx);
	void (*rx_close)(void *rx);
	/*
	 * naming tells where names that a killed reader leaves behind live,
	 * so the harness can remove them; NULL when the kernel frees it all.
	 */
	const bench_naming *naming;
} bench_mech;

/* The longest path of a named endpoint. */
#define BENCH_NAMED_PATH (BENCH_NAME_MAX + 64)

/*
 * An endpoint with such a name: the first member of a mechanism's own
 * endpoint struct, so that the functions below serve every one of them.
 */
typedef struct bench_named {
	const bench_naming *naming;
	int fd;    /* -1 when none is open                  */
	int owner; /* the reader: removes the name on close */
	char path[BENCH_NAMED_PATH];
} bench_named;

/* bench_named_path writes where tag's name lives under nm. */
void bench_named_path(const bench_naming *nm, const char *tag, char *out,
    size_t cap);

/*
 * bench_named_new allocates `size` bytes (a struct that starts with a
 * bench_named) for tag's endpoint, with no descriptor yet; an owner (the
 * reader) first removes a name a killed run left.  NULL without memory.
 */
void *bench_named_new(size_t size, const bench_naming *nm, const char *tag,
    int owner);

/* bench_named_fail warns "what path: errno", closes p and returns NULL. */
void *bench_named_fail(void *p, const char *what);

/* bench_named_tx_open opens tag's endpoint as a writer with nm->open. */
void *bench_named_tx_open(const bench_naming *nm, const char *tag);

/* bench_named_close closes p's descriptor, removes the name when p owns
 * it, and frees p; p may be NULL. */
void bench_named_close(void *p);

/* bench_named_forget removes what a killed reader of m left under tag. */
void bench_named_forget(const bench_mech *m, const char *tag);

/*
 * Settings the report states in its text: it reads them from the data
 * file, so they are written here once.
 */
/*
 * A throughput reader that has not received everything after this long,
 * plus this much a message (a quarter of the slowest healthy peer's rate),
 * is killed as stalled.
 */
#define BENCH_WATCHDOG_MS 5000
#define BENCH_WATCHDOG_US_PER_MSG 20
/* A receive that waits this long means a message was lost. */
#define BENCH_RECV_TIMEOUT_MS 5000
/* A writer refused with "full" sleeps this long before trying again. */
#define BENCH_FULL_BACKOFF_NS 50000
/* A lost UDP datagram ends the run after this long without traffic. */
#define BENCH_UDP_IDLE_MS 300
/*
 * Descriptors the scale test's owner keeps free for writers' connections:
 * creating up to the limit would leave no room to accept a single writer.
 */
#define BENCH_SCALE_FD_HEADROOM 256
/*
 * The scale part's processes run under this RLIMIT_NOFILE, soft and hard:
 * the target is 10,000 endpoints, each created and written, within it.
 */
#define BENCH_SCALE_NOFILE 20000
/* Writer handles held open at once to measure what one costs. */
#define BENCH_SCALE_PROBE 100
/* The message each scale-test writer sends. */
#define BENCH_SCALE_MSG 64
/* The largest payload of one UDP/IPv4 datagram. */
#define BENCH_UDP_MAX_PAYLOAD 65507
/*
 * The receive buffer asked for by UDP readers, the peer and the remote
 * part's raw path alike: no loss at 4 MiB, and as much as mailslotd takes.
 */
#define BENCH_UDP_RCVBUF (4 << 20)

/* Largest message any run sends, and the receive buffer size. */
#define BENCH_MAX_MSG 65536

/* The peers (peers.c). */
extern const bench_mech bench_dgram, bench_seqpacket, bench_mq, bench_fifo,
    bench_udp;
/* ZeroMQ PUSH/PULL over ipc:// (peer_zmq.c): only `na` without libzmq. */
extern const bench_mech bench_zmq;
/* Shared-memory SPSC rings with futex wake-ups (peer_ring.c). */
extern const bench_mech bench_ring;
/*
 * The data bytes of each ring a ring reader creates from now on: a power
 * of two from 128 to 16 MiB, 1 MiB unless a test makes it tiny.
 */
extern size_t bench_ring_bytes;
/*
 * How long a ring side polls before it sleeps (20 µs; a test sets 0 so
 * that every wait sleeps), and how many of this process's futex waits
 * timed out: with writers still writing, any is a lost wake-up.
 */
extern uint64_t bench_ring_spin_ns;
extern long bench_ring_timeouts;
/* The mailslot, when the library is built (mech_mailslot.c, mech_win32.c). */
extern const bench_mech bench_mailslot, bench_win32;

/* bench_any_size is the `na` of mechanisms that carry every size. */
const char *bench_any_size(size_t size, int writers);

/* bench_now returns CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now(void);

/* bench_ms_since returns the milliseconds since bench_now() gave t0. */
double bench_ms_since(uint64_t t0);

/* bench_warn prints "msl_bench: <label>: <what>" to stderr. */
void bench_warn(const char *label, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* bench_rss returns this process's resident set in bytes. */
size_t bench_rss(void);

/* bench_count_fds returns how many descriptors this process holds. */
int bench_count_fds(void);

/*
 * bench_proc_field returns the number after "field:" in a /proc file such
 * as /proc/meminfo ("Slab", in KiB) or /proc/self/status ("Threads"), or
 * -1 when it is missing.
 */
long bench_proc_field(const char *file, const char *field);

/*
 * bench_proc_num returns the first number in a file such as
 * /proc/loadavg or a /proc/sys knob, or dflt when there is none.
 */
double bench_proc_num(const char *path, double dflt);

/* bench_fmt_rate writes a message rate as "1.23 M" or "456 k". */
const char *bench_fmt_rate(char *out, size_t cap, double mps);

/* Control messages come at once unless a process is stuck. */
#define BENCH_CTL_TIMEOUT_MS 30000

/*
 * What a process that opened an endpoint tells the parent: whether it
 * could, and the address to hand on (the reader's may differ from the tag
 * it was given, e.g. a UDP port picked by bind).
 */
typedef struct bench_hello {
	int ok;
	char name[BENCH_NAME_MAX];
} bench_hello;

/* bench_unique_name writes a tag no other endpoint of this run has. */
void bench_unique_name(char *out, size_t cap);

/*
 * bench_send_all sends one message, retrying while the receiver's quota
 * is used up, and adds each wait to *full; it returns BENCH_SEND_OK or
 * BENCH_SEND_ERR.
 */
int bench_send_all(const bench_mech *m, void *tx, const void *buf,
    size_t len, long *full);

/* bench_cmp_double orders doubles for qsort. */
int bench_cmp_double(const void *a, const void *b);

/*
 * A forked helper process and the two pipes that talk to it.  Control
 * messages are small structs, each written whole (below PIPE_BUF).
 */
typedef struct bench_proc {
	pid_t pid;
	int to;   /* parent -> child */
	int from; /* child -> parent */
} bench_proc;

/*
 * bench_spawn forks a child that runs fn(self, arg) and exits with its
 * return value; self->to writes to the parent and self->from reads from it.
 */
int bench_spawn(bench_proc *p, int (*fn)(const bench_proc *self, void *arg),
    void *arg);

/* bench_put writes one control message; 0 on success. */
int bench_put(int fd, const void *buf, size_t len);

/* bench_get reads len bytes, waiting up to timeout_ms (-1: forever). */
int bench_get(int fd, void *buf, size_t len, int timeout_ms);

/*
 * bench_reap waits up to grace_ms for the child to exit, kills it after
 * that, and returns its exit status (-1 when killed).
 */
int bench_reap(bench_proc *p, int grace_ms);

/*
 * Results of the 10,000-mailslot scale test (scale.c), kept in shared
 * memory by the processes that measure them.
 */
#define BENCH_SCALE_STEPS 10
typedef struct bench_scale {
	const char *label;
	int target;                          /* endpoints asked for          */
	int created;                         /* endpoints created            */
	int written;                         /* opened, written one, closed  */
	int read;                            /* read back by the owner       */
	int steps;                           /* tenths completed             */
	int capped;                          /* creation stopped at the fd cap */
	double create_us[BENCH_SCALE_STEPS]; /* µs per create, per tenth     */
	double open_us[BENCH_SCALE_STEPS];   /* µs per open+write+close      */
	double create_ms, open_ms, read_ms, close_ms;
	double owner_rss_per;  /* RSS bytes per idle endpoint (owner)        */
	double owner_rss_msg;  /* ... once each holds one queued message     */
	double owner_fds_per;  /* descriptors per idle endpoint (owner)      */
	double owner_fds_end;  /* ... after every writer came and went       */
	double client_rss_per; /* RSS bytes per open writer handle           */
	double client_fds_per; /* descriptors per open writer handle         */
	double client_rss_end; /* writer RSS growth per open+write+close     */
	long owner_threads;    /* owner's threads with every endpoint made   */
	long slab_kb;          /* system-wide Slab growth (noisy)            */
	long nofile;           /* RLIMIT_NOFILE (BENCH_SCALE_NOFILE)        */
	int ok;
} bench_scale;

/* bench_scale_run measures `target` endpoints of m into *out. */
void bench_scale_run(const bench_mech *m, int target, bench_scale *out);

/* ---- Results and the report (report.c) --------------------------------- */

#define BENCH_NSIZES 5
#define BENCH_NWRITERS 2
#define BENCH_MAXMECH 12
/* Latency is measured with the two processes on two CPUs, then on one. */
#define BENCH_NLAT 2
extern const size_t bench_sizes[BENCH_NSIZES];
extern const int bench_writers[BENCH_NWRITERS];

enum { BENCH_NOT_RUN, BENCH_DONE, BENCH_NA, BENCH_FAILED };

typedef struct bench_tput {
	int state;
	const char *why; /* the n/a reason or the failure */
	char note[160];  /* storage for a failure that carries figures */
	double mps;      /* median messages per second */
	double spread;   /* (max - min) / median over the runs */
	long lost;       /* messages never received, worst run (UDP drops) */
	long full;       /* writes refused as "full" and retried, all runs */
} bench_tput;

typedef struct bench_lat {
	int state;
	const char *why;
	char note[160];
	double p50, p99, p999; /* one-way µs, medians over the runs */
	int stalled_after;     /* round trips done when a run stalled       */
	double stalled_p50;    /* their p50, shown but marked as partial    */
} bench_lat;

typedef struct bench_results {
	const bench_mech *mech[BENCH_MAXMECH];
	int nmech;
	bench_tput tput[BENCH_MAXMECH][BENCH_NSIZES][BENCH_NWRITERS];
	bench_lat lat[BENCH_MAXMECH][BENCH_NSIZES][BENCH_NLAT];
	int cpu[2]; /* the CPUs latency runs are pinned to; -1: none */
	bench_scale scale[2];
	int nscale;
	/* open + write + close cycles, one writer (bench_churn_point) */
	const bench_mech *churn_mech[3];
	bench_tput churn[3];
	int nchurn;
	long churn_count;
	bench_remote remote; /* the remote path (remote.c) */
	int runs, quick, lat_rounds, scale_target;
	int parts; /* BENCH_PART_* bits that ran */
	long counts[BENCH_NSIZES];
	int have_mailslot, have_win32;
	double seconds;
	double load_start, load_end;
	char started[64];
} bench_results;

#define BENCH_PART_TPUT 1
#define BENCH_PART_LAT 2
#define BENCH_PART_SCALE 4
#define BENCH_PART_REMOTE 8
#define BENCH_PART_CHURN 16

/*
 * bench_tput_point (tput.c) measures `count` messages of `size` bytes from
 * `writers` writers, `runs` times (after a shorter warm-up run when warm),
 * into *out: the median rate and the spread, or why there is none.
 */
void bench_tput_point(const bench_mech *m, size_t size, int writers,
    long count, int runs, int warm, bench_tput *out);

/*
 * bench_churn_point (tput.c) times one writer that opens the endpoint,
 * writes one BENCH_SCALE_MSG-byte message and closes it, `count` times,
 * while the reader drains: the classic Windows client (CreateFile,
 * WriteFile, CloseHandle).  out->mps is those cycles per second.
 */
void bench_churn_point(const bench_mech *m, long count, int runs, int warm,
    bench_tput *out);

/*
 * bench_lat_point (lat.c) measures `rounds` round trips of `size` bytes,
 * `runs` times, with the two sides pinned to cpu[0] and cpu[1] (cpu[0]
 * -1: not pinned; cpu[1] -1: n/a, one CPU), into *out: the median of each
 * percentile, or why there is none.
 */
void bench_lat_point(const bench_mech *m, size_t size, int rounds, int runs,
    const int cpu[2], bench_lat *out);

/*
 * bench_report writes every figure of the run to `path` (results.tsv),
 * from which bench/report.awk makes the report and the chart data.
 * 0 on success.
 */
int bench_report(const bench_results *r, const char *path);

#endif /* MSL_BENCH_H */
