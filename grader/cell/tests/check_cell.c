/*
 * Tests of the cell: each hostile program classified and nothing left
 * behind, in namespaces, in a user namespace (as nobody) and in the
 * fallback; localhost and AI_ADDRCONFIG, readiness, capture, and Check
 * itself (results reported, its timeout) with a cell open.
 */
#define _GNU_SOURCE /* PR_SET_CHILD_SUBREAPER, setenv() with -std=c11 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <netdb.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "cell-fallback.h"
#include "cgroup.h"
#include "harness.h"

#define SELFTEST_ENV "CELL_SELFTEST" /* set: the nested-only cases */
#define CAPTURE_BURST 500            /* datagrams sent right before a stop */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_file(const char *from, const char *to);

/* Measured: wait4() on "bwrap --unshare-pid" gives bwrap's own peak
 * (about 10 MB), not its program's (90 MB), and only root's cells have
 * a cgroup that knows it. */
#define MEMORY_NOT_HERE                                                        \
	"a sandboxed program's peak memory is unknown without a cgroup "       \
	"(an ordinary user's cells: bwrap's PID namespace hides it from "      \
	"wait4): a memory hog ends crashed (SIGSEGV at RLIMIT_AS), not "       \
	"'killed at the memory limit'"

static char hostile_copy[PATH_MAX];
static pid_t hostile_owner;

static void
hostile_cleanup(void)
{
	if (getpid() == hostile_owner)
		cell_remove_dir(hostile_copy);
}

/*
 * The hostile programs run as the cell's uid: they are copied where that
 * uid can reach them whatever the checkout's permissions (a clone under
 * /root is out of its reach) and out of /tmp (which the cells hide).
 * One copy per test process, removed at its exit; a nested run started
 * by the test inherits it (CELL_HOSTILE_DIR).
 */
static const char *
hostile_dir(void)
{
	const char *env = getenv("CELL_HOSTILE_DIR");
	char from[PATH_MAX + 256], to[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	if (env != NULL)
		return env;
	if (hostile_owner == getpid())
		return hostile_copy;
	/* In the runner's folder: gone at its end even if this test is
	 * killed at its timeout (no atexit then). */
	snprintf(hostile_copy, sizeof hostile_copy, "%s",
	    kit_vartmp("cell-hostile-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(hostile_copy));
	ck_assert_int_eq(chmod(hostile_copy, 0755), 0);
	hostile_owner = getpid();
	atexit(hostile_cleanup);
	d = opendir(kit_bin("tests/hostile"));
	ck_assert_msg(
	    d != NULL, "%s: %s", kit_bin("tests/hostile"), strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof from, "%s/%s", kit_bin("tests/hostile"),
		    e->d_name);
		snprintf(to, sizeof to, "%s/%s", hostile_copy, e->d_name);
		copy_file(from, to);
	}
	closedir(d);
	setenv("CELL_HOSTILE_DIR", hostile_copy, 1);
	return hostile_copy;
}

static const char *
hostile(const char *name)
{
	static char buf[4][PATH_MAX];
	static unsigned next;
	char *p = buf[next++ % 4];

	snprintf(p, PATH_MAX, "%s/", hostile_dir());
	strncat(p, name, PATH_MAX - strlen(p) - 1);
	return p;
}

static void
open_cell(struct cell *c, int slot, int flags)
{
	/* Fallback as an ordinary user is refused unless asked for
	 * (test_refused_fallback checks that); the tests ask for it. */
	if (geteuid() != 0)
		flags |= CELL_UNSAFE;
	ck_assert_msg(cell_open(c, slot, flags) == 0, "cell_open: %s (%s)",
	    strerror(errno), c->why);
	if (flags & CELL_FORCE_FALLBACK)
		ck_assert_int_eq(c->mode, CELL_FALLBACK);
}

static void
start(struct cell *c, struct run *r, const char *prog, const char *arg,
    const struct run_limits *lim)
{
	char *argv[] = {(char *)hostile(prog), (char *)arg, NULL};

	ck_assert_msg(run_start(c, r, argv, lim) == 0, "run_start %s: %s",
	    argv[0], strerror(errno));
}

/* Collect output until stdout holds text; 0, or -1 at ms. */
static int
wait_output(struct run *r, const char *text, int ms)
{
	long long until = now_ms() + ms;

	while (r->out == NULL || strstr(r->out, text) == NULL) {
		if (now_ms() >= until || run_wait(r, 10) != 1)
			return r->out && strstr(r->out, text) ? 0 : -1;
	}
	return 0;
}

/* Nothing of the cell runs any more: no process of its uid (when it has
 * one of its own), and its ports are free again. */
static void
assert_left_nothing(const struct cell *c, const int *ports, int n)
{
	int i, fd, off = 0;
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};

	if (c->switch_uid)
		ck_assert_msg(cell_uid_count(c->uid) == 0,
		    "%d process(es) of uid %u left", cell_uid_count(c->uid),
		    (unsigned)c->uid);
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		a.sin6_port = htons((unsigned short)ports[i]);
		ck_assert_msg(bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
		                  listen(fd, 1) == 0,
		    "port %d still held: %s", ports[i], strerror(errno));
		close(fd);
	}
}

/* Is pid a live process (a zombie is not)? */
static int
pid_running(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int live = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')))
		live = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return live;
}

