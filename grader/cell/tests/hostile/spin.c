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
