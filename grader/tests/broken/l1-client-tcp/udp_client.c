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
#include <time.h>
#include <unistd.h>

#define PING_TIMEOUT_MS 1000 /* contract: 1 s to answer each ping */
#define COUNT_DEFAULT 10     /* contract: pings sent when COUNT is omitted */
#define COUNT_MAX 1000       /* contract: COUNT is 1..1000 */
#define REPLY_MAX 2048       /* longer than any reply we accept */
#define ADDR_TEXT_MAX 128    /* "[ipv6%scope]:port" fits with room to spare */

static const char usage_line[] = "usage: udp_client HOST PORT [COUNT]";

struct ping_stats {
	int sent, received;
	double rtt_min, rtt_max, rtt_sum; /* milliseconds */
};

/*
 * Milliseconds on the monotonic clock: it never jumps when the wall clock
 * is set, so differences are true durations (gettimeofday's are not).
 */
static double
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		/* Only on a system without a monotonic clock. */
		fprintf(
		    stderr, "udp_client: clock_gettime: %s\n", strerror(errno));
		exit(1);
	}
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Digits only, value 1..max: "12x", "-1", "" and "1e3" are refused. */
static int
parse_number(const char *text, long max)
{
	long value = 0;

	if (*text == '\0')
		return -1;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		value = value * 10 + (*p - '0');
		if (value > max)
			return -1;
	}
	return value >= 1 ? (int)value : -1;
}

/* "ip:port", or "[ip]:port" for IPv6 (the port's colon stays readable). */
static void
format_address(
    const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	char host[ADDR_TEXT_MAX], port[16];

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

/* Same family, address and port?  (Compares fields, not padding bytes.) */
static int
same_address(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (b->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr,
		           sizeof x->sin6_addr) == 0;
	}
	return 0;
}

/*
 * Step lab1.5: turn HOST and PORT into a list of socket addresses in *res.
 * Returns 0, or getaddrinfo's error code (gai_strerror explains it).
 */
static int
resolve_server(const char *host, const char *port, struct addrinfo **res)
{
	struct addrinfo hints;

	/* AF_UNSPEC: HOST may be an IPv4 or IPv6 address or a name that has
	 * either.  No AI_ADDRCONFIG: on a host whose only addresses are the
	 * loopback ones it would hide 127.0.0.1 and ::1. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV; /* PORT is a number, no lookup */
	return getaddrinfo(host, port, &hints, res);
}

/*
 * Step lab1.6: a UDP socket connected to the server address ai.
 * Returns the socket, or -1 with errno set.
 */
static int
connect_server(const struct addrinfo *ai)
{
	int fd, saved;

	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0)
		return -1;
	/* connect() on UDP sends nothing: it fixes the destination, so we
	 * can use send(); the kernel then drops datagrams from anyone else,
	 * and reports an ICMP "port unreachable" as ECONNREFUSED. */
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Step lab1.7: send payload (len bytes) as one datagram to the server.
 * Returns 0, or -1 with errno set.
 */
static int
send_ping(int fd, const char *payload, size_t len)
{
	ssize_t n;

	/* One send() is one datagram, whole or not at all.  ECONNREFUSED
	 * here reports an earlier ping's ICMP error: that ping is already
	 * counted, so this one is simply sent again. */
	do {
		n = send(fd, payload, len, 0);
	} while (n < 0 && (errno == EINTR || errno == ECONNREFUSED));
	return n < 0 ? -1 : 0;
}

/*
 * Step lab1.8: wait until a datagram (or an error report) can be read from fd,
 * or until the monotonic clock reaches deadline (ms).
 * Returns 1 readable, 0 deadline reached, -1 error with errno set.
 */
static int
wait_readable(int fd, double deadline)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

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
		if (rc > 0)
			return 1;
	}
}

/*
 * Step lab1.9: read one datagram (never blocking) and tell whether it is the
 * reply to seq: exactly "PING <seq>" from the server's address and port.
 * Its sender goes to *from.  Returns 1 the reply, 0 anything else (or
 * nothing after all), -1 error with errno set.
 */
static int
receive_reply(int fd, int seq, const struct addrinfo *server,
    struct sockaddr_storage *from, socklen_t *fromlen)
{
	char buf[REPLY_MAX], expected[32];
	int len = snprintf(expected, sizeof expected, "PING %d", seq);
	ssize_t n;

