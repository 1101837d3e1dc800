/* SPDX-License-Identifier: MIT */
/*
 * msl_mdgm_test.c - unit tests of msl_mdgm.c, the whole UDP 138 payload:
 * the docs/protocol.md §1.7 examples A and B byte for byte, every
 * rejection reason of §1.6, and a randomised build/parse round trip.
 */
#include "codec_testlib.h"

/* mdgm_status parses a copy of a payload and returns the verdict. */
static msl_perr
mdgm_status(const uint8_t *buf, size_t len)
{
	struct msl_mdgm m;

	return msl_mdgm_parse(buf, len, &m);
}

/*
 * An example datagram of docs/protocol.md §1.7 and what parsing it must
 * give: the RFC 1002 §4.4.1 header (port 138, no fragment offset), the
 * names, the SMB part's length, every [MS-MAIL] §2.2.1 field, the
 * mailslot name and the data's length.
 */
struct example {
	const uint8_t *bytes;
	size_t len;
	uint8_t type, flags, node;
	uint16_t id, length;
	uint32_t ip;
	const char *src, *dst;
	size_t smb_len;
	struct msl_smbmail smb;
	const char *name;
	size_t data_len;
};

/* check_example parses x's bytes into m and checks all that x says. */
static void
check_example(const struct example *x, struct msl_mdgm *m)
{
	const struct msl_nbdgm *d = &m->md_dgm;
	const struct msl_smbmail *s = &m->md_smb, *w = &x->smb;

	MSL_CHECK_EQ(msl_mdgm_parse(x->bytes, x->len, m), MSL_PE_OK);
	MSL_CHECK_EQ(d->dg_type, x->type);
	MSL_CHECK_EQ(d->dg_flags, x->flags);
	MSL_CHECK_EQ(MSL_NBDGM_NODE_TYPE(d->dg_flags), x->node);
	MSL_CHECK_EQ(d->dg_id, x->id);
	MSL_CHECK_EQ(d->dg_src_ip, x->ip);
	MSL_CHECK_EQ(d->dg_src_port, 138);
	MSL_CHECK_EQ(d->dg_length, x->length);
	MSL_CHECK_EQ(d->dg_offset, 0);
	check_fmt(&d->dg_src, x->src);
	check_fmt(&d->dg_dst, x->dst);
	MSL_CHECK_EQ(d->dg_data_len, x->smb_len);
	MSL_CHECK_EQ(s->sm_status, w->sm_status);
	MSL_CHECK_EQ(s->sm_flags, w->sm_flags);
	MSL_CHECK_EQ(s->sm_flags2, w->sm_flags2);
	MSL_CHECK_EQ(s->sm_tid, w->sm_tid);
	MSL_CHECK_EQ(s->sm_pid, w->sm_pid);
	MSL_CHECK_EQ(s->sm_uid, w->sm_uid);
	MSL_CHECK_EQ(s->sm_mid, w->sm_mid);
	MSL_CHECK_EQ(s->sm_total_param, w->sm_total_param);
	MSL_CHECK_EQ(s->sm_total_data, w->sm_total_data);
	MSL_CHECK_EQ(s->sm_max_param, w->sm_max_param);
	MSL_CHECK_EQ(s->sm_max_data, w->sm_max_data);
	MSL_CHECK_EQ(s->sm_max_setup, w->sm_max_setup);
	MSL_CHECK_EQ(s->sm_trans_flags, w->sm_trans_flags);
	MSL_CHECK_EQ(s->sm_timeout, w->sm_timeout);
	MSL_CHECK_EQ(s->sm_param_count, w->sm_param_count);
	MSL_CHECK_EQ(s->sm_param_offset, w->sm_param_offset);
	MSL_CHECK_EQ(s->sm_data_count, w->sm_data_count);
	MSL_CHECK_EQ(s->sm_data_offset, w->sm_data_offset);
	MSL_CHECK_EQ(s->sm_opcode, w->sm_opcode);
	MSL_CHECK_EQ(s->sm_priority, w->sm_priority);
	MSL_CHECK_EQ(s->sm_class, w->sm_class);
	MSL_CHECK_EQ(s->sm_byte_count, w->sm_byte_count);
	MSL_CHECK_EQ(s->sm_name_len, strlen(x->name));
	MSL_CHECK(memcmp(s->sm_name, x->name, strlen(x->name) + 1) == 0); /* with NUL */
	MSL_CHECK_EQ(s->sm_data_len, x->data_len);
}

