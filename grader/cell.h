/*
 * The cell: a private place to run untrusted student programs (network,
 * mount and PID namespaces, an unprivileged uid, resource limits, a wall
 * clock deadline, capped output), and a capture of its loopback.
 *
 * Interface:
 *	cell_open(c, slot, flags)  turn the calling process into the cell's
 *	                           owner (call it in Check's forked test child)
 *	cell_close(c)              end everything started in the cell
 *	cell_port(c, type)         a port to use (fixed in a cell, free one
 *	                           in fallback mode)
 *	run_start(c, r, argv, lim) start a program in the cell
 *	run_wait(r, ms)            collect output until exit or ms (-1: none)
 *	run_stop(r)                SIGTERM, a grace period, SIGKILL; reap
 *	run_outcome_name(o)        "exited", "timed out", ...
 *	cell_wait_port(c, type, port, r, ms)  0 once the port is bound (UDP) or
 *	                           listening (TCP) in the cell's /proc/net
 *	                           tables; -1 on timeout or if r ended first
 *	cell_capture_start(c, cap, filter)  capture the cell's lo to a pcap
 *	                           file; returns once the capture is live
 *	cell_capture_stop(cap)     drain, close the file, give its path
 */
#ifndef CELL_H
#define CELL_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

enum cell_mode {
	CELL_NS,		/* private namespaces: the normal case */
	CELL_FALLBACK		/* no namespaces allowed: free ports, host lo */
};

enum cell_flags {
	CELL_FORCE_FALLBACK = 1	/* act as if namespaces were refused */
};

struct cell {
	enum cell_mode mode;
	int slot;		/* which parallel cell: picks the student uid */
	uid_t uid;		/* uid student programs run as */
	gid_t gid;
	pid_t init;		/* our init, PID 1 of the cell (CELL_NS) */
	char dir[PATH_MAX];	/* private scratch folder, removed on close */
	char why[256];		/* CELL_FALLBACK: why namespaces were refused */
};

/* Limits for one program; zero fields take the defaults in param.h. */
struct run_limits {
	int cpu_s;		/* RLIMIT_CPU */
	long mem_mb;		/* RLIMIT_AS */
	int nofile;		/* RLIMIT_NOFILE */
	long fsize_mb;		/* RLIMIT_FSIZE */
	int nproc;		/* RLIMIT_NPROC */
	int wall_ms;		/* killed this long after start */
	size_t out_cap;		/* bytes of stdout+stderr kept; more kills it */
	int trusted;		/* our own program (labpeer): no uid switch */
};

enum run_outcome {
	RUN_RUNNING,
	RUN_EXITED,		/* status holds the exit code */
	RUN_SIGNALED,		/* status holds the signal: it crashed */
	RUN_TIMEOUT,		/* the wall-clock deadline killed it */
	RUN_MEMORY,		/* it died at its memory limit */
	RUN_OUTPUT,		/* killed for printing more than out_cap */
	RUN_STOPPED		/* run_stop() ended it (SIGTERM or SIGKILL) */
};

struct run {
	pid_t pid;
	int out_fd, err_fd;	/* read ends, -1 once closed */
	char *out, *err;	/* captured, NUL-terminated (NULs kept inside) */
	size_t out_len, err_len;
	enum run_outcome outcome;
	int status;		/* exit code or signal number, per outcome */
	int ignored_term;	/* run_stop needed SIGKILL */
	long max_rss_kb;	/* from wait4 */
	struct run_limits lim;
	char cmdline[512];	/* argv joined, for reports */
};

struct cell_capture {
	pid_t pid;		/* the capturing child */
	int ready_fd;
	char path[PATH_MAX];	/* the pcap file, in the cell's dir */
	char err[256];		/* why it could not start, if it could not */
};

int cell_open(struct cell *c, int slot, int flags);
void cell_close(struct cell *c);
int cell_port(struct cell *c, int type);

int run_start(struct cell *c, struct run *r, char *const argv[],
    const struct run_limits *lim);
int run_wait(struct run *r, int timeout_ms);
int run_stop(struct run *r);
void run_free(struct run *r);
const char *run_outcome_name(enum run_outcome o);

int cell_wait_port(struct cell *c, int type, int port, struct run *r,
    int timeout_ms);
int cell_capture_start(struct cell *c, struct cell_capture *cap,
    const char *filter);
int cell_capture_stop(struct cell_capture *cap);

#endif
