/* SPDX-License-Identifier: MIT */
/*
 * broadcast_send.c - one message to a mailslot on every host of the LAN.
 *
 *   broadcast_send NAME MESSAGE...
 *
 * Opens \\*\mailslot\NAME, the primary domain, and writes each MESSAGE as
 * one message.  Every write is one NetBIOS datagram broadcast on each
 * interface; every host whose mailslotd runs and that has a local mailslot
 * NAME receives it.  NAME may also be a whole name, such as
 * "\\WORKGROUP\mailslot\news" or "\\HOST\mailslot\news".
 *
 * Datagrams are unreliable, as on Windows: a broadcast write succeeds
 * whether or not anybody listens, so a program that needs to know must
 * have the receivers answer.  A message above 424 bytes cannot travel in
 * one datagram and fails with MAILSLOT_E_BADNETPATH (ERROR_BAD_NETPATH).
 */
#include <mailslot/mailslot.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: broadcast_send NAME MESSAGE...\n");
		return 2;
	}
	char name[MAILSLOT_NAME_MAX + 80];
	if (strchr(argv[1], '\\') != NULL)
		snprintf(name, sizeof name, "%s", argv[1]);
	else
		snprintf(name, sizeof name, "\\\\*\\mailslot\\%s", argv[1]);

	mailslot_client *c;
	mailslot_err e = mailslot_open(name, &c);
	if (e != MAILSLOT_OK) {
		fprintf(stderr, "broadcast_send: %s: %s\n", name, mailslot_strerror(e));
		return 1;
	}
	int rc = 0;
	for (int i = 2; i < argc; i++) {
		e = mailslot_write(c, argv[i], strlen(argv[i]));
		if (e != MAILSLOT_OK) {
			/* One failed message does not stop the others. */
			fprintf(stderr, "broadcast_send: message %d: %s (%s)\n", i - 1,
			    mailslot_strerror(e), mailslot_win32_error_name(e));
			rc = 1;
			continue;
		}
		printf("sent %zu bytes to %s\n", strlen(argv[i]), name);
	}
	mailslot_client_close(c);
	return rc;
}
