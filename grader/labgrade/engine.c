/*
 * The engine: every test of a lab becomes a Check test run in fork mode
 * with the test's budget as its timeout.  Tests run in parallel, one
 * runner process per test with its own srunner and its own cell slot, at
 * most opt->runners at once; prerequisites run first and decide whether
 * their dependents run.  Each test child leaves a record (grade.c) that
 * the engine combines with Check's verdict into the report.
 *
 * CPU share: tests marked NEED_TIMING run at normal priority, every other
 * test (its runner, cell and student programs) at nice +GRADE_NICE, so a
 * busy machine takes its CPU from the untimed tests first.
 */
/* _GNU_SOURCE: syscall(SYS_pidfd_open), prctl(PR_SET_PDEATHSIG), asprintf */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "record.h"
#include "param.h"
#include "rng.h" /* splitmix64: the seed of each test */
#include "cgroup.h"
#include "cell-fallback.h"

struct engine_ctx {
	const struct grade_lab *lab;
	const struct grade_sub *sub;
	const struct engine_opts *opt;
	char results[PATH_MAX]; /* private results folder */
	int dir_fd;
	int slot; /* cell slot of the test a runner runs */
	/* The report's commands, runnable from our working folder. */
	char peer[PATH_MAX];   /* labpeer: on PATH, relative or absolute */
	char subdir[PATH_MAX]; /* the submission folder as given, or "" */
};

enum engine_state { ES_PENDING, ES_RUNNING, ES_DONE };

struct engine_runner {
	pid_t pid; /* 0: this runner slot is free */
	int pidfd;
	size_t test;
	double started, deadline;
};

/* Check calls a test function with its loop index only: the runner
 * process points this at its context before srunner_run(). */
static const struct engine_ctx *engine_cur;

static double
engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t
engine_test_seed(uint64_t seed, const char *name)
{
	return rng_nth(seed ^ grade_hash64(0, name, strlen(name)), 1);
}

static int
engine_budget(const struct grade_test *t)
{
	return t->budget_s > 0 ? t->budget_s : GRADE_BUDGET_S;
}

/* Check's timeout: the budget, and room for the watcher's extension
 * (grade-sched.c), which ends the test before when it runs out. */
static int
engine_hard_budget(const struct grade_test *t)
{
	int b = engine_budget(t);

	return b + (b * GRADE_STRETCH_PCT + 99) / 100;
}

/*
 * Can uid read the kit's reference solutions or its tests (the labs'
 * sources under grader/labs: hidden tests, the broken submissions'
 * edits of the references; under Landlock when the cell's programs
 * are)?  Asked in a child, with open(2): Landlock does not answer
 * access(2).
 */
