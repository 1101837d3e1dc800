/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - mailslotd's one state struct, its counters, and what each of
 * its files offers the others.
 *
 * The daemon has one thread and keeps every piece of state in one
 * struct msld, which main.c owns and passes to every function, so that
 * each file's job can be read (and rules.c's decisions tested) on its own:
 *
 *   main.c     options, configuration, start-up, dropping root
 *   watch.c    the epoll set and the signal descriptor
 *   loop.c     the event loop: ready descriptors to their handlers, signals
 *   udp.c      the UDP sockets: binding, batched receive, batched send
 *   udpgro.c   reading the datagram socket in runs (UDP_GRO)
 *   rules.c    the receive rules: what to do with one datagram or one
 *              name query (pure: no system call)
 *   relay.c    delivery into local mailslots through the core's relay role
 *   relaytab.c the relay handles' table: hash, LRU, opens in progress
 *   frag.c     reassembling fragmented datagrams (pure, frag.h)
 *   ifwatch.c  the interface table, kept current by netlink
 *   names.c    answering name queries and node status on UDP 137
 *   nametab.c  the names this node owns and their state (pure)
 *   register.c registering, defending and releasing them (RFC 1001/1002
 *              B-node), on a timer in the event loop
 *   outbox.c   sending local writers' datagrams
 *   control.c  the local control socket (statistics, node information)
 *   log.c      logging to stderr or the journal
 *   notify.c   telling systemd (sd_notify) about start-up and reloads
 *   nmbdlink.c receiving through Samba nmbd's unexpected packet socket
 *   wins.c     registering the node's names with a WINS server
 *   announce.c announcing the host to browsers ("announce = yes")
 */
#ifndef MSLD_DAEMON_H
#define MSLD_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include <mailslot/mailslot.h>

#include "../core/core.h"
#include "../net/netconf.h"
#include "msl_codec.h"
#include "frag.h"

/* ---- counters ----------------------------------------------------------
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
	X(drop_duplicate)       /* seen again (docs/protocol.md §4.4)     */ \
	X(drop_delivery_error)  /* the local transport failed otherwise   */ \
	X(nbns_queries)         /* name queries read on UDP 137           */ \
	X(nbns_answered)        /* ... answered for our names             */ \
	X(nbns_ignored)         /* other names, responses, malformed      */ \
	/* names (issue 13): owning names, node status, scopes */            \
	X(names_held)           /* names held now (a gauge)               */ \
	X(name_registrations)   /* registration requests broadcast        */ \
	X(name_conflicts)       /* names given up: another node owns them */ \
	X(name_defended)        /* negative responses sent for our names  */ \
	X(name_releases)        /* release requests broadcast on stop     */ \
	X(nbns_status_answered) /* node status requests answered          */ \
	X(drop_other_scope)     /* datagrams for another NetBIOS scope    */ \
	X(nbns_other_scope)     /* name service packets of another scope  */ \
	X(tx_datagrams)         /* datagrams sent for local writers       */ \
	X(tx_errors)                                                         \
	X(ctl_requests)                                                       \
	/* ---- relays at scale (relay.c, relaytab.c) ---- */                 \
	X(drop_relay_queue)     /* queue of a mailslot being opened full  */ \
	X(drop_relay_timeout)   /* the mailslot did not answer the open   */ \
	X(drop_relay_opens)     /* too many opens in progress             */ \
	/* ---- fragments (frag.c; docs/protocol.md §3.2) ---- */              \
	X(frag_received)        /* fragments read                         */ \
	X(frag_reassembled)     /* datagrams made whole from them         */ \
	X(drop_frag_duplicate)  /* the same fragment again                */ \
	X(drop_frag_overlap)    /* overlapped another: datagram discarded */ \
	X(drop_frag_too_large)  /* beyond the largest datagram            */ \
	X(drop_frag_too_many)   /* more pieces than a datagram may have   */ \
	X(drop_frag_no_room)    /* table full, or the source's share      */ \
	X(drop_frag_bad)        /* contradicts the other pieces           */ \
	X(drop_frag_timeout)    /* not whole within 2 s                   */ \
	/* ---- sending in runs (udp.c) ---- */                               \
	X(tx_segmented)         /* of tx_datagrams, sent in UDP_SEGMENT runs */ \
	X(rx_segmented)         /* of rx_datagrams, read in UDP_GRO runs  */ \
	/* beside nmbd (nmbdlink.c) */                                       \
	X(rx_nmbd)              /* datagrams nmbd handed over             */ \
	/* the WINS client (wins.c) */                                       \
	X(wins_requests)        /* registrations, refreshes, releases sent */ \
	X(wins_registered)      /* positive answers                       */ \
	X(wins_refused)         /* negative answers                       */

