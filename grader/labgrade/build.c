/*
 * Building a submission: the lab's named .c files are copied into a
 * private folder with the kit's own Makefile for that lab (a student's
 * Makefile is never run), and make runs there in the same sandbox as the
 * student's programs (bubblewrap, seccomp; the folder is all it sees of
 * the host), in a session of its own, with limits, killed at
 * BUILD_TIMEOUT_S.
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
#include <dirent.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "cell.h"
#include "cell-fallback.h"
#include "sandbox.h"
#include "sandbox-seccomp.h"
#include "engine.h"
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

/* How a build runs: argv (bwrap's command line when sandboxed), as uid
 * when it is not -1, with the build's limits when limited. */
struct build_how {
	uid_t uid;
	int limited;
	int seccomp_fd; /* to hand on to bwrap, or -1 */
};

static void
build_limit(int res, rlim_t v)
{
	struct rlimit rl = {v, v};

	setrlimit(res, &rl);
}

/* The student's compiler run: bounded CPU, memory, file size. */
static void
build_limits(void)
{
	build_limit(RLIMIT_CPU, BUILD_CPU_S);
	build_limit(RLIMIT_AS, (rlim_t)BUILD_MEM_MB << 20);
	build_limit(RLIMIT_FSIZE, (rlim_t)BUILD_FSIZE_MB << 20);
	build_limit(RLIMIT_NOFILE, BUILD_NOFILE);
	build_limit(RLIMIT_CORE, 0);
	/* No RLIMIT_NPROC: it counts every process of the build uid
	 * (nobody) on the host, so other users' made the build fail. */
}

static void
build_detach_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0) {
		ioctl(fd, TIOCNOTTY);
		close(fd);
	}
}

static void __attribute__((noreturn)) build_child(
    char *const argv[], const char *cwd, int fd, const struct build_how *how)
{
	static char *const env[] = {"PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "HOME=/tmp", "TMPDIR=/tmp", NULL};
	int devnull = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (how->limited) /* no controlling terminal (see run.c) */
		build_detach_tty();
	if (how->limited)
		build_limits();
	if (how->uid != (uid_t)-1 &&
	    (setgroups(0, NULL) < 0 || setgid((gid_t)how->uid) < 0 ||
	        setuid(how->uid) < 0))
		_exit(125);
	if (how->limited)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (how->seccomp_fd >= 0 && fcntl(how->seccomp_fd, F_SETFD, 0) < 0)
		_exit(125);
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	umask(022);
	if (cwd != NULL && chdir(cwd) < 0)
		_exit(126);
	if (how->limited)
		execvpe(argv[0], argv, env);
	else
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

/* Run argv as how says. */
static int
build_exec(char *const argv[], const char *cwd, int timeout_ms, size_t cap,
    char **out, int *status, const struct build_how *how)
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
		build_child(argv, cwd, fd[1], how);
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
	struct build_how how = {(uid_t)-1, 0, -1};

	return build_exec(argv, cwd, timeout_ms, cap, out, status, &how);
}

/*
 * Copy one regular file of at most BUILD_SOURCE_MAX bytes, never through
 * a symlink (a student's "udp_server.c -> /etc/shadow" must not reach
 * the compiler), never blocking on a FIFO or a device: opened with
 * O_NOFOLLOW | O_NONBLOCK, checked with fstat before a byte is read,
 * and read no further than its size said.  EFBIG: too big; EINVAL: not
 * a regular file.
 */
static int
build_copy(const char *from, const char *to, mode_t mode)
{
	char buf[16384];
	struct stat st;
	ssize_t n = 0;
	off_t left;
	int in, out = -1, rc = -1;

	in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (fstat(in, &st) < 0)
		goto out;
	if (!S_ISREG(st.st_mode) || st.st_size > BUILD_SOURCE_MAX) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto out;
	}
	out = open(
	    to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (out < 0)
		goto out;
	for (left = st.st_size; left > 0; left -= n) {
		n = read(in, buf,
		    left < (off_t)sizeof buf ? (size_t)left : sizeof buf);
		if (n <= 0 || write(out, buf, (size_t)n) != n)
			break;
	}
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
		    _("no folder for the build: %s (set "
		      "LABGRADE_TMPDIR to a writable folder outside /tmp, "
		      "which "
		      "each cell replaces with its own)"),
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
			    b->why, sizeof b->why, _("%s did not build"), name);
	}
}

/* socklab: the labs' given helpers, copied from the kit's labs/common. */
static const char *const build_given[] = {"socklab.c", "socklab.h", NULL};

