/* SPDX-License-Identifier: MIT */
/*
 * relay.c - delivery of received datagrams into local mailslots.
 *
 * The daemon opens each local mailslot in the core's relay role, which
 * lets a message carry its network origin, and keeps the handles open
 * between datagrams (relaytab.c).  A new handle opens without blocking
 * (msl_relay_open_start): the event loop watches its socket, and the
 * datagrams that arrive for it meanwhile wait in a bounded queue, so a
 * mailslot that is slow to answer, stopped, hostile or gone delays no
 * other.  Deliveries are gathered per batch of datagrams and written per
 * mailslot in as few ring writes as fit (msl_client_write_batch); what
 * does not go at once is written alone, waiting for room within a small
 * budget.  The data stays in the receive batch until it is written,
 * which happens before the next batch is read.
 */
#include <string.h>
#include <sys/epoll.h>

#include "../platform/platform.h"
#include "daemon.h"

/*
 * How long one batch of deliveries may wait, in all, for readers' rings
 * to make room.  A reader descheduled for a moment should not lose
 * datagrams, but a stopped one must not hold the daemon: a relay whose
 * wait ran out does not wait again until a write succeeds.  With a batch
 * waiting while the next one fills the socket, a datagram for another
 * mailslot waits at most twice this (docs/network.md: the 10 ms bound).
 */
#define WAIT_BUDGET_NS (5ull * 1000000ull)

_Static_assert(MSLD_PENDING >= MSLD_BATCH, "a batch of datagrams must fit the deliveries");

/* is_busy tells whether the mailslot key failed to answer an open within
 * the last second; mark_busy records that it just did. */
static int
is_busy(const struct msld *d, const char *key, uint64_t now)
{
	for (int i = 0; i < MSLD_BUSY; i++)
		if (d->busy[i].until > now && strcmp(d->busy[i].key, key) == 0)
			return 1;
	return 0;
}

static void
mark_busy(struct msld *d, const char *key, uint64_t now)
{
	strcpy(d->busy[d->busy_next].key, key);
	d->busy[d->busy_next].until = now + MSLD_BUSY_NS;
	d->busy_next = (d->busy_next + 1) % MSLD_BUSY;
}

/* log_result logs one delivery's outcome at debug level. */
static void
log_result(const struct msld *d, const char *what, const char *reason, const msl_origin *o,
    const char *slot, size_t len)
{
	char ipb[INET_ADDRSTRLEN], nb[4 * sizeof o->name + 3], sb[4 * MAILSLOT_NAME_MAX + 3];
	char rb[128];

	if (d->conf.log_level < MSL_LOG_DEBUG)
		return;
	msld_log(d, MSL_LOG_DEBUG, "event=%s source=%s:%u sender=%s mailslot=%s bytes=%zu%s%s", what,
	    msld_ipstr(o->ip, ipb), o->port, msld_kv(o->name, nb, sizeof nb),
	    msld_kv(slot, sb, sizeof sb), len, reason ? " reason=" : "",
	    reason ? msld_kv(reason, rb, sizeof rb) : "");
}

/* count_result counts (and at debug level logs) one delivery's outcome. */
static void
count_result(struct msld *d, mailslot_err e, const struct msld_verdict *v)
{
	msld_count_delivery(d, e);
	log_result(d, e == MAILSLOT_OK ? "deliver" : "drop",
	    e == MAILSLOT_OK ? NULL : mailslot_strerror(e), &v->origin, v->slot.path, v->len);
}

/* count_drop counts a datagram dropped by the relay itself. */
static void
count_drop(struct msld *d, enum msld_counter c, const msl_origin *o, const char *slot, size_t len)
{
	d->stats.n[c]++;
	log_result(d, "drop", c == MSLD_C_drop_relay_queue ? "open queue full"
	    : c == MSLD_C_drop_relay_timeout ? "open timed out" : "too many opens", o, slot, len);
}

/* write_one writes one message alone through r, waiting for room only
 * until deadline; a relay that waited in vain once does not wait again. */
