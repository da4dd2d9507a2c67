/*
 * What every report format shares: the format table, status names, the
 * rerun command, a test's output as one block of text, and freeing.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
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
    [REPORT_TSV] = {"tsv", "results.tsv", report_tsv_write},
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

/* Whether a test is in the maximum: selected, and not one that could
 * not run where the grader runs (unless the rubric keeps those). */
int
report_test_counted(const struct report *rep, const struct report_test *t)
{
	return !t->unselected && !(t->status == GS_NOT_RUN && t->not_here &&
	                             !rep->count_not_here);
}

static int
report_hidden(const struct report_test *t)
{
	return t->visibility != NULL &&
	       (strcmp(t->visibility, "hidden") == 0 ||
	           strcmp(t->visibility, "after_due_date") == 0);
}

/* The score and maximum of the tests a student sees (not hidden, not
 * after_due_date): the only total a student-facing text may show. */
double
report_visible_score(const struct report *rep, double *max)
{
	double score = 0;
	size_t i;

	*max = 0;
	for (i = 0; i < rep->ntests; i++) {
		const struct report_test *t = &rep->tests[i];

		if (!report_test_counted(rep, t) || report_hidden(t))
			continue;
		*max += t->max_points;
		score += t->points;
	}
	return score;
}

/* s as one shell word: as it is when it is safe, else in '...'. */
void
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

/* labgrade as it was invoked: a path when it was given one (it may not
 * be on PATH: the kit's tools live in build/), else its name. */
void
report_rerun_command(char *buf, size_t len, const struct report *rep,
    const struct report_test *t, const struct report_opts *opt)
{
	const char *a0 = opt != NULL ? opt->argv0 : NULL;
	char dir[512], self[512];

	report_shell_word(self, sizeof self,
	    a0 != NULL && strchr(a0, '/') != NULL ? a0 : "labgrade");
	report_shell_word(dir, sizeof dir, rep->dir);
	snprintf(buf, len, "%s --only %s --seed %llu %s %s", self, t->name,
	    (unsigned long long)rep->seed, rep->lab, dir);
}

