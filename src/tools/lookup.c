/* SPDX-License-Identifier: MIT */
/*
 * lookup.c - `mailslot lookup`: who holds a NetBIOS name, and which names
 * a node holds (names, issue 13), so that no Samba tool is needed.
 *
 * A name query (RFC 1002 §4.2.12) is broadcast on every interface (or to
 * -B ADDR), or sent to a name server with -U (RD set, B clear), three
 * times 250 ms apart until something answers (BCAST_REQ_RETRY_TIMEOUT and
 * _COUNT, RFC 1002 §6); a broadcast collects answers until the timeout,
 * since a group name has many owners.  --status sends a node status
 * request (§4.2.17) to an address, or to each address the name has.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <arpa/inet.h>

#include <mailslot/mailslot.h>

#include "../net/iface.h"
#include "../net/nbquery.h"
#include "../net/netconf.h"
#include "../platform/platform.h"
#include "cli.h"
#include "fmt.h"

#define RETRY_MS 250
#define RETRIES 3
#define DEFAULT_TIMEOUT_MS 1000
/* Distinct answers kept: far more than a LAN has owners of one name. */
#define MAX_ANSWERS 64

struct lookup {
	struct msl_netconf conf;
	int json, status;
	unsigned long timeout_ms;
	uint32_t server;     /* -U, network order; 0: broadcast      */
	uint32_t bcast;      /* -B, network order; 0: every interface */
	struct msl_nbname name;
	struct msl_nbns_addr found[MAX_ANSWERS];
	uint32_t found_from[MAX_ANSWERS];
	size_t nfound;
	int negative;        /* a name server said no (RCODE)       */
	int json_items;      /* JSON array items printed so far     */
};

static const char *const node_types[] = { "B", "P", "M", "H" };

/* ip_text formats a network-order address; four rotating buffers, so a
 * printf may take several. */
static const char *
ip_text(uint32_t ip)
{
	static char buf[4][INET_ADDRSTRLEN];
	static unsigned next;
	char *b = buf[next++ % 4];
	struct in_addr a = { .s_addr = ip };

	return inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN);
}

/* json_bytes writes n name bytes as a JSON string's contents. */
static void
json_bytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\u%04x", p[i]);
	}
}

/* trimmed returns how many of the 15 name characters are not padding. */
static size_t
trimmed(const uint8_t raw[MSL_NBNAME_LEN])
{
	size_t n = MSL_NBNAME_CHARS;

	while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\0'))
		n--;
	return n;
}

