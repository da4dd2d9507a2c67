/*
 * Hostile submission: `linger PORT` leaves a daemon behind: a child in a
 * session of its own (out of reach of killpg) holding UDP and TCP PORT,
 * and exits 0 once the child holds them (`linger PORT stay`: waits for
 * ever instead).
 */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int
hold(int type, int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	int fd = socket(AF_INET6, type, 0), one = 1, off = 0;

	a.sin6_port = htons((unsigned short)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	return type == SOCK_STREAM ? listen(fd, 1) : 0;
}

int
main(int argc, char **argv)
{
	int p[2];
	char b;

	if (argc < 2 || argc > 3 || pipe(p) < 0)
		return 2;
	if (fork() == 0) {
		setsid();
		if (fork() != 0) /* a daemon: its parent is gone */
			_exit(0);
		if (hold(SOCK_DGRAM, atoi(argv[1])) < 0 ||
		    hold(SOCK_STREAM, atoi(argv[1])) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &b, 1) != 1)
		return 1;
	printf("daemon holds port %s\n", argv[1]);
	fflush(stdout);
	while (argc == 3)
		pause();
	return 0;
}
