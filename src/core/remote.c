/* SPDX-License-Identifier: MIT */
/*
 * remote.c - writes to \\Computer, \\Domain and \\* mailslots: one NetBIOS
 * datagram (RFC 1002 §4.4) carrying an SMB mailslot write ([MS-MAIL]
 * §2.2.1) per message, on UDP 138.
 *
 * The destination is worked out once, at open (docs/protocol.md §2.2, §2.3):
 *  - "*" and the configured workgroup are group names: DIRECT_GROUP to
 *    NAME<00> on every interface's directed broadcast address;
 *  - any other host is looked up with getaddrinfo (hosts file, DNS) and
 *    then with a NetBIOS name query broadcast for NAME<00>; a unique answer
 *    gives DIRECT_UNIQUE to that address, a group answer a broadcast;
 *  - a name nobody resolves fails with MAILSLOT_E_BADNETPATH.
 * When mailslotd runs, the datagram is handed to it through its outbox (a
 * local mailslot, see ctl.h) so that it leaves from port 138 with the
 * node's name, and replies come back (docs/protocol.md §2.3); otherwise this process
 * sends it from an ephemeral port.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>

#include "../net/dgram.h"
#include "../net/iface.h"
#include "../net/netconf.h"
#include "../net/wins_query.h"
#include "../platform/platform.h"
#include "ctl.h"
#include "daemonctl.h"
#include "local.h"
#include "msl_codec.h"
#include "remote.h"

/* RFC 1002 §6: BCAST_REQ_RETRY_TIMEOUT 250 ms, BCAST_REQ_RETRY_COUNT 3. */
#define MSL_NBNS_RETRY_MS 250
#define MSL_NBNS_RETRIES 3

struct msl_remote {
	pthread_mutex_t mu; /* one datagram at a time: the socket and outbox */
	struct msl_netconf conf;
	uint8_t type;       /* MSL_NBDGM_DIRECT_UNIQUE or _GROUP        */
	int bcast;          /* send to every interface's broadcast      */
	uint32_t dst_ip;    /* unique: the resolved address (net order) */
	char dst[MSL_NBNAME_LEN]; /* destination NetBIOS name, suffix <00> */
	char mailslot[MSL_SMBMAIL_PREFIX_LEN + MAILSLOT_NAME_MAX + 1]; /* "\MAILSLOT\path" */
	size_t limit;       /* largest message, msl_net_max_data        */
	mailslot_client *outbox; /* mailslotd's outbox, or NULL         */
	int udp;            /* our own socket when no daemon, or -1     */
	uint16_t udp_port;  /* the port it is bound to                  */
};

/*
 * nbns_query broadcasts a name query for name<00> on every interface and
 * waits for the first answer (RFC 1002 §5.1.1, B-node discovery).
 * Returns 0 with the address and whether the name is a group, else -1.
 */