static int
bind_udp(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	    .sin_port = htons((unsigned short)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	return fd;
}

/* ---- hostile programs: each classified, nothing left behind ---- */

struct hostile_case {
	const char *prog;
	int port_arg; /* pass a cell port as argv[1] */
	struct run_limits lim;
	const char *ready; /* stdout text before run_stop, or NULL */
	enum run_outcome want;
	int status;      /* exit code or signal; -1: any */
	const char *out; /* stdout must hold this */
};

static const struct hostile_case hostile_cases[] = {
    {"quick", 0, {0}, NULL, RUN_EXITED, 3, "out\n"},
    {"segv", 0, {0}, NULL, RUN_SIGNALED, SIGSEGV, "about to crash"},
    {"spin", 0, {.cpu_s = 1}, NULL, RUN_TIMEOUT, SIGXCPU, "spinning"},
    {"block", 0, {.wall_ms = 300}, NULL, RUN_TIMEOUT, SIGKILL, "waiting"},
    {"memhog", 0, {.mem_mb = 64}, NULL, RUN_MEMORY, -1, "eating"},
    {"flood", 0, {.out_cap = 65536}, NULL, RUN_OUTPUT, SIGKILL, "flood"},
    {"forkbomb", 0, {.nproc = 16, .wall_ms = 1500}, NULL, RUN_TIMEOUT, SIGKILL,
        "fork failed after"},
    {"noterm", 0, {0}, "ignoring", RUN_STOPPED, SIGKILL, "ignoring"},
    {"linger", 1, {0}, NULL, RUN_EXITED, 0, "daemon holds port"},
};

#define N_HOSTILE ((int)(sizeof hostile_cases / sizeof hostile_cases[0]))

/* What only some programs show: the fork bomb is bounded by NPROC, the
 * block ends at its deadline, the linger's daemon holds its port. */
static void
hostile_extra(struct cell *c, const struct hostile_case *h, struct run *r,
    int port, long long ms)
{
	const char *s;

	if (strcmp(h->prog, "forkbomb") == 0) {
		s = strstr(r->out, "after ");
		ck_assert_ptr_nonnull(s);
		ck_assert_int_lt(atoi(s + 6), h->lim.nproc);
	}
	if (strcmp(h->prog, "block") == 0)
		ck_assert_msg(ms >= 300 && ms < RUN_WALL_MS / 2,
		    "ended after %lld ms", ms);
	if (strcmp(h->prog, "noterm") == 0)
		ck_assert_int_eq(r->ignored_term, 1);
	/* In bwrap's PID namespace the daemon goes with its program, and
	 * so it does with the run's cgroup, emptied when the run ends. */
	if (strcmp(h->prog, "linger") == 0 &&
	    (c->sandbox != NULL || c->cg_mode != 0)) {
		ck_assert_int_eq(
		    cell_wait_port(c, SOCK_DGRAM, port, NULL, 50), -1);
		ck_assert_int_eq(
		    cell_wait_port(c, SOCK_STREAM, port, NULL, 50), -1);
	} else if (strcmp(h->prog, "linger") == 0) {
		ck_assert_int_eq(
		    cell_wait_port(c, SOCK_DGRAM, port, NULL, CELL_READY_MS),
		    0);
		ck_assert_int_eq(
		    cell_wait_port(c, SOCK_STREAM, port, NULL, CELL_READY_MS),
		    0);
	}
}

static void
hostile_run(int i, int flags)
{
	const struct hostile_case *h = &hostile_cases[i];
	struct cell c;
	struct run r;
	char arg[16];
	int port = 0;
	long long t0;

	open_cell(&c, 0, flags);
	port = cell_port(&c, SOCK_STREAM);
	snprintf(arg, sizeof arg, "%d", port);
	t0 = now_ms();
	start(&c, &r, h->prog, h->port_arg ? arg : NULL, &h->lim);
	if (h->ready != NULL) {
		ck_assert_int_eq(wait_output(&r, h->ready, 2000), 0);
		ck_assert_int_eq(run_stop(&r), 0);
	} else
		ck_assert_int_eq(run_wait(&r, -1), 0);
	if (h->want == RUN_MEMORY && r.outcome == RUN_SIGNALED &&
	    c.sandbox != NULL && c.cg_mode == 0)
		kit_not_here(MEMORY_NOT_HERE);
	else
		ck_assert_msg(r.outcome == h->want,
		    "%s: %s (status %d, maxrss %ld "
		    "kB), want %s",
		    h->prog, run_outcome_name(r.outcome), r.status,
		    r.max_rss_kb, run_outcome_name(h->want));
	if (h->status >= 0)
		ck_assert_int_eq(r.status, h->status);
	ck_assert_msg(strstr(r.out, h->out) != NULL, "stdout: %.80s", r.out);
	hostile_extra(&c, h, &r, port, now_ms() - t0);
	cell_close(&c);
	run_free(&r);
	assert_left_nothing(&c, &port, 1);
}

START_TEST(test_hostile_ns)
{
	hostile_run(_i, 0);
}
END_TEST

START_TEST(test_hostile_fallback)
{
	hostile_run(_i, CELL_FORCE_FALLBACK);
}
END_TEST

/* The output cap holds exactly, and NULs are kept. */
START_TEST(test_output_cap)
{
	struct run_limits lim = {.out_cap = 10000};
	struct cell c;
	struct run r;

	open_cell(&c, 0, 0);
	start(&c, &r, "flood", NULL, &lim);
	ck_assert_int_eq(run_wait(&r, -1), 0);
	ck_assert_int_eq(r.outcome, RUN_OUTPUT);
	ck_assert_uint_eq(r.out_len + r.err_len, 10000);
	ck_assert_int_eq(r.out[r.out_len], '\0');
	cell_close(&c);
	run_free(&r);
}
END_TEST

/* ms of CPU burnt by a shell loop run as the cell's student (trusted 0)
 * or as the grader's own (trusted 1). */
static void
burn_in_cell(struct cell *c, int trusted)
{
	char *argv[] = {"/bin/sh", "-c",
	    "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done", NULL};
	struct run_limits lim = {.trusted = trusted};
	struct run r;

	ck_assert_msg(run_start(c, &r, argv, &lim) == 0, "run_start: %s",
	    strerror(errno));
	ck_assert_int_eq(run_wait(&r, -1), 0);
	ck_assert_int_eq(r.outcome, RUN_EXITED);
	run_free(&r);
}

/*
 * The cell's CPU account (as root: its cgroup, v1 cpuacct or v2
 * cpu.stat): what its student programs burn shows, what the grader's
 * own (trusted) programs burn does not.  The engine tells from it whose
 * a budget overrun is.  _i 0: namespaced, 1: fallback.
 */
START_TEST(test_cpu_account)
{
	char path[PATH_MAX];
	double t0, t1, t2;
	struct cell c;
	int fd;

	if (geteuid() != 0)
		return; /* no cgroup as an ordinary user */
	open_cell(&c, 0, _i == 1 ? CELL_FORCE_FALLBACK : 0);
	ck_assert_msg(cell_cgroup_cpu_path(&c, path, sizeof path) == 0,
	    "no CPU account (cgroup mode %d)", c.cg_mode);
	ck_assert_int_ge(fd = open(path, O_RDONLY | O_CLOEXEC), 0);
	t0 = cell_cgroup_cpu_ms(fd);
	ck_assert_msg(t0 >= 0, "%s: unreadable", path);
	burn_in_cell(&c, 0);
	t1 = cell_cgroup_cpu_ms(fd);
	ck_assert_msg(t1 - t0 >= 50, "student loop: %.1f ms of CPU", t1 - t0);
	burn_in_cell(&c, 1);
	t2 = cell_cgroup_cpu_ms(fd);
	ck_assert_msg(t2 - t1 < (t1 - t0) / 4,
	    "the grader's own loop counted: %.1f ms (student's %.1f)", t2 - t1,
	    t1 - t0);
	close(fd);
	cell_close(&c);
}
END_TEST

/* run_wait with a timeout comes back with the program still running. */
START_TEST(test_wait_timeout)
{
	struct cell c;
	struct run r;

	open_cell(&c, 0, 0);
	start(&c, &r, "block", NULL, NULL);
	ck_assert_int_eq(run_wait(&r, 50), 1);
	ck_assert_int_eq(r.outcome, RUN_RUNNING);
	ck_assert_int_eq(run_stop(&r), 0);
	ck_assert_int_eq(r.outcome, RUN_STOPPED);
	ck_assert_int_eq(r.ignored_term, 0);
	ck_assert_int_eq(r.status, SIGTERM);
	cell_close(&c);
	run_free(&r);
}
END_TEST

/* run_wait(r, 0) does not block, and still sees an exit. */
START_TEST(test_wait_zero)
{
	struct cell c;
	struct run r;
	siginfo_t si;

	open_cell(&c, 0, 0);
	start(&c, &r, "block", NULL, NULL);
	ck_assert_int_eq(run_wait(&r, 0), 1);
	run_free(&r);
	start(&c, &r, "quick", NULL, NULL);
	/* Exited, not reaped: what run_wait must notice without waiting. */
	ck_assert_int_eq(waitid(P_PID, (id_t)r.pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(run_wait(&r, 0), 0);
	ck_assert_int_eq(r.outcome, RUN_EXITED);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_str_eq(r.err, "err\n");
	cell_close(&c);
	run_free(&r);
}
END_TEST

/* A missing program is an error of run_start, not a crash or a 127. */
START_TEST(test_no_binary)
{
	char *argv[] = {"/nonexistent/student_server", NULL};
	struct cell c;
	struct run r;

	open_cell(&c, 0, _i ? CELL_FORCE_FALLBACK : 0);
	ck_assert_int_eq(run_start(&c, &r, argv, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	cell_close(&c);
}
END_TEST

/* cell_close ends what is still running; run_wait then reports it
 * stopped, with the output it printed. */
START_TEST(test_close_running)
{
	struct cell c;
	struct run r[3];
	int i;

	open_cell(&c, 0, _i ? CELL_FORCE_FALLBACK : 0);
	start(&c, &r[0], "noterm", NULL, NULL);
	start(&c, &r[1], "spin", NULL, NULL);
	start(&c, &r[2], "block", NULL, NULL);
	ck_assert_int_eq(wait_output(&r[0], "ignoring", 2000), 0);
	cell_close(&c);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(pid_running(r[i].pid), 0);
		ck_assert_int_eq(run_wait(&r[i], 0), 0);
		ck_assert_int_eq(r[i].outcome, RUN_STOPPED);
	}
	ck_assert_ptr_nonnull(strstr(r[0].out, "ignoring"));
	for (i = 0; i < 3; i++)
		run_free(&r[i]);
	assert_left_nothing(&c, NULL, 0);
}
END_TEST

/* A run whose struct is gone (no run_free: a test returned early) is
 * still ended by cell_close, which holds no pointer to it. */
static pid_t
start_and_forget(struct cell *c, char **out, char **err)
{
	struct run r;

	start(c, &r, "block", NULL, NULL);
	*out = r.out; /* for the leak checker: freed at the end */
	*err = r.err;
	return r.pid; /* r's memory ends here, its fds stay open */
}

START_TEST(test_close_forgotten)
{
	char junk[sizeof(struct run) * 2], *out, *err;
	struct cell c;
	pid_t pid;

	open_cell(&c, 0, _i ? CELL_FORCE_FALLBACK : 0);
	pid = start_and_forget(&c, &out, &err);
	memset(junk, 0x5a, sizeof junk); /* scribble over old stack */
	ck_assert_int_eq(pid_running(pid), 1);
	cell_close(&c);
	ck_assert_int_eq(pid_running(pid), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	assert_left_nothing(&c, NULL, 0);
	free(out);
	free(err);
	(void)junk;
}
END_TEST

/* ---- what a student program gets ---- */

static const char *
probe_value(const char *out, const char *key)
{
	static char v[256];
	const char *p = strstr(out, key);
	size_t n;

	if (p == NULL)
		return "(missing)";
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\n");
	snprintf(v, sizeof v, "%.*s", (int)(n < 255 ? n : 255), p);
	return v;
}

static void
probe_check(struct cell *c)
{
	struct run r;
	char want[64];

	start(c, &r, "probe", NULL, NULL);
	ck_assert_int_eq(run_wait(&r, -1), 0);
	ck_assert_int_eq(r.outcome, RUN_EXITED);
	snprintf(want, sizeof want, "%u", (unsigned)c->uid);
	ck_assert_str_eq(probe_value(r.out, "uid="), want);
	/* a uid of its own has no groups; an ordinary user's programs
	 * keep that user's (dropping them needs CAP_SETGID) */
	snprintf(
	    want, sizeof want, "%d", c->switch_uid ? 0 : getgroups(0, NULL));
	ck_assert_str_eq(probe_value(r.out, "groups="), want);
	ck_assert_str_eq(probe_value(r.out, "NoNewPrivs:"), "1");
	ck_assert_str_eq(probe_value(r.out, "CapEff:"), "0000000000000000");
	ck_assert_str_eq(probe_value(r.out, "nofile="), "64");
	ck_assert_str_eq(probe_value(r.out, "core="), "0");
	ck_assert_str_eq(probe_value(r.out, "cpu="), "5");
	snprintf(want, sizeof want, "%lu", (unsigned long)RUN_MEM_MB << 20);
	ck_assert_str_eq(probe_value(r.out, "as="), want);
	ck_assert_str_eq(probe_value(r.out, "cwd="), c->dir);
	ck_assert_str_eq(probe_value(r.out, "stdin_eof="), "1");
	/* In a cell: its init and the probe; never the host's processes. */
	if (c->mode == CELL_NS)
		ck_assert_str_eq(probe_value(r.out, "procs="), "2");
	run_free(&r);
}

/* What the seccomp filter refuses, what bwrap hides, what stays. */
static const char *const escape_denied[] = {"ptrace", "process_vm_readv",
    "keyctl", "bpf", "perf_event_open", "userfaultfd", "mount", "umount2",
    "unshare", "setns", "clone_newns", "kexec_load", "init_module", "swapon",
    "reboot", "acct", "personality", "tiocsti", NULL};
static const char *const escape_allowed[] = {"query_personality", "thread",
    "fork_exec", "socket", "epoll", "clock", NULL};

START_TEST(test_sandbox_escape)
{
	char kit[PATH_MAX], key[PATH_MAX + 8], *kit_dir;
	char *argv[] = {NULL, "/etc/shadow", "/root", "/home", kit,
	    (char *)hostile_dir(), "/usr/bin/make", NULL};
	struct cell c;
	struct run r;
	int i;

	ck_assert_ptr_nonnull(realpath(kit_bin("tests"), kit));
	kit_dir = strrchr(kit, '/');
	*kit_dir = '\0'; /* the kit's build folder */
	argv[0] = (char *)hostile("escape");
	open_cell(&c, 0, 0);
	ck_assert_msg(c.sandbox != NULL, "no bwrap: %s", c.why);
	ck_assert_int_eq(run_start(&c, &r, argv, NULL), 0);
	ck_assert_int_eq(run_wait(&r, -1), 0);
	ck_assert_msg(r.outcome == RUN_EXITED && r.status == 0, "%s %d: %s",
	    run_outcome_name(r.outcome), r.status, r.err);
	for (i = 0; escape_denied[i] != NULL; i++) {
		snprintf(key, sizeof key, "%s=", escape_denied[i]);
		ck_assert_str_eq(probe_value(r.out, key), "EPERM");
	}
	for (i = 0; escape_allowed[i] != NULL; i++) {
		snprintf(key, sizeof key, "\n%s=", escape_allowed[i]);
		ck_assert_msg(strcmp(probe_value(r.out, key), "ok") == 0,
		    "%s: %s", escape_allowed[i], probe_value(r.out, key));
	}
	ck_assert_str_ne(probe_value(r.out, "\ntty="), "ok");
	ck_assert_str_eq(probe_value(r.out, "hostname="), "cell");
	/* Its tmpfs hold SANDBOX_TMPFS_MB each, cgroup or none. */
	ck_assert_str_eq(probe_value(r.out, "shm_full="), "ENOSPC");
	ck_assert_int_le(atoi(probe_value(r.out, "shm_mb=")), SANDBOX_TMPFS_MB);
	ck_assert_int_ge(
	    atoi(probe_value(r.out, "shm_mb=")), SANDBOX_TMPFS_MB - 8);
	for (i = 1; i <= 5; i++) {
		snprintf(key, sizeof key, "see %s=", argv[i]);
		ck_assert_msg(strcmp(probe_value(r.out, key), "ENOENT") == 0,
		    "%s: %s", key, probe_value(r.out, key));
	}
	snprintf(key, sizeof key, "see %s=", argv[6]);
	ck_assert_str_eq(probe_value(r.out, key), "ok");
	run_free(&r);
	cell_close(&c);
}
END_TEST

/*
 * Fallback as root: Landlock keeps a world-readable file outside the
 * programs' view (the kit's, a home's) out of their reach, and leaves
 * them /usr.  Without Landlock in the kernel there is nothing to check.
 */
START_TEST(test_fallback_landlock)
{
	char dir[256], secret[300], key[400];
	char *argv[] = {NULL, "--read", secret, "/usr/bin/make", NULL};
	struct cell c;
	struct run r;
	FILE *f;

	if (geteuid() != 0) {
		kit_not_here("needs root: a fallback cell of an ordinary "
		             "user runs the programs as that user, not as "
		             "a uid of their own");
		return;
	}
	snprintf(dir, sizeof dir, "%s", kit_vartmp("cell-landlock-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(secret, sizeof secret, "%s/solution.c", dir);
	ck_assert_ptr_nonnull(f = fopen(secret, "w"));
	fputs("the reference\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(secret, 0644), 0);
	argv[0] = (char *)hostile("escape");
	open_cell(&c, 0, CELL_FORCE_FALLBACK);
	ck_assert_int_eq(run_start(&c, &r, argv, NULL), 0);
	ck_assert_int_eq(run_wait(&r, -1), 0);
	cell_remove_dir(dir);
	ck_assert_msg(r.outcome == RUN_EXITED && r.status == 0, "%s %d: %s",
	    run_outcome_name(r.outcome), r.status, r.err);
	snprintf(key, sizeof key, "read %s=", secret);
	ck_assert_str_eq(
	    probe_value(r.out, key), c.landlock > 0 ? "EACCES" : "ok");
	ck_assert_str_eq(probe_value(r.out, "read /usr/bin/make="), "ok");
	run_free(&r);
	cell_close(&c);
}
END_TEST

START_TEST(test_ns_identity)
{
	struct cell c;

	open_cell(&c, 0, 0);
	ck_assert_msg(c.mode == CELL_NS, "no namespaces: %s", c.why);
	ck_assert_int_eq(c.ipv6, 1); /* this kernel has IPv6 */
	/* cell_root(), not geteuid(): an ordinary user's test is root of
	 * the cell's user namespace by now */
	if (cell_root()) {
		ck_assert_uint_ge(c.uid, CELL_UID_BASE);
		ck_assert_int_eq(c.switch_uid, 1);
	}
	probe_check(&c);
	cell_close(&c);
}
END_TEST

START_TEST(test_fallback_identity)
{
	struct cell c;
	struct stat st;
	char dir[PATH_MAX];
	int p1, p2;

	open_cell(&c, 0, CELL_FORCE_FALLBACK);
	ck_assert_str_ne(c.why, "");
	ck_assert_int_eq(stat(c.dir, &st), 0);
	probe_check(&c);
	p1 = cell_port(&c, SOCK_DGRAM);
	p2 = cell_port(&c, SOCK_STREAM);
	ck_assert_int_gt(p1, 0);
	ck_assert_int_gt(p2, 0);
	snprintf(dir, sizeof dir, "%s", c.dir);
	cell_close(&c);
	ck_assert_int_eq(stat(dir, &st), -1);
}
END_TEST

/* Refuse unshare() to this process, as Docker's seccomp profile does. */
static void
refuse_unshare(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(
	        BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

/* Namespaces refused for real: the fallback, and it says why. */
START_TEST(test_refused_fallback)
{
	struct cell c;

	refuse_unshare();
	/* No namespaces and no uid to drop to: refused, unless asked. */
	if (geteuid() != 0) {
		ck_assert_int_eq(cell_open(&c, 0, 0), -1);
		ck_assert_int_eq(errno, EPERM);
		ck_assert_msg(strstr(c.why, "--unsafe-no-sandbox") != NULL,
		    "why: %s", c.why);
	}
	open_cell(&c, 0, 0);
	ck_assert_int_eq(c.mode, CELL_FALLBACK);
	ck_assert_msg(strstr(c.why, "refused") != NULL, "why: %s", c.why);
	probe_check(&c);
	cell_close(&c);
}
END_TEST

/* No IPv6 on the host (some containers): socket(AF_INET6) refused. */
static void
refuse_ipv6(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(
	        BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	        offsetof(struct seccomp_data, args[0])),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

/* Fallback ports on a host without IPv6: IPv4 ones, free for both. */
START_TEST(test_fallback_no_ipv6)
{
	struct cell c;
	int port, fd;

	refuse_ipv6();
	ck_assert_int_eq(socket(AF_INET6, SOCK_DGRAM, 0), -1);
	open_cell(&c, 0, CELL_FORCE_FALLBACK);
	port = cell_port(&c, SOCK_DGRAM);
	ck_assert_int_gt(port, 0);
	fd = bind_udp(port);
	ck_assert_int_ge(fd, 0);
	close(fd);
	cell_close(&c);
}
END_TEST

/* A cell would take Check's runner with it without fork mode. */
START_TEST(test_no_fork_refused)
{
	struct cell c;

	setenv("CK_FORK", "no", 1);
	ck_assert_int_eq(cell_open(&c, 0, 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_ptr_nonnull(strstr(c.why, "CK_FORK"));
	unsetenv("CK_FORK");
}
END_TEST

/* A fallback cell dir whose owner and watchdog were both killed is
 * swept by the next cell; a live (locked) one and a new one are not. */
START_TEST(test_sweep_stale)
{
	char tmp[KIT_TMP_MAX], stale[PATH_MAX], live[PATH_MAX];
	struct timespec old[2] = {
	    {time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
	struct cell c;
	struct stat st;
	int fd;

	snprintf(tmp, sizeof tmp, "%s", kit_tmp("cell-sweep-XXXXXX"));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(stale, sizeof stale, "%s/" CELL_DIR_PREFIX "stale", tmp);
	snprintf(live, sizeof live, "%s/" CELL_DIR_PREFIX "live", tmp);
	ck_assert_int_eq(mkdir(stale, 0755), 0);
	ck_assert_int_eq(mkdir(live, 0755), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, stale, old, 0), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, live, old, 0), 0);
	fd = open(live, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	setenv("TMPDIR", tmp, 1);
	open_cell(&c, 0, CELL_FORCE_FALLBACK);
	ck_assert_int_eq(stat(stale, &st), -1);
	ck_assert_int_eq(stat(live, &st), 0);
	ck_assert_int_eq(strncmp(c.dir, tmp, strlen(tmp)), 0);
	cell_close(&c);
	close(fd);
	ck_assert_int_eq(rmdir(live), 0);
	ck_assert_int_eq(rmdir(tmp), 0);
}
END_TEST

/* Two uids at once: a second cell on the same slot (another grading)
 * never gets the uid a live cell holds. */
START_TEST(test_uid_lock)
{
	struct cell a, b;

	if (geteuid() != 0) {
		kit_not_here("needs root: an ordinary user's cells have no "
		             "uid of their own to lock");
		return;
	}
	open_cell(&a, 5, CELL_FORCE_FALLBACK);
	if (fork() == 0) {
		int ok = cell_open(&b, 5, CELL_FORCE_FALLBACK) == 0 &&
		         b.uid != a.uid;

		cell_close(&b);
		_exit(ok ? 0 : 1);
	}
	{
		int st;

		wait(&st);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "a second cell got uid %u too", (unsigned)a.uid);
	}
	cell_close(&a);
}
END_TEST

/* ---- the cell's network and files ---- */

static int
has_addr(const struct addrinfo *ai, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	for (; ai != NULL; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf,
		        NULL, 0, NI_NUMERICHOST) == 0 &&
		    strcmp(buf, text) == 0)
			return 1;
	return 0;
}

static const char *const resolve_names[] = {"localhost", "127.0.0.1", "::1"};

START_TEST(test_localhost)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
	                    .ai_flags = AI_ADDRCONFIG},
	                *ai;
	const char *name = resolve_names[_i];
	struct cell c;
	int rc;

	open_cell(&c, 0, 0);
	ck_assert_int_eq(c.mode, CELL_NS);
	rc = getaddrinfo(name, "12000", &hints, &ai);
	ck_assert_msg(rc == 0, "%s: %s", name, gai_strerror(rc));
	if (_i != 2)
		ck_assert_msg(
		    has_addr(ai, "127.0.0.1"), "%s: no 127.0.0.1", name);
	if (_i != 1)
		ck_assert_msg(has_addr(ai, "::1"), "%s: no ::1", name);
	freeaddrinfo(ai);
	cell_close(&c);
}
END_TEST

/* The runner's private folder (kit_tmp) is on the host's /tmp: a file
 * there is one of the host's /tmp files a cell must not see, and the
 * runner removes it even when the test fails before its own cleanup. */
static void
host_tmp_scratch(char *path, size_t len, const char *name)
{
	ck_assert_msg(strncmp(kit_tmp(""), "/tmp/", 5) == 0,
	    "TMPDIR %s is not under the host's /tmp", kit_tmp(""));
	snprintf(path, len, "%s", kit_tmp(name));
}

/* A private /tmp (tmpfs; the host's files are not there) and a network
 * of its own: the cell's fixed port is free even if the host uses it. */
START_TEST(test_ns_private)
{
	char host_file[KIT_TMP_MAX];
	struct statfs fs;
	struct cell c;
	int fd, host_tmp;

	host_tmp_scratch(host_file, sizeof host_file, "cell-test-XXXXXX");
	fd = mkstemp(host_file);
	ck_assert_int_ge(fd, 0);
	close(fd);
	host_tmp = open("/tmp", O_PATH | O_DIRECTORY); /* to clean up */
	ck_assert_int_ge(host_tmp, 0);
	open_cell(&c, 0, 0);
	ck_assert_int_eq(access(host_file, F_OK), -1);
	ck_assert_int_eq(statfs("/tmp", &fs), 0);
	ck_assert_int_eq(fs.f_type, TMPFS_MAGIC);
	ck_assert_int_eq(cell_port(&c, SOCK_DGRAM), CELL_PORT);
	ck_assert_int_eq(cell_port(&c, SOCK_STREAM), CELL_PORT + 1);
	ck_assert_int_eq(
	    cell_wait_port(&c, SOCK_DGRAM, CELL_PORT, NULL, 50), -1);
	cell_close(&c);
	ck_assert_int_eq(unlinkat(host_tmp, host_file + 5, 0), 0);
	close(host_tmp);
}
END_TEST

/* The kit may itself live under /tmp (a clone there): a working folder
 * under /tmp stays visible in the cell, under the private /tmp, so that
 * a program found there by a relative path still runs; the rest of the
 * host's /tmp stays hidden. */
START_TEST(test_kit_under_tmp)
{
	char dir[KIT_TMP_MAX], prog[PATH_MAX], other[KIT_TMP_MAX];
	char *argv[] = {"./quick", NULL};
	struct cell c;
	struct run r;
	int top, fd, host_tmp;

	host_tmp_scratch(dir, sizeof dir, "cell-kit-XXXXXX");
	host_tmp_scratch(other, sizeof other, "cell-other-XXXXXX");
	/* The cell's mounts stay in this process: clean up through /tmp as
	 * it was before them. */
	host_tmp = open("/tmp", O_PATH | O_DIRECTORY);
	ck_assert_int_ge(host_tmp, 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(prog, sizeof prog, "%s/quick", dir);
	copy_file(hostile("quick"), prog);
	fd = mkstemp(other);
	ck_assert_int_ge(fd, 0);
	close(fd);
	top = open(".", O_PATH | O_DIRECTORY);
	ck_assert_int_ge(top, 0);
	ck_assert_int_eq(chdir(dir), 0);
	open_cell(&c, 0, 0);
	ck_assert_int_eq(access(other, F_OK), -1);
	ck_assert_msg(run_start(&c, &r, argv, NULL) == 0,
	    "run_start %s from %s: %s", argv[0], dir, strerror(errno));
	ck_assert_int_eq(run_wait(&r, 5000), 0);
	ck_assert_int_eq(r.outcome, RUN_EXITED);
	ck_assert_int_eq(r.status, 3);
	run_free(&r);
	cell_close(&c);
	ck_assert_int_eq(fchdir(top), 0);
	close(top);
	ck_assert_int_eq(unlinkat(host_tmp, prog + 5, 0), 0);
	ck_assert_int_eq(unlinkat(host_tmp, other + 5, 0), 0);
	ck_assert_int_eq(unlinkat(host_tmp, dir + 5, AT_REMOVEDIR), 0);
	close(host_tmp);
}
END_TEST

/* Two cells at once use the same fixed port, each with a uid of its own. */
START_TEST(test_parallel_cells)
{
	int go[2], done[2], fd, st;
	struct cell c;
	unsigned other;
	pid_t pid;

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid = fork();
	if (pid == 0) {
		struct cell d;
		char b;

		close(done[1]);
		if (cell_open(&d, 1, 0) < 0 || d.mode != CELL_NS ||
		    bind_udp(CELL_PORT) < 0)
			_exit(1);
		other = (unsigned)d.uid;
		if (write(go[1], &other, sizeof other) != sizeof other)
			_exit(1);
		if (read(done[0], &b, 1) < 0)
			_exit(1);
		cell_close(&d);
		_exit(0);
	}
	close(go[1]);
	close(done[0]);
	ck_assert_int_eq(read(go[0], &other, sizeof other), sizeof other);
	open_cell(&c, 0, 0);
	fd = bind_udp(CELL_PORT);
	ck_assert_msg(fd >= 0, "port %d: %s", CELL_PORT, strerror(errno));
	if (cell_root())
		ck_assert_uint_ne(c.uid, other);
	close(done[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(st, 0);
	close(fd);
	cell_close(&c);
}
END_TEST

/* Readiness: the port once it is bound; -1 at once if the run ends. */
START_TEST(test_wait_port)
{
	struct cell c;
	struct run r, q;
	char arg[16], *argv[] = {NULL, NULL, "stay", NULL};
	long long t0;
	int port;

	open_cell(&c, 0, _i ? CELL_FORCE_FALLBACK : 0);
	port = cell_port(&c, SOCK_DGRAM);
	snprintf(arg, sizeof arg, "%d", port);
	start(&c, &q, "quick", NULL, NULL);
	t0 = now_ms();
	ck_assert_int_eq(cell_wait_port(&c, SOCK_DGRAM, port, &q, 3000), -1);
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(cell_wait_port(&c, SOCK_STREAM, port, NULL, 30), -1);
	argv[0] = (char *)hostile("linger");
	argv[1] = arg;
	ck_assert_int_eq(run_start(&c, &r, argv, NULL), 0);
	ck_assert_msg(
	    cell_wait_port(&c, SOCK_STREAM, port, &r, CELL_READY_MS) == 0,
	    "port %d not listening: linger %s, status "
	    "%d, out '%s', err '%s'",
	    port, run_outcome_name(r.outcome), r.status, r.out, r.err);
	ck_assert_int_eq(
	    cell_wait_port(&c, SOCK_DGRAM, port, NULL, CELL_READY_MS), 0);
	cell_close(&c);
	run_free(&q);
	run_free(&r);
	assert_left_nothing(&c, &port, 1);
}
END_TEST

/* Once our init is gone the namespace takes no new process: an error. */
START_TEST(test_init_gone)
{
	struct cell c;
	struct run r;
	char *argv[] = {(char *)hostile("quick"), NULL};

	open_cell(&c, 0, 0);
	ck_assert_int_eq(c.mode, CELL_NS);
	ck_assert_int_eq(kill(c.init, SIGKILL), 0);
	ck_assert_int_eq(waitpid(c.init, NULL, 0), c.init);
	ck_assert_int_eq(run_start(&c, &r, argv, NULL), -1);
	ck_assert_int_eq(errno, ENOMEM);
	cell_close(&c);
}
END_TEST

/* ---- capture ---- */

static void
send_udp(const char *addr, int port, const char *payload)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
	                    .ai_flags = AI_NUMERICHOST},
	                *ai;
	char serv[16];
	int fd;

	snprintf(serv, sizeof serv, "%d", port);
	ck_assert_int_eq(getaddrinfo(addr, serv, &hints, &ai), 0);
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sendto(fd, payload, strlen(payload), 0, ai->ai_addr,
	                     ai->ai_addrlen),
	    (ssize_t)strlen(payload));
	close(fd);
	freeaddrinfo(ai);
}

/* How many packets of the file hold text. */
static int
pcap_count(const char *path, const char *text)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int n = 0;

	p = pcap_open_offline(path, errbuf);
	ck_assert_msg(p != NULL, "%s", errbuf);
	while (pcap_next_ex(p, &h, &d) == 1)
		if (memmem(d, h->caplen, text, strlen(text)) != NULL)
			n++;
	pcap_close(p);
	return n;
}

START_TEST(test_capture)
{
	struct cell_capture cap;
	struct cell c;
	int port, other;

	open_cell(&c, 0, _i ? CELL_FORCE_FALLBACK : 0);
	port = cell_port(&c, SOCK_DGRAM);
	other = c.mode == CELL_NS ? port + 100 : cell_port(&c, SOCK_DGRAM);
	if (cell_capture_start(&c, &cap, "udp") < 0) {
		/* Only a fallback without privileges may refuse, clearly. */
		ck_assert_msg(c.mode == CELL_FALLBACK && geteuid() != 0,
		    "capture: %s", cap.err);
		ck_assert_ptr_nonnull(strstr(cap.err, "refused"));
		cell_close(&c);
		return;
	}
	send_udp("127.0.0.1", port, "cell-capture-v4");
	send_udp("::1", port, "cell-capture-v6");
	if (c.mode == CELL_NS)
		send_udp("::1", other, "cell-capture-other");
	/* A burst just before the stop: the ring must be drained. */
	for (int k = 0; k < CAPTURE_BURST; k++)
		send_udp("127.0.0.1", port, "cell-capture-burst");
	ck_assert_int_eq(cell_capture_stop(&cap), 0);
	ck_assert_int_eq(
	    pcap_count(cap.path, "cell-capture-burst"), CAPTURE_BURST);
	ck_assert_int_eq(pcap_count(cap.path, "cell-capture-v4"), 1);
	ck_assert_int_eq(pcap_count(cap.path, "cell-capture-v6"), 1);
	ck_assert_int_eq(
	    pcap_count(cap.path, "cell-capture-other"), c.mode == CELL_NS);
	cell_close(&c);
}
END_TEST

/* Fallback: only the cell's ports are captured from the host's lo. */
START_TEST(test_capture_fallback_filter)
{
	struct cell_capture cap;
	struct cell c;
	int port, stranger;

	if (geteuid() != 0) {
		kit_not_here("needs root: a fallback cell captures the "
		             "host's lo, which needs CAP_NET_RAW");
		return;
	}
	open_cell(&c, 0, CELL_FORCE_FALLBACK);
	ck_assert_int_eq(cell_capture_start(&c, &cap, NULL), -1);
	ck_assert_ptr_nonnull(strstr(cap.err, "cell_port"));
	port = cell_port(&c, SOCK_DGRAM);
	stranger = port_free(SOCK_DGRAM);
	ck_assert_msg(cell_capture_start(&c, &cap, NULL) == 0, "%s", cap.err);
	send_udp("127.0.0.1", port, "cell-fallback-mine");
	send_udp("127.0.0.1", stranger, "cell-fallback-stranger");
	ck_assert_int_eq(cell_capture_stop(&cap), 0);
	ck_assert_int_eq(pcap_count(cap.path, "cell-fallback-mine"), 1);
	ck_assert_int_eq(pcap_count(cap.path, "cell-fallback-stranger"), 0);
	cell_close(&c);
}
END_TEST

/* ---- Check with a cell open: nested runs of check_kit ---- */

/* Run check_kit on one of this suite's nested-only cases. */
static void
nested(struct proc *p, const char *tcase, const char *user, int ms)
{
	char *as_root[] = {(char *)kit_bin("check_kit"), NULL};
	char *as_user[] = {"setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", "--", (char *)kit_bin("check_kit"), NULL};

	setenv(SELFTEST_ENV, "1", 1);
	setenv("CK_RUN_SUITE", "cell", 1);
	setenv("CK_RUN_CASE", tcase, 1);
	setenv("CK_VERBOSITY", "verbose", 1);
	unsetenv("CK_DEFAULT_TIMEOUT");
	unsetenv("CK_LOG_FILE_NAME"); /* the outer run's logs are not ours */
	unsetenv("CK_XML_LOG_FILE_NAME");
	unsetenv("CK_TAP_LOG_FILE_NAME");
	unsetenv("CK_TIMEOUT_MULTIPLIER");
	ck_assert_int_eq(proc_run(p, user ? as_user : as_root, ms), 0);
	ck_assert_msg(!p->timed_out, "nested check_kit timed out");
}

/* A test that opened a cell still reports to Check: its failure with
 * its message, and its pass. */
START_TEST(test_check_reports)
{
	struct proc p;

	hostile_dir(); /* the nested run inherits the copy */
	nested(&p, "nested_report", NULL, 20000);
	ck_assert_msg(
	    strstr(p.out, "50%: Checks: 2, Failures: 1, Errors: 0") != NULL,
	    "nested run said:\n%s%s", p.out, p.err);
	ck_assert_ptr_nonnull(strstr(p.out, "cell-report-marker mode=0"));
	ck_assert_int_eq(PROC_EXIT(&p), 1);
	proc_free(&p);
}
END_TEST

START_TEST(nested_report)
{
	struct cell c;

	open_cell(&c, 0, 0);
	ck_assert_msg(_i == 1, "cell-report-marker mode=%d", c.mode);
	cell_close(&c);
}
END_TEST

/* Check's timeout kills a test holding a cell full of hostile programs:
 * nothing is left, setsid daemons included.  The nested test writes
 * what it started to a file; this checks each is gone. */
START_TEST(test_check_timeout)
{
	char path[PATH_MAX], line[256];
	unsigned uid = 0;
	long long until;
	struct proc p;
	FILE *f;
	int pid, alive;

	prctl(PR_SET_CHILD_SUBREAPER, 1); /* the orphans come to us */
	ck_assert_ptr_nonnull(realpath(kit_bin(""), line));
	snprintf(
	    path, sizeof path, "%s/cell-selftest-%d.txt", line, (int)getpid());
	setenv("CELL_SELFTEST_OUT", path, 1);
	setenv("CELL_SELFTEST_FALLBACK", _i ? "1" : "0", 1);
	hostile_dir(); /* the nested run inherits the copy */
	nested(&p, "nested_hang", NULL, 20000);
	ck_assert_msg(strstr(p.out, "Test timeout expired") != NULL,
	    "nested run said:\n%s%s", p.out, p.err);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	until = now_ms() + 3000;
	do {
		alive = 0;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		rewind(f);
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "uid %u", &uid) == 1 && uid != 0 &&
			    geteuid() == 0)
				alive += cell_uid_count(uid);
			if (sscanf(line, "pid %d", &pid) == 1 && pid > 0)
				alive += pid_running(pid);
			if (strncmp(line, "dir /", 5) == 0 && _i) {
				line[strcspn(line, "\n")] = '\0';
				alive += access(line + 4, F_OK) == 0;
			}
		}
	} while (alive > 0 && now_ms() < until && usleep(10000) == 0);
	fclose(f);
	unlink(path);
	ck_assert_msg(
	    alive == 0, "%d leftover(s) after Check's timeout", alive);
	ck_assert_int_ne(uid, 0);
	proc_free(&p);
}
END_TEST

START_TEST(nested_hang)
{
	const char *path = getenv("CELL_SELFTEST_OUT");
	const char *fb = getenv("CELL_SELFTEST_FALLBACK");
	struct cell c;
	struct run r[3];
	char arg[16];
	FILE *f;

	ck_assert_ptr_nonnull(path);
	open_cell(&c, 1, fb && fb[0] == '1' ? CELL_FORCE_FALLBACK : 0);
	snprintf(arg, sizeof arg, "%d", cell_port(&c, SOCK_STREAM));
	start(&c, &r[0], "linger", arg, NULL);
	start(&c, &r[1], "spin", NULL, NULL);
	start(&c, &r[2], "noterm", NULL, NULL);
	ck_assert_int_eq(run_wait(&r[0], -1), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "uid %u\ndir %s\npid %d\npid %d\npid %d\n", (unsigned)c.uid,
	    c.dir, (int)r[1].pid, (int)r[2].pid, (int)c.init);
	fclose(f);
	for (;;)
		pause(); /* until Check's timeout */
}
END_TEST

/* As an ordinary user (nobody, through setpriv): a user namespace. */
static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	in = open(from, O_RDONLY);
	ck_assert_msg(in >= 0, "%s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ck_assert_msg(out >= 0, "%s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof buf)) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

/*
 * The programs nobody runs, copied where nobody can reach them whatever
 * the checkout's permissions (a clone under /root is out of its reach),
 * and out of /tmp, which the cells hide.
 */
static void
copy_for_nobody(char *dir)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct dirent *e;
	DIR *d;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(to, sizeof to, "%s/check_kit", dir);
	copy_file(kit_bin("check_kit"), to);
	/* The studentkit suite asks labgrade --labs as it is made, in
	 * every run of check_kit whatever suite is asked for. */
	snprintf(to, sizeof to, "%s/labgrade", dir);
	copy_file(kit_bin("labgrade"), to);
	snprintf(to, sizeof to, "%s/tests", dir);
	ck_assert_int_eq(mkdir(to, 0755), 0);
	snprintf(to, sizeof to, "%s/tests/hostile", dir);
	ck_assert_int_eq(mkdir(to, 0755), 0);
	d = opendir(kit_bin("tests/hostile"));
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof from, "%s/%s", kit_bin("tests/hostile"),
		    e->d_name);
		snprintf(to, sizeof to, "%s/tests/hostile/%s", dir, e->d_name);
		copy_file(from, to);
	}
	closedir(d);
}

START_TEST(test_as_user)
{
	char dir[256];
	struct proc p;

	if (geteuid() != 0) {
		/* already the user: the cases above ran as such */
		kit_not_here("needs root to become nobody (setpriv); this "
		             "run is an ordinary user's already");
		return;
	}
	snprintf(dir, sizeof dir, "%s", kit_vartmp("cell-nobody-XXXXXX"));
	copy_for_nobody(dir);
	setenv("KIT_BUILD", dir, 1);
	ck_assert_int_eq(chdir(dir), 0);
	hostile_dir(); /* the nested run inherits the copy */
	nested(&p, "nested_user", "nobody", 30000);
	cell_remove_dir(dir);
	ck_assert_msg(
	    strstr(p.out, "100%: Checks: 18, Failures: 0, Errors: 0") != NULL,
	    "nested run as nobody said:\n%s%s", p.out, p.err);
	proc_free(&p);
}
END_TEST

/* The cases run as nobody: namespaces in a user namespace, a student
 * uid that is root inside with no capabilities, NPROC bounded. */
START_TEST(nested_user_mode)
{
	struct cell c;

	ck_assert_int_ne(geteuid(), 0);
	open_cell(&c, 0, 0);
	ck_assert_msg(c.mode == CELL_NS, "%s", c.why);
	ck_assert_int_eq(c.userns, 1);
	/* Root of the cell's user namespace, without bwrap; in bwrap an
	 * unprivileged uid of its own inside. */
	ck_assert_int_eq(c.uid, c.sandbox != NULL ? CELL_UID_BASE : 0);
	probe_check(&c);
	cell_close(&c);
}
END_TEST

/*
 * Two programs of one cell share one process budget, as root (the
 * cell's own uid; and its pids cgroup) and as an ordinary user: each
 * bwrap user namespace's count is held, level by level up to the
 * cell's user namespace, against the RLIMIT_NPROC its creator had, so
 * every process of the cell counts (ours too).  Each asks for 12
 * children under a limit of 16: together they cannot have 24.
 */
START_TEST(test_nproc_cell_wide)
{
	struct run_limits lim = {.nproc = 16, .wall_ms = 4000};
	char *argv[] = {(char *)hostile("forkn"), "12", NULL};
	struct cell c;
	struct run r[2];
	int i, made[2];

	open_cell(&c, 0, 0);
	if (c.mode != CELL_NS || c.sandbox == NULL) {
		cell_close(&c);
		return;
	}
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(run_start(&c, &r[i], argv, &lim), 0);
	/* The second may not even get its sandbox started (bwrap's own
	 * fork fails): it made none. */
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(run_wait(&r[i], -1), 0);
		if (sscanf(r[i].out, "made %d", &made[i]) != 1)
			made[i] = 0;
		run_free(&r[i]);
	}
	ck_assert_msg(made[0] + made[1] > 0 && made[0] + made[1] < 16,
	    "made %d + %d children", made[0], made[1]);
	cell_close(&c);
}
END_TEST

/* TCP's kernel memory in sockstat's "mem" (pages, the whole host's). */
static long
tcp_mem_pages(void)
{
	char line[256];
	long mem = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");
	char *p;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "TCP:", 4) == 0 &&
		    (p = strstr(line, " mem ")) != NULL)
			mem = atol(p + 5);
	fclose(f);
	return mem;
}

