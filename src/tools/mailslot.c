/* SPDX-License-Identifier: MIT */
/*
 * mailslot.c - the command-line tool: receive, send, wait for and list
 * mailslots, read mailslotd's counters, look up NetBIOS names.
 *
 * Written for scripts as much as for people: every output form keeps
 * message boundaries and lets no control byte reach a terminal (fmt.c),
 * exit codes follow sysexits(3) and 128+N for a signal, and `wait` gives
 * a start-up order that cannot race.  mailslot(1) is the reference.
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
/* ---- stats ----------------------------------------------------------------- */

static int
stats_cb(const char *name, uint64_t value, void *arg)
{
	/* *json: 0 text, 1 JSON before the first counter, 2 after it. */
	int *json = arg;
	if (*json == 0) {
		printf("%-28s %llu\n", name, (unsigned long long)value);
		return 0;
	}
	printf("%s\"%s\":%llu", *json == 1 ? "{" : ",", name, (unsigned long long)value);
	*json = 2;
	return 0;
}

static int
cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, c;
	mailslot_err e;

	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h')
			return usage(0);
		else
			return getopt_fail("stats", c, argv);
	}
	if (optind != argc)
		return bad_usage("stats", "unexpected argument '%s'", argv[optind]);
	if ((e = mailslot_daemon_stats(stats_cb, &json)) != MAILSLOT_OK)
		return fail("stats", NULL, e, AT_OTHER);
	if (json)
		printf("%s}\n", json == 1 ? "{" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{ "recv", cmd_recv }, { "send", cmd_send }, { "wait", cmd_wait },
		{ "list", cmd_list }, { "stats", cmd_stats },
		/* names (issue 13) */
		{ "lookup", cmd_lookup },
		/* issue 14 */
		{ "browse", cmd_browse },
	};

	if (argc < 2)
		return bad_usage(NULL, "missing command: recv, send, wait, list, stats, lookup or browse");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
		return usage(0);
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("mailslot %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
		    MAILSLOT_VERSION_PATCH);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return bad_usage(NULL, "unknown option '%s' (options go after the command)", cmd);
	return bad_usage(NULL, "unknown command '%s': use recv, send, wait, list, stats, lookup or browse", cmd);
}