static const char *
build_why(int e)
{
	if (e == ELOOP)
		return "a symbolic link";
	if (e == EFBIG)
		return "larger than " BUILD_SOURCE_MAX_TEXT;
	if (e == EINVAL)
		return "not a regular file";
	return strerror(e);
}

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
	/* Build folders a grader killed before its cleanup left in base:
	 * ours, whether or not already given to build_uid. */
	cell_sweep_stale(base, BUILD_DIR_PREFIX,
	    build_uid != (uid_t)-1 ? build_uid : geteuid(), BUILD_STALE_S);
	snprintf(b->dir, sizeof b->dir, "%s/" BUILD_DIR_PREFIX "XXXXXX", base);
	/* 0711: other users (other cells, other builds) may not list it. */
	if (mkdtemp(b->dir) == NULL || chmod(b->dir, 0711) < 0) {
		snprintf(err, errlen, "%s: %s", b->dir, strerror(errno));
		b->dir[0] = '\0';
		return -1;
	}
	/* Held while we live: the sweep leaves a locked folder alone. */
	b->lock_fd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->lock_fd < 0 || flock(b->lock_fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "%s: %s", b->dir, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s/labs/%s/Makefile", kit, lab->name);
	snprintf(to, sizeof to, "%s/Makefile", b->dir);
	if (build_copy(from, to, 0644) < 0) {
		snprintf(err, errlen, _("the kit's Makefile for %s: %s: %s"),
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
			snprintf(err, errlen, _("the kit's %s: %s"),
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
			    "%s: cannot use it (%s)\n", from, build_why(errno));
	}
	if (build_uid != (uid_t)-1 &&
	    chown(b->dir, build_uid, (gid_t)build_uid) < 0) {
		snprintf(err, errlen, "%s: %s", b->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Does bwrap work here, for the build's uid (user namespaces allowed)?
 * Tried once per process with /usr/bin/true: about 20 ms.
 */
static int
build_sandbox_works(const char *bwrap, uid_t uid)
{
	static int works = -1;
	static struct sandbox_cmd cmd;
	char *prog[] = {"/usr/bin/true", NULL}, *out = NULL;
	struct sandbox_spec spec = {.bwrap = bwrap,
	    .etc = NULL,
	    .cwd = "/tmp",
	    .uid = BUILD_UID,
	    .gid = BUILD_UID,
	    .seccomp_fd = -1};
	struct build_how how = {uid, 1, -1};
	int st = -1;

	if (works >= 0)
		return works;
	works = 0;
	if (sandbox_command(&cmd, &spec, prog) == 0 &&
	    build_exec(cmd.argv, "/", 5000, 1024, &out, &st, &how) == 0 &&
	    WIFEXITED(st) && WEXITSTATUS(st) == 0)
		works = 1;
	free(out);
	return works;
}

/* make -k in the build folder, sandboxed when bwrap works here. */
static int
build_make(struct build_result *b, uid_t build_uid, char **out, int *status)
{
	static struct sandbox_cmd cmd;
	/* socklab: COMMON=. builds with the kit's copy of the given
	 * helpers (build_prepare) */
	char *argv[] = {"make", "-k", "COMMON=.", NULL}, etc[sizeof b->dir + 8];
	struct sandbox_spec spec = {.rw = b->dir,
	    .cwd = b->dir,
	    .etc = etc,
	    .uid = BUILD_UID,
	    .gid = BUILD_UID,
	    .seccomp_fd = -1};
	struct build_how how = {build_uid, 1, -1};
	char *const *run = argv;
	int rc;

	spec.bwrap = sandbox_bwrap();
	snprintf(etc, sizeof etc, "%s/.etc", b->dir);
	if (spec.bwrap != NULL && build_sandbox_works(spec.bwrap, build_uid) &&
	    sandbox_etc(etc, BUILD_UID, BUILD_UID) == 0 &&
	    (spec.seccomp_fd = sandbox_seccomp_fd()) >= 0 &&
	    sandbox_command(&cmd, &spec, argv) == 0) {
		run = cmd.argv;
		how.seccomp_fd = spec.seccomp_fd;
		b->sandboxed = 1;
	}
	rc = build_exec(run, b->dir, BUILD_TIMEOUT_S * 1000, BUILD_LOG_CAP, out,
	    status, &how);
	if (spec.seccomp_fd >= 0)
		close(spec.seccomp_fd);
	return rc;
}

int
build_submission(const struct grade_lab *lab, const char *src, const char *kit,
    struct build_result *b, char *err, size_t errlen)
{
	static const char *const make_env[] = {"MAKEFLAGS", "MFLAGS",
	    "MAKELEVEL", "MAKEOVERRIDES", "CFLAGS", "CPPFLAGS", "LDFLAGS",
	    "LDLIBS", NULL};
	char *out = NULL;
	char missing[1024], *log;
	struct stat st;
	uid_t build_uid;
	size_t i;
	int status = 0, rc;

	memset(b, 0, sizeof *b);
	b->lock_fd = -1;
	if (stat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, _("%s: not a folder"), src);
		return -1;
	}
	build_uid = cell_root() ? BUILD_UID : (uid_t)-1;
	if (build_prepare(lab, src, kit, b, missing, sizeof missing, build_uid,
	        err, errlen) < 0)
		return -1;
	for (i = 0; make_env[i] != NULL; i++) /* the kit's flags, always */
		unsetenv(make_env[i]);
	rc = build_make(b, build_uid, &out, &status);
	if (rc < 0) {
		snprintf(
		    err, errlen, _("cannot run make: %s"), strerror(errno));
		return -1;
	}
	b->ok = 1;
	for (i = 0; i < lab->nprograms && i < GRADE_PROGRAMS_MAX; i++)
		build_check_bin(
		    b, lab->programs[i].name, b->prog[i], sizeof b->prog[i]);
	if (rc > 0)
		snprintf(b->why, sizeof b->why,
		    _("the build took more than "
		      "%d s and was stopped"),
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
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	b->lock_fd = -1;
}
