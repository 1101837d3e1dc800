/* SPDX-License-Identifier: MIT */
/*
 * posix_udp.c - IPv4 datagram sockets for platform.h, as the network
 * sender uses them: bound to an ephemeral port, allowed to broadcast.
 */
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "platform.h"

int
msl_udp_open(uint16_t *port_out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* Bound at once, so that a datagram header can name the port. */
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*port_out = ntohs(sa.sin_port);
	return fd;
}

int
msl_udp_send(int fd, const void *buf, size_t len, uint32_t ip, uint16_t port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = ip };
	ssize_t r;

	do
		r = sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)len ? 0 : -1;
}

ssize_t
msl_udp_recv(int fd, void *buf, size_t cap)
{
	ssize_t r;
	do
		r = recv(fd, buf, cap, MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	return r;
}
