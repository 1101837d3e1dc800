/* SPDX-License-Identifier: MIT */
/*
 * msl_nbns_stat.c - the NODE STATUS RESPONSE (RFC 1002 §4.2.18): the
 * names a node holds with their flags, and its statistics.
 */
#include <string.h>

#include "msl_nbns_int.h"

msl_perr
msl_nbns_status_parse(const uint8_t *buf, size_t len,
    struct msl_nbns_status *out)
{
	struct msl_nbns_hdr h;
	struct msl_rd r, rd;
	struct msl_nbns_rr rr;
	const uint8_t *unit;
	size_t nnames;
	msl_perr err;

	if ((err = msl_nbns_parse_start(&r, buf, len, &h, out, sizeof *out)) != MSL_PE_OK)
		return err;
	/* RFC 1002 §4.2.18: R 1, OPCODE 0, no question, one answer. */
	if ((h.h_word & MSL_NBNS_F_RESPONSE) == 0 ||
	    msl_nbns_hdr_opcode(h.h_word) != MSL_NBNS_OP_QUERY)
		return MSL_PE_NOTQUERY;
	if (h.h_qdcount != 0 || h.h_ancount != 1)
		return MSL_PE_BADCOUNT;
	out->ns_trn_id = h.h_trn_id;
	out->ns_flags = h.h_word & MSL_NBNS_NM_FLAGS_MASK;
	if ((err = msl_nbns_answer_rd(&r, &out->ns_name, &rr)) != MSL_PE_OK)
		return err;
	if (rr.rr_type != MSL_NBNS_TYPE_NBSTAT || rr.rr_class != MSL_NBNS_CLASS_IN)
		return MSL_PE_BADRRTYPE;
	/* RDATA: NUM_NAMES, NODE_NAME array, STATISTICS. */
	msl_rd_init(&rd, rr.rr_rdata, rr.rr_rdlength);
	nnames = msl_rd_u8(&rd);
	out->ns_names = msl_rd_bytes(&rd, nnames * MSL_NBNS_NODE_NAME_LEN);
	if (!msl_rd_ok(&rd))
		return MSL_PE_BADRDATA;
	out->ns_nnames = nnames;
	/* Senders differ in how much of STATISTICS they send; the unit id
	 * is read when it is there. */
	out->ns_stats_len = msl_rd_left(&rd);
	memset(out->ns_unit_id, 0, sizeof out->ns_unit_id);
	if (out->ns_stats_len >= MSL_NBNS_UNIT_ID_LEN) {
		unit = msl_rd_bytes(&rd, MSL_NBNS_UNIT_ID_LEN);
		memcpy(out->ns_unit_id, unit, MSL_NBNS_UNIT_ID_LEN);
	}
	return MSL_PE_OK;
}

msl_perr
msl_nbns_status_name(const struct msl_nbns_status *s, size_t i,
    struct msl_nbns_node_name *out)
{
	struct msl_rd r;

	if (s == NULL || out == NULL || !msl_nbns_entry_start(&r, s->ns_names,
	    s->ns_nnames, i, MSL_NBNS_NODE_NAME_LEN))
		return MSL_PE_INVAL;
	/* RFC 1002 §4.2.18: NETBIOS_NAME (16 bytes), NAME_FLAGS. */
	memcpy(out->nn_raw, msl_rd_bytes(&r, MSL_NBNAME_LEN), MSL_NBNAME_LEN);
	out->nn_flags = msl_rd_be16(&r);
	return MSL_PE_OK;
}

msl_perr
msl_nbns_status_build(const struct msl_nbns_status *in,
    const struct msl_nbns_node_name *names, size_t nnames, uint8_t *buf,
    size_t cap, size_t *used)
{
	struct msl_wr w;
	size_t rdlength;

	if (in == NULL || used == NULL || nnames > MSL_NBNS_STATUS_MAX_NAMES ||
	    (names == NULL && nnames > 0))
		return MSL_PE_INVAL;
	rdlength = 1 + nnames * MSL_NBNS_NODE_NAME_LEN + MSL_NBNS_STATS_LEN;
	msl_wr_init(&w, buf, cap);
	/* RFC 1002 §4.2.18: R 1, OPCODE 0, the caller's NM_FLAGS (AA). */
	msl_nbns_hdr_wr(&w, in->ns_trn_id, (uint16_t)(MSL_NBNS_F_RESPONSE |
	    (in->ns_flags & MSL_NBNS_NM_FLAGS_MASK)), 0, 1, 0);
	if (msl_nbname_wr(&w, &in->ns_name) != MSL_PE_OK)
		return MSL_PE_INVAL;
	msl_wr_be16(&w, MSL_NBNS_TYPE_NBSTAT);		/* RR_TYPE */
	msl_wr_be16(&w, MSL_NBNS_CLASS_IN);		/* RR_CLASS */
	msl_wr_be32(&w, 0);				/* TTL */
	msl_wr_be16(&w, (uint16_t)rdlength);		/* RDLENGTH */
	msl_wr_u8(&w, (uint8_t)nnames);			/* NUM_NAMES */
	for (size_t i = 0; i < nnames; i++) {
		msl_wr_bytes(&w, names[i].nn_raw, MSL_NBNAME_LEN);
		msl_wr_be16(&w, names[i].nn_flags);	/* NAME_FLAGS */
	}
	/* STATISTICS: UNIT_ID, then counters a mailslot node does not keep
	 * (JUMPERS through SESSION_DATA_PACKET_SIZE), all zero. */
	msl_wr_bytes(&w, in->ns_unit_id, MSL_NBNS_UNIT_ID_LEN);
	msl_wr_zeros(&w, MSL_NBNS_STATS_LEN - MSL_NBNS_UNIT_ID_LEN);
	return msl_wr_finish(&w, used);
}
