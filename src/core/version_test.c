/* SPDX-License-Identifier: MIT */
/*
 * version_test.c - mailslot_version() agrees with the header it ships
 * with, and accepts NULL for the parts a caller does not want.
 */
#include <stdio.h>
#include <string.h>

#include <mailslot/mailslot.h>

int
main(void)
{
	int major = -1, minor = -1, patch = -1, fail = 0;
	char want[32];
	const char *v = mailslot_version(&major, &minor, &patch);

	snprintf(want, sizeof want, "%d.%d.%d", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
	    MAILSLOT_VERSION_PATCH);
	if (v == NULL || strcmp(v, want) != 0) {
		printf("FAILED: mailslot_version() is \"%s\", the header says %s\n", v ? v : "(null)", want);
		fail++;
	}
	if (major != MAILSLOT_VERSION_MAJOR || minor != MAILSLOT_VERSION_MINOR ||
	    patch != MAILSLOT_VERSION_PATCH) {
		printf("FAILED: parts %d.%d.%d, the header says %s\n", major, minor, patch, want);
		fail++;
	}
	if (mailslot_version(NULL, NULL, NULL) != v) {
		printf("FAILED: NULL parts\n");
		fail++;
	}
	printf("%d passed, %d failed\n", 3 - fail, fail);
	return fail != 0;
}
