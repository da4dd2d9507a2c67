/*
 * Readiness, never a sleep: a server counts as up when its socket shows
 * in the /proc/net tables (the cell's own inside a cell, the host's in
 * fallback mode): TCP listening (state 0A), UDP bound.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include "cell.h"

#define TCP_LISTEN 0x0A

/* Does /proc/net/NAME list a socket on port (listening, for TCP)? */
static int
table_has(const char *name, int port, int tcp)
{
	char path[64], line[512];
	unsigned lport, state;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/net/%s", name);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
		        &lport, &state) == 2 &&
		    (int)lport == port)
			found = !tcp || state == TCP_LISTEN;
	fclose(f);
	return found;
}

static int
port_ready(int type, int port)
{
	if (type == SOCK_STREAM)
		return table_has("tcp", port, 1) || table_has("tcp6", port, 1);
	return table_has("udp", port, 0) || table_has("udp6", port, 0);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cell_wait_port(
    struct cell *c, int type, int port, struct run *r, int timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	struct timespec pause = {0, CELL_POLL_MS * 1000000L};

	(void)c; /* /proc/net is the caller's namespace: the cell's */
	for (;;) {
		if (port_ready(type, port))
			return 0;
		if (now_ms() >= until)
			return errno = ETIMEDOUT, -1;
		/* Waiting on the run also drains its output pipes. */
		if (r != NULL) {
			if (run_wait(r, CELL_POLL_MS) != 1)
				return port_ready(type, port)
				           ? 0
				           : (errno = ECHILD, -1);
		} else
			nanosleep(&pause, NULL);
	}
}
