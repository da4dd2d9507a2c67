/*
 * The engine, on a fake lab whose tests pass, fail, hang, crash, skip
 * themselves and depend on each other; the rubric parser; the build step
 * (the kit's Makefile, never the student's; symlinks refused); seeds;
 * and labgrade's command line (exit statuses, --list, CK_FORK=no).
 */
#define _GNU_SOURCE /* mkdtemp, setenv, symlink with -std=c11 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "lab.h"
#include "harness.h"
#include "param.h"
#include "record.h"
#include "rng.h"
#include "scenario.h"
#include "wire.h"

static int lg_base_nice; /* the suite's priority, before the engine */

static void
fk_pass(struct grade *g)
{
	grade_explain(g, "seed %llu", (unsigned long long)grade_seed(g));
}

static void
fk_fail(struct grade *g)
{
	grade_bytes(g, "reply", "PING 1", 6, "PIN\0 1", 6);
}

static void
fk_hang(struct grade *g)
{
	(void)g;
	for (;;)
		pause();
}

static void
fk_crash(struct grade *g)
{
	(void)g;
	raise(SIGSEGV);
}

static void
fk_skip(struct grade *g)
{
	grade_not_run(g, "cannot check this here");
}

static const char fk_err[] = "Segmentation\0 \"fault\" ]]> \xff\x1b[2J";

static void
fk_nasty(struct grade *g)
{
	struct run r = {.err = (char *)fk_err,
	    .err_len = sizeof fk_err - 1,
	    .out = "",
	    .outcome = RUN_SIGNALED,
	    .status = SIGSEGV};

	snprintf(r.cmdline, sizeof r.cmdline, "srv 12000");
	grade_student(g, "server", &r);
	grade_repro(g, "labpeer udp-client 127.0.0.1 %d", 12000);
	grade_fail(g, "no reply: \"%s\" ]]>", "\xc3(");
}

/* A check that starts, shows what it did, then cannot go on (as a test
 * that cannot connect to the student's server). */
static void
fk_gave_up(struct grade *g)
{
	struct run r = {.out = "listening\n",
	    .out_len = 10,
	    .err = "",
	    .outcome = RUN_STOPPED,
	    .status = SIGTERM};

	snprintf(r.cmdline, sizeof r.cmdline, "srv 12000");
	grade_explain(g, "a client sends 3000 lines and leaves");
	grade_student(g, "server", &r);
	grade_repro(g, "./srv 12000 & labpeer tcp-client 127.0.0.1 12000");
	grade_not_run(g, "grader: could not connect to the server");
}

/* The grader cannot start a program (here: it is not there): the
 * grader's failure (ERR), never the student's. */
static void
fk_nostart(struct grade *g)
{
	static const char *const args[] = {"127.0.0.1", "12000", NULL};
	struct run r;

	scen_client_bin(g, &r, "/nonexistent/socklab-cli", args, 1000);
	grade_fail(g, "started a program that is not there");
}

/* Student programs that the grader killed at their limits: the wall
 * clock (run.c killed it) and RLIMIT_CPU (the kernel did). */
static void
fk_killed(struct grade *g)
{
	struct run r = {.out = "reply 1\n",
	    .out_len = 8,
	    .err = "",
	    .outcome = RUN_TIMEOUT,
	    .status = SIGKILL,
	    .wstatus = SIGKILL, /* as wait() reports a SIGKILL */
	    .killed = RUN_TIMEOUT,
	    .lim.wall_ms = 2500};

	snprintf(r.cmdline, sizeof r.cmdline, "cli 127.0.0.1 12000 6");
	grade_student(g, "client", &r);
	r.status = SIGXCPU;
	r.wstatus = SIGXCPU;
	r.killed = 0;
	r.lim.cpu_s = 5;
	snprintf(r.cmdline, sizeof r.cmdline, "srv 12000");
	grade_student(g, "server", &r);
	grade_fail(g, "the client did not exit normally");
}

static void
fk_error(struct grade *g)
{
	grade_error(g, "labpeer would not start (%s)", "fake");
}

static void
fk_nice(struct grade *g)
{
	int p = getpriority(PRIO_PROCESS, 0);

	grade_check(g, p - lg_base_nice >= GRADE_NICE, "niceness %d", p);
}

static void
fk_timing(struct grade *g)
{
	int p = getpriority(PRIO_PROCESS, 0);

	grade_check(g, p == lg_base_nice, "timing test at niceness %d", p);
}

static void
fk_cell(struct grade *g)
{
	grade_check(g, grade_cell(g) != NULL && grade_cell(g)->mode == CELL_NS,
	    "no namespace cell");
}

enum {
	FK_PASS,
	FK_AFTER_PASS,
	FK_FAIL,
	FK_AFTER_FAIL,
	FK_HANG,
	FK_CRASH,
	FK_SKIP,
	FK_NASTY,
	FK_NS,
	FK_SERVER,
	FK_NICE,
	FK_TIMING,
	FK_ERROR,
	FK_GAVE_UP,
	FK_KILLED,
	FK_NOSTART,
	FK_N
};

static const struct grade_test fk_tests[FK_N] = {
    {.name = "pass", .summary = "passes", .budget_s = 5, .run = fk_pass},
    {.name = "after_pass",
        .summary = "after pass",
        .after = "pass",
        .budget_s = 5,
        .run = fk_pass},
    {.name = "fail", .summary = "fails", .budget_s = 5, .run = fk_fail},
    {.name = "after_fail",
        .summary = "after fail",
        .after = "fail",
        .budget_s = 5,
        .run = fk_pass},
    {.name = "hang", .summary = "hangs", .budget_s = 3, .run = fk_hang},
    {.name = "crash", .summary = "crashes", .budget_s = 5, .run = fk_crash},
    {.name = "skip", .summary = "skips", .budget_s = 5, .run = fk_skip},
    {.name = "nasty",
        .summary = "student crash",
        .budget_s = 5,
        .run = fk_nasty},
    {.name = "needs_ns",
        .summary = "namespaces",
        .needs = NEED_NS,
        .budget_s = 5,
        .run = fk_cell},
    {.name = "needs_server",
        .summary = "server",
        .needs = NEED_SERVER,
        .budget_s = 5,
        .run = fk_pass},
    {.name = "nice", .summary = "niced", .budget_s = 5, .run = fk_nice},
    {.name = "timing",
        .summary = "timing",
        .needs = NEED_TIMING,
        .budget_s = 5,
        .run = fk_timing},
    {.name = "grader_error",
        .summary = "grader error",
        .budget_s = 5,
        .run = fk_error},
    {.name = "gave_up",
        .summary = "after pass, gives up",
        .after = "pass",
        .budget_s = 5,
        .run = fk_gave_up},
    {.name = "killed",
        .summary = "student killed",
        .budget_s = 5,
        .run = fk_killed},
    {.name = "nostart",
        .summary = "cannot start",
        .budget_s = 5,
        .run = fk_nostart},
};

static const char *const fk_srv_src[] = {"srv.c", NULL};
static const char *const fk_cli_src[] = {"cli.c", NULL};
static const struct grade_program fk_programs[] = {
    {"srv", ROLE_SERVER, fk_srv_src}, {"cli", ROLE_CLIENT, fk_cli_src}};

/* A fake lab of these tests: the two programs above, no contract. */
#define FK_LAB(lab_name, lab_tests, lab_ntests)                                \
	{                                                                      \
		.name = lab_name, .title = "a fake lab",                       \
		.programs = fk_programs, .nprograms = 2, .peers = "",          \
		.tests = lab_tests, .ntests = lab_ntests                       \
	}

static const struct grade_lab fk_lab = FK_LAB("fake", fk_tests, FK_N);

/* A rubric for a lab: every test 2 points, "pass" 1. */
static void
fk_rubric(const struct grade_lab *lab, struct rubric *r)
{
	char path[KIT_TMP_MAX], err[256];
	size_t i;
	FILE *f;
	snprintf(
	    path, sizeof path, "%s", kit_tmp("check_labgrade-rubric-XXXXXX"));
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "# fake\n");
	for (i = 0; i < lab->ntests; i++)
		fprintf(f, "%s %d\n", lab->tests[i].name,
		    strcmp(lab->tests[i].name, "pass") == 0 ? 1 : 2);
	fclose(f);
	ck_assert_msg(
	    rubric_load(r, path, lab, err, sizeof err) == 0, "%s", err);
	unlink(path);
}

static int
fk_grade_sub(const struct grade_lab *lab, const struct grade_sub *sub,
    const char *only, struct report *rep, char *err, size_t errlen)
{
	struct engine_opts o = {.runners = 3, .only = only};
	struct grade_sub s = *sub;
	struct build_result b;
	struct rubric r;
	int rc;

	/* A fallback cell of an ordinary user is refused unless asked for
	 * (cell's test_refused_fallback checks that): these tests ask. */
	if (geteuid() != 0)
		s.unsafe = 1;
	memset(&b, 0, sizeof b);
	b.ok = 1;
	lg_base_nice = getpriority(PRIO_PROCESS, 0);
	fk_rubric(lab, &r);
	rc = engine_run(lab, &r, &s, &b, &o, rep, err, errlen);
	rubric_free(&r);
	return rc;
}

static int
fk_grade(const struct grade_lab *lab, int fallback, const char *only,
    struct report *rep, char *err, size_t errlen)
{
	struct grade_sub sub;

	memset(&sub, 0, sizeof sub);
	sub.lab = lab->name;
	sub.src = "fake-submission";
	sub.seed = 7;
	sub.force_fallback = fallback;
	return fk_grade_sub(lab, &sub, only, rep, err, errlen);
}

static const struct report_test *
fk_find(const struct report *rep, const char *name)
{
	size_t i;

	for (i = 0; i < rep->ntests; i++)
		if (strcmp(rep->tests[i].name, name) == 0)
			return &rep->tests[i];
	ck_abort_msg("no test %s in the report", name);
	return NULL;
}

static void
fk_expect(const struct report *rep, const char *name, enum grade_status s,
    const char *reason)
{
	const struct report_test *t = fk_find(rep, name);

	ck_assert_msg(t->status == s, "%s: %s, expected %s (%s)", name,
	    report_status_name(t->status), report_status_name(s),
	    t->reason != NULL ? t->reason : "");
	if (reason != NULL)
		ck_assert_msg(t->reason != NULL && strstr(t->reason, reason),
		    "%s: reason '%s', expected '%s'", name, t->reason, reason);
	ck_assert(t->points == (s == GS_PASSED ? t->max_points : 0));
}

START_TEST(engine_outcomes)
{
	const struct report_test *t;
	struct report rep;
	char err[256], want[64];
	size_t i;

	ck_assert_msg(
	    fk_grade(&fk_lab, 1, NULL, &rep, err, sizeof err) == 0, "%s", err);
	fk_expect(&rep, "pass", GS_PASSED, NULL);
	fk_expect(&rep, "after_pass", GS_PASSED, NULL);
	fk_expect(&rep, "fail", GS_FAILED,
	    "reply: byte 3 is 0x00, expected "
	    "0x47");
	fk_expect(&rep, "after_fail", GS_NOT_RUN,
	    "prerequisite fail did not "
	    "pass");
	fk_expect(&rep, "hang", GS_TIMEOUT, "within its 3 s budget");
	fk_expect(&rep, "crash", GS_ERROR, "signal 11");
	fk_expect(&rep, "skip", GS_NOT_RUN, "cannot check this here");
	fk_expect(&rep, "nasty", GS_CRASHED, "no reply");
	fk_expect(&rep, "needs_ns", GS_NOT_RUN, "namespaces");
	fk_expect(&rep, "needs_server", GS_NOT_RUN, "srv did not build");
	fk_expect(&rep, "nice", GS_PASSED, NULL);
	fk_expect(&rep, "timing", GS_PASSED, NULL);
	fk_expect(&rep, "grader_error", GS_ERROR, "labpeer would not start");
	fk_expect(&rep, "gave_up", GS_NOT_RUN, "could not connect");
	fk_expect(&rep, "killed", GS_TIMEOUT, "did not exit normally");
	fk_expect(&rep, "nostart", GS_ERROR, "grader: could not start");
	t = fk_find(&rep, "gave_up");
	ck_assert(t->started && t->nexplain == 1 && t->nstudent == 1);
	ck_assert(!fk_find(&rep, "after_fail")->started);
	t = fk_find(&rep, "killed");
	ck_assert_uint_eq(t->nstudent, 2);
	ck_assert_int_eq(t->student[0].signal, SIGKILL);
	ck_assert_int_eq(t->student[0].wall_ms, 2500);
	ck_assert_int_eq(t->student[0].cpu_limit, 0);
	ck_assert_str_eq(t->student[0].out_tail, "reply 1\n");
	ck_assert_int_eq(t->student[1].cpu_limit, 1);
	ck_assert_int_eq(t->student[1].cpu_s, 5);
	t = fk_find(&rep, "fail");
	ck_assert_uint_eq(t->nexplain, 3);
	ck_assert_ptr_nonnull(strstr(t->explain[1], "[47]"));
	ck_assert_ptr_nonnull(strstr(t->explain[2], "[00]"));
	t = fk_find(&rep, "nasty");
	ck_assert_uint_eq(t->nstudent, 1);
	ck_assert_int_eq(t->student[0].status, SIGSEGV);
	ck_assert_ptr_nonnull(
	    strstr(t->student[0].err_tail, "Segmentation\\0"));
	ck_assert_ptr_nonnull(strstr(t->repro, "labpeer udp-client"));
	ck_assert_ptr_nonnull(rep.cell_note);
	t = fk_find(&rep, "pass");
	snprintf(want, sizeof want, "seed %llu",
	    (unsigned long long)engine_test_seed(7, "pass"));
	ck_assert_str_eq(t->explain[0], want);
	ck_assert_uint_eq(rep.ran, 8);
	ck_assert_uint_eq(rep.passed, 4);
	ck_assert_uint_eq(rep.not_run, 5);
	ck_assert_uint_eq(rep.errors, 3); /* crash, grader_error, nostart */
	/* needs_ns (2 points) cannot run without namespaces: not the
	 * program's doing, so out of the maximum; skip's own not-run is in */
	ck_assert(fk_find(&rep, "needs_ns")->not_here);
	ck_assert(!fk_find(&rep, "skip")->not_here);
	ck_assert_uint_eq(rep.not_here, 1);
	ck_assert_msg(rep.score == 7 && rep.max_score == 29, "%g/%g", rep.score,
	    rep.max_score);
	ck_assert(!rep.ran_nothing);
	/* Each within Check's limit (twice its budget) and a second or
	 * two for its runner: the hang is cut, nothing waits for ever. */
	for (i = 0; i < rep.ntests; i++)
		ck_assert_msg(
		    rep.tests[i].seconds < 2 * fk_tests[i].budget_s + 2,
		    "%s took %.1f s", rep.tests[i].name, rep.tests[i].seconds);
	engine_cleanup(&rep);
	ck_assert_int_ne(access(rep.results, F_OK), 0);
	report_free(&rep);
}
END_TEST

