/* Attack 10: 31 children of 230 MB each at once (RLIMIT_AS is per
 * process): about 7 GB from one program.  It says how many of them the
 * kernel killed (the cell's memory cgroup holds 256 MiB). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_MB 230
#define CHILDREN 31

int
main(void)
{
	int i, st, made = 0, killed = 0;

	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	for (i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			/* volatile: -O2 would drop memory never read */
			volatile char *p = malloc((size_t)CHILD_MB << 20);
			size_t k;

			if (p == NULL)
				_exit(2);
			for (k = 0; k < (size_t)CHILD_MB << 20; k += 4096)
				p[k] = 1;
			sleep(1); /* all of them at once */
			_exit(0);
		}
		made += pid > 0;
	}
	while (wait(&st) > 0)
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	fprintf(stderr, "children: %d made, %d killed\n", made, killed);
	if (made == CHILDREN && killed == 0)
		fprintf(
		    stderr, "ATTACK-OK all children held %d MB\n", CHILD_MB);
	return 1;
}
