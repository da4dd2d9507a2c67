/*
 * CSV (RFC 4180): student, score, max, then one column per test with its
 * points.  Every field is quoted, and a field a spreadsheet would take
 * for a formula (= + - @ TAB CR first: OWASP's list) is prefixed with a
 * quote mark.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "report.h"

static void
csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int
report_csv_header(FILE *f, const struct report *rep)
{
	size_t i;

	fputs("\"student\",\"score\",\"max\"", f);
	for (i = 0; i < rep->ntests; i++) {
		fputc(',', f);
		csv_field(f, rep->tests[i].name);
	}
	fputc('\n', f);
	return 0;
}

int
report_csv_write(
    FILE *f, const struct report *rep, const struct report_opts *opt)
{
	const char *student = opt->student != NULL ? opt->student : rep->dir;
	size_t i;

	if (opt->csv_header)
		report_csv_header(f, rep);
	csv_field(f, student);
	fprintf(f, ",\"%g\",\"%g\"", rep->score, rep->max_score);
	for (i = 0; i < rep->ntests; i++)
		fprintf(f, ",\"%g\"", rep->tests[i].points);
	fputc('\n', f);
	return 0;
}
