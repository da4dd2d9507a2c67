/*
 * Scenario helpers for the lab tests: start the student's programs and
 * labpeer in the test's cell, capture the traffic, and hold a pinger
 * client's printed lines against the contract.
 */
/* _GNU_SOURCE: memmem() */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "param.h"
#include "scenario.h"

#define SCEN_SHOW_LINES 12       /* lines of a client's stdout quoted */
#define SCEN_USAGE_MS 2000       /* a bad command line must end by then */
#define SCEN_PUMP_MS 10          /* other runs' output is read this often */
#define SCEN_PEER_OUT (16 << 20) /* bytes of labpeer's log kept */
#define SCEN_ALIVE_MS 20         /* scen_alive: a look at a run */
#define SCEN_HOLD_MS 1000        /* scen_tcp_hold: wait for the reply */
#define SCEN_SIGNAL_MS 2000      /* a server must end this soon after SIGTERM */

/* Runs live here, not on a test's stack: the cell keeps pointers to them
 * until the engine closes it, after the test function has returned. */
static struct run scen_runs[CELL_MAX_RUNS];
static int scen_nruns;

struct run *
scen_run(void)
{
	static struct run spare;

	if (scen_nruns < CELL_MAX_RUNS)
		return &scen_runs[scen_nruns++];
	memset(&spare, 0, sizeof spare);
	return &spare;
}

/* How long r has waited, runnable, for a CPU (its schedstat): on a busy
 * machine its printed timings may be that much off. */
static void
scen_note_delay(struct grade *g, const struct run *r)
{
	unsigned long long run, wait;
	char path[64];
	FILE *f;

	if (r->pid <= 0)
		return;
	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)r->pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fscanf(f, "%llu %llu", &run, &wait) == 2)
		grade_note_delay(g, (double)wait / 1e6);
	fclose(f);
}

/*
 * Wait for r to end (or ms to pass) while reading the output of every
 * other run of the test: a program whose stdout pipe fills up blocks,
 * and a server that logs a line per request would stop serving.
 */
static void
scen_wait(struct grade *g, struct run *r, int ms)
{
	double until = scen_now() + ms / 1000.0;
	int i;

	for (;;) {
		double left = until - scen_now();

		if (g != NULL)
			scen_note_delay(g, r);
		if (run_wait(r, left < SCEN_PUMP_MS / 1000.0
		                    ? (int)(left * 1000.0) + 1
		                    : SCEN_PUMP_MS) != 1 ||
		    left <= 0)
			return;
		for (i = 0; i < scen_nruns; i++)
			if (&scen_runs[i] != r && scen_runs[i].pid > 0 &&
			    scen_runs[i].outcome == RUN_RUNNING)
				run_wait(&scen_runs[i], 1);
	}
}

static const char *
type_word(int type)
{
	return type == SOCK_STREAM ? _("listening (TCP)") : _("bound (UDP)");
}

/* grade_outcome()'s words after "the program ...": "exited with status
 * 1", but "was killed by the grader after 2 s". */
static int
starts(const char *s, const char *word)
{
	return strncmp(s, word, strlen(word)) == 0;
}

static const char *
was(const char *how)
{
	/* TRANSLATORS: "killed" and "stopped" are the first words of the
	 * outcomes ("killed by the grader after 2 s") that read as "was
	 * ..." after "the program"; translate them as those outcomes begin. */
	if (starts(how, _("killed")) || starts(how, _("stopped")))
		return _("was ");
	return starts(how, "killed") || starts(how, "stopped") ||
	               starts(how, "still")
	           ? "was "
	           : "";
}

void
scen_server(struct grade *g, struct run *r, int type, int port)
{
	scen_server_limits(g, r, type, port, NULL);
}

void
scen_server_limits(struct grade *g, struct run *r, int type, int port,
    const struct run_limits *limits)
{
	const struct grade_sub *s = grade_sub(g);
	struct run_limits lim = {0};
	char pbuf[16], how[256];
	char *argv[3];

	if (s->server == NULL)
		grade_not_run(g, _("the server did not build"));
	snprintf(pbuf, sizeof pbuf, "%d", port);
	argv[0] = (char *)s->server;
	argv[1] = pbuf;
	argv[2] = NULL;
	if (limits != NULL)
		lim = *limits;
	if (run_start(grade_cell(g), r, argv, &lim) < 0)
		grade_error(g,
		    _("grader: could not start the server (%s %s): %s (not "
		      "the program's doing)"),
		    s->server, pbuf, strerror(errno));
	if (cell_wait_port(grade_cell(g), type, port, r, CELL_READY_MS) == 0) {
		grade_student_on_fail(g, "server", r);
		return;
	}
	if (r->outcome == RUN_RUNNING)
		run_stop(r);
	grade_student(g, "server", r);
	grade_explain(g, _("ran: ./%s %d"),
	    strrchr(s->server, '/') ? strrchr(s->server, '/') + 1 : s->server,
	    port);
	grade_outcome(r, how, sizeof how);
	grade_fail(g,
	    _("the server was not %s on port %d within %d ms "
	      "(it %s%s)"),
	    type_word(type), port, CELL_READY_MS,
	    r->outcome == RUN_STOPPED ? "" : was(how),
	    r->outcome == RUN_STOPPED ? _("was still running") : how);
}

