/* SPDX-License-Identifier: MIT */
/*
 * toolmain.h - the command dispatch the daemon tests' helper programs
 * (nbtool.c, scaletool.c) share: "TOOL COMMAND ARGS..." runs the command
 * with its own arguments, and anything else prints the usage, so that
 * each program lists its commands once, as a table.
 */
#ifndef TOOLMAIN_H
#define TOOLMAIN_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* One command: its name and what runs it, given argv from the name on. */
struct tool_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* tool_usage prints one command's usage line to stderr and returns 2, the
 * tools' usage status, so a command's argument check is one statement. */
static inline int
tool_usage(const char *line)
{
	fprintf(stderr, "usage: %s\n", line);
	return 2;
}

/* tool_main runs the command of cmds (n of them) that argv[1] names; with
 * none or an unknown one it prints usage to stderr and returns 2, the
 * tools' usage status. */
static inline int
tool_main(const struct tool_cmd *cmds, size_t n, const char *usage, int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < n; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fputs(usage, stderr);
	return 2;
}

#endif /* TOOLMAIN_H */
