/*
 * A program run in the cell (run.c): started in the cell's namespaces
 * and sandbox with limits, its output collected, its end classified.
 *
 * Interface:
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
 */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>
#include <sys/types.h>

struct cell;

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

int run_start(struct cell *c, struct run *r, char *const argv[],
    const struct run_limits *lim);
int run_wait(struct run *r, int timeout_ms);
int run_stop(struct run *r);
void run_signal(struct run *r, int sig);
pid_t run_program_pid(struct run *r);
void run_free(struct run *r);
const char *run_outcome_name(enum run_outcome o);

#endif