int
engine_kit_readable(const char *kit, uid_t uid, int landlock)
{
	static const char *const secret[] = {"solutions", "grader/labs", NULL};
	char path[PATH_MAX];
	pid_t pid;
	int st, i, fd;

	if (kit == NULL)
		return 0;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 ||
		    setuid(uid) < 0 ||
		    (landlock && cell_landlock(NULL, NULL) < 0))
			_exit(1);
		for (i = 0; secret[i] != NULL; i++) {
			snprintf(path, sizeof path, "%s/%s", kit, secret[i]);
			if ((fd = open(path, O_RDONLY | O_DIRECTORY)) >= 0)
				_exit(0);
		}
		_exit(1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* What a fallback cell isolates and what it does not, for every report. */
static void
engine_fallback_note(
    const struct grade_sub *sub, const struct cell *c, char *buf, size_t len)
{
	char files[160];

	if (c->landlock > 0)
		snprintf(files, sizeof files,
		    _("Landlock (ABI %d) lets them read only /usr, /etc, "
		      "/proc, "
		      "the /bin and /lib links and their own folder"),
		    c->landlock);
	else
		snprintf(files, sizeof files,
		    _("no Landlock in this kernel: every file that uid may "
		      "read"));
	if (c->switch_uid)
		snprintf(buf, len,
		    _("sandbox: fallback (no namespaces): student programs run "
		      "as uid %u without the controlling terminal, with "
		      "rlimits (CPU, memory and processes per process, files, "
		      "output), the seccomp filter and a deadline; files: %s "
		      "(%s); NOT isolated: the host's network (loopback and "
		      "beyond: they may listen on any address) and its /proc; "
		      "why: %s"),
		    (unsigned)c->uid, files,
		    engine_kit_readable(sub->kit, c->uid, c->landlock)
		        ? _("the kit's solutions or tests ARE readable to it: "
		            "chmod 700 the kit")
		        : _("the kit's solutions and tests are not"),
		    c->why);
	else
		snprintf(buf, len,
		    _("sandbox: fallback (no namespaces): --unsafe-no-sandbox: "
		      "student programs run as YOUR uid, without the "
		      "controlling "
		      "terminal, with rlimits, the seccomp filter and a "
		      "deadline; NOT "
		      "isolated: your files, the host's network and /proc; "
		      "why: %s"),
		    c->why);
}

/* In Check's test child: open the cell, run the test, record the end. */
static void
engine_child(const struct engine_ctx *x, int idx)
{
	const struct grade_test *t = &x->lab->tests[idx];
	struct grade g;
	struct cell cell;
	char name[128], why[1024];

	/* Should our runner die (killed at its deadline), so do we, and
	 * with us the cell's init and everything in the cell. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	memset(&g, 0, sizeof g);
	memset(&cell, 0, sizeof cell);
	g.test = t;
	g.sub = x->sub;
	g.seed = engine_test_seed(x->sub->seed, t->name);
	g.dir_fd = x->dir_fd;
	g.results = x->results;
	snprintf(name, sizeof name, "%s.rec", t->name);
	g.rec_fd = openat(x->dir_fd, name, O_WRONLY | O_APPEND | O_CLOEXEC);
	/* Before the cell: its setup is the grader's work, and a process
	 * in the cell's PID namespace can start no thread to watch. */
	grade_sched_start(g.rec_fd, engine_budget(t) * 1000.0);
	if (cell_open(&cell, x->slot,
	        (x->sub->force_fallback ? CELL_FORCE_FALLBACK : 0) |
	            (x->sub->unsafe ? CELL_UNSAFE : 0)) < 0) {
		snprintf(why, sizeof why,
		    _("could not open the test's cell: %s%s%s"),
		    strerror(errno), cell.why[0] != '\0' ? ": " : "", cell.why);
		grade_record_end(&g, GS_ERROR, why);
		return;
	}
	g.cell = &cell;
	grade_sched_cell(&cell);
	/* Memory or processes bounded per process only, where the cell
	 * should have had a cgroup: the report says so. */
	cell_cgroup_note(&cell, cell.switch_uid, why, sizeof why);
	if (why[0] != '\0')
		grade_record(&g, "limits", why);
	if (cell.mode == CELL_FALLBACK) {
		engine_fallback_note(x->sub, &cell, why, sizeof why);
		grade_record(&g, "cell", why);
		if (t->needs & NEED_NS) {
			snprintf(why, sizeof why,
			    _("needs private network "
			      "namespaces, which this machine refuses (%s)"),
			    cell.why);
			grade_not_here(&g, why);
		}
	}
	t->run(&g);
	grade_record_end(&g, GS_PASSED, NULL);
}

START_TEST(engine_check_test)
{
	engine_child(engine_cur, _i);
}
END_TEST

/* Our srunner takes no orders from the environment a caller set for its
 * own Check run (CK_RUN_CASE, CK_TAP_LOG_FILE_NAME, ...). */
static void
engine_clear_check_env(void)
{
	static const char *const vars[] = {"CK_RUN_SUITE", "CK_RUN_CASE",
	    "CK_INCLUDE_TAGS", "CK_EXCLUDE_TAGS", "CK_DEFAULT_TIMEOUT",
	    "CK_TIMEOUT_MULTIPLIER", "CK_LOG_FILE_NAME", "CK_XML_LOG_FILE_NAME",
	    "CK_TAP_LOG_FILE_NAME", "CK_SUBUNIT_LOG_FILE_NAME", "CK_VERBOSITY",
	    "CK_FORK", NULL};
	size_t i;

	for (i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
}

/* Did the test's record end as grade_busy() ends it, or as
 * engine_starved() found it, or did it end without a status (killed at
 * Check's limit) after a timer woke too late?  Not when its watcher
 * ended it: it had its budget and the measured wait on top. */
static int
engine_was_busy(const struct engine_ctx *x, const char *name)
{
	char path[PATH_MAX + 160], line[64];
	int busy = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.rec", x->results, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	int late = 0, status = 0, overrun = 0;

	while (fgets(line, sizeof line, f) != NULL) {
		busy |= strncmp(line, "busy ", 5) == 0;
		late |= strncmp(line, "late ", 5) == 0;
		busy |= strncmp(line, "starved ", 8) == 0;
		status |= strncmp(line, "status ", 7) == 0;
		overrun |= strncmp(line, "overrun ", 8) == 0;
	}
	fclose(f);
	return busy || (late && !status && !overrun);
}

/* 1 when the test's record ends with a status of its own. */
static int
engine_has_status(const struct engine_ctx *x, const char *name)
{
	char path[PATH_MAX + 160], line[64];
	int status = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.rec", x->results, name);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		status |= strncmp(line, "status ", 7) == 0;
	fclose(f);
	return status;
}

/*
 * The test ran out of time before its record got a status: ended by its
 * watcher at its budget (counted from the open cell) and the extension
 * the grader's CPU wait earned it ("overrun": the submission's TIME), or
 * by Check at its hard limit, the setup too long or the extension still
 * growing: whose, engine_overrun() says from what the watcher saw, the
 * whole setup counted as the grader's wait (the machine's: "starved",
 * ERR, retried once).  The record says how long the grader waited and
 * what that changed.
 */
static void
engine_starved(const struct engine_ctx *x, const struct grade_test *t,
    struct grade *g, SRunner *sr)
{
	double wait, cpu, setup, ext, budget_ms = engine_budget(t) * 1000.0;
	TestResult **res = srunner_results(sr);
	char line[GRADE_LINE_MAX];
	int overrun, timeout, opened;

	timeout = srunner_ntests_run(sr) == 1 && res != NULL &&
	          tr_msg(res[0]) != NULL &&
	          strstr(tr_msg(res[0]), "timeout") != NULL;
	free(res);
	grade_sched_seen(&wait, &cpu, &overrun);
	grade_sched_setup(&setup, &opened);
	if ((!timeout && !overrun) || engine_has_status(x, t->name))
		return;
	ext = grade_sched_extension(budget_ms, wait, cpu);
	/* Check's limit before the cell was even open: the student's
	 * programs never ran, so no CPU of theirs can explain it. */
	if (!opened && setup >= 0)
		cpu = 0;
	/* The cell's setup is the grader's own work, all of it. */
	if (!overrun && setup >= 0 &&
	    engine_overrun(budget_ms, wait + setup, cpu) == GS_ERROR) {
		snprintf(line, sizeof line,
		    _("the cell's setup took %.1f s and the grader's own steps "
		      "waited %.1f s for a CPU in the test's %d s budget, the "
		      "submission's programs used %.1f s of CPU"),
		    setup / 1000, wait / 1000, engine_budget(t), cpu / 1000);
		grade_record(g, "explain", line);
		grade_record(g, "starved", "1");
	} else if (ext >= 100) {
		snprintf(line, sizeof line,
		    _("the %d s budget was extended by %.1f s, the time the "
		      "grader's own steps waited for a CPU (measured, net of "
		      "the %.1f s of CPU the submission's programs used)"),
		    engine_budget(t), ext / 1000, cpu / 1000);
		grade_record(g, "explain", line);
	} else if (cpu < 0 && wait * 100 >= budget_ms * GRADE_STARVED_PCT) {
		snprintf(line, sizeof line,
		    _("the grader's own steps waited %.1f s for a CPU in the "
		      "test's %d s budget; without the cell's CPU account "
		      "(a cgroup, as root) the grader cannot tell whether the "
		      "submission made it wait, so the timeout stays the "
		      "submission's"),
		    wait / 1000, engine_budget(t));
		grade_record(g, "explain", line);
	}
}

/* A runner process: one srunner, one test, Check's verdict recorded
 * (a run too busy to judge is run once more). */
static void __attribute__((noreturn))
engine_runner(struct engine_ctx *x, size_t idx)
{
	const struct grade_test *t = &x->lab->tests[idx];
	struct grade g = {.rec_fd = -1};
	TestResult **res;
	char name[128], line[GRADE_LINE_MAX];
	SRunner *sr;
	Suite *s;
	TCase *tc;
	int devnull, attempt;

	engine_clear_check_env();
	signal(SIGINT, SIG_DFL); /* the caller's handlers are its own */
	signal(SIGTERM, SIG_DFL);
	if (!(t->needs & NEED_TIMING) && nice(GRADE_NICE) == -1)
		errno = 0; /* a lower priority is only a courtesy */
	devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0) { /* our reports may be on stdout */
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	}
	snprintf(name, sizeof name, "%s.rec", t->name);
	g.rec_fd = openat(x->dir_fd, name,
	    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	engine_cur = x;
	if (grade_sched_init() < 0)
		errno = 0; /* no watcher: Check's timeout alone */
	for (attempt = 0;; attempt++) {
		s = suite_create("labgrade");
		tc = tcase_create(t->name);
		tcase_set_timeout(tc, engine_hard_budget(t));
		tcase_add_loop_test(
		    tc, engine_check_test, (int)idx, (int)idx + 1);
		suite_add_tcase(s, tc);
		sr = srunner_create(s);
		srunner_set_fork_status(sr, CK_FORK);
		srunner_run(sr, "labgrade", t->name, CK_SILENT);
		engine_starved(x, t, &g, sr);
		/* Too busy to judge (grade.c's grade_busy): once more, on a
		 * clean record that says so. */
		if (attempt > 0 || !engine_was_busy(x, t->name))
			break;
		srunner_free(sr);
		if (ftruncate(g.rec_fd, 0) < 0)
			break;
		grade_record(&g, "explain",
		    "(run twice: the first run was too busy to judge)");
	}
	res = srunner_results(sr);
	if (srunner_ntests_run(sr) == 1 && res != NULL)
		snprintf(line, sizeof line, "%d %s", tr_rtype(res[0]),
		    tr_msg(res[0]) != NULL ? tr_msg(res[0]) : "");
	else
		snprintf(line, sizeof line, "-1 Check ran no test");
	grade_record(&g, "check", line);
	free(res);
	srunner_free(sr);
	_exit(0);
}

static int
engine_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static int
engine_spawn(
    struct engine_ctx *x, struct engine_runner *r, size_t test, int slot)
{
	pid_t pid;

	fflush(NULL);
	x->slot = slot;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		engine_runner(x, test);
	r->pid = pid;
	r->pidfd = engine_pidfd(pid);
	r->test = test;
	r->started = engine_now();
	r->deadline = r->started +
	              2 * engine_hard_budget(&x->lab->tests[test]) +
	              GRADE_RUNNER_GRACE_S; /* a busy run is retried once */
	return 0;
}

static char *
engine_strdup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		abort();
	return d;
}

static ssize_t
engine_find(const struct grade_lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->ntests; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

static void
engine_decide(struct report_test *t, enum engine_state *st, enum grade_status s,
    const char *reason)
{
	t->status = s;
	free(t->reason);
	t->reason = engine_strdup(reason);
	*st = ES_DONE;
}

/* The status a failed test gets from what its student programs did. */
static enum grade_status
engine_refine(const struct report_test *t)
{
	size_t i;

	for (i = 0; i < t->nstudent; i++) {
		switch (t->student[i].kind) {
		case RUN_SIGNALED:
			return GS_CRASHED;
		case RUN_TIMEOUT:
			return GS_TIMEOUT;
		case RUN_MEMORY:
			return GS_KILLED_MEMORY;
		case RUN_OUTPUT:
			return GS_KILLED_OUTPUT;
		default:
			break;
		}
	}
	return GS_FAILED;
}

/* The test's record and Check's verdict make the test's status. */
static void
engine_combine(struct report_test *t, const struct grade_test *gt, int seen,
    int rtype, const char *msg, int wstatus)
{
	char why[GRADE_LINE_MAX + 64];
	/* Check's timeout, or the watcher's end of the test at its budget
	 * (Check saw a SIGKILL then): the latter had its budget and the
	 * grader's measured CPU wait on top, late timers or not, so it is
	 * the submission's TIME (as on an idle machine). */
	int timed_out = strstr(msg, "timeout") != NULL || (seen & 16);

	if (!(seen & 2)) {
		if (WIFSIGNALED(wstatus))
			snprintf(why, sizeof why,
			    _("the test's runner was killed by signal %d (%s)"),
			    WTERMSIG(wstatus),
			    report_signal_name(WTERMSIG(wstatus)));
		else
			snprintf(why, sizeof why,
			    _("the test's runner exited with status %d "
			      "without a verdict"),
			    WEXITSTATUS(wstatus));
		t->status = GS_ERROR;
	} else if (seen & 1) {
		if (t->status == GS_FAILED)
			t->status = engine_refine(t);
		if (t->status == GS_PASSED && rtype != CK_PASS) {
			snprintf(why, sizeof why,
			    _("the grader failed after the "
			      "test passed: %s"),
			    msg);
			t->status = GS_ERROR;
		} else {
			return;
		}
	} else if (timed_out && !(seen & 16) && (seen & 4)) {
		snprintf(why, sizeof why,
		    _("grader: this machine was too busy to run the test "
		      "fairly (a timer in the test's cell woke over %d ms "
		      "late, "
		      "and the test ran out of its %d s budget): not counted "
		      "against the submission"),
		    GRADE_BUSY_MS, engine_budget(gt));
		t->status = GS_ERROR;
	} else if (timed_out && !(seen & 16) && (seen & 8)) {
		snprintf(why, sizeof why,
		    _("grader: this machine was too busy to run the test "
		      "fairly (the grader's own steps waited for a CPU over "
		      "%d %% of the test's %d s budget, not because of the "
		      "submission's CPU use): not counted against the "
		      "submission"),
		    GRADE_STARVED_PCT, engine_budget(gt));
		t->status = GS_ERROR;
	} else if (timed_out) {
		snprintf(why, sizeof why,
		    _("the test did not finish within its "
		      "%d s budget"),
		    engine_budget(gt));
		t->status = GS_TIMEOUT;
	} else {
		snprintf(why, sizeof why,
		    _("the grader failed in this test: %s"),
		    rtype == CK_PASS ? "the test ended without a result" : msg);
		t->status = GS_ERROR;
	}
	free(t->reason);
	t->reason = engine_strdup(why);
}

/* path relative to the folder cwd (both absolute, canonical). */
static void
engine_relative(const char *cwd, const char *path, char *out, size_t len)
{
	const char *c = cwd, *p = path;
	size_t cl, pl, n = 0;

	for (;;) { /* c and p at a '/' (or the end): skip common parts */
		cl = strcspn(c + (*c == '/'), "/");
		pl = strcspn(p + (*p == '/'), "/");
		if (*c != '/' || *p != '/' || cl == 0 || cl != pl ||
		    strncmp(c + 1, p + 1, cl) != 0)
			break;
		c += 1 + cl;
		p += 1 + pl;
	}
	out[0] = '\0';
	for (; *c == '/' && c[1] != '\0'; c += 1 + strcspn(c + 1, "/"))
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "../");
	if (n == 0 && strchr(p + (*p == '/'), '/') == NULL)
		n += (size_t)snprintf(out, len, "./");
	snprintf(out + (n < len ? n : len - 1), n < len ? len - n : 1, "%s",
	    p + (*p == '/'));
}

/* 1 when the first `name` on PATH is the very file `path`. */
static int
engine_on_path(const char *name, const char *path)
{
	const char *env = getenv("PATH"), *d;
	struct stat want, st;
	char cand[PATH_MAX];
	size_t n;

	if (env == NULL || stat(path, &want) < 0)
		return 0;
	for (d = env; *d != '\0'; d += n + (d[n] == ':')) {
		n = strcspn(d, ":");
		snprintf(
		    cand, sizeof cand, "%.*s/%s", (int)n, n ? d : ".", name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return st.st_dev == want.st_dev &&
			       st.st_ino == want.st_ino;
	}
	return 0;
}

/* The shortest runnable spelling of an absolute path from here. */
static void
engine_display_path(const char *name, const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX], rel[PATH_MAX];

	if (engine_on_path(name, path)) {
		snprintf(out, len, "%s", name);
		return;
	}
	if (path[0] != '/' || getcwd(cwd, sizeof cwd) == NULL) {
		report_shell_word(out, len, path);
		return;
	}
	engine_relative(cwd, path, rel, sizeof rel);
	report_shell_word(out, len, strlen(rel) < strlen(path) ? rel : path);
}

/* What the report's commands call things, from our working folder. */
static void
engine_command_names(struct engine_ctx *x)
{
	const struct grade_sub *sub = x->sub;
	char dir[PATH_MAX];
	size_t n;

	snprintf(x->peer, sizeof x->peer, "labpeer");
	if (sub->labpeer != NULL)
		engine_display_path(
		    "labpeer", sub->labpeer, x->peer, sizeof x->peer);
	x->subdir[0] = '\0';
	if (sub->src == NULL || sub->src[0] == '\0')
		return;
	snprintf(dir, sizeof dir, "%s", sub->src);
	for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = '\0';
	snprintf(x->subdir, sizeof x->subdir, "%s", dir);
}

/* 1 when DIR/bin is missing or older than DIR/bin.c. */
static int
engine_needs_build(const char *dir, const char *bin)
{
	char path[PATH_MAX + 64];
	struct stat b, c;

	snprintf(path, sizeof path, "%s/%s", dir, bin);
	if (stat(path, &b) < 0 || access(path, X_OK) < 0)
		return 1;
	snprintf(path, sizeof path, "%s/%s.c", dir, bin);
	return stat(path, &c) == 0 && c.st_mtime > b.st_mtime;
}

/* One word of a command: labpeer and ./PROGRAM as runnable from here;
 * a program that must be built first is added to `build`. */
static void
engine_word(const struct engine_ctx *x, const char *w, size_t wl, FILE *out,
    FILE *build, unsigned *built)
{
	char path[PATH_MAX * 2], word[PATH_MAX * 2];
	const char *bin;
	size_t k;

	if (wl == 7 && strncmp(w, "labpeer", 7) == 0) {
		fputs(x->peer, out);
		return;
	}
	for (k = 0; k < x->lab->nprograms && x->subdir[0] != '\0'; k++) {
		bin = x->lab->programs[k].name;
		if (wl != 2 + strlen(bin) || strncmp(w, "./", 2) != 0 ||
		    strncmp(w + 2, bin, wl - 2) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", x->subdir, bin);
		report_shell_word(word, sizeof word, path);
		fputs(word, out);
		if (engine_needs_build(x->subdir, bin) &&
		    !(*built & (1u << k))) /* each target once */
			fprintf(build, " %s", bin);
		*built |= 1u << k;
		return;
	}
	fprintf(out, "%.*s", (int)wl, w);
}

/*
 * The kit's Makefile as "make -C DIR -f" should name it: make splits the
 * path of a makefile on blanks (MAKEFILE_LIST), and the lab's Makefile
 * finds ../common through it, so a kit in a folder named "my kit" is
 * named relative to DIR when that has no blank (a submission in the
 * kit: ../../labs/LAB/Makefile), else as it is.
 */
static const char *
engine_makefile_word(const char *dir, const char *mk, char *rel, size_t len)
{
	char abs[PATH_MAX];

	if (mk[0] != '/' || strpbrk(mk, " \t\n") == NULL ||
	    realpath(dir, abs) == NULL)
		return mk;
	engine_relative(abs, mk, rel, len);
	return strpbrk(rel, " \t\n") == NULL ? rel : mk;
}

/* A command line with its words made runnable from here. */
static char *
engine_command(const struct engine_ctx *x, const char *cmd, char **build)
{
	char *buf = NULL, *bbuf = NULL;
	size_t len = 0, blen = 0, wl;
	unsigned built = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *b = open_memstream(&bbuf, &blen);

	if (out == NULL || b == NULL)
		abort();
	while (*cmd != '\0') {
		wl = strcspn(cmd, " ");
		engine_word(x, cmd, wl, out, b, &built);
		cmd += wl;
		for (; *cmd == ' '; cmd++)
			fputc(' ', out);
	}
	fclose(out);
	fclose(b);
	/* The kit's Makefile (-f), never the one in the submission folder:
	 * that would run a student's commands outside any cell. */
	if (build != NULL && bbuf[0] != '\0' && x->sub->makefile != NULL) {
		int here = strcmp(x->subdir, ".") == 0;
		char dir[PATH_MAX], mk[PATH_MAX], rel[PATH_MAX];

		report_shell_word(dir, sizeof dir, x->subdir);
		report_shell_word(mk, sizeof mk,
		    engine_makefile_word(
		        x->subdir, x->sub->makefile, rel, sizeof rel));
		free(*build);
		if (asprintf(build, "make%s%s -f %s%s", here ? "" : " -C ",
		        here ? "" : dir, mk, bbuf) < 0)
			abort();
	}
	free(bbuf);
	return buf;
}

/*
 * The tests write commands as a student types them in the lab's folder
 * (labpeer ... & ./udp_client ...); the report prints them runnable from
 * the folder labgrade was run in: labpeer by its path from here (the
 * kit's tools live in build/, not on PATH), the student's programs in
 * the submission folder, and the programs the test ran under their
 * submission name rather than the private build folder's.
 */
static void
engine_commands(const struct engine_ctx *x, struct report_test *t)
{
	const char *bin = x->sub->bin;
	size_t i, n = bin != NULL ? strlen(bin) : 0;
	char *c;

	if (t->repro != NULL) {
		c = engine_command(x, t->repro, &t->repro_build);
		free(t->repro);
		t->repro = c;
	}
	for (i = 0; i < t->nstudent && n > 0 && x->subdir[0] != '\0'; i++) {
		char *cmd = t->student[i].cmdline;

		if (cmd == NULL || strncmp(cmd, bin, n) != 0 || cmd[n] != '/')
			continue;
		if (asprintf(&c, "%s%s", x->subdir, cmd + n) < 0)
			abort();
		free(cmd);
		t->student[i].cmdline = c;
	}
}

static void
engine_collect(struct engine_ctx *x, struct report *rep, size_t i,
    double seconds, int wstatus)
{
	struct report_test *t = &rep->tests[i];
	char path[PATH_MAX + 160], msg[GRADE_LINE_MAX];
	int rtype = -1, seen;

	snprintf(path, sizeof path, "%s/%s.rec", x->results, t->name);
	msg[0] = '\0';
	seen = grade_record_read(path, t, &rtype, msg, sizeof msg);
	engine_combine(t, &x->lab->tests[i], seen, rtype, msg, wstatus);
	engine_commands(x, t);
	t->started = 1;
	t->seconds = seconds;
	if (t->cell_note != NULL && rep->cell_note == NULL)
		rep->cell_note = engine_strdup(t->cell_note);
	if (t->limits_note != NULL && rep->limits_note == NULL)
		rep->limits_note = engine_strdup(t->limits_note);
}

struct engine_run {
	struct engine_ctx x;
	struct report *rep;
	enum engine_state *state;
	unsigned char *selected, *needed; /* --only; has dependents */
	struct engine_runner runner[GRADE_RUNNERS_MAX];
	int nrunners, running;
	const struct build_result *b;
};

/* 1: ready to run; 0: wait for a prerequisite; -1: decided not to run. */
static int
engine_ready(struct engine_run *e, size_t i, char *why, size_t len)
{
	const struct grade_test *t = &e->x.lab->tests[i];
	const struct grade_sub *sub = e->x.sub;
	const struct grade_program *prog;
	ssize_t p;
	size_t k;

	if (!e->selected[i])
		return snprintf(why, len, _("not selected (--only %s)"),
		           e->x.opt->only),
		       -1;
	if (t->after != NULL) {
		p = engine_find(e->x.lab, t->after);
		if (p < 0)
			return snprintf(why, len,
			           _("unknown prerequisite "
			             "'%s'"),
			           t->after),
			       -1;
		if (e->state[p] != ES_DONE)
			return 0;
		if (e->rep->tests[p].status != GS_PASSED)
			return snprintf(why, len,
			           _("prerequisite %s did not pass "
			             "(%s)"),
			           t->after,
			           report_status_name(e->rep->tests[p].status)),
			       -1;
	}
	for (k = 0; k < e->x.lab->nprograms && k < GRADE_PROGRAMS_MAX; k++) {
		prog = &e->x.lab->programs[k];
		if ((t->needs & (1u << prog->role)) && sub->prog[k] == NULL)
			return snprintf(
			           why, len, _("%s did not build"), prog->name),
			       -1;
	}
	return 1;
}

static int
engine_free_runner(struct engine_run *e)
{
	int k;

	for (k = 0; k < e->nrunners; k++)
		if (e->runner[k].pid == 0)
			return k;
	return -1;
}

/* Start what can start: prerequisites of other tests first, then the
 * timing tests (the long ones: they wait out 1 s deadlines), then the
 * rest.  Returns how many tests were started or decided. */
static int
engine_dispatch(struct engine_run *e)
{
	char why[GRADE_LINE_MAX];
	size_t i, n = e->x.lab->ntests;
	int pass, k, r, moved = 0;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++) {
			if (e->state[i] != ES_PENDING ||
			    (pass == 0 && !e->needed[i]) ||
			    (pass == 1 &&
			        !(e->x.lab->tests[i].needs & NEED_TIMING)))
				continue;
			r = engine_ready(e, i, why, sizeof why);
			e->rep->tests[i].unselected = !e->selected[i];
			if (r < 0) {
				engine_decide(&e->rep->tests[i], &e->state[i],
				    GS_NOT_RUN, why);
				moved++;
				continue;
			}
			k = r > 0 ? engine_free_runner(e) : -1;
			if (k < 0)
				continue;
			if (engine_spawn(&e->x, &e->runner[k], i,
			        e->x.opt->slot_base + k) < 0) {
				engine_decide(&e->rep->tests[i], &e->state[i],
				    GS_ERROR, "fork failed");
				continue;
			}
			e->state[i] = ES_RUNNING;
			e->running++;
			moved++;
		}
	}
	return moved;
}

