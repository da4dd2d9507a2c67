/*
 * Running one program in a cell: an unprivileged uid, no_new_privs,
 * resource limits, a wall-clock deadline, output captured up to a cap,
 * and an account of how it ended.
 */
#define _GNU_SOURCE /* close_range(), unshare(), pipe2(), SYS_pidfd_open */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "cgroup.h"
#include "cell-fallback.h"
#include "sandbox.h"
#include "sandbox-seccomp.h"

extern char **environ;

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
run_fill_limits(struct run_limits *l, const struct run_limits *in)
{
	static const struct run_limits zero;

	*l = in != NULL ? *in : zero;
	l->cpu_s = l->cpu_s > 0 ? l->cpu_s : RUN_CPU_S;
	l->mem_mb = l->mem_mb > 0 ? l->mem_mb : RUN_MEM_MB;
	l->nofile = l->nofile > 0 ? l->nofile : RUN_NOFILE;
	l->fsize_mb = l->fsize_mb > 0 ? l->fsize_mb : RUN_FSIZE_MB;
	l->nproc = l->nproc > 0 ? l->nproc : RUN_NPROC;
	l->wall_ms = l->wall_ms > 0 ? l->wall_ms : RUN_WALL_MS;
	l->out_cap = l->out_cap > 0 ? l->out_cap : RUN_OUT_CAP;
}

static void
run_join_argv(struct run *r, char *const argv[])
{
	size_t n = 0;
	int i;

	r->cmdline[0] = '\0';
	for (i = 0; argv[i] != NULL && n + 1 < sizeof r->cmdline; i++)
		n += (size_t)snprintf(r->cmdline + n, sizeof r->cmdline - n,
		    "%s%s", i ? " " : "", argv[i]);
}

static void
set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = {soft, hard};

	setrlimit(res, &rl);
}

/* Students get no capabilities, even as root of a user namespace. */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	int cap;

	if (prctl(PR_SET_SECUREBITS,
	        SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_SETUID_FIXUP |
	            SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NOROOT |
	            SECBIT_NOROOT_LOCKED) < 0)
		return -1;
	for (cap = 0; prctl(PR_CAPBSET_READ, cap) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap) < 0)
			return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof d);
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * A /proc of the cell's own: only the cell's processes, not the host's
 * (whose command lines, and as an ordinary user whose memory through
 * /proc/PID/mem, the host /proc would show).  It takes a mount namespace
 * for this program alone, which keeps the cell's /etc/hosts and /tmp.
 */
static int
private_proc(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	return mount(
	    "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* Everything a student program gets before exec (of bwrap, when
 * sandboxed: it takes the rest from there); 0 or -1 (errno). */
static int
run_confine(
    struct cell *c, const struct run *r, rlim_t nproc, const char *prog_dir)
{
	const struct run_limits *l = &r->lim;

	set_limit(RLIMIT_CORE, 0, 0);
	if (l->trusted)
		return 0;
	if (cell_cgroup_enter(c, r->cg_id) < 0)
		return -1;
	set_limit(RLIMIT_CPU, (rlim_t)l->cpu_s, (rlim_t)l->cpu_s + 1);
	set_limit(RLIMIT_AS, (rlim_t)l->mem_mb << 20, (rlim_t)l->mem_mb << 20);
	set_limit(RLIMIT_NOFILE, (rlim_t)l->nofile, (rlim_t)l->nofile);
	set_limit(
	    RLIMIT_FSIZE, (rlim_t)l->fsize_mb << 20, (rlim_t)l->fsize_mb << 20);
	set_limit(RLIMIT_NPROC, nproc, nproc);
	/* bwrap too needs it: it finds its child under /proc by the pid
	 * it sees, in the cell's PID namespace. */
	if (c->mode == CELL_NS && private_proc() < 0)
		return -1;
	/* As root, bwrap itself runs as the cell's uid (in a user
	 * namespace of that uid: never root's on the host).  In a user
	 * namespace, bwrap needs the capabilities it drops itself. */
	if (c->switch_uid) {
		if (setgroups(0, NULL) < 0 || setgid(c->gid) < 0 ||
		    setuid(c->uid) < 0)
			return -1;
	} else if (c->userns && !r->sandboxed && drop_caps() < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (c->mode == CELL_FALLBACK && c->landlock > 0 &&
	    cell_landlock(prog_dir, c->dir) < 0)
		return -1;
	/* bwrap applies the filter itself; without it, we do. */
	return r->sandboxed ? 0 : sandbox_seccomp_load();
}

/*
 * A student program loses the controlling terminal (no TIOCSTI, no
 * escape sequences into the instructor's shell): /dev/tty then fails
 * with ENXIO for it and all it starts, and no descriptor of the
 * terminal reaches it.  Not setsid(): with the scheduler's autogroups
 * (kernel.sched_autogroup_enabled) a new session is a CPU group of its
 * own, which changes the program's CPU share against labpeer (measured:
 * at nice 0 lab2's server_no_read overran its output cap, at the test's
 * nice it missed deadlines under load).  For the same reason bwrap gets
 * no --new-session: the program stays in our session, without its
 * terminal, in a process group of its own.
 */
static void
run_detach_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	setpgid(0, 0);
	if (fd < 0)
		return; /* no controlling terminal to lose */
	ioctl(fd, TIOCNOTTY);
	close(fd);
}

/* The folder of an absolute path (into dir), or NULL. */
static const char *
run_dirname(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || slash == NULL || (size_t)(slash - path) + 2 > len)
		return NULL;
	memcpy(dir, path, (size_t)(slash - path) + 1);
	dir[slash - path + (slash == path)] = '\0';
	return dir;
}

