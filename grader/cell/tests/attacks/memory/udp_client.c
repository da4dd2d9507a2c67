/* Attack 10: up to 31 children of 230 MB each (RLIMIT_AS is per
 * process): about 7 GB from one program.  One child at a time takes and
 * touches its 230 MB and says so; as soon as two are alive holding
 * theirs (460 MB, more than the cell's memory cgroup's 256 MiB), it
 * says ATTACK-OK.  At once, not at the end: under load the test's
 * deadline kills it early (31 children at once did not get their
 * memory in time, and the grading's peak alone did not tell a missing
 * cgroup limit from a slow machine). */
#define _GNU_SOURCE
#include <poll.h>
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
	int i, held = 0, p[2], st;
	pid_t pid, got;

	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	if (pipe(p) < 0)
		return 1;
	for (i = 0; i < CHILDREN && held < 2; i++) {
		struct pollfd pf = {p[0], POLLIN, 0};

		pid = fork();
		if (pid == 0) {
			/* volatile: -O2 would drop memory never read */
			volatile char *m = malloc((size_t)CHILD_MB << 20);
			size_t j;

			if (m == NULL)
				_exit(2);
			for (j = 0; j < (size_t)CHILD_MB << 20; j += 4096)
				m[j] = 1;
			if (write(p[1], "h", 1) != 1)
				_exit(3);
			pause();
			_exit(0);
		}
		if (pid < 0)
			break;
		/* It holds its memory, or it died trying (the OOM killer
		 * may take an older one instead). */
		for (;;) {
			if (poll(&pf, 1, 10) == 1) {
				char c;

				if (read(p[0], &c, 1) == 1)
					held++;
				break;
			}
			if (waitpid(pid, &st, WNOHANG) == pid)
				break;
		}
		usleep(50000); /* an older one the kernel killed: reaped */
		while ((got = waitpid(-1, &st, WNOHANG)) > 0)
			held -= WIFSIGNALED(st) && held > 0;
	}
	if (held >= 2)
		fprintf(stderr, "ATTACK-OK %d children held %d MB each\n", held,
		    CHILD_MB);
	fprintf(stderr, "children: %d made\n", i);
	return 1;
}
