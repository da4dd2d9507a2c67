/*
 * The grader graded: build/labgrade, run as a program with --format json,
 * gives every lab's reference solutions full marks (three runs in a row,
 * and two gradings at once), the skeletons 0 on every test, makes
 * each deliberately broken submission (grader/labs/LAB/broken/NAME.edit,
 * one bug each, made into build/broken/LAB/NAME/ by mksub; its EXPECT
 * says where) lose points where it should and on no test of the other
 * side, and classifies hostile submissions (grader/labs/LAB/hostile/,
 * made into build/hostile-subs/LAB/NAME/) within budget, leaving no
 * process.
 */
/* _GNU_SOURCE: memmem() */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "lab.h"
#include "param.h"

#define ST_MAX_TESTS 64     /* tests in one lab */
#define ST_MAX_SUBS 256     /* broken or hostile submissions, all labs */
#define ST_GRADE_MS 60000   /* one grading, at most (it aims at 5 s) */
#define ST_HOSTILE_MS 30000 /* a hostile grading must end by then */
#define ST_RUNNERS "4"      /* labgrade -j: tests at once */
#define ST_RUNS 3           /* gradings of each reference in a row */
static const char *const st_kinds[2] = {"broken", "hostile"};

struct st_test {
	char name[64];
	char status[32]; /* "passed", "failed", "timed_out", ... */
	double points, max;
	int trace;        /* the report has a packet trace */
	char reason[160]; /* why it did not pass, if it did not */
};

struct st_result {
	int rc; /* labgrade's exit status (-1: a signal) */
	double score, max;
	int run, ran_nothing;
	int n;
	struct st_test t[ST_MAX_TESTS];
	double seconds; /* wall clock of the whole grading */
	char err[512];  /* labgrade's stderr, head */
};

/* JSON read with a real parser: python3's json module. */
static const char st_py[] =
    "import json,sys\n"
    "d=json.load(sys.stdin)\n"
    "print('score',d['score'],d['max_score'],d['tests_run'],"
    "int(d['ran_nothing']))\n"
    "for t in d['tests']:\n"
    " print('test',t['name'],t['points'],t['max_points'],"
    "t['status'].replace(' ','_'),int(bool(t.get('trace'))),"
    "(t['reason'] or '-').replace('\\n',' ')[:150])\n";