/* ---- Examples A and B (docs/protocol.md §1.7) ------------------------ */

static void
test_example_a_parse(void)
{
	static const struct example a = {
		.bytes = msl_vec_a, .len = 0xde,
		/* RFC 1002 §4.4.1 header as docs/protocol.md §1.7 builds it. */
		.type = MSL_NBDGM_DIRECT_UNIQUE, .flags = 0x0e, .node = MSL_NBDGM_NODE_H,
		.id = 0x8001, .ip = 0xc0a8010a, .length = 208,
		.src = "WINCLIENT<00>", .dst = "LINUXBOX<00>", .smb_len = 140,
		/* [MS-MAIL] §4 decoded fields, as listed in docs/protocol.md §1.7. */
		.smb = {
			.sm_status = 0, .sm_flags = 0x18, .sm_flags2 = 0x0004,
			.sm_tid = 0, .sm_pid = 0xfeff, .sm_uid = 0, .sm_mid = 0,
			.sm_total_param = 0, .sm_total_data = 36, .sm_max_param = 2,
			.sm_max_data = 0, .sm_max_setup = 0, .sm_trans_flags = 0x0002,
			.sm_timeout = 0, .sm_param_count = 0, .sm_param_offset = 0x68,
			.sm_data_count = 36, .sm_data_offset = 104, .sm_opcode = 1,
			.sm_priority = 0, .sm_class = 2, .sm_byte_count = 71,
		},
		.name = "\\MAILSLOT\\test1\\sample_mailslot", .data_len = 36,
	};
	struct msl_nbname winclient = mkname("WINCLIENT", 0, NULL);
	struct msl_nbname linuxbox = mkname("LINUXBOX", 0, NULL);
	struct msl_mdgm m;
	const struct msl_nbdgm *d = &m.md_dgm;
	const struct msl_smbmail *s = &m.md_smb;

	MSL_CHECK_EQ(msl_vec_a_len, a.len);
	check_example(&a, &m);
	MSL_CHECK(memcmp(d->dg_src.nb_raw, winclient.nb_raw, 16) == 0);
	MSL_CHECK(memcmp(d->dg_dst.nb_raw, linuxbox.nb_raw, 16) == 0);
	MSL_CHECK(d->dg_data == msl_vec_a + MSL_VEC_SMB_OFF);
	MSL_CHECK(s->sm_data == msl_vec_a + MSL_VEC_SMB_OFF + 104);
	for (size_t i = 0; i < s->sm_data_len; i++)
		MSL_CHECK_EQ(s->sm_data[i], 0xca);
	/* The SMB part alone parses the same. */
	{
		struct msl_smbmail alone;

		MSL_CHECK_EQ(msl_smbmail_parse(msl_vec_a + MSL_VEC_SMB_OFF, 140,
		    &alone), MSL_PE_OK);
		MSL_CHECK_EQ(alone.sm_data_offset, 104);
	}
}

