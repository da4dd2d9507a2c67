/*
 * The cell's cgroup on the unified (v2) tree, on a host that is v1
 * (this one: memory, pids, cpu... under /sys/fs/cgroup/NAME).  Each test
 * mounts cgroup2 in a mount namespace of its own (a mount of the one v2
 * hierarchy the kernel has, with the controllers v1 leaves it: here
 * hugetlb) and points the cgroup module at it with cell_cgroup_test(),
 * which only a test calls.  It works in a folder of its own there
 * (cgtest-PID), which a cleaner process (forked before it is made)
 * removes even when the test fails; the mount goes with the namespace.
 *
 * What needs the memory and pids controllers on v2 (memory.max,
 * pids.max, memory.peak, the OOM counts) can only run on a v2 host:
 * those checks say so and are skipped here.  As an ordinary user the
 * mount is refused: the tests say so and pass (the delegated case is
 * run as nobody from the root run, in a subtree chowned to nobody).
 */
#define _GNU_SOURCE /* unshare(), mkdtemp(), setresuid() */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "cgroup.h"
#include "engine.h"
#include "harness.h"
#include "lab.h"
#include "param.h"
#include "report.h"

#define CG_NOBODY 65534
#define CG_SPIN_US 200000 /* CPU a test program burns before it waits */
#define CG_ONLY_V2                                                             \
	"memory.max, pids.max, memory.peak and the OOM counts need the "       \
	"memory and pids controllers on cgroup v2: only on a v2 host"

static char cg_mnt[KIT_TMP_MAX]; /* our cgroup2 mount (not under /tmp,
                                  * which a cell hides) */
static char cg_top[PATH_MAX];    /* our folder in it (cgtest-PID) */
static char cg_home[PATH_MAX];   /* the v2 cgroup we came from */
/* A controller v1 left to the v2 tree (here hugetlb), with "\n": the
 * one the tests hand down in place of memory and pids. */
static char cg_ctl[32], cg_ctl_nl[34];
static int cg_ctl_was_on; /* the tree's root handed it down before us */

static void
cg_put(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
	    "%s < %s: %s", path, text, strerror(errno));
	close(fd);
}

/* The text of dir/file ("" if it cannot be read), in a static ring. */
static const char *
cg_get(const char *dir, const char *file)
{
	static char ring[4][4096];
	static int k;
	char path[PATH_MAX + 64], *buf = ring[k++ % 4];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY)) < 0)
		return buf;
	n = read(fd, buf, sizeof ring[0] - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Whether pid is listed in dir/cgroup.procs. */
static int
cg_holds(const char *dir, pid_t pid)
{
	const char *p = cg_get(dir, "cgroup.procs");
	char *end;
	long v;

	while (*p != '\0') {
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v == pid)
			return 1;
		p = end;
	}
	return 0;
}

static int
cg_exists(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Every cgroup below dir (and dir) emptied and removed, bottom up. */
static void
cg_rmtree(const char *dir)
{
	char sub[PATH_MAX + 300];
	struct dirent *e;
	int i, fd;
	DIR *d;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	close(fd);
	snprintf(sub, sizeof sub, "%s/cgroup.kill", dir);
	if ((fd = open(sub, O_WRONLY)) >= 0) {
		if (write(fd, "1", 1) < 0) {
			/* the scan below, then */
		}
		close(fd);
	}
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
			    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) <
			        (int)sizeof sub)
				cg_rmtree(sub);
		closedir(d);
	}
	for (i = 0; i < 2000 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(1000);
}

static const char *
cg_plus(void)
{
	static char buf[40];

	snprintf(buf, sizeof buf, "+%s", cg_ctl);
	return buf;
}

/* The tree's root hands cg_ctl down no more, if it did not before us
 * and no other test's folder (cgtest-*) is there; the host is as we
 * found it (two runs at once may leave it on: harmless on a v1 host). */
