/* SPDX-License-Identifier: MIT */
/*
 * remote.h - the remote-path benchmark (remote.c): a mailslot write
 * through two mailslotd against raw UDP between the same two hosts.
 */
#ifndef MSL_BENCH_REMOTE_H
#define MSL_BENCH_REMOTE_H

#include <stddef.h>

#define BENCH_REMOTE_NSIZES 2
extern const size_t bench_remote_sizes[BENCH_REMOTE_NSIZES];

typedef struct bench_remote_size {
	double udp_mps, msl_mps; /* received rate flat out, median of runs  */
	long udp_lost, msl_lost; /* messages lost, worst run                */
	double paced_rate;       /* the rate raw UDP sustained without loss */
	int paced_found;         /* 0: raw UDP lost some at every rate tried */
	double paced_msl_mps;
	long paced_msl_lost;     /* mailslot losses at paced_rate           */
} bench_remote_size;

/* Datagrams spread over many mailslots on host B (remote.c, "spread"). */
#define BENCH_REMOTE_NSPREAD 3
extern const int bench_remote_spread[BENCH_REMOTE_NSPREAD];

typedef struct bench_remote_spread_row {
	int mailslots;
	double mps; /* received rate, median of runs */
	long lost;  /* worst run */
} bench_remote_spread_row;

typedef struct bench_remote {
	int state; /* BENCH_NOT_RUN, _DONE, _NA, _FAILED */
	char why[200];
	long count; /* messages per run */
	bench_remote_size size[BENCH_REMOTE_NSIZES];
	long spread_count; /* datagrams per spread run; 0: not measured */
	bench_remote_spread_row spread[BENCH_REMOTE_NSPREAD];
} bench_remote;

/*
 * bench_remote_run measures both paths between the namespaces named by
 * spec, "NS_A,NS_B,IP_B" (bench/remote_setup.sh makes them and prints it).
 */
void bench_remote_run(const char *spec, int runs, int quick, bench_remote *out);

#endif /* MSL_BENCH_REMOTE_H */
