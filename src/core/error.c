/* SPDX-License-Identifier: MIT */
/*
 * error.c - the three views of the one error table in <mailslot/mailslot.h>.
 */
#include <errno.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"

typedef struct msl_err_row {
	const char *name;
	int eno;
	uint32_t win32;
	const char *win32name;
	const char *text;
} msl_err_row;

/* Rows are indexed by the enumerator; the table macro keeps them in order. */
#define MSL_ERR_ROW_(nm, val, e, w32, w32n, txt)                              \
	[val] = { "MAILSLOT_E_" #nm, e, w32, #w32n, txt },
static const msl_err_row msl_err_rows[] = { MAILSLOT_ERROR_TABLE(MSL_ERR_ROW_) };
#undef MSL_ERR_ROW_

static const msl_err_row *
msl_err_row_of(mailslot_err err)
{
	if ((unsigned)err >= sizeof msl_err_rows / sizeof msl_err_rows[0] ||
	    msl_err_rows[err].name == NULL)
		return NULL;
	return &msl_err_rows[err];
}

const char *
mailslot_strerror(mailslot_err err)
{
	const msl_err_row *r = msl_err_row_of(err);
	return r ? r->text : "unknown mailslot error";
}

int
mailslot_errno(mailslot_err err)
{
	const msl_err_row *r = msl_err_row_of(err);
	return r ? r->eno : EIO;
}

uint32_t
mailslot_win32_error(mailslot_err err)
{
	const msl_err_row *r = msl_err_row_of(err);
	/* 31 is ERROR_GEN_FAILURE: the closest Win32 code for "unknown". */
	return r ? r->win32 : 31;
}

const char *
mailslot_error_name(mailslot_err err)
{
	const msl_err_row *r = msl_err_row_of(err);
	return r ? r->name : "MAILSLOT_E_UNKNOWN";
}

const char *
mailslot_win32_error_name(mailslot_err err)
{
	const msl_err_row *r = msl_err_row_of(err);
	return r ? r->win32name : "ERROR_GEN_FAILURE";
}

int
mailslot_sys_errno(void)
{
	return msl_sys_errno();
}
