/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns_int.h - the name service header, shared by the codec's name
 * service files (msl_nbns.c queries, msl_nbns_reg.c registration and
 * release, msl_nbns_stat.c node status).  Not part of the codec's API.
 */
#ifndef MSL_NBNS_INT_H
#define MSL_NBNS_INT_H

#include "msl_nbns.h"

/* RFC 1002 §4.2.1.1: the six header words. */
struct msl_nbns_hdr {
	uint16_t h_trn_id;
	uint16_t h_word;
	uint16_t h_qdcount;
	uint16_t h_ancount;
	uint16_t h_nscount;
	uint16_t h_arcount;
};

/* msl_nbns_hdr_opcode returns OPCODE, bits 11-14 of the second word. */
#define msl_nbns_hdr_opcode(word)                                            \
	((uint8_t)(((word) & MSL_NBNS_OPCODE_MASK) >> MSL_NBNS_OPCODE_SHIFT))

/* msl_nbns_hdr_start points r at buf and reads the header;
 * MSL_PE_TRUNCATED when it is short. */
msl_perr msl_nbns_hdr_start(struct msl_rd *r, const uint8_t *buf, size_t len,
    struct msl_nbns_hdr *h);
/* msl_nbns_parse_start opens a parse into *out (out_size bytes, cleared
 * as msl_rd_start does) and reads the header: MSL_PE_INVAL when out is
 * NULL, MSL_PE_TRUNCATED when the header is short. */
msl_perr msl_nbns_parse_start(struct msl_rd *r, const uint8_t *buf,
    size_t len, struct msl_nbns_hdr *h, void *out, size_t out_size);

/* msl_nbns_hdr_wr writes a header with no authority records, which no
 * packet a node sends has (RFC 1002 §4.2). */
void msl_nbns_hdr_wr(struct msl_wr *w, uint16_t trn_id, uint16_t word,
    uint16_t qdcount, uint16_t ancount, uint16_t arcount);

/* RFC 1002 §4.2.1.3: a resource record after its RR_NAME. */
struct msl_nbns_rr {
	uint16_t rr_type;
	uint16_t rr_class;
	uint32_t rr_ttl;
	uint16_t rr_rdlength;
	const uint8_t *rr_rdata;	/* a view into the packet */
};

/* msl_nbns_rr_head_rd reads RR_TYPE, RR_CLASS, TTL and RDLENGTH (RFC 1002
 * §4.2.1.3) into rr with a view of the RDATA; MSL_PE_TRUNCATED when the
 * packet ends first.  Type and class are the caller's to check. */
msl_perr msl_nbns_rr_head_rd(struct msl_rd *r, struct msl_nbns_rr *rr);

/* msl_nbns_answer_rd reads an answer record: RR_NAME, second-level
 * encoded, into name (msl_nbname_rd's errors), then the rest as
 * msl_nbns_rr_head_rd does.  Each answer a node parses is read so. */
msl_perr msl_nbns_answer_rd(struct msl_rd *r, struct msl_nbname *name,
    struct msl_nbns_rr *rr);

/* msl_nbns_entry_start points r at entry i of the n entries of size bytes
 * each at base (a parsed record's array); false when i is out of range. */
bool msl_nbns_entry_start(struct msl_rd *r, const uint8_t *base, size_t n,
    size_t i, size_t size);

#endif /* MSL_NBNS_INT_H */
