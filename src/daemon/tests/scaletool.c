/* SPDX-License-Identifier: MIT */
/*
 * scaletool.c - a test helper for scale_test.sh: many mailslots on one
 * side, datagrams spread over them on the other, and the delay of each.
 *
 *   scaletool serve PREFIX FIRST N TIMEOUT_MS
 *   scaletool send IP PREFIX N RATE [NOISE_PREFIX NOISE_N NOISE_EVERY]
 *   scaletool hold N
 *   scaletool burst NAME N
 *   scaletool frag IP MAILSLOT DATA ID OFF:LEN...
 *   scaletool fragflood IP N
 *
 * serve creates \\.\mailslot\PREFIX<FIRST> .. PREFIX<FIRST+N-1>, prints
 * "ready" (a process holds about five descriptors a mailslot), then
 * reads them all until each has had a message or TIMEOUT_MS passed, and
 * prints "got K of N max_us M p99_us P": K mailslots had a message, and
 * M and P are the largest and the 99th percentile delay between a
 * message's send (the CLOCK_MONOTONIC time it carries: the namespaces of
 * one host share that clock) and its read.  Exit status 0 when all N got
 * one, 1 otherwise.  send sends one datagram to the UDP 138 of IP (to the
 * group WG<00>) for each mailslot \MAILSLOT\PREFIX<i>, RATE datagrams a
 * second, with its index and send time as data; with NOISE_*, after
 * every NOISE_EVERY of them it also sends one to each of NOISE_PREFIX0 ..
 * NOISE_PREFIX<NOISE_N-1>.  hold opens N connections to the daemon's
 * control socket, asks each for the node's information, prints "held K"
 * (the K that were answered, not refused) and keeps them until it is
 * killed.  frag sends the datagram for \MAILSLOT\MAILSLOT carrying DATA
 * (DGM_ID ID) as crafted fragments, each OFF:LEN of its body (the bytes
 * after the 14-byte header; LEN "end" reaches its end), in the order
 * given, and prints the body's length; fragflood sends N first fragments
 * (DGM_IDs 1 .. N) whose rest never comes.  burst opens the mailslot NAME
 * (a remote one: through the daemon's outbox) and writes the messages
 * "burst-0" .. "burst-<N-1>" as fast as it can, retrying one the outbox
 * refuses as full.  Exit status 2 is a usage or system error.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mailslot/mailslot.h>

#include "../../core/ctl.h"
#include "../../core/daemonctl.h"
#include "msl_codec.h"
#include "toolmain.h"

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* on_ready reads what mailslot i holds and records the first delay. */
static void
on_ready(mailslot_server *s, uint64_t *delay, int *got)
{
	char buf[512];
	size_t len;

	while (mailslot_read_for(s, buf, sizeof buf - 1, &len, NULL, 0) == MAILSLOT_OK) {
		unsigned long long t = 0;
		unsigned idx;
		buf[len] = '\0';
		if (sscanf(buf, "%u %llu", &idx, &t) == 2 && *delay == UINT64_MAX) {
			uint64_t n = now_ns();
			*delay = n > t ? n - t : 0;
			(*got)++;
		}
	}
}

static int
cmd_serve(int argc, char **argv)
{
	if (argc != 5)
		return tool_usage("scaletool serve PREFIX FIRST N TIMEOUT_MS");
	int first = atoi(argv[2]), n = atoi(argv[3]), got = 0, ep = epoll_create1(0);
	uint64_t end = now_ns() + strtoull(argv[4], NULL, 10) * 1000000ull;
	mailslot_server **s = calloc((size_t)n, sizeof *s);
	uint64_t *delay = malloc((size_t)n * sizeof *delay);

	if (n <= 0 || s == NULL || delay == NULL || ep < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		char name[MAILSLOT_NAME_MAX];
		snprintf(name, sizeof name, "\\\\.\\mailslot\\%s%d", argv[1], first + i);
		mailslot_err e = mailslot_create(name, NULL, &s[i]);
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (e != MAILSLOT_OK || epoll_ctl(ep, EPOLL_CTL_ADD, mailslot_fd(s[i]), &ev) != 0) {
			fprintf(stderr, "scaletool: create %s: %s\n", name, mailslot_strerror(e));
			return 2;
		}
		delay[i] = UINT64_MAX;
	}
	printf("ready\n");
	fflush(stdout);
	while (got < n && now_ns() < end) {
		struct epoll_event ev[64];
		int k = epoll_wait(ep, ev, 64, 100);
		for (int j = 0; j < k; j++)
			on_ready(s[ev[j].data.u32], &delay[ev[j].data.u32], &got);
	}
	qsort(delay, (size_t)n, sizeof *delay, cmp_u64);
	uint64_t max = got > 0 ? delay[got - 1] : 0, p99 = got > 0 ? delay[(got - 1) * 99 / 100] : 0;
	printf("got %d of %d max_us %" PRIu64 " p99_us %" PRIu64 "\n", got, n, max / 1000, p99 / 1000);
	fflush(stdout);
	for (int i = 0; i < n; i++)
		mailslot_close(s[i]);
	free(s);
	free(delay);
	close(ep);
	return got == n ? 0 : 1;
}

