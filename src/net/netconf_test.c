/* SPDX-License-Identifier: MIT */
/*
 * netconf_test.c - the node's configuration (netconf.c) without root:
 * defaults, every spelling of every key, every refusal (each must name
 * the setting and quote the value), and files with comments, sections,
 * bad lines (named FILE:LINE), hostile lines and missing files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "msl_test.h"
#include "netconf.h"

static struct msl_netconf c;
static char err[512];

/* set applies one setting to c, as a configuration line would. */
static int
set(const char *text)
{
	err[0] = '\0';
	return msl_netconf_assign(&c, text, err, sizeof err);
}

/* SET_EQ applies one setting, which must be taken, and checks the field
 * it sets; a macro so that a failure names the line of the case. */
#define SET_EQ(text, field, want)                                            \
	do {                                                                 \
		MSL_CHECK_EQ(set(text), 0);                                  \
		MSL_CHECK_EQ(field, want);                                   \
	} while (0)

/* refused checks that text is refused with a message holding both
 * parts: what is wrong and the quoted culprit. */
static void
refused(const char *text, const char *what, const char *quoted)
{
	struct msl_netconf before = c;

	MSL_CHECK_EQ(set(text), -1);
	if (strstr(err, what) == NULL || strstr(err, quoted) == NULL)
		fprintf(stderr, "  %s -> %s\n", text, err);
	MSL_CHECK(strstr(err, what) != NULL);
	MSL_CHECK(strstr(err, quoted) != NULL);
	/* A refused setting changes nothing. */
	MSL_CHECK(memcmp(&before, &c, sizeof c) == 0);
}

/* tmpconf writes text to a fresh file and returns its path. */
static const char *
tmpconf(const char *text, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/netconf_test.XXXXXX");
	fd = mkstemp(path);
	MSL_CHECK(fd >= 0);
	MSL_CHECK(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return path;
}

/* load loads text as a file into fresh defaults; the file is removed. */
static int
load(const char *text, size_t len, char *pathbuf, size_t pathcap)
{
	const char *path = tmpconf(text, len);
	int rc;

	snprintf(pathbuf, pathcap, "%s", path);
	msl_netconf_defaults(&c);
	rc = msl_netconf_load(&c, path, 0, err, sizeof err);
	unlink(path);
	return rc;
}

static void
test_defaults(void)
{
	msl_netconf_defaults(&c);
	MSL_CHECK(strcmp(c.workgroup, "WORKGROUP") == 0);
	MSL_CHECK_EQ(c.port, 138);
	MSL_CHECK_EQ(c.ns_port, 137);
	MSL_CHECK(strcmp(c.user, "mailslotd") == 0);
	MSL_CHECK_EQ(c.log_level, MSL_LOG_INFO);
	MSL_CHECK_EQ(c.nifaces, 0);
	MSL_CHECK_EQ(c.nallow, 0);
	/* The host name's first label, upper-cased, 1 to 15 characters. */
	size_t n = strlen(c.name);
	MSL_CHECK(n >= 1 && n <= MSL_NBNAME_CHARS);
	for (size_t i = 0; i < n; i++)
		MSL_CHECK(c.name[i] != '.' && !(c.name[i] >= 'a' && c.name[i] <= 'z'));
}

static void
test_key_spellings(void)
{
	static const char *const names[] = {
		"netbios name", "netbios_name", "NetBIOS-Name", "NETBIOS   NAME",
		"netbios _-name", "name", "Name",
	};
	static const char *const ns[] = { "ns port", "ns_port", "NS-Port", "name port" };

	msl_netconf_defaults(&c);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "%s = host%zu", names[i], i);
		MSL_CHECK_EQ(set(line), 0);
		snprintf(line, sizeof line, "HOST%zu", i);
		MSL_CHECK(strcmp(c.name, line) == 0);
	}
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "%s = %zu", ns[i], 1000 + i);
		MSL_CHECK_EQ(set(line), 0);
		MSL_CHECK_EQ(c.ns_port, 1000 + i);
	}
	MSL_CHECK_EQ(set("Domain = corp"), 0);
	MSL_CHECK(strcmp(c.workgroup, "CORP") == 0);
	MSL_CHECK_EQ(set("WORKGROUP=lab"), 0);
	MSL_CHECK(strcmp(c.workgroup, "LAB") == 0);
	SET_EQ("log_level = DEBUG", c.log_level, MSL_LOG_DEBUG);
	SET_EQ("Log-Level = Warn", c.log_level, MSL_LOG_WARN);
	/* Spaces inside a key must be somewhere: "netbiosname" is not it. */
	refused("netbiosname = x", "unknown setting", "'netbiosname'");
}

