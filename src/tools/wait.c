/* SPDX-License-Identifier: MIT */
/*
 * wait.c - `mailslot wait`: return once a mailslot exists, so that scripts never race its creation.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <mailslot/mailslot.h>

#include "fmt.h"
#include "../net/dgram.h"
#include "cli.h"
/* ---- wait ------------------------------------------------------------------ */

int
cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t deadline = UINT64_MAX;
	unsigned long v;
	mailslot_name n;
	mailslot_err e;
	int c, sig;

	while ((c = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		if (c == 't') {
			if (parse_timeout("wait", optarg, &v) != 0)
				return EX_USAGE;
			deadline = now_ms() + v;
		} else if (c == 'h') {
			return usage(0);
		} else {
			return getopt_fail("wait", c, argv);
		}
	}
	const char *name = one_name("wait", argc, argv, "the mailslot to wait for");
	if (name == NULL)
		return EX_USAGE;
	if ((e = mailslot_name_parse(name, 1, &n)) != MAILSLOT_OK)
		return fail("wait", name, e, AT_OTHER);
	if (n.scope != MAILSLOT_SCOPE_LOCAL)
		return bad_usage("wait", "'%s' is remote: only a local mailslot can be waited for", name);
	if (signals_catch() != 0)
		return fail("wait", name, MAILSLOT_E_SYS, AT_OTHER);
	/*
	 * The mailslot exists once a writer can open it: that is the very step
	 * a later `send` takes, so success here means send will find it.  The
	 * name has no event to wait on, so poll it, backing off to 20 ms.
	 */
	for (int pause = 1;; pause = pause < 20 ? pause * 2 : 20) {
		mailslot_client *cl;
		e = mailslot_open(name, &cl);
		if (e == MAILSLOT_OK) {
			mailslot_client_close(cl);
			return EX_OK;
		}
		if (e == MAILSLOT_E_ACCESS)
			return EX_OK; /* it exists; this user may not write to it */
		if (e != MAILSLOT_E_NOTFOUND)
			return fail("wait", name, e, AT_OPEN);
		uint64_t t = now_ms();
		if (t >= deadline)
			return fail("wait", name, MAILSLOT_E_TIMEOUT, AT_OTHER);
		struct pollfd p = { .fd = signal_fd(), .events = POLLIN };
		int ms = deadline - t < (uint64_t)pause ? (int)(deadline - t) : pause;
		if (poll(&p, 1, ms) > 0 && (sig = signal_caught()) != 0)
			return die_of(sig);
	}
}

