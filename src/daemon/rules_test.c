/* SPDX-License-Identifier: MIT */
/*
 * rules_test.c - mailslotd's receive rules (rules.c) for datagrams,
 * without root, sockets or mailslots: each datagram is built with the
 * codec, handed to msld_decide as the receive loop would, and the decision
 * and every counter are checked.  The name queries are in
 * rules_query_test.c.
 */
#include "rules_test.h"

#define DUP_NS ((uint64_t)MSL_NET_DUP_MS * 1000000ull)

/* make builds a DIRECT_GROUP datagram from HOSTA to dst<suffix> for
 * mailslot ("\MAILSLOT\..."), carrying data, from 10.1.2.3:138. */
static void
make(struct pkt *p, const char *dst, uint8_t suffix, const char *mailslot, const char *data)
{
	struct msl_mdgm_send s = {
		.ms_type = MSL_NBDGM_DIRECT_GROUP,
		.ms_node = MSL_NBDGM_NODE_B,
		.ms_id = 7,
		.ms_src_ip = 0x0a010203,
		.ms_src_port = MSL_NBDGM_PORT,
		.ms_mailslot = mailslot,
		.ms_mailslot_len = strlen(mailslot),
		.ms_data = (const uint8_t *)data,
		.ms_data_len = strlen(data),
		.ms_profile = MSL_SMBMAIL_WINDOWS,
	};

	MSL_CHECK(msl_nbname_make(&s.ms_src, "HOSTA", MSL_NBSUFFIX_WORKSTATION, NULL) == MSL_PE_OK);
	MSL_CHECK(msl_nbname_make(&s.ms_dst, dst, suffix, NULL) == MSL_PE_OK);
	MSL_CHECK(msl_mdgm_build(&s, p->buf, sizeof p->buf, &p->len) == MSL_PE_OK);
	p->ip = htonl(0x0a010203);
	p->port = MSL_NBDGM_PORT;
	p->ifname = "eth0";
	p->now = 100 * SEC;
}

/* make_to builds the usual test datagram: "x" for \MAILSLOT\a at dst<00>. */
static void
make_to(struct pkt *p, const char *dst)
{
	make(p, dst, MSL_NBSUFFIX_WORKSTATION, "\\MAILSLOT\\a", "x");
}

/* start empties the rules under conf and builds the usual datagram for
 * us, the opening most tests share. */
static void
start(const char *const *conf, struct pkt *p)
{
	setup(conf);
	make_to(p, "HOSTB");
}

/* start_slot does the same under the default settings, with its own
 * mailslot and data. */
static void
start_slot(struct pkt *p, const char *mailslot, const char *data)
{
	setup(NULL);
	make(p, "HOSTB", MSL_NBSUFFIX_WORKSTATION, mailslot, data);
}

/* decide hands p to the rules as the receive loop does. */
static int
decide(const struct pkt *p, struct msld_verdict *v)
{
	struct msld_dgram in = {
		.buf = p->buf, .len = p->len, .ip = p->ip, .port = p->port,
		.ifname = p->ifname, .now = p->now,
	};
	return msld_decide(&d, &in, v);
}

/* drops sums every drop counter the rules use. */
static uint64_t
drops(void)
{
	return d.stats.n[MSLD_C_drop_not_allowed] + d.stats.n[MSLD_C_drop_wrong_interface] +
	    d.stats.n[MSLD_C_drop_malformed] + d.stats.n[MSLD_C_drop_not_our_name] +
	    d.stats.n[MSLD_C_drop_duplicate] + d.stats.n[MSLD_C_drop_other_scope];
}

/* check_drop decides p and checks that it went to counter c alone; v
 * gets the verdict. */
static void
check_drop_v(const struct pkt *p, enum msld_counter c, struct msld_verdict *vp)
{
	struct msld_verdict v;
	uint64_t before = d.stats.n[c], all = drops(), rx = d.stats.n[MSLD_C_rx_datagrams];

	MSL_CHECK_EQ(decide(p, &v), 0);
	MSL_CHECK_EQ(v.deliver, 0);
	MSL_CHECK_EQ(v.drop, c);
	MSL_CHECK_EQ(d.stats.n[c], before + 1);
	MSL_CHECK_EQ(drops(), all + 1);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], rx + 1);
	if (vp != NULL)
		*vp = v;
}

static void
check_drop(const struct pkt *p, enum msld_counter c)
{
	check_drop_v(p, c, NULL);
}

