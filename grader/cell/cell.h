/*
 * The cell: a private place to run untrusted student programs (network,
 * mount and PID namespaces, an unprivileged uid, resource limits, a wall
 * clock deadline, capped output), and a capture of its loopback.
 *
 * Interface:
 *	cell_open(c, slot, flags)  turn the calling process into the cell's
 *	                           owner (call it in Check's forked test
 *	                           child, once per process; refused under
 *	                           CK_FORK=no); 0 or -1 (errno, c->why).
 *	                           c->mode says whether namespaces were had,
 *	                           c->why why not (CELL_FALLBACK)
 *	cell_close(c)              end everything started in the cell and
 *	                           remove its dir.  It keeps no pointer to a
 *	                           struct run: a run it ended is reaped by
 *	                           run_wait/run_free (RUN_STOPPED), which
 *	                           need the struct cell still in place
 *	cell_port(c, type)         a port to use: fixed (CELL_PORT, +1 per
 *	                           call) in a cell, a free one in fallback
 *	run_start(c, r, argv, lim) start a program in the cell; -1 (errno)
 *	                           if it could not be started or exec'd
 *	                           (ENOENT, EACCES; ENOMEM once our init is
 *	                           gone); a relative argv[0] is resolved
 *	                           against our cwd, the program's is c->dir
 *	run_wait(r, ms)            collect output until exit or ms (-1: no
 *	                           limit but the run's deadline): 0 ended
 *	                           (r->outcome set), 1 still running, -1
 *	run_stop(r)                SIGTERM, a grace period, SIGKILL; reap
 *	run_signal(r, sig)         send sig to the program itself (inside
 *	                           its sandbox, not to bwrap)
 *	run_program_pid(r)         the program's own pid, as our /proc shows
 *	                           it (not bwrap's), for reading its
 *	                           /proc/PID files; -1 if it is not running
 *	run_free(r)                kill if running, reap, free the output
 *	run_outcome_name(o)        "exited", "timed out", ...
 *	cell_wait_port(c, type, port, r, ms)  0 once the port is bound (UDP) or
 *	                           listening (TCP) in the cell's /proc/net
 *	                           tables; -1 on timeout or if r ended first
 *	cell_capture_start(c, cap, filter)  capture the cell's lo to a pcap
 *	                           file; returns once the capture is live;
 *	                           -1 with the reason in cap->err (in
 *	                           fallback: call cell_port first, the
 *	                           capture keeps to the cell's ports, and
 *	                           needs capture rights: "refused" if not)
 *	cell_capture_stop(cap)     drain, close the file, give its path
 *
 * Where things run.  CELL_NS: the owner is in the cell's network and
 * mount namespaces (lo with 127.0.0.1, ::1, 192.0.2.1, 2001:db8::1;
 * /etc/hosts: localhost -> 127.0.0.1 and ::1; /tmp a private tmpfs
 * holding c->dir, through which only the owner's working folder and its
 * program's folder show, when they live under /tmp) and its children in the
 *cell's PID namespace, whose init lives as long as the owner: the owner may
 *still fork after cell_close.  Student programs (not lim->trusted) also get a
 * /proc of the cell's own.  As root they run as c->uid (unique among live
 *cells, see cell.c); as an ordinary user the cell is in a user namespace and
 * they run as root of it without any capability.  CELL_FALLBACK: the
 * host's network, c->dir under $TMPDIR or /tmp, the same limits; a
 * watchdog cleans up if the owner is killed.
 *
 * Files in c->dir (a capture's pcap among them) are gone after
 * cell_close: read or copy out what must outlive the cell before.
 */
#ifndef CELL_H
#define CELL_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "param.h"

enum cell_mode {
	CELL_NS,      /* private namespaces: the normal case */
	CELL_FALLBACK /* no namespaces allowed: free ports, host lo */
};

enum cell_flags {
	CELL_FORCE_FALLBACK = 1, /* act as if namespaces were refused */
	CELL_UNSAFE = 2          /* allow running student code with neither
	                          * namespaces nor a uid to drop to
	                          * (--unsafe-no-sandbox) */
};

