/*
 * The seccomp filter of every student process, built with libseccomp and
 * handed to bwrap (--seccomp FD) as a compiled BPF program: EPERM for
 * what a socket lab never needs and a sandbox escape would (debugging
 * other processes, keys, BPF, mounts, namespaces, modules, kexec, the
 * terminal's input queue); everything else allowed.
 */
#define _GNU_SOURCE /* memfd_create(), CLONE_NEW* */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <unistd.h>

#include "cell.h"
#include "sandbox-seccomp.h"

/* Refused whatever their arguments.  Names this libseccomp or this
 * architecture does not know are skipped. */
static const char *const seccomp_denied[] = {"ptrace", "process_vm_readv",
    "process_vm_writev", "keyctl", "add_key", "request_key", "bpf",
    "perf_event_open", "userfaultfd", "mount", "umount", "umount2",
    "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "unshare", "setns", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "swapon",
    "swapoff", "reboot", "acct", "quotactl", "lookup_dcookie",
    "name_to_handle_at", "open_by_handle_at", "iopl", "ioperm", "syslog", NULL};

/* clone() flags that would make a namespace. */
static const unsigned long seccomp_ns_flags[] = {CLONE_NEWNS, CLONE_NEWUTS,
    CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
    0};

static int
seccomp_rules(scmp_filter_ctx ctx)
{
	const int eperm = SCMP_ACT_ERRNO(EPERM);
	int i, nr, rc = 0;

	for (i = 0; seccomp_denied[i] != NULL && rc == 0; i++) {
		nr = seccomp_syscall_resolve_name(seccomp_denied[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, eperm, nr, 0);
	}
	for (i = 0; seccomp_ns_flags[i] != 0 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, seccomp_ns_flags[i],
		        seccomp_ns_flags[i]));
	/* clone3 passes its flags in memory, out of a filter's reach:
	 * ENOSYS makes glibc fall back to clone() (threads, fork). */
	if (rc == 0)
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, TIOCSTI));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, TIOCLINUX));
	/* personality(): the default, or a query, only.  One comparison
	 * per argument is all libseccomp takes: a query is answered
	 * PER_LINUX (0, what it is) by the filter itself, which takes
	 * precedence over the wider rule (measured). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(personality), 1,
		    SCMP_A0(SCMP_CMP_NE, PER_LINUX));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(PER_LINUX),
		    SCMP_SYS(personality), 1,
		    SCMP_A0(SCMP_CMP_EQ, 0xffffffffUL));
	return rc;
}

/*
 * The filter as a compiled BPF program in an anonymous file, positioned
 * at its start (bwrap reads it from there): its fd, or -1 (errno).
 */
int
sandbox_seccomp_fd(void)
{
	scmp_filter_ctx ctx;
	int fd = -1, rc;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL)
		return errno = ENOMEM, -1;
	rc = seccomp_rules(ctx);
	if (rc == 0) {
		fd = memfd_create("socklab-seccomp", MFD_CLOEXEC);
		if (fd < 0)
			rc = -errno;
	}
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	if (rc == 0 && lseek(fd, 0, SEEK_SET) < 0)
		rc = -errno;
	seccomp_release(ctx);
	if (rc != 0) {
		if (fd >= 0)
			close(fd);
		return errno = -rc, -1;
	}
	return fd;
}

/*
 * The same filter on the calling process, for student programs that run
 * without bwrap (fallback mode, or bwrap not installed): after
 * no_new_privs, before exec.  0 or -1 (errno).
 */
int
sandbox_seccomp_load(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	if (ctx == NULL)
		return errno = ENOMEM, -1;
	rc = seccomp_rules(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : (errno = -rc, -1);
}
