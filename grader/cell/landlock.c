/*
 * Landlock (Linux >= 5.13) for student programs in the fallback, where
 * no namespace and so no bwrap view is to be had (Docker's seccomp
 * profile refuses them): the program may read and run what a C program
 * needs (/usr and the /bin, /lib* links or folders, /etc, /proc, the
 * harmless /dev nodes) and its own folder, and write only in the cell's
 * folder.  The kit, homes and other submissions are out of its reach
 * whatever their modes.  From Landlock ABI 6 (Linux 6.12) on, abstract
 * Unix sockets and signals outside its own domain are too.  Landlock
 * has no rule on addresses: listening beyond loopback is not stopped.
 */
#define _GNU_SOURCE /* O_PATH, syscall() */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cell.h"
#include "cell-fallback.h"

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* The ruleset's attributes as the newest ABI has them; older kernels
 * are given the prefix they know (see ll_attr_size). */
struct ll_attr {
	uint64_t fs;
	uint64_t net;
	uint64_t scoped; /* ABI 6: LANDLOCK_SCOPE_* */
};

#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

#define LL_READ ((1ULL << 2) | (1ULL << 3)) /* READ_FILE, READ_DIR */
#define LL_EXEC (1ULL << 0)
#define LL_WRITE (1ULL << 1) /* WRITE_FILE */

/* Landlock's ABI version here, or 0 when the kernel has none. */
int
cell_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return v > 0 ? (int)v : 0;
}

/* Every file system right this ABI knows (all are then refused unless
 * a rule gives them). */
static uint64_t
ll_fs_all(int abi)
{
	uint64_t all = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */

	if (abi >= 2)
		all |= 1ULL << 13; /* REFER */
	if (abi >= 3)
		all |= 1ULL << 14; /* TRUNCATE */
	if (abi >= 5)
		all |= 1ULL << 15; /* IOCTL_DEV */
	return all;
}

/* rights (those the ruleset handles) beneath path; a path that does not
 * exist is skipped.  A file takes the file rights only. */
static int
ll_allow(int rs, const char *path, uint64_t rights, uint64_t handled)
{
	struct landlock_path_beneath_attr pb;
	int fd = open(path, O_PATH | O_CLOEXEC), rc;

	if (fd < 0)
		return errno == ENOENT || errno == EACCES ? 0 : -1;
	memset(&pb, 0, sizeof pb);
	pb.allowed_access = rights & handled;
	pb.parent_fd = fd;
	rc = (int)syscall(
	    SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	if (rc < 0 && errno == EINVAL) {
		/* Not a folder: only what applies to a file. */
		pb.allowed_access &=
		    LL_READ | LL_EXEC | LL_WRITE | (1ULL << 14) | (1ULL << 15);
		pb.allowed_access &= ~(1ULL << 3); /* READ_DIR */
		rc = (int)syscall(SYS_landlock_add_rule, rs,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	}
	close(fd);
	return rc;
}

/*
 * Confine the calling process (a student program's, before exec, after
 * PR_SET_NO_NEW_PRIVS) to the view above: prog_dir read and run, rw
 * (the cell's folder) all rights.  0, or -1 (errno; ENOSYS or
 * EOPNOTSUPP: no Landlock in this kernel).
 */
int
cell_landlock(const char *prog_dir, const char *rw)
{
	static const char *const ro[] = {"/usr", "/bin", "/sbin", "/lib",
	    "/lib32", "/lib64", "/libx32", "/etc", "/proc", NULL};
	static const char *const dev[] = {"/dev/null", "/dev/zero", "/dev/full",
	    "/dev/random", "/dev/urandom", NULL};
	struct ll_attr a = {0, 0, 0};
	int abi = cell_landlock_abi(), rs, i, rc = 0;
	size_t size = sizeof a.fs;

	if (abi == 0)
		return errno = EOPNOTSUPP, -1;
	a.fs = ll_fs_all(abi);
	if (abi >= 6) {
		a.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = sizeof a;
	}
	rs = (int)syscall(SYS_landlock_create_ruleset, &a, size, 0);
	if (rs < 0)
		return -1;
	for (i = 0; ro[i] != NULL && rc == 0; i++)
		rc = ll_allow(rs, ro[i], LL_READ | LL_EXEC, a.fs);
	for (i = 0; dev[i] != NULL && rc == 0; i++)
		rc = ll_allow(rs, dev[i], LL_READ | LL_WRITE, a.fs);
	if (rc == 0 && prog_dir != NULL)
		rc = ll_allow(rs, prog_dir, LL_READ | LL_EXEC, a.fs);
	if (rc == 0 && rw != NULL)
		rc = ll_allow(rs, rw, a.fs, a.fs);
	if (rc == 0 && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	                   syscall(SYS_landlock_restrict_self, rs, 0) < 0))
		rc = -1;
	close(rs);
	return rc;
}
