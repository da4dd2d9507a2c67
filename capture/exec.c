/*
 * labsniff --exec: a private network namespace (inside a user namespace
 * when not root, so no privileges are needed), its loopback brought up,
 * and the commands run in it in order while labsniff captures there.
 */
#define _GNU_SOURCE /* unshare(), CLONE_NEWNET, struct ifreq */
#include "labsniff.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void exec_emit(struct sniff *s, int i, const char *p, size_t n);
static void exec_read(struct sniff *s, int i);

static int
exec_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

int
exec_enter(struct sniff *s)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int user = uid != 0;

	if (unshare(CLONE_NEWNET | (user ? CLONE_NEWUSER : 0)) != 0) {
		/* Root without CAP_SYS_ADMIN (a container): try as a user. */
		if (user || unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
			snprintf(s->err, sizeof s->err,
			    _("--exec: cannot create "
			      "a private network namespace: %s"),
			    strerror(errno));
			return -1;
		}
		user = 1;
	}
	if (user && userns_map_self(uid, gid) != 0) {
		snprintf(s->err, sizeof s->err,
		    _("--exec: cannot map ids in the "
		      "user namespace: %s"),
		    strerror(errno));
		return -1;
	}
	if (exec_lo_up() != 0) {
		snprintf(s->err, sizeof s->err,
		    _("--exec: cannot bring up the "
		      "namespace's loopback: %s"),
		    strerror(errno));
		return -1;
	}
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Sockets in this namespace (all ours: the namespace is private). */
static long
exec_socket_count(void)
{
	static const char *const tables[] = {"/proc/net/tcp", "/proc/net/tcp6",
	    "/proc/net/udp", "/proc/net/udp6"};
	long lines = 0;
	size_t i;
	int c;

	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		FILE *f = fopen(tables[i], "re");

		if (f == NULL)
			continue;
		while ((c = getc(f)) != EOF)
			lines += c == '\n';
		lines--; /* the header line */
		fclose(f);
	}
	return lines;
}

static void
exec_child(struct sniff *s, const char *cmd, int out)
{
	setpgid(0, 0);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	close(pcap_get_selectable_fd(s->pc));
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, _("labsniff: --exec: /bin/sh: %s\n"), strerror(errno));
	_exit(127);
}

static int
exec_reap(struct exec_cmd *c)
{
	if (c->pid > 0 && waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
		c->pid = 0;
		return 1;
	}
	return c->pid == 0;
}

/* Before the next command: this one has bound a socket, or has ended. */
static void
exec_wait_ready(struct sniff *s, struct exec_cmd *c, long sockets)
{
	long deadline = now_ms() + EXEC_READY_MS;

	while (now_ms() < deadline && !exec_reap(c) &&
	       exec_socket_count() <= sockets)
		if (sniff_pump(s, EXEC_POLL_MS) < 0)
			return;
	if (c->out_fd >= 0) /* what it said while starting, before the */
		exec_read(s, (int)(c - s->cmd)); /* next one speaks */
}

int
exec_start(struct sniff *s)
{
	int i;

	for (i = 0; i < s->o.n_exec; i++) {
		struct exec_cmd *c = &s->cmd[i];
		long sockets = exec_socket_count();

		int pfd[2];

		outbuf_flush(&s->out);
		fflush(NULL);
		if (pipe2(pfd, O_CLOEXEC) != 0 || (c->pid = fork()) < 0) {
			c->pid = 0;
			snprintf(s->err, sizeof s->err,
			    _("--exec: cannot start "
			      "a command: %s"),
			    strerror(errno));
			return -1;
		}
		if (c->pid == 0)
			exec_child(s, s->o.exec_cmd[i], pfd[1]);
		close(pfd[1]);
		c->out_fd = pfd[0];
		fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
		setpgid(c->pid, c->pid);
		if (i + 1 < s->o.n_exec)
			exec_wait_ready(s, c, sockets);
	}
	return 0;
}

int
exec_poll(struct sniff *s)
{
	int i, last = s->o.n_exec - 1;

	for (i = 0; i <= last; i++)
		exec_reap(&s->cmd[i]);
	return last >= 0 && s->cmd[last].pid == 0;
}

static int
exec_all_reaped(struct sniff *s)
{
	int i, all = 1;

	for (i = 0; i < s->o.n_exec; i++)
		all &= exec_reap(&s->cmd[i]);
	return all;
}

/* What the commands wrote last, until EOF (a descendant that escaped
 * their process group may hold a pipe open: not longer than the grace). */
