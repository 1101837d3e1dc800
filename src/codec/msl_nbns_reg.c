/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns_reg.c - the name service packets that own a name: registration,
 * overwrite, refresh and release requests, their responses, the end-node
 * challenge and WACK (RFC 1002 §4.2.2-§4.2.11, §4.2.16).
 */
#include "msl_nbns_int.h"

/* RFC 1002 §4.2.2: the additional record's RR_NAME is a label-string
 * pointer (top two bits set) to offset 12, the question's name. */
#define QNAME_PTR 0xc00c
/* RFC 1002 §4.2.16: WACK's RDATA is the acknowledged header word. */
#define WACK_RDLENGTH 2

/* opcode_ok tells whether the packet is one this file handles. */
static bool
opcode_ok(uint8_t op)
{
	return op == MSL_NBNS_OP_REGISTER || op == MSL_NBNS_OP_RELEASE ||
	    op == MSL_NBNS_OP_WACK || op == MSL_NBNS_OP_REFRESH ||
	    op == MSL_NBNS_OP_REFRESH_ALT || op == MSL_NBNS_OP_MULTIHOMED;
}

/* request_init fills the fields every request shares (RFC 1002 §4.2.2). */
static void
request_init(struct msl_nbns_pkt *p, uint16_t trn_id, uint8_t opcode,
    uint16_t flags, const struct msl_nbname *name, uint32_t ttl,
    uint16_t nb_flags, uint32_t ip)
{
	*p = (struct msl_nbns_pkt){
		.np_trn_id = trn_id,
		.np_opcode = opcode,
		.np_flags = flags,
		.np_name = *name,
		.np_ttl = ttl,
		.np_addr = { .na_flags = nb_flags, .na_ip = ip },
	};
}

void
msl_nbns_register_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip, int broadcast)
{
	/* RFC 1002 §4.2.2: RD set, B when broadcast. */
	request_init(p, trn_id, MSL_NBNS_OP_REGISTER, (uint16_t)(MSL_NBNS_F_RD |
	    (broadcast ? MSL_NBNS_F_B : 0)), name, ttl, nb_flags, ip);
}

void
msl_nbns_overwrite_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip)
{
	/* RFC 1002 §4.2.3: a registration with RD clear, always broadcast. */
	request_init(p, trn_id, MSL_NBNS_OP_REGISTER, MSL_NBNS_F_B, name, ttl,
	    nb_flags, ip);
}

void
msl_nbns_refresh_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint32_t ttl, uint16_t nb_flags,
    uint32_t ip, int broadcast)
{
	/* RFC 1002 §4.2.4: RD clear, B when broadcast; opcode 8 as the
	 * §4.2.1.1 list says. */
	request_init(p, trn_id, MSL_NBNS_OP_REFRESH,
	    broadcast ? MSL_NBNS_F_B : 0, name, ttl, nb_flags, ip);
}

void
msl_nbns_release_init(struct msl_nbns_pkt *p, uint16_t trn_id,
    const struct msl_nbname *name, uint16_t nb_flags, uint32_t ip,
    int broadcast)
{
	/* RFC 1002 §4.2.9: RD clear, B when broadcast, TTL 0. */
	request_init(p, trn_id, MSL_NBNS_OP_RELEASE,
	    broadcast ? MSL_NBNS_F_B : 0, name, 0, nb_flags, ip);
}

void
msl_nbns_reply_init(struct msl_nbns_pkt *p, const struct msl_nbns_pkt *req,
    uint8_t rcode)
{
	*p = *req;
	p->np_response = true;
	p->np_rcode = rcode;
	/* RFC 1002 §4.2.5, §4.2.6: AA RD RA; §4.2.10, §4.2.11: AA alone. */
	p->np_flags = req->np_opcode == MSL_NBNS_OP_RELEASE ? MSL_NBNS_F_AA :
	    (MSL_NBNS_F_AA | MSL_NBNS_F_RD | MSL_NBNS_F_RA);
	p->np_wack_word = 0;
}

void
msl_nbns_challenge_init(struct msl_nbns_pkt *p,
    const struct msl_nbns_pkt *req, const struct msl_nbns_addr *owner)
{
	msl_nbns_reply_init(p, req, 0);
	/* RFC 1002 §4.2.7: AA RD, RA clear; the record names the owner the
	 * requester should challenge. */
	p->np_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD;
	p->np_opcode = MSL_NBNS_OP_REGISTER;
	p->np_addr = *owner;
}

