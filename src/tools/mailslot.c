/*
 * mailslot.c - the command-line tool: receive, send, wait for and list
 * mailslots, and read mailslotd's counters.
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

static const char usage_text[] =
    "usage: mailslot recv NAME [-c N] [-t MS] [--format FORM | -j | --raw | -0]\n"
    "                          [-m BYTES] [-a any|user|group] [-l]\n"
    "       mailslot send NAME [MESSAGE...] [-d DATA]... [-f FILE]... [-0 | --raw]\n"
    "       mailslot wait NAME [-t MS]\n"
    "       mailslot list [-o COLUMNS] [-j] [-n]\n"
    "       mailslot stats [-j]\n"
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
    "\n"
    "Exit status: 0 ok, 64 usage, 65 bad name or size, 66 no such mailslot (or\n"
    "it closed), 68 unknown host, 69 mailslotd or the network unavailable,\n"
    "70 internal error, 71 system error, 73 the mailslot already exists,\n"
    "74 output error, 75 timeout or mailslot full, 77 access denied,\n"
    "128+N killed by signal N.\n";

static int
usage(int code)
{
	fputs(usage_text, code == 0 ? stdout : stderr);
	return code;
}

/* bad_usage says what is wrong with the command line, then where to read
 * more: the whole usage text would bury the reason. */
static int
bad_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
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
static int
getopt_fail(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	if (c == ':')
		return bad_usage(cmd, "option '%s' needs a value", arg);
	if (optopt != 0)
		return bad_usage(cmd, "unknown option '-%c'", optopt);
	return bad_usage(cmd, "unknown option '%s'", arg);
}

/* What a failed call was doing: the same library error means different
 * things at different steps (BADNETPATH at open is an unknown host, at
 * write a message too large for a datagram). */
enum step { AT_CREATE, AT_OPEN, AT_WRITE, AT_OTHER };

/* exit_code maps a library error to sysexits(3). */
static int
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
static int
fail(const char *verb, const char *name, mailslot_err e, enum step at)
{
	fprintf(stderr, "mailslot: %s%s%s: %s (%s)\n", verb, name ? " " : "", name ? name : "",
	    mailslot_strerror(e), mailslot_win32_error_name(e));
	return exit_code(e, at);
}

static int
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

static uint64_t
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

static int
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
static int
signal_caught(void)
{
	unsigned char b;
	return read(sig_pipe[0], &b, 1) == 1 ? b : 0;
}

/* die_of ends the process by sig with the default action; the return is
 * for the impossible case that the signal does not kill. */
static int
die_of(int sig)
{
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}

/* ---- recv ------------------------------------------------------------------ */

struct recv_opts {
	unsigned long count;
	uint32_t timeout; /* per message, or MAILSLOT_WAIT_FOREVER */
	enum fmt_kind form;
};

static void
print_json(const unsigned char *buf, size_t n, const mailslot_msginfo *mi)
{
	printf("{\"size\":%zu,", n);
	if (mi->remote) {
		char ip[INET_ADDRSTRLEN];
		struct in_addr a = { .s_addr = mi->src_ip };
		const unsigned char *nm = (const unsigned char *)mi->src_name;
		size_t nlen = strnlen(mi->src_name, sizeof mi->src_name);
		inet_ntop(AF_INET, &a, ip, sizeof ip);
		printf("\"sender\":{\"remote\":true,\"ip\":\"%s\",\"port\":%u,\"name\":", ip,
		    (unsigned)mi->src_port);
		fmt_json_bytes(stdout, nm, nlen);
		printf(",\"name_base64\":\"");
		fmt_base64(stdout, nm, nlen);
		printf("\"},");
	} else {
		printf("\"sender\":{\"remote\":false,\"pid\":%d,\"uid\":%u,\"gid\":%u},", (int)mi->pid,
		    (unsigned)mi->uid, (unsigned)mi->gid);
	}
	printf("\"base64\":\"");
	fmt_base64(stdout, buf, n);
	printf("\",\"data\":");
	fmt_json_bytes(stdout, buf, n);
	printf("}\n");
}

/*
 * recv_wait waits until a message may be read, a signal arrives (*sig) or
 * the deadline passes (returns 0); it returns 1 when the mailslot is
 * readable.
 */
