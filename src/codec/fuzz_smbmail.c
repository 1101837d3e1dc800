/* SPDX-License-Identifier: MIT */
/*
 * fuzz_smbmail.c - round-trip fuzz target of msl_smbmail.
 *
 * Properties: an accepted message has its name and data inside the input,
 * the name is NUL-terminated before DataOffset (docs/protocol.md §1.6 rules 6-7); it
 * builds in both profiles unless that exceeds the 512-byte cap, and the
 * build parses to the same name and data with the profile's fields.  The
 * input also drives the builder directly.
 */
#include <string.h>

#include "msl_fuzz.h"
#include "msl_smbmail.h"

/* check_build builds name + data in a profile and parses the result. */
static void
check_build(enum msl_smbmail_profile profile, const char *name,
    size_t name_len, const uint8_t *data, size_t data_len)
{
	static uint8_t out[MSL_SMBMAIL_MAX];
	struct msl_smbmail s;
	size_t used = 0, want;
	msl_perr err;

	want = msl_smbmail_size(profile, name_len, data_len);
	err = msl_smbmail_build(profile, name, name_len, data, data_len, out,
	    sizeof out, &used);
	if (err == MSL_PE_TOOBIG) {
		MSL_FUZZ_ASSERT(want > MSL_SMBMAIL_MAX);
		return;
	}
	MSL_FUZZ_ASSERT(err == MSL_PE_OK);
	MSL_FUZZ_ASSERT(used == want && used <= MSL_SMBMAIL_MAX);
	/* Within the limit every name may carry, a build never fails. */
	MSL_FUZZ_ASSERT(msl_smbmail_parse(out, used, &s) == MSL_PE_OK);
	MSL_FUZZ_ASSERT(s.sm_name_len == name_len);
	MSL_FUZZ_ASSERT(memcmp(s.sm_name, MSL_SMBMAIL_PREFIX,
	    MSL_SMBMAIL_PREFIX_LEN) == 0);
	MSL_FUZZ_ASSERT(memcmp(s.sm_name + MSL_SMBMAIL_PREFIX_LEN,
	    name + MSL_SMBMAIL_PREFIX_LEN,
	    name_len - MSL_SMBMAIL_PREFIX_LEN) == 0);
	MSL_FUZZ_ASSERT(s.sm_data_len == data_len);
	MSL_FUZZ_ASSERT(data_len == 0 ||
	    memcmp(s.sm_data, data, data_len) == 0);
	MSL_FUZZ_ASSERT(s.sm_byte_count == used - MSL_SMBMAIL_NAME_OFF);
	MSL_FUZZ_ASSERT(s.sm_total_data == data_len);
	MSL_FUZZ_ASSERT(s.sm_class == MSL_SMBMAIL_CLASS_UNRELIABLE);
	if (profile == MSL_SMBMAIL_WINDOWS) {
		MSL_FUZZ_ASSERT(s.sm_data_offset % 4 == 0);
		MSL_FUZZ_ASSERT(s.sm_param_offset == s.sm_data_offset);
		MSL_FUZZ_ASSERT(s.sm_priority == 0 && s.sm_pid == 0xfeff);
	} else {
		MSL_FUZZ_ASSERT(s.sm_data_offset ==
		    MSL_SMBMAIL_NAME_OFF + name_len + 1);
		MSL_FUZZ_ASSERT(s.sm_priority == 1 && s.sm_pid == 0);
	}
	if (data_len <= msl_smbmail_max_data(name_len))
		MSL_FUZZ_ASSERT(want <= MSL_SMBMAIL_MAX);
}

/* fuzz_build treats the input as a name length byte, a name suffix after
 * "\MAILSLOT\", and data. */
static void
fuzz_build(const uint8_t *in, size_t size)
{
	char name[MSL_SMBMAIL_PREFIX_LEN + 256];
	size_t leaf;

	if (size < 1)
		return;
	leaf = in[0];
	if (size - 1 < leaf)
		return;
	memcpy(name, MSL_SMBMAIL_PREFIX, MSL_SMBMAIL_PREFIX_LEN);
	memcpy(name + MSL_SMBMAIL_PREFIX_LEN, in + 1, leaf);
	if (!msl_smbmail_name_ok(name, MSL_SMBMAIL_PREFIX_LEN + leaf))
		return;
	check_build(MSL_SMBMAIL_WINDOWS, name, MSL_SMBMAIL_PREFIX_LEN + leaf,
	    in + 1 + leaf, size - 1 - leaf);
	check_build(MSL_SMBMAIL_SAMBA, name, MSL_SMBMAIL_PREFIX_LEN + leaf,
	    in + 1 + leaf, size - 1 - leaf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msl_smbmail s;

	if (size > MSL_FUZZ_MAX_INPUT)
		return 0;
	fuzz_build(data, size);
	if (msl_smbmail_parse(data, size, &s) != MSL_PE_OK)
		return 0;
	/* docs/protocol.md §1.6 rules 6-8, restated on the result. */
	MSL_FUZZ_ASSERT((const uint8_t *)s.sm_name ==
	    data + MSL_SMBMAIL_NAME_OFF);
	MSL_FUZZ_ASSERT(MSL_SMBMAIL_NAME_OFF + s.sm_name_len < size);
	MSL_FUZZ_ASSERT(s.sm_name[s.sm_name_len] == '\0');
	MSL_FUZZ_ASSERT(memchr(s.sm_name, '\0', s.sm_name_len) == NULL);
	MSL_FUZZ_ASSERT(msl_smbmail_name_ok(s.sm_name, s.sm_name_len));
	MSL_FUZZ_ASSERT(s.sm_data_offset >=
	    MSL_SMBMAIL_NAME_OFF + s.sm_name_len + 1);
	MSL_FUZZ_ASSERT(s.sm_data == data + s.sm_data_offset);
	MSL_FUZZ_ASSERT(s.sm_data_len == s.sm_data_count &&
	    (size_t)s.sm_data_offset + s.sm_data_len <= size);
	check_build(MSL_SMBMAIL_WINDOWS, s.sm_name, s.sm_name_len, s.sm_data,
	    s.sm_data_len);
	check_build(MSL_SMBMAIL_SAMBA, s.sm_name, s.sm_name_len, s.sm_data,
	    s.sm_data_len);
	return 0;
}
