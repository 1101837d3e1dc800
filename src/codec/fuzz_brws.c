/* SPDX-License-Identifier: MIT */
/*
 * fuzz_brws.c - round-trip fuzz target of msl_brws.
 *
 * Properties: the name and comment views lie inside the input and hold
 * no NUL; an announcement that parses builds back to its fixed part
 * (ServerName's bytes after the first NUL aside, which the builder
 * zeroes) followed by the comment and one NUL, and that parses to the
 * same fields.
 */
#include <string.h>

#include "msl_brws.h"
#include "msl_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[MSL_BRWS_ANNOUNCE_FIXED + MSL_BRWS_COMMENT_MAX + 1];
	struct msl_brws_announce a, b;
	size_t used = 0;

	if (size > MSL_FUZZ_MAX_INPUT || msl_brws_announce_parse(data, size, &a) != MSL_PE_OK)
		return 0;
	MSL_FUZZ_ASSERT(a.ba_name == data + 6 && a.ba_name_len >= 1 && a.ba_name_len <= 16);
	MSL_FUZZ_ASSERT(memchr(a.ba_name, 0, a.ba_name_len) == NULL);
	MSL_FUZZ_ASSERT(a.ba_comment == data + MSL_BRWS_ANNOUNCE_FIXED &&
	    a.ba_comment_len <= size - MSL_BRWS_ANNOUNCE_FIXED);
	MSL_FUZZ_ASSERT(a.ba_comment_len == 0 || memchr(a.ba_comment, 0, a.ba_comment_len) == NULL);
	MSL_FUZZ_ASSERT(msl_brws_announce_build(&a, out, sizeof out, &used) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(used == MSL_BRWS_ANNOUNCE_FIXED + a.ba_comment_len + 1);
	MSL_FUZZ_ASSERT(memcmp(out, data, 6) == 0 && memcmp(out + 22, data + 22, 10) == 0);
	MSL_FUZZ_ASSERT(memcmp(out + 6, data + 6, a.ba_name_len) == 0);
	MSL_FUZZ_ASSERT(msl_brws_announce_parse(out, used, &b) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(b.ba_opcode == a.ba_opcode && b.ba_server_type == a.ba_server_type &&
	    b.ba_periodicity_ms == a.ba_periodicity_ms && b.ba_name_len == a.ba_name_len &&
	    b.ba_comment_len == a.ba_comment_len && b.ba_signature == a.ba_signature);
	return 0;
}