static void
build_argv(char **argv, const char *prog, const char *const args[])
{
	int i;

	argv[0] = (char *)prog;
	for (i = 0; args[i] != NULL && i < SCEN_ARGS_MAX - 2; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
}

void
scen_client_bin(struct grade *g, struct run *r, const char *bin,
    const char *const args[], int wall_ms)
{
	struct run_limits lim = {0};
	char *argv[SCEN_ARGS_MAX];

	build_argv(argv, bin, args);
	lim.wall_ms = wall_ms;
	if (run_start(grade_cell(g), r, argv, &lim) < 0)
		grade_error(g,
		    _("grader: could not start %s: %s (not the program's "
		      "doing)"),
		    bin, strerror(errno));
	scen_wait(g, r, wall_ms + RUN_STOP_GRACE_MS);
	if (r->outcome == RUN_RUNNING) {
		run_stop(r);
		r->outcome = RUN_TIMEOUT;
	}
}

void
scen_client(
    struct grade *g, struct run *r, const char *const args[], int wall_ms)
{
	const struct grade_sub *s = grade_sub(g);

	if (s->client == NULL)
		grade_not_run(g, _("the client did not build"));
	scen_client_bin(g, r, s->client, args, wall_ms);
	/* Whatever check fails next (the wire's too), the report shows
	 * how the client ended and what it printed. */
	grade_student_on_fail(g, "client", r);
}

void
scen_peer(struct grade *g, struct run *r, int type, int port,
    const char *const args[])
{
	const struct grade_sub *s = grade_sub(g);
	struct run_limits lim = {0};
	char *argv[SCEN_ARGS_MAX];

	build_argv(argv, s->labpeer, args);
	lim.trusted = 1;
	lim.out_cap = SCEN_PEER_OUT; /* its log: two lines per request */
	if (run_start(grade_cell(g), r, argv, &lim) < 0)
		grade_error(
		    g, _("grader: could not start labpeer (%s)"), s->labpeer);
	if (port <= 0 ||
	    cell_wait_port(grade_cell(g), type, port, r, CELL_READY_MS) == 0)
		return;
	if (r->outcome == RUN_RUNNING)
		run_stop(r);
	grade_explain(g, _("labpeer said: %.200s"), r->err ? r->err : "");
	grade_error(g, _("grader: labpeer was not %s on port %d (%s)"),
	    type_word(type), port, r->cmdline);
}

static void
join_args(char *buf, size_t n, const char *const args[])
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; args[i] != NULL && len + 1 < n; i++)
		len += (size_t)snprintf(
		    buf + len, n - len, "%s%s", i ? " " : "", args[i]);
}

/*
 * The report's repro: a background command (a server), then the one
 * whose behaviour the test judges, never racing it: labpeer's servers
 * return once they listen (--background, then "&&"); a student's server
 * goes to the background with "&" and labpeer waits for its port.
 */
static char scen_bg[400];
static int scen_bg_type; /* 0: a labpeer --background; else the socket
                          * type of the student's server */
static int scen_bg_port;

void
scen_repro_bg(struct grade *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(scen_bg, sizeof scen_bg, fmt, ap);
	va_end(ap);
	scen_bg_type = 0;
	grade_repro(g, "%s", scen_bg);
}

/* The background command is the student's server on port. */
static void
scen_repro_server(struct grade *g, int type, int port, const char *cmd)
{
	scen_repro_bg(g, "%s", cmd);
	scen_bg_type = type;
	scen_bg_port = port;
}

