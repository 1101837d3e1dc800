/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns.c - NetBIOS name service queries and answers.
 */
#include "msl_nbns_int.h"

#include <string.h>

msl_perr
msl_nbns_hdr_start(struct msl_rd *r, const uint8_t *buf, size_t len,
    struct msl_nbns_hdr *h)
{
	msl_rd_init(r, buf, len);
	h->h_trn_id = msl_rd_be16(r);
	h->h_word = msl_rd_be16(r);
	h->h_qdcount = msl_rd_be16(r);
	h->h_ancount = msl_rd_be16(r);
	h->h_nscount = msl_rd_be16(r);
	h->h_arcount = msl_rd_be16(r);
	return msl_rd_ok(r) ? MSL_PE_OK : MSL_PE_TRUNCATED;
}

msl_perr
msl_nbns_parse_start(struct msl_rd *r, const uint8_t *buf, size_t len,
    struct msl_nbns_hdr *h, void *out, size_t out_size)
{
	if (!msl_rd_start(r, buf, len, out, out_size))
		return MSL_PE_INVAL;
	return msl_nbns_hdr_start(r, buf, len, h);
}

void
msl_nbns_hdr_wr(struct msl_wr *w, uint16_t trn_id, uint16_t word,
    uint16_t qdcount, uint16_t ancount, uint16_t arcount)
{
	msl_wr_be16(w, trn_id);		/* NAME_TRN_ID */
	msl_wr_be16(w, word);		/* R, OPCODE, NM_FLAGS, RCODE */
	msl_wr_be16(w, qdcount);	/* QDCOUNT */
	msl_wr_be16(w, ancount);	/* ANCOUNT */
	msl_wr_be16(w, 0);		/* NSCOUNT */
	msl_wr_be16(w, arcount);	/* ARCOUNT */
}

msl_perr
msl_nbns_rr_head_rd(struct msl_rd *r, struct msl_nbns_rr *rr)
{
	rr->rr_type = msl_rd_be16(r);		/* RR_TYPE */
	rr->rr_class = msl_rd_be16(r);		/* RR_CLASS */
	rr->rr_ttl = msl_rd_be32(r);		/* TTL */
	rr->rr_rdlength = msl_rd_be16(r);	/* RDLENGTH */
	rr->rr_rdata = msl_rd_bytes(r, rr->rr_rdlength);
	return msl_rd_ok(r) ? MSL_PE_OK : MSL_PE_TRUNCATED;
}

msl_perr
msl_nbns_answer_rd(struct msl_rd *r, struct msl_nbname *name,
    struct msl_nbns_rr *rr)
{
	msl_perr err = msl_nbname_rd(r, name);

	return err != MSL_PE_OK ? err : msl_nbns_rr_head_rd(r, rr);
}

bool
msl_nbns_entry_start(struct msl_rd *r, const uint8_t *base, size_t n,
    size_t i, size_t size)
{
	if (i >= n)
		return false;
	msl_rd_init(r, base + i * size, size);
	return true;
}

/*
 * hdr_query_rd opens a parse into *out, reads the header and checks that
 * it is a name query (OPCODE 0, RFC 1002 §4.2.1.1) in the expected
 * direction: R is 0 in a request and 1 in a response.
 */
static msl_perr
hdr_query_rd(struct msl_rd *r, const uint8_t *buf, size_t len,
    struct msl_nbns_hdr *h, bool response, void *out, size_t out_size)
{
	msl_perr err = msl_nbns_parse_start(r, buf, len, h, out, out_size);

	if (err != MSL_PE_OK)
		return err;
	if (((h->h_word & MSL_NBNS_F_RESPONSE) != 0) != response ||
	    (h->h_word & MSL_NBNS_OPCODE_MASK) != 0)
		return MSL_PE_NOTQUERY;
	return MSL_PE_OK;
}

int
msl_nbns_peek_opcode(const uint8_t *buf, size_t len, bool *response)
{
	struct msl_nbns_hdr h;
	struct msl_rd r;

	if (msl_nbns_hdr_start(&r, buf, len, &h) != MSL_PE_OK)
		return -1;
	if (response != NULL)
		*response = (h.h_word & MSL_NBNS_F_RESPONSE) != 0;
	return msl_nbns_hdr_opcode(h.h_word);
}

void
msl_nbns_status_query_init(struct msl_nbns_query *q, uint16_t trn_id,
    const struct msl_nbname *name)
{
	q->nq_trn_id = trn_id;
	/* RFC 1002 §4.2.17: every NM_FLAGS bit clear, B too. */
	q->nq_flags = 0;
	q->nq_type = MSL_NBNS_TYPE_NBSTAT;
	q->nq_name = *name;
}

