/*
 * A student's record (student.tsv) parsed back from a grading's
 * results.tsv, numbers and status words only; and the gradebook built
 * from the records: grades.csv (RFC 4180, every cell quoted, formulas
 * neutralised) and grades.json (the grading's metadata).
 */
#define _GNU_SOURCE /* strcasecmp, AT_FDCWD with -std=c11 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "class.h"
#include "record.h"
#include "engine.h"
#include "param.h"

static const char *const class_status_names[CS_NSTATUS] = {
    [CS_GRADED] = "graded",
    [CS_EMPTY] = "empty",
    [CS_NOT_BUILT] = "not built",
    [CS_ERROR] = "grader error",
};

const char *
class_status_name(int s)
{
	return s >= 0 && s < CS_NSTATUS ? class_status_names[s]
	                                : "grader error";
}

/*
 * A status as people read it, for n students (n = 1: one student's):
 * the dashboard's and the progress line's.  The English words are
 * class_status_name()'s, which grades.csv keeps in every language.
 */
const char *
class_status_words(int s, size_t n)
{
	unsigned long k = (unsigned long)n;

	switch (s) {
	case CS_GRADED:
		return ngettext("graded", "graded", k);
	case CS_EMPTY:
		return ngettext("empty", "empty", k);
	case CS_NOT_BUILT:
		return ngettext("not built", "not built", k);
	default:
		return ngettext("grader error", "grader error", k);
	}
}

int
class_status_parse(const char *s)
{
	int i;

	for (i = 0; i < CS_NSTATUS; i++)
		if (strcmp(class_status_names[i], s) == 0)
			return i;
	return -1;
}

static int
rec_number(const char *s, double lo, double hi, double *v)
{
	char *end;

	if (s == NULL)
		return -1;
	*v = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*v) && *v >= lo && *v <= hi
	           ? 0
	           : -1;
}

static int
rec_test(char **f, size_t nf, const char *const *tests, size_t ntests,
    struct class_rec *r, unsigned char *seen)
{
	struct class_test *t;
	size_t k;
	int st;

	if (nf != 8)
		return -1;
	for (k = 0; k < ntests && strcmp(tests[k], f[1]) != 0; k++)
		;
	if (k == ntests || seen[k])
		return -1;
	st = (int)grade_status_parse(f[2]);
	if (strcmp(grade_status_key(st), f[2]) != 0)
		return -1;
	t = &r->test[k];
	t->status = st;
	t->hidden =
	    strcmp(f[6], "hidden") == 0 || strcmp(f[6], "after_due_date") == 0;
	t->selected = strcmp(f[7], "0") != 0;
	seen[k] = 1;
	return rec_number(f[3], 0, RUBRIC_MAX_POINTS, &t->points) |
	       rec_number(f[4], 0, RUBRIC_MAX_POINTS, &t->max) |
	       rec_number(f[5], 0, 1e6, &t->seconds);
}

/* One line of fields; -1 when it is not one we know. */
static int
rec_line(char *line, const char *const *tests, size_t ntests,
    struct class_rec *r, unsigned char *seen)
{
	char *f[10], *save = NULL, *tok;
	size_t nf = 0;
	double v;

	for (tok = strtok_r(line, "\t", &save); tok != NULL && nf < 10;
	     tok = strtok_r(NULL, "\t", &save))
		f[nf++] = tok;
	if (nf == 0)
		return 0;
	if (strcmp(f[0], "test") == 0)
		return rec_test(f, nf, tests, ntests, r, seen);
	if (strcmp(f[0], "status") == 0 && nf == 2)
		return (r->status = class_status_parse(f[1])) < 0 ? -1 : 0;
	if (strcmp(f[0], "build_ok") == 0 && nf == 2) {
		if (rec_number(f[1], 0, 1, &v) < 0)
			return -1;
		r->build_ok = v != 0;
		return 0;
	}
	if (strcmp(f[0], "score") == 0 && nf == 3)
		return rec_number(f[1], 0, 1e9, &r->score) |
		       rec_number(f[2], 0, 1e9, &r->max);
	if (strcmp(f[0], "seconds") == 0 && nf == 2)
		return rec_number(f[1], 0, 1e6, &r->seconds);
	return 0; /* labgrade, lab, seed, rubric_hash, name: not needed */
}

