/* SPDX-License-Identifier: MIT */
/*
 * msl_smbmail.c - the SMB_COM_TRANSACTION mailslot write.
 */
#include "msl_smbmail.h"

#include <string.h>

#include "msl_buf.h"

/* [MS-CIFS] §2.2.3.1: every SMB message starts with these four bytes. */
static const uint8_t msl_smb_magic[4] = { 0xff, 'S', 'M', 'B' };

/* The values in which the two sender profiles differ (docs/protocol.md §1.4, §1.5). */
struct msl_smbmail_style {
	uint8_t st_flags;
	uint16_t st_flags2;
	uint16_t st_pid;
	uint16_t st_max_param;
	uint16_t st_trans_flags;
	bool st_param_off_is_data;
	uint16_t st_priority;
	bool st_align4;
};

static const struct msl_smbmail_style msl_smbmail_styles[] = {
	/*
	 * [MS-MAIL] §2.2.1 SHOULD values and the §4 capture: Flags 0x18
	 * (case-insensitive, canonical paths), Flags2 0x0004, PIDLow 0xFEFF,
	 * MaxParameterCount 2 (note <6>), transaction Flags 0x0002 (no
	 * response), ParameterOffset equal to DataOffset, priority 0, data
	 * padded to a 4-byte boundary ("MUST be large enough so that the
	 * DataBytes field is 32-bit aligned").
	 */
	[MSL_SMBMAIL_WINDOWS] = { 0x18, 0x0004, 0xfeff, 2, 0x0002, true, 0,
	    true },
	/* Samba send_mailslot(): a zeroed header, priority 1, no padding
	 * (docs/protocol.md §1.4, §1.5). */
	[MSL_SMBMAIL_SAMBA] = { 0, 0, 0, 0, 0, false, 1, false },
};

bool
msl_smbmail_name_ok(const char *name, size_t len)
{
	return name != NULL && len > MSL_SMBMAIL_PREFIX_LEN &&
	    msl_casecmp(name, MSL_SMBMAIL_PREFIX, MSL_SMBMAIL_PREFIX_LEN) == 0 &&
	    memchr(name, '\0', len) == NULL;
}

size_t
msl_smbmail_max_data(size_t name_len)
{
	size_t leaf = name_len > MSL_SMBMAIL_PREFIX_LEN ?
	    name_len - MSL_SMBMAIL_PREFIX_LEN : 0;
	size_t aligned;

	/* [MS-MAIL] note <2>: 432 - ROUND_UP_TO_DWORD(name length without
	 * "\mailslot\"), which is 512 - align4(69 + 10 + leaf + 1). */
	if (leaf > 432)
		return 0;
	aligned = (leaf + 3) & ~(size_t)3;
	return aligned >= 432 ? 0 : 432 - aligned;
}

/* msl_smbmail_data_off is where the data starts for a name of name_len
 * bytes: right after its NUL, rounded up to 4 in the Windows style. */
static size_t
msl_smbmail_data_off(const struct msl_smbmail_style *st, size_t name_len)
{
	size_t off = MSL_SMBMAIL_NAME_OFF + name_len + 1;

	return st->st_align4 ? (off + 3) & ~(size_t)3 : off;
}

size_t
msl_smbmail_size(enum msl_smbmail_profile profile, size_t name_len,
    size_t data_len)
{
	const struct msl_smbmail_style *st;

	/* Lengths beyond 16 bits cannot be sent at all; saying SIZE_MAX
	 * keeps the sum below from wrapping. */
	if ((unsigned)profile > MSL_SMBMAIL_SAMBA || name_len > UINT16_MAX ||
	    data_len > UINT16_MAX)
		return SIZE_MAX;
	st = &msl_smbmail_styles[profile];
	return msl_smbmail_data_off(st, name_len) + data_len;
}

