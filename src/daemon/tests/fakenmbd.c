/* SPDX-License-Identifier: MIT */
/*
 * fakenmbd.c - a test peer that plays Samba nmbd's side of the
 * unexpected packet socket, well and badly, for nmbd_link_test.sh.
 *
 *   fakenmbd DIR PORT
 *
 * It holds UDP PORT (as nmbd holds 138, so that mailslotd's "auto" sees
 * the port taken), listens on DIR/unexpected, and serves four
 * connections in turn, printing what it saw:
 *   1. checks the query (a datagram subscription with no mailslot name),
 *      acknowledges it, sends a valid datagram frame carrying "first",
 *      then a frame header claiming 2^40 bytes;
 *   2. the same with "second", then a frame of an unknown packet type;
 *   3. acknowledges with 1 instead of 0;
 *   4. sends "third" and keeps the connection until it is stopped.
 * After each hostile step it waits for the client to hang up.  The
 * datagrams are DIRECT_GROUP from SENDER<00> at 10.9.9.9:138 to WG<00>
 * for \MAILSLOT\NEWS, built with the project's codec.  Exit status 2 is a
 * usage or system error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "msl_codec.h"

static int
send_all(int fd, const void *p, size_t n)
{
	return send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* frame sends one datagram frame carrying data. */
static int
frame(int fd, const char *data)
{
	struct msl_mdgm_send s = {
		.ms_type = MSL_NBDGM_DIRECT_GROUP, .ms_node = MSL_NBDGM_NODE_B, .ms_id = 77,
		.ms_src_ip = 0x0a090909, .ms_src_port = MSL_NBDGM_PORT,
		.ms_mailslot = "\\MAILSLOT\\NEWS", .ms_mailslot_len = 14,
		.ms_data = (const uint8_t *)data, .ms_data_len = strlen(data),
		.ms_profile = MSL_SMBMAIL_SAMBA,
	};
	uint8_t dg[MSL_MDGM_MAX], out[MSL_MDGM_MAX + 64];
	size_t len, used;

	if (msl_nbname_make(&s.ms_src, "SENDER", 0, NULL) != MSL_PE_OK ||
	    msl_nbname_make(&s.ms_dst, "WG", 0, NULL) != MSL_PE_OK ||
	    msl_mdgm_build(&s, dg, sizeof dg, &len) != MSL_PE_OK)
		return -1;
	struct msl_nbunexp_frame f = { .fr_type = MSL_NBUNEXP_DGRAM, .fr_ip = 0x0a090909,
		.fr_port = 138, .fr_data = dg, .fr_len = len };
	if (msl_nbunexp_frame_build(&f, out, sizeof out, &used) != MSL_PE_OK)
		return -1;
	return send_all(fd, out, used);
}

/* hostile sends a frame header that no nmbd writes: a length past its
 * buffer (2^40) or an unknown packet type. */
static int
hostile(int fd, int bad_type)
{
	uint8_t h[64] = { 0 };
	struct msl_nbunexp_frame f = { .fr_type = MSL_NBUNEXP_DGRAM, .fr_len = 0 };
	size_t used;

	if (msl_nbunexp_frame_build(&f, h, sizeof h, &used) != MSL_PE_OK)
		return -1;
	if (bad_type) {
		int t = 7;
		memcpy(h + sizeof(size_t), &t, sizeof t);
	} else {
		size_t big = (size_t)1 << 40;
		memcpy(h, &big, sizeof big);
	}
	return send_all(fd, h, used);
}

/* query reads and checks the client's query; 0 when it asks for every
 * datagram, as mailslotd must. */
static int
query(int fd)
{
	uint8_t q[64], want[64];
	size_t wlen;
	ssize_t n = recv(fd, q, sizeof q, 0);

	if (msl_nbunexp_query_build(MSL_NBUNEXP_DGRAM, MSL_NBUNEXP_ANY_TRN, NULL, 0, want, sizeof want,
	    &wlen) != MSL_PE_OK)
		return -1;
	printf("query %s (%zd bytes)\n", n == (ssize_t)wlen && memcmp(q, want, wlen) == 0 ? "ok" : "BAD", n);
	fflush(stdout);
	return n == (ssize_t)wlen && memcmp(q, want, wlen) == 0 ? 0 : -1;
}

/* wait_close waits for the client to hang up. */
static void
wait_close(int fd, int step)
{
	char b[64];
	while (recv(fd, b, sizeof b, 0) > 0)
		;
	printf("step %d: client hung up\n", step);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sockaddr_in udp = { .sin_family = AF_INET };
	static const uint8_t ack0 = 0, ack1 = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: fakenmbd DIR PORT\n");
		return 2;
	}
	udp.sin_port = htons((uint16_t)atoi(argv[2]));
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/unexpected", argv[1]);
	mkdir(argv[1], 0755);
	unlink(sa.sun_path);
	if (u < 0 || bind(u, (struct sockaddr *)&udp, sizeof udp) != 0 || l < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(sa.sun_path, 0777) != 0 ||
	    listen(l, 5) != 0) {
		perror("fakenmbd");
		return 2;
	}
	printf("listening\n");
	fflush(stdout);
	for (int step = 1; step <= 4; step++) {
		int c = accept(l, NULL, NULL);
		if (c < 0 || query(c) != 0)
			return 2;
		if (send_all(c, step == 3 ? &ack1 : &ack0, 1) != 0)
			return 2;
		if (step == 1 && (frame(c, "first") != 0 || hostile(c, 0) != 0))
			return 2;
		if (step == 2 && (frame(c, "second") != 0 || hostile(c, 1) != 0))
			return 2;
		if (step == 4 && frame(c, "third") != 0)
			return 2;
		printf("step %d: sent\n", step);
		fflush(stdout);
		wait_close(c, step);
		close(c);
	}
	return 0;
}
