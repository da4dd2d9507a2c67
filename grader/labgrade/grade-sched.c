/*
 * How late a timer wakes in a test's cell: a thread of the test process
 * sleeps GRADE_SCHED_PERIOD_MS again and again and keeps the worst
 * lateness, at the test's own priority.  On a busy machine the student's
 * programs, labpeer and the capture wait as long; the timing checks widen their
 * tolerance by it, and a failure under more delay than a test tolerates is the
 * grader's (ERR, retried), never the student's.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "param.h"

static volatile double sched_worst_ms; /* written by the thread only */
static volatile int sched_running;
static volatile double sched_since; /* when the current sleep began */
static double sched_run_delay_ms;   /* a judged program's, grade_note_delay */
static volatile int sched_started;  /* the thread is in its loop */
static int sched_rec_fd = -1;       /* the test's record: "late MS" */

static double
sched_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * Say in the test's record that it ran too late to be judged, at once:
 * should Check kill the test at its budget, the engine still knows the
 * machine, not the submission, ran out of time.  One write(2), digits
 * by hand: no lock of the C library is ever held by this thread.
 */
static void
sched_record(double late)
{
	char line[32] = "late ", *p = line + 5;
	char digits[16];
	long v = (long)late;
	int n = 0;

	if (sched_rec_fd < 0)
		return;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && n < 15);
	while (n > 0)
		*p++ = digits[--n];
	*p++ = '\n';
	(void)!write(sched_rec_fd, line, (size_t)(p - line));
}

/* Only syscalls here: the test process forks while this thread runs,
 * and a child must never inherit a lock held by it. */
static void *
sched_watch(void *arg)
{
	struct timespec d = {0, GRADE_SCHED_PERIOD_MS * 1000000L};

	(void)arg;
	/* At the test's own priority (nice GRADE_NICE unless it is a
	 * timing test): it waits as long as the test's programs do. */
	sched_started = 1;
	while (sched_running) {
		double t0 = sched_now_ms(), late;

		sched_since = t0;
		nanosleep(&d, NULL);
		late = sched_now_ms() - t0 - GRADE_SCHED_PERIOD_MS;
		if (late > GRADE_BUSY_MS && sched_worst_ms <= GRADE_BUSY_MS)
			sched_record(late);
		if (late > sched_worst_ms)
			sched_worst_ms = late;
	}
	return NULL;
}

/* Start watching (after the cell is open: unshare() wants one thread). */
void
grade_sched_start(int rec_fd)
{
	struct timespec d = {0, 1000000L};
	pthread_attr_t a;
	pthread_t t;
	int i;

	sched_rec_fd = rec_fd;
	sched_worst_ms = 0;
	sched_since = 0;
	sched_run_delay_ms = 0;
	sched_running = 1;
	sched_started = 0;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, sched_watch, NULL) != 0)
		sched_running = 0;
	pthread_attr_destroy(&a);
	/* Watching from the test's first step on, not a while later. */
	for (i = 0; sched_running && !sched_started && i < 1000; i++)
		nanosleep(&d, NULL);
}

/* The worst lateness so far, the sleep under way included: a thread
 * woken late may not have run yet when the test asks. */
double
grade_sched_late_ms(struct grade *g)
{
	double now = sched_now_ms(), since = sched_since,
	       worst = sched_worst_ms;
	double cur = since > 0 ? now - since - GRADE_SCHED_PERIOD_MS : 0;

	(void)g;
	if (!sched_running)
		return 0;
	return cur > worst ? cur : worst;
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
