/*
 * The grader's limits and tunables, in one place (as xv6's param.h).
 * Each part of the grader adds its own below, with a comment.
 */
#ifndef PARAM_H
#define PARAM_H

/* The contract */
#define REPLY_TIMEOUT_MS 1000	/* contract: 1 s per ping */
#define MAX_PAYLOAD 1024	/* contract: datagram payload / line length */

/* Student programs in a cell (struct run_limits defaults) */
#define RUN_CPU_S 5		/* RLIMIT_CPU */
#define RUN_MEM_MB 256		/* RLIMIT_AS */
#define RUN_NOFILE 64		/* RLIMIT_NOFILE */
#define RUN_FSIZE_MB 16		/* RLIMIT_FSIZE */
#define RUN_NPROC 32		/* RLIMIT_NPROC, per cell uid */
#define RUN_WALL_MS 10000	/* wall-clock deadline per program */
#define RUN_OUT_CAP (256 * 1024) /* stdout+stderr bytes kept */
#define RUN_STOP_GRACE_MS 300	/* SIGTERM to SIGKILL in run_stop() */
#define CELL_UID_BASE 61000	/* student uid = base + slot, as root */
#define CELL_READY_MS 3000	/* a server must be up within this */

#endif