static void
test_values(void)
{
	msl_netconf_defaults(&c);
	SET_EQ("  port   =   139  ", c.port, 139);
	SET_EQ("port = 65535", c.port, 65535);
	SET_EQ("ns port = 0", c.ns_port, 0);
	MSL_CHECK_EQ(set("netbios name = abcdefghijklmno"), 0);
	MSL_CHECK(strcmp(c.name, "ABCDEFGHIJKLMNO") == 0);
	MSL_CHECK_EQ(set("user = mailslot"), 0);
	MSL_CHECK(strcmp(c.user, "mailslot") == 0);
	for (int i = 0; i <= 3; i++) {
		char line[32];
		snprintf(line, sizeof line, "log level = %d", i);
		MSL_CHECK_EQ(set(line), 0);
		MSL_CHECK_EQ(c.log_level, i);
	}
	/* Everything after the first '=' is the value. */
	MSL_CHECK_EQ(set("user = a=b"), 0);
	MSL_CHECK(strcmp(c.user, "a=b") == 0);
}

static void
test_bad_values_name_the_problem(void)
{
	char longname[80];

	msl_netconf_defaults(&c);
	refused("netbios name = abcdefghijklmnop", "netbios name must be 1-15", "'abcdefghijklmnop'");
	refused("netbios name = a.b", "netbios name", "'a.b'");
	refused("netbios name = a*", "netbios name", "'a*'");
	refused("netbios name = a b", "netbios name", "'a b'");
	refused("netbios name = a\tb", "netbios name", "'a\tb'");
	refused("netbios name = a\x7f", "netbios name", "'a\x7f'");
	refused("netbios name =", "netbios name", "''");
	refused("workgroup = *", "workgroup must be", "'*'");
	refused("workgroup = 0123456789abcdef", "workgroup", "'0123456789abcdef'");
	refused("port = 0", "port must be 1-65535", "'0'");
	refused("port = 65536", "port must be", "'65536'");
	refused("port = -1", "port must be", "'-1'");
	refused("port = 12x", "port must be", "'12x'");
	refused("port = ", "port must be", "''");
	refused("port = 99999999999999999999", "port must be", "'99999999999999999999'");
	refused("ns port = 70000", "ns port must be 0-65535", "'70000'");
	refused("ns port = x", "ns port", "'x'");
	refused("log level = verbose", "log level is error, warn, info, debug or smb.conf's 0-10", "'verbose'");
	refused("log level = 11", "log level", "'11'");
	refused("log level = 3 auth", "log level", "'3 auth'");
	refused("log level = ", "log level", "''");
	refused("user =", "user must be", "''");
	memset(longname, 'u', 64);
	longname[64] = '\0';
	char line[96];
	snprintf(line, sizeof line, "user = %s", longname);
	refused(line, "user must be", longname);
	refused("colour = blue", "unknown setting", "'colour'");
	refused(" = blue", "unknown setting", "''");
	refused("port", "expected 'key = value'", "'port'");
}