static void
exec_last_output(struct sniff *s)
{
	long deadline = now_ms() + EXEC_GRACE_MS;
	struct pollfd pfd[SNIFF_MAX_EXEC];
	int n, i;

	while ((n = exec_pollfds(s, pfd, SNIFF_MAX_EXEC)) > 0 &&
	       now_ms() < deadline) {
		if (poll(pfd, (nfds_t)n, EXEC_POLL_MS) > 0)
			exec_relay(s, pfd, n);
	}
	for (i = 0; i < s->o.n_exec; i++)
		if (s->cmd[i].out_fd >= 0) {
			if (s->cmd[i].len > 0)
				exec_emit(s, i, s->cmd[i].line, s->cmd[i].len);
			close(s->cmd[i].out_fd);
			s->cmd[i].out_fd = -1;
		}
}

void
exec_stop(struct sniff *s)
{
	long deadline = now_ms() + EXEC_GRACE_MS;
	int i;

	for (i = 0; i < s->o.n_exec; i++)
		if (!exec_reap(&s->cmd[i])) {
			s->cmd[i].killed = 1;
			killpg(s->cmd[i].pid, SIGTERM);
		}
	while (!exec_all_reaped(s) && now_ms() < deadline)
		sniff_pump(s, EXEC_POLL_MS);
	for (i = 0; i < s->o.n_exec; i++)
		if (s->cmd[i].pid > 0) {
			killpg(s->cmd[i].pid, SIGKILL);
			waitpid(s->cmd[i].pid, &s->cmd[i].status, 0);
			s->cmd[i].pid = 0;
		}
	exec_last_output(s);
}

int
exec_pollfds(struct sniff *s, struct pollfd *pfd, int max)
{
	int i, n = 0;

	for (i = 0; i < s->o.n_exec && n < max; i++)
		if (s->cmd[i].out_fd >= 0) {
			pfd[n].fd = s->cmd[i].out_fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
	return n;
}

/* One line of command i's output: "[N] text" (--json: an object). */
static void
exec_emit(struct sniff *s, int i, const char *p, size_t n)
{
	struct outbuf *ob = &s->out;

	if (s->o.json) {
		outbuf_puts(ob, "{\"type\":\"output\",\"command\":");
		outbuf_u64(ob, (uint64_t)i + 1);
		outbuf_puts(ob, ",\"text\":");
		json_string(ob, (const uint8_t *)p, n);
		outbuf_puts(ob, "}\n");
		return;
	}
	if (s->o.quiet || s->o.ladder)
		return;
	outbuf_putc(ob, '[');
	outbuf_u64(ob, (uint64_t)i + 1);
	outbuf_puts(ob, "] ");
	outbuf_put(ob, p, n);
	outbuf_putc(ob, '\n');
}

/* Read what command i wrote; whole lines go out, a partial one waits
 * (or goes out at EOF, or when it fills the line buffer). */
static void
exec_read(struct sniff *s, int i)
{
	struct exec_cmd *c = &s->cmd[i];
	ssize_t n;
	char *nl;

	while (c->out_fd >= 0) {
		n = read(c->out_fd, c->line + c->len, sizeof c->line - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && errno == EAGAIN)
				return;
			close(c->out_fd); /* EOF: all its writers ended */
			c->out_fd = -1;
			if (c->len > 0)
				exec_emit(s, i, c->line, c->len);
			c->len = 0;
			return;
		}
		c->len += (size_t)n;
		while ((nl = memchr(c->line, '\n', c->len)) != NULL) {
			exec_emit(s, i, c->line, (size_t)(nl - c->line));
			c->len -= (size_t)(nl + 1 - c->line);
			memmove(c->line, nl + 1, c->len);
		}
		if (c->len == sizeof c->line) {
			exec_emit(s, i, c->line, c->len);
			c->len = 0;
		}
	}
}

void
exec_relay(struct sniff *s, const struct pollfd *pfd, int n)
{
	int i, k;

	for (k = 0; k < n; k++)
		if (pfd[k].revents != 0)
			for (i = 0; i < s->o.n_exec; i++)
				if (s->cmd[i].out_fd == pfd[k].fd)
					exec_read(s, i);
}

void
exec_report(struct sniff *s)
{
	struct outbuf *ob = &s->out;
	int i;

	for (i = 0; i < s->o.n_exec; i++) {
		const struct exec_cmd *c = &s->cmd[i];

		outbuf_puts(ob, _("command "));
		outbuf_u64(ob, (uint64_t)i + 1);
		outbuf_puts(ob, " (");
		outbuf_puts(ob, s->o.exec_cmd[i]);
		outbuf_puts(ob, "): ");
		if (c->killed)
			outbuf_puts(ob,
			    s->interrupted ? _("still running when the capture "
			                       "was interrupted, "
			                       "ended by labsniff")
			                   : _("still running after the last "
			                       "command, ended by labsniff"));
		else if (WIFEXITED(c->status)) {
			outbuf_puts(ob, _("exited with status "));
			outbuf_u64(ob, (uint64_t)WEXITSTATUS(c->status));
		} else {
			outbuf_puts(ob, _("killed by signal "));
			outbuf_u64(ob, (uint64_t)WTERMSIG(c->status));
		}
		outbuf_putc(ob, '\n');
	}
}
