/* Attack 11: reach a host service through a Unix socket, by path and
 * in the abstract namespace. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void
reach(const char *path, int abstract)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strncpy(a.sun_path + abstract, path, sizeof a.sun_path - 2);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
	                  strlen(path));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, len) == 0 &&
	    write(fd, "HELLO", 5) == 5)
		fprintf(stderr, "ATTACK-OK connected %s\n", path);
}

int
main(void)
{
	reach("@SOCK@", 0);
	reach("@SOCK@", 1);
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	return 1;
}
