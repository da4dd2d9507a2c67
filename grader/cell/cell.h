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
 *	cell_root()                1 when we are root and can be the
 *	                           cells' and builds' uids (not root of a
 *	                           user namespace mapping only itself)
 *	(the cell's other files have a header each, included here for the
 *	cell's users: run.h, programs in the cell; cell-capture.h, its
 *	capture; cell-ready.h, waiting for a port.  Private to the cell:
 *	cell-ns.h, cell-fallback.h, sandbox.h, sandbox-seccomp.h, cgroup.h)
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

#include "capture/i18n.h"
#include "cell-capture.h"
#include "cell-ready.h"
#include "param.h"
#include "run.h"

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
	int cg_limits;       /* which hold for the whole cell: CELL_CG_MEM,
	                      * CELL_CG_PIDS (cgroup.h) */
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
	char cg[3][PATH_MAX];      /* cgroup folders: v2 [0]; v1 memory, pids,
	                            * cpuacct ("" where not mounted) */
	int cg_runs;               /* run cgroups made so far (run-1..N) */
	unsigned cg_free;          /* v1: run-(i+1) emptied, free: bit i */
	int cg_kept;               /* the cgroups outlive the cell (see
	                            * cell_cgroup_keep) */
};

int cell_open(struct cell *c, int slot, int flags);
int cell_root(void);
void cell_close(struct cell *c);
int cell_port(struct cell *c, int type);

/* For cell.c's friends (run.c, cell-capture.c), not for tests. */
int cell_track(struct cell *c, pid_t pid);
void cell_untrack(struct cell *c, pid_t pid);
int cell_tracks(const struct cell *c, pid_t pid);
void cell_close_fds_except(int *keep, int n);

#endif