static void
st_parse(const char *json, struct st_result *res)
{
	char *argv[] = {"python3", "-c", (char *)st_py, NULL};
	struct proc p;
	char *line, *save = NULL;

	ck_assert_msg(
	    proc_start_in(&p, argv, json) == 0, "python3: %s", strerror(errno));
	proc_wait(&p, 10000);
	ck_assert_msg(PROC_EXIT(&p) == 0,
	    "labgrade's JSON does not parse: "
	    "%.300s",
	    p.err);
	for (line = strtok_r(p.out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		struct st_test *t = &res->t[res->n];

		if (sscanf(line, "score %lf %lf %d %d", &res->score, &res->max,
		        &res->run, &res->ran_nothing) == 4)
			continue;
		if (res->n < ST_MAX_TESTS &&
		    sscanf(line, "test %63s %lf %lf %31s %d %159[^\n]", t->name,
		        &t->points, &t->max, t->status, &t->trace,
		        t->reason) >= 5)
			res->n++;
	}
	proc_free(&p);
}

static void
st_start(struct proc *p, const char *lab, const char *dir)
{
	/* -j: the tests mostly wait on deadlines, not on a CPU. */
	char *argv[] = {(char *)kit_bin("labgrade"), "-j", ST_RUNNERS,
	    "--format", "json", (char *)lab, (char *)dir, NULL};

	fflush(NULL);
	ck_assert_msg(proc_start(p, argv) == 0, "cannot start %s: %s", argv[0],
	    strerror(errno));
}

static void
st_finish(struct proc *p, double t0, int ms, struct st_result *res)
{
	memset(res, 0, sizeof *res);
	proc_wait(p, ms);
	res->seconds = harness_now() - t0;
	res->rc = PROC_EXIT(p);
	snprintf(res->err, sizeof res->err, "%s", p->err ? p->err : "");
	ck_assert_msg(!p->timed_out, "labgrade did not end within %d ms", ms);
	ck_assert_msg(
	    res->rc == 0, "labgrade exit status %d: %s", res->rc, res->err);
	st_parse(p->out, res);
	proc_free(p);
	ck_assert_msg(res->n > 0 && !res->ran_nothing, "the grading ran no "
	                                               "test");
}

static void
st_grade(const char *lab, const char *dir, int ms, struct st_result *res)
{
	struct proc p;
	double t0 = harness_now();

	st_start(&p, lab, dir);
	st_finish(&p, t0, ms, res);
}

static const struct st_test *
st_find(const struct st_result *res, const char *name)
{
	int i;

	for (i = 0; i < res->n; i++)
		if (strcmp(res->t[i].name, name) == 0)
			return &res->t[i];
	return NULL;
}

static void
st_full_marks(const char *lab, const struct st_result *res)
{
	int i;

	for (i = 0; i < res->n; i++)
		ck_assert_msg(res->t[i].points == res->t[i].max &&
		                  strcmp(res->t[i].status, "passed") == 0,
		    "%s reference: test %s %s (%g of %g points): %s", lab,
		    res->t[i].name, res->t[i].status, res->t[i].points,
		    res->t[i].max, res->t[i].reason);
	ck_assert_msg(res->score == res->max && res->max > 0,
	    "%s reference: %g of %g", lab, res->score, res->max);
	ck_assert_int_eq(res->run, res->n);
}

/* ---- the reference solutions -------------------------------------- */

START_TEST(reference_full_marks)
{
	const char *lab = lab_at((size_t)_i % lab_count())->name;
	char dir[64];
	struct st_result res;

	snprintf(dir, sizeof dir, "solutions/%s", lab);
	st_grade(lab, dir, ST_GRADE_MS, &res);
	st_full_marks(lab, &res);
}
END_TEST

START_TEST(reference_two_at_once)
{
	const char *lab = lab_at((size_t)_i)->name;
	struct st_result a, b;
	struct proc pa, pb;
	char dir[64];
	double t0 = harness_now();

	snprintf(dir, sizeof dir, "solutions/%s", lab);
	st_start(&pa, lab, dir);
	st_start(&pb, lab, dir);
	st_finish(&pa, t0, ST_GRADE_MS, &a);
	st_finish(&pb, t0, ST_GRADE_MS, &b);
	st_full_marks(lab, &a);
	st_full_marks(lab, &b);
}
END_TEST

/* ---- the skeletons ------------------------------------------------ */

START_TEST(skeleton_scores_zero)
{
	const char *lab = lab_at((size_t)_i)->name;
	struct st_result res;
	char dir[64];
	int i;

	snprintf(dir, sizeof dir, "labs/%s", lab);
	st_grade(lab, dir, ST_GRADE_MS, &res);
	/* Every test: one a skeleton passes by exiting at a TODO (a port
	 * in use, bad arguments) measures nothing of the contract. */
	for (i = 0; i < res.n; i++)
		ck_assert_msg(res.t[i].points == 0, "%s skeleton: %s scored %g",
		    lab, res.t[i].name, res.t[i].points);
}
END_TEST

/* ---- submissions assembled from the reference and one changed file -- */

struct st_sub {
	char name[64];
	char lab[16];
	char side[16];       /* broken: "server" or "client" */
	char fail[256];      /* broken: tests it must fail, ' '-separated */
	char reason[4][160]; /* broken: "TEST TEXT": that test's headline
	                      * holds TEXT (the first violation) */
	int nreason;
	char want[8][96]; /* hostile: "test NAME STATUS": that test ends so;
	                   * "some STATUS": at least one test does */
	int nwant;
};

static char st_names[2][ST_MAX_SUBS][64];
static int st_nnames[2];

static int
st_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The root of the submissions of a kind (0 broken, 1 hostile), as made
 * by mksub (grader/labs/labs.mk). */
static const char *
st_root(int kind)
{
	return kit_bin(kind == 0 ? "broken" : "hostile-subs");
}

/* The entries of dir whose name ends in suffix ("" for folders), as
 * "LAB/NAME" into st_names[k] (NULL: only count them). */
static int
st_list(int k, const char *dir, const char *lab, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t sl = strlen(suffix), nl;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		nl = strlen(e->d_name);
		if (e->d_name[0] == '.' || nl <= sl ||
		    strcmp(e->d_name + nl - sl, suffix) != 0 ||
		    strlen(lab) + nl + 2 > 64)
			continue;
		if (k >= 0 && st_nnames[k] < ST_MAX_SUBS) {
			char *to = st_names[k][st_nnames[k]++];

			strcpy(to, lab); /* fits: checked above */
			strcat(to, "/");
			strcat(to, e->d_name);
		}
		n++;
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* The submissions of a kind, every lab's, sorted, into st_names[k]. */
static void
st_scan(int k)
{
	char dir[PATH_MAX];
	size_t i;

	st_nnames[k] = 0;
	for (i = 0; i < lab_count(); i++) {
		snprintf(dir, sizeof dir, "%s/%s", st_root(k), lab_at(i)->name);
		st_list(k, dir, lab_at(i)->name, "");
	}
	qsort(st_names[k], (size_t)st_nnames[k], 64, st_cmp);
}

/* Every description (grader/labs/LAB/KIND/NAME.edit) was made into a
 * submission: a missing build/broken/ can never pass as "nothing to
 * test". */
START_TEST(all_made)
{
	char dir[PATH_MAX];
	size_t i;
	int n = 0;

	for (i = 0; i < lab_count(); i++) {
		snprintf(dir, sizeof dir, "grader/labs/%s/%s", lab_at(i)->name,
		    st_kinds[_i]);
		n += st_list(-1, dir, lab_at(i)->name, ".edit");
	}
	ck_assert_msg(n > 0 || _i == 1, "no broken submission described");
	ck_assert_msg(st_nnames[_i] == n,
	    "%d %s submissions described, %d made in %s (make %s)", n,
	    st_kinds[_i], st_nnames[_i], st_root(_i), "build/subs.stamp");
}
END_TEST

static void
st_read_expect(const char *root, const char *name, struct st_sub *s)
{
	char path[512], line[256];
	FILE *f;

	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	snprintf(path, sizeof path, "%s/%s/EXPECT", root, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "lab ", 4) == 0)
			snprintf(s->lab, sizeof s->lab, "%.15s", line + 4);
		else if (strncmp(line, "side ", 5) == 0)
			snprintf(s->side, sizeof s->side, "%.15s", line + 5);
		else if (strncmp(line, "fail ", 5) == 0)
			snprintf(s->fail, sizeof s->fail, "%s", line + 5);
		else if (strncmp(line, "reason ", 7) == 0 && s->nreason < 4)
			snprintf(
			    s->reason[s->nreason++], 160, "%.159s", line + 7);
		else if ((strncmp(line, "test ", 5) == 0 ||
		             strncmp(line, "some ", 5) == 0) &&
		         s->nwant < 8)
			snprintf(s->want[s->nwant++], 96, "%.95s", line);
	}
	fclose(f);
	ck_assert_msg(
	    lab_find(s->lab) != NULL, "%s: bad lab '%s'", path, s->lab);
}

