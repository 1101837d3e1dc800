/* SPDX-License-Identifier: MIT */
/*
 * udp.c - mailslotd's UDP sockets: binding the NetBIOS ports (and naming
 * whoever holds one already), reading datagrams in batches with
 * recvmmsg(2), and sending local writers' datagrams with sendmmsg(2).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "../platform/platform.h"
#include "daemon.h"

/* A large receive buffer absorbs bursts; as root the cap can be exceeded. */
#define RCVBUF_BYTES (4 << 20)
/* How long a full send buffer may hold one batch, per try. */
#define TX_WAIT_MS 100

/* port_inode finds the socket inode of local UDP port `port` in this
 * network namespace's /proc/net/udp; 0 when none. */
static unsigned long
port_inode(uint16_t port)
{
	char line[512];
	unsigned long found = 0;
	FILE *f = fopen("/proc/net/udp", "re");

	if (f == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof line, f) != NULL) {
		unsigned lport;
		unsigned long inode;
		/* "sl local rem st tx:rx tr:when retr uid timeout inode" */
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %*x %*x:%*x %*x:%*x %*x %*u %*u %lu",
		    &lport, &inode) == 2 && lport == port)
			found = inode;
	}
	fclose(f);
	return found;
}

/* pid_holds tells whether process pid has the descriptor whose link text
 * is want ("socket:[inode]"). */
static int
pid_holds(long pid, const char *want)
{
	char path[64], fdpath[64 + sizeof(((struct dirent *)0)->d_name)], link[64];
	struct dirent *fe;
	DIR *fds;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%ld/fd", pid);
	if ((fds = opendir(path)) == NULL)
		return 0;
	while (!found && (fe = readdir(fds)) != NULL) {
		snprintf(fdpath, sizeof fdpath, "%s/%s", path, fe->d_name);
		ssize_t n = readlink(fdpath, link, sizeof link - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(fds);
	return found;
}

/*
 * port_owner names the process holding local UDP port `port` ("nmbd (pid
 * 812)"), so that a conflict with nmbd is reported by name.  Best effort:
 * "" when unknown.
 */
static void
port_owner(uint16_t port, char *out, size_t cap)
{
	char want[64], comm[64] = "?", path[64];
	unsigned long inode = port_inode(port);
	struct dirent *de;
	DIR *proc;
	FILE *cf;
	long pid = -1;

	out[0] = '\0';
	if (inode == 0 || (proc = opendir("/proc")) == NULL)
		return;
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	while (pid < 0 && (de = readdir(proc)) != NULL)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
		    pid_holds(strtol(de->d_name, NULL, 10), want))
			pid = strtol(de->d_name, NULL, 10);
	closedir(proc);
	if (pid < 0)
		return;
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	if ((cf = fopen(path, "re")) != NULL) {
		if (fgets(comm, sizeof comm, cf) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(cf);
	}
	snprintf(out, cap, "%s (pid %ld)", comm, pid);
}

/* bind_failed says why a NetBIOS port could not be bound. */
static void
bind_failed(const struct msld *d, uint16_t port, const char *what, int e)
{
	char owner[128];

	if (e != EADDRINUSE) {
		msld_log(d, MSL_LOG_ERROR, "event=start port=%u service=\"%s\" reason=\"cannot bind: %s%s\"",
		    port, what, strerror(e), e == EACCES ? " (ports below 1024 need root or "
		    "CAP_NET_BIND_SERVICE)" : "");
		return;
	}
	port_owner(port, owner, sizeof owner);
	msld_log(d, MSL_LOG_ERROR,
	    "event=start port=%u service=\"%s\" reason=\"UDP port %u is already in use%s%s. "
	    "Only one NetBIOS %s can run per host: Samba's nmbd owns this port when it runs; "
	    "stop it, run mailslotd on another host or network namespace, or, beside nmbd, "
	    "set 'nmbd coexistence' and 'nmbd socket dir' (see mailslotd(8))\"",
	    port, what, port, owner[0] ? " by " : "", owner, what);
}

int
msld_udp_open(struct msld *d, uint16_t port, const char *what)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, rcv = RCVBUF_BYTES;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot open a UDP socket: %s\"", strerror(errno));
		return -1;
	}
	/* docs/protocol.md §4.1: one wildcard socket with IP_PKTINFO sees unicast and
	 * broadcast alike, and tells which interface each came in by. */
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	/*
	 * No SO_REUSEADDR: nmbd sets it, and so a second owner of the port
	 * would silently share unicast traffic with it (docs/protocol.md §4.1).  Failing
	 * here is the point.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		bind_failed(d, port, what, errno);
		close(fd);
		return -1;
	}
	return fd;
}

int
msld_udp_recv(int fd, struct msld_rx *q, int max)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf[MSLD_BATCH];
	struct mmsghdr mm[MSLD_BATCH];
	struct iovec iov[MSLD_BATCH];
	int n;

	if (max > MSLD_BATCH)
		max = MSLD_BATCH;
	for (int i = 0; i < max; i++) {
		iov[i] = (struct iovec){ q[i].buf, sizeof q[i].buf };
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &q[i].from, .msg_namelen = sizeof q[i].from,
			.msg_iov = &iov[i], .msg_iovlen = 1,
			.msg_control = cbuf[i].b, .msg_controllen = sizeof cbuf[i].b,
		};
	}
	/* One system call for a whole batch keeps the daemon ahead of a
	 * sender that raw UDP could keep up with. */
	/* MSG_TRUNC: msg_len is then the whole payload's length, even when
	 * the slot cut it, so rx_bytes counts what arrived. */
	n = recvmmsg(fd, mm, (unsigned)max, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &mm[i].msg_hdr;
		memset(&q[i].pi, 0, sizeof q[i].pi);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				memcpy(&q[i].pi, CMSG_DATA(c), sizeof q[i].pi);
		q[i].wire_len = mm[i].msg_len;
		q[i].len = (mh->msg_flags & MSG_TRUNC) || mm[i].msg_len > sizeof q[i].buf
		    ? sizeof q[i].buf : mm[i].msg_len;
	}
	return n;
}

