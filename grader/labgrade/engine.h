/*
 * The engine (engine.c), the middle of labgrade's pipeline: after the
 * build (build.h), run a submission's tests as Check tests in parallel
 * cells and collect each test's record (record.h) into the report.
 * (The whole class: class.h.)
 *
 * Interface:
 *	engine_run(lab, rub, sub, b, opt, rep, err, n)  run the tests and
 *	                    fill rep; -1 when the grading could not run
 *	engine_render_traces(rep, labsniff, all)  labsniff -r on the traces
 *	engine_keep_traces(rep, dir)  copy the traces into dir
 *	engine_cleanup(rep)  remove the private results folder
 *	engine_test_seed(seed, name)  the seed a test derives from --seed
 *	engine_overrun(budget_ms, wait_ms, student_ms)  whose a test's
 *	                    budget overrun is: GS_ERROR (the machine's)
 *	                    or GS_TIMEOUT (the submission's); grade-sched.c
 *	engine_kit_readable(kit, uid, landlock)  whether a fallback cell's
 *	                    programs (uid) can read the kit's solutions or
 *	                    tests (for the report's note)
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "build.h"
#include "grade.h"
#include "report.h"
#include "rubric.h"

struct engine_opts {
	int runners;                 /* tests at once (0: CPUs, at least 2) */
	int slot_base;               /* first cell slot this grading may use */
	const char *only;            /* --only TEST, or NULL */
	int verbose;                 /* -v */
	volatile sig_atomic_t *stop; /* set by a signal: end the run */
};

int engine_run(const struct grade_lab *lab, const struct rubric *rub,
    const struct grade_sub *sub, const struct build_result *b,
    const struct engine_opts *opt, struct report *rep, char *err,
    size_t errlen);
int engine_kit_readable(const char *kit, uid_t uid, int landlock);
void engine_render_traces(struct report *rep, const char *labsniff, int all);
int engine_keep_traces(struct report *rep, const char *dir);
void engine_cleanup(struct report *rep);
uint64_t engine_test_seed(uint64_t seed, const char *name);
enum grade_status engine_overrun(
    double budget_ms, double wait_ms, double student_ms);

#endif