static void
engine_reap(struct engine_run *e, int k, int wstatus)
{
	struct engine_runner *r = &e->runner[k];

	if (r->pidfd >= 0)
		close(r->pidfd);
	engine_collect(
	    &e->x, e->rep, r->test, engine_now() - r->started, wstatus);
	e->state[r->test] = ES_DONE;
	r->pid = 0;
	e->running--;
}

/* Wait until at least one runner ends (or overstays: killed). */
static void
engine_wait(struct engine_run *e)
{
	struct pollfd pfd[GRADE_RUNNERS_MAX];
	double now = engine_now(), first = now + 3600;
	int k, n = 0, ms, wstatus;

	for (k = 0; k < e->nrunners; k++) {
		if (e->runner[k].pid == 0)
			continue;
		if (e->runner[k].deadline < first)
			first = e->runner[k].deadline;
		if (e->runner[k].pidfd >= 0)
			pfd[n++] =
			    (struct pollfd){e->runner[k].pidfd, POLLIN, 0};
		else
			first = now + 0.02; /* no pidfd: poll waitpid */
	}
	ms = first > now ? (int)((first - now) * 1000) + 1 : 0;
	if (poll(pfd, (nfds_t)n, ms) < 0 && errno != EINTR)
		return;
	now = engine_now();
	for (k = 0; k < e->nrunners; k++) {
		if (e->runner[k].pid == 0)
			continue;
		if (e->runner[k].deadline < now)
			kill(e->runner[k].pid, SIGKILL);
		if (waitpid(e->runner[k].pid, &wstatus, WNOHANG) ==
		    e->runner[k].pid)
			engine_reap(e, k, wstatus);
	}
}