static void
test_interfaces(void)
{
	msl_netconf_defaults(&c);
	SET_EQ("interfaces = eth0, eth1 ,wlan0\teth2", c.nifaces, 4);
	MSL_CHECK(strcmp(c.ifaces[0], "eth0") == 0);
	MSL_CHECK(strcmp(c.ifaces[2], "wlan0") == 0);
	MSL_CHECK(strcmp(c.ifaces[3], "eth2") == 0);
	/* Repeated lines add to the list. */
	SET_EQ("interfaces = br0", c.nifaces, 5);
	refused("interfaces = abcdefghijklmnop", "interface name too long", "'abcdefghijklmnop'");
	MSL_CHECK_EQ(set("interfaces = abcdefghijklmno"), 0);
	for (unsigned i = c.nifaces; i < MSL_NET_MAX_IFACES; i++)
		MSL_CHECK_EQ(set("interfaces = x"), 0);
	MSL_CHECK_EQ(c.nifaces, MSL_NET_MAX_IFACES);
	refused("interfaces = extra", "too many interfaces", "'extra'");
	/* A refused item takes back the whole line. */
	msl_netconf_defaults(&c);
	refused("interfaces = eth0 eth1 abcdefghijklmnop", "interface name too long", "'abcdefghijklmnop'");
	refused("allow = 10.0.0.0/8 nonsense", "allow takes", "'nonsense'");
}

static void
test_interfaces_by_subnet(void)
{
	uint32_t a = htonl(0x0a010205), b = htonl(0x0a020001);

	msl_netconf_defaults(&c);
	MSL_CHECK(msl_net_iface_selected(&c, "eth9", a));
	SET_EQ("interfaces = 10.1.2.0/24 eth3 192.168.1.7", c.nifaces, 1);
	MSL_CHECK_EQ(c.niface_nets, 2);
	MSL_CHECK(msl_net_iface_selected(&c, "eth0", a));
	MSL_CHECK(!msl_net_iface_selected(&c, "eth0", b));
	MSL_CHECK(msl_net_iface_selected(&c, "eth3", b));
	MSL_CHECK(msl_net_iface_selected(&c, "eth1", htonl(0xc0a80107)));
	MSL_CHECK(!msl_net_iface_selected(&c, "eth1", htonl(0xc0a80108)));
	MSL_CHECK(!msl_net_iface_selected(&c, NULL, 0));
	refused("interfaces = 10.1.2.0/40", "interfaces takes interface names such as eth0 or subnets",
	    "'10.1.2.0/40'");
}

static void
test_allow(void)
{
	msl_netconf_defaults(&c);
	SET_EQ("allow = 10.1.2.3/8, 192.168.7.9 0.0.0.0/0", c.nallow, 3);
	/* The address is stored masked, in network order. */
	MSL_CHECK_EQ(c.allow[0].addr, htonl(0x0a000000));
	MSL_CHECK_EQ(c.allow[0].mask, htonl(0xff000000));
	MSL_CHECK_EQ(c.allow[1].addr, htonl(0xc0a80709));
	MSL_CHECK_EQ(c.allow[1].mask, 0xffffffffu);
	MSL_CHECK_EQ(c.allow[2].mask, 0);
	refused("allow = 10.0.0.0/33", "allow takes IPv4 addresses, address/prefix", "'10.0.0.0/33'");
	refused("allow = 10.0.0.0/", "allow takes", "'10.0.0.0/'");
	refused("allow = 10.0.0.0/8x", "allow takes", "'10.0.0.0/8x'");
	refused("allow = 10.0.0/8", "allow takes", "'10.0.0/8'");
	refused("allow = host.example", "allow takes", "'host.example'");
	refused("allow = ::1", "allow takes", "'::1'");
	refused("allow = 1111.2222.3333.4444/32", "allow takes", "'1111.2222.3333.4444/32'");
	for (unsigned i = c.nallow; i < MSL_NET_MAX_ALLOW; i++)
		MSL_CHECK_EQ(set("allow = 10.0.0.1"), 0);
	refused("allow = 10.0.0.2", "too many allow entries", "'10.0.0.2'");
}