enum msld_counter {
#define MSLD_ENUM_(n) MSLD_C_##n,
	MSLD_COUNTERS(MSLD_ENUM_)
#undef MSLD_ENUM_
	MSLD_C_COUNT
};

struct msld_stats {
	uint64_t n[MSLD_C_COUNT];
	uint64_t drop_reason[MSL_PE_COUNT]; /* drop_malformed, by reason */
};

/* ---- sizes ----------------------------------------------------------------
 * Everything is a fixed table, so the daemon's memory does not depend on
 * what arrives. */

/* Datagrams read per recvmmsg(2) call, and batches per wake-up, so that
 * name queries and local clients get their turn. */
#define MSLD_BATCH 32
#define MSLD_RX_ROUNDS 4
/* A receive slot has room well above nmbd's 576 bytes (docs/protocol.md §8); a longer
 * payload is cut, and no valid datagram is longer, since the SMB part is
 * at most MSL_SMBMAIL_MAX bytes (docs/protocol.md §3.1). */
#define MSLD_RX_MAX 2048
/* Datagrams for local writers sent per sendmmsg(2) call. */
#define MSLD_TX 64
/* Recently seen datagrams (a datagram is known by its source and DGM_ID,
 * RFC 1002 §4.4.1): the same broadcast can arrive twice, e.g. on two
 * interfaces of one subnet, and is delivered once within the window,
 * the "duplicate timeout" key (conf.dup_ms, 2 s as Windows' default
 * MailslotDuplicateTimeout; 0 delivers every copy). */
#define MSLD_DEDUP 128
#define MSLD_DEDUP_NS (2ull * 1000000000ull)
/* ---- relays at scale (relay.c, relaytab.c) ----
 * Relay handles to local mailslots stay open between datagrams, up to a
 * capacity fixed at start from the descriptor limit (each handle holds
 * MSLD_RELAY_FDS descriptors: its control socket; its ring is a mapping),
 * at most MSLD_RELAYS_MAX; the least recently used open one is evicted.
 * A new handle opens without blocking (MSLD_T_RELAY watches its socket):
 * it may take MSLD_OPEN_NS to answer, while datagrams for it wait in a
 * pool of MSLD_OPENQ_POOL, which the opens in progress share (each may
 * queue MSLD_OPENQ at least); at most MSLD_OPENING opens are in progress
 * at once.  Deliveries are gathered per batch. */
#define MSLD_RELAYS_MAX 16384
#define MSLD_RELAYS_MIN 64
#define MSLD_RELAY_FDS 1
#define MSLD_OPENING 1024
/* Descriptors kept beside the relays': the sockets, control clients, the
 * outbox's writers, and the third descriptor of each open in progress. */
#define MSLD_FD_RESERVE (256 + MSLD_OPENING)
/* A second: a reader busy with thousands of mailslots, on a loaded
 * machine, may take that long; waiting costs no other mailslot anything. */
#define MSLD_OPEN_NS (1000ull * 1000000ull)
#define MSLD_OPENQ 8
#define MSLD_OPENQ_POOL 4096
#define MSLD_PENDING MSLD_BATCH
/* Mailslots that did not answer the relay's open in time are not asked
 * again for a second. */
#define MSLD_BUSY 64
#define MSLD_BUSY_NS 1000000000ull
/* What is buffered of nmbd's stream: more than two whole frames (a
 * header and 1024 bytes), so a frame always fits after the last one. */
#define MSLD_NMBD_BUF 8192
/* Names registered with the WINS server: the name, its aliases and the
 * workgroup. */
#define MSLD_WINS_NAMES (MSL_NET_MAX_ALIASES + 2)
/* Local control clients: each is one SEQPACKET connection. */
#define MSLD_CLIENTS 128
/* ---- control clients per user (control.c) ----
 * One local user may hold at most this many of them, so that no user can
 * take the slots that `mailslot stats` and other users' writers need. */
#define MSLD_CLIENTS_PER_UID 16

