/*
 * Gradescope's results.json: tests[] with name, score, max_score,
 * status, output and visibility, and the top-level score and output.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static char *
gradescope_header(const struct report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	double visible, vmax;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, _("labgrade %s, %s, seed %llu, rubric hash %s\n"),
	    rep->version, rep->lab, (unsigned long long)rep->seed,
	    rep->rubric_hash);
	if (strcmp(i18n_lang(), "en") != 0)
		fprintf(f, _("language: %s\n"), i18n_lang());
	if (!rep->build_ok)
		fprintf(f, _("The build failed: %s\n%s\n"), rep->build_why,
		    rep->build_log != NULL ? rep->build_log : "");
	if (rep->cell_note != NULL)
		fprintf(f,
		    _("Ran without private namespaces (%s): checks that "
		      "need them are reported as not run.\n"),
		    rep->cell_note);
	if (rep->limits_note != NULL)
		fprintf(f, _("Limits: %s.\n"), rep->limits_note);
	if (rep->ran_nothing)
		fprintf(f, _("No test ran, so nothing was graded.\n"));
	if (rep->not_here > 0)
		fprintf(f,
		    rep->count_not_here
		        ? ngettext("%zu test could not run here and is counted "
		                   "as not passed (it says why).\n",
		              "%zu tests could not run here and are counted as "
		              "not passed (each one says why).\n",
		              rep->not_here)
		        : ngettext(
		              "%zu test could not run here and is left out "
		              "of the maximum (it says why).\n",
		              "%zu tests could not run here and are left out "
		              "of "
		              "the maximum (each one says why).\n",
		              rep->not_here),
		    rep->not_here);
	/* hidden and after_due_date tests stay out of any total shown */
	visible = report_visible_score(rep, &vmax);
	fprintf(f, _("Score on the tests shown: %g/%g\n"), visible, vmax);
	fclose(f);
	return buf;
}

int
report_gradescope_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	const struct report_test *t;
	char *text, name[512];
	size_t i;

	text = gradescope_header(rep);
	fprintf(f, "{\"score\": %g, \"output\": ", rep->score);
	report_json_string(f, text);
	free(text);
	fputs(", \"stdout_visibility\": \"visible\", \"tests\": [", f);
	if (!rep->build_ok) {
		/* a test of its own that fails: never a quiet 0 */
		fputs("\n{\"name\": \"build\", \"score\": 0, \"max_score\": 0, "
		      "\"status\": \"failed\", \"output\": ",
		    f);
		report_json_string(f, rep->build_why);
		fputs(", \"visibility\": \"visible\"},", f);
	}
	for (i = 0; i < rep->ntests; i++) {
		t = &rep->tests[i];
		snprintf(name, sizeof name, "%s: %s", t->name, t->summary);
		fputs(i > 0 ? ",\n" : "\n", f);
		fputs("{\"name\": ", f);
		report_json_string(f, name);
		fprintf(f,
		    ", \"score\": %g, \"max_score\": %g, \"status\": "
		    "\"%s\", \"output\": ",
		    t->points, report_test_counted(rep, t) ? t->max_points : 0,
		    t->status == GS_PASSED ? "passed" : "failed");
		text = report_test_text(rep, t, opt);
		report_json_string(f, text);
		free(text);
		fputs(", \"visibility\": ", f);
		report_json_string(
		    f, t->visibility != NULL ? t->visibility : "visible");
		fputs("}", f);
	}
	fputs("\n]}\n", f);
	return 0;
}