/* --only T: T and the chain of tests it needs; and who has dependents. */
static int
engine_select(struct engine_run *e, char *err, size_t errlen)
{
	const struct grade_lab *lab = e->x.lab;
	ssize_t i, p;

	for (i = 0; i < (ssize_t)lab->ntests; i++) {
		e->selected[i] = e->x.opt->only == NULL;
		if (lab->tests[i].after != NULL &&
		    (p = engine_find(lab, lab->tests[i].after)) >= 0)
			e->needed[p] = 1;
	}
	if (e->x.opt->only == NULL)
		return 0;
	i = engine_find(lab, e->x.opt->only);
	if (i < 0) {
		snprintf(err, errlen,
		    _("%s has no test named '%s' (see "
		      "labgrade --list %s)"),
		    lab->name, e->x.opt->only, lab->name);
		return -1;
	}
	while (i >= 0 && !e->selected[i]) {
		e->selected[i] = 1;
		i = lab->tests[i].after != NULL
		        ? engine_find(lab, lab->tests[i].after)
		        : -1;
	}
	return 0;
}

/*
 * The grading's private results folder in $TMPDIR (or /tmp), locked
 * (flock) until engine_cleanup, by this process and the runners it
 * forks, which write there: the next grading's sweep removes the folders
 * a killed grading left (unlocked, older than RESULTS_STALE_S), never a
 * live one's.
 */
