/*
 * The build step (build.c): a submission's sources built with the kit's
 * Makefile for the lab, in a private folder, bounded in time, never with
 * the student's Makefile.
 *
 * Interface:
 *	build_submission(lab, src, kit, b, err, n)  copy the lab's sources
 *	                    into a private folder, build them with the kit's
 *	                    Makefile (bounded in time); -1: could not try
 *	build_cleanup(b)    remove the build folder
 *	build_exec_capture(argv, cwd, ms, cap, out, st)  run a trusted
 *	                    command in its own process group, output kept
 *	                    (last cap bytes), group killed at the deadline
 */
#ifndef BUILD_H
#define BUILD_H

#include <limits.h>
#include <stddef.h>

#include "grade.h"

struct build_result {
	int ok;                 /* every program built */
	char dir[PATH_MAX / 2]; /* the private build folder ("" if none) */
	char prog[GRADE_PROGRAMS_MAX][PATH_MAX]; /* each program of the lab
	                                          * (same index); "" when it
	                                          * did not build */
	char *log;     /* make's last lines when something failed */
	char why[256]; /* one line: what failed */
	int sandboxed; /* make ran in bwrap (else: rlimits, uid drop) */
	int lock_fd;   /* holds a lock on dir while the grading lives */
};

int build_submission(const struct grade_lab *lab, const char *src,
    const char *kit, struct build_result *b, char *err, size_t errlen);
void build_cleanup(struct build_result *b);
int build_exec_capture(char *const argv[], const char *cwd, int timeout_ms,
    size_t cap, char **out, int *status);

#endif