static void
cg_ctl_off(void)
{
	char minus[40], path[sizeof cg_mnt + 32];
	struct dirent *e;
	int others = 0, fd;
	DIR *d;

	if (cg_ctl[0] == '\0' || cg_ctl_was_on || (d = opendir(cg_mnt)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		others |= strncmp(e->d_name, "cgtest-", 7) == 0;
	closedir(d);
	snprintf(minus, sizeof minus, "-%s", cg_ctl);
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", cg_mnt);
	if (!others && (fd = open(path, O_WRONLY)) >= 0) {
		if (write(fd, minus, strlen(minus)) < 0) {
			/* still used below it: left on */
		}
		close(fd);
	}
}

/*
 * Mount cgroup2 in a mount namespace of ours and make our folder in it;
 * 0, or -1 when this cannot be done here (as an ordinary user).  A
 * cleaner process, forked before anything is made, waits for this test
 * process to end and removes what it left, failed or not.
 */
static int
cg_setup(int need_ctl)
{
	char own[PATH_MAX];
	int lock, go[2];
	pid_t pid;
	FILE *f;

	if (geteuid() != 0) {
		fprintf(stderr,
		    "cgroup: skipped as an ordinary user: mounting "
		    "cgroup2 needs root (the delegated case runs as "
		    "nobody from the root run)\n");
		return -1;
	}
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(cg_mnt, sizeof cg_mnt, "%s", kit_vartmp("cg2-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(cg_mnt));
	/* The runner waits for a folder whose lock a live process holds. */
	lock = open(cg_mnt, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(lock, 0);
	ck_assert_int_eq(flock(lock, LOCK_EX), 0);
	ck_assert_msg(mount("none", cg_mnt, "cgroup2", 0, NULL) == 0,
	    "mount -t cgroup2: %s", strerror(errno));
	/* The v2 cgroup we are in, to go back to. */
	own[0] = '\0';
	f = fopen("/proc/self/cgroup", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(own, sizeof own, f) != NULL && strncmp(own, "0::", 3) != 0)
		own[0] = '\0';
	fclose(f);
	own[strcspn(own, "\n")] = '\0';
	ck_assert_msg(own[0] != '\0', "no 0:: line in /proc/self/cgroup");
	ck_assert(snprintf(cg_home, sizeof cg_home, "%s%.3000s", cg_mnt,
	              strcmp(own + 3, "/") == 0 ? "" : own + 3) <
	          (int)sizeof cg_home);
	snprintf(cg_top, sizeof cg_top, "%s/cgtest-%d", cg_mnt, (int)getpid());
	/* A controller v1 left to v2, handed down by the tree's root. */
	cg_ctl[0] = '\0';
	sscanf(cg_get(cg_mnt, "cgroup.controllers"), "%31s", cg_ctl);
	snprintf(cg_ctl_nl, sizeof cg_ctl_nl, "%s\n", cg_ctl);
	cg_ctl_was_on =
	    strstr(cg_get(cg_mnt, "cgroup.subtree_control"), cg_ctl_nl) != NULL;
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;

		/* Out of the test's process group, which Check kills when
		 * the test ends. */
		setpgid(0, 0);
		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		cg_rmtree(cg_top);
		cg_ctl_off();
		umount2(cg_mnt, MNT_DETACH);
		rmdir(cg_mnt);
		_exit(0);
	}
	close(go[0]);
	close(lock);
	if (need_ctl && cg_ctl[0] == '\0') {
		fprintf(stderr,
		    "cgroup: skipped: no controller of this host is "
		    "left to cgroup v2 (v1 holds them all)\n");
		return -1;
	}
	if (cg_ctl[0] != '\0' && !cg_ctl_was_on)
		cg_put(cg_mnt, "cgroup.subtree_control", cg_plus());
	ck_assert_int_eq(mkdir(cg_top, 0755), 0);
	cg_put(cg_top, "cgroup.procs", "0");
	return 0;
}

/* The end of a test that passed: back home, our folder removed (the
 * cleaner then finds nothing), the mount and its folder gone. */
static void
cg_teardown(void)
{
	cell_cgroup_test(NULL);
	cg_put(cg_home, "cgroup.procs", "0");
	cg_rmtree(cg_top);
	ck_assert_msg(!cg_exists(cg_top), "%s left", cg_top);
	cg_ctl_off();
}

/* A child that joins run id's cgroup (as a student program does), burns
 * CG_SPIN_US of CPU, says so on ready and waits to be killed. */
static pid_t
cg_child(struct cell *c, int id, int ready)
{
	struct timespec ts;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (cell_cgroup_enter(c, id) < 0)
		_exit(3);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	while (ts.tv_sec * 1000000L + ts.tv_nsec / 1000 < CG_SPIN_US);
	/* Children of its own, which the cgroup's kill must take too. */
	if (fork() == 0 || fork() == 0) {
		for (;;)
			pause();
	}
	if (write(ready, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

/* Wait for a byte on fd (a child is ready), at most 20 s. */
static void
cg_wait_ready(int fd, pid_t pid)
{
	char c;
	int st;

	ck_assert_msg(read(fd, &c, 1) == 1, "child %d never got ready (%d)",
	    (int)pid, waitpid(pid, &st, WNOHANG) > 0 ? WEXITSTATUS(st) : -1);
}

/*
 * The whole v2 path as root: the grader into a leaf of its own (its
 * folder holds it, so the controllers could not go down), the cell's
 * cgroup and a run's below it, a program in the run's, its CPU read,
 * the cell killed (cgroup.kill; _i 1: the fallback that kills each
 * process, as on kernels before 5.14), all removed, the leaf undone.
 */
START_TEST(test_v2_cell)
{
	struct cell_cgroup_test t = {NULL, NULL, _i};
	char leaf[PATH_MAX + 64], note[512], run[PATH_MAX + 16];
	int p[2], id, st;
	long ooms, peak, o0;
	pid_t kid;
	struct cell c;

	if (cg_setup(1) < 0)
		return; /* as an ordinary user: cgroup2 cannot be mounted */
	t.root = cg_mnt;
	t.controllers = cg_ctl;
	cell_cgroup_test(&t);
	cell_cgroup_prepare();
	snprintf(leaf, sizeof leaf, "%s/" CELL_CG_PREFIX "%d-grader", cg_top,
	    (int)getpid());
	ck_assert_msg(cg_holds(leaf, getpid()), "not moved into %s", leaf);
	ck_assert_str_eq(cg_get(cg_top, "cgroup.procs"), "");
	ck_assert_str_eq(cg_get(cg_top, "cgroup.subtree_control"), cg_ctl_nl);

	memset(&c, 0, sizeof c);
	c.slot = 3;
	ck_assert_msg(cell_cgroup_open(&c) == 0, "%s", strerror(errno));
	ck_assert_int_eq(c.cg_mode, 2);
	snprintf(run, sizeof run, "%s/" CELL_CG_PREFIX "%d-3", cg_top,
	    (int)getpid());
	ck_assert_str_eq(c.cg[0], run);
	/* Handed down to the cell's cgroup and on to its runs' */
	ck_assert_str_eq(cg_get(c.cg[0], "cgroup.controllers"), cg_ctl_nl);
	ck_assert_str_eq(cg_get(c.cg[0], "cgroup.subtree_control"), cg_ctl_nl);
	/* Neither memory nor pids here: it says so. */
	ck_assert_int_eq(c.cg_limits, 0);
	cell_cgroup_note(&c, 1, note, sizeof note);
	ck_assert_msg(strstr(note, "memory and processes are per process "
	                           "only") != NULL,
	    "%s", note);

	id = cell_cgroup_run(&c, &o0);
	ck_assert_int_eq(id, 1);
	snprintf(run, sizeof run, "%s/run-1", c.cg[0]);
	ck_assert(cg_exists(run));
	ck_assert_int_eq(pipe(p), 0);
	kid = cg_child(&c, id, p[1]);
	cg_wait_ready(p[0], kid);
	ck_assert(cg_holds(run, kid));
	/* Its CPU, and its children's, counted in the cell's cpu.stat. */
	ck_assert_msg(cell_cgroup_cpu_usec(&c) >= CG_SPIN_US,
	    "cpu.stat: %lld us", cell_cgroup_cpu_usec(&c));

	ck_assert_int_eq(cell_cgroup_kill(&c), 0);
	ck_assert_msg(strstr(cg_get(c.cg[0], "cgroup.events"), "populated 0"),
	    "%s", cg_get(c.cg[0], "cgroup.events"));
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	peak = cell_cgroup_run_end(&c, id, o0, &ooms);
	ck_assert_int_eq(peak, -1); /* no memory.peak without memory */
	ck_assert(!cg_exists(run));
	snprintf(run, sizeof run, "%s", c.cg[0]);
	cell_cgroup_close(&c);
	ck_assert(!cg_exists(run));

	cell_cgroup_finish();
	ck_assert(cg_holds(cg_top, getpid()));
	ck_assert(!cg_exists(leaf));
	ck_assert_str_eq(cg_get(cg_top, "cgroup.subtree_control"), "");
	close(p[0]);
	close(p[1]);
	cg_teardown();
}
END_TEST

/* A grading's kept cgroups (cell_cgroup_keep) on v2: the slot's next
 * cell takes the same folder, emptied, with its run's cgroup made anew;
 * cell_cgroup_release removes them and leaves the grader's leaf. */
START_TEST(test_v2_kept)
{
	struct cell_cgroup_test t = {NULL, NULL, 0};
	char first[PATH_MAX], leaf[PATH_MAX + 64], run[PATH_MAX + 16];
	struct cell c;
	int p[2], id;
	long o0, ooms;
	pid_t kid;

	if (cg_setup(1) < 0)
		return;
	t.root = cg_mnt;
	t.controllers = cg_ctl;
	cell_cgroup_test(&t);
	cell_cgroup_prepare();
	cell_cgroup_keep(getpid());
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cell_cgroup_open(&c), 0);
	snprintf(first, sizeof first, "%s", c.cg[0]);
	id = cell_cgroup_run(&c, &o0);
	ck_assert_int_eq(pipe(p), 0);
	kid = cg_child(&c, id, p[1]);
	cg_wait_ready(p[0], kid);
	cell_cgroup_run_end(&c, id, o0, &ooms);
	waitpid(kid, NULL, 0);
	cell_cgroup_close(&c);
	ck_assert_msg(cg_exists(first), "kept %s removed", first);
	ck_assert_str_eq(cg_get(first, "cgroup.procs"), "");

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cell_cgroup_open(&c), 0);
	ck_assert_str_eq(c.cg[0], first);
	ck_assert_int_eq(cell_cgroup_run(&c, &o0), 1);
	snprintf(run, sizeof run, "%s/run-1", first);
	kid = cg_child(&c, 1, p[1]);
	cg_wait_ready(p[0], kid);
	ck_assert(cg_holds(run, kid));
	cell_cgroup_close(&c); /* kept: emptied */
	waitpid(kid, NULL, 0);
	ck_assert_str_eq(cg_get(run, "cgroup.procs"), "");

	cell_cgroup_release(getpid());
	ck_assert_msg(!cg_exists(first), "%s not released", first);
	snprintf(leaf, sizeof leaf, "%s/" CELL_CG_PREFIX "%d-grader", cg_top,
	    (int)getpid());
	ck_assert(cg_holds(leaf, getpid()));
	cell_cgroup_finish();
	ck_assert(!cg_exists(leaf));
	close(p[0]);
	close(p[1]);
	cg_teardown();
}
END_TEST

/* A pid that is not running (a child that exited, reaped). */
static pid_t
cg_dead_pid(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

/* A sleeping process in the cgroup folder dir; its pid. */
static pid_t
cg_sleeper(const char *dir)
{
	char path[PATH_MAX + 32];
	pid_t pid = fork();
	int fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(path, sizeof path, "%s/cgroup.procs", dir);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	for (int i = 0; i < 5000 && !cg_holds(dir, pid); i++)
		usleep(1000);
	ck_assert_msg(cg_holds(dir, pid), "sleeper not in %s", dir);
	return pid;
}

/* What a SIGKILLed grader left (its cells' cgroups with processes in
 * them, its leaf) is swept by the next cell made there; a live
 * grading's are left alone. */
START_TEST(test_v2_sweep)
{
	struct cell_cgroup_test t = {NULL, NULL, 0};
	char gone[PATH_MAX + 64], gone_leaf[PATH_MAX + 64];
	char live[PATH_MAX + 64], run[PATH_MAX + 80];
	pid_t dead, s1, s2, s3;
	struct stat st;
	struct cell c;
	int ws;

	if (cg_setup(1) < 0)
		return;
	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino != 0xEFFFFFFCUL)
		return; /* the sweep runs only from the initial PID namespace */
	t.root = cg_mnt;
	t.controllers = cg_ctl;
	cell_cgroup_test(&t);
	cell_cgroup_prepare();
	dead = cg_dead_pid();
	snprintf(
	    gone, sizeof gone, "%s/" CELL_CG_PREFIX "%d-0", cg_top, (int)dead);
	snprintf(gone_leaf, sizeof gone_leaf, "%s/" CELL_CG_PREFIX "%d-grader",
	    cg_top, (int)dead);
	snprintf(run, sizeof run, "%s/run-1", gone);
	/* A live grading's: our parent's pid is alive. */
	snprintf(live, sizeof live, "%s/" CELL_CG_PREFIX "%d-7", cg_top,
	    (int)getppid());
	ck_assert_int_eq(mkdir(gone, 0755), 0);
	cg_put(gone, "cgroup.subtree_control", cg_plus());
	ck_assert_int_eq(mkdir(run, 0755), 0);
	ck_assert_int_eq(mkdir(gone_leaf, 0755), 0);
	ck_assert_int_eq(mkdir(live, 0755), 0);
	s1 = cg_sleeper(run);
	s2 = cg_sleeper(gone_leaf);
	s3 = cg_sleeper(live);

	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cell_cgroup_open(&c), 0);
	ck_assert_msg(!cg_exists(gone), "%s not swept", gone);
	ck_assert_msg(!cg_exists(gone_leaf), "%s not swept", gone_leaf);
	ck_assert_msg(cg_exists(live), "a live grading's %s swept", live);
	ck_assert_int_eq(waitpid(s1, &ws, 0), s1);
	ck_assert(WIFSIGNALED(ws));
	ck_assert_int_eq(waitpid(s2, &ws, 0), s2);
	ck_assert(WIFSIGNALED(ws));
	ck_assert_int_eq(waitpid(s3, &ws, WNOHANG), 0);
	kill(s3, SIGKILL);
	waitpid(s3, NULL, 0);
	cell_cgroup_close(&c);
	cell_cgroup_finish();
	cg_teardown();
}
END_TEST

/*
 * No memory or pids controller for us on v2 (the default wants; this
 * host has them on v1): the grader does not move, the cell still gets a
 * v2 cgroup (killed whole, its CPU read) without those limits, the note
 * says memory and processes are per process only, and a real cell's
 * program still meets its RLIMIT_AS.
 */
START_TEST(test_v2_no_controllers)
{
	struct cell_cgroup_test t = {NULL, NULL, 0};
	char *argv[] = {"/usr/bin/perl", "-e", "$x = 'a' x 600_000_000", NULL};
	char note[512], run[PATH_MAX + 16];
	struct run_limits lim = {.mem_mb = 64, .wall_ms = 10000};
	struct cell c;
	struct run r;

	if (cg_setup(0) < 0)
		return;
	fprintf(stderr, "cgroup: skipped here: %s\n", CG_ONLY_V2);
	t.root = cg_mnt;
	cell_cgroup_test(&t);
	cell_cgroup_prepare();
	ck_assert(cg_holds(cg_top, getpid())); /* nothing to hand down */
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(cell_cgroup_open(&c), 0);
	ck_assert_int_eq(c.cg_mode, 2);
	ck_assert_int_eq(c.cg_limits, 0);
	ck_assert_str_eq(cg_get(c.cg[0], "cgroup.subtree_control"), "");
	cell_cgroup_note(&c, 1, note, sizeof note);
	ck_assert_msg(strstr(note, "without the memory and pids controllers") &&
	                  strstr(note, "per process only"),
	    "%s", note);
	cell_cgroup_note(&c, 0, note, sizeof note);
	ck_assert_msg(note[0] != '\0', "an ordinary user's v2 cell: %s", note);
	cell_cgroup_close(&c);

	/* A whole cell on it (namespaces, bwrap): the program runs in the
	 * run's v2 cgroup and dies at its per-process memory limit. */
	ck_assert_msg(cell_open(&c, 0, 0) == 0, "%s", c.why);
	ck_assert_msg(c.cg_mode == 2, "no v2 cgroup for a whole cell: %s",
	    strerror(errno));
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(access(argv[0], X_OK), 0);
	ck_assert_int_eq(run_start(&c, &r, argv, &lim), 0);
	snprintf(run, sizeof run, "%s/run-1", c.cg[0]);
	ck_assert_msg(cg_holds(run, r.pid), "%d not in %s: %s", (int)r.pid, run,
	    cg_get(run, "cgroup.procs"));
	ck_assert_int_eq(run_wait(&r, 15000), 0);
	ck_assert_msg(r.outcome == RUN_MEMORY ||
	                  (r.outcome == RUN_EXITED && r.status != 0),
	    "%s %d: %s", run_outcome_name(r.outcome), r.status, r.err);
	run_free(&r);
	cell_close(&c);
	cell_cgroup_finish();
	cg_teardown();
}
END_TEST

/*
 * An ordinary user with a delegated v2 subtree (what systemd's
 * user@.service gives, Delegate=yes): our folder chowned to nobody as
 * systemd chowns a delegated unit's, then, as nobody: the grader into a
 * leaf, the controllers handed down, a cell's cgroup and a run's made,
 * a program moved in, killed, everything removed and undone.  Without
 * the delegation (a folder nobody cannot write) no cgroup is made and
 * the note stays silent (the documented per-process case).
 */
START_TEST(test_v2_delegated)
{
	struct cell_cgroup_test t = {NULL, NULL, 0};
	static const char *const mine[] = {"", "cgroup.procs",
	    "cgroup.subtree_control", "cgroup.threads", NULL};
	char path[PATH_MAX + 64], note[512];
	int i, ws, p[2];
	struct cell c;
	long o0, ooms;
	pid_t pid, kid;

	if (cg_setup(1) < 0)
		return;
	if (_i == 0)
		for (i = 0; mine[i] != NULL; i++) {
			snprintf(path, sizeof path, "%s/%s", cg_top, mine[i]);
			ck_assert_int_eq(chown(path, CG_NOBODY, CG_NOBODY), 0);
		}
	t.root = cg_mnt;
	t.controllers = cg_ctl;
	/* The delegated folder holds the grader alone (it is its
	 * session's), not the test. */
	cg_put(cg_home, "cgroup.procs", "0");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* As nobody; its exit status says which step failed. */
		cg_put(cg_top, "cgroup.procs", "0");
		if (setgroups(0, NULL) < 0 ||
		    setresgid(CG_NOBODY, CG_NOBODY, CG_NOBODY) < 0 ||
		    setresuid(CG_NOBODY, CG_NOBODY, CG_NOBODY) < 0)
			_exit(10);
		cell_cgroup_test(&t);
		cell_cgroup_prepare();
		memset(&c, 0, sizeof c);
		if (_i == 1) {
			/* Not delegated: no cgroup, nothing said. */
			if (cell_cgroup_open(&c) == 0 || c.cg_mode != 0)
				_exit(11);
			cell_cgroup_note(&c, 0, note, sizeof note);
			_exit(note[0] == '\0' ? 0 : 12);
		}
		snprintf(path, sizeof path, "%s/" CELL_CG_PREFIX "%d-grader",
		    cg_top, (int)getpid());
		if (!cg_holds(path, getpid()) ||
		    strcmp(cg_get(cg_top, "cgroup.subtree_control"),
		        cg_ctl_nl) != 0)
			_exit(13);
		if (cell_cgroup_open(&c) < 0 || c.cg_mode != 2 ||
		    strcmp(cg_get(c.cg[0], "cgroup.controllers"), cg_ctl_nl) !=
		        0)
			_exit(14);
		if (pipe(p) < 0 || cell_cgroup_run(&c, &o0) != 1)
			_exit(15);
		kid = cg_child(&c, 1, p[1]);
		cg_wait_ready(p[0], kid);
		snprintf(path, sizeof path, "%s/run-1", c.cg[0]);
		if (!cg_holds(path, kid) ||
		    cell_cgroup_cpu_usec(&c) < CG_SPIN_US)
			_exit(16);
		if (cell_cgroup_kill(&c) < 0 || waitpid(kid, &ws, 0) != kid ||
		    !WIFSIGNALED(ws))
			_exit(17);
		cell_cgroup_run_end(&c, 1, o0, &ooms);
		snprintf(path, sizeof path, "%s", c.cg[0]);
		cell_cgroup_close(&c);
		if (cg_exists(path))
			_exit(18);
		cell_cgroup_finish();
		if (!cg_holds(cg_top, getpid()) ||
		    strcmp(cg_get(cg_top, "cgroup.subtree_control"), "") != 0)
			_exit(19);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	    "as nobody (%s): step %d failed",
	    _i ? "not delegated" : "delegated",
	    WIFEXITED(ws) ? WEXITSTATUS(ws) : -WTERMSIG(ws));
	cg_teardown();
}
END_TEST

/* A fake lab whose one test checks it ran in a cell on the v2 tree. */
static void
cg_fk_run(struct grade *g)
{
	const struct cell *c = grade_cell(g);

	grade_check(g, c != NULL && c->cg_mode == 2, "cgroup mode %d",
	    c != NULL ? c->cg_mode : -1);
}

static const struct grade_test cg_fk_tests[] = {
    {"v2", "a cell on cgroup v2", NEED_NS, NULL, 20, cg_fk_run}};
static const char *const cg_fk_src[] = {"cli.c", NULL};
static const struct grade_program cg_fk_programs[] = {
    {"cli", ROLE_CLIENT, cg_fk_src}};
static const struct grade_lab cg_fk_lab = {"cgv2", "a fake lab", cg_fk_programs,
    1, "", cg_fk_tests, 1, NULL, 0, NULL, NULL};

/* A grading whose cells get a v2 cgroup without memory and pids says
 * so in its report (text, JSON): limits per process only. */
START_TEST(test_v2_report_note)
{
	struct cell_cgroup_test t = {NULL, NULL, 0};
	struct engine_opts o = {.runners = 1};
	char path[KIT_TMP_MAX], err[256], *text = NULL;
	struct build_result b;
	struct grade_sub sub;
	struct report rep;
	struct rubric r;
	size_t len = 0;
	FILE *f;
	int fd;

	if (cg_setup(0) < 0)
		return;
	t.root = cg_mnt;
	cell_cgroup_test(&t);
	cell_cgroup_prepare();
	snprintf(path, sizeof path, "%s", kit_tmp("cgroup-rubric-XXXXXX"));
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, "v2 1\n", 5), 5);
	close(fd);
	ck_assert_msg(
	    rubric_load(&r, path, &cg_fk_lab, err, sizeof err) == 0, "%s", err);
	unlink(path);
	memset(&b, 0, sizeof b);
	b.ok = 1;
	memset(&sub, 0, sizeof sub);
	sub.lab = cg_fk_lab.name;
	sub.src = "fake-submission";
	ck_assert_msg(engine_run(&cg_fk_lab, &r, &sub, &b, &o, &rep, err,
	                  sizeof err) == 0,
	    "%s", err);
	rubric_free(&r);
	ck_assert_msg(rep.ntests == 1 && rep.tests[0].status == GS_PASSED, "%s",
	    rep.tests[0].reason != NULL ? rep.tests[0].reason : "");
	ck_assert_ptr_nonnull(rep.limits_note);
	ck_assert_msg(strstr(rep.limits_note, "per process only") != NULL, "%s",
	    rep.limits_note);
	f = open_memstream(&text, &len);
	report_text_write(f, &rep, &(struct report_opts){0});
	fclose(f);
	ck_assert_msg(
	    strstr(text, "note: limits: cgroup v2") != NULL, "%s", text);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	report_json_write(f, &rep, &(struct report_opts){0});
	fclose(f);
	ck_assert_msg(
	    strstr(text, "\"limits_note\": \"cgroup v2") != NULL, "%s", text);
	free(text);
	engine_cleanup(&rep);
	report_free(&rep);
	cell_cgroup_finish();
	cg_teardown();
}
END_TEST

Suite *
cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc = tcase_create("v2");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_v2_cell, 0, 2);
	tcase_add_test(tc, test_v2_kept);
	tcase_add_test(tc, test_v2_sweep);
	tcase_add_test(tc, test_v2_no_controllers);
	tcase_add_loop_test(tc, test_v2_delegated, 0, 2);
	tcase_add_test(tc, test_v2_report_note);
	suite_add_tcase(s, tc);
	return s;
}
