/*
 * net.c - configuration, interfaces and datagram building shared by the
 * network sender (remote.c) and mailslotd.
 */
#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../platform/platform.h"
#include "net.h"

int
msl_net_parse_name(const char *in, char out[16])
{
	size_t n = strlen(in);

	/* RFC 1001 §14.1: at most 15 characters; the 16th byte is the suffix.
	 * '.' would be read as a scope and '*' is the wildcard, so refuse both
	 * in a name that this node claims. */
	if (n == 0 || n > 15)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= ' ' || ch == 0x7f || ch == '.' || ch == '*')
			return -1;
		out[i] = (char)toupper(ch);
	}
	memset(out + n, 0, 16 - n);
	return 0;
}

void
msl_netconf_defaults(struct msl_netconf *c)
{
	char host[256] = "";

	memset(c, 0, sizeof *c);
	/* The default NetBIOS name is the host name's first label, cut to 15
	 * characters, as Samba's "netbios name" default does. */
	if (gethostname(host, sizeof host - 1) == 0) {
		host[strcspn(host, ".")] = '\0';
		host[15] = '\0';
	}
	if (msl_net_parse_name(host, c->name) != 0)
		memcpy(c->name, "LOCALHOST", 10);
	memcpy(c->workgroup, MSL_NET_DEFAULT_WORKGROUP, sizeof MSL_NET_DEFAULT_WORKGROUP);
	c->port = MSL_NBDGM_PORT;
	c->ns_port = MSL_NBNS_PORT;
	strcpy(c->user, "nobody");
	c->log_level = MSL_LOG_INFO;
}

/* key_is compares a configuration key with a canonical one, treating
 * '_', '-' and runs of spaces alike and ignoring case. */
static int
key_is(const char *key, const char *want)
{
	for (;;) {
		int ks = *key == ' ' || *key == '_' || *key == '-';
		int ws = *want == ' ';
		if (ks && ws) {
			while (*key == ' ' || *key == '_' || *key == '-')
				key++;
			want++;
			continue;
		}
		if (tolower((unsigned char)*key) != tolower((unsigned char)*want))
			return 0;
		if (*key == '\0')
			return 1;
		key++;
		want++;
	}
}

static int
set_err(char *err, size_t cap, const char *what, const char *value)
{
	snprintf(err, cap, "%s: '%s'", what, value);
	return -1;
}

static int
parse_port(const char *v, int zero_ok, uint16_t *out)
{
	char *end;
	errno = 0;
	long p = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || p < (zero_ok ? 0 : 1) || p > 65535)
		return -1;
	*out = (uint16_t)p;
	return 0;
}

/* parse_prefix reads "a.b.c.d" or "a.b.c.d/len" into an allow entry. */
static int
parse_prefix(const char *tok, struct msl_net_prefix *p)
{
	char buf[32];
	const char *slash = strchr(tok, '/');
	size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
	struct in_addr a;
	long len = 32;

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	if (slash) {
		char *end;
		len = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || len < 0 || len > 32)
			return -1;
	}
	p->mask = len == 0 ? 0 : htonl(0xffffffffu << (32 - len));
	p->addr = a.s_addr & p->mask;
	return 0;
}

int
msl_netconf_set(struct msl_netconf *c, const char *key, const char *value,
    char *err, size_t errcap)
{
	if (key_is(key, "netbios name") || key_is(key, "name")) {
		if (msl_net_parse_name(value, c->name) != 0)
			return set_err(err, errcap, "netbios name must be 1-15 characters without '.', '*' or spaces", value);
	} else if (key_is(key, "workgroup") || key_is(key, "domain")) {
		if (msl_net_parse_name(value, c->workgroup) != 0)
			return set_err(err, errcap, "workgroup must be 1-15 characters without '.', '*' or spaces", value);
	} else if (key_is(key, "port")) {
		if (parse_port(value, 0, &c->port) != 0)
			return set_err(err, errcap, "port must be 1-65535", value);
	} else if (key_is(key, "ns port") || key_is(key, "name port")) {
		if (parse_port(value, 1, &c->ns_port) != 0)
			return set_err(err, errcap, "ns port must be 0-65535 (0 disables the name service)", value);
	} else if (key_is(key, "user")) {
		if (strlen(value) >= sizeof c->user || value[0] == '\0')
			return set_err(err, errcap, "bad user", value);
		strcpy(c->user, value);
	} else if (key_is(key, "log level")) {
		static const char *lv[] = { "error", "warn", "info", "debug" };
		int found = -1;
		for (int i = 0; i < 4; i++)
			if (strcasecmp(value, lv[i]) == 0 || (value[0] == '0' + i && value[1] == '\0'))
				found = i;
		if (found < 0)
			return set_err(err, errcap, "log level is error, warn, info or debug", value);
		c->log_level = found;
	} else if (key_is(key, "interfaces") || key_is(key, "allow")) {
		/* Both take a list separated by spaces or commas, and repeated
		 * lines add to it. */
		int ifs = key_is(key, "interfaces");
		char buf[1024], *save = NULL;
		if (strlen(value) >= sizeof buf)
			return set_err(err, errcap, "list too long", key);
		strcpy(buf, value);
		for (char *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
			if (ifs) {
				if (c->nifaces == MSL_NET_MAX_IFACES || strlen(t) >= IF_NAMESIZE)
					return set_err(err, errcap, "too many or too long interface names", t);
				strcpy(c->ifaces[c->nifaces++], t);
			} else {
				if (c->nallow == MSL_NET_MAX_ALLOW)
					return set_err(err, errcap, "too many allow entries", t);
				if (parse_prefix(t, &c->allow[c->nallow]) != 0)
					return set_err(err, errcap, "allow takes IPv4 addresses or address/prefix", t);
				c->nallow++;
			}
		}
	} else {
		return set_err(err, errcap, "unknown setting", key);
	}
	return 0;
}

