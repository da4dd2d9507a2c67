/*
 * The cell's cgroup: one per cell when we are root, so that memory and
 * the number of processes are bounded for all the cell's student
 * processes together (RLIMIT_AS and RLIMIT_NPROC are per process, per
 * uid).  The unified v2 tree where it is mounted at /sys/fs/cgroup,
 * else v1's memory and pids hierarchies.  Made under our own cgroup;
 * named socklab-<owner pid>-<slot>, so the next run can sweep what a
 * killed grader left (only those whose owner is gone).
 *
 * Making and removing a memory cgroup costs about 16 ms on a busy
 * machine (measured here, v1: mkdir+rmdir, load 30), against 1.6 ms to
 * empty and reset one: after cell_cgroup_keep(owner), a grading's cells
 * take the cgroups of their slot (socklab-<owner>-<slot>, and its run-N
 * below) as the slot's earlier cells left them, emptied, and leave them
 * for the next; cell_cgroup_release(owner) removes them at the end.
 *
 * The CPU time the cell's student processes used (cell_cgroup_cpu_ms)
 * tells the engine whether a test that overran its budget made the
 * grader wait itself: v2's cpu.stat (there with or without the cpu
 * controller), v1's cpuacct.usage of a cpuacct group of the cell's.
 */
#define _GNU_SOURCE /* O_NOFOLLOW, O_CLOEXEC under -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cell.h"
#include "cgroup.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_WANT "memory pids" /* the v2 controllers a cell's limits need */
#define CG_LEAF "grader"      /* socklab-<owner>-grader: the grader's leaf */

/* cell_cgroup_keep's owner: cgroups are named after it and kept. */
static pid_t cg_keeper;

/*
 * The unified (v2) hierarchy, once found (cg2_setup): where it is
 * mounted, the folder the cells' cgroups are made in (our own cgroup,
 * or its parent when cell_cgroup_prepare moved us into a leaf below
 * it), and which of CG_WANT that folder hands down.  Kept in memory,
 * so that children (the runners, the tests in their own cgroup
 * namespace, class mode's gradings) use the folder the grader found.
 */
static struct {
	int ready;           /* cg2_setup ran */
	pid_t owner;         /* the process that prepared (moved), or 0 */
	char root[PATH_MAX]; /* the mount; "" when there is no v2 tree */
	char base[PATH_MAX]; /* where cells' cgroups go; "" when unusable */
	char leaf[PATH_MAX]; /* the leaf we moved into, or "" */
	char on[64];         /* controllers base hands down, of CG_WANT */
	char enabled[64];    /* those we enabled ourselves ("+a +b") */
	/* Set by cell_cgroup_test() only. */
	char test_root[PATH_MAX];
	char want[64];
	int no_kill;
} cg2;

static int
cg_write(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	size_t n = strlen(text);
	int fd, rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) == (ssize_t)n)
		rc = 0;
	close(fd);
	return rc;
}

/* Our own cgroup in hierarchy ctl ("memory", "pids"; "" for v2), from
 * /proc/self/cgroup, under mnt: into out. */
static int
cg_own(const char *mnt, const char *ctl, char *out, size_t len)
{
	char line[PATH_MAX], *a, *b;
	FILE *f = fopen("/proc/self/cgroup", "re");
	int rc = -1;

	if (f == NULL)
		return -1;
	while (rc < 0 && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((a = strchr(line, ':')) == NULL ||
		    (b = strchr(a + 1, ':')) == NULL)
			continue;
		*b = '\0';
		/* v2's "0::PATH", which *b cut to "0:" */
		if ((ctl[0] == '\0' && a == line + 1 && line[0] == '0' &&
		        a[1] == '\0') ||
		    (ctl[0] != '\0' && strcmp(a + 1, ctl) == 0))
			rc =
			    snprintf(out, len, "%s%s", mnt,
			        strcmp(b + 1, "/") == 0 ? "" : b + 1) < (int)len
			        ? 0
			        : -1;
	}
	fclose(f);
	return rc;
}

/* Whether w is one of the words of list (space-separated). */
static int
cg_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ' || p[-1] == '+') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
		p += n;
	}
	return 0;
}

