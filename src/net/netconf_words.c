/* SPDX-License-Identifier: MIT */
/*
 * netconf_words.c - how configuration keys and words compare: the one
 * rule every file of the configuration (netconf.c, netconf_lan.c) reads
 * its keys and values by, so that none of them calls back into another.
 */
#include <string.h>

#include "msl_buf.h"
#include "netconf.h"

/* Keys are written as smb.conf writes them: '_', '-' and spaces alike. */
static int
is_key_space(char ch)
{
	return ch == ' ' || ch == '_' || ch == '-';
}

int
msl_netconf_key_is(const char *key, const char *want)
{
	for (;;) {
		if (is_key_space(*key) && *want == ' ') {
			while (is_key_space(*key))
				key++;
			want++;
			continue;
		}
		if (msl_toupper((uint8_t)*key) != msl_toupper((uint8_t)*want))
			return 0;
		if (*key == '\0')
			return 1;
		key++;
		want++;
	}
}

int
msl_netconf_word_is(const char *a, const char *b)
{
	size_t n = strlen(b);
	return strlen(a) == n && msl_casecmp(a, b, n) == 0;
}