void
msld_udp_view(const struct msld *d, const struct msld_rx *rx, uint64_t now,
    char ifname[IF_NAMESIZE], struct msld_dgram *out)
{
	*out = (struct msld_dgram){
		.buf = rx->buf,
		.len = rx->len,
		.wire_len = rx->wire_len,
		.ip = rx->from.sin_addr.s_addr,
		.port = ntohs(rx->from.sin_port),
		.now = now,
	};
	/* Only the "interfaces" setting needs the ingress interface: the
	 * table that netlink keeps current (ifwatch.c) judges it. */
	if (d->conf.nifaces != 0 || d->conf.niface_nets != 0)
		out->if_verdict = msld_iface_verdict(d, (unsigned)rx->pi.ipi_ifindex, ifname,
		    &out->ifname);
}

/*
 * gso_run says how many datagrams from txq[i] on go as one UDP_SEGMENT
 * send (udp(7)): consecutive ones to one address, all of one size but a
 * shorter last one.  The kernel (or the network card) cuts them into the
 * same datagrams on the wire, but the stack is walked once per run rather
 * than once per datagram, which is most of what sending costs.
 */
static int
gso_run(const struct msld *d, int i)
{
	int j = i + 1;

	if (d->tx_nogso)
		return 1;
	while (j < d->ntx && d->txq[j].to.sin_addr.s_addr == d->txq[i].to.sin_addr.s_addr &&
	    d->txq[j].to.sin_port == d->txq[i].to.sin_port && d->txq[j].len <= d->txq[i].len) {
		j++;
		if (d->txq[j - 1].len < d->txq[i].len)
			break; /* a shorter one ends the run */
	}
	return j - i;
}

void
msld_udp_flush(struct msld *d)
{
	struct mmsghdr mm[MSLD_TX];
	struct iovec iov[MSLD_TX];
	union {
		char b[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} cbuf[MSLD_TX];
	int count[MSLD_TX];
	int nmsg = 0, done = 0, sent = 0;

	for (int i = 0, n; i < d->ntx; i += n) {
		n = gso_run(d, i);
		for (int k = 0; k < n; k++)
			iov[i + k] = (struct iovec){ d->txq[i + k].buf, d->txq[i + k].len };
		mm[nmsg].msg_hdr = (struct msghdr){ .msg_name = &d->txq[i].to,
			.msg_namelen = sizeof d->txq[i].to, .msg_iov = &iov[i], .msg_iovlen = (size_t)n };
		if (n > 1) {
			struct cmsghdr *c = &cbuf[nmsg].align;
			uint16_t gso = (uint16_t)d->txq[i].len;
			mm[nmsg].msg_hdr.msg_control = cbuf[nmsg].b;
			mm[nmsg].msg_hdr.msg_controllen = sizeof cbuf[nmsg].b;
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof gso);
			memcpy(CMSG_DATA(c), &gso, sizeof gso);
		}
		count[nmsg++] = n;
	}
	while (done < nmsg) {
		int n = sendmmsg(d->dgm.fd, mm + done, (unsigned)(nmsg - done), 0);
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)) {
			/* The socket's buffer is full: wait for room, briefly, so a
			 * burst is paced rather than dropped. */
			if (errno == EINTR || msl_wait_fd(d->dgm.fd, POLLOUT, TX_WAIT_MS) > 0)
				continue;
		}
		if (n <= 0 && count[done] > 1 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
			/* No segmentation offload on this path: send one by one
			 * from now on, this batch included. */
			int first = 0;
			for (int k = 0; k < done; k++)
				first += count[k];
			d->tx_nogso = 1;
			msld_log(d, MSL_LOG_INFO, "event=send note=\"UDP segmentation unavailable (%s): "
			    "one datagram a send\"", strerror(errno));
			d->stats.n[MSLD_C_tx_datagrams] += (uint64_t)sent;
			memmove(d->txq, d->txq + first, (size_t)(d->ntx - first) * sizeof d->txq[0]);
			d->ntx -= first;
			msld_udp_flush(d);
			return;
		}
		if (n <= 0) {
			/* This one cannot go (say, no route): count it, go on. */
			d->stats.n[MSLD_C_tx_errors] += (uint64_t)count[done];
			done++;
			continue;
		}
		for (int k = done; k < done + n; k++) {
			sent += count[k];
			if (count[k] > 1)
				d->stats.n[MSLD_C_tx_segmented] += (uint64_t)count[k];
		}
		done += n;
	}
	d->stats.n[MSLD_C_tx_datagrams] += (uint64_t)sent;
	d->ntx = 0;
}
