/*
 * What a graded test is, and what a test may call.  A lab (struct
 * grade_lab, one per folder grader/labs/NAME/, listed by the registry in
 * lab.h) is its programs and a table of struct grade_test; the engine
 * (engine.c) turns each
 * entry into a Check test, runs it in a fresh cell inside Check's forked
 * child, and reads back the record the test left.
 *
 * Interface for tests:
 *	grade_cell(g), grade_sub(g), grade_seed(g)   what the test works on
 *	grade_test_name(g)           the running test's name (a test shared
 *	                             by table rows finds its row by it)
 *	grade_explain(g, fmt, ...)   a line of the report: what was sent,
 *	                             what was expected, what came back
 *	grade_check(g, cond, fmt, ...)  fail with the reason unless cond
 *	grade_fail(g, fmt, ...)      fail now with the reason (no return)
 *	grade_bytes(g, what, want, wn, got, gn)  compare two byte strings;
 *	                             on a difference fail with a hex dump at
 *	                             the first differing byte
 *	grade_not_run(g, why)        this check cannot run (no return)
 *	grade_not_here(g, why)       ... because of where the grader runs
 *	                             (no namespaces, no IPv6 loopback): left
 *	                             out of the maximum unless the rubric
 *	                             says 'option count_not_here'
 *	grade_error(g, fmt, ...)     the grader itself failed (labpeer would
 *	                             not start, a capture broke): reported as
 *	                             a grader error, never as the student's
 *	                             failure (no return)
 *	grade_repro(g, fmt, ...)     the labpeer command that reproduces it
 *	grade_trace(g, pcap)         the test's capture: printed as labsniff
 *	                             prints it when the test fails or with -v
 *	grade_student(g, role, r)    the student's program as it ended: exit
 *	                             status or signal, stderr tail, outcome
 *	                             (timed out, killed for memory/output)
 *	grade_student_on_fail(g, role, r)  show r's block (as grade_student)
 *	                             if the test fails, whatever check fails
 *	grade_at_end(g, fn, arg)     fn(g, arg) once when the test ends (a
 *	                             failure anywhere), before its cell
 *	                             closes; fn NULL: nothing
 *	grade_late_ms(g)             how long (ms) a judged program has
 *	                             waited for a CPU, at most GRADE_BUSY_MS:
 *	                             what a timing check adds to its
 *	                             tolerance
 *	grade_note_delay(g, ms)      a judged program's CPU wait so far
 *	grade_outcome(r, buf, n)     how r ended, in the reports' words
 *	                             ("killed by the grader after 4 s (this
 *	                             test's limit for the program)")
 */
#ifndef GRADE_H
#define GRADE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/i18n.h"
#include "cell.h"

enum grade_status {
	GS_PASSED,
	GS_FAILED,        /* the submission broke the contract */
	GS_TIMEOUT,       /* the test or a student program ran out of time */
	GS_CRASHED,       /* a student program died of a signal */
	GS_KILLED_MEMORY, /* ... at its memory limit */
	GS_KILLED_OUTPUT, /* ... for printing too much */
	GS_NOT_RUN,       /* a prerequisite failed, or not possible here */
	GS_ERROR          /* the grader itself failed: never a score */
};

/* The roles a lab's program can play (the scenario helpers know how to
 * drive each); a lab has any number of programs, each with one role. */
enum grade_role {
	ROLE_SERVER, /* started first, waited for, then driven by peers */
	ROLE_CLIENT  /* run against a reference or student server */
};

#define GRADE_PROGRAMS_MAX 8 /* programs of one lab */

/* The submission under grading, after the build step. */
struct grade_sub {
	const char *lab; /* the lab's name */
	const char *src; /* the submission folder as given */
	const char *bin; /* private build folder */
	const char *prog[GRADE_PROGRAMS_MAX]; /* each program of the lab
	                                       * (same index), built: its
	                                       * absolute path, or NULL */
	const char *server;   /* the lab's first ROLE_SERVER program, or NULL */
	const char *client;   /* the lab's first ROLE_CLIENT program, or NULL */
	const char *labpeer;  /* absolute path of labpeer */
	const char *labsniff; /* absolute path of labsniff (for traces) */
	const char *makefile; /* the kit's Makefile of the lab: a repro's
	                       * build hint never runs the student's */
	uint64_t seed;        /* --seed: all fault injection derives from it */
	int force_fallback;   /* run without namespaces (tests, --no-cell) */
	int unsafe;           /* --unsafe-no-sandbox: fallback as our own uid */
	const char *kit;      /* the kit's folder (its reference solutions) */
	int verbose;          /* -v */
};

