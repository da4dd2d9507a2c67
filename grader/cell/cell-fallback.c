/*
 * The cell without namespaces (Docker, Gradescope, WSL1...), and the
 * hunt for leftovers: a watchdog that cleans up if the owner is killed,
 * kill-by-uid, orphans adopted as a child subreaper, the cell dir.
 */
#define _GNU_SOURCE /* PR_SET_CHILD_SUBREAPER, close_range() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell.h"
#include "cell-fallback.h"

struct proc_info {
	pid_t pid, ppid, pgid, sid;
	uid_t uid;
	char state;
};

/* Read /proc/PID/stat and the real uid from /proc/PID/status. */
static int
proc_read(pid_t pid, struct proc_info *pi)
{
	char path[64], buf[1024], *p;
	unsigned u;
	FILE *f;
	int ok = 0;

	pi->pid = pid;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL &&
	    sscanf(p + 1, " %c %d %d %d", &pi->state, &pi->ppid, &pi->pgid,
	        &pi->sid) == 4)
		ok = 1;
	fclose(f);
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!ok || (f = fopen(path, "re")) == NULL)
		return -1;
	ok = 0;
	while (fgets(buf, sizeof buf, f) != NULL)
		if (sscanf(buf, "Uid: %u", &u) == 1) {
			pi->uid = u;
			ok = 1;
		}
	fclose(f);
	return ok ? 0 : -1;
}

/* Call fn on every process; stop early when it returns non-zero. */
static int
proc_each(int (*fn)(const struct proc_info *, void *), void *arg)
{
	struct proc_info pi;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		pid_t pid = (pid_t)atoi(d->d_name);

		if (pid > 0 && proc_read(pid, &pi) == 0)
			n += fn(&pi, arg);
	}
	closedir(dir);
	return n;
}

static int
uid_match(const struct proc_info *pi, void *arg)
{
	return pi->uid == *(uid_t *)arg && pi->state != 'Z';
}

static int
uid_kill(const struct proc_info *pi, void *arg)
{
	if (!uid_match(pi, arg))
		return 0;
	kill(pi->pid, SIGKILL);
	return 1;
}

/* Processes (not zombies) whose real uid is uid. */
int
cell_uid_count(uid_t uid)
{
	return proc_each(uid_match, &uid);
}

/* SIGKILL every process of uid until none is left; how many rounds. */
int
cell_kill_uid(uid_t uid)
{
	int i;

	for (i = 0; i < CELL_KILL_ROUNDS; i++) {
		if (proc_each(uid_kill, &uid) <= 0)
			return 0;
		usleep(1000);
	}
	return -1;
}

static int
orphan_kill(const struct proc_info *pi, void *arg)
{
	const struct cell *c = arg;

	/* Adopted by us (the subreaper) and in a session of its own: a
	 * student program's setsid escapee or its offspring. */
	if (pi->ppid != getpid() || pi->sid == getsid(0) ||
	    pi->pid == c->watchdog || pi->state == 'Z' ||
	    cell_tracks(c, pi->pid))
		return 0;
	kill(pi->pid, SIGKILL);
	waitpid(pi->pid, NULL, 0);
	return 1;
}

void
cell_kill_orphans(struct cell *c)
{
	int i;

	for (i = 0; i < CELL_KILL_ROUNDS; i++)
		if (proc_each(orphan_kill, c) <= 0)
			return;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
cell_remove_dir(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* SysV IPC objects of uid, from /proc/sysvipc/WHAT, removed: the id is
 * column idcol and the owner's uid column uidcol (0-based). */
static void
ipc_sweep(const char *what, int idcol, int uidcol, uid_t uid)
{
	char path[64], line[512], *tok, *save;
	long id, owner;
	FILE *f;
	int col;

	snprintf(path, sizeof path, "/proc/sysvipc/%s", what);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		id = owner = -1;
		for (col = 0, tok = strtok_r(line, " \t\n", &save); tok != NULL;
		     tok = strtok_r(NULL, " \t\n", &save), col++) {
			if (col == idcol)
				id = atol(tok);
			if (col == uidcol)
				owner = atol(tok);
		}
		if (id < 0 || owner != (long)uid)
			continue;
		if (strcmp(what, "shm") == 0)
			shmctl((int)id, IPC_RMID, NULL);
		else if (strcmp(what, "sem") == 0)
			semctl((int)id, 0, IPC_RMID);
		else
			msgctl((int)id, IPC_RMID, NULL);
	}
	fclose(f);
}

/*
 * Fallback as root: what the cell's uid left on the host's shared
 * places (files in the tmpfs folders, SysV IPC objects) is removed; the
 * uid was the cell's alone while it lived (see cell_pick_uid).
 */
void
cell_fallback_sweep_uid(uid_t uid)
{
	static const char *const dirs[] = {
	    "/dev/shm", "/var/tmp", "/tmp", "/run/lock", NULL};
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int i;

	for (i = 0; dirs[i] != NULL; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0 ||
			    fstatat(dirfd(d), e->d_name, &st,
			        AT_SYMLINK_NOFOLLOW) < 0 ||
			    st.st_uid != uid ||
			    snprintf(path, sizeof path, "%s/%s", dirs[i],
			        e->d_name) >= (int)sizeof path)
				continue;
			if (S_ISDIR(st.st_mode))
				cell_remove_dir(path);
			else
				unlinkat(dirfd(d), e->d_name, 0);
		}
		closedir(d);
	}
	ipc_sweep("shm", 1, 7, uid);
	ipc_sweep("sem", 1, 4, uid);
	ipc_sweep("msg", 1, 7, uid);
}

