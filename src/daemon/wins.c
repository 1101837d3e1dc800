/* SPDX-License-Identifier: MIT */
/*
 * wins.c - mailslotd as the client of a NetBIOS name server (WINS): it
 * registers its names with the "wins server", refreshes them and
 * releases them when it stops (RFC 1001 §15.1-15.4, RFC 1002 §4.2.2-
 * §4.2.16, §5.1.2 for P, M and H nodes).
 *
 * The names are NAME<00> and every alias<00> (unique) and WORKGROUP<00>
 * (a group: Samba's and Windows' WINS keep a normal group as
 * 255.255.255.255, which tells a querier to broadcast on its own
 * subnet).  Each is one small state machine driven by a half-second
 * timer:
 *
 *   NEW --send REGISTER (RD)--> WAIT --positive--> HELD --TTL/2--> refresh
 *                                |--WACK: wait its TTL more
 *                                |--negative: REFUSED (logged), again in 60 s
 *                                '--3 tries unanswered: the next server
 *
 * The requests leave from an ephemeral port, to which name servers
 * answer, so this works beside nmbd too (which owns UDP 137), and the
 * name service on 137 (names.c) is not involved.  A B-node ("node type =
 * B", or no "wins server") registers nothing here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "../net/iface.h"
#include "../platform/platform.h"
#include "daemon.h"

/* The timer's period; every wait below is a multiple of it. */
#define TICK_MS 500
/* RFC 1002 §6: UCAST_REQ_RETRY_COUNT 3; the timeout between tries is
 * 1 s here rather than 5 s, as a LAN's server answers in milliseconds. */
#define TRIES 3
#define RETRY_NS 1000000000ull
/* How long a refused or unanswered name waits before it is tried again. */
#define AGAIN_NS (60ull * 1000000000ull)
/* The TTL asked for (RFC 1002 §4.2.2); the server picks the one granted
 * (Samba: between "min wins ttl" and "max wins ttl"). */
#define ASK_TTL_S (6u * 3600u)

enum { W_NEW, W_WAIT, W_HELD, W_REFUSED };

static const char *const state_words[] = { "new", "waiting", "registered", "refused" };

static uint16_t
next_id(void)
{
	uint16_t id;
	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
		id = (uint16_t)msl_now_ns();
	return id;
}

/* ont is the NB_FLAGS owner node type of our node type (RFC 1002
 * §4.2.1.3: 00 B, 01 P, 10 M; Microsoft's H-node uses 11). */
static uint16_t
nb_flags(const struct msld *d, int group)
{
	char t = msl_netconf_node_type(&d->conf);
	uint16_t ont = t == 'P' ? 1 : t == 'M' ? 2 : t == 'H' ? 3 : 0;
	return (uint16_t)MSL_NBNS_NB_FLAGS(group, ont);
}

/* add_name puts one name into the table (when it fits and parses). */
static void
add_name(struct msld *d, const char *name, int group)
{
	struct msld_wins_name *w;

	if (d->nwins_names == MSLD_WINS_NAMES)
		return;
	w = &d->wins_names[d->nwins_names];
	memset(w, 0, sizeof *w);
	if (msl_nbname_make(&w->name, name, MSL_NBSUFFIX_WORKSTATION, NULL) != MSL_PE_OK)
		return;
	w->group = group;
	w->state = W_NEW;
	d->nwins_names++;
}

/* send_req sends one request about w to its current server. */
static void
send_req(struct msld *d, struct msld_wins_name *w, int release)
{
	struct msl_nbns_pkt p;
	uint8_t out[MSL_NBNAME_WIRE_MAX + 64];
	size_t used;
	uint32_t server = d->conf.wins[w->server], src = 0;

	/* The address the server sees us by is the one we register. */
	if (msl_net_src_for(server, &src) != 0)
		return;
	w->trn = next_id();
	if (release) {
		msl_nbns_release_init(&p, w->trn, &w->name, nb_flags(d, w->group), ntohl(src), 0);
		p.np_flags |= MSL_NBNS_F_RD;
	} else if (w->state == W_HELD) {
		msl_nbns_refresh_init(&p, w->trn, &w->name, ASK_TTL_S, nb_flags(d, w->group), ntohl(src), 0);
		p.np_flags |= MSL_NBNS_F_RD;
	} else {
		msl_nbns_register_init(&p, w->trn, &w->name, ASK_TTL_S, nb_flags(d, w->group), ntohl(src), 0);
	}
	struct sockaddr_in to = { .sin_family = AF_INET,
		.sin_port = htons(d->conf.ns_port ? d->conf.ns_port : MSL_NBNS_PORT), .sin_addr.s_addr = server };
	if (msl_nbns_pkt_build(&p, out, sizeof out, &used) == MSL_PE_OK &&
	    sendto(d->wins.fd, out, used, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)used)
		d->stats.n[MSLD_C_wins_requests]++;
}

