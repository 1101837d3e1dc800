/*
 * netconf.c - the node's configuration: defaults, settings and the file.
 *
 * Every refusal says which setting is wrong and quotes the value, and a
 * file's refusals add FILE:LINE, so that an administrator can fix a
 * configuration from the one line mailslotd prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "netconf.h"
#include "msl_nbdgm.h"
#include "msl_nbns.h"

int
msl_net_parse_name(const char *in, char out[MSL_NBNAME_LEN])
{
	char name[MSL_NBNAME_LEN] = "";
	size_t n = strlen(in);

	/* RFC 1001 §14.1: at most 15 characters; the 16th byte is the suffix.
	 * '.' would be read as a scope and '*' is the wildcard, so refuse both
	 * in a name that this node claims. */
	if (n == 0 || n > MSL_NBNAME_CHARS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= ' ' || ch == 0x7f || ch == '.' || ch == '*')
			return -1;
		name[i] = (char)msl_toupper(ch);
	}
	/* Written only once it is whole: a refused name changes nothing. */
	memcpy(out, name, sizeof name);
	return 0;
}

void
msl_netconf_defaults(struct msl_netconf *c)
{
	char host[256] = "";

	memset(c, 0, sizeof *c);
	/* The default NetBIOS name is the host name's first label, cut to 15
	 * characters, as Samba's "netbios name" default does. */
	if (gethostname(host, sizeof host - 1) == 0) {
		host[strcspn(host, ".")] = '\0';
		host[MSL_NBNAME_CHARS] = '\0';
	}
	if (msl_net_parse_name(host, c->name) != 0)
		memcpy(c->name, "LOCALHOST", sizeof "LOCALHOST");
	memcpy(c->workgroup, MSL_NET_DEFAULT_WORKGROUP, sizeof MSL_NET_DEFAULT_WORKGROUP);
	c->port = MSL_NBDGM_PORT;
	c->ns_port = MSL_NBNS_PORT;
	memcpy(c->user, MSL_NET_DEFAULT_USER, sizeof MSL_NET_DEFAULT_USER);
	c->log_level = MSL_LOG_INFO;
}

static int
is_key_space(char ch)
{
	return ch == ' ' || ch == '_' || ch == '-';
}

/* key_is compares a configuration key with a canonical one, treating
 * '_', '-' and runs of spaces alike and ignoring ASCII case. */
static int
key_is(const char *key, const char *want)
{
	for (;;) {
		if (is_key_space(*key) && *want == ' ') {
			while (is_key_space(*key))
				key++;
			want++;
			continue;
		}
		if (msl_toupper((uint8_t)*key) != msl_toupper((uint8_t)*want))
			return 0;
		if (*key == '\0')
			return 1;
		key++;
		want++;
	}
}

/* word_is compares two whole words without regard to ASCII case. */
static int
word_is(const char *a, const char *b)
{
	size_t n = strlen(b);
	return strlen(a) == n && msl_casecmp(a, b, n) == 0;
}

static int
set_err(char *err, size_t cap, const char *what, const char *value)
{
	snprintf(err, cap, "%s: '%s'", what, value);
	return -1;
}

static int
parse_port(const char *v, int zero_ok, uint16_t *out)
{
	char *end;
	errno = 0;
	long p = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || p < (zero_ok ? 0 : 1) || p > 65535)
		return -1;
	*out = (uint16_t)p;
	return 0;
}

/* parse_prefix reads "a.b.c.d" or "a.b.c.d/len" into an allow entry. */
static int
parse_prefix(const char *tok, struct msl_net_prefix *p)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(tok, '/');
	size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
	struct in_addr a;
	long len = 32;

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	if (slash) {
		char *end;
		len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || len < 0 || len > 32)
			return -1;
	}
	p->mask = len == 0 ? 0 : htonl(0xffffffffu << (32 - len));
	p->addr = a.s_addr & p->mask;
	return 0;
}

/* set_log_level takes a level's name or its number, 0 (error) to 3. */
static int
set_log_level(struct msl_netconf *c, const char *value)
{
	static const char *const lv[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < (int)(sizeof lv / sizeof lv[0]); i++)
		if (word_is(value, lv[i]) || (value[0] == '0' + i && value[1] == '\0')) {
			c->log_level = i;
			return 0;
		}
	return -1;
}

/* add_item adds one item of an "interfaces" or "allow" list. */
static int
add_item(struct msl_netconf *c, int ifs, const char *t, char *err, size_t errcap)
{
	if (ifs) {
		if (c->nifaces == MSL_NET_MAX_IFACES)
			return set_err(err, errcap, "too many interfaces", t);
		if (strlen(t) >= IF_NAMESIZE)
			return set_err(err, errcap, "interface name too long", t);
		strcpy(c->ifaces[c->nifaces++], t);
		return 0;
	}
	if (c->nallow == MSL_NET_MAX_ALLOW)
		return set_err(err, errcap, "too many allow entries", t);
	if (parse_prefix(t, &c->allow[c->nallow]) != 0)
		return set_err(err, errcap, "allow takes IPv4 addresses or address/prefix", t);
	c->nallow++;
	return 0;
}

