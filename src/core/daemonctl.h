/* SPDX-License-Identifier: MIT */
/*
 * daemonctl.h - the library's side of mailslotd's control socket: one
 * request and its reply, who listens on the socket, and what the daemon
 * says about the node.  The protocol itself is ctl.h.
 *
 * It names no codec type, so that the local server, which asks only
 * msl_daemon_proven, does not depend on the network code.
 */
#ifndef MSL_DAEMONCTL_H
#define MSL_DAEMONCTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mailslot/mailslot.h>

struct msl_ctl_info;

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
mailslot_err msl_ctl_call(uint32_t op, const void *extra, size_t extralen,
    void *body, size_t bodycap, size_t *bodylen);

/*
 * Who is this namespace's mailslotd, decided without talking to it, so
 * that a process squatting the daemon's name cannot make a server wait.
 * The relay (mailslotd) passes a proof with its hello: msl_daemon_proof
 * connects to the daemon's control socket without blocking and returns
 * that socket (or -1).  The server's msl_daemon_proven checks that the
 * proof is connected to the daemon's name and that whoever called
 * listen() there is the process `pid` that sent the hello; *uid is the
 * listener's user then.  mailslotd listens before it drops root, so a
 * system daemon shows uid 0; anyone else can only claim the name with
 * their own uid.  Neither call blocks.  Returns 0 or -1.
 */
int msl_daemon_proof(void);
int msl_daemon_proven(int proof, pid_t pid, uid_t *uid);

/*
 * msl_daemon_info asks this namespace's mailslotd for the node's name,
 * workgroup, ports and outbox, over one connection, if root or this
 * process's user started it (SO_PEERCRED of the connection, as for
 * msl_daemon_proven); *pid is the daemon's process.  Errors: NODAEMON,
 * ACCESS (an untrusted listener), PROTO.
 */
mailslot_err msl_daemon_info(struct msl_ctl_info *info, pid_t *pid);

#endif /* MSL_DAEMONCTL_H */
