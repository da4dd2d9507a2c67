/*
 * Helpers shared by the lab contract suites: the contract's output lines
 * (read by grader/labs/contract.c), servers started on free ports, private
 * hosts files (interface in labtest.h).
 */
#define _GNU_SOURCE /* unshare, CLONE_NEWNS */
#include "labtest.h"
#include "capture/userns.h"
#include "grader/labs/contract.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* The contract's output lines are read by the grader's own parser
 * (grader/labs/contract.c): one reading of the contract for both. */
int
labtest_parse(const char *text, struct labtest_out *o)
{
	struct ping_out *po = malloc(sizeof *po);
	int i;

	if (po == NULL)
		abort();
	memset(o, 0, sizeof *o);
	ping_parse(text, strlen(text), po);
	for (i = 0; i < po->nline && i < LABTEST_MAX_PINGS; i++) {
		struct labtest_ping *pg = &o->ping[i];

		pg->seq = po->line[i].seq;
		pg->replied = po->line[i].kind == PL_REPLY;
		snprintf(pg->ip, sizeof pg->ip, "%s", po->line[i].ip);
		pg->port = po->line[i].port;
		pg->rtt = po->line[i].rtt_ms;
	}
	o->npings = i;
	o->summary = po->have_summary;
	o->sent = po->sent;
	o->received = po->received;
	o->loss = po->loss;
	o->rtt_line = po->have_rtt;
	o->min = po->rtt_min;
	o->avg = po->rtt_avg;
	o->max = po->rtt_max;
	snprintf(o->why, sizeof o->why, "%s", po->why);
	i = po->why_no != 0 ? -1 : 0;
	free(po);
	return i;
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
