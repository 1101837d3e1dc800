/* SPDX-License-Identifier: MIT */
/*
 * browse.c - `mailslot browse`: the hosts and workgroups of the LAN, as
 * their browser announcements ([MS-BRWS] §2.2.1, §2.2.4, §2.2.6) tell.
 *
 * Every host that serves files or prints announces itself in
 * \MAILSLOT\BROWSE: HostAnnouncements to WORKGROUP<1D>, a master browser's
 * LocalMasterAnnouncement to WORKGROUP<1E> and its DomainAnnouncement (the
 * workgroup) to __MSBROWSE__<01>.  mailslotd delivers those into the local
 * mailslot \\.\mailslot\browse, which this command reads for a while.
 * It first asks the workgroups to announce again (an AnnouncementRequest,
 * §2.2.2, to each WORKGROUP<00>), since hosts otherwise announce only every
 * 12 minutes.  The list comes from the announcements heard, not from a
 * query to the master browser: its full list is served by the RAP
 * NetServerEnum2 call over an SMB session (TCP), which this project does
 * not speak, and GetBackupListRequest (§2.2.10) only names the backup
 * browsers.
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <arpa/inet.h>

#include <mailslot/mailslot.h>

#include "../core/ctl.h"
#include "../core/daemonctl.h"
#include "cli.h"
#include "fmt.h"
#include "msl_brws.h"

/* [MS-BRWS] §3.2.5, §3.2.6: a host answers an AnnouncementRequest when
 * its response timer, a random time of up to 30 s, runs out; so long is
 * the default listening time.  Samba's nmbd answers within seconds. */
#define DEFAULT_MS 30000
/* What one run lists at most: a fixed table, whatever the LAN sends. */
#define MAX_ENTRIES 256
#define MAX_WORKGROUPS 16

struct entry {
	int workgroup;               /* 1: a workgroup, 0: a host           */
	char name[MSL_BRWS_NAME_LEN + 1];
	char comment[MSL_BRWS_COMMENT_MAX + 1]; /* a workgroup: its master */
	uint32_t ip;                 /* who announced it, network order     */
	uint32_t type;
	uint8_t os_major, os_minor;
};

struct table {
	struct entry v[MAX_ENTRIES];
	int n;
	unsigned dropped; /* entries past MAX_ENTRIES */
};

