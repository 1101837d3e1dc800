/* SPDX-License-Identifier: MIT */
/*
 * register.c - owning the node's names as an RFC 1001/1002 B-node (names,
 * issue 13): registering them by broadcast at start, defending the held
 * ones, giving one up when another node defends it first, releasing them
 * at stop.
 *
 * RFC 1002 §5.1.1.1 (B-node add name; RFC 1001 §15.2.2.1 tells the same
 * exchange in prose): broadcast a NAME REGISTRATION REQUEST, BCAST_REQ_RETRY_COUNT (3) times BCAST_REQ_RETRY_TIMEOUT
 * (250 ms) apart; a NEGATIVE NAME REGISTRATION RESPONSE means another node
 * owns the name; silence means the name is ours, which a NAME OVERWRITE
 * DEMAND tells everyone.  RFC 1002 §5.1.1.5 (B-node incoming packets): a
 * registration of a name we hold as unique, or of a group name we hold as
 * unique, gets a negative response (ACT_ERR: the name is active here); a
 * NAME CONFLICT DEMAND puts a held name in conflict.  B-nodes do not
 * refresh: refreshing is between a P/M-node and its name server (RFC 1001
 * §15.1.7), and a broadcast-registered name lasts until it is released.
 * §5.1.1.3 (delete name): one broadcast NAME RELEASE REQUEST.
 *
 * The retries run on a timerfd in the event loop, so the daemon answers
 * and delivers while its names are being registered.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "../net/iface.h"
#include "../platform/platform.h"
#include "daemon.h"

/* RFC 1002 §6: BCAST_REQ_RETRY_TIMEOUT and BCAST_REQ_RETRY_COUNT. */
#define RETRY_NS (250ull * 1000000ull)
#define RETRY_COUNT 3u
/* The TTL our registrations carry: the one our query answers carry
 * (names.c), since a B-node's names do not expire (RFC 1001 §15.1.1.1). */
#define REG_TTL_S 300000u
/* A packet with a name of the longest scope and one record. */
#define PKT_MAX (MSL_NBNS_HDR_LEN + 2 * MSL_NBNAME_WIRE_MAX + 32)

/* new_trn_id picks an unpredictable NAME_TRN_ID, so that a forged
 * negative answer to our registration is a guess. */
static uint16_t
new_trn_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
		id = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	return id;
}

/* log_name logs one event about entry e; what is the rest of the line. */
static void
log_name(const struct msld *d, int level, const struct msld_name *e, const char *result,
    const char *rest)
{
	char nb[MSL_NBNAME_FMT_MAX], kv[MSL_NBNAME_FMT_MAX * 4 + 3];

	msl_nbname_format(&e->nb, nb, sizeof nb);
	msld_log(d, level, "event=name name=%s type=%s result=%s%s", msld_kv(nb, kv, sizeof kv),
	    e->group ? "group" : "unique", result, rest);
}

/* broadcast sends p on every interface's directed broadcast, with that
 * interface's address in the record (RFC 1002 §4.2.2: NB_ADDRESS is the
 * owner's), from the name service socket.  Returns how many went out. */
static int
broadcast(struct msld *d, struct msl_nbns_pkt *p)
{
	struct msl_net_iface ifs[MSL_NET_MAX_IFACES];
	int nif = msl_net_ifaces(&d->conf, ifs, MSL_NET_MAX_IFACES), sent = 0;

	for (int i = 0; i < nif; i++) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(d->conf.ns_port),
			.sin_addr.s_addr = ifs[i].bcast };
		uint8_t buf[PKT_MAX];
		size_t len;

		p->np_addr.na_ip = ntohl(ifs[i].addr);
		if (msl_nbns_pkt_build(p, buf, sizeof buf, &len) == MSL_PE_OK &&
		    sendto(d->ns.fd, buf, len, 0, (const struct sockaddr *)&to, sizeof to) == (ssize_t)len)
			sent++;
	}
	return sent;
}

/* nb_flags is the NB_FLAGS of one of our names: B-node, group or not. */
static uint16_t
nb_flags(const struct msld_name *e)
{
	return MSL_NBNS_NB_FLAGS(e->group, MSL_NBDGM_NODE_B);
}