static void
check_deliver(const struct pkt *p, const char *key)
{
	struct msld_verdict v;
	uint64_t all = drops();

	MSL_CHECK_EQ(decide(p, &v), 1);
	MSL_CHECK_EQ(v.deliver, 1);
	MSL_CHECK(strcmp(v.slot.key, key) == 0);
	MSL_CHECK_EQ(drops(), all);
}

static void
test_good_datagram_is_delivered_with_its_origin(void)
{
	struct msld_verdict v;
	struct pkt p;

	start_slot(&p, "\\MAILSLOT\\News\\Daily", "hello");
	p.port = 40000;
	MSL_CHECK_EQ(decide(&p, &v), 1);
	MSL_CHECK(strcmp(v.slot.path, "News\\Daily") == 0);
	MSL_CHECK(strcmp(v.slot.key, "news\\daily") == 0);
	MSL_CHECK_EQ(v.slot.scope, MAILSLOT_SCOPE_LOCAL);
	MSL_CHECK_EQ(v.origin.ip, htonl(0x0a010203));
	MSL_CHECK_EQ(v.origin.port, 40000);
	/* The sender's name without its space padding. */
	MSL_CHECK(strcmp(v.origin.name, "HOSTA") == 0);
	MSL_CHECK_EQ(v.len, 5);
	MSL_CHECK(memcmp(v.data, "hello", 5) == 0);
	/* The data is a view into the received bytes, not a copy. */
	MSL_CHECK(v.data > p.buf && v.data + v.len <= p.buf + p.len);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 1);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_bytes], p.len);
	MSL_CHECK_EQ(drops(), 0);
	/* Delivery itself is counted by the relay, once it is done. */
	MSL_CHECK_EQ(d.stats.n[MSLD_C_delivered], 0);
}

static void
test_empty_message_is_delivered(void)
{
	struct msld_verdict v;
	struct pkt p;

	start_slot(&p, "\\MAILSLOT\\x", "");
	MSL_CHECK_EQ(decide(&p, &v), 1);
	MSL_CHECK_EQ(v.len, 0);
}

static void
test_our_name_workgroup_and_star_any_suffix(void)
{
	struct pkt p;

	start_slot(&p, "\\MAILSLOT\\a", "1");
	check_deliver(&p, "a");
	make(&p, "HOSTB", MSL_NBSUFFIX_SERVER, "\\MAILSLOT\\a", "2");
	check_deliver(&p, "a");
	make(&p, "WG", MSL_NBSUFFIX_MASTER_BROWSER, "\\MAILSLOT\\BROWSE", "3");
	check_deliver(&p, "browse");
	/* "*" is padded with NULs on the wire (RFC 1002 §4.1). */
	make(&p, "*", MSL_NBSUFFIX_WORKSTATION, "\\MAILSLOT\\a", "4");
	MSL_CHECK(memcmp(p.buf + MSL_NBDGM_HDR_LEN + MSL_NBNAME_WIRE_MIN + 1, "CKAA", 4) == 0);
	check_deliver(&p, "a");
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 4);
}

static void
test_name_match_ignores_case(void)
{
	struct pkt p;

	/* The configured names are upper-cased; a peer may send lower case. */
	setup((const char *const[]){ "netbios name = hostb", "workgroup = wg", NULL });
	MSL_CHECK(strcmp(d.conf.name, "HOSTB") == 0);
	make_to(&p, "HOSTB");
	check_deliver(&p, "a");

	/* A raw lower-case name on the wire, which msl_nbname_make would
	 * have upper-cased: patch its first-level encoding ('h' = 0x68 is
	 * "GI", 'H' = 0x48 is "EI"). */
	make(&p, "HOSTB", MSL_NBSUFFIX_WORKSTATION, "\\MAILSLOT\\a", "y");
	size_t dst = MSL_NBDGM_HDR_LEN + MSL_NBNAME_WIRE_MIN + 1;
	MSL_CHECK_EQ(p.buf[dst], 'E');
	p.buf[dst] = 'G';
	check_deliver(&p, "a");
}

static void
test_other_names_are_not_ours(void)
{
	struct pkt p;

	setup(NULL);
	make_to(&p, "OTHER");
	check_drop(&p, MSLD_C_drop_not_our_name);
	make_to(&p, "HOSTBX");
	check_drop(&p, MSLD_C_drop_not_our_name);
	make_to(&p, "HOST");
	check_drop(&p, MSLD_C_drop_not_our_name);
	make_to(&p, "WORKGROUP");
	check_drop(&p, MSLD_C_drop_not_our_name);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_not_our_name], 4);
}