/*
 * Socket buffers are memory too: a program that fills loopback TCP
 * pairs without reading holds about 7 MB of kernel memory per pair,
 * which RLIMIT_AS does not see.  As root the cell's memory cgroup
 * bounds them (v1: its TCP account, memory.kmem.tcp.limit_in_bytes;
 * v2 counts them in memory.max).  Without it, the hostile's 6
 * processes held about 1.3 GB here (measured with sockstat) and would
 * push the host's TCP into memory pressure with more.  As an ordinary
 * user nothing bounds them (a residual risk, README).
 */
START_TEST(test_tcp_memory)
{
	struct run_limits lim = {.wall_ms = 8000};
	char *argv[] = {(char *)hostile("tcpmem"), "6", NULL};
	long before, during;
	struct cell c;
	struct run r;
	int pairs;

	if (geteuid() != 0)
		return; /* no cgroup: nothing bounds socket buffers */
	open_cell(&c, 0, 0);
	if (c.cg_mode == 0) {
		cell_close(&c);
		return;
	}
	before = tcp_mem_pages();
	ck_assert_int_eq(run_start(&c, &r, argv, &lim), 0);
	while (strchr(r.out != NULL ? r.out : "", '\n') == NULL &&
	       run_wait(&r, 100) == 1)
		;
	during = tcp_mem_pages();
	ck_assert_msg(sscanf(r.out, "pairs %d", &pairs) == 1 && pairs > 0,
	    "%s %s", r.out, r.err);
	run_free(&r);
	cell_close(&c);
	ck_assert_msg((during - before) * 4096 < 2L * (CELL_MEM_MB << 20),
	    "%d pairs held %ld MiB of TCP memory", pairs,
	    (during - before) * 4096 >> 20);
}
END_TEST