/* parse_target reads NAME[#XX] (XX the hex suffix, default 00). */
static int
parse_target(struct lookup *l, const char *arg)
{
	char name[MSL_NBNAME_CHARS + 1];
	const char *hash = strchr(arg, '#');
	size_t n = hash ? (size_t)(hash - arg) : strlen(arg);
	unsigned long suffix = 0;
	char *end;

	if (n == 0 || n > MSL_NBNAME_CHARS)
		return bad_usage("lookup", "a NetBIOS name has 1-15 characters: '%s'", arg);
	if (hash != NULL) {
		suffix = strtoul(hash + 1, &end, 16);
		if (hash[1] == '\0' || *end != '\0' || suffix > 0xff || strlen(hash + 1) > 2)
			return bad_usage("lookup", "the suffix after '#' is two hex digits: '%s'", arg);
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	if (msl_nbname_make(&l->name, name, (uint8_t)suffix, l->conf.scope) != MSL_PE_OK)
		return bad_usage("lookup", "not a NetBIOS name: '%s'", arg);
	return 0;
}

/* remember keeps one answer's address entries, without repeats. */
static void
remember(struct lookup *l, const struct msl_nbq_answer *a)
{
	for (size_t i = 0; i < a->r.nr_naddr; i++) {
		struct msl_nbns_addr e;
		int seen = 0;
		if (msl_nbns_response_addr(&a->r, i, &e) != MSL_PE_OK)
			continue;
		for (size_t j = 0; j < l->nfound; j++)
			seen |= l->found[j].na_ip == e.na_ip && l->found_from[j] == a->from;
		if (!seen && l->nfound < MAX_ANSWERS) {
			l->found[l->nfound] = e;
			l->found_from[l->nfound++] = a->from;
		}
	}
}

/*
 * ask sends q to the targets and collects answers: sent again every
 * 250 ms until one comes (at most 3 times); a broadcast then listens
 * until the timeout, a unicast stops at its answer.  sink gets each.
 */
static int
ask(struct lookup *l, struct msl_nbq *q, const uint32_t *dst, int ndst, int bcast,
    void (*sink)(struct lookup *, const struct msl_nbq_answer *, int))
{
	static struct msl_nbq_answer a;
	uint64_t end = msl_now_ns() + l->timeout_ms * 1000000ull;
	int answers = 0;

	for (int t = 0; msl_now_ns() < end; t++) {
		if (t < RETRIES && answers == 0)
			for (int i = 0; i < ndst; i++)
				(void)msl_nbq_send(q, dst[i], l->conf.ns_port, bcast, !bcast);
		uint64_t until = (t < RETRIES - 1 && answers == 0) ?
		    msl_now_ns() + RETRY_MS * 1000000ull : end;
		if (until > end)
			until = end;
		int r;
		while ((r = msl_nbq_next(q, until, &a)) > 0) {
			answers++;
			sink(l, &a, r);
			if (!bcast)
				return answers;
		}
		if (r < 0)
			return -1;
	}
	return answers;
}

/* name_sink prints one name query answer. */
static void
name_sink(struct lookup *l, const struct msl_nbq_answer *a, int r)
{
	char nb[MSL_NBNAME_FMT_MAX];
	size_t before = l->nfound;

	msl_nbname_format(&a->r.nr_name, nb, sizeof nb);
	if (r == 2) {
		l->negative = a->r.nr_rcode;
		if (!l->json)
			printf("%s: %s answers that there is no such name (RCODE %u)\n", nb,
			    ip_text(a->from), a->r.nr_rcode);
		return;
	}
	remember(l, a);
	for (size_t i = before; i < l->nfound; i++) {
		const struct msl_nbns_addr *e = &l->found[i];
		const char *node = node_types[(e->na_flags & MSL_NBNS_NB_ONT_MASK) >> MSL_NBNS_NB_ONT_SHIFT];
		int group = (e->na_flags & MSL_NBNS_NB_GROUP) != 0;
		uint32_t ip = htonl(e->na_ip);
		if (l->json) {
			printf("%s{\"from\":\"%s\",\"ip\":\"%s\",\"group\":%s,\"node\":\"%s\"}",
			    l->json_items++ ? "," : "", ip_text(a->from), ip_text(ip),
			    group ? "true" : "false", node);
		} else {
			printf("%s %s %s %s-node", ip_text(ip), nb, group ? "group" : "unique", node);
			if (a->from != ip)
				printf(" (answered by %s)", ip_text(a->from));
			putchar('\n');
		}
	}
}

/* status_flag_words lists NAME_FLAGS (RFC 1002 §4.2.18) as words. */
static void
status_flag_words(uint16_t f, int json)
{
	static const struct { uint16_t bit; const char *word; } w[] = {
		{ MSL_NBNS_NAME_ACT, "active" }, { MSL_NBNS_NAME_CNF, "conflict" },
		{ MSL_NBNS_NAME_DRG, "releasing" }, { MSL_NBNS_NAME_PRM, "permanent" },
	};
	int first = 1;

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		if (json)
			printf(",\"%s\":%s", w[i].word, (f & w[i].bit) ? "true" : "false");
		else if (f & w[i].bit)
			printf("%s%s", first ? " " : ",", w[i].word), first = 0;
	}
}