static void
test_name_with_scope_is_not_ours(void)
{
	struct msl_mdgm_send s = {
		.ms_type = MSL_NBDGM_DIRECT_UNIQUE, .ms_node = MSL_NBDGM_NODE_B, .ms_id = 1,
		.ms_src_ip = 0x0a010203, .ms_src_port = MSL_NBDGM_PORT,
		.ms_mailslot = "\\MAILSLOT\\a", .ms_mailslot_len = 11,
		.ms_data = (const uint8_t *)"x", .ms_data_len = 1,
		.ms_profile = MSL_SMBMAIL_WINDOWS,
	};
	struct pkt p;

	start(NULL, &p);
	MSL_CHECK(msl_nbname_make(&s.ms_src, "HOSTA", 0, NULL) == MSL_PE_OK);
	MSL_CHECK(msl_nbname_make(&s.ms_dst, "HOSTB", 0, "other.scope") == MSL_PE_OK);
	MSL_CHECK(msl_mdgm_build(&s, p.buf, sizeof p.buf, &p.len) == MSL_PE_OK);
	check_drop(&p, MSLD_C_drop_other_scope);
	/* names (issue 13): with that scope configured it is ours, and an
	 * unscoped one is not. */
	setup((const char *const[]){ "netbios scope = OTHER.scope", NULL });
	check_deliver(&p, "a");
	make_to(&p, "HOSTB");
	check_drop(&p, MSLD_C_drop_other_scope);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_other_scope], 1);
}

static void
test_allow_list(void)
{
	struct pkt p;

	start((const char *const[]){ "allow = 10.1.0.0/16, 192.168.7.9", NULL }, &p);
	check_deliver(&p, "a");
	p.ip = htonl(0xc0a80709); /* 192.168.7.9 */
	p.buf[3]++;               /* another DGM_ID: not a duplicate */
	check_deliver(&p, "a");
	p.ip = htonl(0xc0a8070a); /* 192.168.7.10 */
	check_drop(&p, MSLD_C_drop_not_allowed);
	p.ip = htonl(0x0a020001); /* 10.2.0.1 */
	check_drop(&p, MSLD_C_drop_not_allowed);
	/* The source is checked before anything is parsed. */
	p.len = 3;
	check_drop(&p, MSLD_C_drop_not_allowed);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_malformed], 0);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 5);
}

static void
test_interface_restriction(void)
{
	struct pkt p;

	start((const char *const[]){ "interfaces = eth1 eth2", NULL }, &p);
	p.ifname = "eth1";
	check_deliver(&p, "a");
	p.ifname = "eth0";
	check_drop(&p, MSLD_C_drop_wrong_interface);
	/* An interface that has gone has no name: not one of ours. */
	p.ifname = NULL;
	check_drop(&p, MSLD_C_drop_wrong_interface);
	p.ifname = "eth10";
	check_drop(&p, MSLD_C_drop_wrong_interface);

	/* Without the setting the name is neither needed nor looked at. */
	start(NULL, &p);
	p.ifname = NULL;
	check_deliver(&p, "a");
}

static void
test_allow_list_comes_before_interfaces(void)
{
	struct pkt p;

	start((const char *const[]){ "interfaces = eth1", "allow = 10.9.0.0/16", NULL }, &p);
	check_drop(&p, MSLD_C_drop_not_allowed);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_wrong_interface], 0);
}

static void
test_duplicate_window(void)
{
	struct pkt p, q;

	start(NULL, &p);
	check_deliver(&p, "a");
	p.now += SEC;
	check_drop(&p, MSLD_C_drop_duplicate);
	/* Another sender, DGM_ID or content is another datagram. */
	q = p;
	q.ip = htonl(0x0a010204);
	check_deliver(&q, "a");
	q = p;
	q.buf[3] ^= 1;
	check_deliver(&q, "a");
	make(&q, "HOSTB", MSL_NBSUFFIX_WORKSTATION, "\\MAILSLOT\\a", "y");
	q.now = p.now;
	check_deliver(&q, "a");
	/* The window is 2 s from when it was first seen. */
	p.now = 100 * SEC + DUP_NS - 1;
	check_drop(&p, MSLD_C_drop_duplicate);
	p.now = 100 * SEC + DUP_NS;
	check_deliver(&p, "a");
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_duplicate], 2);
}

