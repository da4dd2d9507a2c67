/*
 * --class ROOT: every ROOT/<student>/ folder is one submission.  Its
 * sources are read (never through a link, never blocking, at most
 * 256 KiB each) into the grader's own output tree, OUT/students/<s>/src,
 * and graded there by a labgrade process of its own (N at a time, each
 * with its own range of cell slots).  Nothing in a submission folder is
 * written or read back as grader state: the cache key is an HMAC under
 * the tree's secret, the gradebook is built from parsed numbers.
 */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW with -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "class.h"
#include "engine.h"
#include "rubric.h"
#include "param.h"

enum class_how { CH_CACHED, CH_FULL, CH_ONLY, CH_EMPTY };

struct class_sub {
	struct class_student *s;
	struct class_stage stage;
	char key[CLASS_KEY_HEX], srckey[CLASS_KEY_HEX];
	int how; /* enum class_how */
	int fd;  /* OUT/students/<s>/ */
	int rc;
	pid_t pid;
	int job;
};

struct class_state {
	const struct class_opts *o;
	struct class_book book;
	struct class_sub *sub;
	size_t n, done, graded, to_grade;
	int *job_busy;
	int runners, outfd, studfd, rootfd;
	char out[PATH_MAX];
	unsigned char secret[CLASS_SECRET_LEN];
	double t0;
	int tty;
};

static double
class_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
class_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* The key's context: what else decides a grade besides the sources. */
static size_t
class_ctx(const struct class_opts *o, int sources_only, char *buf, size_t len)
{
	int n;

	if (sources_only)
		n = snprintf(buf, len, "sources%c%s%c", 0, o->lab, 0);
	else
		n = snprintf(buf, len, "grade%c%s%c%s%c%s%c%llu/%d%c", 0,
		    o->lab, 0, LABGRADE_VERSION, 0, o->rubric_hash, 0,
		    (unsigned long long)o->seed, o->force_fallback, 0);
	return n > 0 && (size_t)n < len ? (size_t)n : len - 1;
}

static void
class_keys(struct class_state *st, struct class_sub *c)
{
	char ctx[512];
	size_t n;

	n = class_ctx(st->o, 0, ctx, sizeof ctx);
	class_stage_key(&c->stage, st->secret, ctx, n, c->key);
	n = class_ctx(st->o, 1, ctx, sizeof ctx);
	class_stage_key(&c->stage, st->secret, ctx, n, c->srckey);
}

/* The stored record, if the tree's key file says it is of these very
 * sources (the whole key, or with --only the sources' key). */
static int
class_stored(struct class_state *st, struct class_sub *c, int sources_only)
{
	char *key, *rec;
	int ok;

	key = class_read_file(c->fd, "key", 256, NULL);
	ok = key != NULL && strncmp(key, c->key, CLASS_KEY_HEX - 1) == 0 &&
	     key[CLASS_KEY_HEX - 1] == '\n' &&
	     strncmp(key + CLASS_KEY_HEX, c->srckey, CLASS_KEY_HEX - 1) == 0;
	if (sources_only)
		ok = key != NULL && strlen(key) >= 2 * CLASS_KEY_HEX - 1 &&
		     strncmp(key + CLASS_KEY_HEX, c->srckey,
		         CLASS_KEY_HEX - 1) == 0;
	free(key);
	if (!ok || c->key[0] == '\0')
		return 0;
	rec = class_read_file(c->fd, "student.tsv", CLASS_RECORD_MAX, NULL);
	ok = class_rec_parse(
	         rec, st->o->test_names, st->o->ntests, &c->s->rec) == 0 &&
	     c->s->rec.status != CS_ERROR;
	free(rec);
	c->s->have_rec = ok;
	return ok;
}

