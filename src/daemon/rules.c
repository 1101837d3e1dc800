/* SPDX-License-Identifier: MIT */
/*
 * rules.c - the receive rules of mailslotd: which datagrams on UDP 138 go
 * into which local mailslot with which origin, which are dropped and why,
 * and which name queries on UDP 137 get an answer.
 *
 * Pure code: it reads the configuration and the datagram, updates the
 * counters and the duplicate cache, and makes no system call, so that
 * rules_test.c checks every decision without root or a network.  The I/O
 * around it (relay.c, names.c) applies the decisions.
 */
#include <string.h>

#include "daemon.h"

/* The local name that "\MAILSLOT\x" on the wire stands for. */
#define LOCAL_PREFIX "\\\\.\\mailslot\\"
#define LOCAL_PREFIX_LEN (sizeof LOCAL_PREFIX - 1)

/* allowed applies "hosts allow" and "hosts deny" to a source address. */
static int
allowed(const struct msl_netconf *c, uint32_t ip)
{
	return msl_netconf_allowed(c, ip);
}

/* iface_ok applies the "interfaces" setting to the ingress interface. */
static int
iface_ok(const struct msl_netconf *c, const char *ifname)
{
	if (c->nifaces == 0)
		return 1;
	if (ifname == NULL)
		return 0;
	for (unsigned i = 0; i < c->nifaces; i++)
		if (strcmp(c->ifaces[i], ifname) == 0)
			return 1;
	return 0;
}

/* ingress_ok applies it to a datagram: the interface table (ifwatch.c)
 * has judged the interface already when it knows it, by name or subnet. */
static int
ingress_ok(const struct msl_netconf *c, const struct msld_dgram *in)
{
	return in->if_verdict == MSLD_IF_RULES ? iface_ok(c, in->ifname) : in->if_verdict == MSLD_IF_YES;
}

/* name_is tells whether a NetBIOS name (any suffix; the scope is checked
 * apart, scope_ok) is `want`, compared without regard to ASCII case; the
 * name bytes are space padded, or NUL padded for "*" (RFC 1002 §4.1). */
static int
name_is(const struct msl_nbname *n, const char *want)
{
	size_t wl = strlen(want);

	if (wl > MSL_NBNAME_CHARS)
		return 0;
	for (size_t i = 0; i < MSL_NBNAME_CHARS; i++) {
		uint8_t ch = n->nb_raw[i];
		uint8_t w = i < wl ? (uint8_t)want[i] : ' ';
		if (i >= wl && ch == '\0')
			continue;
		if (msl_toupper(ch) != msl_toupper(w))
			return 0;
	}
	return 1;
}

/* ours tells whether a NetBIOS name is this node's name or one of its
 * "netbios aliases". */
static int
ours(const struct msl_netconf *c, const struct msl_nbname *n)
{
	if (name_is(n, c->name))
		return 1;
	for (unsigned i = 0; i < c->naliases; i++)
		if (name_is(n, c->aliases[i]))
			return 1;
	return 0;
}

/* scope_ok tells whether a name is in this node's NetBIOS scope (names,
 * issue 13): RFC 1001 §9, nodes of other scopes are not there for us. */
static int
scope_ok(const struct msl_netconf *c, const struct msl_nbname *n)
{
	return msl_strcaseeq(n->nb_scope, c->scope);
}

/* msbrowse tells whether a name is __MSBROWSE__<01>, the group of the
 * master browsers, to which they send DomainAnnouncements ([MS-BRWS]
 * §2.2.4): taken so that `mailslot browse` hears every workgroup. */
static int
msbrowse(const struct msl_nbname *n)
{
	return msl_nbname_suffix(n) == 0x01 && name_is(n, "\x01\x02__MSBROWSE__\x02");
}

/* fnv1a hashes a datagram for the duplicate cache: FNV-1a's 64-bit
 * prime over eight bytes at a time, folded to 32 bits.  Byte at a time,
 * the hash was a quarter of the daemon's time per datagram. */
static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull, w;

	for (; n >= sizeof w; p += sizeof w, n -= sizeof w) {
		memcpy(&w, p, sizeof w);
		h = (h ^ w) * 1099511628211ull;
	}
	for (; n > 0; n--)
		h = (h ^ *p++) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* duplicate records a datagram and tells whether it was seen within the
 * window (keyed as docs/protocol.md §4.4 recommends: source, DGM_ID, length, hash). */
