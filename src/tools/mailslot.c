/*
 * mailslot.c - the command-line tool: send, receive and list mailslots.
 *
 * Exit codes follow sysexits(3) so scripts can tell a usage error from a
 * missing mailslot from a timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <mailslot/mailslot.h>

static const char usage_text[] =
    "usage: mailslot recv NAME [--count N] [--timeout MS] [--json]\n"
    "                          [--max-size BYTES] [--access any|user|group] [--local-only]\n"
    "       mailslot send NAME [MESSAGE...]\n"
    "       mailslot list [--json]\n"
    "       mailslot stats [--json]\n"
    "       mailslot --help | --version\n"
    "\n"
    "NAME is \\\\.\\mailslot\\x, //./mailslot/x or just x for a local mailslot;\n"
    "send also takes \\\\Computer\\mailslot\\x, \\\\Domain\\mailslot\\x and \\\\*\\mailslot\\x.\n"
    "\n"
    "recv  creates the mailslot and prints each message: as text, one per line,\n"
    "      or with --json one object per line with size, sender and data.\n"
    "      --count N stops after N messages (default: run until interrupted);\n"
    "      --timeout MS fails with exit 75 if no message arrives in time.\n"
    "send  writes each MESSAGE as one message; with none, each line of\n"
    "      standard input is one message.\n"
    "list  shows the local mailslots, their owners and queued messages.\n"
    "stats shows mailslotd's counters: datagrams received, delivered and\n"
    "      dropped by reason (needs mailslotd running on this host).\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 65 bad name or size, 66 no such mailslot,\n"
    "69 mailslot exists or network unavailable, 75 timeout or mailslot full,\n"
    "77 access denied, 70/71 internal or system error.\n";

static int
usage(int code)
{
	fputs(usage_text, code == 0 ? stdout : stderr);
	return code;
}

/* exit_code maps a library error to sysexits(3). */
static int
exit_code(mailslot_err e)
{
	switch (e) {
	case MAILSLOT_OK:
		return EX_OK;
	case MAILSLOT_E_BADNAME:
	case MAILSLOT_E_NULLNAME:
	case MAILSLOT_E_NAMELEN:
	case MAILSLOT_E_MSGSIZE:
	case MAILSLOT_E_BADNETPATH:
		return EX_DATAERR;
	case MAILSLOT_E_NOTFOUND:
		return EX_NOINPUT;
	case MAILSLOT_E_EXISTS:
	case MAILSLOT_E_NETWORK:
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

static int
fail(const char *verb, const char *name, mailslot_err e)
{
	/* The Win32 symbol helps people porting code match the failure. */
	fprintf(stderr, "mailslot: %s %s: %s (%s)\n", verb, name, mailslot_strerror(e),
	    mailslot_win32_error_name(e));
	return exit_code(e);
}

/* json_string prints bytes as a JSON string; invalid UTF-8 becomes \u00XX. */
static void
json_string(const unsigned char *p, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		int valid = len > 1 && i + len <= n;
		for (size_t k = 1; valid && k < len; k++)
			valid = (p[i + k] & 0xc0) == 0x80;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !valid))
			printf("\\u%04x", c);
		else if (c >= 0x80) {
			fwrite(p + i, 1, len, stdout);
			i += len - 1;
		} else
			putchar((int)c);
	}
	putchar('"');
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0' || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int
cmd_recv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "access", required_argument, NULL, 'a' },
		{ "local-only", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, timeout = MAILSLOT_WAIT_FOREVER, v;
	int json = 0, c;
	mailslot_options o;
	mailslot_server *s;
	mailslot_err e;

	mailslot_options_init(&o);
	while ((c = getopt_long(argc, argv, "c:t:jm:a:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint(optarg, ULONG_MAX, &count) != 0)
				return fprintf(stderr, "mailslot: --count needs a number\n"), EX_USAGE;
			break;
		case 't':
			if (parse_uint(optarg, UINT32_MAX - 1, &timeout) != 0)
				return fprintf(stderr, "mailslot: --timeout needs milliseconds\n"), EX_USAGE;
			break;
		case 'j':
			json = 1;
			break;
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &v) != 0)
				return fprintf(stderr, "mailslot: --max-size needs bytes\n"), EX_USAGE;
			o.max_message_size = (uint32_t)v;
			break;
		case 'a':
			if (strcmp(optarg, "any") == 0)
				o.access = MAILSLOT_ACCESS_ANY;
			else if (strcmp(optarg, "user") == 0)
				o.access = MAILSLOT_ACCESS_USER;
			else if (strcmp(optarg, "group") == 0)
				o.access = MAILSLOT_ACCESS_GROUP;
			else
				return fprintf(stderr, "mailslot: --access is any, user or group\n"), EX_USAGE;
			break;
		case 'l':
			o.flags |= MAILSLOT_LOCAL_ONLY;
			break;
		case 'h':
			return usage(0);
		default:
			return usage(EX_USAGE);
		}
	}
	if (optind + 1 != argc)
		return usage(EX_USAGE);
	const char *name = argv[optind];
	if ((e = mailslot_create(name, &o, &s)) != MAILSLOT_OK)
		return fail("recv", name, e);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	size_t cap = 65536;
	unsigned char *buf = malloc(cap);
	unsigned long got = 0;
	int rc = EX_OK;
	while (buf != NULL && !stop_flag && (count == 0 || got < count)) {
		size_t n;
		mailslot_msginfo mi;
		/* Short waits so a signal ends the loop promptly. */
		uint32_t slice = timeout == MAILSLOT_WAIT_FOREVER || timeout > 200 ? 200 : (uint32_t)timeout;
		e = mailslot_read_for(s, buf, cap, &n, &mi, slice);
		if (e == MAILSLOT_E_TIMEOUT) {
			if (timeout != MAILSLOT_WAIT_FOREVER) {
				if (timeout <= slice) {
					rc = fail("recv", name, e);
					break;
				}
				timeout -= slice;
			}
			continue;
		}
		if (e == MAILSLOT_E_BUFSIZE) {
			unsigned char *nb = realloc(buf, n);
			if (nb == NULL)
				break;
			buf = nb;
			cap = n;
			continue;
		}
		if (e != MAILSLOT_OK) {
			rc = fail("recv", name, e);
			break;
		}
		got++;
		if (json) {
			printf("{\"size\":%zu,", n);
			if (mi.remote) {
				char ip[INET_ADDRSTRLEN];
				struct in_addr a = { .s_addr = mi.src_ip };
				inet_ntop(AF_INET, &a, ip, sizeof ip);
				printf("\"sender\":{\"remote\":true,\"ip\":\"%s\",\"port\":%u,\"name\":", ip,
				    (unsigned)mi.src_port);
				json_string((const unsigned char *)mi.src_name, strlen(mi.src_name));
				printf("},");
			} else {
				printf("\"sender\":{\"remote\":false,\"pid\":%d,\"uid\":%u},", (int)mi.pid,
				    (unsigned)mi.uid);
			}
			printf("\"data\":");
			json_string(buf, n);
			printf("}\n");
		} else {
			/* Windows writers often send zero-padded buffers: print the text. */
			size_t len = n;
			while (len > 0 && buf[len - 1] == '\0')
				len--;
			fwrite(buf, 1, len, stdout);
			if (len == 0 || buf[len - 1] != '\n')
				putchar('\n');
		}
		fflush(stdout);
	}
	free(buf);
	mailslot_close(s);
	return rc;
}

