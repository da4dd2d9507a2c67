#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * tcp_server: the TCP "pinger" server of lab 2.  Clients send lines ending
 * in '\n'; each line comes back with a-z turned into A-Z.  One client at a
 * time.  Usage: tcp_server PORT    (stop it with Ctrl-C: exit status 0)
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

#define LISTEN_BACKLOG 8 /* clients the kernel queues while we serve one */

/* One client's connection and the bytes received but not yet answered. */
struct connection {
	int fd;
	char who[ADDR_TEXT_MAX];           /* the client, as "ip:port" */
	unsigned char buf[LINE_LIMIT + 1]; /* the longest line and its '\n' */
	size_t have;                       /* bytes in buf */
};

/*
 * Step lab2.1: the listening socket on PORT, every local address: one
 * IPv6 socket that also accepts IPv4 clients (dual-stack), or an IPv4 one
 * when this host has no IPv6 at all; SO_REUSEADDR on.  Returns the
 * socket, or -1 after one line on stderr naming the cause.
 */
static int
open_server(const char *port)
{
	/* TODO(lab2.1): the dual-stack listening socket on PORT.
	 * -- handout section 4.1 */
	(void)port;
	fprintf(stderr, "tcp_server: TODO(lab2.1): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.4: send all len bytes of buf on the connection.
 * Returns 0, or -1 with errno set (EPIPE or ECONNRESET: the client is gone;
 * EINTR: we were asked to stop).
 */
static int
send_all(int fd, const unsigned char *buf, size_t len)
{
	/* TODO(lab2.4): send every byte.
	 * -- handout section 4.4 */
	(void)fd;
	(void)buf;
	(void)len;
	fprintf(stderr, "tcp_server: TODO(lab2.4): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.3: serve one client until it closes, resets, sends a line
 * longer than LINE_LIMIT or we are asked to stop: collect its bytes in
 * c->buf, and answer each whole line (log_line, a-z in upper case, back
 * with its '\n').  Whatever happens, the server goes on.
 */
static void
serve_client(struct connection *c)
{
	/* TODO(lab2.3): one client's lines: framing, replies, its end.
	 * -- handout section 4.3 */
	(void)c;
	(void)send_all;
	fprintf(stderr, "tcp_server: TODO(lab2.3): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.2: accept and serve clients one at a time until a signal
 * (log_connected for each).  Returns 0 once stop_requested is set, -1 on
 * an accept() error that is not the client's (after one line on stderr).
 */
static int
serve_forever(int listen_fd, struct connection *c)
{
	/* TODO(lab2.2): the accept loop.
	 * -- handout section 4.2 */
	(void)listen_fd;
	(void)c;
	(void)serve_client;
	fprintf(stderr, "tcp_server: TODO(lab2.2): not implemented yet\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct connection *c = NULL;
	const char *port;
	int fd = -1, status;

	status = parse_server_args(argc, argv, "tcp_server",
	    "Answers each line sent to TCP PORT with the same line, a-z in "
	    "upper case.",
	    &port);
	if (status >= 0)
		return status;
	status = 1;
	if (install_stop_handlers() < 0) {
		fprintf(stderr, "tcp_server: sigaction: %s\n", strerror(errno));
		return 1;
	}
	c = malloc(sizeof *c);
	if (c == NULL) {
		fprintf(stderr, "tcp_server: out of memory\n");
		return 1;
	}
	fd = open_server(port);
	if (fd >= 0 && serve_forever(fd, c) == 0)
		status = 0;
	if (fd >= 0)
		close(fd);
	free(c);
	return status;
}