	/* MSG_DONTWAIT: poll() said "readable", but a datagram with a bad
	 * checksum can vanish in between; never block past the deadline. */
	*fromlen = sizeof *from;
	n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)from,
	    fromlen);
	if (n < 0) {
		/* ECONNREFUSED: an ICMP "port unreachable" came back (no server
		 * yet?).  Not a reply, not an error: keep waiting. */
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ECONNREFUSED)
			return 0;
		return -1;
	}
	/* A late reply to an earlier ping or a stray datagram: ignore it. */
	if (!same_address(from, server->ai_addr))
		return 0;
	return n == len && memcmp(buf, expected, (size_t)len) == 0;
}

/* Wait for seq's reply until deadline.  1 reply, 0 timeout, -1 error. */
static int
await_reply(int fd, int seq, const struct addrinfo *server, double deadline,
    struct sockaddr_storage *from, socklen_t *fromlen)
{
	for (;;) {
		int rc = wait_readable(fd, deadline);

		if (rc <= 0)
			return rc;
		rc = receive_reply(fd, seq, server, from, fromlen);
		if (rc != 0)
			return rc;
	}
}

static void
record_rtt(struct ping_stats *st, double rtt)
{
	if (st->received == 0 || rtt < st->rtt_min)
		st->rtt_min = rtt;
	if (st->received == 0 || rtt > st->rtt_max)
		st->rtt_max = rtt;
	st->rtt_sum += rtt;
	st->received++;
}

static void
print_summary(const struct ping_stats *st)
{
	int loss =
	    st->sent > 0 ? (st->sent - st->received) * 100 / st->sent : 0;

	printf(
	    "%d sent, %d received, %d%% loss\n", st->sent, st->received, loss);
	if (st->received > 0)
		printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", st->rtt_min,
		    st->rtt_sum / st->received, st->rtt_max);
	fflush(stdout);
}

/* Send COUNT pings, one at a time.  Returns 0, or -1 on a socket error. */
static int
ping_loop(
    int fd, const struct addrinfo *server, int count, struct ping_stats *st)
{
	for (int seq = 1; seq <= count; seq++) {
		struct sockaddr_storage from;
		socklen_t fromlen;
		char payload[32], who[ADDR_TEXT_MAX + 32];
		int len = snprintf(payload, sizeof payload, "ping %d", seq);
		double sent_at = now_ms();
		int rc;

		if (send_ping(fd, payload, (size_t)len) < 0) {
			fprintf(
			    stderr, "udp_client: send: %s\n", strerror(errno));
			return -1;
		}
		st->sent++;
		rc = await_reply(fd, seq, server, sent_at + PING_TIMEOUT_MS,
		    &from, &fromlen);
		if (rc < 0) {
			fprintf(stderr, "udp_client: receive: %s\n",
			    strerror(errno));
			return -1;
		}
		if (rc == 0) {
			printf("seq=%d timeout\n", seq);
		} else {
			double rtt = now_ms() - sent_at;

			record_rtt(st, rtt);
			format_address(
			    (struct sockaddr *)&from, fromlen, who, sizeof who);
			printf("reply from %s seq=%d rtt=%.3f ms: PING %d\n",
			    who, seq, rtt, seq);
		}
		fflush(stdout); /* nothing lost if we are killed */
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct addrinfo *res = NULL;
	struct ping_stats st = {0};
	int fd = -1, count = COUNT_DEFAULT, rc, status = 1;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s\nSends COUNT (default %d, at most %d) UDP pings to "
		       "HOST:PORT, waiting up to 1 s for each reply.\n",
		    usage_line, COUNT_DEFAULT, COUNT_MAX);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "%s\n", usage_line);
		return 2;
	}
	if (parse_number(argv[2], 65535) < 0) {
		fprintf(stderr,
		    "udp_client: bad PORT '%s' (a number 1..65535); %s\n",
		    argv[2], usage_line);
		return 2;
	}
	if (argc == 4 && (count = parse_number(argv[3], COUNT_MAX)) < 0) {
		fprintf(stderr,
		    "udp_client: bad COUNT '%s' (a number 1..%d); %s\n",
		    argv[3], COUNT_MAX, usage_line);
		return 2;
	}
	rc = resolve_server(argv[1], argv[2], &res);
	if (rc != 0) {
		fprintf(stderr, "udp_client: cannot resolve HOST '%s': %s\n",
		    argv[1],
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return 2;
	}
	/* The contract: the first address getaddrinfo returns is used. */
	fd = connect_server(res);
	if (fd < 0) {
		fprintf(stderr, "udp_client: cannot reach %s port %s: %s\n",
		    argv[1], argv[2], strerror(errno));
		goto out;
	}
	rc = ping_loop(fd, res, count, &st);
	print_summary(&st);
	status = rc == 0 && st.received > 0 ? 0 : 1;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return status;
}
