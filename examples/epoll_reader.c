/* SPDX-License-Identifier: MIT */
/*
 * epoll_reader.c - the native API in an epoll loop.
 *
 *   epoll_reader NAME [COUNT]
 *
 * Creates the local mailslot NAME ("jobs" or "\\.\mailslot\jobs") and
 * prints each message as it arrives, until COUNT messages have been read
 * (default 0: until SIGINT or SIGTERM).
 *
 * The loop sleeps in epoll_wait on two descriptors: mailslot_fd(), which
 * is readable while a message is queued, and a signalfd.  A signal is then
 * just another event, handled between two messages, so no read is ever
 * interrupted half-way and no handler runs in signal context.  Any other
 * descriptor of a real program (sockets, timers) joins the same set.
 */
#include <mailslot/mailslot.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Grown on demand: messages can be far larger than a typical buffer. */
static char *buf;
static size_t cap;

static void print_sender(const mailslot_msginfo *who)
{
	if (who->remote) {
		char ip[INET_ADDRSTRLEN];
		struct in_addr a = { .s_addr = who->src_ip };
		inet_ntop(AF_INET, &a, ip, sizeof ip);
		printf("%s (%s)", ip, who->src_name);
	} else {
		printf("pid %d", (int)who->pid);
	}
}

/*
 * read_queued reads every message queued right now, never blocking (a
 * timeout of 0), and returns 1 once COUNT messages are read, -1 on an
 * error, else 0.  mailslot_fd() may wake without a message; the first
 * read then simply reports TIMEOUT.
 */
static int read_queued(mailslot_server *s, unsigned long *seen, unsigned long count)
{
	for (;;) {
		size_t len;
		mailslot_msginfo who;
		mailslot_err e = mailslot_read_for(s, buf, cap, &len, &who, 0);

		if (e == MAILSLOT_E_BUFSIZE) {
			/* The message stays queued: make room and read it again. */
			char *bigger = realloc(buf, len);
			if (bigger == NULL)
				return -1;
			buf = bigger;
			cap = len;
			continue;
		}
		if (e == MAILSLOT_E_TIMEOUT)
			return 0;
		if (e != MAILSLOT_OK) {
			fprintf(stderr, "epoll_reader: read: %s\n", mailslot_strerror(e));
			return -1;
		}
		printf("message %lu: %zu bytes from ", ++*seen, len);
		print_sender(&who);
		printf(": %.*s\n", (int)len, buf);
		fflush(stdout);
		if (count != 0 && *seen == count)
			return 1;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: epoll_reader NAME [COUNT]\n");
		return 2;
	}
	unsigned long count = argc > 2 ? strtoul(argv[2], NULL, 10) : 0, seen = 0;

	/* Block the signals first, so that they queue on the signalfd
	 * instead of killing the process. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) != 0) {
		perror("epoll_reader: sigprocmask");
		return 1;
	}
	int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

	mailslot_server *s;
	mailslot_err e = mailslot_create(argv[1], NULL, &s);
	if (e != MAILSLOT_OK) {
		fprintf(stderr, "epoll_reader: %s: %s\n", argv[1], mailslot_strerror(e));
		return 1;
	}
	cap = 64 * 1024;
	buf = malloc(cap);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = mailslot_fd(s) };
	struct epoll_event sev = { .events = EPOLLIN, .data.fd = sfd };
	if (sfd < 0 || buf == NULL || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &sev) != 0) {
		perror("epoll_reader: setup");
		return 1;
	}
	printf("ready %s\n", mailslot_server_name(s));
	fflush(stdout);

	int rc = 0, done = 0;
	while (!done) {
		struct epoll_event got[2];
		int n = epoll_wait(ep, got, 2, -1);
		for (int i = 0; i < n && !done; i++) {
			if (got[i].data.fd == sfd) {
				struct signalfd_siginfo si;
				if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
					printf("stopped by signal %u after %lu messages\n", si.ssi_signo, seen);
				done = 1;
			} else {
				int r = read_queued(s, &seen, count);
				done = r != 0;
				rc = r < 0;
			}
		}
	}
	/* Closing discards what is still queued and frees the name at once. */
	mailslot_close(s);
	close(ep);
	close(sfd);
	free(buf);
	return rc;
}
