/* SPDX-License-Identifier: MIT */
/*
 * netconf.c - the node's configuration: defaults, settings and the file.
 *
 * Every refusal says which setting is wrong and quotes the value, and a
 * file's refusals add FILE:LINE, so that an administrator can fix a
 * configuration from the one line mailslotd prints.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
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
	msl_netconf_lan_defaults(c);
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

/* mask_len returns the prefix length of a contiguous mask (network
 * order), or -1 for a mask with holes. */
static int
mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int len = 0;
	for (; m & 0x80000000u; m <<= 1)
		len++;
	return m == 0 ? len : -1;
}

/*
 * parse_prefix reads one "hosts allow" entry in smb.conf's forms:
 * "a.b.c.d", "a.b.c.d/len", "a.b.c.d/m.m.m.m", "a.b.c." (every address
 * that starts so) or "ALL".
 */
static int
parse_prefix(const char *tok, struct msl_net_prefix *p)
{
	char buf[INET_ADDRSTRLEN + 8];
	const char *slash = strchr(tok, '/');
	size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
	struct in_addr a, m;
	long len = 32;

	if (msl_netconf_word_is(tok, "ALL")) {
		*p = (struct msl_net_prefix){ 0, 0 };
		return 0;
	}
	if (n >= INET_ADDRSTRLEN)
		return -1;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (!slash && n > 0 && buf[n - 1] == '.') {
		/* "10.1." is 10.1.0.0/16: pad the missing parts with zeros. */
		int dots = 0;
		for (size_t i = 0; i < n; i++)
			dots += buf[i] == '.';
		if (dots > 3)
			return -1;
		len = 8 * dots;
		for (int i = dots; i < 4; i++)
			strcat(buf, i < 3 ? "0." : "0");
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	if (slash && strchr(slash + 1, '.') != NULL) {
		if (inet_pton(AF_INET, slash + 1, &m) != 1 || (len = mask_len(m.s_addr)) < 0)
			return -1;
	} else if (slash) {
		char *end;
		len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || len < 0 || len > 32)
			return -1;
	}
	p->mask = len == 0 ? 0 : htonl(0xffffffffu << (32 - len));
	p->addr = a.s_addr & p->mask;
	return 0;
}

/* smb.conf's debug levels, 0 to 10, and what each means here: 0 errors,
 * 1 warnings, 2 the events an administrator follows, 3 and up every
 * datagram. */
static const char *const level_words[] = { "error", "warn", "info", "debug" };
#define SAMBA_LEVEL_MAX 10

/*
 * set_log_level takes a level's word, or smb.conf's form: a number 0-10,
 * optionally followed by per-class levels ("3 auth:5"), which have no
 * meaning here and are accepted so that a copied line loads.
 */
static int
set_log_level(struct msl_netconf *c, const char *value)
{
	char *end;
	long n;

	for (int i = 0; i < (int)(sizeof level_words / sizeof level_words[0]); i++)
		if (msl_netconf_word_is(value, level_words[i])) {
			c->log_level = i;
			return 0;
		}
	if (value[0] < '0' || value[0] > '9')
		return -1;
	n = strtol(value, &end, 10);
	if (n > SAMBA_LEVEL_MAX)
		return -1;
	for (const char *p = end; *p != '\0'; p++) {
		/* Only "class:N" items may follow. */
		if (*p == ' ' || *p == '\t')
			continue;
		const char *colon = strchr(p, ':');
		if (colon == NULL || colon == p)
			return -1;
		p = colon + 1;
		if (*p < '0' || *p > '9')
			return -1;
		while (p[1] >= '0' && p[1] <= '9')
			p++;
	}
	c->log_level = n >= MSL_LOG_DEBUG ? MSL_LOG_DEBUG : (int)n;
	return 0;
}

