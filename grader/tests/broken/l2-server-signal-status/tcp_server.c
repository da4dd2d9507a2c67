#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * tcp_server: the TCP "pinger" server of lab 2.  Clients send lines ending
 * in '\n'; each line comes back with a-z turned into A-Z.  One client at a
 * time.  Usage: tcp_server PORT    (stop it with Ctrl-C: exit status 0)
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS has none; SIGPIPE is ignored anyway */
#endif

#define LINE_LIMIT 1024   /* contract: at most 1024 bytes before the '\n' */
#define LISTEN_BACKLOG 8  /* clients the kernel queues while we serve one */
#define ADDR_TEXT_MAX 128 /* "[ipv6%scope]:port" fits with room to spare */

static const char usage_line[] = "usage: tcp_server PORT";

/* One client's connection and the bytes received but not yet answered. */
struct connection {
	int fd;
	char who[ADDR_TEXT_MAX + 32];      /* the client, as "ip:port" */
	unsigned char buf[LINE_LIMIT + 1]; /* the longest line and its '\n' */
	size_t have;                       /* bytes in buf */
};

/* Set by the signal handler, read by the main loop: the only global. */
static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * Ctrl-C (SIGINT) and kill (SIGTERM) must end the server with status 0.
 * No SA_RESTART: a blocking accept() or recv() then fails with EINTR, and
 * the loops see stop_requested instead of waiting for a client.  SIGPIPE
 * is ignored: writing to a client that has gone must not kill the server.
 */
static int
install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* PORT must be digits only, 1..65535: "80x", "-1", "" and "70000" are not. */
static int
parse_port(const char *text)
{
	long value = 0;

	if (*text == '\0')
		return -1;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		value = value * 10 + (*p - '0');
		if (value > 65535)
			return -1;
	}
	return value >= 1 ? (int)value : -1;
}

/*
 * "ip:port", or "[ip]:port" for IPv6.  A dual-stack socket reports an
 * IPv4 client as the IPv4-mapped address ::ffff:a.b.c.d; it is shown as
 * plain a.b.c.d, which is what the client really used.
 */
static void
format_address(
    const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	char host[ADDR_TEXT_MAX], port[16];
	struct sockaddr_in v4;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
		memset(&v4, 0, sizeof v4);
		v4.sin_family = AF_INET;
		v4.sin_port = v6->sin6_port;
		memcpy(&v4.sin_addr, &v6->sin6_addr.s6_addr[12], 4);
		sa = (const struct sockaddr *)&v4;
		len = sizeof v4;
	}
	if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
	        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, outlen, "(unknown address)");
		return;
	}
	if (sa->sa_family == AF_INET6)
		snprintf(out, outlen, "[%s]:%s", host, port);
	else
		snprintf(out, outlen, "%s:%s", host, port);
}

/* Text as is when printable ASCII, anything else as \xNN: one line. */
static void
print_escaped(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\\' || buf[i] == '"')
			printf("\\%c", buf[i]);
		else if (buf[i] >= 0x20 && buf[i] < 0x7f)
			putchar(buf[i]);
		else
			printf("\\x%02x", buf[i]);
	}
}

/* The service itself: ASCII a-z to A-Z, every other byte (NUL too) kept. */
static void
to_upper_ascii(unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
}

/*
 * Step lab2.1: a TCP socket of ai's family, dual-stack when IPv6, with
 * SO_REUSEADDR on.  Returns the socket, or -1 with errno set.
 */
static int
server_socket(const struct addrinfo *ai)
{
	int fd, on = 1, off = 0, saved;

	/* SOCK_STREAM with the family getaddrinfo chose: TCP. */
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0)
		return -1;
	/* Dual-stack: the IPv6 socket also accepts IPv4 clients (Linux
	 * defaults to it, other systems do not: say it).  SO_REUSEADDR: a
	 * restarted server may bind the port while the last connection's
	 * TIME_WAIT lingers, instead of failing for a minute. */
	if ((ai->ai_family == AF_INET6 &&
	        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) <
	            0) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Step lab2.2: attach the socket to PORT on every local address (ai is the
 * wildcard address) and make it a listening socket.
 * Returns 0, or -1 with errno set.
 */
static int
server_listen(int fd, const struct addrinfo *ai)
{
	/* bind(): clients must find us at the port they know. */
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		return -1;
	/* listen(): from now on the kernel answers SYNs on this port and
	 * completes handshakes on its own, queueing up to LISTEN_BACKLOG
	 * connections until accept() takes them. */
	return listen(fd, LISTEN_BACKLOG);
}

/*
 * The listening socket: IPv6 (dual-stack) first, IPv4 only when this host
 * has no IPv6 at all.  A port that is in use is an error, never a reason
 * to fall back (that would hide it).  Returns the socket or -1.
 */
static int
open_server(const char *port)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, rc, err = EAFNOSUPPORT;

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
	for (int pass = 0; pass < 2; pass++) {
		int family = pass == 0 ? AF_INET6 : AF_INET;

		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
			if (ai->ai_family != family)
				continue;
			fd = server_socket(ai);
			if (fd >= 0 && server_listen(fd, ai) == 0)
				goto out; /* done */
			err = errno;
			if (fd >= 0)
				close(fd);
			fd = -1;
			if (err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
				goto out; /* in use, denied...: report it */
		}
	}
