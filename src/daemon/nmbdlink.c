/* SPDX-License-Identifier: MIT */
/*
 * nmbdlink.c - mailslotd beside Samba's nmbd on one host.
 *
 * nmbd owns UDP 137 and 138 there.  It handles the name service and the
 * BROWSE, LANMAN, NETLOGON and NTLOGON mailslots itself, and hands every
 * other datagram (those to names it does not hold, and those to its names
 * for any other mailslot) to the local clients of its "unexpected packet"
 * socket (docs/network.md, docs/protocol.md §9).  In this mode mailslotd
 * is one such client:
 *
 *  - it keeps one connection to "<nmbd socket dir>/unexpected" asking for
 *    every datagram (no mailslot filter: nmbd compares the name byte for
 *    byte, case included, while mailslot names are not case-sensitive,
 *    and one subscription needs no following of mailslots as they come
 *    and go), and runs each datagram through the usual receive rules and
 *    delivery (relay.c), so a datagram for no local mailslot is dropped
 *    and counted as it would be from UDP 138;
 *  - it sends from an ephemeral UDP port, with 138 as the datagram's
 *    SOURCE_PORT: replies go to port 138 (docs/protocol.md §2.3), where
 *    nmbd receives them and hands them over again;
 *  - it answers no name queries: nmbd does, for the names in smb.conf, so
 *    "netbios name" should be nmbd's name or one of its "netbios aliases".
 *
 * When nmbd goes away the connection ends; mailslotd tries again once a
 * second, and receives nothing meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "../platform/platform.h"
#include "daemon.h"
#include "msl_nbunexp.h"

/* How often a lost connection is tried again. */
#define RETRY_S 1
/* Reads per wake-up, so that a flood from nmbd cannot starve the rest. */
#define READS 8

static void
socket_path(const struct msld *d, char *out, size_t cap)
{
	snprintf(out, cap, "%s/unexpected", d->conf.nmbd_dir);
}

/* port_taken tells whether another socket holds UDP port `port` (a probe
 * bind without address reuse, closed at once). */
static int
port_taken(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), taken;

	if (fd < 0)
		return 0;
	taken = bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno == EADDRINUSE;
	close(fd);
	return taken;
}

int
msld_nmbd_wanted(const struct msld *d)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	if (d->conf.nmbd_mode == MSL_NMBD_YES)
		return 1;
	if (d->conf.nmbd_mode == MSL_NMBD_NO)
		return 0;
	/* auto: nmbd runs here when the port is taken and its socket is
	 * there; a port taken by anything else stays the error it was. */
	socket_path(d, path, sizeof path);
	return port_taken(d->conf.port) && stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* arm sets the retry timer (RETRY_S, repeating) or stops it. */
static void
arm(struct msld *d, int on)
{
	struct itimerspec t = { 0 };

	if (on)
		t.it_value.tv_sec = t.it_interval.tv_sec = RETRY_S;
	timerfd_settime(d->nmbd_timer.fd, 0, &t, NULL);
}

/* link_close ends the connection and starts retrying. */
static void
link_close(struct msld *d, const char *why)
{
	msld_log(d, MSL_LOG_WARN, "event=nmbd state=lost reason=\"%s\"", why);
	close(d->nmbd.fd);
	d->nmbd.fd = -1;
	d->nmbd_len = 0;
	arm(d, 1);
}

/* link_connect connects and sends the query; 0 when subscribed (the
 * acknowledgement is read with the frames). */
