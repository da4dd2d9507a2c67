/*
 * Contract tests of Lab 3's reference server (solutions/lab3-concurrent),
 * run from here without labgrade: many connections at once from this
 * process, idle ones and half lines among them, a client that never
 * reads, descriptor and CPU measurements in /proc/PID, EMFILE under a low
 * RLIMIT_NOFILE, SIGTERM with clients connected.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "labtest.h"

#define LAB "lab3-concurrent" /* the lab these contract tests are for */
#define TCP_SERVER labtest_prog(LAB, "tcp_server")

#define IO_MS 2000    /* any expected byte must come by then */
#define CLIENTS 100   /* contract: at least 100 at once */
#define CYCLES 300    /* connect/close cycles (the grader does 1,000) */
#define FD_SLACK 4    /* descriptors a server may open once and keep */
#define NOFILE_LOW 32 /* RLIMIT_NOFILE of the EMFILE test */
#define WINDOW_MS 1000
#define BUSY_MAX                                                               \
	0.25 /* share of a window a sleeping server may want a                 \
	      * CPU (ran or waited to run): see the grader */
#define FLOOD_CAP (32L << 20) /* bytes a non-reading client sends */
#define RSS_GROWTH_KB (16 * 1024)

/* ---- sockets of the test ---- */

static int
tcp_connect(const char *ip, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, on = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof *s4;
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof *s6;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	ck_assert_msg(connect(fd, (struct sockaddr *)&ss, len) == 0,
	    "connect %s:%d: %s", ip, port, strerror(errno));
	return fd;
}

static void
send_all(int fd, const void *buf, size_t n)
{
	ck_assert_msg(send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n, "send: %s",
	    strerror(errno));
}

/* Exactly n bytes within ms, or fewer (EOF, error, timeout). */
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
		got += (size_t)r;
	}
	return got;
}

/* "ping n\n" out, "PING n\n" back within IO_MS. */
static void
exchange(int fd, int n, const char *who)
{
	char line[32], want[32], got[32];
	int k = snprintf(line, sizeof line, "ping %d\n", n);

	snprintf(want, sizeof want, "PING %d\n", n);
	send_all(fd, line, (size_t)k);
	ck_assert_msg(read_n(fd, got, (size_t)k, IO_MS) == (size_t)k &&
	                  memcmp(got, want, (size_t)k) == 0,
	    "%s: no \"PING %d\" within %d ms", who, n, IO_MS);
}

/* Nothing arrives on fd within ms, and it is still open. */
static void
expect_quiet(int fd, int ms, const char *what)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	ck_assert_msg(poll(&pfd, 1, ms) == 0, "%s", what);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the server and its process ---- */

static void
server_start(struct proc *p, int *port)
{
	ck_assert_msg(labtest_server(p, TCP_SERVER, SOCK_STREAM, port) == 0,
	    "tcp_server did not listen within %d ms; stderr: %s",
	    LABTEST_START_MS, p->err);
}

static void
server_stop(struct proc *p)
{
	proc_signal(p, SIGTERM);
	ck_assert_int_eq(proc_wait(p, IO_MS), 0);
	ck_assert_msg(PROC_EXIT(p) == 0, "tcp_server: status %d after SIGTERM",
	    PROC_EXIT(p));
}

static int
proc_fds(pid_t pid)
{
	char dir[64];
	struct dirent *d;
	DIR *fd;
	int n = 0;

	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	ck_assert_ptr_nonnull(fd = opendir(dir));
	while ((d = readdir(fd)) != NULL)
		n += d->d_name[0] != '.';
	closedir(fd);
	return n;
}

/* Nanoseconds the process ran plus waited to run (schedstat), summed
 * over its threads. */
static double
proc_wanted_ns(pid_t pid)
{
	char path[384], dir[64];
	unsigned long long run, wait;
	double sum = 0;
	struct dirent *d;
	DIR *td;
	FILE *f;

	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	ck_assert_ptr_nonnull(td = opendir(dir));
	while ((d = readdir(td)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/schedstat", dir, d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu %llu", &run, &wait) == 2)
			sum += (double)run + (double)wait;
		fclose(f);
	}
	closedir(td);
	return sum;
}

