/* SPDX-License-Identifier: MIT */
/*
 * peers.c - the kernel mechanisms the mailslot is compared with.
 *
 * Each peer is used the way a careful application would use it for
 * "many writers, one reader, whole messages": the reader owns a named
 * endpoint and writers open it by name, default kernel limits apply
 * except where the benchmark brief asks for them raised (UDP SO_RCVBUF,
 * POSIX mq depth and size), and every receive returns one message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"


typedef struct sock_ep {
	int fd;
	int lfd;      /* SOCK_SEQPACKET: the listening socket          */
	int writers;  /* SOCK_SEQPACKET: connections to accept         */
	int nconn;    /* SOCK_SEQPACKET: connections accepted so far   */
	int cur;      /* SOCK_SEQPACKET: connection read last          */
	int timeout_ms;
	int conn[64];
} sock_ep;

static sock_ep *
ep_new(int fd)
{
	sock_ep *ep = calloc(1, sizeof(*ep));

	if (ep == NULL) {
		close(fd);
		return NULL;
	}
	ep->fd = fd;
	ep->lfd = -1;
	return ep;
}

static void
set_rcvtimeo(int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/*
 * AF_UNIX names live in the abstract namespace so that a killed run
 * leaves no socket file behind; the cost of a send is the same.
 */
static socklen_t
unix_addr(struct sockaddr_un *sa, const char *kind, const char *name)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
	    "msl-bench/%s/%s", kind, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)n);
}

static ssize_t
sock_recv(int fd, void *buf, size_t cap, int flags)
{
	ssize_t n = recv(fd, buf, cap, flags);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return BENCH_RECV_TIMEOUT;
	return BENCH_RECV_ERR;
}

static int
sock_send(void *tx, const void *buf, size_t len)
{
	sock_ep *ep = tx;

	return send(ep->fd, buf, len, 0) == (ssize_t)len ? BENCH_SEND_OK :
							   BENCH_SEND_ERR;
}

static void
sock_close(void *p)
{
	sock_ep *ep = p;

	if (ep == NULL)
		return;
	for (int i = 0; i < ep->nconn; i++)
		close(ep->conn[i]);
	if (ep->lfd >= 0)
		close(ep->lfd);
	if (ep->fd >= 0)
		close(ep->fd);
	free(ep);
}

/* ---- AF_UNIX SOCK_DGRAM, writers connect() then send() ---------------- */

/*
 * unix_socket makes an AF_UNIX socket of `type` and binds (reader) or
 * connects (writer) it to kind/name.
 */
static void *
unix_socket(const char *kind, int type, const char *name, int bind_it)
{
	struct sockaddr_un sa;
	socklen_t len = unix_addr(&sa, kind, name);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return NULL;
	if ((bind_it ? bind(fd, (struct sockaddr *)&sa, len) :
		       connect(fd, (struct sockaddr *)&sa, len)) != 0) {
		bench_warn(kind, "%s: %s", bind_it ? "bind" : "connect",
		    strerror(errno));
		close(fd);
		return NULL;
	}
	return ep_new(fd);
}

static void *
dgram_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	sock_ep *ep = unix_socket("dgram", SOCK_DGRAM, name, 1);

	(void)size;
	(void)writers;
	if (ep != NULL)
		set_rcvtimeo(ep->fd, timeout_ms);
	return ep;
}

static void *
dgram_tx_open(const char *name)
{
	return unix_socket("dgram", SOCK_DGRAM, name, 0);
}

static ssize_t
dgram_recv(void *rx, void *buf, size_t cap)
{
	return sock_recv(((sock_ep *)rx)->fd, buf, cap, 0);
}

const bench_mech bench_dgram = {
	.id = "dgram",
	.label = "AF_UNIX dgram (connected)",
	.na = bench_any_size,
	.rx_open = dgram_rx_open,
	.tx_open = dgram_tx_open,
	.send = sock_send,
	.recv = dgram_recv,
	.tx_close = sock_close,
	.rx_close = sock_close,
};

/* ---- AF_UNIX SOCK_SEQPACKET: one connection per writer ---------------- */

static void *
seqpacket_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	sock_ep *ep = unix_socket("seqpacket", SOCK_SEQPACKET, name, 1);

	(void)size;
	if (ep == NULL)
		return NULL;
	if (writers > (int)(sizeof(ep->conn) / sizeof(ep->conn[0])) ||
	    listen(ep->fd, 128) != 0) {
		sock_close(ep);
		return NULL;
	}
	ep->lfd = ep->fd;
	ep->fd = -1;
	ep->writers = writers;
	ep->timeout_ms = timeout_ms;
	return ep;
}