static void
test_example_a_build(void)
{
	static const char name[] = "\\MAILSLOT\\test1\\sample_mailslot";
	uint8_t data[36], buf[BIG];
	const struct msl_mdgm_send s = {
		.ms_type = MSL_NBDGM_DIRECT_UNIQUE, .ms_node = MSL_NBDGM_NODE_H,
		.ms_id = 0x8001, .ms_src_ip = 0xc0a8010a, .ms_src_port = MSL_NBDGM_PORT,
		.ms_src = mkname("WINCLIENT", 0, NULL), .ms_dst = mkname("LINUXBOX", 0, NULL),
		.ms_mailslot = name, .ms_mailslot_len = strlen(name),
		.ms_data = data, .ms_data_len = sizeof data, .ms_profile = MSL_SMBMAIL_WINDOWS,
	};
	size_t used = 0;

	memset(data, 0xca, sizeof data);
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_vec_a_len);
	MSL_CHECK(memcmp(buf, msl_vec_a, msl_vec_a_len) == 0);
	/* An exactly sized buffer is enough. */
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, msl_vec_a_len, &used), MSL_PE_OK);
	MSL_CHECK(memcmp(buf, msl_vec_a, msl_vec_a_len) == 0);
	/* The SMB part alone, too. */
	MSL_CHECK_EQ(msl_smbmail_build(MSL_SMBMAIL_WINDOWS, name, strlen(name),
	    data, sizeof data, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 140);
	MSL_CHECK(memcmp(buf, msl_vec_a + MSL_VEC_SMB_OFF, 140) == 0);
}

static void
test_example_b_parse(void)
{
	static const struct example b = {
		.bytes = msl_vec_b, .len = 0xb6,
		.type = MSL_NBDGM_DIRECT_GROUP, .flags = 0x0a, .node = MSL_NBDGM_NODE_M,
		.id = 0x1234, .ip = 0xc0a80114, .length = 168,
		.src = "LINUXBOX<00>", .dst = "WORKGROUP<00>", .smb_len = 100,
		/* Samba's zeroed header, priority 1, no padding. */
		.smb = {
			.sm_status = 0, .sm_flags = 0, .sm_flags2 = 0, .sm_tid = 0,
			.sm_pid = 0, .sm_uid = 0, .sm_mid = 0, .sm_total_param = 0,
			.sm_total_data = 16, .sm_max_param = 0, .sm_max_data = 0,
			.sm_max_setup = 0, .sm_trans_flags = 0, .sm_timeout = 0,
			.sm_param_count = 0, .sm_param_offset = 0, .sm_data_count = 16,
			.sm_data_offset = 84, .sm_opcode = 1, .sm_priority = 1,
			.sm_class = 2, .sm_byte_count = 31,
		},
		.name = "\\MAILSLOT\\TEST", .data_len = 16,
	};
	struct msl_mdgm m;

	MSL_CHECK_EQ(msl_vec_b_len, b.len);
	check_example(&b, &m);
	MSL_CHECK(memcmp(m.md_smb.sm_data, "Hello, mailslot!", 16) == 0);
}

static void
test_example_b_build(void)
{
	struct msl_mdgm_send s;
	uint8_t buf[BIG];
	size_t used = 0;

	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_GROUP;
	s.ms_node = MSL_NBDGM_NODE_M;
	s.ms_id = 0x1234;
	s.ms_src_ip = 0xc0a80114;
	s.ms_src_port = 138;
	s.ms_src = mkname("LINUXBOX", 0, NULL);
	s.ms_dst = mkname("WORKGROUP", 0, NULL);
	s.ms_mailslot = "\\MAILSLOT\\TEST";
	s.ms_mailslot_len = 14;
	s.ms_data = (const uint8_t *)"Hello, mailslot!";
	s.ms_data_len = 16;
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK(memcmp(buf, msl_vec_b, msl_vec_b_len) == 0);
	/* Too small by one: NOSPACE and the size needed. */
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, msl_vec_b_len - 1, &used),
	    MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, 20, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
	MSL_CHECK_EQ(msl_mdgm_build(&s, NULL, 0, &used), MSL_PE_NOSPACE);
	MSL_CHECK_EQ(used, msl_vec_b_len);
}

/* ---- Every rejection reason (docs/protocol.md §1.6) ----------------- */

/*
 * The cases below start each check from a fresh copy of Example B in b
 * (FRESH) and change only what that check is about, so that its verdict
 * has one cause.
 */
#define FRESH() memcpy(b, msl_vec_b, n)

