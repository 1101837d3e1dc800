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
 * (§4.2.13, §4.2.14).
 *
 * Beyond queries, the packets a node (B-node by broadcast, or a P/M/H-node
 * talking to a NetBIOS name server) needs to own names: registration,
 * overwrite, refresh, release, their responses, the end-node challenge and
 * WACK (struct msl_nbns_pkt, msl_nbns_reg.c), and node status
 * (struct msl_nbns_status, msl_nbns_stat.c).
 */
#ifndef MSL_NBNS_H
#define MSL_NBNS_H

#include <stdbool.h>
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

/* RFC 1002 §4.2.1.1: OPCODE values.  The list there gives 8 for refresh,
 * but the §4.2.4 diagram draws 9 and implementations send either, so both
 * are read as refresh; builders send what the caller sets. */
#define MSL_NBNS_OPCODE_SHIFT 11
#define MSL_NBNS_OP_QUERY 0
#define MSL_NBNS_OP_REGISTER 5
#define MSL_NBNS_OP_RELEASE 6
#define MSL_NBNS_OP_WACK 7
#define MSL_NBNS_OP_REFRESH 8
#define MSL_NBNS_OP_REFRESH_ALT 9
/* Multi-homed registration: Microsoft's opcode 15, laid out like a
 * registration request (Samba's nmbd calls it MULTIHOMED_REG). */
#define MSL_NBNS_OP_MULTIHOMED 15

/* RFC 1002 §4.2.14: RCODE values of a negative answer. */
#define MSL_NBNS_RCODE_FMT_ERR 0x1
#define MSL_NBNS_RCODE_SRV_ERR 0x2
#define MSL_NBNS_RCODE_NAM_ERR 0x3
#define MSL_NBNS_RCODE_IMP_ERR 0x4
#define MSL_NBNS_RCODE_RFS_ERR 0x5
/* RFC 1002 §4.2.6: the name is owned by another node (ACT_ERR, what a
 * defending node sends) or in conflict (CFT_ERR, from a name server). */
#define MSL_NBNS_RCODE_ACT_ERR 0x6
#define MSL_NBNS_RCODE_CFT_ERR 0x7

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

/* RFC 1002 §4.2.18: NAME_FLAGS of a node status entry: G and ONT as in
 * NB_FLAGS, then DRG (being released), CNF (in conflict), ACT (active,
 * always set) and PRM (the permanent node name). */
#define MSL_NBNS_NAME_DRG 0x1000
#define MSL_NBNS_NAME_CNF 0x0800
#define MSL_NBNS_NAME_ACT 0x0400
#define MSL_NBNS_NAME_PRM 0x0200
/* RFC 1002 §4.2.18: a NODE_NAME entry is 16 name bytes and NAME_FLAGS. */
#define MSL_NBNS_NODE_NAME_LEN 18
/* RFC 1002 §4.2.18: the STATISTICS block is 46 bytes and starts with the
 * 6-byte UNIT_ID (the adapter's MAC address, zeros when there is none). */
#define MSL_NBNS_STATS_LEN 46
#define MSL_NBNS_UNIT_ID_LEN 6
/* NUM_NAMES is one byte (RFC 1002 §4.2.18). */
#define MSL_NBNS_STATUS_MAX_NAMES 255

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

/*
 * One name service packet about owning a name (RFC 1002 §4.2.2-§4.2.11,
 * §4.2.16): everything except queries and node status.  np_opcode is one
 * of MSL_NBNS_OP_REGISTER, _RELEASE, _WACK, _REFRESH, _REFRESH_ALT or
 * _MULTIHOMED; np_response is R.  np_flags holds NM_FLAGS (MSL_NBNS_F_*),
 * np_rcode the RCODE of a response.
 *
 * A request carries the name twice: as its question (QUESTION_NAME, type
 * NB, class IN) and as its ADDITIONAL record, whose RR_NAME is the pointer
 * 0xC00C back to the question (§4.2.2); a response carries one ANSWER
 * record.  Both records hold TTL and one ADDR_ENTRY (np_addr: NB_FLAGS and
 * NB_ADDRESS), except WACK, whose RDATA is the second header word of the
 * request it acknowledges (np_wack_word, §4.2.16) and whose TTL is how
 * many seconds the requester should wait.
 */
