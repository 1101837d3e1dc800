/* SPDX-License-Identifier: MIT */
/*
 * ifwatch.c - the daemon's view of the node's interfaces, kept current by
 * netlink (rtnetlink(7)): an address or interface that comes or goes is
 * used for receiving and sending at once, without a restart or a reload.
 *
 * The table lists each interface address (msl_net_ifaces); the receive
 * side asks it, per datagram, whether the "interfaces" setting selects
 * the ingress interface, by name or by a subnet one of its addresses is
 * in, which costs no system call.  The send side (outbox.c) asks the
 * network code, whose cache a change flushes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../net/iface.h"
#include "daemon.h"

/* load reads the interface table again and logs what it holds. */
static void
load(struct msld *d)
{
	struct msl_net_iface ifs[MSL_NET_MAX_IFACES];
	int n = msl_net_ifaces(NULL, ifs, MSL_NET_MAX_IFACES);
	char ipb[INET_ADDRSTRLEN], list[MSL_NET_MAX_IFACES * (IF_NAMESIZE + INET_ADDRSTRLEN + 2)];
	size_t used = 0;

	d->nifs = n > 0 ? n : 0;
	for (int i = 0; i < d->nifs; i++) {
		d->ifs[i].index = ifs[i].index;
		d->ifs[i].addr = ifs[i].addr;
		memcpy(d->ifs[i].name, ifs[i].name, sizeof d->ifs[i].name);
		if (msl_net_iface_selected(&d->conf, ifs[i].name, ifs[i].addr) && used < sizeof list)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s=%s",
			    used ? "," : "", ifs[i].name, msld_ipstr(ifs[i].addr, ipb));
	}
	msld_log(d, MSL_LOG_INFO, "event=interfaces selected=%s", used ? list : "none");
}

int
msld_ifaces_open(struct msld *d)
{
	d->ifw = (struct msld_watch){ MSLD_T_IFACES, msl_net_watch_open() };
	/* Without netlink (a restricted sandbox) the table stays as read at
	 * start; sends still see changes within a second. */
	if (d->ifw.fd < 0)
		msld_log(d, MSL_LOG_WARN, "event=start reason=\"cannot follow interface changes: %s\"",
		    strerror(errno));
	else if (msld_watch_add(d, &d->ifw) != 0)
		return -1;
	load(d);
	return 0;
}

void
msld_on_ifaces(struct msld *d)
{
	if (msl_net_watch_read(d->ifw.fd))
		load(d);
}

int
msld_iface_verdict(const struct msld *d, unsigned index, char ifname[IF_NAMESIZE],
    const char **name)
{
	*name = NULL;
	for (int i = 0; i < d->nifs; i++) {
		if (d->ifs[i].index != index)
			continue;
		*name = d->ifs[i].name;
		if (msl_net_iface_selected(&d->conf, d->ifs[i].name, d->ifs[i].addr))
			return MSLD_IF_YES;
	}
	if (*name != NULL)
		return MSLD_IF_NO;
	/* Not in the table (loopback, say): no subnet can select it, but
	 * its name may be listed. */
	if (d->conf.nifaces == 0)
		return MSLD_IF_NO;
	*name = if_indextoname(index, ifname);
	return MSLD_IF_RULES;
}