/* The NetBIOS part: truncation and rules 1 to 3. */
static void
test_mdgm_reject_nbdgm(void)
{
	const size_t n = msl_vec_b_len, smb = MSL_VEC_SMB_OFF;
	uint8_t b[256];
	struct msl_mdgm m;

	FRESH();
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_OK);

	/* Truncated anywhere before the data window is complete. */
	MSL_CHECK_EQ(mdgm_status(b, 0), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(NULL, 0), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 13), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 30), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 60), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, 82), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 3), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 4), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 32), MSL_PE_TRUNCATED);
	MSL_CHECK_EQ(mdgm_status(b, smb + 68), MSL_PE_TRUNCATED);
	/* Rule 1: only 0x10..0x12, whatever the length. */
	b[0] = MSL_NBDGM_ERROR;
	MSL_CHECK_EQ(mdgm_status(b, 11), MSL_PE_BADTYPE);
	b[0] = MSL_NBDGM_QUERY_REQUEST;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADTYPE);
	b[0] = 0x0f;
	MSL_CHECK_EQ(mdgm_status(b, 1), MSL_PE_BADTYPE);
	b[0] = 0x20;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADTYPE);
	FRESH();
	b[0] = MSL_NBDGM_BROADCAST;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_OK);
	/* Rule 3: fragments, reported with their header. */
	FRESH();
	b[1] = 0x08;
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_FRAGMENT);
	MSL_CHECK_EQ(m.md_dgm.dg_id, 0x1234);
	b[1] = 0x0b;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_FRAGMENT);
	/* Rule 2: malformed names. */
	FRESH();
	b[14] = 0x21;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[14] = 0xc0;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[20] = 'Z';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSRCNAME);
	FRESH();
	b[48] = 0x1f;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADDSTNAME);
	FRESH();
	b[81] = 0x41;	/* the root label becomes a 0x41-type label */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADDSTNAME);
}

/* The SMB part: rules 5 to 7. */
static void
test_mdgm_reject_smb(void)
{
	const size_t n = msl_vec_b_len, smb = MSL_VEC_SMB_OFF;
	uint8_t b[256];

	/* Rule 5: the SMB header. */
	FRESH();
	b[smb] = 0xfe;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_NOTSMB);
	FRESH();
	b[smb + 1] = 's';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_NOTSMB);
	FRESH();
	b[smb + 4] = 0x32;	/* SMB_COM_TRANSACTION2 */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADCOMMAND);
	FRESH();
	b[smb + 32] = 16;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADWORDCOUNT);
	FRESH();
	b[smb + 59] = 2;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADSETUP);
	FRESH();
	b[smb + 61] = 2;
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOPCODE);
	/* Rule 7: the name. */
	FRESH();
	b[smb + 70] = 'X';
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADNAME);
	FRESH();
	b[smb + 79] = 0;	/* "\MAILSLOT\" with nothing after it */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADNAME);
	FRESH();
	MSL_CHECK_EQ(mdgm_status(b, smb + 69 + 8), MSL_PE_BADNAME);
	MSL_CHECK_EQ(mdgm_status(b, smb + 69), MSL_PE_BADNAME);
	/* Rule 6: the data window. */
	FRESH();
	le16_put(b + smb + 57, 83);	/* DataOffset inside the name */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 57, 0);
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 57, 101);	/* past the end */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	FRESH();
	le16_put(b + smb + 55, 17);	/* one byte too many */
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	le16_put(b + smb + 55, 0xffff);
	MSL_CHECK_EQ(mdgm_status(b, n), MSL_PE_BADOFFSET);
	MSL_CHECK_EQ(mdgm_status(b, n - 1), MSL_PE_BADOFFSET);
}