/* RLIMIT_NPROC counts per user namespace (Linux >= 5.14): it stops a
 * fork bomb in the cell although the uid is the user's own. */
START_TEST(nested_user_forkbomb)
{
	hostile_run(6, 0);
}
END_TEST

START_TEST(nested_user_noterm)
{
	hostile_run(7, 0);
}
END_TEST

/* Fallback as an ordinary user: no uid of our own, no namespace; the
 * daemon is caught as an orphan (we are its subreaper) at close, the
 * fork bomb by NPROC counted on top of what we run, and the capture is
 * refused with a clear reason (test_capture). */
START_TEST(nested_user_fallback)
{
	static const int cases[] = {6, 7, 8, 0};

	hostile_run(cases[_i], CELL_FORCE_FALLBACK);
}
END_TEST

/* No uid of its own to kill by here: our init must take the daemon. */
START_TEST(nested_user_linger)
{
	hostile_run(8, 0);
}
END_TEST

/* Unchecked fixture, in the runner itself: the hostile programs' copy is
 * made once per test case and removed after it, whether its tests
 * passed, failed or were killed at their timeout (a failed Check test
 * ends with _exit: no atexit handler of its own runs). */
static void
hostile_setup(void)
{
	if (getenv("CELL_HOSTILE_DIR") == NULL)
		hostile_dir();
}

