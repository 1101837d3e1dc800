/* SPDX-License-Identifier: MIT */
/*
 * peer_ring.c - the yardstick for a shared-memory transport: a plain
 * single-producer, single-consumer ring per writer in one shared mapping,
 * with futex wake-ups.  It is what per-writer rings can reach when nothing
 * else is done (no access control, no quotas, no hostile-peer checks
 * beyond bounds), so the mailslot's ratio against it shows what those cost.
 *
 * Layout: a header, then one ring per writer, each a control block and
 * bench_ring_bytes of data.  A writer claims a ring when it opens the
 * endpoint; with 8 writers the one reader serves the 8 rings round-robin,
 * one message from each ring that has one, in turn.
 *
 * Records are variable-length: a 32-bit length in an 8-byte header, the
 * payload, padding to 8 bytes.  A record that would cross the end of the
 * data area is preceded by a wrap marker, published on its own, and starts
 * again at offset 0.  Positions are 32-bit byte counts that wrap; the ring
 * is smaller than 2^31, so differences taken modulo 2^32 are always right.
 *
 * Sleeping (the lost-wake-up rule): a sleeper announces itself with its
 * own flag, rechecks the condition after a sequentially consistent fence,
 * and then waits on a futex word that its waker changes *before* looking
 * at the flag (the waker, after its own fence, only reads the flag and
 * never clears it; the sleeper clears it when it wakes).  Either the waker
 * sees the flag and wakes, or the sleeper's recheck sees the waker's
 * update; and since the futex word has changed by then, FUTEX_WAIT
 * returns at once instead of sleeping through a wake-up that came first.
 *   - The reader waits on the header's doorbell, which a writer bumps
 *     (after publishing) only when the reader's flag is up; one word
 *     covers every ring, so the reader can sleep on 8 rings at once.
 *   - A writer waits for room on its ring's read position, which the
 *     reader advances before it reads the writer's flag.
 * Before sleeping each side polls for bench_ring_spin_ns: a writer waiting
 * for room yields between looks (its reader is behind and may need the
 * CPU); the reader pauses, or yields when it is pinned to one CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* The largest ring a writer accepts from a reader's header. */
#define RING_BYTES_MAX (16u << 20)
/* The most writers (rings) one endpoint has. */
#define RING_MAX 64
/* A record's length word, and the length that marks a wrap. */
#define REC_HDR 8u
#define REC_WRAP UINT32_MAX
/*
 * How long a side polls the other's position before announcing a sleep:
 * about the cost of a futex wake-up and the sleeper's return across CPUs.
 */
#define RING_SPIN_NS 20000u

uint64_t bench_ring_spin_ns = RING_SPIN_NS;
long bench_ring_timeouts;

typedef struct ring_ctl {
	_Alignas(64) _Atomic uint32_t head; /* written by the writer */
	_Alignas(64) _Atomic uint32_t tail; /* written by the reader */
	_Atomic uint32_t writer_sleeps;     /* the writer waits on tail */
} ring_ctl;

typedef struct ring_hdr {
	_Alignas(64) _Atomic uint32_t bell; /* the reader waits on this */
	_Atomic uint32_t reader_sleeps;
	_Alignas(64) _Atomic uint32_t claimed; /* rings handed to writers */
	uint32_t nrings;
	uint32_t cap; /* data bytes of each ring, a power of two */
} ring_hdr;

/* The header, and each ring's control block, take one page. */
#define RING_CTL_BYTES 4096u

size_t bench_ring_bytes = 1u << 20;

typedef struct ring_ep {
	bench_named n; /* the shared-memory object's name */
	ring_hdr *hdr;
	size_t map_len, stride;
	uint32_t cap;
	int nrings, cur, pause, timeout_ms, mine; /* mine: writer's ring */
	/*
	 * The other side's position as last read: a reader's per ring (the
	 * writers' heads), a writer's in seen[0] (its reader's tail), so that
	 * the line the other side writes is read only when the copy runs out.
	 */
	uint32_t seen[RING_MAX];
} ring_ep;

static const bench_naming ring_naming = {
	.id = "ring", .prefix = "ring-", .suffix = "", .in_tmpdir = 0,
	.remove = shm_unlink,
};

