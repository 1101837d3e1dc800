/* SPDX-License-Identifier: MIT */
/*
 * inherit.c - handle inheritance over exec and fork: the description of
 * the inheritable handles a child gets, the broker that serves a server's
 * messages to a child that inherited it, the child's proxy calls, and the
 * fork hooks.
 *
 * CreateProcess with bInheritHandles (process.c) passes each inheritable
 * handle under the same value, as Windows does, and describes them in
 * $MAILSLOT_INHERITED_HANDLES, which the child's library reads (handles.c)
 * before its first handle is used:
 *
 *   <pid>;<handle>:<kind>:<fd>:<extra>;...
 *
 * <pid> is the child's own (so a grandchild that merely inherited the
 * variable ignores it).  Events, threads and processes pass their
 * descriptor: an eventfd or pidfd works across processes as it is.  A
 * client passes its name (hex) and the child reopens it on first write.
 * A server cannot travel (its queue lives in this process's memory), so
 * the child gets one end of a stream socket and a broker thread here reads
 * the mailslot for it; the broker holds the mailslot, so its name lives
 * while the child's handle lives, as on Windows, but only while this
 * process runs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msw.h"

/* ------------------------------------------------------------------ */
/* The broker: reads a server for a child that inherited it            */
/* ------------------------------------------------------------------ */

enum {
	MSW_P_READ = 1,       /* read, with the mailslot's timeout */
	MSW_P_INFO = 2,
	MSW_P_SETTIMEOUT = 3,
	MSW_P_TRYREAD = 4,    /* read what is queued, never wait */
	MSW_P_AREAD = 5,      /* asynchronous channel: queue a read */
	MSW_P_ACANCEL = 6     /* asynchronous channel: cancel one */
};

typedef struct msw_preq {
	uint32_t op, cap, timeout;
} msw_preq;

typedef struct msw_prep {
	uint32_t err, len;
} msw_prep;

