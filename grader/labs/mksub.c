/*
 * mksub LAB OUT FILE.edit...: make the self-test's submissions from their
 * descriptions (grader/labs/LAB/broken/, grader/labs/LAB/hostile/), into
 * OUT/NAME/ (NAME: the .edit file's name): one program file and EXPECT.
 *
 * A description, line by line:
 *	# text          a comment, copied into EXPECT
 *	file F          the submission's file (F, one of the lab's sources)
 *	from PATH       F is PATH (a kit file); without it F is the lab's
 *	                reference, solutions/LAB/F
 *	@@@ old         the lines up to "@@@ new" are a text that must occur
 *	@@@ new         exactly once in F; the lines up to "@@@ end" replace
 *	@@@ end         it (the newline before each marker is not part of it)
 *	anything else   copied into EXPECT (side, fail, test, some ...)
 * EXPECT also gets "lab LAB" (after the leading comments).  An edit whose old
 *text is not found exactly once fails with the description's name and line: the
 *reference changed and the description must follow it.
 *
 * Exit status: 0 done, 1 a description does not apply or a file cannot be
 * read or written, 2 bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MKSUB_TEXT_MAX (1024 * 1024) /* bytes of one file or text */

struct mksub {
	const char *lab, *desc;
	char file[256], from[512];
	char *text;   /* F, edited as we go */
	FILE *expect; /* EXPECT, in memory: comments, "lab LAB", the rest */
	int lab_said;
	char *expect_buf;
	size_t expect_len;
};

static char *
mksub_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(MKSUB_TEXT_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MKSUB_TEXT_MAX, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
mksub_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* How many times needle occurs in hay (overlaps counted). */
static int
mksub_count(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay != NULL;
	     hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* Replace the one occurrence of old in s->text by new. */
static int
mksub_edit(struct mksub *s, int line, const char *old, const char *new)
{
	int n = mksub_count(s->text, old);
	char *at, *out;
	size_t head;

	if (n != 1 || old[0] == '\0') {
		fprintf(stderr,
		    "mksub: %s:%d: the old text occurs %d times in %s (it "
		    "must occur exactly once): update the edit to the "
		    "reference\n",
		    s->desc, line, n, s->from);
		return -1;
	}
	at = strstr(s->text, old);
	head = (size_t)(at - s->text);
	out = malloc(strlen(s->text) - strlen(old) + strlen(new) + 1);
	if (out == NULL)
		return -1;
	memcpy(out, s->text, head);
	strcpy(out + head, new);
	strcat(out + head, at + strlen(old));
	free(s->text);
	s->text = out;
	return 0;
}

/* The lines after line *i up to "@@@ <until>", joined by newlines (the
 * last one's newline not included) into buf; *i ends on the marker. */
static int
mksub_block(
    char **lines, int n, int *i, const char *until, char *buf, size_t len)
{
	char marker[32];
	size_t used = 0;
	int first = 1;

	snprintf(marker, sizeof marker, "@@@ %s", until);
	buf[0] = '\0';
	for ((*i)++; *i < n && strcmp(lines[*i], marker) != 0; (*i)++) {
		used +=
		    (size_t)snprintf(buf + used, used < len ? len - used : 0,
		        "%s%s", first ? "" : "\n", lines[*i]);
		first = 0;
	}
	return *i < n && used < len ? 0 : -1;
}

/* The reference (or the "from" file) becomes s->text, once. */
static int
mksub_source(struct mksub *s)
{
	if (s->text != NULL)
		return 0;
	if (s->file[0] == '\0') {
		fprintf(stderr,
		    "mksub: %s: no 'file' line before the first "
		    "edit\n",
		    s->desc);
		return -1;
	}
	if (s->from[0] == '\0')
		snprintf(s->from, sizeof s->from, "solutions/%s/%s", s->lab,
		    s->file);
	s->text = mksub_read(s->from);
	if (s->text == NULL)
		fprintf(stderr, "mksub: %s: %s: %s\n", s->desc, s->from,
		    strerror(errno));
	return s->text == NULL ? -1 : 0;
}

/* Read the description's lines and apply them. */
static int
mksub_apply(struct mksub *s, char **lines, int n)
{
	static char old[MKSUB_TEXT_MAX], new[MKSUB_TEXT_MAX];
	int i, at;

	for (i = 0; i < n; i++) {
		const char *l = lines[i];

		if (strncmp(l, "file ", 5) == 0)
			snprintf(s->file, sizeof s->file, "%s", l + 5);
		else if (strncmp(l, "from ", 5) == 0)
			snprintf(s->from, sizeof s->from, "%s", l + 5);
		else if (strcmp(l, "@@@ old") == 0) {
			at = i + 1;
			if (mksub_block(lines, n, &i, "new", old, sizeof old) <
			        0 ||
			    mksub_block(lines, n, &i, "end", new, sizeof new) <
			        0) {
				fprintf(stderr,
				    "mksub: %s:%d: an edit without "
				    "'@@@ new' and '@@@ end'\n",
				    s->desc, at);
				return -1;
			}
			if (mksub_source(s) < 0 ||
			    mksub_edit(s, at, old, new) < 0)
				return -1;
		} else if (l[0] != '\0') {
			if (l[0] != '#' && !s->lab_said++)
				fprintf(s->expect, "lab %s\n", s->lab);
			fprintf(s->expect, "%s\n", l);
		}
	}
	if (!s->lab_said++)
		fprintf(s->expect, "lab %s\n", s->lab);
	return mksub_source(s);
}

/* One description into OUT/NAME/. */
static int
mksub_one(const char *lab, const char *out, const char *desc)
{
	struct mksub s = {.lab = lab, .desc = desc};
	char path[1024], name[256], *base, *dot, *buf, **lines = NULL;
	int n = 0, rc = -1;

	buf = mksub_read(desc);
	if (buf == NULL) {
		fprintf(stderr, "mksub: %s: %s\n", desc, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s", desc);
	base = basename(path);
	snprintf(name, sizeof name, "%s", base);
	dot = strrchr(name, '.');
	if (dot != NULL)
		*dot = '\0';
	lines = malloc(sizeof *lines * (strlen(buf) + 2));
	s.expect = open_memstream(&s.expect_buf, &s.expect_len);
	if (lines == NULL || s.expect == NULL)
		goto out;
	for (char *p = buf, *e; *p != '\0'; p = e + 1) {
		e = strchr(p, '\n');
		lines[n++] = p;
		if (e == NULL)
			break;
		*e = '\0';
	}
	if (mksub_apply(&s, lines, n) < 0)
		goto out;
	fclose(s.expect);
	s.expect = NULL;
	snprintf(path, sizeof path, "%s/%s", out, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		goto io;
	snprintf(path, sizeof path, "%s/%s/%s", out, name, s.file);
	if (mksub_write(path, s.text) < 0)
		goto io;
	snprintf(path, sizeof path, "%s/%s/EXPECT", out, name);
	if (mksub_write(path, s.expect_buf) < 0)
		goto io;
	rc = 0;
	goto out;
io:
	fprintf(stderr, "mksub: %s: %s\n", path, strerror(errno));
out:
	if (s.expect != NULL)
		fclose(s.expect);
	free(s.expect_buf);
	free(s.text);
	free(lines);
	free(buf);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: mksub LAB OUT FILE.edit...\n");
		return 2;
	}
	if (mkdir(argv[2], 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mksub: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (i = 3; i < argc; i++)
		if (mksub_one(argv[1], argv[2], argv[i]) < 0)
			rc = 1;
	return rc;
}
