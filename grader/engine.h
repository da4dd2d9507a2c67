/*
 * labgrade's pipeline, as labgrade.c drives it: build a submission
 * (build.c), run its tests as Check tests in parallel cells and collect
 * each test's record (engine.c, grade.c), grade a whole class (class.c).
 *
 * Interface:
 *	build_submission(lab, src, kit, b, err, n)  copy the lab's sources
 *	                    into a private folder, build them with the kit's
 *	                    Makefile (bounded in time); -1: could not try
 *	build_cleanup(b)    remove the build folder
 *	build_exec_capture(argv, cwd, ms, cap, out, st)  run a trusted
 *	                    command in its own process group, output kept
 *	                    (last cap bytes), group killed at the deadline
 *	engine_run(lab, rub, sub, b, opt, rep, err, n)  run the tests and
 *	                    fill rep; -1 when the grading could not run
 *	engine_render_traces(rep, labsniff, all)  labsniff -r on the traces
 *	engine_keep_traces(rep, dir)  copy the traces into dir
 *	engine_cleanup(rep)  remove the private results folder
 *	class_run(opt)      --class: grade every ROOT/<student>/ folder
 *	grade_record_*      the per-test record a test child leaves
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "grade.h"
#include "report.h"
#include "rubric.h"

struct build_result {
	int ok;                 /* both programs built */
	char dir[PATH_MAX / 2]; /* the private build folder ("" if none) */
	char server[PATH_MAX];  /* "" when it did not build */
	char client[PATH_MAX];
	char *log;     /* make's last lines when something failed */
	char why[256]; /* one line: what failed */
};

struct engine_opts {
	int runners;                 /* tests at once (0: CPUs, at least 2) */
	int slot_base;               /* first cell slot this grading may use */
	const char *only;            /* --only TEST, or NULL */
	int verbose;                 /* -v */
	volatile sig_atomic_t *stop; /* set by a signal: end the run */
};

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
};

void grade_sched_start(int rec_fd);
double grade_sched_late_ms(struct grade *g);

int build_submission(const struct grade_lab *lab, const char *src,
    const char *kit, struct build_result *b, char *err, size_t errlen);
void build_cleanup(struct build_result *b);
int build_exec_capture(char *const argv[], const char *cwd, int timeout_ms,
    size_t cap, char **out, int *status);

int engine_run(const struct grade_lab *lab, const struct rubric *rub,
    const struct grade_sub *sub, const struct build_result *b,
    const struct engine_opts *opt, struct report *rep, char *err,
    size_t errlen);
void engine_render_traces(struct report *rep, const char *labsniff, int all);
int engine_keep_traces(struct report *rep, const char *dir);
void engine_cleanup(struct report *rep);
uint64_t engine_test_seed(uint64_t seed, const char *name);

/* The record (grade.c): "KEY VALUE" lines, VALUE escaped. */
void grade_record(struct grade *g, const char *key, const char *val);
void grade_record_end(struct grade *g, enum grade_status s, const char *reason);
int grade_record_read(const char *path, struct report_test *t, int *check_rtype,
    char *check_msg, size_t msglen);
enum grade_status grade_status_parse(const char *s);
const char *grade_status_key(enum grade_status s);

/* --class (class.c) */
struct class_opts {
	const char *root;
	const char *lab;    /* canonical lab name */
	const char *self;   /* path of labgrade, run once per student */
	const char *rubric; /* --rubric, or NULL */
	const char *rubric_hash;
	const char *const *sources;
	int jobs;
	uint64_t seed;
	int force_fallback;
	const char *const *test_names;
	size_t ntests;
	volatile sig_atomic_t *stop; /* set by a signal: end the run */
};
int class_run(const struct class_opts *opt, char *err, size_t errlen);

#endif