static void
test_mdgm_accept(void)
{
	const size_t n = msl_vec_b_len, smb = MSL_VEC_SMB_OFF;
	uint8_t b[256];
	struct msl_mdgm m;

	/* What a receiver must accept: a lower-case prefix, an empty
	 * message, extra padding, ignored fields with any value. */
	FRESH();
	memcpy(b + smb + 69, "\\mailslot\\", 10);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK(memcmp(m.md_smb.sm_name, "\\mailslot\\TEST", 14) == 0);
	FRESH();
	le16_put(b + smb + 55, 0);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 0);
	le16_put(b + smb + 57, 100);	/* empty, at the very end */
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	FRESH();
	le16_put(b + smb + 57, 86);
	le16_put(b + smb + 55, 14);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK(memcmp(m.md_smb.sm_data, "llo, mailslot!", 14) == 0);
	FRESH();
	b[smb + 5] = 0xff;		/* Status */
	b[smb + 9] = 0xff;		/* Flags */
	le16_put(b + smb + 67, 999);	/* ByteCount */
	le16_put(b + smb + 63, 9);	/* priority */
	le16_put(b + smb + 65, 1);	/* class */
	le16_put(b + smb + 35, 5);	/* TotalDataCount */
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 16);
	MSL_CHECK_EQ(msl_mdgm_parse(b, n, NULL), MSL_PE_INVAL);
}
#undef FRESH

static void
test_mdgm_build_reject(void)
{
	static uint8_t data[600];
	struct msl_mdgm_send s;
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;
	char scope[MSL_NBNAME_SCOPE_MAX + 1];
	size_t used;

	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_UNIQUE;
	s.ms_node = MSL_NBDGM_NODE_B;
	s.ms_src_port = 138;
	s.ms_src = mkname("A", 0, NULL);
	s.ms_dst = mkname("B", 0, NULL);
	s.ms_mailslot = "\\MAILSLOT\\ABCDE";
	s.ms_mailslot_len = 15;
	s.ms_data = data;
	s.ms_data_len = 424;
	s.ms_profile = MSL_SMBMAIL_WINDOWS;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, 82 + 512);
	MSL_CHECK_EQ(buf[1], 0x02);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 424);
	s.ms_data_len = 425;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used),
	    MSL_PE_TOOBIG);
	s.ms_data_len = 70000;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used),
	    MSL_PE_TOOBIG);
	s.ms_data_len = 10;

	/* The largest payload: two longest scopes and 512 bytes of SMB. */
	scope_of(scope, MSL_NBNAME_SCOPE_MAX);
	s.ms_src = mkname("A", 0, scope);
	s.ms_dst = mkname("B", 0, scope);
	s.ms_data_len = 424;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_OK);
	MSL_CHECK_EQ(used, MSL_MDGM_MAX);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK(strcmp(m.md_dgm.dg_dst.nb_scope, scope) == 0);
	s.ms_src = mkname("A", 0, NULL);
	s.ms_dst = mkname("B", 0, NULL);
	s.ms_data_len = 10;

	s.ms_type = MSL_NBDGM_ERROR;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_type = MSL_NBDGM_BROADCAST;
	s.ms_node = 4;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_node = MSL_NBDGM_NODE_H;
	s.ms_profile = (enum msl_smbmail_profile)9;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	s.ms_mailslot = "\\PIPE\\x";
	s.ms_mailslot_len = 7;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_mailslot = "\\MAILSLOT\\x";
	s.ms_mailslot_len = 11;
	s.ms_data = NULL;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	s.ms_data = data;
	strcpy(s.ms_dst.nb_scope, "..");
	s.ms_dst.nb_scope_len = 2;
	MSL_CHECK_EQ(msl_mdgm_build(&s, buf, sizeof buf, &used), MSL_PE_INVAL);
	MSL_CHECK_EQ(msl_mdgm_build(NULL, buf, sizeof buf, &used),
	    MSL_PE_INVAL);
}

/* ---- Built and parsed back ------------------------------------------- */

