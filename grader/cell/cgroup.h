/*
 * The cell's cgroup (cgroup.c; v1 or v2): one for the whole cell, one
 * per run below it.
 *
 * Interface:
 *	cell_cgroup_open(c), cell_cgroup_close(c)  the cell's own
 *	cell_cgroup_run(c, &ooms0), cell_cgroup_enter(c, id),
 *	cell_cgroup_run_end(c, id, ooms0, &ooms)  a run's
 *	cell_cgroup_keep(owner), cell_cgroup_release(owner)  a grading's
 *	                           cgroups kept per slot across its cells
 *	cell_cgroup_kill(c)        kill everything in the cell's
 *	cell_cgroup_cpu_path(c, path, len), cell_cgroup_cpu_ms(fd)  the
 *	                           CPU time its student processes used
 *	                           (the file; from it, ms or -1)
 *	cell_cgroup_cpu_usec(c)    the CPU its processes used (v2), or -1
 *	cell_cgroup_note(c, as_root, buf, len)  what the report says when
 *	                           a limit is per process only
 *	cell_cgroup_prepare(), cell_cgroup_finish()  a grader's start and
 *	                           exit (v2: a leaf of its own, see .c)
 *	cell_cgroup_test(t)        tests only: a given cgroup2 mount
 */
#ifndef CGROUP_H
#define CGROUP_H

#include <stddef.h>
#include <sys/types.h>

struct cell;

enum {
	CELL_CG_MEM = 1, /* memory bounded for the whole cell */
	CELL_CG_PIDS = 2 /* processes bounded for the whole cell */
};

/* For the tests only (see cell_cgroup_test in cgroup.c). */
struct cell_cgroup_test {
	const char *root;        /* a cgroup2 mount, for /sys/fs/cgroup */
	const char *controllers; /* for "memory pids" (a v1 host leaves v2
	                          * only the ones v1 does not have) */
	int no_kill;             /* as a kernel without cgroup.kill */
};

int cell_cgroup_open(struct cell *c);
int cell_cgroup_run(struct cell *c, long *ooms0);
int cell_cgroup_enter(const struct cell *c, int id);
long cell_cgroup_run_end(struct cell *c, int id, long ooms0, long *ooms);
void cell_cgroup_keep(pid_t owner);
void cell_cgroup_release(pid_t owner);
int cell_cgroup_kill(const struct cell *c);
void cell_cgroup_close(struct cell *c);
int cell_cgroup_cpu_path(const struct cell *c, char *path, size_t len);
double cell_cgroup_cpu_ms(int fd);
long long cell_cgroup_cpu_usec(const struct cell *c);
void cell_cgroup_note(const struct cell *c, int as_root, char *buf, size_t len);
void cell_cgroup_prepare(void);
void cell_cgroup_finish(void);
void cell_cgroup_test(const struct cell_cgroup_test *t);

#endif
