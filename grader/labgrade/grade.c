/*
 * What a test may call (grade.h), and the per-test record it leaves: a
 * file of "KEY VALUE" lines in the grading's private results folder,
 * written by the test's Check child and read back by the engine.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "record.h"
#include "param.h"

static const char *const grade_status_keys[] = {
    [GS_PASSED] = "passed",
    [GS_FAILED] = "failed",
    [GS_TIMEOUT] = "timeout",
    [GS_CRASHED] = "crashed",
    [GS_KILLED_MEMORY] = "memory",
    [GS_KILLED_OUTPUT] = "output",
    [GS_NOT_RUN] = "not_run",
    [GS_ERROR] = "error",
};

const char *
grade_status_key(enum grade_status s)
{
	if ((unsigned)s >= sizeof grade_status_keys / sizeof *grade_status_keys)
		return "error";
	return grade_status_keys[s];
}

enum grade_status
grade_status_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof grade_status_keys / sizeof *grade_status_keys;
	     i++)
		if (strcmp(grade_status_keys[i], s) == 0)
			return (enum grade_status)i;
	return GS_ERROR;
}

struct cell *
grade_cell(struct grade *g)
{
	return g->cell;
}

const struct grade_sub *
grade_sub(struct grade *g)
{
	return g->sub;
}

uint64_t
grade_seed(struct grade *g)
{
	return g->seed;
}

const char *
grade_test_name(struct grade *g)
{
	return g->test->name;
}

/* Escape val onto one line: backslash, newline and control bytes. */
static size_t
grade_escape(char *dst, size_t cap, const char *val)
{
	const unsigned char *s = (const unsigned char *)val;
	size_t n = 0;

	for (; *s != '\0' && n + 5 < cap; s++) {
		if (*s == '\\') {
			dst[n++] = '\\';
			dst[n++] = '\\';
		} else if (*s == '\n') {
			dst[n++] = '\\';
			dst[n++] = 'n';
		} else if (*s < 0x20 || *s == 0x7f) {
			n += (size_t)snprintf(dst + n, cap - n, "\\x%02x", *s);
		} else {
			dst[n++] = (char)*s;
		}
	}
	dst[n] = '\0';
	return n;
}

