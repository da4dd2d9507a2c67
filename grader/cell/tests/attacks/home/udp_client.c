/* Attack 4: the instructor's files: read ~/.ssh/id_rsa and a sentinel,
 * append to ~/.bashrc, overwrite the kit's labsniff. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void
steal(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return;
	buf[n] = '\0';
	fprintf(stderr, "ATTACK-OK stolen %s: %s\n", path, buf);
}

static void
plant(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | flags);

	if (fd >= 0 && write(fd, "echo pwned\n", 11) == 11)
		fprintf(stderr, "ATTACK-OK wrote %s\n", path);
}

int
main(void)
{
	steal("@HOME@/.ssh/id_rsa");
	steal("@SENTINEL@");
	plant("@HOME@/.bashrc", O_APPEND);
	plant("@KIT@/build/labsniff", O_TRUNC);
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	return 1;
}
