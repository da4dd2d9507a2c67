/*
 * JUnit XML (testsuites/testsuite/testcase/failure), as CI systems read
 * it; Check's own XML is not JUnit.  All text is escaped, never CDATA:
 * characters XML cannot carry (NUL, most control bytes, invalid UTF-8)
 * are written as visible \xHH or U+FFFD, and '>' is always &gt; so a
 * student's "]]>" cannot end anything.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "report.h"

struct junit_out {
	FILE *f;
	int attr; /* inside an attribute: escape newlines too */
};

static void
junit_cp(void *ctx, uint32_t c)
{
	struct junit_out *o = ctx;

	switch (c) {
	case '&':
		fputs("&amp;", o->f);
		return;
	case '<':
		fputs("&lt;", o->f);
		return;
	case '>':
		fputs("&gt;", o->f);
		return;
	case '"':
		fputs("&quot;", o->f);
		return;
	case '\'':
		fputs("&apos;", o->f);
		return;
	case '\n':
		fputs(o->attr ? "&#10;" : "\n", o->f);
		return;
	case '\t':
		fputs(o->attr ? "&#9;" : "\t", o->f);
		return;
	case '\r':
		fputs("&#13;", o->f);
		return;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		fprintf(o->f, "\\x%02x", (unsigned)c);
	else if (c == 0xfffe || c == 0xffff)
		fputs("&#xfffd;", o->f);
	else if (c < 0x80)
		fputc((int)c, o->f);
	else
		fprintf(o->f, "&#x%x;", (unsigned)c);
}

static void
junit_text(FILE *f, const char *s, int attr)
{
	struct junit_out o = {f, attr};

	report_utf8_clean(s != NULL ? s : "", junit_cp, &o);
}

static void
junit_testcase(FILE *f, const struct report *rep, const struct report_test *t,
    const struct report_opts *opt)
{
	const char *tag;
	char *text;

	fprintf(f, "    <testcase classname=\"");
	junit_text(f, rep->lab, 1);
	fprintf(f, "\" name=\"");
	junit_text(f, t->name, 1);
	fprintf(f, "\" time=\"%.3f\">\n", t->seconds);
	if (t->status == GS_PASSED && t->trace_text == NULL) {
		fputs("    </testcase>\n", f);
		return;
	}
	text = report_test_text(rep, t, opt);
	tag = t->status == GS_NOT_RUN  ? "skipped"
	      : t->status == GS_ERROR  ? "error"
	      : t->status == GS_PASSED ? "system-out"
	                               : "failure";
	fprintf(f, "      <%s", tag);
	if (t->status != GS_PASSED) {
		fputs(" message=\"", f);
		junit_text(f, t->reason, 1);
		fputs("\" type=\"", f);
		junit_text(f, report_status_name(t->status), 1);
		fputs("\"", f);
	}
	fputs(">", f);
	junit_text(f, text, 0);
	fprintf(f, "</%s>\n    </testcase>\n", tag);
	free(text);
}

/* The build as a test case of its own: a submission that did not build
 * fails, never shows green with every test skipped. */
static void
junit_build(FILE *f, const struct report *rep)
{
	fputs("    <testcase classname=\"", f);
	junit_text(f, rep->lab, 1);
	fputs("\" name=\"build\" time=\"0.000\">\n", f);
	if (!rep->build_ok) {
		fputs("      <failure message=\"", f);
		junit_text(f, rep->build_why, 1);
		fputs("\" type=\"build failed\">", f);
		junit_text(f, rep->build_log, 0);
		fputs("</failure>\n", f);
	}
	fputs("    </testcase>\n", f);
}

int
report_junit_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	size_t i, failures = 0;

	for (i = 0; i < rep->ntests; i++)
		failures += rep->tests[i].status != GS_PASSED &&
		            rep->tests[i].status != GS_NOT_RUN &&
		            rep->tests[i].status != GS_ERROR;
	failures += !rep->build_ok; /* the build test case */
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
	    "<testsuites name=\"labgrade\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
	    rep->ntests + 1, failures, rep->errors, rep->not_run, rep->seconds);
	fputs("  <testsuite name=\"", f);
	junit_text(f, rep->lab, 1);
	fprintf(f,
	    "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
	    "skipped=\"%zu\" time=\"%.3f\">\n",
	    rep->ntests + 1, failures, rep->errors, rep->not_run, rep->seconds);
	fprintf(f,
	    "    <properties>\n"
	    "      <property name=\"labgrade\" value=\"%s\"/>\n"
	    "      <property name=\"lang\" value=\"%s\"/>\n"
	    "      <property name=\"seed\" value=\"%llu\"/>\n"
	    "      <property name=\"rubric_hash\" value=\"%s\"/>\n"
	    "      <property name=\"score\" value=\"%g/%g\"/>\n"
	    "      <property name=\"submission\" value=\"",
	    rep->version, i18n_lang(), (unsigned long long)rep->seed,
	    rep->rubric_hash, rep->score, rep->max_score);
	junit_text(f, rep->dir, 1);
	fputs("\"/>\n    </properties>\n", f);
	junit_build(f, rep);
	for (i = 0; i < rep->ntests; i++)
		junit_testcase(f, rep, &rep->tests[i], opt);
	fputs("  </testsuite>\n</testsuites>\n", f);
	return 0;
}