static void
test_long_list_is_refused(void)
{
	static char line[MSL_NET_LINE_MAX];

	msl_netconf_defaults(&c);
	snprintf(line, sizeof line, "interfaces = ");
	while (strlen(line) < MSL_NET_LIST_MAX + 20)
		strcat(line, "e ");
	refused(line, "list too long", "'interfaces'");
}

static void
test_file_with_comments_and_sections(void)
{
	static const char text[] =
	    "# mailslotd.conf\n"
	    "; another comment\n"
	    "\n"
	    "   \t\n"
	    "[global]\n"
	    "\tnetbios name = filehost   # the node\n"
	    "workgroup=corp;trailing\n"
	    "  port = 1138\r\n"
	    "interfaces = eth0\n"
	    "interfaces = eth1\n"
	    "allow = 10.0.0.0/8";
	char path[64];

	MSL_CHECK_EQ(load(text, sizeof text - 1, path, sizeof path), 0);
	MSL_CHECK(strcmp(c.name, "FILEHOST") == 0);
	MSL_CHECK(strcmp(c.workgroup, "CORP") == 0);
	MSL_CHECK_EQ(c.port, 1138);
	MSL_CHECK_EQ(c.nifaces, 2);
	MSL_CHECK_EQ(c.nallow, 1);
	/* What the file does not set keeps its default. */
	MSL_CHECK_EQ(c.ns_port, 137);
}

/* bad_file checks that text (len bytes, or up to its NUL when len is 0)
 * is refused with "PATH:LINE: " + what. */
static void
bad_file(const char *text, size_t len, unsigned line, const char *what)
{
	char path[64], want[128];

	MSL_CHECK_EQ(load(text, len ? len : strlen(text), path, sizeof path), -1);
	snprintf(want, sizeof want, "%s:%u: %s", path, line, what);
	if (strncmp(err, want, strlen(want)) != 0)
		fprintf(stderr, "  got '%s', want '%s...'\n", err, want);
	MSL_CHECK(strncmp(err, want, strlen(want)) == 0);
}

static void
test_bad_file_lines_name_file_and_line(void)
{
	static const char nul[] = "port = 139\nuser = a\0b\n";
	static char longline[MSL_NET_LINE_MAX + 16];

	bad_file("# ok\nport = 0\n", 0, 2, "port must be 1-65535: '0'");
	bad_file("port = 139\n\n\nnetbios name\n", 0, 4, "expected 'key = value'");
	bad_file("[x]\ncolour = blue\n", 0, 2, "unknown setting: 'colour'");
	bad_file("allow = 10.0.0.0/8\nallow = 10.0.0.0/40\n", 0, 2,
	    "allow takes IPv4 addresses, address/prefix, address/mask, a.b.c. or ALL (no host names): '10.0.0.0/40'");
	/* Hostile lines: a NUL byte would hide the rest of the line, and an
	 * over-long line would be read as two. */
	bad_file(nul, sizeof nul - 1, 2, "line holds a NUL byte");
	memset(longline, 'x', sizeof longline - 1);
	memcpy(longline, "user = ", 7);
	bad_file(longline, sizeof longline - 1, 1, "line longer than");
}

static void
test_longest_line_is_read(void)
{
	static char text[MSL_NET_LINE_MAX + 1];
	char path[64];

	/* MSL_NET_LINE_MAX - 1 bytes and the newline are one line. */
	memset(text, ' ', MSL_NET_LINE_MAX - 1);
	memcpy(text, "port = 139", 10);
	text[MSL_NET_LINE_MAX - 1] = '\n';
	MSL_CHECK_EQ(load(text, MSL_NET_LINE_MAX, path, sizeof path), 0);
	MSL_CHECK_EQ(c.port, 139);
}

