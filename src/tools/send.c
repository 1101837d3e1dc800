/* SPDX-License-Identifier: MIT */
/*
 * send.c - `mailslot send`: one message per argument, file, or framed record of stdin.
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

int
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