/*
 * The receiver's rules (docs/protocol.md §1.6), in the order the bytes
 * come: the SMB header (rule 5), the transaction words (rule 5), then the
 * name and the data window (rules 7 and 6).  Each step reads on from
 * where the last stopped and returns the first rule broken.
 */

/* smbmail_parse_header reads the SMB header up to and with WordCount. */
static msl_perr
smbmail_parse_header(struct msl_rd *r, struct msl_smbmail *out)
{
	const uint8_t *p;

	/* [MS-MAIL] §2.2.1: Protocol MUST be FF 'S' 'M' 'B'. */
	p = msl_rd_bytes(r, sizeof msl_smb_magic);
	if (p == NULL)
		return MSL_PE_TRUNCATED;
	if (memcmp(p, msl_smb_magic, sizeof msl_smb_magic) != 0)
		return MSL_PE_NOTSMB;
	/* [MS-MAIL] §2.2.1: Command MUST be SMB_COM_TRANSACTION. */
	if (msl_rd_u8(r) != MSL_SMB_COM_TRANSACTION)
		return msl_rd_ok(r) ? MSL_PE_BADCOMMAND : MSL_PE_TRUNCATED;
	/* [MS-CIFS] §2.2.3.1: the rest of the header; [MS-MAIL] §2.2.1 says
	 * each "MUST be ignored on receipt", so they are only recorded. */
	out->sm_status = msl_rd_le32(r);
	out->sm_flags = msl_rd_u8(r);
	out->sm_flags2 = msl_rd_le16(r);
	(void)msl_rd_le16(r);		/* PIDHigh */
	(void)msl_rd_bytes(r, 8);	/* SecurityFeatures */
	(void)msl_rd_le16(r);		/* Reserved */
	out->sm_tid = msl_rd_le16(r);
	out->sm_pid = msl_rd_le16(r);
	out->sm_uid = msl_rd_le16(r);
	out->sm_mid = msl_rd_le16(r);
	/* [MS-MAIL] §2.2.1: WordCount MUST be 17. */
	if (msl_rd_u8(r) != MSL_SMBMAIL_WORD_COUNT)
		return msl_rd_ok(r) ? MSL_PE_BADWORDCOUNT : MSL_PE_TRUNCATED;
	return MSL_PE_OK;
}

/* smbmail_parse_words reads the transaction words and ByteCount. */
static msl_perr
smbmail_parse_words(struct msl_rd *r, struct msl_smbmail *out)
{
	uint8_t setup_count;

	/* [MS-MAIL] §2.2.1, [MS-CIFS] §2.2.4.33.1: the transaction words,
	 * in wire order (docs/protocol.md §1.5 gives the offsets). */
	out->sm_total_param = msl_rd_le16(r);
	out->sm_total_data = msl_rd_le16(r);
	out->sm_max_param = msl_rd_le16(r);
	out->sm_max_data = msl_rd_le16(r);
	out->sm_max_setup = msl_rd_u8(r);
	(void)msl_rd_u8(r);		/* Reserved1 */
	out->sm_trans_flags = msl_rd_le16(r);
	out->sm_timeout = msl_rd_le32(r);
	(void)msl_rd_le16(r);		/* Reserved2 */
	out->sm_param_count = msl_rd_le16(r);
	out->sm_param_offset = msl_rd_le16(r);
	out->sm_data_count = msl_rd_le16(r);
	out->sm_data_offset = msl_rd_le16(r);
	setup_count = msl_rd_u8(r);
	(void)msl_rd_u8(r);		/* Reserved3 */
	out->sm_opcode = msl_rd_le16(r);
	out->sm_priority = msl_rd_le16(r);
	out->sm_class = msl_rd_le16(r);
	out->sm_byte_count = msl_rd_le16(r);
	if (!msl_rd_ok(r))
		return MSL_PE_TRUNCATED;
	/* [MS-MAIL] §2.2.1: SetupCount MUST be 3 and the opcode MUST be 1
	 * (write); docs/protocol.md §1.6 rule 5. */
	if (setup_count != MSL_SMBMAIL_SETUP_COUNT)
		return MSL_PE_BADSETUP;
	if (out->sm_opcode != MSL_SMBMAIL_OPCODE_WRITE)
		return MSL_PE_BADOPCODE;
	return MSL_PE_OK;
}