static int
engine_results_dir(
    struct engine_ctx *x, struct report *rep, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	cell_sweep_stale(tmp, RESULTS_DIR_PREFIX, geteuid(), RESULTS_STALE_S);
	snprintf(x->results, sizeof x->results,
	    "%s/" RESULTS_DIR_PREFIX "XXXXXX", tmp);
	if (mkdtemp(x->results) == NULL) {
		snprintf(err, errlen, "%s: %s", x->results, strerror(errno));
		return -1;
	}
	x->dir_fd = open(x->results, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->dir_fd < 0 || flock(x->dir_fd, LOCK_EX) < 0 ||
	    (rep->results_lock = fcntl(x->dir_fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "%s: %s", x->results, strerror(errno));
		return -1;
	}
	return 0;
}

static void
engine_report_init(struct report *rep, const struct grade_lab *lab,
    const struct rubric *rub, const struct grade_sub *sub,
    const struct build_result *b)
{
	size_t i;

	memset(rep, 0, sizeof *rep);
	rep->results_lock = -1;
	rep->lab = engine_strdup(lab->name);
	rep->dir = engine_strdup(sub->src);
	rep->version = engine_strdup(LABGRADE_VERSION);
	rep->seed = sub->seed;
	snprintf(rep->rubric_hash, sizeof rep->rubric_hash, "%s", rub->hash);
	rep->rubric_path = engine_strdup(rub->path);
	rep->build_ok = b->ok;
	rep->count_not_here = rub->count_not_here;
	rep->build_log = b->ok ? NULL : engine_strdup(b->log);
	rep->build_why = b->ok ? NULL : engine_strdup(b->why);
	rep->ntests = lab->ntests;
	rep->tests = calloc(lab->ntests, sizeof *rep->tests);
	if (rep->tests == NULL)
		abort();
	for (i = 0; i < lab->ntests; i++) {
		rep->tests[i].name = engine_strdup(lab->tests[i].name);
		rep->tests[i].summary = engine_strdup(_(lab->tests[i].summary));
		rep->tests[i].max_points =
		    rubric_points(rub, lab->tests[i].name);
		rep->tests[i].visibility =
		    engine_strdup(rubric_visibility(rub, lab->tests[i].name));
		rep->tests[i].status = GS_NOT_RUN;
	}
}

/* Score what ran; a run that ran nothing never looks like full marks. */
static void
engine_totals(struct report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntests; i++) {
		struct report_test *t = &rep->tests[i];

		t->points = t->status == GS_PASSED ? t->max_points : 0;
		if (t->unselected)
			continue;
		if (t->status == GS_NOT_RUN && t->not_here &&
		    !rep->count_not_here) {
			rep->not_here++; /* not the program's doing */
			rep->not_run++;
			continue;
		}
		rep->max_score += t->max_points;
		if (t->status == GS_NOT_RUN)
			rep->not_run++;
		else if (t->status == GS_ERROR)
			rep->errors++;
		else
			rep->ran++;
		if (t->status == GS_PASSED) {
			rep->passed++;
			rep->score += t->points;
		}
	}
	if (rep->ran == 0) {
		rep->ran_nothing = 1;
		rep->score = 0;
	}
}

