/*
 * The rubric: how many points each test of a lab is worth.  One file per
 * lab, grader/labs/LAB/LAB.rubric, which an instructor may edit.
 *
 * Interface:
 *	rubric_load(r, path, lab, err, errlen)  read and check a rubric
 *	                     against the lab's test table; -1 with a reason
 *	rubric_points(r, name)      points of a test (-1: not in the rubric)
 *	rubric_visibility(r, name)  Gradescope visibility of a test
 *	rubric_free(r)
 *	grade_hash64(h, p, n)       FNV-1a 64, chained (h = 0 starts one)
 *
 * File format, one test per line; '#' starts a comment; blank lines skip:
 *	NAME POINTS [VISIBILITY]
 * NAME is a test name of the lab ([a-z0-9_]+), POINTS a number >= 0
 * (decimals allowed: 1.5), VISIBILITY one of visible (the default),
 * hidden, after_due_date, after_published.  The line
 *	option count_not_here
 * keeps in the maximum the tests that cannot run where the grader runs
 * (no namespaces, no IPv6 loopback); by default they are left out.
 * The tests of the lab's hidden/ folder (lab.h) have their lines in
 * hidden/LAB.rubric beside the rubric (DIR/hidden/NAME for a rubric
 * DIR/NAME, read when it exists), each with a visibility other than
 * visible: the student kit leaves hidden/ out.  Every test of the lab must
 * appear exactly once and every line must name a test of the lab: a
 * rubric that does not match the lab is an error, never a silent zero.
 */
#ifndef RUBRIC_H
#define RUBRIC_H

#include <stddef.h>
#include <stdint.h>

#include "grade.h"

struct rubric_entry {
	char name[64];
	double points;
	char visibility[16];
};

struct rubric {
	struct rubric_entry *entry;
	size_t n;
	double total;       /* sum of the points */
	int count_not_here; /* 'option count_not_here' */
	char hash[17];      /* FNV-1a 64 of the file's bytes, hex */
	char path[4096];
};

int rubric_load(struct rubric *r, const char *path, const struct grade_lab *lab,
    char *err, size_t errlen);
double rubric_points(const struct rubric *r, const char *name);
const char *rubric_visibility(const struct rubric *r, const char *name);
void rubric_free(struct rubric *r);

uint64_t grade_hash64(uint64_t h, const void *p, size_t n);

#endif
