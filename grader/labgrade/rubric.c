/*
 * The rubric file: parse it, check it against the lab's test table, and
 * hash it (the hash goes into every report so a grade can be traced back
 * to the exact rubric it was given under).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "rubric.h"

static const char *const rubric_visibilities[] = {
    "visible", "hidden", "after_due_date", "after_published", NULL};

uint64_t
grade_hash64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (h == 0)
		h = 0xcbf29ce484222325ULL;
	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
rubric_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const struct grade_test *
rubric_find_test(const struct grade_lab *lab, const char *name)
{
	size_t i;

	for (i = 0; i < lab->ntests; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return &lab->tests[i];
	return NULL;
}

static int
rubric_visibility_ok(const char *v)
{
	size_t i;

	for (i = 0; rubric_visibilities[i] != NULL; i++)
		if (strcmp(rubric_visibilities[i], v) == 0)
			return 1;
	return 0;
}

/* One line "NAME POINTS [VISIBILITY]" into e; 0 blank, 1 entry, -1 bad. */
static int
rubric_parse_line(char *line, struct rubric_entry *e, char *err, size_t errlen)
{
	char *name, *pts, *vis, *extra, *end, *save = NULL;

	line[strcspn(line, "#\r\n")] = '\0';
	name = strtok_r(line, " \t", &save);
	if (name == NULL)
		return 0;
	pts = strtok_r(NULL, " \t", &save);
	vis = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (strcmp(name, "option") == 0) {
		if (pts == NULL || vis != NULL ||
		    strcmp(pts, "count_not_here") != 0)
			return rubric_err(err, errlen,
			    "unknown option (the one option is "
			    "'option count_not_here')");
		snprintf(e->name, sizeof e->name, "option");
		snprintf(e->visibility, sizeof e->visibility, "%s", pts);
		return 1;
	}
	if (pts == NULL || extra != NULL)
		return rubric_err(
		    err, errlen, "expected 'NAME POINTS [VISIBILITY]'");
	if (strlen(name) >= sizeof e->name)
		return rubric_err(err, errlen, "test name too long");
	errno = 0;
	e->points = strtod(pts, &end);
	if (errno != 0 || *end != '\0' || !(e->points >= 0) ||
	    e->points > RUBRIC_MAX_POINTS)
		return rubric_err(err, errlen, "bad points '%s'", pts);
	if (vis == NULL)
		vis = "visible";
	if (!rubric_visibility_ok(vis))
		return rubric_err(err, errlen,
		    "bad visibility '%s' (visible, "
		    "hidden, after_due_date or after_published)",
		    vis);
	snprintf(e->name, sizeof e->name, "%s", name);
	snprintf(e->visibility, sizeof e->visibility, "%s", vis);
	return 1;
}

static int
rubric_add(struct rubric *r, const struct rubric_entry *e)
{
	struct rubric_entry *n;

	n = realloc(r->entry, (r->n + 1) * sizeof *n);
	if (n == NULL)
		return -1;
	r->entry = n;
	r->entry[r->n++] = *e;
	r->total += e->points;
	return 0;
}

/* Each line names a test of the lab, once; each test has a line. */
static int
rubric_match(const struct rubric *r, const struct grade_lab *lab, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < lab->ntests; i++)
		if (rubric_points(r, lab->tests[i].name) < 0)
			return rubric_err(err, errlen,
			    "%s: no points for "
			    "test '%s' of %s",
			    r->path, lab->tests[i].name, lab->name);
	return 0;
}

/* Read one rubric file into r (h: the hash, chained); hidden: the lab's
 * hidden/ rubric, whose tests must not be visible.  ENOENT of a hidden
 * rubric is no error: 1.  0 read, -1 (err). */
static int
rubric_read(struct rubric *r, const char *path, const struct grade_lab *lab,
    int hidden, uint64_t *h, char *err, size_t errlen)
{
	char line[512], why[256];
	struct rubric_entry e;
	unsigned lineno = 0;
	FILE *f;
	int rc = -1, k;

	f = fopen(path, "r");
	if (f == NULL && hidden && errno == ENOENT)
		return 1;
	if (f == NULL)
		return rubric_err(err, errlen, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		*h = grade_hash64(*h, line, strlen(line));
		k = rubric_parse_line(line, &e, why, sizeof why);
		if (k < 0) {
			rubric_err(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
		if (k == 0)
			continue;
		if (strcmp(e.name, "option") == 0) {
			r->count_not_here = 1; /* the one option */
			continue;
		}
		if (rubric_find_test(lab, e.name) == NULL) {
			rubric_err(err, errlen,
			    "%s:%u: %s has no test named "
			    "'%s'",
			    path, lineno, lab->name, e.name);
			goto out;
		}
		if (rubric_points(r, e.name) >= 0) {
			rubric_err(err, errlen,
			    "%s:%u: test '%s' listed "
			    "twice",
			    path, lineno, e.name);
			goto out;
		}
		if (hidden && strcmp(e.visibility, "visible") == 0) {
			rubric_err(err, errlen,
			    "%s:%u: test '%s' is in hidden/: its visibility "
			    "must be hidden, after_due_date or after_published",
			    path, lineno, e.name);
			goto out;
		}
		if (rubric_add(r, &e) < 0) {
			rubric_err(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	if (ferror(f)) {
		rubric_err(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The rubric at path, then the hidden tests' rubric beside it
 * (DIR/hidden/NAME for DIR/NAME, when there is one): the hidden tests
 * live in hidden/ so that the student kit can leave them out. */
int
rubric_load(struct rubric *r, const char *path, const struct grade_lab *lab,
    char *err, size_t errlen)
{
	char hpath[sizeof r->path + 8];
	const char *slash = strrchr(path, '/');
	uint64_t h = 0;
	int rc;

	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	rc = rubric_read(r, path, lab, 0, &h, err, errlen);
	if (rc == 0) {
		snprintf(hpath, sizeof hpath, "%.*shidden/%s",
		    slash != NULL ? (int)(slash - path + 1) : 0, path,
		    slash != NULL ? slash + 1 : path);
		rc = rubric_read(r, hpath, lab, 1, &h, err, errlen);
	}
	if (rc >= 0) {
		snprintf(
		    r->hash, sizeof r->hash, "%016llx", (unsigned long long)h);
		rc = rubric_match(r, lab, err, errlen);
	}
	if (rc < 0)
		rubric_free(r);
	return rc;
}

double
rubric_points(const struct rubric *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->entry[i].name, name) == 0)
			return r->entry[i].points;
	return -1;
}

const char *
rubric_visibility(const struct rubric *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->entry[i].name, name) == 0)
			return r->entry[i].visibility;
	return "visible";
}

void
rubric_free(struct rubric *r)
{
	free(r->entry);
	r->entry = NULL;
	r->n = 0;
	r->total = 0;
}