/* The text of dir/file (a cgroup file: short) into buf; 0 or -1. */
static int
cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* v2: whether the cgroup folder dir or one below it holds a process. */
static int
cg_populated(const char *dir)
{
	char text[256], *p;

	if (cg_read(dir, "cgroup.events", text, sizeof text) < 0 ||
	    (p = strstr(text, "populated ")) == NULL)
		return -1;
	return p[10] == '1';
}

/* v2: 0 once cgroup.events says dir holds no process (a killed one
 * leaves the count a moment after it leaves cgroup.procs), -1 if not
 * within CELL_KILL_WAIT_MS or not readable. */
static int
cg_wait_empty(const char *dir)
{
	int i, n;

	for (i = 0; i < CELL_KILL_WAIT_MS; i++) {
		if ((n = cg_populated(dir)) <= 0)
			return n;
		usleep(1000);
	}
	return -1;
}

/* SIGKILL to every process of the cgroup folder dir and of the
 * folders below it (a cell's runs are in run-N below the cell's): how
 * many were listed, or -1 when dir cannot be read. */
static int
cg_kill_procs(const char *dir, int depth)
{
	char path[PATH_MAX + 300];
	struct dirent *e;
	int n = 0, k, pid;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fscanf(f, "%d", &pid) == 1) {
		/* 0: a process outside our PID namespace, which kill(0)
		 * would take for our own process group */
		if (pid > 0)
			kill(pid, SIGKILL);
		n++;
	}
	fclose(f);
	if (depth > 0 && (d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
			    snprintf(path, sizeof path, "%s/%s", dir,
			        e->d_name) < (int)sizeof path &&
			    (k = cg_kill_procs(path, depth - 1)) > 0)
				n += k;
		closedir(d);
	}
	return n;
}

/*
 * Every process of the cgroup folder dir (and below it) killed: 0 once
 * none is left.  v2 (Linux >= 5.14) has cgroup.kill, which the kernel
 * applies to every process of the subtree, forks in flight included,
 * whoever owns them.  Without it (v1, older kernels) each process listed
 * in dir's cgroup.procs and its subfolders' gets SIGKILL, for a few
 * rounds (forks race the kill).  (The v2 fallback once read dir's list
 * alone and left the runs' processes, in run-N, alive: the cgroup
 * suite's test_v2_cell.)
 */
static int
cg_kill_dir(const char *dir)
{
	int i, n;

	if (!cg2.no_kill && cg_write(dir, "cgroup.kill", "1") == 0)
		return cg_wait_empty(dir);
	for (i = 0; i < CELL_KILL_ROUNDS * 5; i++) {
		if ((n = cg_kill_procs(dir, 2)) < 0)
			return -1;
		if (n == 0) /* v1 has no cgroup.events: done */
			return cg_populated(dir) < 0 ? 0 : cg_wait_empty(dir);
		usleep(1000);
	}
	return -1;
}

static void
cg_remove_dir(const char *dir)
{
	char sub[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int i;

	/* The runs' cgroups first (run-N), then the cell's. */
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strncmp(e->d_name, "run-", 4) == 0 &&
			    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) <
			        (int)sizeof sub)
				cg_remove_dir(sub);
		closedir(d);
	}
	for (i = 0; i < CELL_KILL_ROUNDS * 5; i++) {
		cg_kill_dir(dir);
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		usleep(1000);
	}
}

/* The initial PID namespace's inode (PROC_PID_INIT_INO). */
#define CG_INIT_PIDNS 0xEFFFFFFCUL

/* 0 in a PID namespace of our own (a grader run inside a cell or a
 * container): our pids are not the host's. */
static unsigned long
cg_pidns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

/* "socklab-<owner>" in the initial PID namespace, else
 * "socklab-ns<inode>-<owner>", which no sweeper takes for a pid. */
static void
cg_owner_name(char *buf, size_t len, pid_t owner)
{
	unsigned long ns = cg_pidns();

	if (ns == CG_INIT_PIDNS)
		snprintf(buf, len, CELL_CG_PREFIX "%d", (int)owner);
	else
		snprintf(buf, len, CELL_CG_PREFIX "ns%lu-%d", ns, (int)owner);
}

