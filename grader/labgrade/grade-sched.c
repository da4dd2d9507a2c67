/*
 * How busy the machine is for a test, watched by a process of its own
 * (the test's "watcher"), forked before the cell opens: a test process
 * that has unshared its PID namespace cannot start a thread (EINVAL,
 * measured), and unshare() of the user and mount namespaces refuses a
 * process that has one.  The watcher
 *  - sleeps GRADE_SCHED_PERIOD_MS again and again at the test's own
 *    priority and keeps the worst lateness: a failure under more delay
 *    than a test tolerates is the grader's (ERR, retried), never the
 *    student's;
 *  - adds up how long the grader's own processes of the test (the test
 *    process, its cell's init, labpeer, the capture: the test's process
 *    tree but for the student's programs, which run as another uid) have
 *    waited, runnable, for a CPU (their schedstat), and reads the CPU
 *    time the student's programs used (the cell's cgroup);
 *  - ends the test at its budget, counted from the open cell (the
 *    cell's setup is the grader's work) and extended by that wait net
 *    of the student's CPU (the grader's steps, not the submission, took
 *    that long), unless the student's programs used half a CPU or more,
 *    or their CPU use is unknown; Check's own timeout, at the budget and
 *    GRADE_STRETCH_PCT % more, ends a test whose setup took too long or
 *    whose grader kept starving (engine_overrun()).
 * It shares a mapping (MAP_SHARED) with the test and with the test's
 * runner, which reads it after Check killed the test; it writes "late"
 * and "overrun" lines into the test's record.  It dies with the test
 * (PR_SET_PDEATHSIG, and Check's kill of the test's process group) and
 * is reaped by it (grade_sched_stop).  Student programs cannot see or
 * signal it: it is outside the cell's PID namespace, and root's.
 */
#define _GNU_SOURCE /* prctl(PR_SET_PDEATHSIG), close_range() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "record.h"
#include "param.h"
#include "cgroup.h"
#include "cell.h"

/* What the test, its watcher and its runner share. */
struct sched_page {
	volatile double worst_ms; /* the worst lateness seen */
	volatile double since_ms; /* when the watcher's sleep began */
	volatile double wait_ms;  /* the grader's processes' CPU wait */
	volatile double cpu_ms;   /* the student's CPU time, -1 unknown */
	volatile double budget_ms;
	volatile double start_ms; /* the watch began; then the cell was open */
	volatile double setup_ms; /* the cell's setup took, or -1: not open */
	volatile int started;     /* the watcher is in its loop */
	volatile int overrun;     /* the watcher ended the test */
	volatile int cpu_set;     /* cpu_path and cpu0_ms are there */
	volatile double cpu0_ms;
	char cpu_path[PATH_MAX]; /* the cell's CPU account */
};

static struct sched_page *sched_pg; /* mapped by the runner */
static pid_t sched_pid = -1;        /* the watcher (in the test process) */
static int sched_rec_fd = -1;
static double sched_run_delay_ms; /* a judged program's, grade_note_delay */
static int sched_cpu_fd = -1;     /* the watcher's: cpu_path */

/* The grader's processes seen so far, and their CPU wait (ms). */
struct sched_seen {
	pid_t pid;
	double wait_ms;
};
static struct sched_seen sched_tab[GRADE_SCHED_PROCS];

static double
sched_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* In the runner, before its tests: the page its test children share. */
int
grade_sched_init(void)
{
	void *p;

	if (sched_pg != NULL)
		return 0;
	p = mmap(NULL, sizeof *sched_pg, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	sched_pg = p;
	return 0;
}

/* "KEY N\n" into the record: one write(2), digits by hand. */
static void
sched_line(const char *key, double v)
{
	char line[48], digits[20], *p = line;
	long n = v > 0 ? (long)v : 0;
	int k = 0;

	if (sched_rec_fd < 0)
		return;
	while (*key != '\0' && p < line + 24)
		*p++ = *key++;
	*p++ = ' ';
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0 && k < 19);
	while (k > 0)
		*p++ = digits[--k];
	*p++ = '\n';
	(void)!write(sched_rec_fd, line, (size_t)(p - line));
}

/* The second number of a schedstat file ("RUN_NS WAIT_NS SLICES"), ms;
 * -1 when the task is gone. */