static void
test_missing_file(void)
{
	const char *path = "/tmp/netconf_test.does-not-exist/mailslotd.conf";
	char want[128];

	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(msl_netconf_load(&c, path, 1, err, sizeof err), 0);
	MSL_CHECK_EQ(c.port, 138);
	MSL_CHECK_EQ(msl_netconf_load(&c, path, 0, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
	MSL_CHECK(strcmp(err, want) == 0);
	/* A directory opens but does not read: named too. */
	MSL_CHECK_EQ(msl_netconf_load(&c, "/tmp", 1, err, sizeof err), -1);
	MSL_CHECK(strncmp(err, "/tmp: ", 6) == 0);
}

static void
test_net_load_order(void)
{
	static const char a[] = "port = 1001\n", b[] = "port = 1002\n";
	char pa[64], pb[64];

	snprintf(pa, sizeof pa, "%s", tmpconf(a, sizeof a - 1));
	snprintf(pb, sizeof pb, "%s", tmpconf(b, sizeof b - 1));
	/* $MAILSLOT_CONFIG, unless a path is given. */
	setenv("MAILSLOT_CONFIG", pa, 1);
	MSL_CHECK_EQ(msl_net_load(&c, NULL, err, sizeof err), 0);
	MSL_CHECK_EQ(c.port, 1001);
	MSL_CHECK_EQ(msl_net_load(&c, pb, err, sizeof err), 0);
	MSL_CHECK_EQ(c.port, 1002);
	/* Each load starts from the defaults. */
	MSL_CHECK_EQ(msl_net_load(&c, pa, err, sizeof err), 0);
	MSL_CHECK_EQ(c.port, 1001);
	MSL_CHECK_EQ(c.nifaces, 0);
	/* A file named by the variable must exist. */
	setenv("MAILSLOT_CONFIG", "/tmp/netconf_test.does-not-exist", 1);
	MSL_CHECK_EQ(msl_net_load(&c, NULL, err, sizeof err), -1);
	MSL_CHECK(strstr(err, "does-not-exist") != NULL);
	unsetenv("MAILSLOT_CONFIG");
	unlink(pa);
	unlink(pb);
}

static void
test_parse_name(void)
{
	char out[MSL_NBNAME_LEN];

	MSL_CHECK_EQ(msl_net_parse_name("ab-c_d", out), 0);
	MSL_CHECK(memcmp(out, "AB-C_D\0\0\0\0\0\0\0\0\0\0", MSL_NBNAME_LEN) == 0);
	MSL_CHECK_EQ(msl_net_parse_name("", out), -1);
	MSL_CHECK_EQ(msl_net_parse_name("0123456789abcdef", out), -1);
	MSL_CHECK_EQ(msl_net_parse_name("0123456789abcde", out), 0);
	/* Bytes above ASCII are kept as they are, never case-folded. */
	MSL_CHECK_EQ(msl_net_parse_name("\xe9t\xe9", out), 0);
	MSL_CHECK(memcmp(out, "\xe9T\xe9", 4) == 0);
}

/* smb.conf's vocabulary: a copied [global] section means what it means
 * to Samba. */
static void
test_samba_vocabulary(void)
{
	msl_netconf_defaults(&c);
	/* Debug levels 0-10, with per-class levels accepted and ignored. */
	SET_EQ("log level = 10", c.log_level, MSL_LOG_DEBUG);
	SET_EQ("log level = 1 auth:5 passdb:10", c.log_level, MSL_LOG_WARN);
	SET_EQ("debug level = 2", c.log_level, MSL_LOG_INFO);
	/* Aliases add names; a bad one changes nothing. */
	SET_EQ("netbios aliases = files, print", c.naliases, 2);
	MSL_CHECK(strcmp(c.aliases[1], "PRINT") == 0);
	refused("netbios aliases = ok a.b", "netbios alias", "'a.b'");
	SET_EQ("bind interfaces only = yes", c.bind_only, 1);
	refused("bind interfaces only = maybe", "yes or no", "'maybe'");
	/* smb.conf's subnets select interfaces, as names do. */
	MSL_CHECK_EQ(set("interfaces = 192.168.1.0/24"), 0);
	/* hosts allow forms: a.b.c., address/mask, ALL; EXCEPT is refused. */
	SET_EQ("hosts allow = 10.1. 192.168.7.0/255.255.255.0", c.allow[0].addr, htonl(0x0a010000));
	MSL_CHECK_EQ(c.allow[0].mask, htonl(0xffff0000));
	MSL_CHECK_EQ(c.allow[1].mask, htonl(0xffffff00));
	refused("hosts allow = 10.0.0.0/255.0.255.0", "allow takes", "'10.0.0.0/255.0.255.0'");
	refused("hosts allow = ALL EXCEPT 10.0.0.1", "EXCEPT", "'EXCEPT'");
	MSL_CHECK_EQ(set("hosts deny = ALL"), 0);
	/* Allow wins over deny; deny ALL refuses the rest. */
	MSL_CHECK(msl_netconf_allowed(&c, htonl(0x0a010203)));
	MSL_CHECK(msl_netconf_allowed(&c, htonl(0xc0a80709)));
	MSL_CHECK(!msl_netconf_allowed(&c, htonl(0x0b000001)));
	/* Deny alone: everything else may. */
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(set("deny hosts = 10.0.0.0/8"), 0);
	MSL_CHECK(!msl_netconf_allowed(&c, htonl(0x0a000001)));
	MSL_CHECK(msl_netconf_allowed(&c, htonl(0x0b000001)));
	/* Allow alone: nothing else may. */
	msl_netconf_defaults(&c);
	MSL_CHECK(msl_netconf_allowed(&c, htonl(0x0b000001)));
	MSL_CHECK_EQ(set("allow hosts = 10.0.0.0/8"), 0);
	MSL_CHECK(!msl_netconf_allowed(&c, htonl(0x0b000001)));
}

/* -t prints the configuration in the file's words, and it reads back. */
static void
test_print_reads_back(void)
{
	struct msl_netconf again;
	char buf[4096], line[MSL_NET_LINE_MAX];
	FILE *f = fmemopen(buf, sizeof buf, "w");

	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(set("log level = 10"), 0);
	MSL_CHECK_EQ(set("netbios aliases = files"), 0);
	MSL_CHECK_EQ(set("interfaces = eth0 eth1"), 0);
	MSL_CHECK_EQ(set("hosts allow = 10.1."), 0);
	MSL_CHECK_EQ(set("hosts deny = 0.0.0.0/0"), 0);
	MSL_CHECK_EQ(set("netbios scope = corp.example"), 0);
	msl_netconf_print(&c, f);
	fclose(f);
	MSL_CHECK(strstr(buf, "log level = debug\n") != NULL);
	MSL_CHECK(strstr(buf, "hosts allow = 10.1.0.0/16\n") != NULL);
	msl_netconf_defaults(&again);
	f = fmemopen(buf, strlen(buf), "r");
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		/* An empty list prints as "key =", which is no item. */
		if (line[strlen(line) - 1] == '=')
			continue;
		MSL_CHECK_EQ(msl_netconf_assign(&again, line, err, sizeof err), 0);
	}
	fclose(f);
	MSL_CHECK(memcmp(&again, &c, sizeof c) == 0);
}

/* names (issue 13): "netbios scope" takes a dotted scope and refuses
 * what could not travel (RFC 1002 §4.1). */
static void
test_scope(void)
{
	char big[300];

	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(c.scope[0], '\0');
	MSL_CHECK_EQ(set("netbios scope = corp.example"), 0);
	MSL_CHECK(strcmp(c.scope, "corp.example") == 0);
	MSL_CHECK_EQ(set("NetBIOS_Scope = lab"), 0);
	MSL_CHECK(strcmp(c.scope, "lab") == 0);
	refused("netbios scope = a..b", "netbios scope must be", "'a..b'");
	refused("netbios scope = .lead", "netbios scope must be", "'.lead'");
	memset(big, 'x', 64);
	memcpy(big, "netbios scope = ", 16);
	memset(big + 16, 'x', 64);
	big[80] = '\0';
	refused(big, "netbios scope must be", "xxxx");
	refused("netbios scope = a\tb", "no blank or control", "a\tb");
	SET_EQ("netbios scope =", c.scope[0], '\0');
}

/* msl_netconf_check finds what leaves a daemon deaf. */
static void
test_check(void)
{
	char why[512];
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(set("interfaces = lo eht0"), 0);
	MSL_CHECK_EQ(set("user = nosuchuser-msl"), 0);
	MSL_CHECK_EQ(msl_netconf_check(&c, 1, why, sizeof why), 2);
	MSL_CHECK(strstr(why, "no interface 'eht0'") != NULL);
	MSL_CHECK(strstr(why, "no user 'nosuchuser-msl'") != NULL);
	MSL_CHECK_EQ(msl_netconf_check(&c, 0, why, sizeof why), 1);
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(set("interfaces = lo"), 0);
	MSL_CHECK_EQ(set("user = root"), 0);
	MSL_CHECK_EQ(msl_netconf_check(&c, 1, why, sizeof why), 0);
	/* names (issue 13): a name that is also the workgroup. */
	MSL_CHECK_EQ(set("netbios name = wg"), 0);
	MSL_CHECK_EQ(set("workgroup = WG"), 0);
	MSL_CHECK_EQ(set("netbios aliases = files wg"), 0);
	MSL_CHECK_EQ(msl_netconf_check(&c, 0, why, sizeof why), 2);
	MSL_CHECK(strstr(why, "netbios name: 'WG' is also the workgroup") != NULL);
	MSL_CHECK(strstr(why, "netbios aliases: 'WG' is also the workgroup") != NULL);
}

/* ---- the keys of subnets and Samba (netconf_lan.c) ---------------------- */

static void
test_lan_defaults(void)
{
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(c.nmbd_mode, MSL_NMBD_AUTO);
	MSL_CHECK(strcmp(c.nmbd_dir, "/run/samba/nmbd") == 0);
	MSL_CHECK_EQ(c.nremote, 0);
	MSL_CHECK_EQ(c.dup_ms, 2000);
}

static void
test_lan_values(void)
{
	msl_netconf_defaults(&c);
	SET_EQ("nmbd coexistence = YES", c.nmbd_mode, MSL_NMBD_YES);
	SET_EQ("nmbd_coexistence = no", c.nmbd_mode, MSL_NMBD_NO);
	MSL_CHECK_EQ(set("nmbd:socket dir = /tmp/x/sock"), 0);
	MSL_CHECK(strcmp(c.nmbd_dir, "/tmp/x/sock") == 0);
	MSL_CHECK_EQ(set("remote broadcast = 10.1.2.255, 10.3.0.7"), 0);
	SET_EQ("remote announce = 10.4.0.255/WG", c.nremote, 3);
	MSL_CHECK_EQ(c.remote[0], inet_addr("10.1.2.255"));
	MSL_CHECK_EQ(c.remote[2], inet_addr("10.4.0.255"));
	SET_EQ("duplicate timeout = 0", c.dup_ms, 0);
	SET_EQ("duplicate timeout = 250ms", c.dup_ms, 250);
	SET_EQ("Duplicate-Timeout = 3s", c.dup_ms, 3000);
}

static void
test_lan_wins_keys(void)
{
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'B');
	SET_EQ("wins server = 10.0.0.1, 10.0.0.2", c.nwins, 2);
	MSL_CHECK_EQ(c.wins[1], inet_addr("10.0.0.2"));
	/* Windows' choice: a name server makes an H-node. */
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'H');
	MSL_CHECK_EQ(set("node type = p"), 0);
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'P');
	MSL_CHECK_EQ(set("node type = M-node"), 0);
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'M');
	MSL_CHECK_EQ(set("node type = 8"), 0);
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'H');
	MSL_CHECK_EQ(set("node type = 1"), 0);
	MSL_CHECK_EQ(msl_netconf_node_type(&c), 'B');
	refused("node type = X", "node type", "'X'");
	MSL_CHECK_EQ(c.announce, 0);
	MSL_CHECK(strcmp(c.server_string, "mailslot") == 0);
	SET_EQ("announce = yes", c.announce, 1);
	MSL_CHECK_EQ(set("server string = mailslot on host 7"), 0);
	MSL_CHECK(strcmp(c.server_string, "mailslot on host 7") == 0);
	refused("announce = sometimes", "announce is yes or no", "'sometimes'");
	refused("server string = 0123456789012345678901234567890123456789abcd", "at most 43 bytes",
	    "'0123456789012345678901234567890123456789abcd'");
	refused("wins server = wins.example", "wins server takes IPv4 addresses", "'wins.example'");
	refused("wins server = 255.255.255.255", "wins server takes IPv4", "'255.255.255.255'");
	refused("wins server = 1.1.1.1 1.1.1.2 1.1.1.3", "too many wins server", "'1.1.1.3'");
}