void
scen_repro_fg(struct grade *g, const char *fmt, ...)
{
	char cmd[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (scen_bg[0] == '\0')
		grade_repro(g, "%s", cmd);
	else if (scen_bg_type == 0)
		grade_repro(g, "%s && %s", scen_bg, cmd);
	else if (strncmp(cmd, "labpeer ", 8) == 0)
		grade_repro(g, "%s & %.*s --wait-server %d%s", scen_bg,
		    (int)strcspn(cmd, ";"), cmd, CELL_READY_MS,
		    cmd + strcspn(cmd, ";"));
	else
		grade_repro(g, "%s & labpeer wait-for %s %d && %s", scen_bg,
		    scen_bg_type == SOCK_STREAM ? "tcp" : "udp", scen_bg_port,
		    cmd);
}

void
scen_repro(struct grade *g, const char *student, const char *const args[])
{
	char buf[400];
	int type = args[0] != NULL && strncmp(args[0], "tcp", 3) == 0
	               ? SOCK_STREAM
	               : SOCK_DGRAM;

	join_args(buf, sizeof buf, args);
	if (student == NULL) {
		scen_repro_bg(g, "labpeer %s --background", buf);
		return;
	}
	scen_repro_server(
	    g, type, args[2] != NULL ? atoi(args[2]) : 0, student);
	scen_repro_fg(g, "labpeer %s", buf);
}

void
scen_peer_args(struct grade *g, const char *server, int port, const char *kind,
    const char *host, const char *const extra[],
    const char *args[SCEN_ARGS_MAX], char pbuf[SCEN_PORT_TEXT])
{
	char cmd[64];
	int i;

	snprintf(pbuf, SCEN_PORT_TEXT, "%d", port);
	args[0] = kind;
	args[1] = host;
	args[2] = pbuf;
	for (i = 0; extra[i] != NULL && i + 4 < SCEN_ARGS_MAX; i++)
		args[3 + i] = extra[i];
	args[3 + i] = NULL;
	snprintf(cmd, sizeof cmd, "./%s %d", server, port);
	scen_repro(g, cmd, args);
}

void
scen_repro_pair(
    struct grade *g, int type, int port, const char *server, const char *client)
{
	scen_repro_server(g, type, port, server);
	scen_repro_fg(g, "%s", client);
}

/* labpeer's verdict and failures (or its last lines), for the report. */
static void
explain_peer(struct grade *g, const struct run *r)
{
	size_t i = 0, from = 0;
	int shown = 0, lines = 0, tail;

	for (i = 0; i < r->out_len; i++)
		lines += r->out[i] == '\n';
	tail = lines > SCEN_SHOW_LINES ? lines - SCEN_SHOW_LINES : 0;
	grade_explain(g, _("what the reference client (labpeer) saw:"));
	for (i = 0, lines = 0; from < r->out_len; lines++) {
		const char *nl = memchr(r->out + from, '\n', r->out_len - from);
		size_t end = nl ? (size_t)(nl - r->out) : r->out_len;
		int n = (int)(end - from < 200 ? end - from : 200);
		const char *l = r->out + from;

		if ((lines >= tail || memmem(l, (size_t)n, "fail", 4) ||
		        memmem(l, (size_t)n, "verdict", 7)) &&
		    shown++ < 2 * SCEN_SHOW_LINES)
			grade_explain(g, "  %.*s", n, l);
		from = end + 1;
	}
}

struct run *
scen_peer_run(struct grade *g, const char *const args[], int wall_ms)
{
	struct run *r = scen_run();

	scen_peer(g, r, 0, 0, args);
	scen_wait(NULL, r, wall_ms);
	if (r->outcome == RUN_RUNNING) {
		run_stop(r);
		r->outcome = RUN_TIMEOUT;
	}
	return r;
}

void
scen_peer_verdict(struct grade *g, struct run *r, int wall_ms)
{
	if (r->outcome == RUN_EXITED && r->status == 0)
		return;
	explain_peer(g, r);
	if (r->outcome == RUN_TIMEOUT)
		grade_fail(g,
		    _("the exchange did not finish within %d ms "
		      "(the server stopped answering?)"),
		    wall_ms);
	/* labpeer speaks the grader's language: its "cannot connect to H
	 * port P: why" starts with _("cannot connect") in every catalogue */
	if (r->err != NULL && (strstr(r->err, "cannot connect") != NULL ||
	                          strstr(r->err, _("cannot connect")) != NULL))
		grade_fail(g,
		    _("the reference client could not connect to the server, "
		      "which was running (%.*s)"),
		    (int)strcspn(r->err, "\n"), r->err);
	if (r->err_len > 0)
		grade_fail(g, _("the reference client found: %.*s"),
		    (int)strcspn(r->err, "\n"), r->err);
	grade_fail(g,
	    _("the reference client found the server breaking the "
	      "contract (labpeer exit status %d)"),
	    r->status);
}

void
scen_peer_check(struct grade *g, const char *const args[], int wall_ms)
{
	scen_peer_verdict(g, scen_peer_run(g, args, wall_ms), wall_ms);
}

void
scen_alive(struct grade *g, struct run *r, const char *role)
{
	char how[256];

	run_wait(r, SCEN_ALIVE_MS); /* reaps it if it has ended */
	if (r->outcome == RUN_RUNNING)
		return;
	grade_student(g, role, r);
	grade_outcome(r, how, sizeof how);
	grade_fail(g, _("the %s ended while it should have kept serving: %s"),
	    _(role), how);
}

void
scen_stop(struct run *r)
{
	if (r->pid > 0 && r->outcome == RUN_RUNNING)
		run_stop(r);
	run_free(r);
}

/*
 * In the cell's own network namespace every packet belongs to the test:
 * capture them all (a reply sent from another socket, a stray from
 * another port, a TCP SYN in the UDP lab).  Outside one, the host's
 * loopback carries other traffic: only the test's port and ICMP, and
 * the report says so.
 */
int
scen_capture(struct grade *g, struct cell_capture *cap, int port, int need)
{
	char filter[96];
	const char *f = NULL;

	if (grade_cell(g)->mode != CELL_NS) {
		snprintf(
		    filter, sizeof filter, "port %d or icmp or icmp6", port);
		f = filter;
		grade_explain(g,
		    _("(no private network here: the trace holds only port %d "
		      "and ICMP, packets on other ports are filtered out)"),
		    port);
	}
	if (cell_capture_start(grade_cell(g), cap, f) == 0)
		return 0;
	if (need)
		grade_not_run(
		    g, cap->err[0] ? cap->err : _("no capture possible here"));
	return -1;
}

void
scen_capture_end(struct grade *g, struct cell_capture *cap, struct wire *w)
{
	char err[256];

	cell_capture_stop(cap);
	grade_trace(g, cap->path);
	if (wire_load(w, cap->path, err, sizeof err) < 0)
		grade_not_run(g, err);
}

static void
scen_trace_at_end(struct grade *g, void *cap)
{
	scen_trace_end(g, cap);
}

/* A capture kept only as the report's trace (no wire checks); a test
 * that fails before scen_trace_end() still gets it. */
void
scen_trace_start(struct grade *g, struct cell_capture *cap, int port)
{
	if (scen_capture(g, cap, port, 0) < 0)
		cap->pid = -1;
	else
		grade_at_end(g, scen_trace_at_end, cap);
}

/* Stop it (safe if it never started) and attach it to the report. */
void
scen_trace_end(struct grade *g, struct cell_capture *cap)
{
	if (cap->pid <= 0)
		return;
	grade_at_end(g, NULL, NULL);
	cell_capture_stop(cap);
	grade_trace(g, cap->path);
	cap->pid = -1;
}

const char *
scen_addr(int family, int port, char *buf, size_t n)
{
	if (family == AF_INET6)
		snprintf(buf, n, "[::1]:%d", port);
	else
		snprintf(buf, n, "127.0.0.1:%d", port);
	return buf;
}

/* The lines the contract wants, for the report. */
static void
explain_expected(struct grade *g, const struct ping_expect *e)
{
	int seq, rec = 0, sent = (int)strlen(e->seqs);

	grade_explain(g, _("expected on stdout:"));
	/* the contract's own lines, as the program must print them: never
	 * translated */
	for (seq = 1; seq <= sent; seq++) {
		if (e->seqs[seq - 1] == 'r') {
			rec++;
			grade_explain(g,
			    "  reply from %s seq=%d rtt=<ms> ms: "
			    "PING %d",
			    e->from, seq, seq);
		} else if (e->seqs[seq - 1] == 't') {
			grade_explain(g, "  seq=%d timeout", seq);
		}
	}
	if (e->no_summary)
		return;
	grade_explain(g, "  %d sent, %d received, %d%% loss", sent, rec,
	    sent ? (sent - rec) * 100 / sent : 0);
	if (rec > 0)
		grade_explain(g, "  rtt min/avg/max = <min>/<avg>/<max> ms");
}

static void
explain_got(struct grade *g, const struct run *r)
{
	size_t i = 0;
	int no = 0;

	grade_explain(g, _("the client printed on stdout:%s"),
	    r->out_len ? "" : " nothing");
	while (i < r->out_len && no < SCEN_SHOW_LINES) {
		const char *nl = memchr(r->out + i, '\n', r->out_len - i);
		size_t end = nl ? (size_t)(nl - r->out) : r->out_len;

		grade_explain(g, "  %.*s", (int)(end - i < 160 ? end - i : 160),
		    r->out + i);
		i = end + 1;
		no++;
	}
	if (i < r->out_len)
		grade_explain(g, "  ...");
}

static void ping_fail(struct grade *g, const struct run *r,
    const struct ping_expect *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

static void
ping_fail(struct grade *g, const struct run *r, const struct ping_expect *e,
    const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	explain_expected(g, e);
	explain_got(g, r);
	grade_student(g, "client", r);
	grade_fail(g, "%s", msg);
}

static void
check_lines(struct grade *g, const struct run *r, const struct ping_expect *e,
    const struct ping_out *po)
{
	int seq, k = 0, sent = (int)strlen(e->seqs);

	for (seq = 1; seq <= sent; seq++) {
		const struct ping_line *l = &po->line[k];
		char c = e->seqs[seq - 1];

		if (c == '-' && k < po->nline && l->seq == seq)
			ping_fail(g, r, e,
			    _("seq=%d got a wrong reply or the connection "
			      "ended, "
			      "yet a line was printed for it: the contract "
			      "wants "
			      "no line, the reason on stderr, and the pinging "
			      "to "
			      "stop"),
			    seq);
		if (c == '-')
			continue;
		if (k >= po->nline && r->err_len > 0)
			ping_fail(g, r, e,
			    _("no line for seq=%d: the client stopped (exit "
			      "status %d) saying \"%.*s\""),
			    seq, r->status,
			    (int)strcspn(r->err, "\n") > 120
			        ? 120
			        : (int)strcspn(r->err, "\n"),
			    r->err);
		if (k >= po->nline)
			ping_fail(g, r, e, _("no line for seq=%d"), seq);
		if (l->seq != seq)
			ping_fail(g, r, e,
			    _("the lines are out of step: seq=%d "
			      "printed where the next one was expected"),
			    l->seq);
		if (c == 'r' && l->kind != PL_REPLY)
			ping_fail(g, r, e,
			    _("seq=%d got its reply in time, but "
			      "the client printed a timeout"),
			    seq);
		if (c == 't' && l->kind != PL_TIMEOUT)
			ping_fail(g, r, e,
			    _("seq=%d got no valid reply in time, "
			      "but the client printed a reply line"),
			    seq);
		if (c == 'r' && strcmp(l->from, e->from) != 0)
			ping_fail(g, r, e,
			    _("seq=%d: the reply line names the "
			      "wrong sender (want the server's address:port)"),
			    seq);
		k++;
	}
	if (k < po->nline)
		ping_fail(g, r, e,
		    ngettext("%d ping line more than expected: the "
		             "client should have stopped",
		        "%d ping lines more than expected: the "
		        "client should have stopped",
		        (unsigned long)(po->nline - k)),
		    po->nline - k);
}

static void
check_summary(struct grade *g, const struct run *r, const struct ping_expect *e,
    const struct ping_out *po)
{
	int i, sent = (int)strlen(e->seqs), rec = 0;
	double mn = 1e9, mx = 0, sum = 0;

	if (e->no_summary) {
		if (po->have_summary)
			ping_fail(g, r, e,
			    _("a summary was printed where the "
			      "contract wants none"));
		return;
	}
	for (i = 0; i < po->nline; i++)
		if (po->line[i].kind == PL_REPLY) {
			rec++;
			sum += po->line[i].rtt_ms;
			mn = po->line[i].rtt_ms < mn ? po->line[i].rtt_ms : mn;
			mx = po->line[i].rtt_ms > mx ? po->line[i].rtt_ms : mx;
		}
	if (!po->have_summary)
		ping_fail(g, r, e, _("no summary line"));
	if (po->sent != sent || po->received != rec)
		ping_fail(g, r, e, _("wrong counts in the summary line"));
	if (po->loss != (sent - rec) * 100 / sent)
		ping_fail(g, r, e,
		    _("wrong loss in the summary: %d%% (an "
		      "integer percent, rounded down)"),
		    po->loss);
	if (rec == 0 && po->have_rtt)
		ping_fail(g, r, e, _("an rtt line with no reply received"));
	if (rec > 0 && !po->have_rtt)
		ping_fail(g, r, e, _("no rtt min/avg/max line"));
	if (rec > 0 &&
	    (po->rtt_min < mn - 0.0015 || po->rtt_min > mn + 0.0015 ||
	        po->rtt_max < mx - 0.0015 || po->rtt_max > mx + 0.0015 ||
	        po->rtt_avg < sum / rec - 0.0025 ||
	        po->rtt_avg > sum / rec + 0.0025))
		ping_fail(g, r, e,
		    _("rtt min/avg/max does not match the rtt "
		      "values printed per ping"));
}

void
ping_expect(struct grade *g, const struct run *r, const struct ping_expect *e,
    struct ping_out *po)
{
	char how[256];

	ping_parse(r->out ? r->out : "", r->out_len, po);
	if (r->outcome == RUN_TIMEOUT && r->lim.wall_ms > 0) {
		explain_expected(g, e);
		explain_got(g, r);
		grade_student(g, "client", r);
		grade_fail(g,
		    _("the client was stopped at the test's time limit (%.1f "
		      "s) "
		      "after %d of its %d ping lines; a correct client ends "
		      "well "
		      "before it (at most 1 s per ping, no sleep between "
		      "pings)"),
		    r->lim.wall_ms / 1000.0, po->nline, (int)strlen(e->seqs));
	}
	if (r->outcome != RUN_EXITED) {
		explain_got(g, r);
		grade_student(g, "client", r);
		grade_outcome(r, how, sizeof how);
		grade_fail(g, _("the client did not exit normally: %s"), how);
	}
	if (po->bad_no)
		ping_fail(g, r, e,
		    _("stdout line %d is in none of the "
		      "contract's forms"),
		    po->bad_no);
	check_lines(g, r, e, po);
	check_summary(g, r, e, po);
	if (r->status != e->exit_status) {
		grade_student(g, "client", r);
		grade_fail(g, _("exit status %d, the contract wants %d here"),
		    r->status, e->exit_status);
	}
}

void
scen_from_capture(const struct wire *w, int port, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->pkt[i].dst.port == port && w->pkt[i].src.port != port) {
			wire_ep_str(&w->pkt[i].dst, buf, n);
			return;
		}
}

double
scen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Whom a client given "localhost" talks to: ::1 or 127.0.0.1, whichever
 * getaddrinfo put first.  The capture says which; without one, the form
 * the client printed is taken if it is one of the two.
 */
void
scen_localhost_from(
    const struct run *cli, const struct wire *w, int port, char *buf, size_t n)
{
	char v4[40], v6[40];
	const char *p;

	scen_addr(AF_INET, port, v4, sizeof v4);
	scen_addr(AF_INET6, port, v6, sizeof v6);
	snprintf(buf, n, "%s", v4);
	if (w != NULL) {
		scen_from_capture(w, port, buf, n);
		return;
	}
	p = cli->out != NULL ? strstr(cli->out, "reply from ") : NULL;
	if (p != NULL && strncmp(p + 11, v6, strlen(v6)) == 0)
		snprintf(buf, n, "%s", v6);
}

/*
 * Make AF_INET6 sockets IPv6-only by default in the cell (sysctl
 * net.ipv6.bindv6only = 1, as some systems have it), so that only a
 * server that turns IPV6_V6ONLY off itself serves IPv4 clients.  The
 * setting belongs to the network namespace: never touch the host's.
 */
void
scen_bindv6only(struct grade *g)
{
	const char *path = "/proc/sys/net/ipv6/bindv6only";
	char why[200], got[4] = "";
	int fd = -1, ok = 0;

	if (grade_cell(g)->mode != CELL_NS)
		grade_not_here(
		    g, _("needs a private network namespace: "
		         "net.ipv6.bindv6only is never changed on the "
		         "host"));
	scen_need_ipv6(g);
	errno = 0;
	fd = open(path, O_RDWR);
	if (fd >= 0 && write(fd, "1\n", 2) == 2 &&
	    pread(fd, got, sizeof got - 1, 0) > 0 && got[0] == '1')
		ok = 1;
	snprintf(why, sizeof why,
	    _("could not set net.ipv6.bindv6only to 1 in "
	      "the cell (%s)"),
	    ok      ? ""
	    : errno ? strerror(errno)
	            : "it stayed 0");
	if (fd >= 0)
		close(fd);
	if (!ok)
		grade_not_here(g, why);
	grade_explain(g, _("to see it at home (Linux): unshare -rn sh -c 'ip "
	                   "link set lo up; echo 1 >/proc/sys/net/ipv6/"
	                   "bindv6only; exec sh', then in that shell the "
	                   "commands below"));
}

/* A test that needs ::1: "not run here", left out of the maximum, where
 * the machine the grader runs on has no IPv6 loopback. */
void
scen_need_ipv6(struct grade *g)
{
	if (!scen_have_ipv6())
		grade_not_here(g, _("no IPv6 loopback (::1) here"));
}

int
scen_have_ipv6(void)
{
	struct sockaddr_in6 a = {0};
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), ok;

	if (fd < 0)
		return 0;
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static void
args_str(char *buf, size_t n, const char *name, const struct scen_args *c)
{
	size_t len = (size_t)snprintf(buf, n, "./%s", name);
	int i;

	for (i = 0; c->a[i] != NULL && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " %s", c->a[i]);
}

void
scen_usage(struct grade *g, const char *bin, const char *name,
    const struct scen_args *cases, size_t n)
{
	char cmd[160], how[256];
	size_t i;

	for (i = 0; i < n; i++) {
		struct run *r = scen_run();

		/* Looking a name up may wait on DNS outside a cell. */
		if (grade_cell(g)->mode == CELL_FALLBACK &&
		    cases[i].a[0] != NULL && strstr(cases[i].a[0], ".invalid"))
			continue;
		args_str(cmd, sizeof cmd, name, &cases[i]);
		grade_repro(g, "%s", cmd);
		if (bin == NULL)
			grade_not_run(g, _("the program did not build"));
		scen_client_bin(g, r, bin, cases[i].a, SCEN_USAGE_MS);
		if (r->outcome == RUN_EXITED && r->status == 2 &&
		    r->err_len > 0) {
			run_free(r);
			continue;
		}
		grade_student(g, name, r);
		grade_explain(g, _("ran: %s"), cmd);
		grade_outcome(r, how, sizeof how);
		grade_fail(g,
		    _("bad arguments (%s): the contract wants a usage line "
		      "on stderr and exit status 2; the program %s%s%s"),
		    cmd, was(how), how,
		    r->err_len ? "" : _(" and printed nothing on stderr"));
	}
}

/* Hold port on every local address, as the student's server would. */
static int
hold_port(int type, int port)
{
	struct sockaddr_in6 a6 = {0};
	struct sockaddr_in a4 = {0};
	int off = 0, fd = socket(AF_INET6, type, 0);

	a6.sin6_family = AF_INET6;
	a6.sin6_port = htons((uint16_t)port);
	a6.sin6_addr = in6addr_any;
	if (fd >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0 &&
	    bind(fd, (struct sockaddr *)&a6, sizeof a6) == 0)
		goto bound;
	if (fd >= 0)
		close(fd);
	a4.sin_family = AF_INET;
	a4.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a4, sizeof a4) < 0)
		goto fail;