/* Interrupted: end every runner (their tests and cells die with them). */
static int
engine_stop(struct engine_run *e)
{
	int k, wstatus;

	for (k = 0; k < e->nrunners; k++) {
		if (e->runner[k].pid == 0)
			continue;
		kill(e->runner[k].pid, SIGKILL);
		while (waitpid(e->runner[k].pid, &wstatus, 0) < 0 &&
		       errno == EINTR)
			;
		engine_reap(e, k, wstatus);
	}
	return -1;
}

static int
engine_loop(struct engine_run *e)
{
	size_t i, pending;

	for (;;) {
		if (e->x.opt->stop != NULL && *e->x.opt->stop)
			return engine_stop(e);
		engine_dispatch(e);
		for (pending = 0, i = 0; i < e->x.lab->ntests; i++)
			pending += e->state[i] == ES_PENDING;
		if (e->running == 0 && pending == 0)
			return 0;
		if (e->running == 0) { /* nothing can start: a cycle */
			for (i = 0; i < e->x.lab->ntests; i++)
				if (e->state[i] == ES_PENDING)
					engine_decide(&e->rep->tests[i],
					    &e->state[i], GS_ERROR,
					    "prerequisite cycle");
			return 0;
		}
		engine_wait(e);
	}
}

/* Tests mostly wait (deadlines, peers' pauses), not compute: run
 * GRADE_RUNNERS_PER_CPU per CPU, at least GRADE_RUNNERS_MIN. */
