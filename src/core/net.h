/*
 * net.h - what the network sender (remote.c) and mailslotd share: the
 * configuration file, the interface table, the choice of a source
 * address, the building of one mailslot datagram, and the daemon's local
 * control protocol.
 *
 * NetBIOS over TCP/IP is IPv4 only (RFC 1001/1002), so is everything here.
 * Addresses are uint32_t in network byte order unless a name says "_h".
 */
#ifndef MSL_NET_H
#define MSL_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mailslot/mailslot.h>

#include "ctl.h"
#include "msl_codec.h"

/* Where the daemon's configuration lives unless -c or MAILSLOT_CONFIG
 * names another file. */
#define MSL_NET_CONF_PATH "/etc/mailslot/mailslotd.conf"
#define MSL_NET_DEFAULT_WORKGROUP "WORKGROUP"
#define MSL_NET_MAX_IFACES 32
#define MSL_NET_MAX_ALLOW 64
/* The Win32 limit for a message between computers ([W32-ABOUT], spec §3.1). */
#define MSL_NET_MAX_DATA 424

enum msl_log_level { MSL_LOG_ERROR = 0, MSL_LOG_WARN, MSL_LOG_INFO, MSL_LOG_DEBUG };

/* One allow-list entry: an IPv4 prefix, network order. */
struct msl_net_prefix {
	uint32_t addr;
	uint32_t mask;
};

/*
 * The node's network configuration.  Names are NUL-terminated, at most 15
 * characters (a NetBIOS name, RFC 1001 §14.1), upper-cased.
 */
struct msl_netconf {
	char name[16];      /* NetBIOS name; default: host name          */
	char workgroup[16]; /* default WORKGROUP                          */
	uint16_t port;      /* datagram service, default 138 (RFC 1002 §6) */
	uint16_t ns_port;   /* name service, default 137; 0 = do not answer */
	char user[64];      /* drop root to this user after binding        */
	int log_level;
	unsigned nifaces;   /* 0: every non-loopback IPv4 interface        */
	char ifaces[MSL_NET_MAX_IFACES][16];
	unsigned nallow;    /* 0: every source may deliver                 */
	struct msl_net_prefix allow[MSL_NET_MAX_ALLOW];
};

/* msl_netconf_defaults fills the built-in defaults (the host name is read
 * with gethostname). */
void msl_netconf_defaults(struct msl_netconf *c);

/*
 * msl_netconf_set applies one "key = value" setting.  Keys are matched
 * without regard to case, and '_' or '-' stand for a space, so
 * "netbios name", "netbios_name" and "NetBIOS-Name" are one key.  Returns
 * 0, or -1 with a sentence in err.
 */
int msl_netconf_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap);

/*
 * msl_netconf_load reads a file of "key = value" lines; '#' and ';' start
 * comments, blank lines are skipped.  A missing file is not an error when
 * missing_ok is set.  Returns 0, or -1 with "FILE:LINE: reason" in err.
 */
int msl_netconf_load(struct msl_netconf *c, const char *path, int missing_ok,
    char *err, size_t errcap);

/* msl_netconf_allowed tells whether a source address passes the allow-list. */
int msl_netconf_allowed(const struct msl_netconf *c, uint32_t ip);

/* msl_net_parse_name upper-cases and checks a NetBIOS name (1..15 bytes,
 * no '.', space, '*' or control characters) into out[16]. */
int msl_net_parse_name(const char *in, char out[16]);

/* One IPv4 interface that can carry broadcasts. */
struct msl_net_iface {
	char name[16];
	unsigned index;
	uint32_t addr, mask, bcast;
};

/*
 * msl_net_ifaces lists the up, non-loopback, broadcast-capable IPv4
 * interfaces, restricted to c->ifaces when c is not NULL and names some.
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
 * interface's directed broadcast (spec §2.3, [MS-NBTE] §3.1.4: broadcast
 * on all interfaces) with that interface's address as the source; else
 * dst alone with the source the kernel would pick.  Returns the count.
 */
int msl_net_targets(const struct msl_netconf *c, int bcast, uint32_t dst,
    uint32_t dsts[MSL_NET_MAX_IFACES], uint32_t srcs[MSL_NET_MAX_IFACES]);

/*
 * msl_net_build_dgram writes one mailslot datagram (spec §1.1, §8): the
 * header says src_ip/src_port, the source name is src<00> (spec §2.4),
 * the destination dst<suffix>; the SMB part uses the Windows profile.
 * mailslot is the whole "\MAILSLOT\..." name.  buf must hold MSL_MDGM_MAX.
 * Returns the codec's result; *used is the payload size.
 */
msl_perr msl_net_build_dgram(uint8_t type, const char *src, uint32_t src_ip,
    uint16_t src_port, const char *dst, uint8_t suffix, const char *mailslot,
    const void *data, size_t len, uint8_t *buf, size_t *used);


/*
 * msl_net_load reads the configuration a node uses: the defaults, then
 * the file named by $MAILSLOT_CONFIG or MSL_NET_CONF_PATH (a missing
 * default file is fine).  Returns 0, or -1 with the reason in err.
 */
int msl_net_load(struct msl_netconf *c, const char *path, char *err,
    size_t errcap);

/*
 * msl_net_max_data is the largest message this node sends to the
 * mailslot "\MAILSLOT\..." of name_len bytes: the Win32 limit of 424
 * bytes, lowered by [MS-MAIL] note <2>'s formula for long names (spec
 * §3.1).  Larger writes fail; nothing is ever fragmented (spec §3.2).
 */
size_t msl_net_max_data(size_t name_len);

/*
 * The daemon's control channel.  msl_ctl_open connects (MAILSLOT_OK, or
 * MAILSLOT_E_NODAEMON when no daemon listens); msl_ctl_request sends one
 * request (op, then extra) on it and reads the reply: its status is the
 * result, the body goes to body (at most bodycap bytes, *bodylen gets the
 * size).  A connection carries any number of requests, one at a time.
 * msl_ctl_call does open, one request and close.
 */
mailslot_err msl_ctl_open(int *fd);
mailslot_err msl_ctl_request(int fd, uint32_t op, const void *extra,
    size_t extralen, void *body, size_t bodycap, size_t *bodylen);
/*
 * msl_daemon_cred tells which process listens on this namespace's daemon
 * control socket, and as which user it called listen() (SO_PEERCRED).
 * mailslotd listens before it drops root, so a system daemon shows uid 0;
 * anyone else can only claim the name with their own uid.  Servers accept
 * the relay role, and writers trust the outbox, on that basis.
 * Returns 0 or -1.
 */
int msl_daemon_cred(pid_t *pid, uid_t *uid);

/*
 * msl_daemon_info asks this namespace's mailslotd for the node's name,
 * workgroup and ports, over one connection, if root or this process's
 * user started it (see msl_daemon_cred).  Errors: NODAEMON, ACCESS (an
 * untrusted listener), PROTO.
 */
mailslot_err msl_daemon_info(struct msl_ctl_info *info);
mailslot_err msl_ctl_call(uint32_t op, const void *extra, size_t extralen,
    void *body, size_t bodycap, size_t *bodylen);

#endif /* MSL_NET_H */
