/* Hostile submission: crashes at once (SIGSEGV) with a small footprint. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>

int
main(void)
{
	printf("about to crash\n");
	fflush(stdout);
	raise(SIGSEGV);
	return 0;
}
