/* SPDX-License-Identifier: MIT */
/*
 * rules_query_test.c - mailslotd's answers to NetBIOS name queries and
 * node status requests (rules.c, msld_decide_query) without root or
 * sockets: each query is built with the codec and the answer and the
 * counters are checked.
 */
#include "rules_test.h"

/* query_scoped builds a name query for name<suffix> in scope into p;
 * status makes it a node status request. */
static void
query_scoped(struct pkt *p, const char *name, uint8_t suffix, const char *scope, int status)
{
	struct msl_nbns_query q;
	struct msl_nbname nb;

	MSL_CHECK(msl_nbname_make(&nb, name, suffix, scope) == MSL_PE_OK);
	msl_nbns_query_init(&q, 0x1234, &nb, 1);
	if (status)
		msl_nbns_status_query_init(&q, 0x1234, &nb);
	MSL_CHECK(msl_nbns_query_build(&q, p->buf, sizeof p->buf, &p->len) == MSL_PE_OK);
	p->ip = htonl(0x0a010203);
	p->port = MSL_NBNS_PORT;
	p->ifname = "eth1";
	p->now = SEC;
}

/* query builds a name query for name<suffix>, no scope, into p. */
static void
query(struct pkt *p, const char *name, uint8_t suffix)
{
	query_scoped(p, name, suffix, NULL, 0);
}

static enum msld_answer
ask(const struct pkt *p)
{
	struct msld_dgram in = { .buf = p->buf, .len = p->len, .ip = p->ip,
		.port = p->port, .ifname = p->ifname, .now = p->now };
	struct msl_nbns_query q;
	enum msld_answer a = msld_decide_query(&d, &in, &q);

	if (a != MSLD_IGNORE)
		MSL_CHECK_EQ(q.nq_trn_id, 0x1234);
	return a;
}

static void
test_name_queries(void)
{
	struct pkt p;

	setup(NULL);
	query(&p, "HOSTB", MSL_NBSUFFIX_WORKSTATION);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_UNIQUE);
	query(&p, "wg", MSL_NBSUFFIX_WORKSTATION);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_GROUP);
	/* Only the <00> names; others are someone else's business. */
	query(&p, "HOSTB", MSL_NBSUFFIX_SERVER);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	query(&p, "OTHER", MSL_NBSUFFIX_WORKSTATION);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_queries], 4);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_ignored], 2);
	/* What is not a query for an NB record is ignored, not counted as a
	 * query. */
	query(&p, "HOSTB", MSL_NBSUFFIX_WORKSTATION);
	p.len = 4;
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_queries], 4);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_ignored], 3);
	/* Datagram counters are not touched. */
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 0);
}

static void
test_name_queries_follow_allow_and_interfaces(void)
{
	struct pkt p;

	setup((const char *const[]){ "interfaces = eth1", "allow = 10.1.0.0/16", NULL });
	query(&p, "HOSTB", MSL_NBSUFFIX_WORKSTATION);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_UNIQUE);
	p.ifname = "eth0";
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	p.ifname = "eth1";
	p.ip = htonl(0x0a020001);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_queries], 1);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_ignored], 2);
}

/* names (issue 13): aliases are names; a name given up is not answered
 * for; node status asks for "*" or one of our names. */
static void
test_name_table_decides_answers(void)
{
	struct pkt p;

	setup((const char *const[]){ "netbios aliases = files hostb", NULL });
	MSL_CHECK_EQ(d.nnames, 3);
	query(&p, "FILES", MSL_NBSUFFIX_WORKSTATION);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_UNIQUE);
	struct msl_nbname nb;
	MSL_CHECK(msl_nbname_make(&nb, "files", 0, NULL) == MSL_PE_OK);
	struct msld_name *e = msld_names_find(&d, &nb);
	MSL_CHECK(e != NULL && !e->group);
	e->state = MSLD_NAME_LOST;
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	e->state = MSLD_NAME_CONFLICT;
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	e->state = MSLD_NAME_HELD;
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_UNIQUE);
	msld_names_count_held(&d);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_names_held], 1);

	query_scoped(&p, "*", 0, NULL, 1);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_STATUS);
	query_scoped(&p, "hostb", 0, NULL, 1);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_STATUS);
	query_scoped(&p, "nobody", 0, NULL, 1);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);

	/* A reload keeps the state of the names that stay and hands back
	 * the ones that go. */
	d.conf.naliases = 0;
	MSL_CHECK(msl_netconf_assign(&d.conf, "netbios aliases = other", (char[64]){ 0 }, 64) == 0);
	MSL_CHECK_EQ(msld_names_load(&d, gone), 1);
	MSL_CHECK_EQ(gone[0].state, MSLD_NAME_HELD);
	MSL_CHECK(msl_nbname_casecmp(&gone[0].nb, &nb) == 0);
	MSL_CHECK_EQ(d.nnames, 3);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_names_held], 0);
	d.conf.naliases = 0;
	MSL_CHECK_EQ(msld_names_load(&d, gone), 1);
	MSL_CHECK_EQ(gone[0].state, MSLD_NAME_REGISTERING);
	MSL_CHECK_EQ(d.nnames, 2);
}

/* names (issue 13): queries of another scope are not ours, and counted. */
static void
test_scoped_queries(void)
{
	struct pkt p;

	setup((const char *const[]){ "netbios scope = corp", NULL });
	query_scoped(&p, "HOSTB", 0, "CORP", 0);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_UNIQUE);
	query_scoped(&p, "wg", 0, "corp", 0);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_GROUP);
	query(&p, "HOSTB", 0);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	query_scoped(&p, "HOSTB", 0, "lab", 0);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	query_scoped(&p, "*", 0, "lab", 1);
	MSL_CHECK_EQ(ask(&p), MSLD_IGNORE);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_nbns_other_scope], 3);
	query_scoped(&p, "*", 0, "corp", 1);
	MSL_CHECK_EQ(ask(&p), MSLD_ANSWER_STATUS);
}

MSL_TEST_LIST(
    MSL_TEST(test_name_table_decides_answers),
    MSL_TEST(test_scoped_queries),
    MSL_TEST(test_name_queries),
    MSL_TEST(test_name_queries_follow_allow_and_interfaces))
