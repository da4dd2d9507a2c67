/*
 * Contract tests of Lab 1's reference pair (solutions/lab1-udp): the
 * server against datagrams sent from here, the client against the server
 * and against fault-injecting peers written in this file.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "labtest.h"

#define LAB "lab1-udp" /* the lab these contract tests are for */

#define UDP_SERVER labtest_prog(LAB, "udp_server")
#define UDP_CLIENT labtest_prog(LAB, "udp_client")

#define REPLY_WAIT_MS                                                          \
	CONTRACT_DEADLINE_MS /* a reply from the server must come by then */
#define DEADLINE_LO                                                            \
	(CONTRACT_DEADLINE_LO_S -                                              \
	    0.001) /* contract: 1.000 s, less clock granularity */
#define DEADLINE_HI                                                            \
	(CONTRACT_DEADLINE_HI_S +                                              \
	    0.010)         /* contract: 1.050 s, plus scheduling slack */
#define AT_ONCE 0.050      /* "the next ping goes out at once" */
#define STRAY_DELAY_MS 150 /* real reply this long after a stray */
#define SLOW_REPLY_MS 600  /* contract: a reply at ~0.6 s is accepted */
#define LATE_DELAY_MS 200  /* real reply this long after a late one */
#define RUN_MS 8000        /* deadline of any one client run */

/* ---- a UDP endpoint of the test: datagrams with kernel timestamps ---- */

struct peer {
	int fd;
	int family;
	int port;
	struct sockaddr_storage to; /* the client, once it has sent */
	socklen_t tolen;
};

static void
addr_set(struct sockaddr_storage *ss, socklen_t *len, const char *ip, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof *s4;
		return;
	}
	ck_assert_msg(
	    inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1, "bad address %s", ip);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	*len = sizeof *s6;
}

static int
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* A UDP socket bound to ip:port (port 0: any), receive timestamps on. */
static void
peer_open(struct peer *pr, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int on = 1;

	memset(pr, 0, sizeof *pr);
	addr_set(&ss, &len, ip, port);
	pr->family = ss.ss_family;
	pr->fd = socket(pr->family, SOCK_DGRAM, 0);
	ck_assert_int_ge(pr->fd, 0);
	setsockopt(pr->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	ck_assert_msg(bind(pr->fd, (struct sockaddr *)&ss, len) == 0,
	    "bind %s:%d: %s", ip, port, strerror(errno));
	len = sizeof ss;
	ck_assert_int_eq(getsockname(pr->fd, (struct sockaddr *)&ss, &len), 0);
	pr->port = addr_port(&ss);
}

/* Wall time in s, the clock of the kernel's receive timestamps: only
 * differences are used, and the kernel stamps the datagram when it
 * arrives, however late this process gets to run. */
static double
peer_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Next datagram within ms: its length (-1 on timeout), sender, arrival. */
static ssize_t
peer_recv(struct peer *pr, char *buf, size_t len, int ms, double *when)
{
	char cmsg[256];
	struct iovec iov = {buf, len};
	struct msghdr mh = {
	    .msg_name = &pr->to,
	    .msg_namelen = sizeof pr->to,
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cmsg,
	    .msg_controllen = sizeof cmsg,
	};
	struct pollfd pfd = {pr->fd, POLLIN, 0};
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	n = recvmsg(pr->fd, &mh, 0);
	ck_assert_int_ge(n, 0);
	pr->tolen = mh.msg_namelen;
	*when = peer_clock();
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			*when = ts.tv_sec + ts.tv_nsec / 1e9;
		}
	return n;
}

/* The client's next datagram must come within ms and be exactly
 * "ping <seq>"; its arrival time. */
static double
peer_expect_ping(struct peer *pr, int seq, int ms)
{
	char buf[2048], want[32];
	double when = 0;
	ssize_t n = peer_recv(pr, buf, sizeof buf, ms, &when);

	snprintf(want, sizeof want, "ping %d", seq);
	ck_assert_msg(n >= 0, "no datagram for seq %d within %d ms", seq, ms);
	ck_assert_msg((size_t)n == strlen(want) && memcmp(buf, want, n) == 0,
	    "payload of ping %d is not exactly '%s' (%zd bytes)", seq, want, n);
	return when;
}