/*
 * The watchdog: in a session of its own (Check's killpg misses it), it
 * makes the cell's folder (so that no moment exists when the folder is
 * there and no live process would remove it: the owner may be killed
 * at any point) and tells the owner its name; it learns the process
 * group of every run, and when the owner dies without closing the cell
 * (its budget ran out) it kills them all, and every process of the
 * cell's uid when that is ours alone, and removes the folder.  It holds
 * a shared lock on the folder until its cleanup is done.
 */
static void
watchdog_main(struct cell *c, int fd)
{
	pid_t pgids[CELL_MAX_RUNS * 4], g;
	int n = 0, i, dfd;

	setsid();
	prctl(PR_SET_NAME, "cell-watchdog");
	if (mkdtemp(c->dir) == NULL) {
		(void)!write(fd, "", 1);
		_exit(1);
	}
	dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (chmod(c->dir, 0755) < 0 || dfd < 0 || flock(dfd, LOCK_SH) < 0 ||
	    write(fd, c->dir, sizeof c->dir) != (ssize_t)sizeof c->dir) {
		cell_remove_dir(c->dir);
		_exit(1);
	}
	while (read(fd, &g, sizeof g) == sizeof g) {
		if (g == 0)
			_exit(0); /* closed cleanly */
		if (n < (int)(sizeof pgids / sizeof pgids[0]))
			pgids[n++] = g;
	}
	for (i = 0; i < n; i++)
		kill(-pgids[i], SIGKILL);
	if (c->switch_uid) {
		cell_kill_uid(c->uid);
		cell_fallback_sweep_uid(c->uid);
	}
	cell_remove_dir(c->dir);
	_exit(0);
}

/* The watchdog's first words: the folder it made (c->dir), or -1. */
static int
watchdog_dir(struct cell *c)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof c->dir) {
		n = read(c->watch_fd, c->dir + got, sizeof c->dir - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != sizeof c->dir || c->dir[0] != '/' ||
	    memchr(c->dir, '\0', sizeof c->dir) == NULL) {
		c->dir[0] = '\0';
		return errno = EIO, -1;
	}
	return 0;
}

/*
 * Folders named prefix* in dir that a killed owner left: a live owner
 * holds a lock on its folder (flock) for as long as it uses it, so a
 * folder of ours (made by owner, or by us) that is unlocked and not
 * touched for stale_s seconds is stale: removed.  Used for fallback
 * cell dirs (owners and watchdogs both killed: kill -9 of a whole
 * tree), and by labgrade for its build and results folders.
 */
void
cell_sweep_stale(const char *dir, const char *prefix, uid_t owner, int stale_s)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
		        (int)sizeof path)
			continue;
		fd =
		    open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 &&
		    (st.st_uid == owner || st.st_uid == geteuid()) &&
		    st.st_mtime + stale_s < time(NULL) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			cell_remove_dir(path);
		close(fd);
	}
	closedir(d);
}

int
cell_fallback_enter(struct cell *c)
{
	const char *tmp = getenv("TMPDIR");
	int p[2];
	pid_t pid;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	cell_sweep_stale(tmp, CELL_DIR_PREFIX, geteuid(), CELL_STALE_S);
	c->ipv6 = access("/proc/net/if_inet6", F_OK) == 0;
	snprintf(c->dir, sizeof c->dir, "%s/" CELL_DIR_PREFIX "XXXXXX", tmp);
	/* Orphans of what we start come to us, not to the host's init. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* The uid lock stays held until the cleanup is done. */
		int keep[] = {p[0], c->lock_fd};

		cell_close_fds_except(keep, 2);
		watchdog_main(c, p[0]);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		c->dir[0] = '\0';
		return -1;
	}
	/* Out of our process group at once, before it may run at all:
	 * Check's kill of our group at a timeout must miss it. */
	setpgid(pid, pid);
	c->watchdog = pid;
	c->watch_fd = p[1];
	if (watchdog_dir(c) < 0)
		return -1;
	/* Held (here and in the watchdog) while the cell lives. */
	c->dir_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dir_fd < 0 || flock(c->dir_fd, LOCK_SH) < 0)
		return -1;
	return 0;
}

void
cell_fallback_watch(struct cell *c, pid_t pgid)
{
	/* The watchdog may be gone (killed by a same-uid student): no
	 * SIGPIPE for us, cell_close cleans up anyway. */
	if (c->watch_fd >= 0 &&
	    send(c->watch_fd, &pgid, sizeof pgid, MSG_NOSIGNAL) < 0)
		return;
}

void
cell_fallback_close(struct cell *c)
{
	pid_t quit = 0;

	cell_kill_orphans(c);
	if (c->dir[0] != '\0')
		cell_remove_dir(c->dir);
	if (c->watch_fd >= 0) {
		if (send(c->watch_fd, &quit, sizeof quit, MSG_NOSIGNAL) < 0)
			kill(c->watchdog, SIGKILL);
		close(c->watch_fd);
		c->watch_fd = -1;
	}
	if (c->watchdog > 0)
		waitpid(c->watchdog, NULL, 0);
	c->watchdog = -1;
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	c->dir_fd = -1;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}
