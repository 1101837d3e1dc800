/* SPDX-License-Identifier: MIT */
/*
 * announce.c - with "announce = yes", mailslotd announces its host in
 * \MAILSLOT\BROWSE as a browser client does ([MS-BRWS] §3.2.5.2): a
 * HostAnnouncement to WORKGROUP<1D> on every interface's broadcast and
 * every "remote broadcast" target (smb.conf's "remote announce"), at
 * start and then after 1, 2, 4, 8 and every 12 minutes (§3.2.6), so that
 * master browsers and `mailslot browse` list it.
 *
 * The announced ServerType is a workstation on a Unix host
 * (SV_TYPE_WORKSTATION | SV_TYPE_SERVER_UNIX), never a server: the host
 * serves no files over SMB, and Windows should not offer to open it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/timerfd.h>

#include "../net/dgram.h"
#include "../net/iface.h"
#include "daemon.h"

/* [MS-BRWS] §2.2.1 ServerType: SV_TYPE_WORKSTATION | SV_TYPE_SERVER_UNIX. */
#define ANNOUNCE_TYPE (MSL_BRWS_SV_WORKSTATION | 0x00000800u)
/* The OS and browser versions Samba 4.17 announces (6.1; browser 15.1). */
#define OS_MAJOR 6
#define OS_MINOR 1
#define BROWSER_MAJOR 15
#define BROWSER_MINOR 1

/* interval_s is the wait after the n-th announcement (§3.2.6). */
static unsigned
interval_s(unsigned n)
{
	static const unsigned minutes[] = { 1, 1, 2, 4, 8 };
	return 60u * (n < sizeof minutes / sizeof minutes[0] ? minutes[n] : 12u);
}

static void
arm(struct msld *d, unsigned seconds)
{
	struct itimerspec t = { .it_value.tv_sec = seconds };
	timerfd_settime(d->announce_timer.fd, 0, &t, NULL);
}

/* announce_now queues one HostAnnouncement per target and sends them. */
static void
announce_now(struct msld *d)
{
	uint32_t dsts[MSL_NET_MAX_IFACES], srcs[MSL_NET_MAX_IFACES];
	uint8_t data[MSL_BRWS_ANNOUNCE_FIXED + MSL_NET_COMMENT_MAX + 1];
	unsigned next = interval_s(d->announce_count);
	struct msl_brws_announce a = {
		.ba_opcode = MSL_BRWS_HOST_ANNOUNCEMENT,
		.ba_update_count = (uint8_t)d->announce_count,
		.ba_periodicity_ms = next * 1000u,
		.ba_name = (const uint8_t *)d->conf.name,
		.ba_name_len = strlen(d->conf.name),
		.ba_os_major = OS_MAJOR, .ba_os_minor = OS_MINOR,
		.ba_server_type = ANNOUNCE_TYPE,
		.ba_browser_major = BROWSER_MAJOR, .ba_browser_minor = BROWSER_MINOR,
		.ba_signature = MSL_BRWS_SIGNATURE,
		.ba_comment = (const uint8_t *)d->conf.server_string,
		.ba_comment_len = strlen(d->conf.server_string),
	};
	size_t len;
	int nd;

	/* Turned off by a reload: stop here, and the timer with it. */
	if (!d->conf.announce)
		return;
	if (msl_brws_announce_build(&a, data, sizeof data, &len) != MSL_PE_OK)
		return;
	nd = msl_net_targets(&d->conf, 1, 0, dsts, srcs);
	for (int i = 0; i < nd; i++) {
		struct msld_tx *t;
		if (d->ntx == MSLD_TX)
			msld_udp_flush(d);
		t = &d->txq[d->ntx];
		/* [MS-BRWS] §3.2.5.2: to the local master browser's name. */
		if (msl_net_build_dgram(MSL_NBDGM_DIRECT_GROUP, d->conf.name, srcs[i], d->conf.port,
		    d->conf.workgroup, 0x1d, "\\MAILSLOT\\BROWSE", data, len, t->buf, &t->len,
		    d->conf.scope) != MSL_PE_OK)
			continue;
		t->to = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(d->conf.port), .sin_addr.s_addr = dsts[i] };
		d->ntx++;
	}
	msld_udp_flush(d);
	msld_log(d, MSL_LOG_DEBUG, "event=announce targets=%d next_s=%u", nd, next);
	d->announce_count++;
	arm(d, next);
}

int
msld_announce_open(struct msld *d)
{
	d->announce_timer = (struct msld_watch){ MSLD_T_LAN, -1 };
	d->announce_count = 0;
	if (!d->conf.announce)
		return 0;
	d->announce_timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->announce_timer.fd < 0 || msld_watch_add(d, &d->announce_timer) != 0) {
		msld_log(d, MSL_LOG_ERROR, "event=start reason=\"cannot make the announce timer: %s\"",
		    strerror(errno));
		return -1;
	}
	announce_now(d);
	return 0;
}

int
msld_announce_on(struct msld *d, struct msld_watch *w)
{
	uint64_t ticks;

	if (w != &d->announce_timer)
		return 0;
	if (read(w->fd, &ticks, sizeof ticks) == (ssize_t)sizeof ticks)
		announce_now(d);
	return 1;
}
