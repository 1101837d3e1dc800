/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nbdgm.c - round-trip fuzz target of msl_nbdgm.
 *
 * Properties: every view a parse returns lies inside the input; a
 * datagram that parses builds back to the same bytes except DGM_LENGTH
 * (which the parser reports but does not enforce and the builder
 * recomputes), and that build parses to the same fields.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_nbdgm.h"

static void
check_view(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
	MSL_FUZZ_ASSERT(n == 0 || (p >= data && n <= size &&
	    (size_t)(p - data) <= size - n));
}

static void
check_same(const struct msl_nbdgm *a, const struct msl_nbdgm *b)
{
	MSL_FUZZ_ASSERT(a->dg_type == b->dg_type);
	MSL_FUZZ_ASSERT(a->dg_flags == b->dg_flags);
	MSL_FUZZ_ASSERT(a->dg_id == b->dg_id);
	MSL_FUZZ_ASSERT(a->dg_src_ip == b->dg_src_ip);
	MSL_FUZZ_ASSERT(a->dg_src_port == b->dg_src_port);
	MSL_FUZZ_ASSERT(a->dg_offset == b->dg_offset);
	MSL_FUZZ_ASSERT(a->dg_error == b->dg_error);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&a->dg_src, &b->dg_src) == 0);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(&a->dg_dst, &b->dg_dst) == 0);
	MSL_FUZZ_ASSERT(a->dg_data_len == b->dg_data_len);
	MSL_FUZZ_ASSERT(a->dg_data_len == 0 ||
	    memcmp(a->dg_data, b->dg_data, a->dg_data_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[MSL_FUZZ_MAX_INPUT + 16];
	struct msl_nbdgm d, again;
	size_t used = 0;
	msl_perr err;

	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	err = msl_nbdgm_parse(data, size, &d);
	if (err == MSL_PE_FRAGMENT) {
		MSL_FUZZ_ASSERT(size >= MSL_NBDGM_HDR_LEN);
		MSL_FUZZ_ASSERT((d.dg_flags & MSL_NBDGM_FLAG_FIRST) == 0 ||
		    (d.dg_flags & MSL_NBDGM_FLAG_MORE) != 0);
		MSL_FUZZ_ASSERT(d.dg_data_len == size - MSL_NBDGM_HDR_LEN);
		check_view(data, size, d.dg_data, d.dg_data_len);
		return 0;
	}
	if (err != MSL_PE_OK)
		return 0;
	check_view(data, size, d.dg_data, d.dg_data_len);

	err = msl_nbdgm_build(&d, out, sizeof out, &used);
	if (err == MSL_PE_TOOBIG) {
		/* Only a payload whose DGM_LENGTH cannot be written. */
		MSL_FUZZ_ASSERT(size - MSL_NBDGM_HDR_LEN > UINT16_MAX);
		return 0;
	}
	MSL_FUZZ_ASSERT(err == MSL_PE_OK);
	MSL_FUZZ_ASSERT(used <= size);
	if (d.dg_type <= MSL_NBDGM_BROADCAST) {
		MSL_FUZZ_ASSERT(used == size);
		MSL_FUZZ_ASSERT(memcmp(out, data, 10) == 0);
		MSL_FUZZ_ASSERT(memcmp(out + 12, data + 12, size - 12) == 0);
	} else {
		MSL_FUZZ_ASSERT(memcmp(out, data, used) == 0);
	}
	MSL_FUZZ_ASSERT(msl_nbdgm_parse(out, used, &again) == MSL_PE_OK);
	check_same(&d, &again);
	if (d.dg_type <= MSL_NBDGM_BROADCAST)
		MSL_FUZZ_ASSERT(again.dg_length == used - MSL_NBDGM_HDR_LEN);
	return 0;
}
