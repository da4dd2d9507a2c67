/*
 * labsniff's live tests: the reference UDP and TCP pairs under --exec (as
 * root and as an unprivileged user), the readiness rule, a refused live
 * capture's advice, and a live capture on lo: -c, -w, no duplicates, and
 * Ctrl-C draining what the kernel still holds.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <check.h>
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

#include "grader/testkit/harness.h"

#define LSL_RUN_MS 15000  /* one labsniff --exec run */
#define LSL_READY_MS 5000 /* a live capture says it listens */
#define LSL_UDP "solutions/lab1-udp/"
#define LSL_TCP "solutions/lab2-tcp/"

static int
lsl_count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* argv for labsniff, as nobody (setpriv) when unpriv and we are root;
 * the sanitizer build when san. */
static int
lsl_argv_san(char **argv, int unpriv, int san, char *const *args)
{
	int n = 0;

	if (unpriv && geteuid() == 0) {
		argv[n++] = "setpriv";
		argv[n++] = "--reuid=65534";
		argv[n++] = "--regid=65534";
		argv[n++] = "--clear-groups";
	}
	argv[n++] = (char *)kit_bin(san ? "san/labsniff" : "labsniff");
	while (*args != NULL)
		argv[n++] = *args++;
	argv[n] = NULL;
	return n;
}

static int
lsl_argv(char **argv, int unpriv, char *const *args)
{
	return lsl_argv_san(argv, unpriv, 0, args);
}

static void
lsl_want(const struct proc *p, const char *what)
{
	ck_assert_msg(strstr(p->out, what) != NULL,
	    "'%s' missing from:\n%s\n"
	    "stderr: %s",
	    what, p->out, p->err);
}

/* The reference UDP pair: every datagram seen once and labelled (as
 * root and as nobody, normal and sanitizer builds). */