static int
engine_default_runners(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) * GRADE_RUNNERS_PER_CPU;

	if (n < GRADE_RUNNERS_MIN)
		n = GRADE_RUNNERS_MIN;
	return (int)n;
}

int
engine_run(const struct grade_lab *lab, const struct rubric *rub,
    const struct grade_sub *sub, const struct build_result *b,
    const struct engine_opts *opt, struct report *rep, char *err, size_t errlen)
{
	const char *fork_env = getenv("CK_FORK");
	struct engine_run e;
	double t0 = engine_now();
	int rc = -1;

	memset(&e, 0, sizeof e);
	engine_report_init(rep, lab, rub, sub, b);
	if (fork_env != NULL && strcmp(fork_env, "no") == 0) {
		snprintf(err, errlen,
		    _("CK_FORK=no is refused: every test must "
		      "run in a child of its own (unset CK_FORK)"));
		return -1;
	}
	e.x.lab = lab;
	e.x.sub = sub;
	e.x.opt = opt;
	e.x.dir_fd = -1;
	e.rep = rep;
	e.b = b;
	e.nrunners = opt->runners > 0 ? opt->runners : engine_default_runners();
	if (e.nrunners > GRADE_RUNNERS_MAX)
		e.nrunners = GRADE_RUNNERS_MAX;
	e.state = calloc(lab->ntests + 1, sizeof *e.state);
	e.selected = calloc(lab->ntests + 1, 1);
	e.needed = calloc(lab->ntests + 1, 1);
	if (e.state == NULL || e.selected == NULL || e.needed == NULL) {
		snprintf(err, errlen, _("out of memory"));
		goto out;
	}
	if (engine_select(&e, err, errlen) < 0 ||
	    engine_results_dir(&e.x, rep, err, errlen) < 0)
		goto out;
	rep->results = engine_strdup(e.x.results);
	engine_command_names(&e.x);
	/* The tests of one runner slot share its cgroups (as root): made
	 * once, not per test and per run (see cell/cgroup.c). */
	cell_cgroup_keep(getpid());
	rc = engine_loop(&e);
	cell_cgroup_release(getpid());
	if (rc < 0)
		snprintf(err, errlen, _("interrupted"));
	engine_totals(rep);
	rep->seconds = engine_now() - t0;
out:
	if (e.x.dir_fd >= 0)
		close(e.x.dir_fd);
	free(e.state);
	free(e.selected);
	free(e.needed);
	return rc;
}