struct msl_nbns_pkt {
	uint16_t np_trn_id;
	uint8_t np_opcode;
	bool np_response;
	uint16_t np_flags;
	uint8_t np_rcode;
	struct msl_nbname np_name;
	uint32_t np_ttl;
	struct msl_nbns_addr np_addr;
	uint16_t np_wack_word;
};

/* What a parsed packet is, by the RFC 1002 section that draws it. */
enum msl_nbns_kind {
	MSL_NBNS_K_REGISTER,		/* §4.2.2: request, RD set */
	MSL_NBNS_K_OVERWRITE,		/* §4.2.3: request, RD clear */
	MSL_NBNS_K_REFRESH,		/* §4.2.4 */
	MSL_NBNS_K_REG_POSITIVE,	/* §4.2.5: RCODE 0, RA set */
	MSL_NBNS_K_REG_NEGATIVE,	/* §4.2.6: RCODE not 0 */
	MSL_NBNS_K_CHALLENGE,		/* §4.2.7: RCODE 0, RA clear */
	MSL_NBNS_K_RELEASE,		/* §4.2.9 */
	MSL_NBNS_K_REL_POSITIVE,	/* §4.2.10 */
	MSL_NBNS_K_REL_NEGATIVE,	/* §4.2.11 */
	MSL_NBNS_K_WACK,		/* §4.2.16 */
};

/*
 * Initialisers with the NM_FLAGS each RFC 1002 diagram draws, for a name
 * owned at ip with NB_FLAGS nb_flags (MSL_NBNS_NB_FLAGS).  broadcast sets
 * B: a B-node's requests are broadcast, a P/M/H-node's go to its name
 * server with B clear.
 *   register:  opcode 5, RD (§4.2.2)       overwrite: opcode 5, no RD (§4.2.3)
 *   refresh:   opcode 8, no RD (§4.2.4)    release:   opcode 6, TTL 0 (§4.2.9)
 * A name server marks a request with RD when it should answer (§4.2.2):
 * set it in np_flags after the call for a unicast refresh or release.
 */
void msl_nbns_register_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip, int broadcast);
void msl_nbns_overwrite_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip);
void msl_nbns_refresh_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip, int broadcast);
void msl_nbns_release_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint16_t nb_flags, uint32_t ip,
    int broadcast);

/*
 * msl_nbns_reply_init fills the response to request req: same NAME_TRN_ID,
 * opcode, name and ADDR_ENTRY (the owner a negative registration response
 * names is the defender, so callers usually replace np_addr), with RCODE
 * rcode and the NM_FLAGS of the matching diagram: AA RD RA for a
 * registration response (§4.2.5, §4.2.6), AA alone for a release response
 * (§4.2.10, §4.2.11).  msl_nbns_challenge_init is §4.2.7 (AA RD, RA clear,
 * RCODE 0) and msl_nbns_wack_init §4.2.16 (AA, opcode 7, ttl_s seconds,
 * the request's header word in RDATA).
 */
void msl_nbns_reply_init(struct msl_nbns_pkt *p,
    const struct msl_nbns_pkt *req, uint8_t rcode);
void msl_nbns_challenge_init(struct msl_nbns_pkt *p,
    const struct msl_nbns_pkt *req, const struct msl_nbns_addr *owner);
void msl_nbns_wack_init(struct msl_nbns_pkt *p,
    const struct msl_nbns_pkt *req, uint32_t ttl_s);

/*
 * msl_nbns_pkt_parse reads any of those packets.  Results: MSL_PE_OK;
 * MSL_PE_TRUNCATED; MSL_PE_NOTQUERY when the opcode is a query (0) or not
 * one of the above; MSL_PE_BADCOUNT unless a request has QDCOUNT 1 and
 * ARCOUNT 1 and a response ANCOUNT 1 (all other counts 0); MSL_PE_BADNBNAME
 * for a bad name, or an additional record whose RR_NAME is neither the
 * pointer 0xC00C nor the question's name spelled out; MSL_PE_BADRRTYPE when
 * a record or question is not NB, IN; MSL_PE_BADRDATA when RDLENGTH is not
 * 6 (2 for WACK; a negative response may have 0, read as address 0).
 * Trailing bytes are ignored.
 */
