/*
 * The kit's programs under valgrind's memcheck: the sniffer on every
 * kind of packet (malformed and truncated included), the reference
 * programs in a real exchange, labpeer and labgrade.  Any invalid read
 * or write, use of an uninitialised value or definite leak fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define VG_ERROR 99 /* valgrind's exit status when it found errors */
#define VG_MAX_ARGS 16

/* As tcpdump for the cross-checks: used where installed (CI installs
 * it); elsewhere these tests say so once and check nothing. */
static int
have_valgrind(void)
{
	if (system("valgrind --version >/dev/null 2>&1") == 0)
		return 1;
	fprintf(stderr, "check_valgrind: valgrind is not installed: "
	                "memcheck tests skipped (apt-get install valgrind)\n");
	return 0;
}

/* argv prefixed with valgrind and its options, in a static array. */
static char **
vg_argv(char *const argv[])
{
	static char *v[VG_MAX_ARGS + 8];
	int n = 0, i;

	v[n++] = "valgrind";
	v[n++] = "--quiet";
	v[n++] = "--error-exitcode=99";
	v[n++] = "--leak-check=full";
	v[n++] = "--errors-for-leak-kinds=definite";
	v[n++] = "--track-origins=yes";
	for (i = 0; argv[i] != NULL && i < VG_MAX_ARGS; i++)
		v[n++] = argv[i];
	v[n] = NULL;
	return v;
}

static void
vg_assert_clean(struct proc *p, const char *what, int want_status)
{
	ck_assert_msg(!p->timed_out, "%s: timed out under valgrind", what);
	ck_assert_msg(PROC_EXIT(p) != VG_ERROR,
	    "%s: valgrind found errors:\n%s", what, p->err);
	ck_assert_msg(PROC_EXIT(p) == want_status,
	    "%s: exit status %d, expected %d; stderr:\n%s", what, PROC_EXIT(p),
	    want_status, p->err);
}

/* labsniff over the generated scenarios, in each output mode (the
 * route drawn, a DNS message reassembled, pipelined HTTP included). */
static const char *const sniff_files[] = {
    "tcp4-session",
    "tcp6-session",
    "tcp-retrans",
    "udp-ping",
    "icmp-unreach",
    "icmp6-unreach",
    "ip6-ext",
    "malformed",
    "truncated",
    "link-other",
    "link-null",
    "link-sll2",
    "tcp-concurrent",
    "traceroute",
    "dns-tcp",
    "http-pipelined",
};
static const char *const sniff_modes[] = {
    "", "-X", "--json", "--ladder", "--timeline"};
#define N_SNIFF_FILES (sizeof sniff_files / sizeof sniff_files[0])
#define N_SNIFF_MODES (sizeof sniff_modes / sizeof sniff_modes[0])

START_TEST(test_labsniff)
{
	const char *file = sniff_files[_i / N_SNIFF_MODES];
	const char *mode = sniff_modes[_i % N_SNIFF_MODES];
	char path[256], what[300];
	char *argv[6];
	struct proc p;
	int n = 0;

	if (!have_valgrind())
		return;
	snprintf(path, sizeof path, "%s/tests/pcap/%s.pcap",
	    getenv("KIT_BUILD") ? getenv("KIT_BUILD") : "build", file);
	argv[n++] = (char *)kit_bin("labsniff");
	if (mode[0] != '\0')
		argv[n++] = (char *)mode;
	argv[n++] = "-r";
	argv[n++] = path;
	argv[n] = NULL;
	snprintf(what, sizeof what, "labsniff %s -r %s", mode, path);
	ck_assert_int_eq(proc_run(&p, vg_argv(argv), 60000), 0);
	vg_assert_clean(&p, what, 0);
	ck_assert_msg(p.out_len > 0, "%s printed nothing", what);
	proc_free(&p);
}
END_TEST

/* A server under valgrind, started on a free port; 0 once it is up. */
static void
vg_server(struct proc *srv, const char *prog, int type, char *port)
{
	char *argv[] = {(char *)prog, port, NULL};
	int n = port_free(type);

	snprintf(port, 8, "%d", n);
	ck_assert_int_eq(proc_start(srv, vg_argv(argv)), 0);
	ck_assert_msg(proc_ready(srv, type, n, 30000) == 0,
	    "%s never bound port %d under valgrind: %s", prog, n, srv->err);
}

