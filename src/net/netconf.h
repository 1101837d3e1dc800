/* SPDX-License-Identifier: MIT */
/*
 * netconf.h - the configuration of a NetBIOS node: the built-in defaults,
 * one "key = value" setting, and the configuration file that the daemon
 * and the remote sender both read.
 *
 * NetBIOS over TCP/IP is IPv4 only (RFC 1001/1002), and so is everything
 * in src/net.  Addresses are uint32_t in network byte order.
 */
#ifndef MSL_NETCONF_H
#define MSL_NETCONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "msl_nbname.h"

/* Where the daemon's configuration lives unless -c or MAILSLOT_CONFIG
 * names another file. */
#define MSL_NET_CONF_PATH "/etc/mailslot/mailslotd.conf"
#define MSL_NET_DEFAULT_WORKGROUP "WORKGROUP"
/* A user of its own, so that no other service's processes (nobody's
 * are many) may signal or trace the daemon. */
#define MSL_NET_DEFAULT_USER "mailslotd"
#define MSL_NET_MAX_IFACES 32
#define MSL_NET_MAX_ALLOW 64
#define MSL_NET_MAX_ALIASES 8
/* The longest configuration line, and the longest list value in one. */
#define MSL_NET_LINE_MAX 1200
#define MSL_NET_LIST_MAX 1024

/* ---- beyond one subnet, beside Samba (netconf_lan.c) ---------------- */
/* "remote broadcast" entries, and the longest "nmbd socket dir" (a Unix
 * socket's path must fit sun_path, 108 bytes with "/unexpected"). */
#define MSL_NET_MAX_REMOTE 8
/* "wins server" entries: a primary and its fall-backs. */
#define MSL_NET_MAX_WINS 4
/* [MS-BRWS] §2.2.1: an announcement's comment is at most 43 bytes. */
#define MSL_NET_COMMENT_MAX 43
#define MSL_NET_PATH_MAX 96
/* Samba's default socket directory of nmbd (Debian's build). */
#define MSL_NET_NMBD_DIR "/run/samba/nmbd"
/* Windows' MailslotDuplicateTimeout default: 2 s. */
#define MSL_NET_DUP_MS 2000
enum msl_nmbd_mode { MSL_NMBD_AUTO = 0, MSL_NMBD_YES, MSL_NMBD_NO };

enum msl_log_level { MSL_LOG_ERROR = 0, MSL_LOG_WARN, MSL_LOG_INFO, MSL_LOG_DEBUG };

/* One allow-list entry: an IPv4 prefix, network order. */
struct msl_net_prefix {
	uint32_t addr;
	uint32_t mask;
};

/*
 * The node's network configuration.  Names are NUL-terminated NetBIOS
 * names of at most MSL_NBNAME_CHARS characters (RFC 1001 §14.1: the 16th
 * byte is the suffix, which the configuration does not choose),
 * upper-cased.
 */
struct msl_netconf {
	char name[MSL_NBNAME_LEN];      /* NetBIOS name; default: host name */
	char workgroup[MSL_NBNAME_LEN]; /* default WORKGROUP                */
	uint16_t port;      /* datagram service, default 138 (RFC 1002 §6) */
	uint16_t ns_port;   /* name service, default 137; 0 = do not answer */
	char user[64];      /* drop root to this user after binding        */
	int log_level;      /* enum msl_log_level                          */
	unsigned nifaces;   /* 0: every non-loopback IPv4 interface        */
	char ifaces[MSL_NET_MAX_IFACES][IF_NAMESIZE];
	unsigned nallow;    /* "hosts allow"; see msl_netconf_allowed     */
	struct msl_net_prefix allow[MSL_NET_MAX_ALLOW];
	unsigned ndeny;     /* "hosts deny"                                */
	struct msl_net_prefix deny[MSL_NET_MAX_ALLOW];
	unsigned naliases;  /* "netbios aliases": more names of this node  */
	char aliases[MSL_NET_MAX_ALIASES][MSL_NBNAME_LEN];
	int bind_only;      /* "bind interfaces only" (see mailslotd.conf) */
	/* names (issue 13): "netbios scope", the NetBIOS scope (RFC 1001
	 * §9) every name of this node carries; "" for none.  Dotted,
	 * lower-case as given, at most MSL_NBNAME_SCOPE_MAX bytes. */
	char scope[MSL_NBNAME_SCOPE_MAX + 1];
	/* ---- interfaces by subnet ("interfaces = eth0 10.1.0.0/24") ----
	 * An interface is selected by its name (ifaces) or by holding an
	 * address in one of these subnets: msl_net_iface_selected. */
	unsigned niface_nets;
	struct msl_net_prefix iface_nets[MSL_NET_MAX_IFACES];

	/* ---- beyond one subnet, beside Samba (netconf_lan.c) ---------- */
	int nmbd_mode;      /* "nmbd coexistence": enum msl_nmbd_mode     */
	char nmbd_dir[MSL_NET_PATH_MAX]; /* "nmbd socket dir"            */
	unsigned nremote;   /* "remote broadcast": extra \\* targets      */
	uint32_t remote[MSL_NET_MAX_REMOTE];
	uint32_t dup_ms;    /* "duplicate timeout" in ms; 0 = no window   */
	unsigned nwins;     /* "wins server": name servers, in order       */
	uint32_t wins[MSL_NET_MAX_WINS];
	char node_type;     /* "node type": 'B', 'P', 'M', 'H'; 0 = auto   */
	int announce;       /* "announce": send HostAnnouncements          */
	char server_string[MSL_NET_COMMENT_MAX + 1]; /* "server string"   */
};

