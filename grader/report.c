/*
 * What every report format shares: the format table, status names, the
 * rerun command, a test's output as one block of text, and freeing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const struct {
	const char *name, *file;
	int (*write)(FILE *, const struct report *, const struct report_opts *);
} report_formats[REPORT_NFORMATS] = {
    [REPORT_TEXT] = {"text", "report.txt", report_text_write},
    [REPORT_JSON] = {"json", "report.json", report_json_write},
    [REPORT_JUNIT] = {"junit", "junit.xml", report_junit_write},
    [REPORT_TAP] = {"tap", "report.tap", report_tap_write},
    [REPORT_GRADESCOPE] = {"gradescope", "results.json",
        report_gradescope_write},
    [REPORT_AUTOLAB] = {"autolab", "autolab.txt", report_autolab_write},
    [REPORT_CSV] = {"csv", "report.csv", report_csv_write},
};

int
report_format_parse(const char *name)
{
	int f;

	for (f = 0; f < REPORT_NFORMATS; f++)
		if (strcmp(report_formats[f].name, name) == 0)
			return f;
	return -1;
}

const char *
report_format_name(int f)
{
	return f >= 0 && f < REPORT_NFORMATS ? report_formats[f].name : "?";
}

const char *
report_format_file(int f)
{
	return f >= 0 && f < REPORT_NFORMATS ? report_formats[f].file : "?";
}

int
report_write(
    int f, FILE *out, const struct report *rep, const struct report_opts *opt)
{
	if (f < 0 || f >= REPORT_NFORMATS)
		return -1;
	if (report_formats[f].write(out, rep, opt) < 0)
		return -1;
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

const char *
report_status_name(enum grade_status s)
{
	switch (s) {
	case GS_PASSED:
		return "passed";
	case GS_FAILED:
		return "failed";
	case GS_TIMEOUT:
		return "timed out";
	case GS_CRASHED:
		return "crashed";
	case GS_KILLED_MEMORY:
		return "killed (memory)";
	case GS_KILLED_OUTPUT:
		return "killed (output)";
	case GS_NOT_RUN:
		return "not run";
	case GS_ERROR:
		return "grader error";
	}
	return "grader error";
}

/* s as one shell word: as it is when it is safe, else in '...'. */
static void
report_shell_word(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (s[0] != '\0' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz"
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+,:@%=") ==
	        strlen(s)) {
		snprintf(buf, len, "%s", s);
		return;
	}
	if (len < 8)
		return;
	buf[n++] = '\'';
	for (; *s != '\0' && n + 6 < len; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

void
report_rerun_command(char *buf, size_t len, const struct report *rep,
    const struct report_test *t, const struct report_opts *opt)
{
	char dir[512];

	report_shell_word(dir, sizeof dir, rep->dir);
	snprintf(buf, len, "%s --only %s --seed %llu %s %s",
	    opt != NULL && opt->argv0 != NULL ? opt->argv0 : "labgrade",
	    t->name, (unsigned long long)rep->seed, rep->lab, dir);
}

static void
report_student_text(FILE *f, const struct report_student *s)
{
	fprintf(f, "%s: %s\n", s->role, s->cmdline != NULL ? s->cmdline : "");
	if (s->kind == RUN_EXITED)
		fprintf(f, "  exited with status %d\n", s->status);
	else if (s->kind == RUN_SIGNALED)
		fprintf(f, "  killed by signal %d (%s)\n", s->status,
		    strsignal(s->status));
	else if (s->outcome != NULL)
		fprintf(f, "  %s (status %d)\n", s->outcome, s->status);
	if (s->err_tail != NULL && s->err_tail[0] != '\0')
		fprintf(f, "  its stderr ended with:\n%s%s", s->err_tail,
		    s->err_tail[strlen(s->err_tail) - 1] == '\n' ? "" : "\n");
}

/* Reason, explanations, student programs, repro, rerun, trace. */
char *
report_test_text(const struct report *rep, const struct report_test *t,
    const struct report_opts *opt)
{
	char *buf = NULL, rerun[1024];
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "%s%s%s\n", report_status_name(t->status),
	    t->reason != NULL ? ": " : "", t->reason != NULL ? t->reason : "");
	for (i = 0; i < t->nexplain; i++)
		fprintf(f, "%s\n", t->explain[i]);
	for (i = 0; i < t->nstudent; i++)
		report_student_text(f, &t->student[i]);
	if (t->repro != NULL)
		fprintf(f, "reproduce it: %s\n", t->repro);
	if (t->status != GS_PASSED && t->status != GS_NOT_RUN) {
		report_rerun_command(rerun, sizeof rerun, rep, t, opt);
		fprintf(f, "rerun only this test: %s\n", rerun);
	}
	if (t->trace_text != NULL)
		fprintf(f, "packet trace (labsniff -r):\n%s", t->trace_text);
	fclose(f);
	return buf;
}

static void
report_test_free(struct report_test *t)
{
	size_t i;

	free(t->name);
	free(t->summary);
	free(t->visibility);
	free(t->reason);
	for (i = 0; i < t->nexplain; i++)
		free(t->explain[i]);
	free(t->explain);
	free(t->repro);
	free(t->trace_pcap);
	free(t->trace_text);
	free(t->cell_note);
	for (i = 0; i < t->nstudent; i++) {
		free(t->student[i].role);
		free(t->student[i].cmdline);
		free(t->student[i].outcome);
		free(t->student[i].err_tail);
		free(t->student[i].out_tail);
	}
}

void
report_free(struct report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntests; i++)
		report_test_free(&rep->tests[i]);
	free(rep->tests);
	free(rep->lab);
	free(rep->dir);
	free(rep->version);
	free(rep->rubric_path);
	free(rep->build_log);
	free(rep->build_why);
	free(rep->results);
	free(rep->cell_note);
	memset(rep, 0, sizeof *rep);
}
