/* SPDX-License-Identifier: MIT */
/*
 * register_test.c - register.c's state machine without root or a LAN
 * (names, issue 13): the daemon's name service socket is a UDP socket on
 * 127.0.0.1, "interfaces = lo" leaves no broadcast interface (so nothing
 * is broadcast anywhere), and the claims come from, and the answers go
 * to, a second socket on 127.0.0.1.  The timer is the real timerfd.
 */
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "../platform/platform.h"
#include "daemon.h"
#include "msl_test.h"

static struct msld d;
/* The other node: its socket and address. */
static int peer = -1;
static struct sockaddr_in peer_addr;

/* udp_lo opens a UDP socket on 127.0.0.1 and an ephemeral port. */
static int
udp_lo(struct sockaddr_in *a)
{
	socklen_t al = sizeof *a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	MSL_CHECK(fd >= 0);
	MSL_CHECK(bind(fd, (struct sockaddr *)a, sizeof *a) == 0);
	MSL_CHECK(getsockname(fd, (struct sockaddr *)a, &al) == 0);
	return fd;
}

/* setup_with starts a daemon state HOSTB (alias FILES) in WG, with one
 * more configuration line when extra is not NULL, and its names. */
static void
setup_with(const char *extra)
{
	struct sockaddr_in self;
	char err[128];

	if (peer >= 0)
		close(peer);
	if (d.ns.fd > 0)
		close(d.ns.fd);
	if (d.name_timer.fd > 0)
		close(d.name_timer.fd);
	if (d.epfd > 0)
		close(d.epfd);
	memset(&d, 0, sizeof d);
	msl_netconf_defaults(&d.conf);
	MSL_CHECK(msl_netconf_assign(&d.conf, "netbios name = HOSTB", err, sizeof err) == 0);
	MSL_CHECK(msl_netconf_assign(&d.conf, "netbios aliases = FILES", err, sizeof err) == 0);
	MSL_CHECK(msl_netconf_assign(&d.conf, "workgroup = WG", err, sizeof err) == 0);
	MSL_CHECK(msl_netconf_assign(&d.conf, "interfaces = lo", err, sizeof err) == 0);
	if (extra != NULL)
		MSL_CHECK(msl_netconf_assign(&d.conf, extra, err, sizeof err) == 0);
	d.conf.log_level = MSL_LOG_ERROR;
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	d.ns = (struct msld_watch){ MSLD_T_NS, udp_lo(&self) };
	peer = udp_lo(&peer_addr);
	MSL_CHECK_EQ(msld_names_start(&d), 0);
	MSL_CHECK_EQ(d.nnames, 3);
}

/* setup starts the usual B-node, registering by broadcast. */
static void
setup(void)
{
	setup_with(NULL);
}

/* claim hands register.c packet p as if it came from the peer. */
static void
claim(const struct msl_nbns_pkt *p)
{
	struct msld_rx rx = { .from = peer_addr };

	rx.pi.ipi_spec_dst.s_addr = htonl(INADDR_LOOPBACK);
	msld_names_packet(&d, p, &rx);
}

/* answer reads what the daemon sent the peer within ms; 0 when nothing. */
static int
answer(struct msl_nbns_pkt *out, int ms)
{
	struct pollfd pf = { .fd = peer, .events = POLLIN };
	uint8_t buf[1024];

	if (poll(&pf, 1, ms) <= 0)
		return 0;
	ssize_t n = recv(peer, buf, sizeof buf, 0);
	MSL_CHECK(n > 0);
	MSL_CHECK_EQ(msl_nbns_pkt_parse(buf, (size_t)n, out), MSL_PE_OK);
	return 1;
}

static struct msld_name *
entry(const char *name)
{
	struct msl_nbname nb;

	MSL_CHECK(msl_nbname_make(&nb, name, 0, NULL) == MSL_PE_OK);
	return msld_names_find(&d, &nb);
}

/* wait_held drives the timer, as the event loop would, until every name
 * is held; the RFC's three tries 250 ms apart take 750 ms. */
static void
wait_held(void)
{
	struct pollfd pf;

	for (int i = 0; i < 20 && d.stats.n[MSLD_C_names_held] < d.nnames; i++) {
		pf = (struct pollfd){ .fd = d.name_timer.fd, .events = POLLIN };
		MSL_CHECK(poll(&pf, 1, 2000) == 1);
		msld_on_name_timer(&d);
	}
	MSL_CHECK_EQ(d.stats.n[MSLD_C_names_held], d.nnames);
}

/* wait_held_but is wait_held for the names other than e. */
static void
wait_held_but(const struct msld_name *e)
{
	struct pollfd pf;

	for (int i = 0; i < 20 && d.stats.n[MSLD_C_names_held] < d.nnames - 1; i++) {
		pf = (struct pollfd){ .fd = d.name_timer.fd, .events = POLLIN };
		MSL_CHECK(poll(&pf, 1, 2000) == 1);
		msld_on_name_timer(&d);
	}
	MSL_CHECK_EQ(d.stats.n[MSLD_C_names_held], d.nnames - 1);
	MSL_CHECK_EQ(e->state, MSLD_NAME_LOST);
}

static void
test_names_are_held_after_three_tries(void)
{
	uint64_t t0 = msl_now_ns();

	setup();
	MSL_CHECK_EQ(entry("HOSTB")->state, MSLD_NAME_REGISTERING);
	MSL_CHECK_EQ(entry("HOSTB")->sent, 1);
	wait_held();
	uint64_t took = (msl_now_ns() - t0) / 1000000;
	MSL_CHECK(took >= 700 && took < 1500);
	MSL_CHECK_EQ(entry("HOSTB")->sent, 3);
	MSL_CHECK_EQ(entry("WG")->state, MSLD_NAME_HELD);
	MSL_CHECK_EQ(entry("WG")->due, 0);
}

