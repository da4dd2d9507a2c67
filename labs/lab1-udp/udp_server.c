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
	/* TODO(lab1.1): the dual-stack server socket, bound to PORT.
	 * -- handout section 4.1 */
	(void)port;
	fprintf(stderr, "udp_server: TODO(lab1.1): not implemented yet\n");
	exit(1);
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
	/* TODO(lab1.2): the receive / upper-case / reply loop.
	 * -- handout section 4.2 */
	(void)fd;
	(void)buf;
	fprintf(stderr, "udp_server: TODO(lab1.2): not implemented yet\n");
	exit(1);
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
