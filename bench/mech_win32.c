/* SPDX-License-Identifier: MIT */
/*
 * mech_win32.c - the local mailslot through the Win32-compatible API, the
 * way a program ported from Windows calls it, so that the report shows
 * what the compatibility layer costs over the native API.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mailslot/win32.h>

#include "bench.h"

/* Win32 error codes the benchmark reacts to, from winerror.h. */
#ifndef ERROR_SEM_TIMEOUT
#define ERROR_SEM_TIMEOUT 121
#endif
#ifndef ERROR_NOT_ENOUGH_QUOTA
#define ERROR_NOT_ENOUGH_QUOTA 1816
#endif

typedef struct w32_ep {
	HANDLE h;
} w32_ep;

static void
w32_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "\\\\.\\mailslot\\msl-bench-w32\\%s", name);
}

static void *
w32_wrap(HANDLE h, const char *what, const char *path)
{
	w32_ep *ep;

	if (h == INVALID_HANDLE_VALUE) {
		bench_warn("win32", "%s %s: error %lu", what, path,
		    (unsigned long)GetLastError());
		return NULL;
	}
	ep = malloc(sizeof(*ep));
	if (ep == NULL) {
		CloseHandle(h);
		return NULL;
	}
	ep->h = h;
	return ep;
}

static void *
w32_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	char path[BENCH_NAME_MAX + 32];

	(void)size;
	(void)writers;
	w32_path(path, sizeof(path), name);
	return w32_wrap(CreateMailslotA(path, 0, (DWORD)timeout_ms, NULL),
	    "CreateMailslotA", path);
}

static void *
w32_tx_open(const char *name)
{
	char path[BENCH_NAME_MAX + 32];

	w32_path(path, sizeof(path), name);
	return w32_wrap(CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ, NULL,
			    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL),
	    "CreateFileA", path);
}

/*
 * WriteFile and ReadFile report alike: success, one error the harness
 * treats as a soft outcome (a full queue, a read timeout), or a failure
 * worth a warning; one mapping keeps the two calls consistent.
 */
static ssize_t
w32_outcome(int ok, ssize_t done, DWORD soft_error, ssize_t soft,
    ssize_t fail, const char *call)
{
	if (ok)
		return done;
	if (GetLastError() == soft_error)
		return soft;
	bench_warn("win32", "%s: error %lu", call,
	    (unsigned long)GetLastError());
	return fail;
}

static int
w32_send(void *tx, const void *buf, size_t len)
{
	DWORD written = 0;
	int ok = WriteFile(((w32_ep *)tx)->h, buf, (DWORD)len, &written,
	    NULL) && written == (DWORD)len;

	return (int)w32_outcome(ok, BENCH_SEND_OK, ERROR_NOT_ENOUGH_QUOTA,
	    BENCH_SEND_FULL, BENCH_SEND_ERR, "WriteFile");
}

static ssize_t
w32_recv(void *rx, void *buf, size_t cap)
{
	DWORD got = 0;
	int ok = ReadFile(((w32_ep *)rx)->h, buf, (DWORD)cap, &got, NULL);

	return w32_outcome(ok, (ssize_t)got, ERROR_SEM_TIMEOUT,
	    BENCH_RECV_TIMEOUT, BENCH_RECV_ERR, "ReadFile");
}

static void
w32_close(void *p)
{
	w32_ep *ep = p;

	if (ep == NULL)
		return;
	CloseHandle(ep->h);
	free(ep);
}

const bench_mech bench_win32 = {
	.id = "win32",
	.label = "mailslot (Win32 API)",
	.na = bench_any_size,
	.rx_open = w32_rx_open,
	.tx_open = w32_tx_open,
	.send = w32_send,
	.recv = w32_recv,
	.tx_close = w32_close,
	.rx_close = w32_close,
};
