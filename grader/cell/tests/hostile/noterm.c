/* Hostile submission: ignores SIGTERM (and SIGINT) and waits for ever. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	printf("ignoring SIGTERM\n");
	fflush(stdout);
	for (;;)
		pause();
}
