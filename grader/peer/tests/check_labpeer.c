/*
 * labpeer's tests: every fault of the servers really happens (on the
 * wire as this test's sockets see it, with times), the checking clients
 * pass the reference programs and catch tiny broken servers written here,
 * splitmix64 gives its known outputs, and the command line is strict.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "peer-opts.h"
#include "rng.h"

#define LP_READY_MS 3000 /* a peer must be listening by then */
#define LP_RUN_MS 15000  /* a labpeer client run ends by then */
#define LP_SLACK_MS 100  /* timing: a loaded 2-core machine's slack */
#define LP_JITTER_MS 40  /* a gap seen here: this test's own wake-ups */
#define LP_WAIT_MS 500   /* wait for a reply that must come */
#define LP_NONE_MS 400   /* wait for a reply that must not come */

#define LP_UDP_REF "solutions/lab1-udp/udp_server"
#define LP_TCP_REF "solutions/lab2-tcp/tcp_server"
#define LP_LAB3_REF "solutions/lab3-concurrent/tcp_server"

/* ---- labpeer as a server ---- */

static int lp_san; /* this test runs build/san/labpeer */

/* Start "labpeer MODE PORT extra..." on a free port; its port. */
static int
lp_start(struct proc *p, const char *mode, const char *const extra[])
{
	int type = strstr(mode, "tcp") != NULL ? SOCK_STREAM : SOCK_DGRAM;
	int port = port_free(type), i, n = 0;
	char pbuf[16];
	char *argv[24];

	ck_assert_int_gt(port, 0);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	argv[n++] = lp_san ? "build/san/labpeer" : (char *)kit_bin("labpeer");
	argv[n++] = (char *)mode;
	argv[n++] = pbuf;
	for (i = 0; extra != NULL && extra[i] != NULL && n < 23; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_start(p, argv), 0);
	ck_assert_msg(proc_ready(p, type, port, LP_READY_MS) == 0,
	    "labpeer %s did not come up on port %d: %s", mode, port, p->err);
	return port;
}

static void
lp_addr(struct sockaddr_storage *ss, socklen_t *len, const char *ip, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
	} else {
		ck_assert(inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
	}
}

static int
lp_udp(const char *ip)
{
	int fd = socket(strchr(ip, ':') ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void
lp_send(int fd, const char *ip, int port, const void *p, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len;

	lp_addr(&ss, &len, ip, port);
	ck_assert_int_eq(
	    sendto(fd, p, n, 0, (struct sockaddr *)&ss, len), (ssize_t)n);
}

/* One datagram within ms: its length (-1 if none), source port, time. */
static ssize_t
lp_recv(int fd, int ms, char *buf, size_t n, int *from_port, double *at)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	ssize_t got;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	got = recvfrom(fd, buf, n - 1, 0, (struct sockaddr *)&ss, &len);
	ck_assert_int_ge(got, 0);
	buf[got] = '\0';
	if (from_port != NULL)
		*from_port = ntohs(ss.ss_family == AF_INET6
		                       ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                       : ((struct sockaddr_in *)&ss)->sin_port);
	if (at != NULL)
		*at = peer_now_ms();
	return got;
}

static void
lp_expect(int fd, const char *want)
{
	char buf[2048];

	ck_assert_msg(lp_recv(fd, LP_WAIT_MS, buf, sizeof buf, NULL, NULL) >= 0,
	    "no reply, expected \"%s\"", want);
	ck_assert_str_eq(buf, want);
}

static void
lp_expect_none(int fd)
{
	char buf[2048];

	ck_assert_msg(lp_recv(fd, LP_NONE_MS, buf, sizeof buf, NULL, NULL) < 0,
	    "an unexpected datagram: \"%s\"", buf);
}

/* ---- splitmix64 ---- */

START_TEST(rng_known)
{
	static const uint64_t want[] = {0xe220a8397b1dcdafULL,
	    0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL};
	/* Computed independently (python3) for --loss 0.3 --seed 7. */
	static const int lost[] = {2, 6, 9, 11, 22, 27, 32, 34, 37, 39, 40};
	struct rng r;
	size_t i, k = 0;
	int n;

	rng_seed(&r, 0);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(rng_next(&r), want[i]);
		ck_assert_uint_eq(rng_nth(0, i + 1), want[i]);
	}
	for (n = 1; n <= 40; n++) {
		int l = k < sizeof lost / sizeof lost[0] && lost[k] == n;

		ck_assert_int_eq(rng_drops(7, 0.3, (uint64_t)n), l);
		k += (size_t)l;
	}
	ck_assert(rng_unit(~0ULL) < 1.0 && rng_unit(0) == 0.0);
}
END_TEST

START_TEST(rng_fraction)
{
	int n, lost = 0;

	for (n = 1; n <= 100000; n++)
		lost += rng_drops(12345, 0.25, (uint64_t)n);
	ck_assert_int_gt(lost, 24000);
	ck_assert_int_lt(lost, 26000);
	ck_assert_int_eq(rng_drops(1, 0.0, 1), 0);
	ck_assert_int_eq(rng_drops(1, 1.0, 1), 1);
}
END_TEST

/* ---- the command line ---- */

static const struct lp_bad {
	const char *argv[8];
	const char *err; /* in the first line of stderr */
} lp_bads[] = {
    {{NULL}, "missing mode"},
    {{"bogus"}, "unknown mode"},
    {{"udp-server"}, "missing PORT"},
    {{"udp-server", "x"}, "PORT must be"},
    {{"udp-server", "70000"}, "PORT must be"},
    {{"udp-client", "127.0.0.1", "0"}, "PORT must be"},
    {{"udp-client", "127.0.0.1"}, "missing PORT"},
    {{"udp-server", "5000", "--split", "2"}, "not an option of udp-server"},
    {{"udp-server", "5000", "--drop", "0"}, "bad value for --drop"},
    {{"udp-server", "5000", "--drop", "2,"}, "bad value for --drop"},
    {{"udp-server", "5000", "--drop", "5-2"}, "bad value for --drop"},
    {{"udp-server", "5000", "--loss", "1.5"}, "bad value for --loss"},
    {{"udp-server", "5000", "--loss", "0.2", "--drop", "1"}, "not both"},
    {{"udp-server", "5000", "--delay"}, "needs a value"},
    {{"udp-server", "5000", "--dup=x"}, "bad value for --dup"},
    {{"udp-server", "5000", "--bogus"}, "unknown option"},
    {{"udp-client", "h", "1", "--hex", "abc"}, "bad value for --hex"},
    {{"udp-client", "h", "1", "--empty", "--size", "3"}, "one payload"},
    {{"udp-client", "h", "1", "--all-bytes", "--count", "3"}, "--count"},
    {{"tcp-client", "h", "1", "--line", "a", "--count", "2"}, "--count"},
    {{"tcp-client", "h", "1", "--reset", "--no-read"}, "one of"},
    {{"udp-client", "h", "1", "--pinger", "--json"}, "--pinger goes"},
    {{"udp-client", "h", "1", "--pinger", "--size", "3"}, "--pinger goes"},
    {{"tcp-client", "h", "1", "--json=1"}, "takes no value"},
    {{"tcp-server", "1", "2"}, "unexpected argument"},
    {{"udp-client", "no-such-host.invalid", "5000"}, "cannot resolve"},
    {{"tcp-clients", "h", "1", "--clients", "0"}, "bad value for --clients"},
    {{"tcp-clients", "h", "1", "--clients", "1001"}, "bad value for --clients"},
    {{"tcp-clients", "h", "1", "--mix", "bogus=1"}, "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--mix", "pinger"}, "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--mix", "pinger=0"}, "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--mix", "idle=-1"}, "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--mix", "idle=1,idle=2"},
        "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--mix", "idle=1,"}, "bad value for --mix"},
    {{"tcp-clients", "h", "1", "--burst", "0"}, "bad value for --burst"},
    {{"tcp-clients", "h", "1", "--hold", "x"}, "bad value for --hold"},
    {{"tcp-clients", "h", "1", "--count", "1001"}, "--count must be"},
    {{"tcp-clients", "h"}, "missing PORT"},
    {{"tcp-client", "h", "1", "--mix", "idle=1"},
        "not an option of tcp-client"},
    {{"tcp-clients", "no-such-host.invalid", "5000"}, "cannot resolve"},
};

