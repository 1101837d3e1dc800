/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the mailslot tool's commands share (cli.c): usage and
 * its errors, exit codes, number parsing, the clock, and signals.
 */
#ifndef MSL_CLI_H
#define MSL_CLI_H

#include <stdint.h>

#include <mailslot/mailslot.h>

/* Which step failed: the same error means another exit code at each. */
enum step { AT_CREATE, AT_OPEN, AT_WRITE, AT_OTHER };

/* usage prints the usage (to stdout for 0, else stderr) and returns code. */
int usage(int code);
/* bad_usage says what is wrong with the command line; returns EX_USAGE. */
int bad_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_fail reports the option getopt refused; returns EX_USAGE. */
int getopt_fail(const char *cmd, int c, char **argv);
/* one_name returns the one NAME operand after the options, or NULL after
 * saying it is missing (what: which mailslot, e.g. "the mailslot to
 * create") or has company; the command then returns EX_USAGE. */
const char *one_name(const char *cmd, int argc, char **argv, const char *what);
/* parse_timeout reads a --timeout value: 0, or EX_USAGE after saying why. */
int parse_timeout(const char *cmd, const char *arg, unsigned long *ms);
/* exit_code maps a library error at a step to a sysexits(3) code. */
int exit_code(mailslot_err e, enum step at);
/* fail prints "mailslot VERB NAME: reason" and returns the exit code. */
int fail(const char *verb, const char *name, mailslot_err e, enum step at);
/* parse_uint reads a decimal number up to max; returns 0 or -1. */
int parse_uint(const char *s, unsigned long max, unsigned long *out);
uint64_t now_ms(void);
/* Signals end a command cleanly: signals_catch routes INT, TERM and HUP
 * to a pipe, signal_caught returns the one caught (0: none), and die_of
 * re-raises it so the shell sees 128+N. */
int signals_catch(void);
int signal_caught(void);
int die_of(int sig);
/* The signal pipe's read end, to poll with the work. */
int signal_fd(void);

int cmd_recv(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_list(int argc, char **argv);
/* lookup.c (names, issue 13) */
int cmd_lookup(int argc, char **argv);
/* browse.c (issue 14) */
int cmd_browse(int argc, char **argv);

#endif /* MSL_CLI_H */
