/*
 * platform.h - the operating-system layer.  Every system call that the
 * core makes outside plain read/write/poll goes through here, so a port to
 * another Unix touches this folder first.
 */
#ifndef MSL_PLATFORM_H
#define MSL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* msl_now_ns returns CLOCK_MONOTONIC in nanoseconds (system-wide). */
uint64_t msl_now_ns(void);

/*
 * msl_abstract_addr fills an abstract AF_UNIX address for
 * "mailslot/<namespace>/<tail>"; the namespace comes from the environment
 * variable MAILSLOT_NAMESPACE (default "default").  Returns -1 if the
 * result would not fit.
 */
int msl_abstract_addr(const char *tail, struct sockaddr_un *sa, socklen_t *len);

/* msl_abstract_prefix writes "@mailslot/<namespace>/" as /proc/net/unix shows it. */
int msl_abstract_prefix(char *buf, size_t cap);

/* msl_send_fd sends buf (one SEQPACKET record) with fd attached (fd<0: none). */
ssize_t msl_send_fd(int sock, const void *buf, size_t len, int fd);

/* msl_recv_fd receives one record; *fd gets an attached descriptor or -1. */
ssize_t msl_recv_fd(int sock, void *buf, size_t len, int *fd, int flags);

/* msl_peer_cred reads the peer's pid/uid/gid of a connected AF_UNIX socket. */
int msl_peer_cred(int sock, pid_t *pid, uid_t *uid, gid_t *gid);

/* msl_peer_in_group reports whether the peer has gid among its groups. */
int msl_peer_in_group(int sock, gid_t primary, gid_t gid);

/* msl_wait_fd polls one fd for events, up to timeout_ms (-1: forever). */
int msl_wait_fd(int fd, short events, int timeout_ms);

/* msl_ms_until converts an absolute msl_now_ns deadline to a poll timeout. */
int msl_ms_until(uint64_t deadline_ns);

#endif /* MSL_PLATFORM_H */