/* smbmail_parse_body finds the name and the data in the len-byte
 * message buf, the rest of which r has read. */
static msl_perr
smbmail_parse_body(struct msl_rd *r, const uint8_t *buf, size_t len,
    struct msl_smbmail *out)
{
	size_t rest = msl_rd_left(r), name_len;
	const uint8_t *p = msl_rd_bytes(r, rest), *nul;

	/* docs/protocol.md §1.6 rule 7: the name is the NUL-terminated string at offset
	 * 69 and starts, in any case, with "\MAILSLOT\". */
	nul = rest > 0 ? memchr(p, '\0', rest) : NULL;
	if (nul == NULL)
		return MSL_PE_BADNAME;
	name_len = (size_t)(nul - p);
	if (!msl_smbmail_name_ok((const char *)p, name_len))
		return MSL_PE_BADNAME;
	/* docs/protocol.md §1.6 rule 6: the name ends before DataOffset, and the data
	 * lies inside the message.  The data is found only through
	 * DataOffset and DataCount (rule 8, [MS-MAIL] §3.2.5.1), never from
	 * ByteCount or the name length, because Windows pads and Samba
	 * does not. */
	if (out->sm_data_offset < MSL_SMBMAIL_NAME_OFF + name_len + 1 ||
	    out->sm_data_offset > len ||
	    out->sm_data_count > len - out->sm_data_offset)
		return MSL_PE_BADOFFSET;

	out->sm_name = (const char *)p;
	out->sm_name_len = name_len;
	out->sm_data = buf + out->sm_data_offset;
	out->sm_data_len = out->sm_data_count;
	return MSL_PE_OK;
}

msl_perr
msl_smbmail_parse(const uint8_t *buf, size_t len, struct msl_smbmail *out)
{
	struct msl_rd r;

	if (!msl_rd_start(&r, buf, len, out, sizeof *out))
		return MSL_PE_INVAL;
	/* [MS-MAIL] §2.2.1: the SMB header, the parameter words, the bytes. */
	msl_perr err = smbmail_parse_header(&r, out);
	if (err == MSL_PE_OK)
		err = smbmail_parse_words(&r, out);
	if (err == MSL_PE_OK)
		err = smbmail_parse_body(&r, buf, len, out);
	return err;
}