struct run;

struct cell {
	enum cell_mode mode;
	int slot;  /* which parallel cell: picks the student uid */
	uid_t uid; /* uid student programs run as */
	gid_t gid;
	pid_t init;          /* our init, PID 1 of the cell (CELL_NS) */
	char dir[PATH_MAX];  /* private scratch folder, removed on close */
	char why[256];       /* CELL_FALLBACK: why namespaces were refused */
	const char *sandbox; /* bwrap, when student programs run in it
	                      * (CELL_NS and bubblewrap installed), or NULL */
	int cg_mode;         /* cgroup of the cell: 0 none, 1 v1, 2 v2 */
	int landlock;        /* CELL_FALLBACK: the Landlock ABI its student
	                      * programs are confined with, 0 if none */
	int ipv6;            /* IPv6 works in the cell (the host's, in
	                      * fallback): 0 on a kernel without IPv6 */
	/* Private to cell.c, run.c and cell-capture.c. */
	int userns;     /* CELL_NS as an ordinary user (user namespace) */
	int switch_uid; /* we are root: student programs get c->uid */
	int nports;     /* ports handed out so far */
	int ports[CELL_MAX_PORTS];
	int lock_fd;  /* holds c->uid while the cell lives (root) */
	int dir_fd;   /* CELL_FALLBACK: holds a lock on c->dir */
	int watch_fd; /* socket to our init (CELL_NS) or watchdog */
	pid_t watchdog;
	int closed;                /* cell_close has run */
	pid_t pids[CELL_MAX_RUNS]; /* runs and captures not yet reaped */
	char etc[64];              /* the sandbox's generated /etc (CELL_NS) */
	char cg[2][PATH_MAX];      /* cgroup folders: v2 [0]; v1 memory, pids */
	int cg_runs;               /* run cgroups made so far (run-1..N) */
	unsigned cg_free;          /* v1: run-(i+1) emptied, free: bit i */
	int cg_kept;               /* the cgroups outlive the cell (see
	                            * cell_cgroup_keep) */
};

/* Limits for one program; zero fields take the defaults in param.h. */
struct run_limits {
	int cpu_s;      /* RLIMIT_CPU */
	long mem_mb;    /* RLIMIT_AS */
	int nofile;     /* RLIMIT_NOFILE */
	long fsize_mb;  /* RLIMIT_FSIZE */
	int nproc;      /* RLIMIT_NPROC */
	int wall_ms;    /* killed this long after start */
	size_t out_cap; /* bytes of stdout+stderr kept; more kills it */
	int trusted;    /* our own program (labpeer): no uid switch,
	                 * no rlimits, the caller's environment */
};

/*
 * How a run ended.  RUN_MEMORY: it ended on a signal or a non-zero exit
 * status with its peak resident size (wait4's ru_maxrss) at or above
 * RUN_MEM_NEAR_PCT percent of its RLIMIT_AS: its allocations were
 * failing (ENOMEM, then typically a SIGSEGV on the NULL it got back).
 * A single huge allocation that fails at once is not seen as such: the
 * program's own reaction (exit code, crash) is reported instead.
 * RUN_TIMEOUT covers the wall-clock deadline and RLIMIT_CPU (SIGXCPU).
 */
enum run_outcome {
	RUN_RUNNING,
	RUN_EXITED,   /* status holds the exit code */
	RUN_SIGNALED, /* status holds the signal: it crashed */
	RUN_TIMEOUT,  /* the wall-clock deadline or CPU limit */
	RUN_MEMORY,   /* it died at its memory limit */
	RUN_OUTPUT,   /* killed for printing more than out_cap */
	RUN_STOPPED   /* run_stop() or cell_close() ended it;
	               * status: exit code or signal, see wstatus */
};