static mailslot_err
write_one(struct msld_relay *r, const void *data, size_t len, const msl_origin *o,
    uint64_t deadline)
{
	uint32_t wait = r->stalled ? 0 : (uint32_t)msl_ms_until(deadline);
	mailslot_err e = msl_client_write_origin(r->c, data, len, o, wait);

	if (e == MAILSLOT_OK)
		r->stalled = 0;
	else if (e == MAILSLOT_E_FULL && wait > 0)
		r->stalled = 1;
	return e;
}

/* queue_msg copies v into r's queue while r opens (at least MSLD_OPENQ,
 * at most its share of the pool), or counts the drop. */
static void
queue_msg(struct msld *d, struct msld_relay *r, const struct msld_verdict *v)
{
	struct msld_relays *t = &d->relays;
	struct msld_qmsg *m;
	int i = t->qfree;

	/* A burst to one new mailslot may use the whole pool; many opens in
	 * progress (mailslots that never answer, say) share it. */
	int share = MSLD_OPENQ_POOL / (t->nopening > 0 ? t->nopening : 1);
	if (r->qn >= (share > MSLD_OPENQ ? share : MSLD_OPENQ) || i < 0 || v->len > sizeof m->data) {
		count_drop(d, MSLD_C_drop_relay_queue, &v->origin, v->slot.path, v->len);
		return;
	}
	m = &t->q[i];
	t->qfree = m->next;
	m->origin = v->origin;
	strcpy(m->path, v->slot.path);
	m->len = (uint16_t)v->len;
	memcpy(m->data, v->data, v->len);
	m->next = -1;
	if (r->qtail >= 0)
		t->q[r->qtail].next = i;
	else
		r->qhead = i;
	r->qtail = i;
	r->qn++;
}

/*
 * start_open begins opening the mailslot of v and queues v for it; a
 * failure at once (no such mailslot, its listen queue full) is counted.
 */
static void
start_open(struct msld *d, const struct msld_verdict *v, uint64_t now)
{
	struct msld_relay *r;
	msl_relay_open *o;
	mailslot_err e;

	if (is_busy(d, v->slot.key, now)) {
		count_result(d, MAILSLOT_E_FULL, v);
		return;
	}
	if (d->relays.nopening >= MSLD_OPENING || d->relays.nopening >= d->relays.cap / 2 ||
	    (r = msld_relay_take(d, v->slot.key)) == NULL) {
		count_drop(d, MSLD_C_drop_relay_opens, &v->origin, v->slot.path, v->len);
		return;
	}
	if ((e = msl_relay_open_start(&v->slot, MSL_ROLE_RELAY, &o)) != MAILSLOT_OK) {
		msld_relay_release(d, r);
		if (e == MAILSLOT_E_FULL)
			mark_busy(d, v->slot.key, now);
		count_result(d, e, v);
		return;
	}
	r->o = o;
	r->w.fd = msl_relay_open_fd(o);
	r->deadline = now + MSLD_OPEN_NS;
	if (msld_watch_add(d, &r->w) != 0) {
		msld_relay_release(d, r);
		count_result(d, MAILSLOT_E_SYS, v);
		return;
	}
	msld_relay_to_opening(d, r);
	queue_msg(d, r, v);
}

/* flush_queue delivers (e == OK) or drops (counting e, or c when e is
 * OK but r has no handle) what waited for r's open. */
static void
flush_queue(struct msld *d, struct msld_relay *r, mailslot_err e, enum msld_counter c)
{
	struct msld_relays *t = &d->relays;
	uint64_t deadline = msl_now_ns() + WAIT_BUDGET_NS;

	while (r->qhead >= 0) {
		int i = r->qhead;
		struct msld_qmsg *m = &t->q[i];
		r->qhead = m->next;
		if (r->c != NULL) {
			mailslot_err we = write_one(r, m->data, m->len, &m->origin, deadline);
			msld_count_delivery(d, we);
			log_result(d, we == MAILSLOT_OK ? "deliver" : "drop",
			    we == MAILSLOT_OK ? NULL : mailslot_strerror(we), &m->origin, m->path, m->len);
		} else if (e != MAILSLOT_OK) {
			msld_count_delivery(d, e);
			log_result(d, "drop", mailslot_strerror(e), &m->origin, m->path, m->len);
		} else {
			count_drop(d, c, &m->origin, m->path, m->len);
		}
		m->next = t->qfree;
		t->qfree = i;
	}
	r->qtail = -1;
	r->qn = 0;
}