/*
 * Cgroups under base that a grader now gone made: emptied and removed.
 * Only from the initial PID namespace, where the pids in their names
 * mean what kill() sees: a grader in a PID namespace of its own (the
 * selftest's, a container's) found every live grading of the host gone
 * (ESRCH) and removed their cgroups under them (measured: run_start
 * failing with ENOENT in other gradings).
 */
static void
cg_sweep(const char *base)
{
	char path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;
	int pid;

	if (cg_pidns() != CG_INIT_PIDNS || (d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, CELL_CG_PREFIX "%d-", &pid) != 1 ||
		    pid <= 0 || (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof path, "%s/%s", base, e->d_name);
		cg_remove_dir(path);
	}
	closedir(d);
}

/* A folder made for us, or (kept cgroups) one we made before: an
 * existing one that is not a plain folder is refused. */
static int
cg_mkdir(const char *path, int keep)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (!keep || errno != EEXIST)
		return -1;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid())
		return errno = EEXIST, -1;
	return 0;
}

static void cg_empty_dir(const char *dir);

static int
cg_make(struct cell *c, int i, const char *base)
{
	pid_t owner = cg_keeper > 0 ? cg_keeper : getpid();
	char name[96];

	cg_sweep(base);
	cg_owner_name(name, sizeof name, owner);
	if (snprintf(c->cg[i], sizeof c->cg[i], "%s/%s-%d", base, name,
	        c->slot) >= (int)sizeof c->cg[i] ||
	    cg_mkdir(c->cg[i], cg_keeper > 0) < 0) {
		c->cg[i][0] = '\0';
		return -1;
	}
	c->cg_kept = cg_keeper > 0;
	/* A kept one may still hold what a test killed at its timeout
	 * left (its init's death takes it, soon): gone before we start. */
	if (c->cg_kept)
		cg_empty_dir(c->cg[i]);
	return 0;
}

/* The v2 tree's mount: a test's (cell_cgroup_test), CG_ROOT when it
 * is v2 there, else NULL (v1, or a hybrid host: v1 is used). */
