/* SPDX-License-Identifier: MIT */
/*
 * codec_corpus_gen.c - writes the seed corpora of the codec fuzz targets.
 *
 * Usage: codec_corpus_gen DIR   (normally src/codec/corpus)
 *
 * It writes DIR/<target>/<seed>.bin for every target, overwriting files
 * of the same name and leaving others (such as inputs a fuzzer found)
 * alone.  The seeds are the docs/protocol.md §1.7 examples, built variants of them,
 * and cut or damaged copies that reach each rejection path.  The result
 * is committed, so that CTest replays it without running this program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "codec_vectors.h"
#include "msl_codec.h"

static const char *out_dir;
static int failures;

static void
put(const char *target, const char *seed, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", out_dir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		failures++;
		return;
	}
	snprintf(path, sizeof path, "%s/%s/%s.bin", out_dir, target, seed);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		failures++;
	}
}

/* put_mut writes a copy of p with byte at changed to v. */
static void
put_mut(const char *target, const char *seed, const uint8_t *p, size_t n,
    size_t at, uint8_t v)
{
	uint8_t b[MSL_MDGM_MAX];

	memcpy(b, p, n);
	b[at] = v;
	put(target, seed, b, n);
}

static struct msl_nbname
name(const char *n, uint8_t suffix, const char *scope)
{
	struct msl_nbname out;

	if (msl_nbname_make(&out, n, suffix, scope) != MSL_PE_OK)
		failures++;
	return out;
}

/* build_mdgm builds a mailslot datagram into b and returns its size. */
static size_t
build_mdgm(uint8_t *b, const char *scope, const char *slot, size_t data_len,
    enum msl_smbmail_profile profile)
{
	static const uint8_t data[MSL_SMBMAIL_MAX] = { 'x' };
	struct msl_mdgm_send s;
	size_t used = 0;

	memset(&s, 0, sizeof s);
	s.ms_type = MSL_NBDGM_DIRECT_GROUP;
	s.ms_node = MSL_NBDGM_NODE_B;
	s.ms_id = 7;
	s.ms_src_ip = 0x7f000001;
	s.ms_src_port = MSL_NBDGM_PORT;
	s.ms_src = name("LINUXBOX", 0, scope);
	s.ms_dst = name("WORKGROUP", 0x1d, scope);
	s.ms_mailslot = slot;
	s.ms_mailslot_len = strlen(slot);
	s.ms_data = data;
	s.ms_data_len = data_len;
	s.ms_profile = profile;
	if (msl_mdgm_build(&s, b, MSL_MDGM_MAX, &used) != MSL_PE_OK)
		failures++;
	return used;
}

static void
gen_mdgm(const char *t)
{
	const uint8_t *a = msl_vec_a, *b = msl_vec_b;
	const size_t smb = MSL_VEC_SMB_OFF;
	uint8_t buf[MSL_MDGM_MAX];
	size_t n;

	put(t, "example_a", a, msl_vec_a_len);
	put(t, "example_b", b, msl_vec_b_len);
	put(t, "trunc_header", b, 13);
	put(t, "trunc_src_name", b, 40);
	put(t, "trunc_smb", b, smb + 40);
	put(t, "trunc_data", a, msl_vec_a_len - 1);
	put_mut(t, "type_error", b, 11, 0, MSL_NBDGM_ERROR);
	put_mut(t, "fragment_more", b, msl_vec_b_len, 1, 0x0b);
	put_mut(t, "src_pointer", b, msl_vec_b_len, 14, 0xc0);
	put_mut(t, "not_smb", b, msl_vec_b_len, smb, 0xfe);
	put_mut(t, "wordcount_16", b, msl_vec_b_len, smb + 32, 16);
	put_mut(t, "setup_2", b, msl_vec_b_len, smb + 59, 2);
	put_mut(t, "name_unterminated", b, msl_vec_b_len, smb + 83, 'X');
	put_mut(t, "offset_in_name", b, msl_vec_b_len, smb + 57, 80);
	put_mut(t, "count_zero", b, msl_vec_b_len, smb + 55, 0);
	n = build_mdgm(buf, "corp.example", "\\MAILSLOT\\NET\\NETLOGON", 20,
	    MSL_SMBMAIL_WINDOWS);
	put(t, "scoped", buf, n);
	n = build_mdgm(buf, NULL, "\\MAILSLOT\\ABCDE", 424,
	    MSL_SMBMAIL_WINDOWS);
	put(t, "max_424", buf, n);
	n = build_mdgm(buf, NULL, "\\mailslot\\browse", 0, MSL_SMBMAIL_SAMBA);
	put(t, "empty_message", buf, n);
}

