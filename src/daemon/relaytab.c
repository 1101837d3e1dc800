/* SPDX-License-Identifier: MIT */
/*
 * relaytab.c - mailslotd's table of relay handles: a fixed array sized at
 * start from the descriptor limit, a hash index by mailslot key, and the
 * lists (open ones by use, opening ones by deadline, free ones) that let
 * every operation run in constant time, so 10 000 mailslots cost the
 * daemon no more per datagram than one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "daemon.h"

/* hash is FNV-1a over the mailslot's key (its lower-cased name). */
static unsigned
hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h;
}

/* capacity raises the soft descriptor limit to the hard one and says how
 * many relays it leaves room for beside everything else the daemon holds. */
static int
capacity(struct msld *d)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return MSLD_RELAYS_MIN;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl.rlim_cur = was;
	}
	n = rl.rlim_cur == RLIM_INFINITY ? (rlim_t)MSLD_RELAYS_MAX * MSLD_RELAY_FDS : rl.rlim_cur;
	n = n > MSLD_FD_RESERVE ? (n - MSLD_FD_RESERVE) / MSLD_RELAY_FDS : 0;
	if (n > MSLD_RELAYS_MAX)
		n = MSLD_RELAYS_MAX;
	if (n < MSLD_RELAYS_MIN) {
		msld_log(d, MSL_LOG_WARN, "event=start relays=%d note=\"descriptor limit %llu is low: raise LimitNOFILE\"",
		    MSLD_RELAYS_MIN, (unsigned long long)rl.rlim_cur);
		n = MSLD_RELAYS_MIN;
	}
	return (int)n;
}

int
msld_relays_init(struct msld *d)
{
	struct msld_relays *t = &d->relays;

	t->cap = capacity(d);
	for (t->nbucket = 1; t->nbucket < 2u * (unsigned)t->cap; t->nbucket <<= 1)
		;
	t->r = calloc((size_t)t->cap, sizeof *t->r);
	t->bucket = malloc(t->nbucket * sizeof *t->bucket);
	t->q = calloc(MSLD_OPENQ_POOL, sizeof *t->q);
	if (t->r == NULL || t->bucket == NULL || t->q == NULL)
		return -1;
	for (unsigned i = 0; i < t->nbucket; i++)
		t->bucket[i] = -1;
	t->lru = t->lru_tail = t->opening = t->opening_tail = -1;
	for (int i = 0; i < t->cap; i++) {
		t->r[i].w = (struct msld_watch){ MSLD_T_RELAY, -1 };
		t->r[i].hnext = -1;
		t->r[i].next = i + 1 < t->cap ? i + 1 : -1;
		t->r[i].where = MSLD_RL_FREE;
	}
	t->free_list = 0;
	for (int i = 0; i < MSLD_OPENQ_POOL; i++)
		t->q[i].next = i + 1 < MSLD_OPENQ_POOL ? i + 1 : -1;
	t->qfree = 0;
	msld_log(d, MSL_LOG_INFO, "event=start relays=%d", t->cap);
	return 0;
}

struct msld_relay *
msld_relay_find(struct msld *d, const char *key)
{
	struct msld_relays *t = &d->relays;

	for (int i = t->bucket[hash(key) & (t->nbucket - 1)]; i >= 0; i = t->r[i].hnext)
		if (strcmp(t->r[i].key, key) == 0)
			return &t->r[i];
	return NULL;
}

/* unlink takes r out of its list (lru or opening; free is only popped). */
static void
unlink_list(struct msld_relays *t, struct msld_relay *r)
{
	int *head = r->where == MSLD_RL_LRU ? &t->lru : &t->opening;
	int *tail = r->where == MSLD_RL_LRU ? &t->lru_tail : &t->opening_tail;

	if (r->where == MSLD_RL_FREE)
		return;
	if (r->where == MSLD_RL_OPENING)
		t->nopening--;
	if (r->prev >= 0)
		t->r[r->prev].next = r->next;
	else
		*head = r->next;
	if (r->next >= 0)
		t->r[r->next].prev = r->prev;
	else
		*tail = r->prev;
	r->where = MSLD_RL_FREE;
}

