/*
 * mailslotd - the network side of a host's mailslots.
 *
 * It owns UDP 138 (the NetBIOS datagram service, RFC 1002 §6), turns each
 * Remote Mailslot Protocol datagram addressed to this node into a message
 * in the local mailslot of that name, answers NetBIOS name queries for the
 * node's name on UDP 137 so that peers can resolve \\THISHOST, and sends
 * datagrams for local writers of \\host, \\domain and \\* names so that
 * they leave from port 138 (spec §2.3: Windows replies go to 138).
 *
 * One thread, one epoll set, no queue of its own: a datagram is parsed and
 * delivered (or dropped and counted) before the next one is read, so
 * memory stays bounded under any flood and the kernel's receive buffer is
 * the only backlog.  Local delivery uses the relay role of the local
 * transport, which carries the source address and NetBIOS name with the
 * message.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../core/client.h"
#include "../core/ctl.h"
#include "../net/dgram.h"
#include "../net/iface.h"
#include "../net/netconf.h"
#include "../platform/platform.h"
#include "msl_codec.h"

/* ---- counters --------------------------------------------------------
 * Defined once; `mailslot stats` prints them in this order, then one
 * drop_<reason> per parse failure (msl_perr_str names the reasons). */
#define MSLD_COUNTERS(X)                                                     \
	X(rx_datagrams)         /* UDP 138 payloads read                  */ \
	X(rx_bytes)                                                          \
	X(delivered)            /* messages put into a local mailslot     */ \
	X(drop_not_allowed)     /* source outside the allow list          */ \
	X(drop_wrong_interface) /* arrived on an interface not configured */ \
	X(drop_malformed)       /* any parse failure, see drop_<reason>   */ \
	X(drop_not_our_name)    /* destination is not our name/workgroup  */ \
	X(drop_unknown_mailslot)/* no local mailslot of that name         */ \
	X(drop_local_only)      /* the mailslot refuses remote messages   */ \
	X(drop_full)            /* the mailslot is over its quota         */ \
	X(drop_over_max_size)   /* above the mailslot's maximum size      */ \
	X(drop_duplicate)       /* the same datagram seen again (§4.4)    */ \
	X(drop_delivery_error)  /* the local transport failed otherwise   */ \
	X(nbns_queries)         /* name queries read on UDP 137           */ \
	X(nbns_answered)        /* ... answered for our names             */ \
	X(nbns_ignored)         /* other names, responses, malformed      */ \
	X(tx_datagrams)         /* datagrams sent for local writers       */ \
	X(tx_errors)                                                         \
	X(ctl_requests)

enum {
#define MSLD_ENUM_(n) C_##n,
	MSLD_COUNTERS(MSLD_ENUM_)
	C_COUNT
};
static const char *const counter_names[] = {
#define MSLD_NAME_(n) #n,
	MSLD_COUNTERS(MSLD_NAME_)
};
static uint64_t counters[C_COUNT];
static uint64_t drop_reason[MSL_PE_COUNT];

/* ---- state ---------------------------------------------------------- */

/* Relay handles to local mailslots, kept open between datagrams; the
 * table is small and evicts the least recently used one. */
#define MSLD_RELAYS 64
struct relay {
	char key[MAILSLOT_NAME_MAX + 1];
	mailslot_client *c;
	uint64_t used;
	int stalled; /* its last wait for room ran out: do not wait again */
};

/* Recently seen datagrams (spec §4.4): the same broadcast can arrive
 * twice, e.g. on two interfaces of one subnet. */
#define MSLD_DEDUP 128
#define MSLD_DEDUP_NS (2ull * 1000000000ull)
struct seen {
	uint32_t ip;
	uint16_t id, len;
	uint32_t hash;
	uint64_t t;
};

/* Local control clients: each is one SEQPACKET connection. */
#define MSLD_CLIENTS 128

enum tag { T_DGM, T_NS, T_LISTEN, T_SIGNAL, T_CLIENT, T_OUTBOX };
struct watch {
	enum tag tag;
	int fd;
};

static struct msl_netconf conf;
static int epfd = -1;
static struct watch w_dgm = { T_DGM, -1 }, w_ns = { T_NS, -1 };
static struct watch w_listen = { T_LISTEN, -1 }, w_sig = { T_SIGNAL, -1 };
static struct watch w_out = { T_OUTBOX, -1 };
static mailslot_server *outbox;
static struct watch clients[MSLD_CLIENTS];
static struct relay relays[MSLD_RELAYS];
static uint64_t relay_clock;
static struct seen seen[MSLD_DEDUP];
static unsigned seen_next;

/* ---- logging ---------------------------------------------------------
 * To stderr; under systemd (JOURNAL_STREAM set) each line carries a
 * sd-daemon(3) "<N>" priority prefix so the journal keeps the levels. */
static int journal;

