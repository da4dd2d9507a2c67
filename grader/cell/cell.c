/*
 * The cell's life: open it (namespaces, or the fallback when they are
 * refused), hand out ports, keep track of what runs in it, and close it
 * with nothing left behind.
 */
#define _GNU_SOURCE /* close_range(); O_NOFOLLOW and flock() under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell.h"
#include "cell-ns.h"
#include "cell-fallback.h"
#include "sandbox.h"
#include "cgroup.h"

#define CELL_LOCK_DIR "/run/socklab"

/*
 * Root that can be the cells' and the builds' uids: euid 0 and those
 * uids mapped.  Root of a user namespace that maps only itself ("unshare
 * -r", a rootless container) is not: chown() to them fails with EINVAL,
 * so it grades as an ordinary user does.
 */
int
cell_root(void)
{
	static int known = -1;
	unsigned long in, out, n,
	    lo = CELL_UID_BASE,
	    hi = CELL_UID_BASE + CELL_MAX_SLOTS * (CELL_UID_TRIES + 1);
	int cells = 0, build = 0;
	FILE *f;

	if (geteuid() != 0)
		return 0;
	if (known >= 0)
		return known;
	if ((f = fopen("/proc/self/uid_map", "r")) == NULL)
		return known = 1; /* no user namespaces: the real root */
	while (fscanf(f, "%lu %lu %lu", &in, &out, &n) == 3) {
		cells |= in <= lo && hi <= in + n;
		build |= in <= BUILD_UID && BUILD_UID < in + n;
	}
	fclose(f);
	return known = cells && build;
}

/*
 * As root: the student uid CELL_UID_BASE + slot, or + k * CELL_MAX_SLOTS
 * when a cell of another grading holds it (a lock file per uid), so two
 * live cells never share a uid: RLIMIT_NPROC and the kill-by-uid at
 * close must only ever see one cell's processes.  Uids that belong to an
 * account are skipped.
 */
