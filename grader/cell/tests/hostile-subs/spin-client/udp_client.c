/* A hostile submission for the grader's self-test: a copy of
 * grader/cell/tests/hostile/spin.c submitted as udp_client.c. */
/* Hostile submission: an infinite CPU loop (RLIMIT_CPU or the deadline). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

int
main(void)
{
	volatile unsigned long n = 0;

	printf("spinning\n");
	fflush(stdout);
	for (;;)
		n++;
}