bound:
	if (type == SOCK_STREAM && listen(fd, 4) < 0)
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

void
scen_port_busy(struct grade *g, int type, const char *name)
{
	const char *bin = grade_sub(g)->server;
	int port = cell_port(grade_cell(g), type);
	struct scen_args c = {{NULL, NULL}};
	char pbuf[16], how[256];
	struct run *r = scen_run();
	int fd;

	if (bin == NULL)
		grade_not_run(g, _("the server did not build"));
	if ((fd = hold_port(type, port)) < 0)
		grade_not_run(g, _("grader: could not take the port itself"));
	snprintf(pbuf, sizeof pbuf, "%d", port);
	c.a[0] = pbuf;
	grade_explain(g, _("another socket holds %s port %d on every address"),
	    type == SOCK_STREAM ? "TCP" : "UDP", port);
	scen_repro_bg(g, "labpeer %s %d --background",
	    type == SOCK_STREAM ? "tcp-server" : "udp-server", port);
	scen_repro_fg(g, "./%s %d", name, port);
	scen_client_bin(g, r, bin, c.a, SCEN_USAGE_MS);
	close(fd);
	if (r->outcome == RUN_EXITED && r->status == 1 && r->err_len > 0)
		return;
	grade_student(g, "server", r);
	grade_outcome(r, how, sizeof how);
	grade_fail(g,
	    _("a port it cannot bind: the contract wants one line on "
	      "stderr and exit status 1; the server %s%s%s"),
	    r->outcome == RUN_TIMEOUT ? _("kept running, then was ") : was(how),
	    how, r->err_len ? "" : _(" and printed nothing on stderr"));
}