/* build makes the datagram for mailslot \MAILSLOT\<mailslot> carrying
 * data, with DGM_ID id, from src_ip. */
static int
build(uint32_t src_ip, const char *mailslot, const char *data, uint16_t id, uint8_t *buf,
    size_t *len)
{
	char path[160];
	struct msl_mdgm_send m;

	snprintf(path, sizeof path, "\\MAILSLOT\\%s", mailslot);
	memset(&m, 0, sizeof m);
	m.ms_type = MSL_NBDGM_DIRECT_GROUP;
	m.ms_node = MSL_NBDGM_NODE_B;
	m.ms_id = id;
	m.ms_src_ip = ntohl(src_ip);
	m.ms_src_port = MSL_NBDGM_PORT;
	m.ms_mailslot = path;
	m.ms_mailslot_len = strlen(path);
	m.ms_data = (const uint8_t *)data;
	m.ms_data_len = strlen(data);
	m.ms_profile = MSL_SMBMAIL_SAMBA;
	if (msl_nbname_make(&m.ms_src, "SCALETOOL", 0x00, NULL) != MSL_PE_OK ||
	    msl_nbname_make(&m.ms_dst, "WG", 0x00, NULL) != MSL_PE_OK)
		return -1;
	return msl_mdgm_build(&m, buf, MSL_MDGM_MAX, len) == MSL_PE_OK ? 0 : -1;
}

/* send_one sends one datagram for mailslot \MAILSLOT\<prefix><i>. */
static int
send_one(int fd, uint32_t src_ip, const char *prefix, int i)
{
	static uint8_t buf[MSL_MDGM_MAX];
	char mailslot[128], data[64];
	size_t len;

	snprintf(mailslot, sizeof mailslot, "%s%d", prefix, i);
	snprintf(data, sizeof data, "%d %" PRIu64, i, now_ns());
	if (build(src_ip, mailslot, data, (uint16_t)i, buf, &len) != 0)
		return -1;
	return send(fd, buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* udp_to opens a UDP socket connected to IP's port 138; *me is its address. */
static int
udp_to(const char *ip, struct sockaddr_in *me)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(MSL_NBDGM_PORT) };
	socklen_t ml = sizeof *me;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, ip, &to.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&to, sizeof to) != 0 ||
	    getsockname(fd, (struct sockaddr *)me, &ml) != 0) {
		fprintf(stderr, "scaletool: bad address or socket: %s\n", ip);
		return -1;
	}
	return fd;
}

/*
 * cmd_frag sends the datagram for MAILSLOT carrying DATA (DGM_ID ID) as
 * the fragments PIECES, in the order given: each is OFF:LEN (LEN "end":
 * to the end of the body, the bytes after the 14-byte header), with F
 * when OFF is 0 and M unless it reaches the end.
 */
static int
cmd_frag(int argc, char **argv)
{
	static uint8_t whole[MSL_MDGM_MAX], p[MSL_MDGM_MAX + 64];
	struct sockaddr_in me;
	size_t len;
	int fd;

	if (argc < 6)
		return tool_usage("scaletool frag IP MAILSLOT DATA ID OFF:LEN...");
	if ((fd = udp_to(argv[1], &me)) < 0 ||
	    build(me.sin_addr.s_addr, argv[2], argv[3], (uint16_t)atoi(argv[4]), whole, &len) != 0)
		return 2;
	size_t body = len - MSL_NBDGM_HDR_LEN;
	for (int i = 5; i < argc; i++) {
		char *colon = strchr(argv[i], ':');
		size_t off = strtoul(argv[i], NULL, 10);
		size_t n = colon && strcmp(colon + 1, "end") == 0 ? body - off : strtoul(colon ? colon + 1 : "0", NULL, 10);
		if (colon == NULL || off > body || n > body - off) {
			fprintf(stderr, "scaletool: bad piece %s (the body is %zu bytes)\n", argv[i], body);
			return 2;
		}
		memcpy(p, whole, MSL_NBDGM_HDR_LEN);
		p[1] = (uint8_t)((whole[1] & ~(MSL_NBDGM_FLAG_FIRST | MSL_NBDGM_FLAG_MORE)) |
		    (off == 0 ? MSL_NBDGM_FLAG_FIRST : 0) | (off + n < body ? MSL_NBDGM_FLAG_MORE : 0));
		p[12] = (uint8_t)(off >> 8);
		p[13] = (uint8_t)off;
		memcpy(p + MSL_NBDGM_HDR_LEN, whole + MSL_NBDGM_HDR_LEN + off, n);
		if (send(fd, p, MSL_NBDGM_HDR_LEN + n, 0) < 0)
			return 2;
	}
	printf("%zu\n", body);
	return 0;
}