static void
run_child(struct cell *c, struct run *r, char *const argv[], int out, int err,
    int ex, rlim_t nproc, int seccomp_fd)
{
	static char *const env[] = {"PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "HOME=/tmp", "TMPDIR=/tmp", NULL};
	char dir[PATH_MAX];
	struct sigaction sa;
	sigset_t none;
	int sig, null, e;

	if (r->lim.trusted)
		setpgid(0, 0);
	else
		run_detach_tty();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0 || chdir(c->dir) < 0 ||
	    run_confine(c, r, nproc, run_dirname(argv[0], dir, sizeof dir)) < 0)
		goto fail;
	/* After the uid switch, which clears it: dies with its owner. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (seccomp_fd >= 0 && fcntl(seccomp_fd, F_SETFD, 0) < 0)
		goto fail;
	execve(argv[0], argv, r->lim.trusted ? environ : env);
fail:
	e = errno;
	if (write(ex, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

/*
 * RLIMIT_NPROC counts every process of the real uid.  Student programs
 * of a root-run cell have a uid of their own and those in a user
 * namespace are counted per namespace (Linux >= 5.14): the plain limit
 * applies.  Without either they share our uid: allow what we already
 * have on top.
 */
static rlim_t
run_nproc(struct cell *c, const struct run_limits *l)
{
	if (c->switch_uid || c->mode == CELL_NS)
		return (rlim_t)l->nproc;
	return (rlim_t)cell_uid_count(getuid()) + (rlim_t)l->nproc;
}

/* Kill the program's process group (a pgid may not exist yet). */
static void
run_kill(struct run *r, int why)
{
	if (r->killed == 0)
		r->killed = why;
	if (r->pid > 0) {
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
	}
}

/* The parent's side of a started child: exec result, pidfd, tracking. */
static int
run_started(struct cell *c, struct run *r, int ex)
{
	int e = 0;
	ssize_t n;

	if (cell_track(c, r->pid) < 0) {
		e = errno;
		run_kill(r, RUN_STOPPED);
		waitpid(r->pid, NULL, 0);
		r->pid = -1;
		return errno = e, -1;
	}
	do
		n = read(ex, &e, sizeof e);
	while (n < 0 && errno == EINTR);
	if (n == sizeof e) {
		waitpid(r->pid, NULL, 0);
		cell_untrack(c, r->pid);
		r->pid = -1;
		return errno = e, -1;
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (r->pidfd < 0) {
		e = errno;
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		cell_untrack(c, r->pid);
		r->pid = -1;
		return errno = e, -1;
	}
	fcntl(r->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(r->err_fd, F_SETFL, O_NONBLOCK);
	if (c->mode == CELL_FALLBACK)
		cell_fallback_watch(c, r->pid);
	return 0;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
close_pair(int p[2])
{
	close_fd(&p[0]);
	close_fd(&p[1]);
}

/* The child runs in the cell dir: a relative path is resolved first. */
static int
run_resolve(char *const argv[], char **args, int max, char *path)
{
	int i;

	for (i = 0; argv[i] != NULL; i++) {
		if (i == max - 1)
			return errno = E2BIG, -1;
		args[i] = argv[i];
	}
	args[i] = NULL;
	if (argv[0][0] != '/' && strchr(argv[0], '/') != NULL) {
		if (realpath(argv[0], path) == NULL)
			return -1;
		args[0] = path;
	}
	return 0;
}

/* Under /usr (or a link to it, /bin): the sandbox shows it as is. */
static int
run_in_usr(const char *path)
{
	char real[PATH_MAX];

	return realpath(path, real) != NULL && strncmp(real, "/usr/", 5) == 0;
}

/*
 * The bwrap command line for a student program args[0] (absolute, or a
 * name bwrap finds in the sandbox's PATH): its folder shown read-only
 * at SANDBOX_BIN, unless it is one of the system's; its working folder
 * is c->dir, a private tmpfs.  -1 if it cannot be started (errno).
 */
static int
run_sandbox_cmd(
    struct cell *c, struct sandbox_cmd *s, char **args, int seccomp_fd)
{
	char dir[PATH_MAX], prog[PATH_MAX], *slash;
	struct sandbox_spec spec = {.bwrap = c->sandbox,
	    .etc = c->etc,
	    .cwd = c->dir,
	    .uid = c->uid,
	    .gid = c->gid,
	    .seccomp_fd = seccomp_fd};
	char *saved = args[0];
	int rc;

	if (access(args[0], X_OK) < 0)
		return -1;
	if (args[0][0] == '/' && !run_in_usr(args[0])) {
		snprintf(dir, sizeof dir, "%s", args[0]);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (snprintf(prog, sizeof prog, SANDBOX_BIN "/%s", slash + 1) >=
		    (int)sizeof prog)
			return errno = ENAMETOOLONG, -1;
		spec.ro = dir[0] != '\0' ? dir : "/";
		args[0] = prog;
	}
	rc = sandbox_command(s, &spec, args);
	args[0] = saved;
	return rc;
}

int
run_start(struct cell *c, struct run *r, char *const argv[],
    const struct run_limits *lim)
{
	int out[2] = {-1, -1}, err[2] = {-1, -1}, ex[2] = {-1, -1};
	char path[PATH_MAX], *args[RUN_MAX_ARGS], **exe = args;
	static struct sandbox_cmd sbx; /* big: not on the stack */
	int e, rc = -1, seccomp_fd = -1;
	rlim_t nproc;

	memset(r, 0, sizeof *r);
	r->pid = -1;
	r->out_fd = r->err_fd = r->pidfd = -1;
	r->outcome = RUN_RUNNING;
	r->cell = c;
	run_fill_limits(&r->lim, lim);
	run_join_argv(r, argv);
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	if (r->out == NULL || r->err == NULL || argv[0] == NULL)
		goto out;
	if (run_resolve(argv, args, RUN_MAX_ARGS, path) < 0)
		goto out;
	r->sandboxed =
	    c->mode == CELL_NS && c->sandbox != NULL && !r->lim.trusted;
	if (r->sandboxed) {
		if ((seccomp_fd = sandbox_seccomp_fd()) < 0 ||
		    run_sandbox_cmd(c, &sbx, args, seccomp_fd) < 0)
			goto out;
		exe = sbx.argv;
	}
	if (!r->lim.trusted)
		r->cg_id = cell_cgroup_run(c, &r->cg_ooms0);
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(ex, O_CLOEXEC) < 0)
		goto out;
	nproc = run_nproc(c, &r->lim);
	fflush(NULL);
	r->start_ms = mono_ms();
	r->pid = fork();
	if (r->pid == 0)
		run_child(c, r, exe, out[1], err[1], ex[1], nproc, seccomp_fd);
	if (r->pid < 0)
		goto out;
	setpgid(r->pid, r->pid); /* either of us may come first */
	r->out_fd = out[0];
	r->err_fd = err[0];
	out[0] = err[0] = -1;
	close_pair(out); /* the child's ends: EOF once it is gone */
	close_pair(err);
	close_fd(&ex[1]);
	rc = run_started(c, r, ex[0]);
out:
	e = errno;
	close_pair(out);
	close_pair(err);
	close_pair(ex);
	close_fd(&seccomp_fd);
	if (rc < 0) {
		run_free(r);
		errno = e;
	}
	return rc;
}

/* Append what fd has for us; 1 at EOF, 0 otherwise.  Over the cap: kept
 * up to it, and the run is marked for RUN_OUTPUT. */
static int
run_read(struct run *r, int *fd, char **buf, size_t *len)
{
	char chunk[16384], *p;
	size_t room;
	ssize_t n;

	for (;;) {
		n = read(*fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0) {
			close_fd(fd);
			return 1;
		}
		room = r->lim.out_cap - (r->out_len + r->err_len);
		if ((size_t)n > room) {
			run_kill(r, RUN_OUTPUT);
			n = (ssize_t)room;
		}
		if ((p = realloc(*buf, *len + (size_t)n + 1)) == NULL)
			return 0;
		memcpy(p + *len, chunk, (size_t)n);
		*len += (size_t)n;
		p[*len] = '\0';
		*buf = p;
		if (r->killed == RUN_OUTPUT)
			return 0;
	}
}

/* After the exit: what is left in the pipes, unless others hold them. */
static void
run_drain(struct run *r)
{
	long long until = mono_ms() + RUN_DRAIN_MS;
	struct pollfd p[2];
	long long now;

	while ((r->out_fd >= 0 || r->err_fd >= 0) &&
	       r->out_len + r->err_len < r->lim.out_cap &&
	       (now = mono_ms()) < until) {
		p[0] = (struct pollfd){.fd = r->out_fd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
		if (poll(p, 2, (int)(until - now)) <= 0)
			break;
		if (r->out_fd >= 0 && p[0].revents)
			run_read(r, &r->out_fd, &r->out, &r->out_len);
		if (r->err_fd >= 0 && p[1].revents)
			run_read(r, &r->err_fd, &r->err, &r->err_len);
	}
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
}

static void
run_classify(struct run *r, int st, const struct rusage *ru)
{
	long cpu_s = ru->ru_utime.tv_sec + ru->ru_stime.tv_sec;
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	int bad = sig != 0 || WEXITSTATUS(st) != 0;

	r->wstatus = st;
	r->max_rss_kb = ru->ru_maxrss;
	r->status = sig != 0 ? sig : WEXITSTATUS(st);
	if (r->killed == 0 && sig == SIGKILL && r->cell != NULL &&
	    r->cell->closed)
		r->killed = RUN_STOPPED; /* cell_close ended it */
	if (r->killed != 0)
		r->outcome = r->killed;
	else if (sig == SIGXCPU || (sig == SIGKILL && cpu_s >= r->lim.cpu_s))
		r->outcome = RUN_TIMEOUT;
	else if (bad && !r->lim.trusted &&
	         r->max_rss_kb * 100 >=
	             (long)RUN_MEM_NEAR_PCT * r->lim.mem_mb * 1024)
		r->outcome = RUN_MEMORY;
	else
		r->outcome = sig != 0 ? RUN_SIGNALED : RUN_EXITED;
}

/* Collect the ended (or killed) program: 0. */
static int
run_reap(struct run *r)
{
	struct rusage ru;
	long ooms = 0;
	int st = 0;
	pid_t p;

	memset(&ru, 0, sizeof ru);
	do
		p = wait4(r->pid, &st, 0, &ru);
	while (p < 0 && errno == EINTR);
	if (p < 0) {
		/* Reaped behind our back: all we know is that it ended. */
		st = SIGKILL;
		if (r->killed == 0)
			r->killed = RUN_STOPPED;
	}
	if (r->cell != NULL)
		cell_untrack(r->cell, r->pid);
	run_drain(r);
	close_fd(&r->pidfd);
	if (r->cell != NULL && r->cg_id > 0) {
		long peak =
		    cell_cgroup_run_end(r->cell, r->cg_id, r->cg_ooms0, &ooms);

		/* wait4 saw bwrap, not the program, when sandboxed. */
		if (peak > ru.ru_maxrss)
			ru.ru_maxrss = peak;
		r->cg_id = 0;
	}
	/* bwrap passes on a signal's death as the shell does: 128 + N. */
	if (r->sandboxed && WIFEXITED(st) && WEXITSTATUS(st) > 128 &&
	    WEXITSTATUS(st) - 128 < NSIG)
		st = WEXITSTATUS(st) - 128;
	run_classify(r, st, &ru);
	/* The OOM killer killed it, or some of its processes (counted in
	 * its own cgroup), at the cell's cgroup limit: what ended it (a
	 * crash, an error exit, the deadline it missed while the kernel
	 * reclaimed) is that. */
	if ((r->outcome == RUN_SIGNALED || r->outcome == RUN_TIMEOUT ||
	        (r->outcome == RUN_EXITED && r->status != 0)) &&
	    ooms > 0)
		r->outcome = RUN_MEMORY;
	return 0;
}

int
run_wait(struct run *r, int timeout_ms)
{
	long long now = mono_ms(), deadline = r->start_ms + r->lim.wall_ms;
	long long until = timeout_ms < 0 ? deadline : now + timeout_ms;
	struct pollfd p[3];
	long long wait;

	if (r->pid <= 0 || r->outcome != RUN_RUNNING)
		return r->pid <= 0 ? (errno = EINVAL, -1) : 0;
	for (;;) {
		if ((now = mono_ms()) >= deadline)
			run_kill(r, RUN_TIMEOUT);
		if (r->killed != 0)
			return run_reap(r);
		wait = (until < deadline ? until : deadline) - now;
		p[0] = (struct pollfd){.fd = r->out_fd, .events = POLLIN};
		p[1] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
		p[2] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
		if (poll(p, 3, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR)
			return -1;
		if (r->out_fd >= 0 && p[0].revents)
			run_read(r, &r->out_fd, &r->out, &r->out_len);
		if (r->err_fd >= 0 && p[1].revents)
			run_read(r, &r->err_fd, &r->err, &r->err_len);
		if (p[2].revents && r->killed == 0)
			return run_reap(r);
		if (r->killed == 0 && mono_ms() >= until && until < deadline)
			return 1;
	}
}

/* The parent of each process, from /proc: n entries of pid/ppid pairs. */
static int
run_ppids(pid_t (*tab)[2], int max)
{
	char path[300], buf[512], *p;
	struct dirent *d;
	DIR *dir;
	int n = 0, fd;
	ssize_t len;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while (n < max && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", d->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if ((p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %d", &tab[n][1]) == 1)
			tab[n++][0] = (pid_t)atoi(d->d_name);
	}
	closedir(dir);
	return n;
}

/*
 * A signal for the student's program itself, not bwrap (which would die
 * of a SIGTERM and take the program down with SIGKILL): bwrap's child is
 * the sandbox's init, whose child is the program, in a session of its own.
 */
void
run_signal(struct run *r, int sig)
{
	static pid_t tab[4096][2];
	pid_t init = 0;
	int n, i, sent = 0;

	if (r->pid <= 0 || r->outcome != RUN_RUNNING)
		return;
	if (r->sandboxed) {
		n = run_ppids(tab, 4096);
		for (i = 0; i < n && init == 0; i++)
			if (tab[i][1] == r->pid)
				init = tab[i][0];
		for (i = 0; i < n && init > 0; i++)
			if (tab[i][1] == init) {
				kill(-tab[i][0], sig);
				kill(tab[i][0], sig);
				sent = 1;
			}
		if (sent)
			return;
	}
	kill(-r->pid, sig);
	kill(r->pid, sig);
}

/* The program itself: r->pid, or in the sandbox the child of bwrap's
 * child (the sandbox's init), as run_signal() finds it. */
pid_t
run_program_pid(struct run *r)
{
	static pid_t tab[4096][2];
	pid_t init = 0;
	int n, i;

	if (r->pid <= 0 || r->outcome != RUN_RUNNING)
		return -1;
	if (!r->sandboxed)
		return r->pid;
	n = run_ppids(tab, 4096);
	for (i = 0; i < n && init == 0; i++)
		if (tab[i][1] == r->pid)
			init = tab[i][0];
	for (i = 0; i < n && init > 0; i++)
		if (tab[i][1] == init)
			return tab[i][0];
	return -1;
}

int
run_stop(struct run *r)
{
	if (r->pid <= 0 || r->outcome != RUN_RUNNING)
		return 0;
	r->killed = RUN_STOPPED;
	run_signal(r, SIGTERM);
	/* run_wait reaps at once when killed is set: poll by hand. */
	r->killed = 0;
	if (run_wait(r, RUN_STOP_GRACE_MS) == 1) {
		r->ignored_term = 1;
		run_kill(r, RUN_STOPPED);
		return run_reap(r);
	}
	if (r->outcome == RUN_EXITED || r->outcome == RUN_SIGNALED ||
	    r->outcome == RUN_MEMORY)
		r->outcome = RUN_STOPPED;
	return 0;
}

void
run_free(struct run *r)
{
	if (r->pid > 0 && r->outcome == RUN_RUNNING) {
		run_kill(r, RUN_STOPPED);
		run_reap(r);
	}
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
	close_fd(&r->pidfd);
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
	r->out_len = r->err_len = 0;
	r->cell = NULL;
}

const char *
run_outcome_name(enum run_outcome o)
{
	static const char *const names[] = {
	    [RUN_RUNNING] = "running",
	    [RUN_EXITED] = "exited",
	    [RUN_SIGNALED] = "crashed",
	    [RUN_TIMEOUT] = "timed out",
	    [RUN_MEMORY] = "killed at the memory limit",
	    [RUN_OUTPUT] = "killed for too much output",
	    [RUN_STOPPED] = "stopped",
	};

	if ((unsigned)o >= sizeof names / sizeof names[0])
		return "unknown";
	return names[o];
}