static int
recv_wait(mailslot_server *s, uint64_t deadline, int *sig)
{
	struct pollfd p[2] = { { .fd = mailslot_fd(s), .events = POLLIN },
		{ .fd = sig_pipe[0], .events = POLLIN } };
	for (;;) {
		int ms = -1;
		if (deadline != UINT64_MAX) {
			uint64_t t = now_ms();
			ms = t >= deadline ? 0 : deadline - t > INT_MAX ? INT_MAX : (int)(deadline - t);
		}
		int r = poll(p, 2, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (p[1].revents && (*sig = signal_caught()) != 0)
			return 0;
		if (r <= 0)
			return r < 0 ? 1 : 0; /* poll failing: let the read say why */
		if (p[0].revents)
			return 1;
	}
}

static int
recv_loop(mailslot_server *s, const char *name, const struct recv_opts *ro)
{
	size_t cap = 65536;
	unsigned char *buf = malloc(cap);
	unsigned long got = 0;
	int rc = EX_OK, sig = 0;
	uint64_t deadline = ro->timeout == MAILSLOT_WAIT_FOREVER ? UINT64_MAX : now_ms() + ro->timeout;

	if (buf == NULL)
		return fail("recv", name, MAILSLOT_E_NOMEM, AT_OTHER);
	while (ro->count == 0 || got < ro->count) {
		size_t n;
		mailslot_msginfo mi;
		mailslot_err e = mailslot_read_for(s, buf, cap, &n, &mi, 0);
		if (e == MAILSLOT_E_TIMEOUT) {
			if (recv_wait(s, deadline, &sig))
				continue;
			if (sig == 0)
				rc = fail("recv", name, e, AT_OTHER);
			break;
		}
		if (e == MAILSLOT_E_BUFSIZE) {
			unsigned char *nb = realloc(buf, n);
			if (nb == NULL) {
				rc = fail("recv", name, MAILSLOT_E_NOMEM, AT_OTHER);
				break;
			}
			buf = nb;
			cap = n;
			continue;
		}
		if (e != MAILSLOT_OK) {
			rc = fail("recv", name, e, AT_OTHER);
			break;
		}
		got++;
		if (ro->form == FMT_JSON)
			print_json(buf, n, &mi);
		else
			fmt_message(stdout, ro->form, buf, n);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "mailslot: recv %s: writing the output: %s\n", name, strerror(errno));
			rc = EX_IOERR;
			break;
		}
		if (ro->timeout != MAILSLOT_WAIT_FOREVER)
			deadline = now_ms() + ro->timeout;
	}
	free(buf);
	mailslot_close(s);
	return sig != 0 ? die_of(sig) : rc;
}

static int
cmd_recv(int argc, char **argv)
{
	enum { OPT_FORMAT = 256, OPT_RAW };
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "null", no_argument, NULL, '0' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "access", required_argument, NULL, 'a' },
		{ "local-only", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct recv_opts ro = { .count = 0, .timeout = MAILSLOT_WAIT_FOREVER, .form = FMT_TEXT };
	unsigned long v;
	int c;
	mailslot_options o;
	mailslot_server *s;
	mailslot_err e;

	mailslot_options_init(&o);
	while ((c = getopt_long(argc, argv, ":c:t:j0m:a:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint(optarg, ULONG_MAX, &ro.count) != 0)
				return bad_usage("recv", "--count needs a number, not '%s'", optarg);
			break;
		case 't':
			if (parse_uint(optarg, UINT32_MAX - 1, &v) != 0)
				return bad_usage("recv", "--timeout needs milliseconds, not '%s'", optarg);
			ro.timeout = (uint32_t)v;
			break;
		case OPT_FORMAT:
			if (fmt_parse(optarg, &ro.form) != 0)
				return bad_usage("recv", "--format is text, quoted, hex, json, raw or nul, not '%s'", optarg);
			break;
		case 'j':
			ro.form = FMT_JSON;
			break;
		case OPT_RAW:
			ro.form = FMT_RAW;
			break;
		case '0':
			ro.form = FMT_NUL;
			break;
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &v) != 0)
				return bad_usage("recv", "--max-size needs bytes, not '%s'", optarg);
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
				return bad_usage("recv", "--access is any, user or group, not '%s'", optarg);
			break;
		case 'l':
			o.flags |= MAILSLOT_LOCAL_ONLY;
			break;
		case 'h':
			return usage(0);
		default:
			return getopt_fail("recv", c, argv);
		}
	}
	if (optind == argc)
		return bad_usage("recv", "missing NAME, the mailslot to create");
	if (optind + 1 != argc)
		return bad_usage("recv", "one NAME only ('%s' is extra)", argv[optind + 1]);
	const char *name = argv[optind];
	if (signals_catch() != 0)
		return fail("recv", name, MAILSLOT_E_SYS, AT_OTHER);
	if ((e = mailslot_create(name, &o, &s)) != MAILSLOT_OK)
		return fail("recv", name, e, AT_CREATE);
	return recv_loop(s, name, &ro);
}