/* Eviction takes the least recently used handle, never one of a batch. */
_Static_assert(MSLD_RELAYS_MIN > MSLD_PENDING, "pending deliveries must not lose their handles");

/* ---- what the receive rules see and decide (rules.c) ------------------- */

/* One received UDP payload, as recvmmsg(2) filled it. */
struct msld_rx {
	uint8_t buf[MSLD_RX_MAX];
	size_t len;
	size_t wire_len; /* the payload's length on the wire (MSG_TRUNC): len or more */
	struct sockaddr_in from;
	struct in_pktinfo pi; /* ingress interface and local address */
};

/*
 * The facts the rules decide on.  ifname is the ingress interface's name,
 * which the I/O side looks up only when the "interfaces" setting needs it
 * (NULL otherwise, or when the interface has gone); now is CLOCK_MONOTONIC
 * in nanoseconds.
 */
struct msld_dgram {
	const uint8_t *buf;
	size_t len;
	size_t wire_len; /* its length on the wire, when longer than len; else 0 */
	uint32_t ip;   /* source, network order */
	uint16_t port; /* source, host order */
	const char *ifname;
	uint64_t now;
	int reassembled; /* made whole from fragments, which were counted */
	int if_verdict;  /* MSLD_IF_*: what the interface table says of ifname */
};

/* What the interface table (ifwatch.c) says of a datagram's ingress
 * interface: RULES (0) leaves it to the rules, by ifname. */
enum { MSLD_IF_RULES, MSLD_IF_YES, MSLD_IF_NO };

/*
 * What to do with one datagram.  deliver: data (len bytes, inside the
 * datagram's buffer) goes to the local mailslot slot, with origin.
 * Otherwise drop says which counter it went to and, for drop_malformed,
 * reason says why.
 */
struct msld_verdict {
	int deliver;
	enum msld_counter drop;
	msl_perr reason;
	mailslot_name slot;
	msl_origin origin;
	const uint8_t *data;
	size_t len;
	int fragment; /* a fragment, for reassembly (frag.c), which counts it */
};

/* What a name query gets (RFC 1002 §4.2.13). */
enum msld_answer { MSLD_IGNORE, MSLD_ANSWER_UNIQUE, MSLD_ANSWER_GROUP, MSLD_ANSWER_STATUS };

/* ---- names (issue 13): the names this node owns (nametab.c) ------------
 * NAME<00> and each alias<00> (unique) and WORKGROUP<00> (group), all in
 * the configured scope. */
#define MSLD_NAMES (2 + MSL_NET_MAX_ALIASES)
enum msld_name_state {
	MSLD_NAME_REGISTERING, /* requests broadcast, nobody objected yet  */
	MSLD_NAME_HELD,        /* registered: answered for and defended    */
	MSLD_NAME_LOST,        /* another node defended it first: given up */
	MSLD_NAME_CONFLICT,    /* a NAME CONFLICT DEMAND came: given up    */
};
struct msld_name {
	struct msl_nbname nb;
	int group;
	enum msld_name_state state;
	unsigned sent;   /* registration requests sent so far             */
	uint16_t trn_id; /* the requests' NAME_TRN_ID                     */
	uint64_t due;    /* CLOCK_MONOTONIC ns of the next step; 0: none  */
	uint32_t owner;  /* LOST/CONFLICT: who objected, network order    */
	uint64_t defended; /* negative answers sent for it                */
};

/* ---- the state ------------------------------------------------------------ */

enum msld_tag { MSLD_T_DGM, MSLD_T_NS, MSLD_T_LISTEN, MSLD_T_SIGNAL, MSLD_T_CLIENT, MSLD_T_OUTBOX,
	MSLD_T_NAMES /* names (issue 13): register.c's timer */,
	MSLD_T_RELAY /* a relay open in progress (relay.c) */,
	MSLD_T_IFACES /* netlink: interface changes (ifwatch.c) */,
	MSLD_T_LAN /* the descriptors of nmbdlink.c */ };

/* One descriptor in the epoll set; the event's data points here. */
struct msld_watch {
	enum msld_tag tag;
	int fd;
};

struct msld_seen {
	uint32_t ip;
	uint16_t id, len;
	uint32_t hash;
	uint64_t t;
};

/*
 * One relay handle, open (c) or opening (o, watched in epoll through w,
 * which comes first so that the event's pointer is the relay's).  Handles
 * are linked by index: in their hash chain, and in the list of open ones
 * by use (lru) or of opening ones by deadline (the same links).
 */
