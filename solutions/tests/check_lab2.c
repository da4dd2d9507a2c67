/*
 * Contract tests of Lab 2's reference pair (solutions/lab2-tcp): the
 * server against streams sent from here (split, merged, over-long lines,
 * hostile clients), the client against the server and against scripted
 * TCP peers written in this file.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "labtest.h"

#define LAB "lab2-tcp" /* the lab these contract tests are for */

#define TCP_SERVER labtest_prog(LAB, "tcp_server")
#define TCP_CLIENT labtest_prog(LAB, "tcp_client")

#define IO_MS 2000  /* any expected byte must come by then */
#define PIECE_MS 15 /* pause between the pieces of a split line */
#define DEADLINE_LO                                                            \
	(CONTRACT_DEADLINE_LO_S -                                              \
	    0.005) /* contract: 1.000 s, less wake-up jitter */
#define DEADLINE_HI                                                            \
	(CONTRACT_DEADLINE_HI_S +                                              \
	    0.010)        /* contract: 1.050 s, plus scheduling slack */
#define SLOW_REPLY_MS 600 /* a reply at ~0.6 s is accepted */
#define AT_ONCE 0.050     /* "the next ping goes out at once" */
#define RUN_MS 8000       /* deadline of any one program run */
#define MAX_LINE CONTRACT_LINE_MAX /* contract: bytes before the '\n' */
#define LEAVE_BYTES 40000          /* lines that fit in the socket buffers */

static const char *const families[] = {"127.0.0.1", "::1"};

/* ---- sockets of the test ---- */

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
tcp_connect(const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	addr_set(&ss, &len, ip, port);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	/* Every send leaves as its own segment: splits are real. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	ck_assert_msg(connect(fd, (struct sockaddr *)&ss, len) == 0,
	    "connect %s:%d: %s", ip, port, strerror(errno));
	return fd;
}

static void
send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		ck_assert_msg(w > 0, "send: %s", strerror(errno));
		p += w;
		n -= w;
	}
}

/* Read exactly n bytes within ms; the number read (less at EOF, error
 * or timeout). */
static size_t
read_n(int fd, char *buf, size_t n, int ms)
{
	long deadline = harness_now_ms() + ms;
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = {fd, POLLIN, 0};
		long left = deadline - harness_now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		r = recv(fd, buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

/* recv returns 0 (an orderly FIN, not a reset) within ms, no data. */
static void
expect_eof(int fd, int ms, const char *who)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	char c;
	ssize_t r;

	ck_assert_msg(
	    poll(&pfd, 1, ms) == 1, "%s did not close within %d ms", who, ms);
	r = recv(fd, &c, 1, 0);
	ck_assert_msg(r == 0, "%s: %s instead of a normal close", who,
	    r < 0 ? strerror(errno) : "more data");
}

/* Nothing arrives on fd during ms. */
static void
expect_quiet(int fd, int ms, const char *what)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	ck_assert_msg(poll(&pfd, 1, ms) == 0, "unexpected: %s", what);
}

/* Everything sent on fd, FIN included, is acknowledged by the peer. */
static void
wait_acked(int fd)
{
	long deadline = harness_now_ms() + IO_MS;
	int unacked = 1;

	while (ioctl(fd, SIOCOUTQ, &unacked) == 0 && unacked > 0 &&
	       harness_now_ms() < deadline)
		poll(NULL, 0, 1);
	ck_assert_msg(unacked == 0, "%d bytes still unacknowledged", unacked);
}

static void
upper(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] >= 'a' && src[i] <= 'z' ? src[i] - 'a' + 'A'
		                                        : src[i];
}

/* The upper-cased stream of text[0..n) must come back on fd. */
static void
expect_echo(int fd, const char *text, size_t n)
{
	char *want = malloc(n), *got = malloc(n);
	size_t r;

	ck_assert(want != NULL && got != NULL);
	upper(want, text, n);
	r = read_n(fd, got, n, IO_MS);
	ck_assert_msg(r == n, "got %zu of %zu reply bytes", r, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i],
		    "reply byte %zu: 0x%02x, want "
		    "0x%02x",
		    i, (unsigned char)got[i], (unsigned char)want[i]);
	free(want);
	free(got);
}

