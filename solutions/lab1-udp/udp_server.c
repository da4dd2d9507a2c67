#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * udp_server: the UDP "pinger" server of lab 1.  It answers every datagram
 * with the same bytes, a-z turned into A-Z, and logs one line per datagram.
 * Usage: udp_server PORT    (stop it with Ctrl-C: exit status 0)
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "socklab.h" /* the given helpers: handout section 3.1 */

#define DATAGRAM_MAX 65535 /* largest UDP payload: nothing is ever cut */

/*
 * Step lab1.1: the server's socket, bound to PORT on every local address:
 * one IPv6 socket that also receives IPv4 (dual-stack), or an IPv4 one
 * when this host has no IPv6 at all.  Returns the socket, or -1 after one
 * line on stderr naming the cause (a port in use, for example).
 */
static int
open_server(const char *port)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, rc, err = EAFNOSUPPORT, off = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC; /* the IPv6 and the IPv4 wildcard */
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(NULL, port, &hints, &res);
	if (rc != 0) {
		fprintf(
		    stderr, "udp_server: getaddrinfo: %s\n", gai_strerror(rc));
		return -1;
	}
	/* IPv6 first: with IPV6_V6ONLY off it serves IPv4 clients too. */
	for (int pass = 0; pass < 2 && fd < 0; pass++) {
		int family = pass == 0 ? AF_INET6 : AF_INET;
		struct addrinfo *ai = res;

		while (ai != NULL && ai->ai_family != family)
			ai = ai->ai_next;
		if (ai == NULL)
			continue;
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		/* Linux defaults to dual-stack, other systems do not: say it.
		 * bind(): a server must be found at the port its clients
		 * know, on every local address (the wildcard). */
		if (fd >= 0 &&
		    (family != AF_INET6 ||
		        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		            sizeof off) == 0) &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break; /* done */
		err = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
		/* Only "no IPv6 here" falls back to IPv4; a port in use must
		 * be reported, never hidden. */
		if (err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "udp_server: cannot bind UDP port %s: %s\n",
		    port, strerror(err));
	return fd;
}

/*
 * Step lab1.2: serve until Ctrl-C or kill: receive each datagram whole,
 * log it (log_datagram), send it back to its sender with a-z in upper
 * case.  Returns 0 once stop_requested is set, -1 on a receive error
 * (after one line on stderr).
 */
static int
serve(int fd, unsigned char *buf)
{
	while (!stop_requested) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n, sent;

		/* UDP keeps message boundaries: one recvfrom() is exactly one
		 * datagram (0 bytes is a valid, empty one). */
		n = recvfrom(fd, buf, DATAGRAM_MAX, 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n < 0 && errno == EINTR)
			continue; /* a signal: the loop test decides */
		if (n < 0) {
			fprintf(stderr, "udp_server: recvfrom: %s\n",
			    strerror(errno));
			return -1;
		}
		log_datagram((struct sockaddr *)&from, fromlen, buf, (size_t)n);
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
		/* Not connected (it serves everyone): sendto() names the
		 * sender recvfrom() reported. */
		do {
			sent = sendto(fd, buf, (size_t)n, 0,
			    (struct sockaddr *)&from, fromlen);
		} while (sent < 0 && errno == EINTR);
		if (sent < 0)
			fprintf(stderr, "udp_server: cannot reply: %s\n",
			    strerror(errno));
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char *buf = NULL;
	const char *port;
	int fd = -1, status = 1;

	status = parse_server_args(argc, argv, "udp_server",
	    "Answers each UDP datagram sent to PORT with the same bytes, a-z "
	    "in upper case.",
	    &port);
	if (status >= 0)
		return status;
	status = 1;
	if (install_stop_handlers() < 0) {
		fprintf(stderr, "udp_server: sigaction: %s\n", strerror(errno));
		return 1;
	}
	buf = malloc(DATAGRAM_MAX);
	if (buf == NULL) {
		fprintf(stderr, "udp_server: out of memory\n");
		return 1;
	}
	fd = open_server(port);
	if (fd >= 0 && serve(fd, buf) == 0)
		status = 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return status;
}