static void
gen_nbdgm(const char *t)
{
	struct msl_nbdgm d;
	uint8_t buf[256];
	size_t n = 0;

	put(t, "example_a", msl_vec_a, msl_vec_a_len);
	put(t, "example_b", msl_vec_b, msl_vec_b_len);
	put(t, "trunc_dst_name", msl_vec_b, 70);
	put_mut(t, "fragment_second", msl_vec_b, msl_vec_b_len, 1, 0x08);
	memset(&d, 0, sizeof d);
	d.dg_type = MSL_NBDGM_ERROR;
	d.dg_id = 0x2222;
	d.dg_error = MSL_NBDGM_ERR_NO_DEST;
	if (msl_nbdgm_build(&d, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "datagram_error", buf, n);
	d.dg_type = MSL_NBDGM_QUERY_REQUEST;
	d.dg_dst = name("WORKGROUP", 0x1d, NULL);
	if (msl_nbdgm_build(&d, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "datagram_query", buf, n);
	d.dg_type = MSL_NBDGM_BROADCAST;
	d.dg_flags = MSL_NBDGM_FLAGS(MSL_NBDGM_NODE_B);
	d.dg_src = name("LINUXBOX", 0, "scope.test");
	d.dg_dst = name("*", 0, "scope.test");
	d.dg_data = (const uint8_t *)"user data";
	d.dg_data_len = 9;
	if (msl_nbdgm_build(&d, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "broadcast_scoped", buf, n);
}

static void
gen_smbmail(const char *t)
{
	const uint8_t *a = msl_vec_a + MSL_VEC_SMB_OFF;
	const uint8_t *b = msl_vec_b + MSL_VEC_SMB_OFF;
	const size_t alen = msl_vec_a_len - MSL_VEC_SMB_OFF;
	const size_t blen = msl_vec_b_len - MSL_VEC_SMB_OFF;
	uint8_t buf[MSL_SMBMAIL_MAX];
	size_t n = 0;

	put(t, "example_a", a, alen);
	put(t, "example_b", b, blen);
	put(t, "trunc_words", a, 50);
	put(t, "trunc_name", b, 75);
	put_mut(t, "command_trans2", b, blen, 4, 0x32);
	put_mut(t, "opcode_2", b, blen, 61, 2);
	put_mut(t, "bad_prefix", b, blen, 70, 'X');
	put_mut(t, "count_past_end", b, blen, 55, 0x20);
	if (msl_smbmail_build(MSL_SMBMAIL_WINDOWS, "\\MAILSLOT\\ABCDEFGH", 18,
	    (const uint8_t *)"", 0, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "empty_message", buf, n);
}

static void
gen_nbname(const char *t)
{
	static const uint8_t pointer[] = { 0xc0, 0x0c };
	char scope[MSL_NBNAME_SCOPE_MAX + 1];
	struct msl_nbname n;
	uint8_t buf[MSL_NBNAME_WIRE_MAX];
	size_t len = 0;

	/* The name in example B's destination, and the table's oddities. */
	put(t, "workgroup_00", msl_vec_b + 48, 34);
	n = name("*", 0, NULL);
	if (msl_nbname_build(&n, buf, sizeof buf, &len) != MSL_PE_OK)
		failures++;
	put(t, "star", buf, len);
	n = name("\x01\x02__MSBROWSE__\x02", 0x01, NULL);
	if (msl_nbname_build(&n, buf, sizeof buf, &len) != MSL_PE_OK)
		failures++;
	put(t, "msbrowse", buf, len);
	n = name("FOO", 0x20, "corp.example.com");
	if (msl_nbname_build(&n, buf, sizeof buf, &len) != MSL_PE_OK)
		failures++;
	put(t, "scoped", buf, len);
	for (size_t i = 0; i < MSL_NBNAME_SCOPE_MAX; i++)
		scope[i] = i % 64 == 63 ? '.' : (char)('a' + i % 26);
	scope[MSL_NBNAME_SCOPE_MAX] = '\0';
	n = name("MAX", 0, scope);
	if (msl_nbname_build(&n, buf, sizeof buf, &len) != MSL_PE_OK)
		failures++;
	put(t, "scope_255", buf, len);
	put(t, "pointer", pointer, sizeof pointer);
	put(t, "trunc", msl_vec_b + 48, 20);
	put_mut(t, "char_q", msl_vec_b + 48, 34, 7, 'Q');
	/* Seeds for the msl_nbname_make path: suffix, length, name, scope. */
	put(t, "make_scoped", (const uint8_t *)"\x1d\x09workgroupcorp.example",
	    23);
}

/* gen_nbns_owning writes one seed of each packet that owns a name (RFC
 * 1002 §4.2.2-§4.2.11, §4.2.16) and of a node status response (§4.2.18). */
static void
gen_nbns_owning(const char *t)
{
	struct msl_nbname n = name("LINUXBOX", 0, NULL);
	struct msl_nbname scoped = name("WORKGROUP", 0, "corp.example");
	struct msl_nbns_addr owner = { 0, 0xc0a80114 };
	struct msl_nbns_node_name nn[2] = {
		{ "LINUXBOX       \x00", MSL_NBNS_NAME_ACT },
		{ "WORKGROUP      \x00", MSL_NBNS_NB_GROUP | MSL_NBNS_NAME_ACT },
	};
	struct msl_nbns_status st = { .ns_trn_id = 3, .ns_flags = MSL_NBNS_F_AA,
		.ns_unit_id = { 2, 0, 0x5e, 0x10, 0, 1 } };
	struct msl_nbns_pkt req, p;
	uint8_t buf[512];
	size_t n_ = 0;

	msl_nbns_register_init(&req, 0x42, &n, 0, 0, 0xc0a8010a, 1);
	if (msl_nbns_pkt_build(&req, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "register_broadcast", buf, n_);
	msl_nbns_register_init(&p, 7, &scoped, 300000,
	    MSL_NBNS_NB_FLAGS(1, MSL_NBDGM_NODE_H), 0x0a000001, 0);
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "register_unicast_scope", buf, n_);
	msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_ACT_ERR);
	p.np_addr = owner;
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "register_negative", buf, n_);
	msl_nbns_challenge_init(&p, &req, &owner);
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "challenge", buf, n_);
	msl_nbns_wack_init(&p, &req, 30);
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "wack", buf, n_);
	msl_nbns_refresh_init(&p, 9, &n, 300, 0, 0xc0a8010a, 1);
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "refresh", buf, n_);
	msl_nbns_release_init(&p, 9, &n, 0, 0xc0a8010a, 1);
	if (msl_nbns_pkt_build(&p, buf, sizeof buf, &n_) != MSL_PE_OK)
		failures++;
	put(t, "release", buf, n_);
	st.ns_name = name("*", 0, NULL);
	if (msl_nbns_status_build(&st, nn, 2, buf, sizeof buf, &n_) !=
	    MSL_PE_OK)
		failures++;
	put(t, "status_response", buf, n_);
	put(t, "status_trunc", buf, n_ - 50);
}