/* status_sink prints one node status answer. */
static void
status_sink(struct lookup *l, const struct msl_nbq_answer *a, int r)
{
	const uint8_t *u = a->s.ns_unit_id;

	(void)r;
	if (l->json)
		printf("%s{\"ip\":\"%s\",\"names\":[", l->json_items++ ? "," : "", ip_text(a->from));
	else
		printf("Node status of %s:\n", ip_text(a->from));
	for (size_t i = 0; i < a->s.ns_nnames; i++) {
		struct msl_nbns_node_name nn;
		if (msl_nbns_status_name(&a->s, i, &nn) != MSL_PE_OK)
			continue;
		size_t n = trimmed(nn.nn_raw);
		int group = (nn.nn_flags & MSL_NBNS_NB_GROUP) != 0;
		const char *node = node_types[(nn.nn_flags & MSL_NBNS_NB_ONT_MASK) >> MSL_NBNS_NB_ONT_SHIFT];
		if (l->json) {
			printf("%s{\"name\":\"", i ? "," : "");
			json_bytes(nn.nn_raw, n);
			printf("\",\"suffix\":\"%02x\",\"group\":%s,\"node\":\"%s\"", nn.nn_raw[15],
			    group ? "true" : "false", node);
			status_flag_words(nn.nn_flags, 1);
			putchar('}');
		} else {
			printf("  ");
			fmt_escaped(stdout, nn.nn_raw, n, 0);
			printf("%*s <%02x> %-6s %s-node", (int)(MSL_NBNAME_CHARS - n), "", nn.nn_raw[15],
			    group ? "group" : "unique", node);
			status_flag_words(nn.nn_flags, 0);
			putchar('\n');
		}
	}
	if (l->json)
		printf("],\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"}", u[0], u[1], u[2], u[3], u[4], u[5]);
	else
		printf("  MAC address %02x:%02x:%02x:%02x:%02x:%02x\n", u[0], u[1], u[2], u[3], u[4], u[5]);
}

/* status_of asks each address in ips for its node status. */
static int
status_of(struct lookup *l, const uint32_t *ips, size_t n)
{
	struct msl_nbname star;
	struct msl_nbq q;
	int answered = 0;

	/* RFC 1002 §4.2.17: the question is "*", in our scope. */
	if (msl_nbname_make(&star, "*", 0, l->conf.scope) != MSL_PE_OK)
		return -1;
	if (l->json)
		printf("\"status\":[");
	l->json_items = 0;
	for (size_t i = 0; i < n; i++) {
		if (msl_nbq_open(&q, &star, 1) != 0)
			return -1;
		int r = ask(l, &q, &ips[i], 1, 0, status_sink);
		msl_nbq_close(&q);
		if (r < 0)
			return -1;
		if (r == 0 && !l->json)
			printf("%s: no node status answer\n", ip_text(ips[i]));
		answered += r > 0;
	}
	if (l->json)
		printf("]");
	return answered;
}

/* query_name asks who holds l->name; returns how many answers came. */
static int
query_name(struct lookup *l)
{
	struct msl_net_iface ifs[MSL_NET_MAX_IFACES];
	uint32_t dst[MSL_NET_MAX_IFACES];
	char nb[MSL_NBNAME_FMT_MAX];
	struct msl_nbq q;
	int n = 0;

	if (l->server != 0) {
		dst[n++] = l->server;
	} else if (l->bcast != 0) {
		dst[n++] = l->bcast;
	} else {
		int nif = msl_net_ifaces(&l->conf, ifs, MSL_NET_MAX_IFACES);
		for (int i = 0; i < nif; i++)
			dst[n++] = ifs[i].bcast;
	}
	if (n == 0) {
		fprintf(stderr, "mailslot lookup: no broadcast-capable IPv4 interface (give -B or -U)\n");
		return -1;
	}
	if (msl_nbq_open(&q, &l->name, 0) != 0)
		return -1;
	msl_nbname_format(&l->name, nb, sizeof nb);
	if (l->json) {
		printf("{\"name\":\"");
		json_bytes((const uint8_t *)nb, strlen(nb));
		printf("\",\"answers\":[");
	}
	int r = ask(l, &q, dst, n, l->server == 0, name_sink);
	msl_nbq_close(&q);
	if (l->json)
		printf("]");
	if (r == 0 && !l->json)
		fprintf(stderr, "mailslot lookup: nobody answered for %s\n", nb);
	return r;
}

