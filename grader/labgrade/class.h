/*
 * --class (class.c): grade every ROOT/<student>/ folder, each by a run of
 * labgrade itself, skipping the students whose report is still current;
 * write ROOT/grades.csv.
 *
 * Interface:
 *	class_run(opt, err, n)  grade the class; -1 with a reason
 */
#ifndef CLASS_H
#define CLASS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

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
