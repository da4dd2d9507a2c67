/*
 * The kit's test runner: one Check run over every suite of the kit, so
 * the last line 'make test' prints is Check's summary of everything.
 */
/* _XOPEN_SOURCE: nftw() */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUITE(n) Suite *n##_suite(void);
#include "suites.inc"
#undef SUITE

static Suite *(*const suites[])(void) = {
#define SUITE(n) n##_suite,
#include "suites.inc"
#undef SUITE
};

/*
 * Private temporary folders for the whole run: TMPDIR (the grader's
 * results folders, fallback cells) and KIT_VARTMP (scratch folders that
 * must outlive a cell's private /tmp; LABGRADE_TMPDIR, the grader's
 * build folders).  Removed when the run ends, by a
 * failure, a signal or normally, so a failed run leaves nothing behind.
 */
static char runner_tmp[2][128];
/* The checks that said they cannot run here (kit_not_here), one line
 * each, in the /var/tmp folder: not a leftover. */
#define RUNNER_NOT_HERE "not-here.txt"
/* A failure message, at most (Check's default is 4 KiB: a longer one,
 * a grading's JSON in a failing check, makes Check end the test with
 * status 2, "Message string too long", and the failure is lost). */
#define RUNNER_MSG_MAX (64 * 1024)
static char runner_not_here[160];
static pid_t runner_pid; /* Check's test children exit too: not them */

