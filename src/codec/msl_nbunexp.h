/* SPDX-License-Identifier: MIT */
/*
 * msl_nbunexp.h - the framing of Samba nmbd's "unexpected packet" socket,
 * through which nmbd hands the NetBIOS packets it does not handle itself
 * to local clients (docs/protocol.md §9).
 *
 * The socket is a Unix stream socket, "unexpected" in nmbd's socket
 * directory.  A client writes one query (the packet type it wants, a
 * transaction id filter for name service packets, and optionally a
 * mailslot name filter for datagrams); nmbd answers one byte, 0, and then
 * writes one frame per packet: a header (the payload's length, its type,
 * a timestamp, the source address and port) and the packet's bytes as
 * they are on the wire.  Both structures are C structs in the host's own
 * layout (size_t, int, time_t fields), since the socket never leaves the
 * host; this codec reproduces that layout with the same C types.
 */
#ifndef MSL_NBUNEXP_H
#define MSL_NBUNEXP_H

#include <stddef.h>
#include <stdint.h>

#include "msl_perr.h"

/* The packet types of the query and of a frame: name service (UDP 137)
 * and datagram (UDP 138) packets. */
#define MSL_NBUNEXP_NMB 0
#define MSL_NBUNEXP_DGRAM 1
/* A trn_id of -1 takes every name service transaction. */
#define MSL_NBUNEXP_ANY_TRN (-1)
/* nmbd builds each packet into a 1024-byte buffer, and refuses a query
 * whose mailslot name is longer than 1024 bytes. */
#define MSL_NBUNEXP_PACKET_MAX 1024
#define MSL_NBUNEXP_NAME_MAX 1024
/* The acknowledgement nmbd sends after a query, and its value. */
#define MSL_NBUNEXP_ACK_LEN 1
#define MSL_NBUNEXP_ACK 0

/* The query's and a frame header's sizes in this host's layout. */
size_t msl_nbunexp_query_len(void);
size_t msl_nbunexp_hdr_len(void);

/*
 * msl_nbunexp_query_build writes the query for packets of type (an
 * MSL_NBUNEXP_ type), name service transaction trn_id (or
 * MSL_NBUNEXP_ANY_TRN), and datagrams to the mailslot name[0..name_len)
 * (name_len 0: every datagram).  nmbd compares that name byte for byte,
 * case included, with the datagram's "\MAILSLOT\..." name.
 * Returns OK, NOSPACE or INVAL (a bad type, or a name longer than
 * MSL_NBUNEXP_NAME_MAX).
 */
msl_perr msl_nbunexp_query_build(int type, int trn_id, const char *name, size_t name_len,
    uint8_t *buf, size_t cap, size_t *used);

/* One frame: the packet as nmbd received it. */
struct msl_nbunexp_frame {
	int fr_type;            /* MSL_NBUNEXP_NMB or _DGRAM           */
	int64_t fr_time;        /* when nmbd read it (time_t seconds)  */
	uint32_t fr_ip;         /* its UDP source, host order          */
	uint16_t fr_port;       /* its UDP source port                 */
	const uint8_t *fr_data; /* the packet, inside the input        */
	size_t fr_len;
};

/*
 * msl_nbunexp_frame_parse reads the frame at the start of buf[0..len)
 * of a stream.  Returns OK with *f and *consumed (header + packet);
 * TRUNCATED when the frame is not complete yet (read more and call
 * again); TOOBIG when its length exceeds MSL_NBUNEXP_PACKET_MAX or
 * BADTYPE for an unknown type, after which the stream cannot be trusted.
 */
msl_perr msl_nbunexp_frame_parse(const uint8_t *buf, size_t len, struct msl_nbunexp_frame *f,
    size_t *consumed);

/* msl_nbunexp_frame_build writes one frame as nmbd does (for tests and
 * the fuzz target's round trip).  Returns OK, NOSPACE or TOOBIG. */
msl_perr msl_nbunexp_frame_build(const struct msl_nbunexp_frame *f, uint8_t *buf, size_t cap,
    size_t *used);

#endif /* MSL_NBUNEXP_H */
