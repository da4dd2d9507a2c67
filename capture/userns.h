/*
 * The kit's one user-namespace setup: labsniff --exec (exec.c), the
 * grader's cell (grader/cell/cell-ns.c) and the tests' private hosts file
 * (grader/testkit/labtest.c) each unshare(CLONE_NEWUSER) and then call
 * it.
 *
 * Interface:
 *	userns_map_self(uid, gid)  in a user namespace just made, map root
 *	                           inside to uid and gid outside (unshare -r:
 *	                           setgroups denied first); -1 with errno
 */
#ifndef USERNS_H
#define USERNS_H

#include <sys/types.h>

int userns_map_self(uid_t uid, gid_t gid);

#endif
