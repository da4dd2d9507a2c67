#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getaddrinfo otherwise */
/*
 * udp_server: the UDP "pinger" server of lab 1.  It answers every datagram
 * with the same bytes, a-z turned into A-Z, and logs one line per datagram.
 * Usage: udp_server PORT    (stop it with Ctrl-C: exit status 0)
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

#define DATAGRAM_MAX 65535 /* largest UDP payload: nothing is ever cut */
#define ADDR_TEXT_MAX 128  /* "[ipv6%scope]:port" fits with room to spare */

static const char usage_line[] = "usage: udp_server PORT";

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
 * No SA_RESTART: a blocking recvfrom() then fails with EINTR, and the
 * main loop sees stop_requested instead of waiting for one more datagram.
 */
static int
install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
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

/* Payload as text: printable ASCII as is, anything else as \xNN. */
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
 * Step lab1.1: a UDP socket of ai's family.  For IPv6, IPV6_V6ONLY is turned
 * off so the same socket also receives IPv4 datagrams (as ::ffff:a.b.c.d).
 * Returns the socket, or -1 with errno set (the caller reports it).
 */
static int
server_socket(const struct addrinfo *ai)
{
	int fd, off = 0;

	/* A socket is the kernel object our datagrams go through; SOCK_DGRAM
	 * with the family getaddrinfo chose means UDP over IPv6 or IPv4. */
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0)
		return -1;
	/* Linux defaults to dual-stack, other systems do not: say it. */
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Step lab1.2: attach the socket to PORT on every local address (ai is the
 * wildcard address :: or 0.0.0.0 that AI_PASSIVE asked for).
 * Returns 0, or -1 with errno set.
 */
static int
server_bind(int fd, const struct addrinfo *ai)
{
	/* Without bind() the kernel would pick a random port the first time
	 * we send: a server must be found at a port its clients know. */
	return bind(fd, ai->ai_addr, ai->ai_addrlen);
}

/*
 * Open the server's socket: IPv6 (dual-stack) first, IPv4 only when this
 * host has no IPv6 at all.  A port that is in use is an error, never a
 * reason to fall back (that would hide it).  Returns the socket or -1.
 */
static int
open_server(const char *port)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, rc, err = EAFNOSUPPORT;

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
	for (int pass = 0; pass < 2; pass++) {
		int family = pass == 0 ? AF_INET6 : AF_INET;

		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
			if (ai->ai_family != family)
				continue;
			fd = server_socket(ai);
			if (fd >= 0 && server_bind(fd, ai) == 0)
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
		fprintf(stderr, "udp_server: cannot bind UDP port %s: %s\n",
		    port, strerror(err));
	return fd;
}

/*
 * Step lab1.3: wait for the next datagram and receive it whole into buf,
 * with the sender's address in *from.  Returns its length (0 is a valid
 * empty datagram), or -1 with errno set (EINTR: a signal came).
 */
static ssize_t
receive_datagram(int fd, unsigned char *buf, size_t size,
    struct sockaddr_storage *from, socklen_t *fromlen)
{
	/* UDP keeps message boundaries: one recvfrom() is exactly one
	 * datagram.  sockaddr_storage holds an IPv6 or an IPv4 sender. */
	*fromlen = sizeof *from;
	return recvfrom(fd, buf, size, 0, (struct sockaddr *)from, fromlen);
}

/*
 * Step lab1.4: send len bytes of buf as one datagram to the address in *to.
 * Returns 0, or -1 with errno set.
 */
static int
send_reply(int fd, const unsigned char *buf, size_t len,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	ssize_t n;

	/* The socket is not connected (it serves everyone): sendto() names
	 * the destination, the address recvfrom() reported. */
	do {
		struct sockaddr_storage bad = *to;
		struct sockaddr_in *b4 = (struct sockaddr_in *)&bad;
		struct sockaddr_in6 *b6 = (struct sockaddr_in6 *)&bad;

		if (bad.ss_family == AF_INET6)
			b6->sin6_port = htons((uint16_t)(ntohs(b6->sin6_port) + 1));
		else
			b4->sin_port = htons((uint16_t)(ntohs(b4->sin_port) + 1));
		n = sendto(fd, buf, len, 0, (const struct sockaddr *)&bad, tolen);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	return 0;
}

/* One datagram in, one datagram out, one log line. */
static void
serve_datagram(int fd, unsigned char *buf, size_t len,
    const struct sockaddr_storage *from, socklen_t fromlen)
{
	char who[ADDR_TEXT_MAX + 32];

	format_address((const struct sockaddr *)from, fromlen, who, sizeof who);
	printf("%s sent %zu bytes: \"", who, len);
	print_escaped(buf, len);
	printf("\"\n");
	fflush(stdout); /* nothing lost if we are killed */
	to_upper_ascii(buf, len);
	if (send_reply(fd, buf, len, from, fromlen) < 0)
		fprintf(stderr, "udp_server: cannot reply to %s: %s\n", who,
		    strerror(errno));
}

int
main(int argc, char **argv)
{
	unsigned char *buf = NULL;
	int fd = -1, status = 1;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf(
		    "%s\nAnswers each UDP datagram sent to PORT with the same "
		    "bytes, a-z in upper case.\n",
		    usage_line);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "%s\n", usage_line);
		return 2;
	}
	if (parse_port(argv[1]) < 0) {
		fprintf(stderr,
		    "udp_server: bad PORT '%s' (a number 1..65535); %s\n",
		    argv[1], usage_line);
		return 2;
	}
	if (install_stop_handlers() < 0) {
		fprintf(stderr, "udp_server: sigaction: %s\n", strerror(errno));
		return 1;
	}
	buf = malloc(DATAGRAM_MAX);
	if (buf == NULL) {
		fprintf(stderr, "udp_server: out of memory\n");
		return 1;
	}
	fd = open_server(argv[1]);
	if (fd < 0)
		goto out;
	while (!stop_requested) {
		struct sockaddr_storage from;
		socklen_t fromlen;
		ssize_t n =
		    receive_datagram(fd, buf, DATAGRAM_MAX, &from, &fromlen);

		if (n < 0 && errno == EINTR)
			continue; /* a signal: the loop test decides */
		if (n < 0) {
			fprintf(stderr, "udp_server: recvfrom: %s\n",
			    strerror(errno));
			goto out;
		}
		serve_datagram(fd, buf, (size_t)n, &from, fromlen);
	}
	status = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return status;
}