/* Send text in pieces of 1..3 bytes with pauses: many segments. */
static void
send_pieces(int fd, const char *text, size_t n)
{
	size_t off = 0, k = 0;

	while (off < n) {
		size_t piece = 1 + k++ % 3;

		if (piece > n - off)
			piece = n - off;
		send_all(fd, text + off, piece);
		off += piece;
		if (off < n)
			poll(NULL, 0, PIECE_MS);
	}
}

/* Send text, expect its upper-cased echo; the number of lines in it. */
static int
echo(int fd, const char *text, size_t n)
{
	int lines = 0;

	send_all(fd, text, n);
	expect_echo(fd, text, n);
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	return lines;
}

static void
set_linger0(int fd)
{
	struct linger lg = {1, 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

/* ---- the server ---- */

static void
server_start(struct proc *p, int *port)
{
	ck_assert_msg(labtest_server(p, TCP_SERVER, SOCK_STREAM, port) == 0,
	    "tcp_server did not listen within %d ms; stderr: %s",
	    LABTEST_START_MS, p->err);
}

/* One line through a new connection to port; 1 if it came back right. */
static int
try_echo(int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char got[12];
	int fd, ok;

	addr_set(&ss, &len, "127.0.0.1", port);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&ss, len) == 0 &&
	     send(fd, "still there\n", 12, MSG_NOSIGNAL) == 12 &&
	     read_n(fd, got, 12, IO_MS) == 12 &&
	     memcmp(got, "STILL THERE\n", 12) == 0;
	close(fd);
	return ok;
}

/* The server is still there and serves a new client. */
static void
server_alive(struct proc *p, int port)
{
	if (try_echo(port) && proc_running(p))
		return;
	if (proc_running(p)) /* dying, perhaps: give it a moment */
		proc_wait(p, 500);
	ck_assert_msg(!p->timed_out, "tcp_server runs but no longer answers");
	ck_assert_msg(0, "tcp_server died: %s %d; stderr: %s",
	    WIFSIGNALED(p->status) ? "killed by signal" : "exit status",
	    WIFSIGNALED(p->status) ? WTERMSIG(p->status) : PROC_EXIT(p),
	    p->err);
}

/* SIGTERM, exit 0, and the log has exactly lines lines. */
static void
server_stop(struct proc *p, int lines)
{
	if (lines >= 0)
		ck_assert_msg(proc_lines(p, lines, IO_MS) == 0,
		    "%d log lines, "
		    "want %d (one per connection and per line, flushed)",
		    labtest_lines(p->out), lines);
	proc_signal(p, SIGTERM);
	ck_assert_int_eq(proc_wait(p, IO_MS), 0);
	ck_assert_msg(PROC_EXIT(p) == 0,
	    "tcp_server: status %d, signal %d "
	    "after SIGTERM",
	    PROC_EXIT(p), WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0);
	if (lines >= 0)
		ck_assert_msg(labtest_lines(p->out) == lines,
		    "%d log lines, "
		    "want %d:\n%s",
		    labtest_lines(p->out), lines, p->out);
}

/* Lines of every kind on one connection: each byte value but '\n', the
 * longest line, an empty line, many lines in one segment, lines split
 * over many segments; then our FIN must be answered by the server's. */
START_TEST(test_server_lines)
{
	char all[256], longest[MAX_LINE + 1], many[2000],
	    split[] = "first split\nsecond split\n";
	struct proc p;
	int port, fd, nlines = 0;
	size_t n = 0;

	server_start(&p, &port);
	fd = tcp_connect(families[_i], port);
	nlines += echo(fd, "ping 1\n", 7);
	for (int b = 0, i = 0; b < 256; b++)
		if (b != '\n')
			all[i++] = (char)b;
	all[255] = '\n';
	nlines += echo(fd, all, 256);
	srand(12000);
	for (int i = 0; i < MAX_LINE; i++) {
		longest[i] = (char)rand();
		if (longest[i] == '\n')
			longest[i] = 'x';
	}
	longest[MAX_LINE] = '\n';
	nlines += echo(fd, longest, sizeof longest);
	nlines += echo(fd, "\n", 1);
	for (int i = 1; i <= 100; i++)
		n += snprintf(many + n, sizeof many - n, "line %d\n", i);
	nlines += echo(fd, many, n);
	send_pieces(fd, split, sizeof split - 1);
	expect_echo(fd, split, sizeof split - 1);
	nlines += 2;
	shutdown(fd, SHUT_WR);
	expect_eof(fd, IO_MS, "tcp_server after the client's FIN");
	close(fd);
	server_stop(&p, 1 + nlines);
	proc_free(&p);
}
END_TEST

/* A partial line at EOF gets no reply; the complete one before it does. */
START_TEST(test_server_partial_eof)
{
	struct proc p;
	int port, fd;

	server_start(&p, &port);
	fd = tcp_connect("127.0.0.1", port);
	send_all(fd, "ping 1\nping", 11);
	shutdown(fd, SHUT_WR);
	expect_echo(fd, "ping 1\n", 7);
	expect_eof(fd, IO_MS, "tcp_server after a partial line and FIN");
	close(fd);
	server_alive(&p, port);
	server_stop(&p, -1);
	proc_free(&p);
}
END_TEST

/* A line longer than 1024 bytes may end that connection, never the
 * server. */
static const size_t overlong[] = {MAX_LINE + 1, 70000};

START_TEST(test_server_overlong)
{
	size_t n = overlong[_i];
	char *line = malloc(n + 1);
	struct proc p;
	int port, fd;

	ck_assert_ptr_nonnull(line);
	memset(line, 'a', n);
	line[n] = '\n';
	server_start(&p, &port);
	fd = tcp_connect("127.0.0.1", port);
	send(fd, line, n + 1, MSG_NOSIGNAL); /* may fail: a reset is fine */
	close(fd);
	server_alive(&p, port);
	server_stop(&p, -1);
	proc_free(&p);
	free(line);
}
END_TEST

/* Clients one after the other, over IPv4 and IPv6. */
START_TEST(test_server_sequential)
{
	struct proc p;
	int port;

	server_start(&p, &port);
	for (int i = 0; i < 4; i++) {
		int fd = tcp_connect(families[i % 2], port);
		char line[32];

		snprintf(line, sizeof line, "client %d\n", i);
		echo(fd, line, strlen(line));
		close(fd);
	}
	server_alive(&p, port);
	server_stop(&p, 2 * 5);
	proc_free(&p);
}
END_TEST

/* Clients that misbehave: the server must survive them all (SIGPIPE
 * included) and serve the next one. */
enum hostile {
	RESET_MIDLINE,     /* SO_LINGER 0 with half a line sent */
	RESET_AFTER_LINES, /* SO_LINGER 0 with lines being answered */
	LEAVE_UNREAD,      /* many lines, FIN, close with replies unread */
	VANISH_MIDLINE,    /* half a line, then a normal close */
};

static const enum hostile hostiles[] = {
    RESET_MIDLINE,
    RESET_AFTER_LINES,
    LEAVE_UNREAD,
    VANISH_MIDLINE,
};

START_TEST(test_server_hostile)
{
	size_t n = 0, cap = 200000;
	char *many = malloc(cap);
	struct proc p;
	int port, fd;

	ck_assert_ptr_nonnull(many);
	for (int i = 1; n + 16 < cap; i++)
		n += snprintf(many + n, cap - n, "ping %d\n", i);
	server_start(&p, &port);
	fd = tcp_connect("127.0.0.1", port);
	echo(fd, "ping 0\n", 7);
	switch (hostiles[_i]) {
	case RESET_MIDLINE:
		send_all(fd, "ping 1", 6);
		set_linger0(fd);
		break;
	case RESET_AFTER_LINES:
		send_all(fd, many, 5000);
		set_linger0(fd);
		break;
	case LEAVE_UNREAD:
		/* Once our FIN is acknowledged the server is in CLOSE_WAIT,
		 * still answering lines; our close() with replies unread
		 * resets the connection, which makes the server's next
		 * send fail with EPIPE: SIGPIPE unless it is ignored. */
		send_all(fd, many, LEAVE_BYTES);
		shutdown(fd, SHUT_WR);
		wait_acked(fd);
		break;
	case VANISH_MIDLINE:
		send_all(fd, "ping 1", 6);
		break;
	}
	close(fd);
	server_alive(&p, port);
	server_alive(&p, port);
	server_stop(&p, -1);
	proc_free(&p);
	free(many);
}
END_TEST

/* SIGTERM and SIGINT end it with status 0, idle or with a client. */
static const struct {
	int sig;
	int client;
} stops[] = {
    {SIGTERM, 0},
    {SIGINT, 0},
    {SIGTERM, 1},
    {SIGINT, 1},
};

START_TEST(test_server_signal)
{
	struct proc p;
	int port, fd = -1;

	server_start(&p, &port);
	if (stops[_i].client) {
		fd = tcp_connect("::1", port);
		echo(fd, "ping 1\n", 7);
		send_all(fd, "pi", 2);
	}
	proc_signal(&p, stops[_i].sig);
	ck_assert_int_eq(proc_wait(&p, IO_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "after signal %d: %s %d%s",
	    stops[_i].sig,
	    WIFSIGNALED(p.status) ? "killed by signal" : "exit status",
	    WIFSIGNALED(p.status) ? WTERMSIG(p.status) : PROC_EXIT(&p),
	    p.timed_out ? " (did not end in time)" : "");
	if (fd >= 0)
		close(fd);
	proc_free(&p);
}
END_TEST

/* On a host without IPv6 the server falls back to AF_INET. */
START_TEST(test_server_no_ipv6)
{
	struct proc p;
	int port;

	ck_assert_msg(labtest_server_via(&p, kit_bin("labtest-noipv6"),
	                  TCP_SERVER, SOCK_STREAM, &port) == 0,
	    "tcp_server without IPv6 "
	    "did not listen; stderr: %s",
	    p.err);
	server_alive(&p, port);
	proc_free(&p);
}
END_TEST

/* A port another socket listens on: status 1, one line on stderr. */
START_TEST(test_server_port_in_use)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port = port_free(SOCK_STREAM), off = 0, fd;
	char num[16];
	char *argv[] = {(char *)TCP_SERVER, num, NULL};
	struct proc p;

	addr_set(&ss, &len, "::", port);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	snprintf(num, sizeof num, "%d", port);
	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 1, "status %d, stderr: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(labtest_lines(p.err), 1);
	ck_assert_ptr_nonnull(strstr(p.err, num));
	close(fd);
	proc_free(&p);
}
END_TEST

/* SO_REUSEADDR: a server stopped with a client connected leaves its end
 * in TIME_WAIT; the next server on that port must still start. */
START_TEST(test_server_restart)
{
	char num[16];
	char *argv[] = {(char *)TCP_SERVER, num, NULL};
	struct proc p;
	int port, fd;

	server_start(&p, &port);
	fd = tcp_connect("127.0.0.1", port);
	echo(fd, "ping 1\n", 7);
	server_stop(&p, -1);
	expect_eof(fd, IO_MS, "tcp_server stopped by SIGTERM");
	close(fd);
	proc_free(&p);
	snprintf(num, sizeof num, "%d", port);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	ck_assert_msg(proc_ready(&p, SOCK_STREAM, port, LABTEST_START_MS) == 0,
	    "tcp_server could not listen again on a port in TIME_WAIT "
	    "(SO_REUSEADDR?): %s",
	    p.err);
	server_alive(&p, port);
	proc_free(&p);
}
END_TEST

/* ---- a scripted TCP peer for the client ---- */

struct tpeer {
	int lfd, fd, port;
	char buf[4096];
	size_t len;
	char got[4096]; /* everything the client sent */
	size_t got_len;
};

static void
tpeer_listen(struct tpeer *t, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int on = 1;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	addr_set(&ss, &len, ip, port);
	t->lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(t->lfd, 0);
	if (ss.ss_family == AF_INET6) /* this address family only */
		setsockopt(t->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	ck_assert_msg(bind(t->lfd, (struct sockaddr *)&ss, len) == 0,
	    "bind %s:%d: %s", ip, port, strerror(errno));
	ck_assert_int_eq(listen(t->lfd, 4), 0);
	len = sizeof ss;
	getsockname(t->lfd, (struct sockaddr *)&ss, &len);
	t->port = ntohs(ss.ss_family == AF_INET
	                    ? ((struct sockaddr_in *)&ss)->sin_port
	                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void
tpeer_accept(struct tpeer *t)
{
	struct pollfd pfd = {t->lfd, POLLIN, 0};
	int on = 1;

	ck_assert_msg(poll(&pfd, 1, IO_MS) == 1, "tcp_client never connected");
	t->fd = accept(t->lfd, NULL, NULL);
	ck_assert_int_ge(t->fd, 0);
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/* The client's next line must be exactly "ping <seq>"; arrival time. */
static double
tpeer_expect_ping(struct tpeer *t, int seq)
{
	char want[32];
	char *nl;
	long deadline = harness_now_ms() + IO_MS;

	snprintf(want, sizeof want, "ping %d", seq);
	while ((nl = memchr(t->buf, '\n', t->len)) == NULL) {
		struct pollfd pfd = {t->fd, POLLIN, 0};
		long left = deadline - harness_now_ms();
		ssize_t r;

		ck_assert_msg(left > 0 && poll(&pfd, 1, (int)left) == 1,
		    "no line for seq %d within %d ms", seq, IO_MS);
		r = recv(t->fd, t->buf + t->len, sizeof t->buf - t->len, 0);
		ck_assert_msg(r > 0,
		    "client closed or reset before sending "
		    "seq %d: %s",
		    seq, r < 0 ? strerror(errno) : "EOF");
		if (t->got_len + r <= sizeof t->got)
			memcpy(t->got + t->got_len, t->buf + t->len, r);
		t->got_len += r;
		t->len += r;
		ck_assert_msg(t->len < sizeof t->buf, "no newline in 4 KiB");
	}
	ck_assert_msg((size_t)(nl - t->buf) == strlen(want) &&
	                  memcmp(t->buf, want, strlen(want)) == 0,
	    "line %.*s, want %s", (int)(nl - t->buf), t->buf, want);
	t->len -= nl + 1 - t->buf;
	memmove(t->buf, nl + 1, t->len);
	return harness_now();
}

static void
tpeer_send(struct tpeer *t, const char *text)
{
	send_all(t->fd, text, strlen(text));
}

/* The client, now ended, sent nothing after what was read. */
static void
tpeer_no_more(struct tpeer *t)
{
	char rest[64];
	size_t n = read_n(t->fd, rest, sizeof rest, 200);

	ck_assert_msg(t->len == 0 && n == 0, "the client sent more: '%.*s%.*s'",
	    (int)t->len, t->buf, (int)n, rest);
}

static void
tpeer_close(struct tpeer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	close(t->lfd);
}

/* ---- running the client ---- */

static void
client_start(struct proc *p, const char *host, int port, const char *count)
{
	char num[16];
	char *argv[] = {
	    (char *)TCP_CLIENT, (char *)host, num, (char *)count, NULL};

	snprintf(num, sizeof num, "%d", port);
	ck_assert_int_eq(proc_start(p, argv), 0);
}

/* Wait for the end; parse stdout; status and summary as given. */
static void
client_end(struct proc *p, struct labtest_out *o, int status, int summary)
{
	ck_assert_int_eq(proc_wait(p, RUN_MS), 0);
	ck_assert_msg(
	    !p->timed_out, "tcp_client still running after %d ms", RUN_MS);
	ck_assert_msg(labtest_parse(p->out, o) == 0, "client output: %s\n%s",
	    o->why, p->out);
	ck_assert_msg(o->summary == summary, "summary line %s:\n%s",
	    summary ? "missing" : "where none belongs", p->out);
	ck_assert_msg(PROC_EXIT(p) == status,
	    "exit status %d (signal %d), "
	    "want %d; stderr: %s",
	    PROC_EXIT(p), WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0,
	    status, p->err);
	if (status == 0)
		ck_assert_msg(p->err[0] == '\0',
		    "stderr after a run without "
		    "error: %s",
		    p->err);
}

/* The contract's "reason on stderr": one line. */
static void
expect_reason(const struct proc *p)
{
	ck_assert_msg(labtest_lines(p->err) == 1,
	    "want one line on stderr "
	    "naming the cause, got '%s'",
	    p->err);
}

static void
expect_reply(const struct labtest_out *o, int i, const char *ip, int port)
{
	ck_assert_msg(o->ping[i].replied, "seq=%d: no reply line", i + 1);
	ck_assert_str_eq(o->ping[i].ip, ip);
	ck_assert_int_eq(o->ping[i].port, port);
}

static const char *const hosts[] = {"127.0.0.1", "::1", "localhost"};

START_TEST(test_pair)
{
	struct labtest_out o;
	struct proc srv, cli;
	char ip[64];
	int port;

	server_start(&srv, &port);
	ck_assert_int_eq(
	    labtest_first_addr(hosts[_i], SOCK_STREAM, ip, sizeof ip), 0);
	client_start(&cli, hosts[_i], port, "3");
	client_end(&cli, &o, 0, 1);
	ck_assert_int_eq(o.npings, 3);
	for (int i = 0; i < 3; i++)
		expect_reply(&o, i, ip, port);
	ck_assert_int_eq(o.sent, 3);
	ck_assert_int_eq(o.received, 3);
	ck_assert(o.rtt_line);
	server_stop(&srv, 1 + 3);
	proc_free(&cli);
	proc_free(&srv);
}
END_TEST

static const char *const hosts_files[] = {
    "::1 localhost\n127.0.0.1 localhost\n",
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
	    labtest_first_addr("localhost", SOCK_STREAM, ip, sizeof ip), 0);
	server_start(&srv, &port);
	client_start(&cli, "localhost", port, "2");
	client_end(&cli, &o, 0, 1);
	expect_reply(&o, 0, ip, port);
	expect_reply(&o, 1, ip, port);
	proc_free(&cli);
	proc_free(&srv);
}
END_TEST

/* 'localhost' is ::1 then 127.0.0.1, and only one of them listens: the
 * client tries each address until one connects. */
static const char *const fallback[] = {"127.0.0.1", "::1"};

START_TEST(test_fallback)
{
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;

	ck_assert_msg(
	    labtest_hosts("::1 localhost\n127.0.0.1 localhost\n") == 0,
	    "cannot give the test its own /etc/hosts: %s", strerror(errno));
	tpeer_listen(&t, fallback[_i], 0);
	client_start(&cli, "localhost", t.port, "1");
	tpeer_accept(&t);
	tpeer_expect_ping(&t, 1);
	tpeer_send(&t, "PING 1\n");
	client_end(&cli, &o, 0, 1);
	expect_reply(&o, 0, fallback[_i], t.port);
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* Replies in pieces with pauses: the client waits for the whole line,
 * sends nothing meanwhile, and closes normally (FIN) at the end having
 * sent exactly its pings. */
START_TEST(test_split_replies)
{
	static const char *const pieces[] = {"PI", "NG", " ", "%d", "\n"};
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;
	const char *want = "ping 1\nping 2\nping 3\n";
	double last = 0;

	tpeer_listen(&t, families[_i], 0);
	client_start(&cli, families[_i], t.port, "3");
	tpeer_accept(&t);
	for (int seq = 1; seq <= 3; seq++) {
		double arrived = tpeer_expect_ping(&t, seq);

		ck_assert_msg(seq == 1 || arrived - last < AT_ONCE,
		    "ping %d "
		    "left %.3f s after the reply to ping %d",
		    seq, arrived - last, seq - 1);
		ck_assert_msg(proc_lines(&cli, seq - 1, 200) == 0,
		    "the reply "
		    "line for seq=%d was not flushed when ping %d left",
		    seq - 1, seq);
		for (int k = 0; k < 5; k++) {
			char piece[16];

			snprintf(piece, sizeof piece, pieces[k], seq);
			expect_quiet(t.fd, PIECE_MS,
			    "the client sent before "
			    "the whole reply line had come");
			tpeer_send(&t, piece);
		}
		last = harness_now();
	}
	expect_eof(t.fd, IO_MS, "tcp_client after its last reply");
	client_end(&cli, &o, 0, 1);
	ck_assert_msg(
	    t.got_len == strlen(want) && memcmp(t.got, want, t.got_len) == 0,
	    "the client sent '%.*s'", (int)t.got_len, t.got);
	ck_assert_int_eq(o.npings, 3);
	for (int i = 0; i < 3; i++) {
		expect_reply(&o, i, families[_i], t.port);
		ck_assert_double_ge(o.ping[i].rtt, 4 * PIECE_MS);
	}
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* A reply at ~0.6 s is in time, with the rtt it took. */
START_TEST(test_slow_reply)
{
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;

	tpeer_listen(&t, "127.0.0.1", 0);
	client_start(&cli, "127.0.0.1", t.port, "1");
	tpeer_accept(&t);
	tpeer_expect_ping(&t, 1);
	expect_quiet(t.fd, SLOW_REPLY_MS, "data from the client");
	tpeer_send(&t, "PING 1\n");
	expect_eof(t.fd, IO_MS, "tcp_client after its last reply");
	client_end(&cli, &o, 0, 1);
	ck_assert_msg(o.ping[0].rtt >= SLOW_REPLY_MS - 1 &&
	                  o.ping[0].rtt <= SLOW_REPLY_MS + 50,
	    "rtt=%.3f for a reply sent "
	    "%d ms after the ping",
	    o.ping[0].rtt, SLOW_REPLY_MS);
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* Ping 2 never answered: "seq=2 timeout", the client stops (no ping 3)
 * at the 1 s deadline, summary, status 1. */
START_TEST(test_timeout)
{
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;
	double t2, took;

	tpeer_listen(&t, "::1", 0);
	client_start(&cli, "::1", t.port, "3");
	tpeer_accept(&t);
	tpeer_expect_ping(&t, 1);
	tpeer_send(&t, "PING 1\n");
	t2 = tpeer_expect_ping(&t, 2);
	client_end(&cli, &o, 1, 1);
	took = harness_now() - t2;
	ck_assert_msg(took >= DEADLINE_LO && took <= DEADLINE_HI + 0.1,
	    "the client ended %.3f s after ping 2 (deadline %.3f-%.3f s)", took,
	    CONTRACT_DEADLINE_LO_S, CONTRACT_DEADLINE_HI_S);
	tpeer_no_more(&t);
	ck_assert_int_eq(o.npings, 2);
	expect_reply(&o, 0, "::1", t.port);
	ck_assert_int_eq(o.ping[1].replied, 0);
	ck_assert_int_eq(o.sent, 2);
	ck_assert_int_eq(o.received, 1);
	ck_assert(o.rtt_line);
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* How the peer fails ping 2: a wrong line, or it closes or resets. */
enum fault { WRONG, CLOSE, CLOSE_MIDLINE, RESET };

static const struct {
	enum fault fault;
	const char *line;
} faults[] = {
    {WRONG, "PING 9\n"},
    {WRONG, "ping 2\n"},
    {WRONG, "PING 2 \n"},
    {WRONG, "PING 2\r\n"},
    {WRONG, "PONG 2\n"},
    {WRONG, "PING 1\n"},
    {WRONG, "\n"},
    {CLOSE, NULL},
    {CLOSE_MIDLINE, "PING"},
    {RESET, NULL},
};

START_TEST(test_bad_peer)
{
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;

	tpeer_listen(&t, "127.0.0.1", 0);
	client_start(&cli, "127.0.0.1", t.port, "3");
	tpeer_accept(&t);
	tpeer_expect_ping(&t, 1);
	tpeer_send(&t, "PING 1\n");
	tpeer_expect_ping(&t, 2);
	if (faults[_i].line != NULL)
		tpeer_send(&t, faults[_i].line);
	if (faults[_i].fault == RESET)
		set_linger0(t.fd);
	if (faults[_i].fault != WRONG) {
		close(t.fd);
		t.fd = -1;
	}
	client_end(&cli, &o, 1, 1);
	ck_assert_int_eq(o.npings, 1);
	expect_reply(&o, 0, "127.0.0.1", t.port);
	ck_assert_int_eq(o.sent, 2);
	ck_assert_int_eq(o.received, 1);
	ck_assert(o.rtt_line);
	expect_reason(&cli);
	if (t.fd >= 0)
		tpeer_no_more(&t);
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* The peer closes or resets the connection at once, before any reply:
 * the client must not die of SIGPIPE; 1 sent, 0 received, status 1. */
static const int early_reset[] = {0, 1};

START_TEST(test_closed_at_once)
{
	struct labtest_out o;
	struct proc cli;
	struct tpeer t;

	tpeer_listen(&t, "127.0.0.1", 0);
	client_start(&cli, "127.0.0.1", t.port, "3");
	tpeer_accept(&t);
	if (early_reset[_i])
		set_linger0(t.fd);
	close(t.fd);
	t.fd = -1;
	client_end(&cli, &o, 1, 1);
	ck_assert_int_eq(o.npings, 0);
	ck_assert_int_eq(o.sent, 1);
	ck_assert_int_eq(o.received, 0);
	ck_assert(!o.rtt_line);
	expect_reason(&cli);
	proc_free(&cli);
	tpeer_close(&t);
}
END_TEST

/* Nobody listens: the reason on stderr, no summary, status 1, at once. */
START_TEST(test_refused)
{
	struct labtest_out o;
	struct proc cli;
	double t0 = harness_now();

	client_start(&cli, hosts[_i], port_free(SOCK_STREAM), "2");
	client_end(&cli, &o, 1, 0);
	ck_assert_str_eq(cli.out, "");
	expect_reason(&cli);
	ck_assert_double_lt(harness_now() - t0, 1.0);
	proc_free(&cli);
}
END_TEST

/* ---- bad arguments ---- */

static const char *const bad_client[][4] = {
    {NULL},
    {"127.0.0.1", NULL},
    {"127.0.0.1", "0", NULL},
    {"127.0.0.1", "65536", NULL},
    {"127.0.0.1", "12a", NULL},
    {"127.0.0.1", "", NULL},
    {"127.0.0.1", "%P", "0", NULL},
    {"127.0.0.1", "%P", "1001", NULL},
    {"127.0.0.1", "%P", "3x", NULL},
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

/* Status 2, and no connection reaches the peer listening on %P. */
START_TEST(test_client_bad_args)
{
	char *argv[6] = {(char *)TCP_CLIENT};
	char num[16];
	const char *culprit = NULL;
	struct tpeer t;
	struct proc p;

	tpeer_listen(&t, "127.0.0.1", 0);
	snprintf(num, sizeof num, "%d", t.port);
	for (int i = 0; i < 4 && bad_client[_i][i] != NULL; i++) {
		const char *a = bad_client[_i][i];

		argv[i + 1] = strcmp(a, "%P") == 0 ? num : (char *)a;
		if (culprit == NULL && strcmp(a, "%P") != 0 &&
		    strcmp(a, "127.0.0.1") != 0)
			culprit = a;
	}
	ck_assert_int_eq(proc_run(&p, argv, RUN_MS), 0);
	expect_bad_args(&p, culprit);
	expect_quiet(t.lfd, 0, "the client connected despite bad arguments");
	proc_free(&p);
	tpeer_close(&t);
}
END_TEST

START_TEST(test_server_bad_args)
{
	char *argv[3] = {(char *)TCP_SERVER, (char *)bad_server[_i][0], NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	expect_bad_args(&p, bad_server[_i][0]);
	proc_free(&p);
}
END_TEST

static const char *const programs[] = {"tcp_server", "tcp_client"};

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
lab2_suite(void)
{
	Suite *s = suite_create("lab2");
	TCase *tc;

	tc = tcase(s, "server", 15);
	tcase_add_loop_test(tc, test_server_lines, 0, N(families));
	tcase_add_test(tc, test_server_partial_eof);
	tcase_add_loop_test(tc, test_server_overlong, 0, N(overlong));
	tcase_add_test(tc, test_server_sequential);
	tcase_add_loop_test(tc, test_server_hostile, 0, N(hostiles));
	tcase_add_loop_test(tc, test_server_signal, 0, N(stops));
	tcase_add_test(tc, test_server_port_in_use);
	tcase_add_test(tc, test_server_restart);
	tcase_add_test(tc, test_server_no_ipv6);
	tc = tcase(s, "pair", 15);
	tcase_add_loop_test(tc, test_pair, 0, N(hosts));
	tcase_add_loop_test(tc, test_pair_localhost, 0, N(hosts_files));
	tcase_add_loop_test(tc, test_fallback, 0, N(fallback));
	tc = tcase(s, "client", 10);
	tcase_add_loop_test(tc, test_split_replies, 0, N(families));
	tcase_add_test(tc, test_slow_reply);
	tcase_add_test(tc, test_timeout);
	tcase_add_loop_test(tc, test_bad_peer, 0, N(faults));
	tcase_add_loop_test(tc, test_closed_at_once, 0, N(early_reset));
	tcase_add_loop_test(tc, test_refused, 0, N(hosts));
	tc = tcase(s, "args", 10);
	tcase_add_loop_test(tc, test_client_bad_args, 0, N(bad_client));
	tcase_add_loop_test(tc, test_server_bad_args, 0, N(bad_server));
	tcase_add_loop_test(tc, test_help, 0, N(programs));
	return s;
}