static void __attribute__((format(printf, 2, 3)))
logmsg(int level, const char *fmt, ...)
{
	static const int prio[] = { 3, 4, 6, 7 };
	va_list ap;

	if (level > conf.log_level)
		return;
	if (journal)
		fprintf(stderr, "<%d>", prio[level]);
	else
		fputs("mailslotd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
ipstr(uint32_t ip, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = { .s_addr = ip };
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* ---- start-up --------------------------------------------------------- */

/*
 * port_owner names the process holding local UDP port `port` in this
 * network namespace (via /proc/net/udp and /proc/PID/fd), so that a
 * conflict with nmbd is reported by name.  Best effort: "" when unknown.
 */
static void
port_owner(uint16_t port, char *out, size_t cap)
{
	char line[512], want[64] = "";
	FILE *f = fopen("/proc/net/udp", "re");
	DIR *proc;
	struct dirent *de;

	out[0] = '\0';
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned lport;
		unsigned long inode;
		/* "sl local rem st tx:rx tr:when retr uid timeout inode" */
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %*x %*x:%*x %*x:%*x %*x %*u %*u %lu",
		    &lport, &inode) == 2 && lport == port && inode != 0) {
			snprintf(want, sizeof want, "socket:[%lu]", inode);
			break;
		}
	}
	fclose(f);
	if (want[0] == '\0' || (proc = opendir("/proc")) == NULL)
		return;
	while (out[0] == '\0' && (de = readdir(proc)) != NULL) {
		char path[64], link[64];
		DIR *fds;
		struct dirent *fe;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		long pid = strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof path, "/proc/%ld/fd", pid);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			char fdpath[64 + sizeof fe->d_name];
			ssize_t n;
			snprintf(fdpath, sizeof fdpath, "%s/%s", path, fe->d_name);
			n = readlink(fdpath, link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) == 0) {
				char comm[64] = "?";
				FILE *cf;
				snprintf(fdpath, sizeof fdpath, "/proc/%ld/comm", pid);
				if ((cf = fopen(fdpath, "re")) != NULL) {
					if (fgets(comm, sizeof comm, cf) != NULL)
						comm[strcspn(comm, "\n")] = '\0';
					fclose(cf);
				}
				snprintf(out, cap, "%s (pid %ld)", comm, pid);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
}

/* open_udp binds the wildcard socket of one NetBIOS port (spec §4.1:
 * one socket with IP_PKTINFO sees unicast and broadcast alike). */
