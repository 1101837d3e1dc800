/* SPDX-License-Identifier: MIT */
/*
 * msl_fuzz.h - shared declarations of the codec fuzz targets.
 *
 * Each fuzz_<codec>.c defines LLVMFuzzerTestOneInput.  It is linked
 * either with libFuzzer (-fsanitize=fuzzer, MAILSLOT_FUZZ=ON) or with
 * fuzz_replay.c, which feeds it the seed corpus under CTest.  A broken
 * round trip calls abort(), which both drivers report as a crash.
 */
#ifndef MSL_FUZZ_H
#define MSL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../testing/msl_check.h"

/* The libFuzzer entry point; it returns 0 and aborts on a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A UDP payload is never larger than this, so bigger inputs only slow
 * the fuzzer down without reaching new code. */
#define MSL_FUZZ_MAX_INPUT 65535

/* MSL_FUZZ_ASSERT aborts with the failed property on stderr. */
#define MSL_FUZZ_ASSERT(cond) MSL_CHECK_OR_(cond, "", "property failed", abort())

#endif /* MSL_FUZZ_H */
