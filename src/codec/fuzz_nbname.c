/* SPDX-License-Identifier: MIT */
/*
 * fuzz_nbname.c - round-trip fuzz target of msl_nbname.
 *
 * Properties: a name that parses is canonical, so building it gives back
 * exactly the bytes it was parsed from, and those parse again to the same
 * name; formatting never overflows.  The input also drives
 * msl_nbname_make, whose every accepted name must survive build + parse.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_nbname.h"

static void
check_same(const struct msl_nbname *a, const struct msl_nbname *b)
{
	MSL_FUZZ_ASSERT(memcmp(a->nb_raw, b->nb_raw, MSL_NBNAME_LEN) == 0);
	MSL_FUZZ_ASSERT(a->nb_scope_len == b->nb_scope_len);
	MSL_FUZZ_ASSERT(strcmp(a->nb_scope, b->nb_scope) == 0);
	MSL_FUZZ_ASSERT(msl_nbname_casecmp(a, b) == 0);
}

/* check_build_parse builds n, parses the result and compares. */
static void
check_build_parse(const struct msl_nbname *n, uint8_t *wire, size_t *len)
{
	struct msl_nbname again;
	char text[MSL_NBNAME_FMT_MAX];
	size_t used = 0, flen;

	MSL_FUZZ_ASSERT(msl_nbname_build(n, wire, MSL_NBNAME_WIRE_MAX, len) ==
	    MSL_PE_OK);
	MSL_FUZZ_ASSERT(*len == msl_nbname_wire_len(n));
	MSL_FUZZ_ASSERT(msl_nbname_parse(wire, *len, &again, &used) ==
	    MSL_PE_OK);
	MSL_FUZZ_ASSERT(used == *len);
	check_same(n, &again);
	flen = msl_nbname_format(n, text, sizeof text);
	MSL_FUZZ_ASSERT(flen < sizeof text && strlen(text) == flen);
}

static void
fuzz_make(const uint8_t *data, size_t size)
{
	char name[MSL_NBNAME_CHARS + 2], scope[MSL_NBNAME_SCOPE_MAX + 2];
	uint8_t wire[MSL_NBNAME_WIRE_MAX];
	struct msl_nbname n;
	size_t nlen, slen, len;

	/* Input layout: suffix byte, name length byte, name, scope. */
	if (size < 2)
		return;
	nlen = data[1] % (sizeof name);
	if (size < 2 + nlen)
		return;
	memcpy(name, data + 2, nlen);
	name[nlen] = '\0';
	slen = size - 2 - nlen;
	if (slen > sizeof scope - 1)
		slen = sizeof scope - 1;
	memcpy(scope, data + 2 + nlen, slen);
	scope[slen] = '\0';
	if (msl_nbname_make(&n, name, data[0], scope) != MSL_PE_OK)
		return;
	MSL_FUZZ_ASSERT(msl_nbname_suffix(&n) == data[0]);
	check_build_parse(&n, wire, &len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t wire[MSL_NBNAME_WIRE_MAX];
	struct msl_nbname n;
	size_t used = 0, len = 0;

	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	fuzz_make(data, size);
	if (msl_nbname_parse(data, size, &n, &used) != MSL_PE_OK)
		return 0;
	MSL_FUZZ_ASSERT(used >= MSL_NBNAME_WIRE_MIN && used <= size &&
	    used <= MSL_NBNAME_WIRE_MAX);
	check_build_parse(&n, wire, &len);
	/* Canonical: the very bytes that were parsed. */
	MSL_FUZZ_ASSERT(len == used && memcmp(wire, data, used) == 0);
	return 0;
}
