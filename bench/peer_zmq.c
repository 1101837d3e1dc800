/* SPDX-License-Identifier: MIT */
/*
 * peer_zmq.c - ZeroMQ PUSH/PULL over ipc://, the message library an
 * application would reach for instead: the reader binds a PULL socket,
 * each writer connects a PUSH socket, every message is one zmq_send and
 * one zmq_recv, and the library's defaults (high-water marks of 1000
 * messages, one I/O thread per context) apply.
 *
 * Without libzmq at build time the peer stays in the report, marked as
 * not measured, so that the rows comparing with it say why they are empty.
 */
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

#ifdef MSL_BENCH_HAVE_ZMQ
#include <errno.h>
#include <string.h>
#include <zmq.h>

typedef struct zmq_ep {
	bench_named n; /* the socket file, which the reader removes */
	void *ctx, *sock;
} zmq_ep;

/* The ipc:// endpoint is a socket file: a killed run leaves it behind. */
static const bench_naming zmq_naming = {
	.id = "zmq", .prefix = "", .suffix = ".zmq", .in_tmpdir = 1,
	.remove = unlink,
};

/*
 * zmq_ep_open makes a context and a socket of `type` bound (rx) or
 * connected (tx) to name's endpoint.  A writer's close drops what is still
 * queued after 100 ms: the harness closes only once the reader has
 * everything, and a dead reader must not keep a writer from exiting.
 */
static void *
zmq_ep_open(const char *name, int type, int timeout_ms)
{
	char addr[BENCH_NAMED_PATH + 8];
	zmq_ep *ep = bench_named_new(sizeof(*ep), &zmq_naming, name, type == ZMQ_PULL);
	int linger = 100;

	if (ep == NULL)
		return NULL;
	snprintf(addr, sizeof(addr), "ipc://%s", ep->n.path);
	ep->ctx = zmq_ctx_new();
	ep->sock = ep->ctx != NULL ? zmq_socket(ep->ctx, type) : NULL;
	if (ep->sock == NULL ||
	    zmq_setsockopt(ep->sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    (type == ZMQ_PULL && zmq_setsockopt(ep->sock, ZMQ_RCVTIMEO, &timeout_ms,
				     sizeof(timeout_ms)) != 0) ||
	    (type == ZMQ_PULL ? zmq_bind(ep->sock, addr) :
				zmq_connect(ep->sock, addr)) != 0) {
		bench_warn("zmq", "%s %s: %s", type == ZMQ_PULL ? "bind" : "connect",
		    addr, zmq_strerror(zmq_errno()));
		if (ep->sock != NULL)
			zmq_close(ep->sock);
		if (ep->ctx != NULL)
			zmq_ctx_term(ep->ctx);
		bench_named_close(ep);
		return NULL;
	}
	return ep;
}

static void *
zmq_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	(void)size;
	(void)writers;
	return zmq_ep_open(name, ZMQ_PULL, timeout_ms);
}

static void *
zmq_tx_open(const char *name)
{
	return zmq_ep_open(name, ZMQ_PUSH, 0);
}

static int
zmq_bsend(void *tx, const void *buf, size_t len)
{
	zmq_ep *ep = tx;

	for (;;) {
		if (zmq_send(ep->sock, buf, len, 0) == (int)len)
			return BENCH_SEND_OK;
		if (zmq_errno() != EINTR)
			return BENCH_SEND_ERR;
	}
}

/* zmq_recv returns the whole message's length; the buffer holds the largest. */
static ssize_t
zmq_brecv(void *rx, void *buf, size_t cap)
{
	zmq_ep *ep = rx;

	for (;;) {
		int n = zmq_recv(ep->sock, buf, cap, 0);

		if (n >= 0)
			return (size_t)n <= cap ? n : BENCH_RECV_ERR;
		if (zmq_errno() == EAGAIN)
			return BENCH_RECV_TIMEOUT;
		if (zmq_errno() != EINTR)
			return BENCH_RECV_ERR;
	}
}

static void
zmq_bclose(void *p)
{
	zmq_ep *ep = p;

	if (ep != NULL) {
		zmq_close(ep->sock);
		zmq_ctx_term(ep->ctx);
	}
	bench_named_close(ep);
}

const bench_mech bench_zmq = {
	.id = "zmq",
	.label = "ZeroMQ PUSH/PULL ipc://",
	.na = bench_any_size,
	.rx_open = zmq_rx_open,
	.tx_open = zmq_tx_open,
	.send = zmq_bsend,
	.recv = zmq_brecv,
	.tx_close = zmq_bclose,
	.rx_close = zmq_bclose,
	.naming = &zmq_naming,
};

#else /* !MSL_BENCH_HAVE_ZMQ */

static const char *
zmq_missing(size_t size, int writers)
{
	(void)size;
	(void)writers;
	return "not measured (libzmq missing)";
}

/* Only `na` is set: the harness asks it first and measures nothing. */
const bench_mech bench_zmq = {
	.id = "zmq",
	.label = "ZeroMQ PUSH/PULL ipc://",
	.na = zmq_missing,
};

#endif