/* text copies an announcement's field, NUL-free by the codec. */
static void
text(char *out, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* upsert finds the entry (kind, name) or adds it; NULL when full. */
static struct entry *
upsert(struct table *t, int workgroup, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (t->v[i].workgroup == workgroup && strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	if (t->n == MAX_ENTRIES) {
		t->dropped++;
		return NULL;
	}
	struct entry *e = &t->v[t->n++];
	memset(e, 0, sizeof *e);
	e->workgroup = workgroup;
	snprintf(e->name, sizeof e->name, "%s", name);
	return e;
}

/* take records one announcement heard from ip; a LocalMasterAnnouncement
 * also names the master of our workgroup (it is sent to WORKGROUP<1E>,
 * and mailslotd takes only its own workgroup's names). */
static void
take(struct table *t, const struct msl_brws_announce *a, uint32_t ip, const char *our_wg)
{
	char name[MSL_BRWS_NAME_LEN + 1];
	struct entry *e;

	text(name, sizeof name, a->ba_name, a->ba_name_len);
	if ((e = upsert(t, a->ba_opcode == MSL_BRWS_DOMAIN_ANNOUNCEMENT, name)) == NULL)
		return;
	e->ip = ip;
	e->type = a->ba_server_type;
	e->os_major = a->ba_os_major;
	e->os_minor = a->ba_os_minor;
	text(e->comment, sizeof e->comment, a->ba_comment, a->ba_comment_len);
	if (a->ba_opcode == MSL_BRWS_LOCAL_MASTER_ANNOUNCEMENT && (e = upsert(t, 1, our_wg)) != NULL &&
	    e->ip == 0) {
		e->ip = ip;
		e->type = MSL_BRWS_SV_DOMAIN_ENUM;
		snprintf(e->comment, sizeof e->comment, "%s", name);
	}
}

/* roles writes the ServerType bits people ask about, comma-separated. */
static void
roles(uint32_t type, char *out, size_t cap)
{
	static const struct {
		uint32_t bit;
		const char *word;
	} words[] = {
		{ MSL_BRWS_SV_WORKSTATION, "workstation" }, { MSL_BRWS_SV_SERVER, "server" },
		{ MSL_BRWS_SV_DOMAIN_CTRL, "dc" }, { MSL_BRWS_SV_PRINTQ, "print" },
		{ MSL_BRWS_SV_MASTER_BROWSER, "master" }, { MSL_BRWS_SV_BACKUP_BROWSER, "backup" },
		{ MSL_BRWS_SV_DOMAIN_MASTER, "domain_master" },
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if ((type & words[i].bit) != 0 && used < cap)
			used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "," : "", words[i].word);
}

static void
print_json(const struct table *t)
{
	char ip[INET_ADDRSTRLEN], r[128];

	for (int i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		struct in_addr a = { .s_addr = e->ip };
		roles(e->type, r, sizeof r);
		printf("{\"kind\":\"%s\",\"name\":", e->workgroup ? "workgroup" : "host");
		fmt_json_bytes(stdout, (const unsigned char *)e->name, strlen(e->name));
		printf(",\"address\":\"%s\",\"type\":\"0x%08x\",\"roles\":\"%s\",",
		    inet_ntop(AF_INET, &a, ip, sizeof ip), (unsigned)e->type, r);
		if (e->workgroup) {
			printf("\"master\":");
			fmt_json_bytes(stdout, (const unsigned char *)e->comment, strlen(e->comment));
		} else {
			printf("\"os\":\"%u.%u\",\"comment\":", e->os_major, e->os_minor);
			fmt_json_bytes(stdout, (const unsigned char *)e->comment, strlen(e->comment));
		}
		printf("}\n");
	}
}

static void
print_table(const struct table *t)
{
	char ip[INET_ADDRSTRLEN], r[128];

	printf("%-9s %-16s %-15s %-31s %s\n", "KIND", "NAME", "ADDRESS", "ROLES", "COMMENT");
	for (int i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		struct in_addr a = { .s_addr = e->ip };
		roles(e->type, r, sizeof r);
		printf("%-9s ", e->workgroup ? "workgroup" : "host");
		/* Names and comments come from the network: escaped for the
		 * terminal, padded by hand. */
		fmt_escaped(stdout, (const unsigned char *)e->name, strlen(e->name), 0);
		printf("%*s %-15s %-31s ", (int)(16 - (strlen(e->name) < 16 ? strlen(e->name) : 16)), "",
		    inet_ntop(AF_INET, &a, ip, sizeof ip), e->workgroup ? "" : r);
		if (e->workgroup)
			fputs("master ", stdout);
		fmt_escaped(stdout, (const unsigned char *)e->comment, strlen(e->comment), 0);
		putchar('\n');
	}
}

/* request asks the hosts of workgroup wg to announce themselves again. */
static void
request(const char *wg, const char *our_name)
{
	char path[MSL_NBNAME_LEN + 32];
	uint8_t pkt[32];
	size_t len;
	mailslot_client *c;

	snprintf(path, sizeof path, "\\\\%s\\mailslot\\browse", wg);
	if (msl_brws_request_build(our_name, pkt, sizeof pkt, &len) != MSL_PE_OK ||
	    mailslot_open(path, &c) != MAILSLOT_OK)
		return;
	if (mailslot_write(c, pkt, len) != MAILSLOT_OK)
		fprintf(stderr, "mailslot: browse: could not ask %s to announce\n", wg);
	mailslot_client_close(c);
}

/* listen reads announcements until the deadline or a signal. */
static int
listen_for(mailslot_server *s, uint64_t deadline, struct table *t, const char *our_wg)
{
	static uint8_t buf[MSL_CTL_MAX];

	for (;;) {
		uint64_t now = now_ms();
		mailslot_msginfo mi;
		struct msl_brws_announce a;
		size_t len = 0;
		int sig;
		if (now >= deadline)
			return 0;
		struct pollfd p[2] = { { .fd = mailslot_fd(s), .events = POLLIN },
			{ .fd = signal_fd(), .events = POLLIN } };
		uint64_t left = deadline - now;
		if (poll(p, 2, left > 1000 ? 1000 : (int)left) > 0 && (sig = signal_caught()) != 0)
			return sig;
		while (mailslot_read_for(s, buf, sizeof buf, &len, &mi, 0) == MAILSLOT_OK)
			if (mi.remote && msl_brws_announce_parse(buf, len, &a) == MSL_PE_OK)
				take(t, &a, mi.src_ip, our_wg);
	}
}

int
cmd_browse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "workgroup", required_argument, NULL, 'w' },
		{ "no-request", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct table t;
	const char *wgs[MAX_WORKGROUPS];
	int nwg = 0, ask = 1, json = 0, c, sig;
	unsigned long ms = DEFAULT_MS;
	struct msl_ctl_info info;
	mailslot_options o;
	mailslot_server *s;
	mailslot_err e;
	pid_t dpid;

	while ((c = getopt_long(argc, argv, ":t:w:njh", opts, NULL)) != -1) {
		if (c == 't' && parse_uint(optarg, UINT32_MAX - 1, &ms) != 0)
			return bad_usage("browse", "--timeout needs milliseconds, not '%s'", optarg);
		else if (c == 'w' && nwg == MAX_WORKGROUPS)
			return bad_usage("browse", "at most %d --workgroup options", MAX_WORKGROUPS);
		else if (c == 'w')
			wgs[nwg++] = optarg;
		else if (c == 'n')
			ask = 0;
		else if (c == 'j')
			json = 1;
		else if (c == 'h')
			return usage(0);
		else if (c != 't')
			return getopt_fail("browse", c, argv);
	}
	if (optind != argc)
		return bad_usage("browse", "unexpected argument '%s'", argv[optind]);
	/* Announcements arrive on UDP 138, which only mailslotd reads. */
	if ((e = msl_daemon_info(&info, &dpid)) != MAILSLOT_OK)
		return fail("browse", "(needs mailslotd)", e, AT_OTHER);
	info.name[MSL_NBNAME_CHARS] = info.workgroup[MSL_NBNAME_CHARS] = '\0';
	mailslot_options_init(&o);
	o.read_timeout_ms = 0;
	if ((e = mailslot_create("\\\\.\\mailslot\\browse", &o, &s)) != MAILSLOT_OK)
		return fail("browse", "\\\\.\\mailslot\\browse", e, AT_CREATE);
	if (signals_catch() != 0)
		return fail("browse", NULL, MAILSLOT_E_SYS, AT_OTHER);
	uint64_t deadline = now_ms() + ms;
	if (ask) {
		request(info.workgroup, info.name);
		for (int i = 0; i < nwg; i++)
			request(wgs[i], info.name);
	}
	sig = listen_for(s, deadline, &t, info.workgroup);
	mailslot_close(s);
	if (sig != 0)
		return die_of(sig);
	if (json)
		print_json(&t);
	else
		print_table(&t);
	if (t.dropped > 0)
		fprintf(stderr, "mailslot: browse: %u more names not listed (at most %d)\n", t.dropped,
		    MAX_ENTRIES);
	return EX_OK;
}
