/*
 * The grader's limits and tunables, in one place (as xv6's param.h).
 * Each part of the grader adds its own below, with a comment.
 */
/* Not clang-format's: tables aligned with tabs, long trailing comments. */
/* clang-format off */
#ifndef PARAM_H
#define PARAM_H

/* The contract's numbers live in contract.h */
#include "contract.h"
#define MAX_PAYLOAD CONTRACT_LINE_MAX /* labpeer's longest line */

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
#define RESULTS_DIR_PREFIX "labgrade-results-" /* a grading's, in $TMPDIR */
#define RESULTS_STALE_S 60	/* an unlocked results folder this old is swept */
#define GRADE_RUNNERS_PER_CPU 2	/* tests at once per CPU (they mostly wait) */
#define GRADE_RUNNERS_MIN 4	/* ... and at least this many */
#define GRADE_RUNNERS_MAX 16	/* ... and at most this many */
#define GRADE_NICE 10		/* niceness of non-timing tests */
#define GRADE_EXPLAIN_MAX 64	/* explanation lines kept per test */
#define GRADE_LINE_MAX 2048	/* bytes kept of one explanation line */
#define GRADE_STUDENTS_MAX 4	/* student programs recorded per test */
#define GRADE_TAIL_BYTES 1024	/* stderr/stdout tail kept per program */
#define GRADE_HEX_CONTEXT 16	/* bytes shown around a first difference */
#define GRADE_SCHED_PERIOD_MS 10 /* the delay watch's timer (grade-sched.c) */
#define GRADE_BUSY_MS 150	/* timer this late: ERR, not the student's */
#define GRADE_SCHED_COST_EVERY 10 /* watch periods between CPU-wait samples */
#define GRADE_SCHED_PROCS 256	/* grader processes of one test watched */
#define GRADE_STRETCH_PCT 100	/* Check's timeout: the budget and this % more
				 * (the watcher ends the test before, at the
				 * budget plus the grader's measured CPU wait) */
#define GRADE_STARVED_PCT 20	/* grader's CPU wait, % of a budget: ERR */
#define GRADE_STUDENT_CPU_PCT 50 /* student's CPU, % of a budget: its own */
#define BUILD_TIMEOUT_S 60	/* make is killed (process group) after */
#define BUILD_LOG_LINES 15	/* compiler lines shown for a failed build */
#define BUILD_LOG_CAP (64 * 1024) /* bytes of make output kept */
#define BUILD_UID 65534		/* make runs as nobody when we are root */
#define BUILD_SOURCE_MAX (256 * 1024)   /* bytes of one source file */
#define BUILD_SOURCE_MAX_TEXT "256 KiB" /* the same, for reports */
#define BUILD_CPU_S 30                  /* RLIMIT_CPU of each build process */
#define BUILD_MEM_MB 1024               /* RLIMIT_AS of each build process */
#define BUILD_FSIZE_MB 64               /* RLIMIT_FSIZE of the build */
#define BUILD_NOFILE 256                /* RLIMIT_NOFILE of the build */
#define BUILD_DIR_PREFIX "labgrade-build-" /* in LABGRADE_TMPDIR */
#define BUILD_STALE_S                                                          \
	600                     /* an unlocked build folder this old is swept  \
	                         * (a grading of a kit without the lock lasts less) */
#define TRACE_TIMEOUT_MS 5000	/* labsniff -r on a test's trace */
#define TRACE_CAP (64 * 1024)	/* bytes of trace text kept per test */
#define RUBRIC_MAX_POINTS 1000	/* points of one test, at most */
#define CLASS_MAX 2000		/* submissions in one --class ROOT */
#define CLASS_SOURCE_MAX (256 * 1024) /* bytes of one source class mode reads */
#define CLASS_SAFE_MAX 160	/* bytes of a student's name in the output tree */
#define CLASS_RECORD_MAX (64 * 1024) /* bytes of a results.tsv read back */

/* The cell's inner workings (grader/cell/: cell.c, run.c, cell-capture.c) */
#define CELL_PORT 12000		/* first fixed port handed out in a cell */
#define CELL_MAX_RUNS 16	/* programs started in one cell */
#define CELL_MAX_PORTS 8	/* ports handed out by one cell */
#define CELL_PORT_TRIES 20	/* fallback: tries for a port free for both */
#define CELL_MAX_SLOTS 64	/* uids CELL_UID_BASE.. +slot+k*this when busy */
#define CELL_UID_TRIES 64	/* how many such uids to try (up to 65095) */
#define CELL_TMP_MB 64		/* size of the cell's private /tmp */
#define CELL_DIR_PREFIX "socklab-cell-" /* fallback cell dirs in $TMPDIR */
#define CELL_STALE_S 60		/* an unlocked cell dir this old is swept */
#define CELL_POLL_MS 5		/* readiness polling period (/proc/net) */
#define RUN_MEM_NEAR_PCT 75	/* maxrss >= this % of RLIMIT_AS: RUN_MEMORY */
#define RUN_DRAIN_MS 50		/* output read after exit (pipes held open) */
#define RUN_MAX_ARGS 64		/* argv entries of one program, NULL included */
#define CAPTURE_BUF_KB 8192	/* ring of a cell capture (batched, TPACKET_V3) */
#define CAPTURE_BLOCK_MS 5	/* the kernel hands over a ring block this late */
#define CAPTURE_DRAIN_MS 500	/* reading the ring after a stop, at most */
#define CAPTURE_READY_MS 3000	/* a capture must be live within this */
#define CAPTURE_STOP_MS 3000	/* a capture must have flushed within this */
#define CELL_ADDR4 "192.0.2.1"	/* on the cell's lo, for AI_ADDRCONFIG */
#define CELL_ADDR6 "2001:db8::1" /* same, IPv6 (documentation ranges) */
#define CELL_KILL_ROUNDS 20	/* kill(-1)/uid-scan rounds at close */
#define CELL_KILL_WAIT_MS 2000	/* init must have killed all within this */
#define CELL_MEM_MB 256         /* memory of all the cell's student processes */
#define CELL_PIDS 64            /* processes of all of them (cgroup pids.max) */
#define CELL_CG_PREFIX "socklab-" /* cgroups: socklab-<owner pid>-<slot> */
#define SANDBOX_BIN                                                            \
	"/submission"        /* the program's folder, read-only, in bwrap */
#define SANDBOX_TMPFS_MB 64 /* each of bwrap's /tmp, /var/tmp, /dev/shm, /run */
#define SANDBOX_MAX_ARGS 160 /* bwrap's command line, program included */
#define SANDBOX_ETC_MAX (256 * 1024) /* bytes of /etc/services copied */

#endif

/* labpeer, the scripted peers (peer.h); defaults for its options */
#ifndef PARAM_LABPEER
#define PARAM_LABPEER
#define PEER_VERSION_STR "1.2"	/* labpeer --version; bump when options change */
#define PEER_LIST_MAX 64	/* ranges in one --drop/--late/... LIST */
#define PEER_COUNT 4		/* clients: requests/lines by default */
#define PEER_PINGER_COUNT 10	/* udp-client --pinger: the contract's COUNT default */
#define PEER_COUNT_MAX 100000	/* clients: --count limit */
#define PEER_TIMEOUT_MS 1000	/* clients: wait per request/line */
#define PEER_LATE_MS 1300	/* --late: past the 1 s deadline, inside the next ping's wait */
#define PEER_PAUSE_MS 50	/* --split: pause between pieces */
#define PEER_SPLIT_MAX 1024	/* --split: most pieces */
#define PEER_DELAY_MAX_MS 60000	/* --delay, --pause, --late-ms, waits */
#define PEER_LINGER_MS 200	/* udp-client: wait for extra replies at the end */
#define PEER_FIN_WAIT_MS 1000	/* tcp-client: server's FIN after ours */
#define PEER_DRAIN_MS 2000	/* tcp-server --close-after: wait for the client's FIN */
#define PEER_TIMERS_MAX 4096	/* udp-server: replies waiting to go out */
#define PEER_POLL_MS 100	/* longest blocking wait: SIGTERM seen within this */
#define PEER_MAX_MSG 65536	/* a datagram or line buffer (UDP max 65507) */
#define PEER_UDP_MAX 65507	/* --size limit: largest UDP payload over IPv4 */
#define PEER_DUMP_CTX 64	/* text log: bytes of a payload shown escaped */
#define PEER_FAILS_LOGGED 20	/* clients: failures logged (all are counted) */
#define PEER_RECV_BATCH 64	/* datagrams read before timers are looked at */
#define PEER_TRAIL_BYTES 8192	/* --trail-after: over a line buffer */
#define PEER_TRAIL_TEXT "8192"
#define PEER_BG_LIFETIME_S 60	/* --background: then it ends */
#define PEER_BG_LIFETIME_TEXT "60"
#define PEER_WAIT_DEFAULT_MS 3000 /* wait-for: MS when none is given */
#define PEER_WAIT_POLL_MS 5	/* --wait-server: /proc/net polled */
#endif

/* labpeer tcp-clients (peer-clients.c): many clients at once */
#ifndef PARAM_LABPEER_CLIENTS
#define PARAM_LABPEER_CLIENTS
#define PEER_CLIENTS 100	/* --clients default: lab 3's "at least 100" */
#define PEER_CLIENTS_MAX 1000	/* --clients limit (one descriptor each) */
#define PEER_CLIENTS_LINES_MAX 1000 /* --count limit in tcp-clients */
#define PEER_BURST 100		/* --burst default: lines sent in one go */
#define PEER_BURST_MAX 100000	/* --burst limit */
#define PEER_CONNECT_MS 3000	/* a connection must be open within (one SYN resend) */
#define PEER_NOREAD_CAP (16 * 1024 * 1024) /* a noread client stops sending after */
#define PEER_CL_BUF 2048	/* per client: bytes in, bytes out (bounded memory) */
#endif
/* clang-format on */
