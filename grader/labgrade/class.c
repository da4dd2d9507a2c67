/*
 * --class ROOT: every ROOT/<student>/ folder is one submission.  Each is
 * graded by a labgrade process of its own (N at a time, each with its
 * own range of cell slots), which writes ROOT/<student>/labgrade/report.
 * {txt,json,csv}; ROOT/grades.csv gathers the rows.  A submission whose
 * key (its sources, the grader's version, the rubric, the seed) matches
 * ROOT/<student>/labgrade/key is not graded again.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "class.h"
#include "rubric.h"
#include "param.h"

struct class_sub {
	char *name; /* the folder's name: the student */
	char key[17];
	int cached, done, rc;
	pid_t pid;
	int job; /* job slot while running */
};

struct class_state {
	const struct class_opts *o;
	struct class_sub *sub;
	size_t n, done, graded, to_grade;
	int *job_busy;
	int runners;
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

static uint64_t
class_hash_file(uint64_t h, const char *path)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return grade_hash64(h, "\0missing", 8);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		h = grade_hash64(h, buf, (size_t)n);
	close(fd);
	return h;
}

static void
class_key(const struct class_opts *o, struct class_sub *s)
{
	char path[PATH_MAX * 2], seed[32];
	uint64_t h = 0;
	size_t i;

	h = grade_hash64(h, o->lab, strlen(o->lab) + 1);
	h = grade_hash64(h, LABGRADE_VERSION, sizeof LABGRADE_VERSION);
	h = grade_hash64(h, o->rubric_hash, strlen(o->rubric_hash) + 1);
	snprintf(seed, sizeof seed, "%llu/%d", (unsigned long long)o->seed,
	    o->force_fallback);
	h = grade_hash64(h, seed, strlen(seed) + 1);
	for (i = 0; o->sources[i] != NULL; i++) {
		h = grade_hash64(h, o->sources[i], strlen(o->sources[i]) + 1);
		snprintf(path, sizeof path, "%s/%s/%s", o->root, s->name,
		    o->sources[i]);
		h = class_hash_file(h, path);
	}
	snprintf(s->key, sizeof s->key, "%016llx", (unsigned long long)h);
}