/* --only runs the test and its prerequisites, nothing else. */
START_TEST(engine_only)
{
	struct report rep;
	char err[256];

	ck_assert_int_eq(
	    fk_grade(&fk_lab, 1, "after_pass", &rep, err, sizeof err), 0);
	fk_expect(&rep, "pass", GS_PASSED, NULL);
	fk_expect(&rep, "after_pass", GS_PASSED, NULL);
	fk_expect(&rep, "fail", GS_NOT_RUN,
	    "not selected (--only "
	    "after_pass)");
	ck_assert_uint_eq(rep.ran, 2);
	engine_cleanup(&rep);
	report_free(&rep);
	ck_assert_int_eq(
	    fk_grade(&fk_lab, 1, "nope", &rep, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no test named 'nope'"));
	report_free(&rep);
}
END_TEST

static const struct grade_test fk_none_tests[] = {
    {.name = "a",
        .summary = "needs the server",
        .needs = NEED_SERVER,
        .budget_s = 5,
        .run = fk_pass},
    {.name = "b",
        .summary = "needs the client",
        .needs = NEED_CLIENT,
        .budget_s = 5,
        .run = fk_pass},
    {.name = "c",
        .summary = "after a",
        .after = "a",
        .budget_s = 5,
        .run = fk_pass},
};
static const struct grade_lab fk_none = FK_LAB("none", fk_none_tests, 3);

/* A run that ran nothing can never look like full marks. */
START_TEST(engine_ran_nothing)
{
	struct report_opts o = {.argv0 = "labgrade"};
	struct report rep;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(fk_grade(&fk_none, 1, NULL, &rep, err, sizeof err), 0);
	ck_assert(rep.ran_nothing && rep.score == 0 && rep.max_score == 6);
	fk_expect(&rep, "b", GS_NOT_RUN, "cli did not build");
	fk_expect(&rep, "c", GS_NOT_RUN, "prerequisite a did not pass");
	f = open_memstream(&buf, &len);
	report_text_write(f, &rep, &o);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "total: 0/6 points: no test ran"));
	free(buf);
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

static const struct grade_test fk_cycle_tests[] = {
    {.name = "a",
        .summary = "after b",
        .after = "b",
        .budget_s = 5,
        .run = fk_pass},
    {.name = "b",
        .summary = "after a",
        .after = "a",
        .budget_s = 5,
        .run = fk_pass},
    {.name = "c", .summary = "free", .budget_s = 5, .run = fk_pass},
};
static const struct grade_lab fk_cycle = FK_LAB("cycle", fk_cycle_tests, 3);

START_TEST(engine_cycle)
{
	struct report rep;
	char err[256];

	ck_assert_int_eq(
	    fk_grade(&fk_cycle, 1, NULL, &rep, err, sizeof err), 0);
	fk_expect(&rep, "a", GS_ERROR, "prerequisite cycle");
	fk_expect(&rep, "b", GS_ERROR, "prerequisite cycle");
	fk_expect(&rep, "c", GS_PASSED, NULL);
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

/*
 * The printed RTT's lower bound (wire_rtt_agrees): ping 1 left at 10 s,
 * its reply came 150 ms later on the capture; labpeer held it 149.2 ms
 * (its log), or nothing is known of that.  Below the wire's but not
 * below labpeer's hold is the capture's clock, not the client (a
 * correct reference printed 149.571 against 150.009 under 4 CPU hogs);
 * below both, or below the wire's with no hold known, is the client's.
 */
static void
fk_rtt(struct grade *g, double printed, double held)
{
	struct wire_pings pk;

	memset(&pk, 0, sizeof pk);
	pk.n = 1;
	pk.p[1].sent = 10.0;
	pk.p[1].reply = 10.150;
	pk.p[1].held = held;
	grade_check(g, wire_rtt_agrees(g, 1, printed, &pk) == 0,
	    "%.3f ms is too long", printed);
}

static void
fk_rtt_held(struct grade *g)
{
	fk_rtt(g, 149.5, 149.2);
}

static void
fk_rtt_below_held(struct grade *g)
{
	fk_rtt(g, 149.1, 149.2);
}

static void
fk_rtt_no_hold(struct grade *g)
{
	fk_rtt(g, 149.5, 0);
}

static const struct grade_test fk_rtt_tests[] = {
    {.name = "held",
        .summary = "above the hold",
        .budget_s = 5,
        .run = fk_rtt_held},
    {.name = "below_held",
        .summary = "below the hold",
        .budget_s = 5,
        .run = fk_rtt_below_held},
    {.name = "no_hold",
        .summary = "no hold known",
        .budget_s = 5,
        .run = fk_rtt_no_hold},
};
static const struct grade_lab fk_rtt_lab = FK_LAB("rtt", fk_rtt_tests, 3);

START_TEST(engine_rtt_lower_bound)
{
	struct report rep;
	const struct report_test *t;
	char err[256];
	size_t i;
	int said = 0;

	ck_assert_int_eq(
	    fk_grade(&fk_rtt_lab, 1, NULL, &rep, err, sizeof err), 0);
	fk_expect(&rep, "held", GS_PASSED, NULL);
	fk_expect(&rep, "below_held", GS_FAILED,
	    "is shorter than the exchange on the wire (150.000 ms)");
	fk_expect(&rep, "no_hold", GS_FAILED,
	    "printed RTT (149.500 ms) is shorter than the exchange");
	t = fk_find(&rep, "held");
	for (i = 0; i < t->nexplain; i++)
		said |= strstr(t->explain[i], "no shorter than the 149.200 ms "
		                              "labpeer held the ping") != NULL;
	ck_assert_msg(said, "the passed test does not say why");
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

START_TEST(engine_refuses_nofork)
{
	struct report rep;
	char err[256];

	setenv("CK_FORK", "no", 1);
	ck_assert_int_eq(fk_grade(&fk_lab, 1, NULL, &rep, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "CK_FORK=no"));
	report_free(&rep);
}
END_TEST

static const struct grade_test fk_ns_tests[] = {
    {.name = "needs_ns",
        .summary = "namespaces",
        .needs = NEED_NS,
        .budget_s = 10,
        .run = fk_cell},
};
static const struct grade_lab fk_ns = FK_LAB("ns", fk_ns_tests, 1);

/* With namespaces allowed, a NEED_NS test runs in a namespace cell. */
START_TEST(engine_ns_cell)
{
	struct report rep;
	char err[256];

	ck_assert_int_eq(fk_grade(&fk_ns, 0, NULL, &rep, err, sizeof err), 0);
	if (rep.cell_note != NULL) /* this machine refuses namespaces */
		fk_expect(&rep, "needs_ns", GS_NOT_RUN, "namespaces");
	else
		fk_expect(&rep, "needs_ns", GS_PASSED, NULL);
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

/*
 * A machine too busy to judge: the test process and its watcher are
 * stopped for 300 ms, as a loaded machine leaves them unscheduled, then
 * the test fails.  "busy" fails that way twice; "busy_once" only on its
 * first run (a file in TMPDIR named after its runner says which run).
 * The stop is the test's process group's SIGTSTP from a child that
 * ignores it: in a namespaced cell the child is in the cell's PID
 * namespace and cannot name the test process, but its group it can.
 */
static void
fk_starve(struct grade *g)
{
	pid_t pid;

	(void)g;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct timespec d = {0, 300000000L};

		signal(SIGTSTP, SIG_IGN);
		kill(0, SIGTSTP);
		nanosleep(&d, NULL);
		kill(0, SIGCONT);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void
fk_busy(struct grade *g)
{
	fk_starve(g);
	grade_fail(g, "a timing check failed while the machine was busy");
}

/* Which run this is, from a file in the results folder (a namespaced
 * cell's /tmp is a tmpfs of its own: TMPDIR would not outlive it). */
static void
fk_busy_once(struct grade *g)
{
	int fd;

	if (faccessat(g->dir_fd, "busy-once", F_OK, 0) == 0) {
		unlinkat(g->dir_fd, "busy-once", 0);
		return; /* the second run: the machine is quiet, it passes */
	}
	fd = openat(g->dir_fd, "busy-once", O_WRONLY | O_CREAT, 0600);
	if (fd >= 0)
		close(fd);
	fk_busy(g);
}

/* Too busy (a late timer), then asleep past its budget: its watcher
 * ends it at the budget and the grader's measured CPU wait, so the
 * timeout is the submission's, as on an idle machine (a late timer
 * makes only a failure, or Check's own timeout, the machine's). */
static void
fk_busy_hang(struct grade *g)
{
	fk_starve(g);
	for (;;)
		pause();
}

static const struct grade_test fk_busy_tests[] = {
    {.name = "busy",
        .summary = "fails on a busy machine",
        .needs = NEED_TIMING,
        .budget_s = 5,
        .run = fk_busy},
    {.name = "busy_once",
        .summary = "fails once on a busy machine",
        .needs = NEED_TIMING,
        .budget_s = 5,
        .run = fk_busy_once},
    {.name = "busy_hang",
        .summary = "runs out of its budget on a busy machine",
        .needs = NEED_TIMING,
        .budget_s = 3,
        .run = fk_busy_hang},
    {.name = "busy_untimed",
        .summary = "fails on a busy machine, no timing test",
        .budget_s = 5,
        .run = fk_busy},
};
static const struct grade_lab fk_busy_lab = FK_LAB("busy", fk_busy_tests, 4);

/* A timing test's failure while a timer in the cell woke more than
 * GRADE_BUSY_MS late is the grader's (ERR), never the student's, and is
 * run once more (another test's, only past PEER_TIMEOUT_MS): in
 * a fallback cell (_i 0) and in a namespaced one (_i 1), where the test
 * process can start no thread and the watcher is a process of its own. */
START_TEST(engine_busy_is_not_a_fail)
{
	const struct report_test *t;
	struct report rep;
	char err[256];
	size_t i;
	int twice = 0;

	ck_assert_msg(
	    fk_grade(&fk_busy_lab, _i == 0, NULL, &rep, err, sizeof err) == 0,
	    "%s", err);
	if (_i == 1 && rep.cell_note != NULL) { /* namespaces refused */
		engine_cleanup(&rep);
		report_free(&rep);
		return;
	}
	fk_expect(&rep, "busy", GS_ERROR, "too busy to run the test fairly");
	t = fk_find(&rep, "busy");
	for (i = 0; i < t->nexplain; i++)
		twice |= strstr(t->explain[i], "run twice") != NULL;
	ck_assert_msg(twice, "busy: not run a second time");
	fk_expect(&rep, "busy_once", GS_PASSED, NULL);
	fk_expect(&rep, "busy_hang", GS_TIMEOUT, "within its 3 s budget");
	/* 300 ms late is no excuse for a test with no deadline that short:
	 * its failure is the submission's. */
	fk_expect(&rep, "busy_untimed", GS_FAILED, "machine was busy");
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

/*
 * engine_overrun(): whose a budget overrun is, from the grader's CPU
 * wait and the student's CPU use over the test (ms).
 */
static const struct {
	const char *what;
	double budget, wait, student;
	enum grade_status want;
} ovr_cases[] = {
    {"idle machine, the submission hangs", 5000, 5, 0, GS_TIMEOUT},
    {"idle machine, a slow but sleeping client", 10000, 40, 200, GS_TIMEOUT},
    {"grader starved by other work", 5000, 2500, 30, GS_ERROR},
    {"grader starved, exactly at the limit", 5000, 1000, 0, GS_ERROR},
    {"grader waited a little under the limit", 5000, 999, 0, GS_TIMEOUT},
    {"hostile burner on 2 cores", 5000, 2500, 9000, GS_TIMEOUT},
    {"burner using half a CPU", 5000, 4000, 2500, GS_TIMEOUT},
    {"its CPU explains the wait", 5000, 2500, 2000, GS_TIMEOUT},
    {"a small burner on a loaded machine", 5000, 3500, 500, GS_ERROR},
    {"student CPU unknown", 5000, 4000, -1, GS_TIMEOUT},
    {"grader wait unknown", 5000, -1, 0, GS_TIMEOUT},
    {"no budget", 0, 4000, 0, GS_TIMEOUT},
};

START_TEST(engine_overrun_decides)
{
	enum grade_status got = engine_overrun(
	    ovr_cases[_i].budget, ovr_cases[_i].wait, ovr_cases[_i].student);

	ck_assert_msg(got == ovr_cases[_i].want, "%s: got %s, want %s",
	    ovr_cases[_i].what, grade_status_key(got),
	    grade_status_key(ovr_cases[_i].want));
}
END_TEST

/*
 * The test's own processes starved of CPU: the test process and two
 * burner processes of its own (grader work: root's, outside the cell's
 * cgroup) on one CPU, so each waits, runnable, about 2/3 of the time,
 * for ms wall-clock ms (0: for ever).  No student program runs.
 */
static void
fk_burn(long ms)
{
	struct timespec t0, t;
	volatile unsigned long n = 0;
	pid_t kids[2] = {-1, -1};
	cpu_set_t one;
	int i, cpu = sched_getcpu();

	CPU_ZERO(&one);
	CPU_SET(cpu >= 0 ? cpu : 0, &one);
	sched_setaffinity(0, sizeof one, &one);
	fflush(NULL);
	for (i = 0; i < 2; i++)
		if ((kids[i] = fork()) == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				n++;
		}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (i = 0; i < 100000; i++)
			n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (ms == 0 || (t.tv_sec - t0.tv_sec) * 1000 +
	                            (t.tv_nsec - t0.tv_nsec) / 1000000 <
	                        ms);
	for (i = 0; i < 2; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
}

static void
fk_starved_hang(struct grade *g)
{
	(void)g;
	fk_burn(0);
}

/* Starved for 4 s of its 3 s budget, then done: passes on the
 * extension its grader's measured CPU wait earned it (before Check's
 * limit, 6 s, with room for the cell's setup on a loaded machine). */
static void
fk_starved_then_done(struct grade *g)
{
	(void)g;
	fk_burn(4000);
}

/* Asleep past its budget: no CPU wait, no extension. */
static void
fk_sleeps(struct grade *g)
{
	(void)g;
	for (;;)
		pause();
}

/*
 * Three student programs burn CPU in the cell for 1.5 s while the test
 * process sleeps: their CPU shows as the student's, their wait for a
 * CPU (they wait for each other on 2 cores) never as the grader's.
 */
static void
fk_student_burns(struct grade *g)
{
	char *argv[] = {"/bin/sh", "-c", "while :; do :; done", NULL};
	struct timespec d = {1, 500000000L};
	double wait, cpu;
	struct run r[3];
	int i, overrun;

	for (i = 0; i < 3; i++)
		if (run_start(grade_cell(g), &r[i], argv, NULL) < 0)
			grade_error(g, "run_start: %s", strerror(errno));
	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
	grade_sched_seen(&wait, &cpu, &overrun);
	for (i = 0; i < 3; i++) {
		run_stop(&r[i]);
		run_free(&r[i]);
	}
	/* As an ordinary user the students' programs have the grader's
	 * real uid: the watcher cannot leave them out (their CPU is
	 * unknown too, so no budget is stretched by it).  cell_root(), not
	 * geteuid(): in a namespaced cell an ordinary user is root of the
	 * cell's user namespace. */
	grade_check(g, !cell_root() || wait < 300,
	    "the grader waited %.0f ms (students' CPU %.0f ms)", wait, cpu);
	grade_check(
	    g, !cell_root() || cpu >= 100, "the students' CPU: %.0f ms", cpu);
}

static const struct grade_test fk_starved_tests[] = {
    {.name = "starved_hang",
        .summary = "runs out of its budget, the grader starved",
        .budget_s = 1,
        .run = fk_starved_hang},
    {.name = "starved_done",
        .summary = "done late, the grader starved",
        .budget_s = 3,
        .run = fk_starved_then_done},
    {.name = "sleeps",
        .summary = "runs out of its budget, asleep",
        .budget_s = 3,
        .run = fk_sleeps},
    {.name = "student_burns",
        .summary = "students burn CPU",
        .needs = NEED_TIMING,
        .budget_s = 10,
        .run = fk_student_burns},
};
static const struct grade_lab fk_starved_lab =
    FK_LAB("starved", fk_starved_tests, 4);

static int
fk_said(const struct report_test *t, const char *what)
{
	size_t i;

	for (i = 0; i < t->nexplain; i++)
		if (strstr(t->explain[i], what) != NULL)
			return 1;
	return 0;
}

/*
 * A test whose grader processes waited for a CPU runs past its budget
 * by that wait (net of the student's CPU, when the cell's cgroup counts
 * it: as root); one still starved at Check's limit is the machine's
 * (ERR); one asleep gets no more than its budget (TIME).  In a fallback
 * cell (_i 0) and a namespaced one (_i 1) alike.
 */
START_TEST(engine_starved_overrun)
{
	const struct report_test *t;
	struct report rep;
	char err[256];

	ck_assert_msg(fk_grade(&fk_starved_lab, _i == 0, NULL, &rep, err,
	                  sizeof err) == 0,
	    "%s", err);
	fk_expect(&rep, "sleeps", GS_TIMEOUT, "within its 3 s budget");
	fk_expect(&rep, "student_burns", GS_PASSED, NULL);
	t = fk_find(&rep, "starved_hang");
	if (geteuid() == 0) {
		fk_expect(&rep, "starved_hang", GS_ERROR, "too busy");
		ck_assert_msg(fk_said(t, "waited"), "starved_hang: no wait");
		/* Done on its extension; or, when the machine is so busy
		 * that its cell's setup and the burn do not fit in Check's
		 * limit, the machine's: never the submission's timeout. */
		t = fk_find(&rep, "starved_done");
		if (t->status == GS_PASSED)
			ck_assert_msg(fk_said(t, "budget is extended"),
			    "starved_done: the extension is not said");
		else
			fk_expect(&rep, "starved_done", GS_ERROR, "too busy");
	} else { /* no cgroup: the student's CPU is unknown */
		fk_expect(&rep, "starved_hang", GS_TIMEOUT, "budget");
		ck_assert_msg(fk_said(t, "cannot tell"),
		    "starved_hang: the grader's wait is not said");
	}
	engine_cleanup(&rep);
	report_free(&rep);
}
END_TEST

/* A repro as the lab tests write it, and the student's program as the
 * grader ran it (from the private build folder). */
static void
fk_commands(struct grade *g)
{
	struct run r = {.outcome = RUN_EXITED};

	snprintf(r.cmdline, sizeof r.cmdline, "%s/cli 127.0.0.1 12000 3",
	    grade_sub(g)->bin);
	grade_student(g, "client", &r);
	grade_repro(g, "labpeer udp-server 12000 --drop 2 & ./cli "
	               "127.0.0.1 12000 3");
	grade_fail(g, "fails");
}

static const struct grade_test fk_cmd_tests[] = {
    {.name = "commands",
        .summary = "commands",
        .budget_s = 5,
        .run = fk_commands},
};
static const struct grade_lab fk_cmd = FK_LAB("cmd", fk_cmd_tests, 1);

#define CMD_MAKEFILE "/kit/solutions/cmd/Makefile"
/* What the report writes unquoted (report_shell_word). */
#define CMD_PLAIN                                                              \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./"   \
	"+,:@%="

/* "~" is the working folder, "^" its parent, "%" a sibling of it (a
 * folder of its own, whatever the checkout's name), "@" a scratch folder
 * that holds cli (built, newer than cli.c) and an executable labpeer;
 * "$" the kit's Makefile of the lab, as the build hint names it. */
static const struct {
	const char *peer, *src, *path; /* path: PATH for the grading */
	const char *repro, *build;
} cmd_cases[] = {
    {"~/build/labpeer", "fake-sub", "/usr/bin:/bin",
        "build/labpeer udp-server 12000 --drop 2 & fake-sub/cli 127.0.0.1 "
        "12000 3",
        "make -C fake-sub -f $ cli"},
    {"~/labpeer", "fake sub/", "/usr/bin:/bin",
        "./labpeer udp-server 12000 --drop 2 & 'fake sub/cli' 127.0.0.1 "
        "12000 3",
        "make -C 'fake sub' -f $ cli"},
    {"%/labpeer", ".", "/usr/bin:/bin",
        "%/labpeer udp-server 12000 --drop 2 & ./cli 127.0.0.1 12000 3",
        "make -f $ cli"},
    {"/nonexistent-kit/build/labpeer", "@", "/usr/bin:/bin",
        "/nonexistent-kit/build/labpeer udp-server 12000 --drop 2 & @/cli "
        "127.0.0.1 12000 3",
        NULL},
    {"@/labpeer", "@", "@:/usr/bin:/bin",
        "labpeer udp-server 12000 --drop 2 & @/cli 127.0.0.1 12000 3", NULL},
};

/* s with "~", "^" and "@" (at its start, or after "& " or ":")
 * replaced: see cmd_cases. */
static void
cmd_expand(char *out, size_t n, const char *s, const char *cwd, const char *tmp,
    int rel)
{
	char parent[PATH_MAX];
	size_t len = 0;

	char sibling[PATH_MAX + 16];

	snprintf(parent, sizeof parent, "%s", cwd);
	*strrchr(parent, '/') = '\0';
	/* "%" as the report spells it from cwd: ../NAME.sibling */
	snprintf(sibling, sizeof sibling, "%s/%s.sibling", rel ? ".." : parent,
	    strrchr(cwd, '/') + 1);
	for (out[0] = '\0'; *s != '\0' && len + 1 < n; s++) {
		const char *sub = *s == '~'   ? cwd
		                  : *s == '^' ? parent
		                  : *s == '@' ? tmp
		                  : *s == '$' ? CMD_MAKEFILE
		                  : *s == '%' ? sibling
		                              : NULL;

		if (rel && *s == '%') {
			/* the whole word, quoted as the report quotes a
			 * word such as "../my kit (copy).sibling/labpeer" */
			char word[PATH_MAX + 64];
			size_t wl = strcspn(s + 1, " ");

			snprintf(word, sizeof word, "%s%.*s", sibling, (int)wl,
			    s + 1);
			len += (size_t)snprintf(out + len, n - len, "%s",
			    strspn(word, CMD_PLAIN) == strlen(word)
			        ? word
			        : kit_shq(word));
			s += wl;
		} else if (sub != NULL)
			len += (size_t)snprintf(out + len, n - len, "%s", sub);
		else
			out[len++] = *s, out[len] = '\0';
	}
}

static void rb_write(const char *path, const char *text);

static void
cmd_file(const char *dir, const char *name, int mode)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	rb_write(path, "#!/bin/sh\n");
	chmod(path, (mode_t)mode);
}

/* The report's commands run from the folder labgrade ran in: labpeer
 * by its path from there (or its name when PATH finds that very file),
 * the student's programs in the submission folder, a build command when
 * they are not built there. */
START_TEST(engine_commands)
{
	char tmp[PATH_MAX], cwd[PATH_MAX];
	char peer[PATH_MAX], src[PATH_MAX], path[PATH_MAX], want[PATH_MAX];
	char err[256], cmd[PATH_MAX + 16];
	struct grade_sub sub;
	struct report rep;
	const struct report_test *t;
	struct timespec old[2] = {{0, 0}, {0, 0}};

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(
	    tmp, sizeof tmp, "%s", kit_vartmp("check_labgrade-cmd-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	cmd_file(tmp, "cli.c", 0644);
	utimensat(AT_FDCWD, strcat(strcpy(src, tmp), "/cli.c"), old, 0);
	cmd_file(tmp, "cli", 0755);
	cmd_file(tmp, "labpeer", 0755);
	cmd_expand(peer, sizeof peer, cmd_cases[_i].peer, cwd, tmp, 0);
	cmd_expand(src, sizeof src, cmd_cases[_i].src, cwd, tmp, 0);
	cmd_expand(path, sizeof path, cmd_cases[_i].path, cwd, tmp, 0);
	setenv("PATH", path, 1);
	memset(&sub, 0, sizeof sub);
	sub.lab = "cmd";
	sub.src = src;
	sub.bin = "/var/tmp/labgrade-build-private";
	sub.labpeer = peer;
	sub.makefile = CMD_MAKEFILE;
	sub.force_fallback = 1;
	ck_assert_msg(
	    fk_grade_sub(&fk_cmd, &sub, NULL, &rep, err, sizeof err) == 0, "%s",
	    err);
	t = fk_find(&rep, "commands");
	cmd_expand(want, sizeof want, cmd_cases[_i].repro, cwd, tmp, 1);
	ck_assert_str_eq(t->repro, want);
	if (cmd_cases[_i].build == NULL) {
		ck_assert_msg(t->repro_build == NULL, "%s", t->repro_build);
	} else {
		cmd_expand(want, sizeof want, cmd_cases[_i].build, cwd, tmp, 1);
		ck_assert_str_eq(t->repro_build, want);
	}
	snprintf(want, sizeof want, "%.*s/cli 127.0.0.1 12000 3",
	    (int)(strlen(src) - (src[strlen(src) - 1] == '/')), src);
	ck_assert_str_eq(t->student[0].cmdline, want);
	engine_cleanup(&rep);
	report_free(&rep);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A repro that runs the same program twice builds it once. */
static void
fk_commands_twice(struct grade *g)
{
	grade_repro(g, "./cli 127.0.0.1 12000 1 && ./cli 127.0.0.1 12000 2");
	grade_fail(g, "fails");
}

static const struct grade_test fk_twice_tests[] = {
    {.name = "twice",
        .summary = "twice",
        .budget_s = 5,
        .run = fk_commands_twice},
};
static const struct grade_lab fk_twice = FK_LAB("cmd", fk_twice_tests, 1);

START_TEST(engine_build_hint_once)
{
	char tmp[PATH_MAX], err[256], cmd[PATH_MAX + 16], want[PATH_MAX + 64];
	struct grade_sub sub;
	struct report rep;

	snprintf(
	    tmp, sizeof tmp, "%s", kit_vartmp("check_labgrade-cmd-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	cmd_file(tmp, "cli.c", 0644); /* no cli built: the hint builds it */
	memset(&sub, 0, sizeof sub);
	sub.lab = "cmd";
	sub.src = tmp;
	sub.bin = "/var/tmp/labgrade-build-private";
	sub.labpeer = "/nonexistent-kit/build/labpeer";
	sub.makefile = CMD_MAKEFILE;
	sub.force_fallback = 1;
	ck_assert_msg(
	    fk_grade_sub(&fk_twice, &sub, NULL, &rep, err, sizeof err) == 0,
	    "%s", err);
	snprintf(want, sizeof want, "make -C %s -f %s cli", tmp, CMD_MAKEFILE);
	ck_assert_str_eq(fk_find(&rep, "twice")->repro_build, want);
	engine_cleanup(&rep);
	report_free(&rep);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/*
 * The build hint of a kit in a folder named "my kit (copy) é" runs as
 * printed: the lab's Makefile finds ../common through its own path,
 * which make splits on blanks, so the hint names it relative to the
 * submission's folder (a copy of lab 1's Makefile, its PROGS "cli").
 */
START_TEST(engine_build_hint_blank_kit)
{
	char tmp[KIT_TMP_MAX], kit[KIT_TMP_MAX + 32], sub_dir[KIT_TMP_MAX + 64],
	    mk[KIT_TMP_MAX + 64], err[256], cmd[4 * PATH_MAX];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct grade_sub sub;
	struct report rep;
	const char *hint;
	struct proc p;

	snprintf(
	    tmp, sizeof tmp, "%s", kit_vartmp("check_labgrade-cmd-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(kit, sizeof kit, "%s/my kit (copy) \xc3\xa9", tmp);
	snprintf(sub_dir, sizeof sub_dir, "%s/sub", kit);
	snprintf(mk, sizeof mk, "%s/labs/cmd/Makefile", kit);
	snprintf(cmd, sizeof cmd,
	    "set -e; mkdir -p %s/labs/cmd %s; cp -r labs/common %s/labs/; "
	    "sed 's/^PROGS .*/PROGS := cli/' labs/lab1-udp/Makefile > %s; "
	    "echo 'int main(void) { return 0; }' > %s/cli.c",
	    kit_shq(kit), kit_shq(sub_dir), kit_shq(kit), kit_shq(mk),
	    kit_shq(sub_dir));
	ck_assert_int_eq(proc_run(&p, argv, 20000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "setup: %s", p.err);
	proc_free(&p);
	memset(&sub, 0, sizeof sub);
	sub.lab = "cmd";
	sub.src = sub_dir;
	sub.bin = "/var/tmp/labgrade-build-private";
	sub.labpeer = "/nonexistent-kit/build/labpeer";
	sub.makefile = mk;
	sub.force_fallback = 1;
	ck_assert_msg(
	    fk_grade_sub(&fk_twice, &sub, NULL, &rep, err, sizeof err) == 0,
	    "%s", err);
	hint = fk_find(&rep, "twice")->repro_build;
	ck_assert_ptr_nonnull(hint);
	ck_assert_msg(strstr(hint, " -f ../labs/cmd/Makefile cli") != NULL,
	    "hint: %s", hint);
	snprintf(
	    cmd, sizeof cmd, "%s && test -x %s/cli", hint, kit_shq(sub_dir));
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s: %s%s", hint, p.out, p.err);
	proc_free(&p);
	engine_cleanup(&rep);
	report_free(&rep);
	snprintf(cmd, sizeof cmd, "rm -rf %s", kit_shq(tmp));
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(seeds_derived)
{
	ck_assert_uint_eq(rng_nth(0, 1), 0xe220a8397b1dcdafULL);
	ck_assert_uint_eq(engine_test_seed(1, "a"), engine_test_seed(1, "a"));
	ck_assert_uint_ne(engine_test_seed(1, "a"), engine_test_seed(1, "b"));
	ck_assert_uint_ne(engine_test_seed(1, "a"), engine_test_seed(2, "a"));
}
END_TEST

static const struct {
	const char *text, *err;
} rb_cases[] = {
    {"a 1\nb 2\nc 3 hidden\n", NULL},
    {"a 1\nb 2\n", "no points for test 'c'"},
    {"a 1\nb 2\nc 3\nd 1\n", "has no test named 'd'"},
    {"a 1\nb 2\nc x\n", "bad points 'x'"},
    {"a 1\nb -2\nc 1\n", "bad points '-2'"},
    {"a 1\nb 2\nc 3 secret\n", "bad visibility 'secret'"},
    {"a 1\na 2\nb 1\nc 1\n", "listed twice"},
    {"a 1 visible extra\nb 1\nc 1\n", "expected 'NAME POINTS"},
    {"# only a comment\n\n  a 1.5 # inline\nb 0\nc 2\n", NULL},
    {"option count_not_here\na 1\nb 2\nc 3\n", NULL},
    {"option count_everything\na 1\nb 2\nc 3\n", "unknown option"},
    {"option\na 1\nb 2\nc 3\n", "unknown option"},
};

static void
rb_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* The hidden tests' lines live in hidden/NAME beside the rubric NAME
 * (the student kit leaves hidden/ out), and may not be visible. */
START_TEST(rubric_hidden_file)
{
	char dir[KIT_TMP_MAX], path[KIT_TMP_MAX + 16], hpath[KIT_TMP_MAX + 32],
	    err[512], cmd[256];
	struct rubric r;

	snprintf(dir, sizeof dir, "%s", kit_tmp("check_labgrade-rbh-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/r.rubric", dir);
	snprintf(hpath, sizeof hpath, "%s/hidden", dir);
	ck_assert_int_eq(mkdir(hpath, 0700), 0);
	snprintf(hpath, sizeof hpath, "%s/hidden/r.rubric", dir);
	rb_write(path, "a 1\nb 2\n");
	ck_assert_int_eq(rubric_load(&r, path, &fk_cycle, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "no points for test 'c'") != NULL, "%s", err);
	rb_write(hpath, "c 3 after_due_date\n");
	ck_assert_msg(
	    rubric_load(&r, path, &fk_cycle, err, sizeof err) == 0, "%s", err);
	ck_assert(r.total == 6);
	ck_assert_str_eq(rubric_visibility(&r, "c"), "after_due_date");
	rubric_free(&r);
	rb_write(hpath, "c 3\n");
	ck_assert_int_eq(rubric_load(&r, path, &fk_cycle, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "is in hidden/") != NULL, "%s", err);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(rubric_checked)
{
	char path[KIT_TMP_MAX], err[512];
	struct rubric r;
	snprintf(path, sizeof path, "%s", kit_tmp("check_labgrade-rb-XXXXXX"));
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	close(fd);
	rb_write(path, rb_cases[_i].text);
	rc = rubric_load(&r, path, &fk_cycle, err, sizeof err);
	unlink(path);
	if (rb_cases[_i].err == NULL) {
		ck_assert_msg(rc == 0, "%s", err);
		ck_assert(rubric_points(&r, "c") >= 2);
		ck_assert(r.total == 6 || r.total == 3.5);
		ck_assert_int_eq((int)strlen(r.hash), 16);
		ck_assert_int_eq(r.count_not_here,
		    strstr(rb_cases[_i].text, "count_not_here") != NULL);
		rubric_free(&r);
		return;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, rb_cases[_i].err) != NULL, "'%s' has no '%s'",
	    err, rb_cases[_i].err);
}
END_TEST

START_TEST(rubric_hash_follows_edits)
{
	char path[KIT_TMP_MAX], err[512], h[17];
	struct rubric r;
	snprintf(path, sizeof path, "%s", kit_tmp("check_labgrade-rb-XXXXXX"));
	int fd = mkstemp(path);

	close(fd);
	rb_write(path, "a 1\nb 2\nc 3\n");
	ck_assert_int_eq(rubric_load(&r, path, &fk_cycle, err, sizeof err), 0);
	memcpy(h, r.hash, sizeof h);
	ck_assert_str_eq(rubric_visibility(&r, "c"), "visible");
	rubric_free(&r);
	rb_write(path, "a 1\nb 2\nc 4\n");
	ck_assert_int_eq(rubric_load(&r, path, &fk_cycle, err, sizeof err), 0);
	ck_assert_str_ne(h, r.hash);
	rubric_free(&r);
	unlink(path);
}
END_TEST

/* A fake kit (kit/labs/fake/Makefile, and the given helpers the build
 * copies: kit/labs/common/socklab.[ch]) and a submission folder. */
struct bk {
	char root[64], kit[128], sub[128];
};

static void
bk_file(const char *dir, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	rb_write(path, text);
}

static void
bk_setup(struct bk *k)
{
	char path[256];

	snprintf(
	    k->root, sizeof k->root, "%s", kit_tmp("check_labgrade-bk-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(k->root));
	chmod(k->root, 0755);
	snprintf(k->kit, sizeof k->kit, "%s/kit", k->root);
	snprintf(k->sub, sizeof k->sub, "%s/sub", k->root);
	mkdir(k->kit, 0755);
	snprintf(path, sizeof path, "%s/labs", k->kit);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/labs/common", k->kit);
	mkdir(path, 0755);
	bk_file(path, "socklab.c", "/* given */\n");
	bk_file(path, "socklab.h", "/* given */\n");
	snprintf(path, sizeof path, "%s/labs/fake", k->kit);
	mkdir(path, 0755);
	bk_file(path, "Makefile",
	    "all: srv cli\nsrv: srv.c\n\t$(CC) -o srv "
	    "srv.c\ncli: cli.c\n\t$(CC) -o cli cli.c\n");
	mkdir(k->sub, 0755);
	bk_file(k->sub, "srv.c", "int main(void) { return 0; }\n");
	bk_file(k->sub, "cli.c", "int main(void) { return 1; }\n");
	/* never run: it would build nothing and fail */
	bk_file(k->sub, "Makefile", "all:\n\tfalse\n");
}

static void
bk_teardown(struct bk *k)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", k->root);
	ck_assert_int_eq(system(cmd), 0);
}

enum { BK_OK, BK_BROKEN, BK_MISSING, BK_SYMLINK, BK_NCASES };

START_TEST(build_cases)
{
	struct build_result b;
	struct bk k;
	char err[512], path[PATH_MAX];
	struct stat st;

	bk_setup(&k);
	if (_i == BK_BROKEN)
		bk_file(k.sub, "cli.c", "int main(void) { return 1 }\n");
	snprintf(path, sizeof path, "%s/cli.c", k.sub);
	if (_i == BK_MISSING || _i == BK_SYMLINK)
		unlink(path);
	if (_i == BK_SYMLINK)
		ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_msg(
	    build_submission(&fk_lab, k.sub, k.kit, &b, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(stat(b.dir, &st), 0);
	/* Other users may pass through, not list it (other builds). */
	ck_assert_int_eq(st.st_mode & 0777, 0711);
	ck_assert_msg(b.prog[0][0] != '\0', "srv did not build: %s", b.log);
	if (_i == BK_OK) {
		ck_assert_int_eq(b.ok, 1);
		ck_assert(b.prog[1][0] != '\0');
	} else {
		ck_assert_int_eq(b.ok, 0);
		ck_assert(b.prog[1][0] == '\0');
		ck_assert_str_eq(b.why, "cli did not build");
		ck_assert_ptr_nonnull(b.log);
	}
	if (_i == BK_BROKEN)
		ck_assert_msg(strstr(b.log, "error") != NULL, "%s", b.log);
	if (_i == BK_MISSING)
		ck_assert_ptr_nonnull(strstr(b.log, "cli.c: cannot use it"));
	if (_i == BK_SYMLINK)
		ck_assert_ptr_nonnull(strstr(b.log, "a symbolic link"));
	snprintf(path, sizeof path, "%s", b.dir);
	build_cleanup(&b);
	ck_assert_int_ne(access(path, F_OK), 0);
	bk_teardown(&k);
}
END_TEST

/* Not a folder, or a kit without the lab's Makefile: cannot grade. */
START_TEST(build_cannot_run)
{
	struct build_result b;
	struct bk k;
	char err[512], kit[256];

	bk_setup(&k);
	ck_assert_int_eq(build_submission(&fk_lab, "/nonexistent", k.kit, &b,
	                     err, sizeof err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "not a folder"));
	snprintf(kit, sizeof kit, "%s/nokit", k.root);
	ck_assert_int_eq(
	    build_submission(&fk_lab, k.sub, kit, &b, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "the kit's Makefile"));
	build_cleanup(&b);
	bk_teardown(&k);
}
END_TEST

static const struct {
	const char *args[6];
	int status;
	const char *err;
} cli_cases[] = {
    {{NULL}, 2, "no LAB given"},
    {{"lab9"}, 2, "unknown lab 'lab9'"},
    {{"--seed", "x", "lab1"}, 2, "bad --seed"},
    {{"--format", "xml", "lab1"}, 2, "unknown format 'xml'"},
    {{"--format", "json,tap", "lab1"}, 2, "several formats need --out"},
    {{"--fail-under", "abc", "lab1"}, 2, "bad --fail-under"},
    {{"-j", "0", "lab1"}, 2, "bad -j"},
    {{"--only", "nope", "lab1-udp"}, 2, "no test named 'nope'"},
    {{"lab2", "a", "b"}, 2, "too many arguments"},
    {{"--bogus", "lab1"}, 2, "bad option '--bogus'"},
    {{"lab1-udp", "/nonexistent/sub"}, 1, "not a folder"},
    {{"--rubric", "/nonexistent", "lab1"}, 1, "rubric: /nonexistent"},
    {{"--version"}, 0, NULL},
    {{"--help"}, 0, NULL},
    {{"--list", "lab2"}, 0, NULL},
    {{"--sources", "lab9"}, 2, "unknown lab 'lab9'"},
    {{"--labs"}, 0, NULL},
};

START_TEST(cli_statuses)
{
	char *argv[8];
	struct proc p;
	int n = 0, i;

	argv[n++] = (char *)kit_bin("labgrade");
	for (i = 0; cli_cases[_i].args[i] != NULL; i++)
		argv[n++] = (char *)cli_cases[_i].args[i];
	argv[n] = NULL;
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_msg(PROC_EXIT(&p) == cli_cases[_i].status,
	    "status %d, "
	    "expected %d: %s",
	    PROC_EXIT(&p), cli_cases[_i].status, p.err);
	if (cli_cases[_i].err != NULL) {
		ck_assert_msg(strstr(p.err, cli_cases[_i].err) != NULL,
		    "stderr '%s' lacks '%s'", p.err, cli_cases[_i].err);
		ck_assert_msg(
		    strchr(p.err, '\n') == p.err + strcspn(p.err, "\n"),
		    "no line");
	} else {
		ck_assert_str_eq(p.err, "");
	}
	if (_i == 12)
		ck_assert_str_eq(p.out, "labgrade " LABGRADE_VERSION "\n");
	if (_i == 14)
		ck_assert_ptr_nonnull(strstr(p.out, "server_split_line"));
	proc_free(&p);
}
END_TEST

/* The lab folders grader/labs/NAME/ holding NAME.c, sorted. */
static size_t
reg_folders(char names[][64], size_t max)
{
	DIR *d = opendir("grader/labs");
	struct dirent *e;
	char path[600];
	size_t n = 0, i, j;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL && n < max) {
		snprintf(path, sizeof path, "grader/labs/%s/%s.c", e->d_name,
		    e->d_name);
		if (e->d_name[0] != '.' && access(path, R_OK) == 0)
			snprintf(names[n++], 64, "%.63s", e->d_name);
	}
	closedir(d);
	for (i = 1; i < n; i++) /* insertion sort, as make's $(sort) */
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[64];

			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
		}
	return n;
}

/* The registry is the lab folders: labgrade --labs lists each one with a
 * title, --sources prints its programs' files (all in its references and
 * its handout), and each lab is whole (programs, rubric, tests). */
START_TEST(registry_is_the_folders)
{
	char names[16][64], want[1024], path[512];
	const char *src[64];
	size_t n = reg_folders(names, 16), i, k, used;
	const struct grade_lab *lab;
	struct proc p;
	char *argv[4] = {(char *)kit_bin("labgrade"), "--labs", NULL, NULL};

	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(lab_count(), n);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_int_eq(PROC_EXIT(&p), 0);
	for (i = 0, used = 0; i < n; i++) {
		lab = lab_at(i);
		ck_assert_str_eq(lab->name, names[i]);
		ck_assert_ptr_eq(lab_find(names[i]), lab);
		ck_assert(lab->title != NULL && lab->title[0] != '\0');
		used += (size_t)snprintf(want + used, sizeof want - used,
		    "%s\t%s\n", lab->name, lab->title);
	}
	ck_assert_str_eq(p.out, want);
	proc_free(&p);
	for (i = 0; i < n; i++) {
		lab = lab_at(i);
		ck_assert(lab->nprograms >= 1 &&
		          lab->nprograms <= GRADE_PROGRAMS_MAX);
		ck_assert(lab->ntests >= 1 && lab->peers != NULL);
		snprintf(path, sizeof path, "grader/labs/%s/%s.rubric",
		    lab->name, lab->name);
		ck_assert_msg(access(path, R_OK) == 0, "%s", path);
		ck_assert_uint_ge(lab_sources(lab, src, 64), lab->nprograms);
		for (k = 0, used = 0; src[k] != NULL; k++) {
			used += (size_t)snprintf(
			    want + used, sizeof want - used, "%s\n", src[k]);
			snprintf(path, sizeof path, "solutions/%s/%s",
			    lab->name, src[k]);
			ck_assert_msg(access(path, R_OK) == 0, "%s", path);
			snprintf(
			    path, sizeof path, "labs/%s/%s", lab->name, src[k]);
			ck_assert_msg(access(path, R_OK) == 0, "%s", path);
		}
		argv[1] = "--sources";
		argv[2] = (char *)lab->name;
		ck_assert_int_eq(proc_start(&p, argv), 0);
		proc_wait(&p, 20000);
		ck_assert_int_eq(PROC_EXIT(&p), 0);
		ck_assert_str_eq(p.out, want);
		proc_free(&p);
	}
	ck_assert_ptr_null(lab_find("no-such-lab"));
	ck_assert_ptr_null(lab_find(""));
}
END_TEST

START_TEST(cli_refuses_nofork)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "lab1-udp", NULL};
	struct proc p;

	setenv("CK_FORK", "no", 1);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_ptr_nonnull(strstr(p.err, "CK_FORK=no is refused"));
	proc_free(&p);
}
END_TEST

/* Run a shell command line; its exit status (stdout/stderr kept). */
static int
lg_sh(const char *cmd, struct proc *p, int ms)
{
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};

	ck_assert_int_eq(proc_start(p, argv), 0);
	proc_wait(p, ms);
	return PROC_EXIT(p);
}

static const char py_zip[] =
    "import io,subprocess,sys,tarfile,zipfile\n"
    "z=zipfile.ZipFile(sys.argv[1])\n"
    "n=sorted(z.namelist())\n"
    "assert n==['lab','late','run_autograder','setup.sh','socklab.tar.gz'], n\n"
    "assert z.read('lab')==b'lab2-tcp\\n'\n"
    "assert z.read('late')==b'penalty_per_day 10\\nmax_days 3\\n'\n"
    "assert (z.getinfo('run_autograder').external_attr>>16)&0o111\n"
    "t=tarfile.open(fileobj=io.BytesIO(z.read('socklab.tar.gz')))\n"
    "got=set(t.getnames())\n"
    "git=subprocess.run(['git','ls-files','-z'],capture_output=True).stdout\n"
    "want={f for f in git.decode().split('\\0') if f and not "
    "f.startswith(('solutions/','.ci/'))}\n"
    "assert got==want, (sorted(got-want)[:5], sorted(want-got)[:5])\n"
    "assert not any(f.startswith('solutions') for f in got)\n"
    "print('OK')\n";

static const char py_results[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "assert d['score']==0 and len(d['tests'])>=20, d\n"
    "assert all(t['status']=='failed' for t in d['tests'])\n"
    "assert 'The build failed' in d['output']\n"
    "print('OK')\n";

/* run_autograder in a simulated /autograder (AUTOGRADER=root). */
static int
lg_autograder(const char *root, const char *setup, struct proc *p)
{
	char cmd[16384];

	snprintf(cmd, sizeof cmd,
	    "set -e; rm -rf %s/submission %s/results; mkdir -p %s/source "
	    "%s/submission; cd %s; %s; cd - >/dev/null; "
	    "AUTOGRADER=%s SOCKLAB_KIT=\"$PWD\" sh "
	    "grader/gradescope/run_autograder",
	    root, root, root, root, root, setup, root);
	return lg_sh(cmd, p, 90000);
}

static void
lg_results_check(const char *root, const char *py)
{
	char path[256];
	struct proc p;
	char *argv[] = {"python3", "-c", (char *)py, path, NULL};

	snprintf(path, sizeof path, "%s/results/results.json", root);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "results.json: %s %s", p.out, p.err);
	proc_free(&p);
}

/* The fallback note's "the kit's solutions or tests ARE readable":
 * asked as the cell's uid, of solutions/ and of grader/labs/ (where
 * hidden tests and the broken submissions' edits of the references
 * live), which a kit without solutions/ (Gradescope's) still has. */
START_TEST(kit_readable)
{
	char kit[KIT_TMP_MAX], cmd[1024];
	struct proc p;

	if (geteuid() != 0)
		return; /* the check switches to the cell's uid */
	snprintf(
	    kit, sizeof kit, "%s", kit_vartmp("check_labgrade-kit-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(kit));
	ck_assert_int_eq(chmod(kit, 0755), 0);
	snprintf(cmd, sizeof cmd,
	    "mkdir -p %s/grader/labs/x/hidden && chmod -R 755 %s/grader", kit,
	    kit);
	ck_assert_msg(lg_sh(cmd, &p, 10000) == 0, "%s", p.err);
	proc_free(&p);
	ck_assert_int_eq(engine_kit_readable(kit, CELL_UID_BASE, 0), 1);
	snprintf(cmd, sizeof cmd, "%s/grader", kit);
	ck_assert_int_eq(chmod(cmd, 0700), 0);
	ck_assert_int_eq(engine_kit_readable(kit, CELL_UID_BASE, 0), 0);
	snprintf(cmd, sizeof cmd, "%s/solutions", kit);
	ck_assert_int_eq(mkdir(cmd, 0755), 0);
	ck_assert_int_eq(engine_kit_readable(kit, CELL_UID_BASE, 0), 1);
	snprintf(cmd, sizeof cmd, "rm -rf %s", kit);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Gradescope's setup.sh (apt-get and make stubbed) leaves the kit's
 * tests, hidden ones included, and the tarball out of the reach of the
 * uid a fallback cell's programs run as (no Landlock assumed); the
 * labs' Makefiles stay readable. */
START_TEST(gradescope_setup_private)
{
	char root[KIT_TMP_MAX], cmd[8192], kit[1024];
	struct proc p;

	if (geteuid() != 0)
		return; /* the check switches to the cell's uid */
	ck_assert_ptr_nonnull(getcwd(kit, sizeof kit - 32));
	snprintf(
	    root, sizeof root, "%s", kit_vartmp("check_labgrade-gss-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(chmod(root, 0755), 0);
	snprintf(cmd, sizeof cmd,
	    "set -e; umask 022; cd %s; mkdir -p stub source "
	    "t/grader/labs/x/hidden "
	    "t/labs/x; echo 'int hidden;' > t/grader/labs/x/hidden/x-hidden.c; "
	    "echo 'all:' > t/labs/x/Makefile; "
	    "tar czf source/socklab.tar.gz -C t .; rm -rf t; "
	    "printf '#!/bin/sh\nexit 0\n' > stub/apt-get; "
	    "printf '#!/bin/sh\nmkdir -p \"$2/build/grader\"; "
	    "touch \"$2/build/labgrade\"\n' > stub/make; "
	    "chmod 755 stub/*; PATH=$PWD/stub:$PATH AUTOGRADER=%s "
	    "sh %s/grader/gradescope/setup.sh; "
	    "test \"$(stat -c %%a source/socklab.tar.gz)\" = 600; "
	    "test \"$(stat -c %%a source/socklab/build/grader)\" = 700",
	    root, root, kit);
	ck_assert_msg(lg_sh(cmd, &p, 20000) == 0, "%s %s", p.out, p.err);
	proc_free(&p);
	snprintf(kit, sizeof kit, "%s/source/socklab", root);
	ck_assert_int_eq(engine_kit_readable(kit, CELL_UID_BASE, 0), 0);
	snprintf(cmd, sizeof cmd,
	    "setpriv --reuid=%d --regid=%d --clear-groups -- "
	    "cat %s/labs/x/Makefile",
	    CELL_UID_BASE, CELL_UID_BASE, kit);
	ck_assert_msg(lg_sh(cmd, &p, 10000) == 0, "%s %s", p.out, p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* make gradescope's zip holds what Gradescope runs and only the kit's
 * tracked files (not solutions/, not a stray file); run_autograder,
 * given an empty submission, leaves a results.json that scores 0. */
START_TEST(gradescope_autograder)
{
	char root[KIT_TMP_MAX], cmd[1024];
	struct proc p;

	snprintf(root, sizeof root, "%s", kit_tmp("check_labgrade-gs-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(cmd, sizeof cmd,
	    "touch labs/stray-%d.c && LATE_PENALTY=10 LATE_MAX_DAYS=3 sh "
	    "grader/gradescope/pack.sh lab2-tcp %s/gs.zip; rc=$?; rm -f "
	    "labs/stray-%d.c; test $rc = 0 && python3 -c \"$0\" %s/gs.zip",
	    (int)getpid(), root, (int)getpid(), root);
	{
		char *argv[] = {"sh", "-c", cmd, (char *)py_zip, NULL};

		ck_assert_int_eq(proc_start(&p, argv), 0);
		proc_wait(&p, 60000);
		ck_assert_msg(PROC_EXIT(&p) == 0 && strstr(p.out, "OK"),
		    "zip: %s %s", p.out, p.err);
		proc_free(&p);
	}
	ck_assert_msg(
	    lg_autograder(root, "echo lab2-tcp > source/lab", &p) == 0, "%s",
	    p.err);
	proc_free(&p);
	lg_results_check(root, py_results);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static const char py_gs_found[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    /* the skeleton (0 points: none free), not the linked reference */
    "assert d['score']<50 and len(d['tests'])>=20, d['score']\n"
    "assert d['output'].startswith('Submitted 2 days late'), d['output']\n"
    "assert 'Late policy: 10% per day' in d['output'], d['output']\n"
    "assert d['extra_data']['late_days']==2, d\n"
    "print('OK')\n";

static const char py_gs_ambiguous[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "assert d['score']==0 and d['tests']==[], d\n"
    "o=d['output']\n"
    "assert 'holds 2 files named udp_client.c' in o, o\n"
    "assert \"'odd\\\\nname/udp_client.c'\" in o and "
    "\"'old/udp_client.c'\" in o, o\n"
    "assert 'Nothing was graded' in o, o\n"
    "print('OK')\n";

/* run_autograder finds the sources at any depth, NUL-safely (a folder
 * with a space, one with a newline), only regular files and never
 * through a link (a link to the reference client, a linked folder
 * holding the reference); marks and scores down a late submission by
 * the zip's policy; refuses two files of one name with a clear
 * results.json. */
START_TEST(gradescope_submission)
{
	char root[KIT_TMP_MAX], setup[8192];
	char kit[PATH_MAX];
	struct proc p;

	ck_assert_ptr_nonnull(getcwd(kit, sizeof kit));
	snprintf(
	    root, sizeof root, "%s", kit_tmp("check_labgrade-gsub-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(setup, sizeof setup,
	    "echo lab1-udp > source/lab; "
	    "printf 'penalty_per_day 10\\nmax_days none\\n' > source/late; "
	    "K=%s; mkdir -p 'submission/my work' "
	    "\"submission/$(printf 'odd\\nname')\"; "
	    "cp \"$K\"/labs/lab1-udp/udp_server.c 'submission/my work/'; "
	    "cp \"$K\"/labs/lab1-udp/udp_client.c submission/odd*/; "
	    "ln -s \"$K\"/solutions/lab1-udp submission/ref; "
	    "ln -s \"$K\"/solutions/lab1-udp/udp_client.c "
	    "submission/udp_client.c; "
	    "printf '{\"created_at\": \"2026-12-03T10:00:00.000000-08:00\", "
	    "\"assignment\": {\"due_date\": "
	    "\"2026-12-01T23:59:00.000000-08:00\"}}' "
	    "> submission_metadata.json",
	    kit_shq(kit));
	ck_assert_msg(lg_autograder(root, setup, &p) == 0, "%s", p.err);
	proc_free(&p);
	lg_results_check(root, py_gs_found);
	ck_assert_int_lt(strlen(setup) + 200, sizeof setup);
	strcat(setup,
	    "; mkdir submission/old; cp \"$K\"/labs/lab1-udp/udp_client.c "
	    "submission/old/");
	ck_assert_msg(lg_autograder(root, setup, &p) == 0, "%s", p.err);
	proc_free(&p);
	lg_results_check(root, py_gs_ambiguous);
	snprintf(setup, sizeof setup, "rm -rf %s", root);
	ck_assert_int_eq(system(setup), 0);
}
END_TEST

static const char py_grades[] =
    "import csv,sys\n"
    "r=list(csv.reader(open(sys.argv[1])))\n"
    "assert r[0][:5]==['student','status','score','max','server_starts'], "
    "r[0]\n"
    "assert [x[0] for x in r[1:]]==['alice','bob','carol'], r\n"
    "assert all(len(x)==len(r[0]) for x in r)\n"
    "a,b,c=r[1],r[2],r[3]\n"
    "assert a[1]=='graded' and float(a[2])>50 and a[3]=='100', a\n"
    "assert b[1:4]==['empty','0','100'] and set(b[4:])=={''}, b\n"
    "assert c[1]=='graded' and float(c[2])<50 and 'not run' in c[4:], c\n"
    "assert '0' in c[4:], c\n"
    "print('OK')\n";

/* The output tree a class run leaves: grades.csv with a status column,
 * 'not run' apart from 0; grades.json; the reports; nothing written
 * into the submission folders. */
static void
lg_class_tree_ok(const char *root, const char *out)
{
	char cmd[2048];
	struct proc p;

	snprintf(cmd, sizeof cmd, "%s/grades.csv", out);
	{
		char *argv[] = {"python3", "-c", (char *)py_grades, cmd, NULL};

		ck_assert_int_eq(proc_start(&p, argv), 0);
		proc_wait(&p, 20000);
		ck_assert_msg(PROC_EXIT(&p) == 0, "grades.csv: %s", p.err);
		proc_free(&p);
	}
	snprintf(cmd, sizeof cmd,
	    "cd %s && test \"$(stat -c %%a .)\" = 700 && "
	    "test \"$(stat -c %%a secret)\" = 600 && "
	    "test -s students/alice/report.txt && "
	    "test -s students/alice/traces/server_one_reply.pcap && "
	    "test -s students/alice/report.html && "
	    "grep -q 'labgrade' students/carol/report.txt && "
	    "python3 -c 'import json; d=json.load(open(\"grades.json\")); "
	    "assert d[\"lab\"]==\"lab1-udp\" and d[\"seed\"]==1 and "
	    "len(d[\"rubric_hash\"])==16 and d[\"status\"][\"empty\"]==1 and "
	    "d[\"date\"].endswith(\"Z\"), d' && "
	    "test -z \"$(find %s -name labgrade -o -name '*.csv' -o -name "
	    "'*.txt' -o -name key)\"",
	    out, root);
	ck_assert_msg(lg_sh(cmd, &p, 20000) == 0, "tree: %s %s", p.out, p.err);
	proc_free(&p);
}

/* --class: an output tree beside ROOT, a report per student, the
 * gradebook and a stdout summary; a re-run grades nothing again (the
 * keys match) and writes grades.csv the same; an edit regrades one;
 * --only regrades one test for all, keeping the others' results. */
START_TEST(class_mode)
{
	char root[KIT_TMP_MAX], cmd[2048];
	char out[KIT_TMP_MAX + 16], grades[KIT_TMP_MAX + 32];
	struct proc p;

	snprintf(
	    root, sizeof root, "%s", kit_tmp("check_labgrade-class-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(out, sizeof out, "%s-labgrade", root);
	snprintf(cmd, sizeof cmd,
	    "mkdir %s/alice %s/bob %s/carol && cp "
	    "solutions/lab1-udp/udp_server.c solutions/lab1-udp/udp_client.c "
	    "%s/alice/ && cp labs/lab1-udp/udp_server.c "
	    "labs/lab1-udp/udp_client.c %s/carol/ && "
	    "%s --class %s -j 3 --seed 1 lab1-udp </dev/null",
	    root, root, root, root, root, kit_bin("labgrade"), root);
	ck_assert_msg(lg_sh(cmd, &p, 100000) == 0, "%s", p.err);
	/* off a terminal: one line per student, naming it */
	ck_assert_msg(strstr(p.err, "] alice: graded ") != NULL &&
	                  strstr(p.err, "] carol: graded ") != NULL &&
	                  strchr(p.err, '\r') == NULL,
	    "%s", p.err);
	ck_assert_msg(strstr(p.out, "3 submissions (2 graded now") != NULL &&
	                  strstr(p.out, "2 graded, 1 empty, 0 not built, 0 "
	                                "grader error") != NULL &&
	                  /* alice 100, carol 0; bob's empty folder is no
	                   * score (as on the dashboard) */
	                  strstr(p.out, "score: mean 50.0, median 50 (of 100), "
	                                "over the 2 graded\n") != NULL &&
	                  strstr(p.out, "/grades.csv") != NULL,
	    "%s", p.out);
	proc_free(&p);
	lg_class_tree_ok(root, out);
	snprintf(grades, sizeof grades, "%s/grades.csv", out);
	snprintf(cmd, sizeof cmd,
	    "cp %s %s.1 && %s --class %s lab1-udp && cmp %s %s.1", grades,
	    grades, kit_bin("labgrade"), root, grades, grades);
	ck_assert_msg(lg_sh(cmd, &p, 60000) == 0, "%s", p.err);
	ck_assert_msg(
	    strstr(p.out, "(0 graded now, 2 unchanged") != NULL, "%s", p.out);
	proc_free(&p);
	snprintf(cmd, sizeof cmd,
	    "echo '/* edited */' >> %s/carol/udp_server.c"
	    " && %s --class %s lab1-udp",
	    root, kit_bin("labgrade"), root);
	ck_assert_msg(lg_sh(cmd, &p, 60000) == 0, "%s", p.err);
	ck_assert_msg(
	    strstr(p.out, "(1 graded now, 1 unchanged") != NULL, "%s", p.out);
	proc_free(&p);
	/* --only: every student's client_rtt again, the rest kept */
	snprintf(cmd, sizeof cmd,
	    "%s --class %s --only client_rtt lab1-udp && cmp %s %s.1 && "
	    "test -s %s/students/alice/only/report.txt && "
	    "grep -q 'other tests not selected' "
	    "%s/students/alice/only/report.txt",
	    kit_bin("labgrade"), root, grades, grades, out, out);
	ck_assert_msg(lg_sh(cmd, &p, 60000) == 0, "%s %s", p.out, p.err);
	ck_assert_msg(
	    strstr(p.err, "alice: graded (--only merged) "), "%s", p.err);
	proc_free(&p);
	/* --roster: id and email columns, a student not in it named */
	snprintf(cmd, sizeof cmd,
	    "printf 'Name,FOLDER,email,id\\nA,alice,a@x.org,1001\\n"
	    "C,\"carol\",c@x.org,1003\\n' > %s.roster && "
	    "%s --class %s --roster %s.roster lab1-udp && python3 -c "
	    "'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); "
	    "assert r[0][:4]==[\"student\",\"id\",\"email\",\"status\"]; "
	    "assert r[1][:3]==[\"alice\",\"1001\",\"a@x.org\"], r; "
	    "assert r[2][:3]==[\"bob\",\"\",\"\"] and "
	    "r[3][:3]==[\"carol\",\"1003\",\"c@x.org\"], r' %s && rm "
	    "%s.roster",
	    root, kit_bin("labgrade"), root, root, grades, root);
	ck_assert_msg(lg_sh(cmd, &p, 60000) == 0, "%s %s", p.out, p.err);
	ck_assert_msg(strstr(p.err, "bob: not in --roster"), "%s", p.err);
	proc_free(&p);
	/* --due: late days by the sources' file times, every started day,
	 * the roster's extension added; the same sources stay cached */
	snprintf(cmd, sizeof cmd,
	    "printf 'folder,id,extension_days\\ncarol,1003,1\\n' > "
	    "%s.roster && touch -d '2026-01-03 12:00:00 UTC' %s/carol/*.c && "
	    "%s --class %s --roster %s.roster --due 2026-01-01T00:00Z "
	    "lab1-udp && python3 -c "
	    "'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); "
	    "assert r[0][:6]==[\"student\",\"id\",\"email\",\"status\","
	    "\"submitted\",\"late_days\"], r[0]; "
	    "assert r[3][4:6]==[\"2026-01-03T12:00:00Z\",\"2\"], r[3]; "
	    "assert r[2][4:6]==[\"\",\"0\"], r[2]' %s && rm %s.roster && "
	    "%s --class %s --due 2026-13-01 lab1-udp; test $? = 2",
	    root, root, kit_bin("labgrade"), root, root, grades, root,
	    kit_bin("labgrade"), root);
	ck_assert_msg(lg_sh(cmd, &p, 60000) == 0, "%s %s", p.out, p.err);
	ck_assert_msg(strstr(p.out, "(0 graded now, 2 unchanged") &&
	                  strstr(p.out, "carol (2 days)"),
	    "%s", p.out);
	proc_free(&p);
	/* --force: every submission graded again */
	snprintf(cmd, sizeof cmd, "%s --class %s --force lab1-udp",
	    kit_bin("labgrade"), root);
	ck_assert_msg(lg_sh(cmd, &p, 100000) == 0, "%s", p.err);
	ck_assert_msg(strstr(p.out, "(2 graded now, 0 unchanged"), "%s", p.out);
	proc_free(&p);
	/* --fail-under: exit 3, and who */
	snprintf(cmd, sizeof cmd, "%s --class %s --fail-under 50%% lab1-udp",
	    kit_bin("labgrade"), root);
	ck_assert_int_eq(lg_sh(cmd, &p, 60000), 3);
	ck_assert_msg(strstr(p.out, "below --fail-under 50%: 2: bob (0) carol"),
	    "%s", p.out);
	proc_free(&p);
	/* --dashboard rebuilds report.html from the stored records alone */
	snprintf(cmd, sizeof cmd,
	    "cp %s/report.html %s/r.1 && rm %s/report.html && %s "
	    "--dashboard %s && cmp %s/report.html %s/r.1 && rm %s/r.1",
	    out, out, out, kit_bin("labgrade"), out, out, out, out);
	ck_assert_msg(lg_sh(cmd, &p, 20000) == 0, "%s %s", p.out, p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s %s", root, out);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A class with attacks on class mode (issue 8, points 2, 3, 7, 12): a
 * submission's own labgrade/ with report.txt a link to a sentinel, a
 * forged key and report.csv claiming full marks; a folder named with a
 * newline and an ESC; a FIFO and a 20 GB sparse file named like
 * sources; a folder named as a spreadsheet formula.  None may write
 * through the link, be taken as cached, hang or slow the run, or forge
 * a line or a cell. */
static const char py_hostile[] =
    "import csv,sys\n"
    "raw=open(sys.argv[1],'rb').read()\n"
    "assert b'\\x1b' not in raw and b'\\nname' not in raw, raw\n"
    "r=list(csv.reader(open(sys.argv[1],newline='')))\n"
    "assert all(len(x)==len(r[0]) for x in r), r\n"
    "names=[x[0] for x in r[1:]]\n"
    "assert names==[\"'=HYPERLINK(\\\"x\\\")\",'evil\\\\x0aname\\\\x1b[2J',"
    "'fifo','forged','sparse'], names\n"
    "rows={x[0]:x for x in r[1:]}\n"
    "f=rows['forged']\n"
    "assert f[1]=='graded' and float(f[2])<50, f\n"
    "assert rows['fifo'][1]=='not built' and rows['sparse'][1]=='not built'\n"
    "print('OK')\n";

START_TEST(class_hostile)
{
	char root[KIT_TMP_MAX], cmd[12288];
	char out[KIT_TMP_MAX + 16], sentinel[KIT_TMP_MAX + 16], kit[PATH_MAX];
	struct proc p;
	time_t t0;

	ck_assert_ptr_nonnull(getcwd(kit, sizeof kit));
	snprintf(
	    root, sizeof root, "%s", kit_tmp("check_labgrade-hostile-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(out, sizeof out, "%s-labgrade", root);
	snprintf(sentinel, sizeof sentinel, "%s-sentinel", root);
	snprintf(cmd, sizeof cmd,
	    "set -e; cd %s; echo untouched > %s; "
	    "K=%s/labs/lab1-udp; mkdir forged fifo sparse "
	    "\"$(printf 'evil\\nname\\033[2J')\" '=HYPERLINK(\"x\")'; "
	    "cp \"$K\"/udp_server.c \"$K\"/udp_client.c forged/; "
	    "mkdir forged/labgrade; ln -s %s forged/labgrade/report.txt; "
	    "printf '0000000000000000\\n' > forged/labgrade/key; "
	    "printf 'student,score,max\\n\"=HYPERLINK(\"\"x\"\")\",100,100\\n' "
	    "> forged/labgrade/report.csv; "
	    "cp \"$K\"/udp_server.c fifo/; mkfifo fifo/udp_client.c; "
	    "cp \"$K\"/udp_server.c sparse/; truncate -s 20G "
	    "sparse/udp_client.c; "
	    "cp \"$K\"/udp_server.c \"$K\"/udp_client.c evil*/",
	    root, sentinel, kit_shq(kit), sentinel);
	ck_assert_msg(lg_sh(cmd, &p, 20000) == 0, "setup: %s", p.err);
	proc_free(&p);
	t0 = time(NULL);
	snprintf(cmd, sizeof cmd, "%s --class %s -j 4 lab1-udp",
	    kit_bin("labgrade"), root);
	ck_assert_msg(lg_sh(cmd, &p, 100000) == 0, "%s", p.err);
	/* bounded: five skeletons, never a 20 GB read or a FIFO wait */
	ck_assert_msg(
	    time(NULL) - t0 < 60, "took %ld s", (long)(time(NULL) - t0));
	ck_assert_msg(
	    strchr(p.err, '\033') == NULL && strchr(p.out, '\033') == NULL,
	    "raw ESC: %s", p.err);
	ck_assert_msg(
	    strstr(p.err, "evil\\x0aname\\x1b[2J") != NULL, "%s", p.err);
	ck_assert_msg(strstr(p.err, "fifo/udp_client.c: a FIFO: left out") &&
	                  strstr(p.err, "sparse/udp_client.c: larger than "
	                                "256 KiB: left out"),
	    "%s", p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "%s/grades.csv", out);
	{
		char *argv[] = {"python3", "-c", (char *)py_hostile, cmd, NULL};

		ck_assert_int_eq(proc_start(&p, argv), 0);
		proc_wait(&p, 20000);
		ck_assert_msg(
		    PROC_EXIT(&p) == 0, "grades.csv: %s %s", p.out, p.err);
		proc_free(&p);
	}
	/* the sentinel untouched; the submission's labgrade/ as shipped;
	 * no raw ESC in any file of the tree; the report names escaped */
	snprintf(cmd, sizeof cmd,
	    "test \"$(cat %s)\" = untouched && "
	    "test \"$(ls %s/forged/labgrade | tr '\\n' ' ')\" = "
	    "'key report.csv report.txt ' && "
	    "! grep -rl --exclude=secret --exclude='*.pcap' \"$(printf "
	    "'\\033')\" %s && "
	    "grep -q 'evil\\\\x0aname\\\\x1b\\[2J' %s/report.html && "
	    "grep -q 'evil%%0Aname%%1B%%5B2J' %s/class.tsv && "
	    "test -s %s/students/forged/report.txt",
	    sentinel, root, out, out, out, out);
	ck_assert_msg(lg_sh(cmd, &p, 20000) == 0, "%s %s", p.out, p.err);
	proc_free(&p);
	/* an output tree inside the class folder is refused */
	snprintf(cmd, sizeof cmd, "%s --class %s --out %s/forged/x lab1-udp",
	    kit_bin("labgrade"), root, root);
	ck_assert_int_eq(lg_sh(cmd, &p, 20000), 1);
	ck_assert_msg(strstr(p.err, "inside the class folder"), "%s", p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s %s %s", root, out, sentinel);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The dashboard in a real browser (grader/class/tests/dashboard-check.py):
 * tidy-valid, no request, no console message with JavaScript on and
 * off, plots drawn on desktop and phone screenshots, printable.  And
 * the similarity hint: dave is alice's code re-indented with its
 * comments changed, the top pair; the skeleton (carol) pairs with no
 * one. */
START_TEST(class_dashboard_browser)
{
	char root[KIT_TMP_MAX], cmd[4096];
	char out[KIT_TMP_MAX + 16];
	struct proc p;

	ck_assert_msg(system("command -v chromium >/dev/null && command -v "
	                     "tidy >/dev/null") == 0,
	    "the dashboard test needs chromium and tidy (.ci/run installs "
	    "them)");
	snprintf(
	    root, sizeof root, "%s", kit_tmp("check_labgrade-dash-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(out, sizeof out, "%s-labgrade", root);
	snprintf(cmd, sizeof cmd,
	    "mkdir %s/alice %s/bob %s/carol && cp "
	    "solutions/lab1-udp/udp_server.c solutions/lab1-udp/udp_client.c "
	    "%s/alice/ && cp labs/lab1-udp/udp_server.c "
	    "labs/lab1-udp/udp_client.c %s/carol/ && mkdir %s/dave && "
	    "for f in udp_server.c udp_client.c; do sed -e 's|^|  |' -e "
	    "'s|/\\*.*\\*/|/* mine */|' solutions/lab1-udp/$f > %s/dave/$f; "
	    "done && %s --class %s -j 4 --fail-under 60 lab1-udp; test $? = 3 "
	    "&& head -n 6 %s/similarity.txt | grep -q '^100 %%  alice  and  "
	    "dave$' && mkdir %s-home && HOME=%s-home python3 "
	    "grader/class/tests/dashboard-check.py %s && "
	    "{ ! ls -A %s-home | grep -q .; } || "
	    "{ echo \"chromium left in HOME:\" $(ls -A %s-home); exit 1; }",
	    root, root, root, root, root, root, root, kit_bin("labgrade"), root,
	    out, root, root, out, root, root);
	ck_assert_msg(lg_sh(cmd, &p, 170000) == 0, "%s %s", p.out, p.err);
	ck_assert_ptr_nonnull(strstr(p.out, "OK"));
	ck_assert_ptr_nonnull(strstr(p.out, "similarity: the closest pair "
	                                    "shares 100 %"));
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s %s %s-home", root, out, root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A failure shows the test's packet trace as labsniff prints it (the
 * NUL the client put in its ping shows on the wire), the rerun command,
 * and --only leaves the other tests out of the total. */
START_TEST(failure_shows_trace)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "--only", "client_pings",
	    "lab1-udp", (char *)kit_bin("broken/lab1-udp/client-nul-in-ping"),
	    NULL};
	struct proc p;
	char *trace;

	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 60000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	trace = strstr(p.out, "packet trace (labsniff -r):\n");
	ck_assert_msg(trace != NULL, "no trace in: %s", p.out);
	ck_assert_msg(strstr(trace, "\"ping 1\\x00\"") != NULL, "%s", trace);
	ck_assert_msg(strstr(p.out, "rerun only this test: ") != NULL &&
	                  strstr(strstr(p.out, "rerun only this test: ") + 22,
	                      kit_bin("labgrade")) != NULL,
	    "%s", p.out);
	ck_assert_ptr_nonnull(strstr(p.out, " --only client_pings --seed 1 "
	                                    "lab1-udp"));
	ck_assert_ptr_nonnull(
	    strstr(p.out, "total: 0/6 points; 0 of 1 test passed"));
	proc_free(&p);
}
END_TEST

/* The text after `key` up to the end of its line, into buf. */
static void
lg_line_after(const char *out, const char *key, char *buf, size_t n)
{
	const char *p = strstr(out, key);

	ck_assert_msg(p != NULL, "no '%s' in: %s", key, out);
	p += strlen(key);
	snprintf(buf, n, "%.*s", (int)strcspn(p, "\n"), p);
}

/*
 * The trace shows every packet of the test: in client_stray the stray
 * "PING 1" sent from a port other than the server's is there (a capture
 * filtered on the server's port lost it).  Without namespaces the
 * capture is filtered, and the report says so.
 */
START_TEST(trace_every_packet)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "-v", "--color", "never",
	    "--only", "client_stray", _i ? "--no-cell" : "-v",
	    _i && geteuid() != 0 ? "--unsafe-no-sandbox" : "-v", "lab1-udp",
	    "solutions/lab1-udp", NULL};
	const char *l;
	struct proc p;
	int other = 0;

	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	if (_i == 1) {
		ck_assert_msg(strstr(p.out, "packets on other ports are "
		                            "filtered out") != NULL ||
		                  strstr(p.out, "PASS client_stray") != NULL,
		    "%s", p.out);
		proc_free(&p);
		return;
	}
	ck_assert_msg(
	    strstr(p.out, "(no private network") == NULL, "%s", p.out);
	for (l = p.out; (l = strstr(l, "\"PING 1\"")) != NULL; l++) {
		const char *bol = l;

		while (bol > p.out && bol[-1] != '\n')
			bol--;
		/* "   0.000123 127.0.0.1:PORT > ..." : the source's port */
		bol += strspn(bol, " ");
		bol += strcspn(bol, " ") + 1;
		if (strncmp(bol, "127.0.0.1:12000 ", 16) != 0 &&
		    strncmp(bol, "127.0.0.1:", 10) == 0)
			other++;
	}
	ck_assert_msg(other > 0,
	    "no \"PING 1\" from another port in the "
	    "trace:\n%s",
	    p.out);
	proc_free(&p);
}
END_TEST

/*
 * client_stray with a client that takes "PING 1!" for the reply: the
 * headline names the reply check (not the wait), and the report shows
 * the client (how it ended, its output) although a wire check failed.
 */
START_TEST(stray_headline_and_client)
{
	char dir[PATH_MAX], cmd[PATH_MAX * 2];
	char *argv[] = {(char *)kit_bin("labgrade"), "--color", "never",
	    "--only", "client_stray", "lab1-udp", dir, NULL};
	const char *fail;
	struct proc p;

	snprintf(dir, sizeof dir, "%s", kit_vartmp("check_labgrade-st-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	    "cp solutions/lab1-udp/udp_server.c "
	    "%s/lab1-udp/client-accepts-suffix/udp_client.c %s/",
	    kit_bin("broken"), dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	fail = strstr(p.out, "FAIL client_stray");
	ck_assert_msg(fail != NULL, "%s", p.out);
	ck_assert_msg(strstr(fail, "the client took") != NULL &&
	                  strstr(fail, "one ping at a time") == NULL,
	    "%s", fail);
	ck_assert_msg(strstr(fail, "client: ") != NULL &&
	                  strstr(fail, "/udp_client 127.0.0.1 ") != NULL,
	    "no client block: %s", fail);
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The commands a failure report prints run as printed, from the folder
 * labgrade ran in: the build line, the repro (in a network namespace of
 * its own: it uses a fixed port) and the rerun line. */
START_TEST(failure_commands_run)
{
	char dir[KIT_TMP_MAX], cmd[1024];
	char repro[1024], build[1024], rerun[1024];
	char *argv[] = {(char *)kit_bin("labgrade"), "--only", "client_pings",
	    "lab1-udp", dir, NULL};
	struct proc p;

	snprintf(
	    dir, sizeof dir, "%s", kit_vartmp("check_labgrade-run-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp %s/udp_client.c %s/",
	    kit_bin("broken/lab1-udp/client-nul-in-ping"), dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 60000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	lg_line_after(p.out, "reproduce it: ", repro, sizeof repro);
	lg_line_after(
	    p.out, "(first build what it runs: ", build, sizeof build);
	lg_line_after(p.out, "rerun only this test: ", rerun, sizeof rerun);
	proc_free(&p);
	/* the hint's closing parenthesis, not one of the kit's path */
	if (strrchr(build, ')') != NULL)
		*strrchr(build, ')') = '\0';
	/* The kit's Makefile, never one in the submission folder. */
	snprintf(cmd, sizeof cmd, "make -C %s -f ", dir);
	ck_assert_msg(strncmp(build, cmd, strlen(cmd)) == 0 &&
	                  strstr(build, "/labs/lab1-udp/Makefile") != NULL &&
	                  strstr(build, " udp_client") != NULL,
	    "%s", build);
	snprintf(cmd, sizeof cmd,
	    "--background && %s/udp_client 127.0.0.1 "
	    "12000 ",
	    dir);
	ck_assert_msg(strstr(repro, cmd) != NULL, "%s", repro);
	ck_assert_msg(strncmp(repro, "labpeer ", 8) != 0,
	    "labpeer is not on PATH: %s", repro);
	/* make splits a makefile's path on blanks: the lab's Makefile of a
	 * kit in "my kit (copy)" cannot build a folder outside the kit. */
	if (getcwd(cmd, sizeof cmd) != NULL && strchr(cmd, ' ') != NULL) {
		ck_assert_int_eq(
		    system(strcat(strcpy(cmd, "rm -rf "), dir)), 0);
		kit_not_here("the kit's folder has a blank in its path: make "
		             "cannot build a submission outside it with the "
		             "lab's Makefile (README, Developing the kit)");
		return;
	}
	setenv("LG_BUILD", build, 1);
	setenv("LG_REPRO", repro, 1);
	ck_assert_msg(lg_sh("$LG_BUILD", &p, 30000) == 0, "%s", p.err);
	proc_free(&p);
	if (lg_sh("unshare -rn true", &p, 10000) == 0) {
		proc_free(&p);
		/* A PID namespace too: the background labpeer ends with
		 * the shell. */
		ck_assert_msg(lg_sh("unshare -rn --fork --pid sh -c 'ip link "
		                    "set lo up && eval \"$LG_REPRO\"'",
		                  &p, 20000) == 0,
		    "%s: status %d: %s", repro, PROC_EXIT(&p), p.err);
		ck_assert_msg(strstr(p.out, "seq=1") != NULL, "%s", p.out);
	}
	proc_free(&p);
	ck_assert_msg(lg_sh(rerun, &p, 60000) == 0, "%s: %s", rerun, p.err);
	ck_assert_ptr_nonnull(strstr(p.out, "FAIL client_pings"));
	proc_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* An ordinary user grades too: the cells are built in a user namespace
 * (CI runs as root and would never meet this path otherwise). */
/*
 * Root of a user namespace that maps only itself ("unshare -r", a
 * rootless container) cannot be the cells' uids: it grades as an
 * ordinary user does, instead of failing with "labgrade:
 * /var/tmp/labgrade-build-XXXXXX: Invalid argument" (chown to an
 * unmapped uid).
 */
START_TEST(grading_as_userns_root)
{
	char cmd[PATH_MAX];
	char *argv[] = {"sh", "-c", cmd, NULL};
	struct proc p;

	snprintf(cmd, sizeof cmd,
	    "unshare -rn sh -c 'ip link set lo up && exec \"$0\" --color "
	    "never --only server_starts lab1-udp solutions/lab1-udp' %s",
	    kit_shq(kit_bin("labgrade")));
	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0 && strstr(p.out, "PASS server_starts") != NULL,
	    "status %d: %s%s", PROC_EXIT(&p), p.out, p.err);
	proc_free(&p);
}
END_TEST

START_TEST(grading_as_nobody)
{
	/* nobody may not reach the checkout (a clone under /root): the
	 * kit's programs and data, copied where it can, out of /tmp. */
	char kit[KIT_TMP_MAX], cmd[2048], prog[PATH_MAX], sub[PATH_MAX];
	char *argv[] = {"setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", prog, "--format", "json", "--only",
	    "server_all_bytes", "lab1-udp", sub, NULL};
	struct proc p;

	snprintf(
	    kit, sizeof kit, "%s", kit_vartmp("check_labgrade-nobody-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(kit));
	ck_assert_int_eq(kit_copy(kit), 0);
	snprintf(prog, sizeof prog, "%s/build/labgrade", kit);
	snprintf(sub, sizeof sub, "%s/solutions/lab1-udp", kit);
	/* Already an ordinary user: labgrade itself, without setpriv. */
	ck_assert_int_eq(proc_start(&p, geteuid() == 0 ? argv : argv + 4), 0);
	proc_wait(&p, 60000);
	snprintf(cmd, sizeof cmd, "rm -rf %s", kit);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	ck_assert_msg(strstr(p.out, "\"name\": \"server_all_bytes\", "
	                            "\"summary\"") != NULL,
	    "%s", p.out);
	ck_assert_msg(
	    strstr(p.out, "\"status\": \"passed\", \"points\": 8") != NULL ||
	        strstr(p.out, "namespaces") != NULL,
	    "%s", p.out);
	ck_assert_ptr_nonnull(strstr(p.out, "\"tests_run\": 2"));
	proc_free(&p);
}
END_TEST

/* 1 when TAP output says "not ok N - name" (N: the test's place in
 * the lab's table, which grows). */
static int
lg_tap_not_ok(const char *out, const char *name)
{
	const char *l = out, *p;

	for (; l != NULL; l = strchr(l, '\n'), l = l != NULL ? l + 1 : NULL) {
		if (strncmp(l, "not ok ", 7) != 0)
			continue;
		p = l + 7 + strspn(l + 7, "0123456789");
		if (strncmp(p, " - ", 3) == 0 &&
		    strncmp(p + 3, name, strlen(name)) == 0 &&
		    p[3 + strlen(name)] == ' ')
			return 1;
	}
	return 0;
}

/* --fail-under: exit 3 below the bar (points or percent), 0 at it. */
static const struct {
	const char *bar;
	int status;
} fu_cases[] = {{"1", 3}, {"50%", 3}, {"0", 0}, {"0%", 0}};

START_TEST(fail_under)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "--fail-under",
	    (char *)fu_cases[_i].bar, "--format", "tap", "--only",
	    "client_pings", "lab1-udp",
	    (char *)kit_bin("broken/lab1-udp/client-nul-in-ping"), NULL};
	struct proc p;

	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 60000);
	ck_assert_msg(PROC_EXIT(&p) == fu_cases[_i].status, "status %d: %s",
	    PROC_EXIT(&p), p.err);
	ck_assert_msg(lg_tap_not_ok(p.out, "client_pings"), "%s", p.out);
	if (fu_cases[_i].status == 3)
		ck_assert_ptr_nonnull(strstr(p.err, "below --fail-under"));
	proc_free(&p);
}
END_TEST

/* -v: the trace of a test that passed is shown too. */
START_TEST(verbose_traces)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "-v", "--only",
	    "client_pings", "lab1-udp", "solutions/lab1-udp", NULL};
	struct proc p;

	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 60000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s", p.err);
	ck_assert_ptr_nonnull(strstr(p.out, "PASS client_pings"));
	ck_assert_msg(strstr(p.out, "packet trace (labsniff -r):\n") != NULL &&
	                  strstr(p.out, " UDP len 6 \"ping 1\"") != NULL,
	    "%s", p.out);
	proc_free(&p);
}
END_TEST

/* Every format of a real failing grading, written by the sanitizer
 * build (make test builds build/san/labgrade): no memory error on the
 * way, every file there, the JSON read back. */
static const char *const san_subs[] = {
    "broken/lab1-udp/server-double-reply",
    "broken/lab1-udp/client-nul-in-ping",
};

START_TEST(sanitized_all_formats)
{
	char out[KIT_TMP_MAX], cmd[1024];
	char *argv[] = {"build/san/labgrade", "--format",
	    "text,json,junit,tap,gradescope,autolab", "--format", "csv",
	    "--out", out, "lab1-udp", (char *)kit_bin(san_subs[_i]), NULL};
	struct proc p;

	ck_assert_msg(access(argv[0], X_OK) == 0,
	    "%s is not built (make "
	    "SAN=1 build/san/labgrade)",
	    argv[0]);
	snprintf(out, sizeof out, "%s", kit_tmp("check_labgrade-san-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(out));
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 60000);
	ck_assert_msg(
	    PROC_EXIT(&p) == 0, "status %d: %s", PROC_EXIT(&p), p.err);
	proc_free(&p);
	snprintf(cmd, sizeof cmd,
	    "cd %s && test -s report.txt && test -s "
	    "junit.xml && test -s report.tap && test -s results.json && "
	    "test -s autolab.txt && test -s report.csv && xmllint --noout "
	    "junit.xml && python3 -c 'import json; d=json.load(open(\"report."
	    "json\")); assert 0 < d[\"score\"] < d[\"max_score\"]' && cd / && "
	    "rm -rf %s",
	    out, out);
	ck_assert_msg(lg_sh(cmd, &p, 30000) == 0, "%s", p.err);
	proc_free(&p);
}
END_TEST

/* A command that outlives its deadline: killed with its whole process
 * group (a background child included), within the deadline's reach. */
START_TEST(exec_deadline)
{
	char pidfile[KIT_TMP_MAX], cmd[256], *out;
	char *argv[] = {"sh", "-c", cmd, NULL};
	long long t0;
	struct timespec ts;
	FILE *f;
	snprintf(pidfile, sizeof pidfile, "%s",
	    kit_tmp("check_labgrade-pid-XXXXXX"));
	int st = 0, rc, fd = mkstemp(pidfile), pid = 0, gone = 0, i;

	close(fd);
	snprintf(cmd, sizeof cmd,
	    "sleep 30 & echo $! > %s; echo started; "
	    "wait",
	    pidfile);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	rc = build_exec_capture(argv, NULL, 300, 4096, &out, &st);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 - t0 < 3000,
	    "not stopped at its deadline");
	ck_assert_msg(strstr(out, "started") && strstr(out, "(killed after "
	                                                    "0.3 s)"),
	    "%s", out);
	free(out);
	f = fopen(pidfile, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	unlink(pidfile);
	for (i = 0; i < 200 && !gone; i++) { /* reaped by init: ESRCH */
		char stat[64], line[256] = "";

		snprintf(stat, sizeof stat, "/proc/%d/stat", pid);
		f = fopen(stat, "r");
		if (f == NULL || fgets(line, sizeof line, f) == NULL ||
		    strstr(line, ") Z ") != NULL)
			gone = 1;
		if (f != NULL)
			fclose(f);
		if (!gone)
			usleep(10000);
	}
	ck_assert_msg(gone, "the background sleep %d survived", pid);
}
END_TEST

/* 1 when some process's command line mentions s. */
static int
lg_process_mentions(const char *s)
{
	char path[300], buf[4096];
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int found = 0;

	ck_assert_ptr_nonnull(proc);
	while (!found && (d = readdir(proc)) != NULL) {
		FILE *f;
		size_t n, i;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		found = strstr(buf, s) != NULL;
	}
	closedir(proc);
	return found;
}

/* Ctrl-C in the middle of a grading: exit 1 "interrupted", its build and
 * results folders gone, none of the student's programs left running.
 * (Under /var/tmp: a build folder under /tmp is hidden in the cells.) */
START_TEST(interrupted_cleans_up)
{
	char tmp[KIT_TMP_MAX], cmd[256];
	char *argv[] = {(char *)kit_bin("labgrade"), "lab1-udp",
	    "solutions/lab1-udp", NULL};
	struct proc p;
	struct dirent *d;
	DIR *dir;
	int i, seen = 0, left;

	snprintf(
	    tmp, sizeof tmp, "%s", kit_vartmp("check_labgrade-int-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	chmod(tmp, 0755);
	setenv("TMPDIR", tmp, 1);
	setenv("LABGRADE_TMPDIR", tmp, 1);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	for (i = 0; i < 500 && seen < 2; i++) { /* both folders made */
		dir = opendir(tmp);
		for (seen = 0; dir != NULL && (d = readdir(dir)) != NULL;)
			seen += strncmp(d->d_name, "labgrade-", 9) == 0;
		if (dir != NULL)
			closedir(dir);
		if (seen < 2)
			usleep(10000);
	}
	if (seen < 2) { /* never started: leave nothing behind */
		proc_free(&p);
		rmdir(tmp);
		ck_abort_msg("labgrade made no build and results folders");
	}
	usleep(300000); /* let some tests start: that is the point */
	proc_signal(&p, SIGINT);
	proc_wait(&p, 20000);
	ck_assert_msg(PROC_EXIT(&p) == 1 && strstr(p.err, "interrupted"),
	    "status %d: %s; %s", PROC_EXIT(&p), p.err,
	    p.out_len > 200 ? p.out + p.out_len - 200 : p.out);
	proc_free(&p);
	for (i = 0, left = 1; i < 200 && left; i++) {
		left = lg_process_mentions(tmp);
		if (left)
			usleep(10000);
	}
	ck_assert_msg(!left, "a process from %s outlived the grading", tmp);
	snprintf(cmd, sizeof cmd, "rmdir %s", tmp); /* fails unless empty */
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A build folder under /tmp would be hidden in the cells: refused. */
START_TEST(cli_build_under_tmp)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "lab1-udp",
	    "solutions/lab1-udp", NULL};
	struct proc p;

	setenv("LABGRADE_TMPDIR", "/tmp", 1);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	ck_assert_ptr_nonnull(strstr(p.err, "outside /tmp"));
	proc_free(&p);
}
END_TEST

/* The engine's own records (a student's NUL, invalid UTF-8, "]]>" and
 * terminal escapes among them) through every format, read back by a
 * real parser. */
static const struct {
	int format;
	const char *check; /* shell command run on the file ($0) */
} fmt_cases[] = {
    {REPORT_JSON,
        "python3 -c 'import json,sys; d=json.load(open(sys.argv"
        "[1])); t=[x for x in d[\"tests\"] if x[\"name\"]==\"nasty\"][0]; "
        "assert t[\"status\"]==\"crashed\"; assert \"\\\\0\" in t[\"students"
        "\"][0][\"stderr_tail\"]' \"$0\""},
    {REPORT_GRADESCOPE, "python3 -c 'import json,sys; d=json.load(open("
                        "sys.argv[1])); assert len(d[\"tests\"])==16' \"$0\""},
    {REPORT_JUNIT, "xmllint --noout \"$0\""},
    {REPORT_AUTOLAB, "tail -n 1 \"$0\" | python3 -c 'import json,sys; "
                     "assert json.load(sys.stdin)[\"scores\"][\"pass\"]==1'"},
    {REPORT_CSV, "python3 -c 'import csv,sys; r=list(csv.reader(open("
                 "sys.argv[1]))); assert len(r)==2 and len(r[0])==19' \"$0\""},
    /* results.tsv: what class mode reads back, numbers and words only */
    {REPORT_TSV, "python3 -c 'import sys; r=[l.split(\"\\t\") for l in "
                 "open(sys.argv[1]).read().splitlines()]; t=[x for x in r "
                 "if x[0]==\"test\"]; assert len(t)==16 and all(len(x)==8 "
                 "for x in t); n=[x for x in t if x[1]==\"nasty\"][0]; "
                 "assert n[2]==\"crashed\" and float(n[4])>0, n' \"$0\""},
    {REPORT_TAP, "grep -q '^not ok 8 - nasty' \"$0\" && ! grep -q "
                 "\"$(printf '\\033')\" \"$0\""},
    {REPORT_TEXT, "grep -q 'crashed: signal 11 (SIGSEGV)' \"$0\" && ! grep -q "
                  "\"$(printf '\\033')\" \"$0\""},
    /* a test that gave up after it started: everything it has, shown */
    {REPORT_TEXT, "sed -n '/^SKIP gave_up/,/^$/p' \"$0\" > \"$0.t\" && "
                  "grep -q 'a client sends 3000 lines' \"$0.t\" && "
                  "grep -q 'its stdout ended with:' \"$0.t\" && "
                  "grep -q '^         listening$' \"$0.t\" && "
                  "grep -q 'reproduce it: ' \"$0.t\" && "
                  "grep -q 'rerun only this test: labgrade --only gave_up' "
                  "\"$0.t\" && rm \"$0.t\""},
    /* killed at a limit: said so, with the limit; never 'status 9' */
    {REPORT_TEXT, "grep -q \"killed by the grader after 2.5 s (this test's "
                  "limit for the program)\" \"$0\" && grep -q 'stopped at "
                  "its CPU time limit (5 s of CPU): killed by signal 24 "
                  "(SIGXCPU)' \"$0\" && ! grep -q 'status 9' \"$0\""},
    {REPORT_JSON,
        "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
        "t=[x for x in d[\"tests\"] if x[\"name\"]==\"killed\"][0]; "
        "s=t[\"students\"][0]; assert s[\"outcome\"].startswith(\"killed "
        "by the grader after 2.5 s\"), s; assert s[\"signal_name\"]==\""
        "SIGKILL\"' \"$0\""},
};

START_TEST(engine_formats)
{
	struct report_opts o = {.argv0 = "labgrade", .csv_header = 1};
	char path[KIT_TMP_MAX], err[256];
	char *argv[] = {"sh", "-c", (char *)fmt_cases[_i].check, path, NULL};
	struct report rep;
	struct proc p;
	FILE *f;
	int fd;

	ck_assert_int_eq(fk_grade(&fk_lab, 1, NULL, &rep, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s", kit_tmp("check_labgrade-fmt-XXXXXX"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_int_eq(report_write(fmt_cases[_i].format, f, &rep, &o), 0);
	fclose(f);
	engine_cleanup(&rep);
	report_free(&rep);
	ck_assert_int_eq(proc_start(&p, argv), 0);
	proc_wait(&p, 20000);
	ck_assert_msg(PROC_EXIT(&p) == 0, "%s does not check: %s %s",
	    report_format_name(fmt_cases[_i].format), p.out, p.err);
	proc_free(&p);
	unlink(path);
}
END_TEST

/*
 * --seed varies the faults that follow it (labgrade.1, Seeds) and
 * repeats them: the value after OPT in the test's labpeer command, run
 * with seed 1 twice and seed 2 once on the reference.
 */
static const struct {
	const char *lab, *dir, *test, *opt;
} seed_cases[] = {
    {"lab1-udp", "solutions/lab1-udp", "client_timeouts", "--drop "},
    {"lab1-udp", "solutions/lab1-udp", "client_rtt", "--delay "},
    {"lab2-tcp", "solutions/lab2-tcp", "client_rtt", "--delay "},
};

/* The fault's value in TEST's repro of labgrade's JSON, into buf. */
static void
seed_fault(int i, const char *seed, char *buf, size_t n)
{
	char *argv[] = {(char *)kit_bin("labgrade"), "--only",
	    (char *)seed_cases[i].test, "--seed", (char *)seed, "--format",
	    "json", (char *)seed_cases[i].lab, (char *)seed_cases[i].dir, NULL};
	char name[96];
	const char *t, *r, *v;
	struct proc p;

	ck_assert_int_eq(proc_run(&p, argv, 60000), 0);
	ck_assert_msg(PROC_EXIT(&p) == 0, "labgrade: %s", p.err);
	snprintf(name, sizeof name, "\"name\": \"%s\"", seed_cases[i].test);
	t = strstr(p.out, name);
	ck_assert_msg(t != NULL, "no %s in %.500s", name, p.out);
	ck_assert_msg(
	    strstr(t, "\"status\": \"passed\"") == strstr(t, "\"status\": "),
	    "%s did not pass: %.800s", seed_cases[i].test, t);
	r = strstr(t, "\"repro\": ");
	v = r != NULL ? strstr(r, seed_cases[i].opt) : NULL;
	ck_assert_msg(v != NULL, "no %s in %.800s", seed_cases[i].opt, t);
	v += strlen(seed_cases[i].opt);
	snprintf(buf, n, "%.*s", (int)strspn(v, "0123456789"), v);
	ck_assert_msg(buf[0] != '\0', "%.200s", v);
	proc_free(&p);
}

START_TEST(seed_varies_faults)
{
	char a[16], b[16], c[16];

	seed_fault(_i, "1", a, sizeof a);
	seed_fault(_i, "1", b, sizeof b);
	seed_fault(_i, "2", c, sizeof c);
	ck_assert_msg(strcmp(a, b) == 0, "%s: seed 1 gave %s%s, then %s%s",
	    seed_cases[_i].test, seed_cases[_i].opt, a, seed_cases[_i].opt, b);
	ck_assert_msg(strcmp(a, c) != 0, "%s: seeds 1 and 2 both gave %s%s",
	    seed_cases[_i].test, seed_cases[_i].opt, a);
}
END_TEST

/* The name of a results folder in dir other than skip, once there is
 * one (at most 60 s); 0 when there was none. */
static int
lg_results_dir(const char *dir, const char *skip, char *name, size_t len)
{
	struct dirent *d;
	DIR *dp;
	int i;

	for (i = 0; i < 6000; i++) {
		dp = opendir(dir);
		name[0] = '\0';
		while (
		    dp != NULL && name[0] == '\0' && (d = readdir(dp)) != NULL)
			if (strncmp(d->d_name, RESULTS_DIR_PREFIX,
			        strlen(RESULTS_DIR_PREFIX)) == 0 &&
			    strcmp(d->d_name, skip) != 0)
				snprintf(name, len, "%s", d->d_name);
		if (dp != NULL)
			closedir(dp);
		if (name[0] != '\0')
			return 1;
		usleep(10000);
	}
	return 0;
}

/* dir/name as a folder last touched twice RESULTS_STALE_S ago. */
static void
lg_make_old(const char *dir, const char *name)
{
	struct timespec t[2];
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= 2 * RESULTS_STALE_S;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* 1 when dir/name exists. */
static int
lg_exists(const char *dir, const char *name)
{
	struct stat st;
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* A SIGKILLed grading removes nothing: the next grading sweeps its
 * results folder (unlocked, old), but never a live grading's (locked,
 * however old; here one stopped in the middle of its tests). */
START_TEST(killed_results_swept)
{
	char tmp[KIT_TMP_MAX], killed[256], live[256], cmd[KIT_TMP_MAX + 256];
	char *full[] = {(char *)kit_bin("labgrade"), "lab1-udp",
	    "solutions/lab1-udp", NULL};
	char *quick[] = {(char *)kit_bin("labgrade"), "--only", "server_usage",
	    "lab1-udp", "solutions/lab1-udp", NULL};
	struct proc a, b, c;
	int i, fd;

	snprintf(
	    tmp, sizeof tmp, "%s", kit_vartmp("check_labgrade-kill-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	chmod(tmp, 0755);
	setenv("TMPDIR", tmp, 1);
	setenv("LABGRADE_TMPDIR", tmp, 1);
	/* A: killed in the middle of its tests. */
	ck_assert_int_eq(proc_start(&a, full), 0);
	ck_assert_msg(lg_results_dir(tmp, "", killed, sizeof killed),
	    "labgrade made no results folder");
	usleep(300000); /* some tests started: that is the point */
	proc_signal(&a, SIGKILL);
	proc_wait(&a, 10000);
	proc_free(&a);
	ck_assert_msg(lg_exists(tmp, killed), "%s: nothing to sweep", killed);
	/* A's runners write there too, and hold its lock, until their
	 * tests end (at most their budget and grace). */
	snprintf(cmd, sizeof cmd, "%s/%s", tmp, killed);
	fd = open(cmd, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < 900 && flock(fd, LOCK_EX | LOCK_NB) < 0; i++)
		usleep(100000);
	close(fd);
	ck_assert_msg(
	    i < 900, "%s stayed locked after its grading died", killed);
	lg_make_old(tmp, killed);
	/* B: the next grading sweeps it; stopped in the middle, it is live. */
	ck_assert_int_eq(proc_start(&b, full), 0);
	ck_assert_msg(lg_results_dir(tmp, killed, live, sizeof live),
	    "the second labgrade made no results folder");
	proc_signal(&b, SIGSTOP);
	ck_assert_msg(!lg_exists(tmp, killed), "%s was not swept", killed);
	lg_make_old(tmp, live);
	/* C: a whole grading while B lives: B's folder stays. */
	ck_assert_int_eq(proc_run(&c, quick, 60000), 0);
	ck_assert_msg(PROC_EXIT(&c) == 0, "%s", c.err);
	proc_free(&c);
	ck_assert_msg(
	    lg_exists(tmp, live), "a live grading's %s was swept", live);
	proc_signal(&b, SIGCONT);
	proc_wait(&b, 90000);
	ck_assert_msg(!b.timed_out, "the stopped grading did not end");
	proc_free(&b);
	ck_assert_msg(!lg_exists(tmp, live), "%s outlived its grading", live);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *
labgrade_suite(void)
{
	Suite *s = suite_create("labgrade");
	TCase *tc;

	tc = tcase_create("engine");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, engine_outcomes);
	tcase_add_test(tc, engine_only);
	tcase_add_test(tc, engine_ran_nothing);
	tcase_add_test(tc, engine_cycle);
	tcase_add_test(tc, engine_refuses_nofork);
	tcase_add_test(tc, engine_rtt_lower_bound);
	tcase_add_test(tc, engine_ns_cell);
	tcase_add_loop_test(tc, engine_busy_is_not_a_fail, 0, 2);
	tcase_add_loop_test(tc, engine_starved_overrun, 0, 2);
	tcase_add_loop_test(tc, engine_overrun_decides, 0,
	    (int)(sizeof ovr_cases / sizeof ovr_cases[0]));
	tcase_add_test(tc, seeds_derived);
	tcase_add_test(tc, engine_build_hint_once);
	tcase_add_test(tc, engine_build_hint_blank_kit);
	tcase_add_loop_test(tc, engine_commands, 0,
	    (int)(sizeof cmd_cases / sizeof cmd_cases[0]));
	tcase_add_loop_test(tc, engine_formats, 0,
	    (int)(sizeof fmt_cases / sizeof fmt_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("rubric");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(
	    tc, rubric_checked, 0, (int)(sizeof rb_cases / sizeof rb_cases[0]));
	tcase_add_test(tc, rubric_hash_follows_edits);
	tcase_add_test(tc, rubric_hidden_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, build_cases, 0, BK_NCASES);
	tcase_add_test(tc, build_cannot_run);
	tcase_add_test(tc, exec_deadline);
	suite_add_tcase(s, tc);
	tc = tcase_create("cli");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(
	    tc, cli_statuses, 0, (int)(sizeof cli_cases / sizeof cli_cases[0]));
	tcase_add_test(tc, cli_refuses_nofork);
	tcase_add_test(tc, registry_is_the_folders);
	tcase_add_test(tc, cli_build_under_tmp);
	tcase_add_test(tc, kit_readable);
	tcase_add_test(tc, gradescope_setup_private);
	suite_add_tcase(s, tc);
	tc = tcase_create("programs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, gradescope_autograder);
	tcase_add_test(tc, gradescope_submission);
	tcase_add_test(tc, failure_shows_trace);
	tcase_add_test(tc, failure_commands_run);
	tcase_add_loop_test(tc, trace_every_packet, 0, 2);
	tcase_add_test(tc, stray_headline_and_client);
	tcase_add_test(tc, grading_as_nobody);
	tcase_add_test(tc, grading_as_userns_root);
	tcase_add_loop_test(
	    tc, fail_under, 0, (int)(sizeof fu_cases / sizeof fu_cases[0]));
	tcase_add_test(tc, verbose_traces);
	tcase_add_loop_test(tc, seed_varies_faults, 0,
	    (int)(sizeof seed_cases / sizeof seed_cases[0]));
	tcase_add_test(tc, interrupted_cleans_up);
	tcase_add_test(tc, killed_results_swept);
	tcase_add_loop_test(tc, sanitized_all_formats, 0,
	    (int)(sizeof san_subs / sizeof san_subs[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("class");
	tcase_set_timeout(tc, 200);
	tcase_add_test(tc, class_mode);
	tcase_add_test(tc, class_hostile);
	tcase_add_test(tc, class_dashboard_browser);
	suite_add_tcase(s, tc);
	return s;
}
