/* SPDX-License-Identifier: MIT */
/*
 * client.c - the public client API: it parses the name and hands the
 * handle to the local writer (local.c) or the network sender (remote.c).
 */
#include <stdlib.h>

#include "local.h"
#include "remote.h"

mailslot_err
mailslot_open(const char *name, mailslot_client **out)
{
	mailslot_name n;
	mailslot_err e;

	if ((e = msl_name_open_arg(name, out, &n)) != MAILSLOT_OK)
		return e;
	if (n.scope == MAILSLOT_SCOPE_LOCAL)
		return msl_client_open_role(&n, MSL_ROLE_WRITER, out);

	mailslot_client *c = calloc(1, sizeof *c);
	if (c == NULL)
		return MAILSLOT_E_NOMEM;
	if ((e = msl_remote_open(&n, &c->remote)) != MAILSLOT_OK) {
		free(c);
		return e;
	}
	c->name = n;
	*out = c;
	return MAILSLOT_OK;
}

mailslot_err
mailslot_write(mailslot_client *c, const void *data, size_t len)
{
	if (c == NULL)
		return MAILSLOT_E_BADHANDLE;
	if (data == NULL && len != 0)
		return MAILSLOT_E_INVAL;
	if (c->remote != NULL)
		return msl_remote_write(c->remote, data, len);
	return msl_local_write(c, data, len, NULL, MSL_STALL_TIMEOUT_MS);
}

void
mailslot_client_close(mailslot_client *c)
{
	if (c == NULL)
		return;
	if (c->remote != NULL) {
		msl_remote_close(c->remote);
		free(c);
		return;
	}
	msl_local_close(c);
}