struct msld_relay {
	struct msld_watch w;
	char key[MAILSLOT_NAME_MAX + 1];
	mailslot_client *c;
	msl_relay_open *o;
	uint64_t deadline; /* opening: when it is given up */
	int hnext;         /* hash chain, -1 ends it */
	int prev, next;    /* its list: lru, opening or free */
	int where;         /* which list: MSLD_RL_FREE, _LRU, _OPENING */
	int qhead, qtail, qn; /* opening: queued datagrams (msld_qmsg) */
	int stalled; /* its last wait for room ran out: do not wait again */
};

enum { MSLD_RL_FREE, MSLD_RL_LRU, MSLD_RL_OPENING };

/* A datagram queued for a mailslot whose relay is opening. */
struct msld_qmsg {
	msl_origin origin;
	char path[MAILSLOT_NAME_MAX + 1]; /* the mailslot's name as sent, for the log */
	int next;
	uint16_t len;
	uint8_t data[MSLD_RX_MAX];
};

/* The relay table (relaytab.c): fixed at start. */
struct msld_relays {
	struct msld_relay *r;
	int cap;
	int *bucket;       /* hash heads, nbucket a power of two */
	unsigned nbucket;
	int lru, opening, free_list; /* list heads (lru: most recent first) */
	int lru_tail, opening_tail;
	int nopening;
	struct msld_qmsg *q;
	int qfree;
};

/* A delivery waiting for its batch to be written (relay.c). */
struct msld_pending {
	struct msld_verdict v;
	struct msld_relay *r;
};

struct msld_tx {
	uint8_t buf[MSL_MDGM_MAX];
	size_t len;
	struct sockaddr_in to;
};

/* One name's registration with the WINS server (wins.c). */
struct msld_wins_name {
	struct msl_nbname name;
	int group;
	int state;     /* wins.c's W_* */
	int waiting;   /* a request is out: due is its retry time      */
	int tries;
	int server;    /* which "wins server" it is with               */
	uint16_t trn;
	uint32_t ttl;  /* granted, seconds                             */
	uint64_t due;  /* next step, CLOCK_MONOTONIC ns                */
};

struct msld {
	struct msl_netconf conf;
	int journal; /* stderr goes to the journal: prefix priorities */
	/* SIGHUP: read the configuration again (main.c sets it). */
	void (*reload)(struct msld *d);
	struct msld_stats stats;

	/* The receive rules' memory: the duplicate cache. */
	struct msld_seen seen[MSLD_DEDUP];
	unsigned seen_next;

	/* The event loop and its descriptors. */
	int epfd;
	struct msld_watch dgm, ns, listen, sig, out;
	struct msld_watch clients[MSLD_CLIENTS];
	uid_t client_uid[MSLD_CLIENTS]; /* who holds each (SO_PEERCRED) */
	mailslot_server *outbox;

	/* Receiving: one batch of datagrams; sending: one batch out. */
	struct msld_rx rxq[MSLD_BATCH];
	struct msld_tx txq[MSLD_TX];
	int ntx;
	int tx_nogso; /* UDP_SEGMENT failed once: send datagrams one by one (udp.c) */
	struct msld_gro *gro; /* reading in runs (udpgro.c), made at the first read */
	int gro_off;          /* UDP_GRO is not to be had: plain reads */

	/* ---- interfaces followed by netlink (ifwatch.c) ---- */
	struct msld_watch ifw;
	int nifs;
	struct {
		unsigned index;
		uint32_t addr;
		char name[IF_NAMESIZE];
	} ifs[MSL_NET_MAX_IFACES];

	/* Reassembling fragments (frag.c). */
	struct msld_frags frags;

	/* Delivering. */
	struct msld_relays relays;
	struct {
		char key[MAILSLOT_NAME_MAX + 1];
		uint64_t until;
	} busy[MSLD_BUSY];
	unsigned busy_next;
	struct msld_pending pend[MSLD_PENDING];
	int npend;

	/* names (issue 13): the names this node owns, and register.c's
	 * timerfd. */
	struct msld_name names[MSLD_NAMES];
	unsigned nnames;
	struct msld_watch name_timer;