/* parse_bool reads smb.conf's booleans. */
static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "1", "on" }, *const no[] = { "no", "false", "0", "off" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (msl_netconf_word_is(v, yes[i]))
			return *out = 1, 0;
		if (msl_netconf_word_is(v, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/* The list settings: their items add up over lines. */
enum list_kind { L_IFACES, L_ALLOW, L_DENY, L_ALIASES };

/* add_item adds one item of a list setting. */
static int
add_item(struct msl_netconf *c, enum list_kind k, const char *t, char *err, size_t errcap)
{
	struct msl_net_prefix p;

	switch (k) {
	case L_IFACES:
		/* As in smb.conf, a subnet (or an address, /32) selects the
		 * interfaces that hold an address in it, whenever they do. */
		if (t[0] >= '0' && t[0] <= '9') {
			if (parse_prefix(t, &p) != 0)
				return set_err(err, errcap, "interfaces takes interface names such as eth0 "
				    "or subnets such as 10.1.0.0/24", t);
			if (c->niface_nets == MSL_NET_MAX_IFACES)
				return set_err(err, errcap, "too many interfaces", t);
			c->iface_nets[c->niface_nets++] = p;
			return 0;
		}
		if (c->nifaces == MSL_NET_MAX_IFACES)
			return set_err(err, errcap, "too many interfaces", t);
		if (strlen(t) >= IF_NAMESIZE)
			return set_err(err, errcap, "interface name too long", t);
		strcpy(c->ifaces[c->nifaces++], t);
		return 0;
	case L_ALIASES:
		if (c->naliases == MSL_NET_MAX_ALIASES)
			return set_err(err, errcap, "too many netbios aliases", t);
		if (msl_net_parse_name(t, c->aliases[c->naliases]) != 0)
			return set_err(err, errcap, "a netbios alias must be 1-15 characters without '.', '*' or spaces", t);
		c->naliases++;
		return 0;
	case L_ALLOW:
	case L_DENY:
		break;
	}
	unsigned *n = k == L_ALLOW ? &c->nallow : &c->ndeny;
	struct msl_net_prefix *v = k == L_ALLOW ? c->allow : c->deny;
	if (msl_netconf_word_is(t, "EXCEPT"))
		return set_err(err, errcap, "EXCEPT is not supported; use hosts allow and hosts deny together", t);
	if (*n == MSL_NET_MAX_ALLOW)
		return set_err(err, errcap, k == L_ALLOW ? "too many allow entries" : "too many deny entries", t);
	if (parse_prefix(t, &v[*n]) != 0)
		return set_err(err, errcap, k == L_ALLOW
		    ? "allow takes IPv4 addresses, address/prefix, address/mask, a.b.c. or ALL (no host names)"
		    : "deny takes IPv4 addresses, address/prefix, address/mask, a.b.c. or ALL (no host names)", t);
	(*n)++;
	return 0;
}

/* add_list adds the items of a list value, which are separated by
 * spaces or commas; repeated lines add to the list.  A refused item
 * leaves the configuration as it was before the line. */
static int
add_list(struct msl_netconf *c, enum list_kind k, const char *key, const char *value,
    char *err, size_t errcap)
{
	char buf[MSL_NET_LIST_MAX], *save = NULL;
	struct msl_netconf before;

	if (strlen(value) >= sizeof buf)
		return set_err(err, errcap, "list too long", key);
	strcpy(buf, value);
	before = *c;
	for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save))
		if (add_item(c, k, t, err, errcap) != 0) {
			*c = before;
			return -1;
		}
	return 0;
}

/*
 * set_scope checks a "netbios scope": dotted DNS-style labels of 1-63
 * bytes (RFC 1001 §9, RFC 1002 §4.1), no blanks, and short enough that
 * every name of this node still fits 255 bytes on the wire.  "" clears it.
 */
static int
set_scope(struct msl_netconf *c, const char *value, char *err, size_t errcap)
{
	struct msl_nbname probe;

	for (const char *p = value; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return set_err(err, errcap, "netbios scope may hold no blank or control character", value);
	if (value[0] != '\0' && msl_nbname_make(&probe, "X", 0, value) != MSL_PE_OK)
		return set_err(err, errcap, "netbios scope must be dot-separated labels of 1-63 "
		    "characters, 220 at most in all", value);
	memcpy(c->scope, value, strlen(value) + 1);
	return 0;
}

int
msl_netconf_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap)
{
	if (msl_netconf_key_is(key, "netbios name") || msl_netconf_key_is(key, "name")) {
		if (msl_net_parse_name(value, c->name) != 0)
			return set_err(err, errcap, "netbios name must be 1-15 characters without '.', '*' or spaces", value);
	} else if (msl_netconf_key_is(key, "netbios aliases")) {
		return add_list(c, L_ALIASES, key, value, err, errcap);
	} else if (msl_netconf_key_is(key, "workgroup") || msl_netconf_key_is(key, "domain")) {
		if (msl_net_parse_name(value, c->workgroup) != 0)
			return set_err(err, errcap, "workgroup must be 1-15 characters without '.', '*' or spaces", value);
	} else if (msl_netconf_key_is(key, "port")) {
		if (parse_port(value, 0, &c->port) != 0)
			return set_err(err, errcap, "port must be 1-65535", value);
	} else if (msl_netconf_key_is(key, "ns port") || msl_netconf_key_is(key, "name port")) {
		if (parse_port(value, 1, &c->ns_port) != 0)
			return set_err(err, errcap, "ns port must be 0-65535 (0 disables the name service)", value);
	} else if (msl_netconf_key_is(key, "user")) {
		if (strlen(value) >= sizeof c->user || value[0] == '\0')
			return set_err(err, errcap, "user must be a user name of 1-63 characters", value);
		strcpy(c->user, value);
	} else if (msl_netconf_key_is(key, "log level") || msl_netconf_key_is(key, "debug level")) {
		if (set_log_level(c, value) != 0)
			return set_err(err, errcap, "log level is error, warn, info, debug or smb.conf's 0-10", value);
	} else if (msl_netconf_key_is(key, "interfaces")) {
		return add_list(c, L_IFACES, key, value, err, errcap);
	} else if (msl_netconf_key_is(key, "bind interfaces only")) {
		if (parse_bool(value, &c->bind_only) != 0)
			return set_err(err, errcap, "bind interfaces only is yes or no", value);
	} else if (msl_netconf_key_is(key, "allow") || msl_netconf_key_is(key, "hosts allow") || msl_netconf_key_is(key, "allow hosts")) {
		return add_list(c, L_ALLOW, key, value, err, errcap);
	} else if (msl_netconf_key_is(key, "hosts deny") || msl_netconf_key_is(key, "deny hosts")) {
		return add_list(c, L_DENY, key, value, err, errcap);
	} else if (msl_netconf_key_is(key, "netbios scope")) {
		/* names (issue 13): the scope. */
		return set_scope(c, value, err, errcap);
	} else {
		/* The keys of subnets and Samba live in netconf_lan.c. */
		int rc = msl_netconf_lan_set(c, key, value, err, errcap);
		if (rc <= 0)
			return rc;
		return set_err(err, errcap, "unknown setting", key);
	}
	return 0;
}

static int
in_list(const struct msl_net_prefix *v, unsigned n, uint32_t ip)
{
	for (unsigned i = 0; i < n; i++)
		if ((ip & v[i].mask) == v[i].addr)
			return 1;
	return 0;
}

int
msl_netconf_allowed(const struct msl_netconf *c, uint32_t ip)
{
	/* smb.conf(5), "hosts allow": allow wins over deny. */
	if (c->nallow == 0)
		return !in_list(c->deny, c->ndeny, ip);
	if (c->ndeny == 0)
		return in_list(c->allow, c->nallow, ip);
	return in_list(c->allow, c->nallow, ip) || !in_list(c->deny, c->ndeny, ip);
}

int
msl_netconf_check(const struct msl_netconf *c, int check_user, char *err, size_t errcap)
{
	int problems = 0;
	size_t used = 0;

	err[0] = '\0';
#define PROBLEM(...)                                                              \
	do {                                                                      \
		problems++;                                                       \
		if (used < errcap)                                                \
			used += (size_t)snprintf(err + used, errcap - used, __VA_ARGS__); \
	} while (0)
	for (unsigned i = 0; i < c->nifaces; i++)
		if (if_nametoindex(c->ifaces[i]) == 0)
			PROBLEM("interfaces: no interface '%s' on this host (ip link lists them)\n", c->ifaces[i]);
	if (check_user && strcmp(c->user, "root") != 0 && getpwnam(c->user) == NULL)
		PROBLEM("user: no user '%s' on this host (create it, or set user)\n", c->user);
	/* names (issue 13): NAME<00> cannot be both this node's unique name
	 * and its workgroup's group name: an owner's NB_FLAGS has one G bit
	 * (RFC 1002 §4.2.13). */
	if (strcmp(c->name, c->workgroup) == 0)
		PROBLEM("netbios name: '%s' is also the workgroup; a name is unique or a group, "
		    "not both\n", c->name);
	for (unsigned i = 0; i < c->naliases; i++)
		if (strcmp(c->aliases[i], c->workgroup) == 0)
			PROBLEM("netbios aliases: '%s' is also the workgroup; a name is unique or a "
			    "group, not both\n", c->aliases[i]);
#undef PROBLEM
	return problems;
}

int
msl_net_iface_selected(const struct msl_netconf *c, const char *name, uint32_t addr)
{
	if (c->nifaces == 0 && c->niface_nets == 0)
		return 1;
	for (unsigned i = 0; name != NULL && i < c->nifaces; i++)
		if (strcmp(c->ifaces[i], name) == 0)
			return 1;
	for (unsigned i = 0; addr != 0 && i < c->niface_nets; i++)
		if ((addr & c->iface_nets[i].mask) == (c->iface_nets[i].addr & c->iface_nets[i].mask))
			return 1;
	return 0;
}

/* print_list writes one list setting's line. */
static void
print_prefixes(FILE *f, const char *key, const struct msl_net_prefix *v, unsigned n)
{
	char ip[INET_ADDRSTRLEN];
	fprintf(f, "%s =", key);
	for (unsigned i = 0; i < n; i++) {
		struct in_addr a = { .s_addr = v[i].addr };
		inet_ntop(AF_INET, &a, ip, sizeof ip);
		fprintf(f, " %s/%d", ip, mask_len(v[i].mask));
	}
	fputc('\n', f);
}

void
msl_netconf_print(const struct msl_netconf *c, FILE *f)
{
	fprintf(f, "netbios name = %s\nnetbios aliases =", c->name);
	for (unsigned i = 0; i < c->naliases; i++)
		fprintf(f, " %s", c->aliases[i]);
	fprintf(f, "\nworkgroup = %s\nport = %u\nns port = %u\nuser = %s\nlog level = %s\n",
	    c->workgroup, c->port, c->ns_port, c->user,
	    level_words[c->log_level >= 0 && c->log_level <= MSL_LOG_DEBUG ? c->log_level : MSL_LOG_INFO]);
	fprintf(f, "interfaces =");
	for (unsigned i = 0; i < c->nifaces; i++)
		fprintf(f, " %s", c->ifaces[i]);
	for (unsigned i = 0; i < c->niface_nets; i++) {
		char ip[INET_ADDRSTRLEN];
		struct in_addr a = { .s_addr = c->iface_nets[i].addr };
		fprintf(f, " %s/%d", inet_ntop(AF_INET, &a, ip, sizeof ip), mask_len(c->iface_nets[i].mask));
	}
	fprintf(f, "\nbind interfaces only = %s\n", c->bind_only ? "yes" : "no");
	print_prefixes(f, "hosts allow", c->allow, c->nallow);
	print_prefixes(f, "hosts deny", c->deny, c->ndeny);
	fprintf(f, "netbios scope =%s%s\n", c->scope[0] ? " " : "", c->scope);
	msl_netconf_lan_print(c, f);
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