static void
gen_nbns(const char *t)
{
	struct msl_nbns_addr addr = { MSL_NBNS_NB_FLAGS(0, MSL_NBDGM_NODE_B),
		0xc0a8010a };
	struct msl_nbname wg = name("WORKGROUP", 0x1d, NULL);
	struct msl_nbns_response r;
	struct msl_nbns_query q;
	uint8_t buf[256];
	size_t n = 0;

	msl_nbns_query_init(&q, 0x1a2b, &wg, 1);
	if (msl_nbns_query_build(&q, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "query_broadcast", buf, n);
	put(t, "query_trunc", buf, n - 3);
	q.nq_type = MSL_NBNS_TYPE_NBSTAT;
	q.nq_flags = 0;
	q.nq_name = name("*", 0, "scope");
	if (msl_nbns_query_build(&q, buf, sizeof buf, &n) != MSL_PE_OK)
		failures++;
	put(t, "query_nbstat", buf, n);
	memset(&r, 0, sizeof r);
	r.nr_trn_id = 0x1a2b;
	r.nr_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD;
	r.nr_name = name("LINUXBOX", 0, NULL);
	r.nr_ttl = 300000;
	if (msl_nbns_response_build(&r, &addr, 1, buf, sizeof buf, &n) !=
	    MSL_PE_OK)
		failures++;
	put(t, "response_positive", buf, n);
	put(t, "response_trunc", buf, n - 4);
	r.nr_rcode = MSL_NBNS_RCODE_NAM_ERR;
	if (msl_nbns_response_build(&r, NULL, 0, buf, sizeof buf, &n) !=
	    MSL_PE_OK)
		failures++;
	put(t, "response_negative", buf, n);
	gen_nbns_owning(t);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	gen_mdgm("mdgm");
	gen_nbdgm("nbdgm");
	gen_smbmail("smbmail");
	gen_nbname("nbname");
	gen_nbns("nbns");
	return failures != 0;
}
