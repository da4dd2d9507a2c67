/*
 * labgrade where no namespace is allowed (Docker, Gradescope, Autolab):
 * --no-cell forces that path, which CI (root, namespaces allowed) would
 * never meet otherwise.  The references lose nothing there but the
 * checks that need a private network (reported "not run", with the
 * reason); a broken program is still caught; as an ordinary user the
 * capture is refused and the wire checks are "not run", never passed.
 * Likewise on a host without IPv6 (labtest-noipv6): the IPv6 tests are
 * left out of the maximum, and the reference loses no point.
 */
#define _GNU_SOURCE /* mkdtemp, realpath with -std=c11 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/*
 * Reads labgrade's JSON on stdin; argv: min passed, min not run, the
 * test that must have failed (or "-").  Exits 1 with the reason on a
 * mismatch: a failed or erroring test other than that one, a not-run
 * test without a reason, or a missing fallback note.
 */
static const char py_check[] =
    "import json, sys\n"
    "d = json.load(sys.stdin)\n"
    "want_pass, want_skip, must_fail = int(sys.argv[1]), "
    "int(sys.argv[2]), sys.argv[3]\n"
    "import os\n"
    "geteuid = os.geteuid()\n"
    "bad = [t['name'] + ': ' + t['status'] + ': ' + str(t['reason'])\n"
    "       for t in d['tests'] if t['status'] not in ('passed', 'not run')\n"
    "       and t['name'] != must_fail]\n"
    "assert not bad, 'should not fail in fallback: ' + '; '.join(bad)\n"
    "st = {t['name']: t for t in d['tests']}\n"
    "if must_fail != '-':\n"
    "    assert st[must_fail]['status'] == 'failed', st[must_fail]\n"
    "skipped = [t for t in d['tests'] if t['status'] == 'not run']\n"
    "for t in skipped:\n"
    "    assert t['reason'], t['name'] + ' not run without a reason'\n"
    "passed = [t for t in d['tests'] if t['status'] == 'passed']\n"
    "assert len(passed) >= want_pass, '%d passed' % len(passed)\n"
    "assert len(skipped) >= want_skip, '%d not run' % len(skipped)\n"
    "assert 'fallback' in d['cell_note'] or 'namespace' in d['cell_note'], "
    "d['cell_note']\n"
    /* what cannot run here is left out of the maximum, and says so */
    "nh = [t for t in d['tests'] if t.get('not_here')]\n"
    "assert d['tests_not_here'] == len(nh) and all(not t['counted'] and "
    "t['status'] == 'not run' for t in nh), nh\n"
    "assert abs(d['max_score'] - sum(t['max_points'] for t in d['tests'] "
    "if t['counted'])) < 1e-9, d['max_score']\n"
    "assert must_fail != '-' or geteuid != 0 or nh, 'no test left out'\n"
    "print('OK', len(passed), 'passed', len(skipped), 'not run')\n";

static void
check_json(
    const char *json, const char *pass, const char *skip, const char *must_fail)
{
	char *argv[] = {"python3", "-c", (char *)py_check, (char *)pass,
	    (char *)skip, (char *)must_fail, NULL};
	struct proc p;

	ck_assert_int_eq(proc_start_in(&p, argv, json), 0);
	proc_wait(&p, 30000);
	ck_assert_msg(PROC_EXIT(&p) == 0 && strstr(p.out, "OK") != NULL,
	    "%s%s\njson: %.2000s", p.out, p.err, json);
	proc_free(&p);
}

/* The references graded without a cell, by the current user (root in
 * CI: the capture on the host's lo with a port filter works; an ordinary
 * user has no capture: the wire checks are not run, 8 of lab 1 and 13
 * of lab 2, measured). */
static const struct {
	const char *lab, *dir, *min_pass, *min_pass_user;
} refs[] = {
    {"lab1-udp", "solutions/lab1-udp", "20", "18"},
    {"lab2-tcp", "solutions/lab2-tcp", "25", "21"},
};

START_TEST(test_references)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "--no-cell", "--no-cell",
	    "--format", "json", (char *)refs[_i].lab, (char *)refs[_i].dir,
	    NULL};
	struct proc p;

	/* Not root: no uid to drop to, refused unless asked for. */
	if (geteuid() != 0)
		argv[2] = "--unsafe-no-sandbox";
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade: %s", p.err);
	check_json(p.out,
	    geteuid() == 0 ? refs[_i].min_pass : refs[_i].min_pass_user,
	    geteuid() == 0 ? "1" : "5", "-");
	/* Every report says what the fallback does and does not isolate. */
	ck_assert_msg(
	    strstr(p.out, "sandbox: fallback (no namespaces): ") != NULL &&
	        strstr(p.out, "NOT isolated") != NULL,
	    "%.300s", p.out);
	proc_free(&p);
}
END_TEST