static int
duplicate(struct msld *d, const struct msld_dgram *in, uint16_t id)
{
	uint32_t h;
	uint64_t window = (uint64_t)d->conf.dup_ms * 1000000ull;

	/* "duplicate timeout = 0": every copy is delivered. */
	if (window == 0)
		return 0;
	h = fnv1a(in->buf, in->len);
	for (unsigned i = 0; i < MSLD_DEDUP; i++) {
		const struct msld_seen *s = &d->seen[i];
		if (s->t != 0 && in->now - s->t < window && s->ip == in->ip &&
		    s->id == id && s->len == (uint16_t)in->len && s->hash == h)
			return 1;
	}
	d->seen[d->seen_next] = (struct msld_seen){ in->ip, id, (uint16_t)in->len, h, in->now };
	d->seen_next = (d->seen_next + 1) % MSLD_DEDUP;
	return 0;
}

static int
drop(struct msld *d, struct msld_verdict *v, enum msld_counter c, msl_perr reason)
{
	d->stats.n[c]++;
	if (c == MSLD_C_drop_malformed)
		d->stats.drop_reason[reason < MSL_PE_COUNT ? reason : MSL_PE_INVAL]++;
	v->deliver = 0;
	v->drop = c;
	v->reason = reason;
	return 0;
}

/* local_slot names the local mailslot of a parsed datagram: [MS-MAIL]
 * §3.2.5.1, "\MAILSLOT\x" here is "\\.\mailslot\x" there, matched without
 * regard to case. */
static int
local_slot(const struct msl_smbmail *smb, mailslot_name *out)
{
	char text[LOCAL_PREFIX_LEN + MAILSLOT_NAME_MAX + 1];
	size_t leaf = smb->sm_name_len - MSL_SMBMAIL_PREFIX_LEN;

	if (leaf > MAILSLOT_NAME_MAX)
		return -1;
	memcpy(text, LOCAL_PREFIX, LOCAL_PREFIX_LEN);
	memcpy(text + LOCAL_PREFIX_LEN, smb->sm_name + MSL_SMBMAIL_PREFIX_LEN, leaf);
	text[LOCAL_PREFIX_LEN + leaf] = '\0';
	return mailslot_name_parse(text, 0, out) == MAILSLOT_OK ? 0 : -1;
}

/* set_origin fills what the reader learns about the sender: the UDP
 * source and its NetBIOS name without the padding. */
static void
set_origin(msl_origin *o, const struct msld_dgram *in, const struct msl_nbname *src)
{
	memset(o, 0, sizeof *o);
	o->ip = in->ip;
	o->port = in->port;
	memcpy(o->name, src->nb_raw, MSL_NBNAME_CHARS);
	for (int i = MSL_NBNAME_CHARS - 1; i >= 0 && (o->name[i] == ' ' || o->name[i] == '\0'); i--)
		o->name[i] = '\0';
}