/* A results.tsv or student.tsv: every test of the lab exactly once
 * (none for an empty submission); anything else is refused. */
int
class_rec_parse(const char *text, const char *const *tests, size_t ntests,
    struct class_rec *r)
{
	unsigned char seen[CLASS_NTESTS] = {0};
	char *copy, *line, *save = NULL;
	size_t k;
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->status = CS_GRADED;
	r->ntests = ntests;
	if (text == NULL || ntests > CLASS_NTESTS ||
	    (copy = strdup(text)) == NULL)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line != NULL && rc == 0;
	     line = strtok_r(NULL, "\n", &save))
		rc = rec_line(line, tests, ntests, r, seen);
	free(copy);
	for (k = 0; k < ntests && rc == 0 && r->status != CS_EMPTY; k++)
		if (!seen[k])
			rc = -1;
	return rc;
}

char *
class_rec_format(const struct class_rec *r, const char *const *tests)
{
	char *buf = NULL;
	size_t len = 0, k;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "status\t%s\nbuild_ok\t%d\nscore\t%.17g\t%.17g\n",
	    class_status_name(r->status), r->build_ok, r->score, r->max);
	fprintf(f, "seconds\t%.3f\n", r->seconds);
	for (k = 0; k < r->ntests && r->status != CS_EMPTY; k++) {
		const struct class_test *t = &r->test[k];

		fprintf(f, "test\t%s\t%s\t%.17g\t%.17g\t%.3f\t%s\t%d\n",
		    tests[k], grade_status_key(t->status), t->points, t->max,
		    t->seconds, t->hidden ? "hidden" : "visible", t->selected);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* An RFC 4180 cell, always quoted; one a spreadsheet would take for a
 * formula (= + - @ TAB CR first, OWASP's list) starts with a quote
 * mark.  Names reach here already shown (no control bytes). */
static void
book_cell(FILE *f, const char *s, int last)
{
	fputc('"', f);
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputs(last ? "\"\r\n" : "\",", f);
}

static void
book_num(FILE *f, double v, int last)
{
	char b[64];

	snprintf(b, sizeof b, "%g", v);
	book_cell(f, b, last);
}

/* Below --fail-under: only a submission that has a score. */
int
class_book_below(const struct class_book *b, const struct class_student *s)
{
	double bar = b->bar;

	if (b->bar < 0 || !s->have_rec || s->rec.status == CS_ERROR)
		return 0;
	if (b->bar_pct)
		bar = s->rec.max * b->bar / 100;
	return s->rec.score < bar;
}

/* Late days: every started day after --due (plus the student's
 * extension from the roster), by the submission's newest source. */
void
class_book_late(struct class_book *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct class_student *s = &b->st[i];
		double over =
		    (double)(s->submitted - b->due) - s->extension * 86400.0;

		s->late_days = b->due != 0 && s->submitted != 0 && over > 0
		                   ? (int)ceil(over / 86400.0)
		                   : 0;
	}
}

static void
book_time(char *buf, size_t len, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	buf[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A test's cell: its points, "not run", "error", or "" (empty). */
static void
book_test_cell(FILE *f, const struct class_student *s, size_t k, int last)
{
	const struct class_test *t = &s->rec.test[k];

	if (!s->have_rec || s->rec.status == CS_EMPTY)
		book_cell(f, "", last);
	else if (t->status == GS_NOT_RUN)
		book_cell(f, "not run", last);
	else if (t->status == GS_ERROR)
		book_cell(f, "error", last);
	else
		book_num(f, t->points, last);
}

static char *
book_csv(const struct class_book *b, size_t *len)
{
	char *buf = NULL;
	size_t i, k;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	book_cell(f, "student", 0);
	if (b->roster) {
		book_cell(f, "id", 0);
		book_cell(f, "email", 0);
	}
	book_cell(f, "status", 0);
	if (b->due != 0) {
		book_cell(f, "submitted", 0);
		book_cell(f, "late_days", 0);
	}
	book_cell(f, "score", 0);
	book_cell(f, "max", b->ntests == 0);
	for (k = 0; k < b->ntests; k++)
		book_cell(f, b->tests[k], k + 1 == b->ntests);
	for (i = 0; i < b->n; i++) {
		const struct class_student *s = &b->st[i];

		book_cell(f, s->shown, 0);
		if (b->roster) {
			book_cell(f, s->id, 0);
			book_cell(f, s->email, 0);
		}
		book_cell(f,
		    s->have_rec ? class_status_name(s->rec.status)
		                : "grader error",
		    0);
		if (b->due != 0) {
			char when[32], days[16];

			book_time(when, sizeof when, s->submitted);
			snprintf(days, sizeof days, "%d", s->late_days);
			book_cell(f, when, 0);
			book_cell(f, days, 0);
		}
		if (s->have_rec && s->rec.status != CS_ERROR) {
			book_num(f, s->rec.score, 0);
			book_num(f, s->rec.max, b->ntests == 0);
		} else {
			book_cell(f, "", 0);
			book_cell(f, "", b->ntests == 0);
		}
		for (k = 0; k < b->ntests; k++)
			book_test_cell(f, s, k, k + 1 == b->ntests);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *
book_json(const struct class_book *b, size_t *len)
{
	char *buf = NULL;
	size_t i, k, count[CS_NSTATUS] = {0};
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	for (i = 0; i < b->n; i++)
		count[b->st[i].have_rec ? b->st[i].rec.status : CS_ERROR]++;
	fputs("{\"labgrade\": ", f);
	report_json_string(f, b->version);
	fputs(", \"lang\": ", f); /* the language of the students' reports */
	report_json_string(f, i18n_lang());
	fputs(", \"lab\": ", f);
	report_json_string(f, b->lab);
	fputs(", \"rubric\": ", f);
	report_json_string(f, b->rubric_path);
	fputs(", \"rubric_hash\": ", f);
	report_json_string(f, b->rubric_hash);
	fprintf(f, ", \"seed\": %llu, \"date\": ", (unsigned long long)b->seed);
	report_json_string(f, b->date);
	fputs(", \"due\": ", f);
	if (b->due != 0) {
		char when[32];

		book_time(when, sizeof when, b->due);
		report_json_string(f, when);
	} else {
		fputs("null", f);
	}
	fputs(", \"root\": ", f);
	report_json_string(f, b->root);
	fputs(", \"out\": ", f);
	report_json_string(f, b->out);
	fprintf(f, ", \"students\": %zu, \"status\": {", b->n);
	for (k = 0; k < CS_NSTATUS; k++)
		fprintf(f, "%s\"%s\": %zu", k > 0 ? ", " : "",
		    class_status_name((int)k), count[k]);
	fputs("}, \"tests\": [", f);
	for (k = 0; k < b->ntests; k++) {
		fputs(k > 0 ? ", " : "", f);
		report_json_string(f, b->tests[k]);
	}
	fputs("], \"files\": {\"grades\": \"grades.csv\", \"dashboard\": "
	      "\"report.html\", \"students\": \"students/\"}}\n",
	    f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* class.tsv: what --dashboard reads back (metadata, then one line per
 * student: its folder in the tree, its shown name, id, email). */
static char *
book_index(const struct class_book *b, size_t *len)
{
	char *buf = NULL;
	size_t i;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	fprintf(f,
	    "labgrade\t%s\nlab\t%s\nseed\t%llu\nrubric_hash\t%s\ndate\t%s\n"
	    "seconds\t%.1f\nroster\t%d\nbar\t%.17g\t%d\ndue\t%lld\n",
	    b->version, b->lab, (unsigned long long)b->seed, b->rubric_hash,
	    b->date, b->seconds, b->roster, b->bar, b->bar_pct, b->due);
	for (i = 0; i < b->n; i++)
		fprintf(f, "student\t%s\t%s\t%s\t%s\t%lld\t%d\n", b->st[i].safe,
		    b->st[i].shown, b->st[i].id[0] ? b->st[i].id : "-",
		    b->st[i].email[0] ? b->st[i].email : "-",
		    b->st[i].submitted, b->st[i].late_days);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
class_book_write(
    const struct class_book *b, int outfd, char *err, size_t errlen)
{
	static const char *const names[] = {
	    "grades.csv", "grades.json", "class.tsv"};
	char *(*const make[])(const struct class_book *, size_t *) = {
	    book_csv, book_json, book_index};
	char *text;
	size_t len, i;

	for (i = 0; i < 3; i++) {
		text = make[i](b, &len);
		if (text == NULL ||
		    class_write_file(outfd, names[i], text, len) < 0) {
			snprintf(err, errlen, _("%s/%s: could not write it"),
			    b->out, names[i]);
			free(text);
			return -1;
		}
		free(text);
	}
	return 0;
}

/* One RFC 4180 field from *p (quoted or not); *p moves past it and its
 * comma; the line's end leaves *p at '\n' or '\0'. */
static void
roster_field(const char **p, char *buf, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '"') {
		for (s++; *s != '\0'; s++) {
			if (*s == '"' && s[1] == '"')
				s++;
			else if (*s == '"')
				break;
			if (n + 1 < len)
				buf[n++] = *s;
		}
		if (*s == '"')
			s++;
	}
	for (; *s != '\0' && *s != ',' && *s != '\n' && *s != '\r'; s++)
		if (n + 1 < len)
			buf[n++] = *s;
	buf[n] = '\0';
	if (*s == '\r')
		s++;
	if (*s == ',')
		s++;
	*p = s;
}

static int
roster_columns(const char **p, int col[4])
{
	static const char *const want[] = {
	    "folder", "id", "email", "extension_days"};
	char f[256];
	int i, k;

	col[0] = col[1] = col[2] = col[3] = -1;
	for (i = 0; **p != '\0' && **p != '\n'; i++) {
		roster_field(p, f, sizeof f);
		for (k = 0; k < 4; k++)
			if (strcasecmp(f, want[k]) == 0)
				col[k] = i;
	}
	if (**p == '\n')
		(*p)++;
	return col[0] >= 0 && (col[1] >= 0 || col[2] >= 0) ? 0 : -1;
}

static void
roster_row(struct class_book *b, const char **p, const int col[4])
{
	char f[4][512], cell[512], *end;
	struct class_student *s = NULL;
	size_t i;
	int c, k;
	double ext;

	f[0][0] = f[1][0] = f[2][0] = f[3][0] = '\0';
	for (c = 0; **p != '\0' && **p != '\n'; c++) {
		roster_field(p, cell, sizeof cell);
		for (k = 0; k < 4; k++)
			if (col[k] == c)
				class_show_name(cell, f[k], sizeof f[k]);
	}
	if (**p == '\n')
		(*p)++;
	for (i = 0; i < b->n && s == NULL; i++)
		if (strcmp(b->st[i].shown, f[0]) == 0)
			s = &b->st[i];
	if (s == NULL)
		return;
	snprintf(s->id, sizeof s->id, "%s", f[1]);
	snprintf(s->email, sizeof s->email, "%s", f[2]);
	ext = strtod(f[3], &end);
	if (f[3][0] != '\0' && *end == '\0' && ext >= 0 && ext < 3650)
		s->extension = ext;
}

/* --roster FILE: a CSV whose header names the columns folder, id and
 * email (any order, others ignored); each student gets its row's. */
int
class_roster(struct class_book *b, const char *path, char *err, size_t errlen)
{
	char *text;
	const char *p;
	size_t i;
	int col[4];

	text = class_read_file(AT_FDCWD, path, 4 << 20, NULL);
	if (text == NULL) {
		snprintf(err, errlen,
		    _("--roster %s: cannot read it (a "
		      "regular file of at most 4 MB)"),
		    path);
		return -1;
	}
	p = text;
	if (roster_columns(&p, col) < 0) {
		snprintf(err, errlen,
		    _("--roster %s: its first line must name the columns "
		      "folder and id and/or email"),
		    path);
		free(text);
		return -1;
	}
	while (*p != '\0')
		roster_row(b, &p, col);
	free(text);
	b->roster = 1;
	for (i = 0; i < b->n; i++)
		if (b->st[i].id[0] == '\0' && b->st[i].email[0] == '\0')
			fprintf(stderr, _("labgrade: %s: not in --roster %s\n"),
			    b->st[i].shown, path);
	return 0;
}

/* class.tsv's fields (the strings point into text). */
static int
book_index_line(struct class_book *b, char *line)
{
	char *f[8], *save = NULL, *tok;
	struct class_student *s;
	size_t nf = 0;

	for (tok = strtok_r(line, "\t", &save); tok != NULL && nf < 8;
	     tok = strtok_r(NULL, "\t", &save))
		f[nf++] = tok;
	if (nf == 2 && strcmp(f[0], "labgrade") == 0)
		b->version = f[1];
	else if (nf == 2 && strcmp(f[0], "rubric_hash") == 0)
		b->rubric_hash = f[1];
	else if (nf == 2 && strcmp(f[0], "seed") == 0)
		b->seed = strtoull(f[1], NULL, 10);
	else if (nf == 2 && strcmp(f[0], "date") == 0)
		snprintf(b->date, sizeof b->date, "%s", f[1]);
	else if (nf == 2 && strcmp(f[0], "seconds") == 0)
		b->seconds = strtod(f[1], NULL);
	else if (nf == 3 && strcmp(f[0], "bar") == 0) {
		b->bar = strtod(f[1], NULL);
		b->bar_pct = strcmp(f[2], "1") == 0;
	} else if (nf == 2 && strcmp(f[0], "due") == 0) {
		b->due = strtoll(f[1], NULL, 10);
	} else if (nf == 7 && strcmp(f[0], "student") == 0) {
		if (b->n >= CLASS_MAX || strchr(f[1], '/') != NULL ||
		    f[1][0] == '.')
			return -1;
		s = &b->st[b->n++];
		snprintf(s->safe, sizeof s->safe, "%s", f[1]);
		snprintf(s->shown, sizeof s->shown, "%s", f[2]);
		snprintf(
		    s->id, sizeof s->id, "%s", strcmp(f[3], "-") ? f[3] : "");
		snprintf(s->email, sizeof s->email, "%s",
		    strcmp(f[4], "-") ? f[4] : "");
		s->submitted = strtoll(f[5], NULL, 10);
		s->late_days = atoi(f[6]);
	}
	return 0;
}

/* --dashboard: the book as class mode left it (class.tsv, then every
 * student's student.tsv); b->tests set by the caller; *keep holds the
 * text the strings point into. */
int
class_book_read(
    struct class_book *b, int outfd, char **keep, char *err, size_t errlen)
{
	char *line, *save = NULL, *rec;
	size_t i;
	int sfd;

	*keep = class_read_file(outfd, "class.tsv", 4 << 20, NULL);
	b->st = calloc(CLASS_MAX, sizeof *b->st);
	if (*keep == NULL || b->st == NULL) {
		snprintf(
		    err, errlen, _("%s/class.tsv: cannot read it"), b->out);
		return -1;
	}
	b->version = b->rubric_hash = "?";
	b->bar = -1;
	for (line = strtok_r(*keep, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (book_index_line(b, line) < 0) {
			snprintf(
			    err, errlen, _("%s/class.tsv: a bad line"), b->out);
			return -1;
		}
	sfd = openat(
	    outfd, "students", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (i = 0; i < b->n; i++) {
		int fd =
		    sfd < 0
		        ? -1
		        : openat(sfd, b->st[i].safe,
		              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		rec = fd < 0 ? NULL
		             : class_read_file(
		                   fd, "student.tsv", CLASS_RECORD_MAX, NULL);
		if (class_rec_parse(rec, b->tests, b->ntests, &b->st[i].rec) <
		    0)
			b->st[i].rec.status = CS_ERROR;
		b->st[i].have_rec = 1;
		free(rec);
		if (fd >= 0)
			close(fd);
	}
	if (sfd >= 0)
		close(sfd);
	return 0;
}
