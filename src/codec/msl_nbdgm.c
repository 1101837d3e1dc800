/* SPDX-License-Identifier: MIT */
/*
 * msl_nbdgm.c - the NetBIOS datagram service header.
 */
#include "msl_nbdgm.h"

#include <string.h>

/* RFC 1002 §4.4.2: the three types that carry names and user data. */
static bool
msl_nbdgm_is_direct(uint8_t type)
{
	return type >= MSL_NBDGM_DIRECT_UNIQUE && type <= MSL_NBDGM_BROADCAST;
}

/* RFC 1002 §4.4.4, §4.4.5: the three types that carry only a name. */
static bool
msl_nbdgm_is_query(uint8_t type)
{
	return type >= MSL_NBDGM_QUERY_REQUEST &&
	    type <= MSL_NBDGM_NEGATIVE_QUERY_RESPONSE;
}

/* A name's own verdict is kept when it is truncation, so that a datagram
 * cut short is counted as such, and otherwise says which name was bad. */
static msl_perr
msl_name_err(msl_perr err, msl_perr bad)
{
	return err == MSL_PE_TRUNCATED ? err : bad;
}

msl_perr
msl_nbdgm_parse(const uint8_t *buf, size_t len, struct msl_nbdgm *out)
{
	struct msl_rd r;
	msl_perr err;

	if (!msl_rd_start(&r, buf, len, out, sizeof *out))
		return MSL_PE_INVAL;

	/* RFC 1002 §4.4.1: MSG_TYPE comes first and decides the layout. */
	out->dg_type = msl_rd_u8(&r);
	if (!msl_rd_ok(&r))
		return MSL_PE_TRUNCATED;
	if (!msl_nbdgm_is_direct(out->dg_type) &&
	    out->dg_type != MSL_NBDGM_ERROR && !msl_nbdgm_is_query(out->dg_type))
		return MSL_PE_BADTYPE;
	/* RFC 1002 §4.4.1: FLAGS, DGM_ID, SOURCE_IP and SOURCE_PORT are
	 * common to every type. */
	out->dg_flags = msl_rd_u8(&r);
	out->dg_id = msl_rd_be16(&r);
	out->dg_src_ip = msl_rd_be32(&r);
	out->dg_src_port = msl_rd_be16(&r);
	if (!msl_rd_ok(&r))
		return MSL_PE_TRUNCATED;

	if (out->dg_type == MSL_NBDGM_ERROR) {
		/* RFC 1002 §4.4.3: ERROR_CODE ends a DATAGRAM ERROR. */
		out->dg_error = msl_rd_u8(&r);
		return msl_rd_ok(&r) ? MSL_PE_OK : MSL_PE_TRUNCATED;
	}
	if (msl_nbdgm_is_query(out->dg_type)) {
		/* RFC 1002 §4.4.4: DESTINATION_NAME ends a query. */
		err = msl_nbname_rd(&r, &out->dg_dst);
		return err == MSL_PE_OK ? err :
		    msl_name_err(err, MSL_PE_BADDSTNAME);
	}

	/* RFC 1002 §4.4.2: DGM_LENGTH and PACKET_OFFSET. */
	out->dg_length = msl_rd_be16(&r);
	out->dg_offset = msl_rd_be16(&r);
	if (!msl_rd_ok(&r))
		return MSL_PE_TRUNCATED;
	/* RFC 1002 §4.4.1 and docs/protocol.md §3.2: F clear or M set marks a fragment.
	 * Nobody sends them, the second one carries no names, and the
	 * caller drops them; the header is enough to log the drop. */
	if ((out->dg_flags & MSL_NBDGM_FLAG_FIRST) == 0 ||
	    (out->dg_flags & MSL_NBDGM_FLAG_MORE) != 0) {
		out->dg_data_len = msl_rd_left(&r);
		out->dg_data = msl_rd_bytes(&r, out->dg_data_len);
		return MSL_PE_FRAGMENT;
	}
	/* RFC 1002 §4.4.2: SOURCE_NAME, then DESTINATION_NAME. */
	err = msl_nbname_rd(&r, &out->dg_src);
	if (err != MSL_PE_OK)
		return msl_name_err(err, MSL_PE_BADSRCNAME);
	err = msl_nbname_rd(&r, &out->dg_dst);
	if (err != MSL_PE_OK)
		return msl_name_err(err, MSL_PE_BADDSTNAME);
	/* RFC 1002 §4.4.2: USER_DATA is the rest of the payload. */
	out->dg_data_len = msl_rd_left(&r);
	out->dg_data = msl_rd_bytes(&r, out->dg_data_len);
	return MSL_PE_OK;
}