/* The share of WINDOW_MS the server wanted a CPU. */
static double
busy_share(pid_t pid)
{
	double w0 = proc_wanted_ns(pid), t0 = harness_now(), w1;

	sleep_ms(WINDOW_MS);
	w1 = proc_wanted_ns(pid);
	return (w1 - w0) / 1e9 / (harness_now() - t0);
}

static long
proc_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (v < 0 && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			v = atol(line + 6);
	fclose(f);
	return v;
}

/* ---- the tests ---- */

/* An idle client and a half line first, then CLIENTS at once, each
 * answered; the idle one is neither answered nor closed, the half line
 * is answered once it ends. */
START_TEST(test_server_many)
{
	static int fds[CLIENTS];
	struct proc p;
	int port, idle, half, i;
	char who[32], got[8];

	server_start(&p, &port);
	idle = tcp_connect("127.0.0.1", port);
	half = tcp_connect("::1", port);
	send_all(half, "pi", 2);
	for (i = 0; i < CLIENTS; i++)
		fds[i] = tcp_connect(i % 2 ? "::1" : "127.0.0.1", port);
	for (i = 0; i < CLIENTS; i++) {
		snprintf(who, sizeof who, "client %d", i + 1);
		exchange(fds[i], i + 1, who);
	}
	expect_quiet(idle, 500, "the idle client got bytes or a close");
	expect_quiet(half, 100, "the half line was answered before its end");
	send_all(half, "ng 1\n", 5);
	ck_assert_msg(
	    read_n(half, got, 7, IO_MS) == 7 && memcmp(got, "PING 1\n", 7) == 0,
	    "the half line, completed, got no \"PING 1\"");
	for (i = 0; i < CLIENTS; i++)
		close(fds[i]);
	close(idle);
	close(half);
	server_stop(&p);
	proc_free(&p);
}
END_TEST

/* A client that sends without reading: the others are served, and the
 * server's memory stays bounded. */
START_TEST(test_server_no_read)
{
	static char chunk[64 * 1024];
	struct proc p;
	int port, flood, fd;
	long sent = 0, base;
	ssize_t n;

	for (size_t i = 0; i + 7 <= sizeof chunk; i += 7)
		memcpy(chunk + i, "ping 1\n", 7);
	server_start(&p, &port);
	base = proc_hwm_kb(p.pid);
	flood = tcp_connect("127.0.0.1", port);
	while (sent < FLOOD_CAP) {
		struct pollfd pfd = {flood, POLLOUT, 0};

		n = send(flood, chunk, (sizeof chunk / 7) * 7,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			sent += n;
			continue;
		}
		ck_assert_msg(
		    n < 0 && errno == EAGAIN, "send: %s", strerror(errno));
		if (poll(&pfd, 1, 300) == 0)
			break; /* the server stopped reading: backpressure */
	}
	fd = tcp_connect("127.0.0.1", port);
	exchange(fd, 1, "a client after one that does not read");
	ck_assert_msg(proc_hwm_kb(p.pid) - base <= RSS_GROWTH_KB,
	    "the server grew by %ld KiB for a client that does not read "
	    "(%ld bytes sent)",
	    proc_hwm_kb(p.pid) - base, sent);
	close(fd);
	close(flood);
	server_stop(&p);
	proc_free(&p);
}
END_TEST

/* CYCLES connect/exchange/close: the descriptors come back. */
START_TEST(test_server_fds)
{
	struct proc p;
	int port, fd, before, after = 0, i;
	long t0;

	server_start(&p, &port);
	fd = tcp_connect("127.0.0.1", port);
	exchange(fd, 0, "a first client");
	close(fd);
	sleep_ms(100);
	before = proc_fds(p.pid);
	for (i = 1; i <= CYCLES; i++) {
		fd = tcp_connect("127.0.0.1", port);
		exchange(fd, i, "a cycle");
		close(fd);
		if (i % 50 == 0)
			proc_lines(&p, 0, 0); /* drain its log */
	}
	for (t0 = harness_now_ms(); harness_now_ms() - t0 < IO_MS;
	     sleep_ms(20)) {
		proc_lines(&p, 0, 0);
		if ((after = proc_fds(p.pid)) <= before + FD_SLACK)
			break;
	}
	ck_assert_msg(after <= before + FD_SLACK,
	    "%d descriptors before, %d after %d cycles", before, after, CYCLES);
	server_stop(&p);
	proc_free(&p);
}
END_TEST

