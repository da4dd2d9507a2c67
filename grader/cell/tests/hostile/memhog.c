/* Hostile submission: allocates and touches memory for ever and never
 * checks malloc: at RLIMIT_AS it writes through NULL and crashes. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)

int
main(void)
{
	void **prev = NULL;

	printf("eating memory\n");
	fflush(stdout);
	for (;;) {
		void **p = malloc(CHUNK);

		memset(p, 0x5a, CHUNK); /* NULL at the limit: SIGSEGV */
		p[0] = prev; /* a list, so nothing is optimised out */
		prev = p;
	}
}