	/* ---- beside Samba's nmbd (nmbdlink.c) ---------------------------- */
	int coexist;       /* nmbd owns the ports: receive through it     */
	struct msld_watch nmbd, nmbd_timer;
	uint8_t nmbd_buf[MSLD_NMBD_BUF]; /* the stream, up to a frame's end */
	size_t nmbd_len;
	int nmbd_acked;    /* nmbd's one-byte answer to the query is read */

	/* ---- the WINS client (wins.c) ------------------------------------ */
	struct msld_watch wins, wins_timer;
	struct msld_wins_name wins_names[MSLD_WINS_NAMES];
	int nwins_names;

	/* ---- browser announcements (announce.c) -------------------------- */
	struct msld_watch announce_timer;
	unsigned announce_count;
};

/* ---- rules.c: pure decisions --------------------------------------------- */

/*
 * msld_decide applies the receive rules to one datagram, in order: the
 * allow list, the interface, the parse (RFC 1002 §4.4, [MS-MAIL] §2.2),
 * our name, the duplicate window, the local mailslot's name.  It counts
 * the datagram (rx_* and, when it drops it, the drop counter), records it
 * in the duplicate cache, fills v and returns v->deliver.
 */
int msld_decide(struct msld *d, const struct msld_dgram *in, struct msld_verdict *v);

/*
 * msld_decide_query applies the rules to one datagram on the name service
 * port and says whether and how to answer; *q is the parsed query.  It
 * counts nbns_queries and nbns_ignored.
 */
enum msld_answer msld_decide_query(struct msld *d, const struct msld_dgram *in,
    struct msl_nbns_query *q);

/* ---- nametab.c: the name table (pure) ------------------------------------ */

/*
 * msld_names_load rebuilds the table from the configuration: names that
 * were there before keep their state, new ones start REGISTERING (due
 * now).  Entries that are no longer configured are copied to gone[]
 * (room for MSLD_NAMES), so that the caller can release them; it returns
 * how many.
 */
unsigned msld_names_load(struct msld *d, struct msld_name gone[MSLD_NAMES]);

/* msld_names_find returns the entry for a name (suffix and scope
 * included, ASCII case ignored), or NULL. */
struct msld_name *msld_names_find(struct msld *d, const struct msl_nbname *n);

/* msld_name_answers tells whether queries for the entry are answered: it
 * is being registered or held (RFC 1002 §5.1.1.5: a name in the table and
 * not in conflict). */
int msld_name_answers(const struct msld_name *e);

/* msld_names_count_held sets the names_held gauge from the table. */
void msld_names_count_held(struct msld *d);

/* rules.c (names): msld_ns_from_ok applies "hosts allow", "hosts deny"
 * and "interfaces" to a name service packet that is not a query. */
int msld_ns_from_ok(const struct msld *d, const struct msld_dgram *in);

/* msld_count_delivery counts the outcome of one delivery: delivered, or
 * the drop counter its error stands for. */
enum msld_counter msld_count_delivery(struct msld *d, mailslot_err e);

/* ---- the I/O side ----------------------------------------------------------- */

