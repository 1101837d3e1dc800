/* SPDX-License-Identifier: MIT */
/*
 * nbtool.c - a test helper for the multi-host daemon tests: it crafts
 * mailslot datagrams, valid or broken on purpose, and sends them to a
 * UDP port; it can also wait for one datagram and dump it.
 *
 *   nbtool send IP PORT KIND [DSTNAME [MAILSLOT [DATA]]]
 *   nbtool listen PORT TIMEOUT_MS
 *   nbtool reason KIND
 *   nbtool jsonhex
 *   nbtool nswatch PORT TIMEOUT_MS
 *   nbtool nssend IP PORT KIND NAME TIMEOUT_MS
 *
 * send builds a DIRECT_GROUP datagram from INJECTOR<00> (this host's
 * egress address as SOURCE_IP) to DSTNAME<00> (default WG) carrying DATA
 * (default "injected") for MAILSLOT (default \MAILSLOT\NEWS), with the
 * project's codec, then spoils it as KIND says and sends it, from an
 * ephemeral port, as one UDP datagram.  KIND is one of
 *   valid          the datagram as built
 *   unique         the same as DIRECT_UNIQUE (0x10)
 *   empty          a zero-length UDP payload
 *   trunc_header   the first 10 bytes only
 *   trunc_smb      cut inside the SMB header
 *   bad_type       MSG_TYPE 0x17
 *   fragment       FLAGS with MORE set (a first fragment)
 *   fragment_next  FLAGS with FIRST clear (a later fragment)
 *   bad_src_name   a SOURCE_NAME character outside 'A'..'P'
 *   bad_dst_name   a DESTINATION_NAME whose first label is not 32 long
 *   not_smb        the SMB signature spoilt
 *   bad_command    an SMB command other than 0x25
 *   bad_offset     DataOffset beyond the end of the datagram
 *   bad_mailslot   a name that does not start with \MAILSLOT\
 *   garbage        400 pseudo-random bytes
 * It prints the payload size sent; $NBTOOL_REPEAT=N sends N identical
 * copies (at most 100).  listen binds 0.0.0.0:PORT and prints
 * "FROM IP:PORT LEN" and a hex dump of the first datagram, or exits 1
 * after TIMEOUT_MS.  reason prints what the codec's receiver parse says
 * of KIND ("ok", or the msl_perr_str of the drop reason), so the tests
 * know which drop_<reason> counter a datagram must raise.  jsonhex reads
 * the lines of `mailslot recv --json` and prints each message's exact
 * bytes (its "base64" field) in hex, one message a line.
 *
 * For the name service (names, issue 13): nswatch binds 0.0.0.0:PORT and
 * prints one line per registration, release or response packet that
 * arrives within TIMEOUT_MS, flushed at once:
 *   FROM IP KIND NAME<xx>[.scope] RCODE N ADDR IP FLAGS NB_FLAGS(hex)
 * with KIND as msl_nbns_pkt_kind names it (register, overwrite, refresh,
 * reg_positive, reg_negative, challenge, release, rel_positive,
 * rel_negative, wack).  nssend sends, from an ephemeral port, a
 * registration request (KIND register), a NAME OVERWRITE DEMAND
 * (overwrite) or a NAME CONFLICT DEMAND (conflict) for NAME<00> owned by
 * 10.255.0.1, and prints the first answer in the same form (exit 1 when
 * none comes within TIMEOUT_MS).  Exit status 2 is a usage or system
 * error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msl_codec.h"
#include "toolmain.h"

/* Offsets in a payload without NetBIOS scope (docs/protocol.md §1.1, §1.5). */
enum {
	OFF_TYPE = 0,
	OFF_FLAGS = 1,
	OFF_SRC_NAME = 14,
	OFF_DST_NAME = 48,
	OFF_SMB = 82,
	OFF_SMB_COMMAND = OFF_SMB + 4,
	OFF_DATA_OFFSET = OFF_SMB + 57,
	OFF_MAILSLOT = OFF_SMB + 69,
};

static int
die(const char *what)
{
	perror(what);
	return 2;
}

