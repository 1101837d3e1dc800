/*
 * remote.c - writes to \\Computer, \\Domain and \\* mailslots.
 *
 * The network transport (NetBIOS datagrams on UDP 138) is not built yet;
 * until it is, opening a remote name fails with MAILSLOT_E_NOTSUP.
 */
#include "client.h"

mailslot_err
msl_remote_open(const mailslot_name *n, mailslot_client **out)
{
	(void)n;
	(void)out;
	return MAILSLOT_E_NOTSUP;
}

mailslot_err
msl_remote_write(mailslot_client *c, const void *data, size_t len)
{
	(void)c;
	(void)data;
	(void)len;
	return MAILSLOT_E_NOTSUP;
}

void
msl_remote_close(mailslot_client *c)
{
	(void)c;
}
