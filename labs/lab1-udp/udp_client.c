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
	/* TODO(lab1.3): resolve HOST and PORT, a connected UDP socket.
	 * -- handout section 5.1 */
	(void)host;
	(void)port;
	(void)server;
	(void)serverlen;
	fprintf(stderr, "udp_client: TODO(lab1.3): not implemented yet\n");
	exit(1);
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
	/* TODO(lab1.5): read one datagram, is it the reply?.
	 * -- handout section 5.3 */
	(void)fd;
	(void)seq;
	(void)server;
	fprintf(stderr, "udp_client: TODO(lab1.5): not implemented yet\n");
	exit(1);
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
	/* TODO(lab1.4): send the ping, wait for its reply until the deadline,
	 * the RTT.
	 * -- handout section 5.2 */
	(void)fd;
	(void)seq;
	(void)server;
	(void)rtt;
	(void)read_reply;
	fprintf(stderr, "udp_client: TODO(lab1.4): not implemented yet\n");
	exit(1);
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