/* A P-node owns its names through its WINS server alone (RFC 1001
 * §10.2): it sends no broadcast registration and keeps no retry timer. */
static void
test_p_node_does_not_broadcast(void)
{
	struct msl_nbns_pkt p;

	setup_with("node type = P");
	MSL_CHECK_EQ(d.name_timer.fd, -1);
	MSL_CHECK_EQ(entry("HOSTB")->sent, 0);
	MSL_CHECK_EQ(answer(&p, 0), 0);
}

static void
test_held_names_are_defended(void)
{
	struct msl_nbns_pkt p, r;

	setup();
	wait_held();
	msl_nbns_register_init(&p, 0x77, &entry("HOSTB")->nb, 0, 0, 0x7f000002, 1);
	claim(&p);
	MSL_CHECK(answer(&r, 1000));
	/* RFC 1002 §4.2.6: ACT_ERR, the request's record echoed. */
	MSL_CHECK_EQ(msl_nbns_pkt_kind(&r), MSL_NBNS_K_REG_NEGATIVE);
	MSL_CHECK_EQ(r.np_rcode, MSL_NBNS_RCODE_ACT_ERR);
	MSL_CHECK_EQ(r.np_trn_id, 0x77);
	MSL_CHECK_EQ(r.np_addr.na_ip, 0x7f000002);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_name_defended], 1);
	/* An overwrite demand and a refresh are claims too. */
	msl_nbns_overwrite_init(&p, 0x78, &entry("FILES")->nb, 0, 0, 0x7f000002);
	claim(&p);
	MSL_CHECK(answer(&r, 1000));
	MSL_CHECK_EQ(r.np_trn_id, 0x78);
	msl_nbns_refresh_init(&p, 0x79, &entry("HOSTB")->nb, 0, 0, 0x7f000002, 1);
	claim(&p);
	MSL_CHECK(answer(&r, 1000));
	/* A group name is shared with other groups, not with a unique name. */
	msl_nbns_register_init(&p, 0x7a, &entry("WG")->nb, 0, MSL_NBNS_NB_GROUP, 0x7f000002, 1);
	claim(&p);
	MSL_CHECK(!answer(&r, 100));
	p.np_addr.na_flags = 0;
	claim(&p);
	MSL_CHECK(answer(&r, 1000));
	MSL_CHECK_EQ(d.stats.n[MSLD_C_name_defended], 4);
	/* Releases and answers need no reply. */
	msl_nbns_release_init(&p, 0x7b, &entry("HOSTB")->nb, 0, 0x7f000002, 1);
	claim(&p);
	MSL_CHECK(!answer(&r, 100));
	MSL_CHECK_EQ(entry("HOSTB")->defended, 2);
}

static void
test_a_defended_name_is_given_up(void)
{
	struct msl_nbns_pkt req, p;
	struct msld_name *e;

	setup();
	e = entry("HOSTB");
	msl_nbns_register_init(&req, e->trn_id, &e->nb, 0, 0, 0x7f000001, 1);
	/* A refusal with another NAME_TRN_ID is not an answer to us. */
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_ACT_ERR);
	p.np_trn_id = (uint16_t)(e->trn_id + 1);
	claim(&p);
	MSL_CHECK_EQ(e->state, MSLD_NAME_REGISTERING);
	p.np_trn_id = e->trn_id;
	claim(&p);
	MSL_CHECK_EQ(e->state, MSLD_NAME_LOST);
	MSL_CHECK_EQ(e->owner, htonl(INADDR_LOOPBACK));
	MSL_CHECK_EQ(d.stats.n[MSLD_C_name_conflicts], 1);
	wait_held_but(e);
}

static void
test_conflict_demand(void)
{
	struct msl_nbns_pkt req, p, r;
	struct msld_name *e;

	setup();
	wait_held();
	e = entry("FILES");
	msl_nbns_register_init(&req, 5, &e->nb, 0, 0, 0x7f000002, 0);
	/* RFC 1002 §4.2.8: CFT_ERR for a held name puts it in conflict;
	 * another RCODE out of the blue does nothing. */
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_ACT_ERR);
	claim(&p);
	MSL_CHECK_EQ(e->state, MSLD_NAME_HELD);
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_CFT_ERR);
	claim(&p);
	MSL_CHECK_EQ(e->state, MSLD_NAME_CONFLICT);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_names_held], 2);
	/* A name given up is not defended any more. */
	msl_nbns_register_init(&p, 6, &e->nb, 0, 0, 0x7f000002, 1);
	claim(&p);
	MSL_CHECK(!answer(&r, 100));
}

static void
test_reload_keeps_and_adds(void)
{
	char err[128];

	setup();
	wait_held();
	d.conf.naliases = 0;
	MSL_CHECK(msl_netconf_assign(&d.conf, "netbios aliases = PRINTS", err, sizeof err) == 0);
	msld_names_reload(&d);
	MSL_CHECK(entry("FILES") == NULL);
	MSL_CHECK_EQ(entry("HOSTB")->state, MSLD_NAME_HELD);
	MSL_CHECK_EQ(entry("PRINTS")->state, MSLD_NAME_REGISTERING);
	wait_held();
	msld_names_release(&d);
}

MSL_TEST_LIST(
    MSL_TEST(test_names_are_held_after_three_tries),
    MSL_TEST(test_p_node_does_not_broadcast),
    MSL_TEST(test_held_names_are_defended),
    MSL_TEST(test_a_defended_name_is_given_up),
    MSL_TEST(test_conflict_demand),
    MSL_TEST(test_reload_keeps_and_adds))