static int
send_one(mailslot_client *c, const char *name, const char *msg, size_t len)
{
	mailslot_err e = mailslot_write(c, msg, len);
	return e == MAILSLOT_OK ? 0 : fail("send", name, e);
}

static int
cmd_send(int argc, char **argv)
{
	mailslot_client *c;
	mailslot_err e;
	int rc = 0;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(0);
	if (argc < 2)
		return usage(EX_USAGE);
	const char *name = argv[1];
	if ((e = mailslot_open(name, &c)) != MAILSLOT_OK)
		return fail("send", name, e);
	if (argc > 2) {
		for (int i = 2; i < argc && rc == 0; i++)
			rc = send_one(c, name, argv[i], strlen(argv[i]));
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
			if (n > 0 && line[n - 1] == '\n')
				line[--n] = '\0';
			rc = send_one(c, name, line, (size_t)n);
		}
		free(line);
	}
	mailslot_client_close(c);
	return rc;
}

static int
list_cb(const mailslot_entry *e, void *arg)
{
	int json = *(int *)arg;
	struct passwd *pw = getpwuid(e->uid);
	static const char *acc[] = { "any", "user", "group" };
	const char *a = (unsigned)e->access < 3 ? acc[e->access] : "?";
	if (json) {
		printf("{\"name\":");
		json_string((const unsigned char *)e->name, strlen(e->name));
		printf(",\"pid\":%d,\"uid\":%u,\"user\":\"%s\",\"count\":%u,\"max_size\":%u,"
		       "\"access\":\"%s\",\"remote\":%s}\n",
		    (int)e->pid, (unsigned)e->uid, pw ? pw->pw_name : "", e->count,
		    e->max_message_size, a, (e->flags & MAILSLOT_LOCAL_ONLY) ? "false" : "true");
	} else {
		printf("%-40s %7d %-10s %7u %8u %-6s %s\n", e->name, (int)e->pid,
		    pw ? pw->pw_name : "?", e->count, e->max_message_size, a,
		    (e->flags & MAILSLOT_LOCAL_ONLY) ? "no" : "yes");
	}
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	mailslot_err e;
	if (argc > 1 && !json)
		return usage(strcmp(argv[1], "--help") == 0 ? 0 : EX_USAGE);
	if (!json)
		printf("%-40s %7s %-10s %7s %8s %-6s %s\n", "NAME", "PID", "USER", "QUEUED", "MAXSIZE",
		    "ACCESS", "REMOTE");
	if ((e = mailslot_list(list_cb, &json)) != MAILSLOT_OK)
		return fail("list", "", e);
	return 0;
}

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
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	mailslot_err e;
	if (argc > 1 && !json)
		return usage(strcmp(argv[1], "--help") == 0 ? 0 : EX_USAGE);
	if ((e = mailslot_daemon_stats(stats_cb, &json)) != MAILSLOT_OK)
		return fail("stats", "", e);
	if (json)
		printf("%s}\n", json == 1 ? "{" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return usage(EX_USAGE);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(0);
	if (strcmp(argv[1], "--version") == 0) {
		printf("mailslot %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
		    MAILSLOT_VERSION_PATCH);
		return 0;
	}
	if (strcmp(argv[1], "recv") == 0)
		return cmd_recv(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") == 0)
		return cmd_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	fprintf(stderr, "mailslot: unknown command '%s'\n", argv[1]);
	return usage(EX_USAGE);
}
