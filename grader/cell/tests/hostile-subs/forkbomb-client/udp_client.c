/* A hostile submission for the grader's self-test: a copy of
 * grader/cell/tests/hostile/forkbomb.c submitted as udp_client.c. */
/* Hostile submission: a fork bomb.  Every process forks for ever; the
 * first one says when fork first fails (RLIMIT_NPROC) and goes on. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	pid_t first = getpid();
	int made = 0, told = 0;

	for (;;) {
		pid_t pid = fork();

		if (pid > 0)
			made++;
		else if (pid < 0 && getpid() == first && !told) {
			printf("fork failed after %d children: %s\n", made,
			    strerror(errno));
			fflush(stdout);
			told = 1;
		}
	}
}
