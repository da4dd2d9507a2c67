/*
 * Test harness shared by the kit's Check suites (interface in harness.h):
 * child processes with captured output and deadlines, free ports, and
 * readiness read from /proc/net instead of slept for.
 */
#define _GNU_SOURCE /* pipe2, close_range, F_SETPIPE_SZ */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_OUT_MAX (16u << 20) /* output kept per stream */
#define HARNESS_PIPE_SIZE (1 << 20) /* output a program may write unread */
#define HARNESS_TICK_MS 5           /* exit/readiness polling period */
#define HARNESS_PORT_TRIES 20       /* port_free attempts */
#define HARNESS_PORT_POLL_MS 2      /* port_wait polling period */

long
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

double
harness_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In the child: the program starts as from a shell, with default signal
 * dispositions (a test that ignores SIGPIPE must not hide a server's bug),
 * an empty signal mask and no descriptor of the test but 0, 1, 2. */
static void
harness_child(char *const argv[], int in_fd, int out_fd, int err_fd)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* fails harmlessly on KILL, STOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	close_range(3, ~0u, 0);
	execvp(argv[0], argv);
	dprintf(2, "harness: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* stdin for the child: /dev/null, or a temporary file holding the text
 * (a file, not a pipe, so input of any size never blocks the test). */
static int
harness_stdin(const char *input)
{
	FILE *f;
	int fd;

	if (input == NULL)
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	f = tmpfile();
	if (f == NULL)
		return -1;
	if (fputs(input, f) == EOF || fflush(f) != 0) {
		fclose(f);
		return -1;
	}
	fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
proc_start_in(struct proc *p, char *const argv[], const char *input)
{
	int out[2] = {-1, -1}, err[2] = {-1, -1};
	int in_fd, rc = -1;

	memset(p, 0, sizeof *p);
	p->out_fd = p->err_fd = -1;
	p->out = calloc(1, 1);
	p->err = calloc(1, 1);
	in_fd = harness_stdin(input);
	if (p->out == NULL || p->err == NULL || in_fd < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		goto out;
	fflush(NULL); /* or the child prints our buffered output again */
	p->pid = fork();
	if (p->pid < 0) {
		p->pid = 0;
		goto out;
	}
	if (p->pid == 0)
		harness_child(argv, in_fd, out[1], err[1]);
	p->out_fd = out[0];
	p->err_fd = err[0];
	out[0] = err[0] = -1;
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	/* Room for a chatty server's log while the test talks to it instead
	 * of reading (the default 64 KiB pipe would block it). */
	fcntl(p->out_fd, F_SETPIPE_SZ, HARNESS_PIPE_SIZE);
	fcntl(p->err_fd, F_SETPIPE_SZ, HARNESS_PIPE_SIZE);
	rc = 0;
out:
	if (in_fd >= 0)
		close(in_fd);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return rc;
}

int
proc_start(struct proc *p, char *const argv[])
{
	return proc_start_in(p, argv, NULL);
}

/* Append what can be read now from *fd to buf; close it at EOF. */
static void
harness_drain(int *fd, char **buf, size_t *len)
{
	char chunk[4096];
	ssize_t n;
	char *grown;

	while (*fd >= 0) {
		n = read(*fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return;
		}
		if (*len + n > HARNESS_OUT_MAX)
			continue; /* keep reading so the child never blocks */
		grown = realloc(*buf, *len + n + 1);
		if (grown == NULL)
			continue;
		*buf = grown;
		memcpy(*buf + *len, chunk, n);
		*len += n;
		(*buf)[*len] = '\0';
	}
}

/* Reap the child if it has exited; 1 once reaped. */
static int
harness_reap(struct proc *p)
{
	pid_t r;

	if (p->pid == 0)
		return 1;
	do
		r = waitpid(p->pid, &p->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	p->pid = 0;
	return 1;
}

int
proc_wait(struct proc *p, int timeout_ms)
{
	long deadline = harness_now_ms() + timeout_ms;
	int pidfd;

	/* A pidfd makes the exit itself a poll event; without one (old
	 * kernels) the loop wakes up every tick to look. */
#ifdef SYS_pidfd_open
	pidfd = p->pid > 0 ? (int)syscall(SYS_pidfd_open, p->pid, 0) : -1;
#else
	pidfd = -1;
#endif
	while (!harness_reap(p)) {
		struct pollfd fds[3] = {
		    {.fd = p->out_fd, .events = POLLIN},
		    {.fd = p->err_fd, .events = POLLIN},
		    {.fd = pidfd, .events = POLLIN},
		};
		long left = deadline - harness_now_ms();
		int tick = pidfd >= 0 ? (int)left : HARNESS_TICK_MS;

		if (left <= 0) {
			kill(p->pid, SIGKILL);
			p->timed_out = 1;
			while (waitpid(p->pid, &p->status, 0) < 0 &&
			       errno == EINTR)
				;
			p->pid = 0;
			break;
		}
		if (poll(fds, 3, tick < left ? tick : (int)left) < 0 &&
		    errno != EINTR)
			break;
		harness_drain(&p->out_fd, &p->out, &p->out_len);
		harness_drain(&p->err_fd, &p->err, &p->err_len);
	}
	if (pidfd >= 0)
		close(pidfd);
	/* What the program wrote before it exited is in the pipes; a
	 * grandchild still holding them must not make us wait for it. */
	harness_drain(&p->out_fd, &p->out, &p->out_len);
	harness_drain(&p->err_fd, &p->err, &p->err_len);
	return p->pid == 0 ? 0 : -1;
}

int
proc_run(struct proc *p, char *const argv[], int timeout_ms)
{
	if (proc_start(p, argv) < 0)
		return -1;
	return proc_wait(p, timeout_ms);
}

int
proc_running(struct proc *p)
{
	return !harness_reap(p);
}

static int
harness_count_lines(const struct proc *p)
{
	int n = 0;

	for (size_t i = 0; i < p->out_len; i++)
		n += p->out[i] == '\n';
	return n;
}

int
proc_lines(struct proc *p, int n, int timeout_ms)
{
	long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd fds[2] = {
		    {.fd = p->out_fd, .events = POLLIN},
		    {.fd = p->err_fd, .events = POLLIN},
		};
		long left = deadline - harness_now_ms();

		harness_drain(&p->out_fd, &p->out, &p->out_len);
		harness_drain(&p->err_fd, &p->err, &p->err_len);
		if (harness_count_lines(p) >= n)
			return 0;
		if (left <= 0 || (p->out_fd < 0 && p->err_fd < 0))
			return -1;
		poll(fds, 2,
		    left < HARNESS_TICK_MS ? (int)left : HARNESS_TICK_MS);
	}
}

void
proc_signal(struct proc *p, int sig)
{
	if (p->pid > 0)
		kill(p->pid, sig);
}

void
proc_free(struct proc *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
	p->out_fd = p->err_fd = -1;
	p->out_len = p->err_len = 0;
}

/* Bind type on port (0: any) on the wildcard address, dual-stack when the
 * host has IPv6; the port actually bound, or -1. */
static int
harness_bind(int family, int type, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, off = 0, rc = -1;

	fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		len = sizeof *s4;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		goto out;
	rc = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                              : ((struct sockaddr_in *)&ss)->sin_port);
out:
	close(fd);
	return rc;
}

int
port_free(int type)
{
	int i, port;

	for (i = 0; i < HARNESS_PORT_TRIES; i++) {
		port = harness_bind(AF_INET6, type, 0);
		if (port < 0) /* no IPv6 on this host */
			return harness_bind(AF_INET, type, 0);
		/* The dual-stack bind covered both families; make sure
		 * IPv4 alone agrees (a host may refuse V6ONLY off). */
		if (harness_bind(AF_INET, type, port) == port)
			return port;
	}
	return -1;
}

/* 1 if the /proc/net table at path holds a socket on port (TCP: in the
 * LISTEN state, 0A), 0 if not, -1 if the table cannot be read. */
static int
harness_in_table(const char *path, int tcp, int port)
{
	char line[512], local[64], state[8];
	unsigned lport;
	FILE *f;
	int found = 0;

	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(line, sizeof line, f) == NULL) /* header */
		line[0] = '\0';
	while (!found && fgets(line, sizeof line, f) != NULL) {
		char *colon;

		if (sscanf(line, " %*s %63s %*s %7s", local, state) != 2)
			continue;
		colon = strrchr(local, ':');
		if (colon == NULL || sscanf(colon + 1, "%x", &lport) != 1)
			continue;
		found =
		    (int)lport == port && (!tcp || strcmp(state, "0A") == 0);
	}
	fclose(f);
	return found;
}

/* Poll the tables until port shows up, the deadline passes or (p not
 * NULL) p exits. */
static int
harness_port_wait(struct proc *p, int type, int port, int timeout_ms)
{
	int tcp = type == SOCK_STREAM;
	const char *v4 = tcp ? "/proc/net/tcp" : "/proc/net/udp";
	const char *v6 = tcp ? "/proc/net/tcp6" : "/proc/net/udp6";
	long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		if (harness_in_table(v6, tcp, port) == 1 ||
		    harness_in_table(v4, tcp, port) == 1)
			return 0;
		if (harness_now_ms() >= deadline)
			return -1;
		if (p != NULL && !proc_running(p))
			return -1;
		poll(NULL, 0, HARNESS_PORT_POLL_MS);
	}
}

int
port_wait(int type, int port, int timeout_ms)
{
	return harness_port_wait(NULL, type, port, timeout_ms);
}

int
proc_ready(struct proc *p, int type, int port, int timeout_ms)
{
	return harness_port_wait(p, type, port, timeout_ms);
}

/* The runner's private /tmp folder (TMPDIR), else /tmp. */
const char *
kit_tmp(const char *name)
{
	static char ring[4][PATH_MAX];
	static unsigned next;
	const char *dir = getenv("TMPDIR");
	char *buf = ring[next++ % 4];

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	snprintf(
	    buf, PATH_MAX, "%s%s%s", dir, name[0] != '\0' ? "/" : "", name);
	return buf;
}

/* The runner's private /var/tmp folder (KIT_VARTMP), else /var/tmp. */
const char *
kit_vartmp(const char *name)
{
	static char ring[4][PATH_MAX];
	static unsigned next;
	const char *dir = getenv("KIT_VARTMP");
	char *buf = ring[next++ % 4];

	if (dir == NULL || dir[0] != '/')
		dir = "/var/tmp";
	snprintf(
	    buf, PATH_MAX, "%s%s%s", dir, name[0] != '\0' ? "/" : "", name);
	return buf;
}

/* A copy of the kit another uid can read, in dir (made if need be):
 * the built labgrade, labpeer and labsniff in build/, the rubrics,
 * labs/ and the lab 1 and 2 references.  0, or -1. */
int
kit_copy(const char *dir)
{
	char cmd[4 * PATH_MAX + 512], *tool[3];
	static const char *const names[3] = {"labgrade", "labpeer", "labsniff"};
	int i, rc = -1;

	for (i = 0; i < 3; i++)
		tool[i] = realpath(kit_bin(names[i]), NULL);
	if (tool[0] != NULL && tool[1] != NULL && tool[2] != NULL &&
	    snprintf(cmd, sizeof cmd,
	        "set -e; mkdir -p %s; cd %s; mkdir -p build solutions; "
	        "cp %s %s %s build/; (cd \"$OLDPWD\" && tar cf - "
	        "grader/labs/*/*.rubric labs) | tar xf -; "
	        "cp -r \"$OLDPWD/solutions/lab1-udp\" "
	        "\"$OLDPWD/solutions/lab2-tcp\" solutions/; chmod -R a+rX .",
	        kit_shq(dir), kit_shq(dir), kit_shq(tool[0]), kit_shq(tool[1]),
	        kit_shq(tool[2])) < (int)sizeof cmd)
		rc = system(cmd) == 0 ? 0 : -1;
	for (i = 0; i < 3; i++)
		free(tool[i]);
	return rc;
}

const char *
kit_bin(const char *name)
{
	static char ring[4][PATH_MAX];
	static unsigned next;
	const char *dir = getenv("KIT_BUILD");
	char *buf = ring[next++ % 4];

	if (dir == NULL || dir[0] == '\0')
		dir = "build";
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return buf;
}

/* S as one shell word, single-quoted ('\'' for a quote), in a ring. */
const char *
kit_shq(const char *s)
{
	static char ring[8][PATH_MAX * 2];
	static unsigned next;
	char *buf = ring[next++ % 8];
	size_t n = 0;

	buf[n++] = '\'';
	for (; *s != '\0' && n + 6 < sizeof ring[0]; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else
			buf[n++] = *s;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

/* START_TEST(name) defines name_fn: "name: why", on stderr and appended
 * to the runner's list ($KIT_NOT_HERE), one write so lines never mix. */
void
kit_not_here_in(const char *func, const char *why)
{
	const char *list = getenv("KIT_NOT_HERE");
	size_t n = strlen(func);
	char line[1024];
	int fd, len;

	if (n > 3 && strcmp(func + n - 3, "_fn") == 0)
		n -= 3;
	len = snprintf(
	    line, sizeof line, "not here: %.*s: %s\n", (int)n, func, why);
	if (len < 0)
		return;
	if (len >= (int)sizeof line)
		len = (int)sizeof line - 1;
	fputs(line, stderr);
	if (list == NULL || list[0] != '/')
		return;
	fd = open(list, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0) {
		ssize_t w = write(fd, line, (size_t)len);

		(void)w; /* the stderr line is said anyway */
		close(fd);
	}
}