static int
nbns_query(const struct msl_netconf *conf, const char *name, uint32_t *ip,
    int *group)
{
	struct msl_net_iface ifs[MSL_NET_MAX_IFACES];
	struct msl_nbns_query q;
	struct msl_nbname nb;
	uint8_t pkt[MSL_NBNAME_WIRE_MAX + 64], in[576];
	size_t len;
	int found = -1;
	uint16_t port;
	int nif = msl_net_ifaces(conf, ifs, MSL_NET_MAX_IFACES);
	uint16_t id;

	/* An unpredictable NAME_TRN_ID makes a forged answer a guess. */
	if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
		id = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	if (nif <= 0 || conf->ns_port == 0)
		return -1;
	/* names (issue 13): the question is in our NetBIOS scope. */
	if (msl_nbname_make(&nb, name, MSL_NBSUFFIX_WORKSTATION, conf->scope) != MSL_PE_OK)
		return -1;
	msl_nbns_query_init(&q, id, &nb, 1);
	if (msl_nbns_query_build(&q, pkt, sizeof pkt, &len) != MSL_PE_OK)
		return -1;
	int fd = msl_udp_open(&port);
	if (fd < 0)
		return -1;
	for (int t = 0; t < MSL_NBNS_RETRIES && found < 0; t++) {
		for (int i = 0; i < nif; i++)
			(void)msl_udp_send(fd, pkt, len, ifs[i].bcast, conf->ns_port);
		uint64_t deadline = msl_now_ns() + MSL_NBNS_RETRY_MS * 1000000ull;
		while (found < 0 && msl_wait_fd(fd, POLLIN, msl_ms_until(deadline)) > 0) {
			struct msl_nbns_response r;
			struct msl_nbns_addr a;
			ssize_t n = msl_udp_recv(fd, in, sizeof in);
			/* Only a positive answer to our question counts; other
			 * traffic on the port is ignored. */
			if (n <= 0 || msl_nbns_response_parse(in, (size_t)n, &r) != MSL_PE_OK ||
			    r.nr_trn_id != id || r.nr_rcode != 0 || r.nr_naddr == 0 ||
			    msl_nbname_casecmp(&r.nr_name, &nb) != 0 ||
			    msl_nbns_response_addr(&r, 0, &a) != MSL_PE_OK)
				continue;
			*ip = htonl(a.na_ip);
			*group = (a.na_flags & MSL_NBNS_NB_GROUP) != 0;
			found = 0;
		}
	}
	close(fd);
	return found;
}

/* netbios_of turns a host name into the NetBIOS name it stands for: its
 * first DNS label, upper-cased, at most 15 characters (docs/protocol.md §1.3). */
static int
netbios_of(const char *host, char out[MSL_NBNAME_LEN])
{
	char label[MSL_NBNAME_LEN];
	size_t n = strcspn(host, ".");

	if (n == 0)
		return -1;
	if (n > MSL_NBNAME_CHARS)
		n = MSL_NBNAME_CHARS;
	memcpy(label, host, n);
	label[n] = '\0';
	return msl_net_parse_name(label, out);
}

/*
 * nb_lookup finds name<00> by NetBIOS, in the order of the node type
 * (RFC 1001 §10, "node type" and "wins server", docs/network.md): a
 * B-node broadcasts, a P-node asks its name server (WINS) only, an M-node
 * broadcasts first, an H-node asks first.  A name server's "no such name"
 * ends a P-node's search only.
 */
static int
nb_lookup(const struct msl_netconf *c, const char *name, uint32_t *ip, int *group)
{
	char type = msl_netconf_node_type(c);

	if (type == 'B' || type == 'M') {
		if (nbns_query(c, name, ip, group) == 0)
			return 0;
		return type == 'M' && msl_net_wins_query(c, name, MSL_NBSUFFIX_WORKSTATION, ip, group) ==
		    MSL_WINS_FOUND ? 0 : -1;
	}
	if (msl_net_wins_query(c, name, MSL_NBSUFFIX_WORKSTATION, ip, group) == MSL_WINS_FOUND)
		return 0;
	return type == 'H' ? nbns_query(c, name, ip, group) : -1;
}

