/*
 * Helpers shared by the lab contract suites: the contract's output lines
 * as regular expressions, servers started on free ports, private hosts
 * files (interface in labtest.h).
 */
#define _GNU_SOURCE /* unshare, CLONE_NEWNS */
#include "labtest.h"
#include "capture/userns.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#define LABTEST_NUM "([0-9]+)"
#define LABTEST_MS "([0-9]+\\.[0-9]{3})"

/* The four line forms of the contract, anchored: nothing else may be on
 * a pinger's stdout. */
static const char *const labtest_forms[] = {
    "^reply from (\\[([0-9a-fA-F:.]+)\\]|([0-9.]+)):" LABTEST_NUM
    " seq=" LABTEST_NUM " rtt=" LABTEST_MS " ms: PING " LABTEST_NUM "$",
    "^seq=" LABTEST_NUM " timeout$",
    "^" LABTEST_NUM " sent, " LABTEST_NUM " received, " LABTEST_NUM "% loss$",
    "^rtt min/avg/max = " LABTEST_MS "/" LABTEST_MS "/" LABTEST_MS " ms$",
};

enum { FORM_REPLY, FORM_TIMEOUT, FORM_SUMMARY, FORM_RTT, FORM_COUNT };

#define LABTEST_GROUPS 10

struct labtest_parser {
	regex_t re[FORM_COUNT];
	regmatch_t m[LABTEST_GROUPS];
	const char *line;
};

static long
labtest_int(struct labtest_parser *ps, int g)
{
	return strtol(ps->line + ps->m[g].rm_so, NULL, 10);
}

static double
labtest_double(struct labtest_parser *ps, int g)
{
	return strtod(ps->line + ps->m[g].rm_so, NULL);
}

static int
labtest_fail(struct labtest_out *o, const char *fmt, const char *arg)
{
	snprintf(o->why, sizeof o->why, fmt, arg);
	return -1;
}

static int
labtest_reply(struct labtest_parser *ps, struct labtest_out *o)
{
	struct labtest_ping *pg = &o->ping[o->npings];
	int g = ps->m[2].rm_so >= 0 ? 2 : 3;
	size_t n = ps->m[g].rm_eo - ps->m[g].rm_so;

	if (n >= sizeof pg->ip)
		return labtest_fail(o, "address too long: %s", ps->line);
	memcpy(pg->ip, ps->line + ps->m[g].rm_so, n);
	pg->ip[n] = '\0';
	if ((g == 2) != (strchr(pg->ip, ':') != NULL))
		return labtest_fail(
		    o, "IPv6 needs [] and IPv4 none: %s", ps->line);
	pg->replied = 1;
	pg->port = (int)labtest_int(ps, 4);
	pg->seq = (int)labtest_int(ps, 5);
	pg->rtt = labtest_double(ps, 6);
	if (labtest_int(ps, 7) != pg->seq)
		return labtest_fail(
		    o, "reply payload is not PING <seq>: %s", ps->line);
	return 0;
}

/* The summary agrees with the lines above it. */
static int
labtest_summary(struct labtest_parser *ps, struct labtest_out *o)
{
	int i, got = 0;

	o->summary = 1;
	o->sent = (int)labtest_int(ps, 1);
	o->received = (int)labtest_int(ps, 2);
	o->loss = (int)labtest_int(ps, 3);
	for (i = 0; i < o->npings; i++)
		got += o->ping[i].replied;
	if (o->received != got)
		return labtest_fail(o,
		    "received is not the number of reply "
		    "lines: %s",
		    ps->line);
	if (o->sent < o->npings || o->sent > o->npings + 1 || o->sent < 1)
		return labtest_fail(o,
		    "sent disagrees with the ping lines: "
		    "%s",
		    ps->line);
	if (o->loss != (o->sent - o->received) * 100 / o->sent)
		return labtest_fail(o,
		    "loss is not (sent-received)*100/sent "
		    "rounded down: %s",
		    ps->line);
	return 0;
}

static int
labtest_far(double a, double b, double eps)
{
	return a - b > eps || b - a > eps;
}

/* The rtt line agrees with the rtts printed per ping. */
static int
labtest_rtt(struct labtest_parser *ps, struct labtest_out *o)
{
	double lo = 1e300, hi = 0, sum = 0;
	int i, n = 0;

	o->rtt_line = 1;
	o->min = labtest_double(ps, 1);
	o->avg = labtest_double(ps, 2);
	o->max = labtest_double(ps, 3);
	for (i = 0; i < o->npings; i++) {
		if (!o->ping[i].replied)
			continue;
		lo = o->ping[i].rtt < lo ? o->ping[i].rtt : lo;
		hi = o->ping[i].rtt > hi ? o->ping[i].rtt : hi;
		sum += o->ping[i].rtt;
		n++;
	}
	if (n == 0)
		return labtest_fail(
		    o, "rtt line without any reply: %s", ps->line);
	if (labtest_far(o->min, lo, 0.0015) ||
	    labtest_far(o->max, hi, 0.0015) ||
	    labtest_far(o->avg, sum / n, 0.0015 * n))
		return labtest_fail(o,
		    "rtt min/avg/max disagree with the "
		    "reply lines: %s",
		    ps->line);
	return 0;
}