/* ---- send ------------------------------------------------------------------ */

/* How standard input is cut into messages when no message is given. */
enum input { IN_LINES, IN_NUL, IN_RAW };

struct sender {
	mailslot_client *c;
	const char *name;
	int remote;
	size_t limit; /* the datagram limit for a remote name */
};

static int
send_one(struct sender *sd, const void *msg, size_t len)
{
	mailslot_err e = mailslot_write(sd->c, msg, len);
	if (e == MAILSLOT_OK)
		return 0;
	/* A remote write's size limit is the datagram's, which the library's
	 * generic sentence does not say. */
	if (sd->remote && (e == MAILSLOT_E_MSGSIZE || e == MAILSLOT_E_BADNETPATH) && len > sd->limit) {
		fprintf(stderr, "mailslot: send %s: a message of %zu bytes does not fit in one "
		    "network datagram (at most %zu bytes for this name) (%s)\n",
		    sd->name, len, sd->limit, mailslot_win32_error_name(e));
		return EX_DATAERR;
	}
	return fail("send", sd->name, e, AT_WRITE);
}

/* read_all reads all of f into *buf (malloc'd), its size into *len. */
static int
read_all(FILE *f, unsigned char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	unsigned char *b = malloc(cap);
	while (b != NULL) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		unsigned char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
		if (nb == NULL) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	if (b == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (ferror(f)) {
		free(b);
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int
send_file(struct sender *sd, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	unsigned char *buf;
	size_t len;
	int rc;

	if (f == NULL || read_all(f, &buf, &len) != 0) {
		fprintf(stderr, "mailslot: send %s: %s: %s\n", sd->name, path, strerror(errno));
		if (f != NULL && f != stdin)
			fclose(f);
		return EX_NOINPUT;
	}
	if (f != stdin)
		fclose(f);
	rc = send_one(sd, buf, len);
	free(buf);
	return rc;
}

/* send_raw sends stdin's length-prefixed records, as recv --raw writes. */
static int
send_raw(struct sender *sd)
{
	unsigned char hdr[4];
	size_t got;
	int rc = 0;

	while (rc == 0 && (got = fread(hdr, 1, sizeof hdr, stdin)) == sizeof hdr) {
		size_t len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
		unsigned char *buf = malloc(len ? len : 1);
		if (buf == NULL)
			return fail("send", sd->name, MAILSLOT_E_NOMEM, AT_OTHER);
		if (fread(buf, 1, len, stdin) != len)
			got = 1; /* a record cut short */
		else
			rc = send_one(sd, buf, len);
		free(buf);
		if (got == 1)
			break;
	}
	if (rc == 0 && got != 0) {
		fprintf(stderr, "mailslot: send %s: standard input ends inside a record\n", sd->name);
		return EX_DATAERR;
	}
	return rc;
}

/* send_split sends each line (or NUL-terminated record) of stdin. */
static int
send_split(struct sender *sd, int delim)
{
	char *rec = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getdelim(&rec, &cap, delim, stdin)) >= 0) {
		if (n > 0 && rec[n - 1] == (char)delim)
			n--;
		rc = send_one(sd, rec, (size_t)n);
	}
	free(rec);
	return rc;
}

/* The messages given on the command line, in the order given. */
struct send_item {
	int file; /* 0: data, 1: a file's path */
	const char *arg;
};

static int
cmd_send(int argc, char **argv)
{
	enum { OPT_RAW = 256 };
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "null", no_argument, NULL, '0' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct send_item *items = calloc((size_t)argc, sizeof *items);
	size_t nitems = 0;
	enum input in = IN_LINES;
	mailslot_name parsed;
	struct sender sd = { 0 };
	mailslot_err e;
	int c, rc = 0;

	if (items == NULL)
		return fail("send", NULL, MAILSLOT_E_NOMEM, AT_OTHER);
	while ((c = getopt_long(argc, argv, ":d:f:0h", opts, NULL)) != -1) {
		if (c == 'd' || c == 'f') {
			items[nitems++] = (struct send_item){ c == 'f', optarg };
		} else if (c == '0') {
			in = IN_NUL;
		} else if (c == OPT_RAW) {
			in = IN_RAW;
		} else if (c == 'h') {
			free(items);
			return usage(0);
		} else {
			free(items);
			return getopt_fail("send", c, argv);
		}
	}
	if (optind == argc) {
		free(items);
		return bad_usage("send", "missing NAME, the mailslot to write to");
	}
	sd.name = argv[optind++];
	for (int i = optind; i < argc; i++)
		items[nitems++] = (struct send_item){ 0, argv[i] };
	if (mailslot_name_parse(sd.name, 1, &parsed) == MAILSLOT_OK && parsed.scope != MAILSLOT_SCOPE_LOCAL) {
		sd.remote = 1;
		sd.limit = msl_net_max_data(strlen("\\MAILSLOT\\") + strlen(parsed.path));
	}
	if ((e = mailslot_open(sd.name, &sd.c)) != MAILSLOT_OK) {
		free(items);
		return fail("send", sd.name, e, AT_OPEN);
	}
	for (size_t i = 0; i < nitems && rc == 0; i++)
		rc = items[i].file ? send_file(&sd, items[i].arg)
		    : send_one(&sd, items[i].arg, strlen(items[i].arg));
	if (nitems == 0)
		rc = in == IN_RAW ? send_raw(&sd) : send_split(&sd, in == IN_NUL ? '\0' : '\n');
	mailslot_client_close(sd.c);
	free(items);
	return rc;
}

/* ---- wait ------------------------------------------------------------------ */

static int
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
			if (parse_uint(optarg, UINT32_MAX - 1, &v) != 0)
				return bad_usage("wait", "--timeout needs milliseconds, not '%s'", optarg);
			deadline = now_ms() + v;
		} else if (c == 'h') {
			return usage(0);
		} else {
			return getopt_fail("wait", c, argv);
		}
	}
	if (optind == argc)
		return bad_usage("wait", "missing NAME, the mailslot to wait for");
	if (optind + 1 != argc)
		return bad_usage("wait", "one NAME only ('%s' is extra)", argv[optind + 1]);
	const char *name = argv[optind];
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
		struct pollfd p = { .fd = sig_pipe[0], .events = POLLIN };
		int ms = deadline - t < (uint64_t)pause ? (int)(deadline - t) : pause;
		if (poll(&p, 1, ms) > 0 && (sig = signal_caught()) != 0)
			return die_of(sig);
	}
}