const char *
report_signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {{SIGHUP, "SIGHUP"}, {SIGINT, "SIGINT"},
	    {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"}, {SIGTRAP, "SIGTRAP"},
	    {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"}, {SIGFPE, "SIGFPE"},
	    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},
	    {SIGUSR2, "SIGUSR2"}, {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},
	    {SIGTERM, "SIGTERM"}, {SIGCHLD, "SIGCHLD"}, {SIGXCPU, "SIGXCPU"},
	    {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"}};
	static char other[32];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(other, sizeof other, "signal %d", sig);
	return other;
}

/* Signals a program sends itself by a bug, not ones sent to it. */
static int
report_crash_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
	       sig == SIGILL || sig == SIGABRT || sig == SIGTRAP ||
	       sig == SIGSYS;
}

/* "crashed: signal 11 (SIGSEGV)", "killed by signal 9 (SIGKILL)" */
static void
report_died(char *buf, size_t len, int sig)
{
	snprintf(buf, len,
	    report_crash_signal(sig) ? _("crashed: signal %d (%s)")
	                             : _("killed by signal %d (%s)"),
	    sig, report_signal_name(sig));
}

/* How a student program ended, in words: never a signal number read as
 * an exit status, never the grader's own deadline read as a timeout of
 * the program's (a ping's). */
void
report_student_outcome(const struct report_student *s, char *buf, size_t len)
{
	int sig = s->signal != 0 ? s->signal : s->status;
	char died[96];

	switch (s->kind) {
	case RUN_EXITED:
		snprintf(buf, len, _("exited with status %d"), s->status);
		return;
	case RUN_SIGNALED:
		report_died(buf, len, sig);
		return;
	case RUN_TIMEOUT:
		if (s->cpu_limit) {
			report_died(died, sizeof died, sig);
			snprintf(buf, len,
			    _("stopped at its CPU time limit (%d s of CPU): "
			      "%s"),
			    s->cpu_s, died);
		} else if (s->wall_ms > 0) {
			snprintf(buf, len,
			    _("killed by the grader after %g s (this test's "
			      "limit for the program)"),
			    s->wall_ms / 1000.0);
		} else {
			snprintf(buf, len,
			    _("killed by the grader at this test's time "
			      "limit for the program"));
		}
		return;
	case RUN_MEMORY:
		if (s->signal != 0)
			report_died(died, sizeof died, s->signal);
		else
			snprintf(died, sizeof died, _("exited with status %d"),
			    s->status);
		snprintf(buf, len,
		    _("ran into its memory limit (%ld MB), then %s"), s->mem_mb,
		    died);
		return;
	case RUN_OUTPUT:
		snprintf(buf, len,
		    _("killed by the grader for printing more than %zu KB "
		      "(its output limit)"),
		    s->out_cap / 1024);
		return;
	case RUN_STOPPED:
		snprintf(buf, len,
		    _("still running when the test ended: stopped by the "
		      "grader"));
		return;
	default:
		snprintf(buf, len, "%s",
		    s->outcome != NULL ? s->outcome : "unknown");
	}
}

/* Where the last `lines` lines of s begin (a trailing newline aside);
 * *cut says whether anything came before. */
static const char *
report_tail_lines(const char *s, int lines, int *cut)
{
	const char *p = s + strlen(s);

	if (p > s && p[-1] == '\n')
		p--;
	while (p > s) {
		if (p[-1] == '\n' && --lines == 0)
			break;
		p--;
	}
	*cut = p > s || strncmp(s, "[...] ", 6) == 0;
	return p;
}

/* 1 when every line of tail is already an explanation line ("  LINE",
 * as the tests show what a program printed). */
static int
report_tail_explained(const struct report_test *t, const char *tail)
{
	const char *l = tail, *nl;
	size_t n, i;
	int found;

	if (t->nexplain == 0)
		return 0;
	for (; *l != '\0'; l = *nl != '\0' ? nl + 1 : nl) {
		nl = l + strcspn(l, "\n");
		n = (size_t)(nl - l);
		for (found = 0, i = 0; i < t->nexplain && !found; i++)
			found =
			    strncmp(t->explain[i], "  ", 2) == 0 &&
			    strlen(t->explain[i]) >= 2 + (n < 160 ? n : 160) &&
			    strncmp(t->explain[i] + 2, l, n < 160 ? n : 160) ==
			        0;
		if (!found)
			return 0;
	}
	return 1;
}

static void
report_tail_text(
    FILE *f, const struct report_test *t, const char *what, const char *s)
{
	const char *tail, *l, *nl;
	int cut;

	if (s == NULL || s[0] == '\0')
		return;
	tail = report_tail_lines(s, REPORT_TAIL_LINES, &cut);
	if (strcmp(what, "stdout") == 0 && !cut &&
	    report_tail_explained(t, tail))
		return; /* the test's explanation shows it all already */
	fprintf(f,
	    cut ? _("  its %s ended with (its last lines):\n")
	        : _("  its %s ended with:\n"),
	    what);
	for (l = tail; *l != '\0'; l = *nl != '\0' ? nl + 1 : nl) {
		nl = l + strcspn(l, "\n");
		fprintf(f, "    %.*s\n", (int)(nl - l), l);
	}
}

static void
report_student_text(
    FILE *f, const struct report_test *t, const struct report_student *s)
{
	char how[256];

	report_student_outcome(s, how, sizeof how);
	/* the role is a key in JSON; here it is read: "client" -> "cliente" */
	fprintf(f, "%s: %s\n  %s\n", _(s->role),
	    s->cmdline != NULL ? s->cmdline : "", how);
	report_tail_text(f, t, "stdout", s->out_tail);
	report_tail_text(f, t, "stderr", s->err_tail);
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
	fprintf(f, "%s: %s\n", report_status_name(t->status),
	    t->reason != NULL        ? t->reason
	    : t->status == GS_PASSED ? t->summary
	                             : "(no reason recorded)");
	for (i = 0; i < t->nexplain; i++)
		fprintf(f, "%s\n", t->explain[i]);
	for (i = 0; i < t->nstudent; i++)
		report_student_text(f, t, &t->student[i]);
	if (t->repro != NULL)
		fprintf(f, _("reproduce it: %s\n"), t->repro);
	if (t->repro != NULL && t->repro_build != NULL)
		fprintf(
		    f, _("  (first build what it runs: %s)\n"), t->repro_build);
	if (t->status != GS_PASSED && (t->status != GS_NOT_RUN || t->started)) {
		report_rerun_command(rerun, sizeof rerun, rep, t, opt);
		fprintf(f, _("rerun only this test: %s\n"), rerun);
	}
	if (t->trace_text != NULL)
		fprintf(f, _("packet trace (labsniff -r):\n%s"), t->trace_text);
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
	free(t->repro_build);
	free(t->trace_pcap);
	free(t->trace_text);
	free(t->cell_note);
	free(t->limits_note);
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
	free(rep->limits_note);
	memset(rep, 0, sizeof *rep);
}