START_TEST(test_exec_udp_pair)
{
	char *args[] = {"--exec", LSL_UDP "udp_server 12000", "--exec",
	    LSL_UDP "udp_client 127.0.0.1 12000 3", NULL};
	char *argv[16];
	struct proc p;

	lsl_argv_san(argv, _i & 1, _i & 2, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	lsl_want(&p, "UDP len 6 \"ping 1\" -- datagram #1");
	lsl_want(&p, "UDP len 6 \"PING 1\" -- reply to datagram #1 after ");
	lsl_want(&p, "-- reply to datagram #3 after ");
	lsl_want(&p, "3 requests, 3 replies, 0 unanswered");
	lsl_want(&p, "0 dropped");
	lsl_want(&p, "command 2 (" LSL_UDP "udp_client 127.0.0.1 12000 3): "
	             "exited with status 0");
	lsl_want(&p, "ended by labsniff");
	/* the commands' own lines, tagged, among the packets */
	lsl_want(&p, "\n[2] reply from 127.0.0.1:12000 seq=3 rtt=");
	lsl_want(&p, "\n[2] 3 sent, 3 received, 0% loss\n");
	ck_assert_int_eq(lsl_count(p.out, " UDP len 6 "), 6); /* no dups */
	proc_free(&p);
}
END_TEST

/* The reference TCP pair over IPv6: handshake, data, teardown, and the
 * same conversation as a ladder. */
START_TEST(test_exec_tcp_pair)
{
	char *args[] = {"--exec", LSL_TCP "tcp_server 5000", "--exec",
	    LSL_TCP "tcp_client ::1 5000 2", _i == 2 ? "--ladder" : NULL, NULL};
	char *argv[16];
	struct proc p;

	lsl_argv(argv, _i == 1, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	lsl_want(&p, "handshake 1/3");
	lsl_want(&p, "handshake 2/3");
	lsl_want(&p, "handshake 3/3");
	lsl_want(&p, "teardown: FIN from the client");
	lsl_want(&p, "acknowledges the second FIN: closed");
	lsl_want(&p, "\"ping 2\\n\"");
	lsl_want(&p, "closed, the client's FIN first");
	if (_i == 2) {
		lsl_want(&p, "[::1]:5000");
		ck_assert_int_eq(lsl_count(p.out, "|  handshake"), 3);
	} else {
		lsl_want(&p, "TCP SYN-ACK [S.] seq 0 ack 1 win ");
		ck_assert_int_eq(lsl_count(p.out, " TCP SYN [S] "), 1);
	}
	proc_free(&p);
}
END_TEST

/* No server: the client's pings meet ICMP port unreachable. */
START_TEST(test_exec_port_unreachable)
{
	char *args[] = {"--exec", LSL_UDP "udp_client 127.0.0.1 12000 1", NULL};
	char *argv[16];
	struct proc p;

	lsl_argv(argv, 1, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	lsl_want(&p, "-- port unreachable: no server on 12000");
	lsl_want(&p, "1 request, 0 replies, 1 unanswered; 1 ICMP port "
	             "unreachable error");
	lsl_want(&p, "exited with status 1");
	proc_free(&p);
}
END_TEST

/* A server slow to bind: the client starts only once it has. */
START_TEST(test_exec_waits_for_bind)
{
	char *args[] = {"--exec", "sleep 0.4; exec " LSL_UDP "udp_server 12000",
	    "--exec", LSL_UDP "udp_client 127.0.0.1 12000 2", NULL};
	char *argv[16];
	struct proc p;

	lsl_argv(argv, 0, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	lsl_want(&p, "2 requests, 2 replies, 0 unanswered");
	ck_assert_msg(strstr(p.out, "port unreachable") == NULL,
	    "the client started before the server had bound:\n%s", p.out);
	proc_free(&p);
}
END_TEST

/* A plain live capture without privileges: refused, with the advice. */
static void
lsl_check_refused(void)
{
	char *args[] = {"-c", "1", NULL};
	char *argv[16];
	struct proc p;

	lsl_argv(argv, 1, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_int_eq(lsl_count(p.err, "\n"), 1);
	ck_assert_msg(strstr(p.err, "sudo") &&
	                  strstr(p.err, "setcap cap_net_raw=eip") &&
	                  strstr(p.err, "--exec") && strstr(p.err, "-r FILE"),
	    "advice incomplete: %s", p.err);
	ck_assert_int_eq((int)p.out_len, 0);
	proc_free(&p);
}

START_TEST(test_live_refused_unprivileged)
{
	lsl_check_refused();
}
END_TEST

/* --- live capture on the host's lo (root) --- */

/* Wait for labsniff's "listening on" line: its filter is set, packets
 * sent from now on are captured.  Reads stderr itself (p->err stays
 * empty until then). */
static void
lsl_wait_listening(struct proc *p)
{
	long deadline = harness_now_ms() + LSL_READY_MS;
	char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	while (strstr(buf, "listening on") == NULL) {
		struct pollfd pfd = {p->err_fd, POLLIN, 0};
		long left = deadline - harness_now_ms();
		ssize_t n;

		ck_assert_msg(left > 0, "labsniff never listened: %s", buf);
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(p->err_fd, buf + len, sizeof buf - 1 - len);
		ck_assert_msg(n > 0, "labsniff ended: %s", buf);
		len += (size_t)n;
		buf[len] = '\0';
	}
}

static void
lsl_send(int port, int count)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	int s = socket(AF_INET, SOCK_DGRAM, 0), i;
	char msg[32];

	ck_assert_int_ge(s, 0);
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 1; i <= count; i++) {
		int n = snprintf(msg, sizeof msg, "ping %d", i);

		ck_assert_int_eq(sendto(s, msg, (size_t)n, 0,
		                     (struct sockaddr *)&to, sizeof to),
		    n);
	}
	close(s);
}

/* -c and -w: exactly COUNT packets, each once, saved for tcpdump. */
START_TEST(test_live_count_and_write)
{
	char port[16], filter[32], wfile[256];
	char *argv[] = {
	    (char *)kit_bin("labsniff"), "-c", "4", "-w", wfile, filter, NULL};
	char *tdargv[] = {"tcpdump", "-nn", "-r", wfile, NULL};
	struct proc p, t;
	int pt;

	if (geteuid() != 0) { /* a developer's run: the refusal instead */
		lsl_check_refused();
		kit_not_here("needs root: a live capture on lo needs "
		             "CAP_NET_RAW (the refusal was checked instead)");
		return;
	}
	pt = port_free(SOCK_DGRAM);
	snprintf(port, sizeof port, "%d", pt);
	snprintf(filter, sizeof filter, "udp port %d", pt);
	snprintf(
	    wfile, sizeof wfile, "%s/lsl-%d.pcap", kit_tmp(""), (int)getpid());
	ck_assert_int_eq(proc_start(&p, argv), 0);
	lsl_wait_listening(&p);
	lsl_send(pt, 6);
	ck_assert_int_eq(proc_wait(&p, 5000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(lsl_count(p.out, " UDP len 6 "), 4);
	lsl_want(&p, "-- datagram #4");
	lsl_want(&p, "(on lo the kernel counts each packet twice");
	ck_assert_int_eq(proc_run(&t, tdargv, 5000), 0);
	ck_assert_msg(PROC_EXIT(&t) == 0, "tcpdump -r: %s", t.err);
	ck_assert_int_eq(lsl_count(t.out, "UDP, length 6"), 4);
	proc_free(&p);
	proc_free(&t);
	unlink(wfile);
}
END_TEST

/* Ctrl-C right after the last packet: the ring is drained, nothing lost
 * (the output is a pipe, so this is libpcap's batched mode). */
START_TEST(test_live_sigint_drains)
{
	char filter[32];
	char *argv[] = {(char *)kit_bin("labsniff"), filter, NULL};
	struct proc p;
	int pt;

	if (geteuid() != 0) { /* a developer's run: the refusal instead */
		lsl_check_refused();
		kit_not_here("needs root: a live capture on lo needs "
		             "CAP_NET_RAW (the refusal was checked instead)");
		return;
	}
	pt = port_free(SOCK_DGRAM);
	snprintf(filter, sizeof filter, "udp port %d", pt);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	lsl_wait_listening(&p);
	lsl_send(pt, 50);
	proc_signal(&p, SIGINT);
	ck_assert_int_eq(proc_wait(&p, 5000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(lsl_count(p.out, " UDP len "), 50);
	lsl_want(&p, "50 requests, 0 replies, 50 unanswered");
	lsl_want(&p, "kernel: ");
	proc_free(&p);
}
END_TEST

/* Ctrl-C while a command still runs: it is ended, the summary printed. */
START_TEST(test_exec_interrupted)
{
	char *args[] = {"--exec", LSL_UDP "udp_server 12000", NULL};
	char *argv[16];
	struct proc p;

	lsl_argv(argv, 1, args);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	lsl_wait_listening(&p);
	proc_signal(&p, SIGINT);
	ck_assert_int_eq(proc_wait(&p, 5000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	lsl_want(&p, "0 conversations");
	lsl_want(&p, "still running when the capture was interrupted, ended "
	             "by labsniff");
	proc_free(&p);
}
END_TEST

/* Processes whose command line holds "socklab-reader-gone-<pid>" (the
 * pattern is bracketed so that the search's own command line, which
 * holds the pattern, does not match it). */
static int
lsl_count_marked(void)
{
	char cmd[256];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof cmd,
	    "grep -l -a -- 'socklab-reader-gon[e]-%d' "
	    "/proc/[0-9]*/cmdline 2>/dev/null | grep -v /self/ | wc -l",
	    (int)getpid());
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &n), 1);
	pclose(f);
	return n;
}

/* The reader goes away (labsniff ... | head): labsniff stops with one
 * line on stderr and still ends the commands it started. */
START_TEST(test_exec_reader_gone)
{
	char mark[64], server[128], client[192];
	char *args[] = {"--exec", server, "--exec", client, NULL};
	char *argv[16];
	struct proc p;
	long until;

	snprintf(mark, sizeof mark, "socklab-reader-gone-%d", (int)getpid());
	snprintf(server, sizeof server, LSL_UDP "udp_server 12000; : %s", mark);
	snprintf(client, sizeof client,
	    "while :; do " LSL_UDP "udp_client 127.0.0.1 12000 1; done; : %s",
	    mark);
	lsl_argv(argv, 0, args);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	ck_assert_msg(
	    proc_lines(&p, 2, LSL_RUN_MS) == 0, "no packets: %s", p.err);
	close(p.out_fd);
	p.out_fd = -1;
	ck_assert_int_eq(proc_wait(&p, LSL_RUN_MS), 0);
	ck_assert_msg(!p.timed_out, "labsniff went on after its reader left");
	ck_assert_msg(PROC_EXIT(&p) == 1, "exit %d: %s", PROC_EXIT(&p), p.err);
	ck_assert_msg(strstr(p.err, "writing the output: Broken pipe") != NULL,
	    "stderr: %s", p.err);
	until = harness_now_ms() + 3000;
	while (lsl_count_marked() > 0 && harness_now_ms() < until)
		nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
	ck_assert_msg(lsl_count_marked() == 0,
	    "labsniff's commands still run after it stopped");
	proc_free(&p);
}
END_TEST

/* --exec --json: packets, the commands' output (any bytes) and the
 * summary all as JSON a real parser reads. */
static const char lsl_json_py[] =
    "import json, sys\n"
    "objs = [json.loads(l) for l in sys.stdin.buffer.read().decode("
    "'utf-8').splitlines()]\n"
    "types = [o['type'] for o in objs]\n"
    "out = [o['text'].encode('latin-1') for o in objs if o['type'] == "
    "'output']\n"
    "assert b'odd \\x01\"\\\\\\xff' in out, out\n"
    "assert types.count('packet') == 2 and types[-1] == 'capture', types\n"
    "assert 'conversation' in types, types\n";

START_TEST(test_exec_json)
{
	char *args[] = {"--json", "--exec",
	    "printf 'odd \\001\"\\\\\\377\\n'; " LSL_UDP
	    "udp_client 127.0.0.1 12000 1",
	    NULL};
	char *argv[16], *py[] = {"python3", "-c", (char *)lsl_json_py, NULL};
	struct proc p, v;

	lsl_argv(argv, 1, args);
	ck_assert_int_eq(proc_run(&p, argv, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "exit %d: %s", PROC_EXIT(&p), p.err);
	ck_assert_int_eq(proc_start_in(&v, py, p.out), 0);
	ck_assert_int_eq(proc_wait(&v, LSL_RUN_MS), 0);
	ck_assert_msg(PROC_EXIT(&v) == 0, "not JSON: %s\n%s", v.err, p.out);
	proc_free(&p);
	proc_free(&v);
}
END_TEST

Suite *
labsniff_live_suite(void)
{
	Suite *s = suite_create("labsniff_live");
	TCase *tc;

	tc = tcase_create("exec");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_exec_udp_pair, 0, 4);
	tcase_add_loop_test(tc, test_exec_tcp_pair, 0, 3);
	tcase_add_test(tc, test_exec_port_unreachable);
	tcase_add_test(tc, test_exec_waits_for_bind);
	tcase_add_test(tc, test_exec_interrupted);
	tcase_add_test(tc, test_exec_reader_gone);
	tcase_add_test(tc, test_exec_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("live");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_live_refused_unprivileged);
	tcase_add_test(tc, test_live_count_and_write);
	tcase_add_test(tc, test_live_sigint_drains);
	suite_add_tcase(s, tc);
	return s;
}
