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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS has none; SIGPIPE is ignored anyway */
#endif

#define PING_TIMEOUT_MS 1000 /* contract: 1 s to answer each ping */
#define COUNT_DEFAULT 10     /* contract: pings sent when COUNT is omitted */
#define COUNT_MAX 1000       /* contract: COUNT is 1..1000 */
#define LINE_LIMIT 1024      /* contract: at most 1024 bytes before '\n' */
#define ADDR_TEXT_MAX 128    /* "[ipv6%scope]:port" fits with room to spare */
#define SHOW_MAX 64          /* bytes of a wrong reply quoted in the error */

/* What read_line() can return besides a line length. */
#define READ_TIMEOUT 0   /* the deadline passed */
#define READ_ERROR (-1)  /* recv() failed: errno says why */
#define READ_CLOSED (-2) /* the server closed the connection */

static const char usage_line[] = "usage: tcp_client HOST PORT [COUNT]";

/* Bytes received from the server but not yet used: a stream can deliver
 * half a reply, or a reply and the start of the next one. */
struct line_reader {
	int fd;
	char buf[LINE_LIMIT + 1];
	size_t have;
};

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
		    stderr, "tcp_client: clock_gettime: %s\n", strerror(errno));
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

/* Up to SHOW_MAX bytes of buf as one printable line (\xNN escapes). */
static void
escape_text(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len && i < SHOW_MAX && o + 5 < outlen; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(
			    out + o, outlen - o, "\\x%02x", ch);
	}
	if (len > SHOW_MAX && o + 4 <= outlen)
		o += (size_t)snprintf(out + o, outlen - o, "...");
	out[o] = '\0';
}

/* The contract asks for a normal end even when the server has gone:
 * writing to a reset connection must give EPIPE, not kill us. */
static int
ignore_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

static int
resolve_server(const char *host, const char *port, struct addrinfo **res)
{
	struct addrinfo hints;

	/* AF_UNSPEC: IPv4 and IPv6 alike.  No AI_ADDRCONFIG: on a host
	 * whose only addresses are loopback ones it would hide them. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV; /* PORT is a number, no lookup */
	return getaddrinfo(host, port, &hints, res);
}

/*
 * Wait until fd has something to read (data, EOF or an error) or the
 * monotonic clock reaches deadline (ms).  1 readable, 0 deadline, -1 error.
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
		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc > 0)
			return 1;
	}
}

/*
 * Step lab2.7: try each address in res, in order, until a TCP connection is
 * made; *used is set to the address that worked.  Returns the connected
 * socket, or -1 with errno set by the last failure.
 */
static int
connect_any(const struct addrinfo *res, const struct addrinfo **used)
{
	int fd = -1, err = EADDRNOTAVAIL;

	for (const struct addrinfo *ai = res; ai != NULL; ai = NULL) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* connect() runs the three-way handshake (SYN, SYN-ACK, ACK)
		 * and returns when it is done, or fails: ECONNREFUSED when the
		 * host answers the SYN with a reset (nobody listens there). */
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			*used = ai;
			return fd;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	errno = err;
	return -1;
}

/*
 * Step lab2.8: send all len bytes of buf on the connection.
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
 * Step lab2.9: make r->buf start with one whole line, receiving more bytes as
 * needed until the monotonic clock reaches deadline.  Returns the line's
 * length with its '\n' (or LINE_LIMIT + 1 if no '\n' came in that many
 * bytes: not a valid reply), or READ_TIMEOUT, READ_CLOSED, READ_ERROR.
 */
