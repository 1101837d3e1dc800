/* SPDX-License-Identifier: MIT */
/*
 * netconf_lan.c - the configuration keys of a node that reaches beyond
 * its own subnet or runs beside Samba: "nmbd coexistence", "nmbd socket
 * dir", "remote broadcast", "duplicate timeout", "wins server" and "node
 * type" (docs/network.md).
 *
 * They are kept apart from netconf.c so that each group of keys can be
 * read on its own; netconf.c hands every key it does not know to
 * msl_netconf_lan_set.  Refusals name the setting and quote the value,
 * as netconf.c's do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "netconf.h"

/* The longest "duplicate timeout": an hour is already far longer than any
 * sender's retry, and the bound keeps the nanosecond arithmetic safe. */
#define DUP_MAX_MS (3600u * 1000u)

static int
lan_err(char *err, size_t cap, const char *what, const char *value)
{
	snprintf(err, cap, "%s: '%s'", what, value);
	return -1;
}

/*
 * set_remote adds the addresses of one "remote broadcast" value, separated
 * by spaces or commas.  smb.conf's "remote announce" also takes
 * "ADDR/WORKGROUP"; the workgroup part is accepted and ignored, since a
 * mailslot write names its destination itself.  A refused item leaves
 * the list as it was.
 */
static int
set_addrs(const char *key, uint32_t *dst, unsigned *count, unsigned max, const char *value,
    char *err, size_t errcap)
{
	char buf[MSL_NET_LIST_MAX], *save = NULL, what[96];
	uint32_t list[MSL_NET_MAX_REMOTE > MSL_NET_MAX_WINS ? MSL_NET_MAX_REMOTE : MSL_NET_MAX_WINS];
	unsigned n = *count;

	if (strlen(value) >= sizeof buf)
		return lan_err(err, errcap, "list too long", key);
	strcpy(buf, value);
	memcpy(list, dst, max * sizeof *list);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		struct in_addr a;
		char *slash = strchr(t, '/');
		if (slash != NULL)
			*slash = '\0';
		if (inet_pton(AF_INET, t, &a) != 1 || a.s_addr == 0 || a.s_addr == 0xffffffffu) {
			snprintf(what, sizeof what, "%s takes IPv4 addresses%s", key,
			    max == MSL_NET_MAX_REMOTE ? " (a subnet's broadcast or a host)" : "");
			return lan_err(err, errcap, what, t);
		}
		if (n == max) {
			snprintf(what, sizeof what, "too many %s addresses (at most %u)", key, max);
			return lan_err(err, errcap, what, t);
		}
		list[n++] = a.s_addr;
	}
	memcpy(dst, list, max * sizeof *list);
	*count = n;
	return 0;
}

/* set_node_type reads RFC 1001's letters, "h-node" and the like, or the
 * numbers of Windows' NodeType (1 B, 2 P, 4 M, 8 H). */
static int
set_node_type(struct msl_netconf *c, const char *v)
{
	static const char letters[] = "BPMH", numbers[][2] = { "1", "2", "4", "8" };

	for (int i = 0; i < 4; i++) {
		char word[8];
		snprintf(word, sizeof word, "%c-node", letters[i]);
		if (msl_netconf_word_is(v, (char[]){ letters[i], '\0' }) || msl_netconf_word_is(v, word) ||
		    strcmp(v, numbers[i]) == 0) {
			c->node_type = letters[i];
			return 0;
		}
	}
	return -1;
}

char
msl_netconf_node_type(const struct msl_netconf *c)
{
	if (c->node_type != 0)
		return c->node_type;
	return c->nwins > 0 ? 'H' : 'B';
}

/* set_dup reads "duplicate timeout": seconds as Windows'
 * MailslotDuplicateTimeout takes them, or milliseconds with "ms". */