static int
msw_io_all(int fd, void *p, size_t n, int out)
{
	char *b = p;
	while (n > 0) {
		ssize_t r = out ? send(fd, b, n, MSG_NOSIGNAL) : recv(fd, b, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The asynchronous channel's reply: then len bytes of message. */
typedef struct msw_arep {
	uint32_t id, err, len;
} msw_arep;

typedef struct msw_broker {
	msw_obj *o;    /* referenced */
	int sock;      /* ours */
	int child_end; /* the child's, closed here once it has forked */
	int async;     /* serves the asynchronous channel */
} msw_broker;

static void *
msw_broker_main(void *arg)
{
	msw_broker *b = arg;
	msw_preq q;
	while (msw_io_all(b->sock, &q, sizeof q, 0) == 0) {
		msw_prep p = { 0, 0 };
		void *buf = NULL;
		size_t got = 0;
		mailslot_info info;
		mailslot_err e = MAILSLOT_OK;
		if (q.op == MSW_P_READ || q.op == MSW_P_TRYREAD) {
			if ((buf = malloc(q.cap ? q.cap : 1)) == NULL)
				e = MAILSLOT_E_NOMEM;
			else if (q.op == MSW_P_READ)
				e = mailslot_read(b->o->srv, buf, q.cap, &got, NULL);
			else
				e = mailslot_read_for(b->o->srv, buf, q.cap, &got, NULL, 0);
			p.len = e == MAILSLOT_OK ? (uint32_t)got : 0;
		} else if (q.op == MSW_P_INFO) {
			e = mailslot_get_info(b->o->srv, &info);
			buf = &info;
			p.len = e == MAILSLOT_OK ? (uint32_t)sizeof info : 0;
		} else if (q.op == MSW_P_SETTIMEOUT) {
			e = mailslot_set_timeout(b->o->srv, q.timeout);
		} else {
			break;
		}
		p.err = e == MAILSLOT_OK ? 0 : mailslot_win32_error(e);
		if (msw_io_all(b->sock, &p, sizeof p, 1) != 0 ||
		    (p.len > 0 && msw_io_all(b->sock, buf, p.len, 1) != 0)) {
			if (q.op != MSW_P_INFO)
				free(buf);
			break;
		}
		if (q.op != MSW_P_INFO)
			free(buf);
	}
	close(b->sock);
	msw_unref(b->o);
	free(b);
	return NULL;
}

/* A read queued on the asynchronous channel, in arrival order. */
typedef struct msw_areq {
	struct msw_areq *next;
	uint32_t id, cap;
	uint64_t deadline;
} msw_areq;

static int
msw_areply(int sock, uint32_t id, uint32_t err, const void *data, uint32_t len)
{
	msw_arep r = { id, err, len };
	return msw_io_all(sock, &r, sizeof r, 1) != 0 || (len > 0 && msw_io_all(sock, (void *)data, len, 1) != 0);
}

/* msw_abroker_serve answers the oldest reads while messages are there; nonzero if the socket failed. */
static int
msw_abroker_serve(int sock, mailslot_server *srv, msw_areq **head, msw_areq ***tail)
{
	int fail = 0;
	while (!fail && *head != NULL) {
		msw_areq *r;
		void *buf = malloc((*head)->cap ? (*head)->cap : 1);
		size_t got = 0;
		mailslot_err e = buf ? mailslot_read_for(srv, buf, (*head)->cap, &got, NULL, 0) :
		    MAILSLOT_E_NOMEM;
		if (e == MAILSLOT_E_TIMEOUT) {
			free(buf);
			break;
		}
		r = *head;
		if ((*head = r->next) == NULL)
			*tail = head;
		fail |= msw_areply(sock, r->id, e == MAILSLOT_OK ? 0 : mailslot_win32_error(e),
		    buf, e == MAILSLOT_OK ? (uint32_t)got : 0);
		free(buf);
		free(r);
	}
	return fail;
}

/*
 * msw_abroker_main serves a child's overlapped reads: it queues them,
 * completes them as messages arrive (polling the mailslot's descriptor),
 * times them out with the mailslot's read timeout as it was when each
 * arrived, and cancels on request.  A cancel that loses the race to a
 * message leaves the read completed, as on Windows.
 */
static void *
msw_abroker_main(void *arg)
{
	msw_broker *b = arg;
	msw_areq *head = NULL, **tail = &head, *r;
	mailslot_server *srv = b->o->srv;
	for (;;) {
		struct pollfd pf[2] = { { b->sock, POLLIN, 0 }, { mailslot_fd(srv), POLLIN, 0 } };
		uint64_t now = msw_now_ms(), next = UINT64_MAX;
		int tmo, fail = 0;
		for (r = head; r != NULL; r = r->next)
			if (r->deadline < next)
				next = r->deadline;
		tmo = next == UINT64_MAX ? -1 : next <= now ? 0 :
		    next - now > 0x7fffffff ? 0x7fffffff : (int)(next - now);
		poll(pf, head != NULL ? 2 : 1, tmo);
		if (pf[0].revents != 0) {
			msw_preq q;
			if (msw_io_all(b->sock, &q, sizeof q, 0) != 0)
				break; /* the child's handle is closed */
			if (q.op == MSW_P_AREAD && (r = calloc(1, sizeof *r)) != NULL) {
				mailslot_info info;
				r->id = q.timeout; /* the id travels in the third word */
				r->cap = q.cap;
				r->deadline = mailslot_get_info(srv, &info) != MAILSLOT_OK ||
				        info.read_timeout_ms == MAILSLOT_WAIT_FOREVER ? UINT64_MAX :
				    msw_now_ms() + info.read_timeout_ms;
				*tail = r;
				tail = &r->next;
			} else if (q.op == MSW_P_ACANCEL) {
				msw_areq **pp;
				for (pp = &head; *pp != NULL && (*pp)->id != q.timeout; pp = &(*pp)->next)
					;
				if ((r = *pp) != NULL) {
					*pp = r->next;
					if (tail == &r->next)
						tail = pp;
					fail |= msw_areply(b->sock, r->id, ERROR_OPERATION_ABORTED, NULL, 0);
					free(r);
				}
			} else if (q.op != MSW_P_AREAD) {
				break;
			}
		}
		if (!fail)
			fail = msw_abroker_serve(b->sock, srv, &head, &tail);
		/* Then time out the reads whose time has come. */
		now = msw_now_ms();
		for (msw_areq **pp = &head; !fail && *pp != NULL;) {
			if ((r = *pp)->deadline > now) {
				pp = &r->next;
				continue;
			}
			*pp = r->next;
			fail |= msw_areply(b->sock, r->id, ERROR_SEM_TIMEOUT, NULL, 0);
			free(r);
		}
		for (tail = &head; *tail != NULL; tail = &(*tail)->next)
			;
		if (fail)
			break;
	}
	while ((r = head) != NULL) {
		head = r->next;
		free(r);
	}
	close(b->sock);
	msw_unref(b->o);
	free(b);
	return NULL;
}

/*
 * msw_proxy_aread queues an overlapped read on the asynchronous channel
 * (id names it in the reply); msw_proxy_acancel asks to cancel it.  Both
 * are called with msw_mu held, which keeps requests whole.
 */
int
msw_proxy_arequest(msw_obj *o, int cancel, uint32_t id, DWORD cap)
{
	msw_preq q = { cancel ? MSW_P_ACANCEL : MSW_P_AREAD, cap, id };
	return msw_io_all(o->proxy_afd, &q, sizeof q, 1);
}

/* msw_proxy_areply reads one reply: its id and error; the data goes to buf (cap bytes), or is dropped. */
int
msw_proxy_areply(msw_obj *o, uint32_t *id, DWORD *err, void *(*find)(msw_obj *, uint32_t, DWORD *),
    DWORD *len)
{
	msw_arep r;
	char sink[512];
	DWORD cap = 0;
	void *buf;
	if (msw_io_all(o->proxy_afd, &r, sizeof r, 0) != 0)
		return -1;
	buf = find(o, r.id, &cap);
	*id = r.id;
	*err = r.err;
	*len = r.len;
	if (buf != NULL && r.len <= cap)
		return r.len > 0 ? msw_io_all(o->proxy_afd, buf, r.len, 0) : 0;
	for (uint32_t left = r.len; left > 0;) {
		uint32_t n = left < sizeof sink ? left : (uint32_t)sizeof sink;
		if (msw_io_all(o->proxy_afd, sink, n, 0) != 0)
			return -1;
		left -= n;
	}
	*err = buf != NULL ? ERROR_INSUFFICIENT_BUFFER : *err;
	return 0;
}

/* One request at a time per process: requests from threads must not interleave. */
static pthread_mutex_t msw_proxy_mu = PTHREAD_MUTEX_INITIALIZER;

static int
msw_proxy_call(msw_obj *o, msw_preq *q, void *buf, DWORD cap, DWORD *got)
{
	msw_prep p;
	int err;
	pthread_mutex_lock(&msw_proxy_mu);
	if (msw_io_all(o->proxy_fd, q, sizeof *q, 1) != 0 ||
	    msw_io_all(o->proxy_fd, &p, sizeof p, 0) != 0 || p.len > cap ||
	    (p.len > 0 && msw_io_all(o->proxy_fd, buf, p.len, 0) != 0)) {
		err = ERROR_HANDLE_EOF; /* the parent, which holds the mailslot, is gone */
	} else {
		err = (int)p.err;
		if (got)
			*got = p.len;
	}
	pthread_mutex_unlock(&msw_proxy_mu);
	return err;
}

int
msw_proxy_read(msw_obj *o, void *buf, DWORD cap, DWORD *got)
{
	msw_preq q = { MSW_P_READ, cap, 0 };
	return msw_proxy_call(o, &q, buf, cap, got);
}

int
msw_proxy_tryread(msw_obj *o, void *buf, DWORD cap, DWORD *got)
{
	msw_preq q = { MSW_P_TRYREAD, cap, 0 };
	return msw_proxy_call(o, &q, buf, cap, got);
}

int
msw_proxy_info(msw_obj *o, mailslot_info *info)
{
	msw_preq q = { MSW_P_INFO, 0, 0 };
	return msw_proxy_call(o, &q, info, sizeof *info, NULL);
}

int
msw_proxy_set_timeout(msw_obj *o, DWORD timeout)
{
	msw_preq q = { MSW_P_SETTIMEOUT, 0, timeout };
	return msw_proxy_call(o, &q, NULL, 0, NULL);
}

/* msw_broker_start runs a broker for b, or drops it. */
static void
msw_broker_start(msw_broker *b)
{
	pthread_t th;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &a, b->async ? msw_abroker_main : msw_broker_main, b) != 0) {
		close(b->sock);
		pthread_mutex_lock(&msw_mu);
		msw_unref_locked(b->o);
		msw_unlock();
		free(b);
	}
	pthread_attr_destroy(&a);
}

/*
 * Over fork() the child has every handle, as it has every descriptor.
 * Two processes must not share one native server (each would take
 * messages the other waits for) or one client (their frames would
 * interleave in one pipe), so: each server gets a broker in the parent and
 * becomes a proxy in the child, as over exec, and each client is reopened
 * by name in the child at its first write.  Events, threads and processes
 * stay shared: their descriptors are the same kernel objects in both.
 * CreateProcess's own fork skips this: its child executes at once.
 */
static _Thread_local int msw_in_spawn;

void
msw_set_spawning(int on)
{
	msw_in_spawn = on;
}
static msw_broker *msw_forking[64];
static int msw_nforking;

static int
msw_fork_cb(HANDLE h, msw_obj *o, DWORD flags, void *arg)
{
	int sv[2];
	msw_broker *b;
	(void)h;
	(void)flags;
	(void)arg;
	if (o->kind != MSW_K_SERVER || o->srv == NULL || msw_nforking >= 64)
		return 0;
	for (int i = 0; i < msw_nforking; i++)
		if (msw_forking[i]->o == o)
			return 0; /* a duplicate handle: one broker serves the object */
	for (int async = 0; async < 2 && msw_nforking < 64; async++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return 0;
		if ((b = calloc(1, sizeof *b)) == NULL) {
			close(sv[0]);
			close(sv[1]);
			return 0;
		}
		b->o = o;
		o->refs++;
		b->sock = sv[0];
		b->child_end = sv[1];
		b->async = async;
		msw_forking[msw_nforking++] = b;
	}
	return 0;
}

/* With msw_mu held, before fork(). */
static void
msw_fork_prepare_locked(void)
{
	msw_nforking = 0;
	if (!msw_in_spawn)
		msw_table_walk_locked(msw_fork_cb, NULL);
}

/* In the parent after fork(), msw_mu still held: the brokers start. */
static void
msw_fork_parent_locked(void)
{
	for (int i = 0; i < msw_nforking; i++) {
		close(msw_forking[i]->child_end);
		msw_broker_start(msw_forking[i]);
	}
	msw_nforking = 0;
}

static int
msw_fork_child_cb(HANDLE h, msw_obj *o, DWORD flags, void *arg)
{
	(void)h;
	(void)flags;
	(void)arg;
	if (o->kind == MSW_K_SERVER || o->kind == MSW_K_CLIENT) {
		/* The handle's signaled state is this process's own from now on. */
		int fd = msw_eventfd(0);
		if (fd >= 0) {
			close(o->fd);
			o->fd = fd;
		}
	}
	if (o->kind == MSW_K_CLIENT && o->cli != NULL && o->name != NULL)
		__atomic_store_n(&o->cli, NULL, __ATOMIC_RELEASE); /* the parent's; reopened at the first write */
	if (o->kind == MSW_K_SERVER && o->srv != NULL) {
		o->srv = NULL; /* the parent's: never touched here */
		for (int i = 0; i < msw_nforking; i++)
			if (msw_forking[i]->o == o && msw_forking[i]->async)
				o->proxy_afd = msw_forking[i]->child_end;
			else if (msw_forking[i]->o == o)
				o->proxy_fd = msw_forking[i]->child_end;
		/* Reads pending in the parent are the parent's. */
		o->io_head = NULL;
		o->io_tail = &o->io_head;
		o->io_busy = 0;
	}
	return 0;
}

/* In the child after fork(), msw_mu held; no thread but this one exists. */
static void
msw_fork_child_locked(void)
{
	if (!msw_in_spawn)
		msw_table_walk_locked(msw_fork_child_cb, NULL);
	for (int i = 0; i < msw_nforking; i++) {
		close(msw_forking[i]->sock);
		msw_forking[i]->o->refs--; /* the broker's reference is the parent's */
		free(msw_forking[i]);
	}
	msw_nforking = 0;
}

/* The fork hooks run from handles.c's pthread_atfork handlers. */
static const msw_fork_ops msw_inherit_fork_ops = {
	msw_fork_prepare_locked, msw_fork_parent_locked, msw_fork_child_locked, NULL
};

__attribute__((constructor)) static void
msw_inherit_register(void)
{
	msw_fork_register(MSW_FORK_INHERIT, &msw_inherit_fork_ops);
}

/* ------------------------------------------------------------------ */
/* Exporting handles to a child                                        */
/* ------------------------------------------------------------------ */


void
msw_env_add(msw_export *x, const char *s)
{
	size_t n = strlen(s);
	if (x->len + n + 1 > x->cap) {
		size_t ncap = (x->len + n + 1) * 2;
		char *p = realloc(x->env, ncap);
		if (p == NULL) {
			x->err = ERROR_NOT_ENOUGH_MEMORY;
			return;
		}
		x->env = p;
		x->cap = ncap;
	}
	memcpy(x->env + x->len, s, n + 1);
	x->len += n;
}

static void
msw_export_fd(msw_export *x, HANDLE h, char kind, int fd, const char *extra)
{
	char item[96];
	if (x->nfds >= (int)(sizeof x->fds / sizeof x->fds[0])) {
		x->err = ERROR_TOO_MANY_OPEN_FILES;
		return;
	}
	x->fds[x->nfds++] = fd;
	snprintf(item, sizeof item, ";%lu:%c:%d:%s", (unsigned long)(uintptr_t)h, kind, fd, extra);
	msw_env_add(x, item);
}

/* msw_export_cb describes one inheritable handle (needs msw_mu). */
static int
msw_export_cb(HANDLE h, msw_obj *o, DWORD flags, void *arg)
{
	msw_export *x = arg;
	char extra[32];
	if (!(flags & HANDLE_FLAG_INHERIT))
		return 0;
	switch (o->kind) {
	case MSW_K_EVENT:
		msw_export_fd(x, h, 'e', o->fd, o->manual ? "m" : "a");
		break;
	case MSW_K_THREAD:
		snprintf(extra, sizeof extra, "%d", o->exited ? (int)o->exit_code : -1);
		msw_export_fd(x, h, 't', o->fd, extra);
		break;
	case MSW_K_PROCESS:
		snprintf(extra, sizeof extra, "%d", (int)o->pid);
		msw_export_fd(x, h, 'p', o->fd, extra);
		break;
	case MSW_K_CLIENT: {
		char item[32];
		const char *n = o->name ? o->name : "";
		snprintf(item, sizeof item, ";%lu:c:-1:", (unsigned long)(uintptr_t)h);
		msw_env_add(x, item);
		for (; *n; n++) {
			snprintf(item, sizeof item, "%02x", (unsigned char)*n);
			msw_env_add(x, item);
		}
		break;
	}
	case MSW_K_SERVER: {
		int child[2] = { -1, -1 };
		if (o->srv == NULL || x->nbrokers + 2 > (int)(sizeof x->brokers / sizeof x->brokers[0]))
			break; /* a proxy of our own parent is not passed on */
		for (int async = 0; async < 2; async++) {
			int sv[2];
			msw_broker *b;
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
			    (b = calloc(1, sizeof *b)) == NULL) {
				x->err = ERROR_TOO_MANY_OPEN_FILES;
				return 1;
			}
			b->o = o;
			o->refs++;
			b->sock = sv[0];
			b->child_end = child[async] = sv[1];
			b->async = async;
			x->brokers[x->nbrokers++] = b;
		}
		/* The synchronous channel is the fd; the asynchronous one rides in extra. */
		snprintf(extra, sizeof extra, "%d", child[1]);
		if (x->nfds >= (int)(sizeof x->fds / sizeof x->fds[0])) {
			x->err = ERROR_TOO_MANY_OPEN_FILES;
			return 1;
		}
		x->fds[x->nfds++] = child[1];
		msw_export_fd(x, h, 's', child[0], extra);
		break;
	}
	default:
		break;
	}
	return x->err != 0;
}

/* msw_export_handles describes every inheritable handle in x (x->err says
 * what failed). */
void
msw_export_handles(msw_export *x)
{
	pthread_mutex_lock(&msw_mu);
	msw_table_walk_locked(msw_export_cb, x);
	pthread_mutex_unlock(&msw_mu);
}

/* msw_brokers_settle starts the exported servers' brokers, or drops them if the spawn failed. */
void
msw_brokers_settle(msw_export *x, DWORD err)
{
	for (int b = 0; b < x->nbrokers; b++) {
		/* The child has its copy of its end now; ours goes. */
		close(x->brokers[b]->child_end);
		if (err == 0) {
			msw_broker_start(x->brokers[b]);
		} else {
			close(x->brokers[b]->sock);
			msw_unref(x->brokers[b]->o);
			free(x->brokers[b]);
		}
	}
}