void
msl_nbns_wack_init(struct msl_nbns_pkt *p, const struct msl_nbns_pkt *req,
    uint32_t ttl_s)
{
	msl_nbns_reply_init(p, req, 0);
	/* RFC 1002 §4.2.16: opcode 7, AA; RDATA echoes the request's
	 * OPCODE and NM_FLAGS. */
	p->np_opcode = MSL_NBNS_OP_WACK;
	p->np_flags = MSL_NBNS_F_AA;
	p->np_ttl = ttl_s;
	p->np_addr = (struct msl_nbns_addr){ 0 };
	p->np_wack_word = (uint16_t)(((unsigned)req->np_opcode <<
	    MSL_NBNS_OPCODE_SHIFT) | (req->np_flags & MSL_NBNS_NM_FLAGS_MASK));
}

enum msl_nbns_kind
msl_nbns_pkt_kind(const struct msl_nbns_pkt *p)
{
	bool release = p->np_opcode == MSL_NBNS_OP_RELEASE;

	if (p->np_opcode == MSL_NBNS_OP_WACK)
		return MSL_NBNS_K_WACK;
	if (!p->np_response) {
		if (release)
			return MSL_NBNS_K_RELEASE;
		if (p->np_opcode == MSL_NBNS_OP_REFRESH ||
		    p->np_opcode == MSL_NBNS_OP_REFRESH_ALT)
			return MSL_NBNS_K_REFRESH;
		return (p->np_flags & MSL_NBNS_F_RD) ? MSL_NBNS_K_REGISTER :
		    MSL_NBNS_K_OVERWRITE;
	}
	if (release)
		return p->np_rcode ? MSL_NBNS_K_REL_NEGATIVE :
		    MSL_NBNS_K_REL_POSITIVE;
	if (p->np_rcode != 0)
		return MSL_NBNS_K_REG_NEGATIVE;
	return (p->np_flags & MSL_NBNS_F_RA) ? MSL_NBNS_K_REG_POSITIVE :
	    MSL_NBNS_K_CHALLENGE;
}

/* rr_name_rd reads a request's additional RR_NAME: the 0xC00C pointer, or
 * the question's name written out again. */
static msl_perr
rr_name_rd(struct msl_rd *r, const struct msl_nbname *question)
{
	struct msl_rd peek = *r;
	struct msl_nbname again;
	msl_perr err;

	/* RFC 1002 §4.1: a length byte with the top two bits set starts a
	 * pointer; only the one to the question is meaningful here. */
	if ((msl_rd_u8(&peek) & 0xc0) == 0xc0)
		return msl_rd_be16(r) == QNAME_PTR ? MSL_PE_OK :
		    (msl_rd_ok(r) ? MSL_PE_BADNBNAME : MSL_PE_TRUNCATED);
	err = msl_nbname_rd(r, &again);
	if (err != MSL_PE_OK)
		return err;
	return msl_nbname_casecmp(&again, question) == 0 ? MSL_PE_OK :
	    MSL_PE_BADNBNAME;
}

/* question_rd reads a request's question: QUESTION_NAME, NB, IN (RFC 1002
 * §4.2.2). */
static msl_perr
question_rd(struct msl_rd *r, struct msl_nbname *name)
{
	uint16_t qtype, qclass;
	msl_perr err = msl_nbname_rd(r, name);

	if (err != MSL_PE_OK)
		return err;
	qtype = msl_rd_be16(r);			/* QUESTION_TYPE */
	qclass = msl_rd_be16(r);		/* QUESTION_CLASS */
	if (!msl_rd_ok(r))
		return MSL_PE_TRUNCATED;
	if (qtype != MSL_NBNS_TYPE_NB || qclass != MSL_NBNS_CLASS_IN)
		return MSL_PE_BADRRTYPE;
	return MSL_PE_OK;
}

/* rdata_rd reads the record's RDATA into p: one ADDR_ENTRY (§4.2.2),
 * none in a negative response that leaves it out, or WACK's word. */
static msl_perr
rdata_rd(const uint8_t *rdata, uint16_t rdlength, struct msl_nbns_pkt *p)
{
	struct msl_rd r;

	msl_rd_init(&r, rdata, rdlength);
	p->np_addr = (struct msl_nbns_addr){ 0 };
	p->np_wack_word = 0;
	if (p->np_opcode == MSL_NBNS_OP_WACK) {
		if (rdlength != WACK_RDLENGTH)
			return MSL_PE_BADRDATA;
		p->np_wack_word = msl_rd_be16(&r);
		return MSL_PE_OK;
	}
	if (rdlength == 0 && p->np_response && p->np_rcode != 0)
		return MSL_PE_OK;
	if (rdlength != MSL_NBNS_ADDR_ENTRY_LEN)
		return MSL_PE_BADRDATA;
	p->np_addr.na_flags = msl_rd_be16(&r);	/* NB_FLAGS */
	p->np_addr.na_ip = msl_rd_be32(&r);	/* NB_ADDRESS */
	return MSL_PE_OK;
}

