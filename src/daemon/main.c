/* SPDX-License-Identifier: MIT */
/*
 * mailslotd - the network side of a host's mailslots.
 *
 * It owns UDP 138 (the NetBIOS datagram service, RFC 1002 §6), turns each
 * Remote Mailslot Protocol datagram addressed to this node into a message
 * in the local mailslot of that name, answers NetBIOS name queries for the
 * node's name on UDP 137 so that peers can resolve \\THISHOST (registering
 * and defending its names as a B-node, register.c), and sends
 * datagrams for local writers of \\host, \\domain and \\* names so that
 * they leave from port 138 (docs/protocol.md §2.3: Windows replies go to 138).
 *
 * One thread, one epoll set, no queue of its own: a datagram is parsed and
 * delivered (or dropped and counted) before the next one is read, so
 * memory stays bounded under any flood and the kernel's receive buffer is
 * the only backlog.  daemon.h maps the files; this one reads the command
 * line and the configuration, binds the ports, drops root and starts the
 * loop.  Exit statuses follow sysexits(3), as mailslotd(8) lists them.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "daemon.h"

/* The -o options a command line may give. */
#define MAX_SETS 64

struct options {
	const char *path; /* -c, or NULL */
	char *sets[MAX_SETS];
	int nsets;
	int check;        /* -t */
};

static void
usage(FILE *to)
{
	fprintf(to,
	    "usage: mailslotd [-c FILE] [-o 'KEY=VALUE']... [-t]\n"
	    "  Receives Remote Mailslot Protocol datagrams on UDP 138 for this host's\n"
	    "  local mailslots, answers NetBIOS name queries for its name on UDP 137,\n"
	    "  and sends datagrams for local writers of remote names.  Runs in the\n"
	    "  foreground and logs to stderr (the journal under systemd).\n"
	    "  -c FILE       configuration file (default $MAILSLOT_CONFIG, else %s)\n"
	    "  -o KEY=VALUE  one setting, applied after the file (repeatable): netbios name,\n"
	    "                workgroup, port, ns port, user, log level, interfaces, allow,\n"
	    "                netbios aliases, netbios scope\n"
	    "  -t            check the configuration, print it and exit\n"
	    "  -h, --help    this text;  -V, --version  the version\n",
	    MSL_NET_CONF_PATH);
}

/* parse_options reads the command line into o; it returns -1 to go on,
 * or the status to exit with. */
static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:o:thV", longopts, NULL)) != -1) {
		if (c == 'c') {
			o->path = optarg;
		} else if (c == 'o' && o->nsets < MAX_SETS) {
			o->sets[o->nsets++] = optarg;
		} else if (c == 'o') {
			fprintf(stderr, "mailslotd: too many -o options\n");
			return EX_USAGE;
		} else if (c == 't') {
			o->check = 1;
		} else if (c == 'h') {
			usage(stdout);
			return EX_OK;
		} else if (c == 'V') {
			printf("mailslotd %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
			    MAILSLOT_VERSION_PATCH);
			return EX_OK;
		} else {
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	return -1;
}

/*
 * configure reads the configuration file into c, then applies the -o
 * options, then checks what parsing cannot (msl_netconf_check).  On
 * failure err holds the reason(s) and the exit status is returned.
 */
static int
configure(struct msl_netconf *c, const struct options *o, char *err, size_t errcap)
{
	if (msl_net_load(c, o->path, err, errcap) != 0)
		return EX_CONFIG;
	for (int i = 0; i < o->nsets; i++) {
		char why[512];
		if (strchr(o->sets[i], '=') == NULL) {
			snprintf(err, errcap, "-o %s: expected KEY=VALUE", o->sets[i]);
			return EX_USAGE;
		}
		if (msl_netconf_assign(c, o->sets[i], why, sizeof why) != 0) {
			snprintf(err, errcap, "-o %s: %s", o->sets[i], why);
			return EX_CONFIG;
		}
	}
	/* The user matters when root starts the daemon, and to -t, which
	 * checks a configuration for such a start. */
	if (msl_netconf_check(c, o->check || geteuid() == 0, err, errcap) != 0) {
		/* One problem per line; the last newline is the caller's. */
		size_t n = strlen(err);
		if (n > 0 && err[n - 1] == '\n')
			err[n - 1] = '\0';
		return EX_CONFIG;
	}
	return EX_OK;
}

/* The command line, kept for reloads. */
static struct options opts;

/*
 * reload reads the configuration again on SIGHUP.  Names, aliases, the
 * allow and deny lists, interfaces and the log level change at once; the
 * ports and the user are the sockets' and the process's, so a change to
 * them waits for a restart.  A configuration that does not load leaves
 * the running one in place.
 */
