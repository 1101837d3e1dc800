/* SPDX-License-Identifier: MIT */
/*
 * msl_check.h - the one shape of a failed check, shared by the test
 * harness (msl_test.h: the case ends) and the fuzz targets (msl_fuzz.h:
 * the process aborts, which libFuzzer reports as a finding).
 */
#ifndef MSL_CHECK_H
#define MSL_CHECK_H

#include <stdio.h>

/* MSL_CHECK_OR_ prints lead "file:line: what: cond" and runs action when
 * cond is false. */
#define MSL_CHECK_OR_(cond, lead, what, action)                              \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, lead "%s:%d: " what ": %s\n",        \
			    __FILE__, __LINE__, #cond);                      \
			action;                                              \
		}                                                            \
	} while (0)

#endif /* MSL_CHECK_H */
