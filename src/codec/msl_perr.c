/* SPDX-License-Identifier: MIT */
/*
 * msl_perr.c - names of the codec result codes.
 */
#include "msl_perr.h"

#define MSL_PERR_STR_(name, str) [MSL_PE_##name] = str,

/* The array is indexed by the enumerator, so the two cannot drift apart. */
static const char *const msl_perr_strs[MSL_PE_COUNT] = {
	MSL_PERR_TABLE(MSL_PERR_STR_)
};

const char *
msl_perr_str(msl_perr err)
{
	/* The cast keeps a negative value from a bad caller out of range. */
	if ((unsigned)err >= (unsigned)MSL_PE_COUNT)
		return "unknown";
	return msl_perr_strs[err];
}
