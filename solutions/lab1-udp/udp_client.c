#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * udp_client: the UDP "pinger" client of lab 1.  It sends COUNT datagrams
 * "ping <seq>", waits up to 1 s for each reply "PING <seq>", prints the
 * round-trip time of each and a summary.  Usage: udp_client HOST PORT [COUNT]
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "socklab.h" /* the given helpers: handout section 3.1 */

#define REPLY_MAX 2048    /* longer than any reply we accept */
#define NO_SUCH_HOST (-2) /* open_client(): HOST does not resolve */

/*
 * Step lab1.3: a UDP socket connected to the first address of HOST and
 * PORT; that address is copied to *server (*serverlen bytes).  Returns the
 * socket, or after one line on stderr: NO_SUCH_HOST when HOST does not
 * resolve, -1 when the socket cannot be made or connected.
 */
static int
open_client(const char *host, const char *port, struct sockaddr_storage *server,
    socklen_t *serverlen)
{
	struct addrinfo hints, *res = NULL;
	int fd, rc;

	/* AF_UNSPEC: HOST may be an IPv4 or IPv6 address or a name that has
	 * either.  No AI_ADDRCONFIG: on a host whose only addresses are the
	 * loopback ones it would hide 127.0.0.1 and ::1. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV; /* PORT is a number, no lookup */
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "udp_client: cannot resolve HOST '%s': %s\n",
		    host,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return NO_SUCH_HOST;
	}
	/* The contract: the first address getaddrinfo returns is used.
	 * connect() on UDP sends nothing: it fixes the destination, so we
	 * can use send(); the kernel then drops datagrams from anyone else,
	 * and reports an ICMP "port unreachable" as ECONNREFUSED. */
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		fd = -1;
	}
	if (fd < 0)
		fprintf(stderr, "udp_client: cannot reach %s port %s: %s\n",
		    host, port, strerror(errno));
	memcpy(server, res->ai_addr, res->ai_addrlen);
	*serverlen = res->ai_addrlen;
	freeaddrinfo(res);
	return fd;
}

/*
 * Step lab1.5: read one datagram, never blocking, and tell whether it is
 * the reply to seq: exactly "PING <seq>" from the server's address.
 * Returns 1 the reply, 0 anything else (or nothing after all), -1 error
 * with errno set.
 */
static int
read_reply(int fd, int seq, const struct sockaddr_storage *server)
{
	char buf[REPLY_MAX], expected[32];
	int len = snprintf(expected, sizeof expected, "PING %d", seq);
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	ssize_t n;

	/* MSG_DONTWAIT: poll() said "readable", but a datagram with a bad
	 * checksum can vanish in between; never block past the deadline. */
	n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen);
	if (n < 0) {
		/* ECONNREFUSED: an ICMP "port unreachable" came back (no server
		 * yet?).  Not a reply, not an error: keep waiting. */
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ECONNREFUSED)
			return 0;
		return -1;
	}
	/* A late reply to an earlier ping or a stray datagram: ignore it. */
	if (!same_address(
	        (struct sockaddr *)&from, (const struct sockaddr *)server))
		return 0;
	return n == len && memcmp(buf, expected, (size_t)len) == 0;
}

/*
 * Step lab1.4: one ping: send "ping <seq>" as one datagram, then wait for
 * its reply until 1 s after the send, whatever else arrives meanwhile.
 * Returns 1 with the round-trip time in *rtt (ms), 0 on a timeout, -1 on
 * a socket error with errno set.
 */
static int
ping_once(int fd, int seq, const struct sockaddr_storage *server, double *rtt)
{
	char payload[32];
	int len = snprintf(payload, sizeof payload, "ping %d", seq);
	double sent_at = now_ms(), deadline = sent_at + PING_TIMEOUT_MS;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t n;

	/* One send() is one datagram, whole or not at all.  ECONNREFUSED
	 * here reports an earlier ping's ICMP error: that ping is already
	 * counted, so this one is simply sent again. */
	do {
		n = send(fd, payload, (size_t)len, 0);
	} while (n < 0 && (errno == EINTR || errno == ECONNREFUSED));
	if (n < 0)
		return -1;
	for (;;) {
		double left = deadline - now_ms();
		int rc, ms = (int)left;

		if (left <= 0)
			return 0;
		if (ms < left)
			ms++; /* round up: never wake before the deadline */
		/* poll() sleeps until the socket is readable or the time runs
		 * out; the time left is recomputed at each turn, so every wait
		 * ends at the same deadline, 1 s after the send. */
		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		rc = read_reply(fd, seq, server);
		if (rc != 0) {
			*rtt = now_ms() - sent_at;
			return rc;
		}
	}
}

int
main(int argc, char **argv)
{
	const char *host, *port;
	struct sockaddr_storage server;
	socklen_t serverlen;
	struct ping_stats st = {0};
	char who[ADDR_TEXT_MAX];
	int fd, count, rc = 0;

	rc = parse_client_args(argc, argv, "udp_client",
	    "Sends COUNT (default 10, at most 1000) UDP pings to HOST:PORT, "
	    "waiting up to 1 s for each reply.",
	    &host, &port, &count);
	if (rc >= 0)
		return rc;
	fd = open_client(host, port, &server, &serverlen);
	if (fd == NO_SUCH_HOST)
		return 2;
	if (fd < 0)
		return 1;
	format_address((struct sockaddr *)&server, serverlen, who, sizeof who);
	for (int seq = 1; seq <= count; seq++) {
		double rtt;

		rc = ping_once(fd, seq, &server, &rtt);
		if (rc < 0) {
			fprintf(stderr, "udp_client: seq=%d: %s\n", seq,
			    strerror(errno));
			break;
		}
		st.sent++;
		if (rc == 0)
			print_timeout(seq);
		else
			print_reply(&st, who, seq, rtt);
	}
	print_summary(&st);
	close(fd);
	return rc >= 0 && st.received > 0 ? 0 : 1;
}