START_TEST(args_bad)
{
	const struct lp_bad *b = &lp_bads[_i];
	char *argv[10];
	struct proc p;
	int n;

	argv[0] = (char *)kit_bin("labpeer");
	for (n = 0; b->argv[n] != NULL; n++)
		argv[n + 1] = (char *)b->argv[n];
	argv[n + 1] = NULL;
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 2, "status %d for case %d", PROC_EXIT(&p), _i);
	ck_assert_msg(strncmp(p.err, "labpeer: ", 9) == 0 &&
	                  strstr(p.err, b->err) != NULL &&
	                  strstr(p.err, b->err) < strchr(p.err, '\n'),
	    "case %d: stderr \"%s\" lacks \"%s\" in its first line", _i, p.err,
	    b->err);
	ck_assert_str_eq(p.out, "");
	proc_free(&p);
}
END_TEST

static const char *const lp_helps[][3] = {
    {"--help", NULL, "udp-server PORT"},
    {"udp-client", "--help", "--all-bytes"},
    {"tcp-server", "-h", "--reset-after"},
    {"--version", NULL, "labpeer (socklab) " PEER_VERSION_STR "\n"},
    {"tcp-clients", "--help", "--mix MIX"},
};

START_TEST(args_help)
{
	char *argv[] = {(char *)kit_bin("labpeer"), (char *)lp_helps[_i][0],
	    (char *)lp_helps[_i][1], NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_msg(strstr(p.out, lp_helps[_i][2]) != NULL, "%s", p.out);
	proc_free(&p);
}
END_TEST

START_TEST(args_parse)
{
	char *argv[] = {"labpeer", "udp-server", "0", "--drop", "2,5,7-9",
	    "--late=all", "--seed", "0x10", "-6", NULL};
	unsigned char in[] = "ping 2", out[64];
	struct peer_opts o;
	char err[128];

	ck_assert_int_eq(peer_opts_parse(&o, 9, argv, err, sizeof err), 0);
	ck_assert(peer_list_has(&o.drop, 2) && peer_list_has(&o.drop, 8));
	ck_assert(!peer_list_has(&o.drop, 3) && !peer_list_has(&o.drop, 10));
	ck_assert(peer_list_has(&o.late, 123456));
	ck_assert_uint_eq(o.seed, 16);
	ck_assert_int_eq(o.family, AF_INET6);
	ck_assert_uint_eq(peer_wrong(out, in, 6), 6);
	ck_assert(memcmp(out, "PING 9", 6) == 0);
	ck_assert_uint_eq(peer_wrong(out, (const unsigned char *)"?x", 2), 2);
	ck_assert(memcmp(out, "!X", 2) == 0);
	peer_opts_free(&o);
}
END_TEST

/* --mix: weights by script; the defaults of tcp-clients. */
START_TEST(args_mix)
{
	char *argv[] = {"labpeer", "tcp-clients", "::1", "5000", "--mix",
	    "idle=5,pinger=90,noread=5", "--clients=20", "--hold", "50", NULL};
	char *dflt[] = {"labpeer", "tcp-clients", "::1", "5000", NULL};
	struct peer_opts o;
	char err[128];

	ck_assert_int_eq(peer_opts_parse(&o, 9, argv, err, sizeof err), 0);
	ck_assert_int_eq(o.mix[SCRIPT_PINGER], 90);
	ck_assert_int_eq(o.mix[SCRIPT_IDLE], 5);
	ck_assert_int_eq(o.mix[SCRIPT_NOREAD], 5);
	ck_assert_int_eq(o.mix[SCRIPT_BURST] + o.mix[SCRIPT_HALF] +
	                     o.mix[SCRIPT_RESET] + o.mix[SCRIPT_VANISH],
	    0);
	ck_assert_int_eq(o.clients, 20);
	ck_assert_int_eq(o.hold_ms, 50);
	peer_opts_free(&o);
	ck_assert_int_eq(peer_opts_parse(&o, 4, dflt, err, sizeof err), 0);
	ck_assert_int_eq(o.clients, PEER_CLIENTS);
	ck_assert_int_eq(o.mix[SCRIPT_PINGER], 1);
	ck_assert_int_eq(o.count, PEER_COUNT);
	ck_assert_int_eq(o.burst, PEER_BURST);
	ck_assert_str_eq(peer_script_name(SCRIPT_NOREAD), "noread");
	peer_opts_free(&o);
}
END_TEST

/* ---- udp-server: every fault, seen from a socket here ---- */

START_TEST(udp_drop)
{
	const char *x[] = {"--drop", "2", NULL};
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("127.0.0.1");

	lp_send(fd, "127.0.0.1", port, "ping 1", 6);
	lp_expect(fd, "PING 1");
	lp_send(fd, "127.0.0.1", port, "ping 2", 6);
	lp_expect_none(fd);
	lp_send(fd, "127.0.0.1", port, "ping 3", 6);
	lp_expect(fd, "PING 3");
	close(fd);
	proc_signal(&p, SIGTERM);
	proc_wait(&p, LP_RUN_MS);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_msg(
	    strstr(p.out, "#2 drop: dropped (--drop)") != NULL, "%s", p.out);
	proc_free(&p);
}
END_TEST

/* --loss 0.3 --seed 7 drops the requests splitmix64 names, every run. */
START_TEST(udp_loss)
{
	const char *x[] = {"--loss", "0.3", "--seed", "7", NULL};
	char buf[64], got[41] = {0};
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("::1"), n, lost;

	for (n = 1; n <= 40; n++) {
		snprintf(buf, sizeof buf, "ping %d", n);
		lp_send(fd, "::1", port, buf, strlen(buf));
		/* One at a time: the order of arrival is the numbering. */
		if (lp_recv(fd,
		        rng_drops(7, 0.3, (uint64_t)n) ? 30 : LP_WAIT_MS, buf,
		        sizeof buf, NULL, NULL) > 0 &&
		    sscanf(buf, "PING %d", &lost) == 1 && lost == n)
			got[n] = 1;
	}
	for (n = 1, lost = 0; n <= 40; n++) {
		ck_assert_msg(got[n] != rng_drops(7, 0.3, (uint64_t)n),
		    "request %d: %s", n, got[n] ? "answered" : "lost");
		lost += !got[n];
	}
	ck_assert_int_eq(lost, 11);
	lp_expect_none(fd);
	close(fd);
	proc_free(&p);
}
END_TEST

/* --delay 300: each reply 300 ms after its own request, none held up. */
START_TEST(udp_delay)
{
	const char *x[] = {"--delay", "300", NULL};
	char buf[64];
	double t1, t2, a, b;
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("127.0.0.1");

	t1 = peer_now_ms();
	lp_send(fd, "127.0.0.1", port, "ping 1", 6);
	ck_assert(lp_recv(fd, 100, buf, sizeof buf, NULL, NULL) < 0);
	t2 = peer_now_ms();
	lp_send(fd, "127.0.0.1", port, "ping 2", 6);
	ck_assert(lp_recv(fd, 1000, buf, sizeof buf, NULL, &a) > 0);
	ck_assert_str_eq(buf, "PING 1");
	ck_assert(lp_recv(fd, 1000, buf, sizeof buf, NULL, &b) > 0);
	ck_assert_str_eq(buf, "PING 2");
	ck_assert_msg(a - t1 >= 300 && a - t1 < 300 + LP_SLACK_MS,
	    "reply 1 after %.1f ms", a - t1);
	ck_assert_msg(b - t2 >= 300 && b - t2 < 300 + LP_SLACK_MS,
	    "reply 2 after %.1f ms", b - t2);
	close(fd);
	proc_free(&p);
}
END_TEST

/* --late 1: the reply comes after --late-ms, past a 1 s deadline. */
START_TEST(udp_late)
{
	const char *x[] = {"--late", "1", NULL};
	char buf[64];
	double t0, at;
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("127.0.0.1");

	t0 = peer_now_ms();
	lp_send(fd, "127.0.0.1", port, "ping 1", 6);
	lp_send(fd, "127.0.0.1", port, "ping 2", 6);
	lp_expect(fd, "PING 2");
	ck_assert(lp_recv(fd, 2000, buf, sizeof buf, NULL, &at) > 0);
	ck_assert_str_eq(buf, "PING 1");
	ck_assert_msg(
	    at - t0 >= PEER_LATE_MS && at - t0 < PEER_LATE_MS + LP_SLACK_MS,
	    "late reply at %.1f ms", at - t0);
	close(fd);
	proc_free(&p);
}
END_TEST

/* --dup, --stray, --wrong: the datagrams, their order and their ports. */
START_TEST(udp_dup_stray_wrong)
{
	const char *x[] = {"--dup", "1", "--stray", "2", "--wrong", "3", NULL};
	char buf[64];
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("127.0.0.1");
	int from;

	lp_send(fd, "127.0.0.1", port, "ping 1", 6);
	lp_expect(fd, "PING 1");
	lp_expect(fd, "PING 1");
	lp_expect_none(fd);
	lp_send(fd, "127.0.0.1", port, "ping 2", 6);
	ck_assert(lp_recv(fd, LP_WAIT_MS, buf, sizeof buf, &from, NULL) > 0);
	ck_assert_str_eq(buf, "PING 2!");
	ck_assert_int_eq(from, port);
	ck_assert(lp_recv(fd, LP_WAIT_MS, buf, sizeof buf, &from, NULL) > 0);
	ck_assert_str_eq(buf, "PING 2");
	ck_assert_int_ne(from, port);
	ck_assert(lp_recv(fd, LP_WAIT_MS, buf, sizeof buf, &from, NULL) > 0);
	ck_assert_str_eq(buf, "PING 2");
	ck_assert_int_eq(from, port);
	lp_send(fd, "127.0.0.1", port, "ping 3", 6);
	lp_expect(fd, "PING 10");
	lp_send(fd, "127.0.0.1", port, "hello", 5);
	lp_expect(fd, "HELLO");
	lp_expect_none(fd);
	close(fd);
	proc_free(&p);
}
END_TEST

/* --count 2 ends with status 0 once both replies are out; the reply is
 * byte-exact for every byte value, over IPv4 and IPv6. */
START_TEST(udp_count_bytes)
{
	const char *x[] = {"--count", "2", NULL};
	unsigned char all[256], want[256];
	char buf[300];
	struct proc p;
	int port = lp_start(&p, "udp-server", x), fd = lp_udp("::1");
	int f4 = lp_udp("127.0.0.1"), i;

	for (i = 0; i < 256; i++) {
		all[i] = (unsigned char)i;
		want[i] = i >= 'a' && i <= 'z' ? (unsigned char)(i - 32)
		                               : (unsigned char)i;
	}
	lp_send(fd, "::1", port, all, 256);
	ck_assert_int_eq(
	    lp_recv(fd, LP_WAIT_MS, buf, sizeof buf, NULL, NULL), 256);
	ck_assert(memcmp(buf, want, 256) == 0);
	lp_send(f4, "127.0.0.1", port, "", 0);
	ck_assert_int_eq(
	    lp_recv(f4, LP_WAIT_MS, buf, sizeof buf, NULL, NULL), 0);
	ck_assert_int_eq(proc_wait(&p, LP_RUN_MS), 0);
	ck_assert(!p.timed_out);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	close(fd);
	close(f4);
	proc_free(&p);
}
END_TEST

/* Servers end with status 0 on SIGINT and SIGTERM. */
START_TEST(servers_signal)
{
	struct proc p;

	lp_start(&p, _i < 2 ? "udp-server" : "tcp-server", NULL);
	proc_signal(&p, _i % 2 ? SIGINT : SIGTERM);
	ck_assert_int_eq(proc_wait(&p, 2000), 0);
	ck_assert(!p.timed_out);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	proc_free(&p);
}
END_TEST

/* ---- tcp-server: every fault, seen from a socket here ---- */

static int
lp_tcp(const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	lp_addr(&ss, &len, ip, port);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&ss, len), 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	return fd;
}