void
msld_on_relay(struct msld *d, struct msld_watch *w)
{
	struct msld_relay *r = (struct msld_relay *)w;
	mailslot_client *c = NULL;
	mailslot_err e;

	/* An event of this batch may come after the open was given up. */
	if (r->o == NULL)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, r->w.fd, NULL);
	e = msl_relay_open_finish(r->o, &c);
	if (e == MAILSLOT_E_TIMEOUT) {
		(void)msld_watch_add(d, &r->w); /* not yet: a stale readiness */
		return;
	}
	r->o = NULL;
	r->w.fd = -1;
	if (e != MAILSLOT_OK) {
		flush_queue(d, r, e, MSLD_C_drop_delivery_error);
		msld_relay_release(d, r);
		return;
	}
	r->c = c;
	msld_relay_to_lru(d, r);
	flush_queue(d, r, MAILSLOT_OK, MSLD_C_drop_delivery_error);
}

int
msld_relay_expire(struct msld *d)
{
	struct msld_relays *t = &d->relays;
	uint64_t now = msl_now_ns();

	while (t->opening >= 0) {
		struct msld_relay *r = &t->r[t->opening];
		if (r->deadline > now)
			return msl_ms_until(r->deadline) + 1;
		/* It did not answer in time: it may be stopped or hostile. */
		mark_busy(d, r->key, now);
		flush_queue(d, r, MAILSLOT_OK, MSLD_C_drop_relay_timeout);
		msld_relay_release(d, r);
	}
	return -1;
}

/* deliver_one writes one message of the batch alone, once more through a
 * fresh handle if the mailslot was closed and created again since its
 * handle was opened (the fresh open then takes the message along). */
static void
deliver_one(struct msld *d, const struct msld_verdict *v, uint64_t deadline)
{
	struct msld_relay *r = msld_relay_find(d, v->slot.key);
	mailslot_err e = MAILSLOT_E_GONE;

	if (r != NULL && r->o != NULL) {
		queue_msg(d, r, v);
		return;
	}
	if (r != NULL && r->c != NULL && (e = write_one(r, v->data, v->len, &v->origin, deadline)) ==
	    MAILSLOT_E_GONE)
		msld_relay_release(d, r);
	if (e == MAILSLOT_E_GONE) {
		start_open(d, v, msl_now_ns());
		return;
	}
	count_result(d, e, v);
}

/* flush_pending writes the batch's deliveries, one run of consecutive
 * messages for one mailslot at a time. */
static void
flush_pending(struct msld *d)
{
	msl_batch_msg b[MSLD_PENDING];
	uint64_t deadline = msl_now_ns() + WAIT_BUDGET_NS;

	for (int i = 0, j; i < d->npend; i = j) {
		struct msld_relay *r = d->pend[i].r;
		size_t k = 0;
		for (j = i; j < d->npend && d->pend[j].r == r; j++) {
			const struct msld_verdict *v = &d->pend[j].v;
			b[j - i] = (msl_batch_msg){ v->data, v->len, &v->origin };
		}
		/* An earlier failure may have dropped or reused the handle. */
		if (r->c != NULL && strcmp(r->key, d->pend[i].v.slot.key) == 0) {
			k = msl_client_write_batch(r->c, b, (size_t)(j - i));
			if (k > 0)
				r->stalled = 0;
		}
		for (int x = i; x < j; x++) {
			if ((size_t)(x - i) < k)
				count_result(d, MAILSLOT_OK, &d->pend[x].v);
			else
				deliver_one(d, &d->pend[x].v, deadline);
		}
	}
	d->npend = 0;
}

_Static_assert(MSLD_FRAG_MAX <= MSLD_RX_MAX, "a reassembled datagram must fit a receive slot");