/* The client must send nothing during ms. */
static void
peer_quiet(struct peer *pr, int ms)
{
	char buf[2048];
	double when;
	ssize_t n = peer_recv(pr, buf, sizeof buf, ms, &when);

	ck_assert_msg(n < 0,
	    "unexpected datagram from the client (%zd bytes: "
	    "%.*s)",
	    n, (int)(n > 0 ? n : 0), buf);
}

/* Send payload to the client from fd (the peer's socket or another);
 * the time it left. */
static double
peer_send_from(struct peer *pr, int fd, const char *payload, size_t n)
{
	ck_assert_int_eq(
	    sendto(fd, payload, n, 0, (struct sockaddr *)&pr->to, pr->tolen),
	    (ssize_t)n);
	return peer_clock();
}

static double
peer_send(struct peer *pr, const char *payload)
{
	return peer_send_from(pr, pr->fd, payload, strlen(payload));
}

/* ---- running the client ---- */

static void
client_start(struct proc *p, const char *host, int port, const char *count)
{
	char num[16];
	char *argv[] = {
	    (char *)UDP_CLIENT, (char *)host, num, (char *)count, NULL};

	snprintf(num, sizeof num, "%d", port);
	ck_assert_int_eq(proc_start(p, argv), 0);
}

/* Wait for the client's end; parse its output against the contract. */
static void
client_end(struct proc *p, struct labtest_out *o, int status)
{
	ck_assert_int_eq(proc_wait(p, RUN_MS), 0);
	ck_assert_msg(
	    !p->timed_out, "udp_client still running after %d ms", RUN_MS);
	ck_assert_msg(labtest_parse(p->out, o) == 0, "client output: %s\n%s",
	    o->why, p->out);
	ck_assert_msg(o->summary, "no summary line:\n%s", p->out);
	ck_assert_msg(PROC_EXIT(p) == status,
	    "exit status %d, want %d; "
	    "stderr: %s",
	    PROC_EXIT(p), status, p->err);
}

static void
expect_reply(const struct labtest_out *o, int i, const char *ip, int port)
{
	ck_assert_msg(o->ping[i].replied, "seq=%d: no reply line", i + 1);
	ck_assert_str_eq(o->ping[i].ip, ip);
	ck_assert_int_eq(o->ping[i].port, port);
}

/* ---- the server ---- */

static void
server_start(struct proc *p, int *port)
{
	ck_assert_msg(labtest_server(p, UDP_SERVER, SOCK_DGRAM, port) == 0,
	    "udp_server did not bind its port within %d ms; stderr: %s",
	    LABTEST_START_MS, p->err);
}

