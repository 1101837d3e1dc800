/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns.h - NetBIOS name service queries and answers (UDP 137).
 *
 * Only what a mailslot node needs (docs/protocol.md §2.3, §4.1): asking for a name's
 * address, and answering when someone asks for ours.  RFC 1002 §4.2.1.1
 * header, all big-endian:
 *
 *   NAME_TRN_ID (16) | R (1) OPCODE (4) NM_FLAGS (7) RCODE (4)
 *   QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT (16 each)
 *
 * followed by a question (RFC 1002 §4.2.12) or one resource record
 * (§4.2.13, §4.2.14).  Node status (NBSTAT) queries are parsed so that a
 * daemon can tell and ignore them; node status answers are not.
 */
#ifndef MSL_NBNS_H
#define MSL_NBNS_H

#include <stddef.h>
#include <stdint.h>

#include "msl_nbname.h"
#include "msl_perr.h"

/* RFC 1002 §6: the name service port. */
#define MSL_NBNS_PORT 137
#define MSL_NBNS_HDR_LEN 12

/* RFC 1002 §4.2.1.1: the bits of the second header word.  R says
 * "response"; the opcode sits in bits 11-14 and is 0 for a query. */
#define MSL_NBNS_F_RESPONSE 0x8000
#define MSL_NBNS_OPCODE_MASK 0x7800
#define MSL_NBNS_F_AA 0x0400
#define MSL_NBNS_F_TC 0x0200
#define MSL_NBNS_F_RD 0x0100
#define MSL_NBNS_F_RA 0x0080
#define MSL_NBNS_F_B 0x0010
/* RFC 1002 §4.2.1.1: NM_FLAGS is AA TC RD RA 0 0 B. */
#define MSL_NBNS_NM_FLAGS_MASK                                               \
	(MSL_NBNS_F_AA | MSL_NBNS_F_TC | MSL_NBNS_F_RD | MSL_NBNS_F_RA |    \
	    MSL_NBNS_F_B)
#define MSL_NBNS_RCODE_MASK 0x000f

/* RFC 1002 §4.2.14: RCODE values of a negative answer. */
#define MSL_NBNS_RCODE_FMT_ERR 0x1
#define MSL_NBNS_RCODE_SRV_ERR 0x2
#define MSL_NBNS_RCODE_NAM_ERR 0x3
#define MSL_NBNS_RCODE_IMP_ERR 0x4
#define MSL_NBNS_RCODE_RFS_ERR 0x5

/* RFC 1002 §4.2.1.2, §4.2.1.3: question and record types, class IN. */
#define MSL_NBNS_TYPE_NULL 0x000a
#define MSL_NBNS_TYPE_NB 0x0020
#define MSL_NBNS_TYPE_NBSTAT 0x0021
#define MSL_NBNS_CLASS_IN 0x0001

/* RFC 1002 §4.2.13: NB_FLAGS of an ADDR_ENTRY: G (group) and ONT (owner
 * node type, 0 B, 1 P, 2 M; Microsoft uses 3 for H). */
#define MSL_NBNS_NB_GROUP 0x8000
#define MSL_NBNS_NB_ONT_SHIFT 13
#define MSL_NBNS_NB_ONT_MASK 0x6000
#define MSL_NBNS_NB_FLAGS(group, ont)                                        \
	((uint16_t)(((group) ? MSL_NBNS_NB_GROUP : 0) |                      \
	    (((ont) << MSL_NBNS_NB_ONT_SHIFT) & MSL_NBNS_NB_ONT_MASK)))
/* RFC 1002 §4.2.13: each ADDR_ENTRY is NB_FLAGS (2) and NB_ADDRESS (4). */
#define MSL_NBNS_ADDR_ENTRY_LEN 6

/*
 * A NAME QUERY REQUEST (RFC 1002 §4.2.12).  nq_flags holds the NM_FLAGS
 * bits (MSL_NBNS_F_*): the RFC draws RD set, and B when broadcasting.
 * nq_type is MSL_NBNS_TYPE_NB or MSL_NBNS_TYPE_NBSTAT.
 */