static void
lp_tcp_send(int fd, const char *s)
{
	ck_assert_int_eq(
	    send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* recv() until a newline: the pieces as they came, and when. */
struct lp_chunks {
	char all[512];
	size_t len;
	int n;
	double at[16];
};

static int
lp_lines(const struct lp_chunks *c)
{
	size_t i;
	int n = 0;

	for (i = 0; i < c->len; i++)
		n += c->all[i] == '\n';
	return n;
}

static void
lp_chunks_n(int fd, struct lp_chunks *c, int ms, int lines)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t got;

	memset(c, 0, sizeof *c);
	while (lp_lines(c) < lines && c->n < 16) {
		ck_assert_msg(poll(&p, 1, ms) == 1,
		    "no reply: %d pieces "
		    "so far",
		    c->n);
		got = recv(fd, c->all + c->len, sizeof c->all - 1 - c->len, 0);
		ck_assert_int_gt(got, 0);
		c->len += (size_t)got;
		c->at[c->n++] = peer_now_ms();
	}
	c->all[c->len] = '\0';
}

static void
lp_chunks(int fd, struct lp_chunks *c, int ms)
{
	lp_chunks_n(fd, c, ms, 1);
}

/* recv's verdict after what was expected: 0 FIN, -errno, 1 data, 2 none. */
static int
lp_tcp_end(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[64];
	ssize_t got;

	if (poll(&p, 1, ms) == 0)
		return 2;
	got = recv(fd, buf, sizeof buf, 0);
	return got < 0 ? -errno : got > 0;
}

/* --split 3 --pause 100: three pieces, 100 ms apart, make one line. */
START_TEST(tcp_split)
{
	const char *x[] = {"--split", "3", "--pause", "100", NULL};
	struct lp_chunks c;
	struct proc p;
	int port = lp_start(&p, "tcp-server", x), fd = lp_tcp("::1", port), i;

	lp_tcp_send(fd, "ping 1\n");
	lp_chunks(fd, &c, 1000);
	ck_assert_str_eq(c.all, "PING 1\n");
	ck_assert_int_eq(c.n, 3);
	for (i = 1; i < 3; i++)
		ck_assert_msg(c.at[i] - c.at[i - 1] >= 100 - LP_JITTER_MS &&
		                  c.at[i] - c.at[i - 1] < 100 + LP_SLACK_MS,
		    "pieces %d and %d %.1f ms apart", i, i + 1,
		    c.at[i] - c.at[i - 1]);
	shutdown(fd, SHUT_WR);
	ck_assert_int_eq(lp_tcp_end(fd, 1000), 0);
	close(fd);
	proc_free(&p);
}
END_TEST

/* Plain service: lines in one segment, replies in order, FIN after ours;
 * --delay measured; --wrong on line 2 only. */
START_TEST(tcp_lines_delay_wrong)
{
	const char *x[] = {"--delay", "200", "--wrong", "2", NULL};
	struct lp_chunks c;
	struct proc p;
	int port = lp_start(&p, "tcp-server", x);
	int fd = lp_tcp("127.0.0.1", port);
	double t0 = peer_now_ms();

	lp_tcp_send(fd, "ping 1\n");
	lp_chunks(fd, &c, 1000);
	ck_assert_str_eq(c.all, "PING 1\n");
	ck_assert_msg(c.at[0] - t0 >= 200 && c.at[0] - t0 < 200 + LP_SLACK_MS,
	    "reply after %.1f ms", c.at[0] - t0);
	lp_tcp_send(fd, "ping 2\nHello, world\n");
	lp_chunks_n(fd, &c, 1000, 2);
	ck_assert_str_eq(c.all, "PING 9\nHELLO, WORLD\n");
	shutdown(fd, SHUT_WR);
	ck_assert_int_eq(lp_tcp_end(fd, 1000), 0);
	close(fd);
	proc_free(&p);
}
END_TEST

/* --close-after 1 (a FIN), --reset-after 1 (an RST), --silent-after 1
 * (nothing, connection open): what follows the first reply. */
static const struct lp_after {
	const char *opt;
	int end; /* lp_tcp_end after ping 2 */
} lp_afters[] = {
    {"--close-after", 0},
    {"--reset-after", -ECONNRESET},
    {"--silent-after", 2},
};

START_TEST(tcp_after)
{
	const char *x[] = {lp_afters[_i].opt, "1", NULL};
	struct lp_chunks c;
	struct proc p;
	int port = lp_start(&p, "tcp-server", x);
	int fd = lp_tcp("127.0.0.1", port);

	lp_tcp_send(fd, "ping 1\n");
	lp_chunks(fd, &c, 1000);
	ck_assert_str_eq(c.all, "PING 1\n");
	if (lp_afters[_i].end == 2)
		lp_tcp_send(fd, "ping 2\n");
	ck_assert_int_eq(
	    lp_tcp_end(fd, lp_afters[_i].end == 2 ? LP_NONE_MS : 1000),
	    lp_afters[_i].end);
	close(fd);
	/* It goes on serving the next connection. */
	fd = lp_tcp("127.0.0.1", port);
	lp_tcp_send(fd, "again\n");
	lp_chunks(fd, &c, 1000);
	ck_assert_str_eq(c.all, "AGAIN\n");
	close(fd);
	proc_free(&p);
}
END_TEST

/* tcp-client --split 3 --pause 100: this test is the server and sees
 * three pieces 100 ms apart, then the client's FIN after our reply. */
START_TEST(tcp_client_split)
{
	int port = port_free(SOCK_STREAM), lfd, fd, on = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char pbuf[16];
	char *argv[] = {(char *)kit_bin("labpeer"), "tcp-client", "127.0.0.1",
	    pbuf, "--split", "3", "--pause", "100", "--count", "1", NULL};
	struct lp_chunks c;
	struct proc p;
	int i;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	fd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(fd, 0);
	lp_chunks(fd, &c, 2000);
	ck_assert_str_eq(c.all, "ping 1\n");
	ck_assert_int_eq(c.n, 3);
	for (i = 1; i < 3; i++)
		ck_assert_msg(c.at[i] - c.at[i - 1] >= 100 - LP_JITTER_MS,
		    "%.1f ms apart", c.at[i] - c.at[i - 1]);
	lp_tcp_send(fd, "PING 1\n");
	ck_assert_int_eq(lp_tcp_end(fd, 2000), 0);
	close(fd);
	proc_wait(&p, LP_RUN_MS);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labpeer said: %s", p.err);
	close(lfd);
	proc_free(&p);
}
END_TEST

/* ---- tiny broken servers, one bug each ---- */

static void
lp_broken_udp(int fd, const char *kind)
{
	struct sockaddr_storage from, first;
	socklen_t flen, firstlen = 0;
	unsigned char b[2048];
	ssize_t n, i, len;
	int other = socket(AF_INET6, SOCK_DGRAM, 0), off = 0;

	setsockopt(other, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	for (;;) {
		flen = sizeof from;
		n = recvfrom(
		    fd, b, sizeof b, 0, (struct sockaddr *)&from, &flen);
		if (n < 0)
			continue;
		if (firstlen == 0) {
			first = from;
			firstlen = flen;
		}
		len = strcmp(kind, "strlen") == 0
		          ? (ssize_t)strnlen((char *)b, (size_t)n)
		          : n;
		for (i = 0; i < len && strcmp(kind, "echo") != 0; i++)
			if ((b[i] >= 'a' && b[i] <= 'z') ||
			    (strcmp(kind, "latin1") == 0 && b[i] >= 0xe0 &&
			        b[i] != 0xf7 && b[i] != 0xff))
				b[i] = (unsigned char)(b[i] - 32);
		if (strcmp(kind, "first-client") == 0) {
			from = first;
			flen = firstlen;
		}
		sendto(strcmp(kind, "otherport") == 0 ? other : fd, b,
		    (size_t)len, 0, (struct sockaddr *)&from, flen);
		if (strcmp(kind, "twice") == 0)
			sendto(fd, b, (size_t)len, 0, (struct sockaddr *)&from,
			    flen);
	}
}

/* "sigpipe": one send() per line, SIGPIPE at its default (it kills);
 * one byte to lp_sent_fd (when open) per send() that worked. */
static int lp_sent_fd = -1;

static void
lp_sigpipe_tcp(int lfd)
{
	char b[4096];
	ssize_t n, i, from;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		while ((n = recv(fd, b, sizeof b, 0)) > 0)
			for (i = 0, from = 0; i < n; i++) {
				b[i] = b[i] >= 'a' && b[i] <= 'z'
				           ? (char)(b[i] - 32)
				           : b[i];
				if (b[i] != '\n')
					continue;
				if (send(fd, b + from, (size_t)(i + 1 - from),
				        0) > 0 &&
				    lp_sent_fd >= 0)
					(void)!write(lp_sent_fd, "s", 1);
				from = i + 1;
			}
		close(fd);
	}
}

/* Per connection: "per-recv" answers each recv() as if it were a line;
 * "no-fin" never closes; "rst-end" resets instead of closing; "twice"
 * answers each line twice; any other kind ("no-framing") upper-cases
 * what each recv() gives and sends it back at once. */
static void
lp_broken_tcp(int lfd, const char *kind)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	char b[4096], r[4096];
	ssize_t n, i;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		while ((n = recv(fd, b, sizeof b, 0)) > 0) {
			for (i = 0; i < n; i++)
				r[i] = b[i] >= 'a' && b[i] <= 'z'
				           ? (char)(b[i] - 32)
				           : b[i];
			if (r[n - 1] != '\n' && strcmp(kind, "per-recv") == 0)
				r[n++] = '\n';
			send(fd, r, (size_t)n, MSG_NOSIGNAL);
			if (strcmp(kind, "twice") == 0)
				send(fd, r, (size_t)n, MSG_NOSIGNAL);
		}
		if (strcmp(kind, "no-fin") == 0)
			pause();
		if (strcmp(kind, "rst-end") == 0)
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(fd);
	}
}