/*
 * msl_nbdgm_wr writes everything but the user data of a datagram whose
 * user data will be user_len bytes.
 */
static msl_perr
msl_nbdgm_wr(struct msl_wr *w, const struct msl_nbdgm *in, size_t user_len)
{
	size_t body;

	if (!msl_nbdgm_is_direct(in->dg_type) &&
	    in->dg_type != MSL_NBDGM_ERROR && !msl_nbdgm_is_query(in->dg_type))
		return MSL_PE_INVAL;
	/* RFC 1002 §4.4.1: the ten bytes every type starts with. */
	msl_wr_u8(w, in->dg_type);
	msl_wr_u8(w, in->dg_flags);
	msl_wr_be16(w, in->dg_id);
	msl_wr_be32(w, in->dg_src_ip);
	msl_wr_be16(w, in->dg_src_port);

	if (in->dg_type == MSL_NBDGM_ERROR) {
		/* RFC 1002 §4.4.3: ERROR_CODE. */
		msl_wr_u8(w, in->dg_error);
		return MSL_PE_OK;
	}
	if (msl_nbdgm_is_query(in->dg_type))
		/* RFC 1002 §4.4.4: DESTINATION_NAME. */
		return msl_nbname_wr(w, &in->dg_dst);

	/* RFC 1002 §5.3.1: "DGM_LENGTH = length of data + length of second
	 * level encoded source and destination names"; the 14-byte header
	 * is not counted (docs/protocol.md §1.2). */
	body = msl_nbname_wire_len(&in->dg_src) +
	    msl_nbname_wire_len(&in->dg_dst);
	if (user_len > UINT16_MAX - body)
		return MSL_PE_TOOBIG;
	msl_wr_be16(w, (uint16_t)(body + user_len));
	/* RFC 1002 §4.4.1: PACKET_OFFSET, 0 unless fragmented. */
	msl_wr_be16(w, in->dg_offset);
	/* RFC 1002 §4.4.2: SOURCE_NAME and DESTINATION_NAME. */
	if (msl_nbname_wr(w, &in->dg_src) != MSL_PE_OK ||
	    msl_nbname_wr(w, &in->dg_dst) != MSL_PE_OK)
		return MSL_PE_INVAL;
	return MSL_PE_OK;
}

msl_perr
msl_nbdgm_build_head(const struct msl_nbdgm *in, size_t user_len,
    uint8_t *buf, size_t cap, size_t *used)
{
	struct msl_wr w;
	msl_perr err;

	if (in == NULL || used == NULL || !msl_nbdgm_is_direct(in->dg_type))
		return MSL_PE_INVAL;
	msl_wr_init(&w, buf, cap);
	err = msl_nbdgm_wr(&w, in, user_len);
	if (err != MSL_PE_OK)
		return err;
	return msl_wr_finish(&w, used);
}

msl_perr
msl_nbdgm_build(const struct msl_nbdgm *in, uint8_t *buf, size_t cap,
    size_t *used)
{
	struct msl_wr w;
	msl_perr err;
	size_t user_len;

	if (in == NULL || used == NULL ||
	    (in->dg_data == NULL && in->dg_data_len > 0))
		return MSL_PE_INVAL;
	user_len = msl_nbdgm_is_direct(in->dg_type) ? in->dg_data_len : 0;
	msl_wr_init(&w, buf, cap);
	err = msl_nbdgm_wr(&w, in, user_len);
	if (err != MSL_PE_OK)
		return err;
	/* RFC 1002 §4.4.2: USER_DATA. */
	msl_wr_bytes(&w, in->dg_data, user_len);
	return msl_wr_finish(&w, used);
}