void
msl_nbns_query_init(struct msl_nbns_query *q, uint16_t trn_id,
    const struct msl_nbname *name, int broadcast)
{
	q->nq_trn_id = trn_id;
	/* RFC 1002 §4.2.12 draws RD as 1 and B for a broadcast.  Samba's
	 * name_query() leaves RD to its caller; RD is harmless to a B-node
	 * and asked for by a NetBIOS name server, so it is always set. */
	q->nq_flags = (uint16_t)(MSL_NBNS_F_RD | (broadcast ? MSL_NBNS_F_B : 0));
	q->nq_type = MSL_NBNS_TYPE_NB;
	q->nq_name = *name;
}

msl_perr
msl_nbns_query_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_query *out)
{
	struct msl_nbns_hdr h;
	struct msl_rd r;
	uint16_t qclass;
	msl_perr err;

	err = hdr_query_rd(&r, buf, len, &h, false, out, sizeof *out);
	if (err != MSL_PE_OK)
		return err;
	/* RFC 1002 §4.2.12: one question and nothing else. */
	if (h.h_qdcount != 1 || h.h_ancount != 0 || h.h_nscount != 0 ||
	    h.h_arcount != 0)
		return MSL_PE_BADCOUNT;
	/* RFC 1002 §4.2.12: QUESTION_NAME, second-level encoded. */
	err = msl_nbname_rd(&r, &out->nq_name);
	if (err != MSL_PE_OK)
		return err;
	/* RFC 1002 §4.2.1.2: QUESTION_TYPE (NB, or NBSTAT for a node status
	 * request, §4.2.17) and QUESTION_CLASS IN. */
	out->nq_type = msl_rd_be16(&r);
	qclass = msl_rd_be16(&r);
	if (!msl_rd_ok(&r))
		return MSL_PE_TRUNCATED;
	if ((out->nq_type != MSL_NBNS_TYPE_NB &&
	    out->nq_type != MSL_NBNS_TYPE_NBSTAT) ||
	    qclass != MSL_NBNS_CLASS_IN)
		return MSL_PE_BADRRTYPE;
	out->nq_trn_id = h.h_trn_id;
	out->nq_flags = h.h_word & MSL_NBNS_NM_FLAGS_MASK;
	return MSL_PE_OK;
}

msl_perr
msl_nbns_query_build(const struct msl_nbns_query *in, uint8_t *buf,
    size_t cap, size_t *used)
{
	struct msl_wr w;

	if (in == NULL || used == NULL ||
	    (in->nq_type != MSL_NBNS_TYPE_NB &&
	    in->nq_type != MSL_NBNS_TYPE_NBSTAT))
		return MSL_PE_INVAL;
	msl_wr_init(&w, buf, cap);
	/* RFC 1002 §4.2.12: R 0, OPCODE 0, RCODE 0, QDCOUNT 1. */
	msl_nbns_hdr_wr(&w, in->nq_trn_id,
	    in->nq_flags & MSL_NBNS_NM_FLAGS_MASK, 1, 0, 0);
	if (msl_nbname_wr(&w, &in->nq_name) != MSL_PE_OK)
		return MSL_PE_INVAL;
	msl_wr_be16(&w, in->nq_type);		/* QUESTION_TYPE */
	msl_wr_be16(&w, MSL_NBNS_CLASS_IN);	/* QUESTION_CLASS */
	return msl_wr_finish(&w, used);
}