/* A socket of the test talking to the server at ip:port. */
static int
server_sock(
    const char *ip, int port, struct sockaddr_storage *srv, socklen_t *len)
{
	int fd;

	addr_set(srv, len, ip, port);
	fd = socket(srv->ss_family, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Send payload, expect exactly the upper-cased bytes back from the
 * server's address and port. */
static void
server_echo(int fd, const struct sockaddr_storage *srv, socklen_t len,
    const unsigned char *payload, size_t n)
{
	unsigned char want[1100], got[2048];
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	struct pollfd pfd = {fd, POLLIN, 0};
	ssize_t r;

	for (size_t i = 0; i < n; i++)
		want[i] = payload[i] >= 'a' && payload[i] <= 'z'
		              ? payload[i] - 'a' + 'A'
		              : payload[i];
	ck_assert_int_eq(
	    sendto(fd, payload, n, 0, (const struct sockaddr *)srv, len),
	    (ssize_t)n);
	ck_assert_msg(poll(&pfd, 1, REPLY_WAIT_MS) == 1,
	    "no reply to a %zu-byte datagram (first byte 0x%02x)", n,
	    n ? payload[0] : 0);
	r = recvfrom(fd, got, sizeof got, 0, (struct sockaddr *)&from, &flen);
	ck_assert_msg(r == (ssize_t)n, "reply of %zd bytes to %zu", r, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i],
		    "reply byte %zu: 0x%02x, want "
		    "0x%02x",
		    i, got[i], want[i]);
	ck_assert_int_eq(addr_port(&from), addr_port(srv));
}

static void
no_more_datagrams(int fd, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	ck_assert_msg(poll(&pfd, 1, ms) == 0, "an extra datagram came back");
}

static const char *const families[] = {"127.0.0.1", "::1"};

/* Every byte value alone and together, NUL included; empty, 1024 bytes,
 * newlines: the same bytes back, a-z upper-cased, exactly one reply each,
 * and one log line per datagram. */
START_TEST(test_server_bytes)
{
	unsigned char buf[1024];
	struct sockaddr_storage srv;
	socklen_t len;
	struct proc p;
	int port, fd, sent = 0;

	server_start(&p, &port);
	fd = server_sock(families[_i], port, &srv, &len);
	for (int b = 0; b < 256; b++, sent++) {
		buf[0] = (unsigned char)b;
		server_echo(fd, &srv, len, buf, 1);
	}
	for (int b = 0; b < 256; b++)
		buf[b] = (unsigned char)b;
	server_echo(fd, &srv, len, buf, 256);
	server_echo(fd, &srv, len, buf, 0);
	srand(12000);
	for (int i = 0; i < 1024; i++)
		buf[i] = (unsigned char)rand();
	server_echo(fd, &srv, len, buf, 1024);
	server_echo(fd, &srv, len, (const unsigned char *)"two\nlines\r\n", 11);
	sent += 4;
	no_more_datagrams(fd, 100);
	ck_assert_msg(proc_lines(&p, sent, 2000) == 0,
	    "%d log lines for %d "
	    "datagrams (flushed per line?)",
	    labtest_lines(p.out), sent);
	proc_signal(&p, SIGTERM);
	ck_assert_int_eq(proc_wait(&p, 2000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_msg(labtest_lines(p.out) == sent,
	    "%d log lines for %d "
	    "datagrams",
	    labtest_lines(p.out), sent);
	close(fd);
	proc_free(&p);
}
END_TEST

/* Two clients interleaved (one over IPv4, one over IPv6) each get their
 * own replies, at their own port. */
START_TEST(test_server_two_clients)
{
	struct sockaddr_storage s4, s6;
	socklen_t l4, l6;
	struct proc p;
	int port, a, b;

	server_start(&p, &port);
	a = server_sock("127.0.0.1", port, &s4, &l4);
	b = server_sock("::1", port, &s6, &l6);
	for (int i = 0; i < 5; i++) {
		char m[32];

		snprintf(m, sizeof m, "client a %d", i);
		server_echo(a, &s4, l4, (unsigned char *)m, strlen(m));
		snprintf(m, sizeof m, "client b %d", i);
		server_echo(b, &s6, l6, (unsigned char *)m, strlen(m));
	}
	no_more_datagrams(a, 50);
	no_more_datagrams(b, 50);
	close(a);
	close(b);
	proc_free(&p);
}
END_TEST

/* SIGTERM and SIGINT end it with status 0: idle, or arriving together
 * with a datagram (the signal must not be lost while it serves one). */
static const struct {
	int sig;
	int busy;
} stops[] = {
    {SIGTERM, 0},
    {SIGINT, 0},
    {SIGTERM, 1},
    {SIGINT, 1},
};

START_TEST(test_server_signal)
{
	struct sockaddr_storage srv;
	socklen_t len;
	struct proc p;
	int port, fd;

	server_start(&p, &port);
	fd = server_sock("127.0.0.1", port, &srv, &len);
	server_echo(fd, &srv, len, (const unsigned char *)"ping 1", 6);
	ck_assert_int_eq(proc_lines(&p, 1, 2000), 0);
	if (stops[_i].busy)
		ck_assert_int_eq(
		    sendto(fd, "ping 2", 6, 0, (struct sockaddr *)&srv, len),
		    6);
	proc_signal(&p, stops[_i].sig);
	ck_assert_int_eq(proc_wait(&p, 2000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "after signal %d: %s %d%s",
	    stops[_i].sig,
	    WIFSIGNALED(p.status) ? "killed by signal" : "exit status",
	    WIFSIGNALED(p.status) ? WTERMSIG(p.status) : PROC_EXIT(&p),
	    p.timed_out ? " (did not end in time)" : "");
	close(fd);
	proc_free(&p);
}
END_TEST

/* On a host without IPv6 the server falls back to AF_INET and serves
 * IPv4 clients (and, as a check on the wrapper, nothing on ::1). */
START_TEST(test_server_no_ipv6)
{
	struct sockaddr_storage s4, s6;
	socklen_t l4, l6;
	struct proc p;
	int port, a, b;

	ck_assert_msg(labtest_server_via(&p, kit_bin("labtest-noipv6"),
	                  UDP_SERVER, SOCK_DGRAM, &port) == 0,
	    "udp_server without IPv6 did "
	    "not bind its port; stderr: %s",
	    p.err);
	a = server_sock("127.0.0.1", port, &s4, &l4);
	server_echo(a, &s4, l4, (const unsigned char *)"ping v4", 7);
	b = server_sock("::1", port, &s6, &l6);
	sendto(b, "ping v6", 7, 0, (struct sockaddr *)&s6, l6);
	no_more_datagrams(b, 200);
	close(a);
	close(b);
	proc_free(&p);
}
END_TEST

/* A port another socket holds: status 1, one line on stderr. */
START_TEST(test_server_port_in_use)
{
	struct peer holder;
	char num[16];
	char *argv[] = {(char *)UDP_SERVER, num, NULL};
	struct proc p;

	peer_open(&holder, "::", port_free(SOCK_DGRAM));
	snprintf(num, sizeof num, "%d", holder.port);
	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 1, "status %d, stderr: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(labtest_lines(p.err), 1);
	ck_assert_ptr_nonnull(strstr(p.err, num));
	close(holder.fd);
	proc_free(&p);
}
END_TEST

/* ---- the client against the reference server ---- */

static const char *const hosts[] = {"127.0.0.1", "::1", "localhost"};

START_TEST(test_pair)
{
	struct labtest_out o;
	struct proc srv, cli;
	char ip[64];
	int port;

	server_start(&srv, &port);
	ck_assert_int_eq(
	    labtest_first_addr(hosts[_i], SOCK_DGRAM, ip, sizeof ip), 0);
	client_start(&cli, hosts[_i], port, "3");
	client_end(&cli, &o, 0);
	ck_assert_int_eq(o.npings, 3);
	for (int i = 0; i < 3; i++) {
		expect_reply(&o, i, ip, port);
		ck_assert_double_lt(o.ping[i].rtt, 100.0);
	}
	ck_assert_int_eq(o.sent, 3);
	ck_assert_int_eq(o.loss, 0);
	ck_assert(o.rtt_line);
	ck_assert_str_eq(cli.err, "");
	ck_assert_int_eq(proc_lines(&srv, 3, 2000), 0);
	proc_free(&cli);
	proc_free(&srv);
}
END_TEST

/* 'localhost' whichever way the hosts file lists it: the dual-stack
 * server answers the first address the client resolves. */
static const char *const hosts_files[] = {
    "::1 localhost\n127.0.0.1 localhost\n",
    "127.0.0.1 localhost\n::1 localhost\n",
    "127.0.0.1 localhost\n",
    "::1 localhost\n",
};

START_TEST(test_pair_localhost)
{
	struct labtest_out o;
	struct proc srv, cli;
	char ip[64];
	int port;

	ck_assert_msg(labtest_hosts(hosts_files[_i]) == 0,
	    "cannot give the test its own /etc/hosts (needs root or user "
	    "namespaces): %s",
	    strerror(errno));
	ck_assert_int_eq(
	    labtest_first_addr("localhost", SOCK_DGRAM, ip, sizeof ip), 0);
	server_start(&srv, &port);
	client_start(&cli, "localhost", port, "2");
	client_end(&cli, &o, 0);
	ck_assert_int_eq(o.npings, 2);
	expect_reply(&o, 0, ip, port);
	expect_reply(&o, 1, ip, port);
	proc_free(&cli);
	proc_free(&srv);
}
END_TEST

/* COUNT defaults to 10; 1000 is in range. */
static const struct {
	const char *count;
	int n;
} counts[] = {
    {NULL, 10},
    {"1000", 1000},
    {"1", 1},
};

START_TEST(test_counts)
{
	struct labtest_out o;
	struct proc srv, cli;
	int port;

	server_start(&srv, &port);
	client_start(&cli, "127.0.0.1", port, counts[_i].count);
	client_end(&cli, &o, 0);
	ck_assert_int_eq(o.npings, counts[_i].n);
	ck_assert_int_eq(o.sent, counts[_i].n);
	ck_assert_int_eq(o.received, counts[_i].n);
	proc_free(&cli);
	proc_free(&srv);
}
END_TEST

/* ---- the client against peers of this file ---- */

/* Ping 1 answered at once, 2 and 3 dropped (with strays during ping 2's
 * wait, which must not move its deadline): the next ping leaves at once
 * after a reply and 1.000-1.050 s after a timeout's send; one datagram
 * per seq; the run ends at the last deadline. */
START_TEST(test_deadlines)
{
	struct labtest_out o;
	struct proc cli;
	struct peer pr;
	double t2, t3, sent1;

	peer_open(&pr, families[_i], 0);
	client_start(&cli, families[_i], pr.port, "3");
	peer_expect_ping(&pr, 1, 2000);
	sent1 = peer_send(&pr, "PING 1");
	t2 = peer_expect_ping(&pr, 2, 2000);
	ck_assert_msg(t2 - sent1 < AT_ONCE,
	    "ping 2 left %.3f s after the "
	    "reply to ping 1",
	    t2 - sent1);
	ck_assert_msg(proc_lines(&cli, 1, 200) == 0,
	    "the line for seq=1 was "
	    "not on stdout (flushed) by the time ping 2 left");
	peer_quiet(&pr, 400);
	peer_send(&pr, "PING 1"); /* a duplicate of an old reply */
	peer_quiet(&pr, 300);
	peer_send(&pr, "ping 2"); /* not the reply */
	t3 = peer_expect_ping(&pr, 3, 2000);
	ck_assert_msg(t3 - t2 >= DEADLINE_LO && t3 - t2 <= DEADLINE_HI,
	    "ping 3 left %.3f s after ping 2 (deadline %.3f-%.3f s)", t3 - t2,
	    CONTRACT_DEADLINE_LO_S, CONTRACT_DEADLINE_HI_S);
	client_end(&cli, &o, 0);
	ck_assert_msg(peer_clock() - t3 >= DEADLINE_LO &&
	                  peer_clock() - t3 <= DEADLINE_HI + 0.1,
	    "the run ended %.3f s "
	    "after ping 3",
	    peer_clock() - t3);
	peer_quiet(&pr, 0);
	ck_assert_int_eq(o.npings, 3);
	expect_reply(&o, 0, families[_i], pr.port);
	ck_assert_int_eq(o.ping[1].replied, 0);
	ck_assert_int_eq(o.ping[2].replied, 0);
	ck_assert_int_eq(o.sent, 3);
	ck_assert_int_eq(o.received, 1);
	ck_assert_int_eq(o.loss, 66);
	proc_free(&cli);
	close(pr.fd);
}
END_TEST

/* The reply to ping 1 comes after its deadline, while ping 2 waits: it
 * is not ping 2's reply, which comes LATE_DELAY_MS later. */
START_TEST(test_late_reply)
{
	struct labtest_out o;
	struct proc cli;
	struct peer pr;

	peer_open(&pr, "127.0.0.1", 0);
	client_start(&cli, "127.0.0.1", pr.port, "2");
	peer_expect_ping(&pr, 1, 2000);
	peer_expect_ping(&pr, 2, 2000);
	peer_send(&pr, "PING 1");
	peer_quiet(&pr, LATE_DELAY_MS);
	peer_send(&pr, "PING 2");
	client_end(&cli, &o, 0);
	ck_assert_int_eq(o.npings, 2);
	ck_assert_int_eq(o.ping[0].replied, 0);
	expect_reply(&o, 1, "127.0.0.1", pr.port);
	ck_assert_msg(o.ping[1].rtt >= LATE_DELAY_MS - 1,
	    "seq=2 rtt=%.3f: the late reply to ping 1 was taken for it",
	    o.ping[1].rtt);
	ck_assert_int_eq(o.loss, 50);
	proc_free(&cli);
	close(pr.fd);
}
END_TEST

/* Datagrams that are not the reply: wrong payloads, or the right payload
 * from another port or address.  Ignored; the real reply counts. */
enum stray_from { FROM_PEER, FROM_OTHER_PORT, FROM_OTHER_ADDR };

static const struct {
	const char *ip;
	const char *payload;
	size_t len;
	enum stray_from from;
} strays[] = {
    {.ip = "127.0.0.1", .payload = "PING 1", .len = 6, .from = FROM_OTHER_PORT},
    {.ip = "::1", .payload = "PING 1", .len = 6, .from = FROM_OTHER_PORT},
    {.ip = "127.0.0.1", .payload = "PING 1", .len = 6, .from = FROM_OTHER_ADDR},
    {.ip = "127.0.0.1", .payload = "PING 2", .len = 6, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "ping 1", .len = 6, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "PING 1\n", .len = 7, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "PING 1\0", .len = 7, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "PING 10", .len = 7, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "PING 1x", .len = 7, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "PING", .len = 4, .from = FROM_PEER},
    {.ip = "127.0.0.1", .payload = "", .len = 0, .from = FROM_PEER},
};

START_TEST(test_stray)
{
	struct labtest_out o;
	struct proc cli;
	struct peer pr, other;

	peer_open(&pr, strays[_i].ip, 0);
	other.fd = pr.fd;
	if (strays[_i].from == FROM_OTHER_PORT)
		peer_open(&other, strays[_i].ip, 0);
	if (strays[_i].from == FROM_OTHER_ADDR)
		peer_open(&other, "127.0.0.2", pr.port);
	client_start(&cli, strays[_i].ip, pr.port, "1");
	peer_expect_ping(&pr, 1, 2000);
	peer_send_from(&pr, other.fd, strays[_i].payload, strays[_i].len);
	peer_quiet(&pr, STRAY_DELAY_MS);
	peer_send(&pr, "PING 1");
	client_end(&cli, &o, 0);
	ck_assert_int_eq(o.npings, 1);
	expect_reply(&o, 0, strays[_i].ip, pr.port);
	ck_assert_msg(o.ping[0].rtt >= STRAY_DELAY_MS - 1,
	    "rtt=%.3f: the "
	    "stray datagram (case %d) was taken for the reply",
	    o.ping[0].rtt, _i);
	proc_free(&cli);
	if (other.fd != pr.fd)
		close(other.fd);
	close(pr.fd);
}
END_TEST

/* A slow reply within the second counts, with the rtt it took. */
START_TEST(test_slow_reply)
{
	struct labtest_out o;
	struct proc cli;
	struct peer pr;

	peer_open(&pr, "::1", 0);
	client_start(&cli, "::1", pr.port, "1");
	peer_expect_ping(&pr, 1, 2000);
	peer_quiet(&pr, SLOW_REPLY_MS);
	peer_send(&pr, "PING 1");
	client_end(&cli, &o, 0);
	expect_reply(&o, 0, "::1", pr.port);
	ck_assert_msg(o.ping[0].rtt >= SLOW_REPLY_MS - 1 &&
	                  o.ping[0].rtt <= SLOW_REPLY_MS + 50,
	    "rtt=%.3f for a reply sent "
	    "%d ms after the ping",
	    o.ping[0].rtt, SLOW_REPLY_MS);
	ck_assert(o.rtt_line);
	proc_free(&cli);
	close(pr.fd);
}
END_TEST

/* No server: the ICMP port unreachable must not cut the 1 s wait; every
 * ping times out; status 1, no rtt line. */
static const struct {
	const char *ip;
	const char *count;
	int n;
} no_server[] = {
    {"127.0.0.1", "2", 2},
    {"::1", "1", 1},
};

START_TEST(test_no_server)
{
	struct labtest_out o;
	struct proc cli;
	double t0, took;

	t0 = harness_now();
	client_start(
	    &cli, no_server[_i].ip, port_free(SOCK_DGRAM), no_server[_i].count);
	client_end(&cli, &o, 1);
	took = harness_now() - t0;
	ck_assert_msg(took >= no_server[_i].n * DEADLINE_LO &&
	                  took <= no_server[_i].n * DEADLINE_HI + 0.2,
	    "the run took %.3f s "
	    "for %d pings to no server",
	    took, no_server[_i].n);
	ck_assert_int_eq(o.npings, no_server[_i].n);
	for (int i = 0; i < o.npings; i++)
		ck_assert_int_eq(o.ping[i].replied, 0);
	ck_assert_int_eq(o.loss, 100);
	ck_assert(!o.rtt_line);
	proc_free(&cli);
}
END_TEST

/* ---- bad arguments ---- */

/* "%P" stands for a free port where a peer listens: nothing may reach it. */
static const char *const bad_client[][4] = {
    {NULL},
    {"127.0.0.1", NULL},
    {"127.0.0.1", "0", NULL},
    {"127.0.0.1", "65536", NULL},
    {"127.0.0.1", "12a", NULL},
    {"127.0.0.1", "-1", NULL},
    {"127.0.0.1", "", NULL},
    {"127.0.0.1", "%P", "0", NULL},
    {"127.0.0.1", "%P", "1001", NULL},
    {"127.0.0.1", "%P", "3x", NULL},
    {"127.0.0.1", "%P", "-2", NULL},
    {"no-such-host.invalid", "%P", "1", NULL},
};

static const char *const bad_server[][2] = {
    {NULL},
    {"0", NULL},
    {"65536", NULL},
    {"12a", NULL},
    {"-1", NULL},
    {"", NULL},
};

/* Status 2, nothing on stdout, one line on stderr that has a usage line's
 * "usage" or names the argument at fault. */
static void
expect_bad_args(struct proc *p, const char *culprit)
{
	ck_assert_int_eq(p->timed_out, 0);
	ck_assert_msg(
	    PROC_EXIT(p) == 2, "status %d, stderr: %s", PROC_EXIT(p), p->err);
	ck_assert_str_eq(p->out, "");
	ck_assert_msg(
	    labtest_lines(p->err) == 1, "stderr is not one line: %s", p->err);
	ck_assert_msg(strstr(p->err, "usage") != NULL ||
	                  (culprit != NULL && culprit[0] != '\0' &&
	                      strstr(p->err, culprit) != NULL),
	    "stderr neither a usage line "
	    "nor naming '%s': %s",
	    culprit ? culprit : "", p->err);
}

START_TEST(test_client_bad_args)
{
	char *argv[6] = {(char *)UDP_CLIENT};
	char num[16];
	const char *culprit = NULL;
	struct peer pr;
	struct proc p;

	peer_open(&pr, "127.0.0.1", 0);
	snprintf(num, sizeof num, "%d", pr.port);
	for (int i = 0; i < 4 && bad_client[_i][i] != NULL; i++) {
		const char *a = bad_client[_i][i];

		argv[i + 1] = strcmp(a, "%P") == 0 ? num : (char *)a;
		if (culprit == NULL && strcmp(a, "%P") != 0 &&
		    strcmp(a, "127.0.0.1") != 0)
			culprit = a;
	}
	ck_assert_int_eq(proc_run(&p, argv, RUN_MS), 0);
	expect_bad_args(&p, culprit);
	peer_quiet(&pr, 0);
	proc_free(&p);
	close(pr.fd);
}
END_TEST

START_TEST(test_server_bad_args)
{
	char *argv[3] = {(char *)UDP_SERVER, (char *)bad_server[_i][0], NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	expect_bad_args(&p, bad_server[_i][0]);
	proc_free(&p);
}
END_TEST

static const char *const programs[] = {"udp_server", "udp_client"};

START_TEST(test_help)
{
	char *argv[] = {
	    (char *)labtest_prog(LAB, programs[_i]), "--help", NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s --help: status %d", programs[_i],
	    PROC_EXIT(&p));
	ck_assert_ptr_nonnull(strstr(p.out, "usage"));
	proc_free(&p);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static TCase *
tcase(Suite *s, const char *name, int secs)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, secs);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *
lab1_suite(void)
{
	Suite *s = suite_create("lab1");
	TCase *tc;

	tc = tcase(s, "server", 15);
	tcase_add_loop_test(tc, test_server_bytes, 0, N(families));
	tcase_add_test(tc, test_server_two_clients);
	tcase_add_loop_test(tc, test_server_signal, 0, N(stops));
	tcase_add_test(tc, test_server_port_in_use);
	tcase_add_test(tc, test_server_no_ipv6);
	tc = tcase(s, "pair", 20);
	tcase_add_loop_test(tc, test_pair, 0, N(hosts));
	tcase_add_loop_test(tc, test_pair_localhost, 0, N(hosts_files));
	tcase_add_loop_test(tc, test_counts, 0, N(counts));
	tc = tcase(s, "client", 10);
	tcase_add_loop_test(tc, test_deadlines, 0, N(families));
	tcase_add_test(tc, test_late_reply);
	tcase_add_loop_test(tc, test_stray, 0, N(strays));
	tcase_add_test(tc, test_slow_reply);
	tcase_add_loop_test(tc, test_no_server, 0, N(no_server));
	tc = tcase(s, "args", 10);
	tcase_add_loop_test(tc, test_client_bad_args, 0, N(bad_client));
	tcase_add_loop_test(tc, test_server_bad_args, 0, N(bad_server));
	tcase_add_loop_test(tc, test_help, 0, N(programs));
	return s;
}