static int
open_udp(uint16_t port, const char *what)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, rcv = 4 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		logmsg(MSL_LOG_ERROR, "cannot open a UDP socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
	/* A large buffer absorbs bursts; as root the cap can be exceeded. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	/*
	 * No SO_REUSEADDR: nmbd sets it, and so a second owner of the port
	 * would silently share unicast traffic with it (spec §4.1).  Failing
	 * here is the point.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		char owner[128];
		port_owner(port, owner, sizeof owner);
		if (e == EADDRINUSE)
			logmsg(MSL_LOG_ERROR,
			    "UDP port %u (%s) is already in use%s%s. Only one NetBIOS %s "
			    "can run per host: Samba's nmbd owns this port when it runs; "
			    "stop it or run mailslotd on another host (README, \"Network "
			    "mailslots\")", port, what, owner[0] ? " by " : "", owner, what);
		else
			logmsg(MSL_LOG_ERROR, "cannot bind UDP port %u (%s): %s%s", port, what,
			    strerror(e), e == EACCES ? " (ports below 1024 need root or "
			    "CAP_NET_BIND_SERVICE)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_listen(void)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd;

	if (msl_abstract_addr(MSL_CTL_TAIL, &sa, &sl) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sl) != 0 || listen(fd, 64) != 0) {
		logmsg(MSL_LOG_ERROR, "cannot listen on the control socket @%s: %s%s",
		    sa.sun_path + 1, strerror(errno),
		    errno == EADDRINUSE ? " (another mailslotd runs in this network namespace)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* drop_privileges gives up root once every socket is bound. */
static int
drop_privileges(void)
{
	struct passwd *pw;

	if (geteuid() != 0 || strcmp(conf.user, "root") == 0)
		return 0;
	if ((pw = getpwnam(conf.user)) == NULL) {
		logmsg(MSL_LOG_ERROR, "user '%s' does not exist (set 'user' in the configuration)",
		    conf.user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		logmsg(MSL_LOG_ERROR, "cannot switch to user '%s': %s", conf.user, strerror(errno));
		return -1;
	}
	logmsg(MSL_LOG_INFO, "running as user %s", conf.user);
	return 0;
}

static int
watch_add(struct watch *w)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
	return epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

/* ---- receiving datagrams --------------------------------------------- */

/* name_is tells whether a NetBIOS name (any suffix, no scope) is `want`,
 * compared without regard to case; the 15 name bytes are space padded. */
static int
name_is(const struct msl_nbname *n, const char *want)
{
	size_t wl = strlen(want);

	if (n->nb_scope_len != 0 || wl > 15)
		return 0;
	for (size_t i = 0; i < 15; i++) {
		unsigned char ch = n->nb_raw[i];
		unsigned char w = i < wl ? (unsigned char)want[i] : ' ';
		if (i >= wl && ch == '\0')
			continue; /* "*" is padded with NULs (RFC 1002 §4.1) */
		if (toupper(ch) != toupper(w))
			return 0;
	}
	return 1;
}

/* fnv1a hashes a datagram for the duplicate cache. */
static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* duplicate records a datagram and tells whether it was seen within the
 * window (keyed as spec §4.4 recommends: source, DGM_ID, length, hash). */
static int
duplicate(uint32_t ip, uint16_t id, const uint8_t *buf, size_t len)
{
	uint64_t now = msl_now_ns();
	uint32_t h = fnv1a(buf, len);

	for (unsigned i = 0; i < MSLD_DEDUP; i++) {
		struct seen *s = &seen[i];
		if (s->t != 0 && now - s->t < MSLD_DEDUP_NS && s->ip == ip && s->id == id &&
		    s->len == (uint16_t)len && s->hash == h)
			return 1;
	}
	seen[seen_next] = (struct seen){ ip, id, (uint16_t)len, h, now };
	seen_next = (seen_next + 1) % MSLD_DEDUP;
	return 0;
}

static void
relay_drop(struct relay *r)
{
	mailslot_client_close(r->c);
	memset(r, 0, sizeof *r);
}

/*
 * Mailslots whose server did not answer the handshake at once (stopped,
 * or its listen queue full) are not asked again for a second: each try
 * costs the daemon up to the relay's hello timeout.
 */
#define MSLD_BUSY 16
#define MSLD_BUSY_NS 1000000000ull
static struct {
	char key[MAILSLOT_NAME_MAX + 1];
	uint64_t until;
} busy[MSLD_BUSY];
static unsigned busy_next;

/*
 * relay_get returns an open relay handle to the local mailslot n, or an
 * error: NOTFOUND (no such mailslot), ACCESS (it refuses remote writers),
 * FULL (it did not answer at once, now or within the last second).
 */
static mailslot_err
relay_get(const mailslot_name *n, struct relay **out)
{
	struct relay *slot = &relays[0];
	uint64_t now = msl_now_ns();
	mailslot_err e;

	for (int i = 0; i < MSLD_RELAYS; i++) {
		if (relays[i].c != NULL && strcmp(relays[i].key, n->key) == 0) {
			relays[i].used = ++relay_clock;
			*out = &relays[i];
			return MAILSLOT_OK;
		}
		if (relays[i].used < slot->used)
			slot = &relays[i];
	}
	for (int i = 0; i < MSLD_BUSY; i++)
		if (busy[i].until > now && strcmp(busy[i].key, n->key) == 0)
			return MAILSLOT_E_FULL;
	if (slot->c != NULL)
		relay_drop(slot);
	e = msl_client_open_role(n, MSL_ROLE_RELAY, &slot->c);
	if (e != MAILSLOT_OK) {
		slot->c = NULL;
		if (e == MAILSLOT_E_TIMEOUT || e == MAILSLOT_E_FULL) {
			strcpy(busy[busy_next].key, n->key);
			busy[busy_next].until = now + MSLD_BUSY_NS;
			busy_next = (busy_next + 1) % MSLD_BUSY;
			e = MAILSLOT_E_FULL;
		}
		return e;
	}
	strcpy(slot->key, n->key);
	slot->used = ++relay_clock;
	*out = slot;
	return MAILSLOT_OK;
}

/*
 * Deliveries are prepared per datagram and written per batch: consecutive
 * messages for one mailslot go out in as few pipe writes as fit
 * (msl_client_write_batch).  The data stays in rxq until the batch is
 * flushed, which on_datagrams does before it reads the next one.
 */
struct pending {
	mailslot_name n;
	struct relay *r;
	msl_origin o;
	const uint8_t *data;
	size_t len;
};
#define MSLD_PENDING 32 /* = MSLD_BATCH, defined with rxq below */
static struct pending pend[MSLD_PENDING];
static int npend;
/* relay_get evicts the least recently used handle, never one of a batch. */
_Static_assert(MSLD_RELAYS > MSLD_PENDING, "pending deliveries must not lose their handles");

/* count_result counts (and at debug level logs) one delivery's outcome. */
static void
count_result(mailslot_err e, const struct pending *p)
{
	static const struct {
		mailslot_err e;
		int counter;
	} drops[] = {
		{ MAILSLOT_E_NOTFOUND, C_drop_unknown_mailslot },
		{ MAILSLOT_E_GONE, C_drop_unknown_mailslot },
		{ MAILSLOT_E_ACCESS, C_drop_local_only },
		{ MAILSLOT_E_FULL, C_drop_full },
		{ MAILSLOT_E_MSGSIZE, C_drop_over_max_size },
	};
	char ipb[INET_ADDRSTRLEN];
	int c = e == MAILSLOT_OK ? C_delivered : C_drop_delivery_error;

	for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++)
		if (drops[i].e == e)
			c = drops[i].counter;
	counters[c]++;
	if (conf.log_level >= MSL_LOG_DEBUG)
		logmsg(MSL_LOG_DEBUG, "%s:%u %s -> \\\\.\\mailslot\\%s (%zu bytes): %s",
		    ipstr(p->o.ip, ipb), p->o.port, p->o.name, p->n.path, p->len,
		    e == MAILSLOT_OK ? "delivered" : mailslot_strerror(e));
}

/*
 * How long one batch of deliveries may wait for readers' pipes to make
 * room.  A reader descheduled for a moment (this machine has other work)
 * should not lose datagrams, but a stopped one must not hold the daemon:
 * a relay whose wait ran out does not wait again until a write succeeds.
 */
#define MSLD_WAIT_BUDGET_NS (50ull * 1000000ull)

/* deliver_one writes one message alone, waiting for room only within the
 * batch's budget, and once more through a fresh handle if the mailslot
 * was closed and created again since its handle was opened. */
static void
deliver_one(struct pending *p, uint64_t deadline)
{
	struct relay *r;
	mailslot_err e;

	for (int attempt = 0; attempt < 2; attempt++) {
		e = relay_get(&p->n, &r);
		if (e == MAILSLOT_OK) {
			uint32_t wait = r->stalled ? 0 : (uint32_t)msl_ms_until(deadline);
			e = msl_client_write_origin(r->c, p->data, p->len, &p->o, wait);
			if (e == MAILSLOT_E_GONE) {
				relay_drop(r);
				continue;
			}
			if (e == MAILSLOT_OK)
				r->stalled = 0;
			else if (e == MAILSLOT_E_FULL && wait > 0)
				r->stalled = 1;
		}
		break;
	}
	count_result(e, p);
}

static void
flush_pending(void)
{
	msl_batch_msg b[MSLD_PENDING];
	uint64_t deadline = msl_now_ns() + MSLD_WAIT_BUDGET_NS;

	for (int i = 0, j; i < npend; i = j) {
		struct relay *r = pend[i].r;
		size_t k = 0;
		for (j = i; j < npend && pend[j].r == r; j++)
			b[j - i] = (msl_batch_msg){ pend[j].data, pend[j].len, &pend[j].o };
		/* An earlier failure may have dropped or reused the handle. */
		if (r->c != NULL && strcmp(r->key, pend[i].n.key) == 0) {
			k = msl_client_write_batch(r->c, b, (size_t)(j - i));
			if (k > 0)
				r->stalled = 0;
		}
		for (int x = i; x < j; x++) {
			if ((size_t)(x - i) < k)
				count_result(MAILSLOT_OK, &pend[x]);
			else
				deliver_one(&pend[x], deadline);
		}
	}
	npend = 0;
}

/* deliver queues the message of a parsed datagram for its local mailslot. */
static void
deliver(const struct msl_mdgm *m, uint32_t ip, uint16_t port)
{
	const struct msl_smbmail *smb = &m->md_smb;
	char text[16 + MAILSLOT_NAME_MAX + 16];
	struct pending *p = &pend[npend];
	mailslot_err e;
	size_t leaf = smb->sm_name_len - MSL_SMBMAIL_PREFIX_LEN;

	/* [MS-MAIL] §3.2.5.1: "\MAILSLOT\x" here is "\\.\mailslot\x" there,
	 * matched without regard to case. */
	if (leaf > MAILSLOT_NAME_MAX) {
		counters[C_drop_malformed]++;
		drop_reason[MSL_PE_BADNAME]++;
		return;
	}
	memcpy(text, "\\\\.\\mailslot\\", 13);
	memcpy(text + 13, smb->sm_name + MSL_SMBMAIL_PREFIX_LEN, leaf);
	text[13 + leaf] = '\0';
	if (mailslot_name_parse(text, 0, &p->n) != MAILSLOT_OK) {
		counters[C_drop_malformed]++;
		drop_reason[MSL_PE_BADNAME]++;
		return;
	}
	memset(&p->o, 0, sizeof p->o);
	p->o.ip = ip;
	p->o.port = port;
	/* The reader sees the sender's NetBIOS name without its padding. */
	memcpy(p->o.name, m->md_dgm.dg_src.nb_raw, 15);
	for (int i = 14; i >= 0 && (p->o.name[i] == ' ' || p->o.name[i] == '\0'); i--)
		p->o.name[i] = '\0';
	p->data = smb->sm_data;
	p->len = smb->sm_data_len;
	if ((e = relay_get(&p->n, &p->r)) != MAILSLOT_OK) {
		count_result(e, p);
		return;
	}
	npend++;
}

/* allowed tells whether a source address passes the allow list. */
static int
allowed(uint32_t ip)
{
	if (conf.nallow == 0)
		return 1;
	for (unsigned i = 0; i < conf.nallow; i++)
		if ((ip & conf.allow[i].mask) == conf.allow[i].addr)
			return 1;
	return 0;
}

/* iface_ok applies the "interfaces" setting to the ingress interface. */
static int
iface_ok(unsigned ifindex)
{
	char name[IF_NAMESIZE];

	if (conf.nifaces == 0)
		return 1;
	if (if_indextoname(ifindex, name) == NULL)
		return 0;
	for (unsigned i = 0; i < conf.nifaces; i++)
		if (strcmp(conf.ifaces[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Received datagrams, read in batches with recvmmsg(2): one system call
 * for up to MSLD_BATCH datagrams keeps the daemon ahead of a sender that
 * raw UDP could keep up with.  Each slot has room well above nmbd's 576
 * bytes (spec §8); a longer payload is cut, and no valid datagram is
 * longer, since the SMB part is at most 512 bytes (spec §3.1).
 */
#define MSLD_BATCH 32
struct rx {
	uint8_t buf[2048];
	size_t len;
	struct sockaddr_in from;
	struct in_pktinfo pi; /* ingress interface and local address */
};
static struct rx rxq[MSLD_BATCH];
_Static_assert(MSLD_PENDING >= MSLD_BATCH, "a batch of datagrams must fit the deliveries");

/* recv_batch reads up to MSLD_BATCH waiting datagrams into rxq and
 * returns how many (0 when none is waiting). */
static int
recv_batch(int fd)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf[MSLD_BATCH];
	struct mmsghdr mm[MSLD_BATCH];
	struct iovec iov[MSLD_BATCH];
	int n;

	for (int i = 0; i < MSLD_BATCH; i++) {
		iov[i] = (struct iovec){ rxq[i].buf, sizeof rxq[i].buf };
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &rxq[i].from, .msg_namelen = sizeof rxq[i].from,
			.msg_iov = &iov[i], .msg_iovlen = 1,
			.msg_control = cbuf[i].b, .msg_controllen = sizeof cbuf[i].b,
		};
	}
	n = recvmmsg(fd, mm, MSLD_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &mm[i].msg_hdr;
		memset(&rxq[i].pi, 0, sizeof rxq[i].pi);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				memcpy(&rxq[i].pi, CMSG_DATA(c), sizeof rxq[i].pi);
		rxq[i].len = (mh->msg_flags & MSG_TRUNC) ? sizeof rxq[i].buf : mm[i].msg_len;
	}
	return n;
}

/* on_datagram applies the receiver rules to one datagram and delivers it
 * or counts why it was dropped. */
static void
on_datagram(const struct rx *d)
{
	struct msl_mdgm m;
	char ipb[INET_ADDRSTRLEN];
	uint32_t ip = d->from.sin_addr.s_addr;

	counters[C_rx_datagrams]++;
	counters[C_rx_bytes] += d->len;
	if (!allowed(ip)) {
		counters[C_drop_not_allowed]++;
		return;
	}
	if (!iface_ok((unsigned)d->pi.ipi_ifindex)) {
		counters[C_drop_wrong_interface]++;
		return;
	}
	msl_perr pe = msl_mdgm_parse(d->buf, d->len, &m);
	if (pe != MSL_PE_OK) {
		/* [MS-MAIL] §3.2.5.1: discarded silently, but counted. */
		counters[C_drop_malformed]++;
		drop_reason[pe < MSL_PE_COUNT ? pe : MSL_PE_INVAL]++;
		logmsg(MSL_LOG_DEBUG, "%s:%u: dropped a %zu-byte datagram: %s", ipstr(ip, ipb),
		    ntohs(d->from.sin_port), d->len, msl_perr_str(pe));
		return;
	}
	/* Spec §1.6 rule 4 and §4.2: our name or our workgroup, any suffix,
	 * whatever the message type says. */
	const struct msl_nbname *dst = &m.md_dgm.dg_dst;
	if (!name_is(dst, conf.name) && !name_is(dst, conf.workgroup) && !name_is(dst, "*")) {
		counters[C_drop_not_our_name]++;
		return;
	}
	if (duplicate(ip, m.md_dgm.dg_id, d->buf, d->len)) {
		counters[C_drop_duplicate]++;
		return;
	}
	deliver(&m, ip, ntohs(d->from.sin_port));
}

static void
on_datagrams(void)
{
	/* A bounded number of batches, so name queries and local clients
	 * get their turn. */
	for (int b = 0; b < 4; b++) {
		int n = recv_batch(w_dgm.fd);
		for (int i = 0; i < n; i++)
			on_datagram(&rxq[i]);
		flush_pending();
		if (n < MSLD_BATCH)
			return;
	}
}

/* ---- the name service -------------------------------------------------- */

/* on_names answers name queries for NAME<00> (unique) and WORKGROUP<00>
 * (group), the names [MS-MAIL] §3.2.3 has a mailslot server register. */
static void
on_names(void)
{
	uint8_t out[600];
	int nb = recv_batch(w_ns.fd);

	for (int i = 0; i < nb; i++) {
		const struct sockaddr_in *from = &rxq[i].from;
		const struct in_pktinfo *pi = &rxq[i].pi;
		struct msl_nbns_query q;
		size_t used;
		int group;
		if (msl_nbns_query_parse(rxq[i].buf, rxq[i].len, &q) != MSL_PE_OK ||
		    q.nq_type != MSL_NBNS_TYPE_NB || !iface_ok((unsigned)pi->ipi_ifindex) ||
		    !allowed(from->sin_addr.s_addr)) {
			counters[C_nbns_ignored]++;
			continue;
		}
		counters[C_nbns_queries]++;
		if (msl_nbname_suffix(&q.nq_name) != MSL_NBSUFFIX_WORKSTATION)
			group = -1;
		else if (name_is(&q.nq_name, conf.name))
			group = 0;
		else if (name_is(&q.nq_name, conf.workgroup))
			group = 1;
		else
			group = -1;
		if (group < 0) {
			counters[C_nbns_ignored]++;
			continue;
		}
		/* RFC 1002 §4.2.13: the answer carries the address of the
		 * interface the question came in by; ipi_spec_dst is that. */
		struct msl_nbns_addr a = {
			.na_flags = MSL_NBNS_NB_FLAGS(group, MSL_NBDGM_NODE_B),
			.na_ip = ntohl(pi->ipi_spec_dst.s_addr),
		};
		struct msl_nbns_response r = {
			.nr_trn_id = q.nq_trn_id,
			.nr_flags = MSL_NBNS_F_AA | MSL_NBNS_F_RD,
			.nr_rcode = 0,
			.nr_name = q.nq_name,
			.nr_ttl = 300000, /* RFC 1001 §15.1.1.1: a B-node's names do not expire */
		};
		if (msl_nbns_response_build(&r, &a, 1, out, sizeof out, &used) == MSL_PE_OK &&
		    sendto(w_ns.fd, out, used, 0, (const struct sockaddr *)from, sizeof *from) ==
		    (ssize_t)used)
			counters[C_nbns_answered]++;
	}
}

/* ---- the control channel ------------------------------------------------ */

static size_t
stats_text(char *buf, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < C_COUNT; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s %llu\n", counter_names[i],
		    (unsigned long long)counters[i]);
	/* The reasons msl_mdgm_parse gives, TRUNCATED to BADOFFSET in the
	 * codec's table; the others belong to builders and the name service. */
	for (int i = MSL_PE_TRUNCATED; i <= MSL_PE_BADOFFSET && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "drop_%s %llu\n", msl_perr_str((msl_perr)i),
		    (unsigned long long)drop_reason[i]);
	return n < cap ? n : cap;
}

/*
 * Datagrams for local writers are queued and sent with sendmmsg(2), one
 * system call per batch of the outbox.
 */
#define MSLD_TX 64
static struct {
	uint8_t buf[MSL_MDGM_MAX];
	size_t len;
	struct sockaddr_in to;
} txq[MSLD_TX];
static int ntx;

/* tx_flush sends the queued datagrams. */
static void
tx_flush(void)
{
	struct mmsghdr mm[MSLD_TX];
	struct iovec iov[MSLD_TX];
	int done = 0, sent = 0;

	for (int i = 0; i < ntx; i++) {
		iov[i] = (struct iovec){ txq[i].buf, txq[i].len };
		mm[i].msg_hdr = (struct msghdr){ .msg_name = &txq[i].to,
			.msg_namelen = sizeof txq[i].to, .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	while (done < ntx) {
		int n = sendmmsg(w_dgm.fd, mm + done, (unsigned)(ntx - done), 0);
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)) {
			/* The socket's buffer is full: wait for room, briefly, so a
			 * burst is paced rather than dropped. */
			if (errno == EINTR || msl_wait_fd(w_dgm.fd, POLLOUT, 100) > 0)
				continue;
		}
		if (n <= 0) {
			/* This one cannot go (say, no route): count it, go on. */
			counters[C_tx_errors]++;
			done++;
			continue;
		}
		done += n;
		sent += n;
	}
	counters[C_tx_datagrams] += (uint64_t)sent;
	ntx = 0;
}

/* outbox_queue builds the datagram(s) of one outbox record (msl_ctl_send
 * + mailslot name + data) and queues them, counting what it cannot. */
static void
outbox_queue(const uint8_t *p, size_t len)
{
	struct msl_ctl_send s;
	uint32_t dsts[MSL_NET_MAX_IFACES], srcs[MSL_NET_MAX_IFACES];
	char slot[10 + MAILSLOT_NAME_MAX + 1];
	int nd;

	if (len < sizeof s)
		goto bad;
	memcpy(&s, p, sizeof s);
	if (sizeof s + s.mailslot_len + s.data_len != len || s.mailslot_len >= sizeof slot)
		goto bad;
	memcpy(slot, p + sizeof s, s.mailslot_len);
	slot[s.mailslot_len] = '\0';
	s.dst_name[15] = '\0';
	nd = msl_net_targets(&conf, (s.flags & MSL_CTL_SEND_BCAST) != 0, s.dst_ip, dsts, srcs);
	if (nd == 0) {
		counters[C_tx_errors]++;
		return;
	}
	for (int i = 0; i < nd; i++) {
		if (ntx == MSLD_TX)
			tx_flush();
		msl_perr pe = msl_net_build_dgram(s.type, conf.name, srcs[i], conf.port, s.dst_name,
		    s.suffix, slot, p + sizeof s + s.mailslot_len, s.data_len, txq[ntx].buf,
		    &txq[ntx].len);
		if (pe != MSL_PE_OK) {
			counters[C_tx_errors]++;
			return;
		}
		/* Always the datagram port: a local writer may not use the
		 * daemon to send from 138 to other services (ctl.h). */
		txq[ntx].to = (struct sockaddr_in){ .sin_family = AF_INET,
			.sin_port = htons(conf.port), .sin_addr.s_addr = dsts[i] };
		ntx++;
	}
	return;
bad:
	counters[C_tx_errors]++;
}

/* on_outbox sends what local writers put into the outbox (ctl.h). */
static void
on_outbox(void)
{
	uint8_t rec[MSL_CTL_MAX];

	/* A bounded batch, as for datagrams. */
	for (int i = 0; i < 256; i++) {
		size_t len = 0;
		mailslot_err e = mailslot_read_for(outbox, rec, sizeof rec, &len, NULL, 0);
		if (e == MAILSLOT_E_TIMEOUT)
			break;
		if (e != MAILSLOT_OK) {
			/* Cannot happen with max_message_size = the buffer; a
			 * record we cannot read would otherwise block the rest. */
			logmsg(MSL_LOG_ERROR, "outbox: %s", mailslot_strerror(e));
			break;
		}
		outbox_queue(rec, len);
	}
	tx_flush();
}

static void
client_close(struct watch *w)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	w->fd = -1;
}

static void
on_client(struct watch *w)
{
	uint8_t in[MSL_CTL_MAX + 1];
	uint8_t out[sizeof(struct msl_ctl_rep) + MSL_CTL_REPLY_MAX];
	struct msl_ctl_req req;
	struct msl_ctl_rep rep = { MSL_CTL_MAGIC, MAILSLOT_OK };
	size_t body = 0;
	ssize_t n = recv(w->fd, in, sizeof in, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < (ssize_t)sizeof req) {
		client_close(w);
		return;
	}
	counters[C_ctl_requests]++;
	memcpy(&req, in, sizeof req);
	if (req.magic != MSL_CTL_MAGIC || n > (ssize_t)MSL_CTL_MAX) {
		rep.status = MAILSLOT_E_PROTO;
	} else if (req.op == MSL_CTL_STATS) {
		body = stats_text((char *)out + sizeof rep, MSL_CTL_REPLY_MAX);
	} else if (req.op == MSL_CTL_INFO) {
		struct msl_ctl_info info;
		memset(&info, 0, sizeof info);
		memcpy(info.name, conf.name, sizeof info.name);
		memcpy(info.workgroup, conf.workgroup, sizeof info.workgroup);
		info.port = conf.port;
		info.ns_port = conf.ns_port;
		memcpy(out + sizeof rep, &info, sizeof info);
		body = sizeof info;
	} else {
		rep.status = MAILSLOT_E_NOTSUP;
	}
	memcpy(out, &rep, sizeof rep);
	if (send(w->fd, out, sizeof rep + body, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		client_close(w);
}

static void
on_accept(void)
{
	for (;;) {
		int fd = accept4(w_listen.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		int i;
		if (fd < 0)
			return;
		for (i = 0; i < MSLD_CLIENTS && clients[i].fd >= 0; i++)
			;
		/* The table bounds what local clients can make us hold. */
		if (i == MSLD_CLIENTS) {
			logmsg(MSL_LOG_WARN, "too many control clients, refusing one");
			close(fd);
			continue;
		}
		clients[i].tag = T_CLIENT;
		clients[i].fd = fd;
		if (watch_add(&clients[i]) != 0) {
			close(fd);
			clients[i].fd = -1;
		}
	}
}

/* ---- main ------------------------------------------------------------ */

static void
usage(FILE *to)
{
	fprintf(to,
	    "usage: mailslotd [-c FILE] [-o 'KEY=VALUE']... [-t]\n"
	    "  Receives Remote Mailslot Protocol datagrams on UDP 138 for this host's\n"
	    "  local mailslots, answers NetBIOS name queries for its name on UDP 137,\n"
	    "  and sends datagrams for local writers of remote names.  Runs in the\n"
	    "  foreground and logs to stderr (the journal under systemd).\n"
	    "  -c FILE       configuration file (default $MAILSLOT_CONFIG, else %s)\n"
	    "  -o KEY=VALUE  one setting, applied after the file (repeatable): netbios name,\n"
	    "                workgroup, port, ns port, user, log level, interfaces, allow\n"
	    "  -t            check the configuration, print it and exit\n"
	    "  -h, --help    this text;  -V, --version  the version\n",
	    MSL_NET_CONF_PATH);
}

static void
print_conf(void)
{
	char ipb[INET_ADDRSTRLEN];

	printf("netbios name = %s\nworkgroup = %s\nport = %u\nns port = %u\nuser = %s\n",
	    conf.name, conf.workgroup, conf.port, conf.ns_port, conf.user);
	printf("log level = %d\ninterfaces =", conf.log_level);
	for (unsigned i = 0; i < conf.nifaces; i++)
		printf(" %s", conf.ifaces[i]);
	printf("\nallow =");
	for (unsigned i = 0; i < conf.nallow; i++) {
		uint32_t m = ntohl(conf.allow[i].mask);
		int len = 0;
		while (m & 0x80000000u) {
			len++;
			m <<= 1;
		}
		printf(" %s/%d", ipstr(conf.allow[i].addr, ipb), len);
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	char *sets[64];
	int nsets = 0, check = 0, c;
	char err[512];
	sigset_t sigs;

	journal = getenv("JOURNAL_STREAM") != NULL;
	conf.log_level = MSL_LOG_INFO;
	while ((c = getopt_long(argc, argv, "c:o:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			if (nsets == 64) {
				fprintf(stderr, "mailslotd: too many -o options\n");
				return 64;
			}
			sets[nsets++] = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("mailslotd %d.%d.%d\n", MAILSLOT_VERSION_MAJOR, MAILSLOT_VERSION_MINOR,
			    MAILSLOT_VERSION_PATCH);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 64;
	}
	if (msl_net_load(&conf, path, err, sizeof err) != 0) {
		fprintf(stderr, "mailslotd: %s\n", err);
		return 78; /* EX_CONFIG */
	}
	for (int i = 0; i < nsets; i++) {
		char *eq = strchr(sets[i], '=');
		char key[128];
		if (eq == NULL || (size_t)(eq - sets[i]) >= sizeof key) {
			fprintf(stderr, "mailslotd: -o %s: expected KEY=VALUE\n", sets[i]);
			return 64;
		}
		memcpy(key, sets[i], (size_t)(eq - sets[i]));
		key[eq - sets[i]] = '\0';
		/* Trim spaces around the key and the value, as in the file. */
		char *k = key, *v = eq + 1;
		while (*k == ' ')
			k++;
		for (size_t l = strlen(k); l > 0 && k[l - 1] == ' '; l--)
			k[l - 1] = '\0';
		while (*v == ' ')
			v++;
		if (msl_netconf_set(&conf, k, v, err, sizeof err) != 0) {
			fprintf(stderr, "mailslotd: -o %s: %s\n", sets[i], err);
			return 78;
		}
	}
	if (check) {
		print_conf();
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	for (int i = 0; i < MSLD_CLIENTS; i++)
		clients[i].fd = -1;
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (w_sig.fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return 71;
	if ((w_dgm.fd = open_udp(conf.port, "datagram service")) < 0)
		return 69; /* EX_UNAVAILABLE */
	if (conf.ns_port != 0 && (w_ns.fd = open_udp(conf.ns_port, "name service")) < 0)
		return 69;
	if ((w_listen.fd = open_listen()) < 0)
		return 69;
	if (drop_privileges() != 0)
		return 77; /* EX_NOPERM */
	mailslot_options oo;
	mailslot_options_init(&oo);
	oo.max_message_size = MSL_CTL_MAX;
	oo.flags = MAILSLOT_LOCAL_ONLY;
	oo.read_timeout_ms = 0;
	mailslot_err oe = mailslot_create(MSL_OUTBOX_NAME, &oo, &outbox);
	if (oe != MAILSLOT_OK) {
		logmsg(MSL_LOG_ERROR, "cannot create the outbox %s: %s", MSL_OUTBOX_NAME,
		    mailslot_strerror(oe));
		return 69;
	}
	w_out.fd = mailslot_fd(outbox);
	if (watch_add(&w_dgm) != 0 || (w_ns.fd >= 0 && watch_add(&w_ns) != 0) ||
	    watch_add(&w_listen) != 0 || watch_add(&w_sig) != 0 || watch_add(&w_out) != 0)
		return 71;
	logmsg(MSL_LOG_INFO, "%s in workgroup %s: datagrams on UDP %u, names on %s%u (IPv4 only)",
	    conf.name, conf.workgroup, conf.port, conf.ns_port ? "UDP " : "off ", conf.ns_port);

	for (;;) {
		struct epoll_event ev[16];
		int n = epoll_wait(epfd, ev, 16, -1);
		if (n < 0 && errno != EINTR)
			return 71;
		for (int i = 0; i < n; i++) {
			struct watch *w = ev[i].data.ptr;
			switch (w->tag) {
			case T_DGM:
				on_datagrams();
				break;
			case T_NS:
				on_names();
				break;
			case T_LISTEN:
				on_accept();
				break;
			case T_CLIENT:
				on_client(w);
				break;
			case T_OUTBOX:
				on_outbox();
				break;
			case T_SIGNAL: {
				struct signalfd_siginfo si = { 0 };
				if (read(w_sig.fd, &si, sizeof si) != (ssize_t)sizeof si)
					break;
				if (si.ssi_signo == SIGHUP) {
					logmsg(MSL_LOG_WARN, "SIGHUP: the configuration is read at start; "
					    "restart mailslotd to change it");
				} else {
					logmsg(MSL_LOG_INFO, "signal %u: stopping", si.ssi_signo);
					for (int k = 0; k < MSLD_RELAYS; k++)
						if (relays[k].c)
							relay_drop(&relays[k]);
					mailslot_close(outbox);
					return 0;
				}
				break;
			}
			}
		}
	}
}
