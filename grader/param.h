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

/* labgrade: the engine, the build step, the reports */
#define LABGRADE_VERSION "0.1.0"	/* printed in every report */
#define GRADE_SEED_DEFAULT 1	/* --seed when none is given */
#define GRADE_BUDGET_S 10	/* Check timeout of a test with budget_s 0 */
#define GRADE_RUNNER_GRACE_S 15	/* a runner is killed this long after its budget */
#define GRADE_RUNNERS_MIN 2	/* runner processes: max(CPUs, this) */
#define GRADE_RUNNERS_MAX 16	/* ... and at most this many */
#define GRADE_NICE 10		/* niceness of non-timing tests */
#define GRADE_EXPLAIN_MAX 64	/* explanation lines kept per test */
#define GRADE_LINE_MAX 2048	/* bytes kept of one explanation line */
#define GRADE_STUDENTS_MAX 4	/* student programs recorded per test */
#define GRADE_TAIL_BYTES 1024	/* stderr/stdout tail kept per program */
#define GRADE_HEX_CONTEXT 16	/* bytes shown around a first difference */
#define BUILD_TIMEOUT_S 60	/* make is killed (process group) after */
#define BUILD_LOG_LINES 15	/* compiler lines shown for a failed build */
#define BUILD_LOG_CAP (64 * 1024) /* bytes of make output kept */
#define BUILD_UID 65534		/* make runs as nobody when we are root */
#define BUILD_SOURCE_MAX (1024 * 1024) /* bytes of one source file */
#define TRACE_TIMEOUT_MS 5000	/* labsniff -r on a test's trace */
#define TRACE_CAP (64 * 1024)	/* bytes of trace text kept per test */
#define RUBRIC_MAX_POINTS 1000	/* points of one test, at most */
#define CLASS_MAX 2000		/* submissions in one --class ROOT */

#endif