msl_perr
msl_smbmail_build(enum msl_smbmail_profile profile, const char *name,
    size_t name_len, const uint8_t *data, size_t data_len, uint8_t *buf,
    size_t cap, size_t *used)
{
	const struct msl_smbmail_style *st;
	struct msl_wr w;
	size_t data_off, total;

	if (used == NULL || (unsigned)profile > MSL_SMBMAIL_SAMBA ||
	    !msl_smbmail_name_ok(name, name_len) ||
	    (data == NULL && data_len > 0))
		return MSL_PE_INVAL;
	st = &msl_smbmail_styles[profile];
	/* [MS-MAIL] note <2> and §3.1.4.1: the whole message is capped at
	 * 512 bytes and a larger write fails.  Checking the parts first
	 * keeps the sums below far from overflow. */
	if (name_len > MSL_SMBMAIL_MAX || data_len > MSL_SMBMAIL_MAX)
		return MSL_PE_TOOBIG;
	data_off = msl_smbmail_data_off(st, name_len);
	total = data_off + data_len;
	if (total > MSL_SMBMAIL_MAX)
		return MSL_PE_TOOBIG;

	msl_wr_init(&w, buf, cap);
	/* [MS-CIFS] §2.2.3.1 / [MS-MAIL] §2.2.1: the SMB header. */
	msl_wr_bytes(&w, msl_smb_magic, sizeof msl_smb_magic);
	msl_wr_u8(&w, MSL_SMB_COM_TRANSACTION);
	msl_wr_le32(&w, 0);			/* Status: SHOULD be 0 */
	msl_wr_u8(&w, st->st_flags);		/* Flags */
	msl_wr_le16(&w, st->st_flags2);		/* Flags2 */
	msl_wr_le16(&w, 0);			/* PIDHigh */
	msl_wr_zeros(&w, 8);			/* SecurityFeatures */
	msl_wr_le16(&w, 0);			/* Reserved */
	msl_wr_le16(&w, 0);			/* TID: SHOULD be 0 */
	msl_wr_le16(&w, st->st_pid);		/* PIDLow */
	msl_wr_le16(&w, 0);			/* UID */
	msl_wr_le16(&w, 0);			/* MID */

	/* [MS-MAIL] §2.2.1: the SMB_COM_TRANSACTION words (docs/protocol.md §1.5). */
	msl_wr_u8(&w, MSL_SMBMAIL_WORD_COUNT);
	msl_wr_le16(&w, 0);			/* TotalParameterCount: MUST be 0 */
	msl_wr_le16(&w, (uint16_t)data_len);	/* TotalDataCount = DataCount */
	msl_wr_le16(&w, st->st_max_param);	/* MaxParameterCount */
	msl_wr_le16(&w, 0);			/* MaxDataCount: MUST be 0 */
	msl_wr_u8(&w, 0);			/* MaxSetupCount: MUST be 0 */
	msl_wr_u8(&w, 0);			/* Reserved1 */
	msl_wr_le16(&w, st->st_trans_flags);	/* Flags */
	msl_wr_le32(&w, 0);			/* Timeout: MAY be 0 */
	msl_wr_le16(&w, 0);			/* Reserved2 */
	msl_wr_le16(&w, 0);			/* ParameterCount: MUST be 0 */
	msl_wr_le16(&w, st->st_param_off_is_data ? (uint16_t)data_off : 0);
	msl_wr_le16(&w, (uint16_t)data_len);	/* DataCount */
	msl_wr_le16(&w, (uint16_t)data_off);	/* DataOffset, from SMB start */
	msl_wr_u8(&w, MSL_SMBMAIL_SETUP_COUNT);	/* SetupCount: MUST be 3 */
	msl_wr_u8(&w, 0);			/* Reserved3 */
	msl_wr_le16(&w, MSL_SMBMAIL_OPCODE_WRITE);	/* Setup[0]: opcode */
	msl_wr_le16(&w, st->st_priority);	/* Setup[1]: priority */
	msl_wr_le16(&w, MSL_SMBMAIL_CLASS_UNRELIABLE);	/* Setup[2]: class */
	/* [MS-MAIL] §2.2.1: ByteCount counts name, NUL, padding and data. */
	msl_wr_le16(&w, (uint16_t)(total - MSL_SMBMAIL_NAME_OFF));

	/* docs/protocol.md §1.5 and §8: the prefix goes out upper-case, as Windows
	 * sends it, and the rest of the name as the caller gave it. */
	msl_wr_bytes(&w, MSL_SMBMAIL_PREFIX, MSL_SMBMAIL_PREFIX_LEN);
	msl_wr_bytes(&w, name + MSL_SMBMAIL_PREFIX_LEN,
	    name_len - MSL_SMBMAIL_PREFIX_LEN);
	msl_wr_u8(&w, 0);
	/* [MS-MAIL] §2.2.1: the padding is 0 to 3 zero bytes. */
	msl_wr_zeros(&w, data_off - (MSL_SMBMAIL_NAME_OFF + name_len + 1));
	msl_wr_bytes(&w, data, data_len);
	return msl_wr_finish(&w, used);
}