static const char *
cg2_mount(void)
{
	struct statfs fs;

	if (cg2.test_root[0] != '\0')
		return cg2.test_root;
	if (statfs(CG_ROOT, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
		return CG_ROOT;
	return NULL;
}

/*
 * Whichever of the wanted controllers cg2.base has (cgroup.controllers)
 * it hands down to its children (cgroup.subtree_control), noted in
 * cg2.on, those we switched on ourselves in cg2.enabled.  1 when one
 * could not be switched on because cg2.base holds processes (v2's "no
 * internal processes" rule: EBUSY), else 0.
 */
static int
cg2_enable(void)
{
	const char *want = cg2.want[0] != '\0' ? cg2.want : CG_WANT;
	char have[256], on[256], word[32], plus[40];
	int busy = 0, n;
	const char *p;

	cg2.on[0] = '\0';
	if (cg_read(cg2.base, "cgroup.controllers", have, sizeof have) < 0 ||
	    cg_read(cg2.base, "cgroup.subtree_control", on, sizeof on) < 0)
		return 0;
	for (p = want; sscanf(p, "%31s%n", word, &n) == 1; p += n) {
		if (!cg_word(have, word))
			continue; /* not delegated to us: per process only */
		snprintf(plus, sizeof plus, "+%s", word);
		if (!cg_word(on, word)) {
			if (cg_write(cg2.base, "cgroup.subtree_control", plus) <
			    0) {
				busy |= errno == EBUSY;
				continue;
			}
			if (strlen(cg2.enabled) + strlen(plus) + 2 <
			    sizeof cg2.enabled)
				strcat(strcat(cg2.enabled, plus), " ");
		}
		if (strlen(cg2.on) + strlen(word) + 2 < sizeof cg2.on)
			strcat(strcat(cg2.on, word), " ");
	}
	return busy;
}

/* Whether a cgroup's name is a grader's leaf (socklab-...-grader). */
static int
cg2_is_leaf(const char *name)
{
	size_t n = strlen(name), k = strlen("-" CG_LEAF);

	return strncmp(name, CELL_CG_PREFIX, strlen(CELL_CG_PREFIX)) == 0 &&
	       n > k && strcmp(name + n - k, "-" CG_LEAF) == 0;
}

/* We (this process, every thread) into a leaf of our own below
 * cg2.base, so that cg2.base holds no process of ours: 0 or -1. */
static int
cg2_move_to_leaf(void)
{
	char name[96];

	cg_owner_name(name, sizeof name, getpid());
	if (snprintf(cg2.leaf, sizeof cg2.leaf, "%s/%s-" CG_LEAF, cg2.base,
	        name) >= (int)sizeof cg2.leaf ||
	    (mkdir(cg2.leaf, 0755) < 0 && errno != EEXIST)) {
		cg2.leaf[0] = '\0';
		return -1;
	}
	if (cg_write(cg2.leaf, "cgroup.procs", "0") < 0) {
		rmdir(cg2.leaf);
		cg2.leaf[0] = '\0';
		return -1;
	}
	cg2.owner = getpid();
	return 0;
}

/*
 * Find, once, where the cells' v2 cgroups go: our own cgroup when it is
 * ours to write (any as root; a delegated subtree as an ordinary user:
 * systemd's user@.service has Delegate=yes), or, when a grader above
 * us moved into a leaf (socklab-...-grader), that leaf's parent.  move:
 * when the controllers cannot be handed down because our cgroup holds
 * processes, move into a leaf of our own first (cell_cgroup_prepare).
 */
static void
cg2_setup(int move)
{
	char own[PATH_MAX], *slash;
	const char *mnt;

	if (cg2.ready)
		return;
	cg2.ready = 1;
	cg2.base[0] = cg2.leaf[0] = cg2.on[0] = cg2.enabled[0] = '\0';
	cg2.root[0] = '\0';
	if ((mnt = cg2_mount()) == NULL)
		return;
	snprintf(cg2.root, sizeof cg2.root, "%s", mnt);
	if (cg_own(mnt, "", own, sizeof own) < 0 || access(own, W_OK) < 0)
		return; /* not ours: the per-process limits are all */
	slash = strrchr(own, '/');
	if (slash != NULL && cg2_is_leaf(slash + 1))
		*slash = '\0';
	snprintf(cg2.base, sizeof cg2.base, "%s", own);
	if (cg2_enable() && move && cg2.leaf[0] == '\0' &&
	    cg2_move_to_leaf() == 0)
		cg2_enable();
}

static int
cg_open_v2(struct cell *c)
{
	char num[32], sub[sizeof cg2.on + 32], word[32];
	const char *p;
	int n;

	cg2_setup(0);
	if (cg2.base[0] == '\0')
		return errno = EACCES, -1;
	if (cg_make(c, 0, cg2.base) < 0)
		return -1;
	snprintf(num, sizeof num, "%ld", (long)CELL_MEM_MB << 20);
	if (cg_word(cg2.on, "memory") &&
	    cg_write(c->cg[0], "memory.max", num) == 0) {
		c->cg_limits |= CELL_CG_MEM;
		cg_write(c->cg[0], "memory.swap.max", "0");
	}
	snprintf(num, sizeof num, "%d", CELL_PIDS);
	if (cg_word(cg2.on, "pids") && cg_write(c->cg[0], "pids.max", num) == 0)
		c->cg_limits |= CELL_CG_PIDS;
	/* Each run gets a cgroup of its own below (its peak memory): the
	 * controllers go down to them. */
	sub[0] = '\0';
	for (p = cg2.on; sscanf(p, "%31s%n", word, &n) == 1; p += n)
		strcat(strcat(strcat(sub, "+"), word), " ");
	if (sub[0] != '\0')
		cg_write(c->cg[0], "cgroup.subtree_control", sub);
	return 0;
}

static int
cg_open_v1(struct cell *c)
{
	char base[PATH_MAX], num[32];

	if (cg_own(CG_ROOT "/memory", "memory", base, sizeof base) < 0 ||
	    cg_make(c, 0, base) < 0)
		return -1;
	snprintf(num, sizeof num, "%ld", (long)CELL_MEM_MB << 20);
	if (cg_write(c->cg[0], "memory.limit_in_bytes", num) < 0)
		return -1;
	/* No swapping around the limit, where swap is accounted. */
	cg_write(c->cg[0], "memory.memsw.limit_in_bytes", num);
	/* Socket buffers: v1 counts them only once this is set (v2 counts
	 * them in memory.max).  Measured: 6 processes filling loopback TCP
	 * pairs without reading held 1.3 GiB of kernel memory in a cell
	 * limited to 256 MiB (test_tcp_memory). */
	cg_write(c->cg[0], "memory.kmem.tcp.limit_in_bytes", num);
	if (cg_own(CG_ROOT "/pids", "pids", base, sizeof base) < 0 ||
	    cg_make(c, 1, base) < 0)
		return -1;
	snprintf(num, sizeof num, "%d", CELL_PIDS);
	if (cg_write(c->cg[1], "pids.max", num) < 0)
		return -1;
	/* CPU accounting only: without it the cell still runs (the
	 * engine then cannot tell whose a budget overrun is). */
	if (cg_own(CG_ROOT "/cpuacct", "cpuacct", base, sizeof base) == 0 ||
	    cg_own(CG_ROOT "/cpu,cpuacct", "cpu,cpuacct", base, sizeof base) ==
	        0)
		cg_make(c, 2, base);
	return 0;
}

/*
 * The cell's cgroup, made and limited (CELL_MEM_MB, CELL_PIDS): v2 where
 * the unified tree is mounted and a folder of it is ours (as root, or
 * delegated to an ordinary user), else v1 as root.  0 with c->cg_mode
 * set and c->cg_limits saying which limits hold for the whole cell
 * (v2: those whose controller was handed down to us), or -1 (errno; no
 * cgroup, c->cg_mode 0).  Without a limit here, the per-process
 * rlimits are all there is (cell_cgroup_note says so).
 */
int
cell_cgroup_open(struct cell *c)
{
	int rc;

	c->cg_mode = 0;
	c->cg_limits = 0;
	c->cg[0][0] = c->cg[1][0] = c->cg[2][0] = '\0';
	if (cg2_mount() != NULL) {
		rc = cg_open_v2(c);
		c->cg_mode = 2;
	} else if (!cell_root()) {
		return errno = EPERM, -1;
	} else {
		rc = cg_open_v1(c);
		c->cg_mode = 1;
		if (rc == 0)
			c->cg_limits = CELL_CG_MEM | CELL_CG_PIDS;
	}
	if (rc < 0) {
		int e = errno;

		cell_cgroup_close(c);
		return errno = e, -1;
	}
	return 0;
}

static long cg_ooms(const char *dir, int mode);

/* The folder of run id's memory cgroup, below the cell's. */
static int
cg_run_path(const struct cell *c, int id, char *path, size_t len)
{
	if (c->cg_mode == 0 || c->cg[0][0] == '\0' || id <= 0)
		return -1;
	return snprintf(path, len, "%s/run-%d", c->cg[0], id) < (int)len ? 0
	                                                                 : -1;
}

/*
 * A cgroup for one run, inside the cell's (whose limits hold for all
 * runs together): bwrap takes the program's rusage with it (its
 * monitor exits without reaping the sandbox), so the run's peak memory
 * comes from here.  Its id (> 0), or 0 when there is no cgroup.
 */
int
cell_cgroup_run(struct cell *c, long *ooms0)
{
	char path[PATH_MAX + 32];
	int id = c->cg_runs + 1, i, reuse = 0;

	*ooms0 = 0;
	/* One an earlier run of this cell left, emptied (v1). */
	for (i = 0; i < 32 && !reuse; i++)
		if (c->cg_free & (1U << i)) {
			c->cg_free &= ~(1U << i);
			id = i + 1;
			reuse = 1;
		}
	if (cg_run_path(c, id, path, sizeof path) < 0)
		return 0;
	if (reuse || mkdir(path, 0700) < 0) {
		/* A kept or freed one, emptied when its last run ended:
		 * v1 resets its peak (after giving back what the old runs
		 * left charged, page cache); v2's memory.peak cannot be
		 * reset on every kernel, so it is made anew. */
		if (!reuse && (errno != EEXIST || !c->cg_kept))
			return 0;
		if (c->cg_mode == 1) {
			cg_write(path, "memory.force_empty", "0");
			if (cg_write(path, "memory.max_usage_in_bytes", "0") <
			    0)
				return 0;
			*ooms0 = cg_ooms(path, c->cg_mode);
		} else if (rmdir(path) < 0 || mkdir(path, 0700) < 0)
			return 0;
	}
	/* v1 counts a socket's buffers in the cgroup of the process that
	 * made it only where that cgroup's own TCP account is on (a
	 * kernel booted with cgroup.memory=nokmem has none). */
	if (c->cg_mode == 1 && !reuse) {
		char num[32];

		snprintf(num, sizeof num, "%ld", (long)CELL_MEM_MB << 20);
		cg_write(path, "memory.kmem.tcp.limit_in_bytes", num);
	}
	if (id > c->cg_runs)
		c->cg_runs = id;
	return id;
}

/* In a student process before it execs: into run id's cgroup (memory)
 * and the cell's (pids; v1). */
int
cell_cgroup_enter(const struct cell *c, int id)
{
	char path[PATH_MAX + 32];

	if (c->cg_mode == 0)
		return 0;
	if (cg_run_path(c, id, path, sizeof path) < 0)
		snprintf(path, sizeof path, "%s", c->cg[0]);
	if (cg_write(path, "cgroup.procs", "0") < 0)
		return -1;
	for (int i = 1; i < 3; i++)
		if (c->cg[i][0] != '\0' &&
		    cg_write(c->cg[i], "cgroup.procs", "0") < 0)
			return -1;
	return 0;
}

/*
 * The file that holds the CPU time the cell's student processes have
 * used since its cgroup was made (a kept one: since the slot's first
 * cell): 0, or -1 when the cell has no CPU account.  cell_cgroup_cpu_ms
 * reads it through an fd, with one pread and no allocation, for a
 * process that only watches.
 */
int
cell_cgroup_cpu_path(const struct cell *c, char *path, size_t len)
{
	int n;

	if (c->cg_mode == 2 && c->cg[0][0] != '\0')
		n = snprintf(path, len, "%s/cpu.stat", c->cg[0]);
	else if (c->cg_mode == 1 && c->cg[2][0] != '\0')
		n = snprintf(path, len, "%s/cpuacct.usage", c->cg[2]);
	else
		return errno = ENOENT, -1;
	return n < (int)len ? 0 : (errno = ENAMETOOLONG, -1);
}

/* That file's CPU time, in ms (v2: usage_usec; v1: ns), or -1. */
double
cell_cgroup_cpu_ms(int fd)
{
	static const char key[] = "usage_usec ";
	char buf[512], *p = buf;
	double v = 0, unit = 1e6; /* cpuacct.usage: ns */
	ssize_t n;

	if (fd < 0 || (n = pread(fd, buf, sizeof buf - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	if (strncmp(buf, key, sizeof key - 1) == 0 ||
	    (p = strstr(buf, "\nusage_usec ")) != NULL) {
		p += p == buf ? sizeof key - 1 : sizeof key; /* v2: us */
		unit = 1e3;
	} else {
		p = buf;
	}
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v / unit;
}

/* The OOM killer's kills in the memory cgroup folder dir (its own
 * processes and those below: the counts go up the hierarchy). */
static long
cg_ooms(const char *dir, int mode)
{
	char path[PATH_MAX + 64], key[64];
	long n, v = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir,
	    mode == 2 ? "memory.events" : "memory.oom_control");
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fscanf(f, "%63s %ld", key, &n) == 2)
		if (strcmp(key, "oom_kill") == 0)
			v = n;
	fclose(f);
	return v;
}

/* Run id's peak memory in kB (-1: not known) and how many of its
 * processes the OOM killer killed (*ooms), and its cgroup removed (what
 * is left of the run in it is killed first). */
long
cell_cgroup_run_end(struct cell *c, int id, long ooms0, long *ooms)
{
	char path[PATH_MAX + 32], file[PATH_MAX + 64];
	long long bytes = -1;
	FILE *f;

	*ooms = 0;
	if (cg_run_path(c, id, path, sizeof path) < 0)
		return -1;
	*ooms = cg_ooms(path, c->cg_mode) - ooms0;
	snprintf(file, sizeof file, "%s/%s", path,
	    c->cg_mode == 2 ? "memory.peak" : "memory.max_usage_in_bytes");
	if ((f = fopen(file, "re")) != NULL) {
		if (fscanf(f, "%lld", &bytes) != 1)
			bytes = -1;
		fclose(f);
	}
	/* v1: emptied for the next run (of this cell, or of the slot's
	 * next cell when kept); removed with the cell's otherwise. */
	if (c->cg_mode == 1 && id <= 32 && cg_kill_dir(path) == 0)
		c->cg_free |= 1U << (id - 1);
	else if (c->cg_kept)
		cg_kill_dir(path);
	else
		cg_remove_dir(path);
	return bytes < 0 ? -1 : (long)(bytes / 1024);
}

/* Every process of the cell's cgroup killed: 0 once none is left. */
int
cell_cgroup_kill(const struct cell *c)
{
	int rc = 0, i;

	/* cg_kill_dir: cgroup.kill (v2, the subtree) or each process; the
	 * v1 cpuacct group (cg[2]) too */
	for (i = 0; i < 3; i++)
		if (c->cg[i][0] != '\0' && cg_kill_dir(c->cg[i]) < 0)
			rc = -1;
	return rc;
}

/* Every process of dir and of its run-N folders killed (kept cgroups). */
static void
cg_empty_dir(const char *dir)
{
	char sub[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strncmp(e->d_name, "run-", 4) == 0 &&
			    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) <
			        (int)sizeof sub)
				cg_kill_dir(sub);
		closedir(d);
	}
	cg_kill_dir(dir);
}

void
cell_cgroup_close(struct cell *c)
{
	int i;

	for (i = 0; i < 3; i++)
		if (c->cg[i][0] != '\0') {
			if (c->cg_kept)
				cg_empty_dir(c->cg[i]);
			else
				cg_remove_dir(c->cg[i]);
		}
	c->cg[0][0] = c->cg[1][0] = c->cg[2][0] = '\0';
	c->cg_mode = 0;
	c->cg_limits = 0;
	c->cg_kept = 0;
	c->cg_free = 0;
	c->cg_runs = 0;
}

/*
 * Cells opened from now on in this process and its children name their
 * cgroups after owner (a live process: the grading's) and leave them,
 * emptied, for the next cell of the same slot.  owner 0: back to a
 * cgroup per cell.
 */
void
cell_cgroup_keep(pid_t owner)
{
	cg_keeper = owner;
}

/* Remove owner's kept cgroups in the folder base (not a grader's
 * leaf: we may be in it). */
static void
cg_release_in(const char *base, const char *prefix)
{
	char path[PATH_MAX + 300];
	size_t n = strlen(prefix);
	struct dirent *e;
	DIR *d;

	if ((d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, n) == 0 &&
		    !cg2_is_leaf(e->d_name) &&
		    snprintf(path, sizeof path, "%s/%s", base, e->d_name) <
		        (int)sizeof path)
			cg_remove_dir(path);
	closedir(d);
}

/* Remove every kept cgroup of owner's (in each hierarchy we use). */
void
cell_cgroup_release(pid_t owner)
{
	static const char *const ctl[][2] = {{CG_ROOT "/memory", "memory"},
	    {CG_ROOT "/pids", "pids"}, {CG_ROOT "/cpuacct", "cpuacct"},
	    {CG_ROOT "/cpu,cpuacct", "cpu,cpuacct"}};
	char base[PATH_MAX], prefix[64];
	size_t i;

	if (owner <= 0)
		return;
	cg_owner_name(prefix, sizeof prefix - 1, owner);
	strcat(prefix, "-");
	if (cg2_mount() != NULL) {
		cg2_setup(0);
		if (cg2.base[0] != '\0')
			cg_release_in(cg2.base, prefix);
	} else if (geteuid() == 0) {
		for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
			if (cg_own(ctl[i][0], ctl[i][1], base, sizeof base) ==
			    0)
				cg_release_in(base, prefix);
	}
	if (cg_keeper == owner)
		cg_keeper = 0;
}

/* The CPU time the cell's processes used, in microseconds (v2's
 * cpu.stat usage_usec, there with or without the cpu controller), or
 * -1 when not known (v1: no cpuacct cgroup is made; no cgroup). */
long long
cell_cgroup_cpu_usec(const struct cell *c)
{
	char text[1024], *p;

	if (c->cg_mode != 2 || c->cg[0][0] == '\0' ||
	    cg_read(c->cg[0], "cpu.stat", text, sizeof text) < 0 ||
	    (p = strstr(text, "usage_usec ")) == NULL)
		return -1;
	return strtoll(p + 11, NULL, 10);
}

/*
 * What the report must say about the cell's limits, into buf: "" when
 * its memory and its processes are bounded for the whole cell, or when
 * it runs as an ordinary user with no cgroup of its own to use (the
 * documented case: README, SECURITY.md); else which are per process
 * only, and why.
 */
void
cell_cgroup_note(const struct cell *c, int as_root, char *buf, size_t len)
{
	const int both = CELL_CG_MEM | CELL_CG_PIDS;
	const char *why = _("not delegated to the grader, or other processes "
	                    "share its cgroup: run labgrade in a cgroup of "
	                    "its own, e.g. under systemd-run --scope");

	buf[0] = '\0';
	if (c->cg_mode != 0 && (c->cg_limits & both) == both)
		return;
	if (c->cg_mode == 0 && !as_root)
		return;
	if (c->cg_mode == 0)
		snprintf(buf, len,
		    _("no cgroup could be made for the cell: memory and "
		      "processes are limited per process only (%d MiB of "
		      "address space, RLIMIT_NPROC), not for the cell as a "
		      "whole"),
		    RUN_MEM_MB);
	else if ((c->cg_limits & both) == 0)
		snprintf(buf, len,
		    _("cgroup v2 in %s without the memory and pids "
		      "controllers (%s): memory and processes are per "
		      "process only"),
		    cg2.base, why);
	else if (c->cg_limits & CELL_CG_MEM)
		snprintf(buf, len,
		    _("cgroup v2 in %s without the pids controller (%s): "
		      "processes are per process only"),
		    cg2.base, why);
	else
		snprintf(buf, len,
		    _("cgroup v2 in %s without the memory controller (%s): "
		      "memory is per process only"),
		    cg2.base, why);
}

/*
 * Once, before a grader forks anything (labgrade's main): on the v2
 * tree, when our cgroup is ours to write but holds processes (ours),
 * so that v2's "no internal processes" rule keeps it from handing the
 * memory and pids controllers down to the cells' cgroups, move into a
 * leaf of our own below it (socklab-<pid>-grader) and hand them down.
 * The cells' cgroups are then made beside that leaf.  Nothing on v1.
 */
void
cell_cgroup_prepare(void)
{
	cg2.ready = 0;
	cg2_setup(1);
}

/* At the grader's exit: what cell_cgroup_prepare did undone (the
 * controllers it switched on, the leaf), as far as nothing else uses
 * them; a leaf left is swept once we are gone. */
void
cell_cgroup_finish(void)
{
	char minus[sizeof cg2.enabled];
	size_t i;

	if (cg2.owner != getpid() || cg2.leaf[0] == '\0')
		return;
	snprintf(minus, sizeof minus, "%s", cg2.enabled);
	for (i = 0; minus[i] != '\0'; i++)
		if (minus[i] == '+')
			minus[i] = '-';
	if (minus[0] != '\0')
		cg_write(cg2.base, "cgroup.subtree_control", minus);
	if (cg_write(cg2.base, "cgroup.procs", "0") == 0)
		rmdir(cg2.leaf);
	cg2.ready = 0;
	cg2.owner = 0;
	cg2.leaf[0] = '\0';
}

/*
 * Tests only (never called by labgrade, so nothing a student program
 * does can reach it): use the v2 tree mounted at t->root in place of
 * /sys/fs/cgroup, want t->controllers in place of "memory pids", and
 * with t->no_kill act as a kernel without cgroup.kill.  NULL: back to
 * the host's.
 */
void
cell_cgroup_test(const struct cell_cgroup_test *t)
{
	memset(&cg2, 0, sizeof cg2);
	if (t == NULL)
		return;
	snprintf(cg2.test_root, sizeof cg2.test_root, "%s",
	    t->root != NULL ? t->root : "");
	snprintf(cg2.want, sizeof cg2.want, "%s",
	    t->controllers != NULL ? t->controllers : "");
	cg2.no_kill = t->no_kill;
}
