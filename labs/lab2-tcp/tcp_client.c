#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * tcp_client: the TCP "pinger" client of lab 2.  Over one connection it
 * sends COUNT lines "ping <seq>\n", reads each reply line "PING <seq>",
 * prints its round-trip time and a summary.  Usage: tcp_client HOST PORT
 * [COUNT]
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

#define NO_SUCH_HOST (-2) /* connect_any(): HOST does not resolve */

/* What read_line() can return besides a line length. */
#define READ_TIMEOUT 0   /* the deadline passed */
#define READ_ERROR (-1)  /* recv() or poll() failed: errno says why */
#define READ_CLOSED (-2) /* the server closed the connection */

/* Bytes received from the server but not yet used: a stream can deliver
 * half a reply, or a reply and the start of the next one. */
struct line_reader {
	int fd;
	char buf[LINE_LIMIT + 1];
	size_t have;
};

/*
 * Step lab2.5: a TCP connection to HOST and PORT: try each address
 * getaddrinfo gives, in order, until one connects; its text ("ip:port")
 * goes to who (ADDR_TEXT_MAX bytes).  Returns the connected socket, or
 * after one line on stderr: NO_SUCH_HOST when HOST does not resolve, -1
 * when no address connects.
 */
static int
connect_any(const char *host, const char *port, char *who)
{
	/* TODO(lab2.5): resolve HOST and PORT, connect to the first address
	 * that answers.
	 * -- handout section 5.1 */
	(void)host;
	(void)port;
	(void)who;
	fprintf(stderr, "tcp_client: TODO(lab2.5): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.7: send all len bytes of buf on the connection.
 * Returns 0, or -1 with errno set (EPIPE, ECONNRESET: the server is gone).
 */
static int
send_all(int fd, const char *buf, size_t len)
{
	/* TODO(lab2.7): send every byte.
	 * -- handout section 5.3 */
	(void)fd;
	(void)buf;
	(void)len;
	fprintf(stderr, "tcp_client: TODO(lab2.7): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.8: make r->buf start with one whole line, receiving more bytes
 * as needed until the monotonic clock reaches deadline (ms).  Returns the
 * line's length with its '\n' (or LINE_LIMIT + 1 if no '\n' came in that
 * many bytes: not a valid reply), or READ_TIMEOUT, READ_CLOSED, READ_ERROR.
 */
static int
read_line(struct line_reader *r, double deadline)
{
	/* TODO(lab2.8): one whole line from the stream, before the deadline.
	 * -- handout section 5.4 */
	(void)r;
	(void)deadline;
	fprintf(stderr, "tcp_client: TODO(lab2.8): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.6: one ping: send "ping <seq>\n", read one reply line, which
 * must be exactly "PING <seq>\n", and print it (print_reply).  Returns 0
 * if seq got its reply, -1 if the pinging must stop (after a timeout line,
 * or one line on stderr saying why).
 */
static int
ping_once(
    struct line_reader *r, int seq, const char *who, struct ping_stats *st)
{
	/* TODO(lab2.6): send one ping line, read and check its reply.
	 * -- handout section 5.2 */
	(void)r;
	(void)seq;
	(void)who;
	(void)st;
	(void)send_all;
	(void)read_line;
	fprintf(stderr, "tcp_client: TODO(lab2.6): not implemented yet\n");
	exit(1);
}

/*
 * Step lab2.9: end the connection with a normal FIN.  Bytes left unread in
 * the socket would make close() send a reset instead, so read (without
 * waiting) whatever has arrived first.  Returns 0, or -1 with errno set.
 */
static int
close_connection(int fd)
{
	/* TODO(lab2.9): the clean close.
	 * -- handout section 5.5 */
	(void)fd;
	fprintf(stderr, "tcp_client: TODO(lab2.9): not implemented yet\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *host, *port;
	struct line_reader *r = NULL;
	struct ping_stats st = {0};
	char who[ADDR_TEXT_MAX];
	int fd, count, rc, status = 1;

	rc = parse_client_args(argc, argv, "tcp_client",
	    "Sends COUNT (default 10, at most 1000) TCP pings to HOST:PORT, "
	    "waiting up to 1 s for each reply.",
	    &host, &port, &count);
	if (rc >= 0)
		return rc;
	r = malloc(sizeof *r);
	if (r == NULL) {
		fprintf(stderr, "tcp_client: out of memory\n");
		return 1;
	}
	fd = connect_any(host, port, who);
	if (fd < 0) {
		free(r);
		return fd == NO_SUCH_HOST ? 2 : 1;
	}
	r->fd = fd;
	r->have = 0;
	for (int seq = 1; seq <= count; seq++)
		if (ping_once(r, seq, who, &st) < 0)
			goto summary;
	fd = -1;
	if (close_connection(r->fd) < 0) {
		fprintf(stderr, "tcp_client: close: %s\n", strerror(errno));
		goto summary;
	}
	status = 0;
summary:
	print_summary(&st);
	if (fd >= 0)
		close(fd);
	free(r);
	return status;
}