static void
log_name(const struct msld *d, int level, const struct msld_wins_name *w, const char *what)
{
	char nb[MSL_NBNAME_FMT_MAX], ip[INET_ADDRSTRLEN];

	msl_nbname_format(&w->name, nb, sizeof nb);
	msld_log(d, level, "event=wins name=%s server=%s state=%s%s%s", nb,
	    msld_ipstr(d->conf.wins[w->server], ip), state_words[w->state], what[0] ? " " : "", what);
}

/* start sends a registration (or, for a held name, a refresh) now. */
static void
start(struct msld *d, struct msld_wins_name *w, uint64_t now)
{
	if (w->state != W_HELD)
		w->state = W_WAIT;
	w->waiting = 1;
	w->tries = 1;
	w->due = now + RETRY_NS;
	send_req(d, w, 0);
}

/* on_tick moves every name whose time has come. */
static void
on_tick(struct msld *d)
{
	uint64_t now = msl_now_ns();

	for (int i = 0; i < d->nwins_names; i++) {
		struct msld_wins_name *w = &d->wins_names[i];
		if (w->due > now)
			continue;
		if (!w->waiting) {
			/* A held name's refresh time, or a refused one's retry. */
			if (w->state == W_REFUSED)
				w->state = W_NEW;
			start(d, w, now);
		} else if (w->tries < TRIES) {
			w->tries++;
			w->due = now + RETRY_NS;
			send_req(d, w, 0);
		} else if (w->server + 1 < (int)d->conf.nwins) {
			/* RFC 1001 §15.1.2: a server that does not answer is
			 * replaced by the next one. */
			log_name(d, MSL_LOG_WARN, w, "reason=\"no answer, trying the next server\"");
			w->server++;
			start(d, w, now);
		} else {
			log_name(d, MSL_LOG_WARN, w, "reason=\"no name server answers\"");
			w->server = 0;
			w->waiting = 0;
			w->state = W_REFUSED;
			w->due = now + AGAIN_NS;
		}
	}
}

/* on_answer applies one name server packet to the name it answers. */
static void
on_answer(struct msld *d, const struct msl_nbns_pkt *p, uint32_t from)
{
	uint64_t now = msl_now_ns();
	char note[64];

	for (int i = 0; i < d->nwins_names; i++) {
		struct msld_wins_name *w = &d->wins_names[i];
		if (!w->waiting || p->np_trn_id != w->trn || from != d->conf.wins[w->server] ||
		    msl_nbname_casecmp(&p->np_name, &w->name) != 0)
			continue;
		switch (msl_nbns_pkt_kind(p)) {
		case MSL_NBNS_K_WACK:
			/* RFC 1002 §5.1.2.2: wait as long as the server says. */
			w->due = now + (uint64_t)(p->np_ttl ? p->np_ttl : 1) * 1000000000ull;
			log_name(d, MSL_LOG_DEBUG, w, "note=\"WACK: the server is checking\"");
			return;
		case MSL_NBNS_K_REG_POSITIVE:
			w->state = W_HELD;
			w->waiting = 0;
			w->ttl = p->np_ttl;
			/* RFC 1001 §15.1.7: refresh before the TTL runs out; half
			 * of it leaves room for a lost packet or two. */
			w->due = now + (uint64_t)(p->np_ttl > 2 ? p->np_ttl / 2 : 1) * 1000000000ull;
			snprintf(note, sizeof note, "ttl=%u", (unsigned)p->np_ttl);
			log_name(d, MSL_LOG_INFO, w, note);
			d->stats.n[MSLD_C_wins_registered]++;
			return;
		default:
			/* A negative answer (another owner: ACT_ERR; refused:
			 * RFS_ERR...), or an end-node challenge, which this node
			 * does not do. */
			w->state = W_REFUSED;
			w->waiting = 0;
			w->due = now + AGAIN_NS;
			snprintf(note, sizeof note, "rcode=%u reason=\"the server refused the name\"",
			    (unsigned)p->np_rcode);
			log_name(d, MSL_LOG_ERROR, w, note);
			d->stats.n[MSLD_C_wins_refused]++;
			return;
		}
	}
}

/*
 * wack_as_nb makes Samba's WACK readable: nmbd writes its RR_TYPE as NULL
 * (0x000A, source3/nmbd/nmbd_packets.c, reply_netbios_packet), where the
 * codec wants NB as RFC 1002 §4.2.16 draws it.  It rewrites the type of a
 * WACK (opcode 7, one answer) to NB in buf; 1 when it did.
 */