static ring_ctl *
ring_at(const ring_ep *ep, int i)
{
	return (ring_ctl *)((char *)ep->hdr + RING_CTL_BYTES +
	    (size_t)i * ep->stride);
}

static unsigned char *
ring_data(const ring_ep *ep, int i)
{
	return (unsigned char *)ring_at(ep, i) + RING_CTL_BYTES;
}

/* ring_stride is the bytes a ring of cap data bytes takes, page-aligned. */
static size_t
ring_stride(uint32_t cap)
{
	return RING_CTL_BYTES + (((size_t)cap + 4095) & ~(size_t)4095);
}

/*
 * futex_wait sleeps while *word == val, at most timeout_ms; it returns
 * -1 only on a timeout (a wake-up, a changed word or a signal return 0).
 */
static int
futex_wait(_Atomic uint32_t *word, uint32_t val, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	if (syscall(SYS_futex, word, FUTEX_WAIT, val, &ts, NULL, 0) != 0 &&
	    errno == ETIMEDOUT) {
		bench_ring_timeouts++;
		return -1;
	}
	return 0;
}

static void
futex_wake(_Atomic uint32_t *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/*
 * may_pause tells whether this process may run on more than one CPU: a
 * poll then pauses between looks; pinned to one, it yields, so that the
 * other side, when it shares that CPU, runs and writes.
 */
static int
may_pause(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 1;
}

static void
relax(const ring_ep *ep)
{
	if (!ep->pause)
		(void)sched_yield();
#if defined(__x86_64__) || defined(__i386__)
	else
		__builtin_ia32_pause();
#endif
}

/* spinning tells whether a poll that may go on until `end` goes on. */
static int
spinning(uint64_t end)
{
	return bench_now() < end;
}

static ring_ep *
ring_map(const char *name, int create, uint32_t nrings, uint32_t cap)
{
	ring_ep *ep = bench_named_new(sizeof(*ep), &ring_naming, name, create);
	struct stat st;
	void *p = MAP_FAILED;
	int fd;

	if (ep == NULL)
		return NULL;
	fd = create ? shm_open(ep->n.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) :
		      shm_open(ep->n.path, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return bench_named_fail(ep, "shm_open");
	if (create && ftruncate(fd, (off_t)(RING_CTL_BYTES + nrings * ring_stride(cap))) != 0)
		goto fail_fd;
	if (!create) {
		p = mmap(NULL, RING_CTL_BYTES, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED || fstat(fd, &st) != 0)
			goto fail_fd;
		nrings = ((ring_hdr *)p)->nrings;
		cap = ((ring_hdr *)p)->cap;
		munmap(p, RING_CTL_BYTES);
		errno = EPROTO;
		if (nrings < 1 || nrings > RING_MAX || cap < 64 || cap > RING_BYTES_MAX ||
		    (cap & (cap - 1)) != 0 ||
		    (size_t)st.st_size < RING_CTL_BYTES + nrings * ring_stride(cap))
			goto fail_fd;
	}
	ep->stride = ring_stride(cap);
	ep->map_len = RING_CTL_BYTES + nrings * ep->stride;
	p = mmap(NULL, ep->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
	    fd, 0);
	if (p == MAP_FAILED)
		goto fail_fd;
	close(fd);
	ep->hdr = p;
	ep->nrings = (int)nrings;
	ep->cap = cap;
	ep->pause = may_pause();
	return ep;
fail_fd:
	close(fd);
	return bench_named_fail(ep, create ? "create" : "map");
}

static void *
ring_rx_open(char *name, size_t size, int writers, int timeout_ms)
{
	ring_ep *ep;

	(void)size;
	if (writers < 1 || writers > RING_MAX || bench_ring_bytes < 128 ||
	    bench_ring_bytes > RING_BYTES_MAX ||
	    (bench_ring_bytes & (bench_ring_bytes - 1)) != 0)
		return NULL;
	ep = ring_map(name, 1, (uint32_t)writers, (uint32_t)bench_ring_bytes);
	if (ep == NULL)
		return NULL;
	ep->hdr->nrings = (uint32_t)writers;
	ep->hdr->cap = (uint32_t)bench_ring_bytes;
	ep->timeout_ms = timeout_ms;
	return ep;
}

static void *
ring_tx_open(const char *name)
{
	ring_ep *ep = ring_map(name, 0, 0, 0);
	uint32_t i;

	if (ep == NULL)
		return NULL;
	i = atomic_fetch_add(&ep->hdr->claimed, 1);
	if (i >= (uint32_t)ep->nrings) {
		bench_warn("ring", "%s: every ring has its writer", ep->n.path);
		munmap(ep->hdr, ep->map_len);
		bench_named_close(ep);
		return NULL;
	}
	ep->mine = (int)i;
	ep->timeout_ms = BENCH_RECV_TIMEOUT_MS;
	return ep;
}

/*
 * free_bytes is the room before a writer at head overtakes the reader it
 * last saw at ep->seen[0]; a read position past head (impossible unless
 * the reader is broken) leaves none.
 */
static uint32_t
free_bytes(const ring_ep *ep, uint32_t head)
{
	uint32_t used = head - ep->seen[0];

	return used > ep->cap ? 0 : ep->cap - used;
}

/* room reads the reader's position again and returns free_bytes. */
static uint32_t
room(ring_ep *ep, ring_ctl *r, uint32_t head)
{
	ep->seen[0] = atomic_load_explicit(&r->tail, memory_order_acquire);
	return free_bytes(ep, head);
}

/* wait_room returns once `need` bytes are free, or -1 after the timeout. */
static int
wait_room(ring_ep *ep, ring_ctl *r, uint32_t head, uint32_t need)
{
	if (free_bytes(ep, head) >= need)
		return 0;
	/*
	 * A full ring means its reader is behind: between looks the writer
	 * yields, so that with more writers than CPUs the reader gets one.
	 */
	for (uint64_t end = bench_now() + bench_ring_spin_ns;; (void)sched_yield()) {
		if (room(ep, r, head) >= need)
			return 0;
		if (!spinning(end))
			break;
	}
	for (;;) {
		/* The futex word's value this sleep waits to see change. */
		uint32_t free_now = room(ep, r, head), tail = ep->seen[0];

		if (free_now >= need)
			return 0;
		atomic_store_explicit(&r->writer_sleeps, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		/* The recheck after announcing the sleep (see the top). */
		if (room(ep, r, head) >= need) {
			atomic_store_explicit(&r->writer_sleeps, 0, memory_order_relaxed);
			return 0;
		}
		int to = futex_wait(&r->tail, tail, ep->timeout_ms);
		atomic_store_explicit(&r->writer_sleeps, 0, memory_order_relaxed);
		if (to != 0 && room(ep, r, head) < need)
			return -1;
	}
}

/* publish makes the writer's records up to head visible, then wakes a
 * sleeping reader (the rule at the top). */
static void
publish(const ring_ep *ep, ring_ctl *r, uint32_t head)
{
	atomic_store_explicit(&r->head, head, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&ep->hdr->reader_sleeps, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&ep->hdr->bell, 1, memory_order_relaxed);
		futex_wake(&ep->hdr->bell);
	}
}

static int
ring_send(void *tx, const void *buf, size_t len)
{
	ring_ep *ep = tx;
	ring_ctl *r = ring_at(ep, ep->mine);
	unsigned char *data = ring_data(ep, ep->mine);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t rec = (uint32_t)((REC_HDR + len + 7) & ~(size_t)7);
	uint32_t off = head & (ep->cap - 1);
	uint32_t n32 = (uint32_t)len;

	if (len > BENCH_MAX_MSG || rec > ep->cap)
		return BENCH_SEND_ERR;
	if (rec > ep->cap - off) {
		/*
		 * Too little room before the end: a wrap marker, published on
		 * its own so that the reader can free the gap even when the
		 * gap and the record together would not fit the ring.
		 */
		uint32_t wrap = REC_WRAP;

		if (wait_room(ep, r, head, ep->cap - off) != 0)
			return BENCH_SEND_ERR;
		memcpy(data + off, &wrap, sizeof(wrap));
		head += ep->cap - off;
		off = 0;
		publish(ep, r, head);
	}
	if (wait_room(ep, r, head, rec) != 0)
		return BENCH_SEND_ERR;
	memcpy(data + off, &n32, sizeof(n32));
	memcpy(data + off + REC_HDR, buf, len);
	publish(ep, r, head + rec);
	return BENCH_SEND_OK;
}

/* consume frees the ring up to tail, then wakes a writer waiting for room
 * (the rule at the top). */
static void
consume(ring_ctl *r, uint32_t tail)
{
	atomic_store_explicit(&r->tail, tail, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->writer_sleeps, memory_order_relaxed))
		futex_wake(&r->tail);
}

/*
 * take reads the next record of ring i into buf: its length, 0 when the
 * ring is empty (*got clear), or BENCH_RECV_ERR for a record that does not
 * fit the ring or the buffer.  Every length and position the writer left
 * is checked before it is used.
 */
static ssize_t
take(ring_ep *ep, int i, void *buf, size_t cap, int *got)
{
	ring_ctl *r = ring_at(ep, i);
	const unsigned char *data = ring_data(ep, i);
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t head = ep->seen[i], off, len;

	*got = 0;
	if (head == tail) {
		head = ep->seen[i] = atomic_load_explicit(&r->head, memory_order_acquire);
		if (head == tail)
			return 0;
	}
	if (head - tail > ep->cap)
		return BENCH_RECV_ERR;
	off = tail & (ep->cap - 1);
	memcpy(&len, data + off, sizeof(len));
	if (len == REC_WRAP) {
		if (ep->cap - off > head - tail)
			return BENCH_RECV_ERR;
		tail += ep->cap - off;
		off = 0;
		if (head == tail) {
			consume(r, tail);
			return 0;
		}
		memcpy(&len, data, sizeof(len));
	}
	if (len > cap || REC_HDR + (size_t)len > head - tail ||
	    off + REC_HDR + (size_t)len > ep->cap)
		return BENCH_RECV_ERR;
	memcpy(buf, data + off + REC_HDR, len);
	consume(r, tail + ((REC_HDR + len + 7) & ~7u));
	*got = 1;
	return (ssize_t)len;
}

/* scan takes one message from the next ring that has one, round-robin. */
static ssize_t
scan(ring_ep *ep, void *buf, size_t cap, int *got)
{
	for (int k = 0; k < ep->nrings; k++) {
		int i = (ep->cur + k) % ep->nrings;
		ssize_t n = take(ep, i, buf, cap, got);

		if (*got || n < 0) {
			ep->cur = (i + 1) % ep->nrings;
			return n;
		}
	}
	return 0;
}

static ssize_t
ring_recv(void *rx, void *buf, size_t cap)
{
	ring_ep *ep = rx;
	ring_hdr *h = ep->hdr;
	int got;
	ssize_t n;

	for (uint64_t end = bench_now() + bench_ring_spin_ns;; relax(ep)) {
		n = scan(ep, buf, cap, &got);
		if (got || n < 0)
			return n;
		if (!spinning(end))
			break;
	}
	for (;;) {
		uint32_t bell = atomic_load_explicit(&h->bell, memory_order_acquire);

		atomic_store_explicit(&h->reader_sleeps, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		/* The recheck after announcing the sleep (see the top). */
		n = scan(ep, buf, cap, &got);
		if (got || n < 0) {
			atomic_store_explicit(&h->reader_sleeps, 0, memory_order_relaxed);
			return n;
		}
		int to = futex_wait(&h->bell, bell, ep->timeout_ms);
		atomic_store_explicit(&h->reader_sleeps, 0, memory_order_relaxed);
		n = scan(ep, buf, cap, &got);
		if (got || n < 0)
			return n;
		if (to != 0)
			return BENCH_RECV_TIMEOUT;
	}
}

static void
ring_close(void *p)
{
	ring_ep *ep = p;

	if (ep != NULL)
		munmap(ep->hdr, ep->map_len);
	bench_named_close(ep);
}

const bench_mech bench_ring = {
	.id = "ring",
	.label = "shared-memory SPSC rings + futex",
	.na = bench_any_size,
	.rx_open = ring_rx_open,
	.tx_open = ring_tx_open,
	.send = ring_send,
	.recv = ring_recv,
	.tx_close = ring_close,
	.rx_close = ring_close,
	.naming = &ring_naming,
};
