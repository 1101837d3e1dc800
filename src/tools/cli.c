/* SPDX-License-Identifier: MIT */
/*
 * cli.c - what the commands share: usage, exit codes, parsing, signals.
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

static const char usage_text[] =
    "usage: mailslot recv NAME [-c N] [-t MS] [--format FORM | -j | --raw | -0]\n"
    "                          [-m BYTES] [-a any|user|group] [-l]\n"
    "       mailslot send NAME [MESSAGE...] [-d DATA]... [-f FILE]... [-0 | --raw]\n"
    "       mailslot wait NAME [-t MS]\n"
    "       mailslot list [-o COLUMNS] [-j] [-n]\n"
    "       mailslot stats [-j]\n"
    "       mailslot lookup NAME[#XX] | IP [-B ADDR | -U IP] [-A] [-j] [-t MS] [-s SCOPE]\n"
    "       mailslot browse [-t MS] [-w WORKGROUP]... [-n] [-j]\n"
    "       mailslot -h | --help | -V | --version\n"
    "\n"
    "NAME is \\\\.\\mailslot\\x, //./mailslot/x or just x for a local mailslot.\n"
    "send also takes \\\\Computer\\mailslot\\x, \\\\Domain\\mailslot\\x and \\\\*\\mailslot\\x:\n"
    "those put NetBIOS datagrams on the LAN (through mailslotd), at most 424\n"
    "bytes each.\n"
    "\n"
    "recv  creates the mailslot and prints each message, one per line:\n"
    "  -c, --count N      stop after N messages (default: until interrupted)\n"
    "  -t, --timeout MS   fail (exit 75) when no message arrives for MS ms\n"
    "      --format FORM  text (default: non-printable bytes as \\n, \\xHH...),\n"
    "                     quoted (\"C strings\", ASCII, nothing dropped), hex,\n"
    "                     json (size, sender, base64, data), raw (4-byte\n"
    "                     big-endian length, then the bytes), nul\n"
    "  -j, --json         --format json;  --raw  --format raw\n"
    "  -0, --null         --format nul: the bytes, then a NUL, per message\n"
    "  -m, --max-size B   refuse messages above B bytes\n"
    "  -a, --access WHO   who may write: any (default), user or group\n"
    "  -l, --local-only   refuse messages relayed from the network\n"
    "send  writes each MESSAGE, -d DATA and -f FILE (a whole file, - for stdin)\n"
    "      as one message; with none of them, standard input: one message per\n"
    "      line, per NUL-terminated record with -0, or per length-prefixed\n"
    "      record (as recv --raw writes them) with --raw.\n"
    "wait  returns once the mailslot exists (exit 75 after -t MS).\n"
    "list  shows the local mailslots; -o picks columns (-o help lists them),\n"
    "      -j prints JSON, -n leaves out the header.\n"
    "stats shows the counters of this host's mailslotd.\n"
    "lookup asks who holds the NetBIOS name NAME (suffix XX in hex, default 00)\n"
    "      by broadcast on every interface, and prints each address and type:\n"
    "  -B, --broadcast ADDR  broadcast to ADDR only\n"
    "  -U, --server IP    ask the name server (WINS) at IP instead\n"
    "  -A, --status       list the names each node holds (node status); with\n"
    "                     an IP, ask that node directly, as nbtstat -A does\n"
    "  -j, --json         one JSON object;  -t, --timeout MS (default 1000)\n"
    "  -s, --scope SCOPE  the NetBIOS scope (default: netbios scope)\n"
    "browse lists the hosts and workgroups that announce themselves ([MS-BRWS]),\n"
    "      heard for -t MS (default 30000) after asking the workgroup (and each\n"
    "      -w WORKGROUP; -n: do not ask) to announce; -j prints JSON.\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 65 bad name or size, 66 no such mailslot (or\n"
    "it closed), 68 unknown host, 69 mailslotd or the network unavailable,\n"
    "70 internal error, 71 system error, 73 the mailslot already exists,\n"
    "74 output error, 75 timeout or mailslot full, 77 access denied,\n"
    "128+N killed by signal N.\n";

int
usage(int code)
{
	fputs(usage_text, code == 0 ? stdout : stderr);
	return code;
}

/* bad_usage says what is wrong with the command line, then where to read
 * more: the whole usage text would bury the reason. */

int
bad_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mailslot: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mailslot --help' for more information.\n");
	return EX_USAGE;
}

