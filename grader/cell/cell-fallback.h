/*
 * The cell without namespaces (cell-fallback.c), private to the cell:
 * a folder, a watchdog, and the uid sweeps the cell uses in both modes.
 *
 * Interface:
 *	cell_fallback_enter(c), cell_fallback_watch(c, pgid),
 *	cell_fallback_close(c)     the fallback cell's life
 *	cell_fallback_sweep_uid(uid), cell_kill_uid(uid), cell_kill_orphans(c),
 *	cell_uid_count(uid)        what still runs as a student uid
 *	cell_remove_dir(dir)       remove a folder tree (no link followed)
 *	cell_sweep_stale(dir, prefix, owner, stale_s)  remove the folders
 *	                           prefix* in dir that no live owner holds
 *	                           locked (flock) and older than stale_s:
 *	                           what a killed grading left
 *	cell_landlock_abi(), cell_landlock(prog_dir, rw)  Landlock for a
 *	                           fallback cell's programs (landlock.c)
 */
#ifndef CELL_FALLBACK_H
#define CELL_FALLBACK_H

#include <sys/types.h>

struct cell;

int cell_fallback_enter(struct cell *c);
void cell_fallback_watch(struct cell *c, pid_t pgid);
void cell_fallback_close(struct cell *c);
void cell_fallback_sweep_uid(uid_t uid);
int cell_kill_uid(uid_t uid);
void cell_kill_orphans(struct cell *c);
int cell_uid_count(uid_t uid);
void cell_remove_dir(const char *dir);
void cell_sweep_stale(
    const char *dir, const char *prefix, uid_t owner, int stale_s);
int cell_landlock_abi(void);
int cell_landlock(const char *prog_dir, const char *rw);

#endif
