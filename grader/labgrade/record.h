/*
 * A test's record (grade.c): what a test child leaves for the engine,
 * "KEY VALUE" lines with VALUE escaped, and the state a test runs with.
 *
 * Interface:
 *	grade_record(g, key, val)        one line of the record
 *	grade_record_end(g, status, why) the test's last line
 *	grade_record_read(path, t, ...)  the record back, into a report test
 *	grade_status_parse(s), grade_status_key(s)  a status and its word
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "grade.h"
#include "report.h"

/* What a test runs with: the Check test function gets no argument, so
 * the runner process keeps this in one static pointer (engine.c). */
struct grade {
	const struct grade_test *test;
	const struct grade_sub *sub;
	struct cell *cell;   /* NULL until cell_open succeeded */
	uint64_t seed;       /* grade_seed() */
	int rec_fd;          /* the record, opened before the cell */
	int dir_fd;          /* the results folder (for the trace copy) */
	const char *results; /* its path, as the parent sees it */
	size_t nexplain, nstudent;
	/* grade_student_on_fail(): shown if the test fails without it */
	const char *fail_role;
	const struct run *fail_run;
	int fail_shown;
	/* grade_at_end(): run once when the test ends, before the cell
	 * closes (a capture still running becomes the trace) */
	void (*end_fn)(struct grade *g, void *arg);
	void *end_arg;
};

/* How busy the machine is for the test (grade-sched.c): its watcher. */
int grade_sched_init(void); /* in the runner: the page tests share */
void grade_sched_start(int rec_fd, double budget_ms); /* before the cell */
void grade_sched_cell(const struct cell *c);          /* its CPU account */
void grade_sched_stop(struct grade *g);               /* the test is over */
double grade_sched_late_ms(struct grade *g); /* the worst timer lateness */
void grade_sched_seen(double *wait_ms, double *student_ms, int *overrun);
void grade_sched_setup(double *setup_ms, int *opened); /* cell setup */
double grade_sched_extension(
    double budget_ms, double wait_ms, double student_ms);

/* The record (grade.c): "KEY VALUE" lines, VALUE escaped. */
void grade_record(struct grade *g, const char *key, const char *val);
void grade_record_end(struct grade *g, enum grade_status s, const char *reason);
int grade_record_read(const char *path, struct report_test *t, int *check_rtype,
    char *check_msg, size_t msglen);
enum grade_status grade_status_parse(const char *s);
const char *grade_status_key(enum grade_status s);

#endif