static void *
seqpacket_tx_open(const char *name)
{
	return unix_socket("seqpacket", SOCK_SEQPACKET, name, 0);
}

/*
 * The writers connect before the clock starts, so accepting them on the
 * first receive keeps accept() out of the measured time.
 */
static int
seqpacket_accept(sock_ep *ep)
{
	while (ep->nconn < ep->writers) {
		struct pollfd pfd = { ep->lfd, POLLIN, 0 };
		int fd;

		if (poll(&pfd, 1, ep->timeout_ms) != 1)
			return -1;
		fd = accept4(ep->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return -1;
		if (ep->writers == 1)
			set_rcvtimeo(fd, ep->timeout_ms);
		ep->conn[ep->nconn++] = fd;
	}
	return 0;
}

static ssize_t
seqpacket_recv(void *rx, void *buf, size_t cap)
{
	sock_ep *ep = rx;
	struct pollfd pfd[64];

	if (ep->nconn < ep->writers && seqpacket_accept(ep) != 0)
		return BENCH_RECV_ERR;
	/* One connection needs no multiplexing: a blocking recv is cheapest. */
	if (ep->nconn == 1)
		return sock_recv(ep->conn[0], buf, cap, 0);
	/*
	 * Drain the connection read last before polling again, so that a busy
	 * reader pays one recv per message and poll only when all are empty.
	 * A zero-length record and end-of-stream both read as 0; writers keep
	 * their connection open until the reader has everything, so 0 is
	 * always a message here.
	 */
	for (;;) {
		for (int i = 0; i < ep->nconn; i++) {
			int k = (ep->cur + i) % ep->nconn;
			ssize_t n = recv(ep->conn[k], buf, cap, MSG_DONTWAIT);

			if (n >= 0) {
				ep->cur = k;
				return n;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return BENCH_RECV_ERR;
		}
		for (int i = 0; i < ep->nconn; i++) {
			pfd[i].fd = ep->conn[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		switch (poll(pfd, (nfds_t)ep->nconn, ep->timeout_ms)) {
		case 0:
			return BENCH_RECV_TIMEOUT;
		case -1:
			if (errno != EINTR)
				return BENCH_RECV_ERR;
		}
	}
}

const bench_mech bench_seqpacket = {
	.id = "seqpacket",
	.label = "AF_UNIX seqpacket",
	.na = bench_any_size,
	.rx_open = seqpacket_rx_open,
	.tx_open = seqpacket_tx_open,
	.send = sock_send,
	.recv = seqpacket_recv,
	.tx_close = sock_close,
	.rx_close = sock_close,
};

/* ---- POSIX message queue ----------------------------------------------- */

/*
 * The queue is as deep and as wide as the system allows an unprivileged
 * creator (fs.mqueue.msg_max, msgsize_max; 10 and 8192 by default).
 */
static long
mq_msgsize_max(void)
{
	return (long)bench_proc_num("/proc/sys/fs/mqueue/msgsize_max", 8192);
}

static const char *
mq_na(size_t size, int writers)
{
	(void)writers;
	if ((long)size > mq_msgsize_max())
		return "above fs.mqueue.msgsize_max (8192 B)";
	return NULL;
}

static const bench_naming mq_naming = {
	.id = "mq", .prefix = "", .suffix = "", .in_tmpdir = 0,
	.open = mq_open, .close = mq_close, .remove = mq_unlink,
};

static void *
mq_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	struct mq_attr a = { 0 };
	bench_named *ep = bench_named_new(sizeof(*ep), &mq_naming, name, 1);

	(void)size;
	(void)writers;
	(void)timeout_ms;
	if (ep == NULL)
		return NULL;
	a.mq_maxmsg = (long)bench_proc_num("/proc/sys/fs/mqueue/msg_max", 10);
	a.mq_msgsize = mq_msgsize_max();
	ep->fd = mq_open(ep->path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600, &a);
	return ep->fd >= 0 ? ep : bench_named_fail(ep, "mq_open");
}

static void *
mq_tx_open(const char *name)
{
	return bench_named_tx_open(&mq_naming, name);
}

static int
mq_bsend(void *tx, const void *buf, size_t len)
{
	return mq_send(((bench_named *)tx)->fd, buf, len, 0) == 0 ?
	    BENCH_SEND_OK :
	    BENCH_SEND_ERR;
}

/* A plain mq_receive: mq_timedreceive would add a clock read per message. */
static ssize_t
mq_brecv(void *rx, void *buf, size_t cap)
{
	ssize_t n = mq_receive(((bench_named *)rx)->fd, buf, cap, NULL);

	return n >= 0 ? n : BENCH_RECV_ERR;
}

const bench_mech bench_mq = {
	.id = "mq",
	.label = "POSIX mq",
	.na = mq_na,
	.rx_open = mq_rx_open,
	.tx_open = mq_tx_open,
	.send = mq_bsend,
	.recv = mq_brecv,
	.tx_close = bench_named_close,
	.rx_close = bench_named_close,
	.naming = &mq_naming,
};

/* ---- FIFO carrying fixed-size records ---------------------------------- */

static const char *
fifo_na(size_t size, int writers)
{
	if (size == 0)
		return "a 0-byte record carries nothing through a pipe";
	if (writers > 1 && size > PIPE_BUF)
		return "records above PIPE_BUF (4096 B) interleave between writers";
	return NULL;
}

typedef struct fifo_ep {
	bench_named n;
	size_t size;
} fifo_ep;

static const bench_naming fifo_naming = {
	.id = "fifo", .prefix = "", .suffix = ".fifo", .in_tmpdir = 1,
	.open = open, .close = close, .remove = unlink,
};

static void *
fifo_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	fifo_ep *ep = bench_named_new(sizeof(*ep), &fifo_naming, name, 1);

	(void)writers;
	(void)timeout_ms;
	if (ep == NULL)
		return NULL;
	ep->size = size;
	if (mkfifo(ep->n.path, 0600) != 0) {
		/* Not ours to remove: it is someone else's node. */
		ep->n.owner = 0;
		return bench_named_fail(ep, "mkfifo");
	}
	/*
	 * O_RDWR opens without waiting for a writer and keeps the pipe from
	 * reporting end-of-file between writers.
	 */
	ep->n.fd = open(ep->n.path, O_RDWR | O_CLOEXEC);
	return ep->n.fd >= 0 ? ep : bench_named_fail(ep, "open");
}

static void *
fifo_tx_open(const char *name)
{
	return bench_named_tx_open(&fifo_naming, name);
}

/* Writes up to PIPE_BUF are atomic; only a lone writer sends more. */
static int
fifo_send(void *tx, const void *buf, size_t len)
{
	bench_named *ep = tx;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(ep->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return BENCH_SEND_ERR;
		}
		p += n;
		len -= (size_t)n;
	}
	return BENCH_SEND_OK;
}

/* One read per record, like one recv per datagram for the others. */
static ssize_t
fifo_recv(void *rx, void *buf, size_t cap)
{
	fifo_ep *ep = rx;
	char *p = buf;
	size_t got = 0;

	if (cap < ep->size)
		return BENCH_RECV_ERR;
	while (got < ep->size) {
		ssize_t n = read(ep->n.fd, p + got, ep->size - got);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return BENCH_RECV_ERR;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

const bench_mech bench_fifo = {
	.id = "fifo",
	.label = "FIFO, fixed-size records",
	.na = fifo_na,
	.rx_open = fifo_rx_open,
	.tx_open = fifo_tx_open,
	.send = fifo_send,
	.recv = fifo_recv,
	.tx_close = bench_named_close,
	.rx_close = bench_named_close,
	.naming = &fifo_naming,
};

/* ---- UDP on 127.0.0.1 -------------------------------------------------- */

static const char *
udp_na(size_t size, int writers)
{
	(void)writers;
	if (size > BENCH_UDP_MAX_PAYLOAD)
		return "above the largest UDP/IPv4 payload (65,507 B)";
	return NULL;
}

static void *
udp_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int want = BENCH_UDP_RCVBUF, got = 0;
	socklen_t glen = sizeof(got);

	(void)size;
	(void)writers;
	if (fd < 0)
		return NULL;
	/*
	 * SO_RCVBUFFORCE passes net.core.rmem_max when the process may; else
	 * SO_RCVBUF gets as much as rmem_max allows (the kernel doubles it).
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &glen) == 0 &&
	    got < want)
		bench_warn("udp", "SO_RCVBUF is %d, not %d", got, want);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return NULL;
	}
	set_rcvtimeo(fd, timeout_ms < BENCH_UDP_IDLE_MS ? timeout_ms : BENCH_UDP_IDLE_MS);
	snprintf(name, BENCH_NAME_MAX, "%u", (unsigned)ntohs(sa.sin_port));
	return ep_new(fd);
}

static void *
udp_tx_open(const char *name)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return NULL;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)atoi(name));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return NULL;
	}
	return ep_new(fd);
}

const bench_mech bench_udp = {
	.id = "udp",
	.label = "UDP 127.0.0.1",
	.na = udp_na,
	.rx_open = udp_rx_open,
	.tx_open = udp_tx_open,
	.send = sock_send,
	.recv = dgram_recv,
	.tx_close = sock_close,
	.rx_close = sock_close,
};