enum grade_needs {
	NEED_SERVER = 1 << ROLE_SERVER, /* every ROLE_SERVER program built */
	NEED_CLIENT = 1 << ROLE_CLIENT, /* every ROLE_CLIENT program built */
	NEED_NS = 4,    /* cannot run in fallback mode (not run there) */
	NEED_TIMING = 8 /* timing-sensitive: a CPU share of its own */
};

struct grade;
struct contract_line;

struct grade_test {
	const char *name;    /* rubric key, [a-z0-9_]+, unique in the lab */
	const char *summary; /* one line, for --list and the reports */
	unsigned needs;      /* enum grade_needs */
	const char *after;   /* prerequisite test name, or NULL: when it
	                      * does not pass this one is "not run" */
	int budget_s;        /* Check timeout for the whole test */
	void (*run)(struct grade *g);
};

/* One program of a lab: what make builds from which of the submission's
 * files. */
struct grade_program {
	const char *name;     /* the binary, e.g. "udp_server" */
	enum grade_role role; /* what the tests do with it */
	const char *const
	    *sources; /* its .c files in a submission (NULL-ended) */
};

/* A lab, as its folder grader/labs/NAME/ declares it (NAME.c): the
 * handout is labs/NAME/, the references and the kit's Makefile for it
 * solutions/NAME/, the points grader/labs/NAME/NAME.rubric. */
struct grade_lab {
	const char *name;  /* the folders' name, e.g. "lab1-udp" */
	const char *title; /* one line, e.g. "Lab 1: a UDP pinger" */
	const struct grade_program *programs;
	size_t nprograms; /* at most GRADE_PROGRAMS_MAX */
	const char
	    *peers; /* the labpeer kinds its tests run, space-separated */
	const struct grade_test *tests;
	size_t ntests;
	/* Its contract (grader/labs/contract.h): each line of the handout's
	 * contract with the tests that hold it, and the phrases (built from
	 * contract.h's numbers) its handout must state, NULL-ended. */
	const struct contract_line *contract;
	size_t ncontract;
	const char *const *handout_says;
	const void *data; /* its tests' template data (pinger.h), or NULL */
};

/* A lab's hidden tests (grader/labs/LAB/hidden/LAB-hidden.c defines
 * `const struct grade_hidden LAB_hidden`, '_' for '-'): the registry
 * adds them to the lab's tests; the student kit leaves the folder out. */
struct grade_hidden {
	const struct grade_test *tests;
	size_t ntests;
};

struct cell *grade_cell(struct grade *g);
const struct grade_sub *grade_sub(struct grade *g);
uint64_t grade_seed(struct grade *g);
const char *grade_test_name(struct grade *g);

void grade_explain(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void grade_check(struct grade *g, int cond, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void grade_fail(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void grade_bytes(struct grade *g, const char *what, const void *want, size_t wn,
    const void *got, size_t gn);
void grade_not_run(struct grade *g, const char *why) __attribute__((noreturn));
void grade_not_here(struct grade *g, const char *why) __attribute__((noreturn));
void grade_error(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void grade_repro(struct grade *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void grade_trace(struct grade *g, const char *pcap_path);
void grade_student(struct grade *g, const char *role, const struct run *r);
void grade_at_end(
    struct grade *g, void (*fn)(struct grade *g, void *arg), void *arg);
void grade_student_on_fail(
    struct grade *g, const char *role, const struct run *r);
void grade_outcome(const struct run *r, char *buf, size_t len);
double grade_late_ms(struct grade *g);
void grade_note_delay(struct grade *g, double ms);

#endif