static int
runner_rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
runner_cleanup(void)
{
	int i;

	if (getpid() != runner_pid)
		return;
	for (i = 0; i < 2; i++)
		if (runner_tmp[i][0] != '\0')
			nftw(
			    runner_tmp[i], runner_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Whether a folder found at the end is one a live process is still
 * removing: a fallback cell's watchdog holds the cell folder's lock
 * until its cleanup is done, and does it after the test has ended.
 * Waits (at most RUNNER_SETTLE_S in all) for such a lock; true when the
 * folder is gone once the lock is free.
 */
#define RUNNER_SETTLE_S 30
static int
runner_settled(int dir, const char *name)
{
	static time_t deadline;
	struct timespec pause = {0, 100 * 1000 * 1000};
	struct stat st;
	int fd, got;

	if (deadline == 0)
		deadline = time(NULL) + RUNNER_SETTLE_S;
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0;
	while (
	    (got = flock(fd, LOCK_EX | LOCK_NB)) < 0 && time(NULL) < deadline)
		nanosleep(&pause, NULL);
	close(fd);
	return got == 0 && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0;
}

/*
 * What the run left in its private folders: every test removes what it
 * made (the folders are only the net for a test killed at its timeout).
 * Each leftover is named on stderr; their number.  A fallback cell's
 * folder counts too: its watchdog makes it, outside the test's process
 * group, and removes it when the test is killed (cell-fallback.c), so
 * one left behind is a bug (the engine tests used to leave some: the
 * test could die between the folder's mkdtemp and the watchdog's fork,
 * or before the watchdog left the test's process group, which Check
 * kills at a timeout).
 */
static int
runner_leftovers(void)
{
	struct dirent *e;
	int i, n = 0;
	DIR *d;

	for (i = 0; i < 2; i++) {
		if (runner_tmp[i][0] == '\0' ||
		    (d = opendir(runner_tmp[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0 ||
			    (i == 1 &&
			        strcmp(e->d_name, RUNNER_NOT_HERE) == 0) ||
			    runner_settled(dirfd(d), e->d_name))
				continue;
			fprintf(stderr, "check_kit: left behind: %s/%s\n",
			    runner_tmp[i], e->d_name);
			n++;
		}
		closedir(d);
	}
	return n;
}

/* The checks that did not run here, listed before Check's summary so
 * that a green run says what it did not cover.  Their number. */
static int
runner_print_not_here(void)
{
	char line[1024];
	int n = 0;
	FILE *f;

	if (runner_not_here[0] == '\0' ||
	    (f = fopen(runner_not_here, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (n++ == 0)
			printf("check_kit: checks that could not run here "
			       "(each passed without checking):\n");
		printf("  %s", line);
	}
	fclose(f);
	if (n > 0)
		printf("check_kit: %d not here\n", n);
	return n;
}

static void
runner_on_signal(int sig)
{
	runner_cleanup(); /* only in the runner itself */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A private folder under base, world-writable and sticky like /tmp (the
 * grader's cells run student programs, and some tests, as other uids).
 * A runner started by a test (env already names a folder under base)
 * makes its own inside that one, which the outer runner removes even if
 * this one is killed. */
static void
runner_private(int i, const char *base, const char *env)
{
	const char *outer = getenv(env);
	size_t n = strlen(base);

	if (outer != NULL && strncmp(outer, base, n) == 0 && outer[n] == '/' &&
	    strlen(outer) < sizeof runner_tmp[i] - 20)
		base = outer;
	snprintf(
	    runner_tmp[i], sizeof runner_tmp[i], "%s/check_kit-XXXXXX", base);
	if (mkdtemp(runner_tmp[i]) == NULL || chmod(runner_tmp[i], 01777) < 0) {
		runner_tmp[i][0] = '\0';
		return;
	}
	setenv(env, runner_tmp[i], 1);
}

/*
 * Check's summary line, said again as the run's last line: Check prints
 * it before the failures it lists (and, verbose, every test), and the
 * leftovers come after, while CI logs and people read the last line.
 */
static void
runner_summary(int ran, int failures, int errors)
{
	int pct =
	    failures + errors == 0
	        ? 100
	        : (int)((float)(ran - failures - errors) / (float)ran * 100);

	fflush(stderr);
	printf("%d%%: Checks: %d, Failures: %d, Errors: %d\n", pct, ran,
	    failures, errors);
	fflush(stdout);
}

int
main(void)
{
	const char *fork = getenv("CK_FORK"), *verbosity;
	TestResult **res;
	SRunner *sr;
	size_t i;
	int ran, failed, failures, errors, left;

	/* Tests kill processes, open namespaces and call exit(): they must
	 * each run in a child of their own. */
	if (fork != NULL && strcmp(fork, "no") == 0) {
		fprintf(stderr, "check_kit: CK_FORK=no is not supported: "
		                "the tests need fork mode\n");
		return 2;
	}
	runner_pid = getpid();
	runner_private(0, "/tmp", "TMPDIR");
	runner_private(1, "/var/tmp", "KIT_VARTMP");
	/* labgrade's build folders (outside /tmp, which each cell replaces)
	 * go there too, unless a test names a folder of its own. */
	if (runner_tmp[1][0] != '\0') {
		setenv("LABGRADE_TMPDIR", runner_tmp[1], 1);
		snprintf(runner_not_here, sizeof runner_not_here, "%s/%s",
		    runner_tmp[1], RUNNER_NOT_HERE);
		setenv("KIT_NOT_HERE", runner_not_here, 1);
	}
	atexit(runner_cleanup);
	signal(SIGINT, runner_on_signal);
	signal(SIGTERM, runner_on_signal);
	signal(SIGHUP, runner_on_signal);
	check_set_max_msg_size(RUNNER_MSG_MAX);
	sr = srunner_create(NULL);
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	/* Check's summary stays the last line: the not-here list first. */
	srunner_run_all(sr, CK_SILENT);
	runner_print_not_here();
	srunner_print(sr, CK_ENV);
	fflush(stdout);
	ran = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	failures = errors = 0;
	if (failed > 0 && (res = srunner_failures(sr)) != NULL) {
		for (i = 0; i < (size_t)failed; i++)
			if (tr_rtype(res[i]) == CK_ERROR)
				errors++;
			else
				failures++;
		free(res);
	}
	srunner_free(sr);
	/* A mistyped CK_RUN_SUITE runs nothing and Check calls that 100%. */
	if (ran == 0) {
		fprintf(stderr, "check_kit: no test ran\n");
		return 1;
	}
	/* Tests make their scratch files under TMPDIR and KIT_VARTMP
	 * (kit_tmp, kit_vartmp): what is still there, they left. */
	left = runner_leftovers();
	if (left > 0)
		fprintf(stderr,
		    "check_kit: FAILED: the run left %d files or folders "
		    "behind in its temporary folders\n",
		    left);
	if (failed > 0 || left > 0 ||
	    ((verbosity = getenv("CK_VERBOSITY")) != NULL &&
	        strcmp(verbosity, "verbose") == 0))
		runner_summary(ran, failures, errors);
	return failed == 0 && left == 0 ? 0 : 1;
}
