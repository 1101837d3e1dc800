/* SPDX-License-Identifier: MIT */
/*
 * frag.h - reassembly of fragmented NetBIOS datagrams (RFC 1002 §4.4.1,
 * §5.3.1, §5.3.3; docs/protocol.md §3.2), in a table of fixed size.
 *
 * Pure: no system call, no allocation; the caller passes the time.  A
 * datagram is known by its source address and DGM_ID (RFC 1002 §5.3.3:
 * later pieces may come from another port).  The
 * FIRST fragment (F set, M set, PACKET_OFFSET 0) carries the names and the
 * first user data; each later one (F clear) repeats the 14-byte header and
 * carries PACKET_OFFSET's part of the body (the bytes after that header);
 * the one with M clear ends it.  Fragments may come in any order.
 */
#ifndef MSLD_FRAG_H
#define MSLD_FRAG_H

#include <stddef.h>
#include <stdint.h>

/* Datagrams being reassembled at once, pieces of one, and how many of the
 * table one source address may hold, so that a flood of first fragments
 * from one host cannot take the room of the others. */
#define MSLD_FRAG_SLOTS 64
#define MSLD_FRAG_PIECES 8
#define MSLD_FRAG_PER_SOURCE 4
/* RFC 1002 §6: FRAGMENT_TO, the time a partial datagram is kept. */
#define MSLD_FRAG_TIMEOUT_NS (2ull * 1000000000ull)
/* The largest datagram reassembled, header included: the daemon's
 * receive slot (no valid mailslot datagram is longer, docs/protocol.md §3.1). */
#define MSLD_FRAG_MAX 2048

/* What became of one fragment, or of a datagram in the table. */
enum msld_frag_result {
	MSLD_FRAG_HELD,      /* kept: the datagram is not whole yet        */
	MSLD_FRAG_DONE,      /* the datagram is whole: see msld_frag_add    */
	MSLD_FRAG_DUPLICATE, /* the same piece again: ignored               */
	MSLD_FRAG_OVERLAP,   /* overlaps another piece: datagram discarded  */
	MSLD_FRAG_TOO_LARGE, /* beyond MSLD_FRAG_MAX: datagram discarded    */
	MSLD_FRAG_TOO_MANY,  /* more than MSLD_FRAG_PIECES: discarded       */
	MSLD_FRAG_NO_ROOM,   /* table full, or the source's share of it     */
	MSLD_FRAG_BAD,       /* contradicts the datagram's other pieces, or
	                      * is no fragment at all: discarded            */
	MSLD_FRAG_RESULTS
};

struct msld_frag_slot {
	uint64_t t;          /* when its first piece came; 0: slot free */
	uint32_t ip;         /* UDP source, network order */
	uint16_t id;         /* DGM_ID */
	uint16_t total;      /* body length, once the last piece came; else 0 */
	uint8_t npieces;
	uint8_t have_first;
	struct { uint16_t off, len; } piece[MSLD_FRAG_PIECES]; /* sorted by off */
	uint8_t head[14];    /* the first fragment's header */
	uint8_t body[MSLD_FRAG_MAX - 14];
};

struct msld_frags {
	struct msld_frag_slot slot[MSLD_FRAG_SLOTS];
	uint64_t timeouts; /* datagrams discarded unfinished (msld_frag_expire) */
};

/* msld_frag_is_fragment tells whether a UDP 138 payload is a fragment:
 * a direct or broadcast datagram with F clear or M set (RFC 1002 §4.4.1). */
int msld_frag_is_fragment(const uint8_t *buf, size_t len);

/*
 * msld_frag_add takes one fragment (buf, len: a UDP payload for which
 * msld_frag_is_fragment holds) from address ip at time now.  On DONE the whole
 * datagram, unfragmented (F set, M clear, PACKET_OFFSET 0, DGM_LENGTH its
 * body), is in out[0 .. *outlen) (out has room for MSLD_FRAG_MAX bytes,
 * and may be buf itself) and leaves the table.  Partial datagrams older than MSLD_FRAG_TIMEOUT_NS are
 * given up first (counted in timeouts).
 */
enum msld_frag_result msld_frag_add(struct msld_frags *f, const uint8_t *buf, size_t len,
    uint32_t ip, uint64_t now, uint8_t *out, size_t *outlen);

/* msld_frag_expire gives up the partial datagrams older than the timeout
 * and returns how many it gave up (also added to timeouts). */
unsigned msld_frag_expire(struct msld_frags *f, uint64_t now);

/* msld_frag_result_str names a result, for counters and logs. */
const char *msld_frag_result_str(enum msld_frag_result r);

#endif /* MSLD_FRAG_H */
