/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nbns.c - round-trip fuzz target of msl_nbns.
 *
 * Every input is tried as a query, a query response, a registration /
 * release / WACK packet and a node status response.  Properties: what
 * parses builds, and the build parses to the same fields; views lie inside
 * the input.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_nbns.h"

/* RDLENGTH is 16 bits, so no response holds more entries than this. */
#define MAX_ADDRS (UINT16_MAX / MSL_NBNS_ADDR_ENTRY_LEN)

/* lies_in says whether the len bytes at view are inside the input. */
static int
lies_in(const uint8_t *view, size_t len, const uint8_t *data, size_t size)
{
	return view >= data && (size_t)(view - data) + len <= size;
}

/* same_bytes says whether the len bytes at a and b are equal; with len 0
 * either may be NULL. */
static int
same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
	return len == 0 || memcmp(a, b, len) == 0;
}

static void
fuzz_query(const uint8_t *data, size_t size)
{
	static uint8_t out[MSL_FUZZ_MAX_INPUT];
	struct msl_nbns_query q, again;
	size_t used = 0;

	if (msl_nbns_query_parse(data, size, &q) != MSL_PE_OK)
		return;
	MSL_FUZZ_ASSERT((q.nq_flags & ~MSL_NBNS_NM_FLAGS_MASK) == 0);
	MSL_FUZZ_ASSERT(msl_nbns_query_build(&q, out, sizeof out, &used) ==
	    MSL_PE_OK);
	MSL_FUZZ_ASSERT(used <= size);
	MSL_FUZZ_ASSERT(msl_nbns_query_parse(out, used, &again) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(again.nq_trn_id == q.nq_trn_id);
	MSL_FUZZ_ASSERT(again.nq_flags == q.nq_flags);
	MSL_FUZZ_ASSERT(again.nq_type == q.nq_type);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.nq_name, &q.nq_name) == 0);
	/* Apart from the flags word, a query is canonical. */
	MSL_FUZZ_ASSERT(memcmp(out + 4, data + 4, used - 4) == 0);
}

/*
 * CHECK_ENTRIES checks a parsed set of n fixed-size entries the same way
 * for addresses and node names: n is within max, the bytes lie in the
 * input, every entry reads into arr, and entry n is refused.  A macro,
 * because the set, entry and reader types differ.
 */
#define CHECK_ENTRIES(set, n, max, view, bytes, read, arr, one)             \
	do {                                                                 \
		MSL_FUZZ_ASSERT((n) <= (max));                               \
		MSL_FUZZ_ASSERT((n) == 0 || lies_in((view), (bytes), data, size)); \
		for (size_t i_ = 0; i_ < (n); i_++)                          \
			MSL_FUZZ_ASSERT(read((set), i_, &(arr)[i_]) == MSL_PE_OK); \
		MSL_FUZZ_ASSERT(read((set), (n), &(one)) == MSL_PE_INVAL);   \
	} while (0)

static void
fuzz_response(const uint8_t *data, size_t size)
{
	static struct msl_nbns_addr addrs[MAX_ADDRS];
	static uint8_t out[MSL_FUZZ_MAX_INPUT + 64];
	struct msl_nbns_response r, again;
	struct msl_nbns_addr a;
	size_t used = 0;

	if (msl_nbns_response_parse(data, size, &r) != MSL_PE_OK)
		return;
	CHECK_ENTRIES(&r, r.nr_naddr, MAX_ADDRS, r.nr_addrs,
	    r.nr_naddr * MSL_NBNS_ADDR_ENTRY_LEN, msl_nbns_response_addr, addrs, a);
	MSL_FUZZ_ASSERT(r.nr_rcode == 0 || r.nr_naddr == 0);
	MSL_FUZZ_ASSERT(msl_nbns_response_build(&r, addrs, r.nr_naddr, out,
	    sizeof out, &used) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(msl_nbns_response_parse(out, used, &again) ==
	    MSL_PE_OK);
	MSL_FUZZ_ASSERT(again.nr_trn_id == r.nr_trn_id);
	MSL_FUZZ_ASSERT(again.nr_flags == r.nr_flags);
	MSL_FUZZ_ASSERT(again.nr_rcode == r.nr_rcode);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.nr_name, &r.nr_name) == 0);
	MSL_FUZZ_ASSERT(again.nr_naddr == r.nr_naddr);
	if (r.nr_rcode == 0) {
		MSL_FUZZ_ASSERT(again.nr_ttl == r.nr_ttl);
		MSL_FUZZ_ASSERT(same_bytes(again.nr_addrs, r.nr_addrs,
		    r.nr_naddr * MSL_NBNS_ADDR_ENTRY_LEN));
	}
}

