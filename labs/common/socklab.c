/*
 * socklab.c: the given helpers of the socket labs (see socklab.h): the
 * arguments, address text, the monotonic clock, the stop signals and the
 * contract's output lines.  No socket call here: those are yours.
 */
#define _POSIX_C_SOURCE 200809L /* -std=c11 hides getnameinfo otherwise */
#include "socklab.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHOW_MAX 64 /* bytes of a payload escape_text() shows */

volatile sig_atomic_t stop_requested;

/* Digits only, value 1..max: "12x", "-1", "", "1e3" are refused (-1). */
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

int
parse_server_args(int argc, char **argv, const char *prog, const char *what,
    const char **port)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: %s PORT\n%s\n", prog, what);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", prog);
		return 2;
	}
	if (parse_number(argv[1], 65535) < 0) {
		fprintf(stderr,
		    "%s: bad PORT '%s' (a number 1..65535); usage: %s PORT\n",
		    prog, argv[1], prog);
		return 2;
	}
	*port = argv[1];
	return -1;
}

int
parse_client_args(int argc, char **argv, const char *prog, const char *what,
    const char **host, const char **port, int *count)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: %s HOST PORT [COUNT]\n%s\n", prog, what);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s HOST PORT [COUNT]\n", prog);
		return 2;
	}
	if (parse_number(argv[2], 65535) < 0) {
		fprintf(stderr,
		    "%s: bad PORT '%s' (a number 1..65535); usage: %s HOST "
		    "PORT [COUNT]\n",
		    prog, argv[2], prog);
		return 2;
	}
	*count = COUNT_DEFAULT;
	if (argc == 4 && (*count = parse_number(argv[3], COUNT_MAX)) < 0) {
		fprintf(stderr,
		    "%s: bad COUNT '%s' (a number 1..%d); usage: %s HOST PORT "
		    "[COUNT]\n",
		    prog, argv[3], COUNT_MAX, prog);
		return 2;
	}
	*host = argv[1];
	*port = argv[2];
	return -1;
}

void
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

int
same_address(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr,
		           sizeof x->sin6_addr) == 0;
	}
	return 0;
}

double
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		/* Only on a system without a monotonic clock. */
		fprintf(stderr, "clock_gettime: %s\n", strerror(errno));
		exit(1);
	}
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int
install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocked calls fail with EINTR */
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
#ifdef __APPLE__
	/* No MSG_NOSIGNAL there: a send() to a vanished peer must give
	 * EPIPE, not kill the program. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
#endif
	return 0;
}

void
print_reply(struct ping_stats *st, const char *who, int seq, double rtt)
{
	if (st->received == 0 || rtt < st->rtt_min)
		st->rtt_min = rtt;
	if (st->received == 0 || rtt > st->rtt_max)
		st->rtt_max = rtt;
	st->rtt_sum += rtt;
	st->received++;
	printf(
	    "reply from %s seq=%d rtt=%.3f ms: PING %d\n", who, seq, rtt, seq);
	fflush(stdout); /* nothing lost if we are killed */
}

void
print_timeout(int seq)
{
	printf("seq=%d timeout\n", seq);
	fflush(stdout);
}

void
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

/* Payload as text: printable ASCII as is, \ and " escaped, anything else
 * as \xNN: one payload stays one line. */
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

void
log_datagram(const struct sockaddr *from, socklen_t fromlen,
    const unsigned char *buf, size_t len)
{
	char who[ADDR_TEXT_MAX];

	format_address(from, fromlen, who, sizeof who);
	printf("%s sent %zu bytes: \"", who, len);
	print_escaped(buf, len);
	printf("\"\n");
	fflush(stdout);
}

void
log_connected(const char *who)
{
	printf("%s connected\n", who);
	fflush(stdout);
}

void
log_line(const char *who, const unsigned char *line, size_t len)
{
	printf("%s line: \"", who);
	print_escaped(line, len);
	printf("\"\n");
	fflush(stdout);
}

void
escape_text(const void *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char *b = buf;
	size_t o = 0;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < len && i < SHOW_MAX && o + 5 < outlen; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' && b[i] != '"')
			out[o++] = (char)b[i];
		else
			o += (size_t)snprintf(
			    out + o, outlen - o, "\\x%02x", b[i]);
	}
	if (len > SHOW_MAX && o + 4 <= outlen)
		o += (size_t)snprintf(out + o, outlen - o, "...");
	out[o] = '\0';
}