/* getopt_fail turns getopt's '?' or ':' into a sentence. */
int
getopt_fail(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	if (c == ':')
		return bad_usage(cmd, "option '%s' needs a value", arg);
	if (optopt != 0)
		return bad_usage(cmd, "unknown option '-%c'", optopt);
	return bad_usage(cmd, "unknown option '%s'", arg);
}

/* one_name checks that exactly one operand, the NAME, follows the options. */
const char *
one_name(const char *cmd, int argc, char **argv, const char *what)
{
	if (optind == argc) {
		bad_usage(cmd, "missing NAME, %s", what);
		return NULL;
	}
	if (optind + 1 != argc) {
		bad_usage(cmd, "one NAME only ('%s' is extra)", argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

/* parse_timeout reads --timeout's milliseconds (below the "forever" value). */
int
parse_timeout(const char *cmd, const char *arg, unsigned long *ms)
{
	if (parse_uint(arg, UINT32_MAX - 1, ms) != 0)
		return bad_usage(cmd, "--timeout needs milliseconds, not '%s'", arg);
	return 0;
}

/* What a failed call was doing: the same library error means different
 * things at different steps (BADNETPATH at open is an unknown host, at
 * write a message too large for a datagram). */

/* exit_code maps a library error to sysexits(3). */
int
exit_code(mailslot_err e, enum step at)
{
	switch (e) {
	case MAILSLOT_OK:
		return EX_OK;
	case MAILSLOT_E_BADNAME:
	case MAILSLOT_E_NULLNAME:
	case MAILSLOT_E_NAMELEN:
	case MAILSLOT_E_MSGSIZE:
	case MAILSLOT_E_INVAL:
		return EX_DATAERR;
	case MAILSLOT_E_BADNETPATH:
		return at == AT_OPEN ? EX_NOHOST : EX_DATAERR;
	case MAILSLOT_E_NETWORK:
		return at == AT_OPEN ? EX_NOHOST : EX_UNAVAILABLE;
	case MAILSLOT_E_NOTFOUND:
	case MAILSLOT_E_GONE:
		/* For a script both say the same: nobody reads that name. */
		return EX_NOINPUT;
	case MAILSLOT_E_EXISTS:
		return EX_CANTCREAT;
	case MAILSLOT_E_NODAEMON:
	case MAILSLOT_E_NOTSUP:
		return EX_UNAVAILABLE;
	case MAILSLOT_E_TIMEOUT:
	case MAILSLOT_E_FULL:
		return EX_TEMPFAIL;
	case MAILSLOT_E_ACCESS:
		return EX_NOPERM;
	case MAILSLOT_E_SYS:
	case MAILSLOT_E_NOMEM:
		return EX_OSERR;
	default:
		return EX_SOFTWARE;
	}
}

/* fail prints "mailslot: VERB NAME: reason (WIN32_SYMBOL)"; the Win32
 * symbol helps people porting code match the failure. */
int
fail(const char *verb, const char *name, mailslot_err e, enum step at)
{
	fprintf(stderr, "mailslot: %s%s%s: %s (%s)\n", verb, name ? " " : "", name ? name : "",
	    mailslot_strerror(e), mailslot_win32_error_name(e));
	return exit_code(e, at);
}

int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0' || v > max || s[0] == '-' || s[0] == '+')
		return -1;
	*out = v;
	return 0;
}

uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- signals --------------------------------------------------------------
 * recv and wait end cleanly on SIGINT, SIGTERM and SIGHUP, then die of the
 * same signal, so that the shell sees 128+N as for any other tool.  The
 * handler only writes the number to a pipe that the main loop polls: it
 * may run on any thread, the library's included. */
static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	(void)!write(sig_pipe[1], &b, 1);
	errno = saved;
}

int
signals_catch(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	struct sigaction sa = { .sa_handler = on_signal }, old;
	sigemptyset(&sa.sa_mask);
	/* A signal ignored at start stays ignored (nohup, a script's
	 * background job), as shells and other tools keep it. */
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	return 0;
}

/* signal_caught returns the signal that arrived, or 0. */
int
signal_caught(void)
{
	unsigned char b;
	return read(sig_pipe[0], &b, 1) == 1 ? b : 0;
}

/* die_of ends the process by sig with the default action; the return is
 * for the impossible case that the signal does not kill. */
int
die_of(int sig)
{
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}


int
signal_fd(void)
{
	return sig_pipe[0];
}
