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
	struct addrinfo hints, *res = NULL;
	int fd = -1, rc, err = EADDRNOTAVAIL;

	/* AF_UNSPEC: IPv4 and IPv6 alike.  No AI_ADDRCONFIG: on a host
	 * whose only addresses are loopback ones it would hide them. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV; /* PORT is a number, no lookup */
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "tcp_client: cannot resolve HOST '%s': %s\n",
		    host,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return NO_SUCH_HOST;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* connect() runs the three-way handshake (SYN, SYN-ACK, ACK)
		 * and returns when it is done, or fails: ECONNREFUSED when the
		 * host answers the SYN with a reset (nobody listens there). */
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			format_address(
			    ai->ai_addr, ai->ai_addrlen, who, ADDR_TEXT_MAX);
			break;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr,
		    "tcp_client: cannot connect to %s port %s: %s\n", host,
		    port, strerror(err));
	return fd;
}

/*
 * Step lab2.7: send all len bytes of buf on the connection.
 * Returns 0, or -1 with errno set (EPIPE, ECONNRESET: the server is gone).
 */
static int
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		/* send() may take fewer bytes than offered: loop over the rest.
		 * MSG_NOSIGNAL: EPIPE, not a SIGPIPE that would kill us. */
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
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
	struct pollfd pfd = {.fd = r->fd, .events = POLLIN};

	for (;;) {
		const char *nl = memchr(r->buf, '\n', r->have);
		double left = deadline - now_ms();
		int rc, ms = (int)left;
		ssize_t n;

		if (nl != NULL)
			return (int)(nl - r->buf) + 1;
		if (r->have == sizeof r->buf)
			return (int)r->have;
		if (left <= 0)
			return READ_TIMEOUT;
		if (ms < left)
			ms++; /* round up: never wake before the deadline */
		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno != EINTR)
			return READ_ERROR;
		if (rc <= 0)
			continue; /* the deadline is checked above */
		/* A stream has no message boundaries: a reply can come in
		 * pieces, so append to what we already have and look again. */
		n = recv(r->fd, r->buf + r->have, sizeof r->buf - r->have, 0);
		if (n == 0)
			return READ_CLOSED; /* the server's FIN */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return READ_ERROR; /* ECONNRESET: its reset */
		r->have += (size_t)n;
	}
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
	char line[32], expected[32], shown[300];
	int len = snprintf(line, sizeof line, "ping %d\n", seq);
	int explen = snprintf(expected, sizeof expected, "PING %d\n", seq);
	double sent_at = now_ms();
	int rc;

	st->sent++;
	if (send_all(r->fd, line, (size_t)len) < 0) {
		fprintf(
		    stderr, "tcp_client: seq=%d: %s\n", seq, strerror(errno));
		return -1;
	}
	rc = read_line(r, sent_at + PING_TIMEOUT_MS);
	if (rc == READ_TIMEOUT) {
		/* The reply may still come, and would then be taken for the
		 * next one's: the stream is out of step, so stop. */
		print_timeout(seq);
		return -1;
	}
	if (rc == READ_CLOSED || rc == READ_ERROR) {
		fprintf(stderr, "tcp_client: seq=%d: %s\n", seq,
		    rc == READ_CLOSED ? "the server closed the connection "
		                        "before replying"
		                      : strerror(errno));
		return -1;
	}
	if (rc != explen || memcmp(r->buf, expected, (size_t)explen) != 0) {
		escape_text(r->buf,
		    r->buf[rc - 1] == '\n' ? (size_t)rc - 1 : (size_t)rc, shown,
		    sizeof shown);
		fprintf(stderr,
		    "tcp_client: seq=%d: wrong reply \"%s\" (expected "
		    "\"PING %d\")\n",
		    seq, shown, seq);
		return -1;
	}
	print_reply(st, who, seq, now_ms() - sent_at);
	r->have -= (size_t)explen; /* keep what came after the line */
	memmove(r->buf, r->buf + explen, r->have);
	return 0;
}

/*
 * Step lab2.9: end the connection with a normal FIN.  Bytes left unread in
 * the socket would make close() send a reset instead, so read (without
 * waiting) whatever has arrived first.  Returns 0, or -1 with errno set.
 */
static int
close_connection(int fd)
{
	char scrap[512];
	ssize_t n;

	do {
		n = recv(fd, scrap, sizeof scrap, MSG_DONTWAIT);
	} while (n > 0 || (n < 0 && errno == EINTR));
	/* No SO_LINGER: close() hands our FIN to the kernel and returns; the
	 * kernel finishes the teardown on its own. */
	return close(fd);
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
