/* SPDX-License-Identifier: MIT */
/*
 * udpgro.c - reading the datagram socket in runs (UDP_GRO, udp(7)).
 *
 * With UDP_GRO set, the kernel may hand one read a run of datagrams of
 * one flow, each gso_size bytes but a shorter last one, as the sender's
 * UDP_SEGMENT made them (udp.c) or as the network card coalesced them:
 * its stack is then walked once per run rather than once per datagram.
 * The runs are read into a few large buffers and cut here into the
 * daemon's receive slots; what a call has no room for waits for the next
 * call (msld_udp_gro_pending says so), so no datagram is lost or merged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "daemon.h"

/* Runs read per call, and the largest run (a UDP payload's limit). */
#define GRO_RUNS 4
#define GRO_MAX 65536

struct gro_run {
	size_t len, seg, off; /* the run, its datagrams' size, what was cut */
	struct sockaddr_in from;
	struct in_pktinfo pi;
};

struct msld_gro {
	uint8_t buf[GRO_RUNS][GRO_MAX];
	struct gro_run run[GRO_RUNS];
	int n, cur; /* runs read, the one being cut */
};

/* gro_open sets UDP_GRO on the datagram socket and makes the buffers;
 * without them (an old kernel, no memory) the plain read goes on. */
static struct msld_gro *
gro_open(struct msld *d)
{
	int one = 1;
	struct msld_gro *g;

	if (setsockopt(d->dgm.fd, SOL_UDP, UDP_GRO, &one, sizeof one) != 0)
		return NULL;
	if ((g = calloc(1, sizeof *g)) == NULL) {
		one = 0;
		setsockopt(d->dgm.fd, SOL_UDP, UDP_GRO, &one, sizeof one);
	}
	return g;
}

/* gro_read reads up to GRO_RUNS runs; returns how many. */
static int
gro_read(struct msld *d, struct msld_gro *g)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf[GRO_RUNS];
	struct mmsghdr mm[GRO_RUNS];
	struct iovec iov[GRO_RUNS];
	int n;

	for (int i = 0; i < GRO_RUNS; i++) {
		iov[i] = (struct iovec){ g->buf[i], sizeof g->buf[i] };
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &g->run[i].from, .msg_namelen = sizeof g->run[i].from,
			.msg_iov = &iov[i], .msg_iovlen = 1,
			.msg_control = cbuf[i].b, .msg_controllen = sizeof cbuf[i].b,
		};
	}
	n = recvmmsg(d->dgm.fd, mm, GRO_RUNS, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &mm[i].msg_hdr;
		int seg = 0;
		memset(&g->run[i].pi, 0, sizeof g->run[i].pi);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				memcpy(&g->run[i].pi, CMSG_DATA(c), sizeof g->run[i].pi);
			else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO)
				memcpy(&seg, CMSG_DATA(c), sizeof seg);
		}
		g->run[i].len = mm[i].msg_len;
		g->run[i].seg = seg > 0 ? (size_t)seg : mm[i].msg_len;
		g->run[i].off = 0;
	}
	return n > 0 ? n : 0;
}

int
msld_udp_recv_runs(struct msld *d, struct msld_rx *q, int max)
{
	struct msld_gro *g = d->gro;
	int k = 0;

	if (g == NULL && !d->gro_off && (g = d->gro = gro_open(d)) == NULL)
		d->gro_off = 1;
	if (g == NULL)
		return msld_udp_recv(d->dgm.fd, q, max);
	while (k < max) {
		if (g->cur == g->n) {
			g->cur = 0;
			if ((g->n = gro_read(d, g)) == 0)
				break;
		}
		/* Cut the next datagram of the current run into slot k. */
		struct gro_run *r = &g->run[g->cur];
		size_t seg = r->len - r->off < r->seg ? r->len - r->off : r->seg;
		q[k].wire_len = seg;
		q[k].len = seg < sizeof q[k].buf ? seg : sizeof q[k].buf;
		memcpy(q[k].buf, g->buf[g->cur] + r->off, q[k].len);
		q[k].from = r->from;
		q[k].pi = r->pi;
		if (r->seg < r->len)
			d->stats.n[MSLD_C_rx_segmented]++;
		k++;
		if ((r->off += seg) >= r->len || seg == 0)
			g->cur++;
	}
	return k;
}

int
msld_udp_gro_pending(const struct msld *d)
{
	return d->gro != NULL && d->gro->cur < d->gro->n;
}

void
msld_udp_gro_close(struct msld *d)
{
	free(d->gro);
	d->gro = NULL;
}