/* DomainAnnouncements go to __MSBROWSE__<01> ([MS-BRWS] §2.2.4): taken,
 * so that `mailslot browse` hears other workgroups; its <00> is not. */
static void
test_msbrowse_is_taken(void)
{
	struct pkt p;

	setup(NULL);
	make(&p, "\x01\x02__MSBROWSE__\x02", 0x01, "\\MAILSLOT\\BROWSE", "x");
	check_deliver(&p, "browse");
	make(&p, "\x01\x02__MSBROWSE__\x02", 0x00, "\\MAILSLOT\\BROWSE", "y");
	check_drop(&p, MSLD_C_drop_not_our_name);
}

/* "duplicate timeout" sets the window; 0 turns it off. */
static void
test_duplicate_timeout_key(void)
{
	struct pkt p;

	setup((const char *const[]){ "duplicate timeout = 500ms", NULL });
	MSL_CHECK_EQ(d.conf.dup_ms, 500);
	make_to(&p, "HOSTB");
	check_deliver(&p, "a");
	p.now += 499 * 1000000ull;
	check_drop(&p, MSLD_C_drop_duplicate);
	p.now = 100 * SEC + 500 * 1000000ull;
	check_deliver(&p, "a");
	setup((const char *const[]){ "duplicate timeout = 5", NULL });
	MSL_CHECK_EQ(d.conf.dup_ms, 5000);
	make_to(&p, "HOSTB");
	check_deliver(&p, "a");
	p.now += 4 * SEC;
	check_drop(&p, MSLD_C_drop_duplicate);
	start((const char *const[]){ "duplicate timeout = 0", NULL }, &p);
	for (int i = 0; i < 3; i++)
		check_deliver(&p, "a");
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_duplicate], 0);
}

static void
test_dropped_datagrams_do_not_enter_the_duplicate_cache(void)
{
	struct pkt p;

	start((const char *const[]){ "allow = 10.1.0.0/16", NULL }, &p);
	p.ip = htonl(0x0b000001);
	check_drop(&p, MSLD_C_drop_not_allowed);
	p.ip = htonl(0x0a010203);
	check_deliver(&p, "a");
}

static void
test_duplicate_cache_is_bounded(void)
{
	struct pkt p;

	start(NULL, &p);
	check_deliver(&p, "a");
	/* MSLD_DEDUP other datagrams push the first one out. */
	for (uint32_t i = 0; i < MSLD_DEDUP; i++) {
		struct pkt q = p;
		q.ip = htonl(0x0a100000 + i);
		check_deliver(&q, "a");
	}
	check_deliver(&p, "a");
}

static void
check_malformed(const struct pkt *p, msl_perr reason)
{
	struct msld_verdict v;
	uint64_t before = d.stats.drop_reason[reason];

	check_drop_v(p, MSLD_C_drop_malformed, &v);
	MSL_CHECK_EQ(v.reason, reason);
	MSL_CHECK_EQ(d.stats.drop_reason[reason], before + 1);
}

static void
test_malformed_datagrams_count_their_reason(void)
{
	struct pkt p, q;

	start(NULL, &p);
	q = p;
	q.len = 5;
	check_malformed(&q, MSL_PE_TRUNCATED);
	q = p;
	q.buf[0] = MSL_NBDGM_ERROR;
	check_malformed(&q, MSL_PE_BADTYPE);
	q = p;
	q.buf[1] |= MSL_NBDGM_FLAG_MORE;
	{
		/* A fragment is no drop here: it goes to reassembly (frag.c). */
		struct msld_verdict v;
		uint64_t all = drops();
		MSL_CHECK_EQ(decide(&q, &v), 0);
		MSL_CHECK_EQ(v.fragment, 1);
		MSL_CHECK_EQ(drops(), all);
	}
	q = p;
	q.buf[MSL_NBDGM_HDR_LEN] = 0x21; /* the source name's length byte */
	check_malformed(&q, MSL_PE_BADSRCNAME);
	q = p;
	q.buf[MSL_NBDGM_HDR_LEN + MSL_NBNAME_WIRE_MIN] = 0xc0; /* a compression pointer */
	check_malformed(&q, MSL_PE_BADDSTNAME);
	q = p;
	q.buf[MSL_NBDGM_HDR_LEN + 2 * MSL_NBNAME_WIRE_MIN] ^= 0xff; /* the SMB signature */
	check_malformed(&q, MSL_PE_NOTSMB);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_malformed], 5);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 6);
}