out:
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr,
		    "tcp_server: cannot listen on TCP port %s: %s\n", port,
		    strerror(err));
	return fd;
}

/*
 * Step lab2.3: wait for the next client and take its connection, with the
 * client's address in *from.  Returns the connected socket, or -1 with
 * errno set (EINTR: a signal came).
 */
static int
accept_client(int listen_fd, struct sockaddr_storage *from, socklen_t *fromlen)
{
	/* The handshake is already done (by the kernel): accept() hands us
	 * a NEW socket for this one client; listen_fd keeps listening. */
	*fromlen = sizeof *from;
	return accept(listen_fd, (struct sockaddr *)from, fromlen);
}

/*
 * Step lab2.4: receive whatever bytes have arrived into the free end of c->buf.
 * Returns the count, 0 when the client has closed its side (EOF), or -1
 * with errno set (EINTR: a signal; ECONNRESET: the client reset).
 */
static ssize_t
receive_more(struct connection *c)
{
	/* A stream has no message boundaries: this may return half a line,
	 * or several lines, whatever the segments carried so far. */
	return recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
}

/*
 * Step lab2.5: the framing.  Returns the length of the first complete line in
 * c->buf, its '\n' included, or 0 when no whole line has arrived yet.
 */
static size_t
find_line(const struct connection *c)
{
	const unsigned char *nl = memchr(c->buf, '\n', c->have);

	return nl == NULL ? 0 : (size_t)(nl - c->buf) + 1;
}

/*
 * Step lab2.6: send all len bytes of buf on the connection.
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

/* Drop the first len bytes of c->buf (an answered line), keep the rest. */
static void
consume(struct connection *c, size_t len)
{
	memmove(c->buf, c->buf + len, c->have - len);
	c->have -= len;
}

/* Answer every complete line in c->buf.  0, or -1 if sending failed. */
static int
answer_lines(struct connection *c)
{
	size_t len;

	while ((len = find_line(c)) > 0) {
		printf("%s line: \"", c->who);
		print_escaped(c->buf, len - 1);
		printf("\"\n");
		fflush(stdout); /* nothing lost if we are killed */
		to_upper_ascii(c->buf, len);
		if (send_all(c->fd, c->buf, len) < 0) {
			if (!stop_requested)
				fprintf(stderr, "tcp_server: %s: send: %s\n",
				    c->who, strerror(errno));
			return -1;
		}
		consume(c, len);
	}
	return 0;
}

/* Serve one client until it closes, resets or breaks the contract. */
static void
serve_client(struct connection *c)
{
	for (;;) {
		ssize_t n;

		if (answer_lines(c) < 0)
			return;
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
		n = receive_more(c);
		if (n == 0) { /* EOF: the client sent its FIN */
			if (c->have > 0)
				fprintf(stderr,
				    "tcp_server: %s: closed mid-line, "
				    "%zu bytes unanswered\n",
				    c->who, c->have);
			return;
		}
		if (n < 0 && errno == EINTR) {
			if (stop_requested)
				return;
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "tcp_server: %s: recv: %s\n", c->who,
			    strerror(errno));
			return;
		}
		c->have += (size_t)n;
	}
}

/* Accept and serve clients one at a time until a signal.  0 or -1. */
static int
serve_forever(int listen_fd)
{
	struct connection *c = malloc(sizeof *c);

	if (c == NULL) {
		fprintf(stderr, "tcp_server: out of memory\n");
		return -1;
	}
	while (!stop_requested) {
		struct sockaddr_storage from;
		socklen_t fromlen;

		c->fd = accept_client(listen_fd, &from, &fromlen);
		if (c->fd < 0) {
			/* EINTR: the loop test decides; ECONNABORTED: that
			 * client left before we took it.  Neither stops us. */
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "tcp_server: accept: %s\n",
			    strerror(errno));
			free(c);
			return -1;
		}
		c->have = 0;
		format_address(
		    (struct sockaddr *)&from, fromlen, c->who, sizeof c->who);
		printf("%s connected\n", c->who);
		fflush(stdout);
		serve_client(c);
		/* close() sends our FIN (or a reset if the client's bytes were
		 * left unread); either way the next client is ours. */
		close(c->fd);
	}
	free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	int fd, status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s\nAnswers each line sent to TCP PORT with the same "
		       "line, "
		       "a-z in upper case.\n",
		    usage_line);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "%s\n", usage_line);
		return 2;
	}
	if (parse_port(argv[1]) < 0) {
		fprintf(stderr,
		    "tcp_server: bad PORT '%s' (a number 1..65535); %s\n",
		    argv[1], usage_line);
		return 2;
	}
	if (install_signal_handlers() < 0) {
		fprintf(stderr, "tcp_server: sigaction: %s\n", strerror(errno));
		return 1;
	}
	fd = open_server(argv[1]);
	if (fd < 0)
		return 1;
	status = serve_forever(fd) == 0 ? 1 : 1;
	close(fd);
	return status;
}