static char *
trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int
msl_netconf_load(struct msl_netconf *c, const char *path, int missing_ok,
    char *err, size_t errcap)
{
	char line[1200], msg[256];
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");

	if (f == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "#;\n")] = '\0';
		char *s = trim(line);
		if (*s == '\0' || *s == '[') /* smb.conf-style section headers are skipped */
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errcap, "%s:%u: expected 'key = value'", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		if (msl_netconf_set(c, trim(s), trim(eq + 1), msg, sizeof msg) != 0) {
			snprintf(err, errcap, "%s:%u: %s", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int
msl_netconf_allowed(const struct msl_netconf *c, uint32_t ip)
{
	if (c->nallow == 0)
		return 1;
	for (unsigned i = 0; i < c->nallow; i++)
		if ((ip & c->allow[i].mask) == c->allow[i].addr)
			return 1;
	return 0;
}

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
		if (c && c->nifaces) {
			unsigned k;
			for (k = 0; k < c->nifaces && strcmp(c->ifaces[k], p->ifa_name) != 0; k++)
				;
			if (k == c->nifaces)
				continue;
		}
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

int
msl_net_src_for(uint32_t dst, uint32_t *src)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
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
 * seen within that second.
 */
#define MSL_NET_TARGET_TTL_NS 1000000000ull
static pthread_mutex_t target_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned nifaces; /* the "interfaces" setting the entry was made for */
	char ifaces[MSL_NET_MAX_IFACES][16];
	int bcast;
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
	    target_cache.bcast == bcast &&
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
	} else if (msl_net_src_for(dst, &srcs[0]) == 0) {
		dsts[n++] = dst;
	}
	pthread_mutex_lock(&target_mu);
	target_cache.nifaces = c->nifaces;
	memcpy(target_cache.ifaces, c->ifaces, sizeof c->ifaces);
	target_cache.bcast = bcast;
	target_cache.dst = dst;
	target_cache.at = now;
	target_cache.n = n;
	memcpy(target_cache.dsts, dsts, (size_t)n * sizeof *dsts);
	memcpy(target_cache.srcs, srcs, (size_t)n * sizeof *srcs);
	pthread_mutex_unlock(&target_mu);
	return n;
}

msl_perr
msl_net_build_dgram(uint8_t type, const char *src, uint32_t src_ip,
    uint16_t src_port, const char *dst, uint8_t suffix, const char *mailslot,
    const void *data, size_t len, uint8_t *buf, size_t *used)
{
	static uint16_t next_id;
	struct msl_mdgm_send s = {
		.ms_type = type,
		/* Spec §8: a node without WINS is a B-node. */
		.ms_node = MSL_NBDGM_NODE_B,
		.ms_src_ip = ntohl(src_ip),
		.ms_src_port = src_port,
		.ms_mailslot = mailslot,
		.ms_mailslot_len = strlen(mailslot),
		.ms_data = data,
		.ms_data_len = len,
		.ms_profile = MSL_SMBMAIL_WINDOWS,
	};
	msl_perr e;

	/* RFC 1002 §4.4.1: DGM_ID only has to differ between a sender's
	 * datagrams; a counter seeded from the clock and pid does that.  The
	 * first thread to get here seeds it. */
	uint16_t zero = 0, seed = (uint16_t)(msl_now_ns() ^ (uint64_t)getpid());
	if (__atomic_load_n(&next_id, __ATOMIC_RELAXED) == 0)
		__atomic_compare_exchange_n(&next_id, &zero, seed, 0, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED);
	s.ms_id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	/* Spec §2.4: the source name is the sender's <00> name. */
	if ((e = msl_nbname_make(&s.ms_src, src, MSL_NBSUFFIX_WORKSTATION, NULL)) != MSL_PE_OK)
		return e;
	if ((e = msl_nbname_make(&s.ms_dst, dst, suffix, NULL)) != MSL_PE_OK)
		return e;
	return msl_mdgm_build(&s, buf, MSL_MDGM_MAX, used);
}

