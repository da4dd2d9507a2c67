/*
 * Helpers shared by the lab contract suites (check_lab1.c, check_lab2.c,
 * check_skeletons.c): read a pinger's output line by line against the
 * contract, start a server on a free port, give a test its own /etc/hosts.
 *
 * Interface:
 *	labtest_parse(text, o)   parse a client's stdout; 0 if every line
 *	                         has a contract form and they agree, else -1
 *	                         with the reason in o->why
 *	labtest_server(p, argv0, type, &port)  start "argv0 PORT" on a free
 *	                         port and wait until it is bound/listening
 *	labtest_server_via(p, wrapper, argv0, type, &port)  the same, run
 *	                         through a wrapper program (NULL: none)
 *	labtest_hosts(text)      private mount namespace whose /etc/hosts
 *	                         holds text (for 'localhost' tests); -1 if
 *	                         the host does not allow one
 *	labtest_first_addr(name, type, buf, len)  the address getaddrinfo
 *	                         gives first for name, numeric
 *	labtest_lines(text)      number of '\n'-terminated lines in text
 *	labtest_line(text, i, buf, len)  copy line i (0-based) without '\n'
 *	labtest_prog(lab, name)  path of program name of lab ("lab1-udp"):
 *	                         in $LABTEST_LAB1 (the name's part before
 *	                         '-', upper case) if set, else in
 *	                         solutions/LAB/, so the suites can check any
 *	                         folder
 */
#ifndef LABTEST_H
#define LABTEST_H

#include <stddef.h>

#include "harness.h"

#include "grader/labs/contract.h"

#define LABTEST_MAX_PINGS CONTRACT_COUNT_MAX /* COUNT is 1..1000 */
#define LABTEST_START_MS 3000 /* a server must be ready within this */

struct labtest_ping {
	int seq;
	int replied; /* 1 "reply from", 0 "seq=N timeout" */
	char ip[64]; /* replies: address as printed, no [] */
	int port;
	double rtt; /* ms */
};

struct labtest_out {
	int npings;
	struct labtest_ping ping[LABTEST_MAX_PINGS];
	int summary; /* the "sent, received, loss" line is there */
	int sent, received, loss;
	int rtt_line; /* the "rtt min/avg/max" line is there */
	double min, avg, max;
	char why[256]; /* first disagreement with the contract */
};

int labtest_parse(const char *text, struct labtest_out *o);
int labtest_server(struct proc *p, const char *argv0, int type, int *port);
int labtest_server_via(struct proc *p, const char *wrapper, const char *argv0,
    int type, int *port);
int labtest_hosts(const char *text);
int labtest_first_addr(const char *name, int type, char *buf, size_t len);
int labtest_lines(const char *text);
int labtest_line(const char *text, int i, char *buf, size_t len);
const char *labtest_prog(const char *lab, const char *name);

#endif