/* arm sets the timer to the earliest step due, or disarms it. */
static void
arm(struct msld *d)
{
	struct itimerspec its = { 0 };
	uint64_t due = 0;

	for (unsigned i = 0; i < d->nnames; i++)
		if (d->names[i].due != 0 && (due == 0 || d->names[i].due < due))
			due = d->names[i].due;
	its.it_value.tv_sec = (time_t)(due / 1000000000ull);
	its.it_value.tv_nsec = (long)(due % 1000000000ull);
	if (d->name_timer.fd >= 0)
		timerfd_settime(d->name_timer.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* step takes entry e's next registration step if it is due. */
static void
step(struct msld *d, struct msld_name *e, uint64_t now)
{
	struct msl_nbns_pkt p;

	if (e->state != MSLD_NAME_REGISTERING || e->due == 0 || e->due > now)
		return;
	if (e->sent == 0)
		e->trn_id = new_trn_id();
	if (e->sent < RETRY_COUNT) {
		msl_nbns_register_init(&p, e->trn_id, &e->nb, REG_TTL_S, nb_flags(e), 0, 1);
		if (broadcast(d, &p) > 0)
			d->stats.n[MSLD_C_name_registrations]++;
		e->sent++;
		e->due = now + RETRY_NS;
		return;
	}
	/* RFC 1002 §5.1.1.1: nobody objected; the name is ours. */
	msl_nbns_overwrite_init(&p, e->trn_id, &e->nb, REG_TTL_S, nb_flags(e), 0);
	(void)broadcast(d, &p);
	e->state = MSLD_NAME_HELD;
	e->due = 0;
	log_name(d, MSL_LOG_INFO, e, "held", "");
}

/* begin_new starts registering the entries that have not started. */
static void
begin_new(struct msld *d, uint64_t now)
{
	for (unsigned i = 0; i < d->nnames; i++) {
		struct msld_name *e = &d->names[i];
		if (e->state == MSLD_NAME_REGISTERING && e->sent == 0 && e->due == 0)
			e->due = now;
	}
}

/* broadcasts tells whether names go by broadcast here: not without a
 * name service socket (ns port = 0, or beside nmbd, which owns the port),
 * and not for a P-node, which owns its names through its WINS server
 * alone (RFC 1001 §10.2; wins.c). */
static int
broadcasts(const struct msld *d)
{
	return d->ns.fd >= 0 && msl_netconf_node_type(&d->conf) != 'P';
}

/* run_steps takes every due step and sets the timer for the next. */
static void
run_steps(struct msld *d)
{
	uint64_t now = msl_now_ns();

	begin_new(d, now);
	for (unsigned i = 0; i < d->nnames; i++)
		step(d, &d->names[i], now);
	msld_names_count_held(d);
	arm(d);
}

int
msld_names_start(struct msld *d)
{
	struct msld_name gone[MSLD_NAMES];

	d->name_timer = (struct msld_watch){ MSLD_T_NAMES, -1 };
	(void)msld_names_load(d, gone);
	if (!broadcasts(d))
		return 0;
	d->name_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->name_timer.fd < 0 || msld_watch_add(d, &d->name_timer) != 0)
		return -1;
	run_steps(d);
	return 0;
}

void
msld_on_name_timer(struct msld *d)
{
	uint64_t expirations;

	if (read(d->name_timer.fd, &expirations, sizeof expirations) < 0 && errno == EAGAIN)
		return;
	run_steps(d);
}

/* release_one broadcasts a NAME RELEASE REQUEST for e (RFC 1002 §4.2.9)
 * if it is ours to release. */
static void
release_one(struct msld *d, const struct msld_name *e)
{
	struct msl_nbns_pkt p;

	if (e->state != MSLD_NAME_HELD && e->state != MSLD_NAME_REGISTERING)
		return;
	msl_nbns_release_init(&p, new_trn_id(), &e->nb, nb_flags(e), 0, 1);
	if (broadcast(d, &p) > 0)
		d->stats.n[MSLD_C_name_releases]++;
	log_name(d, MSL_LOG_INFO, e, "released", "");
}

void
msld_names_reload(struct msld *d)
{
	struct msld_name gone[MSLD_NAMES];
	unsigned n = msld_names_load(d, gone);

	if (!broadcasts(d))
		return;
	for (unsigned i = 0; i < n; i++)
		release_one(d, &gone[i]);
	run_steps(d);
}

void
msld_names_release(struct msld *d)
{
	if (!broadcasts(d))
		return;
	for (unsigned i = 0; i < d->nnames; i++)
		release_one(d, &d->names[i]);
}

/*
 * defend answers another node's registration, overwrite demand or
 * refresh of a name we hold (RFC 1002 §5.1.1.5): a unique name is
 * defended against every claim, a group name only against a unique one.
 */
static void
defend(struct msld *d, struct msld_name *e, const struct msl_nbns_pkt *p, const struct msld_rx *rx)
{
	char ip[INET_ADDRSTRLEN], rest[64];
	struct msl_nbns_pkt r;
	uint8_t buf[PKT_MAX];
	size_t len;

	if (e->state != MSLD_NAME_HELD ||
	    (e->group && (p->np_addr.na_flags & MSL_NBNS_NB_GROUP) != 0))
		return;
	/* RFC 1002 §4.2.6: ACT_ERR, the name is active on this node; the
	 * record echoes the request's, as Samba's nmbd does too. */
	msl_nbns_reply_init(&r, p, MSL_NBNS_RCODE_ACT_ERR);
	if (msl_nbns_pkt_build(&r, buf, sizeof buf, &len) != MSL_PE_OK ||
	    sendto(d->ns.fd, buf, len, 0, (const struct sockaddr *)&rx->from, sizeof rx->from) !=
	    (ssize_t)len)
		return;
	d->stats.n[MSLD_C_name_defended]++;
	/* A host that keeps claiming the name must not flood the log: the
	 * 1st, 2nd, 4th, 8th... defence of a name is logged, the rest only
	 * at debug level. */
	e->defended++;
	snprintf(rest, sizeof rest, " against=%s count=%llu", msld_ipstr(rx->from.sin_addr.s_addr, ip),
	    (unsigned long long)e->defended);
	log_name(d, (e->defended & (e->defended - 1)) == 0 ? MSL_LOG_INFO : MSL_LOG_DEBUG, e,
	    "defended", rest);
}

/* objected handles a negative registration response: to our own
 * registration (another node owns the name), or unsolicited with CFT_ERR,
 * which is a NAME CONFLICT DEMAND (RFC 1002 §4.2.8). */
static void
objected(struct msld *d, struct msld_name *e, const struct msl_nbns_pkt *p, const struct msld_rx *rx)
{
	char ip[INET_ADDRSTRLEN], rest[320];
	/* The record echoes our request (RFC 1002 §4.2.6); the owner is
	 * whoever answered. */
	uint32_t owner = rx->from.sin_addr.s_addr;

	if (e->state == MSLD_NAME_REGISTERING && e->sent > 0 && p->np_trn_id == e->trn_id) {
		e->state = MSLD_NAME_LOST;
		snprintf(rest, sizeof rest, " owner=%s rcode=%u reason=\"another node owns this name "
		    "and defended it: given up, queries for it are no longer answered (rename this "
		    "host or an alias, or stop the other owner, then restart)\"",
		    msld_ipstr(owner, ip), p->np_rcode);
	} else if (e->state == MSLD_NAME_HELD && p->np_rcode == MSL_NBNS_RCODE_CFT_ERR) {
		e->state = MSLD_NAME_CONFLICT;
		snprintf(rest, sizeof rest, " from=%s reason=\"a name conflict demand: the name is "
		    "in conflict, queries for it are no longer answered\"",
		    msld_ipstr(rx->from.sin_addr.s_addr, ip));
	} else {
		d->stats.n[MSLD_C_nbns_ignored]++;
		return;
	}
	e->due = 0;
	e->owner = owner;
	d->stats.n[MSLD_C_name_conflicts]++;
	msld_names_count_held(d);
	arm(d);
	log_name(d, MSL_LOG_WARN, e, "given_up", rest);
}

void
msld_names_packet(struct msld *d, const struct msl_nbns_pkt *p, const struct msld_rx *rx)
{
	struct msld_name *e = msld_names_find(d, &p->np_name);

	if (e == NULL) {
		d->stats.n[MSLD_C_nbns_ignored]++;
		return;
	}
	switch (msl_nbns_pkt_kind(p)) {
	case MSL_NBNS_K_REGISTER:
	case MSL_NBNS_K_OVERWRITE:
	case MSL_NBNS_K_REFRESH:
		defend(d, e, p, rx);
		break;
	case MSL_NBNS_K_REG_NEGATIVE:
		objected(d, e, p, rx);
		break;
	default:
		/* Releases, WACK, challenges and positive answers are a name
		 * server's business; a B-node keeps no cache to update. */
		d->stats.n[MSLD_C_nbns_ignored]++;
		break;
	}
}
