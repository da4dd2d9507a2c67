/*
 * Hostile submission: tries the ways out of a sandbox and prints one
 * "what=result" line for each, the result an errno name or "ok", for
 * the cell's tests to hold against what the seccomp filter and bwrap
 * must refuse and what a socket lab must keep (`escape PATH...`: also
 * whether each host PATH can be seen).
 */
#define _GNU_SOURCE /* syscall(), unshare(), setns(), personality() */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
say(const char *what, long rc)
{
	printf("%s=%s\n", what, rc >= 0 ? "ok" : strerrorname_np(errno));
}

static void *
thread_main(void *arg)
{
	return arg;
}

static void
denied(void)
{
	char buf[8], peer[8];
	struct iovec l = {buf, sizeof buf}, r = {peer, sizeof peer};

	say("ptrace", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	say("process_vm_readv", process_vm_readv(getppid(), &l, 1, &r, 1, 0));
	say("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
	                  KEY_SPEC_SESSION_KEYRING, 0));
	say("bpf", syscall(SYS_bpf, 0, NULL, 0));
	say("perf_event_open",
	    syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	say("userfaultfd", syscall(SYS_userfaultfd, 0));
	say("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
	say("umount2", umount2("/proc", MNT_DETACH));
	say("unshare", unshare(CLONE_NEWUSER));
	say("setns", setns(0, 0));
	say("clone_newns",
	    syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0));
	say("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	say("init_module", syscall(SYS_init_module, NULL, 0, ""));
	say("swapon", syscall(SYS_swapon, "/tmp/x", 0));
	say("reboot", reboot(RB_AUTOBOOT));
	say("acct", acct(NULL));
	say("personality", personality(READ_IMPLIES_EXEC));
	say("tiocsti", ioctl(2, TIOCSTI, "x"));
	say("tty", open("/dev/tty", O_RDWR));
}

static void
allowed(const char *self)
{
	struct timespec ts;
	pthread_t t;
	pid_t pid;
	int st = -1, fd;

	say("query_personality", personality(0xffffffff));
	say("thread", -(long)pthread_create(&t, NULL, thread_main, NULL)
	                  ? (errno = EAGAIN, -1)
	                  : 0);
	pthread_join(t, NULL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "--child", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	printf("fork_exec=%s\n",
	    WIFEXITED(st) && WEXITSTATUS(st) == 7 ? "ok" : "failed");
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	say("socket", fd);
	say("epoll", epoll_create1(0));
	say("clock", clock_gettime(CLOCK_MONOTONIC, &ts));
}

/* Fill /dev/shm with 8 MiB files (RLIMIT_FSIZE is per file) until a
 * write fails: "shm_mb=N" and how it failed, the files removed. */
static void
fill_shm(void)
{
	static char chunk[1 << 20];
	char path[64];
	int i, fd = -1, mb = 0, e = 0;

	memset(chunk, 'x', sizeof chunk);
	for (i = 0; e == 0 && i < 1024; i++) {
		snprintf(path, sizeof path, "/dev/shm/fill-%d", i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			e = errno;
			break;
		}
		for (int k = 0; k < 8; k++) {
			if (write(fd, chunk, sizeof chunk) !=
			    (ssize_t)sizeof chunk) {
				e = errno;
				break;
			}
			mb++;
		}
		close(fd);
	}
	while (i-- > 0) {
		snprintf(path, sizeof path, "/dev/shm/fill-%d", i);
		unlink(path);
	}
	printf("shm_mb=%d\nshm_full=%s\n", mb, e ? strerrorname_np(e) : "no");
}

int
main(int argc, char **argv)
{
	struct stat st;
	char host[64];
	int i;

	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return 7;
	/* escape --read PATH...: whether each can be opened for reading */
	if (argc > 1 && strcmp(argv[1], "--read") == 0) {
		for (i = 2; i < argc; i++) {
			int fd = open(argv[i], O_RDONLY);

			printf("read %s=%s\n", argv[i],
			    fd >= 0 ? "ok" : strerrorname_np(errno));
			if (fd >= 0)
				close(fd);
		}
		return 0;
	}
	denied();
	allowed(argv[0]);
	gethostname(host, sizeof host);
	printf("hostname=%s\n", host);
	fill_shm();
	for (i = 1; i < argc; i++)
		printf("see %s=%s\n", argv[i],
		    stat(argv[i], &st) == 0 ? "ok" : strerrorname_np(errno));
	return 0;
}