/* A small deterministic generator, so that failures reproduce. */
static uint32_t
lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void
test_mdgm_roundtrip(void)
{
	static const char *const scopes[] = { NULL, "a", "corp.example.com" };
	static const char *const slots[] = { "\\MAILSLOT\\A",
		"\\MAILSLOT\\BROWSE", "\\mailslot\\net\\netlogon",
		"\\MAILSLOT\\x\\y\\z\\0123456789" };
	uint32_t seed = 1;
	uint8_t data[512], buf[MSL_MDGM_MAX];

	for (int i = 0; i < 2000; i++) {
		struct msl_mdgm_send s;
		struct msl_mdgm m;
		char src[16], dst[16];
		size_t used, maxd;
		msl_perr err;

		memset(&s, 0, sizeof s);
		s.ms_type = (uint8_t)(0x10 + lcg(&seed) % 3);
		s.ms_node = (uint8_t)(lcg(&seed) % 4);
		s.ms_id = (uint16_t)lcg(&seed);
		s.ms_src_ip = lcg(&seed) ^ (lcg(&seed) << 16);
		s.ms_src_port = (uint16_t)lcg(&seed);
		snprintf(src, sizeof src, "H%u", (unsigned)(lcg(&seed) % 1000000));
		snprintf(dst, sizeof dst, "g%u", (unsigned)(lcg(&seed) % 1000));
		s.ms_src = mkname(src, (uint8_t)lcg(&seed),
		    scopes[lcg(&seed) % 3]);
		s.ms_dst = mkname(dst, (uint8_t)lcg(&seed),
		    scopes[lcg(&seed) % 3]);
		s.ms_mailslot = slots[lcg(&seed) % 4];
		s.ms_mailslot_len = strlen(s.ms_mailslot);
		s.ms_profile = (enum msl_smbmail_profile)(lcg(&seed) % 2);
		maxd = msl_smbmail_max_data(s.ms_mailslot_len);
		s.ms_data_len = lcg(&seed) % (maxd + 1);
		for (size_t k = 0; k < s.ms_data_len; k++)
			data[k] = (uint8_t)lcg(&seed);
		s.ms_data = data;

		err = msl_mdgm_build(&s, buf, sizeof buf, &used);
		MSL_CHECK_EQ(err, MSL_PE_OK);
		MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
		MSL_CHECK_EQ(m.md_dgm.dg_type, s.ms_type);
		MSL_CHECK_EQ(m.md_dgm.dg_flags, MSL_NBDGM_FLAGS(s.ms_node));
		MSL_CHECK_EQ(m.md_dgm.dg_id, s.ms_id);
		MSL_CHECK_EQ(m.md_dgm.dg_src_ip, s.ms_src_ip);
		MSL_CHECK_EQ(m.md_dgm.dg_src_port, s.ms_src_port);
		MSL_CHECK_EQ(m.md_dgm.dg_length, used - 14);
		MSL_CHECK_EQ(msl_nbname_casecmp(&m.md_dgm.dg_src, &s.ms_src), 0);
		MSL_CHECK_EQ(msl_nbname_casecmp(&m.md_dgm.dg_dst, &s.ms_dst), 0);
		MSL_CHECK_EQ(m.md_smb.sm_name_len, s.ms_mailslot_len);
		MSL_CHECK(msl_casecmp(m.md_smb.sm_name, s.ms_mailslot,
		    s.ms_mailslot_len) == 0);
		MSL_CHECK_EQ(m.md_smb.sm_data_len, s.ms_data_len);
		MSL_CHECK(s.ms_data_len == 0 ||
		    memcmp(m.md_smb.sm_data, data, s.ms_data_len) == 0);
		MSL_CHECK_EQ(m.md_smb.sm_priority,
		    s.ms_profile == MSL_SMBMAIL_SAMBA ? 1 : 0);
	}
}

MSL_TEST_LIST(
	MSL_TEST(test_example_a_parse),
	MSL_TEST(test_example_a_build),
	MSL_TEST(test_example_b_parse),
	MSL_TEST(test_example_b_build),
	MSL_TEST(test_mdgm_reject_nbdgm),
	MSL_TEST(test_mdgm_reject_smb),
	MSL_TEST(test_mdgm_accept),
	MSL_TEST(test_mdgm_build_reject),
	MSL_TEST(test_mdgm_roundtrip))