/*
 * A TCP client that connects to 127.0.0.1:port, sends "ping 1\n" and
 * reads the reply line, keeping the connection open: its socket, or -1
 * with what went wrong in err (-2: the grader's own failure).
 */
int
scen_tcp_hold(int port, char *err, size_t n)
{
	static const char want[] = "PING 1\n";
	struct sockaddr_in a = {0};
	double until = scen_now() + SCEN_HOLD_MS / 1000.0;
	char buf[sizeof want];
	size_t have = 0;
	int fd;

	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		snprintf(err, n, _("grader: socket: %s"), strerror(errno));
		return -2;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    send(fd, "ping 1\n", 7, MSG_NOSIGNAL) != 7) {
		snprintf(err, n, _("connecting and sending \"ping 1\\n\": %s"),
		    strerror(errno));
		goto fail;
	}
	while (have < sizeof want - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left = until - scen_now();
		ssize_t got;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0) {
			snprintf(err, n,
			    _("no reply line to \"ping 1\\n\" "
			      "within %d ms"),
			    SCEN_HOLD_MS);
			goto fail;
		}
		got = recv(fd, buf + have, sizeof want - 1 - have, 0);
		if (got <= 0) {
			snprintf(err, n,
			    got == 0
			        ? _("the server closed the connection before "
			            "its reply to \"ping 1\\n\"")
			        : _("the server reset the connection before "
			            "its reply to \"ping 1\\n\""));
			goto fail;
		}
		have += (size_t)got;
	}
	if (memcmp(buf, want, sizeof want - 1) == 0)
		return fd;
	snprintf(err, n,
	    _("the reply to \"ping 1\\n\" was not "
	      "\"PING 1\\n\""));
