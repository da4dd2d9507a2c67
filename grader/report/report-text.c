/*
 * The human report: one line per test (status, points, reason), the
 * details of every test that did not pass, and a total line.  Colour only
 * on a terminal; a student's bytes never reach the terminal raw (control
 * characters are shown as \xHH, invalid UTF-8 as U+FFFD).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_MAGENTA "\033[35m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

struct text_out {
	FILE *f;
	const char *indent;
	int bol; /* at the beginning of a line */
};

static void
text_cp(void *ctx, uint32_t c)
{
	struct text_out *o = ctx;
	char b[8];

	if (o->bol && c != '\n')
		fputs(o->indent, o->f);
	o->bol = c == '\n';
	if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
		fputc((int)c, o->f);
	} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
		fprintf(o->f, "\\x%02x", (unsigned)c);
	} else {
		/* re-encode: report_utf8_clean gave a valid code point */
		if (c < 0x800) {
			b[0] = (char)(0xc0 | (c >> 6));
			b[1] = (char)(0x80 | (c & 0x3f));
			fwrite(b, 1, 2, o->f);
		} else if (c < 0x10000) {
			b[0] = (char)(0xe0 | (c >> 12));
			b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (char)(0x80 | (c & 0x3f));
			fwrite(b, 1, 3, o->f);
		} else {
			b[0] = (char)(0xf0 | (c >> 18));
			b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			b[3] = (char)(0x80 | (c & 0x3f));
			fwrite(b, 1, 4, o->f);
		}
	}
}

/* Untrusted text, every line indented, ending with a newline. */
static void
text_block(FILE *f, const char *indent, const char *s)
{
	struct text_out o = {f, indent, 1};

	if (s == NULL || s[0] == '\0')
		return;
	report_utf8_clean(s, text_cp, &o);
	if (!o.bol)
		fputc('\n', f);
}

/* Untrusted text inside a line. */
static void
text_inline(FILE *f, const char *s)
{
	struct text_out o = {f, "", 0};

	report_utf8_clean(s != NULL ? s : "", text_cp, &o);
}

static const char *
text_colour(enum grade_status s)
{
	switch (s) {
	case GS_PASSED:
		return C_GREEN;
	case GS_NOT_RUN:
		return C_YELLOW;
	case GS_ERROR:
		return C_MAGENTA;
	default:
		return C_RED;
	}
}

static const char *
text_tag(enum grade_status s)
{
	switch (s) {
	case GS_PASSED:
		return "PASS";
	case GS_NOT_RUN:
		return "SKIP";
	case GS_ERROR:
		return "ERR ";
	case GS_TIMEOUT:
		return "TIME";
	case GS_CRASHED:
		return "CRSH";
	case GS_KILLED_MEMORY:
	case GS_KILLED_OUTPUT:
		return "KILL";
	default:
		return "FAIL";
	}
}

static void
text_header(FILE *f, const struct report *rep, const struct report_opts *o)
{
	fprintf(f, _("%slabgrade %s%s: %s, submission "),
	    o->colour ? C_BOLD : "", rep->version, o->colour ? C_OFF : "",
	    rep->lab);
	text_inline(f, rep->dir);
	fprintf(f, _("\nseed %llu, rubric "), (unsigned long long)rep->seed);
	text_inline(f, rep->rubric_path);
	fprintf(f, _(" (hash %s)\n"), rep->rubric_hash);
	if (strcmp(i18n_lang(), "en") !=
	    0) /* English reports stay as they were */
		fprintf(f, _("language: %s\n"), i18n_lang());
	if (!rep->build_ok) {
		fprintf(f, _("%sbuild failed%s: "), o->colour ? C_RED : "",
		    o->colour ? C_OFF : "");
		text_inline(f, rep->build_why);
		fputc('\n', f);
		text_block(f, "    | ", rep->build_log);
	}
	if (rep->cell_note != NULL) {
		fputs(_("note: ran without private namespaces: "), f);
		text_block(f, "", rep->cell_note);
		fputs(_("      (checks that need them are reported as not "
		        "run)\n"),
		    f);
	}
	if (rep->limits_note != NULL) {
		fputs(_("note: limits: "), f);
		text_block(f, "", rep->limits_note);
	}
	fputc('\n', f);
}