/* push links r at the front (most recent use) or the back (latest
 * deadline) of the list head..tail, which it then belongs to. */
static void
push(struct msld_relays *t, struct msld_relay *r, int where, int front)
{
	int i = (int)(r - t->r);
	int *head = where == MSLD_RL_LRU ? &t->lru : &t->opening;
	int *tail = where == MSLD_RL_LRU ? &t->lru_tail : &t->opening_tail;
	int *near = front ? head : tail, *far = front ? tail : head;

	unlink_list(t, r);
	r->prev = front ? -1 : *tail;
	r->next = front ? *head : -1;
	if (*near >= 0) {
		if (front)
			t->r[*near].prev = i;
		else
			t->r[*near].next = i;
	}
	*near = i;
	if (*far < 0)
		*far = i;
	r->where = where;
}

void
msld_relay_to_lru(struct msld *d, struct msld_relay *r)
{
	struct msld_relays *t = &d->relays;

	if (r->where == MSLD_RL_LRU && t->lru == (int)(r - t->r))
		return; /* already the most recent: the common case */
	push(t, r, MSLD_RL_LRU, 1);
}

void
msld_relay_to_opening(struct msld *d, struct msld_relay *r)
{
	/* Deadlines are all start + MSLD_OPEN_NS: appending keeps the order. */
	push(&d->relays, r, MSLD_RL_OPENING, 0);
	d->relays.nopening++;
}

void
msld_relay_release(struct msld *d, struct msld_relay *r)
{
	struct msld_relays *t = &d->relays;
	int i = (int)(r - t->r);
	int *p = &t->bucket[hash(r->key) & (t->nbucket - 1)];

	while (*p >= 0 && *p != i)
		p = &t->r[*p].hnext;
	if (*p == i)
		*p = r->hnext;
	unlink_list(t, r);
	if (r->o != NULL) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, r->w.fd, NULL);
		msl_relay_open_abort(r->o);
	}
	if (r->c != NULL)
		mailslot_client_close(r->c);
	/* Queued datagrams go back to the pool; the caller counted them. */
	for (int q = r->qhead, nx; q >= 0; q = nx) {
		nx = t->q[q].next;
		t->q[q].next = t->qfree;
		t->qfree = q;
	}
	memset(r, 0, sizeof *r);
	r->w = (struct msld_watch){ MSLD_T_RELAY, -1 };
	r->hnext = -1;
	r->qhead = r->qtail = -1;
	r->next = t->free_list;
	r->where = MSLD_RL_FREE;
	t->free_list = i;
}

struct msld_relay *
msld_relay_take(struct msld *d, const char *key)
{
	struct msld_relays *t = &d->relays;
	struct msld_relay *r;
	unsigned h = hash(key) & (t->nbucket - 1);

	if (t->free_list < 0) {
		if (t->lru_tail < 0)
			return NULL; /* every handle is opening */
		msld_relay_release(d, &t->r[t->lru_tail]);
	}
	r = &t->r[t->free_list];
	t->free_list = r->next;
	strcpy(r->key, key);
	r->prev = r->next = -1;
	r->qhead = r->qtail = -1;
	r->qn = 0;
	r->hnext = t->bucket[h];
	t->bucket[h] = (int)(r - t->r);
	return r;
}

void
msld_relay_close_all(struct msld *d)
{
	struct msld_relays *t = &d->relays;

	for (int i = 0; t->r != NULL && i < t->cap; i++)
		if (t->r[i].c != NULL || t->r[i].o != NULL)
			msld_relay_release(d, &t->r[i]);
	free(t->r);
	free(t->bucket);
	free(t->q);
	memset(t, 0, sizeof *t);
}