static int
read_line(struct line_reader *r, double deadline)
{
	for (;;) {
		const char *nl = memchr(r->buf, '\n', r->have);
		ssize_t n;
		int rc;

		if (nl != NULL)
			return (int)(nl - r->buf) + 1;
		if (r->have == sizeof r->buf)
			return (int)r->have;
		rc = wait_readable(r->fd, deadline);
		if (rc <= 0)
			return rc == 0 ? READ_TIMEOUT : READ_ERROR;
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
 * Step lab2.10: end the connection with a normal FIN.  Bytes left unread in
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

/* Say why seq got no reply (one line on stderr). */
static void
report_failure(int rc, int seq, const struct line_reader *r)
{
	char shown[SHOW_MAX * 4 + 8];

	if (rc == READ_CLOSED) {
		fprintf(stderr,
		    "tcp_client: seq=%d: the server closed the "
		    "connection before replying\n",
		    seq);
	} else if (rc == READ_ERROR) {
		fprintf(
		    stderr, "tcp_client: seq=%d: %s\n", seq, strerror(errno));
	} else {
		size_t len = (size_t)rc;

		if (r->buf[len - 1] == '\n')
			len--; /* show the line without its end */
		escape_text(r->buf, len, shown, sizeof shown);
		fprintf(stderr,
		    "tcp_client: seq=%d: wrong reply \"%s\" (expected "
		    "\"PING %d\")\n",
		    seq, shown, seq);
	}
}

/*
 * One ping: send the line, read one reply line, print it.
 * Returns 0 if seq got its reply, -1 if the pinging must stop.
 */
static int
ping_once(
    struct line_reader *r, int seq, const char *who, struct ping_stats *st)
{
	char line[32], expected[32];
	int len = snprintf(line, sizeof line, "ping %d\n", seq);
	int explen = snprintf(expected, sizeof expected, "PING %d\n", seq);
	double sent_at = now_ms(), rtt;
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
		printf("seq=%d timeout\n", seq);
		fflush(stdout);
		return -1;
	}
	if (rc != explen || memcmp(r->buf, expected, (size_t)explen) != 0) {
		report_failure(rc, seq, r);
		return -1;
	}
	rtt = now_ms() - sent_at;
	record_rtt(st, rtt);
	r->have -= (size_t)explen; /* keep what came after the line */
	memmove(r->buf, r->buf + explen, r->have);
	printf(
	    "reply from %s seq=%d rtt=%.3f ms: PING %d\n", who, seq, rtt, seq);
	fflush(stdout); /* nothing lost if we are killed */
	return 0;
}

int
main(int argc, char **argv)
{
	struct addrinfo *res = NULL;
	const struct addrinfo *used = NULL;
	struct line_reader *r = NULL;
	struct ping_stats st = {0};
	char who[ADDR_TEXT_MAX + 32];
	int fd = -1, count = COUNT_DEFAULT, rc, status = 1;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s\nSends COUNT (default %d, at most %d) TCP pings to "
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
		    "tcp_client: bad PORT '%s' (a number 1..65535); %s\n",
		    argv[2], usage_line);
		return 2;
	}
	if (argc == 4 && (count = parse_number(argv[3], COUNT_MAX)) < 0) {
		fprintf(stderr,
		    "tcp_client: bad COUNT '%s' (a number 1..%d); %s\n",
		    argv[3], COUNT_MAX, usage_line);
		return 2;
	}
	rc = resolve_server(argv[1], argv[2], &res);
	if (rc != 0) {
		fprintf(stderr, "tcp_client: cannot resolve HOST '%s': %s\n",
		    argv[1],
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return 2;
	}
	r = malloc(sizeof *r);
	if (r == NULL || ignore_sigpipe() < 0) {
		fprintf(stderr, "tcp_client: %s\n", strerror(errno));
		goto out;
	}
	fd = connect_any(res, &used);
	if (fd < 0) {
		fprintf(stderr,
		    "tcp_client: cannot connect to %s port %s: %s\n", argv[1],
		    argv[2], strerror(errno));
		goto out;
	}
	format_address(used->ai_addr, used->ai_addrlen, who, sizeof who);
	r->fd = fd;
	r->have = 0;
	for (int seq = 1; seq <= count; seq++)
		if (ping_once(r, seq, who, &st) < 0)
			goto summary;
	rc = close_connection(fd);
	fd = -1;
	if (rc < 0) {
		fprintf(stderr, "tcp_client: close: %s\n", strerror(errno));
		goto summary;
	}
	status = 0;
summary:
	print_summary(&st);
out:
	if (fd >= 0)
		close(fd);
	free(r);
	freeaddrinfo(res);
	return status;
}