static double
sched_task_wait(int dfd, const char *name)
{
	char buf[128], *q = buf;
	double wait = 0;
	ssize_t n;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q++ != ' ')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++)
		wait = wait * 10 + (*q - '0');
	return wait / 1e6;
}

static void sched_walk(pid_t pid, int depth);

/* pid's threads: their CPU wait, and their children walked. */
static double
sched_proc(pid_t pid, int depth)
{
	char path[64], kids[512], name[300], *p, *end;
	struct dirent *e;
	double sum = 0, w;
	DIR *d;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "%s/schedstat", e->d_name);
		if ((w = sched_task_wait(dirfd(d), name)) > 0)
			sum += w;
		snprintf(name, sizeof name, "%s/children", e->d_name);
		fd = openat(dirfd(d), name, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, kids, sizeof kids - 1) : -1;
		if (fd >= 0)
			close(fd);
		for (kids[n > 0 ? n : 0] = '\0', p = kids; *p != '\0';
		     p = end) {
			long k = strtol(p, &end, 10);

			if (end == p)
				break;
			sched_walk((pid_t)k, depth + 1);
		}
	}
	closedir(d);
	return sum;
}

/* pid's real uid (/proc/PID/status: its owner in /proc may be root for
 * a process that is not dumpable), or -1. */
static long
sched_uid(pid_t pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nUid:")) == NULL)
		return -1;
	return strtol(p + 6, NULL, 10);
}

/* One process of the test's tree: counted (the most it ever waited)
 * when it is the grader's (our uid; never the watcher itself), and its
 * children walked. */
static void
sched_walk(pid_t pid, int depth)
{
	double w;
	int i, free_i = -1;

	if (depth > 8 || pid == getpid() || sched_uid(pid) != (long)getuid())
		return; /* a student's program, and all it started */
	if ((w = sched_proc(pid, depth)) < 0)
		return;
	for (i = 0; i < GRADE_SCHED_PROCS; i++) {
		if (sched_tab[i].pid == pid) {
			if (w > sched_tab[i].wait_ms)
				sched_tab[i].wait_ms = w;
			return;
		}
		if (sched_tab[i].pid == 0 && free_i < 0)
			free_i = i;
	}
	if (free_i >= 0)
		sched_tab[free_i] = (struct sched_seen){pid, w};
}

/* The grader's CPU wait and the student's CPU, into the page. */
static void
sched_cost(pid_t test)
{
	double wait = 0, cpu = -1;
	int i;

	sched_walk(test, 0);
	for (i = 0; i < GRADE_SCHED_PROCS; i++)
		wait += sched_tab[i].wait_ms;
	if (sched_cpu_fd < 0 && sched_pg->cpu_set)
		sched_cpu_fd = open(sched_pg->cpu_path, O_RDONLY | O_CLOEXEC);
	if (sched_cpu_fd >= 0 && sched_pg->cpu0_ms >= 0 &&
	    (cpu = cell_cgroup_cpu_ms(sched_cpu_fd)) >= 0)
		cpu -= sched_pg->cpu0_ms;
	sched_pg->wait_ms = wait;
	sched_pg->cpu_ms = cpu;
}

/*
 * How long past its budget a test may run (ms): the grader's CPU wait
 * not explained by the student's CPU use, when the student's CPU use is
 * known and under GRADE_STUDENT_CPU_PCT % of the budget; else 0.
 */
double
grade_sched_extension(double budget_ms, double wait_ms, double student_ms)
{
	if (!(budget_ms > 0) || !(wait_ms > student_ms) || !(student_ms >= 0) ||
	    student_ms * 100 >= budget_ms * GRADE_STUDENT_CPU_PCT)
		return 0;
	return wait_ms - student_ms;
}

/* Past its budget (counted from the open cell: the setup is the
 * grader's) and its extension: the test is the student's TIME. */
static int
sched_over(double now)
{
	double used = now - sched_pg->start_ms, b = sched_pg->budget_ms;

	return b > 0 && sched_pg->setup_ms >= 0 && used >= b &&
	       used >= b + grade_sched_extension(
	                       b, sched_pg->wait_ms, sched_pg->cpu_ms);
}

