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