static void
reload(struct msld *d)
{
	static struct msl_netconf c;
	char err[1024];

	msld_notify("RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)msld_monotonic_us());
	if (configure(&c, &opts, err, sizeof err) != EX_OK) {
		for (char *line = strtok(err, "\n"); line != NULL; line = strtok(NULL, "\n"))
			msld_log(d, MSL_LOG_ERROR, "event=reload result=refused reason=\"%s\"", line);
		msld_notify("READY=1\nSTATUS=configuration refused, the previous one stays: see the log");
		return;
	}
	if (c.port != d->conf.port || c.ns_port != d->conf.ns_port || strcmp(c.user, d->conf.user) != 0)
		msld_log(d, MSL_LOG_WARN, "event=reload note=\"port, ns port and user change only on a restart\"");
	c.port = d->conf.port;
	c.ns_port = d->conf.ns_port;
	memcpy(c.user, d->conf.user, sizeof c.user);
	/* So do the mode beside nmbd and the WINS client's servers. */
	c.nmbd_mode = d->conf.nmbd_mode;
	memcpy(c.nmbd_dir, d->conf.nmbd_dir, sizeof c.nmbd_dir);
	c.nwins = d->conf.nwins;
	memcpy(c.wins, d->conf.wins, sizeof c.wins);
	c.node_type = d->conf.node_type;
	d->conf = c;
	msld_names_reload(d);
	msld_log(d, MSL_LOG_INFO, "event=reload result=ok name=%s workgroup=%s", c.name, c.workgroup);
	msld_notify("READY=1\nSTATUS=%s in workgroup %s (reloaded)", c.name, c.workgroup);
}

/* drop_privileges gives up root once every socket is bound. */
static int
drop_privileges(const struct msld *d)
{
	const char *user = d->conf.user;
	struct passwd *pw;

	if (geteuid() != 0 || strcmp(user, "root") == 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		msld_log(d, MSL_LOG_ERROR, "event=start user=%s reason=\"no such user (set 'user' in the configuration)\"",
		    user);
		return EX_CONFIG;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start user=%s reason=\"cannot switch: %s\"", user, strerror(errno));
		return EX_NOPERM;
	}
	msld_log(d, MSL_LOG_INFO, "event=start user=%s", user);
	return 0;
}

/* start binds every port while still root, then drops root, opens the
 * outbox as the unprivileged user and watches every descriptor. */
static int
start(struct msld *d)
{
	int rc;

	d->dgm = (struct msld_watch){ MSLD_T_DGM, -1 };
	d->ns = (struct msld_watch){ MSLD_T_NS, -1 };
	d->listen = (struct msld_watch){ MSLD_T_LISTEN, -1 };
	d->sig = (struct msld_watch){ MSLD_T_SIGNAL, -1 };
	d->out = (struct msld_watch){ MSLD_T_OUTBOX, -1 };
	for (int i = 0; i < MSLD_CLIENTS; i++)
		d->clients[i] = (struct msld_watch){ MSLD_T_CLIENT, -1 };
	if (msld_loop_open(d) != 0 || msld_relays_init(d) != 0)
		return EX_OSERR;
	/* Beside Samba's nmbd, which owns the ports, datagrams come through
	 * it (nmbdlink.c). */
	d->coexist = msld_nmbd_wanted(d);
	if (d->coexist && msld_nmbd_open(d) != 0)
		return EX_UNAVAILABLE;
	if ((!d->coexist && (d->dgm.fd = msld_udp_open(d, d->conf.port, "datagram service")) < 0) ||
	    (!d->coexist && d->conf.ns_port != 0 &&
	    (d->ns.fd = msld_udp_open(d, d->conf.ns_port, "name service")) < 0) ||
	    (d->listen.fd = msld_control_listen(d)) < 0)
		return EX_UNAVAILABLE;
	if ((rc = drop_privileges(d)) != 0)
		return rc;
	if (msld_outbox_open(d) != 0)
		return EX_UNAVAILABLE;
	if (msld_watch_add(d, &d->dgm) != 0 || (d->ns.fd >= 0 && msld_watch_add(d, &d->ns) != 0) ||
	    msld_watch_add(d, &d->listen) != 0 || msld_watch_add(d, &d->sig) != 0 ||
	    msld_watch_add(d, &d->out) != 0 || msld_ifaces_open(d) != 0)
		return EX_OSERR;
	/* names (issue 13): register the names; the loop takes the retries. */
	if (msld_names_start(d) != 0)
		return EX_OSERR;
	if (msld_wins_open(d) != 0 || msld_announce_open(d) != 0)
		return EX_UNAVAILABLE;
	msld_log(d, MSL_LOG_INFO, "event=ready name=%s workgroup=%s port=%u ns_port=%u",
	    d->conf.name, d->conf.workgroup, d->conf.port, d->conf.ns_port);
	msld_notify("READY=1\nSTATUS=%s in workgroup %s: datagrams on UDP %u, names on %s%u",
	    d->conf.name, d->conf.workgroup, d->conf.port, d->conf.ns_port ? "UDP " : "off ",
	    d->conf.ns_port);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	/* The one state of the daemon; static, as it is large and lives as
	 * long as the process. */
	static struct msld d;
	char err[1024];
	int rc;

	d.journal = getenv("JOURNAL_STREAM") != NULL;
	d.conf.log_level = MSL_LOG_INFO;
	if ((rc = parse_options(argc, argv, &opts)) >= 0)
		return rc;
	/* What -t refuses, start-up refuses too (exit 78, EX_CONFIG), so that
	 * a daemon never starts deaf; systemd does not restart on it. */
	if ((rc = configure(&d.conf, &opts, err, sizeof err)) != EX_OK) {
		for (char *line = strtok(err, "\n"); line != NULL; line = strtok(NULL, "\n"))
			fprintf(stderr, "mailslotd: %s\n", line);
		return rc;
	}
	if (opts.check) {
		msl_netconf_print(&d.conf, stdout);
		return EX_OK;
	}
	d.reload = reload;
	if ((rc = start(&d)) != EX_OK)
		return rc;
	rc = msld_run(&d);
	msld_wins_close(&d);
	/* names (issue 13): RFC 1002 §5.1.1.3, release what we hold. */
	msld_names_release(&d);
	msld_relay_close_all(&d);
	msld_udp_gro_close(&d);
	mailslot_close(d.outbox);
	return rc;
}
