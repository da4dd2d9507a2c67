/*
 * The JSON report, and the string escaping every JSON-based format uses
 * (Gradescope, Autolab): any byte a student printed comes out as valid
 * UTF-8 JSON (invalid sequences become U+FFFD, control bytes \u00XX).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "report.h"

/* Length of the UTF-8 sequence starting at s and its code point, or 0
 * when it is not a valid, shortest-form sequence. */
static int
report_utf8_seq(const unsigned char *s, uint32_t *cp)
{
	int n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return *cp = c, n;
}

void
report_utf8_clean(const char *s, report_cp_fn cb, void *ctx)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	uint32_t cp;
	int n;

	while (*p != '\0') {
		n = report_utf8_seq(p, &cp);
		if (n == 0) {
			cb(ctx, 0xfffd);
			p++;
		} else {
			cb(ctx, cp);
			p += n;
		}
	}
}

static void
report_put_utf8(FILE *out, uint32_t c)
{
	if (c < 0x80) {
		fputc((int)c, out);
	} else if (c < 0x800) {
		fputc((int)(0xc0 | (c >> 6)), out);
		fputc((int)(0x80 | (c & 0x3f)), out);
	} else if (c < 0x10000) {
		fputc((int)(0xe0 | (c >> 12)), out);
		fputc((int)(0x80 | ((c >> 6) & 0x3f)), out);
		fputc((int)(0x80 | (c & 0x3f)), out);
	} else {
		fputc((int)(0xf0 | (c >> 18)), out);
		fputc((int)(0x80 | ((c >> 12) & 0x3f)), out);
		fputc((int)(0x80 | ((c >> 6) & 0x3f)), out);
		fputc((int)(0x80 | (c & 0x3f)), out);
	}
}

static void
report_json_cp(void *ctx, uint32_t c)
{
	FILE *out = ctx;

	switch (c) {
	case '"':
		fputs("\\\"", out);
		return;
	case '\\':
		fputs("\\\\", out);
		return;
	case '\n':
		fputs("\\n", out);
		return;
	case '\t':
		fputs("\\t", out);
		return;
	case '\r':
		fputs("\\r", out);
		return;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 ||
	    c == 0x2029)
		fprintf(out, "\\u%04x", (unsigned)c);
	else
		report_put_utf8(out, c);
}

/* A JSON string literal (null for NULL). */
void
report_json_string(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	report_utf8_clean(s, report_json_cp, out);
	fputc('"', out);
}

static void
report_json_key(FILE *out, const char *key, const char *val, int comma)
{
	fprintf(out, "\"%s\": ", key);
	report_json_string(out, val);
	if (comma)
		fputs(", ", out);
}

static void
report_json_students(FILE *out, const struct report_test *t)
{
	size_t i;

	fputs("\"students\": [", out);
	for (i = 0; i < t->nstudent; i++) {
		const struct report_student *s = &t->student[i];

		char how[256];
		int sig = s->kind == RUN_SIGNALED ? s->status : s->signal;

		report_student_outcome(s, how, sizeof how);
		fputs(i > 0 ? ", {" : "{", out);
		report_json_key(out, "role", s->role, 1);
		report_json_key(out, "command", s->cmdline, 1);
		report_json_key(out, "outcome", how, 1);
		report_json_key(out, "outcome_kind", s->outcome, 1);
		fprintf(out, "\"status\": %d, ", s->status);
		if (sig != 0)
			fprintf(out,
			    "\"exit_status\": null, \"signal\": %d, "
			    "\"signal_name\": \"%s\", ",
			    sig, report_signal_name(sig));
		else
			fprintf(out,
			    "\"exit_status\": %d, \"signal\": null, "
			    "\"signal_name\": null, ",
			    s->status);
		report_json_key(out, "stderr_tail", s->err_tail, 1);
		report_json_key(out, "stdout_tail", s->out_tail, 0);
		fputc('}', out);
	}
	fputs("], ", out);
}

static void
report_json_test(FILE *out, const struct report *rep,
    const struct report_test *t, const struct report_opts *opt)
{
	char rerun[1024];
	size_t i;

	fputs("{", out);
	report_json_key(out, "name", t->name, 1);
	report_json_key(out, "summary", t->summary, 1);
	report_json_key(out, "status", report_status_name(t->status), 1);
	fprintf(out, "\"points\": %g, \"max_points\": %g, \"counted\": %s, ",
	    t->points, t->max_points,
	    report_test_counted(rep, t) ? "true" : "false");
	if (t->not_here)
		fputs("\"not_here\": true, ", out);
	report_json_key(out, "reason", t->reason, 1);
	fputs("\"explain\": [", out);
	for (i = 0; i < t->nexplain; i++) {
		if (i > 0)
			fputs(", ", out);
		report_json_string(out, t->explain[i]);
	}
	fputs("], ", out);
	report_json_students(out, t);
	report_json_key(out, "repro", t->repro, 1);
	report_json_key(out, "repro_build", t->repro_build, 1);
	report_rerun_command(rerun, sizeof rerun, rep, t, opt);
	report_json_key(out, "rerun", rerun, 1);
	report_json_key(out, "trace", t->trace_text, 1);
	fprintf(out, "\"seconds\": %.3f}", t->seconds);
}

int
report_json_write(
    FILE *out, const struct report *rep, const struct report_opts *opt)
{
	size_t i;

	fputs("{", out);
	report_json_key(out, "labgrade", rep->version, 1);
	/* the language of the prose fields (keys and statuses never change) */
	report_json_key(out, "lang", i18n_lang(), 1);
	/* a submission that did not build is never a plain result */
	report_json_key(out, "status",
	    !rep->build_ok     ? "error"
	    : rep->errors > 0  ? "error"
	    : rep->ran_nothing ? "error"
	                       : "graded",
	    1);
	report_json_key(out, "status_reason",
	    !rep->build_ok     ? "not built"
	    : rep->errors > 0  ? "grader error"
	    : rep->ran_nothing ? "no test ran"
	                       : NULL,
	    1);
	report_json_key(out, "lab", rep->lab, 1);
	report_json_key(out, "submission", rep->dir, 1);
	fprintf(out, "\"seed\": %llu, ", (unsigned long long)rep->seed);
	report_json_key(out, "rubric", rep->rubric_path, 1);
	report_json_key(out, "rubric_hash", rep->rubric_hash, 1);
	fprintf(out, "\"build_ok\": %s, ", rep->build_ok ? "true" : "false");
	report_json_key(out, "build_failure", rep->build_why, 1);
	report_json_key(out, "build_log", rep->build_log, 1);
	report_json_key(out, "cell_note", rep->cell_note, 1);
	report_json_key(out, "limits_note", rep->limits_note, 1);
	fprintf(out,
	    "\"score\": %g, \"max_score\": %g, \"tests_run\": %zu, "
	    "\"tests_passed\": %zu, \"tests_not_run\": %zu, "
	    "\"grader_errors\": %zu, \"ran_nothing\": %s, \"seconds\": %.3f, "
	    "\"tests_not_here\": %zu, \"count_not_here\": %s, ",
	    rep->score, rep->max_score, rep->ran, rep->passed, rep->not_run,
	    rep->errors, rep->ran_nothing ? "true" : "false", rep->seconds,
	    rep->not_here, rep->count_not_here ? "true" : "false");
	fputs("\"tests\": [", out);
	for (i = 0; i < rep->ntests; i++) {
		fputs(i > 0 ? ",\n" : "\n", out);
		report_json_test(out, rep, &rep->tests[i], opt);
	}
	fputs("\n]}\n", out);
	return 0;
}