static void
test_mailslot_name_that_is_no_local_name(void)
{
	struct pkt p;

	/* The codec takes any "\MAILSLOT\..." name; an empty path component
	 * is no local mailslot name, and is counted as a bad name. */
	start_slot(&p, "\\MAILSLOT\\a\\", "x");
	check_malformed(&p, MSL_PE_BADNAME);
	make(&p, "HOSTB", MSL_NBSUFFIX_WORKSTATION, "\\MAILSLOT\\a\\\\b", "x");
	check_malformed(&p, MSL_PE_BADNAME);
	MSL_CHECK_EQ(d.stats.drop_reason[MSL_PE_BADNAME], 2);
}

static void
test_cut_datagram_is_malformed(void)
{
	struct pkt p;

	/* recvmmsg reports a payload longer than the slot as the whole slot,
	 * which leaves the SMB part's counts pointing past the end. */
	start_slot(&p, "\\MAILSLOT\\a", "hello");
	p.len -= 3;
	check_drop(&p, MSLD_C_drop_malformed);
	MSL_CHECK_EQ(d.stats.drop_reason[MSL_PE_TRUNCATED] +
	    d.stats.drop_reason[MSL_PE_BADOFFSET], 1);
}

static void
test_rx_bytes_counts_the_wire_length(void)
{
	struct msld_dgram in = { 0 };
	struct msld_verdict v;
	static uint8_t big[MSLD_RX_MAX];

	/* A payload cut to the receive slot counts at its real length. */
	setup(NULL);
	in.buf = big;
	in.len = sizeof big;
	in.wire_len = 5000;
	msld_decide(&d, &in, &v);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_bytes], 5000);
	in.wire_len = 0; /* unknown: the slot's length */
	msld_decide(&d, &in, &v);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_bytes], 5000 + sizeof big);
}

static void
test_delivery_outcomes(void)
{
	static const struct {
		mailslot_err e;
		enum msld_counter c;
	} cases[] = {
		{ MAILSLOT_OK, MSLD_C_delivered },
		{ MAILSLOT_E_NOTFOUND, MSLD_C_drop_unknown_mailslot },
		{ MAILSLOT_E_GONE, MSLD_C_drop_unknown_mailslot },
		{ MAILSLOT_E_ACCESS, MSLD_C_drop_local_only },
		{ MAILSLOT_E_FULL, MSLD_C_drop_full },
		{ MAILSLOT_E_MSGSIZE, MSLD_C_drop_over_max_size },
		{ MAILSLOT_E_PROTO, MSLD_C_drop_delivery_error },
		{ MAILSLOT_E_SYS, MSLD_C_drop_delivery_error },
	};

	setup(NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t before = d.stats.n[cases[i].c];
		MSL_CHECK_EQ(msld_count_delivery(&d, cases[i].e), cases[i].c);
		MSL_CHECK_EQ(d.stats.n[cases[i].c], before + 1);
	}
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_unknown_mailslot], 2);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_drop_delivery_error], 2);
	MSL_CHECK_EQ(d.stats.n[MSLD_C_rx_datagrams], 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_good_datagram_is_delivered_with_its_origin),
    MSL_TEST(test_empty_message_is_delivered),
    MSL_TEST(test_our_name_workgroup_and_star_any_suffix),
    MSL_TEST(test_name_match_ignores_case),
    MSL_TEST(test_other_names_are_not_ours),
    MSL_TEST(test_name_with_scope_is_not_ours),
    MSL_TEST(test_allow_list),
    MSL_TEST(test_interface_restriction),
    MSL_TEST(test_allow_list_comes_before_interfaces),
    MSL_TEST(test_duplicate_window),
    MSL_TEST(test_duplicate_timeout_key),
    MSL_TEST(test_msbrowse_is_taken),
    MSL_TEST(test_dropped_datagrams_do_not_enter_the_duplicate_cache),
    MSL_TEST(test_duplicate_cache_is_bounded),
    MSL_TEST(test_malformed_datagrams_count_their_reason),
    MSL_TEST(test_mailslot_name_that_is_no_local_name),
    MSL_TEST(test_cut_datagram_is_malformed),
    MSL_TEST(test_rx_bytes_counts_the_wire_length),
    MSL_TEST(test_delivery_outcomes))
