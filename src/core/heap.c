/* SPDX-License-Identifier: MIT */
/*
 * heap.c - the min-heap of a mailslot's writers that have ready frames,
 * keyed on their first frame's (time, writer id): it merges any number of
 * writers in O(log writers) a message (queue_int.h).
 */
#include "queue_int.h"

static int
msl_before(const msl_conn *a, const msl_conn *b)
{
	return a->head_ts != b->head_ts ? a->head_ts < b->head_ts : a->id < b->id;
}

static void
msl_heap_set(struct mailslot_server *s, size_t i, msl_conn *c)
{
	s->heap[i] = c;
	c->hidx = (long)i;
}

static void
msl_heap_up(struct mailslot_server *s, size_t i)
{
	msl_conn *c = s->heap[i];
	while (i > 0 && msl_before(c, s->heap[(i - 1) / 2])) {
		msl_heap_set(s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	msl_heap_set(s, i, c);
}

void
msl_heap_down(struct mailslot_server *s, size_t i)
{
	msl_conn *c = s->heap[i];
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= s->nheap)
			break;
		if (k + 1 < s->nheap && msl_before(s->heap[k + 1], s->heap[k]))
			k++;
		if (!msl_before(s->heap[k], c))
			break;
		msl_heap_set(s, i, s->heap[k]);
		i = k;
	}
	msl_heap_set(s, i, c);
}

void
msl_heap_push(struct mailslot_server *s, msl_conn *c)
{
	c->head_ts = msl_ts_at(c, c->rd);
	s->heap[s->nheap++] = c;
	msl_heap_up(s, s->nheap - 1);
}

/* msl_heap_reserve makes room in the heap for one more writer. */
int
msl_heap_reserve(struct mailslot_server *s, size_t writers)
{
	msl_conn **h = msl_grow(s->heap, &s->heap_cap, writers, sizeof *h, 16);
	if (h == NULL)
		return -1;
	s->heap = h;
	return 0;
}

void
msl_heap_remove(struct mailslot_server *s, msl_conn *c)
{
	size_t i = (size_t)c->hidx;
	msl_conn *last = s->heap[--s->nheap];
	c->hidx = -1;
	if (last == c)
		return;
	msl_heap_set(s, i, last);
	msl_heap_up(s, i);
	msl_heap_down(s, (size_t)last->hidx);
}