static void
test_lan_refusals(void)
{
	msl_netconf_defaults(&c);
	refused("nmbd coexistence = maybe", "auto, yes or no", "'maybe'");
	refused("nmbd socket dir = relative", "absolute path", "'relative'");
	refused("remote broadcast = 10.1.2.255 host.example", "IPv4 addresses", "'host.example'");
	refused("remote broadcast = 0.0.0.0", "IPv4 addresses", "'0.0.0.0'");
	refused("remote broadcast = 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9",
	    "too many", "'1.1.1.9'");
	refused("duplicate timeout = -1", "duplicate timeout", "'-1'");
	refused("duplicate timeout = 2 minutes", "duplicate timeout", "'2 minutes'");
	refused("duplicate timeout = 3601", "duplicate timeout", "'3601'");
	refused("duplicate timeout = 99999999999999999999ms", "duplicate timeout", "'99999999999999999999ms'");
}

/* What -t prints reads back into the same settings. */
static void
test_lan_print_reads_back(void)
{
	struct msl_netconf back;
	char line[256];
	FILE *f = tmpfile();

	MSL_CHECK(f != NULL);
	msl_netconf_defaults(&c);
	MSL_CHECK_EQ(set("nmbd coexistence = yes"), 0);
	MSL_CHECK_EQ(set("remote broadcast = 10.1.2.255 10.3.0.7"), 0);
	MSL_CHECK_EQ(set("duplicate timeout = 750ms"), 0);
	msl_netconf_lan_print(&c, f);
	rewind(f);
	msl_netconf_defaults(&back);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		MSL_CHECK_EQ(msl_netconf_assign(&back, line, err, sizeof err), 0);
	}
	fclose(f);
	MSL_CHECK_EQ(back.nmbd_mode, MSL_NMBD_YES);
	MSL_CHECK_EQ(back.nremote, 2);
	MSL_CHECK_EQ(back.remote[1], inet_addr("10.3.0.7"));
	MSL_CHECK_EQ(back.dup_ms, 750);
}

MSL_TEST_LIST(
    MSL_TEST(test_defaults),
    MSL_TEST(test_key_spellings),
    MSL_TEST(test_values),
    MSL_TEST(test_bad_values_name_the_problem),
    MSL_TEST(test_interfaces),
    MSL_TEST(test_interfaces_by_subnet),
    MSL_TEST(test_allow),
    MSL_TEST(test_long_list_is_refused),
    MSL_TEST(test_file_with_comments_and_sections),
    MSL_TEST(test_bad_file_lines_name_file_and_line),
    MSL_TEST(test_longest_line_is_read),
    MSL_TEST(test_missing_file),
    MSL_TEST(test_net_load_order),
    MSL_TEST(test_lan_defaults),
    MSL_TEST(test_lan_values),
    MSL_TEST(test_lan_refusals),
    MSL_TEST(test_lan_wins_keys),
    MSL_TEST(test_lan_print_reads_back),
    MSL_TEST(test_parse_name),
    MSL_TEST(test_samba_vocabulary),
    MSL_TEST(test_print_reads_back),
    MSL_TEST(test_scope),
    MSL_TEST(test_check))
