/*
 * The sandbox every student process runs in (programs and builds):
 * bubblewrap in new user, PID, IPC, UTS and cgroup namespaces, a minimal
 * read-only root with a generated /etc, and our seccomp filter.
 */
#define _GNU_SOURCE /* O_NOFOLLOW, O_CLOEXEC under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cell.h"
#include "sandbox.h"

static const char *const sandbox_bwrap_paths[] = {
    "/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap", NULL};

/* Where bwrap is (a fixed list: never the caller's PATH), or NULL. */
const char *
sandbox_bwrap(void)
{
	int i;

	for (i = 0; sandbox_bwrap_paths[i] != NULL; i++)
		if (access(sandbox_bwrap_paths[i], X_OK) == 0)
			return sandbox_bwrap_paths[i];
	return NULL;
}

static int
sandbox_write(int dir, const char *name, const char *text, size_t n)
{
	int fd, rc = -1;

	fd = openat(dir, name,
	    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) == (ssize_t)n)
		rc = 0;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

/* The host's copy of a public table (services, protocols), at most
 * SANDBOX_ETC_MAX bytes; an empty file if it has none. */
static int
sandbox_copy_table(int dir, const char *name)
{
	char path[64], *buf;
	ssize_t n = 0;
	int fd, rc;

	buf = malloc(SANDBOX_ETC_MAX);
	if (buf == NULL)
		return -1;
	snprintf(path, sizeof path, "/etc/%s", name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, SANDBOX_ETC_MAX);
		close(fd);
	}
	rc = sandbox_write(dir, name, buf, n > 0 ? (size_t)n : 0);
	free(buf);
	return rc;
}

/*
 * The sandbox's /etc, written into the folder path (made here, 0755):
 * hosts (localhost is ::1 and 127.0.0.1), passwd and group lines for
 * the uid and gid the program has inside, nsswitch.conf (files only),
 * services and protocols (copies of the host's public tables), and an
 * empty alternatives/ where the host's is bound (Debian's cc is there).
 */
int
sandbox_etc(const char *path, uid_t uid, gid_t gid)
{
	/* ::1 first: getaddrinfo() keeps this order in the sandbox, and
	 * the cell's own view (RFC 6724 sorting) gives ::1 first too, so
	 * "localhost" means the same to the grader and to the program. */
	static const char hosts[] = "::1\tlocalhost\n127.0.0.1\tlocalhost\n";
	/* every address of a name in hosts, not only its first line */
	static const char hostconf[] = "multi on\n";
	static const char nss[] =
	    "passwd: files\ngroup: files\n"
	    "hosts: files\nservices: files\nprotocols: files\n";
	char text[256];
	int dir, n, rc = -1;

	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return -1;
	if (fchmod(dir, 0755) < 0 ||
	    (mkdirat(dir, "alternatives", 0755) < 0 && errno != EEXIST) ||
	    sandbox_write(dir, "hosts", hosts, sizeof hosts - 1) < 0 ||
	    sandbox_write(dir, "nsswitch.conf", nss, sizeof nss - 1) < 0 ||
	    sandbox_write(dir, "host.conf", hostconf, sizeof hostconf - 1) < 0)
		goto out;
	n = snprintf(text, sizeof text,
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "student:x:%u:%u:student:/tmp:/bin/sh\n"
	    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
	    (unsigned)uid, (unsigned)gid);
	if (sandbox_write(dir, "passwd", text, (size_t)n) < 0)
		goto out;
	n = snprintf(text, sizeof text,
	    "root:x:0:\nstudent:x:%u:\nnogroup:x:65534:\n", (unsigned)gid);
	if (sandbox_write(dir, "group", text, (size_t)n) < 0 ||
	    sandbox_copy_table(dir, "services") < 0 ||
	    sandbox_copy_table(dir, "protocols") < 0)
		goto out;
	rc = 0;
out:
	close(dir);
	return rc;
}

static int
sandbox_add(struct sandbox_cmd *s, const char *arg)
{
	if (s->argc >= SANDBOX_MAX_ARGS - 1)
		return errno = E2BIG, -1;
	s->argv[s->argc++] = (char *)arg;
	s->argv[s->argc] = NULL;
	return 0;
}

/* A copy of text kept in s (for paths built here). */
static const char *
sandbox_keep(struct sandbox_cmd *s, const char *text)
{
	size_t n = strlen(text) + 1;
	char *p;

	if (s->used + n > sizeof s->buf)
		return NULL;
	p = s->buf + s->used;
	memcpy(p, text, n);
	s->used += n;
	return p;
}

static int
sandbox_add_n(struct sandbox_cmd *s, const char *const *args)
{
	for (; *args != NULL; args++)
		if (*args == (const char *)-1 || sandbox_add(s, *args) < 0)
			return errno = errno ? errno : ENOMEM, -1;
	return 0;
}

static int
sandbox_add_etc(struct sandbox_cmd *s, const char *etc)
{
	const char *e;

	/* One bind for all of it: each costs a mount and a remount. */
	if (etc == NULL) {
		if (sandbox_add(s, "--dir") < 0 || sandbox_add(s, "/etc") < 0)
			return -1;
	} else if ((e = sandbox_keep(s, etc)) == NULL ||
	           sandbox_add_n(s,
	               (const char *const[]){"--ro-bind", e, "/etc", NULL}) < 0)
		return -1;
	/* The compiler is /usr/bin/cc -> /etc/alternatives/cc (Debian);
	 * sandbox_etc made its mount point. */
	if (access("/etc/alternatives", F_OK) == 0 &&
	    sandbox_add_n(
	        s, (const char *const[]){"--ro-bind", "/etc/alternatives",
	               "/etc/alternatives", NULL}) < 0)
		return -1;
	return 0;
}

