/* A hostile submission for the grader's self-test: a copy of
 * grader/cell/tests/hostile/flood.c submitted as udp_client.c. */
/* Hostile submission: prints without end. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

int
main(void)
{
	for (;;)
		fputs("flood flood flood flood flood flood flood flood\n",
		    stdout);
}