/* log.c */
void msld_log(const struct msld *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *msld_ipstr(uint32_t ip, char buf[INET_ADDRSTRLEN]);
/* msld_kv writes s as one log field's value into buf: quoted when it holds
 * a blank, '"' or '=', any byte that is not printable ASCII as \xHH. */
const char *msld_kv(const char *s, char *buf, size_t cap);

/* notify.c: msld_notify sends one sd_notify(3) message when
 * $NOTIFY_SOCKET is set; msld_monotonic_us is the clock RELOADING=1
 * wants beside it. */
void msld_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t msld_monotonic_us(void);

/* watch.c: msld_loop_open makes the epoll set and the signal descriptor,
 * msld_watch_add adds one descriptor; loop.c: msld_run serves until a signal
 * says stop (EX_OK) or epoll fails (EX_OSERR). */
int msld_loop_open(struct msld *d);
int msld_watch_add(struct msld *d, struct msld_watch *w);
int msld_run(struct msld *d);

/* udp.c */
int msld_udp_open(struct msld *d, uint16_t port, const char *what);
int msld_udp_recv(int fd, struct msld_rx *q, int max);
void msld_udp_view(const struct msld *d, const struct msld_rx *rx, uint64_t now,
    char ifname[IF_NAMESIZE], struct msld_dgram *out);
void msld_udp_flush(struct msld *d);

/* udpgro.c: msld_udp_recv_runs reads the datagram socket as msld_udp_recv
 * does, with the runs UDP_GRO hands it cut into datagrams; pending: some
 * of a run read are still to be taken (the socket may not be readable);
 * close frees the buffers. */
struct msld_gro;
int msld_udp_recv_runs(struct msld *d, struct msld_rx *q, int max);
int msld_udp_gro_pending(const struct msld *d);
void msld_udp_gro_close(struct msld *d);

/* relay.c: msld_on_relay finishes an open in progress; msld_relay_expire
 * gives up the opens past their deadline and returns the milliseconds
 * until the next one (-1: none), for epoll_wait. */
void msld_on_datagrams(struct msld *d);
void msld_on_relay(struct msld *d, struct msld_watch *w);
int msld_relay_expire(struct msld *d);

/* relaytab.c: the relay table.  msld_relays_init sizes it from the
 * descriptor limit (raising the soft limit to the hard one first);
 * find returns the handle for key or NULL; take returns a free handle
 * (evicting the least recently used open one) or NULL; to_lru / to_opening
 * put it in a list (unlinking it first from the one it is in); release
 * closes it and frees it. */
int msld_relays_init(struct msld *d);
struct msld_relay *msld_relay_find(struct msld *d, const char *key);
struct msld_relay *msld_relay_take(struct msld *d, const char *key);
void msld_relay_to_lru(struct msld *d, struct msld_relay *r);
void msld_relay_to_opening(struct msld *d, struct msld_relay *r);
void msld_relay_release(struct msld *d, struct msld_relay *r);

/* relay.c: msld_take_batch applies the rules to d->rxq[0..n) and
 * delivers, as for datagrams read from UDP 138 */
void msld_take_batch(struct msld *d, int n);
void msld_relay_close_all(struct msld *d);

/* ifwatch.c: msld_ifaces_open starts following interface changes and
 * reads the table; msld_on_ifaces reads it again after a change;
 * msld_iface_verdict judges the ingress interface index (MSLD_IF_*) and
 * sets *name to its name (in the table, or in ifname), or NULL. */
int msld_ifaces_open(struct msld *d);
void msld_on_ifaces(struct msld *d);
int msld_iface_verdict(const struct msld *d, unsigned index, char ifname[IF_NAMESIZE],
    const char **name);

/* names.c */
void msld_on_names(struct msld *d);

/* register.c (names, issue 13): msld_names_start opens the timer and
 * starts registering (0, or -1 when the timer cannot be made);
 * msld_on_name_timer takes the next steps; msld_names_packet handles a
 * registration, release or response packet that names.c read;
 * msld_names_reload follows a new configuration; msld_names_release
 * broadcasts NAME RELEASE REQUESTs for what is held, at stop. */
int msld_names_start(struct msld *d);
void msld_on_name_timer(struct msld *d);
void msld_names_packet(struct msld *d, const struct msl_nbns_pkt *p, const struct msld_rx *rx);
void msld_names_reload(struct msld *d);
void msld_names_release(struct msld *d);

/* outbox.c */
int msld_outbox_open(struct msld *d);
void msld_on_outbox(struct msld *d);

/* nmbdlink.c: msld_nmbd_wanted says whether to run beside nmbd (the
 * "nmbd coexistence" key); msld_nmbd_open opens the sending socket and the
 * link; msld_on_lan serves its descriptors */
int msld_nmbd_wanted(const struct msld *d);
int msld_nmbd_open(struct msld *d);
void msld_on_lan(struct msld *d, struct msld_watch *w);

/* wins.c: msld_wins_open registers the names (when a "wins server" is
 * set and the node is no B-node); msld_wins_on serves its descriptors
 * (1 when w was one of them); msld_wins_close releases the names */
int msld_wins_open(struct msld *d);
int msld_wins_on(struct msld *d, struct msld_watch *w);
void msld_wins_close(struct msld *d);

/* announce.c: msld_announce_open starts the HostAnnouncements of
 * "announce = yes"; msld_announce_on serves its timer (1 when w was it) */
int msld_announce_open(struct msld *d);
int msld_announce_on(struct msld *d, struct msld_watch *w);

/* control.c */
int msld_control_listen(struct msld *d);
void msld_on_accept(struct msld *d);
void msld_on_client(struct msld *d, struct msld_watch *w);

#endif /* MSLD_DAEMON_H */
