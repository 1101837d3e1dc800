/* SPDX-License-Identifier: MIT */
/*
 * outbox.c - local writers' datagrams out.  Writers of \\host, \\domain
 * and \\* names put one record per message into the daemon's outbox (a
 * local mailslot, ctl.h); the daemon builds each datagram with its own
 * name, the egress interface's address and port 138, so that replies
 * come back to it, and sends them in batches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include "../core/ctl.h"
#include "../net/dgram.h"
#include "../net/iface.h"
#include "daemon.h"

/* Records read per wake-up: a bounded batch, as for datagrams. */
#define OUTBOX_BATCH 256

int
msld_outbox_open(struct msld *d)
{
	mailslot_options o;
	mailslot_err e;

	char name[MSL_OUTBOX_NAME_MAX];
	uint64_t r;

	mailslot_options_init(&o);
	o.max_message_size = MSL_CTL_MAX;
	o.flags = MAILSLOT_LOCAL_ONLY;
	o.read_timeout_ms = 0;
	/* A random name (ctl.h): nobody can hold it before we do.  Taken
	 * anyway means 64 bits collided, or someone watched: draw again. */
	for (int tries = 0;; tries++) {
		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
			msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot draw the outbox's name: %s\"", strerror(errno));
			return -1;
		}
		snprintf(name, sizeof name, "%s%016llx", MSL_OUTBOX_PREFIX, (unsigned long long)r);
		e = mailslot_create(name, &o, &d->outbox);
		if (e != MAILSLOT_E_EXISTS || tries == 3)
			break;
	}
	if (e != MAILSLOT_OK) {
		msld_log(d, MSL_LOG_ERROR, "event=start mailslot=%s reason=\"cannot create the outbox: %s\"",
		    name, mailslot_strerror(e));
		return -1;
	}
	d->out.fd = mailslot_fd(d->outbox);
	return 0;
}

/* outbox_queue builds the datagram(s) of one outbox record (msl_ctl_send
 * + mailslot name + data) and queues them, counting what it cannot. */
static void
outbox_queue(struct msld *d, const uint8_t *p, size_t len)
{
	struct msl_ctl_send s;
	uint32_t dsts[MSL_NET_MAX_IFACES], srcs[MSL_NET_MAX_IFACES];
	char slot[MSL_SMBMAIL_PREFIX_LEN + MAILSLOT_NAME_MAX + 1];
	int nd;

	if (len < sizeof s)
		goto bad;
	memcpy(&s, p, sizeof s);
	if (sizeof s + s.mailslot_len + s.data_len != len || s.mailslot_len >= sizeof slot)
		goto bad;
	memcpy(slot, p + sizeof s, s.mailslot_len);
	slot[s.mailslot_len] = '\0';
	s.dst_name[MSL_NBNAME_CHARS] = '\0';
	nd = msl_net_targets(&d->conf, (s.flags & MSL_CTL_SEND_BCAST) != 0, s.dst_ip, dsts, srcs);
	if (nd == 0)
		goto bad;
	for (int i = 0; i < nd; i++) {
		struct msld_tx *t;
		if (d->ntx == MSLD_TX)
			msld_udp_flush(d);
		t = &d->txq[d->ntx];
		if (msl_net_build_dgram(s.type, d->conf.name, srcs[i], d->conf.port, s.dst_name,
		    s.suffix, slot, p + sizeof s + s.mailslot_len, s.data_len, t->buf,
		    &t->len, d->conf.scope) != MSL_PE_OK)
			goto bad;
		/* Always the datagram port: a local writer may not use the
		 * daemon to send from 138 to other services (ctl.h). */
		t->to = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(d->conf.port), .sin_addr.s_addr = dsts[i] };
		d->ntx++;
	}
	return;
bad:
	d->stats.n[MSLD_C_tx_errors]++;
}

void
msld_on_outbox(struct msld *d)
{
	uint8_t rec[MSL_CTL_MAX];

	for (int i = 0; i < OUTBOX_BATCH; i++) {
		size_t len = 0;
		mailslot_err e = mailslot_read_for(d->outbox, rec, sizeof rec, &len, NULL, 0);
		if (e == MAILSLOT_E_TIMEOUT)
			break;
		if (e != MAILSLOT_OK) {
			/* Cannot happen with max_message_size = the buffer; a
			 * record we cannot read would otherwise block the rest. */
			msld_log(d, MSL_LOG_ERROR, "event=outbox reason=\"%s\"", mailslot_strerror(e));
			break;
		}
		outbox_queue(d, rec, len);
	}
	msld_udp_flush(d);
}
