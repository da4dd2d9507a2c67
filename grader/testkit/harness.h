/*
 * Test harness shared by the kit's Check suites: start a program with its
 * output captured, wait for it with a deadline, pick free ports and wait
 * for a server's socket to appear (never sleep for it).
 *
 * Interface:
 *	proc_start(p, argv)      start argv[0] with stdout/stderr captured
 *	proc_start_in(p, argv, stdin_text)  same, with text on its stdin
 *	proc_wait(p, ms)         collect output until exit; SIGKILL at ms
 *	proc_run(p, argv, ms)    proc_start then proc_wait
 *	proc_signal(p, sig)      send a signal (no-op once reaped)
 *	proc_running(p)          1 while it runs; reaps it once it has exited
 *	proc_lines(p, n, ms)     collect output while it runs until stdout
 *	                         holds n lines; -1 if it did not within ms
 *	proc_ready(p, type, port, ms)  port_wait that gives up (-1) as soon
 *	                         as p exits
 *	proc_free(p)             kill if still running, reap, free output
 *	port_free(type)          a port free on IPv4 and IPv6 for type
 *	port_wait(type, port, ms)  0 once a socket is bound/listening there
 *	kit_tmp(name)            $TMPDIR/NAME (the runner's private folder
 *	                         under /tmp, removed at its end), else
 *	                         /tmp/NAME; kit_tmp("") is the folder
 *	kit_vartmp(name)         $KIT_VARTMP/NAME (the runner's private
 *	                         folder under /var/tmp, removed at its end
 *	                         even when tests fail), else /var/tmp/NAME;
 *	                         kit_vartmp("") is the folder
 *	KIT_TMP_MAX              room for such a scratch path (a longer one
 *	                         is cut: its mkdtemp()/mkstemp() fails)
 *	kit_copy(dir)            a copy of the kit another uid can read
 *	                         (its tools, rubrics, labs/, the lab 1-2
 *	                         references) in dir; 0 or -1
 *	kit_bin(name)            path of a built tool (build/NAME or
 *	                         $KIT_BUILD/NAME), in a static buffer ring
 *	kit_not_here(why)        a check that cannot run here (as an
 *	                         ordinary user, say): one "not here:" line
 *	                         on stderr naming the test and why, which
 *	                         the runner counts and lists before Check's
 *	                         summary (never a silent pass)
 *	kit_shq(s)               s as one single-quoted shell word, in a
 *	                         static buffer ring of 8: a path in a
 *	                         "sh -c" command (the kit's folder may be
 *	                         named "my kit (copy)")
 *	harness_now(), harness_now_ms()  CLOCK_MONOTONIC in s / ms
 *
 * A started program gets /dev/null (or the given text) on stdin, default
 * signal dispositions, an empty signal mask and no descriptor of the test
 * beyond 0, 1, 2; it stays in the test's process group, so Check's
 * cleanup of a test that timed out takes it too.  Its stdout and stderr
 * are pipes of 1 MiB (fs.pipe-max-size permitting): a program that writes
 * more while the test does not read (proc_wait, proc_lines) blocks.  proc_wait
 *returns 0 once the program is reaped (timed_out says whether the deadline
 *killed it), -1 on an error.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;          /* 0 once reaped */
	int out_fd, err_fd; /* read ends, -1 once closed */
	char *out, *err;    /* captured output, always NUL-terminated */
	size_t out_len, err_len;
	int status;    /* wait status, valid once reaped */
	int timed_out; /* proc_wait killed it at the deadline */
};

int proc_start(struct proc *p, char *const argv[]);
int proc_start_in(struct proc *p, char *const argv[], const char *input);
int proc_wait(struct proc *p, int timeout_ms);
int proc_run(struct proc *p, char *const argv[], int timeout_ms);
void proc_signal(struct proc *p, int sig);
int proc_running(struct proc *p);
int proc_lines(struct proc *p, int n, int timeout_ms);
int proc_ready(struct proc *p, int type, int port, int timeout_ms);
void proc_free(struct proc *p);

int port_free(int type);
int port_wait(int type, int port, int timeout_ms);
const char *kit_bin(const char *name);
const char *kit_tmp(const char *name);
const char *kit_vartmp(const char *name);
int kit_copy(const char *dir);
const char *kit_shq(const char *s);
#define kit_not_here(why) kit_not_here_in(__func__, (why))
void kit_not_here_in(const char *func, const char *why);

/* A scratch path: the runner's folder (about 25 bytes) and a name. */
#define KIT_TMP_MAX 128
double harness_now(void);
long harness_now_ms(void);

/* Exit status of a reaped proc, or -1 if it died of a signal. */
#define PROC_EXIT(p) (WIFEXITED((p)->status) ? WEXITSTATUS((p)->status) : -1)

#endif