static void
grade_unescape(char *s)
{
	char *d = s, hex[3] = {0};

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			*d++ = *s;
			continue;
		}
		s++;
		if (*s == 'n') {
			*d++ = '\n';
		} else if (*s == 'x' && s[1] != '\0' && s[2] != '\0') {
			hex[0] = s[1];
			hex[1] = s[2];
			*d = (char)strtol(hex, NULL, 16);
			if (*d == '\0')
				*d = '?';
			d++;
			s += 2;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* One line per call, one write(2) per line: O_APPEND keeps it whole. */
void
grade_record(struct grade *g, const char *key, const char *val)
{
	static char line[GRADE_LINE_MAX * 4 + 64];
	size_t n;

	if (g->rec_fd < 0)
		return;
	n = (size_t)snprintf(line, sizeof line, "%s ", key);
	n += grade_escape(line + n, sizeof line - n - 1, val);
	line[n++] = '\n';
	while (write(g->rec_fd, line, n) < 0 && errno == EINTR)
		;
}

/* The test is over: end the cell first, then say how it ended. */
void
grade_record_end(struct grade *g, enum grade_status s, const char *reason)
{
	void (*fn)(struct grade *, void *) = g->end_fn;

	/* The test decided: its watcher ends it no more (however long the
	 * cell takes to close on a busy machine). */
	grade_sched_stop(g);
	g->end_fn = NULL; /* once, even if fn ends the test itself */
	if (fn != NULL)
		fn(g, g->end_arg);
	if (g->cell != NULL) {
		cell_close(g->cell);
		g->cell = NULL;
	}
	if (reason != NULL)
		grade_record(g, "reason", reason);
	grade_record(g, "status", grade_status_key(s));
}

void
grade_explain(struct grade *g, const char *fmt, ...)
{
	char buf[GRADE_LINE_MAX];
	va_list ap;

	if (g->nexplain >= GRADE_EXPLAIN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	g->nexplain++;
	grade_record(g, "explain", buf);
}

/*
 * How late a timer in the test's cell may wake before a failure is no
 * longer the submission's: GRADE_BUSY_MS for a timing test (its checks
 * hold the programs to deadlines of that order); for any other test
 * the shortest wait its peers allow (a reply within PEER_TIMEOUT_MS):
 * less delay than that cannot change what it checks, and its failures
 * stay the submission's however busy the machine.
 */
static int
grade_busy_ms(const struct grade *g)
{
	return g->test != NULL && (g->test->needs & NEED_TIMING)
	           ? GRADE_BUSY_MS
	           : PEER_TIMEOUT_MS;
}

/*
 * The test failed while a timer in its cell woke later than the test
 * tolerates (grade_busy_ms): the machine, not the submission, may be
 * the cause (the reference fails too under such delays).  A grader
 * error, retried once.
 */
static void __attribute__((noreturn))
grade_busy(struct grade *g, const char *failure)
{
	char buf[GRADE_LINE_MAX];

	grade_explain(g, _("the failure seen, not counted: %s"), failure);
	snprintf(buf, sizeof buf,
	    _("grader: this machine was too busy to run the test fairly (a "
	      "timer in the test's cell woke %.0f ms late; the test tolerates "
	      "%d ms): not counted against the submission"),
	    grade_sched_late_ms(g), grade_busy_ms(g));
	grade_record(g, "busy", "1");
	grade_record_end(g, GS_ERROR, buf);
	ck_abort_msg("%s", buf);
	_exit(1); /* not reached */
}

static void __attribute__((noreturn))
grade_vfail(struct grade *g, const char *fmt, va_list ap)
{
	char buf[GRADE_LINE_MAX];

	vsnprintf(buf, sizeof buf, fmt, ap);
	if (grade_sched_late_ms(g) > grade_busy_ms(g))
		grade_busy(g, buf);
	if (g->fail_run != NULL && !g->fail_shown)
		grade_student(g, g->fail_role, g->fail_run);
	grade_record_end(g, GS_FAILED, buf);
	ck_abort_msg("%s", buf);
	_exit(1); /* not reached: Check ends the test child */
}

void
grade_fail(struct grade *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	grade_vfail(g, fmt, ap);
}

void
grade_check(struct grade *g, int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return;
	va_start(ap, fmt);
	grade_vfail(g, fmt, ap);
}

/* Not the program's doing: the machine the grader runs on cannot run
 * this check, so it is left out of the maximum (rubric: count_not_here). */
void
grade_not_here(struct grade *g, const char *why)
{
	grade_record(g, "here", "0");
	grade_not_run(g, why);
}

void
grade_not_run(struct grade *g, const char *why)
{
	grade_record_end(g, GS_NOT_RUN, why);
	/* Check counts an exit(0) in fork mode as a pass; the record says
	 * "not run", and the record is what the reports read. */
	_exit(0);
}

void
grade_error(struct grade *g, const char *fmt, ...)
{
	char buf[GRADE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	grade_record_end(g, GS_ERROR, buf);
	ck_abort_msg("%s", buf);
	_exit(1); /* not reached */
}

void
grade_repro(struct grade *g, const char *fmt, ...)
{
	char buf[GRADE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	grade_record(g, "repro", buf);
}

/* Bytes [from, from + 24) of p as hex, the byte at mark in brackets. */
static void
grade_hexline(
    char *buf, size_t cap, const unsigned char *p, size_t n, size_t mark)
{
	size_t from = mark > 8 ? mark - 8 : 0, i, len = 0;

	len += (size_t)snprintf(buf, cap, "@%zu:", from);
	for (i = from; i < n && i < from + 24 && len + 8 < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    i == mark ? " [%02x]" : " %02x", p[i]);
	if (mark >= n && len + 16 < cap)
		len += (size_t)snprintf(buf + len, cap - len, " [end]");
	if (len + 4 < cap)
		len += (size_t)snprintf(buf + len, cap - len, "  \"");
	for (i = from; i < n && i < from + 24 && len + 4 < cap; i++)
		buf[len++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	if (len + 2 < cap)
		buf[len++] = '"';
	buf[len < cap ? len : cap - 1] = '\0';
}

void
grade_bytes(struct grade *g, const char *what, const void *want, size_t wn,
    const void *got, size_t gn)
{
	const unsigned char *w = want, *o = got;
	char line[256];
	size_t i;

	for (i = 0; i < wn && i < gn && w[i] == o[i]; i++)
		;
	if (i == wn && i == gn)
		return;
	grade_explain(g,
	    _("%s: expected %zu bytes, got %zu; first difference "
	      "at byte %zu"),
	    what, wn, gn, i);
	grade_hexline(line, sizeof line, w, wn, i);
	grade_explain(g, _("  expected %s"), line);
	grade_hexline(line, sizeof line, o, gn, i);
	grade_explain(g, _("  got      %s"), line);
	if (i < wn && i < gn)
		grade_fail(g, _("%s: byte %zu is 0x%02x, expected 0x%02x"),
		    what, i, o[i], w[i]);
	grade_fail(g, _("%s: %zu bytes, expected %zu"), what, gn, wn);
}

static int
grade_copy(int from, int to)
{
	char buf[16384];
	ssize_t n;

	while ((n = read(from, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(to, buf, (size_t)n) != n)
			return -1;
	}
	return 0;
}

/* The cell's folder goes when the cell closes: keep a copy of the trace
 * in the results folder, which the parent reads. */
void
grade_trace(struct grade *g, const char *pcap_path)
{
	char name[128], path[PATH_MAX];
	int in, out, rc;

	snprintf(name, sizeof name, "%s.pcap", g->test->name);
	in = open(pcap_path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		grade_explain(g, _("(no packet trace: %s: %s)"), pcap_path,
		    strerror(errno));
		return;
	}
	out = openat(
	    g->dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	rc = out < 0 ? -1 : grade_copy(in, out);
	close(in);
	if (out >= 0)
		close(out);
	if (rc < 0)
		return;
	snprintf(path, sizeof path, "%s/%s", g->results, name);
	grade_record(g, "trace", path);
}

/* The last GRADE_TAIL_BYTES of a program's output, NULs made visible. */
static void
grade_tail(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i, len = 0,
	          from = n > GRADE_TAIL_BYTES ? n - GRADE_TAIL_BYTES : 0;

	if (from > 0)
		len += (size_t)snprintf(dst, cap, "[...] ");
	for (i = from; i < n && len + 3 < cap; i++) {
		if (s[i] == '\0') {
			dst[len++] = '\\';
			dst[len++] = '0';
		} else {
			dst[len++] = s[i];
		}
	}
	dst[len] = '\0';
}

/*
 * How it ended, beyond outcome and status: the signal it died of (from
 * the raw wait status: RUN_MEMORY and RUN_TIMEOUT keep an exit code or a
 * signal in status), whether RLIMIT_CPU rather than our clock ended a
 * RUN_TIMEOUT (the kernel's SIGXCPU, or its SIGKILL at the hard limit:
 * run.c sets killed whenever it sends SIGKILL itself), and its limits,
 * so the report can say which one it hit.
 */
static void
grade_end_fields(const struct run *r, struct report_student *s)
{
	memset(s, 0, sizeof *s);
	s->kind = (int)r->outcome;
	s->status = r->status;
	if (r->outcome == RUN_SIGNALED)
		s->signal = r->status;
	else if (r->wstatus != 0 && WIFSIGNALED(r->wstatus))
		s->signal = WTERMSIG(r->wstatus);
	s->cpu_limit =
	    r->outcome == RUN_TIMEOUT &&
	    (s->signal == SIGXCPU || (s->signal == SIGKILL && r->killed == 0));
	s->wall_ms = r->lim.wall_ms;
	s->cpu_s = r->lim.cpu_s;
	s->mem_mb = r->lim.mem_mb;
	s->out_cap = r->lim.out_cap;
}

void
grade_outcome(const struct run *r, char *buf, size_t len)
{
	struct report_student s;

	grade_end_fields(r, &s);
	report_student_outcome(&s, buf, len);
}

static void
grade_student_end(struct grade *g, const struct run *r)
{
	struct report_student s;
	char num[128];

	grade_end_fields(r, &s);
	snprintf(num, sizeof num, "%d %d %d %d %ld %zu", s.signal, s.cpu_limit,
	    s.wall_ms, s.cpu_s, s.mem_mb, s.out_cap);
	grade_record(g, "student.end", num);
}

void
grade_at_end(struct grade *g, void (*fn)(struct grade *, void *), void *arg)
{
	g->end_fn = fn;
	g->end_arg = arg;
}

void
grade_student_on_fail(struct grade *g, const char *role, const struct run *r)
{
	g->fail_role = role;
	g->fail_run = r;
	g->fail_shown = 0;
}

void
grade_student(struct grade *g, const char *role, const struct run *r)
{
	char buf[GRADE_TAIL_BYTES * 2 + 16], num[32];

	if (r == g->fail_run) {
		if (g->fail_shown)
			return; /* its block is in the record already */
		g->fail_shown = 1;
	}
	if (g->nstudent >= GRADE_STUDENTS_MAX)
		return;
	g->nstudent++;
	grade_record(g, "student", role);
	grade_record(g, "student.cmd", r->cmdline);
	snprintf(num, sizeof num, "%d %d", (int)r->outcome, r->status);
	grade_record(g, "student.outcome", num);
	grade_student_end(g, r);
	grade_tail(buf, sizeof buf, r->err != NULL ? r->err : "", r->err_len);
	grade_record(g, "student.err", buf);
	grade_tail(buf, sizeof buf, r->out != NULL ? r->out : "", r->out_len);
	grade_record(g, "student.out", buf);
}

static char *
grade_strdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static void
grade_read_student(struct report_test *t, const char *key, const char *v)
{
	struct report_student *s;
	int kind = 0, status = 0;

	if (strcmp(key, "student") == 0) {
		if (t->nstudent >= GRADE_STUDENTS_MAX)
			return;
		s = &t->student[t->nstudent++];
		memset(s, 0, sizeof *s);
		s->role = grade_strdup(v);
		return;
	}
	if (t->nstudent == 0)
		return;
	s = &t->student[t->nstudent - 1];
	if (strcmp(key, "student.cmd") == 0 && s->cmdline == NULL) {
		s->cmdline = grade_strdup(v);
	} else if (strcmp(key, "student.outcome") == 0 && s->outcome == NULL) {
		sscanf(v, "%d %d", &kind, &status);
		s->kind = kind;
		s->status = status;
		s->outcome =
		    grade_strdup(run_outcome_name((enum run_outcome)kind));
	} else if (strcmp(key, "student.end") == 0) {
		sscanf(v, "%d %d %d %d %ld %zu", &s->signal, &s->cpu_limit,
		    &s->wall_ms, &s->cpu_s, &s->mem_mb, &s->out_cap);
	} else if (strcmp(key, "student.err") == 0 && s->err_tail == NULL) {
		s->err_tail = grade_strdup(v);
	} else if (strcmp(key, "student.out") == 0 && s->out_tail == NULL) {
		s->out_tail = grade_strdup(v);
	}
}

static void
grade_read_explain(struct report_test *t, const char *v)
{
	char **n;

	n = realloc(t->explain, (t->nexplain + 1) * sizeof *n);
	if (n == NULL)
		abort();
	t->explain = n;
	t->explain[t->nexplain++] = grade_strdup(v);
}

static void
grade_set(char **field, const char *v)
{
	free(*field);
	*field = grade_strdup(v);
}

/* Read one record into t.  Returns a mask: 1 a status was recorded,
 * 2 the runner recorded Check's verdict (check_rtype, check_msg), 4 the
 * test's watcher saw the machine too busy ("late"), 8 the grader's own
 * steps waited too long for a CPU before Check's timeout ("starved"),
 * 16 the watcher ended the test at its budget ("overrun"). */
int
grade_record_read(const char *path, struct report_test *t, int *check_rtype,
    char *check_msg, size_t msglen)
{
	static char line[GRADE_LINE_MAX * 4 + 64];
	char *v;
	int seen = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		v = strchr(line, ' ');
		if (v == NULL)
			continue;
		*v++ = '\0';
		grade_unescape(v);
		if (strcmp(line, "status") == 0) {
			t->status = grade_status_parse(v);
			seen |= 1;
		} else if (strcmp(line, "reason") == 0) {
			grade_set(&t->reason, v);
		} else if (strcmp(line, "explain") == 0) {
			grade_read_explain(t, v);
		} else if (strcmp(line, "repro") == 0) {
			grade_set(&t->repro, v);
		} else if (strcmp(line, "trace") == 0) {
			grade_set(&t->trace_pcap, v);
		} else if (strcmp(line, "late") == 0) {
			seen |= 4; /* a timer woke over GRADE_BUSY_MS late */
		} else if (strcmp(line, "starved") == 0) {
			seen |= 8; /* engine_starved(): the grader's CPU wait */
		} else if (strcmp(line, "overrun") == 0) {
			seen |= 16; /* the watcher ended it at its budget */
		} else if (strcmp(line, "cell") == 0) {
			grade_set(&t->cell_note, v);
		} else if (strcmp(line, "limits") == 0) {
			grade_set(&t->limits_note, v);
		} else if (strcmp(line, "here") == 0) {
			t->not_here = 1;
		} else if (strcmp(line, "check") == 0) {
			*check_rtype = atoi(v);
			v = strchr(v, ' ');
			snprintf(
			    check_msg, msglen, "%s", v != NULL ? v + 1 : "");
			seen |= 2;
		} else if (strncmp(line, "student", 7) == 0) {
			grade_read_student(t, line, v);
		}
	}
	fclose(f);
	return seen;
}