int
msld_decide(struct msld *d, const struct msld_dgram *in, struct msld_verdict *v)
{
	struct msl_mdgm m;
	msl_perr pe;

	v->fragment = 0;
	if (!in->reassembled) {
		d->stats.n[MSLD_C_rx_datagrams]++;
		d->stats.n[MSLD_C_rx_bytes] += in->wire_len > in->len ? in->wire_len : in->len;
	}
	if (!allowed(&d->conf, in->ip))
		return drop(d, v, MSLD_C_drop_not_allowed, MSL_PE_OK);
	if (!ingress_ok(&d->conf, in))
		return drop(d, v, MSLD_C_drop_wrong_interface, MSL_PE_OK);
	/* [MS-MAIL] §3.2.5.1: a datagram that does not parse is discarded
	 * silently, but counted. */
	if ((pe = msl_mdgm_parse(in->buf, in->len, &m)) != MSL_PE_OK) {
		/* docs/protocol.md §3.2: a fragment goes to reassembly (frag.c),
		 * which counts what becomes of it. */
		if (pe == MSL_PE_FRAGMENT) {
			v->fragment = 1;
			v->deliver = 0;
			return 0;
		}
		return drop(d, v, MSLD_C_drop_malformed, pe);
	}
	/* docs/protocol.md §1.6 rule 4 and §4.2: our name, our workgroup or "*", any
	 * suffix, whatever the message type says. */
	const struct msl_nbname *dst = &m.md_dgm.dg_dst;
	if (!scope_ok(&d->conf, dst))
		return drop(d, v, MSLD_C_drop_other_scope, MSL_PE_OK);
	if (!ours(&d->conf, dst) && !name_is(dst, d->conf.workgroup) && !name_is(dst, "*") &&
	    !msbrowse(dst))
		return drop(d, v, MSLD_C_drop_not_our_name, MSL_PE_OK);
	if (duplicate(d, in, m.md_dgm.dg_id))
		return drop(d, v, MSLD_C_drop_duplicate, MSL_PE_OK);
	if (local_slot(&m.md_smb, &v->slot) != 0)
		return drop(d, v, MSLD_C_drop_malformed, MSL_PE_BADNAME);
	set_origin(&v->origin, in, &m.md_dgm.dg_src);
	v->data = m.md_smb.sm_data;
	v->len = m.md_smb.sm_data_len;
	v->deliver = 1;
	return 1;
}

enum msld_answer
msld_decide_query(struct msld *d, const struct msld_dgram *in, struct msl_nbns_query *q)
{
	const struct msld_name *e;

	if (msl_nbns_query_parse(in->buf, in->len, q) != MSL_PE_OK ||
	    !ingress_ok(&d->conf, in) || !allowed(&d->conf, in->ip)) {
		d->stats.n[MSLD_C_nbns_ignored]++;
		return MSLD_IGNORE;
	}
	d->stats.n[MSLD_C_nbns_queries]++;
	if (!scope_ok(&d->conf, &q->nq_name)) {
		d->stats.n[MSLD_C_nbns_other_scope]++;
		return MSLD_IGNORE;
	}
	/* RFC 1002 §4.2.17: a node status request names "*" or one of our
	 * names; the answer lists them all. */
	if (q->nq_type == MSL_NBNS_TYPE_NBSTAT) {
		if (name_is(&q->nq_name, "*") || msld_names_find(d, &q->nq_name) != NULL)
			return MSLD_ANSWER_STATUS;
		d->stats.n[MSLD_C_nbns_ignored]++;
		return MSLD_IGNORE;
	}
	/* [MS-MAIL] §3.2.3: a mailslot server registers NAME<00> (unique)
	 * and WORKGROUP<00> (group); those are the names we answer for,
	 * unless another node owns them (RFC 1002 §5.1.1.5). */
	e = msld_names_find(d, &q->nq_name);
	if (e == NULL || !msld_name_answers(e)) {
		d->stats.n[MSLD_C_nbns_ignored]++;
		return MSLD_IGNORE;
	}
	return e->group ? MSLD_ANSWER_GROUP : MSLD_ANSWER_UNIQUE;
}

int
msld_ns_from_ok(const struct msld *d, const struct msld_dgram *in)
{
	return allowed(&d->conf, in->ip) && iface_ok(&d->conf, in->ifname);
}

enum msld_counter
msld_count_delivery(struct msld *d, mailslot_err e)
{
	static const struct {
		mailslot_err e;
		enum msld_counter c;
	} drops[] = {
		{ MAILSLOT_OK, MSLD_C_delivered },
		{ MAILSLOT_E_NOTFOUND, MSLD_C_drop_unknown_mailslot },
		/* Closed since its handle was opened, and not created again. */
		{ MAILSLOT_E_GONE, MSLD_C_drop_unknown_mailslot },
		/* The relay role is refused by MAILSLOT_LOCAL_ONLY mailslots. */
		{ MAILSLOT_E_ACCESS, MSLD_C_drop_local_only },
		{ MAILSLOT_E_FULL, MSLD_C_drop_full },
		{ MAILSLOT_E_MSGSIZE, MSLD_C_drop_over_max_size },
	};
	enum msld_counter c = MSLD_C_drop_delivery_error;

	for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++)
		if (drops[i].e == e)
			c = drops[i].c;
	d->stats.n[c]++;
	return c;
}