/* Whether a test gets its details (explanations, the student's
 * programs, the repro, the rerun command, the trace) under its line:
 * every test that did not pass, except those decided before they ran
 * (a prerequisite that did not pass, a program that did not build); a
 * test that started and then said it could not run is worth a look. */
static int
text_details(const struct report_test *t, const struct report_opts *o)
{
	if (t->status == GS_PASSED)
		return o->verbose && (t->trace_text != NULL || t->nexplain > 0);
	return t->status != GS_NOT_RUN || t->started;
}

static void
text_test(FILE *f, const struct report *rep, const struct report_test *t,
    const struct report_opts *o)
{
	char *detail;

	fprintf(f, "%s%s%s %-28s %5g/%-5g ",
	    o->colour ? text_colour(t->status) : "", text_tag(t->status),
	    o->colour ? C_OFF : "", t->name, t->points, t->max_points);
	if (t->status == GS_PASSED)
		text_block(f, "", t->summary);
	else if (t->reason != NULL && t->reason[0] != '\0')
		text_block(f, "", t->reason);
	else
		fprintf(f, _("%s (no reason recorded)\n"),
		    report_status_name(t->status));
	if (!text_details(t, o))
		return;
	fputs(_("     test: "), f);
	text_block(f, "", t->summary);
	detail = report_test_text(rep, t, o);
	if (detail != NULL) {
		/* the first line repeats status and reason: skip it */
		char *rest = strchr(detail, '\n');

		text_block(f, "     ", rest != NULL ? rest + 1 : detail);
		free(detail);
	}
	fputc('\n', f);
}

/* The tests that could not run where the grader runs: which, and that
 * the maximum leaves them out (or keeps them: rubric count_not_here). */
static void
text_not_here(FILE *f, const struct report *rep)
{
	size_t i, n = 0;

	for (i = 0; i < rep->ntests; i++) {
		const struct report_test *t = &rep->tests[i];

		if (t->unselected || t->status != GS_NOT_RUN || !t->not_here)
			continue;
		fprintf(f, "%s%s",
		    n++ == 0
		        ? _("could not run where the grader runs (see each "
		            "one's reason): ")
		        : ", ",
		    t->name);
	}
	if (n > 0)
		fprintf(f, "; %s\n",
		    rep->count_not_here ? _("kept in the maximum (rubric: "
		                            "option count_not_here)")
		                        : _("left out of the maximum"));
}

int
report_text_write(
    FILE *f, const struct report *rep, const struct report_opts *o)
{
	size_t i, unselected, ran;

	text_header(f, rep, o);
	for (i = 0, unselected = 0; i < rep->ntests; i++) {
		if (rep->tests[i].unselected)
			unselected++;
		else
			text_test(f, rep, &rep->tests[i], o);
	}
	if (unselected > 0)
		fprintf(f,
		    ngettext("(%zu other test not selected: --only)\n",
		        "(%zu other tests not selected: --only)\n",
		        (unsigned long)unselected),
		    unselected);
	fputc('\n', f);
	ran = rep->ntests - unselected;
	if (rep->ran_nothing)
		fprintf(f,
		    _("total: 0/%g points: no test ran (%zu not run, %zu "
		      "grader errors), so nothing was graded\n"),
		    rep->max_score, rep->not_run, rep->errors);
	else
		/* TRANSLATORS: the plural follows the number of tests run (the
		 * second %zu): "0 of 1 test passed", "2 of 5 tests passed";
		 * the count "not run" may be anything up to it. */
		fprintf(f,
		    rep->errors
		        ? ngettext(
		              "total: %g/%g points; %zu of %zu test passed, "
		              "%zu not run, grader errors: yes (see "
		              "above); %.1f s\n",
		              "total: %g/%g points; %zu of %zu tests passed, "
		              "%zu not run, grader errors: yes (see "
		              "above); %.1f s\n",
		              (unsigned long)ran)
		        : ngettext(
		              "total: %g/%g points; %zu of %zu test passed, "
		              "%zu not run; %.1f s\n",
		              "total: %g/%g points; %zu of %zu tests passed, "
		              "%zu not run; %.1f s\n",
		              (unsigned long)ran),
		    rep->score, rep->max_score, rep->passed, ran, rep->not_run,
		    rep->seconds);
	text_not_here(f, rep);
	return 0;
}