/* ---- list ------------------------------------------------------------------ */

/* The endpoints mailslotd owns sit under this reserved prefix (ctl.h). */
#define DAEMON_PREFIX "\\\\.\\mailslot\\mailslotd\\"

struct entry {
	mailslot_entry e;
	char state[16];
};

struct list {
	struct entry *v;
	size_t n, cap;
};

static int
list_collect(const mailslot_entry *e, void *arg)
{
	struct list *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct entry *nv = realloc(l->v, cap * sizeof *nv);
		if (nv == NULL)
			return 1;
		l->v = nv;
		l->cap = cap;
	}
	struct entry *x = &l->v[l->n++];
	x->e = *e;
	strcpy(x->state, "ok");
	if (e->state == MAILSLOT_ENTRY_NOT_ANSWERING) {
		/* A stopped owner is the usual reason; /proc tells for sure. */
		char path[64], stat[512];
		FILE *f;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)e->pid);
		strcpy(x->state, "not-answering");
		if ((f = fopen(path, "re")) != NULL) {
			char *p;
			if (fgets(stat, sizeof stat, f) != NULL && (p = strrchr(stat, ')')) != NULL &&
			    (p[2] == 'T' || p[2] == 't'))
				strcpy(x->state, "stopped");
			fclose(f);
		}
	}
	return 0;
}

/* The columns, in the order -o help lists them. */
enum col_id {
	COL_NAME, COL_PID, COL_USER, COL_UID, COL_GROUP, COL_STATE, COL_MSGS, COL_BYTES,
	COL_QMSGS, COL_QBYTES, COL_WRITERS, COL_MAXSIZE, COL_ACCESS, COL_REMOTE, COL_TYPE
};

/* One column: its header, what it shows, and how.  A number is right-
 * aligned and unquoted in JSON; known says the cell is known even when
 * the owner does not answer (pid and user come from the socket). */
struct column {
	enum col_id id;
	const char *name;
	const char *help;
	int number;
	int known;
};

