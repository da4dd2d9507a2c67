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
	struct addrinfo hints, *res = NULL;
	int fd = -1, rc, err = EAFNOSUPPORT, on = 1, off = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC; /* the IPv6 and the IPv4 wildcard */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(NULL, port, &hints, &res);
	if (rc != 0) {
		fprintf(
		    stderr, "tcp_server: getaddrinfo: %s\n", gai_strerror(rc));
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
		/* Dual-stack, said explicitly (other systems default to
		 * IPv6-only).  SO_REUSEADDR: a restarted server may bind the
		 * port while the last connection's TIME_WAIT lingers.
		 * listen(): from now on the kernel answers SYNs on this port
		 * and completes handshakes on its own, queueing up to
		 * LISTEN_BACKLOG connections until accept() takes them. */
		if (fd >= 0 &&
		    (family != AF_INET6 ||
		        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		            sizeof off) == 0) &&
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ==
		        0 &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, LISTEN_BACKLOG) == 0)
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
		fprintf(stderr,
		    "tcp_server: cannot listen on TCP port %s: %s\n", port,
		    strerror(err));
	return fd;
}

/*
 * Step lab2.4: send all len bytes of buf on the connection.
 * Returns 0, or -1 with errno set (EPIPE or ECONNRESET: the client is gone;
 * EINTR: we were asked to stop).
 */
static int
send_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		/* send() may take fewer bytes than offered (a full socket
		 * buffer): loop over the rest.  MSG_NOSIGNAL: a vanished client
		 * gives EPIPE here instead of a SIGPIPE that kills us. */
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR && !stop_requested)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
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
	for (;;) {
		unsigned char *nl = memchr(c->buf, '\n', c->have);
		ssize_t n;

		if (nl != NULL) { /* a whole line: answer it */
			size_t len = (size_t)(nl - c->buf) + 1;

			log_line(c->who, c->buf, len - 1);
			for (size_t i = 0; i < len; i++)
				if (c->buf[i] >= 'a' && c->buf[i] <= 'z')
					c->buf[i] = (unsigned char)(c->buf[i] -
					                            'a' + 'A');
			if (send_all(c->fd, c->buf, len) < 0) {
				if (!stop_requested)
					fprintf(stderr,
					    "tcp_server: %s: send: %s\n",
					    c->who, strerror(errno));
				return;
			}
			/* keep what came after the line */
			c->have -= len;
			memmove(c->buf, c->buf + len, c->have);
			continue;
		}
		if (c->have == sizeof c->buf) {
			fprintf(stderr,
			    "tcp_server: %s: line longer than %d bytes, "
			    "closing\n",
			    c->who, LINE_LIMIT);
			return;
		}
		/* A signal that came while we were answering set the flag but
		 * interrupted no call: look at it before blocking again. */
		if (stop_requested)
			return;
		/* A stream has no message boundaries: this may return half a
		 * line, or several lines, whatever the segments carried. */
		n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
		if (n == 0) { /* EOF: the client sent its FIN */
			if (c->have > 0)
				fprintf(stderr,
				    "tcp_server: %s: closed mid-line, "
				    "%zu bytes unanswered\n",
				    c->who, c->have);
			return;
		}
		if (n < 0 && errno == EINTR)
			continue; /* the loop looks at stop_requested */
		if (n < 0) {
			fprintf(stderr, "tcp_server: %s: recv: %s\n", c->who,
			    strerror(errno));
			return;
		}
		c->have += (size_t)n;
	}
}

/*
 * Step lab2.2: accept and serve clients one at a time until a signal
 * (log_connected for each).  Returns 0 once stop_requested is set, -1 on
 * an accept() error that is not the client's (after one line on stderr).
 */
static int
serve_forever(int listen_fd, struct connection *c)
{
	while (!stop_requested) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;

		/* The handshake is already done (by the kernel): accept()
		 * hands us a NEW socket for this one client; listen_fd keeps
		 * listening. */
		c->fd = accept(listen_fd, (struct sockaddr *)&from, &fromlen);
		if (c->fd < 0) {
			/* EINTR: the loop test decides; ECONNABORTED: that
			 * client left before we took it.  Neither stops us. */
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "tcp_server: accept: %s\n",
			    strerror(errno));
			return -1;
		}
		c->have = 0;
		format_address(
		    (struct sockaddr *)&from, fromlen, c->who, sizeof c->who);
		log_connected(c->who);
		serve_client(c);
		/* close() sends our FIN (or a reset if the client's bytes were
		 * left unread); either way the next client is ours. */
		close(c->fd);
	}
	return 0;
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