static int
build(uint32_t src_ip, const char *dst, const char *mailslot, const char *data, uint8_t type,
    uint8_t *buf, size_t *len)
{
	struct msl_mdgm_send s;
	memset(&s, 0, sizeof s);
	s.ms_type = type;
	s.ms_node = MSL_NBDGM_NODE_B;
	s.ms_id = (uint16_t)getpid();
	s.ms_src_ip = ntohl(src_ip);
	s.ms_src_port = MSL_NBDGM_PORT;
	s.ms_mailslot = mailslot;
	s.ms_mailslot_len = strlen(mailslot);
	s.ms_data = (const uint8_t *)data;
	s.ms_data_len = strlen(data);
	s.ms_profile = MSL_SMBMAIL_SAMBA;
	if (msl_nbname_make(&s.ms_src, "INJECTOR", 0x00, NULL) != MSL_PE_OK ||
	    msl_nbname_make(&s.ms_dst, dst, 0x00, NULL) != MSL_PE_OK) {
		fprintf(stderr, "nbtool: bad NetBIOS name\n");
		return -1;
	}
	msl_perr e = msl_mdgm_build(&s, buf, MSL_MDGM_MAX, len);
	if (e != MSL_PE_OK) {
		fprintf(stderr, "nbtool: build: %s\n", msl_perr_str(e));
		return -1;
	}
	return 0;
}

/* spoil applies KIND to the valid datagram buf[0..*len). */
static int
spoil(const char *kind, uint8_t *buf, size_t *len)
{
	if (strcmp(kind, "valid") == 0 || strcmp(kind, "unique") == 0)
		return 0;
	if (strcmp(kind, "empty") == 0)
		*len = 0;
	else if (strcmp(kind, "trunc_header") == 0)
		*len = 10;
	else if (strcmp(kind, "trunc_smb") == 0)
		*len = OFF_SMB + 20;
	else if (strcmp(kind, "bad_type") == 0)
		buf[OFF_TYPE] = 0x17;
	else if (strcmp(kind, "fragment") == 0)
		buf[OFF_FLAGS] |= MSL_NBDGM_FLAG_MORE;
	else if (strcmp(kind, "fragment_next") == 0)
		buf[OFF_FLAGS] &= (uint8_t)~MSL_NBDGM_FLAG_FIRST;
	else if (strcmp(kind, "bad_src_name") == 0)
		buf[OFF_SRC_NAME + 5] = 'Z';
	else if (strcmp(kind, "bad_dst_name") == 0)
		buf[OFF_DST_NAME] = 0x21;
	else if (strcmp(kind, "not_smb") == 0)
		buf[OFF_SMB + 1] = 'X';
	else if (strcmp(kind, "bad_command") == 0)
		buf[OFF_SMB_COMMAND] = 0x72;
	else if (strcmp(kind, "bad_offset") == 0) {
		buf[OFF_DATA_OFFSET] = 0xf0;
		buf[OFF_DATA_OFFSET + 1] = 0x01;
	} else if (strcmp(kind, "bad_mailslot") == 0)
		memcpy(buf + OFF_MAILSLOT, "\\NOTSLOT\\", 9);
	else if (strcmp(kind, "garbage") == 0) {
		uint32_t x = 0x2545f491u;
		*len = 400;
		for (size_t i = 0; i < *len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (uint8_t)x;
		}
	} else {
		fprintf(stderr, "nbtool: unknown kind '%s'\n", kind);
		return -1;
	}
	return 0;
}