static const struct column columns[] = {
	{ COL_NAME, "NAME", "the mailslot's name (- while its owner does not answer)", 0, 0 },
	{ COL_PID, "PID", "the owner's process id", 1, 1 },
	{ COL_USER, "USER", "the owner's user", 0, 1 },
	{ COL_UID, "UID", "the owner's user id", 1, 1 },
	{ COL_GROUP, "GROUP", "the owner's group", 0, 1 },
	{ COL_STATE, "STATE", "ok, stopped, or not-answering (the owner holds the name but is stuck)", 0, 1 },
	{ COL_MSGS, "MSGS", "messages queued", 1, 0 },
	{ COL_BYTES, "BYTES", "bytes queued", 1, 0 },
	{ COL_QMSGS, "QMSGS", "quota: messages the queue may hold", 1, 0 },
	{ COL_QBYTES, "QBYTES", "quota: bytes the queue may hold", 1, 0 },
	{ COL_WRITERS, "WRITERS", "client handles open", 1, 0 },
	{ COL_MAXSIZE, "MAXSIZE", "largest message accepted (0: any)", 1, 0 },
	{ COL_ACCESS, "ACCESS", "who may write: any, user or group", 0, 0 },
	{ COL_REMOTE, "REMOTE", "whether messages from the network are accepted", 0, 0 },
	{ COL_TYPE, "TYPE", "user, or daemon for mailslotd's own endpoints", 0, 0 },
};

/* number_of returns a numeric column's value. */
static uint64_t
number_of(enum col_id id, const mailslot_entry *e)
{
	switch (id) {
	case COL_PID: return (uint64_t)e->pid;
	case COL_UID: return e->uid;
	case COL_MSGS: return e->count;
	case COL_BYTES: return e->queued_bytes;
	case COL_QMSGS: return e->quota_messages;
	case COL_QBYTES: return e->quota_bytes;
	case COL_WRITERS: return e->writers;
	case COL_MAXSIZE: return e->max_message_size;
	default: return 0;
	}
}

/* cell writes one cell as text into b; it is empty when the owner did
 * not say. */
static void
cell(const struct column *col, const struct entry *x, char *b, size_t cap)
{
	static const char *const acc[] = { "any", "user", "group" };
	const mailslot_entry *e = &x->e;
	const char *s = "";
	struct passwd *pw;
	struct group *gr;
	FILE *f;

	if (e->state != MAILSLOT_ENTRY_OK && !col->known) {
		b[0] = '\0';
		return;
	}
	if (col->number) {
		snprintf(b, cap, "%llu", (unsigned long long)number_of(col->id, e));
		return;
	}
	switch (col->id) {
	case COL_NAME:
		/* Names come from any local user: escaped like message text. */
		if ((f = fmemopen(b, cap, "w")) != NULL) {
			fmt_escaped(f, (const unsigned char *)e->name, strlen(e->name), FMT_ESC_NAME);
			fclose(f);
			return;
		}
		s = "?";
		break;
	case COL_USER:
		if ((pw = getpwuid(e->uid)) == NULL) {
			snprintf(b, cap, "%u", (unsigned)e->uid);
			return;
		}
		s = pw->pw_name;
		break;
	case COL_GROUP:
		if ((gr = getgrgid(e->gid)) == NULL) {
			snprintf(b, cap, "%u", (unsigned)e->gid);
			return;
		}
		s = gr->gr_name;
		break;
	case COL_STATE:
		s = x->state;
		break;
	case COL_ACCESS:
		s = (unsigned)e->access < 3 ? acc[e->access] : "?";
		break;
	case COL_REMOTE:
		s = (e->flags & MAILSLOT_LOCAL_ONLY) ? "no" : "yes";
		break;
	case COL_TYPE:
		s = strncmp(e->name, DAEMON_PREFIX, strlen(DAEMON_PREFIX)) == 0 ? "daemon" : "user";
		break;
	default:
		break;
	}
	snprintf(b, cap, "%s", s);
}

#define NCOLUMNS (sizeof columns / sizeof columns[0])
static const char default_columns[] = "NAME,PID,USER,STATE,MSGS,BYTES,QMSGS,QBYTES,WRITERS,MAXSIZE,ACCESS,REMOTE,TYPE";

