/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - the local protocol between libmailslot and mailslotd: the
 * control socket's requests and replies, and the outbox records that
 * carry local writers' datagrams.  daemonctl.c is the library's side,
 * src/daemon/control.c and outbox.c the daemon's.
 */
#ifndef MSL_CTL_H
#define MSL_CTL_H

#include <stdint.h>

#include "msl_nbname.h"
#include "msl_smbmail.h"

/* ---- the daemon's control channel ----------------------------------
 * mailslotd listens on the abstract SOCK_SEQPACKET socket
 * "mailslot/<namespace>/daemon".  Each request is one record starting
 * with msl_ctl_req and gets one record back starting with msl_ctl_rep.
 */
#define MSL_CTL_TAIL "daemon"
#define MSL_CTL_MAGIC 0x444c534du /* "MSLD" */

enum msl_ctl_op {
	MSL_CTL_STATS = 1, /* reply: text "counter value\n" lines            */
	MSL_CTL_INFO = 2   /* reply: msl_ctl_info                            */
};

/*
 * The outbox: a local mailslot that mailslotd creates and reads.  Writers
 * of remote names put one record (msl_ctl_send + mailslot name + data)
 * per datagram into it.  Going through the local transport gives the
 * sender a whole ring of buffering and the daemon batches of records,
 * where a control socket would stall every 10 records (the AF_UNIX
 * datagram queue, docs/design.md).  It is local-only, and its name
 * sits under "mailslotd\" so it cannot clash with an application's.
 *
 * Any user can create any mailslot name, so the outbox must be
 * unforgeable: its name ends in 64 random bits, drawn at each start
 * (a squatter cannot take it first), and the daemon announces it in
 * msl_ctl_info; a writer uses it only if the kernel says (SO_PEERCRED)
 * that the process listening on it is the daemon it trusts.
 */
#define MSL_OUTBOX_PREFIX "\\\\.\\mailslot\\mailslotd\\outbox-"
#define MSL_OUTBOX_NAME_MAX 64

struct msl_ctl_req {
	uint32_t magic;
	uint32_t op;
};

struct msl_ctl_rep {
	uint32_t magic;
	uint32_t status; /* mailslot_err */
};

/* The node as the daemon runs it; names are NUL-padded. */
struct msl_ctl_info {
	char name[MSL_NBNAME_LEN];
	char workgroup[MSL_NBNAME_LEN];
	uint16_t port;
	uint16_t ns_port;
	char outbox[MSL_OUTBOX_NAME_MAX]; /* the outbox's name, NUL-ended */
};

/* An outbox record: the daemon builds the datagram with its own name, its
 * egress address and its port (so replies reach port 138, docs/protocol.md §2.3), and
 * sends it to its datagram port, whatever the writer would like. */
#define MSL_CTL_SEND_BCAST 0x1u /* dst_ip ignored: every interface's broadcast */
struct msl_ctl_send {
	uint32_t flags;
	uint32_t dst_ip;   /* network order */
	uint8_t type;      /* MSL_NBDGM_DIRECT_UNIQUE, _GROUP or _BROADCAST */
	uint8_t suffix;
	char dst_name[MSL_NBNAME_LEN]; /* NUL-padded, no suffix     */
	uint16_t mailslot_len;
	uint16_t data_len;
};

/* The largest outbox record: the header, the mailslot name and the data,
 * each of the last two bounded by the SMB message's size
 * (MSL_SMBMAIL_MAX, [MS-MAIL] note <2>). */
#define MSL_CTL_SEND_MAX (sizeof(struct msl_ctl_send) + 2 * MSL_SMBMAIL_MAX)

/* The largest request, or outbox record with a request header's room. */
#define MSL_CTL_MAX (sizeof(struct msl_ctl_req) + MSL_CTL_SEND_MAX)

/* The largest reply body: the statistics text. */
#define MSL_CTL_REPLY_MAX 8192

#endif /* MSL_CTL_H */
