/*
 * The student programs' seccomp filter (seccomp.c, libseccomp; named
 * so as not to shadow libseccomp's <seccomp.h>).
 *
 * Interface:
 *	sandbox_seccomp_fd()       the filter as a file bwrap --seccomp reads
 *	sandbox_seccomp_load()     load it into the calling process
 */
#ifndef SANDBOX_SECCOMP_H
#define SANDBOX_SECCOMP_H

int sandbox_seccomp_fd(void);
int sandbox_seccomp_load(void);

#endif