msl_perr
msl_nbns_response_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_response *out)
{
	struct msl_nbns_hdr h;
	struct msl_rd r;
	struct msl_nbns_rr rr;
	msl_perr err;

	err = hdr_query_rd(&r, buf, len, &h, true, out, sizeof *out);
	if (err != MSL_PE_OK)
		return err;
	out->nr_trn_id = h.h_trn_id;
	out->nr_flags = h.h_word & MSL_NBNS_NM_FLAGS_MASK;
	out->nr_rcode = (uint8_t)(h.h_word & MSL_NBNS_RCODE_MASK);
	/* RFC 1002 §4.2.13: no question and one answer.  §4.2.14 draws
	 * ANCOUNT 0 for a negative answer but still carries the record, and
	 * implementations send 1, so both are taken there. */
	if (h.h_qdcount != 0 ||
	    (out->nr_rcode == 0 ? h.h_ancount != 1 : h.h_ancount > 1))
		return MSL_PE_BADCOUNT;
	/* RFC 1002 §4.2.13: RR_NAME, the name asked for, then RR_TYPE,
	 * RR_CLASS, TTL, RDLENGTH, RDATA. */
	err = msl_nbns_answer_rd(&r, &out->nr_name, &rr);
	if (err != MSL_PE_OK)
		return err;
	out->nr_ttl = rr.rr_ttl;
	out->nr_addrs = NULL;
	out->nr_naddr = 0;
	if (out->nr_rcode != 0)
		/* RFC 1002 §4.2.14: a negative answer's record is type NULL
		 * with no data; some senders use NB, so it is not checked. */
		return MSL_PE_OK;
	if (rr.rr_type != MSL_NBNS_TYPE_NB || rr.rr_class != MSL_NBNS_CLASS_IN)
		return MSL_PE_BADRRTYPE;
	/* RFC 1002 §4.2.13: RDATA is an array of 6-byte ADDR_ENTRY. */
	if (rr.rr_rdlength % MSL_NBNS_ADDR_ENTRY_LEN != 0)
		return MSL_PE_BADRDATA;
	out->nr_addrs = rr.rr_rdata;
	out->nr_naddr = rr.rr_rdlength / MSL_NBNS_ADDR_ENTRY_LEN;
	return MSL_PE_OK;
}

msl_perr
msl_nbns_response_addr(const struct msl_nbns_response *resp, size_t i,
    struct msl_nbns_addr *out)
{
	struct msl_rd r;

	if (resp == NULL || out == NULL || !msl_nbns_entry_start(&r,
	    resp->nr_addrs, resp->nr_naddr, i, MSL_NBNS_ADDR_ENTRY_LEN))
		return MSL_PE_INVAL;
	/* RFC 1002 §4.2.13: NB_FLAGS, then NB_ADDRESS. */
	out->na_flags = msl_rd_be16(&r);
	out->na_ip = msl_rd_be32(&r);
	return MSL_PE_OK;
}

msl_perr
msl_nbns_response_build(const struct msl_nbns_response *in,
    const struct msl_nbns_addr *addrs, size_t naddr, uint8_t *buf,
    size_t cap, size_t *used)
{
	struct msl_wr w;
	bool positive;

	if (in == NULL || used == NULL || in->nr_rcode > MSL_NBNS_RCODE_MASK)
		return MSL_PE_INVAL;
	positive = in->nr_rcode == 0;
	if (positive && addrs == NULL && naddr > 0)
		return MSL_PE_INVAL;
	if (positive && naddr > UINT16_MAX / MSL_NBNS_ADDR_ENTRY_LEN)
		return MSL_PE_TOOBIG;

	msl_wr_init(&w, buf, cap);
	/* RFC 1002 §4.2.13, §4.2.14: R 1, OPCODE 0, the caller's NM_FLAGS
	 * (normally AA and RD), RCODE; no question, one answer. */
	msl_nbns_hdr_wr(&w, in->nr_trn_id,
	    (uint16_t)(MSL_NBNS_F_RESPONSE |
	    (in->nr_flags & MSL_NBNS_NM_FLAGS_MASK) | in->nr_rcode), 0, 1, 0);
	if (msl_nbname_wr(&w, &in->nr_name) != MSL_PE_OK)
		return MSL_PE_INVAL;
	if (!positive) {
		/* RFC 1002 §4.2.14: NULL, IN, TTL 0, RDLENGTH 0. */
		msl_wr_be16(&w, MSL_NBNS_TYPE_NULL);
		msl_wr_be16(&w, MSL_NBNS_CLASS_IN);
		msl_wr_be32(&w, 0);
		msl_wr_be16(&w, 0);
		return msl_wr_finish(&w, used);
	}
	/* RFC 1002 §4.2.13: NB, IN, TTL, RDLENGTH, ADDR_ENTRY array. */
	msl_wr_be16(&w, MSL_NBNS_TYPE_NB);
	msl_wr_be16(&w, MSL_NBNS_CLASS_IN);
	msl_wr_be32(&w, in->nr_ttl);
	msl_wr_be16(&w, (uint16_t)(naddr * MSL_NBNS_ADDR_ENTRY_LEN));
	for (size_t i = 0; i < naddr; i++) {
		msl_wr_be16(&w, addrs[i].na_flags);	/* NB_FLAGS */
		msl_wr_be32(&w, addrs[i].na_ip);	/* NB_ADDRESS */
	}
	return msl_wr_finish(&w, used);
}
