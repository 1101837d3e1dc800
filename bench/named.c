/* SPDX-License-Identifier: MIT */
/*
 * named.c - endpoints whose name outlives a killed process (a POSIX queue,
 * a FIFO node, a shared-memory object, a socket file): where the name
 * lives, opening by it, closing, and removing what a killed reader left.
 * The peers that have such names share this instead of each repeating it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

void
bench_named_path(const bench_naming *nm, const char *tag, char *out, size_t cap)
{
	const char *dir = getenv("TMPDIR");

	if (!nm->in_tmpdir)
		dir = "";
	else if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(out, cap, "%s/msl-bench-%s%s%s", dir, nm->prefix, tag, nm->suffix);
}

void *
bench_named_new(size_t size, const bench_naming *nm, const char *tag, int owner)
{
	bench_named *ep = size >= sizeof(*ep) ? calloc(1, size) : NULL;

	if (ep == NULL)
		return NULL;
	ep->naming = nm;
	ep->fd = -1;
	ep->owner = owner;
	bench_named_path(nm, tag, ep->path, sizeof(ep->path));
	/* A reader starts from a clean name: a killed run may have left it. */
	if (owner)
		(void)nm->remove(ep->path);
	return ep;
}

void *
bench_named_fail(void *p, const char *what)
{
	bench_named *ep = p;

	bench_warn(ep->naming->id, "%s %s: %s", what, ep->path, strerror(errno));
	bench_named_close(ep);
	return NULL;
}

void *
bench_named_tx_open(const bench_naming *nm, const char *tag)
{
	bench_named *ep = bench_named_new(sizeof(*ep), nm, tag, 0);

	if (ep != NULL && (ep->fd = nm->open(ep->path, O_WRONLY | O_CLOEXEC)) < 0)
		return bench_named_fail(ep, "open");
	return ep;
}

void
bench_named_close(void *p)
{
	bench_named *ep = p;

	if (ep == NULL)
		return;
	if (ep->fd >= 0 && ep->naming->close != NULL)
		ep->naming->close(ep->fd);
	if (ep->owner)
		(void)ep->naming->remove(ep->path);
	free(ep);
}

void
bench_named_forget(const bench_mech *m, const char *tag)
{
	char path[BENCH_NAMED_PATH];

	if (m->naming == NULL)
		return;
	bench_named_path(m->naming, tag, path, sizeof(path));
	(void)m->naming->remove(path);
}