msl_perr msl_nbns_pkt_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_pkt *out);

/* msl_nbns_pkt_kind names a parsed or initialised packet's section. */
enum msl_nbns_kind msl_nbns_pkt_kind(const struct msl_nbns_pkt *p);

/*
 * msl_nbns_pkt_build writes a packet; *used as for every builder.  A
 * request's additional record uses the 0xC00C pointer (§4.2.2).  Returns
 * MSL_PE_INVAL for an opcode msl_nbns_pkt_parse would refuse, an RCODE
 * above 15, a request with a nonzero RCODE, or an unencodable name.
 */
msl_perr msl_nbns_pkt_build(const struct msl_nbns_pkt *in, uint8_t *buf,
    size_t cap, size_t *used);

/*
 * msl_nbns_peek_opcode reads the R bit and OPCODE of any name service
 * packet, so that a receiver can pick the parser; -1 when len < 12.
 * The opcode is returned, *response set to R.
 */
int msl_nbns_peek_opcode(const uint8_t *buf, size_t len, bool *response);

/*
 * msl_nbns_status_query_init fills a NODE STATUS REQUEST (RFC 1002
 * §4.2.17): the question is "*" padded with NULs (or a name, as nbtstat
 * -a sends), type NBSTAT, NM_FLAGS 0 (B clear: it is sent to one node).
 * Build and parse it with msl_nbns_query_build and _parse.
 */
void msl_nbns_status_query_init(struct msl_nbns_query *q, uint16_t trn_id,
    const struct msl_nbname *name);

/* One NODE_NAME entry (RFC 1002 §4.2.18): the 16 name bytes as they
 * travel (no scope: the scope is the record's) and NAME_FLAGS. */
struct msl_nbns_node_name {
	uint8_t nn_raw[MSL_NBNAME_LEN];
	uint16_t nn_flags;
};

/*
 * A NODE STATUS RESPONSE (RFC 1002 §4.2.18): R 1, OPCODE 0, AA, one answer
 * of type NBSTAT whose RDATA is NUM_NAMES, the NODE_NAME array and the
 * STATISTICS block.  After a parse ns_names views ns_nnames entries of 18
 * bytes in the input (read them with msl_nbns_status_name) and
 * ns_unit_id is the first 6 statistics bytes, zeros when the sender sent
 * fewer; ns_stats_len is how many statistics bytes it sent.
 */
struct msl_nbns_status {
	uint16_t ns_trn_id;
	uint16_t ns_flags;
	struct msl_nbname ns_name;
	const uint8_t *ns_names;
	size_t ns_nnames;
	uint8_t ns_unit_id[MSL_NBNS_UNIT_ID_LEN];
	size_t ns_stats_len;
};

/*
 * msl_nbns_status_parse reads a node status response.  Results: MSL_PE_OK;
 * MSL_PE_TRUNCATED; MSL_PE_NOTQUERY when R is clear or OPCODE is not 0;
 * MSL_PE_BADCOUNT unless QDCOUNT is 0 and ANCOUNT 1; MSL_PE_BADNBNAME;
 * MSL_PE_BADRRTYPE unless the record is NBSTAT, IN; MSL_PE_BADRDATA when
 * RDLENGTH cannot hold NUM_NAMES entries.
 */
msl_perr msl_nbns_status_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_status *out);

/* msl_nbns_status_name reads entry i; MSL_PE_INVAL when out of range. */
msl_perr msl_nbns_status_name(const struct msl_nbns_status *s, size_t i,
    struct msl_nbns_node_name *out);

/*
 * msl_nbns_status_build writes a node status response for the nnames
 * entries of names (in->ns_names and ns_nnames are not read) with a full
 * 46-byte statistics block: in->ns_unit_id, then zeros (a mailslot node
 * keeps none of the session counters).  TTL is 0 as §4.2.18 draws.
 * Returns MSL_PE_INVAL for more than 255 names or an unencodable name.
 */
msl_perr msl_nbns_status_build(const struct msl_nbns_status *in,
    const struct msl_nbns_node_name *names, size_t nnames, uint8_t *buf,
    size_t cap, size_t *used);

#endif /* MSL_NBNS_H */