msl_perr
msl_nbns_pkt_parse(const uint8_t *buf, size_t len, struct msl_nbns_pkt *out)
{
	struct msl_nbns_hdr h;
	struct msl_rd r;
	struct msl_nbns_rr rr;
	msl_perr err;

	if ((err = msl_nbns_parse_start(&r, buf, len, &h, out, sizeof *out)) != MSL_PE_OK)
		return err;
	out->np_trn_id = h.h_trn_id;
	out->np_opcode = msl_nbns_hdr_opcode(h.h_word);
	out->np_response = (h.h_word & MSL_NBNS_F_RESPONSE) != 0;
	out->np_flags = h.h_word & MSL_NBNS_NM_FLAGS_MASK;
	out->np_rcode = (uint8_t)(h.h_word & MSL_NBNS_RCODE_MASK);
	if (!opcode_ok(out->np_opcode) ||
	    (out->np_opcode == MSL_NBNS_OP_WACK && !out->np_response))
		return MSL_PE_NOTQUERY;
	if (!out->np_response) {
		/* RFC 1002 §4.2.2-§4.2.4, §4.2.9: one question, one
		 * additional record. */
		if (h.h_qdcount != 1 || h.h_ancount != 0 ||
		    h.h_nscount != 0 || h.h_arcount != 1)
			return MSL_PE_BADCOUNT;
		if ((err = question_rd(&r, &out->np_name)) != MSL_PE_OK ||
		    (err = rr_name_rd(&r, &out->np_name)) != MSL_PE_OK)
			return err;
	} else {
		/* RFC 1002 §4.2.5-§4.2.7, §4.2.10, §4.2.11, §4.2.16: one
		 * answer record. */
		if (h.h_qdcount != 0 || h.h_ancount != 1 ||
		    h.h_nscount != 0 || h.h_arcount != 0)
			return MSL_PE_BADCOUNT;
		if ((err = msl_nbname_rd(&r, &out->np_name)) != MSL_PE_OK)
			return err;
	}
	if ((err = msl_nbns_rr_head_rd(&r, &rr)) != MSL_PE_OK)
		return err;
	out->np_ttl = rr.rr_ttl;
	if (rr.rr_type != MSL_NBNS_TYPE_NB || rr.rr_class != MSL_NBNS_CLASS_IN)
		return MSL_PE_BADRRTYPE;
	return rdata_rd(rr.rr_rdata, rr.rr_rdlength, out);
}

msl_perr
msl_nbns_pkt_build(const struct msl_nbns_pkt *in, uint8_t *buf, size_t cap,
    size_t *used)
{
	struct msl_wr w;
	bool wack;

	if (in == NULL || used == NULL || !opcode_ok(in->np_opcode) ||
	    in->np_rcode > MSL_NBNS_RCODE_MASK ||
	    (!in->np_response && (in->np_rcode != 0 ||
	    in->np_opcode == MSL_NBNS_OP_WACK)))
		return MSL_PE_INVAL;
	wack = in->np_opcode == MSL_NBNS_OP_WACK;
	msl_wr_init(&w, buf, cap);
	msl_nbns_hdr_wr(&w, in->np_trn_id, (uint16_t)(
	    (in->np_response ? MSL_NBNS_F_RESPONSE : 0) |
	    ((unsigned)in->np_opcode << MSL_NBNS_OPCODE_SHIFT) |
	    (in->np_flags & MSL_NBNS_NM_FLAGS_MASK) | in->np_rcode),
	    in->np_response ? 0 : 1, in->np_response ? 1 : 0,
	    in->np_response ? 0 : 1);
	if (msl_nbname_wr(&w, &in->np_name) != MSL_PE_OK)
		return MSL_PE_INVAL;
	if (!in->np_response) {
		msl_wr_be16(&w, MSL_NBNS_TYPE_NB);	/* QUESTION_TYPE */
		msl_wr_be16(&w, MSL_NBNS_CLASS_IN);	/* QUESTION_CLASS */
		msl_wr_be16(&w, QNAME_PTR);		/* RR_NAME */
	}
	msl_wr_be16(&w, MSL_NBNS_TYPE_NB);		/* RR_TYPE */
	msl_wr_be16(&w, MSL_NBNS_CLASS_IN);		/* RR_CLASS */
	msl_wr_be32(&w, in->np_ttl);			/* TTL */
	if (wack) {
		msl_wr_be16(&w, WACK_RDLENGTH);		/* RDLENGTH */
		msl_wr_be16(&w, in->np_wack_word);	/* RDATA */
	} else {
		msl_wr_be16(&w, MSL_NBNS_ADDR_ENTRY_LEN); /* RDLENGTH */
		msl_wr_be16(&w, in->np_addr.na_flags);	/* NB_FLAGS */
		msl_wr_be32(&w, in->np_addr.na_ip);	/* NB_ADDRESS */
	}
	return msl_wr_finish(&w, used);
}
