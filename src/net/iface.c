/* SPDX-License-Identifier: MIT */
/*
 * iface.c - the interface table (getifaddrs), the kernel's choice of a
 * source address, and the targets of one send, cached for a second.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../platform/platform.h"
#include "iface.h"

int
msl_net_ifaces(const struct msl_netconf *c, struct msl_net_iface *out, int max)
{
	struct ifaddrs *ifa, *p;
	int n = 0;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (p = ifa; p && n < max; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET || !p->ifa_netmask)
			continue;
		/* [MS-NBTE] §3.1.4: broadcast on every interface; loopback
		 * carries no NetBIOS peers. */
		if (!(p->ifa_flags & IFF_UP) || (p->ifa_flags & IFF_LOOPBACK) ||
		    !(p->ifa_flags & IFF_BROADCAST))
			continue;
		if (c && !msl_net_iface_selected(c, p->ifa_name,
		    ((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr))
			continue;
		struct msl_net_iface *i = &out[n++];
		snprintf(i->name, sizeof i->name, "%s", p->ifa_name);
		i->index = if_nametoindex(p->ifa_name);
		i->addr = ((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr;
		i->mask = ((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr;
		/* RFC 1002 §6: BROADCAST_ADDRESS is the directed subnet broadcast. */
		i->bcast = (i->addr & i->mask) | ~i->mask;
	}
	freeifaddrs(ifa);
	return n;
}

/* connect() needs a port; nothing is ever sent to it, so any will do, and
 * the discard port (RFC 863) says so. */
#define PROBE_PORT 9

int
msl_net_src_for(uint32_t dst, uint32_t *src)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PROBE_PORT) };
	socklen_t sl = sizeof sa;
	int one = 1, rc = -1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* connect() to a broadcast address needs SO_BROADCAST. */
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	sa.sin_addr.s_addr = dst;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0) {
		*src = sa.sin_addr.s_addr;
		rc = 0;
	}
	close(fd);
	return rc;
}

/*
 * Looking up interfaces (getifaddrs) and the source for a destination (a
 * connected socket) costs several system calls; a sender does it once a
 * second per destination, not once per datagram.  Interface changes are
 * seen within that second, or at once by a process that follows them
 * (msl_net_watch_read flushes the cache).
 */
#define MSL_NET_TARGET_TTL_NS 1000000000ull
static pthread_mutex_t target_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned nifaces; /* the "interfaces" setting the entry was made for */
	char ifaces[MSL_NET_MAX_IFACES][IF_NAMESIZE];
	int bcast;
	unsigned nremote; /* the "remote broadcast" count it was made for */
	uint32_t dst;
	uint64_t at;
	int n;
	uint32_t dsts[MSL_NET_MAX_IFACES], srcs[MSL_NET_MAX_IFACES];
} target_cache;

int
msl_net_targets(const struct msl_netconf *c, int bcast, uint32_t dst,
    uint32_t dsts[MSL_NET_MAX_IFACES], uint32_t srcs[MSL_NET_MAX_IFACES])
{
	struct msl_net_iface ifs[MSL_NET_MAX_IFACES];
	uint64_t now = msl_now_ns();
	int n = 0;

	pthread_mutex_lock(&target_mu);
	if (target_cache.at != 0 && now - target_cache.at < MSL_NET_TARGET_TTL_NS &&
	    target_cache.nifaces == c->nifaces &&
	    memcmp(target_cache.ifaces, c->ifaces, sizeof c->ifaces) == 0 &&
	    target_cache.bcast == bcast && target_cache.nremote == c->nremote &&
	    (bcast || target_cache.dst == dst)) {
		n = target_cache.n;
		memcpy(dsts, target_cache.dsts, sizeof target_cache.dsts);
		memcpy(srcs, target_cache.srcs, sizeof target_cache.srcs);
		pthread_mutex_unlock(&target_mu);
		return n;
	}
	pthread_mutex_unlock(&target_mu);
	if (bcast) {
		int nif = msl_net_ifaces(c, ifs, MSL_NET_MAX_IFACES);
		for (int i = 0; i < nif; i++) {
			dsts[n] = ifs[i].bcast;
			srcs[n++] = ifs[i].addr;
		}
		/* "remote broadcast": subnets beyond a router, as smb.conf's
		 * "remote announce" reaches them (docs/network.md). */
		n = msl_net_remote_targets(c, n, dsts, srcs);
	} else if (msl_net_src_for(dst, &srcs[0]) == 0) {
		dsts[n++] = dst;
	}
	pthread_mutex_lock(&target_mu);
	target_cache.nifaces = c->nifaces;
	memcpy(target_cache.ifaces, c->ifaces, sizeof c->ifaces);
	target_cache.bcast = bcast;
	target_cache.nremote = c->nremote;
	target_cache.dst = dst;
	target_cache.at = now;
	target_cache.n = n;
	memcpy(target_cache.dsts, dsts, (size_t)n * sizeof *dsts);
	memcpy(target_cache.srcs, srcs, (size_t)n * sizeof *srcs);
	pthread_mutex_unlock(&target_mu);
	return n;
}

void
msl_net_targets_flush(void)
{
	pthread_mutex_lock(&target_mu);
	target_cache.at = 0;
	pthread_mutex_unlock(&target_mu);
}

int
msl_net_watch_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	/* close(2) of a fresh socket succeeds and leaves bind's errno. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
msl_net_watch_read(int fd)
{
	/* rtnetlink(7): reports are records of nlmsghdr; what they say is
	 * read again from getifaddrs, so only their types matter here. */
	static _Alignas(struct nlmsghdr) uint8_t buf[8192];
	int changed = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* ENOBUFS: the kernel dropped reports; assume a change. */
			changed |= errno == ENOBUFS;
			break;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n))
			changed |= h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR ||
			    h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK;
	}
	if (changed)
		msl_net_targets_flush();
	return changed;
}

int
msl_net_remote_targets(const struct msl_netconf *c, int n,
    uint32_t dsts[MSL_NET_MAX_IFACES], uint32_t srcs[MSL_NET_MAX_IFACES])
{
	for (unsigned i = 0; i < c->nremote && i < MSL_NET_MAX_REMOTE && n < MSL_NET_MAX_IFACES; i++) {
		int dup = 0;
		/* A target that is also a local subnet's broadcast is sent once. */
		for (int k = 0; k < n; k++)
			dup |= dsts[k] == c->remote[i];
		if (!dup && msl_net_src_for(c->remote[i], &srcs[n]) == 0)
			dsts[n++] = c->remote[i];
	}
	return n;
}