static int
st_copy(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n;
	int in = open(from, O_RDONLY), out, rc = 0;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (out < 0)
		rc = -1;
	else
		close(out);
	close(in);
	return rc;
}

/*
 * Mark a source with the submission folder's unique name, so that a
 * process left behind can be told from the programs of gradings that
 * other suites run at the same time: its binary holds the mark.
 */
static void
st_tag(const char *path, const char *dir)
{
	FILE *f = fopen(path, "a");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fprintf(f, "\nconst char *selftest_tag_%s = \"selftest-tag:%s\";\n",
	    strrchr(dir, '.') + 1, dir);
	fclose(f);
}

/* A submission folder: the reference's sources, then the sub's own. */
static void
st_assemble(const char *root, const struct st_sub *s, char *dir, size_t n)
{
	const struct grade_lab *lab = lab_find(s->lab);
	const char *src[64];
	char from[512], to[512];
	int i;

	snprintf(dir, n, "%s", kit_tmp("selftest.XXXXXX"));
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	chmod(dir, 0755);
	ck_assert_ptr_nonnull(lab);
	lab_sources(lab, src, sizeof src / sizeof src[0]);
	for (i = 0; src[i] != NULL; i++) {
		snprintf(to, sizeof to, "%s/%s", dir, src[i]);
		snprintf(from, sizeof from, "%s/%s/%s", root, s->name, src[i]);
		if (access(from, R_OK) != 0)
			snprintf(from, sizeof from, "solutions/%s/%s", s->lab,
			    src[i]);
		ck_assert_msg(st_copy(from, to) == 0, "copy %s: %s", from,
		    strerror(errno));
		st_tag(to, dir);
	}
}

static void
st_remove(const char *dir)
{
	char path[600];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static void
st_table(const struct st_result *res, char *buf, size_t n)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < res->n && len + 80 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " %s=%s",
		    res->t[i].name, res->t[i].status);
}

/* ---- broken submissions -------------------------------------------- */