static void
vg_stop_server(struct proc *srv, const char *what)
{
	proc_signal(srv, SIGTERM);
	ck_assert_int_eq(proc_wait(srv, 30000), 0);
	vg_assert_clean(srv, what, 0);
	proc_free(srv);
}

/* A reference pair, both under valgrind; then labpeer's check of the
 * reference server, also under valgrind. */
static const struct {
	const char *server, *client, *peer_mode;
	int type;
} pairs[] = {
    {"solutions/lab1-udp/udp_server", "solutions/lab1-udp/udp_client",
        "udp-client", SOCK_DGRAM},
    {"solutions/lab2-tcp/tcp_server", "solutions/lab2-tcp/tcp_client",
        "tcp-client", SOCK_STREAM},
};

START_TEST(test_pair)
{
	char port[8];
	char *client[] = {
	    (char *)pairs[_i].client, "127.0.0.1", port, "2", NULL};
	char *peer[] = {(char *)kit_bin("labpeer"), (char *)pairs[_i].peer_mode,
	    "::1", port, "--count", "3", NULL};
	struct proc srv, cli;

	if (!have_valgrind())
		return;
	vg_server(&srv, pairs[_i].server, pairs[_i].type, port);
	ck_assert_int_eq(proc_run(&cli, vg_argv(client), 60000), 0);
	vg_assert_clean(&cli, pairs[_i].client, 0);
	ck_assert_ptr_nonnull(strstr(cli.out, "2 sent, 2 received, 0% loss"));
	proc_free(&cli);
	ck_assert_int_eq(proc_run(&cli, vg_argv(peer), 60000), 0);
	vg_assert_clean(&cli, "labpeer", 0);
	proc_free(&cli);
	vg_stop_server(&srv, pairs[_i].server);
}
END_TEST

/* labpeer's faulty servers against the reference clients. */
START_TEST(test_labpeer_server)
{
	char port[8];
	char *client[] = {
	    "solutions/lab1-udp/udp_client", "localhost", port, "3", NULL};
	struct proc srv, cli;
	int n;

	if (!have_valgrind())
		return;
	n = port_free(SOCK_DGRAM);
	snprintf(port, sizeof port, "%d", n);
	{
		char *argv[] = {(char *)kit_bin("labpeer"), "udp-server", port,
		    "--drop", "2", "--dup", "3", "--stray", "1", NULL};

		ck_assert_int_eq(proc_start(&srv, vg_argv(argv)), 0);
	}
	ck_assert_int_eq(proc_ready(&srv, SOCK_DGRAM, n, 30000), 0);
	ck_assert_int_eq(proc_run(&cli, client, 10000), 0);
	ck_assert_ptr_nonnull(strstr(cli.out, "seq=2 timeout"));
	proc_free(&cli);
	vg_stop_server(&srv, "labpeer udp-server");
}
END_TEST

/* labgrade's argument handling and listing (the grading itself forks
 * cells and Check runners: its memory is covered by the SAN=1 build). */
static const char *const grade_args[][3] = {
    {"--list", "lab1-udp", NULL},
    {"--list", "lab2-tcp", NULL},
    {"--format", "nonsense", "lab1-udp"},
};
static const int grade_status[] = {0, 0, 2};

START_TEST(test_labgrade)
{
	char *argv[5] = {(char *)kit_bin("labgrade")};
	struct proc p;
	int n = 1;

	if (!have_valgrind())
		return;
	for (int i = 0; i < 3 && grade_args[_i][i] != NULL; i++)
		argv[n++] = (char *)grade_args[_i][i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_run(&p, vg_argv(argv), 60000), 0);
	vg_assert_clean(&p, "labgrade", grade_status[_i]);
	proc_free(&p);
}
END_TEST

Suite *
valgrind_suite(void)
{
	Suite *s = suite_create("valgrind");
	TCase *tc;

	tc = tcase_create("labsniff");
	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(
	    tc, test_labsniff, 0, (int)(N_SNIFF_FILES * N_SNIFF_MODES));
	suite_add_tcase(s, tc);

	tc = tcase_create("programs");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pair, 0, 2);
	tcase_add_test(tc, test_labpeer_server);
	tcase_add_loop_test(tc, test_labgrade, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
