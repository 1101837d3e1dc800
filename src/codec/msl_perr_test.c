/* SPDX-License-Identifier: MIT */
/*
 * msl_perr_test.c - unit tests of msl_perr.c: every parse result has a
 * distinct one-word name.
 */
#include "codec_testlib.h"

static void
test_perr_strings(void)
{
	for (int i = 0; i < MSL_PE_COUNT; i++) {
		const char *s = msl_perr_str((msl_perr)i);

		MSL_CHECK(s != NULL && *s != '\0' && strchr(s, ' ') == NULL);
		MSL_CHECK(strcmp(s, "unknown") != 0);
		for (int j = 0; j < i; j++)
			MSL_CHECK(strcmp(s, msl_perr_str((msl_perr)j)) != 0);
	}
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_OK), "ok") == 0);
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_FRAGMENT), "fragment") == 0);
	MSL_CHECK(strcmp(msl_perr_str(MSL_PE_COUNT), "unknown") == 0);
	MSL_CHECK(strcmp(msl_perr_str((msl_perr)-1), "unknown") == 0);
}

MSL_TEST_LIST(
	MSL_TEST(test_perr_strings))
