/* Attack 6: no networking at all: find labpeer's command line in /proc
 * (the kit's path, its faults), then run the kit's reference client. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char path[300], buf[512];
	struct dirent *e;
	DIR *d = opendir("/proc");
	ssize_t n, i;
	int fd;

	while (d != NULL && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		for (i = 0; i < n; i++)
			buf[i] = buf[i] == '\0' ? ' ' : buf[i];
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "labpeer") != NULL)
			fprintf(stderr, "ATTACK-OK found %s\n", buf);
	}
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	fflush(stderr);
	argv[0] = "@KIT@/solutions/lab1-udp/udp_client";
	execv(argv[0], argv);
	(void)argc;
	return 1;
}
