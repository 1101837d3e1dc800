/* SPDX-License-Identifier: MIT */
/*
 * iface.h - the node's IPv4 interfaces, and where one datagram goes:
 * the interface table, the source address for a destination, and the
 * list of (destination, source) pairs of a unicast or broadcast send.
 */
#ifndef MSL_IFACE_H
#define MSL_IFACE_H

#include <stdint.h>
#include <net/if.h>

#include "netconf.h"

/* One IPv4 interface that can carry broadcasts. */
struct msl_net_iface {
	char name[IF_NAMESIZE];
	unsigned index;
	uint32_t addr, mask, bcast;
};

/*
 * msl_net_ifaces lists the up, non-loopback, broadcast-capable IPv4
 * interfaces (one entry per address), restricted to those the
 * "interfaces" setting of c selects (msl_net_iface_selected) when c is
 * not NULL.
 * Returns the count (0..max), or -1 when the table cannot be read.
 */
int msl_net_ifaces(const struct msl_netconf *c, struct msl_net_iface *out,
    int max);

/*
 * msl_net_src_for returns the local address the kernel would use to reach
 * dst (both network order), via a connected UDP socket that sends
 * nothing.  Returns 0 on success.
 */
int msl_net_src_for(uint32_t dst, uint32_t *src);

/*
 * msl_net_targets lists where one datagram goes: with bcast, every
 * interface's directed broadcast (docs/protocol.md §2.3, [MS-NBTE] §3.1.4: broadcast
 * on all interfaces) with that interface's address as the source; else
 * dst alone with the source the kernel would pick.  Returns the count.
 * The answer is cached for a second, so a sender may ask per datagram.
 */
int msl_net_targets(const struct msl_netconf *c, int bcast, uint32_t dst,
    uint32_t dsts[MSL_NET_MAX_IFACES], uint32_t srcs[MSL_NET_MAX_IFACES]);

/* msl_net_targets_flush forgets the cached answers of msl_net_targets, so
 * that the next send sees an interface change at once.  Thread-safe. */
void msl_net_targets_flush(void);

/* ---- following interface changes (netlink, rtnetlink(7)) ----
 * msl_net_watch_open opens a non-blocking NETLINK_ROUTE socket that
 * reports links and IPv4 addresses coming and going (RTNLGRP_LINK,
 * RTNLGRP_IPV4_IFADDR), or returns -1 (errno set).  msl_net_watch_read
 * drains it without blocking and returns 1 when something changed (or
 * the kernel dropped reports: assume it did), after flushing the target
 * cache; 0 otherwise.  The caller owns the descriptor. */
int msl_net_watch_open(void);
int msl_net_watch_read(int fd);

/*
 * msl_net_remote_targets appends the "remote broadcast" addresses of c to
 * the n targets already in dsts/srcs (skipping one already there), each
 * with the source the kernel would pick to reach it; returns the new
 * count, at most MSL_NET_MAX_IFACES.
 */
int msl_net_remote_targets(const struct msl_netconf *c, int n,
    uint32_t dsts[MSL_NET_MAX_IFACES], uint32_t srcs[MSL_NET_MAX_IFACES]);

#endif /* MSL_IFACE_H */
