/* SPDX-License-Identifier: MIT */
/*
 * recv.c - `mailslot recv`: create a mailslot and print what arrives, in any of the output formats (fmt.c).
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
		{ .fd = signal_fd(), .events = POLLIN } };
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

/* recv_option applies one option: -1 to go on, else the exit code. */
enum { OPT_FORMAT = 256, OPT_RAW };

static int
recv_option(int c, char **argv, struct recv_opts *ro, mailslot_options *o)
{
	static const struct {
		const char *name;
		mailslot_access v;
	} access[] = {
		{ "any", MAILSLOT_ACCESS_ANY },
		{ "user", MAILSLOT_ACCESS_USER },
		{ "group", MAILSLOT_ACCESS_GROUP },
	};
	unsigned long v;

	switch (c) {
	case 'c':
		if (parse_uint(optarg, ULONG_MAX, &ro->count) != 0)
			return bad_usage("recv", "--count needs a number, not '%s'", optarg);
		return -1;
	case 't':
		if (parse_timeout("recv", optarg, &v) != 0)
			return EX_USAGE;
		ro->timeout = (uint32_t)v;
		return -1;
	case OPT_FORMAT:
		if (fmt_parse(optarg, &ro->form) != 0)
			return bad_usage("recv", "--format is text, quoted, hex, json, raw or nul, not '%s'", optarg);
		return -1;
	case 'j':
		ro->form = FMT_JSON;
		return -1;
	case OPT_RAW:
		ro->form = FMT_RAW;
		return -1;
	case '0':
		ro->form = FMT_NUL;
		return -1;
	case 'm':
		if (parse_uint(optarg, UINT32_MAX, &v) != 0)
			return bad_usage("recv", "--max-size needs bytes, not '%s'", optarg);
		o->max_message_size = (uint32_t)v;
		return -1;
	case 'a':
		for (size_t i = 0; i < sizeof access / sizeof access[0]; i++)
			if (strcmp(optarg, access[i].name) == 0) {
				o->access = access[i].v;
				return -1;
			}
		return bad_usage("recv", "--access is any, user or group, not '%s'", optarg);
	case 'l':
		o->flags |= MAILSLOT_LOCAL_ONLY;
		return -1;
	case 'h':
		return usage(0);
	default:
		return getopt_fail("recv", c, argv);
	}
}

int
cmd_recv(int argc, char **argv)
{
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
	int c, rc;
	mailslot_options o;
	mailslot_server *s;
	mailslot_err e;

	mailslot_options_init(&o);
	while ((c = getopt_long(argc, argv, ":c:t:j0m:a:lh", opts, NULL)) != -1)
		if ((rc = recv_option(c, argv, &ro, &o)) >= 0)
			return rc;
	const char *name = one_name("recv", argc, argv, "the mailslot to create");
	if (name == NULL)
		return EX_USAGE;
	if (signals_catch() != 0)
		return fail("recv", name, MAILSLOT_E_SYS, AT_OTHER);
	if ((e = mailslot_create(name, &o, &s)) != MAILSLOT_OK)
		return fail("recv", name, e, AT_CREATE);
	return recv_loop(s, name, &ro);
}