static void
fuzz_pkt(const uint8_t *data, size_t size)
{
	static uint8_t out[MSL_FUZZ_MAX_INPUT + 64];
	struct msl_nbns_pkt p, again;
	size_t used = 0;

	if (msl_nbns_pkt_parse(data, size, &p) != MSL_PE_OK)
		return;
	MSL_FUZZ_ASSERT(p.np_opcode != MSL_NBNS_OP_QUERY);
	MSL_FUZZ_ASSERT((p.np_flags & ~MSL_NBNS_NM_FLAGS_MASK) == 0);
	MSL_FUZZ_ASSERT(p.np_response || p.np_rcode == 0 ||
	    msl_nbns_pkt_build(&p, out, sizeof out, &used) == MSL_PE_INVAL);
	if (!p.np_response && p.np_rcode != 0)
		return;
	MSL_FUZZ_ASSERT((int)msl_nbns_pkt_kind(&p) <= MSL_NBNS_K_WACK);
	MSL_FUZZ_ASSERT(msl_nbns_pkt_build(&p, out, sizeof out, &used) ==
	    MSL_PE_OK);
	MSL_FUZZ_ASSERT(msl_nbns_pkt_parse(out, used, &again) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(again.np_trn_id == p.np_trn_id);
	MSL_FUZZ_ASSERT(again.np_opcode == p.np_opcode);
	MSL_FUZZ_ASSERT(again.np_response == p.np_response);
	MSL_FUZZ_ASSERT(again.np_flags == p.np_flags);
	MSL_FUZZ_ASSERT(again.np_rcode == p.np_rcode);
	MSL_FUZZ_ASSERT(again.np_ttl == p.np_ttl);
	MSL_FUZZ_ASSERT(again.np_addr.na_flags == p.np_addr.na_flags);
	MSL_FUZZ_ASSERT(again.np_addr.na_ip == p.np_addr.na_ip);
	MSL_FUZZ_ASSERT(again.np_wack_word == p.np_wack_word);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.np_name, &p.np_name) == 0);
	MSL_FUZZ_ASSERT(msl_nbns_pkt_kind(&again) == msl_nbns_pkt_kind(&p));
}

static void
fuzz_status(const uint8_t *data, size_t size)
{
	static struct msl_nbns_node_name names[MSL_NBNS_STATUS_MAX_NAMES];
	static uint8_t out[MSL_FUZZ_MAX_INPUT + 64];
	struct msl_nbns_status s, again;
	struct msl_nbns_node_name nn;
	size_t used = 0;

	if (msl_nbns_status_parse(data, size, &s) != MSL_PE_OK)
		return;
	CHECK_ENTRIES(&s, s.ns_nnames, MSL_NBNS_STATUS_MAX_NAMES, s.ns_names,
	    s.ns_nnames * MSL_NBNS_NODE_NAME_LEN + s.ns_stats_len,
	    msl_nbns_status_name, names, nn);
	MSL_FUZZ_ASSERT(msl_nbns_status_build(&s, names, s.ns_nnames, out,
	    sizeof out, &used) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(msl_nbns_status_parse(out, used, &again) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(again.ns_trn_id == s.ns_trn_id);
	MSL_FUZZ_ASSERT(again.ns_flags == s.ns_flags);
	MSL_FUZZ_ASSERT(again.ns_nnames == s.ns_nnames);
	MSL_FUZZ_ASSERT(again.ns_stats_len == MSL_NBNS_STATS_LEN);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&again.ns_name, &s.ns_name) == 0);
	MSL_FUZZ_ASSERT(same_bytes(again.ns_names, s.ns_names,
	    s.ns_nnames * MSL_NBNS_NODE_NAME_LEN));
	/* The unit id survives when the input had one. */
	MSL_FUZZ_ASSERT(s.ns_stats_len < MSL_NBNS_UNIT_ID_LEN ||
	    memcmp(again.ns_unit_id, s.ns_unit_id, MSL_NBNS_UNIT_ID_LEN) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	fuzz_query(data, size);
	fuzz_response(data, size);
	fuzz_pkt(data, size);
	fuzz_status(data, size);
	(void)msl_nbns_peek_opcode(data, size, NULL);
	return 0;
}
