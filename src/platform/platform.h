/* SPDX-License-Identifier: MIT */
/*
 * platform.h - the operating-system layer.  The core makes no system call
 * of its own beyond read(2), write(2), close(2) and send/recv on a socket
 * it already holds: sockets, event counters, readiness sets, shared
 * memory, robust mutexes, the clock and the errno mapping all go through
 * here, so a port to another Unix touches this folder first.
 *
 * Functions that can fail return -1 with errno set unless they say
 * otherwise; msl_sys_err() turns that errno into the library's error.
 * Every descriptor made here is close-on-exec.  All functions are
 * thread-safe.
 */
#ifndef MSL_PLATFORM_H
#define MSL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <mailslot/mailslot.h>

/* ---- time (posix_poll.c) ---- */

/* msl_now_ns returns CLOCK_MONOTONIC in nanoseconds (system-wide). */
uint64_t msl_now_ns(void);

/* msl_ms_until converts an absolute msl_now_ns deadline (UINT64_MAX:
 * none) to a poll timeout in milliseconds (-1: forever). */
int msl_ms_until(uint64_t deadline_ns);

/* ---- errors (posix_err.c) ---- */

/*
 * msl_sys_err maps an errno value to the library's error: running out of
 * descriptors or memory is NOMEM, a permission error ACCESS; anything
 * else is SYS, and the errno is kept for this thread, where
 * mailslot_sys_errno() finds it.  This is the one place errno is mapped.
 */
mailslot_err msl_sys_err(int errnum);

/* msl_sys_errno returns the errno behind this thread's last SYS error. */
int msl_sys_errno(void);

/* ---- local sockets (posix_sock.c) ---- */

/*
 * msl_abstract_addr fills an abstract AF_UNIX address for
 * "mailslot/<namespace>/<tail>"; the namespace comes from the environment
 * variable MAILSLOT_NAMESPACE (default "default").  Returns -1 if the
 * result would not fit.
 */
int msl_abstract_addr(const char *tail, struct sockaddr_un *sa, socklen_t *len);

/* msl_abstract_prefix writes "@mailslot/<namespace>/" as /proc/net/unix shows it. */
int msl_abstract_prefix(char *buf, size_t cap);

/*
 * msl_listen_abstract makes a non-blocking SOCK_SEQPACKET socket listening
 * on the abstract name of tail.  The abstract namespace is the registry:
 * EADDRINUSE means somebody holds the name.  ENAMETOOLONG: the namespace
 * and tail do not fit an address.
 */
int msl_listen_abstract(const char *tail, int *fd_out);

/*
 * msl_connect_abstract connects a SOCK_SEQPACKET socket to the abstract
 * name of tail; with nonblock the socket is non-blocking and a full listen
 * queue fails at once with EAGAIN instead of waiting.  ECONNREFUSED or
 * ENOENT: nobody listens on the name.
 */
int msl_connect_abstract(const char *tail, int nonblock, int *fd_out);

/* msl_accept takes one connection, non-blocking, or -1 (EAGAIN: none). */
int msl_accept(int listen_fd);

/* msl_send_fds sends buf (one SEQPACKET record) with nfd descriptors
 * attached (at most MSL_MAX_FDS; those < 0 are left out). */
#define MSL_MAX_FDS 2
ssize_t msl_send_fds(int sock, const void *buf, size_t len, const int *fds, int nfd);

/* msl_recv_fds receives one record; fds[0 .. max) get the descriptors
 * attached, in order, or -1; any beyond max are closed. */
ssize_t msl_recv_fds(int sock, void *buf, size_t len, int *fds, int max, int flags);

/* msl_peer_name_is tells whether a connected socket's peer is bound to
 * the abstract name of tail (see msl_abstract_addr). */
int msl_peer_name_is(int sock, const char *tail);

/* msl_peer_cred reads the peer's pid/uid/gid of a connected AF_UNIX socket. */
int msl_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid);

/* msl_peer_in_group reports whether the peer has gid among its groups. */
int msl_peer_in_group(int sock, gid_t primary, gid_t gid);

/* ---- descriptors and readiness (posix_poll.c) ---- */

/* msl_wait_fd polls one fd for events (POLLIN, POLLOUT), up to timeout_ms
 * (-1: forever).  Returns the events seen, 0 on timeout, -1 on error. */
int msl_wait_fd(int fd, short events, int timeout_ms);

