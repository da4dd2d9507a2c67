/* Hostile submission: blocks for ever in recvfrom (no CPU is used, so
 * only the wall-clock deadline can end it). */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

int
main(void)
{
	char buf[16];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	printf("waiting\n");
	fflush(stdout);
	for (;;)
		recvfrom(fd, buf, sizeof buf, 0, NULL, NULL);
}
