/* SPDX-License-Identifier: MIT */
/*
 * list.c - `mailslot list`: the live local mailslots, in columns or JSON.
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

/* id_cell writes a user's or group's name, or its number if it has none. */
static void
id_cell(char *b, size_t cap, const char *name, unsigned id)
{
	if (name != NULL)
		snprintf(b, cap, "%s", name);
	else
		snprintf(b, cap, "%u", id);
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
		pw = getpwuid(e->uid);
		id_cell(b, cap, pw != NULL ? pw->pw_name : NULL, e->uid);
		return;
	case COL_GROUP:
		gr = getgrgid(e->gid);
		id_cell(b, cap, gr != NULL ? gr->gr_name : NULL, e->gid);
		return;
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

int
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