fail:
	close(fd);
	return -1;
}

/*
 * Start the server again on a port its previous run just left (the
 * last connection's TIME-WAIT holds it): it must be listening in time.
 */
void
scen_restart(struct grade *g, struct run *r, int type, int port)
{
	const struct grade_sub *s = grade_sub(g);
	struct run_limits lim = {0};
	char pbuf[16], how[256];
	char *argv[3] = {(char *)s->server, pbuf, NULL};

	snprintf(pbuf, sizeof pbuf, "%d", port);
	if (run_start(grade_cell(g), r, argv, &lim) < 0)
		grade_error(g,
		    _("grader: could not start the server (%s %s): %s (not "
		      "the program's doing)"),
		    s->server, pbuf, strerror(errno));
	if (cell_wait_port(grade_cell(g), type, port, r, CELL_READY_MS) == 0)
		return;
	if (r->outcome == RUN_RUNNING)
		run_stop(r);
	grade_student(g, "server", r);
	if (r->outcome == RUN_EXITED)
		grade_fail(g,
		    _("started again at once on port %d, the server exited "
		      "with "
		      "status %d instead of listening: the last connection's "
		      "TIME-WAIT still holds the port, and bind() fails "
		      "(EADDRINUSE) unless SO_REUSEADDR is set before it"),
		    port, r->status);
	grade_outcome(r, how, sizeof how);
	grade_fail(g,
	    _("started again at once on port %d, the server was not "
	      "listening within %d ms (it %s%s): set SO_REUSEADDR before "
	      "bind(), the last connection's TIME-WAIT holds the port"),
	    port, CELL_READY_MS, r->outcome == RUN_STOPPED ? "" : was(how),
	    r->outcome == RUN_STOPPED ? _("was still running") : how);
}

