/* SPDX-License-Identifier: MIT */
/*
 * msl_nbunexp.c - the framing of nmbd's unexpected packet socket
 * (msl_nbunexp.h, docs/protocol.md §9).
 *
 * The two structs below have the members, in the order and of the C
 * types, that nmbd's own query and frame header have, so that the
 * compiler lays them out as it lays out nmbd's on this host.  Fields are
 * copied in and out with memcpy at their offsetof, so the input needs no
 * alignment.
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "msl_nbunexp.h"

/* The query: the packet type (an enum), the mailslot name's length, the
 * transaction id; the name's bytes follow, without a NUL. */
struct query_wire {
	int type;
	size_t name_len;
	int trn_id;
};

/* A frame's header: the packet's length, its type, the time nmbd read
 * it, its source address (a struct in_addr, network order) and port. */
struct hdr_wire {
	size_t len;
	int type;
	time_t timestamp;
	uint32_t ip;
	int port;
};

size_t
msl_nbunexp_query_len(void)
{
	return sizeof(struct query_wire);
}

size_t
msl_nbunexp_hdr_len(void)
{
	return sizeof(struct hdr_wire);
}

static int
type_ok(int t)
{
	return t == MSL_NBUNEXP_NMB || t == MSL_NBUNEXP_DGRAM;
}

msl_perr
msl_nbunexp_query_build(int type, int trn_id, const char *name, size_t name_len,
    uint8_t *buf, size_t cap, size_t *used)
{
	struct query_wire q;

	if (!type_ok(type) || name_len > MSL_NBUNEXP_NAME_MAX || (name_len > 0 && name == NULL))
		return MSL_PE_INVAL;
	*used = sizeof q + name_len;
	if (buf == NULL || cap < *used)
		return MSL_PE_NOSPACE;
	/* Padding bytes are zeroed: nmbd copies the struct whole. */
	memset(&q, 0, sizeof q);
	q.type = type;
	q.name_len = name_len;
	q.trn_id = trn_id;
	memcpy(buf, &q, sizeof q);
	if (name_len > 0)
		memcpy(buf + sizeof q, name, name_len);
	return MSL_PE_OK;
}

msl_perr
msl_nbunexp_frame_parse(const uint8_t *buf, size_t len, struct msl_nbunexp_frame *f,
    size_t *consumed)
{
	struct hdr_wire h;
	uint32_t ip;

	if (len < sizeof h)
		return MSL_PE_TRUNCATED;
	memcpy(&h, buf, sizeof h);
	/* The length is checked before anything waits for it: a hostile or
	 * broken peer must not make the reader wait for gigabytes. */
	if (h.len > MSL_NBUNEXP_PACKET_MAX)
		return MSL_PE_TOOBIG;
	if (!type_ok(h.type))
		return MSL_PE_BADTYPE;
	if (len - sizeof h < h.len)
		return MSL_PE_TRUNCATED;
	ip = h.ip;
	/* struct in_addr holds the address in network order. */
	{
		const uint8_t *b = (const uint8_t *)&ip;
		f->fr_ip = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	}
	f->fr_type = h.type;
	f->fr_time = (int64_t)h.timestamp;
	f->fr_port = (uint16_t)h.port;
	f->fr_data = buf + sizeof h;
	f->fr_len = h.len;
	*consumed = sizeof h + h.len;
	return MSL_PE_OK;
}

msl_perr
msl_nbunexp_frame_build(const struct msl_nbunexp_frame *f, uint8_t *buf, size_t cap,
    size_t *used)
{
	struct hdr_wire h;
	uint8_t *b = (uint8_t *)&h.ip;

	if (f->fr_len > MSL_NBUNEXP_PACKET_MAX || !type_ok(f->fr_type))
		return MSL_PE_TOOBIG;
	*used = sizeof h + f->fr_len;
	if (buf == NULL || cap < *used)
		return MSL_PE_NOSPACE;
	memset(&h, 0, sizeof h);
	h.len = f->fr_len;
	h.type = f->fr_type;
	h.timestamp = (time_t)f->fr_time;
	b[0] = (uint8_t)(f->fr_ip >> 24);
	b[1] = (uint8_t)(f->fr_ip >> 16);
	b[2] = (uint8_t)(f->fr_ip >> 8);
	b[3] = (uint8_t)f->fr_ip;
	h.port = f->fr_port;
	memcpy(buf, &h, sizeof h);
	if (f->fr_len > 0)
		memcpy(buf + sizeof h, f->fr_data, f->fr_len);
	return MSL_PE_OK;
}
