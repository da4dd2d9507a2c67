/* Hostile submission: `forkn N` forks up to N children that sleep (none
 * forks again) and says how many it made: "made K" (K < N when fork
 * failed, RLIMIT_NPROC or the pids cgroup). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, made = 0;

	while (made < n) {
		pid_t pid = fork();

		if (pid == 0) {
			sleep(5);
			_exit(0);
		}
		if (pid < 0)
			break;
		made++;
	}
	printf("made %d\n", made);
	fflush(stdout);
	sleep(5);
	return 0;
}
