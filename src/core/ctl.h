/*
 * ctl.h - the local control protocol of mailslotd.  It is kept apart from
 * net.h so that the command-line tool can read the daemon's counters
 * without the codec headers.
 */
#ifndef MSL_CTL_H
#define MSL_CTL_H

#include <stdint.h>

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
 * sender a whole pipe of buffering and the daemon batches of records,
 * where a control socket would stall every 10 records (the AF_UNIX
 * datagram queue, see linux-facts.md).  It is local-only, and its name
 * sits under "mailslotd\" so it cannot clash with an application's.
 */
#define MSL_OUTBOX_NAME "\\\\.\\mailslot\\mailslotd\\outbox"

struct msl_ctl_req {
	uint32_t magic;
	uint32_t op;
};

struct msl_ctl_rep {
	uint32_t magic;
	uint32_t status; /* mailslot_err */
};

struct msl_ctl_info {
	char name[16];
	char workgroup[16];
	uint16_t port;
	uint16_t ns_port;
};

/* An outbox record: the daemon builds the datagram with its own name, its
 * egress address and its port (so replies reach port 138, spec §2.3), and
 * sends it to its datagram port, whatever the writer would like. */
#define MSL_CTL_SEND_BCAST 0x1u /* dst_ip ignored: every interface's broadcast */
struct msl_ctl_send {
	uint32_t flags;
	uint32_t dst_ip;   /* network order */
	uint8_t type;      /* MSL_NBDGM_DIRECT_UNIQUE, _GROUP or _BROADCAST */
	uint8_t suffix;
	char dst_name[16];
	uint16_t mailslot_len;
	uint16_t data_len;
};

/* The largest request or outbox record: header, name and data, each of
 * the last two bounded by the 512-byte SMB cap ([MS-MAIL] note <2>). */
#define MSL_CTL_MAX                                                          \
	(sizeof(struct msl_ctl_req) + sizeof(struct msl_ctl_send) + 1024)

/* The largest reply: the statistics text. */
#define MSL_CTL_REPLY_MAX 8192

#endif /* MSL_CTL_H */