/* add_list adds the items of an "interfaces" or "allow" value, which are
 * separated by spaces or commas; repeated lines add to the list.  A
 * refused item leaves the list as it was before the line. */
static int
add_list(struct msl_netconf *c, int ifs, const char *key, const char *value,
    char *err, size_t errcap)
{
	char buf[MSL_NET_LIST_MAX], *save = NULL;
	unsigned nifaces = c->nifaces, nallow = c->nallow;

	if (strlen(value) >= sizeof buf)
		return set_err(err, errcap, "list too long", key);
	strcpy(buf, value);
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save))
		if (add_item(c, ifs, t, err, errcap) != 0) {
			while (c->nifaces > nifaces)
				memset(c->ifaces[--c->nifaces], 0, sizeof c->ifaces[0]);
			while (c->nallow > nallow)
				memset(&c->allow[--c->nallow], 0, sizeof c->allow[0]);
			return -1;
		}
	return 0;
}

int
msl_netconf_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap)
{
	if (key_is(key, "netbios name") || key_is(key, "name")) {
		if (msl_net_parse_name(value, c->name) != 0)
			return set_err(err, errcap, "netbios name must be 1-15 characters without '.', '*' or spaces", value);
	} else if (key_is(key, "workgroup") || key_is(key, "domain")) {
		if (msl_net_parse_name(value, c->workgroup) != 0)
			return set_err(err, errcap, "workgroup must be 1-15 characters without '.', '*' or spaces", value);
	} else if (key_is(key, "port")) {
		if (parse_port(value, 0, &c->port) != 0)
			return set_err(err, errcap, "port must be 1-65535", value);
	} else if (key_is(key, "ns port") || key_is(key, "name port")) {
		if (parse_port(value, 1, &c->ns_port) != 0)
			return set_err(err, errcap, "ns port must be 0-65535 (0 disables the name service)", value);
	} else if (key_is(key, "user")) {
		if (strlen(value) >= sizeof c->user || value[0] == '\0')
			return set_err(err, errcap, "user must be a user name of 1-63 characters", value);
		strcpy(c->user, value);
	} else if (key_is(key, "log level")) {
		if (set_log_level(c, value) != 0)
			return set_err(err, errcap, "log level is error, warn, info or debug", value);
	} else if (key_is(key, "interfaces") || key_is(key, "allow")) {
		return add_list(c, key_is(key, "interfaces"), key, value, err, errcap);
	} else {
		return set_err(err, errcap, "unknown setting", key);
	}
	return 0;
}

/* The configuration is ASCII: the process locale must not decide what a
 * blank is. */
static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

/* trim_into copies s[0..n) without leading and trailing blanks into out,
 * which holds cap bytes; returns -1 when it does not fit. */
static int
trim_into(const char *s, size_t n, char *out, size_t cap)
{
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int
msl_netconf_assign(struct msl_netconf *c, const char *text, char *err,
    size_t errcap)
{
	char key[64], value[MSL_NET_LINE_MAX];
	const char *eq = strchr(text, '=');

	if (eq == NULL)
		return set_err(err, errcap, "expected 'key = value'", text);
	if (trim_into(text, (size_t)(eq - text), key, sizeof key) != 0)
		return set_err(err, errcap, "unknown setting", text);
	if (trim_into(eq + 1, strlen(eq + 1), value, sizeof value) != 0)
		return set_err(err, errcap, "value too long", key);
	return msl_netconf_set(c, key, value, err, errcap);
}

/* load_line applies one line of a file: comments, blank lines and
 * section headers are skipped. */
static int
load_line(struct msl_netconf *c, char *line, char *err, size_t errcap)
{
	line[strcspn(line, "#;\n")] = '\0';
	while (is_blank(*line))
		line++;
	if (*line == '\0' || *line == '[')
		return 0;
	return msl_netconf_assign(c, line, err, errcap);
}

int
msl_netconf_load(struct msl_netconf *c, const char *path, int missing_ok,
    char *err, size_t errcap)
{
	char *line = NULL, msg[256];
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (f == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n - (n > 0 && line[n - 1] == '\n');
		lineno++;
		/* A NUL byte would hide the rest of the line from the parser. */
		if (len >= MSL_NET_LINE_MAX)
			snprintf(msg, sizeof msg, "line longer than %d bytes",
			    MSL_NET_LINE_MAX - 1);
		else if (strlen(line) != (size_t)n)
			snprintf(msg, sizeof msg, "line holds a NUL byte");
		else if (load_line(c, line, msg, sizeof msg) == 0)
			continue;
		snprintf(err, errcap, "%s:%u: %s", path, lineno, msg);
		rc = -1;
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

int
msl_net_load(struct msl_netconf *c, const char *path, char *err, size_t errcap)
{
	const char *env = getenv("MAILSLOT_CONFIG");

	msl_netconf_defaults(c);
	if (path != NULL)
		return msl_netconf_load(c, path, 0, err, errcap);
	if (env != NULL && env[0] != '\0')
		return msl_netconf_load(c, env, 0, err, errcap);
	return msl_netconf_load(c, MSL_NET_CONF_PATH, 1, err, errcap);
}