static int
cmd_send(int argc, char **argv)
{
	if (argc < 4 || argc > 7)
		return tool_usage("nbtool send IP PORT KIND [DSTNAME [MAILSLOT [DATA]]]");
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "nbtool: bad address %s\n", argv[1]);
		return 2;
	}
	const char *kind = argv[3];
	const char *dst = argc > 4 ? argv[4] : "WG";
	const char *mailslot = argc > 5 ? argv[5] : "\\MAILSLOT\\NEWS";
	const char *data = argc > 6 ? argv[6] : "injected";

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof to) != 0)
		return die("nbtool: socket");
	struct sockaddr_in me;
	socklen_t ml = sizeof me;
	if (getsockname(fd, (struct sockaddr *)&me, &ml) != 0)
		return die("nbtool: getsockname");

	static uint8_t buf[MSL_MDGM_MAX + 512];
	size_t len;
	uint8_t type = strcmp(kind, "unique") == 0 ? MSL_NBDGM_DIRECT_UNIQUE : MSL_NBDGM_DIRECT_GROUP;
	if (build(me.sin_addr.s_addr, dst, mailslot, data, type, buf, &len) != 0 ||
	    spoil(kind, buf, &len) != 0)
		return 2;
	/* $NBTOOL_REPEAT copies of the same datagram, as a sender that
	 * retransmits (or a second path) delivers them. */
	const char *rep = getenv("NBTOOL_REPEAT");
	long copies = rep != NULL ? strtol(rep, NULL, 10) : 1;
	for (long i = 0; i < (copies < 1 ? 1 : copies > 100 ? 100 : copies); i++)
		if (send(fd, buf, len, 0) != (ssize_t)len)
			return die("nbtool: send");
	close(fd);
	printf("%zu\n", len);
	return 0;
}

/* listener starts the commands "CMD PORT TIMEOUT_MS" (listen, nswatch):
 * a UDP socket bound to 0.0.0.0:PORT with SO_REUSEADDR (the daemon under
 * test may hold the port too), and SO_BROADCAST when broadcast is
 * nonzero.  -1 after saying why on stderr (usage, or the system's error):
 * the command then exits 2. */
static int
listener(int argc, char **argv, int broadcast)
{
	if (argc != 3) {
		fprintf(stderr, "usage: nbtool %s PORT TIMEOUT_MS\n", argv[0]);
		return -1;
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0) ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		perror("nbtool: bind");
		return -1;
	}
	return fd;
}

static int
cmd_listen(int argc, char **argv)
{
	int fd = listener(argc, argv, 0);
	if (fd < 0)
		return 2;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, atoi(argv[2])) <= 0)
		return 1;
	static uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return die("nbtool: recvfrom");
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
	printf("FROM %s:%u %zd\n", ip, (unsigned)ntohs(from.sin_port), n);
	for (ssize_t i = 0; i < n; i++)
		printf("%02x%s", buf[i], (i % 16 == 15 || i == n - 1) ? "\n" : " ");
	return 0;
}

static int
cmd_reason(int argc, char **argv)
{
	if (argc != 2)
		return tool_usage("nbtool reason KIND");
	static uint8_t buf[MSL_MDGM_MAX + 512];
	size_t len;
	uint8_t type = strcmp(argv[1], "unique") == 0 ? MSL_NBDGM_DIRECT_UNIQUE : MSL_NBDGM_DIRECT_GROUP;
	if (build(htonl(0x0a000001), "WG", "\\MAILSLOT\\NEWS", "injected", type, buf, &len) != 0 ||
	    spoil(argv[1], buf, &len) != 0)
		return 2;
	struct msl_mdgm m;
	printf("%s\n", msl_perr_str(msl_mdgm_parse(buf, len, &m)));
	return 0;
}

