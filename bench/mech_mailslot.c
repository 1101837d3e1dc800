/* SPDX-License-Identifier: MIT */
/*
 * mech_mailslot.c - the local mailslot through the native API.
 *
 * The mailslot is created with the library's defaults (any message size,
 * default queue quota), as an application that does not tune it would.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mailslot/mailslot.h>

#include "bench.h"

static void
ms_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "\\\\.\\mailslot\\msl-bench\\%s", name);
}

static void *
ms_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	char path[BENCH_NAME_MAX + 32];
	mailslot_options opt;
	mailslot_server *s;
	mailslot_err e;

	(void)size;
	(void)writers;
	ms_path(path, sizeof(path), name);
	mailslot_options_init(&opt);
	opt.read_timeout_ms = (uint32_t)timeout_ms;
	e = mailslot_create(path, &opt, &s);
	if (e != MAILSLOT_OK) {
		bench_warn("mailslot", "mailslot_create %s: %s", path,
		    mailslot_strerror(e));
		return NULL;
	}
	return s;
}

static void *
ms_tx_open(const char *name)
{
	char path[BENCH_NAME_MAX + 32];
	mailslot_client *c;
	mailslot_err e;

	ms_path(path, sizeof(path), name);
	e = mailslot_open(path, &c);
	if (e != MAILSLOT_OK) {
		bench_warn("mailslot", "mailslot_open %s: %s", path,
		    mailslot_strerror(e));
		return NULL;
	}
	return c;
}

/*
 * mailslot_write and mailslot_read report alike: success, one error the
 * harness treats as a soft outcome (a full queue, a read timeout), or a
 * failure worth a warning; one mapping keeps the two calls consistent.
 */
static ssize_t
ms_outcome(mailslot_err e, ssize_t done, mailslot_err soft_error,
    ssize_t soft, ssize_t fail, const char *call)
{
	if (e == MAILSLOT_OK)
		return done;
	if (e == soft_error)
		return soft;
	bench_warn("mailslot", "%s: %s", call, mailslot_strerror(e));
	return fail;
}

static int
ms_send(void *tx, const void *buf, size_t len)
{
	return (int)ms_outcome(mailslot_write(tx, buf, len), BENCH_SEND_OK,
	    MAILSLOT_E_FULL, BENCH_SEND_FULL, BENCH_SEND_ERR, "mailslot_write");
}

static ssize_t
ms_recv(void *rx, void *buf, size_t cap)
{
	size_t len = 0;
	mailslot_err e = mailslot_read(rx, buf, cap, &len, NULL);

	return ms_outcome(e, (ssize_t)len, MAILSLOT_E_TIMEOUT,
	    BENCH_RECV_TIMEOUT, BENCH_RECV_ERR, "mailslot_read");
}

static void
ms_tx_close(void *tx)
{
	mailslot_client_close(tx);
}

static void
ms_rx_close(void *rx)
{
	mailslot_close(rx);
}

const bench_mech bench_mailslot = {
	.id = "mailslot",
	.label = "mailslot (native API)",
	.na = bench_any_size,
	.rx_open = ms_rx_open,
	.tx_open = ms_tx_open,
	.send = ms_send,
	.recv = ms_recv,
	.tx_close = ms_tx_close,
	.rx_close = ms_rx_close,
};
