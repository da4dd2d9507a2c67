/* Hostile submission: socket buffers as memory.  N processes (argv[1],
 * default 6) each open pairs of loopback TCP sockets to themselves and
 * fill both directions without reading: about 7 MB of kernel memory
 * per pair, which RLIMIT_AS does not see and cgroup v1's memory limit
 * counts only when its TCP accounting is on.  Prints "pairs N" once
 * its share is made, then waits to be killed. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[1 << 16];

/* Pairs made until descriptors or buffers run out. */
static int
fill(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0), n = 0, c, s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (void *)&a, sizeof a) < 0 || listen(l, 64) < 0 ||
	    getsockname(l, (void *)&a, &al) < 0)
		return 0;
	for (;;) {
		if ((c = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    connect(c, (void *)&a, sizeof a) < 0 ||
		    (s = accept(l, NULL, NULL)) < 0)
			return n;
		fcntl(c, F_SETFL, O_NONBLOCK);
		fcntl(s, F_SETFL, O_NONBLOCK);
		while (write(c, buf, sizeof buf) > 0)
			;
		while (write(s, buf, sizeof buf) > 0)
			;
		n++;
	}
}

int
main(int argc, char **argv)
{
	int procs = argc > 1 ? atoi(argv[1]) : 6, i, p[2], total = 0, n;

	if (pipe(p) < 0)
		return 1;
	for (i = 0; i < procs; i++)
		if (fork() == 0) {
			n = fill();
			if (write(p[1], &n, sizeof n) != sizeof n)
				_exit(1);
			for (;;)
				pause();
		}
	close(p[1]);
	while (read(p[0], &n, sizeof n) == sizeof n) {
		total += n;
		if (--procs == 0)
			break;
	}
	printf("pairs %d\n", total);
	fflush(stdout);
	for (;;)
		pause();
}