/* resolve fills the destination of r for a \\host name. */
static mailslot_err
resolve(struct msl_remote *r, const mailslot_name *n)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai = NULL;
	struct in_addr lit;
	int group = 0;

	if (n->scope == MAILSLOT_SCOPE_PRIMARY || msl_strcaseeq(n->host, r->conf.workgroup)) {
		/* docs/protocol.md §2.2: the primary domain is WORKGROUP<00>, a group. */
		memcpy(r->dst, r->conf.workgroup, sizeof r->dst);
		r->type = MSL_NBDGM_DIRECT_GROUP;
		r->bcast = 1;
		return MAILSLOT_OK;
	}
	if (inet_pton(AF_INET, n->host, &lit) == 1) {
		/* An address names no NetBIOS name: send a NetBIOS broadcast
		 * datagram (type 0x12, destination "*", docs/protocol.md §1.2) to it alone,
		 * which a receiver takes for all of its names. */
		strcpy(r->dst, "*");
		r->type = MSL_NBDGM_BROADCAST;
		r->dst_ip = lit.s_addr;
		return MAILSLOT_OK;
	}
	if (netbios_of(n->host, r->dst) != 0)
		return MAILSLOT_E_BADNETPATH;
	if (getaddrinfo(n->host, NULL, &hints, &ai) == 0 && ai != NULL) {
		r->dst_ip = ((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;
		freeaddrinfo(ai);
		r->type = MSL_NBDGM_DIRECT_UNIQUE;
		return MAILSLOT_OK;
	}
	if (nb_lookup(&r->conf, r->dst, &r->dst_ip, &group) != 0)
		return MAILSLOT_E_BADNETPATH;
	/* A group name is a domain: everyone in it gets the broadcast. */
	r->type = group ? MSL_NBDGM_DIRECT_GROUP : MSL_NBDGM_DIRECT_UNIQUE;
	r->bcast = group;
	return MAILSLOT_OK;
}

/*
 * outbox_open connects to mailslotd's outbox, a local mailslot named in
 * info (ctl.h), if the process listening on it is the daemon `dpid`: the
 * kernel's word (SO_PEERCRED), not the name's, since anyone may create
 * any mailslot name.
 */
static mailslot_client *
outbox_open(struct msl_ctl_info *info, pid_t dpid)
{
	mailslot_name n;
	mailslot_client *c;
	pid_t pid;
	uid_t uid;
	gid_t gid;

	info->outbox[sizeof info->outbox - 1] = '\0';
	if (strncmp(info->outbox, MSL_OUTBOX_PREFIX, strlen(MSL_OUTBOX_PREFIX)) != 0 ||
	    mailslot_name_parse(info->outbox, 0, &n) != MAILSLOT_OK ||
	    msl_client_open_role(&n, MSL_ROLE_WRITER, &c) != MAILSLOT_OK)
		return NULL;
	if (msl_peer_cred(c->ctrl, &pid, &uid, &gid) != 0 || pid != dpid) {
		msl_local_close(c);
		return NULL;
	}
	return c;
}

static void
outbox_close(struct msl_remote *r)
{
	if (r->outbox != NULL)
		msl_local_close(r->outbox);
	r->outbox = NULL;
}

mailslot_err
msl_remote_open(const mailslot_name *n, struct msl_remote **out)
{
	char err[256];
	struct msl_ctl_info info;
	pid_t dpid;
	mailslot_err e;
	struct msl_remote *r = calloc(1, sizeof *r);

	if (r == NULL)
		return MAILSLOT_E_NOMEM;
	r->udp = -1;
	/* A broken configuration file leaves the defaults: the daemon is the
	 * one that reports it. */
	if (msl_net_load(&r->conf, NULL, err, sizeof err) != 0)
		msl_netconf_defaults(&r->conf);
	/* A running daemon knows the node's name, workgroup and ports.  It is
	 * trusted with our messages only if root started it, or we did: any
	 * user could otherwise claim its names and collect every user's
	 * remote writes. */
	if (msl_daemon_info(&info, &dpid) == MAILSLOT_OK) {
		memcpy(r->conf.name, info.name, sizeof r->conf.name);
		memcpy(r->conf.workgroup, info.workgroup, sizeof r->conf.workgroup);
		r->conf.name[MSL_NBNAME_CHARS] = r->conf.workgroup[MSL_NBNAME_CHARS] = '\0';
		r->conf.port = info.port;
		/* "ns port = 0" means the daemon does not answer names; this
		 * process may still ask them. */
		if (info.ns_port != 0)
			r->conf.ns_port = info.ns_port;
		r->outbox = outbox_open(&info, dpid);
	}
	snprintf(r->mailslot, sizeof r->mailslot, "\\MAILSLOT\\%s", n->path);
	r->limit = msl_net_max_data(strlen(r->mailslot));
	if ((e = resolve(r, n)) != MAILSLOT_OK) {
		outbox_close(r);
		free(r);
		return e;
	}
	pthread_mutex_init(&r->mu, NULL);
	*out = r;
	return MAILSLOT_OK;
}

/* send_self sends one datagram from this process, without a daemon. */
static mailslot_err
send_self(struct msl_remote *r, const void *data, size_t len)
{
	uint32_t dsts[MSL_NET_MAX_IFACES], srcs[MSL_NET_MAX_IFACES];
	uint8_t buf[MSL_MDGM_MAX];
	int nd, sent = 0;

	if (r->udp < 0 && (r->udp = msl_udp_open(&r->udp_port)) < 0)
		return msl_sys_err(errno);
	nd = msl_net_targets(&r->conf, r->bcast, r->dst_ip, dsts, srcs);
	if (nd == 0)
		return MAILSLOT_E_NETWORK;
	for (int i = 0; i < nd; i++) {
		size_t used;
		/* docs/protocol.md §1.2: SOURCE_IP is the address of the interface the
		 * datagram leaves by. */
		if (msl_net_build_dgram(r->type, r->conf.name, srcs[i], r->udp_port, r->dst,
		    MSL_NBSUFFIX_WORKSTATION, r->mailslot, data, len, buf, &used, r->conf.scope) != MSL_PE_OK)
			return MAILSLOT_E_MSGSIZE;
		if (msl_udp_send(r->udp, buf, used, dsts[i], r->conf.port) == 0)
			sent++;
	}
	/* Datagrams are unreliable (docs/protocol.md §3): one interface that took it is
	 * success, as on Windows. */
	return sent > 0 ? MAILSLOT_OK : MAILSLOT_E_NETWORK;
}

/* send_daemon hands the message to mailslotd, which sends it from 138. */
static mailslot_err
send_daemon(struct msl_remote *r, const void *data, size_t len)
{
	uint8_t rec[MSL_CTL_SEND_MAX];
	struct msl_ctl_send s = {
		.flags = r->bcast ? MSL_CTL_SEND_BCAST : 0,
		.dst_ip = r->dst_ip,
		.type = r->type,
		.suffix = MSL_NBSUFFIX_WORKSTATION,
		.mailslot_len = (uint16_t)strlen(r->mailslot),
		.data_len = (uint16_t)len,
	};
	memcpy(s.dst_name, r->dst, sizeof s.dst_name);
	memcpy(rec, &s, sizeof s);
	memcpy(rec + sizeof s, r->mailslot, s.mailslot_len);
	if (len)
		memcpy(rec + sizeof s + s.mailslot_len, data, len);
	return msl_local_write(r->outbox, rec, sizeof s + s.mailslot_len + len, NULL,
	    MSL_STALL_TIMEOUT_MS);
}

mailslot_err
msl_remote_write(struct msl_remote *r, const void *data, size_t len)
{
	mailslot_err e;

	/* docs/protocol.md §3.1: the broadcast limit is ERROR_BAD_NETPATH on Windows;
	 * a direct write that cannot fit one datagram fails as too large. */
	if (len > r->limit)
		return r->bcast || r->type == MSL_NBDGM_DIRECT_GROUP ? MAILSLOT_E_BADNETPATH
		    : MAILSLOT_E_MSGSIZE;
	pthread_mutex_lock(&r->mu);
	if (r->outbox != NULL) {
		e = send_daemon(r, data, len);
		if (e == MAILSLOT_E_GONE) {
			/* The daemon went away: send ourselves from now on. */
			outbox_close(r);
			e = send_self(r, data, len);
		}
	} else {
		e = send_self(r, data, len);
	}
	pthread_mutex_unlock(&r->mu);
	return e;
}

void
msl_remote_close(struct msl_remote *r)
{
	outbox_close(r);
	if (r->udp >= 0)
		close(r->udp);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