/*
 * msl_net_iface_selected tells whether the "interfaces" setting of c
 * selects the interface `name` holding the IPv4 address addr (network
 * order; 0: none known): by its name or by a subnet holding addr.  With
 * no setting every interface is selected.  Pure; thread-safe.
 */
int msl_net_iface_selected(const struct msl_netconf *c, const char *name, uint32_t addr);

/* msl_netconf_defaults fills the built-in defaults (the host name is read
 * with gethostname). */
void msl_netconf_defaults(struct msl_netconf *c);

/*
 * msl_netconf_set applies one "key = value" setting.  Keys are matched
 * without regard to case, and '_' or '-' stand for a space, so
 * "netbios name", "netbios_name" and "NetBIOS-Name" are one key.  Returns
 * 0, or -1 with a sentence naming the setting and the bad value in err.
 */
int msl_netconf_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap);

/*
 * msl_netconf_assign applies one "key = value" text (spaces around the
 * key and the value do not count), as a configuration line or a -o
 * option gives it.  Returns 0, or -1 with the reason in err.
 */
int msl_netconf_assign(struct msl_netconf *c, const char *text, char *err,
    size_t errcap);

/*
 * msl_netconf_load reads a file of "key = value" lines; '#' and ';' start
 * comments, blank lines and "[section]" headers (as in smb.conf) are
 * skipped.  A missing file is not an error when missing_ok is set.
 * Returns 0, or -1 with "FILE:LINE: reason" in err.
 */
int msl_netconf_load(struct msl_netconf *c, const char *path, int missing_ok,
    char *err, size_t errcap);

/*
 * msl_net_load reads the configuration a node uses: the defaults, then
 * the file path, else the one $MAILSLOT_CONFIG names, else
 * MSL_NET_CONF_PATH (which may be missing).  Returns 0, or -1 with the
 * reason in err.
 */
int msl_net_load(struct msl_netconf *c, const char *path, char *err,
    size_t errcap);

/*
 * msl_netconf_allowed applies "hosts allow" and "hosts deny" to a source
 * address (network order) with smb.conf's meaning: with neither list any
 * source may deliver; with one, it alone decides; with both, an address
 * in "hosts allow" may, else one in "hosts deny" may not, else it may.
 */
int msl_netconf_allowed(const struct msl_netconf *c, uint32_t ip);

/*
 * msl_netconf_check checks what parsing cannot: that every interface
 * named exists and, with check_user (the daemon will switch to it), that
 * the user exists, since either mistake leaves a daemon that starts and
 * then serves nothing.  It writes one sentence per problem, each on its
 * own line, into err; returns the number of problems.
 */
int msl_netconf_check(const struct msl_netconf *c, int check_user, char *err, size_t errcap);

/* msl_netconf_print writes c as configuration lines, in the keys and
 * words the file takes, so that the output can be read back. */
void msl_netconf_print(const struct msl_netconf *c, FILE *f);

/*
 * msl_net_parse_name checks a NetBIOS name that this node claims or
 * addresses: 1 to MSL_NBNAME_CHARS bytes, none of them '.', '*', a space
 * or a control character.  It writes the name upper-cased and
 * NUL-padded into out.  Returns 0 or -1.
 */
int msl_net_parse_name(const char *in, char out[MSL_NBNAME_LEN]);

/* ---- netconf_lan.c: the keys of subnets and Samba --------------------- */

/* msl_netconf_lan_defaults fills the defaults of those keys. */
void msl_netconf_lan_defaults(struct msl_netconf *c);

/*
 * msl_netconf_lan_set applies one of those keys ("nmbd coexistence",
 * "nmbd socket dir", "remote broadcast", "duplicate timeout", "wins
 * server", "node type", "announce", "server string").  Returns
 * 1 when key is none of them, 0 when applied, -1 with the reason in err.
 */
int msl_netconf_lan_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap);

/*
 * msl_netconf_node_type is the node type in force (RFC 1001 §10): the
 * "node type" key, else H (name server first, then broadcast) when a
 * "wins server" is set and B (broadcast only) when none is, as Windows
 * chooses.
 */
char msl_netconf_node_type(const struct msl_netconf *c);

/* msl_netconf_lan_print writes those keys as configuration lines. */
void msl_netconf_lan_print(const struct msl_netconf *c, FILE *f);

/* msl_netconf_key_is compares a configuration key with a canonical one,
 * treating '_', '-' and runs of spaces alike and ignoring ASCII case;
 * msl_netconf_word_is compares two whole words without regard to ASCII
 * case (netconf_words.c).  Pure, thread-safe. */
int msl_netconf_key_is(const char *key, const char *want);
int msl_netconf_word_is(const char *a, const char *b);

#endif /* MSL_NETCONF_H */
