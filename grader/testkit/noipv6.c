/*
 * labtest-noipv6 PROGRAM [ARG...]: run PROGRAM as on a host without IPv6
 * (socket(AF_INET6, ...) fails with EAFNOSUPPORT, through a seccomp
 * filter), so the tests can check the servers' fallback to AF_INET.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NOIPV6_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NOIPV6_ARCH AUDIT_ARCH_AARCH64
#endif

/* The low 32 bits of the first syscall argument (the address family). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NOIPV6_ARG0 offsetof(struct seccomp_data, args[0])
#else
#define NOIPV6_ARG0 (offsetof(struct seccomp_data, args[0]) + 4)
#endif

static int
noipv6_filter(void)
{
#ifdef NOIPV6_ARCH
	struct sock_filter code[] = {
	    BPF_STMT(
	        BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NOIPV6_ARCH, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(
	        BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NOIPV6_ARG0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof code / sizeof code[0], code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: labtest-noipv6 PROGRAM [ARG...]\n");
		return 2;
	}
	if (noipv6_filter() < 0) {
		fprintf(
		    stderr, "labtest-noipv6: seccomp: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "labtest-noipv6: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
