/*
 * TAP version 13: one "ok"/"not ok" line per test, tests that did not
 * run as "# SKIP", details as comment lines (never raw student bytes).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct tap_out {
	FILE *f;
	int bol, oneline;
};

static void
tap_cp(void *ctx, uint32_t c)
{
	struct tap_out *o = ctx;

	if (o->oneline && (c == '\n' || c == '#')) {
		fputs(c == '#' ? "\\#" : " ", o->f);
		return;
	}
	if (o->bol)
		fputs("# ", o->f);
	o->bol = c == '\n';
	if (c == '\n' || (c >= 0x20 && c < 0x7f))
		fputc((int)c, o->f);
	else if (c < 0xa0)
		fprintf(o->f, "\\x%02x", (unsigned)c);
	else
		fprintf(o->f, "\\u{%x}", (unsigned)c);
}

static void
tap_text(FILE *f, const char *s, int oneline)
{
	struct tap_out o = {f, !oneline, oneline};

	report_utf8_clean(s != NULL ? s : "", tap_cp, &o);
	if (!oneline && !o.bol)
		fputc('\n', f);
}

int
report_tap_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	const struct report_test *t;
	char *text;
	size_t i;

	fprintf(f, "TAP version 13\n1..%zu\n", rep->ntests + 1);
	fprintf(f, "# labgrade %s %s seed %llu rubric %s\n", rep->version,
	    rep->lab, (unsigned long long)rep->seed, rep->rubric_hash);
	if (strcmp(i18n_lang(), "en") != 0) /* the prose's language */
		fprintf(f, "# lang %s\n", i18n_lang());
	for (i = 0; i < rep->ntests; i++) {
		t = &rep->tests[i];
		fprintf(f, "%s %zu - %s (%g/%g)",
		    t->status == GS_PASSED || t->status == GS_NOT_RUN
		        ? "ok"
		        : "not ok",
		    i + 1, t->name, t->points, t->max_points);
		if (t->status == GS_NOT_RUN) {
			fputs(" # SKIP ", f);
			tap_text(f, t->reason, 1);
		}
		fputc('\n', f);
		/* details: as the text report, for every test that did
		 * not pass except those decided before they started */
		if (t->status == GS_PASSED ||
		    (t->status == GS_NOT_RUN && !t->started))
			continue;
		text = report_test_text(rep, t, opt);
		tap_text(f, text, 0);
		free(text);
	}
	/* the build, last (the tests keep their numbers): a submission
	 * that did not build is "not ok", never a PASS with all skipped */
	fprintf(f, "%s %zu - build", rep->build_ok ? "ok" : "not ok",
	    rep->ntests + 1);
	if (!rep->build_ok) {
		fputs(" (", f);
		tap_text(f, rep->build_why, 1);
		fputs(")\n", f);
		tap_text(f, rep->build_log, 0);
	} else {
		fputc('\n', f);
	}
	fprintf(f, "# total %g/%g points%s\n", rep->score, rep->max_score,
	    rep->ran_nothing ? " (no test ran)" : "");
	return 0;
}