static void __attribute__((noreturn)) sched_watch(pid_t test)
{
	struct timespec d = {0, GRADE_SCHED_PERIOD_MS * 1000000L};
	int keep[] = {sched_rec_fd}, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != test)
		_exit(0); /* the test is gone already */
	prctl(PR_SET_NAME, "grade-watch");
	cell_close_fds_except(keep, 1);
	/* At the test's own priority (nice GRADE_NICE unless it is a
	 * timing test): it waits as long as the test's programs do. */
	sched_pg->started = 1;
	for (i = 0;; i++) {
		double t0, late;

		if (i % GRADE_SCHED_COST_EVERY == 0) {
			sched_cost(test);
			if (sched_over(sched_now_ms())) {
				sched_pg->overrun = 1;
				sched_line("overrun", sched_pg->wait_ms);
				kill(test, SIGKILL);
				_exit(0);
			}
		}
		t0 = sched_now_ms();
		sched_pg->since_ms = t0;
		nanosleep(&d, NULL);
		late = sched_now_ms() - t0 - GRADE_SCHED_PERIOD_MS;
		/* Said at once: should Check kill the test at its
		 * budget, the engine still knows the machine was late. */
		if (late > GRADE_BUSY_MS && sched_pg->worst_ms <= GRADE_BUSY_MS)
			sched_line("late", late);
		if (late > sched_pg->worst_ms)
			sched_pg->worst_ms = late;
	}
}

/* In the test process, before the cell opens: start the watcher. */
void
grade_sched_start(int rec_fd, double budget_ms)
{
	struct timespec d = {0, 1000000L};
	pid_t test = getpid();
	int i;

	sched_rec_fd = rec_fd;
	sched_run_delay_ms = 0;
	if (sched_pg == NULL && grade_sched_init() < 0)
		return;
	memset((void *)sched_pg, 0, sizeof *sched_pg);
	sched_pg->cpu_ms = -1;
	sched_pg->budget_ms = budget_ms;
	sched_pg->start_ms = sched_now_ms();
	sched_pg->setup_ms = -1;
	fflush(NULL);
	sched_pid = fork();
	if (sched_pid == 0)
		sched_watch(test);
	/* Watching from the test's first step on, not a while later. */
	for (i = 0; sched_pid > 0 && !sched_pg->started && i < 1000; i++)
		nanosleep(&d, NULL);
}

/* The cell is open: the budget starts now, and the cell's CPU account
 * is there for the watcher. */
void
grade_sched_cell(const struct cell *c)
{
	double now = sched_now_ms(), setup;
	int fd;

	if (sched_pg == NULL || sched_pid <= 0)
		return;
	if (cell_cgroup_cpu_path(
	        c, sched_pg->cpu_path, sizeof sched_pg->cpu_path) == 0 &&
	    (fd = open(sched_pg->cpu_path, O_RDONLY | O_CLOEXEC)) >= 0) {
		sched_pg->cpu0_ms = cell_cgroup_cpu_ms(fd);
		close(fd);
		sched_pg->cpu_set = sched_pg->cpu0_ms >= 0;
		if (sched_pg->cpu_set)
			sched_pg->cpu_ms = 0;
	}
	setup = now - sched_pg->start_ms;
	sched_pg->start_ms = now; /* before setup_ms: the watcher's order */
	sched_pg->setup_ms = setup;
}

/*
 * The test is over: the watcher ended and reaped.  A test that ran past
 * its budget, on the extension the grader's CPU wait earned it, says so.
 */
void
grade_sched_stop(struct grade *g)
{
	double used, b;

	if (sched_pid <= 0)
		return;
	kill(sched_pid, SIGKILL);
	while (waitpid(sched_pid, NULL, 0) < 0 && errno == EINTR)
		;
	sched_pid = -1;
	used = sched_now_ms() - sched_pg->start_ms;
	b = sched_pg->budget_ms;
	if (g != NULL && b > 0 && used > b)
		grade_explain(g,
		    _("the test took %.1f s once its cell was open, over its "
		      "%.0f s budget: the grader's own steps waited %.1f s for "
		      "a CPU (measured), and the budget is extended by that "
		      "wait, net of the %.1f s of CPU the submission's "
		      "programs used"),
		    used / 1000, b / 1000, sched_pg->wait_ms / 1000,
		    sched_pg->cpu_ms / 1000);
}

/* The worst lateness so far, the sleep under way included: a watcher
 * woken late may not have run yet when the test asks. */