/*
 * How long labpeer held each ping (pk->p[seq].held), from the reply
 * lines of its log: '... #2 reply 127.0.0.1:40505 6 bytes "PING 2"
 * (149.284 ms)'.  The ms are labpeer's own; the payload is its
 * upper-cased echo of the client's ping, so no lower-case "ms)" of the
 * client's can be taken for them.  Of two replies to one seq the longer
 * hold is kept: the stricter bound.
 */
static void
scen_peer_holds(struct run *peer, struct wire_pings *pk)
{
	const char *line, *end, *q, *ms;
	char buf[512];
	double held;
	size_t len;
	int seq;

	if (peer == NULL || peer->pid <= 0)
		return;
	if (peer->outcome == RUN_RUNNING)
		run_wait(peer, 1); /* its last lines, read */
	for (line = peer->out; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		len = end != NULL ? (size_t)(end++ - line) : strlen(line);
		snprintf(buf, sizeof buf, "%.*s",
		    (int)(len < sizeof buf ? len : sizeof buf - 1), line);
		if (strstr(buf, " reply ") == NULL ||
		    (q = strstr(buf, "\"PING ")) == NULL ||
		    (ms = strstr(q, " ms)")) == NULL)
			continue;
		while (ms > q && *ms != '(')
			ms--;
		if (sscanf(q, "\"PING %d", &seq) == 1 &&
		    sscanf(ms, "(%lf ms)", &held) == 1 && seq >= 1 &&
		    seq <= WIRE_MAX_PINGS && held > pk->p[seq].held)
			pk->p[seq].held = held;
	}
}

