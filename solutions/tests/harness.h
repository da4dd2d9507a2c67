/*
 * Test harness shared by the kit's Check suites: start a program with its
 * output captured, wait for it with a deadline, pick free ports and wait
 * for a server's socket to appear (never sleep for it).
 *
 * Interface:
 *	proc_start(p, argv)      start argv[0] with stdout/stderr captured
 *	proc_start_in(p, argv, stdin_text)  same, with text on its stdin
 *	proc_wait(p, ms)         collect output until exit; SIGKILL at ms
 *	proc_signal(p, sig)      send a signal (no-op once reaped)
 *	proc_free(p)             kill if still running, reap, free output
 *	port_free(type)          a port free on IPv4 and IPv6 for type
 *	port_wait(type, port, ms)  0 once a socket is bound/listening there
 *	kit_bin(name)            path of a built tool (build/NAME or
 *	                         $KIT_BUILD/NAME), in a static buffer ring
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;		/* 0 once reaped */
	int out_fd, err_fd;	/* read ends, -1 once closed */
	char *out, *err;	/* captured output, always NUL-terminated */
	size_t out_len, err_len;
	int status;		/* wait status, valid once reaped */
	int timed_out;		/* proc_wait killed it at the deadline */
};

int proc_start(struct proc *p, char *const argv[]);
int proc_start_in(struct proc *p, char *const argv[], const char *input);
int proc_wait(struct proc *p, int timeout_ms);
void proc_signal(struct proc *p, int sig);
void proc_free(struct proc *p);

int port_free(int type);
int port_wait(int type, int port, int timeout_ms);
const char *kit_bin(const char *name);

/* Exit status of a reaped proc, or -1 if it died of a signal. */
#define PROC_EXIT(p) (WIFEXITED((p)->status) ? WEXITSTATUS((p)->status) : -1)

#endif
