/* SPDX-License-Identifier: MIT */
/*
 * version.c - the library's version at run time.
 *
 * The numbers come from CMake's project version as compile definitions,
 * so a program can tell which libmailslot it was loaded with, not only
 * which header it was compiled against.
 */
#include <mailslot/mailslot.h>

#define MSL_STR_(x) #x
#define MSL_STR(x) MSL_STR_(x)

const char *
mailslot_version(int *major, int *minor, int *patch)
{
	if (major != NULL)
		*major = MSL_VERSION_MAJOR;
	if (minor != NULL)
		*minor = MSL_VERSION_MINOR;
	if (patch != NULL)
		*patch = MSL_VERSION_PATCH;
	return MSL_STR(MSL_VERSION_MAJOR) "." MSL_STR(MSL_VERSION_MINOR) "." MSL_STR(MSL_VERSION_PATCH);
}