double
grade_sched_late_ms(struct grade *g)
{
	double now = sched_now_ms(), since, worst, cur;

	(void)g;
	if (sched_pg == NULL || !sched_pg->started || sched_pid <= 0)
		return 0;
	since = sched_pg->since_ms;
	worst = sched_pg->worst_ms;
	cur = since > 0 ? now - since - GRADE_SCHED_PERIOD_MS : 0;
	return cur > worst ? cur : worst;
}

/* In the runner, after Check ended the test: what its watcher saw.
 * *setup_ms: how long the cell's setup took (all of the test's time when
 * the cell never opened); -1 when no watcher ran. */
void
grade_sched_setup(double *setup_ms, int *opened)
{
	*opened = sched_pg != NULL && sched_pg->setup_ms >= 0;
	*setup_ms = sched_pg == NULL || !sched_pg->started ? -1
	            : *opened                              ? sched_pg->setup_ms
	                      : sched_now_ms() - sched_pg->start_ms;
}

void
grade_sched_seen(double *wait_ms, double *student_ms, int *overrun)
{
	*wait_ms =
	    sched_pg != NULL && sched_pg->started ? sched_pg->wait_ms : -1;
	*student_ms = sched_pg != NULL ? sched_pg->cpu_ms : -1;
	*overrun = sched_pg != NULL && sched_pg->overrun;
}

/* A judged program waited this long (ms, in all) for a CPU while it was
 * runnable (its /proc/PID/schedstat): what its timings may be off by. */
void
grade_note_delay(struct grade *g, double ms)
{
	(void)g;
	if (ms > sched_run_delay_ms)
		sched_run_delay_ms = ms;
}

/*
 * What a timing check adds to its tolerance: how long the judged
 * program itself waited for a CPU, at most GRADE_BUSY_MS.  Not the
 * machine's timer: a client that waits too long on purpose (its bug)
 * waits asleep, which is no CPU wait, and must not be excused by load
 * elsewhere (the timer decides only whether a failure is the machine's).
 */
double
grade_late_ms(struct grade *g)
{
	(void)g;
	return sched_run_delay_ms < GRADE_BUSY_MS ? sched_run_delay_ms
	                                          : GRADE_BUSY_MS;
}

/*
 * Whose a test's budget overrun is, when Check killed the test at its
 * hard limit (the budget and GRADE_STRETCH_PCT % more: the watcher's
 * extension never ran out): GS_ERROR, the machine's (retried once, not
 * counted against the submission), or GS_TIMEOUT, the submission's.
 *
 * wait_ms: how long the grader's own processes for the test (the test
 * process, labpeer, the capture, the cell's init; never the student's
 * programs) waited, runnable, for a CPU (schedstat's run delay) during
 * the test.  Those steps run mostly one after the other, so the test
 * ended about that much later than it would have on an idle machine,
 * where they wait a few ms.  Not the watcher's own wait: a process that
 * sleeps 10 ms at a time is favoured by the scheduler on wake-up and
 * waited 0.4-0.6 % of 3 s at nice 10 under load 8 with
 * /proc/pressure/cpu "some" at 67 % (measured), while bwrap and the
 * cell's setup, which need the CPU for long stretches, took seconds.
 *
 * student_ms: the CPU time the student's programs used during the test,
 * < 0 when unknown.  A submission that burns CPU (on 2 cores it can)
 * makes the grader's steps wait too; every ms of CPU it used is taken as
 * a ms it may have kept the grader waiting, and one that used half a CPU
 * over the whole budget or more keeps its timeout.  Without that
 * evidence (student_ms < 0) a timeout stays the submission's, as before.
 *
 * The grader's wait not explained by the student's CPU must reach
 * GRADE_STARVED_PCT % of the budget: the kit's budgets leave the test
 * that much room and more on an idle machine.
 */
enum grade_status
engine_overrun(double budget_ms, double wait_ms, double student_ms)
{
	if (!(budget_ms > 0) || !(wait_ms >= 0) || !(student_ms >= 0))
		return GS_TIMEOUT; /* no evidence: the submission's, as ever */
	if (student_ms * 100 >= budget_ms * GRADE_STUDENT_CPU_PCT)
		return GS_TIMEOUT; /* it used the CPU it says it lacked */
	if ((wait_ms - student_ms) * 100 >= budget_ms * GRADE_STARVED_PCT)
		return GS_ERROR;
	return GS_TIMEOUT;
}