static int
set_dup(struct msl_netconf *c, const char *value)
{
	char *end;
	unsigned long v;

	if (value[0] < '0' || value[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0)
		return -1;
	if (msl_netconf_word_is(end, "ms")) {
		if (v > DUP_MAX_MS)
			return -1;
	} else if (*end == '\0' || msl_netconf_word_is(end, "s")) {
		if (v > DUP_MAX_MS / 1000)
			return -1;
		v *= 1000;
	} else {
		return -1;
	}
	c->dup_ms = (uint32_t)v;
	return 0;
}

void
msl_netconf_lan_defaults(struct msl_netconf *c)
{
	c->nmbd_mode = MSL_NMBD_AUTO;
	memcpy(c->nmbd_dir, MSL_NET_NMBD_DIR, sizeof MSL_NET_NMBD_DIR);
	c->nremote = 0;
	c->dup_ms = MSL_NET_DUP_MS;
	c->nwins = 0;
	c->node_type = 0;
	c->announce = 0;
	memcpy(c->server_string, "mailslot", sizeof "mailslot");
}

static const char *const nmbd_words[] = { "auto", "yes", "no" };

int
msl_netconf_lan_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap)
{
	if (msl_netconf_key_is(key, "nmbd coexistence")) {
		for (int i = 0; i < 3; i++)
			if (msl_netconf_word_is(value, nmbd_words[i])) {
				c->nmbd_mode = i;
				return 0;
			}
		return lan_err(err, errcap, "nmbd coexistence is auto, yes or no", value);
	}
	if (msl_netconf_key_is(key, "nmbd socket dir") || msl_netconf_key_is(key, "nmbd:socket dir")) {
		if (value[0] != '/' || strlen(value) >= sizeof c->nmbd_dir)
			return lan_err(err, errcap, "nmbd socket dir must be an absolute path of at most 95 bytes", value);
		strcpy(c->nmbd_dir, value);
		return 0;
	}
	if (msl_netconf_key_is(key, "remote broadcast") || msl_netconf_key_is(key, "remote announce"))
		return set_addrs("remote broadcast", c->remote, &c->nremote, MSL_NET_MAX_REMOTE, value,
		    err, errcap);
	if (msl_netconf_key_is(key, "wins server"))
		return set_addrs("wins server", c->wins, &c->nwins, MSL_NET_MAX_WINS, value, err, errcap);
	if (msl_netconf_key_is(key, "announce")) {
		if (msl_netconf_word_is(value, "yes") || msl_netconf_word_is(value, "true") ||
		    strcmp(value, "1") == 0)
			c->announce = 1;
		else if (msl_netconf_word_is(value, "no") || msl_netconf_word_is(value, "false") ||
		    strcmp(value, "0") == 0)
			c->announce = 0;
		else
			return lan_err(err, errcap, "announce is yes or no", value);
		return 0;
	}
	if (msl_netconf_key_is(key, "server string")) {
		if (strlen(value) > MSL_NET_COMMENT_MAX)
			return lan_err(err, errcap, "server string is at most 43 bytes (an announcement's comment)",
			    value);
		strcpy(c->server_string, value);
		return 0;
	}
	if (msl_netconf_key_is(key, "node type")) {
		if (set_node_type(c, value) != 0)
			return lan_err(err, errcap, "node type is B, P, M or H (RFC 1001), or 1, 2, 4, 8", value);
		return 0;
	}
	if (msl_netconf_key_is(key, "duplicate timeout") ||
	    msl_netconf_key_is(key, "mailslot duplicate timeout")) {
		if (set_dup(c, value) != 0)
			return lan_err(err, errcap,
			    "duplicate timeout is seconds (0-3600) or milliseconds with 'ms'; 0 disables", value);
		return 0;
	}
	return 1;
}

void
msl_netconf_lan_print(const struct msl_netconf *c, FILE *f)
{
	char ip[INET_ADDRSTRLEN];

	fprintf(f, "nmbd coexistence = %s\nnmbd socket dir = %s\nremote broadcast =",
	    nmbd_words[c->nmbd_mode >= 0 && c->nmbd_mode < 3 ? c->nmbd_mode : 0], c->nmbd_dir);
	for (unsigned i = 0; i < c->nremote && i < MSL_NET_MAX_REMOTE; i++) {
		struct in_addr a = { .s_addr = c->remote[i] };
		fprintf(f, " %s", inet_ntop(AF_INET, &a, ip, sizeof ip));
	}
	fprintf(f, "\nduplicate timeout = %ums\nwins server =", (unsigned)c->dup_ms);
	for (unsigned i = 0; i < c->nwins && i < MSL_NET_MAX_WINS; i++) {
		struct in_addr a = { .s_addr = c->wins[i] };
		fprintf(f, " %s", inet_ntop(AF_INET, &a, ip, sizeof ip));
	}
	fputc('\n', f);
	if (c->node_type != 0)
		fprintf(f, "node type = %c\n", c->node_type);
	fprintf(f, "announce = %s\nserver string = %s\n", c->announce ? "yes" : "no", c->server_string);
}