/*
 * The net under the cells: a hostile program still running from the
 * copy when its test case ends is killed, and named.  Only a fallback
 * cell of an ordinary user whose owner was killed (test_check_timeout)
 * leaves one: linger's daemon, in a session of its own, has no uid of
 * its own to be killed by (the watchdog kills the process groups).
 */
static void
hostile_kill_strays(const char *dir)
{
	char link[64], exe[PATH_MAX];
	size_t n = strlen(dir);
	struct dirent *e;
	ssize_t len;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(link, sizeof link, "/proc/%.20s/exe", e->d_name);
		len = readlink(link, exe, sizeof exe - 1);
		if (len <= (ssize_t)n)
			continue;
		exe[len] = '\0';
		if (strncmp(exe, dir, n) != 0 || exe[n] != '/')
			continue;
		fprintf(stderr,
		    "check_cell: killed pid %s, left running by a test case: "
		    "%s\n",
		    e->d_name, exe);
		kill(atoi(e->d_name), SIGKILL);
	}
	closedir(d);
}

static void
hostile_teardown(void)
{
	if (hostile_owner == getpid() && hostile_copy[0] != '\0') {
		hostile_kill_strays(hostile_copy);
		cell_remove_dir(hostile_copy);
		hostile_copy[0] = '\0';
		hostile_owner = 0;
		unsetenv("CELL_HOSTILE_DIR");
	}
}