/* cmd_fragflood sends N first fragments (DGM_IDs 1 .. N) that never end. */
static int
cmd_fragflood(int argc, char **argv)
{
	static uint8_t whole[MSL_MDGM_MAX];
	struct sockaddr_in me;
	size_t len;
	int fd, n = argc == 3 ? atoi(argv[2]) : 0;

	if (n <= 0)
		return tool_usage("scaletool fragflood IP N");
	if ((fd = udp_to(argv[1], &me)) < 0)
		return 2;
	for (int i = 1; i <= n; i++) {
		if (build(me.sin_addr.s_addr, "flood", "never ends", (uint16_t)i, whole, &len) != 0)
			return 2;
		whole[1] |= MSL_NBDGM_FLAG_MORE;
		if (send(fd, whole, len - 4, 0) < 0)
			return 2;
	}
	return 0;
}

static int
cmd_send(int argc, char **argv)
{
	if (argc != 5 && argc != 8)
		return tool_usage("scaletool send IP PREFIX N RATE [NOISE_PREFIX NOISE_N NOISE_EVERY]");
	struct sockaddr_in me;
	int n = atoi(argv[3]), rate = atoi(argv[4]);
	int noise_n = argc == 8 ? atoi(argv[6]) : 0, every = argc == 8 ? atoi(argv[7]) : 0;
	int fd = n > 0 && rate > 0 ? udp_to(argv[1], &me) : -1;

	if (fd < 0)
		return 2;
	uint64_t start = now_ns(), gap = 1000000000ull / (uint64_t)rate;
	for (int i = 0; i < n; i++) {
		uint64_t at = start + (uint64_t)i * gap, t;
		while ((t = now_ns()) < at) {
			struct timespec ts = { 0, (long)(at - t) };
			nanosleep(&ts, NULL);
		}
		if (send_one(fd, me.sin_addr.s_addr, argv[2], i) != 0)
			return 2;
		if (every > 0 && i % every == every - 1)
			for (int k = 0; k < noise_n; k++)
				if (send_one(fd, me.sin_addr.s_addr, argv[5], k) != 0)
					return 2;
	}
	return 0;
}

static int
cmd_burst(int argc, char **argv)
{
	mailslot_client *c;
	int n = argc == 3 ? atoi(argv[2]) : 0;

	if (n <= 0 || mailslot_open(argv[1], &c) != MAILSLOT_OK)
		return tool_usage("scaletool burst NAME N (and NAME must open)");
	for (int i = 0; i < n; i++) {
		char m[32];
		mailslot_err e;
		snprintf(m, sizeof m, "burst-%d", i);
		while ((e = mailslot_write(c, m, strlen(m))) == MAILSLOT_E_FULL)
			sched_yield();
		if (e != MAILSLOT_OK) {
			fprintf(stderr, "scaletool: write %d: %s\n", i, mailslot_strerror(e));
			return 2;
		}
	}
	mailslot_client_close(c);
	return 0;
}

static int
cmd_hold(int argc, char **argv)
{
	int n = argc == 2 ? atoi(argv[1]) : 0, held = 0;

	if (n <= 0)
		return tool_usage("scaletool hold N");
	for (int i = 0; i < n; i++) {
		struct msl_ctl_info info;
		int fd;
		if (msl_ctl_open(&fd) != MAILSLOT_OK)
			continue;
		if (msl_ctl_request(fd, MSL_CTL_INFO, NULL, 0, &info, sizeof info, NULL) == MAILSLOT_OK)
			held++; /* kept open until we exit */
		else
			close(fd);
	}
	printf("held %d\n", held);
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	static const struct tool_cmd cmds[] = {
		{ "frag", cmd_frag }, { "fragflood", cmd_fragflood }, { "burst", cmd_burst },
		{ "hold", cmd_hold }, { "serve", cmd_serve }, { "send", cmd_send },
	};

	return tool_main(cmds, sizeof cmds / sizeof cmds[0],
	    "usage: scaletool serve PREFIX FIRST N TIMEOUT_MS\n"
	    "       scaletool send IP PREFIX N RATE [NOISE_PREFIX NOISE_N NOISE_EVERY]\n"
	    "       scaletool frag IP MAILSLOT DATA ID OFF:LEN...\n"
	    "       scaletool fragflood IP N\n"
	    "       scaletool hold N\n"
	    "       scaletool burst NAME N\n", argc, argv);
}