/* labsniff's reading of each shown trace: failures, or all with -v. */
void
engine_render_traces(struct report *rep, const char *labsniff, int all)
{
	char *argv[4], *out;
	size_t i;
	int st;

	for (i = 0; i < rep->ntests; i++) {
		struct report_test *t = &rep->tests[i];

		if (t->trace_pcap == NULL || t->trace_text != NULL ||
		    (t->status == GS_PASSED && !all))
			continue;
		if (labsniff == NULL || access(labsniff, X_OK) != 0) {
			t->trace_text = engine_strdup("(labsniff is not built: "
			                              "no trace shown)\n");
			continue;
		}
		argv[0] = (char *)labsniff;
		argv[1] = "-r";
		argv[2] = t->trace_pcap;
		argv[3] = NULL;
		if (build_exec_capture(
		        argv, NULL, TRACE_TIMEOUT_MS, TRACE_CAP, &out, &st) < 0)
			continue;
		t->trace_text = out;
	}
}

/* --out DIR: keep each test's capture as DIR/traces/NAME.pcap. */
int
engine_keep_traces(struct report *rep, const char *dir)
{
	char name[PATH_MAX];
	size_t i;
	int in, out, dfd = -1, tfd = -1, rc = 0;

	for (i = 0; i < rep->ntests && rc == 0; i++) {
		struct report_test *t = &rep->tests[i];

		if (t->trace_pcap == NULL || tfd >= 0)
			continue;
		/* traces/ under dir, never through a link planted there */
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 ||
		    (mkdirat(dfd, "traces", 0755) < 0 && errno != EEXIST) ||
		    (tfd = openat(dfd, "traces",
		         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			rc = -1;
	}
	for (i = 0; i < rep->ntests && tfd >= 0; i++) {
		struct report_test *t = &rep->tests[i];

		if (t->trace_pcap == NULL)
			continue;
		snprintf(name, sizeof name, "%s.pcap", t->name);
		in = open(t->trace_pcap, O_RDONLY | O_CLOEXEC);
		out = openat(tfd, name,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0644);
		if (in < 0 || out < 0) {
			rc = -1;
		} else {
			char buf[16384];
			ssize_t n;

			while ((n = read(in, buf, sizeof buf)) > 0)
				if (write(out, buf, (size_t)n) != n) {
					rc = -1;
					break;
				}
		}
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
	}
	if (tfd >= 0)
		close(tfd);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* Remove the results folder (flat: records and traces). */
void
engine_cleanup(struct report *rep)
{
	struct dirent *d;
	DIR *dir;

	if (rep->results == NULL)
		return;
	dir = opendir(rep->results);
	if (dir != NULL) {
		while ((d = readdir(dir)) != NULL)
			if (d->d_name[0] != '.')
				unlinkat(dirfd(dir), d->d_name, 0);
		closedir(dir);
	}
	rmdir(rep->results);
	if (rep->results_lock >= 0)
		close(rep->results_lock);
	rep->results_lock = -1;
}