/* One line; *phase is 0 (pings), 1 (after the summary), 2 (after rtt). */
static int
labtest_one(struct labtest_parser *ps, struct labtest_out *o, int *phase)
{
	int f;

	for (f = 0; f < FORM_COUNT; f++)
		if (regexec(&ps->re[f], ps->line, LABTEST_GROUPS, ps->m, 0) ==
		    0)
			break;
	if (f == FORM_COUNT)
		return labtest_fail(
		    o, "line of no contract form: '%s'", ps->line);
	if ((f <= FORM_TIMEOUT && *phase != 0) ||
	    (f == FORM_SUMMARY && *phase != 0) ||
	    (f == FORM_RTT && *phase != 1))
		return labtest_fail(o, "line out of order: '%s'", ps->line);
	if (f == FORM_SUMMARY) {
		*phase = 1;
		return labtest_summary(ps, o);
	}
	if (f == FORM_RTT) {
		*phase = 2;
		return labtest_rtt(ps, o);
	}
	if (o->npings == LABTEST_MAX_PINGS)
		return labtest_fail(o, "more than %s ping lines", "1000");
	if (f == FORM_TIMEOUT) {
		o->ping[o->npings].seq = (int)labtest_int(ps, 1);
		o->ping[o->npings].replied = 0;
	} else if (labtest_reply(ps, o) < 0) {
		return -1;
	}
	if (o->ping[o->npings].seq != o->npings + 1)
		return labtest_fail(o, "seq out of step: '%s'", ps->line);
	o->npings++;
	return 0;
}

int
labtest_parse(const char *text, struct labtest_out *o)
{
	struct labtest_parser ps;
	char line[512];
	int i, n, f, phase = 0, rc = 0;

	memset(o, 0, sizeof *o);
	for (f = 0; f < FORM_COUNT; f++)
		if (regcomp(&ps.re[f], labtest_forms[f], REG_EXTENDED) != 0)
			abort(); /* the patterns above are constant */
	n = labtest_lines(text);
	if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
		rc = labtest_fail(o, "last line has no newline: %s", text);
	ps.line = line;
	for (i = 0; rc == 0 && i < n; i++) {
		labtest_line(text, i, line, sizeof line);
		rc = labtest_one(&ps, o, &phase);
	}
	if (rc == 0 && o->summary && o->received > 0 && !o->rtt_line)
		rc = labtest_fail(o, "replies came but no rtt line%s", "");
	for (f = 0; f < FORM_COUNT; f++)
		regfree(&ps.re[f]);
	return rc;
}

int
labtest_lines(const char *text)
{
	int n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

int
labtest_line(const char *text, int i, char *buf, size_t len)
{
	const char *end;
	size_t n;

	for (; i > 0; i--) {
		text = strchr(text, '\n');
		if (text == NULL)
			return -1;
		text++;
	}
	end = strchr(text, '\n');
	n = end != NULL ? (size_t)(end - text) : strlen(text);
	if (n >= len)
		n = len - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return 0;
}

int
labtest_server_via(
    struct proc *p, const char *wrapper, const char *argv0, int type, int *port)
{
	char num[16];
	char *argv[] = {(char *)wrapper, (char *)argv0, num, NULL};
	char *const *args = wrapper != NULL ? argv : argv + 1;
	int tries;

	/* Another program may take the free port before the server binds
	 * it: the server then exits 1 and we try another port. */
	for (tries = 0; tries < 3; tries++) {
		*port = port_free(type);
		if (*port < 0)
			return -1;
		snprintf(num, sizeof num, "%d", *port);
		if (proc_start(p, args) < 0)
			return -1;
		if (proc_ready(p, type, *port, LABTEST_START_MS) == 0)
			return 0;
		if (proc_running(p) || tries == 2) {
			/* Alive but never bound the port, or exited each
			 * time: keep what it said for the test's message. */
			proc_wait(p, 0);
			return -1;
		}
		proc_free(p);
	}
	return -1;
}

int
labtest_server(struct proc *p, const char *argv0, int type, int *port)
{
	return labtest_server_via(p, NULL, argv0, type, port);
}

/* Become root of a new user namespace (mapped to our own uid), where an
 * ordinary user may make mount namespaces. */
static int
labtest_userns(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	return userns_map_self(uid, gid);
}

int
labtest_hosts(const char *text)
{
	char path[] = "/tmp/labtest-hosts-XXXXXX";
	int fd, rc = -1;

	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		goto out;
	/* Private mounts: the bind below stays inside this test process
	 * and its children, never reaches the host's /etc/hosts.  Not
	 * root: a user namespace first. */
	if (unshare(CLONE_NEWNS) < 0 &&
	    (errno != EPERM || labtest_userns() < 0 ||
	        unshare(CLONE_NEWNS) < 0))
		goto out;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(path, "/etc/hosts", NULL, MS_BIND, NULL) < 0)
		goto out;
	rc = 0;
out:
	close(fd);
	unlink(path);
	return rc;
}

int
labtest_first_addr(const char *name, int type, char *buf, size_t len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, buf, len, NULL, 0,
	         NI_NUMERICHOST) == 0
	         ? 0
	         : -1;
	freeaddrinfo(res);
	return rc;
}

const char *
labtest_prog(const char *lab, const char *name)
{
	static char ring[8][512];
	static unsigned next;
	char var[64] = "LABTEST_";
	const char *dir;
	char *buf = ring[next++ % 8];
	size_t i, n = strlen(var);

	for (i = 0; lab[i] != '\0' && lab[i] != '-' && n + 1 < sizeof var; i++)
		var[n++] = (char)toupper((unsigned char)lab[i]);
	var[n] = '\0';
	dir = getenv(var);
	if (dir != NULL && dir[0] != '\0')
		snprintf(buf, sizeof ring[0], "%s/%s", dir, name);
	else
		snprintf(buf, sizeof ring[0], "solutions/%s/%s", lab, name);
	return buf;
}