/* b64val returns the value of one base64 digit, or -1. */
static int
b64val(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
	    : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int
cmd_jsonhex(int argc, char **argv)
{
	static char line[1 << 20];

	(void)argv;
	if (argc != 1)
		return tool_usage("nbtool jsonhex");
	while (fgets(line, sizeof line, stdin) != NULL) {
		const char *p = strstr(line, "\"base64\":\"");
		uint32_t acc = 0;
		int bits = 0, v;
		if (p == NULL)
			continue;
		for (p += 10; *p != '\0' && *p != '"' && *p != '='; p++) {
			if ((v = b64val((unsigned char)*p)) < 0) {
				fprintf(stderr, "nbtool: bad base64 digit '%c'\n", *p);
				return 2;
			}
			acc = (acc << 6) | (uint32_t)v;
			if ((bits += 6) >= 8) {
				bits -= 8;
				printf("%02x", (unsigned)(acc >> bits) & 0xffu);
			}
		}
		printf("\n");
	}
	return 0;
}

static const char *const kinds[] = {
	"register", "overwrite", "refresh", "reg_positive", "reg_negative", "challenge",
	"release", "rel_positive", "rel_negative", "wack",
};

/* ns_print prints one name service packet as nswatch and nssend do;
 * returns 0, or -1 when it is not a registration or release packet. */
static int
ns_print(const uint8_t *buf, size_t n, const struct sockaddr_in *from)
{
	struct msl_nbns_pkt p;
	char ip[INET_ADDRSTRLEN], nb[MSL_NBNAME_FMT_MAX];
	struct in_addr owner;

	if (msl_nbns_pkt_parse(buf, n, &p) != MSL_PE_OK)
		return -1;
	inet_ntop(AF_INET, &from->sin_addr, ip, sizeof ip);
	msl_nbname_format(&p.np_name, nb, sizeof nb);
	owner.s_addr = htonl(p.np_addr.na_ip);
	printf("FROM %s %s %s RCODE %u ADDR %s FLAGS %04x\n", ip, kinds[msl_nbns_pkt_kind(&p)], nb,
	    p.np_rcode, inet_ntoa(owner), p.np_addr.na_flags);
	fflush(stdout);
	return 0;
}

static int
cmd_nswatch(int argc, char **argv)
{
	int fd = listener(argc, argv, 1);
	if (fd < 0)
		return 2;
	printf("READY\n");
	fflush(stdout);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (poll(&pf, 1, atoi(argv[2])) > 0) {
		static uint8_t buf[2048];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			(void)ns_print(buf, (size_t)n, &from);
	}
	return 0;
}

static int
cmd_nssend(int argc, char **argv)
{
	if (argc != 6)
		return tool_usage("nbtool nssend IP PORT KIND NAME TIMEOUT_MS");
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	struct msl_nbname name;
	struct msl_nbns_pkt p;
	uint8_t buf[2048];
	size_t len;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
	    msl_nbname_make(&name, argv[4], 0, NULL) != MSL_PE_OK) {
		fprintf(stderr, "nbtool: bad address or name\n");
		return 2;
	}
	if (strcmp(argv[3], "register") == 0) {
		msl_nbns_register_init(&p, 0x4242, &name, 0, 0, 0x0aff0001, 1);
	} else if (strcmp(argv[3], "overwrite") == 0) {
		msl_nbns_overwrite_init(&p, 0x4242, &name, 0, 0, 0x0aff0001);
	} else if (strcmp(argv[3], "conflict") == 0) {
		/* RFC 1002 §4.2.8: a negative registration response, CFT_ERR. */
		struct msl_nbns_pkt req;
		msl_nbns_register_init(&req, 0x4242, &name, 0, 0, 0x0aff0001, 0);
		msl_nbns_reply_init(&p, &req, MSL_NBNS_RCODE_CFT_ERR);
	} else {
		fprintf(stderr, "nbtool: KIND is register, overwrite or conflict\n");
		return 2;
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
	    msl_nbns_pkt_build(&p, buf, sizeof buf, &len) != MSL_PE_OK ||
	    sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len)
		return die("nbtool: nssend");
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (poll(&pf, 1, atoi(argv[5])) > 0) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		if (n > 0 && ns_print(buf, (size_t)n, &from) == 0)
			return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct tool_cmd cmds[] = {
		{ "nswatch", cmd_nswatch }, { "nssend", cmd_nssend }, { "jsonhex", cmd_jsonhex },
		{ "reason", cmd_reason }, { "send", cmd_send }, { "listen", cmd_listen },
	};

	return tool_main(cmds, sizeof cmds / sizeof cmds[0],
	    "usage: nbtool send IP PORT KIND [DSTNAME [MAILSLOT [DATA]]]\n"
	    "       nbtool listen PORT TIMEOUT_MS\n"
	    "       nbtool reason KIND\n"
	    "       nbtool jsonhex\n"
	    "       nbtool nswatch PORT TIMEOUT_MS\n"
	    "       nbtool nssend IP PORT KIND NAME TIMEOUT_MS\n", argc, argv);
}