int
msl_net_load(struct msl_netconf *c, const char *path, char *err, size_t errcap)
{
	const char *env = getenv("MAILSLOT_CONFIG");

	msl_netconf_defaults(c);
	if (path != NULL)
		return msl_netconf_load(c, path, 0, err, errcap);
	if (env != NULL && env[0] != '\0')
		return msl_netconf_load(c, env, 0, err, errcap);
	return msl_netconf_load(c, MSL_NET_CONF_PATH, 1, err, errcap);
}

size_t
msl_net_max_data(size_t name_len)
{
	size_t m = msl_smbmail_max_data(name_len);
	return m < MSL_NET_MAX_DATA ? m : MSL_NET_MAX_DATA;
}

mailslot_err
msl_ctl_open(int *fdp)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int fd;

	if (msl_abstract_addr(MSL_CTL_TAIL, &sa, &sl) != 0)
		return MAILSLOT_E_INVAL;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return MAILSLOT_E_SYS;
	if (connect(fd, (struct sockaddr *)&sa, sl) != 0) {
		close(fd);
		return MAILSLOT_E_NODAEMON;
	}
	*fdp = fd;
	return MAILSLOT_OK;
}

/* ctl_put sends one request record: the header, then extra. */
static int
ctl_put(int fd, uint32_t op, const void *extra, size_t extralen)
{
	struct msl_ctl_req req = { MSL_CTL_MAGIC, op };
	uint8_t out[MSL_CTL_MAX];

	if (sizeof req + extralen > sizeof out)
		return -1;
	memcpy(out, &req, sizeof req);
	if (extralen)
		memcpy(out + sizeof req, extra, extralen);
	return send(fd, out, sizeof req + extralen, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

mailslot_err
msl_ctl_request(int fd, uint32_t op, const void *extra, size_t extralen,
    void *body, size_t bodycap, size_t *bodylen)
{
	struct msl_ctl_rep rep;
	uint8_t in[MSL_CTL_REPLY_MAX];
	ssize_t r;

	if (sizeof(struct msl_ctl_req) + extralen > MSL_CTL_MAX)
		return MAILSLOT_E_INVAL;
	/* The daemon answers at once; the bound only guards against one that
	 * is stopped. */
	if (ctl_put(fd, op, extra, extralen) != 0 ||
	    msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    (r = recv(fd, in, sizeof in, 0)) < (ssize_t)sizeof rep)
		return MAILSLOT_E_NODAEMON;
	memcpy(&rep, in, sizeof rep);
	if (rep.magic != MSL_CTL_MAGIC)
		return MAILSLOT_E_PROTO;
	size_t n = (size_t)r - sizeof rep;
	if (n > bodycap)
		n = bodycap;
	if (body && n)
		memcpy(body, in + sizeof rep, n);
	if (bodylen)
		*bodylen = n;
	return (mailslot_err)rep.status;
}

int
msl_daemon_cred(pid_t *pid, uid_t *uid)
{
	gid_t gid;
	int fd, rc;

	if (msl_ctl_open(&fd) != MAILSLOT_OK)
		return -1;
	/* On a connected socket SO_PEERCRED names whoever called listen(). */
	rc = msl_peer_cred(fd, pid, uid, &gid);
	close(fd);
	return rc;
}

mailslot_err
msl_daemon_info(struct msl_ctl_info *info)
{
	pid_t pid;
	uid_t uid;
	gid_t gid;
	size_t got = 0;
	int fd;
	mailslot_err e = msl_ctl_open(&fd);

	if (e != MAILSLOT_OK)
		return e;
	/* One connection answers both questions: who listens, and what. */
	if (msl_peer_cred(fd, &pid, &uid, &gid) != 0 || (uid != 0 && uid != getuid()))
		e = MAILSLOT_E_ACCESS;
	else if ((e = msl_ctl_request(fd, MSL_CTL_INFO, NULL, 0, info, sizeof *info, &got)) ==
	    MAILSLOT_OK && got != sizeof *info)
		e = MAILSLOT_E_PROTO;
	close(fd);
	return e;
}

mailslot_err
msl_ctl_call(uint32_t op, const void *extra, size_t extralen, void *body,
    size_t bodycap, size_t *bodylen)
{
	int fd;
	mailslot_err e = msl_ctl_open(&fd);

	if (e != MAILSLOT_OK)
		return e;
	e = msl_ctl_request(fd, op, extra, extralen, body, bodycap, bodylen);
	close(fd);
	return e;
}

mailslot_err
mailslot_daemon_stats(mailslot_stat_cb cb, void *arg)
{
	char text[MSL_CTL_REPLY_MAX + 1];
	size_t n = 0;
	mailslot_err e;

	if (cb == NULL)
		return MAILSLOT_E_INVAL;
	e = msl_ctl_call(MSL_CTL_STATS, NULL, 0, text, sizeof text - 1, &n);
	if (e != MAILSLOT_OK)
		return e;
	text[n] = '\0';
	/* The body is "name value\n" lines. */
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp == NULL)
			return MAILSLOT_E_PROTO;
		*sp = '\0';
		if (cb(line, strtoull(sp + 1, NULL, 10), arg) != 0)
			break;
	}
	return MAILSLOT_OK;
}
