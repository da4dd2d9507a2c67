/*
 * Class mode: class_run() and class_dashboard() for labgrade (class.c),
 * and the parts class.c drives: the output tree the grader
 * owns (class-tree.c), each student's record and the gradebook
 * (class-book.c), the dashboard (class-html.c).
 *
 * Interface:
 *	class_tree_open(root, out, path, n, err, errlen)  create or check
 *	                  the output tree; its directory fd, -1 with a reason
 *	class_tree_secret(outfd, key, err, errlen)  the tree's HMAC secret
 *	class_safe_name(name, buf, n)   a folder name as a file name of the
 *	                  tree: bytes outside [A-Za-z0-9_-] (and a leading
 *	                  '.') as %HH, so every student gets a distinct one
 *	class_unsafe_name(safe, buf, n) and back
 *	class_show_name(name, buf, n)   a name for people: control bytes,
 *	                  backslash and invalid UTF-8 as \xHH
 *	class_stage_read(dirfd, srcs, st)  read a submission's sources
 *	                  (regular files <= CLASS_SOURCE_MAX, opened without
 *	                  following links, never blocking)
 *	class_stage_key(st, secret, ctx, hex)  HMAC-SHA256 of it all
 *	class_stage_write(st, dirfd)   the sources into the tree (O_EXCL)
 *	class_rm_tree(dirfd, name)     remove an entry of the tree, never
 *	                  following a link
 *	class_write_file(dirfd, name, text, n)  name.tmp (O_EXCL), renamed
 *	class_read_file(dirfd, name, max, &n)   a small regular file
 *	class_rec_*     a student's record (student.tsv)
 *	class_status_name(s)   a status as grades.csv and JSON write it
 *	class_status_words(s, n)  as people read it, for n students
 *	class_book_write(...)          grades.csv and grades.json
 *	class_html_write(...)          report.html and each student's
 *	class_similar_write(...)       similarity.txt: similar pairs, a hint
 */
#ifndef CLASS_H
#define CLASS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "grade.h"

#define CLASS_SECRET_LEN 32 /* bytes of the tree's HMAC key */
#define CLASS_KEY_HEX 65    /* HMAC-SHA256 as hex, with its NUL */
#define CLASS_NSRC 8        /* sources of one lab, at most */
#define CLASS_NTESTS 256    /* tests of one lab, at most */

enum class_status {
	CS_GRADED,
	CS_EMPTY,     /* none of the lab's sources */
	CS_NOT_BUILT, /* the build failed */
	CS_ERROR,     /* the grader failed (the grade is incomplete) */
	CS_NSTATUS
};

/* One source as read from a submission folder. */
struct class_src {
	const char *name;
	int state; /* 0 read, 1 missing, 2 refused */
	char why[96];
	long long mtime; /* its modification time (read) */
	char *data;
	size_t len;
};

struct class_stage {
	struct class_src src[CLASS_NSRC];
	size_t n, present;
	long long newest; /* the newest source's time: the submission's */
};

/* One test's result, parsed back from results.tsv. */
struct class_test {
	int status; /* enum grade_status */
	double points, max, seconds;
	int hidden; /* visibility hidden or after_due_date */
	int selected;
};

/* A student's record (student.tsv), built from parsed numbers only. */
struct class_rec {
	int status; /* enum class_status */
	int build_ok;
	double score, max, seconds;
	size_t ntests;
	struct class_test test[CLASS_NTESTS];
};

/* One student of the class, as the gradebook and dashboard read it. */
struct class_student {
	char *name;       /* the folder's name as found: any bytes */
	char shown[1024]; /* class_show_name(name) */
	char safe[256];   /* class_safe_name(name): its folder in the tree */
	char id[128], email[256]; /* --roster */
	char note[256];           /* sources refused, ... (shown text) */
	double extension;         /* --roster: days added to --due */
	long long submitted;      /* its newest source's time (0: unknown) */
	int late_days;            /* started days after --due (+ extension) */
	struct class_rec rec;
	int have_rec; /* rec holds a record */
};

