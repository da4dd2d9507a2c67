/*
 * results.tsv: the grading as numbers and status words, one record per
 * line, fields separated by tabs, no free text: what class mode reads
 * back (and merges) to build grades.csv and the dashboard.
 *	labgrade VERSION | lab LAB | seed N | rubric_hash HEX
 *	build_ok 0|1 | score POINTS MAX | seconds S
 *	test NAME STATUS POINTS MAX SECONDS VISIBILITY SELECTED
 * STATUS is a record key (passed, failed, timeout, crashed, memory,
 * output, not_run, error); SELECTED is 0 for a test left out by --only.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "engine.h"
#include "record.h"
#include "report.h"

int
report_tsv_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	const struct report_test *t;
	size_t i;

	(void)opt;
	fprintf(f, "labgrade\t%s\nlab\t%s\nseed\t%llu\nrubric_hash\t%s\n",
	    rep->version, rep->lab, (unsigned long long)rep->seed,
	    rep->rubric_hash);
	fprintf(f, "build_ok\t%d\nscore\t%.17g\t%.17g\nseconds\t%.3f\n",
	    rep->build_ok != 0, rep->score, rep->max_score, rep->seconds);
	for (i = 0; i < rep->ntests; i++) {
		t = &rep->tests[i];
		fprintf(f, "test\t%s\t%s\t%.17g\t%.17g\t%.3f\t%s\t%d\n",
		    t->name, grade_status_key(t->status), t->points,
		    t->max_points, t->seconds,
		    t->visibility != NULL ? t->visibility : "visible",
		    !t->unselected);
	}
	return 0;
}