/* parse_ip reads a dotted IPv4 address into network order. */
static int
parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a.s_addr;
	return 0;
}

/* parse_args fills l from the command line; -1 to go on, else the exit
 * status. */
static int
parse_args(struct lookup *l, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "broadcast", required_argument, NULL, 'B' },
		{ "server", required_argument, NULL, 'U' },
		{ "status", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "scope", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[1024];
	int c;

	if (msl_net_load(&l->conf, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "mailslot lookup: %s\n", err);
		return EX_CONFIG;
	}
	l->timeout_ms = DEFAULT_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, ":B:U:Ajt:s:h", opts, NULL)) != -1) {
		if ((c == 'B' && parse_ip(optarg, &l->bcast) != 0) ||
		    (c == 'U' && parse_ip(optarg, &l->server) != 0))
			return bad_usage("lookup", "not an IPv4 address: '%s'", optarg);
		else if (c == 'A')
			l->status = 1;
		else if (c == 'j')
			l->json = 1;
		else if (c == 't' && (parse_uint(optarg, 3600000, &l->timeout_ms) != 0 || l->timeout_ms == 0))
			return bad_usage("lookup", "--timeout takes 1-3600000 milliseconds: '%s'", optarg);
		else if (c == 's' && strlen(optarg) < sizeof l->conf.scope &&
		    msl_nbname_make(&l->name, "X", 0, optarg) == MSL_PE_OK)
			memcpy(l->conf.scope, optarg, strlen(optarg) + 1);
		else if (c == 's')
			return bad_usage("lookup", "not a NetBIOS scope: '%s'", optarg);
		else if (c == 'h')
			return usage(0);
		else if (c != 'B' && c != 'U' && c != 't')
			return getopt_fail("lookup", c, argv);
	}
	if (optind + 1 != argc)
		return bad_usage("lookup", optind == argc ? "missing NAME (or, with --status, an address)" :
		    "unexpected argument '%s'", argv[optind + (optind < argc)]);
	if (l->server != 0 && l->bcast != 0)
		return bad_usage("lookup", "-B and -U exclude each other");
	return -1;
}

int
cmd_lookup(int argc, char **argv)
{
	static struct lookup l;
	uint32_t ips[MAX_ANSWERS];
	size_t nips = 0;
	int rc, r;

	memset(&l, 0, sizeof l);
	if ((rc = parse_args(&l, argc, argv)) >= 0)
		return rc;
	const char *target = argv[optind];
	if (l.status && parse_ip(target, &ips[0]) == 0) {
		/* -A style: the node at that address. */
		if (l.json)
			putchar('{');
		r = status_of(&l, ips, 1);
	} else {
		if ((rc = parse_target(&l, target)) != 0)
			return rc;
		r = query_name(&l);
		if (r > 0 && l.status) {
			for (size_t i = 0; i < l.nfound; i++)
				ips[nips++] = htonl(l.found[i].na_ip);
			if (l.json)
				putchar(',');
			r = status_of(&l, ips, nips);
		}
	}
	if (l.json)
		printf("}\n");
	if (fflush(stdout) != 0)
		return EX_IOERR;
	if (r < 0) {
		perror("mailslot lookup");
		return EX_OSERR;
	}
	return r > 0 && !(l.negative && l.nfound == 0) ? 0 : EX_NOHOST;
}