/*
 * Every printed RTT against the capture and labpeer's hold.  Below both
 * is always a bug; above the wire's by more than the slack can be a
 * loaded machine's delay on one ping, so a majority of the replies must
 * agree.
 */
void
scen_rtts(struct grade *g, const struct ping_out *po, struct wire_pings *pk,
    struct run *peer)
{
	int i, n = 0, above = 0;

	scen_peer_holds(peer, pk);
	for (i = 0; i < po->nline; i++)
		if (po->line[i].kind == PL_REPLY) {
			n++;
			above += wire_rtt_agrees(
			    g, po->line[i].seq, po->line[i].rtt_ms, pk);
		}
	grade_check(g, above * 2 < n || n == 0,
	    _("%d of %d printed RTTs are "
	      "longer than the exchange on the wire allows: time just the "
	      "send and the reply (not printing, not sleeping)"),
	    above, n);
}

/*
 * SIGTERM must end the server (which has shown it serves) with status
 * 0 within SCEN_SIGNAL_MS (a loaded machine may take a while to run its
 * handler); then it is killed.
 */
void
scen_server_signal(struct grade *g, struct run *srv)
{
	scen_alive(g, srv, "server");
	run_signal(srv, SIGTERM);
	if (run_wait(srv, SCEN_SIGNAL_MS) == 1) {
		run_stop(srv);
		grade_student(g, "server", srv);
		grade_fail(g,
		    _("SIGTERM did not end the server within %d ms (it was "
		      "killed): the contract wants SIGINT and SIGTERM to end "
		      "it "
		      "with status 0"),
		    SCEN_SIGNAL_MS);
	}
	if (srv->outcome == RUN_EXITED && srv->status == CONTRACT_EXIT_OK)
		return;
	grade_student(g, "server", srv);
	if (srv->outcome == RUN_SIGNALED)
		grade_fail(
		    g, _("SIGTERM killed the server (no handler): the contract "
		         "wants it to end with status 0 (catch SIGINT and "
		         "SIGTERM, "
		         "leave the loop, return 0)"));
	grade_fail(g,
	    _("after SIGTERM the server exited with status %d: the contract "
	      "wants 0 (a signal to stop is a normal end, not a failure)"),
	    srv->status);
}

/* The address getaddrinfo() gives first for name (numeric), or -1. */
int
scen_first_addr(const char *name, int type, char *buf, size_t n)
{
	struct addrinfo hints = {0}, *res;
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, buf, (socklen_t)n, NULL,
	         0, NI_NUMERICHOST) == 0
	         ? 0
	         : -1;
	freeaddrinfo(res);
	return rc;
}