struct msl_nbns_query {
	uint16_t nq_trn_id;
	uint16_t nq_flags;
	uint16_t nq_type;
	struct msl_nbname nq_name;
};

/* One owner of a name: NB_FLAGS and the IPv4 address in host order. */
struct msl_nbns_addr {
	uint16_t na_flags;
	uint32_t na_ip;
};

/*
 * A NAME QUERY RESPONSE.  nr_rcode 0 is positive (RFC 1002 §4.2.13);
 * anything else is negative (§4.2.14) and has no addresses.  nr_flags
 * holds the NM_FLAGS bits; a positive answer normally has AA and RD.
 * After a parse nr_addrs views nr_naddr ADDR_ENTRY records of 6 bytes in
 * the input, read them with msl_nbns_response_addr.
 */
struct msl_nbns_response {
	uint16_t nr_trn_id;
	uint16_t nr_flags;
	uint8_t nr_rcode;
	struct msl_nbname nr_name;
	uint32_t nr_ttl;
	const uint8_t *nr_addrs;
	size_t nr_naddr;
};

/*
 * msl_nbns_query_init fills a query for name of type NB with the flags of
 * the RFC 1002 §4.2.12 diagram: RD, plus B when broadcast is nonzero
 * (0x0110 for a broadcast query).
 */
void msl_nbns_query_init(struct msl_nbns_query *q, uint16_t trn_id,
    const struct msl_nbname *name, int broadcast);

/*
 * msl_nbns_query_parse reads a name query request.  Results: MSL_PE_OK;
 * MSL_PE_TRUNCATED; MSL_PE_NOTQUERY when R is set or OPCODE is not 0;
 * MSL_PE_BADCOUNT unless QDCOUNT is 1 and the other counts are 0;
 * MSL_PE_BADNBNAME; MSL_PE_BADRRTYPE for a type other than NB or NBSTAT
 * or a class other than IN.  Trailing bytes are ignored.
 */
msl_perr msl_nbns_query_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_query *out);

/* msl_nbns_query_build writes a query; *used as for every builder. */
msl_perr msl_nbns_query_build(const struct msl_nbns_query *in, uint8_t *buf,
    size_t cap, size_t *used);

/*
 * msl_nbns_response_parse reads a positive or negative name query
 * response.  Results: MSL_PE_OK; MSL_PE_TRUNCATED; MSL_PE_NOTQUERY when R
 * is clear or OPCODE is not 0; MSL_PE_BADCOUNT when QDCOUNT is not 0 or a
 * positive answer has ANCOUNT other than 1; MSL_PE_BADNBNAME;
 * MSL_PE_BADRRTYPE when a positive answer is not type NB, class IN;
 * MSL_PE_BADRDATA when its RDLENGTH is not a multiple of 6.  A negative
 * answer may have ANCOUNT 0 (the RFC 1002 §4.2.14 diagram) or 1 (what
 * implementations send); either way the record's name is read and its
 * type and data are ignored.
 */
msl_perr msl_nbns_response_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_response *out);

/* msl_nbns_response_addr reads entry i of a parsed response; it returns
 * MSL_PE_INVAL when i is out of range. */
msl_perr msl_nbns_response_addr(const struct msl_nbns_response *r, size_t i,
    struct msl_nbns_addr *out);

/*
 * msl_nbns_response_build writes a response.  With in->nr_rcode 0 it is a
 * positive answer (RFC 1002 §4.2.13) carrying the naddr entries of addrs
 * (in->nr_addrs and nr_naddr are not read); otherwise a negative one
 * (§4.2.14: type NULL, TTL 0, no data) and addrs is ignored.  ANCOUNT is
 * 1 in both cases.  Returns MSL_PE_INVAL for an rcode above 15 or an
 * unencodable name, MSL_PE_TOOBIG when RDLENGTH would not fit 16 bits.
 */
msl_perr msl_nbns_response_build(const struct msl_nbns_response *in,
    const struct msl_nbns_addr *addrs, size_t naddr, uint8_t *buf,
    size_t cap, size_t *used);

#endif /* MSL_NBNS_H */