/* CLIENTS idle connections: the server sleeps. */
START_TEST(test_server_idle_cpu)
{
	static int fds[CLIENTS];
	struct proc p;
	int port, i;
	double busy;

	server_start(&p, &port);
	for (i = 0; i < CLIENTS; i++) {
		fds[i] = tcp_connect("127.0.0.1", port);
		exchange(fds[i], i + 1, "an idle client's first line");
	}
	sleep_ms(200);
	busy = busy_share(p.pid);
	ck_assert_msg(busy <= BUSY_MAX,
	    "with %d idle clients the server wanted a CPU %.0f%% of the time",
	    CLIENTS, busy * 100);
	for (i = 0; i < CLIENTS; i++)
		close(fds[i]);
	server_stop(&p);
	proc_free(&p);
}
END_TEST

/* RLIMIT_NOFILE NOFILE_LOW, more clients than fit: no exit, no spin,
 * and a new client is served once they leave. */
START_TEST(test_server_emfile)
{
	struct rlimit old, low;
	struct proc p;
	int port, fds[NOFILE_LOW + 8], i, fd;
	double busy;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = NOFILE_LOW;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	i = labtest_server(&p, TCP_SERVER, SOCK_STREAM, &port);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_msg(i == 0, "tcp_server did not listen: %s", p.err);
	for (i = 0; i < NOFILE_LOW + 8; i++) {
		struct sockaddr_in sa = {.sin_family = AF_INET};

		sa.sin_port = htons(port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[i], 0);
		ck_assert(
		    connect(fds[i], (struct sockaddr *)&sa, sizeof sa) == 0 ||
		    errno == EINPROGRESS);
	}
	sleep_ms(300);
	ck_assert_msg(
	    proc_running(&p), "the server ended at EMFILE: %s", p.err);
	busy = busy_share(p.pid);
	ck_assert_msg(busy <= BUSY_MAX,
	    "out of descriptors, the server wanted a CPU %.0f%% of the time",
	    busy * 100);
	for (i = 0; i < NOFILE_LOW + 8; i++)
		close(fds[i]);
	sleep_ms(200);
	fd = tcp_connect("127.0.0.1", port);
	exchange(fd, 1, "a client once descriptors are free");
	close(fd);
	server_stop(&p);
	proc_free(&p);
}
END_TEST

/* SIGTERM with clients connected: status 0, a FIN to each. */
START_TEST(test_server_signal)
{
	struct proc p;
	int port, fds[3], i;
	char c;

	server_start(&p, &port);
	for (i = 0; i < 3; i++) {
		fds[i] = tcp_connect("127.0.0.1", port);
		exchange(fds[i], i + 1, "a client");
	}
	server_stop(&p);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(recv(fds[i], &c, 1, 0) == 0,
		    "client %d: no FIN after SIGTERM (%s)", i + 1,
		    strerror(errno));
		close(fds[i]);
	}
	proc_free(&p);
}
END_TEST

static const char *const bad_args[][2] = {
    {NULL, NULL}, {"abc", NULL}, {"0", NULL}, {"70000", NULL}, {"1", "2"}};

START_TEST(test_server_bad_args)
{
	char *argv[4] = {(char *)TCP_SERVER, (char *)bad_args[_i][0],
	    (char *)bad_args[_i][1], NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 3000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 2, "status %d, want 2", PROC_EXIT(&p));
	ck_assert_int_eq(labtest_lines(p.err), 1);
	proc_free(&p);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
lab3_suite(void)
{
	Suite *s = suite_create("lab3");
	TCase *tc = tcase_create("server");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_server_many);
	tcase_add_test(tc, test_server_no_read);
	tcase_add_test(tc, test_server_fds);
	tcase_add_test(tc, test_server_idle_cpu);
	tcase_add_test(tc, test_server_emfile);
	tcase_add_test(tc, test_server_signal);
	tcase_add_loop_test(tc, test_server_bad_args, 0, N(bad_args));
	suite_add_tcase(s, tc);
	return s;
}