/* The line of a small file (without its newline), or "" . */
static void
class_read_line(const char *path, int lineno, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return;
	while (lineno-- > 0 && fgets(buf, (int)len, f) != NULL)
		;
	if (lineno >= 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int
class_is_current(const struct class_opts *o, struct class_sub *s)
{
	char path[PATH_MAX * 2], line[64];

	snprintf(path, sizeof path, "%s/%s/labgrade/key", o->root, s->name);
	class_read_line(path, 1, line, sizeof line);
	if (strcmp(line, s->key) != 0)
		return 0;
	snprintf(
	    path, sizeof path, "%s/%s/labgrade/report.csv", o->root, s->name);
	return access(path, R_OK) == 0;
}

static void __attribute__((noreturn))
class_child(struct class_state *st, struct class_sub *s, int job)
{
	const struct class_opts *o = st->o;
	char out[PATH_MAX * 2 + 64], dir[PATH_MAX * 2], seed[32], slot[16];
	char j[16], log[PATH_MAX * 2 + 96];
	char *argv[20];
	int n = 0, fd;

	snprintf(dir, sizeof dir, "%s/%s", o->root, s->name);
	snprintf(out, sizeof out, "%s/labgrade", dir);
	mkdir(out, 0755);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
	snprintf(slot, sizeof slot, "%d", job * st->runners);
	snprintf(j, sizeof j, "%d", st->runners);
	argv[n++] = (char *)o->self;
	argv[n++] = "--format=text,json,csv";
	argv[n++] = "--out";
	argv[n++] = out;
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
	if (o->force_fallback)
		argv[n++] = "--no-cell";
	argv[n++] = (char *)o->lab;
	argv[n++] = dir;
	argv[n] = NULL;
	snprintf(log, sizeof log, "%s/labgrade.log", out);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	execv(o->self, argv);
	fprintf(stderr, "labgrade: %s: %s\n", o->self, strerror(errno));
	_exit(1);
}

static void
class_progress(struct class_state *st, int last)
{
	double el = class_now() - st->t0, eta = 0;

	if (st->graded > 0 && st->to_grade > st->graded)
		eta = el / (double)st->graded *
		      (double)(st->to_grade - st->graded);
	fprintf(stderr,
	    "%slabgrade: %zu/%zu graded (%zu cached), %.0f s, "
	    "ETA %.0f s%s",
	    st->tty ? "\r" : "", st->done, st->n, st->done - st->graded, el,
	    eta, st->tty && !last ? "" : "\n");
}

static void
class_finished(struct class_state *st, pid_t pid, int wstatus)
{
	char path[PATH_MAX * 2];
	struct class_sub *s;
	size_t i;
	FILE *f;

	for (i = 0; i < st->n && st->sub[i].pid != pid; i++)
		;
	if (i == st->n)
		return;
	s = &st->sub[i];
	s->pid = 0;
	s->done = 1;
	s->rc = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
	st->job_busy[s->job] = 0;
	st->done++;
	st->graded++;
	if (s->rc != 0)
		return;
	snprintf(path, sizeof path, "%s/%s/labgrade/key", st->o->root, s->name);
	f = fopen(path, "w");
	if (f != NULL) {
		fprintf(f, "%s\n", s->key);
		fclose(f);
	}
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
class_loop(struct class_state *st)
{
	size_t next = 0;
	int job, wstatus;
	pid_t pid;

	for (;;) {
		while (next < st->n && (st->sub[next].cached ||
		                           (job = class_free_job(st)) >= 0)) {
			struct class_sub *s = &st->sub[next++];

			if (s->cached)
				continue;
			fflush(NULL);
			pid = fork();
			if (pid < 0)
				return -1;
			if (pid == 0)
				class_child(st, s, job);
			s->pid = pid;
			s->job = job;
			st->job_busy[job] = 1;
		}
		if (st->o->stop != NULL && *st->o->stop) {
			class_stop(st);
			return -1;
		}
		pid = waitpid(-1, &wstatus, 0);
		if (pid < 0 && errno == ECHILD)
			return 0;
		if (pid < 0)
			continue;
		class_finished(st, pid, wstatus);
		class_progress(st, st->done == st->n);
	}
}

static void
class_csv_name(FILE *f, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', f);
	if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

/* ROOT/grades.csv: the header, then each student's row as its own
 * report.csv has it (one row, after its header). */
static int
class_write_csv(struct class_state *st, char *err, size_t errlen)
{
	char path[PATH_MAX * 2], line[8192];
	size_t i, k;
	FILE *f;
	int bad = 0;

	snprintf(path, sizeof path, "%s/grades.csv", st->o->root);
	f = fopen(path, "w");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fputs("student,score,max", f);
	for (k = 0; k < st->o->ntests; k++)
		fprintf(f, ",%s", st->o->test_names[k]);
	fputc('\n', f);
	for (i = 0; i < st->n; i++) {
		snprintf(path, sizeof path, "%s/%s/labgrade/report.csv",
		    st->o->root, st->sub[i].name);
		class_read_line(path, 2, line, sizeof line);
		if (st->sub[i].rc != 0 || line[0] == '\0') {
			class_csv_name(f, st->sub[i].name);
			fputs(",,", f);
			for (k = 0; k < st->o->ntests; k++)
				fputc(',', f);
			fputc('\n', f);
			fprintf(stderr,
			    "labgrade: %s could not be graded: see "
			    "%s/%s/labgrade/labgrade.log\n",
			    st->sub[i].name, st->o->root, st->sub[i].name);
			bad = 1;
			continue;
		}
		fprintf(f, "%s\n", line);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "grades.csv: %s", strerror(errno));
		return -1;
	}
	return bad;
}

static int
class_scan(struct class_state *st, char *err, size_t errlen)
{
	struct dirent **ents;
	char path[PATH_MAX * 2];
	struct stat sb;
	int n, i;

	n = scandir(st->o->root, &ents, class_filter, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", st->o->root, strerror(errno));
		return -1;
	}
	st->sub = calloc((size_t)n + 1, sizeof *st->sub);
	for (i = 0; i < n; i++) {
		snprintf(
		    path, sizeof path, "%s/%s", st->o->root, ents[i]->d_name);
		if (st->sub != NULL && stat(path, &sb) == 0 &&
		    S_ISDIR(sb.st_mode) && st->n < CLASS_MAX)
			st->sub[st->n++].name = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	if (st->n == 0) {
		snprintf(err, errlen, "%s: no submission folders in it",
		    st->o->root);
		return -1;
	}
	return 0;
}

int
class_run(const struct class_opts *opt, char *err, size_t errlen)
{
	struct class_opts o = *opt;
	struct class_state st;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;
	int rc = -1;

	memset(&st, 0, sizeof st);
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
	if (st.job_busy == NULL || class_scan(&st, err, errlen) < 0)
		goto out;
	for (i = 0; i < st.n; i++) {
		class_key(&o, &st.sub[i]);
		st.sub[i].cached = class_is_current(&o, &st.sub[i]);
		st.done += st.sub[i].cached;
		st.to_grade += !st.sub[i].cached;
	}
	if (class_loop(&st) < 0) {
		snprintf(err, errlen, "%s",
		    o.stop != NULL && *o.stop ? "interrupted"
		                              : strerror(errno));
		goto out;
	}
	if (st.to_grade == 0)
		class_progress(&st, 1);
	rc = class_write_csv(&st, err, errlen);
out:
	for (i = 0; i < st.n; i++)
		free(st.sub[i].name);
	free(st.sub);
	free(st.job_busy);
	return rc;
}