static TCase *
tcase(Suite *s, const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, hostile_setup, hostile_teardown);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

/* Cases only the nested runs above ask for (CELL_SELFTEST set). */
static void
cell_nested_cases(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "nested_report", 10);
	tcase_add_loop_test(tc, nested_report, 0, 2);
	tc = tcase(s, "nested_hang", 1);
	tcase_add_loop_test(tc, nested_hang, 0, 2);
	tc = tcase(s, "nested_user", 15);
	tcase_add_test(tc, nested_user_mode);
	tcase_add_test(tc, nested_user_forkbomb);
	tcase_add_test(tc, test_nproc_cell_wide);
	tcase_add_test(tc, nested_user_noterm);
	tcase_add_test(tc, nested_user_linger);
	tcase_add_test(tc, test_sandbox_escape);
	tcase_add_loop_test(tc, nested_user_fallback, 0, 4);
	tcase_add_test(tc, test_refused_fallback);
	tcase_add_loop_test(tc, test_localhost, 0, 3);
	tcase_add_loop_test(tc, test_wait_port, 0, 2);
	tcase_add_loop_test(tc, test_capture, 0, 2);
}

Suite *
cell_suite(void)
{
	Suite *s = suite_create("cell");
	TCase *tc;

	if (getenv(SELFTEST_ENV) != NULL) {
		cell_nested_cases(s);
		return s;
	}
	tc = tcase(s, "hostile", 20);
	tcase_add_loop_test(tc, test_hostile_ns, 0, N_HOSTILE);
	tcase_add_test(tc, test_sandbox_escape);
	tcase_add_test(tc, test_nproc_cell_wide);
	tcase_add_test(tc, test_tcp_memory);
	tcase_add_test(tc, test_output_cap);
	tcase_add_loop_test(tc, test_cpu_account, 0, 2);
	tcase_add_test(tc, test_wait_timeout);
	tcase_add_test(tc, test_wait_zero);
	tcase_add_loop_test(tc, test_no_binary, 0, 2);
	tcase_add_loop_test(tc, test_close_running, 0, 2);
	tcase_add_loop_test(tc, test_close_forgotten, 0, 2);
	tc = tcase(s, "fallback", 20);
	tcase_add_loop_test(tc, test_hostile_fallback, 0, N_HOSTILE);
	tcase_add_test(tc, test_fallback_identity);
	tcase_add_test(tc, test_fallback_landlock);
	tcase_add_test(tc, test_uid_lock);
	tcase_add_test(tc, test_sweep_stale);
	tcase_add_test(tc, test_fallback_no_ipv6);
	tcase_add_test(tc, test_no_fork_refused);
	tcase_add_test(tc, test_refused_fallback);
	tc = tcase(s, "ns", 10);
	tcase_add_test(tc, test_ns_identity);
	tcase_add_loop_test(tc, test_localhost, 0, 3);
	tcase_add_test(tc, test_ns_private);
	tcase_add_test(tc, test_kit_under_tmp);
	tcase_add_loop_test(tc, test_wait_port, 0, 2);
	tcase_add_test(tc, test_init_gone);
	tcase_add_test(tc, test_parallel_cells);
	tc = tcase(s, "capture", 10);
	tcase_add_loop_test(tc, test_capture, 0, 2);
	tcase_add_test(tc, test_capture_fallback_filter);
	tc = tcase(s, "check", 40);
	tcase_add_test(tc, test_check_reports);
	tcase_add_loop_test(tc, test_check_timeout, 0, 2);
	tcase_add_test(tc, test_as_user);
	return s;
}
