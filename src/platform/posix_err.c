/* SPDX-License-Identifier: MIT */
/*
 * posix_err.c - the one mapping from errno to the library's errors.
 */
#include <errno.h>

#include "platform.h"

/* The errno behind the last MAILSLOT_E_SYS of each thread. */
static _Thread_local int msl_last_errno;

mailslot_err
msl_sys_err(int errnum)
{
	switch (errnum) {
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
		return MAILSLOT_E_NOMEM;
	case EACCES:
	case EPERM:
		return MAILSLOT_E_ACCESS;
	default:
		msl_last_errno = errnum;
		return MAILSLOT_E_SYS;
	}
}

int
msl_sys_errno(void)
{
	return msl_last_errno;
}