/*
 * reassemble hands one fragment to the reassembly table (frag.c) and
 * counts what became of it; when it completed a datagram, that datagram
 * replaces the fragment in rx and it returns 1.
 */
static int
reassemble(struct msld *d, struct msld_rx *rx, const struct msld_dgram *in)
{
	static const enum msld_counter drop_of[MSLD_FRAG_RESULTS] = {
		[MSLD_FRAG_DUPLICATE] = MSLD_C_drop_frag_duplicate,
		[MSLD_FRAG_OVERLAP] = MSLD_C_drop_frag_overlap,
		[MSLD_FRAG_TOO_LARGE] = MSLD_C_drop_frag_too_large,
		[MSLD_FRAG_TOO_MANY] = MSLD_C_drop_frag_too_many,
		[MSLD_FRAG_NO_ROOM] = MSLD_C_drop_frag_no_room,
		[MSLD_FRAG_BAD] = MSLD_C_drop_frag_bad,
	};
	char ipb[INET_ADDRSTRLEN];
	uint64_t t0 = d->frags.timeouts;
	size_t n = 0;
	enum msld_frag_result r;

	d->stats.n[MSLD_C_frag_received]++;
	r = msld_frag_add(&d->frags, rx->buf, rx->len, in->ip, in->now, rx->buf, &n);
	d->stats.n[MSLD_C_drop_frag_timeout] += d->frags.timeouts - t0;
	if (r == MSLD_FRAG_DONE) {
		d->stats.n[MSLD_C_frag_reassembled]++;
		rx->len = rx->wire_len = n;
		return 1;
	}
	if (r != MSLD_FRAG_HELD) {
		d->stats.n[drop_of[r]]++;
		msld_log(d, MSL_LOG_DEBUG, "event=drop source=%s:%u bytes=%zu reason=fragment_%s",
		    msld_ipstr(in->ip, ipb), in->port, in->len, msld_frag_result_str(r));
	}
	return 0;
}

/* take applies the rules to one received datagram and queues its
 * delivery, or logs why it was dropped. */
static void
take(struct msld *d, struct msld_rx *rx, uint64_t now)
{
	char ifname[IF_NAMESIZE], ipb[INET_ADDRSTRLEN];
	struct msld_pending *p = &d->pend[d->npend];
	struct msld_dgram in;
	struct msld_relay *r;

	msld_udp_view(d, rx, now, ifname, &in);
	if (!msld_decide(d, &in, &p->v) && p->v.fragment) {
		if (!reassemble(d, rx, &in))
			return;
		/* The whole datagram meets the rules as any other. */
		msld_udp_view(d, rx, now, ifname, &in);
		in.reassembled = 1;
		msld_decide(d, &in, &p->v);
	}
	if (!p->v.deliver) {
		if (p->v.drop == MSLD_C_drop_malformed)
			msld_log(d, MSL_LOG_DEBUG, "event=drop source=%s:%u bytes=%zu reason=%s",
			    msld_ipstr(in.ip, ipb), in.port, in.len, msl_perr_str(p->v.reason));
		return;
	}
	if ((r = msld_relay_find(d, p->v.slot.key)) == NULL) {
		start_open(d, &p->v, now);
		return;
	}
	if (r->o != NULL) {
		queue_msg(d, r, &p->v);
		return;
	}
	msld_relay_to_lru(d, r);
	p->r = r;
	d->npend++;
}

void
msld_on_datagrams(struct msld *d)
{
	/* Past the rounds, what is left of runs already read is taken too:
	 * the socket would not wake us for it (udpgro.c). */
	for (int round = 0; round < MSLD_RX_ROUNDS || msld_udp_gro_pending(d); round++) {
		int n = msld_udp_recv_runs(d, d->rxq, MSLD_BATCH);
		uint64_t now = msl_now_ns();
		for (int i = 0; i < n; i++)
			take(d, &d->rxq[i], now);
		flush_pending(d);
		if (n < MSLD_BATCH)
			return;
	}
}

void
msld_take_batch(struct msld *d, int n)
{
	uint64_t now = msl_now_ns();

	for (int i = 0; i < n; i++)
		take(d, &d->rxq[i], now);
	flush_pending(d);
}
