/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nbunexp.c - round-trip fuzz target of msl_nbunexp, fed as the
 * byte stream nmbd's unexpected packet socket would carry.
 *
 * Properties: every frame a parse returns lies inside the input and
 * builds back to the same bytes (the padding of a header aside, which the
 * builder zeroes), which parse to the same fields; a parse that needs
 * more never claims to have consumed anything.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_nbunexp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[MSL_NBUNEXP_PACKET_MAX + 64];
	size_t off = 0;

	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	while (off < size) {
		struct msl_nbunexp_frame f, g;
		size_t used = 0, built = 0, again = 0;
		msl_perr e = msl_nbunexp_frame_parse(data + off, size - off, &f, &used);
		if (e != MSL_PE_OK)
			break;
		MSL_FUZZ_ASSERT(used == msl_nbunexp_hdr_len() + f.fr_len && used <= size - off);
		MSL_FUZZ_ASSERT(f.fr_data == data + off + msl_nbunexp_hdr_len());
		MSL_FUZZ_ASSERT(msl_nbunexp_frame_build(&f, out, sizeof out, &built) == MSL_PE_OK);
		MSL_FUZZ_ASSERT(built == used);
		MSL_FUZZ_ASSERT(memcmp(out + msl_nbunexp_hdr_len(), f.fr_data, f.fr_len) == 0);
		MSL_FUZZ_ASSERT(msl_nbunexp_frame_parse(out, built, &g, &again) == MSL_PE_OK);
		MSL_FUZZ_ASSERT(again == built && g.fr_type == f.fr_type && g.fr_ip == f.fr_ip &&
		    g.fr_port == f.fr_port && g.fr_time == f.fr_time && g.fr_len == f.fr_len);
		off += used;
	}
	return 0;
}