static int
cell_pick_uid(struct cell *c)
{
	char path[64];
	int k, fd;
	uid_t uid;

	for (k = 0; k < CELL_UID_TRIES; k++) {
		uid =
		    CELL_UID_BASE + (uid_t)c->slot + (uid_t)k * CELL_MAX_SLOTS;
		if (getpwuid(uid) != NULL)
			continue;
		c->uid = c->gid = uid;
		snprintf(
		    path, sizeof path, CELL_LOCK_DIR "/uid-%u", (unsigned)uid);
		if (mkdir(CELL_LOCK_DIR, 0700) < 0 && errno != EEXIST)
			return 0; /* a read-only /run: unlocked, as is */
		fd =
		    open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return 0;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			c->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	return errno = EBUSY, -1;
}

/*
 * Without namespaces student programs are only as far from the host as
 * a uid of their own puts them: with no uid to drop to either (not
 * root), they would run as the instructor, so that needs CELL_UNSAFE.
 */
static int
cell_open_fallback(struct cell *c, int flags)
{
	char why[sizeof c->why];

	c->mode = CELL_FALLBACK;
	/* No bwrap view here: Landlock keeps the kit, homes and other
	 * submissions out of the programs' reach (see cell/landlock.c). */
	c->landlock = cell_landlock_abi();
	if (!c->switch_uid && !(flags & CELL_UNSAFE)) {
		memcpy(why, c->why, sizeof why);
		snprintf(c->why, sizeof c->why,
		    _("no namespaces (%.120s) and no uid to drop to (not "
		      "root): "
		      "refusing to run student code as this user "
		      "(--unsafe-no-sandbox allows it)"),
		    why);
		return errno = EPERM, -1;
	}
	return cell_fallback_enter(c);
}

/*
 * Student programs run through bwrap when it is installed (see
 * cell/sandbox.c), with a /etc of our own.  As an ordinary user they
 * are root of the cell's user namespace, mapped to us: inside bwrap
 * they get an unprivileged uid instead.  Without bwrap they still run
 * in the cell, as before, and c->why says what is missing.
 */
static int
cell_open_sandbox(struct cell *c)
{
	c->sandbox = sandbox_bwrap();
	if (c->sandbox == NULL) {
		snprintf(c->why, sizeof c->why,
		    _("bubblewrap (bwrap) is not installed: student programs "
		      "see the host's files (install bubblewrap)"));
		return 0;
	}
	if (c->userns)
		c->uid = c->gid = CELL_UID_BASE + (uid_t)c->slot;
	snprintf(c->etc, sizeof c->etc, "/tmp/cell-etc");
	return sandbox_etc(c->etc, c->uid, c->gid);
}

int
cell_open(struct cell *c, int slot, int flags)
{
	int rc = 1;

	memset(c, 0, sizeof *c);
	c->slot = slot;
	c->init = c->watchdog = -1;
	c->lock_fd = c->watch_fd = c->dir_fd = -1;
	if (slot < 0 || slot >= CELL_MAX_SLOTS)
		return errno = EINVAL, -1;
	/* A cell takes the whole process with it: under Check that must
	 * be a forked test child, never the runner itself. */
	if (getenv("CK_FORK") != NULL && strcmp(getenv("CK_FORK"), "no") == 0) {
		snprintf(c->why, sizeof c->why,
		    _("CK_FORK=no: a cell needs Check's fork mode"));
		return errno = EPERM, -1;
	}
	c->switch_uid = cell_root();
	if (c->switch_uid) {
		if (cell_pick_uid(c) < 0)
			return -1;
	} else {
		c->uid = getuid();
		c->gid = getgid();
	}
	if (flags & CELL_FORCE_FALLBACK)
		snprintf(c->why, sizeof c->why,
		    _("namespaces not used: fallback forced"));
	else
		rc = cell_ns_enter(c);
	if (rc == 0)
		c->mode = CELL_NS;
	else if (rc > 0)
		rc = cell_open_fallback(c, flags);
	if (rc == 0 && c->mode == CELL_NS)
		rc = cell_open_sandbox(c);
	/* Bounds for all its processes together; without a cgroup (not
	 * root, or none writable) the per-process rlimits are all. */
	if (rc == 0)
		cell_cgroup_open(c);
	if (rc < 0) {
		int e = errno;

		cell_close(c);
		errno = e;
		return -1;
	}
	return 0;
}

/* Bind a dual-stack socket of type to port (0: any); its fd, or -1.
 * Where the host has no IPv6 (some containers), an IPv4 one. */
static int
bind_any(int type, int port)
{
	struct sockaddr_in6 a6 = {
	    .sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port)};
	struct sockaddr_in a4 = {
	    .sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int fd, off = 0, rc;

	fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		rc = bind(fd, (struct sockaddr *)&a6, sizeof a6);
	} else {
		fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		rc = bind(fd, (struct sockaddr *)&a4, sizeof a4);
	}
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A port free on IPv4 and IPv6 alike, for TCP and UDP both (a test may
 * use it for either, and a student program for both): the kernel's
 * choice for one type, kept if the other type can have it too.
 */
static int
cell_free_port(void)
{
	struct sockaddr_storage a;
	socklen_t len;
	int i, fd, fd2, port = -1, p;

	for (i = 0; i < CELL_PORT_TRIES && port < 0; i++) {
		len = sizeof a;
		if ((fd = bind_any(SOCK_STREAM, 0)) < 0)
			return -1;
		p = -1;
		if (getsockname(fd, (struct sockaddr *)&a, &len) == 0)
			p = ntohs(a.ss_family == AF_INET6
			              ? ((struct sockaddr_in6 *)&a)->sin6_port
			              : ((struct sockaddr_in *)&a)->sin_port);
		if (p > 0 && (fd2 = bind_any(SOCK_DGRAM, p)) >= 0) {
			port = p;
			close(fd2);
		}
		close(fd);
	}
	return port > 0 ? port : (errno = EADDRINUSE, -1);
}

int
cell_port(struct cell *c, int type)
{
	int port;

	(void)type; /* ports are free for both: see cell_free_port */
	if (c->nports >= CELL_MAX_PORTS)
		return errno = ENOSPC, -1;
	if (c->mode == CELL_NS)
		port = CELL_PORT + c->nports;
	else
		port = cell_free_port();
	if (port > 0)
		c->ports[c->nports++] = port;
	return port;
}

/*
 * In a helper of ours (init, watchdog, capture): close every descriptor
 * from 3 up but those in keep (sorted here; -1 entries ignored), so a
 * helper never holds a pipe of the test open (its reader would wait for
 * ever for the end of file).
 */
void
cell_close_fds_except(int *keep, int n)
{
	unsigned lo = 3;
	int i, j, t;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (keep[j] < keep[i]) {
				t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (i = 0; i < n; i++) {
		if (keep[i] < (int)lo)
			continue;
		if ((unsigned)keep[i] > lo)
			close_range(lo, (unsigned)keep[i] - 1, 0);
		lo = (unsigned)keep[i] + 1;
	}
	close_range(lo, ~0U, 0);
}

int
cell_track(struct cell *c, pid_t pid)
{
	int i;

	for (i = 0; i < CELL_MAX_RUNS; i++)
		if (c->pids[i] <= 0) {
			c->pids[i] = pid;
			return 0;
		}
	return errno = ENOSPC, -1;
}

void
cell_untrack(struct cell *c, pid_t pid)
{
	int i;

	for (i = 0; i < CELL_MAX_RUNS; i++)
		if (c->pids[i] == pid)
			c->pids[i] = 0;
}

int
cell_tracks(const struct cell *c, pid_t pid)
{
	int i;

	for (i = 0; i < CELL_MAX_RUNS; i++)
		if (c->pids[i] == pid)
			return 1;
	return 0;
}

/*
 * Kill what we started ourselves (the runs, with their process groups,
 * and the captures) and wait until each has exited, its ports with it,
 * without reaping: the pid stays reserved for run_wait/run_free or
 * cell_capture_stop, which may come later and must not hit a new process
 * that reuses the number.
 */
static void
cell_end_started(struct cell *c)
{
	siginfo_t si;
	int i;

	for (i = 0; i < CELL_MAX_RUNS; i++)
		if (c->pids[i] > 0) {
			kill(-c->pids[i], SIGKILL);
			kill(c->pids[i], SIGKILL);
		}
	for (i = 0; i < CELL_MAX_RUNS; i++)
		while (c->pids[i] > 0 &&
		       waitid(P_PID, (id_t)c->pids[i], &si, WEXITED | WNOWAIT) <
		           0 &&
		       errno == EINTR)
			;
}

void
cell_close(struct cell *c)
{
	c->closed = 1;
	/* Our children first, then init takes the rest (its orphans). */
	cell_end_started(c);
	if (c->mode == CELL_NS && c->init > 0)
		cell_ns_kill_all(c);
	cell_cgroup_kill(c);
	if (c->switch_uid && c->uid != 0)
		cell_kill_uid(c->uid);
	/* Without namespaces its files and IPC objects are on the host's. */
	if (c->mode == CELL_FALLBACK && c->switch_uid && c->uid != 0)
		cell_fallback_sweep_uid(c->uid);
	cell_cgroup_close(c);
	if (c->mode == CELL_FALLBACK)
		cell_fallback_close(c);
	else if (c->dir[0] != '\0')
		cell_remove_dir(c->dir);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
	c->dir[0] = '\0';
}
