/* Attack 9: leave files in every tmpfs and a SysV shared memory
 * segment behind, to outlive the grading. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#define SHM_BYTES 7777777 /* the suite looks for a segment of this size */

static void
leave(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0666);

	if (fd >= 0 && write(fd, "left\n", 5) == 5)
		fprintf(stderr, "wrote %s\n", path);
}

int
main(void)
{
	int id = shmget(IPC_PRIVATE, SHM_BYTES, IPC_CREAT | 0666);
	char *p = id >= 0 ? shmat(id, NULL, 0) : NULL;

	if (p != NULL && p != (void *)-1)
		memset(p, 1, SHM_BYTES);
	leave("/dev/shm/attack-@TOKEN@");
	leave("/var/tmp/attack-@TOKEN@");
	leave("/run/lock/attack-@TOKEN@");
	leave("/tmp/attack-@TOKEN@");
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	return 1;
}