struct run {
	pid_t pid;
	int out_fd, err_fd; /* read ends, -1 once closed */
	char *out, *err;    /* captured, NUL-terminated (NULs kept inside) */
	size_t out_len, err_len;
	enum run_outcome outcome;
	int status;       /* exit code or signal number, per outcome */
	int ignored_term; /* run_stop needed SIGKILL */
	long max_rss_kb;  /* from wait4 */
	struct run_limits lim;
	char cmdline[512]; /* argv joined, for reports */
	/* Private to run.c. */
	int wstatus;        /* raw wait status once reaped */
	int pidfd;          /* -1 once reaped */
	int killed;         /* why we killed it: a RUN_* outcome, or 0 */
	long long start_ms; /* CLOCK_MONOTONIC */
	int sandboxed;      /* runs in bwrap: r->pid is bwrap's */
	int cg_id;          /* its cgroup below the cell's, or 0 */
	long cg_ooms0;      /* its cgroup's OOM kills before it started */
	struct cell *cell;
};

struct cell_capture {
	pid_t pid; /* the capturing child */
	int ready_fd;
	char path[PATH_MAX]; /* the pcap file, in the cell's dir */
	char err[256];       /* why it could not start, if it could not */
	struct cell *cell;   /* private */
};

int cell_open(struct cell *c, int slot, int flags);
void cell_close(struct cell *c);
int cell_port(struct cell *c, int type);

int run_start(struct cell *c, struct run *r, char *const argv[],
    const struct run_limits *lim);
int run_wait(struct run *r, int timeout_ms);
int run_stop(struct run *r);
void run_signal(struct run *r, int sig);
pid_t run_program_pid(struct run *r);
void run_free(struct run *r);
const char *run_outcome_name(enum run_outcome o);

int cell_wait_port(
    struct cell *c, int type, int port, struct run *r, int timeout_ms);
int cell_capture_start(
    struct cell *c, struct cell_capture *cap, const char *filter);
int cell_capture_stop(struct cell_capture *cap);

/* For cell.c's friends (run.c, cell-capture.c), not for tests. */
int cell_track(struct cell *c, pid_t pid);
void cell_untrack(struct cell *c, pid_t pid);
int cell_tracks(const struct cell *c, pid_t pid);
int cell_ns_enter(struct cell *c);
int cell_ns_kill_all(struct cell *c);
int cell_fallback_enter(struct cell *c);
void cell_fallback_watch(struct cell *c, pid_t pgid);
void cell_fallback_close(struct cell *c);
void cell_fallback_sweep_uid(uid_t uid);
int cell_kill_uid(uid_t uid);
void cell_kill_orphans(struct cell *c);
int cell_uid_count(uid_t uid);
void cell_remove_dir(const char *dir);
void cell_close_fds_except(int *keep, int n);

/* The sandbox (grader/cell/): bwrap's command line, its /etc, the
 * seccomp filter, the cell's cgroup. */
struct sandbox_spec {
	const char *bwrap;
	const char *etc; /* folder made by sandbox_etc */
	const char *ro;  /* shown read-only at SANDBOX_BIN, or NULL */
	const char *rw;  /* shown read-write at its own path, or NULL */
	const char *cwd; /* working folder (a tmpfs unless under rw) */
	uid_t uid;       /* ids inside */
	gid_t gid;
	int seccomp_fd; /* from sandbox_seccomp_fd, or -1 */
};

struct sandbox_cmd {
	char *argv[SANDBOX_MAX_ARGS];
	int argc;
	size_t used;
	char buf[8192]; /* the strings argv points to */
};

const char *sandbox_bwrap(void);
int sandbox_etc(const char *path, uid_t uid, gid_t gid);
int sandbox_command(
    struct sandbox_cmd *s, const struct sandbox_spec *spec, char *const prog[]);
int sandbox_seccomp_fd(void);
int sandbox_seccomp_load(void);
int cell_cgroup_open(struct cell *c);
int cell_cgroup_run(struct cell *c, long *ooms0);
int cell_cgroup_enter(const struct cell *c, int id);
long cell_cgroup_run_end(struct cell *c, int id, long ooms0, long *ooms);
int cell_landlock_abi(void);
int cell_landlock(const char *prog_dir, const char *rw);
void cell_cgroup_keep(pid_t owner);
void cell_cgroup_release(pid_t owner);
int cell_cgroup_kill(const struct cell *c);
void cell_cgroup_close(struct cell *c);

#endif