/*
 * An event counter: a descriptor that is readable while signalled.
 * msl_event_set and msl_event_clear return 0 once the state changed.
 */
int msl_event_open(void);
int msl_event_set(int fd);
int msl_event_clear(int fd);

/*
 * A readiness set (epoll): descriptors with a pointer each, waited on
 * together.  MSL_POLL_ONESHOT disarms a descriptor after one report until
 * msl_pollset_mod re-arms it.  A descriptor is removed with msl_pollset_del
 * before it is closed, since a copy held by another process would keep it
 * in the set.
 */
#define MSL_POLL_IN 0x1u
#define MSL_POLL_HUP 0x2u     /* the peer closed its end (RDHUP)         */
#define MSL_POLL_ONESHOT 0x4u

typedef struct msl_pollev {
	uint32_t events; /* MSL_POLL_IN, MSL_POLL_HUP */
	void *ptr;
} msl_pollev;

int msl_pollset_open(void);
int msl_pollset_add(int set, int fd, uint32_t events, void *ptr);
int msl_pollset_mod(int set, int fd, uint32_t events, void *ptr);
void msl_pollset_del(int set, int fd);
/* msl_pollset_wait returns how many of max events it filled (0 on a
 * timeout, or when interrupted by a signal). */
int msl_pollset_wait(int set, msl_pollev *ev, int max, int timeout_ms);

/* ---- IPv4 datagrams (posix_udp.c); addresses in network order ---- */

/* msl_udp_open makes a datagram socket that may broadcast, bound to an
 * ephemeral port, which *port_out receives (host order). */
int msl_udp_open(uint16_t *port_out);

/* msl_udp_send sends one whole datagram to ip:port (port in host order). */
int msl_udp_send(int fd, const void *buf, size_t len, uint32_t ip, uint16_t port);

/* msl_udp_recv takes one waiting datagram without blocking (EAGAIN: none). */
ssize_t msl_udp_recv(int fd, void *buf, size_t cap);

/* ---- shared memory and robust mutexes (posix_shm.c) ---- */

/*
 * msl_shm_create makes `size` bytes of anonymous shared memory, mapped
 * read-write here, and sealed so that no other process can grow, shrink or
 * write it: they may only map it read-only.  Returns the descriptor.
 */
int msl_shm_create(const char *name, size_t size, void **map);

/*
 * msl_shm_map_peer maps, read-only, the first `len` bytes of shared memory
 * a peer handed us, only if it is sealed against shrinking and at least
 * that long: memory a peer could truncate under us would fault on access.
 * EINVAL when it is not.
 */
int msl_shm_map_peer(int fd, size_t len, const void **map);

/*
 * msl_shm_create_shared makes shared memory that a peer may map read-write
 * too, sealed against shrinking and growing, so a mapping of it can never
 * fault.  Returns the descriptor.
 */
int msl_shm_create_shared(const char *name, size_t size, void **map);

/*
 * msl_shm_map_peer_rw maps, read-write, shared memory a peer handed us,
 * only if it is sealed against shrinking and growing, writable, and of a
 * size between min and max, which *len receives.  EINVAL when it is not.
 */
int msl_shm_map_peer_rw(int fd, size_t min, size_t max, size_t *len, void **map);

/* msl_shm_private_shared maps `size` bytes of memory shared with this
 * process's future fork() children only (no descriptor); NULL on error. */
void *msl_shm_private_shared(size_t size);

/* msl_shm_unmap releases a mapping of these functions. */
void msl_shm_unmap(const void *map, size_t len);

/*
 * A robust, process-shared mutex in shared memory, used as a liveness
 * flag: its owner locks it and never unlocks it, and the kernel marks it
 * when the owner dies (kill -9 included).  msl_robust_supported tells
 * whether this C library's mutex layout is known; without it the other
 * functions fail or report "not alive".
 */
#define MSL_ROBUST_SIZE 64
int msl_robust_supported(void);
int msl_robust_init(void *mem);
int msl_robust_hold(void *mem);
int msl_robust_alive(const void *mem);

/*
 * A lock shared by processes that trust each other (the copies of one
 * handle after fork), in shared memory of MSL_ROBUST_SIZE bytes.  One
 * whose holder died is taken over.
 */
int msl_shared_lock_init(void *mem);
void msl_shared_lock(void *mem);
void msl_shared_unlock(void *mem);

#endif /* MSL_PLATFORM_H */