static int
link_connect(struct msld *d, int quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t q[64];
	size_t qlen;
	int fd;

	socket_path(d, sa.sun_path, sizeof sa.sun_path);
	if (msl_nbunexp_query_build(MSL_NBUNEXP_DGRAM, MSL_NBUNEXP_ANY_TRN, NULL, 0, q, sizeof q,
	    &qlen) != MSL_PE_OK)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/* A local connect and a query of a few bytes complete at once. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    send(fd, q, qlen, MSG_NOSIGNAL) != (ssize_t)qlen) {
		if (!quiet)
			msld_log(d, MSL_LOG_WARN, "event=nmbd state=waiting socket=%s reason=\"%s\"",
			    sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	d->nmbd.fd = fd;
	d->nmbd_len = 0;
	d->nmbd_acked = 0;
	if (msld_watch_add(d, &d->nmbd) != 0) {
		close(fd);
		d->nmbd.fd = -1;
		return -1;
	}
	arm(d, 0);
	msld_log(d, MSL_LOG_INFO, "event=nmbd state=connected socket=%s", sa.sun_path);
	return 0;
}

int
msld_nmbd_open(struct msld *d)
{
	uint16_t port;
	int one = 1;

	d->nmbd = (struct msld_watch){ MSLD_T_LAN, -1 };
	d->nmbd_timer = (struct msld_watch){ MSLD_T_LAN, -1 };
	/* Sending: an ephemeral port (nmbd holds 138), readable too, for
	 * peers that answer the UDP source rather than port 138. */
	if ((d->dgm.fd = msl_udp_open(&port)) < 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot open a UDP socket: %s\"", strerror(errno));
		return -1;
	}
	fcntl(d->dgm.fd, F_SETFL, fcntl(d->dgm.fd, F_GETFL) | O_NONBLOCK);
	setsockopt(d->dgm.fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
	d->ns.fd = -1;
	d->nmbd_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->nmbd_timer.fd < 0 || msld_watch_add(d, &d->nmbd_timer) != 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot make a timer: %s\"", strerror(errno));
		return -1;
	}
	msld_log(d, MSL_LOG_INFO, "event=start mode=nmbd-coexistence send_port=%u "
	    "note=\"nmbd owns UDP 137/138; datagrams come through its unexpected packet socket\"", port);
	if (d->conf.nifaces != 0)
		msld_log(d, MSL_LOG_WARN, "event=start note=\"'interfaces' does not filter datagrams "
		    "that nmbd hands over (nmbd's own interfaces setting does)\"");
	if (link_connect(d, 0) != 0)
		arm(d, 1);
	return 0;
}

/* take_frames hands every complete datagram frame in the buffer to the
 * receive rules, one batch at a time; returns -1 when the stream is
 * broken. */
static int
take_frames(struct msld *d)
{
	size_t off = 0;
	int n = 0;

	if (!d->nmbd_acked && d->nmbd_len >= MSL_NBUNEXP_ACK_LEN) {
		if (d->nmbd_buf[0] != MSL_NBUNEXP_ACK)
			return -1;
		d->nmbd_acked = 1;
		off = MSL_NBUNEXP_ACK_LEN;
	}
	while (d->nmbd_acked) {
		struct msl_nbunexp_frame f;
		size_t used;
		msl_perr e = msl_nbunexp_frame_parse(d->nmbd_buf + off, d->nmbd_len - off, &f, &used);
		if (e == MSL_PE_TRUNCATED)
			break;
		if (e != MSL_PE_OK) {
			/* What came before the bad frame is good: deliver it. */
			if (n > 0)
				msld_take_batch(d, n);
			return -1;
		}
		off += used;
		if (f.fr_type != MSL_NBUNEXP_DGRAM)
			continue;
		struct msld_rx *rx = &d->rxq[n++];
		memcpy(rx->buf, f.fr_data, f.fr_len);
		rx->len = f.fr_len;
		rx->from = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(f.fr_port), .sin_addr.s_addr = htonl(f.fr_ip) };
		memset(&rx->pi, 0, sizeof rx->pi);
		d->stats.n[MSLD_C_rx_nmbd]++;
		if (n == MSLD_BATCH) {
			msld_take_batch(d, n);
			n = 0;
		}
	}
	if (n > 0)
		msld_take_batch(d, n);
	memmove(d->nmbd_buf, d->nmbd_buf + off, d->nmbd_len - off);
	d->nmbd_len -= off;
	return 0;
}

_Static_assert(MSL_NBUNEXP_PACKET_MAX <= MSLD_RX_MAX, "a frame's packet must fit a receive slot");

/* on_link reads what nmbd sent, a bounded amount per wake-up. */
static void
on_link(struct msld *d)
{
	for (int i = 0; i < READS && d->nmbd.fd >= 0; i++) {
		ssize_t r = read(d->nmbd.fd, d->nmbd_buf + d->nmbd_len, sizeof d->nmbd_buf - d->nmbd_len);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			link_close(d, r == 0 ? "nmbd closed the connection" : strerror(errno));
			return;
		}
		d->nmbd_len += (size_t)r;
		if (take_frames(d) != 0) {
			link_close(d, "nmbd sent a frame this daemon cannot read");
			return;
		}
	}
}

void
msld_on_lan(struct msld *d, struct msld_watch *w)
{
	if (msld_wins_on(d, w) || msld_announce_on(d, w))
		return;
	if (w == &d->nmbd) {
		on_link(d);
	} else if (w == &d->nmbd_timer) {
		uint64_t ticks;
		if (read(w->fd, &ticks, sizeof ticks) == (ssize_t)sizeof ticks && d->nmbd.fd < 0)
			(void)link_connect(d, 1);
	}
}