/* Host folders the minimal root takes read-only when they are real
 * folders, or as the symbolic links they are (merged /usr). */
static int
sandbox_add_root(struct sandbox_cmd *s)
{
	static const char *const dirs[] = {
	    "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", NULL};
	char link[PATH_MAX];
	struct stat st;
	const char *l;
	ssize_t n;
	int i;

	if (sandbox_add_n(s,
	        (const char *const[]){"--ro-bind", "/usr", "/usr", NULL}) < 0)
		return -1;
	for (i = 0; dirs[i] != NULL; i++) {
		if (lstat(dirs[i], &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(dirs[i], link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if ((l = sandbox_keep(s, link)) == NULL ||
			    sandbox_add_n(s, (const char *const[]){"--symlink",
			                         l, dirs[i], NULL}) < 0)
				return -1;
		} else if (S_ISDIR(st.st_mode) &&
		           sandbox_add_n(s, (const char *const[]){"--ro-bind",
		                                dirs[i], dirs[i], NULL}) < 0)
			return -1;
	}
	return 0;
}

/* The private tmpfs, each at most SANDBOX_TMPFS_MB: files there are
 * memory, and for an ordinary user (no memory cgroup) RLIMIT_FSIZE,
 * per file, would be all that bounds them. */
static int
sandbox_add_tmpfs(struct sandbox_cmd *s)
{
	static const char *const dirs[] = {
	    "/tmp", "/var/tmp", "/dev/shm", "/run", NULL};
	char num[32];
	const char *size;
	int i;

	snprintf(num, sizeof num, "%ld", (long)SANDBOX_TMPFS_MB << 20);
	if ((size = sandbox_keep(s, num)) == NULL)
		return errno = E2BIG, -1;
	for (i = 0; dirs[i] != NULL; i++)
		if (sandbox_add_n(s, (const char *const[]){"--size", size,
		                         "--tmpfs", dirs[i], NULL}) < 0)
			return -1;
	return 0;
}

/*
 * The bwrap command line for one student process, into s: the caller
 * execs s->argv without a controlling terminal (TIOCNOTTY: no TIOCSTI;
 * not bwrap's --new-session, see run.c).  Nothing of the host is
 * visible but /usr (and the /bin, /lib* links or folders), the generated /etc,
 * spec->ro (read-only at SANDBOX_BIN) and spec->rw (read-write at its own path,
 * the build); /tmp, /var/tmp, /dev/shm and /run are private tmpfs, the root is
 * read-only, /proc is the sandbox's own PID namespace's.
 */
int
sandbox_command(
    struct sandbox_cmd *s, const struct sandbox_spec *spec, char *const prog[])
{
	char num[32];
	const char *uid, *gid, *fd = NULL, *ro = NULL, *rw = NULL, *cwd, *exe;
	int i;

	memset(s, 0, sizeof *s);
	/* Copies: the caller's strings may not outlive this call. */
	cwd = sandbox_keep(s, spec->cwd);
	exe = sandbox_keep(s, prog[0]);
	if ((spec->ro != NULL && (ro = sandbox_keep(s, spec->ro)) == NULL) ||
	    (spec->rw != NULL && (rw = sandbox_keep(s, spec->rw)) == NULL) ||
	    cwd == NULL || exe == NULL)
		return errno = ENAMETOOLONG, -1;
	snprintf(num, sizeof num, "%u", (unsigned)spec->uid);
	uid = sandbox_keep(s, num);
	snprintf(num, sizeof num, "%u", (unsigned)spec->gid);
	gid = sandbox_keep(s, num);
	if (spec->seccomp_fd >= 0) {
		snprintf(num, sizeof num, "%d", spec->seccomp_fd);
		fd = sandbox_keep(s, num);
	}
	if (uid == NULL || gid == NULL ||
	    sandbox_add_n(
	        s, (const char *const[]){spec->bwrap, "--unshare-user",
	               "--unshare-pid", "--unshare-ipc", "--unshare-uts",
	               "--unshare-cgroup-try", "--die-with-parent",
	               "--cap-drop", "ALL", "--uid", uid, "--gid", gid,
	               "--hostname", "cell", NULL}) < 0 ||
	    sandbox_add_root(s) < 0 || sandbox_add_etc(s, spec->etc) < 0 ||
	    sandbox_add_n(s, (const char *const[]){"--proc", "/proc", "--dev",
	                         "/dev", NULL}) < 0 ||
	    sandbox_add_tmpfs(s) < 0)
		return -1;
	if (ro != NULL && sandbox_add_n(s, (const char *const[]){"--ro-bind",
	                                       ro, SANDBOX_BIN, NULL}) < 0)
		return -1;
	if (rw != NULL &&
	    sandbox_add_n(s, (const char *const[]){"--bind", rw, rw, NULL}) < 0)
		return -1;
	if (sandbox_add_n(s, (const char *const[]){"--dir", cwd, "--chdir", cwd,
	                         "--remount-ro", "/", NULL}) < 0)
		return -1;
	if (fd != NULL &&
	    sandbox_add_n(s, (const char *const[]){"--seccomp", fd, NULL}) < 0)
		return -1;
	if (sandbox_add(s, "--") < 0 || sandbox_add(s, exe) < 0)
		return -1;
	for (i = 1; prog[i] != NULL; i++)
		if (sandbox_add(s, prog[i]) < 0)
			return -1;
	return 0;
}
