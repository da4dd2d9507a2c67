/*
 * A grading's results, as every report format reads them, and the
 * writers of those formats (one file each: report-text.c, report-json.c,
 * report-junit.c, report-tap.c, report-gradescope.c, report-autolab.c,
 * report-csv.c, report-tsv.c).
 *
 * Interface:
 *	report_format_parse(name)     "json" -> REPORT_JSON, -1 if unknown
 *	report_format_name(f)         and back
 *	report_format_file(f)         file name used under --out DIR
 *	report_write(f, out, rep, opt)  write one format
 *	report_status_name(s)         "passed", "failed", "timed out", ...
 *	report_free(rep)              free what the engine allocated
 *	report_utf8_clean(s, n, cb, ctx)  walk bytes as valid UTF-8 code
 *	                              points, U+FFFD for invalid bytes
 *	report_student_outcome(s, buf, n)  how a student program ended, in
 *	                              words ("crashed: signal 11 (SIGSEGV)")
 *	report_signal_name(sig)       "SIGSEGV" (or "signal 77")
 *	report_shell_word(buf, n, s)  s quoted for a shell when it must be
 *
 * Strings in a report are NUL-terminated but otherwise untrusted: they
 * may hold any byte a student program printed (control characters,
 * invalid UTF-8, quotes, "]]>").  Every writer escapes for its format.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "grade.h"

#define REPORT_TAIL_LINES 10 /* lines shown of a program's stdout/stderr */

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_JUNIT,
	REPORT_TAP,
	REPORT_GRADESCOPE,
	REPORT_AUTOLAB,
	REPORT_CSV,
	REPORT_TSV, /* results.tsv: numbers and status words only */
	REPORT_NFORMATS
};

/* A student program as a test left it (grade_student). */
struct report_student {
	char *role; /* "server", "client" */
	char *cmdline;
	char *outcome; /* run_outcome_name() */
	int kind;      /* enum run_outcome */
	int status;    /* exit code or signal number */
	int signal;    /* the signal it died of, 0: it exited (or unknown) */
	int cpu_limit; /* RUN_TIMEOUT: RLIMIT_CPU ended it, not the clock */
	int wall_ms;   /* its limits (0: not recorded) */
	int cpu_s;
	long mem_mb;
	size_t out_cap;
	char *err_tail; /* last bytes of its stderr, escaped */
	char *out_tail; /* last bytes of its stdout, escaped */
};

struct report_test {
	char *name;
	char *summary;
	double points, max_points;
	char *visibility; /* Gradescope's, from the rubric */
	enum grade_status status;
	char *reason;   /* one line: why it did not pass */
	char **explain; /* what was sent, expected, came back */
	size_t nexplain;
	char *repro;       /* command line that reproduces it, runnable
	                    * from the folder labgrade was run in */
	char *repro_build; /* run first: the student's programs it runs are
	                    * not built (or older than their sources) */
	char *trace_pcap;  /* the test's capture (in the results folder) */
	char *trace_text;  /* labsniff's reading of it, when shown */
	struct report_student student[GRADE_STUDENTS_MAX];
	size_t nstudent;
	char *cell_note;   /* fallback mode: why no namespaces */
	char *limits_note; /* memory or processes bounded per process
	                    * only, where a cell-wide cgroup was expected */
	double seconds;
	int unselected; /* left out by --only: not counted */
	int not_here;   /* could not run where the grader runs (no
	                 * namespaces, no IPv6): not in the maximum */
	int started;    /* it ran in a cell (not decided beforehand) */
};

struct report {
	char *lab;
	char *dir; /* the submission folder as given */
	char *version;
	uint64_t seed;
	char rubric_hash[17];
	char *rubric_path;
	int build_ok;
	char *build_log;   /* last compiler lines when the build failed */
	char *build_why;   /* one line: what did not build */
	char *results;     /* private results folder (traces) */
	int results_lock;  /* its lock (flock), held until engine_cleanup */
	char *cell_note;   /* set when any test ran without namespaces */
	char *limits_note; /* set when a cell's limits were per process
	                    * only (cell_cgroup_note) */
	struct report_test *tests;
	size_t ntests;
	double score, max_score;
	size_t ran; /* tests that ran (passed or not) */
	size_t passed, not_run, errors;
	size_t not_here;    /* of not_run: left out of the maximum */
	int count_not_here; /* rubric: keep them in the maximum */
	double seconds;
	int ran_nothing; /* no test ran: the score is 0, and says why */
};

struct report_opts {
	int colour;          /* text: ANSI colours (a terminal) */
	int verbose;         /* text: traces of passing tests too */
	const char *argv0;   /* labgrade as invoked, for the rerun command */
	int csv_header;      /* csv: print the header line */
	const char *student; /* csv: the student column (default: dir) */
};

int report_format_parse(const char *name);
const char *report_format_name(int f);
const char *report_format_file(int f);
int report_write(
    int f, FILE *out, const struct report *rep, const struct report_opts *opt);
const char *report_status_name(enum grade_status s);
int report_test_counted(const struct report *rep, const struct report_test *t);
double report_visible_score(const struct report *rep, double *max);
void report_free(struct report *rep);
void report_student_outcome(
    const struct report_student *s, char *buf, size_t len);
const char *report_signal_name(int sig);
void report_shell_word(char *buf, size_t len, const char *s);

/* One writer per format. */
int report_text_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_json_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_junit_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_tap_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_gradescope_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_autolab_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_csv_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);
int report_csv_header(FILE *out, const struct report *rep);
int report_tsv_write(
    FILE *out, const struct report *rep, const struct report_opts *opt);

/* Shared helpers of the writers (report-json.c). */
typedef void (*report_cp_fn)(void *ctx, uint32_t cp);
void report_utf8_clean(const char *s, report_cp_fn cb, void *ctx);
void report_json_string(FILE *out, const char *s);
void report_rerun_command(char *buf, size_t len, const struct report *rep,
    const struct report_test *t, const struct report_opts *opt);
/* A test's output as one block of text (reason, explanations, student,
 * repro, rerun, trace), for formats that carry one text per test. */
char *report_test_text(const struct report *rep, const struct report_test *t,
    const struct report_opts *opt);

#endif
