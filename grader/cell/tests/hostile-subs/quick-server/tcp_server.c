/* A hostile submission for the grader's self-test: a copy of
 * grader/cell/tests/hostile/quick.c submitted as tcp_server.c. */
/* Hostile submission: exits at once, status 3, a word on each stream. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

int
main(void)
{
	printf("out\n");
	fprintf(stderr, "err\n");
	return 3;
}
