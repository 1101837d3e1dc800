/* SPDX-License-Identifier: MIT */
/*
 * dgram_test.c - the datagram builder and the size limit of src/net
 * (dgram.c), checked by parsing what is built with the codec: the header
 * fields, the names, the mailslot and the data, DGM_IDs, and the largest
 * message for each length of mailslot name.
 */
#include <string.h>
#include <arpa/inet.h>

#include "dgram.h"
#include "msl_codec.h"
#include "msl_test.h"

static uint8_t data[MSL_SMBMAIL_MAX];

/* build makes a datagram for mailslot with len bytes of data and parses
 * it into m; returns the builder's result. */
static msl_perr
build(const char *mailslot, size_t len, uint8_t *buf, struct msl_mdgm *m)
{
	size_t used = 0;
	msl_perr e = msl_net_build_dgram(MSL_NBDGM_DIRECT_UNIQUE, "sender", htonl(0x0a000001),
	    MSL_NBDGM_PORT, "peer", MSL_NBSUFFIX_WORKSTATION, mailslot, data, len, buf, &used, NULL);

	if (e == MSL_PE_OK)
		MSL_CHECK_EQ(msl_mdgm_parse(buf, used, m), MSL_PE_OK);
	return e;
}

static void
test_fields(void)
{
	static const char slot[] = "\\MAILSLOT\\News";
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;
	char name[MSL_NBNAME_FMT_MAX];

	memcpy(data, "hello", 5);
	MSL_CHECK_EQ(build(slot, 5, buf, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_dgm.dg_type, MSL_NBDGM_DIRECT_UNIQUE);
	/* A node without WINS is a B-node, and the address is host order in
	 * the codec, network order here. */
	MSL_CHECK_EQ(MSL_NBDGM_NODE_TYPE(m.md_dgm.dg_flags), MSL_NBDGM_NODE_B);
	MSL_CHECK_EQ(m.md_dgm.dg_src_ip, 0x0a000001);
	MSL_CHECK_EQ(m.md_dgm.dg_src_port, MSL_NBDGM_PORT);
	/* Names are upper-cased; the source is always the <00> name. */
	msl_nbname_format(&m.md_dgm.dg_src, name, sizeof name);
	MSL_CHECK(strcmp(name, "SENDER<00>") == 0);
	msl_nbname_format(&m.md_dgm.dg_dst, name, sizeof name);
	MSL_CHECK(strcmp(name, "PEER<00>") == 0);
	MSL_CHECK_EQ(m.md_smb.sm_name_len, sizeof slot - 1);
	MSL_CHECK(memcmp(m.md_smb.sm_name, slot, sizeof slot - 1) == 0);
	MSL_CHECK_EQ(m.md_smb.sm_data_len, 5);
	MSL_CHECK(memcmp(m.md_smb.sm_data, "hello", 5) == 0);
}

static void
test_ids_differ(void)
{
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;
	uint16_t first;

	/* RFC 1002 §4.4.1: DGM_ID tells a sender's datagrams apart. */
	MSL_CHECK_EQ(build("\\MAILSLOT\\a", 1, buf, &m), MSL_PE_OK);
	first = m.md_dgm.dg_id;
	for (uint16_t i = 1; i < 100; i++) {
		MSL_CHECK_EQ(build("\\MAILSLOT\\a", 1, buf, &m), MSL_PE_OK);
		MSL_CHECK_EQ(m.md_dgm.dg_id, (uint16_t)(first + i));
	}
}

static void
test_bad_names_are_refused(void)
{
	uint8_t buf[MSL_MDGM_MAX];
	size_t used;

	MSL_CHECK(msl_net_build_dgram(MSL_NBDGM_DIRECT_UNIQUE, "", 0, MSL_NBDGM_PORT, "peer", 0,
	    "\\MAILSLOT\\a", data, 1, buf, &used, NULL) != MSL_PE_OK);
	MSL_CHECK(msl_net_build_dgram(MSL_NBDGM_DIRECT_UNIQUE, "sender", 0, MSL_NBDGM_PORT,
	    "0123456789abcdef", 0, "\\MAILSLOT\\a", data, 1, buf, &used, NULL) != MSL_PE_OK);
	MSL_CHECK(msl_net_build_dgram(MSL_NBDGM_DIRECT_UNIQUE, "sender", 0, MSL_NBDGM_PORT, "peer",
	    0, "\\PIPE\\a", data, 1, buf, &used, NULL) != MSL_PE_OK);
}

static void
test_max_data(void)
{
	char slot[MSL_SMBMAIL_PREFIX_LEN + 200 + 1];
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;

	/* The Win32 limit, for short names. */
	MSL_CHECK_EQ(msl_net_max_data(MSL_SMBMAIL_PREFIX_LEN + 1), MSL_NET_MAX_DATA);
	MSL_CHECK_EQ(msl_net_max_data(MSL_SMBMAIL_PREFIX_LEN + 8), MSL_NET_MAX_DATA);
	/* [MS-MAIL] note <2> below it: 420 for 9 to 12 characters. */
	MSL_CHECK_EQ(msl_net_max_data(MSL_SMBMAIL_PREFIX_LEN + 9), 420);
	MSL_CHECK_EQ(msl_net_max_data(MSL_SMBMAIL_PREFIX_LEN + 12), 420);
	MSL_CHECK_EQ(msl_net_max_data(MSL_SMBMAIL_PREFIX_LEN + 13), 416);
	/* What the limit allows always builds, whatever the name's length. */
	memcpy(slot, MSL_SMBMAIL_PREFIX, MSL_SMBMAIL_PREFIX_LEN);
	for (size_t leaf = 1; leaf <= 200; leaf++) {
		size_t n = MSL_SMBMAIL_PREFIX_LEN + leaf, max = msl_net_max_data(n);
		slot[n - 1] = 'x';
		slot[n] = '\0';
		MSL_CHECK(max <= MSL_NET_MAX_DATA);
		MSL_CHECK_EQ(build(slot, max, buf, &m), MSL_PE_OK);
		MSL_CHECK_EQ(m.md_smb.sm_data_len, max);
	}
}

/* names (issue 13): a scope goes on both names. */
static void
test_scope(void)
{
	uint8_t buf[MSL_MDGM_MAX];
	struct msl_mdgm m;
	size_t used;

	MSL_CHECK_EQ(msl_net_build_dgram(MSL_NBDGM_DIRECT_GROUP, "sender", 0, MSL_NBDGM_PORT, "wg", 0,
	    "\\MAILSLOT\\a", data, 1, buf, &used, "corp.example"), MSL_PE_OK);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK(strcmp(m.md_dgm.dg_src.nb_scope, "corp.example") == 0);
	MSL_CHECK(strcmp(m.md_dgm.dg_dst.nb_scope, "corp.example") == 0);
	MSL_CHECK_EQ(msl_net_build_dgram(MSL_NBDGM_DIRECT_GROUP, "sender", 0, MSL_NBDGM_PORT, "wg", 0,
	    "\\MAILSLOT\\a", data, 1, buf, &used, ""), MSL_PE_OK);
	MSL_CHECK_EQ(msl_mdgm_parse(buf, used, &m), MSL_PE_OK);
	MSL_CHECK_EQ(m.md_dgm.dg_dst.nb_scope_len, 0);
}

MSL_TEST_LIST(
    MSL_TEST(test_scope),
    MSL_TEST(test_fields),
    MSL_TEST(test_ids_differ),
    MSL_TEST(test_bad_names_are_refused),
    MSL_TEST(test_max_data))
