/* SPDX-License-Identifier: MIT */
/*
 * relay.c - delivery of received datagrams into local mailslots.
 *
 * The daemon opens each local mailslot in the core's relay role
 * (msl_client_open_role), which lets a message carry its network origin,
 * and keeps the handles open between datagrams.  Deliveries are gathered
 * per batch of datagrams and written per mailslot in as few pipe writes
 * as fit (msl_client_write_batch); what does not go at once is written
 * alone, waiting for room within a budget, so that a stopped reader never
 * holds the daemon.  The data stays in the receive batch until it is
 * written, which happens before the next batch is read.
 */
#include <string.h>

#include "../platform/platform.h"
#include "daemon.h"

/*
 * How long one batch of deliveries may wait for readers' pipes to make
 * room.  A reader descheduled for a moment (this machine has other work)
 * should not lose datagrams, but a stopped one must not hold the daemon:
 * a relay whose wait ran out does not wait again until a write succeeds.
 */
#define WAIT_BUDGET_NS (50ull * 1000000ull)

_Static_assert(MSLD_PENDING >= MSLD_BATCH, "a batch of datagrams must fit the deliveries");

static void
relay_drop(struct msld_relay *r)
{
	mailslot_client_close(r->c);
	memset(r, 0, sizeof *r);
}

void
msld_relay_close_all(struct msld *d)
{
	for (int i = 0; i < MSLD_RELAYS; i++)
		if (d->relays[i].c != NULL)
			relay_drop(&d->relays[i]);
}

/* is_busy tells whether the mailslot key failed to answer within the
 * last second; mark_busy records that it just did. */
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

/*
 * relay_get returns an open relay handle to the local mailslot n, or an
 * error: NOTFOUND (no such mailslot), ACCESS (it refuses remote writers),
 * FULL (it did not answer at once, now or within the last second).
 */
static mailslot_err
relay_get(struct msld *d, const mailslot_name *n, struct msld_relay **out)
{
	struct msld_relay *slot = &d->relays[0];
	uint64_t now = msl_now_ns();
	mailslot_err e;

	for (int i = 0; i < MSLD_RELAYS; i++) {
		struct msld_relay *r = &d->relays[i];
		if (r->c != NULL && strcmp(r->key, n->key) == 0) {
			r->used = ++d->relay_clock;
			*out = r;
			return MAILSLOT_OK;
		}
		if (r->used < slot->used)
			slot = r;
	}
	if (is_busy(d, n->key, now))
		return MAILSLOT_E_FULL;
	if (slot->c != NULL)
		relay_drop(slot);
	e = msl_client_open_role(n, MSL_ROLE_RELAY, &slot->c);
	if (e != MAILSLOT_OK) {
		slot->c = NULL;
		if (e == MAILSLOT_E_TIMEOUT || e == MAILSLOT_E_FULL) {
			mark_busy(d, n->key, now);
			e = MAILSLOT_E_FULL;
		}
		return e;
	}
	strcpy(slot->key, n->key);
	slot->used = ++d->relay_clock;
	*out = slot;
	return MAILSLOT_OK;
}

/* count_result counts (and at debug level logs) one delivery's outcome. */
static void
count_result(struct msld *d, mailslot_err e, const struct msld_verdict *v)
{
	char ipb[INET_ADDRSTRLEN], nb[4 * sizeof v->origin.name + 3], sb[4 * sizeof v->slot.path + 3];
	char rb[128];

	msld_count_delivery(d, e);
	if (d->conf.log_level >= MSL_LOG_DEBUG)
		msld_log(d, MSL_LOG_DEBUG, "event=%s source=%s:%u sender=%s mailslot=%s bytes=%zu%s%s",
		    e == MAILSLOT_OK ? "deliver" : "drop", msld_ipstr(v->origin.ip, ipb), v->origin.port,
		    msld_kv(v->origin.name, nb, sizeof nb), msld_kv(v->slot.path, sb, sizeof sb), v->len,
		    e == MAILSLOT_OK ? "" : " reason=",
		    e == MAILSLOT_OK ? "" : msld_kv(mailslot_strerror(e), rb, sizeof rb));
}

/* deliver_one writes one message alone, waiting for room only within the
 * batch's budget, and once more through a fresh handle if the mailslot
 * was closed and created again since its handle was opened. */
static void
deliver_one(struct msld *d, const struct msld_verdict *v, uint64_t deadline)
{
	struct msld_relay *r;
	mailslot_err e;

	for (int attempt = 0; attempt < 2; attempt++) {
		e = relay_get(d, &v->slot, &r);
		if (e == MAILSLOT_OK) {
			uint32_t wait = r->stalled ? 0 : (uint32_t)msl_ms_until(deadline);
			e = msl_client_write_origin(r->c, v->data, v->len, &v->origin, wait);
			if (e == MAILSLOT_E_GONE) {
				relay_drop(r);
				continue;
			}
			if (e == MAILSLOT_OK)
				r->stalled = 0;
			else if (e == MAILSLOT_E_FULL && wait > 0)
				r->stalled = 1;
		}
		break;
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

/* take applies the rules to one received datagram and queues its
 * delivery, or logs why it was dropped. */
static void
take(struct msld *d, const struct msld_rx *rx, uint64_t now)
{
	char ifname[IF_NAMESIZE], ipb[INET_ADDRSTRLEN];
	struct msld_pending *p = &d->pend[d->npend];
	struct msld_dgram in;
	mailslot_err e;

	msld_udp_view(d, rx, now, ifname, &in);
	if (!msld_decide(d, &in, &p->v)) {
		if (p->v.drop == MSLD_C_drop_malformed)
			msld_log(d, MSL_LOG_DEBUG, "event=drop source=%s:%u bytes=%zu reason=%s",
			    msld_ipstr(in.ip, ipb), in.port, in.len, msl_perr_str(p->v.reason));
		return;
	}
	if ((e = relay_get(d, &p->v.slot, &p->r)) != MAILSLOT_OK) {
		count_result(d, e, &p->v);
		return;
	}
	d->npend++;
}

void
msld_on_datagrams(struct msld *d)
{
	for (int round = 0; round < MSLD_RX_ROUNDS; round++) {
		int n = msld_udp_recv(d->dgm.fd, d->rxq, MSLD_BATCH);
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
