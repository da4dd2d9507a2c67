/*
 * Building a submission: the lab's named .c files are copied into a
 * private folder with the kit's own Makefile for that lab (a student's
 * Makefile is never run), and make runs there in a process group of its
 * own, killed at BUILD_TIMEOUT_S.
 */
#define _GNU_SOURCE /* setgroups() to drop root before building */
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "lab.h"
#include "param.h"

static long
build_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Keep the last cap bytes of what the pipe gives; the first byte of
 * buf says whether earlier bytes were dropped. */
static void
build_keep(char *buf, size_t *len, size_t cap, const char *in, size_t n)
{
	if (*len + n > cap)
		buf[cap + 63] = 1; /* the marker byte, past the text */
	if (n >= cap) {
		memcpy(buf, in + n - cap, cap);
		*len = cap;
		return;
	}
	if (*len + n > cap) {
		memmove(buf, buf + (*len + n - cap), cap - n);
		*len = cap - n;
	}
	memcpy(buf + *len, in, n);
	*len += n;
}

static void __attribute__((noreturn))
build_child(char *const argv[], const char *cwd, int fd, uid_t build_uid)
{
	int devnull = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (build_uid != (uid_t)-1 &&
	    (setgroups(0, NULL) < 0 || setgid((gid_t)build_uid) < 0 ||
	        setuid(build_uid) < 0))
		_exit(125);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	umask(022);
	if (cwd != NULL && chdir(cwd) < 0)
		_exit(126);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read until EOF or the deadline; then kill the group and reap. */
static int
build_drain(pid_t pid, int fd, int timeout_ms, char *buf, size_t *len,
    size_t cap, int *status)
{
	long end = build_ms_now() + timeout_ms, left;
	struct pollfd p = {fd, POLLIN, 0};
	char chunk[4096];
	ssize_t n;
	int r, timed_out = 0;

	for (;;) {
		left = end - build_ms_now();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		r = poll(&p, 1, (int)left);
		if (r == 0 || (r < 0 && errno == EINTR))
			continue; /* the deadline is checked above */
		if (r < 0)
			break;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		build_keep(buf, len, cap, chunk, (size_t)n);
	}
	kill(-pid, SIGKILL); /* whatever it left behind, or all of it */
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return timed_out;
}

/* Run argv; as uid when it is not -1 (the build, when we are root). */
static int
build_exec(char *const argv[], const char *cwd, int timeout_ms, size_t cap,
    char **out, int *status, uid_t uid)
{
	size_t len = 0;
	int fd[2], timed_out;
	char *buf;
	pid_t pid;

	*out = NULL;
	buf = malloc(cap + 64);
	if (buf != NULL)
		buf[cap + 63] = 0;
	if (buf == NULL || pipe(fd) < 0) {
		free(buf);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		free(buf);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		build_child(argv, cwd, fd[1], uid);
	}
	setpgid(pid, pid);
	close(fd[1]);
	timed_out = build_drain(pid, fd[0], timeout_ms, buf, &len, cap, status);
	close(fd[0]);
	if (timed_out)
		len += (size_t)snprintf(buf + len, 48,
		    "\n(killed after %g s)\n", timeout_ms / 1000.0);
	buf[len] = '\0';
	if (buf[cap + 63] == 1 && len >= 6) /* dropped the start */
		memcpy(buf, "[...] ", 6);
	*out = buf;
	return timed_out ? 1 : 0;
}

int
build_exec_capture(char *const argv[], const char *cwd, int timeout_ms,
    size_t cap, char **out, int *status)
{
	return build_exec(argv, cwd, timeout_ms, cap, out, status, (uid_t)-1);
}

/* Copy one regular file (never through a symlink: a student's
 * "udp_server.c -> /etc/shadow" must not reach the compiler as root). */
static int
build_copy(const char *from, const char *to, mode_t mode)
{
	char buf[16384];
	struct stat st;
	ssize_t n;
	int in, out, rc = -1;

	in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > BUILD_SOURCE_MAX) {
		errno = out < 0 ? errno : EINVAL;
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto out;
	rc = n < 0 ? -1 : 0;
out:
	close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Where build folders go.  Not under /tmp: each cell mounts a private
 * /tmp, and the student's binaries must stay visible inside the cell. */
static const char *
build_base(char *err, size_t errlen)
{
	const char *b = getenv("LABGRADE_TMPDIR");

	if (b == NULL || b[0] != '/')
		b = access("/var/tmp", W_OK | X_OK) == 0 ? "/var/tmp" : NULL;
	if (b == NULL || strcmp(b, "/tmp") == 0 ||
	    strncmp(b, "/tmp/", 5) == 0) {
		snprintf(err, errlen,
		    "no folder for the build: %s (set "
		    "LABGRADE_TMPDIR to a writable folder outside /tmp, which "
		    "each cell replaces with its own)",
		    b != NULL ? b : "/var/tmp is not writable");
		return NULL;
	}
	return b;
}

/* The last n lines of s (in place). */
static char *
build_last_lines(char *s, int n)
{
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
	while (len > 0) {
		if (s[len - 1] == '\n' && --n == 0)
			break;
		len--;
	}
	return s + len;
}

static void
build_check_bin(
    struct build_result *b, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", b->dir, name);
	if (access(path, X_OK) != 0) {
		path[0] = '\0';
		b->ok = 0;
		if (b->why[0] == '\0')
			snprintf(
			    b->why, sizeof b->why, "%s did not build", name);
	}
}

/* socklab: the labs' given helpers, copied from the kit's labs/common. */
static const char *const build_given[] = {"socklab.c", "socklab.h", NULL};

static int
build_prepare(const struct grade_lab *lab, const char *src, const char *kit,
    struct build_result *b, char *missing, size_t mlen, uid_t build_uid,
    char *err, size_t errlen)
{
	char from[PATH_MAX + 256], to[PATH_MAX + 256];
	const char *sources[64];
	size_t i, m = 0;
	const char *base = build_base(err, errlen);

	if (base == NULL)
		return -1;
	snprintf(b->dir, sizeof b->dir, "%s/labgrade-build-XXXXXX", base);
	if (mkdtemp(b->dir) == NULL || chmod(b->dir, 0755) < 0) {
		snprintf(err, errlen, "%s: %s", b->dir, strerror(errno));
		b->dir[0] = '\0';
		return -1;
	}
	snprintf(from, sizeof from, "%s/labs/%s/Makefile", kit, lab->name);
	snprintf(to, sizeof to, "%s/Makefile", b->dir);
	if (build_copy(from, to, 0644) < 0) {
		snprintf(err, errlen, "the kit's Makefile for %s: %s: %s",
		    lab->name, from, strerror(errno));
		return -1;
	}
	/* socklab: the given helpers (labs/common/) come from the kit,
	 * never from the submission; make gets COMMON=. to use them. */
	for (i = 0; build_given[i] != NULL; i++) {
		snprintf(from, sizeof from, "%s/labs/common/%s", kit,
		    build_given[i]);
		snprintf(to, sizeof to, "%s/%s", b->dir, build_given[i]);
		if (build_copy(from, to, 0644) < 0) {
			snprintf(err, errlen, "the kit's %s: %s",
			    build_given[i], strerror(errno));
			return -1;
		}
	}
	missing[0] = '\0';
	lab_sources(lab, sources, sizeof sources / sizeof sources[0]);
	for (i = 0; sources[i] != NULL; i++) {
		snprintf(from, sizeof from, "%s/%s", src, sources[i]);
		snprintf(to, sizeof to, "%s/%s", b->dir, sources[i]);
		if (build_copy(from, to, 0644) < 0 && m + 1 < mlen)
			m += (size_t)snprintf(missing + m, mlen - m,
			    "%s: cannot use it (%s)\n", from,
			    errno == ELOOP ? "a symbolic link"
			                   : strerror(errno));
	}
	if (build_uid != (uid_t)-1 &&
	    chown(b->dir, build_uid, (gid_t)build_uid) < 0) {
		snprintf(err, errlen, "%s: %s", b->dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
build_submission(const struct grade_lab *lab, const char *src, const char *kit,
    struct build_result *b, char *err, size_t errlen)
{
	static const char *const make_env[] = {"MAKEFLAGS", "MFLAGS",
	    "MAKELEVEL", "MAKEOVERRIDES", "CFLAGS", "CPPFLAGS", "LDFLAGS",
	    "LDLIBS", NULL};
	/* socklab: COMMON=. builds with the kit's copy (build_prepare) */
	char *argv[] = {"make", "-k", "COMMON=.", NULL}, *out = NULL;
	char missing[1024], *log;
	struct stat st;
	uid_t build_uid;
	size_t i;
	int status = 0, rc;

	memset(b, 0, sizeof *b);
	if (stat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a folder", src);
		return -1;
	}
	build_uid = geteuid() == 0 ? BUILD_UID : (uid_t)-1;
	if (build_prepare(lab, src, kit, b, missing, sizeof missing, build_uid,
	        err, errlen) < 0)
		return -1;
	for (i = 0; make_env[i] != NULL; i++) /* the kit's flags, always */
		unsetenv(make_env[i]);
	rc = build_exec(argv, b->dir, BUILD_TIMEOUT_S * 1000, BUILD_LOG_CAP,
	    &out, &status, build_uid);
	if (rc < 0) {
		snprintf(err, errlen, "cannot run make: %s", strerror(errno));
		return -1;
	}
	b->ok = 1;
	for (i = 0; i < lab->nprograms && i < GRADE_PROGRAMS_MAX; i++)
		build_check_bin(b, lab->programs[i].name, b->prog[i],
		    sizeof b->prog[i]);
	if (rc > 0)
		snprintf(b->why, sizeof b->why,
		    "the build took more than "
		    "%d s and was stopped",
		    BUILD_TIMEOUT_S);
	if (!b->ok) {
		log = build_last_lines(out, BUILD_LOG_LINES);
		if (asprintf(&b->log, "%s%s", missing, log) < 0)
			b->log = NULL;
	}
	free(out);
	return 0;
}

void
build_cleanup(struct build_result *b)
{
	char *argv[] = {"rm", "-rf", "--", b->dir, NULL}, *out = NULL;
	int st;

	if (b->dir[0] != '\0' &&
	    build_exec_capture(argv, NULL, 10000, 1024, &out, &st) >= 0)
		free(out);
	free(b->log);
	b->log = NULL;
	b->dir[0] = '\0';
}
