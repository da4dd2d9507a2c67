/*
 * The sandbox (sandbox.c): bubblewrap's command line for one program and
 * the generated /etc it shows.  The seccomp filter is seccomp.h, the
 * cell's cgroup cgroup.h.
 *
 * Interface:
 *	sandbox_bwrap()            bwrap's path, or NULL when not installed
 *	sandbox_etc(path, uid, gid)  write the sandbox's /etc into path
 *	sandbox_command(s, spec, prog)  bwrap's argv for prog into s
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "param.h"

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

#endif