/* Bind a free port (IPv6 and IPv4) and serve it in a child. */
static pid_t
lp_broken_start(const char *kind, int type, int *port)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
	int fd, off = 0, on = 1;
	pid_t pid;

	*port = port_free(type);
	fd = socket(AF_INET6, type, 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	sa.sin6_addr = in6addr_any;
	sa.sin6_port = htons((uint16_t)*port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert(type == SOCK_DGRAM || listen(fd, 8) == 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		if (strcmp(kind, "sigpipe") == 0) {
			signal(SIGPIPE, SIG_DFL);
			lp_sigpipe_tcp(fd);
		} else if (type == SOCK_DGRAM) {
			lp_broken_udp(fd, kind);
		} else {
			lp_broken_tcp(fd, kind);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

/* ---- the checking clients' verdicts ---- */

static const struct lp_verdict {
	int type;
	const char *server; /* "ref", "peer" (+ sargs), "none", or a
	                     * broken kind */
	const char *sargs[6];
	const char *host;
	const char *cargs[10];
	int status;
	const char *err; /* in labpeer's stderr (NULL: empty) */
} lp_verdicts[] = {
    /* The reference programs and a correct labpeer pass. */
    {SOCK_DGRAM, "ref", {NULL}, "127.0.0.1", {"--all-bytes"}, 0, NULL},
    {SOCK_DGRAM, "ref", {NULL}, "::1", {"--size", "1024", "--count", "2"}, 0,
        NULL},
    {SOCK_DGRAM, "ref", {NULL}, "127.0.0.1",
        {"--empty", "--interleave", "--count", "3"}, 0, NULL},
    {SOCK_DGRAM, "ref", {NULL}, "127.0.0.1", {"--vanish", "--count", "3"}, 0,
        NULL},
    {SOCK_DGRAM, "ref", {NULL}, "127.0.0.1", {"--count", "200"}, 0, NULL},
    {SOCK_DGRAM, "peer", {NULL}, "::1",
        {"--hex", "00ff225c0a61", "--count", "2"}, 0, NULL},
    {SOCK_DGRAM, "peer", {"--delay", "600"}, "127.0.0.1", {"--count", "2"}, 0,
        NULL},
    /* Faulty labpeer servers and broken ones fail, and say why. */
    {SOCK_DGRAM, "peer", {"--drop", "2"}, "127.0.0.1", {"--timeout", "300"}, 1,
        "#2: no reply within 300 ms"},
    {SOCK_DGRAM, "peer", {"--wrong", "2"}, "127.0.0.1", {NULL}, 1,
        "#2: reply differs from the expected at byte 5 (expected 0x32, "
        "got 0x39)"},
    {SOCK_DGRAM, "peer", {"--dup", "2"}, "127.0.0.1", {NULL}, 1,
        "a second reply to #2"},
    {SOCK_DGRAM, "peer", {"--dup", "4"}, "127.0.0.1", {NULL}, 1,
        "#4: a second reply to #4"},
    {SOCK_DGRAM, "peer", {"--stray", "1"}, "127.0.0.1", {NULL}, 1,
        "#1: reply is 7 bytes, expected 6"},
    {SOCK_DGRAM, "none", {NULL}, "127.0.0.1",
        {"--timeout", "200", "--count", "1"}, 1, "#1: no reply within 200 ms"},
    {SOCK_DGRAM, "echo", {NULL}, "127.0.0.1", {NULL}, 1,
        "#1: reply "
        "differs from the expected at byte 0 (expected 0x50, got 0x70)"},
    {SOCK_DGRAM, "strlen", {NULL}, "127.0.0.1", {"--all-bytes"}, 1,
        "#1: reply is 0 bytes, expected 256"},
    {SOCK_DGRAM, "latin1", {NULL}, "::1", {"--all-bytes"}, 1,
        "#1: reply "
        "differs from the expected at byte 224 (expected 0xe0, got 0xc0)"},
    {SOCK_DGRAM, "otherport", {NULL}, "127.0.0.1", {NULL}, 1,
        "not from the server's address and port"},
    {SOCK_DGRAM, "twice", {NULL}, "127.0.0.1", {"--count", "1"}, 1,
        "#1: a second reply to #1"},
    {SOCK_DGRAM, "first-client", {NULL}, "127.0.0.1", {"--interleave"}, 1,
        "the reply meant for the other client"},
    /* TCP: the same. */
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1", {"--all-bytes"}, 0, NULL},
    {SOCK_STREAM, "ref", {NULL}, "::1",
        {"--split", "3", "--pause", "30", "--count", "2"}, 0, NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1", {"--batch", "--count", "50"}, 0,
        NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1", {"--no-read", "--count", "500"},
        0, NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1", {"--reset", "--count", "500"}, 0,
        NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1",
        {"--vanish-mid-line", "--count", "2"}, 0, NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1",
        {"--long", "5000", "--count", "2"}, 0, NULL},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1",
        {"--connections", "2", "--size", "1024", "--count", "2"}, 0, NULL},
    {SOCK_STREAM, "peer", {"--split", "4", "--pause", "20"}, "127.0.0.1",
        {"--count", "2"}, 0, NULL},
    {SOCK_STREAM, "peer", {"--wrong", "2"}, "127.0.0.1", {NULL}, 1,
        "c1 #2: reply line differs from the expected at byte 5"},
    {SOCK_STREAM, "peer", {"--close-after", "1"}, "127.0.0.1", {NULL}, 1,
        "c1 #2: the server closed the connection before the whole reply"},
    {SOCK_STREAM, "peer", {"--reset-after", "1"}, "127.0.0.1", {NULL}, 1,
        "c1 #2: the server reset the connection (RST)"},
    {SOCK_STREAM, "peer", {"--silent-after", "1"}, "127.0.0.1",
        {"--timeout", "300"}, 1,
        "c1 #2: no complete reply line within "
        "300 ms"},
    {SOCK_STREAM, "none", {NULL}, "127.0.0.1", {NULL}, 1,
        "cannot connect to 127.0.0.1 port"},
    {SOCK_STREAM, "no-fin", {NULL}, "127.0.0.1", {"--fin-wait", "300"}, 1,
        "did not close its side within 300 ms of our FIN"},
    {SOCK_STREAM, "rst-end", {NULL}, "127.0.0.1", {NULL}, 1,
        "reset the connection (RST) instead of closing it (FIN)"},
    {SOCK_STREAM, "per-recv", {NULL}, "127.0.0.1",
        {"--split", "3", "--pause", "30", "--count", "1"}, 1,
        "c1 #1: reply bytes came before the line was complete (3 bytes "
        "after piece 1 of 3"},
    /* Its bytes add up to the reply, but came before the '\n'. */
    {SOCK_STREAM, "no-framing", {NULL}, "127.0.0.1",
        {"--split", "3", "--pause", "30", "--count", "1"}, 1,
        "c1 #1: reply bytes came before the line was complete (2 bytes "
        "after piece 1 of 3"},
    {SOCK_STREAM, "no-framing", {NULL}, "127.0.0.1", {"--count", "2"}, 0, NULL},
    {SOCK_STREAM, "twice", {NULL}, "127.0.0.1", {"--count", "1"}, 1,
        "7 bytes after the last reply"},
    {SOCK_STREAM, "ref", {NULL}, "127.0.0.1",
        {"--vanish-mid-line", "--count", "1"}, 0, NULL},
};

/* Start the row's server; its port.  *pid for a broken one. */
static int
lp_verdict_server(const struct lp_verdict *v, struct proc *p, pid_t *pid)
{
	char pbuf[16];
	char *argv[] = {
	    v->type == SOCK_DGRAM ? LP_UDP_REF : LP_TCP_REF, pbuf, NULL};
	int port;

	if (strcmp(v->server, "peer") == 0)
		return lp_start(p,
		    v->type == SOCK_DGRAM ? "udp-server" : "tcp-server",
		    v->sargs);
	if (strcmp(v->server, "none") == 0)
		return port_free(v->type);
	if (strcmp(v->server, "ref") != 0) {
		*pid = lp_broken_start(v->server, v->type, &port);
		return port;
	}
	port = port_free(v->type);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	ck_assert_int_eq(proc_start(p, argv), 0);
	ck_assert_msg(proc_ready(p, v->type, port, LP_READY_MS) == 0,
	    "%s did not start", argv[0]);
	return port;
}

#define LP_NVERDICTS ((int)(sizeof lp_verdicts / sizeof lp_verdicts[0]))

/* Rows LP_NVERDICTS.. run the sanitizer build of the checking client:
 * its own exit code, so a finding never passes for a verdict. */
static const char *
lp_client_bin(int i)
{
	if (i < LP_NVERDICTS)
		return kit_bin("labpeer");
	lp_san = 1;
	setenv("ASAN_OPTIONS", "exitcode=86:detect_leaks=1", 1);
	setenv("UBSAN_OPTIONS", "halt_on_error=1:exitcode=86", 1);
	return "build/san/labpeer";
}

START_TEST(client_verdict)
{
	const struct lp_verdict *v = &lp_verdicts[_i % LP_NVERDICTS];
	struct proc srv = {0}, p;
	pid_t pid = 0;
	char pbuf[16];
	char *argv[16];
	int n = 0, i;

	argv[n++] = (char *)lp_client_bin(_i);
	snprintf(pbuf, sizeof pbuf, "%d", lp_verdict_server(v, &srv, &pid));
	argv[n++] = v->type == SOCK_DGRAM ? "udp-client" : "tcp-client";
	argv[n++] = (char *)v->host;
	argv[n++] = pbuf;
	for (i = 0; v->cargs[i] != NULL; i++)
		argv[n++] = (char *)v->cargs[i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ck_assert_msg(PROC_EXIT(&p) == v->status,
	    "row %d (%s %s): status %d, "
	    "stderr: %s\nstdout: %.3000s",
	    _i, v->server, argv[1], PROC_EXIT(&p), p.err, p.out);
	if (v->err == NULL)
		ck_assert_str_eq(p.err, "");
	else
		ck_assert_msg(
		    strstr(p.err, v->err) != NULL &&
		        strchr(p.err, '\n') == p.err + strlen(p.err) - 1,
		    "row %d: want \"%s\" in one line of stderr: %s", _i, v->err,
		    p.err);
	ck_assert_msg(
	    strstr(p.out, v->status ? "verdict: FAIL" : "verdict: ok") != NULL,
	    "row %d: %s", _i, p.out);
	if (srv.pid > 0) {
		ck_assert_msg(proc_running(&srv), "the server died");
		proc_signal(&srv, SIGTERM);
		proc_wait(&srv, 2000);
	}
	proc_free(&srv);
	proc_free(&p);
}
END_TEST

/*
 * --no-read must make a server that does not ignore SIGPIPE die of it,
 * every time (the grader's repro line depends on it); looped.  And at
 * its first send on the reset connection: only the holding connection's
 * one reply gets out, however the server is scheduled (a reset at the
 * first reply byte let a server on a loaded machine answer and log all
 * the lines, 3 x 3000, and be killed for its output instead).
 */
START_TEST(no_read_sigpipe)
{
	char pbuf[16], sent[64];
	char *argv[] = {(char *)kit_bin("labpeer"), "tcp-client", "127.0.0.1",
	    pbuf, "--no-read", "--count", _i % 2 ? "3000" : "3", NULL};
	struct proc p;
	int port, st = 0, k, pfd[2];
	ssize_t nsent;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	lp_sent_fd = pfd[1];
	pid = lp_broken_start("sigpipe", SOCK_STREAM, &port);
	lp_sent_fd = -1;
	close(pfd[1]);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	/* Its end, polled: up to 2 s (it dies within ms of the reset). */
	for (k = 0; k < 200 && waitpid(pid, &st, WNOHANG) == 0; k++)
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	if (k == 200) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	nsent = read(pfd[0], sent, sizeof sent);
	close(pfd[0]);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
	    "the server was not killed by SIGPIPE (wait status %#x, "
	    "after %d polls of 10 ms); labpeer said: %.300s",
	    st, k, p.err);
	ck_assert_msg(nsent == 1,
	    "the server sent %zd replies (1 expected: the holding "
	    "connection's) before it died",
	    nsent);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_ptr_nonnull(strstr(p.out, "acknowledged, then RST"));
	proc_free(&p);
}
END_TEST

/*
 * udp-client --pinger plays the contract's pinger (make demo in a student
 * kit): every ping, each with its own deadline, past a dropped one; a
 * late reply or a stray is ignored, the contract's lines; 0 if a reply
 * came, 1 if none.  (A checker gives up at the first failure: it would
 * stop after ping 2 here.)
 */
static const struct {
	const char *sargs[6]; /* the udp-server's faults; NULL: no server */
	const char *count;    /* --count, or NULL (the contract's 10) */
	int status;
	const char *want[4]; /* lines the output must hold */
	const char * not ;   /* a line it must not hold */
} lp_pingers[] = {
    {.sargs = {"--drop", "2", NULL},
        .count = NULL,
        .status = 0,
        .want = {"\nseq=2 timeout\n", " seq=10 rtt=",
            "\n10 sent, 9 received, 10% loss\n", "rtt min/avg/max = "},
        .not = " seq=2 rtt="},
    {.sargs = {"--late", "2", "--delay", "500", NULL},
        .count = "3",
        .status = 0,
        .want = {"\nseq=2 timeout\n",
            " seq=3 rtt=", "3 sent, 2 received, 33% loss\n", NULL},
        .not = " seq=3 rtt=3"},
    {.sargs = {"--stray", "2", NULL},
        .count = "3",
        .status = 0,
        .want = {" seq=2 rtt=", "3 sent, 3 received, 0% loss\n", NULL},
        .not = "timeout"},
    {.sargs = {NULL},
        .count = "2",
        .status = 1,
        .want =
            {"seq=1 timeout\nseq=2 timeout\n2 sent, 0 received, 100% loss\n",
                NULL},
        .not = "rtt min"},
};

START_TEST(udp_pinger)
{
	char pbuf[16];
	char *argv[] = {(char *)kit_bin("labpeer"), "udp-client", "127.0.0.1",
	    pbuf, "--pinger", "--count", (char *)lp_pingers[_i].count, NULL};
	struct proc srv = {0}, p;
	const char *l;
	int port, k, lines = 0;

	if (lp_pingers[_i].count == NULL)
		argv[5] = NULL;
	port = lp_pingers[_i].sargs[0] != NULL
	           ? lp_start(&srv, "udp-server", lp_pingers[_i].sargs)
	           : port_free(SOCK_DGRAM);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == lp_pingers[_i].status,
	    "row %d: status %d: %s%s", _i, PROC_EXIT(&p), p.out, p.err);
	for (k = 0; k < 4 && lp_pingers[_i].want[k] != NULL; k++)
		ck_assert_msg(strstr(p.out, lp_pingers[_i].want[k]) != NULL,
		    "row %d: no '%s' in:\n%s", _i, lp_pingers[_i].want[k],
		    p.out);
	ck_assert_msg(strstr(p.out, lp_pingers[_i].not ) == NULL,
	    "row %d: '%s' in:\n%s", _i, lp_pingers[_i].not, p.out);
	/* Only the contract's lines: one per ping, the summary. */
	for (l = p.out; *l != '\0'; l = strchr(l, '\n') + 1) {
		ck_assert_msg(strncmp(l, "reply from 127.0.0.1:", 21) == 0 ||
		                  strncmp(l, "seq=", 4) == 0 ||
		                  strstr(l, " sent, ") != NULL ||
		                  strncmp(l, "rtt min/avg/max = ", 18) == 0,
		    "row %d: not a contract line: %.80s", _i, l);
		lines++;
		if (strchr(l, '\n') == NULL)
			break;
	}
	ck_assert_int_ge(lines, 3);
	proc_free(&p);
	if (srv.pid > 0) {
		proc_signal(&srv, SIGTERM);
		proc_wait(&srv, 2000);
	}
	proc_free(&srv);
}
END_TEST

/* A client stopped by SIGINT or SIGTERM mid-check: status 1, and it
 * says so (no verdict passes for an unfinished check). */
START_TEST(client_interrupted)
{
	const char *x[] = {"--silent-after", "0", NULL};
	char pbuf[16];
	char *argv[] = {(char *)kit_bin("labpeer"),
	    _i < 2 ? "udp-client" : "tcp-client", "127.0.0.1", pbuf, "--count",
	    "3", NULL};
	struct proc srv = {0}, p;

	snprintf(pbuf, sizeof pbuf, "%d",
	    _i < 2 ? port_free(SOCK_DGRAM) : lp_start(&srv, "tcp-server", x));
	ck_assert_int_eq(proc_start(&p, argv), 0);
	ck_assert_int_eq(proc_lines(&p, _i < 2 ? 2 : 3, LP_RUN_MS), 0);
	proc_signal(&p, _i % 2 ? SIGINT : SIGTERM);
	ck_assert_int_eq(proc_wait(&p, 2000), 0);
	ck_assert(!p.timed_out);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_str_eq(p.err, "labpeer: interrupted before the check was "
	                        "done\n");
	ck_assert_msg(
	    strstr(p.out, "verdict: FAIL: 0 of 3") != NULL, "%s", p.out);
	proc_free(&p);
	proc_free(&srv);
}
END_TEST

/* --json: every line parses (python3's json), with the fields the
 * grader reads; hostile bytes included. */
static const char lp_json_py[] =
    "import json, sys\n"
    "ev = [json.loads(l) for l in open(sys.argv[1])]\n"
    "v = ev[-1]\n"
    "assert v['event'] == 'verdict' and v['ok'] is False, v\n"
    "assert v['passed'] == 1 and v['total'] == 2, v\n"
    "f = [e for e in ev if e['event'] == 'fail'][0]\n"
    "assert f['n'] == 2 and f['diff_at'] == 0, f\n"
    "assert f['want_hex'] == '00ff225c0a41', f\n"
    "assert f['hex'] == '3fff225c0a41', f\n"
    "assert f['data'] == '?\\u00ff\"\\\\\\nA', f\n"
    "assert f['peer'].endswith(':' + sys.argv[2]), f\n"
    "print('ok')\n";

START_TEST(client_json)
{
	const char *x[] = {"--wrong", "2", NULL};
	char pbuf[16], path[KIT_TMP_MAX];
	char *argv[] = {(char *)kit_bin("labpeer"), "udp-client", "127.0.0.1",
	    pbuf, "--hex", "00ff225c0a61", "--count", "2", "--json", NULL};
	char *py[] = {"python3", "-c", (char *)lp_json_py, path, pbuf, NULL};
	struct proc srv, p, q;
	FILE *f;
	int fd;

	snprintf(pbuf, sizeof pbuf, "%d", lp_start(&srv, "udp-server", x));
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	snprintf(path, sizeof path, "%s", kit_tmp("labpeer-json-XXXXXX"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(p.out, f);
	fclose(f);
	ck_assert_int_eq(proc_run(&q, py, LP_RUN_MS), 0);
	unlink(path);
	ck_assert_msg(PROC_EXIT(&q) == 0 && strcmp(q.out, "ok\n") == 0,
	    "python3: %s%s\n%s", q.out, q.err, p.out);
	proc_free(&q);
	proc_free(&p);
	proc_free(&srv);
}
END_TEST

/*
 * The report's repro commands never race: "labpeer SERVER --background
 * && CLIENT" starts the client once the peer listens, and "SERVER &
 * labpeer CLIENT --wait-server MS" (or "labpeer wait-for") waits for the
 * student's server.  Twenty times in a row each, the client must see a
 * server from its first ping on.
 */
static const struct {
	const char *script; /* %1$s labpeer, %2$d port, %3$s stderr file */
	const char *want;   /* on stdout */
	int type;
} lp_repros[] = {
    {"%1$s udp-server %2$d --drop 2 --background 2>%3$s >/dev/null && "
     "solutions/lab1-udp/udp_client 127.0.0.1 %2$d 3",
        "3 sent, 2 received, 33% loss", SOCK_DGRAM},
    {"%1$s tcp-server %2$d --background 2>%3$s >/dev/null && "
     "solutions/lab2-tcp/tcp_client 127.0.0.1 %2$d 2",
        "2 sent, 2 received, 0% loss", SOCK_STREAM},
    {"solutions/lab1-udp/udp_server %2$d >/dev/null & %1$s udp-client "
     "127.0.0.1 %2$d --count 2 --wait-server 3000 >/dev/null 2>%3$s && "
     "echo served; kill $!",
        "served", SOCK_DGRAM},
    {"solutions/lab2-tcp/tcp_server %2$d >/dev/null & %1$s wait-for tcp "
     "%2$d 2>%3$s && solutions/lab2-tcp/tcp_client 127.0.0.1 %2$d 2; "
     "kill $!",
        "2 sent, 2 received, 0% loss", SOCK_STREAM},
};

START_TEST(repro_never_races)
{
	char script[1024], err[PATH_MAX], tmpl[PATH_MAX];
	int i, fd;

	snprintf(
	    tmpl, sizeof tmpl, "%s", kit_tmp("check_labpeer-repro-XXXXXX"));
	for (i = 0; i < 20; i++) {
		char *argv[] = {"sh", "-c", script, NULL};
		int port = port_free(lp_repros[_i].type);
		struct proc p;
		FILE *f;
		long pid = 0;

		snprintf(err, sizeof err, "%s", tmpl);
		ck_assert_int_ge(fd = mkstemp(err), 0);
		close(fd);
		snprintf(script, sizeof script, lp_repros[_i].script,
		    kit_bin("labpeer"), port, err);
		ck_assert_int_eq(proc_run(&p, argv, 10000), 0);
		/* The background peer says its pid: end it now. */
		if ((f = fopen(err, "r")) != NULL) {
			char line[256];

			while (fgets(line, sizeof line, f) != NULL)
				if (strstr(line, "as pid ") != NULL)
					pid = atol(strstr(line, "as pid ") + 7);
			fclose(f);
		}
		unlink(err);
		if (pid > 0)
			kill((pid_t)pid, SIGTERM);
		ck_assert_msg(
		    p.out != NULL && strstr(p.out, lp_repros[_i].want),
		    "run %d of 20: '%s' printed:\n%s\n(stderr: %s)", i + 1,
		    script, p.out ? p.out : "", p.err ? p.err : "");
		proc_free(&p);
	}
}
END_TEST

/* ---- tcp-clients: many clients at once ---- */

/* Start "lab2" or "lab3" (the references) or a broken kind; its port. */
static int
lp_many_server(const char *kind, struct proc *p, pid_t *pid)
{
	char pbuf[16];
	char *argv[] = {
	    strcmp(kind, "lab2") == 0 ? LP_TCP_REF : LP_LAB3_REF, pbuf, NULL};
	int port;

	if (strcmp(kind, "lab2") != 0 && strcmp(kind, "lab3") != 0) {
		*pid = lp_broken_start(kind, SOCK_STREAM, &port);
		return port;
	}
	ck_assert_msg(access(argv[0], X_OK) == 0, "%s is not built: make %s",
	    argv[0], argv[0]);
	port = port_free(SOCK_STREAM);
	snprintf(pbuf, sizeof pbuf, "%d", port);
	ck_assert_int_eq(proc_start(p, argv), 0);
	ck_assert_msg(proc_ready(p, SOCK_STREAM, port, LP_READY_MS) == 0,
	    "%s did not start", argv[0]);
	return port;
}

static const struct lp_many {
	const char *server;
	const char *host;
	const char *args[10];
	int clients;
	int status;
	const char *out; /* in stdout */
	const char *err; /* in stderr's one line (NULL: empty) */
} lp_manys[] = {
    /* Lab 3's reference: every script at once, every client ok. */
    {"lab3", "localhost", {"--mix", "pinger=90,idle=5,noread=5", "--seed", "7"},
        100, 0,
        "verdict: ok: 100 of 100 clients ok (pinger 90, idle 5, "
        "noread 5); pinger replies 360: p50 ",
        NULL},
    {"lab3", "127.0.0.1",
        {"--mix",
            "pinger=79,idle=5,half=5,noread=3,burst=4,reset=2,"
            "vanish=2",
            "--seed", "3"},
        100, 0,
        "verdict: ok: 100 of 100 "
        "clients ok (pinger 79, idle 5, half 5, noread 3, burst 4, reset "
        "2, vanish 2)",
        NULL},
    /* Weights: 10 * 2/3 = 6.67 and 3.33, the spare one to pinger. */
    {"lab3", "::1", {"--mix", "pinger=2,idle=1", "--count", "3"}, 10, 0,
        "verdict: ok: 10 of 10 clients ok (pinger 7, idle 3); pinger "
        "replies 21: ",
        NULL},
    /* Lab 2's sequential server: the pingers queue behind one idle,
     * half-line or non-reading client, and say so. */
    {"lab2", "localhost", {"--mix", "pinger=9,idle=1", "--seed", "7"}, 10, 1,
        "pinger FAIL: #1: no complete reply line within 1000 ms",
        "clients failed; first: c"},
    {"lab2", "localhost", {"--mix", "pinger=9,half=1", "--timeout", "500"}, 10,
        1, "pinger FAIL: #1: no complete reply line within 500 ms",
        "clients failed; first: c"},
    {"lab2", "localhost", {"--mix", "pinger=9,noread=1", "--timeout", "500"},
        10, 1, "pinger FAIL: #1: no complete reply line within 500 ms",
        "clients failed; first: c"},
    /* Broken servers: every reply line is checked, and the FIN. */
    {"twice", "localhost", {"--count", "2"}, 1, 1,
        "c1 client: pinger FAIL: #2: reply "
        "line 7 bytes, differs from \"PING 2\\n\" at byte 5",
        "contract broken: 1 of 1 clients failed; first: c1 pinger: #2"},
    {"twice", "localhost", {"--mix", "burst=1", "--burst", "3"}, 1, 1,
        "c1 client: burst FAIL: ", "bytes after the last reply"},
    {"no-fin", "localhost", {"--count", "1", "--fin-wait", "300"}, 1, 1,
        "pinger FAIL: the server did not close its side within 300 ms",
        "first: c1 pinger"},
};

#define LP_NMANYS ((int)(sizeof lp_manys / sizeof lp_manys[0]))

/* p50 <= p99 <= max in "p50 X ms, p99 Y ms, max Z ms", when present. */
static void
lp_many_latency(const char *out)
{
	const char *l = strstr(out, "pinger replies ");
	double p50, p99, max;
	long n;

	if (l == NULL || strstr(out, "no pinger replies") != NULL)
		return;
	ck_assert_msg(sscanf(l,
	                  "pinger replies %ld: p50 %lf ms, p99 %lf ms, "
	                  "max %lf ms",
	                  &n, &p50, &p99, &max) == 4,
	    "%.200s", l);
	ck_assert_msg(
	    n > 0 && p50 > 0 && p50 <= p99 && p99 <= max, "%.200s", l);
}

static int
lp_count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* Rows LP_NMANYS..: rows 0 and 1 again under the sanitizers. */
START_TEST(clients_many)
{
	const struct lp_many *m =
	    &lp_manys[_i < LP_NMANYS ? _i : _i - LP_NMANYS];
	struct proc srv = {0}, p;
	pid_t pid = 0;
	char pbuf[16], nbuf[16];
	char *argv[20];
	int n = 0, i;

	argv[n++] = (char *)lp_client_bin(_i < LP_NMANYS ? 0 : LP_NVERDICTS);
	snprintf(
	    pbuf, sizeof pbuf, "%d", lp_many_server(m->server, &srv, &pid));
	snprintf(nbuf, sizeof nbuf, "%d", m->clients);
	argv[n++] = "tcp-clients";
	argv[n++] = (char *)m->host;
	argv[n++] = pbuf;
	argv[n++] = "--clients";
	argv[n++] = nbuf;
	for (i = 0; m->args[i] != NULL; i++)
		argv[n++] = (char *)m->args[i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ck_assert_msg(PROC_EXIT(&p) == m->status,
	    "row %d: status %d, stderr: "
	    "%s\nstdout: %.4000s",
	    _i, PROC_EXIT(&p), p.err, p.out);
	ck_assert_msg(strstr(p.out, m->out) != NULL,
	    "row %d: no \"%s\" in "
	    "%.4000s",
	    _i, m->out, p.out);
	ck_assert_int_eq(lp_count(p.out, " client: "), m->clients);
	ck_assert_int_eq(lp_count(p.out, " FAIL: ") > 0, m->status);
	if (m->err == NULL)
		ck_assert_str_eq(p.err, "");
	else
		ck_assert_msg(
		    strncmp(p.err, "labpeer: contract broken: ", 26) == 0 &&
		        strstr(p.err, m->err) != NULL &&
		        strchr(p.err, '\n') == p.err + strlen(p.err) - 1,
		    "row %d: want \"%s\" in one line of stderr: %s", _i, m->err,
		    p.err);
	lp_many_latency(p.out);
	if (srv.pid > 0) {
		ck_assert_msg(proc_running(&srv), "the server died");
		proc_signal(&srv, SIGTERM);
		proc_wait(&srv, 2000);
		ck_assert_int_eq(PROC_EXIT(&srv), 0);
	}
	proc_free(&srv);
	proc_free(&p);
}
END_TEST

/* "c<k> client: <script>" for every client, in order. */
static void
lp_scripts(const char *out, char *buf, size_t n)
{
	const char *l = out;
	size_t at = 0;
	char word[16];

	buf[0] = '\0';
	while ((l = strstr(l, " client: ")) != NULL && at + 16 < n) {
		l += 9;
		if (sscanf(l, "%15s", word) == 1)
			at += (size_t)snprintf(buf + at, n - at, "%s,", word);
	}
}

/* The same seed gives every client the same script; another seed not. */
START_TEST(clients_seeded)
{
	static const char *const seeds[] = {"7", "7", "8"};
	char got[3][2048], pbuf[16];
	struct proc srv = {0}, p;
	pid_t pid = 0;
	int k;

	snprintf(pbuf, sizeof pbuf, "%d", lp_many_server("lab3", &srv, &pid));
	for (k = 0; k < 3; k++) {
		char *argv[] = {(char *)kit_bin("labpeer"), "tcp-clients",
		    "127.0.0.1", pbuf, "--clients", "40", "--mix",
		    "pinger=1,idle=1,half=1,reset=1,vanish=1", "--seed",
		    (char *)seeds[k], NULL};

		ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
		ck_assert_msg(PROC_EXIT(&p) == 0, "%s%s", p.err, p.out);
		lp_scripts(p.out, got[k], sizeof got[k]);
		ck_assert_int_eq(lp_count(got[k], ","), 40);
		ck_assert_int_eq(lp_count(got[k], "half,"), 8);
		proc_free(&p);
	}
	ck_assert_str_eq(got[0], got[1]);
	ck_assert_str_ne(got[0], got[2]);
	proc_signal(&srv, SIGTERM);
	proc_free(&srv);
}
END_TEST

/* SIGTERM while the stallers hold: status 1, and it says so. */
START_TEST(clients_interrupted)
{
	char pbuf[16];
	char *argv[] = {(char *)kit_bin("labpeer"), "tcp-clients", "127.0.0.1",
	    pbuf, "--clients", "3", "--mix", "idle=1", "--hold", "60000", NULL};
	struct proc srv = {0}, p;
	pid_t pid = 0;

	snprintf(pbuf, sizeof pbuf, "%d", lp_many_server("lab3", &srv, &pid));
	ck_assert_int_eq(proc_start(&p, argv), 0);
	ck_assert_int_eq(proc_lines(&p, 1, LP_RUN_MS), 0);
	proc_signal(&p, SIGTERM);
	ck_assert_int_eq(proc_wait(&p, 2000), 0);
	ck_assert(!p.timed_out);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_str_eq(p.err, "labpeer: interrupted before the check was "
	                        "done\n");
	ck_assert_msg(
	    strstr(p.out, "idle FAIL: interrupted") != NULL &&
	        strstr(p.out, "verdict: FAIL: 0 of 3 clients ok (idle 3)") !=
	            NULL,
	    "%s", p.out);
	proc_free(&p);
	proc_signal(&srv, SIGTERM);
	proc_free(&srv);
}
END_TEST

/* More clients than RLIMIT_NOFILE allows: one line, status 1, before
 * any connection. */
START_TEST(clients_nofile)
{
	char cmd[512];
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "ulimit -n 40 && exec %s tcp-clients "
	    "127.0.0.1 9 --clients 100",
	    kit_bin("labpeer"));
	ck_assert_int_eq(proc_run(&p, argv, LP_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_str_eq(p.err, "labpeer: --clients 100 needs 116 "
	                        "descriptors, RLIMIT_NOFILE allows 40\n");
	ck_assert_str_eq(p.out, "");
	proc_free(&p);
}
END_TEST

Suite *
labpeer_suite(void)
{
	Suite *s = suite_create("labpeer");
	TCase *tc;

	tc = tcase_create("rng");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, rng_known);
	tcase_add_test(tc, rng_fraction);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(
	    tc, args_bad, 0, sizeof lp_bads / sizeof lp_bads[0]);
	tcase_add_loop_test(
	    tc, args_help, 0, sizeof lp_helps / sizeof lp_helps[0]);
	tcase_add_test(tc, args_mix);
	tcase_add_test(tc, args_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp_server");
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, udp_drop);
	tcase_add_test(tc, udp_loss);
	tcase_add_test(tc, udp_delay);
	tcase_add_test(tc, udp_late);
	tcase_add_test(tc, udp_dup_stray_wrong);
	tcase_add_test(tc, udp_count_bytes);
	tcase_add_loop_test(tc, servers_signal, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp_server");
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, tcp_split);
	tcase_add_test(tc, tcp_lines_delay_wrong);
	tcase_add_loop_test(
	    tc, tcp_after, 0, sizeof lp_afters / sizeof lp_afters[0]);
	tcase_add_test(tc, tcp_client_split);
	suite_add_tcase(s, tc);

	tc = tcase_create("clients");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, client_verdict, 0, LP_NVERDICTS);
	tcase_add_loop_test(tc, no_read_sigpipe, 0, 5);
	tcase_add_loop_test(
	    tc, udp_pinger, 0, (int)(sizeof lp_pingers / sizeof lp_pingers[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("clients_san");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, client_verdict, LP_NVERDICTS, 2 * LP_NVERDICTS);
	tcase_add_test(tc, client_json);
	tcase_add_loop_test(tc, client_interrupted, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("repro");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, repro_never_races, 0,
	    (int)(sizeof lp_repros / sizeof lp_repros[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("many_clients");
	tcase_set_timeout(tc, 40);
	tcase_add_loop_test(tc, clients_many, 0, LP_NMANYS + 2);
	tcase_add_test(tc, clients_seeded);
	tcase_add_test(tc, clients_interrupted);
	tcase_add_test(tc, clients_nofile);
	suite_add_tcase(s, tc);
	return s;
}
