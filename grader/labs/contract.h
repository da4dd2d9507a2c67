/*
 * The labs' contracts in one place: their numbers, the pinger's output
 * lines (one parser, for the grader and for the contract suites), and
 * every contract line with an id and the tests that exercise it, from
 * which the traceability table of grader/labs/CONTRACT.md is generated.
 *
 * Interface:
 *	ping_parse(out, len, po)     parse a pinger client's stdout: each
 *	                             line's form into po; po->bad_no is the
 *	                             first line in no contract form, po->why
 *	                             the first disagreement among the lines
 *	                             (order, seq, summary, rtt line)
 *	contract_lines(lab, &n)      the contract lines of a lab, by name
 *	                             (its folder's table, from the registry:
 *	                             struct grade_lab), NULL if it has none
 *	contract_table(f, lab)       the traceability table as Markdown
 *	contract_window(buf, n)      "contract: 1.000-1.050 s; accepted here:
 *	                             0.99-1.25 s" for messages
 */
#ifndef CONTRACT_H
#define CONTRACT_H

#include <stddef.h>
#include <stdio.h>

/* The contract's numbers (handouts, section 3) */
#define CONTRACT_DEADLINE_MS 1000    /* a ping waits 1 s for its reply */
#define CONTRACT_DEADLINE_LO_S 1.000 /* the wait ends between ... */
#define CONTRACT_DEADLINE_HI_S 1.050 /* ... and this after the send */
#define CONTRACT_COUNT_MIN 1         /* COUNT: 1 to 1000 */
#define CONTRACT_COUNT_MAX 1000
#define CONTRACT_COUNT_DEFAULT 10
#define CONTRACT_PAYLOAD_MAX 1024 /* lab 1: datagram payload, 0..1024 */
#define CONTRACT_LINE_MAX 1024    /* lab 2: bytes of a line before '\n' */
#define CONTRACT_PORT_MIN 1
#define CONTRACT_PORT_MAX 65535
#define CONTRACT_EXIT_OK 0    /* done */
#define CONTRACT_EXIT_FAIL 1  /* a failure at run time */
#define CONTRACT_EXIT_USAGE 2 /* bad arguments */

/* A number above as text, to build the phrases a handout must state:
 * CONTRACT_STR(CONTRACT_LINE_MAX) is "1024". */
#define CONTRACT_STR_(x) #x
#define CONTRACT_STR(x) CONTRACT_STR_(x)

/* What the grader accepts for the wait on a machine that may be busy: a
 * timer fires late, never early (the low end allows the clocks' skew
 * between a capture and a program). */
#define CONTRACT_ACCEPT_LO_S 0.99
#define CONTRACT_ACCEPT_HI_S 1.25

/* The pinger's stdout */
#define PING_MAX_LINES CONTRACT_COUNT_MAX

enum ping_kind {
	PL_REPLY,  /* reply from A seq=N rtt=X ms: PING N */
	PL_TIMEOUT /* seq=N timeout */
};

struct ping_line {
	enum ping_kind kind;
	int seq;
	char from[80]; /* "127.0.0.1:12000" / "[::1]:12000" as printed */
	char ip[64];   /* the address without [] */
	int port;
	double rtt_ms;
};

struct ping_out {
	struct ping_line line[PING_MAX_LINES];
	int nline;
	int have_summary;
	int sent, received, loss;
	int have_rtt;
	double rtt_min, rtt_avg, rtt_max;
	char bad[160]; /* the first line in no contract form */
	int bad_no;    /* its line number (1-based), 0 if none */
	char why[256]; /* the first disagreement among the lines */
	int why_no;    /* its line number, 0 if none */
};

void ping_parse(const char *out, size_t len, struct ping_out *po);

/* One line of a lab's contract and what exercises it. */
#define CONTRACT_MAX_REFS 8

struct contract_line {
	const char *id;                       /* "udp_server.echo" */
	const char *text;                     /* the line, as in the handout */
	const char *tests[CONTRACT_MAX_REFS]; /* labgrade tests of the lab */
	const char *suite[CONTRACT_MAX_REFS]; /* contract suite tests,
	                                       * "check_lab1:test_fn" */
	const char
	    *broken[CONTRACT_MAX_REFS]; /* grader/labs/LAB/broken/NAME.edit */
};

const struct contract_line *contract_lines(const char *lab, size_t *n);
int contract_table(FILE *f, const char *lab);
const char *contract_window(char *buf, size_t n);

#endif