static int
wack_as_nb(uint8_t *buf, size_t len)
{
	struct msl_nbname n;
	size_t used;
	bool response;

	if (msl_nbns_peek_opcode(buf, len, &response) != MSL_NBNS_OP_WACK || !response ||
	    msl_nbname_parse(buf + MSL_NBNS_HDR_LEN, len - MSL_NBNS_HDR_LEN, &n, &used) != MSL_PE_OK ||
	    len < MSL_NBNS_HDR_LEN + used + 2)
		return 0;
	uint8_t *type = buf + MSL_NBNS_HDR_LEN + used;
	if (type[0] != (MSL_NBNS_TYPE_NULL >> 8) || type[1] != (MSL_NBNS_TYPE_NULL & 0xff))
		return 0;
	type[0] = MSL_NBNS_TYPE_NB >> 8;
	type[1] = MSL_NBNS_TYPE_NB & 0xff;
	return 1;
}

static void
on_socket(struct msld *d)
{
	for (int round = 0; round < MSLD_BATCH; round++) {
		uint8_t buf[MSLD_RX_MAX];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		struct msl_nbns_pkt p;
		ssize_t n = recvfrom(d->wins.fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		msl_perr e = msl_nbns_pkt_parse(buf, (size_t)n, &p);
		if (e == MSL_PE_BADRRTYPE && wack_as_nb(buf, (size_t)n))
			e = msl_nbns_pkt_parse(buf, (size_t)n, &p);
		if (e == MSL_PE_OK && p.np_response) {
			on_answer(d, &p, from.sin_addr.s_addr);
		} else {
			char ip[INET_ADDRSTRLEN];
			msld_log(d, MSL_LOG_DEBUG, "event=wins source=%s bytes=%zd reason=\"not an answer: %s\"",
			    msld_ipstr(from.sin_addr.s_addr, ip), n, e == MSL_PE_OK ? "a request" : msl_perr_str(e));
		}
	}
}

int
msld_wins_open(struct msld *d)
{
	struct itimerspec t = { .it_interval.tv_nsec = TICK_MS * 1000000L,
		.it_value.tv_nsec = TICK_MS * 1000000L };
	uint16_t port;

	d->wins = (struct msld_watch){ MSLD_T_LAN, -1 };
	d->wins_timer = (struct msld_watch){ MSLD_T_LAN, -1 };
	d->nwins_names = 0;
	if (d->conf.nwins == 0 || msl_netconf_node_type(&d->conf) == 'B')
		return 0;
	if ((d->wins.fd = msl_udp_open(&port)) < 0 ||
	    (d->wins_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0 ||
	    timerfd_settime(d->wins_timer.fd, 0, &t, NULL) != 0 ||
	    msld_watch_add(d, &d->wins) != 0 || msld_watch_add(d, &d->wins_timer) != 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot open the WINS client: %s\"", strerror(errno));
		return -1;
	}
	add_name(d, d->conf.name, 0);
	for (unsigned i = 0; i < d->conf.naliases; i++)
		add_name(d, d->conf.aliases[i], 0);
	add_name(d, d->conf.workgroup, 1);
	msld_log(d, MSL_LOG_INFO, "event=wins node_type=%c names=%d", msl_netconf_node_type(&d->conf),
	    d->nwins_names);
	uint64_t now = msl_now_ns();
	for (int i = 0; i < d->nwins_names; i++)
		start(d, &d->wins_names[i], now);
	return 0;
}

int
msld_wins_on(struct msld *d, struct msld_watch *w)
{
	uint64_t ticks;

	if (w == &d->wins) {
		on_socket(d);
		return 1;
	}
	if (w == &d->wins_timer) {
		if (read(w->fd, &ticks, sizeof ticks) == (ssize_t)sizeof ticks)
			on_tick(d);
		return 1;
	}
	return 0;
}

void
msld_wins_close(struct msld *d)
{
	/* RFC 1001 §15.4: a node that stops releases its names; the answers
	 * are not waited for (the server times names out anyway). */
	for (int i = 0; i < d->nwins_names; i++) {
		struct msld_wins_name *w = &d->wins_names[i];
		if (w->state == W_HELD) {
			send_req(d, w, 1);
			log_name(d, MSL_LOG_INFO, w, "note=\"released\"");
		}
	}
	if (d->wins.fd >= 0)
		close(d->wins.fd);
	if (d->wins_timer.fd >= 0)
		close(d->wins_timer.fd);
	d->wins.fd = d->wins_timer.fd = -1;
}