/* The grading of broken submission s, held against its EXPECT. */
static void
st_broken_check(const struct st_sub *s, const struct st_result *res)
{
	char fails[256], table[2048], *tok, *save = NULL;
	const char *other =
	    strcmp(s->side, "server") == 0 ? "client_" : "server_";
	int i;

	st_table(res, table, sizeof table);
	snprintf(fails, sizeof fails, "%s", s->fail);
	for (tok = strtok_r(fails, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		const struct st_test *t = st_find(res, tok);

		ck_assert_msg(
		    t != NULL, "%s: EXPECT names no test '%s'", s->name, tok);
		ck_assert_msg(t->points < t->max,
		    "%s: %s should catch the bug but %s:%s", s->name, tok,
		    t->status, table);
		/* A trace for every failing test that puts packets on the
		 * wire (the argument checks and the bind tests put none; lab
		 * 3's server_memory puts only its flood, tens of MiB). */
		ck_assert_msg(t->trace || strcmp(t->status, "failed") != 0 ||
		                  strcmp(tok, "server_memory") == 0 ||
		                  strstr(tok, "_usage") != NULL ||
		                  strstr(tok, "_port_busy") != NULL ||
		                  strcmp(tok, "server_starts") == 0,
		    "%s: %s failed without a packet trace in its report",
		    s->name, tok);
	}
	/* The headline names the first violation, not a consequence. */
	for (i = 0; i < s->nreason; i++) {
		char name[64];
		const char *text = s->reason[i] + strcspn(s->reason[i], " ");
		const struct st_test *t;

		snprintf(name, sizeof name, "%.*s",
		    (int)strcspn(s->reason[i], " "), s->reason[i]);
		t = st_find(res, name);
		ck_assert_msg(
		    t != NULL, "%s: EXPECT names no test '%s'", s->name, name);
		ck_assert_msg(strstr(t->reason, text + 1) != NULL,
		    "%s: %s's headline lacks '%s': %s", s->name, name, text + 1,
		    t->reason);
	}
	for (i = 0; i < res->n; i++)
		if (strncmp(res->t[i].name, other, strlen(other)) == 0)
			ck_assert_msg(res->t[i].points == res->t[i].max,
			    "%s (a %s bug) lost points on %s (%s: %s)", s->name,
			    s->side, res->t[i].name, res->t[i].status,
			    res->t[i].reason);
}

/*
 * Two submissions of a kind (0 broken, 1 hostile), k and k + 1, graded at
 * once (the reference test shows two gradings at once are sound): the
 * self-test takes half the time.
 */
static int
st_pair(
    int kind, int k, struct st_sub *s, struct st_result *res, char dir[][64])
{
	const char *root = st_root(kind);
	int ms = kind == 0 ? ST_GRADE_MS : ST_HOSTILE_MS;
	int n = k + 1 < st_nnames[kind] ? 2 : 1, i;
	struct proc p[2];
	double t0 = harness_now();

	for (i = 0; i < n; i++) {
		st_read_expect(root, st_names[kind][k + i], &s[i]);
		st_assemble(root, &s[i], dir[i], 64);
		st_start(&p[i], s[i].lab, dir[i]);
	}
	for (i = 0; i < n; i++) {
		st_finish(&p[i], t0, ms, &res[i]);
		st_remove(dir[i]);
	}
	return n;
}

START_TEST(broken_caught)
{
	struct st_sub s[2];
	struct st_result res[2];
	char dir[2][64];
	int i, n = st_pair(0, 2 * _i, s, res, dir);

	for (i = 0; i < n; i++) {
		ck_assert_msg(strcmp(s[i].side, "server") == 0 ||
		                  strcmp(s[i].side, "client") == 0,
		    "%s: side?", s[i].name);
		st_broken_check(&s[i], &res[i]);
	}
}
END_TEST

/* ---- hostile submissions ------------------------------------------- */

/*
 * Processes that run a lab program (by name) as a student's would: under
 * a cell uid when we are root, else under our own uid.  Other gradings
 * may run such programs at the same time: st_has_tag tells ours.
 */
static int
st_lab_procs(int *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL && n < max) {
		char path[300], comm[64] = "", line[256];
		unsigned uid = 0;
		size_t k, j;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/status", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			sscanf(line, "Name: %63s", comm);
			if (sscanf(line, "Uid: %u", &uid) == 1)
				break;
		}
		fclose(f);
		if (geteuid() == 0
		        ? uid < CELL_UID_BASE ||
		              uid >= CELL_UID_BASE +
		                         CELL_MAX_SLOTS * (CELL_UID_TRIES + 1)
		        : uid != getuid())
			continue;
		for (k = 0; k < lab_count(); k++) /* every lab's programs */
			for (j = 0; j < lab_at(k)->nprograms; j++)
				if (n < max &&
				    strcmp(comm, lab_at(k)->programs[j].name) ==
				        0)
					pids[n++] = atoi(e->d_name);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* Does the binary process pid runs hold tag? */
static int
st_has_tag(int pid, const char *tag)
{
	char path[64], buf[65536 + 128];
	size_t n, keep = 0, tl = strlen(tag);
	int fd, found = 0;

	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	while (!found && (n = (size_t)read(fd, buf + keep, 65536)) > 0 &&
	       n <= 65536) {
		n += keep;
		found = memmem(buf, n, tag, tl) != NULL;
		keep = n < tl ? n : tl;
		memmove(buf, buf + n - keep, keep);
	}
	close(fd);
	return found;
}

/* A process of this grading (its binary holds tag) still alive, or 0. */
static int
st_left_proc(const char *tag)
{
	int pids[256], n = st_lab_procs(pids, 256), i;

	for (i = 0; i < n; i++)
		if (st_has_tag(pids[i], tag))
			return pids[i];
	return 0;
}

/* One "test NAME STATUS" or "some STATUS" line of a hostile EXPECT. */
static void
st_want(const struct st_sub *s, const char *want, const struct st_result *res,
    const char *table)
{
	char name[64], status[32];
	const struct st_test *t;
	int i;

	if (sscanf(want, "some %31s", status) == 1) {
		for (i = 0; i < res->n; i++)
			if (strcmp(res->t[i].status, status) == 0)
				return;
		/* An ordinary user's cells have no cgroup, and bwrap's PID
		 * namespace hides the program's peak memory from wait4: a
		 * memory hog ends crashed (SIGSEGV at RLIMIT_AS). */
		for (i = 0;
		     geteuid() != 0 && strcmp(status, "killed_(memory)") == 0 &&
		     i < res->n;
		     i++)
			if (strcmp(res->t[i].status, "crashed") == 0) {
				kit_not_here(
				    "an ordinary user's grading does not "
				    "know a sandboxed program's peak "
				    "memory (no cgroup): the memory hog "
				    "is 'crashed', not 'killed (memory)'");
				return;
			}
		ck_abort_msg("%s: no test is %s:%s", s->name, status, table);
	}
	ck_assert_msg(sscanf(want, "test %63s %31s", name, status) == 2,
	    "%s: bad EXPECT line '%s'", s->name, want);
	t = st_find(res, name);
	ck_assert_msg(t != NULL, "%s: no test %s", s->name, name);
	ck_assert_msg(strcmp(t->status, status) == 0,
	    "%s: %s is %s, expected "
	    "%s:%s",
	    s->name, name, t->status, status, table);
}

START_TEST(hostile_contained)
{
	struct st_sub s[2];
	struct st_result res[2];
	char dir[2][64], table[2048], tag[96];
	int i, j, k, left, n = st_pair(1, 2 * _i, s, res, dir);

	for (i = 0; i < n; i++) {
		st_table(&res[i], table, sizeof table);
		for (j = 0; j < s[i].nwant; j++)
			st_want(&s[i], s[i].want[j], &res[i], table);
		/* Killed processes take a moment to go. */
		snprintf(tag, sizeof tag, "selftest-tag:%s", dir[i]);
		for (k = 0; k < 20 && st_left_proc(tag) != 0; k++)
			nanosleep(&(struct timespec){0, 50000000}, NULL);
		left = st_left_proc(tag);
		ck_assert_msg(left == 0,
		    "%s: process %d, a program of this submission, outlived "
		    "the grading",
		    s[i].name, left);
	}
}
END_TEST

Suite *
selftest_suite(void)
{
	Suite *s = suite_create("selftest");
	TCase *tc;

	int nlabs = (int)lab_count();

	st_scan(0);
	st_scan(1);
	tc = tcase_create("made");
	tcase_add_loop_test(tc, all_made, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("reference");
	tcase_set_timeout(tc, 150);
	tcase_add_loop_test(tc, reference_full_marks, 0, ST_RUNS * nlabs);
	tcase_add_loop_test(tc, reference_two_at_once, 0, nlabs);
	suite_add_tcase(s, tc);
	tc = tcase_create("skeleton");
	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(tc, skeleton_scores_zero, 0, nlabs);
	suite_add_tcase(s, tc);
	tc = tcase_create("broken");
	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(tc, broken_caught, 0, (st_nnames[0] + 1) / 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 90);
	tcase_add_loop_test(tc, hostile_contained, 0, (st_nnames[1] + 1) / 2);
	suite_add_tcase(s, tc);
	return s;
}
