/*
 * The test harness itself (harness.c): output capture, deadlines, what a
 * started program inherits, free ports and readiness from /proc/net.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int
bind_on(int family, int type, int port, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, type, 0);

	ck_assert_int_ge(fd, 0);
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		setsockopt(
		    fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof *s4;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

START_TEST(test_capture)
{
	char *argv[] = {
	    "sh", "-c", "printf 'out\\n'; printf err >&2; exit 3", NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 5000), 0);
	ck_assert_int_eq(p.timed_out, 0);
	ck_assert_int_eq(PROC_EXIT(&p), 3);
	ck_assert_str_eq(p.out, "out\n");
	ck_assert_str_eq(p.err, "err");
	ck_assert_uint_eq(p.out_len, 4);
	proc_free(&p);
}
END_TEST

/* Large input on stdin and large output on stdout must not deadlock. */
START_TEST(test_stdin_large)
{
	size_t n = 300000;
	char *text = malloc(n + 1);
	char *argv[] = {"cat", NULL};
	struct proc p;

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
	text[n] = '\0';
	ck_assert_int_eq(proc_start_in(&p, argv, text), 0);
	ck_assert_int_eq(proc_wait(&p, 5000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_uint_eq(p.out_len, n);
	ck_assert(memcmp(p.out, text, n) == 0);
	proc_free(&p);
	free(text);
}
END_TEST

START_TEST(test_deadline)
{
	char *argv[] = {"sleep", "10", NULL};
	struct proc p;
	long t0 = harness_now_ms(), took;

	ck_assert_int_eq(proc_run(&p, argv, 200), 0);
	took = harness_now_ms() - t0;
	ck_assert_int_eq(p.timed_out, 1);
	ck_assert_int_eq(PROC_EXIT(&p), -1);
	ck_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	ck_assert_int_ge(took, 190);
	ck_assert_int_lt(took, 1000);
	proc_free(&p);
}
END_TEST

/* How long this process has waited, runnable, for a CPU (ms). */
static long
self_cpu_wait_ms(void)
{
	unsigned long long run = 0, wait = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");

	if (f != NULL) {
		if (fscanf(f, "%llu %llu", &run, &wait) != 2)
			wait = 0;
		fclose(f);
	}
	return (long)(wait / 1000000);
}

/* A grandchild holding the pipes open must not hold proc_wait. */
START_TEST(test_grandchild)
{
	char *argv[] = {"sh", "-c", "echo before; sleep 5 & exit 0", NULL};
	struct proc p;
	long t0 = harness_now_ms(), w0 = self_cpu_wait_ms();

	ck_assert_int_eq(proc_run(&p, argv, 4000), 0);
	ck_assert_int_lt(
	    harness_now_ms() - t0, 1000 + (self_cpu_wait_ms() - w0));
	ck_assert_int_eq(p.timed_out, 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_str_eq(p.out, "before\n");
	proc_free(&p);
}
END_TEST

/* The program gets default signal dispositions even when the test
 * ignores a signal, and none of the test's descriptors. */
START_TEST(test_inheritance)
{
	char script[128];
	char *argv[] = {"sh", "-c", script, NULL};
	struct proc p;
	struct stat st;
	char inode[64];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(inode, sizeof inode, "socket:[%lu]", (unsigned long)st.st_ino);
	signal(SIGTERM, SIG_IGN);
	snprintf(script, sizeof script,
	    "for f in /proc/$$/fd/*; do readlink $f; done; kill -TERM $$; "
	    "echo survived");
	ck_assert_int_eq(proc_run(&p, argv, 5000), 0);
	ck_assert_msg(strstr(p.out, inode) == NULL,
	    "the test's socket leaked into the program: %s", p.out);
	ck_assert_msg(strstr(p.out, "survived") == NULL,
	    "SIGTERM ignored in the test stayed ignored in the program");
	ck_assert(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGTERM);
	proc_free(&p);
	close(fd);
}
END_TEST

/* A program may write well beyond the default 64 KiB pipe while the
 * test is busy elsewhere: it does not block (it touches a file after). */
START_TEST(test_unread_output)
{
	char dir[KIT_TMP_MAX], script[256], mark[KIT_TMP_MAX + 8];
	char *argv[] = {"sh", "-c", script, NULL};
	struct proc p;
	long deadline;

	snprintf(dir, sizeof dir, "%s", kit_tmp("check-harness-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mark, sizeof mark, "%s/mark", dir);
	snprintf(script, sizeof script,
	    "head -c 600000 /dev/zero && "
	    "touch %s && exec sleep 5",
	    mark);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	deadline = harness_now_ms() + 3000;
	while (access(mark, F_OK) != 0 && harness_now_ms() < deadline)
		poll(NULL, 0, 5);
	ck_assert_msg(access(mark, F_OK) == 0, "the program blocked on its "
	                                       "unread output");
	proc_free(&p);
	unlink(mark);
	rmdir(dir);
}
END_TEST

START_TEST(test_missing_program)
{
	char *argv[] = {"/nonexistent/program", NULL};
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 2000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 127);
	ck_assert_ptr_nonnull(strstr(p.err, "/nonexistent/program"));
	proc_free(&p);
}
END_TEST

static const int port_types[] = {SOCK_DGRAM, SOCK_STREAM};

/* A free port is free on IPv4 and on IPv6 alike. */
START_TEST(test_port_free)
{
	int type = port_types[_i];
	int port = port_free(type);
	int a, b;

	ck_assert_int_gt(port, 0);
	ck_assert_int_le(port, 65535);
	a = bind_on(AF_INET, type, port, 0);
	ck_assert_int_ge(a, 0);
	b = bind_on(AF_INET6, type, port, 1);
	ck_assert_int_ge(b, 0);
	close(a);
	close(b);
}
END_TEST

/* port_wait: IPv4 and IPv6 sockets are seen; for TCP only a listener
 * counts; a port nobody holds times out after about the given time
 * (500 ms more at most, and however long this process waited for a
 * CPU meanwhile: measured, on a busy machine). */
START_TEST(test_port_wait)
{
	int type = port_types[_i];
	int port = port_free(type);
	int fd6, fd4, port4;
	long t0, w0;

	t0 = harness_now_ms();
	w0 = self_cpu_wait_ms();
	ck_assert_int_eq(port_wait(type, port, 100), -1);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	ck_assert_int_lt(
	    harness_now_ms() - t0, 600 + (self_cpu_wait_ms() - w0));

	fd6 = bind_on(AF_INET6, type, port, 1);
	ck_assert_int_ge(fd6, 0);
	if (type == SOCK_STREAM) {
		ck_assert_int_eq(port_wait(type, port, 50), -1);
		ck_assert_int_eq(listen(fd6, 1), 0);
	}
	ck_assert_int_eq(port_wait(type, port, 1000), 0);
	close(fd6);

	port4 = port_free(type);
	fd4 = bind_on(AF_INET, type, port4, 0);
	ck_assert_int_ge(fd4, 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(fd4, 1), 0);
	ck_assert_int_eq(port_wait(type, port4, 1000), 0);
	close(fd4);
}
END_TEST

/* proc_ready gives up as soon as the program exits. */
START_TEST(test_proc_ready_exit)
{
	char *argv[] = {"true", NULL};
	struct proc p;
	long t0 = harness_now_ms(), w0 = self_cpu_wait_ms();

	ck_assert_int_eq(proc_start(&p, argv), 0);
	ck_assert_int_eq(
	    proc_ready(&p, SOCK_DGRAM, port_free(SOCK_DGRAM), 3000), -1);
	ck_assert_int_lt(
	    harness_now_ms() - t0, 1000 + (self_cpu_wait_ms() - w0));
	ck_assert_int_eq(proc_running(&p), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	proc_free(&p);
}
END_TEST

START_TEST(test_kit_bin)
{
	unsetenv("KIT_BUILD");
	ck_assert_str_eq(kit_bin("labsniff"), "build/labsniff");
	setenv("KIT_BUILD", "build/san", 1);
	ck_assert_str_eq(kit_bin("labsniff"), "build/san/labsniff");
}
END_TEST

/*
 * The kit's runner (runner.c, here over its demo suite) ends its output
 * with Check's summary line, whatever fails: a test (Check lists it
 * after its summary) or the leftover check (after Check's output); its
 * status says so.  Its private folders sit in ours, gone when it ends.
 */
static const struct {
	const char *tcase; /* CK_RUN_CASE; NULL: every case */
	int status;
	const char *last; /* the output's last line */
	const char *err;  /* in the output too, or NULL */
} runner_cases[] = {
    {.tcase = "passes",
        .status = 0,
        .last = "100%: Checks: 1, Failures: 0, Errors: 0"},
    {.tcase = "fails",
        .status = 1,
        .last = "0%: Checks: 1, Failures: 1, Errors: 0",
        .err = "the demo's failing check"},
    {.tcase = "long",
        .status = 1,
        .last = "0%: Checks: 1, Failures: 1, Errors: 0",
        .err = "end of the long message"},
    {.tcase = "leaves",
        .status = 1,
        .last = "100%: Checks: 1, Failures: 0, Errors: 0",
        .err = "left 1 files or folders behind"},
    {.tcase = NULL,
        .status = 1,
        .last = "50%: Checks: 4, Failures: 2, Errors: 0",
        .err = "runner-demo-leftover"},
};

START_TEST(test_runner_ends_with_summary)
{
	char demo[PATH_MAX], cmd[PATH_MAX + 256], *last;
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;
	struct stat st;
	size_t n;

	snprintf(demo, sizeof demo, "%s", kit_bin("check_runner_demo"));
	ck_assert_msg(stat(demo, &st) == 0, "%s is not built", demo);
	/* Our own CK_ settings are not the demo's; stderr joins stdout, in
	 * the order it is written, as in a CI log. */
	snprintf(cmd, sizeof cmd,
	    "env -u CK_RUN_SUITE -u CK_RUN_CASE -u CK_VERBOSITY "
	    "-u CK_INCLUDE_TAGS -u CK_EXCLUDE_TAGS -u CK_LOG_FILE_NAME "
	    "-u CK_XML_LOG_FILE_NAME -u CK_TAP_LOG_FILE_NAME %s%s %s 2>&1",
	    runner_cases[_i].tcase != NULL ? "CK_RUN_CASE=" : "",
	    runner_cases[_i].tcase != NULL ? runner_cases[_i].tcase : "", demo);
	ck_assert_int_eq(proc_run(&p, argv, 20000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), runner_cases[_i].status);
	n = p.out_len;
	while (n > 0 && p.out[n - 1] == '\n')
		p.out[--n] = '\0';
	last = strrchr(p.out, '\n');
	last = last != NULL ? last + 1 : p.out;
	ck_assert_msg(strcmp(last, runner_cases[_i].last) == 0,
	    "the last line is '%s', not the summary:\n%s", last, p.out);
	if (runner_cases[_i].err != NULL)
		ck_assert_msg(
		    strstr(p.out, runner_cases[_i].err) != NULL, "%s", p.out);
	proc_free(&p);
	/* The demo runner's private folders were in ours: gone. */
	ck_assert_msg(
	    system("ls -d \"$TMPDIR\"/check_kit-* \"$KIT_VARTMP\"/check_kit-* "
	           ">/dev/null 2>&1") != 0,
	    "the demo runner left its private folders");
}
END_TEST

/* A path with spaces, parentheses, a quote, $, a backquote and é comes
 * back from "sh -c" whole, as one word. */
START_TEST(test_kit_shq)
{
	const char *odd = "/home/k/my kit (copy) \xc3\xa9/it's $HOME `x` \\";
	char cmd[PATH_MAX];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;

	ck_assert_str_eq(kit_shq("a b"), "'a b'");
	snprintf(cmd, sizeof cmd, "printf '%%s|' %s", kit_shq(odd));
	ck_assert_int_eq(proc_run(&p, argv, 10000), 0);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	ck_assert_str_eq(
	    p.out, "/home/k/my kit (copy) \xc3\xa9/it's $HOME `x` \\|");
	proc_free(&p);
}
END_TEST

/* Only in a nested run of check_kit (HARNESS_NESTED set). */
START_TEST(nested_not_here)
{
	kit_not_here("a reason of the nested run");
}
END_TEST

START_TEST(nested_passes)
{
}
END_TEST

/* A check that cannot run here says so by name, and the runner lists it
 * with a count just before Check's summary, which stays the last line
 * (make test's contract); nothing of the list is left behind. */
START_TEST(test_not_here_listed)
{
	char *argv[] = {(char *)kit_bin("check_kit"), NULL};
	const char *last;
	struct proc p;

	setenv("HARNESS_NESTED", "1", 1);
	setenv("CK_RUN_SUITE", "harness", 1);
	setenv("CK_RUN_CASE", "nested", 1);
	unsetenv("CK_VERBOSITY");
	unsetenv("CK_LOG_FILE_NAME"); /* the outer run's logs are not ours */
	unsetenv("CK_XML_LOG_FILE_NAME");
	unsetenv("CK_TAP_LOG_FILE_NAME");
	ck_assert_int_eq(proc_run(&p, argv, 20000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "nested run: %s%s", p.out, p.err);
	ck_assert_msg(strstr(p.err, "not here: nested_not_here: a reason of "
	                            "the nested run\n") != NULL,
	    "stderr: %s", p.err);
	ck_assert_msg(
	    strstr(p.out, "  not here: nested_not_here: a reason of "
	                  "the nested run\ncheck_kit: 1 not here\n") != NULL,
	    "stdout: %s", p.out);
	ck_assert_int_gt(p.out_len, 1);
	for (last = p.out + p.out_len - 1; last > p.out && last[-1] != '\n';)
		last--;
	ck_assert_msg(strncmp(last, "100%: Checks: 2, Failures: 0", 28) == 0,
	    "last line: %s", last);
	proc_free(&p);
}
END_TEST

/*
 * make test-loaded's script (grader/testkit/test-loaded.sh) with a fake
 * make that says how many CPU hogs run beside it (the script's timeout
 * children) and keeps their pids: each run sees 2 x nproc hogs, none
 * outlives the script, a failing run's status is the script's, and a run
 * that would start after the hogs ended (LOADED_SECONDS) is refused.
 */
static const struct {
	const char *env;  /* LOADED_* settings */
	const char *fail; /* the fake make's exit status, by run */
	int status;
	const char *out; /* in the output */
} loaded_cases[] = {
    {"LOADED_RUNS=2", "0 0", 0, "2 of 2 runs passed under load"},
    {"LOADED_RUNS=3", "0 5 0", 5, "run 2 of 3 FAILED under load"},
    {"LOADED_RUNS=2 LOADED_SECONDS=1", "0 0", 3,
        "a CPU hog ended before run 2"},
};

START_TEST(test_loaded_script)
{
	char dir[PATH_MAX], cmd[4 * PATH_MAX], want[64];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(dir, sizeof dir, "%s", kit_tmp("loaded-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* The fake make: run K's status is word K of FAIL; with
	 * LOADED_SECONDS=1 the first run outlasts the hogs. */
	snprintf(cmd, sizeof cmd,
	    "D=%s; cat >$D/make <<'EOF'\n"
	    "#!/bin/sh\n"
	    "k=$(($(cat $D/k 2>/dev/null || echo 0) + 1)); echo $k >$D/k\n"
	    "pgrep -P $PPID -x timeout >>$D/hogs\n"
	    "echo \"fake make: hogs $(pgrep -c -P $PPID -x timeout)\"\n"
	    "case \"$LOADED_SECONDS\" in 1) sleep 2;; esac\n"
	    "exit $(echo $FAIL | cut -d' ' -f$k)\n"
	    "EOF\n"
	    "chmod +x $D/make; export D; "
	    "env %s FAIL='%s' MAKE=$D/make sh grader/testkit/test-loaded.sh "
	    "2>&1; echo \"status $?\"; sleep 0.2; "
	    "for h in $(cat $D/hogs); do kill -0 $h 2>/dev/null && "
	    "echo \"hog $h left\"; done; rm -rf $D",
	    dir, loaded_cases[_i].env, loaded_cases[_i].fail);
	ck_assert_int_eq(proc_run(&p, argv, 30000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s%s", p.out, p.err);
	snprintf(want, sizeof want, "fake make: hogs %ld\n", 2 * n);
	ck_assert_msg(
	    strstr(p.out, want) != NULL, "no '%s' in:\n%s", want, p.out);
	snprintf(want, sizeof want, "status %d\n", loaded_cases[_i].status);
	ck_assert_msg(
	    strstr(p.out, want) != NULL, "no '%s' in:\n%s", want, p.out);
	ck_assert_msg(strstr(p.out, loaded_cases[_i].out) != NULL,
	    "no '%s' in:\n%s", loaded_cases[_i].out, p.out);
	ck_assert_msg(strstr(p.out, " left") == NULL, "%s", p.out);
	proc_free(&p);
}
END_TEST

Suite *
harness_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *tc, *ports;

	if (getenv("HARNESS_NESTED") != NULL) {
		tc = tcase_create("nested");
		tcase_add_test(tc, nested_not_here);
		tcase_add_test(tc, nested_passes);
		suite_add_tcase(s, tc);
		return s;
	}
	tc = tcase_create("core");
	ports = tcase_create("ports");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_capture);
	tcase_add_test(tc, test_stdin_large);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_grandchild);
	tcase_add_test(tc, test_inheritance);
	tcase_add_test(tc, test_missing_program);
	tcase_add_test(tc, test_unread_output);
	tcase_add_test(tc, test_kit_bin);
	tcase_add_loop_test(tc, test_runner_ends_with_summary, 0,
	    (int)(sizeof runner_cases / sizeof runner_cases[0]));
	tcase_add_loop_test(tc, test_loaded_script, 0,
	    (int)(sizeof loaded_cases / sizeof loaded_cases[0]));
	tcase_add_test(tc, test_kit_shq);
	tcase_add_test(tc, test_not_here_listed);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ports, 10);
	tcase_add_loop_test(ports, test_port_free, 0, 2);
	tcase_add_loop_test(ports, test_port_wait, 0, 2);
	tcase_add_test(ports, test_proc_ready_exit);
	suite_add_tcase(s, ports);
	return s;
}