/* The grading as a whole. */
struct class_book {
	const char *lab, *version, *rubric_path, *rubric_hash;
	const char *root, *out; /* as given / as made */
	uint64_t seed;
	char date[32]; /* UTC, ISO 8601 */
	const char *const *tests, *const *summaries;
	size_t ntests;
	struct class_student *st;
	size_t n;
	int roster;
	double bar; /* --fail-under in points of each student's max, < 0 none */
	long long due; /* --due (seconds since the epoch), 0: none */
	int bar_pct;
	double seconds;
};

int class_tree_open(const char *root, const char *out, char *path,
    size_t pathlen, char *err, size_t errlen);
int class_tree_secret(
    int outfd, unsigned char key[CLASS_SECRET_LEN], char *err, size_t errlen);
void class_safe_name(const char *name, char *buf, size_t len);
int class_unsafe_name(const char *safe, char *buf, size_t len);
void class_show_name(const char *name, char *buf, size_t len);
int class_stage_read(
    int dirfd, const char *const *srcs, struct class_stage *st);
void class_stage_key(const struct class_stage *st,
    const unsigned char secret[CLASS_SECRET_LEN], const char *ctx,
    size_t ctxlen, char hex[CLASS_KEY_HEX]);
int class_stage_write(const struct class_stage *st, int dirfd);
void class_stage_free(struct class_stage *st);
int class_rm_tree(int dirfd, const char *name);
int class_write_file(int dirfd, const char *name, const char *text, size_t n);
char *class_read_file(int dirfd, const char *name, size_t max, size_t *n);

/* results.tsv (a grading's) and student.tsv (the class's record). */
int class_rec_parse(const char *text, const char *const *tests, size_t ntests,
    struct class_rec *r);
char *class_rec_format(const struct class_rec *r, const char *const *tests);
const char *class_status_name(int s);
const char *class_status_words(int s, size_t n);
int class_status_parse(const char *s);
int class_book_below(const struct class_book *b, const struct class_student *s);
void class_book_late(struct class_book *b);
int class_roster(
    struct class_book *b, const char *path, char *err, size_t errlen);
int class_book_write(
    const struct class_book *b, int outfd, char *err, size_t errlen);
int class_book_read(
    struct class_book *b, int outfd, char **keep, char *err, size_t errlen);
int class_similar_write(const struct class_book *b,
    const struct class_stage *const *stages, const struct class_stage *skel,
    int outfd, double *top);
int class_html_write(
    const struct class_book *b, int outfd, char *err, size_t errlen);

/* labgrade --class and --dashboard (class.c) */
struct class_opts {
	const char *root;
	const char *out;    /* --out: the output tree, or NULL (default) */
	const char *only;   /* --only TEST: regrade it, keep the rest */
	const char *roster; /* --roster FILE, or NULL */
	const char *lab;    /* canonical lab name */
	const char *self;   /* path of labgrade, run once per student */
	const char *kit;    /* the kit: labs/LAB/ is the skeleton */
	const char *rubric; /* --rubric, or NULL */
	const char *rubric_path;
	const char *rubric_hash;
	double rubric_total;
	const char *const *sources;
	int jobs;
	uint64_t seed;
	int force_fallback;
	int force;         /* --force: grade every submission again */
	double fail_under; /* < 0: none */
	long long due;     /* --due, seconds since the epoch; 0: none */
	int fail_under_pct;
	const char *const *test_names;
	const char *const *test_summaries;
	size_t ntests;
	volatile sig_atomic_t *stop; /* set by a signal: end the run */
};
int class_run(const struct class_opts *opt, char *err, size_t errlen);
int class_dashboard(
    const char *out, const struct grade_lab *lab, char *err, size_t errlen);

#endif