/* A client whose pings carry a NUL: still caught without a cell. */
START_TEST(test_broken_caught)
{
	char dir[KIT_TMP_MAX], cmd[1024];
	char *argv[] = {(char *)kit_bin("labgrade"), "--no-cell", "--format",
	    "json", "--only", "client_pings", "lab1-udp", dir, NULL};
	struct proc p;

	if (geteuid() != 0) {
		kit_not_here("needs root: without capture rights a fallback "
		             "grading does not run client_pings");
		return;
	}
	snprintf(dir, sizeof dir, "%s", kit_vartmp("check_fallback-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "cp solutions/lab1-udp/udp_server.c "
	    "%s/udp_client.c %s/",
	    kit_bin("broken/lab1-udp/client-nul-in-ping"), dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade: %s", p.err);
	check_json(p.out, "0", "0", "client_pings");
	proc_free(&p);
}
END_TEST

/* As nobody without a cell: no capture rights, so every wire check is
 * "not run" and nothing fails.  The kit is copied where nobody can
 * reach it (a clone under /root is out of its reach). */
START_TEST(test_as_nobody)
{
	char kit[KIT_TMP_MAX], cmd[2048], prog[PATH_MAX], sub[PATH_MAX];
	char *argv[] = {"setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", prog, "--no-cell", "--no-cell", "--format",
	    "json", "lab1-udp", sub, NULL};
	struct proc p;

	if (geteuid() != 0) {
		/* the references test above ran as such a user */
		kit_not_here("needs root to become nobody (setpriv); this "
		             "run is an ordinary user's already");
		return;
	}
	snprintf(
	    kit, sizeof kit, "%s", kit_vartmp("check_fallback-kit-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(kit));
	ck_assert_int_eq(kit_copy(kit), 0);
	snprintf(prog, sizeof prog, "%s/build/labgrade", kit);
	snprintf(sub, sizeof sub, "%s/solutions/lab1-udp", kit);
	/* No namespaces, no uid to drop to: refused, with the way out. */
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 1 &&
	                  strstr(p.err, "--unsafe-no-sandbox") != NULL &&
	                  p.out[0] == '\0',
	    "not refused: status %d, %s", PROC_EXIT(&p), p.err);
	proc_free(&p);
	argv[6] = "--unsafe-no-sandbox";
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", kit);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade as nobody: %s", p.err);
	check_json(p.out, "12", "5", "-");
	ck_assert_msg(
	    strstr(p.out, "run as YOUR uid") != NULL, "%.300s", p.out);
	proc_free(&p);
}
END_TEST

/*
 * Reads labgrade's JSON on stdin; argv: the tests that must be left out
 * (comma-separated).  On a host without IPv6 the reference passes every
 * other test and loses nothing: those tests are "not run here", out of
 * the maximum, and the score is the (smaller) maximum.
 */
static const char py_noipv6[] =
    "import json, sys\n"
    "d = json.load(sys.stdin)\n"
    "want = set(sys.argv[1].split(','))\n"
    "nh = {t['name'] for t in d['tests'] if t.get('not_here')}\n"
    "assert nh == want, 'left out: %s, want %s' % (sorted(nh), sorted(want))\n"
    "for t in d['tests']:\n"
    "    if t['name'] in want:\n"
    "        assert t['status'] == 'not run' and not t['counted'] and "
    "'IPv6' in t['reason'], t\n"
    "    else:\n"
    "        assert t['status'] == 'passed', t\n"
    "full = sum(t['max_points'] for t in d['tests'])\n"
    "out = sum(t['max_points'] for t in d['tests'] if t['name'] in want)\n"
    "assert out > 0 and abs(d['max_score'] - (full - out)) < 1e-9, d\n"
    "assert abs(d['score'] - d['max_score']) < 1e-9, d['score']\n"
    "assert d['tests_not_here'] == len(want), d['tests_not_here']\n"
    "print('OK', d['score'], '/', d['max_score'])\n";

static const struct {
	const char *lab, *dir, *not_here;
} noipv6[] = {
    {"lab1-udp", "solutions/lab1-udp",
        "server_ipv6,server_dual_stack,client_ipv6"},
    {"lab2-tcp", "solutions/lab2-tcp",
        "server_ipv6,server_dual_stack,client_ipv6,client_each_address"},
};

/* labgrade as on a host without IPv6 (labtest-noipv6: socket(AF_INET6)
 * fails for the grader and everything it starts). */
START_TEST(test_no_ipv6_not_penalised)
{
	char *argv[] = {(char *)kit_bin("labtest-noipv6"),
	    (char *)kit_bin("labgrade"), "--format", "json",
	    (char *)noipv6[_i].lab, (char *)noipv6[_i].dir, NULL};
	char *py[] = {"python3", "-c", (char *)py_noipv6,
	    (char *)noipv6[_i].not_here, NULL};
	struct proc p, q;

	if (geteuid() != 0) {
		kit_not_here("needs root: as an ordinary user the fallback "
		             "leaves out more tests than this one checks");
		return;
	}
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade: %s", p.err);
	ck_assert_int_eq(proc_start_in(&q, py, p.out), 0);
	proc_wait(&q, 30000);
	ck_assert_msg(PROC_EXIT(&q) == 0 && strstr(q.out, "OK") != NULL,
	    "%s%s\njson: %.2000s", q.out, q.err, p.out);
	proc_free(&q);
	proc_free(&p);
}
END_TEST

Suite *
fallback_suite(void)
{
	Suite *s = suite_create("fallback");
	TCase *tc = tcase_create("no_cell");

	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(
	    tc, test_references, 0, (int)(sizeof refs / sizeof refs[0]));
	tcase_add_test(tc, test_broken_caught);
	tcase_add_test(tc, test_as_nobody);
	tcase_add_loop_test(tc, test_no_ipv6_not_penalised, 0,
	    (int)(sizeof noipv6 / sizeof noipv6[0]));
	suite_add_tcase(s, tc);
	return s;
}