/* pick_columns reads a comma-separated column list into idx. */
static int
pick_columns(const char *spec, int idx[NCOLUMNS * 2], size_t *n)
{
	char buf[512], *save = NULL;
	if (strlen(spec) >= sizeof buf)
		return bad_usage("list", "column list too long");
	strcpy(buf, spec);
	*n = 0;
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < NCOLUMNS && strcasecmp(t, columns[i].name) != 0)
			i++;
		if (i == NCOLUMNS)
			return bad_usage("list", "unknown column '%s' (-o help lists them)", t);
		if (*n == NCOLUMNS * 2)
			return bad_usage("list", "too many columns");
		idx[(*n)++] = (int)i;
	}
	if (*n == 0)
		return bad_usage("list", "-o needs at least one column");
	return EX_OK;
}

static void
list_json(const struct list *l, const int *idx, size_t ncol)
{
	char buf[4 * MAILSLOT_NAME_MAX + 64];
	for (size_t r = 0; r < l->n; r++) {
		for (size_t k = 0; k < ncol; k++) {
			const struct column *col = &columns[idx[k]];
			printf("%s\"", k == 0 ? "{" : ",");
			for (const char *p = col->name; *p; p++)
				putchar(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
			printf("\":");
			if (col->id == COL_NAME) { /* exact, not escaped for a terminal */
				const mailslot_entry *e = &l->v[r].e;
				if (e->name[0] == '\0')
					fputs("null", stdout);
				else
					fmt_json_bytes(stdout, (const unsigned char *)e->name, strlen(e->name));
				continue;
			}
			cell(col, &l->v[r], buf, sizeof buf);
			if (buf[0] == '\0')
				fputs("null", stdout);
			else if (col->number)
				fputs(buf, stdout);
			else
				fmt_json_string(stdout, (const unsigned char *)buf, strlen(buf));
		}
		printf("}\n");
	}
}

static void
list_text(const struct list *l, const int *idx, size_t ncol, int header)
{
	enum { CELL = 4 * MAILSLOT_NAME_MAX + 64 };
	size_t width[NCOLUMNS * 2];
	char buf[CELL];

	for (size_t k = 0; k < ncol; k++) {
		width[k] = header ? strlen(columns[idx[k]].name) : 1;
		for (size_t r = 0; r < l->n; r++) {
			cell(&columns[idx[k]], &l->v[r], buf, sizeof buf);
			if (strlen(buf) > width[k])
				width[k] = strlen(buf);
		}
	}
	for (size_t r = header ? 0 : 1; r <= l->n; r++) {
		for (size_t k = 0; k < ncol; k++) {
			const struct column *col = &columns[idx[k]];
			if (r == 0)
				snprintf(buf, sizeof buf, "%s", col->name);
			else
				cell(col, &l->v[r - 1], buf, sizeof buf);
			if (buf[0] == '\0')
				strcpy(buf, "-");
			int w = k + 1 == ncol && !col->number ? 0 : (int)width[k];
			printf("%s%*s", k ? " " : "", col->number ? w : -w, buf);
		}
		putchar('\n');
	}
}

static int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int idx[NCOLUMNS * 2], json = 0, header = 1, c, rc;
	size_t ncol = 0;
	const char *spec = default_columns;
	struct list l = { 0 };
	mailslot_err e;

	while ((c = getopt_long(argc, argv, ":o:jnh", opts, NULL)) != -1) {
		if (c == 'o') {
			spec = optarg;
		} else if (c == 'j') {
			json = 1;
		} else if (c == 'n') {
			header = 0;
		} else if (c == 'h') {
			return usage(0);
		} else {
			return getopt_fail("list", c, argv);
		}
	}
	if (optind != argc)
		return bad_usage("list", "unexpected argument '%s'", argv[optind]);
	if (strcmp(spec, "help") == 0) {
		for (size_t i = 0; i < NCOLUMNS; i++)
			printf("%-8s %s\n", columns[i].name, columns[i].help);
		return EX_OK;
	}
	if ((rc = pick_columns(spec, idx, &ncol)) != EX_OK)
		return rc;
	if ((e = mailslot_list(list_collect, &l)) != MAILSLOT_OK) {
		free(l.v);
		return fail("list", NULL, e, AT_OTHER);
	}
	if (json)
		list_json(&l, idx, ncol);
	else
		list_text(&l, idx, ncol, header);
	free(l.v);
	return EX_OK;
}

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
	};

	if (argc < 2)
		return bad_usage(NULL, "missing command: recv, send, wait, list or stats");
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
	return bad_usage(NULL, "unknown command '%s': use recv, send, wait, list or stats", cmd);
}