static void
class_note_refused(struct class_sub *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->stage.n; i++) {
		const struct class_src *r = &c->stage.src[i];

		if (r->state != 2)
			continue;
		fprintf(stderr, _("labgrade: %s/%s: %s: left out\n"),
		    c->s->shown, r->name, r->why);
		n += (size_t)snprintf(c->s->note + n, sizeof c->s->note - n,
		    "%s%s: %s, left out", n > 0 ? "; " : "", r->name, r->why);
		if (n >= sizeof c->s->note)
			break;
	}
}

/* A fresh folder for this grading: the old one's files removed (a
 * grading that ends half way never looks current: the key goes first). */
static int
class_prepare(struct class_state *st, struct class_sub *c)
{
	const char *sub = c->how == CH_ONLY ? "only" : NULL;
	int fd, rc;

	if (c->how == CH_FULL) {
		DIR *d;
		struct dirent *e;
		int dup_fd = dup(c->fd);

		unlinkat(c->fd, "key", 0);
		d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
		if (d == NULL)
			return -1;
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				class_rm_tree(c->fd, e->d_name);
		closedir(d);
	} else {
		class_rm_tree(c->fd, sub);
		class_rm_tree(c->fd, "src");
	}
	if (sub != NULL && mkdirat(c->fd, sub, 0700) < 0)
		return -1;
	if (mkdirat(c->fd, "src", 0700) < 0)
		return -1;
	fd = openat(
	    c->fd, "src", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = class_stage_write(&c->stage, fd);
	close(fd);
	(void)st;
	return rc;
}

static void __attribute__((noreturn))
class_child(struct class_state *st, struct class_sub *c, int job)
{
	const struct class_opts *o = st->o;
	char out[PATH_MAX + 300], dir[PATH_MAX + 300], seed[32], slot[16];
	char j[16];
	char *argv[32];
	int n = 0, fd;

	snprintf(dir, sizeof dir, "%s/students/%s/src", st->out, c->s->safe);
	snprintf(out, sizeof out, "%s/students/%s%s", st->out, c->s->safe,
	    c->how == CH_ONLY ? "/only" : "");
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
	snprintf(slot, sizeof slot, "%d", job * st->runners);
	snprintf(j, sizeof j, "%d", st->runners);
	argv[n++] = (char *)o->self;
	argv[n++] = "--format=text,json,csv,tsv";
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n++] = "--student";
	argv[n++] = c->s->shown;
	argv[n++] = "--seed";
	argv[n++] = seed;
	argv[n++] = "--slot-base";
	argv[n++] = slot;
	argv[n++] = "-j";
	argv[n++] = j;
	if (o->rubric != NULL) {
		argv[n++] = "--rubric";
		argv[n++] = (char *)o->rubric;
	}
	if (c->how == CH_ONLY) {
		argv[n++] = "--only";
		argv[n++] = (char *)o->only;
	}
	if (o->force_fallback)
		argv[n++] = "--no-cell";
	argv[n++] = (char *)o->lab;
	argv[n++] = dir;
	argv[n] = NULL;
	fd = openat(c->fd, "labgrade.log",
	    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	execv(o->self, argv);
	fprintf(stderr, _("labgrade: %s: %s\n"), o->self, strerror(errno));
	_exit(1);
}

/* What a finished grading left: its results.tsv, parsed. */
static int
class_read_results(
    struct class_state *st, struct class_sub *c, struct class_rec *r)
{
	char *text;
	int fd = c->fd, rc;

	if (c->how == CH_ONLY)
		fd = openat(c->fd, "only",
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	text = class_read_file(fd, "results.tsv", CLASS_RECORD_MAX, NULL);
	rc = class_rec_parse(text, st->o->test_names, st->o->ntests, r);
	free(text);
	if (fd != c->fd && fd >= 0)
		close(fd);
	return rc;
}

/* --only: the tests it ran replace the stored ones; totals again. */
static void
class_merge(struct class_rec *stored, const struct class_rec *now)
{
	size_t k;

	stored->score = stored->max = 0;
	for (k = 0; k < stored->ntests; k++) {
		if (now->test[k].selected)
			stored->test[k] = now->test[k];
		stored->test[k].selected = 1;
		stored->score += stored->test[k].points;
		stored->max += stored->test[k].max;
	}
}

static void
class_record(struct class_state *st, struct class_sub *c)
{
	struct class_student *s = c->s;
	struct class_rec now;
	char *text, key[2 * CLASS_KEY_HEX + 1];
	size_t k;
	int ok = class_read_results(st, c, &now) == 0;

	if (c->how == CH_ONLY && ok && s->have_rec) {
		class_merge(&s->rec, &now);
	} else if (ok) {
		s->rec = now;
		s->rec.status = now.build_ok ? CS_GRADED : CS_NOT_BUILT;
	} else {
		memset(&s->rec, 0, sizeof s->rec);
		s->rec.ntests = st->o->ntests;
	}
	for (k = 0; ok && k < now.ntests; k++)
		if (now.test[k].status == GS_ERROR && now.test[k].selected)
			ok = 0;
	if (!ok || c->rc != 0)
		s->rec.status = c->rc == 3 && ok ? s->rec.status : CS_ERROR;
	s->have_rec = 1;
	text = class_rec_format(&s->rec, st->o->test_names);
	if (text != NULL)
		class_write_file(c->fd, "student.tsv", text, strlen(text));
	free(text);
	if (s->rec.status == CS_ERROR || text == NULL)
		return;
	snprintf(key, sizeof key, "%s\n%s\n", c->key, c->srckey);
	class_write_file(c->fd, "key", key, strlen(key));
}

static void
class_progress(struct class_state *st, const struct class_sub *c)
{
	double el = class_now() - st->t0, eta = 0;
	char what[96];

	if (st->graded > 0 && st->to_grade > st->graded)
		eta = el / (double)st->graded *
		      (double)(st->to_grade - st->graded);
	if (c->s->rec.status == CS_ERROR)
		snprintf(what, sizeof what, "%s",
		    _("grader error (see its labgrade.log)"));
	else
		/* TRANSLATORS: a submission's status ("graded"), its score */
		snprintf(what, sizeof what,
		    c->how == CH_ONLY ? _("%s (--only merged) %g/%g")
		                      : _("%s %g/%g"),
		    class_status_words(c->s->rec.status, 1), c->s->rec.score,
		    c->s->rec.max);
	fprintf(stderr, _("%slabgrade: [%zu/%zu] %s: %s; %.0f s, ETA %.0f s%s"),
	    st->tty ? "\r\033[K" : "", st->done, st->n, c->s->shown, what, el,
	    eta, st->tty && st->done < st->n ? "" : "\n");
}

static void
class_finished(struct class_state *st, pid_t pid, int wstatus)
{
	struct class_sub *c;
	size_t i;

	for (i = 0; i < st->n && st->sub[i].pid != pid; i++)
		;
	if (i == st->n)
		return;
	c = &st->sub[i];
	c->pid = 0;
	c->rc = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
	st->job_busy[c->job] = 0;
	st->done++;
	st->graded++;
	class_record(st, c);
	class_progress(st, c);
}

static int
class_free_job(struct class_state *st)
{
	int j;

	for (j = 0; j < st->o->jobs; j++)
		if (!st->job_busy[j])
			return j;
	return -1;
}

/* Interrupted: the gradings got the signal too; wait for them to end
 * (each cleans up after itself), a few seconds at most. */
static void
class_stop(struct class_state *st)
{
	size_t i;
	int wstatus;

	for (i = 0; i < st->n; i++)
		if (st->sub[i].pid > 0)
			kill(st->sub[i].pid, SIGTERM);
	while (waitpid(-1, &wstatus, 0) > 0 || errno == EINTR)
		;
}

static int
class_start(struct class_state *st, struct class_sub *c, int job)
{
	pid_t pid;

	if (class_prepare(st, c) < 0) {
		c->rc = 1;
		st->done++;
		class_record(st, c);
		class_progress(st, c);
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		class_child(st, c, job);
	c->pid = pid;
	c->job = job;
	st->job_busy[job] = 1;
	return 0;
}

static int
class_loop(struct class_state *st)
{
	size_t next = 0;
	int job, wstatus;
	pid_t pid;

	for (;;) {
		while (next < st->n && (st->sub[next].how == CH_CACHED ||
		                           st->sub[next].how == CH_EMPTY ||
		                           (job = class_free_job(st)) >= 0)) {
			struct class_sub *c = &st->sub[next++];

			if (c->how == CH_CACHED || c->how == CH_EMPTY)
				continue;
			if (class_start(st, c, job) < 0)
				return -1;
		}
		if (st->o->stop != NULL && *st->o->stop) {
			class_stop(st);
			return -1;
		}
		pid = waitpid(-1, &wstatus, 0);
		if (pid < 0 && errno == ECHILD && next >= st->n)
			return 0;
		if (pid < 0)
			continue;
		class_finished(st, pid, wstatus);
	}
}

/* An empty submission: no source of the lab at all. */
static void
class_empty(struct class_state *st, struct class_sub *c)
{
	char *text;

	memset(&c->s->rec, 0, sizeof c->s->rec);
	c->s->rec.status = CS_EMPTY;
	c->s->rec.ntests = st->o->ntests;
	c->s->rec.max = st->o->rubric_total;
	c->s->have_rec = 1;
	class_rm_tree(c->fd, "key");
	text = class_rec_format(&c->s->rec, st->o->test_names);
	if (text != NULL)
		class_write_file(c->fd, "student.tsv", text, strlen(text));
	free(text);
}

/* Read one submission's sources and decide what to do with it. */
static int
class_plan(struct class_state *st, struct class_sub *c)
{
	int fd;

	fd = openat(st->rootfd, c->s->name,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	class_stage_read(fd, st->o->sources, &c->stage);
	close(fd);
	class_note_refused(c);
	class_safe_name(c->s->name, c->s->safe, sizeof c->s->safe);
	if (mkdirat(st->studfd, c->s->safe, 0700) < 0 && errno != EEXIST)
		return -1;
	c->fd = openat(st->studfd, c->s->safe,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->fd < 0)
		return -1;
	class_keys(st, c);
	c->s->submitted = c->stage.newest;
	if (c->stage.present == 0)
		c->how = CH_EMPTY;
	else if (!st->o->force && st->o->only == NULL && class_stored(st, c, 0))
		c->how = CH_CACHED;
	else if (!st->o->force && st->o->only != NULL && class_stored(st, c, 1))
		c->how = CH_ONLY;
	else
		c->how = CH_FULL;
	if (c->how == CH_EMPTY)
		class_empty(st, c);
	return 0;
}

static int
class_add(struct class_state *st, const char *name)
{
	struct class_student *s = &st->book.st[st->n];

	memset(s, 0, sizeof *s);
	s->name = strdup(name);
	if (s->name == NULL)
		return -1;
	class_show_name(name, s->shown, sizeof s->shown);
	st->sub[st->n].s = s;
	st->sub[st->n].fd = -1;
	st->n++;
	return 0;
}

static int
class_scan(struct class_state *st, char *err, size_t errlen)
{
	struct dirent **ents;
	char shown[1024];
	struct stat sb;
	int n, i;

	n = scandir(st->o->root, &ents, class_filter, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", st->o->root, strerror(errno));
		return -1;
	}
	st->sub = calloc((size_t)n + 1, sizeof *st->sub);
	st->book.st = calloc((size_t)n + 1, sizeof *st->book.st);
	for (i = 0; i < n; i++) {
		if (st->sub != NULL && st->book.st != NULL &&
		    fstatat(st->rootfd, ents[i]->d_name, &sb,
		        AT_SYMLINK_NOFOLLOW) == 0 &&
		    st->n < CLASS_MAX) {
			class_show_name(ents[i]->d_name, shown, sizeof shown);
			if (S_ISDIR(sb.st_mode))
				class_add(st, ents[i]->d_name);
			else if (S_ISLNK(sb.st_mode))
				fprintf(stderr,
				    _("labgrade: %s: a symbolic link, not a "
				      "submission folder: not graded\n"),
				    shown);
		}
		free(ents[i]);
	}
	free(ents);
	if (st->sub == NULL || st->book.st == NULL) {
		snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	if (st->n == 0) {
		snprintf(err, errlen, _("%s: no submission folders in it"),
		    st->o->root);
		return -1;
	}
	return 0;
}

static int
class_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* With --due: who handed in late (by the sources' file times). */
static void
class_summary_late(struct class_state *st)
{
	size_t i, n = 0;

	if (st->book.due == 0)
		return;
	for (i = 0; i < st->n; i++)
		n += st->book.st[i].late_days > 0;
	printf(_("  late (after --due, by the sources' file times): %zu%s"), n,
	    n > 0 ? ":" : "");
	for (i = 0; i < st->n; i++)
		if (st->book.st[i].late_days > 0)
			printf(ngettext(" %s (%d day)", " %s (%d days)",
			           (unsigned long)st->book.st[i].late_days),
			    st->book.st[i].shown, st->book.st[i].late_days);
	putchar('\n');
}

/* The summary on stdout: counts, mean and median, the files. */
static void
class_summary(struct class_state *st, size_t cached)
{
	size_t count[CS_NSTATUS] = {0}, i, m = 0, below = 0;
	double *sc = calloc(st->n + 1, sizeof *sc), sum = 0, max = 0;

	for (i = 0; i < st->n; i++) {
		const struct class_student *s = &st->book.st[i];

		count[s->rec.status]++;
		/* As the dashboard: an empty folder's or a failed build's 0
		 * is not a score (class-html.c's histogram). */
		if (s->rec.status == CS_GRADED && sc != NULL) {
			sc[m++] = s->rec.score;
			sum += s->rec.score;
			max = s->rec.max > max ? s->rec.max : max;
		}
	}
	printf(ngettext("labgrade: %s, %zu submission (%zu graded now, %zu "
	                "unchanged since the last run)\n",
	           "labgrade: %s, %zu submissions (%zu graded now, %zu "
	           "unchanged since the last run)\n",
	           (unsigned long)st->n),
	    st->o->lab, st->n, st->graded, cached);
	printf(_("  %zu graded, %zu empty, %zu not built, %zu grader error\n"),
	    count[CS_GRADED], count[CS_EMPTY], count[CS_NOT_BUILT],
	    count[CS_ERROR]);
	if (m > 0) {
		qsort(sc, m, sizeof *sc, class_cmp_double);
		printf(
		    ngettext("  score: mean %.1f, median %g (of %g), over "
		             "the %zu graded\n",
		        "  score: mean %.1f, median %g (of %g), over the %zu "
		        "graded\n",
		        (unsigned long)m),
		    sum / (double)m,
		    m % 2 ? sc[m / 2] : (sc[m / 2 - 1] + sc[m / 2]) / 2, max,
		    m);
	}
	free(sc);
	for (i = 0; i < st->n; i++)
		below += class_book_below(&st->book, &st->book.st[i]);
	class_summary_late(st);
	if (st->o->fail_under >= 0) {
		printf(_("  below --fail-under %g%s: %zu%s"), st->o->fail_under,
		    st->o->fail_under_pct ? "%" : "", below, below ? ":" : "");
		for (i = 0; i < st->n; i++)
			if (class_book_below(&st->book, &st->book.st[i]))
				printf(" %s (%g)", st->book.st[i].shown,
				    st->book.st[i].rec.score);
		putchar('\n');
	}
	printf(_("  files: %s/grades.csv (gradebook), grades.json (metadata), "
	         "report.html (dashboard), students/<student>/report.txt\n"),
	    st->out);
}

/* similarity.txt: pairs that share code the skeleton does not have. */
static void
class_similar(struct class_state *st)
{
	const struct class_stage **stages;
	struct class_stage skel;
	char path[PATH_MAX + 64];
	double top;
	size_t i;
	int fd, rc;

	stages = calloc(st->n + 1, sizeof *stages);
	if (stages == NULL)
		return;
	for (i = 0; i < st->n; i++)
		stages[i] = &st->sub[i].stage;
	snprintf(path, sizeof path, "%s/labs/%s", st->o->kit, st->o->lab);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	memset(&skel, 0, sizeof skel);
	if (fd >= 0) {
		class_stage_read(fd, st->o->sources, &skel);
		close(fd);
	}
	rc = class_similar_write(
	    &st->book, stages, fd >= 0 ? &skel : NULL, st->outfd, &top);
	class_stage_free(&skel);
	free(stages);
	if (rc < 0)
		printf(_("  similarity: could not write similarity.txt\n"));
	else if (top < 0)
		printf(
		    _("  similarity: no pair shares much beyond the skeleton "
		      "(similarity.txt)\n"));
	else
		printf(_("  similarity: the closest pair shares %.0f %% of its "
		         "code (similarity.txt: a hint, never a verdict)\n"),
		    top * 100);
}

static void
class_book_fill(struct class_state *st)
{
	const struct class_opts *o = st->o;
	struct class_book *b = &st->book;
	time_t now = time(NULL);
	struct tm tm;
	char secs[32];

	b->lab = o->lab;
	b->version = LABGRADE_VERSION;
	b->rubric_path = o->rubric_path;
	b->rubric_hash = o->rubric_hash;
	b->root = o->root;
	b->out = st->out;
	b->seed = o->seed;
	gmtime_r(&now, &tm);
	strftime(b->date, sizeof b->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	b->tests = o->test_names;
	b->summaries = o->test_summaries;
	b->ntests = o->ntests;
	b->n = st->n;
	b->bar = o->fail_under;
	b->due = o->due;
	class_book_late(b);
	b->bar_pct = o->fail_under_pct;
	/* as class.tsv stores it, so --dashboard writes the same page */
	snprintf(secs, sizeof secs, "%.1f", class_now() - st->t0);
	b->seconds = strtod(secs, NULL);
}

static int
class_open(struct class_state *st, char *err, size_t errlen)
{
	const struct class_opts *o = st->o;

	st->outfd = class_tree_open(
	    o->root, o->out, st->out, sizeof st->out, err, errlen);
	if (st->outfd < 0)
		return -1;
	if (class_tree_secret(st->outfd, st->secret, err, errlen) < 0)
		return -1;
	st->studfd = openat(st->outfd, "students",
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	st->rootfd = open(o->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->studfd < 0 || st->rootfd < 0) {
		snprintf(err, errlen, "%s: %s",
		    st->rootfd < 0 ? o->root : st->out, strerror(errno));
		return -1;
	}
	return 0;
}

/* 0 all graded, 1 some grader error, 3 some below --fail-under. */
static int
class_finish(struct class_state *st, size_t cached, char *err, size_t errlen)
{
	size_t i;
	int rc = 0;

	class_book_fill(st);
	if (class_book_write(&st->book, st->outfd, err, errlen) < 0 ||
	    class_html_write(&st->book, st->outfd, err, errlen) < 0)
		return -1;
	class_summary(st, cached);
	class_similar(st);
	for (i = 0; i < st->n; i++) {
		if (st->book.st[i].rec.status == CS_ERROR) {
			fprintf(stderr,
			    _("labgrade: %s could not be graded: see "
			      "%s/students/%s/labgrade.log\n"),
			    st->book.st[i].shown, st->out, st->book.st[i].safe);
			rc = 1;
		} else if (rc == 0 &&
		           class_book_below(&st->book, &st->book.st[i])) {
			rc = 3;
		}
	}
	return rc;
}

int
class_run(const struct class_opts *opt, char *err, size_t errlen)
{
	struct class_opts o = *opt;
	struct class_state st;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i, cached = 0;
	int rc = -1;

	memset(&st, 0, sizeof st);
	st.outfd = st.studfd = st.rootfd = -1;
	if (o.jobs <= 0)
		o.jobs = cpus > 0 ? (int)cpus : 1;
	st.o = &o;
	st.t0 = class_now();
	st.tty = isatty(STDERR_FILENO);
	/* the machine's share of tests at once, split between the jobs */
	st.runners = (int)(cpus * GRADE_RUNNERS_PER_CPU / o.jobs);
	if (st.runners < 2)
		st.runners = 2;
	st.job_busy = calloc((size_t)o.jobs, sizeof *st.job_busy);
	if (st.job_busy == NULL || class_open(&st, err, errlen) < 0 ||
	    class_scan(&st, err, errlen) < 0)
		goto out;
	st.book.n = st.n;
	if (o.roster != NULL &&
	    class_roster(&st.book, o.roster, err, errlen) < 0)
		goto out;
	for (i = 0; i < st.n; i++) {
		if (class_plan(&st, &st.sub[i]) < 0) {
			snprintf(err, errlen, _("%s/students/%s: %s"), st.out,
			    st.sub[i].s->safe, strerror(errno));
			goto out;
		}
		cached += st.sub[i].how == CH_CACHED;
		st.done +=
		    st.sub[i].how == CH_CACHED || st.sub[i].how == CH_EMPTY;
		st.to_grade +=
		    st.sub[i].how == CH_FULL || st.sub[i].how == CH_ONLY;
	}
	if (st.done > 0)
		fprintf(stderr,
		    _("labgrade: %zu of %zu unchanged since the last run or "
		      "empty: not graded again\n"),
		    st.done, st.n);
	if (class_loop(&st) < 0) {
		snprintf(err, errlen, "%s",
		    o.stop != NULL && *o.stop ? "interrupted"
		                              : strerror(errno));
		goto out;
	}
	rc = class_finish(&st, cached, err, errlen);
out:
	for (i = 0; i < st.n; i++) {
		class_stage_free(&st.sub[i].stage);
		if (st.sub[i].fd >= 0)
			close(st.sub[i].fd);
		free(st.book.st[i].name);
	}
	free(st.sub);
	free(st.book.st);
	free(st.job_busy);
	if (st.outfd >= 0)
		close(st.outfd);
	if (st.studfd >= 0)
		close(st.studfd);
	if (st.rootfd >= 0)
		close(st.rootfd);
	return rc;
}

/* --dashboard OUT: report.html again from the stored records. */
int
class_dashboard(
    const char *out, const struct grade_lab *lab, char *err, size_t errlen)
{
	const char *names[CLASS_NTESTS], *summaries[CLASS_NTESTS];
	struct class_book b;
	char *keep = NULL;
	size_t k;
	int fd, rc = -1;

	memset(&b, 0, sizeof b);
	for (k = 0; k < lab->ntests && k < CLASS_NTESTS; k++) {
		names[k] = lab->tests[k].name;
		summaries[k] = _(lab->tests[k].summary);
	}
	b.lab = lab->name;
	b.out = out;
	b.root = "";
	b.tests = names;
	b.summaries = summaries;
	b.ntests = k;
	fd = open(out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return -1;
	}
	if (class_book_read(&b, fd, &keep, err, errlen) == 0)
		rc = class_html_write(&b, fd, err, errlen);
	close(fd);
	free(keep);
	free(b.st);
	return rc;
}
